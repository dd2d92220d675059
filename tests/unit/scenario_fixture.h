/*
 * scenario_fixture.h - what the loader's tests share: a minimal valid
 * scenario, text substitution into it, and parsing that must succeed or
 * fail with an exact status and message.  Each case is fed through
 * rs_scenario_parse with the display name "t.json" and the base folder
 * "/base", so that expected messages never depend on where tests run.
 */
#ifndef RATESIM_TESTS_SCENARIO_FIXTURE_H
#define RATESIM_TESTS_SCENARIO_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ratesim/scenario.h"

static const char *const minimal =
    "{\n"
    "  \"name\": \"min\",\n"
    "  \"duration_s\": 600,\n"
    "  \"deployments\": [\n"
    "    { \"name\": \"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\", \"tpm\": 100000 }\n"
    "  ],\n"
    "  \"clients\": [\n"
    "    { \"name\": \"c\", \"target\": \"d\",\n"
    "      \"arrival\": { \"process\": \"poisson\", \"rate_rps\": 2 },\n"
    "      \"prompt_tokens\": 1000, \"output_tokens\": 200 }\n"
    "  ]\n"
    "}\n";

/* `text` with the first `from` replaced by `to` (a static buffer). */
static inline const char *with(const char *text, const char *from, const char *to)
{
	static char buf[8192];
	const char *at = strstr(text, from);
	if (!at) {
		TH_FAIL("test bug: \"%s\" not in the text", from);
		return text;
	}
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return buf;
}

static inline rs_config *parse_ok(const char *text, const char *const *sets, size_t n)
{
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st = rs_scenario_parse("t.json", text, "/base", sets, n, &cfg, &err);
	if (st != RS_OK)
		TH_FAIL("unexpected error %d: %s", (int)st, err.msg);
	return cfg;
}

/* The load fails with `status` and exactly `msg`, and *out stays NULL. */
static inline void parse_fails(const char *text, const char *const *sets, size_t n,
                               rs_status status, const char *msg)
{
	rs_config *cfg = (rs_config *)&cfg; /* not NULL: the loader must clear it */
	rs_error err = {0};
	rs_status st = rs_scenario_parse("t.json", text, "/base", sets, n, &cfg, &err);
	CHECK_I64(st, status);
	CHECK_I64(err.status, status);
	CHECK(cfg == NULL);
	CHECK_STR(err.msg, msg);
	if (st == RS_OK)
		rs_config_free(cfg);
}

static inline void set_fails(const char *set, rs_status status, const char *msg)
{
	const char *sets[] = {set};
	parse_fails(minimal, sets, 1, status, msg);
}

#endif
