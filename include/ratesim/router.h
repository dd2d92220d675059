/*
 * router.h - a gateway in front of several backends (API Management or
 * Application Gateway load balancing over regions, MODEL.md section 8):
 * a pure decision module.
 *
 * The router does not send anything and schedules no event.  The world asks
 * it to pick a backend for an attempt (rs_router_pick), sends the attempt
 * there, and reports the answer (rs_router_observe).  On a refusal the world
 * marks the backend in tried[] and asks again, with no delay, until a
 * backend admits, max_tries backends were tried, or pick returns -1.
 *
 * A backend is unavailable while it cools down after a 429 or while its
 * circuit breaker is open; the rules are in the design note of sim/router.c.
 * All randomness comes from the router's own stream,
 * rs_rng_stream(seed, "router", cfg->name): same seed, same picks.
 */
#ifndef RATESIM_ROUTER_H
#define RATESIM_ROUTER_H

#include "ratesim/config.h"
#include "ratesim/meter.h"

typedef struct rs_router rs_router;

/* A router over cfg->backends.  cfg is borrowed and must outlive the
 * router; seed is the scenario seed (it seeds the router's random stream).
 * Returns NULL when out of memory.  Caller frees with rs_router_free. */
rs_router *rs_router_new(const rs_router_cfg *cfg, uint64_t seed);

/* How many routers deep the chain from router k of cfg goes: 1 for a
 * router in front of deployments only.  The loader has refused cycles. */
int rs_router_depth(const rs_config *cfg, size_t k);

/* Releases the router; NULL does nothing. */
void rs_router_free(rs_router *r);

/* Pick a backend for an attempt at `now` (non-decreasing across calls).
 * tried: n_backends flags, tried[i] true when backend i was already tried
 * for this attempt (never picked again); NULL means none was.
 * Returns the backend index, or -1 when no backend may be used:
 * - every backend was tried, or max_tries (when > 0) of them were:
 *   OUT *soonest = INT64_MAX;
 * - every untried backend is unavailable and all_down is FAIL or WAIT:
 *   OUT *soonest = the earliest time an untried backend becomes available
 *   (FAIL: the world answers 429 with that retry-after; WAIT: the world holds
 *   the attempt until then and asks again).
 * With all_down SEND an all-down router picks among the untried backends by
 * the strategy, ignoring health.  When a backend is returned, OUT *soonest =
 * now.  soonest may be NULL. */
int rs_router_pick(rs_router *r, rs_time now, const bool *tried, rs_time *soonest);

/* What came back from a backend. */
typedef struct rs_router_answer {
	enum rs_answer_kind {
		RS_ANSWER_OK,        /* admitted and completed */
		RS_ANSWER_THROTTLED, /* 429 */
		RS_ANSWER_ERROR,     /* 5xx (a fault) */
		RS_ANSWER_TIMEOUT,   /* no answer within the attempt's timeout */
	} kind;
	int64_t retry_after_ms;      /* THROTTLED: the answer's retry-after-ms, or -1 */
	const rs_decision *decision; /* the deployment's decision when known, else NULL;
	                                borrowed for the call only */
	double latency_ms;           /* OK: end-to-end latency of the attempt */
} rs_router_answer;

/* Record the answer of backend b (0 <= b < n_backends) that reached the
 * router at `now` (non-decreasing across calls): updates its cooldown,
 * circuit breaker, reported utilisation and latency average. */
void rs_router_observe(rs_router *r, int b, rs_time now, const rs_router_answer *a);

/* Counters for the outputs. */
typedef struct rs_router_stats {
	uint64_t picks;         /* calls of rs_router_pick that returned a backend */
	uint64_t cooldowns;     /* 429s that set a cooldown (cooldown_on_429) */
	uint64_t breaker_trips; /* times a circuit breaker opened */
	uint64_t all_down;      /* picks that found every untried backend unavailable */
} rs_router_stats;

/* OUT: *out, the counters so far. */
void rs_router_stats_get(const rs_router *r, rs_router_stats *out);

/* The number of backends (the length tried[] must have). */
size_t rs_router_backends(const rs_router *r);

#endif
