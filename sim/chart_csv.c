/*
 * chart_csv.c - the charts' CSV reader and timeseries.csv reader (see
 * chart_csv.h).
 *
 * A record is read line by line with getline; a record whose quotes are
 * unbalanced at the end of a line continues on the next one.  Fields are
 * split in place in one buffer, so a row costs no allocation once the
 * buffers have grown to the longest record.
 */
#include "chart_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define CHART_PERCENT 100.0

void chart_csv_fini(chart_csv *r)
{
	if (r->f)
		fclose(r->f);
	free(r->line);
	free(r->rec);
	free(r->fields);
}

static bool csv_append(chart_csv *r, const char *s, size_t n)
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

static bool csv_push_field(chart_csv *r, char *field)
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
static rs_status csv_split(chart_csv *r, rs_error *err)
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
static rs_status csv_next(chart_csv *r, bool *eof, rs_error *err)
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
long chart_csv_find(const chart_csv *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i], name) == 0)
			return (long)i;
	return -1;
}

/* Parse field `col` (named `name`) of the current record as a finite number;
 * with `optional`, an empty field is "no value" and reads as NaN. */
rs_status chart_csv_number(const chart_csv *r, long col, const char *name, bool optional,
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
 * nothing to free but is safe to chart_csv_fini. */
rs_status chart_csv_open(chart_csv *r, const char *path, rs_error *err)
{
	*r = (chart_csv){.path = path, .next_line = 1};
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
rs_status chart_csv_columns(const chart_csv *r, const char *const *names, size_t n, long *cols,
                            rs_error *err)
{
	for (size_t c = 0; c < n; c++) {
		cols[c] = chart_csv_find(r, names[c]);
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
rs_status chart_csv_row(chart_csv *r, size_t width, bool *eof, rs_error *err)
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
                                              "peak_utilisation",
                                              "offered",
                                              "attempts",
                                              "throttled",
                                              "errors",
                                              "tpm_occupancy",
                                              "rpm_occupancy",
                                              "timeouts",
                                              "offered_tokens_per_min",
                                              "refused_service",
                                              "refused_gateway",
                                              "refused_router",
                                              "failed_latency_p50_ms",
                                              "failed_latency_p99_ms"};

rs_status chart_ts_open(chart_ts *t, const char *path, rs_error *err)
{
	*t = (chart_ts){0};
	rs_status st = chart_csv_open(&t->csv, path, err);
	if (st == RS_OK)
		st = chart_csv_columns(&t->csv, ts_cols, TS_FIRST_ABSENT, t->col, err);
	for (int c = TS_FIRST_ABSENT; c < TS_COUNT && st == RS_OK; c++)
		t->col[c] = chart_csv_find(&t->csv, ts_cols[c]);
	t->width = t->csv.nfields;
	return st;
}

/* The next total or deployment row (other scopes are skipped).  OUT:
 * *is_total, v[TS_COUNT] (the numeric columns; NaN for an empty optional
 * field), *eof.  The deployment's name is chart_ts_name(t).  Total rows must come
 * in time order, and there must be one. */
rs_status chart_ts_next(chart_ts *t, bool *is_total, double *v, bool *eof, rs_error *err)
{
	chart_csv *r = &t->csv;
	for (;;) {
		rs_status st = chart_csv_row(r, t->width, eof, err);
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
			if (c == TS_SCOPE || c == TS_NAME || t->col[c] < 0) {
				v[c] = NAN;
				continue;
			}
			st = chart_csv_number(r, t->col[c], ts_cols[c], c >= TS_FIRST_OPTIONAL,
			                      &v[c], err);
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

const char *chart_ts_name(const chart_ts *t)
{
	return t->csv.fields[t->col[TS_NAME]];
}

/* Final failures as a share of the requests that ended in the bucket, in %;
 * 0 when none ended. */
double chart_fail_pct(const double *v)
{
	double ended = v[TS_SUCCEEDED] + v[TS_FAILED];
	return ended > 0 ? CHART_PERCENT * v[TS_FAILED] / ended : 0;
}
