/*
 * scenario_reactions.c - the loader's room for a client's reactions to what
 * it sees (issue 10 part 1): `hedge` (a second attempt after a delay,
 * hedge.c), `remaining_quota` (a pause when an answer's remaining quota is
 * low, quota_watch.h) and `network_jitter_ms` (a random delay added to each
 * attempt's round trip, netjitter.h).
 *
 * Each is optional and absent means off: a client without them runs exactly
 * as before, and the effective scenario gains nothing.  When an object is
 * given, the getters write every default they apply into it.
 *
 * Cost: constant per client.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_keys.h"

/* The largest request threshold a client may watch: the highest RPM
 * evaluation window of any deployment (RS_MAX_RATE_RPS x 10 s) is below it. */
#define SC_MAX_QUOTA_REQUESTS 1e12

/* clang-format off: key tables keep one key per line */
static const sc_key hedge_keys[] = {
    {"delay_ms", 0, false, NULL, SC_NUMBER(SC_POS, 0, RS_MAX_MS)},
    {"delay_percentile", 0, false, NULL, SC_NUMBER(SC_POS, 0, 100)},
    {"min_samples", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_ESTIMATOR_WINDOW),
     SC_DEFAULT(RS_DEFAULT_HEDGE_MIN_SAMPLES)},
    {"fallback_ms", 0, false, NULL, SC_NUMBER(SC_POS, 0, RS_MAX_MS)},
    {"target", 0, false, NULL, SC_STRING_OR("same")},
    {"max_per_request", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_HEDGES),
     SC_DEFAULT(RS_DEFAULT_HEDGE_MAX)},
};

static const sc_key quota_keys[] = {
    {"min_requests", 0, false, NULL, SC_WHOLE(SC_NONNEG, SC_MAX_QUOTA_REQUESTS), SC_DEFAULT(0)},
    {"min_tokens", 0, false, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_TPM), SC_DEFAULT(0)},
    {"pause_ms", 0, false, NULL, SC_NUMBER(SC_POS, 0, RS_MAX_MS),
     SC_DEFAULT(RS_DEFAULT_QUOTA_PAUSE_MS)},
};

/* A network delay in milliseconds: fixed, uniform or lognormal. */
static const sc_key jitter_keys[] = {
    SC_DIST_ROWS(SC_NONNEG, SC_POS, RS_MAX_MS),
};
/* clang-format on */

#define JITTER_KINDS (SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL))

/* The delay: exactly one of delay_ms (fixed) and delay_percentile (with
 * fallback_ms, required, and min_samples). */
static rs_status parse_delay(sc *c, const cJSON *v, const char *path, rs_hedge_cfg *h)
{
	bool fixed = sc_member(v, "delay_ms") != NULL;
	bool pct = sc_member(v, "delay_percentile") != NULL;
	if (fixed == pct)
		return sc_invalid(c, path, "needs exactly one of delay_ms and delay_percentile%s",
		                  fixed ? " (got both)" : "");
	h->mode = fixed ? RS_HEDGE_FIXED : RS_HEDGE_PERCENTILE;
	static const char *const pct_only[] = {"min_samples", "fallback_ms"};
	for (size_t i = 0; fixed && i < SC_N(pct_only); i++) {
		if (!sc_member(v, pct_only[i]))
			continue;
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, pct_only[i]);
		return sc_invalid(c, kp, "only a delay_percentile uses it (the delay is delay_ms)");
	}
	if (fixed)
		return sc_get_num(c, v, path, SC_KEYS(hedge_keys), "delay_ms", &h->delay_ms);
	rs_status st =
	    sc_get_num(c, v, path, SC_KEYS(hedge_keys), "delay_percentile", &h->percentile);
	if (st == RS_OK && !sc_member(v, "fallback_ms"))
		return sc_invalid(c, path,
		                  "a delay_percentile needs fallback_ms (the delay until "
		                  "min_samples answers are seen)");
	if (st == RS_OK)
		st = sc_get_int(c, v, path, SC_KEYS(hedge_keys), "min_samples", &h->min_samples);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, SC_KEYS(hedge_keys), "fallback_ms", &h->fallback_ms);
	return st;
}

static rs_status parse_hedge(sc *c, const cJSON *v, const char *path, rs_hedge_cfg *h)
{
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, SC_KEYS(hedge_keys));
	if (st == RS_OK)
		st = parse_delay(c, v, path, h);
	if (st == RS_OK)
		st = sc_get_int(c, v, path, SC_KEYS(hedge_keys), "max_per_request",
		                &h->max_per_request);
	char *to = NULL;
	if (st == RS_OK)
		st = sc_get_owned(c, v, path, SC_KEYS(hedge_keys), "target", &to);
	if (st != RS_OK || !to) {
		free(to);
		return st == RS_OK ? sc_nomem(c) : st;
	}
	h->same_target = strcmp(to, "same") == 0;
	if (!h->same_target && !sc_target_find(c->cfg, c->cfg->n_routers, to, &h->target_ref)) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, "target");
		st = sc_no_target(c, kp, to);
	}
	free(to);
	return st;
}

static rs_status parse_quota(sc *c, const cJSON *v, const char *path, rs_quota_watch_cfg *q)
{
	int64_t req = 0, tok = 0;
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, SC_KEYS(quota_keys));
	if (st == RS_OK)
		st = sc_get_whole(c, v, path, SC_KEYS(quota_keys), "min_requests", &req);
	if (st == RS_OK)
		st = sc_get_whole(c, v, path, SC_KEYS(quota_keys), "min_tokens", &tok);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, SC_KEYS(quota_keys), "pause_ms", &q->pause_ms);
	if (st == RS_OK && req == 0 && tok == 0)
		return sc_invalid(c, path,
		                  "needs min_requests or min_tokens above 0 (a threshold "
		                  "of 0 is never crossed)");
	q->min_requests = (double)req;
	q->min_tokens = (double)tok;
	q->on = true;
	return st;
}

rs_status sc_parse_reactions(sc *c, const cJSON *cl, const char *cpath, rs_client_cfg *cli)
{
	char path[SC_PATH_MAX];
	const cJSON *v = sc_member(cl, "hedge");
	rs_status st = RS_OK;
	if (v) {
		sc_child_key(path, cpath, "hedge");
		st = parse_hedge(c, v, path, &cli->hedge);
	}
	v = sc_member(cl, "remaining_quota");
	if (st == RS_OK && v) {
		sc_child_key(path, cpath, "remaining_quota");
		st = parse_quota(c, v, path, &cli->quota_watch);
	}
	v = sc_member(cl, "network_jitter_ms");
	if (st == RS_OK && v) {
		sc_child_key(path, cpath, "network_jitter_ms");
		st = sc_dist_value(c, v, path, SC_KEYS(jitter_keys), JITTER_KINDS, false,
		                   &cli->network_jitter);
		cli->jitter = st == RS_OK;
	}
	return st;
}

/* ---- the room's tables, for the key dump ---------------------------------- */

static const sc_table reaction_tables[] = {
    {"hedge", SC_KEYS(hedge_keys)},
    {"remaining_quota", SC_KEYS(quota_keys)},
    {"network_jitter", SC_KEYS(jitter_keys)},
};

const sc_table *sc_reaction_tables(size_t *n)
{
	*n = SC_N(reaction_tables);
	return reaction_tables;
}
