/*
 * test_complete_ahead.c - a success known at admission (issue 13) gives the
 * same figures as its completion event did.
 *
 * The metrics: the same successes (and failures) given ahead with
 * rs_metrics_on_success_due, or at their time with rs_metrics_on_success
 * in the order completion events would run, must give the same rows, run
 * figures and windows, to the bit (means included: their sums are added in
 * order), with warm-up, windows, equal times, times on a bucket's edge and
 * more successes waiting than the first room holds.
 *
 * The world: a world completes ahead unless something needs the
 * completion event (world.c, completes_ahead) or its hooks ask for every
 * completion's event (evented_completions), which changes nothing in the
 * model: such a run is the evented reference of the same run without it.
 * Both simulate the same events, though fewer pass through the queue.
 * Both log their requests: the rows must be the same too (a row is closed
 * ahead, at admission, with the time it will be answered).  And stepping a
 * world that completes ahead gives the run's figures.
 */
#include "harness.h"
#include "ratesim/metrics.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME  UINT64_C(0x100000001b3)
#define MAX_ROWS   8192

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV_PRIME;
	return h;
}

typedef struct rows {
	uint64_t hash[MAX_ROWS]; /* one per row, over what the row says */
	size_t n;
	uint64_t attempts; /* request log rows */
	uint64_t log_hash; /* over every request log row, in their order */
} rows;

static rs_status on_row(void *ctx, const rs_ts_row *row)
{
	rows *r = ctx;
	if (r->n == MAX_ROWS)
		return RS_OK;
	uint64_t h = fnv(FNV_OFFSET, &row->t_s, sizeof row->t_s);
	h = fnv(h, row->name, strlen(row->name));
	h = fnv(h, row->c, sizeof *row->c);
	double q[] = {row->latency_p50_ms,        row->latency_p95_ms,       row->latency_p99_ms,
	              row->ttft_p50_ms,           row->ttft_p95_ms,          row->ttft_p99_ms,
	              row->failed_latency_p50_ms, row->failed_latency_p99_ms};
	h = fnv(h, q, sizeof q);
	r->hash[r->n++] = h;
	return RS_OK;
}

static bool same_double(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* Every run figure of every scope of a and b (and of their windows) the same. */
static void check_same_figures(const rs_metrics *a, const rs_metrics *b)
{
	CHECK_I64(rs_metrics_n_scopes(b), rs_metrics_n_scopes(a));
	for (size_t s = 0; s < rs_metrics_n_scopes(a); s++) {
		CHECK(!memcmp(rs_metrics_run_counts(a, s), rs_metrics_run_counts(b, s),
		              sizeof(rs_counts)));
		CHECK(same_double(rs_metrics_latency_mean(a, s), rs_metrics_latency_mean(b, s)));
		CHECK(same_double(rs_metrics_latency_max(a, s), rs_metrics_latency_max(b, s)));
		CHECK(same_double(rs_metrics_latency_quantile(a, s, 0.5),
		                  rs_metrics_latency_quantile(b, s, 0.5)));
		CHECK(same_double(rs_metrics_ttft_quantile(a, s, 0.99),
		                  rs_metrics_ttft_quantile(b, s, 0.99)));
		CHECK(same_double(rs_metrics_failed_mean(a, s), rs_metrics_failed_mean(b, s)));
	}
	CHECK_I64(rs_metrics_n_windows(b), rs_metrics_n_windows(a));
	for (size_t w = 0; w < rs_metrics_n_windows(a); w++)
		check_same_figures(rs_metrics_window(a, w), rs_metrics_window(b, w));
}

static void check_same_rows(const rows *a, const rows *b)
{
	CHECK(a->n > 0);
	CHECK_I64(b->n, a->n);
	size_t differ = 0;
	for (size_t i = 0; i < a->n && i < b->n; i++)
		differ += a->hash[i] != b->hash[i];
	CHECK_I64(differ, 0);
}

/* ---- the metrics ---- */

#define N_DEP 2
#define N_CLI 3
/* More requests than the due successes' first room (metrics_due.c, 4096),
 * so that a full array settles and grows. */
#define N_REQ        30000
#define ADMIT_STEP   800  /* us between two admissions: 1,250 a second */
#define LAT_QUANTUM  1000 /* durations are whole ms: many equal times */
#define LAT_MAX_MS   4000 /* longer than a bucket */
#define FAIL_EVERY   7    /* one request in 7 fails at admission */
#define EDGE_EVERY   97   /* one in 97 completes on its bucket's edge */
#define PROMPT_MAX   5000 /* tokens */
#define OUTPUT_MAX   800
#define RETRIED_ONE  4 /* one success in 4 was retried, one in 9 spilled */
#define SPILLED_ONE  9
#define EARLY_MAX_US 9000000 /* a request arrived up to 9 s before admission */
#define BUCKET       S(3)
#define WARMUP       S(5)
#define END          S(23.5) /* some completions fall after the end */
#define S(x)         ((rs_time)((x)*1e6))

static const char *const dep_names[N_DEP] = {"d0", "d1"};
static const char *const cli_names[N_CLI] = {"c0", "c1", "c2"};
static const double tpm_limits[N_DEP] = {1e6, 1e6};
static const double rpm_limits[N_DEP] = {6e3, 6e3};
static const bool provisioned[N_DEP] = {false, false};
static const double output_ratios[N_DEP] = {1.0, 1.0};

typedef struct req {
	rs_time admit, done, arrived;
	uint32_t client, dep;
	int64_t prompt, output;
	bool fails, retried, spilled;
} req;

/* A small LCG, Knuth's MMIX multiplier and increment, its high bits: the
 * test's own numbers. */
#define LCG_MUL   UINT64_C(6364136223846793005)
#define LCG_INC   UINT64_C(1442695040888963407)
#define LCG_SHIFT 33

static uint64_t lcg(uint64_t *s)
{
	*s = *s * LCG_MUL + LCG_INC;
	return *s >> LCG_SHIFT;
}

static void make_requests(req *rq)
{
	uint64_t seed = 1;
	for (size_t i = 0; i < N_REQ; i++) {
		req *r = &rq[i];
		r->admit = (rs_time)i * ADMIT_STEP;
		r->done = r->admit + (rs_time)(lcg(&seed) % LAT_MAX_MS) * LAT_QUANTUM;
		if (i % EDGE_EVERY == 0) /* on a bucket's edge */
			r->done = (r->admit / BUCKET + 1) * BUCKET;
		r->arrived = r->admit - (rs_time)(lcg(&seed) % EARLY_MAX_US);
		r->arrived = r->arrived < 0 ? 0 : r->arrived;
		r->client = (uint32_t)(lcg(&seed) % N_CLI);
		r->dep = (uint32_t)(lcg(&seed) % N_DEP);
		r->prompt = (int64_t)(lcg(&seed) % PROMPT_MAX);
		r->output = (int64_t)(lcg(&seed) % OUTPUT_MAX);
		r->fails = i % FAIL_EVERY == 3;
		r->retried = lcg(&seed) % RETRIED_ONE == 0;
		r->spilled = lcg(&seed) % SPILLED_ONE == 0;
	}
}

static rs_metrics *metrics_of(rows *r)
{
	static const rs_window_cfg windows[] = {{.name = "w0", .start_s = 2, .end_s = 11},
	                                        {.name = "w1", .start_s = 10, .end_s = 23.5}};
	rs_metrics_setup s = {
	    .n_deployments = N_DEP,
	    .n_clients = N_CLI,
	    .deployment_names = dep_names,
	    .client_names = cli_names,
	    .tpm_limits = tpm_limits,
	    .rpm_limits = rpm_limits,
	    .provisioned = provisioned,
	    .output_ratios = output_ratios,
	    .warmup = WARMUP,
	    .end = END,
	    .bucket = BUCKET,
	    .windows = windows,
	    .n_windows = sizeof windows / sizeof *windows,
	    .sink = {.row = on_row, .ctx = r},
	};
	rs_metrics *m = rs_metrics_new(&s);
	if (!m)
		TH_FAIL("rs_metrics_new failed");
	return m;
}

static double ms_of(rs_time t)
{
	return (double)t / 1e3;
}

/* A completion event of the reference: request `index` at `time`. */
typedef struct ev {
	rs_time time;
	size_t index;
} ev;

static int by_time_then_index(const void *x, const void *y)
{
	const ev *a = x, *b = y;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void test_metrics_due_equals_evented(void)
{
	static req rq[N_REQ];
	static ev evs[2 * N_REQ];
	static rows ra, rb;
	memset(&ra, 0, sizeof ra);
	memset(&rb, 0, sizeof rb);
	make_requests(rq);
	rs_metrics *a = metrics_of(&ra), *b = metrics_of(&rb);
	if (!a || !b)
		goto out;
	/* the reference: failures at admission, successes at completion, in
	 * time order (at equal times, in the order they were scheduled) */
	size_t n = 0;
	for (size_t i = 0; i < N_REQ; i++) {
		const req *r = &rq[i];
		if (r->fails && r->admit < END)
			evs[n++] = (ev){r->admit, i};
		else if (!r->fails && r->done < END)
			evs[n++] = (ev){r->done, i};
	}
	qsort(evs, n, sizeof *evs, by_time_then_index);
	for (size_t k = 0; k < n; k++) {
		const req *r = &rq[evs[k].index];
		CHECK(rs_metrics_advance(a, evs[k].time) == RS_OK);
		if (r->fails)
			rs_metrics_on_failed(a, r->admit, r->arrived, r->client);
		else
			rs_metrics_on_success(a, r->done, r->arrived, r->client, r->dep,
			                      ms_of(r->done - r->arrived),
			                      ms_of(r->done - r->admit) / 3, r->prompt, r->output,
			                      r->retried, r->spilled);
	}
	CHECK(rs_metrics_advance(a, END) == RS_OK);
	/* ahead: everything at admission */
	for (size_t i = 0; i < N_REQ && rq[i].admit < END; i++) {
		const req *r = &rq[i];
		CHECK(rs_metrics_advance(b, r->admit) == RS_OK);
		if (r->fails)
			rs_metrics_on_failed(b, r->admit, r->arrived, r->client);
		else if (r->done < END)
			CHECK(rs_metrics_on_success_due(b, r->admit, r->done, r->arrived, r->client,
			                                r->dep, ms_of(r->done - r->arrived),
			                                ms_of(r->done - r->admit) / 3, r->prompt,
			                                r->output, r->retried, r->spilled));
	}
	CHECK(rs_metrics_advance(b, END) == RS_OK);
	check_same_rows(&ra, &rb);
	check_same_figures(a, b);
	CHECK(rs_metrics_run_counts(b, 0)->succeeded > 0);
out:
	rs_metrics_free(a);
	rs_metrics_free(b);
}

/* ---- the world ---- */

/* A request log row into the log's hash: every field that reaches
 * requests.csv (names by their text). */
static rs_status on_attempt(void *ctx, const rs_attempt_record *rec)
{
	rows *r = ctx;
	uint64_t h = r->attempts ? r->log_hash : FNV_OFFSET;
	int64_t v[] = {rec->time,
	               rec->attempt,
	               rec->status,
	               rec->duration,
	               rec->prompt_tokens,
	               rec->completion_tokens,
	               rec->retry_after_ms,
	               rec->spilled,
	               rec->answered,
	               rec->decided_by,
	               rec->max_tokens,
	               rec->best_of,
	               rec->cached_tokens,
	               rec->remaining_requests,
	               rec->remaining_tokens,
	               rec->end,
	               rec->backoff,
	               rec->queued};
	double d[] = {rec->estimate, rec->utilisation};
	h = fnv(h, &rec->request_id, sizeof rec->request_id);
	h = fnv(h, v, sizeof v);
	h = fnv(h, d, sizeof d);
	const char *names[] = {rec->client, rec->deployment, rec->router, rec->limit, rec->gave_up};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		h = fnv(h, names[i] ? names[i] : "-", names[i] ? strlen(names[i]) + 1 : 1);
	r->log_hash = h;
	r->attempts++;
	return RS_OK;
}

/* The world of `path` (with `set`, or none), its rows on r; completing
 * every attempt by its event when `evented` (the reference). */
static rs_world *world_of(const char *path, const char *set, bool evented, rs_config **cfg, rows *r)
{
	rs_error err = {0};
	rs_world_hooks hooks = {
	    .row = on_row, .ctx = r, .attempt = on_attempt, .evented_completions = evented};
	const char *sets[1] = {set};
	rs_world *w = NULL;
	if (rs_scenario_load(path, sets, set ? 1 : 0, cfg, &err) != RS_OK ||
	    rs_world_new(*cfg, &hooks, &w, &err) != RS_OK) {
		TH_FAIL("%s: %s", path, err.msg);
		return NULL;
	}
	return w;
}

/* The run of `path` with its completion events, the same run completing
 * ahead, and the latter stepped: the same figures and request log rows. */
static void check_ahead_equals_evented(const char *path, const char *set)
{
	static rows a, b, c;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&c, 0, sizeof c);
	rs_config *ca = NULL, *cb = NULL, *cc = NULL;
	rs_world *wa = world_of(path, set, true, &ca, &a);
	rs_world *wb = world_of(path, set, false, &cb, &b);
	rs_world *wc = world_of(path, set, false, &cc, &c);
	rs_error err = {0};
	if (wa && wb && wc) {
		CHECK(rs_world_run(wa, &err) == RS_OK);
		CHECK(rs_world_run(wb, &err) == RS_OK);
		bool ran = true;
		while (ran)
			CHECK(rs_world_step(wc, &ran, &err) == RS_OK);
		CHECK(a.attempts > 0);
		CHECK_I64(b.attempts, a.attempts); /* the same request log */
		CHECK(b.log_hash == a.log_hash);
		CHECK(c.attempts <= b.attempts);
		CHECK_I64(rs_world_requests(wb), rs_world_requests(wa));
		/* no completion events in the queue: at least one fewer per
		 * success; yet the same events simulated, the evented run's */
		uint64_t ok = rs_metrics_run_counts(rs_world_metrics(wa), 0)->succeeded;
		CHECK(ok > 0);
		CHECK_I64(rs_world_queue_events(wa), rs_world_events(wa));
		CHECK(rs_world_queue_events(wb) + ok <= rs_world_queue_events(wa));
		CHECK_I64(rs_world_events(wb), rs_world_events(wa));
		CHECK_I64(rs_world_events(wc), rs_world_events(wb));
		CHECK_I64(rs_world_queue_events(wc), rs_world_queue_events(wb));
		check_same_rows(&a, &b);
		check_same_figures(rs_world_metrics(wa), rs_world_metrics(wb));
		/* stepping leaves the last bucket open: the rows it closed */
		CHECK(c.n > 0 && c.n <= b.n);
		size_t differ = 0;
		for (size_t i = 0; i < c.n && i < b.n; i++)
			differ += b.hash[i] != c.hash[i];
		CHECK_I64(differ, 0);
		check_same_figures(rs_world_metrics(wb), rs_world_metrics(wc));
	}
	rs_world_free(wa);
	rs_world_free(wb);
	rs_world_free(wc);
	rs_config_free(ca);
	rs_config_free(cb);
	rs_config_free(cc);
}

/* Warm-up, retries honouring retry-after, several deployments. */
static void test_world_quickstart(void)
{
	check_ahead_equals_evented("scenarios/quickstart.json", NULL);
}

/* With windows of figures (issue 11), one across the warm-up's end. */
static void test_world_windows(void)
{
	check_ahead_equals_evented(
	    "scenarios/quickstart.json",
	    "windows={\"early\":{\"start_s\":30,\"end_s\":200},\"late\":{\"start_s\":500,"
	    "\"end_s\":900}}");
}

/* Overload: most attempts refused and retried, long waits. */
static void test_world_overload(void)
{
	check_ahead_equals_evented("tests/scenarios/overload.json", "duration_s=900");
}

int main(void)
{
	RUN(test_metrics_due_equals_evented);
	RUN(test_world_quickstart);
	RUN(test_world_windows);
	RUN(test_world_overload);
	return th_done();
}
