/*
 * metrics.c - scopes, buckets, minutes and run totals (see metrics.h).
 *
 * Scope layout: [0] total, [1, 1+D) deployments, [1+D, 1+D+C) clients.  Each
 * hook touches at most three scopes (total, the client, the deployment).
 * Per hook O(1); per bucket close O(scopes x (the counts + the bins its
 * samples span, at most the histogram's)); per minute close O(deployments).
 *
 * What an event touches (issue 13: the per-request cost).  An event counts
 * in the bucket of its client and of its deployment only:
 *   - the total is its clients' sum (every hook that counts in the total
 *     counts the same in the event's client): its bucket's counts and
 *     histograms are summed from the clients' when the bucket closes
 *     (total_bucket), its run figures when they are read, its first 429 is
 *     its clients' first; only the run's sums (latency, TTFT, time to give
 *     up) are its own, added sample by sample in their order, since a mean
 *     summed in another order could differ in the last bit;
 *   - the run figures are folded from the bucket when it closes
 *     (fold_bucket): the counts less those of events before the warm-up
 *     (`pre`, counted beside the bucket's for such an event only), and the
 *     histograms merged (bins, count, min and max are exact under merging;
 *     the run's sums are the scope's, kept sample by sample).  A sample
 *     that stays out of the run (a request that arrived in the warm-up)
 *     switches its scope's bucket to direct (go_direct): the bucket's run
 *     samples so far are merged into the run's histograms at once, the
 *     rest are added as they come, and the close merges nothing;
 *   - readers (rs_metrics_run_counts, the quantiles) see the run so far
 *     plus the open bucket, at any time.
 * A success that counts in the run as it is waits, with its counts and
 * sums, in a batch of SAMPLES_MAX (flush_samples), added while the
 * histograms it goes to are in the cache; the batch is added before
 * anything reads or merges a bucket.  Without windows and warm-up, a
 * success costs a record, an attempt the two scopes' counts.
 *
 * Provisioned figures: at each bucket close the deployment is sampled
 * (level, U, the peak since the last sample, running charge totals, which
 * are differenced into the bucket's charges); at each minute close the
 * meter's Utilization V2 of the minute that ended is read, and the minute's
 * offered normalised load is compared with the busiest so far.
 *
 * Windows (issue 11): window w keeps, for the total and each deployment, a
 * scope of its own whose run figures count by the window's [start, end)
 * instead of the warm-up, with the same rules (requests by their arrival,
 * attempts when made, tokens when served), event by event (not folded).
 * rs_metrics_window returns a view, an rs_metrics whose scopes are the
 * window's, so that every reader of run figures reads a window's
 * unchanged.  Cost: O(windows) per hook (one test without windows), three
 * histograms per window and scope (latency, TTFT, failed requests' time to
 * give up; the total's only for the last).
 */
#include "ratesim/metrics.h"

#include "ratesim/hist.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ptu_track {
	/* previous running totals, to difference into bucket charges */
	double charged, actual, corrections, clipped;
	/* the running totals when the warm-up ended (at the end of the last
	 * bucket that started before it), so that the run figures exclude it */
	double warm_charged, warm_actual, warm_corrections, warm_clipped;
	/* run figures after warm-up */
	double util_sum;
	uint64_t util_n;
	double util_peak;
	double v2_sum, v2_max;
	uint64_t v2_n;
	double minute_load; /* normalised offered tokens in the current minute */
	double minute_load_max;
} ptu_track;

/* A scope.  The hot part first: what every event touches, the bucket's
 * counts, its histograms and the run's per-sample sums; the run figures
 * are folded from the bucket's when it closes (see "Folding" above). */
typedef struct scope {
	/* line 0: the run's per-sample sums and the bucket's histograms */
	_Alignas(64) double lat_sum;
	double ttft_sum, fail_sum; /* the run's samples, summed in their order */
	rs_hist *lat_bucket, *ttft_bucket, *fail_bucket;
	bool direct; /* this bucket: run samples go to the run histograms as they come */
	/* lines 1 and 2: the counts every attempt and success touch (metrics.h) */
	_Alignas(64) rs_counts bucket;
	rs_counts pre;   /* counted in the bucket and not in the run (warm-up) */
	rs_counts run;   /* folded at each bucket close (a window's: counted as they come) */
	rs_counts shown; /* what rs_metrics_run_counts shows (run + the open bucket) */
	rs_hist *lat_run, *ttft_run, *fail_run;
	rs_scope_kind kind;
	const char *name;
	double tpm_limit, rpm_limit;
	bool provisioned;
	double output_ratio;
	ptu_track ptu;
	rs_dep_sample dep_smp;    /* deployments: the latest bucket-end sample */
	rs_client_sample cli_smp; /* clients: the same */
	rs_time first_throttled;  /* the first 429 at or after warm-up; INT64_MAX: none */
} scope;

/* A success on its way into its client's and deployment's bucket counts
 * and histograms and the run's sums (flush_samples): added in batches,
 * while those are in the cache, rather than one at a time between the
 * other rooms' work (issue 13: the histograms' adds missed the cache
 * nearly every time).  Only a success that counts in the run as it is,
 * and only while no scope takes its run's samples directly. */
typedef struct sample {
	double latency_ms, ttft_ms;
	uint32_t prompt_tokens, output_tokens;
	uint32_t client;
	uint32_t dep_flags; /* deployment << 2 | retried (not spilled) << 1 | spilled */
} sample;
#define SAMPLES_MAX 1024 /* 32 KB */

struct rs_metrics {
	rs_time warmup, end, bucket;
	rs_time bucket_start, bucket_end;
	int64_t minute; /* the minute in progress */
	size_t n_deployments, n_clients, n_scopes;
	rs_metrics_sink sink;
	scope *scopes;
	rs_router_figures *routers;
	size_t n_routers;
	/* windows: n_windows x (1 + n_deployments) scopes, and a view of each */
	size_t n_windows;
	rs_time *win_start, *win_end;
	scope *win;
	struct rs_metrics *views;
	bool view;       /* a window's view: its scopes count their run figures as they come */
	sample *samples; /* SAMPLES_MAX, n_samples of them waiting */
	size_t n_samples;
	size_t n_direct; /* scopes that take their run's samples directly (go_direct) */
	const struct rs_compute *compute; /* borrowed: the world's (issue 9) */
	const struct rs_batch *batch;     /* borrowed: the world's (issue 9) */
	rs_job_figures *jobs; /* per client, NULL until the world hands them (issue 9) */
};

const char *rs_scope_kind_name(rs_scope_kind k)
{
	switch (k) {
	case RS_SCOPE_TOTAL:
		return "total";
	case RS_SCOPE_DEPLOYMENT:
		return "deployment";
	case RS_SCOPE_CLIENT:
		return "client";
	}
	return "?";
}

static rs_time min_time(rs_time a, rs_time b)
{
	return a < b ? a : b;
}

/* n zeroed scopes on their cache lines (free with free()); NULL when out
 * of memory. */
static scope *scopes_new(size_t n)
{
	n = n ? n : 1;
	if (n > SIZE_MAX / sizeof(scope))
		return NULL;
	scope *sc = aligned_alloc(_Alignof(scope), n * sizeof(scope)); /* a multiple of it */
	if (sc)
		memset(sc, 0, n * sizeof(scope));
	return sc;
}

/* The scopes a window keeps: the total and the deployments. */
static size_t win_scopes(const rs_metrics *m)
{
	return 1 + m->n_deployments;
}

/* Allocate the windows' scopes and views (their names come later, from
 * the run's scopes: windows_name).  False when out of memory. */
static bool windows_new(rs_metrics *m, const rs_metrics_setup *s)
{
	if (s->n_windows == 0)
		return true;
	size_t k = win_scopes(m);
	m->win_start = rs_calloc(s->n_windows, sizeof *m->win_start);
	m->win_end = rs_calloc(s->n_windows, sizeof *m->win_end);
	m->win = scopes_new(s->n_windows * k);
	m->views = rs_calloc(s->n_windows, sizeof *m->views);
	if (!m->win_start || !m->win_end || !m->win || !m->views)
		return false;
	m->n_windows = s->n_windows;
	for (size_t w = 0; w < s->n_windows; w++) {
		m->win_start[w] = rs_time_from_s(s->windows[w].start_s);
		m->win_end[w] = rs_time_from_s(s->windows[w].end_s);
	}
	for (size_t i = 0; i < s->n_windows * k; i++) {
		scope *sc = &m->win[i];
		sc->lat_run = rs_hist_new();
		sc->ttft_run = rs_hist_new();
		sc->fail_run = rs_hist_new();
		if (!sc->lat_run || !sc->ttft_run || !sc->fail_run)
			return false;
	}
	return true;
}

/* The windows' scopes take the run's names and limits; each view is the
 * metrics with the window's scopes in place of the run's. */
static void windows_name(rs_metrics *m)
{
	size_t k = win_scopes(m);
	for (size_t w = 0; w < m->n_windows; w++) {
		for (size_t i = 0; i < k; i++) {
			scope *sc = &m->win[w * k + i], *run = &m->scopes[i];
			sc->kind = run->kind;
			sc->name = run->name;
			sc->tpm_limit = run->tpm_limit;
			sc->rpm_limit = run->rpm_limit;
			sc->provisioned = run->provisioned;
			sc->output_ratio = run->output_ratio;
			sc->first_throttled = INT64_MAX; /* not kept per window */
		}
		rs_metrics *v = &m->views[w];
		*v = *m;
		v->scopes = &m->win[w * k];
		v->n_scopes = k;
		v->n_clients = 0;
		v->n_windows = 0;
		v->views = NULL;
		v->view = true;
	}
}

/* Window w's scope for the run scope sc, when window w counts at time t
 * (and keeps that scope); else NULL. */
static scope *win_scope(rs_metrics *m, size_t w, const scope *sc, rs_time t)
{
	size_t i = (size_t)(sc - m->scopes);
	if (i >= win_scopes(m) || t < m->win_start[w] || t >= m->win_end[w])
		return NULL;
	return &m->win[w * win_scopes(m) + i];
}

size_t rs_metrics_n_windows(const rs_metrics *m)
{
	return m->n_windows;
}

const rs_metrics *rs_metrics_window(const rs_metrics *m, size_t w)
{
	return &m->views[w];
}

rs_metrics *rs_metrics_new(const rs_metrics_setup *s)
{
	rs_metrics *m = rs_calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->warmup = s->warmup;
	m->end = s->end;
	m->bucket = s->bucket;
	m->bucket_start = 0;
	m->bucket_end = min_time(s->bucket, s->end);
	m->n_deployments = s->n_deployments;
	m->n_clients = s->n_clients;
	m->n_scopes = 1 + s->n_deployments + s->n_clients;
	m->sink = s->sink;
	m->scopes = scopes_new(m->n_scopes);
	m->n_routers = s->n_routers;
	m->routers = rs_calloc(s->n_routers, sizeof *m->routers);
	m->samples = rs_calloc(SAMPLES_MAX, sizeof *m->samples);
	if (!m->scopes || !m->routers || !m->samples) {
		free(m->scopes);
		free(m->routers);
		free(m->samples);
		free(m);
		return NULL;
	}
	if (!windows_new(m, s)) {
		rs_metrics_free(m);
		return NULL;
	}
	for (size_t i = 0; i < m->n_scopes; i++) {
		scope *sc = &m->scopes[i];
		sc->tpm_limit = sc->rpm_limit = NAN;
		sc->first_throttled = INT64_MAX;
		if (i == 0) {
			sc->kind = RS_SCOPE_TOTAL;
			sc->name = "total";
		} else if (i <= s->n_deployments) {
			size_t d = i - 1;
			sc->kind = RS_SCOPE_DEPLOYMENT;
			sc->name = s->deployment_names[d];
			sc->tpm_limit = s->tpm_limits[d];
			sc->rpm_limit = s->provisioned[d] ? NAN : s->rpm_limits[d];
			sc->provisioned = s->provisioned[d];
			sc->output_ratio = s->output_ratios[d];
		} else {
			sc->kind = RS_SCOPE_CLIENT;
			sc->name = s->client_names[i - 1 - s->n_deployments];
		}
		sc->lat_bucket = rs_hist_new();
		sc->ttft_bucket = rs_hist_new();
		sc->lat_run = rs_hist_new();
		sc->ttft_run = rs_hist_new();
		sc->fail_bucket = rs_hist_new();
		sc->fail_run = rs_hist_new();
		if (!sc->lat_bucket || !sc->ttft_bucket || !sc->lat_run || !sc->ttft_run ||
		    !sc->fail_bucket || !sc->fail_run) {
			rs_metrics_free(m);
			return NULL;
		}
	}
	windows_name(m);
	return m;
}

void rs_metrics_free(rs_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; m->scopes && i < m->n_scopes; i++) {
		rs_hist_free(m->scopes[i].lat_bucket);
		rs_hist_free(m->scopes[i].ttft_bucket);
		rs_hist_free(m->scopes[i].lat_run);
		rs_hist_free(m->scopes[i].ttft_run);
		rs_hist_free(m->scopes[i].fail_bucket);
		rs_hist_free(m->scopes[i].fail_run);
	}
	for (size_t i = 0; m->win && i < m->n_windows * win_scopes(m); i++) {
		rs_hist_free(m->win[i].lat_run);
		rs_hist_free(m->win[i].ttft_run);
		rs_hist_free(m->win[i].fail_run);
	}
	free(m->win);
	free(m->views);
	free(m->win_start);
	free(m->win_end);
	free(m->scopes);
	free(m->routers);
	free(m->samples);
	free(m->jobs);
	free(m);
}

void rs_metrics_set_router(rs_metrics *m, size_t k, const rs_router_figures *f)
{
	m->routers[k] = *f;
}

void rs_metrics_router(const rs_metrics *m, size_t k, rs_router_figures *out)
{
	*out = m->routers[k];
}

bool rs_metrics_set_job(rs_metrics *m, size_t client, const rs_job_figures *f)
{
	if (!m->jobs && !(m->jobs = rs_calloc(m->n_clients, sizeof *m->jobs)))
		return false;
	m->jobs[client] = *f;
	return true;
}

const rs_job_figures *rs_metrics_job(const rs_metrics *m, size_t client)
{
	const rs_job_figures *f = m->jobs ? &m->jobs[client] : NULL;
	return f && (f->job || f->pipeline) ? f : NULL;
}

void rs_metrics_set_compute(rs_metrics *m, const struct rs_compute *c)
{
	m->compute = c;
}

const struct rs_compute *rs_metrics_compute(const rs_metrics *m)
{
	return m->compute;
}

void rs_metrics_set_batch(rs_metrics *m, const struct rs_batch *b)
{
	m->batch = b;
}

const struct rs_batch *rs_metrics_batch(const rs_metrics *m)
{
	return m->batch;
}

static scope *dep_scope(rs_metrics *m, size_t d)
{
	return &m->scopes[1 + d];
}

static scope *client_scope(rs_metrics *m, size_t c)
{
	return &m->scopes[1 + m->n_deployments + c];
}

/* A deployment sample before the sink fills it: every figure absent (NaN),
 * which is what a standard deployment leaves in the provisioned ones. */
static const rs_dep_sample no_sample = {
    .meter = {NAN, NAN, NAN, NAN},
    .peak_utilisation = NAN,
    .charged = NAN,
    .actual = NAN,
    .corrections = NAN,
    .clipped = NAN,
    .limit_scale = 1.0,
    .abandoned_running = NAN,
};

static const rs_client_sample no_client_sample = {NAN, NAN, NAN};

/* a + b where NaN is "none": the sum of what is there, NaN when nothing. */
static double add_present(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : a + b;
}

/* Sample every deployment and client at the bucket's end, before any row
 * is written: the total row sums them. */
static void sample_scopes(rs_metrics *m)
{
	for (size_t i = 1; i < m->n_scopes; i++) {
		scope *sc = &m->scopes[i];
		if (sc->kind == RS_SCOPE_DEPLOYMENT) {
			sc->dep_smp = no_sample;
			if (m->sink.sample)
				m->sink.sample(m->sink.ctx, i - 1, m->bucket_end, true,
				               &sc->dep_smp);
		} else {
			sc->cli_smp = no_client_sample;
			if (m->sink.client_sample)
				m->sink.client_sample(m->sink.ctx, i - 1 - m->n_deployments,
				                      m->bucket_end, &sc->cli_smp);
		}
	}
}

/* The issue 10 gauges of a row (see rs_ts_row). */
static void gauges(const rs_metrics *m, const scope *sc, rs_ts_row *row)
{
	row->abandoned_running = row->budget_tokens = row->throttle_p = row->queue_len = NAN;
	if (sc->kind == RS_SCOPE_DEPLOYMENT) {
		row->abandoned_running = sc->dep_smp.abandoned_running;
	} else if (sc->kind == RS_SCOPE_CLIENT) {
		row->budget_tokens = sc->cli_smp.budget_tokens;
		row->throttle_p = sc->cli_smp.throttle_p;
		row->queue_len = sc->cli_smp.queue_len;
	} else {
		for (size_t i = 1; i < m->n_scopes; i++) {
			const scope *o = &m->scopes[i];
			if (o->kind == RS_SCOPE_DEPLOYMENT)
				row->abandoned_running = add_present(row->abandoned_running,
				                                     o->dep_smp.abandoned_running);
			else
				row->queue_len = add_present(row->queue_len, o->cli_smp.queue_len);
		}
	}
}

/* Fill the provisioned columns of a deployment row from a sample. */
static void ptu_row(rs_metrics *m, scope *sc, const rs_dep_sample *smp, rs_ts_row *row)
{
	ptu_track *t = &sc->ptu;
	row->peak_utilisation = smp->peak_utilisation;
	row->charged = smp->charged - t->charged;
	row->actual = smp->actual - t->actual;
	row->corrections = smp->corrections - t->corrections;
	row->clipped = smp->clipped - t->clipped;
	t->charged = smp->charged;
	t->actual = smp->actual;
	t->corrections = smp->corrections;
	t->clipped = smp->clipped;
	if (m->bucket_start < m->warmup) {
		t->warm_charged = smp->charged;
		t->warm_actual = smp->actual;
		t->warm_corrections = smp->corrections;
		t->warm_clipped = smp->clipped;
	} else {
		t->util_sum += smp->meter.utilisation;
		t->util_n++;
		if (smp->peak_utilisation > t->util_peak)
			t->util_peak = smp->peak_utilisation;
	}
}

/* Counts as words (rs_counts is uint64_t counts alone). */
#define COUNT_WORDS (sizeof(rs_counts) / sizeof(uint64_t))
_Static_assert(sizeof(rs_counts) % sizeof(uint64_t) == 0, "rs_counts: uint64_t counts only");

/* to += a (- b, when b is given), word by word. */
static void counts_add(rs_counts *to, const rs_counts *a, const rs_counts *b)
{
	uint64_t *t = (uint64_t *)to;
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;
	for (size_t k = 0; k < COUNT_WORDS; k++)
		t[k] += x[k] - (y ? y[k] : 0);
}

/* A success's counts in c. */
static inline void count_success(rs_counts *c, uint64_t retried, uint64_t spilled,
                                 int64_t prompt_tokens, int64_t output_tokens)
{
	c->succeeded++;
	c->succeeded_spilled += spilled;
	c->succeeded_retried += retried;
	c->served++;
	c->prompt_tokens += (uint64_t)prompt_tokens;
	c->output_tokens += (uint64_t)output_tokens;
}

/* Add the waiting samples to their bucket histograms (before anything
 * reads or merges those: a bucket's close, go_direct, run_hist).  The
 * order of the adds changes nothing a bucket histogram shows: its bins,
 * count, min and max (its sum is not read; the run's is the scope's). */
static void flush_samples(rs_metrics *m)
{
	scope *t = &m->scopes[0];
	for (size_t k = 0; k < m->n_samples; k++) {
		const sample *p = &m->samples[k];
		scope *cl = client_scope(m, p->client), *dp = dep_scope(m, p->dep_flags >> 2);
		uint64_t retried = (p->dep_flags >> 1) & 1, spilled = p->dep_flags & 1;
		count_success(&cl->bucket, retried, spilled, p->prompt_tokens, p->output_tokens);
		count_success(&dp->bucket, retried, spilled, p->prompt_tokens, p->output_tokens);
		/* the run's sums, in the order the successes came */
		t->lat_sum += p->latency_ms;
		t->ttft_sum += p->ttft_ms;
		cl->lat_sum += p->latency_ms;
		cl->ttft_sum += p->ttft_ms;
		dp->lat_sum += p->latency_ms;
		dp->ttft_sum += p->ttft_ms;
		rs_hist *lat[2] = {cl->lat_bucket, dp->lat_bucket};
		rs_hist *ttft[2] = {cl->ttft_bucket, dp->ttft_bucket};
		rs_hist_add_all(lat, 2, p->latency_ms);
		rs_hist_add_all(ttft, 2, p->ttft_ms);
	}
	m->n_samples = 0;
}

/* The total's bucket: the sum of its clients' (every event that counts in
 * the total counts the same in its client), counts and histograms. */
static void total_bucket(rs_metrics *m)
{
	scope *t = &m->scopes[0];
	t->bucket = (rs_counts){0};
	rs_hist_reset(t->lat_bucket);
	rs_hist_reset(t->ttft_bucket);
	rs_hist_reset(t->fail_bucket);
	for (size_t c = 0; c < m->n_clients; c++) {
		const scope *cl = &m->scopes[1 + m->n_deployments + c];
		counts_add(&t->bucket, &cl->bucket, NULL);
		rs_hist_merge(t->lat_bucket, cl->lat_bucket);
		rs_hist_merge(t->ttft_bucket, cl->ttft_bucket);
		rs_hist_merge(t->fail_bucket, cl->fail_bucket);
	}
}

/* Fold a closing bucket into the run figures of scope sc (not the total):
 * its counts less those before the warm-up, and its histograms unless the
 * run's samples went to the run's histograms directly (go_direct). */
static void fold_bucket(rs_metrics *m, scope *sc)
{
	counts_add(&sc->run, &sc->bucket, &sc->pre);
	sc->pre = (rs_counts){0};
	if (!sc->direct) {
		rs_hist_merge(sc->lat_run, sc->lat_bucket);
		rs_hist_merge(sc->ttft_run, sc->ttft_bucket);
		rs_hist_merge(sc->fail_run, sc->fail_bucket);
	} else {
		sc->direct = false;
		m->n_direct--;
	}
}

static rs_status close_bucket(rs_metrics *m)
{
	double t_s = rs_time_to_s(m->bucket_start);
	double len_s = rs_time_to_s(m->bucket_end - m->bucket_start);
	sample_scopes(m);
	flush_samples(m);
	total_bucket(m);
	for (size_t i = 0; i < m->n_scopes; i++) {
		scope *sc = &m->scopes[i];
		static const double pct[3] = {0.50, 0.95, 0.99};
		double lat[3], ttft[3], fail[3];
		rs_hist_quantiles(sc->lat_bucket, pct, 3, lat);
		rs_hist_quantiles(sc->ttft_bucket, pct, 3, ttft);
		rs_hist_quantiles(sc->fail_bucket, pct, 3, fail);
		rs_ts_row row = {
		    .t_s = t_s,
		    .length_s = len_s,
		    .kind = sc->kind,
		    .name = sc->name,
		    .c = &sc->bucket,
		    .latency_p50_ms = lat[0],
		    .latency_p95_ms = lat[1],
		    .latency_p99_ms = lat[2],
		    .ttft_p50_ms = ttft[0],
		    .ttft_p95_ms = ttft[1],
		    .ttft_p99_ms = ttft[2],
		    .tpm_limit = sc->tpm_limit,
		    .rpm_limit = sc->rpm_limit,
		    .meter = {NAN, NAN, NAN, NAN},
		    .peak_utilisation = NAN,
		    .charged = NAN,
		    .actual = NAN,
		    .corrections = NAN,
		    .clipped = NAN,
		    .failed_latency_p50_ms = fail[0],
		    .failed_latency_p95_ms = fail[1],
		    .failed_latency_p99_ms = fail[2],
		};
		gauges(m, sc, &row);
		if (sc->kind == RS_SCOPE_DEPLOYMENT && m->sink.sample) {
			const rs_dep_sample smp = sc->dep_smp;
			row.meter = smp.meter;
			/* the limits in force, as the occupancy columns use them */
			row.tpm_limit *= smp.limit_scale;
			row.rpm_limit *= smp.limit_scale;
			if (sc->provisioned)
				ptu_row(m, sc, &smp, &row);
		}
		if (m->sink.row) {
			rs_status st = m->sink.row(m->sink.ctx, &row);
			if (st != RS_OK)
				return st;
		}
		if (i > 0)
			fold_bucket(m, sc);
		sc->bucket = (rs_counts){0};
		rs_hist_reset(sc->lat_bucket);
		rs_hist_reset(sc->ttft_bucket);
		rs_hist_reset(sc->fail_bucket);
	}
	m->bucket_start = m->bucket_end;
	m->bucket_end = min_time(m->bucket_start + m->bucket, m->end);
	return RS_OK;
}

static rs_status close_minute(rs_metrics *m)
{
	int64_t minute = m->minute++;
	bool counted = minute * RS_US_PER_MIN >= m->warmup;
	for (size_t d = 0; d < m->n_deployments; d++) {
		scope *sc = dep_scope(m, d);
		if (!sc->provisioned)
			continue;
		ptu_track *t = &sc->ptu;
		double v2 = m->sink.minute_v2 ? m->sink.minute_v2(m->sink.ctx, d, minute) : NAN;
		if (counted) {
			t->v2_sum += v2;
			t->v2_n++;
			if (t->v2_n == 1 || v2 > t->v2_max)
				t->v2_max = v2;
			if (t->minute_load > t->minute_load_max)
				t->minute_load_max = t->minute_load;
		}
		t->minute_load = 0;
		if (m->sink.minute_row) {
			rs_dep_sample smp = no_sample;
			rs_time at = (minute + 1) * RS_US_PER_MIN;
			double u_end = NAN;
			if (m->sink.sample && at <= m->end) {
				m->sink.sample(m->sink.ctx, d, at, false, &smp);
				u_end = smp.meter.utilisation;
			}
			rs_minute_row row = {.minute = minute,
			                     .name = sc->name,
			                     .utilization_v2 = v2,
			                     .utilisation_end = u_end};
			rs_status st = m->sink.minute_row(m->sink.ctx, &row);
			if (st != RS_OK)
				return st;
		}
	}
	return RS_OK;
}

rs_time rs_metrics_next_due(const rs_metrics *m)
{
	if (m->bucket_start >= m->end)
		return INT64_MAX;
	rs_time minute_end = (m->minute + 1) * RS_US_PER_MIN;
	return minute_end < m->bucket_end ? minute_end : m->bucket_end;
}

rs_status rs_metrics_advance(rs_metrics *m, rs_time now)
{
	/* Close minutes and buckets in time order (a minute first when both end
	 * together): both sample the meters, which only move forward in time. */
	for (;;) {
		rs_time minute_end = (m->minute + 1) * RS_US_PER_MIN;
		bool minute_due = minute_end <= now && minute_end <= m->end;
		bool bucket_due = now >= m->bucket_end && m->bucket_start < m->end;
		rs_status st;
		if (minute_due && (!bucket_due || minute_end <= m->bucket_end))
			st = close_minute(m);
		else if (bucket_due)
			st = close_bucket(m);
		else
			return RS_OK;
		if (st != RS_OK)
			return st;
	}
}

/* The scopes an event touches at most (total, client, deployment). */
#define TOUCH_MAX 3

/* Add every count of `delta` to the run counts of each window that holds
 * time t, in the scopes a, b and c (NULL: none; a window keeps the
 * total's and the deployments').  Out of TOUCH's line, with the scopes by
 * value, so that a hook without windows keeps its scopes in registers. */
static void windows_add(rs_metrics *m, scope *a, scope *b, scope *c, rs_time t,
                        const rs_counts *delta)
{
	scope *const sc[TOUCH_MAX] = {a, b, c};
	for (size_t i = 0; i < TOUCH_MAX; i++)
		for (size_t w = 0; sc[i] && w < m->n_windows; w++) {
			scope *ws = win_scope(m, w, sc[i], t);
			if (ws)
				counts_add(&ws->run, delta, NULL);
		}
}

/* Apply `stmt_on_c` (which only adds to counts) to the bucket counts of
 * the n scopes in sc_list (a client, a deployment: the total is its
 * clients' sum, total_bucket), to their warm-up counts too when time t is
 * before the warm-up (left out of the run when the bucket folds), and to
 * the counts of each window that holds t (the total's when with_total):
 * with windows the statement fills a delta that windows_add spreads, so
 * that without them the hook pays one branch and no loop. */
#define TOUCH(with_total, sc_list, n, t, stmt_on_c)                                                \
	do {                                                                                       \
		const size_t n_ = (n);                                                             \
		const bool pre_ = (t) < m->warmup;                                                 \
		for (size_t i_ = 0; i_ < n_; i_++) {                                               \
			scope *s_ = (sc_list)[i_];                                                 \
			rs_counts *c = &s_->bucket;                                                \
			stmt_on_c;                                                                 \
			if (pre_) {                                                                \
				c = &s_->pre;                                                      \
				stmt_on_c;                                                         \
			}                                                                          \
		}                                                                                  \
		if (m->n_windows > 0) {                                                            \
			rs_counts delta_ = {0}, *c = &delta_;                                      \
			stmt_on_c;                                                                 \
			windows_add(m, (with_total) ? &m->scopes[0] : NULL, (sc_list)[0],          \
			            n_ > 1 ? (sc_list)[1] : NULL, (t), &delta_);                   \
		}                                                                                  \
	} while (0)

/* The first 429 of each scope an answer touches (alerts.h: the lead time;
 * the total's is its clients' first). */
static void note_throttled(rs_metrics *m, rs_time now, scope **sc, size_t n)
{
	for (size_t i = 0; i < n && now >= m->warmup; i++)
		if (now < sc[i]->first_throttled)
			sc[i]->first_throttled = now;
}

/* A sample of a request that arrived before the warm-up is on its way into
 * sc's bucket histograms, and must stay out of its run's: the run's samples
 * so far (the whole bucket) go to the run histograms now, and the rest of
 * the bucket's as they come (fold_bucket then leaves the bucket alone). */
static void go_direct(rs_metrics *m, scope *sc)
{
	if (sc->direct)
		return;
	flush_samples(m);
	rs_hist_merge(sc->lat_run, sc->lat_bucket);
	rs_hist_merge(sc->ttft_run, sc->ttft_bucket);
	rs_hist_merge(sc->fail_run, sc->fail_bucket);
	sc->direct = true;
	m->n_direct++;
}

void rs_metrics_on_offered(rs_metrics *m, rs_time now, size_t client)
{
	scope *sc[2] = {client_scope(m, client), NULL};
	TOUCH(true, sc, 1, now, c->offered++);
}

/* The counts every attempt the client made adds, in c. */
static inline void count_attempt(rs_counts *c, rs_answer answer, uint64_t is_retry,
                                 uint64_t spilled)
{
	c->attempts++;
	c->ok += answer == RS_ANS_OK;
	c->throttled += answer == RS_ANS_THROTTLED;
	c->errors += answer == RS_ANS_ERROR || answer == RS_ANS_HANG;
	c->retries += is_retry;
	c->spilled += spilled;
}

/* An attempt's counts (count_attempt) in the warm-up counts of the n scopes
 * sc when `now` is in the warm-up, and in the windows that hold it: what
 * TOUCH does beside the bucket counts, out of the hook's line. */
static void attempt_rest(rs_metrics *m, rs_time now, scope *const *sc, size_t n, rs_answer answer,
                         uint64_t is_retry, uint64_t spilled)
{
	for (size_t i = 0; i < n && now < m->warmup; i++)
		count_attempt(&sc[i]->pre, answer, is_retry, spilled);
	if (m->n_windows > 0) {
		rs_counts delta = {0};
		count_attempt(&delta, answer, is_retry, spilled);
		windows_add(m, &m->scopes[0], sc[0], n > 1 ? sc[1] : NULL, now, &delta);
	}
}

/* The same for the offered load of a first attempt (offered_load). */
static void offered_rest(rs_metrics *m, rs_time now, scope *dep, const rs_tokens *tok)
{
	scope *sc[1] = {dep};
	rs_counts delta = {0}, *c = &delta;
	c->offered_prompt_tokens += (uint64_t)tok->prompt;
	c->offered_cached_tokens += (uint64_t)tok->cached;
	c->offered_output_tokens += (uint64_t)tok->output;
	if (now < m->warmup)
		counts_add(&dep->pre, &delta, NULL);
	if (m->n_windows > 0)
		windows_add(m, NULL, sc[0], NULL, now, &delta);
}

/* A first attempt adds the request's tokens to the deployment's offered load. */
static inline void offered_load(rs_metrics *m, rs_time now, scope *dep, const rs_tokens *tok)
{
	rs_counts *c = &dep->bucket;
	c->offered_prompt_tokens += (uint64_t)tok->prompt;
	c->offered_cached_tokens += (uint64_t)tok->cached;
	c->offered_output_tokens += (uint64_t)tok->output;
	if (now < m->warmup || m->n_windows > 0)
		offered_rest(m, now, dep, tok);
	if (dep->provisioned)
		dep->ptu.minute_load +=
		    (double)(tok->prompt - tok->cached) + dep->output_ratio * (double)tok->output;
}

void rs_metrics_on_attempt_answer(rs_metrics *m, rs_time now, size_t client, size_t deployment,
                                  rs_answer answer, bool is_retry, bool spilled,
                                  unsigned router_retries, const rs_tokens *tokens)
{
	rs_metrics_on_attempt_answer_by(m, now, client, deployment, answer, RS_BY_NONE, is_retry,
	                                spilled, router_retries, tokens);
}

void rs_metrics_on_attempt_answer_by(rs_metrics *m, rs_time now, size_t client, size_t deployment,
                                     rs_answer answer, rs_refuser by, bool is_retry, bool spilled,
                                     unsigned router_retries, const rs_tokens *tokens)
{
	bool has_dep = deployment != SIZE_MAX;
	scope *sc[2] = {client_scope(m, client), has_dep ? dep_scope(m, deployment) : NULL};
	size_t n = has_dep ? 2u : 1u;
	count_attempt(&sc[0]->bucket, answer, is_retry, spilled);
	if (has_dep)
		count_attempt(&sc[1]->bucket, answer, is_retry, spilled);
	if (now < m->warmup || m->n_windows > 0)
		attempt_rest(m, now, sc, n, answer, is_retry, spilled);
	if (router_retries > 0) /* adding none changes nothing */
		TOUCH(true, sc, 1, now, c->router_retries += router_retries);
	if (answer == RS_ANS_THROTTLED) { /* who refused: counted apart, only for a 429 */
		if (by == RS_BY_NONE || by >= RS_BY_CLIENT) /* a 429 always has a party behind it */
			by = has_dep ? RS_BY_SERVICE : RS_BY_ROUTER;
		TOUCH(true, sc, n, now, c->refused_by[by]++);
		note_throttled(m, now, sc, n);
	}
	if (has_dep && !is_retry && !spilled)
		offered_load(m, now, sc[1], tokens);
}

void rs_metrics_on_attempt(rs_metrics *m, rs_time now, size_t client, size_t deployment,
                           bool admitted, bool is_retry, bool spilled, const rs_tokens *tokens)
{
	rs_metrics_on_attempt_answer(m, now, client, deployment,
	                             admitted ? RS_ANS_OK : RS_ANS_THROTTLED, is_retry, spilled, 0,
	                             tokens);
}

void rs_metrics_on_deployment_answer(rs_metrics *m, rs_time now, size_t deployment,
                                     rs_answer answer, bool passed_on, bool is_retry,
                                     const rs_tokens *tokens)
{
	scope *sc[2] = {dep_scope(m, deployment), NULL};
	TOUCH(false, sc, 1, now, {
		c->attempts++;
		c->ok += answer == RS_ANS_OK;
		c->throttled += answer == RS_ANS_THROTTLED;
		c->refused_by[RS_BY_SERVICE] += answer == RS_ANS_THROTTLED; /* its own meter */
		c->errors += answer == RS_ANS_ERROR || answer == RS_ANS_HANG;
		c->retries += is_retry;
		c->spilled_out += passed_on;
	});
	if (answer == RS_ANS_THROTTLED)
		note_throttled(m, now, sc, 1);
	if (!is_retry)
		offered_load(m, now, sc[0], tokens);
}

void rs_metrics_on_backend_attempt(rs_metrics *m, rs_time now, size_t deployment, bool admitted,
                                   bool passed_on, bool is_retry, const rs_tokens *tokens)
{
	rs_metrics_on_deployment_answer(m, now, deployment, admitted ? RS_ANS_OK : RS_ANS_THROTTLED,
	                                passed_on, is_retry, tokens);
}

/* One more of the count at field_offset in a client's scope (and so the
 * total's), and in the total's of each window that holds `now`. */
static void client_count(rs_metrics *m, rs_time now, size_t client, size_t field_offset)
{
	scope *sc = client_scope(m, client);
	(*(uint64_t *)((char *)&sc->bucket + field_offset))++;
	if (now < m->warmup)
		(*(uint64_t *)((char *)&sc->pre + field_offset))++;
	for (size_t w = 0; w < m->n_windows; w++) {
		scope *ws = win_scope(m, w, &m->scopes[0], now);
		if (ws)
			(*(uint64_t *)((char *)&ws->run + field_offset))++;
	}
}

void rs_metrics_on_timeout(rs_metrics *m, rs_time now, size_t client)
{
	client_count(m, now, client, offsetof(rs_counts, timeouts));
}

void rs_metrics_on_rejected_locally(rs_metrics *m, rs_time now, size_t client)
{
	client_count(m, now, client, offsetof(rs_counts, rejected_locally));
	client_count(m, now, client, offsetof(rs_counts, refused_by[RS_BY_CLIENT]));
}

void rs_metrics_on_retry_denied(rs_metrics *m, rs_time now, size_t client)
{
	client_count(m, now, client, offsetof(rs_counts, retries_denied));
}

void rs_metrics_on_hedge(rs_metrics *m, rs_time now, size_t client, size_t deployment,
                         rs_answer answer, rs_refuser by, unsigned router_retries)
{
	bool has_dep = deployment != SIZE_MAX;
	if (by == RS_BY_NONE || by >= RS_BY_CLIENT) /* a 429 always has a party behind it */
		by = has_dep ? RS_BY_SERVICE : RS_BY_ROUTER;
	scope *sc[2] = {client_scope(m, client), has_dep ? dep_scope(m, deployment) : NULL};
	size_t n = has_dep ? 2u : 1u;
	TOUCH(true, sc, n, now, {
		c->attempts++;
		c->ok += answer == RS_ANS_OK;
		c->throttled += answer == RS_ANS_THROTTLED;
		c->refused_by[by] += answer == RS_ANS_THROTTLED;
		c->errors += answer == RS_ANS_ERROR || answer == RS_ANS_HANG;
	});
	if (answer == RS_ANS_THROTTLED)
		note_throttled(m, now, sc, n);
	TOUCH(true, sc, 1, now, {
		c->router_retries += router_retries;
		c->hedges_sent++;
	});
}

void rs_metrics_on_hedge_won(rs_metrics *m, rs_time now, size_t client)
{
	client_count(m, now, client, offsetof(rs_counts, hedges_won));
}

/* A success in window w's scopes (the total's and the deployment's; the
 * client's is not kept), by the rules of the run figures. */
static void window_success(rs_metrics *m, size_t w, scope *const sc[3], rs_time now,
                           rs_time arrived, size_t lat_bin, size_t ttft_bin, double latency_ms,
                           double ttft_ms, int64_t prompt_tokens, int64_t output_tokens,
                           bool retried, bool spilled)
{
	for (size_t i = 0; i < 3; i++) {
		scope *req = win_scope(m, w, sc[i], arrived), *srv = win_scope(m, w, sc[i], now);
		if (req) {
			req->run.succeeded++;
			req->run.succeeded_spilled += spilled;
			req->run.succeeded_retried += retried && !spilled;
			rs_hist *const lat[1] = {req->lat_run}, *const ttft[1] = {req->ttft_run};
			rs_hist_add_each(lat, 1, lat_bin, latency_ms);
			rs_hist_add_each(ttft, 1, ttft_bin, ttft_ms);
		}
		if (srv) {
			srv->run.served++;
			srv->run.prompt_tokens += (uint64_t)prompt_tokens;
			srv->run.output_tokens += (uint64_t)output_tokens;
		}
	}
}

/* A success in every window's scopes (out of the hook's line: a run
 * without windows does not pay for their arguments). */
static void windows_success(rs_metrics *m, scope *const sc[3], rs_time now, rs_time arrived,
                            size_t lat_bin, size_t ttft_bin, double latency_ms, double ttft_ms,
                            int64_t prompt_tokens, int64_t output_tokens, bool retried,
                            bool spilled)
{
	for (size_t w = 0; w < m->n_windows; w++)
		window_success(m, w, sc, now, arrived, lat_bin, ttft_bin, latency_ms, ttft_ms,
		               prompt_tokens, output_tokens, retried, spilled);
}

/* A success in the warm-up, or of a request that arrived in it: what the
 * run leaves out goes to the warm-up counts as well, and a request that
 * arrived in the warm-up keeps its sample out of the run's histograms
 * (go_direct, before the sample is added).  Out of the hook's line. */
static void warmup_success(rs_metrics *m, scope *const sc[2], rs_time now, rs_time arrived,
                           uint64_t retried, uint64_t spilled, int64_t prompt_tokens,
                           int64_t output_tokens)
{
	for (size_t i = 0; i < 2; i++) {
		rs_counts *p = &sc[i]->pre;
		if (arrived < m->warmup) {
			p->succeeded++;
			p->succeeded_spilled += spilled;
			p->succeeded_retried += retried;
			go_direct(m, sc[i]);
		}
		if (now < m->warmup) {
			p->served++;
			p->prompt_tokens += (uint64_t)prompt_tokens;
			p->output_tokens += (uint64_t)output_tokens;
		}
	}
}

/* A success's sample added now (not in a batch): to the bucket histograms,
 * to the run's of the scopes that take them directly, and to the windows'. */
static void success_now(rs_metrics *m, scope *const sc[2], rs_time now, rs_time arrived,
                        bool req_counted, double latency_ms, double ttft_ms, int64_t prompt_tokens,
                        int64_t output_tokens, bool retried, bool spilled)
{
	rs_hist *lat[4] = {sc[0]->lat_bucket, sc[1]->lat_bucket};
	rs_hist *ttft[4] = {sc[0]->ttft_bucket, sc[1]->ttft_bucket};
	size_t nh = 2;
	for (size_t i = 0; i < 2 && req_counted; i++)
		if (sc[i]->direct) {
			lat[nh] = sc[i]->lat_run;
			ttft[nh++] = sc[i]->ttft_run;
		}
	size_t lat_bin = rs_hist_add_all(lat, nh, latency_ms);
	size_t ttft_bin = rs_hist_add_all(ttft, nh, ttft_ms);
	if (m->n_windows > 0) {
		scope *const all[3] = {&m->scopes[0], sc[0], sc[1]};
		windows_success(m, all, now, arrived, lat_bin, ttft_bin, latency_ms, ttft_ms,
		                prompt_tokens, output_tokens, retried, spilled);
	}
}

/* A success counted now, not in a batch (rs_metrics_on_success says when):
 * out of the hook's line, so that the batch's way pays for nothing else. */
__attribute__((noinline)) static void success_slow(rs_metrics *m, rs_time now, rs_time arrived,
                                                   size_t client, size_t deployment,
                                                   double latency_ms, double ttft_ms,
                                                   int64_t prompt_tokens, int64_t output_tokens,
                                                   bool retried, bool spilled)
{
	uint64_t n_retried = retried && !spilled, n_spilled = spilled;
	flush_samples(m); /* the run's sums stay in the order the successes came */
	scope *const sc[2] = {client_scope(m, client), dep_scope(m, deployment)};
	count_success(&sc[0]->bucket, n_retried, n_spilled, prompt_tokens, output_tokens);
	count_success(&sc[1]->bucket, n_retried, n_spilled, prompt_tokens, output_tokens);
	bool req_counted = arrived >= m->warmup;
	if (!req_counted || now < m->warmup)
		warmup_success(m, sc, now, arrived, n_retried, n_spilled, prompt_tokens,
		               output_tokens);
	if (req_counted) {
		scope *t = &m->scopes[0];
		t->lat_sum += latency_ms;
		t->ttft_sum += ttft_ms;
		sc[0]->lat_sum += latency_ms;
		sc[0]->ttft_sum += ttft_ms;
		sc[1]->lat_sum += latency_ms;
		sc[1]->ttft_sum += ttft_ms;
	}
	success_now(m, sc, now, arrived, req_counted, latency_ms, ttft_ms, prompt_tokens,
	            output_tokens, retried, spilled);
}

void rs_metrics_on_success(rs_metrics *m, rs_time now, rs_time arrived, size_t client,
                           size_t deployment, double latency_ms, double ttft_ms,
                           int64_t prompt_tokens, int64_t output_tokens, bool retried, bool spilled)
{
	/* The common case waits in a batch (flush_samples): a success that
	 * counts in the run as it is, with no scope taking its run's samples
	 * directly, no windows, and figures that fit the batch's record. */
	if (arrived < m->warmup || m->n_direct > 0 || m->n_windows > 0 || client > UINT32_MAX ||
	    deployment >= ((size_t)1 << 30) || (uint64_t)prompt_tokens > UINT32_MAX ||
	    (uint64_t)output_tokens > UINT32_MAX) {
		success_slow(m, now, arrived, client, deployment, latency_ms, ttft_ms,
		             prompt_tokens, output_tokens, retried, spilled);
		return;
	}
	if (m->n_samples == SAMPLES_MAX)
		flush_samples(m);
	m->samples[m->n_samples++] = (sample){
	    .latency_ms = latency_ms,
	    .ttft_ms = ttft_ms,
	    .prompt_tokens = (uint32_t)prompt_tokens,
	    .output_tokens = (uint32_t)output_tokens,
	    .client = (uint32_t)client,
	    .dep_flags = (uint32_t)deployment << 2 | (uint32_t)(retried && !spilled) << 1 |
	                 (uint32_t)spilled,
	};
}

void rs_metrics_on_failed(rs_metrics *m, rs_time now, rs_time arrived, size_t client)
{
	scope *sc[2] = {client_scope(m, client), NULL};
	TOUCH(true, sc, 1, arrived, c->failed++);
	/* its time to give up, beside the successes' latency (issue 10) */
	double ms = rs_time_to_ms(now - arrived);
	bool counted = arrived >= m->warmup;
	if (!counted)
		go_direct(m, sc[0]);
	rs_hist *h[2] = {sc[0]->fail_bucket};
	size_t nh = 1;
	if (counted) {
		m->scopes[0].fail_sum += ms;
		sc[0]->fail_sum += ms;
		if (sc[0]->direct)
			h[nh++] = sc[0]->fail_run;
	}
	size_t bin = rs_hist_bin(h[0], ms);
	rs_hist_add_each(h, nh, bin, ms);
	for (size_t w = 0; w < m->n_windows; w++) {
		scope *ws = win_scope(m, w, &m->scopes[0], arrived); /* windows keep the total's */
		if (ws) {
			rs_hist *const wh[1] = {ws->fail_run};
			rs_hist_add_each(wh, 1, bin, ms);
		}
	}
}

/* The histograms of a scope: latency, TTFT, failed requests' time to give up. */
enum { H_LAT, H_TTFT, H_FAIL };

static rs_hist *run_hist_k(const scope *sc, int k)
{
	return k == H_LAT ? sc->lat_run : k == H_TTFT ? sc->ttft_run : sc->fail_run;
}

/* Scope sc's run samples of histogram k into out: the run's folded so far,
 * and the open bucket's unless they went to the run's directly. */
static void add_run_samples(rs_hist *out, const scope *sc, int k)
{
	rs_hist_merge(out, run_hist_k(sc, k));
	if (!sc->direct)
		rs_hist_merge(out, k == H_LAT    ? sc->lat_bucket
		                   : k == H_TTFT ? sc->ttft_bucket
		                                 : sc->fail_bucket);
}

/* Run histogram k of scope i, for reading (its bins, count, min and max;
 * the run's sum is the scope's, run_sum).  A window's view, and a scope
 * whose open bucket holds no run sample (the run's end), read their own;
 * else it is built in the total's run histogram, which holds nothing of
 * its own (the total's is its clients'), and is valid until the next read. */
static const rs_hist *run_hist(const rs_metrics *m, size_t i, int k)
{
	const scope *sc = &m->scopes[i];
	if (m->view)
		return run_hist_k(sc, k);
	const rs_hist *b = k == H_LAT    ? sc->lat_bucket
	                   : k == H_TTFT ? sc->ttft_bucket
	                                 : sc->fail_bucket;
	flush_samples((rs_metrics *)m); /* m is the caller's: never a const object */
	if (i > 0 && (sc->direct || rs_hist_count(b) == 0))
		return run_hist_k(sc, k);
	rs_hist *out = run_hist_k(&m->scopes[0], k);
	rs_hist_reset(out);
	if (i == 0)
		for (size_t c = 0; c < m->n_clients; c++)
			add_run_samples(out, &m->scopes[1 + m->n_deployments + c], k);
	else
		add_run_samples(out, sc, k);
	return out;
}

/* The mean of run histogram k of scope i (NaN without a sample): the sum
 * of its samples in the order they came, as rs_hist_mean. */
static double run_mean(const rs_metrics *m, size_t i, int k)
{
	const scope *sc = &m->scopes[i];
	if (m->view)
		return rs_hist_mean(run_hist_k(sc, k));
	flush_samples((rs_metrics *)m);
	uint64_t n = rs_hist_count(run_hist(m, i, k));
	double sum = k == H_LAT ? sc->lat_sum : k == H_TTFT ? sc->ttft_sum : sc->fail_sum;
	return n ? sum / (double)n : NAN;
}

double rs_metrics_failed_quantile(const rs_metrics *m, size_t i, double q)
{
	return rs_hist_quantile(run_hist(m, i, H_FAIL), q);
}

double rs_metrics_failed_max(const rs_metrics *m, size_t i)
{
	return rs_hist_max(run_hist(m, i, H_FAIL));
}

double rs_metrics_failed_mean(const rs_metrics *m, size_t i)
{
	return run_mean(m, i, H_FAIL);
}

void rs_metrics_refusal_text(const rs_counts *c, char *buf, size_t size)
{
	int parties = 0;
	for (int k = RS_BY_SERVICE; k < RS_BY_COUNT; k++)
		parties += c->refused_by[k] > 0;
	if (size)
		buf[0] = '\0';
	size_t len = 0;
	for (int k = RS_BY_SERVICE; parties > 1 && k < RS_BY_COUNT && len < size; k++) {
		if (!c->refused_by[k])
			continue;
		int n =
		    snprintf(buf + len, size - len, "%s%s %llu", len ? ", " : " (",
		             rs_refuser_name((rs_refuser)k), (unsigned long long)c->refused_by[k]);
		len += n > 0 ? (size_t)n : 0;
	}
	if (parties > 1 && len < size)
		snprintf(buf + len, size - len, ")");
}

size_t rs_metrics_n_scopes(const rs_metrics *m)
{
	return m->n_scopes;
}

/* A window's counts as they are; a scope's the run's folded so far and
 * the open bucket's less its warm-up counts (the total: its clients'). */
const rs_counts *rs_metrics_run_counts(const rs_metrics *m, size_t i)
{
	const scope *sc = &m->scopes[i];
	if (m->view)
		return &sc->run;
	flush_samples((rs_metrics *)m);           /* m is the caller's: never a const object */
	rs_counts *out = (rs_counts *)&sc->shown; /* the readers' scratch, no figure */
	*out = (rs_counts){0};
	size_t from = i, to = i + 1;
	if (i == 0) {
		from = 1 + m->n_deployments;
		to = from + m->n_clients;
	}
	for (size_t k = from; k < to; k++) {
		counts_add(out, &m->scopes[k].run, NULL);
		counts_add(out, &m->scopes[k].bucket, &m->scopes[k].pre);
	}
	return out;
}

rs_time rs_metrics_first_throttled(const rs_metrics *m, size_t i)
{
	rs_time t = m->scopes[i].first_throttled;
	if (i == 0 && !m->view) /* the total's: its clients' first */
		for (size_t c = 0; c < m->n_clients; c++)
			t = min_time(t, m->scopes[1 + m->n_deployments + c].first_throttled);
	return t == INT64_MAX ? -1 : t;
}

double rs_metrics_latency_quantile(const rs_metrics *m, size_t i, double q)
{
	return rs_hist_quantile(run_hist(m, i, H_LAT), q);
}

double rs_metrics_latency_max(const rs_metrics *m, size_t i)
{
	return rs_hist_max(run_hist(m, i, H_LAT));
}

double rs_metrics_latency_mean(const rs_metrics *m, size_t i)
{
	return run_mean(m, i, H_LAT);
}

double rs_metrics_ttft_quantile(const rs_metrics *m, size_t i, double q)
{
	return rs_hist_quantile(run_hist(m, i, H_TTFT), q);
}

void rs_metrics_ptu_run(const rs_metrics *m, size_t d, rs_ptu_run *out)
{
	const ptu_track *t = &m->scopes[1 + d].ptu;
	*out = (rs_ptu_run){
	    .utilisation_mean = t->util_n ? t->util_sum / (double)t->util_n : NAN,
	    .utilisation_peak = t->util_n ? t->util_peak : NAN,
	    .v2_mean = t->v2_n ? t->v2_sum / (double)t->v2_n : NAN,
	    .v2_max = t->v2_n ? t->v2_max : NAN,
	    .peak_minute_normalised_tpm = t->v2_n ? t->minute_load_max : NAN,
	    .charged = t->charged - t->warm_charged,
	    .actual = t->actual - t->warm_actual,
	    .corrections = t->corrections - t->warm_corrections,
	    .clipped = t->clipped - t->warm_clipped,
	};
}

typedef struct cdf_ctx {
	void (*fn)(void *ctx, double ms, double fraction);
	void *ctx;
	double total, seen;
} cdf_ctx;

static void cdf_bin(void *ctx, double lo, double hi, uint64_t n)
{
	cdf_ctx *c = ctx;
	(void)lo;
	c->seen += (double)n;
	c->fn(c->ctx, hi, c->seen / c->total);
}

void rs_metrics_latency_cdf(const rs_metrics *m, size_t scope_i,
                            void (*fn)(void *ctx, double ms, double fraction), void *ctx)
{
	const rs_hist *h = run_hist(m, scope_i, H_LAT);
	cdf_ctx c = {.fn = fn, .ctx = ctx, .total = (double)rs_hist_count(h)};
	if (c.total > 0)
		rs_hist_each(h, cdf_bin, &c);
}
