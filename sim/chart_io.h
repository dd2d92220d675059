/*
 * chart_io.h - the files of a chart (sim/ internal): paths, the numbers and
 * names of a DIR/NAME.dat, the facts of a DIR/NAME.gp's head, and writing a
 * whole script (head, facts, templates; gnuplot.h).
 *
 * Numbers are printed with "%.10g", which depends on nothing but the value,
 * so the same inputs give the same bytes.
 */
#ifndef RATESIM_CHART_IO_H
#define RATESIM_CHART_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ratesim/common.h"

#define CHART_TS_CSV          "timeseries.csv"
#define CHART_UTIL_CSV        "utilisation.csv"
#define CHART_ALERTS_CSV      "alerts.csv"
#define CHART_CDF_CSV         "latency_cdf.csv"
#define CHART_DEFAULT_TITLE   "ratesim"
#define CHART_SECONDS_PER_MIN 60.0
#define CHART_PERCENT         100.0
#define CHART_MS_PER_S        1000.0

/* ---- paths ---- */

/* "dir/name" (one slash), or NULL when memory runs out.  Caller frees. */
char *chart_path_in(const char *dir, const char *name);

/* "dir/chart.ext", or NULL when memory runs out.  Caller frees. */
char *chart_path(const char *dir, const char *chart, const char *ext);

/* Remove dir/chart.ext; a file that is not there is fine. */
rs_status chart_remove_file(const char *dir, const char *chart, const char *ext, rs_error *err);

/* Remove the images of chart (every format), and with all also its .dat
 * and .gp: what an earlier render left that would no longer match. */
rs_status chart_remove(const char *dir, const char *chart, bool all, rs_error *err);

/* Open dir/chart.ext for writing.  OUT: *f.  Reports the path on failure. */
rs_status chart_open(const char *dir, const char *chart, const char *ext, FILE **f, rs_error *err);

/* Close dir/chart.ext opened by chart_open (f may be NULL: nothing to do),
 * reporting any earlier write error or a failed flush. */
rs_status chart_close(const char *dir, const char *chart, const char *ext, FILE *f, rs_error *err);

/* ---- .dat rows ---- */

/* The first number of a .dat row (a time, never missing). */
void chart_put_first(FILE *f, double v);

/* A further number of a .dat row: " %.10g", or " NaN" for no value. */
void chart_put_num(FILE *f, double v);

/* A name in a '#' comment line: control characters (which would end the
 * comment) as spaces. */
void chart_put_comment(FILE *f, const char *s);

/* v if it is a number above m, else m. */
double chart_max(double m, double v);

/* ---- facts in a script's head ---- */

/* name = v ("%.10g"; 0 for NaN). */
void chart_put_var(FILE *f, const char *name, double v);

/* The start of a gnuplot array of n strings, filled by chart_put_array_item.
 * gnuplot has no empty arrays: n = 0 declares one empty string, and the
 * template is told the count separately. */
void chart_put_array_head(FILE *f, const char *name, size_t n);

/* Item i (from 0) of the array name. */
void chart_put_array_item(FILE *f, const char *name, size_t i, const char *s);

/* The longest name a legend shows whole (characters): longer ones are cut
 * to this many with an ellipsis, so that the legend keeps to the right
 * margin of a slide-size chart; the .dat comments keep the full names. */
#define CHART_LEGEND_NAME_MAX 24

/* Item i (from 0) of the array name: s, cut to max characters (UTF-8 aware)
 * ending in an ellipsis when longer. */
void chart_put_array_item_cut(FILE *f, const char *name, size_t i, const char *s, size_t max);

/* Item i (from 0) of the array name: s as a double-quoted gnuplot string
 * broken into lines ("\n") of at most width characters, at a space, '-' or
 * '_' when there is one, else anywhere (a legend entry of several lines). */
void chart_put_array_item_wrapped(FILE *f, const char *name, size_t i, const char *s, size_t width);

/* How many lines chart_put_array_item_wrapped breaks s into. */
size_t chart_wrap_lines(const char *s, size_t width);

/* name = "1 3": the numbers (from 1) of the n items for which has(ctx, i). */
void chart_put_list(FILE *f, const char *name, size_t n, bool (*has)(const void *ctx, size_t i),
                    const void *ctx);

/* Writes a chart's facts (chart_put_var and the like) for the template. */
typedef void (*chart_facts_fn)(FILE *f, const void *ctx);

/* Write dir/chart.gp: the head (rs_gnuplot_put_head), the facts put by
 * facts(f, ctx), then the templates style.gp and chart.gp. */
rs_status chart_write_script(const char *dir, const char *chart, const char *title,
                             chart_facts_fn facts, const void *ctx, rs_error *err);

#endif
