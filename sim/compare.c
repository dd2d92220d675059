/*
 * compare.c - run candidates side by side, then chart and report them
 * (see compare.h).
 *
 * Labels are decided before anything runs, so a candidate's folder never
 * depends on how an earlier one went.  Every figure of the report is read
 * back from the runs' files by report.c, so what the report says is what
 * the folders hold.  O(n^2) in the number of candidates for the labels
 * (a handful), the rest is the runs'.
 */
#include "ratesim/compare.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ratesim/chart.h"
#include "ratesim/report.h"

/* Room kept at the end of a label for a "-N" suffix. */
#define COMPARE_SUFFIX_ROOM 8
#define COMPARE_EMPTY_LABEL "scenario"
#define COMPARE_TITLE_MAX   512
#define COMPARE_PATH_MAX    4096
/* The files a comparison writes in its folder besides the charts. */
static const char *const compare_files[] = {"report.md", "report.html"};
static const char *const chart_exts[] = {"png", "svg", "dat", "gp"};

static bool label_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

/* Whether label is the name of a file the comparison writes. */
static bool label_reserved(const char *label)
{
	for (size_t i = 0; i < sizeof compare_files / sizeof compare_files[0]; i++)
		if (strcmp(label, compare_files[i]) == 0)
			return true;
	const char *name, *caption;
	for (size_t k = 0; rs_chart_compare_info(k, &name, &caption); k++) {
		size_t nl = strlen(name);
		if (strncmp(label, name, nl) != 0 || label[nl] != '.')
			continue;
		for (size_t e = 0; e < sizeof chart_exts / sizeof chart_exts[0]; e++)
			if (strcmp(label + nl + 1, chart_exts[e]) == 0)
				return true;
	}
	return false;
}

static bool label_taken(const rs_compare_candidate *out, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(out[i].label, label) == 0)
			return true;
	return label_reserved(label);
}

void rs_compare_labels(const rs_config *const *cfgs, size_t n, rs_compare_candidate *out)
{
	for (size_t i = 0; i < n; i++) {
		char base[RS_COMPARE_LABEL_MAX];
		size_t len = 0;
		for (const char *s = cfgs[i]->name ? cfgs[i]->name : "";
		     *s && len < RS_COMPARE_LABEL_MAX - COMPARE_SUFFIX_ROOM; s++)
			base[len++] = label_char_ok(*s) ? *s : '_';
		base[len] = '\0';
		if (len == 0 || !strcmp(base, ".") || !strcmp(base, ".."))
			snprintf(base, sizeof base, "%s", COMPARE_EMPTY_LABEL);
		snprintf(out[i].label, sizeof out[i].label, "%s", base);
		for (unsigned k = 2; label_taken(out, i, out[i].label); k++)
			snprintf(out[i].label, sizeof out[i].label, "%s-%u", base, k);
	}
}

/* Without charts, the comparison charts of an earlier comparison in dir
 * would be taken for these candidates' (and embedded in the report): remove
 * them, with their data and scripts. */
static rs_status remove_compare_charts(const char *dir, rs_error *err)
{
	const char *name, *caption;
	for (size_t k = 0; rs_chart_compare_info(k, &name, &caption); k++) {
		for (size_t e = 0; e < sizeof chart_exts / sizeof chart_exts[0]; e++) {
			char path[COMPARE_PATH_MAX];
			if (snprintf(path, sizeof path, "%s/%s.%s", dir, name, chart_exts[e]) >=
			    (int)sizeof path)
				return rs_fail(err, RS_ERR_IO, "%s/%s: path too long", dir, name);
			if (unlink(path) != 0 && errno != ENOENT)
				return rs_fail(err, RS_ERR_IO,
				               "%s: cannot remove the old chart: %s", path,
				               strerror(errno));
		}
	}
	return RS_OK;
}

/* "a vs b vs c (seed 42)", or "(seeds differ)". */
static void compare_title(const rs_config *const *cfgs, size_t n, const rs_compare_candidate *out,
                          char *buf, size_t len)
{
	size_t used = 0;
	bool same_seed = true;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		same_seed = same_seed && cfgs[i]->seed == cfgs[0]->seed;
		int w = snprintf(buf + used, len - used, "%s%s", i ? " vs " : "", out[i].label);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
	if (same_seed)
		snprintf(buf + used, len - used, " (seed %llu)", (unsigned long long)cfgs[0]->seed);
	else
		snprintf(buf + used, len - used, " (seeds differ)");
}

rs_status rs_compare_run(const rs_config *const *cfgs, size_t n, const rs_compare_opts *o,
                         rs_compare_candidate *out, char *warning, size_t wlen, rs_error *err)
{
	if (warning && wlen > 0)
		warning[0] = '\0';
	if (n == 0)
		return rs_fail(err, RS_ERR_USAGE, "compare needs at least one scenario");
	memset(out, 0, n * sizeof *out);
	rs_compare_labels(cfgs, n, out);
	const char **labels = calloc(n, sizeof *labels);
	rs_report_candidate *rc = calloc(n, sizeof *rc);
	rs_status st = RS_OK;
	if (!labels || !rc) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	char run_warning[sizeof out[0].run.chart_warning] = "";
	for (size_t i = 0; i < n && st == RS_OK; i++) {
		labels[i] = out[i].label;
		rc[i] = (rs_report_candidate){.label = out[i].label,
		                              .file = cfgs[i]->path,
		                              .description = cfgs[i]->description};
		size_t dl = strlen(o->run.dir) + strlen(out[i].label) + 2;
		char *sub = malloc(dl);
		if (!sub) {
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
			break;
		}
		snprintf(sub, dl, "%s/%s", o->run.dir, out[i].label);
		if (o->on_candidate)
			o->on_candidate(o->run.progress_ctx, i, n, out[i].label);
		rs_run_opts ro = o->run;
		ro.dir = sub;
		st = rs_run(cfgs[i], &ro, &out[i].run, err);
		free(sub);
		if (st == RS_OK && !run_warning[0] && out[i].run.chart_warning[0])
			snprintf(run_warning, sizeof run_warning, "%s", out[i].run.chart_warning);
	}
	if (st == RS_OK && !o->run.charts)
		st = remove_compare_charts(o->run.dir, err);
	if (st == RS_OK && o->run.charts) {
		char title[COMPARE_TITLE_MAX];
		compare_title(cfgs, n, out, title, sizeof title);
		rs_chart_opts co = {
		    .title = title, .gnuplot = NULL, .required = o->run.charts_required};
		st = rs_chart_render_compare(o->run.dir, labels, n, &co, warning, wlen, err);
		/* the comparison's warning names its folder; else a candidate's */
		if (st == RS_OK && warning && wlen > 0 && !warning[0] && run_warning[0])
			snprintf(warning, wlen, "%s", run_warning);
	}
	if (st == RS_OK)
		st = rs_report_write(o->run.dir, rc, n, err);
out:
	free(labels);
	free(rc);
	return st;
}
