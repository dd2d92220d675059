/*
 * sweep.c - a grid of --set values and its conclusions (sweep.h).
 *
 * The grid is expanded into plain "PATH=VALUE" assignments before anything
 * runs, and plan.json keeps them (as each point's sets) together with the
 * axes and each point's values (as "extra"), so `collect` needs nothing
 * but the folder.  A value is JSON text: a number as written (ranges are
 * printed with %.15g), a string in quotes.
 */
#include "ratesim/sweep.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/decide_chart.h"
#include "ratesim/doc.h"
#include "ratesim/scenario.h"
#include "ratesim/textio.h"

#define SWEEP_MAX_SETS   256
#define SWEEP_VALUE_MAX  128  /* bytes of a generated value */
#define SWEEP_STEP_SLACK 1e-9 /* a range's last value may pass `to` by this many steps */
#define SWEEP_LABEL_MAX  32
#define SWEEP_TEXT_MAX   512
#define SWEEP_RESULTS    "results"
#define SWEEP_DIR_SUFFIX "-sweep"

/* The figures charted when the block names none. */
static const char *const default_figures[] = {"rate_429", "requests.failed", "latency_ms.p99",
                                              "throughput.tokens_per_min", "cost.total_usd"};
#define SWEEP_N_DEFAULT (sizeof default_figures / sizeof *default_figures)

typedef struct axis {
	char *path;
	char **values; /* JSON texts */
	size_t n;
	bool log;
	char **labels; /* the block's "labels", one per value, or NULL */
} axis;

typedef struct grid {
	axis a[RS_SWEEP_MAX_AXES];
	size_t n_axes;
	char **figures;
	size_t n_figures;
	size_t replications;
} grid;

static void grid_free(grid *g)
{
	for (size_t i = 0; i < g->n_axes; i++) {
		free(g->a[i].path);
		for (size_t j = 0; j < g->a[i].n; j++) {
			free(g->a[i].values[j]);
			if (g->a[i].labels)
				free(g->a[i].labels[j]);
		}
		free(g->a[i].values);
		free(g->a[i].labels);
	}
	for (size_t i = 0; i < g->n_figures; i++)
		free(g->figures[i]);
	free(g->figures);
}

static bool push_value(axis *a, const char *text)
{
	char **nv = rs_realloc_array(a->values, a->n + 1, sizeof *nv);
	if (!nv)
		return false;
	a->values = nv;
	if (!(a->values[a->n] = strdup(text)))
		return false;
	a->n++;
	return true;
}

static void fmt_value(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.15g", v);
}

/* One axis of the block.  where: ".sweep.axes[i]" for messages. */
static rs_status block_axis(const char *file, const cJSON *ax, const char *where, axis *a,
                            rs_error *err)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(ax, "path");
	const cJSON *values = cJSON_GetObjectItemCaseSensitive(ax, "values");
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(ax, "from");
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(ax, "to");
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(ax, "step");
	const cJSON *logn = cJSON_GetObjectItemCaseSensitive(ax, "log_steps");
	if (!cJSON_IsObject(ax))
		return rs_fail(err, RS_ERR_INVALID, "%s: %s: must be an object with \"path\"", file,
		               where);
	if (!cJSON_IsString(path) || !*path->valuestring)
		return rs_fail(err, RS_ERR_INVALID,
		               "%s: %s.path: must be a non-empty string (a --set "
		               "path)",
		               file, where);
	if (!(a->path = strdup(path->valuestring)))
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(ax, "labels");
	if (labels && (!values || !cJSON_IsArray(labels) ||
	               cJSON_GetArraySize(labels) != cJSON_GetArraySize(values)))
		return rs_fail(err, RS_ERR_INVALID,
		               "%s: %s.labels: must be an array of strings, one per "
		               "value of \"values\"",
		               file, where);
	for (const cJSON *l = labels ? labels->child : NULL; l; l = l->next)
		if (!cJSON_IsString(l))
			return rs_fail(err, RS_ERR_INVALID, "%s: %s.labels: must be strings", file,
			               where);
	if (labels) {
		a->labels = rs_calloc((size_t)cJSON_GetArraySize(labels), sizeof *a->labels);
		if (!a->labels)
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		size_t k = 0;
		for (const cJSON *l = labels->child; l; l = l->next)
			if (!(a->labels[k++] = strdup(l->valuestring)))
				return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	if (values) {
		if (!cJSON_IsArray(values) || cJSON_GetArraySize(values) == 0)
			return rs_fail(err, RS_ERR_INVALID,
			               "%s: %s.values: must be a non-empty array", file, where);
		for (const cJSON *v = values->child; v; v = v->next) {
			char *text = cJSON_PrintUnformatted(v);
			bool ok = text && push_value(a, text);
			free(text);
			if (!ok)
				return rs_fail(err, RS_ERR_NOMEM, "out of memory");
			if (a->n > RS_SWEEP_MAX_POINTS)
				return rs_fail(err, RS_ERR_INVALID, "%s: %s.values: at most %d",
				               file, where, RS_SWEEP_MAX_POINTS);
		}
		return RS_OK;
	}
	if (!cJSON_IsNumber(from) || !cJSON_IsNumber(to) || !isfinite(from->valuedouble) ||
	    !isfinite(to->valuedouble))
		return rs_fail(err, RS_ERR_INVALID,
		               "%s: %s: needs \"values\", or \"from\" and \"to\" (numbers) with "
		               "\"step\" or \"log_steps\"",
		               file, where);
	double lo = from->valuedouble, hi = to->valuedouble;
	char buf[SWEEP_VALUE_MAX];
	if (cJSON_IsNumber(logn)) {
		double n = logn->valuedouble;
		if (!(n >= 2 && n <= RS_SWEEP_MAX_POINTS && n == floor(n)))
			return rs_fail(err, RS_ERR_INVALID,
			               "%s: %s.log_steps: must be a whole number from "
			               "2 to %d",
			               file, where, RS_SWEEP_MAX_POINTS);
		if (!(lo > 0 && hi > lo))
			return rs_fail(err, RS_ERR_INVALID, "%s: %s: log_steps needs 0 < from < to",
			               file, where);
		a->log = true;
		for (size_t k = 0; k < (size_t)n; k++) {
			double v = k + 1 == (size_t)n ? hi : lo * pow(hi / lo, (double)k / (n - 1));
			fmt_value(buf, sizeof buf, v);
			if (!push_value(a, buf))
				return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		}
		return RS_OK;
	}
	if (!cJSON_IsNumber(step) || !(step->valuedouble > 0) || !(hi >= lo))
		return rs_fail(err, RS_ERR_INVALID,
		               "%s: %s: a range needs from <= to and a step > 0", file, where);
	double st = step->valuedouble;
	double count = floor((hi - lo) / st + SWEEP_STEP_SLACK) + 1;
	if (count > RS_SWEEP_MAX_POINTS)
		return rs_fail(err, RS_ERR_INVALID, "%s: %s: %.0f values; at most %d", file, where,
		               count, RS_SWEEP_MAX_POINTS);
	for (size_t k = 0; k < (size_t)count; k++) {
		fmt_value(buf, sizeof buf, lo + (double)k * st);
		if (!push_value(a, buf))
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	return RS_OK;
}

/* "PATH=V1,V2,..." from the command line. */
static rs_status cli_axis(const char *spec, axis *a, rs_error *err)
{
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec)
		return rs_fail(err, RS_ERR_USAGE, "--axis %s: expected PATH=V1,V2,...", spec);
	if (!eq[1])
		return rs_fail(err, RS_ERR_USAGE, "--axis %s: the axis has no values", spec);
	if (!(a->path = strndup(spec, (size_t)(eq - spec))))
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	for (const char *s = eq + 1;;) {
		size_t len = strcspn(s, ",");
		if (len == 0)
			return rs_fail(err, RS_ERR_USAGE, "--axis %s: an empty value", spec);
		char *v = strndup(s, len);
		bool ok = v && push_value(a, v);
		free(v);
		if (!ok)
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		if (a->n > RS_SWEEP_MAX_POINTS)
			return rs_fail(err, RS_ERR_USAGE, "--axis %s: at most %d values", spec,
			               RS_SWEEP_MAX_POINTS);
		if (!s[len])
			break;
		s += len + 1;
	}
	return RS_OK;
}

static rs_status read_grid(const rs_sweep_setup *s, grid *g, rs_error *err)
{
	char *text = rs_text_read(s->file);
	if (!text)
		return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", s->file, strerror(errno));
	cJSON *doc = cJSON_Parse(text);
	free(text);
	const cJSON *block = cJSON_GetObjectItemCaseSensitive(doc, "sweep");
	rs_status st = RS_OK;
	if (block && !cJSON_IsObject(block)) {
		st = rs_fail(err, RS_ERR_INVALID, "%s: .sweep: must be an object", s->file);
		goto out;
	}
	const cJSON *axes = cJSON_GetObjectItemCaseSensitive(block, "axes");
	const cJSON *reps = cJSON_GetObjectItemCaseSensitive(block, "replications");
	const cJSON *figs = cJSON_GetObjectItemCaseSensitive(block, "figures");
	if (s->n_axes > 0) {
		for (size_t i = 0; i < s->n_axes && st == RS_OK; i++)
			st = cli_axis(s->axes[i], &g->a[g->n_axes++], err);
	} else if (!axes) {
		st = rs_fail(err, RS_ERR_USAGE,
		             "%s: no \"sweep\" block with \"axes\", and no --axis", s->file);
	} else if (!cJSON_IsArray(axes) || cJSON_GetArraySize(axes) < 1 ||
	           cJSON_GetArraySize(axes) > RS_SWEEP_MAX_AXES) {
		st = rs_fail(err, RS_ERR_INVALID,
		             "%s: .sweep.axes: must be an array of 1 to %d axes", s->file,
		             RS_SWEEP_MAX_AXES);
	} else {
		size_t i = 0;
		for (const cJSON *ax = axes->child; ax && st == RS_OK; ax = ax->next, i++) {
			char where[64];
			snprintf(where, sizeof where, ".sweep.axes[%zu]", i);
			st = block_axis(s->file, ax, where, &g->a[g->n_axes++], err);
		}
	}
	if (st == RS_OK && reps &&
	    (!cJSON_IsNumber(reps) || reps->valuedouble < 1 ||
	     reps->valuedouble > RS_PLAN_MAX_REP || reps->valuedouble != floor(reps->valuedouble)))
		st = rs_fail(err, RS_ERR_INVALID,
		             "%s: .sweep.replications: must be a whole number from "
		             "1 to %d",
		             s->file, RS_PLAN_MAX_REP);
	g->replications = s->replications        ? s->replications
	                  : cJSON_IsNumber(reps) ? (size_t)reps->valuedouble
	                                         : RS_SWEEP_DEFAULT_REPLICATIONS;
	size_t nf = figs ? (size_t)cJSON_GetArraySize(figs) : SWEEP_N_DEFAULT;
	if (st == RS_OK && figs && (!cJSON_IsArray(figs) || nf == 0))
		st = rs_fail(err, RS_ERR_INVALID,
		             "%s: .sweep.figures: must be a non-empty array of "
		             "figure names",
		             s->file);
	if (st == RS_OK && !(g->figures = rs_calloc(nf, sizeof *g->figures)))
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; st == RS_OK && i < nf; i++) {
		const cJSON *f = figs ? cJSON_GetArrayItem(figs, (int)i) : NULL;
		if (figs && !cJSON_IsString(f)) {
			st = rs_fail(err, RS_ERR_INVALID,
			             "%s: .sweep.figures[%zu]: must be a string", s->file, i);
			break;
		}
		if (!(g->figures[i] = strdup(figs ? f->valuestring : default_figures[i])))
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		else
			g->n_figures = i + 1;
	}
out:
	cJSON_Delete(doc);
	return st;
}

/* The display text of a JSON value text: a string without its quotes. */
static char *display_of(const char *json)
{
	cJSON *v = cJSON_Parse(json);
	char *out = cJSON_IsString(v) ? strdup(v->valuestring) : strdup(json);
	cJSON_Delete(v);
	return out;
}

rs_status rs_sweep_plan(const rs_sweep_setup *s, rs_plan *p, rs_error *err)
{
	*p = (rs_plan){0};
	grid g = {0};
	rs_config *cfg = NULL;
	cJSON *extra = NULL;
	rs_status st = rs_scenario_load(s->file, s->sets, s->n_sets, &cfg, err);
	if (st == RS_OK)
		st = read_grid(s, &g, err);
	if (st == RS_OK)
		st = rs_decide_check_figures(cfg, (const char *const *)g.figures, g.n_figures,
		                             "sweep figures", err);
	size_t points = 1;
	for (size_t a = 0; st == RS_OK && a < g.n_axes; a++) {
		points *= g.a[a].n;
		if (points > RS_SWEEP_MAX_POINTS)
			st = rs_fail(err, RS_ERR_INVALID, "%s: the sweep has more than %d points",
			             s->file, RS_SWEEP_MAX_POINTS);
	}
	if (st != RS_OK)
		goto out;
	char dirbuf[SWEEP_TEXT_MAX];
	snprintf(dirbuf, sizeof dirbuf, SWEEP_RESULTS "/%s" SWEEP_DIR_SUFFIX, cfg->name);
	for (char *c = dirbuf + strlen(SWEEP_RESULTS) + 1; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
		            *c))
			*c = '_';
	p->kind = strdup("sweep");
	p->dir = strdup(s->dir ? s->dir : dirbuf);
	p->base_seed = s->seed_text ? strtoull(s->seed_text, NULL, 10) : cfg->seed;
	p->replications = g.replications;
	p->log_requests = s->log_requests;
	extra = cJSON_CreateObject();
	cJSON *ax = cJSON_AddArrayToObject(extra, "axes");
	cJSON *vals = cJSON_AddArrayToObject(extra, "values");
	cJSON *labs = cJSON_AddArrayToObject(extra, "labels");
	cJSON *figs = cJSON_AddArrayToObject(extra, "figures");
	cJSON_AddBoolToObject(extra, "x_log", g.a[0].log);
	cJSON_AddStringToObject(extra, "scenario", cfg->name);
	if (!p->kind || !p->dir || !figs) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t a = 0; a < g.n_axes; a++)
		cJSON_AddItemToArray(ax, cJSON_CreateString(g.a[a].path));
	for (size_t f = 0; f < g.n_figures; f++)
		cJSON_AddItemToArray(figs, cJSON_CreateString(g.figures[f]));
	const char *sets[SWEEP_MAX_SETS];
	char assign[RS_SWEEP_MAX_AXES][SWEEP_TEXT_MAX];
	int width = points < 1000 ? 3 : points < 10000 ? 4 : 5;
	for (size_t i = 0; i < points && st == RS_OK; i++) {
		size_t n = 0;
		for (size_t j = 0; j < s->n_sets && n < SWEEP_MAX_SETS - RS_SWEEP_MAX_AXES; j++)
			sets[n++] = s->sets[j];
		cJSON *row = cJSON_CreateArray(), *lrow = cJSON_CreateArray();
		cJSON_AddItemToArray(vals, row);
		cJSON_AddItemToArray(labs, lrow);
		size_t rest = i, at[RS_SWEEP_MAX_AXES];
		for (size_t a = g.n_axes; a-- > 0;) {
			at[a] = rest % g.a[a].n;
			rest /= g.a[a].n;
			snprintf(assign[a], sizeof assign[a], "%s=%s", g.a[a].path,
			         g.a[a].values[at[a]]);
		}
		for (size_t a = 0; a < g.n_axes; a++) {
			sets[n++] = assign[a];
			char *disp = display_of(strchr(assign[a], '=') + 1);
			cJSON_AddItemToArray(row, cJSON_CreateString(disp ? disp : ""));
			cJSON_AddItemToArray(lrow,
			                     cJSON_CreateString(g.a[a].labels ? g.a[a].labels[at[a]]
			                                        : disp        ? disp
			                                                      : ""));
			free(disp);
		}
		/* every point loads, so a value it cannot take fails before any run */
		rs_config *pc = NULL;
		st = rs_scenario_load(s->file, sets, n, &pc, err);
		rs_config_free(pc);
		char label[SWEEP_LABEL_MAX];
		snprintf(label, sizeof label, "p%0*zu", width, i + 1);
		if (st == RS_OK)
			st = rs_plan_add_group(p, label, s->file, sets, n, err);
	}
	if (st == RS_OK && !(p->extra_json = cJSON_PrintUnformatted(extra)))
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
out:
	cJSON_Delete(extra);
	grid_free(&g);
	rs_config_free(cfg);
	if (st != RS_OK)
		rs_plan_free(p);
	return st;
}

/* ---- conclusions ---------------------------------------------------------------------- */

typedef struct sweep_view {
	cJSON *doc;
	const cJSON *axes, *values, *labels, *figures;
	size_t n_axes;
	const char *scenario;
	bool x_log;
} sweep_view;

static const char *value_at(const sweep_view *v, size_t g, size_t a)
{
	const cJSON *s = cJSON_GetArrayItem(cJSON_GetArrayItem(v->values, (int)g), (int)a);
	return cJSON_IsString(s) ? s->valuestring : "";
}

/* The label of point g's value on axis a (the block's "labels", else the
 * value). */
static const char *label_at(const sweep_view *v, size_t g, size_t a)
{
	const cJSON *s = cJSON_GetArrayItem(cJSON_GetArrayItem(v->labels, (int)g), (int)a);
	return cJSON_IsString(s) ? s->valuestring : value_at(v, g, a);
}

/* The text of the axes after the first, for a chart's line of point g:
 * the label alone with two axes (the legend's title names the axis). */
static void line_of(const sweep_view *v, size_t g, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t a = 1; a < v->n_axes; a++) {
		const cJSON *path = cJSON_GetArrayItem(v->axes, (int)a);
		int w = v->n_axes == 2
		            ? snprintf(buf, len, "%s", label_at(v, g, a))
		            : snprintf(buf + used, len - used, "%s%s = %s", a > 1 ? ", " : "",
		                       cJSON_IsString(path) ? path->valuestring : "?",
		                       label_at(v, g, a));
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

static rs_status sweep_charts(const rs_fig_table *t, const rs_plan *p, const sweep_view *v,
                              rs_doc *d, char *warning, size_t wlen, rs_error *err)
{
	size_t n = p->n_groups;
	const char **x = rs_calloc(n, sizeof *x);
	const char **line = rs_calloc(n, sizeof *line);
	char(*lines)[SWEEP_TEXT_MAX] = rs_calloc(n, sizeof *lines);
	double *mean = rs_calloc(n, sizeof *mean), *hw = rs_calloc(n, sizeof *hw);
	rs_status st =
	    x && line && lines && mean && hw ? RS_OK : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	for (size_t g = 0; g < n && st == RS_OK; g++) {
		x[g] = label_at(v, g, 0);
		line_of(v, g, lines[g], sizeof lines[g]);
		line[g] = lines[g];
	}
	const cJSON *path0 = cJSON_GetArrayItem(v->axes, 0);
	for (const cJSON *f = v->figures ? v->figures->child : NULL; f && st == RS_OK;
	     f = f->next) {
		long fi = rs_fig_find(t, f->valuestring, NULL);
		for (size_t g = 0; g < n; g++) {
			rs_stats s = {0, NAN, NAN, NAN, NAN, NAN};
			if (fi >= 0)
				rs_fig_group_stats(t, p, g, (size_t)fi, &s);
			mean[g] = s.mean;
			hw[g] = s.ci95;
		}
		rs_dchart_sweep_in in = {
		    .dir = p->dir,
		    .title = v->scenario,
		    .figure = f->valuestring,
		    .xlabel = cJSON_IsString(path0) ? path0->valuestring : "",
		    .n_points = n,
		    .n_rep = p->replications,
		    .x = x,
		    .line = v->n_axes > 1 ? line : NULL,
		    .line_title = v->n_axes == 2 && cJSON_IsString(cJSON_GetArrayItem(v->axes, 1))
		                      ? cJSON_GetArrayItem(v->axes, 1)->valuestring
		                      : "",
		    .mean = mean,
		    .hw = hw,
		    .x_log = v->x_log,
		};
		const char *name;
		st = rs_dchart_sweep(&in, &name, warning, wlen, err);
		if (st == RS_OK) {
			char cap[SWEEP_TEXT_MAX];
			snprintf(cap, sizeof cap,
			         "%s against %s: mean of %zu replications per point, "
			         "error bars the 95%% interval.",
			         f->valuestring, in.xlabel, p->replications);
			rs_doc_figure(d, name, cap);
		}
	}
	free(x);
	free(line);
	free(lines);
	free(mean);
	free(hw);
	return st;
}

static void points_table(const rs_fig_table *t, const rs_plan *p, const sweep_view *v, rs_doc *d)
{
	size_t nf = (size_t)cJSON_GetArraySize(v->figures);
	size_t cols = 1 + v->n_axes + nf;
	const char **cells = rs_calloc(cols, sizeof *cells);
	char(*txt)[SWEEP_VALUE_MAX] = rs_calloc(nf ? nf : 1, sizeof *txt);
	if (!cells || !txt) {
		free(cells);
		free(txt);
		return;
	}
	cells[0] = "point";
	for (size_t a = 0; a < v->n_axes; a++) {
		const cJSON *pa = cJSON_GetArrayItem(v->axes, (int)a);
		cells[1 + a] = cJSON_IsString(pa) ? pa->valuestring : "";
	}
	for (size_t f = 0; f < nf; f++)
		cells[1 + v->n_axes + f] = cJSON_GetArrayItem(v->figures, (int)f)->valuestring;
	rs_doc_table(d, cells, cols);
	for (size_t g = 0; g < p->n_groups; g++) {
		cells[0] = p->groups[g].label;
		for (size_t a = 0; a < v->n_axes; a++)
			cells[1 + a] = value_at(v, g, a);
		for (size_t f = 0; f < nf; f++) {
			long fi = rs_fig_find(
			    t, cJSON_GetArrayItem(v->figures, (int)f)->valuestring, NULL);
			rs_stats s = {0, NAN, NAN, NAN, NAN, NAN};
			if (fi >= 0)
				rs_fig_group_stats(t, p, g, (size_t)fi, &s);
			if (!isfinite(s.mean))
				snprintf(txt[f], sizeof txt[f], "n/a");
			else if (isfinite(s.ci95))
				snprintf(txt[f], sizeof txt[f], "%.6g +- %.3g", s.mean, s.ci95);
			else
				snprintf(txt[f], sizeof txt[f], "%.6g", s.mean);
			cells[1 + v->n_axes + f] = txt[f];
		}
		rs_doc_row(d, cells, cols);
	}
	rs_doc_table_end(d);
	free(cells);
	free(txt);
}

rs_status rs_sweep_conclude(const rs_fig_table *t, const rs_plan *p, const rs_decide_opts *o,
                            rs_decide_result *res, rs_error *err)
{
	sweep_view v = {0};
	v.doc = cJSON_Parse(p->extra_json ? p->extra_json : "{}");
	v.axes = cJSON_GetObjectItemCaseSensitive(v.doc, "axes");
	v.values = cJSON_GetObjectItemCaseSensitive(v.doc, "values");
	v.labels = cJSON_GetObjectItemCaseSensitive(v.doc, "labels");
	v.figures = cJSON_GetObjectItemCaseSensitive(v.doc, "figures");
	v.n_axes = (size_t)cJSON_GetArraySize(v.axes);
	v.x_log = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v.doc, "x_log"));
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(v.doc, "scenario");
	v.scenario = cJSON_IsString(name) ? name->valuestring : "sweep";
	rs_status st = RS_OK;
	if (!cJSON_IsArray(v.axes) || !cJSON_IsArray(v.values) || !cJSON_IsArray(v.figures) ||
	    v.n_axes == 0 || (size_t)cJSON_GetArraySize(v.values) != p->n_groups) {
		st =
		    rs_fail(err, RS_ERR_SYNTAX, "%s/%s: .extra: not the axes and values of a sweep",
		            p->dir, RS_PLAN_FILE);
		goto out;
	}
	const char **axes = rs_calloc(v.n_axes, sizeof *axes);
	const char **vals = rs_calloc(v.n_axes * p->n_groups, sizeof *vals);
	if (!axes || !vals) {
		free(axes);
		free(vals);
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t a = 0; a < v.n_axes; a++)
		axes[a] = cJSON_GetArrayItem(v.axes, (int)a)->valuestring;
	for (size_t g = 0; g < p->n_groups; g++)
		for (size_t a = 0; a < v.n_axes; a++)
			vals[g * v.n_axes + a] = value_at(&v, g, a);
	for (size_t g = 0; g < p->n_groups && st == RS_OK; g++)
		st = rs_agg_write_group(t, p, g, err);
	if (st == RS_OK)
		st = rs_agg_write_tables(t, p, axes, v.n_axes, vals, err);
	free(axes);
	free(vals);
	char title[SWEEP_TEXT_MAX];
	snprintf(title, sizeof title, "Sweep: %s", v.scenario);
	rs_doc *d = st == RS_OK ? rs_doc_new(p->dir, title) : NULL;
	if (st == RS_OK && !d)
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	if (st != RS_OK)
		goto out;
	rs_text_buf b = {0};
	rs_text_printf(
	    &b,
	    "Written by ratesim %s. %zu points, each run %zu times (replications) with "
	    "`ratesim run`; replication k of every point used the same seed (base seed "
	    "%llu), so points are compared on the same arrivals and sizes. A value is "
	    "the mean over the replications +- the half-width of its 95%% Student-t "
	    "interval. Every run's figures are in runs.csv, every point's in points.csv.",
	    RATESIM_VERSION, p->n_groups, p->replications, (unsigned long long)p->base_seed);
	rs_doc_para(d, b.s ? b.s : "");
	free(b.s);
	rs_doc_h2(d, "Points");
	points_table(t, p, &v, d);
	rs_doc_h2(d, "Charts");
	if (o->charts)
		st = sweep_charts(t, p, &v, d, res->warning, sizeof res->warning, err);
	else
		rs_doc_para(d, "No charts were drawn (--no-charts).");
	if (st == RS_OK)
		st = rs_doc_write(d, "report", err);
	rs_doc_free(d);
	if (st != RS_OK)
		goto out;
	rs_text_buf out = {0};
	rs_text_printf(&out,
	               "ratesim: sweep of %zu points x %zu replications (mean +- 95%% "
	               "interval):\n",
	               p->n_groups, p->replications);
	for (size_t g = 0; g < p->n_groups; g++) {
		char who[SWEEP_TEXT_MAX];
		size_t used = (size_t)snprintf(who, sizeof who, "%s", p->groups[g].label);
		for (size_t a = 0; a < v.n_axes && used < sizeof who; a++)
			used += (size_t)snprintf(who + used, sizeof who - used, " %s=%s",
			                         cJSON_GetArrayItem(v.axes, (int)a)->valuestring,
			                         value_at(&v, g, a));
		rs_decide_line(t, p, g, who, &out);
	}
	rs_text_printf(&out, "ratesim: results in %s/ (points.csv, runs.csv, report.html)\n",
	               p->dir);
	if (out.nomem) {
		free(out.s);
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	} else {
		res->text = out.s;
	}
out:
	cJSON_Delete(v.doc);
	return st;
}
