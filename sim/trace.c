/*
 * trace.c - streaming, strict readers for the Azure, BurstGPT and Mooncake
 * request traces (formats and replay rules in include/ratesim/trace.h).
 *
 * One pass over the file, one line at a time into one buffer that grows up
 * to RS_TRACE_MAX_LINE bytes (a longer line is an error naming FILE:LINE,
 * never a silent truncation, and a file without line endings cannot eat
 * the memory): the first non-blank line decides the format, every later
 * non-blank line is one row.  Rows are appended
 * to three growing arrays holding absolute times; at the end the times are
 * shifted so that the first kept row is at 0.  Times never go through
 * floating point: Azure wall-clock stamps become microseconds with integer
 * day arithmetic, decimal seconds are parsed digit by digit, and both round
 * the digits past the microsecond half up.
 *
 * Cost: O(bytes) time; memory is the kept rows plus the longest line
 * (at most RS_TRACE_MAX_LINE + 1 bytes).
 */
#include "ratesim/trace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of line buffer allocated at first; it then doubles. */
#define TRACE_INITIAL_LINE 256
/* Rows allocated at first; the arrays then double. */
#define TRACE_INITIAL_ROWS 1024
/* Characters of an offending field or header quoted in a message. */
#define TRACE_QUOTE_MAX 80
/* More columns than any supported layout has; a line is split up to this. */
#define TRACE_MAX_COLUMNS 16
/* Azure timestamps have 100 ns resolution: 7 fractional digits at most. */
#define AZURE_FRAC_DIGITS 7
/* Digits of a microsecond count in a fraction of a second. */
#define US_FRAC_DIGITS 6
/* Digits in the whole seconds of a BurstGPT timestamp: 10^12 s is 31,000
 * years, far beyond any trace and well inside int64 microseconds. */
#define SECONDS_MAX_DIGITS 12
/* The largest integer a JSON number (an IEEE double) holds exactly. */
#define JSON_MAX_EXACT_INT 9007199254740992.0
#define SECONDS_PER_DAY    INT64_C(86400)
#define SECONDS_PER_HOUR   3600
#define SECONDS_PER_MINUTE 60
#define DAYS_PER_400_YEARS 146097
/* Days from 0000-03-01 (the start of era 0 in days_from_civil) to 1970-01-01. */
#define DAYS_0000_03_01_TO_EPOCH 719468
#define UTF8_BOM                 "\xEF\xBB\xBF"

#define AZURE_HEADER  "TIMESTAMP,ContextTokens,GeneratedTokens"
#define BURST1_HEADER "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type"
#define BURST3_HEADER                                                                              \
	"Timestamp,Session ID,Elapsed time,Model,Request tokens,Response tokens,Total tokens,"     \
	"Log Type"

/* One CSV layout: the header that names it and where its columns are. */
typedef struct csv_layout {
	const char *header;
	rs_trace_format format;
	int ncols;
	int col_time, col_model, col_prompt, col_output, col_total; /* -1: absent */
	bool wall_clock; /* Azure date-time stamps; else decimal seconds */
	const char *prompt_name, *output_name, *total_name;
} csv_layout;

static const csv_layout csv_layouts[] = {
    {AZURE_HEADER, RS_TRACE_AZURE, 3, 0, -1, 1, 2, -1, true, "ContextTokens", "GeneratedTokens",
     NULL},
    {BURST1_HEADER, RS_TRACE_BURSTGPT, 6, 0, 1, 2, 3, 4, false, "Request tokens", "Response tokens",
     "Total tokens"},
    {BURST3_HEADER, RS_TRACE_BURSTGPT, 8, 0, 3, 4, 5, 6, false, "Request tokens", "Response tokens",
     "Total tokens"},
};
#define N_CSV_LAYOUTS (sizeof csv_layouts / sizeof csv_layouts[0])

/* The state of one load. */
typedef struct loader {
	const rs_trace_cfg *cfg;
	const char *path;
	FILE *f;
	char *buf;    /* the current line, without its line ending */
	size_t cap;   /* bytes allocated for buf */
	size_t len;   /* length of the current line */
	size_t line;  /* 1-based number of the current line */
	rs_trace *tr; /* being built; t[] holds absolute times until the end */
	size_t cap_rows;
	size_t rows_read; /* data rows in the file, kept or not */
	bool have_prev;
	rs_time prev; /* absolute time of the previous data row */
	rs_error *err;
} loader;

static const char *format_noun(rs_trace_format f)
{
	switch (f) {
	case RS_TRACE_AZURE:
		return "an Azure";
	case RS_TRACE_BURSTGPT:
		return "a BurstGPT";
	case RS_TRACE_MOONCAKE:
		return "a Mooncake";
	case RS_TRACE_AUTO:
		break;
	}
	return "an unknown";
}

/* Make room for at least `need` bytes in ld->buf (need <= the limit + 2). */
static bool grow_line(loader *ld, size_t need)
{
	if (need <= ld->cap)
		return true;
	size_t cap = ld->cap ? ld->cap : TRACE_INITIAL_LINE;
	while (cap < need)
		cap *= 2;
	if (cap > RS_TRACE_MAX_LINE + 2)
		cap = RS_TRACE_MAX_LINE + 2;
	char *b = realloc(ld->buf, cap);
	if (!b)
		return false;
	ld->buf = b;
	ld->cap = cap;
	return true;
}

/* Read the next line into ld->buf without its LF / CRLF.  Returns 1 for a
 * line, 0 at the end of the file, or -1 with *err filled: a read error, a
 * line longer than RS_TRACE_MAX_LINE bytes, a NUL byte. */
static int next_line(loader *ld)
{
	size_t n = 0;
	int c = EOF;
	bool nul = false;
	errno = 0;
	while ((c = getc(ld->f)) != EOF && c != '\n') {
		if (n == RS_TRACE_MAX_LINE + 1) { /* room for a CR before the LF */
			rs_fail(ld->err, RS_ERR_SYNTAX,
			        "%s:%zu: line longer than %d bytes (the longest trace line read)",
			        ld->path, ld->line + 1, RS_TRACE_MAX_LINE);
			return -1;
		}
		if (!grow_line(ld, n + 2)) {
			rs_fail(ld->err, RS_ERR_NOMEM, "%s:%zu: out of memory", ld->path,
			        ld->line + 1);
			return -1;
		}
		nul = nul || c == '\0';
		ld->buf[n++] = (char)c;
	}
	if (c == EOF && ferror(ld->f)) {
		int e = errno ? errno : EIO;
		rs_fail(ld->err, RS_ERR_IO, "%s:%zu: cannot read: %s", ld->path, ld->line + 1,
		        strerror(e));
		return -1;
	}
	if (c == EOF && n == 0)
		return 0;
	if (!grow_line(ld, n + 1)) {
		rs_fail(ld->err, RS_ERR_NOMEM, "%s:%zu: out of memory", ld->path, ld->line + 1);
		return -1;
	}
	ld->line++;
	if (n && ld->buf[n - 1] == '\r')
		n--;
	if (n > RS_TRACE_MAX_LINE) {
		rs_fail(ld->err, RS_ERR_SYNTAX,
		        "%s:%zu: line longer than %d bytes (the longest trace line read)", ld->path,
		        ld->line, RS_TRACE_MAX_LINE);
		return -1;
	}
	ld->buf[n] = '\0';
	ld->len = n;
	if (nul) {
		rs_fail(ld->err, RS_ERR_SYNTAX, "%s:%zu: NUL byte in a text line", ld->path,
		        ld->line);
		return -1;
	}
	return 1;
}

static rs_status push_row(loader *ld, rs_time t, int32_t prompt, int32_t output)
{
	rs_trace *tr = ld->tr;
	if (tr->n == ld->cap_rows) {
		size_t cap = ld->cap_rows ? 2 * ld->cap_rows : TRACE_INITIAL_ROWS;
		rs_time *nt = rs_realloc_array(tr->t, cap, sizeof *nt);
		if (!nt)
			return rs_fail(ld->err, RS_ERR_NOMEM, "%s: out of memory", ld->path);
		tr->t = nt;
		int32_t *np = rs_realloc_array(tr->prompt, cap, sizeof *np);
		if (!np)
			return rs_fail(ld->err, RS_ERR_NOMEM, "%s: out of memory", ld->path);
		tr->prompt = np;
		int32_t *no = rs_realloc_array(tr->output, cap, sizeof *no);
		if (!no)
			return rs_fail(ld->err, RS_ERR_NOMEM, "%s: out of memory", ld->path);
		tr->output = no;
		ld->cap_rows = cap;
	}
	tr->t[tr->n] = t;
	tr->prompt[tr->n] = prompt;
	tr->output[tr->n] = output;
	tr->n++;
	return RS_OK;
}

/* Every data row's time, kept or not, must not go below the previous one. */
static rs_status check_order(loader *ld, rs_time t)
{
	if (ld->have_prev && t < ld->prev)
		return rs_fail(ld->err, RS_ERR_INVALID, "%s:%zu: timestamps go backwards", ld->path,
		               ld->line);
	ld->have_prev = true;
	ld->prev = t;
	return RS_OK;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Read exactly `ndig` digits at *s into *v.  Returns false if one is not a
 * digit.  Advances *s. */
static bool fixed_digits(const char **s, int ndig, int *v)
{
	int x = 0;
	for (int i = 0; i < ndig; i++) {
		if (!is_digit(**s))
			return false;
		x = x * 10 + (**s - '0');
		(*s)++;
	}
	*v = x;
	return true;
}

/* A fraction of a second: one or more digits (at most max_digits when that
 * is > 0) then the end of the string.  OUT: *us, rounded half up to the
 * microsecond (a 7th digit of 5 or more rounds up; the rest cannot change
 * that).  Returns false when malformed. */
static bool frac_to_us(const char *s, int max_digits, int64_t *us)
{
	int64_t x = 0;
	int n = 0;
	bool up = false;
	for (; is_digit(*s); s++, n++) {
		if (n < US_FRAC_DIGITS)
			x = x * 10 + (*s - '0');
		else if (n == US_FRAC_DIGITS)
			up = *s >= '5';
	}
	if (n == 0 || *s != '\0' || (max_digits > 0 && n > max_digits))
		return false;
	for (int i = n; i < US_FRAC_DIGITS; i++)
		x *= 10;
	*us = x + (up ? 1 : 0);
	return true;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
 * days_from_civil): years are counted from March so that the leap day is
 * the last day of a year, and 400-year eras repeat exactly. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                   /* [0, 399] */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
	return era * DAYS_PER_400_YEARS + doe - DAYS_0000_03_01_TO_EPOCH;
}

/* "YYYY-MM-DD HH:MM:SS[.f{1,7}]" to microseconds since 1970-01-01 00:00 of
 * the same (unnamed) time zone.  Returns false when malformed or out of
 * range (month 13, February 30th, hour 24, second 60, ...). */
static bool parse_wall_clock(const char *s, rs_time *out)
{
	int y, mo, d, h, mi, sec;
	if (!fixed_digits(&s, 4, &y) || *s++ != '-' || !fixed_digits(&s, 2, &mo) || *s++ != '-' ||
	    !fixed_digits(&s, 2, &d) || *s++ != ' ' || !fixed_digits(&s, 2, &h) || *s++ != ':' ||
	    !fixed_digits(&s, 2, &mi) || *s++ != ':' || !fixed_digits(&s, 2, &sec))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h >= 24 ||
	    mi >= SECONDS_PER_MINUTE || sec >= SECONDS_PER_MINUTE)
		return false;
	int64_t us = 0;
	if (*s == '.') {
		if (!frac_to_us(s + 1, AZURE_FRAC_DIGITS, &us))
			return false;
	} else if (*s != '\0') {
		return false;
	}
	int64_t secs = days_from_civil(y, mo, d) * SECONDS_PER_DAY + h * SECONDS_PER_HOUR +
	               mi * SECONDS_PER_MINUTE + sec;
	*out = secs * RS_US_PER_S + us;
	return true;
}

/* Non-negative decimal seconds "S" or "S.fff" to microseconds. */
static bool parse_seconds(const char *s, rs_time *out)
{
	int64_t secs = 0;
	int n = 0;
	for (; is_digit(*s); s++, n++) {
		if (n == SECONDS_MAX_DIGITS)
			return false;
		secs = secs * 10 + (*s - '0');
	}
	if (n == 0)
		return false;
	int64_t us = 0;
	if (*s == '.') {
		if (!frac_to_us(s + 1, 0, &us))
			return false;
	} else if (*s != '\0') {
		return false;
	}
	*out = secs * RS_US_PER_S + us;
	return true;
}

/* A token count: decimal digits, at most INT32_MAX. */
static rs_status parse_count(loader *ld, const char *s, const char *name, int32_t *out)
{
	const char *p = s;
	bool neg = *p == '-';
	if (neg)
		p++;
	int64_t v = 0;
	if (!is_digit(*p))
		goto bad;
	for (; is_digit(*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > INT32_MAX)
			goto bad;
	}
	if (*p != '\0')
		goto bad;
	if (neg && v != 0)
		return rs_fail(ld->err, RS_ERR_INVALID, "%s:%zu: %s must be >= 0 (got %s)",
		               ld->path, ld->line, name, s);
	*out = (int32_t)v;
	return RS_OK;
bad:
	return rs_fail(ld->err, RS_ERR_SYNTAX, "%s:%zu: bad %s \"%.*s\" (expected an integer >= 0)",
	               ld->path, ld->line, name, TRACE_QUOTE_MAX, s);
}

/* Split ld->buf in place at commas.  OUT: col[0..min(n, max)-1].  Returns
 * the number of columns the line has. */
static int split_csv(char *line, char **col, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		char *comma = strchr(p, ',');
		if (n < max)
			col[n] = p;
		n++;
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

static rs_status read_csv_row(loader *ld, const csv_layout *lay)
{
	char *col[TRACE_MAX_COLUMNS];
	int n = split_csv(ld->buf, col, TRACE_MAX_COLUMNS);
	if (n != lay->ncols)
		return rs_fail(ld->err, RS_ERR_SYNTAX, "%s:%zu: expected %d columns %s (got %d)",
		               ld->path, ld->line, lay->ncols, lay->header, n);

	rs_time t;
	const char *ts = col[lay->col_time];
	if (!(lay->wall_clock ? parse_wall_clock(ts, &t) : parse_seconds(ts, &t)))
		return rs_fail(ld->err, RS_ERR_SYNTAX, "%s:%zu: bad timestamp \"%.*s\"", ld->path,
		               ld->line, TRACE_QUOTE_MAX, ts);
	int32_t prompt, output, total;
	rs_status st;
	if ((st = parse_count(ld, col[lay->col_prompt], lay->prompt_name, &prompt)) ||
	    (st = parse_count(ld, col[lay->col_output], lay->output_name, &output)))
		return st;
	/* Total tokens is checked to be a count, not used */
	if (lay->col_total >= 0 &&
	    (st = parse_count(ld, col[lay->col_total], lay->total_name, &total)))
		return st;
	if ((st = check_order(ld, t)))
		return st;
	ld->rows_read++;

	if (lay->col_model >= 0 && ld->cfg->model_filter &&
	    strcmp(col[lay->col_model], ld->cfg->model_filter) != 0)
		return RS_OK;
	if (lay->format == RS_TRACE_BURSTGPT && output == 0) {
		ld->tr->zero_rows++;
		if (ld->cfg->zero_rows == RS_ZERO_ROWS_SKIP)
			return RS_OK;
	}
	return push_row(ld, t, prompt, output);
}

/* One member of a Mooncake row: an integer in [0, max]. */
static rs_status json_int(loader *ld, const cJSON *obj, const char *key, double max, double *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!it)
		return rs_fail(ld->err, RS_ERR_INVALID, "%s:%zu: missing \"%s\"", ld->path,
		               ld->line, key);
	double x = cJSON_IsNumber(it) ? it->valuedouble : -1.0;
	if (!(x >= 0 && x <= max) || x != (double)(int64_t)x)
		return rs_fail(ld->err, RS_ERR_INVALID,
		               "%s:%zu: \"%s\" must be an integer from 0 to %.0f", ld->path,
		               ld->line, key, max);
	*v = x;
	return RS_OK;
}

/* A key given twice in a row is refused (as in scenarios): which one a
 * reader takes is not defined by JSON.  O(keys^2); a row has a handful. */
static rs_status check_duplicates(loader *ld, const cJSON *obj)
{
	for (const cJSON *a = obj->child; a; a = a->next)
		for (const cJSON *b = a->next; b; b = b->next)
			if (a->string && b->string && !strcmp(a->string, b->string))
				return rs_fail(ld->err, RS_ERR_SYNTAX,
				               "%s:%zu: duplicate key \"%.*s\"", ld->path, ld->line,
				               TRACE_QUOTE_MAX, a->string);
	return RS_OK;
}

static rs_status read_jsonl_row(loader *ld)
{
	const char *end = NULL;
	cJSON *obj = cJSON_ParseWithOpts(ld->buf, &end, 1);
	if (!obj) {
		size_t colno = end && end >= ld->buf ? (size_t)(end - ld->buf) + 1 : 1;
		return rs_fail(ld->err, RS_ERR_SYNTAX, "%s:%zu:%zu: bad JSON", ld->path, ld->line,
		               colno);
	}
	rs_status st = RS_OK;
	double ms = 0, in = 0, outl = 0;
	if (!cJSON_IsObject(obj))
		st = rs_fail(ld->err, RS_ERR_SYNTAX, "%s:%zu: expected a JSON object", ld->path,
		             ld->line);
	else if (!(st = check_duplicates(ld, obj)) &&
	         !(st = json_int(ld, obj, "timestamp", JSON_MAX_EXACT_INT, &ms)) &&
	         !(st = json_int(ld, obj, "input_length", INT32_MAX, &in)))
		st = json_int(ld, obj, "output_length", INT32_MAX, &outl);
	cJSON_Delete(obj);
	if (st)
		return st;
	rs_time t = (rs_time)ms * RS_US_PER_MS;
	if ((st = check_order(ld, t)))
		return st;
	ld->rows_read++;
	return push_row(ld, t, (int32_t)in, (int32_t)outl);
}

/* Decide the format from the first line.  OUT: *fmt, *lay (CSV only). */
static rs_status read_first_line(loader *ld, rs_trace_format *fmt, const csv_layout **lay)
{
	int got;
	while ((got = next_line(ld)) > 0 && ld->len == 0)
		; /* blank lines before the header or first row are skipped too */
	if (got < 0)
		return ld->err->status;
	if (got == 0)
		return rs_fail(ld->err, RS_ERR_INVALID, "%s: no rows", ld->path);
	size_t bom = strlen(UTF8_BOM);
	if (ld->len >= bom && memcmp(ld->buf, UTF8_BOM, bom) == 0) {
		memmove(ld->buf, ld->buf + bom, ld->len - bom + 1);
		ld->len -= bom;
	}
	*lay = NULL;
	if (ld->buf[0] == '{') {
		*fmt = RS_TRACE_MOONCAKE;
	} else {
		for (size_t i = 0; i < N_CSV_LAYOUTS; i++)
			if (strcmp(ld->buf, csv_layouts[i].header) == 0)
				*lay = &csv_layouts[i];
		if (!*lay)
			return rs_fail(ld->err, RS_ERR_INVALID,
			               "%s:%zu: unknown trace header \"%.*s\" (expected an Azure, "
			               "BurstGPT or Mooncake trace)",
			               ld->path, ld->line, TRACE_QUOTE_MAX, ld->buf);
		*fmt = (*lay)->format;
	}
	if (ld->cfg->format != RS_TRACE_AUTO && ld->cfg->format != *fmt)
		return rs_fail(ld->err, RS_ERR_INVALID,
		               "%s:%zu: this is %s trace, but the scenario says it is %s trace",
		               ld->path, ld->line, format_noun(*fmt), format_noun(ld->cfg->format));
	if (ld->cfg->model_filter && *fmt != RS_TRACE_BURSTGPT)
		return rs_fail(ld->err, RS_ERR_INVALID,
		               "%s: a model filter (\"%s\") needs a BurstGPT trace, and this is %s "
		               "trace",
		               ld->path, ld->cfg->model_filter, format_noun(*fmt));
	return RS_OK;
}

static rs_status load_rows(loader *ld)
{
	rs_trace_format fmt = RS_TRACE_AUTO;
	const csv_layout *lay = NULL;
	rs_status st = read_first_line(ld, &fmt, &lay);
	if (st)
		return st;
	ld->tr->format = fmt;
	if (fmt == RS_TRACE_MOONCAKE && (st = read_jsonl_row(ld)))
		return st;
	int got;
	while ((got = next_line(ld)) > 0) {
		if (ld->len == 0)
			continue;
		st = lay ? read_csv_row(ld, lay) : read_jsonl_row(ld);
		if (st)
			return st;
	}
	if (got < 0)
		return ld->err->status;
	if (ld->rows_read == 0)
		return rs_fail(ld->err, RS_ERR_INVALID, "%s: no rows", ld->path);
	const char *model = ld->cfg->model_filter;
	if (ld->tr->n == 0 && ld->tr->zero_rows == 0)
		return rs_fail(ld->err, RS_ERR_INVALID, "%s: no row has Model \"%s\"", ld->path,
		               model ? model : "");
	if (ld->tr->n == 0)
		return rs_fail(ld->err, RS_ERR_INVALID,
		               "%s: every row%s%s%s is a failed request (Response tokens 0), and "
		               "failed rows are skipped",
		               ld->path, model ? " with Model \"" : "", model ? model : "",
		               model ? "\"" : "");
	return RS_OK;
}

rs_status rs_trace_load(const rs_trace_cfg *cfg, rs_trace **out, rs_error *err)
{
	*out = NULL;
	rs_error scratch = {0}; /* stands in for a NULL err */
	loader ld = {.cfg = cfg, .path = cfg->path, .err = err ? err : &scratch};
	ld.tr = rs_calloc(1, sizeof *ld.tr);
	if (!ld.tr)
		return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", cfg->path);
	ld.f = fopen(cfg->path, "rb");
	if (!ld.f) {
		int e = errno;
		rs_trace_free(ld.tr);
		return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", cfg->path, strerror(e));
	}
	rs_status st = load_rows(&ld);
	free(ld.buf);
	fclose(ld.f);
	if (st) {
		rs_trace_free(ld.tr);
		return st;
	}
	rs_trace *tr = ld.tr;
	tr->path = cfg->path;
	rs_time t0 = tr->t[0];
	for (size_t i = 0; i < tr->n; i++)
		tr->t[i] -= t0;
	tr->span = tr->t[tr->n - 1];
	tr->mean_gap = tr->n > 1 ? tr->span / (rs_time)(tr->n - 1) : RS_US_PER_S;
	*out = tr;
	return RS_OK;
}

void rs_trace_free(rs_trace *t)
{
	if (!t)
		return;
	free(t->t);
	free(t->prompt);
	free(t->output);
	free(t);
}
