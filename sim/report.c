/*
 * report.c - report.md and report.html of a comparison (see report.h).
 *
 * Both files are built in memory (a growable buffer that remembers running
 * out of memory, so the builders need no error path of their own) and
 * written through NAME.tmp + rename by rs_output_write_file.  Nothing in
 * them depends on the clock or the machine: the same runs give the same
 * bytes.  Figures are formatted by one set of functions used for both files
 * and for the sentences, so a number reads the same everywhere:
 *   counts as whole numbers, rates as % with 2 decimals, latencies in
 *   seconds with 2 decimals, tokens per minute rounded to a whole number,
 *   cost in USD with 2 decimals ("n/a" when summary.json has none).
 */
#include "ratesim/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/chart.h"
#include "ratesim/output.h"

#define REPORT_MD   "report.md"
#define REPORT_HTML "report.html"
/* Figures one sentence names at most: beyond three, nothing stands out. */
#define REPORT_MAX_FACTS 3
/* A worst figure is put as "N times the best" from this ratio on; closer
 * figures are simply set side by side. */
#define REPORT_RATIO_MIN 1.5
#define REPORT_FIG_LEN   96 /* a formatted figure */
#define MS_PER_S         1000.0
#define PERCENT          100.0

/* ---- a growable text buffer ----------------------------------------------------------- */

typedef struct sbuf {
	char *s;
	size_t len, cap;
	bool nomem; /* an append failed: the text is incomplete */
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->nomem = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->nomem = true;
		return;
	}
	if ((size_t)n < sizeof small) {
		sb_add(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->nomem = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_add(b, big, (size_t)n);
	free(big);
}

/* Text for HTML: & < > " escaped. */
static void sb_html(sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			sb_puts(b, "&amp;");
			break;
		case '<':
			sb_puts(b, "&lt;");
			break;
		case '>':
			sb_puts(b, "&gt;");
			break;
		case '"':
			sb_puts(b, "&quot;");
			break;
		default:
			sb_add(b, s, 1);
		}
	}
}

/* Text for a Markdown table cell or a line: | and the characters that
 * start emphasis or code escaped, line breaks as spaces. */
static void sb_md(sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("|*_`[]<>\\#", *s))
			sb_add(b, "\\", 1);
		sb_add(b, *s == '\n' || *s == '\r' ? " " : s, 1);
	}
}

static void sb_base64(sbuf *b, const unsigned char *p, size_t n)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = {digits[(v >> 18) & 63], digits[(v >> 12) & 63],
		             i + 1 < n ? digits[(v >> 6) & 63] : '=',
		             i + 2 < n ? digits[v & 63] : '='};
		sb_add(b, q, 4);
	}
}

/* ---- figures as text ------------------------------------------------------------------ */

static void fmt_count(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)v);
}

static void fmt_rate(double share, char *buf, size_t len)
{
	snprintf(buf, len, "%.2f%%", PERCENT * share);
}

static void fmt_latency(double ms, char *buf, size_t len)
{
	if (isnan(ms))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.2f s", ms / MS_PER_S);
}

static void fmt_tpm(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.0f", v);
}

static void fmt_cost(const rs_report_figures *f, char *buf, size_t len)
{
	if (f->has_cost)
		snprintf(buf, len, "$%.2f", f->cost_usd);
	else
		snprintf(buf, len, "n/a");
}

static double failed_share(const rs_report_figures *f)
{
	return f->offered ? (double)f->failed / (double)f->offered : 0;
}

/* ---- what stands out ------------------------------------------------------------------ */

/* A figure the candidates are compared on. */
typedef struct metric {
	const char *noun;         /* "429 rate" */
	const char *best, *worst; /* phrases: "the lowest 429 rate" */
	bool lower_better;
	double (*value)(const rs_report_figures *f); /* NaN: not known for f */
	/* the figure with its unit ("392 of 1709 offered"), and as the figure
	 * it is compared with ("352") */
	void (*show)(const rs_report_figures *f, char *buf, size_t len);
	void (*brief)(const rs_report_figures *f, char *buf, size_t len);
} metric;

static double v_failed(const rs_report_figures *f)
{
	return failed_share(f);
}
static void s_failed(const rs_report_figures *f, char *buf, size_t len)
{
	snprintf(buf, len, "%llu of %llu offered", (unsigned long long)f->failed,
	         (unsigned long long)f->offered);
}
static void b_failed(const rs_report_figures *f, char *buf, size_t len)
{
	fmt_count(f->failed, buf, len);
}
static double v_rate(const rs_report_figures *f)
{
	return f->rate_429;
}
static void s_rate(const rs_report_figures *f, char *buf, size_t len)
{
	fmt_rate(f->rate_429, buf, len);
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, " of attempts");
}
static void b_rate(const rs_report_figures *f, char *buf, size_t len)
{
	fmt_rate(f->rate_429, buf, len);
}
static double v_p99(const rs_report_figures *f)
{
	return f->latency_p99_ms;
}
static void s_p99(const rs_report_figures *f, char *buf, size_t len)
{
	fmt_latency(f->latency_p99_ms, buf, len);
}
static double v_p50(const rs_report_figures *f)
{
	return f->latency_p50_ms;
}
static void s_p50(const rs_report_figures *f, char *buf, size_t len)
{
	fmt_latency(f->latency_p50_ms, buf, len);
}
static double v_tpm(const rs_report_figures *f)
{
	return f->tokens_per_min;
}
static void s_tpm(const rs_report_figures *f, char *buf, size_t len)
{
	fmt_tpm(f->tokens_per_min, buf, len);
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, " tokens/min");
}
static void b_tpm(const rs_report_figures *f, char *buf, size_t len)
{
	fmt_tpm(f->tokens_per_min, buf, len);
}
static double v_cost(const rs_report_figures *f)
{
	return f->has_cost ? f->cost_usd : NAN;
}
static void s_cost(const rs_report_figures *f, char *buf, size_t len)
{
	fmt_cost(f, buf, len);
}

/* In the order of importance for a reviewer: what users feel first. */
static const metric metrics[] = {
    {"final failures", "the fewest final failures", "the most final failures", true, v_failed,
     s_failed, b_failed},
    {"429 rate", "the lowest 429 rate", "the highest 429 rate", true, v_rate, s_rate, b_rate},
    {"p99 latency", "the lowest p99 latency", "the highest p99 latency", true, v_p99, s_p99, s_p99},
    {"throughput", "the most tokens served per minute", "the fewest tokens served per minute",
     false, v_tpm, s_tpm, b_tpm},
    {"cost", "the lowest cost", "the highest cost", true, v_cost, s_cost, s_cost},
    {"median latency", "the lowest median latency", "the highest median latency", true, v_p50,
     s_p50, s_p50},
};
#define N_METRICS (sizeof metrics / sizeof metrics[0])

/* Whether a and b read the same in the report (then they are not compared). */
static bool same_shown(const metric *m, const rs_report_figures *a, const rs_report_figures *b)
{
	char x[REPORT_FIG_LEN], y[REPORT_FIG_LEN];
	m->show(a, x, sizeof x);
	m->show(b, y, sizeof y);
	/* the failures' text holds the offered count: compare the shares */
	if (m->value == v_failed)
		return a->failed == b->failed && a->offered == b->offered;
	return strcmp(x, y) == 0;
}

/* -1 when a is better than b on m, 1 when worse, 0 when they read the same. */
static int compare_on(const metric *m, const rs_report_figures *a, const rs_report_figures *b)
{
	if (same_shown(m, a, b))
		return 0;
	double x = m->value(a), y = m->value(b);
	if (x == y)
		return 0;
	return (x < y) == m->lower_better ? -1 : 1;
}

/* Whether m is known for every candidate and not the same for all. */
static bool metric_differs(const metric *m, const rs_report_figures *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isnan(m->value(&f[i])))
			return false;
	for (size_t i = 1; i < n; i++)
		if (compare_on(m, &f[0], &f[i]) != 0)
			return true;
	return false;
}

/* The best candidate on m other than skip (SIZE_MAX: none skipped); among
 * equals, the first. */
static size_t best_on(const metric *m, const rs_report_figures *f, size_t n, size_t skip)
{
	size_t b = SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		if (i != skip && (b == SIZE_MAX || compare_on(m, &f[i], &f[b]) < 0))
			b = i;
	return b;
}

static size_t worst_on(const metric *m, const rs_report_figures *f, size_t n)
{
	size_t w = 0;
	for (size_t i = 1; i < n; i++)
		if (compare_on(m, &f[i], &f[w]) > 0)
			w = i;
	return w;
}

/* A fact: "the lowest 429 rate (0.50% of attempts, against 53.03% for b)",
 * or for the worst "(...; 3.2 times b's 10.00%)" or "(..., where b has
 * none)". */
static void put_fact(sbuf *b, const metric *m, const rs_report_figures *f,
                     const char *const *labels, size_t n, size_t i, bool best)
{
	char mine[REPORT_FIG_LEN], theirs[REPORT_FIG_LEN];
	m->show(&f[i], mine, sizeof mine);
	if (best) {
		/* against the best of those that differ from i */
		size_t r = SIZE_MAX;
		for (size_t k = 0; k < n; k++)
			if (k != i && compare_on(m, &f[k], &f[i]) != 0 &&
			    (r == SIZE_MAX || compare_on(m, &f[k], &f[r]) < 0))
				r = k;
		m->brief(&f[r], theirs, sizeof theirs);
		sb_printf(b, "%s (%s, against %s for %s)", m->best, mine, theirs, labels[r]);
		return;
	}
	size_t r = best_on(m, f, n, i);
	m->brief(&f[r], theirs, sizeof theirs);
	double x = m->value(&f[i]), y = m->value(&f[r]);
	double ratio = m->lower_better ? (y > 0 ? x / y : INFINITY) : (x > 0 ? y / x : INFINITY);
	if (m->lower_better && y == 0)
		sb_printf(b, "%s (%s, where %s has none)", m->worst, mine, labels[r]);
	else if (isfinite(ratio) && ratio >= REPORT_RATIO_MIN)
		sb_printf(b, "%s (%s; %.1f times %s's %s)", m->worst, mine, ratio, labels[r],
		          theirs);
	else
		sb_printf(b, "%s (%s, against %s for %s)", m->worst, mine, theirs, labels[r]);
}

/* The sentence of candidate i into b (see rs_report_highlight). */
static void put_highlight(sbuf *b, const rs_report_figures *f, const char *const *labels, size_t n,
                          size_t i)
{
	char x[REPORT_FIG_LEN], y[REPORT_FIG_LEN];
	if (n == 1) {
		s_rate(&f[0], y, sizeof y);
		fmt_latency(f[0].latency_p99_ms, x, sizeof x);
		sb_printf(b,
		          "the only candidate: %llu of %llu requests failed, 429 rate %s, p99 "
		          "latency %s.",
		          (unsigned long long)f[0].failed, (unsigned long long)f[0].offered, y, x);
		return;
	}
	size_t picked[REPORT_MAX_FACTS];
	bool as_best[REPORT_MAX_FACTS];
	size_t k = 0;
	for (size_t m = 0; m < N_METRICS && k < REPORT_MAX_FACTS; m++) {
		if (!metric_differs(&metrics[m], f, n))
			continue;
		size_t best = best_on(&metrics[m], f, n, SIZE_MAX);
		size_t worst = worst_on(&metrics[m], f, n);
		bool is_best = compare_on(&metrics[m], &f[i], &f[best]) == 0;
		bool is_worst = compare_on(&metrics[m], &f[i], &f[worst]) == 0;
		if (is_best || is_worst) {
			picked[k] = m;
			as_best[k++] = is_best;
		}
	}
	bool none_ok = f[i].succeeded == 0 && f[i].offered > 0;
	if (none_ok)
		sb_puts(b, "no request succeeded; ");
	if (k == 0) {
		/* in the middle on everything that differs: its place on the first two */
		size_t shown = 0;
		for (size_t m = 0; m < N_METRICS && shown < 2; m++) {
			if (!metric_differs(&metrics[m], f, n))
				continue;
			size_t best = best_on(&metrics[m], f, n, SIZE_MAX);
			metrics[m].show(&f[i], x, sizeof x);
			metrics[m].brief(&f[best], y, sizeof y);
			sb_printf(b, "%s%s %s (best: %s for %s)",
			          shown ? "; " : "neither best nor worst on any figure: ",
			          metrics[m].noun, x, y, labels[best]);
			shown++;
		}
		if (shown == 0)
			sb_puts(b, "the same figures as every other candidate");
		sb_puts(b, ".");
		return;
	}
	for (size_t j = 0; j < k; j++) {
		if (j > 0)
			sb_puts(b, j + 1 == k ? " and " : ", ");
		put_fact(b, &metrics[picked[j]], f, labels, n, i, as_best[j]);
	}
	sb_puts(b, ".");
}

void rs_report_highlight(const rs_report_figures *f, const char *const *labels, size_t n, size_t i,
                         char *buf, size_t len)
{
	sbuf b = {0};
	put_highlight(&b, f, labels, n, i);
	snprintf(buf, len, "%s", b.s && !b.nomem ? b.s : "");
	free(b.s);
}

/* ---- the table ------------------------------------------------------------------------ */

enum {
	ROW_OFFERED,
	ROW_SUCCEEDED,
	ROW_FAILED,
	ROW_RATE,
	ROW_P50,
	ROW_P95,
	ROW_P99,
	ROW_TPM,
	ROW_COST,
	ROW_N
};
static const char *const row_names[ROW_N] = {
    "requests offered", "succeeded",   "final failures", "429 rate (of attempts)",
    "latency p50",      "latency p95", "latency p99",    "tokens per minute",
    "cost (USD)",
};

/* The table cell of row for f. */
static void cell(const rs_report_figures *f, int row, char *buf, size_t len)
{
	switch (row) {
	case ROW_OFFERED:
		fmt_count(f->offered, buf, len);
		break;
	case ROW_SUCCEEDED:
		fmt_count(f->succeeded, buf, len);
		break;
	case ROW_FAILED: {
		char pct[REPORT_FIG_LEN / 2];
		fmt_rate(failed_share(f), pct, sizeof pct);
		snprintf(buf, len, "%llu (%s of offered)", (unsigned long long)f->failed, pct);
		break;
	}
	case ROW_RATE:
		fmt_rate(f->rate_429, buf, len);
		break;
	case ROW_P50:
		fmt_latency(f->latency_p50_ms, buf, len);
		break;
	case ROW_P95:
		fmt_latency(f->latency_p95_ms, buf, len);
		break;
	case ROW_P99:
		fmt_latency(f->latency_p99_ms, buf, len);
		break;
	case ROW_TPM:
		fmt_tpm(f->tokens_per_min, buf, len);
		break;
	default:
		fmt_cost(f, buf, len);
		break;
	}
}

/* ---- the documents -------------------------------------------------------------------- */

typedef struct report {
	const char *dir;
	const rs_report_candidate *c;
	size_t n;
	rs_report_figures *f; /* n, owned */
	const char **labels;  /* n, borrowed strings */
	bool seeds_equal;
} report;

/* dir/name as a new string; NULL when out of memory. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static bool file_exists(const char *dir, const char *name)
{
	char *p = join(dir, name);
	FILE *f = p ? fopen(p, "rb") : NULL;
	free(p);
	if (f)
		fclose(f);
	return f != NULL;
}

/* The file dir/name appended to b as base64; false when it cannot be read. */
static bool sb_file_base64(sbuf *b, const char *dir, const char *name)
{
	char *p = join(dir, name);
	FILE *f = p ? fopen(p, "rb") : NULL;
	free(p);
	if (!f)
		return false;
	size_t cap = 1 << 16, n = 0, got;
	unsigned char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *q = realloc(buf, 2 * cap);
			if (!q) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = q;
			cap *= 2;
		}
	}
	bool ok = buf && !ferror(f);
	fclose(f);
	if (ok)
		sb_base64(b, buf, n);
	else
		b->nomem = b->nomem || !buf;
	free(buf);
	return ok;
}

static void put_title(sbuf *b, const report *r, bool html)
{
	for (size_t i = 0; i < r->n; i++) {
		if (i > 0)
			sb_puts(b, " vs ");
		if (html)
			sb_html(b, r->labels[i]);
		else
			sb_md(b, r->labels[i]);
	}
}

static void put_md(sbuf *b, const report *r)
{
	char x[REPORT_FIG_LEN];
	sb_puts(b, "# Comparison: ");
	put_title(b, r, false);
	sb_printf(b,
	          "\n\nWritten by ratesim %s. Each candidate ran with `ratesim run`; its files "
	          "(summary.json, timeseries.csv, charts) are in the folder named after it. "
	          "Figures are over the run after warm-up.",
	          RATESIM_VERSION);
	if (r->seeds_equal)
		sb_printf(b, " Every candidate ran with seed %llu.",
		          (unsigned long long)r->f[0].seed);
	else
		sb_puts(b, " The candidates ran with different seeds: differences include chance.");
	sb_puts(b, "\n\n## Candidates\n");
	for (size_t i = 0; i < r->n; i++) {
		sb_puts(b, "\n### ");
		sb_md(b, r->labels[i]);
		sb_puts(b, "\n\nScenario `");
		sb_puts(b, r->c[i].file ? r->c[i].file : "");
		sb_printf(b, "`, seed %llu, results in [", (unsigned long long)r->f[i].seed);
		sb_md(b, r->labels[i]);
		sb_puts(b, "/](");
		sb_puts(b, r->labels[i]);
		sb_puts(b, "/).\n");
		if (r->c[i].description && *r->c[i].description) {
			sb_puts(b, "\n");
			sb_md(b, r->c[i].description);
			sb_puts(b, "\n");
		}
	}
	sb_puts(b, "\n## Figures\n\n| |");
	for (size_t i = 0; i < r->n; i++) {
		sb_puts(b, " ");
		sb_md(b, r->labels[i]);
		sb_puts(b, " |");
	}
	sb_puts(b, "\n|---|");
	for (size_t i = 0; i < r->n; i++)
		sb_puts(b, "---:|");
	sb_puts(b, "\n");
	for (int row = 0; row < ROW_N; row++) {
		sb_printf(b, "| %s |", row_names[row]);
		for (size_t i = 0; i < r->n; i++) {
			cell(&r->f[i], row, x, sizeof x);
			sb_printf(b, " %s |", x);
		}
		sb_puts(b, "\n");
	}
	sb_puts(b, "\n## What stands out\n\n");
	for (size_t i = 0; i < r->n; i++) {
		sb_puts(b, "- **");
		sb_md(b, r->labels[i]);
		sb_puts(b, "**: ");
		sbuf h = {0};
		put_highlight(&h, r->f, r->labels, r->n, i);
		b->nomem = b->nomem || h.nomem;
		sb_md(b, h.s ? h.s : "");
		free(h.s);
		sb_puts(b, "\n");
	}
	sb_puts(b, "\n## Charts\n");
	bool any = false;
	const char *name, *caption;
	for (size_t k = 0; rs_chart_compare_info(k, &name, &caption); k++) {
		char png[128];
		snprintf(png, sizeof png, "%s.png", name);
		if (!file_exists(r->dir, png))
			continue;
		sb_printf(b, "\n%s\n\n![%s](%s)\n", caption, name, png);
		any = true;
	}
	if (!any)
		sb_puts(b, "\nNo charts were drawn (gnuplot missing, or --no-charts).\n");
}

static const char html_style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;"
    "margin:2em auto;padding:0 1em;color:#1a1a1a;line-height:1.45}"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #bbb;padding:.35em .7em}td{text-align:right}"
    "td:first-child,th:first-child{text-align:left}th{background:#f0f0f0}"
    "figure{margin:1.5em 0}img{width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{color:#444;margin-top:.3em}code{background:#f4f4f4;padding:0 .2em}";

static void put_html(sbuf *b, const report *r)
{
	char x[REPORT_FIG_LEN];
	sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	           "<title>Comparison: ");
	put_title(b, r, true);
	sb_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Comparison: ", html_style);
	put_title(b, r, true);
	sb_printf(b,
	          "</h1>\n<p>Written by ratesim %s. Each candidate ran with "
	          "<code>ratesim run</code>; its files (summary.json, timeseries.csv, charts) "
	          "are in the folder named after it. Figures are over the run after warm-up.",
	          RATESIM_VERSION);
	if (r->seeds_equal)
		sb_printf(b, " Every candidate ran with seed %llu.",
		          (unsigned long long)r->f[0].seed);
	else
		sb_puts(b, " The candidates ran with different seeds: differences include chance.");
	sb_puts(b, "</p>\n<h2>Candidates</h2>\n");
	for (size_t i = 0; i < r->n; i++) {
		sb_puts(b, "<h3>");
		sb_html(b, r->labels[i]);
		sb_puts(b, "</h3>\n<p>Scenario <code>");
		sb_html(b, r->c[i].file ? r->c[i].file : "");
		sb_printf(b, "</code>, seed %llu, results in <a href=\"",
		          (unsigned long long)r->f[i].seed);
		sb_html(b, r->labels[i]);
		sb_puts(b, "/\">");
		sb_html(b, r->labels[i]);
		sb_puts(b, "/</a>.</p>\n");
		if (r->c[i].description && *r->c[i].description) {
			sb_puts(b, "<p>");
			sb_html(b, r->c[i].description);
			sb_puts(b, "</p>\n");
		}
	}
	sb_puts(b, "<h2>Figures</h2>\n<table>\n<tr><th></th>");
	for (size_t i = 0; i < r->n; i++) {
		sb_puts(b, "<th>");
		sb_html(b, r->labels[i]);
		sb_puts(b, "</th>");
	}
	sb_puts(b, "</tr>\n");
	for (int row = 0; row < ROW_N; row++) {
		sb_printf(b, "<tr><td>%s</td>", row_names[row]);
		for (size_t i = 0; i < r->n; i++) {
			cell(&r->f[i], row, x, sizeof x);
			sb_puts(b, "<td>");
			sb_html(b, x);
			sb_puts(b, "</td>");
		}
		sb_puts(b, "</tr>\n");
	}
	sb_puts(b, "</table>\n<h2>What stands out</h2>\n<ul>\n");
	for (size_t i = 0; i < r->n; i++) {
		sb_puts(b, "<li><strong>");
		sb_html(b, r->labels[i]);
		sb_puts(b, "</strong>: ");
		sbuf h = {0};
		put_highlight(&h, r->f, r->labels, r->n, i);
		b->nomem = b->nomem || h.nomem;
		sb_html(b, h.s ? h.s : "");
		free(h.s);
		sb_puts(b, "</li>\n");
	}
	sb_puts(b, "</ul>\n<h2>Charts</h2>\n");
	bool any = false;
	const char *name, *caption;
	for (size_t k = 0; rs_chart_compare_info(k, &name, &caption); k++) {
		char file[128];
		static const struct {
			const char *ext, *mime;
		} kinds[] = {{"svg", "image/svg+xml"}, {"png", "image/png"}};
		for (size_t j = 0; j < sizeof kinds / sizeof kinds[0]; j++) {
			snprintf(file, sizeof file, "%s.%s", name, kinds[j].ext);
			if (!file_exists(r->dir, file))
				continue;
			sb_printf(b, "<figure>\n<img alt=\"%s\" src=\"data:%s;base64,", name,
			          kinds[j].mime);
			if (!sb_file_base64(b, r->dir, file))
				b->nomem = true;
			sb_printf(b, "\">\n<figcaption>%s</figcaption>\n</figure>\n", caption);
			any = true;
			break;
		}
	}
	if (!any)
		sb_puts(b, "<p>No charts were drawn (gnuplot missing, or --no-charts).</p>\n");
	sb_puts(b, "</body>\n</html>\n");
}

rs_status rs_report_write(const char *dir, const rs_report_candidate *c, size_t n, rs_error *err)
{
	report r = {.dir = dir, .c = c, .n = n, .seeds_equal = true};
	r.f = calloc(n ? n : 1, sizeof *r.f);
	r.labels = calloc(n ? n : 1, sizeof *r.labels);
	rs_status st = RS_OK;
	if (!r.f || !r.labels) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && st == RS_OK; i++) {
		r.labels[i] = c[i].label;
		char *sub = join(dir, c[i].label);
		st = sub ? rs_report_read_figures(sub, &r.f[i], err)
		         : rs_fail(err, RS_ERR_NOMEM, "out of memory");
		free(sub);
		if (st == RS_OK && r.f[i].seed != r.f[0].seed)
			r.seeds_equal = false;
	}
	for (int doc = 0; doc < 2 && st == RS_OK; doc++) {
		sbuf b = {0};
		if (doc == 0)
			put_md(&b, &r);
		else
			put_html(&b, &r);
		const char *name = doc == 0 ? REPORT_MD : REPORT_HTML;
		if (b.nomem || !b.s)
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory writing %s/%s", dir, name);
		else
			st = rs_output_write_file(dir, name, b.s, err);
		free(b.s);
	}
out:
	free(r.f);
	free(r.labels);
	return st;
}
