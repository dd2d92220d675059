/*
 * test_scenario_limits.c - the loader refuses the values that used to
 * crash, hang or silently corrupt a run (issue 12), and the runs that would
 * not fit their memory or disk budget.
 *
 * Each hostile value of the issue is set with a --set override on a small
 * valid scenario (display name "t.json"); the load must fail with
 * RS_ERR_INVALID and one line that names the value's path and the limit it
 * crossed.  The budget cases build scenarios of many clients in memory, and
 * check the scenario's "limits" and the caller's options (what
 * --max-memory sets).  Before these limits each of these loaded, and the
 * runs aborted, looped or wrote wrong results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratesim/scenario.h"

static const char *const base =
    "{\n"
    "  \"name\": \"lim\",\n"
    "  \"duration_s\": 600,\n"
    "  \"models\": { \"m\": { \"base\": \"gpt-4o\", \"ptu_min_regional\": 50,\n"
    "                      \"ptu_inc_regional\": 50, \"input_tpm_per_ptu\": 2500 } },\n"
    "  \"deployments\": [\n"
    "    { \"name\": \"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\", \"tpm\": 150000 },\n"
    "    { \"name\": \"p\", \"region\": \"eastus\", \"model\": \"m\", \"kind\": \"provisioned\",\n"
    "      \"ptu\": 50 }\n"
    "  ],\n"
    "  \"routers\": [ { \"name\": \"r\", \"strategy\": \"round_robin\",\n"
    "                 \"backends\": [ { \"target\": \"d\" }, { \"target\": \"p\" } ] } ],\n"
    "  \"clients\": [\n"
    "    { \"name\": \"c\", \"target\": \"r\",\n"
    "      \"arrival\": { \"process\": \"poisson\", \"rate_rps\": 2 },\n"
    "      \"prompt_tokens\": 1000, \"output_tokens\": 200 }\n"
    "  ]\n"
    "}\n";

/* The load with `set` fails with one line holding `path` and `limit`. */
static void refused(const char *set, const char *path, const char *limit)
{
	const char *sets[] = {set};
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st = rs_scenario_parse("t.json", base, NULL, sets, 1, &cfg, &err);
	if (st == RS_OK) {
		TH_FAIL("--set %s: accepted; want it refused at %s", set, path);
		rs_config_free(cfg);
		return;
	}
	CHECK_I64(st, RS_ERR_INVALID);
	char want[256];
	snprintf(want, sizeof want, "t.json: %s: ", path);
	if (strncmp(err.msg, want, strlen(want)) != 0 || !strstr(err.msg, limit) ||
	    strchr(err.msg, '\n'))
		TH_FAIL("--set %s: got \"%s\", want one line \"%s...%s...\"", set, err.msg, want,
		        limit);
}

/* The load with the sets a and b (either may be NULL) succeeds. */
static void accepted2(const char *a, const char *b)
{
	const char *sets[] = {a, b};
	size_t n = a ? (b ? 2 : 1) : 0;
	rs_config *cfg = NULL;
	rs_error err = {0};
	if (rs_scenario_parse("t.json", base, NULL, sets, n, &cfg, &err) != RS_OK)
		TH_FAIL("--set %s: refused: %s", a ? a : "(none)", err.msg);
	rs_config_free(cfg);
}

static void accepted(const char *set)
{
	accepted2(set, NULL);
}

/* The values of issue 12 that aborted, looped or ran wrong. */
static void test_issue_12_values(void)
{
	accepted(NULL);
	/* time-like values past what int64 microseconds hold */
	refused("bucket_s=1e13", ".bucket_s", "at most 34560000");
	refused("duration_s=1e13", ".duration_s", "at most 34560000");
	refused("deployments[0].rtt_ms=1e16", ".deployments[0].rtt_ms", "at most 3600000");
	refused("models.m.throttle_ms=1e16", ".models.m.throttle_ms", "at most 3600000");
	refused("faults=[{\"kind\":\"down\",\"deployment\":\"d\",\"start_s\":0,"
	        "\"end_s\":9007199254740992}]",
	        ".faults[0].end_s", "at most 34560000");
	refused("clients[0].arrival={\"process\":\"closed\",\"users\":1,"
	        "\"think_s\":{\"dist\":\"uniform\",\"min\":0,\"max\":9007199254740992}}",
	        ".clients[0].arrival.think_s.max", "at most 34560000");
	refused("models.m.sigma=2147483648", ".models.m.sigma", "at most 5");
	refused("models.m.tokens_per_s=1e-320", ".models.m.tokens_per_s", ">= 0.01");
	refused("deployments[0].prompt_estimate_factor=9007199254740992",
	        ".deployments[0].prompt_estimate_factor", "at most 100");
	/* loops that never ended */
	refused("bucket_s=1e-7", ".bucket_s", ">= 0.001");
	refused("models.m.output_ratio=1e308", ".models.m.output_ratio", "at most 100");
	refused("models.m.input_tpm_per_ptu=1e-320", ".models.m.input_tpm_per_ptu", ">= 1");
	refused("faults=[{\"kind\":\"degrade\",\"deployment\":\"p\",\"start_s\":0,\"end_s\":9,"
	        "\"scale\":1e-320}]",
	        ".faults[0].scale", ">= 0.001");
	refused("clients[0].arrival={\"process\":\"onoff\",\"rate_on\":1,\"rate_off\":0,"
	        "\"on_s\":1e-300,\"off_s\":1}",
	        ".clients[0].arrival.on_s", ">= 0.001");
	refused("clients[0].arrival={\"process\":\"poisson\",\"schedule\":["
	        "{\"at_s\":0,\"rate_rps\":1},{\"at_s\":1e-9,\"rate_rps\":2}]}",
	        ".clients[0].arrival.schedule[1].at_s", "at least 1e-06 s after");
	/* wrong results with exit 0 */
	refused("clients[0].best_of=2147483647", ".clients[0].best_of", "at most 128");
	refused("clients[0].max_tokens={\"policy\":\"fixed\",\"value\":9007199254740992}",
	        ".clients[0].max_tokens.value", "at most 10000000");
	refused("models.m.price_input_per_1m=1e308", ".models.m.price_input_per_1m",
	        "at most 1000000");
	/* validate said valid, the run died */
	refused("clients[0].arrival.rate_rps=1e308", ".clients[0].arrival.rate_rps",
	        "at most 1000000");
	refused("clients[0].arrival.rate_rps=2147483648", ".clients[0].arrival.rate_rps",
	        "at most 1000000");
	refused("routers[0].breaker_failures=2147483647", ".routers[0].breaker_failures",
	        "at most 10000");
	/* and the limits themselves are values in range */
	accepted("bucket_s=0.001");
	accepted2("duration_s=34560000", "bucket_s=3600");
	accepted("routers[0].breaker_failures=10000");
	accepted("clients[0].best_of=128");
}

/* A scenario of n clients of the base (a new string). */
static char *with_clients(size_t n, const char *extra)
{
	size_t cap = 256 * n + 4096, len = 0;
	char *t = malloc(cap);
	if (!t)
		return NULL;
	len += (size_t)snprintf(t + len, cap - len,
	                        "{ \"name\": \"many\", \"duration_s\": 600, %s\n"
	                        "  \"deployments\": [ { \"name\": \"d\", \"region\": \"eastus\",\n"
	                        "    \"model\": \"gpt-4o\", \"tpm\": 150000 } ],\n"
	                        "  \"clients\": [\n",
	                        extra);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len,
		                        "%s{ \"name\": \"c%zu\", \"target\": \"d\", \"arrival\": "
		                        "{ \"process\": \"poisson\", \"rate_rps\": 0.001 }, "
		                        "\"prompt_tokens\": 10, \"output_tokens\": 10 }\n",
		                        i ? "," : "", i);
	snprintf(t + len, cap - len, "] }\n");
	return t;
}

static void test_memory_budget(void)
{
	/* 200 clients: about 33 MB by the estimate */
	char *text = with_clients(200, "\"limits\": { \"max_memory_mb\": 16 },");
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st = rs_scenario_parse("t.json", text, NULL, NULL, 0, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK(strstr(err.msg, "t.json: .clients: a run with 200 clients takes about ") == err.msg);
	CHECK(strstr(err.msg, "over the budget of 16 MB") != NULL);
	free(text);

	/* the same within the default budget, with its estimate */
	text = with_clients(200, "");
	st = rs_scenario_parse("t.json", text, NULL, NULL, 0, &cfg, &err);
	CHECK_I64(st, RS_OK);
	if (cfg) {
		rs_scenario_estimate e;
		rs_scenario_estimate_of(cfg, &e);
		CHECK(e.memory_mb > 25 && e.memory_mb < 50);
		CHECK_NEAR(e.buckets, 300, 0); /* 600 s in 2 s buckets, picked */
		CHECK_NEAR(cfg->max_memory_mb, RS_DEFAULT_MAX_MEMORY_MB, 0);
		CHECK_I64(rs_scenario_check_budget(cfg, 16, 2048, &err), RS_ERR_INVALID);
		CHECK_I64(rs_scenario_check_budget(cfg, 64, 2048, &err), RS_OK);
		rs_config_free(cfg);
	}
	free(text);
}

static void test_output_budget_and_options(void)
{
	const char *sets[] = {"duration_s=34560000", "bucket_s=0.001"};
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st = rs_scenario_parse("t.json", base, NULL, sets, 2, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK_STR(err.msg, "t.json: .bucket_s: a run with 34560000000 buckets of 4 series writes "
	                   "about 21093751 MB of results (estimate), over the budget of 2048 MB; "
	                   "raise bucket_s, or to allow it set limits.max_output_mb in the "
	                   "scenario, or give --max-output MB");

	/* the caller's budget (what --max-memory sets) overrides the scenario's */
	char *dir = th_tmpdir("rs_limits");
	char path[256];
	snprintf(path, sizeof path, "%s/s.json", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		TH_FAIL("cannot write %s", path);
		return;
	}
	fputs(base, f);
	fclose(f);
	const char *tight[] = {"limits={\"max_memory_mb\": 1}"};
	st = rs_scenario_load(path, tight, 1, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK(strstr(err.msg, "over the budget of 1 MB") != NULL);
	rs_scenario_opts opts = {.max_memory_mb = 64};
	st = rs_scenario_load_with(path, tight, 1, &opts, &cfg, &err);
	CHECK_I64(st, RS_OK);
	rs_config_free(cfg);
	opts.max_memory_mb = 2;
	st = rs_scenario_load_with(path, NULL, 0, &opts, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK(strstr(err.msg, "over the budget of 2 MB") != NULL);
	remove(path);
	rmdir(dir);
}

/* Control characters in echoed values come out escaped, on one line. */
static void test_messages_are_one_line(void)
{
	const char *sets[] = {"clients[0].target=\"x\\ny\\tz\\u0001\""};
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st = rs_scenario_parse("t.json", base, NULL, sets, 1, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK_STR(err.msg, "t.json: .clients[0].target: no deployment or router named "
	                   "\"x\\ny\\tz\\x01\" (deployments: d, p; routers: r)");
	const char *key[] = {"clients[0].arrival={\"process\":\"poisson\",\"rate_rps\":1,"
	                     "\"a\\nb\":1}"};
	st = rs_scenario_parse("t.json", base, NULL, key, 1, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK(strchr(err.msg, '\n') == NULL);
	CHECK(strstr(err.msg, "a\\nb") != NULL);
}

int main(void)
{
	RUN(test_issue_12_values);
	RUN(test_memory_budget);
	RUN(test_output_budget_and_options);
	RUN(test_messages_are_one_line);
	return th_done();
}
