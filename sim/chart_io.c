/*
 * chart_io.c - the files of a chart: paths, .dat rows, script facts and
 * whole scripts (see chart_io.h).
 */
#include "chart_io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratesim/gnuplot.h"
#include "ratesim/monitor.h"
#include "ratesim/textio.h"

#define CHART_N_FORMATS 2
static const char *const chart_formats[CHART_N_FORMATS] = {"png", "svg"};
/* The longest template name, "compare_throughput.gp" and the like. */
#define CHART_TEMPLATE_MAX 64

/* ---- paths ---------------------------------------------------------------------------- */

/* A printf-formatted new string, or NULL when memory runs out.  Caller frees. */
/* "dir/name" (one slash), or NULL when memory runs out.  Caller frees. */
char *chart_path_in(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	return rs_text_format("%s%s%s", dir, slash ? "/" : "", name);
}

/* "dir/chart.ext", or NULL when memory runs out.  Caller frees. */
char *chart_path(const char *dir, const char *chart, const char *ext)
{
	size_t dl = strlen(dir);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	return rs_text_format("%s%s%s.%s", dir, slash ? "/" : "", chart, ext);
}

/* Remove dir/chart.ext; a file that is not there is fine. */
rs_status chart_remove_file(const char *dir, const char *chart, const char *ext, rs_error *err)
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
rs_status chart_remove(const char *dir, const char *chart, bool all, rs_error *err)
{
	rs_status st = RS_OK;
	for (int f = 0; f < CHART_N_FORMATS && st == RS_OK; f++)
		st = chart_remove_file(dir, chart, chart_formats[f], err);
	if (all && st == RS_OK)
		st = chart_remove_file(dir, chart, "dat", err);
	if (all && st == RS_OK)
		st = chart_remove_file(dir, chart, "gp", err);
	return st;
}

/* ---- series files and scripts --------------------------------------------------------- */

/* The first number of a .dat row (a time, never missing). */
void chart_put_first(FILE *f, double v)
{
	fprintf(f, "%.10g", v);
}

/* A further number of a .dat row: " %.10g", or " NaN" for no value. */
void chart_put_num(FILE *f, double v)
{
	if (isnan(v))
		fputs(" NaN", f);
	else
		fprintf(f, " %.10g", v);
}

/* A name in a '#' comment line: control characters (which would end the
 * comment) as spaces. */
void chart_put_comment(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
}

/* v if it is a number above m, else m. */
double chart_max(double m, double v)
{
	return !isnan(v) && v > m ? v : m;
}

void chart_put_var(FILE *f, const char *name, double v)
{
	fprintf(f, "%s = %.10g\n", name, isnan(v) ? 0.0 : v);
}

/* The start of a gnuplot array of n strings, filled by chart_put_array_item.
 * gnuplot has no empty arrays: n = 0 declares one empty string, and the
 * template is told the count separately. */
void chart_put_array_head(FILE *f, const char *name, size_t n)
{
	fprintf(f, "array %s[%zu]\n", name, n ? n : 1);
	if (n == 0)
		fprintf(f, "%s[1] = ''\n", name);
}

/* Item i (from 0) of the array name. */
void chart_put_array_item(FILE *f, const char *name, size_t i, const char *s)
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
rs_status chart_open(const char *dir, const char *chart, const char *ext, FILE **f, rs_error *err)
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

/* Close dir/chart.ext opened by chart_open (f may be NULL: nothing to do). */
rs_status chart_close(const char *dir, const char *chart, const char *ext, FILE *f, rs_error *err)
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

void chart_put_array_item_cut(FILE *f, const char *name, size_t i, const char *s, size_t max)
{
	size_t chars = 0, cut = 0; /* cut: the bytes of the first max - 1 characters */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue; /* a UTF-8 continuation byte */
		if (chars == max - 1)
			cut = (size_t)((const char *)p - s);
		chars++;
	}
	if (chars <= max) {
		chart_put_array_item(f, name, i, s);
		return;
	}
	char *t = rs_text_format("%.*s\u2026", (int)cut, s);
	chart_put_array_item(f, name, i, t ? t : s);
	free(t);
}

/* One character of a double-quoted gnuplot string: \\ and \" escaped,
 * control characters as spaces. */
static void put_dq_char(FILE *f, unsigned char c)
{
	if (c == '\\' || c == '"')
		fputc('\\', f);
	fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
}

/* s broken into lines of at most width characters (at a space, '-' or '_'
 * when there is one): written to f as the inside of a double-quoted gnuplot
 * string when f is not NULL.  Returns the number of lines. */
static size_t wrap(FILE *f, const char *s, size_t width)
{
	size_t len = strlen(s), start = 0, lines = 1;
	while (start < len) {
		size_t end = len;
		if (len - start > width) {
			/* the last break point within width, else a hard break */
			end = start + width;
			for (size_t k = start + width; k > start + 1; k--)
				if (strchr(" -_", s[k - 1])) {
					end = k;
					break;
				}
		}
		for (size_t k = start; k < end && f; k++)
			put_dq_char(f, (unsigned char)s[k]);
		start = end;
		while (start < len && s[start] == ' ')
			start++;
		if (start < len) {
			lines++;
			if (f)
				fputs("\\n", f);
		}
	}
	return lines;
}

size_t chart_wrap_lines(const char *s, size_t width)
{
	return wrap(NULL, s, width);
}

void chart_put_array_item_wrapped(FILE *f, const char *name, size_t i, const char *s, size_t width)
{
	fprintf(f, "%s[%zu] = \"", name, i + 1);
	wrap(f, s, width);
	fputs("\"\n", f);
}

/* name = "1 3": the numbers (from 1) of the n items for which has(ctx, i). */
void chart_put_list(FILE *f, const char *name, size_t n, bool (*has)(const void *ctx, size_t i),
                    const void *ctx)
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

/* Write dir/chart.gp: head, the facts put by `facts`, templates. */
typedef void (*chart_facts_fn)(FILE *f, const void *ctx);

rs_status chart_write_script(const char *dir, const char *chart, const char *title,
                             chart_facts_fn facts, const void *ctx, rs_error *err)
{
	FILE *f;
	rs_status st = chart_open(dir, chart, "gp", &f, err);
	if (st != RS_OK)
		return st;
	rs_gnuplot_put_head(f, chart, title);
	facts(f, ctx);
	rs_monitor_put_gnuplot(f); /* the legends use Azure Monitor's names */
	char tmpl[CHART_TEMPLATE_MAX];
	snprintf(tmpl, sizeof tmpl, "%s.gp", chart);
	st = rs_gnuplot_put_body(f, tmpl, err);
	rs_status cs = chart_close(dir, chart, "gp", f, st == RS_OK ? err : NULL);
	return st == RS_OK ? cs : st;
}
