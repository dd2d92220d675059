/*
 * scenario_workload.c - the loader's room for what is sent: clients, their
 * arrivals (constant, Poisson, schedules, daily cycles, on/off bursts,
 * closed loops, trace replay), token-size distributions, max_tokens,
 * best_of, and retry policies with the SDK presets.
 *
 * Two things are expanded here rather than left to the run: a retry
 * `preset` becomes the full policy it names (retry_presets.c, with sources),
 * and a `daily` arrival becomes a Poisson arrival with a ramped schedule
 * (daily_schedule), so the rest of the program sees only plain values.
 * Distributions and trace-file references are read by scenario_dist.c; a
 * client given as the capacity calculator's "workload" by
 * scenario_calculator.c, in place of its arrival and sizes.
 *
 * Cost: linear in the clients; a daily arrival costs one schedule point per
 * 86400 / points_per_day seconds of the run (at most SC_SCHEDULE_MAX_POINTS).
 */
#include <cjson/cJSON.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/retry_presets.h"
#include "scenario_keys.h"

/* Room for the presets' names in a "did you mean" (retry_presets.c has 4). */
#define SC_PRESETS_MAX 16

/* clang-format off: one name per line reads as the enum does */

/* "daily" is not a process of the config: the loader expands it into a
 * Poisson schedule (daily_schedule), so it takes the index after the last. */
#define SC_PROCESS_DAILY (RS_ARRIVAL_AT_ONCE + 1)
static const char *const process_names[] = {
    [RS_ARRIVAL_CONSTANT] = "constant", [RS_ARRIVAL_POISSON] = "poisson",
    [RS_ARRIVAL_TRACE] = "trace",       [RS_ARRIVAL_ONOFF] = "onoff",
    [RS_ARRIVAL_CLOSED] = "closed",     [SC_PROCESS_DAILY] = "daily",
    [RS_ARRIVAL_JOB] = "job",           [RS_ARRIVAL_AT_ONCE] = "at_once",
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
    [RS_RETRY_AFTER_MAX] = "max",
    [RS_RETRY_AFTER_CLAMP] = "clamp",
    [RS_RETRY_AFTER_CAP_JITTER] = "cap_jitter",
};
/* clang-format on */

/* ---- clients ------------------------------------------------------------- */

#define G_RATE   (SC_BIT(RS_ARRIVAL_CONSTANT) | SC_BIT(RS_ARRIVAL_POISSON))
#define G_TRACE  SC_BIT(RS_ARRIVAL_TRACE)
#define G_ONOFF  SC_BIT(RS_ARRIVAL_ONOFF)
#define G_CLOSED SC_BIT(RS_ARRIVAL_CLOSED)
#define G_DAILY  SC_BIT(SC_PROCESS_DAILY)

/* clang-format off: key tables keep one key per line */
static const sc_key client_keys[] = {
    {"name", 0, true, NULL, SC_STRING},
    {"target", 0, true, NULL, SC_STRING},
    {"arrival", 0, false, NULL, SC_OBJECT},  /* required without "workload" */
    {"workload", 0, false, NULL, SC_OBJECT}, /* scenario_calculator.c */
    {"prompt_tokens", 0, false, NULL, SC_DIST},
    {"output_tokens", 0, false, NULL, SC_DIST},
    {"max_tokens", 0, false, NULL, SC_OBJECT_OR("{\"policy\":\"absent\"}")},
    {"best_of", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_BEST_OF), SC_DEFAULT(RS_DEFAULT_BEST_OF)},
    {"cached_fraction", 0, false, NULL, SC_NUMBER(SC_UNIT, 0, 1),
     SC_DEFAULT(RS_DEFAULT_CACHED_FRACTION)},
    {"images", 0, false, NULL, SC_OBJECT},   /* scenario_images.c */
    {"pipeline", 0, false, NULL, SC_OBJECT}, /* scenario_jobs.c */
    {"retry", 0, false, NULL, SC_OBJECT_OR("{\"policy\":\"none\"}")},
    {"rate_limit", 0, false, NULL, SC_OBJECT},
    {"concurrency", 0, false, NULL, SC_OBJECT},
    {"breaker", 0, false, NULL, SC_OBJECT},
    {"wait_or_spill", 0, false, NULL, SC_OBJECT},
    {"hedge", 0, false, NULL, SC_OBJECT},           /* scenario_reactions.c */
    {"remaining_quota", 0, false, NULL, SC_OBJECT}, /* scenario_reactions.c */
    {"network_jitter_ms", 0, false, NULL, SC_DIST}, /* scenario_reactions.c */
    {"rtt_ms", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_MS)},
    {"region", 0, false, NULL, SC_STRING},
    {"priority", 0, false, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_PRIORITY),
     SC_DEFAULT(RS_DEFAULT_CLIENT_PRIORITY)},
};

static const sc_key arrival_keys[] = {
    {"process", 0, true, NULL, SC_ENUM(process_names)},
    {"rate_rps", G_RATE, false, "only constant and poisson arrivals take a rate",
     SC_NUMBER(SC_NONNEG, 0, RS_MAX_RATE_RPS)},
    {"schedule", G_RATE, false, "only constant and poisson arrivals take a schedule", SC_ARRAY},
    {"file", G_TRACE, true, "only a trace arrival reads a file", SC_STRING},
    {"format", G_TRACE, false, "only a trace arrival reads a file",
     SC_ENUM_OR(sc_format_names, RS_TRACE_AUTO)},
    {"speedup", G_TRACE, false, "only a trace arrival is replayed",
     SC_NUMBER(SC_POS, RS_MIN_SPEEDUP, RS_MAX_SPEEDUP), SC_DEFAULT(RS_DEFAULT_TRACE_SPEEDUP)},
    {"loop", G_TRACE, false, "only a trace arrival is replayed", SC_BOOLEAN(false)},
    {"zero_rows", G_TRACE, false, "only a trace arrival reads a file",
     SC_ENUM_OR(sc_zero_rows_names, RS_ZERO_ROWS_SKIP)},
    {"model", G_TRACE, false, "only a trace arrival reads a file", SC_STRING},
    {"rate_on", G_ONOFF, true, "only an onoff arrival has on and off periods",
     SC_NUMBER(SC_NONNEG, 0, RS_MAX_RATE_RPS)},
    {"rate_off", G_ONOFF, true, "only an onoff arrival has on and off periods",
     SC_NUMBER(SC_NONNEG, 0, RS_MAX_RATE_RPS)},
    {"on_s", G_ONOFF, true, "only an onoff arrival has on and off periods",
     SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_TIME_S)},
    {"off_s", G_ONOFF, true, "only an onoff arrival has on and off periods",
     SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_TIME_S)},
    {"users", G_CLOSED, true, "only a closed arrival has users", SC_WHOLE(SC_GE1, RS_MAX_USERS)},
    {"think_s", G_CLOSED, false, "only a closed arrival's users think", SC_DIST},
    {"mean_rps", G_DAILY, true, "only a daily arrival has a daily cycle",
     SC_NUMBER(SC_POS, 0, RS_MAX_RATE_RPS)},
    {"amplitude", G_DAILY, false, "only a daily arrival has a daily cycle",
     SC_NUMBER(SC_UNIT, 0, 1), SC_DEFAULT(RS_DEFAULT_DAILY_AMPLITUDE)},
    {"peak_at_s", G_DAILY, false, "only a daily arrival has a daily cycle",
     SC_NUMBER(SC_NONNEG, 0, SC_DAY_S), SC_DEFAULT(RS_DEFAULT_DAILY_PEAK_AT_S)},
    {"points_per_day", G_DAILY, false, "only a daily arrival has a daily cycle",
     SC_WHOLE(SC_GE1, RS_MAX_POINTS_PER_DAY), .min = SC_DAILY_MIN_POINTS,
     SC_DEFAULT(RS_DEFAULT_DAILY_POINTS_PER_DAY)},
    SC_JOB_ARRIVAL_KEYS, /* scenario_jobs.c */
};

static const sc_key point_keys[] = {
    {"at_s", 0, true, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S)},
    {"rate_rps", 0, true, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_RATE_RPS)},
    {"ramp", 0, false, NULL, SC_BOOLEAN(false)},
};

#define G_EMPIRICAL SC_BIT(RS_DIST_EMPIRICAL)

static const sc_key dist_keys[] = {
    SC_DIST_ROWS(SC_NONNEG, SC_POS, RS_MAX_TOKENS),
    {"file", G_EMPIRICAL, true, NULL, SC_STRING},
    {"format", G_EMPIRICAL, false, NULL, SC_ENUM_OR(sc_format_names, RS_TRACE_AUTO)},
    {"zero_rows", G_EMPIRICAL, false, NULL, SC_ENUM_OR(sc_zero_rows_names, RS_ZERO_ROWS_SKIP)},
    {"model", G_EMPIRICAL, false, NULL, SC_STRING},
};

/* A think time (closed arrivals): the same keys, in seconds rather than
 * tokens, so with their own ranges; no trace rows to draw it from. */
static const sc_key think_keys[] = {
    SC_DIST_ROWS(SC_NONNEG, SC_POS, RS_MAX_TIME_S),
};

static const sc_key max_tokens_keys[] = {
    {"policy", 0, true, NULL, SC_ENUM(maxtok_names)},
    {"value", SC_BIT(RS_MAXTOK_FIXED), true, NULL, SC_WHOLE(SC_POS, RS_MAX_TOKENS)},
    {"factor", SC_BIT(RS_MAXTOK_FACTOR), true, NULL,
     SC_NUMBER(SC_POS, RS_MIN_SHARE, RS_MAX_FACTOR)},
};

#define G_RETRY_FIXED (SC_BIT(RS_RETRY_FIXED))
#define G_RETRY_EXP   (SC_BIT(RS_RETRY_EXPONENTIAL))
#define G_RETRY_ANY   (G_RETRY_FIXED | G_RETRY_EXP)

/* policy is required unless preset gives it (checked in parse_retry). */
static const sc_key retry_keys[] = {
    {"preset", 0, false, NULL, SC_STRING},
    {"policy", 0, false, NULL, SC_ENUM(retry_names)},
    {"max_retries", G_RETRY_ANY, false, "a \"none\" policy never retries",
     SC_WHOLE(SC_NONNEG, RS_MAX_RETRIES), SC_DEFAULT(RS_DEFAULT_RETRY_MAX_RETRIES)},
    {"max_attempts", G_RETRY_ANY, false, "a \"none\" policy never retries",
     SC_WHOLE(SC_GE1, RS_MAX_RETRIES + 1)},
    {"delay_s", G_RETRY_FIXED, false, "only a fixed policy waits a fixed delay",
     SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S), SC_DEFAULT(RS_DEFAULT_RETRY_DELAY_S)},
    {"base_s", G_RETRY_EXP, false, "only an exponential policy backs off",
     SC_NUMBER(SC_POS, 0, RS_MAX_TIME_S), SC_DEFAULT(RS_DEFAULT_RETRY_BASE_S)},
    {"cap_s", G_RETRY_EXP, false, "only an exponential policy backs off",
     SC_NUMBER(SC_POS, 0, RS_MAX_TIME_S), SC_DEFAULT(RS_DEFAULT_RETRY_CAP_S)},
    {"jitter", G_RETRY_EXP, false, "only an exponential policy backs off",
     SC_ENUM_OR(jitter_names, RS_DEFAULT_RETRY_JITTER)},
    {"factor_min", G_RETRY_EXP, false, "only an exponential policy backs off",
     SC_NUMBER(SC_POS, RS_MIN_SHARE, RS_MAX_FACTOR), SC_DEFAULT(RS_DEFAULT_RETRY_FACTOR_MIN)},
    {"factor_max", G_RETRY_EXP, false, "only an exponential policy backs off",
     SC_NUMBER(SC_POS, RS_MIN_SHARE, RS_MAX_FACTOR), SC_DEFAULT(RS_DEFAULT_RETRY_FACTOR_MAX)},
    {"retry_after", G_RETRY_ANY, false, "a \"none\" policy never retries",
     SC_ENUM_OR(retry_after_names, RS_DEFAULT_RETRY_AFTER)},
    {"retry_after_cap_s", G_RETRY_ANY, false, "a \"none\" policy never retries",
     SC_NUMBER(SC_POS, 0, RS_MAX_TIME_S), SC_DEFAULT(RS_DEFAULT_RETRY_AFTER_CAP_S)},
    {"retry_after_jitter_s", G_RETRY_ANY, false, "a \"none\" policy never retries",
     SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S), SC_DEFAULT(RS_DEFAULT_RETRY_AFTER_JITTER_S)},
    {"retry_after_give_up_s", G_RETRY_ANY, false, "a \"none\" policy never retries",
     SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S), SC_DEFAULT(RS_DEFAULT_RETRY_AFTER_GIVE_UP_S)},
    {"attempt_timeout_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_RETRY_ATTEMPT_TIMEOUT_S)},
    {"deadline_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_RETRY_DEADLINE_S)},
    {"budget_max", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_BUDGET),
     SC_DEFAULT(RS_DEFAULT_RETRY_BUDGET_MAX)},
    {"budget_refund", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_BUDGET),
     SC_DEFAULT(RS_DEFAULT_RETRY_BUDGET_REFUND)},
    {"retry_ratio", 0, false, NULL, SC_NUMBER(SC_UNIT, 0, 1), SC_DEFAULT(RS_DEFAULT_RETRY_RATIO)},
    {"retry_ratio_window_s", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_RETRY_RATIO_WINDOW_S)},
    {"adaptive_k", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_FACTOR),
     SC_DEFAULT(RS_DEFAULT_RETRY_ADAPTIVE_K)},
    {"adaptive_window_s", 0, false, NULL, SC_NUMBER(SC_POS, RS_MIN_STEP_S, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S)},
};
/* clang-format on */

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
		sc_child_index(pp, path, i);
		rs_status st = sc_expect_object(c, p, pp);
		if (st == RS_OK)
			st = sc_keys_known(c, p, pp, SC_KEYS(point_keys));
		if (st == RS_OK)
			st = sc_get_num(c, p, pp, SC_KEYS(point_keys), "at_s", &pt->at_s);
		if (st == RS_OK)
			st = sc_get_num(c, p, pp, SC_KEYS(point_keys), "rate_rps", &pt->rate_rps);
		if (st == RS_OK)
			st = sc_get_bool(c, p, pp, SC_KEYS(point_keys), "ramp", &pt->ramp);
		if (st != RS_OK)
			return st;
		char kp[SC_PATH_MAX], got[32], prev[32];
		sc_child_key(kp, pp, "at_s");
		sc_fmt_num(got, sizeof got, pt->at_s);
		if (i == 0 && pt->at_s != 0)
			return sc_invalid(c, kp, "the first point must be at 0 (got %s)", got);
		if (i > 0 && !(pt->at_s > a->schedule[i - 1].at_s)) {
			sc_fmt_num(prev, sizeof prev, a->schedule[i - 1].at_s);
			return sc_invalid(c, kp, "must be > %s, the previous point's at_s (got %s)",
			                  prev, got);
		}
		if (i > 0 && pt->at_s - a->schedule[i - 1].at_s < RS_MIN_TICK_S) {
			/* a step the clock cannot tell from the previous point */
			char tick[32];
			sc_fmt_num(prev, sizeof prev, a->schedule[i - 1].at_s);
			sc_fmt_num(tick, sizeof tick, RS_MIN_TICK_S);
			return sc_invalid(
			    c, kp,
			    "must be at least %s s after the previous point's at_s (%s) "
			    "(got %s)",
			    tick, prev, got);
		}
	}
	return RS_OK;
}

/* A token-size distribution: required, except that a trace arrival defaults
 * to the replayed row's own value. */
static rs_status parse_dist(sc *c, const cJSON *cl, const char *cpath, const char *key,
                            bool trace_arrival, rs_dist_cfg *d)
{
	const cJSON *v = sc_member(cl, key);
	char path[SC_PATH_MAX];
	sc_child_key(path, cpath, key);
	if (!v) {
		if (!trace_arrival)
			return sc_invalid(c, path, "required key is missing");
		d->kind = RS_DIST_TRACE;
		cJSON *o = cJSON_CreateObject();
		if (o && !cJSON_AddStringToObject(o, "dist", sc_dist_names[RS_DIST_TRACE])) {
			cJSON_Delete(o);
			o = NULL;
		}
		sc_write(c, cl, key, o);
		return RS_OK;
	}
	unsigned all = SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL) |
	               SC_BIT(RS_DIST_EMPIRICAL) | SC_BIT(RS_DIST_TRACE);
	return sc_dist_value(c, v, path, SC_KEYS(dist_keys), all, trace_arrival, d);
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
	rs_status st = sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "mean_rps", &mean);
	if (st == RS_OK)
		st = sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "amplitude", &amplitude);
	if (st == RS_OK)
		st = sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "peak_at_s", &peak);
	if (st == RS_OK)
		st = sc_get_int(c, arr, path, SC_KEYS(arrival_keys), "points_per_day", &per_day);
	if (st != RS_OK)
		return st;
	double step = SC_DAY_S / per_day;
	double last = ceil(c->cfg->duration_s / step); /* index of the point at or after the end */
	if (last + 1 > SC_SCHEDULE_MAX_POINTS) {
		char kp[SC_PATH_MAX], d[32];
		sc_child_key(kp, path, "points_per_day");
		sc_fmt_num(d, sizeof d, c->cfg->duration_s);
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
	const cJSON *arr = sc_member(cl, "arrival");
	char path[SC_PATH_MAX];
	sc_child_key(path, cpath, "arrival");
	int process = RS_ARRIVAL_CONSTANT;
	a->speedup = RS_DEFAULT_TRACE_SPEEDUP;
	rs_status st = sc_expect_object(c, arr, path);
	if (st == RS_OK)
		st = sc_keys_known(c, arr, path, SC_KEYS(arrival_keys));
	if (st == RS_OK)
		st = sc_get_enum(c, arr, path, SC_KEYS(arrival_keys), "process", &process);
	if (st == RS_OK)
		st = sc_keys_variant(c, arr, path, SC_KEYS(arrival_keys), SC_BIT(process),
		                     "process", process_names[process]);
	if (st != RS_OK)
		return st;
	if (process == SC_PROCESS_DAILY)
		return daily_schedule(c, arr, path, a);
	if (process == RS_ARRIVAL_JOB || process == RS_ARRIVAL_AT_ONCE)
		return sc_parse_job_arrival(c, arr, path, SC_KEYS(arrival_keys), process, a);
	a->process = (rs_arrival_process)process;
	switch (a->process) {
	case RS_ARRIVAL_TRACE:
		st = sc_parse_trace(c, arr, path, SC_KEYS(arrival_keys), &a->trace);
		if (st == RS_OK)
			st =
			    sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "speedup", &a->speedup);
		if (st == RS_OK)
			st = sc_get_bool(c, arr, path, SC_KEYS(arrival_keys), "loop", &a->loop);
		return st;
	case RS_ARRIVAL_ONOFF:
		st = sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "rate_on", &a->rate_on);
		if (st == RS_OK)
			st = sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "rate_off",
			                &a->rate_off);
		if (st == RS_OK)
			st = sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "on_s", &a->on_s);
		if (st == RS_OK)
			st = sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "off_s", &a->off_s);
		return st;
	case RS_ARRIVAL_CLOSED: {
		st = sc_get_int(c, arr, path, SC_KEYS(arrival_keys), "users", &a->users);
		if (st != RS_OK)
			return st;
		a->think_s = rs_calloc(1, sizeof *a->think_s);
		if (!a->think_s)
			return sc_nomem(c);
		*a->think_s = (rs_dist_cfg){.kind = RS_DIST_FIXED, .value = RS_DEFAULT_THINK_S};
		const cJSON *think = sc_member(arr, "think_s");
		if (!think)
			return RS_OK;
		char tp[SC_PATH_MAX];
		sc_child_key(tp, path, "think_s");
		/* a time, not a token count: no trace rows to draw it from */
		unsigned kinds =
		    SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL);
		return sc_dist_value(c, think, tp, SC_KEYS(think_keys), kinds, false, a->think_s);
	}
	default: /* constant and poisson (job and at_once returned above) */
		break;
	}
	const cJSON *rate = sc_member(arr, "rate_rps"), *sched = sc_member(arr, "schedule");
	if (!rate && !sched)
		return sc_invalid(c, path, "needs \"rate_rps\" or \"schedule\"");
	if (rate && sched)
		return sc_invalid(c, path, "takes \"rate_rps\" or \"schedule\", not both");
	if (rate) {
		a->schedule = rs_calloc(1, sizeof *a->schedule);
		if (!a->schedule)
			return sc_nomem(c);
		a->n_schedule = 1;
		return sc_get_num(c, arr, path, SC_KEYS(arrival_keys), "rate_rps",
		                  &a->schedule[0].rate_rps);
	}
	const cJSON *sarr;
	size_t n;
	if ((st = sc_get_array(c, arr, path, "schedule", "point", &sarr, &n)) != RS_OK)
		return st;
	char sp[SC_PATH_MAX];
	sc_child_key(sp, path, "schedule");
	return parse_schedule(c, sarr, sp, a);
}

static rs_status parse_max_tokens(sc *c, const cJSON *cl, const char *cpath, rs_max_tokens_cfg *m)
{
	const cJSON *v = sc_member_or_default(c, cl, SC_KEYS(client_keys), "max_tokens");
	m->policy = RS_MAXTOK_ABSENT;
	if (!v)
		return RS_OK;
	char path[SC_PATH_MAX];
	sc_child_key(path, cpath, "max_tokens");
	int policy = RS_MAXTOK_ABSENT;
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, SC_KEYS(max_tokens_keys));
	if (st == RS_OK)
		st = sc_get_enum(c, v, path, SC_KEYS(max_tokens_keys), "policy", &policy);
	if (st == RS_OK)
		st = sc_keys_variant(c, v, path, SC_KEYS(max_tokens_keys), SC_BIT(policy), "policy",
		                     maxtok_names[policy]);
	if (st == RS_OK)
		st = sc_get_whole(c, v, path, SC_KEYS(max_tokens_keys), "value", &m->value);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, SC_KEYS(max_tokens_keys), "factor", &m->factor);
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
	    .retry_after_give_up_s = RS_DEFAULT_RETRY_AFTER_GIVE_UP_S,
	};
}

/* r becomes the preset `name` (retry_presets.c, with the SDKs' sources) and
 * keeps a copy of the name. */
static rs_status apply_preset(sc *c, const char *path, const char *name, rs_retry_cfg *r)
{
	const rs_retry_cfg *found = rs_retry_preset_find(name);
	if (found) {
		*r = *found;
		r->preset = sc_strdup(name);
		return r->preset ? RS_OK : sc_nomem(c);
	}
	size_t n = rs_retry_preset_count();
	const char *names[SC_PRESETS_MAX];
	char list[SC_LIST_MAX] = "";
	for (size_t i = 0; i < n && i < SC_PRESETS_MAX; i++) {
		names[i] = rs_retry_preset_name(i);
		sc_list_add(list, sizeof list, names[i]);
	}
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, "preset");
	const char *near = sc_nearest(name, names, n < SC_PRESETS_MAX ? n : SC_PRESETS_MAX);
	if (near)
		return sc_invalid(c, kp, "no preset named \"%s\"; did you mean \"%s\"?", name,
		                  near);
	return sc_invalid(c, kp, "no preset named \"%s\" (presets: %s)", name, list);
}

/* The attempt count, delays and jitter of a fixed or exponential policy. */
static rs_status retry_delays(sc *c, const cJSON *v, const char *path, rs_retry_cfg *r)
{
	if (sc_member(v, "max_retries") && sc_member(v, "max_attempts"))
		return sc_invalid(c, path, "takes \"max_retries\" or \"max_attempts\", not both");
	int attempts = r->max_retries + 1;
	rs_status st = sc_get_int_or(c, v, path, SC_KEYS(retry_keys), "max_retries", r->max_retries,
	                             &r->max_retries);
	if (st == RS_OK && sc_member(v, "max_attempts")) {
		st = sc_get_int_or(c, v, path, SC_KEYS(retry_keys), "max_attempts", attempts,
		                   &attempts);
		r->max_retries = attempts - 1;
	}
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "delay_s", r->delay_s,
		                   &r->delay_s);
	if (st == RS_OK)
		st =
		    sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "base_s", r->base_s, &r->base_s);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "cap_s", r->cap_s, &r->cap_s);
	if (st == RS_OK && r->cap_s < r->base_s) {
		if (sc_member(v, "cap_s"))
			return sc_below(c, path, "cap_s", "base_s", r->base_s, r->cap_s);
		return sc_above(c, path, "base_s", "cap_s", r->cap_s, r->base_s);
	}
	int jitter = r->jitter, after = r->retry_after;
	if (st == RS_OK)
		st = sc_get_enum_in(c, v, path, SC_KEYS(retry_keys), "jitter", jitter_names,
		                    SC_N(jitter_names), r->jitter, &jitter);
	r->jitter = (rs_jitter)jitter;
	bool factor = r->jitter == RS_JITTER_FACTOR;
	if (st == RS_OK)
		st =
		    sc_key_unused(c, v, path, "factor_min", factor, "jitter", jitter_names[jitter]);
	if (st == RS_OK)
		st =
		    sc_key_unused(c, v, path, "factor_max", factor, "jitter", jitter_names[jitter]);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "factor_min", r->factor_min,
		                   &r->factor_min);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "factor_max", r->factor_max,
		                   &r->factor_max);
	if (st == RS_OK && r->factor_max < r->factor_min) {
		if (sc_member(v, "factor_max"))
			return sc_below(c, path, "factor_max", "factor_min", r->factor_min,
			                r->factor_max);
		return sc_above(c, path, "factor_min", "factor_max", r->factor_max, r->factor_min);
	}
	if (st == RS_OK)
		st = sc_get_enum_in(c, v, path, SC_KEYS(retry_keys), "retry_after",
		                    retry_after_names, SC_N(retry_after_names), r->retry_after,
		                    &after);
	r->retry_after = (rs_retry_after_mode)after;
	if (st == RS_OK)
		st = sc_key_unused(c, v, path, "retry_after_cap_s",
		                   after == RS_RETRY_AFTER_CAP || after == RS_RETRY_AFTER_CLAMP ||
		                       after == RS_RETRY_AFTER_CAP_JITTER,
		                   "retry_after", retry_after_names[after]);
	if (st == RS_OK)
		st = sc_key_unused(c, v, path, "retry_after_jitter_s",
		                   after == RS_RETRY_AFTER_JITTER ||
		                       after == RS_RETRY_AFTER_CAP_JITTER,
		                   "retry_after", retry_after_names[after]);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "retry_after_cap_s",
		                   r->retry_after_cap_s, &r->retry_after_cap_s);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "retry_after_jitter_s",
		                   r->retry_after_jitter_s, &r->retry_after_jitter_s);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "retry_after_give_up_s",
		                   r->retry_after_give_up_s, &r->retry_after_give_up_s);
	return st;
}

/* Timeouts, budget, ratio and adaptive throttling: on top of any policy. */
static rs_status retry_limits(sc *c, const cJSON *v, const char *path, rs_retry_cfg *r)
{
	rs_status st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "attempt_timeout_s",
	                             r->attempt_timeout_s, &r->attempt_timeout_s);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "deadline_s", r->deadline_s,
		                   &r->deadline_s);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "budget_max", r->budget_max,
		                   &r->budget_max);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "budget_refund",
		                   r->budget_max > 0 ? RS_DEFAULT_RETRY_BUDGET_REFUND : 0,
		                   &r->budget_refund);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "retry_ratio", r->retry_ratio,
		                   &r->retry_ratio);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "retry_ratio_window_s",
		                   r->retry_ratio_window_s, &r->retry_ratio_window_s);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "adaptive_k", r->adaptive_k,
		                   &r->adaptive_k);
	if (st == RS_OK)
		st = sc_get_num_or(c, v, path, SC_KEYS(retry_keys), "adaptive_window_s",
		                   r->adaptive_window_s, &r->adaptive_window_s);
	return st;
}

/* A client's retry: defaults, then the preset's values, then every key the
 * object gives, so a key beside a preset overrides the preset. */
/* The effective policy written into the retry object v: the policy and
 * every field it uses, so that a preset's values and the defaults are
 * there to read (the preset's name stays: it is what reports show). */
static void retry_write(sc *c, const cJSON *v, const rs_retry_cfg *r)
{
	sc_write(c, v, "policy", cJSON_CreateString(retry_names[r->policy]));
	if (r->policy != RS_RETRY_NONE) {
		if (!sc_member(v, "max_retries") && !sc_member(v, "max_attempts"))
			sc_write(c, v, "max_retries", sc_exact_number(r->max_retries));
		if (r->policy == RS_RETRY_FIXED)
			sc_write(c, v, "delay_s", sc_exact_number(r->delay_s));
		if (r->policy == RS_RETRY_EXPONENTIAL) {
			sc_write(c, v, "base_s", sc_exact_number(r->base_s));
			sc_write(c, v, "cap_s", sc_exact_number(r->cap_s));
			sc_write(c, v, "jitter", cJSON_CreateString(jitter_names[r->jitter]));
			if (r->jitter == RS_JITTER_FACTOR) {
				sc_write(c, v, "factor_min", sc_exact_number(r->factor_min));
				sc_write(c, v, "factor_max", sc_exact_number(r->factor_max));
			}
		}
		sc_write(c, v, "retry_after",
		         cJSON_CreateString(retry_after_names[r->retry_after]));
		if (r->retry_after == RS_RETRY_AFTER_CAP ||
		    r->retry_after == RS_RETRY_AFTER_CLAMP ||
		    r->retry_after == RS_RETRY_AFTER_CAP_JITTER)
			sc_write(c, v, "retry_after_cap_s", sc_exact_number(r->retry_after_cap_s));
		if (r->retry_after == RS_RETRY_AFTER_JITTER ||
		    r->retry_after == RS_RETRY_AFTER_CAP_JITTER)
			sc_write(c, v, "retry_after_jitter_s",
			         sc_exact_number(r->retry_after_jitter_s));
		if (r->retry_after_give_up_s > 0)
			sc_write(c, v, "retry_after_give_up_s",
			         sc_exact_number(r->retry_after_give_up_s));
	}
	sc_write(c, v, "attempt_timeout_s", sc_exact_number(r->attempt_timeout_s));
	sc_write(c, v, "deadline_s", sc_exact_number(r->deadline_s));
	sc_write(c, v, "budget_max", sc_exact_number(r->budget_max));
	sc_write(c, v, "budget_refund", sc_exact_number(r->budget_refund));
	sc_write(c, v, "retry_ratio", sc_exact_number(r->retry_ratio));
	sc_write(c, v, "retry_ratio_window_s", sc_exact_number(r->retry_ratio_window_s));
	sc_write(c, v, "adaptive_k", sc_exact_number(r->adaptive_k));
	sc_write(c, v, "adaptive_window_s", sc_exact_number(r->adaptive_window_s));
}

static rs_status parse_retry(sc *c, const cJSON *cl, const char *cpath, rs_retry_cfg *r)
{
	retry_defaults(r);
	const cJSON *v = sc_member_or_default(c, cl, SC_KEYS(client_keys), "retry");
	if (!v)
		return RS_OK;
	char path[SC_PATH_MAX];
	sc_child_key(path, cpath, "retry");
	const char *preset = NULL;
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, SC_KEYS(retry_keys));
	if (st == RS_OK)
		st = sc_get_str(c, v, path, SC_KEYS(retry_keys), "preset", &preset);
	if (st == RS_OK && preset)
		st = apply_preset(c, path, preset, r);
	if (st != RS_OK)
		return st;
	if (!preset && !sc_member(v, "policy")) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, "policy");
		return sc_invalid(c, kp, "required key is missing");
	}
	int policy = r->policy;
	st = sc_get_enum_in(c, v, path, SC_KEYS(retry_keys), "policy", retry_names,
	                    SC_N(retry_names), r->policy, &policy);
	if (st == RS_OK)
		st = sc_keys_variant(c, v, path, SC_KEYS(retry_keys), SC_BIT(policy), "policy",
		                     retry_names[policy]);
	r->policy = (rs_retry_policy)policy;
	if (st == RS_OK)
		st = retry_delays(c, v, path, r);
	if (st == RS_OK)
		st = retry_limits(c, v, path, r);
	if (st == RS_OK)
		retry_write(c, v, r);
	return st;
}

static rs_status parse_client(sc *c, const cJSON *cl, const char *path, size_t i)
{
	rs_client_cfg *cli = &c->cfg->clients[i];
	cli->target_index = -1;
	cli->target_ref = (rs_target){.is_router = false, .index = -1};
	cli->rtt_ms = -1;
	retry_defaults(&cli->retry);
	rs_status st = sc_expect_object(c, cl, path);
	if (st == RS_OK)
		st = sc_keys_known(c, cl, path, SC_KEYS(client_keys));
	if (st == RS_OK)
		st = sc_get_owned(c, cl, path, SC_KEYS(client_keys), "name", &cli->name);
	if (st != RS_OK)
		return st;
	for (size_t j = 0; j < i; j++) {
		if (strcmp(c->cfg->clients[j].name, cli->name) == 0) {
			char kp[SC_PATH_MAX];
			sc_child_key(kp, path, "name");
			return sc_invalid(c, kp, "\"%s\" is already the name of .clients[%zu]",
			                  cli->name, j);
		}
	}
	if ((st = sc_get_owned(c, cl, path, SC_KEYS(client_keys), "target", &cli->target)) != RS_OK)
		return st;
	if (!sc_target_find(c->cfg, c->cfg->n_routers, cli->target, &cli->target_ref)) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, "target");
		return sc_no_target(c, kp, cli->target);
	}
	if (!cli->target_ref.is_router)
		cli->target_index = cli->target_ref.index;
	st = sc_get_owned(c, cl, path, SC_KEYS(client_keys), "region", &cli->region);
	if (st == RS_OK)
		st = sc_get_int(c, cl, path, SC_KEYS(client_keys), "priority", &cli->priority);
	if (st == RS_OK)
		st = sc_parse_workload(c, cl, path, cli);
	bool given = cli->workload.on; /* arrival and sizes from the workload */
	if (st == RS_OK && !given)
		st = parse_arrival(c, cl, path, &cli->arrival);
	bool trace = cli->arrival.trace.path != NULL; /* a trace arrival, or a job of its rows */
	if (st == RS_OK && !given)
		st = parse_dist(c, cl, path, "prompt_tokens", trace, &cli->prompt_tokens);
	if (st == RS_OK && !given)
		st = parse_dist(c, cl, path, "output_tokens", trace, &cli->output_tokens);
	if (st == RS_OK)
		st = parse_max_tokens(c, cl, path, &cli->max_tokens);
	if (st == RS_OK)
		st = sc_get_int(c, cl, path, SC_KEYS(client_keys), "best_of", &cli->best_of);
	if (st == RS_OK)
		st = sc_get_num(c, cl, path, SC_KEYS(client_keys), "cached_fraction",
		                &cli->cached_fraction);
	if (st == RS_OK)
		st = sc_parse_images(c, cl, path, &cli->images);
	if (st == RS_OK)
		st = sc_parse_pipeline(c, cl, path, &cli->arrival, &cli->pipeline);
	if (st == RS_OK)
		st = parse_retry(c, cl, path, &cli->retry);
	if (st == RS_OK)
		st = sc_parse_control(c, cl, path, &cli->target_ref, &cli->control);
	if (st == RS_OK)
		st = sc_parse_reactions(c, cl, path, cli);
	if (st == RS_OK)
		st = sc_get_num(c, cl, path, SC_KEYS(client_keys), "rtt_ms", &cli->rtt_ms);
	return st;
}

rs_status sc_parse_clients(sc *c, const cJSON *root)
{
	const cJSON *arr;
	size_t n;
	rs_status st = sc_get_array(c, root, "", "clients", "client", &arr, &n);
	if (st != RS_OK)
		return st;
	c->cfg->clients = rs_calloc(n, sizeof *c->cfg->clients);
	if (!c->cfg->clients)
		return sc_nomem(c);
	c->cfg->n_clients = n;
	size_t i = 0;
	for (const cJSON *cl = arr->child; cl; cl = cl->next, i++) {
		char path[SC_PATH_MAX];
		sc_child_index(path, ".clients", i);
		if ((st = parse_client(c, cl, path, i)) != RS_OK)
			return st;
	}
	return RS_OK;
}

/* ---- the room's tables, for the key dump ---------------------------------- */

static const sc_table workload_tables[] = {
    {"client", SC_KEYS(client_keys)},      {"arrival", SC_KEYS(arrival_keys)},
    {"rate_point", SC_KEYS(point_keys)},   {"tokens", SC_KEYS(dist_keys)},
    {"seconds_dist", SC_KEYS(think_keys)}, {"max_tokens", SC_KEYS(max_tokens_keys)},
    {"retry", SC_KEYS(retry_keys)},
};

const sc_table *sc_workload_tables(size_t *n)
{
	*n = SC_N(workload_tables);
	return workload_tables;
}
