/*
 * arrivals.h - when an open-loop client sends its next request.
 *
 * A generator yields a non-decreasing sequence of absolute arrival times, all
 * before a given end, for one client (MODEL.md section 8):
 *
 * Constant and Poisson share one mechanism.  The rate schedule (config.h,
 * rs_rate_point) defines the rate r(t): zero before the first point, each
 * point's rate from its at_s on, held (step) or moved linearly to the next
 * point's rate (ramp), and the last point's rate held forever.  Its
 * cumulative intensity Lambda(t) = integral of r from 0 to t is piecewise
 * quadratic.  Arrival k happens at "operational time" u_k, and its wall time
 * is T(u_k) = inf { t : Lambda(t) > u_k }, solved in closed form on the
 * segment that holds u_k.  So a stretch of zero rate has no arrivals, the
 * first arrival after it comes when the rate turns positive, and a schedule
 * whose last rate is 0 ends the arrivals.
 *   - constant: u_k = k for k = 0, 1, 2, ...  The first arrival is at the
 *     first moment the rate is positive (t = 0 when the schedule starts above
 *     zero) and the next ones follow one "unit of intensity" apart, i.e.
 *     1/r apart at a steady rate r.  Starting at 0 rather than one gap later
 *     makes a steady rate r over [0, D) give exactly r * D arrivals when that
 *     is an integer (10 rps for 10 s: 100 arrivals at 0, 0.1, ..., 9.9 s).
 *   - poisson: u_0 = E_0, u_k = u_{k-1} + E_k with E_k ~ Exp(1) drawn from the
 *     caller's rng, a non-homogeneous Poisson process of rate r(t) by time
 *     change.
 * Times are computed in seconds (double) and rounded to the nearest
 * microsecond; the sequence is made non-decreasing against rounding.
 *
 * Trace replay: row i of the trace (trace.h) arrives at
 * llround(t[i] / speedup).  With loop, lap k (from 0) adds k * P, where the
 * period P = llround((span + mean_gap) / speedup): the trace starts again one
 * mean gap after its last row.  Without loop the arrivals end with the last
 * row.
 *
 * At once (issue 9): `requests` arrivals, all at start_s (the thundering
 * herd).  A job (RS_ARRIVAL_JOB) and closed-loop users make no arrivals
 * here: the world sends their requests as earlier ones end (job.h).
 *
 * Cost: O(1) per arrival (amortised over the schedule's segments), O(points)
 * memory; the trace is borrowed, not copied.
 */
#ifndef RATESIM_ARRIVALS_H
#define RATESIM_ARRIVALS_H

#include <gsl/gsl_rng.h>

#include "ratesim/common.h"
#include "ratesim/config.h"
#include "ratesim/rng.h"
#include "ratesim/trace.h"

typedef struct rs_arrivals rs_arrivals;

/*
 * Make a generator.
 *   cfg    borrowed (only read here): process, schedule (constant / poisson),
 *          speedup and loop (trace).
 *   trace  borrowed, must outlive the generator; required for
 *          RS_ARRIVAL_TRACE, else ignored (pass NULL).
 *   end    no arrival at or after this time is produced.
 * OUT: *out, freed by the caller with rs_arrivals_free; NULL on error.
 * Errors: RS_ERR_NOMEM; RS_ERR_INVALID for a trace arrival with a NULL or
 * empty trace, a speedup that is not > 0, a loop whose period rounds to 0 us,
 * or a schedule with no point, a negative or non-finite rate or time, or
 * times that go backwards (the scenario loader checks these first; the
 * messages here carry no file name).
 */
rs_status rs_arrivals_new(const rs_arrival_cfg *cfg, const rs_trace *trace, rs_time end,
                          rs_arrivals **out, rs_error *err);

/*
 * The next arrival.  rng is used only by RS_ARRIVAL_POISSON and
 * RS_ARRIVAL_ONOFF (may be NULL otherwise); mt is rs_rng_mt_state(rng), or
 * NULL (rng.h: the Poisson gaps are drawn through it, without reading the
 * handle rng).  Returns false, and keeps returning false, when there is no
 * further arrival before `end`.
 * OUT: *at, the absolute time (>= the previous one); *row, the trace row
 * index for trace replay, -1 otherwise.
 */
bool rs_arrivals_next(rs_arrivals *a, gsl_rng *rng, rs_mt_state *mt, rs_time *at, int64_t *row);

void rs_arrivals_free(rs_arrivals *a); /* NULL does nothing */

#endif
