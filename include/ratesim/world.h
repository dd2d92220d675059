/*
 * world.h - a runnable simulation built from a scenario: the deployments,
 * the clients, the requests in flight, the engine and the metrics.
 *
 * The world is where an attempt flows (MODEL.md sections 3-6): a client's
 * arrival creates a request; each attempt is presented to the target's meter;
 * an admitted attempt completes after the latency model's time and is
 * corrected on the meter; a refused one reaches the client after the refusal
 * latency, and the retry policy decides whether it tries again.  A
 * provisioned deployment with spillover passes a refused attempt at once to
 * its spillover deployment, and the client gets the original 429 only when
 * that one refuses too (section 6).
 *
 * Requests live in a pool that is recycled, so memory follows the number of
 * requests in flight, not the length of the run.
 */
#ifndef RATESIM_WORLD_H
#define RATESIM_WORLD_H

#include "ratesim/config.h"
#include "ratesim/metrics.h"

/* What an attempt's row says ended it for the client (issue 10 part 3). */
typedef enum rs_attempt_end {
	RS_END_ANSWERED,  /* the client had the answer (200, 429 or 503) */
	RS_END_ABANDONED, /* the client stopped waiting (its timeout); the service went on */
	RS_END_REJECTED,  /* refused before sending by the client's own controls */
	RS_END_PASSED_ON, /* a deployment's answer a router or spillover went past */
	RS_END_OPEN,      /* still waited for when the run ended */
	RS_END_COUNT
} rs_attempt_end;

/* Room for the longest limit name ("queue_timeout", "rpm_60s"). */
#define RS_ATTEMPT_LIMIT_LEN 16

/* One attempt as one party decided it: the service's diagnostic log, with
 * the client's side (reqlog.h writes them in order of decision).  A row is
 * per attempt and per deployment that answered it: a spilled attempt has
 * two, an attempt a router passed on one per backend tried. */
typedef struct rs_attempt_record {
	rs_time time; /* when it was decided: reached the deployment, router or client's controls */
	uint64_t request_id;
	int attempt; /* 1 for the first try */
	const char *client;
	const char *deployment; /* NULL when no deployment decided */
	int status;             /* 200, 429 or 503 */
	rs_time duration;       /* the service's time: drawn at admission, or the refusal's; -1 */
	int64_t prompt_tokens;
	int64_t completion_tokens; /* what it generates or would have generated, also on a 429 */
	int64_t retry_after_ms;    /* -1 when there is none */
	bool spilled;              /* served by (or refused at) a spillover deployment */
	/* issue 10 part 3: the full record */
	rs_time answered;   /* when the client had the answer or gave up waiting; -1: none */
	const char *router; /* the router the client sent to, or NULL */
	int decided_by;     /* rs_refuser (refusal.h): who refused; RS_BY_NONE when admitted */
	char limit[RS_ATTEMPT_LIMIT_LEN]; /* what refused ("tpm", "ptu", ...), or "" */
	double estimate;    /* the meter's estimate of the request; NaN when no meter saw it */
	int64_t max_tokens; /* -1 when absent */
	int best_of;
	int64_t cached_tokens;
	int64_t remaining_requests, remaining_tokens; /* after the decision; -1: none */
	double utilisation;                           /* after the decision; NaN: none */
	rs_attempt_end end;
	rs_time backoff;     /* the wait the client drew before its next attempt; -1: none */
	const char *gave_up; /* why the request gave up after this attempt, or NULL */
	rs_time queued;      /* time the attempt waited in the client's controls or a router */
} rs_attempt_record;

typedef struct rs_world_hooks {
	/* A closed time-series bucket row (required for outputs). */
	rs_status (*row)(void *ctx, const rs_ts_row *row);
	/* A closed minute of a provisioned deployment (optional). */
	rs_status (*minute_row)(void *ctx, const rs_minute_row *row);
	/* Every attempt (optional: --log-requests), in order of decision, each
	 * row once the client is done with it (reqlog.h). */
	rs_status (*attempt)(void *ctx, const rs_attempt_record *rec);
	void *ctx; /* passed to row, minute_row and attempt */
	/* The share of requests the attempt hook sees, kept whole by a hash of
	 * the request id (reqlog.h); 0 or 1: every request (--log-sample). */
	double log_sample;
	/* Every admitted attempt completes by its own event, never ahead of it
	 * (world.c, completes_ahead): the same results, more events; the
	 * reference that tests hold the fast path against. */
	bool evented_completions;
	/* Called every `progress_every` events with the simulated time. */
	void (*progress)(void *progress_ctx, rs_time now, rs_time end, uint64_t events);
	uint64_t progress_every;
	void *progress_ctx;
} rs_world_hooks;

typedef struct rs_world rs_world;

/* Build the world for cfg (borrowed: it must outlive the world) and
 * schedule each client's first arrival.  Errors: trace files, NOMEM. */
rs_status rs_world_new(const rs_config *cfg, const rs_world_hooks *hooks, rs_world **out,
                       rs_error *err);
void rs_world_free(rs_world *w);

/* Run one event (false in *ran when the run has reached its end). */
rs_status rs_world_step(rs_world *w, bool *ran, rs_error *err);
/* Run to the end and close the last time bucket. */
rs_status rs_world_run(rs_world *w, rs_error *err);

const rs_metrics *rs_world_metrics(const rs_world *w);
/* The events the model simulated: those the engine's queue ran, and the
 * completions given to the metrics at admission instead (complete_ahead)
 * that would have run before the end.  Counted when given, so a stepped
 * run's figure runs ahead of its clock; at the end it is the count of
 * the same run with every completion evented. */
uint64_t rs_world_events(const rs_world *w);
/* Of those, the events the engine's queue ran. */
uint64_t rs_world_queue_events(const rs_world *w);
uint64_t rs_world_requests(const rs_world *w); /* requests created */
rs_time rs_world_now(const rs_world *w);

#endif
