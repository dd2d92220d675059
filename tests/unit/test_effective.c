/*
 * test_effective.c - the effective scenario (rs_config.effective_json) is
 * the whole run: loaded again from any folder, it gives itself back and the
 * same results, byte for byte.
 *
 * For every scenario in scenarios/ and tests/scenarios/: load it, write its
 * effective text to TMP/scenario.json (as `ratesim run` writes it beside
 * the results), load that file from another current folder, and check that
 *   (a) it loads,
 *   (b) its effective text is the same text (a fixed point), and
 *   (c) a run of each writes byte-identical summary.json and timeseries.csv.
 * Then what the effective text holds: every default written, a retry preset
 * expanded to its fields, trace paths absolute, the model rows used, the
 * budgets; and "sweep" and "variants" type-checked and left out.
 * The tests run from the top of the source tree (tests/run.sh).
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ratesim/run.h"
#include "ratesim/scenario.h"

#define PATH_MAX_LEN 1024
/* Where the effective file is loaded from: any folder but the tree's. */
#define ELSEWHERE "/"

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

static bool run_to(const rs_config *cfg, const char *dir)
{
	rs_run_opts o = {.dir = dir, .charts = false};
	rs_run_result res;
	rs_error err = {0};
	if (rs_run(cfg, &o, &res, &err) != RS_OK) {
		TH_FAIL("%s: run: %s", cfg->path, err.msg);
		return false;
	}
	return true;
}

static void same_file(const char *name, const char *a_dir, const char *b_dir, const char *what)
{
	char a[PATH_MAX_LEN], b[PATH_MAX_LEN];
	snprintf(a, sizeof a, "%s/%s", a_dir, name);
	snprintf(b, sizeof b, "%s/%s", b_dir, name);
	char *x = th_slurp(a), *y = th_slurp(b);
	if (!x || !y)
		TH_FAIL("%s: cannot read %s or %s", what, a, b);
	else if (strcmp(x, y) != 0)
		TH_FAIL("%s: %s differs between the run and the replay of its effective scenario",
		        what, name);
	free(x);
	free(y);
}

/* (a), (b) and (c) for one scenario file. */
static void replay(const char *path)
{
	rs_config *one = NULL, *two = NULL;
	rs_error err = {0};
	if (rs_scenario_load(path, NULL, 0, &one, &err) != RS_OK) {
		TH_FAIL("%s: %s", path, err.msg);
		return;
	}
	char *tmp = th_tmpdir("rs_effective");
	char file[PATH_MAX_LEN], run_a[PATH_MAX_LEN], run_b[PATH_MAX_LEN], cwd[PATH_MAX_LEN];
	snprintf(file, sizeof file, "%s/scenario.json", tmp);
	snprintf(run_a, sizeof run_a, "%s/a", tmp);
	snprintf(run_b, sizeof run_b, "%s/b", tmp);
	if (!write_file(file, one->effective_json) || !getcwd(cwd, sizeof cwd)) {
		TH_FAIL("%s: cannot write %s", path, file);
		rs_config_free(one);
		return;
	}
	/* (a): from another folder */
	rs_status st = RS_ERR_IO;
	if (chdir(ELSEWHERE) == 0) {
		st = rs_scenario_load(file, NULL, 0, &two, &err);
		if (chdir(cwd) != 0)
			TH_FAIL("cannot return to %s", cwd);
	}
	if (st != RS_OK) {
		TH_FAIL("%s: its effective scenario does not load: %s", path, err.msg);
		rs_config_free(one);
		return;
	}
	/* (b) */
	if (strcmp(one->effective_json, two->effective_json) != 0)
		TH_FAIL("%s: the effective scenario of its effective scenario differs", path);
	/* (c) */
	if (run_to(one, run_a) && run_to(two, run_b)) {
		same_file("summary.json", run_a, run_b, path);
		same_file("timeseries.csv", run_a, run_b, path);
	}
	rs_config_free(one);
	rs_config_free(two);
}

/* Every scenario of folder dir. OUT: the count. */
static size_t replay_folder(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		TH_FAIL("cannot open %s", dir);
		return 0;
	}
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 ||
		    strcmp(e->d_name, "schema.json") == 0)
			continue;
		char path[PATH_MAX_LEN];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		replay(path);
		n++;
	}
	closedir(d);
	return n;
}

static void test_every_scenario_replays(void)
{
	size_t n = replay_folder("scenarios") + replay_folder("tests/scenarios");
	CHECK(n >= 20); /* the shipped and the test scenarios, not an empty folder */
}

static const char *const small =
    "{ \"name\": \"eff\", \"duration_s\": 60,\n"
    "  \"deployments\": [ { \"name\": \"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\",\n"
    "                     \"tpm\": 150000 } ],\n"
    "  \"clients\": [ { \"name\": \"c\", \"target\": \"d\",\n"
    "    \"arrival\": { \"process\": \"poisson\", \"rate_rps\": 1 },\n"
    "    \"prompt_tokens\": 100, \"output_tokens\": 10,\n"
    "    \"retry\": { \"preset\": \"openai-python\" } } ],\n"
    "  \"sweep\": { \"anything\": 1 }, \"variants\": [ { \"x\": 1 } ] }\n";

static const cJSON *at(const cJSON *j, const char *a, const char *b, const char *c)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, a);
	if (b)
		o = cJSON_GetObjectItemCaseSensitive(cJSON_IsArray(o) ? o->child : o, b);
	if (c)
		o = cJSON_GetObjectItemCaseSensitive(o, c);
	return o;
}

static void test_what_it_holds(void)
{
	rs_config *cfg = NULL;
	rs_error err = {0};
	if (rs_scenario_parse("t.json", small, NULL, NULL, 0, &cfg, &err) != RS_OK) {
		TH_FAIL("%s", err.msg);
		return;
	}
	cJSON *j = cJSON_Parse(cfg->effective_json);
	CHECK(j != NULL);
	/* defaults, at every level */
	CHECK(cJSON_IsNumber(at(j, "bucket_s", NULL, NULL)));
	CHECK(cJSON_IsNumber(at(j, "seed", NULL, NULL)));
	CHECK(cJSON_IsString(at(j, "deployments", "tpm_window", NULL)));
	CHECK(cJSON_IsNumber(at(j, "clients", "best_of", NULL)));
	CHECK_STR(cJSON_GetStringValue(at(j, "clients", "max_tokens", "policy")), "absent");
	CHECK_STR(cJSON_GetStringValue(at(j, "pricing", "ptu_billing", NULL)), "hourly");
	/* the preset, expanded (and still named) */
	CHECK_STR(cJSON_GetStringValue(at(j, "clients", "retry", "preset")), "openai-python");
	CHECK_STR(cJSON_GetStringValue(at(j, "clients", "retry", "jitter")), "factor");
	CHECK_NEAR(cJSON_GetNumberValue(at(j, "clients", "retry", "factor_min")), 0.75, 0);
	CHECK_NEAR(cJSON_GetNumberValue(at(j, "clients", "retry", "attempt_timeout_s")), 600, 0);
	/* the model row, and the budgets */
	CHECK(cJSON_IsNumber(at(j, "models", "gpt-4o", "tokens_per_s")));
	CHECK_NEAR(cJSON_GetNumberValue(at(j, "limits", "max_memory_mb", NULL)),
	           RS_DEFAULT_MAX_MEMORY_MB, 0);
	/* what other commands read is left out */
	CHECK(at(j, "sweep", NULL, NULL) == NULL);
	CHECK(at(j, "variants", NULL, NULL) == NULL);
	cJSON_Delete(j);
	rs_config_free(cfg);

	/* ... but checked for type */
	const char *bad[] = {"sweep=[]"};
	CHECK_I64(rs_scenario_parse("t.json", small, NULL, bad, 1, &cfg, &err), RS_ERR_INVALID);
	CHECK_STR(err.msg, "t.json: .sweep: must be an object (got an array)");
	const char *bad2[] = {"variants={}"};
	CHECK_I64(rs_scenario_parse("t.json", small, NULL, bad2, 1, &cfg, &err), RS_ERR_INVALID);
	CHECK_STR(err.msg, "t.json: .variants: must be an array (got an object)");
}

/* A trace path relative to the scenario's folder is absolute in the
 * effective text; the config keeps it as resolved, for messages. */
static void test_trace_paths_absolute(void)
{
	rs_config *cfg = NULL;
	rs_error err = {0};
	if (rs_scenario_load("scenarios/trace-azure-conv.json", NULL, 0, &cfg, &err) != RS_OK) {
		TH_FAIL("%s", err.msg);
		return;
	}
	cJSON *j = cJSON_Parse(cfg->effective_json);
	const char *file = cJSON_GetStringValue(at(j, "clients", "arrival", "file"));
	CHECK(file && file[0] == '/');
	CHECK(file && strstr(file, "/scenarios/traces/") != NULL);
	CHECK(cfg->clients[0].arrival.trace.path[0] != '/');
	cJSON_Delete(j);
	rs_config_free(cfg);
}

int main(void)
{
	RUN(test_every_scenario_replays);
	RUN(test_what_it_holds);
	RUN(test_trace_paths_absolute);
	return th_done();
}
