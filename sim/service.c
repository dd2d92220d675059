/*
 * service.c - the attempts a deployment has admitted, until they complete
 * (see service.h for the model and its cost).
 *
 * Invariants: an orphan or job slot is either in use or on its free list;
 * a job is in its deployment's heap from its entry to its completion, and
 * the heap is ordered by (finish, seq); each station has at most one
 * pending "next" event whose epoch matches, any other is stale.  Virtual
 * time only grows.
 */
#include "ratesim/service.h"

#include <math.h>
#include <stdlib.h>

#define NO_INDEX         UINT32_MAX
#define SVC_POOL_INITIAL 256

/* An abandoned fixed-time attempt still being served. */
typedef struct orphan {
	rs_meter_req mreq;
	double charged;
	rs_time abandoned_at; /* when the client stops waiting for it */
	uint32_t dep;
	bool in_use;
	uint32_t next_free;
} orphan;

/* An attempt on a shared deployment, from admission to completion. */
typedef struct job {
	double finish; /* virtual time at which it completes (once entered) */
	uint64_t seq;  /* entry order: ties leave in this order */
	rs_time work;  /* unloaded generation time, microseconds */
	rs_meter_req mreq;
	double charged;
	uint32_t dep, slot;
	bool abandoned;
	uint32_t next_free;
} job;

/* One shared deployment: processor sharing in virtual time. */
typedef struct station {
	double tps;     /* C: capacity, output tokens per second (0: not shared) */
	double speed;   /* s: one attempt's full generation speed, tokens per second */
	bool ptu;       /* provisioned: full speed while its meter is at or below 100% */
	bool holds;     /* ptu, and the utilisation last read was <= 1 */
	double v;       /* virtual time: microseconds of full-speed generation */
	rs_time at;     /* when v was last brought up to date */
	uint32_t *heap; /* jobs generating, min (finish, seq) first */
	size_t n, cap;
	uint32_t epoch;     /* of the one "next" event that is not stale */
	size_t n_abandoned; /* of the jobs generating, those the client abandoned */
} station;

struct rs_service {
	rs_engine *eng;      /* borrowed */
	rs_deployment *deps; /* borrowed */
	size_t n_deps;
	rs_service_events ev;
	rs_time end;
	rs_service_done_fn done;
	void *ctx;
	rs_status status;
	orphan *orphans;
	uint32_t orphans_len, orphans_cap, orphans_free;
	station *st;     /* [n_deps] */
	bool any_shared; /* some station has tps > 0 (else rs_service_shared reads none) */
	job *jobs;
	uint32_t jobs_len, jobs_cap, jobs_free;
	uint64_t entered;
};

static void svc_fail(rs_service *s, rs_status st)
{
	if (s->status == RS_OK)
		s->status = st;
	rs_engine_fail(s->eng, st);
}

static rs_status svc_schedule(rs_service *s, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	return rs_engine_at_within(s->eng, s->end, at, type, a, b);
}

/* Grow a pool array to hold one more element; false when out of memory. */
static bool grow(void **arr, uint32_t *cap, size_t size)
{
	uint32_t n = *cap ? *cap * 2 : SVC_POOL_INITIAL;
	void *p = rs_realloc_array(*arr, n, size);
	if (!p)
		return false;
	*arr = p;
	*cap = n;
	return true;
}

static void on_orphan(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_service *s = ctx;
	orphan *o = &s->orphans[ev->b];
	rs_meter_complete(s->deps[ev->a].meter, rs_engine_now(eng), &o->mreq, o->charged);
	o->in_use = false;
	o->next_free = s->orphans_free;
	s->orphans_free = (uint32_t)ev->b;
}

rs_status rs_service_orphan(rs_service *s, rs_time at, size_t dep, const rs_meter_req *mreq,
                            double charged, rs_time abandoned_at)
{
	if (s->orphans_free == NO_INDEX && s->orphans_len == s->orphans_cap &&
	    !grow((void **)&s->orphans, &s->orphans_cap, sizeof *s->orphans))
		return RS_ERR_NOMEM;
	uint32_t os = s->orphans_free;
	if (os != NO_INDEX)
		s->orphans_free = s->orphans[os].next_free;
	else
		os = s->orphans_len++;
	s->orphans[os] = (orphan){.mreq = *mreq,
	                          .charged = charged,
	                          .abandoned_at = abandoned_at,
	                          .dep = (uint32_t)dep,
	                          .in_use = true, /* at or after the end: running to the end */
	                          .next_free = NO_INDEX};
	return svc_schedule(s, at, s->ev.orphan, (uint32_t)dep, os);
}

/* ---- processor sharing ---------------------------------------------------- */

/* The rate at which each of the n attempts generating progresses, in
 * microseconds of full-speed generation per microsecond: min(1, C/(n s)),
 * or 1 on a provisioned deployment holding its speed target. */
static double rate(const station *st)
{
	if (st->holds)
		return 1.0;
	double share = st->tps / ((double)st->n * st->speed);
	return share < 1.0 ? share : 1.0;
}

static void advance(station *st, rs_time now)
{
	if (st->n > 0)
		st->v += (double)(now - st->at) * rate(st);
	st->at = now;
}

static bool before(const rs_service *s, uint32_t x, uint32_t y)
{
	const job *a = &s->jobs[x], *b = &s->jobs[y];
	return a->finish < b->finish || (a->finish == b->finish && a->seq < b->seq);
}

static bool heap_push(rs_service *s, station *st, uint32_t j)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : SVC_POOL_INITIAL;
		uint32_t *p = rs_realloc_array(st->heap, cap, sizeof *p);
		if (!p)
			return false;
		st->heap = p;
		st->cap = cap;
	}
	size_t i = st->n++;
	while (i > 0 && before(s, j, st->heap[(i - 1) / 2])) {
		st->heap[i] = st->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	st->heap[i] = j;
	return true;
}

static uint32_t heap_pop(rs_service *s, station *st)
{
	uint32_t top = st->heap[0], last = st->heap[--st->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= st->n)
			break;
		if (c + 1 < st->n && before(s, st->heap[c + 1], st->heap[c]))
			c++;
		if (!before(s, st->heap[c], last))
			break;
		st->heap[i] = st->heap[c];
		i = c;
	}
	if (st->n > 0)
		st->heap[i] = last;
	return top;
}

/* A provisioned deployment holds its generation-speed target while its
 * utilisation is at or below 100% (MODEL.md section 13): read the meter at
 * each change of the load (an admission, an entry, a completion), after
 * advance() has used the rate in force until now.  Between two changes the
 * rate stays as read. */
static void reread(rs_service *s, size_t d, rs_time now)
{
	station *st = &s->st[d];
	if (!st->ptu)
		return;
	rs_meter_state m;
	s->deps[d].meter->ops->sample(s->deps[d].meter, now, &m);
	st->holds = m.utilisation <= 1.0;
}

/* Schedule the station's next completion (the previous one turns stale). */
static void reschedule(rs_service *s, size_t d)
{
	station *st = &s->st[d];
	st->epoch++;
	if (st->n == 0)
		return;
	double left = s->jobs[st->heap[0]].finish - st->v;
	rs_time at = st->at + (left > 0 ? (rs_time)ceil(left / rate(st)) : 0);
	rs_status e = svc_schedule(s, at, s->ev.next, (uint32_t)d, st->epoch);
	if (e != RS_OK)
		svc_fail(s, e);
}

static void on_enter(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_service *s = ctx;
	station *st = &s->st[ev->a];
	job *j = &s->jobs[ev->b];
	advance(st, rs_engine_now(eng));
	reread(s, ev->a, rs_engine_now(eng));
	j->finish = st->v + (double)j->work;
	j->seq = s->entered++;
	if (!heap_push(s, st, (uint32_t)ev->b)) {
		svc_fail(s, RS_ERR_NOMEM);
		return;
	}
	reschedule(s, ev->a);
}

/* The station's soonest attempt completes, with any other whose virtual
 * finish time is reached. */
static void on_next(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_service *s = ctx;
	station *st = &s->st[ev->a];
	if (ev->b != st->epoch || st->n == 0)
		return; /* stale: the load changed since it was scheduled */
	rs_time now = rs_engine_now(eng);
	advance(st, now);
	do {
		uint32_t ji = heap_pop(s, st);
		job *j = &s->jobs[ji];
		if (j->abandoned) {
			rs_meter_complete(s->deps[ev->a].meter, now, &j->mreq, j->charged);
			st->n_abandoned--;
		}
		bool tell = !j->abandoned;
		uint32_t slot = j->slot;
		j->next_free = s->jobs_free;
		s->jobs_free = ji;
		if (tell)
			s->done(s->ctx, now, ev->a, slot);
	} while (st->n > 0 && s->jobs[st->heap[0]].finish <= st->v);
	reread(s, ev->a, now); /* after the completions' corrections */
	reschedule(s, ev->a);
}

bool rs_service_shared(const rs_service *s, size_t dep)
{
	/* without any shared deployment (the usual) the station, cold in the
	 * cache by now, need not be read */
	return s->any_shared && s->st[dep].tps > 0;
}

rs_status rs_service_start(rs_service *s, rs_time now, size_t dep, const rs_timing *t,
                           uint32_t slot, const rs_meter_req *mreq, double charged, uint32_t *out)
{
	*out = RS_SERVICE_NO_JOB;
	if (s->jobs_free == NO_INDEX && s->jobs_len == s->jobs_cap &&
	    !grow((void **)&s->jobs, &s->jobs_cap, sizeof *s->jobs))
		return RS_ERR_NOMEM;
	uint32_t j = s->jobs_free;
	if (j != NO_INDEX)
		s->jobs_free = s->jobs[j].next_free;
	else
		j = s->jobs_len++;
	s->jobs[j] = (job){.work = t->total - t->ttft,
	                   .mreq = *mreq,
	                   .charged = charged,
	                   .dep = (uint32_t)dep,
	                   .slot = slot,
	                   .next_free = NO_INDEX};
	*out = j;
	station *st = &s->st[dep];
	if (st->ptu && st->n > 0) {
		/* the admission moved the meter: the rate may change now */
		advance(st, now);
		reread(s, dep, now);
		reschedule(s, dep);
	}
	return svc_schedule(s, now + t->ttft, s->ev.enter, (uint32_t)dep, j);
}

void rs_service_abandon(rs_service *s, uint32_t handle)
{
	s->jobs[handle].abandoned = true;
	s->st[s->jobs[handle].dep].n_abandoned++;
}

size_t rs_service_abandoned(const rs_service *s, size_t dep, rs_time now)
{
	size_t n = s->st[dep].n_abandoned;
	for (uint32_t k = 0; k < s->orphans_len; k++) {
		const orphan *o = &s->orphans[k];
		n += o->in_use && o->dep == dep && o->abandoned_at <= now;
	}
	return n;
}

size_t rs_service_generating(const rs_service *s, size_t dep)
{
	return s->st[dep].n;
}

/* ---- the service ---------------------------------------------------------- */

rs_service *rs_service_new(rs_engine *eng, const rs_service_events *ev, rs_deployment *deps,
                           size_t n, rs_time end, rs_service_done_fn done, void *ctx)
{
	rs_service *s = rs_calloc(1, sizeof *s);
	if (!s)
		return NULL;
	*s = (rs_service){.eng = eng,
	                  .deps = deps,
	                  .n_deps = n,
	                  .ev = *ev,
	                  .end = end,
	                  .done = done,
	                  .ctx = ctx,
	                  .orphans_free = NO_INDEX,
	                  .jobs_free = NO_INDEX};
	s->st = rs_calloc(n ? n : 1, sizeof *s->st);
	if (!s->st) {
		free(s);
		return NULL;
	}
	for (size_t d = 0; d < n; d++) {
		s->st[d] = (station){.tps = deps[d].service_tps,
		                     .speed = deps[d].latency.tokens_per_s,
		                     .ptu = deps[d].provisioned};
		s->any_shared = s->any_shared || s->st[d].tps > 0;
	}
	rs_engine_on(eng, ev->orphan, on_orphan, s);
	rs_engine_on(eng, ev->enter, on_enter, s);
	rs_engine_on(eng, ev->next, on_next, s);
	return s;
}

void rs_service_free(rs_service *s)
{
	if (!s)
		return;
	for (size_t d = 0; d < s->n_deps; d++)
		free(s->st[d].heap);
	free(s->st);
	free(s->jobs);
	free(s->orphans);
	free(s);
}

rs_status rs_service_status(const rs_service *s)
{
	return s->status;
}
