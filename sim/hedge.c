/*
 * hedge.c - hedged requests (issue 10 part 1; MODEL.md section 8): after a
 * delay without an answer, the client sends a second attempt of the same
 * request; the first to complete wins and the other is abandoned.
 *
 * The model, step by step:
 *   - Arming: when an attempt the client waits for is ADMITTED at t0, its
 *     client hedges, the request has sent fewer than max_per_request hedges
 *     and no hedge is live, a timer is set for t0 + delay (EV_HEDGE, with
 *     the attempt's gen).  Not when the attempt will plainly have answered
 *     by then (a fixed-time deployment whose total latency <= delay: a tie
 *     goes to the answer), nor when the attempt timeout comes first (delay
 *     >= attempt_timeout_s).  A refused attempt (429, 5xx) is answered
 *     within a round trip and is the retry policy's, not the hedge's; a
 *     hanging one is the timeout's.
 *   - The delay: delay_ms, or the client's observed delay_percentile of
 *     attempt latency (send to completion, of every success of the client,
 *     winners only), from a per-client histogram (hist.h: nearest rank,
 *     within 1%, exact when every sample is equal); fallback_ms until
 *     min_samples successes have been seen.
 *   - Sending (EV_HEDGE, attempt.c): stale unless the same attempt is still the one
 *     waited for (gen).  The hedge goes to `target`: "same" is where the
 *     attempt went (the client's target, or its wait_or_spill target after a
 *     spill), else the named deployment or router; it is routed like any
 *     attempt, with its own network jitter draw.  It does not pass the
 *     client's own controls (rate limit, concurrency, breaker: throttle.h)
 *     nor its retry budget: a hedge is not a retry.  A hedge a router would
 *     hold is not sent (and not counted).
 *   - A refused (429), failed (5xx) or hanging hedge is over at once: the
 *     primary goes on, and the request is the primary's as before.  It is
 *     counted as sent, not won.
 *   - An admitted hedge runs on the service like any attempt (a fixed-time
 *     deployment: EV_HEDGE_DONE at its total latency; a shared one: a job of
 *     service.h whose slot carries HEDGE_SLOT_BIT).  The first completion
 *     wins (hedge_settle): the loser is abandoned exactly as a timed-out
 *     attempt is (service.h: an orphan on a fixed-time deployment, an
 *     abandoned job on a shared one): it still occupies the service and on
 *     PTU its meter is still corrected when it ends; its own completion
 *     event is stale by gen.  A won hedge's attempt becomes the request's:
 *     latency, TTFT, the deployment served and the routers told are the
 *     hedge's.
 *   - The primary's timeout abandons the hedge too: the attempt timeout
 *     bounds the hedged pair, and the retry policy decides what follows.
 *   - Counters (metrics.h): hedges_sent and hedges_won per client and in
 *     total (won <= sent); a hedge is also an attempt (ok / throttled /
 *     error) of its client and of the deployment that answered it, not a
 *     retry, and adds no offered load.
 *
 * Side table: one record per pool slot (grown with the pool), naming the
 * request it belongs to by id, since slots are reused.  At most one hedge
 * is live per request.
 *
 * Cost: O(1) per hook and per hedge; one extra event per armed attempt;
 * memory one record per pool slot plus a histogram (about 10 KB) per client
 * with a percentile delay.
 */
#include "hedge.h"

#include "attempt_log.h"

#include "ratesim/hist.h"

#include <assert.h>
#include <stdlib.h>

typedef struct hedge_att {
	uint64_t id;  /* the request whose hedges these are (slots are reused) */
	uint32_t gen; /* the live hedge's attempt generation; 0: none live */
	uint32_t job; /* the live hedge on a shared deployment, else RS_SERVICE_NO_JOB */
	uint32_t dep;
	int sent; /* hedges sent for request `id` */
	bool spilled;
	rs_time at; /* when the live hedge was sent */
	rs_timing timing;
	double charged;
	int64_t seen_requests, seen_tokens;
	route_path path;
	uint64_t log_ticket; /* its row in the request log (attempt_log.h), or 0 */
} hedge_att;

struct hedge_room {
	hedge_att *att; /* [cap], by pool slot */
	uint32_t cap;
	rs_hist **lat; /* [n_clients]: attempt latencies (ms) of a percentile client, else NULL */
	size_t n_clients;
};

static const rs_hedge_cfg *cfg_of(const rs_world *w, const request *r)
{
	return &w->clients[r->client].cfg->hedge;
}

static rs_time ms_to_time(double ms)
{
	return rs_time_from_s(ms / 1e3);
}

/* The slot's record, the table grown to the pool's size first; NULL when
 * out of memory. */
static hedge_att *att_of(rs_world *w, uint32_t slot)
{
	struct hedge_room *h = w->hedge;
	if (slot >= h->cap) {
		uint32_t cap = w->pool_cap > slot ? w->pool_cap : slot + 1;
		hedge_att *a = rs_realloc_array(h->att, cap, sizeof *a);
		if (!a)
			return NULL;
		for (uint32_t i = h->cap; i < cap; i++)
			a[i] = (hedge_att){.gen = 0, .job = RS_SERVICE_NO_JOB};
		h->att = a;
		h->cap = cap;
	}
	return &h->att[slot];
}

/* The record of a live hedge of the request in `slot`, or NULL. */
static hedge_att *live_of(const rs_world *w, uint32_t slot)
{
	struct hedge_room *h = w->hedge;
	if (slot >= h->cap)
		return NULL;
	hedge_att *a = &h->att[slot];
	return a->gen && a->id == w->pool[slot].id ? a : NULL;
}

/* The client's hedge delay now (see the design note). */
static rs_time delay_of(const rs_world *w, uint32_t client, const rs_hedge_cfg *hc)
{
	if (hc->mode == RS_HEDGE_FIXED)
		return ms_to_time(hc->delay_ms);
	const rs_hist *lat = w->hedge->lat[client];
	if (rs_hist_count(lat) < (uint64_t)hc->min_samples)
		return ms_to_time(hc->fallback_ms);
	return ms_to_time(rs_hist_quantile(lat, hc->percentile / 100.0));
}

void hedge_arm(rs_world *w, uint32_t slot, rs_time now)
{
	if (!w->hedge)
		return;
	request *r = &w->pool[slot];
	const rs_hedge_cfg *hc = cfg_of(w, r);
	if (hc->mode == RS_HEDGE_OFF)
		return;
	hedge_att *a = att_of(w, slot);
	if (!a) {
		fail(w, RS_ERR_NOMEM);
		return;
	}
	if (a->id != r->id)
		*a = (hedge_att){.id = r->id, .job = RS_SERVICE_NO_JOB};
	if (a->sent >= hc->max_per_request || a->gen)
		return;
	rs_time delay = delay_of(w, r->client, hc);
	double timeout_s = w->clients[r->client].cfg->retry.attempt_timeout_s;
	if (timeout_s > 0 && delay >= rs_time_from_s(timeout_s))
		return; /* the timeout comes first */
	if (r->job == RS_SERVICE_NO_JOB && r->timing.total <= delay)
		return; /* a fixed-time attempt that has answered by then */
	schedule(w, now + delay, EV_HEDGE, r->gen, slot);
}

bool hedge_due(const rs_world *w, uint32_t slot, uint32_t gen, rs_target *target)
{
	const request *r = &w->pool[slot];
	if (r->gen != gen)
		return false; /* stale: that attempt has ended */
	const rs_client_cfg *cc = w->clients[r->client].cfg;
	*target = !cc->hedge.same_target ? cc->hedge.target_ref
	          : r->redirected        ? cc->control.spill_ref
	                                 : cc->target_ref;
	return true;
}

void hedge_sent(rs_world *w, uint32_t slot, const outcome *o, rs_time now)
{
	w->hedge->att[slot].sent++; /* armed: the table holds the slot */
	rs_metrics_on_hedge(w->metrics, now, w->pool[slot].client, o->dep, o->answer, o->refuser,
	                    o->extra_tries);
}

void hedge_start(rs_world *w, uint32_t slot, const outcome *o, const rs_timing *tm,
                 const rs_meter_req *mreq, rs_time now)
{
	hedge_att *a = &w->hedge->att[slot];
	if (++w->gen_seq == 0)
		++w->gen_seq;
	*a = (hedge_att){
	    .id = a->id,
	    .sent = a->sent,
	    .gen = w->gen_seq,
	    .job = RS_SERVICE_NO_JOB,
	    .dep = (uint32_t)o->dep,
	    .spilled = o->spilled,
	    .at = now,
	    .timing = *tm,
	    .charged = o->dec.charged,
	    .seen_requests = o->dec.remaining_requests,
	    .seen_tokens = o->dec.remaining_tokens,
	    .path = o->path,
	    .log_ticket = o->log_ticket,
	};
	if (!rs_service_shared(w->svc, o->dep)) {
		schedule(w, now + tm->total, EV_HEDGE_DONE, a->dep, slot | (uint64_t)a->gen << 32);
		return;
	}
	rs_status st = rs_service_start(w->svc, now, o->dep, tm, slot | HEDGE_SLOT_BIT, mreq,
	                                a->charged, &a->job);
	if (st != RS_OK)
		fail(w, st);
}

bool hedge_live(const rs_world *w, uint32_t slot, uint32_t gen)
{
	const hedge_att *a = live_of(w, slot);
	return a && a->gen == gen;
}

/* The client stops waiting for hedge `a` at now: it goes on on the service. */
static void drop_hedge(rs_world *w, hedge_att *a, const rs_meter_req *mreq, rs_time now)
{
	if (a->job != RS_SERVICE_NO_JOB) {
		rs_service_abandon(w->svc, a->job);
	} else {
		rs_status st = rs_service_orphan(w->svc, a->at + a->timing.total, a->dep, mreq,
		                                 a->charged, now);
		if (st != RS_OK)
			fail(w, st);
	}
	alog_close(w, a->log_ticket, now, RS_END_ABANDONED);
	a->log_ticket = 0;
	a->gen = 0;
	a->job = RS_SERVICE_NO_JOB;
}

/* The client stops waiting at now for r's primary attempt, which the
 * hedge beat. */
static void drop_primary(rs_world *w, request *r, const rs_meter_req *mreq, rs_time now)
{
	request_rare *x = rare_of(w, r);
	alog_close(w, x->log_ticket, now, RS_END_ABANDONED);
	x->log_ticket = 0;
	if (r->job != RS_SERVICE_NO_JOB) {
		rs_service_abandon(w->svc, r->job);
		return;
	}
	double timeout_s = w->clients[r->client].cfg->retry.attempt_timeout_s;
	if (timeout_s > 0 && r->timing.total > rs_time_from_s(timeout_s))
		return; /* an orphan since its dispatch (attempt.c) */
	rs_status st = rs_service_orphan(w->svc, r->sent + r->timing.total, x->deployment, mreq,
	                                 r->charged, now);
	if (st != RS_OK)
		fail(w, st);
}

/* The hedge's attempt becomes the request's current one. */
static void take_over(request *r, request_rare *x, hedge_att *a)
{
	r->sent = a->at;
	r->timing = a->timing;
	r->charged = a->charged;
	r->spilled = a->spilled;
	r->hops = a->path.n;
	r->job = a->job;
	r->gen = a->gen;
	x->deployment = a->dep;
	x->path = a->path;
	x->seen_requests = a->seen_requests;
	x->seen_tokens = a->seen_tokens;
	x->log_ticket = a->log_ticket;
	a->log_ticket = 0;
	a->gen = 0;
	a->job = RS_SERVICE_NO_JOB;
}

uint32_t hedge_settle(rs_world *w, uint32_t slot, rs_time now, const rs_meter_req *mreq)
{
	bool hedge_won = (slot & HEDGE_SLOT_BIT) != 0;
	slot &= ~HEDGE_SLOT_BIT;
	request *r = &w->pool[slot];
	hedge_att *a = live_of(w, slot);
	assert(a || !hedge_won); /* a hedge completes only while live */
	if (hedge_won && a) {
		drop_primary(w, r, mreq, now);
		take_over(r, rare_of(w, r), a);
		rs_metrics_on_hedge_won(w->metrics, now, r->client);
	} else if (a) {
		drop_hedge(w, a, mreq, now);
	}
	rs_hist *lat = w->hedge->lat[r->client];
	if (lat)
		rs_hist_add(lat, rs_time_to_ms(now - r->sent));
	return slot;
}

void hedge_abandon(rs_world *w, uint32_t slot, const rs_meter_req *mreq, rs_time now)
{
	hedge_att *a = live_of(w, slot);
	if (a)
		drop_hedge(w, a, mreq, now);
}

bool hedge_build(rs_world *w)
{
	const rs_config *cfg = w->cfg;
	bool any = false;
	for (size_t i = 0; i < cfg->n_clients; i++)
		any |= cfg->clients[i].hedge.mode != RS_HEDGE_OFF;
	if (!any)
		return true;
	w->hedge = rs_calloc(1, sizeof *w->hedge);
	if (!w->hedge)
		return false;
	w->hedge->lat = rs_calloc(cfg->n_clients, sizeof *w->hedge->lat);
	if (!w->hedge->lat)
		return false;
	w->hedge->n_clients = cfg->n_clients;
	for (size_t i = 0; i < cfg->n_clients; i++)
		if (cfg->clients[i].hedge.mode == RS_HEDGE_PERCENTILE &&
		    !(w->hedge->lat[i] = rs_hist_new()))
			return false;
	return true;
}

void hedge_free(rs_world *w)
{
	struct hedge_room *h = w->hedge;
	if (!h)
		return;
	for (size_t i = 0; h->lat && i < h->n_clients; i++)
		rs_hist_free(h->lat[i]);
	free(h->lat);
	free(h->att);
	free(h);
	w->hedge = NULL;
}
