/*
 * chart.h - the charts of a run and of a comparison, drawn by gnuplot.
 *
 * The chart writer reads a run's files (timeseries.csv, utilisation.csv,
 * latency_cdf.csv, summary.json and scenario.json for its faults; CSV
 * columns looked up by name in the header, columns added since older runs
 * optional), extracts each chart's series into DIR/<chart>.dat (at most
 * 1,000 points a series: a long run's buckets are merged, so the data stay
 * bounded whatever its length), writes the
 * gnuplot script it runs to DIR/<chart>.gp (the variable settings, then the
 * templates plots/style.gp and plots/<chart>.gp, compiled into the binary)
 * and runs gnuplot on it, without a shell, once for the PNG (pngcairo) and
 * once for the SVG.  The .dat and .gp files depend only on the inputs and
 * the options, byte for byte, and the .gp can be edited and rerun by hand
 * (plots/README.md, docs/charts.md).  A PNG or SVG appears only when
 * gnuplot exited 0 and left a complete image; what gnuplot writes to stderr
 * then is a warning, returned, not an error (gnuplot.h).  Files:
 * chart.c (a run), chart_compare.c, chart_csv.c, chart_axis.c, chart_io.c.
 *
 * Cost: one streaming pass over timeseries.csv (memory independent of its
 * length), utilisation.csv held in memory (one row per minute and
 * provisioned deployment), and two gnuplot processes per chart, at most
 * eight at a time.
 */
#ifndef RATESIM_CHART_H
#define RATESIM_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "ratesim/common.h"
#include "ratesim/gnuplot.h" /* rs_chart_opts */

/* Render the charts of the run in DIR, each as DIR/NAME.png and DIR/NAME.svg
 * beside DIR/NAME.dat (its series) and DIR/NAME.gp (the exact script run):
 *
 *   throughput    offered and served tokens/min and requests/min, each
 *                 standard deployment's TPM / RPM window (what its meter
 *                 counts against the limit; a provisioned one: served) and
 *                 limit (one line when all deployments share it)
 *   rate_429      429 rate (total and per deployment) and final-failure rate
 *   errors        5xx or unanswered share of attempts (total and per
 *                 deployment) and client timeouts per minute
 *   latency       end-to-end and time-to-first-token p50 / p95 / p99
 *   utilisation   provisioned deployments' utilisation with the 100% line and
 *                 the per-minute Utilization V2; only when utilisation.csv
 *                 has rows (its files are removed otherwise)
 *   latency_cdf   the latency distribution on a log axis
 *   outcomes      requests ok first try, ok after 429, spilled, failed, and
 *                 still in flight at the end (from summary.json)
 *
 * Charts left by an earlier run are removed first.  Every PNG and SVG is
 * drawn under NAME.FMT.tmp and renamed only when all of them were drawn
 * cleanly, so after an error none is left.
 *
 * dir:     the run's output folder (borrowed).
 * opts:    borrowed; NULL means all defaults.
 * warning: OUT: set to "" or to a message beginning "warning: ": gnuplot's
 *          first warning (the images stand), or that gnuplot is missing and
 *          not required (truncated to wlen); may be NULL.
 * err:     OUT: the message on failure; may be NULL.
 *
 * Result: RS_OK (charts drawn, perhaps with a warning, or skipped with one);
 *   RS_ERR_IO      an input cannot be read, or an output cannot be written;
 *   RS_ERR_SYNTAX  an input lacks a needed column or key, has a malformed
 *                  row or a non-number where a number belongs, has "total"
 *                  rows out of time order or none at all, or lists a
 *                  deployment in some buckets only;
 *   RS_ERR_TOOL    gnuplot is missing and opts->required ("gnuplot not found:
 *                  install the gnuplot-nox package (apt-get install
 *                  gnuplot-nox)"), cannot be run, exits non-zero (the
 *                  message names the script and quotes gnuplot's first
 *                  line), or leaves an image missing, empty or truncated;
 *   RS_ERR_NOMEM   out of memory.
 * On an error no PNG or SVG is left behind; the .dat and .gp may be. */
rs_status rs_chart_render(const char *dir, const rs_chart_opts *opts, char *warning, size_t wlen,
                          rs_error *err);

/* Render the comparison charts of n >= 1 runs DIR/labels[i]/ (each a
 * finished run: timeseries.csv and summary.json), one line or bar per run,
 * labelled labels[i], as DIR/NAME.{png,svg,dat,gp} for each NAME of
 * rs_chart_compare_info.  Rules, warning and errors as rs_chart_render.
 * labels: n strings, borrowed; each names a folder under dir. */
rs_status rs_chart_render_compare(const char *dir, const char *const *labels, size_t n,
                                  const rs_chart_opts *opts, char *warning, size_t wlen,
                                  rs_error *err);

/* The comparison charts, in the order a report shows them: for i below
 * their number, OUT: *name (e.g. "compare_rate_429") and *caption (a
 * sentence saying what the chart shows), static strings; returns true.
 * Returns false, touching nothing, when i is past the last chart. */
bool rs_chart_compare_info(size_t i, const char **name, const char **caption);

#endif
