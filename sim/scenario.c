/*
 * scenario.c - the scenario loader: JSON text -> a checked rs_config.
 *
 * Steps, each of which can stop the load with one message:
 *   1. parse with cJSON; on a syntax error, locate it (line:col) and guess
 *      what was expected (scenario_json.c);
 *   2. reject duplicate keys anywhere in the tree (scenario_json.c);
 *   3. apply the --set overrides (overrides.c) to the tree;
 *   4. walk the tree top-down, object by object: models, quotas,
 *      deployments, routers (scenario_topology.c), clients
 *      (scenario_workload.c), faults, network, pricing (scenario_faults.c),
 *      in that order, so that every name a later object uses is known.
 *
 * Step 4 is table-driven (scenario_keys.c): each kind of object has one
 * table of key rows in its room.  Adding a key is adding a row there, a
 * property in scenarios/schema.json and a line in scenarios/README.md.
 * This file keeps the entry points and the top-level keys.
 *
 * Invariants: the config is built with calloc and owns everything it points
 * to, so a load that fails half-way frees it with rs_config_free; the JSON
 * tree is freed before returning; nothing here prints, reads the
 * environment or keeps state between calls.
 *
 * Cost: O(size of the file) for the walk plus what each room says of its
 * own; scenarios are small and none of this shows in a run.
 */
#include "ratesim/scenario.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/overrides.h"
#include "scenario_keys.h"

/* The UTF-8 byte order mark some editors write; skipped before parsing. */
#define SC_UTF8_BOM "\xEF\xBB\xBF"
/* Read buffer growth for rs_scenario_load. */
#define SC_READ_CHUNK 65536

/* ---- the top level ------------------------------------------------------- */

static const sc_key top_keys[] = {
    {"$schema", 0, false, NULL, SC_OTHER}, /* for editors; ignored */
    {"name", 0, true, NULL, SC_STRING},
    {"description", 0, false, NULL, SC_STRING_OR(""), .empty_ok = true},
    {"seed", 0, false, NULL, SC_WHOLE(SC_NONNEG, SC_MAX_WHOLE), SC_DEFAULT(RS_DEFAULT_SEED)},
    {"duration_s", 0, true, NULL, SC_NUMBER(SC_POS, 0, RS_MAX_TIME_S)},
    {"warmup_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_WARMUP_S)},
    /* absent: auto_bucket picks it */
    {"bucket_s", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_TIME_S)},
    {"strict_sizes", 0, false, NULL, SC_BOOLEAN(RS_DEFAULT_STRICT_SIZES)},
    {"strict_availability", 0, false, NULL, SC_BOOLEAN(RS_DEFAULT_STRICT_AVAILABILITY)},
    {"models", 0, false, NULL, SC_OBJECT},
    {"quotas", 0, false, NULL, SC_ARRAY},
    {"deployments", 0, true, NULL, SC_ARRAY},
    {"clients", 0, true, NULL, SC_ARRAY},
    {"routers", 0, false, NULL, SC_ARRAY},
    {"faults", 0, false, NULL, SC_ARRAY},
    {"outages", 0, false, NULL, SC_ARRAY}, /* issue 9: scenario_faults.c */
    /* issue 11: scenario_windows.c; {} (none) lets a --set add the first */
    {"windows", 0, false, NULL, SC_OBJECT_OR("{}")},
    {"compute", 0, false, NULL, SC_ARRAY}, /* issue 9: scenario_compute.c */
    {"alerts", 0, false, NULL, SC_ARRAY},  /* issue 9: scenario_alerts.c */
    /* issue 9: scenario_batch.c */
    {"global_batch", 0, false, NULL, SC_ARRAY},
    {"network", 0, false, NULL, SC_OBJECT},
    {"pricing", 0, false, NULL, SC_OBJECT_OR("{\"ptu_billing\":\"hourly\"}")},
    {"limits", 0, false, NULL, SC_OBJECT_OR("{}")}, /* {}: the default budgets */
    {"provenance", 0, false, NULL, SC_OBJECT},
    /* read by `ratesim sweep` and `ratesim compare` (scenarios/README.md);
     * checked for type only, and not part of the effective scenario */
    {"sweep", 0, false, NULL, SC_OBJECT},
    {"variants", 0, false, NULL, SC_ARRAY},
};

/* Resource budgets (scenario_estimate.c). */
static const sc_key limits_keys[] = {
    {"max_memory_mb", 0, false, NULL, SC_NUMBER(SC_POS, 1, RS_MAX_BUDGET_MB),
     SC_DEFAULT(RS_DEFAULT_MAX_MEMORY_MB)},
    {"max_output_mb", 0, false, NULL, SC_NUMBER(SC_POS, 1, RS_MAX_BUDGET_MB),
     SC_DEFAULT(RS_DEFAULT_MAX_OUTPUT_MB)},
};

/* Where the scenario came from (written by the loader itself, see
 * provenance_merge): informational, echoed in summary.json. */
static const sc_key provenance_keys[] = {
    {"source", 0, false, NULL, SC_STRING_OR(""), .empty_ok = true},
    {"overrides", 0, false, NULL, SC_ARRAY},
    {"replication", 0, false, NULL, SC_WHOLE(SC_NONNEG, SC_MAX_WHOLE), SC_DEFAULT(0)},
};

static rs_status parse_provenance(sc *c, const cJSON *root)
{
	rs_config *cfg = c->cfg;
	const cJSON *p = sc_member(root, "provenance");
	if (!p)
		return RS_OK;
	sc_keys ks = SC_KEYS(provenance_keys);
	rs_status st = sc_expect_object(c, p, ".provenance");
	if (st == RS_OK)
		st = sc_keys_known(c, p, ".provenance", ks);
	if (st == RS_OK)
		st = sc_get_owned(c, p, ".provenance", ks, "source", &cfg->source);
	int64_t rep = 0;
	if (st == RS_OK)
		st = sc_get_whole(c, p, ".provenance", ks, "replication", &rep);
	cfg->replication = (uint64_t)rep;
	const cJSON *ov = sc_member(p, "overrides");
	if (st != RS_OK || !ov)
		return st;
	if (!cJSON_IsArray(ov))
		return sc_wrong_type(c, ".provenance.overrides", "an array of strings", ov);
	size_t n = (size_t)cJSON_GetArraySize(ov);
	cfg->overrides = rs_calloc(n ? n : 1, sizeof *cfg->overrides);
	if (!cfg->overrides)
		return sc_nomem(c);
	size_t i = 0;
	for (const cJSON *e = ov->child; e; e = e->next, i++) {
		char ep[SC_PATH_MAX];
		sc_child_index(ep, ".provenance.overrides", i);
		if (!cJSON_IsString(e))
			return sc_wrong_type(c, ep, "a string", e);
		if (!(cfg->overrides[i] = sc_strdup(e->valuestring)))
			return sc_nomem(c);
		cfg->n_overrides = i + 1;
	}
	return RS_OK;
}

static rs_status parse_limits(sc *c, const cJSON *root)
{
	const cJSON *l = sc_member(root, "limits");
	c->cfg->max_memory_mb = RS_DEFAULT_MAX_MEMORY_MB;
	c->cfg->max_output_mb = RS_DEFAULT_MAX_OUTPUT_MB;
	if (!l)
		return RS_OK;
	rs_status st = sc_expect_object(c, l, ".limits");
	if (st == RS_OK)
		st = sc_keys_known(c, l, ".limits", SC_KEYS(limits_keys));
	if (st == RS_OK)
		st = sc_get_num(c, l, ".limits", SC_KEYS(limits_keys), "max_memory_mb",
		                &c->cfg->max_memory_mb);
	if (st == RS_OK)
		st = sc_get_num(c, l, ".limits", SC_KEYS(limits_keys), "max_output_mb",
		                &c->cfg->max_output_mb);
	return st;
}

/* The bucket widths a run without bucket_s picks from (seconds): round
 * figures of a clock, from a second to a day (issue 11). */
static const double auto_widths[] = {1,   2,   5,    10,   15,   30,    60,    120,  300,
                                     600, 900, 1800, 3600, 7200, 21600, 43200, 86400};
/* ... the first that gives at most this many buckets: a few hundred points
 * per series, enough to see a burst, few enough to read and draw. */
#define SC_AUTO_MAX_BUCKETS 500

/* The bucket width of a run of duration_s without bucket_s. */
static double auto_bucket(double duration_s)
{
	for (size_t i = 0; i < SC_N(auto_widths); i++) {
		if (ceil(duration_s / auto_widths[i]) <= SC_AUTO_MAX_BUCKETS)
			return auto_widths[i];
	}
	return auto_widths[SC_N(auto_widths) - 1];
}

static rs_status parse_top(sc *c, const cJSON *root)
{
	rs_config *cfg = c->cfg;
	int64_t seed = 0;
	rs_status st = sc_keys_known(c, root, "", SC_KEYS(top_keys));
	if (st == RS_OK)
		st = sc_get_owned(c, root, "", SC_KEYS(top_keys), "name", &cfg->name);
	if (st == RS_OK)
		st = sc_get_owned(c, root, "", SC_KEYS(top_keys), "description", &cfg->description);
	if (st == RS_OK)
		st = sc_get_whole(c, root, "", SC_KEYS(top_keys), "seed", &seed);
	cfg->seed = (uint64_t)seed;
	if (st == RS_OK)
		st = sc_get_num(c, root, "", SC_KEYS(top_keys), "duration_s", &cfg->duration_s);
	if (st == RS_OK)
		st = sc_get_num(c, root, "", SC_KEYS(top_keys), "warmup_s", &cfg->warmup_s);
	if (st == RS_OK && !(cfg->warmup_s < cfg->duration_s)) {
		char w[32], d[32];
		sc_fmt_num(w, sizeof w, cfg->warmup_s);
		sc_fmt_num(d, sizeof d, cfg->duration_s);
		return sc_invalid(c, ".warmup_s", "must be < duration_s (%s) (got %s)", d, w);
	}
	if (st == RS_OK && sc_member(root, "bucket_s"))
		st = sc_get_num(c, root, "", SC_KEYS(top_keys), "bucket_s", &cfg->bucket_s);
	else if (st == RS_OK) {
		cfg->bucket_s = auto_bucket(cfg->duration_s);
		sc_write(c, root, "bucket_s", sc_exact_number(cfg->bucket_s));
	}
	if (st == RS_OK)
		st =
		    sc_get_bool(c, root, "", SC_KEYS(top_keys), "strict_sizes", &cfg->strict_sizes);
	if (st == RS_OK)
		st = sc_get_bool(c, root, "", SC_KEYS(top_keys), "strict_availability",
		                 &cfg->strict_availability);
	if (st == RS_OK)
		st = sc_parse_models(c, root);
	if (st == RS_OK)
		st = sc_parse_quotas(c, root);
	if (st == RS_OK)
		st = sc_parse_deployments(c, root);
	if (st == RS_OK)
		st = sc_check_regions(c);
	if (st == RS_OK)
		st = sc_parse_routers(c, root);
	if (st == RS_OK)
		st = sc_parse_clients(c, root);
	if (st == RS_OK)
		st = sc_parse_gateways(c, root);
	if (st == RS_OK)
		st = sc_parse_compute(c, root);
	if (st == RS_OK)
		st = sc_parse_batch(c, root);
	if (st == RS_OK)
		st = sc_parse_faults(c, root);
	if (st == RS_OK)
		st = sc_parse_outages(c, root);
	if (st == RS_OK)
		st = sc_parse_windows(c, root);
	if (st == RS_OK)
		st = sc_parse_alerts(c, root);
	if (st == RS_OK)
		st = sc_parse_network(c, root);
	if (st == RS_OK) {
		sc_member_or_default(c, root, SC_KEYS(top_keys), "pricing");
		st = sc_parse_pricing(c, root);
	}
	if (st == RS_OK)
		st = parse_limits(c, root);
	if (st == RS_OK)
		st = parse_provenance(c, root);
	const cJSON *v = sc_member(root, "sweep");
	if (st == RS_OK && v)
		st = sc_expect_object(c, v, ".sweep");
	v = sc_member(root, "variants");
	if (st == RS_OK && v && !cJSON_IsArray(v))
		st = sc_wrong_type(c, ".variants", "an array", v);
	return st;
}

/* ---- entry points -------------------------------------------------------- */

/* cfg->effective_json: the tree, which the walk filled with every default
 * it applied, with the model rows used and the budgets the load used, and
 * without what other commands read ("sweep", "variants"); every number
 * printed exactly.  Loading this text gives the same config, and the same
 * text again (tests/unit/test_effective.c). */
static rs_status effective(sc *c, cJSON *root, double max_memory_mb, double max_output_mb)
{
	sc_write_models(c, root);
	cJSON *limits = cJSON_CreateObject();
	if (limits &&
	    (!cJSON_AddItemToObject(limits, "max_memory_mb", sc_exact_number(max_memory_mb)) ||
	     !cJSON_AddItemToObject(limits, "max_output_mb", sc_exact_number(max_output_mb))))
		c->oom = true;
	sc_write(c, root, "limits", limits);
	cJSON_DeleteItemFromObjectCaseSensitive(root, "sweep");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "variants");
	if (c->oom || !sc_exact_numbers(root) || !(c->cfg->effective_json = cJSON_Print(root)))
		return sc_nomem(c);
	return RS_OK;
}

/* Every room of the loader that holds key tables besides the top level's:
 * a new room adds its line here, and both the creatable objects and the key
 * dump (which test_scenario_keys holds against schema.json and the README)
 * see it. */
typedef const sc_table *(*sc_room_tables)(size_t *n);
static const sc_room_tables key_rooms[] = {
    sc_topology_tables, sc_workload_tables, sc_faults_tables,     sc_control_tables,
    sc_images_tables,   sc_windows_tables,  sc_compute_tables,    sc_batch_tables,
    sc_alerts_tables,   sc_gateway_tables,  sc_calculator_tables, sc_jobs_tables,
    sc_latency_tables,  sc_reaction_tables,
};

/* The most objects with a default there are (retry, max_tokens,
 * max_tokens_estimator, pricing, limits), with room to grow. */
#define SC_CREATABLE_MAX 16

/* The keys of objects that have a default (every key of theirs has one),
 * which a --set may create when the file lacks them.  OUT: names[*n]. */
static void creatable_objects(const char **names, size_t *n)
{
	const sc_table top[] = {{"top", SC_KEYS(top_keys)}};
	const sc_table *rooms[SC_N(key_rooms) + 1];
	size_t counts[SC_N(key_rooms) + 1];
	rooms[0] = top;
	counts[0] = SC_N(top);
	for (size_t r = 0; r < SC_N(key_rooms); r++)
		rooms[r + 1] = key_rooms[r](&counts[r + 1]);
	*n = 0;
	for (size_t r = 0; r < SC_N(rooms); r++) {
		for (size_t t = 0; t < counts[r]; t++) {
			sc_keys ks = rooms[r][t].keys;
			for (size_t i = 0; i < ks.n; i++) {
				const sc_key *k = sc_key_at(ks, i);
				if (k->type == SC_T_OBJECT && k->has_dflt && *n < SC_CREATABLE_MAX)
					names[(*n)++] = k->name;
			}
		}
	}
}

/* Make root's "provenance" say where this scenario came from, before the
 * overrides are applied: the source file (kept when the text already says
 * one, as a run folder's scenario.json does) and the overrides so far
 * followed by these ones, except those that set provenance itself (the
 * command line's --replication).  A provenance that is not of the expected
 * shape is left alone for parse_provenance to report. */
static rs_status provenance_merge(sc *c, cJSON *root, const char *const *overrides, size_t n)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "provenance");
	if (p && !cJSON_IsObject(p))
		return RS_OK;
	if (!p && !(p = cJSON_AddObjectToObject(root, "provenance")))
		return sc_nomem(c);
	if (!cJSON_GetObjectItemCaseSensitive(p, "source") &&
	    !cJSON_AddStringToObject(p, "source", c->file))
		return sc_nomem(c);
	cJSON *ov = cJSON_GetObjectItemCaseSensitive(p, "overrides");
	if (ov && !cJSON_IsArray(ov))
		return RS_OK;
	if (!ov && !(ov = cJSON_AddArrayToObject(p, "overrides")))
		return sc_nomem(c);
	for (size_t i = 0; i < n; i++) {
		const char *a = overrides[i] + (overrides[i][0] == '.');
		if (strncmp(a, "provenance", strlen("provenance")) == 0)
			continue;
		cJSON *s = cJSON_CreateString(overrides[i]);
		if (!s)
			return sc_nomem(c);
		cJSON_AddItemToArray(ov, s);
	}
	return RS_OK;
}

/* rs_scenario_parse with options (NULL: none); messages not yet escaped. */
static rs_status parse_text(const char *display_name, const char *text, const char *base_dir,
                            const char *const *overrides, size_t n_overrides,
                            const rs_scenario_opts *opts, rs_config **out, rs_error *err)
{
	sc c = {.file = display_name, .base_dir = base_dir, .err = err};
	*out = NULL;
	if (strncmp(text, SC_UTF8_BOM, strlen(SC_UTF8_BOM)) == 0)
		text += strlen(SC_UTF8_BOM);

	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, true);
	if (!root) {
		const char *what;
		size_t bad = end ? (size_t)(end - text) : 0;
		size_t at = sc_json_locate(text, bad, &what);
		return sc_syntax_error(&c, text, at, what);
	}
	rs_status st = RS_OK;
	char path[SC_PATH_MAX] = "";
	if (!cJSON_IsObject(root))
		st = sc_wrong_type(&c, NULL, "a JSON object at the top level", root);
	if (st == RS_OK)
		st = sc_check_duplicates(&c, root, path);
	if (st == RS_OK && !sc_resolve_file_paths(&c, root))
		st = sc_nomem(&c);
	if (st == RS_OK)
		st = provenance_merge(&c, root, overrides, n_overrides);
	const char *creatable[SC_CREATABLE_MAX];
	size_t n_creatable;
	creatable_objects(creatable, &n_creatable);
	for (size_t i = 0; i < n_overrides && st == RS_OK; i++)
		st = rs_overrides_apply_in(root, overrides[i], creatable, n_creatable, err);
	if (st == RS_OK) {
		c.cfg = rs_calloc(1, sizeof *c.cfg);
		if (!c.cfg || !(c.cfg->path = sc_strdup(display_name)))
			st = sc_nomem(&c);
	}
	if (st == RS_OK)
		st = parse_top(&c, root);
	double mem = 0, files = 0;
	if (st == RS_OK) {
		mem = opts && opts->max_memory_mb > 0 ? opts->max_memory_mb : c.cfg->max_memory_mb;
		files =
		    opts && opts->max_output_mb > 0 ? opts->max_output_mb : c.cfg->max_output_mb;
		st = rs_scenario_check_budget(c.cfg, mem, files, err);
	}
	if (st == RS_OK)
		st = effective(&c, root, mem, files);
	cJSON_Delete(root);
	if (st != RS_OK) {
		rs_config_free(c.cfg);
		return st;
	}
	*out = c.cfg;
	return RS_OK;
}

rs_status rs_scenario_parse(const char *display_name, const char *text, const char *base_dir,
                            const char *const *overrides, size_t n_overrides, rs_config **out,
                            rs_error *err)
{
	rs_status st =
	    parse_text(display_name, text, base_dir, overrides, n_overrides, NULL, out, err);
	if (st != RS_OK)
		sc_escape_message(err);
	return st;
}

/* ---- the key dump -------------------------------------------------------- */

char *rs_scenario_keys_json(void)
{
	const sc_table top[] = {{"top", SC_KEYS(top_keys)},
	                        {"limits", SC_KEYS(limits_keys)},
	                        {"provenance", SC_KEYS(provenance_keys)}};
	const sc_table *rooms[SC_N(key_rooms)];
	size_t n[SC_N(key_rooms)];
	for (size_t r = 0; r < SC_N(key_rooms); r++)
		rooms[r] = key_rooms[r](&n[r]);
	cJSON *o = cJSON_CreateObject();
	bool ok = o && sc_tables_json(o, top, SC_N(top));
	for (size_t i = 0; ok && i < SC_N(rooms); i++)
		ok = sc_tables_json(o, rooms[i], n[i]);
	char *text = ok ? cJSON_Print(o) : NULL;
	cJSON_Delete(o);
	return text;
}

/* The folder of `path` (a new string), or NULL when path names no folder. */
static char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	size_t n = slash == path ? 1 : (size_t)(slash - path); /* "/x.json" -> "/" */
	char *dir = malloc(n + 1);
	if (dir) {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	return dir;
}

rs_status rs_scenario_load(const char *path, const char *const *overrides, size_t n_overrides,
                           rs_config **out, rs_error *err)
{
	return rs_scenario_load_with(path, overrides, n_overrides, NULL, out, err);
}

/* rs_scenario_load_with, messages not yet escaped. */
static rs_status load_file(const char *path, const char *const *overrides, size_t n_overrides,
                           const rs_scenario_opts *opts, rs_config **out, rs_error *err)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < SC_READ_CHUNK) {
			char *nb = rs_realloc_array(buf, cap + SC_READ_CHUNK + 1, 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
			}
			buf = nb;
			cap += SC_READ_CHUNK;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	bool failed = ferror(f);
	int read_errno = errno;
	fclose(f);
	if (failed) {
		free(buf);
		return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", path, strerror(read_errno));
	}
	buf[len] = '\0';

	rs_status st;
	const char *nul = memchr(buf, '\0', len);
	if (nul) {
		sc c = {.file = path, .err = err};
		st = sc_syntax_error(&c, buf, (size_t)(nul - buf), "unexpected NUL byte");
		free(buf);
		return st;
	}
	char *dir = folder_of(path);
	if (strchr(path, '/') && !dir)
		st = rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
	else
		st = parse_text(path, buf, dir, overrides, n_overrides, opts, out, err);
	free(dir);
	free(buf);
	return st;
}

rs_status rs_scenario_load_with(const char *path, const char *const *overrides, size_t n_overrides,
                                const rs_scenario_opts *opts, rs_config **out, rs_error *err)
{
	rs_status st = load_file(path, overrides, n_overrides, opts, out, err);
	if (st != RS_OK)
		sc_escape_message(err);
	return st;
}
