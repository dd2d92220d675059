/*
 * figures.h - the figures of a finished run, read back from its
 * summary.json: what charts and reports show about a run as a whole.
 *
 * The one place that reads a summary.json for display, so that a chart and
 * a report of the same run cannot disagree; data flows one way: run outputs
 * -> figures -> charts -> report.  (The type and function names keep their
 * historic rs_report_ prefix, so that callers need not change.)
 *
 * Cost: one summary.json read and parsed per call (a few KB).
 */
#ifndef RATESIM_FIGURES_H
#define RATESIM_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ratesim/common.h"

#define RS_REPORT_NAME_MAX 256 /* longest scenario name kept (longer is cut) */

/* The figures of one summary.json that charts and reports use. */
typedef struct rs_report_figures {
	char scenario[RS_REPORT_NAME_MAX]; /* "scenario" */
	uint64_t seed;                     /* "seed" */
	/* requests.*: succeeded includes succeeded_after_429 and
	 * succeeded_spilled, which are disjoint (docs/outputs.md) */
	uint64_t offered, succeeded, succeeded_after_429, succeeded_spilled, failed, in_flight_end;
	uint64_t attempts, throttled; /* attempts.total, attempts.throttled */
	double rate_429;              /* throttled / attempts, 0..1 */
	double latency_p50_ms, latency_p95_ms, latency_p99_ms; /* NaN when null (no sample) */
	double tokens_per_min, requests_per_min;               /* throughput.* */
	bool has_cost;   /* summary.json has a "cost" object with "total_usd" */
	double cost_usd; /* cost.total_usd; NaN when !has_cost */
	/* the run's length, its warm-up and its bucket width in seconds
	 * ("duration_s", "warmup_s", "bucket_s"); NaN when summary.json has
	 * none (a run written by an older ratesim) */
	double duration_s, warmup_s, bucket_s;
	/* rs_report_read_window: the window's span [start_s, end_s); else NaN */
	double window_start_s, window_end_s;
} rs_report_figures;

/* Read DIR/summary.json.  OUT: *out.
 * Errors: RS_ERR_IO (cannot read), RS_ERR_SYNTAX (not JSON, or a key above
 * missing or of the wrong type: "DIR/summary.json: .requests.offered:
 * expected a whole number >= 0"), RS_ERR_NOMEM. */
rs_status rs_report_read_figures(const char *dir, rs_report_figures *out, rs_error *err);

/* The same figures over window `window` of the run (summary.json's
 * "windows", issue 11): the counts, rates, latency, throughput and cost of
 * the window, with its span in window_start_s and window_end_s (the
 * scenario, seed, duration, warm-up and bucket are the run's).  Errors:
 * those above, and RS_ERR_USAGE when the run has no such window ("DIR/
 * summary.json: the run has no window "peak" (its windows: ...)"). */
rs_status rs_report_read_window(const char *dir, const char *window, rs_report_figures *out,
                                rs_error *err);

/* A fault of the run's scenario, as its scenario.json states it. */
typedef struct rs_fault_span {
	char kind[16];                  /* "down", "degrade", "latency" */
	char where[RS_REPORT_NAME_MAX]; /* the deployment, or the region */
	double start_s, end_s;
	double scale; /* degrade and latency: the factor; NaN for none */
} rs_fault_span;

/* The faults of DIR/scenario.json (the effective scenario every run folder
 * holds).  OUT: *spans (n entries; caller frees; NULL when none), *n.  A
 * folder without scenario.json (a run of an older ratesim) has none.
 * Errors: RS_ERR_IO, RS_ERR_SYNTAX (not a JSON object, .faults not an
 * array, a fault without numbers start_s and end_s), RS_ERR_NOMEM. */
rs_status rs_figures_read_faults(const char *dir, rs_fault_span **spans, size_t *n, rs_error *err);

#endif
