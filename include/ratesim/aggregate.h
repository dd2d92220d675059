/*
 * aggregate.h - from the run folders of a plan to figures across
 * replications: the table of every run's figures, a group's aggregate
 * summary.json, its mean time series with 95% bands, and the tidy CSVs.
 *
 * A figure is a number of a run's summary.json, named by its path in the
 * --set syntax: "rate_429", "latency_ms.p99", "deployments[0].rate_429",
 * "cost.total_usd".  The provenance numbers (seed, replication) are not
 * figures.  A null (no sample: no success, no latency) is NaN here and is
 * left out of the statistics.
 *
 * Nothing here remembers a run: everything is read back from the folders,
 * in plan order, so an aggregate is byte-identical whichever executor made
 * the folders and in whatever order they finished.
 *
 * Files (docs/outputs.md):
 *   GROUP/summary.json   every figure of the run's summary as an object
 *                        {mean, stdev, ci95, min, max, n}; text as in the
 *                        runs; plus replications, seeds and how the
 *                        statistics were made
 *   GROUP/timeseries.csv the mean run: each number the mean over the
 *                        replications of the same bucket and scope
 *   GROUP/bands.csv      the total scope's main series per bucket: mean and
 *                        the 95% interval of the mean (lo, hi)
 *   GROUP/latency_cdf.csv the pooled latency distribution of all the
 *                        replications' successes
 *   runs.csv             one row per run: group, axes, seed, replication,
 *                        every figure
 *   points.csv           one row per group: axes, n, then each figure's
 *                        mean and ci95
 */
#ifndef RATESIM_AGGREGATE_H
#define RATESIM_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>

#include "ratesim/common.h"
#include "ratesim/plan.h"
#include "ratesim/stats.h"

struct cJSON;

/* The figures of every run of a plan, in plan order. */
typedef struct rs_fig_table {
	size_t n_figs;
	char **names;             /* n_figs figure paths, in the first run's order */
	size_t n_runs;            /* rs_plan_runs */
	double *v;                /* n_runs x n_figs; NaN for null or absent */
	struct cJSON **summaries; /* each run's summary.json (for the text) */
} rs_fig_table;

/* Read DIR/.../summary.json of every run of p.  A run whose folder has no
 * summary.json, an unreadable one, or one whose seed or replication is not
 * the plan's, is incomplete: then nothing is aggregated and err says
 * "DIR: N of M runs missing or incomplete: FOLDER (why), ..." (RS_ERR_IO).
 * OUT: *t (free with rs_fig_table_free). */
rs_status rs_fig_table_load(const rs_plan *p, rs_fig_table *t, rs_error *err);
void rs_fig_table_free(rs_fig_table *t);

/* Window `window`'s figures as a table of their own (issue 11): every
 * column windows.WINDOW.X of t becomes X, so that what reads run figures
 * (the report, the verdicts) reads the window's; each run's summary is
 * its windows.WINDOW object (copied).  OUT: *out (free with
 * rs_fig_table_free).  Errors: RS_ERR_USAGE when t has no such window,
 * RS_ERR_NOMEM. */
rs_status rs_fig_table_window(const rs_fig_table *t, const char *window, rs_fig_table *out,
                              rs_error *err);

/* The index of figure `name`, or -1.  near (may be NULL): OUT: the nearest
 * known name, for "did you mean". */
long rs_fig_find(const rs_fig_table *t, const char *name, const char **near);

/* The statistics of figure f over the replications of group g. */
void rs_fig_group_stats(const rs_fig_table *t, const rs_plan *p, size_t g, size_t f, rs_stats *s);

/* The paired difference of figure f: group a minus group b, replication by
 * replication. */
void rs_fig_paired(const rs_fig_table *t, const rs_plan *p, size_t a, size_t b, size_t f,
                   rs_stats *s);

/* Write the aggregate files of group g into its folder (DIR/GROUP, or DIR
 * for a plan of one unlabelled group): summary.json, timeseries.csv,
 * bands.csv, latency_cdf.csv. */
rs_status rs_agg_write_group(const rs_fig_table *t, const rs_plan *p, size_t g, rs_error *err);

/* Write DIR/runs.csv and DIR/points.csv.  axes: n_axes column names and,
 * per group, n_axes values (axis_values[g * n_axes + a], text); both may
 * be 0/NULL. */
rs_status rs_agg_write_tables(const rs_fig_table *t, const rs_plan *p, const char *const *axes,
                              size_t n_axes, const char *const *axis_values, rs_error *err);

/* True when run i of p has a complete folder: a summary.json with the
 * plan's seed and replication for it. */
bool rs_agg_run_complete(const rs_plan *p, size_t i);

/* The figure names of a summary document, in document order.  OUT:
 * *names (n strings; free each and the array).  Errors: RS_ERR_NOMEM. */
rs_status rs_agg_figure_names(const struct cJSON *summary, char ***names, size_t *n, rs_error *err);

/* The folder of group g (a new string). */
char *rs_agg_group_dir(const rs_plan *p, size_t g);

#endif
