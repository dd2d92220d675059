/*
 * client.c - arrivals and request shapes of one client (MODEL.md section 8).
 *
 * max_tokens policy: `absent` sends none; `fixed` sends the value and the
 * model stops there (the output is truncated to max_tokens, as the service
 * does); `factor` sends ceil(actual x factor), a client that knows roughly
 * how long its answers are.  Cached prompt tokens are the client's
 * cached_fraction of the prompt, rounded down.
 */
#include "ratesim/client.h"

#include "ratesim/dist.h"
#include "ratesim/images.h"
#include "ratesim/rng.h"

#include <math.h>
#include <string.h>

static rs_status load_if(const rs_dist_cfg *d, rs_trace **out, rs_error *err)
{
	if (d->kind != RS_DIST_EMPIRICAL)
		return RS_OK;
	return rs_trace_load(&d->trace, out, err);
}

rs_status rs_client_init(rs_client *c, const rs_config *cfg, size_t index, rs_time end,
                         rs_error *err)
{
	const rs_client_cfg *cc = &cfg->clients[index];
	memset(c, 0, sizeof *c);
	c->cfg = cc;
	c->hot = (rs_shape_hot){
	    .prompt_median = cc->prompt_tokens.median,
	    .prompt_sigma = cc->prompt_tokens.sigma,
	    .output_median = cc->output_tokens.median,
	    .output_sigma = cc->output_tokens.sigma,
	    .max_tokens_factor = cc->max_tokens.factor,
	    .max_tokens_value = cc->max_tokens.value,
	    .cached_fraction = cc->cached_fraction,
	    .prompt_kind = (uint8_t)cc->prompt_tokens.kind,
	    .output_kind = (uint8_t)cc->output_tokens.kind,
	    .max_tokens_policy = (uint8_t)cc->max_tokens.policy,
	    .images = cc->images.on,
	};
	rs_status st = RS_OK;
	if (cc->arrival.trace.path) /* a trace arrival, or a job of its rows (issue 9) */
		st = rs_trace_load(&cc->arrival.trace, &c->trace, err);
	if (st == RS_OK)
		st = load_if(&cc->prompt_tokens, &c->prompt_trace, err);
	if (st == RS_OK)
		st = load_if(&cc->output_tokens, &c->output_trace, err);
	if (st == RS_OK && cc->images.on)
		st = load_if(&cc->images.count, &c->images_trace, err);
	if (st == RS_OK)
		st = rs_arrivals_new(&cc->arrival, c->trace, end, &c->arrivals, err);
	if (st == RS_OK) {
		c->rng_arrival = rs_rng_stream(cfg->seed, "client.arrival", cc->name);
		c->rng_shape = rs_rng_stream(cfg->seed, "client.shape", cc->name);
		c->rng_retry = rs_rng_stream(cfg->seed, "client.retry", cc->name);
		c->arrival_mt = c->rng_arrival ? rs_rng_mt_state(c->rng_arrival) : NULL;
		c->shape_mt = c->rng_shape ? rs_rng_mt_state(c->rng_shape) : NULL;
		c->retry = rs_retry_state_new(&cc->retry);
		if (cc->images.on) /* its own stream: images change no other draw */
			c->rng_images = rs_rng_stream(cfg->seed, "client.images", cc->name);
		if (rs_throttle_wanted(&cc->control) && !(c->ctl = rs_throttle_new(&cc->control)))
			st = RS_ERR_NOMEM;
		if (!c->rng_arrival || !c->rng_shape || !c->rng_retry || !c->retry ||
		    (cc->images.on && !c->rng_images) || st != RS_OK)
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory building client %s",
			             cc->name);
	}
	if (st != RS_OK)
		rs_client_fini(c);
	return st;
}

void rs_client_fini(rs_client *c)
{
	rs_arrivals_free(c->arrivals);
	rs_trace_free(c->trace);
	rs_trace_free(c->prompt_trace);
	rs_trace_free(c->output_trace);
	rs_trace_free(c->images_trace);
	if (c->rng_arrival)
		gsl_rng_free(c->rng_arrival);
	if (c->rng_shape)
		gsl_rng_free(c->rng_shape);
	if (c->rng_retry)
		gsl_rng_free(c->rng_retry);
	if (c->rng_images)
		gsl_rng_free(c->rng_images);
	rs_retry_state_free(c->retry);
	rs_throttle_free(c->ctl);
	memset(c, 0, sizeof *c);
}

/* Below 2^52 a double's integer part and that part + 0.5 are exact. */
#define CEIL_EXACT_MAX 0x1p52

/* rs_round_i64(ceil(x)) (which saturates), without ceil's dozen
 * instructions (it is no single instruction at the baseline x86-64) for
 * 0 <= x < 2^52, the usual: there the truncation t is exact, ceil(x) is t
 * or t + 1, and rounding an integer below 2^52 gives it back. */
static inline int64_t ceil_i64(double x)
{
	if (x >= 0 && x < CEIL_EXACT_MAX) {
		int64_t t = (int64_t)x;
		return t + ((double)t < x);
	}
	return rs_round_i64(ceil(x));
}

void rs_client_draw_shape(rs_client *c, int64_t row, rs_shape *out)
{
	const rs_client_cfg *cc = c->cfg;
	const rs_shape_hot *h = &c->hot;
	/* a lognormal size (the usual) inline, from the copies; any other kind
	 * through rs_dist_draw's dispatch */
	int64_t prompt, output;
	if (h->prompt_kind == RS_DIST_LOGNORMAL)
		prompt =
		    rs_dist_lognormal(h->prompt_median, h->prompt_sigma, c->rng_shape, c->shape_mt);
	else
		prompt = rs_dist_draw(&cc->prompt_tokens, c->prompt_trace, RS_TRACE_PROMPT,
		                      c->rng_shape, row >= 0 ? c->trace->prompt[row] : 0);
	if (h->output_kind == RS_DIST_LOGNORMAL)
		output =
		    rs_dist_lognormal(h->output_median, h->output_sigma, c->rng_shape, c->shape_mt);
	else
		output = rs_dist_draw(&cc->output_tokens, c->output_trace, RS_TRACE_OUTPUT,
		                      c->rng_shape, row >= 0 ? c->trace->output[row] : 0);
	int64_t max_tokens = -1;
	switch (h->max_tokens_policy) {
	case RS_MAXTOK_ABSENT:
		break;
	case RS_MAXTOK_FIXED:
		max_tokens = h->max_tokens_value;
		if (output > max_tokens)
			output = max_tokens;
		break;
	case RS_MAXTOK_FACTOR:
		max_tokens = ceil_i64((double)output * h->max_tokens_factor);
		if (max_tokens < 1)
			max_tokens = 1;
		if (output > max_tokens)
			output = max_tokens;
		break;
	}
	/* issue 9: the images' tokens are prompt tokens (images.h); without
	 * images (the usual) there is nothing to call */
	if (h->images)
		prompt += rs_images_draw(&cc->images, c->images_trace, c->rng_images);
	out->prompt_tokens = prompt;
	/* no cache (the usual): floor(prompt * 0) is 0, without the call */
	out->cached_tokens =
	    h->cached_fraction == 0 ? 0 : (int64_t)floor((double)prompt * h->cached_fraction);
	out->output_tokens = output;
	out->max_tokens = max_tokens;
}

rs_time rs_client_think_time(rs_client *c)
{
	const rs_dist_cfg *d = c->cfg->arrival.think_s;
	double s = 0;
	if (d) {
		switch (d->kind) {
		case RS_DIST_FIXED:
			s = d->value;
			break;
		case RS_DIST_UNIFORM:
			s = d->min + (d->max - d->min) * rs_rng_uniform(c->rng_arrival);
			break;
		case RS_DIST_LOGNORMAL:
			s = d->median * exp(d->sigma * rs_rng_gaussian(c->rng_arrival, 1.0));
			break;
		default:
			break;
		}
	}
	return rs_time_from_s(s > 0 ? s : 0);
}
