/*
 * harness.h - a tiny unit-test harness (header only).
 *
 * A test is a `static void name(void)` run with RUN(name).  CHECK macros
 * record a failure with file:line and the values, and the test goes on, so
 * one run shows every broken assertion.  main() ends with th_done(), which
 * prints "N passed, N failed" for this binary and returns the exit status;
 * tests/run.sh adds up the binaries' lines into the suite's summary.
 */
#ifndef RATESIM_TEST_HARNESS_H
#define RATESIM_TEST_HARNESS_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int th_passed, th_failed, th_skipped, th_cur_failed, th_cur_skipped;
static const char *th_cur;

#define TH_FAIL(...)                                                                               \
	do {                                                                                       \
		th_cur_failed++;                                                                   \
		fprintf(stdout, "  FAIL %s (%s:%d): ", th_cur, __FILE__, __LINE__);                \
		fprintf(stdout, __VA_ARGS__);                                                      \
		fputc('\n', stdout);                                                               \
	} while (0)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			TH_FAIL("%s", #cond);                                                      \
	} while (0)

#define CHECK_I64(got, want)                                                                       \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (g_ != w_)                                                                      \
			TH_FAIL("%s = %lld, want %lld", #got, g_, w_);                             \
	} while (0)

#define CHECK_NEAR(got, want, tol)                                                                 \
	do {                                                                                       \
		double g_ = (double)(got), w_ = (double)(want), t_ = (double)(tol);                \
		if (!(fabs(g_ - w_) <= t_))                                                        \
			TH_FAIL("%s = %.9g, want %.9g +- %.3g", #got, g_, w_, t_);                 \
	} while (0)

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		if (!g_ || strcmp(g_, w_) != 0)                                                    \
			TH_FAIL("%s = \"%s\", want \"%s\"", #got, g_ ? g_ : "(null)", w_);         \
	} while (0)

/* Skip the rest of the current test, saying why (a missing optional
 * input, never a failure in disguise); the test counts as skipped. */
#define TH_SKIP(...)                                                                               \
	do {                                                                                       \
		th_cur_skipped = 1;                                                                \
		fprintf(stdout, "  skip %s: ", th_cur);                                            \
		fprintf(stdout, __VA_ARGS__);                                                      \
		fputc('\n', stdout);                                                               \
	} while (0)

#define RUN(fn)                                                                                    \
	do {                                                                                       \
		th_cur = #fn;                                                                      \
		th_cur_failed = 0;                                                                 \
		th_cur_skipped = 0;                                                                \
		fn();                                                                              \
		if (th_cur_failed) {                                                               \
			th_failed++;                                                               \
			fprintf(stdout, "FAIL %s\n", #fn);                                         \
		} else if (th_cur_skipped) {                                                       \
			th_skipped++;                                                              \
			fprintf(stdout, "skip %s\n", #fn);                                         \
		} else {                                                                           \
			th_passed++;                                                               \
			fprintf(stdout, "ok   %s\n", #fn);                                         \
		}                                                                                  \
		fflush(stdout);                                                                    \
	} while (0)

/* A new empty folder /tmp/PREFIX_XXXXXX (exits on failure); up to 8 live
 * at once in static storage. */
static inline char *th_tmpdir(const char *prefix)
{
	static char dirs[8][96];
	static int used;
	char *d = dirs[used++ % 8];
	snprintf(d, sizeof dirs[0], "/tmp/%s_XXXXXX", prefix);
	if (!mkdtemp(d)) {
		perror("mkdtemp");
		exit(1);
	}
	return d;
}

/* Remove a folder and everything in it. */
static inline void th_rmtree(const char *dir)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* The whole file, NUL-terminated (caller frees), or NULL. */
static inline char *th_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* dir/name, read whole (caller frees), or NULL. */
static inline char *th_slurp_in(const char *dir, const char *name)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return th_slurp(path);
}

/* Write text to dir/name (exits on failure: a test's own setup). */
static inline void th_write_in(const char *dir, const char *name, const char *text)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static inline int th_done(void)
{
	if (th_skipped)
		printf("%d passed, %d failed, %d skipped\n", th_passed, th_failed, th_skipped);
	else
		printf("%d passed, %d failed\n", th_passed, th_failed);
	return th_failed ? 1 : 0;
}

#endif
