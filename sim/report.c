/*
 * report.c - the comparison's report (report.md, report.html); see report.h.
 *
 * Every number of the report comes from the figure table (aggregate.h):
 * the runs' own summary.json files, read back.  A cell is "mean +- h",
 * h the half-width of the 95% interval over the replications.  The
 * sentences of "what the replications can tell apart" compare candidates
 * on a few figures, each through the paired difference of the
 * replications (stats.h): a candidate is called better only when that
 * interval excludes zero, otherwise the report says that N replications
 * cannot tell them apart.  Latency is of successes only, so a candidate
 * that fails more requests than another is never called the best on
 * latency.  Nothing depends on the clock or the machine: the same folders
 * give the same bytes.
 */
#include "ratesim/report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/aggregate.h"
#include "ratesim/chart.h"
#include "ratesim/doc.h"
#include "ratesim/textio.h"

#define REPORT_NAME    "report" /* report.md and report.html */
#define REPORT_FIG_LEN 96       /* a formatted figure */
#define MS_PER_S       1000.0
#define PERCENT        100.0
/* the figures of who refused (refusal.h), under attempts in summary.json */
#define REPORT_BY_PREFIX  "attempts.refused_by."
#define REPORT_BY_SERVICE REPORT_BY_PREFIX "service"

/* ---- the comparison report ------------------------------------------------------ */

/* A figure of the table and the verdicts: its path in summary.json, how
 * it is named and shown, and which way is better. */
typedef struct report_fig {
	const char *path, *label;
	double scale; /* shown value = value x scale */
	const char *unit;
	int decimals;
	int better;   /* -1 lower is better, +1 higher is better, 0 not ranked */
	bool latency; /* of successes only: see latency_caveat */
	bool if_any;  /* shown only when some run's value is not 0 */
} report_fig;

static const report_fig report_figs[] = {
    {"requests.offered", "requests offered", 1, "", 0, 0, false, false},
    {"requests.succeeded", "succeeded", 1, "", 0, 0, false, false},
    {"requests.failed", "final failures", 1, "", 1, -1, false, false},
    {"rate_429", "429 rate (of attempts)", PERCENT, "%", 2, -1, false, false},
    /* who refused (issue 9): only where a run has some, so that the
     * reports of runs without them read as before (service + gateway +
     * router = throttled; client = refused locally, not in the rate) */
    {REPORT_BY_SERVICE, "429s by the service (deployments)", 1, "", 1, 0, false, true},
    {REPORT_BY_PREFIX "gateway", "429s by the gateway (consumer limits)", 1, "", 1, 0, false, true},
    {REPORT_BY_PREFIX "router", "429s by the router (no backend)", 1, "", 1, 0, false, true},
    {REPORT_BY_PREFIX "client", "refused locally by the client", 1, "", 1, 0, false, true},
    {"attempts.spilled", "attempts spilled to another deployment", 1, "", 1, 0, false, false},
    /* client timeouts (attempt_timeout_s): only where a run has some, so
     * that the reports of runs without them read as before */
    {"attempts.timeouts", "attempts timed out (client gave up)", 1, "", 1, -1, false, true},
    {"latency_ms.p50", "latency p50 of successes", 1 / MS_PER_S, " s", 2, 0, true, false},
    {"latency_ms.p95", "latency p95 of successes", 1 / MS_PER_S, " s", 2, 0, true, false},
    {"latency_ms.p99", "latency p99 of successes", 1 / MS_PER_S, " s", 2, -1, true, false},
    /* failed requests' time to give up (issue 10): only where some failed */
    {"failed_latency_ms.p50", "time to give up p50 of failures", 1 / MS_PER_S, " s", 2, 0, false,
     true},
    {"failed_latency_ms.p99", "time to give up p99 of failures", 1 / MS_PER_S, " s", 2, 0, false,
     true},
    {"throughput.tokens_per_min", "tokens per minute served", 1, "", 0, +1, false, false},
    {"cost.total_usd", "cost (USD)", 1, "", 2, -1, false, false},
    {"cost.ptu_usd", "of which provisioned (PTU)", 1, "", 2, 0, false, false},
    {"cost.tokens_usd", "of which pay-as-you-go tokens", 1, "", 2, 0, false, false},
    /* the first application tier (compute.h): only where the runs have one */
    {"compute[0].cold_starts", "application tier: cold starts", 1, "", 1, -1, false, false},
    {"compute[0].queued_ms.p99", "application tier: time queued p99", 1 / MS_PER_S, " s", 2, -1,
     false, false},
    {"compute[0].latency_share", "application tier: share of latency queued", PERCENT, "%", 2, 0,
     false, false},
    {"compute[0].instance_hours", "application tier: instance-hours", 1, "", 2, 0, false, false},
    {"compute[0].cost_usd", "application tier: cost (USD)", 1, "", 2, -1, false, false},
};
#define REPORT_N_FIGS (sizeof report_figs / sizeof *report_figs)
#define REPORT_FAILED 2 /* the index of requests.failed in report_figs */

static bool shown(const rs_fig_table *t, const report_fig *f);

/* The service's share of the 429s is shown only beside another party's:
 * alone it would repeat the 429 rate. */
static bool split_shown(const rs_fig_table *t)
{
	for (size_t i = 0; i < REPORT_N_FIGS; i++) {
		const report_fig *f = &report_figs[i];
		if (!strncmp(f->path, REPORT_BY_PREFIX, strlen(REPORT_BY_PREFIX)) &&
		    strcmp(f->path, REPORT_BY_SERVICE) != 0 && shown(t, f))
			return true;
	}
	return false;
}

/* Whether figure f is in the table and, for an if_any figure, is not 0
 * in some run. */
static bool shown(const rs_fig_table *t, const report_fig *f)
{
	if (!strcmp(f->path, REPORT_BY_SERVICE) && !split_shown(t))
		return false;
	long c = rs_fig_find(t, f->path, NULL);
	if (c < 0)
		return false;
	for (size_t run = 0; f->if_any && run < t->n_runs; run++) {
		double v = t->v[run * t->n_figs + (size_t)c];
		if (isfinite(v) && v != 0)
			return true;
	}
	return !f->if_any;
}

/* "v" or "v +- h" for s as fig shows it; "n/a" without a value. */
static void fmt_stats(const report_fig *f, const rs_stats *s, char *buf, size_t len)
{
	if (!isfinite(s->mean))
		snprintf(buf, len, "n/a");
	else if (isfinite(s->ci95))
		snprintf(buf, len, "%.*f%s +- %.*f%s", f->decimals, s->mean * f->scale, f->unit,
		         f->decimals, s->ci95 * f->scale, f->unit);
	else
		snprintf(buf, len, "%.*f%s", f->decimals, s->mean * f->scale, f->unit);
}

/* A difference "a - b": "d +- h" in fig's unit. */
static void fmt_diff(const report_fig *f, const rs_stats *s, char *buf, size_t len)
{
	if (isfinite(s->ci95))
		snprintf(buf, len, "%+.*f%s +- %.*f%s", f->decimals, s->mean * f->scale, f->unit,
		         f->decimals, s->ci95 * f->scale, f->unit);
	else
		snprintf(buf, len, "%+.*f%s (no interval)", f->decimals, s->mean * f->scale,
		         f->unit);
}

typedef struct report_ctx {
	const rs_fig_table *t;
	const rs_plan *p;
	const char *const *names;
} report_ctx;

static bool group_stats(const report_ctx *r, const char *path, size_t g, rs_stats *s)
{
	long f = rs_fig_find(r->t, path, NULL);
	*s = (rs_stats){0, NAN, NAN, NAN, NAN, NAN};
	if (f < 0)
		return false;
	rs_fig_group_stats(r->t, r->p, g, (size_t)f, s);
	return isfinite(s->mean);
}

/* Paired difference a - b on path; false when there is none. */
static bool paired(const report_ctx *r, const char *path, size_t a, size_t b, rs_stats *s)
{
	long f = rs_fig_find(r->t, path, NULL);
	*s = (rs_stats){0, NAN, NAN, NAN, NAN, NAN};
	if (f < 0)
		return false;
	rs_fig_paired(r->t, r->p, a, b, (size_t)f, s);
	return s->n > 0;
}

/* Whether a is better than b on f beyond noise (its paired interval
 * excludes zero, on the better side). */
static bool beats(const report_ctx *r, const report_fig *f, size_t a, size_t b)
{
	rs_stats d;
	if (!paired(r, f->path, a, b, &d) || !rs_stats_significant(&d))
		return false;
	return f->better < 0 ? d.mean < 0 : d.mean > 0;
}

/* The latency caveat: a candidate b fails more requests than best beyond
 * noise.  OUT: *worse_than, the first such b. */
static bool fails_more(const report_ctx *r, size_t best, size_t *worse_than)
{
	for (size_t b = 0; b < r->p->n_groups; b++) {
		if (b != best && beats(r, &report_figs[REPORT_FAILED], b, best)) {
			*worse_than = b;
			return true;
		}
	}
	return false;
}

/* One sentence on figure f: who is best beyond noise, who cannot be told
 * apart from the best. */
static void verdict(const report_ctx *r, const report_fig *f, rs_text_buf *b)
{
	size_t n = r->p->n_groups, best = SIZE_MAX;
	rs_stats s;
	for (size_t g = 0; g < n; g++) {
		if (!group_stats(r, f->path, g, &s))
			continue;
		rs_stats bs;
		if (best == SIZE_MAX || (group_stats(r, f->path, best, &bs) &&
		                         (f->better < 0 ? s.mean < bs.mean : s.mean > bs.mean)))
			best = g;
	}
	if (best == SIZE_MAX) {
		rs_text_printf(b, "no candidate has a value.");
		return;
	}
	if (r->p->replications < 2) {
		rs_text_printf(b, "with 1 replication there is no interval, so nothing can be told "
		                  "apart from chance; run with -r 5 or more.");
		return;
	}
	size_t ties = 0, wins = 0;
	char d[REPORT_FIG_LEN];
	rs_text_buf tied = {0}, beaten = {0};
	for (size_t g = 0; g < n; g++) {
		if (g == best)
			continue;
		rs_stats diff;
		if (!paired(r, f->path, g, best, &diff))
			continue;
		fmt_diff(f, &diff, d, sizeof d);
		if (beats(r, f, best, g)) {
			rs_text_printf(&beaten, "%s%s (%s)", wins++ ? ", " : "", r->names[g], d);
		} else {
			rs_text_printf(&tied, "%s%s (%s)", ties++ ? ", " : "", r->names[g], d);
		}
	}
	const char *way = f->better < 0 ? "lowest" : "highest";
	size_t worse;
	if (f->latency && fails_more(r, best, &worse)) {
		rs_text_printf(
		    b,
		    "%s has the %s, but it fails more requests than %s beyond noise, and "
		    "latency counts successes only: not a win.",
		    r->names[best], way, r->names[worse]);
	} else if (wins == 0) {
		rs_text_printf(
		    b,
		    "%zu replications cannot tell the candidates apart (differences from "
		    "%s, paired, 95%%: %s).",
		    r->p->replications, r->names[best], tied.s ? tied.s : "");
	} else if (ties == 0) {
		rs_text_printf(
		    b, "%s has the %s, beyond noise: the others differ by %s (paired, 95%%).",
		    r->names[best], way, beaten.s ? beaten.s : "");
	} else {
		rs_text_printf(b,
		               "%s has the %s; %zu replications cannot tell it apart from %s; it "
		               "beats %s beyond noise (paired differences, 95%%).",
		               r->names[best], way, r->p->replications, tied.s ? tied.s : "",
		               beaten.s ? beaten.s : "");
	}
	b->nomem = b->nomem || tied.nomem || beaten.nomem;
	free(tied.s);
	free(beaten.s);
}

size_t rs_report_verdicts(const rs_fig_table *t, const rs_plan *p, const char *const *names,
                          char **out, size_t max)
{
	report_ctx r = {t, p, names};
	size_t k = 0;
	for (size_t i = 0; i < REPORT_N_FIGS && k < max; i++) {
		const report_fig *f = &report_figs[i];
		if (!f->better || !shown(t, f))
			continue;
		rs_text_buf b = {0};
		rs_text_printf(&b, "%s: ", f->label);
		verdict(&r, f, &b);
		if (b.nomem) {
			free(b.s);
			continue;
		}
		out[k++] = b.s;
	}
	return k;
}

/* The table: one row per figure that some candidate has. */
static void put_table(rs_doc *d, const report_ctx *r)
{
	size_t n = r->p->n_groups;
	const char **cells = rs_calloc(n + 1, sizeof *cells);
	char(*txt)[REPORT_FIG_LEN] = rs_calloc(n + 1, sizeof *txt);
	if (!cells || !txt) {
		free(cells);
		free(txt);
		return;
	}
	cells[0] = "";
	for (size_t g = 0; g < n; g++)
		cells[g + 1] = r->names[g];
	rs_doc_table(d, cells, n + 1);
	for (size_t i = 0; i < REPORT_N_FIGS; i++) {
		const report_fig *f = &report_figs[i];
		if (!shown(r->t, f))
			continue;
		cells[0] = f->label;
		for (size_t g = 0; g < n; g++) {
			rs_stats s;
			group_stats(r, f->path, g, &s);
			fmt_stats(f, &s, txt[g + 1], sizeof txt[g + 1]);
			cells[g + 1] = txt[g + 1];
		}
		rs_doc_row(d, cells, n + 1);
	}
	/* the PTU the sizing formula asks for, per provisioned deployment, and
	 * the capacity calculator's for the workloads given as such */
	for (size_t c = 0; c < r->t->n_figs; c++) {
		const char *name = r->t->names[c];
		const char *calc = strstr(name, ".provisioned.calculator.ptu_needed");
		const char *tail = calc ? calc : strstr(name, ".provisioned.sizing.ptu_needed");
		if (!tail || strncmp(name, "deployments[", 12) != 0)
			continue;
		static const report_fig ptu = {"", "", 1, "", 1, 0, false, false};
		/* the deployment's name, from a run that has it */
		char dep[REPORT_FIG_LEN];
		snprintf(dep, sizeof dep, "%.*s", (int)(tail - name), name);
		const char *dname = dep;
		long idx = strtol(name + strlen("deployments["), NULL, 10);
		for (size_t run = 0; run < r->t->n_runs && dname == dep; run++) {
			const cJSON *dj = cJSON_GetArrayItem(
			    cJSON_GetObjectItemCaseSensitive(r->t->summaries[run], "deployments"),
			    (int)idx);
			const cJSON *nm = cJSON_GetObjectItemCaseSensitive(dj, "name");
			if (cJSON_IsString(nm) && isfinite(r->t->v[run * r->t->n_figs + c]))
				dname = nm->valuestring;
		}
		if (calc)
			snprintf(txt[0], sizeof txt[0], "PTU by the capacity calculator, %.40s",
			         dname);
		else
			snprintf(txt[0], sizeof txt[0], "PTU by the sizing formula, %.40s%s", dname,
			         strstr(tail, "peak_minute") ? " (busiest minute)"
			                                     : " (mean load)");
		cells[0] = txt[0];
		for (size_t g = 0; g < n; g++) {
			rs_stats s = {0, NAN, NAN, NAN, NAN, NAN};
			rs_fig_group_stats(r->t, r->p, g, c, &s);
			fmt_stats(&ptu, &s, txt[g + 1], sizeof txt[g + 1]);
			cells[g + 1] = txt[g + 1];
		}
		rs_doc_row(d, cells, n + 1);
	}
	rs_doc_table_end(d);
	free(cells);
	free(txt);
}

/* The text of a group's sets, "none" without. */
static void put_sets(rs_text_buf *b, const rs_plan_group *g)
{
	if (g->n_sets == 0)
		rs_text_puts(b, "none");
	for (size_t s = 0; s < g->n_sets; s++)
		rs_text_printf(b, "%s--set %s", s ? " " : "", g->sets[s]);
}

/* What the figures span: "each run after warm-up", or for a window's
 * table (rs_fig_table_window: it has start_s and end_s) "the window
 * [a, b) s of each run". */
static const char *span_text(const rs_fig_table *t, char *buf, size_t len)
{
	long a = rs_fig_find(t, "start_s", NULL), b = rs_fig_find(t, "end_s", NULL);
	if (a < 0 || b < 0 || t->n_runs == 0)
		return "each run after warm-up";
	snprintf(buf, len, "the window [%g, %g) s of each run (warm-up does not apply to it)",
	         t->v[a], t->v[b]);
	return buf;
}

rs_status rs_report_compare(const rs_fig_table *t, const rs_plan *p, const char *const *names,
                            const char *const *descriptions, rs_error *err)
{
	char span[REPORT_FIG_LEN];
	report_ctx r = {t, p, names};
	rs_text_buf title = {0}, para = {0};
	rs_text_puts(&title, "Comparison: ");
	for (size_t g = 0; g < p->n_groups; g++)
		rs_text_printf(&title, "%s%s", g ? " vs " : "", names[g]);
	rs_doc *d = title.s ? rs_doc_new(p->dir, title.s) : NULL;
	free(title.s);
	if (!d)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	rs_text_printf(&para,
	               "Written by ratesim %s. Each candidate ran %zu times (replications) with "
	               "ratesim run; replication k of every candidate used the same seed (base "
	               "seed %llu; plan.json and the rep-K folders say each), so the candidates "
	               "met the same arrivals and request sizes and their differences are "
	               "paired. A cell is the mean over the replications +- the half-width of "
	               "its 95%% Student-t interval. Figures are over %s; "
	               "latency is of successful requests only, read from log-spaced bins (within "
	               "1%%), so replications often give the same percentile.",
	               RATESIM_VERSION, p->replications, (unsigned long long)p->base_seed,
	               span_text(t, span, sizeof span));
	/* how provisioned capacity is paid for: it decides the cost figures */
	const cJSON *cost = cJSON_GetObjectItemCaseSensitive(t->summaries[0], "cost");
	const cJSON *bill = cJSON_GetObjectItemCaseSensitive(cost, "ptu_billing");
	const cJSON *snap = cJSON_GetObjectItemCaseSensitive(cost, "price_snapshot");
	if (cJSON_IsString(bill))
		rs_text_printf(&para, " Costs: provisioned deployments billed %s, prices of %s.",
		               bill->valuestring, cJSON_IsString(snap) ? snap->valuestring : "?");
	rs_doc_para(d, para.s ? para.s : "");
	free(para.s);
	rs_doc_h2(d, "Candidates");
	for (size_t g = 0; g < p->n_groups; g++) {
		rs_text_buf b = {0};
		rs_text_printf(&b, "scenario %s, overrides: ", p->groups[g].file);
		put_sets(&b, &p->groups[g]);
		rs_text_printf(&b, "; results in %s/.", p->groups[g].label);
		if (descriptions && descriptions[g] && *descriptions[g])
			rs_text_printf(&b, " %s", descriptions[g]);
		rs_doc_item(d, names[g], b.s ? b.s : "");
		free(b.s);
	}
	rs_doc_h2(d, "Figures");
	put_table(d, &r);
	rs_doc_h2(d, "What the replications can tell apart");
	char *v[REPORT_N_FIGS];
	size_t nv = rs_report_verdicts(t, p, names, v, REPORT_N_FIGS);
	for (size_t i = 0; i < nv; i++) {
		rs_doc_item(d, NULL, v[i]);
		free(v[i]);
	}
	rs_doc_h2(d, "Charts");
	bool any = false;
	const char *name, *caption;
	for (size_t k = 0; rs_chart_compare_info(k, &name, &caption); k++)
		any = rs_doc_figure(d, name, caption) || any;
	if (!any)
		rs_doc_para(d, "No charts were drawn (gnuplot missing, or --no-charts).");
	rs_status st = rs_doc_write(d, REPORT_NAME, err);
	rs_doc_free(d);
	return st;
}
