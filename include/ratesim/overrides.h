/*
 * overrides.h - `--set PATH=VALUE`: edit a parsed scenario's JSON tree.
 *
 * The command line can change any value of a scenario without editing the
 * file: `--set clients[0].arrival.rate_rps=20`, `--set seed=7`.  An override
 * edits the JSON tree before the loader checks it, so an overridden value is
 * checked exactly like one written in the file, and the loader's messages
 * apply unchanged.
 *
 * PATH grammar (jq-like, a leading '.' is optional):
 *   path    := ['.'] segment { ('.' key | index) }
 *   segment := key | index
 *   key     := one or more characters other than '.', '[' and '='
 *            | '["' characters, with \" and \\ escaped, '"]'   (keys with dots)
 *   index   := '[' decimal digits ']'
 * Every segment but the last must exist, except an object the caller names
 * as creatable (rs_overrides_apply_in: the loader names the objects whose
 * keys all have defaults, such as `pricing`), which is created empty.  The
 * last one replaces an existing key or array element, or adds a new key to
 * an existing object (the loader then rejects it if it is not a known key).
 * Arrays cannot be grown.
 *
 * VALUE is everything after the first '=' that ends PATH.  When it is valid
 * JSON it is used as JSON (`5`, `true`, `"x"`, `{"dist":"fixed","value":3}`);
 * otherwise it is taken as a string (`name=my run`).
 *
 * Cost: O(length of the path + size of the objects and arrays it walks).
 */
#ifndef RATESIM_OVERRIDES_H
#define RATESIM_OVERRIDES_H

#include <cjson/cJSON.h>

#include "ratesim/common.h"

/* Apply one assignment "PATH=VALUE" to the tree `root` (borrowed; edited in
 * place; the replaced node is freed).
 *
 * Errors, with the message prefixed by "--set ASSIGNMENT: ":
 *   RS_ERR_USAGE  no '=' ("expected PATH=VALUE"), a malformed PATH, or a PATH
 *                 that does not exist
 *                 (".clients[9]: no such element (.clients has 2 elements)")
 *   RS_ERR_NOMEM  out of memory
 * On error the tree is unchanged. */
rs_status rs_overrides_apply(cJSON *root, const char *assignment, rs_error *err);

/* The same, creating a missing object on the path (not its last segment)
 * when its key is one of creatable[0..n) (borrowed): `--set
 * pricing.ptu_billing=monthly` on a file without "pricing".  On error the
 * tree is unchanged (a created object is removed again). */
rs_status rs_overrides_apply_in(cJSON *root, const char *assignment, const char *const *creatable,
                                size_t n, rs_error *err);

/* Append one segment to the path `buf` (size bytes, NUL-terminated, "" for
 * the root), in the syntax above, so that every message's path can be pasted
 * into a --set: `.name` when key is made of letters, digits, '_', '-' and '$',
 * else `["key"]`.  An index appends `[i]`.  Truncates silently at size - 1
 * bytes (paths are for messages). */
void rs_overrides_path_key(char *buf, size_t size, const char *key);
void rs_overrides_path_index(char *buf, size_t size, size_t index);

#endif
