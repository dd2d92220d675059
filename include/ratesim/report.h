/*
 * report.h - the design-review report of a comparison: DIR/report.md and a
 * self-contained DIR/report.html, from the candidates' summary.json files.
 *
 * Every figure in a report is read back from the summary.json of the run it
 * describes (never from memory of the run), so the report and the files
 * cannot disagree; the sentences of "what stands out" are computed from
 * those figures by comparing the candidates, never written in advance.
 *
 * Cost: one summary.json read per candidate; the HTML holds each
 * comparison chart's SVG (or PNG) base64-encoded, a few hundred KB.
 */
#ifndef RATESIM_REPORT_H
#define RATESIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ratesim/common.h"
#include "ratesim/figures.h"

/* One candidate of a comparison: its run is in DIR/label/. */
typedef struct rs_report_candidate {
	const char *label;       /* unique among the candidates; a folder name */
	const char *file;        /* the scenario file it came from */
	const char *description; /* the scenario's description; NULL or "" for none */
} rs_report_candidate;

/* Write DIR/report.md and DIR/report.html for the n >= 1 candidates (all
 * borrowed): each scenario's description, one table of figures with a
 * column per candidate (offered, succeeded, final failures, 429 rate,
 * latency p50 / p95 / p99, tokens per minute, cost or "n/a"), one sentence
 * per candidate of what stands out (rs_report_highlight), and the
 * comparison charts of rs_chart_compare_info that exist in DIR: linked as
 * PNG from the Markdown, embedded as base64 data URIs (the SVG, else the
 * PNG) in the HTML, which needs no other file.  Each file is written
 * through NAME.tmp and renamed.
 * Errors: those of rs_report_read_figures, and RS_ERR_IO / RS_ERR_NOMEM. */
rs_status rs_report_write(const char *dir, const rs_report_candidate *c, size_t n, rs_error *err);

/* The sentence of "what stands out" for candidate i of n (f and labels:
 * n entries each, borrowed), e.g. "the fewest final failures (0, against
 * 377 for b) and the lowest 429 rate (0.00% of attempts, against 53.03%
 * for b)."  Built from the figures on which the candidates differ: for up
 * to three of them (final failures, 429 rate, p99 latency, tokens per
 * minute, cost, p50 latency, in that order) where i is the best or the
 * worst, with the figure it is compared with; for a candidate in the
 * middle on everything, its place on the first two.  Written to buf,
 * truncated to len (len > 0). */
void rs_report_highlight(const rs_report_figures *f, const char *const *labels, size_t n, size_t i,
                         char *buf, size_t len);

#endif
