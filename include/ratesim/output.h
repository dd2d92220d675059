/*
 * output.h - the files a run writes into its output folder.
 *
 *   summary.json     run figures after warm-up (docs/outputs.md lists every field);
 *                    byte-identical for the same scenario, seed and build
 *   timeseries.csv   one row per bucket and scope, streamed as buckets close
 *   requests.csv     one row per attempt, only when asked (--log-requests)
 *   engine.json      wall-clock figures of the run (never in summary.json)
 *
 *   utilisation.csv, latency_cdf.csv, scenario.json (docs/outputs.md)
 *   alerts.csv       alert events, with alert rules (alerts.h)
 *
 * The output folder is locked for the run and every file is written into a
 * private staging folder inside it (fsx.h); rs_output_commit moves them
 * into place with summary.json last, after removing the earlier run's
 * summary.json and files this run does not write.  So a folder with a
 * summary.json holds exactly one run's complete files, and a failed or
 * interrupted run leaves none of its own; rs_output_free without commit
 * removes the staging folder.
 */
#ifndef RATESIM_OUTPUT_H
#define RATESIM_OUTPUT_H

#include "ratesim/config.h"
#include "ratesim/metrics.h"
#include "ratesim/world.h"

typedef struct rs_output rs_output;

/* Wall-clock figures measured by the caller (the core reads no clock). */
typedef struct rs_engine_stats {
	uint64_t events;       /* simulated (rs_world_events) */
	uint64_t queue_events; /* of those, run by the engine's queue */
	uint64_t requests;
	double wall_s;
	long peak_rss_kb;
} rs_engine_stats;

/* Create `dir` (and its parents), lock it, create its staging folder and
 * open the streamed files there.  Errors: RS_ERR_IO naming the path (also
 * when another run holds the folder: "another ratesim run is writing into
 * this folder"). */
rs_status rs_output_open(const char *dir, bool log_requests, rs_output **out, rs_error *err);

/* With cfg's alert rules (borrowed until rs_output_free; none: nothing),
 * evaluate them on the rows as they stream (alerts.h) into alerts.csv, and
 * add "alerts" to summary.json.  Call before the run.  Errors: RS_ERR_IO
 * naming alerts.csv, NOMEM. */
rs_status rs_output_alerts(rs_output *o, const rs_config *cfg, rs_error *err);

/* Fill the world hooks that stream rows into this output (row, attempt). */
void rs_output_hooks(rs_output *o, rs_world_hooks *hooks);

/* Close the streams and write latency_cdf.csv, scenario.json, summary.json
 * and engine.json into the staging folder.  Errors: RS_ERR_IO naming the
 * output file and the reason (e.g. "No space left on device"), NOMEM. */
rs_status rs_output_finish(rs_output *o, const rs_config *cfg, const rs_metrics *m,
                           const rs_engine_stats *es, rs_error *err);

/* The staging folder, where extra files (the charts) may be drawn before
 * the commit; borrowed, valid until rs_output_free. */
const char *rs_output_staging(const rs_output *o);

/* Move every staged file into the output folder, summary.json last. */
rs_status rs_output_promote(rs_output *o, rs_error *err);

/* rs_output_finish, then rs_output_promote (a run without charts). */
rs_status rs_output_commit(rs_output *o, const rs_config *cfg, const rs_metrics *m,
                           const rs_engine_stats *es, rs_error *err);

/* The first failure of a streamed write ("DIR/timeseries.csv: cannot write:
 * REASON"), or "": the world hooks return only a status. */
const char *rs_output_failure(const rs_output *o);

/* Close; removes the temporaries of an output that was not committed. */
void rs_output_free(rs_output *o);

/* The summary document (for tests and compare): caller frees with cJSON_Delete. */
struct cJSON *rs_output_summary(const rs_config *cfg, const rs_metrics *m);

/* Write `text` to dir/name atomically (through a unique temporary name,
 * removed on failure or on a signal). */
rs_status rs_output_write_file(const char *dir, const char *name, const char *text, rs_error *err);

#endif
