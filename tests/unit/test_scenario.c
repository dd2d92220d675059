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
 * and the onoff / closed / daily arrivals are in test_scenario_policies.c;
 * the shared fixture is scenario_fixture.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "ratesim/models.h"
#include "ratesim/scenario.h"
#include "scenario_fixture.h"

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
	RUN(test_load_file);
	return th_done();
}
