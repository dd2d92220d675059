/*
 * engine.h - the discrete-event engine: a clock and a queue of typed events.
 *
 * The engine knows nothing of tokens, meters or HTTP.  Domain modules
 * register one handler per event type and schedule events with a small
 * payload (a 32-bit index and a 64-bit word, typically a pool index or a
 * pointer).  Events are totally ordered by (time, insertion sequence): two
 * events at the same microsecond run in the order they were scheduled, so a
 * run never depends on pointer values, hash order or the platform
 * (MODEL.md section 2).
 *
 * Events are 32 bytes, ordered by the 128-bit key (time << 64 | sequence):
 * one unsigned comparison, compiled without branches, orders two events.
 * The queue is a calendar of 4 ms slots in front of a 4-ary min-heap
 * (engine.c): a push is O(1) into its slot's list, a pop O(log k) in the k
 * events of the current slot, not in the n events pending (the requests in
 * flight); the few events of chains (a client's next arrival) are kept
 * apart, sorted (rs_engine_at_chained).  Memory follows the number of
 * events pending, not the length of the run.
 */
#ifndef RATESIM_ENGINE_H
#define RATESIM_ENGINE_H

#include "ratesim/common.h"

typedef struct rs_event {
	rs_time time;
	uint64_t seq;
	uint32_t type; /* index into the handler table */
	uint32_t a;    /* payload: small index (client, deployment, ...) */
	uint64_t b;    /* payload: request id, pool index or pointer bits */
} rs_event;

typedef struct rs_engine rs_engine;

/* A handler runs one event; `ctx` is what was given at registration.  The
 * clock is at the event's time: ev->time == rs_engine_now(eng). */
typedef void (*rs_event_fn)(void *ctx, rs_engine *eng, const rs_event *ev);

#define RS_ENGINE_MAX_TYPES 32

/* Create an empty engine at time 0.  Returns NULL when out of memory.
 * Caller frees with rs_engine_free. */
rs_engine *rs_engine_new(void);
void rs_engine_free(rs_engine *eng); /* NULL does nothing */

/* Register the handler for event type `type` (< RS_ENGINE_MAX_TYPES).
 * `ctx` is borrowed and passed back to every call. */
void rs_engine_on(rs_engine *eng, uint32_t type, rs_event_fn fn, void *ctx);

/* Schedule an event at absolute time `at` (>= now; asserted).
 * Returns RS_ERR_NOMEM if the queue cannot grow. */
rs_status rs_engine_at(rs_engine *eng, rs_time at, uint32_t type, uint32_t a, uint64_t b);

/* rs_engine_at for an event of a chain: a source that keeps one event
 * pending and schedules its next when it runs (an open-loop client's
 * arrivals).  The same order as rs_engine_at (the same key, the same
 * sequence); up to a fixed few such events (engine.c) are kept apart, in a small
 * sorted array, where the calendar would take each of them in and out of a
 * list and sort it with its slot's other events. */
rs_status rs_engine_at_chained(rs_engine *eng, rs_time at, uint32_t type, uint32_t a, uint64_t b);

/* rs_engine_at for a model of a run that ends at `end`: an event at or
 * after the end is dropped (nothing after the end is observed), and a queue
 * that cannot grow fails the engine (rs_engine_fail).  Returns the status. */
rs_status rs_engine_at_within(rs_engine *eng, rs_time end, rs_time at, uint32_t type, uint32_t a,
                              uint64_t b);

rs_time rs_engine_now(const rs_engine *eng);
size_t rs_engine_pending(const rs_engine *eng);
uint64_t rs_engine_events_run(const rs_engine *eng);

/* Time of the next event, or INT64_MAX when the queue is empty. */
rs_time rs_engine_next_time(const rs_engine *eng);

/* Run exactly one event if there is one due at or before `until`.
 * OUT: *ran is true when an event ran.  The clock moves to its time. */
void rs_engine_step(rs_engine *eng, rs_time until, bool *ran);

/* Run events in order while the next one is due strictly before `bound`,
 * at most max_events of them, stopping early when a handler reports a
 * failure (rs_engine_fail).  The clock stays at the last event run.
 * Returns the number of events run.  Equivalent to calling rs_engine_step
 * while rs_engine_next_time < bound, in one loop. */
uint64_t rs_engine_run_before(rs_engine *eng, rs_time bound, uint64_t max_events);

/* Run every event due at or before `until`; the clock ends at `until` (or at
 * the last event's time if the queue empties earlier, then set to until).
 * Returns the first error a handler reported with rs_engine_fail. */
rs_status rs_engine_run(rs_engine *eng, rs_time until);

/* A handler that cannot continue (out of memory) records it; the run loop
 * stops after the current event. */
void rs_engine_fail(rs_engine *eng, rs_status st);
rs_status rs_engine_status(const rs_engine *eng);

#endif
