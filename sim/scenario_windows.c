/*
 * scenario_windows.c - the loader's room for "windows" (issue 11): named
 * windows of simulated time over which every summary figure is computed
 * again, e.g. the peak hour of a day.
 *
 *   "windows": {"peak": {"start_s": 43200, "end_s": 46800}}
 *
 * An object keyed by the window's name (not an array), so that `--set
 * windows.peak.end_s=50400` edits one and `ratesim run --window 1h:2h`
 * adds one ("window") with a --set, which an array could not take
 * (overrides.h: arrays cannot grow); a "comment" member is a note.  A name
 * is made of letters, digits, '_' and '-', so that it is a path segment of
 * summary.json's figures ("windows.peak.rate_429") as the decision
 * commands name them.  A window is [start_s, end_s) within the run:
 * 0 <= start_s < end_s <= duration_s.  Warm-up does not apply to a window:
 * it is the range its author chose.  At most RS_MAX_WINDOWS, since each
 * costs memory for the whole run (config.h).  Cost: O(windows^2) for the
 * uniqueness check (cJSON already refuses duplicate keys, see
 * scenario_json.c; this only guards the name rule).
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "scenario_keys.h"

/* clang-format off: key tables keep one key per line */
static const sc_key window_keys[] = {
    {"start_s", 0, true, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S)},
    {"end_s", 0, true, NULL, SC_NUMBER(SC_POS, 0, RS_MAX_TIME_S)},
};
/* clang-format on */

static bool name_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

static rs_status check_name(sc *c, const char *path, const char *name)
{
	size_t len = strlen(name);
	bool ok = len > 0 && len <= RS_WINDOW_NAME_MAX;
	for (const char *s = name; ok && *s; s++)
		ok = name_char_ok(*s);
	if (!ok)
		return sc_invalid(c, path,
		                  "a window's name must be 1 to %d letters, digits, '_' or '-' "
		                  "(it names the window's figures, e.g. windows.peak.rate_429)",
		                  RS_WINDOW_NAME_MAX);
	return RS_OK;
}

static rs_status parse_window(sc *c, const cJSON *v, const char *path, rs_window_cfg *w)
{
	sc_keys ks = SC_KEYS(window_keys);
	rs_status st = check_name(c, path, v->string);
	if (st == RS_OK)
		st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, ks);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, ks, "start_s", &w->start_s);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, ks, "end_s", &w->end_s);
	if (st != RS_OK)
		return st;
	if (w->end_s <= w->start_s) {
		char kp[SC_PATH_MAX], lo[32], got[32];
		sc_child_key(kp, path, "end_s");
		sc_fmt_num(lo, sizeof lo, w->start_s);
		sc_fmt_num(got, sizeof got, w->end_s);
		return sc_invalid(c, kp, "must be > start_s (%s) (got %s)", lo, got);
	}
	if (w->end_s > c->cfg->duration_s)
		return sc_above(c, path, "end_s", "duration_s", c->cfg->duration_s, w->end_s);
	if (!(w->name = sc_strdup(v->string)))
		return sc_nomem(c);
	return RS_OK;
}

rs_status sc_parse_windows(sc *c, const cJSON *root)
{
	const cJSON *obj = sc_member(root, "windows");
	if (!obj)
		return RS_OK;
	rs_status st = sc_expect_object(c, obj, ".windows");
	if (st != RS_OK)
		return st;
	size_t n = 0;
	for (const cJSON *m = obj->child; m; m = m->next) {
		char path[SC_PATH_MAX];
		sc_child_key(path, ".windows", m->string);
		if (strcmp(m->string, SC_COMMENT_KEY) == 0) {
			if (!cJSON_IsString(m))
				return sc_wrong_type(c, path, "a string (a note)", m);
			continue;
		}
		if (++n > RS_MAX_WINDOWS)
			return sc_invalid(c, path, "too many windows (at most %d)", RS_MAX_WINDOWS);
	}
	if (n == 0)
		return RS_OK;
	rs_config *cfg = c->cfg;
	if (!(cfg->windows = rs_calloc(n, sizeof *cfg->windows)))
		return sc_nomem(c);
	for (const cJSON *m = obj->child; m; m = m->next) {
		if (strcmp(m->string, SC_COMMENT_KEY) == 0)
			continue;
		char path[SC_PATH_MAX];
		sc_child_key(path, ".windows", m->string);
		st = parse_window(c, m, path, &cfg->windows[cfg->n_windows]);
		if (st != RS_OK)
			return st;
		cfg->n_windows++;
	}
	return RS_OK;
}

static const sc_table windows_tables[] = {
    {"window", SC_KEYS(window_keys)},
};

const sc_table *sc_windows_tables(size_t *n)
{
	*n = SC_N(windows_tables);
	return windows_tables;
}
