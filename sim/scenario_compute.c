/*
 * scenario_compute.c - the loader's room for "compute": the application
 * tiers in front of the service (issue 9; the model is in compute.h).
 *
 *   "compute": [ { "name": "functions", "clients": ["chat"],
 *                  "per_instance_concurrency": 4, "target_concurrency": 2,
 *                  "max_instances": 50, "always_ready": 0,
 *                  "scale_out_delay_s": 1, "scale_in_idle_s": 600,
 *                  "cold_start_ms": {"dist": "lognormal", "median": 4000,
 *                                    "sigma": 0.9},
 *                  "instance_cost_per_hour": 0.2 } ]
 *
 * A tier names the clients it serves (read after the clients, so the names
 * are known); a client is served by one tier at most.  target_concurrency
 * defaults to per_instance_concurrency and may not exceed it; always_ready
 * may not exceed max_instances.  cold_start_ms takes the distribution
 * syntax of think_s (a number is fixed; uniform; lognormal), in whole
 * milliseconds; when absent, RS_DEFAULT_COMPUTE_COLD_START is written into
 * the effective scenario and read like a given one.  Cost: O(tiers x
 * clients) for the name checks.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "ratesim/compute.h"
#include "scenario_keys.h"

/* clang-format off: key tables keep one key per line */
static const sc_key compute_keys[] = {
    {"name", 0, true, NULL, SC_STRING},
    {"clients", 0, true, NULL, SC_ARRAY},
    {"per_instance_concurrency", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_INSTANCE_SLOT),
     SC_DEFAULT(RS_DEFAULT_COMPUTE_CONCURRENCY)},
    /* default: per_instance_concurrency */
    {"target_concurrency", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_INSTANCE_SLOT)},
    {"queue_limit", 0, false, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_QUEUE_LIMIT),
     SC_DEFAULT(RS_DEFAULT_COMPUTE_QUEUE_LIMIT)},
    {"max_instances", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_INSTANCES),
     SC_DEFAULT(RS_DEFAULT_COMPUTE_MAX_INSTANCES)},
    {"always_ready", 0, false, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_INSTANCES),
     SC_DEFAULT(RS_DEFAULT_COMPUTE_ALWAYS_READY)},
    {"prewarmed", 0, false, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_INSTANCES),
     SC_DEFAULT(RS_DEFAULT_COMPUTE_PREWARMED)},
    {"scale_out_delay_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_COMPUTE_SCALE_OUT_S)},
    {"scale_in_idle_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_COMPUTE_SCALE_IN_S)},
    {"cold_start_ms", 0, false, NULL, SC_DIST},
    {"instance_cost_per_hour", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_PRICE),
     SC_DEFAULT(RS_DEFAULT_COMPUTE_COST_PER_HOUR)},
};

/* A cold start in milliseconds (whole milliseconds are drawn). */
static const sc_key cold_start_keys[] = {
    SC_DIST_ROWS(SC_NONNEG, SC_POS, RS_MAX_COLD_START_MS),
};
/* clang-format on */

#define COLD_KINDS (SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL))

/* The tier's "clients": names of clients, each in no earlier tier (k). */
static rs_status get_clients(sc *c, const cJSON *o, const char *path, size_t k)
{
	rs_compute_cfg *t = &c->cfg->compute[k];
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array(c, o, path, "clients", "client", &arr, &n);
	if (st != RS_OK)
		return st;
	t->clients = rs_calloc(n, sizeof *t->clients);
	if (!t->clients)
		return sc_nomem(c);
	for (const cJSON *e = arr->child; e; e = e->next) {
		char ep[SC_PATH_MAX], kp[SC_PATH_MAX];
		sc_child_key(kp, path, "clients");
		sc_child_index(ep, kp, t->n_clients);
		int i;
		if ((st = sc_client_name(c, e, ep, &i)) != RS_OK)
			return st;
		for (size_t j = 0; j <= k; j++) {
			const rs_compute_cfg *u = &c->cfg->compute[j];
			size_t m = j < k ? u->n_clients : t->n_clients;
			for (size_t x = 0; x < m; x++)
				if (u->clients[x] == i)
					return sc_invalid(
					    c, ep, "client \"%s\" is already served by tier \"%s\"",
					    e->valuestring, u->name);
		}
		t->clients[t->n_clients++] = i;
	}
	return RS_OK;
}

/* cold_start_ms, or the default distribution written into the tree. */
static rs_status get_cold_start(sc *c, const cJSON *o, const char *path, rs_dist_cfg *d)
{
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "cold_start_ms");
	if (!sc_member(o, "cold_start_ms") &&
	    !sc_write(c, o, "cold_start_ms", cJSON_Parse(RS_DEFAULT_COMPUTE_COLD_START)))
		return sc_nomem(c);
	return sc_dist_value(c, sc_member(o, "cold_start_ms"), kp, SC_KEYS(cold_start_keys),
	                     COLD_KINDS, false, d);
}

static rs_status parse_tier(sc *c, const cJSON *o, const char *path, size_t k)
{
	rs_compute_cfg *t = &c->cfg->compute[k];
	sc_keys ks = SC_KEYS(compute_keys);
	rs_status st = sc_expect_object(c, o, path);
	if (st == RS_OK)
		st = sc_keys_known(c, o, path, ks);
	if (st == RS_OK)
		st = sc_get_owned(c, o, path, ks, "name", &t->name);
	if (st != RS_OK)
		return st;
	for (size_t j = 0; j < k; j++)
		if (strcmp(c->cfg->compute[j].name, t->name) == 0) {
			char kp[SC_PATH_MAX];
			sc_child_key(kp, path, "name");
			return sc_invalid(c, kp, "tier \"%s\" is already defined at .compute[%zu]",
			                  t->name, j);
		}
	st = get_clients(c, o, path, k);
	if (st == RS_OK)
		st = sc_get_int(c, o, path, ks, "per_instance_concurrency",
		                &t->per_instance_concurrency);
	if (st == RS_OK)
		st = sc_get_int_or(c, o, path, ks, "target_concurrency",
		                   t->per_instance_concurrency, &t->target_concurrency);
	if (st == RS_OK && !sc_member(o, "target_concurrency") &&
	    !sc_write(c, o, "target_concurrency", sc_exact_number(t->target_concurrency)))
		return sc_nomem(c);
	if (st == RS_OK && t->target_concurrency > t->per_instance_concurrency)
		return sc_above(c, path, "target_concurrency", "per_instance_concurrency",
		                t->per_instance_concurrency, t->target_concurrency);
	if (st == RS_OK)
		st = sc_get_int(c, o, path, ks, "queue_limit", &t->queue_limit);
	if (st == RS_OK)
		st = sc_get_int(c, o, path, ks, "max_instances", &t->max_instances);
	if (st == RS_OK)
		st = sc_get_int(c, o, path, ks, "always_ready", &t->always_ready);
	if (st == RS_OK && t->always_ready > t->max_instances)
		return sc_above(c, path, "always_ready", "max_instances", t->max_instances,
		                t->always_ready);
	if (st == RS_OK)
		st = sc_get_int(c, o, path, ks, "prewarmed", &t->prewarmed);
	if (st == RS_OK)
		st = sc_get_num(c, o, path, ks, "scale_out_delay_s", &t->scale_out_delay_s);
	if (st == RS_OK)
		st = sc_get_num(c, o, path, ks, "scale_in_idle_s", &t->scale_in_idle_s);
	if (st == RS_OK)
		st = get_cold_start(c, o, path, &t->cold_start_ms);
	if (st == RS_OK)
		st = sc_get_num(c, o, path, ks, "instance_cost_per_hour",
		                &t->instance_cost_per_hour);
	return st;
}

rs_status sc_parse_compute(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array_any(c, root, "", "compute", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	c->cfg->compute = rs_calloc(n, sizeof *c->cfg->compute);
	if (!c->cfg->compute)
		return sc_nomem(c);
	c->cfg->n_compute = n;
	size_t i = 0;
	for (const cJSON *o = arr->child; o; o = o->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".compute", i);
		if ((st = parse_tier(c, o, path, i)) != RS_OK)
			return st;
	}
	return RS_OK;
}

static const sc_table compute_tables[] = {
    {"compute", SC_KEYS(compute_keys)},
    {"cold_start", SC_KEYS(cold_start_keys)},
};

const sc_table *sc_compute_tables(size_t *n)
{
	*n = SC_N(compute_tables);
	return compute_tables;
}
