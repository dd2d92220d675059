/*
 * chart_axis.h - the time axis of a run's charts (sim/ internal): its unit,
 * the downsampling of long runs, and the shaded spans (warm-up, faults).
 *
 * Unit: minutes up to CHART_HOURS_FROM_MIN, hours up to
 * CHART_DAYS_FROM_MIN, days beyond; the .dat files write time in that unit.
 * Downsampling: a chart shows at most CHART_MAX_POINTS points per series;
 * when the run has more buckets, each point stands for `group` consecutive
 * buckets (chart_group), which bounds every time-series .dat to about
 * CHART_MAX_POINTS rows whatever the run's length.  Spans: the warm-up
 * (from summary.json) and each fault (from scenario.json, figures.h), in
 * the axis' unit, for the templates to shade and label.  Marks: the times
 * alerts fired (from alerts.csv, alerts.h), for the templates to draw as
 * labelled vertical lines; events at the same time share one mark, and a
 * run with more than CHART_MAX_MARKS of them marks the first ones only.
 */
#ifndef RATESIM_CHART_AXIS_H
#define RATESIM_CHART_AXIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "chart_csv.h"
#include "ratesim/common.h"

/* Points per series at most: about one per pixel of a 1280-pixel chart. */
#define CHART_MAX_POINTS 1000
/* A run longer than this (minutes) gets an axis in hours: 3 hours. */
#define CHART_HOURS_FROM_MIN 180.0
/* A run longer than this (minutes) gets an axis in days: 3 days. */
#define CHART_DAYS_FROM_MIN 4320.0
#define CHART_SPAN_TEXT     96
/* Alert marks per chart at most: more would hide the data. */
#define CHART_MAX_MARKS 12
#define CHART_MARK_TEXT 64
#define CHART_MARK_RULE 24

/* What a shaded span is; each kind has its colour in style.gp. */
typedef enum { SPAN_WARMUP = 1, SPAN_DOWN, SPAN_DEGRADE, SPAN_LATENCY } chart_span_kind;

typedef struct chart_span {
	double from, to; /* in the axis' unit */
	chart_span_kind kind;
	char text[CHART_SPAN_TEXT]; /* e.g. "warm-up", "eastus down" */
} chart_span;

typedef struct chart_mark {
	double at;                  /* in the axis' unit */
	char text[CHART_MARK_TEXT]; /* e.g. "tokens 80%, 90%" */
	char rule[CHART_MARK_RULE]; /* the last event's rule label, e.g. "tokens max" */
} chart_mark;

typedef struct chart_axis {
	double min_per_unit; /* 1, 60 or 1440 */
	const char *label;   /* "time (min)", "time (h)", "time (days)" */
	const char *unit;    /* "min", "h", "days" */
	size_t group;        /* buckets per point, >= 1 */
	double bucket_s;     /* NaN when not known */
	double duration_s;   /* NaN when not known */
	/* plot --window (issue 11): only [from_s, to_s) is drawn */
	bool windowed;
	double from_s, to_s;
	chart_span *spans; /* owned */
	size_t n_spans;
	chart_mark marks[CHART_MAX_MARKS];
	size_t n_marks;
	size_t marks_left_out; /* fired events past CHART_MAX_MARKS marks */
} chart_axis;

/* The axis of a run of duration_s seconds in buckets of bucket_s seconds
 * (either may be NaN: not known; then minutes and no downsampling). */
void chart_axis_init(chart_axis *a, double duration_s, double bucket_s);

/* Add the warm-up (when warmup_s > 0) and the faults of DIR/scenario.json
 * as spans, clipped to the run.  Errors: those of rs_figures_read_faults. */
rs_status chart_axis_add_spans(chart_axis *a, const char *dir, double warmup_s, rs_error *err);

/* Add the warm-up [0, warmup_s) as a span; false when out of memory. */
bool chart_axis_add_warmup(chart_axis *a, double warmup_s);

/* Draw only [from_s, to_s) of the run (plot --window; before adding the
 * spans, which are clipped to it): the unit and the downsampling are
 * those of a run as long as the window, and templates get t_min, the
 * window's start, as the axis' start. */
void chart_axis_window(chart_axis *a, double from_s, double to_s);

/* Whether time t_s (a bucket's or a minute's start) is drawn. */
bool chart_axis_in(const chart_axis *a, double t_s);
/* Add a mark at each time an alert fired in DIR/alerts.csv, when the run
 * has that file.  Errors: a malformed file (RS_ERR_SYNTAX), NOMEM. */
rs_status chart_axis_add_alert_marks(chart_axis *a, const char *dir, rs_error *err);

void chart_axis_fini(chart_axis *a);

/* t_s seconds in the axis' unit. */
double chart_axis_at(const chart_axis *a, double t_s);

/* The facts every time chart's template reads: t_label, t_min (the axis'
 * start: 0, or a window's start), the spans as n_spans, span_from[],
 * span_to[], span_kind[], span_text[], and the alert marks as n_marks,
 * mark_at[], mark_text[]. */
void chart_axis_put_facts(FILE *f, const chart_axis *a);

/* ---- downsampling ---- */

/* Buckets of timeseries.csv rows (one scope) being merged into one point. */
typedef struct chart_group {
	double acc[TS_COUNT];
	size_t n[TS_COUNT]; /* values (not NaN) added per column */
	size_t rows;
} chart_group;

/* Add the row v (TS_COUNT values, as chart_ts_next gives them). */
void chart_group_add(chart_group *g, const double *v);

/* The point of the rows added: OUT: out[TS_COUNT] (the first t_s; rates
 * per minute averaged; counts summed; the 429 rate recomputed from the
 * summed counts when the row has them; limits, latency percentiles,
 * occupancy and utilisation the highest of the rows: the worst bucket
 * stays visible).  NaN where no row had a value.  Empties g. */
void chart_group_take(chart_group *g, double *out);

/* The per-minute rate of `count` events in a point of `rows` buckets
 * starting at t_s; NaN when the bucket width is not known. */
double chart_axis_per_min(const chart_axis *a, double count, double t_s, size_t rows);

#endif
