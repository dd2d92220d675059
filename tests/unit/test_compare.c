/*
 * test_compare.c - comparisons and their reports.
 *
 * Known answers: the folder labels of awkward and duplicate names; the
 * figures read from a hand-written summary.json (and the exact message for
 * each broken one); the sentence of "what stands out" for hand-picked
 * figures (best, worst, "N times", "none", in the middle, all equal, one
 * candidate); the exact table and sentences of a report written from
 * hand-written summaries, with a chart embedded as base64.  Then a real
 * comparison of two small scenarios, whose report table must show exactly
 * the figures of the summary.json files it comes from (read here with
 * cJSON, independently of the report's reader).
 */
#include "ratesim/compare.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "ratesim/report.h"
#include "ratesim/scenario.h"

#define tmpdir() th_tmpdir("rs_compare")
#define rmtree   th_rmtree

#define PATH_LEN 512
#define TEXT_LEN 2048

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[PATH_LEN];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(p);
		exit(1);
	}
}

static char *slurp(const char *dir, const char *name)
{
	char p[PATH_LEN];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return th_slurp(p);
}

/* A summary.json with the given figures (p99 < 0: null percentiles; cost
 * < 0: no cost object). */
static void write_summary(const char *dir, const char *name, int offered, int succeeded,
                          int after_429, int failed, double rate, double p50, double p99,
                          double tpm, double cost)
{
	char lat[256], cst[64] = "";
	if (p99 < 0)
		snprintf(lat, sizeof lat, "{\"p50\": null, \"p95\": null, \"p99\": null}");
	else
		snprintf(lat, sizeof lat, "{\"p50\": %g, \"p95\": %g, \"p99\": %g, \"max\": %g}",
		         p50, (p50 + p99) / 2, p99, 2 * p99);
	if (cost >= 0)
		snprintf(cst, sizeof cst, ", \"cost\": {\"total_usd\": %g}", cost);
	char text[TEXT_LEN];
	snprintf(text, sizeof text,
	         "{\"scenario\": \"%s\", \"seed\": 42, \"requests\": {\"offered\": %d, "
	         "\"succeeded\": %d, \"succeeded_after_429\": %d, \"succeeded_spilled\": 0, "
	         "\"failed\": %d, \"in_flight_end\": %d}, \"attempts\": {\"total\": %d, "
	         "\"throttled\": %d}, \"rate_429\": %g, \"latency_ms\": %s, \"throughput\": "
	         "{\"tokens_per_min\": %g, \"requests_per_min\": 1}%s}\n",
	         name, offered, succeeded, after_429, failed, offered - succeeded - failed,
	         2 * offered, (int)(rate * 2 * offered), rate, lat, tpm, cst);
	mkdir(dir, 0777);
	write_file(dir, "summary.json", text);
}

/* ---- labels --------------------------------------------------------------------------- */

static void test_labels(void)
{
	const char *names[] = {
	    "quickstart",
	    "quickstart",
	    "a b/c",
	    "",
	    "..",
	    "report.md",
	    "compare_summary.png",
	    "compare_summary.pngx",
	    "quickstart-2",
	    "0123456789012345678901234567890123456789012345678901234567890123456789",
	    "\xc3\xa9t\xc3\xa9"};
	const char *want[] = {"quickstart",
	                      "quickstart-2",
	                      "a_b_c",
	                      "scenario",
	                      "scenario-2",
	                      "report.md-2",
	                      "compare_summary.png-2",
	                      "compare_summary.pngx",
	                      "quickstart-2-2",
	                      "01234567890123456789012345678901234567890123456789012345",
	                      "__t__"};
	enum { N = sizeof names / sizeof names[0] };
	rs_config cfg[N];
	const rs_config *p[N];
	for (size_t i = 0; i < N; i++) {
		memset(&cfg[i], 0, sizeof cfg[i]);
		cfg[i].name = (char *)names[i];
		p[i] = &cfg[i];
	}
	rs_compare_candidate out[N];
	rs_compare_labels(p, N, out);
	for (size_t i = 0; i < N; i++)
		CHECK_STR(out[i].label, want[i]);
}

/* ---- reading summary.json ------------------------------------------------------------- */

static void test_read_figures(void)
{
	char *dir = tmpdir();
	write_file(
	    dir, "summary.json",
	    "{\"scenario\": \"quickstart\", \"seed\": 42, \"duration_s\": 900,\n"
	    " \"requests\": {\"offered\": 1709, \"succeeded\": 1302,\n"
	    "   \"succeeded_after_429\": 262, \"succeeded_spilled\": 3, \"failed\": 377,\n"
	    "   \"in_flight_end\": 30},\n"
	    " \"attempts\": {\"total\": 2836, \"throttled\": 1504},\n"
	    " \"rate_429\": 0.530324,\n"
	    " \"latency_ms\": {\"p50\": 10314.307, \"p95\": 39650.782, \"p99\": null},\n"
	    " \"throughput\": {\"tokens_per_min\": 111190.928571, \"requests_per_min\": 94.5},\n"
	    " \"cost\": {\"total_usd\": 7.33, \"ptu_usd\": 0}}\n");
	rs_report_figures f;
	rs_error err = {0};
	rs_status st = rs_report_read_figures(dir, &f, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	CHECK_STR(f.scenario, "quickstart");
	CHECK_I64(f.seed, 42);
	CHECK_I64(f.offered, 1709);
	CHECK_I64(f.succeeded, 1302);
	CHECK_I64(f.succeeded_after_429, 262);
	CHECK_I64(f.succeeded_spilled, 3);
	CHECK_I64(f.failed, 377);
	CHECK_I64(f.in_flight_end, 30);
	CHECK_I64(f.attempts, 2836);
	CHECK_I64(f.throttled, 1504);
	CHECK(f.rate_429 == 0.530324);
	CHECK(f.latency_p50_ms == 10314.307);
	CHECK(f.latency_p95_ms == 39650.782);
	CHECK(isnan(f.latency_p99_ms));
	CHECK(f.tokens_per_min == 111190.928571);
	CHECK(f.requests_per_min == 94.5);
	CHECK(f.has_cost && f.cost_usd == 7.33);

	/* no cost object: n/a, not an error */
	write_file(dir, "summary.json",
	           "{\"scenario\": \"x\", \"seed\": 1, \"requests\": {\"offered\": 0, "
	           "\"succeeded\": 0, \"succeeded_after_429\": 0, \"succeeded_spilled\": 0, "
	           "\"failed\": 0, \"in_flight_end\": 0}, \"attempts\": {\"total\": 0, "
	           "\"throttled\": 0}, \"rate_429\": 0, \"latency_ms\": {\"p50\": null, \"p95\": "
	           "null, \"p99\": null}, \"throughput\": {\"tokens_per_min\": 0, "
	           "\"requests_per_min\": 0}, \"cost\": {\"ptu_usd\": 1}}");
	CHECK_I64(rs_report_read_figures(dir, &f, &err), RS_OK);
	CHECK(!f.has_cost && isnan(f.cost_usd));

	static const struct {
		const char *text, *msg;
		rs_status st;
	} bad[] = {
	    {"{\"scenario\": 3}", "summary.json: .scenario: expected a string", RS_ERR_SYNTAX},
	    {"{\"scenario\": \"x\", \"seed\": -1}",
	     "summary.json: .seed: expected a whole number >= 0", RS_ERR_SYNTAX},
	    {"{\"scenario\": \"x\", \"seed\": 1, \"requests\": {\"offered\": 2.5}}",
	     "summary.json: .requests.offered: expected a whole number >= 0", RS_ERR_SYNTAX},
	    {"{\"scenario\": \"x\",\n \"seed\": 1,,}", "summary.json:2:13: invalid JSON",
	     RS_ERR_SYNTAX},
	    {"[1]", "summary.json: expected a JSON object", RS_ERR_SYNTAX},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_file(dir, "summary.json", bad[i].text);
		CHECK_I64(rs_report_read_figures(dir, &f, &err), bad[i].st);
		char want[PATH_LEN * 2];
		snprintf(want, sizeof want, "%s/%s", dir, bad[i].msg);
		CHECK_STR(err.msg, want);
	}
	/* a latency that is a string is not a number */
	write_file(dir, "summary.json",
	           "{\"scenario\": \"x\", \"seed\": 1, \"requests\": {\"offered\": 0, "
	           "\"succeeded\": 0, \"succeeded_after_429\": 0, \"succeeded_spilled\": 0, "
	           "\"failed\": 0, \"in_flight_end\": 0}, \"attempts\": {\"total\": 0, "
	           "\"throttled\": 0}, \"rate_429\": 0, \"latency_ms\": {\"p50\": \"fast\"}}");
	CHECK_I64(rs_report_read_figures(dir, &f, &err), RS_ERR_SYNTAX);
	char want[PATH_LEN * 2];
	snprintf(want, sizeof want, "%s/summary.json: .latency_ms.p50: expected a number or null",
	         dir);
	CHECK_STR(err.msg, want);
	rmtree(dir);
	CHECK_I64(rs_report_read_figures(dir, &f, &err), RS_ERR_IO);
	snprintf(want, sizeof want, "%s/summary.json: cannot open: No such file or directory", dir);
	CHECK_STR(err.msg, want);
}

/* ---- what stands out ------------------------------------------------------------------ */

static rs_report_figures fig(uint64_t offered, uint64_t failed, double rate, double p50, double p99,
                             double tpm, double cost)
{
	rs_report_figures f = {.offered = offered,
	                       .succeeded = offered - failed,
	                       .failed = failed,
	                       .rate_429 = rate,
	                       .latency_p50_ms = p50,
	                       .latency_p95_ms = p99,
	                       .latency_p99_ms = p99,
	                       .tokens_per_min = tpm,
	                       .has_cost = cost >= 0,
	                       .cost_usd = cost >= 0 ? cost : NAN};
	return f;
}

static void test_highlight(void)
{
	char buf[1024];
	const char *ab[] = {"a", "b", "c"};
	/* a is worse than b on everything: ratios from 1.5 on, side by side below */
	rs_report_figures two[] = {fig(1000, 100, 0.30, 1000, 20000, 5000, -1),
	                           fig(1000, 10, 0.05, 900, 16000, 6000, -1)};
	rs_report_highlight(two, ab, 2, 0, buf, sizeof buf);
	CHECK_STR(buf, "the most final failures (100 of 1000 offered; 10.0 times b's 10), the "
	               "highest 429 rate (30.00% of attempts; 6.0 times b's 5.00%) and the highest "
	               "p99 latency (20.00 s, against 16.00 s for b).");
	rs_report_highlight(two, ab, 2, 1, buf, sizeof buf);
	CHECK_STR(buf, "the fewest final failures (10 of 1000 offered, against 100 for a), the "
	               "lowest 429 rate (5.00% of attempts, against 30.00% for a) and the lowest "
	               "p99 latency (16.00 s, against 20.00 s for a).");

	/* c in the middle on everything: its place on the first two figures */
	rs_report_figures three[] = {two[0], two[1], fig(1000, 50, 0.10, 950, 18000, 5500, -1)};
	rs_report_highlight(three, ab, 3, 2, buf, sizeof buf);
	CHECK_STR(buf, "neither best nor worst on any figure: final failures 50 of 1000 offered "
	               "(best: 10 for b); 429 rate 10.00% of attempts (best: 5.00% for b).");
	/* against the runner-up, not the worst */
	rs_report_highlight(three, ab, 3, 1, buf, sizeof buf);
	CHECK_STR(buf, "the fewest final failures (10 of 1000 offered, against 50 for c), the "
	               "lowest 429 rate (5.00% of attempts, against 10.00% for c) and the lowest "
	               "p99 latency (16.00 s, against 18.00 s for c).");

	/* the best has none: no ratio; figures that read the same are skipped
	 * (failures, p99), so tokens and cost come forward */
	rs_report_figures zero[] = {fig(500, 0, 0.2, 1000, 3000, 800, 2.5),
	                            fig(500, 0, 0.0, 1000, 3000, 900, 1.25)};
	rs_report_highlight(zero, ab, 2, 0, buf, sizeof buf);
	CHECK_STR(buf, "the highest 429 rate (20.00% of attempts, where b has none), the fewest "
	               "tokens served per minute (800 tokens/min, against 900 for b) and the "
	               "highest cost ($2.50; 2.0 times b's $1.25).");

	/* all the same */
	rs_report_figures same[] = {two[0], two[0]};
	rs_report_highlight(same, ab, 2, 1, buf, sizeof buf);
	CHECK_STR(buf, "the same figures as every other candidate.");

	/* one candidate */
	rs_report_highlight(two, ab, 1, 0, buf, sizeof buf);
	CHECK_STR(buf, "the only candidate: 100 of 1000 requests failed, 429 rate 30.00% of "
	               "attempts, p99 latency 20.00 s.");

	/* nothing succeeded: said first; latencies are not compared */
	rs_report_figures none[] = {fig(100, 100, 1.0, NAN, NAN, 0, -1),
	                            fig(100, 0, 0.0, 500, 900, 50, -1)};
	rs_report_highlight(none, ab, 2, 0, buf, sizeof buf);
	CHECK_STR(buf,
	          "no request succeeded; the most final failures (100 of 100 offered, where b "
	          "has none), the highest 429 rate (100.00% of attempts, where b has none) and "
	          "the fewest tokens served per minute (0 tokens/min, against 50 for b).");

	/* truncated, not overrun */
	char small[10];
	rs_report_highlight(two, ab, 2, 0, small, sizeof small);
	CHECK_STR(small, "the most ");
}

/* ---- the report ----------------------------------------------------------------------- */

static void test_report_write(void)
{
	char *dir = tmpdir();
	char a[PATH_LEN], b[PATH_LEN];
	snprintf(a, sizeof a, "%s/ptu-only", dir);
	snprintf(b, sizeof b, "%s/ptu-spill", dir);
	write_summary(a, "ptu-only", 1000, 900, 50, 90, 0.3171, 1234.5, 32530, 98765.4, -1);
	write_summary(b, "ptu-spill", 1000, 1000, 0, 0, 0, 1000, 33840, 100000, 12.3);
	write_file(dir, "compare_rate_429.svg", "<svg>x</svg>");
	write_file(dir, "compare_rate_429.png", "PNG");
	rs_report_candidate c[] = {
	    {"ptu-only", "scenarios/a.json", "PTU <alone> & | pipes *here*"},
	    {"ptu-spill", "scenarios/b.json", NULL},
	};
	rs_error err = {0};
	rs_status st = rs_report_write(dir, c, 2, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	char *md = slurp(dir, "report.md");
	CHECK(md && strncmp(md, "# Comparison: ptu-only vs ptu-spill\n", 36) == 0);
	CHECK(md && strstr(md, "Every candidate ran with seed 42."));
	CHECK(md && strstr(md, "\n### ptu-only\n\nScenario `scenarios/a.json`, seed 42, results in "
	                       "[ptu-only/](ptu-only/).\n\nPTU \\<alone\\> & \\| pipes "
	                       "\\*here\\*\n"));
	CHECK(md && strstr(md, "| | ptu-only | ptu-spill |\n"
	                       "|---|---:|---:|\n"
	                       "| requests offered | 1000 | 1000 |\n"
	                       "| succeeded | 900 | 1000 |\n"
	                       "| final failures | 90 (9.00% of offered) | 0 (0.00% of offered) |\n"
	                       "| 429 rate (of attempts) | 31.71% | 0.00% |\n"
	                       "| latency p50 | 1.23 s | 1.00 s |\n"
	                       "| latency p95 | 16.88 s | 17.42 s |\n"
	                       "| latency p99 | 32.53 s | 33.84 s |\n"
	                       "| tokens per minute | 98765 | 100000 |\n"
	                       "| cost (USD) | n/a | $12.30 |\n"));
	CHECK(md && strstr(md, "\n- **ptu-only**: the most final failures (90 of 1000 offered, "
	                       "where ptu-spill has none), the highest 429 rate (31.71% of "
	                       "attempts, where ptu-spill has none) and the lowest p99 latency "
	                       "(32.53 s, against 33.84 s for ptu-spill).\n"));
	CHECK(md && strstr(md, "![compare_rate_429](compare_rate_429.png)"));
	CHECK(md && !strstr(md, "compare_latency.png"));
	free(md);
	char *html = slurp(dir, "report.html");
	CHECK(html && strncmp(html, "<!DOCTYPE html>", 15) == 0);
	CHECK(html && strstr(html, "<p>PTU &lt;alone&gt; &amp; | pipes *here*</p>"));
	CHECK(html && strstr(html, "<tr><td>cost (USD)</td><td>n/a</td><td>$12.30</td></tr>"));
	/* base64("<svg>x</svg>"); the SVG is preferred to the PNG */
	CHECK(html && strstr(html, "src=\"data:image/svg+xml;base64,PHN2Zz54PC9zdmc+\""));
	CHECK(html && !strstr(html, "image/png"));
	CHECK(html && strstr(html, "</html>\n"));
	free(html);

	/* no charts at all: said so */
	char p[PATH_LEN];
	snprintf(p, sizeof p, "%s/compare_rate_429.svg", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/compare_rate_429.png", dir);
	unlink(p);
	CHECK_I64(rs_report_write(dir, c, 2, &err), RS_OK);
	md = slurp(dir, "report.md");
	CHECK(md && strstr(md, "No charts were drawn (gnuplot missing, or --no-charts)."));
	free(md);

	/* a candidate without a summary */
	rs_report_candidate missing[] = {c[0], {"gone", "x.json", ""}};
	CHECK_I64(rs_report_write(dir, missing, 2, &err), RS_ERR_IO);
	char want[PATH_LEN * 2];
	snprintf(want, sizeof want, "%s/gone/summary.json: cannot open: No such file or directory",
	         dir);
	CHECK_STR(err.msg, want);
	rmtree(dir);
}

/* ---- a real comparison ---------------------------------------------------------------- */

static const char tiny[] =
    "{\"name\": \"tiny\", \"description\": \"A small run.\", \"seed\": 3,"
    " \"duration_s\": 300, \"warmup_s\": 30, \"bucket_s\": 10,"
    " \"deployments\": [{\"name\": \"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\","
    "   \"tpm\": 20000}],"
    " \"clients\": [{\"name\": \"c\", \"target\": \"d\","
    "   \"arrival\": {\"process\": \"poisson\", \"rate_rps\": 1.5},"
    "   \"prompt_tokens\": {\"dist\": \"lognormal\", \"median\": 400, \"sigma\": 0.5},"
    "   \"output_tokens\": {\"dist\": \"lognormal\", \"median\": 150, \"sigma\": 0.5}}]}";

/* The cells of the table row `name` of a report: up to n after the name. */
static size_t row_cells(const char *md, const char *name, char cells[][128], size_t n)
{
	char key[128];
	snprintf(key, sizeof key, "\n| %s |", name);
	const char *s = md ? strstr(md, key) : NULL;
	if (!s)
		return 0;
	s += strlen(key);
	size_t k = 0;
	while (k < n && *s && *s != '\n') {
		const char *e = strchr(s, '|');
		if (!e)
			break;
		while (*s == ' ')
			s++;
		size_t len = (size_t)(e - s);
		while (len > 0 && s[len - 1] == ' ')
			len--;
		snprintf(cells[k++], 128, "%.*s", (int)len, s);
		s = e + 1;
	}
	return k;
}

static double num_at(const cJSON *root, const char *k1, const char *k2)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, k1);
	if (k2)
		it = cJSON_GetObjectItemCaseSensitive(it, k2);
	return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}

static void test_compare_run(void)
{
	char *dir = tmpdir();
	const char *sets[] = {"deployments[0].tpm=10000"};
	rs_config *cfg[2] = {NULL, NULL};
	rs_error err = {0};
	CHECK_I64(rs_scenario_parse("tiny.json", tiny, NULL, NULL, 0, &cfg[0], &err), RS_OK);
	CHECK_I64(rs_scenario_parse("tiny-small.json", tiny, NULL, sets, 1, &cfg[1], &err), RS_OK);
	if (!cfg[0] || !cfg[1]) {
		printf("  message: %s\n", err.msg);
		rs_config_free(cfg[0]);
		rs_config_free(cfg[1]);
		return;
	}
	rs_compare_opts o = {.run = {.dir = dir, .charts = false}};
	rs_compare_candidate out[2];
	char warning[64];
	rs_status st = rs_compare_run((const rs_config *const *)cfg, 2, &o, out, warning,
	                              sizeof warning, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	CHECK_STR(out[0].label, "tiny");
	CHECK_STR(out[1].label, "tiny-2");
	CHECK_STR(warning, "");
	CHECK(out[1].run.total.throttled > out[0].run.total.throttled);

	/* Every cell of the table is the summary.json figure of its column. */
	char *md = slurp(dir, "report.md");
	CHECK(md && strstr(md, "# Comparison: tiny vs tiny-2\n"));
	CHECK(md && strstr(md, "\nA small run.\n"));
	for (size_t i = 0; i < 2; i++) {
		char sub[4096]; /* gcc bounds the label by its whole struct */
		snprintf(sub, sizeof sub, "%s/%s", dir, out[i].label);
		char *text = slurp(sub, "summary.json");
		cJSON *s = text ? cJSON_Parse(text) : NULL;
		CHECK(s != NULL);
		if (!s) {
			free(text);
			continue;
		}
		double offered = num_at(s, "requests", "offered");
		double failed = num_at(s, "requests", "failed");
		char want[9][128];
		snprintf(want[0], 128, "%.0f", offered);
		snprintf(want[1], 128, "%.0f", num_at(s, "requests", "succeeded"));
		snprintf(want[2], 128, "%.0f (%.2f%% of offered)", failed,
		         offered > 0 ? 100 * failed / offered : 0);
		snprintf(want[3], 128, "%.2f%%", 100 * num_at(s, "rate_429", NULL));
		snprintf(want[4], 128, "%.2f s", num_at(s, "latency_ms", "p50") / 1000);
		snprintf(want[5], 128, "%.2f s", num_at(s, "latency_ms", "p95") / 1000);
		snprintf(want[6], 128, "%.2f s", num_at(s, "latency_ms", "p99") / 1000);
		snprintf(want[7], 128, "%.0f", num_at(s, "throughput", "tokens_per_min"));
		double cost = num_at(s, "cost", "total_usd");
		snprintf(want[8], 128, isnan(cost) ? "n/a" : "$%.2f", cost);
		static const char *const rows[9] = {
		    "requests offered", "succeeded",   "final failures", "429 rate (of attempts)",
		    "latency p50",      "latency p95", "latency p99",    "tokens per minute",
		    "cost (USD)"};
		for (int r = 0; r < 9; r++) {
			char cells[2][128];
			size_t k = row_cells(md, rows[r], cells, 2);
			CHECK_I64(k, 2);
			if (k == 2 && strcmp(cells[i], want[r]) != 0)
				TH_FAIL("%s, %s: report says \"%s\", summary.json \"%s\"", rows[r],
				        out[i].label, cells[i], want[r]);
		}
		/* and the run result agrees with its summary */
		CHECK(out[i].run.total.offered == (uint64_t)offered);
		cJSON_Delete(s);
		free(text);
	}
	free(md);
	char *html = slurp(dir, "report.html");
	CHECK(html && strstr(html, "<th>tiny</th><th>tiny-2</th>"));
	free(html);

	/* A folder that cannot be made: the run's error, nothing written. */
	o.run.dir = "/proc/ratesim-compare-test";
	CHECK_I64(rs_compare_run((const rs_config *const *)cfg, 2, &o, out, NULL, 0, &err),
	          RS_ERR_IO);
	CHECK_STR(err.msg, "/proc/ratesim-compare-test: cannot create folder: No such file or "
	                   "directory");
	rs_config_free(cfg[0]);
	rs_config_free(cfg[1]);
	rmtree(dir);
}

int main(void)
{
	RUN(test_labels);
	RUN(test_read_figures);
	RUN(test_highlight);
	RUN(test_report_write);
	RUN(test_compare_run);
	return th_done();
}
