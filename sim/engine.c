/*
 * engine.c - clock, event queues, step function and run loop.
 *
 * Invariants: each queue is a 4-ary min-heap on (time, seq); seq strictly
 * increases with every push, across queues, so no two events compare equal
 * and the engine runs them in exactly the order one queue would; the clock
 * never goes backwards.  Heaps store events by value (32 bytes) so a push or
 * a pop touches no other memory.
 *
 * Lanes: an event type may be put on its own queue (rs_engine_lane).  The
 * world puts each client's next arrival there: at most one per client, so
 * that queue stays tiny, and the main queue holds only the requests in
 * flight.  A step pops the smaller of the queues' tops, which costs one
 * more comparison than a single heap and spares the arrivals (about 40% of
 * all events) the main heap's depth.
 *
 * Cost: a pop is a bottom-up sift (see pop_root), about 3 comparisons of
 * 128-bit keys per level of the 4-ary heap; rs_engine_run_before runs a
 * batch of events in one loop, so a caller that only needs to stop at a
 * known time (the next bucket to close) pays no call per event but the
 * handler's.
 */
#include "ratesim/engine.h"

#include <assert.h>
#include <stdlib.h>

#define ARITY         4
#define QUEUE_INITIAL 1024

typedef unsigned __int128 key_t128;

typedef struct queue {
	rs_event *heap;
	size_t len, cap;
} queue;

struct rs_engine {
	rs_time now;
	uint64_t next_seq;
	uint64_t events_run;
	rs_status status;
	queue q[RS_ENGINE_LANES];
	uint8_t lane[RS_ENGINE_MAX_TYPES];
	rs_event_fn fn[RS_ENGINE_MAX_TYPES];
	void *ctx[RS_ENGINE_MAX_TYPES];
};

static inline key_t128 key_of(const rs_event *e)
{
	return ((key_t128)(uint64_t)e->time << 64) | e->seq;
}

rs_engine *rs_engine_new(void)
{
	rs_engine *eng = rs_calloc(1, sizeof *eng);
	if (!eng)
		return NULL;
	for (int l = 0; l < RS_ENGINE_LANES; l++) {
		eng->q[l].cap = QUEUE_INITIAL;
		eng->q[l].heap = rs_calloc(QUEUE_INITIAL, sizeof(rs_event));
		if (!eng->q[l].heap) {
			rs_engine_free(eng);
			return NULL;
		}
	}
	return eng;
}

void rs_engine_free(rs_engine *eng)
{
	if (!eng)
		return;
	for (int l = 0; l < RS_ENGINE_LANES; l++)
		free(eng->q[l].heap);
	free(eng);
}

void rs_engine_on(rs_engine *eng, uint32_t type, rs_event_fn fn, void *ctx)
{
	assert(type < RS_ENGINE_MAX_TYPES);
	eng->fn[type] = fn;
	eng->ctx[type] = ctx;
}

void rs_engine_lane(rs_engine *eng, uint32_t type, unsigned lane)
{
	assert(type < RS_ENGINE_MAX_TYPES && lane < RS_ENGINE_LANES);
	eng->lane[type] = (uint8_t)lane;
}

static rs_status push(queue *q, const rs_event *ev)
{
	if (q->len == q->cap) {
		rs_event *h = rs_realloc_array(q->heap, q->cap * 2, sizeof *h);
		if (!h)
			return RS_ERR_NOMEM;
		q->heap = h;
		q->cap *= 2;
	}
	key_t128 k = key_of(ev);
	size_t i = q->len++;
	while (i > 0) {
		size_t parent = (i - 1) / ARITY;
		if (key_of(&q->heap[parent]) <= k)
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = *ev;
	return RS_OK;
}

rs_status rs_engine_at(rs_engine *eng, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	assert(at >= eng->now && at >= 0);
	assert(type < RS_ENGINE_MAX_TYPES);
	rs_event ev = {.time = at, .seq = eng->next_seq++, .type = type, .a = a, .b = b};
	return push(&eng->q[eng->lane[type]], &ev);
}

/* Remove heap[0], restoring the heap property bottom-up (Floyd): the hole
 * at the root moves down along the smaller children to a leaf without
 * comparing them with the last element, which then sifts up from there.
 * The last element came from the bottom and mostly belongs near it, so
 * this spares the comparison with it at every level of the way down. */
static void pop_root(queue *q)
{
	rs_event last = q->heap[--q->len];
	size_t n = q->len;
	if (n == 0)
		return;
	rs_event *heap = q->heap;
	size_t i = 0;
	for (;;) {
		size_t first = i * ARITY + 1;
		if (first >= n)
			break;
		size_t best = first;
		key_t128 bk = key_of(&heap[first]);
		size_t end = first + ARITY < n ? first + ARITY : n;
		for (size_t c = first + 1; c < end; c++) {
			key_t128 ck = key_of(&heap[c]);
			int less = ck < bk;
			best = less ? c : best;
			bk = less ? ck : bk;
		}
		heap[i] = heap[best];
		i = best;
	}
	key_t128 k = key_of(&last);
	while (i > 0) {
		size_t parent = (i - 1) / ARITY;
		if (key_of(&heap[parent]) <= k)
			break;
		heap[i] = heap[parent];
		i = parent;
	}
	heap[i] = last;
}

/* The queue whose top comes first, or NULL when every queue is empty. */
static queue *first_queue(rs_engine *eng)
{
	queue *best = NULL;
	key_t128 bk = 0;
	for (int l = 0; l < RS_ENGINE_LANES; l++) {
		queue *q = &eng->q[l];
		if (q->len && (!best || key_of(&q->heap[0]) < bk)) {
			best = q;
			bk = key_of(&q->heap[0]);
		}
	}
	return best;
}

rs_time rs_engine_now(const rs_engine *eng)
{
	return eng->now;
}

size_t rs_engine_pending(const rs_engine *eng)
{
	size_t n = 0;
	for (int l = 0; l < RS_ENGINE_LANES; l++)
		n += eng->q[l].len;
	return n;
}

uint64_t rs_engine_events_run(const rs_engine *eng)
{
	return eng->events_run;
}

rs_time rs_engine_next_time(const rs_engine *eng)
{
	queue *q = first_queue((rs_engine *)eng);
	return q ? q->heap[0].time : INT64_MAX;
}

void rs_engine_step(rs_engine *eng, rs_time until, bool *ran)
{
	*ran = false;
	queue *q = first_queue(eng);
	if (!q || q->heap[0].time > until)
		return;
	rs_event ev = q->heap[0];
	pop_root(q);
	eng->now = ev.time;
	eng->events_run++;
	assert(eng->fn[ev.type] != NULL);
	eng->fn[ev.type](eng->ctx[ev.type], eng, &ev);
	*ran = true;
}

uint64_t rs_engine_run_before(rs_engine *eng, rs_time bound, uint64_t max_events)
{
	uint64_t run = 0;
	while (run < max_events && eng->status == RS_OK) {
		queue *q = first_queue(eng);
		if (!q || q->heap[0].time >= bound)
			break;
		rs_event ev = q->heap[0];
		pop_root(q);
		eng->now = ev.time;
		eng->events_run++;
		run++;
		assert(eng->fn[ev.type] != NULL);
		eng->fn[ev.type](eng->ctx[ev.type], eng, &ev);
	}
	return run;
}

rs_status rs_engine_run(rs_engine *eng, rs_time until)
{
	bool ran = true;
	while (ran && eng->status == RS_OK)
		rs_engine_step(eng, until, &ran);
	if (eng->status == RS_OK && eng->now < until)
		eng->now = until;
	return eng->status;
}

void rs_engine_fail(rs_engine *eng, rs_status st)
{
	if (eng->status == RS_OK)
		eng->status = st;
}

rs_status rs_engine_status(const rs_engine *eng)
{
	return eng->status;
}
