/*
 * test_outages.c - random outages from an availability (issue 9, seed 002):
 * the generator alone over thousands of simulated years (the measured
 * availability converges to the figure, and the mean down time to the
 * MTTR, each within 3 standard errors), the measured share on hand-worked
 * windows, region-wide outages hitting every deployment of the region at
 * once, independence of the processes' streams, and the loader's
 * "outages" with the exact message of each kind of bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratesim/outages.h"
#include "ratesim/rng.h"
#include "ratesim/scenario.h"

#define YEAR_S (365.0 * 86400.0)

/* Availability and down times of o's windows over `years`, checked against
 * A and the MTTR within 3 standard errors.  The availability's standard
 * error is the ratio estimator's over the up-down cycles (each cycle: a
 * window and the up time before the next). */
static void converges(const rs_outage_cfg *o, double years, unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	rs_fault_list l = {0};
	rs_error err = {0};
	double dur = years * YEAR_S;
	CHECK_I64(rs_outages_generate(o, r, dur, &l, &err), RS_OK);
	CHECK(l.n > 1000);
	double down = 0, sum_d = 0, sum_d2 = 0;
	size_t n_full = 0;
	for (size_t i = 0; i < l.n; i++) {
		double d = l.v[i].end_s - l.v[i].start_s;
		CHECK(d > 0);
		CHECK(i == 0 || l.v[i].start_s > l.v[i - 1].end_s); /* apart, in order */
		CHECK(l.v[i].kind == RS_FAULT_DOWN);
		down += d;
		if (l.v[i].end_s < dur) { /* the last one may be cut */
			sum_d += d;
			sum_d2 += d * d;
			n_full++;
		}
	}
	double a = 1 - down / dur;
	/* cycles i: C_i = start_{i+1} - start_i, D_i its window */
	double u = 1 - o->availability, ss = 0, sum_c = 0;
	for (size_t i = 0; i + 1 < l.n; i++) {
		double c = l.v[i + 1].start_s - l.v[i].start_s;
		double d = l.v[i].end_s - l.v[i].start_s;
		ss += (d - u * c) * (d - u * c);
		sum_c += c;
	}
	double se_a = sqrt(ss) / sum_c;
	CHECK_NEAR(a, o->availability, 3 * se_a);
	double mean = sum_d / (double)n_full;
	double sd = sqrt(sum_d2 / (double)n_full - mean * mean);
	CHECK_NEAR(mean, rs_outage_mttr_s(o), 3 * sd / sqrt((double)n_full));
	/* the measure the summary reports says the same */
	rs_deployment_cfg dep = {.name = "d", .region = "r"};
	for (size_t i = 0; i < l.n; i++)
		l.v[i].deployment = "d";
	CHECK_NEAR(rs_outages_measured(l.v, l.n, &dep, 0, dur), a, 1e-9);
	free(l.v);
	gsl_rng_free(r);
}

static void test_exponential_converges(void)
{
	/* 99.9% with an hour's mean repair: a cycle of 1,000 hours, about
	 * 8,760 outages over 1,000 years */
	rs_outage_cfg o = {.deployment = "d",
	                   .availability = 0.999,
	                   .repair_exponential = true,
	                   .repair_mean_s = 3600};
	converges(&o, 1000, 1);
	o.availability = 0.95; /* a poor one, with a 10-minute repair */
	o.repair_mean_s = 600;
	converges(&o, 2, 2);
}

static void test_other_repairs_converge(void)
{
	rs_outage_cfg o = {.deployment = "d",
	                   .availability = 0.99,
	                   .repair = {.kind = RS_DIST_FIXED, .value = 1800}};
	CHECK_NEAR(rs_outage_mttr_s(&o), 1800, 0);
	converges(&o, 100, 3);
	o.repair = (rs_dist_cfg){.kind = RS_DIST_UNIFORM, .min = 60, .max = 7200};
	CHECK_NEAR(rs_outage_mttr_s(&o), 3630, 0);
	converges(&o, 100, 4);
	o.repair = (rs_dist_cfg){.kind = RS_DIST_LOGNORMAL, .median = 1200, .sigma = 0.8};
	CHECK_NEAR(rs_outage_mttr_s(&o), 1200 * exp(0.32), 1e-9);
	converges(&o, 100, 5);
}

static void test_never_down(void)
{
	rs_outage_cfg o = {
	    .deployment = "d", .availability = 1, .repair_exponential = true, .repair_mean_s = 60};
	rs_fault_list l = {0};
	rs_error err = {0};
	CHECK_I64(rs_outages_generate(&o, NULL, YEAR_S, &l, &err), RS_OK);
	CHECK_I64(l.n, 0);
	CHECK_NEAR(rs_outage_expected(&o, YEAR_S), 0, 0);
}

/* Windows worked by hand: [10, 20) and [15, 30) on d overlap (20 s down),
 * [40, 50) on its region, [60, 70) on another deployment, a degrade fault
 * (not an outage) at [80, 90). */
static void test_measured_by_hand(void)
{
	rs_fault_cfg f[] = {
	    {.kind = RS_FAULT_DOWN, .deployment = "d", .start_s = 10, .end_s = 20},
	    {.kind = RS_FAULT_DOWN, .deployment = "d", .start_s = 15, .end_s = 30},
	    {.kind = RS_FAULT_DOWN, .region = "r", .start_s = 40, .end_s = 50},
	    {.kind = RS_FAULT_DOWN, .deployment = "e", .start_s = 60, .end_s = 70},
	    {.kind = RS_FAULT_DEGRADE, .deployment = "d", .start_s = 80, .end_s = 90},
	};
	rs_deployment_cfg d = {.name = "d", .region = "r"};
	CHECK_NEAR(rs_outages_measured(f, 5, &d, 0, 100), 0.7, 1e-12);
	CHECK_NEAR(rs_outages_measured(f, 5, &d, 25, 100), 1 - 15.0 / 75, 1e-12); /* warm-up */
	CHECK_NEAR(rs_outages_measured(f, 5, &d, 100, 100), 1, 0);
	rs_deployment_cfg e = {.name = "e", .region = "s"};
	CHECK_NEAR(rs_outages_measured(f, 5, &e, 0, 100), 0.9, 1e-12);
}

static const char *scenario(const char *outages)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
	         "{ \"name\": \"o\", \"duration_s\": 3456000, \"seed\": 3,\n"
	         "  \"deployments\": [\n"
	         "    { \"name\": \"a\", \"region\": \"eastus\", \"model\": \"gpt-4o\", "
	         "\"tpm\": 1000 },\n"
	         "    { \"name\": \"b\", \"region\": \"eastus\", \"model\": \"gpt-4o-mini\", "
	         "\"tpm\": 1000 },\n"
	         "    { \"name\": \"c\", \"region\": \"westus\", \"model\": \"gpt-4o\", "
	         "\"tpm\": 1000 } ],\n"
	         "  \"faults\": [ { \"kind\": \"down\", \"deployment\": \"c\", \"start_s\": 5, "
	         "\"end_s\": 6 } ],\n"
	         "  \"outages\": [ %s ],\n"
	         "  \"clients\": [ { \"name\": \"k\", \"target\": \"a\",\n"
	         "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 0 },\n"
	         "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ] }",
	         outages);
	return buf;
}

static rs_config *load(const char *text, rs_error *err)
{
	rs_config *cfg = NULL;
	if (rs_scenario_parse("t.json", text, NULL, NULL, 0, &cfg, err) != RS_OK)
		return NULL;
	return cfg;
}

/* A region's outages take every deployment of it down at once, and no
 * other; the scenario's own faults come first, unchanged. */
static void test_region_wide(void)
{
	rs_error err = {0};
	rs_config *cfg = load(scenario("{ \"region\": \"eastus\", \"availability\": 0.99, "
	                               "\"repair_s\": 3600 }"),
	                      &err);
	CHECK(cfg != NULL);
	if (!cfg) {
		printf("  %s\n", err.msg);
		return;
	}
	rs_fault_cfg *f;
	size_t n;
	CHECK_I64(rs_outages_build(cfg, &f, &n, &err), RS_OK);
	CHECK(n > 2);
	CHECK_STR(f[0].deployment, "c");
	CHECK_NEAR(f[0].start_s, 5, 0);
	for (size_t i = 1; i < n; i++) {
		CHECK(f[i].deployment == NULL);
		CHECK_STR(f[i].region, "eastus");
		CHECK_I64(f[i].mode, RS_DOWN_ERROR);
		CHECK_NEAR(f[i].error_ms, 50, 0);
	}
	double a = rs_outages_measured(f, n, &cfg->deployments[0], 0, cfg->duration_s);
	double b = rs_outages_measured(f, n, &cfg->deployments[1], 0, cfg->duration_s);
	double c = rs_outages_measured(f, n, &cfg->deployments[2], 0, cfg->duration_s);
	CHECK(a < 1);
	CHECK_NEAR(a, b, 0);
	CHECK_NEAR(c, 1 - 1 / cfg->duration_s, 1e-12);
	free(f);
	rs_config_free(cfg);
}

/* A second process leaves the first one's windows as they were: each
 * draws from the stream of its own name. */
static void test_streams_independent(void)
{
	rs_error err = {0};
	const char *one = "{ \"deployment\": \"a\", \"availability\": 0.99, \"repair_s\": 600 }";
	char two[512];
	snprintf(two, sizeof two,
	         "{ \"region\": \"westus\", \"availability\": 0.9, \"repair_s\": "
	         "{ \"dist\": \"fixed\", \"value\": 60 } }, %s",
	         one);
	rs_config *c1 = load(scenario(one), &err);
	rs_config *c2 = load(scenario(two), &err);
	CHECK(c1 && c2);
	rs_fault_cfg *f1 = NULL, *f2 = NULL;
	size_t n1 = 0, n2 = 0;
	if (c1 && c2) {
		CHECK_I64(rs_outages_build(c1, &f1, &n1, &err), RS_OK);
		CHECK_I64(rs_outages_build(c2, &f2, &n2, &err), RS_OK);
		size_t k = 0;
		for (size_t i = 0; i < n2; i++) {
			if (!f2[i].deployment || strcmp(f2[i].deployment, "a") != 0)
				continue;
			k++;
			CHECK(k < n1 && f1[k].start_s == f2[i].start_s &&
			      f1[k].end_s == f2[i].end_s);
		}
		CHECK_I64(k, n1 - 1);
		CHECK(n1 > 10);
	}
	free(f1);
	free(f2);
	rs_config_free(c1);
	rs_config_free(c2);
}

static void fails(const char *outages, const char *msg)
{
	rs_error err = {0};
	rs_config *cfg = load(scenario(outages), &err);
	CHECK(cfg == NULL);
	CHECK_I64(err.status, RS_ERR_INVALID);
	CHECK_STR(err.msg, msg);
	rs_config_free(cfg);
}

static void test_loader(void)
{
	rs_error err = {0};
	rs_config *cfg =
	    load(scenario("{ \"deployment\": \"b\", \"availability\": 0.999, \"mode\": \"hang\", "
	                  "\"repair_s\": { \"dist\": \"lognormal\", \"median\": 1800, "
	                  "\"sigma\": 1 } }"),
	         &err);
	CHECK(cfg != NULL);
	if (cfg) {
		const rs_outage_cfg *o = &cfg->outages[0];
		CHECK_I64(cfg->n_outages, 1);
		CHECK_STR(o->deployment, "b");
		CHECK_NEAR(o->availability, 0.999, 0);
		CHECK(!o->repair_exponential);
		CHECK_I64(o->repair.kind, RS_DIST_LOGNORMAL);
		CHECK_I64(o->mode, RS_DOWN_HANG);
		rs_config_free(cfg);
	}
	fails("3", "t.json: .outages[0]: must be an object (got number 3)");
	fails("{ \"availability\": 0.9, \"repair_s\": 60 }",
	      "t.json: .outages[0]: needs \"deployment\" or \"region\"");
	fails("{ \"deployment\": \"a\", \"region\": \"eastus\", \"availability\": 0.9, "
	      "\"repair_s\": 60 }",
	      "t.json: .outages[0]: takes \"deployment\" or \"region\", not both");
	fails("{ \"region\": \"mars\", \"availability\": 0.9, \"repair_s\": 60 }",
	      "t.json: .outages[0].region: no deployment is in region \"mars\" (regions: eastus, "
	      "westus)");
	fails("{ \"deployment\": \"z\", \"availability\": 0.9, \"repair_s\": 60 }",
	      "t.json: .outages[0].deployment: no deployment named \"z\" (deployments: a, b, c)");
	fails("{ \"deployment\": \"a\", \"availability\": 0, \"repair_s\": 60 }",
	      "t.json: .outages[0].availability: must be > 0 and <= 1 (got 0)");
	fails("{ \"deployment\": \"a\", \"availability\": 1.5, \"repair_s\": 60 }",
	      "t.json: .outages[0].availability: must be > 0 and <= 1 (got 1.5)");
	fails("{ \"deployment\": \"a\", \"availability\": 0.9 }",
	      "t.json: .outages[0].repair_s: required key is missing");
	fails("{ \"deployment\": \"a\", \"availability\": 0.9, \"repair_s\": 0.5 }",
	      "t.json: .outages[0].repair_s: must be >= 1 (got 0.5)");
	fails("{ \"deployment\": \"a\", \"availability\": 0.9, \"repair_s\": "
	      "{ \"dist\": \"empirical\", \"file\": \"x.csv\" } }",
	      "t.json: .outages[0].repair_s.dist: must be one of: fixed, uniform, lognormal (got "
	      "string \"empirical\")");
	fails("{ \"deployment\": \"a\", \"availability\": 0.9, \"repair_s\": 60, \"mode\": "
	      "\"hang\", \"error_ms\": 5 }",
	      "t.json: .outages[0].error_ms: not used when mode is \"hang\"");
	fails("{ \"deployment\": \"a\", \"availability\": 0.9, \"repair_s\": 60 }, "
	      "{ \"deployment\": \"a\", \"availability\": 0.5, \"repair_s\": 60 }",
	      "t.json: .outages[1].deployment: \"a\" already has its outages at .outages[0]");
	fails("{ \"deployment\": \"a\", \"availability\": 0.000001, \"repair_s\": 1 }",
	      "t.json: .outages[0].availability: expects about 3455998 outages in the run (at "
	      "most 1000000); raise availability or repair_s");
	fails("{ \"deployment\": \"a\", \"availabilty\": 0.9, \"repair_s\": 60 }",
	      "t.json: .outages[0].availabilty: unknown key; did you mean \"availability\"?");
}

/* A hang writes no error_ms into the effective scenario (it would not
 * reload: "not used when mode is hang"), for an outage and a fault alike. */
static void test_hang_reloads(void)
{
	static const char *const text =
	    "{ \"name\": \"h\", \"duration_s\": 600,\n"
	    "  \"deployments\": [ { \"name\": \"a\", \"region\": \"eastus\", \"model\": "
	    "\"gpt-4o\", "
	    "\"tpm\": 1000 } ],\n"
	    "  \"faults\": [ { \"kind\": \"down\", \"deployment\": \"a\", \"start_s\": 5, "
	    "\"end_s\": 6, \"mode\": \"hang\" } ],\n"
	    "  \"outages\": [ { \"deployment\": \"a\", \"availability\": 0.99, \"repair_s\": 60, "
	    "\"mode\": \"hang\" } ],\n"
	    "  \"clients\": [ { \"name\": \"k\", \"target\": \"a\",\n"
	    "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 1 },\n"
	    "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ] }";
	rs_error err = {0};
	rs_config *a = load(text, &err);
	CHECK(a != NULL);
	if (!a) {
		printf("  %s\n", err.msg);
		return;
	}
	CHECK_I64(a->faults[0].mode, RS_DOWN_HANG);
	CHECK_I64(a->outages[0].mode, RS_DOWN_HANG);
	CHECK(strstr(a->effective_json, "error_ms") == NULL);
	rs_config *b = load(a->effective_json, &err);
	CHECK(b != NULL);
	if (!b)
		printf("  %s\n", err.msg);
	else
		CHECK_STR(b->effective_json, a->effective_json);
	rs_config_free(a);
	rs_config_free(b);
}

/* The outages' windows count in the memory estimate (about 256 bytes each,
 * measured 216): 864,001 of them do not fit in 100 MB. */
static void test_budget(void)
{
	static const char *const text =
	    "{ \"name\": \"b\", \"duration_s\": 34560000, \"bucket_s\": 86400,\n"
	    "  \"limits\": { \"max_memory_mb\": 100 },\n"
	    "  \"deployments\": [ { \"name\": \"a\", \"region\": \"eastus\", \"model\": "
	    "\"gpt-4o\", "
	    "\"tpm\": 1000 } ],\n"
	    "  \"outages\": [ { \"deployment\": \"a\", \"availability\": 0.975, \"repair_s\": 1 } "
	    "],\n"
	    "  \"clients\": [ { \"name\": \"k\", \"target\": \"a\",\n"
	    "    \"arrival\": { \"process\": \"constant\", \"rate_rps\": 0 },\n"
	    "    \"prompt_tokens\": 10, \"output_tokens\": 10 } ] }";
	rs_error err = {0};
	rs_config *cfg = load(text, &err);
	CHECK(cfg == NULL);
	CHECK_STR(err.msg,
	          "t.json: .outages[0].availability: a run with about 864001 random outages "
	          "takes about 220 MB of memory (estimate), over the budget of 100 MB; to "
	          "allow it, set limits.max_memory_mb in the scenario, or give "
	          "--max-memory MB");
	rs_config_free(cfg);
}

int main(void)
{
	RUN(test_exponential_converges);
	RUN(test_other_repairs_converge);
	RUN(test_never_down);
	RUN(test_measured_by_hand);
	RUN(test_region_wide);
	RUN(test_streams_independent);
	RUN(test_loader);
	RUN(test_hang_reloads);
	RUN(test_budget);
	return th_done();
}
