/*
 * scenario_alerts.c - the loader's room for "alerts" (issue 9, seed 000:
 * alert at 80-90% of the TPM/RPM quota): metric alert rules on the
 * deployments' token and request usage and PTU utilisation.
 *
 *   "alerts": [{"metric": "tokens"},
 *              {"deployment": "eastus-gpt-4o", "metric": "requests",
 *               "thresholds": [0.9], "aggregation": "maximum",
 *               "grain_s": 60, "window_s": 300, "frequency_s": 60,
 *               "resolve_after": 3}]
 *
 * Each rule is one row of config.h's rs_alert_cfg; alerts.h says what the
 * evaluation does with it.  Beyond each key's own range, the times must fit
 * together as the evaluation needs them to: a metric point (grain_s) is a
 * whole number of the run's buckets (and of minutes for "utilization", a
 * per-minute metric), the window and the frequency whole numbers of points,
 * the frequency at most the window (as Azure requires), the window at most
 * the run and RS_MAX_ALERT_WINDOW_POINTS points.  A named deployment must
 * have the metric's limit (a TPM and RPM for tokens and requests, a PTU
 * meter for utilization); "*" must match at least one.  Cost: O(rules x
 * deployments).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "scenario_keys.h"

static const char *const metric_names[] = {
    [RS_ALERT_TOKENS] = "tokens",
    [RS_ALERT_REQUESTS] = "requests",
    [RS_ALERT_UTILIZATION] = "utilization",
};

static const char *const aggregation_names[] = {
    [RS_ALERT_AVERAGE] = "average",
    [RS_ALERT_MAXIMUM] = "maximum",
};

/* clang-format off: key tables keep one key per line */
static const sc_key alert_keys[] = {
    {"deployment", 0, false, NULL, SC_STRING_OR(RS_DEFAULT_ALERT_DEPLOYMENT)},
    {"metric", 0, true, NULL, SC_ENUM(metric_names)},
    {"thresholds", 0, false, NULL, SC_ARRAY_OR(RS_DEFAULT_ALERT_THRESHOLDS)},
    {"aggregation", 0, false, NULL, SC_ENUM_OR(aggregation_names, RS_DEFAULT_ALERT_AGGREGATION)},
    {"grain_s", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_ALERT_WINDOW_S),
     SC_DEFAULT(RS_DEFAULT_ALERT_GRAIN_S)},
    {"window_s", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_ALERT_WINDOW_S),
     SC_DEFAULT(RS_DEFAULT_ALERT_WINDOW_S)},
    {"frequency_s", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_ALERT_FREQUENCY_S),
     SC_DEFAULT(RS_DEFAULT_ALERT_FREQUENCY_S)},
    {"resolve_after", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_ALERT_RESOLVE_AFTER),
     SC_DEFAULT(RS_DEFAULT_ALERT_RESOLVE_AFTER)},
};
/* clang-format on */

/* One threshold: a share of the limit. */
static const sc_key threshold_row = {"thresholds[i]", 0, false, NULL,
                                     SC_NUMBER(SC_POS, 0, RS_MAX_ALERT_THRESHOLD)};

/* "thresholds": 1 to RS_MAX_ALERT_THRESHOLDS increasing shares (the
 * default written into the effective scenario when absent). */
static rs_status parse_thresholds(sc *c, const cJSON *o, const char *path, rs_alert_cfg *a)
{
	const cJSON *arr = sc_member_or_default(c, o, SC_KEYS(alert_keys), "thresholds");
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "thresholds");
	if (!arr)
		return c->oom ? sc_nomem(c) : RS_OK;
	if (!cJSON_IsArray(arr))
		return sc_wrong_type(c, kp, "an array of numbers", arr);
	int n = cJSON_GetArraySize(arr);
	if (n < 1 || n > RS_MAX_ALERT_THRESHOLDS)
		return sc_invalid(c, kp, "must hold 1 to %d thresholds (got %d)",
		                  RS_MAX_ALERT_THRESHOLDS, n);
	size_t i = 0;
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		char ep[SC_PATH_MAX];
		sc_child_index(ep, kp, i);
		double v;
		rs_status st = sc_num_value(c, e, ep, &threshold_row, &v);
		if (st != RS_OK)
			return st;
		if (i > 0 && !(v > a->thresholds[i - 1])) {
			char p[32], g[32];
			sc_fmt_num(p, sizeof p, a->thresholds[i - 1]);
			sc_fmt_num(g, sizeof g, v);
			return sc_invalid(c, ep, "must be > the threshold before it (%s) (got %s)",
			                  p, g);
		}
		a->thresholds[i] = v;
	}
	a->n_thresholds = i;
	return RS_OK;
}

/* Whether `of` is a positive whole multiple of `unit`, both in seconds,
 * compared in whole microseconds (the clock's tick). */
static bool is_multiple(double of, double unit)
{
	rs_time o = rs_time_from_s(of), u = rs_time_from_s(unit);
	return u > 0 && o >= u && o % u == 0;
}

static rs_status not_multiple(sc *c, const char *path, const char *key, const char *of_what,
                              double unit, double got)
{
	char kp[SC_PATH_MAX], u[32], g[32];
	sc_child_key(kp, path, key);
	sc_fmt_num(u, sizeof u, unit);
	sc_fmt_num(g, sizeof g, got);
	return sc_invalid(c, kp, "must be a whole multiple of %s (%s) (got %s)", of_what, u, g);
}

/* The times of rule a fit together and the run (see the note at the top). */
static rs_status check_times(sc *c, const char *path, const rs_alert_cfg *a)
{
	const rs_config *cfg = c->cfg;
	if (!is_multiple(a->grain_s, cfg->bucket_s))
		return not_multiple(c, path, "grain_s", "bucket_s", cfg->bucket_s, a->grain_s);
	if (a->metric == RS_ALERT_UTILIZATION &&
	    !is_multiple(a->grain_s, (double)RS_US_PER_MIN / (double)RS_US_PER_S))
		return not_multiple(c, path, "grain_s",
		                    "a minute for metric \"utilization\", a per-minute metric",
		                    (double)RS_US_PER_MIN / (double)RS_US_PER_S, a->grain_s);
	if (!is_multiple(a->window_s, a->grain_s))
		return not_multiple(c, path, "window_s", "grain_s", a->grain_s, a->window_s);
	if (!is_multiple(a->frequency_s, a->grain_s))
		return not_multiple(c, path, "frequency_s", "grain_s", a->grain_s, a->frequency_s);
	if (a->frequency_s > a->window_s)
		return sc_above(c, path, "frequency_s", "window_s", a->window_s, a->frequency_s);
	if (a->window_s > cfg->duration_s)
		return sc_above(c, path, "window_s", "duration_s", cfg->duration_s, a->window_s);
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "window_s");
	double points = (double)(rs_time_from_s(a->window_s) / rs_time_from_s(a->grain_s));
	if (points > RS_MAX_ALERT_WINDOW_POINTS) {
		char g[32];
		sc_fmt_num(g, sizeof g, a->grain_s);
		return sc_invalid(c, kp,
		                  "holds %.0f points of grain_s %s s (at most %d); raise grain_s "
		                  "or shorten the window",
		                  points, g, RS_MAX_ALERT_WINDOW_POINTS);
	}
	return RS_OK;
}

/* Whether deployment d has the limit metric m is a share of. */
static bool metric_applies(const rs_config *cfg, size_t d, rs_alert_metric m)
{
	bool ptu = rs_kind_is_provisioned(cfg->deployments[d].kind);
	return m == RS_ALERT_UTILIZATION ? ptu : !ptu;
}

/* "deployment": "*" (some deployment has the metric's limit) or a name
 * (that deployment has it). */
static rs_status check_deployment(sc *c, const char *path, rs_alert_cfg *a, const char *name)
{
	const rs_config *cfg = c->cfg;
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "deployment");
	const char *needs = a->metric == RS_ALERT_UTILIZATION
	                        ? "a provisioned deployment (a PTU meter)"
	                        : "a standard-family deployment (TPM and RPM limits)";
	if (strcmp(name, RS_DEFAULT_ALERT_DEPLOYMENT) == 0) {
		for (size_t d = 0; d < cfg->n_deployments; d++)
			if (metric_applies(cfg, d, a->metric))
				return RS_OK;
		return sc_invalid(c, kp, "metric \"%s\" needs %s, and the scenario has none",
		                  metric_names[a->metric], needs);
	}
	int d = sc_deployment_find(cfg, cfg->n_deployments, name);
	if (d < 0)
		return sc_no_deployment(c, kp, name);
	if (!metric_applies(cfg, (size_t)d, a->metric))
		return sc_invalid(c, kp, "deployment \"%s\" is %s: metric \"%s\" needs %s", name,
		                  rs_kind_name(cfg->deployments[d].kind), metric_names[a->metric],
		                  needs);
	if (!(a->deployment = sc_strdup(name)))
		return sc_nomem(c);
	return RS_OK;
}

static rs_status parse_alert(sc *c, const cJSON *o, const char *path, rs_alert_cfg *a)
{
	sc_keys ks = SC_KEYS(alert_keys);
	int metric = 0, agg = RS_DEFAULT_ALERT_AGGREGATION, resolve = 0;
	const char *dep = NULL;
	rs_status st = sc_expect_object(c, o, path);
	if (st == RS_OK)
		st = sc_keys_known(c, o, path, ks);
	if (st == RS_OK)
		st = sc_get_enum(c, o, path, ks, "metric", &metric);
	if (st == RS_OK)
		st = sc_get_enum(c, o, path, ks, "aggregation", &agg);
	if (st == RS_OK)
		st = sc_get_num(c, o, path, ks, "grain_s", &a->grain_s);
	if (st == RS_OK)
		st = sc_get_num(c, o, path, ks, "window_s", &a->window_s);
	if (st == RS_OK)
		st = sc_get_num(c, o, path, ks, "frequency_s", &a->frequency_s);
	if (st == RS_OK)
		st = sc_get_int(c, o, path, ks, "resolve_after", &resolve);
	if (st == RS_OK)
		st = sc_get_str(c, o, path, ks, "deployment", &dep);
	if (st != RS_OK)
		return st;
	a->metric = (rs_alert_metric)metric;
	a->aggregation = (rs_alert_aggregation)agg;
	a->resolve_after = resolve;
	if (!dep && !sc_write(c, o, "deployment", cJSON_CreateString(RS_DEFAULT_ALERT_DEPLOYMENT)))
		return sc_nomem(c);
	st = parse_thresholds(c, o, path, a);
	if (st == RS_OK)
		st = check_times(c, path, a);
	if (st == RS_OK)
		st = check_deployment(c, path, a, dep ? dep : RS_DEFAULT_ALERT_DEPLOYMENT);
	return st;
}

rs_status sc_parse_alerts(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array_any(c, root, "", "alerts", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	c->cfg->alerts = rs_calloc(n, sizeof *c->cfg->alerts);
	if (!c->cfg->alerts)
		return sc_nomem(c);
	c->cfg->n_alerts = n;
	size_t i = 0;
	for (const cJSON *o = arr->child; o; o = o->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".alerts", i);
		if ((st = parse_alert(c, o, path, &c->cfg->alerts[i])) != RS_OK)
			return st;
	}
	return RS_OK;
}

static const sc_table alerts_tables[] = {
    {"alert", SC_KEYS(alert_keys)},
};

const sc_table *sc_alerts_tables(size_t *n)
{
	*n = SC_N(alerts_tables);
	return alerts_tables;
}

const char *rs_alert_metric_name(rs_alert_metric m)
{
	return metric_names[m];
}

const char *rs_alert_aggregation_name(rs_alert_aggregation a)
{
	return aggregation_names[a];
}
