/*
 * world.c - building the world and the flow of an attempt (see world.h).
 *
 * Events (engine payload: a = client or deployment index, b = request slot):
 *   ARRIVAL(a=client)     a new request; the client's next arrival is scheduled
 *   DONE(a=dep, b=slot)   an admitted attempt completes: meter correction, success
 *   REFUSED(b=slot)       a 429 reaches the client: retry or give up
 *   RETRY(b=slot)         the retry delay is over: send the next attempt
 * A request has at most one attempt in flight.  Its slot is freed when it
 * succeeds or fails; requests still in flight at the end are counted as such.
 */
#include "ratesim/world.h"

#include "ratesim/client.h"
#include "ratesim/deployment.h"
#include "ratesim/engine.h"
#include "ratesim/meter_ptu.h"
#include "ratesim/retry.h"

#include <stdlib.h>

enum { EV_ARRIVAL, EV_DONE, EV_REFUSED, EV_RETRY };

#define NO_SLOT      UINT32_MAX
#define POOL_INITIAL 1024

typedef struct request {
	uint64_t id;
	rs_time arrived;  /* first attempt: latency is measured from here */
	rs_time sent;     /* when the current attempt was sent */
	rs_timing timing; /* of the current attempt, when admitted */
	rs_shape shape;
	double charged; /* what the meter charged at admission */
	int64_t retry_after_ms;
	uint32_t client;
	uint32_t deployment; /* where the current attempt was admitted */
	int32_t attempts;
	bool spilled; /* the current attempt was admitted by spillover */
	uint32_t next_free;
} request;

struct rs_world {
	const rs_config *cfg;
	rs_engine *eng;
	rs_deployment *deps;
	size_t n_deps;
	rs_client *clients;
	size_t n_clients;
	rs_metrics *metrics;
	rs_world_hooks hooks;
	request *pool;
	uint32_t pool_len, pool_cap, free_head;
	uint64_t next_id;
	rs_time end;
	rs_status status; /* first failure of a hook or an allocation */
	/* names and limits handed to the metrics (borrowed strings) */
	const char **dep_names, **client_names;
	double *tpm_limits, *rpm_limits;
	bool *provisioned;
	double *output_ratios;
};

static void fail(rs_world *w, rs_status st)
{
	if (w->status == RS_OK)
		w->status = st;
	rs_engine_fail(w->eng, st);
}

static void schedule(rs_world *w, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	rs_status st = rs_engine_at(w->eng, at, type, a, b);
	if (st != RS_OK)
		fail(w, st);
}

static uint32_t slot_new(rs_world *w)
{
	if (w->free_head != NO_SLOT) {
		uint32_t s = w->free_head;
		w->free_head = w->pool[s].next_free;
		return s;
	}
	if (w->pool_len == w->pool_cap) {
		uint32_t cap = w->pool_cap ? w->pool_cap * 2 : POOL_INITIAL;
		request *p = rs_realloc_array(w->pool, cap, sizeof *p);
		if (!p)
			return NO_SLOT;
		w->pool = p;
		w->pool_cap = cap;
	}
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
	    .best_of = w->clients[r->client].cfg->best_of,
	    .output_tokens = r->shape.output_tokens,
	};
}

static void log_attempt(rs_world *w, rs_time now, const request *r, size_t d, bool admitted,
                        double duration_ms, int64_t retry_after_ms, bool spilled)
{
	if (!w->hooks.attempt)
		return;
	rs_attempt_record rec = {
	    .time = now,
	    .request_id = r->id,
	    .attempt = r->attempts,
	    .client = w->clients[r->client].cfg->name,
	    .deployment = w->deps[d].cfg->name,
	    .status = admitted ? 200 : 429,
	    .duration_ms = duration_ms,
	    .prompt_tokens = r->shape.prompt_tokens,
	    .completion_tokens = admitted ? r->shape.output_tokens : 0,
	    .retry_after_ms = admitted ? -1 : retry_after_ms,
	    .spilled = spilled,
	};
	rs_status st = w->hooks.attempt(w->hooks.ctx, &rec);
	if (st != RS_OK)
		fail(w, st);
}

/* The latency model of deployment d as seen from client c (its own round
 * trip when the scenario gives one). */
static rs_latency_params latency_for(const rs_world *w, const request *r, size_t d)
{
	rs_latency_params p = w->deps[d].latency;
	double rtt = w->clients[r->client].cfg->rtt_ms;
	if (rtt >= 0)
		p.rtt_ms = rtt;
	return p;
}

static void send_attempt(rs_world *w, uint32_t slot, rs_time now)
{
	request *r = &w->pool[slot];
	size_t d = (size_t)w->clients[r->client].cfg->target_index;
	rs_meter_req mreq = meter_req(w, r);
	rs_decision dec;
	r->attempts++;
	r->sent = now;
	rs_meter_admit(w->deps[d].meter, now, &mreq, &dec);

	/* Spillover (MODEL.md section 6): the refusing provisioned deployment
	 * passes the attempt to its spillover deployment at once; the client
	 * sees that deployment's answer if it admits, else the original 429. */
	bool spilled = false;
	bool retry = r->attempts > 1;
	rs_tokens tok = {r->shape.prompt_tokens, r->shape.cached_tokens, r->shape.output_tokens};
	int spill = w->deps[d].cfg->spillover_index;
	if (!dec.admitted && spill >= 0) {
		rs_decision dec2;
		rs_meter_admit(w->deps[spill].meter, now, &mreq, &dec2);
		rs_latency_params lp = latency_for(w, r, d);
		log_attempt(w, now, r, d, false, rs_time_to_ms(rs_latency_refusal(&lp)),
		            dec.retry_after_ms, false);
		if (dec2.admitted) {
			rs_metrics_on_backend_attempt(w->metrics, now, d, false, true, retry, &tok);
			d = (size_t)spill;
			dec = dec2;
			spilled = true;
		} else {
			rs_metrics_on_backend_attempt(w->metrics, now, (size_t)spill, false, false,
			                              retry, &tok);
			log_attempt(w, now, r, (size_t)spill, false,
			            rs_time_to_ms(rs_latency_refusal(&lp)), dec2.retry_after_ms,
			            true);
		}
	}
	rs_metrics_on_attempt(w->metrics, now, r->client, d, dec.admitted, retry, spilled, &tok);

	rs_latency_params lp = latency_for(w, r, d);
	if (dec.admitted) {
		rs_latency_draw(&lp, w->deps[d].rng, r->shape.prompt_tokens, r->shape.output_tokens,
		                dec.utilisation, &r->timing);
		r->charged = dec.charged;
		r->deployment = (uint32_t)d;
		r->spilled = spilled;
		log_attempt(w, now, r, d, true, rs_time_to_ms(r->timing.total), -1, spilled);
		schedule(w, now + r->timing.total, EV_DONE, (uint32_t)d, slot);
	} else {
		rs_time refusal = rs_latency_refusal(&lp);
		r->retry_after_ms = dec.retry_after_ms;
		if (spill < 0)
			log_attempt(w, now, r, d, false, rs_time_to_ms(refusal), dec.retry_after_ms,
			            false);
		schedule(w, now + refusal, EV_REFUSED, 0, slot);
	}
}

static void on_arrival(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = rs_engine_now(eng);
	rs_client *c = &w->clients[ev->a];
	int64_t row = (int64_t)ev->b - 1; /* b carries row + 1, 0 for none */

	uint32_t slot = slot_new(w);
	if (slot == NO_SLOT) {
		fail(w, RS_ERR_NOMEM);
		return;
	}
	request *r = &w->pool[slot];
	*r = (request){.id = w->next_id++, .arrived = now, .client = ev->a};
	rs_client_draw_shape(c, row, &r->shape);
	rs_metrics_on_offered(w->metrics, now, ev->a);

	rs_time at;
	int64_t next_row;
	if (rs_client_next_arrival(c, &at, &next_row))
		schedule(w, at, EV_ARRIVAL, ev->a, (uint64_t)(next_row + 1));
	send_attempt(w, slot, now);
}

static void on_done(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = rs_engine_now(eng);
	uint32_t slot = (uint32_t)ev->b;
	request *r = &w->pool[slot];
	rs_meter_req mreq = meter_req(w, r);
	rs_meter_complete(w->deps[ev->a].meter, now, &mreq, r->charged);
	double latency_ms = rs_time_to_ms(now - r->arrived);
	double ttft_ms = rs_time_to_ms(r->sent + r->timing.ttft - r->arrived);
	rs_metrics_on_success(w->metrics, now, r->arrived, r->client, ev->a, latency_ms, ttft_ms,
	                      r->shape.prompt_tokens, r->shape.output_tokens, r->attempts > 1,
	                      r->spilled);
	slot_free(w, slot);
}

static void on_refused(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = rs_engine_now(eng);
	uint32_t slot = (uint32_t)ev->b;
	request *r = &w->pool[slot];
	rs_client *c = &w->clients[r->client];
	rs_time delay;
	if (rs_retry_next(&c->cfg->retry, c->rng_retry, r->attempts, r->retry_after_ms, &delay)) {
		schedule(w, now + delay, EV_RETRY, 0, slot);
		return;
	}
	rs_metrics_on_failed(w->metrics, now, r->arrived, r->client);
	slot_free(w, slot);
}

static void on_retry(void *ctx, rs_engine *eng, const rs_event *ev)
{
	send_attempt(ctx, (uint32_t)ev->b, rs_engine_now(eng));
}

static void sample_deployment(void *ctx, size_t d, rs_time now, bool take_peak, rs_dep_sample *out)
{
	rs_world *w = ctx;
	rs_meter *m = w->deps[d].meter;
	m->ops->sample(m, now, &out->meter);
	if (!w->deps[d].provisioned)
		return;
	rs_ptu_stats st;
	rs_meter_ptu_stats(m, &st);
	out->charged = st.admitted_estimate;
	out->actual = st.actual;
	out->corrections = st.corrections;
	out->clipped = st.clipped;
	if (take_peak)
		out->peak_utilisation = rs_meter_ptu_take_peak(m, now);
}

static double minute_v2(void *ctx, size_t d, int64_t minute)
{
	rs_world *w = ctx;
	return rs_meter_ptu_minute_utilisation(w->deps[d].meter, minute);
}

static rs_status forward_minute(void *ctx, const rs_minute_row *row)
{
	rs_world *w = ctx;
	return w->hooks.minute_row ? w->hooks.minute_row(w->hooks.ctx, row) : RS_OK;
}

static rs_status forward_row(void *ctx, const rs_ts_row *row)
{
	rs_world *w = ctx;
	return w->hooks.row ? w->hooks.row(w->hooks.ctx, row) : RS_OK;
}

static rs_status build(rs_world *w, rs_error *err)
{
	const rs_config *cfg = w->cfg;
	w->deps = rs_calloc(cfg->n_deployments, sizeof *w->deps);
	w->clients = rs_calloc(cfg->n_clients, sizeof *w->clients);
	w->dep_names = rs_calloc(cfg->n_deployments, sizeof *w->dep_names);
	w->client_names = rs_calloc(cfg->n_clients, sizeof *w->client_names);
	w->tpm_limits = rs_calloc(cfg->n_deployments, sizeof *w->tpm_limits);
	w->rpm_limits = rs_calloc(cfg->n_deployments, sizeof *w->rpm_limits);
	w->provisioned = rs_calloc(cfg->n_deployments, sizeof *w->provisioned);
	w->output_ratios = rs_calloc(cfg->n_deployments, sizeof *w->output_ratios);
	w->eng = rs_engine_new();
	if (!w->deps || !w->clients || !w->dep_names || !w->client_names || !w->tpm_limits ||
	    !w->rpm_limits || !w->provisioned || !w->output_ratios || !w->eng)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the world");
	for (size_t i = 0; i < cfg->n_deployments; i++) {
		rs_status st = rs_deployment_init(&w->deps[i], cfg, i, err);
		if (st != RS_OK)
			return st;
		w->n_deps++;
		w->dep_names[i] = cfg->deployments[i].name;
		w->tpm_limits[i] = w->deps[i].limit_tpm;
		w->rpm_limits[i] = w->deps[i].limit_rpm;
		w->provisioned[i] = w->deps[i].provisioned;
		w->output_ratios[i] = w->deps[i].model->output_ratio;
	}
	for (size_t i = 0; i < cfg->n_clients; i++) {
		rs_status st = rs_client_init(&w->clients[i], cfg, i, w->end, err);
		if (st != RS_OK)
			return st;
		w->n_clients++;
		w->client_names[i] = cfg->clients[i].name;
	}
	rs_metrics_setup ms = {
	    .n_deployments = cfg->n_deployments,
	    .n_clients = cfg->n_clients,
	    .deployment_names = w->dep_names,
	    .client_names = w->client_names,
	    .tpm_limits = w->tpm_limits,
	    .rpm_limits = w->rpm_limits,
	    .provisioned = w->provisioned,
	    .output_ratios = w->output_ratios,
	    .warmup = rs_time_from_s(cfg->warmup_s),
	    .end = w->end,
	    .bucket = rs_time_from_s(cfg->bucket_s),
	    .sink = {.row = forward_row,
	             .sample = sample_deployment,
	             .minute_v2 = minute_v2,
	             .minute_row = forward_minute,
	             .ctx = w},
	};
	w->metrics = rs_metrics_new(&ms);
	if (!w->metrics)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the metrics");

	rs_engine_on(w->eng, EV_ARRIVAL, on_arrival, w);
	rs_engine_on(w->eng, EV_DONE, on_done, w);
	rs_engine_on(w->eng, EV_REFUSED, on_refused, w);
	rs_engine_on(w->eng, EV_RETRY, on_retry, w);
	for (size_t i = 0; i < cfg->n_clients; i++) {
		rs_time at;
		int64_t row;
		if (rs_client_next_arrival(&w->clients[i], &at, &row))
			schedule(w, at, EV_ARRIVAL, (uint32_t)i, (uint64_t)(row + 1));
	}
	if (w->status != RS_OK)
		return rs_fail(err, w->status, "out of memory scheduling the first arrivals");
	return RS_OK;
}

rs_status rs_world_new(const rs_config *cfg, const rs_world_hooks *hooks, rs_world **out,
                       rs_error *err)
{
	*out = NULL;
	rs_world *w = rs_calloc(1, sizeof *w);
	if (!w)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the world");
	w->cfg = cfg;
	w->end = rs_time_from_s(cfg->duration_s);
	w->free_head = NO_SLOT;
	if (hooks)
		w->hooks = *hooks;
	rs_status st = build(w, err);
	if (st != RS_OK) {
		rs_world_free(w);
		return st;
	}
	*out = w;
	return RS_OK;
}

void rs_world_free(rs_world *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n_deps; i++)
		rs_deployment_fini(&w->deps[i]);
	for (size_t i = 0; i < w->n_clients; i++)
		rs_client_fini(&w->clients[i]);
	rs_metrics_free(w->metrics);
	rs_engine_free(w->eng);
	free(w->deps);
	free(w->clients);
	free(w->dep_names);
	free(w->client_names);
	free(w->tpm_limits);
	free(w->rpm_limits);
	free(w->provisioned);
	free(w->output_ratios);
	free(w->pool);
	free(w);
}

static rs_status stopped(rs_world *w, rs_error *err)
{
	if (w->status == RS_ERR_NOMEM)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory at t=%.6f s",
		               rs_time_to_s(rs_engine_now(w->eng)));
	return rs_fail(err, w->status, "%s: could not write an output at t=%.6f s",
	               w->cfg->path ? w->cfg->path : w->cfg->name,
	               rs_time_to_s(rs_engine_now(w->eng)));
}

rs_status rs_world_step(rs_world *w, bool *ran, rs_error *err)
{
	*ran = false;
	if (w->status != RS_OK)
		return stopped(w, err);
	rs_time next = rs_engine_next_time(w->eng);
	if (next >= w->end)
		return RS_OK;
	rs_status st = rs_metrics_advance(w->metrics, next);
	if (st != RS_OK) {
		fail(w, st);
		return stopped(w, err);
	}
	rs_engine_step(w->eng, next, ran);
	if (w->status != RS_OK)
		return stopped(w, err);
	return RS_OK;
}

rs_status rs_world_run(rs_world *w, rs_error *err)
{
	uint64_t every = w->hooks.progress_every;
	uint64_t next_report = every;
	for (;;) {
		bool ran;
		rs_status st = rs_world_step(w, &ran, err);
		if (st != RS_OK)
			return st;
		if (!ran)
			break;
		if (every && w->hooks.progress && rs_engine_events_run(w->eng) >= next_report) {
			next_report += every;
			w->hooks.progress(w->hooks.progress_ctx, rs_engine_now(w->eng), w->end,
			                  rs_engine_events_run(w->eng));
		}
	}
	rs_status st = rs_metrics_advance(w->metrics, w->end);
	if (st != RS_OK) {
		fail(w, st);
		return stopped(w, err);
	}
	return RS_OK;
}

const rs_metrics *rs_world_metrics(const rs_world *w)
{
	return w->metrics;
}

uint64_t rs_world_events(const rs_world *w)
{
	return rs_engine_events_run(w->eng);
}

uint64_t rs_world_requests(const rs_world *w)
{
	return w->next_id;
}

rs_time rs_world_now(const rs_world *w)
{
	return rs_engine_now(w->eng);
}
