/*
 * world.h - a runnable simulation built from a scenario: the deployments,
 * the clients, the requests in flight, the engine and the metrics.
 *
 * The world is where an attempt flows (MODEL.md sections 3-6): a client's
 * arrival creates a request; each attempt is presented to the target's meter;
 * an admitted attempt completes after the latency model's time and is
 * corrected on the meter; a refused one reaches the client after the refusal
 * latency, and the retry policy decides whether it tries again.  A
 * provisioned deployment with spillover passes a refused attempt at once to
 * its spillover deployment, and the client gets the original 429 only when
 * that one refuses too (section 6).
 *
 * Requests live in a pool that is recycled, so memory follows the number of
 * requests in flight, not the length of the run.
 */
#ifndef RATESIM_WORLD_H
#define RATESIM_WORLD_H

#include "ratesim/config.h"
#include "ratesim/metrics.h"

/* One attempt as the service's diagnostic log would show it. */
typedef struct rs_attempt_record {
	rs_time time; /* when the attempt reached the deployment */
	uint64_t request_id;
	int attempt; /* 1 for the first try */
	const char *client;
	const char *deployment;
	int status;         /* 200 or 429 */
	double duration_ms; /* until the client has the whole answer */
	int64_t prompt_tokens;
	int64_t completion_tokens; /* 0 when refused */
	int64_t retry_after_ms;    /* -1 when admitted */
	bool spilled;              /* served by (or refused at) a spillover deployment */
} rs_attempt_record;

typedef struct rs_world_hooks {
	/* A closed time-series bucket row (required for outputs). */
	rs_status (*row)(void *ctx, const rs_ts_row *row);
	/* A closed minute of a provisioned deployment (optional). */
	rs_status (*minute_row)(void *ctx, const rs_minute_row *row);
	/* Every attempt (optional: --log-requests). */
	rs_status (*attempt)(void *ctx, const rs_attempt_record *rec);
	void *ctx; /* passed to row, minute_row and attempt */
	/* Called every `progress_every` events with the simulated time. */
	void (*progress)(void *progress_ctx, rs_time now, rs_time end, uint64_t events);
	uint64_t progress_every;
	void *progress_ctx;
} rs_world_hooks;

typedef struct rs_world rs_world;

/* Build the world for cfg (borrowed: it must outlive the world) and
 * schedule each client's first arrival.  Errors: trace files, NOMEM. */
rs_status rs_world_new(const rs_config *cfg, const rs_world_hooks *hooks, rs_world **out,
                       rs_error *err);
void rs_world_free(rs_world *w);

/* Run one event (false in *ran when the run has reached its end). */
rs_status rs_world_step(rs_world *w, bool *ran, rs_error *err);
/* Run to the end and close the last time bucket. */
rs_status rs_world_run(rs_world *w, rs_error *err);

const rs_metrics *rs_world_metrics(const rs_world *w);
uint64_t rs_world_events(const rs_world *w);
uint64_t rs_world_requests(const rs_world *w); /* requests created */
rs_time rs_world_now(const rs_world *w);

#endif
