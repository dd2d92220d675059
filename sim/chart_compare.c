/*
 * chart_compare.c - the comparison charts: one line or bar per candidate
 * run (see chart.h, rs_chart_render_compare).
 *
 * The time-series charts read each candidate's timeseries.csv ("total"
 * rows only) in one streaming pass, into one .dat block per candidate
 * (gnuplot's `index`); the summary bars come from each candidate's
 * summary.json (figures.h).  Scripts and drawing as for a run's charts
 * (chart_io.h, gnuplot.h).
 */
#include "ratesim/chart.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_axis.h"
#include "chart_csv.h"
#include "chart_io.h"
#include "ratesim/figures.h"
#include "ratesim/gnuplot.h"

/* The charts of a comparison, with the caption a report shows. */
enum { CMP_RATE_429, CMP_THROUGHPUT, CMP_LATENCY, CMP_SUMMARY, CMP_N };
static const struct {
	const char *name, *caption;
} cmp_charts[CMP_N] = {
    {"compare_rate_429", "429 rate (share of attempts refused) and final failures (share of "
                         "the requests ending that gave up) over time, one line per candidate."},
    {"compare_throughput", "Served tokens per minute and successful requests per minute over "
                           "time, one line per candidate."},
    {"compare_latency", "End-to-end request latency, p95 and p99 of the requests completing in "
                        "each time bucket, one line per candidate."},
    {"compare_summary", "The summary figures of each candidate over the whole run after "
                        "warm-up."},
};

bool rs_chart_compare_info(size_t i, const char **name, const char **caption)
{
	if (i >= CMP_N)
		return false;
	*name = cmp_charts[i].name;
	*caption = cmp_charts[i].caption;
	return true;
}
/* ---- the charts of a comparison ------------------------------------------------------- */

enum { CMP_DAT_RATE, CMP_DAT_THROUGHPUT, CMP_DAT_LATENCY, CMP_DAT_N };

typedef struct cmp_data {
	const char *dir;           /* borrowed */
	const char *const *labels; /* borrowed, n */
	size_t n;
	FILE *dat[CMP_N];
	rs_report_figures *fig; /* owned, n */
	bool *has_latency;      /* owned, n: some bucket has a latency */
	double t_max, rate_max, fail_max, tpm_max, rpm_max, latency_max_ms;
	chart_axis axis; /* the common time axis: unit of the longest run */
} cmp_data;

/* A candidate's name in a legend: wrapped onto lines of this many
 * characters, so that a 60-character name keeps to the legend margin. */
#define CMP_KEY_WRAP 24
/* A name takes at most this many legend lines, and a panel's legend this
 * many rows, else names are cut instead of wrapped. */
#define CMP_KEY_LINES_MAX 3
#define CMP_KEY_ROWS_MAX  9
/* The longest name set under a summary bar; with a longer one, every bar is
 * lettered (A, B, ...) and the chart lists the letters' full names. */
#define CMP_BAR_NAME_MAX 16
/* The longest title a chart prints; a longer one (the names of many or long
 * candidates) becomes "N candidates compared". */
#define CMP_TITLE_MAX 70
#define CMP_TITLE_LEN 128

/* The summary bars: compare_summary.dat's columns 2 to CMP_BAR_COLS. */
#define CMP_BAR_COLS 8

/* The candidates' names: cand_name[i] (whole), cand_key[i] (wrapped for a
 * legend), and for the time charts the axis. */
static void put_cand_names(FILE *f, const cmp_data *c)
{
	chart_put_var(f, "n_cand", (double)c->n);
	chart_put_array_head(f, "cand_name", c->n);
	for (size_t i = 0; i < c->n; i++)
		chart_put_array_item(f, "cand_name", i, c->labels[i]);
	/* wrapped when the legend has room for every line, else cut */
	size_t lines = 1;
	for (size_t i = 0; i < c->n; i++) {
		size_t k = chart_wrap_lines(c->labels[i], CMP_KEY_WRAP);
		lines = k > lines ? k : lines;
	}
	bool wrapped = lines <= CMP_KEY_LINES_MAX && c->n * lines <= CMP_KEY_ROWS_MAX;
	chart_put_var(f, "key_lines", wrapped ? (double)lines : 1);
	chart_put_array_head(f, "cand_key", c->n);
	for (size_t i = 0; i < c->n; i++) {
		if (wrapped)
			chart_put_array_item_wrapped(f, "cand_key", i, c->labels[i], CMP_KEY_WRAP);
		else
			chart_put_array_item_cut(f, "cand_key", i, c->labels[i], CMP_KEY_WRAP);
	}
}

static void put_time_facts(FILE *f, const cmp_data *c)
{
	put_cand_names(f, c);
	chart_axis_put_facts(f, &c->axis);
}

static void facts_cmp_rate(FILE *f, const void *ctx)
{
	const cmp_data *c = ctx;
	put_time_facts(f, c);
	chart_put_var(f, "t_max", c->t_max);
	chart_put_var(f, "rate_max", c->rate_max);
	chart_put_var(f, "fail_max", c->fail_max);
}

static void facts_cmp_throughput(FILE *f, const void *ctx)
{
	const cmp_data *c = ctx;
	put_time_facts(f, c);
	chart_put_var(f, "t_max", c->t_max);
	chart_put_var(f, "tpm_max", c->tpm_max);
	chart_put_var(f, "rpm_max", c->rpm_max);
}

static bool has_latency(const void *ctx, size_t i)
{
	return ((const cmp_data *)ctx)->has_latency[i];
}

static void facts_cmp_latency(FILE *f, const void *ctx)
{
	const cmp_data *c = ctx;
	put_time_facts(f, c);
	chart_put_list(f, "latency_cands", c->n, has_latency, c);
	chart_put_var(f, "t_max", c->t_max);
	chart_put_var(f, "latency_max_ms", c->latency_max_ms);
}

/* Column col (2 to CMP_BAR_COLS) of compare_summary.dat for candidate g. */
static double bar_value(const rs_report_figures *g, int col)
{
	switch (col) {
	case 2:
		return CHART_PERCENT * g->rate_429;
	case 3:
		return g->offered ? CHART_PERCENT * (double)g->failed / (double)g->offered : 0;
	case 4:
		return g->latency_p95_ms / CHART_MS_PER_S;
	case 5:
		return g->latency_p99_ms / CHART_MS_PER_S;
	case 6:
		return g->tokens_per_min;
	case 7:
		return g->has_cost ? g->cost_usd : NAN;
	default:
		return g->requests_per_min;
	}
}

static void facts_cmp_summary(FILE *f, const void *ctx)
{
	const cmp_data *c = ctx;
	bool cost = true;
	for (size_t i = 0; i < c->n; i++)
		cost = cost && c->fig[i].has_cost;
	put_cand_names(f, c);
	/* under each bar its name, or a letter when a name is long */
	bool letters = false;
	for (size_t i = 0; i < c->n; i++)
		letters |= strlen(c->labels[i]) > CMP_BAR_NAME_MAX;
	chart_put_var(f, "bar_letters", letters);
	chart_put_array_head(f, "bar_name", c->n);
	for (size_t i = 0; i < c->n; i++) {
		char letter[24];
		snprintf(letter, sizeof letter, "%c", (int)('A' + i % 26));
		if (i >= 26)
			snprintf(letter, sizeof letter, "%zu", i + 1);
		chart_put_array_item(f, "bar_name", i, letters ? letter : c->labels[i]);
	}
	chart_put_var(f, "has_cost", cost);
	/* per column: the tallest bar and how many bars have a value */
	fprintf(f, "array column_max[%d]\narray column_points[%d]\n", CMP_BAR_COLS, CMP_BAR_COLS);
	for (int col = 2; col <= CMP_BAR_COLS; col++) {
		double m = 0;
		size_t k = 0;
		for (size_t i = 0; i < c->n; i++) {
			double v = bar_value(&c->fig[i], col);
			m = chart_max(m, v);
			k += !isnan(v);
		}
		fprintf(f, "column_max[%d] = %.10g\ncolumn_points[%d] = %zu\n", col, m, col, k);
	}
}

/* One point of candidate i (the row v of `rows` buckets) in each time-series
 * .dat. */
static void cmp_put_point(cmp_data *c, size_t i, const double *v)
{
	double t = chart_axis_at(&c->axis, v[TS_T]);
	c->t_max = chart_max(c->t_max, t);
	FILE *f = c->dat[CMP_DAT_RATE];
	chart_put_first(f, t);
	chart_put_num(f, CHART_PERCENT * v[TS_R429]);
	chart_put_num(f, chart_fail_pct(v));
	fputc('\n', f);
	c->rate_max = chart_max(c->rate_max, CHART_PERCENT * v[TS_R429]);
	c->fail_max = chart_max(c->fail_max, chart_fail_pct(v));
	f = c->dat[CMP_DAT_THROUGHPUT];
	chart_put_first(f, t);
	chart_put_num(f, v[TS_TPM]);
	chart_put_num(f, v[TS_RPM]);
	fputc('\n', f);
	c->tpm_max = chart_max(c->tpm_max, v[TS_TPM]);
	c->rpm_max = chart_max(c->rpm_max, v[TS_RPM]);
	f = c->dat[CMP_DAT_LATENCY];
	chart_put_first(f, t);
	chart_put_num(f, v[TS_LAT95]);
	chart_put_num(f, v[TS_LAT99]);
	fputc('\n', f);
	c->has_latency[i] |= !isnan(v[TS_LAT95]) || !isnan(v[TS_LAT99]);
	c->latency_max_ms = chart_max(chart_max(c->latency_max_ms, v[TS_LAT95]), v[TS_LAT99]);
}

/* Candidate i's total rows as block i of the three time-series .dat files,
 * a point per group of buckets on a long run (chart_axis.h). */
static rs_status cmp_read_series(cmp_data *c, size_t i, rs_error *err)
{
	char *sub = chart_path_in(c->dir, c->labels[i]);
	char *path = sub ? chart_path_in(sub, CHART_TS_CSV) : NULL;
	free(sub);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	chart_axis own; /* this candidate's buckets per point */
	chart_axis_init(&own, c->fig[i].duration_s, c->fig[i].bucket_s);
	chart_group g = {0};
	chart_ts t;
	rs_status st = chart_ts_open(&t, path, err);
	for (int k = 0; k < CMP_DAT_N && st == RS_OK; k++) {
		FILE *f = c->dat[k];
		fprintf(f, "%s# Block %zu (index %zu): ", i ? "\n\n" : "", i, i);
		chart_put_comment(f, c->labels[i]);
		fputc('\n', f);
		if (own.group > 1)
			fprintf(f, "# One row per %zu buckets (chart_axis.h)\n", own.group);
	}
	double v[TS_COUNT];
	while (st == RS_OK) {
		bool is_total, eof;
		st = chart_ts_next(&t, &is_total, v, &eof, err);
		if (st != RS_OK || eof)
			break;
		if (!is_total)
			continue;
		chart_group_add(&g, v);
		if (g.rows == own.group) {
			chart_group_take(&g, v);
			cmp_put_point(c, i, v);
		}
	}
	if (st == RS_OK && g.rows > 0) {
		chart_group_take(&g, v);
		cmp_put_point(c, i, v);
	}
	chart_axis_fini(&own);
	chart_csv_fini(&t.csv);
	free(path);
	return st;
}

/* compare_summary.dat: one row per candidate from its summary.json. */
static rs_status cmp_write_summary(cmp_data *c, rs_error *err)
{
	FILE *f;
	rs_status st = chart_open(c->dir, cmp_charts[CMP_SUMMARY].name, "dat", &f, err);
	if (st != RS_OK)
		return st;
	fputs("# compare_summary.dat: written by ratesim from each candidate's summary.json; "
	      "drawn by\n# compare_summary.gp.  One row per candidate (cand_name in the "
	      "script).  Columns:\n# 1 candidate  2 429 rate (% of attempts)  3 final failures "
	      "(% of offered)\n# 4 latency p95 (s)  5 latency p99 (s)  6 tokens per minute  "
	      "7 cost (USD)\n# 8 successful requests per minute\n",
	      f);
	for (size_t i = 0; i < c->n; i++) {
		const rs_report_figures *g = &c->fig[i];
		fprintf(f, "%zu", i + 1);
		for (int col = 2; col <= CMP_BAR_COLS; col++)
			chart_put_num(f, bar_value(g, col));
		fputc('\n', f);
	}
	return chart_close(c->dir, cmp_charts[CMP_SUMMARY].name, "dat", f, err);
}

rs_status rs_chart_render_compare(const char *dir, const char *const *labels, size_t n,
                                  const rs_chart_opts *opts, char *warning, size_t wlen,
                                  rs_error *err)
{
	static const rs_chart_opts defaults = {0};
	static const chart_facts_fn facts[CMP_N] = {facts_cmp_rate, facts_cmp_throughput,
	                                            facts_cmp_latency, facts_cmp_summary};
	if (!opts)
		opts = &defaults;
	const char *title = opts->title ? opts->title : CHART_DEFAULT_TITLE;
	char short_title[CMP_TITLE_LEN];
	if (warning && wlen > 0)
		warning[0] = '\0';
	assert(n >= 1);
	cmp_data c = {.dir = dir, .labels = labels, .n = n};
	const char *drawn[CMP_N]; /* the charts whose script is written */
	size_t n_drawn = 0;
	c.fig = rs_calloc(n, sizeof *c.fig);
	c.has_latency = rs_calloc(n, sizeof *c.has_latency);
	if (!c.fig || !c.has_latency) {
		free(c.fig);
		free(c.has_latency);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}

	rs_status st = RS_OK;
	for (int k = 0; k < CMP_N && st == RS_OK; k++)
		st = chart_remove(dir, cmp_charts[k].name, false, err);
	for (size_t i = 0; i < n && st == RS_OK; i++) {
		char *sub = chart_path_in(dir, labels[i]);
		st = sub ? rs_report_read_figures(sub, &c.fig[i], err)
		         : rs_fail(err, RS_ERR_NOMEM, "out of memory");
		free(sub);
	}
	if (st == RS_OK) {
		/* the longest run sets the unit; a warm-up all share is shaded */
		double longest = c.fig[0].duration_s, warmup = c.fig[0].warmup_s;
		for (size_t i = 1; i < n; i++) {
			longest = fmax(longest, c.fig[i].duration_s);
			if (c.fig[i].warmup_s != warmup)
				warmup = NAN;
		}
		chart_axis_init(&c.axis, longest, NAN);
		if (warmup > 0 && !chart_axis_add_warmup(&c.axis, warmup))
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		if (strlen(title) > CMP_TITLE_MAX) {
			bool one_seed = true;
			for (size_t i = 1; i < n; i++)
				one_seed &= c.fig[i].seed == c.fig[0].seed;
			if (one_seed)
				snprintf(short_title, sizeof short_title,
				         "%zu candidates compared (seed %llu)", n,
				         (unsigned long long)c.fig[0].seed);
			else
				snprintf(short_title, sizeof short_title, "%zu candidates compared",
				         n);
			title = short_title;
		}
	}
	for (int k = 0; k < CMP_DAT_N && st == RS_OK; k++)
		st = chart_open(dir, cmp_charts[k].name, "dat", &c.dat[k], err);
	if (st == RS_OK) {
		fputs(
		    "# compare_rate_429.dat: written by ratesim from each candidate's " CHART_TS_CSV
		    " (scope total);\n# drawn by compare_rate_429.gp.  One block "
		    "per candidate: time, 429 rate (% of\n# attempts), final failures (% of "
		    "the requests that ended in the bucket)\n",
		    c.dat[CMP_DAT_RATE]);
		fputs("# compare_throughput.dat: written by ratesim from each "
		      "candidate's " CHART_TS_CSV
		      " (scope total);\n# drawn by compare_throughput.gp.  One block "
		      "per candidate: time, served tokens\n# per minute, successful requests "
		      "per minute\n",
		      c.dat[CMP_DAT_THROUGHPUT]);
		fputs(
		    "# compare_latency.dat: written by ratesim from each candidate's " CHART_TS_CSV
		    " (scope total);\n# drawn by compare_latency.gp.  One block per "
		    "candidate: time_min, latency p95 (ms),\n# latency p99 (ms) of the requests "
		    "that completed in the bucket\n",
		    c.dat[CMP_DAT_LATENCY]);
	}
	for (size_t i = 0; i < n && st == RS_OK; i++)
		st = cmp_read_series(&c, i, err);
	for (int k = 0; k < CMP_DAT_N; k++) {
		rs_status cs =
		    chart_close(dir, cmp_charts[k].name, "dat", c.dat[k], st == RS_OK ? err : NULL);
		c.dat[k] = NULL;
		if (st == RS_OK)
			st = cs;
	}
	if (st != RS_OK) {
		for (int k = 0; k < CMP_DAT_N; k++)
			chart_remove_file(dir, cmp_charts[k].name, "dat", NULL);
		goto out;
	}
	st = cmp_write_summary(&c, err);
	for (int k = 0; k < CMP_N && st == RS_OK; k++) {
		st = chart_write_script(dir, cmp_charts[k].name, title, facts[k], &c, err);
		if (st == RS_OK)
			drawn[n_drawn++] = cmp_charts[k].name;
	}
	if (st == RS_OK)
		st = rs_gnuplot_draw(dir, drawn, n_drawn, opts, warning, wlen, err);
out:
	for (int k = 0; k < CMP_N; k++)
		if (c.dat[k])
			fclose(c.dat[k]);
	free(c.fig);
	free(c.has_latency);
	chart_axis_fini(&c.axis);
	return st;
}
