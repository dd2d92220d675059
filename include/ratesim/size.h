/*
 * size.h - `ratesim size`: the smallest value of one parameter that meets
 * every target, with 95% confidence.  "How much do we buy?"
 *
 *   ratesim size FILE --param 'deployments[0].ptu' \
 *       --target 'rate_429<=0.01' --target 'latency_ms.p99<=20000'
 *
 * Targets: FIGURE OP NUMBER, FIGURE a figure of summary.json (aggregate.h)
 * and OP one of <= < >= >.  A value meets a target when the whole 95%
 * interval of the figure's mean over the replications is on the right side:
 * mean + ci95 <= X (or < X) for an upper bound, mean - ci95 >= X (or > X)
 * for a lower bound.  With one replication there is no interval and the
 * mean decides.
 *
 * Valid values: for deployments[i].ptu, the model's PTU minimum and then
 * its increments for the deployment's kind (global and data zone, or
 * regional); for deployments[i].tpm, whole thousands; for
 * routers[i].replicas, the number of copies of the router's first backend
 * (each copy a deployment of its own in a subscription of its own, named
 * NAME-rK and SUBSCRIPTION-rK, as when capacity grows by adding
 * subscriptions); for any other numeric value, multiples of --step (default
 * 1 for a whole number).  --min and --max are snapped onto that grid; the
 * default range is from the smallest valid value to 4 times the scenario's
 * (16 for replicas).
 *
 * The search assumes that more of the parameter never makes a figure
 * worse: it runs --max first (refusing when the targets cannot be met
 * there), then --min, then bisects, and stops when the answer meets every
 * target and the next smaller valid value does not (both were run).  Each
 * value is a group of the plan (DIR/v-VALUE/rep-K), so runs are reused
 * when the search is run again, and with --emit-jobs each round writes the
 * jobs of its one value and stops; run the same command again to go on.
 *
 * Outputs (DIR): size.csv (every value tried, each target's mean, ci95,
 * bound and whether it is met), one chart per target (size_K), report.md
 * and report.html: the answer, its cost, and beside it what the
 * average-based PTU sizing formula says for the same workload.
 */
#ifndef RATESIM_SIZE_H
#define RATESIM_SIZE_H

#include "ratesim/aggregate.h"
#include "ratesim/decide.h"
#include "ratesim/plan.h"

#define RS_SIZE_DEFAULT_REPLICATIONS 10
#define RS_SIZE_DEFAULT_MAX_FACTOR   4 /* the default --max: 4 x the scenario's value */
#define RS_SIZE_DEFAULT_MAX_REPLICAS 16
#define RS_SIZE_MAX_TARGETS          16
#define RS_SIZE_MAX_VALUES           1000000 /* grid points between min and max */

typedef struct rs_size_setup {
	const char *file;
	const char *const *sets;
	size_t n_sets;
	const char *seed_text;
	const char *dir; /* NULL: results/<name>-size */
	const char *param;
	const char *const *targets;
	size_t n_targets;
	const char *min, *max, *step; /* NULL: defaults */
	size_t replications;          /* 0: RS_SIZE_DEFAULT_REPLICATIONS */
	bool force;
} rs_size_setup;

/* Run the search (or, with o->emit_jobs, the next round's jobs: *emitted).
 * OUT: res->text (the answer, or what to run next).  Errors: RS_ERR_USAGE
 * for a malformed target or parameter, an unknown figure (with the nearest
 * one), a parameter that is not numeric; RS_ERR_INVALID when the targets
 * are not met at --max (naming the figures); those of the runs. */
rs_status rs_size_search(const rs_size_setup *s, const rs_decide_opts *o, bool *emitted,
                         rs_decide_result *res, rs_error *err);

/* collect for a sizing folder: size.csv, charts, report, from whatever
 * values were run. */
rs_status rs_size_conclude(const rs_fig_table *t, const rs_plan *p, const rs_decide_opts *o,
                           rs_decide_result *res, rs_error *err);

#endif
