/*
 * scenario_batch.c - the loader's room for "global_batch": global batch
 * deployments and their job sources (issue 9 part 4; the model is in
 * batch.h, MODEL.md section 7).
 *
 *   "global_batch": [ { "name": "nightly", "model": "gpt-4o",
 *                "enqueued_tokens": 200000000,
 *                "turnaround_s": {"dist": "lognormal", "median": 7200, "sigma": 1},
 *                "jobs": { "process": "poisson", "every_s": 3600,
 *                          "requests": 5000, "prompt_tokens": 800,
 *                          "output_tokens": 200 } } ]
 *
 * Names are unique among batch deployments; the model is one of the model
 * table's (built-in or the scenario's); deployments of one (subscription,
 * model) share one quota and must state the same enqueued_tokens.  A run
 * may submit at most RS_MAX_BATCH_JOBS jobs per deployment and draw at most
 * RS_MAX_BATCH_DRAWS requests in all (expected), so that a run stays
 * finite.  Cost: O(deployments^2) for the name and pool checks.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "ratesim/batch.h"
#include "scenario_keys.h"

/* The most requests a run's batch jobs may draw (expected): each costs two
 * draws, and 10^8 of them take a few seconds. */
#define RS_MAX_BATCH_DRAWS 100000000.0

static const char *const process_names[] = {"constant", "poisson"};

/* clang-format off: key tables keep one key per line */
static const sc_key batch_keys[] = {
    {"name", 0, true, NULL, SC_STRING},
    {"model", 0, true, NULL, SC_STRING},
    {"subscription", 0, false, NULL, SC_STRING_OR(RS_DEFAULT_SUBSCRIPTION)},
    {"enqueued_tokens", 0, true, NULL, SC_WHOLE(SC_POS, RS_MAX_ENQUEUED)},
    {"turnaround_s", 0, true, NULL, SC_DIST},
    {"target_s", 0, false, NULL, SC_NUMBER(SC_POS, 1, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_BATCH_TARGET_S)},
    {"price_factor", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_FACTOR),
     SC_DEFAULT(RS_DEFAULT_BATCH_PRICE_FACTOR)},
    {"jobs", 0, true, NULL, SC_OBJECT},
};

static const sc_key jobs_keys[] = {
    {"process", 0, false, NULL, SC_ENUM_OR(process_names, 0)},
    {"every_s", 0, true, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_TIME_S)},
    {"start_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_BATCH_START_S)},
    {"requests", 0, true, NULL, SC_DIST},
    {"prompt_tokens", 0, true, NULL, SC_DIST},
    {"output_tokens", 0, true, NULL, SC_DIST},
};

/* A turnaround in seconds (whole seconds are drawn). */
static const sc_key turnaround_keys[] = {
    SC_DIST_ROWS(SC_NONNEG, SC_POS, RS_MAX_TIME_S),
};

/* Requests in a job: 1 to the service's 100,000 per file. */
static const sc_key requests_keys[] = {
    SC_DIST_ROWS(SC_GE1, SC_GE1, RS_MAX_BATCH_REQUESTS),
};

/* A request's prompt or output tokens. */
static const sc_key job_tokens_keys[] = {
    SC_DIST_ROWS(SC_NONNEG, SC_POS, RS_MAX_TOKENS),
};
/* clang-format on */

#define KINDS (SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL))

/* obj.key (required, present) as a distribution of the rows ks. */
static rs_status get_dist(sc *c, const cJSON *obj, const char *path, const char *key, sc_keys ks,
                          rs_dist_cfg *d)
{
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, key);
	return sc_dist_value(c, sc_member(obj, key), kp, ks, KINDS, false, d);
}

/* The mean of a distribution of these kinds (the lognormal's, uncut). */
static double dist_mean(const rs_dist_cfg *d)
{
	switch (d->kind) {
	case RS_DIST_FIXED:
		return d->value;
	case RS_DIST_UNIFORM:
		return (d->min + d->max) / 2;
	case RS_DIST_LOGNORMAL:
		return d->median * exp(d->sigma * d->sigma / 2);
	case RS_DIST_EMPIRICAL:
	case RS_DIST_TRACE:
		break;
	}
	return 0;
}

static rs_status parse_jobs(sc *c, const cJSON *o, const char *path, rs_batch_cfg *b)
{
	char jp[SC_PATH_MAX];
	sc_child_key(jp, path, "jobs");
	const cJSON *j = sc_member(o, "jobs");
	sc_keys ks = SC_KEYS(jobs_keys);
	int process = 0;
	rs_status st = sc_expect_object(c, j, jp);
	if (st == RS_OK)
		st = sc_keys_known(c, j, jp, ks);
	if (st == RS_OK)
		st = sc_get_enum(c, j, jp, ks, "process", &process);
	b->poisson = process == 1;
	if (st == RS_OK)
		st = sc_get_num(c, j, jp, ks, "every_s", &b->every_s);
	if (st == RS_OK)
		st = sc_get_num(c, j, jp, ks, "start_s", &b->start_s);
	if (st == RS_OK)
		st = get_dist(c, j, jp, "requests", SC_KEYS(requests_keys), &b->requests);
	if (st == RS_OK)
		st = get_dist(c, j, jp, "prompt_tokens", SC_KEYS(job_tokens_keys),
		              &b->prompt_tokens);
	if (st == RS_OK)
		st = get_dist(c, j, jp, "output_tokens", SC_KEYS(job_tokens_keys),
		              &b->output_tokens);
	if (st != RS_OK)
		return st;
	double jobs = c->cfg->duration_s / b->every_s;
	char kp[SC_PATH_MAX], num[32];
	sc_child_key(kp, jp, "every_s");
	sc_fmt_num(num, sizeof num, round(jobs));
	if (jobs > RS_MAX_BATCH_JOBS)
		return sc_invalid(c, kp,
		                  "submits about %s jobs in the run (at most %.0f); raise every_s",
		                  num, RS_MAX_BATCH_JOBS);
	double mean = dist_mean(&b->requests);
	mean = mean > RS_MAX_BATCH_REQUESTS ? RS_MAX_BATCH_REQUESTS : mean;
	if (jobs * mean > RS_MAX_BATCH_DRAWS) {
		sc_fmt_num(num, sizeof num, round(jobs * mean));
		return sc_invalid(
		    c, kp,
		    "submits about %s requests in the run (at most %.0f); raise every_s "
		    "or make the jobs smaller",
		    num, RS_MAX_BATCH_DRAWS);
	}
	return RS_OK;
}

static int model_find(const rs_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_models; i++)
		if (strcmp(cfg->models[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Name unique; model known; one quota per (subscription, model). */
static rs_status check_names(sc *c, const char *path, size_t k)
{
	rs_batch_cfg *b = &c->cfg->batch[k];
	char kp[SC_PATH_MAX];
	for (size_t j = 0; j < k; j++) {
		const rs_batch_cfg *o = &c->cfg->batch[j];
		sc_child_key(kp, path, "name");
		if (strcmp(o->name, b->name) == 0)
			return sc_invalid(
			    c, kp,
			    "batch deployment \"%s\" is already defined at .global_batch[%zu]",
			    b->name, j);
		sc_child_key(kp, path, "enqueued_tokens");
		if (o->model == b->model && strcmp(o->subscription, b->subscription) == 0 &&
		    o->enqueued_tokens != b->enqueued_tokens)
			return sc_invalid(
			    c, kp,
			    "must be %lld, as .global_batch[%zu] says: the batch deployments "
			    "of subscription \"%s\" and model \"%s\" share one "
			    "enqueued-token quota (got %lld)",
			    (long long)o->enqueued_tokens, j, b->subscription,
			    c->cfg->models[b->model].name, (long long)b->enqueued_tokens);
	}
	return RS_OK;
}

static rs_status parse_batch(sc *c, const cJSON *o, const char *path, size_t k)
{
	rs_batch_cfg *b = &c->cfg->batch[k];
	sc_keys ks = SC_KEYS(batch_keys);
	const char *model = NULL;
	rs_status st = sc_expect_object(c, o, path);
	if (st == RS_OK)
		st = sc_keys_known(c, o, path, ks);
	if (st == RS_OK)
		st = sc_get_owned(c, o, path, ks, "name", &b->name);
	if (st == RS_OK)
		st = sc_get_str(c, o, path, ks, "model", &model);
	if (st != RS_OK)
		return st;
	b->model = model_find(c->cfg, model);
	if (b->model < 0) {
		char kp[SC_PATH_MAX], list[SC_LIST_MAX] = "";
		sc_child_key(kp, path, "model");
		for (size_t i = 0; i < c->cfg->n_models; i++)
			sc_list_add(list, sizeof list, c->cfg->models[i].name);
		return sc_invalid(c, kp, "no model named \"%s\" (models: %s)", model, list);
	}
	st = sc_get_owned(c, o, path, ks, "subscription", &b->subscription);
	if (st == RS_OK)
		st = sc_get_whole(c, o, path, ks, "enqueued_tokens", &b->enqueued_tokens);
	if (st == RS_OK)
		st = check_names(c, path, k);
	if (st == RS_OK)
		st = get_dist(c, o, path, "turnaround_s", SC_KEYS(turnaround_keys),
		              &b->turnaround_s);
	if (st == RS_OK)
		st = sc_get_num(c, o, path, ks, "target_s", &b->target_s);
	if (st == RS_OK)
		st = sc_get_num(c, o, path, ks, "price_factor", &b->price_factor);
	if (st == RS_OK)
		st = parse_jobs(c, o, path, b);
	return st;
}

rs_status sc_parse_batch(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array_any(c, root, "", "global_batch", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	c->cfg->batch = rs_calloc(n, sizeof *c->cfg->batch);
	if (!c->cfg->batch)
		return sc_nomem(c);
	c->cfg->n_batch = n;
	size_t i = 0;
	for (const cJSON *o = arr->child; o; o = o->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".global_batch", i);
		if ((st = parse_batch(c, o, path, i)) != RS_OK)
			return st;
	}
	return RS_OK;
}

static const sc_table batch_tables[] = {
    {"batch", SC_KEYS(batch_keys)},
    {"batch_jobs", SC_KEYS(jobs_keys)},
    {"turnaround", SC_KEYS(turnaround_keys)},
    {"batch_requests", SC_KEYS(requests_keys)},
    {"batch_tokens", SC_KEYS(job_tokens_keys)},
};

const sc_table *sc_batch_tables(size_t *n)
{
	*n = SC_N(batch_tables);
	return batch_tables;
}
