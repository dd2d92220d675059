/*
 * engine.c - clock, event queue, step function and run loop.
 *
 * Invariants: events are ordered by the 128-bit key (time << 64 | seq); seq
 * strictly increases with every push, so no two events compare equal and
 * the queue's shape never decides an order; the clock never goes
 * backwards.  Every structure below stores events by value (32 bytes).
 *
 * The queue is a calendar in front of a heap.  Time is cut into slots of
 * 2^CAL_SHIFT us; `cur` is the current slot.  An event of a slot <= cur is
 * in `run` or in `near`; one of the next CAL_SLOTS - 1 slots is in that
 * slot's list (unordered, O(1) to add); one further away is in `overflow`,
 * a 4-ary min-heap.  When `run` and `near` are empty, cur moves to the next
 * slot with events (found in a bitmap of the slots whose list is not empty,
 * or the overflow's top, whichever comes first): that slot's list becomes
 * `run`, sorted once so that its first event is last (a pop is then
 * run.len--), and the overflow's events of slots <= cur go to `near`, a
 * 4-ary min-heap, as do the events pushed for a slot <= cur meanwhile (a
 * handler's answer due within the slot).  The calendar's first event is
 * the smaller of the two tops, since every other event in it has a later
 * slot.  At 1,000 requests/s a slot holds about five events and
 * `near` is mostly empty, where one heap would hold the thousands of
 * requests in flight.  Each event is copied once more, from its list into
 * `run`.
 *
 * Beside the calendar, `chain` keeps the events of chains (an open-loop
 * client's arrivals: each schedules the next, so a chain has one pending,
 * rs_engine_at_chained): up to CHAIN_MAX of them, sorted like `run` (first
 * event last), a push an insertion.  The first event of the whole queue is
 * the smallest of the three tops.  For ten Poisson clients at 1,000
 * requests/s (bench-1h, three events in four), an insertion moving about
 * half of ten events costs less than a list push, its share of a slot's
 * sort and the copy into `run`: measured (callgrind, 120 s), 252.1 M
 * instructions down to 247.9 M in all.
 *
 * Cost: push O(1) into a list (O(log n) into a heap, O(c) among c chains);
 * a slot's k events sorted in O(k^2) for a handful, O(k log k) beyond
 * (SORT_SMALL); a pop O(1) from `run` and `chain`, O(log m) from `near`;
 * plus a word of the bitmap per 64 slots stepped over (at most duration /
 * 2^CAL_SHIFT / 64 words over a run).  Memory: 128 bytes per event pending
 * (a node of a cache line, and room for it in `run` and in `near`), and 4
 * bytes and a bit per slot of the ring.  A heap's pop is a bottom-up sift
 * (see pop_root).
 * rs_engine_at takes a push into a list with no structure to grow (nearly
 * every push) without a call or a copy of the event (list_push_fast).
 * rs_engine_run_before runs a batch of events in one loop, so a caller that
 * only needs to stop at a known time (the next bucket to close) pays no
 * call per event but the handler's.
 */
#include "ratesim/engine.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define ARITY         4
#define QUEUE_INITIAL 1024
/* Calendar slots: 2^12 us = 4.1 ms each, 16384 of them (a 67 s horizon,
 * 64 KB of list heads and a 2 KB bitmap).  At 1,000 requests/s a slot holds
 * about five events (an arrival a millisecond and the 429s' answers and
 * retries; no completions where the world completes ahead, attempt.c).
 * Measured on bench-1h (callgrind, 120 s): with a heap for the current
 * slot, 2^10 us slots ran 3% fewer instructions than 2^12 and about as
 * many as 2^9; 2^8 (a 4 s horizon) sent the requests in flight to the
 * overflow heap and ran 2% more.  With the sorted run, 2^11 ran 0.6% fewer
 * instructions and 1.5% more D1 misses, 2^12 as many.  Without the
 * completions (2.25 events a request down to 1.3), 2^12 ran 0.7% fewer
 * instructions than 2^10 (276.0 M, 278.0 M) with as many D1 misses
 * (2.93 M), 2^11 0.6% fewer, 2^9 0.6% more and 2^13 0.1% fewer. */
#define CAL_SHIFT 12
/* The chains' events kept apart at most (rs_engine_at_chained): a push
 * moves about half of them, so beyond a few dozen the calendar is cheaper;
 * the chains' further events go there. */
#define CHAIN_MAX 16
#define CAL_SLOTS 16384u
#define CAL_MASK  (CAL_SLOTS - 1)
#define CAL_WORDS (CAL_SLOTS / 64) /* the bitmap of slots with a list */
#define NO_NODE   UINT32_MAX

typedef unsigned __int128 key_t128;

typedef struct heap {
	rs_event *ev;
	size_t len, cap;
} heap;

/* A cache line: a list node is aligned to one.  A node is read a second
 * or so after it was written, long out of the cache: in one line it costs
 * one miss, where packed (40 bytes) half of them straddle two.  Measured on
 * bench-1h (cachegrind, 120 s): 2.4% fewer D1 misses in all. */
#define NODE_ALIGN 64

/* An event in a slot's list. */
typedef struct cal_node {
	_Alignas(NODE_ALIGN) rs_event ev;
	uint32_t next;
} cal_node;

struct rs_engine {
	rs_time now;
	uint64_t next_seq;
	uint64_t events_run;
	rs_status status;
	heap run;    /* not a heap: the current slot's list, sorted; its first event last */
	heap near;   /* the other events of slots <= cur: the overflow's, and those pushed since */
	int64_t cur; /* the current slot */
	size_t pending; /* events in run, near, the lists and overflow */
	size_t far;     /* events in the lists */
	uint32_t *slot; /* CAL_SLOTS list heads (NO_NODE: empty) */
	uint64_t *used; /* CAL_WORDS: bit s % CAL_SLOTS set when slot s has a list */
	cal_node *node; /* the lists' nodes; free ones chained from free_node */
	uint32_t node_len, node_cap, free_node;
	heap overflow; /* the events of slots >= cur + CAL_SLOTS when pushed */
	/* not a heap: the chains' events (rs_engine_at_chained), sorted like
	 * run, after a sentinel (ev[0], the largest key: len >= 1) */
	heap chain;
	rs_event_fn fn[RS_ENGINE_MAX_TYPES];
	void *ctx[RS_ENGINE_MAX_TYPES];
};

static inline key_t128 key_of(const rs_event *e)
{
	return ((key_t128)(uint64_t)e->time << 64) | e->seq;
}

static inline int64_t slot_of(rs_time t)
{
	return t >> CAL_SHIFT;
}

static bool heap_init(heap *h)
{
	h->cap = QUEUE_INITIAL;
	h->ev = rs_calloc(QUEUE_INITIAL, sizeof *h->ev);
	return h->ev != NULL;
}

/* Room for `more` events in h; false when out of memory. */
static bool heap_reserve(heap *h, size_t more)
{
	if (h->len + more <= h->cap)
		return true;
	size_t cap = h->cap ? h->cap : QUEUE_INITIAL;
	while (cap < h->len + more)
		cap *= 2;
	rs_event *ev = rs_realloc_array(h->ev, cap, sizeof *ev);
	if (!ev)
		return false;
	h->ev = ev;
	h->cap = cap;
	return true;
}

/* Add ev (room reserved). */
static void heap_push(heap *h, const rs_event *ev)
{
	assert(h->len < h->cap);
	key_t128 k = key_of(ev);
	size_t i = h->len++;
	while (i > 0) {
		size_t parent = (i - 1) / ARITY;
		if (key_of(&h->ev[parent]) <= k)
			break;
		h->ev[i] = h->ev[parent];
		i = parent;
	}
	h->ev[i] = *ev;
}

/* Remove ev[0], restoring the heap property bottom-up (Floyd): the hole
 * at the root moves down along the smaller children to a leaf without
 * comparing them with the last element, which then sifts up from there.
 * The last element came from the bottom and mostly belongs near it, so
 * this spares the comparison with it at every level of the way down. */
static void pop_root(heap *h)
{
	size_t n = --h->len;
	if (n == 0)
		return;
	rs_event last = h->ev[n];
	rs_event *ev = h->ev;
	size_t i = 0;
	for (;;) {
		size_t first = i * ARITY + 1;
		if (first >= n)
			break;
		size_t best = first;
		key_t128 bk = key_of(&ev[first]);
		size_t end = first + ARITY < n ? first + ARITY : n;
		for (size_t c = first + 1; c < end; c++) {
			key_t128 ck = key_of(&ev[c]);
			int less = ck < bk;
			best = less ? c : best;
			bk = less ? ck : bk;
		}
		ev[i] = ev[best];
		i = best;
	}
	key_t128 k = key_of(&last);
	while (i > 0) {
		size_t parent = (i - 1) / ARITY;
		if (key_of(&ev[parent]) <= k)
			break;
		ev[i] = ev[parent];
		i = parent;
	}
	ev[i] = last;
}

/* Add ev to the list of its slot (cur < slot < cur + CAL_SLOTS). */
static rs_status list_push(rs_engine *eng, int64_t s, const rs_event *ev)
{
	uint32_t i = eng->free_node;
	if (i != NO_NODE) {
		eng->free_node = eng->node[i].next;
	} else {
		if (eng->node_len == eng->node_cap) {
			uint64_t cap = eng->node_cap ? (uint64_t)eng->node_cap * 2 : QUEUE_INITIAL;
			if (cap >= NO_NODE)
				return RS_ERR_NOMEM;
			/* realloc would not keep the alignment: copied */
			cal_node *node = aligned_alloc(NODE_ALIGN, cap * sizeof *node);
			if (!node)
				return RS_ERR_NOMEM;
			if (eng->node_len)
				memcpy(node, eng->node, eng->node_len * sizeof *node);
			free(eng->node);
			eng->node = node;
			eng->node_cap = (uint32_t)cap;
		}
		i = eng->node_len++;
	}
	uint64_t ring = (uint64_t)s & CAL_MASK;
	uint32_t *head = &eng->slot[ring];
	if (*head == NO_NODE) /* the slot's first event: its bit */
		eng->used[ring / 64] |= (uint64_t)1 << (ring % 64);
	eng->node[i] = (cal_node){.ev = *ev, .next = *head};
	*head = i;
	eng->far++;
	return RS_OK;
}

static rs_status push(rs_engine *eng, const rs_event *ev)
{
	/* `run` or `near` may have to take every pending event when they come
	 * due together: room for them is made here, so moving them never fails
	 * (the test first: growing is rare, and a call per push is not). */
	size_t want = eng->pending + 1;
	if ((want > eng->near.cap || want > eng->run.cap) &&
	    (!heap_reserve(&eng->near, want - eng->near.len) ||
	     !heap_reserve(&eng->run, want - eng->run.len)))
		return RS_ERR_NOMEM;
	int64_t s = slot_of(ev->time);
	rs_status st = RS_OK;
	if (s <= eng->cur)
		heap_push(&eng->near, ev);
	else if (s - eng->cur < (int64_t)CAL_SLOTS)
		st = list_push(eng, s, ev);
	else if (heap_reserve(&eng->overflow, 1))
		heap_push(&eng->overflow, ev);
	else
		st = RS_ERR_NOMEM;
	eng->pending += st == RS_OK;
	return st;
}

/* The first slot after cur with a list (far > 0: there is one, within
 * CAL_SLOTS - 1 slots): the first set bit of the bitmap from cur + 1 on,
 * around the ring. */
static int64_t next_listed(const rs_engine *eng)
{
	uint64_t from = (uint64_t)(eng->cur + 1) & CAL_MASK;
	uint64_t w = from / 64;
	uint64_t bits = eng->used[w] & (~(uint64_t)0 << (from % 64));
	while (bits == 0) {
		w = (w + 1) % CAL_WORDS;
		bits = eng->used[w];
	}
	uint64_t ring = w * 64 + (uint64_t)__builtin_ctzll(bits);
	return eng->cur + 1 + (int64_t)((ring - from) & CAL_MASK);
}

/* A slot's list is sorted by insertion up to this many events (about k^2/4
 * moves: 64 at 16, what qsort's calls cost), by qsort beyond: a slot where
 * thousands of events come due together stays O(k log k). */
#define SORT_SMALL 16

static int later_first(const void *x, const void *y)
{
	key_t128 a = key_of(x), b = key_of(y);
	return a < b ? 1 : a > b ? -1 : 0;
}

/* Sort the run so that its first event is last (keys are unique: any sort
 * gives the same order). */
static void sort_run(heap *run)
{
	rs_event *ev = run->ev;
	size_t n = run->len;
	if (n > SORT_SMALL) {
		qsort(ev, n, sizeof *ev, later_first);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		rs_event x = ev[i];
		key_t128 k = key_of(&x);
		size_t j = i;
		for (; j > 0 && key_of(&ev[j - 1]) < k; j--)
			ev[j] = ev[j - 1];
		ev[j] = x;
	}
}

/* Move cur on until `run` or `near` has an event (see the note).  False
 * when the queue is empty. */
static bool refill(rs_engine *eng)
{
	while (eng->near.len == 0 && eng->run.len == 0) {
		if (eng->far == 0 && eng->overflow.len == 0)
			return false;
		int64_t next = eng->far ? next_listed(eng) : INT64_MAX;
		if (eng->overflow.len) {
			int64_t o = slot_of(eng->overflow.ev[0].time);
			next = o < next ? o : next;
		}
		assert(next > eng->cur); /* the overflow holds no slot <= cur */
		eng->cur = next;
		uint64_t ring = (uint64_t)eng->cur & CAL_MASK;
		eng->used[ring / 64] &= ~((uint64_t)1 << (ring % 64));
		/* the list into run, its nodes onto the free chain (in locals: the
		 * stores through eng would each be done again per event) */
		uint32_t i = eng->slot[ring], free_node = eng->free_node;
		size_t len = eng->run.len;
		eng->slot[ring] = NO_NODE;
		while (i != NO_NODE) {
			cal_node *nd = &eng->node[i];
			uint32_t nx = nd->next;
			eng->run.ev[len++] = nd->ev;
			nd->next = free_node;
			free_node = i;
			i = nx;
		}
		eng->far -= len - eng->run.len;
		eng->run.len = len;
		eng->free_node = free_node;
		sort_run(&eng->run);
		while (eng->overflow.len && slot_of(eng->overflow.ev[0].time) <= eng->cur) {
			heap_push(&eng->near, &eng->overflow.ev[0]);
			pop_root(&eng->overflow);
		}
	}
	return true;
}

/* The first event, the smallest of run's, near's and the chains' tops (see
 * the note), or NULL when the queue is empty.  The chains' top is their
 * sentinel when they have none: it comes after any event. */
static inline const rs_event *top(rs_engine *eng)
{
	const rs_event *c = &eng->chain.ev[eng->chain.len - 1];
	/* the calendar empty (far and overflow too, as it mostly is between
	 * two retries when the chains take the arrivals): no call to refill */
	if (!eng->near.len && !eng->run.len && (!(eng->far || eng->overflow.len) || !refill(eng)))
		return eng->chain.len > 1 ? c : NULL;
	const rs_event *t = eng->run.len ? &eng->run.ev[eng->run.len - 1] : eng->near.ev;
	if (eng->near.len && key_of(eng->near.ev) < key_of(t))
		t = eng->near.ev;
	return key_of(c) < key_of(t) ? c : t;
}

rs_engine *rs_engine_new(void)
{
	rs_engine *eng = rs_calloc(1, sizeof *eng);
	if (!eng)
		return NULL;
	eng->free_node = NO_NODE;
	eng->slot = rs_calloc(CAL_SLOTS, sizeof *eng->slot);
	eng->used = rs_calloc(CAL_WORDS, sizeof *eng->used);
	if (!eng->slot || !eng->used || !heap_init(&eng->near) || !heap_init(&eng->run) ||
	    !heap_init(&eng->overflow) ||
	    !(eng->chain.ev = rs_calloc(CHAIN_MAX + 1, sizeof *eng->chain.ev))) {
		rs_engine_free(eng);
		return NULL;
	}
	for (uint32_t s = 0; s < CAL_SLOTS; s++)
		eng->slot[s] = NO_NODE;
	eng->chain.ev[0] = (rs_event){.time = INT64_MAX, .seq = UINT64_MAX};
	eng->chain.len = 1;
	return eng;
}

void rs_engine_free(rs_engine *eng)
{
	if (!eng)
		return;
	free(eng->near.ev);
	free(eng->run.ev);
	free(eng->overflow.ev);
	free(eng->chain.ev);
	free(eng->slot);
	free(eng->used);
	free(eng->node);
	free(eng);
}

void rs_engine_on(rs_engine *eng, uint32_t type, rs_event_fn fn, void *ctx)
{
	assert(type < RS_ENGINE_MAX_TYPES);
	eng->fn[type] = fn;
	eng->ctx[type] = ctx;
}

/* push for an event of the calendar's lists, when no structure has to grow
 * (nearly every push): no call, no event copied through the stack.  False
 * when it is not that case; then nothing has changed. */
static inline bool list_push_fast(rs_engine *eng, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	int64_t s = slot_of(at);
	uint32_t i = eng->free_node;
	size_t want = eng->pending + 1;
	if (s <= eng->cur || s - eng->cur >= (int64_t)CAL_SLOTS || i == NO_NODE ||
	    want > eng->near.cap || want > eng->run.cap)
		return false;
	cal_node *nd = &eng->node[i];
	eng->free_node = nd->next;
	uint64_t ring = (uint64_t)s & CAL_MASK;
	uint32_t *head = &eng->slot[ring];
	if (*head == NO_NODE) /* the slot's first event: its bit */
		eng->used[ring / 64] |= (uint64_t)1 << (ring % 64);
	nd->ev = (rs_event){.time = at, .seq = eng->next_seq++, .type = type, .a = a, .b = b};
	nd->next = *head;
	*head = i;
	eng->far++;
	eng->pending = want;
	return true;
}

/* push by the general way: a heap, or a structure that must grow first. */
static __attribute__((noinline)) rs_status push_slow(rs_engine *eng, rs_time at, uint32_t type,
                                                     uint32_t a, uint64_t b)
{
	rs_event ev = {.time = at, .seq = eng->next_seq++, .type = type, .a = a, .b = b};
	return push(eng, &ev);
}

rs_status rs_engine_at(rs_engine *eng, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	assert(at >= eng->now && at >= 0);
	assert(type < RS_ENGINE_MAX_TYPES);
	if (list_push_fast(eng, at, type, a, b))
		return RS_OK;
	return push_slow(eng, at, type, a, b);
}

rs_status rs_engine_at_chained(rs_engine *eng, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	assert(at >= eng->now && at >= 0);
	assert(type < RS_ENGINE_MAX_TYPES);
	heap *c = &eng->chain;
	if (c->len > CHAIN_MAX || at == INT64_MAX) /* full, or not before the sentinel */
		return rs_engine_at(eng, at, type, a, b);
	/* insertion from the first event's end: the events before it move up
	 * one.  Its sequence is the largest yet, so an event goes before it
	 * exactly when its time is not later; the sentinel's is. */
	size_t j = c->len++;
	for (; c->ev[j - 1].time <= at; j--)
		c->ev[j] = c->ev[j - 1];
	c->ev[j] = (rs_event){.time = at, .seq = eng->next_seq++, .type = type, .a = a, .b = b};
	eng->pending++;
	return RS_OK;
}

rs_status rs_engine_at_within(rs_engine *eng, rs_time end, rs_time at, uint32_t type, uint32_t a,
                              uint64_t b)
{
	if (at >= end)
		return RS_OK;
	rs_status st = rs_engine_at(eng, at, type, a, b);
	if (st != RS_OK)
		rs_engine_fail(eng, st);
	return st;
}

rs_time rs_engine_now(const rs_engine *eng)
{
	return eng->now;
}

size_t rs_engine_pending(const rs_engine *eng)
{
	return eng->pending;
}

uint64_t rs_engine_events_run(const rs_engine *eng)
{
	return eng->events_run;
}

rs_time rs_engine_next_time(const rs_engine *eng)
{
	/* Finding the top may move the calendar on (refill): that changes
	 * where events are kept, never which comes first. */
	const rs_event *t = top((rs_engine *)eng);
	return t ? t->time : INT64_MAX;
}

/* Pop the top (there is one: top() found it) and run it. */
static void run_top(rs_engine *eng, const rs_event *t)
{
	rs_event ev = *t;
	if (t == &eng->chain.ev[eng->chain.len - 1]) /* the most frequent first */
		eng->chain.len--;
	else if (t == eng->near.ev)
		pop_root(&eng->near);
	else
		eng->run.len--;
	eng->pending--;
	eng->now = ev.time;
	eng->events_run++;
	assert(eng->fn[ev.type] != NULL);
	eng->fn[ev.type](eng->ctx[ev.type], eng, &ev);
}

void rs_engine_step(rs_engine *eng, rs_time until, bool *ran)
{
	*ran = false;
	const rs_event *t = top(eng);
	if (!t || t->time > until)
		return;
	run_top(eng, t);
	*ran = true;
}

uint64_t rs_engine_run_before(rs_engine *eng, rs_time bound, uint64_t max_events)
{
	uint64_t run = 0;
	while (run < max_events && eng->status == RS_OK) {
		const rs_event *t = top(eng);
		if (!t || t->time >= bound)
			break;
		run_top(eng, t);
		run++;
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
