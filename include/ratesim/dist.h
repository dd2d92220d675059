/*
 * dist.h - token-size distributions for a client's requests.
 *
 * A client draws each request's prompt and completion size from an
 * rs_dist_cfg (config.h; MODEL.md section 8): fixed, uniform, lognormal,
 * empirical (a random row of a trace) or trace (the replayed row's own
 * value).  Draws are stateless: all randomness comes from the caller's rng,
 * so one client's sizes do not depend on another's.
 *
 * Every draw is an integer >= 0, and at most RS_DIST_DRAW_MAX:
 *   fixed      llround(value)
 *   uniform    an integer in [llround(min), llround(max)], each equally likely
 *              (gsl_rng_uniform_int)
 *   lognormal  llround(median * exp(sigma * Z)), Z ~ N(0, 1) (Ziggurat); at
 *              least 1 when median >= 1, so a request never comes out empty
 *   empirical  the `column` value of a row drawn uniformly from the trace
 *              (failed BurstGPT rows kept with RS_ZERO_ROWS_KEEP can give 0)
 *   trace      trace_value as given
 * Negative results (a fixed or uniform range below 0) are raised to 0.
 * Cost: O(1) per draw.
 */
#ifndef RATESIM_DIST_H
#define RATESIM_DIST_H

#include <gsl/gsl_rng.h>
#include <math.h>

#include "ratesim/config.h"
#include "ratesim/rng.h"
#include "ratesim/trace.h"

/* The largest token count a draw returns (a trace stores int32 counts, and
 * no model's context comes near it); a lognormal tail is cut here. */
#define RS_DIST_DRAW_MAX INT64_C(2147483647)

/*
 * Draw a token count for one request.
 *   d            borrowed; d->kind selects the rule above.
 *   empirical    borrowed trace with n >= 1 for RS_DIST_EMPIRICAL, else NULL.
 *   column       which trace value RS_DIST_EMPIRICAL takes.
 *   rng          the caller's stream; not used by fixed and trace (may be NULL
 *                for those).
 *   trace_value  the replayed row's value, returned for RS_DIST_TRACE.
 * Result: the count, 0 <= count <= RS_DIST_DRAW_MAX.  Cannot fail (the
 * scenario loader has checked min <= max, median > 0, sigma >= 0).
 */
int64_t rs_dist_draw(const rs_dist_cfg *d, const rs_trace *empirical, rs_trace_column column,
                     gsl_rng *rng, int64_t trace_value);

/* x > 0 rounded (halves up) and clamped into [0, RS_DIST_DRAW_MAX]: what
 * rs_round_i64 gives in that range, without its tests for the rest. */
static inline int64_t rs_dist_clamp_round(double x)
{
	if (!(x > 0))
		return 0;
	if (x >= (double)RS_DIST_DRAW_MAX)
		return RS_DIST_DRAW_MAX;
	return (int64_t)(x + 0.5);
}

/* rs_dist_draw of a lognormal of this median and sigma, inline: a client
 * draws two sizes per request, and the call, the dispatch on the kind and
 * the register saves cost about a third of a draw outside exp (issue 13).
 * rs_dist_draw's lognormal case is this function.  mt is
 * rs_rng_mt_state(rng) (rng.h). */
static inline int64_t rs_dist_lognormal(double median, double sigma, gsl_rng *rng, rs_mt_state *mt)
{
	double z = rs_rng_gaussian_mt(rng, mt, 1.0);
	int64_t v = rs_dist_clamp_round(median * exp(sigma * z));
	return v < 1 && median >= 1 ? 1 : v;
}

#endif
