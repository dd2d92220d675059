/*
 * numfmt.c - numbers into CSV rows without printf where that is exact
 * (numfmt.h): the time series (output.c) and the request log
 * (reqlog_csv.c) print millions of them, and printf's general machinery
 * was most of their cost.  Each function gives the bytes printf gives
 * ("%" PRIu64, "%.6g"), and leaves to snprintf what it does not prove
 * (tests/unit/test_output.c compares millions of values with printf).
 */
#include "ratesim/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* log10(2) as 1233 / 2^12 (to within 0.01%): a number of bits times it is
 * the decimal logarithm of the largest number of that many bits, rounded
 * down or one above (numbers below 2^64). */
#define LOG10_2_NUM   1233u
#define LOG10_2_SHIFT 12

/* "00" "01" .. "99": two digits of a number per division by 100. */
const char rs_fmt_two_digits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t rs_fmt_u64(char *buf, uint64_t v)
{
	/* the number of digits first, then written from the last, in place:
	 * floor(log10 v) is at most one above bits * log10(2) (1233 / 4096
	 * is log10(2) to 4 digits), one comparison corrects it */
	static const uint64_t pow10[] = {1u,
	                                 10u,
	                                 100u,
	                                 1000u,
	                                 10000u,
	                                 100000u,
	                                 1000000u,
	                                 10000000u,
	                                 100000000u,
	                                 1000000000u,
	                                 10000000000u,
	                                 100000000000u,
	                                 1000000000000u,
	                                 10000000000000u,
	                                 100000000000000u,
	                                 1000000000000000u,
	                                 10000000000000000u,
	                                 100000000000000000u,
	                                 1000000000000000000u,
	                                 10000000000000000000u};
	unsigned bits = 64u - (unsigned)__builtin_clzll(v | 1u);
	unsigned t = bits * LOG10_2_NUM >> LOG10_2_SHIFT;
	size_t n = v ? t - (v < pow10[t]) + 1 : 1;
	char *p = buf + n;
	while (v > UINT32_MAX) { /* the digits of a large number's low part */
		unsigned d = (unsigned)(v % 100) * 2;
		v /= 100;
		*--p = rs_fmt_two_digits[d + 1];
		*--p = rs_fmt_two_digits[d];
	}
	uint32_t w = (uint32_t)v; /* the rest in 32 bits: cheaper divisions */
	while (w >= 100) {
		unsigned d = (w % 100) * 2;
		w /= 100;
		*--p = rs_fmt_two_digits[d + 1];
		*--p = rs_fmt_two_digits[d];
	}
	if (w >= 10) {
		*--p = rs_fmt_two_digits[w * 2 + 1];
		*--p = rs_fmt_two_digits[w * 2];
	} else {
		*--p = (char)('0' + w);
	}
	return n;
}

/* Exact powers of ten as doubles, 10^0 .. 10^9. */
static const double pow10_exact[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

/*
 * rs_fmt_g6 (numfmt.h): the same bytes as snprintf's "%.6g", which
 * does the cases left out here.
 * Why they are the same:
 *   - %g with precision P = 6 prints style f when the exponent X that style
 *     e would give (after rounding to 6 significant digits) has
 *     -4 <= X < 6, with 5 - X decimals, then drops trailing zeros and a
 *     bare point; else style e (left to snprintf).
 *   - An integer below 10^6 has at most 6 digits: its digits, exactly.
 *   - Otherwise for 10^-4 <= |v| < 10^6: X is read by comparing with the
 *     powers of ten (10^0..10^6 are exact doubles; the doubles nearest to
 *     10^-1..10^-4 lie above them, so no double lies between, and
 *     |v| >= 1e-j holds exactly when |v| >= 10^-j).  The 6 significant
 *     digits are |v| 10^(5-X) rounded to an integer N: the product is
 *     exactly hi + lo (hi the rounded product, lo = fma(|v|, 10^k, -hi) its
 *     exact error, |lo| <= ulp(hi) / 2), with hi in [2^16, 2^20], so its
 *     fraction r = hi - floor(hi) is exact and a multiple of ulp(hi): r is
 *     above or below one half by at least ulp(hi) > |lo|, so r alone decides,
 *     except at exactly one half, where the sign of lo does, and lo = 0 is
 *     a true tie, which glibc's printf rounds to even (round to nearest, as
 *     here).  N = 10^6 means X + 1: style e when that is 6 (snprintf).
 */
size_t rs_fmt_g6(char *buf, double v)
{
	double a = fabs(v);
	size_t n = 0;
	if (signbit(v))
		buf[n++] = '-';
	if (a < 1e6 && a == (double)(uint64_t)a) /* an integer, 0 included */
		return n + rs_fmt_u64(buf + n, (uint64_t)a);
	if (!(a >= 1e-4 && a < 1e6))
		return (size_t)snprintf(buf, RS_FMT_G6_MAX, "%.6g", v);
	int x = 5;
	if (a >= 1.0) {
		while (a < pow10_exact[x])
			x--;
	} else {
		static const double neg[] = {1e-1, 1e-2, 1e-3, 1e-4};
		x = -1;
		while (a < neg[-x - 1])
			x--;
	}
	double p = pow10_exact[5 - x];
	double hi = a * p, lo = fma(a, p, -hi);
	double fl = floor(hi), r = hi - fl;
	uint64_t d = (uint64_t)fl;
	if (r > 0.5 || (r == 0.5 && (lo > 0 || (lo == 0 && (d & 1)))))
		d++;
	if (d >= 1000000) { /* rounded up to the next power of ten */
		if (x == 5)
			return (size_t)snprintf(buf, RS_FMT_G6_MAX, "%.6g", v);
		d = 100000;
		x++;
	}
	char dig[6];
	rs_fmt_frac6_at(dig, (uint32_t)d); /* six digits: d in [10^5, 10^6) */
	int last = 5;                      /* the last digit kept: trailing zeros go */
	while (last > 0 && dig[last] == '0')
		last--;
	if (x >= 0) {
		for (int i = 0; i <= x; i++)
			buf[n++] = dig[i];
		if (last > x) {
			buf[n++] = '.';
			for (int i = x + 1; i <= last; i++)
				buf[n++] = dig[i];
		}
	} else {
		buf[n++] = '0';
		buf[n++] = '.';
		for (int i = 0; i < -x - 1; i++)
			buf[n++] = '0';
		for (int i = 0; i <= last; i++)
			buf[n++] = dig[i];
	}
	return n;
}
