/*
 * fuzz_common.h - shared by the libFuzzer harnesses under tests/fuzz/.
 *
 * An input for the scenario harnesses is the scenario's JSON text,
 * optionally followed by a line "#--set" and then one PATH=VALUE override
 * a line (at most FUZZ_MAX_SETS), as `ratesim --set` would pass them.
 * Every harness also checks the rs_error contract: a failure has a status
 * and a message of one line (no control character), else it traps.
 */
#ifndef RATESIM_FUZZ_COMMON_H
#define RATESIM_FUZZ_COMMON_H

#include "ratesim/common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_SETS  8
#define FUZZ_SET_MARK  "\n#--set\n"
#define FUZZ_MAX_INPUT (1 << 20)

typedef struct fuzz_input {
	char *text;                      /* the JSON text, NUL-terminated (owned) */
	const char *sets[FUZZ_MAX_SETS]; /* point into text */
	size_t n_sets;
} fuzz_input;

/* Split data into the scenario text and its overrides.  false: too big or
 * out of memory (the input is skipped). */
static inline bool fuzz_split(const uint8_t *data, size_t size, fuzz_input *in)
{
	memset(in, 0, sizeof *in);
	if (size > FUZZ_MAX_INPUT)
		return false;
	in->text = malloc(size + 1);
	if (!in->text)
		return false;
	memcpy(in->text, data, size);
	in->text[size] = '\0';
	char *mark = strstr(in->text, FUZZ_SET_MARK);
	if (!mark)
		return true;
	*mark = '\0';
	char *p = mark + strlen(FUZZ_SET_MARK);
	while (*p && in->n_sets < FUZZ_MAX_SETS) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		in->sets[in->n_sets++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	return true;
}

/* A failure must have a status and a one-line message. */
static inline void fuzz_check_error(rs_status st, const rs_error *err)
{
	if (st == RS_OK)
		return;
	if (err->status != st || err->msg[0] == '\0')
		__builtin_trap();
	for (const char *c = err->msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			__builtin_trap();
}

#endif
