/*
 * run_helpers.h - whole runs for tests: run a scenario into a temporary
 * folder exactly as `ratesim run` does, read its summary.json and CSV files
 * back, and check the conservation laws.  Header-only (static functions):
 * include it in one test file each.
 */
#ifndef RATESIM_TEST_RUN_HELPERS_H
#define RATESIM_TEST_RUN_HELPERS_H

#include "harness.h"
#include "ratesim/output.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Run scenario `path` with overrides into a new temp folder; returns the
 * folder (caller frees) or NULL after reporting a failure. */
static inline char *run_into_log(const char *path, const char *const *sets, size_t n_sets, bool log)
{
	char tmpl[] = "/tmp/ratesim-test-XXXXXX";
	if (!mkdtemp(tmpl)) {
		TH_FAIL("mkdtemp failed");
		return NULL;
	}
	rs_error err = {0};
	rs_config *cfg = NULL;
	rs_output *out = NULL;
	rs_world *w = NULL;
	rs_status st = rs_scenario_load(path, sets, n_sets, &cfg, &err);
	if (st == RS_OK)
		st = rs_output_open(tmpl, log, &out, &err);
	rs_world_hooks hooks = {0};
	if (st == RS_OK) {
		rs_output_hooks(out, &hooks);
		st = rs_world_new(cfg, &hooks, &w, &err);
	}
	if (st == RS_OK)
		st = rs_world_run(w, &err);
	if (st == RS_OK) {
		rs_engine_stats es = {0};
		st = rs_output_commit(out, cfg, rs_world_metrics(w), &es, &err);
	}
	rs_world_free(w);
	rs_output_free(out);
	rs_config_free(cfg);
	if (st != RS_OK) {
		TH_FAIL("%s: %s", path, err.msg);
		return NULL;
	}
	return strdup(tmpl);
}

static inline char *run_into(const char *path, const char *const *sets, size_t n_sets)
{
	return run_into_log(path, sets, n_sets, false);
}

static inline cJSON *summary_of(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/summary.json", dir);
	char *text = th_slurp(path);
	cJSON *j = text ? cJSON_Parse(text) : NULL;
	free(text);
	if (!j)
		TH_FAIL("cannot read %s", path);
	return j;
}

static inline double num(const cJSON *j, const char *a, const char *b)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, a);
	if (b)
		o = cJSON_GetObjectItemCaseSensitive(o, b);
	return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

static inline void rm_dir(char *dir)
{
	if (!dir)
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p[600];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
}

/* offered = succeeded + failed + in_flight_end, for the total and every client. */
static inline void check_conservation(const cJSON *s, const char *what)
{
	double off = num(s, "requests", "offered"), ok = num(s, "requests", "succeeded");
	double failed = num(s, "requests", "failed"), fly = num(s, "requests", "in_flight_end");
	if (!(off == ok + failed + fly) || !(fly >= 0))
		TH_FAIL("%s: offered %.0f != succeeded %.0f + failed %.0f + in flight %.0f", what,
		        off, ok, failed, fly);
	const cJSON *c;
	double sum = 0;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s, "clients"))
	{
		double co = num(c, "requests", "offered");
		sum += co;
		if (!(co == num(c, "requests", "succeeded") + num(c, "requests", "failed") +
		                num(c, "requests", "in_flight_end")))
			TH_FAIL("%s: a client breaks conservation", what);
	}
	if (sum != off)
		TH_FAIL("%s: clients offered %.0f, total %.0f", what, sum, off);
	/* attempts: ok + throttled + error = total */
	if (num(s, "attempts", "total") != num(s, "attempts", "ok") +
	                                       num(s, "attempts", "throttled") +
	                                       num(s, "attempts", "error"))
		TH_FAIL("%s: attempts do not add up", what);
}

/* Column `col` (0-based) of a CSV line, as a number. */
static inline double csv_num(const char *line, int col)
{
	const char *p = line;
	for (int i = 0; i < col && p; i++) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return p && *p != ',' && *p != '\n' ? strtod(p, NULL) : NAN;
}

static inline int csv_col(const char *header, const char *name)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "%s", header);
	int i = 0;
	for (char *tok = strtok(buf, ",\n"); tok; tok = strtok(NULL, ",\n"), i++)
		if (!strcmp(tok, name))
			return i;
	return -1;
}

static inline bool same_file(const char *a_dir, const char *b_dir, const char *name)
{
	char pa[512], pb[512];
	snprintf(pa, sizeof pa, "%s/%s", a_dir, name);
	snprintf(pb, sizeof pb, "%s/%s", b_dir, name);
	char *a = th_slurp(pa), *b = th_slurp(pb);
	bool same = a && b && strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

#endif
