/*
 * dist.c - token-size draws (the rules are in include/ratesim/dist.h).
 *
 * Uniform integers come from gsl_rng_uniform_int, which is exact (no modulo
 * bias) for ranges up to the generator's span; a wider range, which no
 * token count needs, falls back to scaling gsl_rng_uniform.
 */
#include "ratesim/dist.h"

#include "ratesim/rng.h"

#include <assert.h>
#include <math.h>

/* Round a real bound into [-RS_DIST_DRAW_MAX, RS_DIST_DRAW_MAX]. */
static int64_t round_bounded(double x)
{
	if (!(x > -(double)RS_DIST_DRAW_MAX))
		return -RS_DIST_DRAW_MAX;
	if (x >= (double)RS_DIST_DRAW_MAX)
		return RS_DIST_DRAW_MAX;
	return rs_round_i64(x);
}

/* A uniform integer in [0, n), n >= 1. */
static uint64_t uniform_index(gsl_rng *rng, uint64_t n)
{
	uint64_t span = (uint64_t)(gsl_rng_max(rng) - gsl_rng_min(rng));
	if (n - 1 <= span)
		return (uint64_t)gsl_rng_uniform_int(rng, (unsigned long)n);
	uint64_t i = (uint64_t)((double)n * gsl_rng_uniform(rng));
	return i < n ? i : n - 1;
}

int64_t rs_dist_draw(const rs_dist_cfg *d, const rs_trace *empirical, rs_trace_column column,
                     gsl_rng *rng, int64_t trace_value)
{
	switch (d->kind) {
	case RS_DIST_FIXED:
		return rs_dist_clamp_round(d->value);
	case RS_DIST_UNIFORM: {
		int64_t lo = round_bounded(d->min), hi = round_bounded(d->max);
		int64_t v =
		    hi <= lo ? lo : lo + (int64_t)uniform_index(rng, (uint64_t)(hi - lo) + 1);
		return v < 0 ? 0 : v;
	}
	case RS_DIST_LOGNORMAL:
		return rs_dist_lognormal(d->median, d->sigma, rng, rs_rng_mt_state(rng));
	case RS_DIST_EMPIRICAL: {
		assert(empirical && empirical->n > 0);
		uint64_t i = uniform_index(rng, empirical->n);
		return column == RS_TRACE_PROMPT ? empirical->prompt[i] : empirical->output[i];
	}
	case RS_DIST_TRACE:
		if (trace_value < 0)
			return 0;
		return trace_value > RS_DIST_DRAW_MAX ? RS_DIST_DRAW_MAX : trace_value;
	}
	assert(!"unknown rs_dist_kind");
	return 0;
}
