/*
 * outages.h - random outages from an availability figure (issue 9).
 *
 * Seed 002 quotes the service's SLA: "99.9%以上の稼働率を保証" (at least
 * 99.9% uptime; Azure Cognitive Services SLA).  An SLA is a figure, not a
 * schedule: ratesim turns it into one by the textbook alternating renewal
 * process of a repairable component.  A deployment (or a region: every
 * deployment of it at once) is up for a time ~ Exponential of mean
 * MTTR x A / (1 - A), then down for a repair time ~ the repair
 * distribution (mean MTTR), then up again, so that the long-run share of
 * time up is A (renewal-reward theorem: E[up] / (E[up] + E[down])).  The
 * run starts in the steady state: down with probability 1 - A (then for a
 * fresh repair time: exact for an exponential repair, whose residual has
 * the same law; an approximation for the others), else up.
 *
 * Each process draws from its own stream, seeded from (seed, "outage.
 * deployment" or "outage.region", the name), so adding one changes no
 * other draw.  The windows are built when the world is built, as faults of
 * the "down" kind after the scenario's own faults: routers, charts and the
 * time series see them as any outage.  Windows of zero length (a repair
 * drawn as 0 s) are dropped; the last is cut at the end of the run.
 *
 * Cost: O(number of windows) = O(duration x (1 - A) / MTTR) per process;
 * the loader refuses a scenario that expects more than RS_MAX_OUTAGES.
 */
#ifndef RATESIM_OUTAGES_H
#define RATESIM_OUTAGES_H

#include <gsl/gsl_rng.h>

#include "ratesim/config.h"

struct cJSON;

/* The most down windows a run's outage processes may expect in all (the
 * loader's bound: memory and events, not a service figure). */
#define RS_MAX_OUTAGES 1000000.0

/* The mean of o's repair distribution (the MTTR), in seconds: the mean of
 * an exponential repair, the value of a fixed one (whole seconds), the
 * midpoint of a uniform one's whole seconds, median x exp(sigma^2 / 2) for
 * a lognormal one. */
double rs_outage_mttr_s(const rs_outage_cfg *o);

/* The expected number of down windows of o over duration_s. */
double rs_outage_expected(const rs_outage_cfg *o, double duration_s);

/* A growing list of fault windows (owned array; strings borrowed). */
typedef struct rs_fault_list {
	rs_fault_cfg *v;
	size_t n, cap;
} rs_fault_list;

/*
 * Append to list the down windows of process o over [0, duration_s), drawn
 * from rng (borrowed; the process's own stream).  Each window's deployment
 * and region point into o (borrowed).  Errors: NOMEM (the list keeps what
 * it had).
 */
rs_status rs_outages_generate(const rs_outage_cfg *o, gsl_rng *rng, double duration_s,
                              rs_fault_list *list, rs_error *err);

/*
 * Every fault window of a run of cfg: cfg->faults, then the windows of each
 * outage process in cfg->outages order.  OUT: *faults (caller frees with
 * free(); its strings are borrowed from cfg), *n.  Errors: NOMEM.
 */
rs_status rs_outages_build(const rs_config *cfg, rs_fault_cfg **faults, size_t *n, rs_error *err);

/* The share of [from_s, to_s) in which deployment d is not under any
 * "down" window of faults[0..n) (its own or its region's; overlapping
 * windows count once); 1 when to_s <= from_s. */
double rs_outages_measured(const rs_fault_cfg *faults, size_t n, const rs_deployment_cfg *d,
                           double from_s, double to_s);

/* When cfg has outage processes: add "availability" (the measured share
 * after warm-up, every down window counted) to each object of deployments
 * (summary.json's array, in cfg order).  Returns false when out of memory. */
bool rs_outages_summary(const rs_config *cfg, struct cJSON *deployments);

#endif
