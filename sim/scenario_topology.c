/*
 * scenario_topology.c - the loader's room for where requests go: the model
 * table with the scenario's overrides and new models, quota pools,
 * deployments (standard and provisioned families, PTU sizes, spillover) and
 * routers (backends, the one namespace shared with deployments, cycles).
 *
 * Order matters and is kept by scenario.c: models first (deployments and
 * quotas name them), then quotas, deployments (whose pools must hold them,
 * MODEL.md section 3), then routers (whose backends name deployments and
 * each other).  Cost: O(d^2) in deployments and routers for names and
 * pools, O(routers + backends) for the cycle check.
 */
#include <cjson/cJSON.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/models.h"
#include "scenario_keys.h"

/* clang-format off: one name per line reads as the enum does */

static const char *const window_names[] = {
    [RS_WINDOW_SLIDING] = "sliding",
    [RS_WINDOW_FIXED] = "fixed",
};
static const char *const strategy_names[] = {
    [RS_ROUTE_ROUND_ROBIN] = "round_robin", [RS_ROUTE_WEIGHTED] = "weighted",
    [RS_ROUTE_PRIORITY] = "priority",       [RS_ROUTE_LEAST_UTILIZED] = "least_utilized",
    [RS_ROUTE_LATENCY] = "latency",         [RS_ROUTE_RANDOM] = "random",
};
static const char *const all_down_names[] = {
    [RS_ALL_DOWN_FAIL] = "fail",
    [RS_ALL_DOWN_WAIT] = "wait",
    [RS_ALL_DOWN_SEND] = "send",
};
static const char *const service_names[] = {
    [RS_SERVICE_OFF] = "off",
    [RS_SERVICE_PROCESSOR_SHARING] = "processor_sharing",
};
static const char *const estimator_names[] = {
    [RS_ESTIMATOR_MODEL_DEFAULT] = "model_default",
    [RS_ESTIMATOR_FIXED] = "fixed",
    [RS_ESTIMATOR_RUNNING_MEAN] = "running_mean",
};
/* clang-format on */

/* obj.kind, by the row of the table ks. OUT: *out. */
static rs_status get_kind(sc *c, const cJSON *obj, const char *path, sc_keys ks, rs_kind *out)
{
	int v;
	rs_status st = sc_get_enum(c, obj, path, ks, "kind", &v);
	*out = (rs_kind)v;
	return st;
}

/* ---- models -------------------------------------------------------------- */

#define G_STD                                                                                      \
	(SC_BIT(RS_KIND_STANDARD) | SC_BIT(RS_KIND_GLOBAL_STANDARD) |                              \
	 SC_BIT(RS_KIND_DATA_ZONE_STANDARD))
#define G_PTU                                                                                      \
	(SC_BIT(RS_KIND_PROVISIONED) | SC_BIT(RS_KIND_GLOBAL_PROVISIONED) |                        \
	 SC_BIT(RS_KIND_DATA_ZONE_PROVISIONED))

typedef enum mf_type { MF_I64, MF_INT, MF_DBL, MF_BASE } mf_type;

/* One overridable field of rs_model (models.h); every field but name and
 * source.  The row's range is what a meaningful value needs; there is no
 * default: an absent field keeps the model's value. */
typedef struct model_field {
	sc_key key;
	mf_type type;
	size_t offset;
} model_field;

/* clang-format off */
#define MF_NUM(name, rule, lo, hi) \
	{ { #name, 0, false, NULL, SC_NUMBER(rule, lo, hi) }, MF_DBL, offsetof(rs_model, name) }
#define MF_I64(name, rule, hi) \
	{ { #name, 0, false, NULL, SC_WHOLE(rule, hi) }, MF_I64, offsetof(rs_model, name) }
#define MF_INT(name, rule, hi) \
	{ { #name, 0, false, NULL, SC_WHOLE(rule, hi) }, MF_INT, offsetof(rs_model, name) }
/* clang-format on */

static const model_field model_fields[] = {
    {{"base", 0, false, NULL, SC_STRING}, MF_BASE, 0},
    MF_I64(quota_tpm_default, SC_NONNEG, RS_MAX_TPM),
    MF_NUM(rpm_per_1k_tpm, SC_POS, RS_MIN_SHARE, RS_MAX_RPM_PER_1K),
    MF_I64(max_tokens_default, SC_POS, RS_MAX_TOKENS),
    MF_NUM(rtt_ms, SC_NONNEG, 0, RS_MAX_MS),
    MF_NUM(ttft_base_ms, SC_NONNEG, 0, RS_MAX_MS),
    MF_NUM(ttft_per_1k_prompt_ms, SC_NONNEG, 0, RS_MAX_MS),
    MF_NUM(tokens_per_s, SC_POS, RS_MIN_TOKENS_PER_S, RS_MAX_TOKENS_PER_S),
    MF_NUM(sigma, SC_NONNEG, 0, RS_MAX_SIGMA),
    MF_NUM(load_sigma, SC_NONNEG, 0, RS_MAX_SIGMA),
    MF_NUM(throttle_ms, SC_NONNEG, 0, RS_MAX_MS),
    MF_NUM(service_share, SC_POS, RS_MIN_SHARE, RS_MAX_FACTOR),
    MF_NUM(input_tpm_per_ptu, SC_POS, RS_MIN_TPM_PER_PTU, RS_MAX_TPM_PER_PTU),
    MF_NUM(output_ratio, SC_POS, RS_MIN_SHARE, RS_MAX_FACTOR),
    MF_INT(ptu_min_global, SC_NONNEG, RS_MAX_PTU),
    MF_INT(ptu_inc_global, SC_GE1, RS_MAX_PTU),
    MF_INT(ptu_min_regional, SC_NONNEG, RS_MAX_PTU),
    MF_INT(ptu_inc_regional, SC_GE1, RS_MAX_PTU),
    MF_NUM(ptu_tokens_per_s, SC_POS, RS_MIN_TOKENS_PER_S, RS_MAX_TOKENS_PER_S),
    MF_NUM(ptu_sigma, SC_NONNEG, 0, RS_MAX_SIGMA),
    MF_NUM(ptu_service_share, SC_POS, RS_MIN_SHARE, RS_MAX_FACTOR),
    MF_NUM(price_input_per_1m, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_output_per_1m, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_input_per_1m_data_zone, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_output_per_1m_data_zone, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_input_per_1m_regional, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_output_per_1m_regional, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_hour_global, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_hour_data_zone, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_hour_regional, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_month_global, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_month_data_zone, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_month_regional, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_year_global, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_year_data_zone, SC_NONNEG, 0, RS_MAX_PRICE),
    MF_NUM(price_ptu_year_regional, SC_NONNEG, 0, RS_MAX_PRICE),
};

static void model_list(char *buf, size_t size, const rs_model *models, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		sc_list_add(buf, size, models[i].name);
}

static rs_status model_overrides(sc *c, const cJSON *m, const char *path, rs_model *row)
{
	for (size_t i = 0; i < SC_N(model_fields); i++) {
		const model_field *f = &model_fields[i];
		if (f->type == MF_BASE)
			continue;
		const char *key = f->key.name;
		char *dst = (char *)row + f->offset;
		sc_keys ks = SC_KEYS(model_fields);
		rs_status st;
		if (f->type == MF_DBL) {
			double v;
			st = sc_get_num(c, m, path, ks, key, &v);
			if (st == RS_OK && sc_member(m, key))
				memcpy(dst, &v, sizeof v);
		} else if (f->type == MF_I64) {
			int64_t v;
			st = sc_get_whole(c, m, path, ks, key, &v);
			if (st == RS_OK && sc_member(m, key))
				memcpy(dst, &v, sizeof v);
		} else {
			int v;
			st = sc_get_int(c, m, path, ks, key, &v);
			if (st == RS_OK && sc_member(m, key))
				memcpy(dst, &v, sizeof v);
		}
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}

/* cfg->models: the built-in table, then the scenario's new models, with the
 * scenario's overrides applied. */
rs_status sc_parse_models(sc *c, const cJSON *root)
{
	rs_config *cfg = c->cfg;
	size_t nb;
	const rs_model *builtin = rs_models_builtin(&nb);
	const cJSON *models = sc_member(root, "models");
	size_t extra = models ? (size_t)cJSON_GetArraySize(models) : 0;
	cfg->models = rs_calloc(nb + extra, sizeof *cfg->models);
	if (!cfg->models)
		return sc_nomem(c);
	memcpy(cfg->models, builtin, nb * sizeof *builtin);
	cfg->n_models = nb;
	if (!models)
		return RS_OK;
	if (!cJSON_IsObject(models))
		return sc_wrong_type(c, ".models", "an object", models);

	for (const cJSON *m = models->child; m; m = m->next) {
		char path[SC_PATH_MAX];
		const char *name = m->string;
		sc_child_key(path, ".models", name);
		if (strcmp(name, SC_COMMENT_KEY) == 0) {
			if (!cJSON_IsString(m))
				return sc_wrong_type(c, path, "a string", m);
			continue;
		}
		rs_status st = sc_expect_object(c, m, path);
		if (st == RS_OK)
			st = sc_keys_known(c, m, path, SC_KEYS(model_fields));
		if (st != RS_OK)
			return st;
		const char *base;
		if ((st = sc_get_str(c, m, path, SC_KEYS(model_fields), "base", &base)) != RS_OK)
			return st;
		int idx = rs_models_find(builtin, nb, name);
		if (idx >= 0 && base) {
			char bp[SC_PATH_MAX];
			sc_child_key(bp, path, "base");
			return sc_invalid(c, bp, "only a new model takes \"base\" (%s is built in)",
			                  name);
		}
		if (idx < 0) {
			if (!base)
				return sc_invalid(
				    c, path,
				    "a new model needs \"base\": the name of a built-in "
				    "model to copy (got none)");
			int b = rs_models_find(builtin, nb, base);
			if (b < 0) {
				char bp[SC_PATH_MAX], list[SC_LIST_MAX];
				sc_child_key(bp, path, "base");
				model_list(list, sizeof list, builtin, nb);
				return sc_invalid(c, bp,
				                  "no built-in model named \"%s\" (built-in: %s)",
				                  base, list);
			}
			if (!*name || strlen(name) >= RS_MODEL_NAME_MAX)
				return sc_invalid(c, path,
				                  "a model name takes 1 to %d characters (got %zu)",
				                  RS_MODEL_NAME_MAX - 1, strlen(name));
			idx = (int)cfg->n_models++;
			cfg->models[idx] = builtin[b];
			snprintf(cfg->models[idx].name, RS_MODEL_NAME_MAX, "%s", name);
		}
		if ((st = model_overrides(c, m, path, &cfg->models[idx])) != RS_OK)
			return st;
	}
	return RS_OK;
}

/* obj.model as an index into cfg->models. OUT: *idx. */
static rs_status get_model(sc *c, const cJSON *obj, const char *path, sc_keys ks, int *idx)
{
	const char *name;
	rs_status st = sc_get_str(c, obj, path, ks, "model", &name);
	if (st != RS_OK || !name)
		return st;
	*idx = rs_models_find(c->cfg->models, c->cfg->n_models, name);
	if (*idx >= 0)
		return RS_OK;
	char kp[SC_PATH_MAX], list[SC_LIST_MAX];
	sc_child_key(kp, path, "model");
	model_list(list, sizeof list, c->cfg->models, c->cfg->n_models);
	return sc_invalid(c, kp, "no model named \"%s\" (models: %s)", name, list);
}

/* ---- quotas -------------------------------------------------------------- */

static const sc_key quota_keys[] = {
    {"subscription", 0, false, NULL, SC_STRING_OR(RS_DEFAULT_SUBSCRIPTION)},
    {"region", 0, true, NULL, SC_STRING},
    {"kind", 0, false, NULL, SC_ENUM_OR(rs_kind_names, RS_KIND_STANDARD)},
    {"model", G_STD, true, "PTU quota is model-independent", SC_STRING},
    {"tpm", G_STD, true, "a provisioned pool holds \"ptu\"", SC_WHOLE(SC_POS, RS_MAX_TPM)},
    {"ptu", G_PTU, true, "a standard-family pool holds \"tpm\"", SC_WHOLE(SC_POS, RS_MAX_PTU)},
};

/* `subscription "s", region "r", model "m", kind k` (model NULL: left out). */
static void pool_desc(char *buf, size_t size, const char *sub, const char *region,
                      const char *model, rs_kind kind)
{
	if (model)
		snprintf(buf, size, "subscription \"%s\", region \"%s\", model \"%s\", kind %s",
		         sub, region, model, rs_kind_name(kind));
	else
		snprintf(buf, size, "subscription \"%s\", region \"%s\", kind %s", sub, region,
		         rs_kind_name(kind));
}

static bool same_pool(const rs_quota_cfg *a, const char *sub, const char *region, const char *model,
                      rs_kind kind)
{
	return a->kind == kind && strcmp(a->subscription, sub) == 0 &&
	       strcmp(a->region, region) == 0 &&
	       (rs_kind_is_provisioned(kind) || strcmp(a->model, model) == 0);
}

static rs_status parse_quota(sc *c, const cJSON *q, const char *path, size_t i)
{
	rs_quota_cfg *quota = &c->cfg->quotas[i];
	rs_status st = sc_expect_object(c, q, path);
	if (st == RS_OK)
		st = sc_keys_known(c, q, path, SC_KEYS(quota_keys));
	if (st == RS_OK)
		st = sc_get_owned(c, q, path, SC_KEYS(quota_keys), "subscription",
		                  &quota->subscription);
	if (st == RS_OK)
		st = sc_get_owned(c, q, path, SC_KEYS(quota_keys), "region", &quota->region);
	if (st == RS_OK)
		st = get_kind(c, q, path, SC_KEYS(quota_keys), &quota->kind);
	if (st == RS_OK)
		st = sc_keys_variant(c, q, path, SC_KEYS(quota_keys), SC_BIT(quota->kind), "kind",
		                     rs_kind_name(quota->kind));
	if (st != RS_OK)
		return st;
	if (rs_kind_is_provisioned(quota->kind)) {
		st = sc_get_whole(c, q, path, SC_KEYS(quota_keys), "ptu", &quota->ptu);
	} else {
		int m = -1;
		st = get_model(c, q, path, SC_KEYS(quota_keys), &m);
		if (st == RS_OK) {
			quota->model = sc_strdup(c->cfg->models[m].name);
			if (!quota->model)
				return sc_nomem(c);
			st = sc_get_whole(c, q, path, SC_KEYS(quota_keys), "tpm", &quota->tpm);
		}
	}
	if (st != RS_OK)
		return st;
	for (size_t j = 0; j < i; j++) {
		if (same_pool(&c->cfg->quotas[j], quota->subscription, quota->region, quota->model,
		              quota->kind)) {
			char desc[SC_LIST_MAX];
			pool_desc(desc, sizeof desc, quota->subscription, quota->region,
			          quota->model, quota->kind);
			return sc_invalid(c, path, "declares the same pool as .quotas[%zu] (%s)", j,
			                  desc);
		}
	}
	return RS_OK;
}

rs_status sc_parse_quotas(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array(c, root, "", "quotas", "quota", &arr, &n);
	if (st != RS_OK || !arr)
		return st;
	c->cfg->quotas = rs_calloc(n, sizeof *c->cfg->quotas);
	if (!c->cfg->quotas)
		return sc_nomem(c);
	c->cfg->n_quotas = n;
	size_t i = 0;
	for (const cJSON *q = arr->child; q; q = q->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".quotas", i);
		if ((st = parse_quota(c, q, path, i)) != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- deployments --------------------------------------------------------- */

static const sc_key deployment_keys[] = {
    {"name", 0, true, NULL, SC_STRING},
    {"region", 0, true, NULL, SC_STRING},
    {"subscription", 0, false, NULL, SC_STRING_OR(RS_DEFAULT_SUBSCRIPTION)},
    {"model", 0, true, NULL, SC_STRING},
    {"kind", 0, false, NULL, SC_ENUM_OR(rs_kind_names, RS_KIND_STANDARD)},
    {"tpm", G_STD, true, "a provisioned deployment is sized in \"ptu\"",
     SC_WHOLE(SC_POS, RS_MAX_TPM)},
    {"tpm_window", G_STD, false, "only the standard family has TPM windows",
     SC_ENUM_OR(window_names, RS_WINDOW_SLIDING)},
    {"rpm_window", G_STD, false, "only the standard family has RPM windows",
     SC_ENUM_OR(window_names, RS_WINDOW_SLIDING)},
    {"rpm_window_s", G_STD, false, "only the standard family has RPM windows",
     SC_WHOLE(SC_POS, SC_RPM_WINDOW_LONG_S), SC_DEFAULT(RS_DEFAULT_RPM_WINDOW_S)},
    {"rpm_windows_s", G_STD, false, "only the standard family has RPM windows",
     SC_ARRAY}, /* scenario_deployment.c */
    {"count_refused", G_STD, false, "only the standard family counts refused requests",
     SC_BOOLEAN(RS_DEFAULT_COUNT_REFUSED)},
    {"prompt_estimate_factor", G_STD, false, "only the standard family estimates prompts",
     SC_NUMBER(SC_POS, RS_MIN_SHARE, RS_MAX_FACTOR), SC_DEFAULT(RS_DEFAULT_PROMPT_ESTIMATE_FACTOR)},
    {"oversize_retry_after_s", G_STD, false, "only the standard family refuses oversize estimates",
     SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S), SC_DEFAULT(RS_DEFAULT_OVERSIZE_RETRY_AFTER_S)},
    {"ptu", G_PTU, true, "a standard-family deployment is sized in \"tpm\"",
     SC_WHOLE(SC_POS, RS_MAX_PTU)},
    {"max_tokens_estimator", G_PTU, false, "only the provisioned family uses it",
     SC_OBJECT_OR("{\"kind\":\"model_default\"}")},
    {"spillover_to", G_PTU, false, "spillover goes from a provisioned deployment", SC_STRING},
    {"rtt_ms", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_MS)},
    {"service", 0, false, NULL, SC_ENUM_OR(service_names, RS_DEFAULT_SERVICE)},
    {"service_capacity_tps", 0, false, NULL,
     SC_NUMBER(SC_POS, RS_MIN_TOKENS_PER_S, RS_MAX_TOKENS_PER_S)},
    {"latency_daily", 0, false, NULL, SC_OBJECT}, /* scenario_latency.c */
};

static const sc_key estimator_keys[] = {
    {"kind", 0, false, NULL, SC_ENUM_OR(estimator_names, RS_ESTIMATOR_MODEL_DEFAULT)},
    {"value", SC_BIT(RS_ESTIMATOR_FIXED), true, NULL, SC_NUMBER(SC_POS, 0, RS_MAX_TOKENS)},
    {"window", SC_BIT(RS_ESTIMATOR_RUNNING_MEAN), false, NULL,
     SC_WHOLE(SC_POS, RS_MAX_ESTIMATOR_WINDOW), SC_DEFAULT(RS_DEFAULT_ESTIMATOR_WINDOW)},
};

static rs_status parse_estimator(sc *c, const cJSON *d, const char *path, rs_deployment_cfg *dep)
{
	sc_member_or_default(c, d, SC_KEYS(deployment_keys), "max_tokens_estimator");
	dep->estimator = RS_ESTIMATOR_MODEL_DEFAULT;
	dep->estimator_window = RS_DEFAULT_ESTIMATOR_WINDOW;
	const cJSON *e = sc_member(d, "max_tokens_estimator");
	if (!e)
		return RS_OK;
	char ep[SC_PATH_MAX];
	sc_child_key(ep, path, "max_tokens_estimator");
	int kind = RS_ESTIMATOR_MODEL_DEFAULT;
	rs_status st = sc_expect_object(c, e, ep);
	if (st == RS_OK)
		st = sc_keys_known(c, e, ep, SC_KEYS(estimator_keys));
	if (st == RS_OK)
		st = sc_get_enum(c, e, ep, SC_KEYS(estimator_keys), "kind", &kind);
	if (st == RS_OK)
		st = sc_keys_variant(c, e, ep, SC_KEYS(estimator_keys), SC_BIT(kind), "kind",
		                     estimator_names[kind]);
	if (st == RS_OK)
		st = sc_get_num(c, e, ep, SC_KEYS(estimator_keys), "value", &dep->estimator_value);
	if (st == RS_OK)
		st =
		    sc_get_int(c, e, ep, SC_KEYS(estimator_keys), "window", &dep->estimator_window);
	dep->estimator = (rs_estimator)kind;
	return st;
}

/* PTU sizes: each model's minimum and increment for its kind (MODEL.md
 * section 5); a model whose minimum is 0 is not offered on that kind. */
static rs_status check_ptu_size(sc *c, const char *path, const rs_deployment_cfg *dep)
{
	const rs_model *m = &c->cfg->models[dep->model];
	bool regional = dep->kind == RS_KIND_PROVISIONED;
	int min = regional ? m->ptu_min_regional : m->ptu_min_global;
	int inc = regional ? m->ptu_inc_regional : m->ptu_inc_global;
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "ptu");
	if (min <= 0)
		return sc_invalid(c, kp, "%s is not offered as %s", m->name,
		                  rs_kind_name(dep->kind));
	if (!(m->input_tpm_per_ptu > 0))
		return sc_invalid(c, kp, "%s has no input_tpm_per_ptu; set it under \"models\"",
		                  m->name);
	if (!c->cfg->strict_sizes)
		return RS_OK;
	bool off = dep->ptu < min || (inc > 0 && (dep->ptu - min) % inc != 0);
	if (off)
		return sc_invalid(
		    c, kp,
		    "%s %s deployments take at least %d PTU in steps of %d (got %lld); "
		    "set \"strict_sizes\": false to allow it",
		    m->name, rs_kind_name(dep->kind), min, inc > 0 ? inc : 1, (long long)dep->ptu);
	return RS_OK;
}

int sc_deployment_find(const rs_config *cfg, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (cfg->deployments[i].name && strcmp(cfg->deployments[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

rs_status sc_no_deployment(sc *c, const char *path, const char *name)
{
	char list[SC_LIST_MAX] = "";
	for (size_t i = 0; i < c->cfg->n_deployments; i++)
		sc_list_add(list, sizeof list, c->cfg->deployments[i].name);
	return sc_invalid(c, path, "no deployment named \"%s\" (deployments: %s)", name, list);
}

static rs_status parse_deployment(sc *c, const cJSON *d, const char *path, size_t i)
{
	rs_deployment_cfg *dep = &c->cfg->deployments[i];
	dep->spillover_index = -1;
	dep->rtt_ms = -1;
	dep->service_capacity_tps = -1;
	dep->tpm_window = RS_WINDOW_SLIDING;
	dep->rpm_window = RS_WINDOW_SLIDING;
	rs_status st = sc_expect_object(c, d, path);
	if (st == RS_OK)
		st = sc_keys_known(c, d, path, SC_KEYS(deployment_keys));
	if (st == RS_OK)
		st = sc_get_owned(c, d, path, SC_KEYS(deployment_keys), "name", &dep->name);
	if (st != RS_OK)
		return st;
	int prev = sc_deployment_find(c->cfg, i, dep->name);
	if (prev >= 0) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, "name");
		return sc_invalid(c, kp, "\"%s\" is already the name of .deployments[%d]",
		                  dep->name, prev);
	}
	st = sc_get_owned(c, d, path, SC_KEYS(deployment_keys), "region", &dep->region);
	if (st == RS_OK)
		st = sc_get_owned(c, d, path, SC_KEYS(deployment_keys), "subscription",
		                  &dep->subscription);
	if (st == RS_OK)
		st = get_model(c, d, path, SC_KEYS(deployment_keys), &dep->model);
	if (st == RS_OK)
		st = get_kind(c, d, path, SC_KEYS(deployment_keys), &dep->kind);
	if (st == RS_OK)
		st = sc_keys_variant(c, d, path, SC_KEYS(deployment_keys), SC_BIT(dep->kind),
		                     "kind", rs_kind_name(dep->kind));
	if (st == RS_OK)
		st = sc_get_num(c, d, path, SC_KEYS(deployment_keys), "rtt_ms", &dep->rtt_ms);
	int service = RS_DEFAULT_SERVICE;
	if (st == RS_OK)
		st = sc_get_enum(c, d, path, SC_KEYS(deployment_keys), "service", &service);
	dep->service = (rs_service_kind)service;
	if (st == RS_OK)
		st = sc_get_num(c, d, path, SC_KEYS(deployment_keys), "service_capacity_tps",
		                &dep->service_capacity_tps);
	if (st == RS_OK)
		st = sc_parse_latency_daily(c, d, path, &dep->latency_daily);
	if (st != RS_OK)
		return st;

	st = sc_parse_std_limits(c, d, path, SC_KEYS(deployment_keys), dep);
	if (st == RS_OK)
		st = sc_get_whole(c, d, path, SC_KEYS(deployment_keys), "ptu", &dep->ptu);
	if (st == RS_OK)
		st = parse_estimator(c, d, path, dep);
	if (st == RS_OK)
		st = sc_get_owned(c, d, path, SC_KEYS(deployment_keys), "spillover_to",
		                  &dep->spillover_to);
	if (st == RS_OK && rs_kind_is_provisioned(dep->kind))
		st = check_ptu_size(c, path, dep);
	return st;
}

/* Spillover goes from a provisioned deployment to a standard-family one in
 * the same region and subscription (MODEL.md section 6). */
static rs_status resolve_spillover(sc *c, size_t i)
{
	rs_deployment_cfg *dep = &c->cfg->deployments[i];
	if (!dep->spillover_to)
		return RS_OK;
	char path[SC_PATH_MAX], kp[SC_PATH_MAX];
	sc_child_index(path, ".deployments", i);
	sc_child_key(kp, path, "spillover_to");
	int j = sc_deployment_find(c->cfg, c->cfg->n_deployments, dep->spillover_to);
	if (j < 0)
		return sc_no_deployment(c, kp, dep->spillover_to);
	const rs_deployment_cfg *to = &c->cfg->deployments[j];
	if (rs_kind_is_provisioned(to->kind))
		return sc_invalid(
		    c, kp,
		    "\"%s\" is a %s deployment; spillover goes to a standard-family one "
		    "(standard, global_standard or data_zone_standard)",
		    to->name, rs_kind_name(to->kind));
	if (strcmp(to->region, dep->region) != 0)
		return sc_invalid(c, kp,
		                  "\"%s\" is in region \"%s\", not \"%s\"; spillover stays in the "
		                  "same region and subscription",
		                  to->name, to->region, dep->region);
	if (strcmp(to->subscription, dep->subscription) != 0)
		return sc_invalid(
		    c, kp,
		    "\"%s\" is in subscription \"%s\", not \"%s\"; spillover stays in "
		    "the same region and subscription",
		    to->name, to->subscription, dep->subscription);
	dep->spillover_index = j;
	return RS_OK;
}

static int64_t add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* Every deployment draws from its quota pool; the pool must hold them all
 * (MODEL.md section 3).  A standard pool the scenario does not declare holds
 * the model's quota_tpm_default; an undeclared provisioned pool is
 * unlimited (scenarios/README.md). */
static rs_status check_pools(sc *c)
{
	const rs_config *cfg = c->cfg;
	size_t n = cfg->n_deployments;
	bool *seen = rs_calloc(n, sizeof *seen);
	if (!seen)
		return sc_nomem(c);
	rs_status st = RS_OK;
	for (size_t i = 0; i < n && st == RS_OK; i++) {
		if (seen[i])
			continue;
		const rs_deployment_cfg *d = &cfg->deployments[i];
		bool ptu = rs_kind_is_provisioned(d->kind);
		const char *model = ptu ? NULL : cfg->models[d->model].name;
		int64_t sum = 0;
		char members[SC_LIST_MAX] = "";
		for (size_t j = i; j < n; j++) {
			const rs_deployment_cfg *e = &cfg->deployments[j];
			if (e->kind != d->kind || strcmp(e->subscription, d->subscription) != 0 ||
			    strcmp(e->region, d->region) != 0 || (!ptu && e->model != d->model))
				continue;
			seen[j] = true;
			int64_t size = ptu ? e->ptu : e->tpm;
			char item[SC_LIST_MAX];
			snprintf(item, sizeof item, "%s %lld", e->name, (long long)size);
			sc_list_add(members, sizeof members, item);
			sum = add_sat(sum, size);
		}
		int64_t holds = -1; /* unlimited */
		for (size_t q = 0; q < cfg->n_quotas; q++) {
			if (same_pool(&cfg->quotas[q], d->subscription, d->region, model, d->kind))
				holds = ptu ? cfg->quotas[q].ptu : cfg->quotas[q].tpm;
		}
		if (holds < 0 && !ptu)
			holds = cfg->models[d->model].quota_tpm_default;
		if (holds >= 0 && sum > holds) {
			char desc[SC_LIST_MAX];
			const char *unit = ptu ? "PTU" : "TPM";
			pool_desc(desc, sizeof desc, d->subscription, d->region, model, d->kind);
			st = sc_invalid(
			    c, ".deployments",
			    "quota pool (%s) holds %lld %s but its deployments take %lld "
			    "(%s)",
			    desc, (long long)holds, unit, (long long)sum, members);
		}
	}
	free(seen);
	return st;
}

rs_status sc_parse_deployments(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array(c, root, "", "deployments", "deployment", &arr, &n);
	if (st != RS_OK)
		return st;
	c->cfg->deployments = rs_calloc(n, sizeof *c->cfg->deployments);
	if (!c->cfg->deployments)
		return sc_nomem(c);
	c->cfg->n_deployments = n;
	size_t i = 0;
	for (const cJSON *d = arr->child; d; d = d->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".deployments", i);
		if ((st = parse_deployment(c, d, path, i)) != RS_OK)
			return st;
	}
	for (i = 0; i < n; i++) {
		if ((st = resolve_spillover(c, i)) != RS_OK)
			return st;
	}
	return check_pools(c);
}

/* ---- routers ------------------------------------------------------------- */

/* clang-format off: key tables keep one key per line */
static const sc_key router_keys[] = {
    {"name", 0, true, NULL, SC_STRING},
    {"strategy", 0, true, NULL, SC_ENUM(strategy_names)},
    {"backends", 0, true, NULL, SC_ARRAY},
    {"cooldown_on_429", 0, false, NULL, SC_BOOLEAN(RS_DEFAULT_ROUTER_COOLDOWN_ON_429)},
    {"cooldown_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_ROUTER_COOLDOWN_S)},
    {"breaker_failures", 0, false, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_BREAKER_FAILURES),
     SC_DEFAULT(RS_DEFAULT_ROUTER_BREAKER_FAILURES)},
    {"breaker_window_s", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_ROUTER_BREAKER_WINDOW_S)},
    {"breaker_open_s", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_ROUTER_BREAKER_OPEN_S)},
    {"all_down", 0, false, NULL, SC_ENUM_OR(all_down_names, RS_DEFAULT_ROUTER_ALL_DOWN)},
    {"max_tries", 0, false, NULL, SC_WHOLE(SC_GE1, INT_MAX)},
    {"latency_alpha", 0, false, NULL, SC_NUMBER(SC_SHARE, 0, 1),
     SC_DEFAULT(RS_DEFAULT_ROUTER_LATENCY_ALPHA)},
    {"consumer_limits", 0, false, NULL, SC_ARRAY}, /* scenario_gateway.c reads it */
};

static const sc_key backend_keys[] = {
    {"target", 0, true, NULL, SC_STRING},
    {"weight", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_SHARE, RS_MAX_RATE_RPS),
     SC_DEFAULT(RS_DEFAULT_BACKEND_WEIGHT)},
    {"priority", 0, false, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_PRIORITY),
     SC_DEFAULT(RS_DEFAULT_BACKEND_PRIORITY)},
    {"rtt_ms", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_MS)},
};
/* clang-format on */

static int router_find(const rs_config *cfg, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (cfg->routers[i].name && strcmp(cfg->routers[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* A deployment's or a router's name (the first n_routers routers). OUT: *ref. */
bool sc_target_find(const rs_config *cfg, size_t n_routers, const char *name, rs_target *ref)
{
	int i = sc_deployment_find(cfg, cfg->n_deployments, name);
	if (i >= 0) {
		*ref = (rs_target){.is_router = false, .index = i};
		return true;
	}
	i = router_find(cfg, n_routers, name);
	if (i >= 0) {
		*ref = (rs_target){.is_router = true, .index = i};
		return true;
	}
	return false;
}

/* "no deployment or router named ..." with both lists (routers when any). */
rs_status sc_no_target(sc *c, const char *path, const char *name)
{
	char deps[SC_LIST_MAX] = "", routers[SC_LIST_MAX] = "";
	for (size_t i = 0; i < c->cfg->n_deployments; i++)
		sc_list_add(deps, sizeof deps, c->cfg->deployments[i].name);
	for (size_t i = 0; i < c->cfg->n_routers; i++)
		sc_list_add(routers, sizeof routers, c->cfg->routers[i].name);
	if (!*routers)
		return sc_invalid(c, path, "no deployment or router named \"%s\" (deployments: %s)",
		                  name, deps);
	return sc_invalid(c, path,
	                  "no deployment or router named \"%s\" (deployments: %s; routers: %s)",
	                  name, deps, routers);
}

static rs_status parse_backend(sc *c, const cJSON *b, const char *path, rs_backend_cfg *be)
{
	be->target = (rs_target){.is_router = false, .index = -1};
	be->rtt_ms = -1; /* the deployment's */
	rs_status st = sc_expect_object(c, b, path);
	if (st == RS_OK)
		st = sc_keys_known(c, b, path, SC_KEYS(backend_keys));
	if (st == RS_OK)
		st = sc_get_owned(c, b, path, SC_KEYS(backend_keys), "target", &be->name);
	if (st == RS_OK)
		st = sc_get_num(c, b, path, SC_KEYS(backend_keys), "weight", &be->weight);
	if (st == RS_OK)
		st = sc_get_int(c, b, path, SC_KEYS(backend_keys), "priority", &be->priority);
	if (st == RS_OK)
		st = sc_get_num(c, b, path, SC_KEYS(backend_keys), "rtt_ms", &be->rtt_ms);
	return st;
}

static rs_status parse_router(sc *c, const cJSON *r, const char *path, size_t i)
{
	rs_router_cfg *rt = &c->cfg->routers[i];
	rs_status st = sc_expect_object(c, r, path);
	if (st == RS_OK)
		st = sc_keys_known(c, r, path, SC_KEYS(router_keys));
	if (st == RS_OK)
		st = sc_get_owned(c, r, path, SC_KEYS(router_keys), "name", &rt->name);
	if (st != RS_OK)
		return st;
	/* one namespace: clients and backends name deployments and routers alike */
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "name");
	int prev = sc_deployment_find(c->cfg, c->cfg->n_deployments, rt->name);
	if (prev >= 0)
		return sc_invalid(c, kp, "\"%s\" is already the name of .deployments[%d]", rt->name,
		                  prev);
	prev = router_find(c->cfg, i, rt->name);
	if (prev >= 0)
		return sc_invalid(c, kp, "\"%s\" is already the name of .routers[%d]", rt->name,
		                  prev);

	int strategy = RS_ROUTE_ROUND_ROBIN, all_down = RS_DEFAULT_ROUTER_ALL_DOWN;
	st = sc_get_enum(c, r, path, SC_KEYS(router_keys), "strategy", &strategy);
	rt->strategy = (rs_route_strategy)strategy;
	const cJSON *arr;
	size_t n = 0;
	if (st == RS_OK)
		st = sc_get_array(c, r, path, "backends", "backend", &arr, &n);
	if (st != RS_OK)
		return st;
	rt->backends = rs_calloc(n, sizeof *rt->backends);
	if (!rt->backends)
		return sc_nomem(c);
	rt->n_backends = n;
	char bp[SC_PATH_MAX];
	sc_child_key(bp, path, "backends");
	size_t j = 0;
	for (const cJSON *b = arr->child; b; b = b->next, j++) {
		char ep[SC_PATH_MAX];
		sc_child_index(ep, bp, j);
		if ((st = parse_backend(c, b, ep, &rt->backends[j])) != RS_OK)
			return st;
	}
	st = sc_get_bool(c, r, path, SC_KEYS(router_keys), "cooldown_on_429", &rt->cooldown_on_429);
	if (st == RS_OK)
		st = sc_get_num(c, r, path, SC_KEYS(router_keys), "cooldown_s", &rt->cooldown_s);
	if (st == RS_OK)
		st = sc_get_int(c, r, path, SC_KEYS(router_keys), "breaker_failures",
		                &rt->breaker_failures);
	if (st == RS_OK)
		st = sc_get_num(c, r, path, SC_KEYS(router_keys), "breaker_window_s",
		                &rt->breaker_window_s);
	if (st == RS_OK)
		st = sc_get_num(c, r, path, SC_KEYS(router_keys), "breaker_open_s",
		                &rt->breaker_open_s);
	if (st == RS_OK)
		st = sc_get_enum(c, r, path, SC_KEYS(router_keys), "all_down", &all_down);
	rt->all_down = (rs_all_down)all_down;
	if (st == RS_OK)
		st = sc_get_int_or(c, r, path, SC_KEYS(router_keys), "max_tries", (int)n,
		                   &rt->max_tries);
	if (st == RS_OK)
		sc_write(c, r, "max_tries", sc_exact_number(rt->max_tries));
	if (st == RS_OK && (size_t)rt->max_tries > n) {
		sc_child_key(kp, path, "max_tries");
		return sc_invalid(c, kp, "must be at most %zu, the number of backends (got %d)", n,
		                  rt->max_tries);
	}
	if (st == RS_OK)
		st = sc_get_num(c, r, path, SC_KEYS(router_keys), "latency_alpha",
		                &rt->latency_alpha);
	return st;
}

/* Every backend names a deployment or a router, at most once per router. */
static rs_status resolve_backends(sc *c, size_t i)
{
	rs_router_cfg *rt = &c->cfg->routers[i];
	for (size_t j = 0; j < rt->n_backends; j++) {
		rs_backend_cfg *be = &rt->backends[j];
		char path[SC_PATH_MAX];
		snprintf(path, sizeof path, ".routers[%zu].backends[%zu].target", i, j);
		if (!sc_target_find(c->cfg, c->cfg->n_routers, be->name, &be->target))
			return sc_no_target(c, path, be->name);
		for (size_t k = 0; k < j; k++) {
			if (strcmp(rt->backends[k].name, be->name) == 0)
				return sc_invalid(c, path,
				                  "\"%s\" is already .routers[%zu].backends[%zu]",
				                  be->name, i, k);
		}
	}
	return RS_OK;
}

/* Depth-first walk of the routers that router r sends to.  state: 0 not
 * seen, 1 on the walk's stack, 2 done; stack[0..depth] is the walk.  A
 * backend that leads back to a router on the stack closes a cycle: an
 * attempt would loop between routers for ever. */
static rs_status router_walk(sc *c, int r, unsigned char *state, int *stack, size_t depth)
{
	const rs_router_cfg *rt = &c->cfg->routers[r];
	state[r] = 1;
	stack[depth] = r;
	for (size_t j = 0; j < rt->n_backends; j++) {
		const rs_target *t = &rt->backends[j].target;
		if (!t->is_router || state[t->index] == 2)
			continue;
		if (state[t->index] == 1) {
			char chain[SC_LIST_MAX] = "", path[SC_PATH_MAX];
			size_t from = 0;
			while (stack[from] != t->index)
				from++;
			for (size_t k = from; k <= depth; k++)
				sc_list_add_sep(chain, sizeof chain, " -> ",
				                c->cfg->routers[stack[k]].name);
			sc_list_add_sep(chain, sizeof chain, " -> ",
			                c->cfg->routers[t->index].name);
			snprintf(path, sizeof path, ".routers[%d].backends[%zu].target", r, j);
			return sc_invalid(c, path, "router cycle: %s", chain);
		}
		rs_status st = router_walk(c, t->index, state, stack, depth + 1);
		if (st != RS_OK)
			return st;
	}
	state[r] = 2;
	return RS_OK;
}

static rs_status check_router_cycles(sc *c)
{
	size_t n = c->cfg->n_routers;
	unsigned char *state = rs_calloc(n, sizeof *state);
	int *stack = rs_calloc(n, sizeof *stack);
	rs_status st = RS_OK;
	if (!state || !stack)
		st = sc_nomem(c);
	for (size_t i = 0; i < n && st == RS_OK; i++) {
		if (state[i] == 0)
			st = router_walk(c, (int)i, state, stack, 0);
	}
	free(state);
	free(stack);
	return st;
}

rs_status sc_parse_routers(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array_any(c, root, "", "routers", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	c->cfg->routers = rs_calloc(n, sizeof *c->cfg->routers);
	if (!c->cfg->routers)
		return sc_nomem(c);
	c->cfg->n_routers = n;
	size_t i = 0;
	for (const cJSON *r = arr->child; r; r = r->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".routers", i);
		if ((st = parse_router(c, r, path, i)) != RS_OK)
			return st;
	}
	for (i = 0; i < n; i++) {
		if ((st = resolve_backends(c, i)) != RS_OK)
			return st;
	}
	return check_router_cycles(c);
}

/* ---- the effective scenario: the model rows a run uses --------------------- */

/* One model's every field (but base) into models[name]; a built-in value a
 * scenario could not write (0 for "no PTU figures": input_tpm_per_ptu of a
 * model not offered as PTU) is left to the table. */
static void write_model(sc *c, const cJSON *models, const rs_model *row)
{
	const cJSON *m = sc_member(models, row->name);
	if (!m) {
		if (!sc_write(c, models, row->name, cJSON_CreateObject()))
			return;
		m = sc_member(models, row->name);
	}
	for (size_t i = 0; i < SC_N(model_fields); i++) {
		const model_field *f = &model_fields[i];
		const char *src = (const char *)row + f->offset;
		double v;
		if (f->type == MF_BASE)
			continue;
		if (f->type == MF_DBL) {
			memcpy(&v, src, sizeof v);
		} else if (f->type == MF_I64) {
			int64_t x;
			memcpy(&x, src, sizeof x);
			v = (double)x;
		} else {
			int x;
			memcpy(&x, src, sizeof x);
			v = x;
		}
		if (sc_in_range(&f->key, v))
			sc_write(c, m, f->key.name, sc_exact_number(v));
	}
}

void sc_write_models(sc *c, const cJSON *root)
{
	const rs_config *cfg = c->cfg;
	const cJSON *models = sc_member(root, "models");
	if (!models) {
		if (!sc_write(c, root, "models", cJSON_CreateObject()))
			return;
		models = sc_member(root, "models");
	}
	for (size_t k = 0; k < cfg->n_models; k++) {
		bool used = false;
		for (size_t i = 0; i < cfg->n_deployments && !used; i++)
			used = cfg->deployments[i].model == (int)k;
		for (size_t q = 0; q < cfg->n_quotas && !used; q++)
			used = cfg->quotas[q].model &&
			       strcmp(cfg->quotas[q].model, cfg->models[k].name) == 0;
		if (used)
			write_model(c, models, &cfg->models[k]);
	}
}

/* ---- the room's tables, for the key dump ---------------------------------- */

static const sc_table topology_tables[] = {
    {"model", SC_KEYS(model_fields)},         {"quota", SC_KEYS(quota_keys)},
    {"deployment", SC_KEYS(deployment_keys)}, {"estimator", SC_KEYS(estimator_keys)},
    {"router", SC_KEYS(router_keys)},         {"backend", SC_KEYS(backend_keys)},
};

const sc_table *sc_topology_tables(size_t *n)
{
	*n = SC_N(topology_tables);
	return topology_tables;
}
