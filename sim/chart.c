/*
 * chart.c - the charts of one run (see chart.h, rs_chart_render).
 *
 * For a chart NAME drawn in the run's folder DIR:
 *   1. its series go to DIR/NAME.dat (whitespace separated, '#' comment
 *      lines naming the columns; "NaN" where there is no value, which
 *      gnuplot leaves as a gap), from one streaming pass over
 *      timeseries.csv (chart_csv.h), utilisation.csv held in memory, and
 *      latency_cdf.csv; the outcomes from summary.json (figures.h);
 *   2. DIR/NAME.gp = the head (gnuplot.h) + what the data holds (deployment
 *      names, maxima) + the templates style.gp and NAME.gp (chart_io.h);
 *   3. rs_gnuplot_draw draws every script of the run as PNG and SVG.
 *
 * What a template needs to know about the data (how many deployments, the
 * largest value of a series) is computed here and written into the head,
 * so templates need no `stats` (which warns on empty data).  The same
 * inputs give byte-identical .dat and .gp files.
 *
 * Files: chart_compare.c (comparisons), chart_csv.c (reading CSV),
 * chart_io.c (writing .dat and scripts), gnuplot.c (running gnuplot).
 */
#include "ratesim/textio.h"
#include "ratesim/chart.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_axis.h"
#include "chart_csv.h"
#include "chart_io.h"
#include "chart_refusal.h"
#include "ratesim/figures.h"
#include "ratesim/gnuplot.h"

/* The charts of one run, in the order they are drawn. */
enum {
	RUN_THROUGHPUT,
	RUN_RATE_429,
	RUN_ERRORS,
	RUN_LATENCY,
	RUN_UTILISATION,
	RUN_CDF,
	RUN_OUTCOMES,
	RUN_N
};
static const char *const run_charts[RUN_N] = {"throughput",  "rate_429",    "errors",  "latency",
                                              "utilisation", "latency_cdf", "outcomes"};

/* The longest progress line (a path and a few words). */
#define CHART_PROGRESS_MAX 1100

/* ---- the charts of one run ------------------------------------------------------------ */

/* A deployment of the run, and its row in the bucket being read. */
typedef struct dep_slot {
	char *name; /* owned */
	double v[TS_COUNT];
	chart_group g;                     /* the buckets of the point being built */
	bool seen;                         /* the bucket being read has its row */
	bool any_tpm_limit, any_rpm_limit; /* some bucket has a value */
	bool any_window;                   /* some bucket has a TPM window occupancy */
	double tpm_limit, rpm_limit;       /* the first limit seen; NaN: none yet */
	bool tpm_limit_varies, rpm_limit_varies;
	bool provisioned; /* it is in utilisation.csv */
} dep_slot;

/* A provisioned deployment: its rows of utilisation.csv. */
typedef struct ptu_series {
	char *name;          /* owned */
	double *minute, *v2; /* owned, n each: the minute and its Utilization V2 (share) */
	size_t n, cap;
	size_t dep;            /* its slot among the deployments */
	bool any_util, any_v2; /* some bucket / minute has a value */
} ptu_series;

typedef struct run_data {
	const char *dir; /* borrowed */
	dep_slot *deps;
	size_t n_dep, dep_cap;
	ptu_series *ptu;
	size_t n_ptu, ptu_cap;
	double total[TS_COUNT]; /* the total row of the bucket being read */
	chart_group gtotal;     /* the buckets of the point being built */
	bool open_bucket;       /* total holds a bucket not yet written */
	bool skip;              /* the bucket being read is outside the window drawn */
	size_t buckets;         /* buckets read */
	chart_axis axis;
	FILE *dat[RUN_N]; /* .dat files being written */
	/* what the templates are told */
	double t_max, tpm_max, rpm_max, r429_max, fail_max, lat_max, ttft_max;
	double tpm_sum_max, rpm_sum_max; /* the sums of the deployments' limits */
	bool any_offered_tpm, any_offered_rpm;
	double err_max, err_total_max, timeout_max;
	bool any_errors, any_timeouts;
	double r429_total_max;   /* r429_max of all attempts only */
	chart_refusals refusals; /* the 429s split by who refused */
	double util_max, v2_max, v2_t_max;
	size_t lat_n, ttft_n, cdf_n, fail_lat_n;
	double cdf_min, cdf_max;
	rs_report_figures fig;
} run_data;

static void run_data_fini(run_data *d)
{
	for (size_t i = 0; i < d->n_dep; i++)
		free(d->deps[i].name);
	free(d->deps);
	for (size_t i = 0; i < d->n_ptu; i++) {
		free(d->ptu[i].name);
		free(d->ptu[i].minute);
		free(d->ptu[i].v2);
	}
	free(d->ptu);
	chart_axis_fini(&d->axis);
	for (int c = 0; c < RUN_N; c++)
		if (d->dat[c])
			fclose(d->dat[c]);
}

/* The provisioned deployment called name, added when new; NULL when out of
 * memory. */
static ptu_series *ptu_find(run_data *d, const char *name)
{
	for (size_t i = 0; i < d->n_ptu; i++)
		if (strcmp(d->ptu[i].name, name) == 0)
			return &d->ptu[i];
	if (d->n_ptu == d->ptu_cap) {
		size_t cap = d->ptu_cap ? 2 * d->ptu_cap : 4;
		ptu_series *p = rs_realloc_array(d->ptu, cap, sizeof *p);
		if (!p)
			return NULL;
		d->ptu = p;
		d->ptu_cap = cap;
	}
	ptu_series *p = &d->ptu[d->n_ptu];
	*p = (ptu_series){.name = rs_text_format("%s", name)};
	if (!p->name)
		return NULL;
	d->n_ptu++;
	return p;
}

/* Read utilisation.csv: one row per minute and provisioned deployment. */
static rs_status read_utilisation(run_data *d, rs_error *err)
{
	enum { U_MINUTE, U_DEP, U_V2, U_COUNT };
	static const char *const names[U_COUNT] = {"minute", "deployment", "utilization_v2"};
	char *path = chart_path_in(d->dir, CHART_UTIL_CSV);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	chart_csv r;
	long col[U_COUNT];
	rs_status st = chart_csv_open(&r, path, err);
	if (st == RS_OK)
		st = chart_csv_columns(&r, names, U_COUNT, col, err);
	size_t width = r.nfields;
	while (st == RS_OK) {
		bool eof;
		st = chart_csv_row(&r, width, &eof, err);
		if (st != RS_OK || eof)
			break;
		double minute, v2;
		st = chart_csv_number(&r, col[U_MINUTE], names[U_MINUTE], false, &minute, err);
		if (st == RS_OK)
			st = chart_csv_number(&r, col[U_V2], names[U_V2], true, &v2, err);
		if (st != RS_OK)
			break;
		ptu_series *p = ptu_find(d, r.fields[col[U_DEP]]);
		if (!p) {
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
			break;
		}
		if (p->n > 0 && !(minute > p->minute[p->n - 1])) {
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s:%ld: minute %.10g of deployment \"%s\" is not after its "
			             "previous one (%.10g)",
			             path, r.lineno, minute, p->name, p->minute[p->n - 1]);
			break;
		}
		if (p->n == p->cap) {
			size_t cap = p->cap ? 2 * p->cap : 64;
			double *m = rs_realloc_array(p->minute, cap, sizeof *m);
			if (m)
				p->minute = m;
			double *v = m ? rs_realloc_array(p->v2, cap, sizeof *v) : NULL;
			if (!v) {
				st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
				break;
			}
			p->v2 = v;
			p->cap = cap;
		}
		p->minute[p->n] = minute;
		p->v2[p->n] = v2;
		p->n++;
	}
	chart_csv_fini(&r);
	free(path);
	return st;
}

/* The slot of deployment name, added when the first bucket is being read;
 * OUT: *slot NULL when out of memory. */
static rs_status dep_find(run_data *d, const chart_ts *t, dep_slot **slot, rs_error *err)
{
	const char *name = chart_ts_name(t);
	*slot = NULL;
	for (size_t i = 0; i < d->n_dep; i++)
		if (strcmp(d->deps[i].name, name) == 0) {
			*slot = &d->deps[i];
			return RS_OK;
		}
	if (d->buckets > 0)
		return rs_fail(err, RS_ERR_SYNTAX,
		               "%s:%ld: deployment \"%s\" is not in the first bucket: every bucket "
		               "lists every deployment",
		               t->csv.path, t->csv.lineno, name);
	if (d->n_dep == d->dep_cap) {
		size_t cap = d->dep_cap ? 2 * d->dep_cap : 4;
		dep_slot *p = rs_realloc_array(d->deps, cap, sizeof *p);
		if (!p)
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		d->deps = p;
		d->dep_cap = cap;
	}
	dep_slot *s = &d->deps[d->n_dep];
	*s = (dep_slot){.name = rs_text_format("%s", name)};
	if (!s->name)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	d->n_dep++;
	*slot = s;
	return RS_OK;
}

/* "# Each row is ... " for the time-series .dat heads: what a row stands for. */
static void put_point_note(FILE *f, const run_data *d)
{
	if (d->axis.group > 1)
		fprintf(
		    f,
		    "# One row per %zu time buckets (time = the first one's start, in %s): rates "
		    "are their\n# mean, counts their sum, limits, percentiles, occupancy and "
		    "utilisation their highest.\n",
		    d->axis.group, d->axis.unit);
	else
		fprintf(f, "# One row per time bucket (time = the bucket's start, in %s).\n",
		        d->axis.unit);
}

/* The comment lines at the top of each time-series .dat, once the first
 * bucket has named the deployments. */
static void put_run_dat_heads(run_data *d)
{
	FILE *f = d->dat[RUN_THROUGHPUT];
	fputs("# throughput.dat: written by ratesim from " CHART_TS_CSV "; drawn by "
	      "throughput.gp.\n",
	      f);
	put_point_note(f, d);
	fputs("# Columns: 1 time  2 total tokens_per_min  3 total requests_per_min  4 the sum "
	      "of the\n# deployments' tpm_limit  5 the sum of their rpm_limit  6 offered tokens "
	      "per minute\n# (the deployments' offered_tokens_per_min)  7 offered requests per "
	      "minute\n# 8 tokens in the deployments' TPM windows (tpm_occupancy x tpm_limit, "
	      "summed)\n# 9 requests in their RPM windows, per minute, then 6 per deployment:\n"
	      "#   tokens_per_min tpm_limit requests_per_min rpm_limit tpm_window rpm_window\n",
	      f);
	for (size_t i = 0; i < d->n_dep; i++) {
		fprintf(f, "#   columns %zu-%zu: ", 10 + 6 * i, 15 + 6 * i);
		chart_put_comment(f, d->deps[i].name);
		fputc('\n', f);
	}
	f = d->dat[RUN_RATE_429];
	fputs("# rate_429.dat: written by ratesim from " CHART_TS_CSV "; drawn by "
	      "rate_429.gp.\n",
	      f);
	put_point_note(f, d);
	fputs("# Columns: 1 time  2 total 429 rate (% of attempts)\n# 3 final failures (% of "
	      "the requests that ended in the bucket), then the 429 rate of:\n",
	      f);
	for (size_t i = 0; i < d->n_dep; i++) {
		fprintf(f, "#   column %zu: ", 4 + i);
		chart_put_comment(f, d->deps[i].name);
		fputc('\n', f);
	}
	chart_refusals_head(&d->refusals, f, 4 + d->n_dep);
	f = d->dat[RUN_ERRORS];
	fputs("# errors.dat: written by ratesim from " CHART_TS_CSV "; drawn by errors.gp.\n", f);
	put_point_note(f, d);
	fputs("# Columns: 1 time  2 attempts answered 5xx or not at all (% of attempts)\n"
	      "# 3 client timeouts per minute, then the 5xx share of:\n",
	      f);
	for (size_t i = 0; i < d->n_dep; i++) {
		fprintf(f, "#   column %zu: ", 4 + i);
		chart_put_comment(f, d->deps[i].name);
		fputc('\n', f);
	}
	f = d->dat[RUN_LATENCY];
	fputs("# latency.dat: written by ratesim from " CHART_TS_CSV " (scope total); drawn by "
	      "latency.gp.\n",
	      f);
	put_point_note(f, d);
	fputs("# Requests that completed in it, ms:\n"
	      "# time latency_p50 latency_p95 latency_p99 ttft_p50 ttft_p95 ttft_p99\n"
	      "# then of the requests that failed in it, their time to give up:\n"
	      "# failed_p50 failed_p99\n",
	      f);
	f = d->dat[RUN_UTILISATION];
	if (!f)
		return;
	fputs("# utilisation.dat: written by ratesim from " CHART_TS_CSV " and " CHART_UTIL_CSV
	      "; drawn by utilisation.gp.\n# Block 0 (index 0):\n",
	      f);
	put_point_note(f, d);
	fputs("# 1 time, then 2 per provisioned\n# deployment: peak utilisation in the bucket "
	      "(%), utilisation at its end (%)\n",
	      f);
	for (size_t k = 0; k < d->n_ptu; k++) {
		fprintf(f, "#   columns %zu-%zu: ", 2 + 2 * k, 3 + 2 * k);
		chart_put_comment(f, d->ptu[k].name);
		fputc('\n', f);
	}
}

/* a + b where NaN is "none": NaN only when both are. */
static double add_known(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : a + b;
}

/* Note a deployment's limit: *first is the first one seen, *varies set when
 * another differs. */
static void note_limit(double v, double *first, bool *varies)
{
	if (isnan(v))
		return;
	if (isnan(*first))
		*first = v;
	else if (v != *first)
		*varies = true;
}

/* A share of attempts in %; NaN (a gap) with no attempts or when not known. */
static double pct_of(double n, double attempts)
{
	if (isnan(n) || !(attempts > 0))
		return NAN;
	return CHART_PERCENT * n / attempts;
}

/* Write the point of the buckets gathered in d's groups to the .dat files. */
static void write_point(run_data *d)
{
	size_t rows = d->gtotal.rows;
	chart_group_take(&d->gtotal, d->total);
	for (size_t i = 0; i < d->n_dep; i++)
		chart_group_take(&d->deps[i].g, d->deps[i].v);
	const double *v = d->total;
	double t = chart_axis_at(&d->axis, v[TS_T]);
	d->t_max = chart_max(d->t_max, t);

	FILE *f = d->dat[RUN_THROUGHPUT];
	chart_put_first(f, t);
	chart_put_num(f, v[TS_TPM]);
	chart_put_num(f, v[TS_RPM]);
	d->tpm_max = chart_max(d->tpm_max, v[TS_TPM]);
	d->rpm_max = chart_max(d->rpm_max, v[TS_RPM]);
	double tpm_sum = NAN, rpm_sum = NAN, offered_tpm = NAN, tpm_win = NAN, rpm_win = NAN;
	for (size_t i = 0; i < d->n_dep; i++) {
		const double *w = d->deps[i].v;
		tpm_sum = add_known(tpm_sum, w[TS_TPM_LIMIT]);
		rpm_sum = add_known(rpm_sum, w[TS_RPM_LIMIT]);
		offered_tpm = add_known(offered_tpm, w[TS_OFFERED_TPM]);
		if (d->deps[i].provisioned)
			continue; /* its meter is a bucket, not a window (utilisation.png) */
		tpm_win = add_known(tpm_win, w[TS_TPM_OCC] * w[TS_TPM_LIMIT]);
		rpm_win = add_known(rpm_win, w[TS_RPM_OCC] * w[TS_RPM_LIMIT]);
	}
	double offered_rpm = chart_axis_per_min(&d->axis, v[TS_OFFERED], v[TS_T], rows);
	chart_put_num(f, tpm_sum);
	chart_put_num(f, rpm_sum);
	chart_put_num(f, offered_tpm);
	chart_put_num(f, offered_rpm);
	chart_put_num(f, tpm_win);
	chart_put_num(f, rpm_win);
	d->tpm_sum_max = chart_max(d->tpm_sum_max, tpm_sum);
	d->rpm_sum_max = chart_max(d->rpm_sum_max, rpm_sum);
	d->tpm_max = chart_max(d->tpm_max, offered_tpm);
	d->rpm_max = chart_max(d->rpm_max, offered_rpm);
	d->any_offered_tpm |= !isnan(offered_tpm);
	d->any_offered_rpm |= !isnan(offered_rpm);
	for (size_t i = 0; i < d->n_dep; i++) {
		dep_slot *s = &d->deps[i];
		const double *w = s->v;
		double tw = s->provisioned ? NAN : w[TS_TPM_OCC] * w[TS_TPM_LIMIT];
		double rw = s->provisioned ? NAN : w[TS_RPM_OCC] * w[TS_RPM_LIMIT];
		chart_put_num(f, w[TS_TPM]);
		chart_put_num(f, w[TS_TPM_LIMIT]);
		chart_put_num(f, w[TS_RPM]);
		chart_put_num(f, w[TS_RPM_LIMIT]);
		chart_put_num(f, tw);
		chart_put_num(f, rw);
		d->tpm_max = chart_max(chart_max(d->tpm_max, w[TS_TPM]), w[TS_TPM_LIMIT]);
		d->rpm_max = chart_max(chart_max(d->rpm_max, w[TS_RPM]), w[TS_RPM_LIMIT]);
		d->tpm_max = chart_max(d->tpm_max, tw);
		d->rpm_max = chart_max(d->rpm_max, rw);
		s->any_tpm_limit |= !isnan(w[TS_TPM_LIMIT]);
		s->any_rpm_limit |= !isnan(w[TS_RPM_LIMIT]);
		s->any_window |= !isnan(tw);
		note_limit(w[TS_TPM_LIMIT], &s->tpm_limit, &s->tpm_limit_varies);
		note_limit(w[TS_RPM_LIMIT], &s->rpm_limit, &s->rpm_limit_varies);
	}
	fputc('\n', f);

	f = d->dat[RUN_RATE_429];
	chart_put_first(f, t);
	chart_put_num(f, CHART_PERCENT * v[TS_R429]);
	chart_put_num(f, chart_fail_pct(v));
	d->r429_max = chart_max(d->r429_max, CHART_PERCENT * v[TS_R429]);
	d->r429_total_max = chart_max(d->r429_total_max, CHART_PERCENT * v[TS_R429]);
	d->fail_max = chart_max(d->fail_max, chart_fail_pct(v));
	for (size_t i = 0; i < d->n_dep; i++) {
		chart_put_num(f, CHART_PERCENT * d->deps[i].v[TS_R429]);
		d->r429_max = chart_max(d->r429_max, CHART_PERCENT * d->deps[i].v[TS_R429]);
	}
	double split_top = chart_refusals_row(&d->refusals, f, v);
	d->r429_max = chart_max(d->r429_max, split_top);
	d->r429_total_max = chart_max(d->r429_total_max, split_top);
	fputc('\n', f);

	f = d->dat[RUN_ERRORS];
	chart_put_first(f, t);
	double e = pct_of(v[TS_ERRORS], v[TS_ATTEMPTS]);
	double to = chart_axis_per_min(&d->axis, v[TS_TIMEOUTS], v[TS_T], rows);
	chart_put_num(f, e);
	chart_put_num(f, to);
	d->err_max = chart_max(d->err_max, e);
	d->err_total_max = chart_max(d->err_total_max, e);
	d->timeout_max = chart_max(d->timeout_max, to);
	d->any_errors |= !isnan(v[TS_ERRORS]);
	d->any_timeouts |= !isnan(v[TS_TIMEOUTS]);
	for (size_t i = 0; i < d->n_dep; i++) {
		double de = pct_of(d->deps[i].v[TS_ERRORS], d->deps[i].v[TS_ATTEMPTS]);
		chart_put_num(f, de);
		d->err_max = chart_max(d->err_max, de);
	}
	fputc('\n', f);

	f = d->dat[RUN_LATENCY];
	chart_put_first(f, t);
	for (int c = TS_LAT50; c <= TS_TTFT99; c++)
		chart_put_num(f, v[c]);
	chart_put_num(f, v[TS_FAIL50]);
	chart_put_num(f, v[TS_FAIL99]);
	fputc('\n', f);
	d->fail_lat_n += !isnan(v[TS_FAIL50]);
	d->lat_max = chart_max(d->lat_max, v[TS_FAIL99]);
	d->lat_n += !isnan(v[TS_LAT50]);
	d->ttft_n += !isnan(v[TS_TTFT50]);
	for (int c = TS_LAT50; c <= TS_LAT99; c++)
		d->lat_max = chart_max(d->lat_max, v[c]);
	for (int c = TS_TTFT50; c <= TS_TTFT99; c++)
		d->ttft_max = chart_max(d->ttft_max, v[c]);

	f = d->dat[RUN_UTILISATION];
	if (f) {
		chart_put_first(f, t);
		for (size_t k = 0; k < d->n_ptu; k++) {
			const double *w = d->deps[d->ptu[k].dep].v;
			chart_put_num(f, CHART_PERCENT * w[TS_PEAK]);
			chart_put_num(f, CHART_PERCENT * w[TS_UTIL]);
			d->util_max = chart_max(d->util_max, CHART_PERCENT * w[TS_PEAK]);
			d->ptu[k].any_util |= !isnan(w[TS_PEAK]);
		}
		fputc('\n', f);
	}
}

/* Add the bucket held in d (total and deployment rows) to the point being
 * built, and write the point when it is complete. */
static rs_status flush_bucket(run_data *d, const chart_ts *t, rs_error *err)
{
	for (size_t i = 0; i < d->n_dep; i++)
		if (!d->deps[i].seen)
			return rs_fail(err, RS_ERR_SYNTAX,
			               "%s: the bucket at t_s %.10g has no row for deployment "
			               "\"%s\": every bucket lists every deployment",
			               t->csv.path, d->total[TS_T], d->deps[i].name);
	if (d->buckets == 0) {
		for (size_t k = 0; k < d->n_ptu; k++) {
			size_t i = 0;
			while (i < d->n_dep && strcmp(d->deps[i].name, d->ptu[k].name) != 0)
				i++;
			if (i == d->n_dep)
				return rs_fail(err, RS_ERR_SYNTAX,
				               "%s/" CHART_UTIL_CSV
				               ": deployment \"%s\" is not in %s",
				               d->dir, d->ptu[k].name, t->csv.path);
			d->ptu[k].dep = i;
			d->deps[i].provisioned = true;
		}
		for (size_t i = 0; i < d->n_dep; i++)
			d->deps[i].tpm_limit = d->deps[i].rpm_limit = NAN;
		d->refusals.present = t->col[TS_REF_SERVICE] >= 0;
		put_run_dat_heads(d);
	}
	chart_group_add(&d->gtotal, d->total);
	for (size_t i = 0; i < d->n_dep; i++) {
		chart_group_add(&d->deps[i].g, d->deps[i].v);
		d->deps[i].seen = false;
	}
	if (d->gtotal.rows == d->axis.group)
		write_point(d);
	d->buckets++;
	d->open_bucket = false;
	return RS_OK;
}

/* Stream the opened timeseries.csv t into the time-series .dat files. */
static rs_status read_timeseries(run_data *d, chart_ts *t, rs_error *err)
{
	rs_status st = RS_OK;
	while (st == RS_OK) {
		bool is_total, eof;
		double v[TS_COUNT];
		st = chart_ts_next(t, &is_total, v, &eof, err);
		if (st != RS_OK || eof)
			break;
		if (is_total)
			d->skip = !chart_axis_in(&d->axis, v[TS_T]);
		if (d->skip)
			continue; /* plot --window: a bucket outside it */
		if (is_total) {
			if (d->open_bucket)
				st = flush_bucket(d, t, err);
			if (st != RS_OK)
				break;
			memcpy(d->total, v, sizeof d->total);
			d->open_bucket = true;
			continue;
		}
		dep_slot *s;
		st = dep_find(d, t, &s, err);
		if (st != RS_OK)
			break;
		if (s->seen) {
			st = rs_fail(
			    err, RS_ERR_SYNTAX,
			    "%s:%ld: a second row for deployment \"%s\" in the bucket at t_s "
			    "%.10g",
			    t->csv.path, t->csv.lineno, s->name, d->total[TS_T]);
			break;
		}
		memcpy(s->v, v, sizeof s->v);
		s->seen = true;
	}
	if (st == RS_OK && d->open_bucket)
		st = flush_bucket(d, t, err);
	if (st == RS_OK && d->gtotal.rows > 0)
		write_point(d);
	return st;
}

/* The per-minute blocks of utilisation.dat, one per provisioned deployment;
 * each ends with its last value repeated at the end of its minute, so that
 * `with steps` draws the last minute too. */
static void put_v2_blocks(run_data *d)
{
	FILE *f = d->dat[RUN_UTILISATION];
	for (size_t k = 0; k < d->n_ptu; k++) {
		const ptu_series *p = &d->ptu[k];
		/* minutes per point: at most CHART_MAX_POINTS points */
		size_t group = (p->n + CHART_MAX_POINTS - 1) / CHART_MAX_POINTS;
		if (group == 0)
			group = 1;
		fprintf(f, "\n\n# Block %zu (index %zu): Utilization V2 per minute of ", k + 1,
		        k + 1);
		chart_put_comment(f, p->name);
		fprintf(f,
		        "\n# time (the minute's start, in %s) utilization_v2 (%%); the last row "
		        "closes the last minute\n",
		        d->axis.unit);
		if (group > 1)
			fprintf(f, "# One row per %zu minutes: the highest of them\n", group);
		double last = NAN, last_minute = NAN;
		for (size_t m = 0; m < p->n; m += group) {
			if (!chart_axis_in(&d->axis, p->minute[m] * CHART_SECONDS_PER_MIN))
				continue; /* plot --window */
			last_minute = p->minute[m + group < p->n ? m + group - 1 : p->n - 1];
			double v = NAN;
			for (size_t j = m; j < m + group && j < p->n; j++)
				v = isnan(v) ? p->v2[j] : chart_max(v, p->v2[j]);
			chart_put_first(f, p->minute[m] / d->axis.min_per_unit);
			chart_put_num(f, CHART_PERCENT * v);
			fputc('\n', f);
			d->v2_max = chart_max(d->v2_max, CHART_PERCENT * v);
			d->ptu[k].any_v2 |= !isnan(v);
			last = v;
		}
		if (!isnan(last_minute)) {
			double end = (last_minute + 1) / d->axis.min_per_unit;
			chart_put_first(f, end);
			chart_put_num(f, CHART_PERCENT * last);
			fputc('\n', f);
			d->v2_t_max = chart_max(d->v2_t_max, end);
		}
	}
}

/* latency_cdf.csv to latency_cdf.dat: latency in s, share in %. */
static rs_status write_cdf(run_data *d, rs_error *err)
{
	enum { C_MS, C_FRACTION, C_COUNT };
	static const char *const names[C_COUNT] = {"latency_ms", "fraction"};
	char *path = chart_path_in(d->dir, CHART_CDF_CSV);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	FILE *f = NULL;
	chart_csv r;
	long col[C_COUNT];
	rs_status st = chart_csv_open(&r, path, err);
	if (st == RS_OK)
		st = chart_csv_columns(&r, names, C_COUNT, col, err);
	if (st == RS_OK)
		st = chart_open(d->dir, run_charts[RUN_CDF], "dat", &f, err);
	if (st == RS_OK)
		fputs("# latency_cdf.dat: written by ratesim from " CHART_CDF_CSV "; drawn by "
		      "latency_cdf.gp.\n# latency_s (upper edge of a histogram bin) percent (share "
		      "of the succeeded requests\n# at or below it)\n",
		      f);
	size_t width = r.nfields;
	while (st == RS_OK) {
		bool eof;
		st = chart_csv_row(&r, width, &eof, err);
		if (st != RS_OK || eof)
			break;
		double ms, frac;
		st = chart_csv_number(&r, col[C_MS], names[C_MS], false, &ms, err);
		if (st == RS_OK)
			st = chart_csv_number(&r, col[C_FRACTION], names[C_FRACTION], false, &frac,
			                      err);
		if (st == RS_OK && !(ms > 0))
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s:%ld: column latency_ms: must be > 0 for the log axis (got "
			             "%.10g)",
			             path, r.lineno, ms);
		if (st != RS_OK)
			break;
		double s = ms / CHART_MS_PER_S;
		chart_put_first(f, s);
		chart_put_num(f, CHART_PERCENT * frac);
		fputc('\n', f);
		d->cdf_min = d->cdf_n == 0 ? s : fmin(d->cdf_min, s);
		d->cdf_max = fmax(d->cdf_max, s);
		d->cdf_n++;
	}
	chart_csv_fini(&r);
	rs_status cs = chart_close(d->dir, run_charts[RUN_CDF], "dat", f, st == RS_OK ? err : NULL);
	free(path);
	return st == RS_OK ? cs : st;
}

/* Read summary.json's figures into d->fig, checked for the outcomes chart. */
static rs_status read_figures(run_data *d, rs_error *err)
{
	rs_report_figures *g = &d->fig;
	rs_status st = rs_report_read_figures(d->dir, g, err);
	if (st != RS_OK)
		return st;
	if (g->succeeded_after_429 + g->succeeded_spilled > g->succeeded)
		return rs_fail(
		    err, RS_ERR_SYNTAX,
		    "%s/summary.json: .requests: succeeded_after_429 + succeeded_spilled "
		    "(%llu) exceed succeeded (%llu)",
		    d->dir, (unsigned long long)(g->succeeded_after_429 + g->succeeded_spilled),
		    (unsigned long long)g->succeeded);
	return RS_OK;
}

/* outcomes.dat from the figures: how the offered requests ended. */
static rs_status write_outcomes(run_data *d, rs_error *err)
{
	const rs_report_figures *g = &d->fig;
	const struct {
		const char *label;
		uint64_t n;
	} rows[] = {
	    {"ok first try", g->succeeded - g->succeeded_after_429 - g->succeeded_spilled},
	    {"ok after 429", g->succeeded_after_429},
	    {"spilled", g->succeeded_spilled},
	    {"failed", g->failed},
	    {"in flight at end", g->in_flight_end},
	};
	FILE *f;
	rs_status st = chart_open(d->dir, run_charts[RUN_OUTCOMES], "dat", &f, err);
	if (st != RS_OK)
		return st;
	fputs("# outcomes.dat: written by ratesim from summary.json (requests after warm-up); "
	      "drawn by\n# outcomes.gp.  position \"outcome\" requests percent_of_offered\n",
	      f);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		fprintf(f, "%zu \"%s\"", i + 1, rows[i].label);
		chart_put_num(f, (double)rows[i].n);
		chart_put_num(f, g->offered ? CHART_PERCENT * (double)rows[i].n / (double)g->offered
		                            : 0);
		fputc('\n', f);
	}
	return chart_close(d->dir, run_charts[RUN_OUTCOMES], "dat", f, err);
}

/* The names of the deployments (or provisioned deployments) for a head. */
static void put_dep_names(FILE *f, const run_data *d, bool ptu_only)
{
	const char *var = ptu_only ? "ptu_name" : "dep_name";
	size_t n = ptu_only ? d->n_ptu : d->n_dep;
	chart_put_array_head(f, var, n);
	for (size_t i = 0; i < n; i++)
		chart_put_array_item_cut(f, var, i, ptu_only ? d->ptu[i].name : d->deps[i].name,
		                         CHART_LEGEND_NAME_MAX);
}

static bool has_tpm_limit(const void *ctx, size_t i)
{
	return ((const run_data *)ctx)->deps[i].any_tpm_limit;
}
static bool has_rpm_limit(const void *ctx, size_t i)
{
	return ((const run_data *)ctx)->deps[i].any_rpm_limit;
}
static bool has_util(const void *ctx, size_t i)
{
	return ((const run_data *)ctx)->ptu[i].any_util;
}
static bool has_v2(const void *ctx, size_t i)
{
	return ((const run_data *)ctx)->ptu[i].any_v2;
}

/* The one limit every deployment with a limit has, all run long, or NaN
 * when they differ (or none has one). */
static double common_limit(const run_data *d, bool tpm)
{
	double one = NAN;
	for (size_t i = 0; i < d->n_dep; i++) {
		const dep_slot *s = &d->deps[i];
		double v = tpm ? s->tpm_limit : s->rpm_limit;
		if (isnan(v))
			continue;
		if ((tpm ? s->tpm_limit_varies : s->rpm_limit_varies) || (!isnan(one) && v != one))
			return NAN;
		one = v;
	}
	return one;
}

static bool has_window(const void *ctx, size_t i)
{
	return ((const run_data *)ctx)->deps[i].any_window;
}

/* What one point of the time charts stands for, e.g. "10 s" or "5 min". */
static void put_point_width(FILE *f, const run_data *d)
{
	double w = d->axis.bucket_s * (double)d->axis.group;
	fputs("point_width = \"", f);
	if (isnan(w))
		fputs("bucket", f);
	else if (w < CHART_SECONDS_PER_MIN)
		fprintf(f, "%.10g s", w);
	else
		fprintf(f, "%.3g min", w / CHART_SECONDS_PER_MIN);
	fputs("\"\n", f);
	chart_put_var(f, "point_merged", d->axis.group > 1);
}

static void facts_throughput(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	chart_axis_put_facts(f, &d->axis);
	put_point_width(f, d);
	chart_put_var(f, "n_dep", (double)d->n_dep);
	put_dep_names(f, d, false);
	chart_put_array_head(f, "dep_limit_name", d->n_dep);
	for (size_t i = 0; i < d->n_dep; i++)
		chart_put_array_item(f, "dep_limit_name", i,
		                     d->deps[i].provisioned ? "capacity" : "TPM limit");
	chart_put_list(f, "tpm_limit_deps", d->n_dep, has_tpm_limit, d);
	chart_put_list(f, "rpm_limit_deps", d->n_dep, has_rpm_limit, d);
	chart_put_var(f, "t_max", d->t_max);
	chart_put_var(f, "tpm_max", d->tpm_max);
	chart_put_var(f, "rpm_max", d->rpm_max);
	chart_put_var(f, "tpm_limit_sum_max", d->tpm_sum_max);
	chart_put_var(f, "rpm_limit_sum_max", d->rpm_sum_max);
	/* one line, not one per deployment, when the limits are all the same */
	double tl = common_limit(d, true), rl = common_limit(d, false);
	chart_put_var(f, "tpm_limit_one", isnan(tl) ? 0 : tl);
	bool ptu = false, standard = false;
	for (size_t i = 0; i < d->n_dep; i++) {
		ptu |= d->deps[i].provisioned;
		standard |= !d->deps[i].provisioned;
	}
	fprintf(f, "limit_one_name = \"%s\"\n",
	        ptu && standard ? "limit"
	        : ptu           ? "capacity"
	                        : "TPM limit");
	chart_put_var(f, "rpm_limit_one", isnan(rl) ? 0 : rl);
	chart_put_list(f, "window_deps", d->n_dep, has_window, d);
	chart_put_var(f, "has_offered_tpm", d->any_offered_tpm);
	chart_put_var(f, "has_offered_rpm", d->any_offered_rpm);
}

static void facts_errors(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	chart_axis_put_facts(f, &d->axis);
	chart_put_var(f, "n_dep", (double)d->n_dep);
	put_dep_names(f, d, false);
	chart_put_var(f, "t_max", d->t_max);
	chart_put_var(f, "has_errors", d->any_errors);
	chart_put_var(f, "has_timeouts", d->any_timeouts);
	chart_put_var(f, "error_max", d->err_max);
	chart_put_var(f, "error_total_max", d->err_total_max);
	chart_put_var(f, "timeout_max", d->timeout_max);
}

static void facts_rate_429(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	chart_axis_put_facts(f, &d->axis);
	chart_put_var(f, "n_dep", (double)d->n_dep);
	put_dep_names(f, d, false);
	chart_put_var(f, "t_max", d->t_max);
	chart_put_var(f, "rate_max", d->r429_max);
	chart_put_var(f, "rate_total_max", d->r429_total_max);
	chart_put_var(f, "fail_max", d->fail_max);
	chart_refusals_facts(&d->refusals, f, 4 + d->n_dep);
}

static void facts_latency(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	chart_axis_put_facts(f, &d->axis);
	chart_put_var(f, "t_max", d->t_max);
	chart_put_var(f, "latency_points", (double)d->lat_n);
	chart_put_var(f, "failed_points", (double)d->fail_lat_n);
	chart_put_var(f, "latency_max_ms", d->lat_max);
	chart_put_var(f, "ttft_points", (double)d->ttft_n);
	chart_put_var(f, "ttft_max_ms", d->ttft_max);
}

static void facts_utilisation(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	chart_axis_put_facts(f, &d->axis);
	chart_put_var(f, "n_ptu", (double)d->n_ptu);
	put_dep_names(f, d, true);
	chart_put_list(f, "util_ptus", d->n_ptu, has_util, d);
	chart_put_list(f, "v2_ptus", d->n_ptu, has_v2, d);
	chart_put_var(f, "t_max", fmax(d->t_max, d->v2_t_max));
	chart_put_var(f, "util_max", d->util_max);
	chart_put_var(f, "v2_max", d->v2_max);
}

static void facts_cdf(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	chart_put_var(f, "cdf_points", (double)d->cdf_n);
	chart_put_var(f, "latency_min_s", d->cdf_min);
	chart_put_var(f, "latency_max_s", d->cdf_max);
}

static void facts_outcomes(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	const rs_report_figures *g = &d->fig;
	uint64_t m = g->succeeded - g->succeeded_after_429 - g->succeeded_spilled;
	uint64_t others[] = {g->succeeded_after_429, g->succeeded_spilled, g->failed,
	                     g->in_flight_end};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (others[i] > m)
			m = others[i];
	chart_put_var(f, "offered", (double)g->offered);
	fprintf(f, "offered_when = \"%s\"\n", d->axis.windowed ? "in the window" : "after warm-up");
	chart_put_var(f, "outcome_max", (double)m);
}

rs_status rs_chart_render(const char *dir, const rs_chart_opts *opts, char *warning, size_t wlen,
                          rs_error *err)
{
	static const rs_chart_opts defaults = {0};
	static const chart_facts_fn facts[RUN_N] = {
	    facts_throughput,  facts_rate_429, facts_errors,  facts_latency,
	    facts_utilisation, facts_cdf,      facts_outcomes};
	if (!opts)
		opts = &defaults;
	const char *title = opts->title ? opts->title : CHART_DEFAULT_TITLE;
	if (warning && wlen > 0)
		warning[0] = '\0';
	run_data d = {.dir = dir};
	const char *drawn[RUN_N]; /* the charts whose script is written */
	size_t n_drawn = 0;
	chart_ts t = {0};
	char *ts_path = chart_path_in(dir, CHART_TS_CSV);
	if (!ts_path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");

	rs_status st = RS_OK;
	for (int c = 0; c < RUN_N && st == RS_OK; c++)
		st = chart_remove(dir, run_charts[c], false, err);
	if (st == RS_OK && opts->progress) {
		char line[CHART_PROGRESS_MAX];
		snprintf(line, sizeof line, "charts: reading %s", ts_path);
		opts->progress(opts->progress_ctx, line);
	}
	if (st == RS_OK)
		st = chart_ts_open(&t, ts_path, err);
	if (st == RS_OK)
		st = read_figures(&d, err);
	if (st == RS_OK) {
		chart_axis_init(&d.axis, d.fig.duration_s, d.fig.bucket_s);
		if (opts->to_s > opts->from_s)
			chart_axis_window(&d.axis, opts->from_s, opts->to_s);
		st = chart_axis_add_spans(&d.axis, dir, d.fig.warmup_s, err);
	}
	if (st == RS_OK)
		st = chart_axis_add_alert_marks(&d.axis, dir, err); /* issue 9: alerts */
	if (st == RS_OK)
		st = read_utilisation(&d, err);
	if (st == RS_OK && d.n_ptu == 0)
		st = chart_remove(dir, run_charts[RUN_UTILISATION], true, err);
	for (int c = RUN_THROUGHPUT; c <= RUN_UTILISATION && st == RS_OK; c++)
		if (c != RUN_UTILISATION || d.n_ptu > 0)
			st = chart_open(dir, run_charts[c], "dat", &d.dat[c], err);
	if (st == RS_OK)
		st = read_timeseries(&d, &t, err);
	if (st == RS_OK && d.n_ptu > 0)
		put_v2_blocks(&d);
	for (int c = RUN_THROUGHPUT; c <= RUN_UTILISATION; c++) {
		rs_status cs =
		    chart_close(dir, run_charts[c], "dat", d.dat[c], st == RS_OK ? err : NULL);
		d.dat[c] = NULL;
		if (st == RS_OK)
			st = cs;
	}
	if (st != RS_OK) {
		/* a half-written series would be taken for the run's */
		for (int c = RUN_THROUGHPUT; c <= RUN_UTILISATION; c++)
			chart_remove_file(dir, run_charts[c], "dat", NULL);
		goto out;
	}
	/* plot --window: the run's latency distribution is not the window's,
	 * and its outcomes are only when the run has the window's figures */
	bool cdf = !d.axis.windowed, outcomes = !d.axis.windowed || opts->window;
	if (outcomes && opts->window)
		st = rs_report_read_window(dir, opts->window, &d.fig, err);
	if (st == RS_OK && cdf)
		st = write_cdf(&d, err);
	if (st == RS_OK && outcomes)
		st = write_outcomes(&d, err);
	for (int c = 0; c < RUN_N && st == RS_OK; c++) {
		if ((c == RUN_UTILISATION && d.n_ptu == 0) || (c == RUN_CDF && !cdf) ||
		    (c == RUN_OUTCOMES && !outcomes))
			continue;
		st = chart_write_script(dir, run_charts[c], title, facts[c], &d, err);
		if (st == RS_OK)
			drawn[n_drawn++] = run_charts[c];
	}
	if (st == RS_OK)
		st = rs_gnuplot_draw(dir, drawn, n_drawn, opts, warning, wlen, err);
out:
	chart_csv_fini(&t.csv);
	free(ts_path);
	run_data_fini(&d);
	return st;
}
