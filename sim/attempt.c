/*
 * attempt.c - the flow of an attempt through the world (see world.h and
 * inflight.h; world.c builds the world and runs the loop).
 *
 * Events (engine payload: a = a small index, b = a pool slot):
 *   ARRIVAL(a=client, b=trace row + 1)  a new request; open-loop clients chain
 *                                       their next arrival, closed-loop users
 *                                       send again after thinking
 *   DISPATCH(b=slot)     send (again) an attempt a router held for a backend
 *   DONE(a=dep, b=slot | gen << 32)  an admitted attempt completes: meter
 *                        correction, success (stale when its hedge won first).
 *                        None in a world that completes ahead (world.c,
 *                        completes_ahead): there the success is given to the
 *                        metrics at admission, to count at its time, and the
 *                        slot is free at once (complete_ahead)
 *   ANSWER(b=slot)       a 429 or 503 reaches the client: retry or give up
 *   TIMEOUT(a=gen, b=slot)  the client stops waiting for attempt `gen`
 *   RETRY(b=slot)        the retry delay is over: send the next attempt
 *   ORPHAN(a=dep, b=orphan)  (service.c) an attempt the client abandoned completes on the
 *                        service and is still corrected on the meter
 *   FAULT(a=fault, b=0 start / 1 end)
 *   GEN_ENTER, GEN_NEXT  (service.c) processor sharing on a deployment
 *                        whose scenario turns its service model on
 *   SEND, QUEUED         the client's own controls (throttle.h): a queued
 *                        request goes, or its queue timeout is due
 *   PIPE_CALL(a=client, b=pipeline + 1)  a pipeline's call starts (issue 9;
 *                        job.c has the pipeline's own events, PIPE_DEADLINE
 *                        and PIPE_NEXT, and asks for its calls with this)
 *   HEDGE(a=gen, b=slot), HEDGE_DONE(a=dep, b=slot | gen << 32)  hedged
 *                        requests (hedge.h): the hedge goes, or completes
 *
 * Routing (MODEL.md section 8): a client's attempt to a router is routed at
 * once: the router picks a backend (a deployment, or another router routed
 * the same way); a backend that refuses or fails is reported to the router
 * and the next one is tried, up to the router's max_tries, with no delay
 * (router-level retries, counted apart from the client's).  When no backend
 * may be used, the router fails fast with a 429 or holds the attempt until
 * the soonest backend recovers (DISPATCH).  Each deployment counts what it
 * saw; the client's attempt is counted once, with its final answer.
 *
 * A request has at most one attempt the client waits for, and when its
 * client hedges at most one hedge beside it (hedge.h: the first to complete
 * wins); an attempt it abandoned (timeout, or the loser of a hedge) lives on
 * as an orphan until the service finishes it.
 */
#include "inflight.h"
#include "job_world.h"

#include "ratesim/compute.h"
#include "attempt_log.h"
#include "ratesim/latency_daily.h"
#include "hedge.h"

#include "ratesim/meter_ptu.h"
#include "ratesim/retry.h"
#include "ratesim/rng.h"
#include "ratesim/throttle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The pool (and the rare table, when there is one) at twice the size:
 * false when out of memory.  The pool is aligned to REQUEST_ALIGN, which
 * realloc does not keep: it is copied. */
static bool pool_grow(rs_world *w)
{
	uint32_t cap = w->pool_cap ? w->pool_cap * 2 : POOL_INITIAL;
	if (w->wants_rare) {
		request_rare *rare = rs_realloc_array(w->rare, cap, sizeof *rare);
		if (!rare)
			return false;
		w->rare = rare;
	}
	request *p = aligned_alloc(REQUEST_ALIGN, (size_t)cap * sizeof *p);
	if (!p)
		return false;
	if (w->pool_len)
		memcpy(p, w->pool, (size_t)w->pool_len * sizeof *p);
	free(w->pool);
	w->pool = p;
	w->pool_cap = cap;
	return true;
}

static uint32_t slot_new(rs_world *w)
{
	if (w->free_head != NO_SLOT) {
		uint32_t s = w->free_head;
		w->free_head = w->pool[s].next_free;
		return s;
	}
	if (w->pool_len == w->pool_cap && !pool_grow(w))
		return NO_SLOT;
	return w->pool_len++;
}

static void slot_free(rs_world *w, uint32_t s)
{
	w->pool[s].next_free = w->free_head;
	w->free_head = s;
}

static rs_meter_req meter_req(const rs_world *w, const request *r)
{
	return (rs_meter_req){
	    .prompt_tokens = r->shape.prompt_tokens,
	    .cached_tokens = r->shape.cached_tokens,
	    .max_tokens = r->shape.max_tokens,
	    .best_of = w->client_hot[r->client].best_of,
	    .output_tokens = r->shape.output_tokens,
	};
}

static rs_tokens tokens_of(const request *r)
{
	return (rs_tokens){r->shape.prompt_tokens, r->shape.cached_tokens, r->shape.output_tokens};
}

/* The latency model of deployment d as seen from the request's client:
 * the client's own round trip when the scenario gives one, else the last
 * router hop's, else the network matrix's or the deployment's.  Inline:
 * out of line, its 56 bytes went back through memory at every attempt
 * (bench-1h, 120 s: 1.1 M instructions of 247 M). */
__attribute__((always_inline)) static inline rs_latency_params
latency_for(const rs_world *w, const request *r, size_t d, double backend_rtt_ms)
{
	rs_latency_params p = w->deps[d].latency;
	if (backend_rtt_ms >= 0 && !w->client_hot[r->client].own_rtt)
		p.rtt_ms = backend_rtt_ms;
	else /* the client's own, or the network's */
		p.rtt_ms = w->rtt[(size_t)r->client * w->n_deps + d];
	return p;
}

/* ---- presenting an attempt ---------------------------------------------- */

static void route(rs_world *w, request *r, size_t k, rs_time now, bool retry, int depth,
                  outcome *out);

/* What deployment d (alone) answers.  No metrics.  Inline in present: a
 * call per attempt saved, 1.4 M instructions of 246 M on bench-1h (120 s);
 * request_new, present and dispatch forced inline each ran 2 M more. */
__attribute__((always_inline)) static inline void answer_of(rs_world *w, size_t d, rs_time now,
                                                            const rs_meter_req *mreq, outcome *out)
{
	rs_deployment *dep = &w->deps[d];
	out->dep = d;
	out->spilled = false;
	if (dep->down) {
		out->answer = dep->down_mode == RS_DOWN_HANG ? RS_ANS_HANG : RS_ANS_ERROR;
		out->retry_after_ms = -1;
		out->dec = (rs_decision){.retry_after_ms = -1};
		return;
	}
	rs_meter_admit(dep->meter, now, mreq, &out->dec);
	out->answer = out->dec.admitted ? RS_ANS_OK : RS_ANS_THROTTLED;
	out->refuser = RS_BY_SERVICE;
	out->retry_after_ms = out->dec.admitted ? -1 : out->dec.retry_after_ms;
}

/* Present the attempt to deployment d, with its spillover (MODEL.md
 * section 6): a refusal or a 503 of a deployment with spillover_to goes to
 * that deployment at once; the client sees its answer if it admits, else the
 * original one.  Records the spillover deployment's (or the passing one's)
 * view in the metrics; the final answer is the caller's to record. */
static void present(rs_world *w, request *r, size_t d, rs_time now, bool retry, outcome *out)
{
	rs_meter_req mreq = meter_req(w, r);
	answer_of(w, d, now, &mreq, out);
	out->log_ticket = w->reqlog ? alog_decision(w, now, r, d, &mreq, out) : 0;
	int spill = w->dep_hot[d].spill;
	if (spill < 0 || (out->answer != RS_ANS_THROTTLED && out->answer != RS_ANS_ERROR))
		return;
	rs_tokens tok = tokens_of(r);
	outcome second;
	answer_of(w, (size_t)spill, now, &mreq, &second);
	second.log_ticket = alog_decision(w, now, r, (size_t)spill, &mreq, &second);
	rs_latency_params lp = latency_for(w, r, d, out->backend_rtt_ms);
	if (second.answer == RS_ANS_OK) {
		rs_metrics_on_deployment_answer(w->metrics, now, d, out->answer, true, retry, &tok);
		alog_passed_on(w, out->log_ticket, rs_latency_refusal(&lp), false);
		out->log_ticket = second.log_ticket;
		out->dep = (size_t)spill;
		out->answer = RS_ANS_OK;
		out->dec = second.dec;
		out->retry_after_ms = -1;
		out->spilled = true;
	} else {
		rs_metrics_on_deployment_answer(w->metrics, now, (size_t)spill, second.answer,
		                                false, retry, &tok);
		alog_passed_on(w, second.log_ticket, rs_latency_refusal(&lp), true);
	}
}

/* An outcome for present_target to fill.  present reads backend_rtt_ms; a
 * router adds to hold_until, extra_tries and path (path.n: none yet); every
 * way writes the rest (answer, dep, dec, retry_after_ms, spilled,
 * log_ticket, and refuser but for an outage's answer, RS_BY_NONE), so only
 * these are set.  Zeroing all 152 bytes was a rep stos per attempt, 2.7M
 * of bench-1h's 313M instructions (120 s). */
static inline void outcome_start(outcome *o)
{
	o->dep = SIZE_MAX;
	o->backend_rtt_ms = -1;
	o->hold_until = 0;
	o->extra_tries = 0;
	o->path.n = 0;
	o->refuser = RS_BY_NONE;
}

static void present_target(rs_world *w, request *r, rs_target t, rs_time now, bool retry, int depth,
                           outcome *out)
{
	if (t.is_router)
		route(w, r, (size_t)t.index, now, retry, depth, out);
	else
		present(w, r, (size_t)t.index, now, retry, out);
}

static void observe(rs_world *w, size_t k, int b, rs_time now, const outcome *o)
{
	rs_router_answer a = {
	    .kind = o->answer == RS_ANS_OK          ? RS_ANSWER_OK
	            : o->answer == RS_ANS_THROTTLED ? RS_ANSWER_THROTTLED
	                                            : RS_ANSWER_ERROR,
	    .retry_after_ms = o->retry_after_ms,
	    .decision = o->dep != SIZE_MAX ? &o->dec : NULL,
	    .latency_ms = 0,
	};
	rs_router_observe(w->routers[k], b, now, &a);
}

/* A deployment's failed answer that a router went past (to another backend,
 * or to hold the attempt): counted in that deployment's scope and logged. */
static void passed_over(rs_world *w, const request *r, rs_time now, bool retry, const outcome *o)
{
	if (o->dep == SIZE_MAX)
		return;
	rs_tokens tok = tokens_of(r);
	rs_metrics_on_deployment_answer(w->metrics, now, o->dep, o->answer, false, retry, &tok);
	rs_latency_params lp = latency_for(w, r, o->dep, o->backend_rtt_ms);
	alog_passed_on(w, o->log_ticket, rs_latency_refusal(&lp), false);
}

/* Route an attempt through router k (see the design note). */
static void route(rs_world *w, request *r, size_t k, rs_time now, bool retry, int depth,
                  outcome *out)
{
	const rs_router_cfg *rc = &w->cfg->routers[k];
	rs_router *rt = w->routers[k];
	bool *tried = w->router_tried[k];
	if (world_gateway_refuses(w, r, k, now, out))
		return; /* the gateway's own quota (world_gateway.c) */
	for (size_t i = 0; i < rc->n_backends; i++)
		tried[i] = false;
	outcome last = {.answer = RS_ANS_THROTTLED,
	                .dep = SIZE_MAX,
	                .retry_after_ms = -1,
	                .refuser = RS_BY_ROUTER};
	unsigned tries = 0;
	rs_time hold = 0;
	for (;;) {
		rs_time soonest = INT64_MAX;
		int b = rs_router_pick(rt, now, tried, &soonest);
		if (b < 0) {
			if (rc->all_down == RS_ALL_DOWN_WAIT && soonest != INT64_MAX) {
				hold = soonest;
			} else if (soonest != INT64_MAX) {
				/* fail fast: a 429 whose retry-after is the soonest recovery;
				 * the router's, unless it passes on a backend's 429 */
				if (last.answer != RS_ANS_THROTTLED)
					last.refuser = RS_BY_ROUTER;
				last.answer = RS_ANS_THROTTLED;
				last.retry_after_ms = rs_time_ceil_ms(soonest - now);
			}
			break;
		}
		tried[b] = true;
		if (tries++ > 0)
			/* the previous backend's failure was not the final answer */
			passed_over(w, r, now, retry, &last);
		outcome o = {.backend_rtt_ms = rc->backends[b].rtt_ms};
		present_target(w, r, rc->backends[b].target, now, retry, depth + 1, &o);
		if (o.hold_until > 0) {
			/* an inner router is holding: this backend is unavailable now */
			hold = hold == 0 || o.hold_until < hold ? o.hold_until : hold;
			tries--;
			continue;
		}
		if (o.answer != RS_ANS_HANG)
			observe(w, k, b, now, &o);
		last = o;
		if (o.backend_rtt_ms < 0)
			last.backend_rtt_ms = rc->backends[b].rtt_ms;
		if (o.answer == RS_ANS_OK || o.answer == RS_ANS_HANG) {
			/* record the route for the completion's latency report */
			route_path *p = &last.path;
			if (p->n < ROUTE_DEPTH) {
				memmove(p->router + 1, p->router, p->n * sizeof *p->router);
				memmove(p->backend + 1, p->backend, p->n * sizeof *p->backend);
				p->router[0] = (uint16_t)k;
				p->backend[0] = (uint16_t)b;
				p->n++;
			}
			break;
		}
		if (tries >= (unsigned)rc->max_tries)
			break;
	}
	*out = last;
	out->extra_tries += tries > 0 ? tries - 1 : 0;
	if (last.answer != RS_ANS_OK && hold > 0 &&
	    (tries == 0 || rc->all_down == RS_ALL_DOWN_WAIT)) {
		if (tries > 0)
			passed_over(w, r, now, retry, &last);
		world_gateway_held(w, r, k, now);
		out->hold_until = hold;
		out->dep = SIZE_MAX;
		out->log_ticket = 0;
	}
}

/* The timing of an attempt deployment d admitted at now (its daily
 * latency pattern applied, drawn on d's latency stream, scaled by its
 * latency fault). */
static inline void draw_timing(rs_world *w, const request *r, size_t d, const rs_latency_params *lp,
                               double utilisation, rs_time now, rs_timing *out)
{
	rs_deployment *dep = &w->deps[d];
	rs_latency_params daily; /* issue 9: lp with the day's pattern, when it has one */
	if (w->dep_hot[d].daily) {
		daily = *lp;
		rs_latency_daily_apply(&dep->cfg->latency_daily, now, &daily);
		lp = &daily;
	}
	rs_latency_draw_mt(lp, dep->rng, dep->rng_mt, r->shape.prompt_tokens,
	                   r->shape.output_tokens, utilisation, out);
	if (dep->latency_scale != 1.0) {
		out->ttft = rs_round_i64((double)out->ttft * dep->latency_scale);
		out->total = rs_round_i64((double)out->total * dep->latency_scale);
	}
}

/* ---- the client's side -------------------------------------------------- */

static void finish(rs_world *w, uint32_t slot, rs_time now);
static void attempt_failed(rs_world *w, uint32_t slot, rs_time now);

/* The attempt in `slot`, admitted by deployment d at now, completes at
 * now + its time, and then only counts its success, closes its row of the
 * request log and frees its slot (world.c, completes_ahead): its success
 * goes to the metrics now, to be counted at its time
 * (rs_metrics_on_success_due), its row is closed now with the time it will
 * be answered (rows leave the log in the order they were opened, whenever
 * they close: the file is the same, and the log holds fewer rows), and
 * its slot is free at once.  A completion at or after the end is not
 * observed, as its event would not have been (schedule): its row stays
 * open and is written as it stands at the end. */
static rs_status complete_ahead(rs_world *w, uint32_t slot, size_t d, rs_time now)
{
	request *r = &w->pool[slot];
	rs_time done = now + r->timing.total;
	if (done < w->end) {
		if (!rs_metrics_on_success_due(w->metrics, now, done, r->arrived, r->client, d,
		                               rs_time_to_ms(done - r->arrived),
		                               rs_time_to_ms(r->sent + r->timing.ttft - r->arrived),
		                               r->shape.prompt_tokens, r->shape.output_tokens,
		                               r->attempts > 1, r->spilled))
			return RS_ERR_NOMEM;
		if (w->reqlog)
			alog_end(w, r, done, -1, NULL); /* as complete() would at done */
		w->completed_ahead++;
	}
	r->gen = 0;
	slot_free(w, slot);
	return RS_OK;
}

/* Send (or, after a router's hold, send again) the current attempt. */
static void dispatch(rs_world *w, uint32_t slot, rs_time now)
{
	request *r = &w->pool[slot];
	const client_hot *ch = &w->client_hot[r->client];
	bool retry = r->attempts > 1;
	outcome o;
	outcome_start(&o);
	present_target(w, r, r->redirected ? ch->spill_target : ch->target, now, retry, 0, &o);
	if (o.hold_until > 0) {
		schedule(w, o.hold_until, EV_DISPATCH, 0, slot);
		return;
	}
	rs_tokens tok = tokens_of(r);
	rs_metrics_on_attempt_answer_by(w->metrics, now, r->client, o.dep, o.answer, o.refuser,
	                                retry, o.spilled, o.extra_tries, &tok);
	r->hops = o.path.n;
	if (o.path.n) /* routers exist: so does the rare table */
		rare_of(w, r)->path = o.path;
	r->job = RS_SERVICE_NO_JOB;
	if (++w->gen_seq == 0) /* unique across requests: a slot is reused */
		++w->gen_seq;
	r->gen = w->gen_seq;
	rs_time timeout = ch->timeout;
	if (o.answer == RS_ANS_HANG) {
		alog_attempt(w, r, o.log_ticket, -1, false);
		if (timeout)
			schedule(w, now + timeout, EV_TIMEOUT, r->gen, slot);
		else
			alog_never(w, r);
		return; /* without a timeout the request waits to the end */
	}
	if (o.dep == SIZE_MAX) {
		/* a router failed fast with no deployment behind its answer, or
		 * its gateway refused the consumer (world_gateway.c) */
		alog_refusal(w, now, r, o.refuser,
		             o.refuser == RS_BY_GATEWAY ? "consumer_quota" : "no_backend",
		             o.retry_after_ms);
		r->retry_after_ms = o.retry_after_ms;
		schedule(w, now, EV_ANSWER, 0, slot);
		return;
	}
	size_t d = o.dep;
	rs_latency_params lp = latency_for(w, r, d, o.backend_rtt_ms);
	lp.rtt_ms += w->jitter ? rs_netjitter_draw_ms(w->jitter, r->client) : 0; /* netjitter.h */
	if (o.answer == RS_ANS_OK) {
		draw_timing(w, r, d, &lp, o.dec.utilisation, now, &r->timing);
		r->charged = o.dec.charged;
		r->spilled = o.spilled;
		if (w->rare) { /* the quota watch's and the hedges' */
			request_rare *x = rare_of(w, r);
			x->seen_requests = o.dec.remaining_requests;
			x->seen_tokens = o.dec.remaining_tokens;
			x->deployment = (uint32_t)d;
		}
		if (w->reqlog) /* without the log there is no ticket to keep */
			alog_attempt(w, r, o.log_ticket, r->timing.total, o.spilled);
		/* On a shared deployment the service decides when it completes;
		 * else, when the client will give up first, the service still
		 * finishes the attempt and corrects its meter (MODEL.md section 5). */
		bool shared = w->dep_hot[d].shared;
		bool orphan = !shared && timeout && r->timing.total > timeout;
		rs_status st = RS_OK;
		if (shared || orphan) { /* the service keeps what its meter is corrected by */
			rs_meter_req mreq = meter_req(w, r);
			st = shared ? rs_service_start(w->svc, now, d, &r->timing, slot, &mreq,
			                               r->charged, &r->job)
			            : rs_service_orphan(w->svc, now + r->timing.total, d, &mreq,
			                                r->charged, now + timeout);
		} else if (w->complete_ahead)
			st = complete_ahead(w, slot, d, now);
		else
			schedule(w, now + r->timing.total, EV_DONE, (uint32_t)d,
			         slot | (uint64_t)r->gen << 32); /* a hedge may win first */
		if (st != RS_OK)
			fail(w, st);
		if (timeout && (shared || orphan))
			schedule(w, now + timeout, EV_TIMEOUT, r->gen, slot);
		if (w->hedge)
			hedge_arm(w, slot, now);
		return;
	}
	rs_time answer_after = o.answer == RS_ANS_ERROR
	                           ? rs_time_from_s((lp.rtt_ms + w->deps[d].error_ms) / 1e3)
	                           : rs_latency_refusal(&lp);
	r->retry_after_ms = o.answer == RS_ANS_THROTTLED ? o.retry_after_ms : -1;
	if (w->reqlog)
		alog_attempt(w, r, o.log_ticket, answer_after, false);
	schedule(w, now + answer_after, EV_ANSWER, 0, slot);
}

/* An attempt the client's controls let out has ended: its place is free,
 * and the request queued first may go (throttle.h). */
static void control_done(rs_world *w, uint32_t client, rs_time now, rs_result res)
{
	uint32_t next;
	uint64_t id;
	rs_throttle *ctl = w->client_hot[client].ctl;
	if (ctl && rs_throttle_done(ctl, now, res, &next, &id))
		schedule(w, now, EV_SEND, 0, next);
}

/* send_attempt for a request whose client has controls of its own, or a
 * retry policy with a state, or a world with a quota watch. */
static __attribute__((noinline)) void send_controlled(rs_world *w, uint32_t slot, rs_time now,
                                                      bool gated)
{
	request *r = &w->pool[slot];
	const client_hot *c = &w->client_hot[r->client];
	rs_gate g = RS_GATE_GO;
	rs_time until = 0;
	if (w->quota && rs_quota_watch_paused(w->quota, r->client, now, &until)) {
		schedule(w, until, gated ? EV_SEND : EV_RETRY, 0, slot); /* quota_watch.h */
		return;
	}
	if (c->ctl && !gated)
		g = rs_throttle_gate(c->ctl, now, slot, r->id, &until);
	if (g == RS_GATE_WAIT)
		schedule(w, until, EV_RETRY, 0, slot);
	if (g == RS_GATE_QUEUE && until > 0)
		schedule(w, until, EV_QUEUED, slot, r->id);
	if (g == RS_GATE_WAIT || g == RS_GATE_QUEUE)
		return;
	r->attempts++;
	r->sent = now;
	if (g == RS_GATE_REJECT ||
	    (c->retry_state && rs_retry_throttle(c->retry, c->rng_retry, now))) {
		if (g == RS_GATE_GO && c->ctl)
			control_done(w, r->client, now, RS_RESULT_NONE);
		rs_metrics_on_rejected_locally(w->metrics, now, r->client);
		alog_refusal(w, now, r, RS_BY_CLIENT,
		             g == RS_GATE_REJECT ? rs_throttle_reject_cause(c->ctl) : "adaptive",
		             -1);
		r->retry_after_ms = -1;
		attempt_failed(w, slot, now);
		return;
	}
	if (c->retry_state)
		rs_retry_on_sent(c->retry, now, r->attempts > 1);
	dispatch(w, slot, now);
}

/* A new attempt of request `slot`: unless `gated` (it left the queue), the
 * client's own controls may delay, queue or refuse it (throttle.h); then
 * adaptive throttling may refuse it locally (MODEL.md section 8); otherwise
 * it is dispatched.  Without any of them (the usual) it goes at once, and
 * this function saves no register: send_controlled, with all of them, saved
 * six at every attempt (bench-1h, 120 s: 3.4 M instructions of 244 M). */
static void send_attempt(rs_world *w, uint32_t slot, rs_time now, bool gated)
{
	request *r = &w->pool[slot];
	const client_hot *c = &w->client_hot[r->client];
	if (w->quota || c->ctl || c->retry_state) {
		send_controlled(w, slot, now, gated);
		return;
	}
	r->attempts++;
	r->sent = now;
	dispatch(w, slot, now);
}

/* The request has ended (success or failure): a closed-loop user thinks,
 * then sends its next request. */
static void finish(rs_world *w, uint32_t slot, rs_time now)
{
	request *r = &w->pool[slot];
	rs_client *c = &w->clients[r->client];
	if (w->client_hot[r->client].closed)
		schedule(w, now + rs_client_think_time(c), EV_ARRIVAL, r->client, 0);
	if (w->compute)
		rs_compute_leave(w->compute, now, r->client, rare_of(w, r)->tier_inst, r->arrived,
		                 rare_of(w, r)->tier_queued);
	r->gen = 0; /* a TIMEOUT still pending for it is stale */
	slot_free(w, slot);
}

/* The current attempt failed (429, 503, timeout or local rejection): ask
 * the retry policy; give up when it says so. */
static void attempt_failed(rs_world *w, uint32_t slot, rs_time now)
{
	request *r = &w->pool[slot];
	rs_client *c = &w->clients[r->client];
	const rs_control_cfg *k = &c->cfg->control;
	if (w->client_hot[r->client].spill && !r->redirected && r->retry_after_ms >= 0 &&
	    now - r->arrived + r->retry_after_ms * RS_US_PER_MS >
	        rs_time_from_s(k->spill_max_wait_s)) {
		r->redirected = true; /* wait or spill: the wait is too long, spill now */
		alog_end(w, r, now, 0, NULL);
		if (w->reqlog)
			rare_of(w, r)->wanted = now;
		schedule(w, now, EV_RETRY, 0, slot);
		return;
	}
	rs_time delay = 0;
	rs_retry_stop stop =
	    rs_retry_next(&c->cfg->retry, c->retry, c->rng_retry, now, r->attempts,
	                  r->retry_after_ms, now - r->arrived, &r->prev_delay_s, &delay);
	if (stop == RS_RETRY_GO) {
		if (w->reqlog) { /* without the log there is no ticket to end */
			alog_end(w, r, now, delay, NULL);
			rare_of(w, r)->wanted = now + delay;
		}
		schedule(w, now + delay, EV_RETRY, 0, slot);
		return;
	}
	if (w->reqlog)
		alog_end(w, r, now, -1, alog_give_up_name(&c->cfg->retry, stop));
	if (stop != RS_RETRY_STOP_POLICY)
		rs_metrics_on_retry_denied(w->metrics, now, r->client);
	rs_metrics_on_failed(w->metrics, now, r->arrived, r->client);
	if (w->jobs)
		jobs_ended(w, slot, now, false); /* issue 9: jobs and pipelines */
	finish(w, slot, now);
}

/* ---- event handlers ------------------------------------------------------ */

/* A new request of `client` arrives (not yet sent), call `pipe` - 1 of a
 * pipeline (0: none); NO_SLOT when out of memory (the world has failed). */
static inline uint32_t request_new(rs_world *w, uint32_t client, int64_t row, rs_time now,
                                   uint32_t pipe)
{
	uint32_t slot = slot_new(w);
	if (slot == NO_SLOT) {
		fail(w, RS_ERR_NOMEM);
		return NO_SLOT;
	}
	request *r = &w->pool[slot];
	request_start(r, w->next_id++, now, client); /* inflight.h: the shape comes later */
	if (w->rare)
		*rare_of(w, r) = (request_rare){.wanted = now, .pipe = pipe};
	rs_client_draw_shape(&w->clients[client], row, &r->shape);
	rs_metrics_on_offered(w->metrics, now, client);
	return slot;
}

/* A new request goes: its client's application tier first (compute.h): it
 * may wait there, or be refused. */
static inline void request_go(rs_world *w, uint32_t slot, rs_time now)
{
	if (!w->compute) { /* no tier: it goes at once (tier_inst stays 0) */
		send_attempt(w, slot, now, false);
		return;
	}
	request *r = &w->pool[slot];
	uint32_t client = r->client;
	rs_compute_entry e =
	    rs_compute_enter(w->compute, now, client, slot, &rare_of(w, r)->tier_inst);
	if (e == RS_COMPUTE_RUN) {
		send_attempt(w, slot, now, false);
	} else if (e == RS_COMPUTE_REFUSED) {
		rs_metrics_on_failed(w->metrics, now, now, client);
		r->retry_after_ms = -1; /* no 429 behind it */
		if (w->jobs)
			jobs_ended(w, slot, now, false); /* issue 9: jobs and pipelines */
		finish(w, slot, now);
	}
}

static void on_arrival(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = ev->time;
	rs_client *c = &w->clients[ev->a];
	int64_t row = (int64_t)ev->b - 1; /* b carries row + 1, 0 for none */

	/* issue 9: a pipeline client's arrival starts a pipeline (job.c) */
	bool pipeline = w->jobs && jobs_arrival(w, ev->a, now);
	uint32_t slot = pipeline ? NO_SLOT : request_new(w, ev->a, row, now, 0);
	if (!pipeline && slot == NO_SLOT)
		return;
	if (w->client_hot[ev->a].chained) {
		rs_time at;
		int64_t next_row;
		if (rs_client_next_arrival(c, &at, &next_row))
			schedule_chained(w, at, EV_ARRIVAL, ev->a, (uint64_t)(next_row + 1));
	}
	if (!pipeline)
		request_go(w, slot, now);
}

/* PIPE_CALL(a=client, b=pipeline + 1): a call of a pipeline starts, unless
 * the pipeline ended since it was asked for (job.c). */
static void on_pipe_call(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = ev->time;
	if (!jobs_call_starts(w, (uint32_t)ev->b))
		return;
	uint32_t slot = request_new(w, ev->a, -1, now, (uint32_t)ev->b);
	if (slot != NO_SLOT)
		request_go(w, slot, now);
}

/* A request that waited in its tier got a slot (compute.h): it goes. */
static void tier_start(void *ctx, rs_time now, uint32_t slot, uint32_t instance, rs_time queued)
{
	rs_world *w = ctx;
	request_rare *x = rare_of(w, &w->pool[slot]);
	x->tier_inst = instance;
	x->tier_queued = queued;
	send_attempt(w, slot, now, false);
}

static void on_dispatch(void *ctx, rs_engine *eng, const rs_event *ev)
{
	dispatch(ctx, (uint32_t)ev->b, ev->time);
}

/* The attempt the client waits for completed on deployment dep (slot may
 * carry HEDGE_SLOT_BIT: its hedge completed first, hedge.h). */
static void complete(void *ctx, rs_time now, size_t dep, uint32_t slot)
{
	rs_world *w = ctx;
	if (w->hedge) { /* the loser goes on on the service */
		rs_meter_req mreq = meter_req(w, &w->pool[slot & ~HEDGE_SLOT_BIT]);
		slot = hedge_settle(w, slot, now, &mreq);
	}
	request *r = &w->pool[slot];
	if (w->quota)
		rs_quota_watch_seen(w->quota, r->client, now, rare_of(w, r)->seen_requests,
		                    rare_of(w, r)->seen_tokens);
	if (w->dep_hot[dep].corrects) {
		rs_meter_req mreq = meter_req(w, r);
		rs_meter_complete(w->deps[dep].meter, now, &mreq, r->charged);
	}
	double latency_ms = rs_time_to_ms(now - r->arrived);
	double ttft_ms = rs_time_to_ms(r->sent + r->timing.ttft - r->arrived);
	rs_metrics_on_success(w->metrics, now, r->arrived, r->client, dep, latency_ms, ttft_ms,
	                      r->shape.prompt_tokens, r->shape.output_tokens, r->attempts > 1,
	                      r->spilled);
	const client_hot *ch = &w->client_hot[r->client];
	if (ch->retry_state)
		rs_retry_on_answer(ch->retry, now, true);
	if (r->hops > 0) { /* only a routed attempt has routers and gateways to tell */
		rs_router_answer ok = {.kind = RS_ANSWER_OK,
		                       .retry_after_ms = -1,
		                       .latency_ms = rs_time_to_ms(now - r->sent)};
		const route_path *p = &rare_of(w, r)->path;
		for (unsigned i = 0; i < p->n; i++)
			rs_router_observe(w->routers[p->router[i]], p->backend[i], now, &ok);
		world_gateway_completed(w, r, now);
	}
	control_done(w, r->client, now, RS_RESULT_OK);
	if (w->reqlog)
		alog_end(w, r, now, -1, NULL);
	if (w->jobs)
		jobs_ended(w, slot, now, true); /* issue 9: jobs and pipelines */
	finish(w, slot, now);
}

/* DONE(a=dep, b=slot | gen << 32): stale when a hedge won first. */
static void on_done(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	uint32_t slot = (uint32_t)ev->b;
	if (w->hedge && w->pool[slot].gen != (uint32_t)(ev->b >> 32)) /* none without hedges */
		return;
	complete(ctx, ev->time, ev->a, slot);
}

static void on_answer(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = ev->time;
	uint32_t slot = (uint32_t)ev->b;
	request *r = &w->pool[slot];
	if (w->client_hot[r->client].retry_state)
		rs_retry_on_answer(w->client_hot[r->client].retry, now, false);
	control_done(w, r->client, now,
	             r->retry_after_ms >= 0 ? RS_RESULT_THROTTLED : RS_RESULT_FAILED);
	attempt_failed(w, slot, now);
}

static void on_timeout(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = ev->time;
	uint32_t slot = (uint32_t)ev->b;
	request *r = &w->pool[slot];
	if (r->gen != ev->a)
		return; /* stale: that attempt already ended */
	rs_metrics_on_timeout(w->metrics, now, r->client);
	alog_abandoned(w, r);
	if (r->job != RS_SERVICE_NO_JOB) /* it goes on occupying the service */
		rs_service_abandon(w->svc, r->job);
	if (w->hedge) { /* so does its hedge */
		rs_meter_req mreq = meter_req(w, r);
		hedge_abandon(w, slot, &mreq, now);
	}
	if (w->client_hot[r->client].retry_state)
		rs_retry_on_answer(w->client_hot[r->client].retry, now, false);
	control_done(w, r->client, now, RS_RESULT_FAILED);
	rs_router_answer to = {.kind = RS_ANSWER_TIMEOUT, .retry_after_ms = -1};
	const route_path *p = r->hops ? &rare_of(w, r)->path : NULL;
	for (unsigned i = 0; p && i < p->n; i++)
		rs_router_observe(w->routers[p->router[i]], p->backend[i], now, &to);
	r->retry_after_ms = -1;
	attempt_failed(w, slot, now);
}

/* RETRY(b=slot), also a wait for a token; SEND(b=slot) leaves the queue. */
static void on_retry(void *ctx, rs_engine *eng, const rs_event *ev)
{
	send_attempt(ctx, (uint32_t)ev->b, ev->time, ev->type == EV_SEND);
}

/* A queued request's timeout: it fails locally when it is still queued. */
static void on_queued(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	request *r = &w->pool[ev->a];
	/* a slot holding another request: this one has ended, and may have been
	 * of a client with no queue; the same request may have left the queue */
	if (r->id != ev->b || !rs_throttle_expire(w->client_hot[r->client].ctl, ev->a, ev->b))
		return;
	r->attempts++;
	r->sent = ev->time;
	rs_metrics_on_rejected_locally(w->metrics, r->sent, r->client);
	alog_refusal(w, r->sent, r, RS_BY_CLIENT, "queue_timeout", -1);
	r->retry_after_ms = -1;
	attempt_failed(w, ev->a, r->sent);
}

/* HEDGE(a=gen, b=slot): attempt `gen` has not answered after the hedge's
 * delay: send the hedge (hedge.h has the model). */
static void on_hedge(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = ev->time;
	uint32_t slot = (uint32_t)ev->b;
	request *r = &w->pool[slot];
	rs_target t;
	if (!hedge_due(w, slot, ev->a, &t))
		return;
	outcome o;
	outcome_start(&o);
	present_target(w, r, t, now, true, 0, &o);
	if (o.hold_until > 0)
		return; /* a router would hold it: not sent */
	hedge_sent(w, slot, &o, now);
	if (o.dep == SIZE_MAX)
		return; /* no deployment's row: counted, not logged */
	rs_latency_params lp = latency_for(w, r, o.dep, o.backend_rtt_ms);
	lp.rtt_ms += rs_netjitter_draw_ms(w->jitter, r->client);
	if (o.answer != RS_ANS_OK) { /* over at once: the primary goes on */
		rs_time after = o.answer == RS_ANS_ERROR
		                    ? rs_time_from_s((lp.rtt_ms + w->deps[o.dep].error_ms) / 1e3)
		                    : rs_latency_refusal(&lp);
		alog_side(w, o.log_ticket, o.answer == RS_ANS_HANG ? -1 : after, false);
		alog_close(w, o.log_ticket, now + (o.answer == RS_ANS_HANG ? 0 : after),
		           o.answer == RS_ANS_HANG ? RS_END_ABANDONED : RS_END_ANSWERED);
		return;
	}
	rs_timing tm;
	draw_timing(w, r, o.dep, &lp, o.dec.utilisation, now, &tm);
	alog_side(w, o.log_ticket, tm.total, o.spilled);
	rs_meter_req mreq = meter_req(w, r);
	hedge_start(w, slot, &o, &tm, &mreq, now);
}

/* HEDGE_DONE(a=dep, b=slot | gen << 32): a hedge on a fixed-time
 * deployment completes; stale when it was abandoned. */
static void on_hedge_done(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	uint32_t slot = (uint32_t)ev->b;
	if (hedge_live(w, slot, (uint32_t)(ev->b >> 32)))
		complete(ctx, ev->time, ev->a, slot | HEDGE_SLOT_BIT);
}

/* Faults (MODEL.md section 8): start or end fault `a` on every deployment
 * it names (one, or all of a region). */
static void on_fault(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_fault_apply(&w->faults[ev->a], ev->b == 0, ev->time, w->deps, w->n_deps);
}

rs_status world_wire(rs_world *w, rs_error *err)
{
	rs_engine_on(w->eng, EV_ARRIVAL, on_arrival, w);
	rs_engine_on(w->eng, EV_DISPATCH, on_dispatch, w);
	rs_engine_on(w->eng, EV_DONE, on_done, w);
	rs_engine_on(w->eng, EV_ANSWER, on_answer, w);
	rs_engine_on(w->eng, EV_TIMEOUT, on_timeout, w);
	rs_engine_on(w->eng, EV_RETRY, on_retry, w);
	rs_service_events sev = {.orphan = EV_ORPHAN, .enter = EV_GEN_ENTER, .next = EV_GEN_NEXT};
	w->svc = rs_service_new(w->eng, &sev, w->deps, w->n_deps, w->end, complete, w);
	if (!w->svc)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the service");
	for (size_t d = 0; d < w->n_deps; d++)
		w->dep_hot[d].shared = rs_service_shared(w->svc, d);
	if (!hedge_build(w))
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the hedges");
	rs_engine_on(w->eng, EV_HEDGE, on_hedge, w);
	rs_engine_on(w->eng, EV_HEDGE_DONE, on_hedge_done, w);
	rs_engine_on(w->eng, EV_FAULT, on_fault, w);
	rs_engine_on(w->eng, EV_SEND, on_retry, w);
	rs_engine_on(w->eng, EV_QUEUED, on_queued, w);
	rs_engine_on(w->eng, EV_PIPE_CALL, on_pipe_call, w);
	rs_compute_events cev = {EV_TIER_ALLOC, EV_TIER_READY, EV_TIER_IDLE, EV_TIER_START};
	if (rs_compute_new(w->eng, &cev, w->cfg, w->end, tier_start, w, &w->compute) != RS_OK)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the compute tiers");
	rs_metrics_set_compute(w->metrics, w->compute);
	return RS_OK;
}
