/*
 * decide.h - the layer above one run: run a plan (plan.h) with the
 * built-in worker pool or write it as jobs for GNU parallel / Slurm, then
 * conclude from the run folders (collect).
 *
 *     run -r N / compare / sweep / size        (what to run, what to conclude)
 *          |  a plan: groups x replications, written as DIR/plan.json
 *          v
 *     rs_decide_execute: pool (default) or --emit-jobs (jobs.txt, jobs.sbatch)
 *          v
 *     rs_collect(DIR) (collect.h): aggregate.h, per kind: the aggregate summary,
 *          runs.csv / points.csv, charts and report
 *
 * The orchestrations of each command live in their own rooms (sweep.h,
 * size.h, compare.h); this file is the shared pipe.  A run folder that is
 * complete (its summary.json says the plan's seed and replication) is not
 * run again, so a plan interrupted, or half run elsewhere, resumes.
 */
#ifndef RATESIM_DECIDE_H
#define RATESIM_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "ratesim/aggregate.h"
#include "ratesim/common.h"
#include "ratesim/config.h"
#include "ratesim/plan.h"
#include "ratesim/textio.h"

typedef struct rs_decide_opts {
	size_t workers;        /* worker processes (-j); 0: one per online CPU */
	const char *emit_jobs; /* --emit-jobs FILE: write jobs instead of running */
	const char *program;   /* the ratesim executable named in job lines */
	/* Run one job's argv in this process (the CLI's own entry point), in
	 * a pool worker; returns an exit code. */
	int (*run_argv)(int argc, char **argv);
	bool charts; /* draw the aggregate charts */
	/* Progress of the pool (may be NULL): done of n runs ended. */
	void (*progress)(void *ctx, size_t done, size_t n);
	void *progress_ctx;
	/* A comparison's report over this window of the runs (plot --window
	 * NAME; issue 11), instead of the one it was run with; NULL: that. */
	const char *window;
} rs_decide_opts;

/* What a collect concluded, for the command line to print. */
typedef struct rs_decide_result {
	char *text;        /* one or more lines for stdout (owned; free) */
	char warning[512]; /* "" or a chart warning (gnuplot missing) */
} rs_decide_result;

/* Write DIR/plan.json (refusing a DIR that holds another plan's results,
 * unless force), then either write the jobs (*emitted = true) or run every
 * incomplete run with the pool.  Errors: a run failed (RS_ERR_INVALID,
 * naming its folder and the command to rerun it; its own message was
 * printed by the worker), RS_ERR_IO, RS_ERR_NOMEM. */
rs_status rs_decide_execute(const rs_plan *p, const rs_decide_opts *o, bool force, bool *emitted,
                            rs_error *err);

/* Which runs of p are complete already (n = rs_plan_runs; caller frees). */
bool *rs_decide_done(const rs_plan *p);

void rs_decide_result_free(rs_decide_result *res);

/* Check that every name in figures[0..n) is a figure of cfg's summary
 * (built from the scenario without running it), so that a typo fails
 * before any run: "WHAT: unknown figure \"rate429\"; did you mean
 * \"rate_429\"?" (RS_ERR_USAGE; `what` says where the name came from).
 * Errors also: the world's (traces), RS_ERR_NOMEM. */
rs_status rs_decide_check_figures(const rs_config *cfg, const char *const *figures, size_t n,
                                  const char *what, rs_error *err);

/* One line of a group's main figures, "NAME: 429 rate 49.82% +- 0.41%,
 * final failures ..., p99 latency ..., tokens/min ...", appended to b. */
void rs_decide_line(const rs_fig_table *t, const rs_plan *p, size_t g, const char *name,
                    rs_text_buf *b);

/* Remove what an earlier plan or run wrote in dir (the plan's group and
 * replication folders, and the files ratesim writes at the top; nothing
 * else), as --force does before a plan runs; `run -o DIR --force` over a
 * plan's folder calls it.  Errors: RS_ERR_IO (cannot remove), RS_ERR_NOMEM. */
rs_status rs_decide_clear(const char *dir, rs_error *err);

#endif
