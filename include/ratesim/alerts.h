/*
 * alerts.h - metric alert rules on the deployments' usage (issue 9; seed 000:
 * alert at 80-90% of the TPM/RPM quota, to act before users see 429s;
 * MODEL.md section 12), evaluated as Azure Monitor evaluates a metric alert
 * rule, from the rows the metrics already produce: the engine is not
 * touched, and a run with alerts behaves exactly as one without.
 *
 * A rule (config.h rs_alert_cfg) applies to one deployment, or with "*" to
 * every deployment that has its metric's limit; each such pair is an
 * instance.  An instance builds a series of metric points, one per grain_s
 * (the platform metrics' time grain; a whole number of buckets):
 *   tokens       processed tokens (prompt + completion of the attempts that
 *                completed in the point) per minute / the TPM limit in force
 *   requests     requests the deployment answered, whatever the status, per
 *                minute / the RPM limit in force
 *   utilization  the mean of the point's minutes of Utilization V2
 *                (provisioned deployments; already a share)
 * At each multiple of frequency_s it evaluates the last window_s / grain_s
 * points: their average or maximum (points without data left out; none:
 * no evaluation).  Each threshold is a stateful alert: it fires at the first
 * evaluation whose value is >= the threshold and resolves after
 * resolve_after evaluations in a row below it.  Evaluations start once a
 * whole window has passed and at or after warmup_s (the window may reach
 * back into the warm-up, as the metrics do); an alert still fired at the
 * run's end stays fired (no event).
 *
 * Events are handed to a sink as they happen (alerts.csv); the first fire
 * of each threshold is kept for the summary, where the lead time is the
 * first 429 (rs_metrics_first_throttled) minus the first alert.  Memory:
 * O(instances x window points); cost O(instances) per bucket row and per
 * evaluation O(window points).
 */
#ifndef RATESIM_ALERTS_H
#define RATESIM_ALERTS_H

#include "ratesim/config.h"
#include "ratesim/metrics.h"

struct cJSON;

typedef struct rs_alert_event {
	rs_time time;      /* the evaluation that changed the state */
	size_t rule;       /* index in cfg->alerts */
	size_t deployment; /* index in cfg->deployments */
	size_t threshold;  /* index in the rule's thresholds */
	bool fired;        /* fired, else resolved */
	double value;      /* the evaluated value (a share of the limit) */
} rs_alert_event;

/* Called for each event, in time order; a failure stops the run. */
typedef rs_status (*rs_alert_sink)(void *ctx, const rs_alert_event *e);

typedef struct rs_alerts rs_alerts;

/* The instances of cfg's rules (cfg borrowed for the alerts' lifetime).
 * OUT: *out, NULL when cfg has no rule.  Errors: RS_ERR_NOMEM. */
rs_status rs_alerts_new(const rs_config *cfg, rs_alert_sink sink, void *ctx, rs_alerts **out,
                        rs_error *err);
void rs_alerts_free(rs_alerts *a);

/* Feed a closed bucket row (every scope, in the metrics' order: the total,
 * then the deployments in order) / a closed minute row of a provisioned
 * deployment.  Returns the sink's status. */
rs_status rs_alerts_on_row(rs_alerts *a, const rs_ts_row *row);
rs_status rs_alerts_on_minute(rs_alerts *a, const rs_minute_row *row);

/* The first time threshold k of rule r fired on deployment d, or -1 (also
 * when the rule does not apply to d). */
rs_time rs_alerts_first_fired(const rs_alerts *a, size_t r, size_t d, size_t k);

/* Add "alerts" to summary.json's root: per deployment and overall, the
 * first alert, the first 429 and the lead time (docs/outputs.md).  Returns
 * false when out of memory. */
bool rs_alerts_summary(const rs_alerts *a, const rs_metrics *m, struct cJSON *root);

#endif
