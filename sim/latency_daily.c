/*
 * latency_daily.c - a deployment's latency by the time of day (the model
 * is in include/ratesim/latency_daily.h).  The hour is found in whole
 * microseconds, so an attempt admitted at exactly 09:00:00 is in hour 9.
 */
#include "ratesim/latency_daily.h"

#include <math.h>

#define DAY_US  (86400 * RS_US_PER_S)
#define HOUR_US (3600 * RS_US_PER_S)
/* 2 pi, for the daily cosine (M_PI is not in C11). */
#define TWO_PI 6.28318530717958647692528676655900577

double rs_latency_daily_factor(const rs_latency_daily_cfg *cfg, rs_time now)
{
	rs_time in_day = ((now % DAY_US) + DAY_US) % DAY_US;
	switch (cfg->mode) {
	case RS_LATENCY_DAILY_BY_HOUR:
		return cfg->by_hour[in_day / HOUR_US];
	case RS_LATENCY_DAILY_COSINE: {
		double t = rs_time_to_s(in_day);
		double day_s = rs_time_to_s(DAY_US);
		return 1 + cfg->amplitude * (1 + cos(TWO_PI * (t - cfg->peak_at_s) / day_s)) / 2;
	}
	case RS_LATENCY_DAILY_OFF:
		break;
	}
	return 1;
}

void rs_latency_daily_apply(const rs_latency_daily_cfg *cfg, rs_time now, rs_latency_params *p)
{
	if (cfg->mode == RS_LATENCY_DAILY_OFF)
		return;
	double m = rs_latency_daily_factor(cfg, now);
	p->ttft_base_ms *= m;
	p->ttft_per_1k_prompt_ms *= m;
	p->tokens_per_s /= m;
}
