/*
 * output.h - the files a run writes into its output folder.
 *
 *   summary.json     run figures after warm-up (docs/outputs.md lists every field);
 *                    byte-identical for the same scenario, seed and build
 *   timeseries.csv   one row per bucket and scope, streamed as buckets close
 *   requests.csv     one row per attempt, only when asked (--log-requests)
 *   engine.json      wall-clock figures of the run (never in summary.json)
 *
 * Every file is written under a temporary name (NAME.tmp) and renamed into
 * place by rs_output_commit, so a failed or interrupted run never leaves a
 * partial file that looks complete; rs_output_free without commit removes
 * the temporaries.
 */
#ifndef RATESIM_OUTPUT_H
#define RATESIM_OUTPUT_H

#include "ratesim/config.h"
#include "ratesim/metrics.h"
#include "ratesim/world.h"

typedef struct rs_output rs_output;

/* Wall-clock figures measured by the caller (the core reads no clock). */
typedef struct rs_engine_stats {
	uint64_t events;
	uint64_t requests;
	double wall_s;
	long peak_rss_kb;
} rs_engine_stats;

/* Create `dir` (and its parents) and open the streamed files.
 * Errors: RS_ERR_IO naming the path. */
rs_status rs_output_open(const char *dir, bool log_requests, rs_output **out, rs_error *err);

/* Fill the world hooks that stream rows into this output (row, attempt). */
void rs_output_hooks(rs_output *o, rs_world_hooks *hooks);

/* Write summary.json and engine.json, then rename every file into place. */
rs_status rs_output_commit(rs_output *o, const rs_config *cfg, const rs_metrics *m,
                           const rs_engine_stats *es, rs_error *err);

/* Close; removes the temporaries of an output that was not committed. */
void rs_output_free(rs_output *o);

/* The summary document (for tests and compare): caller frees with cJSON_Delete. */
struct cJSON *rs_output_summary(const rs_config *cfg, const rs_metrics *m);

/* Write `text` to dir/name atomically (through name.tmp). */
rs_status rs_output_write_file(const char *dir, const char *name, const char *text, rs_error *err);

#endif
