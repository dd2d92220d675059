/*
 * metrics.c - the metrics' set-up and the hooks every event calls (see
 * metrics.h).  The state, and what an event touches and why, are in
 * metrics_state.h; closing buckets and minutes is metrics_bucket.c, the
 * run figures as readers see them metrics_read.c.
 *
 * Per hook O(1) (O(windows) with windows): an event counts in its client's
 * and its deployment's bucket only; a success waits in a batch
 * (metrics_flush_samples) unless a scope takes its samples directly.
 */
#include "metrics_state.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		v->client_scopes = NULL; /* a view keeps no client */
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
	if (m->scopes)
		m->client_scopes = &m->scopes[1 + m->n_deployments];
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
	free(m->due);
	free(m->due_order);
	free(m->due_count);
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
	metrics_flush_samples(m);
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
	metrics_flush_samples(m); /* the run's sums stay in the order the successes came */
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
	assert(m->n_due == 0 || m->settling); /* metrics_due.c: one way or the other */
	/* The common case waits in a batch (metrics_flush_samples): a success that
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
		metrics_flush_samples(m);
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
