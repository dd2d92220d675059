/*
 * common.h - types shared by every ratesim module.
 *
 * Simulated time is an int64 count of microseconds since the start of the run
 * (MODEL.md section 2); nothing in the core reads the wall clock.  Every
 * fallible function returns an rs_status and, when it fails, writes a message
 * for the person who wrote the scenario into an rs_error that the caller owns.
 * The core never prints and never exits: sim/main.c formats and reports.
 */
#ifndef RATESIM_COMMON_H
#define RATESIM_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATESIM_VERSION "0.1.0"

typedef int64_t rs_time; /* simulated microseconds */

#define RS_US_PER_MS  INT64_C(1000)
#define RS_US_PER_S   INT64_C(1000000)
#define RS_US_PER_MIN (60 * RS_US_PER_S)

/* The largest magnitude rs_round_i64 returns: 2^61 (about 73,000 years of
 * microseconds), so that the sum of three saturated values still fits
 * int64.  Values read from files are the loader's to bound (scenarios/
 * README.md); this keeps the runtime defined when one slips through. */
#define RS_I64_SAT  (INT64_C(1) << 61)
#define RS_TIME_MAX RS_I64_SAT

/* x rounded to the nearest integer, halves away from zero, like llround,
 * but inline (llround is a library call on the hot path), and saturating:
 * beyond +-RS_I64_SAT (infinities included) it is +-RS_I64_SAT, NaN is 0. */
static inline int64_t rs_round_i64(double x)
{
	if (x >= 0)
		return x < (double)RS_I64_SAT ? (int64_t)(x + 0.5) : RS_I64_SAT;
	if (x > -(double)RS_I64_SAT)
		return -(int64_t)(0.5 - x);
	return x == x ? -RS_I64_SAT : 0;
}

/* Seconds (as written in a scenario) to simulated time, rounded to the
 * nearest microsecond, saturating at +-RS_TIME_MAX. */
static inline rs_time rs_time_from_s(double seconds)
{
	return rs_round_i64(seconds * (double)RS_US_PER_S);
}
double rs_time_to_s(rs_time t);
double rs_time_to_ms(rs_time t);
/* Microseconds to whole milliseconds, rounded up: how retry-after-ms is sent. */
int64_t rs_time_ceil_ms(rs_time t);

/* The project-wide error enum.  Exit codes are chosen by main.c. */
typedef enum rs_status {
	RS_OK = 0,
	RS_ERR_SYNTAX,  /* a file is not well-formed (JSON, CSV) */
	RS_ERR_INVALID, /* well-formed, but a value is wrong or missing */
	RS_ERR_IO,      /* a file cannot be read or written */
	RS_ERR_NOMEM,   /* allocation failed */
	RS_ERR_USAGE,   /* command-line misuse (exit 2) */
	RS_ERR_TOOL,    /* an external tool (gnuplot) failed */
} rs_status;

#define RS_ERROR_MAX 1024

/* A message for the user, already prefixed with what it is about
 * (file, file:line:col, or file: .json.path:).  Caller-owned storage. */
typedef struct rs_error {
	rs_status status;
	char msg[RS_ERROR_MAX];
} rs_error;

/* Record an error (printf-style) and return its status, so that callers can
 * write `return rs_fail(err, RS_ERR_INVALID, "...", ...);`.  err may be NULL.
 * Control characters in the result (an echoed value holding a newline) are
 * escaped as \n, \r, \t or \xNN, so a message is always one line. */
rs_status rs_fail(rs_error *err, rs_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copy src to dst (len bytes, NUL-terminated, truncated at a whole escape)
 * with control characters escaped as rs_fail does.  Returns the length. */
size_t rs_escape_ctl(char *dst, size_t len, const char *src);

/* Allocation that reports failure through rs_error instead of aborting. */
void *rs_calloc(size_t n, size_t size);
void *rs_realloc_array(void *p, size_t n, size_t size);

#endif
