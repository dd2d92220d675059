/*
 * decide_chart.h - the charts of the decision layer, drawn by gnuplot
 * (gnuplot.h) from the aggregate files:
 *
 *   rep_rate_429, rep_throughput, rep_latency
 *                 a replicated run's series over time: the mean of the
 *                 replications and the 95% interval of the mean as a band
 *                 (template plots/bands.gp), from GROUP/bands.csv
 *   latency_cdf   the pooled latency distribution of every replication's
 *                 successes (template plots/latency_cdf.gp)
 *   sweep_FIGURE  a figure of a sweep against its first axis, one line per
 *                 value of the second (plots/sweep.gp)
 *   size_N        a target of a sizing search against the parameter, with
 *                 the threshold, the answer and the formula's answer
 *                 (plots/size.gp)
 *
 * Each is DIR/NAME.dat + DIR/NAME.gp + the images, like every ratesim
 * chart (docs/charts.md), and a missing gnuplot is a warning.
 */
#ifndef RATESIM_DECIDE_CHART_H
#define RATESIM_DECIDE_CHART_H

#include <stddef.h>

#include "ratesim/common.h"

/* The band charts and the pooled CDF of a replicated group in gdir. */
rs_status rs_dchart_bands(const char *gdir, const char *title, size_t n_rep, char *warning,
                          size_t wlen, rs_error *err);

/* One sweep chart: DIR/sweep_<figure with '.' and '[' ']' as '_'>.
 * x[i], line[i] (NULL: one line) are the points' axis values as text;
 * mean[i], hw[i] the figure's mean and half-width (NaN: none). */
typedef struct rs_dchart_sweep_in {
	const char *dir, *title, *figure, *xlabel;
	size_t n_points, n_rep;
	const char *const *x, *const *line;
	const char *line_title; /* the legend's title ("": none) */
	const double *mean, *hw;
	int x_log;
} rs_dchart_sweep_in;
rs_status rs_dchart_sweep(const rs_dchart_sweep_in *in, const char **name_out, char *warning,
                          size_t wlen, rs_error *err);

/* One size chart DIR/size_<k>: the values tried (sorted by the caller),
 * the figure's mean and half-width at each, the threshold, the answer and
 * the formula's answer (NaN: none). */
typedef struct rs_dchart_size_in {
	const char *dir, *title, *figure, *target, *xlabel;
	size_t k, n, n_rep;
	const double *value, *mean, *hw;
	double threshold, answer, formula;
} rs_dchart_size_in;
rs_status rs_dchart_size(const rs_dchart_size_in *in, char *warning, size_t wlen, rs_error *err);

#endif
