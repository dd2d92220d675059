/*
 * run.c - world + outputs + charts for one scenario (see run.h).
 *
 * Everything, charts included, is written into the output's staging folder
 * and committed at the end, so the folder either gains one complete run
 * (summary.json last) or nothing of this run.
 */
#include "ratesim/run.h"

#include "ratesim/chart.h"
#include "ratesim/world.h"

#include <stdio.h>
#include <string.h>

#define TITLE_MAX 512

/* Messages of the chart writer name the folder it drew in, the staging
 * folder: name the output folder instead, where the files end up. */
static void unstage_paths(char *msg, size_t len, const char *stage, const char *dir)
{
	char buf[RS_ERROR_MAX];
	size_t n = 0, sl = strlen(stage), dl = strlen(dir);
	for (const char *p = msg; *p && n + 1 < sizeof buf;) {
		if (!strncmp(p, stage, sl) && n + dl + 1 < sizeof buf) {
			memcpy(buf + n, dir, dl);
			n += dl;
			p += sl;
		} else {
			buf[n++] = *p++;
		}
	}
	buf[n] = '\0';
	snprintf(msg, len, "%s", buf);
}

rs_status rs_run(const rs_config *cfg, const rs_run_opts *o, rs_run_result *res, rs_error *err)
{
	memset(res, 0, sizeof *res);
	/* Defence in depth (the loader refuses this too): a bucket that rounds
	 * to 0 us would close forever at the same time. */
	if (!(rs_time_from_s(cfg->bucket_s) >= 1))
		return rs_fail(err, RS_ERR_INVALID, "%s: .bucket_s: must be at least 1 us (got %g)",
		               cfg->path ? cfg->path : cfg->name, cfg->bucket_s);
	rs_output *out = NULL;
	rs_status st = rs_output_open(o->dir, o->log_requests, &out, err);
	if (st != RS_OK)
		return st;
	st = rs_output_alerts(out, cfg, err);
	if (st != RS_OK) {
		rs_output_free(out);
		return st;
	}
	rs_world_hooks hooks = {0};
	rs_output_hooks(out, &hooks);
	hooks.log_sample = o->log_sample;
	hooks.progress = o->progress;
	hooks.progress_every = o->progress_every;
	hooks.progress_ctx = o->progress_ctx;

	double start = o->wall_clock ? o->wall_clock() : 0;
	rs_world *w = NULL;
	st = rs_world_new(cfg, &hooks, &w, err);
	if (st == RS_OK)
		st = rs_world_run(w, err);
	if (st == RS_ERR_IO && rs_output_failure(out)[0])
		st = rs_fail(err, RS_ERR_IO, "%s", rs_output_failure(out)); /* name the file */
	if (st == RS_ERR_NOMEM && err &&
	    strncmp(err->msg, "out of memory", strlen("out of memory")) == 0) {
		char msg[RS_ERROR_MAX];
		snprintf(msg, sizeof msg, "%s", err->msg);
		st = rs_fail(err, RS_ERR_NOMEM,
		             "%s: %s (the scenario is too large for this machine)",
		             cfg->path ? cfg->path : cfg->name, msg); /* name the file */
	}
	if (st == RS_OK) {
		res->engine = (rs_engine_stats){
		    .events = rs_world_events(w),
		    .queue_events = rs_world_queue_events(w),
		    .requests = rs_world_requests(w),
		    .wall_s = o->wall_clock ? o->wall_clock() - start : 0,
		    .peak_rss_kb = o->peak_rss_kb ? o->peak_rss_kb() : 0,
		};
		res->total = *rs_metrics_run_counts(rs_world_metrics(w), 0);
		st = rs_output_finish(out, cfg, rs_world_metrics(w), &res->engine, err);
	}
	rs_world_free(w);
	if (st == RS_OK && o->charts) {
		char title[TITLE_MAX];
		snprintf(title, sizeof title, "%s (seed %llu)", cfg->name,
		         (unsigned long long)cfg->seed);
		rs_chart_opts co = {.title = title,
		                    .gnuplot = NULL,
		                    .required = o->charts_required,
		                    .progress = o->chart_progress,
		                    .progress_ctx = o->progress_ctx};
		st = rs_chart_render(rs_output_staging(out), &co, res->chart_warning,
		                     sizeof res->chart_warning, err);
	}
	if (st == RS_OK)
		st = rs_output_promote(out, err);
	if (res->chart_warning[0])
		unstage_paths(res->chart_warning, sizeof res->chart_warning, rs_output_staging(out),
		              o->dir);
	if (st != RS_OK && err)
		unstage_paths(err->msg, sizeof err->msg, rs_output_staging(out), o->dir);
	rs_output_free(out);
	return st;
}
