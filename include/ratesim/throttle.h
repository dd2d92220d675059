/*
 * throttle.h - a client's own controls on what it sends (issue 10 section 1):
 * a token bucket on attempts (fixed, or the AWS SDK's adaptive mode), a cap
 * on attempts in flight with a FIFO queue, and a circuit breaker.
 *
 * Pure module, like retry.h: no events, no I/O, no randomness.  The world
 * asks rs_throttle_gate before each attempt and tells rs_throttle_done when
 * an attempt it let out has ended; the throttle answers with decisions and
 * hands back queued requests, which the world sends.  A request is named by
 * the world's (slot, id) pair; the throttle never looks inside it.
 *
 * The three controls and their order in the gate (the first to refuse
 * decides; nothing is taken before every check has passed):
 *   breaker      closed / open / half-open, per client (distinct from a
 *                router's per-backend breaker, router.h)
 *   rate limit   a token bucket of attempts
 *   concurrency  at most max_in_flight attempts out; the rest queue, FIFO
 * A queued request holds its token and its half-open probe: when it leaves
 * the queue it is sent without asking again.
 *
 * Cost: O(1) per call except rs_throttle_expire, O(queue) at worst (O(1)
 * in practice: see throttle.c); memory O(longest queue).
 */
#ifndef RATESIM_THROTTLE_H
#define RATESIM_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "ratesim/config.h"

typedef struct rs_throttle rs_throttle;

/* Whether cfg turns any control on (when not, a client has no throttle
 * and its runs are exactly as without this module). */
bool rs_throttle_wanted(const rs_control_cfg *cfg);

/* A fresh throttle at time 0: the fixed bucket full (burst tokens), the
 * adaptive one empty and not yet enforcing (as botocore starts), nothing in
 * flight, the breaker closed.  cfg is borrowed for the throttle's lifetime.
 * NULL when out of memory.  Caller frees with rs_throttle_free. */
rs_throttle *rs_throttle_new(const rs_control_cfg *cfg);
void rs_throttle_free(rs_throttle *t); /* NULL does nothing */

typedef enum rs_gate {
	RS_GATE_GO,     /* send now (it counts as in flight) */
	RS_GATE_WAIT,   /* no token yet: ask again at *until */
	RS_GATE_QUEUE,  /* queued; fail it locally at *until unless dequeued (0: never) */
	RS_GATE_REJECT, /* refused locally: breaker open, or no token with on_empty reject */
} rs_gate;

/* Before an attempt of request (slot, id) at now (never going backwards).
 * OUT: *until for WAIT and QUEUE. */
rs_gate rs_throttle_gate(rs_throttle *t, rs_time now, uint32_t slot, uint64_t id, rs_time *until);

/* How an attempt the gate let out ended. */
typedef enum rs_result {
	RS_RESULT_NONE,      /* never sent after all (refused locally later) */
	RS_RESULT_OK,        /* answered and served */
	RS_RESULT_THROTTLED, /* a 429 */
	RS_RESULT_FAILED,    /* a 5xx or a timeout */
} rs_result;

/* An attempt the gate let out (GO, or dequeued) has ended at now: it no
 * longer counts in flight; the breaker and the adaptive rate learn from
 * `res`.  Returns true with OUT: *slot, *id when a queued request may go
 * now (it counts in flight from here; the caller sends it). */
bool rs_throttle_done(rs_throttle *t, rs_time now, rs_result res, uint32_t *slot, uint64_t *id);

/* Request (slot, id)'s queue timeout is due: true (and it leaves the queue)
 * when it was still queued, false when it had already left. */
bool rs_throttle_expire(rs_throttle *t, uint32_t slot, uint64_t id);

typedef enum rs_breaker_state {
	RS_BREAKER_CLOSED,
	RS_BREAKER_OPEN,
	RS_BREAKER_HALF_OPEN,
} rs_breaker_state;

/* What the throttle did, for tests and reports. */
typedef struct rs_throttle_stats {
	uint64_t rejected_breaker, rejected_bucket, expired; /* local failures by cause */
	uint64_t waits, queued;                              /* WAIT and QUEUE answers */
	uint64_t breaker_trips;
	int in_flight, peak_in_flight;
	size_t queue_len, peak_queue;
	rs_breaker_state breaker;
	double rate_rps; /* the bucket's fill rate now */
	bool enforcing;  /* the bucket is in force (adaptive: after the first 429) */
} rs_throttle_stats;

void rs_throttle_stats_get(const rs_throttle *t, rs_throttle_stats *out);

/* Why the last RS_GATE_REJECT refused, for the request log: "breaker",
 * "rate_limit" (no token, on_empty reject) or "queue_full" (out of memory);
 * "" before any. */
const char *rs_throttle_reject_cause(const rs_throttle *t);

#endif
