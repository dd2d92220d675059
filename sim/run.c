/*
 * run.c - world + outputs + charts for one scenario (see run.h).
 */
#include "ratesim/run.h"

#include "ratesim/chart.h"
#include "ratesim/world.h"

#include <stdio.h>
#include <string.h>

rs_status rs_run(const rs_config *cfg, const rs_run_opts *o, rs_run_result *res, rs_error *err)
{
	memset(res, 0, sizeof *res);
	rs_output *out = NULL;
	rs_status st = rs_output_open(o->dir, o->log_requests, &out, err);
	if (st != RS_OK)
		return st;
	rs_world_hooks hooks = {0};
	rs_output_hooks(out, &hooks);
	hooks.progress = o->progress;
	hooks.progress_every = o->progress_every;
	hooks.progress_ctx = o->progress_ctx;

	double start = o->wall_clock ? o->wall_clock() : 0;
	rs_world *w = NULL;
	st = rs_world_new(cfg, &hooks, &w, err);
	if (st == RS_OK)
		st = rs_world_run(w, err);
	if (st == RS_OK) {
		res->engine = (rs_engine_stats){
		    .events = rs_world_events(w),
		    .requests = rs_world_requests(w),
		    .wall_s = o->wall_clock ? o->wall_clock() - start : 0,
		    .peak_rss_kb = o->peak_rss_kb ? o->peak_rss_kb() : 0,
		};
		res->total = *rs_metrics_run_counts(rs_world_metrics(w), 0);
		st = rs_output_commit(out, cfg, rs_world_metrics(w), &res->engine, err);
	}
	rs_world_free(w);
	rs_output_free(out);
	if (st != RS_OK || !o->charts)
		return st;

	char title[512];
	snprintf(title, sizeof title, "%s (seed %llu)", cfg->name, (unsigned long long)cfg->seed);
	rs_chart_opts co = {.title = title,
	                    .gnuplot = NULL,
	                    .required = o->charts_required,
	                    .progress = o->chart_progress,
	                    .progress_ctx = o->progress_ctx};
	return rs_chart_render(o->dir, &co, res->chart_warning, sizeof res->chart_warning, err);
}
