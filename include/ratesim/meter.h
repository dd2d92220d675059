/*
 * meter.h - the one admission interface every deployment kind implements.
 *
 * A meter decides whether the service admits an attempt (ARCHITECTURE: one
 * meter interface).  The standard window meter (meter_std.c, MODEL.md
 * section 4) and the provisioned utilisation meter (meter_ptu.c, section 5)
 * are implementations; deployments and routers only see rs_decision.
 *
 * Contract: admit() is called once per attempt that reaches the deployment,
 * with non-decreasing `now`.  When it admits, the caller later calls
 * complete() exactly once for that attempt, with the `charged` value the
 * decision returned, whether or not the client still waits for it.  A meter
 * that corrects nothing at completion (the standard one keeps its estimate)
 * leaves complete NULL: rs_meter_complete then does nothing, and a caller
 * that completes many attempts may ask rs_meter_corrects once and skip it.
 */
#ifndef RATESIM_METER_H
#define RATESIM_METER_H

#include "ratesim/common.h"

/* What the service sees of one attempt. */
typedef struct rs_meter_req {
	int64_t prompt_tokens; /* true prompt tokens */
	int64_t cached_tokens; /* prompt tokens served from cache (<= prompt) */
	int64_t max_tokens;    /* the request's max_tokens, or -1 when absent */
	int32_t best_of;
	int64_t output_tokens; /* actual completion tokens: read by complete() only */
} rs_meter_req;

/* Which limit refused an attempt (MODEL.md sections 4, 5 and 13): the one
 * whose wait the retry-after announces. */
typedef enum rs_limit_kind {
	RS_LIMIT_NONE, /* admitted */
	RS_LIMIT_TPM,  /* the standard meter's tokens-per-minute window */
	RS_LIMIT_RPM,  /* one of its requests windows: limit_window_s says which */
	RS_LIMIT_PTU,  /* the provisioned meter's utilisation above 100% */
} rs_limit_kind;

typedef struct rs_decision {
	bool admitted;
	rs_limit_kind limit;    /* on a 429: the limit that refused; RS_LIMIT_NONE when admitted */
	int limit_window_s;     /* RS_LIMIT_RPM: the refusing window's length in seconds, else 0 */
	int64_t retry_after_ms; /* on a 429: time until this request fits */
	int64_t remaining_requests; /* x-ratelimit-remaining-requests (standard) */
	int64_t remaining_tokens;   /* x-ratelimit-remaining-tokens (standard) */
	double utilisation;         /* after the decision: window occupancy or PTU U */
	double charged;             /* what admission added; pass back to complete() */
} rs_decision;

/* A sample of the meter's state for the time series. */
typedef struct rs_meter_state {
	double tpm_occupancy; /* standard: tokens in the TPM window / TPM */
	double rpm_occupancy; /* standard: requests in the RPM window / limit */
	double level;         /* provisioned: L in normalised tokens */
	double utilisation;   /* provisioned: U = L / C; standard: max of the two */
} rs_meter_state;

typedef struct rs_meter rs_meter;

typedef struct rs_meter_ops {
	const char *name;
	void (*admit)(rs_meter *m, rs_time now, const rs_meter_req *req, rs_decision *out);
	void (*complete)(rs_meter *m, rs_time now, const rs_meter_req *req,
	                 double charged); /* NULL: nothing to correct */
	void (*sample)(rs_meter *m, rs_time now, rs_meter_state *out);
	/* Scale the limit (1.0 = as deployed) from `now` on: the service's
	 * temporary rate-limit adjustment (MODEL.md section 4, issue 4). */
	void (*set_scale)(rs_meter *m, rs_time now, double scale);
	void (*free)(rs_meter *m);
} rs_meter_ops;

/* Every meter begins with this header. */
struct rs_meter {
	const rs_meter_ops *ops;
};

static inline void rs_meter_admit(rs_meter *m, rs_time now, const rs_meter_req *req,
                                  rs_decision *out)
{
	m->ops->admit(m, now, req, out);
}

static inline void rs_meter_complete(rs_meter *m, rs_time now, const rs_meter_req *req,
                                     double charged)
{
	if (m->ops->complete)
		m->ops->complete(m, now, req, charged);
}

/* Whether the meter does anything at completion (for its lifetime). */
static inline bool rs_meter_corrects(const rs_meter *m)
{
	return m->ops->complete != NULL;
}

static inline void rs_meter_free(rs_meter *m)
{
	if (m)
		m->ops->free(m);
}

#endif
