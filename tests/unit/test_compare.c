/*
 * test_compare.c - comparisons, their plans and their reports.
 *
 * Known answers: the folder labels of awkward and duplicate names; the
 * figures read from a hand-written summary.json (and the exact message for
 * each broken one), and from an aggregate one; the verdicts on hand-made
 * tables of replications (a clear winner, a tie, identical candidates, one
 * replication, the latency caveat).  Then real comparisons of a small
 * scenario's variants, run through the plan, a test executor and collect:
 * every cell of the report's table must be the mean +- 95% half-width of
 * the replications' own summary.json figures (computed here with GSL,
 * independently of the aggregate code); two identical candidates must be
 * said to be indistinguishable, and two clearly different ones ranked.
 */
#include "ratesim/compare.h"

#include <cjson/cJSON.h>
#include <gsl/gsl_cdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "ratesim/collect.h"
#include "ratesim/decide.h"
#include "ratesim/report.h"
#include "ratesim/run.h"
#include "ratesim/scenario.h"

#define tmpdir() th_tmpdir("rs_compare")
#define rmtree   th_rmtree

#define PATH_LEN 512
#define TEXT_LEN 2048

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
	char out[N][RS_COMPARE_LABEL_MAX];
	rs_compare_labels(names, N, out);
	for (size_t i = 0; i < N; i++)
		CHECK_STR(out[i], want[i]);
	/* the plan's own files are not labels either */
	const char *files[] = {"plan.json", "runs.csv"};
	char out2[2][RS_COMPARE_LABEL_MAX];
	rs_compare_labels(files, 2, out2);
	CHECK_STR(out2[0], "plan.json-2");
	CHECK_STR(out2[1], "runs.csv-2");
}

/* ---- reading summary.json ------------------------------------------------------------- */

static void test_read_figures(void)
{
	char *dir = tmpdir();
	th_write_in(
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
	th_write_in(dir, "summary.json",
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
		th_write_in(dir, "summary.json", bad[i].text);
		CHECK_I64(rs_report_read_figures(dir, &f, &err), bad[i].st);
		char want[PATH_LEN * 2];
		snprintf(want, sizeof want, "%s/%s", dir, bad[i].msg);
		CHECK_STR(err.msg, want);
	}
	/* a latency that is a string is not a number */
	th_write_in(dir, "summary.json",
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

/* An aggregate summary (aggregate.h) reads its means; its base seed is
 * its seed; mean counts are rounded. */
static void test_read_aggregate(void)
{
	char *dir = tmpdir();
	th_write_in(dir, "summary.json",
	            "{\"replications\": 3, \"base_seed\": 7, \"scenario\": \"q\","
	            " \"requests\": {\"offered\": {\"mean\": 100.4, \"ci95\": 2},"
	            "  \"succeeded\": {\"mean\": 90.6}, \"succeeded_after_429\": {\"mean\": 1},"
	            "  \"succeeded_spilled\": {\"mean\": 0}, \"failed\": {\"mean\": 9},"
	            "  \"in_flight_end\": {\"mean\": 1}},"
	            " \"attempts\": {\"total\": {\"mean\": 120}, \"throttled\": {\"mean\": 20}},"
	            " \"rate_429\": {\"mean\": 0.25, \"ci95\": 0.01},"
	            " \"latency_ms\": {\"p50\": {\"mean\": 10}, \"p95\": {\"mean\": null},"
	            "  \"p99\": {\"mean\": 30}},"
	            " \"throughput\": {\"tokens_per_min\": {\"mean\": 5}, \"requests_per_min\": "
	            "{\"mean\": 6}}}");
	rs_report_figures f;
	rs_error err = {0};
	CHECK_I64(rs_report_read_figures(dir, &f, &err), RS_OK);
	CHECK_I64(f.seed, 7);
	CHECK_I64(f.offered, 100);
	CHECK_I64(f.succeeded, 91);
	CHECK(f.rate_429 == 0.25);
	CHECK(isnan(f.latency_p95_ms));
	CHECK(f.latency_p99_ms == 30);
	rmtree(dir);
}

/* ---- verdicts on hand-made tables ------------------------------------------------------ */

#define VR 5 /* replications of the hand-made tables */

/* A table of n groups x VR replications over the figures below, from
 * rate[g][k], failed[g][k] and p99[g][k]. */
static const char *const vt_names[] = {"requests.failed", "rate_429", "latency_ms.p99"};

typedef struct vtab {
	rs_fig_table t;
	rs_plan p;
	double v[3 * VR * 3];
	char *names[3];
	rs_plan_group groups[3];
} vtab;

static void vtab_init(vtab *x, size_t n, double rate[][VR], double failed[][VR], double p99[][VR])
{
	memset(x, 0, sizeof *x);
	for (size_t f = 0; f < 3; f++)
		x->names[f] = (char *)vt_names[f];
	for (size_t g = 0; g < n; g++)
		for (size_t k = 0; k < VR; k++) {
			double *row = &x->v[(g * VR + k) * 3];
			row[0] = failed[g][k];
			row[1] = rate[g][k];
			row[2] = p99[g][k];
		}
	x->t = (rs_fig_table){.n_figs = 3, .names = x->names, .n_runs = n * VR, .v = x->v};
	x->p = (rs_plan){.replications = VR, .n_groups = n, .groups = x->groups};
}

/* The verdict that starts with `lead`, or NULL. */
static char *verdict_on(const char *lead, char **v, size_t nv)
{
	for (size_t i = 0; i < nv; i++)
		if (!strncmp(v[i], lead, strlen(lead)))
			return v[i];
	return NULL;
}

static void test_verdicts(void)
{
	const char *names[] = {"a", "b", "c"};
	char *v[8];
	vtab x;
	/* a has a clearly lower 429 rate than b in every replication; their
	 * failures differ by noise only; b's p99 is lower beyond noise and b
	 * fails no more than a, so b is best on p99 */
	double rate[2][VR] = {{0.10, 0.11, 0.09, 0.10, 0.12}, {0.30, 0.31, 0.29, 0.33, 0.30}};
	double failed[2][VR] = {{10, 12, 9, 11, 10}, {11, 9, 12, 10, 10}};
	double p99[2][VR] = {{9000, 9100, 8900, 9050, 9000}, {8000, 8100, 7900, 8050, 8000}};
	vtab_init(&x, 2, rate, failed, p99);
	size_t nv = rs_report_verdicts(&x.t, &x.p, names, v, 8);
	CHECK_I64(nv, 3);
	char *r = verdict_on("429 rate", v, nv);
	CHECK(r && strstr(r, "a has the lowest, beyond noise: the others differ by b (+20.20% +-"));
	char *f = verdict_on("final failures", v, nv);
	CHECK(f && strstr(f, "5 replications cannot tell the candidates apart"));
	char *l = verdict_on("latency p99", v, nv);
	CHECK(l && strstr(l, "b has the lowest, beyond noise"));
	for (size_t i = 0; i < nv; i++)
		free(v[i]);

	/* the latency caveat: b is fastest but fails more requests, beyond noise */
	double failed2[2][VR] = {{10, 12, 9, 11, 10}, {50, 52, 49, 51, 50}};
	vtab_init(&x, 2, rate, failed2, p99);
	nv = rs_report_verdicts(&x.t, &x.p, names, v, 8);
	l = verdict_on("latency p99", v, nv);
	CHECK(l && strstr(l, "b has the lowest, but it fails more requests than a beyond noise, "
	                     "and latency counts successes only: not a win."));
	for (size_t i = 0; i < nv; i++)
		free(v[i]);

	/* identical candidates: every difference is 0, nothing is ranked */
	double same[2][VR] = {{0.1, 0.2, 0.3, 0.2, 0.1}, {0.1, 0.2, 0.3, 0.2, 0.1}};
	vtab_init(&x, 2, same, same, same);
	nv = rs_report_verdicts(&x.t, &x.p, names, v, 8);
	CHECK_I64(nv, 3);
	for (size_t i = 0; i < nv; i++) {
		CHECK(strstr(v[i], "cannot tell the candidates apart"));
		free(v[i]);
	}

	/* three: c ties with the best a, both beat b */
	double rate3[3][VR] = {{0.10, 0.11, 0.09, 0.10, 0.12},
	                       {0.30, 0.31, 0.29, 0.33, 0.30},
	                       {0.11, 0.10, 0.10, 0.09, 0.12}};
	double f3[3][VR] = {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}};
	vtab_init(&x, 3, rate3, f3, f3);
	nv = rs_report_verdicts(&x.t, &x.p, names, v, 8);
	r = verdict_on("429 rate", v, nv);
	CHECK(r && strstr(r, "5 replications cannot tell it apart from c") &&
	      strstr(r, "it beats b (+"));
	for (size_t i = 0; i < nv; i++)
		free(v[i]);

	/* one replication: nothing can be told apart */
	vtab_init(&x, 2, rate, failed, p99);
	x.p.replications = 1;
	x.t.n_runs = 2;
	nv = rs_report_verdicts(&x.t, &x.p, names, v, 8);
	for (size_t i = 0; i < nv; i++) {
		CHECK(strstr(v[i], "with 1 replication there is no interval"));
		free(v[i]);
	}
}

/* ---- real comparisons through the plan ----------------------------------------------- */

static const char tiny[] =
    "{\"name\": \"tiny\", \"description\": \"A small run.\", \"seed\": 3,"
    " \"duration_s\": 300, \"warmup_s\": 30, \"bucket_s\": 10,"
    " \"deployments\": [{\"name\": \"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\","
    "   \"tpm\": 20000}],"
    " \"clients\": [{\"name\": \"c\", \"target\": \"d\","
    "   \"arrival\": {\"process\": \"poisson\", \"rate_rps\": 1.5},"
    "   \"prompt_tokens\": {\"dist\": \"lognormal\", \"median\": 400, \"sigma\": 0.5},"
    "   \"output_tokens\": {\"dist\": \"lognormal\", \"median\": 150, \"sigma\": 0.5}}],"
    " \"variants\": [VARIANTS]}";

/* The test's executor: the job's argv as plan.h writes it, run in this
 * process (what `ratesim run` does, without its printing). */
static int run_argv(int argc, char **argv)
{
	const char *sets[64];
	size_t n = 0;
	const char *file = argv[2], *dir = NULL;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--set") && i + 1 < argc)
			sets[n++] = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			static char seed[8][64];
			snprintf(seed[n % 8], 64, "seed=%s", argv[++i]);
			sets[n] = seed[n % 8];
			n++;
		} else if (!strcmp(argv[i], "--replication") && i + 1 < argc) {
			static char rep[8][64];
			snprintf(rep[n % 8], 64, "provenance.replication=%s", argv[++i]);
			sets[n] = rep[n % 8];
			n++;
		}
	}
	rs_config *cfg = NULL;
	rs_error err = {0};
	if (rs_scenario_load(file, sets, n, &cfg, &err) != RS_OK) {
		printf("  job: %s\n", err.msg);
		return 1;
	}
	rs_run_opts o = {.dir = dir, .charts = false};
	rs_run_result res;
	int rc = rs_run(cfg, &o, &res, &err) == RS_OK ? 0 : 1;
	if (rc)
		printf("  job: %s\n", err.msg);
	rs_config_free(cfg);
	return rc;
}

/* Run a comparison of tiny's variants into dir.  OUT: the collect text. */
static rs_status compare_variants(const char *dir, const char *variants, char **text)
{
	char file[PATH_LEN], body[TEXT_LEN];
	snprintf(file, sizeof file, "%s/tiny.json", dir);
	const char *at = strstr(tiny, "VARIANTS");
	snprintf(body, sizeof body, "%.*s%s%s", (int)(at - tiny), tiny, variants,
	         at + strlen("VARIANTS"));
	th_write_in(dir, "tiny.json", body);
	const char *files[] = {file};
	char out[PATH_LEN];
	snprintf(out, sizeof out, "%s/cmp", dir);
	rs_compare_setup s = {.files = files, .n_files = 1, .dir = out, .replications = 5};
	rs_plan p;
	rs_error err = {0};
	rs_status st = rs_compare_plan(&s, &p, &err);
	rs_decide_opts o = {.workers = 2, .program = "ratesim", .run_argv = run_argv};
	bool emitted;
	if (st == RS_OK)
		st = rs_decide_execute(&p, &o, false, &emitted, &err);
	rs_decide_result res = {0};
	if (st == RS_OK)
		st = rs_collect(out, &o, &res, &err);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	*text = res.text;
	rs_plan_free(&p);
	return st;
}

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

/* Mean and 95% half-width of `key` (k1.k2) over rep-1..rep-R of sub,
 * computed here from the files. */
static void own_stats(const char *sub, const char *k1, const char *k2, int R, double *mean,
                      double *hw)
{
	double x[16], sum = 0, ss = 0;
	for (int k = 0; k < R; k++) {
		char d[2 * PATH_LEN];
		snprintf(d, sizeof d, "%s/rep-%d", sub, k + 1);
		char *text = th_slurp_in(d, "summary.json");
		cJSON *s = text ? cJSON_Parse(text) : NULL;
		const cJSON *it = cJSON_GetObjectItemCaseSensitive(s, k1);
		if (k2)
			it = cJSON_GetObjectItemCaseSensitive(it, k2);
		x[k] = cJSON_IsNumber(it) ? it->valuedouble : NAN;
		sum += x[k];
		cJSON_Delete(s);
		free(text);
	}
	*mean = sum / R;
	for (int k = 0; k < R; k++)
		ss += (x[k] - *mean) * (x[k] - *mean);
	*hw = gsl_cdf_tdist_Pinv(0.975, R - 1) * sqrt(ss / (R - 1)) / sqrt((double)R);
}

static void test_compare_different(void)
{
	char *dir = tmpdir();
	char *text = NULL;
	rs_status st = compare_variants(
	    dir,
	    "{\"name\": \"big\"}, {\"name\": \"small\", \"set\": [\"deployments[0].tpm=5000\"]}",
	    &text);
	CHECK_I64(st, RS_OK);
	/* the clearly smaller deployment is ranked, beyond noise */
	CHECK(text && strstr(text, "429 rate (of attempts): big has the lowest, beyond noise"));
	char *md = th_slurp_in(dir, "cmp/report.md");
	CHECK(md && strstr(md, "# Comparison: big vs small\n"));
	/* every cell is the mean +- half-width of the replications' files */
	static const struct {
		const char *row, *k1, *k2;
		double scale;
		int dec;
		const char *unit;
	} rows[] = {{"requests offered", "requests", "offered", 1, 0, ""},
	            {"final failures", "requests", "failed", 1, 1, ""},
	            {"429 rate (of attempts)", "rate_429", NULL, 100, 2, "%"},
	            {"latency p99 of successes", "latency_ms", "p99", 0.001, 2, " s"},
	            {"time to give up p99 of failures", "failed_latency_ms", "p99", 0.001, 2, " s"},
	            {"tokens per minute served", "throughput", "tokens_per_min", 1, 0, ""}};
	const char *labels[] = {"big", "small"};
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		char cells[2][128];
		size_t k = row_cells(md, rows[r].row, cells, 2);
		CHECK_I64(k, 2);
		for (size_t i = 0; i < 2 && k == 2; i++) {
			char sub[PATH_LEN + 64], want[128];
			snprintf(sub, sizeof sub, "%s/cmp/%s", dir, labels[i]);
			double m, h;
			own_stats(sub, rows[r].k1, rows[r].k2, 5, &m, &h);
			snprintf(want, sizeof want, "%.*f%s +- %.*f%s", rows[r].dec,
			         m * rows[r].scale, rows[r].unit, rows[r].dec, h * rows[r].scale,
			         rows[r].unit);
			if (strcmp(cells[i], want))
				TH_FAIL("%s, %s: report \"%s\", files \"%s\"", rows[r].row,
				        labels[i], cells[i], want);
		}
	}
	free(md);
	char *html = th_slurp_in(dir, "cmp/report.html");
	CHECK(html && strstr(html, "<th>big</th><th>small</th>"));
	free(html);
	/* the candidate's aggregate and the plan's tables are there */
	char *agg = th_slurp_in(dir, "cmp/small/summary.json");
	CHECK(agg && strstr(agg, "\"replications\":\t5") && strstr(agg, "\"ci95\":"));
	free(agg);
	char *runs = th_slurp_in(dir, "cmp/runs.csv");
	CHECK(runs && !strncmp(runs, "group,seed,replication,", 23));
	free(runs);
	free(text);
	rmtree(dir);
}

static void test_compare_identical(void)
{
	char *dir = tmpdir();
	char *text = NULL;
	CHECK_I64(compare_variants(dir, "{\"name\": \"one\"}, {\"name\": \"two\"}", &text), RS_OK);
	/* the same seeds, the same scenario: every difference is exactly 0 */
	CHECK(text && strstr(text, "429 rate (of attempts): 5 replications cannot tell the "
	                           "candidates apart"));
	CHECK(text && !strstr(text, "beyond noise"));
	free(text);
	/* one file without variants is misuse */
	th_write_in(dir, "plain.json", "{\"name\": \"x\"}");
	char file[PATH_LEN];
	snprintf(file, sizeof file, "%s/plain.json", dir);
	const char *files[] = {file};
	rs_compare_setup s = {.files = files, .n_files = 1, .dir = dir};
	rs_plan p;
	rs_error err = {0};
	CHECK_I64(rs_compare_plan(&s, &p, &err), RS_ERR_USAGE);
	char want[PATH_LEN * 2];
	snprintf(want, sizeof want,
	         "compare needs two scenario files, or one with a \"variants\" list (%s has none)",
	         file);
	CHECK_STR(err.msg, want);
	rmtree(dir);
}

int main(void)
{
	RUN(test_labels);
	RUN(test_read_figures);
	RUN(test_read_aggregate);
	RUN(test_verdicts);
	RUN(test_compare_different);
	RUN(test_compare_identical);
	return th_done();
}
