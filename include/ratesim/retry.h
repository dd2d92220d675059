/*
 * retry.h - the client's retry policy: whether and when to try again.
 *
 * The seam for the retry family: clients hand the answer to a policy and
 * get back "give up" or "try again after this delay".  Today: none, and a
 * fixed count that honours retry-after-ms (MODEL.md section 8).
 */
#ifndef RATESIM_RETRY_H
#define RATESIM_RETRY_H

#include <gsl/gsl_rng.h>

#include "ratesim/config.h"

/* attempts_made: attempts of this request so far (>= 1).  retry_after_ms:
 * the refusal's retry-after-ms, or -1 when it has none.
 * Returns true to retry, with the delay in OUT: *delay. */
bool rs_retry_next(const rs_retry_cfg *cfg, gsl_rng *rng, int attempts_made, int64_t retry_after_ms,
                   rs_time *delay);

#endif
