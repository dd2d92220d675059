/*
 * scenario_jobs.c - the loader's room for finite jobs and deadline
 * pipelines (issue 9; the run side is job.h):
 *
 *   "arrival": {"process": "job", "requests": 20000, "concurrency": 8, "start_s": 0}
 *   "arrival": {"process": "at_once", "requests": 100, "start_s": 5}
 *   "pipeline": {"deadline_s": 230, "steps": [{"calls": 1},
 *                                             {"calls": 10, "parallelism": 5}]}
 *
 * The arrival keys of job and at_once are rows of the one "arrival" table
 * (SC_JOB_ARRIVAL_KEYS, scenario_keys.h); this room reads them.  A pipeline
 * works with any arrival that makes its own arrivals or a job, but not with
 * closed-loop users (their next request follows a request, not a pipeline)
 * nor with a replayed trace (a row is one request, and a pipeline makes
 * many).  A step's parallelism defaults to its calls (all at once) and may
 * not exceed them.  Cost: O(steps) per client.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <string.h>

#include "scenario_keys.h"

/* clang-format off: key tables keep one key per line */
static const sc_key pipeline_keys[] = {
    {"steps", 0, true, NULL, SC_ARRAY},
    {"deadline_s", 0, false, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S),
     SC_DEFAULT(RS_DEFAULT_PIPELINE_DEADLINE_S)},
};

static const sc_key step_keys[] = {
    {"calls", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_PIPELINE_CALLS),
     SC_DEFAULT(RS_DEFAULT_PIPELINE_CALLS)},
    {"parallelism", 0, false, NULL, SC_WHOLE(SC_GE1, RS_MAX_PIPELINE_CALLS)},
};
/* clang-format on */

rs_status sc_parse_job_arrival(sc *c, const cJSON *arr, const char *path, sc_keys ks, int process,
                               rs_arrival_cfg *a)
{
	a->process = (rs_arrival_process)process;
	bool file = sc_member(arr, "file") != NULL, requests = sc_member(arr, "requests") != NULL;
	if (process == RS_ARRIVAL_JOB && file == requests)
		return sc_invalid(c, path,
		                  "a job takes \"requests\" or \"file\" (one request a row)%s",
		                  file ? ", not both" : "");
	rs_status st = RS_OK;
	if (file) { /* the trace loader counts the rows when the world is built */
		st = sc_parse_trace(c, arr, path, ks, &a->trace);
		/* the effective scenario says the defaults it applied (the table's
		 * first rows of these keys are the trace arrival's) */
		if (st == RS_OK && !sc_member(arr, "format"))
			sc_write(c, arr, "format",
			         cJSON_CreateString(sc_format_names[a->trace.format]));
		if (st == RS_OK && !sc_member(arr, "zero_rows"))
			sc_write(c, arr, "zero_rows",
			         cJSON_CreateString(sc_zero_rows_names[a->trace.zero_rows]));
	} else
		st = sc_get_whole(c, arr, path, ks, "requests", &a->requests);
	if (st == RS_OK && process == RS_ARRIVAL_AT_ONCE && a->requests > RS_MAX_AT_ONCE) {
		char kp[SC_PATH_MAX];
		sc_child_key(kp, path, "requests");
		return sc_invalid(c, kp,
		                  "must be <= %d for an at_once arrival, whose requests are all "
		                  "in memory at once (got %" PRId64 ")",
		                  RS_MAX_AT_ONCE, a->requests);
	}
	if (st == RS_OK && process == RS_ARRIVAL_JOB)
		st = sc_get_int(c, arr, path, ks, "concurrency", &a->concurrency);
	if (st == RS_OK)
		st = sc_get_num(c, arr, path, ks, "start_s", &a->start_s);
	return st;
}

static rs_status parse_step(sc *c, const cJSON *v, const char *path, rs_pipeline_step *s)
{
	sc_keys ks = SC_KEYS(step_keys);
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, ks);
	if (st == RS_OK)
		st = sc_get_int(c, v, path, ks, "calls", &s->calls);
	s->parallelism = s->calls;
	if (st == RS_OK)
		st = sc_get_int(c, v, path, ks, "parallelism", &s->parallelism);
	if (st == RS_OK && s->parallelism > s->calls)
		return sc_above(c, path, "parallelism", "calls", s->calls, s->parallelism);
	return st;
}

/* Whether a client of arrival a may run pipelines; else the reason. */
static const char *pipeline_refused(const rs_arrival_cfg *a)
{
	if (a->process == RS_ARRIVAL_CLOSED)
		return "closed-loop users send their next request when a request ends, not a "
		       "pipeline; use a job arrival";
	if (a->process == RS_ARRIVAL_TRACE || a->trace.path)
		return "a trace row is one request, and a pipeline makes several calls";
	return NULL;
}

rs_status sc_parse_pipeline(sc *c, const cJSON *cl, const char *cpath, const rs_arrival_cfg *a,
                            rs_pipeline_cfg *p)
{
	const cJSON *v = sc_member(cl, "pipeline");
	if (!v)
		return RS_OK;
	char path[SC_PATH_MAX];
	sc_child_key(path, cpath, "pipeline");
	sc_keys ks = SC_KEYS(pipeline_keys);
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, ks);
	if (st != RS_OK)
		return st;
	const char *why = pipeline_refused(a);
	if (why)
		return sc_invalid(c, path, "not with this client's arrival: %s", why);
	const cJSON *arr;
	size_t n;
	if ((st = sc_get_array(c, v, path, "steps", "step", &arr, &n)) != RS_OK)
		return st;
	char sp[SC_PATH_MAX];
	sc_child_key(sp, path, "steps");
	if (n > RS_MAX_PIPELINE_STEPS)
		return sc_invalid(c, sp, "must have at most %d steps (got %zu)",
		                  RS_MAX_PIPELINE_STEPS, n);
	p->steps = rs_calloc(n, sizeof *p->steps);
	if (!p->steps)
		return sc_nomem(c);
	p->n_steps = n;
	size_t i = 0;
	for (const cJSON *s = arr->child; s; s = s->next, i++) {
		char ip[SC_PATH_MAX];
		sc_child_index(ip, sp, i);
		if ((st = parse_step(c, s, ip, &p->steps[i])) != RS_OK)
			return st;
	}
	p->on = true;
	return sc_get_num(c, v, path, ks, "deadline_s", &p->deadline_s);
}

static const sc_table jobs_tables[] = {
    {"pipeline", SC_KEYS(pipeline_keys)},
    {"pipeline_step", SC_KEYS(step_keys)},
};

const sc_table *sc_jobs_tables(size_t *n)
{
	*n = SC_N(jobs_tables);
	return jobs_tables;
}
