/*
 * scenario_control.c - the loader's room for a client's own controls
 * (throttle.h): `rate_limit` (a token bucket on attempts, fixed or the AWS
 * SDK's adaptive mode), `concurrency` (a cap on attempts in flight with a
 * FIFO queue), `breaker` (a client-side circuit breaker) and `wait_or_spill`
 * (on a long 429, go to another target; world.c applies it).
 *
 * Each object is optional and absent means off: a client without them runs
 * exactly as before, and the effective scenario gains nothing.  When an
 * object is given, every default it applies is written into it (the
 * getters do), so the effective scenario says every value the run uses.
 *
 * Cost: constant per client.
 */
#include <cjson/cJSON.h>

#include "scenario_keys.h"

/* The largest burst, queue and breaker threshold a scenario may ask: far
 * beyond any client (a million attempts), small enough to stay exact. */
#define SC_MAX_CONTROL_COUNT 1000000

/* clang-format off: one name per line reads as the enum does */
static const char *const mode_names[] = {
    [RS_LIMIT_OFF] = NULL,
    [RS_LIMIT_FIXED] = "fixed",
    [RS_LIMIT_ADAPTIVE] = "adaptive",
};
static const char *const empty_names[] = {
    [RS_LIMIT_WAIT] = "wait",
    [RS_LIMIT_REJECT] = "reject",
};
/* clang-format on */

#define G_FIXED SC_BIT(RS_LIMIT_FIXED)

/* clang-format off: key tables keep one key per line */
static const sc_key rate_limit_keys[] = {
    {"mode", 0, false, NULL, SC_ENUM_OR(mode_names, RS_DEFAULT_LIMIT_MODE)},
    {"rate_rps", G_FIXED, true, "only a fixed rate limit has a rate (adaptive finds its own)",
     SC_NUMBER(SC_POS, 0, RS_MAX_RATE_RPS)},
    {"burst", G_FIXED, false, "only a fixed rate limit has a burst (adaptive: max(rate, 1))",
     SC_NUMBER(SC_GE1, 0, SC_MAX_CONTROL_COUNT), SC_DEFAULT(RS_DEFAULT_LIMIT_BURST)},
    {"on_empty", 0, false, NULL, SC_ENUM_OR(empty_names, RS_DEFAULT_LIMIT_ON_EMPTY)},
};

static const sc_key concurrency_keys[] = {
    {"max_in_flight", 0, true, NULL, SC_WHOLE(SC_GE1, SC_MAX_CONTROL_COUNT)},
    {"queue_timeout_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_QUEUE_TIMEOUT_S)},
};

static const sc_key spill_keys[] = {
    {"to", 0, true, NULL, SC_STRING},
    {"max_wait_s", 0, true, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S)},
};

static const sc_key breaker_keys[] = {
    {"failures", 0, true, NULL, SC_WHOLE(SC_GE1, SC_MAX_CONTROL_COUNT)},
    {"open_s", 0, false, NULL, SC_NUMBER(SC_POS, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_BREAKER_OPEN_S)},
    {"half_open_probes", 0, false, NULL, SC_WHOLE(SC_GE1, SC_MAX_CONTROL_COUNT),
     SC_DEFAULT(RS_DEFAULT_BREAKER_PROBES)},
};
/* clang-format on */

static rs_status parse_rate_limit(sc *c, const cJSON *v, const char *path, rs_control_cfg *k)
{
	int mode = RS_DEFAULT_LIMIT_MODE, empty = RS_DEFAULT_LIMIT_ON_EMPTY;
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, SC_KEYS(rate_limit_keys));
	if (st == RS_OK)
		st = sc_get_enum(c, v, path, SC_KEYS(rate_limit_keys), "mode", &mode);
	if (st == RS_OK)
		st = sc_keys_variant(c, v, path, SC_KEYS(rate_limit_keys), SC_BIT(mode), "mode",
		                     mode_names[mode]);
	k->limit = (rs_limit_mode)mode;
	if (st == RS_OK)
		st = sc_get_num(c, v, path, SC_KEYS(rate_limit_keys), "rate_rps",
		                &k->limit_rate_rps);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, SC_KEYS(rate_limit_keys), "burst", &k->limit_burst);
	if (st == RS_OK)
		st = sc_get_enum(c, v, path, SC_KEYS(rate_limit_keys), "on_empty", &empty);
	k->limit_on_empty = (rs_limit_empty)empty;
	return st;
}

static rs_status parse_concurrency(sc *c, const cJSON *v, const char *path, rs_control_cfg *k)
{
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, SC_KEYS(concurrency_keys));
	if (st == RS_OK)
		st = sc_get_int(c, v, path, SC_KEYS(concurrency_keys), "max_in_flight",
		                &k->max_in_flight);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, SC_KEYS(concurrency_keys), "queue_timeout_s",
		                &k->queue_timeout_s);
	return st;
}

static rs_status parse_breaker(sc *c, const cJSON *v, const char *path, rs_control_cfg *k)
{
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, SC_KEYS(breaker_keys));
	if (st == RS_OK)
		st =
		    sc_get_int(c, v, path, SC_KEYS(breaker_keys), "failures", &k->breaker_failures);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, SC_KEYS(breaker_keys), "open_s", &k->breaker_open_s);
	if (st == RS_OK)
		st = sc_get_int(c, v, path, SC_KEYS(breaker_keys), "half_open_probes",
		                &k->breaker_probes);
	return st;
}

/* wait_or_spill: `to` resolves to a deployment or a router other than the
 * client's own target. */
static rs_status parse_spill(sc *c, const cJSON *v, const char *path, rs_control_cfg *k,
                             const rs_target *own)
{
	const char *to = NULL;
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, SC_KEYS(spill_keys));
	if (st == RS_OK)
		st = sc_get_str(c, v, path, SC_KEYS(spill_keys), "to", &to);
	if (st == RS_OK)
		st =
		    sc_get_num(c, v, path, SC_KEYS(spill_keys), "max_wait_s", &k->spill_max_wait_s);
	if (st != RS_OK)
		return st;
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "to");
	if (!sc_target_find(c->cfg, c->cfg->n_routers, to, &k->spill_ref))
		return sc_no_target(c, kp, to);
	if (k->spill_ref.is_router == own->is_router && k->spill_ref.index == own->index)
		return sc_invalid(c, kp, "\"%s\" is the client's own target", to);
	k->spill = true;
	return RS_OK;
}

rs_status sc_parse_control(sc *c, const cJSON *cl, const char *cpath, const rs_target *own,
                           rs_control_cfg *k)
{
	*k = (rs_control_cfg){.limit = RS_LIMIT_OFF};
	static const struct {
		const char *key;
		rs_status (*parse)(sc *, const cJSON *, const char *, rs_control_cfg *);
	} objects[] = {
	    {"rate_limit", parse_rate_limit},
	    {"concurrency", parse_concurrency},
	    {"breaker", parse_breaker},
	};
	for (size_t i = 0; i < SC_N(objects); i++) {
		const cJSON *v = sc_member(cl, objects[i].key);
		if (!v)
			continue;
		char path[SC_PATH_MAX];
		sc_child_key(path, cpath, objects[i].key);
		rs_status st = objects[i].parse(c, v, path, k);
		if (st != RS_OK)
			return st;
	}
	const cJSON *v = sc_member(cl, "wait_or_spill");
	if (!v)
		return RS_OK;
	char path[SC_PATH_MAX];
	sc_child_key(path, cpath, "wait_or_spill");
	return parse_spill(c, v, path, k, own);
}

/* ---- the room's tables, for the key dump ---------------------------------- */

static const sc_table control_tables[] = {
    {"rate_limit", SC_KEYS(rate_limit_keys)},
    {"concurrency", SC_KEYS(concurrency_keys)},
    {"breaker", SC_KEYS(breaker_keys)},
    {"wait_or_spill", SC_KEYS(spill_keys)},
};

const sc_table *sc_control_tables(size_t *n)
{
	*n = SC_N(control_tables);
	return control_tables;
}
