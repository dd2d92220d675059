/*
 * test_chart.c - the charts of a run and of a comparison, drawn by the real
 * gnuplot (and by stand-ins where the test is about how gnuplot is called).
 *
 * Each test writes a synthetic run (timeseries.csv with two deployments, one
 * of them provisioned, utilisation.csv, latency_cdf.csv, summary.json) into
 * a fresh mkdtemp folder and renders it: every chart's PNG (signature, size)
 * and SVG (XML, closed), the exact .dat rows for hand-worked buckets, the
 * facts the script is told, byte-identical outputs for the same inputs, the
 * script rerun by hand from another folder, degenerate runs that must draw
 * without a gnuplot warning, and every error path (missing column, bad rows,
 * gnuplot missing / failing / warning) with its status and message.
 */
#include "ratesim/chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "plots_gen.h"

#define tmpdir() th_tmpdir("rs_chart")
#define rmtree   th_rmtree

#define PNG_MIN_BYTES 10000 /* a 1280x720 chart with text is far above this */
#define SVG_MIN_BYTES 5000
#define PATH_LEN      512
#define N_BUCKETS     60 /* 10 minutes of 10 s buckets */
#define BUCKET_S      10
#define N_MINUTES     10

/* The charts of the synthetic run: all seven (it has a provisioned deployment). */
static const char *const charts[] = {"throughput",  "rate_429",    "errors",  "latency",
                                     "utilisation", "latency_cdf", "outcomes"};
#define N_CHARTS (sizeof charts / sizeof charts[0])

/* Columns in another order than output.c's, with some it does not write:
 * the chart writer must find them by name. */
static const char header[] =
    "t_s,scope,name,offered,attempts,extra_column,tokens_per_min,requests_per_min,rate_429,"
    "failed,succeeded,latency_p50_ms,latency_p95_ms,latency_p99_ms,ttft_p50_ms,ttft_p95_ms,"
    "ttft_p99_ms,tpm_limit,rpm_limit,utilisation,peak_utilisation\n";

static const char summary[] =
    "{\"scenario\": \"t\", \"seed\": 42, \"duration_s\": 600,\n"
    " \"requests\": {\"offered\": 100, \"succeeded\": 80, \"succeeded_after_429\": 15,\n"
    "   \"succeeded_spilled\": 5, \"failed\": 12, \"in_flight_end\": 8},\n"
    " \"attempts\": {\"total\": 150, \"throttled\": 40},\n"
    " \"rate_429\": 0.266667,\n"
    " \"latency_ms\": {\"p50\": 1000, \"p95\": 2000, \"p99\": 8000, \"max\": 9000},\n"
    " \"throughput\": {\"tokens_per_min\": 1234.5, \"requests_per_min\": 8}}\n";

static void join(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_LEN, "%s/%s", dir, name);
}

/* The whole file, or NULL when it does not exist.  OUT: *len.  Caller frees. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
	char p[PATH_LEN];
	join(p, dir, name);
	FILE *f = fopen(p, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *b = realloc(buf, 2 * cap + 1);
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static bool exists(const char *dir, const char *name)
{
	char p[PATH_LEN];
	join(p, dir, name);
	return access(p, F_OK) == 0;
}

static bool exists2(const char *dir, const char *chart, const char *ext)
{
	char name[128];
	snprintf(name, sizeof name, "%s.%s", chart, ext);
	return exists(dir, name);
}

/* A 10-minute run in 10 s buckets.  Bucket b:
 *   total: tokens/min 1000 b, requests/min 10 b, 429 rate 0 until minute 5
 *     (b < 30), then (b - 29) / 100; failed b % 3 of 10 + b % 3 ended;
 *     latency p50/p95/p99 100 + b, 200 + b, 300 + b ms (none for b < 2),
 *     TTFT 10, 20, 30 ms
 *   std-a (standard): tokens/min 600 b, requests/min 6 b, 429 rate 50% from
 *     minute 5, limits 240000 TPM and 1440 RPM
 *   ptu-b (provisioned): tokens/min 400 b, requests/min 4 b, 429 rate 25%,
 *     capacity 125000, no RPM limit, utilisation b %, peak (b + 5) %
 *   a client row with a quoted name holding a comma, to be skipped. */
static void write_run(const char *dir)
{
	char p[PATH_LEN];
	join(p, dir, "timeseries.csv");
	FILE *f = fopen(p, "w");
	if (!f) {
		perror(p);
		exit(1);
	}
	fputs(header, f);
	for (int b = 0; b < N_BUCKETS; b++) {
		double rate = b < 30 ? 0.0 : (b - 29) / 100.0;
		char lat[64] = ",,";
		if (b >= 2)
			snprintf(lat, sizeof lat, "%d,%d,%d", 100 + b, 200 + b, 300 + b);
		fprintf(f, "%d,total,total,100,100,x,%d,%d,%g,%d,10,%s,10,20,30,,,,\n",
		        b * BUCKET_S, 1000 * b, 10 * b, rate, b % 3, lat);
		fprintf(f, "%d,deployment,std-a,0,60,x,%d,%d,%g,0,6,,,,,,,240000,1440,0.5,\n",
		        b * BUCKET_S, 600 * b, 6 * b, b < 30 ? 0.0 : 0.5);
		fprintf(f, "%d,deployment,ptu-b,0,40,x,%d,%d,0.25,0,4,,,,,,,125000,,%g,%g\n",
		        b * BUCKET_S, 400 * b, 4 * b, b / 100.0, (b + 5) / 100.0);
		fprintf(f, "%d,client,\"web, \"\"eu\"\"\",100,100,x,1,1,0.9,0,0,,,,,,,,,,\n",
		        b * BUCKET_S);
	}
	if (fclose(f) != 0) {
		perror(p);
		exit(1);
	}
	join(p, dir, "utilisation.csv");
	f = fopen(p, "w");
	fputs("minute,t_s,deployment,utilization_v2,utilisation_end\n", f);
	for (int m = 0; m < N_MINUTES; m++)
		fprintf(f, "%d,%d,ptu-b,%g,0.5\n", m, 60 * m, m / 10.0);
	fclose(f);
	th_write_in(dir, "latency_cdf.csv",
	            "latency_ms,fraction\n500,0.25\n1000,0.5\n2000,0.9\n8000,1\n");
	th_write_in(dir, "summary.json", summary);
}

static bool is_png(const char *buf, size_t n)
{
	return n >= 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static bool is_svg(const char *buf)
{
	return (strncmp(buf, "<?xml", 5) == 0 || strncmp(buf, "<svg", 4) == 0) &&
	       strstr(buf, "</svg>") != NULL;
}

/* Every chart in names is a valid PNG and SVG of a real size, with no
 * temporary file left. */
static void check_images(const char *dir, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char name[128];
		size_t len = 0;
		snprintf(name, sizeof name, "%s.png", names[i]);
		char *png = slurp(dir, name, &len);
		if (!png || !is_png(png, len) || len <= PNG_MIN_BYTES)
			TH_FAIL("%s: not a PNG of more than %d bytes (%zu)", name, PNG_MIN_BYTES,
			        len);
		free(png);
		snprintf(name, sizeof name, "%s.svg", names[i]);
		char *svg = slurp(dir, name, &len);
		if (!svg || !is_svg(svg) || len <= SVG_MIN_BYTES)
			TH_FAIL("%s: not an SVG of more than %d bytes", name, SVG_MIN_BYTES);
		free(svg);
		CHECK(!exists2(dir, names[i], "png.tmp"));
		CHECK(!exists2(dir, names[i], "svg.tmp"));
	}
}

static const char *find_template(const char *name)
{
	for (size_t i = 0; i < rs_embedded_plots_count; i++)
		if (strcmp(rs_embedded_plots[i].name, name) == 0)
			return rs_embedded_plots[i].text;
	return NULL;
}

static void test_render(void)
{
	char *dir = tmpdir();
	write_run(dir);
	rs_chart_opts o = {.title = "quickstart (seed 42)"};
	char warning[256] = "stale";
	rs_error err = {0};
	rs_status st = rs_chart_render(dir, &o, warning, sizeof warning, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	CHECK_STR(warning, "");
	check_images(dir, charts, N_CHARTS);

	/* throughput.dat: time (min), totals, the sums of the limits, offered
	 * tokens and requests per minute and the windows' sums (NaN: this
	 * timeseries.csv has no such columns), then per deployment tokens/min,
	 * TPM limit, requests/min, RPM limit and its two windows.  Bucket 31
	 * (310 s): 5.1666... min. */
	char *dat = slurp(dir, "throughput.dat", NULL);
	CHECK(dat && strncmp(dat, "# ", 2) == 0);
	CHECK(dat && strstr(dat, "\n0 0 0 365000 1440 NaN NaN NaN NaN 0 240000 0 1440 NaN NaN "
	                         "0 125000 0 NaN NaN NaN\n"));
	CHECK(dat && strstr(dat, "\n5.166666667 31000 310 365000 1440 NaN NaN NaN NaN 18600 "
	                         "240000 186 1440 NaN NaN 12400 125000 124 NaN NaN NaN\n"));
	CHECK(dat && strstr(dat, "#   columns 10-15: std-a\n#   columns 16-21: ptu-b\n"));
	CHECK(dat && !strstr(dat, "web"));
	if (dat) {
		int rows = 0;
		for (const char *s = dat; *s; s++)
			rows += *s == '\n' && s[1] != '#' && s[1] != '\0';
		CHECK_I64(rows, N_BUCKETS);
	}
	free(dat);
	/* rate_429.dat: 429 rate %, failed % of ended (1 of 11 at b = 31), then
	 * per deployment. */
	dat = slurp(dir, "rate_429.dat", NULL);
	CHECK(dat && strstr(dat, "\n0 0 0 0 25\n"));
	CHECK(dat && strstr(dat, "\n5.166666667 2 9.090909091 50 25\n"));
	CHECK(dat && strstr(dat, "\n9.833333333 30 16.66666667 50 25\n"));
	free(dat);
	/* latency.dat: ms, NaN where no request completed; this timeseries.csv
	 * has no failed_latency columns (an older run): NaN there too */
	dat = slurp(dir, "latency.dat", NULL);
	CHECK(dat && strstr(dat, "\n0 NaN NaN NaN 10 20 30 NaN NaN\n"));
	CHECK(dat && strstr(dat, "\n5.166666667 131 231 331 10 20 30 NaN NaN\n"));
	free(dat);
	/* utilisation.dat: per bucket peak and end %, then the minutes of ptu-b
	 * with the closing row at minute 10 */
	dat = slurp(dir, "utilisation.dat", NULL);
	CHECK(dat && strstr(dat, "\n5.166666667 36 31\n"));
	CHECK(dat && strstr(dat, "Utilization V2 per minute of ptu-b\n"));
	CHECK(dat && strstr(dat, "\n0 0\n1 10\n2 20\n"));
	CHECK(dat && strstr(dat, "\n9 90\n10 90\n"));
	free(dat);
	dat = slurp(dir, "latency_cdf.dat", NULL);
	CHECK(dat && strstr(dat, "\n0.5 25\n1 50\n2 90\n8 100\n"));
	free(dat);
	/* outcomes.dat: ok first try = 80 - 15 - 5 */
	dat = slurp(dir, "outcomes.dat", NULL);
	CHECK(dat && strstr(dat, "\n1 \"ok first try\" 60 60\n2 \"ok after 429\" 15 15\n"
	                         "3 \"spilled\" 5 5\n4 \"failed\" 12 12\n"
	                         "5 \"in flight at end\" 8 8\n"));
	free(dat);

	/* The .gp: head, facts, then style.gp and the template unchanged. */
	char *gp = slurp(dir, "throughput.gp", NULL);
	const char *tmpl = find_template("throughput.gp");
	const char *style = find_template("style.gp");
	CHECK(gp && tmpl && style);
	if (gp && tmpl && style) {
		size_t gl = strlen(gp), tl = strlen(tmpl);
		CHECK(gl > tl && strcmp(gp + gl - tl, tmpl) == 0);
		CHECK(strstr(gp, style) != NULL);
		CHECK(strstr(gp, "\ntitle = 'quickstart (seed 42)'\n") != NULL);
		CHECK(strstr(gp, "\nn_dep = 2\narray dep_name[2]\ndep_name[1] = 'std-a'\n"
		                 "dep_name[2] = 'ptu-b'\n") != NULL);
		CHECK(strstr(gp, "\ndep_limit_name[1] = 'TPM limit'\n"
		                 "dep_limit_name[2] = 'capacity'\n") != NULL);
		CHECK(strstr(gp, "\ntpm_limit_deps = \"1 2\"\nrpm_limit_deps = \"1\"\n") != NULL);
		CHECK(strstr(gp, "\nt_max = 9.833333333\ntpm_max = 240000\nrpm_max = 1440\n"
		                 "tpm_limit_sum_max = 365000\nrpm_limit_sum_max = 1440\n") != NULL);
		CHECK(strstr(gp, dir) == NULL); /* names no folder */
	}
	free(gp);
	gp = slurp(dir, "latency.gp", NULL);
	CHECK(gp && strstr(gp, "\nlatency_points = 58\nfailed_points = 0\nlatency_max_ms = 359\n"
	                       "ttft_points = 60\nttft_max_ms = 30\n"));
	free(gp);
	gp = slurp(dir, "rate_429.gp", NULL);
	CHECK(gp && strstr(gp, "\nrate_max = 50\nrate_total_max = 30\nfail_max = 16.66666667\n"));
	free(gp);
	gp = slurp(dir, "utilisation.gp", NULL);
	CHECK(gp && strstr(gp, "\nn_ptu = 1\narray ptu_name[1]\nptu_name[1] = 'ptu-b'\n"
	                       "util_ptus = \"1\"\nv2_ptus = \"1\"\nt_max = 10\n"
	                       "util_max = 64\nv2_max = 90\n"));
	free(gp);
	gp = slurp(dir, "outcomes.gp", NULL);
	CHECK(gp &&
	      strstr(gp, "\noffered = 100\noffered_when = \"after warm-up\"\noutcome_max = 60\n"));
	free(gp);
	rmtree(dir);
}

/* No provisioned deployment: no utilisation chart, and one left by an
 * earlier render of the folder is removed with its data and script. */
static void test_no_ptu(void)
{
	char *dir = tmpdir();
	write_run(dir);
	rs_error err = {0};
	CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_OK);
	CHECK(exists(dir, "utilisation.png"));
	th_write_in(dir, "utilisation.csv",
	            "minute,t_s,deployment,utilization_v2,utilisation_end\n");
	rs_status st = rs_chart_render(dir, NULL, NULL, 0, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	const char *exts[] = {"png", "svg", "dat", "gp"};
	for (int e = 0; e < 4; e++)
		CHECK(!exists2(dir, "utilisation", exts[e]));
	check_images(dir, charts, 3); /* throughput, rate_429, latency */
	rmtree(dir);
}

/* Two folders, the same inputs: every file byte-identical; a title with a
 * quote and control characters is escaped for gnuplot; rendering again in
 * place gives the same bytes (what `ratesim plot` relies on). */
static void test_deterministic(void)
{
	char *a = tmpdir(), *b = tmpdir();
	write_run(a);
	write_run(b);
	rs_chart_opts o = {.title = "it's\ta_test"};
	rs_error err = {0};
	CHECK_I64(rs_chart_render(a, &o, NULL, 0, &err), RS_OK);
	CHECK_I64(rs_chart_render(b, &o, NULL, 0, &err), RS_OK);
	const char *exts[] = {"dat", "gp", "png", "svg"};
	for (size_t c = 0; c < N_CHARTS; c++) {
		for (int e = 0; e < 4; e++) {
			char name[128];
			snprintf(name, sizeof name, "%s.%s", charts[c], exts[e]);
			size_t na, nb;
			char *x = slurp(a, name, &na), *y = slurp(b, name, &nb);
			if (!x || !y || na != nb || memcmp(x, y, na) != 0)
				TH_FAIL("%s differs between two folders", name);
			free(x);
			free(y);
		}
	}
	char *gp = slurp(a, "rate_429.gp", NULL);
	CHECK(gp && strstr(gp, "\ntitle = 'it''s a_test'\n"));
	free(gp);
	size_t n1, n2;
	char *d1 = slurp(a, "latency.svg", &n1);
	CHECK_I64(rs_chart_render(a, &o, NULL, 0, &err), RS_OK);
	char *d2 = slurp(a, "latency.svg", &n2);
	CHECK(d1 && d2 && n1 == n2 && memcmp(d1, d2, n1) == 0);
	free(d1);
	free(d2);
	rmtree(a);
	rmtree(b);
}

/* The written scripts rerun by hand from any folder (paths from ARG0), and
 * `gnuplot -c NAME.gp OUT.svg` draws an SVG. */
static void test_rerun_by_hand(void)
{
	char *dir = tmpdir();
	write_run(dir);
	rs_error err = {0};
	CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_OK);
	char p[PATH_LEN];
	join(p, dir, "throughput.png");
	CHECK_I64(unlink(p), 0);
	char cmd[PATH_LEN * 3];
	snprintf(cmd, sizeof cmd, "cd / && gnuplot '%s/throughput.gp' 2>&1", dir);
	CHECK_I64(system(cmd), 0);
	size_t n = 0;
	char *png = slurp(dir, "throughput.png", &n);
	CHECK(png && is_png(png, n) && n > PNG_MIN_BYTES);
	free(png);
	snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot -c utilisation.gp by-hand.svg 2>&1", dir);
	CHECK_I64(system(cmd), 0);
	char *svg = slurp(dir, "by-hand.svg", NULL);
	CHECK(svg && is_svg(svg));
	free(svg);
	rmtree(dir);
}

/* Degenerate runs draw every chart without a gnuplot warning (which would
 * be an error): one bucket of zeros and nothing succeeded; a constant-zero
 * run; tokens in the tens of millions; more deployments than the charts
 * draw one by one. */
static void test_degenerate(void)
{
	static const char *const head = "t_s,scope,name,tokens_per_min,requests_per_min,rate_429,"
	                                "failed,succeeded,tpm_limit,rpm_limit,latency_p50_ms,"
	                                "latency_p95_ms,latency_p99_ms,ttft_p50_ms,ttft_p95_ms,"
	                                "ttft_p99_ms,utilisation,peak_utilisation\n";
	static const char *const zero_summary =
	    "{\"scenario\": \"z\", \"seed\": 1, \"requests\": {\"offered\": 0, \"succeeded\": 0,"
	    " \"succeeded_after_429\": 0, \"succeeded_spilled\": 0, \"failed\": 0,"
	    " \"in_flight_end\": 0}, \"attempts\": {\"total\": 0, \"throttled\": 0},"
	    " \"rate_429\": 0, \"latency_ms\": {\"p50\": null, \"p95\": null, \"p99\": null},"
	    " \"throughput\": {\"tokens_per_min\": 0, \"requests_per_min\": 0}}";
	char many[8192];
	int n = snprintf(many, sizeof many, "%s", head);
	for (int t = 0; t < 3; t++) {
		n += snprintf(many + n, sizeof many - (size_t)n,
		              "%d,total,total,5e7,9000,0.1,1,9,,,900,1900,2900,90,190,290,,\n",
		              60 * t);
		for (int d = 0; d < 9; d++)
			n +=
			    snprintf(many + n, sizeof many - (size_t)n,
			             "%d,deployment,d%d,25000000,1000,0.1,0,1,30000000,10000,,,,,,,"
			             "0.5,\n",
			             60 * t, d);
	}
	char one[512], zeros[512];
	snprintf(one, sizeof one,
	         "%s0,total,total,0,0,0,0,0,,,,,,,,,,\n"
	         "0,deployment,d,0,0,0,0,0,1000,6,,,,,,,0,\n",
	         head);
	snprintf(zeros, sizeof zeros,
	         "%s0,total,total,0,0,0,0,0,,,,,,,,,,\n"
	         "0,deployment,p,0,0,0,0,0,100,,,,,,,,0,0\n"
	         "60,total,total,0,0,0,0,0,,,,,,,,,,\n"
	         "60,deployment,p,0,0,0,0,0,100,,,,,,,,0,0\n",
	         head);
	const struct {
		const char *csv, *util, *cdf;
	} cases[] = {
	    {one, "minute,deployment,utilization_v2\n", "latency_ms,fraction\n"},
	    {zeros, "minute,deployment,utilization_v2\n0,p,0\n1,p,\n", "latency_ms,fraction\n"},
	    {many, "minute,deployment,utilization_v2\n", "latency_ms,fraction\n3000,1\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *dir = tmpdir();
		th_write_in(dir, "timeseries.csv", cases[i].csv);
		th_write_in(dir, "utilisation.csv", cases[i].util);
		th_write_in(dir, "latency_cdf.csv", cases[i].cdf);
		th_write_in(dir, "summary.json", zero_summary);
		rs_error err = {0};
		char warning[1024];
		rs_status st = rs_chart_render(dir, NULL, warning, sizeof warning, &err);
		CHECK_I64(st, RS_OK);
		if (st != RS_OK)
			printf("  case %zu: %s\n", i, err.msg);
		CHECK_STR(warning, ""); /* gnuplot warns of nothing */
		check_images(dir, charts, 4);
		check_images(dir, charts + 5, 2);
		CHECK(exists(dir, "utilisation.png") == (i == 1));
		rmtree(dir);
	}
}

static void test_missing_column(void)
{
	char *dir = tmpdir();
	write_run(dir);
	th_write_in(dir, "timeseries.csv", "t_s,scope,name,rate_429\n0,total,total,0\n");
	rs_error err = {0};
	rs_status st = rs_chart_render(dir, NULL, NULL, 0, &err);
	CHECK_I64(st, RS_ERR_SYNTAX);
	char want[PATH_LEN * 2];
	snprintf(want, sizeof want,
	         "%s/timeseries.csv:1: missing column \"tokens_per_min\" (the charts read the "
	         "columns listed in docs/outputs.md)",
	         dir);
	CHECK_STR(err.msg, want);
	CHECK(!exists(dir, "throughput.png"));
	CHECK(!exists(dir, "throughput.dat"));
	/* the same in utilisation.csv */
	write_run(dir);
	th_write_in(dir, "utilisation.csv", "minute,deployment\n");
	CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_ERR_SYNTAX);
	snprintf(want, sizeof want,
	         "%s/utilisation.csv:1: missing column \"utilization_v2\" (the charts read the "
	         "columns listed in docs/outputs.md)",
	         dir);
	CHECK_STR(err.msg, want);
	rmtree(dir);
}

/* Malformed inputs, each with its exact message. */
static void test_bad_rows(void)
{
	static const char h[] = "t_s,scope,name,tokens_per_min,requests_per_min,rate_429,failed,"
	                        "succeeded,tpm_limit,rpm_limit,latency_p50_ms,latency_p95_ms,"
	                        "latency_p99_ms,ttft_p50_ms,ttft_p95_ms,ttft_p99_ms,utilisation,"
	                        "peak_utilisation\n";
	static const char ok[] = "0,total,total,10,1,0,0,1,,,,,,,,,,\n";
	static const struct {
		const char *rows, *msg;
	} cases[] = {
	    {"60,total,total,abc,1,0,0,1,,,,,,,,,,\n",
	     "timeseries.csv:3: column tokens_per_min: expected a finite number (got \"abc\")"},
	    {"60,total,total,10,1,0,0,1,,,,,,,,,\n",
	     "timeseries.csv:3: 17 fields, but the header has 18"},
	    {"-60,total,total,10,1,0,0,1,,,,,,,,,,\n",
	     "timeseries.csv:3: t_s -60 of a \"total\" row is not after the previous one (0): "
	     "rows must come bucket after bucket"},
	    {"60,total,total,10,1,0,,1,,,,,,,,,,\n",
	     "timeseries.csv:3: column failed: expected a finite number (got \"\")"},
	    {"0,deployment,d,10,1,0,0,1,,,,,,,,,,\n0,deployment,d,10,1,0,0,1,,,,,,,,,,\n",
	     "timeseries.csv:4: a second row for deployment \"d\" in the bucket at t_s 0"},
	    {"60,total,total,10,1,0,0,1,,,,,,,,,,\n60,deployment,late,10,1,0,0,1,,,,,,,,,,\n",
	     "timeseries.csv:4: deployment \"late\" is not in the first bucket: every bucket "
	     "lists every deployment"},
	    {"0,deployment,d,10,1,0,0,1,,,,,,,,,,\n60,total,total,10,1,0,0,1,,,,,,,,,,\n",
	     "timeseries.csv: the bucket at t_s 60 has no row for deployment \"d\": every bucket "
	     "lists every deployment"},
	    {"0,\"total,10,0\n", "timeseries.csv:3: a quoted field is not closed"},
	    {"0,\"tot\"al,total,10,1,0,0,1,,,,,,,,,,\n",
	     "timeseries.csv:3: unexpected text after a closing quote"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *dir = tmpdir();
		write_run(dir);
		char csv[1024];
		snprintf(csv, sizeof csv, "%s%s%s", h, ok, cases[i].rows);
		th_write_in(dir, "timeseries.csv", csv);
		th_write_in(dir, "utilisation.csv", "minute,deployment,utilization_v2\n");
		rs_error err = {0};
		CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_ERR_SYNTAX);
		char want[PATH_LEN * 2];
		snprintf(want, sizeof want, "%s/%s", dir, cases[i].msg);
		CHECK_STR(err.msg, want);
		rmtree(dir);
	}
	static const struct {
		const char *file, *text, *msg;
	} others[] = {
	    {"timeseries.csv", "", "timeseries.csv: empty file: expected a header line"},
	    {"timeseries.csv", h, "timeseries.csv: no row with scope \"total\": nothing to chart"},
	    {"utilisation.csv", "minute,deployment,utilization_v2\n1,ptu-b,0\n0,ptu-b,0\n",
	     "utilisation.csv:3: minute 0 of deployment \"ptu-b\" is not after its previous one "
	     "(1)"},
	    {"utilisation.csv", "minute,deployment,utilization_v2\n0,nobody,0\n",
	     "utilisation.csv: deployment \"nobody\" is not in DIR/timeseries.csv"},
	    {"latency_cdf.csv", "latency_ms,fraction\n0,0.5\n",
	     "latency_cdf.csv:2: column latency_ms: must be > 0 for the log axis (got 0)"},
	    {"summary.json", "{\"scenario\": \"t\", \"seed\": 1}",
	     "summary.json: .requests.offered: expected a whole number >= 0"},
	    {"summary.json", "{\"scenario\": ", "summary.json:1:14: invalid JSON"},
	};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		char *dir = tmpdir();
		write_run(dir);
		th_write_in(dir, others[i].file, others[i].text);
		rs_error err = {0};
		CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_ERR_SYNTAX);
		char msg[PATH_LEN], want[PATH_LEN * 3];
		snprintf(msg, sizeof msg, "%s", others[i].msg);
		char *at = strstr(msg, "DIR/");
		if (at) { /* the message names the folder twice */
			*at = '\0';
			snprintf(want, sizeof want, "%s/%s%s/%s", dir, msg, dir, at + 4);
		} else {
			snprintf(want, sizeof want, "%s/%s", dir, msg);
		}
		CHECK_STR(err.msg, want);
		for (size_t c = 0; c < N_CHARTS; c++)
			CHECK(!exists2(dir, charts[c], "png"));
		rmtree(dir);
	}
	/* A quoted field over two lines and CRLF endings are fine; the row
	 * after it is numbered from its own line. */
	char *dir = tmpdir();
	write_run(dir);
	th_write_in(dir, "timeseries.csv",
	            "t_s,name,scope,tokens_per_min,requests_per_min,rate_429,failed,succeeded,"
	            "tpm_limit,rpm_limit,latency_p50_ms,latency_p95_ms,latency_p99_ms,ttft_p50_ms,"
	            "ttft_p95_ms,ttft_p99_ms,utilisation,peak_utilisation\r\n"
	            "0,\"two\r\nlines\",total,10,1,0,0,1,,,,,,,,,,\r\n"
	            "60,x,total,20,2,0.5,1,3,,,,,,,,,,\r\n");
	th_write_in(dir, "utilisation.csv", "minute,deployment,utilization_v2\n");
	rs_error err = {0};
	rs_status st = rs_chart_render(dir, NULL, NULL, 0, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	char *dat = slurp(dir, "rate_429.dat", NULL);
	CHECK(dat && strstr(dat, "\n0 0 0\n1 50 25\n"));
	free(dat);
	rmtree(dir);
}

static void test_missing_csv(void)
{
	char *dir = tmpdir();
	rs_error err = {0};
	CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_ERR_IO);
	char want[PATH_LEN * 2];
	snprintf(want, sizeof want, "%s/timeseries.csv: cannot open: No such file or directory",
	         dir);
	CHECK_STR(err.msg, want);
	write_run(dir);
	char p[PATH_LEN];
	join(p, dir, "summary.json");
	unlink(p);
	CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_ERR_IO);
	snprintf(want, sizeof want, "%s/summary.json: cannot open: No such file or directory", dir);
	CHECK_STR(err.msg, want);
	rmtree(dir);
}

/* No gnuplot, charts not asked for: a warning, the .dat and .gp written, no
 * image (and a stale one from an earlier run removed). */
static void test_gnuplot_missing(void)
{
	char *dir = tmpdir();
	write_run(dir);
	th_write_in(dir, "throughput.png", "old chart");
	th_write_in(dir, "outcomes.svg", "old chart");
	rs_chart_opts o = {.title = "t", .gnuplot = "/nonexistent/gnuplot", .required = false};
	char warning[512];
	rs_error err = {0};
	CHECK_I64(rs_chart_render(dir, &o, warning, sizeof warning, &err), RS_OK);
	char want[PATH_LEN * 3];
	snprintf(want, sizeof want,
	         "warning: /nonexistent/gnuplot not found: install the gnuplot-nox package "
	         "(apt-get install gnuplot-nox); charts not drawn in %s (their data and scripts "
	         "are there: gnuplot %s/throughput.gp)",
	         dir, dir);
	CHECK_STR(warning, want);
	for (size_t c = 0; c < N_CHARTS; c++) {
		CHECK(!exists2(dir, charts[c], "png"));
		CHECK(!exists2(dir, charts[c], "svg"));
		CHECK(exists2(dir, charts[c], "dat"));
		CHECK(exists2(dir, charts[c], "gp"));
	}
	/* A short buffer is truncated, not overrun. */
	char small[12];
	CHECK_I64(rs_chart_render(dir, &o, small, sizeof small, &err), RS_OK);
	CHECK_STR(small, "warning: /n");

	/* Asked for explicitly: an error. */
	o.required = true;
	CHECK_I64(rs_chart_render(dir, &o, warning, sizeof warning, &err), RS_ERR_TOOL);
	CHECK_STR(err.msg, "/nonexistent/gnuplot not found: install the gnuplot-nox package "
	                   "(apt-get install gnuplot-nox)");
	CHECK_STR(warning, "");
	/* Not on PATH, by name: the same message as for plain "gnuplot". */
	o.gnuplot = "ratesim-no-such-gnuplot";
	CHECK_I64(rs_chart_render(dir, &o, NULL, 0, &err), RS_ERR_TOOL);
	CHECK_STR(err.msg, "ratesim-no-such-gnuplot not found: install the gnuplot-nox package "
	                   "(apt-get install gnuplot-nox)");
	rmtree(dir);
}

/* A stand-in gnuplot (a shell script) checks how it is called and how its
 * exit status and stderr are judged. */
static void fake_gnuplot(const char *dir, const char *body, char *path)
{
	join(path, dir, "fake-gnuplot");
	char text[1024];
	snprintf(text, sizeof text, "#!/bin/sh\n%s\n", body);
	th_write_in(dir, "fake-gnuplot", text);
	chmod(path, 0755);
}

/* What a stand-in gnuplot draws: a PNG with its signature and IEND chunk, or
 * an SVG, each saying what it is. */
#define FAKE_DRAW                                                                                  \
	"case \"$4\" in png) printf '\\211PNG\\r\\n\\032\\ndrawn png IEND1234' > \"$3\" ;; "       \
	"*) printf '<svg>drawn svg</svg>\\n' > \"$3\" ;; esac"

static void test_gnuplot_outcomes(void)
{
	char *dir = tmpdir();
	write_run(dir);
	char prog[PATH_LEN], want[PATH_LEN * 3];
	rs_chart_opts o = {.gnuplot = prog, .required = true};
	rs_error err = {0};

	/* Called as: PROG -c DIR/NAME.gp DIR/NAME.FMT.tmp FMT; whatever it draws
	 * there, silently and with exit 0, becomes the image. */
	fake_gnuplot(dir,
	             "[ \"$1\" = -c ] && [ -f \"$2\" ] || exit 3\n"
	             "case \"$3\" in *.\"$4\".tmp) ;; *) exit 5 ;; esac\n"
	             "read x && exit 4\n" /* stdin is /dev/null */
	             "echo this goes nowhere\n" FAKE_DRAW,
	             prog);
	rs_status st = rs_chart_render(dir, &o, NULL, 0, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	for (size_t c = 0; c < N_CHARTS; c++) {
		char name[128];
		snprintf(name, sizeof name, "%s.png", charts[c]);
		char *img = slurp(dir, name, NULL);
		CHECK(img && strncmp(img, "\211PNG", 4) == 0 && strstr(img + 8, "drawn png"));
		free(img);
		snprintf(name, sizeof name, "%s.svg", charts[c]);
		img = slurp(dir, name, NULL);
		CHECK_STR(img, "<svg>drawn svg</svg>\n");
		free(img);
	}

	/* A warning on stderr of one chart, exit 0: reported, never fatal; the
	 * images stand. */
	fake_gnuplot(dir,
	             FAKE_DRAW "\n"
	                       "case \"$2\" in *latency.gp) ;; *) exit 0 ;; esac\n"
	                       "echo >&2\n"
	                       "echo '  Warning: empty y range [0:0], adjusting to [-1:1]  ' >&2\n"
	                       "echo second line >&2",
	             prog);
	char warning[PATH_LEN * 3];
	CHECK_I64(rs_chart_render(dir, &o, warning, sizeof warning, &err), RS_OK);
	snprintf(want, sizeof want,
	         "warning: %s/latency.gp: %s: Warning: empty y range [0:0], adjusting to [-1:1]",
	         dir, prog);
	CHECK_STR(warning, want);
	for (size_t c = 0; c < N_CHARTS; c++) {
		CHECK(exists2(dir, charts[c], "png"));
		CHECK(exists2(dir, charts[c], "svg"));
		CHECK(!exists2(dir, charts[c], "png.tmp"));
	}

	/* An image gnuplot left truncated or empty (exit 0): an error, and no
	 * image of any chart. */
	const char *broken[] = {
	    "printf '\\211PNG\\r\\n\\032\\nno end' > \"$3\"",
	    ": > \"$3\"",
	    "printf '<svg>' > \"$3\"",
	};
	const char *why[] = {"incomplete png image (truncated)", "incomplete png image (empty)",
	                     "incomplete svg image (truncated)"};
	for (size_t b = 0; b < sizeof broken / sizeof broken[0]; b++) {
		char body[PATH_LEN];
		snprintf(body, sizeof body, "%s\ncase \"$4\" in %s) %s ;; esac", FAKE_DRAW,
		         b == 2 ? "svg" : "png", broken[b]);
		fake_gnuplot(dir, body, prog);
		CHECK_I64(rs_chart_render(dir, &o, NULL, 0, &err), RS_ERR_TOOL);
		CHECK(strstr(err.msg, why[b]) != NULL);
		if (!strstr(err.msg, why[b]))
			printf("  message: %s\n", err.msg);
		for (size_t c = 0; c < N_CHARTS; c++) {
			CHECK(!exists2(dir, charts[c], "png"));
			CHECK(!exists2(dir, charts[c], "svg"));
			CHECK(!exists2(dir, charts[c], "png.tmp"));
			CHECK(!exists2(dir, charts[c], "svg.tmp"));
		}
	}

	/* A failure: the line naming the script line is quoted. */
	fake_gnuplot(dir,
	             "echo '         plot foo' >&2\n"
	             "echo '              ^' >&2\n"
	             "echo '\"x.gp\" line 3: undefined variable: foo' >&2\n"
	             "exit 1",
	             prog);
	CHECK_I64(rs_chart_render(dir, &o, NULL, 0, &err), RS_ERR_TOOL);
	snprintf(want, sizeof want,
	         "%s/throughput.gp: %s failed (exit status 1): "
	         "\"x.gp\" line 3: undefined variable: foo",
	         dir, prog);
	CHECK_STR(err.msg, want);
	CHECK(!exists(dir, "throughput.png"));

	/* Exit 0, silent, but nothing drawn: an error. */
	fake_gnuplot(dir, "exit 0", prog);
	CHECK_I64(rs_chart_render(dir, &o, NULL, 0, &err), RS_ERR_TOOL);
	CHECK(strstr(err.msg, "throughput.gp: gnuplot drew no image") != NULL);

	/* No leftover stderr capture files. */
	char cmd[PATH_LEN * 2];
	snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q gnuplot-stderr", dir);
	CHECK(system(cmd) != 0);
	rmtree(dir);
}

/* The comparison charts of two synthetic runs: one block per candidate in
 * each series file, a row per candidate in the summary bars, the names
 * told to the script, and valid images. */
static void test_compare(void)
{
	char *dir = tmpdir();
	char a[PATH_LEN], b[PATH_LEN];
	join(a, dir, "alpha");
	join(b, dir, "beta");
	mkdir(a, 0777);
	mkdir(b, 0777);
	write_run(a);
	write_run(b);
	/* beta: nothing succeeded after warm-up, so no latency; a cost */
	th_write_in(b, "summary.json",
	            "{\"scenario\": \"beta\", \"seed\": 42, \"requests\": {\"offered\": 50,"
	            " \"succeeded\": 0, \"succeeded_after_429\": 0, \"succeeded_spilled\": 0,"
	            " \"failed\": 50, \"in_flight_end\": 0}, \"attempts\": {\"total\": 100,"
	            " \"throttled\": 100}, \"rate_429\": 1, \"latency_ms\": {\"p50\": null,"
	            " \"p95\": null, \"p99\": null}, \"throughput\": {\"tokens_per_min\": 0,"
	            " \"requests_per_min\": 0}, \"cost\": {\"total_usd\": 1.5}}");
	const char *labels[] = {"alpha", "beta"};
	rs_chart_opts o = {.title = "alpha vs beta (seed 42)"};
	rs_error err = {0};
	char warning[256];
	rs_status st = rs_chart_render_compare(dir, labels, 2, &o, warning, sizeof warning, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	CHECK_STR(warning, "");
	const char *names[4];
	const char *caption;
	size_t n = 0;
	while (rs_chart_compare_info(n, &names[n], &caption) && n < 4)
		n++;
	CHECK_I64(n, 4);
	CHECK(!rs_chart_compare_info(4, &names[0], &caption));
	CHECK_STR(names[0], "compare_rate_429");
	check_images(dir, names, n);

	char *dat = slurp(dir, "compare_rate_429.dat", NULL);
	CHECK(dat && strstr(dat, "# Block 0 (index 0): alpha\n0 0 0\n"));
	CHECK(dat &&
	      strstr(dat, "\n9.833333333 30 16.66666667\n\n\n# Block 1 (index 1): beta\n0 0 0\n"));
	free(dat);
	dat = slurp(dir, "compare_latency.dat", NULL);
	CHECK(dat && strstr(dat, "\n5.166666667 231 331\n"));
	free(dat);
	/* 429 %, failed % of offered, p95 s, p99 s, tokens/min, cost, requests/min */
	dat = slurp(dir, "compare_summary.dat", NULL);
	CHECK(dat && strstr(dat, "\n1 26.6667 12 2 8 1234.5 NaN 8\n2 100 100 NaN NaN 0 1.5 0\n"));
	free(dat);
	char *gp = slurp(dir, "compare_summary.gp", NULL);
	CHECK(gp && strstr(gp, "\nn_cand = 2\narray cand_name[2]\ncand_name[1] = 'alpha'\n"
	                       "cand_name[2] = 'beta'\n"));
	CHECK(gp && strstr(gp, "\nbar_letters = 0\narray bar_name[2]\nbar_name[1] = 'alpha'\n"
	                       "bar_name[2] = 'beta'\nhas_cost = 0\n"));
	CHECK(gp && strstr(gp, "\ncolumn_max[5] = 8\ncolumn_points[5] = 1\n"));
	free(gp);
	gp = slurp(dir, "compare_latency.gp", NULL);
	CHECK(gp && strstr(gp, "\nlatency_cands = \"1 2\"\n"));
	free(gp);
	/* a candidate without its run is an error naming the file */
	const char *bad[] = {"alpha", "gamma"};
	CHECK_I64(rs_chart_render_compare(dir, bad, 2, &o, NULL, 0, &err), RS_ERR_IO);
	char want[PATH_LEN * 2];
	snprintf(want, sizeof want, "%s/gamma/summary.json: cannot open: No such file or directory",
	         dir);
	CHECK_STR(err.msg, want);
	rmtree(dir);
}

int main(void)
{
	RUN(test_render);
	RUN(test_no_ptu);
	RUN(test_deterministic);
	RUN(test_rerun_by_hand);
	RUN(test_degenerate);
	RUN(test_missing_column);
	RUN(test_bad_rows);
	RUN(test_missing_csv);
	RUN(test_gnuplot_missing);
	RUN(test_gnuplot_outcomes);
	RUN(test_compare);
	return th_done();
}
