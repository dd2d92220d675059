/*
 * overrides.c - `--set PATH=VALUE` applied to a scenario's JSON tree.
 *
 * An assignment is handled in three steps, so that a failed one leaves the
 * tree untouched: split off and parse PATH into segments, parse VALUE into a
 * new cJSON node, then walk the tree and graft the node in place.  The path
 * syntax is in overrides.h; the same syntax is used by the loader to name a
 * value in its messages (rs_overrides_path_key).
 *
 * A missing object on the path is created only when the caller names its
 * key as creatable (rs_overrides_apply_in), and removed again if the
 * assignment then fails.
 *
 * Cost: O(length of the assignment) to parse, plus a linear search of each
 * object or array the path walks through.
 */
#include "ratesim/overrides.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest path shown in a message; longer ones are truncated. */
#define OV_SHOWN_MAX 512

typedef struct ov_seg {
	bool is_index;
	size_t index; /* is_index */
	char *key;    /* !is_index; owned */
} ov_seg;

typedef struct ov_path {
	ov_seg *segs;
	size_t n;
	const char *value; /* borrowed: the text after the '=' */
} ov_path;

static void path_fini(ov_path *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->segs[i].key);
	free(p->segs);
	p->segs = NULL;
	p->n = 0;
}

static bool key_is_plain(const char *key)
{
	if (!*key)
		return false;
	for (const char *s = key; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '$')
			return false;
	}
	return true;
}

void rs_overrides_path_key(char *buf, size_t size, const char *key)
{
	size_t len = strlen(buf);
	if (len + 1 >= size)
		return;
	if (key_is_plain(key)) {
		snprintf(buf + len, size - len, ".%s", key);
		return;
	}
	/* ["key"] with '"' and '\' escaped, byte by byte so truncation is safe */
	char *p = buf + len, *end = buf + size - 1;
	const char *open = "[\"";
	while (*open && p < end)
		*p++ = *open++;
	for (const char *s = key; *s && p < end; s++) {
		if ((*s == '"' || *s == '\\') && p + 1 < end)
			*p++ = '\\';
		*p++ = *s;
	}
	const char *close = "\"]";
	while (*close && p < end)
		*p++ = *close++;
	*p = '\0';
}

void rs_overrides_path_index(char *buf, size_t size, size_t index)
{
	size_t len = strlen(buf);
	if (len + 1 >= size)
		return;
	snprintf(buf + len, size - len, "[%zu]", index);
}

static rs_status push_seg(ov_path *p, ov_seg seg)
{
	ov_seg *segs = rs_realloc_array(p->segs, p->n + 1, sizeof *segs);
	if (!segs) {
		free(seg.key);
		return RS_ERR_NOMEM;
	}
	p->segs = segs;
	p->segs[p->n++] = seg;
	return RS_OK;
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* A malformed path: say what was expected and where (1-based column). */
static rs_status bad_path(rs_error *err, const char *a, const char *at, const char *what)
{
	return rs_fail(err, RS_ERR_USAGE, "--set %s: malformed path at column %zu: expected %s", a,
	               (size_t)(at - a) + 1, what);
}

/* Parse `[...]` at *s (pointing at '['): an index or a quoted key. */
static rs_status parse_bracket(const char *a, const char **s, ov_path *p, rs_error *err)
{
	const char *c = *s + 1;
	ov_seg seg = {0};
	if (isdigit((unsigned char)*c)) {
		size_t v = 0;
		bool huge = false;
		while (isdigit((unsigned char)*c)) {
			if (v > ((size_t)INT_MAX - 9) / 10)
				huge = true; /* no cJSON array is this long */
			else
				v = v * 10 + (size_t)(*c - '0');
			c++;
		}
		seg.is_index = true;
		seg.index = huge ? (size_t)INT_MAX : v;
	} else if (*c == '"') {
		c++;
		size_t cap = strlen(c) + 1, n = 0;
		char *key = malloc(cap);
		if (!key)
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		while (*c && *c != '"') {
			if (*c == '\\' && c[1])
				c++;
			key[n++] = *c++;
		}
		key[n] = '\0';
		if (*c != '"') {
			free(key);
			return bad_path(err, a, c, "'\"' to close the quoted key");
		}
		c++;
		seg.key = key;
	} else {
		return bad_path(err, a, c, "an index or a quoted key after '['");
	}
	if (*c != ']') {
		free(seg.key);
		return bad_path(err, a, c, "']'");
	}
	*s = c + 1;
	if (push_seg(p, seg) != RS_OK)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	return RS_OK;
}

/* Split "PATH=VALUE" into segments and the value text. OUT: *p. */
static rs_status parse_assignment(const char *a, ov_path *p, rs_error *err)
{
	const char *s = a;
	if (!strchr(a, '='))
		return rs_fail(err, RS_ERR_USAGE, "--set %s: expected PATH=VALUE", a);
	if (*s == '.' && s[1] == '[')
		s++; /* `.[0]` at the start, as jq writes it */
	bool need_key = *s == '.';
	if (need_key)
		s++;
	for (;;) {
		if (*s == '[' && !need_key) {
			rs_status st = parse_bracket(a, &s, p, err);
			if (st != RS_OK)
				return st;
		} else {
			size_t n = strcspn(s, ".[=");
			if (n == 0) {
				if (p->n == 0 && *s == '=')
					return rs_fail(
					    err, RS_ERR_USAGE,
					    "--set %s: expected PATH=VALUE (the path is empty)", a);
				return bad_path(err, a, s, "a key");
			}
			ov_seg seg = {.key = dup_range(s, n)};
			if (!seg.key || push_seg(p, seg) != RS_OK)
				return rs_fail(err, RS_ERR_NOMEM, "out of memory");
			s += n;
		}
		need_key = false;
		if (*s == '=') {
			p->value = s + 1;
			return RS_OK;
		}
		if (*s == '.') {
			need_key = true;
			s++;
		} else if (*s != '[') {
			return bad_path(err, a, s, "'.', '[' or '='");
		}
	}
}

/* VALUE as JSON when it is JSON, else as a string. Caller owns the node. */
static cJSON *parse_value(const char *text)
{
	cJSON *v = cJSON_ParseWithOpts(text, NULL, true);
	if (v)
		return v;
	return cJSON_CreateString(text);
}

static const char *shown(const char *path)
{
	return *path ? path : ".";
}

rs_status rs_overrides_apply(cJSON *root, const char *assignment, rs_error *err)
{
	return rs_overrides_apply_in(root, assignment, NULL, 0, err);
}

static bool is_creatable(const char *key, const char *const *creatable, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(key, creatable[i]) == 0)
			return true;
	}
	return false;
}

rs_status rs_overrides_apply_in(cJSON *root, const char *assignment, const char *const *creatable,
                                size_t n_creatable, rs_error *err)
{
	ov_path p = {0};
	rs_status st = parse_assignment(assignment, &p, err);
	if (st != RS_OK) {
		path_fini(&p);
		return st;
	}
	cJSON *value = parse_value(p.value);
	if (!value) {
		path_fini(&p);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}

	char at[OV_SHOWN_MAX] = "";
	cJSON *node = root;
	/* the first object this assignment created, and its parent: removed
	 * again when the assignment fails further on */
	cJSON *created = NULL, *created_in = NULL;
	for (size_t i = 0; i < p.n; i++) {
		const ov_seg *seg = &p.segs[i];
		bool last = i + 1 == p.n;
		cJSON *child;
		if (seg->is_index) {
			if (!cJSON_IsArray(node)) {
				st = rs_fail(err, RS_ERR_USAGE,
				             "--set %s: %s: not an array, so [%zu] does not apply",
				             assignment, shown(at), seg->index);
				goto out;
			}
			int size = cJSON_GetArraySize(node);
			char parent[OV_SHOWN_MAX];
			snprintf(parent, sizeof parent, "%s", shown(at));
			rs_overrides_path_index(at, sizeof at, seg->index);
			if (seg->index >= (size_t)size) {
				st = rs_fail(err, RS_ERR_USAGE,
				             "--set %s: %s: no such element (%s has %d element%s)",
				             assignment, at, parent, size, size == 1 ? "" : "s");
				goto out;
			}
			child = cJSON_GetArrayItem(node, (int)seg->index);
			if (last) {
				cJSON_ReplaceItemViaPointer(node, child, value);
				value = NULL;
			}
		} else {
			if (!cJSON_IsObject(node)) {
				st = rs_fail(err, RS_ERR_USAGE,
				             "--set %s: %s: not an object, so a key does not apply",
				             assignment, shown(at));
				goto out;
			}
			rs_overrides_path_key(at, sizeof at, seg->key);
			child = cJSON_GetObjectItemCaseSensitive(node, seg->key);
			if (last) {
				bool ok;
				if (child) {
					/* ReplaceItemViaPointer moves no key: give it one first */
					value->string = dup_range(seg->key, strlen(seg->key));
					ok = value->string &&
					     cJSON_ReplaceItemViaPointer(node, child, value);
				} else {
					ok = cJSON_AddItemToObject(node, seg->key, value);
				}
				if (!ok) {
					st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
					goto out;
				}
				value = NULL;
			} else if (!child && is_creatable(seg->key, creatable, n_creatable) &&
			           !p.segs[i + 1].is_index) {
				child = cJSON_AddObjectToObject(node, seg->key);
				if (!child) {
					st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
					goto out;
				}
				if (!created) {
					created = child;
					created_in = node;
				}
			} else if (!child) {
				st = rs_fail(err, RS_ERR_USAGE, "--set %s: %s: no such key",
				             assignment, at);
				goto out;
			}
		}
		node = child;
	}
out:
	if (st != RS_OK && created)
		cJSON_Delete(cJSON_DetachItemViaPointer(created_in, created));
	cJSON_Delete(value);
	path_fini(&p);
	return st;
}
