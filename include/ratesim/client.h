/*
 * client.h - a source of requests: when they arrive and what they ask for.
 *
 * A client owns its arrival process, the traces it replays or samples, and
 * three random streams (arrivals, request shape, retry), each seeded from the
 * client's name (rng.h).  It does not send anything itself: the world asks it
 * for the next arrival and for the shape of each new request.
 */
#ifndef RATESIM_CLIENT_H
#define RATESIM_CLIENT_H

#include <gsl/gsl_rng.h>

#include "ratesim/arrivals.h"
#include "ratesim/config.h"
#include "ratesim/retry.h"
#include "ratesim/rng.h"
#include "ratesim/throttle.h"
#include "ratesim/trace.h"

/* What one request asks for. */
typedef struct rs_shape {
	int64_t prompt_tokens;
	int64_t cached_tokens;
	int64_t output_tokens; /* what the model will generate (after max_tokens) */
	int64_t max_tokens;    /* -1 when the request sends none */
} rs_shape;

/* What drawing a request's shape reads of the client's configuration,
 * copied from it at init: in rs_client_cfg these figures lie over four
 * cache lines, here in one or two, beside the streams (issue 13). */
typedef struct rs_shape_hot {
	double prompt_median, prompt_sigma; /* prompt_tokens, when lognormal */
	double output_median, output_sigma; /* output_tokens, when lognormal */
	double max_tokens_factor;
	int64_t max_tokens_value;
	double cached_fraction;
	uint8_t prompt_kind, output_kind; /* rs_dist_kind */
	uint8_t max_tokens_policy;        /* rs_max_tokens_policy */
	bool images;                      /* images.on */
} rs_shape_hot;

typedef struct rs_client {
	rs_shape_hot hot;         /* copies of cfg's figures (see above) */
	const rs_client_cfg *cfg; /* borrowed */
	rs_arrivals *arrivals;    /* owned */
	/* rs_rng_mt_state of rng_arrival and rng_shape: their draws, a few per
	 * request, skip the handles (rng.h) */
	rs_mt_state *arrival_mt, *shape_mt;
	rs_trace *trace;                              /* owned: the replayed trace, or NULL */
	rs_trace *prompt_trace;                       /* owned: empirical prompt sizes, or NULL */
	rs_trace *output_trace;                       /* owned: empirical output sizes, or NULL */
	gsl_rng *rng_arrival, *rng_shape, *rng_retry; /* owned */
	rs_retry_state *retry;                        /* owned: budget and throttling */
	rs_throttle *ctl;       /* owned: its own controls (throttle.h), NULL when none */
	gsl_rng *rng_images;    /* owned: the images' stream, or NULL without images */
	rs_trace *images_trace; /* owned: an empirical image count's file, or NULL */
} rs_client;

/* Build client `index` of cfg (loading its traces) in caller storage.
 * `end` is the end of the run.  Errors: those of the trace readers, NOMEM. */
rs_status rs_client_init(rs_client *c, const rs_config *cfg, size_t index, rs_time end,
                         rs_error *err);
void rs_client_fini(rs_client *c);

/* The next arrival; false when there is none before the end.
 * OUT: *at, *row (the trace row for replay, else -1). */
static inline bool rs_client_next_arrival(rs_client *c, rs_time *at, int64_t *row)
{
	return rs_arrivals_next(c->arrivals, c->rng_arrival, c->arrival_mt, at, row);
}

/* Draw the shape of a new request (row: from rs_client_next_arrival). */
void rs_client_draw_shape(rs_client *c, int64_t row, rs_shape *out);

/* The think time of a closed-loop user before its next request (its
 * arrival.think_s, drawn from the arrival stream; 0 when it has none). */
rs_time rs_client_think_time(rs_client *c);

#endif
