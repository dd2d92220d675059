/*
 * meter_std.h - the standard-family admission meter: TPM and RPM windows.
 *
 * The meter of the standard, global_standard and data_zone_standard kinds
 * (MODEL.md section 4).  An attempt is admitted when both its token estimate
 * fits the tokens-per-minute window and one more request fits the short
 * requests window; otherwise it gets a 429 with the retry-after-ms the
 * service would send.  It implements the ops of meter.h; the rules, their
 * edge cases and the cost are written in the design note of meter_std.c.
 * Several requests windows may be enforced at once (rpm_windows_s, MODEL.md
 * section 13: the service was seen to refuse on its 1-second window while
 * its 10-second one had room).
 */
#ifndef RATESIM_METER_STD_H
#define RATESIM_METER_STD_H

#include "ratesim/common.h"
#include "ratesim/config.h"
#include "ratesim/meter.h"

/* The most requests windows one meter enforces at once. */
#define RS_STD_RPM_WINDOWS_MAX RS_MAX_RPM_WINDOWS

/* A standard deployment's admission parameters (from rs_deployment_cfg and
 * its model).  Valid values are the scenario loader's job; the meter asserts
 * them. */
typedef struct rs_std_params {
	int64_t tpm;               /* the deployment's tokens-per-minute limit (>= 0) */
	double rpm_per_1k_tpm;     /* RPM = rpm_per_1k_tpm * tpm / 1000 (>= 0) */
	rs_window_kind tpm_window; /* RS_WINDOW_SLIDING or RS_WINDOW_FIXED */
	rs_window_kind rpm_window;
	int rpm_window_s; /* 1 or 10 (any length in 1..60 s works) */
	/* Several requests windows enforced together: when n_rpm_windows > 0
	 * these lengths (1..60 s, strictly increasing) replace rpm_window_s;
	 * 0 keeps the single rpm_window_s. */
	int n_rpm_windows;
	int rpm_windows_s[RS_STD_RPM_WINDOWS_MAX];
	/* The retry-after of a request whose estimate alone exceeds the
	 * deployed TPM (MODEL.md section 13: 86,400 s); 0 answers the time
	 * until the TPM window is empty instead. */
	int64_t oversize_retry_after_ms;
	bool count_refused;            /* refused attempts count toward both windows */
	double prompt_estimate_factor; /* the prompt estimate = ceil(prompt * factor) (>= 0) */
	int64_t max_tokens_default;    /* used when the request has no max_tokens (>= 0) */
} rs_std_params;

/* A new standard meter with empty windows and scale 1.0.  `p` is copied.
 * Returns an rs_meter driven through meter.h (rs_meter_admit, ...), which
 * the caller frees with rs_meter_free; NULL when out of memory. */
rs_meter *rs_meter_std_new(const rs_std_params *p);

/* The token estimate the meter charges for `req`:
 * ceil(prompt_tokens * prompt_estimate_factor)
 *     + (max_tokens, or max_tokens_default when max_tokens < 0) * best_of.
 * A floating-point excess below 1e-9 (relative) of the product is ignored,
 * so 100 * 1.1 gives 110 as it does on paper.  req->best_of must be >= 1. */
int64_t rs_meter_std_estimate(const rs_std_params *p, const rs_meter_req *req);

/* Requests allowed per RPM window at the deployed TPM (scale 1.0):
 * max(1, floor(rpm_per_1k_tpm * tpm / 1000 * rpm_window_s / 60)); with
 * several windows, the first (shortest) one's. */
int64_t rs_meter_std_rpm_limit(const rs_std_params *p);

/* The same for a window of window_s seconds (>= 1). */
int64_t rs_meter_std_rpm_limit_for(const rs_std_params *p, int window_s);

#endif
