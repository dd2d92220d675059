/*
 * collect.h - `ratesim collect DIR`, which every decision command ends with:
 * the conclusions of a plan's folder, from its run folders alone.
 *
 * Whatever made the runs (the built-in pool, GNU parallel, Slurm), collect
 * reads them back in plan order (aggregate.h), so its files are
 * byte-identical for the same runs.  A missing or incomplete run is named,
 * and nothing is concluded.
 */
#ifndef RATESIM_COLLECT_H
#define RATESIM_COLLECT_H

#include "ratesim/decide.h"

/* Conclude from the plan in dir: every kind's files (decide.h lists them
 * per kind).  Errors: those of rs_plan_read, rs_fig_table_load (missing
 * runs), and of the outputs.  OUT: *res (rs_decide_result_free). */
rs_status rs_collect(const char *dir, const rs_decide_opts *o, rs_decide_result *res,
                     rs_error *err);

#endif
