/*
 * compare.h - candidate layouts side by side, for a design review: a plan
 * (plan.h) of one group per candidate, R replications each, and what the
 * replications can tell apart (report.h).
 *
 * Candidates are several scenario files, or one file whose "variants"
 * list names --set overrides:
 *     "variants": [ {"name": "no-retry", "set": ["clients[0].retry.policy=\"none\""]},
 *                   {"name": "jitter",   "set": ["clients[0].retry.preset=\"openai-python\""]} ]
 * (each variant is the file with its sets applied after the command
 * line's).  Every candidate's replication k runs with the same seed
 * (plan.h), so the report compares them pair by pair.
 *
 * Folders: DIR/LABEL/rep-K/ for each run, DIR/LABEL/ the candidate's
 * aggregate (summary.json, timeseries.csv: the mean run), DIR the
 * comparison charts, runs.csv, points.csv, report.md and report.html.
 */
#ifndef RATESIM_COMPARE_H
#define RATESIM_COMPARE_H

#include "ratesim/aggregate.h"
#include "ratesim/config.h"
#include "ratesim/decide.h"
#include "ratesim/plan.h"

#define RS_COMPARE_LABEL_MAX            64 /* a label's bytes, with its NUL */
#define RS_COMPARE_DEFAULT_REPLICATIONS 5

typedef struct rs_compare_setup {
	const char *const *files; /* n_files >= 1 scenario files */
	size_t n_files;
	const char *const *sets; /* --set of every candidate (borrowed) */
	size_t n_sets;
	const char *seed_text; /* --seed, or NULL: the first candidate's seed */
	const char *dir;       /* the comparison's folder */
	size_t replications;   /* 0: RS_COMPARE_DEFAULT_REPLICATIONS */
	bool log_requests;
	/* --window NAME (issue 11): every candidate must have it; the report
	 * shows its figures (kept in plan.json for collect).  NULL: the runs' */
	const char *window;
} rs_compare_setup;

/* A folder name for each of the n candidate names: characters other than
 * A-Z a-z 0-9 . _ - become '_', at most RS_COMPARE_LABEL_MAX - 8 bytes of
 * it kept, "scenario" for an empty name or "." or "..", then "-2", "-3",
 * ... when an earlier candidate has it or it is the name of a file the
 * comparison writes (report.md, plan.json, compare_summary.png, ...).
 * OUT: labels[i] (RS_COMPARE_LABEL_MAX bytes each). */
void rs_compare_labels(const char *const *names, size_t n, char (*labels)[RS_COMPARE_LABEL_MAX]);

/* Load and check every candidate (so that a bad file fails before any run)
 * and build the plan.  OUT: *p (rs_plan_free).  Errors: the loader's;
 * RS_ERR_USAGE for one file without variants; RS_ERR_INVALID for a
 * malformed "variants" list ("FILE: .variants[1].set: ..."). */
rs_status rs_compare_plan(const rs_compare_setup *s, rs_plan *p, rs_error *err);

/* collect for a comparison: each candidate's aggregate, runs.csv and
 * points.csv, the comparison charts (when o->charts) and the report.
 * OUT: res->text, one line per candidate and the verdicts. */
rs_status rs_compare_conclude(const rs_fig_table *t, const rs_plan *p, const rs_decide_opts *o,
                              rs_decide_result *res, rs_error *err);

#endif
