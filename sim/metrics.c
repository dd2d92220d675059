/*
 * metrics.c - scopes, buckets and run totals (see metrics.h).
 *
 * Scope layout: [0] total, [1, 1+D) deployments, [1+D, 1+D+C) clients.  Each
 * hook touches at most three scopes (total, the client, the deployment),
 * each with a bucket and a run counter set.  Cost per hook O(1); per bucket
 * close O(scopes x histogram bins).
 */
#include "ratesim/metrics.h"

#include "ratesim/hist.h"

#include <math.h>
#include <stdlib.h>

typedef struct scope {
	rs_scope_kind kind;
	const char *name;
	double tpm_limit, rpm_limit;
	rs_counts bucket, run;
	rs_hist *lat_bucket, *ttft_bucket, *lat_run, *ttft_run;
} scope;

struct rs_metrics {
	rs_time warmup, end, bucket;
	rs_time bucket_start, bucket_end;
	size_t n_deployments, n_clients, n_scopes;
	rs_metrics_sink sink;
	scope *scopes;
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

rs_metrics *rs_metrics_new(const rs_metrics_setup *s)
{
	rs_metrics *m = rs_calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->warmup = s->warmup;
	m->end = s->end;
	m->bucket = s->bucket;
	m->bucket_start = 0;
	m->bucket_end = s->bucket < s->end ? s->bucket : s->end;
	m->n_deployments = s->n_deployments;
	m->n_clients = s->n_clients;
	m->n_scopes = 1 + s->n_deployments + s->n_clients;
	m->sink = s->sink;
	m->scopes = rs_calloc(m->n_scopes, sizeof *m->scopes);
	if (!m->scopes) {
		free(m);
		return NULL;
	}
	for (size_t i = 0; i < m->n_scopes; i++) {
		scope *sc = &m->scopes[i];
		sc->tpm_limit = sc->rpm_limit = NAN;
		if (i == 0) {
			sc->kind = RS_SCOPE_TOTAL;
			sc->name = "total";
		} else if (i <= s->n_deployments) {
			sc->kind = RS_SCOPE_DEPLOYMENT;
			sc->name = s->deployment_names[i - 1];
			sc->tpm_limit = s->tpm_limits[i - 1];
			sc->rpm_limit = s->rpm_limits[i - 1];
		} else {
			sc->kind = RS_SCOPE_CLIENT;
			sc->name = s->client_names[i - 1 - s->n_deployments];
		}
		sc->lat_bucket = rs_hist_new();
		sc->ttft_bucket = rs_hist_new();
		sc->lat_run = rs_hist_new();
		sc->ttft_run = rs_hist_new();
		if (!sc->lat_bucket || !sc->ttft_bucket || !sc->lat_run || !sc->ttft_run) {
			rs_metrics_free(m);
			return NULL;
		}
	}
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
	}
	free(m->scopes);
	free(m);
}

static scope *dep_scope(rs_metrics *m, size_t d)
{
	return &m->scopes[1 + d];
}

static scope *client_scope(rs_metrics *m, size_t c)
{
	return &m->scopes[1 + m->n_deployments + c];
}

static rs_status close_bucket(rs_metrics *m)
{
	double t_s = rs_time_to_s(m->bucket_start);
	double len_s = rs_time_to_s(m->bucket_end - m->bucket_start);
	for (size_t i = 0; i < m->n_scopes; i++) {
		scope *sc = &m->scopes[i];
		rs_ts_row row = {
			.t_s = t_s,
			.length_s = len_s,
			.kind = sc->kind,
			.name = sc->name,
			.c = &sc->bucket,
			.latency_p50_ms = rs_hist_quantile(sc->lat_bucket, 0.50),
			.latency_p95_ms = rs_hist_quantile(sc->lat_bucket, 0.95),
			.latency_p99_ms = rs_hist_quantile(sc->lat_bucket, 0.99),
			.ttft_p50_ms = rs_hist_quantile(sc->ttft_bucket, 0.50),
			.ttft_p95_ms = rs_hist_quantile(sc->ttft_bucket, 0.95),
			.ttft_p99_ms = rs_hist_quantile(sc->ttft_bucket, 0.99),
			.tpm_limit = sc->tpm_limit,
			.rpm_limit = sc->rpm_limit,
			.meter = {NAN, NAN, NAN, NAN},
		};
		if (sc->kind == RS_SCOPE_DEPLOYMENT && m->sink.sample)
			m->sink.sample(m->sink.ctx, i - 1, m->bucket_end, &row.meter);
		if (m->sink.row) {
			rs_status st = m->sink.row(m->sink.ctx, &row);
			if (st != RS_OK)
				return st;
		}
		sc->bucket = (rs_counts){0};
		rs_hist_reset(sc->lat_bucket);
		rs_hist_reset(sc->ttft_bucket);
	}
	m->bucket_start = m->bucket_end;
	m->bucket_end = m->bucket_start + m->bucket < m->end ? m->bucket_start + m->bucket : m->end;
	return RS_OK;
}

rs_status rs_metrics_advance(rs_metrics *m, rs_time now)
{
	while (now >= m->bucket_end && m->bucket_start < m->end) {
		rs_status st = close_bucket(m);
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}

/* Apply `fn` to the bucket counts of the scopes an event touches, and to
 * their run counts when `counted`. */
#define TOUCH(m, sc_list, n, counted, stmt_on_c)                                                   \
	do {                                                                                       \
		for (size_t i_ = 0; i_ < (n); i_++) {                                              \
			rs_counts *c = &(sc_list)[i_]->bucket;                                     \
			stmt_on_c;                                                                 \
			if (counted) {                                                             \
				c = &(sc_list)[i_]->run;                                           \
				stmt_on_c;                                                         \
			}                                                                          \
		}                                                                                  \
	} while (0)

void rs_metrics_on_offered(rs_metrics *m, rs_time now, size_t client)
{
	scope *sc[2] = {&m->scopes[0], client_scope(m, client)};
	TOUCH(m, sc, 2, now >= m->warmup, c->offered++);
}

void rs_metrics_on_attempt(rs_metrics *m, rs_time now, size_t client, size_t deployment,
			   bool admitted, bool is_retry, bool spilled)
{
	scope *sc[3] = {&m->scopes[0], client_scope(m, client), dep_scope(m, deployment)};
	TOUCH(m, sc, 3, now >= m->warmup, {
		c->attempts++;
		c->ok += admitted;
		c->throttled += !admitted;
		c->retries += is_retry;
		c->spilled += spilled;
	});
}

void rs_metrics_on_backend_attempt(rs_metrics *m, rs_time now, size_t deployment, bool admitted)
{
	scope *sc[1] = {dep_scope(m, deployment)};
	TOUCH(m, sc, 1, now >= m->warmup, {
		c->attempts++;
		c->ok += admitted;
		c->throttled += !admitted;
	});
}

void rs_metrics_on_success(rs_metrics *m, rs_time now, rs_time arrived, size_t client,
			   size_t deployment, double latency_ms, double ttft_ms,
			   int64_t prompt_tokens, int64_t output_tokens)
{
	scope *sc[3] = {&m->scopes[0], client_scope(m, client), dep_scope(m, deployment)};
	bool req_counted = arrived >= m->warmup;
	bool served_counted = now >= m->warmup;
	size_t lat_bin = rs_hist_bin(sc[0]->lat_run, latency_ms);
	size_t ttft_bin = rs_hist_bin(sc[0]->ttft_run, ttft_ms);
	for (size_t i = 0; i < 3; i++) {
		sc[i]->bucket.succeeded++;
		sc[i]->bucket.prompt_tokens += (uint64_t)prompt_tokens;
		sc[i]->bucket.output_tokens += (uint64_t)output_tokens;
		rs_hist_add_at(sc[i]->lat_bucket, lat_bin, latency_ms);
		rs_hist_add_at(sc[i]->ttft_bucket, ttft_bin, ttft_ms);
		if (req_counted) {
			sc[i]->run.succeeded++;
			rs_hist_add_at(sc[i]->lat_run, lat_bin, latency_ms);
			rs_hist_add_at(sc[i]->ttft_run, ttft_bin, ttft_ms);
		}
		sc[i]->bucket.served++;
		if (served_counted) {
			sc[i]->run.served++;
			sc[i]->run.prompt_tokens += (uint64_t)prompt_tokens;
			sc[i]->run.output_tokens += (uint64_t)output_tokens;
		}
	}
}

void rs_metrics_on_failed(rs_metrics *m, rs_time now, rs_time arrived, size_t client)
{
	scope *sc[2] = {&m->scopes[0], client_scope(m, client)};
	TOUCH(m, sc, 2, arrived >= m->warmup, c->failed++);
}

size_t rs_metrics_n_scopes(const rs_metrics *m)
{
	return m->n_scopes;
}

const rs_counts *rs_metrics_run_counts(const rs_metrics *m, size_t i)
{
	return &m->scopes[i].run;
}

double rs_metrics_latency_quantile(const rs_metrics *m, size_t i, double q)
{
	return rs_hist_quantile(m->scopes[i].lat_run, q);
}

double rs_metrics_latency_max(const rs_metrics *m, size_t i)
{
	return rs_hist_max(m->scopes[i].lat_run);
}

double rs_metrics_ttft_quantile(const rs_metrics *m, size_t i, double q)
{
	return rs_hist_quantile(m->scopes[i].ttft_run, q);
}
