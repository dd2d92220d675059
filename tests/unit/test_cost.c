/*
 * test_cost.c - the cost of a run (cost.h), against hand-computed figures.
 *
 * The configuration is built by hand: a copy of the built-in model table
 * (as the loader makes) and a few deployments.  Each figure below is worked
 * out in the comment beside it.  Some tests set round prices on the copy, so
 * that they pin the formula whatever the snapshot says; others use the
 * built-in prices, so that they pin the snapshot's per-kind difference.
 */
#include "ratesim/cost.h"

#include "harness.h"

#define MAX_MODELS 32

/* A hand-made configuration: one deployment of model `model` and kind k. */
typedef struct fixture {
	rs_model models[MAX_MODELS];
	rs_deployment_cfg deps[4];
	rs_config cfg;
} fixture;

/* Fill f with the built-in table and n_deps deployments of gpt-4o, all of
 * kind k and `ptu` PTUs, named d0, d1, ...  Hourly billing. */
static void fixture_init(fixture *f, rs_kind k, int64_t ptu, size_t n_deps)
{
	static char *const names[] = {"d0", "d1", "d2", "d3"};
	size_t n;
	const rs_model *b = rs_models_builtin(&n);
	memset(f, 0, sizeof *f);
	if (n > MAX_MODELS) {
		TH_FAIL("model table larger than the fixture (%zu rows)", n);
		n = MAX_MODELS;
	}
	memcpy(f->models, b, n * sizeof *b);
	int gpt4o = rs_models_find(f->models, n, "gpt-4o");
	CHECK(gpt4o >= 0);
	for (size_t i = 0; i < n_deps && i < 4; i++) {
		f->deps[i].name = names[i];
		f->deps[i].model = gpt4o;
		f->deps[i].kind = k;
		f->deps[i].ptu = ptu;
	}
	f->cfg.models = f->models;
	f->cfg.n_models = n;
	f->cfg.deployments = f->deps;
	f->cfg.n_deployments = n_deps;
	f->cfg.pricing.ptu_billing = RS_PTU_HOURLY;
}

static rs_model *model_of(fixture *f, size_t d)
{
	return &f->models[f->deps[d].model];
}

/* A 50-PTU regional deployment over 24 h, hourly: 50 x 24 = 1,200 PTU-hours
 * at $2 = $2,400; its tokens cost nothing. */
static void test_regional_hourly_24h(void)
{
	fixture f;
	fixture_init(&f, RS_KIND_PROVISIONED, 50, 1);
	model_of(&f, 0)->price_ptu_hour_regional = 2.0;
	rs_cost_line l;
	rs_cost_deployment(&f.cfg, 0, 24.0, 1000000, 300000, &l);
	CHECK_STR(l.deployment, "d0");
	CHECK(l.ptu_hours == 1200.0);
	CHECK(l.ptu_usd == 2400.0);
	CHECK_I64(l.input_tokens, 1000000);
	CHECK_I64(l.output_tokens, 300000);
	CHECK(l.tokens_usd == 0.0);
	CHECK(l.total_usd == 2400.0);
}

/* The same deployment under a monthly reservation of $260 per PTU:
 * 50 x 260 x 24 / 730 = 312,000 / 730 = 427.3972602739726...; under a
 * yearly one of $2,652: 50 x 2652 x 24 / 8760 = 3,182,400 / 8760 =
 * 363.2876712328767...  PTU-hours do not depend on the billing. */
static void test_regional_reservations_24h(void)
{
	fixture f;
	fixture_init(&f, RS_KIND_PROVISIONED, 50, 1);
	rs_model *m = model_of(&f, 0);
	m->price_ptu_month_regional = 260.0;
	m->price_ptu_year_regional = 2652.0;
	rs_cost_line l;

	f.cfg.pricing.ptu_billing = RS_PTU_MONTHLY;
	rs_cost_deployment(&f.cfg, 0, 24.0, 0, 0, &l);
	CHECK(l.ptu_hours == 1200.0);
	CHECK_NEAR(l.ptu_usd, 312000.0 / 730.0, 1e-9);
	CHECK_NEAR(l.ptu_usd, 427.39726027, 1e-8);
	CHECK(l.total_usd == l.ptu_usd);

	f.cfg.pricing.ptu_billing = RS_PTU_YEARLY;
	rs_cost_deployment(&f.cfg, 0, 24.0, 0, 0, &l);
	CHECK(l.ptu_hours == 1200.0);
	CHECK_NEAR(l.ptu_usd, 3182400.0 / 8760.0, 1e-9);
	CHECK_NEAR(l.ptu_usd, 363.28767123, 1e-8);

	/* A full term costs the term's price: 730 h of a monthly reservation
	 * is 50 x $260 = $13,000; 8760 h of a yearly one 50 x $2,652. */
	f.cfg.pricing.ptu_billing = RS_PTU_MONTHLY;
	rs_cost_deployment(&f.cfg, 0, RS_COST_HOURS_PER_MONTH, 0, 0, &l);
	CHECK_NEAR(l.ptu_usd, 13000.0, 1e-9);
	f.cfg.pricing.ptu_billing = RS_PTU_YEARLY;
	rs_cost_deployment(&f.cfg, 0, RS_COST_HOURS_PER_YEAR, 0, 0, &l);
	CHECK_NEAR(l.ptu_usd, 132600.0, 1e-9);
}

/* A regional standard deployment (RS_KIND_STANDARD) serving 1M input and
 * 250K output tokens at $2.75 / $11.00 per 1M: 2.75 + 2.75 = $5.50.  The
 * global standard one at $2.50 / $10.00: 2.50 + 2.50 = $5.00.  Data zone set
 * to $3 / $12 here: 3 + 3 = $6.  No PTU cost. */
static void test_standard_tokens(void)
{
	fixture f;
	fixture_init(&f, RS_KIND_STANDARD, 0, 3);
	f.deps[1].kind = RS_KIND_GLOBAL_STANDARD;
	f.deps[2].kind = RS_KIND_DATA_ZONE_STANDARD;
	rs_model *m = model_of(&f, 0);
	m->price_input_per_1m = 2.50;
	m->price_output_per_1m = 10.00;
	m->price_input_per_1m_regional = 2.75;
	m->price_output_per_1m_regional = 11.00;
	m->price_input_per_1m_data_zone = 3.00;
	m->price_output_per_1m_data_zone = 12.00;
	rs_cost_line l;

	rs_cost_deployment(&f.cfg, 0, 24.0, 1000000, 250000, &l);
	CHECK_NEAR(l.tokens_usd, 5.50, 1e-12);
	CHECK(l.ptu_hours == 0.0);
	CHECK(l.ptu_usd == 0.0);
	CHECK(l.total_usd == l.tokens_usd);

	rs_cost_deployment(&f.cfg, 1, 24.0, 1000000, 250000, &l);
	CHECK_STR(l.deployment, "d1");
	CHECK_NEAR(l.tokens_usd, 5.00, 1e-12);

	rs_cost_deployment(&f.cfg, 2, 24.0, 1000000, 250000, &l);
	CHECK_NEAR(l.tokens_usd, 6.00, 1e-12);

	/* Token cost does not depend on the run's length or the billing. */
	f.cfg.pricing.ptu_billing = RS_PTU_YEARLY;
	rs_cost_deployment(&f.cfg, 1, 1.0, 1000000, 250000, &l);
	CHECK_NEAR(l.tokens_usd, 5.00, 1e-12);

	/* One token: 2.50 / 1e6 = $0.0000025 (no rounding to cents). */
	rs_cost_deployment(&f.cfg, 1, 1.0, 1, 0, &l);
	CHECK_NEAR(l.tokens_usd, 2.5e-6, 1e-18);
}

/* Zero tokens cost nothing on standard; a provisioned deployment still pays
 * for its PTUs; a run of zero hours costs nothing at all. */
static void test_zero(void)
{
	fixture f;
	fixture_init(&f, RS_KIND_GLOBAL_STANDARD, 0, 2);
	f.deps[1].kind = RS_KIND_GLOBAL_PROVISIONED;
	f.deps[1].ptu = 15;
	model_of(&f, 0)->price_ptu_hour_global = 1.0;
	rs_cost_line l;

	rs_cost_deployment(&f.cfg, 0, 24.0, 0, 0, &l);
	CHECK(l.tokens_usd == 0.0 && l.ptu_usd == 0.0 && l.total_usd == 0.0);

	rs_cost_deployment(&f.cfg, 1, 24.0, 0, 0, &l);
	CHECK(l.ptu_hours == 360.0); /* 15 x 24 */
	CHECK(l.ptu_usd == 360.0);   /* at $1 */
	CHECK(l.tokens_usd == 0.0);

	for (int b = RS_PTU_HOURLY; b <= RS_PTU_YEARLY; b++) {
		f.cfg.pricing.ptu_billing = (rs_ptu_billing)b;
		rs_cost_deployment(&f.cfg, 1, 0.0, 5, 5, &l);
		CHECK(l.ptu_hours == 0.0 && l.ptu_usd == 0.0 && l.total_usd == 0.0);
	}
}

/* With the built-in snapshot, the same 50 PTUs over 24 h hourly cost
 * 1,200 PTU-hours x $1 = $1,200 on global, x $1.10 = $1,320 on data zone and
 * x $2 = $2,400 on regional provisioned. */
static void test_global_vs_regional(void)
{
	fixture f;
	fixture_init(&f, RS_KIND_GLOBAL_PROVISIONED, 50, 3);
	f.deps[1].kind = RS_KIND_DATA_ZONE_PROVISIONED;
	f.deps[2].kind = RS_KIND_PROVISIONED;
	rs_cost_line g, z, r;
	rs_cost_deployment(&f.cfg, 0, 24.0, 0, 0, &g);
	rs_cost_deployment(&f.cfg, 1, 24.0, 0, 0, &z);
	rs_cost_deployment(&f.cfg, 2, 24.0, 0, 0, &r);
	CHECK(g.ptu_hours == 1200.0 && z.ptu_hours == 1200.0 && r.ptu_hours == 1200.0);
	CHECK_NEAR(g.ptu_usd, 1200.0, 1e-9);
	CHECK_NEAR(z.ptu_usd, 1320.0, 1e-9);
	CHECK_NEAR(r.ptu_usd, 2400.0, 1e-9);

	/* Monthly: global 50 x 260 x 24 / 730; regional 50 x 286 x 24 / 730. */
	f.cfg.pricing.ptu_billing = RS_PTU_MONTHLY;
	rs_cost_deployment(&f.cfg, 0, 24.0, 0, 0, &g);
	rs_cost_deployment(&f.cfg, 2, 24.0, 0, 0, &r);
	CHECK_NEAR(g.ptu_usd, 312000.0 / 730.0, 1e-9);
	CHECK_NEAR(r.ptu_usd, 343200.0 / 730.0, 1e-9);
}

/* Tokens spilled from a provisioned deployment are served by its standard
 * spillover target, so they are in that deployment's token counts and billed
 * at its price; the provisioned line only pays for its PTUs. */
static void test_spilled_tokens_at_standard_price(void)
{
	fixture f;
	fixture_init(&f, RS_KIND_PROVISIONED, 50, 2);
	f.deps[0].spillover_index = 1;
	f.deps[1].kind = RS_KIND_STANDARD;
	rs_model *m = model_of(&f, 0);
	m->price_ptu_hour_regional = 2.0;
	m->price_input_per_1m_regional = 2.75;
	m->price_output_per_1m_regional = 11.00;
	rs_cost_line lines[2];
	/* The PTU deployment served 10M in / 1M out; 2M in / 200K out spilled. */
	rs_cost_deployment(&f.cfg, 0, 1.0, 10000000, 1000000, &lines[0]);
	rs_cost_deployment(&f.cfg, 1, 1.0, 2000000, 200000, &lines[1]);
	CHECK(lines[0].ptu_usd == 100.0); /* 50 x 1 h x $2 */
	CHECK(lines[0].tokens_usd == 0.0);
	/* 2 x 2.75 + 0.2 x 11 = 5.50 + 2.20 = $7.70 */
	CHECK_NEAR(lines[1].tokens_usd, 7.70, 1e-12);

	rs_cost total;
	rs_cost_total(&f.cfg, lines, 2, &total);
	CHECK_STR(total.price_snapshot, RS_MODELS_PRICE_SNAPSHOT);
	CHECK(total.billing == RS_PTU_HOURLY);
	CHECK(total.ptu_usd == 100.0);
	CHECK_NEAR(total.tokens_usd, 7.70, 1e-12);
	CHECK_NEAR(total.total_usd, 107.70, 1e-12);
}

/* The total of no lines is zero, with the snapshot and the billing set. */
static void test_total_empty(void)
{
	fixture f;
	fixture_init(&f, RS_KIND_STANDARD, 0, 0);
	f.cfg.pricing.ptu_billing = RS_PTU_YEARLY;
	rs_cost total;
	memset(&total, 0xff, sizeof total);
	rs_cost_total(&f.cfg, NULL, 0, &total);
	CHECK(total.ptu_usd == 0.0 && total.tokens_usd == 0.0 && total.total_usd == 0.0);
	CHECK(total.billing == RS_PTU_YEARLY);
	CHECK_STR(total.price_snapshot, RS_MODELS_PRICE_SNAPSHOT);
}

/* A scenario's override of a price changes the cost: the prices are read
 * from the configuration's table, not from the built-in one. */
static void test_override_is_used(void)
{
	fixture f;
	fixture_init(&f, RS_KIND_GLOBAL_PROVISIONED, 20, 1);
	rs_cost_line l;
	rs_cost_deployment(&f.cfg, 0, 10.0, 0, 0, &l);
	CHECK_NEAR(l.ptu_usd, 200.0, 1e-9); /* 20 x 10 h x $1 (built-in) */
	model_of(&f, 0)->price_ptu_hour_global = 0.75;
	rs_cost_deployment(&f.cfg, 0, 10.0, 0, 0, &l);
	CHECK_NEAR(l.ptu_usd, 150.0, 1e-9); /* 20 x 10 h x $0.75 */
}

static void test_billing_names(void)
{
	CHECK_STR(rs_cost_billing_name(RS_PTU_HOURLY), "hourly");
	CHECK_STR(rs_cost_billing_name(RS_PTU_MONTHLY), "monthly");
	CHECK_STR(rs_cost_billing_name(RS_PTU_YEARLY), "yearly");
	rs_ptu_billing b = RS_PTU_HOURLY;
	CHECK(rs_cost_billing_parse("yearly", &b) && b == RS_PTU_YEARLY);
	CHECK(rs_cost_billing_parse("monthly", &b) && b == RS_PTU_MONTHLY);
	CHECK(rs_cost_billing_parse("hourly", &b) && b == RS_PTU_HOURLY);
	b = RS_PTU_MONTHLY;
	CHECK(!rs_cost_billing_parse("Hourly", &b) && b == RS_PTU_MONTHLY);
	CHECK(!rs_cost_billing_parse("annual", &b) && b == RS_PTU_MONTHLY);
	CHECK(!rs_cost_billing_parse("", &b) && b == RS_PTU_MONTHLY);
	CHECK(!rs_cost_billing_parse(NULL, &b) && b == RS_PTU_MONTHLY);
}

int main(void)
{
	RUN(test_regional_hourly_24h);
	RUN(test_regional_reservations_24h);
	RUN(test_standard_tokens);
	RUN(test_zero);
	RUN(test_global_vs_regional);
	RUN(test_spilled_tokens_at_standard_price);
	RUN(test_total_empty);
	RUN(test_override_is_used);
	RUN(test_billing_names);
	return th_done();
}
