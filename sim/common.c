/*
 * common.c - time conversions, error recording and checked allocation.
 */
#include "ratesim/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double rs_time_to_s(rs_time t)
{
	return (double)t / (double)RS_US_PER_S;
}

double rs_time_to_ms(rs_time t)
{
	return (double)t / (double)RS_US_PER_MS;
}

int64_t rs_time_ceil_ms(rs_time t)
{
	if (t <= 0)
		return 0;
	return (t + RS_US_PER_MS - 1) / RS_US_PER_MS;
}

#define CTL_LAST 0x1f /* C0 control characters: 0x00 to 0x1f, and DEL */
#define CTL_DEL  0x7f
#define ESC_MAX  4 /* the longest escape: \xNN */

static bool is_ctl(unsigned char c)
{
	return c <= CTL_LAST || c == CTL_DEL;
}

size_t rs_escape_ctl(char *dst, size_t len, const char *src)
{
	size_t n = 0;
	if (len == 0)
		return 0;
	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;
		char esc[ESC_MAX + 1];
		if (!is_ctl(c)) {
			esc[0] = (char)c;
			esc[1] = '\0';
		} else if (c == '\n' || c == '\r' || c == '\t') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			esc[2] = '\0';
		} else {
			snprintf(esc, sizeof esc, "\\x%02x", c);
		}
		size_t k = strlen(esc);
		if (n + k >= len)
			break;
		memcpy(dst + n, esc, k);
		n += k;
	}
	dst[n] = '\0';
	return n;
}

rs_status rs_fail(rs_error *err, rs_status status, const char *fmt, ...)
{
	if (err) {
		char raw[RS_ERROR_MAX];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(raw, sizeof raw, fmt, ap);
		va_end(ap);
		rs_escape_ctl(err->msg, sizeof err->msg, raw); /* one line, always */
		err->status = status;
	}
	return status;
}

void *rs_calloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

void *rs_realloc_array(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	return realloc(p, bytes ? bytes : 1);
}
