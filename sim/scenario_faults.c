/*
 * scenario_faults.c - the loader's room for the rest of the world around
 * the deployments: faults (down, degrade, latency; on a deployment or a
 * region), random outages from an availability (outages.h), the network round-trip matrix (client
 * region -> deployment region) and pricing.
 *
 * These come last in the walk: they name deployments, regions and client
 * regions that must already be known.  Cost: linear in faults and matrix
 * entries, times the deployments or clients searched for a region.
 */
#include <assert.h>
#include <cjson/cJSON.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/outages.h"
#include "scenario_keys.h"

/* clang-format off: one name per line reads as the enum does */

static const char *const fault_names[] = {
    [RS_FAULT_DOWN] = "down",
    [RS_FAULT_DEGRADE] = "degrade",
    [RS_FAULT_LATENCY] = "latency",
};
static const char *const down_mode_names[] = {
    [RS_DOWN_ERROR] = "error",
    [RS_DOWN_HANG] = "hang",
};
static const char *const billing_names[] = {
    [RS_PTU_HOURLY] = "hourly",
    [RS_PTU_MONTHLY] = "monthly",
    [RS_PTU_YEARLY] = "yearly",
};
/* clang-format on */

/* ---- faults -------------------------------------------------------------- */

#define G_DOWN    SC_BIT(RS_FAULT_DOWN)
#define G_DEGRADE SC_BIT(RS_FAULT_DEGRADE)
#define G_SLOW    SC_BIT(RS_FAULT_LATENCY)

/* clang-format off */
static const sc_key fault_keys[] = {
    {"kind", 0, true, NULL, SC_ENUM(fault_names)},
    {"deployment", 0, false, NULL, SC_STRING},
    {"region", 0, false, NULL, SC_STRING},
    {"start_s", 0, true, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S)},
    {"end_s", 0, true, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S)},
    {"mode", G_DOWN, false, "only a \"down\" fault has a mode", SC_ENUM_OR(down_mode_names, RS_DEFAULT_FAULT_DOWN_MODE)},
    {"error_ms", G_DOWN, false, "only a \"down\" fault answers with errors", SC_NUMBER(SC_NONNEG, 0, RS_MAX_MS), SC_DEFAULT(RS_DEFAULT_FAULT_ERROR_MS)},
    /* one key, two meanings: a share of the capacity may shrink, not grow;
     * a factor on latency may grow, not shrink */
    {"scale", G_DEGRADE, true, "a \"down\" fault does not serve at all", SC_NUMBER(SC_SHARE, RS_MIN_DEGRADE_SCALE, 1)},
    {"scale", G_SLOW, true, "a \"down\" fault does not serve at all", SC_NUMBER(SC_GE1, 0, RS_MAX_FACTOR)},};
/* clang-format on */

/* The distinct regions of the deployments, in file order, as a list. */
static void region_list(const rs_config *cfg, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; i < cfg->n_deployments; i++) {
		size_t j = 0;
		while (j < i && strcmp(cfg->deployments[j].region, cfg->deployments[i].region) != 0)
			j++;
		if (j == i)
			sc_list_add(buf, size, cfg->deployments[i].region);
	}
}

static bool region_used(const rs_config *cfg, const char *region)
{
	for (size_t i = 0; i < cfg->n_deployments; i++) {
		if (strcmp(cfg->deployments[i].region, region) == 0)
			return true;
	}
	return false;
}

static rs_status no_region(sc *c, const char *path, const char *region)
{
	char list[SC_LIST_MAX];
	region_list(c->cfg, list, sizeof list);
	return sc_invalid(c, path, "no deployment is in region \"%s\" (regions: %s)", region, list);
}

/* The fault's scale, by the row of its kind (bit `group`). OUT: *out. */
static rs_status get_scale(sc *c, const cJSON *f, const char *path, unsigned group, double *out)
{
	const sc_key *k = NULL;
	for (size_t i = 0; i < SC_N(fault_keys) && !k; i++) {
		if (strcmp(fault_keys[i].name, "scale") == 0 && (fault_keys[i].groups & group))
			k = &fault_keys[i];
	}
	assert(k && "every scaled fault kind has its scale row");
	return sc_get_num(c, f, path, (sc_keys){k, 1, sizeof *k}, "scale", out);
}

static rs_status parse_fault(sc *c, const cJSON *f, const char *path, rs_fault_cfg *fault)
{
	int kind = RS_FAULT_DOWN, mode = RS_DEFAULT_FAULT_DOWN_MODE;
	fault->mode = RS_DEFAULT_FAULT_DOWN_MODE;
	fault->error_ms = RS_DEFAULT_FAULT_ERROR_MS;
	fault->scale = 1;
	rs_status st = sc_expect_object(c, f, path);
	if (st == RS_OK)
		st = sc_keys_known(c, f, path, SC_KEYS(fault_keys));
	if (st == RS_OK)
		st = sc_get_enum(c, f, path, SC_KEYS(fault_keys), "kind", &kind);
	if (st == RS_OK)
		st = sc_keys_variant(c, f, path, SC_KEYS(fault_keys), SC_BIT(kind), "kind",
		                     fault_names[kind]);
	fault->kind = (rs_fault_kind)kind;
	if (st != RS_OK)
		return st;
	const cJSON *dep = sc_member(f, "deployment"), *region = sc_member(f, "region");
	if (!dep && !region)
		return sc_invalid(c, path, "needs \"deployment\" or \"region\"");
	if (dep && region)
		return sc_invalid(c, path, "takes \"deployment\" or \"region\", not both");
	char kp[SC_PATH_MAX];
	if (dep) {
		st =
		    sc_get_owned(c, f, path, SC_KEYS(fault_keys), "deployment", &fault->deployment);
		sc_child_key(kp, path, "deployment");
		if (st == RS_OK &&
		    sc_deployment_find(c->cfg, c->cfg->n_deployments, fault->deployment) < 0)
			return sc_no_deployment(c, kp, fault->deployment);
	} else {
		st = sc_get_owned(c, f, path, SC_KEYS(fault_keys), "region", &fault->region);
		sc_child_key(kp, path, "region");
		if (st == RS_OK && !region_used(c->cfg, fault->region))
			return no_region(c, kp, fault->region);
	}
	if (st == RS_OK)
		st = sc_get_num(c, f, path, SC_KEYS(fault_keys), "start_s", &fault->start_s);
	if (st == RS_OK)
		st = sc_get_num(c, f, path, SC_KEYS(fault_keys), "end_s", &fault->end_s);
	if (st == RS_OK && !(fault->end_s > fault->start_s)) {
		char s0[32], e[32];
		sc_child_key(kp, path, "end_s");
		sc_fmt_num(s0, sizeof s0, fault->start_s);
		sc_fmt_num(e, sizeof e, fault->end_s);
		return sc_invalid(c, kp, "must be > start_s (%s) (got %s)", s0, e);
	}
	if (st != RS_OK)
		return st;
	switch (fault->kind) {
	case RS_FAULT_DOWN:
		st = sc_get_enum(c, f, path, SC_KEYS(fault_keys), "mode", &mode);
		fault->mode = (rs_down_mode)mode;
		if (st == RS_OK)
			st = sc_key_unused(c, f, path, "error_ms", mode == RS_DOWN_ERROR, "mode",
			                   down_mode_names[mode]);
		if (st == RS_OK && mode == RS_DOWN_ERROR) /* else its default is not written */
			st = sc_get_num(c, f, path, SC_KEYS(fault_keys), "error_ms",
			                &fault->error_ms);
		return st;
	case RS_FAULT_DEGRADE: /* a share of the capacity: it may shrink, not grow */
		return get_scale(c, f, path, G_DEGRADE, &fault->scale);
	case RS_FAULT_LATENCY: /* a factor on latency: it may grow, not shrink */
		return get_scale(c, f, path, G_SLOW, &fault->scale);
	}
	return RS_OK;
}

rs_status sc_parse_faults(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array_any(c, root, "", "faults", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	c->cfg->faults = rs_calloc(n, sizeof *c->cfg->faults);
	if (!c->cfg->faults)
		return sc_nomem(c);
	c->cfg->n_faults = n;
	size_t i = 0;
	for (const cJSON *f = arr->child; f; f = f->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".faults", i);
		if ((st = parse_fault(c, f, path, &c->cfg->faults[i])) != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- outages (issue 9: random outages from an availability) ------------- */

/* clang-format off */
static const sc_key outage_keys[] = {
    {"deployment", 0, false, NULL, SC_STRING},
    {"region", 0, false, NULL, SC_STRING},
    {"availability", 0, true, NULL, SC_NUMBER(SC_SHARE, RS_MIN_SHARE, 1)},
    {"repair_s", 0, true, NULL, SC_DIST},
    {"mode", 0, false, NULL, SC_ENUM_OR(down_mode_names, RS_DEFAULT_FAULT_DOWN_MODE)},
    {"error_ms", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_MS), SC_DEFAULT(RS_DEFAULT_FAULT_ERROR_MS)},
};

/* A repair time in seconds: at least one (rs_dist_draw gives whole seconds). */
static const sc_key repair_keys[] = {
    SC_DIST_ROWS(SC_GE1, SC_GE1, RS_MAX_TIME_S),
};
/* clang-format on */

/* The outage's repair_s: a number is the mean of an exponential (the MTTR),
 * an object a fixed, uniform or lognormal distribution. */
static rs_status get_repair(sc *c, const cJSON *o, const char *path, rs_outage_cfg *out)
{
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "repair_s");
	const cJSON *v = sc_member(o, "repair_s");
	unsigned kinds =
	    SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL);
	rs_status st = sc_dist_value(c, v, kp, SC_KEYS(repair_keys), kinds, false, &out->repair);
	if (st == RS_OK && cJSON_IsNumber(v)) {
		out->repair_exponential = true;
		out->repair_mean_s = out->repair.value;
	}
	return st;
}

static rs_status parse_outage(sc *c, const cJSON *o, const char *path, size_t i)
{
	rs_outage_cfg *out = &c->cfg->outages[i];
	int mode = RS_DEFAULT_FAULT_DOWN_MODE;
	out->mode = RS_DEFAULT_FAULT_DOWN_MODE;
	out->error_ms = RS_DEFAULT_FAULT_ERROR_MS;
	sc_keys ks = SC_KEYS(outage_keys);
	rs_status st = sc_expect_object(c, o, path);
	if (st == RS_OK)
		st = sc_keys_known(c, o, path, ks);
	if (st != RS_OK)
		return st;
	const cJSON *dep = sc_member(o, "deployment"), *region = sc_member(o, "region");
	if (!dep && !region)
		return sc_invalid(c, path, "needs \"deployment\" or \"region\"");
	if (dep && region)
		return sc_invalid(c, path, "takes \"deployment\" or \"region\", not both");
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, dep ? "deployment" : "region");
	if (dep) {
		st = sc_get_owned(c, o, path, ks, "deployment", &out->deployment);
		if (st == RS_OK &&
		    sc_deployment_find(c->cfg, c->cfg->n_deployments, out->deployment) < 0)
			return sc_no_deployment(c, kp, out->deployment);
	} else {
		st = sc_get_owned(c, o, path, ks, "region", &out->region);
		if (st == RS_OK && !region_used(c->cfg, out->region))
			return no_region(c, kp, out->region);
	}
	if (st != RS_OK)
		return st;
	/* one process per deployment or region: a second would draw the same
	 * stream (it is seeded from the name) */
	for (size_t j = 0; j < i; j++) {
		const rs_outage_cfg *p = &c->cfg->outages[j];
		const char *a = dep ? p->deployment : p->region;
		const char *b = dep ? out->deployment : out->region;
		if (a && strcmp(a, b) == 0)
			return sc_invalid(c, kp, "\"%s\" already has its outages at .outages[%zu]",
			                  b, j);
	}
	st = sc_get_num(c, o, path, ks, "availability", &out->availability);
	if (st == RS_OK)
		st = get_repair(c, o, path, out);
	if (st == RS_OK)
		st = sc_get_enum(c, o, path, ks, "mode", &mode);
	out->mode = (rs_down_mode)mode;
	if (st == RS_OK)
		st = sc_key_unused(c, o, path, "error_ms", mode == RS_DOWN_ERROR, "mode",
		                   down_mode_names[mode]);
	if (st == RS_OK && mode == RS_DOWN_ERROR) /* a hang's effective scenario has none */
		st = sc_get_num(c, o, path, ks, "error_ms", &out->error_ms);
	if (st != RS_OK)
		return st;
	double n = rs_outage_expected(out, c->cfg->duration_s);
	if (n > RS_MAX_OUTAGES) {
		char num[32];
		sc_child_key(kp, path, "availability");
		sc_fmt_num(num, sizeof num, round(n));
		return sc_invalid(c, kp,
		                  "expects about %s outages in the run (at most %.0f); raise "
		                  "availability or repair_s",
		                  num, RS_MAX_OUTAGES);
	}
	return RS_OK;
}

rs_status sc_parse_outages(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array_any(c, root, "", "outages", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	c->cfg->outages = rs_calloc(n, sizeof *c->cfg->outages);
	if (!c->cfg->outages)
		return sc_nomem(c);
	c->cfg->n_outages = n;
	size_t i = 0;
	for (const cJSON *o = arr->child; o; o = o->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".outages", i);
		if ((st = parse_outage(c, o, path, i)) != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- network ------------------------------------------------------------- */

static const sc_key network_keys[] = {
    {"rtt_ms", 0, true, NULL, SC_OBJECT},
};

/* Each entry of the matrix network.rtt_ms[from][to]. */
static const sc_key rtt_entry = {"rtt_ms[from][to]", 0, false, NULL,
                                 SC_NUMBER(SC_NONNEG, 0, RS_MAX_MS)};

/* A client region the matrix names must be some client's region. */
static rs_status check_client_region(sc *c, const char *path, const char *region)
{
	char list[SC_LIST_MAX] = "";
	const rs_config *cfg = c->cfg;
	for (size_t i = 0; i < cfg->n_clients; i++) {
		const char *r = cfg->clients[i].region;
		if (!r)
			continue;
		if (strcmp(r, region) == 0)
			return RS_OK;
		size_t j = 0;
		while (j < i && !(cfg->clients[j].region && strcmp(cfg->clients[j].region, r) == 0))
			j++;
		if (j == i)
			sc_list_add(list, sizeof list, r);
	}
	if (!*list)
		return sc_invalid(c, path, "no client is in region \"%s\" (no client has a region)",
		                  region);
	return sc_invalid(c, path, "no client is in region \"%s\" (client regions: %s)", region,
	                  list);
}

/* Whether the matrix member m is a "comment" note (which must be a string)
 * rather than a region, as in "models". OUT: *note. */
static rs_status matrix_note(sc *c, const cJSON *m, const char *path, bool *note)
{
	*note = strcmp(m->string, SC_COMMENT_KEY) == 0;
	if (*note && !cJSON_IsString(m))
		return sc_wrong_type(c, path, "a string", m);
	return RS_OK;
}

/* network.rtt_ms[from][to], flattened into cfg->net_* in file order. */
rs_status sc_parse_network(sc *c, const cJSON *root)
{
	rs_config *cfg = c->cfg;
	const cJSON *net = sc_member(root, "network");
	if (!net)
		return RS_OK;
	rs_status st = sc_expect_object(c, net, ".network");
	if (st == RS_OK)
		st = sc_keys_known(c, net, ".network", SC_KEYS(network_keys));
	const cJSON *m = sc_member(net, "rtt_ms");
	if (st == RS_OK)
		st = sc_expect_object(c, m, ".network.rtt_ms");
	if (st != RS_OK)
		return st;
	size_t n = 0;
	for (const cJSON *from = m->child; from; from = from->next) {
		if (cJSON_IsObject(from))
			n += (size_t)cJSON_GetArraySize(from);
	}
	if (n > 0) {
		cfg->net_from = rs_calloc(n, sizeof *cfg->net_from);
		cfg->net_to = rs_calloc(n, sizeof *cfg->net_to);
		cfg->net_rtt_ms = rs_calloc(n, sizeof *cfg->net_rtt_ms);
		if (!cfg->net_from || !cfg->net_to || !cfg->net_rtt_ms)
			return sc_nomem(c);
	}
	for (const cJSON *from = m->child; from; from = from->next) {
		char fp[SC_PATH_MAX];
		sc_child_key(fp, ".network.rtt_ms", from->string);
		bool note;
		if ((st = matrix_note(c, from, fp, &note)) != RS_OK)
			return st;
		if (note)
			continue;
		if ((st = sc_expect_object(c, from, fp)) != RS_OK ||
		    (st = check_client_region(c, fp, from->string)) != RS_OK)
			return st;
		for (const cJSON *to = from->child; to; to = to->next) {
			char tp[SC_PATH_MAX];
			sc_child_key(tp, fp, to->string);
			if ((st = matrix_note(c, to, tp, &note)) != RS_OK)
				return st;
			if (note)
				continue;
			if (!region_used(cfg, to->string))
				return no_region(c, tp, to->string);
			size_t k = cfg->n_net;
			if ((st = sc_num_value(c, to, tp, &rtt_entry, &cfg->net_rtt_ms[k])) !=
			    RS_OK)
				return st;
			cfg->net_from[k] = sc_strdup(from->string);
			cfg->net_to[k] = sc_strdup(to->string);
			cfg->n_net = k + 1;
			if (!cfg->net_from[k] || !cfg->net_to[k])
				return sc_nomem(c);
		}
	}
	return RS_OK;
}

/* ---- pricing ------------------------------------------------------------- */

static const sc_key pricing_keys[] = {
    {"ptu_billing", 0, false, NULL, SC_ENUM_OR(billing_names, RS_DEFAULT_PTU_BILLING)},
};

rs_status sc_parse_pricing(sc *c, const cJSON *root)
{
	const cJSON *p = sc_member(root, "pricing");
	int billing = RS_DEFAULT_PTU_BILLING;
	c->cfg->pricing.ptu_billing = RS_DEFAULT_PTU_BILLING;
	if (!p)
		return RS_OK;
	rs_status st = sc_expect_object(c, p, ".pricing");
	if (st == RS_OK)
		st = sc_keys_known(c, p, ".pricing", SC_KEYS(pricing_keys));
	if (st == RS_OK)
		st = sc_get_enum(c, p, ".pricing", SC_KEYS(pricing_keys), "ptu_billing", &billing);
	c->cfg->pricing.ptu_billing = (rs_ptu_billing)billing;
	return st;
}

/* ---- the room's tables, for the key dump ---------------------------------- */

static const sc_table faults_tables[] = {
    {"fault", SC_KEYS(fault_keys)},
    {"outage", SC_KEYS(outage_keys)},
    {"repair", SC_KEYS(repair_keys)},
    {"network", SC_KEYS(network_keys)},
    {"network_rtt", {&rtt_entry, 1, sizeof rtt_entry}},
    {"pricing", SC_KEYS(pricing_keys)},
};

const sc_table *sc_faults_tables(size_t *n)
{
	*n = SC_N(faults_tables);
	return faults_tables;
}
