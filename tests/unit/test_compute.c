/*
 * test_compute.c - the application tier (compute.h) on hand-worked runs,
 * and its loader (scenario_compute.c) on every bad value.
 *
 * The runs use a model with no latency variation and no round trip, at 10
 * tokens per second, so an attempt of N output tokens takes exactly N / 10
 * seconds, and the tier's figures are known in advance:
 *   - a step in load from 1 to 5 concurrent requests with one always-ready
 *     instance, target concurrency 1 and 10 instances at most: exactly 4
 *     cold starts, and each queued request is sent when an instance becomes
 *     ready (its allocation time plus its own cold-start draw, replayed here
 *     from the tier's stream);
 *   - three requests at once on one instance of one slot: queued 0, 10 and
 *     20 s (less the 1 ms between arrivals);
 *   - a queue limit refuses the request that finds the queue full;
 *   - scale-in after idling, and a new cold start after it.
 */
#include "harness.h"
#include "ratesim/compute.h"
#include "ratesim/dist.h"
#include "ratesim/rng.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SENT 64

/* A scenario: client "a" sends one 30 s request at 0; client "b" sends
 * `burst` requests of 10 s at 10 s, 1 ms apart; both through tier "fn". */
static const char *scenario(int burst, const char *tier)
{
	static char buf[4096];
	snprintf(
	    buf, sizeof buf,
	    "{ \"name\": \"t\", \"duration_s\": 200, \"seed\": 7,\n"
	    "  \"models\": { \"gpt-4o\": { \"sigma\": 0, \"load_sigma\": 0, \"rtt_ms\": 0,\n"
	    "    \"ttft_base_ms\": 0, \"ttft_per_1k_prompt_ms\": 0, \"tokens_per_s\": 10 } },\n"
	    "  \"deployments\": [ { \"name\": \"d\", \"region\": \"eastus\", \"model\": "
	    "\"gpt-4o\", \"tpm\": 150000 } ],\n"
	    "  \"clients\": [\n"
	    "    { \"name\": \"a\", \"target\": \"d\", \"arrival\": { \"process\": "
	    "\"constant\",\n"
	    "      \"schedule\": [ { \"at_s\": 0, \"rate_rps\": 1 }, { \"at_s\": 1, "
	    "\"rate_rps\": 0 } ] },\n"
	    "      \"prompt_tokens\": 10, \"output_tokens\": 300, \"max_tokens\": "
	    "{ \"policy\": \"fixed\", \"value\": 300 } },\n"
	    "    { \"name\": \"b\", \"target\": \"d\", \"arrival\": { \"process\": "
	    "\"constant\",\n"
	    "      \"schedule\": [ { \"at_s\": 0, \"rate_rps\": 0 }, { \"at_s\": 10, "
	    "\"rate_rps\": 1000 },\n"
	    "        { \"at_s\": %.4f, \"rate_rps\": 0 } ] },\n"
	    "      \"prompt_tokens\": 10, \"output_tokens\": 100, \"max_tokens\": "
	    "{ \"policy\": \"fixed\", \"value\": 100 } } ],\n"
	    "  \"compute\": [ { \"name\": \"fn\", \"clients\": [\"a\", \"b\"], %s } ] }",
	    10 + 0.001 * burst - 0.0005, tier);
	return buf;
}

typedef struct sent {
	rs_time at[MAX_SENT]; /* when each attempt reached the deployment */
	uint64_t id[MAX_SENT];
	size_t n;
} sent;

static rs_status on_attempt(void *ctx, const rs_attempt_record *rec)
{
	sent *s = ctx;
	if (s->n < MAX_SENT) {
		s->at[s->n] = rec->time;
		s->id[s->n++] = rec->request_id;
	}
	return RS_OK;
}

static rs_status on_row(void *ctx, const rs_ts_row *row)
{
	return RS_OK;
}

/* Run the text with the overrides sets[0..n); OUT: the tier's figures, the
 * attempts sent, the totals. */
static bool run_with(const char *text, const char *const *sets, size_t n, rs_compute_figures *f,
                     sent *s, rs_counts *total)
{
	rs_error err = {0};
	rs_config *cfg = NULL;
	rs_world *w = NULL;
	memset(s, 0, sizeof *s);
	rs_world_hooks hooks = {.row = on_row, .attempt = on_attempt, .ctx = s};
	rs_status st = rs_scenario_parse("t.json", text, NULL, sets, n, &cfg, &err);
	if (st == RS_OK)
		st = rs_world_new(cfg, &hooks, &w, &err);
	if (st == RS_OK)
		st = rs_world_run(w, &err);
	if (st == RS_OK) {
		const rs_compute *c = rs_metrics_compute(rs_world_metrics(w));
		CHECK_I64(rs_compute_tiers(c), 1);
		rs_compute_figures_get(c, 0, f);
		*total = *rs_metrics_run_counts(rs_world_metrics(w), 0);
	} else {
		TH_FAIL("%s", err.msg);
	}
	rs_world_free(w);
	rs_config_free(cfg);
	return st == RS_OK;
}

static bool run(const char *text, rs_compute_figures *f, sent *s, rs_counts *total)
{
	return run_with(text, NULL, 0, f, s, total);
}

static int cmp_time(const void *a, const void *b)
{
	rs_time x = *(const rs_time *)a, y = *(const rs_time *)b;
	return (x > y) - (x < y);
}

/* The step: 1 request running, then 4 more at once (1 ms apart);
 * target 1 per instance, 10 at most: exactly 4 cold starts.  Instance k
 * (k = 1..4) is decided and allocated when request k of the burst arrives
 * (10 s + (k-1) ms) and is ready after its own cold-start draw; the queued
 * requests are sent, oldest first, at the ready times in increasing order. */
static void test_step_four_cold_starts(void)
{
	const char *tier =
	    "\"per_instance_concurrency\": 1, \"target_concurrency\": 1, "
	    "\"max_instances\": 10, \"always_ready\": 1, \"scale_in_idle_s\": 1000, "
	    "\"cold_start_ms\": { \"dist\": \"uniform\", \"min\": 1000, \"max\": 9000 }";
	rs_compute_figures f;
	sent s;
	rs_counts tot;
	if (!run(scenario(4, tier), &f, &s, &tot))
		return;
	CHECK_I64(f.cold_starts, 4);
	CHECK_I64(f.requests, 5);
	CHECK_I64(f.queued, 4);
	CHECK_I64(f.ended, 5);
	CHECK_I64(f.peak_instances, 5);
	CHECK_I64(f.scale_ins, 0);
	CHECK_I64(tot.succeeded, 5);

	/* the same draws, replayed from the tier's own stream */
	rs_dist_cfg d = {.kind = RS_DIST_UNIFORM, .min = 1000, .max = 9000};
	gsl_rng *rng = rs_rng_stream(7, "compute.cold_start", "fn");
	rs_time ready[4], arrived[4];
	for (int k = 0; k < 4; k++) {
		arrived[k] = rs_time_from_s(10) + k * RS_US_PER_MS;
		ready[k] =
		    arrived[k] + rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, rng, 0) * RS_US_PER_MS;
	}
	gsl_rng_free(rng);
	qsort(ready, 4, sizeof ready[0], cmp_time);
	CHECK_I64(s.n, 5);
	CHECK_I64(s.at[0], 0);
	double queued_ms = 0, e2e_ms = 30000, max_ms = 0;
	for (int k = 0; k < 4 && s.n == 5; k++) {
		CHECK_I64(s.at[1 + k], ready[k]);
		CHECK_I64(s.id[1 + k], 1 + k); /* oldest first */
		double q = (double)(ready[k] - arrived[k]) / 1e3;
		queued_ms += q;
		e2e_ms += q + 10000;
		max_ms = q > max_ms ? q : max_ms;
	}
	CHECK_NEAR(f.queued_mean_ms, queued_ms / 5, 1e-9);
	CHECK_NEAR(f.queued_max_ms, max_ms, 1e-9);
	CHECK_NEAR(f.latency_share, queued_ms / e2e_ms, 1e-12);
	/* instance-hours: the always-ready one all run long, the four new ones
	 * from their allocation to the end (their idle time is 1000 s) */
	double life_s = 200;
	for (int k = 0; k < 4; k++)
		life_s += 200 - (double)arrived[k] / 1e6;
	CHECK_NEAR(f.instance_hours, life_s / 3600, 1e-12);
}

/* One instance, one slot, three requests 1 ms apart: they run one after
 * the other; queued 0, 10 s - 1 ms, 20 s - 2 ms.  No cold start: the one
 * instance is always ready. */
static void test_queue_hand_worked(void)
{
	const char *tier = "\"per_instance_concurrency\": 1, \"max_instances\": 1, "
	                   "\"always_ready\": 1, \"instance_cost_per_hour\": 0.36";
	rs_compute_figures f;
	sent s;
	rs_counts tot;
	if (!run(scenario(3, tier), &f, &s, &tot))
		return;
	/* the 30 s request of "a" holds the one slot until 30 s: the burst at
	 * 10 s waits for it, then runs one at a time */
	double q[3] = {20000, 29999, 39998}; /* 30, 40, 50 s less the arrivals */
	CHECK_I64(f.cold_starts, 0);
	CHECK_I64(f.queued, 3);
	CHECK_I64(f.ended, 4);
	CHECK_I64(s.n, 4);
	for (int k = 0; k < 3 && s.n == 4; k++)
		CHECK_I64(s.at[1 + k], rs_time_from_s(30 + 10 * k));
	CHECK_NEAR(f.queued_mean_ms, (q[0] + q[1] + q[2]) / 4, 1e-9);
	CHECK_NEAR(f.queued_max_ms, q[2], 1e-9);
	/* nearest rank of {0, q0, q1, q2}: p50 is q0 (to the histogram's 1%),
	 * p95 and p99 the largest (exact) */
	CHECK_NEAR(f.queued_p50_ms, q[0], q[0] * 0.01);
	CHECK_NEAR(f.queued_p95_ms, q[2], 1e-9);
	CHECK_NEAR(f.queued_p99_ms, q[2], 1e-9);
	double e2e = 30000 + (q[0] + 10000) + (q[1] + 10000) + (q[2] + 10000);
	CHECK_NEAR(f.latency_share, (q[0] + q[1] + q[2]) / e2e, 1e-12);
	CHECK_NEAR(f.instance_hours, 200.0 / 3600, 1e-12);
	CHECK_NEAR(f.cost_usd, 0.36 * 200 / 3600, 1e-12);
	CHECK_I64(tot.succeeded, 4);
}

/* Enough always-ready slots: nobody waits, every queue figure is exactly 0
 * (not the histogram's smallest bin), and nothing cold-starts. */
static void test_no_wait_is_zero(void)
{
	const char *tier = "\"per_instance_concurrency\": 1, \"max_instances\": 2, "
	                   "\"always_ready\": 2";
	rs_compute_figures f;
	sent s;
	rs_counts tot;
	if (!run(scenario(1, tier), &f, &s, &tot))
		return;
	CHECK_I64(f.ended, 2);
	CHECK_I64(f.queued, 0);
	CHECK_I64(f.cold_starts, 0);
	CHECK(f.queued_p50_ms == 0 && f.queued_p99_ms == 0);
	CHECK(f.queued_mean_ms == 0 && f.queued_max_ms == 0);
	CHECK(f.latency_share == 0);
	CHECK_NEAR(f.instance_hours, 2 * 200.0 / 3600, 1e-12);
	/* after a warm-up of 100 s: no request of the tier counts (both came
	 * before), and only the last 100 s of the instances' lives */
	const char *const warm[] = {"warmup_s=100"};
	if (!run_with(scenario(1, tier), warm, 1, &f, &s, &tot))
		return;
	CHECK_I64(f.requests, 0);
	CHECK_I64(f.ended, 0);
	CHECK(isnan(f.queued_p50_ms) && isnan(f.queued_mean_ms) && isnan(f.latency_share));
	CHECK_NEAR(f.instance_hours, 2 * 100.0 / 3600, 1e-12);
}

/* A queue of 2 at most: the third request of the burst finds it full and
 * fails at once; the others run. */
static void test_queue_limit_refuses(void)
{
	const char *tier = "\"per_instance_concurrency\": 1, \"max_instances\": 1, "
	                   "\"always_ready\": 1, \"queue_limit\": 2";
	rs_compute_figures f;
	sent s;
	rs_counts tot;
	if (!run(scenario(3, tier), &f, &s, &tot))
		return;
	CHECK_I64(f.requests, 4);
	CHECK_I64(f.refused, 1);
	CHECK_I64(f.queued, 2);
	CHECK_I64(tot.offered, 4);
	CHECK_I64(tot.failed, 1);
	CHECK_I64(tot.succeeded, 3);
	CHECK_I64(tot.attempts, 3); /* the refused request sent none */
}

/* Scale from zero and back: "a" at 0 s finds no instance and starts one
 * (cold start 2 s: sent at 2 s, ends at 32 s); "b" at 10 s finds it busy
 * and starts a second (sent at 12 s, ends at 22 s).  With scale_in_idle_s
 * 5 they are removed at 27 and 37 s: 17 + 37 instance-seconds. */
static void test_scale_in(void)
{
	const char *tier = "\"per_instance_concurrency\": 1, \"max_instances\": 5, "
	                   "\"scale_in_idle_s\": 5, \"cold_start_ms\": 2000";
	rs_compute_figures f;
	sent s;
	rs_counts tot;
	if (!run(scenario(1, tier), &f, &s, &tot))
		return;
	CHECK_I64(f.cold_starts, 2);
	CHECK_I64(f.scale_ins, 2);
	CHECK_I64(f.peak_instances, 2);
	CHECK_I64(s.n, 2);
	if (s.n == 2) {
		CHECK_I64(s.at[0], rs_time_from_s(2)); /* after the first cold start */
		CHECK_I64(s.at[1], rs_time_from_s(12));
	}
	/* "a" ends at 32 s (2 + 30), "b" at 22 s: removed at 37 and 27 s */
	CHECK_NEAR(f.instance_hours, (37.0 + 17.0) / 3600, 1e-12);
	CHECK_NEAR(f.queued_mean_ms, 2000, 1e-9);
}

/* The Premium plan's pre-warmed buffer: one always-ready instance, one
 * pre-warmed, one slot each, cold start 5 s, idle 30 s.  "a" at 0 s takes
 * the always-ready instance; the app is active, so one more is wanted and
 * starts (ready at 5 s).  "b" at 10 s finds it ready: no wait (without the
 * buffer it would wait its 5 s cold start); a third instance starts at
 * 10 s (ready at 15 s) as the new buffer.  "b" ends at 20 s, "a" at 30 s:
 * the app is idle, the buffer goes: the third instance (idle since 15 s)
 * at 45 s, the second (idle since 20 s) at 50 s.  Life: 200 + 50 + 35 s. */
static void test_prewarmed_buffer(void)
{
	const char *tier = "\"per_instance_concurrency\": 1, \"max_instances\": 5, "
	                   "\"always_ready\": 1, \"prewarmed\": 1, \"scale_in_idle_s\": 30, "
	                   "\"cold_start_ms\": 5000";
	rs_compute_figures f;
	sent s;
	rs_counts tot;
	if (!run(scenario(1, tier), &f, &s, &tot))
		return;
	CHECK_I64(f.cold_starts, 2);
	CHECK_I64(f.queued, 0);
	CHECK_I64(f.scale_ins, 2);
	CHECK_I64(f.peak_instances, 3);
	CHECK_I64(s.n, 2);
	if (s.n == 2)
		CHECK_I64(s.at[1], rs_time_from_s(10));
	CHECK_NEAR(f.instance_hours, (200.0 + 50 + 35) / 3600, 1e-12);
	/* while "a" alone is active, the idle buffer is kept past its idle time */
	const char *keep = "\"per_instance_concurrency\": 1, \"max_instances\": 5, "
	                   "\"always_ready\": 1, \"prewarmed\": 1, \"scale_in_idle_s\": 2, "
	                   "\"cold_start_ms\": 5000";
	if (!run(scenario(1, keep), &f, &s, &tot))
		return;
	/* idle 2 s: the buffer (ready at 5 s) is asked at 7 and 9 s and kept
	 * (2 instances wanted, 2 live); "b" takes it at 10 s and a third starts
	 * (ready at 15 s), kept at 17 and 19 s (3 wanted); "b" ends at 20 s, so
	 * 2 are wanted: the third goes at 21 s; the second, idle since 20 s, is
	 * kept at 22 ... 28 s and goes at 30 s, when "a" ends (its completion
	 * was scheduled first).  Life: 200 + 30 + 11 s. */
	CHECK_I64(f.queued, 0);
	CHECK_I64(f.cold_starts, 2);
	CHECK_I64(f.scale_ins, 2);
	CHECK_NEAR(f.instance_hours, (200.0 + 30 + 11) / 3600, 1e-12);
}

/* ---- the loader ------------------------------------------------------------ */

static void fails(const char *tier, const char *msg)
{
	rs_error err = {0};
	rs_config *cfg = NULL;
	char text[4096];
	snprintf(
	    text, sizeof text,
	    "{ \"name\": \"t\", \"duration_s\": 10,\n"
	    "  \"deployments\": [ { \"name\": \"d\", \"region\": \"eastus\", \"model\": "
	    "\"gpt-4o\", \"tpm\": 1000 } ],\n"
	    "  \"clients\": [ { \"name\": \"a\", \"target\": \"d\", \"arrival\": { "
	    "\"process\": \"constant\", \"rate_rps\": 0 }, \"prompt_tokens\": 1, "
	    "\"output_tokens\": 1 },\n"
	    "    { \"name\": \"b\", \"target\": \"d\", \"arrival\": { \"process\": "
	    "\"constant\", \"rate_rps\": 0 }, \"prompt_tokens\": 1, \"output_tokens\": 1 } ],\n"
	    "  \"compute\": %s }",
	    tier);
	rs_status st = rs_scenario_parse("t.json", text, NULL, NULL, 0, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK_STR(err.msg, msg);
	rs_config_free(cfg);
}

#define T(body) "[ { \"name\": \"fn\", \"clients\": [\"a\"]" body " } ]"

static void test_loader_errors(void)
{
	fails("{}", "t.json: .compute: must be an array (got an object)");
	fails("[ 3 ]", "t.json: .compute[0]: must be an object (got number 3)");
	fails("[ { \"clients\": [\"a\"] } ]", "t.json: .compute[0].name: required key is missing");
	fails("[ { \"name\": \"fn\" } ]", "t.json: .compute[0].clients: required key is missing");
	fails(T(", \"max_instance\": 3"),
	      "t.json: .compute[0].max_instance: unknown key; did you mean \"max_instances\"?");
	fails("[ { \"name\": \"fn\", \"clients\": \"a\" } ]",
	      "t.json: .compute[0].clients: must be an array (got string \"a\")");
	fails("[ { \"name\": \"fn\", \"clients\": [] } ]",
	      "t.json: .compute[0].clients: needs at least one client");
	fails("[ { \"name\": \"fn\", \"clients\": [3] } ]",
	      "t.json: .compute[0].clients[0]: must be a client's name (got number 3)");
	fails("[ { \"name\": \"fn\", \"clients\": [\"z\"] } ]",
	      "t.json: .compute[0].clients[0]: no client named \"z\" (clients: a, b)");
	fails("[ { \"name\": \"fn\", \"clients\": [\"a\", \"a\"] } ]",
	      "t.json: .compute[0].clients[1]: client \"a\" is already served by tier \"fn\"");
	fails("[ { \"name\": \"fn\", \"clients\": [\"a\"] }, { \"name\": \"g\", \"clients\": "
	      "[\"b\", \"a\"] } ]",
	      "t.json: .compute[1].clients[1]: client \"a\" is already served by tier \"fn\"");
	fails("[ { \"name\": \"fn\", \"clients\": [\"a\"] }, { \"name\": \"fn\", \"clients\": "
	      "[\"b\"] } ]",
	      "t.json: .compute[1].name: tier \"fn\" is already defined at .compute[0]");
	fails(T(", \"per_instance_concurrency\": 0"),
	      "t.json: .compute[0].per_instance_concurrency: must be >= 1 (got 0)");
	fails(T(", \"per_instance_concurrency\": 1.5"),
	      "t.json: .compute[0].per_instance_concurrency: must be a whole number (got 1.5)");
	fails(
	    T(", \"per_instance_concurrency\": 2000000"),
	    "t.json: .compute[0].per_instance_concurrency: must be at most 1000000 (got 2000000)");
	fails(T(", \"per_instance_concurrency\": 4, \"target_concurrency\": 5"),
	      "t.json: .compute[0].target_concurrency: must be <= per_instance_concurrency (4) "
	      "(got 5)");
	fails(T(", \"target_concurrency\": 0"),
	      "t.json: .compute[0].target_concurrency: must be >= 1 (got 0)");
	fails(T(", \"queue_limit\": -1"), "t.json: .compute[0].queue_limit: must be >= 0 (got -1)");
	fails(T(", \"max_instances\": 0"),
	      "t.json: .compute[0].max_instances: must be >= 1 (got 0)");
	fails(T(", \"max_instances\": 100001"),
	      "t.json: .compute[0].max_instances: must be at most 100000 (got 100001)");
	fails(T(", \"max_instances\": 3, \"always_ready\": 4"),
	      "t.json: .compute[0].always_ready: must be <= max_instances (3) (got 4)");
	fails(T(", \"prewarmed\": -1"), "t.json: .compute[0].prewarmed: must be >= 0 (got -1)");
	fails(T(", \"prewarmed\": 100001"),
	      "t.json: .compute[0].prewarmed: must be at most 100000 (got 100001)");
	fails(T(", \"always_ready\": -1"),
	      "t.json: .compute[0].always_ready: must be >= 0 (got -1)");
	fails(T(", \"scale_out_delay_s\": -1"),
	      "t.json: .compute[0].scale_out_delay_s: must be >= 0 (got -1)");
	fails(T(", \"scale_in_idle_s\": \"x\""),
	      "t.json: .compute[0].scale_in_idle_s: must be a number (got string \"x\")");
	fails(T(", \"scale_in_idle_s\": 1e9"),
	      "t.json: .compute[0].scale_in_idle_s: must be at most 34560000 (got 1000000000)");
	fails(T(", \"cold_start_ms\": -5"),
	      "t.json: .compute[0].cold_start_ms: must be >= 0 (got -5)");
	fails(T(", \"cold_start_ms\": { \"dist\": \"empirical\", \"file\": \"x.csv\" }"),
	      "t.json: .compute[0].cold_start_ms.dist: must be one of: fixed, uniform, lognormal "
	      "(got string \"empirical\")");
	fails(T(", \"cold_start_ms\": { \"dist\": \"lognormal\", \"median\": 0, \"sigma\": 1 }"),
	      "t.json: .compute[0].cold_start_ms.median: must be > 0 (got 0)");
	fails(T(", \"cold_start_ms\": { \"dist\": \"uniform\", \"min\": 5, \"max\": 4 }"),
	      "t.json: .compute[0].cold_start_ms.max: must be >= min (5) (got 4)");
	fails(T(", \"cold_start_ms\": { \"dist\": \"fixed\", \"value\": 4000000 }"),
	      "t.json: .compute[0].cold_start_ms.value: must be at most 3600000 (got 4000000)");
	fails(T(", \"cold_start_ms\": { \"dist\": \"lognormal\", \"median\": 10, \"sigma\": 6 }"),
	      "t.json: .compute[0].cold_start_ms.sigma: must be at most 5 (got 6)");
	fails(T(", \"cold_start_ms\": { \"dist\": \"uniform\", \"min\": -1, \"max\": 4 }"),
	      "t.json: .compute[0].cold_start_ms.min: must be >= 0 (got -1)");
	fails(T(", \"name\": 3"), "t.json: .compute[0].name: duplicate key");
	fails("[ { \"name\": 3, \"clients\": [\"a\"] } ]",
	      "t.json: .compute[0].name: must be a string (got number 3)");
	fails(T(", \"instance_cost_per_hour\": -0.1"),
	      "t.json: .compute[0].instance_cost_per_hour: must be >= 0 (got -0.1)");
	fails(T(", \"instance_cost_per_hour\": 2e6"),
	      "t.json: .compute[0].instance_cost_per_hour: must be at most 1000000 (got 2000000)");
}

/* The defaults, written into the effective scenario, which loads again to
 * the same tier. */
static void test_loader_defaults(void)
{
	rs_error err = {0};
	rs_config *cfg = NULL, *again = NULL;
	const char *text = scenario(1, "\"comment\": \"defaults\"");
	if (rs_scenario_parse("t.json", text, NULL, NULL, 0, &cfg, &err) != RS_OK) {
		TH_FAIL("%s", err.msg);
		return;
	}
	const rs_compute_cfg *t = &cfg->compute[0];
	CHECK_I64(cfg->n_compute, 1);
	CHECK_I64(t->n_clients, 2);
	CHECK_I64(t->clients[1], 1);
	CHECK_I64(t->per_instance_concurrency, RS_DEFAULT_COMPUTE_CONCURRENCY);
	CHECK_I64(t->target_concurrency, RS_DEFAULT_COMPUTE_CONCURRENCY);
	CHECK_I64(t->queue_limit, 0);
	CHECK_I64(t->max_instances, RS_DEFAULT_COMPUTE_MAX_INSTANCES);
	CHECK_I64(t->always_ready, 0);
	CHECK_I64(t->prewarmed, 0);
	CHECK_NEAR(t->scale_out_delay_s, 0, 0);
	CHECK_NEAR(t->scale_in_idle_s, RS_DEFAULT_COMPUTE_SCALE_IN_S, 0);
	CHECK_I64(t->cold_start_ms.kind, RS_DIST_LOGNORMAL);
	CHECK_NEAR(t->cold_start_ms.median, 4000, 0);
	CHECK_NEAR(t->cold_start_ms.sigma, 0.9, 0);
	CHECK(strstr(cfg->effective_json, "\"cold_start_ms\"") != NULL);
	CHECK(strstr(cfg->effective_json, "\"target_concurrency\":\t100") != NULL);
	if (rs_scenario_parse("t.json", cfg->effective_json, NULL, NULL, 0, &again, &err) !=
	    RS_OK) {
		TH_FAIL("%s", err.msg);
	} else {
		CHECK_STR(again->effective_json, cfg->effective_json);
	}
	rs_config_free(again);
	rs_config_free(cfg);
}

int main(void)
{
	RUN(test_step_four_cold_starts);
	RUN(test_queue_hand_worked);
	RUN(test_no_wait_is_zero);
	RUN(test_queue_limit_refuses);
	RUN(test_scale_in);
	RUN(test_prewarmed_buffer);
	RUN(test_loader_errors);
	RUN(test_loader_defaults);
	return th_done();
}
