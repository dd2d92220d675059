/*
 * test_models.c - the built-in model table.
 *
 * Three kinds of check: every row is internally sane (positive where the
 * simulation divides by it, PTU minimum a multiple of the increment when the
 * kind is offered, output ratio >= 1); the figures the seeds and the public
 * docs give are in the table exactly (seed 000's quotas and the RPM they
 * imply, seed 003's PTU figures, the PTU-2604 table for the newer models,
 * the dated price snapshot, a longer PTU commitment being cheaper per hour);
 * and rs_models_find finds every row by name and nothing else.
 */
#include "ratesim/models.h"

#include "harness.h"

/* The models the brief requires, in no particular order. */
static const char *const required[] = {
    "gpt-35-turbo", "gpt-4",        "gpt-4-32k", "gpt-4o", "gpt-4o-mini",
    "gpt-4.1",      "gpt-4.1-mini", "o3-mini",   "gpt-5",
};
#define N_REQUIRED (sizeof required / sizeof required[0])

/* The row called name; a test failure (and NULL) when it is missing. */
static const rs_model *row(const char *name)
{
	size_t n;
	const rs_model *m = rs_models_builtin(&n);
	int i = rs_models_find(m, n, name);
	if (i < 0) {
		TH_FAIL("model %s missing", name);
		return NULL;
	}
	return &m[i];
}

/* RPM = rpm_per_1k_tpm * TPM / 1000 (MODEL.md section 4). */
static double rpm_of(const rs_model *m)
{
	return m->rpm_per_1k_tpm * (double)m->quota_tpm_default / 1000.0;
}

static void test_builtin_count_and_null_n(void)
{
	size_t n = 0;
	const rs_model *a = rs_models_builtin(&n);
	const rs_model *b = rs_models_builtin(NULL);
	CHECK(a != NULL);
	CHECK(a == b); /* one static table */
	CHECK(n >= N_REQUIRED);
}

static void test_required_models_present(void)
{
	size_t n;
	const rs_model *m = rs_models_builtin(&n);
	for (size_t k = 0; k < N_REQUIRED; k++) {
		int i = rs_models_find(m, n, required[k]);
		if (i < 0)
			TH_FAIL("required model %s missing", required[k]);
		else
			CHECK_STR(m[i].name, required[k]);
	}
}

static void test_names_unique_and_terminated(void)
{
	size_t n;
	const rs_model *m = rs_models_builtin(&n);
	for (size_t i = 0; i < n; i++) {
		CHECK(m[i].name[0] != '\0');
		CHECK(memchr(m[i].name, '\0', RS_MODEL_NAME_MAX) != NULL);
		for (size_t j = i + 1; j < n; j++) {
			if (strcmp(m[i].name, m[j].name) == 0)
				TH_FAIL("name %s appears at rows %zu and %zu", m[i].name, i, j);
		}
	}
}

/* A provisioned kind is offered iff its minimum is > 0; then the minimum is
 * a positive multiple of the increment.  Not offered: increment 0 too. */
static void check_sizes(const char *name, const char *kind, int min, int inc)
{
	if (min < 0 || inc < 0) {
		TH_FAIL("%s %s: negative size (min %d, inc %d)", name, kind, min, inc);
		return;
	}
	if (min == 0) {
		if (inc != 0)
			TH_FAIL("%s %s: not offered but increment %d", name, kind, inc);
		return;
	}
	if (inc == 0 || min % inc != 0)
		TH_FAIL("%s %s: minimum %d not a multiple of increment %d", name, kind, min, inc);
}

/* Hours in a month and a year, as the pricing pages count them. */
#define HOURS_PER_MONTH 730.0
#define HOURS_PER_YEAR  8760.0

/* A provisioned kind's prices: all positive, and a longer commitment is
 * cheaper per hour (hourly > monthly reservation > yearly reservation). */
static void check_ptu_prices(const char *name, const char *kind, double hour, double month,
                             double year)
{
	if (!(hour > 0.0 && month > 0.0 && year > 0.0))
		TH_FAIL("%s %s: PTU prices must be > 0 (%g, %g, %g)", name, kind, hour, month,
		        year);
	if (!(month / HOURS_PER_MONTH < hour))
		TH_FAIL("%s %s: monthly %g not cheaper than hourly %g", name, kind, month, hour);
	if (!(year / HOURS_PER_YEAR < month / HOURS_PER_MONTH))
		TH_FAIL("%s %s: yearly %g not cheaper than monthly %g", name, kind, year, month);
}

static void test_every_row_sane(void)
{
	size_t n;
	const rs_model *m = rs_models_builtin(&n);
	for (size_t i = 0; i < n; i++) {
		const rs_model *r = &m[i];
		th_cur = r->name; /* failures name the row */
		CHECK(r->quota_tpm_default > 0);
		CHECK(r->rpm_per_1k_tpm > 0.0);
		/* At least one request per minute at the default quota. */
		CHECK(rpm_of(r) >= 1.0);
		CHECK(r->max_tokens_default > 0);
		CHECK(r->rtt_ms >= 0.0);
		CHECK(r->ttft_base_ms > 0.0);
		CHECK(r->ttft_per_1k_prompt_ms >= 0.0);
		CHECK(r->tokens_per_s > 0.0);
		CHECK(r->sigma >= 0.0);
		CHECK(r->load_sigma >= 0.0);
		CHECK(r->throttle_ms >= 0.0);
		CHECK(r->output_ratio >= 1.0);
		CHECK(r->ptu_tokens_per_s > 0.0);
		CHECK(r->ptu_sigma >= 0.0);
		/* Provisioned holds its target: less variation than standard. */
		CHECK(r->ptu_sigma < r->sigma);
		check_sizes(r->name, "global", r->ptu_min_global, r->ptu_inc_global);
		check_sizes(r->name, "regional", r->ptu_min_regional, r->ptu_inc_regional);
		if (r->ptu_min_global > 0 || r->ptu_min_regional > 0)
			CHECK(r->input_tpm_per_ptu > 0.0);
		else
			CHECK(r->input_tpm_per_ptu == 0.0);
		CHECK(r->price_input_per_1m > 0.0);
		CHECK(r->price_output_per_1m > 0.0);
		/* Data zone and regional standard never cost less than global. */
		CHECK(r->price_input_per_1m_data_zone >= r->price_input_per_1m);
		CHECK(r->price_output_per_1m_data_zone >= r->price_output_per_1m);
		CHECK(r->price_input_per_1m_regional >= r->price_input_per_1m);
		CHECK(r->price_output_per_1m_regional >= r->price_output_per_1m);
		check_ptu_prices(r->name, "global", r->price_ptu_hour_global,
		                 r->price_ptu_month_global, r->price_ptu_year_global);
		check_ptu_prices(r->name, "data zone", r->price_ptu_hour_data_zone,
		                 r->price_ptu_month_data_zone, r->price_ptu_year_data_zone);
		check_ptu_prices(r->name, "regional", r->price_ptu_hour_regional,
		                 r->price_ptu_month_regional, r->price_ptu_year_regional);
		/* Global is the cheapest provisioned kind, regional the dearest. */
		CHECK(r->price_ptu_hour_global <= r->price_ptu_hour_data_zone);
		CHECK(r->price_ptu_hour_data_zone <= r->price_ptu_hour_regional);
		CHECK(r->source != NULL && r->source[0] != '\0');
		/* the service model's capacities (service.h) are positive */
		CHECK(r->service_share > 0 && r->ptu_service_share > 0);
	}
	th_cur = "test_every_row_sane";
}

/* seed 000: gpt-3.5 240K TPM and 1,440 RPM per region; gpt-4 20K / 120;
 * gpt-4-32k 60K / 360; 6 RPM per 1000 TPM. */
static void test_seed_000_quotas(void)
{
	const rs_model *m;
	if ((m = row("gpt-35-turbo"))) {
		CHECK_I64(m->quota_tpm_default, 240000);
		CHECK(m->rpm_per_1k_tpm == 6.0);
		CHECK(rpm_of(m) == 1440.0);
	}
	if ((m = row("gpt-4"))) {
		CHECK_I64(m->quota_tpm_default, 20000);
		CHECK(m->rpm_per_1k_tpm == 6.0);
		CHECK(rpm_of(m) == 120.0);
	}
	if ((m = row("gpt-4-32k"))) {
		CHECK_I64(m->quota_tpm_default, 60000);
		CHECK(m->rpm_per_1k_tpm == 6.0);
		CHECK(rpm_of(m) == 360.0);
	}
}

/* seed 000's regional totals: 7 regions of gpt-3.5 give 1,680K TPM. */
static void test_seed_000_seven_regions(void)
{
	const rs_model *m = row("gpt-35-turbo");
	if (m)
		CHECK_I64(7 * m->quota_tpm_default, 1680000);
}

/* seed 003: gpt-4o 2,500 input TPM per PTU, 15/5 global, 50/50 regional,
 * 25 tokens/s; gpt-4o-mini 37,000, 15/5, 25/25, 33 tokens/s; ratio 3. */
static void test_seed_003_ptu(void)
{
	const rs_model *m;
	if ((m = row("gpt-4o"))) {
		CHECK(m->input_tpm_per_ptu == 2500.0);
		CHECK(m->output_ratio == 3.0);
		CHECK_I64(m->ptu_min_global, 15);
		CHECK_I64(m->ptu_inc_global, 5);
		CHECK_I64(m->ptu_min_regional, 50);
		CHECK_I64(m->ptu_inc_regional, 50);
		CHECK(m->ptu_tokens_per_s == 25.0);
		CHECK_I64(m->max_tokens_default, 4096); /* documented default */
	}
	if ((m = row("gpt-4o-mini"))) {
		CHECK(m->input_tpm_per_ptu == 37000.0);
		CHECK(m->output_ratio == 3.0);
		CHECK_I64(m->ptu_min_global, 15);
		CHECK_I64(m->ptu_inc_global, 5);
		CHECK_I64(m->ptu_min_regional, 25);
		CHECK_I64(m->ptu_inc_regional, 25);
		CHECK(m->ptu_tokens_per_s == 33.0);
	}
}

/* seed 003's derived output figure: 2,500 / 3 = 833 output TPM per PTU for
 * gpt-4o and 37,000 / 3 = 12,333 for gpt-4o-mini (the 2024 docs' "Max
 * Output TPM per PTU" row), so the ratio is the one the docs used. */
static void test_seed_003_output_tpm(void)
{
	const rs_model *m;
	if ((m = row("gpt-4o")))
		CHECK_I64((long long)(m->input_tpm_per_ptu / m->output_ratio), 833);
	if ((m = row("gpt-4o-mini")))
		CHECK_I64((long long)(m->input_tpm_per_ptu / m->output_ratio), 12333);
}

/* PTU-2604 (and PTU-2508) for the newer models. */
static void test_newer_models_ptu(void)
{
	const rs_model *m;
	if ((m = row("gpt-4.1"))) {
		CHECK(m->input_tpm_per_ptu == 3000.0);
		CHECK(m->output_ratio == 4.0);
		CHECK_I64(m->ptu_min_regional, 50);
		CHECK(m->ptu_tokens_per_s == 80.0);
	}
	if ((m = row("gpt-4.1-mini"))) {
		CHECK(m->input_tpm_per_ptu == 14900.0);
		CHECK(m->output_ratio == 4.0);
		CHECK_I64(m->ptu_min_regional, 25);
		CHECK(m->ptu_tokens_per_s == 90.0);
	}
	if ((m = row("o3-mini"))) {
		CHECK(m->input_tpm_per_ptu == 2500.0);
		CHECK_I64(m->ptu_min_regional, 25);
		CHECK(m->rpm_per_1k_tpm == 0.1);    /* 1 RPM per 10,000 TPM */
		CHECK_NEAR(rpm_of(m), 500.0, 1e-9); /* QL-2507 default 5M / 500 */
	}
	if ((m = row("gpt-5"))) {
		CHECK(m->input_tpm_per_ptu == 4750.0);
		CHECK(m->output_ratio == 8.0);
		CHECK_I64(m->ptu_min_global, 15);
		CHECK_I64(m->ptu_inc_global, 5);
		CHECK_I64(m->ptu_min_regional, 50);
		CHECK(m->ptu_tokens_per_s == 50.0);
	}
}

/* The older models carry no provisioned offer in the table. */
static void test_older_models_not_provisioned(void)
{
	static const char *const older[] = {"gpt-35-turbo", "gpt-4", "gpt-4-32k"};
	for (size_t k = 0; k < sizeof older / sizeof older[0]; k++) {
		const rs_model *m = row(older[k]);
		if (!m)
			continue;
		CHECK_I64(m->ptu_min_global, 0);
		CHECK_I64(m->ptu_min_regional, 0);
	}
}

/* gpt-4o's documented standard default: 150K TPM and 900 RPM (QL-2411). */
static void test_gpt4o_standard_default(void)
{
	const rs_model *m = row("gpt-4o");
	if (m) {
		CHECK_I64(m->quota_tpm_default, 150000);
		CHECK(rpm_of(m) == 900.0);
	}
}

/* The dated price snapshot: global standard list prices, the 1.1 x premium
 * of data zone and regional standard, and the per-kind PTU prices (models.c
 * names the sources). */
static void test_prices(void)
{
	const rs_model *m;
	CHECK(strlen(RS_MODELS_PRICE_SNAPSHOT) == 7); /* YYYY-MM */
	if ((m = row("gpt-4o"))) {
		CHECK(m->price_input_per_1m == 2.50);
		CHECK(m->price_output_per_1m == 10.00);
		CHECK(m->price_input_per_1m_regional == 2.75);
		CHECK(m->price_output_per_1m_regional == 11.00);
		CHECK(m->price_input_per_1m_data_zone == 2.75);
		CHECK(m->price_output_per_1m_data_zone == 11.00);
		CHECK(m->price_ptu_hour_global == 1.00);
		CHECK(m->price_ptu_hour_data_zone == 1.10);
		CHECK(m->price_ptu_hour_regional == 2.00);
		CHECK(m->price_ptu_month_global == 260.0);
		CHECK(m->price_ptu_year_global == 2652.0);
		CHECK_NEAR(m->price_ptu_year_global / 12.0, 221.0, 1e-9); /* $221 a month */
		CHECK(m->price_ptu_month_regional == 286.0);
		CHECK(m->price_ptu_year_regional == 2916.0);
	}
	/* 1.1 x global, written out, for every model sold on all kinds. */
	static const char *const newer[] = {"gpt-4o",       "gpt-4o-mini", "gpt-4.1",
	                                    "gpt-4.1-mini", "o3-mini",     "gpt-5"};
	for (size_t k = 0; k < sizeof newer / sizeof newer[0]; k++) {
		if (!(m = row(newer[k])))
			continue;
		th_cur = m->name;
		CHECK_NEAR(m->price_input_per_1m_regional, 1.1 * m->price_input_per_1m, 1e-9);
		CHECK_NEAR(m->price_output_per_1m_regional, 1.1 * m->price_output_per_1m, 1e-9);
		CHECK_NEAR(m->price_input_per_1m_data_zone, 1.1 * m->price_input_per_1m, 1e-9);
		CHECK_NEAR(m->price_output_per_1m_data_zone, 1.1 * m->price_output_per_1m, 1e-9);
	}
	th_cur = "test_prices";
	/* PTUs are model-independent: every row has the same PTU prices. */
	size_t n;
	const rs_model *t = rs_models_builtin(&n);
	for (size_t i = 1; i < n; i++) {
		CHECK(t[i].price_ptu_hour_global == t[0].price_ptu_hour_global);
		CHECK(t[i].price_ptu_hour_data_zone == t[0].price_ptu_hour_data_zone);
		CHECK(t[i].price_ptu_hour_regional == t[0].price_ptu_hour_regional);
		CHECK(t[i].price_ptu_month_global == t[0].price_ptu_month_global);
		CHECK(t[i].price_ptu_month_data_zone == t[0].price_ptu_month_data_zone);
		CHECK(t[i].price_ptu_month_regional == t[0].price_ptu_month_regional);
		CHECK(t[i].price_ptu_year_global == t[0].price_ptu_year_global);
		CHECK(t[i].price_ptu_year_data_zone == t[0].price_ptu_year_data_zone);
		CHECK(t[i].price_ptu_year_regional == t[0].price_ptu_year_regional);
	}
}

static void test_find(void)
{
	size_t n;
	const rs_model *m = rs_models_builtin(&n);
	for (size_t i = 0; i < n; i++)
		CHECK_I64(rs_models_find(m, n, m[i].name), (long long)i);
	CHECK_I64(rs_models_find(m, n, "gpt-6"), -1);
	CHECK_I64(rs_models_find(m, n, ""), -1);
	CHECK_I64(rs_models_find(m, n, "GPT-4O"), -1);  /* exact, case-sensitive */
	CHECK_I64(rs_models_find(m, n, "gpt-4o "), -1); /* no trimming */
	CHECK_I64(rs_models_find(m, n, "gpt-4o-"), -1); /* no prefix match */
	CHECK_I64(rs_models_find(m, n, "gpt"), -1);
	CHECK_I64(rs_models_find(m, n, NULL), -1);
	CHECK_I64(rs_models_find(NULL, 0, "gpt-4o"), -1);
	CHECK_I64(rs_models_find(m, 0, "gpt-4o"), -1);
}

/* A copied table (as the loader makes) is searched the same way, and a row
 * added by a scenario is found after the built-in ones. */
static void test_find_in_copy(void)
{
	size_t n;
	const rs_model *m = rs_models_builtin(&n);
	rs_model copy[32];
	if (n + 1 > sizeof copy / sizeof copy[0]) {
		TH_FAIL("table larger than the test's copy (%zu rows)", n);
		return;
	}
	memcpy(copy, m, n * sizeof *m);
	copy[n] = copy[0];
	snprintf(copy[n].name, sizeof copy[n].name, "%s", "my-finetune");
	CHECK_I64(rs_models_find(copy, n + 1, "my-finetune"), (long long)n);
	CHECK_I64(rs_models_find(copy, n, "my-finetune"), -1);
	CHECK_I64(rs_models_find(copy, n + 1, "gpt-5"), rs_models_find(m, n, "gpt-5"));
}

int main(void)
{
	RUN(test_builtin_count_and_null_n);
	RUN(test_required_models_present);
	RUN(test_names_unique_and_terminated);
	RUN(test_every_row_sane);
	RUN(test_seed_000_quotas);
	RUN(test_seed_000_seven_regions);
	RUN(test_seed_003_ptu);
	RUN(test_seed_003_output_tpm);
	RUN(test_newer_models_ptu);
	RUN(test_older_models_not_provisioned);
	RUN(test_gpt4o_standard_default);
	RUN(test_prices);
	RUN(test_find);
	RUN(test_find_in_copy);
	return th_done();
}
