/*
 * scenario_gateway.c - the loader's room for a router's own quotas
 * (gateway.h): `consumer_limits`, a list of per-consumer limits, each the
 * model of an API Management policy (llm-token-limit / rate-limit-by-key).
 *
 *   "consumer_limits": [
 *     {"key": "group", "groups": {"team-a": ["a1", "a2"], "team-b": ["b"]},
 *      "tokens_per_minute": 60000, "requests_per_minute": 300,
 *      "estimate_prompt_tokens": false}
 *   ]
 *
 * `key` is "client" (a counter per client) or "group" (a counter per named
 * group; `groups` then names each group's clients, and a client may be in
 * one group of a limit at most).  A limit must set tokens_per_minute or
 * requests_per_minute (0 or absent: no limit of that kind).  Absent
 * `consumer_limits` means no gateway quota: the router runs as before.
 *
 * The routers are parsed before the clients, so this room runs after both
 * (sc_parse_gateways, called by scenario.c) and reads each router's array
 * again; the router table only declares the key.  Cost: O(limits x (groups
 * + members x clients)) per router.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "scenario_keys.h"

/* clang-format off: one name per line reads as the enum does */
static const char *const key_names[] = {
    [RS_CONSUMER_CLIENT] = "client",
    [RS_CONSUMER_GROUP] = "group",
};
/* clang-format on */

#define G_GROUP SC_BIT(RS_CONSUMER_GROUP)

/* clang-format off: key tables keep one key per line */
static const sc_key limit_keys[] = {
    {"key", 0, false, NULL, SC_ENUM_OR(key_names, RS_DEFAULT_CONSUMER_KEY)},
    {"groups", G_GROUP, true, "only a limit with key \"group\" has groups", SC_OBJECT},
    {"tokens_per_minute", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_CONSUMER_PER_MINUTE),
     SC_DEFAULT(0)},
    {"requests_per_minute", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_CONSUMER_PER_MINUTE),
     SC_DEFAULT(0)},
    {"estimate_prompt_tokens", 0, false, NULL, SC_BOOLEAN(RS_DEFAULT_ESTIMATE_PROMPT)},
};
/* clang-format on */

/* One group's member list at path: client names, each in no other group. */
static rs_status parse_members(sc *c, const cJSON *v, const char *path, rs_consumer_limit_cfg *l,
                               int grp)
{
	if (!cJSON_IsArray(v))
		return sc_wrong_type(c, path, "an array of client names", v);
	if (cJSON_GetArraySize(v) == 0)
		return sc_invalid(c, path, "needs at least one client");
	size_t j = 0;
	for (const cJSON *m = v->child; m; m = m->next, j++) {
		char mp[SC_PATH_MAX];
		sc_child_index(mp, path, j);
		int k;
		rs_status st = sc_client_name(c, m, mp, &k);
		if (st != RS_OK)
			return st;
		if (l->group_of[k] >= 0)
			return sc_invalid(c, mp, "client \"%s\" is already in group \"%s\"",
			                  m->valuestring, l->group_names[l->group_of[k]]);
		l->group_of[k] = grp;
	}
	return RS_OK;
}

/* A "comment" string, which every object accepts (here: not a group). */
static bool is_comment(const cJSON *g)
{
	return cJSON_IsString(g) && strcmp(g->string, SC_COMMENT_KEY) == 0;
}

static rs_status parse_groups(sc *c, const cJSON *v, const char *path, rs_consumer_limit_cfg *l)
{
	rs_status st = sc_expect_object(c, v, path);
	if (st != RS_OK)
		return st;
	size_t n = 0;
	for (const cJSON *g = v->child; g; g = g->next)
		n += !is_comment(g);
	if (n == 0)
		return sc_invalid(c, path, "needs at least one group");
	if (n > RS_MAX_CONSUMER_GROUPS)
		return sc_invalid(c, path, "at most %d groups (got %zu)", RS_MAX_CONSUMER_GROUPS,
		                  n);
	l->group_names = rs_calloc(n, sizeof *l->group_names);
	l->group_of = rs_calloc(c->cfg->n_clients ? c->cfg->n_clients : 1, sizeof *l->group_of);
	if (!l->group_names || !l->group_of)
		return sc_nomem(c);
	l->n_clients = c->cfg->n_clients;
	for (size_t i = 0; i < l->n_clients; i++)
		l->group_of[i] = -1;
	for (const cJSON *g = v->child; g; g = g->next) {
		if (is_comment(g))
			continue;
		char gp[SC_PATH_MAX];
		sc_child_key(gp, path, g->string);
		l->group_names[l->n_groups] = sc_strdup(g->string);
		if (!l->group_names[l->n_groups])
			return sc_nomem(c);
		st = parse_members(c, g, gp, l, (int)l->n_groups++);
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}

static rs_status parse_limit(sc *c, const cJSON *v, const char *path, rs_consumer_limit_cfg *l)
{
	int key = RS_DEFAULT_CONSUMER_KEY;
	sc_keys ks = SC_KEYS(limit_keys);
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, ks);
	if (st == RS_OK)
		st = sc_get_enum(c, v, path, ks, "key", &key);
	if (st == RS_OK)
		st = sc_keys_variant(c, v, path, ks, SC_BIT(key), "key", key_names[key]);
	l->key = (rs_consumer_key)key;
	if (st == RS_OK)
		st = sc_get_num(c, v, path, ks, "tokens_per_minute", &l->tokens_per_minute);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, ks, "requests_per_minute", &l->requests_per_minute);
	if (st == RS_OK)
		st = sc_get_bool(c, v, path, ks, "estimate_prompt_tokens",
		                 &l->estimate_prompt_tokens);
	if (st != RS_OK)
		return st;
	if (l->tokens_per_minute <= 0 && l->requests_per_minute <= 0)
		return sc_invalid(c, path,
		                  "limits nothing: set tokens_per_minute or requests_per_minute "
		                  "(> 0)");
	if (l->key != RS_CONSUMER_GROUP)
		return RS_OK;
	char gp[SC_PATH_MAX];
	sc_child_key(gp, path, "groups");
	return parse_groups(c, sc_member(v, "groups"), gp, l);
}

static rs_status parse_router_limits(sc *c, const cJSON *r, size_t i)
{
	char path[SC_PATH_MAX];
	snprintf(path, sizeof path, ".routers[%zu]", i);
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array(c, r, path, "consumer_limits", "limit", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	char lp[SC_PATH_MAX];
	sc_child_key(lp, path, "consumer_limits");
	if (n > RS_MAX_CONSUMER_LIMITS)
		return sc_invalid(c, lp, "at most %d limits (got %zu)", RS_MAX_CONSUMER_LIMITS, n);
	rs_router_cfg *rt = &c->cfg->routers[i];
	rt->limits = rs_calloc(n, sizeof *rt->limits);
	if (!rt->limits)
		return sc_nomem(c);
	rt->n_limits = n;
	size_t j = 0;
	for (const cJSON *l = arr->child; l; l = l->next, j++) {
		char ep[SC_PATH_MAX];
		sc_child_index(ep, lp, j);
		if ((st = parse_limit(c, l, ep, &rt->limits[j])) != RS_OK)
			return st;
	}
	return RS_OK;
}

rs_status sc_parse_gateways(sc *c, const cJSON *root)
{
	const cJSON *arr = sc_member(root, "routers");
	size_t i = 0;
	for (const cJSON *r = arr ? arr->child : NULL; r && i < c->cfg->n_routers;
	     r = r->next, i++) {
		rs_status st = parse_router_limits(c, r, i);
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- the room's tables, for the key dump ---------------------------------- */

static const sc_table gateway_tables[] = {
    {"consumer_limit", SC_KEYS(limit_keys)},
};

const sc_table *sc_gateway_tables(size_t *n)
{
	*n = SC_N(gateway_tables);
	return gateway_tables;
}
