/*
 * arrivals.c - constant, Poisson and trace-replay arrival generators
 * (the mechanism is described in include/ratesim/arrivals.h).
 *
 * The schedule becomes a list of segments [a, b) with a rate that starts at
 * r0 and changes by `slope` per second, and the cumulative intensity at both
 * ends, l0 = Lambda(a) and l1 = Lambda(b).  Operational time only grows, so
 * a cursor walks the segments once.  Inside a segment, Lambda(a + x) - l0 =
 * r0 x + slope x^2 / 2 = d is solved for x >= 0 as
 *     x = 2 d / (r0 + sqrt(r0^2 + 2 slope d)),
 * the form without cancellation: r0 >= 0, and the square root is real
 * because d stays below the segment's mass (it equals r(a + x)).  It also
 * covers a ramp from zero rate (r0 = 0: x = sqrt(2 d / slope)) and a ramp to
 * zero (slope < 0).
 */
#include "ratesim/arrivals.h"

#include "ratesim/rng.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

/* The shortest on or off period, s: one microsecond (see next_onoff). */
#define ONOFF_MIN_PERIOD_S 1e-6

/* A loop period is capped here (2^62 us, 146,000 years), which keeps
 * llround in range; no run is that long. */
#define TRACE_PERIOD_MAX 0x1p62

/* One piece of the rate schedule. */
typedef struct arr_seg {
	double a, b;   /* seconds; b = INFINITY for the last piece */
	double r0;     /* rate at a, requests per second */
	double slope;  /* change of rate per second (0 for a step) */
	double l0, l1; /* Lambda(a), Lambda(b); l1 = INFINITY when the last rate is > 0 */
} arr_seg;

struct rs_arrivals {
	rs_arrival_process process;
	rs_time end;
	rs_time last; /* the previous arrival (for monotonicity) */
	bool done;

	/* constant / poisson */
	arr_seg *seg;
	size_t nseg;
	size_t cur; /* the segment that held the previous arrival */
	double u;   /* operational time of the previous arrival (poisson) */
	uint64_t k; /* arrivals made so far (constant) */

	/* trace */
	const rs_trace *trace;
	double speedup;
	bool loop;
	rs_time period; /* of a lap, us */
	size_t row;     /* next row */
	int64_t lap;

	/* at_once: `left` more arrivals, all at `at` */
	int64_t left;
	rs_time at;

	/* on/off: Poisson at the rate of the current period */
	double rate_on, rate_off, on_s, off_s;
	bool on;        /* the current period is an "on" period */
	double t_s;     /* the previous arrival (or period start), seconds */
	double until_s; /* the end of the current period, seconds */
};

/* The start of a message about one schedule point. */
#define SCHED_ERR "arrival schedule: point %zu: "

/* The checks the scenario loader also makes, so that a bad schedule cannot
 * reach the arithmetic below. */
static rs_status check_schedule(const rs_rate_point *p, size_t n, rs_error *err)
{
	if (n == 0 || !p)
		return rs_fail(err, RS_ERR_INVALID, "arrival schedule: needs at least one point");
	for (size_t i = 0; i < n; i++) {
		double at = p[i].at_s, rate = p[i].rate_rps;
		if (!isfinite(at) || at < 0)
			return rs_fail(err, RS_ERR_INVALID, SCHED_ERR "at_s must be >= 0 (got %g)",
			               i, at);
		if (!isfinite(rate) || rate < 0)
			return rs_fail(err, RS_ERR_INVALID,
			               SCHED_ERR "rate_rps must be >= 0 (got %g)", i, rate);
		if (i > 0 && at < p[i - 1].at_s)
			return rs_fail(err, RS_ERR_INVALID,
			               SCHED_ERR "at_s goes backwards (%g after %g)", i, at,
			               p[i - 1].at_s);
	}
	return RS_OK;
}

/* Validate the schedule and build its segments. */
static rs_status build_segments(rs_arrivals *a, const rs_arrival_cfg *cfg, rs_error *err)
{
	const rs_rate_point *p = cfg->schedule;
	size_t n = cfg->n_schedule;
	rs_status st = check_schedule(p, n, err);
	if (st)
		return st;
	bool lead = p[0].at_s > 0; /* zero rate before the first point */
	a->nseg = n + (lead ? 1 : 0);
	a->seg = rs_calloc(a->nseg, sizeof *a->seg);
	if (!a->seg)
		return rs_fail(err, RS_ERR_NOMEM, "arrival schedule: out of memory");
	arr_seg *s = a->seg;
	if (lead)
		*s++ = (arr_seg){.a = 0, .b = p[0].at_s};
	double lambda = 0;
	for (size_t i = 0; i < n; i++, s++) {
		bool last = i + 1 == n;
		s->a = p[i].at_s;
		s->b = last ? INFINITY : p[i + 1].at_s;
		s->r0 = p[i].rate_rps;
		double r1 = !last && p[i].ramp ? p[i + 1].rate_rps : p[i].rate_rps;
		double len = s->b - s->a;
		s->slope = !last && len > 0 ? (r1 - s->r0) / len : 0;
		s->l0 = lambda;
		if (last)
			s->l1 = s->r0 > 0 ? INFINITY : lambda;
		else
			s->l1 = lambda + 0.5 * (s->r0 + r1) * len;
		lambda = s->l1;
	}
	return RS_OK;
}

/* Check the replay settings and work out the loop period. */
static rs_status setup_replay(rs_arrivals *a, const rs_arrival_cfg *cfg, const rs_trace *tr,
                              rs_error *err)
{
	a->trace = tr;
	a->speedup = cfg->speedup;
	a->loop = cfg->loop;
	if (!tr || tr->n == 0)
		return rs_fail(err, RS_ERR_INVALID, "trace replay: the trace has no rows");
	if (!(isfinite(cfg->speedup) && cfg->speedup > 0))
		return rs_fail(err, RS_ERR_INVALID, "trace replay: speedup must be > 0 (got %g)",
		               cfg->speedup);
	if (!cfg->loop)
		return RS_OK;
	double p = (double)(tr->span + tr->mean_gap) / cfg->speedup;
	a->period = p < TRACE_PERIOD_MAX ? llround(p) : (rs_time)TRACE_PERIOD_MAX;
	if (a->period > 0)
		return RS_OK;
	return rs_fail(err, RS_ERR_INVALID,
	               "%s: trace replay: cannot loop: the period (span %lld us + mean gap %lld "
	               "us) / speedup %g rounds to 0 us",
	               tr->path ? tr->path : "trace", (long long)tr->span, (long long)tr->mean_gap,
	               cfg->speedup);
}

rs_status rs_arrivals_new(const rs_arrival_cfg *cfg, const rs_trace *trace, rs_time end,
                          rs_arrivals **out, rs_error *err)
{
	*out = NULL;
	rs_arrivals *a = rs_calloc(1, sizeof *a);
	if (!a)
		return rs_fail(err, RS_ERR_NOMEM, "arrivals: out of memory");
	a->process = cfg->process;
	a->end = end;
	a->last = INT64_MIN;
	a->done = end <= 0;
	rs_status st = RS_OK;
	switch (cfg->process) {
	case RS_ARRIVAL_TRACE:
		st = setup_replay(a, cfg, trace, err);
		break;
	case RS_ARRIVAL_ONOFF:
		a->rate_on = cfg->rate_on;
		a->rate_off = cfg->rate_off;
		a->on_s = cfg->on_s;
		a->off_s = cfg->off_s;
		a->on = false; /* the first period (drawn on the first call) is "on" */
		a->t_s = 0;
		a->until_s = 0;
		break;
	case RS_ARRIVAL_CLOSED:
	case RS_ARRIVAL_JOB:
		a->done = true; /* closed-loop users and jobs are driven by their outcomes */
		break;
	case RS_ARRIVAL_AT_ONCE:
		a->left = cfg->requests;
		a->at = rs_time_from_s(cfg->start_s);
		break;
	default:
		st = build_segments(a, cfg, err);
		break;
	}
	if (st) {
		rs_arrivals_free(a);
		return st;
	}
	*out = a;
	return RS_OK;
}

/* T(u) = inf { t : Lambda(t) > u } in seconds, or INFINITY when Lambda never
 * exceeds u.  u must not decrease between calls (the cursor only advances). */
static double invert(rs_arrivals *a, double u)
{
	while (a->cur < a->nseg && !(u < a->seg[a->cur].l1))
		a->cur++;
	if (a->cur == a->nseg)
		return INFINITY;
	const arr_seg *s = &a->seg[a->cur];
	double d = u - s->l0;
	double x;
	if (d <= 0) {
		x = 0;
	} else if (s->slope == 0) {
		x = d / s->r0; /* r0 > 0 here, since l1 > l0 */
	} else {
		double disc = s->r0 * s->r0 + 2 * s->slope * d;
		x = 2 * d / (s->r0 + sqrt(disc > 0 ? disc : 0));
	}
	if (x > s->b - s->a)
		x = s->b - s->a;
	return s->a + x;
}

static bool next_scheduled(rs_arrivals *a, gsl_rng *rng, rs_mt_state *mt, rs_time *at)
{
	double u;
	if (a->process == RS_ARRIVAL_POISSON) {
		assert(rng);
		a->u += rs_rng_exponential_mt(rng, mt, 1.0);
		u = a->u;
	} else {
		u = (double)a->k++;
	}
	double t = invert(a, u);
	/* Beyond int64 microseconds is beyond any end. */
	if (!(t < (double)INT64_MAX / (double)RS_US_PER_S))
		return false;
	*at = rs_time_from_s(t);
	return true;
}

__attribute__((noinline)) static bool next_replayed(rs_arrivals *a, rs_time *at, int64_t *row)
{
	const rs_trace *tr = a->trace;
	if (a->row == tr->n) {
		if (!a->loop)
			return false;
		a->row = 0;
		a->lap++;
	}
	double off = (double)tr->t[a->row] / a->speedup;
	if (!(off < (double)a->end))
		return false;
	rs_time o = llround(off); /* 0 <= o <= end */
	/* lap * period + o >= end, found without overflowing */
	if (a->lap > 0 && a->lap > (a->end - o) / a->period)
		return false;
	*row = (int64_t)a->row;
	*at = a->lap * a->period + o;
	a->row++;
	return true;
}

/* On/off (a two-state Markov-modulated Poisson process): periods last
 * Exp(mean on_s) and Exp(mean off_s) in turn, starting with "on"; within a
 * period, gaps are Exp(1 / rate).  By memorylessness, a gap that would end
 * past the period's end is redrawn from the period's end at the new rate.
 * A period lasts at least ONOFF_MIN_PERIOD_S (1 us, the clock's resolution),
 * so the loop advances however small on_s and off_s are (1e-300 hung it). */
__attribute__((noinline)) static bool next_onoff(rs_arrivals *a, gsl_rng *rng, rs_time *at)
{
	double end_s = rs_time_to_s(a->end);
	while (a->t_s < end_s) {
		if (a->t_s >= a->until_s) {
			a->on = !a->on;
			double mean = a->on ? a->on_s : a->off_s;
			a->until_s =
			    a->t_s + fmax(rs_rng_exponential(rng, mean), ONOFF_MIN_PERIOD_S);
		}
		double rate = a->on ? a->rate_on : a->rate_off;
		double t = rate > 0 ? a->t_s + rs_rng_exponential(rng, 1.0 / rate) : INFINITY;
		if (t < a->until_s) {
			a->t_s = t;
			*at = rs_time_from_s(t);
			return true;
		}
		a->t_s = a->until_s;
	}
	return false;
}

/* At once (issue 9): `requests` arrivals, all at start_s. */
static bool next_at_once(rs_arrivals *a, rs_time *at)
{
	if (a->left <= 0)
		return false;
	a->left--;
	*at = a->at;
	return true;
}

/* The arrival a generator made (ok) at t, from trace row r (-1: none),
 * kept monotone, or the end of the arrivals. */
static inline bool settle(rs_arrivals *a, bool ok, rs_time t, int64_t r, rs_time *at, int64_t *row)
{
	if (ok && t < a->last)
		t = a->last;
	if (!ok || t >= a->end) {
		a->done = true;
		return false;
	}
	a->last = t;
	*at = t;
	*row = r;
	return true;
}

/* The processes other than constant and Poisson. */
__attribute__((noinline)) static bool next_other(rs_arrivals *a, gsl_rng *rng, rs_time *at,
                                                 int64_t *row)
{
	rs_time t = 0;
	int64_t r = -1;
	bool ok = a->process == RS_ARRIVAL_TRACE     ? next_replayed(a, &t, &r)
	          : a->process == RS_ARRIVAL_ONOFF   ? next_onoff(a, rng, &t)
	          : a->process == RS_ARRIVAL_AT_ONCE ? next_at_once(a, &t)
	                                             : false;
	return settle(a, ok, t, r, at, row);
}

bool rs_arrivals_next(rs_arrivals *a, gsl_rng *rng, rs_mt_state *mt, rs_time *at, int64_t *row)
{
	if (a->done)
		return false;
	/* constant and Poisson (the usual) first, with their time in a
	 * register; the others are not inlined here, so that their registers
	 * and locals are not set up at every arrival (issue 13); closed-loop
	 * users and jobs are done from the start */
	if (a->process == RS_ARRIVAL_POISSON || a->process == RS_ARRIVAL_CONSTANT) {
		rs_time t = 0;
		bool ok = next_scheduled(a, rng, mt, &t);
		return settle(a, ok, t, -1, at, row);
	}
	return next_other(a, rng, at, row);
}

void rs_arrivals_free(rs_arrivals *a)
{
	if (!a)
		return;
	free(a->seg);
	free(a);
}
