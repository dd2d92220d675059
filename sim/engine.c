/*
 * engine.c - clock, 4-ary event heap, step function and run loop.
 *
 * Invariants: heap[0] holds the smallest (time, seq); seq strictly increases
 * with every push, so no two events compare equal; the clock never goes
 * backwards.  The heap stores events by value (32 bytes) so a push or a pop
 * touches no other memory.
 */
#include "ratesim/engine.h"

#include <assert.h>
#include <stdlib.h>

#define ARITY 4

typedef unsigned __int128 key_t128;

struct rs_engine {
	rs_time now;
	uint64_t next_seq;
	uint64_t events_run;
	rs_status status;
	rs_event *heap;
	size_t len, cap;
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
	eng->cap = 1024;
	eng->heap = rs_calloc(eng->cap, sizeof *eng->heap);
	if (!eng->heap) {
		free(eng);
		return NULL;
	}
	return eng;
}

void rs_engine_free(rs_engine *eng)
{
	if (!eng)
		return;
	free(eng->heap);
	free(eng);
}

void rs_engine_on(rs_engine *eng, uint32_t type, rs_event_fn fn, void *ctx)
{
	assert(type < RS_ENGINE_MAX_TYPES);
	eng->fn[type] = fn;
	eng->ctx[type] = ctx;
}

rs_status rs_engine_at(rs_engine *eng, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	assert(at >= eng->now && at >= 0);
	assert(type < RS_ENGINE_MAX_TYPES);
	if (eng->len == eng->cap) {
		rs_event *h = rs_realloc_array(eng->heap, eng->cap * 2, sizeof *h);
		if (!h)
			return RS_ERR_NOMEM;
		eng->heap = h;
		eng->cap *= 2;
	}
	rs_event ev = {.time = at, .seq = eng->next_seq++, .type = type, .a = a, .b = b};
	key_t128 k = key_of(&ev);
	size_t i = eng->len++;
	while (i > 0) {
		size_t parent = (i - 1) / ARITY;
		if (key_of(&eng->heap[parent]) <= k)
			break;
		eng->heap[i] = eng->heap[parent];
		i = parent;
	}
	eng->heap[i] = ev;
	return RS_OK;
}

/* Remove heap[0], restoring the heap property by sifting the last element
 * down from the root. */
static void pop_root(rs_engine *eng)
{
	rs_event last = eng->heap[--eng->len];
	size_t n = eng->len;
	if (n == 0)
		return;
	key_t128 k = key_of(&last);
	size_t i = 0;
	for (;;) {
		size_t first = i * ARITY + 1;
		if (first >= n)
			break;
		size_t best = first;
		key_t128 bk = key_of(&eng->heap[first]);
		size_t end = first + ARITY < n ? first + ARITY : n;
		for (size_t c = first + 1; c < end; c++) {
			key_t128 ck = key_of(&eng->heap[c]);
			int less = ck < bk;
			best = less ? c : best;
			bk = less ? ck : bk;
		}
		if (k <= bk)
			break;
		eng->heap[i] = eng->heap[best];
		i = best;
	}
	eng->heap[i] = last;
}

rs_time rs_engine_now(const rs_engine *eng)
{
	return eng->now;
}

size_t rs_engine_pending(const rs_engine *eng)
{
	return eng->len;
}

uint64_t rs_engine_events_run(const rs_engine *eng)
{
	return eng->events_run;
}

rs_time rs_engine_next_time(const rs_engine *eng)
{
	return eng->len ? eng->heap[0].time : INT64_MAX;
}

void rs_engine_step(rs_engine *eng, rs_time until, bool *ran)
{
	*ran = false;
	if (eng->len == 0 || eng->heap[0].time > until)
		return;
	rs_event ev = eng->heap[0];
	pop_root(eng);
	eng->now = ev.time;
	eng->events_run++;
	assert(eng->fn[ev.type] != NULL);
	eng->fn[ev.type](eng->ctx[ev.type], eng, &ev);
	*ran = true;
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
