/*
 * chart_axis.c - the time axis of a run's charts: unit, downsampling and
 * shaded spans (see chart_axis.h).
 */
#include "chart_axis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_io.h"
#include "ratesim/figures.h"
#include "ratesim/textio.h"

#define MIN_PER_HOUR 60.0
#define MIN_PER_DAY  1440.0

void chart_axis_init(chart_axis *a, double duration_s, double bucket_s)
{
	*a = (chart_axis){.min_per_unit = 1,
	                  .label = "time (min)",
	                  .unit = "min",
	                  .group = 1,
	                  .bucket_s = bucket_s,
	                  .duration_s = duration_s};
	double minutes = duration_s / CHART_SECONDS_PER_MIN;
	if (minutes > CHART_DAYS_FROM_MIN) {
		a->min_per_unit = MIN_PER_DAY;
		a->label = "time (days)";
		a->unit = "days";
	} else if (minutes > CHART_HOURS_FROM_MIN) {
		a->min_per_unit = MIN_PER_HOUR;
		a->label = "time (h)";
		a->unit = "h";
	}
	if (duration_s > 0 && bucket_s > 0) {
		double buckets = ceil(duration_s / bucket_s);
		if (buckets > CHART_MAX_POINTS)
			a->group = (size_t)ceil(buckets / CHART_MAX_POINTS);
	}
}

void chart_axis_window(chart_axis *a, double from_s, double to_s)
{
	double duration_s = a->duration_s;
	if (!isnan(duration_s))
		to_s = fmin(to_s, duration_s);
	chart_axis_init(a, to_s - from_s, a->bucket_s);
	a->duration_s = duration_s;
	a->windowed = true;
	a->from_s = from_s;
	a->to_s = to_s;
}

bool chart_axis_in(const chart_axis *a, double t_s)
{
	return !a->windowed || (t_s >= a->from_s && t_s < a->to_s);
}

void chart_axis_fini(chart_axis *a)
{
	free(a->spans);
	a->spans = NULL;
	a->n_spans = 0;
}

double chart_axis_at(const chart_axis *a, double t_s)
{
	return t_s / CHART_SECONDS_PER_MIN / a->min_per_unit;
}

/* Add a span [from_s, to_s) clipped to the run (or to the window drawn);
 * one that is empty after clipping is left out. */
static bool add_span(chart_axis *a, double from_s, double to_s, chart_span_kind kind,
                     const char *text)
{
	if (!isnan(a->duration_s))
		to_s = fmin(to_s, a->duration_s);
	from_s = fmax(from_s, 0);
	if (a->windowed) {
		from_s = fmax(from_s, a->from_s);
		to_s = fmin(to_s, a->to_s);
	}
	if (!(to_s > from_s))
		return true;
	chart_span *p = rs_realloc_array(a->spans, a->n_spans + 1, sizeof *p);
	if (!p)
		return false;
	a->spans = p;
	chart_span *s = &a->spans[a->n_spans++];
	*s = (chart_span){
	    .from = chart_axis_at(a, from_s), .to = chart_axis_at(a, to_s), .kind = kind};
	snprintf(s->text, sizeof s->text, "%s", text);
	return true;
}

bool chart_axis_add_warmup(chart_axis *a, double warmup_s)
{
	return add_span(a, 0, warmup_s, SPAN_WARMUP, "warm-up");
}

rs_status chart_axis_add_spans(chart_axis *a, const char *dir, double warmup_s, rs_error *err)
{
	if (warmup_s > 0 && !chart_axis_add_warmup(a, warmup_s))
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	rs_fault_span *f;
	size_t n;
	rs_status st = rs_figures_read_faults(dir, &f, &n, err);
	for (size_t i = 0; i < n && st == RS_OK; i++) {
		char text[CHART_SPAN_TEXT];
		chart_span_kind kind = SPAN_DOWN;
		if (strcmp(f[i].kind, "degrade") == 0) {
			kind = SPAN_DEGRADE;
			snprintf(text, sizeof text, "%.40s limit x%.3g", f[i].where, f[i].scale);
		} else if (strcmp(f[i].kind, "latency") == 0) {
			kind = SPAN_LATENCY;
			snprintf(text, sizeof text, "%.40s latency x%.3g", f[i].where, f[i].scale);
		} else {
			snprintf(text, sizeof text, "%.40s down", f[i].where);
		}
		if (!add_span(a, f[i].start_s, f[i].end_s, kind, text))
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	free(f);
	return st;
}

/* Add a fired alert of rule label `rule` ("tokens", "tokens max") at
 * threshold `pct` at t_s to the marks: to the last mark when at the same
 * time ("tokens 80%, 90%; requests 80%"), else as a new mark while there is
 * room. */
static void add_mark(chart_axis *a, double t_s, const char *rule, const char *pct)
{
	double at = chart_axis_at(a, t_s);
	chart_mark *m = a->n_marks ? &a->marks[a->n_marks - 1] : NULL;
	if (m && m->at == at) {
		size_t len = strlen(m->text);
		if (strcmp(m->rule, rule) == 0)
			snprintf(m->text + len, sizeof m->text - len, ", %s%%", pct);
		else
			snprintf(m->text + len, sizeof m->text - len, "; %s %s%%", rule, pct);
		snprintf(m->rule, sizeof m->rule, "%s", rule);
		return;
	}
	if (a->n_marks == CHART_MAX_MARKS) {
		a->marks_left_out++;
		return;
	}
	m = &a->marks[a->n_marks++];
	m->at = at;
	snprintf(m->rule, sizeof m->rule, "%s", rule);
	snprintf(m->text, sizeof m->text, "%s %s%%", rule, pct);
}

rs_status chart_axis_add_alert_marks(chart_axis *a, const char *dir, rs_error *err)
{
	enum { M_TIME, M_METRIC, M_AGG, M_THRESHOLD, M_EVENT, M_COUNT };
	static const char *const names[M_COUNT] = {"time_s", "metric", "aggregation", "threshold",
	                                           "event"};
	char *path = rs_text_format("%s/" CHART_ALERTS_CSV, dir);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	FILE *probe = fopen(path, "r");
	if (!probe) {
		free(path);
		return RS_OK; /* a run without alerts */
	}
	fclose(probe);
	chart_csv r;
	long col[M_COUNT];
	rs_status st = chart_csv_open(&r, path, err);
	if (st == RS_OK)
		st = chart_csv_columns(&r, names, M_COUNT, col, err);
	size_t width = r.nfields;
	while (st == RS_OK) {
		bool eof;
		st = chart_csv_row(&r, width, &eof, err);
		if (st != RS_OK || eof)
			break;
		double t, thr;
		st = chart_csv_number(&r, col[M_TIME], names[M_TIME], false, &t, err);
		if (st == RS_OK)
			st = chart_csv_number(&r, col[M_THRESHOLD], names[M_THRESHOLD], false, &thr,
			                      err);
		if (st != RS_OK || strcmp(r.fields[col[M_EVENT]], "fired") != 0 ||
		    !chart_axis_in(a, t))
			continue; /* resolved, or outside plot --window's range */
		/* "tokens 80%", or "tokens max 80%" for a rule on the maximum */
		char what[CHART_MARK_RULE], pct[32];
		bool avg = strcmp(r.fields[col[M_AGG]], "average") == 0;
		snprintf(what, sizeof what, "%.16s%s", r.fields[col[M_METRIC]], avg ? "" : " max");
		snprintf(pct, sizeof pct, "%.4g", CHART_PERCENT * thr);
		add_mark(a, t, what, pct);
	}
	chart_csv_fini(&r);
	free(path);
	return st;
}

void chart_axis_put_facts(FILE *f, const chart_axis *a)
{
	fputs("t_label = ", f);
	fprintf(f, "\"%s\"\n", a->label);
	chart_put_var(f, "t_min", a->windowed ? chart_axis_at(a, a->from_s) : 0);
	chart_put_var(f, "n_spans", (double)a->n_spans);
	size_t n = a->n_spans ? a->n_spans : 1; /* gnuplot has no empty arrays */
	fprintf(f, "array span_from[%zu]\narray span_to[%zu]\narray span_kind[%zu]\n", n, n, n);
	chart_put_array_head(f, "span_text", a->n_spans);
	for (size_t i = 0; i < a->n_spans; i++) {
		const chart_span *s = &a->spans[i];
		fprintf(f, "span_from[%zu] = %.10g; span_to[%zu] = %.10g; span_kind[%zu] = %d\n",
		        i + 1, s->from, i + 1, s->to, i + 1, (int)s->kind);
		chart_put_array_item(f, "span_text", i, s->text);
	}
	chart_put_var(f, "n_marks", (double)a->n_marks);
	fprintf(f, "array mark_at[%zu]\n", a->n_marks ? a->n_marks : 1);
	chart_put_array_head(f, "mark_text", a->n_marks);
	for (size_t i = 0; i < a->n_marks; i++) {
		fprintf(f, "mark_at[%zu] = %.10g\n", i + 1, a->marks[i].at);
		chart_put_array_item(f, "mark_text", i, a->marks[i].text);
	}
}

/* ---- downsampling --------------------------------------------------------------------- */

typedef enum { AGG_FIRST, AGG_MEAN, AGG_SUM, AGG_MAX } agg_kind;

static agg_kind agg_of(int c)
{
	switch (c) {
	case TS_T:
		return AGG_FIRST;
	case TS_TPM:
	case TS_RPM:
	case TS_R429:
	case TS_OFFERED_TPM:
		return AGG_MEAN;
	case TS_FAILED:
	case TS_SUCCEEDED:
	case TS_OFFERED:
	case TS_ATTEMPTS:
	case TS_THROTTLED:
	case TS_ERRORS:
	case TS_TIMEOUTS:
	case TS_REF_SERVICE:
	case TS_REF_GATEWAY:
	case TS_REF_ROUTER:
		return AGG_SUM;
	default:
		return AGG_MAX;
	}
}

void chart_group_add(chart_group *g, const double *v)
{
	for (int c = 0; c < TS_COUNT; c++) {
		if (isnan(v[c]))
			continue;
		agg_kind k = agg_of(c);
		if (g->n[c] == 0)
			g->acc[c] = v[c];
		else if (k == AGG_MEAN || k == AGG_SUM)
			g->acc[c] += v[c];
		else if (k == AGG_MAX)
			g->acc[c] = fmax(g->acc[c], v[c]);
		g->n[c]++;
	}
	g->rows++;
}

void chart_group_take(chart_group *g, double *out)
{
	for (int c = 0; c < TS_COUNT; c++) {
		if (g->n[c] == 0)
			out[c] = NAN;
		else if (agg_of(c) == AGG_MEAN)
			out[c] = g->acc[c] / (double)g->n[c];
		else
			out[c] = g->acc[c];
	}
	if (g->rows > 1 && out[TS_ATTEMPTS] > 0 && !isnan(out[TS_THROTTLED]))
		out[TS_R429] = out[TS_THROTTLED] / out[TS_ATTEMPTS];
	*g = (chart_group){0};
}

double chart_axis_per_min(const chart_axis *a, double count, double t_s, size_t rows)
{
	if (!(a->bucket_s > 0) || isnan(count))
		return NAN;
	double span = a->bucket_s * (double)rows;
	if (a->duration_s > t_s)
		span = fmin(span, a->duration_s - t_s);
	return span > 0 ? count * CHART_SECONDS_PER_MIN / span : NAN;
}
