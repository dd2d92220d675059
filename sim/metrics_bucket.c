/*
 * metrics_bucket.c - closing a bucket and a minute (metrics_close_bucket,
 * metrics_close_minute, called in time order by rs_metrics_advance in
 * metrics_due.c): the waiting successes added (metrics_flush_samples),
 * every deployment and client sampled at the bucket's end, the time-series
 * rows written through the sink, the total's bucket summed from its
 * clients', the run figures folded from the bucket (metrics_state.h says
 * how), and each provisioned deployment's minute of Utilization V2.
 *
 * Per bucket close O(scopes x (the counts + the bins its samples span));
 * per minute close O(deployments).
 */
#include "metrics_state.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Add the waiting samples to their bucket histograms (before anything
 * reads or merges those: a bucket's close, go_direct, run_hist).  The
 * order of the adds changes nothing a bucket histogram shows: its bins,
 * count, min and max (its sum is not read; the run's is the scope's). */
void metrics_flush_samples(rs_metrics *m)
{
	for (size_t k = 0; k < m->n_samples; k++) {
		const sample *p = &m->samples[k];
		add_sample(m, p->client, p->dep_flags, p->prompt_tokens, p->output_tokens,
		           p->latency_ms, p->ttft_ms);
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

rs_status metrics_close_bucket(rs_metrics *m)
{
	double t_s = rs_time_to_s(m->bucket_start);
	double len_s = rs_time_to_s(m->bucket_end - m->bucket_start);
	sample_scopes(m);
	metrics_flush_samples(m);
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

rs_status metrics_close_minute(rs_metrics *m)
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
