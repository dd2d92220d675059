/*
 * test_scenario.c - the scenario loader: parsed values, defaults, and the
 * exact message of every kind of error a scenario author can make.
 *
 * Each case is a small JSON text fed through rs_scenario_parse (display name
 * "t.json", base folder "/base"), often a minimal valid scenario with one
 * change made by text substitution or by a --set override.  Model figures
 * that a message depends on are set in the scenario's own "models" object,
 * so that the expected messages do not move when the built-in table does.
 * The retry family, presets, routers, faults, the network matrix, pricing
 * and the onoff / closed / daily arrivals are checked the same way: every
 * parsed value and default, and the exact message of each error; the daily
 * expansion against rates worked out by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ratesim/models.h"
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
static const char *with(const char *text, const char *from, const char *to)
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

static rs_config *parse_ok(const char *text, const char *const *sets, size_t n)
{
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st = rs_scenario_parse("t.json", text, "/base", sets, n, &cfg, &err);
	if (st != RS_OK)
		TH_FAIL("unexpected error %d: %s", (int)st, err.msg);
	return cfg;
}

/* The load fails with `status` and exactly `msg`, and *out stays NULL. */
static void parse_fails(const char *text, const char *const *sets, size_t n, rs_status status,
                        const char *msg)
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

static void set_fails(const char *set, rs_status status, const char *msg)
{
	const char *sets[] = {set};
	parse_fails(minimal, sets, 1, status, msg);
}

static void test_minimal_values_and_defaults(void)
{
	rs_config *cfg = parse_ok(minimal, NULL, 0);
	if (!cfg)
		return;
	size_t nb;
	rs_models_builtin(&nb);
	CHECK_STR(cfg->path, "t.json");
	CHECK_STR(cfg->name, "min");
	CHECK_STR(cfg->description, "");
	CHECK_I64(cfg->seed, RS_DEFAULT_SEED);
	CHECK_NEAR(cfg->duration_s, 600, 0);
	CHECK_NEAR(cfg->warmup_s, 0, 0);
	CHECK_NEAR(cfg->bucket_s, 2, 0); /* picked: 600 s in at most 500 buckets */
	CHECK(cfg->strict_sizes);
	CHECK_I64(cfg->n_models, nb);
	CHECK_I64(cfg->n_quotas, 0);
	CHECK(cfg->quotas == NULL);

	CHECK_I64(cfg->n_deployments, 1);
	const rs_deployment_cfg *d = &cfg->deployments[0];
	CHECK_STR(d->name, "d");
	CHECK_STR(d->region, "eastus");
	CHECK_STR(d->subscription, "default");
	CHECK_I64(d->model, rs_models_find(cfg->models, cfg->n_models, "gpt-4o"));
	CHECK(d->model >= 0);
	CHECK_I64(d->kind, RS_KIND_STANDARD);
	CHECK_I64(d->tpm, 100000);
	CHECK_I64(d->tpm_window, RS_WINDOW_SLIDING);
	CHECK_I64(d->rpm_window, RS_WINDOW_SLIDING);
	CHECK_I64(d->rpm_window_s, 10);
	CHECK(!d->count_refused);
	CHECK_NEAR(d->prompt_estimate_factor, 1.0, 0);
	CHECK_I64(d->ptu, 0);
	CHECK(d->spillover_to == NULL);
	CHECK_I64(d->spillover_index, -1);
	CHECK_NEAR(d->rtt_ms, -1, 0);

	CHECK_I64(cfg->n_clients, 1);
	const rs_client_cfg *c = &cfg->clients[0];
	CHECK_STR(c->name, "c");
	CHECK_STR(c->target, "d");
	CHECK_I64(c->target_index, 0);
	CHECK_I64(c->arrival.process, RS_ARRIVAL_POISSON);
	CHECK_I64(c->arrival.n_schedule, 1);
	CHECK_NEAR(c->arrival.schedule[0].at_s, 0, 0);
	CHECK_NEAR(c->arrival.schedule[0].rate_rps, 2, 0);
	CHECK(!c->arrival.schedule[0].ramp);
	CHECK_NEAR(c->arrival.speedup, 1, 0);
	CHECK(!c->arrival.loop);
	CHECK_I64(c->prompt_tokens.kind, RS_DIST_FIXED);
	CHECK_NEAR(c->prompt_tokens.value, 1000, 0);
	CHECK_I64(c->output_tokens.kind, RS_DIST_FIXED);
	CHECK_NEAR(c->output_tokens.value, 200, 0);
	CHECK_I64(c->max_tokens.policy, RS_MAXTOK_ABSENT);
	CHECK_I64(c->best_of, 1);
	CHECK_NEAR(c->cached_fraction, 0, 0);
	CHECK_I64(c->retry.policy, RS_RETRY_NONE);
	CHECK_NEAR(c->rtt_ms, -1, 0);
	rs_config_free(cfg);
}

/* Without bucket_s, the first round width that gives at most 500 buckets. */
static void test_auto_bucket(void)
{
	static const struct {
		const char *duration;
		double bucket_s;
	} cases[] = {
	    {"duration_s=10", 1},        {"duration_s=500", 1},          {"duration_s=501", 2},
	    {"duration_s=900", 2},       {"duration_s=3600", 10},        {"duration_s=86400", 300},
	    {"duration_s=604800", 1800}, {"duration_s=34560000", 86400},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *sets[] = {cases[i].duration};
		rs_config *cfg = parse_ok(minimal, sets, 1);
		if (!cfg)
			continue;
		if (cfg->bucket_s != cases[i].bucket_s)
			TH_FAIL("%s: bucket_s %g, want %g", cases[i].duration, cfg->bucket_s,
			        cases[i].bucket_s);
		/* the effective scenario holds it, so that a replay keeps it */
		CHECK(strstr(cfg->effective_json, "\"bucket_s\":") != NULL);
		rs_config_free(cfg);
	}
	/* a bucket_s written stands */
	const char *set[] = {"bucket_s=7"};
	rs_config *cfg = parse_ok(minimal, set, 1);
	if (cfg)
		CHECK_NEAR(cfg->bucket_s, 7, 0);
	rs_config_free(cfg);
}

/* --set may create an object the file lacks when its keys have defaults. */
static void test_set_creates_defaulted_objects(void)
{
	const char *sets[] = {"pricing.ptu_billing=monthly", "clients[0].retry.policy=fixed",
	                      "limits.max_output_mb=100"};
	rs_config *cfg = parse_ok(minimal, sets, 3);
	if (!cfg)
		return;
	CHECK_I64(cfg->pricing.ptu_billing, RS_PTU_MONTHLY);
	CHECK_I64(cfg->clients[0].retry.policy, RS_RETRY_FIXED);
	CHECK_NEAR(cfg->max_output_mb, 100, 0);
	rs_config_free(cfg);
	/* not an object with defaults: still an error */
	set_fails("network.rtt_ms.x=1", RS_ERR_USAGE,
	          "--set network.rtt_ms.x=1: .network: no such key");
}

/* A trace path in the file is relative to the file's folder; one given with
 * --set to the current folder, as written. */
static void test_trace_path_rule(void)
{
	/* in the file: against the folder ("/base") */
	char text[4096];
	snprintf(text, sizeof text, "%s",
	         with(minimal, "\"output_tokens\": 200",
	              "\"output_tokens\": { \"dist\": \"empirical\", \"file\": \"f.csv\" }"));
	rs_config *cfg = parse_ok(text, NULL, 0);
	if (cfg) {
		CHECK_STR(cfg->clients[0].output_tokens.trace.path, "/base/f.csv");
		rs_config_free(cfg);
	}
	/* with --set, a value or a whole object: as given */
	const char *one[] = {"clients[0].output_tokens.file=set.csv"};
	cfg = parse_ok(text, one, 1);
	if (cfg) {
		CHECK_STR(cfg->clients[0].output_tokens.trace.path, "set.csv");
		rs_config_free(cfg);
	}
	const char *obj[] = {"clients[0].arrival={\"process\":\"trace\",\"file\":\"here.csv\"}"};
	cfg = parse_ok(minimal, obj, 1);
	if (cfg) {
		CHECK_STR(cfg->clients[0].arrival.trace.path, "here.csv");
		rs_config_free(cfg);
	}
}

static void test_every_client_field(void)
{
	const char *text =
	    "{ \"name\": \"full\", \"description\": \"all of it\", \"seed\": 9,\n"
	    "  \"duration_s\": 100, \"warmup_s\": 10, \"bucket_s\": 5,\n"
	    "  \"comment\": \"hi\",\n"
	    "  \"$schema\": \"./schema.json\",\n"
	    "  \"deployments\": [ { \"name\": \"d\", \"region\": \"r\",\n"
	    "    \"model\": \"gpt-4o\",\n"
	    "    \"kind\": \"global_standard\", \"tpm\": 1000, \"tpm_window\": \"fixed\",\n"
	    "    \"rpm_window\": \"fixed\", \"rpm_window_s\": 1, \"count_refused\": true,\n"
	    "    \"prompt_estimate_factor\": 1.25, \"rtt_ms\": 40 } ],\n"
	    "  \"clients\": [ { \"name\": \"c\", \"target\": \"d\", \"rtt_ms\": 7,\n"
	    "    \"arrival\": { \"process\": \"constant\", \"schedule\": [\n"
	    "      { \"at_s\": 0, \"rate_rps\": 1, \"comment\": \"steady\" },\n"
	    "      { \"at_s\": 30, \"rate_rps\": 2, \"ramp\": true } ] },\n"
	    "    \"prompt_tokens\": { \"dist\": \"uniform\", \"min\": 10, \"max\": 20 },\n"
	    "    \"output_tokens\": { \"dist\": \"lognormal\", \"median\": 50,\n"
	    "      \"sigma\": 0.5 },\n"
	    "    \"max_tokens\": { \"policy\": \"fixed\", \"value\": 300 },\n"
	    "    \"best_of\": 2, \"cached_fraction\": 0.25,\n"
	    "    \"retry\": { \"policy\": \"fixed\" } } ] }";
	rs_config *cfg = parse_ok(text, NULL, 0);
	if (!cfg)
		return;
	CHECK_STR(cfg->description, "all of it");
	CHECK_I64(cfg->seed, 9);
	CHECK_NEAR(cfg->warmup_s, 10, 0);
	CHECK_NEAR(cfg->bucket_s, 5, 0);
	const rs_deployment_cfg *d = &cfg->deployments[0];
	CHECK_I64(d->kind, RS_KIND_GLOBAL_STANDARD);
	CHECK_I64(d->tpm_window, RS_WINDOW_FIXED);
	CHECK_I64(d->rpm_window, RS_WINDOW_FIXED);
	CHECK_I64(d->rpm_window_s, 1);
	CHECK(d->count_refused);
	CHECK_NEAR(d->prompt_estimate_factor, 1.25, 0);
	CHECK_NEAR(d->rtt_ms, 40, 0);
	const rs_client_cfg *c = &cfg->clients[0];
	CHECK_I64(c->arrival.process, RS_ARRIVAL_CONSTANT);
	CHECK_I64(c->arrival.n_schedule, 2);
	CHECK_NEAR(c->arrival.schedule[1].at_s, 30, 0);
	CHECK_NEAR(c->arrival.schedule[1].rate_rps, 2, 0);
	CHECK(c->arrival.schedule[1].ramp);
	CHECK_I64(c->prompt_tokens.kind, RS_DIST_UNIFORM);
	CHECK_NEAR(c->prompt_tokens.min, 10, 0);
	CHECK_NEAR(c->prompt_tokens.max, 20, 0);
	CHECK_I64(c->output_tokens.kind, RS_DIST_LOGNORMAL);
	CHECK_NEAR(c->output_tokens.median, 50, 0);
	CHECK_NEAR(c->output_tokens.sigma, 0.5, 0);
	CHECK_I64(c->max_tokens.policy, RS_MAXTOK_FIXED);
	CHECK_I64(c->max_tokens.value, 300);
	CHECK_I64(c->best_of, 2);
	CHECK_NEAR(c->cached_fraction, 0.25, 0);
	CHECK_I64(c->retry.policy, RS_RETRY_FIXED);
	CHECK_I64(c->retry.max_retries, 3); /* the fixed policy's defaults */
	CHECK_NEAR(c->retry.delay_s, 1, 0);
	CHECK_I64(c->retry.retry_after, RS_RETRY_AFTER_HONOUR);
	CHECK_NEAR(c->rtt_ms, 7, 0);
	rs_config_free(cfg);
}

static void test_trace_arrival(void)
{
	const char *text =
	    with(minimal,
	         "\"arrival\": { \"process\": \"poisson\", \"rate_rps\": 2 },\n"
	         "      \"prompt_tokens\": 1000, \"output_tokens\": 200",
	         "\"arrival\": { \"process\": \"trace\", \"file\": \"traces/a.csv\",\n"
	         "        \"format\": \"burstgpt\", \"speedup\": 2, \"loop\": true,\n"
	         "        \"zero_rows\": \"keep\", \"model\": \"ChatGPT\" },\n"
	         "      \"output_tokens\": { \"dist\": \"empirical\",\n"
	         "        \"file\": \"/abs/b.csv\" }");
	rs_config *cfg = parse_ok(text, NULL, 0);
	if (!cfg)
		return;
	const rs_client_cfg *c = &cfg->clients[0];
	CHECK_I64(c->arrival.process, RS_ARRIVAL_TRACE);
	CHECK_STR(c->arrival.trace.path, "/base/traces/a.csv");
	CHECK_I64(c->arrival.trace.format, RS_TRACE_BURSTGPT);
	CHECK_I64(c->arrival.trace.zero_rows, RS_ZERO_ROWS_KEEP);
	CHECK_STR(c->arrival.trace.model_filter, "ChatGPT");
	CHECK_NEAR(c->arrival.speedup, 2, 0);
	CHECK(c->arrival.loop);
	CHECK_I64(c->arrival.n_schedule, 0);
	CHECK_I64(c->prompt_tokens.kind, RS_DIST_TRACE); /* the trace's own, by default */
	CHECK_I64(c->output_tokens.kind, RS_DIST_EMPIRICAL);
	CHECK_STR(c->output_tokens.trace.path, "/abs/b.csv"); /* absolute: as written */
	CHECK_I64(c->output_tokens.trace.format, RS_TRACE_AUTO);
	CHECK_I64(c->output_tokens.trace.zero_rows, RS_ZERO_ROWS_SKIP);
	CHECK(c->output_tokens.trace.model_filter == NULL);
	rs_config_free(cfg);

	/* file on a poisson arrival */
	set_fails("clients[0].arrival.file=x.csv", RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.file: not used when process is \"poisson\"; "
	          "only a trace arrival reads a file");
}

static void test_syntax_errors(void)
{
	parse_fails("{\n  \"name\": \"x\"\n  \"duration_s\": 5\n}\n", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:3:3: invalid JSON: expected ',' or '}'");
	parse_fails("{\"name\": \"x\",}", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:14: invalid JSON: expected a key in double quotes "
	            "(JSON allows no comma before '}')");
	parse_fails(
	    "{\"a\": [1, 2,]}", NULL, 0, RS_ERR_SYNTAX,
	    "t.json:1:13: invalid JSON: expected a value (JSON allows no comma before ']')");
	parse_fails("{\"a\": [1 2]}", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:10: invalid JSON: expected ',' or ']'");
	parse_fails("{\"name\" \"x\"}", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:9: invalid JSON: expected ':'");
	parse_fails("{\n\tname: 1}", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:2:2: invalid JSON: expected a key in double quotes or '}'");
	parse_fails("{\"a\": tru}", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:7: invalid JSON: expected a value");
	parse_fails("{\"name\": ", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:10: invalid JSON: unexpected end of file");
	parse_fails("", NULL, 0, RS_ERR_SYNTAX, "t.json:1:1: invalid JSON: unexpected end of file");
	parse_fails("{\"name\": \"abc", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:10: invalid JSON: expected a closing '\"' for the string that starts "
	            "here");
	parse_fails("{\"a\": \"x\\q\"}", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:9: invalid JSON: expected a valid escape after '\\'");
	parse_fails("{} x", NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:4: invalid JSON: expected the end of the file after the top-level "
	            "value");
	/* cJSON's nesting limit: the '{' and 999 '[' are 1000 levels */
	static char deep[1300];
	snprintf(deep, sizeof deep, "{\"a\": %.1200s", "");
	size_t len = strlen(deep);
	memset(deep + len, '[', 1200);
	deep[len + 1200] = '\0';
	parse_fails(deep, NULL, 0, RS_ERR_SYNTAX,
	            "t.json:1:1006: invalid JSON: expected at most 1000 levels of nesting");
	parse_fails("[1]", NULL, 0, RS_ERR_INVALID,
	            "t.json: must be a JSON object at the top level (got an array)");
}

static void test_types_and_ranges(void)
{
	set_fails("duration_s=ten", RS_ERR_INVALID,
	          "t.json: .duration_s: must be a number (got string \"ten\")");
	set_fails("duration_s=-3", RS_ERR_INVALID, "t.json: .duration_s: must be > 0 (got -3)");
	set_fails("clients[0].arrival.rate_rps=-3", RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.rate_rps: must be >= 0 (got -3)");
	set_fails("deployments[0].tpm=2.5", RS_ERR_INVALID,
	          "t.json: .deployments[0].tpm: must be a whole number (got 2.5)");
	set_fails("seed=1.5", RS_ERR_INVALID, "t.json: .seed: must be a whole number (got 1.5)");
	set_fails("warmup_s=600", RS_ERR_INVALID,
	          "t.json: .warmup_s: must be < duration_s (600) (got 600)");
	set_fails("strict_sizes=1", RS_ERR_INVALID,
	          "t.json: .strict_sizes: must be true or false (got number 1)");
	set_fails("clients[0].cached_fraction=1.5", RS_ERR_INVALID,
	          "t.json: .clients[0].cached_fraction: must be between 0 and 1 (got 1.5)");
	set_fails("clients[0].best_of=0", RS_ERR_INVALID,
	          "t.json: .clients[0].best_of: must be >= 1 (got 0)");
	set_fails("deployments[0].rpm_window_s=5", RS_ERR_INVALID,
	          "t.json: .deployments[0].rpm_window_s: must be 1 or 10 (got 5)");
	set_fails("deployments[0].tpm_window=slidng", RS_ERR_INVALID,
	          "t.json: .deployments[0].tpm_window: must be one of: sliding, fixed "
	          "(got string \"slidng\")");
	set_fails("deployments[0].kind=ptu", RS_ERR_INVALID,
	          "t.json: .deployments[0].kind: must be one of: standard, global_standard, "
	          "data_zone_standard, provisioned, global_provisioned, data_zone_provisioned "
	          "(got string \"ptu\")");
	set_fails(
	    "clients[0].prompt_tokens=[1]", RS_ERR_INVALID,
	    "t.json: .clients[0].prompt_tokens: must be a number or an object (got an array)");
	set_fails("clients[0].output_tokens={\"dist\":\"uniform\",\"min\":20,\"max\":10}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].output_tokens.max: must be >= min (20) (got 10)");
	set_fails("name=\"\"", RS_ERR_INVALID, "t.json: .name: must not be empty");
	set_fails("clients=[]", RS_ERR_INVALID, "t.json: .clients: needs at least one client");
	set_fails("comment=5", RS_ERR_INVALID, "t.json: .comment: must be a string (got number 5)");
}

static void test_keys(void)
{
	parse_fails(with(minimal, "\"arrival\"", "\"arival\""), NULL, 0, RS_ERR_INVALID,
	            "t.json: .clients[0].arival: unknown key; did you mean \"arrival\"?");
	parse_fails(
	    with(minimal, "\"name\": \"min\",", "\"name\": \"min\", \"zzzzzzz\": 1,"), NULL, 0,
	    RS_ERR_INVALID,
	    "t.json: .zzzzzzz: unknown key (expected one of: name, description, seed, "
	    "duration_s, warmup_s, bucket_s, strict_sizes, strict_availability, models, quotas, "
	    "deployments, "
	    "clients, routers, faults, outages, windows, compute, alerts, global_batch, network, "
	    "pricing, limits, provenance, sweep, variants)");
	parse_fails(with(minimal, "\"name\": \"c\",", "\"name\": \"c\", \"name\": \"e\","), NULL, 0,
	            RS_ERR_INVALID, "t.json: .clients[0].name: duplicate key");
	parse_fails(with(minimal, "\"target\": \"d\",", ""), NULL, 0, RS_ERR_INVALID,
	            "t.json: .clients[0].target: required key is missing");
	parse_fails(with(minimal, "\"duration_s\": 600,", ""), NULL, 0, RS_ERR_INVALID,
	            "t.json: .duration_s: required key is missing");
	parse_fails(with(minimal, "\"output_tokens\": 200", "\"best_of\": 1"), NULL, 0,
	            RS_ERR_INVALID, "t.json: .clients[0].output_tokens: required key is missing");
	/* the suggestion threshold: distance <= max(2, len / 3) */
	set_fails("clients[0].bst_o=1", RS_ERR_INVALID, /* 2 */
	          "t.json: .clients[0].bst_o: unknown key; did you mean \"best_of\"?");
	set_fails("clients[0].rtt=1", RS_ERR_INVALID, /* 3 > max(2, 1) */
	          "t.json: .clients[0].rtt: unknown key (expected one of: name, target, arrival, "
	          "workload, "
	          "prompt_tokens, output_tokens, max_tokens, best_of, cached_fraction, images, "
	          "pipeline, retry, rate_limit, concurrency, breaker, wait_or_spill, hedge, "
	          "remaining_quota, network_jitter_ms, rtt_ms, region, priority)");
	set_fails("deployments[0].promt_estimat_fctr=1", RS_ERR_INVALID, /* 3 <= 18 / 3 */
	          "t.json: .deployments[0].promt_estimat_fctr: unknown key; did you mean "
	          "\"prompt_estimate_factor\"?");
	/* a key of the other variant */
	set_fails("deployments[0].ptu=50", RS_ERR_INVALID,
	          "t.json: .deployments[0].ptu: not used when kind is \"standard\"; "
	          "a standard-family deployment is sized in \"tpm\"");
	set_fails("clients[0].max_tokens={\"policy\":\"fixed\"}", RS_ERR_INVALID,
	          "t.json: .clients[0].max_tokens.value: required key is missing");
	/* a misspelt key added by --set is an unknown key like any other */
	set_fails("clients[0].best_off=5", RS_ERR_INVALID,
	          "t.json: .clients[0].best_off: unknown key; did you mean \"best_of\"?");
}

static void test_names(void)
{
	set_fails("clients[0].target=x", RS_ERR_INVALID,
	          "t.json: .clients[0].target: no deployment or router named \"x\" "
	          "(deployments: d)");
	/* the list names every model of the table, in table order */
	size_t nb;
	const rs_model *models = rs_models_builtin(&nb);
	char want[RS_ERROR_MAX];
	int len = snprintf(want, sizeof want,
	                   "t.json: .deployments[0].model: no model named \"gpt-9\" (models: ");
	for (size_t i = 0; i < nb; i++)
		len += snprintf(want + len, sizeof want - (size_t)len, "%s%s", i ? ", " : "",
		                models[i].name);
	snprintf(want + len, sizeof want - (size_t)len, ")");
	set_fails("deployments[0].model=gpt-9", RS_ERR_INVALID, want);
	set_fails("clients[1]={}", RS_ERR_USAGE,
	          "--set clients[1]={}: .clients[1]: no such element (.clients has 1 element)");
}

/* Two deployments in one pool; `quotas` and `models` spliced in. */
static const char *pool_text(const char *extra)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
	         "{ \"name\": \"pool\", \"duration_s\": 60, %s\n"
	         "  \"deployments\": [\n"
	         "    { \"name\": \"a\", \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	         "\"tpm\": 300000 },\n"
	         "    { \"name\": \"b\", \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	         "\"tpm\": 200000 } ],\n"
	         "  \"clients\": [ { \"name\": \"c\", \"target\": \"a\",\n"
	         "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 1 },\n"
	         "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ] }",
	         extra);
	return buf;
}

static void test_quota_pools(void)
{
	const char *msg = "t.json: .deployments: quota pool (subscription \"default\", "
	                  "region \"eastus\", model \"gpt-4o\", kind standard) holds 450000 TPM "
	                  "but its deployments take 500000 (a 300000, b 200000)";
	/* declared */
	parse_fails(pool_text("\"quotas\": [ { \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	                      "\"tpm\": 450000 } ],"),
	            NULL, 0, RS_ERR_INVALID, msg);
	/* undeclared: the model's quota_tpm_default */
	parse_fails(pool_text("\"models\": { \"gpt-4o\": { \"quota_tpm_default\": 450000 } },"),
	            NULL, 0, RS_ERR_INVALID, msg);
	/* enough room: fits exactly */
	rs_config *cfg = parse_ok(pool_text("\"quotas\": [ { \"region\": \"eastus\", "
	                                    "\"model\": \"gpt-4o\", \"tpm\": 500000 } ],"),
	                          NULL, 0);
	if (cfg) {
		CHECK_I64(cfg->n_quotas, 1);
		CHECK_STR(cfg->quotas[0].subscription, "default");
		CHECK_STR(cfg->quotas[0].model, "gpt-4o");
		CHECK_I64(cfg->quotas[0].kind, RS_KIND_STANDARD);
		CHECK_I64(cfg->quotas[0].tpm, 500000);
		rs_config_free(cfg);
	}
	/* another subscription is another pool */
	const char *sets[] = {"deployments[1].subscription=other",
	                      "models={\"gpt-4o\": {\"quota_tpm_default\": 300000}}"};
	cfg = parse_ok(pool_text(""), sets, 2);
	rs_config_free(cfg);
	/* the same pool twice */
	parse_fails(pool_text("\"quotas\": [ { \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	                      "\"tpm\": 1000000 }, { \"region\": \"eastus\", \"model\": "
	                      "\"gpt-4o\", \"subscription\": \"default\", \"tpm\": 5 } ],"),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .quotas[1]: declares the same pool as .quotas[0] (subscription "
	            "\"default\", region \"eastus\", model \"gpt-4o\", kind standard)");
	parse_fails(pool_text("\"quotas\": [ { \"region\": \"eastus\", \"kind\": "
	                      "\"provisioned\", \"model\": \"gpt-4o\", \"ptu\": 100 } ],"),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .quotas[0].model: not used when kind is \"provisioned\"; "
	            "PTU quota is model-independent");
}

/* Provisioned deployments with gpt-4o's sizes pinned to 50 / 50 regional. */
static const char *ptu_text(const char *top, const char *deployments)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
	         "{ \"name\": \"ptu\", \"duration_s\": 60, %s\n"
	         "  \"models\": { \"gpt-4o\": { \"ptu_min_regional\": 50, "
	         "\"ptu_inc_regional\": 50 },\n"
	         "              \"no-ptu\": { \"base\": \"gpt-4o\", \"ptu_min_regional\": 0 } },\n"
	         "  \"deployments\": [ %s ],\n"
	         "  \"clients\": [ { \"name\": \"c\", \"target\": \"p\",\n"
	         "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 1 },\n"
	         "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ] }",
	         top, deployments);
	return buf;
}

static void test_ptu(void)
{
	const char *p60 = "{ \"name\": \"p\", \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	                  "\"kind\": \"provisioned\", \"ptu\": 60 }";
	parse_fails(ptu_text("", p60), NULL, 0, RS_ERR_INVALID,
	            "t.json: .deployments[0].ptu: gpt-4o provisioned deployments take at least 50 "
	            "PTU in steps of 50 (got 60); set \"strict_sizes\": false to allow it");
	rs_config *cfg = parse_ok(ptu_text("\"strict_sizes\": false,", p60), NULL, 0);
	if (cfg) {
		const rs_deployment_cfg *d = &cfg->deployments[0];
		CHECK(!cfg->strict_sizes);
		CHECK_I64(d->kind, RS_KIND_PROVISIONED);
		CHECK_I64(d->ptu, 60);
		CHECK_I64(d->tpm, 0);
		CHECK_I64(d->estimator, RS_ESTIMATOR_MODEL_DEFAULT);
		CHECK_I64(d->estimator_window, RS_DEFAULT_ESTIMATOR_WINDOW);
		CHECK_I64(d->spillover_index, -1);
		/* a new model: a copy of its base, renamed, with its overrides */
		int nm = rs_models_find(cfg->models, cfg->n_models, "no-ptu");
		int base = rs_models_find(cfg->models, cfg->n_models, "gpt-4o");
		CHECK(nm >= 0 && base >= 0);
		if (nm >= 0 && base >= 0) {
			CHECK_I64(cfg->models[nm].ptu_min_regional, 0);
			CHECK_NEAR(cfg->models[nm].output_ratio, cfg->models[base].output_ratio, 0);
			CHECK_I64(cfg->models[base].ptu_min_regional, 50);
		}
		rs_config_free(cfg);
	}
	parse_fails(ptu_text("", "{ \"name\": \"p\", \"region\": \"eastus\", \"model\": "
	                         "\"no-ptu\", \"kind\": \"provisioned\", \"ptu\": 50 }"),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .deployments[0].ptu: no-ptu is not offered as provisioned");
	parse_fails(ptu_text("", "{ \"name\": \"p\", \"region\": \"eastus\", \"model\": "
	                         "\"gpt-4o\", \"kind\": \"provisioned\", \"tpm\": 50 }"),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .deployments[0].tpm: not used when kind is \"provisioned\"; "
	            "a provisioned deployment is sized in \"ptu\"");

	/* estimator, spillover to a standard deployment of the same region */
	cfg = parse_ok(ptu_text("", "{ \"name\": \"p\", \"region\": \"eastus\", \"model\": "
	                            "\"gpt-4o\", \"kind\": \"provisioned\", \"ptu\": 100,\n"
	                            "  \"max_tokens_estimator\": { \"kind\": \"running_mean\", "
	                            "\"window\": 20 }, \"spillover_to\": \"s\" },\n"
	                            "{ \"name\": \"s\", \"region\": \"eastus\", \"model\": "
	                            "\"gpt-4o\", \"tpm\": 1000 }"),
	               NULL, 0);
	if (cfg) {
		CHECK_I64(cfg->deployments[0].estimator, RS_ESTIMATOR_RUNNING_MEAN);
		CHECK_I64(cfg->deployments[0].estimator_window, 20);
		CHECK_STR(cfg->deployments[0].spillover_to, "s");
		CHECK_I64(cfg->deployments[0].spillover_index, 1);
		rs_config_free(cfg);
	}
	parse_fails(ptu_text("", "{ \"name\": \"p\", \"region\": \"eastus\", \"model\": "
	                         "\"gpt-4o\", \"kind\": \"provisioned\", \"ptu\": 50, "
	                         "\"spillover_to\": \"q\" },\n"
	                         "{ \"name\": \"q\", \"region\": \"eastus\", \"model\": "
	                         "\"gpt-4o\", \"kind\": \"provisioned\", \"ptu\": 50 }"),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .deployments[0].spillover_to: \"q\" is a provisioned deployment; "
	            "spillover goes to a standard-family one (standard, global_standard or "
	            "data_zone_standard)");
	parse_fails(ptu_text("", "{ \"name\": \"p\", \"region\": \"eastus\", \"model\": "
	                         "\"gpt-4o\", \"kind\": \"provisioned\", \"ptu\": 50, "
	                         "\"spillover_to\": \"s\" },\n"
	                         "{ \"name\": \"s\", \"region\": \"westus\", \"model\": "
	                         "\"gpt-4o\", \"tpm\": 1000 }"),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .deployments[0].spillover_to: \"s\" is in region \"westus\", not "
	            "\"eastus\"; spillover stays in the same region and subscription");
	/* a declared PTU pool; undeclared PTU pools are unlimited */
	const char *two = "{ \"name\": \"p\", \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	                  "\"kind\": \"provisioned\", \"ptu\": 50 },\n"
	                  "{ \"name\": \"p2\", \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	                  "\"kind\": \"provisioned\", \"ptu\": 100 }";
	parse_fails(ptu_text("\"quotas\": [ { \"region\": \"eastus\", \"kind\": \"provisioned\", "
	                     "\"ptu\": 100 } ],",
	                     two),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .deployments: quota pool (subscription \"default\", region "
	            "\"eastus\", kind provisioned) holds 100 PTU but its deployments take 150 "
	            "(p 50, p2 100)");
	const char *big[] = {"deployments[1].ptu=100000"};
	cfg = parse_ok(ptu_text("", two), big, 1);
	rs_config_free(cfg);

	parse_fails(ptu_text("", p60), (const char *const[]){"models.new={\"output_ratio\":2}"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .models.new: a new model needs \"base\": the name of a built-in model "
	            "to copy (got none)");
}

static void test_dists_and_arrivals(void)
{
	set_fails("clients[0].prompt_tokens={\"dist\":\"trace\"}", RS_ERR_INVALID,
	          "t.json: .clients[0].prompt_tokens.dist: \"trace\" needs a trace arrival");
	set_fails("clients[0].prompt_tokens={\"dist\":\"uniform\",\"min\":1,\"max\":2,"
	          "\"median\":3}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].prompt_tokens.median: not used when dist is \"uniform\"");
	set_fails("clients[0].arrival={\"process\":\"poisson\"}", RS_ERR_INVALID,
	          "t.json: .clients[0].arrival: needs \"rate_rps\" or \"schedule\"");
	set_fails("clients[0].arrival.schedule=[{\"at_s\":0,\"rate_rps\":1}]", RS_ERR_INVALID,
	          "t.json: .clients[0].arrival: takes \"rate_rps\" or \"schedule\", not both");
	const char *sched = "clients[0].arrival={\"process\":\"constant\",\"schedule\":"
	                    "[{\"at_s\":5,\"rate_rps\":1}]}";
	set_fails(sched, RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.schedule[0].at_s: the first point must be at 0 "
	          "(got 5)");
	set_fails("clients[0].arrival={\"process\":\"constant\",\"schedule\":"
	          "[{\"at_s\":0,\"rate_rps\":1},{\"at_s\":60,\"rate_rps\":1},"
	          "{\"at_s\":60,\"rate_rps\":2}]}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.schedule[2].at_s: must be > 60, the previous "
	          "point's at_s (got 60)");
}

/* ---- retry ----------------------------------------------------------------- */

static void test_retry_defaults(void)
{
	/* a client without "retry": every field at its default */
	rs_config *cfg = parse_ok(minimal, NULL, 0);
	if (!cfg)
		return;
	const rs_retry_cfg *r = &cfg->clients[0].retry;
	CHECK(r->preset == NULL);
	CHECK_I64(r->policy, RS_RETRY_NONE);
	CHECK_I64(r->max_retries, 3);
	CHECK_NEAR(r->delay_s, 1, 0);
	CHECK_NEAR(r->base_s, 0.5, 0);
	CHECK_NEAR(r->cap_s, 8, 0);
	CHECK_I64(r->jitter, RS_JITTER_FULL);
	CHECK_NEAR(r->factor_min, 0.75, 0);
	CHECK_NEAR(r->factor_max, 1.0, 0);
	CHECK_I64(r->retry_after, RS_RETRY_AFTER_HONOUR);
	CHECK_NEAR(r->retry_after_cap_s, 60, 0);
	CHECK_NEAR(r->retry_after_jitter_s, 1, 0);
	CHECK_NEAR(r->attempt_timeout_s, 0, 0);
	CHECK_NEAR(r->deadline_s, 0, 0);
	CHECK_NEAR(r->budget_max, 0, 0);
	CHECK_NEAR(r->budget_refund, 0, 0);
	CHECK_NEAR(r->retry_ratio, 0, 0);
	CHECK_NEAR(r->retry_ratio_window_s, 60, 0);
	CHECK_NEAR(r->adaptive_k, 0, 0);
	CHECK_NEAR(r->adaptive_window_s, 120, 0);
	rs_config_free(cfg);

	/* a budget gets its refund default; max_attempts is max_retries + 1 */
	const char *sets[] = {"clients[0].retry={\"policy\":\"fixed\",\"max_attempts\":5,"
	                      "\"budget_max\":10}"};
	cfg = parse_ok(minimal, sets, 1);
	if (cfg) {
		r = &cfg->clients[0].retry;
		CHECK_I64(r->policy, RS_RETRY_FIXED);
		CHECK_I64(r->max_retries, 4);
		CHECK_NEAR(r->budget_max, 10, 0);
		CHECK_NEAR(r->budget_refund, 0.1, 0);
		rs_config_free(cfg);
	}
	/* budgets, ratios, throttling and timeouts apply to "none" too */
	const char *none[] = {"clients[0].retry={\"policy\":\"none\",\"adaptive_k\":2,"
	                      "\"adaptive_window_s\":30,\"retry_ratio\":0.1,"
	                      "\"attempt_timeout_s\":20,\"deadline_s\":60}"};
	cfg = parse_ok(minimal, none, 1);
	if (cfg) {
		r = &cfg->clients[0].retry;
		CHECK_I64(r->policy, RS_RETRY_NONE);
		CHECK_NEAR(r->adaptive_k, 2, 0);
		CHECK_NEAR(r->adaptive_window_s, 30, 0);
		CHECK_NEAR(r->retry_ratio, 0.1, 0);
		CHECK_NEAR(r->attempt_timeout_s, 20, 0);
		CHECK_NEAR(r->deadline_s, 60, 0);
		rs_config_free(cfg);
	}
}

static void test_retry_exponential(void)
{
	const char *sets[] = {
	    "clients[0].retry={\"policy\":\"exponential\",\"max_retries\":6,\"base_s\":0.25,"
	    "\"cap_s\":30,\"jitter\":\"factor\",\"factor_min\":0.5,\"factor_max\":1.5,"
	    "\"retry_after\":\"jitter\",\"retry_after_jitter_s\":2,\"budget_max\":5,"
	    "\"budget_refund\":0.5,\"retry_ratio\":0.2,\"retry_ratio_window_s\":10,"
	    "\"adaptive_k\":2}"};
	rs_config *cfg = parse_ok(minimal, sets, 1);
	if (cfg) {
		const rs_retry_cfg *r = &cfg->clients[0].retry;
		CHECK_I64(r->policy, RS_RETRY_EXPONENTIAL);
		CHECK_I64(r->max_retries, 6);
		CHECK_NEAR(r->base_s, 0.25, 0);
		CHECK_NEAR(r->cap_s, 30, 0);
		CHECK_I64(r->jitter, RS_JITTER_FACTOR);
		CHECK_NEAR(r->factor_min, 0.5, 0);
		CHECK_NEAR(r->factor_max, 1.5, 0);
		CHECK_I64(r->retry_after, RS_RETRY_AFTER_JITTER);
		CHECK_NEAR(r->retry_after_jitter_s, 2, 0);
		CHECK_NEAR(r->budget_max, 5, 0);
		CHECK_NEAR(r->budget_refund, 0.5, 0);
		CHECK_NEAR(r->retry_ratio, 0.2, 0);
		CHECK_NEAR(r->retry_ratio_window_s, 10, 0);
		CHECK_NEAR(r->adaptive_k, 2, 0);
		rs_config_free(cfg);
	}
	const char *jitters[] = {"none", "full", "equal", "decorrelated"};
	for (int j = 0; j < 4; j++) {
		char set[128];
		snprintf(set, sizeof set,
		         "clients[0].retry={\"policy\":\"exponential\",\"jitter\":\"%s\"}",
		         jitters[j]);
		const char *one[] = {set};
		cfg = parse_ok(minimal, one, 1);
		if (cfg) {
			CHECK_I64(cfg->clients[0].retry.jitter, j); /* RS_JITTER_NONE + j */
			rs_config_free(cfg);
		}
	}

	set_fails("clients[0].retry={\"policy\":\"fixed\",\"max_retries\":2,\"max_attempts\":3}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].retry: takes \"max_retries\" or \"max_attempts\", not both");
	set_fails("clients[0].retry={\"policy\":\"fixed\",\"max_attempts\":0}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.max_attempts: must be >= 1 (got 0)");
	set_fails("clients[0].retry={\"policy\":\"exponential\",\"base_s\":2,\"cap_s\":1}",
	          RS_ERR_INVALID, "t.json: .clients[0].retry.cap_s: must be >= base_s (2) (got 1)");
	set_fails("clients[0].retry={\"policy\":\"exponential\",\"base_s\":10}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.base_s: must be <= cap_s (8) (got 10)");
	set_fails("clients[0].retry={\"policy\":\"exponential\",\"base_s\":0}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.base_s: must be > 0 (got 0)");
	set_fails("clients[0].retry={\"policy\":\"exponential\",\"jitter\":\"factor\","
	          "\"factor_min\":0.9,\"factor_max\":0.8}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].retry.factor_max: must be >= factor_min (0.9) (got 0.8)");
	set_fails("clients[0].retry={\"policy\":\"exponential\",\"factor_min\":0.5}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].retry.factor_min: not used when jitter is \"full\"");
	set_fails("clients[0].retry={\"policy\":\"fixed\",\"retry_after_cap_s\":5}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.retry_after_cap_s: not used when retry_after is "
	          "\"honour\"");
	set_fails("clients[0].retry={\"policy\":\"exponential\",\"jitter\":\"half\"}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].retry.jitter: must be one of: none, full, equal, "
	          "decorrelated, factor (got string \"half\")");
	set_fails("clients[0].retry={\"policy\":\"fixed\",\"base_s\":1}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.base_s: not used when policy is \"fixed\"; "
	          "only an exponential policy backs off");
	set_fails("clients[0].retry={\"policy\":\"none\",\"max_retries\":1}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.max_retries: not used when policy is \"none\"; "
	          "a \"none\" policy never retries");
	set_fails("clients[0].retry={\"max_retries\":1}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.policy: required key is missing");
	set_fails("clients[0].retry={\"policy\":\"fixed\",\"retry_ratio\":1.5}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.retry_ratio: must be between 0 and 1 (got 1.5)");
	/* the bool of earlier versions is gone: its replacement is "retry_after" */
	set_fails("clients[0].retry={\"policy\":\"fixed\",\"honour_retry_after\":true}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].retry.honour_retry_after: unknown key (expected one of: "
	          "preset, policy, max_retries, max_attempts, delay_s, base_s, cap_s, jitter, "
	          "factor_min, factor_max, retry_after, retry_after_cap_s, "
	          "retry_after_jitter_s, retry_after_give_up_s, attempt_timeout_s, deadline_s, "
	          "budget_max, "
	          "budget_refund, retry_ratio, retry_ratio_window_s, adaptive_k, "
	          "adaptive_window_s)");
}

/* The retry of client 0 after `set`; NULL (and a failed check) on error. */
static rs_config *with_retry(const char *retry)
{
	char set[512];
	snprintf(set, sizeof set, "clients[0].retry=%s", retry);
	const char *sets[] = {set};
	return parse_ok(minimal, sets, 1);
}

static void test_retry_presets(void)
{
	rs_config *cfg = with_retry("{\"preset\":\"openai-python\"}");
	if (cfg) {
		const rs_retry_cfg *r = &cfg->clients[0].retry;
		CHECK_STR(r->preset, "openai-python");
		CHECK_I64(r->policy, RS_RETRY_EXPONENTIAL);
		CHECK_I64(r->max_retries, 2);
		CHECK_NEAR(r->base_s, 0.5, 0);
		CHECK_NEAR(r->cap_s, 8, 0);
		CHECK_I64(r->jitter, RS_JITTER_FACTOR);
		CHECK_NEAR(r->factor_min, 0.75, 0);
		CHECK_NEAR(r->factor_max, 1.0, 0);
		CHECK_I64(r->retry_after, RS_RETRY_AFTER_CAP);
		CHECK_NEAR(r->retry_after_cap_s, 60, 0);
		CHECK_NEAR(r->attempt_timeout_s, 600, 0);
		CHECK_NEAR(r->deadline_s, 0, 0);
		CHECK_NEAR(r->budget_max, 0, 0);
		CHECK_NEAR(r->adaptive_k, 0, 0);
		rs_config_free(cfg);
	}
	cfg = with_retry("{\"preset\":\"azure-core\"}");
	if (cfg) {
		const rs_retry_cfg *r = &cfg->clients[0].retry;
		CHECK_STR(r->preset, "azure-core");
		CHECK_I64(r->policy, RS_RETRY_EXPONENTIAL);
		CHECK_I64(r->max_retries, 3);
		CHECK_NEAR(r->base_s, 0.8, 0);
		CHECK_NEAR(r->cap_s, 120, 0);
		CHECK_I64(r->jitter, RS_JITTER_NONE);
		CHECK_I64(r->retry_after, RS_RETRY_AFTER_HONOUR);
		CHECK_NEAR(r->attempt_timeout_s, 0, 0);
		rs_config_free(cfg);
	}
	cfg = with_retry("{\"preset\":\"litellm-router\"}");
	if (cfg) {
		const rs_retry_cfg *r = &cfg->clients[0].retry;
		CHECK_STR(r->preset, "litellm-router");
		CHECK_I64(r->policy, RS_RETRY_EXPONENTIAL);
		CHECK_I64(r->max_retries, 2);
		CHECK_NEAR(r->base_s, 0.5, 0);
		CHECK_NEAR(r->cap_s, 8, 0);
		CHECK_I64(r->jitter, RS_JITTER_NONE);
		/* litellm waits retry-after + jitter up to 60 s, beyond it the
		 * backoff + jitter (retry_presets.c) */
		CHECK_I64(r->retry_after, RS_RETRY_AFTER_CAP_JITTER);
		CHECK_NEAR(r->retry_after_cap_s, 60, 0);
		CHECK_NEAR(r->retry_after_jitter_s, 0.75, 0);
		CHECK_NEAR(r->retry_after_give_up_s, 0, 0);
		rs_config_free(cfg);
	}
	cfg = with_retry("{\"preset\":\"openai-python-120s\"}");
	if (cfg) {
		const rs_retry_cfg *r = &cfg->clients[0].retry;
		CHECK_STR(r->preset, "openai-python-120s");
		CHECK_I64(r->max_retries, 2);
		CHECK_I64(r->jitter, RS_JITTER_FACTOR);
		CHECK_I64(r->retry_after, RS_RETRY_AFTER_CAP);
		CHECK_NEAR(r->retry_after_cap_s, 120, 0);
		CHECK_NEAR(r->retry_after_give_up_s, 120, 0);
		CHECK_NEAR(r->attempt_timeout_s, 600, 0);
		rs_config_free(cfg);
	}
	/* a key beside the preset overrides the preset's value, and only it */
	cfg = with_retry("{\"preset\":\"openai-python\",\"max_retries\":5,\"retry_after\":"
	                 "\"honour\",\"factor_min\":0.5,\"budget_max\":3}");
	if (cfg) {
		const rs_retry_cfg *r = &cfg->clients[0].retry;
		CHECK_STR(r->preset, "openai-python");
		CHECK_I64(r->max_retries, 5);
		CHECK_I64(r->retry_after, RS_RETRY_AFTER_HONOUR);
		CHECK_NEAR(r->factor_min, 0.5, 0);
		CHECK_NEAR(r->factor_max, 1.0, 0); /* still the preset's */
		CHECK_NEAR(r->cap_s, 8, 0);
		CHECK_NEAR(r->budget_max, 3, 0);
		CHECK_NEAR(r->budget_refund, 0.1, 0);
		rs_config_free(cfg);
	}
	/* max_attempts beside a preset replaces the preset's max_retries */
	cfg = with_retry("{\"preset\":\"azure-core\",\"max_attempts\":2}");
	if (cfg) {
		CHECK_I64(cfg->clients[0].retry.max_retries, 1);
		rs_config_free(cfg);
	}
	/* --set reaches into a retry object like any other */
	const char *sets[] = {"clients[0].retry={\"preset\":\"openai-python\"}",
	                      "clients[0].retry.cap_s=4"};
	cfg = parse_ok(minimal, sets, 2);
	if (cfg) {
		CHECK_NEAR(cfg->clients[0].retry.cap_s, 4, 0);
		rs_config_free(cfg);
	}
	set_fails("clients[0].retry={\"preset\":\"openai-pyton\"}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.preset: no preset named \"openai-pyton\"; did you "
	          "mean \"openai-python\"?");
	set_fails("clients[0].retry={\"preset\":\"boto3\"}", RS_ERR_INVALID,
	          "t.json: .clients[0].retry.preset: no preset named \"boto3\" (presets: "
	          "openai-python, azure-core, litellm-router, openai-python-120s)");
	set_fails("clients[0].retry={\"preset\":\"openai-python\",\"retry_after_jitter_s\":1}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].retry.retry_after_jitter_s: not used when retry_after is "
	          "\"cap\"");
}

/* ---- routers ---------------------------------------------------------------- */

/* Deployments a and b (eastus, westus), `routers` spliced in, one client
 * sending to `target`. */
static const char *router_text(const char *routers, const char *target)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
	         "{ \"name\": \"gw\", \"duration_s\": 60,\n"
	         "  \"deployments\": [\n"
	         "    { \"name\": \"a\", \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	         "\"tpm\": 1000 },\n"
	         "    { \"name\": \"b\", \"region\": \"westus\", \"model\": \"gpt-4o\", "
	         "\"tpm\": 1000 } ],\n"
	         "  \"routers\": [ %s ],\n"
	         "  \"clients\": [ { \"name\": \"c\", \"target\": \"%s\",\n"
	         "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 1 },\n"
	         "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ] }",
	         routers, target);
	return buf;
}

static void test_routers(void)
{
	const char *two =
	    "{ \"name\": \"front\", \"strategy\": \"weighted\", \"backends\": [\n"
	    "    { \"target\": \"a\", \"weight\": 3, \"priority\": 1, \"rtt_ms\": 5 },\n"
	    "    { \"target\": \"back\" } ] },\n"
	    "{ \"name\": \"back\", \"strategy\": \"priority\", \"cooldown_on_429\": false,\n"
	    "  \"cooldown_s\": 0, \"breaker_failures\": 5, \"breaker_window_s\": 20,\n"
	    "  \"breaker_open_s\": 60, \"all_down\": \"wait\", \"max_tries\": 1,\n"
	    "  \"latency_alpha\": 1, \"backends\": [ { \"target\": \"b\" }, "
	    "{ \"target\": \"a\" } ] }";
	rs_config *cfg = parse_ok(router_text(two, "front"), NULL, 0);
	if (cfg) {
		CHECK_I64(cfg->n_routers, 2);
		const rs_router_cfg *f = &cfg->routers[0], *b = &cfg->routers[1];
		CHECK_STR(f->name, "front");
		CHECK_I64(f->strategy, RS_ROUTE_WEIGHTED);
		CHECK_I64(f->n_backends, 2);
		CHECK_STR(f->backends[0].name, "a");
		CHECK(!f->backends[0].target.is_router);
		CHECK_I64(f->backends[0].target.index, 0);
		CHECK_NEAR(f->backends[0].weight, 3, 0);
		CHECK_I64(f->backends[0].priority, 1);
		CHECK_NEAR(f->backends[0].rtt_ms, 5, 0);
		CHECK_STR(f->backends[1].name, "back");
		CHECK(f->backends[1].target.is_router); /* a router may name a later router */
		CHECK_I64(f->backends[1].target.index, 1);
		CHECK_NEAR(f->backends[1].weight, 1, 0); /* defaults */
		CHECK_I64(f->backends[1].priority, 0);
		CHECK_NEAR(f->backends[1].rtt_ms, -1, 0);
		CHECK(f->cooldown_on_429);
		CHECK_NEAR(f->cooldown_s, 10, 0);
		CHECK_I64(f->breaker_failures, 0);
		CHECK_NEAR(f->breaker_window_s, 10, 0);
		CHECK_NEAR(f->breaker_open_s, 30, 0);
		CHECK_I64(f->all_down, RS_ALL_DOWN_FAIL);
		CHECK_I64(f->max_tries, 2); /* the number of backends */
		CHECK_NEAR(f->latency_alpha, 0.2, 0);
		CHECK_I64(b->strategy, RS_ROUTE_PRIORITY);
		CHECK(!b->cooldown_on_429);
		CHECK_NEAR(b->cooldown_s, 0, 0);
		CHECK_I64(b->breaker_failures, 5);
		CHECK_NEAR(b->breaker_window_s, 20, 0);
		CHECK_NEAR(b->breaker_open_s, 60, 0);
		CHECK_I64(b->all_down, RS_ALL_DOWN_WAIT);
		CHECK_I64(b->max_tries, 1);
		CHECK_NEAR(b->latency_alpha, 1, 0);
		CHECK_I64(b->backends[0].target.index, 1);
		/* a client targeting a router */
		const rs_client_cfg *c = &cfg->clients[0];
		CHECK_STR(c->target, "front");
		CHECK(c->target_ref.is_router);
		CHECK_I64(c->target_ref.index, 0);
		CHECK_I64(c->target_index, -1);
		rs_config_free(cfg);
	}
	/* a client targeting a deployment beside routers */
	cfg = parse_ok(router_text(two, "b"), NULL, 0);
	if (cfg) {
		CHECK(!cfg->clients[0].target_ref.is_router);
		CHECK_I64(cfg->clients[0].target_ref.index, 1);
		CHECK_I64(cfg->clients[0].target_index, 1);
		rs_config_free(cfg);
	}
	/* every strategy name */
	const char *names[] = {"round_robin",    "weighted", "priority",
	                       "least_utilized", "latency",  "random"};
	for (int k = 0; k < 6; k++) {
		char set[96];
		snprintf(set, sizeof set, "routers[0].strategy=%s", names[k]);
		const char *sets[] = {set};
		cfg = parse_ok(router_text(two, "front"), sets, 1);
		if (cfg) {
			CHECK_I64(cfg->routers[0].strategy, k);
			rs_config_free(cfg);
		}
	}
	/* --set into a backend */
	const char *sets[] = {"routers[0].backends[1].weight=0.5", "routers[1].all_down=send"};
	cfg = parse_ok(router_text(two, "front"), sets, 2);
	if (cfg) {
		CHECK_NEAR(cfg->routers[0].backends[1].weight, 0.5, 0);
		CHECK_I64(cfg->routers[1].all_down, RS_ALL_DOWN_SEND);
		rs_config_free(cfg);
	}
	/* no routers at all, or an empty list, is fine */
	cfg = parse_ok(router_text("", "a"), NULL, 0);
	if (cfg) {
		CHECK_I64(cfg->n_routers, 0);
		CHECK(cfg->routers == NULL);
		rs_config_free(cfg);
	}

	const char *one = "{ \"name\": \"front\", \"strategy\": \"round_robin\", \"backends\": "
	                  "[ { \"target\": \"a\" }, { \"target\": \"b\" } ] }";
	parse_fails(router_text(one, "front"), (const char *const[]){"routers[0].strategy=fastest"},
	            1, RS_ERR_INVALID,
	            "t.json: .routers[0].strategy: must be one of: round_robin, weighted, "
	            "priority, least_utilized, latency, random (got string \"fastest\")");
	parse_fails(router_text(two, "front"),
	            (const char *const[]){"routers[0].backends[1].target=x"}, 1, RS_ERR_INVALID,
	            "t.json: .routers[0].backends[1].target: no deployment or router named \"x\" "
	            "(deployments: a, b; routers: front, back)");
	parse_fails(router_text(two, "front"),
	            (const char *const[]){"routers[1].backends[0].target=front"}, 1, RS_ERR_INVALID,
	            "t.json: .routers[1].backends[0].target: router cycle: front -> back -> "
	            "front");
	parse_fails(router_text(one, "front"),
	            (const char *const[]){"routers[0].backends[1].target=front"}, 1, RS_ERR_INVALID,
	            "t.json: .routers[0].backends[1].target: router cycle: front -> front");
	parse_fails(router_text(one, "front"),
	            (const char *const[]){"routers[0].backends[1].target=a"}, 1, RS_ERR_INVALID,
	            "t.json: .routers[0].backends[1].target: \"a\" is already "
	            ".routers[0].backends[0]");
	parse_fails(router_text(one, "front"), (const char *const[]){"routers[0].name=b"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .routers[0].name: \"b\" is already the name of .deployments[1]");
	parse_fails(router_text(two, "front"), (const char *const[]){"routers[1].name=front"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .routers[1].name: \"front\" is already the name of .routers[0]");
	parse_fails(router_text(one, "front"), (const char *const[]){"routers[0].max_tries=3"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .routers[0].max_tries: must be at most 2, the number of backends "
	            "(got 3)");
	parse_fails(router_text(one, "front"), (const char *const[]){"routers[0].latency_alpha=0"},
	            1, RS_ERR_INVALID,
	            "t.json: .routers[0].latency_alpha: must be > 0 and <= 1 (got 0)");
	parse_fails(router_text(one, "front"), (const char *const[]){"routers[0].backends=[]"}, 1,
	            RS_ERR_INVALID, "t.json: .routers[0].backends: needs at least one backend");
	parse_fails(router_text(one, "front"),
	            (const char *const[]){"routers[0].backends[0].weight=0"}, 1, RS_ERR_INVALID,
	            "t.json: .routers[0].backends[0].weight: must be > 0 (got 0)");
	parse_fails(router_text(one, "x"), NULL, 0, RS_ERR_INVALID,
	            "t.json: .clients[0].target: no deployment or router named \"x\" "
	            "(deployments: a, b; routers: front)");
	parse_fails(router_text(one, "front"), (const char *const[]){"routers[0].stratgy=weighted"},
	            1, RS_ERR_INVALID,
	            "t.json: .routers[0].stratgy: unknown key; did you mean \"strategy\"?");
}

/* ---- faults ----------------------------------------------------------------- */

static const char *fault_text(const char *faults)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
	         "{ \"name\": \"f\", \"duration_s\": 600,\n"
	         "  \"deployments\": [\n"
	         "    { \"name\": \"a\", \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	         "\"tpm\": 1000 },\n"
	         "    { \"name\": \"b\", \"region\": \"westus\", \"model\": \"gpt-4o\", "
	         "\"tpm\": 1000 } ],\n"
	         "  \"faults\": [ %s ],\n"
	         "  \"clients\": [ { \"name\": \"c\", \"target\": \"a\",\n"
	         "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 1 },\n"
	         "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ] }",
	         faults);
	return buf;
}

static void test_faults(void)
{
	const char *three =
	    "{ \"kind\": \"down\", \"deployment\": \"a\", \"start_s\": 60, \"end_s\": 120 },\n"
	    "{ \"kind\": \"degrade\", \"region\": \"westus\", \"start_s\": 0, \"end_s\": 900,\n"
	    "  \"scale\": 0.5 },\n"
	    "{ \"kind\": \"latency\", \"deployment\": \"b\", \"start_s\": 10, \"end_s\": 20,\n"
	    "  \"scale\": 3 },\n"
	    "{ \"kind\": \"down\", \"region\": \"eastus\", \"start_s\": 1, \"end_s\": 2,\n"
	    "  \"mode\": \"hang\" }";
	rs_config *cfg = parse_ok(fault_text(three), NULL, 0);
	if (cfg) {
		CHECK_I64(cfg->n_faults, 4);
		const rs_fault_cfg *f = cfg->faults;
		CHECK_I64(f[0].kind, RS_FAULT_DOWN);
		CHECK_STR(f[0].deployment, "a");
		CHECK(f[0].region == NULL);
		CHECK_NEAR(f[0].start_s, 60, 0);
		CHECK_NEAR(f[0].end_s, 120, 0);
		CHECK_I64(f[0].mode, RS_DOWN_ERROR); /* defaults */
		CHECK_NEAR(f[0].error_ms, 50, 0);
		CHECK_I64(f[1].kind, RS_FAULT_DEGRADE);
		CHECK(f[1].deployment == NULL);
		CHECK_STR(f[1].region, "westus");
		CHECK_NEAR(f[1].end_s, 900, 0); /* beyond duration_s: allowed */
		CHECK_NEAR(f[1].scale, 0.5, 0);
		CHECK_I64(f[2].kind, RS_FAULT_LATENCY);
		CHECK_NEAR(f[2].scale, 3, 0);
		CHECK_I64(f[3].mode, RS_DOWN_HANG);
		rs_config_free(cfg);
	}
	const char *down = "{ \"kind\": \"down\", \"deployment\": \"a\", \"start_s\": 60, "
	                   "\"end_s\": 120 }";
	parse_fails(fault_text(down), (const char *const[]){"faults[0].region=eastus"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .faults[0]: takes \"deployment\" or \"region\", not both");
	parse_fails(fault_text("{ \"kind\": \"down\", \"start_s\": 0, \"end_s\": 1 }"), NULL, 0,
	            RS_ERR_INVALID, "t.json: .faults[0]: needs \"deployment\" or \"region\"");
	const char *degrade = "{ \"kind\": \"degrade\", \"deployment\": \"a\", \"start_s\": 0, "
	                      "\"end_s\": 10, \"scale\": 1.5 }";
	parse_fails(fault_text(degrade), NULL, 0, RS_ERR_INVALID,
	            "t.json: .faults[0].scale: must be > 0 and <= 1 (got 1.5)");
	parse_fails(fault_text(degrade), (const char *const[]){"faults[0].scale=0"}, 1,
	            RS_ERR_INVALID, "t.json: .faults[0].scale: must be > 0 and <= 1 (got 0)");
	parse_fails(fault_text(degrade),
	            (const char *const[]){"faults[0].kind=latency", "faults[0].scale=0.5"}, 2,
	            RS_ERR_INVALID, "t.json: .faults[0].scale: must be >= 1 (got 0.5)");
	parse_fails(fault_text("{ \"kind\": \"degrade\", \"deployment\": \"a\", \"start_s\": 0, "
	                       "\"end_s\": 10 }"),
	            NULL, 0, RS_ERR_INVALID, "t.json: .faults[0].scale: required key is missing");
	parse_fails(fault_text(down), (const char *const[]){"faults[0].scale=0.5"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .faults[0].scale: not used when kind is \"down\"; a \"down\" fault "
	            "does not serve at all");
	parse_fails(fault_text(down), (const char *const[]){"faults[0].end_s=60"}, 1,
	            RS_ERR_INVALID, "t.json: .faults[0].end_s: must be > start_s (60) (got 60)");
	parse_fails(fault_text(down), (const char *const[]){"faults[0].deployment=z"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .faults[0].deployment: no deployment named \"z\" (deployments: a, b)");
	parse_fails(fault_text("{ \"kind\": \"down\", \"region\": \"northpole\", \"start_s\": 0, "
	                       "\"end_s\": 1 }"),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .faults[0].region: no deployment is in region \"northpole\" "
	            "(regions: eastus, westus)");
	parse_fails(fault_text(down),
	            (const char *const[]){"faults[0].mode=hang", "faults[0].error_ms=10"}, 2,
	            RS_ERR_INVALID, "t.json: .faults[0].error_ms: not used when mode is \"hang\"");
	parse_fails(fault_text(down), (const char *const[]){"faults[0].kind=outage"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .faults[0].kind: must be one of: down, degrade, latency (got string "
	            "\"outage\")");
	/* --set faults=[] turns them off */
	cfg = parse_ok(fault_text(down), (const char *const[]){"faults=[]"}, 1);
	if (cfg) {
		CHECK_I64(cfg->n_faults, 0);
		rs_config_free(cfg);
	}
}

/* ---- network, client region and priority, pricing ---------------------------- */

static void test_network_and_pricing(void)
{
	const char *text =
	    "{ \"name\": \"n\", \"duration_s\": 60,\n"
	    "  \"deployments\": [\n"
	    "    { \"name\": \"a\", \"region\": \"eastus\", \"model\": \"gpt-4o\",\n"
	    "      \"tpm\": 1000 },\n"
	    "    { \"name\": \"b\", \"region\": \"westus\", \"model\": \"gpt-4o\",\n"
	    "      \"tpm\": 1000 } ],\n"
	    "  \"clients\": [ { \"name\": \"c\", \"target\": \"a\", \"region\": \"tokyo\",\n"
	    "    \"priority\": 2,\n"
	    "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 1 },\n"
	    "    \"prompt_tokens\": 10, \"output_tokens\": 10 },\n"
	    "    { \"name\": \"d\", \"target\": \"b\", \"region\": \"paris\",\n"
	    "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 1 },\n"
	    "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ],\n"
	    "  \"network\": { \"rtt_ms\": {\n"
	    "    \"comment\": \"measured in 2026\",\n"
	    "    \"tokyo\": { \"eastus\": 160, \"westus\": 110 },\n"
	    "    \"paris\": { \"westus\": 140.5, \"comment\": \"via the Atlantic\" } } },\n"
	    "  \"pricing\": { \"ptu_billing\": \"monthly\" } }";
	rs_config *cfg = parse_ok(text, NULL, 0);
	if (cfg) {
		CHECK_STR(cfg->clients[0].region, "tokyo");
		CHECK_I64(cfg->clients[0].priority, 2);
		CHECK_STR(cfg->clients[1].region, "paris");
		CHECK_I64(cfg->clients[1].priority, 0);
		CHECK_I64(cfg->n_net, 3);
		if (cfg->n_net == 3) {
			CHECK_STR(cfg->net_from[0], "tokyo");
			CHECK_STR(cfg->net_to[0], "eastus");
			CHECK_NEAR(cfg->net_rtt_ms[0], 160, 0);
			CHECK_STR(cfg->net_from[1], "tokyo");
			CHECK_STR(cfg->net_to[1], "westus");
			CHECK_NEAR(cfg->net_rtt_ms[1], 110, 0);
			CHECK_STR(cfg->net_from[2], "paris");
			CHECK_STR(cfg->net_to[2], "westus");
			CHECK_NEAR(cfg->net_rtt_ms[2], 140.5, 0);
		}
		CHECK_I64(cfg->pricing.ptu_billing, RS_PTU_MONTHLY);
		rs_config_free(cfg);
	}
	/* defaults: no region, no matrix, hourly billing */
	cfg = parse_ok(minimal, NULL, 0);
	if (cfg) {
		CHECK(cfg->clients[0].region == NULL);
		CHECK_I64(cfg->clients[0].priority, 0);
		CHECK_I64(cfg->n_net, 0);
		CHECK(cfg->net_from == NULL && cfg->net_to == NULL && cfg->net_rtt_ms == NULL);
		CHECK_I64(cfg->pricing.ptu_billing, RS_PTU_HOURLY);
		rs_config_free(cfg);
	}
	parse_fails(text, (const char *const[]){"network.rtt_ms.tokyo.eastu=100"}, 1,
	            RS_ERR_INVALID,
	            "t.json: .network.rtt_ms.tokyo.eastu: no deployment is in region \"eastu\" "
	            "(regions: eastus, westus)");
	parse_fails(text, (const char *const[]){"network.rtt_ms.tokio={}"}, 1, RS_ERR_INVALID,
	            "t.json: .network.rtt_ms.tokio: no client is in region \"tokio\" (client "
	            "regions: tokyo, paris)");
	parse_fails(text, (const char *const[]){"network.rtt_ms.paris.westus=-1"}, 1,
	            RS_ERR_INVALID, "t.json: .network.rtt_ms.paris.westus: must be >= 0 (got -1)");
	parse_fails(text, (const char *const[]){"network={}"}, 1, RS_ERR_INVALID,
	            "t.json: .network.rtt_ms: required key is missing");
	parse_fails(text, (const char *const[]){"pricing.ptu_billing=weekly"}, 1, RS_ERR_INVALID,
	            "t.json: .pricing.ptu_billing: must be one of: hourly, monthly, yearly (got "
	            "string \"weekly\")");
	const char *yearly[] = {"pricing.ptu_billing=yearly", "clients[0].priority=7"};
	cfg = parse_ok(text, yearly, 2);
	if (cfg) {
		CHECK_I64(cfg->pricing.ptu_billing, RS_PTU_YEARLY);
		CHECK_I64(cfg->clients[0].priority, 7);
		rs_config_free(cfg);
	}
	set_fails("clients[0].priority=-1", RS_ERR_INVALID,
	          "t.json: .clients[0].priority: must be >= 0 (got -1)");
	set_fails("clients[0].region=\"\"", RS_ERR_INVALID,
	          "t.json: .clients[0].region: must not be empty");
}

/* ---- on/off, closed-loop and daily arrivals ---------------------------------- */

static void test_onoff_and_closed(void)
{
	const char *onoff[] = {"clients[0].arrival={\"process\":\"onoff\",\"rate_on\":20,"
	                       "\"rate_off\":0.5,\"on_s\":30,\"off_s\":90}"};
	rs_config *cfg = parse_ok(minimal, onoff, 1);
	if (cfg) {
		const rs_arrival_cfg *a = &cfg->clients[0].arrival;
		CHECK_I64(a->process, RS_ARRIVAL_ONOFF);
		CHECK_NEAR(a->rate_on, 20, 0);
		CHECK_NEAR(a->rate_off, 0.5, 0);
		CHECK_NEAR(a->on_s, 30, 0);
		CHECK_NEAR(a->off_s, 90, 0);
		CHECK_I64(a->n_schedule, 0);
		rs_config_free(cfg);
	}
	set_fails("clients[0].arrival={\"process\":\"onoff\",\"rate_on\":20,\"rate_off\":0,"
	          "\"on_s\":0,\"off_s\":90}",
	          RS_ERR_INVALID, "t.json: .clients[0].arrival.on_s: must be > 0 (got 0)");
	set_fails("clients[0].arrival={\"process\":\"onoff\",\"rate_on\":20,\"on_s\":1,"
	          "\"off_s\":90}",
	          RS_ERR_INVALID, "t.json: .clients[0].arrival.rate_off: required key is missing");
	set_fails("clients[0].arrival={\"process\":\"onoff\",\"rate_rps\":1,\"rate_on\":20,"
	          "\"rate_off\":0,\"on_s\":1,\"off_s\":90}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.rate_rps: not used when process is \"onoff\"; "
	          "only constant and poisson arrivals take a rate");

	const char *closed[] = {"clients[0].arrival={\"process\":\"closed\",\"users\":8}"};
	cfg = parse_ok(minimal, closed, 1);
	if (cfg) {
		const rs_arrival_cfg *a = &cfg->clients[0].arrival;
		CHECK_I64(a->process, RS_ARRIVAL_CLOSED);
		CHECK_I64(a->users, 8);
		CHECK(a->think_s != NULL);
		if (a->think_s) {
			CHECK_I64(a->think_s->kind, RS_DIST_FIXED);
			CHECK_NEAR(a->think_s->value, 1, 0);
		}
		rs_config_free(cfg);
	}
	const char *think[] = {"clients[0].arrival={\"process\":\"closed\",\"users\":2,"
	                       "\"think_s\":{\"dist\":\"lognormal\",\"median\":5,\"sigma\":1}}"};
	cfg = parse_ok(minimal, think, 1);
	if (cfg) {
		const rs_dist_cfg *t = cfg->clients[0].arrival.think_s;
		CHECK(t != NULL);
		if (t) {
			CHECK_I64(t->kind, RS_DIST_LOGNORMAL);
			CHECK_NEAR(t->median, 5, 0);
			CHECK_NEAR(t->sigma, 1, 0);
		}
		rs_config_free(cfg);
	}
	const char *plain[] = {"clients[0].arrival={\"process\":\"closed\",\"users\":2,"
	                       "\"think_s\":0.25}"};
	cfg = parse_ok(minimal, plain, 1);
	if (cfg) {
		CHECK_I64(cfg->clients[0].arrival.think_s->kind, RS_DIST_FIXED);
		CHECK_NEAR(cfg->clients[0].arrival.think_s->value, 0.25, 0);
		rs_config_free(cfg);
	}
	set_fails("clients[0].arrival={\"process\":\"closed\",\"users\":0}", RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.users: must be >= 1 (got 0)");
	set_fails("clients[0].arrival={\"process\":\"closed\"}", RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.users: required key is missing");
	set_fails("clients[0].arrival={\"process\":\"closed\",\"users\":2,\"think_s\":"
	          "{\"dist\":\"empirical\",\"file\":\"x.csv\"}}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.think_s.dist: must be one of: fixed, uniform, "
	          "lognormal (got string \"empirical\")");
	set_fails("clients[0].arrival={\"process\":\"closed\",\"users\":2,\"think_s\":"
	          "{\"dist\":\"trace\"}}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.think_s.dist: must be one of: fixed, uniform, "
	          "lognormal (got string \"trace\")");
	set_fails("clients[0].arrival={\"process\":\"closed\",\"users\":2,\"think_s\":-1}",
	          RS_ERR_INVALID, "t.json: .clients[0].arrival.think_s: must be >= 0 (got -1)");
	/* a closed loop needs token sizes as an open one does */
	parse_fails(with(minimal,
	                 "\"arrival\": { \"process\": \"poisson\", \"rate_rps\": 2 },\n"
	                 "      \"prompt_tokens\": 1000, ",
	                 "\"arrival\": { \"process\": \"closed\", \"users\": 3 },\n      "),
	            NULL, 0, RS_ERR_INVALID,
	            "t.json: .clients[0].prompt_tokens: required key is missing");
	set_fails("clients[0].arrival.process=burst", RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.process: must be one of: constant, poisson, trace, "
	          "onoff, closed, job, at_once, daily (got string \"burst\")");
}

static void test_daily(void)
{
	/* mean 10, amplitude 0.5, peak at 0, 4 points a day over one day:
	 * rate = 10 (1 + 0.5 cos(2 pi t / 86400)) at t = 0, 21600, 43200, 64800,
	 * 86400 is 15, 10, 5, 10, 15; every point but the last ramps. */
	const char *sets[] = {"duration_s=86400",
	                      "clients[0].arrival={\"process\":\"daily\",\"mean_rps\":10,"
	                      "\"amplitude\":0.5,\"peak_at_s\":0,\"points_per_day\":4}"};
	rs_config *cfg = parse_ok(minimal, sets, 2);
	if (cfg) {
		const rs_arrival_cfg *a = &cfg->clients[0].arrival;
		const double at[] = {0, 21600, 43200, 64800, 86400};
		const double rate[] = {15, 10, 5, 10, 15};
		CHECK_I64(a->process, RS_ARRIVAL_POISSON);
		CHECK_I64(a->n_schedule, 5);
		for (size_t k = 0; k < 5 && k < a->n_schedule; k++) {
			CHECK_NEAR(a->schedule[k].at_s, at[k], 0);
			CHECK_NEAR(a->schedule[k].rate_rps, rate[k], 1e-9);
			CHECK(a->schedule[k].ramp == (k < 4));
		}
		rs_config_free(cfg);
	}
	/* the defaults (amplitude 0.5, peak at noon, 96 points a day) over 600 s:
	 * points at 0 and 900 s (the first at or after the end), rates
	 * 100 (1 + 0.5 cos(-pi)) = 50 and 100 (1 - 0.5 cos(pi / 48)) with
	 * cos(pi / 48) = cos(3.75 degrees) = 0.99785892323860348 */
	const char *dflt[] = {"clients[0].arrival={\"process\":\"daily\",\"mean_rps\":100}"};
	cfg = parse_ok(minimal, dflt, 1);
	if (cfg) {
		const rs_arrival_cfg *a = &cfg->clients[0].arrival;
		CHECK_I64(a->process, RS_ARRIVAL_POISSON);
		CHECK_I64(a->n_schedule, 2);
		if (a->n_schedule == 2) {
			CHECK_NEAR(a->schedule[0].at_s, 0, 0);
			CHECK_NEAR(a->schedule[0].rate_rps, 50, 1e-9);
			CHECK(a->schedule[0].ramp);
			CHECK_NEAR(a->schedule[1].at_s, 900, 0);
			CHECK_NEAR(a->schedule[1].rate_rps, 100 - 50 * 0.99785892323860348, 1e-9);
			CHECK(!a->schedule[1].ramp);
		}
		rs_config_free(cfg);
	}
	/* amplitude 1 touches 0 at the trough, never below */
	const char *full[] = {"duration_s=86400",
	                      "clients[0].arrival={\"process\":\"daily\",\"mean_rps\":1,"
	                      "\"amplitude\":1,\"peak_at_s\":86400,\"points_per_day\":4}"};
	cfg = parse_ok(minimal, full, 2);
	if (cfg) {
		CHECK_NEAR(cfg->clients[0].arrival.schedule[0].rate_rps, 2, 1e-12);
		CHECK_NEAR(cfg->clients[0].arrival.schedule[2].rate_rps, 0, 1e-12);
		CHECK(cfg->clients[0].arrival.schedule[2].rate_rps >= 0);
		rs_config_free(cfg);
	}
	set_fails("clients[0].arrival={\"process\":\"daily\",\"mean_rps\":10,\"amplitude\":1.5}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.amplitude: must be between 0 and 1 (got 1.5)");
	set_fails("clients[0].arrival={\"process\":\"daily\",\"mean_rps\":0}", RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.mean_rps: must be > 0 (got 0)");
	set_fails("clients[0].arrival={\"process\":\"daily\",\"mean_rps\":1,\"peak_at_s\":90000}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.peak_at_s: must be at most 86400 (got 90000)");
	set_fails("clients[0].arrival={\"process\":\"daily\",\"mean_rps\":1,\"points_per_day\":3}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.points_per_day: must be >= 4 (got 3)");
	set_fails("clients[0].arrival={\"process\":\"daily\",\"mean_rps\":1,\"schedule\":[]}",
	          RS_ERR_INVALID,
	          "t.json: .clients[0].arrival.schedule: not used when process is \"daily\"; "
	          "only constant and poisson arrivals take a schedule");
	const char *huge[] = {
	    "duration_s=2e6",
	    "clients[0].arrival={\"process\":\"daily\",\"mean_rps\":1,\"points_per_day\":86400}"};
	parse_fails(
	    minimal, huge, 2, RS_ERR_INVALID,
	    "t.json: .clients[0].arrival.points_per_day: 86400 points a day over duration_s "
	    "2000000 make more than 1000000 schedule points; use fewer points a day");
}

static void test_load_file(void)
{
	rs_config *cfg = (rs_config *)&cfg;
	rs_error err = {0};
	rs_status st = rs_scenario_load("/nonexistent/x.json", NULL, 0, &cfg, &err);
	CHECK_I64(st, RS_ERR_IO);
	CHECK(cfg == NULL);
	CHECK_STR(err.msg, "/nonexistent/x.json: cannot open: No such file or directory");

	/* a real file: trace paths resolve against its folder */
	char path[] = "/tmp/rs_test_scenario_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	const char *text = with(minimal, "\"process\": \"poisson\", \"rate_rps\": 2",
	                        "\"process\": \"trace\", \"file\": \"t.csv\"");
	CHECK_I64(write(fd, text, strlen(text)), (long long)strlen(text));
	close(fd);
	const char *sets[] = {"seed=77"};
	st = rs_scenario_load(path, sets, 1, &cfg, &err);
	CHECK_I64(st, RS_OK);
	if (st == RS_OK) {
		CHECK_STR(cfg->path, path);
		CHECK_STR(cfg->clients[0].arrival.trace.path, "/tmp/t.csv");
		CHECK_I64(cfg->seed, 77);
		CHECK_I64(cfg->clients[0].prompt_tokens.kind, RS_DIST_FIXED); /* as written */
		rs_config_free(cfg);
	}
	/* a bad --set through the file loader */
	const char *bad[] = {"clients[3].name=x"};
	st = rs_scenario_load(path, bad, 1, &cfg, &err);
	CHECK_I64(st, RS_ERR_USAGE);
	CHECK_STR(err.msg, "--set clients[3].name=x: .clients[3]: no such element "
	                   "(.clients has 1 element)");
	unlink(path);
}

int main(void)
{
	RUN(test_minimal_values_and_defaults);
	RUN(test_auto_bucket);
	RUN(test_set_creates_defaulted_objects);
	RUN(test_trace_path_rule);
	RUN(test_every_client_field);
	RUN(test_trace_arrival);
	RUN(test_syntax_errors);
	RUN(test_types_and_ranges);
	RUN(test_keys);
	RUN(test_names);
	RUN(test_quota_pools);
	RUN(test_ptu);
	RUN(test_dists_and_arrivals);
	RUN(test_retry_defaults);
	RUN(test_retry_exponential);
	RUN(test_retry_presets);
	RUN(test_routers);
	RUN(test_faults);
	RUN(test_network_and_pricing);
	RUN(test_onoff_and_closed);
	RUN(test_daily);
	RUN(test_load_file);
	return th_done();
}
