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
 *   - Sending (EV_HEDGE): stale unless the same attempt is still the one
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

#include "ratesim/hist.h"

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
static hedge_att *live_of(rs_world *w, uint32_t slot)
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

/* Start the admitted hedge `a` of r on deployment d (see the design note). */
static void run_hedge(rs_world *w, request *r, uint32_t slot, hedge_att *a, const outcome *o,
                      rs_time now)
{
	size_t d = o->dep;
	rs_latency_params lp = attempt_latency(w, r, d, o->backend_rtt_ms);
	lp.rtt_ms += rs_netjitter_draw_ms(w->jitter, r->client);
	attempt_timing(w, r, d, &lp, o->dec.utilisation, &a->timing);
	if (++w->gen_seq == 0)
		++w->gen_seq;
	a->gen = w->gen_seq;
	a->at = now;
	a->dep = (uint32_t)d;
	a->charged = o->dec.charged;
	a->spilled = o->spilled;
	a->path = o->path;
	a->seen_requests = o->dec.remaining_requests;
	a->seen_tokens = o->dec.remaining_tokens;
	a->job = RS_SERVICE_NO_JOB;
	attempt_log(w, now, r, d, RS_ANS_OK, rs_time_to_ms(a->timing.total), -1, o->spilled);
	if (!rs_service_shared(w->svc, d)) {
		schedule(w, now + a->timing.total, EV_HEDGE_DONE, (uint32_t)d,
		         slot | (uint64_t)a->gen << 32);
		return;
	}
	rs_meter_req mreq = attempt_meter_req(w, r);
	rs_status st = rs_service_start(w->svc, now, d, &a->timing, slot | HEDGE_SLOT_BIT, &mreq,
	                                a->charged, &a->job);
	if (st != RS_OK)
		fail(w, st);
}

/* HEDGE(a=gen, b=slot): the delay is over and attempt `gen` has not answered. */
static void on_hedge(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = rs_engine_now(eng);
	uint32_t slot = (uint32_t)ev->b;
	request *r = &w->pool[slot];
	if (r->gen != ev->a)
		return; /* stale: that attempt has ended */
	const rs_client_cfg *cc = w->clients[r->client].cfg;
	rs_target t = !cc->hedge.same_target ? cc->hedge.target_ref
	              : r->redirected        ? cc->control.spill_ref
	                                     : cc->target_ref;
	outcome o = {.dep = SIZE_MAX, .backend_rtt_ms = -1};
	attempt_present(w, r, t, now, &o);
	if (o.hold_until > 0)
		return;                      /* a router would hold it: not sent */
	hedge_att *a = &w->hedge->att[slot]; /* armed: the table holds the slot */
	a->sent++;
	rs_metrics_on_hedge(w->metrics, now, r->client, o.dep, o.answer, o.extra_tries);
	if (o.answer == RS_ANS_OK) {
		run_hedge(w, r, slot, a, &o, now);
		return;
	}
	if (o.dep == SIZE_MAX || o.spilled)
		return; /* no deployment answered, or present() logged it */
	rs_latency_params lp = attempt_latency(w, r, o.dep, o.backend_rtt_ms);
	attempt_log(w, now, r, o.dep, o.answer, rs_time_to_ms(rs_latency_refusal(&lp)),
	            o.retry_after_ms, false);
}

/* HEDGE_DONE(a=dep, b=slot | gen << 32): a fixed-time hedge completes;
 * stale when it was abandoned. */
static void on_hedge_done(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	uint32_t slot = (uint32_t)ev->b;
	if (!live_of(w, slot) || w->hedge->att[slot].gen != (uint32_t)(ev->b >> 32))
		return;
	attempt_complete(w, rs_engine_now(eng), ev->a, slot | HEDGE_SLOT_BIT);
}

/* The client stops waiting for hedge `a` of r: it goes on on the service. */
static void drop_hedge(rs_world *w, const request *r, hedge_att *a)
{
	if (a->job != RS_SERVICE_NO_JOB) {
		rs_service_abandon(w->svc, a->job);
	} else {
		rs_meter_req mreq = attempt_meter_req(w, r);
		rs_status st =
		    rs_service_orphan(w->svc, a->at + a->timing.total, a->dep, &mreq, a->charged);
		if (st != RS_OK)
			fail(w, st);
	}
	a->gen = 0;
	a->job = RS_SERVICE_NO_JOB;
}

/* The client stops waiting for r's primary attempt, which the hedge beat. */
static void drop_primary(rs_world *w, const request *r)
{
	if (r->job != RS_SERVICE_NO_JOB) {
		rs_service_abandon(w->svc, r->job);
		return;
	}
	double timeout_s = w->clients[r->client].cfg->retry.attempt_timeout_s;
	if (timeout_s > 0 && r->timing.total > rs_time_from_s(timeout_s))
		return; /* an orphan since its dispatch (attempt.c) */
	rs_meter_req mreq = attempt_meter_req(w, r);
	rs_status st =
	    rs_service_orphan(w->svc, r->sent + r->timing.total, r->deployment, &mreq, r->charged);
	if (st != RS_OK)
		fail(w, st);
}

/* The hedge's attempt becomes the request's current one. */
static void take_over(request *r, hedge_att *a)
{
	r->sent = a->at;
	r->timing = a->timing;
	r->charged = a->charged;
	r->deployment = a->dep;
	r->spilled = a->spilled;
	r->path = a->path;
	r->job = a->job;
	r->gen = a->gen;
	r->seen_requests = a->seen_requests;
	r->seen_tokens = a->seen_tokens;
	a->gen = 0;
	a->job = RS_SERVICE_NO_JOB;
}

uint32_t hedge_settle(rs_world *w, uint32_t slot, rs_time now)
{
	bool hedge_won = (slot & HEDGE_SLOT_BIT) != 0;
	slot &= ~HEDGE_SLOT_BIT;
	request *r = &w->pool[slot];
	hedge_att *a = live_of(w, slot);
	if (hedge_won && a) {
		drop_primary(w, r);
		take_over(r, a);
		rs_metrics_on_hedge_won(w->metrics, now, r->client);
	} else if (a) {
		drop_hedge(w, r, a);
	}
	rs_hist *lat = w->hedge->lat[r->client];
	if (lat)
		rs_hist_add(lat, rs_time_to_ms(now - r->sent));
	return slot;
}

void hedge_abandon(rs_world *w, uint32_t slot)
{
	hedge_att *a = live_of(w, slot);
	if (a)
		drop_hedge(w, &w->pool[slot], a);
}

rs_status hedge_wire(rs_world *w, rs_error *err)
{
	const rs_config *cfg = w->cfg;
	bool any = false;
	for (size_t i = 0; i < cfg->n_clients; i++)
		any |= cfg->clients[i].hedge.mode != RS_HEDGE_OFF;
	if (!any)
		return RS_OK;
	w->hedge = rs_calloc(1, sizeof *w->hedge);
	if (w->hedge)
		w->hedge->lat = rs_calloc(cfg->n_clients, sizeof *w->hedge->lat);
	if (!w->hedge || !w->hedge->lat)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the hedges");
	w->hedge->n_clients = cfg->n_clients;
	for (size_t i = 0; i < cfg->n_clients; i++) {
		if (cfg->clients[i].hedge.mode != RS_HEDGE_PERCENTILE)
			continue;
		if (!(w->hedge->lat[i] = rs_hist_new()))
			return rs_fail(err, RS_ERR_NOMEM, "out of memory building the hedges");
	}
	rs_engine_on(w->eng, EV_HEDGE, on_hedge, w);
	rs_engine_on(w->eng, EV_HEDGE_DONE, on_hedge_done, w);
	return RS_OK;
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
