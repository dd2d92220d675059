/*
 * retry.c - retry policies.  `fixed` retries up to max_retries times,
 * waiting the answer's retry-after-ms when honour_retry_after is set and the
 * answer has one, else delay_s.
 */
#include "ratesim/retry.h"

bool rs_retry_next(const rs_retry_cfg *cfg, gsl_rng *rng, int attempts_made, int64_t retry_after_ms,
                   rs_time *delay)
{
	(void)rng;
	switch (cfg->policy) {
	case RS_RETRY_NONE:
		return false;
	case RS_RETRY_FIXED:
	case RS_RETRY_EXPONENTIAL:
		if (attempts_made > cfg->max_retries)
			return false;
		if (cfg->retry_after == RS_RETRY_AFTER_HONOUR && retry_after_ms >= 0)
			*delay = retry_after_ms * RS_US_PER_MS;
		else
			*delay = rs_time_from_s(cfg->delay_s);
		return true;
	}
	return false;
}
