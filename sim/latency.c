/*
 * latency.c - the latency model of MODEL.md section 9.
 */
#include "ratesim/latency.h"

#include "ratesim/rng.h"

#include <math.h>

static rs_time ms_to_time(double ms)
{
	return rs_round_i64(ms * (double)RS_US_PER_MS);
}

void rs_latency_draw(const rs_latency_params *p, gsl_rng *rng, int64_t prompt_tokens,
                     int64_t output_tokens, double occupancy, rs_timing *t)
{
	/* rs_rng_gaussian(rng) is rs_rng_gaussian_mt(rng, its state) (rng.h) */
	rs_latency_draw_mt(p, rng, rs_rng_mt_state(rng), prompt_tokens, output_tokens, occupancy,
	                   t);
}

void rs_latency_draw_mt(const rs_latency_params *p, gsl_rng *rng, rs_mt_state *mt,
                        int64_t prompt_tokens, int64_t output_tokens, double occupancy,
                        rs_timing *t)
{
	double load = occupancy < 0 ? 0 : (occupancy > 1 ? 1 : occupancy);
	double sigma = p->sigma + p->load_sigma * load;
	double factor = sigma > 0 ? exp(sigma * rs_rng_gaussian_mt(rng, mt, 1.0)) : 1.0;
	double first_ms =
	    (p->ttft_base_ms + p->ttft_per_1k_prompt_ms * (double)prompt_tokens / 1000.0) * factor;
	double gen_ms = (double)output_tokens / p->tokens_per_s * 1000.0 * factor;
	t->ttft = ms_to_time(p->rtt_ms + first_ms);
	t->total = ms_to_time(p->rtt_ms + first_ms + gen_ms);
}

rs_time rs_latency_refusal(const rs_latency_params *p)
{
	return ms_to_time(p->rtt_ms + p->throttle_ms);
}
