/*
 * scenario_estimate.c - what a run of a checked scenario will cost: its
 * peak memory and the size of its results, estimated from the config alone,
 * and the budget check that refuses a scenario before it runs out of either.
 *
 * Limits of meaning (a rate, a time, a factor) are the key rows' ranges;
 * the limits here are of resources: clients, deployments, users, buckets,
 * rows.  Each is fine alone and the product is what hurts, so the check is
 * on the estimate, and the message names the value that dominates it (the
 * JSON path an author can change, or --set).
 *
 * The model is linear with per-item costs measured on this build (a client
 * or a deployment holds its counters and latency histograms per run and per
 * bucket: about 115 KB and 93 KB at 2,000 of them; a time-series row is 70
 * to 140 bytes), rounded up so that the estimate errs high.  It leaves out
 * what the config cannot tell: the size of trace files, and requests.csv
 * (--log-requests), which grows with the traffic.
 *
 * Cost: O(clients + deployments + routers + outages).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ratesim/outages.h"
#include "ratesim/scenario_estimate.h"
#include "scenario_keys.h"

/* ---- per-item costs (bytes), rounded up from measurements ----------------- */

#define EST_BASE_BYTES       (8.0 * 1024 * 1024) /* the program, the model table, buffers */
#define EST_CLIENT_BYTES     (128.0 * 1024)      /* counters and histograms of a client */
#define EST_DEPLOYMENT_BYTES (128.0 * 1024)      /* the same of a deployment, and its meter */
#define EST_PAIR_BYTES       8.0                 /* a client x deployment round trip */
#define EST_BACKEND_BYTES    256.0               /* a router's state per backend */
#define EST_FAILURE_BYTES    8.0                 /* one slot of a breaker's failure ring */
#define EST_USER_BYTES       512.0               /* a closed-loop user and its request */
#define EST_POINT_BYTES      24.0                /* a schedule point */
#define EST_ESTIMATOR_BYTES  8.0                 /* one completion of a running mean */
#define EST_ROW_BYTES        160.0               /* a timeseries.csv row */
#define EST_OUTAGE_BYTES     256.0               /* an outage window and its 2 events (216) */
#define EST_WINDOW_BYTES     (24.0 * 1024) /* a window's counters and 2 histograms, per scope */
#define EST_FIXED_OUT_BYTES  (64.0 * 1024) /* summary.json, latency_cdf.csv, charts' data */
#define EST_MB               (1024.0 * 1024.0)

/* The largest term so far: its size, the path of the value behind it and
 * what to say of it. */
typedef struct est_term {
	double bytes;
	char path[SC_PATH_MAX];
	char what[SC_LIST_MAX];
} est_term;

static void consider(est_term *top, double bytes, const char *path, const char *what)
{
	if (bytes <= top->bytes)
		return;
	top->bytes = bytes;
	snprintf(top->path, sizeof top->path, "%s", path);
	snprintf(top->what, sizeof top->what, "%s", what);
}

/* The estimate, and OUT: the terms that dominate memory and output. */
static void estimate(const rs_config *cfg, rs_scenario_estimate *e, est_term *mem, est_term *out)
{
	memset(e, 0, sizeof *e);
	memset(mem, 0, sizeof *mem);
	memset(out, 0, sizeof *out);
	double nc = (double)cfg->n_clients, nd = (double)cfg->n_deployments;
	double bytes = EST_BASE_BYTES, term;
	char what[SC_LIST_MAX];

	term = nc * EST_CLIENT_BYTES + nc * nd * EST_PAIR_BYTES;
	snprintf(what, sizeof what, "%zu client%s", cfg->n_clients, cfg->n_clients == 1 ? "" : "s");
	consider(mem, term, ".clients", what);
	bytes += term;
	term = nd * EST_DEPLOYMENT_BYTES;
	snprintf(what, sizeof what, "%zu deployment%s", cfg->n_deployments,
	         cfg->n_deployments == 1 ? "" : "s");
	consider(mem, term, ".deployments", what);
	bytes += term;
	/* issue 11: each window keeps the total's and each deployment's figures */
	term = (double)cfg->n_windows * (1 + nd) * EST_WINDOW_BYTES;
	snprintf(what, sizeof what, "%zu window%s of figures", cfg->n_windows,
	         cfg->n_windows == 1 ? "" : "s");
	consider(mem, term, ".windows", what);
	bytes += term;

	for (size_t i = 0; i < cfg->n_deployments; i++) {
		const rs_deployment_cfg *d = &cfg->deployments[i];
		if (d->estimator != RS_ESTIMATOR_RUNNING_MEAN)
			continue;
		term = (double)d->estimator_window * EST_ESTIMATOR_BYTES;
		char path[SC_PATH_MAX];
		snprintf(path, sizeof path, ".deployments[%zu].max_tokens_estimator.window", i);
		snprintf(what, sizeof what, "a running mean of %d completions",
		         d->estimator_window);
		consider(mem, term, path, what);
		bytes += term;
	}
	for (size_t i = 0; i < cfg->n_routers; i++) {
		const rs_router_cfg *r = &cfg->routers[i];
		double nb = (double)r->n_backends;
		term = nb * (EST_BACKEND_BYTES + (double)r->breaker_failures * EST_FAILURE_BYTES);
		char path[SC_PATH_MAX];
		snprintf(path, sizeof path, ".routers[%zu].breaker_failures", i);
		snprintf(what, sizeof what, "breaker rings of %d failures for %zu backends",
		         r->breaker_failures, r->n_backends);
		consider(mem, term, path, what);
		bytes += term;
	}
	for (size_t i = 0; i < cfg->n_clients; i++) {
		const rs_arrival_cfg *a = &cfg->clients[i].arrival;
		char path[SC_PATH_MAX];
		if (a->process == RS_ARRIVAL_CLOSED) {
			term = (double)a->users * EST_USER_BYTES;
			snprintf(path, sizeof path, ".clients[%zu].arrival.users", i);
			snprintf(what, sizeof what, "%d user%s", a->users,
			         a->users == 1 ? "" : "s");
			consider(mem, term, path, what);
			bytes += term;
		}
		if (a->process == RS_ARRIVAL_AT_ONCE) { /* issue 9: the herd is in memory at once */
			term = (double)a->requests * EST_USER_BYTES;
			snprintf(path, sizeof path, ".clients[%zu].arrival.requests", i);
			snprintf(what, sizeof what, "%" PRId64 " requests at once", a->requests);
			consider(mem, term, path, what);
			bytes += term;
		}
		if (a->process == RS_ARRIVAL_JOB) { /* issue 9: a job's units out at once */
			term = (double)a->concurrency * EST_USER_BYTES;
			snprintf(path, sizeof path, ".clients[%zu].arrival.concurrency", i);
			snprintf(what, sizeof what, "a job of %d at once", a->concurrency);
			consider(mem, term, path, what);
			bytes += term;
		}
		term = (double)a->n_schedule * EST_POINT_BYTES;
		snprintf(path, sizeof path, ".clients[%zu].arrival", i);
		snprintf(what, sizeof what, "a schedule of %zu points", a->n_schedule);
		consider(mem, term, path, what);
		bytes += term;
	}
	for (size_t i = 0; i < cfg->n_outages; i++) {
		double n = rs_outage_expected(&cfg->outages[i], cfg->duration_s);
		term = n * EST_OUTAGE_BYTES;
		char path[SC_PATH_MAX];
		snprintf(path, sizeof path, ".outages[%zu].availability", i);
		snprintf(what, sizeof what, "about %.0f random outages", n);
		consider(mem, term, path, what);
		bytes += term;
	}
	e->memory_mb = bytes / EST_MB;

	e->buckets = ceil(cfg->duration_s / cfg->bucket_s);
	double series = 1 + nc + nd; /* the total, each deployment, each client */
	term = e->buckets * series * EST_ROW_BYTES;
	char b[32], s[32];
	sc_fmt_num(b, sizeof b, e->buckets);
	sc_fmt_num(s, sizeof s, series);
	snprintf(what, sizeof what, "%s buckets of %s series", b, s);
	consider(out, term, ".bucket_s", what);
	e->output_mb = (term + EST_FIXED_OUT_BYTES) / EST_MB;
}

void rs_scenario_estimate_of(const rs_config *cfg, rs_scenario_estimate *out)
{
	est_term mem, files;
	estimate(cfg, out, &mem, &files);
}

rs_status rs_scenario_check_budget(const rs_config *cfg, double max_memory_mb, double max_output_mb,
                                   rs_error *err)
{
	rs_scenario_estimate e;
	est_term mem, files;
	estimate(cfg, &e, &mem, &files);
	char got[32], lim[32];
	if (e.memory_mb > max_memory_mb) {
		sc_fmt_num(got, sizeof got, ceil(e.memory_mb));
		sc_fmt_num(lim, sizeof lim, max_memory_mb);
		return rs_fail(
		    err, RS_ERR_INVALID,
		    "%s: %s: a run with %s takes about %s MB of memory (estimate), over the "
		    "budget of %s MB; to allow it, set limits.max_memory_mb in the scenario, or "
		    "give --max-memory MB",
		    cfg->path, mem.path, mem.what, got, lim);
	}
	if (e.output_mb > max_output_mb) {
		sc_fmt_num(got, sizeof got, ceil(e.output_mb));
		sc_fmt_num(lim, sizeof lim, max_output_mb);
		return rs_fail(
		    err, RS_ERR_INVALID,
		    "%s: %s: a run with %s writes about %s MB of results (estimate), over "
		    "the budget of %s MB; raise bucket_s, or to allow it set "
		    "limits.max_output_mb in the scenario, or give --max-output MB",
		    cfg->path, files.path, files.what, got, lim);
	}
	return RS_OK;
}
