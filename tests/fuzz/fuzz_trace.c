/*
 * fuzz_trace.c - libFuzzer harness of one trace reader (rs_trace_load).
 * Built once per format with -DFUZZ_TRACE_FORMAT=RS_TRACE_AZURE (and
 * BURSTGPT, MOONCAKE); the first input byte picks the zero-rows setting and
 * a model filter, the rest is the file, written to a temporary file (the
 * reader takes a path).  Checks the invariants trace.h promises.
 */
#include "fuzz_common.h"
#include "ratesim/trace.h"

#include <stdio.h>
#include <unistd.h>

#ifndef FUZZ_TRACE_FORMAT
#define FUZZ_TRACE_FORMAT RS_TRACE_AUTO
#endif
#define FUZZ_BIT_KEEP   1
#define FUZZ_BIT_FILTER 2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/ratesim-fuzz-trace-%ld", (long)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	rs_trace_cfg cfg = {
	    .path = path,
	    .format = FUZZ_TRACE_FORMAT,
	    .zero_rows = data[0] & FUZZ_BIT_KEEP ? RS_ZERO_ROWS_KEEP : RS_ZERO_ROWS_SKIP,
	    .model_filter = data[0] & FUZZ_BIT_FILTER ? (char *)"ChatGPT" : NULL,
	};
	rs_trace *t = NULL;
	rs_error err = {0};
	rs_status st = rs_trace_load(&cfg, &t, &err);
	fuzz_check_error(st, &err);
	if (st == RS_OK) {
		if (!t || t->n < 1 || t->t[0] != 0 || t->span != t->t[t->n - 1])
			__builtin_trap();
		for (size_t i = 0; i < t->n; i++)
			if ((i && t->t[i] < t->t[i - 1]) || t->prompt[i] < 0 || t->output[i] < 0)
				__builtin_trap();
	}
	rs_trace_free(t);
	unlink(path);
	return 0;
}
