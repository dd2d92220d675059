/*
 * chart.h - charts of a run, drawn by gnuplot from the run's time series.
 *
 * The chart writer reads DIR/timeseries.csv (columns looked up by name in the
 * header), extracts each chart's series into DIR/<chart>.dat, writes the
 * gnuplot script it runs to DIR/<chart>.gp (variable settings followed by a
 * template from plots/, compiled into the binary) and runs gnuplot on it
 * without a shell.  The .dat and .gp files depend only on the CSV and the
 * options, byte for byte, and the .gp can be edited and rerun by hand
 * (plots/README.md).  A PNG appears only when gnuplot succeeded cleanly.
 *
 * Cost: one pass over the CSV, memory independent of its length, and one
 * gnuplot process per chart.
 */
#ifndef RATESIM_CHART_H
#define RATESIM_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "ratesim/common.h"

typedef struct rs_chart_opts {
	const char *title;   /* e.g. "quickstart (seed 42)": scenario name and seed;
	                        NULL means "ratesim".  Control characters print as spaces. */
	const char *gnuplot; /* program to run; NULL means "gnuplot" found on PATH */
	bool required;       /* the user asked for charts explicitly: a missing
	                        gnuplot is an error */
} rs_chart_opts;

/* Render DIR/throughput.png from DIR/timeseries.csv: served tokens per minute
 * (left axis) and the 429 rate in % (right axis) over time in minutes, for
 * scope "total".
 *
 * Writes DIR/throughput.dat (the extracted series, whitespace separated,
 * commented header) and DIR/throughput.gp (the exact script run: the variable
 * settings followed by the template plots/throughput.gp), then runs gnuplot
 * on it.  A throughput.png left by an earlier run is removed first.  The PNG
 * is written to DIR/throughput.png.tmp and renamed only when gnuplot exits 0
 * with empty stderr.
 *
 * dir:     the run's output folder (borrowed).
 * opts:    borrowed; NULL means all defaults.
 * warning: OUT: set to "" or, when gnuplot is missing and not required, to a
 *          message beginning "warning: " (truncated to wlen); may be NULL.
 * err:     OUT: the message on failure; may be NULL.
 *
 * Result: RS_OK (charts drawn, or skipped with a warning);
 *   RS_ERR_IO      timeseries.csv cannot be read, or an output cannot be written;
 *   RS_ERR_SYNTAX  the CSV lacks a needed column (t_s, scope, tokens_per_min,
 *                  rate_429), has a malformed row or a non-number in those
 *                  columns, has total rows out of time order, or has no total row;
 *   RS_ERR_TOOL    gnuplot is missing and opts->required ("gnuplot not found:
 *                  install the gnuplot-nox package (apt-get install
 *                  gnuplot-nox)"), cannot be run, exits non-zero, or writes
 *                  anything (a warning too) to stderr: the message quotes its
 *                  first line;
 *   RS_ERR_NOMEM   out of memory.
 * On an error no PNG is left behind; the .dat and .gp may be. */
rs_status rs_chart_render(const char *dir, const rs_chart_opts *opts, char *warning, size_t wlen,
                          rs_error *err);

#endif
