/*
 * test_dist.c - token-size draws: exact values for fixed and trace, ranges
 * and 3-sigma bands over 100,000 draws for uniform and empirical, and the
 * sample median of a lognormal within 1% of its parameter.
 */
#include "ratesim/dist.h"

#include "harness.h"

#include <stdlib.h>

#define DRAWS 100000

static int64_t draws[DRAWS];

static gsl_rng *new_rng(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	return r;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void test_fixed(void)
{
	rs_dist_cfg d = {.kind = RS_DIST_FIXED, .value = 512.4};
	CHECK_I64(rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, NULL, 0), 512);
	d.value = 0.6;
	CHECK_I64(rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, NULL, 0), 1);
	d.value = -5;
	CHECK_I64(rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, NULL, 0), 0);
}

/* Integers 10..20: var = (11^2 - 1) / 12 = 10, so the mean of 100,000 draws
 * has sigma sqrt(10 / 100,000) = 0.01. */
static void test_uniform(void)
{
	gsl_rng *r = new_rng(3);
	rs_dist_cfg d = {.kind = RS_DIST_UNIFORM, .min = 10, .max = 20};
	long seen[11] = {0}, outside = 0;
	double sum = 0;
	for (int i = 0; i < DRAWS; i++) {
		int64_t v = rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, r, 0);
		if (v < 10 || v > 20)
			outside++;
		else
			seen[v - 10]++;
		sum += (double)v;
	}
	CHECK_I64(outside, 0);
	/* each value: n p = 9091, sigma = sqrt(n p (1 - p)) = 91 */
	for (int k = 0; k < 11; k++)
		CHECK_NEAR(seen[k], DRAWS / 11.0, 3 * sqrt(DRAWS * (1 / 11.0) * (10 / 11.0)));
	CHECK_NEAR(sum / DRAWS, 15, 3 * 0.01);

	d.min = d.max = 7;
	CHECK_I64(rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, r, 0), 7);
	d.min = -5;
	d.max = -1;
	CHECK_I64(rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, r, 0), 0);
	gsl_rng_free(r);
}

static void test_lognormal(void)
{
	gsl_rng *r = new_rng(5);
	rs_dist_cfg d = {.kind = RS_DIST_LOGNORMAL, .median = 1000, .sigma = 0.5};
	for (int i = 0; i < DRAWS; i++)
		draws[i] = rs_dist_draw(&d, NULL, RS_TRACE_OUTPUT, r, 0);
	qsort(draws, DRAWS, sizeof draws[0], cmp_i64);
	CHECK_NEAR((double)draws[DRAWS / 2], 1000, 10);
	/* the 84.13th percentile is median * e^sigma = 1648.7 */
	CHECK_NEAR((double)draws[(int)(DRAWS * 0.8413)], 1000 * exp(0.5), 1648.7 * 0.02);

	/* a wide spread never gives an empty request when median >= 1 */
	d.median = 1;
	d.sigma = 3;
	int64_t lo = INT64_MAX;
	for (int i = 0; i < DRAWS; i++) {
		int64_t v = rs_dist_draw(&d, NULL, RS_TRACE_OUTPUT, r, 0);
		lo = v < lo ? v : lo;
	}
	CHECK_I64(lo, 1);
	gsl_rng_free(r);
}

/* Rows (5, 100), (7, 200), (11, 300): each row 1/3 of the draws. */
static void test_empirical(void)
{
	rs_time t[] = {0, 1, 2};
	int32_t p[] = {5, 7, 11}, o[] = {100, 200, 300};
	rs_trace tr = {.n = 3, .t = t, .prompt = p, .output = o, .span = 2, .mean_gap = 1};
	rs_dist_cfg d = {.kind = RS_DIST_EMPIRICAL};
	gsl_rng *r = new_rng(9);
	long cp[3] = {0}, co[3] = {0}, other = 0;
	for (int i = 0; i < DRAWS; i++) {
		int64_t v = rs_dist_draw(&d, &tr, RS_TRACE_PROMPT, r, 0);
		int64_t w = rs_dist_draw(&d, &tr, RS_TRACE_OUTPUT, r, 0);
		if (v == 5 || v == 7 || v == 11)
			cp[v == 5 ? 0 : v == 7 ? 1 : 2]++;
		else
			other++;
		if (w == 100 || w == 200 || w == 300)
			co[w / 100 - 1]++;
		else
			other++;
	}
	CHECK_I64(other, 0);
	double sigma = sqrt(DRAWS * (1 / 3.0) * (2 / 3.0));
	for (int k = 0; k < 3; k++) {
		CHECK_NEAR(cp[k], DRAWS / 3.0, 3 * sigma);
		CHECK_NEAR(co[k], DRAWS / 3.0, 3 * sigma);
	}
	gsl_rng_free(r);
}

static void test_trace_value(void)
{
	rs_dist_cfg d = {.kind = RS_DIST_TRACE};
	CHECK_I64(rs_dist_draw(&d, NULL, RS_TRACE_PROMPT, NULL, 1234), 1234);
	CHECK_I64(rs_dist_draw(&d, NULL, RS_TRACE_OUTPUT, NULL, 0), 0);
	CHECK_I64(rs_dist_draw(&d, NULL, RS_TRACE_OUTPUT, NULL, -3), 0);
}

int main(void)
{
	RUN(test_fixed);
	RUN(test_uniform);
	RUN(test_lognormal);
	RUN(test_empirical);
	RUN(test_trace_value);
	return th_done();
}
