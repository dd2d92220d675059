/*
 * collect.c - conclude from the run folders of a plan (collect.h): read
 * plan.json and every run's summary.json back (aggregate.h), then hand the
 * table to the conclusions of the plan's kind: a replicated run's
 * aggregate and band charts (here), a comparison's report (compare.h), a
 * sweep's tables and charts (sweep.h), a sizing search's answer (size.h).
 *
 * This is the top of the decision layer: the kinds sit below it and never
 * call it, so data flows one way, plan -> runs -> table -> conclusions.
 */
#include "ratesim/collect.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/compare.h"
#include "ratesim/decide_chart.h"
#include "ratesim/size.h"
#include "ratesim/sweep.h"

#define COLLECT_TITLE_MAX 512

static rs_status conclude_replicate(const rs_fig_table *t, const rs_plan *p,
                                    const rs_decide_opts *o, rs_decide_result *res, rs_error *err)
{
	rs_status st = rs_agg_write_group(t, p, 0, err);
	if (st == RS_OK)
		st = rs_agg_write_tables(t, p, NULL, 0, NULL, err);
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(t->summaries[0], "scenario");
	const char *name = cJSON_IsString(sc) ? sc->valuestring : "scenario";
	char title[COLLECT_TITLE_MAX];
	snprintf(title, sizeof title, "%s (%zu replications)", name, p->replications);
	if (st == RS_OK && o->charts)
		st = rs_dchart_bands(p->dir, title, p->replications, res->warning,
		                     sizeof res->warning, err);
	if (st != RS_OK)
		return st;
	rs_text_buf b = {0};
	rs_text_printf(&b, "ratesim: %zu replications (95%% intervals of the mean, Student t):\n",
	               p->replications);
	rs_decide_line(t, p, 0, name, &b);
	/* --window: the same line over the window's figures, below the run's */
	if (o->window) {
		rs_fig_table wt = {0};
		rs_status ws = rs_fig_table_window(t, o->window, &wt, err);
		if (ws != RS_OK) {
			free(b.s);
			return ws;
		}
		/* its span, as the runs wrote it (windows.NAME.start_s, end_s) */
		const cJSON *wj = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(t->summaries[0], "windows"), o->window);
		const cJSON *ws0 = cJSON_GetObjectItemCaseSensitive(wj, "start_s");
		const cJSON *ws1 = cJSON_GetObjectItemCaseSensitive(wj, "end_s");
		char wname[COLLECT_TITLE_MAX];
		if (cJSON_IsNumber(ws0) && cJSON_IsNumber(ws1))
			snprintf(wname, sizeof wname, "%s, window %s [%g, %g) s", name, o->window,
			         ws0->valuedouble, ws1->valuedouble);
		else
			snprintf(wname, sizeof wname, "%s, window %s", name, o->window);
		rs_decide_line(&wt, p, 0, wname, &b);
		rs_fig_table_free(&wt);
	}
	rs_text_printf(&b,
	               "ratesim: results in %s/ (summary.json, runs.csv, bands.csv, rep-1 .. "
	               "rep-%zu/)\n",
	               p->dir, p->replications);
	if (b.nomem) {
		free(b.s);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	res->text = b.s;
	return RS_OK;
}

rs_status rs_collect(const char *dir, const rs_decide_opts *o, rs_decide_result *res, rs_error *err)
{
	*res = (rs_decide_result){0};
	rs_plan p;
	rs_status st = rs_plan_read(dir, &p, err);
	if (st != RS_OK)
		return st;
	rs_fig_table t;
	st = rs_fig_table_load(&p, &t, err);
	if (st == RS_OK) {
		if (!strcmp(p.kind, "replicate"))
			st = conclude_replicate(&t, &p, o, res, err);
		else if (!strcmp(p.kind, "compare"))
			st = rs_compare_conclude(&t, &p, o, res, err);
		else if (!strcmp(p.kind, "sweep"))
			st = rs_sweep_conclude(&t, &p, o, res, err);
		else if (!strcmp(p.kind, "size"))
			st = rs_size_conclude(&t, &p, o, res, err);
		else
			st = rs_fail(err, RS_ERR_SYNTAX, "%s/%s: unknown kind \"%s\"", dir,
			             RS_PLAN_FILE, p.kind);
		rs_fig_table_free(&t);
	}
	rs_plan_free(&p);
	return st;
}
