/*
 * test_metrics.c - counters, buckets, warm-up and PTU minutes (metrics.h).
 *
 * The hooks are driven by hand, with a fake sink that copies every row it
 * is given and answers the meter samples and the per-minute Utilization V2
 * from formulas of the time, so that every figure below is known in advance.
 *
 * The run: two deployments (0 "std", standard; 1 "ptu", provisioned, output
 * ratio 3) and two clients (0 "alice", 1 "bob"); warm-up 20 s, end 185 s,
 * buckets of 30 s: [0,30) ... [150,180) and a last, shorter [180,185).
 * Scopes: 0 total, 1 std, 2 ptu, 3 alice, 4 bob.  Minutes [0,60), [60,120)
 * and [120,180) close; the partial [180,185) does not.
 */
#include "ratesim/metrics.h"

#include "ratesim/hist.h"

#include "harness.h"

#define S(x)       ((rs_time)((x)*1e6 + 0.5)) /* seconds to rs_time */
#define N_DEP      2
#define N_CLI      2
#define N_SCOPES   (1 + N_DEP + N_CLI)
#define MAX_ROWS   128
#define MAX_EVENTS 512

enum { TOTAL = 0, STD = 1, PTU = 2, ALICE = 3, BOB = 4 };

typedef struct cap_row {
	double t_s, length_s;
	rs_scope_kind kind;
	const char *name;
	rs_counts c;
	double lat_p50, lat_p99;
	double tpm_limit, rpm_limit;
	rs_meter_state meter;
	double peak, charged, actual;
	double fail_p50, fail_p99, abandoned, budget, throttle_p, queue;
} cap_row;

typedef struct fake {
	cap_row rows[MAX_ROWS];
	size_t n_rows;
	rs_minute_row minutes[16];
	size_t n_minutes;
	/* every sink call in order: 'B' row, 'M' minute row */
	char events[MAX_EVENTS];
	size_t n_events;
	/* the time of the latest sample of each deployment, and whether any
	 * sample came earlier than the one before (a meter asserts on that) */
	rs_time last_sample[N_DEP];
	int backwards;
	size_t fail_after_rows; /* row() fails once this many rows are in; 0 = never */
} fake;

static rs_status fake_row(void *ctx, const rs_ts_row *r)
{
	fake *f = ctx;
	if (f->fail_after_rows && f->n_rows >= f->fail_after_rows)
		return RS_ERR_IO;
	if (f->n_rows < MAX_ROWS) {
		f->rows[f->n_rows++] = (cap_row){
		    .t_s = r->t_s,
		    .length_s = r->length_s,
		    .kind = r->kind,
		    .name = r->name,
		    .c = *r->c,
		    .lat_p50 = r->latency_p50_ms,
		    .lat_p99 = r->latency_p99_ms,
		    .tpm_limit = r->tpm_limit,
		    .rpm_limit = r->rpm_limit,
		    .meter = r->meter,
		    .peak = r->peak_utilisation,
		    .charged = r->charged,
		    .actual = r->actual,
		    .fail_p50 = r->failed_latency_p50_ms,
		    .fail_p99 = r->failed_latency_p99_ms,
		    .abandoned = r->abandoned_running,
		    .budget = r->budget_tokens,
		    .throttle_p = r->throttle_p,
		    .queue = r->queue_len,
		};
	}
	if (f->n_events < MAX_EVENTS)
		f->events[f->n_events++] = 'B';
	return RS_OK;
}

/* Meter figures as formulas of the time t (s): utilisation t / 1000, the
 * peak since the last bucket t / 500, running charge totals 10 t and 5 t. */
static void fake_sample(void *ctx, size_t d, rs_time now, bool take_peak, rs_dep_sample *out)
{
	fake *f = ctx;
	double t = rs_time_to_s(now);
	if (d < N_DEP) {
		if (now < f->last_sample[d])
			f->backwards++;
		f->last_sample[d] = now;
	}
	out->meter = (rs_meter_state){.tpm_occupancy = 0.25 + (double)d,
	                              .rpm_occupancy = 0.5,
	                              .level = 100.0 * t,
	                              .utilisation = t / 1000.0};
	out->peak_utilisation = take_peak ? t / 500.0 : NAN;
	out->charged = 10.0 * t;
	out->actual = 5.0 * t;
	out->corrections = t;
	out->clipped = 0.0;
	if (take_peak) /* deployment d runs d + 1 abandoned attempts */
		out->abandoned_running = (double)d + 1;
}

/* Client c: budget 10 (c + 1) tokens, P = 0.25; only alice (0) has a
 * queue, of 3; bob (1) has no adaptive throttling. */
static void fake_client_sample(void *ctx, size_t c, rs_time now, rs_client_sample *out)
{
	(void)ctx;
	(void)now;
	out->budget_tokens = 10.0 * (double)(c + 1);
	if (c == 0) {
		out->throttle_p = 0.25;
		out->queue_len = 3;
	}
}

/* Utilization V2 of minute m of deployment d: 0.1 (m + 1) (d + 1). */
static double fake_v2(void *ctx, size_t d, int64_t minute)
{
	(void)ctx;
	return 0.1 * (double)(minute + 1) * (double)(d + 1);
}

static rs_status fake_minute_row(void *ctx, const rs_minute_row *r)
{
	fake *f = ctx;
	if (f->n_minutes < sizeof f->minutes / sizeof f->minutes[0])
		f->minutes[f->n_minutes++] = *r;
	if (f->n_events < MAX_EVENTS)
		f->events[f->n_events++] = 'M';
	return RS_OK;
}

static const char *const dep_names[N_DEP] = {"std", "ptu"};
static const char *const cli_names[N_CLI] = {"alice", "bob"};
static const double tpm_limits[N_DEP] = {1000.0, 37500.0};
static const double rpm_limits[N_DEP] = {6.0, 0.0};
static const bool provisioned[N_DEP] = {false, true};
static const double output_ratios[N_DEP] = {1.0, 3.0};

static rs_metrics *new_metrics(fake *f)
{
	memset(f, 0, sizeof *f);
	rs_metrics_setup s = {
	    .n_deployments = N_DEP,
	    .n_clients = N_CLI,
	    .deployment_names = dep_names,
	    .client_names = cli_names,
	    .tpm_limits = tpm_limits,
	    .rpm_limits = rpm_limits,
	    .provisioned = provisioned,
	    .output_ratios = output_ratios,
	    .warmup = S(20),
	    .end = S(185),
	    .bucket = S(30),
	    .sink = {.row = fake_row,
	             .sample = fake_sample,
	             .minute_v2 = fake_v2,
	             .minute_row = fake_minute_row,
	             .client_sample = fake_client_sample,
	             .ctx = f},
	};
	rs_metrics *m = rs_metrics_new(&s);
	if (!m)
		TH_FAIL("rs_metrics_new failed");
	return m;
}

/* Buckets close when time reaches their end, never earlier; each close
 * gives one row per scope, total first, then the deployments, then the
 * clients; the last bucket is cut at the run's end. */
static void test_bucket_times_and_rows(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	CHECK_I64(rs_metrics_n_scopes(m), N_SCOPES);
	CHECK(rs_metrics_advance(m, S(29.999999)) == RS_OK);
	CHECK_I64(f.n_rows, 0);
	CHECK(rs_metrics_advance(m, S(30)) == RS_OK);
	CHECK_I64(f.n_rows, N_SCOPES);
	static const char *const order[N_SCOPES] = {"total", "std", "ptu", "alice", "bob"};
	static const rs_scope_kind kinds[N_SCOPES] = {RS_SCOPE_TOTAL, RS_SCOPE_DEPLOYMENT,
	                                              RS_SCOPE_DEPLOYMENT, RS_SCOPE_CLIENT,
	                                              RS_SCOPE_CLIENT};
	for (size_t i = 0; i < N_SCOPES && i < f.n_rows; i++) {
		CHECK_STR(f.rows[i].name, order[i]);
		CHECK(f.rows[i].kind == kinds[i]);
		CHECK(f.rows[i].t_s == 0.0);
		CHECK(f.rows[i].length_s == 30.0);
	}
	/* Step through the rest one bucket at a time. */
	for (int b = 2; b <= 6; b++) {
		CHECK(rs_metrics_advance(m, S(30 * b) - 1) == RS_OK);
		CHECK_I64(f.n_rows, (b - 1) * N_SCOPES);
		CHECK(rs_metrics_advance(m, S(30 * b)) == RS_OK);
		CHECK_I64(f.n_rows, b * N_SCOPES);
	}
	CHECK(rs_metrics_advance(m, S(184)) == RS_OK);
	CHECK_I64(f.n_rows, 6 * N_SCOPES);
	CHECK(rs_metrics_advance(m, S(185)) == RS_OK);
	CHECK_I64(f.n_rows, 7 * N_SCOPES);
	if (f.n_rows == 7 * N_SCOPES) {
		for (size_t i = 6 * N_SCOPES; i < 7 * N_SCOPES; i++) {
			CHECK(f.rows[i].t_s == 180.0);
			CHECK(f.rows[i].length_s == 5.0); /* the shorter last bucket */
		}
		for (size_t i = 0; i < f.n_rows; i += N_SCOPES) /* total first, always */
			CHECK(f.rows[i].kind == RS_SCOPE_TOTAL);
	}
	/* Nothing closes after the end. */
	CHECK(rs_metrics_advance(m, S(1000)) == RS_OK);
	CHECK_I64(f.n_rows, 7 * N_SCOPES);
	rs_metrics_free(m);
}

/* Deployment rows carry the limits and the meter; a standard deployment's
 * RPM limit is its own, a provisioned one's is NaN, and its charges are the
 * bucket's differences of the running totals (10 t: 300 per 30 s). */
static void test_deployment_row_figures(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	CHECK(rs_metrics_advance(m, S(60)) == RS_OK);
	CHECK_I64(f.n_rows, 2 * N_SCOPES);
	if (f.n_rows == 2 * N_SCOPES) {
		const cap_row *std = &f.rows[N_SCOPES + STD], *ptu = &f.rows[N_SCOPES + PTU];
		CHECK(std->tpm_limit == 1000.0);
		CHECK(std->rpm_limit == 6.0);
		CHECK(std->meter.tpm_occupancy == 0.25);
		CHECK(isnan(std->charged) && isnan(std->peak));
		CHECK(ptu->tpm_limit == 37500.0);
		CHECK(isnan(ptu->rpm_limit));
		CHECK_NEAR(ptu->meter.utilisation, 0.06, 1e-12); /* sampled at 60 s */
		CHECK_NEAR(ptu->peak, 0.12, 1e-12);
		CHECK_NEAR(ptu->charged, 300.0, 1e-9); /* 600 - 300 */
		CHECK_NEAR(ptu->actual, 150.0, 1e-9);
		CHECK(isnan(f.rows[N_SCOPES + TOTAL].meter.utilisation));
		CHECK(isnan(f.rows[N_SCOPES + ALICE].tpm_limit));
	}
	rs_metrics_free(m);
}

/* Warm-up: a request that arrived at 10 s and succeeded at 25 s is not in
 * the run's offered or succeeded, nor in its latency figures, but its
 * tokens are in the run's served / prompt / output tokens (served after
 * warm-up); and it is in bucket [0,30), which counts everything. */
static void test_warmup_rules(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	rs_tokens tok = {1000, 0, 100};
	rs_metrics_on_offered(m, S(10), 0);
	rs_metrics_on_attempt(m, S(10), 0, 0, true, false, false, &tok);
	rs_metrics_on_success(m, S(25), S(10), 0, 0, 15000.0, 400.0, 1000, 100, false, false);
	/* One arriving and failing before warm-up: counted nowhere in the run. */
	rs_metrics_on_offered(m, S(12), 1);
	rs_metrics_on_failed(m, S(15), S(12), 1);
	/* A request served entirely before warm-up: no run figure at all. */
	rs_metrics_on_offered(m, S(5), 1);
	rs_metrics_on_success(m, S(6), S(5), 1, 0, 1000.0, 300.0, 50, 5, false, false);

	for (size_t sc = 0; sc < N_SCOPES; sc++) {
		const rs_counts *r = rs_metrics_run_counts(m, sc);
		th_cur = sc == TOTAL ? "warmup total" : sc == ALICE ? "warmup alice" : "warmup";
		CHECK_I64(r->offered, 0);
		CHECK_I64(r->succeeded, 0);
		CHECK_I64(r->failed, 0);
		CHECK_I64(r->attempts, 0); /* the attempt was at 10 s */
	}
	th_cur = "test_warmup_rules";
	static const size_t with_tokens[] = {TOTAL, STD, ALICE};
	for (size_t i = 0; i < 3; i++) {
		const rs_counts *r = rs_metrics_run_counts(m, with_tokens[i]);
		CHECK_I64(r->served, 1);
		CHECK_I64(r->prompt_tokens, 1000);
		CHECK_I64(r->output_tokens, 100);
	}
	CHECK_I64(rs_metrics_run_counts(m, BOB)->served, 0);
	CHECK_I64(rs_metrics_run_counts(m, PTU)->served, 0);
	CHECK(isnan(rs_metrics_latency_quantile(m, TOTAL, 0.5)));
	CHECK(isnan(rs_metrics_latency_max(m, TOTAL)));

	/* The first bucket counts all of it. */
	CHECK(rs_metrics_advance(m, S(30)) == RS_OK);
	CHECK_I64(f.n_rows, N_SCOPES);
	if (f.n_rows == N_SCOPES) {
		const rs_counts *b = &f.rows[TOTAL].c;
		CHECK_I64(b->offered, 3);
		CHECK_I64(b->succeeded, 2);
		CHECK_I64(b->failed, 1);
		CHECK_I64(b->attempts, 1);
		CHECK_I64(b->served, 2);
		CHECK_I64(b->prompt_tokens, 1050);
		CHECK_I64(b->output_tokens, 105);
		CHECK_I64(f.rows[BOB].c.offered, 2);
		CHECK_I64(f.rows[BOB].c.failed, 1);
		CHECK_I64(f.rows[STD].c.offered_prompt_tokens, 1000);
	}
	rs_metrics_free(m);
}

/* Conservation over the run: offered = succeeded + failed + in flight.
 * After warm-up alice offers 3 (one succeeds, one fails, one is still in
 * flight at the end) and bob 2 (one succeeds after a 429 and a retry, one
 * in flight). */
static void test_offered_conservation(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	rs_tokens tok = {500, 100, 50};
	for (int i = 0; i < 3; i++) {
		rs_metrics_on_offered(m, S(21 + i), 0);
		rs_metrics_on_attempt(m, S(21 + i), 0, 1, true, false, false, &tok);
	}
	rs_metrics_on_offered(m, S(24), 1);
	rs_metrics_on_attempt(m, S(24), 1, 0, false, false, false, &tok);
	rs_metrics_on_attempt(m, S(26), 1, 0, true, true, false, &tok);
	rs_metrics_on_offered(m, S(27), 1);
	rs_metrics_on_attempt(m, S(27), 1, 0, true, false, false, &tok);

	rs_metrics_on_success(m, S(25), S(21), 0, 1, 4000.0, 500.0, 500, 50, false, false);
	rs_metrics_on_failed(m, S(26), S(22), 0);
	rs_metrics_on_success(m, S(29), S(24), 1, 0, 5000.0, 600.0, 500, 50, true, false);

	const rs_counts *t = rs_metrics_run_counts(m, TOTAL);
	const rs_counts *a = rs_metrics_run_counts(m, ALICE);
	const rs_counts *b = rs_metrics_run_counts(m, BOB);
	CHECK_I64(t->offered, 5);
	CHECK_I64(t->succeeded, 2);
	CHECK_I64(t->failed, 1);
	CHECK_I64(t->offered - t->succeeded - t->failed, 2); /* in flight */
	CHECK_I64(a->offered, 3);
	CHECK_I64(a->succeeded + a->failed, 2);
	CHECK_I64(b->offered, 2);
	CHECK_I64(b->succeeded, 1);
	CHECK_I64(b->succeeded_retried, 1);
	CHECK_I64(a->offered + b->offered, t->offered);
	/* Attempts: 6 in all, one a retry, one throttled. */
	CHECK_I64(t->attempts, 6);
	CHECK_I64(t->retries, 1);
	CHECK_I64(t->throttled, 1);
	CHECK_I64(t->ok, 5);
	CHECK_I64(rs_metrics_run_counts(m, STD)->attempts, 3);
	CHECK_I64(rs_metrics_run_counts(m, PTU)->attempts, 3);
	/* Offered load: first attempts only (the retry adds nothing). */
	const rs_counts *std = rs_metrics_run_counts(m, STD);
	CHECK_I64(std->offered_prompt_tokens, 1000);
	CHECK_I64(std->offered_cached_tokens, 200);
	CHECK_I64(std->offered_output_tokens, 100);
	CHECK_I64(rs_metrics_run_counts(m, PTU)->offered_prompt_tokens, 1500);
	rs_metrics_free(m);
}

/* An attempt as a spillover source saw it counts in that deployment's scope
 * only: not in the total, not in any client. */
static void test_backend_attempt_only_deployment(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	rs_tokens tok = {800, 0, 100};
	/* The PTU deployment refuses and passes the attempt on ... */
	rs_metrics_on_backend_attempt(m, S(30), 1, false, true, false, &tok);
	/* ... and the standard one serves it (the client's attempt). */
	rs_metrics_on_attempt(m, S(30), 0, 0, true, false, true, &tok);

	const rs_counts *p = rs_metrics_run_counts(m, PTU);
	CHECK_I64(p->attempts, 1);
	CHECK_I64(p->throttled, 1);
	CHECK_I64(p->ok, 0);
	CHECK_I64(p->spilled_out, 1);
	CHECK_I64(p->offered_prompt_tokens, 800);
	const rs_counts *t = rs_metrics_run_counts(m, TOTAL);
	CHECK_I64(t->attempts, 1); /* the client's attempt only */
	CHECK_I64(t->throttled, 0);
	CHECK_I64(t->spilled, 1);
	CHECK_I64(t->spilled_out, 0);
	CHECK_I64(rs_metrics_run_counts(m, ALICE)->attempts, 1);
	CHECK_I64(rs_metrics_run_counts(m, ALICE)->throttled, 0);
	CHECK_I64(rs_metrics_run_counts(m, BOB)->attempts, 0);
	const rs_counts *s = rs_metrics_run_counts(m, STD);
	CHECK_I64(s->attempts, 1);
	CHECK_I64(s->spilled, 1);
	CHECK_I64(s->offered_prompt_tokens, 0); /* a spilled attempt is not offered load */
	/* A retry passed on adds no offered load. */
	rs_metrics_on_backend_attempt(m, S(31), 1, false, true, true, &tok);
	p = rs_metrics_run_counts(m, PTU); /* the figures as of the call */
	t = rs_metrics_run_counts(m, TOTAL);
	CHECK_I64(p->attempts, 2);
	CHECK_I64(p->retries, 1);
	CHECK_I64(p->offered_prompt_tokens, 800);
	CHECK_I64(t->attempts, 1);
	rs_metrics_free(m);
}

/* Latency quantiles of the run by nearest rank over a hand-known set: the
 * ten successes of 100, 200, ..., 1000 ms after warm-up.  p50 is the 5th,
 * 500 ms, p90 the 9th, 900 ms, each within the histogram's 1%; p100 is the
 * exact max.  A 5 s success of a request that arrived in warm-up is not in
 * the run's figures.  Scopes split the set: alice had the odd hundreds. */
static void test_latency_quantiles(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	/* Time moves forward: advance before each event, as the world does. */
	CHECK(rs_metrics_advance(m, S(21)) == RS_OK);
	rs_metrics_on_success(m, S(21), S(19), 0, 0, 5000.0, 5000.0, 10, 1, false, false);
	for (int i = 1; i <= 10; i++) {
		size_t client = (size_t)(i % 2 == 1 ? 0 : 1);
		CHECK(rs_metrics_advance(m, S(30 + i)) == RS_OK);
		rs_metrics_on_success(m, S(30 + i), S(25 + i), client, 0, 100.0 * i, 10.0 * i, 10,
		                      1, false, false);
	}
	CHECK_NEAR(rs_metrics_latency_quantile(m, TOTAL, 0.5), 500.0, 5.0);
	CHECK_NEAR(rs_metrics_latency_quantile(m, TOTAL, 0.9), 900.0, 9.0);
	CHECK(rs_metrics_latency_quantile(m, TOTAL, 1.0) == 1000.0);
	CHECK(rs_metrics_latency_max(m, TOTAL) == 1000.0);
	CHECK_NEAR(rs_metrics_ttft_quantile(m, TOTAL, 0.5), 50.0, 0.5);
	CHECK(rs_metrics_ttft_quantile(m, TOTAL, 1.0) == 100.0);
	CHECK(rs_metrics_latency_max(m, STD) == 1000.0);
	/* alice: 100, 300, 500, 700, 900 -> p50 is 500, max 900. */
	CHECK_NEAR(rs_metrics_latency_quantile(m, ALICE, 0.5), 500.0, 5.0);
	CHECK(rs_metrics_latency_max(m, ALICE) == 900.0);
	/* bob: 200 ... 1000 -> p50 is 600. */
	CHECK_NEAR(rs_metrics_latency_quantile(m, BOB, 0.5), 600.0, 6.0);
	CHECK(isnan(rs_metrics_latency_quantile(m, PTU, 0.5)));
	CHECK_I64(rs_metrics_run_counts(m, TOTAL)->succeeded, 10);
	CHECK_I64(rs_metrics_run_counts(m, TOTAL)->served, 11); /* the warm-up one served at 21 s */
	/* Bucket [30,60) has the ten: its p50 is 500 too, p99 the 10th. */
	CHECK(rs_metrics_advance(m, S(60)) == RS_OK);
	CHECK_I64(f.n_rows, 2 * N_SCOPES);
	if (f.n_rows == 2 * N_SCOPES) {
		CHECK_NEAR(f.rows[N_SCOPES].lat_p50, 500.0, 5.0);
		CHECK(f.rows[N_SCOPES].lat_p99 == 1000.0);
		CHECK(f.rows[N_SCOPES + ALICE].lat_p99 == 900.0);
		CHECK(f.rows[0].lat_p99 == 5000.0); /* bucket [0,30) has the warm-up one */
	}
	rs_metrics_free(m);
}

/* Failed requests' time to give up (issue 10): now - arrived, for the
 * total and the client, in the run when the request arrived after warm-up
 * and in the bucket of the failure either way; not a deployment figure.
 * The bucket-end gauges: deployments' abandoned attempts (total: their
 * sum), the clients' budget, P and queue (total: the queues' sum). */
static void test_failed_latency_and_gauges(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	CHECK(rs_metrics_advance(m, S(25)) == RS_OK);
	rs_metrics_on_failed(m, S(25), S(10), 0); /* arrived in warm-up: 15 s, bucket only */
	CHECK(rs_metrics_advance(m, S(40)) == RS_OK);
	rs_metrics_on_failed(m, S(40), S(38), 0); /* 2 s */
	rs_metrics_on_failed(m, S(40), S(36), 1); /* 4 s */
	CHECK_I64(rs_metrics_run_counts(m, TOTAL)->failed, 2);
	CHECK_NEAR(rs_metrics_failed_quantile(m, TOTAL, 0.5), 2000.0, 20.0);
	CHECK(rs_metrics_failed_max(m, TOTAL) == 4000.0);
	CHECK(rs_metrics_failed_mean(m, TOTAL) == 3000.0);
	CHECK(rs_metrics_failed_max(m, ALICE) == 2000.0);
	CHECK(rs_metrics_failed_max(m, BOB) == 4000.0);
	CHECK(isnan(rs_metrics_failed_mean(m, STD)));
	CHECK(rs_metrics_advance(m, S(60)) == RS_OK);
	CHECK_I64(f.n_rows, 2 * N_SCOPES);
	if (f.n_rows == 2 * N_SCOPES) {
		CHECK(f.rows[TOTAL].fail_p99 == 15000.0); /* [0,30): the warm-up one */
		CHECK(f.rows[N_SCOPES + TOTAL].fail_p99 == 4000.0);
		CHECK(f.rows[N_SCOPES + ALICE].fail_p50 == 2000.0);
		CHECK(isnan(f.rows[N_SCOPES + STD].fail_p50));
		const cap_row *t = &f.rows[N_SCOPES + TOTAL];
		CHECK(t->abandoned == 3.0 && t->queue == 3.0); /* 1 + 2; alice's 3 */
		CHECK(isnan(t->budget) && isnan(t->throttle_p));
		CHECK(f.rows[N_SCOPES + PTU].abandoned == 2.0);
		CHECK(isnan(f.rows[N_SCOPES + PTU].queue));
		CHECK(f.rows[N_SCOPES + BOB].budget == 20.0);
		CHECK(isnan(f.rows[N_SCOPES + BOB].throttle_p) &&
		      isnan(f.rows[N_SCOPES + BOB].queue));
		CHECK(f.rows[N_SCOPES + ALICE].throttle_p == 0.25);
		CHECK(isnan(f.rows[N_SCOPES + ALICE].abandoned));
	}
	rs_metrics_free(m);
}

/* The sink calls of the whole run, in time order: bucket [0,30) at 30 s;
 * at 60 s minute 0 and then bucket [30,60) (a minute closes before the
 * bucket that ends with it); [60,90); minute 1 and [90,120); [120,150);
 * minute 2 and [150,180); [180,185).  N_SCOPES rows per bucket (B), one
 * minute row (M) for the one provisioned deployment. */
static void check_event_order(fake *f)
{
	char want[64];
	size_t n = 0;
	for (const char *p = "BMBBMBBMBB"; *p; p++) {
		int k = *p == 'B' ? N_SCOPES : 1;
		for (int j = 0; j < k; j++)
			want[n++] = *p;
	}
	want[n] = '\0';
	CHECK_I64(f->n_events, n);
	f->events[f->n_events < MAX_EVENTS ? f->n_events : MAX_EVENTS - 1] = '\0';
	CHECK_STR(f->events, want);
}

/* PTU minutes, one advance at a time: minute rows of the provisioned
 * deployment only, with the fake V2 and the utilisation sampled at each
 * minute's end; a minute closes before the bucket that ends with it; run
 * figures count minutes and buckets that start at or after warm-up. */
static void test_ptu_minutes(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	/* Offered normalised load per minute (first attempts on "ptu"):
	 * minute 0: 9000 (before warm-up: not in the run's peak); minute 1:
	 * (1000 - 200) + 3 x 100 = 1100; minute 2: 400 + 3 x 50 = 550. */
	rs_tokens big = {9000, 0, 0}, m1 = {1000, 200, 100}, m2 = {400, 0, 50};
	rs_metrics_on_attempt(m, S(10), 0, 1, true, false, false, &big);
	for (rs_time t = S(30); t <= S(185); t += S(30)) {
		CHECK(rs_metrics_advance(m, t) == RS_OK);
		if (t == S(90))
			rs_metrics_on_attempt(m, t, 0, 1, true, false, false, &m1);
		if (t == S(150))
			rs_metrics_on_attempt(m, t, 1, 1, true, false, false, &m2);
	}
	CHECK(rs_metrics_advance(m, S(185)) == RS_OK);
	CHECK_I64(f.n_minutes, 3);
	for (size_t i = 0; i < f.n_minutes && i < 3; i++) {
		CHECK_I64(f.minutes[i].minute, (long long)i);
		CHECK_STR(f.minutes[i].name, "ptu");
		CHECK_NEAR(f.minutes[i].utilization_v2, 0.2 * (double)(i + 1), 1e-12);
		CHECK_NEAR(f.minutes[i].utilisation_end, 0.06 * (double)(i + 1), 1e-12);
	}
	check_event_order(&f);

	rs_ptu_run run;
	rs_metrics_ptu_run(m, 1, &run);
	/* Minutes 1 and 2 (start 60 s, 120 s >= 20 s): V2 0.4 and 0.6. */
	CHECK_NEAR(run.v2_mean, 0.5, 1e-12);
	CHECK_NEAR(run.v2_max, 0.6, 1e-12);
	CHECK_NEAR(run.peak_minute_normalised_tpm, 1100.0, 1e-9);
	/* Buckets starting at 30 ... 180 (>= 20 s), sampled at their ends 60,
	 * 90, 120, 150, 180, 185: U = t / 1000, mean 0.785 / 6; peak t / 500
	 * at 185 s = 0.37. */
	CHECK_NEAR(run.utilisation_mean, 0.785 / 6.0, 1e-12);
	CHECK_NEAR(run.utilisation_peak, 0.37, 1e-12);
	/* after warm-up: the running total at 185 s less the one at 30 s,
	 * the end of the bucket the warm-up ends in */
	CHECK_NEAR(run.charged, 1850.0 - 300.0, 1e-9);
	CHECK_I64(f.backwards, 0);
	rs_metrics_free(m);
}

/* One advance over a quiet stretch (no event between 30 s and the end: the
 * flush at the end of a run whose traffic stopped early) must close the
 * minutes and the buckets in time order, so that each deployment is sampled
 * at non-decreasing times: the provisioned meter asserts on a sample earlier
 * than the one before (meter_ptu.c, ptu_check_time). */
static void test_long_advance_samples_in_time_order(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	CHECK(rs_metrics_advance(m, S(30)) == RS_OK);
	CHECK(rs_metrics_advance(m, S(185)) == RS_OK);
	CHECK_I64(f.n_rows, 7 * N_SCOPES);
	CHECK_I64(f.n_minutes, 3);
	CHECK_I64(f.backwards, 0);
	/* The same order of sink calls as when stepping bucket by bucket. */
	check_event_order(&f);
	rs_metrics_free(m);
}

/* A sink error stops the advance and is returned. */
static void test_sink_error_returned(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	if (!m)
		return;
	f.fail_after_rows = 2;
	CHECK(rs_metrics_advance(m, S(30)) == RS_ERR_IO);
	CHECK_I64(f.n_rows, 2);
	rs_metrics_free(m);
	rs_metrics_free(NULL); /* does nothing */
}

/* Windows (issue 11), by hand: window "w" = [40, 60) s and "all" = the
 * whole run, on the run of this file (warm-up 20 s).
 *   A (alice) arrives 35: 429 from std at 35, retry admitted at 45, served
 *     at 70 (1000 + 100 tokens);
 *   B (bob) arrives 50: admitted by ptu at 50, served at 55 (200 + 20,
 *     latency 5 s);
 *   C (alice) arrives 58: 429 from std at 58, fails at 62;
 *   bob times out an attempt at 59.
 * In w: requests by arrival (B, C), attempts when made (A's retry, B's, C's),
 * tokens when served (B's only). */
static void test_windows(void)
{
	fake f;
	memset(&f, 0, sizeof f);
	static char wn[] = "w", an[] = "all";
	const rs_window_cfg wins[2] = {{wn, 40, 60}, {an, 0, 185}};
	rs_metrics_setup s = {
	    .n_deployments = N_DEP,
	    .n_clients = N_CLI,
	    .deployment_names = dep_names,
	    .client_names = cli_names,
	    .tpm_limits = tpm_limits,
	    .rpm_limits = rpm_limits,
	    .provisioned = provisioned,
	    .output_ratios = output_ratios,
	    .warmup = S(20),
	    .end = S(185),
	    .bucket = S(30),
	    .sink = {.row = fake_row, .ctx = &f},
	    .windows = wins,
	    .n_windows = 2,
	};
	rs_metrics *m = rs_metrics_new(&s);
	CHECK(m != NULL);
	if (!m)
		return;
	rs_tokens ta = {1000, 0, 100}, tb = {200, 0, 20}, tc = {300, 0, 30};
	rs_metrics_on_offered(m, S(35), 0);
	rs_metrics_on_attempt_answer(m, S(35), 0, 0, RS_ANS_THROTTLED, false, false, 0, &ta);
	rs_metrics_on_attempt_answer(m, S(45), 0, 0, RS_ANS_OK, true, false, 0, &ta);
	rs_metrics_on_offered(m, S(50), 1);
	rs_metrics_on_attempt_answer(m, S(50), 1, 1, RS_ANS_OK, false, false, 0, &tb);
	rs_metrics_on_success(m, S(55), S(50), 1, 1, 5000.0, 300.0, 200, 20, false, false);
	rs_metrics_on_offered(m, S(58), 0);
	rs_metrics_on_attempt_answer(m, S(58), 0, 0, RS_ANS_THROTTLED, false, false, 0, &tc);
	rs_metrics_on_timeout(m, S(59), 1);
	rs_metrics_on_failed(m, S(62), S(58), 0);
	rs_metrics_on_success(m, S(70), S(35), 0, 0, 35000.0, 500.0, 1000, 100, true, false);
	CHECK(rs_metrics_advance(m, S(185)) == RS_OK);

	CHECK_I64((long long)rs_metrics_n_windows(m), 2);
	const rs_metrics *w = rs_metrics_window(m, 0);
	CHECK_I64((long long)rs_metrics_n_scopes(w), 1 + N_DEP); /* no clients */
	const rs_counts *t = rs_metrics_run_counts(w, TOTAL);
	CHECK_I64(t->offered, 2);
	CHECK_I64(t->succeeded, 1);
	CHECK_I64(t->failed, 1);
	CHECK_I64(t->attempts, 3);
	CHECK_I64(t->ok, 2);
	CHECK_I64(t->throttled, 1);
	CHECK_I64(t->retries, 1);
	CHECK_I64(t->served, 1);
	CHECK_I64(t->prompt_tokens, 200);
	CHECK_I64(t->output_tokens, 20);
	CHECK_I64(t->timeouts, 1);
	CHECK_NEAR(rs_metrics_latency_quantile(w, TOTAL, 0.5), 5000.0, 5000.0 * 0.02);
	CHECK_NEAR(rs_metrics_latency_max(w, TOTAL), 5000.0, 1e-9);
	const rs_counts *sd = rs_metrics_run_counts(w, STD), *pd = rs_metrics_run_counts(w, PTU);
	CHECK_I64(sd->attempts, 2);
	CHECK_I64(sd->throttled, 1);
	CHECK_I64(sd->served, 0);
	CHECK_I64(pd->attempts, 1);
	CHECK_I64(pd->succeeded, 1);
	CHECK_I64(pd->prompt_tokens, 200);
	CHECK_I64(pd->offered_prompt_tokens, 200);

	/* every event is after the warm-up: the whole-run window is the run */
	const rs_metrics *all = rs_metrics_window(m, 1);
	for (size_t sc = 0; sc < 1 + N_DEP; sc++) {
		const rs_counts *a = rs_metrics_run_counts(all, sc),
		                *r = rs_metrics_run_counts(m, sc);
		CHECK(memcmp(a, r, sizeof *a) == 0);
		CHECK_NEAR(rs_metrics_latency_quantile(all, sc, 0.99),
		           rs_metrics_latency_quantile(m, sc, 0.99), 0);
	}
	CHECK_I64(rs_metrics_run_counts(m, TOTAL)->offered, 3);
	rs_metrics_free(m);
}

/* The run figures as the hooks promise them, kept by hand: a histogram of
 * each kind per scope fed sample by sample, and counts, by the warm-up rules. */
typedef struct by_hand {
	rs_hist *lat[N_SCOPES], *ttft[N_SCOPES], *fail[N_SCOPES];
	uint64_t offered[N_SCOPES], attempts[N_SCOPES], succeeded[N_SCOPES], served[N_SCOPES],
	    failed[N_SCOPES], output_tokens[N_SCOPES];
} by_hand;

static void compare_hist(const char *what, size_t sc, const rs_hist *want,
                         double (*q)(const rs_metrics *, size_t, double), bool m_has_max,
                         double max, double mean, const rs_metrics *m)
{
	static const double qs[] = {0, 0.1, 0.5, 0.9, 0.95, 0.99, 1};
	for (size_t j = 0; j < sizeof qs / sizeof qs[0]; j++) {
		double g = q(m, sc, qs[j]), w = rs_hist_quantile(want, qs[j]);
		if (!(g == w || (isnan(g) && isnan(w))))
			TH_FAIL("%s scope %zu q %g: %.17g, want %.17g", what, sc, qs[j], g, w);
	}
	if (!m_has_max)
		return;
	double wmax = rs_hist_max(want), wmean = rs_hist_mean(want);
	if (!(max == wmax || (isnan(max) && isnan(wmax))))
		TH_FAIL("%s scope %zu max: %.17g, want %.17g", what, sc, max, wmax);
	if (!(mean == wmean || (isnan(mean) && isnan(wmean))))
		TH_FAIL("%s scope %zu mean: %.17g, want %.17g", what, sc, mean, wmean);
}

static void compare_run(const rs_metrics *m, const by_hand *h)
{
	for (size_t sc = 0; sc < N_SCOPES; sc++) {
		const rs_counts *c = rs_metrics_run_counts(m, sc);
		CHECK_I64(c->offered, h->offered[sc]);
		CHECK_I64(c->attempts, h->attempts[sc]);
		CHECK_I64(c->succeeded, h->succeeded[sc]);
		CHECK_I64(c->served, h->served[sc]);
		CHECK_I64(c->failed, h->failed[sc]);
		CHECK_I64(c->output_tokens, h->output_tokens[sc]);
		compare_hist("latency", sc, h->lat[sc], rs_metrics_latency_quantile, true,
		             rs_metrics_latency_max(m, sc), rs_metrics_latency_mean(m, sc), m);
		compare_hist("ttft", sc, h->ttft[sc], rs_metrics_ttft_quantile, false, NAN, NAN, m);
		compare_hist("failed", sc, h->fail[sc], rs_metrics_failed_quantile, true,
		             rs_metrics_failed_max(m, sc), rs_metrics_failed_mean(m, sc), m);
	}
}

/* The run figures come from the buckets when they close (the total's from
 * its clients'), and a bucket that takes a sample of a request that arrived
 * in the warm-up sends its run samples straight on: whatever the mix, they
 * are the figures of every sample counted by the rules, at any time (in a
 * bucket, after its close, at the end), to the bit (mean: the same sum). */
static void test_run_figures_fold(void)
{
	fake f;
	rs_metrics *m = new_metrics(&f);
	by_hand h = {0};
	bool ok = m != NULL;
	for (size_t sc = 0; sc < N_SCOPES; sc++) {
		h.lat[sc] = rs_hist_new();
		h.ttft[sc] = rs_hist_new();
		h.fail[sc] = rs_hist_new();
		ok = ok && h.lat[sc] && h.ttft[sc] && h.fail[sc];
	}
	CHECK(ok);
	uint64_t x = 12345;
	rs_time w = S(20);
	for (rs_time now = 0; ok && now < S(185); now += S(0.05)) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		unsigned r = (unsigned)(x >> 33);
		size_t c = r % N_CLI, d = (r >> 3) % N_DEP;
		size_t scs[3] = {TOTAL, 1 + N_DEP + c, 1 + d};
		rs_time arrived = now - (rs_time)((r >> 5) % 40) * S(0.5);
		arrived = arrived < 0 ? 0 : arrived;
		double lat = rs_time_to_ms(now - arrived) + 1.0 + (double)((r >> 12) % 100),
		       ttft = 0.5 + (double)((r >> 14) % 300);
		CHECK(rs_metrics_advance(m, now) == RS_OK);
		switch ((r >> 20) % 5) {
		case 0:
			rs_metrics_on_offered(m, now, c);
			for (size_t i = 0; i < 2 && now >= w; i++)
				h.offered[scs[i]]++;
			break;
		case 1:
			rs_metrics_on_attempt(m, now, c, d, true, false, false,
			                      &(rs_tokens){10, 0, 5});
			for (size_t i = 0; i < 3 && now >= w; i++)
				h.attempts[scs[i]]++;
			break;
		case 2:
		case 3:
			rs_metrics_on_success(m, now, arrived, c, d, lat, ttft, 10, 7, false,
			                      false);
			for (size_t i = 0; i < 3; i++) {
				if (arrived >= w) {
					h.succeeded[scs[i]]++;
					rs_hist_add(h.lat[scs[i]], lat);
					rs_hist_add(h.ttft[scs[i]], ttft);
				}
				if (now >= w) {
					h.served[scs[i]]++;
					h.output_tokens[scs[i]] += 7;
				}
			}
			break;
		default:
			rs_metrics_on_failed(m, now, arrived, c);
			for (size_t i = 0; i < 2 && arrived >= w; i++) {
				h.failed[scs[i]]++;
				rs_hist_add(h.fail[scs[i]], rs_time_to_ms(now - arrived));
			}
			break;
		}
		if ((r >> 24) % 97 == 0) /* now and then, in the middle of a bucket */
			compare_run(m, &h);
	}
	if (ok) {
		CHECK(rs_metrics_advance(m, S(185)) == RS_OK);
		compare_run(m, &h);
		CHECK(h.succeeded[TOTAL] > 100 && h.failed[TOTAL] > 50);
	}
	for (size_t sc = 0; sc < N_SCOPES; sc++) {
		rs_hist_free(h.lat[sc]);
		rs_hist_free(h.ttft[sc]);
		rs_hist_free(h.fail[sc]);
	}
	rs_metrics_free(m);
}

int main(void)
{
	RUN(test_bucket_times_and_rows);
	RUN(test_deployment_row_figures);
	RUN(test_warmup_rules);
	RUN(test_offered_conservation);
	RUN(test_backend_attempt_only_deployment);
	RUN(test_latency_quantiles);
	RUN(test_failed_latency_and_gauges);
	RUN(test_ptu_minutes);
	RUN(test_long_advance_samples_in_time_order);
	RUN(test_sink_error_returned);
	RUN(test_windows);
	RUN(test_run_figures_fold);
	return th_done();
}
