/*
 * meter_ptu.c - the provisioned-family utilisation meter (leaky bucket).
 *
 * Admission per the provisioned leaky bucket, MODEL.md section 5, which
 * follows seed 003 ("how the service decides to send a 429") step by step:
 *
 *   1. capacity C = ptu * input_tpm_per_ptu normalised tokens per minute;
 *   2a. on arrival, if U = L / C > 1, answer 429 with retry-after-ms = the
 *       time until U falls back to 100%;
 *   2b. otherwise admit and add (prompt - cached) + output_ratio *
 *       max_tokens_estimate (cached tokens discounted up to 100%);
 *   3. on completion add actual - estimate (negative when over-estimated);
 *   4. L drains continuously at C / 60 per second.
 *
 * Representation.  L is a double anchored at a time: `level` is L at
 * `anchor`, and L(t) = max(0, level - cap * (t - anchor) / 1 min) for
 * t >= anchor.  The anchor moves (lazy advance) only when L changes other
 * than by draining: an admission, a completion, a set_scale.  A 429 and a
 * sample() do not move it, so a 429's retry_after_ms is computed with the
 * very expression the re-presented request will be judged by: a client that
 * waits exactly retry_after_ms with no other traffic in between is admitted.
 * The ms is a closed form (no search: a level that never drains cannot make
 * it loop), exact to the whole ms: float noise within PTU_SNAP_MS of a whole
 * ms is ignored, and the admission test allows the same noise
 * (PTU_DRAIN_TOL_MS), so rounding cannot break the promise.
 * The drain is written cap * dt / RS_US_PER_MIN (product first) so that
 * round figures stay exact.
 *
 * Decisions where MODEL.md is silent (all documented at their use below):
 * - U exactly 1 admits (section 5: "admission happens at any U <= 1").
 * - best_of is not charged: the section 5 formula has no best_of term.
 * - set_scale changes the effective capacity used for admission, drain,
 *   U and remaining_tokens; stats and the per-minute metric divide by C as
 *   deployed (the metric is "PTU consumed / PTU deployed").
 * - the running mean keeps the last N actual output token counts of every
 *   completion, whether or not that request carried max_tokens.
 *
 * Invariants: level >= 0; cap > 0; calls come with non-decreasing `now`
 * (asserted); ring_n <= window; ring_sum is the exact int64 sum of the ring.
 *
 * Cost: O(1) time per call; memory O(estimator_window) for running_mean, else O(1).
 */
#include "ratesim/meter_ptu.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

/* Milliseconds per minute, for retry-after-ms = excess / (C per ms). */
#define PTU_MS_PER_MIN ((double)(RS_US_PER_MIN / RS_US_PER_MS))
/* Float noise allowances of the drain time, ms: a whole-ms retry-after is
 * rounded up only past PTU_SNAP_MS, and a level whose drain time is at most
 * PTU_DRAIN_TOL_MS counts as exactly full.  SNAP < TOL, and both are far
 * below the 1 us clock resolution, so no decision a microsecond clock can
 * tell apart changes. */
#define PTU_SNAP_MS      1e-7
#define PTU_DRAIN_TOL_MS 1e-6

/* Minute accumulators of the Utilization V2 metric (see the header). */
typedef struct ptu_minutes {
	int64_t cur;     /* minute index of the latest charging event */
	double acc_cur;  /* normalised tokens charged during minute `cur` */
	double acc_prev; /* ... during minute cur - 1 */
} ptu_minutes;

typedef struct ptu_meter {
	rs_meter base; /* must be first: rs_meter * <-> ptu_meter * */
	rs_ptu_params p;
	double cap_deployed; /* C, normalised tokens per minute */
	double cap;          /* effective C: cap_deployed * scale, > 0 */
	double level;        /* L at `anchor`, >= 0 */
	rs_time anchor;
	rs_time last_now; /* latest `now` seen, to check the call order */

	/* running_mean estimator: ring of the last `window` output counts */
	int64_t *ring; /* NULL unless RS_ESTIMATOR_RUNNING_MEAN */
	int ring_n;    /* entries filled, <= window */
	int ring_head; /* next slot to write */
	int64_t ring_sum;

	ptu_minutes min;
	rs_ptu_stats st;
	double level_peak; /* highest L since the last rs_meter_ptu_take_peak */
} ptu_meter;

static const rs_meter_ops ptu_ops;

static ptu_meter *ptu_of(rs_meter *m)
{
	assert(m && m->ops == &ptu_ops);
	return (ptu_meter *)m;
}

static const ptu_meter *ptu_of_const(const rs_meter *m)
{
	assert(m && m->ops == &ptu_ops);
	return (const ptu_meter *)m;
}

/* L at time t (>= anchor), drained, floored at 0.  Pure. */
static double ptu_level_at(const ptu_meter *pm, rs_time t)
{
	double l = pm->level - pm->cap * (double)(t - pm->anchor) / (double)RS_US_PER_MIN;

	return l > 0.0 ? l : 0.0;
}

static void ptu_check_time(ptu_meter *pm, rs_time now)
{
	assert(now >= pm->last_now && "meter calls must come with non-decreasing now");
	pm->last_now = now;
}

/* Set L = l at `now` (a change other than draining). */
static void ptu_set_level(ptu_meter *pm, rs_time now, double l)
{
	assert(l >= 0.0);
	pm->level = l;
	pm->anchor = now;
}

/* Add `amount` to the Utilization V2 accumulator of now's minute. */
static void ptu_minute_charge(ptu_meter *pm, rs_time now, double amount)
{
	int64_t minute = rs_meter_ptu_minute_of(now);

	if (minute != pm->min.cur) {
		assert(minute > pm->min.cur);
		pm->min.acc_prev = minute == pm->min.cur + 1 ? pm->min.acc_cur : 0.0;
		pm->min.acc_cur = 0.0;
		pm->min.cur = minute;
	}
	pm->min.acc_cur += amount;
}

static void ptu_note_level(ptu_meter *pm)
{
	if (pm->level > pm->st.level_max)
		pm->st.level_max = pm->level;
	if (pm->level > pm->level_peak)
		pm->level_peak = pm->level;
}

static double ptu_max_tokens_estimate(const ptu_meter *pm, const rs_meter_req *req)
{
	if (req->max_tokens >= 0)
		return (double)req->max_tokens;
	switch (pm->p.estimator) {
	case RS_ESTIMATOR_FIXED:
		return pm->p.estimator_value;
	case RS_ESTIMATOR_RUNNING_MEAN:
		if (pm->ring_n == 0)
			return (double)pm->p.max_tokens_default;
		return (double)pm->ring_sum / (double)pm->ring_n;
	case RS_ESTIMATOR_MODEL_DEFAULT:
		break;
	}
	return (double)pm->p.max_tokens_default;
}

/* (prompt - cached) + output_ratio * output: the normalised cost of an
 * attempt with `output` completion tokens (MODEL.md section 5; best_of is
 * not part of the provisioned formula). */
static double ptu_cost(const ptu_meter *pm, const rs_meter_req *req, double output)
{
	assert(req->prompt_tokens >= 0);
	assert(req->cached_tokens >= 0 && req->cached_tokens <= req->prompt_tokens);
	return (double)(req->prompt_tokens - req->cached_tokens) + pm->p.output_ratio * output;
}

/* How long L(now) = l takes to drain to the capacity, in ms (> 0 when
 * U > 1).  Both the admission test and the retry-after use this one
 * expression, so they cannot disagree. */
static double ptu_excess_ms(const ptu_meter *pm, double l)
{
	return (l - pm->cap) / pm->cap * PTU_MS_PER_MIN;
}

/* 2a: refuse when L needs more than PTU_DRAIN_TOL_MS to drain to C (a
 * level within float noise of C is "exactly full", which admits). */
static bool ptu_over(const ptu_meter *pm, double l)
{
	return ptu_excess_ms(pm, l) > PTU_DRAIN_TOL_MS;
}

/* retry-after-ms in closed form: the time to drain the excess, rounded up
 * to the whole ms, where a value within PTU_SNAP_MS above a whole ms counts
 * as that ms (float noise in L must not turn an exact 317 into 318).  A
 * client re-presenting after exactly that many ms finds L at most
 * PTU_SNAP_MS plus noise above C, which ptu_over() admits.  No search, so
 * no loop however far the level is above C; clamped to
 * RS_PTU_RETRY_AFTER_MAX_MS (a level that never drains within any run). */
static int64_t ptu_retry_after_ms(const ptu_meter *pm, double l)
{
	double ms = ceil(ptu_excess_ms(pm, l) - PTU_SNAP_MS);
	if (!(ms < (double)RS_PTU_RETRY_AFTER_MAX_MS)) /* also NaN */
		return RS_PTU_RETRY_AFTER_MAX_MS;
	return ms < 1.0 ? 1 : (int64_t)ms;
}

static void ptu_admit(rs_meter *m, rs_time now, const rs_meter_req *req, rs_decision *out)
{
	ptu_meter *pm = ptu_of(m);
	double l, charge, room;

	ptu_check_time(pm, now);
	l = ptu_level_at(pm, now);
	out->remaining_requests = -1; /* PTU does not count requests */

	/* 2a: strictly above 100% -> 429; U == 1 still admits (section 5). */
	if (ptu_over(pm, l)) {
		pm->st.refused++;
		out->admitted = false;
		out->limit = RS_LIMIT_PTU;
		out->limit_window_s = 0;
		out->retry_after_ms = ptu_retry_after_ms(pm, l);
		out->remaining_tokens = 0;
		out->utilisation = l / pm->cap;
		out->charged = 0.0;
		return;
	}

	/* 2b: admit and charge the estimate; the level may overshoot 100%. */
	charge = rs_meter_ptu_estimate(m, req);
	ptu_set_level(pm, now, l + charge);
	ptu_note_level(pm);
	ptu_minute_charge(pm, now, charge);
	pm->st.admitted_estimate += charge;

	room = floor(pm->cap - pm->level);
	out->admitted = true;
	out->limit = RS_LIMIT_NONE;
	out->limit_window_s = 0;
	out->retry_after_ms = 0;
	out->remaining_tokens = room > 0.0 ? (int64_t)room : 0;
	out->utilisation = pm->level / pm->cap;
	out->charged = charge;
}

static void ptu_ring_push(ptu_meter *pm, int64_t output)
{
	int w = pm->p.estimator_window;

	if (!pm->ring)
		return;
	if (pm->ring_n == w)
		pm->ring_sum -= pm->ring[pm->ring_head];
	else
		pm->ring_n++;
	pm->ring[pm->ring_head] = output;
	pm->ring_sum += output;
	pm->ring_head = (pm->ring_head + 1) % w;
}

static void ptu_complete(rs_meter *m, rs_time now, const rs_meter_req *req, double charged)
{
	ptu_meter *pm = ptu_of(m);
	double l, actual, applied, next;

	assert(charged >= 0.0);
	assert(req->output_tokens >= 0);
	ptu_check_time(pm, now);
	l = ptu_level_at(pm, now);
	actual = ptu_cost(pm, req, (double)req->output_tokens);

	/* 3: correct by actual - estimate; never below 0, report the rest. */
	next = l + (actual - charged);
	applied = actual - charged;
	if (next < 0.0) {
		pm->st.clipped += -next;
		applied = -l;
		next = 0.0;
	}
	ptu_set_level(pm, now, next);
	ptu_note_level(pm);
	ptu_minute_charge(pm, now, applied);

	pm->st.actual += actual;
	pm->st.corrections += applied;
	pm->st.n_corrections++;
	ptu_ring_push(pm, req->output_tokens);
}

static void ptu_sample(rs_meter *m, rs_time now, rs_meter_state *out)
{
	ptu_meter *pm = ptu_of(m);
	double l;

	ptu_check_time(pm, now);
	l = ptu_level_at(pm, now);
	out->tpm_occupancy = 0.0;
	out->rpm_occupancy = 0.0;
	out->level = l;
	out->utilisation = l / pm->cap;
}

/* The temporary adjustment (MODEL.md section 4, applied to the provisioned
 * capacity): drain to now at the old rate, then C_eff = C * scale.  A scale
 * of 0 would stop the drain for good: a down deployment is a fault, not a
 * capacity, so scale must be > 0 (asserted).  A product that underflows
 * to 0 (a scale of 1e-320 from a file) is held at the smallest normal
 * double, so C stays > 0 and the arithmetic finite. */
static void ptu_set_scale(rs_meter *m, rs_time now, double scale)
{
	ptu_meter *pm = ptu_of(m);

	assert(scale > 0.0);
	ptu_check_time(pm, now);
	ptu_set_level(pm, now, ptu_level_at(pm, now));
	pm->cap = pm->cap_deployed * scale;
	if (!(pm->cap >= DBL_MIN))
		pm->cap = DBL_MIN;
}

static void ptu_free(rs_meter *m)
{
	ptu_meter *pm;

	if (!m)
		return;
	pm = ptu_of(m);
	free(pm->ring);
	free(pm);
}

static const rs_meter_ops ptu_ops = {
    .name = "provisioned",
    .admit = ptu_admit,
    .complete = ptu_complete,
    .sample = ptu_sample,
    .set_scale = ptu_set_scale,
    .free = ptu_free,
};

rs_meter *rs_meter_ptu_new(const rs_ptu_params *p)
{
	ptu_meter *pm;

	assert(p);
	assert(p->ptu > 0 && p->input_tpm_per_ptu > 0.0);
	assert(p->output_ratio >= 0.0);
	assert(p->max_tokens_default >= 0);
	assert(p->estimator != RS_ESTIMATOR_FIXED || p->estimator_value >= 0.0);
	assert(p->estimator != RS_ESTIMATOR_RUNNING_MEAN || p->estimator_window >= 1);

	pm = rs_calloc(1, sizeof *pm);
	if (!pm)
		return NULL;
	pm->base.ops = &ptu_ops;
	pm->p = *p;
	if (p->estimator == RS_ESTIMATOR_RUNNING_MEAN) {
		pm->ring = rs_calloc((size_t)p->estimator_window, sizeof *pm->ring);
		if (!pm->ring) {
			free(pm);
			return NULL;
		}
	}
	pm->cap_deployed = (double)p->ptu * p->input_tpm_per_ptu;
	if (!(pm->cap_deployed >= DBL_MIN)) /* 1e-320 TPM per PTU: keep C > 0 */
		pm->cap_deployed = DBL_MIN;
	pm->cap = pm->cap_deployed;
	pm->st.capacity_per_min = pm->cap_deployed;
	return &pm->base;
}

bool rs_meter_ptu_is(const rs_meter *m)
{
	assert(m);
	return m->ops == &ptu_ops;
}

void rs_meter_ptu_stats(const rs_meter *m, rs_ptu_stats *out)
{
	*out = ptu_of_const(m)->st;
}

double rs_meter_ptu_estimate(const rs_meter *m, const rs_meter_req *req)
{
	const ptu_meter *pm = ptu_of_const(m);

	return ptu_cost(pm, req, ptu_max_tokens_estimate(pm, req));
}

int64_t rs_meter_ptu_minute_of(rs_time t)
{
	assert(t >= 0);
	return t / RS_US_PER_MIN;
}

double rs_meter_ptu_minute_utilisation(rs_meter *m, int64_t minute)
{
	const ptu_meter *pm = ptu_of(m);

	assert(minute >= 0);
	assert(minute >= pm->min.cur - 1 && "older minutes are not kept");
	if (minute > pm->min.cur)
		return 0.0;
	if (minute == pm->min.cur)
		return pm->min.acc_cur / pm->cap_deployed;
	return pm->min.acc_prev / pm->cap_deployed;
}

double rs_meter_ptu_take_peak(rs_meter *m, rs_time now)
{
	ptu_meter *pm = ptu_of(m);
	ptu_check_time(pm, now);
	double l = ptu_level_at(pm, now);
	double peak = pm->level_peak > l ? pm->level_peak : l;
	pm->level_peak = l;
	return peak / pm->cap_deployed;
}
