/*
 * size.c - the sizing search (size.h).
 *
 * A round is one value of the parameter: a group of the plan, R runs.  The
 * plan grows by one group per round and is run through the same pipe as
 * every decision (decide.h), so complete runs are reused, -j spreads them,
 * and --emit-jobs writes one round's jobs.  The answer is always computed
 * from the folders (rs_size_conclude), by the rule "the smallest value
 * tried that meets every target and whose next smaller valid value was
 * tried and does not (or is the lower end of the range)", so `collect`
 * gives the same answer as the search that ran.
 */
#include "ratesim/size.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/decide_chart.h"
#include "ratesim/doc.h"
#include "ratesim/scenario.h"
#include "ratesim/textio.h"

#define SIZE_MAX_SETS     256
#define SIZE_TEXT_MAX     512
#define SIZE_TPM_STEP     1000.0 /* standard quota is granted in thousands of TPM */
#define SIZE_RESULTS      "results"
#define SIZE_DIR_SUFFIX   "-size"
#define SIZE_LABEL_PREFIX "v-"
#define SIZE_REPLICA_NAME "-r" /* copy k of NAME is NAME-rk, in SUBSCRIPTION-rk */
#define SIZE_GRID_SLACK   1e-9

typedef enum { P_NUMBER, P_PTU, P_TPM, P_REPLICAS } param_kind;
static const char *const kind_names[] = {"number", "ptu", "tpm", "replicas"};

typedef struct target {
	char figure[SIZE_TEXT_MAX];
	char op[3];
	double bound;
	const char *text;
} target;

/* What is searched: the grid base + j x step for j in [jmin, jmax]. */
typedef struct search {
	param_kind kind;
	long index; /* deployments[i] or routers[i] */
	double base, step;
	long jmin, jmax;
	double current; /* the scenario's value */
} search;

/* ---- targets ----------------------------------------------------------------------- */

static rs_status parse_target(const char *text, target *t, rs_error *err)
{
	static const char *const ops[] = {"<=", ">=", "<", ">"};
	const char *at = NULL;
	size_t oplen = 0;
	for (const char *c = text; *c && !at; c++)
		for (size_t k = 0; k < sizeof ops / sizeof *ops && !at; k++)
			if (!strncmp(c, ops[k], strlen(ops[k]))) {
				at = c;
				oplen = strlen(ops[k]);
			}
	t->text = text;
	if (!at || at == text)
		return rs_fail(err, RS_ERR_USAGE,
		               "--target %s: expected FIGURE<=NUMBER (or <, >=, >)", text);
	size_t flen = (size_t)(at - text);
	while (flen > 0 && text[flen - 1] == ' ')
		flen--;
	snprintf(t->figure, sizeof t->figure, "%.*s", (int)flen, text);
	snprintf(t->op, sizeof t->op, "%.*s", (int)oplen, at);
	char *end;
	const char *num = at + oplen;
	while (*num == ' ')
		num++;
	t->bound = strtod(num, &end);
	if (end == num || *end != '\0' || !isfinite(t->bound))
		return rs_fail(err, RS_ERR_USAGE, "--target %s: expected a number after %s", text,
		               t->op);
	return RS_OK;
}

/* Whether the stats meet t (the far end of the 95% interval). OUT: the
 * end used. */
static bool meets(const target *t, const rs_stats *s, double *edge)
{
	double hw = isfinite(s->ci95) ? s->ci95 : 0;
	bool upper = t->op[0] == '<';
	*edge = upper ? s->mean + hw : s->mean - hw;
	if (!isfinite(*edge))
		return false;
	if (!strcmp(t->op, "<="))
		return *edge <= t->bound;
	if (!strcmp(t->op, "<"))
		return *edge < t->bound;
	if (!strcmp(t->op, ">="))
		return *edge >= t->bound;
	return *edge > t->bound;
}

/* ---- the parameter ------------------------------------------------------------------- */

/* The value at a --set path in doc (keys and [i] only), or NULL. */
static const cJSON *value_at_path(const cJSON *doc, const char *path)
{
	const cJSON *v = doc;
	const char *s = path + (path[0] == '.');
	while (*s && v) {
		if (*s == '[') {
			char *end;
			long i = strtol(s + 1, &end, 10);
			if (*end != ']' || i < 0)
				return NULL;
			v = cJSON_GetArrayItem(v, (int)i);
			s = end + 1;
		} else {
			if (*s == '.')
				s++;
			size_t len = strcspn(s, ".[");
			char key[SIZE_TEXT_MAX];
			snprintf(key, sizeof key, "%.*s", (int)len, s);
			v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, key) : NULL;
			s += len;
		}
	}
	return v;
}

/* "deployments[3].tpm" -> 3 when path is PREFIX[i]SUFFIX. */
static bool indexed(const char *path, const char *prefix, const char *suffix, long *i)
{
	path += path[0] == '.';
	size_t pl = strlen(prefix);
	if (strncmp(path, prefix, pl) || path[pl] != '[')
		return false;
	char *end;
	*i = strtol(path + pl + 1, &end, 10);
	return *end == ']' && *i >= 0 && !strcmp(end + 1, suffix);
}

static double opt_num(const char *as, const char *text, double dflt, rs_status *st, rs_error *err)
{
	if (!text || *st != RS_OK)
		return dflt;
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end || !isfinite(v))
		*st = rs_fail(err, RS_ERR_USAGE, "%s needs a number (got %s)", as, text);
	return v;
}

static rs_status classify(const rs_size_setup *s, const rs_config *cfg, search *q, rs_error *err)
{
	cJSON *doc = cJSON_Parse(cfg->effective_json ? cfg->effective_json : "{}");
	rs_status st = RS_OK;
	*q = (search){0};
	if (indexed(s->param, "routers", ".replicas", &q->index)) {
		q->kind = P_REPLICAS;
		if ((size_t)q->index >= cfg->n_routers || cfg->routers[q->index].n_backends == 0)
			st = rs_fail(err, RS_ERR_USAGE,
			             "--param %s: the scenario has no such router with "
			             "a backend",
			             s->param);
		q->base = 1;
		q->step = 1;
		q->current = 1;
	} else if (indexed(s->param, "deployments", ".ptu", &q->index) &&
	           (size_t)q->index < cfg->n_deployments &&
	           rs_kind_is_provisioned(cfg->deployments[q->index].kind)) {
		const rs_deployment_cfg *d = &cfg->deployments[q->index];
		const rs_model *m = &cfg->models[d->model];
		bool regional = d->kind == RS_KIND_PROVISIONED;
		q->kind = P_PTU;
		q->base = regional ? m->ptu_min_regional : m->ptu_min_global;
		q->step = regional ? m->ptu_inc_regional : m->ptu_inc_global;
		if (q->step <= 0)
			q->step = 1;
		if (q->base <= 0)
			q->base = q->step;
		q->current = (double)d->ptu;
	} else if (indexed(s->param, "deployments", ".tpm", &q->index) &&
	           (size_t)q->index < cfg->n_deployments &&
	           !rs_kind_is_provisioned(cfg->deployments[q->index].kind)) {
		q->kind = P_TPM;
		q->base = SIZE_TPM_STEP;
		q->step = SIZE_TPM_STEP;
		q->current = (double)cfg->deployments[q->index].tpm;
	} else {
		const cJSON *v = value_at_path(doc, s->param);
		if (!v)
			st = rs_fail(err, RS_ERR_USAGE, "--param %s: no such value in %s", s->param,
			             s->file);
		else if (!cJSON_IsNumber(v))
			st = rs_fail(err, RS_ERR_USAGE,
			             "--param %s: not a number (the scenario has %s)", s->param,
			             cJSON_IsString(v) ? "a string"
			             : cJSON_IsBool(v) ? "a boolean"
			                               : "an object or array");
		else {
			q->kind = P_NUMBER;
			q->current = v->valuedouble;
			q->step = q->current == floor(q->current) ? 1 : NAN;
			q->base = 0;
		}
	}
	cJSON_Delete(doc);
	if (st != RS_OK)
		return st;
	q->step = opt_num("--step", s->step, q->step, &st, err);
	if (st == RS_OK && !(q->step > 0))
		return rs_fail(err, RS_ERR_USAGE, "--param %s is not a whole number: give --step",
		               s->param);
	if (q->kind == P_NUMBER)
		q->base = q->step;
	double lo = opt_num("--min", s->min, q->base, &st, err);
	double dflt_max = q->kind == P_REPLICAS
	                      ? RS_SIZE_DEFAULT_MAX_REPLICAS
	                      : fmax(q->base, RS_SIZE_DEFAULT_MAX_FACTOR * q->current);
	double hi = opt_num("--max", s->max, dflt_max, &st, err);
	if (st != RS_OK)
		return st;
	q->jmin = lo <= q->base ? 0 : (long)ceil((lo - q->base) / q->step - SIZE_GRID_SLACK);
	q->jmax = hi < q->base ? -1 : (long)floor((hi - q->base) / q->step + SIZE_GRID_SLACK);
	if (q->jmax < q->jmin)
		return rs_fail(err, RS_ERR_USAGE,
		               "--param %s: no valid value between --min %g and "
		               "--max %g (valid values: %g, %g, %g, ...)",
		               s->param, lo, hi, q->base, q->base + q->step, q->base + 2 * q->step);
	if (q->jmax - q->jmin > RS_SIZE_MAX_VALUES)
		return rs_fail(err, RS_ERR_USAGE,
		               "--param %s: more than %d valid values between --min "
		               "and --max",
		               s->param, RS_SIZE_MAX_VALUES);
	return RS_OK;
}

static double value_of(const search *q, long j)
{
	return q->base + (double)j * q->step;
}

/* The assignments that set the parameter to v, appended to sets. */
static rs_status param_sets(const rs_size_setup *s, const rs_config *cfg, const search *q, double v,
                            char **owned, size_t *n_owned, rs_error *err)
{
	char buf[SIZE_TEXT_MAX];
	*n_owned = 0;
	if (q->kind != P_REPLICAS) {
		snprintf(buf, sizeof buf, "%s=%.15g", s->param, v);
		owned[(*n_owned)++] = strdup(buf);
		return owned[0] ? RS_OK : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	cJSON *doc = cJSON_Parse(cfg->effective_json);
	cJSON *deps = cJSON_GetObjectItemCaseSensitive(doc, "deployments");
	cJSON *router =
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "routers"), (int)q->index);
	cJSON *backends = cJSON_GetObjectItemCaseSensitive(router, "backends");
	const cJSON *first = cJSON_GetArrayItem(backends, 0);
	const cJSON *first_target = cJSON_GetObjectItemCaseSensitive(first, "target");
	const cJSON *dep = NULL;
	for (const cJSON *d = deps ? deps->child : NULL; d && cJSON_IsString(first_target);
	     d = d->next) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(d, "name");
		if (cJSON_IsString(name) && !strcmp(name->valuestring, first_target->valuestring))
			dep = d;
	}
	rs_status st = RS_OK;
	if (!dep) {
		st = rs_fail(err, RS_ERR_USAGE,
		             "--param %s: the router's first backend is not a "
		             "deployment",
		             s->param);
		goto out;
	}
	for (long k = 2; k <= (long)v; k++) {
		cJSON *copy = cJSON_Duplicate(dep, true);
		cJSON *bcopy = cJSON_Duplicate(first, true);
		const cJSON *sub = cJSON_GetObjectItemCaseSensitive(dep, "subscription");
		snprintf(buf, sizeof buf, "%s" SIZE_REPLICA_NAME "%ld", first_target->valuestring,
		         k);
		cJSON_ReplaceItemInObjectCaseSensitive(copy, "name", cJSON_CreateString(buf));
		cJSON_ReplaceItemInObjectCaseSensitive(bcopy, "target", cJSON_CreateString(buf));
		snprintf(buf, sizeof buf, "%s" SIZE_REPLICA_NAME "%ld",
		         cJSON_IsString(sub) ? sub->valuestring : "default", k);
		cJSON_DeleteItemFromObjectCaseSensitive(copy, "subscription");
		cJSON_AddStringToObject(copy, "subscription", buf);
		cJSON_AddItemToArray(deps, copy);
		cJSON_AddItemToArray(backends, bcopy);
	}
	char *dtext = cJSON_PrintUnformatted(deps), *btext = cJSON_PrintUnformatted(backends);
	size_t dl = dtext ? strlen(dtext) + 16 : 0, bl = btext ? strlen(btext) + 64 : 0;
	owned[0] = dtext ? malloc(dl) : NULL;
	owned[1] = btext ? malloc(bl) : NULL;
	if (owned[0] && owned[1]) {
		snprintf(owned[0], dl, "deployments=%s", dtext);
		snprintf(owned[1], bl, "routers[%ld].backends=%s", q->index, btext);
		*n_owned = 2;
	} else {
		free(owned[0]);
		free(owned[1]);
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	free(dtext);
	free(btext);
out:
	cJSON_Delete(doc);
	return st;
}

/* ---- the search ------------------------------------------------------------------------ */

typedef struct sizer {
	const rs_size_setup *s;
	const rs_decide_opts *o;
	rs_config *cfg;
	search q;
	target t[RS_SIZE_MAX_TARGETS];
	rs_plan p;
	bool first_round;
	double last; /* the value run (or emitted) last */
} sizer;

static void label_of(double v, char *buf, size_t len)
{
	snprintf(buf, len, SIZE_LABEL_PREFIX "%.15g", v);
}

static long group_of(const rs_plan *p, const char *label)
{
	for (size_t g = 0; g < p->n_groups; g++)
		if (!strcmp(p->groups[g].label, label))
			return (long)g;
	return -1;
}

/* Run (or emit) value v.  OUT: *g its group, *emitted. */
static rs_status run_value(sizer *z, double v, size_t *g, bool *emitted, rs_error *err)
{
	char label[64];
	label_of(v, label, sizeof label);
	z->last = v;
	long at = group_of(&z->p, label);
	rs_status st = RS_OK;
	*emitted = false;
	if (at < 0) {
		char *owned[2] = {0};
		size_t n_owned = 0;
		const char *sets[SIZE_MAX_SETS];
		size_t n = 0;
		for (size_t i = 0; i < z->s->n_sets && n < SIZE_MAX_SETS - 2; i++)
			sets[n++] = z->s->sets[i];
		st = param_sets(z->s, z->cfg, &z->q, v, owned, &n_owned, err);
		for (size_t i = 0; st == RS_OK && i < n_owned; i++)
			sets[n++] = owned[i];
		/* the value must load before it runs */
		rs_config *check = NULL;
		if (st == RS_OK)
			st = rs_scenario_load(z->s->file, sets, n, &check, err);
		rs_config_free(check);
		if (st == RS_OK)
			st = rs_plan_add_group(&z->p, label, z->s->file, sets, n, err);
		for (size_t i = 0; i < n_owned; i++)
			free(owned[i]);
		if (st != RS_OK)
			return st;
		at = (long)z->p.n_groups - 1;
	}
	*g = (size_t)at;
	bool *done = rs_decide_done(&z->p);
	if (!done)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	bool complete = true;
	for (size_t k = 0; k < z->p.replications; k++)
		complete = complete && done[*g * z->p.replications + k];
	free(done);
	if (complete && !z->first_round)
		return rs_plan_write(&z->p, err);
	st = rs_decide_execute(&z->p, z->o, z->s->force && z->first_round, emitted, err);
	z->first_round = false;
	return st;
}

/* Whether group g meets every target. */
static rs_status evaluate(sizer *z, size_t g, bool *ok, rs_error *err)
{
	rs_fig_table t;
	rs_status st = rs_fig_table_load(&z->p, &t, err);
	if (st != RS_OK)
		return st;
	*ok = true;
	for (size_t k = 0; k < z->s->n_targets; k++) {
		long f = rs_fig_find(&t, z->t[k].figure, NULL);
		rs_stats s = {0, NAN, NAN, NAN, NAN, NAN};
		if (f >= 0)
			rs_fig_group_stats(&t, &z->p, g, (size_t)f, &s);
		double edge;
		*ok = *ok && meets(&z->t[k], &s, &edge);
	}
	rs_fig_table_free(&t);
	return RS_OK;
}

static rs_status make_plan(sizer *z, rs_error *err)
{
	const rs_size_setup *s = z->s;
	char dirbuf[SIZE_TEXT_MAX];
	snprintf(dirbuf, sizeof dirbuf, SIZE_RESULTS "/%s" SIZE_DIR_SUFFIX, z->cfg->name);
	for (char *c = dirbuf + strlen(SIZE_RESULTS) + 1; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
		            *c))
			*c = '_';
	z->p.kind = strdup("size");
	z->p.dir = strdup(s->dir ? s->dir : dirbuf);
	z->p.base_seed = s->seed_text ? strtoull(s->seed_text, NULL, 10) : z->cfg->seed;
	z->p.replications = s->replications ? s->replications : RS_SIZE_DEFAULT_REPLICATIONS;
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "param", s->param);
	cJSON_AddStringToObject(x, "kind", kind_names[z->q.kind]);
	cJSON_AddStringToObject(x, "scenario", z->cfg->name);
	cJSON *tg = cJSON_AddArrayToObject(x, "targets");
	for (size_t k = 0; tg && k < s->n_targets; k++)
		cJSON_AddItemToArray(tg, cJSON_CreateString(s->targets[k]));
	cJSON_AddNumberToObject(x, "base", z->q.base);
	cJSON_AddNumberToObject(x, "step", z->q.step);
	cJSON_AddNumberToObject(x, "min", value_of(&z->q, z->q.jmin));
	cJSON_AddNumberToObject(x, "max", value_of(&z->q, z->q.jmax));
	if (z->q.kind == P_PTU) {
		char path[SIZE_TEXT_MAX];
		snprintf(path, sizeof path, "deployments[%ld].provisioned.sizing.ptu_needed",
		         z->q.index);
		cJSON_AddStringToObject(x, "formula", path);
	}
	z->p.extra_json = cJSON_PrintUnformatted(x);
	cJSON_Delete(x);
	if (!z->p.kind || !z->p.dir || !z->p.extra_json)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	return RS_OK;
}

rs_status rs_size_search(const rs_size_setup *s, const rs_decide_opts *o, bool *emitted,
                         rs_decide_result *res, rs_error *err)
{
	*emitted = false;
	*res = (rs_decide_result){0};
	sizer z = {.s = s, .o = o, .first_round = true};
	if (s->n_targets > RS_SIZE_MAX_TARGETS)
		return rs_fail(err, RS_ERR_USAGE, "at most %d --target", RS_SIZE_MAX_TARGETS);
	rs_status st = RS_OK;
	for (size_t k = 0; k < s->n_targets && st == RS_OK; k++)
		st = parse_target(s->targets[k], &z.t[k], err);
	if (st == RS_OK)
		st = rs_scenario_load(s->file, s->sets, s->n_sets, &z.cfg, err);
	for (size_t k = 0; k < s->n_targets && st == RS_OK; k++) {
		const char *f = z.t[k].figure;
		char what[SIZE_TEXT_MAX];
		snprintf(what, sizeof what, "--target %s", s->targets[k]);
		st = rs_decide_check_figures(z.cfg, &f, 1, what, err);
	}
	if (st == RS_OK)
		st = classify(s, z.cfg, &z.q, err);
	if (st == RS_OK)
		st = make_plan(&z, err);
	long lo = z.q.jmin, hi = z.q.jmax;
	size_t g = 0;
	bool ok = false;
	/* the top of the range first: if it fails, nothing below will do */
	if (st == RS_OK)
		st = run_value(&z, value_of(&z.q, hi), &g, emitted, err);
	if (st == RS_OK && !*emitted)
		st = evaluate(&z, g, &ok, err);
	if (st == RS_OK && !*emitted && !ok)
		st = rs_fail(err, RS_ERR_INVALID,
		             "%s: the targets are not met even at --max (%s = %g) with 95%% "
		             "confidence; raise --max, or see %s/size.csv",
		             s->file, s->param, value_of(&z.q, hi), z.p.dir);
	if (st == RS_OK && !*emitted && lo < hi) {
		st = run_value(&z, value_of(&z.q, lo), &g, emitted, err);
		if (st == RS_OK && !*emitted)
			st = evaluate(&z, g, &ok, err);
		if (st == RS_OK && !*emitted && ok)
			hi = lo;
	}
	while (st == RS_OK && !*emitted && hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;
		st = run_value(&z, value_of(&z.q, mid), &g, emitted, err);
		if (st == RS_OK && !*emitted)
			st = evaluate(&z, g, &ok, err);
		if (st == RS_OK && !*emitted) {
			if (ok)
				hi = mid;
			else
				lo = mid;
		}
	}
	rs_error cerr = {0};
	if (*emitted) {
		rs_text_buf b = {0};
		rs_text_printf(
		    &b,
		    "ratesim: size round %zu: the jobs of %s = %g are in %s (and %s/%s); "
		    "run them, then run this same command again to go on (or `ratesim "
		    "collect %s` to see the values so far)\n",
		    z.p.n_groups, s->param, z.last, o->emit_jobs, z.p.dir, RS_PLAN_SBATCH, z.p.dir);
		res->text = b.s;
	} else if (st == RS_OK || (st == RS_ERR_INVALID && z.p.n_groups > 0)) {
		/* the conclusions also when --max fails: size.csv shows why */
		rs_decide_result r2 = {0};
		rs_fig_table t;
		rs_status cs = rs_fig_table_load(&z.p, &t, &cerr);
		if (cs == RS_OK) {
			cs = rs_size_conclude(&t, &z.p, o, &r2, &cerr);
			rs_fig_table_free(&t);
		}
		if (st == RS_OK && cs != RS_OK)
			st = cs, *err = cerr;
		if (st == RS_OK) {
			*res = r2;
		} else {
			rs_decide_result_free(&r2);
		}
	}
	rs_plan_free(&z.p);
	rs_config_free(z.cfg);
	return st;
}

/* ---- conclusions ------------------------------------------------------------------------ */

typedef struct size_view {
	cJSON *doc;
	const char *param, *scenario, *formula;
	double base, step, min, max;
	target t[RS_SIZE_MAX_TARGETS];
	size_t n_targets;
	size_t *order; /* groups by value */
	double *value;
	bool *ok;
	double *edge; /* n_groups x n_targets */
	rs_stats *st; /* n_groups x n_targets */
	long answer;  /* group, or -1 */
} size_view;

static int by_value_ctx_cmp(const void *a, const void *b, const double *v)
{
	double x = v[*(const size_t *)a], y = v[*(const size_t *)b];
	return (x > y) - (x < y);
}

static const double *sort_values; /* qsort has no context argument in C11 */
static int by_value(const void *a, const void *b)
{
	return by_value_ctx_cmp(a, b, sort_values);
}

static void view_free(size_view *v)
{
	cJSON_Delete(v->doc);
	free(v->order);
	free(v->value);
	free(v->ok);
	free(v->edge);
	free(v->st);
}

static double num_of(const cJSON *doc, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(doc, key);
	return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

static rs_status view_read(const rs_fig_table *t, const rs_plan *p, size_view *v, rs_error *err)
{
	size_t n = p->n_groups;
	v->doc = cJSON_Parse(p->extra_json ? p->extra_json : "{}");
	const cJSON *param = cJSON_GetObjectItemCaseSensitive(v->doc, "param");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(v->doc, "scenario");
	const cJSON *tg = cJSON_GetObjectItemCaseSensitive(v->doc, "targets");
	const cJSON *fo = cJSON_GetObjectItemCaseSensitive(v->doc, "formula");
	if (!cJSON_IsString(param) || !cJSON_IsArray(tg) || cJSON_GetArraySize(tg) < 1 ||
	    cJSON_GetArraySize(tg) > RS_SIZE_MAX_TARGETS)
		return rs_fail(err, RS_ERR_SYNTAX, "%s/%s: .extra: not a sizing search's", p->dir,
		               RS_PLAN_FILE);
	v->param = param->valuestring;
	v->scenario = cJSON_IsString(name) ? name->valuestring : "size";
	v->formula = cJSON_IsString(fo) ? fo->valuestring : NULL;
	v->base = num_of(v->doc, "base");
	v->step = num_of(v->doc, "step");
	v->min = num_of(v->doc, "min");
	v->max = num_of(v->doc, "max");
	for (const cJSON *e = tg->child; e; e = e->next) {
		if (!cJSON_IsString(e))
			return rs_fail(err, RS_ERR_SYNTAX, "%s/%s: .extra.targets: not strings",
			               p->dir, RS_PLAN_FILE);
		rs_status st = parse_target(e->valuestring, &v->t[v->n_targets++], err);
		if (st != RS_OK)
			return st;
	}
	v->order = rs_calloc(n, sizeof *v->order);
	v->value = rs_calloc(n, sizeof *v->value);
	v->ok = rs_calloc(n, sizeof *v->ok);
	v->edge = rs_calloc(n * v->n_targets, sizeof *v->edge);
	v->st = rs_calloc(n * v->n_targets, sizeof *v->st);
	if (!v->order || !v->value || !v->ok || !v->edge || !v->st)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	for (size_t g = 0; g < n; g++) {
		v->order[g] = g;
		v->value[g] = strtod(p->groups[g].label + strlen(SIZE_LABEL_PREFIX), NULL);
		v->ok[g] = true;
		for (size_t k = 0; k < v->n_targets; k++) {
			rs_stats *s = &v->st[g * v->n_targets + k];
			*s = (rs_stats){0, NAN, NAN, NAN, NAN, NAN};
			long f = rs_fig_find(t, v->t[k].figure, NULL);
			if (f >= 0)
				rs_fig_group_stats(t, p, g, (size_t)f, s);
			v->ok[g] = meets(&v->t[k], s, &v->edge[g * v->n_targets + k]) && v->ok[g];
		}
	}
	sort_values = v->value;
	qsort(v->order, n, sizeof *v->order, by_value);
	/* the answer: the smallest value that meets, with its next smaller
	 * valid value tried and failing, or at the bottom of the range */
	v->answer = -1;
	for (size_t i = 0; i < n && v->answer < 0; i++) {
		size_t g = v->order[i];
		if (!v->ok[g])
			continue;
		bool bottom = v->value[g] <= v->min + SIZE_GRID_SLACK * v->step;
		bool below_fails = i > 0 && !v->ok[v->order[i - 1]] &&
		                   fabs(v->value[v->order[i - 1]] - (v->value[g] - v->step)) <
		                       SIZE_GRID_SLACK * v->step + 1e-12;
		if (bottom || below_fails)
			v->answer = (long)g;
		else
			break; /* the search is not finished below this value */
	}
	return RS_OK;
}

static rs_status write_csv(const rs_plan *p, const size_view *v, rs_error *err)
{
	char *path = rs_text_join(p->dir, "size.csv");
	rs_text_out o = {0};
	rs_status st =
	    path ? rs_text_open(&o, path, err) : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	free(path);
	if (st != RS_OK)
		return st;
	fputs("value,n", o.f);
	for (size_t k = 0; k < v->n_targets; k++) {
		fputs(",", o.f);
		rs_text_put_csv(o.f, v->t[k].text);
		fputs("_mean,", o.f);
		rs_text_put_csv(o.f, v->t[k].text);
		fputs("_ci95,", o.f);
		rs_text_put_csv(o.f, v->t[k].text);
		fputs("_bound_used,", o.f);
		rs_text_put_csv(o.f, v->t[k].text);
		fputs("_met", o.f);
	}
	fputs(",all_met,answer\n", o.f);
	for (size_t i = 0; i < p->n_groups; i++) {
		size_t g = v->order[i];
		fprintf(o.f, "%.15g,%zu", v->value[g], p->replications);
		for (size_t k = 0; k < v->n_targets; k++) {
			const rs_stats *s = &v->st[g * v->n_targets + k];
			fputc(',', o.f);
			rs_text_put_num(o.f, s->mean);
			fputc(',', o.f);
			rs_text_put_num(o.f, s->ci95);
			fputc(',', o.f);
			rs_text_put_num(o.f, v->edge[g * v->n_targets + k]);
			double e;
			fprintf(o.f, ",%s", meets(&v->t[k], s, &e) ? "yes" : "no");
		}
		fprintf(o.f, ",%s,%s\n", v->ok[g] ? "yes" : "no",
		        (long)g == v->answer ? "yes" : "");
	}
	return rs_text_close(&o, err);
}

/* Mean of figure path in group g (NaN when absent). */
static void group_fig(const rs_fig_table *t, const rs_plan *p, size_t g, const char *path,
                      rs_stats *s)
{
	long f = path ? rs_fig_find(t, path, NULL) : -1;
	*s = (rs_stats){0, NAN, NAN, NAN, NAN, NAN};
	if (f >= 0)
		rs_fig_group_stats(t, p, g, (size_t)f, s);
}

static void answer_text(const rs_fig_table *t, const rs_plan *p, const size_view *v, rs_text_buf *b)
{
	size_t ref = v->answer >= 0 ? (size_t)v->answer : (p->n_groups ? v->order[0] : 0);
	rs_stats form = {0, NAN, NAN, NAN, NAN, NAN}, peak = form, cost = form;
	if (p->n_groups) {
		group_fig(t, p, ref, v->formula, &form);
		char peak_path[SIZE_TEXT_MAX];
		snprintf(peak_path, sizeof peak_path, "%s_peak_minute",
		         v->formula ? v->formula : "");
		group_fig(t, p, ref, v->formula ? peak_path : NULL, &peak);
		group_fig(t, p, ref, "cost.total_usd", &cost);
	}
	if (isfinite(form.mean))
		rs_text_printf(
		    b,
		    "The average-based sizing formula says %.0f (for the mean load; %.0f "
		    "for the busiest minute). ",
		    form.mean, peak.mean);
	rs_text_printf(b, "The targets (");
	for (size_t k = 0; k < v->n_targets; k++)
		rs_text_printf(b, "%s%s", k ? ", " : "", v->t[k].text);
	rs_text_printf(b,
	               ") are judged on the far end of the 95%% interval over %zu replications. ",
	               p->replications);
	if (v->answer < 0) {
		rs_text_printf(b, "No answer yet: the search has not run a value that meets every "
		                  "target next to one that does not (see size.csv).");
		return;
	}
	double a = v->value[v->answer];
	rs_text_printf(b, "The simulation needs %s = %g", v->param, a);
	if (a > v->min + SIZE_GRID_SLACK * v->step)
		rs_text_printf(b, " (%g does not meet them)", a - v->step);
	else
		rs_text_printf(b, " (the lowest value searched)");
	if (isfinite(cost.mean))
		rs_text_printf(b, ", at a cost of %.2f USD +- %.2f for the simulated period",
		               cost.mean, isfinite(cost.ci95) ? cost.ci95 : 0);
	rs_text_printf(b, ".");
}

rs_status rs_size_conclude(const rs_fig_table *t, const rs_plan *p, const rs_decide_opts *o,
                           rs_decide_result *res, rs_error *err)
{
	size_view v = {0};
	rs_status st = view_read(t, p, &v, err);
	if (st == RS_OK)
		st = write_csv(p, &v, err);
	if (st != RS_OK) {
		view_free(&v);
		return st;
	}
	char title[SIZE_TEXT_MAX];
	snprintf(title, sizeof title, "Sizing %s: %s", v.scenario, v.param);
	rs_doc *d = rs_doc_new(p->dir, title);
	rs_text_buf ans = {0};
	answer_text(t, p, &v, &ans);
	if (!d || ans.nomem) {
		rs_doc_free(d);
		free(ans.s);
		view_free(&v);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	rs_doc_para(d, ans.s ? ans.s : "");
	rs_text_buf how = {0};
	rs_text_printf(&how,
	               "Written by ratesim %s. Valid values: %g, then steps of %g, searched from "
	               "%g to %g; each value ran %zu times with the seeds of base seed %llu "
	               "(plan.json). Every value tried is in size.csv; its runs are in v-VALUE/.",
	               RATESIM_VERSION, v.base, v.step, v.min, v.max, p->replications,
	               (unsigned long long)p->base_seed);
	rs_doc_para(d, how.s ? how.s : "");
	free(how.s);
	rs_doc_h2(d, "Values tried");
	size_t cols = 2 + v.n_targets;
	const char *cells[2 + RS_SIZE_MAX_TARGETS];
	char txt[RS_SIZE_MAX_TARGETS][SIZE_TEXT_MAX / 4], val[64];
	cells[0] = v.param;
	for (size_t k = 0; k < v.n_targets; k++)
		cells[1 + k] = v.t[k].text;
	cells[1 + v.n_targets] = "meets all";
	rs_doc_table(d, cells, cols);
	for (size_t i = 0; i < p->n_groups; i++) {
		size_t g = v.order[i];
		snprintf(val, sizeof val, "%g%s", v.value[g],
		         (long)g == v.answer ? " (answer)" : "");
		cells[0] = val;
		for (size_t k = 0; k < v.n_targets; k++) {
			const rs_stats *s = &v.st[g * v.n_targets + k];
			snprintf(txt[k], sizeof txt[k], "%.4g +- %.2g", s->mean,
			         isfinite(s->ci95) ? s->ci95 : 0);
			cells[1 + k] = txt[k];
		}
		cells[1 + v.n_targets] = v.ok[g] ? "yes" : "no";
		rs_doc_row(d, cells, cols);
	}
	rs_doc_table_end(d);
	rs_doc_h2(d, "Charts");
	double *xs = rs_calloc(p->n_groups ? p->n_groups : 1, sizeof *xs);
	double *ms = rs_calloc(p->n_groups ? p->n_groups : 1, sizeof *ms);
	double *hs = rs_calloc(p->n_groups ? p->n_groups : 1, sizeof *hs);
	if (!xs || !ms || !hs)
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	rs_stats form = {0, NAN, NAN, NAN, NAN, NAN};
	if (st == RS_OK && p->n_groups)
		group_fig(t, p, v.answer >= 0 ? (size_t)v.answer : v.order[0], v.formula, &form);
	for (size_t k = 0; st == RS_OK && o->charts && k < v.n_targets; k++) {
		for (size_t i = 0; i < p->n_groups; i++) {
			size_t g = v.order[i];
			xs[i] = v.value[g];
			ms[i] = v.st[g * v.n_targets + k].mean;
			hs[i] = v.st[g * v.n_targets + k].ci95;
		}
		rs_dchart_size_in in = {.dir = p->dir,
		                        .title = v.scenario,
		                        .figure = v.t[k].figure,
		                        .target = v.t[k].text,
		                        .xlabel = v.param,
		                        .k = k,
		                        .n = p->n_groups,
		                        .n_rep = p->replications,
		                        .value = xs,
		                        .mean = ms,
		                        .hw = hs,
		                        .threshold = v.t[k].bound,
		                        .answer = v.answer >= 0 ? v.value[v.answer] : NAN,
		                        .formula = form.mean};
		st = rs_dchart_size(&in, res->warning, sizeof res->warning, err);
		char name[32], cap[SIZE_TEXT_MAX];
		snprintf(name, sizeof name, "size_%zu", k + 1);
		snprintf(cap, sizeof cap,
		         "%s at each value tried (mean, 95%% interval), the target's "
		         "bound, the answer and the formula's answer.",
		         v.t[k].figure);
		if (st == RS_OK)
			rs_doc_figure(d, name, cap);
	}
	free(xs);
	free(ms);
	free(hs);
	if (st == RS_OK)
		st = rs_doc_write(d, "report", err);
	rs_doc_free(d);
	if (st == RS_OK) {
		rs_text_buf b = {0};
		rs_text_printf(&b, "ratesim: %s\nratesim: results in %s/ (size.csv, report.html)\n",
		               ans.s ? ans.s : "", p->dir);
		res->text = b.s;
		if (b.nomem)
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	free(ans.s);
	view_free(&v);
	return st;
}
