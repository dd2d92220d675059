/*
 * run.h - one complete run of a scenario into an output folder: build the
 * world, run it, commit the outputs, draw the charts.  `ratesim run` and
 * `ratesim compare` both go through here, so a compared candidate is
 * exactly what `run` would have produced.
 *
 * The core reads no clock and prints nothing: the caller supplies the wall
 * clock (for engine.json) and an optional progress callback.
 */
#ifndef RATESIM_RUN_H
#define RATESIM_RUN_H

#include "ratesim/config.h"
#include "ratesim/metrics.h"
#include "ratesim/output.h"

typedef struct rs_run_opts {
	const char *dir;      /* output folder (created) */
	bool log_requests;    /* also write requests.csv */
	double log_sample;    /* the share of requests in it (reqlog.h); 0: every one */
	bool charts;          /* run gnuplot after the outputs are committed */
	bool charts_required; /* a missing gnuplot is an error, not a warning */
	/* Wall clock in seconds (monotonic), or NULL: engine.json then says 0. */
	double (*wall_clock)(void);
	/* Peak resident memory in KiB so far, or NULL. */
	long (*peak_rss_kb)(void);
	/* Progress, as rs_world_hooks.progress (NULL: none). */
	void (*progress)(void *ctx, rs_time now, rs_time end, uint64_t events);
	uint64_t progress_every;
	void *progress_ctx;
	/* A line of progress while the charts are drawn (rs_chart_opts.progress),
	 * called with progress_ctx; NULL: none. */
	void (*chart_progress)(void *ctx, const char *line);
} rs_run_opts;

typedef struct rs_run_result {
	rs_engine_stats engine;
	rs_counts total;         /* the run figures of the total scope */
	char chart_warning[512]; /* non-empty when charts were skipped */
} rs_run_result;

/* Run cfg (borrowed) as described by o.  OUT: *res.  Errors: those of the
 * world (traces, memory), the outputs (RS_ERR_IO) and the charts
 * (RS_ERR_TOOL, RS_ERR_IO), and RS_ERR_IO when another run holds the
 * folder.  The folder is locked for the run; every file, charts included,
 * is drawn in a staging folder and committed with summary.json last, so on
 * success the folder holds exactly this run's files and on failure it
 * holds none of them (an earlier run's complete files stay, unless the
 * commit itself failed: then there is no summary.json).  Several processes
 * may run at once into different folders (docs/outputs.md). */
rs_status rs_run(const rs_config *cfg, const rs_run_opts *o, rs_run_result *res, rs_error *err);

#endif
