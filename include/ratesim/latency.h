/*
 * latency.h - how long an attempt takes (MODEL.md section 9).
 *
 * A successful attempt takes: network round trip + time to first token
 * (a base plus a part that grows with the prompt) + output tokens / speed.
 * The service-side part varies by one lognormal factor per attempt, of
 * median 1 and log-sd sigma; on standard deployments sigma grows with the
 * deployment's window occupancy (heavy load varies more, seed 001), on
 * provisioned ones it is the model's small ptu_sigma (PTU holds its
 * generation-speed target).  A 429 is answered in throttle_ms plus the
 * round trip.  Cost: one Gaussian draw per admitted attempt.
 */
#ifndef RATESIM_LATENCY_H
#define RATESIM_LATENCY_H

#include <gsl/gsl_rng.h>

#include "ratesim/common.h"

struct rs_mt_state; /* rng.h */

typedef struct rs_latency_params {
	double rtt_ms;
	double ttft_base_ms;
	double ttft_per_1k_prompt_ms;
	double tokens_per_s;
	double sigma;      /* at zero load */
	double load_sigma; /* added at occupancy 1 (0 for provisioned) */
	double throttle_ms;
} rs_latency_params;

typedef struct rs_timing {
	rs_time ttft;  /* from sending the attempt to its first token */
	rs_time total; /* from sending the attempt to its last token */
} rs_timing;

/* Draw the timing of an admitted attempt.  occupancy in [0, 1+]: the
 * deployment's load after admission.  OUT: *t. */
void rs_latency_draw(const rs_latency_params *p, gsl_rng *rng, int64_t prompt_tokens,
                     int64_t output_tokens, double occupancy, rs_timing *t);

/* The same, mt being rs_rng_mt_state(rng) (rng.h): a caller that draws
 * often from one stream keeps it, and the draw does not read rng itself,
 * an allocation of its own (one more cache line, issue 13). */
void rs_latency_draw_mt(const rs_latency_params *p, gsl_rng *rng, struct rs_mt_state *mt,
                        int64_t prompt_tokens, int64_t output_tokens, double occupancy,
                        rs_timing *t);

/* How long a refusal (429) takes to reach the client. */
rs_time rs_latency_refusal(const rs_latency_params *p);

#endif
