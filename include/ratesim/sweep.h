/*
 * sweep.h - `ratesim sweep`: every point of a grid of --set values, R
 * replications each, and the figures against the axes.
 *
 * The grid comes from the scenario's "sweep" block (or from --axis options,
 * which replace the block's axes):
 *     "sweep": {
 *       "axes": [
 *         {"path": "clients[0].arrival.rate_rps", "values": [5, 10, 20]},
 *         {"path": "deployments[0].tpm", "from": 100000, "to": 300000, "step": 50000},
 *         {"path": "clients[0].arrival.rate_rps", "from": 1, "to": 100, "log_steps": 5}
 *       ],
 *       "replications": 5,
 *       "figures": ["rate_429", "latency_ms.p99"]
 *     }
 * Axes are crossed (the last one varies fastest); each point is the
 * scenario with one --set per axis after the command line's.  A range
 * holds from, from + step, ... up to `to` (within 1e-9 of a step), or
 * log_steps values spaced evenly on a log scale from `from` to `to`.
 *
 * Outputs (DIR): points pNNN/ with their rep-K/ runs and aggregate,
 * runs.csv, points.csv, one chart per figure (sweep_FIGURE: the figure
 * against the first axis, one line per value of the second), report.md
 * and report.html.
 */
#ifndef RATESIM_SWEEP_H
#define RATESIM_SWEEP_H

#include "ratesim/aggregate.h"
#include "ratesim/decide.h"
#include "ratesim/plan.h"

#define RS_SWEEP_MAX_POINTS           10000
#define RS_SWEEP_MAX_AXES             8
#define RS_SWEEP_DEFAULT_REPLICATIONS 5

typedef struct rs_sweep_setup {
	const char *file;
	const char *const *sets;
	size_t n_sets;
	const char *seed_text;   /* NULL: the scenario's seed is the base */
	const char *dir;         /* NULL: results/<name>-sweep */
	const char *const *axes; /* --axis PATH=V1,V2,...; replaces the file's axes */
	size_t n_axes;
	size_t replications; /* 0: the block's, else RS_SWEEP_DEFAULT_REPLICATIONS */
	bool log_requests;
} rs_sweep_setup;

/* Read the grid, check every point's scenario and the figures, build the
 * plan.  Errors: RS_ERR_USAGE for a malformed --axis, an unknown figure;
 * RS_ERR_INVALID naming the JSON path for a malformed block ("FILE:
 * .sweep.axes[0].values: must not be empty"), no axes, too many points;
 * the loader's for a value a point cannot take. */
rs_status rs_sweep_plan(const rs_sweep_setup *s, rs_plan *p, rs_error *err);

rs_status rs_sweep_conclude(const rs_fig_table *t, const rs_plan *p, const rs_decide_opts *o,
                            rs_decide_result *res, rs_error *err);

#endif
