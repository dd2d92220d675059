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
#include <string.h>

static int th_passed, th_failed, th_cur_failed;
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

#define RUN(fn)                                                                                    \
	do {                                                                                       \
		th_cur = #fn;                                                                      \
		th_cur_failed = 0;                                                                 \
		fn();                                                                              \
		if (th_cur_failed) {                                                               \
			th_failed++;                                                               \
			fprintf(stdout, "FAIL %s\n", #fn);                                         \
		} else {                                                                           \
			th_passed++;                                                               \
			fprintf(stdout, "ok   %s\n", #fn);                                         \
		}                                                                                  \
		fflush(stdout);                                                                    \
	} while (0)

static inline int th_done(void)
{
	printf("%d passed, %d failed\n", th_passed, th_failed);
	return th_failed ? 1 : 0;
}

#endif
