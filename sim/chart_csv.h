/*
 * chart_csv.h - reading a run's CSV files for the charts (sim/ internal).
 *
 * A small RFC 4180 reader (fields separated by commas, optionally in double
 * quotes, "" for a quote, a quoted field may span lines, CRLF or LF) that
 * finds columns by name in the header, so that later columns may be added;
 * and, on top of it, a streaming reader of timeseries.csv's "total" and
 * "deployment" rows (docs/outputs.md): every bucket's rows together, the
 * total row first, buckets in time order.  Memory is one record at a time.
 */
#ifndef RATESIM_CHART_CSV_H
#define RATESIM_CHART_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ratesim/common.h"

#define CHART_SCOPE_TOTAL      "total"
#define CHART_SCOPE_DEPLOYMENT "deployment"

typedef struct chart_csv {
	FILE *f;          /* owned: closed by chart_csv_fini */
	const char *path; /* for messages; borrowed */
	char *line;       /* getline buffer, owned */
	size_t line_cap;
	char *rec; /* the current record, fields split in place; owned */
	size_t rec_len, rec_cap;
	char **fields; /* pointers into rec; owned array */
	size_t nfields, fields_cap;
	long lineno;    /* the line the current record starts on (1-based) */
	long next_line; /* the next line getline will read */
} chart_csv;

/* Free what r holds (r itself is the caller's). */
void chart_csv_fini(chart_csv *r);

/* Open the CSV at path (borrowed) and read its header.  On failure r holds
 * nothing to free but is safe to chart_csv_fini. */
rs_status chart_csv_open(chart_csv *r, const char *path, rs_error *err);

/* Index of the header column `name`, or -1. */
long chart_csv_find(const chart_csv *r, const char *name);

/* Find the n columns `names` in the header.  OUT: cols[n].
 * Errors: RS_ERR_SYNTAX naming the first missing column. */
rs_status chart_csv_columns(const chart_csv *r, const char *const *names, size_t n, long *cols,
                            rs_error *err);

/* The next record with as many fields as the header (width), blank lines
 * skipped.  OUT: *eof. */
rs_status chart_csv_row(chart_csv *r, size_t width, bool *eof, rs_error *err);

/* Parse field `col` (named `name`) of the current record as a finite number;
 * with `optional`, an empty field is "no value" and reads as NaN.  OUT: *out. */
rs_status chart_csv_number(const chart_csv *r, long col, const char *name, bool optional,
                           double *out, rs_error *err);

/* ---- timeseries.csv ---- */

/* The columns of timeseries.csv the charts read, as indexes of v[] below. */
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
	TS_OFFERED, /* from here on a column may be missing (older runs): no value */
	TS_ATTEMPTS,
	TS_THROTTLED,
	TS_ERRORS,
	TS_TPM_OCC,
	TS_RPM_OCC,
	TS_TIMEOUTS,
	TS_OFFERED_TPM,
	TS_REF_SERVICE, /* who refused (chart_refusal.h) */
	TS_REF_GATEWAY,
	TS_REF_ROUTER,
	TS_FAIL50, /* failed requests' time to give up (issue 10) */
	TS_FAIL99,
	TS_COUNT
};
#define TS_FIRST_OPTIONAL TS_TPM_LIMIT
#define TS_FIRST_ABSENT   TS_OFFERED
/* The "total" and "deployment" rows of a timeseries.csv, in file order. */
typedef struct chart_ts {
	chart_csv csv;
	long col[TS_COUNT];
	size_t width;
	double prev_t; /* t_s of the last total row */
	size_t totals; /* total rows read */
} chart_ts;

/* Open timeseries.csv at path (borrowed) and find its columns. */
rs_status chart_ts_open(chart_ts *t, const char *path, rs_error *err);

/* The next total or deployment row (other scopes are skipped).  OUT:
 * *is_total, v[TS_COUNT] (the numeric columns; NaN for an empty optional
 * field), *eof.  The deployment's name is chart_ts_name(t).  Total rows
 * must come in time order, and there must be one. */
rs_status chart_ts_next(chart_ts *t, bool *is_total, double *v, bool *eof, rs_error *err);

/* The name field of the row chart_ts_next read last (borrowed until the
 * next call). */
const char *chart_ts_name(const chart_ts *t);

/* Final failures as a share of the requests that ended in the bucket of
 * the row v, in %; 0 when none ended. */
double chart_fail_pct(const double *v);

#endif
