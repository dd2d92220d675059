/*
 * metrics_read.c - the run figures as readers see them (metrics.h): counts,
 * latency, TTFT and time-to-give-up quantiles, means and the CDF of a
 * scope, the provisioned run figures, and the split of refusals as text.
 * A scope's run figures are those folded so far plus its open bucket's
 * (metrics_state.h); the total's are its clients'; a window's view reads
 * its own, counted as they came.
 */
#include "metrics_state.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
	metrics_flush_samples((rs_metrics *)m); /* m is the caller's: never a const object */
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
	metrics_flush_samples((rs_metrics *)m);
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
	metrics_flush_samples((rs_metrics *)m);   /* m is the caller's: never a const object */
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
