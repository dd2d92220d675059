/*
 * scenario_dist.c - the loader's room for the values every kind of object
 * shares: a distribution (a plain number, or an object with "dist": fixed,
 * uniform, lognormal, empirical from a trace file, or the trace's own
 * column), and the reference to a trace file (file, format, zero_rows,
 * model) with its path rule.
 *
 * Path rule: a relative "file" written in the scenario is relative to the
 * scenario file's folder (sc_resolve_file_paths, before the --set
 * overrides); one given with --set is relative to the current folder.  The
 * effective scenario names the file absolutely, so it runs from anywhere.
 *
 * Cost: constant per value, plus one walk of the tree for the paths.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario_keys.h"

/* clang-format off: one name per line reads as the enum does */
const char *const sc_format_names[RS_TRACE_MOONCAKE + 1] = {
    [RS_TRACE_AUTO] = "auto",
    [RS_TRACE_AZURE] = "azure",
    [RS_TRACE_BURSTGPT] = "burstgpt",
    [RS_TRACE_MOONCAKE] = "mooncake",
};
const char *const sc_zero_rows_names[RS_ZERO_ROWS_KEEP + 1] = {
    [RS_ZERO_ROWS_SKIP] = "skip",
    [RS_ZERO_ROWS_KEEP] = "keep",
};
const char *const sc_dist_names[RS_DIST_TRACE + 1] = {
    [RS_DIST_FIXED] = "fixed",         [RS_DIST_UNIFORM] = "uniform",
    [RS_DIST_LOGNORMAL] = "lognormal", [RS_DIST_EMPIRICAL] = "empirical",
    [RS_DIST_TRACE] = "trace",
};
/* clang-format on */

/* base_dir/file, or file when it is absolute or there is no base_dir (a
 * new string, or NULL when out of memory). */
static char *joined(const char *base_dir, const char *file)
{
	if (file[0] == '/' || !base_dir || !*base_dir)
		return sc_strdup(file);
	size_t lb = strlen(base_dir), lf = strlen(file);
	bool slash = base_dir[lb - 1] == '/';
	char *out = malloc(lb + lf + 2);
	if (out)
		snprintf(out, lb + lf + 2, "%s%s%s", base_dir, slash ? "" : "/", file);
	return out;
}

bool sc_resolve_file_paths(sc *c, cJSON *node)
{
	for (cJSON *m = node->child; m; m = m->next) {
		if (cJSON_IsObject(node) && strcmp(m->string, "file") == 0 && cJSON_IsString(m) &&
		    m->valuestring[0] != '/') {
			char *path = joined(c->base_dir, m->valuestring);
			if (!path)
				return false;
			free(m->valuestring);
			m->valuestring = path;
		} else if ((cJSON_IsObject(m) || cJSON_IsArray(m)) &&
		           !sc_resolve_file_paths(c, m)) {
			return false;
		}
	}
	return true;
}

/* A trace path as the tree says it: resolved against the scenario's folder
 * when the file wrote it (sc_resolve_file_paths), as given (relative to the
 * current folder) when a --set did. OUT: *out, owned by the caller. */
static rs_status resolve_path(sc *c, const char *file, char **out)
{
	*out = sc_strdup(file);
	return *out ? RS_OK : sc_nomem(c);
}

/* The longest current folder an absolute trace path is made from. */
#define SC_CWD_MAX 4096

/* path made absolute against the current folder (a new string), or NULL
 * when the folder cannot be read or out of memory: then the effective
 * scenario keeps the path as resolved. */
static char *absolute(const char *path)
{
	char cwd[SC_CWD_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return NULL;
	size_t n = strlen(cwd) + strlen(path) + 2;
	char *abs = malloc(n);
	if (abs) {
		const char *p = strncmp(path, "./", 2) == 0 ? path + 2 : path;
		snprintf(abs, n, "%s/%s", cwd, p);
	}
	return abs;
}

/* file, format, zero_rows and model: a trace file's keys (arrival or empirical). */
rs_status sc_parse_trace(sc *c, const cJSON *obj, const char *path, sc_keys ks, rs_trace_cfg *t)
{
	const char *file;
	int format = RS_TRACE_AUTO, zero = RS_ZERO_ROWS_SKIP;
	rs_status st = sc_get_str(c, obj, path, ks, "file", &file);
	if (st == RS_OK)
		st = resolve_path(c, file, &t->path);
	if (st == RS_OK && t->path[0] != '/') {
		/* the effective scenario names the file from anywhere; the config
		 * keeps the path as resolved, for messages as the author wrote it */
		char *abs = absolute(t->path);
		if (abs)
			sc_write(c, obj, "file", cJSON_CreateString(abs));
		free(abs);
	}
	if (st == RS_OK)
		st = sc_get_enum(c, obj, path, ks, "format", &format);
	if (st == RS_OK)
		st = sc_get_enum(c, obj, path, ks, "zero_rows", &zero);
	if (st == RS_OK)
		st = sc_get_owned(c, obj, path, ks, "model", &t->model_filter);
	t->format = (rs_trace_format)format;
	t->zero_rows = (rs_zero_rows)zero;
	return st;
}

/* A distribution: a plain number (fixed) or an object with `dist`.  kinds is
 * the bit set of the rs_dist_kind values allowed here (the others are left
 * out of the message's list); "trace" also needs a trace arrival. */
rs_status sc_dist_value(sc *c, const cJSON *v, const char *path, sc_keys ks, unsigned kinds,
                        bool trace_arrival, rs_dist_cfg *d)
{
	if (cJSON_IsNumber(v)) {
		d->kind = RS_DIST_FIXED;
		return sc_num_value(c, v, path, sc_key_find(ks, "value"), &d->value);
	}
	if (!cJSON_IsObject(v))
		return sc_wrong_type(c, path, "a number or an object", v);
	const char *names[SC_N(sc_dist_names)];
	for (size_t k = 0; k < SC_N(sc_dist_names); k++)
		names[k] = kinds & SC_BIT(k) ? sc_dist_names[k] : NULL;
	/* the kind first: a kind this place does not take (a think time drawn
	 * from a trace) says so before the keys that kind would need */
	int kind = RS_DIST_FIXED;
	rs_status st =
	    sc_get_enum_in(c, v, path, ks, "dist", names, SC_N(names), RS_DIST_FIXED, &kind);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, ks);
	if (st != RS_OK)
		return st;
	if (kind == RS_DIST_TRACE && !trace_arrival) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, "dist");
		return sc_invalid(c, kp, "\"trace\" needs a trace arrival");
	}
	st = sc_keys_variant(c, v, path, ks, SC_BIT(kind), "dist", sc_dist_names[kind]);
	if (st != RS_OK)
		return st;
	d->kind = (rs_dist_kind)kind;
	switch (d->kind) {
	case RS_DIST_FIXED:
		return sc_get_num(c, v, path, ks, "value", &d->value);
	case RS_DIST_UNIFORM:
		st = sc_get_num(c, v, path, ks, "min", &d->min);
		if (st == RS_OK)
			st = sc_get_num(c, v, path, ks, "max", &d->max);
		if (st == RS_OK && d->max < d->min)
			return sc_below(c, path, "max", "min", d->min, d->max);
		return st;
	case RS_DIST_LOGNORMAL:
		st = sc_get_num(c, v, path, ks, "median", &d->median);
		if (st == RS_OK)
			st = sc_get_num(c, v, path, ks, "sigma", &d->sigma);
		return st;
	case RS_DIST_EMPIRICAL:
		return sc_parse_trace(c, v, path, ks, &d->trace);
	case RS_DIST_TRACE:
		break;
	}
	return RS_OK;
}
