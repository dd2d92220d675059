/*
 * engine.c - clock, event queues, step function and run loop.
 *
 * Invariants: events are ordered by the 128-bit key (time << 64 | seq); seq
 * strictly increases with every push, across queues, so no two events
 * compare equal and the engine runs them in exactly the order one queue
 * would; the clock never goes backwards.  Every structure below stores
 * events by value (32 bytes).
 *
 * Lanes: an event type may be put on its own queue (rs_engine_lane).  The
 * world puts each client's next arrival there: at most one per client, so
 * that queue stays tiny, and the main queue holds only the requests in
 * flight.  A step pops the smaller of the queues' tops, which costs one
 * more comparison than a single queue and spares the arrivals (about 40%
 * of all events) the main queue's depth.  Lanes other than 0 are plain
 * 4-ary min-heaps.
 *
 * The main queue (lane 0) is a calendar in front of a heap.  Time is cut
 * into slots of 2^CAL_SHIFT us; `cur` is the current slot.  An event of a
 * slot <= cur is in `near`, a 4-ary heap; one of the next CAL_SLOTS - 1
 * slots is in that slot's list (unordered, O(1) to add); one further away
 * is in `overflow`, another heap.  The top of `near` is then the smallest
 * of the whole queue, since every other event has a later slot.  When
 * `near` empties, cur moves to the next slot with events (straight to the
 * overflow's top when no list holds any), and that slot's list and the
 * overflow's events of slots <= cur move into `near`.  So `near` holds the
 * events of a slot or two (a handful, where one heap would hold the
 * thousands of requests in flight) and a pop sifts through one or two
 * levels instead of six; each event is copied once more, from its list
 * into `near`.
 *
 * Cost: push O(1) into a list (O(log n) into a heap); pop O(log k) for the
 * k events of the current slot, plus the slots stepped over (at most
 * duration / 2^CAL_SHIFT us over a run).  Memory: the events pending, a
 * little over twice, and 4 bytes per slot of the ring.  A heap's pop is a
 * bottom-up sift (see pop_root).  rs_engine_run_before runs a batch of
 * events in one loop, so a caller that only needs to stop at a known time
 * (the next bucket to close) pays no call per event but the handler's.
 */
#include "ratesim/engine.h"

#include <assert.h>
#include <stdlib.h>

#define ARITY         4
#define QUEUE_INITIAL 1024
/* Calendar slots: 2^12 us = 4.1 ms each, 16384 of them (a 67 s horizon,
 * 64 KB of list heads).  A slot holds a handful of events at 1,000
 * requests/s; a run steps over empty slots at most once each, a few
 * nanoseconds apiece, and jumps when no list holds an event.  Measured on
 * bench-1h: 2^12 us slots ran 2% fewer instructions than 2^13 and 3% fewer
 * than 2^14. */
#define CAL_SHIFT 12
#define CAL_SLOTS 16384u
#define CAL_MASK  (CAL_SLOTS - 1)
#define NO_NODE   UINT32_MAX

typedef unsigned __int128 key_t128;

typedef struct heap {
	rs_event *ev;
	size_t len, cap;
} heap;

/* An event in a slot's list. */
typedef struct cal_node {
	rs_event ev;
	uint32_t next;
} cal_node;

typedef struct queue {
	heap near;      /* lane 0: events of slots <= cur; other lanes: all */
	bool calendar;  /* lane 0 */
	int64_t cur;    /* the current slot */
	uint32_t *slot; /* CAL_SLOTS list heads (NO_NODE: empty) */
	cal_node *node; /* the lists' nodes; free ones chained from free_node */
	uint32_t node_len, node_cap, free_node;
	size_t far; /* events in the lists */
	heap overflow;
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
	rs_event last = h->ev[--h->len];
	size_t n = h->len;
	if (n == 0)
		return;
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

static size_t queue_len(const queue *q)
{
	return q->near.len + q->far + q->overflow.len;
}

static bool queue_init(queue *q, bool calendar)
{
	q->calendar = calendar;
	if (!heap_init(&q->near))
		return false;
	if (!calendar)
		return true;
	q->free_node = NO_NODE;
	q->slot = rs_calloc(CAL_SLOTS, sizeof *q->slot);
	if (!q->slot || !heap_init(&q->overflow))
		return false;
	for (uint32_t s = 0; s < CAL_SLOTS; s++)
		q->slot[s] = NO_NODE;
	return true;
}

static void queue_fini(queue *q)
{
	free(q->near.ev);
	free(q->overflow.ev);
	free(q->slot);
	free(q->node);
}

/* Add ev to the list of its slot (cur < slot < cur + CAL_SLOTS). */
static rs_status list_push(queue *q, int64_t s, const rs_event *ev)
{
	uint32_t i = q->free_node;
	if (i != NO_NODE) {
		q->free_node = q->node[i].next;
	} else {
		if (q->node_len == q->node_cap) {
			uint64_t cap = q->node_cap ? (uint64_t)q->node_cap * 2 : QUEUE_INITIAL;
			if (cap >= NO_NODE)
				return RS_ERR_NOMEM;
			cal_node *node = rs_realloc_array(q->node, cap, sizeof *node);
			if (!node)
				return RS_ERR_NOMEM;
			q->node = node;
			q->node_cap = (uint32_t)cap;
		}
		i = q->node_len++;
	}
	uint32_t *head = &q->slot[(uint64_t)s & CAL_MASK];
	q->node[i] = (cal_node){.ev = *ev, .next = *head};
	*head = i;
	q->far++;
	return RS_OK;
}

static rs_status push(queue *q, const rs_event *ev)
{
	/* `near` may have to take every pending event when they come due
	 * together: room for them is made here, so moving them never fails. */
	if (!heap_reserve(&q->near, q->calendar ? queue_len(q) + 1 - q->near.len : 1))
		return RS_ERR_NOMEM;
	if (!q->calendar) {
		heap_push(&q->near, ev);
		return RS_OK;
	}
	int64_t s = slot_of(ev->time);
	if (s <= q->cur) {
		heap_push(&q->near, ev);
		return RS_OK;
	}
	if (s - q->cur < (int64_t)CAL_SLOTS)
		return list_push(q, s, ev);
	if (!heap_reserve(&q->overflow, 1))
		return RS_ERR_NOMEM;
	heap_push(&q->overflow, ev);
	return RS_OK;
}

/* Lane 0: move cur on until `near` has an event (see the note).  False when
 * the queue is empty. */
static bool refill(queue *q)
{
	while (q->near.len == 0) {
		if (q->far == 0) {
			if (q->overflow.len == 0)
				return false;
			int64_t s = slot_of(q->overflow.ev[0].time);
			q->cur = s > q->cur ? s : q->cur + 1;
		} else {
			q->cur++;
		}
		uint32_t *head = &q->slot[(uint64_t)q->cur & CAL_MASK];
		while (*head != NO_NODE) {
			cal_node *nd = &q->node[*head];
			uint32_t next = nd->next;
			heap_push(&q->near, &nd->ev);
			nd->next = q->free_node;
			q->free_node = *head;
			*head = next;
			q->far--;
		}
		while (q->overflow.len && slot_of(q->overflow.ev[0].time) <= q->cur) {
			heap_push(&q->near, &q->overflow.ev[0]);
			pop_root(&q->overflow);
		}
	}
	return true;
}

/* The queue's first event, or NULL when it is empty. */
static inline const rs_event *queue_top(queue *q)
{
	if (q->near.len == 0 && (!q->calendar || !refill(q)))
		return NULL;
	return &q->near.ev[0];
}

rs_engine *rs_engine_new(void)
{
	rs_engine *eng = rs_calloc(1, sizeof *eng);
	if (!eng)
		return NULL;
	for (int l = 0; l < RS_ENGINE_LANES; l++) {
		if (!queue_init(&eng->q[l], l == 0)) {
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
		queue_fini(&eng->q[l]);
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

rs_status rs_engine_at(rs_engine *eng, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	assert(at >= eng->now && at >= 0);
	assert(type < RS_ENGINE_MAX_TYPES);
	rs_event ev = {.time = at, .seq = eng->next_seq++, .type = type, .a = a, .b = b};
	return push(&eng->q[eng->lane[type]], &ev);
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

/* The queue whose top comes first, or NULL when every queue is empty. */
static queue *first_queue(rs_engine *eng)
{
	queue *best = NULL;
	key_t128 bk = 0;
	for (int l = 0; l < RS_ENGINE_LANES; l++) {
		queue *q = &eng->q[l];
		const rs_event *top = queue_top(q);
		if (top && (!best || key_of(top) < bk)) {
			best = q;
			bk = key_of(top);
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
		n += queue_len(&eng->q[l]);
	return n;
}

uint64_t rs_engine_events_run(const rs_engine *eng)
{
	return eng->events_run;
}

rs_time rs_engine_next_time(const rs_engine *eng)
{
	/* Finding the top may move the calendar on (refill): that changes
	 * where events are kept, never which comes first. */
	queue *q = first_queue((rs_engine *)eng);
	return q ? q->near.ev[0].time : INT64_MAX;
}

/* Pop q's top (q from first_queue) and run it. */
static void run_top(rs_engine *eng, queue *q)
{
	rs_event ev = q->near.ev[0];
	pop_root(&q->near);
	eng->now = ev.time;
	eng->events_run++;
	assert(eng->fn[ev.type] != NULL);
	eng->fn[ev.type](eng->ctx[ev.type], eng, &ev);
}

void rs_engine_step(rs_engine *eng, rs_time until, bool *ran)
{
	*ran = false;
	queue *q = first_queue(eng);
	if (!q || q->near.ev[0].time > until)
		return;
	run_top(eng, q);
	*ran = true;
}

uint64_t rs_engine_run_before(rs_engine *eng, rs_time bound, uint64_t max_events)
{
	uint64_t run = 0;
	while (run < max_events && eng->status == RS_OK) {
		queue *q = first_queue(eng);
		if (!q || q->near.ev[0].time >= bound)
			break;
		run_top(eng, q);
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
