/*
 * test_gnuplot.c - the gnuplot room: templates, string literals, the script
 * head and body, and drawing a set of scripts of any size (with a stand-in
 * gnuplot, a shell script, so that the test is about how gnuplot is called
 * and judged, not about drawing).
 */
#include "ratesim/gnuplot.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define PATH_LEN 512
/* More charts than any one render draws, to show the set has no fixed size. */
#define MANY_CHARTS 23

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* What f received, as a string (caller frees). */
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

static void test_template(void)
{
	CHECK(rs_gnuplot_template("style.gp") != NULL);
	CHECK(rs_gnuplot_template("rate_429.gp") != NULL);
	CHECK(rs_gnuplot_template("no-such.gp") == NULL);
}

static void test_put_string(void)
{
	FILE *f = tmpfile();
	rs_gnuplot_put_string(f, "it's a\ttab\nand a line");
	char *s = captured(f);
	CHECK_STR(s, "'it''s a tab and a line'");
	free(s);
	fclose(f);
}

static void test_head_and_body(void)
{
	FILE *f = tmpfile();
	rs_gnuplot_put_head(f, "rate_429", "q (seed 1)");
	rs_error err = {0};
	CHECK_I64(rs_gnuplot_put_body(f, "rate_429.gp", &err), RS_OK);
	char *s = captured(f);
	CHECK(strstr(s, "datafile = scriptdir . \"rate_429.dat\"\n") != NULL);
	CHECK(strstr(s, "title = 'q (seed 1)'\n") != NULL);
	/* style.gp, then the chart's template */
	const char *style = strstr(s, rs_gnuplot_template("style.gp"));
	const char *tmpl = strstr(s, rs_gnuplot_template("rate_429.gp"));
	CHECK(style && tmpl && style < tmpl);
	free(s);
	fclose(f);

	f = tmpfile();
	CHECK_I64(rs_gnuplot_put_body(f, "no-such.gp", &err), RS_ERR_INVALID);
	CHECK_STR(err.msg, "plots/no-such.gp: no such template compiled in");
	CHECK_I64(ftell(f), 0);
	fclose(f);
}

static void test_draw_many(void)
{
	char *dir = th_tmpdir("rs_gnuplot");
	char prog[PATH_LEN], path[PATH_LEN];
	snprintf(prog, sizeof prog, "%s/fake-gnuplot", dir);
	/* called as: fake -c SCRIPT TMP FORMAT */
	write_text(prog, "#!/bin/sh\ncase \"$4\" in png) printf '\\211PNG\\r\\n\\032\\nIEND1234' "
	                 "> \"$3\" ;; *) printf '<svg/>\\n</svg>' > \"$3\" ;; esac\n");
	chmod(prog, 0755);
	char names[MANY_CHARTS][16];
	const char *list[MANY_CHARTS];
	for (int i = 0; i < MANY_CHARTS; i++) {
		snprintf(names[i], sizeof names[i], "c%d", i);
		list[i] = names[i];
		snprintf(path, sizeof path, "%s/c%d.gp", dir, i);
		write_text(path, "# a script\n");
	}
	rs_chart_opts o = {.gnuplot = prog, .required = true};
	char warning[64] = "stale";
	rs_error err = {0};
	CHECK_I64(rs_gnuplot_draw(dir, list, MANY_CHARTS, &o, warning, sizeof warning, &err),
	          RS_OK);
	CHECK_STR(warning, "");
	for (int i = 0; i < MANY_CHARTS; i++) {
		snprintf(path, sizeof path, "%s/c%d.png", dir, i);
		char *s = th_slurp(path);
		CHECK(s && strncmp(s, "\211PNG", 4) == 0);
		free(s);
		snprintf(path, sizeof path, "%s/c%d.svg", dir, i);
		s = th_slurp(path);
		CHECK_STR(s, "<svg/>\n</svg>");
		free(s);
	}
	/* nothing to draw is fine */
	CHECK_I64(rs_gnuplot_draw(dir, list, 0, &o, warning, sizeof warning, &err), RS_OK);
	th_rmtree(dir);
}

int main(void)
{
	RUN(test_template);
	RUN(test_put_string);
	RUN(test_head_and_body);
	RUN(test_draw_many);
	return th_done();
}
