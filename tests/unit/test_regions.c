/*
 * test_regions.c - which regions offer which model (issue 9, seed 000):
 * the table holds the seeds' lists as they were published, the loader
 * warns (and changes nothing else) about a regional deployment of a model
 * in a region no list names, strict_availability makes that an error with
 * the exact message, and models without a list or non-regional kinds are
 * not checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratesim/regions.h"
#include "ratesim/scenario.h"

/* Seed 000, slides 13 and 14 (2023-08); seed 002, slide 22 (2023-05). */
static void test_table_holds_the_seeds(void)
{
	size_t n;
	const rs_region_list *t = rs_regions_table(&n);
	CHECK_I64(n, 3);
	size_t n35 = 0, n4 = 0;
	for (size_t i = 0; i < n; i++) {
		CHECK(t[i].as_of && strlen(t[i].as_of) == 7); /* YYYY-MM */
		CHECK(t[i].source && t[i].version);
		if (!strcmp(t[i].model, "gpt-35-turbo") && !strcmp(t[i].version, "0613"))
			n35 = t[i].n_regions;
		if (!strcmp(t[i].model, "gpt-4") && !strcmp(t[i].version, "0613"))
			n4 = t[i].n_regions;
	}
	CHECK_I64(n35, 7);
	CHECK_I64(n4, 6);
	const char *gpt4[] = {"canadaeast",    "eastus",    "eastus2",
	                      "francecentral", "japaneast", "uksouth"};
	for (size_t i = 0; i < 6; i++)
		CHECK(rs_regions_offers("gpt-4", gpt4[i]));
	CHECK(!rs_regions_offers("gpt-4", "northcentralus")); /* 3.5 only, in 2023-08 */
	CHECK(rs_regions_offers("gpt-35-turbo", "northcentralus"));
	CHECK(rs_regions_offers("gpt-35-turbo", "westeurope")); /* 0301, 2023-05 */
	CHECK(!rs_regions_offers("gpt-4", "westeurope"));
	CHECK(!rs_regions_offers("gpt-4", "swedencentral"));
	CHECK(rs_regions_known("gpt-4"));
	CHECK(!rs_regions_known("gpt-4o"));
	CHECK(!rs_regions_offers("gpt-4o", "eastus")); /* no list: ask known first */
	char buf[512];
	rs_regions_describe("gpt-4", buf, sizeof buf);
	CHECK_STR(buf, "canadaeast, eastus, eastus2, francecentral, japaneast, uksouth (0613, as "
	               "of 2023-08, seed 000)");
	rs_regions_describe("gpt-35-turbo", buf, 20); /* cut, terminated */
	CHECK_I64(strlen(buf), 19);
}

/* A scenario with a deployment of gpt-4 in eastus (offered) and `dep`. */
static const char *scenario(const char *top, const char *dep)
{
	static char buf[2048];
	snprintf(buf, sizeof buf,
	         "{ \"name\": \"r\", \"duration_s\": 600, %s\n"
	         "  \"deployments\": [\n"
	         "    { \"name\": \"ok\", \"region\": \"eastus\", \"model\": \"gpt-4\", "
	         "\"tpm\": 1000 },\n"
	         "    { \"name\": \"d\", %s } ],\n"
	         "  \"clients\": [ { \"name\": \"c\", \"target\": \"d\",\n"
	         "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 1 },\n"
	         "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ] }",
	         top, dep);
	return buf;
}

static rs_config *load(const char *text, rs_error *err)
{
	rs_config *cfg = NULL;
	if (rs_scenario_parse("t.json", text, NULL, NULL, 0, &cfg, err) != RS_OK)
		return NULL;
	return cfg;
}

/* The load succeeds with `want` warnings, the first being `first`. */
static void warnings_of(const char *text, size_t want, const char *first)
{
	rs_error err = {0};
	rs_config *cfg = load(text, &err);
	CHECK(cfg != NULL);
	if (!cfg) {
		printf("  %s\n", err.msg);
		return;
	}
	CHECK_I64(cfg->n_warnings, want);
	if (want && cfg->n_warnings)
		CHECK_STR(cfg->warnings[0], first);
	rs_config_free(cfg);
}

#define WE_GPT4 "\"region\": \"westeurope\", \"model\": \"gpt-4\", \"tpm\": 1000"
#define WARNING                                                                                    \
	"t.json: .deployments[1].region: gpt-4 is not offered in westeurope (offered in: "         \
	"canadaeast, eastus, eastus2, francecentral, japaneast, uksouth (0613, as of 2023-08, "    \
	"seed 000))"

static void test_loader_warns(void)
{
	warnings_of(scenario("", WE_GPT4), 1, WARNING);
	warnings_of(scenario("\"strict_availability\": false,", WE_GPT4), 1, WARNING);
	/* offered; no list for the model; a global deployment: nothing said */
	warnings_of(scenario("", "\"region\": \"japaneast\", \"model\": \"gpt-4\", \"tpm\": 1000"),
	            0, NULL);
	warnings_of(
	    scenario("", "\"region\": \"westeurope\", \"model\": \"gpt-4o\", \"tpm\": 1000"), 0,
	    NULL);
	warnings_of(scenario("", "\"region\": \"westeurope\", \"model\": \"gpt-4\", \"kind\": "
	                         "\"global_standard\", \"tpm\": 1000"),
	            0, NULL);
	/* seed 002's 0301 list still counts for gpt-35-turbo */
	warnings_of(
	    scenario("", "\"region\": \"westeurope\", \"model\": \"gpt-35-turbo\", \"tpm\": 1000"),
	    0, NULL);
}

/* The warning is said, not kept: the effective scenario holds no trace of
 * it, and loading that text again says it again. */
static void test_warning_not_kept(void)
{
	rs_error err = {0};
	rs_config *a = load(scenario("", WE_GPT4), &err);
	CHECK(a != NULL);
	if (!a)
		return;
	CHECK(strstr(a->effective_json, "offered") == NULL);
	CHECK(strstr(a->effective_json, "\"strict_availability\":\tfalse") != NULL);
	rs_config *b = load(a->effective_json, &err);
	CHECK(b && b->n_warnings == 1);
	if (b && b->n_warnings == 1)
		CHECK_STR(b->warnings[0], WARNING);
	rs_config_free(a);
	rs_config_free(b);
}

static void test_strict(void)
{
	rs_error err = {0};
	rs_config *cfg = load(scenario("\"strict_availability\": true,", WE_GPT4), &err);
	CHECK(cfg == NULL);
	CHECK_I64(err.status, RS_ERR_INVALID);
	CHECK_STR(err.msg, WARNING "; strict_availability is true");
	rs_config_free(cfg);
	cfg = load(scenario("\"strict_availability\": true,",
	                    "\"region\": \"uksouth\", \"model\": \"gpt-4\", \"tpm\": 1000"),
	           &err);
	CHECK(cfg != NULL && cfg->strict_availability && cfg->n_warnings == 0);
	rs_config_free(cfg);
	cfg = load(scenario("\"strict_availability\": 1,", WE_GPT4), &err);
	CHECK(cfg == NULL);
	CHECK_STR(err.msg, "t.json: .strict_availability: must be true or false (got number 1)");
	rs_config_free(cfg);
}

int main(void)
{
	RUN(test_table_holds_the_seeds);
	RUN(test_loader_warns);
	RUN(test_warning_not_kept);
	RUN(test_strict);
	return th_done();
}
