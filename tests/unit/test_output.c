/*
 * test_output.c - the CSV files' number formatting (numfmt.h) against
 * printf: rs_fmt_g6 must give snprintf's "%.6g" bytes for every finite
 * double, and rs_fmt_u64 "%" PRIu64's for every uint64, since the time
 * series and the request log must stay byte-identical (issue 13).
 *
 * Values tried: random bit patterns (every exponent), random values of each
 * decade around the style f range [1e-4, 1e6), decimal fractions, halves
 * of a last digit (ties, rounded to even), exact binary fractions, integers,
 * neighbours of the powers of ten, values that round up to the next power
 * of ten, the rates the time series prints (k * 60 / length), and a few
 * named edge cases (signed zeros, 999999.5, 9.999995e-5).
 */
#include "ratesim/numfmt.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define N_RANDOM 1000000

static uint64_t state = 88172645463325252ull;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static long mismatches;

static void check_one(double v)
{
	if (!isfinite(v))
		return;
	char got[RS_FMT_G6_MAX + 1], want[64];
	size_t n = rs_fmt_g6(got, v);
	got[n] = '\0';
	snprintf(want, sizeof want, "%.6g", v);
	if (strcmp(got, want) != 0 && mismatches++ < 10)
		TH_FAIL("%.17g: got %s, want %s", v, got, want);
}

static void test_named(void)
{
	static const double v[] = {
	    0.0,      -0.0,      1e-4,      9.999995e-5, 9.9999949e-5, 0.1,
	    0.01,     0.001,     1.0,       1e6,         999999.5,     999999.49,
	    99999.95, 99999.949, 123456.5,  123457.5,    0.5,          1.5,
	    2.5,      100000.5,  100001.5,  1234.125,    1234.375,     12345.25,
	    60.0,     6e5,       5e-324,    1e308,       -1e308,       2.2250738585072014e-308,
	    0.3,      1.0 / 3.0, 2.0 / 3.0, 1e-5,        123456789.0};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		check_one(v[i]);
		check_one(-v[i]);
	}
	CHECK(mismatches == 0);
}

static void test_random(void)
{
	static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
	for (long i = 0; i < N_RANDOM; i++) {
		uint64_t r = next();
		double v;
		switch (i % 8) {
		case 0: { /* any bit pattern */
			uint64_t bits = next();
			memcpy(&v, &bits, sizeof v);
			break;
		}
		case 1: /* uniform in a decade from 1e-6 to 1e9 */
			v = ldexp((double)(r >> 11), -53) *
			    pow(10, (double)((int)(next() % 16) - 6));
			break;
		case 2: /* decimal fractions */
			v = (double)(r % 2000000) / p10[next() % 10];
			break;
		case 3: /* halves of a last digit */
			v = ((double)(r % 20000000) + 0.5) / p10[next() % 8];
			break;
		case 4: /* exact binary fractions: true ties */
			v = ldexp((double)(r % 4000000), -(int)(next() % 30));
			break;
		case 5: /* integers around 10^6 */
			v = (double)(r % 3000000);
			break;
		case 6: /* the neighbours of a power of ten */
			v = nextafter(p10[r % 7] * (next() % 2 ? 1 : 1e-4), next() % 2 ? 0 : 1e300);
			break;
		default: /* rounding up to the next power of ten */
			v = (999999.5 + (double)(int)(r % 3) - 1) / p10[next() % 10];
			break;
		}
		check_one(next() % 2 ? -v : v);
	}
	CHECK(mismatches == 0);
}

/* What timeseries.csv prints: counts per minute over buckets of any length,
 * and ratios of counts. */
static void test_rates(void)
{
	static const double len_s[] = {1, 7, 10, 30, 60, 300, 0.25, 3.3};
	for (int k = 0; k < 100000; k++) {
		for (size_t j = 0; j < sizeof len_s / sizeof len_s[0]; j++)
			check_one((double)k * (60.0 / len_s[j]));
		check_one((double)k / 123457.0);
		check_one((double)(k % 977) / (double)(k + 1));
	}
	CHECK(mismatches == 0);
}

/* rs_fmt_u64: every length of number, its neighbours at each power of
 * ten, the extremes and random bit patterns of every width. */
static void test_u64(void)
{
	long bad = 0;
	uint64_t p = 1;
	for (int e = 0; e < 20; e++, p *= 10) {
		uint64_t near[] = {p - 1, p, p + 1, p * 2 - 1, p * 9 + 9};
		for (size_t j = 0; j < sizeof near / sizeof near[0]; j++) {
			char got[RS_FMT_U64_MAX + 1], want[32];
			got[rs_fmt_u64(got, near[j])] = '\0';
			snprintf(want, sizeof want, "%" PRIu64, near[j]);
			if (strcmp(got, want) != 0 && bad++ < 10)
				TH_FAIL("%s: got %s", want, got);
		}
	}
	for (int k = 0; k < N_RANDOM; k++) {
		uint64_t v = next() >> (k % 64), w = k == 0 ? UINT64_MAX : v;
		char got[RS_FMT_U64_MAX + 1], want[32];
		got[rs_fmt_u64(got, w)] = '\0';
		snprintf(want, sizeof want, "%" PRIu64, w);
		if (strcmp(got, want) != 0 && bad++ < 10)
			TH_FAIL("%s: got %s", want, got);
	}
	CHECK(bad == 0);
}

int main(void)
{
	RUN(test_u64);
	RUN(test_named);
	RUN(test_random);
	RUN(test_rates);
	return th_done();
}
