/*
 * test_batch.c - global batch deployments (batch.h) on hand-worked runs,
 * and their loader (scenario_batch.c) on every bad value.
 *
 *   - the quota at its boundary: a job that exactly fits is accepted, one
 *     token more is refused (token_limit_exceeded); tokens leave the pool
 *     when a job ends, and the next job fits again;
 *   - deployments of one (subscription, model) share one quota, of another
 *     subscription not;
 *   - a job past the 24-hour target expires there, with the share target/T
 *     of its requests completed and billed;
 *   - cost: half the model's global standard prices;
 *   - turnaround percentiles against the draws replayed from the stream.
 */
#include "harness.h"
#include "ratesim/batch.h"
#include "ratesim/dist.h"
#include "ratesim/rng.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

#include <stdlib.h>
#include <string.h>

#define BATCH_MAX 4

static const char *scenario(double duration_s, const char *batch)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
	         "{ \"name\": \"t\", \"duration_s\": %.0f, \"seed\": 3,\n"
	         "  \"deployments\": [ { \"name\": \"d\", \"region\": \"eastus\", \"model\": "
	         "\"gpt-4o\", \"tpm\": 1000 } ],\n"
	         "  \"clients\": [ { \"name\": \"a\", \"target\": \"d\", \"arrival\": { "
	         "\"process\": \"constant\", \"rate_rps\": 0 }, \"prompt_tokens\": 1, "
	         "\"output_tokens\": 1 } ],\n"
	         "  \"global_batch\": [ %s ] }",
	         duration_s, batch);
	return buf;
}

static rs_status on_row(void *ctx, const rs_ts_row *row)
{
	return RS_OK;
}

/* Run the text with the overrides sets[0..n_sets).  Returns the number of
 * batch deployments; OUT: their figures (at most BATCH_MAX) and, when
 * asked, the first one's model's global standard prices. */
static size_t run_with(const char *text, const char *const *sets, size_t n_sets,
                       rs_batch_figures *f, double *price_in, double *price_out)
{
	rs_error err = {0};
	rs_config *cfg = NULL;
	rs_world *w = NULL;
	rs_world_hooks hooks = {.row = on_row};
	size_t n = 0;
	rs_status st = rs_scenario_parse("t.json", text, NULL, sets, n_sets, &cfg, &err);
	if (st == RS_OK)
		st = rs_world_new(cfg, &hooks, &w, &err);
	if (st == RS_OK)
		st = rs_world_run(w, &err);
	if (st == RS_OK) {
		const rs_batch *b = rs_metrics_batch(rs_world_metrics(w));
		n = rs_batch_count(b);
		for (size_t k = 0; k < n && k < BATCH_MAX; k++)
			rs_batch_figures_get(b, k, &f[k]);
		if (price_in && price_out) {
			*price_in = cfg->models[cfg->batch[0].model].price_input_per_1m;
			*price_out = cfg->models[cfg->batch[0].model].price_output_per_1m;
		}
	} else {
		TH_FAIL("%s", err.msg);
	}
	rs_world_free(w);
	rs_config_free(cfg);
	return n;
}

static size_t run(const char *text, rs_batch_figures *f, double *price_in, double *price_out)
{
	return run_with(text, NULL, 0, f, price_in, price_out);
}

/* Jobs of 10 requests x 50 prompt tokens = 500 enqueued tokens, every 30 s
 * from 5 s, each done 100 s after submission, under a quota of 1000:
 *   5 s accepted (500), 35 s accepted (1000: fits exactly), 65 and 95 s
 *   refused, 105 s the first ends (500), 125 s accepted (1000), 135 s the
 *   second ends, 155 s accepted, 185 s refused.
 * With a quota of 999 the job of 35 s takes one token too many. */
static void test_quota_boundary(void)
{
	const char *fmt = "{ \"name\": \"b\", \"model\": \"gpt-4o\", \"enqueued_tokens\": %d, "
	                  "\"turnaround_s\": 100, \"jobs\": { \"every_s\": 30, \"start_s\": 5, "
	                  "\"requests\": 10, \"prompt_tokens\": 50, \"output_tokens\": 20 } }";
	char b[512];
	rs_batch_figures f[BATCH_MAX];
	double pin = 0, pout = 0;
	snprintf(b, sizeof b, fmt, 1000);
	if (run(scenario(200, b), f, &pin, &pout) == 1) {
		CHECK_I64(f[0].submitted, 7);
		CHECK_I64(f[0].accepted, 4);
		CHECK_I64(f[0].refused, 3);
		CHECK_I64(f[0].completed, 2); /* the others end after 200 s */
		CHECK_I64(f[0].expired, 0);
		CHECK_I64(f[0].requests_completed, 20);
		CHECK_I64(f[0].input_tokens, 1000);
		CHECK_I64(f[0].output_tokens, 400);
		CHECK_NEAR(f[0].peak_enqueued, 1000, 0);
		CHECK_NEAR(f[0].turnaround_max_h, 100.0 / 3600, 1e-12);
		/* half the global standard prices (seed 001) */
		CHECK_NEAR(f[0].cost_usd, 0.5 * (1000 * pin + 400 * pout) / 1e6, 1e-15);
		CHECK(pin > 0 && pout > 0);
	}
	snprintf(b, sizeof b, fmt, 999);
	if (run(scenario(200, b), f, NULL, NULL) == 1) {
		/* 5 s accepted; 35, 65, 95 s refused (1000 > 999); 105 s it ends;
		 * 125 s accepted; 155, 185 s refused */
		CHECK_I64(f[0].accepted, 2);
		CHECK_I64(f[0].refused, 5);
		CHECK_NEAR(f[0].peak_enqueued, 500, 0);
	}
	/* warm-up 50 s: submissions from 65 s count (65, 95, 185 refused; 125,
	 * 155 accepted); the jobs ending at 105 and 135 s count; no job
	 * submitted after 50 s ends in the run, so no turnaround */
	const char *const warm[] = {"warmup_s=50"};
	snprintf(b, sizeof b, fmt, 1000);
	if (run_with(scenario(200, b), warm, 1, f, NULL, NULL) == 1) {
		CHECK_I64(f[0].submitted, 5);
		CHECK_I64(f[0].accepted, 2);
		CHECK_I64(f[0].refused, 3);
		CHECK_I64(f[0].completed, 2);
		CHECK_I64(f[0].input_tokens, 1000);
		CHECK(isnan(f[0].turnaround_p50_h) && isnan(f[0].turnaround_max_h));
	}
}

/* One job of one request: 1000 prompt tokens fit a quota of 1000; 1001 do
 * not. */
static void test_single_job_boundary(void)
{
	const char *fmt = "{ \"name\": \"b\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 1000, "
	                  "\"turnaround_s\": 10, \"jobs\": { \"every_s\": 1000, \"requests\": 1, "
	                  "\"prompt_tokens\": %d, \"output_tokens\": 1 } }";
	char b[512];
	rs_batch_figures f[BATCH_MAX];
	snprintf(b, sizeof b, fmt, 1000);
	if (run(scenario(100, b), f, NULL, NULL) == 1) {
		CHECK_I64(f[0].accepted, 1);
		CHECK_I64(f[0].refused, 0);
		CHECK_I64(f[0].completed, 1);
	}
	snprintf(b, sizeof b, fmt, 1001);
	if (run(scenario(100, b), f, NULL, NULL) == 1) {
		CHECK_I64(f[0].accepted, 0);
		CHECK_I64(f[0].refused, 1);
		CHECK_I64(f[0].completed, 0);
		CHECK_NEAR(f[0].cost_usd, 0, 0);
	}
}

/* Two deployments of one (subscription, model): 600 + 600 > 1000, the
 * second (submitted 1 s later) is refused; in another subscription it has
 * its own quota. */
static void test_pool_shared(void)
{
	const char *fmt =
	    "{ \"name\": \"b1\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 1000, "
	    "\"turnaround_s\": 50, \"jobs\": { \"every_s\": 1000, \"requests\": 6, "
	    "\"prompt_tokens\": 100, \"output_tokens\": 1 } },\n"
	    "{ \"name\": \"b2\", \"model\": \"gpt-4o\", \"subscription\": \"%s\", "
	    "\"enqueued_tokens\": 1000, \"turnaround_s\": 50, \"jobs\": { \"every_s\": 1000, "
	    "\"start_s\": 1, \"requests\": 6, \"prompt_tokens\": 100, \"output_tokens\": 1 } }";
	char b[1024];
	rs_batch_figures f[BATCH_MAX];
	snprintf(b, sizeof b, fmt, "default");
	if (run(scenario(100, b), f, NULL, NULL) == 2) {
		CHECK_I64(f[0].accepted, 1);
		CHECK_I64(f[1].accepted, 0);
		CHECK_I64(f[1].refused, 1);
		CHECK_NEAR(f[1].peak_enqueued, 600, 0); /* the pool's */
	}
	snprintf(b, sizeof b, fmt, "other");
	if (run(scenario(100, b), f, NULL, NULL) == 2) {
		CHECK_I64(f[0].accepted, 1);
		CHECK_I64(f[1].accepted, 1);
	}
}

/* A turnaround of 200,000 s is past the 24-hour target: the job expires at
 * 86,400 s with floor(10 x 86400 / 200000) = 4 of its 10 requests done. */
static void test_expiry(void)
{
	const char *b = "{ \"name\": \"b\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 1000, "
	                "\"turnaround_s\": 200000, \"jobs\": { \"every_s\": 100000, "
	                "\"requests\": 10, \"prompt_tokens\": 50, \"output_tokens\": 20 } }";
	rs_batch_figures f[BATCH_MAX];
	if (run(scenario(90000, b), f, NULL, NULL) == 1) {
		CHECK_I64(f[0].accepted, 1);
		CHECK_I64(f[0].completed, 0);
		CHECK_I64(f[0].expired, 1);
		CHECK_I64(f[0].requests_completed, 4);
		CHECK_I64(f[0].input_tokens, 200);
		CHECK_I64(f[0].output_tokens, 80);
		CHECK_NEAR(f[0].turnaround_max_h, 24, 1e-12);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* A lognormal turnaround, fixed sizes (which draw nothing): the jobs'
 * turnarounds are the stream's successive draws; the percentiles are their
 * nearest ranks (to the histogram's 1%), the largest exact. */
static void test_turnaround_percentiles(void)
{
	const char *b =
	    "{ \"name\": \"nightly\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 1e12, "
	    "\"turnaround_s\": { \"dist\": \"lognormal\", \"median\": 3600, \"sigma\": "
	    "0.8 }, \"jobs\": { \"every_s\": 600, \"requests\": 2, \"prompt_tokens\": "
	    "10, \"output_tokens\": 10 } }";
	enum { JOBS = 100 }; /* at 0, 600, ... 59400 s; all end before 200000 s */
	rs_batch_figures f[BATCH_MAX];
	if (run(scenario(60000 - 1, b), f, NULL, NULL) != 1)
		return;
	rs_dist_cfg d = {.kind = RS_DIST_LOGNORMAL, .median = 3600, .sigma = 0.8};
	gsl_rng *rng = rs_rng_stream(3, "batch.jobs", "nightly");
	double t[JOBS];
	size_t done = 0;
	for (int j = 0; j < JOBS; j++) {
		double s = (double)rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, rng, 0);
		if (600.0 * j + s < 60000 - 1)
			t[done++] = s / 3600;
	}
	gsl_rng_free(rng);
	qsort(t, done, sizeof t[0], cmp_double);
	CHECK_I64(f[0].accepted, JOBS);
	CHECK_I64(f[0].completed, done);
	CHECK(done > 90);
	CHECK_NEAR(f[0].turnaround_p50_h, t[(done + 1) / 2 - 1], t[(done + 1) / 2 - 1] * 0.01);
	CHECK_NEAR(f[0].turnaround_max_h, t[done - 1], 1e-9);
}

/* ---- the loader ------------------------------------------------------------ */

static void fails(const char *batch, const char *msg)
{
	rs_error err = {0};
	rs_config *cfg = NULL;
	rs_status st = rs_scenario_parse("t.json", scenario(100, batch), NULL, NULL, 0, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK_STR(err.msg, msg);
	rs_config_free(cfg);
}

/* The base deployment with `from` replaced by `to` (once). */
static const char *with(const char *from, const char *to)
{
	static const char *const base =
	    "{ \"name\": \"b\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 1000, "
	    "\"turnaround_s\": 10, \"jobs\": { \"every_s\": 10, \"requests\": 1, "
	    "\"prompt_tokens\": 1, \"output_tokens\": 1 } }";
	static char buf[1024];
	const char *at = strstr(base, from);
	if (!at) {
		TH_FAIL("no \"%s\" in the base", from);
		return base;
	}
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	return buf;
}

static void test_loader_errors(void)
{
	char one[1024], two[2 * sizeof one + 8];
	snprintf(one, sizeof one, "%s", with("", ""));
	fails("3", "t.json: .global_batch[0]: must be an object (got number 3)");
	fails(with("\"name\": \"b\", ", ""),
	      "t.json: .global_batch[0].name: required key is missing");
	fails(with("\"model\"", "\"modle\""),
	      "t.json: .global_batch[0].modle: unknown key; did you mean \"model\"?");
	fails(with("gpt-4o", "gpt-9"),
	      "t.json: .global_batch[0].model: no model named \"gpt-9\" (models: gpt-35-turbo, "
	      "gpt-4, "
	      "gpt-4-32k, gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini, o3-mini, gpt-5)");
	fails(with("\"turnaround_s\": 10", "\"turnaround_s\": 10, \"subscription\": 3"),
	      "t.json: .global_batch[0].subscription: must be a string (got number 3)");
	fails(with("\"enqueued_tokens\": 1000", "\"enqueued_tokens\": 0"),
	      "t.json: .global_batch[0].enqueued_tokens: must be > 0 (got 0)");
	fails(with("\"enqueued_tokens\": 1000", "\"enqueued_tokens\": 1.5"),
	      "t.json: .global_batch[0].enqueued_tokens: must be a whole number (got 1.5)");
	fails(with("\"enqueued_tokens\": 1000", "\"enqueued_tokens\": 1e16"),
	      "t.json: .global_batch[0].enqueued_tokens: must be at most 1e+15 (got 1e+16)");
	fails(with("\"enqueued_tokens\": 1000, ", ""),
	      "t.json: .global_batch[0].enqueued_tokens: required key is missing");
	fails(with("\"turnaround_s\": 10", "\"turnaround_s\": -1"),
	      "t.json: .global_batch[0].turnaround_s: must be >= 0 (got -1)");
	fails(with("\"turnaround_s\": 10", "\"turnaround_s\": { \"dist\": \"trace\" }"),
	      "t.json: .global_batch[0].turnaround_s.dist: must be one of: fixed, uniform, "
	      "lognormal (got "
	      "string \"trace\")");
	fails(with("\"turnaround_s\": 10", "\"turnaround_s\": 10, \"target_s\": 0"),
	      "t.json: .global_batch[0].target_s: must be > 0 (got 0)");
	fails(with("\"turnaround_s\": 10", "\"turnaround_s\": 10, \"price_factor\": -1"),
	      "t.json: .global_batch[0].price_factor: must be >= 0 (got -1)");
	fails(
	    with("\"jobs\": {", "\"jobs\": 3, \"x\": {"),
	    "t.json: .global_batch[0].x: unknown key (expected one of: name, model, subscription, "
	    "enqueued_tokens, turnaround_s, target_s, price_factor, jobs)");
	fails("{ \"name\": \"b\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 1000, "
	      "\"turnaround_s\": 10, \"jobs\": 3 }",
	      "t.json: .global_batch[0].jobs: must be an object (got number 3)");
	fails("{ \"name\": \"b\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 1000, "
	      "\"turnaround_s\": 10 }",
	      "t.json: .global_batch[0].jobs: required key is missing");
	fails(with("\"turnaround_s\": 10",
	           "\"turnaround_s\": { \"dist\": \"lognormal\", \"median\": 60, \"sigma\": 9 }"),
	      "t.json: .global_batch[0].turnaround_s.sigma: must be at most 5 (got 9)");
	fails(with("\"turnaround_s\": 10", "\"turnaround_s\": 10, \"price_factor\": 101"),
	      "t.json: .global_batch[0].price_factor: must be at most 100 (got 101)");
	fails(with("\"every_s\": 10", "\"every_s\": 0"),
	      "t.json: .global_batch[0].jobs.every_s: must be > 0 (got 0)");
	fails(with("\"every_s\": 10", "\"every_s\": 0.00001"),
	      "t.json: .global_batch[0].jobs.every_s: must be >= 0.001 (got 1e-05)");
	fails(with("\"every_s\": 10, \"requests\": 1", "\"every_s\": 0.01, \"requests\": 100000"),
	      "t.json: .global_batch[0].jobs.every_s: submits about 1000000000 requests in the run "
	      "(at "
	      "most 100000000); raise every_s or make the jobs smaller");
	fails(
	    with("\"every_s\": 10", "\"every_s\": 10, \"process\": \"burst\""),
	    "t.json: .global_batch[0].jobs.process: must be one of: constant, poisson (got string "
	    "\"burst\")");
	fails(with("\"every_s\": 10", "\"every_s\": 10, \"start_s\": -1"),
	      "t.json: .global_batch[0].jobs.start_s: must be >= 0 (got -1)");
	fails(with("\"requests\": 1", "\"requests\": 0"),
	      "t.json: .global_batch[0].jobs.requests: must be >= 1 (got 0)");
	fails(with("\"requests\": 1", "\"requests\": 100001"),
	      "t.json: .global_batch[0].jobs.requests: must be at most 100000 (got 100001)");
	fails(with("\"prompt_tokens\": 1", "\"prompt_tokens\": -1"),
	      "t.json: .global_batch[0].jobs.prompt_tokens: must be >= 0 (got -1)");
	fails(with("\"output_tokens\": 1",
	           "\"output_tokens\": { \"dist\": \"uniform\", \"min\": 5, \"max\": 4 }"),
	      "t.json: .global_batch[0].jobs.output_tokens.max: must be >= min (5) (got 4)");
	fails(with(", \"output_tokens\": 1", ""),
	      "t.json: .global_batch[0].jobs.output_tokens: required key is missing");
	snprintf(two, sizeof two, "%s, %s", one, one);
	fails(two, "t.json: .global_batch[1].name: batch deployment \"b\" is already defined at "
	           ".global_batch[0]");
	snprintf(two, sizeof two, "%s, %s", one,
	         with("\"name\": \"b\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 1000",
	              "\"name\": \"c\", \"model\": \"gpt-4o\", \"enqueued_tokens\": 2000"));
	fails(two, "t.json: .global_batch[1].enqueued_tokens: must be 1000, as .global_batch[0] "
	           "says: the batch "
	           "deployments of subscription \"default\" and model \"gpt-4o\" share one "
	           "enqueued-token quota (got 2000)");
}

/* A run that would submit more than RS_MAX_BATCH_JOBS jobs is refused. */
static void test_loader_job_limit(void)
{
	rs_error err = {0};
	rs_config *cfg = NULL;
	const char *b = with("\"every_s\": 10", "\"every_s\": 0.001");
	rs_status st = rs_scenario_parse("t.json", scenario(10000, b), NULL, NULL, 0, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK_STR(err.msg,
	          "t.json: .global_batch[0].jobs.every_s: submits about 10000000 jobs in the run "
	          "(at most 1000000); raise every_s");
	rs_config_free(cfg);
}

int main(void)
{
	RUN(test_quota_boundary);
	RUN(test_single_job_boundary);
	RUN(test_pool_shared);
	RUN(test_expiry);
	RUN(test_turnaround_percentiles);
	RUN(test_loader_errors);
	RUN(test_loader_job_limit);
	return th_done();
}
