/*
 * scenario.c - the scenario loader: JSON text -> a checked rs_config.
 *
 * Steps, each of which can stop the load with one message:
 *   1. parse with cJSON; on a syntax error, locate it (line:col) and guess
 *      what was expected with a small scanner (json_locate);
 *   2. reject duplicate keys anywhere in the tree (cJSON keeps both);
 *   3. apply the --set overrides (overrides.c) to the tree;
 *   4. walk the tree top-down, object by object: models, quotas,
 *      deployments, routers, clients, faults, network, pricing, in that
 *      order, so that every name a later object uses is already known.
 *
 * Step 4 is table-driven: each kind of object has one table of sc_key rows
 * (name, which variants use it, required or not).  The same table answers
 * "is this key known?" (else: the nearest known key is suggested), "is it
 * used by this variant?" (a `tpm` on a provisioned deployment is an error)
 * and "is a required key missing?".  Adding a key is adding a row here, a
 * property in scenarios/schema.json and a line in scenarios/README.md.
 *
 * Two things are expanded here rather than left to the run: a retry
 * `preset` becomes the full policy it names (retry_presets, with sources),
 * and a `daily` arrival becomes a Poisson arrival with a ramped schedule
 * (daily_schedule), so the rest of the program sees only plain values.
 *
 * Invariants: the config is built with calloc and owns everything it points
 * to, so a load that fails half-way frees it with rs_config_free; the JSON
 * tree is freed before returning; nothing here prints, reads the
 * environment or keeps state between calls.
 *
 * Cost: O(size of the file) for the walk, O(k^2) per object of k keys for
 * the duplicate check, O(d^2) in the number of deployments and routers for
 * names and quota pools, O(routers + backends) for the router cycle check,
 * and O(duration / (86400 / points_per_day)) points for a daily arrival.
 * Scenarios are small; none of this shows in a run.
 */
#include "ratesim/scenario.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/models.h"
#include "ratesim/overrides.h"

/* ---- implementation constants --------------------------------------------- */

/* A daily arrival's period, and the fewest points per day that still show a
 * peak and a trough (two points would sample the cosine at both extremes
 * only when the peak falls on one of them). */
#define SC_DAY_S            86400.0
#define SC_DAILY_MIN_POINTS 4
/* A schedule longer than this is refused (a daily arrival over years at a
 * point a minute): it would cost memory for no visible difference. */
#define SC_SCHEDULE_MAX_POINTS 1000000

/* The two RPM evaluation windows of the standard meter (MODEL.md section 4). */
#define SC_RPM_WINDOW_SHORT_S 1
#define SC_RPM_WINDOW_LONG_S  10

/* Longest JSON path kept for a message. */
#define SC_PATH_MAX 512
/* Room for a list of names inside a message (the message is cut at RS_ERROR_MAX). */
#define SC_LIST_MAX 768
/* The largest whole number a JSON number (an IEEE double) holds exactly: 2^53. */
#define SC_MAX_WHOLE 9007199254740992.0
/* Keys longer than this are not compared for a suggestion. */
#define SC_SUGGEST_MAX_LEN 64
/* A wrong string value is quoted in a message up to this many bytes. */
#define SC_SHOW_STRING_MAX 40
/* The UTF-8 byte order mark some editors write; skipped before parsing. */
#define SC_UTF8_BOM "\xEF\xBB\xBF"
#define SC_STR_(x)  #x
#define SC_STR(x)   SC_STR_(x)
/* Read buffer growth for rs_scenario_load. */
#define SC_READ_CHUNK 65536

/* ---- context, messages --------------------------------------------------- */

typedef struct sc {
	const char *file;     /* display name, for messages */
	const char *base_dir; /* folder of relative trace paths, or NULL */
	rs_error *err;
	rs_config *cfg; /* being built */
} sc;

/* "FILE: PATH: message" (RS_ERR_INVALID); path NULL or "" gives "FILE: message". */
static rs_status sc_invalid(sc *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static rs_status sc_invalid(sc *c, const char *path, const char *fmt, ...)
{
	char msg[RS_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (path && *path)
		return rs_fail(c->err, RS_ERR_INVALID, "%s: %s: %s", c->file, path, msg);
	return rs_fail(c->err, RS_ERR_INVALID, "%s: %s", c->file, msg);
}

static rs_status sc_nomem(sc *c)
{
	return rs_fail(c->err, RS_ERR_NOMEM, "%s: out of memory", c->file);
}

/* The shortest text that reads back as v ("-3", "2.5", "0.1"). */
static void fmt_num(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, size, "%.17g", v);
}

/* What a value is, for "(got ...)": `string "ten"`, `number 5`, `true`,
 * `null`, `an object`, `an array`. */
static void describe(char *buf, size_t size, const cJSON *v)
{
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		size_t n = strlen(s);
		bool cut = n > SC_SHOW_STRING_MAX;
		if (cut) {
			n = SC_SHOW_STRING_MAX;
			while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
				n--; /* do not split a UTF-8 sequence */
		}
		snprintf(buf, size, "string \"%.*s%s\"", (int)n, s, cut ? "..." : "");
	} else if (cJSON_IsNumber(v)) {
		char num[32];
		fmt_num(num, sizeof num, v->valuedouble);
		snprintf(buf, size, "number %s", num);
	} else if (cJSON_IsTrue(v)) {
		snprintf(buf, size, "true");
	} else if (cJSON_IsFalse(v)) {
		snprintf(buf, size, "false");
	} else if (cJSON_IsNull(v)) {
		snprintf(buf, size, "null");
	} else if (cJSON_IsArray(v)) {
		snprintf(buf, size, "an array");
	} else {
		snprintf(buf, size, "an object");
	}
}

static rs_status wrong_type(sc *c, const char *path, const char *want, const cJSON *v)
{
	char got[SC_SHOW_STRING_MAX + 32];
	describe(got, sizeof got, v);
	return sc_invalid(c, path, "must be %s (got %s)", want, got);
}

/* Append sep and item (item alone to an empty buffer), cutting at the
 * buffer's end. */
static void list_add_sep(char *buf, size_t size, const char *sep, const char *item)
{
	size_t len = strlen(buf);
	const char *parts[2] = {len ? sep : "", item};
	for (int k = 0; k < 2; k++) {
		for (const char *s = parts[k]; *s && len + 1 < size; s++)
			buf[len++] = *s;
	}
	buf[len] = '\0';
}

/* Append ", item" (or "item" to an empty list). */
static void list_add(char *buf, size_t size, const char *item)
{
	list_add_sep(buf, size, ", ", item);
}

static void child_key(char *out, const char *parent, const char *key)
{
	snprintf(out, SC_PATH_MAX, "%s", parent);
	rs_overrides_path_key(out, SC_PATH_MAX, key);
}

static void child_index(char *out, const char *parent, size_t i)
{
	snprintf(out, SC_PATH_MAX, "%s", parent);
	rs_overrides_path_index(out, SC_PATH_MAX, i);
}

static char *sc_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* ---- suggestions --------------------------------------------------------- */

/* Edit distance (insertions, deletions, substitutions of bytes); both strings
 * at most SC_SUGGEST_MAX_LEN bytes. */
static size_t levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[SC_SUGGEST_MAX_LEN + 1];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The candidate nearest to `word`, when it is near enough to be a likely
 * typo: distance <= max(2, strlen(word) / 3).  NULL otherwise. */
static const char *nearest(const char *word, const char *const *cands, size_t n)
{
	size_t lw = strlen(word);
	if (lw > SC_SUGGEST_MAX_LEN)
		return NULL;
	size_t limit = lw / 3 > 2 ? lw / 3 : 2;
	const char *best = NULL;
	size_t best_d = limit + 1;
	for (size_t i = 0; i < n; i++) {
		if (strlen(cands[i]) > SC_SUGGEST_MAX_LEN)
			continue;
		size_t d = levenshtein(word, cands[i]);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	return best;
}

/* ---- key tables ---------------------------------------------------------- */

/* The key every object accepts and ignores, so that authors can annotate. */
#define SC_COMMENT_KEY "comment"

typedef struct sc_key {
	const char *name;
	unsigned groups;  /* the variants (bit set) that use this key; 0: every variant */
	bool required;    /* required whenever its variant is in use */
	const char *hint; /* said when the key is used by the wrong variant, or NULL */
} sc_key;

/* A table of rows whose first member is an sc_key (stride: the row size). */
typedef struct sc_keys {
	const void *rows;
	size_t n;
	size_t stride;
} sc_keys;

#define SC_KEYS(t) ((sc_keys){(t), sizeof(t) / sizeof((t)[0]), sizeof((t)[0])})

static const sc_key *key_at(sc_keys ks, size_t i)
{
	return (const sc_key *)(const void *)((const char *)ks.rows + i * ks.stride);
}

static const sc_key *key_find(sc_keys ks, const char *name)
{
	for (size_t i = 0; i < ks.n; i++) {
		if (strcmp(key_at(ks, i)->name, name) == 0)
			return key_at(ks, i);
	}
	return NULL;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static rs_status unknown_key(sc *c, const char *path, const char *key, sc_keys ks)
{
	const char *cands[64];
	size_t n = 0;
	char list[SC_LIST_MAX] = "";
	for (size_t i = 0; i < ks.n && n + 1 < sizeof cands / sizeof cands[0]; i++) {
		const char *name = key_at(ks, i)->name;
		cands[n++] = name;
		if (name[0] != '$')
			list_add(list, sizeof list, name);
	}
	cands[n++] = SC_COMMENT_KEY;
	const char *near = nearest(key, cands, n);
	if (near)
		return sc_invalid(c, path, "unknown key; did you mean \"%s\"?", near);
	return sc_invalid(c, path, "unknown key (expected one of: %s)", list);
}

/* Every key of obj is in the table (or is a string "comment"), and every key
 * required by all variants is there. */
static rs_status keys_known(sc *c, const cJSON *obj, const char *path, sc_keys ks)
{
	char kp[SC_PATH_MAX];
	for (const cJSON *m = obj->child; m; m = m->next) {
		child_key(kp, path, m->string);
		if (strcmp(m->string, SC_COMMENT_KEY) == 0) {
			if (!cJSON_IsString(m))
				return wrong_type(c, kp, "a string", m);
			continue;
		}
		if (!key_find(ks, m->string))
			return unknown_key(c, kp, m->string, ks);
	}
	for (size_t i = 0; i < ks.n; i++) {
		const sc_key *k = key_at(ks, i);
		if (k->required && !k->groups && !member(obj, k->name)) {
			child_key(kp, path, k->name);
			return sc_invalid(c, kp, "required key is missing");
		}
	}
	return RS_OK;
}

/* Once the variant is known (the value `dvalue` of the discriminator key
 * `dkey`; its bit `group`): no key of another variant is present, and every
 * key the variant requires is. */
static rs_status keys_variant(sc *c, const cJSON *obj, const char *path, sc_keys ks, unsigned group,
                              const char *dkey, const char *dvalue)
{
	char kp[SC_PATH_MAX];
	for (const cJSON *m = obj->child; m; m = m->next) {
		const sc_key *k = key_find(ks, m->string);
		if (k && k->groups && !(k->groups & group)) {
			child_key(kp, path, m->string);
			return sc_invalid(c, kp, "not used when %s is \"%s\"%s%s", dkey, dvalue,
			                  k->hint ? "; " : "", k->hint ? k->hint : "");
		}
	}
	for (size_t i = 0; i < ks.n; i++) {
		const sc_key *k = key_at(ks, i);
		if (k->required && (k->groups & group) && !member(obj, k->name)) {
			child_key(kp, path, k->name);
			return sc_invalid(c, kp, "required key is missing");
		}
	}
	return RS_OK;
}

/* ---- typed values -------------------------------------------------------- */

typedef enum sc_rule {
	SC_ANY,    /* any finite number */
	SC_POS,    /* > 0 */
	SC_NONNEG, /* >= 0 */
	SC_GE1,    /* >= 1 */
	SC_UNIT,   /* 0..1 */
	SC_SHARE,  /* > 0 and <= 1: a factor that may shrink but not vanish */
} sc_rule;

/* Check a number against a rule; `whole` asks for an integer <= max.
 * path names the value. OUT: *out. */
static rs_status num_value(sc *c, const cJSON *v, const char *path, sc_rule rule, bool whole,
                           double max, double *out)
{
	if (!cJSON_IsNumber(v))
		return wrong_type(c, path, "a number", v);
	double x = v->valuedouble;
	char got[32];
	fmt_num(got, sizeof got, x);
	if (!isfinite(x))
		return sc_invalid(c, path, "must be a finite number (got %s)", got);
	switch (rule) {
	case SC_POS:
		if (!(x > 0))
			return sc_invalid(c, path, "must be > 0 (got %s)", got);
		break;
	case SC_NONNEG:
		if (!(x >= 0))
			return sc_invalid(c, path, "must be >= 0 (got %s)", got);
		break;
	case SC_GE1:
		if (!(x >= 1))
			return sc_invalid(c, path, "must be >= 1 (got %s)", got);
		break;
	case SC_UNIT:
		if (!(x >= 0 && x <= 1))
			return sc_invalid(c, path, "must be between 0 and 1 (got %s)", got);
		break;
	case SC_SHARE:
		if (!(x > 0 && x <= 1))
			return sc_invalid(c, path, "must be > 0 and <= 1 (got %s)", got);
		break;
	case SC_ANY:
		break;
	}
	if (whole) {
		if (x != floor(x))
			return sc_invalid(c, path, "must be a whole number (got %s)", got);
		if (x > max) {
			char lim[32];
			fmt_num(lim, sizeof lim, max);
			return sc_invalid(c, path, "must be at most %s (got %s)", lim, got);
		}
	}
	*out = x;
	return RS_OK;
}

/* obj.key as a number under `rule`; dflt when absent. OUT: *out. */
static rs_status get_num(sc *c, const cJSON *obj, const char *path, const char *key, sc_rule rule,
                         double dflt, double *out)
{
	const cJSON *v = member(obj, key);
	if (!v) {
		*out = dflt;
		return RS_OK;
	}
	char kp[SC_PATH_MAX];
	child_key(kp, path, key);
	return num_value(c, v, kp, rule, false, 0, out);
}

/* obj.key as a whole number <= max; dflt when absent. OUT: *out. */
static rs_status get_whole(sc *c, const cJSON *obj, const char *path, const char *key, sc_rule rule,
                           double max, int64_t dflt, int64_t *out)
{
	const cJSON *v = member(obj, key);
	if (!v) {
		*out = dflt;
		return RS_OK;
	}
	char kp[SC_PATH_MAX];
	child_key(kp, path, key);
	double x;
	rs_status st = num_value(c, v, kp, rule, true, max, &x);
	if (st == RS_OK)
		*out = (int64_t)x;
	return st;
}

static rs_status get_int(sc *c, const cJSON *obj, const char *path, const char *key, sc_rule rule,
                         int dflt, int *out)
{
	int64_t v;
	rs_status st = get_whole(c, obj, path, key, rule, (double)INT_MAX, dflt, &v);
	if (st == RS_OK)
		*out = (int)v;
	return st;
}

static rs_status get_bool(sc *c, const cJSON *obj, const char *path, const char *key, bool dflt,
                          bool *out)
{
	const cJSON *v = member(obj, key);
	if (!v) {
		*out = dflt;
		return RS_OK;
	}
	if (!cJSON_IsBool(v)) {
		char kp[SC_PATH_MAX];
		child_key(kp, path, key);
		return wrong_type(c, kp, "true or false", v);
	}
	*out = cJSON_IsTrue(v);
	return RS_OK;
}

/* obj.key as a string (borrowed from the tree); NULL when absent.
 * allow_empty false rejects "". OUT: *out. */
static rs_status get_str(sc *c, const cJSON *obj, const char *path, const char *key,
                         bool allow_empty, const char **out)
{
	const cJSON *v = member(obj, key);
	*out = NULL;
	if (!v)
		return RS_OK;
	char kp[SC_PATH_MAX];
	child_key(kp, path, key);
	if (!cJSON_IsString(v))
		return wrong_type(c, kp, "a string", v);
	if (!allow_empty && !*v->valuestring)
		return sc_invalid(c, kp, "must not be empty");
	*out = v->valuestring;
	return RS_OK;
}

/* obj.key as a new string (or a copy of dflt when absent; NULL when both
 * are absent). OUT: *out, owned by the caller. */
static rs_status get_owned(sc *c, const cJSON *obj, const char *path, const char *key,
                           bool allow_empty, const char *dflt, char **out)
{
	const char *s;
	rs_status st = get_str(c, obj, path, key, allow_empty, &s);
	if (st != RS_OK)
		return st;
	if (!s)
		s = dflt;
	if (!s)
		return RS_OK;
	*out = sc_strdup(s);
	return *out ? RS_OK : sc_nomem(c);
}

/* obj.key as one of names[0..n) (NULL entries skipped); dflt when absent.
 * OUT: *out the index. */
static rs_status get_enum(sc *c, const cJSON *obj, const char *path, const char *key,
                          const char *const *names, size_t n, int dflt, int *out)
{
	const char *s;
	rs_status st = get_str(c, obj, path, key, true, &s);
	if (st != RS_OK)
		return st;
	if (!s) {
		*out = dflt;
		return RS_OK;
	}
	char list[SC_LIST_MAX] = "";
	for (size_t i = 0; i < n; i++) {
		if (names[i] && strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return RS_OK;
		}
		if (names[i])
			list_add(list, sizeof list, names[i]);
	}
	char kp[SC_PATH_MAX], got[SC_SHOW_STRING_MAX + 32];
	child_key(kp, path, key);
	describe(got, sizeof got, member(obj, key));
	return sc_invalid(c, kp, "must be one of: %s (got %s)", list, got);
}

/* A key that only one value of another key (dkey) uses: when `used` is
 * false and obj has the key, say so, as keys_variant does for the variant
 * key of a table. */
static rs_status key_unused(sc *c, const cJSON *obj, const char *path, const char *key, bool used,
                            const char *dkey, const char *dvalue)
{
	if (used || !member(obj, key))
		return RS_OK;
	char kp[SC_PATH_MAX];
	child_key(kp, path, key);
	return sc_invalid(c, kp, "not used when %s is \"%s\"", dkey, dvalue);
}

/* "must be >= OTHER (V) (got X)": a number that must not be below another
 * key's value. */
static rs_status below(sc *c, const char *path, const char *key, const char *other, double lo,
                       double got)
{
	char kp[SC_PATH_MAX], l[32], g[32];
	child_key(kp, path, key);
	fmt_num(l, sizeof l, lo);
	fmt_num(g, sizeof g, got);
	return sc_invalid(c, kp, "must be >= %s (%s) (got %s)", other, l, g);
}

/* "must be <= OTHER (V) (got X)": the mirror of below(), said of the key the
 * author wrote when the other one was left at its default. */
static rs_status above(sc *c, const char *path, const char *key, const char *other, double hi,
                       double got)
{
	char kp[SC_PATH_MAX], h[32], g[32];
	child_key(kp, path, key);
	fmt_num(h, sizeof h, hi);
	fmt_num(g, sizeof g, got);
	return sc_invalid(c, kp, "must be <= %s (%s) (got %s)", other, h, g);
}

static rs_status expect_object(sc *c, const cJSON *v, const char *path)
{
	return cJSON_IsObject(v) ? RS_OK : wrong_type(c, path, "an object", v);
}

/* obj.key as an array (when present), empty or not. OUT: *arr (NULL when
 * absent), *n. */
static rs_status get_array_any(sc *c, const cJSON *obj, const char *path, const char *key,
                               const cJSON **arr, size_t *n)
{
	const cJSON *v = member(obj, key);
	*arr = NULL;
	*n = 0;
	if (!v)
		return RS_OK;
	if (!cJSON_IsArray(v)) {
		char kp[SC_PATH_MAX];
		child_key(kp, path, key);
		return wrong_type(c, kp, "an array", v);
	}
	*arr = v;
	*n = (size_t)cJSON_GetArraySize(v);
	return RS_OK;
}

/* obj.key as a non-empty array (when present). OUT: *arr (NULL when absent), *n. */
static rs_status get_array(sc *c, const cJSON *obj, const char *path, const char *key,
                           const char *what, const cJSON **arr, size_t *n)
{
	const cJSON *v = member(obj, key);
	*arr = NULL;
	*n = 0;
	if (!v)
		return RS_OK;
	char kp[SC_PATH_MAX];
	child_key(kp, path, key);
	if (!cJSON_IsArray(v))
		return wrong_type(c, kp, "an array", v);
	int size = cJSON_GetArraySize(v);
	if (size == 0)
		return sc_invalid(c, kp, "needs at least one %s", what);
	*arr = v;
	*n = (size_t)size;
	return RS_OK;
}

/* ---- enum names (indexed by the config.h enums) -------------------------- */

/* clang-format off: one name per line reads as the enum does */

static const char *const window_names[] = {
    [RS_WINDOW_SLIDING] = "sliding",
    [RS_WINDOW_FIXED] = "fixed",
};
/* "daily" is not a process of the config: the loader expands it into a
 * Poisson schedule (daily_schedule), so it takes the index after the last. */
#define SC_PROCESS_DAILY (RS_ARRIVAL_CLOSED + 1)
static const char *const process_names[] = {
    [RS_ARRIVAL_CONSTANT] = "constant", [RS_ARRIVAL_POISSON] = "poisson",
    [RS_ARRIVAL_TRACE] = "trace",       [RS_ARRIVAL_ONOFF] = "onoff",
    [RS_ARRIVAL_CLOSED] = "closed",     [SC_PROCESS_DAILY] = "daily",
};
static const char *const format_names[] = {
    [RS_TRACE_AUTO] = "auto",
    [RS_TRACE_AZURE] = "azure",
    [RS_TRACE_BURSTGPT] = "burstgpt",
    [RS_TRACE_MOONCAKE] = "mooncake",
};
static const char *const zero_rows_names[] = {
    [RS_ZERO_ROWS_SKIP] = "skip",
    [RS_ZERO_ROWS_KEEP] = "keep",
};
static const char *const dist_names[] = {
    [RS_DIST_FIXED] = "fixed",         [RS_DIST_UNIFORM] = "uniform",
    [RS_DIST_LOGNORMAL] = "lognormal", [RS_DIST_EMPIRICAL] = "empirical",
    [RS_DIST_TRACE] = "trace",
};
static const char *const maxtok_names[] = {
    [RS_MAXTOK_ABSENT] = "absent",
    [RS_MAXTOK_FIXED] = "fixed",
    [RS_MAXTOK_FACTOR] = "factor",
};
static const char *const retry_names[] = {
    [RS_RETRY_NONE] = "none",
    [RS_RETRY_FIXED] = "fixed",
    [RS_RETRY_EXPONENTIAL] = "exponential",
};
static const char *const jitter_names[] = {
    [RS_JITTER_NONE] = "none",     [RS_JITTER_FULL] = "full",
    [RS_JITTER_EQUAL] = "equal",   [RS_JITTER_DECORRELATED] = "decorrelated",
    [RS_JITTER_FACTOR] = "factor",
};
static const char *const retry_after_names[] = {
    [RS_RETRY_AFTER_IGNORE] = "ignore",
    [RS_RETRY_AFTER_HONOUR] = "honour",
    [RS_RETRY_AFTER_CAP] = "cap",
    [RS_RETRY_AFTER_JITTER] = "jitter",
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
static const char *const estimator_names[] = {
    [RS_ESTIMATOR_MODEL_DEFAULT] = "model_default",
    [RS_ESTIMATOR_FIXED] = "fixed",
    [RS_ESTIMATOR_RUNNING_MEAN] = "running_mean",
};
/* clang-format on */

#define SC_N(a)   (sizeof(a) / sizeof((a)[0]))
#define SC_BIT(e) (1u << (unsigned)(e))

static rs_status get_kind(sc *c, const cJSON *obj, const char *path, rs_kind *out)
{
	const char *names[RS_KIND_COUNT];
	for (int k = 0; k < RS_KIND_COUNT; k++)
		names[k] = rs_kind_name((rs_kind)k);
	int v;
	rs_status st = get_enum(c, obj, path, "kind", names, RS_KIND_COUNT, RS_KIND_STANDARD, &v);
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
 * source.  The rule is what a meaningful value needs. */
typedef struct model_field {
	sc_key key;
	mf_type type;
	size_t offset;
	sc_rule rule;
} model_field;

/* clang-format off */
#define MF(name, type, rule) { { #name, 0, false, NULL }, type, offsetof(rs_model, name), rule }
/* clang-format on */

static const model_field model_fields[] = {
    {{"base", 0, false, NULL}, MF_BASE, 0, SC_ANY},
    MF(quota_tpm_default, MF_I64, SC_NONNEG),
    MF(rpm_per_1k_tpm, MF_DBL, SC_POS),
    MF(max_tokens_default, MF_I64, SC_POS),
    MF(rtt_ms, MF_DBL, SC_NONNEG),
    MF(ttft_base_ms, MF_DBL, SC_NONNEG),
    MF(ttft_per_1k_prompt_ms, MF_DBL, SC_NONNEG),
    MF(tokens_per_s, MF_DBL, SC_POS),
    MF(sigma, MF_DBL, SC_NONNEG),
    MF(load_sigma, MF_DBL, SC_NONNEG),
    MF(throttle_ms, MF_DBL, SC_NONNEG),
    MF(input_tpm_per_ptu, MF_DBL, SC_POS),
    MF(output_ratio, MF_DBL, SC_POS),
    MF(ptu_min_global, MF_INT, SC_NONNEG),
    MF(ptu_inc_global, MF_INT, SC_GE1),
    MF(ptu_min_regional, MF_INT, SC_NONNEG),
    MF(ptu_inc_regional, MF_INT, SC_GE1),
    MF(ptu_tokens_per_s, MF_DBL, SC_POS),
    MF(ptu_sigma, MF_DBL, SC_NONNEG),
    MF(price_input_per_1m, MF_DBL, SC_NONNEG),
    MF(price_output_per_1m, MF_DBL, SC_NONNEG),
    MF(price_input_per_1m_data_zone, MF_DBL, SC_NONNEG),
    MF(price_output_per_1m_data_zone, MF_DBL, SC_NONNEG),
    MF(price_input_per_1m_regional, MF_DBL, SC_NONNEG),
    MF(price_output_per_1m_regional, MF_DBL, SC_NONNEG),
    MF(price_ptu_hour_global, MF_DBL, SC_NONNEG),
    MF(price_ptu_hour_data_zone, MF_DBL, SC_NONNEG),
    MF(price_ptu_hour_regional, MF_DBL, SC_NONNEG),
    MF(price_ptu_month_global, MF_DBL, SC_NONNEG),
    MF(price_ptu_month_data_zone, MF_DBL, SC_NONNEG),
    MF(price_ptu_month_regional, MF_DBL, SC_NONNEG),
    MF(price_ptu_year_global, MF_DBL, SC_NONNEG),
    MF(price_ptu_year_data_zone, MF_DBL, SC_NONNEG),
    MF(price_ptu_year_regional, MF_DBL, SC_NONNEG),
};

static void model_list(char *buf, size_t size, const rs_model *models, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		list_add(buf, size, models[i].name);
}

static rs_status model_overrides(sc *c, const cJSON *m, const char *path, rs_model *row)
{
	for (size_t i = 0; i < SC_N(model_fields); i++) {
		const model_field *f = &model_fields[i];
		if (f->type == MF_BASE)
			continue;
		const char *key = f->key.name;
		char *dst = (char *)row + f->offset;
		rs_status st;
		if (f->type == MF_DBL) {
			double v;
			st = get_num(c, m, path, key, f->rule, 0, &v);
			if (st == RS_OK && member(m, key))
				memcpy(dst, &v, sizeof v);
		} else if (f->type == MF_I64) {
			int64_t v;
			st = get_whole(c, m, path, key, f->rule, SC_MAX_WHOLE, 0, &v);
			if (st == RS_OK && member(m, key))
				memcpy(dst, &v, sizeof v);
		} else {
			int v;
			st = get_int(c, m, path, key, f->rule, 0, &v);
			if (st == RS_OK && member(m, key))
				memcpy(dst, &v, sizeof v);
		}
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}

/* cfg->models: the built-in table, then the scenario's new models, with the
 * scenario's overrides applied. */
static rs_status parse_models(sc *c, const cJSON *root)
{
	rs_config *cfg = c->cfg;
	size_t nb;
	const rs_model *builtin = rs_models_builtin(&nb);
	const cJSON *models = member(root, "models");
	size_t extra = models ? (size_t)cJSON_GetArraySize(models) : 0;
	cfg->models = rs_calloc(nb + extra, sizeof *cfg->models);
	if (!cfg->models)
		return sc_nomem(c);
	memcpy(cfg->models, builtin, nb * sizeof *builtin);
	cfg->n_models = nb;
	if (!models)
		return RS_OK;
	if (!cJSON_IsObject(models))
		return wrong_type(c, ".models", "an object", models);

	for (const cJSON *m = models->child; m; m = m->next) {
		char path[SC_PATH_MAX];
		const char *name = m->string;
		child_key(path, ".models", name);
		if (strcmp(name, SC_COMMENT_KEY) == 0) {
			if (!cJSON_IsString(m))
				return wrong_type(c, path, "a string", m);
			continue;
		}
		rs_status st = expect_object(c, m, path);
		if (st == RS_OK)
			st = keys_known(c, m, path, SC_KEYS(model_fields));
		if (st != RS_OK)
			return st;
		const char *base;
		if ((st = get_str(c, m, path, "base", false, &base)) != RS_OK)
			return st;
		int idx = rs_models_find(builtin, nb, name);
		if (idx >= 0 && base) {
			char bp[SC_PATH_MAX];
			child_key(bp, path, "base");
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
				child_key(bp, path, "base");
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
static rs_status get_model(sc *c, const cJSON *obj, const char *path, int *idx)
{
	const char *name;
	rs_status st = get_str(c, obj, path, "model", false, &name);
	if (st != RS_OK || !name)
		return st;
	*idx = rs_models_find(c->cfg->models, c->cfg->n_models, name);
	if (*idx >= 0)
		return RS_OK;
	char kp[SC_PATH_MAX], list[SC_LIST_MAX];
	child_key(kp, path, "model");
	model_list(list, sizeof list, c->cfg->models, c->cfg->n_models);
	return sc_invalid(c, kp, "no model named \"%s\" (models: %s)", name, list);
}

/* ---- quotas -------------------------------------------------------------- */

static const sc_key quota_keys[] = {
    {"subscription", 0, false, NULL},
    {"region", 0, true, NULL},
    {"kind", 0, false, NULL},
    {"model", G_STD, true, "PTU quota is model-independent"},
    {"tpm", G_STD, true, "a provisioned pool holds \"ptu\""},
    {"ptu", G_PTU, true, "a standard-family pool holds \"tpm\""},
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
	rs_status st = expect_object(c, q, path);
	if (st == RS_OK)
		st = keys_known(c, q, path, SC_KEYS(quota_keys));
	if (st == RS_OK)
		st = get_owned(c, q, path, "subscription", false, RS_DEFAULT_SUBSCRIPTION,
		               &quota->subscription);
	if (st == RS_OK)
		st = get_owned(c, q, path, "region", false, NULL, &quota->region);
	if (st == RS_OK)
		st = get_kind(c, q, path, &quota->kind);
	if (st == RS_OK)
		st = keys_variant(c, q, path, SC_KEYS(quota_keys), SC_BIT(quota->kind), "kind",
		                  rs_kind_name(quota->kind));
	if (st != RS_OK)
		return st;
	if (rs_kind_is_provisioned(quota->kind)) {
		st = get_whole(c, q, path, "ptu", SC_POS, SC_MAX_WHOLE, 0, &quota->ptu);
	} else {
		int m = -1;
		st = get_model(c, q, path, &m);
		if (st == RS_OK) {
			quota->model = sc_strdup(c->cfg->models[m].name);
			if (!quota->model)
				return sc_nomem(c);
			st = get_whole(c, q, path, "tpm", SC_POS, SC_MAX_WHOLE, 0, &quota->tpm);
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

static rs_status parse_quotas(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = get_array(c, root, "", "quotas", "quota", &arr, &n);
	if (st != RS_OK || !arr)
		return st;
	c->cfg->quotas = rs_calloc(n, sizeof *c->cfg->quotas);
	if (!c->cfg->quotas)
		return sc_nomem(c);
	c->cfg->n_quotas = n;
	size_t i = 0;
	for (const cJSON *q = arr->child; q; q = q->next, i++) {
		char path[SC_PATH_MAX];
		child_index(path, ".quotas", i);
		if ((st = parse_quota(c, q, path, i)) != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- deployments --------------------------------------------------------- */

static const sc_key deployment_keys[] = {
    {"name", 0, true, NULL},
    {"region", 0, true, NULL},
    {"subscription", 0, false, NULL},
    {"model", 0, true, NULL},
    {"kind", 0, false, NULL},
    {"tpm", G_STD, true, "a provisioned deployment is sized in \"ptu\""},
    {"tpm_window", G_STD, false, "only the standard family has TPM windows"},
    {"rpm_window", G_STD, false, "only the standard family has RPM windows"},
    {"rpm_window_s", G_STD, false, "only the standard family has RPM windows"},
    {"count_refused", G_STD, false, "only the standard family counts refused requests"},
    {"prompt_estimate_factor", G_STD, false, "only the standard family estimates prompts"},
    {"ptu", G_PTU, true, "a standard-family deployment is sized in \"tpm\""},
    {"max_tokens_estimator", G_PTU, false, "only the provisioned family uses it"},
    {"spillover_to", G_PTU, false, "spillover goes from a provisioned deployment"},
    {"rtt_ms", 0, false, NULL},
};

static const sc_key estimator_keys[] = {
    {"kind", 0, false, NULL},
    {"value", SC_BIT(RS_ESTIMATOR_FIXED), true, NULL},
    {"window", SC_BIT(RS_ESTIMATOR_RUNNING_MEAN), false, NULL},
};

static rs_status parse_estimator(sc *c, const cJSON *d, const char *path, rs_deployment_cfg *dep)
{
	dep->estimator = RS_ESTIMATOR_MODEL_DEFAULT;
	dep->estimator_window = RS_DEFAULT_ESTIMATOR_WINDOW;
	const cJSON *e = member(d, "max_tokens_estimator");
	if (!e)
		return RS_OK;
	char ep[SC_PATH_MAX];
	child_key(ep, path, "max_tokens_estimator");
	int kind = RS_ESTIMATOR_MODEL_DEFAULT;
	rs_status st = expect_object(c, e, ep);
	if (st == RS_OK)
		st = keys_known(c, e, ep, SC_KEYS(estimator_keys));
	if (st == RS_OK)
		st = get_enum(c, e, ep, "kind", estimator_names, SC_N(estimator_names),
		              RS_ESTIMATOR_MODEL_DEFAULT, &kind);
	if (st == RS_OK)
		st = keys_variant(c, e, ep, SC_KEYS(estimator_keys), SC_BIT(kind), "kind",
		                  estimator_names[kind]);
	if (st == RS_OK)
		st = get_num(c, e, ep, "value", SC_POS, 0, &dep->estimator_value);
	if (st == RS_OK)
		st = get_int(c, e, ep, "window", SC_POS, RS_DEFAULT_ESTIMATOR_WINDOW,
		             &dep->estimator_window);
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
	child_key(kp, path, "ptu");
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

static int deployment_find(const rs_config *cfg, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (cfg->deployments[i].name && strcmp(cfg->deployments[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

static rs_status no_deployment(sc *c, const char *path, const char *name)
{
	char list[SC_LIST_MAX] = "";
	for (size_t i = 0; i < c->cfg->n_deployments; i++)
		list_add(list, sizeof list, c->cfg->deployments[i].name);
	return sc_invalid(c, path, "no deployment named \"%s\" (deployments: %s)", name, list);
}

static rs_status parse_deployment(sc *c, const cJSON *d, const char *path, size_t i)
{
	rs_deployment_cfg *dep = &c->cfg->deployments[i];
	dep->spillover_index = -1;
	dep->rtt_ms = -1;
	dep->tpm_window = RS_WINDOW_SLIDING;
	dep->rpm_window = RS_WINDOW_SLIDING;
	rs_status st = expect_object(c, d, path);
	if (st == RS_OK)
		st = keys_known(c, d, path, SC_KEYS(deployment_keys));
	if (st == RS_OK)
		st = get_owned(c, d, path, "name", false, NULL, &dep->name);
	if (st != RS_OK)
		return st;
	int prev = deployment_find(c->cfg, i, dep->name);
	if (prev >= 0) {
		char kp[SC_PATH_MAX];
		child_key(kp, path, "name");
		return sc_invalid(c, kp, "\"%s\" is already the name of .deployments[%d]",
		                  dep->name, prev);
	}
	st = get_owned(c, d, path, "region", false, NULL, &dep->region);
	if (st == RS_OK)
		st = get_owned(c, d, path, "subscription", false, RS_DEFAULT_SUBSCRIPTION,
		               &dep->subscription);
	if (st == RS_OK)
		st = get_model(c, d, path, &dep->model);
	if (st == RS_OK)
		st = get_kind(c, d, path, &dep->kind);
	if (st == RS_OK)
		st = keys_variant(c, d, path, SC_KEYS(deployment_keys), SC_BIT(dep->kind), "kind",
		                  rs_kind_name(dep->kind));
	if (st == RS_OK)
		st = get_num(c, d, path, "rtt_ms", SC_NONNEG, -1, &dep->rtt_ms);
	if (st != RS_OK)
		return st;

	int tw = RS_WINDOW_SLIDING, rw = RS_WINDOW_SLIDING;
	st = get_whole(c, d, path, "tpm", SC_POS, SC_MAX_WHOLE, 0, &dep->tpm);
	if (st == RS_OK)
		st = get_enum(c, d, path, "tpm_window", window_names, SC_N(window_names),
		              RS_WINDOW_SLIDING, &tw);
	if (st == RS_OK)
		st = get_enum(c, d, path, "rpm_window", window_names, SC_N(window_names),
		              RS_WINDOW_SLIDING, &rw);
	if (st == RS_OK)
		st = get_int(c, d, path, "rpm_window_s", SC_POS, RS_DEFAULT_RPM_WINDOW_S,
		             &dep->rpm_window_s);
	if (st == RS_OK && dep->rpm_window_s != SC_RPM_WINDOW_SHORT_S &&
	    dep->rpm_window_s != SC_RPM_WINDOW_LONG_S) {
		char kp[SC_PATH_MAX];
		child_key(kp, path, "rpm_window_s");
		return sc_invalid(c, kp, "must be %d or %d (got %d)", SC_RPM_WINDOW_SHORT_S,
		                  SC_RPM_WINDOW_LONG_S, dep->rpm_window_s);
	}
	if (st == RS_OK)
		st = get_bool(c, d, path, "count_refused", RS_DEFAULT_COUNT_REFUSED,
		              &dep->count_refused);
	if (st == RS_OK)
		st = get_num(c, d, path, "prompt_estimate_factor", SC_POS,
		             RS_DEFAULT_PROMPT_ESTIMATE_FACTOR, &dep->prompt_estimate_factor);
	dep->tpm_window = (rs_window_kind)tw;
	dep->rpm_window = (rs_window_kind)rw;
	if (st == RS_OK)
		st = get_whole(c, d, path, "ptu", SC_POS, SC_MAX_WHOLE, 0, &dep->ptu);
	if (st == RS_OK)
		st = parse_estimator(c, d, path, dep);
	if (st == RS_OK)
		st = get_owned(c, d, path, "spillover_to", false, NULL, &dep->spillover_to);
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
	child_index(path, ".deployments", i);
	child_key(kp, path, "spillover_to");
	int j = deployment_find(c->cfg, c->cfg->n_deployments, dep->spillover_to);
	if (j < 0)
		return no_deployment(c, kp, dep->spillover_to);
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
			list_add(members, sizeof members, item);
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

static rs_status parse_deployments(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = get_array(c, root, "", "deployments", "deployment", &arr, &n);
	if (st != RS_OK)
		return st;
	c->cfg->deployments = rs_calloc(n, sizeof *c->cfg->deployments);
	if (!c->cfg->deployments)
		return sc_nomem(c);
	c->cfg->n_deployments = n;
	size_t i = 0;
	for (const cJSON *d = arr->child; d; d = d->next, i++) {
		char path[SC_PATH_MAX];
		child_index(path, ".deployments", i);
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
    {"name", 0, true, NULL},
    {"strategy", 0, true, NULL},
    {"backends", 0, true, NULL},
    {"cooldown_on_429", 0, false, NULL},
    {"cooldown_s", 0, false, NULL},
    {"breaker_failures", 0, false, NULL},
    {"breaker_window_s", 0, false, NULL},
    {"breaker_open_s", 0, false, NULL},
    {"all_down", 0, false, NULL},
    {"max_tries", 0, false, NULL},
    {"latency_alpha", 0, false, NULL},
};

static const sc_key backend_keys[] = {
    {"target", 0, true, NULL},
    {"weight", 0, false, NULL},
    {"priority", 0, false, NULL},
    {"rtt_ms", 0, false, NULL},
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
static bool target_find(const rs_config *cfg, size_t n_routers, const char *name, rs_target *ref)
{
	int i = deployment_find(cfg, cfg->n_deployments, name);
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
static rs_status no_target(sc *c, const char *path, const char *name)
{
	char deps[SC_LIST_MAX] = "", routers[SC_LIST_MAX] = "";
	for (size_t i = 0; i < c->cfg->n_deployments; i++)
		list_add(deps, sizeof deps, c->cfg->deployments[i].name);
	for (size_t i = 0; i < c->cfg->n_routers; i++)
		list_add(routers, sizeof routers, c->cfg->routers[i].name);
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
	rs_status st = expect_object(c, b, path);
	if (st == RS_OK)
		st = keys_known(c, b, path, SC_KEYS(backend_keys));
	if (st == RS_OK)
		st = get_owned(c, b, path, "target", false, NULL, &be->name);
	if (st == RS_OK)
		st = get_num(c, b, path, "weight", SC_POS, RS_DEFAULT_BACKEND_WEIGHT, &be->weight);
	if (st == RS_OK)
		st = get_int(c, b, path, "priority", SC_NONNEG, RS_DEFAULT_BACKEND_PRIORITY,
		             &be->priority);
	if (st == RS_OK)
		st = get_num(c, b, path, "rtt_ms", SC_NONNEG, -1, &be->rtt_ms);
	return st;
}

static rs_status parse_router(sc *c, const cJSON *r, const char *path, size_t i)
{
	rs_router_cfg *rt = &c->cfg->routers[i];
	rs_status st = expect_object(c, r, path);
	if (st == RS_OK)
		st = keys_known(c, r, path, SC_KEYS(router_keys));
	if (st == RS_OK)
		st = get_owned(c, r, path, "name", false, NULL, &rt->name);
	if (st != RS_OK)
		return st;
	/* one namespace: clients and backends name deployments and routers alike */
	char kp[SC_PATH_MAX];
	child_key(kp, path, "name");
	int prev = deployment_find(c->cfg, c->cfg->n_deployments, rt->name);
	if (prev >= 0)
		return sc_invalid(c, kp, "\"%s\" is already the name of .deployments[%d]", rt->name,
		                  prev);
	prev = router_find(c->cfg, i, rt->name);
	if (prev >= 0)
		return sc_invalid(c, kp, "\"%s\" is already the name of .routers[%d]", rt->name,
		                  prev);

	int strategy = RS_ROUTE_ROUND_ROBIN, all_down = RS_DEFAULT_ROUTER_ALL_DOWN;
	st = get_enum(c, r, path, "strategy", strategy_names, SC_N(strategy_names),
	              RS_ROUTE_ROUND_ROBIN, &strategy);
	rt->strategy = (rs_route_strategy)strategy;
	const cJSON *arr;
	size_t n = 0;
	if (st == RS_OK)
		st = get_array(c, r, path, "backends", "backend", &arr, &n);
	if (st != RS_OK)
		return st;
	rt->backends = rs_calloc(n, sizeof *rt->backends);
	if (!rt->backends)
		return sc_nomem(c);
	rt->n_backends = n;
	char bp[SC_PATH_MAX];
	child_key(bp, path, "backends");
	size_t j = 0;
	for (const cJSON *b = arr->child; b; b = b->next, j++) {
		char ep[SC_PATH_MAX];
		child_index(ep, bp, j);
		if ((st = parse_backend(c, b, ep, &rt->backends[j])) != RS_OK)
			return st;
	}
	st = get_bool(c, r, path, "cooldown_on_429", RS_DEFAULT_ROUTER_COOLDOWN_ON_429,
	              &rt->cooldown_on_429);
	if (st == RS_OK)
		st = get_num(c, r, path, "cooldown_s", SC_NONNEG, RS_DEFAULT_ROUTER_COOLDOWN_S,
		             &rt->cooldown_s);
	if (st == RS_OK)
		st = get_int(c, r, path, "breaker_failures", SC_NONNEG,
		             RS_DEFAULT_ROUTER_BREAKER_FAILURES, &rt->breaker_failures);
	if (st == RS_OK)
		st = get_num(c, r, path, "breaker_window_s", SC_POS,
		             RS_DEFAULT_ROUTER_BREAKER_WINDOW_S, &rt->breaker_window_s);
	if (st == RS_OK)
		st = get_num(c, r, path, "breaker_open_s", SC_POS, RS_DEFAULT_ROUTER_BREAKER_OPEN_S,
		             &rt->breaker_open_s);
	if (st == RS_OK)
		st = get_enum(c, r, path, "all_down", all_down_names, SC_N(all_down_names),
		              RS_DEFAULT_ROUTER_ALL_DOWN, &all_down);
	rt->all_down = (rs_all_down)all_down;
	if (st == RS_OK)
		st = get_int(c, r, path, "max_tries", SC_GE1, (int)n, &rt->max_tries);
	if (st == RS_OK && (size_t)rt->max_tries > n) {
		child_key(kp, path, "max_tries");
		return sc_invalid(c, kp, "must be at most %zu, the number of backends (got %d)", n,
		                  rt->max_tries);
	}
	if (st == RS_OK)
		st = get_num(c, r, path, "latency_alpha", SC_SHARE, RS_DEFAULT_ROUTER_LATENCY_ALPHA,
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
		if (!target_find(c->cfg, c->cfg->n_routers, be->name, &be->target))
			return no_target(c, path, be->name);
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
				list_add_sep(chain, sizeof chain, " -> ",
				             c->cfg->routers[stack[k]].name);
			list_add_sep(chain, sizeof chain, " -> ", c->cfg->routers[t->index].name);
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

static rs_status parse_routers(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = get_array_any(c, root, "", "routers", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	c->cfg->routers = rs_calloc(n, sizeof *c->cfg->routers);
	if (!c->cfg->routers)
		return sc_nomem(c);
	c->cfg->n_routers = n;
	size_t i = 0;
	for (const cJSON *r = arr->child; r; r = r->next, i++) {
		char path[SC_PATH_MAX];
		child_index(path, ".routers", i);
		if ((st = parse_router(c, r, path, i)) != RS_OK)
			return st;
	}
	for (i = 0; i < n; i++) {
		if ((st = resolve_backends(c, i)) != RS_OK)
			return st;
	}
	return check_router_cycles(c);
}

/* ---- clients ------------------------------------------------------------- */

#define G_RATE   (SC_BIT(RS_ARRIVAL_CONSTANT) | SC_BIT(RS_ARRIVAL_POISSON))
#define G_TRACE  SC_BIT(RS_ARRIVAL_TRACE)
#define G_ONOFF  SC_BIT(RS_ARRIVAL_ONOFF)
#define G_CLOSED SC_BIT(RS_ARRIVAL_CLOSED)
#define G_DAILY  SC_BIT(SC_PROCESS_DAILY)

/* clang-format off: key tables keep one key per line */
static const sc_key client_keys[] = {
    {"name", 0, true, NULL},           {"target", 0, true, NULL},
    {"arrival", 0, true, NULL},        {"prompt_tokens", 0, false, NULL},
    {"output_tokens", 0, false, NULL}, {"max_tokens", 0, false, NULL},
    {"best_of", 0, false, NULL},       {"cached_fraction", 0, false, NULL},
    {"retry", 0, false, NULL},         {"rtt_ms", 0, false, NULL},
    {"region", 0, false, NULL},        {"priority", 0, false, NULL},
};

static const sc_key arrival_keys[] = {
    {"process", 0, true, NULL},
    {"rate_rps", G_RATE, false, "only constant and poisson arrivals take a rate"},
    {"schedule", G_RATE, false, "only constant and poisson arrivals take a schedule"},
    {"file", G_TRACE, true, "only a trace arrival reads a file"},
    {"format", G_TRACE, false, "only a trace arrival reads a file"},
    {"speedup", G_TRACE, false, "only a trace arrival is replayed"},
    {"loop", G_TRACE, false, "only a trace arrival is replayed"},
    {"zero_rows", G_TRACE, false, "only a trace arrival reads a file"},
    {"model", G_TRACE, false, "only a trace arrival reads a file"},
    {"rate_on", G_ONOFF, true, "only an onoff arrival has on and off periods"},
    {"rate_off", G_ONOFF, true, "only an onoff arrival has on and off periods"},
    {"on_s", G_ONOFF, true, "only an onoff arrival has on and off periods"},
    {"off_s", G_ONOFF, true, "only an onoff arrival has on and off periods"},
    {"users", G_CLOSED, true, "only a closed arrival has users"},
    {"think_s", G_CLOSED, false, "only a closed arrival's users think"},
    {"mean_rps", G_DAILY, true, "only a daily arrival has a daily cycle"},
    {"amplitude", G_DAILY, false, "only a daily arrival has a daily cycle"},
    {"peak_at_s", G_DAILY, false, "only a daily arrival has a daily cycle"},
    {"points_per_day", G_DAILY, false, "only a daily arrival has a daily cycle"},
};

static const sc_key point_keys[] = {
    {"at_s", 0, true, NULL},
    {"rate_rps", 0, true, NULL},
    {"ramp", 0, false, NULL},
};

#define G_EMPIRICAL SC_BIT(RS_DIST_EMPIRICAL)

static const sc_key dist_keys[] = {
    {"dist", 0, true, NULL},
    {"value", SC_BIT(RS_DIST_FIXED), true, NULL},
    {"min", SC_BIT(RS_DIST_UNIFORM), true, NULL},
    {"max", SC_BIT(RS_DIST_UNIFORM), true, NULL},
    {"median", SC_BIT(RS_DIST_LOGNORMAL), true, NULL},
    {"sigma", SC_BIT(RS_DIST_LOGNORMAL), true, NULL},
    {"file", G_EMPIRICAL, true, NULL},
    {"format", G_EMPIRICAL, false, NULL},
    {"zero_rows", G_EMPIRICAL, false, NULL},
    {"model", G_EMPIRICAL, false, NULL},
};

static const sc_key max_tokens_keys[] = {
    {"policy", 0, true, NULL},
    {"value", SC_BIT(RS_MAXTOK_FIXED), true, NULL},
    {"factor", SC_BIT(RS_MAXTOK_FACTOR), true, NULL},
};

#define G_RETRY_FIXED (SC_BIT(RS_RETRY_FIXED))
#define G_RETRY_EXP   (SC_BIT(RS_RETRY_EXPONENTIAL))
#define G_RETRY_ANY   (G_RETRY_FIXED | G_RETRY_EXP)

/* policy is required unless preset gives it (checked in parse_retry). */
static const sc_key retry_keys[] = {
    {"preset", 0, false, NULL},
    {"policy", 0, false, NULL},
    {"max_retries", G_RETRY_ANY, false, "a \"none\" policy never retries"},
    {"max_attempts", G_RETRY_ANY, false, "a \"none\" policy never retries"},
    {"delay_s", G_RETRY_FIXED, false, "only a fixed policy waits a fixed delay"},
    {"base_s", G_RETRY_EXP, false, "only an exponential policy backs off"},
    {"cap_s", G_RETRY_EXP, false, "only an exponential policy backs off"},
    {"jitter", G_RETRY_EXP, false, "only an exponential policy backs off"},
    {"factor_min", G_RETRY_EXP, false, "only an exponential policy backs off"},
    {"factor_max", G_RETRY_EXP, false, "only an exponential policy backs off"},
    {"retry_after", G_RETRY_ANY, false, "a \"none\" policy never retries"},
    {"retry_after_cap_s", G_RETRY_ANY, false, "a \"none\" policy never retries"},
    {"retry_after_jitter_s", G_RETRY_ANY, false, "a \"none\" policy never retries"},
    {"attempt_timeout_s", 0, false, NULL},
    {"deadline_s", 0, false, NULL},
    {"budget_max", 0, false, NULL},
    {"budget_refund", 0, false, NULL},
    {"retry_ratio", 0, false, NULL},
    {"retry_ratio_window_s", 0, false, NULL},
    {"adaptive_k", 0, false, NULL},
    {"adaptive_window_s", 0, false, NULL},
};
/* clang-format on */

/* A trace path as written, resolved against the scenario's folder unless
 * absolute. OUT: *out, owned by the caller. */
static rs_status resolve_path(sc *c, const char *file, char **out)
{
	if (file[0] == '/' || !c->base_dir || !*c->base_dir) {
		*out = sc_strdup(file);
	} else {
		size_t lb = strlen(c->base_dir), lf = strlen(file);
		bool slash = c->base_dir[lb - 1] == '/';
		*out = malloc(lb + lf + 2);
		if (*out)
			snprintf(*out, lb + lf + 2, "%s%s%s", c->base_dir, slash ? "" : "/", file);
	}
	return *out ? RS_OK : sc_nomem(c);
}

/* file, format, zero_rows and model: a trace file's keys (arrival or empirical). */
static rs_status parse_trace(sc *c, const cJSON *obj, const char *path, rs_trace_cfg *t)
{
	const char *file;
	int format = RS_TRACE_AUTO, zero = RS_ZERO_ROWS_SKIP;
	rs_status st = get_str(c, obj, path, "file", false, &file);
	if (st == RS_OK)
		st = resolve_path(c, file, &t->path);
	if (st == RS_OK)
		st = get_enum(c, obj, path, "format", format_names, SC_N(format_names),
		              RS_TRACE_AUTO, &format);
	if (st == RS_OK)
		st = get_enum(c, obj, path, "zero_rows", zero_rows_names, SC_N(zero_rows_names),
		              RS_ZERO_ROWS_SKIP, &zero);
	if (st == RS_OK)
		st = get_owned(c, obj, path, "model", false, NULL, &t->model_filter);
	t->format = (rs_trace_format)format;
	t->zero_rows = (rs_zero_rows)zero;
	return st;
}

static rs_status parse_schedule(sc *c, const cJSON *arr, const char *path, rs_arrival_cfg *a)
{
	size_t n = (size_t)cJSON_GetArraySize(arr);
	a->schedule = rs_calloc(n, sizeof *a->schedule);
	if (!a->schedule)
		return sc_nomem(c);
	a->n_schedule = n;
	size_t i = 0;
	for (const cJSON *p = arr->child; p; p = p->next, i++) {
		char pp[SC_PATH_MAX];
		rs_rate_point *pt = &a->schedule[i];
		child_index(pp, path, i);
		rs_status st = expect_object(c, p, pp);
		if (st == RS_OK)
			st = keys_known(c, p, pp, SC_KEYS(point_keys));
		if (st == RS_OK)
			st = get_num(c, p, pp, "at_s", SC_NONNEG, 0, &pt->at_s);
		if (st == RS_OK)
			st = get_num(c, p, pp, "rate_rps", SC_NONNEG, 0, &pt->rate_rps);
		if (st == RS_OK)
			st = get_bool(c, p, pp, "ramp", false, &pt->ramp);
		if (st != RS_OK)
			return st;
		char kp[SC_PATH_MAX], got[32], prev[32];
		child_key(kp, pp, "at_s");
		fmt_num(got, sizeof got, pt->at_s);
		if (i == 0 && pt->at_s != 0)
			return sc_invalid(c, kp, "the first point must be at 0 (got %s)", got);
		if (i > 0 && !(pt->at_s > a->schedule[i - 1].at_s)) {
			fmt_num(prev, sizeof prev, a->schedule[i - 1].at_s);
			return sc_invalid(c, kp, "must be > %s, the previous point's at_s (got %s)",
			                  prev, got);
		}
	}
	return RS_OK;
}

/* A distribution: a plain number (fixed) or an object with `dist`.  kinds is
 * the bit set of the rs_dist_kind values allowed here (the others are left
 * out of the message's list); "trace" also needs a trace arrival. */
static rs_status dist_value(sc *c, const cJSON *v, const char *path, unsigned kinds,
                            bool trace_arrival, rs_dist_cfg *d)
{
	if (cJSON_IsNumber(v)) {
		d->kind = RS_DIST_FIXED;
		return num_value(c, v, path, SC_NONNEG, false, 0, &d->value);
	}
	if (!cJSON_IsObject(v))
		return wrong_type(c, path, "a number or an object", v);
	const char *names[SC_N(dist_names)];
	for (size_t k = 0; k < SC_N(dist_names); k++)
		names[k] = kinds & SC_BIT(k) ? dist_names[k] : NULL;
	int kind = RS_DIST_FIXED;
	rs_status st = keys_known(c, v, path, SC_KEYS(dist_keys));
	if (st == RS_OK)
		st = get_enum(c, v, path, "dist", names, SC_N(names), RS_DIST_FIXED, &kind);
	if (st != RS_OK)
		return st;
	if (kind == RS_DIST_TRACE && !trace_arrival) {
		char kp[SC_PATH_MAX];
		child_key(kp, path, "dist");
		return sc_invalid(c, kp, "\"trace\" needs a trace arrival");
	}
	st = keys_variant(c, v, path, SC_KEYS(dist_keys), SC_BIT(kind), "dist", dist_names[kind]);
	if (st != RS_OK)
		return st;
	d->kind = (rs_dist_kind)kind;
	switch (d->kind) {
	case RS_DIST_FIXED:
		return get_num(c, v, path, "value", SC_NONNEG, 0, &d->value);
	case RS_DIST_UNIFORM:
		st = get_num(c, v, path, "min", SC_NONNEG, 0, &d->min);
		if (st == RS_OK)
			st = get_num(c, v, path, "max", SC_NONNEG, 0, &d->max);
		if (st == RS_OK && d->max < d->min)
			return below(c, path, "max", "min", d->min, d->max);
		return st;
	case RS_DIST_LOGNORMAL:
		st = get_num(c, v, path, "median", SC_POS, 0, &d->median);
		if (st == RS_OK)
			st = get_num(c, v, path, "sigma", SC_NONNEG, 0, &d->sigma);
		return st;
	case RS_DIST_EMPIRICAL:
		return parse_trace(c, v, path, &d->trace);
	case RS_DIST_TRACE:
		break;
	}
	return RS_OK;
}

/* A token-size distribution: required, except that a trace arrival defaults
 * to the replayed row's own value. */
static rs_status parse_dist(sc *c, const cJSON *cl, const char *cpath, const char *key,
                            bool trace_arrival, rs_dist_cfg *d)
{
	const cJSON *v = member(cl, key);
	char path[SC_PATH_MAX];
	child_key(path, cpath, key);
	if (!v) {
		if (!trace_arrival)
			return sc_invalid(c, path, "required key is missing");
		d->kind = RS_DIST_TRACE;
		return RS_OK;
	}
	unsigned all = SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL) |
	               SC_BIT(RS_DIST_EMPIRICAL) | SC_BIT(RS_DIST_TRACE);
	return dist_value(c, v, path, all, trace_arrival, d);
}

/* "must be at least LO (got X)" / "must be at most HI (got X)" for a whole
 * number with bounds that no sc_rule has. */
static rs_status out_of_bounds(sc *c, const char *path, const char *key, const char *how,
                               double limit, double got)
{
	char kp[SC_PATH_MAX], l[32], g[32];
	child_key(kp, path, key);
	fmt_num(l, sizeof l, limit);
	fmt_num(g, sizeof g, got);
	return sc_invalid(c, kp, "must be %s %s (got %s)", how, l, g);
}

/* 2 pi, for the daily cosine (M_PI is not in C11). */
#define SC_TWO_PI 6.28318530717958647692528676655900577

/* A daily cycle as a Poisson schedule: points_per_day points a day, from 0
 * to the first point at or after the end of the run, each ramping linearly
 * to the next, so that the schedule is the piecewise-linear interpolation of
 *   rate(t) = mean_rps (1 + amplitude cos(2 pi (t - peak_at_s) / 86400))
 * through its values at the points. */
static rs_status daily_schedule(sc *c, const cJSON *arr, const char *path, rs_arrival_cfg *a)
{
	double mean, amplitude, peak;
	int per_day;
	rs_status st = get_num(c, arr, path, "mean_rps", SC_POS, 0, &mean);
	if (st == RS_OK)
		st = get_num(c, arr, path, "amplitude", SC_UNIT, RS_DEFAULT_DAILY_AMPLITUDE,
		             &amplitude);
	if (st == RS_OK)
		st = get_num(c, arr, path, "peak_at_s", SC_NONNEG, RS_DEFAULT_DAILY_PEAK_AT_S,
		             &peak);
	if (st == RS_OK && peak > SC_DAY_S)
		return out_of_bounds(c, path, "peak_at_s", "at most", SC_DAY_S, peak);
	if (st == RS_OK)
		st = get_int(c, arr, path, "points_per_day", SC_GE1,
		             RS_DEFAULT_DAILY_POINTS_PER_DAY, &per_day);
	if (st == RS_OK && per_day < SC_DAILY_MIN_POINTS)
		return out_of_bounds(c, path, "points_per_day", ">=", SC_DAILY_MIN_POINTS, per_day);
	if (st != RS_OK)
		return st;
	double step = SC_DAY_S / per_day;
	double last = ceil(c->cfg->duration_s / step); /* index of the point at or after the end */
	if (last + 1 > SC_SCHEDULE_MAX_POINTS) {
		char kp[SC_PATH_MAX], d[32];
		child_key(kp, path, "points_per_day");
		fmt_num(d, sizeof d, c->cfg->duration_s);
		return sc_invalid(c, kp,
		                  "%d points a day over duration_s %s make more than %d schedule "
		                  "points; use fewer points a day",
		                  per_day, d, SC_SCHEDULE_MAX_POINTS);
	}
	size_t n = (size_t)last + 1;
	a->schedule = rs_calloc(n, sizeof *a->schedule);
	if (!a->schedule)
		return sc_nomem(c);
	a->n_schedule = n;
	for (size_t k = 0; k < n; k++) {
		double t = (double)k * step;
		double r = mean * (1 + amplitude * cos(SC_TWO_PI * (t - peak) / SC_DAY_S));
		a->schedule[k] =
		    (rs_rate_point){.at_s = t, .rate_rps = r > 0 ? r : 0, .ramp = k + 1 < n};
	}
	a->process = RS_ARRIVAL_POISSON;
	return RS_OK;
}

static rs_status parse_arrival(sc *c, const cJSON *cl, const char *cpath, rs_arrival_cfg *a)
{
	const cJSON *arr = member(cl, "arrival");
	char path[SC_PATH_MAX];
	child_key(path, cpath, "arrival");
	int process = RS_ARRIVAL_CONSTANT;
	a->speedup = RS_DEFAULT_TRACE_SPEEDUP;
	rs_status st = expect_object(c, arr, path);
	if (st == RS_OK)
		st = keys_known(c, arr, path, SC_KEYS(arrival_keys));
	if (st == RS_OK)
		st = get_enum(c, arr, path, "process", process_names, SC_N(process_names),
		              RS_ARRIVAL_CONSTANT, &process);
	if (st == RS_OK)
		st = keys_variant(c, arr, path, SC_KEYS(arrival_keys), SC_BIT(process), "process",
		                  process_names[process]);
	if (st != RS_OK)
		return st;
	if (process == SC_PROCESS_DAILY)
		return daily_schedule(c, arr, path, a);
	a->process = (rs_arrival_process)process;
	switch (a->process) {
	case RS_ARRIVAL_TRACE:
		st = parse_trace(c, arr, path, &a->trace);
		if (st == RS_OK)
			st = get_num(c, arr, path, "speedup", SC_POS, RS_DEFAULT_TRACE_SPEEDUP,
			             &a->speedup);
		if (st == RS_OK)
			st = get_bool(c, arr, path, "loop", false, &a->loop);
		return st;
	case RS_ARRIVAL_ONOFF:
		st = get_num(c, arr, path, "rate_on", SC_NONNEG, 0, &a->rate_on);
		if (st == RS_OK)
			st = get_num(c, arr, path, "rate_off", SC_NONNEG, 0, &a->rate_off);
		if (st == RS_OK)
			st = get_num(c, arr, path, "on_s", SC_POS, 0, &a->on_s);
		if (st == RS_OK)
			st = get_num(c, arr, path, "off_s", SC_POS, 0, &a->off_s);
		return st;
	case RS_ARRIVAL_CLOSED: {
		st = get_int(c, arr, path, "users", SC_GE1, 0, &a->users);
		if (st != RS_OK)
			return st;
		a->think_s = rs_calloc(1, sizeof *a->think_s);
		if (!a->think_s)
			return sc_nomem(c);
		*a->think_s = (rs_dist_cfg){.kind = RS_DIST_FIXED, .value = RS_DEFAULT_THINK_S};
		const cJSON *think = member(arr, "think_s");
		if (!think)
			return RS_OK;
		char tp[SC_PATH_MAX];
		child_key(tp, path, "think_s");
		/* a time, not a token count: no trace rows to draw it from */
		unsigned kinds =
		    SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL);
		return dist_value(c, think, tp, kinds, false, a->think_s);
	}
	case RS_ARRIVAL_CONSTANT:
	case RS_ARRIVAL_POISSON:
		break;
	}
	const cJSON *rate = member(arr, "rate_rps"), *sched = member(arr, "schedule");
	if (!rate && !sched)
		return sc_invalid(c, path, "needs \"rate_rps\" or \"schedule\"");
	if (rate && sched)
		return sc_invalid(c, path, "takes \"rate_rps\" or \"schedule\", not both");
	if (rate) {
		a->schedule = rs_calloc(1, sizeof *a->schedule);
		if (!a->schedule)
			return sc_nomem(c);
		a->n_schedule = 1;
		return get_num(c, arr, path, "rate_rps", SC_NONNEG, 0, &a->schedule[0].rate_rps);
	}
	const cJSON *sarr;
	size_t n;
	if ((st = get_array(c, arr, path, "schedule", "point", &sarr, &n)) != RS_OK)
		return st;
	char sp[SC_PATH_MAX];
	child_key(sp, path, "schedule");
	return parse_schedule(c, sarr, sp, a);
}

static rs_status parse_max_tokens(sc *c, const cJSON *cl, const char *cpath, rs_max_tokens_cfg *m)
{
	const cJSON *v = member(cl, "max_tokens");
	m->policy = RS_MAXTOK_ABSENT;
	if (!v)
		return RS_OK;
	char path[SC_PATH_MAX];
	child_key(path, cpath, "max_tokens");
	int policy = RS_MAXTOK_ABSENT;
	rs_status st = expect_object(c, v, path);
	if (st == RS_OK)
		st = keys_known(c, v, path, SC_KEYS(max_tokens_keys));
	if (st == RS_OK)
		st = get_enum(c, v, path, "policy", maxtok_names, SC_N(maxtok_names),
		              RS_MAXTOK_ABSENT, &policy);
	if (st == RS_OK)
		st = keys_variant(c, v, path, SC_KEYS(max_tokens_keys), SC_BIT(policy), "policy",
		                  maxtok_names[policy]);
	if (st == RS_OK)
		st = get_whole(c, v, path, "value", SC_POS, SC_MAX_WHOLE, 0, &m->value);
	if (st == RS_OK)
		st = get_num(c, v, path, "factor", SC_POS, 0, &m->factor);
	m->policy = (rs_max_tokens_policy)policy;
	return st;
}

/* Every field of a retry policy at its default: what a client without
 * `retry` has, and what a `retry` object starts from. */
static void retry_defaults(rs_retry_cfg *r)
{
	*r = (rs_retry_cfg){
	    .preset = NULL,
	    .policy = RS_RETRY_NONE,
	    .max_retries = RS_DEFAULT_RETRY_MAX_RETRIES,
	    .delay_s = RS_DEFAULT_RETRY_DELAY_S,
	    .base_s = RS_DEFAULT_RETRY_BASE_S,
	    .cap_s = RS_DEFAULT_RETRY_CAP_S,
	    .jitter = RS_DEFAULT_RETRY_JITTER,
	    .factor_min = RS_DEFAULT_RETRY_FACTOR_MIN,
	    .factor_max = RS_DEFAULT_RETRY_FACTOR_MAX,
	    .retry_after = RS_DEFAULT_RETRY_AFTER,
	    .retry_after_cap_s = RS_DEFAULT_RETRY_AFTER_CAP_S,
	    .retry_after_jitter_s = RS_DEFAULT_RETRY_AFTER_JITTER_S,
	    .attempt_timeout_s = RS_DEFAULT_RETRY_ATTEMPT_TIMEOUT_S,
	    .deadline_s = RS_DEFAULT_RETRY_DEADLINE_S,
	    .budget_max = RS_DEFAULT_RETRY_BUDGET_MAX,
	    .budget_refund = 0, /* RS_DEFAULT_RETRY_BUDGET_REFUND once a budget is on */
	    .retry_ratio = RS_DEFAULT_RETRY_RATIO,
	    .retry_ratio_window_s = RS_DEFAULT_RETRY_RATIO_WINDOW_S,
	    .adaptive_k = RS_DEFAULT_RETRY_ADAPTIVE_K,
	    .adaptive_window_s = RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S,
	};
}

/* The policies of real SDKs, each a full rs_retry_cfg (every field given,
 * the ones the SDK has no notion of at their defaults).  Sources, as read in
 * the SDKs' code (scenarios/README.md, "Presets", says what maps and what
 * does not):
 *
 * openai-python: openai/openai-python src/openai/_constants.py
 *   (DEFAULT_MAX_RETRIES = 2, INITIAL_RETRY_DELAY = 0.5, MAX_RETRY_DELAY =
 *   8.0, DEFAULT_TIMEOUT 600 s) and src/openai/_base_client.py
 *   _calculate_retry_timeout: a retry-after(-ms) in (0, 60] is waited as
 *   sent; else min(0.5 x 2^nb_retries, 8) x (1 - 0.25 x random()).  Newer
 *   versions honour up to 120 s (MAX_RETRY_AFTER_DELAY) and do not retry
 *   beyond it; the preset follows the 60 s versions.
 * azure-core: Azure/azure-sdk-for-python sdk/core/azure-core/azure/core/
 *   pipeline/policies/_retry.py RetryPolicy: retry_total 10 but
 *   retry_status 3 (a 429 is a status retry, and is_exhausted stops at the
 *   first count below 0), backoff_factor 0.8 x 2^(n - 1) capped at
 *   backoff_max 120 s with no jitter (get_backoff_time), the first retry
 *   immediate, and Retry-After always honoured (_sleep_for_retry).
 * litellm-router: BerriAI/litellm litellm/constants.py (INITIAL_RETRY_DELAY
 *   0.5, MAX_RETRY_DELAY 8.0, JITTER 0.75) and Router.__init__ in
 *   litellm/router.py (num_retries defaults to openai.DEFAULT_MAX_RETRIES,
 *   2); _calculate_retry_after waits retry-after + U(0, 0.75) when the
 *   header is in (0, 60], else min(0.5 x 2^n, 8) + U(0, 0.75). */
typedef struct sc_preset {
	const char *name;
	rs_retry_cfg r; /* r.preset unused */
} sc_preset;

/* clang-format off */
static const sc_preset retry_presets[] = {
    {"openai-python", {
	.policy = RS_RETRY_EXPONENTIAL, .max_retries = 2, .delay_s = RS_DEFAULT_RETRY_DELAY_S,
	.base_s = 0.5, .cap_s = 8.0, .jitter = RS_JITTER_FACTOR,
	.factor_min = 0.75, .factor_max = 1.0,
	.retry_after = RS_RETRY_AFTER_CAP, .retry_after_cap_s = 60.0,
	.retry_after_jitter_s = RS_DEFAULT_RETRY_AFTER_JITTER_S,
	.attempt_timeout_s = 600.0, .deadline_s = 0,
	.budget_max = 0, .budget_refund = 0,
	.retry_ratio = 0, .retry_ratio_window_s = RS_DEFAULT_RETRY_RATIO_WINDOW_S,
	.adaptive_k = 0, .adaptive_window_s = RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S}},
    {"azure-core", {
	.policy = RS_RETRY_EXPONENTIAL, .max_retries = 3, .delay_s = RS_DEFAULT_RETRY_DELAY_S,
	.base_s = 0.8, .cap_s = 120.0, .jitter = RS_JITTER_NONE,
	.factor_min = RS_DEFAULT_RETRY_FACTOR_MIN, .factor_max = RS_DEFAULT_RETRY_FACTOR_MAX,
	.retry_after = RS_RETRY_AFTER_HONOUR, .retry_after_cap_s = RS_DEFAULT_RETRY_AFTER_CAP_S,
	.retry_after_jitter_s = RS_DEFAULT_RETRY_AFTER_JITTER_S,
	.attempt_timeout_s = 0, .deadline_s = 0,
	.budget_max = 0, .budget_refund = 0,
	.retry_ratio = 0, .retry_ratio_window_s = RS_DEFAULT_RETRY_RATIO_WINDOW_S,
	.adaptive_k = 0, .adaptive_window_s = RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S}},
    {"litellm-router", {
	.policy = RS_RETRY_EXPONENTIAL, .max_retries = 2, .delay_s = RS_DEFAULT_RETRY_DELAY_S,
	.base_s = 0.5, .cap_s = 8.0, .jitter = RS_JITTER_NONE,
	.factor_min = RS_DEFAULT_RETRY_FACTOR_MIN, .factor_max = RS_DEFAULT_RETRY_FACTOR_MAX,
	.retry_after = RS_RETRY_AFTER_JITTER, .retry_after_cap_s = RS_DEFAULT_RETRY_AFTER_CAP_S,
	.retry_after_jitter_s = 0.75,
	.attempt_timeout_s = 0, .deadline_s = 0,
	.budget_max = 0, .budget_refund = 0,
	.retry_ratio = 0, .retry_ratio_window_s = RS_DEFAULT_RETRY_RATIO_WINDOW_S,
	.adaptive_k = 0, .adaptive_window_s = RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S}},
};
/* clang-format on */

/* r becomes the preset `name` (and keeps a copy of the name). */
static rs_status apply_preset(sc *c, const char *path, const char *name, rs_retry_cfg *r)
{
	const char *names[SC_N(retry_presets)];
	char list[SC_LIST_MAX] = "";
	for (size_t i = 0; i < SC_N(retry_presets); i++) {
		names[i] = retry_presets[i].name;
		list_add(list, sizeof list, names[i]);
		if (strcmp(name, names[i]) == 0) {
			*r = retry_presets[i].r;
			r->preset = sc_strdup(name);
			return r->preset ? RS_OK : sc_nomem(c);
		}
	}
	char kp[SC_PATH_MAX];
	child_key(kp, path, "preset");
	const char *near = nearest(name, names, SC_N(names));
	if (near)
		return sc_invalid(c, kp, "no preset named \"%s\"; did you mean \"%s\"?", name,
		                  near);
	return sc_invalid(c, kp, "no preset named \"%s\" (presets: %s)", name, list);
}

/* The attempt count, delays and jitter of a fixed or exponential policy. */
static rs_status retry_delays(sc *c, const cJSON *v, const char *path, rs_retry_cfg *r)
{
	if (member(v, "max_retries") && member(v, "max_attempts"))
		return sc_invalid(c, path, "takes \"max_retries\" or \"max_attempts\", not both");
	int attempts = r->max_retries + 1;
	rs_status st =
	    get_int(c, v, path, "max_retries", SC_NONNEG, r->max_retries, &r->max_retries);
	if (st == RS_OK && member(v, "max_attempts")) {
		st = get_int(c, v, path, "max_attempts", SC_GE1, attempts, &attempts);
		r->max_retries = attempts - 1;
	}
	if (st == RS_OK)
		st = get_num(c, v, path, "delay_s", SC_NONNEG, r->delay_s, &r->delay_s);
	if (st == RS_OK)
		st = get_num(c, v, path, "base_s", SC_POS, r->base_s, &r->base_s);
	if (st == RS_OK)
		st = get_num(c, v, path, "cap_s", SC_POS, r->cap_s, &r->cap_s);
	if (st == RS_OK && r->cap_s < r->base_s) {
		if (member(v, "cap_s"))
			return below(c, path, "cap_s", "base_s", r->base_s, r->cap_s);
		return above(c, path, "base_s", "cap_s", r->cap_s, r->base_s);
	}
	int jitter = r->jitter, after = r->retry_after;
	if (st == RS_OK)
		st = get_enum(c, v, path, "jitter", jitter_names, SC_N(jitter_names), r->jitter,
		              &jitter);
	r->jitter = (rs_jitter)jitter;
	bool factor = r->jitter == RS_JITTER_FACTOR;
	if (st == RS_OK)
		st = key_unused(c, v, path, "factor_min", factor, "jitter", jitter_names[jitter]);
	if (st == RS_OK)
		st = key_unused(c, v, path, "factor_max", factor, "jitter", jitter_names[jitter]);
	if (st == RS_OK)
		st = get_num(c, v, path, "factor_min", SC_POS, r->factor_min, &r->factor_min);
	if (st == RS_OK)
		st = get_num(c, v, path, "factor_max", SC_POS, r->factor_max, &r->factor_max);
	if (st == RS_OK && r->factor_max < r->factor_min) {
		if (member(v, "factor_max"))
			return below(c, path, "factor_max", "factor_min", r->factor_min,
			             r->factor_max);
		return above(c, path, "factor_min", "factor_max", r->factor_max, r->factor_min);
	}
	if (st == RS_OK)
		st = get_enum(c, v, path, "retry_after", retry_after_names, SC_N(retry_after_names),
		              r->retry_after, &after);
	r->retry_after = (rs_retry_after_mode)after;
	if (st == RS_OK)
		st = key_unused(c, v, path, "retry_after_cap_s", after == RS_RETRY_AFTER_CAP,
		                "retry_after", retry_after_names[after]);
	if (st == RS_OK)
		st = key_unused(c, v, path, "retry_after_jitter_s", after == RS_RETRY_AFTER_JITTER,
		                "retry_after", retry_after_names[after]);
	if (st == RS_OK)
		st = get_num(c, v, path, "retry_after_cap_s", SC_POS, r->retry_after_cap_s,
		             &r->retry_after_cap_s);
	if (st == RS_OK)
		st = get_num(c, v, path, "retry_after_jitter_s", SC_NONNEG, r->retry_after_jitter_s,
		             &r->retry_after_jitter_s);
	return st;
}

/* Timeouts, budget, ratio and adaptive throttling: on top of any policy. */
static rs_status retry_limits(sc *c, const cJSON *v, const char *path, rs_retry_cfg *r)
{
	rs_status st = get_num(c, v, path, "attempt_timeout_s", SC_NONNEG, r->attempt_timeout_s,
	                       &r->attempt_timeout_s);
	if (st == RS_OK)
		st = get_num(c, v, path, "deadline_s", SC_NONNEG, r->deadline_s, &r->deadline_s);
	if (st == RS_OK)
		st = get_num(c, v, path, "budget_max", SC_NONNEG, r->budget_max, &r->budget_max);
	if (st == RS_OK)
		st = get_num(c, v, path, "budget_refund", SC_NONNEG,
		             r->budget_max > 0 ? RS_DEFAULT_RETRY_BUDGET_REFUND : 0,
		             &r->budget_refund);
	if (st == RS_OK)
		st = get_num(c, v, path, "retry_ratio", SC_UNIT, r->retry_ratio, &r->retry_ratio);
	if (st == RS_OK)
		st = get_num(c, v, path, "retry_ratio_window_s", SC_POS, r->retry_ratio_window_s,
		             &r->retry_ratio_window_s);
	if (st == RS_OK)
		st = get_num(c, v, path, "adaptive_k", SC_NONNEG, r->adaptive_k, &r->adaptive_k);
	if (st == RS_OK)
		st = get_num(c, v, path, "adaptive_window_s", SC_POS, r->adaptive_window_s,
		             &r->adaptive_window_s);
	return st;
}

/* A client's retry: defaults, then the preset's values, then every key the
 * object gives, so a key beside a preset overrides the preset. */
static rs_status parse_retry(sc *c, const cJSON *cl, const char *cpath, rs_retry_cfg *r)
{
	retry_defaults(r);
	const cJSON *v = member(cl, "retry");
	if (!v)
		return RS_OK;
	char path[SC_PATH_MAX];
	child_key(path, cpath, "retry");
	const char *preset = NULL;
	rs_status st = expect_object(c, v, path);
	if (st == RS_OK)
		st = keys_known(c, v, path, SC_KEYS(retry_keys));
	if (st == RS_OK)
		st = get_str(c, v, path, "preset", false, &preset);
	if (st == RS_OK && preset)
		st = apply_preset(c, path, preset, r);
	if (st != RS_OK)
		return st;
	if (!preset && !member(v, "policy")) {
		char kp[SC_PATH_MAX];
		child_key(kp, path, "policy");
		return sc_invalid(c, kp, "required key is missing");
	}
	int policy = r->policy;
	st = get_enum(c, v, path, "policy", retry_names, SC_N(retry_names), r->policy, &policy);
	if (st == RS_OK)
		st = keys_variant(c, v, path, SC_KEYS(retry_keys), SC_BIT(policy), "policy",
		                  retry_names[policy]);
	r->policy = (rs_retry_policy)policy;
	if (st == RS_OK)
		st = retry_delays(c, v, path, r);
	if (st == RS_OK)
		st = retry_limits(c, v, path, r);
	return st;
}

static rs_status parse_client(sc *c, const cJSON *cl, const char *path, size_t i)
{
	rs_client_cfg *cli = &c->cfg->clients[i];
	cli->target_index = -1;
	cli->target_ref = (rs_target){.is_router = false, .index = -1};
	cli->rtt_ms = -1;
	retry_defaults(&cli->retry);
	rs_status st = expect_object(c, cl, path);
	if (st == RS_OK)
		st = keys_known(c, cl, path, SC_KEYS(client_keys));
	if (st == RS_OK)
		st = get_owned(c, cl, path, "name", false, NULL, &cli->name);
	if (st != RS_OK)
		return st;
	for (size_t j = 0; j < i; j++) {
		if (strcmp(c->cfg->clients[j].name, cli->name) == 0) {
			char kp[SC_PATH_MAX];
			child_key(kp, path, "name");
			return sc_invalid(c, kp, "\"%s\" is already the name of .clients[%zu]",
			                  cli->name, j);
		}
	}
	if ((st = get_owned(c, cl, path, "target", false, NULL, &cli->target)) != RS_OK)
		return st;
	if (!target_find(c->cfg, c->cfg->n_routers, cli->target, &cli->target_ref)) {
		char kp[SC_PATH_MAX];
		child_key(kp, path, "target");
		return no_target(c, kp, cli->target);
	}
	if (!cli->target_ref.is_router)
		cli->target_index = cli->target_ref.index;
	st = get_owned(c, cl, path, "region", false, NULL, &cli->region);
	if (st == RS_OK)
		st = get_int(c, cl, path, "priority", SC_NONNEG, RS_DEFAULT_CLIENT_PRIORITY,
		             &cli->priority);
	if (st == RS_OK)
		st = parse_arrival(c, cl, path, &cli->arrival);
	bool trace = cli->arrival.process == RS_ARRIVAL_TRACE;
	if (st == RS_OK)
		st = parse_dist(c, cl, path, "prompt_tokens", trace, &cli->prompt_tokens);
	if (st == RS_OK)
		st = parse_dist(c, cl, path, "output_tokens", trace, &cli->output_tokens);
	if (st == RS_OK)
		st = parse_max_tokens(c, cl, path, &cli->max_tokens);
	if (st == RS_OK)
		st = get_int(c, cl, path, "best_of", SC_GE1, RS_DEFAULT_BEST_OF, &cli->best_of);
	if (st == RS_OK)
		st = get_num(c, cl, path, "cached_fraction", SC_UNIT, RS_DEFAULT_CACHED_FRACTION,
		             &cli->cached_fraction);
	if (st == RS_OK)
		st = parse_retry(c, cl, path, &cli->retry);
	if (st == RS_OK)
		st = get_num(c, cl, path, "rtt_ms", SC_NONNEG, -1, &cli->rtt_ms);
	return st;
}

static rs_status parse_clients(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = get_array(c, root, "", "clients", "client", &arr, &n);
	if (st != RS_OK)
		return st;
	c->cfg->clients = rs_calloc(n, sizeof *c->cfg->clients);
	if (!c->cfg->clients)
		return sc_nomem(c);
	c->cfg->n_clients = n;
	size_t i = 0;
	for (const cJSON *cl = arr->child; cl; cl = cl->next, i++) {
		char path[SC_PATH_MAX];
		child_index(path, ".clients", i);
		if ((st = parse_client(c, cl, path, i)) != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- faults -------------------------------------------------------------- */

#define G_DOWN    SC_BIT(RS_FAULT_DOWN)
#define G_DEGRADE SC_BIT(RS_FAULT_DEGRADE)
#define G_SLOW    SC_BIT(RS_FAULT_LATENCY)

/* clang-format off */
static const sc_key fault_keys[] = {
    {"kind", 0, true, NULL},
    {"deployment", 0, false, NULL},
    {"region", 0, false, NULL},
    {"start_s", 0, true, NULL},
    {"end_s", 0, true, NULL},
    {"mode", G_DOWN, false, "only a \"down\" fault has a mode"},
    {"error_ms", G_DOWN, false, "only a \"down\" fault answers with errors"},
    {"scale", G_DEGRADE | G_SLOW, true, "a \"down\" fault does not serve at all"},
};
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
			list_add(buf, size, cfg->deployments[i].region);
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

static rs_status parse_fault(sc *c, const cJSON *f, const char *path, rs_fault_cfg *fault)
{
	int kind = RS_FAULT_DOWN, mode = RS_DEFAULT_FAULT_DOWN_MODE;
	fault->mode = RS_DEFAULT_FAULT_DOWN_MODE;
	fault->error_ms = RS_DEFAULT_FAULT_ERROR_MS;
	fault->scale = 1;
	rs_status st = expect_object(c, f, path);
	if (st == RS_OK)
		st = keys_known(c, f, path, SC_KEYS(fault_keys));
	if (st == RS_OK)
		st = get_enum(c, f, path, "kind", fault_names, SC_N(fault_names), RS_FAULT_DOWN,
		              &kind);
	if (st == RS_OK)
		st = keys_variant(c, f, path, SC_KEYS(fault_keys), SC_BIT(kind), "kind",
		                  fault_names[kind]);
	fault->kind = (rs_fault_kind)kind;
	if (st != RS_OK)
		return st;
	const cJSON *dep = member(f, "deployment"), *region = member(f, "region");
	if (!dep && !region)
		return sc_invalid(c, path, "needs \"deployment\" or \"region\"");
	if (dep && region)
		return sc_invalid(c, path, "takes \"deployment\" or \"region\", not both");
	char kp[SC_PATH_MAX];
	if (dep) {
		st = get_owned(c, f, path, "deployment", false, NULL, &fault->deployment);
		child_key(kp, path, "deployment");
		if (st == RS_OK &&
		    deployment_find(c->cfg, c->cfg->n_deployments, fault->deployment) < 0)
			return no_deployment(c, kp, fault->deployment);
	} else {
		st = get_owned(c, f, path, "region", false, NULL, &fault->region);
		child_key(kp, path, "region");
		if (st == RS_OK && !region_used(c->cfg, fault->region))
			return no_region(c, kp, fault->region);
	}
	if (st == RS_OK)
		st = get_num(c, f, path, "start_s", SC_NONNEG, 0, &fault->start_s);
	if (st == RS_OK)
		st = get_num(c, f, path, "end_s", SC_NONNEG, 0, &fault->end_s);
	if (st == RS_OK && !(fault->end_s > fault->start_s)) {
		char s0[32], e[32];
		child_key(kp, path, "end_s");
		fmt_num(s0, sizeof s0, fault->start_s);
		fmt_num(e, sizeof e, fault->end_s);
		return sc_invalid(c, kp, "must be > start_s (%s) (got %s)", s0, e);
	}
	if (st != RS_OK)
		return st;
	switch (fault->kind) {
	case RS_FAULT_DOWN:
		st = get_enum(c, f, path, "mode", down_mode_names, SC_N(down_mode_names),
		              RS_DEFAULT_FAULT_DOWN_MODE, &mode);
		fault->mode = (rs_down_mode)mode;
		if (st == RS_OK)
			st = key_unused(c, f, path, "error_ms", mode == RS_DOWN_ERROR, "mode",
			                down_mode_names[mode]);
		if (st == RS_OK)
			st = get_num(c, f, path, "error_ms", SC_NONNEG, RS_DEFAULT_FAULT_ERROR_MS,
			             &fault->error_ms);
		return st;
	case RS_FAULT_DEGRADE: /* a share of the capacity: it may shrink, not grow */
		return get_num(c, f, path, "scale", SC_SHARE, 1, &fault->scale);
	case RS_FAULT_LATENCY: /* a factor on latency: it may grow, not shrink */
		return get_num(c, f, path, "scale", SC_GE1, 1, &fault->scale);
	}
	return RS_OK;
}

static rs_status parse_faults(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = get_array_any(c, root, "", "faults", &arr, &n);
	if (st != RS_OK || n == 0)
		return st;
	c->cfg->faults = rs_calloc(n, sizeof *c->cfg->faults);
	if (!c->cfg->faults)
		return sc_nomem(c);
	c->cfg->n_faults = n;
	size_t i = 0;
	for (const cJSON *f = arr->child; f; f = f->next, i++) {
		char path[SC_PATH_MAX];
		child_index(path, ".faults", i);
		if ((st = parse_fault(c, f, path, &c->cfg->faults[i])) != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- network ------------------------------------------------------------- */

static const sc_key network_keys[] = {
    {"rtt_ms", 0, true, NULL},
};

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
			list_add(list, sizeof list, r);
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
		return wrong_type(c, path, "a string", m);
	return RS_OK;
}

/* network.rtt_ms[from][to], flattened into cfg->net_* in file order. */
static rs_status parse_network(sc *c, const cJSON *root)
{
	rs_config *cfg = c->cfg;
	const cJSON *net = member(root, "network");
	if (!net)
		return RS_OK;
	rs_status st = expect_object(c, net, ".network");
	if (st == RS_OK)
		st = keys_known(c, net, ".network", SC_KEYS(network_keys));
	const cJSON *m = member(net, "rtt_ms");
	if (st == RS_OK)
		st = expect_object(c, m, ".network.rtt_ms");
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
		child_key(fp, ".network.rtt_ms", from->string);
		bool note;
		if ((st = matrix_note(c, from, fp, &note)) != RS_OK)
			return st;
		if (note)
			continue;
		if ((st = expect_object(c, from, fp)) != RS_OK ||
		    (st = check_client_region(c, fp, from->string)) != RS_OK)
			return st;
		for (const cJSON *to = from->child; to; to = to->next) {
			char tp[SC_PATH_MAX];
			child_key(tp, fp, to->string);
			if ((st = matrix_note(c, to, tp, &note)) != RS_OK)
				return st;
			if (note)
				continue;
			if (!region_used(cfg, to->string))
				return no_region(c, tp, to->string);
			size_t k = cfg->n_net;
			if ((st = num_value(c, to, tp, SC_NONNEG, false, 0, &cfg->net_rtt_ms[k])) !=
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
    {"ptu_billing", 0, false, NULL},
};

static rs_status parse_pricing(sc *c, const cJSON *root)
{
	const cJSON *p = member(root, "pricing");
	int billing = RS_DEFAULT_PTU_BILLING;
	c->cfg->pricing.ptu_billing = RS_DEFAULT_PTU_BILLING;
	if (!p)
		return RS_OK;
	rs_status st = expect_object(c, p, ".pricing");
	if (st == RS_OK)
		st = keys_known(c, p, ".pricing", SC_KEYS(pricing_keys));
	if (st == RS_OK)
		st = get_enum(c, p, ".pricing", "ptu_billing", billing_names, SC_N(billing_names),
		              RS_DEFAULT_PTU_BILLING, &billing);
	c->cfg->pricing.ptu_billing = (rs_ptu_billing)billing;
	return st;
}

/* ---- the top level ------------------------------------------------------- */

static const sc_key top_keys[] = {
    {"$schema", 0, false, NULL}, /* for editors; ignored */
    {"name", 0, true, NULL},          {"description", 0, false, NULL}, {"seed", 0, false, NULL},
    {"duration_s", 0, true, NULL},    {"warmup_s", 0, false, NULL},    {"bucket_s", 0, false, NULL},
    {"strict_sizes", 0, false, NULL}, {"models", 0, false, NULL},      {"quotas", 0, false, NULL},
    {"deployments", 0, true, NULL},   {"clients", 0, true, NULL},      {"routers", 0, false, NULL},
    {"faults", 0, false, NULL},       {"network", 0, false, NULL},     {"pricing", 0, false, NULL},
    {"provenance", 0, false, NULL},   {"sweep", 0, false, NULL},       {"variants", 0, false, NULL},
};

static const sc_key provenance_keys[] = {
    {"source", 0, false, NULL},
    {"overrides", 0, false, NULL},
    {"replication", 0, false, NULL},
};

/* The "provenance" object (written by the loader itself, see
 * provenance_merge): informational, echoed in summary.json. */
static rs_status parse_provenance(sc *c, const cJSON *root)
{
	rs_config *cfg = c->cfg;
	const cJSON *p = member(root, "provenance");
	if (!p)
		return RS_OK;
	rs_status st = expect_object(c, p, ".provenance");
	if (st == RS_OK)
		st = keys_known(c, p, ".provenance", SC_KEYS(provenance_keys));
	if (st == RS_OK)
		st = get_owned(c, p, ".provenance", "source", true, "", &cfg->source);
	int64_t rep = 0;
	if (st == RS_OK)
		st =
		    get_whole(c, p, ".provenance", "replication", SC_NONNEG, SC_MAX_WHOLE, 0, &rep);
	cfg->replication = (uint64_t)rep;
	const cJSON *ov = member(p, "overrides");
	if (st != RS_OK || !ov)
		return st;
	if (!cJSON_IsArray(ov))
		return wrong_type(c, ".provenance.overrides", "an array of strings", ov);
	size_t n = (size_t)cJSON_GetArraySize(ov);
	cfg->overrides = rs_calloc(n ? n : 1, sizeof *cfg->overrides);
	if (!cfg->overrides)
		return sc_nomem(c);
	size_t i = 0;
	for (const cJSON *e = ov->child; e; e = e->next, i++) {
		char ep[SC_PATH_MAX];
		child_index(ep, ".provenance.overrides", i);
		if (!cJSON_IsString(e))
			return wrong_type(c, ep, "a string", e);
		if (!(cfg->overrides[i] = sc_strdup(e->valuestring)))
			return sc_nomem(c);
		cfg->n_overrides = i + 1;
	}
	return RS_OK;
}

static rs_status parse_top(sc *c, const cJSON *root)
{
	rs_config *cfg = c->cfg;
	int64_t seed = 0;
	rs_status st = keys_known(c, root, "", SC_KEYS(top_keys));
	if (st == RS_OK)
		st = get_owned(c, root, "", "name", false, NULL, &cfg->name);
	if (st == RS_OK)
		st = get_owned(c, root, "", "description", true, "", &cfg->description);
	if (st == RS_OK)
		st =
		    get_whole(c, root, "", "seed", SC_NONNEG, SC_MAX_WHOLE, RS_DEFAULT_SEED, &seed);
	cfg->seed = (uint64_t)seed;
	if (st == RS_OK)
		st = get_num(c, root, "", "duration_s", SC_POS, 0, &cfg->duration_s);
	if (st == RS_OK)
		st = get_num(c, root, "", "warmup_s", SC_NONNEG, RS_DEFAULT_WARMUP_S,
		             &cfg->warmup_s);
	if (st == RS_OK && !(cfg->warmup_s < cfg->duration_s)) {
		char w[32], d[32];
		fmt_num(w, sizeof w, cfg->warmup_s);
		fmt_num(d, sizeof d, cfg->duration_s);
		return sc_invalid(c, ".warmup_s", "must be < duration_s (%s) (got %s)", d, w);
	}
	if (st == RS_OK)
		st = get_num(c, root, "", "bucket_s", SC_POS, RS_DEFAULT_BUCKET_S, &cfg->bucket_s);
	if (st == RS_OK)
		st = get_bool(c, root, "", "strict_sizes", RS_DEFAULT_STRICT_SIZES,
		              &cfg->strict_sizes);
	if (st == RS_OK)
		st = parse_models(c, root);
	if (st == RS_OK)
		st = parse_quotas(c, root);
	if (st == RS_OK)
		st = parse_deployments(c, root);
	if (st == RS_OK)
		st = parse_routers(c, root);
	if (st == RS_OK)
		st = parse_clients(c, root);
	if (st == RS_OK)
		st = parse_faults(c, root);
	if (st == RS_OK)
		st = parse_network(c, root);
	if (st == RS_OK)
		st = parse_pricing(c, root);
	if (st == RS_OK)
		st = parse_provenance(c, root);
	/* read by `ratesim sweep` and `ratesim compare` (sweep.h, compare.h) */
	const cJSON *sw = member(root, "sweep"), *va = member(root, "variants");
	if (st == RS_OK && sw && !cJSON_IsObject(sw))
		st = wrong_type(c, ".sweep", "an object", sw);
	if (st == RS_OK && va && !cJSON_IsArray(va))
		st = wrong_type(c, ".variants", "an array", va);
	return st;
}

/* ---- duplicate keys ------------------------------------------------------ */

/* cJSON keeps both members of `{"a": 1, "a": 2}` and lookups see the first:
 * a silent surprise for the author, so it is an error.  path is a buffer of
 * SC_PATH_MAX bytes holding node's path; restored on return. */
static rs_status check_duplicates(sc *c, const cJSON *node, char *path)
{
	size_t len = strlen(path);
	size_t i = 0;
	for (const cJSON *m = node->child; m; m = m->next, i++) {
		if (cJSON_IsObject(node)) {
			rs_overrides_path_key(path, SC_PATH_MAX, m->string);
			for (const cJSON *p = node->child; p != m; p = p->next) {
				if (strcmp(p->string, m->string) == 0)
					return sc_invalid(c, path, "duplicate key");
			}
		} else {
			rs_overrides_path_index(path, SC_PATH_MAX, i);
		}
		rs_status st = check_duplicates(c, m, path);
		path[len] = '\0';
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- syntax errors ------------------------------------------------------- */

/* cJSON's own limit on nested arrays and objects. */
#define SC_NESTING_MSG "expected at most " SC_STR(CJSON_NESTING_LIMIT) " levels of nesting"

/* What the scanner expects next. */
typedef enum js_state {
	JS_VALUE,       /* a value (top level, or after ':') */
	JS_VALUE_FIRST, /* a value or ']' (after '[') */
	JS_VALUE_NEXT,  /* a value (after ',' in an array) */
	JS_KEY_FIRST,   /* a key or '}' (after '{') */
	JS_KEY_NEXT,    /* a key (after ',' in an object) */
	JS_COLON,       /* ':' after a key */
	JS_AFTER,       /* ',' or the container's closer, after a value */
	JS_END,         /* nothing: the top-level value is complete */
} js_state;

static bool js_literal_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '+' || ch == '.';
}

/* What was expected in state st, seeing ch (top: the innermost container). */
static const char *js_expected(js_state st, char ch, char top)
{
	if (ch == '\0')
		return "unexpected end of file";
	switch (st) {
	case JS_VALUE:
	case JS_VALUE_FIRST:
		return "expected a value";
	case JS_VALUE_NEXT:
		return ch == ']' || ch == '}' ? "expected a value (JSON allows no comma before ']')"
		                              : "expected a value";
	case JS_KEY_FIRST:
		return "expected a key in double quotes or '}'";
	case JS_KEY_NEXT:
		return ch == '}'
		           ? "expected a key in double quotes (JSON allows no comma before '}')"
		           : "expected a key in double quotes";
	case JS_COLON:
		return "expected ':'";
	case JS_AFTER:
		return top == '{' ? "expected ',' or '}'" : "expected ',' or ']'";
	case JS_END:
		break;
	}
	return "expected the end of the file after the top-level value";
}

/* Locate a syntax error that cJSON found at offset `bad` of `text`, and say
 * what was expected there.  A small scanner replays the text up to `bad`
 * with a stack of open containers; it stops earlier where it sees an error
 * itself (cJSON reports a bad key one character late, and an unterminated
 * string inside it rather than at its start).  OUT: *what.  Returns the
 * offset to report. */
static size_t json_locate(const char *text, size_t bad, const char **what)
{
	char stack[CJSON_NESTING_LIMIT + 1] = {0};
	size_t depth = 0, i = 0;
	js_state st = JS_VALUE;
	for (;;) {
		while (i < bad &&
		       (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
			i++;
		char ch = text[i], top = depth ? stack[depth - 1] : 0;
		if (i >= bad || ch == '\0')
			break;
		bool want_value = st == JS_VALUE || st == JS_VALUE_FIRST || st == JS_VALUE_NEXT;
		bool want_key = st == JS_KEY_FIRST || st == JS_KEY_NEXT;
		js_state after = depth ? JS_AFTER : JS_END; /* state after a value here */
		if ((ch == ']' && st == JS_VALUE_FIRST) || (ch == '}' && st == JS_KEY_FIRST) ||
		    (st == JS_AFTER && ch == (top == '{' ? '}' : ']'))) {
			depth--;
			st = depth ? JS_AFTER : JS_END;
			i++;
		} else if (want_value && (ch == '{' || ch == '[')) {
			if (depth == CJSON_NESTING_LIMIT)
				break; /* reported below */
			stack[depth++] = ch;
			st = ch == '{' ? JS_KEY_FIRST : JS_VALUE_FIRST;
			i++;
		} else if ((want_value || want_key) && ch == '"') {
			size_t j = i + 1;
			while (text[j] && text[j] != '"')
				j += text[j] == '\\' && text[j + 1] ? 2 : 1;
			if (!text[j]) {
				*what = "expected a closing '\"' for the string that starts here";
				return i;
			}
			if (bad <= j) {
				*what = text[bad] == '\\' ? "expected a valid escape after '\\'"
				                          : "expected a valid string";
				return bad;
			}
			st = want_key ? JS_COLON : after;
			i = j + 1;
		} else if (want_value && js_literal_char(ch)) {
			size_t j = i;
			while (js_literal_char(text[j]))
				j++;
			if (bad < j) {
				/* cJSON read a value off the front of this word */
				*what = js_expected(after, text[bad], top);
				return bad;
			}
			st = after;
			i = j;
		} else if (st == JS_COLON && ch == ':') {
			st = JS_VALUE;
			i++;
		} else if (st == JS_AFTER && ch == ',') {
			st = top == '{' ? JS_KEY_NEXT : JS_VALUE_NEXT;
			i++;
		} else {
			break;
		}
	}
	bool opens = (text[i] == '{' || text[i] == '[') &&
	             (st == JS_VALUE || st == JS_VALUE_FIRST || st == JS_VALUE_NEXT);
	if (opens && depth >= CJSON_NESTING_LIMIT)
		*what = SC_NESTING_MSG;
	else
		*what = js_expected(st, text[i], depth ? stack[depth - 1] : 0);
	return i;
}

static rs_status syntax_error(sc *c, const char *text, size_t at, const char *what)
{
	size_t line = 1, col = 1;
	for (size_t i = 0; i < at && text[i]; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return rs_fail(c->err, RS_ERR_SYNTAX, "%s:%zu:%zu: invalid JSON: %s", c->file, line, col,
	               what);
}

/* ---- entry points -------------------------------------------------------- */

/* Make root's "provenance" say where this scenario came from, before the
 * overrides are applied: the source file (kept when the text already says
 * one, as a run folder's scenario.json does) and the overrides so far
 * followed by these ones, except those that set provenance itself (the
 * command line's --replication).  A provenance that is not of the expected
 * shape is left alone for parse_provenance to report. */
static rs_status provenance_merge(sc *c, cJSON *root, const char *const *overrides, size_t n)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "provenance");
	if (p && !cJSON_IsObject(p))
		return RS_OK;
	if (!p && !(p = cJSON_AddObjectToObject(root, "provenance")))
		return sc_nomem(c);
	if (!cJSON_GetObjectItemCaseSensitive(p, "source") &&
	    !cJSON_AddStringToObject(p, "source", c->file))
		return sc_nomem(c);
	cJSON *ov = cJSON_GetObjectItemCaseSensitive(p, "overrides");
	if (ov && !cJSON_IsArray(ov))
		return RS_OK;
	if (!ov && !(ov = cJSON_AddArrayToObject(p, "overrides")))
		return sc_nomem(c);
	for (size_t i = 0; i < n; i++) {
		const char *a = overrides[i] + (overrides[i][0] == '.');
		if (strncmp(a, "provenance", strlen("provenance")) == 0)
			continue;
		cJSON *s = cJSON_CreateString(overrides[i]);
		if (!s)
			return sc_nomem(c);
		cJSON_AddItemToArray(ov, s);
	}
	return RS_OK;
}

rs_status rs_scenario_parse(const char *display_name, const char *text, const char *base_dir,
                            const char *const *overrides, size_t n_overrides, rs_config **out,
                            rs_error *err)
{
	sc c = {.file = display_name, .base_dir = base_dir, .err = err};
	*out = NULL;
	if (strncmp(text, SC_UTF8_BOM, strlen(SC_UTF8_BOM)) == 0)
		text += strlen(SC_UTF8_BOM);

	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, true);
	if (!root) {
		const char *what;
		size_t bad = end ? (size_t)(end - text) : 0;
		size_t at = json_locate(text, bad, &what);
		return syntax_error(&c, text, at, what);
	}
	rs_status st = RS_OK;
	char path[SC_PATH_MAX] = "";
	if (!cJSON_IsObject(root))
		st = wrong_type(&c, NULL, "a JSON object at the top level", root);
	if (st == RS_OK)
		st = check_duplicates(&c, root, path);
	if (st == RS_OK)
		st = provenance_merge(&c, root, overrides, n_overrides);
	for (size_t i = 0; i < n_overrides && st == RS_OK; i++)
		st = rs_overrides_apply(root, overrides[i], err);
	if (st == RS_OK) {
		c.cfg = rs_calloc(1, sizeof *c.cfg);
		if (!c.cfg || !(c.cfg->path = sc_strdup(display_name)))
			st = sc_nomem(&c);
	}
	if (st == RS_OK)
		st = parse_top(&c, root);
	/* one run's scenario: what decides the plan of several is left out */
	cJSON_DeleteItemFromObjectCaseSensitive(root, "sweep");
	cJSON_DeleteItemFromObjectCaseSensitive(root, "variants");
	if (st == RS_OK && !(c.cfg->effective_json = cJSON_Print(root)))
		st = sc_nomem(&c);
	cJSON_Delete(root);
	if (st != RS_OK) {
		rs_config_free(c.cfg);
		return st;
	}
	*out = c.cfg;
	return RS_OK;
}

/* The folder of `path` (a new string), or NULL when path names no folder. */
static char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	size_t n = slash == path ? 1 : (size_t)(slash - path); /* "/x.json" -> "/" */
	char *dir = malloc(n + 1);
	if (dir) {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	return dir;
}

rs_status rs_scenario_load(const char *path, const char *const *overrides, size_t n_overrides,
                           rs_config **out, rs_error *err)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < SC_READ_CHUNK) {
			char *nb = rs_realloc_array(buf, cap + SC_READ_CHUNK + 1, 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
			}
			buf = nb;
			cap += SC_READ_CHUNK;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	bool failed = ferror(f);
	int read_errno = errno;
	fclose(f);
	if (failed) {
		free(buf);
		return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", path, strerror(read_errno));
	}
	buf[len] = '\0';

	rs_status st;
	const char *nul = memchr(buf, '\0', len);
	if (nul) {
		sc c = {.file = path, .err = err};
		st = syntax_error(&c, buf, (size_t)(nul - buf), "unexpected NUL byte");
		free(buf);
		return st;
	}
	char *dir = folder_of(path);
	if (strchr(path, '/') && !dir)
		st = rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
	else
		st = rs_scenario_parse(path, buf, dir, overrides, n_overrides, out, err);
	free(dir);
	free(buf);
	return st;
}
