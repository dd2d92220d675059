/*
 * job.c - finite jobs and deadline pipelines in the world (issue 9; the
 * model and the figures are in include/ratesim/job.h, the hooks in
 * job_world.h).
 *
 * State: per client, its job counters and two histograms; one pool of
 * pipeline instances shared by the clients (a free list, like the request
 * pool).  An instance lives from its start until it has ended AND its last
 * call has ended (a failed pipeline's calls run on and still point at it).
 *
 * Events (engine payload: a = instance index, b = instance id; a stale
 * event, whose instance ended or was reused, carries another id):
 *   PIPE_DEADLINE  the deadline is due: the pipeline fails if still running
 *   PIPE_NEXT      a call ended: send the calls the step now allows, or
 *                  the next step's first calls
 * A call is asked for with PIPE_CALL (attempt.c sends it), at the same
 * instant: so job.c never calls into attempt.c, and a call is never sent
 * from inside the end of another request.  A call asked for by a pipeline
 * that ended before the PIPE_CALL ran is dropped (jobs_call_starts).
 *
 * A job's next unit follows the end of one (EV_ARRIVAL at that instant),
 * so at most `concurrency` units are out at once; a job of a trace's rows
 * sends row 0, 1, 2, ... in that order, each once, as its units.
 *
 * Cost: O(1) per request and per pipeline event; memory O(clients +
 * pipelines out at once), the figures in fixed-size histograms.
 */
#include "job_world.h"

#include "ratesim/hist.h"
#include "ratesim/metrics.h"

#include <math.h>
#include <stdlib.h>

#define NO_PIPE  UINT32_MAX
#define DAY_US   (86400 * RS_US_PER_S)
#define HOUR_US  (3600 * RS_US_PER_S)
#define MS_PER_S 1e3

typedef enum pipe_end { PIPE_OK, PIPE_DEADLINE, PIPE_429, PIPE_OTHER } pipe_end;

typedef struct pipe_inst {
	uint64_t id; /* unique over the run: tells a stale event */
	rs_time started;
	uint32_t client;
	uint32_t step;      /* the current step */
	uint32_t launched;  /* calls of the current step sent */
	uint32_t done;      /* calls of the current step that succeeded */
	uint32_t in_flight; /* its calls not ended yet, of any step */
	bool ended;
	uint32_t next_free;
} pipe_inst;

typedef struct job_client {
	bool on;          /* a job, an at_once herd or a pipeline client */
	int64_t queued;   /* job: units not started yet */
	int64_t next_row; /* job of a trace's rows: the next unit's row; -1: no trace */
	rs_time start, last_end;
	rs_hist *wait;     /* ms before the last attempt, of the requests that waited */
	uint64_t no_wait;  /* requests whose first attempt was their last */
	rs_hist *pipe_lat; /* ms, succeeded pipelines */
	rs_job_figures fig;
} job_client;

struct rs_jobs {
	job_client *c; /* per client */
	size_t n;
	pipe_inst *pipes;
	uint32_t len, cap, free_head;
	uint64_t next_id;
};

static bool is_unit_client(const rs_client_cfg *cc)
{
	return cc->arrival.process == RS_ARRIVAL_JOB || cc->arrival.process == RS_ARRIVAL_AT_ONCE;
}

static int hour_of(rs_time t)
{
	return (int)((t % DAY_US) / HOUR_US);
}

/* A job or herd's units: its requests, or the rows of the trace it reads. */
static int64_t job_units(const rs_client *c)
{
	return c->trace ? (int64_t)c->trace->n : c->cfg->arrival.requests;
}

/* Schedule the start of a job's next unit at `at` (with its trace row). */
static void unit_next(rs_world *w, uint32_t client, rs_time at)
{
	job_client *jc = &w->jobs->c[client];
	int64_t row = jc->next_row >= 0 ? jc->next_row++ : -1;
	schedule(w, at, EV_ARRIVAL, client, (uint64_t)(row + 1));
}

rs_status jobs_new(rs_world *w, rs_error *err)
{
	w->jobs = NULL;
	bool any = false;
	for (size_t i = 0; i < w->n_clients; i++)
		any = any || is_unit_client(w->clients[i].cfg) || w->clients[i].cfg->pipeline.on;
	if (!any)
		return RS_OK;
	rs_jobs *j = rs_calloc(1, sizeof *j);
	if (!j || !(j->c = rs_calloc(w->n_clients, sizeof *j->c))) {
		free(j);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the jobs");
	}
	j->n = w->n_clients;
	j->free_head = NO_PIPE;
	w->jobs = j;
	for (size_t i = 0; i < w->n_clients; i++) {
		const rs_client_cfg *cc = w->clients[i].cfg;
		job_client *jc = &j->c[i];
		jc->on = is_unit_client(cc) || cc->pipeline.on;
		if (!jc->on)
			continue;
		jc->fig.job = is_unit_client(cc);
		jc->fig.pipeline = cc->pipeline.on;
		jc->fig.units = jc->fig.job ? (uint64_t)job_units(&w->clients[i]) : 0;
		jc->next_row = w->clients[i].trace ? 0 : -1;
		jc->start = rs_time_from_s(cc->arrival.start_s);
		jc->wait = rs_hist_new();
		jc->pipe_lat = rs_hist_new();
		if (!jc->wait || !jc->pipe_lat)
			return rs_fail(err, RS_ERR_NOMEM, "out of memory building the jobs");
	}
	return RS_OK;
}

void jobs_free(rs_jobs *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		rs_hist_free(j->c[i].wait);
		rs_hist_free(j->c[i].pipe_lat);
	}
	free(j->c);
	free(j->pipes);
	free(j);
}

bool jobs_start(rs_world *w, size_t i)
{
	const rs_client_cfg *cc = w->clients[i].cfg;
	if (!w->jobs || cc->arrival.process != RS_ARRIVAL_JOB)
		return false;
	job_client *jc = &w->jobs->c[i];
	int64_t units = job_units(&w->clients[i]);
	int64_t first = units < cc->arrival.concurrency ? units : cc->arrival.concurrency;
	jc->queued = units - first;
	for (int64_t k = 0; k < first; k++)
		unit_next(w, (uint32_t)i, jc->start);
	return true;
}

/* A unit (request or pipeline) of a job or at_once client ended. */
static void unit_ended(rs_world *w, uint32_t client, rs_time now, bool ok)
{
	job_client *jc = &w->jobs->c[client];
	if (!jc->fig.job)
		return;
	if (ok)
		jc->fig.succeeded++;
	else
		jc->fig.failed++;
	jc->last_end = now;
	if (jc->queued > 0) { /* its place goes to the next unit */
		jc->queued--;
		unit_next(w, client, now);
	}
}

/* ---- pipelines ------------------------------------------------------------ */

static uint32_t pipe_new(rs_jobs *j)
{
	if (j->free_head != NO_PIPE) {
		uint32_t s = j->free_head;
		j->free_head = j->pipes[s].next_free;
		return s;
	}
	if (j->len == j->cap) {
		uint32_t cap = j->cap ? j->cap * 2 : POOL_INITIAL;
		pipe_inst *p = rs_realloc_array(j->pipes, cap, sizeof *p);
		if (!p)
			return NO_PIPE;
		j->pipes = p;
		j->cap = cap;
	}
	return j->len++;
}

static void pipe_release(rs_jobs *j, uint32_t k)
{
	pipe_inst *p = &j->pipes[k];
	if (!p->ended || p->in_flight > 0)
		return;
	p->id = 0; /* every pending event of it is stale */
	p->next_free = j->free_head;
	j->free_head = k;
}

static void pipe_finish(rs_world *w, uint32_t k, rs_time now, pipe_end how)
{
	pipe_inst *p = &w->jobs->pipes[k];
	job_client *jc = &w->jobs->c[p->client];
	p->ended = true;
	switch (how) {
	case PIPE_OK:
		jc->fig.pipe_succeeded++;
		rs_hist_add(jc->pipe_lat, rs_time_to_ms(now - p->started));
		break;
	case PIPE_DEADLINE:
		jc->fig.pipe_failed_deadline++;
		break;
	case PIPE_429:
		jc->fig.pipe_failed_429++;
		break;
	case PIPE_OTHER:
		jc->fig.pipe_failed_other++;
		break;
	}
	if (how != PIPE_OK)
		jc->fig.hour_failed[hour_of(p->started)]++;
	uint32_t client = p->client;
	pipe_release(w->jobs, k);
	unit_ended(w, client, now, how == PIPE_OK);
}

/* Ask for the calls the current step allows (EV_PIPE_CALL, at now). */
static void pipe_fill(rs_world *w, uint32_t k, rs_time now)
{
	pipe_inst *p = &w->jobs->pipes[k];
	const rs_pipeline_step *s = &w->clients[p->client].cfg->pipeline.steps[p->step];
	while (!p->ended && p->launched < (uint32_t)s->calls &&
	       p->launched - p->done < (uint32_t)s->parallelism) {
		p->launched++;
		p->in_flight++;
		schedule(w, now, EV_PIPE_CALL, p->client, k + 1);
	}
}

bool jobs_call_starts(rs_world *w, uint32_t pipe)
{
	pipe_inst *p = &w->jobs->pipes[pipe - 1];
	if (!p->ended)
		return true;
	p->in_flight--; /* asked for before the pipeline ended: never sent */
	pipe_release(w->jobs, pipe - 1);
	return false;
}

bool jobs_arrival(rs_world *w, uint32_t client, rs_time now)
{
	if (!w->jobs)
		return false;
	rs_jobs *j = w->jobs;
	if (j->c[client].fig.job)
		j->c[client].fig.started++;
	if (!w->clients[client].cfg->pipeline.on)
		return false;
	uint32_t k = pipe_new(j);
	if (k == NO_PIPE) {
		fail(w, RS_ERR_NOMEM);
		return true;
	}
	uint64_t id = ++j->next_id;
	j->pipes[k] = (pipe_inst){.id = id, .started = now, .client = client};
	job_client *jc = &j->c[client];
	jc->fig.pipelines++;
	jc->fig.hour_started[hour_of(now)]++;
	double deadline_s = w->clients[client].cfg->pipeline.deadline_s;
	if (deadline_s > 0)
		schedule(w, now + rs_time_from_s(deadline_s), EV_PIPE_DEADLINE, k, id);
	pipe_fill(w, k, now);
	return true;
}

/* Call `r` of pipeline pipe - 1 (r's rare fields) ended. */
static void call_ended(rs_world *w, const request *r, rs_time now, bool ok)
{
	uint32_t k = rare_of(w, r)->pipe - 1;
	pipe_inst *p = &w->jobs->pipes[k];
	p->in_flight--;
	if (p->ended) {
		pipe_release(w->jobs, k);
		return;
	}
	if (!ok) {
		pipe_finish(w, k, now, r->retry_after_ms >= 0 ? PIPE_429 : PIPE_OTHER);
		return;
	}
	const rs_pipeline_cfg *pc = &w->clients[p->client].cfg->pipeline;
	if (++p->done == (uint32_t)pc->steps[p->step].calls) {
		if (++p->step == pc->n_steps) {
			pipe_finish(w, k, now, PIPE_OK);
			return;
		}
		p->launched = p->done = 0;
	}
	schedule(w, now, EV_PIPE_NEXT, k, p->id);
}

void jobs_ended(rs_world *w, uint32_t slot, rs_time now, bool ok)
{
	if (!w->jobs)
		return;
	const request *r = &w->pool[slot];
	job_client *jc = &w->jobs->c[r->client];
	if (!jc->on)
		return;
	if (jc->fig.job && r->sent > r->arrived)
		rs_hist_add(jc->wait, rs_time_to_ms(r->sent - r->arrived));
	else if (jc->fig.job)
		jc->no_wait++;
	if (rare_of(w, r)->pipe)
		call_ended(w, r, now, ok);
	else
		unit_ended(w, r->client, now, ok);
}

static void on_pipe_event(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_world *w = ctx;
	rs_time now = rs_engine_now(eng);
	pipe_inst *p = &w->jobs->pipes[ev->a];
	if (p->id != ev->b || p->ended)
		return; /* stale: it ended, or the slot holds another pipeline */
	if (ev->type == EV_PIPE_DEADLINE)
		pipe_finish(w, ev->a, now, PIPE_DEADLINE);
	else
		pipe_fill(w, ev->a, now);
}

void jobs_wire(rs_world *w)
{
	if (!w->jobs)
		return;
	rs_engine_on(w->eng, EV_PIPE_DEADLINE, on_pipe_event, w);
	rs_engine_on(w->eng, EV_PIPE_NEXT, on_pipe_event, w);
}

/* ---- figures -------------------------------------------------------------- */

static double hist_s(const rs_hist *h, double q)
{
	return rs_hist_quantile(h, q) / MS_PER_S;
}

/* The q-quantile of the waits, s, by nearest rank: 0 exactly when the rank
 * falls among the requests that did not wait (the histogram would give its
 * first bin's midpoint), else the histogram's at the rank among the others. */
static double wait_quantile(const job_client *jc, double q)
{
	uint64_t waited = rs_hist_count(jc->wait), n = jc->no_wait + waited;
	if (n == 0)
		return NAN;
	double rank = ceil(q * (double)n);
	if (rank <= (double)jc->no_wait)
		return 0;
	return hist_s(jc->wait, (rank - (double)jc->no_wait) / (double)waited);
}

static double wait_mean(const job_client *jc)
{
	uint64_t waited = rs_hist_count(jc->wait), n = jc->no_wait + waited;
	if (n == 0)
		return NAN;
	return waited ? rs_hist_mean(jc->wait) * (double)waited / (double)n / MS_PER_S : 0;
}

void jobs_report(rs_world *w)
{
	if (!w->jobs)
		return;
	for (size_t i = 0; i < w->jobs->n; i++) {
		job_client *jc = &w->jobs->c[i];
		if (!jc->on)
			continue;
		rs_job_figures *f = &jc->fig;
		f->done = f->job && f->succeeded + f->failed == f->units;
		f->makespan_s = f->done ? rs_time_to_s(jc->last_end - jc->start) : NAN;
		f->wait_mean_s = wait_mean(jc);
		f->wait_p50_s = wait_quantile(jc, 0.5);
		f->wait_p99_s = wait_quantile(jc, 0.99);
		f->wait_max_s = rs_hist_count(jc->wait) ? rs_hist_max(jc->wait) / MS_PER_S
		                                        : (jc->no_wait ? 0 : NAN);
		f->pipe_p50_s = hist_s(jc->pipe_lat, 0.5);
		f->pipe_p90_s = hist_s(jc->pipe_lat, 0.9);
		f->pipe_p99_s = hist_s(jc->pipe_lat, 0.99);
		f->pipe_max_s = rs_hist_max(jc->pipe_lat) / MS_PER_S;
		if (!rs_metrics_set_job(w->metrics, i, f))
			fail(w, RS_ERR_NOMEM);
	}
}
