/*
 * alerts.c - metric alert rules evaluated on the metrics' rows (see
 * alerts.h for the semantics and their sources).
 *
 * An instance (a rule on one deployment) holds the point being built
 * (a sum of the buckets' shares, or of the minutes' Utilization V2) and a
 * ring of the last window_s / grain_s points, NaN where a point had no
 * data.  Times are integer microseconds throughout: bucket rows are
 * turned back into microseconds exactly (their times are whole
 * microseconds), so point ends and evaluation times are exact.
 */
#include "ratesim/alerts.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct instance {
	const rs_alert_cfg *rule;
	size_t r, d;
	rs_time grain, freq;
	size_t n_points; /* window / grain */
	double *ring;    /* n_points, NaN: no data */
	size_t head, filled;
	rs_time point_end; /* end of the point being built */
	double acc;        /* its sum of shares (or V2 values) */
	size_t acc_n;      /* values added */
	bool acc_bad;      /* a bucket without a limit: the point has no data */
	bool active[RS_MAX_ALERT_THRESHOLDS];
	int clean[RS_MAX_ALERT_THRESHOLDS];           /* evaluations below, in a row */
	rs_time first_fired[RS_MAX_ALERT_THRESHOLDS]; /* -1: never */
	uint64_t fired[RS_MAX_ALERT_THRESHOLDS];      /* events */
	uint64_t resolved[RS_MAX_ALERT_THRESHOLDS];
} instance;

struct rs_alerts {
	const rs_config *cfg;
	rs_alert_sink sink;
	void *ctx;
	instance *inst;
	size_t n_inst;
	rs_time warmup;
	size_t next_dep; /* the deployment of the next deployment row */
};

static bool applies(const rs_config *cfg, const rs_alert_cfg *r, size_t d)
{
	const rs_deployment_cfg *dc = &cfg->deployments[d];
	if (r->deployment && strcmp(r->deployment, dc->name) != 0)
		return false;
	bool ptu = rs_kind_is_provisioned(dc->kind);
	return r->metric == RS_ALERT_UTILIZATION ? ptu : !ptu;
}

static bool instance_init(instance *in, const rs_alert_cfg *rule, size_t r, size_t d)
{
	*in = (instance){.rule = rule, .r = r, .d = d};
	in->grain = rs_time_from_s(rule->grain_s);
	in->freq = rs_time_from_s(rule->frequency_s);
	in->n_points = (size_t)(rs_time_from_s(rule->window_s) / in->grain);
	in->point_end = in->grain;
	for (size_t k = 0; k < RS_MAX_ALERT_THRESHOLDS; k++)
		in->first_fired[k] = -1;
	in->ring = rs_calloc(in->n_points, sizeof *in->ring);
	return in->ring != NULL;
}

rs_status rs_alerts_new(const rs_config *cfg, rs_alert_sink sink, void *ctx, rs_alerts **out,
                        rs_error *err)
{
	*out = NULL;
	size_t n = 0;
	for (size_t r = 0; r < cfg->n_alerts; r++)
		for (size_t d = 0; d < cfg->n_deployments; d++)
			n += applies(cfg, &cfg->alerts[r], d);
	if (n == 0)
		return RS_OK;
	rs_alerts *a = rs_calloc(1, sizeof *a);
	if (!a || !(a->inst = rs_calloc(n, sizeof *a->inst))) {
		free(a);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	a->cfg = cfg;
	a->sink = sink;
	a->ctx = ctx;
	a->warmup = rs_time_from_s(cfg->warmup_s);
	for (size_t r = 0; r < cfg->n_alerts; r++)
		for (size_t d = 0; d < cfg->n_deployments; d++) {
			if (!applies(cfg, &cfg->alerts[r], d))
				continue;
			if (!instance_init(&a->inst[a->n_inst++], &cfg->alerts[r], r, d)) {
				rs_alerts_free(a);
				return rs_fail(err, RS_ERR_NOMEM, "out of memory");
			}
		}
	*out = a;
	return RS_OK;
}

void rs_alerts_free(rs_alerts *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_inst; i++)
		free(a->inst[i].ring);
	free(a->inst);
	free(a);
}

/* ---- evaluation ----------------------------------------------------------- */

/* The rule's aggregation of the window's points with data; NaN: none. */
static double aggregate(const instance *in)
{
	double sum = 0, max = NAN;
	size_t n = 0;
	for (size_t i = 0; i < in->n_points; i++) {
		double v = in->ring[i];
		if (isnan(v))
			continue;
		sum += v;
		max = n == 0 ? v : fmax(max, v);
		n++;
	}
	if (n == 0)
		return NAN;
	return in->rule->aggregation == RS_ALERT_MAXIMUM ? max : sum / (double)n;
}

static rs_status emit(rs_alerts *a, instance *in, rs_time now, size_t k, bool fired, double v)
{
	if (fired) {
		in->fired[k]++;
		if (in->first_fired[k] < 0)
			in->first_fired[k] = now;
	} else {
		in->resolved[k]++;
	}
	rs_alert_event e = {.time = now,
	                    .rule = in->r,
	                    .deployment = in->d,
	                    .threshold = k,
	                    .fired = fired,
	                    .value = v};
	return a->sink ? a->sink(a->ctx, &e) : RS_OK;
}

/* One evaluation at `now`: each threshold's state moves on the value. */
static rs_status evaluate(rs_alerts *a, instance *in, rs_time now)
{
	double v = aggregate(in);
	if (isnan(v))
		return RS_OK; /* no data: no state change */
	rs_status st = RS_OK;
	for (size_t k = 0; k < in->rule->n_thresholds && st == RS_OK; k++) {
		bool over = v >= in->rule->thresholds[k];
		if (!in->active[k]) {
			if (over) {
				in->active[k] = true;
				in->clean[k] = 0;
				st = emit(a, in, now, k, true, v);
			}
		} else if (over) {
			in->clean[k] = 0;
		} else if (++in->clean[k] >= in->rule->resolve_after) {
			in->active[k] = false;
			in->clean[k] = 0;
			st = emit(a, in, now, k, false, v);
		}
	}
	return st;
}

/* Close the point ending at in->point_end: into the ring, then an
 * evaluation when one is due. */
static rs_status close_point(rs_alerts *a, instance *in, double value)
{
	rs_time end = in->point_end;
	in->ring[in->head] = value;
	in->head = (in->head + 1) % in->n_points;
	if (in->filled < in->n_points)
		in->filled++;
	in->point_end += in->grain;
	in->acc = 0;
	in->acc_n = 0;
	in->acc_bad = false;
	if (in->filled == in->n_points && end % in->freq == 0 && end >= a->warmup)
		return evaluate(a, in, end);
	return RS_OK;
}

/* A bucket row's time back in microseconds (exact: it was made from them). */
static rs_time row_us(double s)
{
	return rs_round_i64(s * (double)RS_US_PER_S);
}

/* A bucket's share of the limit, in minutes of the limit: tokens or
 * requests in it over the per-minute limit; NaN without a limit. */
static double bucket_share(const instance *in, const rs_ts_row *row)
{
	const rs_counts *c = row->c;
	double used, limit;
	if (in->rule->metric == RS_ALERT_TOKENS) {
		used = (double)(c->prompt_tokens + c->output_tokens);
		limit = row->tpm_limit;
	} else {
		used = (double)c->attempts;
		limit = row->rpm_limit;
	}
	return limit > 0 ? used / limit : NAN;
}

rs_status rs_alerts_on_row(rs_alerts *a, const rs_ts_row *row)
{
	if (row->kind == RS_SCOPE_TOTAL)
		a->next_dep = 0;
	if (row->kind != RS_SCOPE_DEPLOYMENT)
		return RS_OK;
	size_t d = a->next_dep++;
	assert(d < a->cfg->n_deployments && strcmp(row->name, a->cfg->deployments[d].name) == 0 &&
	       "deployment rows come in the deployments' order");
	rs_time end = row_us(row->t_s + row->length_s);
	rs_status st = RS_OK;
	for (size_t i = 0; i < a->n_inst && st == RS_OK; i++) {
		instance *in = &a->inst[i];
		if (in->d != d || in->rule->metric == RS_ALERT_UTILIZATION)
			continue;
		double share = bucket_share(in, row);
		if (isnan(share))
			in->acc_bad = true;
		else
			in->acc += share;
		if (end < in->point_end)
			continue;
		double grain_min = (double)in->grain / (double)RS_US_PER_MIN;
		st = close_point(a, in, in->acc_bad ? NAN : in->acc / grain_min);
	}
	return st;
}

rs_status rs_alerts_on_minute(rs_alerts *a, const rs_minute_row *row)
{
	rs_time end = (row->minute + 1) * RS_US_PER_MIN;
	rs_status st = RS_OK;
	for (size_t i = 0; i < a->n_inst && st == RS_OK; i++) {
		instance *in = &a->inst[i];
		if (in->rule->metric != RS_ALERT_UTILIZATION ||
		    strcmp(a->cfg->deployments[in->d].name, row->name) != 0)
			continue;
		if (!isnan(row->utilization_v2)) {
			in->acc += row->utilization_v2;
			in->acc_n++;
		}
		if (end >= in->point_end)
			st = close_point(a, in, in->acc_n ? in->acc / (double)in->acc_n : NAN);
	}
	return st;
}

rs_time rs_alerts_first_fired(const rs_alerts *a, size_t r, size_t d, size_t k)
{
	for (size_t i = 0; a && i < a->n_inst; i++)
		if (a->inst[i].r == r && a->inst[i].d == d)
			return k < a->inst[i].rule->n_thresholds ? a->inst[i].first_fired[k] : -1;
	return -1;
}

/* ---- summary.json ------------------------------------------------------- */

/* A time in seconds, exact to the microsecond; null when t < 0 (none). */
static void add_time(cJSON *o, const char *key, rs_time t)
{
	if (t < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, rs_time_to_s(t));
}

/* first_429 - first_alert in seconds; null unless both happened. */
static void add_lead(cJSON *o, rs_time alert, rs_time first_429)
{
	if (alert < 0 || first_429 < 0)
		cJSON_AddNullToObject(o, "lead_time_s");
	else
		cJSON_AddNumberToObject(o, "lead_time_s", rs_time_to_s(first_429 - alert));
}

static rs_time earliest(rs_time a, rs_time b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/* One instance's thresholds as "rules" entries; OUT: *first, the earliest
 * fire among them folded in. */
static bool add_instance(cJSON *rules, const instance *in, rs_time first_429, rs_time *first)
{
	for (size_t k = 0; k < in->rule->n_thresholds; k++) {
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(rules, o)) {
			cJSON_Delete(o);
			return false;
		}
		cJSON_AddNumberToObject(o, "rule", (double)in->r);
		cJSON_AddStringToObject(o, "metric", rs_alert_metric_name(in->rule->metric));
		cJSON_AddStringToObject(o, "aggregation",
		                        rs_alert_aggregation_name(in->rule->aggregation));
		cJSON_AddNumberToObject(o, "threshold", in->rule->thresholds[k]);
		add_time(o, "first_fired_s", in->first_fired[k]);
		add_lead(o, in->first_fired[k], first_429);
		cJSON_AddNumberToObject(o, "fired", (double)in->fired[k]);
		cJSON_AddNumberToObject(o, "resolved", (double)in->resolved[k]);
		cJSON_AddBoolToObject(o, "fired_at_end", in->active[k]);
		*first = earliest(*first, in->first_fired[k]);
	}
	return true;
}

bool rs_alerts_summary(const rs_alerts *a, const rs_metrics *m, cJSON *root)
{
	if (!a)
		return true;
	cJSON *al = cJSON_AddObjectToObject(root, "alerts");
	cJSON *deps = al ? cJSON_CreateArray() : NULL;
	if (!deps)
		return false;
	rs_time first_all = -1;
	bool ok = true;
	for (size_t d = 0; d < a->cfg->n_deployments && ok; d++) {
		cJSON *o = NULL, *rules = NULL;
		rs_time first = -1, first_429 = rs_metrics_first_throttled(m, 1 + d);
		for (size_t i = 0; i < a->n_inst && ok; i++) {
			if (a->inst[i].d != d)
				continue;
			if (!o) {
				o = cJSON_CreateObject();
				ok = o && cJSON_AddItemToArray(deps, o);
				if (!ok) {
					cJSON_Delete(o);
					break;
				}
				cJSON_AddStringToObject(o, "name", a->cfg->deployments[d].name);
				rules = cJSON_CreateArray();
			}
			ok = rules && add_instance(rules, &a->inst[i], first_429, &first);
		}
		if (!ok) {
			cJSON_Delete(rules);
			break;
		}
		if (!o)
			continue;
		add_time(o, "first_alert_s", first);
		add_time(o, "first_429_s", first_429);
		add_lead(o, first, first_429);
		cJSON_AddItemToObject(o, "rules", rules);
		first_all = earliest(first_all, first);
	}
	rs_time first_429 = rs_metrics_first_throttled(m, 0);
	add_time(al, "first_alert_s", first_all);
	add_time(al, "first_429_s", first_429);
	add_lead(al, first_all, first_429);
	cJSON_AddItemToObject(al, "deployments", deps);
	return ok;
}
