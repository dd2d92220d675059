/*
 * scenario_keys.c - the loader's key-table machinery: messages, JSON paths,
 * "did you mean" suggestions, the key tables and the typed getters.
 *
 * Each kind of object has one table of sc_key rows, and a row is the one
 * place that says a key's name, which variants use it, whether it is
 * required, its type, its default and its valid range.  The same table
 * answers "is this key known?" (else: the nearest known key is suggested),
 * "is it used by this variant?" (a `tpm` on a provisioned deployment is an
 * error) and "is a required key missing?"; the getters take the type,
 * default and range from the row, so none is written twice; and the key
 * dump (rs_scenario_keys_json) prints the rows, so that a test holds
 * scenarios/schema.json and scenarios/README.md against them.  A getter
 * reads one member, checks its type and range, and says what is wrong with
 * the value's JSON path, so that every message of the loader has the same
 * shape ("FILE: PATH: must be > 0 (got -3)").
 *
 * Nothing here knows a scenario key by name, except "comment", which every
 * object accepts.  Cost: a key lookup is linear in its table (tens of rows);
 * a suggestion is an edit distance against each row (keys of <= 64 bytes).
 */
#include <assert.h>
#include <cjson/cJSON.h>
#include <float.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/overrides.h"
#include "scenario_keys.h"

rs_status sc_invalid(sc *c, const char *path, const char *fmt, ...)
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

rs_status sc_nomem(sc *c)
{
	return rs_fail(c->err, RS_ERR_NOMEM, "%s: out of memory", c->file);
}

/* The shortest text that reads back as v ("-3", "2.5", "0.1"). */
void sc_fmt_num(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, size, "%.17g", v);
}

/* What a value is, for "(got ...)": `string "ten"`, `number 5`, `true`,
 * `null`, `an object`, `an array`. */
void sc_describe(char *buf, size_t size, const cJSON *v)
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
		sc_fmt_num(num, sizeof num, v->valuedouble);
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

rs_status sc_wrong_type(sc *c, const char *path, const char *want, const cJSON *v)
{
	char got[SC_SHOW_STRING_MAX + 32];
	sc_describe(got, sizeof got, v);
	return sc_invalid(c, path, "must be %s (got %s)", want, got);
}

/* Append sep and item (item alone to an empty buffer), cutting at the
 * buffer's end. */
void sc_list_add_sep(char *buf, size_t size, const char *sep, const char *item)
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
void sc_list_add(char *buf, size_t size, const char *item)
{
	sc_list_add_sep(buf, size, ", ", item);
}

rs_status sc_client_name(sc *c, const cJSON *v, const char *path, int *index)
{
	if (!cJSON_IsString(v))
		return sc_wrong_type(c, path, "a client's name", v);
	for (size_t i = 0; i < c->cfg->n_clients; i++) {
		if (c->cfg->clients[i].name &&
		    strcmp(c->cfg->clients[i].name, v->valuestring) == 0) {
			*index = (int)i;
			return RS_OK;
		}
	}
	char list[SC_LIST_MAX] = "";
	for (size_t i = 0; i < c->cfg->n_clients; i++)
		sc_list_add(list, sizeof list, c->cfg->clients[i].name);
	return sc_invalid(c, path, "no client named \"%s\" (clients: %s)", v->valuestring, list);
}

void sc_child_key(char *out, const char *parent, const char *key)
{
	snprintf(out, SC_PATH_MAX, "%s", parent);
	rs_overrides_path_key(out, SC_PATH_MAX, key);
}

void sc_child_index(char *out, const char *parent, size_t i)
{
	snprintf(out, SC_PATH_MAX, "%s", parent);
	rs_overrides_path_index(out, SC_PATH_MAX, i);
}

char *sc_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

void sc_escape_message(rs_error *err)
{
	char out[RS_ERROR_MAX];
	size_t n = 0;
	for (const unsigned char *s = (const unsigned char *)err->msg; *s; s++) {
		char esc[8];
		if (*s == '\n')
			snprintf(esc, sizeof esc, "\\n");
		else if (*s == '\r')
			snprintf(esc, sizeof esc, "\\r");
		else if (*s == '\t')
			snprintf(esc, sizeof esc, "\\t");
		else if (*s < 0x20 || *s == 0x7f)
			snprintf(esc, sizeof esc, "\\x%02X", *s);
		else
			snprintf(esc, sizeof esc, "%c", *s);
		size_t len = strlen(esc);
		if (n + len >= sizeof out)
			break;
		memcpy(out + n, esc, len);
		n += len;
	}
	out[n] = '\0';
	memcpy(err->msg, out, n + 1);
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
const char *sc_nearest(const char *word, const char *const *cands, size_t n)
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

const sc_key *sc_key_at(sc_keys ks, size_t i)
{
	return (const sc_key *)(const void *)((const char *)ks.rows + i * ks.stride);
}

const sc_key *sc_key_find(sc_keys ks, const char *name)
{
	for (size_t i = 0; i < ks.n; i++) {
		if (strcmp(sc_key_at(ks, i)->name, name) == 0)
			return sc_key_at(ks, i);
	}
	return NULL;
}

const cJSON *sc_member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static rs_status unknown_key(sc *c, const char *path, const char *key, sc_keys ks)
{
	const char *cands[64];
	size_t n = 0;
	char list[SC_LIST_MAX] = "";
	for (size_t i = 0; i < ks.n && n + 1 < sizeof cands / sizeof cands[0]; i++) {
		const char *name = sc_key_at(ks, i)->name;
		if (sc_key_find(ks, name) != sc_key_at(ks, i))
			continue; /* a second row of the same key */
		cands[n++] = name;
		if (name[0] != '$')
			sc_list_add(list, sizeof list, name);
	}
	cands[n++] = SC_COMMENT_KEY;
	const char *near = sc_nearest(key, cands, n);
	if (near)
		return sc_invalid(c, path, "unknown key; did you mean \"%s\"?", near);
	return sc_invalid(c, path, "unknown key (expected one of: %s)", list);
}

/* Every key of obj is in the table (or is a string "comment"), and every key
 * required by all variants is there. */
rs_status sc_keys_known(sc *c, const cJSON *obj, const char *path, sc_keys ks)
{
	char kp[SC_PATH_MAX];
	for (const cJSON *m = obj->child; m; m = m->next) {
		sc_child_key(kp, path, m->string);
		if (strcmp(m->string, SC_COMMENT_KEY) == 0) {
			if (!cJSON_IsString(m))
				return sc_wrong_type(c, kp, "a string", m);
			continue;
		}
		if (!sc_key_find(ks, m->string))
			return unknown_key(c, kp, m->string, ks);
	}
	for (size_t i = 0; i < ks.n; i++) {
		const sc_key *k = sc_key_at(ks, i);
		if (k->required && !k->groups && !sc_member(obj, k->name)) {
			sc_child_key(kp, path, k->name);
			return sc_invalid(c, kp, "required key is missing");
		}
	}
	return RS_OK;
}

/* Once the variant is known (the value `dvalue` of the discriminator key
 * `dkey`; its bit `group`): no key of another variant is present, and every
 * key the variant requires is. */
/* The variants that use key: the union over its rows (a key may have one
 * row per meaning, as a fault's scale); 0 when one row says every variant. */
static unsigned key_groups(sc_keys ks, const char *name)
{
	unsigned groups = 0;
	for (size_t i = 0; i < ks.n; i++) {
		const sc_key *k = sc_key_at(ks, i);
		if (strcmp(k->name, name) != 0)
			continue;
		if (!k->groups)
			return 0;
		groups |= k->groups;
	}
	return groups;
}

rs_status sc_keys_variant(sc *c, const cJSON *obj, const char *path, sc_keys ks, unsigned group,
                          const char *dkey, const char *dvalue)
{
	char kp[SC_PATH_MAX];
	if (c->n_var == SC_VARIANTS_MAX) {
		memmove(c->var_obj, c->var_obj + 1, (SC_VARIANTS_MAX - 1) * sizeof c->var_obj[0]);
		memmove(c->var_group, c->var_group + 1,
		        (SC_VARIANTS_MAX - 1) * sizeof c->var_group[0]);
		c->n_var--;
	}
	c->var_obj[c->n_var] = obj;
	c->var_group[c->n_var++] = group;
	for (const cJSON *m = obj->child; m; m = m->next) {
		const sc_key *k = sc_key_find(ks, m->string);
		if (k && k->groups && !(key_groups(ks, m->string) & group)) {
			sc_child_key(kp, path, m->string);
			return sc_invalid(c, kp, "not used when %s is \"%s\"%s%s", dkey, dvalue,
			                  k->hint ? "; " : "", k->hint ? k->hint : "");
		}
	}
	for (size_t i = 0; i < ks.n; i++) {
		const sc_key *k = sc_key_at(ks, i);
		if (k->required && (k->groups & group) && !sc_member(obj, k->name)) {
			sc_child_key(kp, path, k->name);
			return sc_invalid(c, kp, "required key is missing");
		}
	}
	return RS_OK;
}

/* ---- the effective scenario ------------------------------------------------ */

cJSON *sc_exact_number(double v)
{
	char num[32];
	sc_fmt_num(num, sizeof num, v);
	return cJSON_CreateRaw(num);
}

bool sc_write(sc *c, const cJSON *obj, const char *key, cJSON *v)
{
	cJSON *o = (cJSON *)(uintptr_t)obj; /* the loader's own tree: see sc */
	bool ok = v && (cJSON_GetObjectItemCaseSensitive(o, key)
	                    ? cJSON_ReplaceItemInObjectCaseSensitive(o, key, v)
	                    : cJSON_AddItemToObject(o, key, v));
	if (!ok) {
		cJSON_Delete(v);
		c->oom = true;
	}
	return ok;
}

/* Whether row k applies to obj: every variant, or obj's recorded one. */
static bool row_applies(const sc *c, const cJSON *obj, const sc_key *k)
{
	if (!k->groups)
		return true;
	for (size_t i = c->n_var; i-- > 0;) {
		if (c->var_obj[i] == obj)
			return (c->var_group[i] & k->groups) != 0;
	}
	return false;
}

/* The row's default, written into obj when it applies there. */
static void write_default(sc *c, const cJSON *obj, const sc_key *k)
{
	if (!k->has_dflt || !row_applies(c, obj, k))
		return;
	cJSON *v;
	switch (k->type) {
	case SC_T_NUMBER:
	case SC_T_WHOLE:
		v = sc_exact_number(k->dflt);
		break;
	case SC_T_BOOL:
		v = cJSON_CreateBool(k->dflt != 0);
		break;
	case SC_T_ENUM:
		v = cJSON_CreateString(k->names[(size_t)k->dflt]);
		break;
	case SC_T_STRING:
		v = cJSON_CreateString(k->dflt_str);
		break;
	case SC_T_OBJECT:
	case SC_T_ARRAY:
		v = cJSON_Parse(k->dflt_str);
		break;
	default:
		return;
	}
	sc_write(c, obj, k->name, v);
}

const cJSON *sc_member_or_default(sc *c, const cJSON *obj, sc_keys ks, const char *key)
{
	const cJSON *v = sc_member(obj, key);
	if (v)
		return v;
	const sc_key *k = sc_key_find(ks, key);
	if (!k || !k->has_dflt || (k->type != SC_T_OBJECT && k->type != SC_T_ARRAY))
		return NULL;
	write_default(c, obj, k);
	return sc_member(obj, key);
}

bool sc_exact_numbers(cJSON *node)
{
	for (cJSON *m = node->child; m; m = m->next) {
		if (cJSON_IsNumber(m)) {
			char num[32];
			sc_fmt_num(num, sizeof num, m->valuedouble);
			char *raw = sc_strdup(num);
			if (!raw)
				return false;
			m->type = cJSON_Raw;
			m->valuestring = raw;
		} else if ((cJSON_IsObject(m) || cJSON_IsArray(m)) && !sc_exact_numbers(m)) {
			return false;
		}
	}
	return true;
}

/* The row of key in ks; a getter asked for a key its table lacks is a bug. */
static const sc_key *row_of(sc_keys ks, const char *key)
{
	const sc_key *k = sc_key_find(ks, key);
	assert(k && "a getter's key is in its table");
	return k;
}

/* Check a number against its row: finite, the rule's lower bound, min,
 * whole when the row says so, max.  path names the value. OUT: *out. */
rs_status sc_num_value(sc *c, const cJSON *v, const char *path, const sc_key *k, double *out)
{
	if (!cJSON_IsNumber(v))
		return sc_wrong_type(c, path, "a number", v);
	double x = v->valuedouble;
	char got[32], lim[32];
	sc_fmt_num(got, sizeof got, x);
	if (!isfinite(x))
		return sc_invalid(c, path, "must be a finite number (got %s)", got);
	switch (k->rule) {
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
	if (k->min > 0 && x < k->min) {
		sc_fmt_num(lim, sizeof lim, k->min);
		return sc_invalid(c, path, "must be >= %s (got %s)", lim, got);
	}
	if (k->type == SC_T_WHOLE && x != floor(x))
		return sc_invalid(c, path, "must be a whole number (got %s)", got);
	if (x > k->max) {
		sc_fmt_num(lim, sizeof lim, k->max);
		return sc_invalid(c, path, "must be at most %s (got %s)", lim, got);
	}
	*out = x;
	return RS_OK;
}

bool sc_in_range(const sc_key *k, double v)
{
	rs_error quiet;
	sc c = {.file = "", .err = &quiet};
	cJSON *n = cJSON_CreateNumber(v);
	double out;
	bool ok = n && sc_num_value(&c, n, "", k, &out) == RS_OK;
	cJSON_Delete(n);
	return ok;
}

rs_status sc_get_num_or(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                        double dflt, double *out)
{
	const sc_key *k = row_of(ks, key);
	const cJSON *v = sc_member(obj, key);
	if (!v) {
		*out = dflt;
		return RS_OK;
	}
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, key);
	return sc_num_value(c, v, kp, k, out);
}

rs_status sc_get_num(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                     double *out)
{
	const sc_key *k = row_of(ks, key);
	if (!k->has_dflt && !sc_member(obj, key))
		return RS_OK; /* not set: the caller's value stands */
	if (!sc_member(obj, key)) {
		*out = k->dflt;
		write_default(c, obj, k);
		return RS_OK;
	}
	return sc_get_num_or(c, obj, path, ks, key, k->dflt, out);
}

rs_status sc_get_whole(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                       int64_t *out)
{
	const sc_key *k = row_of(ks, key);
	assert(k->type == SC_T_WHOLE && k->max <= SC_MAX_WHOLE);
	if (!k->has_dflt && !sc_member(obj, key))
		return RS_OK;
	double x;
	rs_status st = sc_get_num(c, obj, path, ks, key, &x);
	if (st == RS_OK)
		*out = (int64_t)x;
	return st;
}

rs_status sc_get_int_or(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                        int dflt, int *out)
{
	const sc_key *k = row_of(ks, key);
	assert(k->type == SC_T_WHOLE && k->max <= INT_MAX);
	(void)k;
	double x;
	rs_status st = sc_get_num_or(c, obj, path, ks, key, dflt, &x);
	if (st == RS_OK)
		*out = (int)x;
	return st;
}

rs_status sc_get_int(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                     int *out)
{
	const sc_key *k = row_of(ks, key);
	if (!k->has_dflt && !sc_member(obj, key))
		return RS_OK;
	if (!sc_member(obj, key)) {
		*out = (int)k->dflt;
		write_default(c, obj, k);
		return RS_OK;
	}
	return sc_get_int_or(c, obj, path, ks, key, (int)k->dflt, out);
}

rs_status sc_get_bool(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                      bool *out)
{
	const sc_key *k = row_of(ks, key);
	assert(k->type == SC_T_BOOL);
	const cJSON *v = sc_member(obj, key);
	if (!v) {
		*out = k->has_dflt && k->dflt != 0;
		write_default(c, obj, k);
		return RS_OK;
	}
	if (!cJSON_IsBool(v)) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, key);
		return sc_wrong_type(c, kp, "true or false", v);
	}
	*out = cJSON_IsTrue(v);
	return RS_OK;
}

/* A string member, "" refused unless allow_empty. OUT: *out (borrowed). */
static rs_status str_value(sc *c, const cJSON *obj, const char *path, const char *key,
                           bool allow_empty, const char **out)
{
	const cJSON *v = sc_member(obj, key);
	*out = NULL;
	if (!v)
		return RS_OK;
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, key);
	if (!cJSON_IsString(v))
		return sc_wrong_type(c, kp, "a string", v);
	if (!allow_empty && !*v->valuestring)
		return sc_invalid(c, kp, "must not be empty");
	*out = v->valuestring;
	return RS_OK;
}

rs_status sc_get_str(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                     const char **out)
{
	const sc_key *k = row_of(ks, key);
	assert(k->type == SC_T_STRING);
	return str_value(c, obj, path, key, k->empty_ok, out);
}

rs_status sc_get_owned(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                       char **out)
{
	const sc_key *k = row_of(ks, key);
	const char *s;
	rs_status st = sc_get_str(c, obj, path, ks, key, &s);
	if (st != RS_OK)
		return st;
	if (!s && k->has_dflt) {
		s = k->dflt_str;
		write_default(c, obj, k);
	}
	if (!s)
		return RS_OK;
	*out = sc_strdup(s);
	return *out ? RS_OK : sc_nomem(c);
}

rs_status sc_get_enum_in(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                         const char *const *names, size_t n, int dflt, int *out)
{
	const sc_key *k = row_of(ks, key);
	assert(k->type == SC_T_ENUM);
	(void)k;
	const char *s;
	rs_status st = str_value(c, obj, path, key, true, &s);
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
			sc_list_add(list, sizeof list, names[i]);
	}
	char kp[SC_PATH_MAX], got[SC_SHOW_STRING_MAX + 32];
	sc_child_key(kp, path, key);
	sc_describe(got, sizeof got, sc_member(obj, key));
	return sc_invalid(c, kp, "must be one of: %s (got %s)", list, got);
}

rs_status sc_get_enum(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                      int *out)
{
	const sc_key *k = row_of(ks, key);
	assert(k->names);
	if (!sc_member(obj, key))
		write_default(c, obj, k);
	return sc_get_enum_in(c, obj, path, ks, key, k->names, k->n_names,
	                      k->has_dflt ? (int)k->dflt : 0, out);
}

/* A key that only one value of another key (dkey) uses: when `used` is
 * false and obj has the key, say so, as keys_variant does for the variant
 * key of a table. */
rs_status sc_key_unused(sc *c, const cJSON *obj, const char *path, const char *key, bool used,
                        const char *dkey, const char *dvalue)
{
	if (used || !sc_member(obj, key))
		return RS_OK;
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, key);
	return sc_invalid(c, kp, "not used when %s is \"%s\"", dkey, dvalue);
}

/* "must be >= OTHER (V) (got X)": a number that must not be below another
 * key's value. */
rs_status sc_below(sc *c, const char *path, const char *key, const char *other, double lo,
                   double got)
{
	char kp[SC_PATH_MAX], l[32], g[32];
	sc_child_key(kp, path, key);
	sc_fmt_num(l, sizeof l, lo);
	sc_fmt_num(g, sizeof g, got);
	return sc_invalid(c, kp, "must be >= %s (%s) (got %s)", other, l, g);
}

/* "must be <= OTHER (V) (got X)": the mirror of sc_below(), said of the key the
 * author wrote when the other one was left at its default. */
rs_status sc_above(sc *c, const char *path, const char *key, const char *other, double hi,
                   double got)
{
	char kp[SC_PATH_MAX], h[32], g[32];
	sc_child_key(kp, path, key);
	sc_fmt_num(h, sizeof h, hi);
	sc_fmt_num(g, sizeof g, got);
	return sc_invalid(c, kp, "must be <= %s (%s) (got %s)", other, h, g);
}

rs_status sc_expect_object(sc *c, const cJSON *v, const char *path)
{
	return cJSON_IsObject(v) ? RS_OK : sc_wrong_type(c, path, "an object", v);
}

/* obj.key as an array (when present), empty or not. OUT: *arr (NULL when
 * absent), *n. */
rs_status sc_get_array_any(sc *c, const cJSON *obj, const char *path, const char *key,
                           const cJSON **arr, size_t *n)
{
	const cJSON *v = sc_member(obj, key);
	*arr = NULL;
	*n = 0;
	if (!v)
		return RS_OK;
	if (!cJSON_IsArray(v)) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, key);
		return sc_wrong_type(c, kp, "an array", v);
	}
	*arr = v;
	*n = (size_t)cJSON_GetArraySize(v);
	return RS_OK;
}

/* obj.key as a non-empty array (when present). OUT: *arr (NULL when absent), *n. */
rs_status sc_get_array(sc *c, const cJSON *obj, const char *path, const char *key, const char *what,
                       const cJSON **arr, size_t *n)
{
	const cJSON *v = sc_member(obj, key);
	*arr = NULL;
	*n = 0;
	if (!v)
		return RS_OK;
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, key);
	if (!cJSON_IsArray(v))
		return sc_wrong_type(c, kp, "an array", v);
	int size = cJSON_GetArraySize(v);
	if (size == 0)
		return sc_invalid(c, kp, "needs at least one %s", what);
	*arr = v;
	*n = (size_t)size;
	return RS_OK;
}

/* ---- the key dump --------------------------------------------------------- */

static const char *type_name(sc_type t)
{
	switch (t) {
	case SC_T_STRING:
	case SC_T_ENUM:
		return "string";
	case SC_T_BOOL:
		return "boolean";
	case SC_T_NUMBER:
		return "number";
	case SC_T_WHOLE:
		return "integer";
	case SC_T_OBJECT:
		return "object";
	case SC_T_ARRAY:
		return "array";
	case SC_T_DIST:
		return "distribution";
	case SC_T_OTHER:
		break;
	}
	return "any";
}

/* obj.name = v, written with sc_fmt_num (cJSON's own printing rounds 2^53
 * to 15 digits). */
static bool add_exact(cJSON *obj, const char *name, double v)
{
	char num[32];
	sc_fmt_num(num, sizeof num, v);
	return cJSON_AddRawToObject(obj, name, num) != NULL;
}

/* The bounds of a number row in JSON Schema's words: minimum or
 * exclusiveMinimum, and maximum (a whole number > 0 is >= 1). */
static bool add_bounds(cJSON *o, const sc_key *k)
{
	double lo = 0, hi = k->max;
	bool has_lo = true, open = false;
	switch (k->rule) {
	case SC_POS:
		open = true;
		break;
	case SC_NONNEG:
		break;
	case SC_GE1:
		lo = 1;
		break;
	case SC_UNIT:
		hi = hi < 1 ? hi : 1;
		break;
	case SC_SHARE:
		open = true;
		hi = hi < 1 ? hi : 1;
		break;
	case SC_ANY:
		has_lo = false;
		break;
	}
	if (k->min > 0) {
		lo = k->min;
		has_lo = true;
		open = false;
	}
	if (open && k->type == SC_T_WHOLE) {
		lo = floor(lo) + 1;
		open = false;
	}
	bool ok = true;
	if (has_lo)
		ok = add_exact(o, open ? "exclusiveMinimum" : "minimum", lo);
	if (ok && hi < DBL_MAX)
		ok = add_exact(o, "maximum", hi);
	return ok;
}

/* One row as {"key", "type", "required", "groups", bounds, "default", "enum"}. */
static cJSON *row_json(const sc_key *k)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o && cJSON_AddStringToObject(o, "key", k->name) &&
	          cJSON_AddStringToObject(o, "type", type_name(k->type)) &&
	          cJSON_AddBoolToObject(o, "required", k->required) &&
	          cJSON_AddNumberToObject(o, "groups", k->groups);
	if (ok && (k->type == SC_T_NUMBER || k->type == SC_T_WHOLE))
		ok = add_bounds(o, k);
	if (ok && k->has_dflt) {
		cJSON *d = NULL;
		char num[32];
		sc_fmt_num(num, sizeof num, k->dflt);
		if (k->type == SC_T_BOOL)
			d = cJSON_CreateBool(k->dflt != 0);
		else if (k->type == SC_T_ENUM)
			d = cJSON_CreateString(k->names[(size_t)k->dflt]);
		else if (k->type == SC_T_STRING)
			d = cJSON_CreateString(k->dflt_str);
		else if (k->type == SC_T_OBJECT || k->type == SC_T_ARRAY)
			d = cJSON_Parse(k->dflt_str);
		else
			d = cJSON_CreateRaw(num);
		ok = d && cJSON_AddItemToObject(o, "default", d);
	}
	if (ok && k->type == SC_T_ENUM) {
		cJSON *e = cJSON_AddArrayToObject(o, "enum");
		for (size_t i = 0; ok && e && i < k->n_names; i++) {
			if (k->names[i])
				ok = cJSON_AddItemToArray(e, cJSON_CreateString(k->names[i]));
		}
		ok = ok && e;
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

bool sc_tables_json(cJSON *out, const sc_table *tables, size_t n)
{
	for (size_t t = 0; t < n; t++) {
		cJSON *arr = cJSON_AddArrayToObject(out, tables[t].name);
		if (!arr)
			return false;
		for (size_t i = 0; i < tables[t].keys.n; i++) {
			cJSON *row = row_json(sc_key_at(tables[t].keys, i));
			if (!row || !cJSON_AddItemToArray(arr, row)) {
				cJSON_Delete(row);
				return false;
			}
		}
	}
	return true;
}
