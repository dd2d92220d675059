/*
 * test_observed.c - what the real service was seen to do (MODEL.md section
 * 13, issue 9): several RPM windows at once, the 86,400 s answer to an
 * estimate above the whole TPM and how each SDK preset takes it, and the
 * capacity calculator's workload description beside the simulation.
 *
 * The meter's own hand-worked sequences are in test_meter_std.c and the
 * presets' waits in test_retry.c; this file holds the loader (every new
 * key's values, defaults and the exact message of every bad value), the
 * calculator's arithmetic against figures worked by hand, and whole runs of
 * tests/scenarios/observed-burst.json and scenarios/calculator-ptu.json
 * whose outcomes follow from the rules without simulation noise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratesim/calculator.h"
#include "ratesim/models.h"
#include "ratesim/scenario.h"
#include "run_helpers.h"

#define BURST "tests/scenarios/observed-burst.json"
#define CALC  "scenarios/calculator-ptu.json"

static const char *const base =
    "{\n"
    "  \"name\": \"obs\",\n"
    "  \"duration_s\": 600,\n"
    "  \"deployments\": [\n"
    "    { \"name\": \"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\", \"tpm\": 50000 },\n"
    "    { \"name\": \"p\", \"region\": \"eastus\", \"model\": \"gpt-4o\",\n"
    "      \"kind\": \"global_provisioned\", \"ptu\": 75 }\n"
    "  ],\n"
    "  \"clients\": [\n"
    "    { \"name\": \"c\", \"target\": \"d\",\n"
    "      \"arrival\": { \"process\": \"poisson\", \"rate_rps\": 2 },\n"
    "      \"prompt_tokens\": 1000, \"output_tokens\": 200 }\n"
    "  ]\n"
    "}\n";

static rs_config *load(const char *text, const char *const *sets, size_t n, rs_error *err)
{
	rs_config *cfg = NULL;
	if (rs_scenario_parse("t.json", text, NULL, sets, n, &cfg, err) != RS_OK)
		return NULL;
	return cfg;
}

/* One --set on `base` fails with exactly `msg`. */
static void set_fails(const char *set, const char *msg)
{
	rs_error err = {0};
	const char *sets[] = {set};
	rs_config *cfg = load(base, sets, 1, &err);
	CHECK(cfg == NULL);
	CHECK_I64(err.status, RS_ERR_INVALID);
	CHECK_STR(err.msg, msg);
	rs_config_free(cfg);
}

/* One --set on `base` loads. */
static rs_config *set_ok(const char *set)
{
	rs_error err = {0};
	const char *sets[] = {set};
	rs_config *cfg = load(base, sets, set ? 1 : 0, &err);
	if (!cfg)
		TH_FAIL("%s: %s", set ? set : "(none)", err.msg);
	return cfg;
}

/* ---- the deployment's keys ------------------------------------------------- */

static void test_rpm_windows_loaded(void)
{
	rs_config *cfg = set_ok(NULL);
	if (cfg) {
		const rs_deployment_cfg *d = &cfg->deployments[0];
		CHECK_I64(d->n_rpm_windows, 0); /* the default: rpm_window_s alone */
		CHECK_I64(d->rpm_window_s, RS_DEFAULT_RPM_WINDOW_S);
		CHECK_NEAR(d->oversize_retry_after_s, 86400, 0);
		/* the effective scenario names the one window, not the array */
		CHECK(strstr(cfg->effective_json, "\"rpm_window_s\":\t10") ||
		      strstr(cfg->effective_json, "\"rpm_window_s\": 10"));
		CHECK(!strstr(cfg->effective_json, "rpm_windows_s"));
		rs_config_free(cfg);
	}
	cfg = set_ok("deployments[0].rpm_windows_s=[1,10]");
	if (cfg) {
		const rs_deployment_cfg *d = &cfg->deployments[0];
		CHECK_I64(d->n_rpm_windows, 2);
		CHECK_I64(d->rpm_windows_s[0], 1);
		CHECK_I64(d->rpm_windows_s[1], 10);
		CHECK_I64(d->rpm_window_s, 1);
		/* read again, the effective scenario gives the same windows and no
		 * rpm_window_s beside them */
		CHECK(!strstr(cfg->effective_json, "\"rpm_window_s\""));
		rs_error err = {0};
		rs_config *again = load(cfg->effective_json, NULL, 0, &err);
		CHECK(again != NULL);
		if (again) {
			CHECK_I64(again->deployments[0].n_rpm_windows, 2);
			CHECK_I64(again->deployments[0].rpm_windows_s[1], 10);
			rs_config_free(again);
		} else {
			TH_FAIL("effective scenario: %s", err.msg);
		}
		rs_config_free(cfg);
	}
	cfg = set_ok("deployments[0].rpm_windows_s=[1,10,30,60]");
	if (cfg) {
		CHECK_I64(cfg->deployments[0].n_rpm_windows, 4);
		CHECK_I64(cfg->deployments[0].rpm_windows_s[3], 60);
		rs_config_free(cfg);
	}
	cfg = set_ok("deployments[0].oversize_retry_after_s=0");
	if (cfg) {
		CHECK_NEAR(cfg->deployments[0].oversize_retry_after_s, 0, 0);
		rs_config_free(cfg);
	}
}

static void test_deployment_errors(void)
{
	set_fails("deployments[0].rpm_windows_s=10",
	          "t.json: .deployments[0].rpm_windows_s: must be an array of whole seconds such "
	          "as [1, 10] (got number 10)");
	set_fails("deployments[0].rpm_windows_s=[]",
	          "t.json: .deployments[0].rpm_windows_s: must hold at least one window length "
	          "(got [])");
	set_fails("deployments[0].rpm_windows_s=[1,2,3,4,5]",
	          "t.json: .deployments[0].rpm_windows_s: holds 5 windows; at most 4 are "
	          "enforced at once");
	set_fails("deployments[0].rpm_windows_s=[1,1.5]",
	          "t.json: .deployments[0].rpm_windows_s[1]: must be a whole number of seconds "
	          "(got number 1.5)");
	set_fails("deployments[0].rpm_windows_s=[\"1\"]",
	          "t.json: .deployments[0].rpm_windows_s[0]: must be a whole number of seconds "
	          "(got string \"1\")");
	set_fails("deployments[0].rpm_windows_s=[0,10]",
	          "t.json: .deployments[0].rpm_windows_s[0]: must be >= 1 and <= 60 seconds "
	          "(got 0)");
	set_fails("deployments[0].rpm_windows_s=[1,61]",
	          "t.json: .deployments[0].rpm_windows_s[1]: must be >= 1 and <= 60 seconds "
	          "(got 61)");
	set_fails("deployments[0].rpm_windows_s=[10,1]",
	          "t.json: .deployments[0].rpm_windows_s[1]: must be longer than the window "
	          "before it (10 s): list the windows shortest first, each once (got 1)");
	set_fails("deployments[0].rpm_windows_s=[1,1]",
	          "t.json: .deployments[0].rpm_windows_s[1]: must be longer than the window "
	          "before it (1 s): list the windows shortest first, each once (got 1)");
	const char *both[] = {"deployments[0].rpm_windows_s=[1,10]",
	                      "deployments[0].rpm_window_s=1"};
	rs_error err = {0};
	rs_config *cfg = load(base, both, 2, &err);
	CHECK(cfg == NULL);
	CHECK_STR(err.msg, "t.json: .deployments[0]: takes \"rpm_window_s\" (one window) or "
	                   "\"rpm_windows_s\" (several at once), not both");
	rs_config_free(cfg);
	set_fails("deployments[1].rpm_windows_s=[1,10]",
	          "t.json: .deployments[1].rpm_windows_s: not used when kind is "
	          "\"global_provisioned\"; only the standard family has RPM windows");
	set_fails("deployments[0].oversize_retry_after_s=-1",
	          "t.json: .deployments[0].oversize_retry_after_s: must be >= 0 (got -1)");
	set_fails("deployments[0].oversize_retry_after_s=\"day\"",
	          "t.json: .deployments[0].oversize_retry_after_s: must be a number (got string "
	          "\"day\")");
	set_fails("deployments[0].oversize_retry_after_s=1e9",
	          "t.json: .deployments[0].oversize_retry_after_s: must be at most 34560000 (got "
	          "1000000000)");
	set_fails("deployments[1].oversize_retry_after_s=60",
	          "t.json: .deployments[1].oversize_retry_after_s: not used when kind is "
	          "\"global_provisioned\"; only the standard family refuses oversize estimates");
}

/* ---- the workload description ------------------------------------------------ */

static const char *const with_workload =
    "{\n"
    "  \"name\": \"w\",\n"
    "  \"duration_s\": 600,\n"
    "  \"deployments\": [\n"
    "    { \"name\": \"p\", \"region\": \"eastus\", \"model\": \"gpt-4o\",\n"
    "      \"kind\": \"provisioned\", \"ptu\": 100 }\n"
    "  ],\n"
    "  \"clients\": [\n"
    "    { \"name\": \"w\", \"target\": \"p\",\n"
    "      \"workload\": { \"rpm\": 90, \"prompt_tokens\": 1000, \"generated_tokens\": 200 } }\n"
    "  ]\n"
    "}\n";

static void workload_fails(const char *set, const char *msg)
{
	rs_error err = {0};
	const char *sets[] = {set};
	rs_config *cfg = load(with_workload, sets, 1, &err);
	CHECK(cfg == NULL);
	CHECK_I64(err.status, RS_ERR_INVALID);
	CHECK_STR(err.msg, msg);
	rs_config_free(cfg);
}

static void test_workload_loaded(void)
{
	rs_error err = {0};
	rs_config *cfg = load(with_workload, NULL, 0, &err);
	CHECK(cfg != NULL);
	if (!cfg) {
		TH_FAIL("%s", err.msg);
		return;
	}
	const rs_client_cfg *c = &cfg->clients[0];
	CHECK(c->workload.on);
	CHECK_NEAR(c->workload.rpm, 90, 0);
	CHECK_I64(c->workload.prompt_tokens, 1000);
	CHECK_I64(c->workload.generated_tokens, 200);
	/* Poisson at rpm / 60 = 1.5 per second, fixed sizes at the averages */
	CHECK_I64(c->arrival.process, RS_ARRIVAL_POISSON);
	CHECK_I64(c->arrival.n_schedule, 1);
	CHECK_NEAR(c->arrival.schedule[0].rate_rps, 1.5, 0);
	CHECK_NEAR(c->arrival.schedule[0].at_s, 0, 0);
	CHECK_I64(c->prompt_tokens.kind, RS_DIST_FIXED);
	CHECK_NEAR(c->prompt_tokens.value, 1000, 0);
	CHECK_I64(c->output_tokens.kind, RS_DIST_FIXED);
	CHECK_NEAR(c->output_tokens.value, 200, 0);
	/* the effective scenario keeps the workload, and reads back the same */
	CHECK(strstr(cfg->effective_json, "\"workload\"") != NULL);
	CHECK(strstr(cfg->effective_json, "\"arrival\"") == NULL);
	rs_config *again = load(cfg->effective_json, NULL, 0, &err);
	CHECK(again != NULL);
	if (again) {
		CHECK_NEAR(again->clients[0].arrival.schedule[0].rate_rps, 1.5, 0);
		rs_config_free(again);
	}
	rs_config_free(cfg);
	/* a client without it has none */
	cfg = set_ok(NULL);
	if (cfg) {
		CHECK(!cfg->clients[0].workload.on);
		rs_config_free(cfg);
	}
}

static void test_workload_errors(void)
{
	workload_fails("clients[0].arrival={\"process\":\"poisson\",\"rate_rps\":1}",
	               "t.json: .clients[0].arrival: not used with \"workload\", which gives the "
	               "arrivals and the sizes; give one or the other");
	workload_fails("clients[0].prompt_tokens=10",
	               "t.json: .clients[0].prompt_tokens: not used with \"workload\", which gives "
	               "the arrivals and the sizes; give one or the other");
	workload_fails("clients[0].output_tokens=10",
	               "t.json: .clients[0].output_tokens: not used with \"workload\", which gives "
	               "the arrivals and the sizes; give one or the other");
	workload_fails("clients[0].workload=5",
	               "t.json: .clients[0].workload: must be an object (got number 5)");
	workload_fails("clients[0].workload={\"rpm\":1,\"prompt_tokens\":1}",
	               "t.json: .clients[0].workload.generated_tokens: required key is missing");
	workload_fails("clients[0].workload.rpm=0",
	               "t.json: .clients[0].workload.rpm: must be > 0 (got 0)");
	workload_fails(
	    "clients[0].workload.rpm=1e9",
	    "t.json: .clients[0].workload.rpm: must be at most 60000000 (got 1000000000)");
	workload_fails("clients[0].workload.rpm=\"fast\"",
	               "t.json: .clients[0].workload.rpm: must be a number (got string \"fast\")");
	workload_fails("clients[0].workload.prompt_tokens=1.5",
	               "t.json: .clients[0].workload.prompt_tokens: must be a whole number (got "
	               "1.5)");
	workload_fails("clients[0].workload.generated_tokens=-1",
	               "t.json: .clients[0].workload.generated_tokens: must be >= 0 (got -1)");
	workload_fails(
	    "clients[0].workload.generated_tokens=2e7",
	    "t.json: .clients[0].workload.generated_tokens: must be at most 10000000 (got "
	    "20000000)");
	workload_fails("clients[0].workload.genrated_tokens=1",
	               "t.json: .clients[0].workload.genrated_tokens: unknown key; did you mean "
	               "\"generated_tokens\"?");
	/* neither arrival nor workload */
	rs_error err = {0};
	const char *text = "{ \"name\": \"n\", \"duration_s\": 60, \"deployments\": [ { \"name\": "
	                   "\"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\", \"tpm\": 1000 } "
	                   "], \"clients\": [ { \"name\": \"c\", \"target\": \"d\", "
	                   "\"prompt_tokens\": 1, \"output_tokens\": 1 } ] }";
	rs_config *cfg = load(text, NULL, 0, &err);
	CHECK(cfg == NULL);
	CHECK_STR(err.msg,
	          "t.json: .clients[0].arrival: required key is missing (or give a \"workload\")");
	rs_config_free(cfg);
}

/*
 * The calculator's arithmetic, worked by hand (gpt-4o: 2,500 input TPM per
 * PTU, output_ratio 3; global: minimum 15, steps of 5; regional: 50 and 50):
 *  - one workload 90 rpm x (1000 + 200): input 90,000, output 18,000,
 *    normalised 90,000 + 54,000 = 144,000; / 2,500 = 57.6 -> 58 raw; on a
 *    regional deployment 50 + ceil(8 / 50) x 50 = 100.
 *  - scenarios/calculator-ptu.json: chat 60 x (1500 + 250) and summaries
 *    6 x (6000 + 800): input 90,000 + 36,000 = 126,000, output 15,000 +
 *    4,800 = 19,800, normalised 126,000 + 59,400 = 185,400; / 2,500 =
 *    74.16 -> 75 raw; global 15 + ceil(60 / 5) x 5 = 75.
 *  - rounding: 37,500 (15 exactly) -> 15; 37,501 -> 16 raw -> 20 global;
 *    1 -> the minimum 15; regional 125,001 -> 51 raw -> 100.
 */
static void test_calculator_known_answers(void)
{
	rs_error err = {0};
	rs_config *cfg = load(with_workload, NULL, 0, &err);
	CHECK(cfg != NULL);
	if (!cfg)
		return;
	rs_calculator k;
	CHECK(rs_calculator_of(cfg, 0, &k));
	CHECK_I64(k.workloads, 1);
	CHECK_NEAR(k.rpm, 90, 0);
	CHECK_NEAR(k.input_tpm, 90000, 0);
	CHECK_NEAR(k.output_tpm, 18000, 0);
	CHECK_NEAR(k.normalized_tpm, 144000, 0);
	CHECK_NEAR(k.ptu_needed, 100, 0);
	const rs_model *md = &cfg->models[cfg->deployments[0].model];
	CHECK_NEAR(rs_calculator_ptu(37500, md, RS_KIND_GLOBAL_PROVISIONED), 15, 0);
	CHECK_NEAR(rs_calculator_ptu(37501, md, RS_KIND_GLOBAL_PROVISIONED), 20, 0);
	CHECK_NEAR(rs_calculator_ptu(1, md, RS_KIND_GLOBAL_PROVISIONED), 15, 0);
	CHECK_NEAR(rs_calculator_ptu(125001, md, RS_KIND_PROVISIONED), 100, 0);
	rs_config_free(cfg);

	/* a deployment no workload sends to: no figure */
	cfg = set_ok(NULL);
	if (cfg) {
		CHECK(!rs_calculator_of(cfg, 1, &k));
		CHECK_I64(k.workloads, 0);
		CHECK_NEAR(k.ptu_needed, 0, 0);
		rs_config_free(cfg);
	}

	rs_config *calc = NULL;
	CHECK_I64(rs_scenario_load(CALC, NULL, 0, &calc, &err), RS_OK);
	if (calc) {
		CHECK(rs_calculator_of(calc, 0, &k));
		CHECK_I64(k.workloads, 2);
		CHECK_NEAR(k.rpm, 66, 0);
		CHECK_NEAR(k.input_tpm, 126000, 0);
		CHECK_NEAR(k.output_tpm, 19800, 0);
		CHECK_NEAR(k.normalized_tpm, 185400, 1e-9);
		CHECK_NEAR(k.ptu_needed, 75, 0);
		CHECK_I64(calc->deployments[0].ptu, 75); /* bought at the calculator's figure */
		rs_config_free(calc);
	}
}

/* ---- whole runs ---------------------------------------------------------------- */

/* The requests.csv statuses of a run, in order, as a string ("2222224"
 * for five 200s and a 429: the first digit of each status). */
static void statuses(const char *dir, char *out, size_t size)
{
	char path[512];
	snprintf(path, sizeof path, "%s/requests.csv", dir);
	char *text = th_slurp(path);
	size_t n = 0;
	out[0] = '\0';
	if (!text) {
		TH_FAIL("cannot read %s", path);
		return;
	}
	char *line = strchr(text, '\n');
	while (line && line[1] && n + 1 < size) {
		line++;
		int status = (int)csv_num(line, 5);
		out[n++] = (char)('0' + status / 100);
		line = strchr(line, '\n');
	}
	out[n] = '\0';
	free(text);
}

/*
 * The Q&A burst through the whole simulation: six requests at 0, 100, ...,
 * 500 ms.  Default ([10] alone, 50 per 10 s): six 200s.  [1, 10]: five
 * 200s, then a 429 whose retry-after is 500 ms (R1 leaves the 1 s window at
 * 1 s).  [1] alone: the same refusal.
 */
static void test_burst_run(void)
{
	static const struct {
		const char *set, *want;
	} cases[] = {
	    {"deployments[0].rpm_window_s=10", "222222"},
	    {"deployments[0].rpm_windows_s=[1,10]", "222224"},
	    {"deployments[0].rpm_window_s=1", "222224"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *sets[] = {cases[i].set};
		char *dir = run_into_log(BURST, sets, 1, true);
		if (!dir)
			continue;
		char got[64];
		statuses(dir, got, sizeof got);
		if (strcmp(got, cases[i].want) != 0)
			TH_FAIL("%s: statuses %s, want %s", cases[i].set, got, cases[i].want);
		cJSON *s = summary_of(dir);
		check_conservation(s, cases[i].set);
		bool refused = strchr(cases[i].want, '4') != NULL;
		CHECK_NEAR(num(s, "attempts", "throttled"), refused ? 1 : 0, 0);
		if (refused) {
			char path[512];
			snprintf(path, sizeof path, "%s/requests.csv", dir);
			char *text = th_slurp(path);
			const char *last = text ? strstr(text, "\n0.500000,") : NULL;
			CHECK(last != NULL);
			if (last)
				CHECK_NEAR(csv_num(last + 1, 9), 500, 0);
			free(text);
		}
		cJSON_Delete(s);
		rm_dir(dir);
	}
}

/*
 * An estimate above the whole TPM (prompt 50 + max_tokens 60,000 > 50,000)
 * meets the 86,400 s answer on every attempt, and each preset takes it as
 * its source does (retry_presets.c); no request is ever served:
 *   openai-python: 2 backoff retries of under a second, then fails: 18
 *     attempts, 6 failed;
 *   litellm-router: the same count (backoff + jitter);
 *   openai-python-120s: gives up at once: 6 attempts, 6 failed, 6 retries
 *     denied;
 *   azure-core: waits the day: 6 attempts, all 6 requests in flight when
 *     the 60 s run ends.
 */
static void test_oversize_run(void)
{
	static const struct {
		const char *preset;
		double attempts, failed, in_flight, denied;
	} cases[] = {
	    {"openai-python", 18, 6, 0, 0},
	    {"litellm-router", 18, 6, 0, 0},
	    {"openai-python-120s", 6, 6, 0, 6},
	    {"azure-core", 6, 0, 6, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char retry[128];
		snprintf(retry, sizeof retry, "clients[0].retry={\"preset\":\"%s\"}",
		         cases[i].preset);
		const char *sets[] = {"clients[0].max_tokens.value=60000", retry};
		char *dir = run_into_log(BURST, sets, 2, true);
		if (!dir)
			continue;
		cJSON *s = summary_of(dir);
		check_conservation(s, cases[i].preset);
		if (num(s, "attempts", "total") != cases[i].attempts ||
		    num(s, "requests", "failed") != cases[i].failed ||
		    num(s, "requests", "in_flight_end") != cases[i].in_flight ||
		    num(s, "attempts", "retries_denied") != cases[i].denied ||
		    num(s, "requests", "succeeded") != 0)
			TH_FAIL(
			    "%s: attempts %g failed %g in flight %g denied %g, want %g %g %g %g",
			    cases[i].preset, num(s, "attempts", "total"),
			    num(s, "requests", "failed"), num(s, "requests", "in_flight_end"),
			    num(s, "attempts", "retries_denied"), cases[i].attempts,
			    cases[i].failed, cases[i].in_flight, cases[i].denied);
		/* every 429 carried exactly 86,400,000 ms */
		char path[512];
		snprintf(path, sizeof path, "%s/requests.csv", dir);
		char *text = th_slurp(path);
		int rows = 0;
		for (char *line = text ? strchr(text, '\n') : NULL; line && line[1];
		     line = strchr(line + 1, '\n')) {
			rows++;
			CHECK_NEAR(csv_num(line + 1, 9), 86400000, 0);
		}
		CHECK_I64(rows, (int64_t)cases[i].attempts);
		free(text);
		cJSON_Delete(s);
		rm_dir(dir);
	}
}

/* scenarios/calculator-ptu.json: summary.json holds the calculator's figure
 * beside the sizing of the measured load; the mean load offered is the
 * calculator's within Poisson noise (66 requests/min over 55 minutes: 3,630
 * expected, sd 60). */
static void test_calculator_run(void)
{
	char *dir = run_into(CALC, NULL, 0);
	if (!dir)
		return;
	cJSON *s = summary_of(dir);
	check_conservation(s, CALC);
	const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "deployments"), 0);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "provisioned");
	CHECK_NEAR(num(p, "calculator", "workloads"), 2, 0);
	CHECK_NEAR(num(p, "calculator", "requests_per_min"), 66, 0);
	CHECK_NEAR(num(p, "calculator", "normalized_tpm"), 185400, 0);
	CHECK_NEAR(num(p, "calculator", "ptu_needed"), 75, 0);
	double offered = num(s, "requests", "offered");
	CHECK(fabs(offered - 3630) < 4 * sqrt(3630));
	double norm = num(p, "sizing", "normalized_tpm");
	CHECK(fabs(norm - 185400) < 0.05 * 185400);
	cJSON_Delete(s);
	rm_dir(dir);
}

int main(void)
{
	RUN(test_rpm_windows_loaded);
	RUN(test_deployment_errors);
	RUN(test_workload_loaded);
	RUN(test_workload_errors);
	RUN(test_calculator_known_answers);
	RUN(test_burst_run);
	RUN(test_oversize_run);
	RUN(test_calculator_run);
	return th_done();
}
