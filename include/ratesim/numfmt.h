/*
 * numfmt.h - exact decimal formatting of the numbers in CSV rows, faster
 * than printf and byte for byte the same (numfmt.c).
 */
#ifndef RATESIM_NUMFMT_H
#define RATESIM_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

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

#endif
