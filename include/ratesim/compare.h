/*
 * compare.h - candidate scenarios side by side, for a design review.
 *
 * A comparison runs each candidate exactly as `ratesim run` would (rs_run,
 * with its charts) into DIR/<label>/, then draws the comparison charts into
 * DIR (rs_chart_render_compare) and writes DIR/report.md and
 * DIR/report.html (rs_report_write).  The candidates are whatever the
 * caller loaded: usually the same workload and seed against different
 * topologies or retry policies, one scenario file each.
 *
 * Cost: the sum of the candidates' runs, plus one read of each run's
 * timeseries.csv and summary.json for the charts and the report.
 */
#ifndef RATESIM_COMPARE_H
#define RATESIM_COMPARE_H

#include "ratesim/config.h"
#include "ratesim/run.h"

#define RS_COMPARE_LABEL_MAX 64 /* a label's bytes, with its NUL */

typedef struct rs_compare_opts {
	/* How every candidate runs, as for `ratesim run`; run.dir is the
	 * comparison's folder (created), each candidate runs in a folder of it,
	 * and run.charts also decides the comparison's charts. */
	rs_run_opts run;
	/* Called with run.progress_ctx before candidate i of n runs (may be NULL). */
	void (*on_candidate)(void *ctx, size_t i, size_t n, const char *label);
} rs_compare_opts;

typedef struct rs_compare_candidate {
	/* The scenario's name made a folder name: characters other than
	 * A-Z a-z 0-9 . _ - become '_', at most RS_COMPARE_LABEL_MAX - 8 bytes
	 * of it kept, "scenario" for an empty name or "." or "..", then "-2",
	 * "-3", ... when an earlier candidate has it or it is the name of a file
	 * the comparison writes (report.md, compare_summary.png, ...). */
	char label[RS_COMPARE_LABEL_MAX];
	rs_run_result run; /* what rs_run returned */
} rs_compare_candidate;

/* The labels of the n candidates cfgs[i] (borrowed), as described above.
 * OUT: out[i].label for i < n (the rest of out untouched). */
void rs_compare_labels(const rs_config *const *cfgs, size_t n, rs_compare_candidate *out);

/* Run the comparison of the n >= 1 candidates cfgs (borrowed) as o says.
 * OUT: out[n] (labels and run results); warning: "" or, when gnuplot is
 * missing and not required, one message beginning "warning: " (as
 * rs_chart_render; may be NULL).
 * Errors: the first failing candidate's (rs_run: its files are as rs_run
 * leaves them and later candidates do not run), then those of the
 * comparison charts and the report (RS_ERR_IO, RS_ERR_SYNTAX, RS_ERR_TOOL,
 * RS_ERR_NOMEM). */
rs_status rs_compare_run(const rs_config *const *cfgs, size_t n, const rs_compare_opts *o,
                         rs_compare_candidate *out, char *warning, size_t wlen, rs_error *err);

#endif
