/*
 * scenario_estimate.h - what a run will cost before it runs: its memory and
 * the size of its results, estimated from the config alone, and the check
 * of that estimate against the scenario's budgets ("limits"), so that an
 * absurd-but-valid scenario is refused at once with the value responsible
 * named, instead of running out of memory or disk hours later.
 */
#ifndef RATESIM_SCENARIO_ESTIMATE_H
#define RATESIM_SCENARIO_ESTIMATE_H

#include "ratesim/common.h"
#include "ratesim/config.h"

/* What a run of cfg will cost, estimated from the config alone
 * (scenario_estimate.c says how): peak memory, the size of its results
 * (timeseries.csv dominates), and the number of time-series buckets.
 * Trace files and requests.csv are not counted. */
typedef struct rs_scenario_estimate {
	double memory_mb;
	double output_mb;
	double buckets;
} rs_scenario_estimate;

void rs_scenario_estimate_of(const rs_config *cfg, rs_scenario_estimate *out);

/* RS_OK when the estimate of cfg is within max_memory_mb and max_output_mb;
 * else RS_ERR_INVALID with one line naming the value that dominates:
 *   FILE: .clients: a run with 100000 clients takes about 12509 MB of memory
 *   (estimate), over the budget of 4096 MB; to allow it, set
 *   limits.max_memory_mb in the scenario, or give --max-memory MB
 * The loaders call it with the scenario's limits (or the options'). */
rs_status rs_scenario_check_budget(const rs_config *cfg, double max_memory_mb, double max_output_mb,
                                   rs_error *err);

#endif
