/*
 * service.c - the attempts a deployment has admitted, until they complete
 * (see service.h for the model and its cost).
 *
 * Invariants: an orphan slot is either pending (its completion event is
 * scheduled) or on the free list.
 */
#include "ratesim/service.h"

#include <stdlib.h>

#define NO_INDEX     UINT32_MAX
#define POOL_INITIAL 256

/* An abandoned fixed-time attempt still being served. */
typedef struct orphan {
	rs_meter_req mreq;
	double charged;
	uint32_t next_free;
} orphan;

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
};

static rs_status schedule(rs_service *s, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	if (at >= s->end)
		return RS_OK; /* nothing after the end is observed */
	return rs_engine_at(s->eng, at, type, a, b);
}

/* Grow a pool array to hold one more element; false when out of memory. */
static bool grow(void **arr, uint32_t *cap, size_t size)
{
	uint32_t n = *cap ? *cap * 2 : POOL_INITIAL;
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
	o->next_free = s->orphans_free;
	s->orphans_free = (uint32_t)ev->b;
}

rs_status rs_service_orphan(rs_service *s, rs_time at, size_t dep, const rs_meter_req *mreq,
                            double charged)
{
	if (s->orphans_free == NO_INDEX && s->orphans_len == s->orphans_cap &&
	    !grow((void **)&s->orphans, &s->orphans_cap, sizeof *s->orphans))
		return RS_ERR_NOMEM;
	uint32_t os = s->orphans_free;
	if (os != NO_INDEX)
		s->orphans_free = s->orphans[os].next_free;
	else
		os = s->orphans_len++;
	s->orphans[os] = (orphan){.mreq = *mreq, .charged = charged, .next_free = NO_INDEX};
	return schedule(s, at, s->ev.orphan, (uint32_t)dep, os);
}

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
	                  .orphans_free = NO_INDEX};
	rs_engine_on(eng, ev->orphan, on_orphan, s);
	return s;
}

void rs_service_free(rs_service *s)
{
	if (!s)
		return;
	free(s->orphans);
	free(s);
}

rs_status rs_service_status(const rs_service *s)
{
	return s->status;
}
