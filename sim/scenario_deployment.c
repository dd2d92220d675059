/*
 * scenario_deployment.c - the loader's room for a standard-family
 * deployment's admission limits: tpm, its window, the RPM windows (one, or
 * several enforced at once), count_refused, the prompt estimate factor and
 * the retry-after of an estimate above the whole TPM.
 *
 * The keys' rows are in scenario_topology.c's deployment table (one table
 * per object kind); this file reads them.  The RPM windows (MODEL.md
 * sections 4 and 13):
 *   rpm_window_s   one window, 1 or 10 s (the documented lengths);
 *   rpm_windows_s  several at once, e.g. [1, 10] (the service was seen to
 *                  refuse on its 1-second window while the 10-second one
 *                  had room): 1 to RS_MAX_RPM_WINDOWS whole seconds in
 *                  1..60, strictly increasing.
 * Giving both is an error: the one-window form is the array's shorthand,
 * and a file that says both says two things.  With the array, the config's
 * rpm_window_s holds its shortest window, and the effective scenario keeps
 * the array alone (so that reading it again gives the same run).
 *
 * Cost: O(windows).
 */
#include <cjson/cJSON.h>
#include <math.h>

#include "scenario_keys.h"

/* A window longer than the minute would hold more than the minute's RPM. */
#define SC_RPM_WINDOW_MAX_S 60

/* .rpm_windows_s: OUT dep->n_rpm_windows, dep->rpm_windows_s (and
 * dep->rpm_window_s, the shortest). */
static rs_status parse_windows(sc *c, const cJSON *arr, const char *path, rs_deployment_cfg *dep)
{
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "rpm_windows_s");
	if (!cJSON_IsArray(arr))
		return sc_wrong_type(c, kp, "an array of whole seconds such as [1, 10]", arr);
	int n = cJSON_GetArraySize(arr);
	if (n < 1)
		return sc_invalid(c, kp, "must hold at least one window length (got [])");
	if (n > RS_MAX_RPM_WINDOWS)
		return sc_invalid(c, kp, "holds %d windows; at most %d are enforced at once", n,
		                  RS_MAX_RPM_WINDOWS);
	int k = 0;
	for (const cJSON *v = arr->child; v; v = v->next, k++) {
		char ip[SC_PATH_MAX];
		sc_child_index(ip, kp, (size_t)k);
		if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
			return sc_wrong_type(c, ip, "a whole number of seconds", v);
		double w = v->valuedouble;
		if (w < 1 || w > SC_RPM_WINDOW_MAX_S)
			return sc_invalid(c, ip, "must be >= 1 and <= %d seconds (got %g)",
			                  SC_RPM_WINDOW_MAX_S, w);
		if (k > 0 && w <= dep->rpm_windows_s[k - 1])
			return sc_invalid(
			    c, ip,
			    "must be longer than the window before it (%d s): list the "
			    "windows shortest first, each once (got %g)",
			    dep->rpm_windows_s[k - 1], w);
		dep->rpm_windows_s[k] = (int)w;
	}
	dep->n_rpm_windows = n;
	dep->rpm_window_s = dep->rpm_windows_s[0];
	return RS_OK;
}

/* .rpm_window_s or .rpm_windows_s. */
static rs_status parse_rpm_windows(sc *c, const cJSON *d, const char *path, sc_keys ks,
                                   rs_deployment_cfg *dep)
{
	const cJSON *arr = sc_member(d, "rpm_windows_s");
	if (arr && sc_member(d, "rpm_window_s"))
		return sc_invalid(c, path,
		                  "takes \"rpm_window_s\" (one window) or \"rpm_windows_s\" "
		                  "(several at once), not both");
	if (arr)
		return parse_windows(c, arr, path, dep);
	dep->n_rpm_windows = 0;
	rs_status st = sc_get_int(c, d, path, ks, "rpm_window_s", &dep->rpm_window_s);
	if (st == RS_OK && dep->rpm_window_s != SC_RPM_WINDOW_SHORT_S &&
	    dep->rpm_window_s != SC_RPM_WINDOW_LONG_S) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, "rpm_window_s");
		return sc_invalid(c, kp, "must be %d or %d (got %d)", SC_RPM_WINDOW_SHORT_S,
		                  SC_RPM_WINDOW_LONG_S, dep->rpm_window_s);
	}
	return st;
}

rs_status sc_parse_std_limits(sc *c, const cJSON *d, const char *path, sc_keys ks,
                              rs_deployment_cfg *dep)
{
	int tw = RS_WINDOW_SLIDING, rw = RS_WINDOW_SLIDING;
	rs_status st = sc_get_whole(c, d, path, ks, "tpm", &dep->tpm);
	if (st == RS_OK)
		st = sc_get_enum(c, d, path, ks, "tpm_window", &tw);
	if (st == RS_OK)
		st = sc_get_enum(c, d, path, ks, "rpm_window", &rw);
	if (st == RS_OK)
		st = parse_rpm_windows(c, d, path, ks, dep);
	if (st == RS_OK)
		st = sc_get_bool(c, d, path, ks, "count_refused", &dep->count_refused);
	if (st == RS_OK)
		st = sc_get_num(c, d, path, ks, "prompt_estimate_factor",
		                &dep->prompt_estimate_factor);
	if (st == RS_OK)
		st = sc_get_num(c, d, path, ks, "oversize_retry_after_s",
		                &dep->oversize_retry_after_s);
	dep->tpm_window = (rs_window_kind)tw;
	dep->rpm_window = (rs_window_kind)rw;
	return st;
}
