/*
 * test_chart.c - the throughput chart, drawn by the real gnuplot.
 *
 * Each test writes a synthetic timeseries.csv into a fresh mkdtemp folder
 * and renders it: the PNG signature and size, the exact .dat rows for
 * hand-worked buckets, byte-identical outputs for the same CSV, the script
 * rerun by hand from another folder, and every error path (missing column,
 * bad rows, gnuplot missing / failing / warning) with its status and message.
 */
#include "ratesim/chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "plots_gen.h"

#define PNG_MIN_BYTES 10000 /* a 1280x720 chart with text is far above this */
#define PATH_LEN      512
#define N_BUCKETS     60 /* 10 minutes of 10 s buckets */
#define BUCKET_S      10

static const char header[] =
    "t_s,scope,name,offered,attempts,ok,throttled,errors,failed,retries,spilled,"
    "prompt_tokens,output_tokens,tokens_per_min,requests_per_min,rate_429,"
    "latency_p50_ms,latency_p95_ms,latency_p99_ms,ttft_p50_ms,ttft_p95_ms,ttft_p99_ms,"
    "tpm_limit,rpm_limit,tpm_occupancy,rpm_occupancy,utilisation\n";

static char *tmpdir(void)
{
	static char dirs[8][64];
	static int used;
	char *d = dirs[used++ % 8];
	snprintf(d, 64, "/tmp/rs_chart_XXXXXX");
	if (!mkdtemp(d)) {
		perror("mkdtemp");
		exit(1);
	}
	return d;
}

static void rmtree(const char *dir)
{
	char cmd[PATH_LEN];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static void join(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_LEN, "%s/%s", dir, name);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[PATH_LEN];
	join(p, dir, name);
	FILE *f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(p);
		exit(1);
	}
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

/* A 10-minute run in 10 s buckets.  Bucket b: total served tokens per
 * minute 1000 * b, 429 rate 0 until minute 5 (b < 30), then (b - 29) / 100.
 * Each bucket also has a deployment row and a client row, one with a quoted
 * name holding a comma, to be skipped. */
static void write_csv(const char *dir)
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
		int attempts = 100, thr = (int)(rate * attempts + 0.5);
		fprintf(f,
		        "%d,total,total,100,%d,%d,%d,0,0,%d,0,%d,%d,%d,600,%g,"
		        "120.5,300,450,40,80,,240000,1440,0.5,0.4,0.5\n",
		        b * BUCKET_S, attempts, attempts - thr, thr, thr, 700 * b / 6, 300 * b / 6,
		        1000 * b, rate);
		fprintf(f,
		        "%d,deployment,eastus-gpt4o,100,%d,%d,%d,0,0,%d,0,1,1,999999,600,0.9,"
		        ",,,,,,240000,1440,0.5,0.4,0.5\n",
		        b * BUCKET_S, attempts, attempts - thr, thr, thr);
		fprintf(f,
		        "%d,client,\"web, \"\"eu\"\"\",100,100,100,0,0,0,0,0,1,1,999999,600,0.9,"
		        ",,,,,,,,,,\n",
		        b * BUCKET_S);
	}
	if (fclose(f) != 0) {
		perror(p);
		exit(1);
	}
}

static bool is_png(const char *buf, size_t n)
{
	return n >= 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static void test_render(void)
{
	char *dir = tmpdir();
	write_csv(dir);
	rs_chart_opts o = {.title = "quickstart (seed 42)"};
	char warning[256] = "stale";
	rs_error err = {0};
	rs_status st = rs_chart_render(dir, &o, warning, sizeof warning, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	CHECK_STR(warning, "");
	size_t n = 0;
	char *png = slurp(dir, "throughput.png", &n);
	CHECK(png != NULL);
	CHECK(png && is_png(png, n));
	CHECK(n > PNG_MIN_BYTES);
	CHECK(!exists(dir, "throughput.png.tmp"));
	CHECK(exists(dir, "throughput.gp"));

	/* The .dat: a commented header, then one row per total row, time in
	 * minutes and the rate in %.  Bucket 3 (30 s): 0.5 min, 3000 tpm, 0%;
	 * bucket 31 (310 s): 5.1666... min, 31000 tpm, 2%. */
	char *dat = slurp(dir, "throughput.dat", NULL);
	CHECK(dat != NULL);
	if (dat) {
		CHECK(strncmp(dat, "# ", 2) == 0);
		CHECK(strstr(dat, "\n# time_min tokens_per_min rate_429_pct\n0 0 0\n") != NULL);
		CHECK(strstr(dat, "\n0.5 3000 0\n") != NULL);
		CHECK(strstr(dat, "\n5.166666667 31000 2\n") != NULL);
		CHECK(strstr(dat, "\n9.833333333 59000 30\n") != NULL);
		CHECK(strstr(dat, "999999") == NULL); /* no deployment / client row */
		int rows = 0;
		for (const char *s = dat; *s; s++)
			rows += *s == '\n' && s[1] != '#' && s[1] != '\0';
		CHECK_I64(rows, N_BUCKETS);
	}
	/* The .gp: the variables, then the template text unchanged. */
	char *gp = slurp(dir, "throughput.gp", NULL);
	const char *tmpl = NULL;
	for (size_t i = 0; i < rs_embedded_plots_count; i++)
		if (strcmp(rs_embedded_plots[i].name, "throughput.gp") == 0)
			tmpl = rs_embedded_plots[i].text;
	CHECK(gp && tmpl);
	if (gp && tmpl) {
		size_t gl = strlen(gp), tl = strlen(tmpl);
		CHECK(gl > tl && strcmp(gp + gl - tl, tmpl) == 0);
		CHECK(strstr(gp, "\ntitle = 'quickstart (seed 42)'\n") != NULL);
		CHECK(strstr(gp, dir) == NULL); /* names no folder */
	}
	free(png);
	free(dat);
	free(gp);
	rmtree(dir);
}

/* Two folders, the same CSV: the .dat and .gp are byte-identical, and a
 * title with a quote and control characters is escaped for gnuplot. */
static void test_deterministic(void)
{
	char *a = tmpdir(), *b = tmpdir();
	write_csv(a);
	write_csv(b);
	rs_chart_opts o = {.title = "it's\ta_test"};
	rs_error err = {0};
	CHECK_I64(rs_chart_render(a, &o, NULL, 0, &err), RS_OK);
	CHECK_I64(rs_chart_render(b, &o, NULL, 0, &err), RS_OK);
	const char *names[] = {"throughput.dat", "throughput.gp"};
	for (int i = 0; i < 2; i++) {
		size_t na, nb;
		char *x = slurp(a, names[i], &na), *y = slurp(b, names[i], &nb);
		CHECK(x && y && na == nb && memcmp(x, y, na) == 0);
		if (i == 1)
			CHECK(x && strstr(x, "\ntitle = 'it''s a_test'\n"));
		free(x);
		free(y);
	}
	/* Rendering again in place gives the same bytes too. */
	size_t n1, n2;
	char *d1 = slurp(a, "throughput.dat", &n1);
	CHECK_I64(rs_chart_render(a, &o, NULL, 0, &err), RS_OK);
	char *d2 = slurp(a, "throughput.dat", &n2);
	CHECK(d1 && d2 && n1 == n2 && memcmp(d1, d2, n1) == 0);
	free(d1);
	free(d2);
	rmtree(a);
	rmtree(b);
}

/* The written script reruns by hand from any folder (paths from ARG0). */
static void test_rerun_by_hand(void)
{
	char *dir = tmpdir();
	write_csv(dir);
	rs_error err = {0};
	CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_OK);
	char p[PATH_LEN];
	join(p, dir, "throughput.png");
	CHECK_I64(unlink(p), 0);
	char cmd[PATH_LEN * 2];
	snprintf(cmd, sizeof cmd, "cd / && gnuplot '%s/throughput.gp' 2>&1", dir);
	CHECK_I64(system(cmd), 0);
	size_t n = 0;
	char *png = slurp(dir, "throughput.png", &n);
	CHECK(png && is_png(png, n) && n > PNG_MIN_BYTES);
	free(png);
	/* And from the folder itself, with a relative path. */
	CHECK_I64(unlink(p), 0);
	snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot throughput.gp 2>&1", dir);
	CHECK_I64(system(cmd), 0);
	CHECK(exists(dir, "throughput.png"));
	rmtree(dir);
}

/* Degenerate series draw without a gnuplot warning (which would be an
 * error): one bucket, all zeros; and tokens in the tens of millions. */
static void test_degenerate(void)
{
	static const char *const csvs[] = {
	    "t_s,scope,tokens_per_min,rate_429\n0,total,0,0\n",
	    "t_s,scope,tokens_per_min,rate_429\n0,total,0,0\n60,total,0,0\n",
	    "t_s,scope,tokens_per_min,rate_429\n0,total,25000000,1\n60,total,5e7,0.5\n",
	};
	for (size_t i = 0; i < sizeof csvs / sizeof csvs[0]; i++) {
		char *dir = tmpdir();
		write_file(dir, "timeseries.csv", csvs[i]);
		rs_error err = {0};
		rs_status st = rs_chart_render(dir, NULL, NULL, 0, &err);
		CHECK_I64(st, RS_OK);
		if (st != RS_OK)
			printf("  case %zu: %s\n", i, err.msg);
		size_t n = 0;
		char *png = slurp(dir, "throughput.png", &n);
		CHECK(png && is_png(png, n));
		free(png);
		rmtree(dir);
	}
}

static void test_missing_column(void)
{
	char *dir = tmpdir();
	write_file(dir, "timeseries.csv", "t_s,scope,name,rate_429\n0,total,total,0\n");
	rs_error err = {0};
	rs_status st = rs_chart_render(dir, NULL, NULL, 0, &err);
	CHECK_I64(st, RS_ERR_SYNTAX);
	char want[PATH_LEN * 2];
	snprintf(want, sizeof want,
	         "%s/timeseries.csv:1: missing column \"tokens_per_min\" (the throughput chart "
	         "reads t_s, scope, tokens_per_min and rate_429)",
	         dir);
	CHECK_STR(err.msg, want);
	CHECK(!exists(dir, "throughput.png"));
	CHECK(!exists(dir, "throughput.dat"));
	rmtree(dir);
}

/* Other malformed CSVs, each with its exact message. */
static void test_bad_rows(void)
{
	static const struct {
		const char *csv, *msg;
	} cases[] = {
	    {"t_s,scope,tokens_per_min,rate_429\n0,total,10,0\n60,total,abc,0\n",
	     "timeseries.csv:3: column tokens_per_min: expected a finite number (got \"abc\")"},
	    {"t_s,scope,tokens_per_min,rate_429\n0,total,10,0\n60,total,10\n",
	     "timeseries.csv:3: 3 fields, but the header has 4"},
	    {"t_s,scope,tokens_per_min,rate_429\n60,total,10,0\n0,total,10,0\n",
	     "timeseries.csv:3: t_s 0 of a \"total\" row is not after the previous one (60): "
	     "rows must come bucket after bucket"},
	    {"t_s,scope,tokens_per_min,rate_429\n0,client,10,0\n",
	     "timeseries.csv: no row with scope \"total\": nothing to chart"},
	    {"t_s,scope,tokens_per_min,rate_429\n0,\"total,10,0\n",
	     "timeseries.csv:2: a quoted field is not closed"},
	    {"t_s,scope,tokens_per_min,rate_429\n0,\"tot\"al,10,0\n",
	     "timeseries.csv:2: unexpected text after a closing quote"},
	    {"", "timeseries.csv: empty file: expected a header line"},
	    {"t_s,scope,tokens_per_min,rate_429\r\n0,total,,0\r\n",
	     "timeseries.csv:2: column tokens_per_min: expected a finite number (got \"\")"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *dir = tmpdir();
		write_file(dir, "timeseries.csv", cases[i].csv);
		rs_error err = {0};
		CHECK_I64(rs_chart_render(dir, NULL, NULL, 0, &err), RS_ERR_SYNTAX);
		char want[PATH_LEN * 2];
		snprintf(want, sizeof want, "%s/%s", dir, cases[i].msg);
		CHECK_STR(err.msg, want);
		rmtree(dir);
	}
	/* A quoted field over two lines and CRLF endings are fine; the row
	 * after it is numbered from its own line. */
	char *dir = tmpdir();
	write_file(dir, "timeseries.csv",
	           "t_s,name,scope,tokens_per_min,rate_429\r\n"
	           "0,\"two\r\nlines\",total,10,0\r\n"
	           "60,x,total,20,0.5\r\n");
	rs_error err = {0};
	rs_status st = rs_chart_render(dir, NULL, NULL, 0, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	char *dat = slurp(dir, "throughput.dat", NULL);
	CHECK(dat && strstr(dat, "\n0 10 0\n1 20 50\n"));
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
	rmtree(dir);
}

/* No gnuplot, charts not asked for: a warning, the .dat and .gp written, no
 * PNG (and a stale one from an earlier run removed). */
static void test_gnuplot_missing(void)
{
	char *dir = tmpdir();
	write_csv(dir);
	write_file(dir, "throughput.png", "old chart");
	rs_chart_opts o = {.title = "t", .gnuplot = "/nonexistent/gnuplot", .required = false};
	char warning[512];
	rs_error err = {0};
	CHECK_I64(rs_chart_render(dir, &o, warning, sizeof warning, &err), RS_OK);
	char want[PATH_LEN * 2];
	snprintf(want, sizeof want,
	         "warning: /nonexistent/gnuplot not found: install the gnuplot-nox package "
	         "(apt-get install gnuplot-nox); %s/throughput.png not drawn (then run: "
	         "gnuplot %s/throughput.gp)",
	         dir, dir);
	CHECK_STR(warning, want);
	CHECK(!exists(dir, "throughput.png"));
	CHECK(!exists(dir, "throughput.png.tmp"));
	CHECK(exists(dir, "throughput.dat"));
	CHECK(exists(dir, "throughput.gp"));
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
	CHECK(!exists(dir, "throughput.png"));
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
	write_file(dir, "fake-gnuplot", text);
	chmod(path, 0755);
}

static void test_gnuplot_outcomes(void)
{
	char *dir = tmpdir();
	write_csv(dir);
	char prog[PATH_LEN], want[PATH_LEN * 3];
	rs_chart_opts o = {.gnuplot = prog, .required = true};
	rs_error err = {0};

	/* Called as: PROG -c DIR/throughput.gp DIR/throughput.png.tmp; whatever
	 * it draws there, silently and with exit 0, becomes the PNG. */
	fake_gnuplot(dir,
	             "[ \"$1\" = -c ] && [ -f \"$2\" ] || exit 3\n"
	             "read x && exit 4\n" /* stdin is /dev/null */
	             "echo this goes nowhere\n"
	             "printf drawn > \"$3\"",
	             prog);
	rs_status st = rs_chart_render(dir, &o, NULL, 0, &err);
	CHECK_I64(st, RS_OK);
	if (st != RS_OK)
		printf("  message: %s\n", err.msg);
	char *png = slurp(dir, "throughput.png", NULL);
	CHECK_STR(png, "drawn");
	free(png);

	/* A warning on stderr, exit 0: an error quoting it, and no PNG. */
	fake_gnuplot(dir,
	             "printf drawn > \"$3\"\n"
	             "echo >&2\n"
	             "echo '  Warning: empty y range [0:0], adjusting to [-1:1]  ' >&2\n"
	             "echo second line >&2",
	             prog);
	CHECK_I64(rs_chart_render(dir, &o, NULL, 0, &err), RS_ERR_TOOL);
	snprintf(want, sizeof want,
	         "%s/throughput.gp: %s reported a problem: "
	         "Warning: empty y range [0:0], adjusting to [-1:1]",
	         dir, prog);
	CHECK_STR(err.msg, want);
	CHECK(!exists(dir, "throughput.png"));
	CHECK(!exists(dir, "throughput.png.tmp"));

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

	/* Exit 0, silent, but no PNG drawn: the rename fails. */
	fake_gnuplot(dir, "exit 0", prog);
	CHECK_I64(rs_chart_render(dir, &o, NULL, 0, &err), RS_ERR_IO);
	CHECK(strstr(err.msg, "throughput.png.tmp: cannot rename") != NULL);

	/* No leftover stderr capture files. */
	char cmd[PATH_LEN * 2];
	snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q gnuplot-stderr", dir);
	CHECK(system(cmd) != 0);
	rmtree(dir);
}

int main(void)
{
	RUN(test_render);
	RUN(test_deterministic);
	RUN(test_rerun_by_hand);
	RUN(test_degenerate);
	RUN(test_missing_column);
	RUN(test_bad_rows);
	RUN(test_missing_csv);
	RUN(test_gnuplot_missing);
	RUN(test_gnuplot_outcomes);
	return th_done();
}
