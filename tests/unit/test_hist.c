/*
 * test_hist.c - the latency histogram against exact answers.
 *
 * Percentiles are compared with the nearest-rank sample of an exact qsort of
 * the same samples (200k lognormal, log-uniform over 8 decades, linear
 * uniform), each within 1% relative; min, max, count and mean are exact;
 * merge is compared bin for bin with adding everything to one histogram;
 * the O(1) binning gives, for every value tried, the bin GSL's own binary
 * search (gsl_histogram_find) gives on the same geometric ranges.
 */
#include "ratesim/hist.h"

#include <gsl/gsl_histogram.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>

#include "harness.h"

#define N_SAMPLES 200000
#define SEED      42
#define REL_TOL   0.01 /* the accuracy the histogram promises */

static const double quantiles[] = {0.5, 0.9, 0.95, 0.99, 0.999};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest rank, computed independently of hist.c: the smallest sample with
 * at least q * n samples at or below it, using integer arithmetic on q given
 * in parts per 1000 (every q above is a whole number of thousandths). */
static double exact_quantile(const double *sorted, size_t n, double q)
{
	long long permille = llround(q * 1000);
	size_t k = (size_t)((permille * (long long)n + 999) / 1000); /* ceil */
	if (k < 1)
		k = 1;
	return sorted[k - 1];
}

enum dist { LOGNORMAL, LOGUNIFORM, UNIFORM };

static double draw(gsl_rng *r, enum dist d)
{
	switch (d) {
	case LOGNORMAL: /* median 200 ms, long tail: a typical latency shape */
		return gsl_ran_lognormal(r, log(200.0), 1.0);
	case LOGUNIFORM: /* 1e-2 ms .. 1e6 ms: eight decades */
		return pow(10.0, gsl_ran_flat(r, -2.0, 6.0));
	case UNIFORM:
		return gsl_ran_flat(r, 0.0, 5000.0);
	}
	return 0;
}

static void check_against_sort(enum dist d)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, SEED + (unsigned long)d);
	double *xs = malloc(N_SAMPLES * sizeof *xs);
	rs_hist *h = rs_hist_new();
	CHECK(r && xs && h);
	if (!r || !xs || !h)
		goto out;
	size_t bins = rs_hist_bins(h);
	double sum = 0;
	for (size_t i = 0; i < N_SAMPLES; i++) {
		xs[i] = draw(r, d);
		sum += xs[i];
		rs_hist_add(h, xs[i]);
	}
	qsort(xs, N_SAMPLES, sizeof *xs, cmp_double);
	CHECK_I64(rs_hist_count(h), N_SAMPLES);
	CHECK(rs_hist_min(h) == xs[0]);
	CHECK(rs_hist_max(h) == xs[N_SAMPLES - 1]);
	CHECK_NEAR(rs_hist_mean(h), sum / N_SAMPLES, 1e-9 * sum / N_SAMPLES);
	for (size_t i = 0; i < sizeof quantiles / sizeof quantiles[0]; i++) {
		double want = exact_quantile(xs, N_SAMPLES, quantiles[i]);
		CHECK_NEAR(rs_hist_quantile(h, quantiles[i]), want, REL_TOL * want);
	}
	/* Every percentile 1..99 too, not only the reported ones. */
	for (int p = 1; p < 100; p++) {
		double want = exact_quantile(xs, N_SAMPLES, p / 100.0);
		CHECK_NEAR(rs_hist_quantile(h, p / 100.0), want, REL_TOL * want);
	}
	CHECK(rs_hist_quantile(h, 0) == xs[0]);
	CHECK(rs_hist_quantile(h, 1) == xs[N_SAMPLES - 1]);
	/* Memory is fixed: 200k samples did not add a bin. */
	CHECK_I64(rs_hist_bins(h), bins);
out:
	rs_hist_free(h);
	free(xs);
	gsl_rng_free(r);
}

static void test_lognormal(void)
{
	check_against_sort(LOGNORMAL);
}

static void test_loguniform(void)
{
	check_against_sort(LOGUNIFORM);
}

static void test_uniform(void)
{
	check_against_sort(UNIFORM);
}

/* The layout: 1.02^1279 = 9.8e10 < 1e11 <= 1.02^1280, so 1280 bins. */
static void test_bins_fixed(void)
{
	rs_hist *a = rs_hist_new(), *b = rs_hist_new();
	CHECK(a && b);
	if (a && b) {
		CHECK_I64(rs_hist_bins(a), 1280);
		CHECK_I64(rs_hist_bins(b), 1280);
		for (int i = 0; i < 100000; i++)
			rs_hist_add(a, (double)i);
		CHECK_I64(rs_hist_bins(a), 1280);
	}
	rs_hist_free(a);
	rs_hist_free(b);
}

static void test_empty(void)
{
	rs_hist *h = rs_hist_new();
	CHECK(h);
	if (!h)
		return;
	CHECK_I64(rs_hist_count(h), 0);
	CHECK(isnan(rs_hist_quantile(h, 0.5)));
	CHECK(isnan(rs_hist_quantile(h, 0)));
	CHECK(isnan(rs_hist_min(h)));
	CHECK(isnan(rs_hist_max(h)));
	CHECK(isnan(rs_hist_mean(h)));
	rs_hist_free(h);
	rs_hist_free(NULL); /* a no-op */
}

/* Hand-worked: samples 1..100 ms.  Nearest rank: p50 -> rank 50 = 50 ms,
 * p90 -> 90, p99 -> 99; q = 0.07 -> rank 7 (7.000000000000001 in floating
 * point must not become rank 8); q = 0.001 -> rank 1 = min exactly. */
static void test_known_ranks(void)
{
	rs_hist *h = rs_hist_new();
	CHECK(h);
	if (!h)
		return;
	for (int i = 100; i >= 1; i--)
		rs_hist_add(h, (double)i);
	CHECK_I64(rs_hist_count(h), 100);
	CHECK_NEAR(rs_hist_mean(h), 50.5, 1e-12);
	CHECK_NEAR(rs_hist_quantile(h, 0.5), 50, 0.5);
	CHECK_NEAR(rs_hist_quantile(h, 0.9), 90, 0.9);
	CHECK_NEAR(rs_hist_quantile(h, 0.99), 99, 0.99);
	CHECK_NEAR(rs_hist_quantile(h, 0.07), 7, 0.07);
	CHECK(rs_hist_quantile(h, 0.001) == 1.0);
	CHECK(rs_hist_quantile(h, 1) == 100.0);
	/* A single repeated value is reported exactly (clamped to min = max). */
	rs_hist_reset(h);
	for (int i = 0; i < 10; i++)
		rs_hist_add(h, 123.456);
	CHECK(rs_hist_quantile(h, 0.5) == 123.456);
	CHECK(rs_hist_quantile(h, 0.99) == 123.456);
	rs_hist_free(h);
}

static void test_reset(void)
{
	rs_hist *h = rs_hist_new();
	CHECK(h);
	if (!h)
		return;
	for (int i = 1; i <= 1000; i++)
		rs_hist_add(h, 1000.0 + i);
	rs_hist_reset(h);
	CHECK_I64(rs_hist_count(h), 0);
	CHECK(isnan(rs_hist_quantile(h, 0.5)));
	CHECK(isnan(rs_hist_min(h)));
	/* After a reset, nothing of the old samples shows: 3 small values. */
	rs_hist_add(h, 2.0);
	rs_hist_add(h, 3.0);
	rs_hist_add(h, 4.0);
	CHECK_I64(rs_hist_count(h), 3);
	CHECK(rs_hist_min(h) == 2.0);
	CHECK(rs_hist_max(h) == 4.0);
	CHECK_NEAR(rs_hist_mean(h), 3.0, 1e-12);
	CHECK_NEAR(rs_hist_quantile(h, 0.5), 3.0, 0.03);
	rs_hist_free(h);
}

/* Merging two halves equals adding everything to one histogram: the same
 * count, min, max, mean and every percentile, to the last bit. */
static void test_merge(void)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	rs_hist *a = rs_hist_new(), *b = rs_hist_new(), *all = rs_hist_new();
	rs_hist *empty = rs_hist_new();
	CHECK(r && a && b && all && empty);
	if (!r || !a || !b || !all || !empty)
		goto out;
	gsl_rng_set(r, SEED);
	for (int i = 0; i < 20000; i++) {
		double x = gsl_ran_lognormal(r, log(50.0), 1.5);
		rs_hist_add(i % 3 ? a : b, x);
		rs_hist_add(all, x);
	}
	/* Into an empty one first: min/max must come from src, not from 0. */
	rs_hist_merge(empty, b);
	CHECK_I64(rs_hist_count(empty), rs_hist_count(b));
	CHECK(rs_hist_min(empty) == rs_hist_min(b));
	CHECK(rs_hist_max(empty) == rs_hist_max(b));
	rs_hist_merge(a, b);
	CHECK_I64(rs_hist_count(a), rs_hist_count(all));
	CHECK(rs_hist_min(a) == rs_hist_min(all));
	CHECK(rs_hist_max(a) == rs_hist_max(all));
	CHECK_NEAR(rs_hist_mean(a), rs_hist_mean(all), 1e-9 * rs_hist_mean(all));
	for (int p = 0; p <= 1000; p++)
		CHECK(rs_hist_quantile(a, p / 1000.0) == rs_hist_quantile(all, p / 1000.0));
	/* b is unchanged by being merged. */
	CHECK_I64(rs_hist_count(b), 6667); /* i = 0, 3, ..., 19998 */
	/* Merging an empty histogram changes nothing. */
	rs_hist_reset(empty);
	rs_hist_merge(a, empty);
	CHECK_I64(rs_hist_count(a), 20000);
	CHECK(rs_hist_min(a) == rs_hist_min(all));
out:
	rs_hist_free(a);
	rs_hist_free(b);
	rs_hist_free(all);
	rs_hist_free(empty);
	gsl_rng_free(r);
}

/* The edges: 0 and values below 1e-3 ms share the first bin, values above
 * 1e8 ms the last; the clamp to the exact min / max keeps answers inside the
 * samples; the exact edges themselves are within 1%. */
static void test_edges(void)
{
	rs_hist *h = rs_hist_new();
	CHECK(h);
	if (!h)
		return;
	rs_hist_add(h, 0.0);
	CHECK(rs_hist_quantile(h, 0.5) == 0.0); /* bin midpoint clamped to max 0 */
	rs_hist_add(h, 0.0);
	rs_hist_add(h, 0.0);
	CHECK(rs_hist_quantile(h, 0.5) == 0.0);
	rs_hist_reset(h);

	/* At the covered edges: 1e-3 and 1e8 ms, each three times. */
	for (int i = 0; i < 3; i++) {
		rs_hist_add(h, RS_HIST_MIN_MS);
		rs_hist_add(h, RS_HIST_MAX_MS);
	}
	CHECK(rs_hist_min(h) == RS_HIST_MIN_MS);
	CHECK(rs_hist_max(h) == RS_HIST_MAX_MS);
	CHECK_NEAR(rs_hist_quantile(h, 2.0 / 6), RS_HIST_MIN_MS, REL_TOL * RS_HIST_MIN_MS);
	CHECK_NEAR(rs_hist_quantile(h, 5.0 / 6), RS_HIST_MAX_MS, REL_TOL * RS_HIST_MAX_MS);
	rs_hist_reset(h);

	/* Beyond the range: 3 samples above 1e8 all fall in the last bin; the
	 * median is that bin's midpoint (about 1.01e8) clamped up to the min. */
	rs_hist_add(h, 1.5e8);
	rs_hist_add(h, 2e8);
	rs_hist_add(h, 1e12);
	CHECK(rs_hist_quantile(h, 0.5) == 1.5e8);
	CHECK(rs_hist_max(h) == 1e12);
	CHECK(rs_hist_quantile(h, 1) == 1e12);
	rs_hist_add(h, INFINITY); /* counts in the last bin too */
	CHECK_I64(rs_hist_count(h), 4);
	CHECK(isinf(rs_hist_max(h)));
	rs_hist_reset(h);

	/* Below the range: 1e-5 and 5e-4 share the first bin with 1e-3. */
	rs_hist_add(h, 1e-5);
	rs_hist_add(h, 5e-4);
	rs_hist_add(h, 1e-3);
	double med = rs_hist_quantile(h, 0.5);
	CHECK(med >= 1e-5 && med <= 1e-3);
	CHECK(rs_hist_min(h) == 1e-5);
	rs_hist_free(h);
}

/* Bin edges: a value exactly on an edge RATIO^i * MIN and its neighbours one
 * ulp away are each reported within 1% (the log index is corrected). */
static void test_bin_edges(void)
{
	rs_hist *h = rs_hist_new();
	CHECK(h);
	if (!h)
		return;
	for (int i = 1; i < 1280; i += 37) {
		double edge = RS_HIST_MIN_MS * pow(RS_HIST_RATIO, i);
		double vs[] = {nextafter(edge, 0), edge, nextafter(edge, INFINITY)};
		for (int j = 0; j < 3; j++) {
			rs_hist_reset(h);
			rs_hist_add(h, 0.0);
			rs_hist_add(h, vs[j]);
			rs_hist_add(h, 1e12);
			CHECK_NEAR(rs_hist_quantile(h, 0.5), vs[j], REL_TOL * vs[j]);
		}
	}
	rs_hist_free(h);
}

/* The bin of a value is the one gsl_histogram_find picks on the documented
 * ranges MIN * RATIO^i: at every edge, one ulp either side of it, at the
 * middle of every bin, and for 1M log-uniform values over 13 decades; below
 * the first edge the first bin, at or above the last the last. */
static size_t gsl_bin(const gsl_histogram *g, double x)
{
	size_t n = gsl_histogram_bins(g), i = 0;
	if (!(x > gsl_histogram_min(g)))
		return 0;
	if (x >= gsl_histogram_max(g))
		return n - 1;
	return gsl_histogram_find(g, x, &i) == 0 ? i : SIZE_MAX;
}

static void test_bin_matches_gsl(void)
{
	rs_hist *h = rs_hist_new();
	size_t n = h ? rs_hist_bins(h) : 0;
	gsl_histogram *g = n ? gsl_histogram_alloc(n) : NULL;
	double *range = malloc((n + 1) * sizeof *range);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	CHECK(h && g && range && r);
	if (!h || !g || !range || !r)
		goto out;
	for (size_t i = 0; i <= n; i++)
		range[i] = RS_HIST_MIN_MS * pow(RS_HIST_RATIO, (double)i);
	gsl_histogram_set_ranges(g, range, n + 1);
	size_t wrong = 0;
	for (size_t i = 0; i <= n; i++) {
		double e = range[i];
		double vs[] = {nextafter(e, 0), e, nextafter(e, INFINITY),
		               i < n ? sqrt(e * range[i + 1]) : 2 * e};
		for (int j = 0; j < 4; j++)
			wrong += rs_hist_bin(h, vs[j]) != gsl_bin(g, vs[j]);
	}
	gsl_rng_set(r, SEED);
	for (int i = 0; i < 1000000; i++) {
		double x = pow(10.0, gsl_ran_flat(r, -4.0, 9.0));
		wrong += rs_hist_bin(h, x) != gsl_bin(g, x);
	}
	double odd[] = {0.0, 1e-300, RS_HIST_MIN_MS, RS_HIST_MAX_MS, 1e300, INFINITY};
	for (size_t j = 0; j < sizeof odd / sizeof odd[0]; j++)
		wrong += rs_hist_bin(h, odd[j]) != gsl_bin(g, odd[j]);
	CHECK_I64(wrong, 0);
out:
	rs_hist_free(h);
	if (g)
		gsl_histogram_free(g);
	free(range);
	if (r)
		gsl_rng_free(r);
}

/* rs_hist_add_each adds one sample to each histogram given, as rs_hist_add
 * would; reset after samples in high bins leaves nothing behind. */
static void test_add_each(void)
{
	rs_hist *a = rs_hist_new(), *b = rs_hist_new(), *c = rs_hist_new();
	CHECK(a && b && c);
	if (!a || !b || !c)
		goto out;
	rs_hist *both[] = {a, b};
	for (int i = 1; i <= 1000; i++) {
		double x = 3.0 * i;
		rs_hist_add_each(both, 2, rs_hist_bin(a, x), x);
		rs_hist_add(c, x);
	}
	for (int p = 0; p <= 100; p++) {
		CHECK(rs_hist_quantile(a, p / 100.0) == rs_hist_quantile(c, p / 100.0));
		CHECK(rs_hist_quantile(b, p / 100.0) == rs_hist_quantile(c, p / 100.0));
	}
	CHECK(rs_hist_mean(a) == rs_hist_mean(c) && rs_hist_mean(b) == rs_hist_mean(c));
	rs_hist_reset(a);
	rs_hist_add(a, 0.5);
	rs_hist_add(a, 0.5);
	CHECK(rs_hist_quantile(a, 0.5) == 0.5);
	CHECK(rs_hist_quantile(a, 0.99) == 0.5);
out:
	rs_hist_free(a);
	rs_hist_free(b);
	rs_hist_free(c);
}

/* rs_hist_add_all is rs_hist_add to each histogram, and returns the bin. */
static void test_add_all(void)
{
	rs_hist *a = rs_hist_new(), *b = rs_hist_new(), *c = rs_hist_new();
	CHECK(a && b && c);
	if (!a || !b || !c)
		goto out;
	rs_hist *both[] = {a, b};
	for (int i = 0; i <= 2000; i++) {
		double x = i == 0 ? 0.0 : 1e-4 * pow(1.013, i);
		CHECK(rs_hist_add_all(both, 2, x) == rs_hist_bin(c, x));
		rs_hist_add(c, x);
	}
	for (int p = 0; p <= 100; p++) {
		CHECK(rs_hist_quantile(a, p / 100.0) == rs_hist_quantile(c, p / 100.0));
		CHECK(rs_hist_quantile(b, p / 100.0) == rs_hist_quantile(c, p / 100.0));
	}
	CHECK(rs_hist_count(a) == rs_hist_count(c) && rs_hist_count(b) == rs_hist_count(c));
	CHECK(rs_hist_mean(a) == rs_hist_mean(c) && rs_hist_mean(b) == rs_hist_mean(c));
	CHECK(rs_hist_min(a) == rs_hist_min(c) && rs_hist_max(b) == rs_hist_max(c));
out:
	rs_hist_free(a);
	rs_hist_free(b);
	rs_hist_free(c);
}

/* rs_hist_quantiles gives rs_hist_quantile of each q, for sets of every
 * size from empty to a few thousand samples (ranks at min, max, ties). */
static void test_quantiles_one_walk(void)
{
	rs_hist *h = rs_hist_new();
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	CHECK(h && r);
	if (!h || !r)
		goto out;
	gsl_rng_set(r, SEED);
	static const double qs[] = {0, 0.001, 0.25, 0.5, 0.5, 0.9, 0.95, 0.99, 0.999, 1};
	const size_t nq = sizeof qs / sizeof qs[0];
	for (int n = 0; n < 3000; n += 1 + n / 8) {
		rs_hist_reset(h);
		for (int i = 0; i < n; i++)
			rs_hist_add(h, (i % 7 == 0) ? 250.0 : gsl_ran_lognormal(r, 6.0, 1.5));
		double out[sizeof qs / sizeof qs[0]];
		rs_hist_quantiles(h, qs, nq, out);
		for (size_t j = 0; j < nq; j++) {
			double want = rs_hist_quantile(h, qs[j]);
			CHECK(out[j] == want || (isnan(out[j]) && isnan(want)));
		}
	}
out:
	rs_hist_free(h);
	gsl_rng_free(r);
}

int main(void)
{
	RUN(test_empty);
	RUN(test_known_ranks);
	RUN(test_bins_fixed);
	RUN(test_lognormal);
	RUN(test_loguniform);
	RUN(test_uniform);
	RUN(test_reset);
	RUN(test_merge);
	RUN(test_edges);
	RUN(test_bin_edges);
	RUN(test_bin_matches_gsl);
	RUN(test_add_each);
	RUN(test_add_all);
	RUN(test_quantiles_one_walk);
	return th_done();
}
