/*
 * world.c - building the world and running it (see world.h).
 *
 * The world is built from the configuration: deployments, clients, routers
 * and their round trips, the metrics, the faults and outages; attempt.c then
 * wires its event handlers (world_wire) and the first arrivals are scheduled.
 * The run is the engine's loop in batches between two metrics closes; the
 * flow of an attempt itself lives in attempt.c.
 *
 * A world whose completions would only count a success and free a slot
 * schedules no completion event (completes_ahead, issue 13): the metrics
 * hold each success until its time (metrics_due.c) and add it before its
 * bucket closes, in the order the events would have run, so every output
 * is the same; only engine.json's `events` (and events/s) count fewer, and
 * the progress reports, every so many events, come further apart.  Stepping
 * (rs_world_step) adds those due before the next event before running it,
 * so a reader between two steps sees what the events would have added.
 */
#include "inflight.h"
#include "job_world.h"

#include "hedge.h"
#include "ratesim/batch.h"
#include "ratesim/compute.h"
#include "ratesim/meter_ptu.h"
#include "ratesim/outages.h"
#include "ratesim/retry.h"
#include "ratesim/throttle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void sample_deployment(void *ctx, size_t d, rs_time now, bool take_peak, rs_dep_sample *out)
{
	rs_world *w = ctx;
	rs_meter *m = w->deps[d].meter;
	m->ops->sample(m, now, &out->meter);
	out->limit_scale = w->deps[d].limit_scale;
	if (take_peak) /* a bucket's end */
		out->abandoned_running = (double)rs_service_abandoned(w->svc, d, now);
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

/* A client's controls at a bucket's end (issue 10 part 3). */
static void sample_client(void *ctx, size_t c, rs_time now, rs_client_sample *out)
{
	rs_world *w = ctx;
	rs_client *cl = &w->clients[c];
	const rs_retry_cfg *rc = &cl->cfg->retry;
	out->budget_tokens = rc->budget_max > 0 ? rs_retry_budget_tokens(cl->retry) : NAN;
	out->throttle_p = rc->adaptive_k > 0 ? rs_retry_throttle_p(cl->retry, now) : NAN;
	if (cl->ctl && cl->cfg->control.max_in_flight > 0) {
		rs_throttle_stats ts;
		rs_throttle_stats_get(cl->ctl, &ts);
		out->queue_len = (double)ts.queue_len;
	}
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

/* Routers, their scratch flags, and the client-to-deployment round trips. */
static rs_status build_routing(rs_world *w, rs_error *err)
{
	const rs_config *cfg = w->cfg;
	w->routers = rs_calloc(cfg->n_routers, sizeof *w->routers);
	w->router_tried = rs_calloc(cfg->n_routers, sizeof *w->router_tried);
	w->rtt = rs_calloc(cfg->n_clients * cfg->n_deployments, sizeof *w->rtt);
	if (!w->routers || !w->router_tried || !w->rtt)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the routers");
	for (size_t k = 0; k < cfg->n_routers; k++) {
		if (rs_router_depth(cfg, k) > ROUTE_DEPTH)
			return rs_fail(err, RS_ERR_INVALID,
			               "%s: .routers[%zu]: routers are nested more than %d deep",
			               cfg->path ? cfg->path : cfg->name, k, ROUTE_DEPTH);
		w->routers[k] = rs_router_new(&cfg->routers[k], cfg->seed);
		w->router_tried[k] = rs_calloc(cfg->routers[k].n_backends, sizeof(bool));
		w->n_routers++;
		if (!w->routers[k] || !w->router_tried[k])
			return rs_fail(err, RS_ERR_NOMEM, "out of memory building router %s",
			               cfg->routers[k].name);
	}
	rs_status gst = world_gateways_new(w, err);
	if (gst != RS_OK)
		return gst;
	for (size_t c = 0; c < cfg->n_clients; c++) {
		const char *from = cfg->clients[c].region;
		double own = cfg->clients[c].rtt_ms; /* < 0: none */
		for (size_t d = 0; d < cfg->n_deployments; d++) {
			double rtt = w->deps[d].latency.rtt_ms;
			for (size_t i = 0; from && i < cfg->n_net; i++)
				if (!strcmp(cfg->net_from[i], from) &&
				    !strcmp(cfg->net_to[i], cfg->deployments[d].region))
					rtt = cfg->net_rtt_ms[i];
			w->rtt[c * cfg->n_deployments + d] = own >= 0 ? own : rtt;
		}
	}
	return RS_OK;
}

/* The clients' and deployments' hot copies (inflight.h: client_hot). */
static rs_status build_hot(rs_world *w, rs_error *err)
{
	const rs_config *cfg = w->cfg;
	size_t n = cfg->n_clients ? cfg->n_clients : 1; /* aligned_alloc(.., 0) may fail */
	w->client_hot = aligned_alloc(REQUEST_ALIGN, n * sizeof *w->client_hot);
	w->dep_hot = rs_calloc(cfg->n_deployments, sizeof *w->dep_hot);
	if (!w->client_hot || !w->dep_hot)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the world");
	for (size_t c = 0; c < cfg->n_clients; c++) {
		const rs_client_cfg *cc = &cfg->clients[c];
		rs_arrival_process process = cc->arrival.process;
		double timeout_s = cc->retry.attempt_timeout_s;
		const rs_client *cl = &w->clients[c];
		w->client_hot[c] = (client_hot){
		    .retry = cl->retry,
		    .rng_retry = cl->rng_retry,
		    .ctl = cl->ctl,
		    .target = cc->target_ref,
		    .spill_target = cc->control.spill_ref,
		    .timeout = timeout_s > 0 ? rs_time_from_s(timeout_s) : 0,
		    .best_of = cc->best_of,
		    .closed = process == RS_ARRIVAL_CLOSED,
		    .chained = process != RS_ARRIVAL_CLOSED && process != RS_ARRIVAL_JOB,
		    .own_rtt = cc->rtt_ms >= 0,
		    .spill = cc->control.spill,
		    .retry_state = cc->retry.budget_max > 0 || cc->retry.retry_ratio > 0 ||
		                   cc->retry.adaptive_k > 0,
		};
	}
	for (size_t d = 0; d < cfg->n_deployments; d++) {
		const rs_deployment_cfg *dc = &cfg->deployments[d];
		w->dep_hot[d].spill = dc->spillover_index;
		w->dep_hot[d].daily = dc->latency_daily.mode != RS_LATENCY_DAILY_OFF;
		w->dep_hot[d].corrects = rs_meter_corrects(w->deps[d].meter);
	}
	return RS_OK;
}

/* Whether every admitted attempt that completes (a DONE event: not on a
 * shared deployment, not abandoned by its client's timeout) could be
 * completed at its admission instead (inflight.h, complete_ahead): at its
 * completion, complete() and finish() (attempt.c) would only count the
 * success and free the slot.  Nothing else may happen then: no meter
 * corrects (a provisioned one does), no service model, no router or
 * gateway on the way, no hedge, quota watch, job, pipeline or application
 * tier (the request log's row is closed ahead too, complete_ahead), and no
 * client whose controls, retry state or closed loop hear of the request's
 * end.  Per world, not per request: the successes' order (metrics_due.c)
 * holds only when every success is given ahead. */
static bool completes_ahead(const rs_world *w)
{
	if (w->hooks.evented_completions || w->jobs || w->compute || w->quota || w->hedge ||
	    w->n_routers > 0)
		return false;
	for (size_t c = 0; c < w->n_clients; c++) {
		const client_hot *ch = &w->client_hot[c];
		if (ch->closed || ch->ctl || ch->retry_state)
			return false;
	}
	for (size_t d = 0; d < w->n_deps; d++)
		if (w->dep_hot[d].shared || w->dep_hot[d].corrects)
			return false;
	return true;
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
	    .n_routers = cfg->n_routers,
	    .deployment_names = w->dep_names,
	    .client_names = w->client_names,
	    .tpm_limits = w->tpm_limits,
	    .rpm_limits = w->rpm_limits,
	    .provisioned = w->provisioned,
	    .output_ratios = w->output_ratios,
	    .warmup = rs_time_from_s(cfg->warmup_s),
	    .end = w->end,
	    .bucket = rs_time_from_s(cfg->bucket_s),
	    .windows = cfg->windows, /* issue 11 */
	    .n_windows = cfg->n_windows,
	    .sink = {.row = forward_row,
	             .sample = sample_deployment,
	             .client_sample = sample_client,
	             .minute_v2 = minute_v2,
	             .minute_row = forward_minute,
	             .ctx = w},
	};
	w->metrics = rs_metrics_new(&ms);
	if (!w->metrics)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the metrics");

	rs_status st = build_routing(w, err);
	if (st == RS_OK)
		st = build_hot(w, err);
	if (st != RS_OK)
		return st;

	if ((st = world_wire(w, err)) != RS_OK || (st = jobs_new(w, err)) != RS_OK)
		return st;
	rs_batch_events bev = {EV_BATCH_SUBMIT, EV_BATCH_END}; /* issue 9: global batch */
	if (rs_batch_new(w->eng, &bev, cfg, w->end, &w->batch) != RS_OK)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the batch deployments");
	rs_metrics_set_batch(w->metrics, w->batch);
	jobs_wire(w); /* issue 9: jobs and pipelines */
	/* the client's reactions, when a scenario asks for them (quota_watch.h, netjitter.h) */
	if (rs_quota_watch_wanted(cfg) && !(w->quota = rs_quota_watch_new(cfg)))
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the quota watch");
	if (rs_netjitter_wanted(cfg) && !(w->jitter = rs_netjitter_new(cfg)))
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the network jitter");
	/* the features with fields in request_rare (inflight.h) */
	w->wants_rare =
	    w->reqlog || w->jobs || w->compute || w->quota || w->hedge || w->n_routers > 0;
	w->complete_ahead = completes_ahead(w);
	if ((st = rs_outages_build(cfg, &w->faults, &w->n_faults, err)) != RS_OK)
		return st;
	for (size_t i = 0; i < w->n_faults; i++) {
		schedule(w, rs_time_from_s(w->faults[i].start_s), EV_FAULT, (uint32_t)i, 0);
		schedule(w, rs_time_from_s(w->faults[i].end_s), EV_FAULT, (uint32_t)i, 1);
	}
	for (size_t i = 0; i < cfg->n_clients; i++) {
		rs_client *c = &w->clients[i];
		if (c->cfg->arrival.process == RS_ARRIVAL_CLOSED) {
			/* each user starts after one think time, so they do not
			 * all arrive at once */
			for (int u = 0; u < c->cfg->arrival.users; u++)
				schedule(w, rs_client_think_time(c), EV_ARRIVAL, (uint32_t)i, 0);
			continue;
		}
		if (jobs_start(w, i)) /* issue 9: a job's first units */
			continue;
		rs_time at;
		int64_t row;
		if (rs_client_next_arrival(c, &at, &row))
			schedule_chained(w, at, EV_ARRIVAL, (uint32_t)i, (uint64_t)(row + 1));
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
	if (w->hooks.attempt) {
		double sample = w->hooks.log_sample > 0 ? w->hooks.log_sample : 1.0;
		w->reqlog = rs_reqlog_new(w->hooks.attempt, w->hooks.ctx, sample);
		if (!w->reqlog) {
			free(w);
			return rs_fail(err, RS_ERR_NOMEM, "out of memory building the request log");
		}
	}
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
	for (size_t k = 0; k < w->n_routers; k++) {
		rs_router_free(w->routers[k]);
		free(w->router_tried[k]);
	}
	world_gateways_free(w);
	free(w->routers);
	free(w->router_tried);
	free(w->rtt);
	free(w->client_hot);
	free(w->dep_hot);
	rs_service_free(w->svc);
	rs_compute_free(w->compute);
	rs_batch_free(w->batch);
	jobs_free(w->jobs);
	hedge_free(w);
	rs_quota_watch_free(w->quota);
	rs_netjitter_free(w->jitter);
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
	free(w->rare);
	free(w->faults);
	rs_reqlog_free(w->reqlog);
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

/* Before the next event: stop on a failure, and close the buckets and
 * minutes due by its time.  OUT: *next, that time (>= end: the run is over). */
static rs_status before_next(rs_world *w, rs_time *next, rs_error *err)
{
	if (w->status == RS_OK)
		w->status = rs_service_status(w->svc);
	if (w->status == RS_OK) /* a room that failed inside an event (compute.c) */
		w->status = rs_engine_status(w->eng);
	if (w->status != RS_OK)
		return stopped(w, err);
	*next = rs_engine_next_time(w->eng);
	if (*next >= w->end || *next < w->metrics_due)
		return RS_OK;
	rs_status st = rs_metrics_advance(w->metrics, *next);
	if (st != RS_OK) {
		fail(w, st);
		return stopped(w, err);
	}
	w->metrics_due = rs_metrics_next_due(w->metrics);
	return RS_OK;
}

/* Stepping has run the last event: the successes known ahead (inflight.h,
 * complete_ahead) that are still due, as their events would have run:
 * the buckets and minutes before the last one closed, then all of them
 * added to the bucket that stays open. */
static rs_status settle_at_end(rs_world *w, rs_error *err)
{
	rs_time last = rs_metrics_due_last(w->metrics);
	if (last == INT64_MIN)
		return RS_OK;
	if (last >= w->metrics_due) {
		rs_status st = rs_metrics_advance(w->metrics, last);
		if (st != RS_OK) {
			fail(w, st);
			return stopped(w, err);
		}
		w->metrics_due = rs_metrics_next_due(w->metrics);
	}
	rs_metrics_settle(w->metrics, w->end);
	return RS_OK;
}

/* One event at a time; a reader between two steps sees the successes
 * known ahead that are due before the next event (rs_metrics_settle). */
rs_status rs_world_step(rs_world *w, bool *ran, rs_error *err)
{
	*ran = false;
	rs_time next;
	rs_status st = before_next(w, &next, err);
	if (st != RS_OK)
		return st;
	if (next >= w->end)
		return settle_at_end(w, err);
	rs_metrics_settle(w->metrics, next);
	rs_engine_step(w->eng, next, ran);
	return w->status != RS_OK ? stopped(w, err) : RS_OK;
}

/* rs_world_step in a loop, with the events between two metrics closes
 * (and progress reports) run in one batch by the engine: the same events
 * in the same order, without the per-event checks in between.  The bound
 * is after `next`, so each batch runs at least that event. */
rs_status rs_world_run(rs_world *w, rs_error *err)
{
	uint64_t every = w->hooks.progress && w->hooks.progress_every ? w->hooks.progress_every : 0;
	uint64_t next_report = every;
	for (;;) {
		rs_time next = w->end; /* before_next sets it; GCC's LTO cannot tell */
		rs_status st = before_next(w, &next, err);
		if (st != RS_OK)
			return st;
		if (next >= w->end)
			break;
		rs_time bound = w->metrics_due < w->end ? w->metrics_due : w->end;
		uint64_t batch = every ? next_report - rs_engine_events_run(w->eng) : UINT64_MAX;
		rs_engine_run_before(w->eng, bound, batch);
		if (every && rs_engine_events_run(w->eng) >= next_report) {
			next_report += every;
			w->hooks.progress(w->hooks.progress_ctx, rs_engine_now(w->eng), w->end,
			                  rs_engine_events_run(w->eng));
		}
	}
	for (size_t k = 0; k < w->n_routers; k++) {
		rs_router_stats rs;
		rs_router_stats_get(w->routers[k], &rs);
		rs_router_figures f = {rs.picks, rs.cooldowns, rs.breaker_trips, rs.all_down};
		rs_metrics_set_router(w->metrics, k, &f);
	}
	jobs_report(w);
	if (w->status != RS_OK)
		return stopped(w, err);
	rs_status st = rs_metrics_advance(w->metrics, w->end);
	if (st == RS_OK && w->reqlog) /* rows still open: attempts in flight at the end */
		st = rs_reqlog_flush(w->reqlog);
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
	return rs_engine_events_run(w->eng) + w->completed_ahead;
}

uint64_t rs_world_queue_events(const rs_world *w)
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
