/*
 * test_scenario_keys.c - the loader's key tables, scenarios/schema.json and
 * scenarios/README.md say the same thing.
 *
 * The loader's tables (rs_scenario_keys_json) are the source of truth: each
 * row holds a key's name, type, default and range.  This test holds them
 * against
 *   - scenarios/schema.json: every key of a loader table is a property of
 *     the schema's object of the same name ($defs, or the root for "top"),
 *     with the same type, default, minimum / exclusiveMinimum and maximum in
 *     at least one of the object's branches (oneOf, anyOf, allOf, then,
 *     else, following $ref); and every schema property is a loader key;
 *   - scenarios/README.md: the table under "## Every key at a glance" is
 *     exactly the one the loader's tables give, row for row.  On a mismatch
 *     the expected table is written to build/test-logs/readme-keys.md, to be
 *     pasted over the README's.
 * The tests run from the top of the source tree (tests/run.sh).
 */
#include <cjson/cJSON.h>
#include <float.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratesim/scenario.h"

#define SCHEMA_PATH      "scenarios/schema.json"
#define README_PATH      "scenarios/README.md"
#define README_HEADING   "## Every key at a glance"
#define README_EXPECTED  "build/test-logs/readme-keys.md"
#define NUMBER_TOLERANCE 1e-14
#define MAX_BRANCH_DEPTH 8
#define MAX_DEFS         16
#define TEXT_MAX         (1 << 20)

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(TEXT_MAX);
	size_t n = buf ? fread(buf, 1, TEXT_MAX - 1, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

static cJSON *dump(void)
{
	char *text = rs_scenario_keys_json();
	cJSON *d = text ? cJSON_Parse(text) : NULL;
	free(text);
	return d;
}

/* The node a "$ref": "#/$defs/x" names, or NULL. */
static const cJSON *deref(const cJSON *schema, const cJSON *node)
{
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
	if (!cJSON_IsString(ref) || strncmp(ref->valuestring, "#/$defs/", 8) != 0)
		return NULL;
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(schema, "$defs");
	return cJSON_GetObjectItemCaseSensitive(defs, ref->valuestring + 8);
}

/* A field of a property definition, looking through its $ref chain (the
 * referring object's own fields win). */
static const cJSON *field(const cJSON *schema, const cJSON *def, const char *name)
{
	for (int depth = 0; def && depth < MAX_BRANCH_DEPTH; depth++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(def, name);
		if (v)
			return v;
		def = deref(schema, def);
	}
	return NULL;
}

/* The schema's type word for a property: "enum" and "const" are strings. */
static const char *schema_type(const cJSON *schema, const cJSON *def)
{
	const cJSON *t = field(schema, def, "type");
	if (cJSON_IsString(t))
		return t->valuestring;
	const cJSON *e = field(schema, def, "enum");
	const cJSON *c = field(schema, def, "const");
	if ((e && cJSON_IsString(e->child)) || cJSON_IsString(c))
		return "string";
	if (e && cJSON_IsNumber(e->child))
		return "integer";
	/* a oneOf of objects is an object */
	const cJSON *one = field(schema, def, "oneOf");
	if (one && one->child)
		return schema_type(schema, one->child);
	return NULL;
}

/* Equal numbers, to the last digit cJSON prints (it writes 2^53 with 15
 * significant digits). */
static bool same_number(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return !a && !b;
	if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b))
		return false;
	double x = a->valuedouble, y = b->valuedouble;
	return fabs(x - y) <= NUMBER_TOLERANCE * fmax(fabs(x), fabs(y));
}

/* Whether the schema definition says what the loader's row says. */
static bool def_matches(const cJSON *schema, const cJSON *def, const cJSON *row, char *why,
                        size_t size)
{
	const char *type = cJSON_GetObjectItemCaseSensitive(row, "type")->valuestring;
	if (strcmp(type, "any") == 0 || strcmp(type, "distribution") == 0)
		return true; /* "$schema"; a number or an object */
	const char *st = schema_type(schema, def);
	if (!st || strcmp(st, type) != 0) {
		snprintf(why, size, "type %s in the loader, %s in the schema", type,
		         st ? st : "none");
		return false;
	}
	static const char *const bounds[] = {"minimum", "exclusiveMinimum", "maximum", "default"};
	for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(row, bounds[i]);
		const cJSON *b = field(schema, def, bounds[i]);
		bool same;
		if (a && cJSON_IsNumber(a))
			same = same_number(a, b);
		else if (a && cJSON_IsString(a))
			same = cJSON_IsString(b) && strcmp(a->valuestring, b->valuestring) == 0;
		else if (a && cJSON_IsBool(a))
			same = cJSON_IsBool(b) && cJSON_IsTrue(a) == cJSON_IsTrue(b);
		else if (a)
			same = b && cJSON_Compare(a, b, true);
		else
			same = b == NULL;
		if (!same) {
			char *sa = a ? cJSON_PrintUnformatted(a) : NULL;
			char *sb = b ? cJSON_PrintUnformatted(b) : NULL;
			snprintf(why, size, "%s %s in the loader, %s in the schema", bounds[i],
			         sa ? sa : "none", sb ? sb : "none");
			free(sa);
			free(sb);
			return false;
		}
	}
	return true;
}

/* Every definition of property `key` in the object node: its properties
 * and those of its branches.  OUT: defs[*n]. */
static void find_defs(const cJSON *schema, const cJSON *node, const char *key, const cJSON **defs,
                      size_t *n, int depth)
{
	if (!node || depth > MAX_BRANCH_DEPTH)
		return;
	const cJSON *target = deref(schema, node);
	if (target)
		find_defs(schema, target, key, defs, n, depth + 1);
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(props, key);
	if (p && !cJSON_IsBool(p) && *n < MAX_DEFS)
		defs[(*n)++] = p;
	static const char *const lists[] = {"oneOf", "anyOf", "allOf"};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(node, lists[i]);
		for (const cJSON *b = arr ? arr->child : NULL; b; b = b->next)
			find_defs(schema, b, key, defs, n, depth + 1);
	}
	find_defs(schema, cJSON_GetObjectItemCaseSensitive(node, "then"), key, defs, n, depth + 1);
	find_defs(schema, cJSON_GetObjectItemCaseSensitive(node, "else"), key, defs, n, depth + 1);
}

/* Every property name of the object node (and its branches) is a key of
 * the loader's rows. */
static void schema_keys_known(const cJSON *schema, const cJSON *node, const cJSON *rows,
                              const char *table, int depth)
{
	if (!node || depth > MAX_BRANCH_DEPTH)
		return;
	const cJSON *target = deref(schema, node);
	if (target)
		schema_keys_known(schema, target, rows, table, depth + 1);
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
	for (const cJSON *p = props ? props->child : NULL; p; p = p->next) {
		if (strcmp(p->string, "comment") == 0 || cJSON_IsFalse(p))
			continue;
		bool found = false;
		for (const cJSON *r = rows->child; r && !found; r = r->next)
			found = strcmp(cJSON_GetObjectItemCaseSensitive(r, "key")->valuestring,
			               p->string) == 0;
		if (!found)
			TH_FAIL("%s: .%s is in %s but not in the loader's table", table, p->string,
			        SCHEMA_PATH);
	}
	static const char *const lists[] = {"oneOf", "anyOf", "allOf"};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(node, lists[i]);
		for (const cJSON *b = arr ? arr->child : NULL; b; b = b->next)
			schema_keys_known(schema, b, rows, table, depth + 1);
	}
	schema_keys_known(schema, cJSON_GetObjectItemCaseSensitive(node, "then"), rows, table,
	                  depth + 1);
	schema_keys_known(schema, cJSON_GetObjectItemCaseSensitive(node, "else"), rows, table,
	                  depth + 1);
}

/* The schema object that holds table's keys. */
static const cJSON *schema_object(const cJSON *schema, const char *table)
{
	if (strcmp(table, "top") == 0)
		return schema;
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(schema, "$defs");
	if (strcmp(table, "network_rtt") == 0) {
		/* network.rtt_ms[from][to]: a matrix, keyed by region names */
		const cJSON *net = cJSON_GetObjectItemCaseSensitive(defs, "network");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(net, "properties"), "rtt_ms");
		return cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(m, "additionalProperties"),
		    "additionalProperties");
	}
	return cJSON_GetObjectItemCaseSensitive(defs, table);
}

static void test_schema_matches_tables(void)
{
	cJSON *d = dump();
	char *text = slurp(SCHEMA_PATH);
	cJSON *schema = text ? cJSON_Parse(text) : NULL;
	free(text);
	CHECK(d != NULL);
	CHECK(schema != NULL);
	if (!d || !schema)
		goto out;
	size_t n_keys = 0;
	for (const cJSON *t = d->child; t; t = t->next) {
		const cJSON *obj = schema_object(schema, t->string);
		if (!obj) {
			TH_FAIL("%s: no such object in %s", t->string, SCHEMA_PATH);
			continue;
		}
		bool matrix = strcmp(t->string, "network_rtt") == 0;
		for (const cJSON *r = t->child; r; r = r->next, n_keys++) {
			const char *key = cJSON_GetObjectItemCaseSensitive(r, "key")->valuestring;
			const cJSON *defs[MAX_DEFS];
			size_t n = 0;
			if (matrix)
				defs[n++] = obj;
			else
				find_defs(schema, obj, key, defs, &n, 0);
			if (n == 0) {
				TH_FAIL("%s.%s: in the loader's table but not in %s", t->string,
				        key, SCHEMA_PATH);
				continue;
			}
			char why[256] = "";
			bool ok = false;
			for (size_t i = 0; i < n && !ok; i++)
				ok = def_matches(schema, defs[i], r, why, sizeof why);
			if (!ok)
				TH_FAIL("%s.%s: %s", t->string, key, why);
		}
		if (!matrix)
			schema_keys_known(schema, obj, t, t->string, 0);
	}
	CHECK(n_keys > 100); /* the dump is the whole loader, not a stub */
out:
	cJSON_Delete(d);
	cJSON_Delete(schema);
}

/* ---- the README's table ---------------------------------------------------- */

/* The shortest text that reads back as v. */
static void fmt_number(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, size, "%.17g", v);
}

/* The README's table as the loader's tables give it (a new string). */
static char *expected_table(const cJSON *d)
{
	size_t cap = TEXT_MAX, len = 0;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	len += (size_t)snprintf(out + len, cap - len,
	                        "| Object | Key | Type | Default | Minimum | Maximum |\n"
	                        "| --- | --- | --- | --- | --- | --- |\n");
	for (const cJSON *t = d->child; t; t = t->next) {
		for (const cJSON *r = t->child; r; r = r->next) {
			const char *key = cJSON_GetObjectItemCaseSensitive(r, "key")->valuestring;
			const char *type = cJSON_GetObjectItemCaseSensitive(r, "type")->valuestring;
			bool req = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "required"));
			const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "enum");
			char ty[512] = "", dflt[128] = "", lo[64] = "", hi[64] = "", num[48];
			if (e) {
				snprintf(ty, sizeof ty, "one of");
				for (const cJSON *x = e->child; x; x = x->next) {
					size_t l = strlen(ty);
					snprintf(ty + l, sizeof ty - l, "%s `%s`",
					         x == e->child ? "" : ",", x->valuestring);
				}
			} else {
				snprintf(ty, sizeof ty, "%s",
				         strcmp(type, "other") == 0
				             ? "object, array or distribution"
				             : type);
			}
			if (req) {
				size_t l = strlen(ty);
				snprintf(ty + l, sizeof ty - l, ", required");
			}
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "default");
			if (cJSON_IsNumber(v)) {
				fmt_number(num, sizeof num, v->valuedouble);
				snprintf(dflt, sizeof dflt, "`%s`", num);
			} else if (cJSON_IsString(v)) {
				snprintf(dflt, sizeof dflt, "`\"%s\"`", v->valuestring);
			} else if (cJSON_IsBool(v)) {
				snprintf(dflt, sizeof dflt, "`%s`",
				         cJSON_IsTrue(v) ? "true" : "false");
			} else if (v) {
				char *s = cJSON_PrintUnformatted(v);
				snprintf(dflt, sizeof dflt, "`%s`", s ? s : "");
				free(s);
			}
			if ((v = cJSON_GetObjectItemCaseSensitive(r, "minimum"))) {
				fmt_number(num, sizeof num, v->valuedouble);
				snprintf(lo, sizeof lo, ">= %s", num);
			} else if ((v = cJSON_GetObjectItemCaseSensitive(r, "exclusiveMinimum"))) {
				fmt_number(num, sizeof num, v->valuedouble);
				snprintf(lo, sizeof lo, "> %s", num);
			}
			if ((v = cJSON_GetObjectItemCaseSensitive(r, "maximum"))) {
				fmt_number(num, sizeof num, v->valuedouble);
				snprintf(hi, sizeof hi, "<= %s", num);
			}
			int w =
			    snprintf(out + len, cap - len, "| %s | `%s` | %s | %s | %s | %s |\n",
			             t->string, key, ty, dflt, lo, hi);
			if (w < 0 || (size_t)w >= cap - len) {
				free(out);
				return NULL;
			}
			len += (size_t)w;
		}
	}
	return out;
}

/* The README's table: the lines from the first "|" after the heading to
 * the first line that does not start with "|" (a new string). */
static char *readme_table(const char *readme)
{
	const char *h = strstr(readme, "\n" README_HEADING "\n");
	if (!h)
		return NULL;
	const char *start = strstr(h + 1, "\n|");
	if (!start)
		return NULL;
	start++;
	const char *end = start;
	while (*end == '|') {
		const char *nl = strchr(end, '\n');
		end = nl ? nl + 1 : end + strlen(end);
	}
	size_t n = (size_t)(end - start);
	char *t = malloc(n + 1);
	if (t) {
		memcpy(t, start, n);
		t[n] = '\0';
	}
	return t;
}

static void test_readme_matches_tables(void)
{
	cJSON *d = dump();
	char *readme = slurp(README_PATH);
	char *want = d ? expected_table(d) : NULL;
	char *got = readme ? readme_table(readme) : NULL;
	CHECK(want != NULL);
	if (!got)
		TH_FAIL("%s: no table under \"%s\"", README_PATH, README_HEADING);
	if (want && got && strcmp(want, got) != 0) {
		const char *a = want, *b = got;
		int line = 1;
		while (*a && *a == *b) {
			line += *a == '\n';
			a++;
			b++;
		}
		TH_FAIL("%s: the table under \"%s\" differs from the loader's tables at its line "
		        "%d; the expected table is in %s",
		        README_PATH, README_HEADING, line, README_EXPECTED);
	}
	if (want && (!got || strcmp(want, got) != 0)) {
		FILE *f = fopen(README_EXPECTED, "w");
		if (f) {
			fputs(want, f);
			fclose(f);
		}
	}
	free(want);
	free(got);
	free(readme);
	cJSON_Delete(d);
}

/* Every row of the dump is whole: a type, and numbers with both bounds. */
static void test_every_number_has_a_range(void)
{
	cJSON *d = dump();
	CHECK(d != NULL);
	for (const cJSON *t = d ? d->child : NULL; t; t = t->next) {
		for (const cJSON *r = t->child; r; r = r->next) {
			const char *key = cJSON_GetObjectItemCaseSensitive(r, "key")->valuestring;
			const char *type = cJSON_GetObjectItemCaseSensitive(r, "type")->valuestring;
			if (strcmp(type, "number") != 0 && strcmp(type, "integer") != 0)
				continue;
			bool lo = cJSON_GetObjectItemCaseSensitive(r, "minimum") ||
			          cJSON_GetObjectItemCaseSensitive(r, "exclusiveMinimum");
			if (!lo || !cJSON_GetObjectItemCaseSensitive(r, "maximum"))
				TH_FAIL("%s.%s: a number without a %s", t->string, key,
				        lo ? "maximum" : "minimum");
		}
	}
	cJSON_Delete(d);
}

int main(void)
{
	RUN(test_schema_matches_tables);
	RUN(test_readme_matches_tables);
	RUN(test_every_number_has_a_range);
	return th_done();
}
