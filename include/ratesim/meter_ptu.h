/*
 * meter_ptu.h - the provisioned-family utilisation meter (a leaky bucket).
 *
 * Admission per the provisioned leaky bucket of MODEL.md section 5 (source:
 * seed 003, "how the service decides to send a 429"):
 *
 *   C = ptu * input_tpm_per_ptu   normalised input tokens per minute
 *   L                             the level, drains continuously at C/60 per s
 *   U = L / C                     the utilisation every answer carries
 *
 *   arrival:    U > 1  -> 429, retry_after_ms = time until U is back to 1,
 *                         rounded up to the whole ms, in closed form, at most
 *                         RS_PTU_RETRY_AFTER_MAX_MS
 *               U <= 1 -> admit, L += (prompt - cached)
 *                                     + output_ratio * max_tokens_estimate
 *   completion: L += actual - estimate, never below 0 (the shortfall is
 *               reported as `clipped`)
 *
 * The meter is an rs_meter (meter.h): deployments drive it through the ops
 * table.  The functions below read figures only this kind has.  Every
 * function taking an rs_meter * here requires a meter made by
 * rs_meter_ptu_new (asserted).
 */
#ifndef RATESIM_METER_PTU_H
#define RATESIM_METER_PTU_H

#include "ratesim/config.h"
#include "ratesim/meter.h"

/* The longest retry-after-ms a provisioned 429 carries (about 31.7 years:
 * past any run; a level that would take longer to drain, e.g. from an
 * output_ratio of 1e308, says this), so now + retry stays far inside int64. */
#define RS_PTU_RETRY_AFTER_MAX_MS INT64_C(1000000000000)

typedef struct rs_ptu_params {
	int64_t ptu;                /* > 0 */
	double input_tpm_per_ptu;   /* > 0; C = ptu * input_tpm_per_ptu per minute */
	double output_ratio;        /* >= 0; one output token counts as this many input tokens */
	rs_estimator estimator;     /* max_tokens estimate when the request has none */
	double estimator_value;     /* RS_ESTIMATOR_FIXED: the value, >= 0 */
	int estimator_window;       /* RS_ESTIMATOR_RUNNING_MEAN: the last N completions, >= 1 */
	int64_t max_tokens_default; /* >= 0; RS_ESTIMATOR_MODEL_DEFAULT, and running_mean
	                             * before any completion */
} rs_ptu_params;

/* Create a meter at time 0 with an empty bucket (L = 0).  `p` is copied
 * (borrowed for the call only).  Parameters out of the ranges above are a
 * bug of the caller (the scenario loader validates them) and trip an assert.
 * Returns NULL when out of memory.  Caller frees with rs_meter_free. */
rs_meter *rs_meter_ptu_new(const rs_ptu_params *p);

/* True when `m` was made by rs_meter_ptu_new.  m must not be NULL. */
bool rs_meter_ptu_is(const rs_meter *m);

/* Figures the outputs report (MODEL.md sections 5 and 10), since creation. */
typedef struct rs_ptu_stats {
	double capacity_per_min;  /* C as deployed (set_scale does not change it) */
	double level_max;         /* highest L seen right after an admission or correction */
	double admitted_estimate; /* sum of estimates charged at admission */
	double actual;            /* sum of actual costs of completed attempts */
	double corrections;       /* sum of (actual - estimate) applied, signed, after clipping */
	uint64_t n_corrections;   /* completions, including those whose difference was 0 */
	double clipped;           /* correction amounts not applied because L would go below 0 */
	uint64_t refused;         /* 429s answered */
} rs_ptu_stats;

/* OUT: *out, a copy of the meter's running figures. */
void rs_meter_ptu_stats(const rs_meter *m, rs_ptu_stats *out);

/* The estimate admission would charge for `req` now, in normalised tokens:
 * (prompt - cached) + output_ratio * max_tokens_estimate, where the estimate
 * is req->max_tokens when >= 0, else the meter's estimator.  Pure. */
double rs_meter_ptu_estimate(const rs_meter *m, const rs_meter_req *req);

/* The minute index of time `t`: floor(t / 60 s), the unit the per-minute
 * metric below is kept in.  t >= 0. */
int64_t rs_meter_ptu_minute_of(rs_time t);

/*
 * "Provisioned-Managed Utilization V2" of minute `minute` (MODEL.md section
 * 5: per minute, PTU consumed / PTU deployed).  Modelled as
 *
 *   (normalised tokens charged to the meter during the minute: admission
 *    estimates plus the completion corrections applied, clipped amounts
 *    excluded) / C as deployed
 *
 * so 1.0 means the minute consumed exactly the deployment's per-minute
 * capacity.  A charge belongs to the minute of the call that made it: a
 * correction lands in the minute the attempt completes.  The figure can
 * exceed 1 (the documented bursts over 100%) and, in a minute holding only
 * downward corrections of earlier over-estimates, be negative.
 *
 * Call it at each minute boundary, for the minute that has just ended
 * (minute == rs_meter_ptu_minute_of(boundary) - 1), before or after the
 * meter events of the new minute: the meter keeps only the accumulators of
 * the minute of its latest event and of the minute before that.  A minute
 * later than the latest event's has had no charge and reads 0.  Asking for
 * a minute older than the one before the latest event's is a bug (asserted).
 * The caller must not ask for a minute that has not ended yet: the meter
 * cannot tell and returns its partial sum.
 */
double rs_meter_ptu_minute_utilisation(rs_meter *m, int64_t minute);

/* The highest utilisation (L / C as deployed) since the previous call (or
 * since creation), counting the level at `now`; the peak then restarts from
 * the level at `now`.  The time series reads it once per bucket. */
double rs_meter_ptu_take_peak(rs_meter *m, rs_time now);

#endif
