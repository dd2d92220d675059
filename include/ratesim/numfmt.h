/*
 * numfmt.h - exact decimal formatting of the numbers in CSV rows, faster
 * than printf and byte for byte the same (numfmt.c).
 */
#ifndef RATESIM_NUMFMT_H
#define RATESIM_NUMFMT_H

#include "ratesim/common.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Room for any uint64 in decimal (20 digits), with some to spare. */
#define RS_FMT_U64_MAX 24
/* Room for any "%.6g" of a double (e.g. "-1.23457e-308": 13 bytes). */
#define RS_FMT_G6_MAX 32

/* printf's "%" PRIu64 of v, into buf (at least RS_FMT_U64_MAX bytes; no
 * NUL); returns the length. */
size_t rs_fmt_u64(char *buf, uint64_t v);

/* printf's "%.6g" of a finite v, into buf (at least RS_FMT_G6_MAX bytes; no
 * NUL), without printf where that gives the same bytes; returns the
 * length. */
size_t rs_fmt_g6(char *buf, double v);

/* "00" "01" .. "99": the two digits of n at rs_fmt_two_digits + 2 n. */
extern const char rs_fmt_two_digits[];

/* The inline forms for a writer that keeps a cursor (the request log:
 * millions of rows, mostly small numbers).  Each writes at p and returns
 * the end; no NUL. */

/* rs_fmt_u64 of v, with up to four digits done here. */
static inline char *rs_fmt_u64_at(char *p, uint64_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	if (v < 100) {
		memcpy(p, rs_fmt_two_digits + 2 * v, 2);
		return p + 2;
	}
	if (v < 1000) {
		*p = (char)('0' + v / 100);
		memcpy(p + 1, rs_fmt_two_digits + 2 * (v % 100), 2);
		return p + 3;
	}
	if (v < 10000) {
		memcpy(p, rs_fmt_two_digits + 2 * (v / 100), 2);
		memcpy(p + 2, rs_fmt_two_digits + 2 * (v % 100), 2);
		return p + 4;
	}
	return p + rs_fmt_u64(p, v);
}

/* The three decimals of a number of thousandths: f % 1000 as "%03u". */
static inline char *rs_fmt_frac3_at(char *p, uint32_t f)
{
	*p = (char)('0' + f / 100);
	memcpy(p + 1, rs_fmt_two_digits + 2 * (f % 100), 2);
	return p + 3;
}

/* The six decimals of a number of millionths: f < 10^6 as "%06u". */
static inline char *rs_fmt_frac6_at(char *p, uint32_t f)
{
	memcpy(p, rs_fmt_two_digits + 2 * (f / 10000), 2);
	memcpy(p + 2, rs_fmt_two_digits + 2 * (f / 100 % 100), 2);
	memcpy(p + 4, rs_fmt_two_digits + 2 * (f % 100), 2);
	return p + 6;
}

/* Microseconds as seconds with six decimals, exactly ("%.6f" of
 * us / 10^6): the request log's times, and the time series' before their
 * trailing zeros go (output.c). */
static inline char *rs_fmt_seconds_at(char *p, rs_time us)
{
	uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	if (us < 0)
		*p++ = '-';
	p = rs_fmt_u64_at(p, mag / (uint64_t)RS_US_PER_S);
	*p++ = '.';
	return rs_fmt_frac6_at(p, (uint32_t)(mag % (uint64_t)RS_US_PER_S));
}

#endif
