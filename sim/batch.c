/*
 * batch.c - global batch deployments (the model and its sources are in
 * include/ratesim/batch.h).
 *
 * Each deployment has a job source (SUBMIT events, one pending at a time)
 * and a table of its jobs in flight (a free list of records; END(a = the
 * deployment, b = the record) ends one).  The enqueued-token pools are
 * resolved when the deployments are built: deployment k draws from pool
 * pool_of[k], the first deployment of its (subscription, model).
 *
 * Invariant: a pool's enqueued tokens are the sum of the input tokens of
 * its deployments' jobs in flight, and never above its quota.
 */
#include "ratesim/batch.h"

#include "ratesim/dist.h"
#include "ratesim/hist.h"
#include "ratesim/jsonout.h"
#include "ratesim/rng.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JOBS_FIRST_CAP 16
#define NO_JOB         UINT32_MAX
#define MS_PER_H       3600000.0
#define S_PER_H        3600.0
#define PER_MILLION    1e6
#define FIG_DECIMALS   1e6 /* hours and money in summary.json: 6 decimals */

typedef struct job {
	int64_t input;    /* its input tokens: what it holds of the pool */
	uint64_t done;    /* requests completed */
	int64_t done_in;  /* their prompt tokens */
	int64_t done_out; /* their output tokens */
	rs_time submitted;
	bool expired;
	uint32_t next_free;
} job;

typedef struct dep {
	const rs_batch_cfg *cfg;
	size_t pool; /* the deployment whose pool it draws from */
	gsl_rng *rng_arrival, *rng_jobs;
	job *jobs;
	uint32_t n_jobs, cap, free_head;
	double enqueued, peak; /* the pool's, kept on its first deployment */
	rs_hist *turnaround;   /* ms, of jobs that ended */
	rs_batch_figures f;
} dep;

struct rs_batch {
	rs_engine *eng;
	rs_batch_events ev;
	const rs_config *cfg;
	rs_time warmup, end;
	dep *d;
	size_t n;
};

void rs_batch_cfg_free(rs_batch_cfg *b, size_t n)
{
	for (size_t i = 0; b && i < n; i++) {
		free(b[i].name);
		free(b[i].subscription);
	}
	free(b);
}

static void at(rs_batch *b, rs_time when, uint32_t type, uint32_t a, uint64_t x)
{
	rs_engine_at_within(b->eng, b->end, when, type, a, x);
}

/* The time of deployment k's next submission after `now` (the first when
 * first is true). */
static rs_time next_submit(rs_batch *b, size_t k, rs_time now, bool first)
{
	const rs_batch_cfg *c = b->d[k].cfg;
	rs_time from = first ? rs_time_from_s(c->start_s) : now;
	if (c->poisson)
		return from + rs_time_from_s(gsl_ran_exponential(b->d[k].rng_arrival, c->every_s));
	return first ? from : from + rs_time_from_s(c->every_s);
}

static uint32_t job_new(dep *d)
{
	if (d->free_head != NO_JOB) {
		uint32_t j = d->free_head;
		d->free_head = d->jobs[j].next_free;
		return j;
	}
	if (d->n_jobs == d->cap) {
		uint32_t cap = d->cap ? d->cap * 2 : JOBS_FIRST_CAP;
		job *p = rs_realloc_array(d->jobs, cap, sizeof *p);
		if (!p)
			return NO_JOB;
		d->jobs = p;
		d->cap = cap;
	}
	return d->n_jobs++;
}

/* Draw a job of deployment k: its requests, turnaround and tokens.
 * OUT: *jb; *turnaround, the time to its end. */
static void draw_job(dep *d, job *jb, rs_time *turnaround)
{
	const rs_batch_cfg *c = d->cfg;
	int64_t n = rs_dist_draw(&c->requests, NULL, RS_TRACE_PROMPT, d->rng_jobs, 0);
	n = n < 1 ? 1 : n > RS_MAX_BATCH_REQUESTS ? RS_MAX_BATCH_REQUESTS : n;
	int64_t t_s = rs_dist_draw(&c->turnaround_s, NULL, RS_TRACE_PROMPT, d->rng_jobs, 0);
	jb->expired = (double)t_s > c->target_s;
	/* an expired job served the share target / T of its requests */
	jb->done =
	    jb->expired ? (uint64_t)floor((double)n * c->target_s / (double)t_s) : (uint64_t)n;
	*turnaround = jb->expired ? rs_time_from_s(c->target_s) : t_s * RS_US_PER_S;
	jb->input = jb->done_in = jb->done_out = 0;
	for (int64_t i = 0; i < n; i++) {
		int64_t in = rs_dist_draw(&c->prompt_tokens, NULL, RS_TRACE_PROMPT, d->rng_jobs, 0);
		int64_t out =
		    rs_dist_draw(&c->output_tokens, NULL, RS_TRACE_OUTPUT, d->rng_jobs, 0);
		jb->input += in;
		if ((uint64_t)i < jb->done) {
			jb->done_in += in;
			jb->done_out += out;
		}
	}
}

static void on_submit(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_batch *b = ctx;
	rs_time now = rs_engine_now(eng);
	size_t k = ev->a;
	dep *d = &b->d[k];
	dep *pool = &b->d[d->pool];
	at(b, next_submit(b, k, now, false), b->ev.submit, (uint32_t)k, 0);
	job jb = {.submitted = now};
	rs_time turnaround;
	draw_job(d, &jb, &turnaround);
	bool counted = now >= b->warmup;
	d->f.submitted += counted;
	/* the quota: a job that fits exactly is accepted (MODEL.md section 7) */
	if (pool->enqueued + (double)jb.input > (double)d->cfg->enqueued_tokens) {
		d->f.refused += counted;
		return;
	}
	uint32_t j = job_new(d);
	if (j == NO_JOB) {
		rs_engine_fail(eng, RS_ERR_NOMEM);
		return;
	}
	d->f.accepted += counted;
	d->jobs[j] = jb;
	pool->enqueued += (double)jb.input;
	if (pool->enqueued > pool->peak)
		pool->peak = pool->enqueued;
	at(b, now + turnaround, b->ev.end, (uint32_t)k, j);
}

static void on_end(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_batch *b = ctx;
	rs_time now = rs_engine_now(eng);
	dep *d = &b->d[ev->a];
	job *jb = &d->jobs[ev->b];
	b->d[d->pool].enqueued -= (double)jb->input;
	if (jb->submitted >= b->warmup)
		rs_hist_add(d->turnaround, rs_time_to_ms(now - jb->submitted));
	if (now >= b->warmup) {
		d->f.completed += !jb->expired;
		d->f.expired += jb->expired;
		d->f.requests_completed += jb->done;
		d->f.input_tokens += (uint64_t)jb->done_in;
		d->f.output_tokens += (uint64_t)jb->done_out;
	}
	jb->next_free = d->free_head;
	d->free_head = (uint32_t)ev->b;
}

/* ---- life cycle ----------------------------------------------------------- */

void rs_batch_free(rs_batch *b)
{
	if (!b)
		return;
	for (size_t k = 0; k < b->n; k++) {
		if (b->d[k].rng_arrival)
			gsl_rng_free(b->d[k].rng_arrival);
		if (b->d[k].rng_jobs)
			gsl_rng_free(b->d[k].rng_jobs);
		free(b->d[k].jobs);
		rs_hist_free(b->d[k].turnaround);
	}
	free(b->d);
	free(b);
}

static size_t pool_of(const rs_config *cfg, size_t k)
{
	const rs_batch_cfg *c = &cfg->batch[k];
	for (size_t j = 0; j < k; j++)
		if (cfg->batch[j].model == c->model &&
		    strcmp(cfg->batch[j].subscription, c->subscription) == 0)
			return pool_of(cfg, j);
	return k;
}

rs_status rs_batch_new(rs_engine *eng, const rs_batch_events *ev, const rs_config *cfg, rs_time end,
                       rs_batch **out)
{
	*out = NULL;
	if (cfg->n_batch == 0)
		return RS_OK;
	rs_batch *b = rs_calloc(1, sizeof *b);
	if (!b)
		return RS_ERR_NOMEM;
	*b = (rs_batch){.eng = eng, .ev = *ev, .cfg = cfg, .end = end};
	b->warmup = rs_time_from_s(cfg->warmup_s);
	b->d = rs_calloc(cfg->n_batch, sizeof *b->d);
	rs_status st = b->d ? RS_OK : RS_ERR_NOMEM;
	for (size_t k = 0; st == RS_OK && k < cfg->n_batch; k++) {
		dep *d = &b->d[k];
		b->n++;
		d->cfg = &cfg->batch[k];
		d->pool = pool_of(cfg, k);
		d->free_head = NO_JOB;
		d->rng_arrival = rs_rng_stream(cfg->seed, "batch.arrival", d->cfg->name);
		d->rng_jobs = rs_rng_stream(cfg->seed, "batch.jobs", d->cfg->name);
		d->turnaround = rs_hist_new();
		if (!d->rng_arrival || !d->rng_jobs || !d->turnaround)
			st = RS_ERR_NOMEM;
	}
	if (st != RS_OK) {
		rs_batch_free(b);
		return st;
	}
	rs_engine_on(eng, ev->submit, on_submit, b);
	rs_engine_on(eng, ev->end, on_end, b);
	for (size_t k = 0; k < b->n; k++)
		at(b, next_submit(b, k, 0, true), ev->submit, (uint32_t)k, 0);
	*out = b;
	return rs_engine_status(eng);
}

/* ---- figures -------------------------------------------------------------- */

size_t rs_batch_count(const rs_batch *b)
{
	return b ? b->n : 0;
}

void rs_batch_figures_get(const rs_batch *b, size_t k, rs_batch_figures *out)
{
	const dep *d = &b->d[k];
	const rs_model *m = &b->cfg->models[d->cfg->model];
	*out = d->f;
	out->turnaround_p50_h = rs_hist_quantile(d->turnaround, 0.50) / MS_PER_H;
	out->turnaround_p95_h = rs_hist_quantile(d->turnaround, 0.95) / MS_PER_H;
	out->turnaround_p99_h = rs_hist_quantile(d->turnaround, 0.99) / MS_PER_H;
	out->turnaround_max_h = rs_hist_max(d->turnaround) / MS_PER_H;
	out->cost_usd = d->cfg->price_factor *
	                ((double)d->f.input_tokens * m->price_input_per_1m +
	                 (double)d->f.output_tokens * m->price_output_per_1m) /
	                PER_MILLION;
	out->peak_enqueued = b->d[d->pool].peak;
}

static bool put_dep(const rs_config *cfg, size_t k, const rs_batch_figures *f, cJSON *o)
{
	const rs_batch_cfg *c = &cfg->batch[k];
	bool ok = cJSON_AddStringToObject(o, "name", c->name);
	ok = ok && cJSON_AddStringToObject(o, "model", cfg->models[c->model].name);
	ok = ok && cJSON_AddStringToObject(o, "subscription", c->subscription);
	cJSON *jobs = ok ? cJSON_AddObjectToObject(o, "jobs") : NULL;
	ok = jobs != NULL;
	ok = ok && cJSON_AddNumberToObject(jobs, "submitted", (double)f->submitted);
	ok = ok && cJSON_AddNumberToObject(jobs, "accepted", (double)f->accepted);
	ok = ok && cJSON_AddNumberToObject(jobs, "token_limit_exceeded", (double)f->refused);
	ok = ok && cJSON_AddNumberToObject(jobs, "completed", (double)f->completed);
	ok = ok && cJSON_AddNumberToObject(jobs, "expired", (double)f->expired);
	cJSON *t = ok ? cJSON_AddObjectToObject(o, "turnaround_h") : NULL;
	ok = t != NULL;
	ok = ok && rs_json_num(t, "p50", f->turnaround_p50_h, FIG_DECIMALS);
	ok = ok && rs_json_num(t, "p95", f->turnaround_p95_h, FIG_DECIMALS);
	ok = ok && rs_json_num(t, "p99", f->turnaround_p99_h, FIG_DECIMALS);
	ok = ok && rs_json_num(t, "max", f->turnaround_max_h, FIG_DECIMALS);
	ok = ok && cJSON_AddNumberToObject(o, "requests_completed", (double)f->requests_completed);
	ok = ok && cJSON_AddNumberToObject(o, "input_tokens", (double)f->input_tokens);
	ok = ok && cJSON_AddNumberToObject(o, "output_tokens", (double)f->output_tokens);
	ok = ok && cJSON_AddNumberToObject(o, "enqueued_tokens_quota", (double)c->enqueued_tokens);
	ok = ok && cJSON_AddNumberToObject(o, "peak_enqueued_tokens", f->peak_enqueued);
	ok = ok && rs_json_num(o, "cost_usd", f->cost_usd, FIG_DECIMALS);
	return ok;
}

bool rs_batch_summary(const rs_config *cfg, const rs_batch *b, cJSON *summary)
{
	if (!b)
		return true;
	cJSON *arr = cJSON_AddArrayToObject(summary, "global_batch");
	bool ok = arr != NULL;
	for (size_t k = 0; ok && k < b->n; k++) {
		rs_batch_figures f;
		rs_batch_figures_get(b, k, &f);
		cJSON *o = cJSON_CreateObject();
		ok = o && cJSON_AddItemToArray(arr, o) && put_dep(cfg, k, &f, o);
	}
	return ok;
}
