/*
 * scenario_latency.c - the loader's room for a deployment's latency by the
 * time of day (issue 9, seed 004; the run side is latency_daily.h):
 *
 *   "latency_daily": {"by_hour": [1, 1, ..., 2.5, 2.5, ..., 1]}   24 multipliers
 *   "latency_daily": {"amplitude": 1.5, "peak_at_s": 50400}        a raised cosine
 *
 * Exactly one of "by_hour" (24 numbers, hour 0 first) and "amplitude" is
 * given; peak_at_s goes with amplitude only.  Absent, the latency does not
 * depend on the time of day.  Cost: O(1) per deployment.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "scenario_keys.h"

/* clang-format off: key tables keep one key per line */
static const sc_key latency_daily_keys[] = {
    {"by_hour", 0, false, NULL, SC_ARRAY},
    {"amplitude", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_FACTOR)},
    {"peak_at_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, SC_DAY_S),
     SC_DEFAULT(RS_DEFAULT_LATENCY_DAILY_PEAK_AT_S)},
};

/* One multiplier of by_hour: > 0, at most RS_MAX_FACTOR. */
static const sc_key hour_row = {"by_hour[]", 0, false, NULL,
                                SC_NUMBER(SC_POS, RS_MIN_SHARE, RS_MAX_FACTOR)};
/* clang-format on */

static rs_status parse_by_hour(sc *c, const cJSON *v, const char *path, rs_latency_daily_cfg *out)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array(c, v, path, "by_hour", "multiplier", &arr, &n);
	if (st != RS_OK)
		return st;
	char hp[SC_PATH_MAX];
	sc_child_key(hp, path, "by_hour");
	if (n != RS_HOURS_PER_DAY)
		return sc_invalid(c, hp, "must hold %d multipliers, one per hour (got %zu)",
		                  RS_HOURS_PER_DAY, n);
	size_t h = 0;
	for (const cJSON *x = arr->child; x; x = x->next, h++) {
		char ip[SC_PATH_MAX];
		sc_child_index(ip, hp, h);
		if ((st = sc_num_value(c, x, ip, &hour_row, &out->by_hour[h])) != RS_OK)
			return st;
	}
	out->mode = RS_LATENCY_DAILY_BY_HOUR;
	return RS_OK;
}

rs_status sc_parse_latency_daily(sc *c, const cJSON *d, const char *dpath,
                                 rs_latency_daily_cfg *out)
{
	memset(out, 0, sizeof *out);
	const cJSON *v = sc_member(d, "latency_daily");
	if (!v)
		return RS_OK;
	char path[SC_PATH_MAX];
	sc_child_key(path, dpath, "latency_daily");
	sc_keys ks = SC_KEYS(latency_daily_keys);
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, ks);
	if (st != RS_OK)
		return st;
	bool hours = sc_member(v, "by_hour") != NULL, cosine = sc_member(v, "amplitude") != NULL;
	if (hours == cosine)
		return sc_invalid(c, path, "needs \"by_hour\" or \"amplitude\"%s",
		                  hours ? ", not both" : "");
	if (hours) {
		if (sc_member(v, "peak_at_s"))
			return sc_invalid(c, path,
			                  "\"peak_at_s\" goes with \"amplitude\", not \"by_hour\"");
		return parse_by_hour(c, v, path, out);
	}
	out->mode = RS_LATENCY_DAILY_COSINE;
	st = sc_get_num(c, v, path, ks, "amplitude", &out->amplitude);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, ks, "peak_at_s", &out->peak_at_s);
	return st;
}

static const sc_table latency_tables[] = {
    {"latency_daily", SC_KEYS(latency_daily_keys)},
};

const sc_table *sc_latency_tables(size_t *n)
{
	*n = SC_N(latency_tables);
	return latency_tables;
}
