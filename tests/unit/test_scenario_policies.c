/*
 * test_scenario_policies.c - the loader's clients' policies and the world
 * around them: the retry family and its presets, routers, faults, the
 * network matrix, pricing, and the onoff / closed / daily arrivals; every
 * parsed value and default, and the exact message of each error; the daily
 * expansion against rates worked out by hand.  The fixture (a minimal
 * scenario, parse_ok, parse_fails) is scenario_fixture.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratesim/models.h"
#include "ratesim/scenario.h"
#include "scenario_fixture.h"

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

int main(void)
{
	RUN(test_retry_defaults);
	RUN(test_retry_exponential);
	RUN(test_retry_presets);
	RUN(test_routers);
	RUN(test_faults);
	RUN(test_network_and_pricing);
	RUN(test_onoff_and_closed);
	RUN(test_daily);
	return th_done();
}
