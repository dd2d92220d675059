/*
 * attempt_log.c - the request log's view of an attempt (see attempt_log.h).
 *
 * A row is opened by the party that decides the attempt: a deployment
 * (alog_decision, from every meter decision, spillover and each backend a
 * router tries included), a router with no backend or the client's own
 * controls (alog_refusal).  The row of the answer the client waits for is
 * r's rare log_ticket (inflight.h); it is closed when the client is done with it (alog_end),
 * after the retry policy has decided, so that the row carries the backoff
 * drawn or the reason the request gave up.  Rows no client waits for (a
 * refusal a router or the spillover went past) close at once.
 *
 * The estimate is the meter's (MODEL.md sections 4 and 5): what admission
 * charged, or for a refusal what it would have charged, so that a replay of
 * the log can rebuild every one.  A down deployment has no meter decision:
 * estimate, remaining and utilisation are empty and the limit is "outage".
 *
 * Cost: nothing when the run logs no requests (one test of w->reqlog); else
 * one record copy per row and O(1) work.
 */
#include "attempt_log.h"

#include "ratesim/meter_ptu.h"
#include "ratesim/meter_std.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int status_of(rs_answer a)
{
	return a == RS_ANS_OK ? 200 : a == RS_ANS_THROTTLED ? 429 : 503;
}

/* The router the client sent r's attempt to, or NULL. */
static const char *router_of(const rs_world *w, const request *r)
{
	const rs_client_cfg *cc = w->clients[r->client].cfg;
	const rs_target *t = r->redirected ? &cc->control.spill_ref : &cc->target_ref;
	return t->is_router ? w->cfg->routers[t->index].name : NULL;
}

/* The fields every row of r's current attempt shares. */
static void base_record(const rs_world *w, rs_time now, const request *r, rs_attempt_record *rec)
{
	const rs_client_cfg *cc = w->clients[r->client].cfg;
	*rec = (rs_attempt_record){
	    .time = now,
	    .request_id = r->id,
	    .attempt = r->attempts,
	    .client = cc->name,
	    .duration = -1,
	    .prompt_tokens = r->shape.prompt_tokens,
	    .completion_tokens = r->shape.output_tokens,
	    .retry_after_ms = -1,
	    .answered = -1,
	    .router = router_of(w, r),
	    .estimate = NAN,
	    .max_tokens = r->shape.max_tokens,
	    .best_of = cc->best_of,
	    .cached_tokens = r->shape.cached_tokens,
	    .remaining_requests = -1,
	    .remaining_tokens = -1,
	    .utilisation = NAN,
	    .end = RS_END_OPEN,
	    .backoff = -1,
	    .queued = now - rare_of(w, r)->wanted,
	};
}

/* What deployment d's meter charges, or would charge, for mreq. */
static double estimate_of(const rs_world *w, size_t d, const rs_meter_req *mreq,
                          const rs_decision *dec)
{
	const rs_deployment *dep = &w->deps[d];
	if (dec->admitted)
		return dec->charged;
	if (dep->provisioned)
		return rs_meter_ptu_estimate(dep->meter, mreq);
	rs_std_params p = {.prompt_estimate_factor = dep->cfg->prompt_estimate_factor,
	                   .max_tokens_default = dep->model->max_tokens_default};
	return (double)rs_meter_std_estimate(&p, mreq);
}

static void limit_name(const rs_decision *dec, char *buf, size_t len)
{
	switch (dec->limit) {
	case RS_LIMIT_TPM:
		snprintf(buf, len, "tpm");
		break;
	case RS_LIMIT_RPM:
		snprintf(buf, len, "rpm_%ds", dec->limit_window_s);
		break;
	case RS_LIMIT_PTU:
		snprintf(buf, len, "ptu");
		break;
	case RS_LIMIT_NONE:
		buf[0] = '\0';
		break;
	}
}

/* A new row for r's attempt, filled from base_record, and its ticket; NULL
 * (ticket 0) when r is not in the sample, or when memory ran out, which
 * fails the run. */
static rs_attempt_record *open_row(rs_world *w, rs_time now, const request *r, uint64_t *ticket)
{
	rs_attempt_record *rec = rs_reqlog_open_row(w->reqlog, r->id, ticket);
	if (rec)
		base_record(w, now, r, rec);
	else if (rs_reqlog_sampled(w->reqlog, r->id))
		fail(w, RS_ERR_NOMEM);
	return rec;
}

uint64_t alog_decision(rs_world *w, rs_time now, const request *r, size_t d,
                       const rs_meter_req *mreq, const outcome *o)
{
	uint64_t t = 0;
	rs_attempt_record *rec = w->reqlog ? open_row(w, now, r, &t) : NULL;
	if (!rec)
		return 0;
	rec->deployment = w->deps[d].cfg->name;
	rec->status = status_of(o->answer);
	rec->decided_by = o->answer == RS_ANS_OK ? RS_BY_NONE : RS_BY_SERVICE;
	if (o->answer == RS_ANS_OK || o->answer == RS_ANS_THROTTLED) {
		rec->estimate = estimate_of(w, d, mreq, &o->dec);
		rec->remaining_requests = o->dec.remaining_requests;
		rec->remaining_tokens = o->dec.remaining_tokens;
		rec->utilisation = o->dec.utilisation;
		limit_name(&o->dec, rec->limit, sizeof rec->limit);
	} else {
		snprintf(rec->limit, sizeof rec->limit, "outage");
	}
	if (o->answer == RS_ANS_THROTTLED)
		rec->retry_after_ms = o->retry_after_ms;
	return t;
}

static void close_ticket(rs_world *w, uint64_t ticket)
{
	rs_status st = rs_reqlog_close(w->reqlog, ticket);
	if (st != RS_OK)
		fail(w, st);
}

void alog_passed_on(rs_world *w, uint64_t ticket, rs_time duration, bool spilled)
{
	rs_attempt_record *rec = w->reqlog ? rs_reqlog_row(w->reqlog, ticket) : NULL;
	if (!rec)
		return;
	rec->duration = duration;
	rec->spilled = spilled;
	rec->end = RS_END_PASSED_ON;
	close_ticket(w, ticket);
}

void alog_side(rs_world *w, uint64_t ticket, rs_time duration, bool spilled)
{
	rs_attempt_record *rec = w->reqlog ? rs_reqlog_row(w->reqlog, ticket) : NULL;
	if (!rec)
		return;
	rec->duration = duration;
	rec->spilled = spilled;
}

void alog_close(rs_world *w, uint64_t ticket, rs_time now, rs_attempt_end end)
{
	rs_attempt_record *rec = w->reqlog ? rs_reqlog_row(w->reqlog, ticket) : NULL;
	if (!rec)
		return;
	rec->end = end;
	rec->answered = now;
	close_ticket(w, ticket);
}

void alog_refusal(rs_world *w, rs_time now, request *r, rs_refuser by, const char *why,
                  int64_t retry_after_ms)
{
	if (!w->reqlog)
		return; /* without the log r has no rare fields (inflight.h) */
	uint64_t ticket;
	rs_attempt_record *rec = open_row(w, now, r, &ticket);
	rare_of(w, r)->log_ticket = ticket;
	if (!rec)
		return;
	rec->status = 429;
	rec->decided_by = by;
	rec->retry_after_ms = retry_after_ms;
	rec->end = by == RS_BY_CLIENT ? RS_END_REJECTED : RS_END_OPEN;
	snprintf(rec->limit, sizeof rec->limit, "%s", why);
}

void alog_attempt(rs_world *w, request *r, uint64_t ticket, rs_time duration, bool spilled)
{
	if (!w->reqlog)
		return;
	rare_of(w, r)->log_ticket = ticket;
	rs_attempt_record *rec = rs_reqlog_row(w->reqlog, ticket);
	if (!rec)
		return;
	rec->duration = duration;
	rec->spilled = spilled;
}

void alog_abandoned(rs_world *w, request *r)
{
	rs_attempt_record *rec =
	    w->reqlog ? rs_reqlog_row(w->reqlog, rare_of(w, r)->log_ticket) : NULL;
	if (rec)
		rec->end = RS_END_ABANDONED;
}

void alog_end(rs_world *w, request *r, rs_time now, rs_time delay, const char *gave_up)
{
	if (!w->reqlog)
		return;
	uint64_t ticket = rare_of(w, r)->log_ticket;
	rare_of(w, r)->log_ticket = 0;
	rs_attempt_record *rec = rs_reqlog_row(w->reqlog, ticket);
	if (!rec)
		return;
	if (rec->end == RS_END_OPEN)
		rec->end = RS_END_ANSWERED;
	rec->answered = now;
	rec->backoff = delay;
	rec->gave_up = gave_up;
	close_ticket(w, ticket);
}

void alog_never(rs_world *w, request *r)
{
	if (!w->reqlog)
		return;
	uint64_t ticket = rare_of(w, r)->log_ticket;
	rare_of(w, r)->log_ticket = 0;
	if (ticket)
		close_ticket(w, ticket);
}

const char *alog_give_up_name(const rs_retry_cfg *cfg, rs_retry_stop stop)
{
	if (stop == RS_RETRY_STOP_POLICY)
		return cfg->policy == RS_RETRY_NONE ? "policy" : "retries_exhausted";
	return rs_retry_stop_name(stop);
}
