/*
 * compare.c - candidates side by side: the plan of a comparison and its
 * conclusions (see compare.h).
 *
 * Labels are decided before anything runs, so a candidate's folder never
 * depends on how an earlier one went.  The candidates' full names and
 * descriptions go into plan.json ("extra"), so that `collect` writes the
 * same report from the folders alone.  Every figure of the report is read
 * back from the runs' files (aggregate.h).  O(n^2) in the number of
 * candidates for the labels (a handful), the rest is the runs'.
 */
#include "ratesim/compare.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratesim/chart.h"
#include "ratesim/decide_chart.h"
#include "ratesim/report.h"
#include "ratesim/scenario.h"
#include "ratesim/textio.h"

/* Room kept at the end of a label for a "-N" suffix. */
#define COMPARE_SUFFIX_ROOM 8
#define COMPARE_EMPTY_LABEL "scenario"
#define COMPARE_TITLE_MAX   512
#define COMPARE_MAX_SETS    256
#define COMPARE_MAX_VERDICT 16
/* The files a comparison writes in its folder besides the charts. */
static const char *const compare_files[] = {"report.md", "report.html", "plan.json",
                                            "runs.csv",  "points.csv",  "jobs.sbatch"};
static const char *const chart_exts[] = {"png", "svg", "dat", "gp"};

static bool label_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

/* Whether label is the name of a file the comparison writes. */
static bool label_reserved(const char *label)
{
	for (size_t i = 0; i < sizeof compare_files / sizeof compare_files[0]; i++)
		if (strcmp(label, compare_files[i]) == 0)
			return true;
	const char *name, *caption;
	for (size_t k = 0; rs_chart_compare_info(k, &name, &caption); k++) {
		size_t nl = strlen(name);
		if (strncmp(label, name, nl) != 0 || label[nl] != '.')
			continue;
		for (size_t e = 0; e < sizeof chart_exts / sizeof chart_exts[0]; e++)
			if (strcmp(label + nl + 1, chart_exts[e]) == 0)
				return true;
	}
	return false;
}

static bool label_taken(char (*labels)[RS_COMPARE_LABEL_MAX], size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(labels[i], label) == 0)
			return true;
	return label_reserved(label);
}

void rs_compare_labels(const char *const *names, size_t n, char (*labels)[RS_COMPARE_LABEL_MAX])
{
	for (size_t i = 0; i < n; i++) {
		char base[RS_COMPARE_LABEL_MAX];
		size_t len = 0;
		for (const char *s = names[i] ? names[i] : "";
		     *s && len < RS_COMPARE_LABEL_MAX - COMPARE_SUFFIX_ROOM; s++)
			base[len++] = label_char_ok(*s) ? *s : '_';
		base[len] = '\0';
		if (len == 0 || !strcmp(base, ".") || !strcmp(base, ".."))
			snprintf(base, sizeof base, "%s", COMPARE_EMPTY_LABEL);
		snprintf(labels[i], RS_COMPARE_LABEL_MAX, "%s", base);
		for (unsigned k = 2; label_taken(labels, i, labels[i]); k++)
			snprintf(labels[i], RS_COMPARE_LABEL_MAX, "%s-%u", base, k);
	}
}

/* ---- the plan ---------------------------------------------------------------------- */

/* One candidate before it is a group: file, its own sets, name. */
typedef struct cand {
	const char *file;
	const char *sets[COMPARE_MAX_SETS];
	size_t n_sets;
	char *name, *description; /* owned */
} cand;

/* The variants of file: one candidate each.  OUT: *c (malloc'd), *n. */
static rs_status read_variants(const rs_compare_setup *s, cJSON **doc, cand **c, size_t *n,
                               rs_error *err)
{
	const char *file = s->files[0];
	char *text = rs_text_read(file);
	if (!text)
		return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", file, strerror(errno));
	*doc = cJSON_Parse(text);
	free(text);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(*doc, "variants");
	if (!v || !cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1)
		return rs_fail(err, RS_ERR_USAGE,
		               "compare needs two scenario files, or one with a \"variants\" list "
		               "(%s has none)",
		               file);
	*n = (size_t)cJSON_GetArraySize(v);
	*c = rs_calloc(*n, sizeof **c);
	if (!*c)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	size_t i = 0;
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		cand *k = &(*c)[i];
		k->file = file;
		for (size_t j = 0; j < s->n_sets; j++)
			k->sets[k->n_sets++] = s->sets[j];
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
		const cJSON *sets = cJSON_GetObjectItemCaseSensitive(e, "set");
		const cJSON *desc = cJSON_GetObjectItemCaseSensitive(e, "description");
		if (!cJSON_IsString(name) || !*name->valuestring)
			return rs_fail(err, RS_ERR_INVALID,
			               "%s: .variants[%zu].name: must be a "
			               "non-empty string",
			               file, i);
		if (sets && !cJSON_IsArray(sets))
			return rs_fail(err, RS_ERR_INVALID,
			               "%s: .variants[%zu].set: must be an array of \"PATH=VALUE\" "
			               "strings",
			               file, i);
		size_t j = 0;
		for (const cJSON *a = sets ? sets->child : NULL; a; a = a->next, j++) {
			if (!cJSON_IsString(a) || !strchr(a->valuestring, '='))
				return rs_fail(
				    err, RS_ERR_INVALID,
				    "%s: .variants[%zu].set[%zu]: must be a \"PATH=VALUE\" string",
				    file, i, j);
			if (k->n_sets == COMPARE_MAX_SETS)
				return rs_fail(err, RS_ERR_INVALID,
				               "%s: .variants[%zu].set: too many (at "
				               "most %d with the command line's)",
				               file, i, COMPARE_MAX_SETS);
			k->sets[k->n_sets++] = a->valuestring;
		}
		if (!(k->name = strdup(name->valuestring)) ||
		    !(k->description = strdup(cJSON_IsString(desc) ? desc->valuestring : "")))
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	return RS_OK;
}

/* --window NAME: every candidate must simulate it. */
static rs_status has_window(const rs_config *cfg, const char *window, rs_error *err)
{
	for (size_t w = 0; w < cfg->n_windows; w++)
		if (!strcmp(cfg->windows[w].name, window))
			return RS_OK;
	return rs_fail(err, RS_ERR_USAGE,
	               "--window %s: %s has no window \"%s\" (--window START:END adds one to "
	               "every candidate)",
	               window, cfg->path ? cfg->path : cfg->name, window);
}

static rs_status extra_of(const cand *c, size_t n, const char *window, rs_plan *p, rs_error *err)
{
	cJSON *x = cJSON_CreateObject();
	if (x && window)
		cJSON_AddStringToObject(x, "window", window);
	cJSON *names = cJSON_AddArrayToObject(x, "names");
	cJSON *descs = cJSON_AddArrayToObject(x, "descriptions");
	for (size_t i = 0; names && descs && i < n; i++) {
		cJSON_AddItemToArray(names, cJSON_CreateString(c[i].name));
		cJSON_AddItemToArray(descs, cJSON_CreateString(c[i].description));
	}
	p->extra_json = x ? cJSON_PrintUnformatted(x) : NULL;
	cJSON_Delete(x);
	return p->extra_json ? RS_OK : rs_fail(err, RS_ERR_NOMEM, "out of memory");
}

rs_status rs_compare_plan(const rs_compare_setup *s, rs_plan *p, rs_error *err)
{
	*p = (rs_plan){0};
	cJSON *doc = NULL;
	cand *c = NULL;
	size_t n = 0;
	rs_status st = RS_OK;
	if (s->n_files == 1) {
		st = read_variants(s, &doc, &c, &n, err);
	} else {
		n = s->n_files;
		c = rs_calloc(n, sizeof *c);
		if (!c)
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		for (size_t i = 0; st == RS_OK && i < n; i++) {
			c[i].file = s->files[i];
			for (size_t j = 0; j < s->n_sets && j < COMPARE_MAX_SETS; j++)
				c[i].sets[c[i].n_sets++] = s->sets[j];
		}
	}
	uint64_t seed = 0;
	if (st == RS_OK && s->seed_text)
		seed = strtoull(s->seed_text, NULL, 10);
	/* load every candidate once, so a bad one fails before any run */
	for (size_t i = 0; st == RS_OK && i < n; i++) {
		rs_config *cfg = NULL;
		st = rs_scenario_load(c[i].file, c[i].sets, c[i].n_sets, &cfg, err);
		if (st == RS_OK && !c[i].name &&
		    (!(c[i].name = strdup(cfg->name)) ||
		     !(c[i].description = strdup(cfg->description ? cfg->description : ""))))
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		if (st == RS_OK && i == 0 && !s->seed_text)
			seed = cfg->seed;
		if (st == RS_OK && s->window)
			st = has_window(cfg, s->window, err);
		rs_config_free(cfg);
	}
	char(*labels)[RS_COMPARE_LABEL_MAX] = st == RS_OK ? rs_calloc(n, sizeof *labels) : NULL;
	if (st == RS_OK && !labels)
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	if (st == RS_OK) {
		const char **names = rs_calloc(n, sizeof *names);
		for (size_t i = 0; names && i < n; i++)
			names[i] = c[i].name;
		if (names)
			rs_compare_labels(names, n, labels);
		free(names);
		p->kind = strdup("compare");
		p->dir = strdup(s->dir);
		if (!names || !p->kind || !p->dir)
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	p->base_seed = seed;
	p->replications = s->replications ? s->replications : RS_COMPARE_DEFAULT_REPLICATIONS;
	p->log_requests = s->log_requests;
	p->run_charts = false;
	for (size_t i = 0; st == RS_OK && i < n; i++)
		st = rs_plan_add_group(p, labels[i], c[i].file, c[i].sets, c[i].n_sets, err);
	if (st == RS_OK)
		st = extra_of(c, n, s->window, p, err);
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].name);
		free(c[i].description);
	}
	free(c);
	free(labels);
	cJSON_Delete(doc);
	if (st != RS_OK)
		rs_plan_free(p);
	return st;
}

/* ---- the conclusions ---------------------------------------------------------------- */

/* Without charts, the comparison charts of an earlier comparison in dir
 * would be taken for these candidates' (and embedded in the report): remove
 * them, with their data and scripts. */
static rs_status remove_compare_charts(const char *dir, rs_error *err)
{
	const char *name, *caption;
	for (size_t k = 0; rs_chart_compare_info(k, &name, &caption); k++) {
		for (size_t e = 0; e < sizeof chart_exts / sizeof chart_exts[0]; e++) {
			char file[128];
			snprintf(file, sizeof file, "%s.%s", name, chart_exts[e]);
			char *path = rs_text_join(dir, file);
			if (!path)
				return rs_fail(err, RS_ERR_NOMEM, "out of memory");
			int rc = unlink(path);
			rs_status st =
			    rc != 0 && errno != ENOENT
			        ? rs_fail(err, RS_ERR_IO, "%s: cannot remove the old chart: %s",
			                  path, strerror(errno))
			        : RS_OK;
			free(path);
			if (st != RS_OK)
				return st;
		}
	}
	return RS_OK;
}

/* names[] and descriptions[] from the plan's extra (borrowed from doc);
 * the labels when the plan has none, or when two candidates share a name
 * (the same file twice): a sentence must say which one it means. */
static void names_of(const rs_plan *p, cJSON *doc, const char **names, const char **descs)
{
	const cJSON *nm = cJSON_GetObjectItemCaseSensitive(doc, "names");
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(doc, "descriptions");
	bool shared = false;
	for (size_t g = 0; g < p->n_groups; g++) {
		const cJSON *a = cJSON_GetArrayItem(nm, (int)g);
		const cJSON *b = cJSON_GetArrayItem(ds, (int)g);
		names[g] = cJSON_IsString(a) ? a->valuestring : p->groups[g].label;
		descs[g] = cJSON_IsString(b) ? b->valuestring : "";
		for (size_t h = 0; h < g; h++)
			shared = shared || !strcmp(names[h], names[g]);
	}
	for (size_t g = 0; shared && g < p->n_groups; g++)
		names[g] = p->groups[g].label;
}

/* "a vs b vs c (N replications)" for the charts' title. */
static void compare_title(const rs_plan *p, const char **names, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t g = 0; g < p->n_groups; g++) {
		int w = snprintf(buf + used, len - used, "%s%s", g ? " vs " : "", names[g]);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
	snprintf(buf + used, len - used, " (mean of %zu replications)", p->replications);
}

rs_status rs_compare_conclude(const rs_fig_table *t, const rs_plan *p, const rs_decide_opts *o,
                              rs_decide_result *res, rs_error *err)
{
	size_t n = p->n_groups;
	cJSON *doc = cJSON_Parse(p->extra_json ? p->extra_json : "{}");
	const char **names = rs_calloc(n, sizeof *names);
	const char **descs = rs_calloc(n, sizeof *descs);
	const char **labels = rs_calloc(n, sizeof *labels);
	rs_status st = RS_OK;
	if (!names || !descs || !labels) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	names_of(p, doc, names, descs);
	for (size_t g = 0; g < n && st == RS_OK; g++) {
		labels[g] = p->groups[g].label;
		st = rs_agg_write_group(t, p, g, err);
		/* each candidate's own mean lines and bands, in its folder */
		char *gdir = st == RS_OK && o->charts ? rs_agg_group_dir(p, g) : NULL;
		if (gdir) {
			char title[COMPARE_TITLE_MAX];
			snprintf(title, sizeof title, "%s (%zu replications)", names[g],
			         p->replications);
			st = rs_dchart_bands(gdir, title, p->replications, res->warning,
			                     sizeof res->warning, err);
			free(gdir);
		}
	}
	if (st == RS_OK)
		st = rs_agg_write_tables(t, p, NULL, 0, NULL, err);
	if (st == RS_OK && !o->charts)
		st = remove_compare_charts(p->dir, err);
	if (st == RS_OK && o->charts) {
		char title[COMPARE_TITLE_MAX];
		compare_title(p, names, title, sizeof title);
		rs_chart_opts co = {.title = title, .gnuplot = NULL, .required = false};
		st = rs_chart_render_compare(p->dir, labels, n, &co, res->warning,
		                             sizeof res->warning, err);
	}
	/* --window: the report, the lines and the verdicts are the window's */
	const cJSON *xw = cJSON_GetObjectItemCaseSensitive(doc, "window");
	const char *window = o->window ? o->window : cJSON_IsString(xw) ? xw->valuestring : NULL;
	rs_fig_table wt = {0};
	if (st == RS_OK && window) {
		st = rs_fig_table_window(t, window, &wt, err);
		t = &wt;
	}
	if (st == RS_OK)
		st = rs_report_compare(t, p, names, descs, err);
	if (st != RS_OK) {
		rs_fig_table_free(&wt);
		goto out;
	}
	rs_text_buf b = {0};
	rs_text_printf(&b,
	               "ratesim: %zu candidates x %zu replications (mean +- 95%% interval%s%s):\n",
	               n, p->replications, window ? ", window " : "", window ? window : "");
	for (size_t g = 0; g < n; g++)
		rs_decide_line(t, p, g, names[g], &b);
	char *v[COMPARE_MAX_VERDICT];
	size_t nv = rs_report_verdicts(t, p, names, v, COMPARE_MAX_VERDICT);
	for (size_t i = 0; i < nv; i++) {
		rs_text_printf(&b, "  %s\n", v[i]);
		free(v[i]);
	}
	rs_text_printf(&b, "ratesim: comparison in %s/ (report.html, report.md, runs.csv%s)\n",
	               p->dir, o->charts && !res->warning[0] ? ", compare_*.png and .svg" : "");
	rs_fig_table_free(&wt);
	if (b.nomem) {
		free(b.s);
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	} else {
		res->text = b.s;
	}
out:
	free(names);
	free(descs);
	free(labels);
	cJSON_Delete(doc);
	return st;
}
