/*
 * report.h - the design-review report of a comparison: DIR/report.md and a
 * self-contained DIR/report.html, from the candidates' run folders.
 *
 * Every figure in a report is read back from the summary.json of the runs
 * it describes (never from memory of the runs), so the report and the
 * files cannot disagree; the sentences are computed from those figures by
 * comparing the candidates replication by replication, never written in
 * advance.
 *
 * Cost: one summary.json read per candidate; the HTML holds each
 * comparison chart's SVG (or PNG) base64-encoded, a few hundred KB.
 */
#ifndef RATESIM_REPORT_H
#define RATESIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ratesim/aggregate.h"
#include "ratesim/common.h"
#include "ratesim/figures.h"
#include "ratesim/plan.h"

/* Write DIR/report.md and DIR/report.html of a comparison: the plan p
 * (its groups are the candidates, named names[g], with descriptions[g] or
 * NULL) and the table t of its runs' figures.  The documents hold: how
 * the candidates ran (replications, seeds, overrides), a table of figures
 * as mean +- half-width of the 95% interval (offered, succeeded, final
 * failures, 429 rate, spilled, latency p50/p95/p99 of successes, tokens
 * per minute, cost and its split, the PTU sizing formula's figure per
 * provisioned deployment), the sentences of rs_report_verdicts, and the
 * comparison charts of rs_chart_compare_info that exist in DIR (linked in
 * the Markdown, embedded in the HTML).
 * Errors: RS_ERR_IO, RS_ERR_NOMEM. */
rs_status rs_report_compare(const rs_fig_table *t, const rs_plan *p, const char *const *names,
                            const char *const *descriptions, rs_error *err);

/* The report's sentences (at most max, each a new string in out[]; the
 * caller frees them): for each ranked figure (final failures, 429 rate,
 * p99 latency of successes, tokens per minute, cost), which candidate is
 * best beyond noise, by the 95% interval of the paired differences, and
 * which the replications cannot tell apart from it; with 1 replication, a
 * sentence saying nothing can be told apart.  A candidate that fails more
 * requests than another beyond noise is never called best on latency.
 * Returns the number of sentences. */
size_t rs_report_verdicts(const rs_fig_table *t, const rs_plan *p, const char *const *names,
                          char **out, size_t max);

#endif
