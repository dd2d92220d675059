/*
 * service.h - what a deployment does with the attempts it admitted, until
 * each one completes (MODEL.md sections 8 and 13; docs/model.md, "A service
 * that slows under load").
 *
 * Two cases:
 *   - A deployment without a service model (the default) takes a fixed
 *     time per attempt, drawn at admission (latency.h).  The world
 *     schedules the completion itself; only an attempt the client will have
 *     abandoned by then (its timeout is shorter) is handed here, as an
 *     orphan, so that the meter is still corrected when it completes
 *     (rs_service_orphan).
 *   - A deployment with a generation capacity C (output tokens per second,
 *     shared): processor sharing.  An admitted attempt waits its time to
 *     first token, then generates; the n attempts in generation each
 *     progress at min(s, C / n) tokens per second, s being the
 *     per-request generation speed.  Below the knee n* = C / s every
 *     attempt runs at full speed (the latency model alone); past it the
 *     latency grows linearly with n.  An attempt's completion time moves
 *     whenever n changes.  A provisioned deployment holds its speed target
 *     (every attempt at s, whatever n) while its meter's utilisation, read
 *     at each admission, entry and completion, is at or below 100%
 *     (MODEL.md section 13); above it, it shares C like the others.  An
 *     attempt the client abandons (timeout) stays in generation until it
 *     completes: it still takes its share of C, and its meter is still
 *     corrected (rs_service_abandon).
 *
 * Processor sharing is kept in virtual time: V grows at min(1, C/(n s))
 * per microsecond (1 on a provisioned deployment holding its target), in
 * microseconds of full-speed generation; an attempt whose unloaded
 * generation takes W microseconds and enters at virtual time V0 completes
 * when V reaches V0 + W.  One pending "next completion" event per
 * deployment; a change of n reschedules it (the old one becomes stale and
 * is ignored).  Cost: O(log k) per entry and completion, k the attempts in
 * generation on that deployment.
 *
 * Determinism: completions at the same virtual time leave in the order
 * they entered.
 */
#ifndef RATESIM_SERVICE_H
#define RATESIM_SERVICE_H

#include "ratesim/deployment.h"
#include "ratesim/engine.h"

/* No attempt in generation (a request's job handle when it has none). */
#define RS_SERVICE_NO_JOB UINT32_MAX

typedef struct rs_service rs_service;

/* An attempt the client still waits for completed on deployment `dep`:
 * the world answers it (meter correction, success).  `slot` is what was
 * given to rs_service_start. */
typedef void (*rs_service_done_fn)(void *ctx, rs_time now, size_t dep, uint32_t slot);

/* The engine event types the service schedules on (the world owns the
 * numbering). */
typedef struct rs_service_events {
	uint32_t orphan; /* an abandoned fixed-time attempt completes */
	uint32_t enter;  /* an attempt starts generating */
	uint32_t next;   /* the next completion of a deployment */
} rs_service_events;

/* Build the service of `n` deployments (borrowed; their meters are
 * corrected on abandoned attempts) on engine `eng` (borrowed), registering
 * its handlers for `ev`.  Nothing is scheduled at or after `end`.  `done`
 * and `ctx` are borrowed.  Returns NULL when out of memory; caller frees
 * with rs_service_free. */
rs_service *rs_service_new(rs_engine *eng, const rs_service_events *ev, rs_deployment *deps,
                           size_t n, rs_time end, rs_service_done_fn done, void *ctx);
void rs_service_free(rs_service *s); /* NULL does nothing */

/* The first failure of a scheduling or an allocation inside an event
 * handler (RS_OK when none); the world stops the run on it. */
rs_status rs_service_status(const rs_service *s);

/* Whether deployment `dep` shares a generation capacity (processor
 * sharing) rather than taking a fixed time per attempt. */
bool rs_service_shared(const rs_service *s, size_t dep);

/* An attempt admitted by shared deployment `dep` at `now`, of unloaded
 * timing `t` (latency.h: t->ttft to its first token, t->total to its last,
 * at full speed): it starts generating at now + t->ttft and completes when
 * its t->total - t->ttft microseconds of full-speed generation are done,
 * at the rate the load leaves it.  Then, unless abandoned, `done` is
 * called with `slot`; an abandoned one has its meter corrected with
 * `mreq` and `charged`.  OUT: *job, its handle for rs_service_abandon.
 * Errors: RS_ERR_NOMEM. */
rs_status rs_service_start(rs_service *s, rs_time now, size_t dep, const rs_timing *t,
                           uint32_t slot, const rs_meter_req *mreq, double charged, uint32_t *job);

/* The client has stopped waiting for job `handle` (timeout): it goes on being
 * generated, and completes as an orphan. */
void rs_service_abandon(rs_service *s, uint32_t handle);

/* How many attempts are generating on deployment `dep` now. */
size_t rs_service_generating(const rs_service *s, size_t dep);

/* A fixed-time attempt on `dep` the client abandons at `abandoned_at`:
 * at `at` it completes and the meter is corrected with `charged`.  Errors:
 * RS_ERR_NOMEM. */
rs_status rs_service_orphan(rs_service *s, rs_time at, size_t dep, const rs_meter_req *mreq,
                            double charged, rs_time abandoned_at);

/* Attempts on `dep` that the client has abandoned by `now` and the service
 * still runs (issue 10: "abandoned attempts still running").  O(orphans in
 * the pool): read once per time bucket. */
size_t rs_service_abandoned(const rs_service *s, size_t dep, rs_time now);

#endif
