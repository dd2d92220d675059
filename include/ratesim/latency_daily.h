/*
 * latency_daily.h - a deployment's latency by the time of day (issue 9,
 * seed 004: calls that finished in time at quiet hours time out at busy
 * ones; docs/model.md "Time-of-day latency").
 *
 * A multiplier m(t) >= 0 of the service-side time of an attempt: the time to
 * first token (its base and its per-prompt part) and the generation time
 * (tokens per second divided by m).  The network round trip and the time to
 * answer a 429 do not change.  t is the time since the run's start, which
 * is midnight (as for a daily arrival); the day repeats:
 *   - by_hour: m(t) = by_hour[h], h = floor((t mod 86400 s) / 3600 s);
 *   - cosine:  m(t) = 1 + amplitude (1 + cos(2 pi (t - peak_at_s) / 86400 s)) / 2,
 *     1 at the trough, 1 + amplitude at peak_at_s.
 * The multiplier in force when an attempt is admitted holds for all of it.
 * Cost: O(1) per admitted attempt, no random draw (turning it on shifts no
 * stream).
 */
#ifndef RATESIM_LATENCY_DAILY_H
#define RATESIM_LATENCY_DAILY_H

#include "ratesim/config.h"
#include "ratesim/latency.h"

/* m(now) of cfg (borrowed); 1 when cfg is off. */
double rs_latency_daily_factor(const rs_latency_daily_cfg *cfg, rs_time now);

/* Scale the service-side parameters of *p by m(now) (nothing when off). */
void rs_latency_daily_apply(const rs_latency_daily_cfg *cfg, rs_time now, rs_latency_params *p);

#endif
