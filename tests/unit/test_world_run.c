/*
 * test_world_run.c - rs_world_run runs the events between two metrics
 * closes in one batch (rs_engine_run_before); stepping the same world one
 * event at a time with rs_world_step must give the same run: the same
 * events, the same time-series rows in the same order, the same run
 * figures, and progress reports every `progress_every` events.
 */
#include "harness.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

#include <string.h>

#define MAX_ROWS       4096
#define PROGRESS_EVERY 97 /* odd, so reports fall between buckets */
#define FNV_OFFSET     UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME      UINT64_C(0x100000001b3)

typedef struct rows {
	uint64_t hash[MAX_ROWS]; /* one per row, over what the row says */
	size_t n;
	uint64_t progress_calls, last_events;
} rows;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV_PRIME;
	return h;
}

static rs_status on_row(void *ctx, const rs_ts_row *row)
{
	rows *r = ctx;
	if (r->n == MAX_ROWS)
		return RS_OK;
	uint64_t h = fnv(FNV_OFFSET, &row->t_s, sizeof row->t_s);
	h = fnv(h, row->name, strlen(row->name));
	h = fnv(h, row->c, sizeof *row->c);
	double q[] = {row->latency_p50_ms,   row->latency_p95_ms, row->latency_p99_ms,
	              row->ttft_p50_ms,      row->ttft_p95_ms,    row->ttft_p99_ms,
	              row->meter.utilisation};
	h = fnv(h, q, sizeof q);
	r->hash[r->n++] = h;
	return RS_OK;
}

static void on_progress(void *ctx, rs_time now, rs_time end, uint64_t events)
{
	rows *r = ctx;
	r->progress_calls++;
	r->last_events = events;
}

/* Build the world of `path` with the row and progress hooks on r. */
static rs_world *world_of(const char *path, rs_config **cfg, rows *r)
{
	rs_error err = {0};
	rs_world_hooks hooks = {.row = on_row,
	                        .ctx = r,
	                        .progress = on_progress,
	                        .progress_every = PROGRESS_EVERY,
	                        .progress_ctx = r};
	rs_world *w = NULL;
	if (rs_scenario_load(path, NULL, 0, cfg, &err) != RS_OK ||
	    rs_world_new(*cfg, &hooks, &w, &err) != RS_OK) {
		TH_FAIL("%s: %s", path, err.msg);
		return NULL;
	}
	return w;
}

static void check_same_run(const char *path)
{
	static rows a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	rs_config *ca = NULL, *cb = NULL;
	rs_world *wa = world_of(path, &ca, &a), *wb = world_of(path, &cb, &b);
	rs_error err = {0};
	if (wa && wb) {
		CHECK(rs_world_run(wa, &err) == RS_OK);
		bool ran = true;
		while (ran)
			CHECK(rs_world_step(wb, &ran, &err) == RS_OK);
		uint64_t events = rs_world_events(wa);
		CHECK(events > 10 * PROGRESS_EVERY);
		CHECK_I64(rs_world_events(wb), events);
		CHECK_I64(rs_world_requests(wb), rs_world_requests(wa));
		CHECK_I64(a.progress_calls, events / PROGRESS_EVERY);
		CHECK_I64(a.last_events, events / PROGRESS_EVERY * PROGRESS_EVERY);
		/* Stepping leaves the last bucket open: compare the rows it closed. */
		CHECK(b.n > 0 && b.n <= a.n);
		size_t differ = 0;
		for (size_t i = 0; i < b.n && i < a.n; i++)
			differ += a.hash[i] != b.hash[i];
		CHECK_I64(differ, 0);
		const rs_metrics *ma = rs_world_metrics(wa), *mb = rs_world_metrics(wb);
		for (size_t s = 0; s < rs_metrics_n_scopes(ma); s++) {
			CHECK(!memcmp(rs_metrics_run_counts(ma, s), rs_metrics_run_counts(mb, s),
			              sizeof(rs_counts)));
			double qa = rs_metrics_latency_quantile(ma, s, 0.99);
			double qb = rs_metrics_latency_quantile(mb, s, 0.99);
			CHECK(qa == qb || (isnan(qa) && isnan(qb)));
			CHECK(rs_metrics_latency_mean(ma, s) == rs_metrics_latency_mean(mb, s) ||
			      isnan(rs_metrics_latency_mean(ma, s)));
		}
	}
	rs_world_free(wa);
	rs_world_free(wb);
	rs_config_free(ca);
	rs_config_free(cb);
}

static void test_batched_run_equals_stepping_routers(void)
{
	check_same_run("tests/scenarios/routers.json");
}

static void test_batched_run_equals_stepping_outage(void)
{
	check_same_run("tests/scenarios/outage.json");
}

static void test_batched_run_equals_stepping_ptu(void)
{
	check_same_run("scenarios/ptu-spillover.json");
}

/* An application tier (compute.h): its own events, cold starts and queue. */
static void test_batched_run_equals_stepping_compute(void)
{
	check_same_run("scenarios/compare-compute-1-consumption.json");
}

int main(void)
{
	RUN(test_batched_run_equals_stepping_routers);
	RUN(test_batched_run_equals_stepping_outage);
	RUN(test_batched_run_equals_stepping_ptu);
	RUN(test_batched_run_equals_stepping_compute);
	return th_done();
}
