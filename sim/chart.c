/*
 * chart.c - extract series from a run's files and have gnuplot draw them.
 *
 * For a chart NAME drawn in the folder DIR:
 *   1. the chart's series go to DIR/NAME.dat (whitespace separated, '#'
 *      comment lines naming the columns; "NaN" where there is no value,
 *      which gnuplot leaves as a gap);
 *   2. DIR/NAME.gp = the head of gnuplot.c (where the script is, the title)
 *      + what the data holds (deployment names, maxima) + the templates
 *      style.gp and NAME.gp, compiled in from plots/ (scripts/embed.sh);
 *   3. rs_gnuplot_draw (gnuplot.c) draws every script of the run as PNG and
 *      SVG, and leaves images only when all were drawn cleanly.
 * The run-wide figures (the outcomes chart, the comparison's summary bars)
 * come from figures.c, which reads summary.json.
 *
 * The .gp names no folder (gnuplot.h), so two renders of the same inputs
 * write byte-identical .dat and .gp files.  Numbers are printed with "%.10g", which depends on
 * nothing but the value.  What a template needs to know about the data (how many deployments, the
 * largest value of a series) is computed here and written into the head, so templates need no
 * `stats` (which warns on empty data).
 *
 * The CSV is RFC 4180: fields separated by commas, optionally in double
 * quotes ("" for a quote; a quoted field may span lines), CRLF or LF.
 * Columns are found by name in the header, so later columns may be added.
 * timeseries.csv is read in one streaming pass; it lists every bucket's
 * rows together, the "total" row first (docs/outputs.md).
 */
#include "ratesim/chart.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratesim/figures.h"
#include "ratesim/gnuplot.h"

#define CHART_TS_CSV           "timeseries.csv"
#define CHART_UTIL_CSV         "utilisation.csv"
#define CHART_CDF_CSV          "latency_cdf.csv"
#define CHART_SCOPE_TOTAL      "total"
#define CHART_SCOPE_DEPLOYMENT "deployment"
#define CHART_DEFAULT_TITLE    "ratesim"
#define CHART_SECONDS_PER_MIN  60.0
#define CHART_PERCENT          100.0
#define CHART_MS_PER_S         1000.0
#define CHART_N_FORMATS        2
/* The longest template name, "compare_throughput.gp" and the like. */
#define CHART_TEMPLATE_MAX 64
static const char *const chart_formats[CHART_N_FORMATS] = {"png", "svg"};

/* The charts of one run, in the order they are drawn. */
enum { RUN_THROUGHPUT, RUN_RATE_429, RUN_LATENCY, RUN_UTILISATION, RUN_CDF, RUN_OUTCOMES, RUN_N };
static const char *const run_charts[RUN_N] = {"throughput",  "rate_429",    "latency",
                                              "utilisation", "latency_cdf", "outcomes"};

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

/* ---- paths ---------------------------------------------------------------------------- */

/* A printf-formatted new string, or NULL when memory runs out.  Caller frees. */
static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = rs_calloc((size_t)n + 1, 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* "dir/name" (one slash), or NULL when memory runs out.  Caller frees. */
static char *path_in(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	return str_printf("%s%s%s", dir, slash ? "/" : "", name);
}

/* "dir/chart.ext", or NULL when memory runs out.  Caller frees. */
static char *chart_path(const char *dir, const char *chart, const char *ext)
{
	size_t dl = strlen(dir);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	return str_printf("%s%s%s.%s", dir, slash ? "/" : "", chart, ext);
}

/* Remove dir/chart.ext; a file that is not there is fine. */
static rs_status remove_file(const char *dir, const char *chart, const char *ext, rs_error *err)
{
	char *p = chart_path(dir, chart, ext);
	if (!p)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	rs_status st = RS_OK;
	if (unlink(p) != 0 && errno != ENOENT)
		st = rs_fail(err, RS_ERR_IO, "%s: cannot remove the old chart: %s", p,
		             strerror(errno));
	free(p);
	return st;
}

/* Remove the images of chart (every format), and with all also its .dat
 * and .gp: what an earlier render left that would no longer match. */
static rs_status remove_chart(const char *dir, const char *chart, bool all, rs_error *err)
{
	rs_status st = RS_OK;
	for (int f = 0; f < CHART_N_FORMATS && st == RS_OK; f++)
		st = remove_file(dir, chart, chart_formats[f], err);
	if (all && st == RS_OK)
		st = remove_file(dir, chart, "dat", err);
	if (all && st == RS_OK)
		st = remove_file(dir, chart, "gp", err);
	return st;
}

/* ---- the CSV reader ------------------------------------------------------------------- */

typedef struct csv_reader {
	FILE *f;          /* owned: closed by csv_fini */
	const char *path; /* for messages; borrowed */
	char *line;       /* getline buffer, owned */
	size_t line_cap;
	char *rec; /* the current record, fields split in place; owned */
	size_t rec_len, rec_cap;
	char **fields; /* pointers into rec; owned array */
	size_t nfields, fields_cap;
	long lineno;    /* the line the current record starts on (1-based) */
	long next_line; /* the next line getline will read */
} csv_reader;

static void csv_fini(csv_reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->line);
	free(r->rec);
	free(r->fields);
}

static bool csv_append(csv_reader *r, const char *s, size_t n)
{
	if (r->rec_len + n + 1 > r->rec_cap) {
		size_t cap = r->rec_cap ? r->rec_cap : 256;
		while (cap < r->rec_len + n + 1)
			cap *= 2;
		char *p = rs_realloc_array(r->rec, cap, 1);
		if (!p)
			return false;
		r->rec = p;
		r->rec_cap = cap;
	}
	memcpy(r->rec + r->rec_len, s, n);
	r->rec_len += n;
	r->rec[r->rec_len] = '\0';
	return true;
}

static bool csv_push_field(csv_reader *r, char *field)
{
	if (r->nfields == r->fields_cap) {
		size_t cap = r->fields_cap ? 2 * r->fields_cap : 32;
		char **p = rs_realloc_array(r->fields, cap, sizeof *p);
		if (!p)
			return false;
		r->fields = p;
		r->fields_cap = cap;
	}
	r->fields[r->nfields++] = field;
	return true;
}

/* Split r->rec into fields in place, removing quotes. */
static rs_status csv_split(csv_reader *r, rs_error *err)
{
	char *in = r->rec, *out = r->rec;
	r->nfields = 0;
	for (;;) {
		char *start = out;
		if (*in == '"') {
			in++;
			for (;;) {
				if (*in == '\0')
					return rs_fail(err, RS_ERR_SYNTAX,
					               "%s:%ld: a quoted field is not closed",
					               r->path, r->lineno);
				if (*in == '"' && in[1] == '"') {
					*out++ = '"';
					in += 2;
				} else if (*in == '"') {
					in++;
					break;
				} else {
					*out++ = *in++;
				}
			}
			if (*in != ',' && *in != '\0')
				return rs_fail(err, RS_ERR_SYNTAX,
				               "%s:%ld: unexpected text after a closing quote",
				               r->path, r->lineno);
		} else {
			while (*in != ',' && *in != '\0')
				*out++ = *in++;
		}
		bool more = *in == ',';
		in++;
		*out++ = '\0';
		if (!csv_push_field(r, start))
			return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", r->path);
		if (!more)
			return RS_OK;
	}
}

/* Read the next record.  OUT: *eof set when there is none.  A record whose
 * quotes are unbalanced at the end of a line continues on the next line.
 * The trailing LF or CRLF is removed. */
static rs_status csv_next(csv_reader *r, bool *eof, rs_error *err)
{
	size_t quotes = 0;
	r->rec_len = 0;
	r->lineno = r->next_line;
	*eof = false;
	for (;;) {
		errno = 0;
		ssize_t n = getline(&r->line, &r->line_cap, r->f);
		if (n < 0) {
			if (ferror(r->f) || errno == ENOMEM)
				return rs_fail(err, errno == ENOMEM ? RS_ERR_NOMEM : RS_ERR_IO,
				               "%s:%ld: cannot read: %s", r->path, r->next_line,
				               strerror(errno));
			if (r->rec_len == 0) {
				*eof = true;
				return RS_OK;
			}
			break; /* an unterminated quote at EOF: csv_split reports it */
		}
		r->next_line++;
		for (ssize_t i = 0; i < n; i++)
			quotes += r->line[i] == '"';
		if (!csv_append(r, r->line, (size_t)n))
			return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", r->path);
		if (quotes % 2 == 0)
			break;
	}
	if (r->rec_len > 0 && r->rec[r->rec_len - 1] == '\n')
		r->rec[--r->rec_len] = '\0';
	if (r->rec_len > 0 && r->rec[r->rec_len - 1] == '\r')
		r->rec[--r->rec_len] = '\0';
	return csv_split(r, err);
}

/* Index of the header column `name`, or -1. */
static long csv_column(const csv_reader *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i], name) == 0)
			return (long)i;
	return -1;
}

/* Parse field `col` (named `name`) of the current record as a finite number;
 * with `optional`, an empty field is "no value" and reads as NaN. */
static rs_status csv_number(const csv_reader *r, long col, const char *name, bool optional,
                            double *out, rs_error *err)
{
	const char *s = r->fields[col];
	if (optional && *s == '\0') {
		*out = NAN;
		return RS_OK;
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !isfinite(v) || errno == ERANGE)
		return rs_fail(err, RS_ERR_SYNTAX,
		               "%s:%ld: column %s: expected a finite number (got \"%.40s\")",
		               r->path, r->lineno, name, s);
	*out = v;
	return RS_OK;
}

/* Open the CSV at path (borrowed) and read its header.  On failure r holds
 * nothing to free but is safe to csv_fini. */
static rs_status csv_start(csv_reader *r, const char *path, rs_error *err)
{
	*r = (csv_reader){.path = path, .next_line = 1};
	r->f = fopen(path, "r");
	if (!r->f)
		return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	bool eof;
	rs_status st = csv_next(r, &eof, err);
	if (st == RS_OK && eof)
		st = rs_fail(err, RS_ERR_SYNTAX, "%s: empty file: expected a header line", path);
	return st;
}

/* Find the n columns `names` in the header.  OUT: cols[n]. */
static rs_status csv_columns(const csv_reader *r, const char *const *names, size_t n, long *cols,
                             rs_error *err)
{
	for (size_t c = 0; c < n; c++) {
		cols[c] = csv_column(r, names[c]);
		if (cols[c] < 0)
			return rs_fail(err, RS_ERR_SYNTAX,
			               "%s:1: missing column \"%s\" (the charts read the columns "
			               "listed in docs/outputs.md)",
			               r->path, names[c]);
	}
	return RS_OK;
}

/* The next record with as many fields as the header (width), blank lines
 * skipped.  OUT: *eof. */
static rs_status csv_row(csv_reader *r, size_t width, bool *eof, rs_error *err)
{
	for (;;) {
		rs_status st = csv_next(r, eof, err);
		if (st != RS_OK || *eof)
			return st;
		if (r->nfields == 1 && r->fields[0][0] == '\0')
			continue; /* a blank line */
		if (r->nfields != width)
			return rs_fail(err, RS_ERR_SYNTAX,
			               "%s:%ld: %zu fields, but the header has %zu", r->path,
			               r->lineno, r->nfields, width);
		return RS_OK;
	}
}

/* ---- series files and scripts --------------------------------------------------------- */

/* The first number of a .dat row (a time, never missing). */
static void put_first(FILE *f, double v)
{
	fprintf(f, "%.10g", v);
}

/* A further number of a .dat row: " %.10g", or " NaN" for no value. */
static void put_num(FILE *f, double v)
{
	if (isnan(v))
		fputs(" NaN", f);
	else
		fprintf(f, " %.10g", v);
}

/* A name in a '#' comment line: control characters (which would end the
 * comment) as spaces. */
static void put_comment_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
}

/* v if it is a number above m, else m. */
static double max_of(double m, double v)
{
	return !isnan(v) && v > m ? v : m;
}

static void put_var_num(FILE *f, const char *name, double v)
{
	fprintf(f, "%s = %.10g\n", name, isnan(v) ? 0.0 : v);
}

/* The start of a gnuplot array of n strings, filled by put_array_item.
 * gnuplot has no empty arrays: n = 0 declares one empty string, and the
 * template is told the count separately. */
static void put_array_head(FILE *f, const char *name, size_t n)
{
	fprintf(f, "array %s[%zu]\n", name, n ? n : 1);
	if (n == 0)
		fprintf(f, "%s[1] = ''\n", name);
}

/* Item i (from 0) of the array name. */
static void put_array_item(FILE *f, const char *name, size_t i, const char *s)
{
	fprintf(f, "%s[%zu] = ", name, i + 1);
	rs_gnuplot_put_string(f, s);
	fputc('\n', f);
}

/* Close f, reporting any earlier write error or a failed flush. */
static rs_status close_checked(FILE *f, const char *path, rs_error *err)
{
	bool bad = ferror(f) != 0;
	int saved = errno;
	if (fclose(f) != 0 && !bad) {
		bad = true;
		saved = errno;
	}
	if (bad)
		return rs_fail(err, RS_ERR_IO, "%s: cannot write: %s", path, strerror(saved));
	return RS_OK;
}

/* Open dir/chart.ext for writing.  OUT: *f.  Reports the path on failure. */
static rs_status open_out(const char *dir, const char *chart, const char *ext, FILE **f,
                          rs_error *err)
{
	*f = NULL;
	char *p = chart_path(dir, chart, ext);
	if (!p)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	rs_status st = RS_OK;
	*f = fopen(p, "w");
	if (!*f)
		st = rs_fail(err, RS_ERR_IO, "%s: cannot create: %s", p, strerror(errno));
	free(p);
	return st;
}

/* Close dir/chart.ext opened by open_out (f may be NULL: nothing to do). */
static rs_status close_out(const char *dir, const char *chart, const char *ext, FILE *f,
                           rs_error *err)
{
	if (!f)
		return RS_OK;
	char *p = chart_path(dir, chart, ext);
	if (!p) {
		fclose(f);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	rs_status st = close_checked(f, p, err);
	free(p);
	return st;
}

/* ---- reading timeseries.csv ----------------------------------------------------------- */

enum {
	TS_T,
	TS_SCOPE,
	TS_NAME,
	TS_TPM,
	TS_RPM,
	TS_R429,
	TS_FAILED,
	TS_SUCCEEDED,
	TS_TPM_LIMIT, /* from here on a field may be empty: no value */
	TS_RPM_LIMIT,
	TS_LAT50,
	TS_LAT95,
	TS_LAT99,
	TS_TTFT50,
	TS_TTFT95,
	TS_TTFT99,
	TS_UTIL,
	TS_PEAK,
	TS_COUNT
};
#define TS_FIRST_OPTIONAL TS_TPM_LIMIT
static const char *const ts_cols[TS_COUNT] = {"t_s",
                                              "scope",
                                              "name",
                                              "tokens_per_min",
                                              "requests_per_min",
                                              "rate_429",
                                              "failed",
                                              "succeeded",
                                              "tpm_limit",
                                              "rpm_limit",
                                              "latency_p50_ms",
                                              "latency_p95_ms",
                                              "latency_p99_ms",
                                              "ttft_p50_ms",
                                              "ttft_p95_ms",
                                              "ttft_p99_ms",
                                              "utilisation",
                                              "peak_utilisation"};

/* The "total" and "deployment" rows of a timeseries.csv, in file order. */
typedef struct ts_reader {
	csv_reader csv;
	long col[TS_COUNT];
	size_t width;
	double prev_t; /* t_s of the last total row */
	size_t totals; /* total rows read */
} ts_reader;

static rs_status ts_open(ts_reader *t, const char *path, rs_error *err)
{
	*t = (ts_reader){0};
	rs_status st = csv_start(&t->csv, path, err);
	if (st == RS_OK)
		st = csv_columns(&t->csv, ts_cols, TS_COUNT, t->col, err);
	t->width = t->csv.nfields;
	return st;
}

/* The next total or deployment row (other scopes are skipped).  OUT:
 * *is_total, v[TS_COUNT] (the numeric columns; NaN for an empty optional
 * field), *eof.  The deployment's name is ts_name(t).  Total rows must come
 * in time order, and there must be one. */
static rs_status ts_next(ts_reader *t, bool *is_total, double *v, bool *eof, rs_error *err)
{
	csv_reader *r = &t->csv;
	for (;;) {
		rs_status st = csv_row(r, t->width, eof, err);
		if (st != RS_OK)
			return st;
		if (*eof) {
			if (t->totals == 0)
				return rs_fail(err, RS_ERR_SYNTAX,
				               "%s: no row with scope \"" CHART_SCOPE_TOTAL
				               "\": nothing to chart",
				               r->path);
			return RS_OK;
		}
		const char *scope = r->fields[t->col[TS_SCOPE]];
		*is_total = strcmp(scope, CHART_SCOPE_TOTAL) == 0;
		if (!*is_total && strcmp(scope, CHART_SCOPE_DEPLOYMENT) != 0)
			continue;
		for (int c = 0; c < TS_COUNT; c++) {
			if (c == TS_SCOPE || c == TS_NAME) {
				v[c] = NAN;
				continue;
			}
			st = csv_number(r, t->col[c], ts_cols[c], c >= TS_FIRST_OPTIONAL, &v[c],
			                err);
			if (st != RS_OK)
				return st;
		}
		if (*is_total) {
			if (t->totals > 0 && !(v[TS_T] > t->prev_t))
				return rs_fail(err, RS_ERR_SYNTAX,
				               "%s:%ld: t_s %.10g of a \"" CHART_SCOPE_TOTAL
				               "\" row is not after the previous one (%.10g): rows "
				               "must come bucket after bucket",
				               r->path, r->lineno, v[TS_T], t->prev_t);
			t->prev_t = v[TS_T];
			t->totals++;
		} else if (t->totals == 0) {
			return rs_fail(
			    err, RS_ERR_SYNTAX,
			    "%s:%ld: a deployment row before the first \"" CHART_SCOPE_TOTAL
			    "\" row: each bucket starts with its total row",
			    r->path, r->lineno);
		}
		return RS_OK;
	}
}

static const char *ts_name(const ts_reader *t)
{
	return t->csv.fields[t->col[TS_NAME]];
}

/* Final failures as a share of the requests that ended in the bucket, in %;
 * 0 when none ended. */
static double fail_pct(const double *v)
{
	double ended = v[TS_SUCCEEDED] + v[TS_FAILED];
	return ended > 0 ? CHART_PERCENT * v[TS_FAILED] / ended : 0;
}

/* ---- the charts of one run ------------------------------------------------------------ */

/* A deployment of the run, and its row in the bucket being read. */
typedef struct dep_slot {
	char *name; /* owned */
	double v[TS_COUNT];
	bool seen;                         /* the bucket being read has its row */
	bool any_tpm_limit, any_rpm_limit; /* some bucket has a value */
	bool provisioned;                  /* it is in utilisation.csv */
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
	bool open_bucket;       /* total holds a bucket not yet written */
	size_t buckets;         /* buckets written */
	FILE *dat[RUN_N];       /* .dat files being written */
	/* what the templates are told */
	double t_max, tpm_max, rpm_max, r429_max, fail_max, lat_max, ttft_max;
	double tpm_sum_max, rpm_sum_max; /* the sums of the deployments' limits */
	double r429_total_max;           /* r429_max of all attempts only */
	double util_max, v2_max, v2_t_max;
	size_t lat_n, ttft_n, cdf_n;
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
	*p = (ptu_series){.name = str_printf("%s", name)};
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
	char *path = path_in(d->dir, CHART_UTIL_CSV);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	csv_reader r;
	long col[U_COUNT];
	rs_status st = csv_start(&r, path, err);
	if (st == RS_OK)
		st = csv_columns(&r, names, U_COUNT, col, err);
	size_t width = r.nfields;
	while (st == RS_OK) {
		bool eof;
		st = csv_row(&r, width, &eof, err);
		if (st != RS_OK || eof)
			break;
		double minute, v2;
		st = csv_number(&r, col[U_MINUTE], names[U_MINUTE], false, &minute, err);
		if (st == RS_OK)
			st = csv_number(&r, col[U_V2], names[U_V2], true, &v2, err);
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
	csv_fini(&r);
	free(path);
	return st;
}

/* The slot of deployment name, added when the first bucket is being read;
 * OUT: *slot NULL when out of memory. */
static rs_status dep_find(run_data *d, const ts_reader *t, dep_slot **slot, rs_error *err)
{
	const char *name = ts_name(t);
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
	*s = (dep_slot){.name = str_printf("%s", name)};
	if (!s->name)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	d->n_dep++;
	*slot = s;
	return RS_OK;
}

/* The comment lines at the top of each time-series .dat, once the first
 * bucket has named the deployments. */
static void put_run_dat_heads(run_data *d)
{
	FILE *f = d->dat[RUN_THROUGHPUT];
	fputs("# throughput.dat: written by ratesim from " CHART_TS_CSV "; drawn by "
	      "throughput.gp.\n# One row per time bucket (time = the bucket's start).  Columns:\n"
	      "# 1 time_min  2 total tokens_per_min  3 total requests_per_min  4 the sum of the\n"
	      "# deployments' tpm_limit  5 the sum of their rpm_limit, then 4 per deployment:\n"
	      "#   tokens_per_min tpm_limit requests_per_min rpm_limit\n",
	      f);
	for (size_t i = 0; i < d->n_dep; i++) {
		fprintf(f, "#   columns %zu-%zu: ", 6 + 4 * i, 9 + 4 * i);
		put_comment_text(f, d->deps[i].name);
		fputc('\n', f);
	}
	f = d->dat[RUN_RATE_429];
	fputs("# rate_429.dat: written by ratesim from " CHART_TS_CSV "; drawn by "
	      "rate_429.gp.\n# One row per time bucket.  Columns: 1 time_min  2 total 429 rate "
	      "(% of attempts)\n# 3 final failures (% of the requests that ended in the bucket), "
	      "then the 429 rate of:\n",
	      f);
	for (size_t i = 0; i < d->n_dep; i++) {
		fprintf(f, "#   column %zu: ", 4 + i);
		put_comment_text(f, d->deps[i].name);
		fputc('\n', f);
	}
	fputs("# latency.dat: written by ratesim from " CHART_TS_CSV " (scope total); drawn by "
	      "latency.gp.\n# One row per time bucket; requests that completed in it, ms:\n"
	      "# time_min latency_p50 latency_p95 latency_p99 ttft_p50 ttft_p95 ttft_p99\n",
	      d->dat[RUN_LATENCY]);
	f = d->dat[RUN_UTILISATION];
	if (!f)
		return;
	fputs("# utilisation.dat: written by ratesim from " CHART_TS_CSV " and " CHART_UTIL_CSV
	      "; drawn by utilisation.gp.\n# Block 0 (index 0), one row per time bucket: 1 "
	      "time_min, then 2 per provisioned\n# deployment: peak utilisation in the bucket "
	      "(%), utilisation at its end (%)\n",
	      f);
	for (size_t k = 0; k < d->n_ptu; k++) {
		fprintf(f, "#   columns %zu-%zu: ", 2 + 2 * k, 3 + 2 * k);
		put_comment_text(f, d->ptu[k].name);
		fputc('\n', f);
	}
}

/* Write the bucket held in d (total and deployment rows) to the .dat files. */
static rs_status flush_bucket(run_data *d, const ts_reader *t, rs_error *err)
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
		put_run_dat_heads(d);
	}
	const double *v = d->total;
	double t_min = v[TS_T] / CHART_SECONDS_PER_MIN;
	d->t_max = max_of(d->t_max, t_min);

	FILE *f = d->dat[RUN_THROUGHPUT];
	put_first(f, t_min);
	put_num(f, v[TS_TPM]);
	put_num(f, v[TS_RPM]);
	d->tpm_max = max_of(d->tpm_max, v[TS_TPM]);
	d->rpm_max = max_of(d->rpm_max, v[TS_RPM]);
	double tpm_sum = NAN, rpm_sum = NAN;
	for (size_t i = 0; i < d->n_dep; i++) {
		const double *w = d->deps[i].v;
		if (!isnan(w[TS_TPM_LIMIT]))
			tpm_sum = (isnan(tpm_sum) ? 0 : tpm_sum) + w[TS_TPM_LIMIT];
		if (!isnan(w[TS_RPM_LIMIT]))
			rpm_sum = (isnan(rpm_sum) ? 0 : rpm_sum) + w[TS_RPM_LIMIT];
	}
	put_num(f, tpm_sum);
	put_num(f, rpm_sum);
	d->tpm_sum_max = max_of(d->tpm_sum_max, tpm_sum);
	d->rpm_sum_max = max_of(d->rpm_sum_max, rpm_sum);
	for (size_t i = 0; i < d->n_dep; i++) {
		const double *w = d->deps[i].v;
		put_num(f, w[TS_TPM]);
		put_num(f, w[TS_TPM_LIMIT]);
		put_num(f, w[TS_RPM]);
		put_num(f, w[TS_RPM_LIMIT]);
		d->tpm_max = max_of(max_of(d->tpm_max, w[TS_TPM]), w[TS_TPM_LIMIT]);
		d->rpm_max = max_of(max_of(d->rpm_max, w[TS_RPM]), w[TS_RPM_LIMIT]);
		d->deps[i].any_tpm_limit |= !isnan(w[TS_TPM_LIMIT]);
		d->deps[i].any_rpm_limit |= !isnan(w[TS_RPM_LIMIT]);
	}
	fputc('\n', f);

	f = d->dat[RUN_RATE_429];
	put_first(f, t_min);
	put_num(f, CHART_PERCENT * v[TS_R429]);
	put_num(f, fail_pct(v));
	d->r429_max = max_of(d->r429_max, CHART_PERCENT * v[TS_R429]);
	d->r429_total_max = max_of(d->r429_total_max, CHART_PERCENT * v[TS_R429]);
	d->fail_max = max_of(d->fail_max, fail_pct(v));
	for (size_t i = 0; i < d->n_dep; i++) {
		put_num(f, CHART_PERCENT * d->deps[i].v[TS_R429]);
		d->r429_max = max_of(d->r429_max, CHART_PERCENT * d->deps[i].v[TS_R429]);
	}
	fputc('\n', f);

	f = d->dat[RUN_LATENCY];
	put_first(f, t_min);
	for (int c = TS_LAT50; c <= TS_TTFT99; c++)
		put_num(f, v[c]);
	fputc('\n', f);
	d->lat_n += !isnan(v[TS_LAT50]);
	d->ttft_n += !isnan(v[TS_TTFT50]);
	for (int c = TS_LAT50; c <= TS_LAT99; c++)
		d->lat_max = max_of(d->lat_max, v[c]);
	for (int c = TS_TTFT50; c <= TS_TTFT99; c++)
		d->ttft_max = max_of(d->ttft_max, v[c]);

	f = d->dat[RUN_UTILISATION];
	if (f) {
		put_first(f, t_min);
		for (size_t k = 0; k < d->n_ptu; k++) {
			const double *w = d->deps[d->ptu[k].dep].v;
			put_num(f, CHART_PERCENT * w[TS_PEAK]);
			put_num(f, CHART_PERCENT * w[TS_UTIL]);
			d->util_max = max_of(d->util_max, CHART_PERCENT * w[TS_PEAK]);
			d->ptu[k].any_util |= !isnan(w[TS_PEAK]);
		}
		fputc('\n', f);
	}
	for (size_t i = 0; i < d->n_dep; i++)
		d->deps[i].seen = false;
	d->buckets++;
	d->open_bucket = false;
	return RS_OK;
}

/* Stream the opened timeseries.csv t into the time-series .dat files. */
static rs_status read_timeseries(run_data *d, ts_reader *t, rs_error *err)
{
	rs_status st = RS_OK;
	while (st == RS_OK) {
		bool is_total, eof;
		double v[TS_COUNT];
		st = ts_next(t, &is_total, v, &eof, err);
		if (st != RS_OK || eof)
			break;
		if (is_total) {
			if (d->open_bucket)
				st = flush_bucket(d, t, err);
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
		fprintf(f, "\n\n# Block %zu (index %zu): Utilization V2 per minute of ", k + 1,
		        k + 1);
		put_comment_text(f, p->name);
		fputs("\n# time_min (the minute's start) utilization_v2 (%); the last row closes "
		      "the last minute\n",
		      f);
		for (size_t m = 0; m < p->n; m++) {
			put_first(f, p->minute[m]);
			put_num(f, CHART_PERCENT * p->v2[m]);
			fputc('\n', f);
			d->v2_max = max_of(d->v2_max, CHART_PERCENT * p->v2[m]);
			d->ptu[k].any_v2 |= !isnan(p->v2[m]);
		}
		if (p->n > 0) {
			put_first(f, p->minute[p->n - 1] + 1);
			put_num(f, CHART_PERCENT * p->v2[p->n - 1]);
			fputc('\n', f);
			d->v2_t_max = max_of(d->v2_t_max, p->minute[p->n - 1] + 1);
		}
	}
}

/* latency_cdf.csv to latency_cdf.dat: latency in s, share in %. */
static rs_status write_cdf(run_data *d, rs_error *err)
{
	enum { C_MS, C_FRACTION, C_COUNT };
	static const char *const names[C_COUNT] = {"latency_ms", "fraction"};
	char *path = path_in(d->dir, CHART_CDF_CSV);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	FILE *f = NULL;
	csv_reader r;
	long col[C_COUNT];
	rs_status st = csv_start(&r, path, err);
	if (st == RS_OK)
		st = csv_columns(&r, names, C_COUNT, col, err);
	if (st == RS_OK)
		st = open_out(d->dir, run_charts[RUN_CDF], "dat", &f, err);
	if (st == RS_OK)
		fputs("# latency_cdf.dat: written by ratesim from " CHART_CDF_CSV "; drawn by "
		      "latency_cdf.gp.\n# latency_s (upper edge of a histogram bin) percent (share "
		      "of the succeeded requests\n# at or below it)\n",
		      f);
	size_t width = r.nfields;
	while (st == RS_OK) {
		bool eof;
		st = csv_row(&r, width, &eof, err);
		if (st != RS_OK || eof)
			break;
		double ms, frac;
		st = csv_number(&r, col[C_MS], names[C_MS], false, &ms, err);
		if (st == RS_OK)
			st = csv_number(&r, col[C_FRACTION], names[C_FRACTION], false, &frac, err);
		if (st == RS_OK && !(ms > 0))
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s:%ld: column latency_ms: must be > 0 for the log axis (got "
			             "%.10g)",
			             path, r.lineno, ms);
		if (st != RS_OK)
			break;
		double s = ms / CHART_MS_PER_S;
		put_first(f, s);
		put_num(f, CHART_PERCENT * frac);
		fputc('\n', f);
		d->cdf_min = d->cdf_n == 0 ? s : fmin(d->cdf_min, s);
		d->cdf_max = fmax(d->cdf_max, s);
		d->cdf_n++;
	}
	csv_fini(&r);
	rs_status cs = close_out(d->dir, run_charts[RUN_CDF], "dat", f, st == RS_OK ? err : NULL);
	free(path);
	return st == RS_OK ? cs : st;
}

/* outcomes.dat from summary.json: how the offered requests ended. */
static rs_status write_outcomes(run_data *d, rs_error *err)
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
	st = open_out(d->dir, run_charts[RUN_OUTCOMES], "dat", &f, err);
	if (st != RS_OK)
		return st;
	fputs("# outcomes.dat: written by ratesim from summary.json (requests after warm-up); "
	      "drawn by\n# outcomes.gp.  position \"outcome\" requests percent_of_offered\n",
	      f);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		fprintf(f, "%zu \"%s\"", i + 1, rows[i].label);
		put_num(f, (double)rows[i].n);
		put_num(f, g->offered ? CHART_PERCENT * (double)rows[i].n / (double)g->offered : 0);
		fputc('\n', f);
	}
	return close_out(d->dir, run_charts[RUN_OUTCOMES], "dat", f, err);
}

/* Write dir/chart.gp: head, the facts put by `facts`, templates. */
typedef void (*facts_fn)(FILE *f, const void *ctx);

static rs_status write_script(const char *dir, const char *chart, const char *title, facts_fn facts,
                              const void *ctx, rs_error *err)
{
	FILE *f;
	rs_status st = open_out(dir, chart, "gp", &f, err);
	if (st != RS_OK)
		return st;
	rs_gnuplot_put_head(f, chart, title);
	facts(f, ctx);
	char tmpl[CHART_TEMPLATE_MAX];
	snprintf(tmpl, sizeof tmpl, "%s.gp", chart);
	st = rs_gnuplot_put_body(f, tmpl, err);
	rs_status cs = close_out(dir, chart, "gp", f, st == RS_OK ? err : NULL);
	return st == RS_OK ? cs : st;
}

/* The names of the deployments (or provisioned deployments) for a head. */
static void put_dep_names(FILE *f, const run_data *d, bool ptu_only)
{
	const char *var = ptu_only ? "ptu_name" : "dep_name";
	size_t n = ptu_only ? d->n_ptu : d->n_dep;
	put_array_head(f, var, n);
	for (size_t i = 0; i < n; i++)
		put_array_item(f, var, i, ptu_only ? d->ptu[i].name : d->deps[i].name);
}

/* name = "1 3": the numbers (from 1) of the n items for which has(ctx, i). */
static void put_var_list(FILE *f, const char *name, size_t n,
                         bool (*has)(const void *ctx, size_t i), const void *ctx)
{
	fprintf(f, "%s = \"", name);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (!has(ctx, i))
			continue;
		fprintf(f, "%s%zu", first ? "" : " ", i + 1);
		first = false;
	}
	fputs("\"\n", f);
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

static void facts_throughput(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	put_var_num(f, "n_dep", (double)d->n_dep);
	put_dep_names(f, d, false);
	put_array_head(f, "dep_limit_name", d->n_dep);
	for (size_t i = 0; i < d->n_dep; i++)
		put_array_item(f, "dep_limit_name", i,
		               d->deps[i].provisioned ? "capacity" : "TPM limit");
	put_var_list(f, "tpm_limit_deps", d->n_dep, has_tpm_limit, d);
	put_var_list(f, "rpm_limit_deps", d->n_dep, has_rpm_limit, d);
	put_var_num(f, "t_max", d->t_max);
	put_var_num(f, "tpm_max", d->tpm_max);
	put_var_num(f, "rpm_max", d->rpm_max);
	put_var_num(f, "tpm_limit_sum_max", d->tpm_sum_max);
	put_var_num(f, "rpm_limit_sum_max", d->rpm_sum_max);
}

static void facts_rate_429(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	put_var_num(f, "n_dep", (double)d->n_dep);
	put_dep_names(f, d, false);
	put_var_num(f, "t_max", d->t_max);
	put_var_num(f, "rate_max", d->r429_max);
	put_var_num(f, "rate_total_max", d->r429_total_max);
	put_var_num(f, "fail_max", d->fail_max);
}

static void facts_latency(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	put_var_num(f, "t_max", d->t_max);
	put_var_num(f, "latency_points", (double)d->lat_n);
	put_var_num(f, "latency_max_ms", d->lat_max);
	put_var_num(f, "ttft_points", (double)d->ttft_n);
	put_var_num(f, "ttft_max_ms", d->ttft_max);
}

static void facts_utilisation(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	put_var_num(f, "n_ptu", (double)d->n_ptu);
	put_dep_names(f, d, true);
	put_var_list(f, "util_ptus", d->n_ptu, has_util, d);
	put_var_list(f, "v2_ptus", d->n_ptu, has_v2, d);
	put_var_num(f, "t_max", fmax(d->t_max, d->v2_t_max));
	put_var_num(f, "util_max", d->util_max);
	put_var_num(f, "v2_max", d->v2_max);
}

static void facts_cdf(FILE *f, const void *ctx)
{
	const run_data *d = ctx;
	put_var_num(f, "cdf_points", (double)d->cdf_n);
	put_var_num(f, "latency_min_s", d->cdf_min);
	put_var_num(f, "latency_max_s", d->cdf_max);
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
	put_var_num(f, "offered", (double)g->offered);
	put_var_num(f, "outcome_max", (double)m);
}

rs_status rs_chart_render(const char *dir, const rs_chart_opts *opts, char *warning, size_t wlen,
                          rs_error *err)
{
	static const rs_chart_opts defaults = {0};
	static const facts_fn facts[RUN_N] = {facts_throughput,  facts_rate_429, facts_latency,
	                                      facts_utilisation, facts_cdf,      facts_outcomes};
	if (!opts)
		opts = &defaults;
	const char *title = opts->title ? opts->title : CHART_DEFAULT_TITLE;
	if (warning && wlen > 0)
		warning[0] = '\0';
	run_data d = {.dir = dir};
	const char *drawn[RUN_N]; /* the charts whose script is written */
	size_t n_drawn = 0;
	ts_reader t = {0};
	char *ts_path = path_in(dir, CHART_TS_CSV);
	if (!ts_path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");

	rs_status st = RS_OK;
	for (int c = 0; c < RUN_N && st == RS_OK; c++)
		st = remove_chart(dir, run_charts[c], false, err);
	if (st == RS_OK)
		st = ts_open(&t, ts_path, err);
	if (st == RS_OK)
		st = read_utilisation(&d, err);
	if (st == RS_OK && d.n_ptu == 0)
		st = remove_chart(dir, run_charts[RUN_UTILISATION], true, err);
	for (int c = RUN_THROUGHPUT; c <= RUN_UTILISATION && st == RS_OK; c++)
		if (c != RUN_UTILISATION || d.n_ptu > 0)
			st = open_out(dir, run_charts[c], "dat", &d.dat[c], err);
	if (st == RS_OK)
		st = read_timeseries(&d, &t, err);
	if (st == RS_OK && d.n_ptu > 0)
		put_v2_blocks(&d);
	for (int c = RUN_THROUGHPUT; c <= RUN_UTILISATION; c++) {
		rs_status cs =
		    close_out(dir, run_charts[c], "dat", d.dat[c], st == RS_OK ? err : NULL);
		d.dat[c] = NULL;
		if (st == RS_OK)
			st = cs;
	}
	if (st != RS_OK) {
		/* a half-written series would be taken for the run's */
		for (int c = RUN_THROUGHPUT; c <= RUN_UTILISATION; c++)
			remove_file(dir, run_charts[c], "dat", NULL);
		goto out;
	}
	st = write_cdf(&d, err);
	if (st == RS_OK)
		st = write_outcomes(&d, err);
	for (int c = 0; c < RUN_N && st == RS_OK; c++) {
		if (c == RUN_UTILISATION && d.n_ptu == 0)
			continue;
		st = write_script(dir, run_charts[c], title, facts[c], &d, err);
		if (st == RS_OK)
			drawn[n_drawn++] = run_charts[c];
	}
	if (st == RS_OK)
		st = rs_gnuplot_draw(dir, drawn, n_drawn, opts, warning, wlen, err);
out:
	csv_fini(&t.csv);
	free(ts_path);
	run_data_fini(&d);
	return st;
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
} cmp_data;

/* The summary bars: compare_summary.dat's columns 2 to CMP_BAR_COLS. */
#define CMP_BAR_COLS 8

static void put_cand_names(FILE *f, const cmp_data *c)
{
	put_var_num(f, "n_cand", (double)c->n);
	put_array_head(f, "cand_name", c->n);
	for (size_t i = 0; i < c->n; i++)
		put_array_item(f, "cand_name", i, c->labels[i]);
}

static void facts_cmp_rate(FILE *f, const void *ctx)
{
	const cmp_data *c = ctx;
	put_cand_names(f, c);
	put_var_num(f, "t_max", c->t_max);
	put_var_num(f, "rate_max", c->rate_max);
	put_var_num(f, "fail_max", c->fail_max);
}

static void facts_cmp_throughput(FILE *f, const void *ctx)
{
	const cmp_data *c = ctx;
	put_cand_names(f, c);
	put_var_num(f, "t_max", c->t_max);
	put_var_num(f, "tpm_max", c->tpm_max);
	put_var_num(f, "rpm_max", c->rpm_max);
}

static bool has_latency(const void *ctx, size_t i)
{
	return ((const cmp_data *)ctx)->has_latency[i];
}

static void facts_cmp_latency(FILE *f, const void *ctx)
{
	const cmp_data *c = ctx;
	put_cand_names(f, c);
	put_var_list(f, "latency_cands", c->n, has_latency, c);
	put_var_num(f, "t_max", c->t_max);
	put_var_num(f, "latency_max_ms", c->latency_max_ms);
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
	put_var_num(f, "has_cost", cost);
	/* per column: the tallest bar and how many bars have a value */
	fprintf(f, "array column_max[%d]\narray column_points[%d]\n", CMP_BAR_COLS, CMP_BAR_COLS);
	for (int col = 2; col <= CMP_BAR_COLS; col++) {
		double m = 0;
		size_t k = 0;
		for (size_t i = 0; i < c->n; i++) {
			double v = bar_value(&c->fig[i], col);
			m = max_of(m, v);
			k += !isnan(v);
		}
		fprintf(f, "column_max[%d] = %.10g\ncolumn_points[%d] = %zu\n", col, m, col, k);
	}
}

/* Candidate i's total rows as block i of the three time-series .dat files. */
static rs_status cmp_read_series(cmp_data *c, size_t i, rs_error *err)
{
	char *sub = path_in(c->dir, c->labels[i]);
	char *path = sub ? path_in(sub, CHART_TS_CSV) : NULL;
	free(sub);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	ts_reader t;
	rs_status st = ts_open(&t, path, err);
	for (int k = 0; k < CMP_DAT_N && st == RS_OK; k++) {
		FILE *f = c->dat[k];
		fprintf(f, "%s# Block %zu (index %zu): ", i ? "\n\n" : "", i, i);
		put_comment_text(f, c->labels[i]);
		fputc('\n', f);
	}
	while (st == RS_OK) {
		bool is_total, eof;
		double v[TS_COUNT];
		st = ts_next(&t, &is_total, v, &eof, err);
		if (st != RS_OK || eof)
			break;
		if (!is_total)
			continue;
		double t_min = v[TS_T] / CHART_SECONDS_PER_MIN;
		c->t_max = max_of(c->t_max, t_min);
		FILE *f = c->dat[CMP_DAT_RATE];
		put_first(f, t_min);
		put_num(f, CHART_PERCENT * v[TS_R429]);
		put_num(f, fail_pct(v));
		fputc('\n', f);
		c->rate_max = max_of(c->rate_max, CHART_PERCENT * v[TS_R429]);
		c->fail_max = max_of(c->fail_max, fail_pct(v));
		f = c->dat[CMP_DAT_THROUGHPUT];
		put_first(f, t_min);
		put_num(f, v[TS_TPM]);
		put_num(f, v[TS_RPM]);
		fputc('\n', f);
		c->tpm_max = max_of(c->tpm_max, v[TS_TPM]);
		c->rpm_max = max_of(c->rpm_max, v[TS_RPM]);
		f = c->dat[CMP_DAT_LATENCY];
		put_first(f, t_min);
		put_num(f, v[TS_LAT95]);
		put_num(f, v[TS_LAT99]);
		fputc('\n', f);
		c->has_latency[i] |= !isnan(v[TS_LAT95]) || !isnan(v[TS_LAT99]);
		c->latency_max_ms = max_of(max_of(c->latency_max_ms, v[TS_LAT95]), v[TS_LAT99]);
	}
	csv_fini(&t.csv);
	free(path);
	return st;
}

/* compare_summary.dat: one row per candidate from its summary.json. */
static rs_status cmp_write_summary(cmp_data *c, rs_error *err)
{
	FILE *f;
	rs_status st = open_out(c->dir, cmp_charts[CMP_SUMMARY].name, "dat", &f, err);
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
			put_num(f, bar_value(g, col));
		fputc('\n', f);
	}
	return close_out(c->dir, cmp_charts[CMP_SUMMARY].name, "dat", f, err);
}

rs_status rs_chart_render_compare(const char *dir, const char *const *labels, size_t n,
                                  const rs_chart_opts *opts, char *warning, size_t wlen,
                                  rs_error *err)
{
	static const rs_chart_opts defaults = {0};
	static const facts_fn facts[CMP_N] = {facts_cmp_rate, facts_cmp_throughput,
	                                      facts_cmp_latency, facts_cmp_summary};
	if (!opts)
		opts = &defaults;
	const char *title = opts->title ? opts->title : CHART_DEFAULT_TITLE;
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
		st = remove_chart(dir, cmp_charts[k].name, false, err);
	for (size_t i = 0; i < n && st == RS_OK; i++) {
		char *sub = path_in(dir, labels[i]);
		st = sub ? rs_report_read_figures(sub, &c.fig[i], err)
		         : rs_fail(err, RS_ERR_NOMEM, "out of memory");
		free(sub);
	}
	for (int k = 0; k < CMP_DAT_N && st == RS_OK; k++)
		st = open_out(dir, cmp_charts[k].name, "dat", &c.dat[k], err);
	if (st == RS_OK) {
		fputs(
		    "# compare_rate_429.dat: written by ratesim from each candidate's " CHART_TS_CSV
		    " (scope total);\n# drawn by compare_rate_429.gp.  One block "
		    "per candidate: time_min, 429 rate (% of\n# attempts), final failures (% of "
		    "the requests that ended in the bucket)\n",
		    c.dat[CMP_DAT_RATE]);
		fputs("# compare_throughput.dat: written by ratesim from each "
		      "candidate's " CHART_TS_CSV
		      " (scope total);\n# drawn by compare_throughput.gp.  One block "
		      "per candidate: time_min, served tokens\n# per minute, successful requests "
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
		    close_out(dir, cmp_charts[k].name, "dat", c.dat[k], st == RS_OK ? err : NULL);
		c.dat[k] = NULL;
		if (st == RS_OK)
			st = cs;
	}
	if (st != RS_OK) {
		for (int k = 0; k < CMP_DAT_N; k++)
			remove_file(dir, cmp_charts[k].name, "dat", NULL);
		goto out;
	}
	st = cmp_write_summary(&c, err);
	for (int k = 0; k < CMP_N && st == RS_OK; k++) {
		st = write_script(dir, cmp_charts[k].name, title, facts[k], &c, err);
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
	return st;
}
