/*
 * test_chart_axis.c - the time axis of a run's charts: units, the merging of
 * buckets on a long run (chart_group), shaded spans from summary.json and
 * scenario.json, the columns the charts read that older runs lack (TPM
 * window, offered load, 5xx, timeouts), one legend entry for identical
 * limits, the progress callback, names cut or wrapped for legends, and a
 * comparison of candidates with long names.  gnuplot is a stand-in (a shell
 * script drawing a minimal valid image), so that these tests are about the
 * data and scripts; test_chart.c draws with the real one.
 */
#include "../../sim/chart_axis.h"
#include "../../sim/chart_io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "ratesim/chart.h"

#define PATH_LEN 512
#define BUCKETS  3000 /* 10 s each: 500 minutes, drawn in hours, 3 buckets a point */
#define BUCKET_S 10

/* A stand-in gnuplot drawing a minimal valid PNG or SVG. */
static void fake_gnuplot(const char *dir, char *prog)
{
	snprintf(prog, PATH_LEN, "%s/fake-gnuplot", dir);
	th_write_in(
	    dir, "fake-gnuplot",
	    "#!/bin/sh\ncase \"$4\" in png) printf '\\211PNG\\r\\n\\032\\nIEND1234' > \"$3\" "
	    ";; *) printf '<svg></svg>' > \"$3\" ;; esac\n");
	chmod(prog, 0755);
}

static void test_units(void)
{
	chart_axis a;
	chart_axis_init(&a, 900, 10);
	CHECK_STR(a.label, "time (min)");
	CHECK_I64(a.group, 1);
	CHECK_NEAR(chart_axis_at(&a, 600), 10, 1e-12);
	chart_axis_fini(&a);
	chart_axis_init(&a, 36000, 10); /* 10 h, 3600 buckets */
	CHECK_STR(a.label, "time (h)");
	CHECK_I64(a.group, 4);
	CHECK_NEAR(chart_axis_at(&a, 7200), 2, 1e-12);
	chart_axis_fini(&a);
	chart_axis_init(&a, 20 * 86400.0, 10); /* 20 days: 172800 buckets */
	CHECK_STR(a.label, "time (days)");
	CHECK_I64(a.group, 173);
	CHECK_NEAR(chart_axis_at(&a, 86400), 1, 1e-12);
	chart_axis_fini(&a);
	chart_axis_init(&a, NAN, NAN); /* an older run: no facts */
	CHECK_STR(a.label, "time (min)");
	CHECK_I64(a.group, 1);
	CHECK(isnan(chart_axis_per_min(&a, 5, 0, 1)));
	chart_axis_fini(&a);
}

static void test_group(void)
{
	chart_group g = {0};
	double v[TS_COUNT], out[TS_COUNT];
	for (int r = 0; r < 3; r++) {
		for (int c = 0; c < TS_COUNT; c++)
			v[c] = NAN;
		v[TS_T] = 10 * r;
		v[TS_TPM] = 1000 * (r + 1);
		v[TS_ATTEMPTS] = 10;
		v[TS_THROTTLED] = r == 1 ? 5 : 0;
		v[TS_R429] = v[TS_THROTTLED] / v[TS_ATTEMPTS];
		v[TS_LAT99] = r == 2 ? NAN : 100 * (r + 1);
		v[TS_TPM_LIMIT] = r == 0 ? 500 : 1000;
		chart_group_add(&g, v);
	}
	chart_group_take(&g, out);
	CHECK_NEAR(out[TS_T], 0, 0);               /* the first */
	CHECK_NEAR(out[TS_TPM], 2000, 1e-9);       /* the mean */
	CHECK_NEAR(out[TS_ATTEMPTS], 30, 0);       /* the sum */
	CHECK_NEAR(out[TS_R429], 5.0 / 30, 1e-12); /* from the sums */
	CHECK_NEAR(out[TS_LAT99], 200, 0);         /* the highest known */
	CHECK_NEAR(out[TS_TPM_LIMIT], 1000, 0);    /* the highest */
	CHECK(isnan(out[TS_LAT50]));               /* none known */
	CHECK_I64(g.rows, 0);                      /* emptied */
}

/* The progress lines told, the last one kept. */
static char last_progress[256];
static int progress_calls;
static void on_progress(void *ctx, const char *line)
{
	(void)ctx;
	snprintf(last_progress, sizeof last_progress, "%s", line);
	progress_calls++;
}

/* A 500-minute run of one standard deployment with every column the charts
 * read; bucket b: tokens/min 1000 (b % 3 + 1), 10 attempts of which
 * b % 2 throttled and 2 errors when b % 3 == 0, one timeout; the deployment
 * at TPM limit 1000 (half its window in use), RPM 100 (a quarter), offered
 * 1500 tokens/min; warm-up 600 s, an outage and a degraded limit. */
static void write_long_run(const char *dir)
{
	char p[PATH_LEN];
	snprintf(p, sizeof p, "%s/timeseries.csv", dir);
	FILE *f = fopen(p, "w");
	if (!f)
		exit(1);
	fputs("t_s,scope,name,offered,attempts,throttled,errors,failed,succeeded,tokens_per_min,"
	      "requests_per_min,rate_429,latency_p50_ms,latency_p95_ms,latency_p99_ms,ttft_p50_ms,"
	      "ttft_p95_ms,ttft_p99_ms,tpm_limit,rpm_limit,tpm_occupancy,rpm_occupancy,"
	      "utilisation,peak_utilisation,timeouts,offered_tokens_per_min\n",
	      f);
	for (int b = 0; b < BUCKETS; b++) {
		int thr = b % 2, errs = b % 3 == 0 ? 2 : 0;
		fprintf(f, "%d,total,total,10,10,%d,%d,0,10,%d,60,%g,1,2,3,1,2,3,,,,,,,1,\n",
		        b * BUCKET_S, thr, errs, 1000 * (b % 3 + 1), thr / 10.0);
		fprintf(f,
		        "%d,deployment,d1,0,10,%d,%d,0,10,%d,60,%g,,,,,,,1000,100,0.5,0.25,0.5,,,"
		        "1500\n",
		        b * BUCKET_S, thr, errs, 1000 * (b % 3 + 1), thr / 10.0);
	}
	fclose(f);
	th_write_in(dir, "utilisation.csv",
	            "minute,t_s,deployment,utilization_v2,utilisation_end\n");
	th_write_in(dir, "latency_cdf.csv", "latency_ms,fraction\n100,0.5\n1000,1\n");
	th_write_in(
	    dir, "summary.json",
	    "{\"scenario\": \"long\", \"seed\": 3, \"duration_s\": 30000, \"warmup_s\": 600,"
	    " \"bucket_s\": 10, \"requests\": {\"offered\": 30000, \"succeeded\": 30000,"
	    " \"succeeded_after_429\": 0, \"succeeded_spilled\": 0, \"failed\": 0,"
	    " \"in_flight_end\": 0}, \"attempts\": {\"total\": 30000, \"throttled\": 1500},"
	    " \"rate_429\": 0.05, \"latency_ms\": {\"p50\": 1, \"p95\": 2, \"p99\": 3},"
	    " \"throughput\": {\"tokens_per_min\": 2000, \"requests_per_min\": 60}}");
	th_write_in(
	    dir, "scenario.json",
	    "{\"name\": \"long\", \"faults\": ["
	    "{\"kind\": \"down\", \"region\": \"eastus\", \"start_s\": 3600, \"end_s\": 7200},"
	    "{\"kind\": \"degrade\", \"deployment\": \"d1\", \"start_s\": 10800,"
	    " \"end_s\": 99999, \"scale\": 0.5}]}");
}

static void test_long_run(void)
{
	char *dir = th_tmpdir("rs_chart_axis");
	char prog[PATH_LEN];
	fake_gnuplot(dir, prog);
	write_long_run(dir);
	rs_chart_opts o = {
	    .title = "long", .gnuplot = prog, .required = true, .progress = on_progress};
	char warning[256];
	rs_error err = {0};
	rs_status st = rs_chart_render(dir, &o, warning, sizeof warning, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	CHECK_STR(warning, "");

	/* 3000 buckets, 3 a point: 1000 rows; the first point's columns */
	char *dat = th_slurp_in(dir, "throughput.dat");
	int rows = 0;
	for (const char *s = dat ? dat : ""; *s; s++)
		rows += *s == '\n' && s[1] != '#' && s[1] != '\0';
	CHECK_I64(rows, 1000);
	CHECK(dat && strstr(dat, "\n0 2000 60 1000 100 1500 60 500 25 2000 1000 60 100 500 25\n"));
	CHECK(dat && strstr(dat, "# One row per 3 time buckets"));
	free(dat);
	dat = th_slurp_in(dir, "rate_429.dat"); /* 1 throttled of 30 attempts */
	CHECK(dat && strstr(dat, "\n0 3.333333333 0 3.333333333\n"));
	free(dat);
	dat = th_slurp_in(dir, "errors.dat"); /* 2 errors of 30; 3 timeouts in 30 s */
	CHECK(dat && strstr(dat, "\n0 6.666666667 6 6.666666667\n"));
	free(dat);

	char *gp = th_slurp_in(dir, "throughput.gp");
	CHECK(gp && strstr(gp, "\nt_label = \"time (h)\"\nt_min = 0\nn_spans = 3\n"));
	CHECK(gp && strstr(gp, "span_text[1] = 'warm-up'\n"));
	CHECK(gp && strstr(gp, "span_from[2] = 1; span_to[2] = 2; span_kind[2] = 2\n"));
	CHECK(gp && strstr(gp, "span_text[2] = 'eastus down'\n"));
	/* the degraded limit is clipped at the run's end */
	CHECK(gp && strstr(gp, "span_from[3] = 3; span_to[3] = 8.333333333; span_kind[3] = 3\n"));
	CHECK(gp && strstr(gp, "span_text[3] = 'd1 limit x0.5'\n"));
	CHECK(gp && strstr(gp, "\npoint_width = \"30 s\"\n"));
	CHECK(gp && strstr(gp, "\ntpm_limit_one = 1000\n"));
	CHECK(gp && strstr(gp, "\nwindow_deps = \"1\"\n"));
	free(gp);
	gp = th_slurp_in(dir, "errors.gp");
	CHECK(gp && strstr(gp, "\nhas_errors = 1\nhas_timeouts = 1\n"));
	free(gp);

	CHECK_I64(progress_calls, 7); /* reading, then each of 6 charts drawn */
	char want[PATH_LEN + 64];
	snprintf(want, sizeof want, "charts: 6 of 6 drawn in %s", dir);
	CHECK_STR(last_progress, want);
	th_rmtree(dir);
}

/* A comparison of two candidates with 60-character names: names wrapped in
 * the legends, lettered bars with the full names listed, a short title. */
static void test_long_names(void)
{
	char *dir = th_tmpdir("rs_chart_axis");
	char prog[PATH_LEN];
	fake_gnuplot(dir, prog);
	const char *names[] = {"a-candidate-with-a-very-long-name-that-says-what-it-is-000001",
	                       "a-candidate-with-a-very-long-name-that-says-what-it-is-000002"};
	for (int i = 0; i < 2; i++) {
		char sub[PATH_LEN];
		snprintf(sub, sizeof sub, "%s/%s", dir, names[i]);
		mkdir(sub, 0755);
		write_long_run(sub);
	}
	char title[256];
	snprintf(title, sizeof title, "%s vs %s (seed 3)", names[0], names[1]);
	rs_chart_opts o = {.title = title, .gnuplot = prog, .required = true};
	rs_error err = {0};
	rs_status st = rs_chart_render_compare(dir, names, 2, &o, NULL, 0, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	char *gp = th_slurp_in(dir, "compare_rate_429.gp");
	CHECK(gp && strstr(gp, "\ntitle = '2 candidates compared (seed 3)'\n"));
	CHECK(gp && strstr(gp, "\nkey_lines = 3\n"));
	CHECK(gp && strstr(gp, "cand_key[1] = \"a-candidate-with-a-very-\\nlong-name-that-says-\\n"
	                       "what-it-is-000001\"\n"));
	CHECK(gp && strstr(gp, "\nt_label = \"time (h)\"\nt_min = 0\nn_spans = 1\n"));
	free(gp);
	gp = th_slurp_in(dir, "compare_summary.gp");
	CHECK(gp && strstr(gp, "\nbar_letters = 1\narray bar_name[2]\nbar_name[1] = 'A'\n"));
	free(gp);
	char *dat = th_slurp_in(dir, "compare_throughput.dat");
	int rows = 0;
	for (const char *s = dat ? dat : ""; *s; s++)
		rows += *s == '\n' && s[1] != '#' && s[1] != '\0' && s[1] != '\n';
	CHECK_I64(rows, 2000); /* 1000 points per candidate */
	free(dat);
	th_rmtree(dir);
}

/* What f received (caller frees). */
static char *captured(FILE *f)
{
	long n = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	buf[n] = '\0';
	return buf;
}

/* Names in legends: cut with an ellipsis, or wrapped onto lines. */
static void test_legend_names(void)
{
	FILE *f = tmpfile();
	chart_put_array_item_cut(f, "n", 0, "short", 24);
	chart_put_array_item_cut(f, "n", 1, "a-deployment-name-of-thirty-chars", 24);
	chart_put_array_item_wrapped(f, "k", 0, "one two-three_four \"q\"", 9);
	chart_put_array_item_wrapped(f, "k", 1, "abcdefghijkl", 5);
	char *s = captured(f);
	CHECK_STR(s, "n[1] = 'short'\n"
	             "n[2] = 'a-deployment-name-of-th\u2026'\n"
	             "k[1] = \"one two-\\nthree_\\nfour \\\"q\\\"\"\n"
	             "k[2] = \"abcde\\nfghij\\nkl\"\n");
	CHECK_I64(chart_wrap_lines("abcdefghijkl", 5), 3);
	CHECK_I64(chart_wrap_lines("", 5), 1);
	free(s);
	fclose(f);
}

/* Alert marks from alerts.csv: fired events only, the same time in one
 * mark ("tokens 80%, 90%; requests 80%"), a rule on the maximum labelled
 * "max", at most CHART_MAX_MARKS marks; none without the file. */
static void test_alert_marks(void)
{
	char dir[] = "/tmp/ratesim-marks-XXXXXX";
	if (!mkdtemp(dir)) {
		TH_FAIL("mkdtemp");
		return;
	}
	chart_axis a;
	chart_axis_init(&a, 3600, 10);
	CHECK_I64(chart_axis_add_alert_marks(&a, dir, NULL), RS_OK);
	CHECK_I64(a.n_marks, 0);
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/alerts.csv", dir);
	FILE *f = fopen(path, "w");
	fputs("time_s,deployment,rule,metric,aggregation,threshold,event,value\n"
	      "120,a,0,tokens,average,0.8,fired,0.85\n"
	      "120,a,0,tokens,average,0.9,fired,0.95\n"
	      "120,a,1,requests,maximum,0.8,fired,0.85\n"
	      "300,a,0,tokens,average,0.8,resolved,0.5\n",
	      f);
	for (int i = 0; i < CHART_MAX_MARKS + 3; i++)
		fprintf(f, "%d,a,0,tokens,average,0.8,fired,0.85\n", 360 + 60 * i);
	fclose(f);
	CHECK_I64(chart_axis_add_alert_marks(&a, dir, NULL), RS_OK);
	CHECK_I64(a.n_marks, CHART_MAX_MARKS);
	CHECK_I64(a.marks_left_out, 4);
	CHECK_NEAR(a.marks[0].at, 2, 0); /* minutes */
	CHECK_STR(a.marks[0].text, "tokens 80%, 90%; requests max 80%");
	CHECK_NEAR(a.marks[1].at, 6, 0);
	CHECK_STR(a.marks[1].text, "tokens 80%");
	chart_axis_fini(&a);
	unlink(path);
	rmdir(dir);
}

/* plot --window: a day drawn over its second hour.  The axis is that of an
 * hour (minutes, one bucket a point), a bucket starting at the window's
 * end is out, and the warm-up [0, 1.5 h) is clipped to [60, 90) min. */
static void test_window(void)
{
	chart_axis a;
	chart_axis_init(&a, 86400, BUCKET_S);
	CHECK_STR(a.unit, "h");
	CHECK_I64((long long)a.group, 9); /* 8640 buckets, at most 1000 points */
	chart_axis_window(&a, 3600, 7200);
	CHECK_STR(a.unit, "min");
	CHECK_I64((long long)a.group, 1);
	CHECK(chart_axis_in(&a, 3600));
	CHECK(chart_axis_in(&a, 7199.5));
	CHECK(!chart_axis_in(&a, 7200));
	CHECK(!chart_axis_in(&a, 3590));
	CHECK(chart_axis_add_warmup(&a, 5400));
	CHECK_I64((long long)a.n_spans, 1);
	if (a.n_spans == 1) {
		CHECK_NEAR(a.spans[0].from, 60, 1e-12);
		CHECK_NEAR(a.spans[0].to, 90, 1e-12);
	}
	CHECK(chart_axis_add_warmup(&a, 1800)); /* before the window: left out */
	CHECK_I64((long long)a.n_spans, 1);
	chart_axis_fini(&a);
}

int main(void)
{
	RUN(test_alert_marks);
	RUN(test_legend_names);
	RUN(test_units);
	RUN(test_group);
	RUN(test_long_run);
	RUN(test_long_names);
	RUN(test_window);
	return th_done();
}
