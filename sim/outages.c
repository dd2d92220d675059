/*
 * outages.c - random outages from an availability figure (the model and
 * its sources are in include/ratesim/outages.h; MODEL.md section 8).
 *
 * The generator walks one process from time 0: an exponential up period
 * (gsl_ran_exponential, in seconds), then a repair time (exponential, or an
 * rs_dist_draw of the repair distribution, whole seconds), and so on until
 * the end of the run.  The measured availability merges the down windows
 * that hit a deployment (sorted by start) and sums the time they cover.
 */
#include "ratesim/outages.h"

#include "ratesim/dist.h"
#include "ratesim/rng.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The measured availability is reported to this many decimals (1e-9 of a
 * year is 32 ms). */
#define AVAILABILITY_DECIMALS 1e9
/* The list's first capacity. */
#define LIST_FIRST_CAP 16

double rs_outage_mttr_s(const rs_outage_cfg *o)
{
	if (o->repair_exponential)
		return o->repair_mean_s;
	const rs_dist_cfg *d = &o->repair;
	switch (d->kind) {
	case RS_DIST_FIXED:
		return (double)llround(d->value);
	case RS_DIST_UNIFORM:
		return ((double)llround(d->min) + (double)llround(d->max)) / 2;
	case RS_DIST_LOGNORMAL:
		return d->median * exp(d->sigma * d->sigma / 2);
	case RS_DIST_EMPIRICAL:
	case RS_DIST_TRACE:
		break;
	}
	assert(!"the loader allows fixed, uniform and lognormal repairs only");
	return 0;
}

double rs_outage_expected(const rs_outage_cfg *o, double duration_s)
{
	double mttr = rs_outage_mttr_s(o);
	if (o->availability >= 1 || !(mttr > 0))
		return 0;
	/* one window per cycle of mean MTTR / (1 - A) */
	return duration_s * (1 - o->availability) / mttr + 1;
}

static double repair_time(const rs_outage_cfg *o, gsl_rng *rng)
{
	if (o->repair_exponential)
		return gsl_ran_exponential(rng, o->repair_mean_s);
	return (double)rs_dist_draw(&o->repair, NULL, RS_TRACE_PROMPT, rng, 0);
}

static rs_status push(rs_fault_list *list, const rs_outage_cfg *o, double start, double end,
                      rs_error *err)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : LIST_FIRST_CAP;
		rs_fault_cfg *v = realloc(list->v, cap * sizeof *v);
		if (!v)
			return rs_fail(err, RS_ERR_NOMEM, "out of memory building the outages");
		list->v = v;
		list->cap = cap;
	}
	list->v[list->n++] = (rs_fault_cfg){.kind = RS_FAULT_DOWN,
	                                    .deployment = o->deployment,
	                                    .region = o->region,
	                                    .start_s = start,
	                                    .end_s = end,
	                                    .mode = o->mode,
	                                    .error_ms = o->error_ms,
	                                    .scale = 1};
	return RS_OK;
}

rs_status rs_outages_generate(const rs_outage_cfg *o, gsl_rng *rng, double duration_s,
                              rs_fault_list *list, rs_error *err)
{
	double a = o->availability;
	if (a >= 1)
		return RS_OK;
	double up_mean = rs_outage_mttr_s(o) * a / (1 - a);
	/* the steady state at time 0: down with probability 1 - A */
	bool down = gsl_rng_uniform(rng) < 1 - a;
	double t = 0;
	while (t < duration_s) {
		if (!down) {
			t += gsl_ran_exponential(rng, up_mean);
			down = true;
			continue;
		}
		double end = t + repair_time(o, rng);
		if (end > t) {
			rs_status st = push(list, o, t, end < duration_s ? end : duration_s, err);
			if (st != RS_OK)
				return st;
		}
		t = end;
		down = false;
	}
	return RS_OK;
}

rs_status rs_outages_build(const rs_config *cfg, rs_fault_cfg **faults, size_t *n, rs_error *err)
{
	*faults = NULL;
	*n = 0;
	rs_fault_list list = {0};
	rs_status st = RS_OK;
	for (size_t i = 0; st == RS_OK && i < cfg->n_faults; i++) {
		/* the scenario's own faults first, as they are */
		if (list.n == list.cap) {
			size_t cap = list.cap ? 2 * list.cap : LIST_FIRST_CAP;
			rs_fault_cfg *v = realloc(list.v, cap * sizeof *v);
			if (!v) {
				st =
				    rs_fail(err, RS_ERR_NOMEM, "out of memory building the faults");
				break;
			}
			list.v = v;
			list.cap = cap;
		}
		list.v[list.n++] = cfg->faults[i];
	}
	for (size_t i = 0; st == RS_OK && i < cfg->n_outages; i++) {
		const rs_outage_cfg *o = &cfg->outages[i];
		gsl_rng *rng = o->deployment
		                   ? rs_rng_stream(cfg->seed, "outage.deployment", o->deployment)
		                   : rs_rng_stream(cfg->seed, "outage.region", o->region);
		if (!rng) {
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory building the outages");
			break;
		}
		st = rs_outages_generate(o, rng, cfg->duration_s, &list, err);
		gsl_rng_free(rng);
	}
	if (st != RS_OK) {
		free(list.v);
		return st;
	}
	*faults = list.v;
	*n = list.n;
	return RS_OK;
}

typedef struct span {
	double start, end;
} span;

static int by_start(const void *a, const void *b)
{
	double x = ((const span *)a)->start, y = ((const span *)b)->start;
	return (x > y) - (x < y);
}

static bool hits(const rs_fault_cfg *f, const rs_deployment_cfg *d)
{
	if (f->kind != RS_FAULT_DOWN)
		return false;
	return f->deployment ? strcmp(f->deployment, d->name) == 0
	                     : strcmp(f->region, d->region) == 0;
}

double rs_outages_measured(const rs_fault_cfg *faults, size_t n, const rs_deployment_cfg *d,
                           double from_s, double to_s)
{
	if (!(to_s > from_s))
		return 1;
	span *s = n ? malloc(n * sizeof *s) : NULL;
	size_t k = 0;
	for (size_t i = 0; s && i < n; i++) {
		if (!hits(&faults[i], d))
			continue;
		double a = fmax(faults[i].start_s, from_s), b = fmin(faults[i].end_s, to_s);
		if (b > a)
			s[k++] = (span){a, b};
	}
	if (n && !s)
		return NAN; /* out of memory: no figure rather than a wrong one */
	if (k > 1)
		qsort(s, k, sizeof *s, by_start);
	double down = 0, cur_start = 0, cur_end = -INFINITY;
	for (size_t i = 0; i < k; i++) {
		if (s[i].start > cur_end) {
			if (cur_end > cur_start)
				down += cur_end - cur_start;
			cur_start = s[i].start;
			cur_end = s[i].end;
		} else if (s[i].end > cur_end) {
			cur_end = s[i].end;
		}
	}
	if (k && cur_end > cur_start)
		down += cur_end - cur_start;
	free(s);
	return 1 - down / (to_s - from_s);
}

bool rs_outages_summary(const rs_config *cfg, cJSON *deployments)
{
	if (cfg->n_outages == 0 || !deployments)
		return true;
	rs_fault_cfg *f;
	size_t n;
	rs_error err = {0};
	if (rs_outages_build(cfg, &f, &n, &err) != RS_OK)
		return false;
	bool ok = true;
	size_t d = 0;
	for (cJSON *o = deployments->child; o && d < cfg->n_deployments; o = o->next, d++) {
		double a =
		    rs_outages_measured(f, n, &cfg->deployments[d], cfg->warmup_s, cfg->duration_s);
		if (isnan(a))
			continue;
		a = round(a * AVAILABILITY_DECIMALS) / AVAILABILITY_DECIMALS;
		ok = ok && cJSON_AddNumberToObject(o, "availability", a) != NULL;
	}
	free(f);
	return ok;
}
