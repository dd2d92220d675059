/*
 * scenario_json.c - the loader's JSON-level checks, before any meaning:
 * where a syntax error is and what was expected there, and duplicate keys.
 *
 * cJSON reports only the offset where it stopped; a small scanner replays
 * the text up to there with a stack of open containers, to report a line
 * and column an author recognises and to say what was expected.  cJSON also
 * keeps both members of `{"a": 1, "a": 2}`, which would silently use the
 * first: the duplicate check makes it an error.
 *
 * Cost: O(size of the text) for the locator, O(k^2) per object of k keys
 * for the duplicate check.
 */
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/overrides.h"
#include "scenario_keys.h"

/* ---- duplicate keys ------------------------------------------------------ */

/* cJSON keeps both members of `{"a": 1, "a": 2}` and lookups see the first:
 * a silent surprise for the author, so it is an error.  path is a buffer of
 * SC_PATH_MAX bytes holding node's path; restored on return. */
rs_status sc_check_duplicates(sc *c, const cJSON *node, char *path)
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
		rs_status st = sc_check_duplicates(c, m, path);
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
size_t sc_json_locate(const char *text, size_t bad, const char **what)
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

rs_status sc_syntax_error(sc *c, const char *text, size_t at, const char *what)
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
