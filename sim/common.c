/*
 * common.c - time conversions, error recording and checked allocation.
 */
#include "ratesim/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

rs_status rs_fail(rs_error *err, rs_status status, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
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
