/*
 * job_figures.c - a job's and a pipeline's figures in summary.json (issue
 * 9; the figures are defined in include/ratesim/job.h, their fields listed
 * in docs/outputs.md).  Times in seconds to the microsecond; a figure with
 * no sample (a makespan of a job that did not finish, a percentile of no
 * pipeline) is null.
 */
#include "ratesim/job.h"

#include "ratesim/jsonout.h"

#include <cjson/cJSON.h>
#include <math.h>

#define US_DECIMALS   1e6 /* seconds to the microsecond */
#define RATE_DECIMALS 1e6 /* shares to six places */

static bool add_u64(cJSON *o, const char *k, uint64_t v)
{
	return cJSON_AddNumberToObject(o, k, (double)v) != NULL;
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / (double)whole : NAN;
}

static bool job_json(const rs_job_figures *f, cJSON *o)
{
	cJSON *j = cJSON_AddObjectToObject(o, "job");
	if (!j || !add_u64(j, "requests", f->units) || !add_u64(j, "started", f->started) ||
	    !add_u64(j, "succeeded", f->succeeded) || !add_u64(j, "failed", f->failed) ||
	    !add_u64(j, "unfinished", f->units - f->succeeded - f->failed) ||
	    !cJSON_AddBoolToObject(j, "done", f->done) ||
	    !rs_json_num(j, "makespan_s", f->makespan_s, US_DECIMALS))
		return false;
	cJSON *wt = cJSON_AddObjectToObject(j, "retry_wait_s");
	return wt && rs_json_num(wt, "mean", f->wait_mean_s, US_DECIMALS) &&
	       rs_json_num(wt, "p50", f->wait_p50_s, US_DECIMALS) &&
	       rs_json_num(wt, "p99", f->wait_p99_s, US_DECIMALS) &&
	       rs_json_num(wt, "max", f->wait_max_s, US_DECIMALS);
}

static bool by_hour_json(const rs_job_figures *f, cJSON *p)
{
	cJSON *arr = cJSON_AddArrayToObject(p, "by_hour_of_day");
	if (!arr)
		return false;
	for (int h = 0; h < RS_HOURS_PER_DAY; h++) {
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			return false;
		}
		if (!cJSON_AddNumberToObject(o, "hour", h) ||
		    !add_u64(o, "started", f->hour_started[h]) ||
		    !add_u64(o, "failed", f->hour_failed[h]) ||
		    !rs_json_num(o, "failure_rate", share(f->hour_failed[h], f->hour_started[h]),
		                 RATE_DECIMALS))
			return false;
	}
	return true;
}

static bool pipeline_json(const rs_job_figures *f, cJSON *o)
{
	cJSON *p = cJSON_AddObjectToObject(o, "pipeline");
	uint64_t failed = f->pipe_failed_deadline + f->pipe_failed_429 + f->pipe_failed_other;
	if (!p || !add_u64(p, "count", f->pipelines) ||
	    !add_u64(p, "succeeded", f->pipe_succeeded) ||
	    !add_u64(p, "failed_deadline", f->pipe_failed_deadline) ||
	    !add_u64(p, "failed_429", f->pipe_failed_429) ||
	    !add_u64(p, "failed_other", f->pipe_failed_other) ||
	    !add_u64(p, "unfinished", f->pipelines - f->pipe_succeeded - failed) ||
	    !rs_json_num(p, "success_rate", share(f->pipe_succeeded, f->pipe_succeeded + failed),
	                 RATE_DECIMALS))
		return false;
	cJSON *lat = cJSON_AddObjectToObject(p, "latency_s");
	return lat && rs_json_num(lat, "p50", f->pipe_p50_s, US_DECIMALS) &&
	       rs_json_num(lat, "p90", f->pipe_p90_s, US_DECIMALS) &&
	       rs_json_num(lat, "p99", f->pipe_p99_s, US_DECIMALS) &&
	       rs_json_num(lat, "max", f->pipe_max_s, US_DECIMALS) && by_hour_json(f, p);
}

bool rs_job_figures_json(const rs_job_figures *f, cJSON *o)
{
	if (!f)
		return true;
	if (f->job && !job_json(f, o))
		return false;
	return !f->pipeline || pipeline_json(f, o);
}
