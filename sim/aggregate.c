/*
 * aggregate.c - figures across replications, read back from run folders
 * (aggregate.h).
 *
 * The figure table flattens each run's summary.json in document order; the
 * first run's order names the columns, and a later run whose leaves come
 * in the same order (the usual case: the same scenario) is read by
 * position, else by name.  Time series are averaged row by row: the
 * replications of one group share their buckets and scopes, so row i of
 * every replication is the same bucket and scope (checked: the runs must
 * agree on t_s, scope and name).
 *
 * Cost: O(runs x figures) memory for the table; the time series are
 * streamed, R rows in memory at a time.
 */
#include "ratesim/aggregate.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/textio.h"

#define AGG_SUMMARY     "summary.json"
#define AGG_TIMESERIES  "timeseries.csv"
#define AGG_BANDS       "bands.csv"
#define AGG_CDF         "latency_cdf.csv"
#define AGG_RUNS        "runs.csv"
#define AGG_POINTS      "points.csv"
#define AGG_PATH_MAX    256
#define AGG_MISSING_MAX 8 /* incomplete runs named in a message */
#define AGG_FIELDS_MAX  256
/* The weight of a replication's latency distribution: its successes. */
#define AGG_CDF_WEIGHT "requests.succeeded"

/* The total scope's series that bands.csv holds. */
static const char *const band_cols[] = {"rate_429",       "tokens_per_min", "requests_per_min",
                                        "latency_p50_ms", "latency_p99_ms", "failed",
                                        "offered"};
#define AGG_N_BANDS (sizeof band_cols / sizeof *band_cols)

/* ---- flattening summary.json ----------------------------------------------- */

typedef struct flat {
	char **names;
	double *v;
	size_t n, cap;
	bool names_owned; /* false: only values are collected */
} flat;

static bool is_provenance(const char *path)
{
	return !strcmp(path, "seed") || !strcmp(path, "replication");
}

static bool flat_push(flat *fl, const char *path, double v)
{
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? 2 * fl->cap : 256;
		double *nv = rs_realloc_array(fl->v, cap, sizeof *nv);
		if (!nv)
			return false;
		fl->v = nv;
		if (fl->names_owned) {
			char **nn = rs_realloc_array(fl->names, cap, sizeof *nn);
			if (!nn)
				return false;
			fl->names = nn;
		}
		fl->cap = cap;
	}
	if (fl->names_owned) {
		size_t len = strlen(path) + 1;
		if (!(fl->names[fl->n] = malloc(len)))
			return false;
		memcpy(fl->names[fl->n], path, len);
	}
	fl->v[fl->n++] = v;
	return true;
}

/* Walk node (at path) and push every number and null leaf. */
static bool flatten(const cJSON *node, const char *path, flat *fl)
{
	if (cJSON_IsNumber(node) || cJSON_IsNull(node)) {
		if (is_provenance(path))
			return true;
		return flat_push(fl, path, cJSON_IsNumber(node) ? node->valuedouble : NAN);
	}
	if (!cJSON_IsObject(node) && !cJSON_IsArray(node))
		return true;
	size_t i = 0;
	for (const cJSON *c = node->child; c; c = c->next, i++) {
		char sub[AGG_PATH_MAX];
		if (cJSON_IsArray(node))
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
		else
			snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", c->string);
		if (!flatten(c, sub, fl))
			return false;
	}
	return true;
}

static void flat_free(flat *fl)
{
	for (size_t i = 0; fl->names_owned && i < fl->n; i++)
		free(fl->names[i]);
	free(fl->names);
	free(fl->v);
}

rs_status rs_agg_figure_names(const cJSON *summary, char ***names, size_t *n, rs_error *err)
{
	flat fl = {.names_owned = true};
	if (!flatten(summary, "", &fl)) {
		flat_free(&fl);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	*names = fl.names;
	*n = fl.n;
	free(fl.v);
	return RS_OK;
}

/* ---- the table ------------------------------------------------------------- */

char *rs_agg_group_dir(const rs_plan *p, size_t g)
{
	if (!p->groups[g].label[0]) {
		size_t n = strlen(p->dir) + 1;
		char *d = malloc(n);
		if (d)
			memcpy(d, p->dir, n);
		return d;
	}
	return rs_text_join(p->dir, p->groups[g].label);
}

/* Why run i is not complete ("" when it is).  OUT: *doc its summary. */
static void read_run(const rs_plan *p, size_t i, cJSON **doc, char *why, size_t len)
{
	*doc = NULL;
	why[0] = '\0';
	char *dir = rs_plan_run_dir(p, i);
	char *path = dir ? rs_text_join(dir, AGG_SUMMARY) : NULL;
	char *text = path ? rs_text_read(path) : NULL;
	if (!text) {
		snprintf(why, len, "%s (%s)", dir ? dir : "?",
		         errno == ENOENT ? "no summary.json" : strerror(errno));
		goto out;
	}
	cJSON *d = cJSON_Parse(text);
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(d, "seed");
	const cJSON *rep = cJSON_GetObjectItemCaseSensitive(d, "replication");
	size_t k = i % p->replications + 1;
	if (!cJSON_IsObject(d)) {
		snprintf(why, len, "%s (summary.json is not JSON)", dir);
	} else if (!cJSON_IsNumber(seed) ||
	           seed->valuedouble != (double)rs_plan_seed(p->base_seed, k)) {
		snprintf(why, len, "%s (its seed is not the plan's %" PRIu64 ")", dir,
		         rs_plan_seed(p->base_seed, k));
	} else if (!cJSON_IsNumber(rep) || rep->valuedouble != (double)k) {
		snprintf(why, len, "%s (not replication %zu)", dir, k);
	} else {
		*doc = d;
		d = NULL;
	}
	cJSON_Delete(d);
out:
	free(text);
	free(path);
	free(dir);
}

bool rs_agg_run_complete(const rs_plan *p, size_t i)
{
	cJSON *doc;
	char why[AGG_PATH_MAX * 2];
	read_run(p, i, &doc, why, sizeof why);
	cJSON_Delete(doc);
	return why[0] == '\0';
}

void rs_fig_table_free(rs_fig_table *t)
{
	for (size_t i = 0; t->names && i < t->n_figs; i++)
		free(t->names[i]);
	free(t->names);
	free(t->v);
	for (size_t i = 0; t->summaries && i < t->n_runs; i++)
		cJSON_Delete(t->summaries[i]);
	free(t->summaries);
	*t = (rs_fig_table){0};
}

rs_status rs_fig_table_window(const rs_fig_table *t, const char *window, rs_fig_table *out,
                              rs_error *err)
{
	*out = (rs_fig_table){.n_runs = t->n_runs};
	char prefix[AGG_PATH_MAX];
	snprintf(prefix, sizeof prefix, "windows.%s.", window);
	size_t pl = strlen(prefix), n = 0;
	for (size_t f = 0; f < t->n_figs; f++)
		n += strncmp(t->names[f], prefix, pl) == 0;
	if (n == 0)
		return rs_fail(err, RS_ERR_USAGE,
		               "the runs have no window \"%s\" (summary.json has no windows.%s); "
		               "a window is simulated with the runs: compare --window",
		               window, window);
	out->names = rs_calloc(n, sizeof *out->names);
	out->v = rs_calloc(n * (t->n_runs ? t->n_runs : 1), sizeof *out->v);
	out->summaries = rs_calloc(t->n_runs ? t->n_runs : 1, sizeof *out->summaries);
	bool ok = out->names && out->v && out->summaries;
	for (size_t f = 0; ok && f < t->n_figs; f++) {
		if (strncmp(t->names[f], prefix, pl) != 0)
			continue;
		size_t c = out->n_figs;
		ok = (out->names[c] = malloc(strlen(t->names[f] + pl) + 1)) != NULL;
		if (!ok)
			break;
		strcpy(out->names[c], t->names[f] + pl);
		for (size_t r = 0; r < t->n_runs; r++)
			out->v[r * n + c] = t->v[r * t->n_figs + f];
		out->n_figs++;
	}
	for (size_t r = 0; ok && r < t->n_runs; r++) {
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(t->summaries[r], "windows"), window);
		ok = (out->summaries[r] = cJSON_Duplicate(w ? w : t->summaries[r], true)) != NULL;
	}
	if (!ok) {
		rs_fig_table_free(out);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	return RS_OK;
}

long rs_fig_find(const rs_fig_table *t, const char *name, const char **near)
{
	size_t best = SIZE_MAX, best_d = SIZE_MAX;
	for (size_t f = 0; f < t->n_figs; f++) {
		if (!strcmp(t->names[f], name))
			return (long)f;
		/* nearest by common prefix, then by length difference */
		size_t common = 0;
		while (name[common] && name[common] == t->names[f][common])
			common++;
		size_t la = strlen(name), lb = strlen(t->names[f]);
		size_t d = (la - common) + (lb - common);
		if (d < best_d) {
			best_d = d;
			best = f;
		}
	}
	if (near)
		*near = best == SIZE_MAX ? NULL : t->names[best];
	return -1;
}

/* Put run r's values into row r of the table. */
static rs_status fill_row(rs_fig_table *t, size_t r, const cJSON *doc, rs_error *err)
{
	flat fl = {.names_owned = true};
	if (!flatten(doc, "", &fl)) {
		flat_free(&fl);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	double *row = &t->v[r * t->n_figs];
	for (size_t f = 0; f < t->n_figs; f++)
		row[f] = NAN;
	bool same = fl.n == t->n_figs;
	for (size_t f = 0; same && f < fl.n; f++)
		same = !strcmp(fl.names[f], t->names[f]);
	for (size_t f = 0; f < fl.n; f++) {
		long at = same ? (long)f : rs_fig_find(t, fl.names[f], NULL);
		if (at >= 0)
			row[at] = fl.v[f];
	}
	flat_free(&fl);
	return RS_OK;
}

rs_status rs_fig_table_load(const rs_plan *p, rs_fig_table *t, rs_error *err)
{
	*t = (rs_fig_table){0};
	size_t n = rs_plan_runs(p);
	t->summaries = rs_calloc(n ? n : 1, sizeof *t->summaries);
	if (!t->summaries)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	t->n_runs = n;
	char list[RS_ERROR_MAX / 2] = "";
	size_t missing = 0, used = 0;
	for (size_t i = 0; i < n; i++) {
		char why[AGG_PATH_MAX * 2];
		read_run(p, i, &t->summaries[i], why, sizeof why);
		if (!why[0])
			continue;
		if (missing++ < AGG_MISSING_MAX) {
			int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
			                 why);
			if (w > 0 && (size_t)w < sizeof list - used)
				used += (size_t)w;
		}
	}
	if (missing) {
		rs_status st =
		    rs_fail(err, RS_ERR_IO,
		            "%s: %zu of %zu runs missing or incomplete: %s%s (run them, "
		            "then collect again)",
		            p->dir, missing, n, list, missing > AGG_MISSING_MAX ? ", ..." : "");
		rs_fig_table_free(t);
		return st;
	}
	/* the columns: every figure of any run, in the order first met */
	flat all = {.names_owned = true};
	for (size_t r = 0; r < n; r++) {
		flat fl = {.names_owned = true};
		bool ok = flatten(t->summaries[r], "", &fl);
		bool same = ok && fl.n == all.n;
		for (size_t f = 0; same && f < fl.n; f++)
			same = !strcmp(fl.names[f], all.names[f]);
		for (size_t f = 0; ok && !same && f < fl.n; f++) {
			rs_fig_table cols = {.names = all.names, .n_figs = all.n};
			if (rs_fig_find(&cols, fl.names[f], NULL) < 0)
				ok = flat_push(&all, fl.names[f], NAN);
		}
		flat_free(&fl);
		if (!ok) {
			flat_free(&all);
			rs_fig_table_free(t);
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		}
	}
	t->names = all.names;
	t->n_figs = all.n;
	free(all.v);
	t->v = rs_calloc(n * (t->n_figs ? t->n_figs : 1), sizeof *t->v);
	if (!t->v) {
		rs_fig_table_free(t);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	for (size_t r = 0; r < n; r++) {
		rs_status st = fill_row(t, r, t->summaries[r], err);
		if (st != RS_OK) {
			rs_fig_table_free(t);
			return st;
		}
	}
	return RS_OK;
}

/* The values of figure f over group g's replications (R entries). */
static void group_column(const rs_fig_table *t, const rs_plan *p, size_t g, size_t f, double *x)
{
	for (size_t k = 0; k < p->replications; k++)
		x[k] = t->v[(g * p->replications + k) * t->n_figs + f];
}

void rs_fig_group_stats(const rs_fig_table *t, const rs_plan *p, size_t g, size_t f, rs_stats *s)
{
	double *x = rs_calloc(p->replications, sizeof *x);
	if (!x) {
		*s = (rs_stats){0, NAN, NAN, NAN, NAN, NAN};
		return;
	}
	group_column(t, p, g, f, x);
	rs_stats_of(x, p->replications, s);
	free(x);
}

void rs_fig_paired(const rs_fig_table *t, const rs_plan *p, size_t a, size_t b, size_t f,
                   rs_stats *s)
{
	double *x = rs_calloc(2 * p->replications, sizeof *x);
	if (!x) {
		*s = (rs_stats){0, NAN, NAN, NAN, NAN, NAN};
		return;
	}
	group_column(t, p, a, f, x);
	group_column(t, p, b, f, x + p->replications);
	rs_stats_paired(x, x + p->replications, p->replications, s);
	free(x);
}

/* ---- the aggregate summary.json --------------------------------------------- */

static cJSON *num_or_null(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *stats_object(const rs_stats *s)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddItemToObject(o, "mean", num_or_null(s->mean));
	cJSON_AddItemToObject(o, "stdev", num_or_null(s->stdev));
	cJSON_AddItemToObject(o, "ci95", num_or_null(s->ci95));
	cJSON_AddItemToObject(o, "min", num_or_null(s->min));
	cJSON_AddItemToObject(o, "max", num_or_null(s->max));
	cJSON_AddNumberToObject(o, "n", (double)s->n);
	return o;
}

typedef struct agg_walk {
	const rs_fig_table *t;
	const rs_plan *p;
	size_t g;
} agg_walk;

/* Replace every number and null leaf under node (at path) by its
 * statistics.  Returns false on no memory. */
static bool replace_leaves(cJSON *node, const char *path, const agg_walk *w)
{
	size_t i = 0;
	for (cJSON *c = node->child; c; i++) {
		cJSON *next = c->next;
		char sub[AGG_PATH_MAX];
		if (cJSON_IsArray(node))
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
		else
			snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", c->string);
		if ((cJSON_IsNumber(c) || cJSON_IsNull(c)) && !is_provenance(sub)) {
			long f = rs_fig_find(w->t, sub, NULL);
			rs_stats s = {0, NAN, NAN, NAN, NAN, NAN};
			if (f >= 0)
				rs_fig_group_stats(w->t, w->p, w->g, (size_t)f, &s);
			cJSON *o = stats_object(&s);
			/* the replacement keeps the member's key (cJSON frees it) */
			if (o && c->string && !(o->string = strdup(c->string))) {
				cJSON_Delete(o);
				return false;
			}
			if (!o || !cJSON_ReplaceItemViaPointer(node, c, o)) {
				cJSON_Delete(o);
				return false;
			}
		} else if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !replace_leaves(c, sub, w)) {
			return false;
		}
		c = next;
	}
	return true;
}

static cJSON *aggregate_summary(const rs_fig_table *t, const rs_plan *p, size_t g)
{
	const cJSON *first = t->summaries[g * p->replications];
	cJSON *doc = cJSON_Duplicate(first, true);
	if (!doc)
		return NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "seed");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "replication");
	agg_walk w = {t, p, g};
	if (!replace_leaves(doc, "", &w)) {
		cJSON_Delete(doc);
		return NULL;
	}
	/* what the numbers are, first in the file */
	cJSON *head = cJSON_CreateObject();
	if (!head) {
		cJSON_Delete(doc);
		return NULL;
	}
	cJSON_AddNumberToObject(head, "replications", (double)p->replications);
	char seed[32];
	snprintf(seed, sizeof seed, "%" PRIu64, p->base_seed);
	cJSON_AddRawToObject(head, "base_seed", seed);
	cJSON *seeds = cJSON_AddArrayToObject(head, "seeds");
	for (size_t k = 1; seeds && k <= p->replications; k++) {
		snprintf(seed, sizeof seed, "%" PRIu64, rs_plan_seed(p->base_seed, k));
		cJSON_AddItemToArray(seeds, cJSON_CreateRaw(seed));
	}
	cJSON_AddStringToObject(head, "statistics",
	                        "each figure over the replications: mean, stdev (sample, n - 1), "
	                        "ci95 (half-width of the 95% Student-t interval of the mean), min, "
	                        "max, n (replications where it had a value)");
	for (cJSON *c = doc->child; c;) {
		cJSON *next = c->next;
		cJSON_AddItemToObject(head, c->string, cJSON_DetachItemViaPointer(doc, c));
		c = next;
	}
	cJSON_Delete(doc);
	return head;
}

/* ---- CSV reading (RFC 4180, one record at a time) ----------------------------- */

typedef struct csv_in {
	FILE *f;
	char *buf;
	size_t cap;
	char *fields[AGG_FIELDS_MAX];
	size_t n;
} csv_in;

/* Read one record into r->fields.  Returns 1, 0 at end of file, -1 on a
 * malformed record or no memory. */
static int csv_record(csv_in *r)
{
	size_t len = 0;
	bool quoted = false, any = false;
	r->n = 0;
	size_t starts[AGG_FIELDS_MAX];
	starts[r->n++] = 0;
	for (;;) {
		int c = getc(r->f);
		if (c == EOF)
			break;
		any = true;
		if (len + 2 > r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 4096;
			char *nb = realloc(r->buf, cap);
			if (!nb)
				return -1;
			r->buf = nb;
			r->cap = cap;
		}
		if (quoted) {
			if (c == '"') {
				int d = getc(r->f);
				if (d == '"') {
					r->buf[len++] = '"';
				} else {
					quoted = false;
					if (d != EOF)
						ungetc(d, r->f);
				}
			} else {
				r->buf[len++] = (char)c;
			}
		} else if (c == '"') {
			quoted = true;
		} else if (c == ',') {
			r->buf[len++] = '\0';
			if (r->n == AGG_FIELDS_MAX)
				return -1;
			starts[r->n++] = len;
		} else if (c == '\n') {
			break;
		} else if (c != '\r') {
			r->buf[len++] = (char)c;
		}
	}
	if (!any)
		return 0;
	if (quoted || !r->buf)
		return -1;
	r->buf[len] = '\0';
	for (size_t i = 0; i < r->n; i++)
		r->fields[i] = r->buf + starts[i];
	return 1;
}

static bool parse_num(const char *s, double *v)
{
	if (!*s)
		return false;
	char *end;
	*v = strtod(s, &end);
	return *end == '\0';
}

/* ---- the mean time series and its bands ---------------------------------------- */

typedef struct ts_set {
	csv_in *in; /* R readers */
	size_t r;
	size_t n_cols;
	long band_col[AGG_N_BANDS];
	long col_t, col_scope;
} ts_set;

static void ts_close(ts_set *s)
{
	for (size_t k = 0; s->in && k < s->r; k++) {
		if (s->in[k].f)
			fclose(s->in[k].f);
		free(s->in[k].buf);
	}
	free(s->in);
}

static rs_status ts_open(const rs_plan *p, size_t g, ts_set *s, rs_error *err)
{
	*s = (ts_set){0};
	s->r = p->replications;
	s->in = rs_calloc(s->r, sizeof *s->in);
	if (!s->in)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	for (size_t k = 0; k < s->r; k++) {
		char *dir = rs_plan_run_dir(p, g * p->replications + k);
		char *path = dir ? rs_text_join(dir, AGG_TIMESERIES) : NULL;
		s->in[k].f = path ? fopen(path, "r") : NULL;
		rs_status st = RS_OK;
		if (!path)
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		else if (!s->in[k].f)
			st = rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
		free(path);
		free(dir);
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}

static void put_band_head(FILE *f)
{
	fputs("t_s", f);
	for (size_t b = 0; b < AGG_N_BANDS; b++)
		fprintf(f, ",%s_mean,%s_lo,%s_hi", band_cols[b], band_cols[b], band_cols[b]);
	fputc('\n', f);
}

/* One row of every replication: the mean row to ts, the band row (total
 * scope only) to bands. */
static rs_status ts_row(ts_set *s, FILE *ts, FILE *bands, double *x, const char *where,
                        rs_error *err)
{
	csv_in *first = &s->in[0];
	for (size_t k = 1; k < s->r; k++) {
		csv_in *o = &s->in[k];
		if (o->n != first->n || strcmp(o->fields[s->col_t], first->fields[s->col_t]) ||
		    strcmp(o->fields[s->col_scope], first->fields[s->col_scope]) ||
		    strcmp(o->fields[s->col_scope + 1], first->fields[s->col_scope + 1]))
			return rs_fail(
			    err, RS_ERR_SYNTAX,
			    "%s: the replications' timeseries.csv do not line up (bucket "
			    "%s): were they made from the same scenario?",
			    where, first->fields[s->col_t]);
	}
	for (size_t c = 0; c < s->n_cols; c++) {
		if (c)
			fputc(',', ts);
		double v;
		if ((long)c == s->col_t || !parse_num(first->fields[c], &v)) {
			/* text (scope, name), the bucket time, or an empty field in the
			 * first replication: numbers of other replications still count */
			bool numeric = false;
			for (size_t k = 0; k < s->r && (long)c != s->col_t &&
			                   (long)c != s->col_scope && (long)c != s->col_scope + 1;
			     k++)
				numeric = numeric || parse_num(s->in[k].fields[c], &v);
			if (!numeric) {
				rs_text_put_csv(ts, first->fields[c]);
				continue;
			}
		}
		for (size_t k = 0; k < s->r; k++)
			if (!parse_num(s->in[k].fields[c], &x[k]))
				x[k] = NAN;
		rs_stats st;
		rs_stats_of(x, s->r, &st);
		rs_text_put_num(ts, st.mean);
	}
	fputc('\n', ts);
	if (strcmp(first->fields[s->col_scope], "total") != 0)
		return RS_OK;
	fputs(first->fields[s->col_t], bands);
	for (size_t b = 0; b < AGG_N_BANDS; b++) {
		rs_stats st = {0, NAN, NAN, NAN, NAN, NAN};
		if (s->band_col[b] >= 0) {
			for (size_t k = 0; k < s->r; k++)
				if (!parse_num(s->in[k].fields[s->band_col[b]], &x[k]))
					x[k] = NAN;
			rs_stats_of(x, s->r, &st);
		}
		double hw = isfinite(st.ci95) ? st.ci95 : 0;
		fputc(',', bands);
		rs_text_put_num(bands, st.mean);
		fputc(',', bands);
		rs_text_put_num(bands, st.mean - hw);
		fputc(',', bands);
		rs_text_put_num(bands, st.mean + hw);
	}
	fputc('\n', bands);
	return RS_OK;
}

static long col_index(const csv_in *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->fields[i], name))
			return (long)i;
	return -1;
}

static rs_status write_series(const rs_plan *p, size_t g, const char *gdir, rs_error *err)
{
	ts_set s = {0};
	rs_text_out ts = {0}, bands = {0};
	double *x = NULL;
	char *ts_path = rs_text_join(gdir, AGG_TIMESERIES);
	char *b_path = rs_text_join(gdir, AGG_BANDS);
	rs_status st = ts_path && b_path ? ts_open(p, g, &s, err)
	                                 : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	if (st != RS_OK)
		goto out;
	x = rs_calloc(s.r, sizeof *x);
	if (!x) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < s.r && st == RS_OK; k++)
		if (csv_record(&s.in[k]) != 1)
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s: a replication's timeseries.csv has no "
			             "header",
			             gdir);
	if (st != RS_OK)
		goto out;
	s.n_cols = s.in[0].n;
	s.col_t = col_index(&s.in[0], "t_s");
	s.col_scope = col_index(&s.in[0], "scope");
	if (s.col_t < 0 || s.col_scope < 0 || (size_t)s.col_scope + 1 >= s.n_cols) {
		st = rs_fail(err, RS_ERR_SYNTAX, "%s: timeseries.csv lacks t_s, scope and name",
		             gdir);
		goto out;
	}
	for (size_t b = 0; b < AGG_N_BANDS; b++)
		s.band_col[b] = col_index(&s.in[0], band_cols[b]);
	if ((st = rs_text_open(&ts, ts_path, err)) != RS_OK ||
	    (st = rs_text_open(&bands, b_path, err)) != RS_OK)
		goto out;
	for (size_t c = 0; c < s.n_cols; c++) {
		if (c)
			fputc(',', ts.f);
		rs_text_put_csv(ts.f, s.in[0].fields[c]);
	}
	fputc('\n', ts.f);
	put_band_head(bands.f);
	for (;;) {
		int got = 0;
		for (size_t k = 0; k < s.r; k++) {
			int rc = csv_record(&s.in[k]);
			if (rc < 0) {
				st = rs_fail(err, RS_ERR_SYNTAX,
				             "%s: a malformed timeseries.csv row", gdir);
				goto out;
			}
			got += rc;
		}
		if (got == 0)
			break;
		if ((size_t)got != s.r) {
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s: the replications' timeseries.csv differ in length", gdir);
			goto out;
		}
		if ((st = ts_row(&s, ts.f, bands.f, x, gdir, err)) != RS_OK)
			goto out;
	}
	st = rs_text_close(&ts, err);
	if (st == RS_OK)
		st = rs_text_close(&bands, err);
out:
	if (ts.f)
		rs_text_abandon(&ts);
	if (bands.f)
		rs_text_abandon(&bands);
	if (s.in)
		ts_close(&s);
	free(x);
	free(ts_path);
	free(b_path);
	return st;
}

/* ---- the pooled latency distribution ------------------------------------------- */

typedef struct cdf_pt {
	double x, w; /* latency, and the probability mass it adds (weighted) */
} cdf_pt;

static int cdf_cmp(const void *a, const void *b)
{
	double x = ((const cdf_pt *)a)->x, y = ((const cdf_pt *)b)->x;
	return (x > y) - (x < y);
}

/* Append replication run's CDF points as masses weighted by its successes. */
static rs_status cdf_read(const rs_fig_table *t, const rs_plan *p, size_t run, cdf_pt **pts,
                          size_t *n, size_t *cap, double *wsum, rs_error *err)
{
	long wf = rs_fig_find(t, AGG_CDF_WEIGHT, NULL);
	double w = wf >= 0 ? t->v[run * t->n_figs + (size_t)wf] : 1;
	if (!isfinite(w) || w <= 0)
		return RS_OK;
	char *dir = rs_plan_run_dir(p, run);
	char *path = dir ? rs_text_join(dir, AGG_CDF) : NULL;
	csv_in in = {0};
	in.f = path ? fopen(path, "r") : NULL;
	rs_status st = RS_OK;
	if (!in.f) {
		st = path ? rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", path, strerror(errno))
		          : rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	double prev = 0;
	int rc = csv_record(&in); /* header */
	while (rc == 1 && (rc = csv_record(&in)) == 1) {
		double x, fr;
		if (in.n < 2 || !parse_num(in.fields[0], &x) || !parse_num(in.fields[1], &fr)) {
			rc = -1;
			break;
		}
		if (*n == *cap) {
			size_t nc = *cap ? 2 * *cap : 1024;
			cdf_pt *np = rs_realloc_array(*pts, nc, sizeof *np);
			if (!np) {
				st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
				goto out;
			}
			*pts = np;
			*cap = nc;
		}
		(*pts)[(*n)++] = (cdf_pt){x, w * (fr - prev)};
		prev = fr;
	}
	if (rc < 0)
		st = rs_fail(err, RS_ERR_SYNTAX, "%s: malformed", path);
	*wsum += w;
out:
	if (in.f)
		fclose(in.f);
	free(in.buf);
	free(path);
	free(dir);
	return st;
}

static rs_status write_cdf(const rs_fig_table *t, const rs_plan *p, size_t g, const char *gdir,
                           rs_error *err)
{
	cdf_pt *pts = NULL;
	size_t n = 0, cap = 0;
	double wsum = 0;
	rs_status st = RS_OK;
	for (size_t k = 0; k < p->replications && st == RS_OK; k++)
		st = cdf_read(t, p, g * p->replications + k, &pts, &n, &cap, &wsum, err);
	char *path = st == RS_OK ? rs_text_join(gdir, AGG_CDF) : NULL;
	rs_text_out o = {0};
	if (st == RS_OK && !path)
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	if (st == RS_OK)
		st = rs_text_open(&o, path, err);
	if (st == RS_OK) {
		if (n > 1)
			qsort(pts, n, sizeof *pts, cdf_cmp);
		fputs("latency_ms,fraction\n", o.f);
		double acc = 0;
		for (size_t i = 0; i < n; i++) {
			acc += pts[i].w;
			if (i + 1 < n && pts[i + 1].x == pts[i].x)
				continue; /* one point per latency */
			rs_text_put_num(o.f, pts[i].x);
			fputc(',', o.f);
			rs_text_put_num(o.f, wsum > 0 ? acc / wsum : 0);
			fputc('\n', o.f);
		}
		st = rs_text_close(&o, err);
	}
	free(path);
	free(pts);
	return st;
}

/* ---- per group and per plan files --------------------------------------------- */

rs_status rs_agg_write_group(const rs_fig_table *t, const rs_plan *p, size_t g, rs_error *err)
{
	char *gdir = rs_agg_group_dir(p, g);
	char *spath = gdir ? rs_text_join(gdir, AGG_SUMMARY) : NULL;
	cJSON *doc = spath ? aggregate_summary(t, p, g) : NULL;
	char *text = doc ? cJSON_Print(doc) : NULL;
	rs_status st = RS_OK;
	if (!text) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = write_series(p, g, gdir, err);
	if (st == RS_OK)
		st = write_cdf(t, p, g, gdir, err);
	if (st == RS_OK) {
		size_t len = strlen(text);
		char *nl = realloc(text, len + 2);
		if (!nl) {
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		} else {
			text = nl;
			memcpy(text + len, "\n", 2);
			st = rs_text_write(spath, text, err); /* last: the group is complete */
		}
	}
out:
	free(text);
	cJSON_Delete(doc);
	free(spath);
	free(gdir);
	return st;
}

rs_status rs_agg_write_tables(const rs_fig_table *t, const rs_plan *p, const char *const *axes,
                              size_t n_axes, const char *const *axis_values, rs_error *err)
{
	char *rp = rs_text_join(p->dir, AGG_RUNS);
	char *pp = rs_text_join(p->dir, AGG_POINTS);
	rs_text_out ro = {0}, po = {0};
	rs_status st =
	    rp && pp ? rs_text_open(&ro, rp, err) : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	if (st == RS_OK)
		st = rs_text_open(&po, pp, err);
	if (st != RS_OK)
		goto out;
	fputs("group", ro.f);
	fputs("group", po.f);
	for (size_t a = 0; a < n_axes; a++) {
		fputc(',', ro.f);
		rs_text_put_csv(ro.f, axes[a]);
		fputc(',', po.f);
		rs_text_put_csv(po.f, axes[a]);
	}
	fputs(",seed,replication", ro.f);
	fputs(",n", po.f);
	for (size_t f = 0; f < t->n_figs; f++) {
		fputc(',', ro.f);
		rs_text_put_csv(ro.f, t->names[f]);
		fprintf(po.f, ",%s_mean,%s_ci95", t->names[f], t->names[f]);
	}
	fputc('\n', ro.f);
	fputc('\n', po.f);
	for (size_t g = 0; g < p->n_groups; g++) {
		for (size_t k = 0; k < p->replications; k++) {
			size_t r = g * p->replications + k;
			rs_text_put_csv(ro.f, p->groups[g].label);
			for (size_t a = 0; a < n_axes; a++) {
				fputc(',', ro.f);
				rs_text_put_csv(ro.f, axis_values[g * n_axes + a]);
			}
			fprintf(ro.f, ",%" PRIu64 ",%zu", rs_plan_seed(p->base_seed, k + 1), k + 1);
			for (size_t f = 0; f < t->n_figs; f++) {
				fputc(',', ro.f);
				rs_text_put_num(ro.f, t->v[r * t->n_figs + f]);
			}
			fputc('\n', ro.f);
		}
		rs_text_put_csv(po.f, p->groups[g].label);
		for (size_t a = 0; a < n_axes; a++) {
			fputc(',', po.f);
			rs_text_put_csv(po.f, axis_values[g * n_axes + a]);
		}
		fprintf(po.f, ",%zu", p->replications);
		for (size_t f = 0; f < t->n_figs; f++) {
			rs_stats s;
			rs_fig_group_stats(t, p, g, f, &s);
			fputc(',', po.f);
			rs_text_put_num(po.f, s.mean);
			fputc(',', po.f);
			rs_text_put_num(po.f, s.ci95);
		}
		fputc('\n', po.f);
	}
	st = rs_text_close(&ro, err);
	if (st == RS_OK)
		st = rs_text_close(&po, err);
out:
	if (ro.f)
		rs_text_abandon(&ro);
	if (po.f)
		rs_text_abandon(&po);
	free(rp);
	free(pp);
	return st;
}
