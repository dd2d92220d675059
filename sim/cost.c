/*
 * cost.c - PTU and token cost of a run (see cost.h).
 *
 * Which prices: a deployment's kind picks the columns of its model's row
 * (models.h): global / data zone / regional standard token prices, and the
 * global / data zone / regional provisioned prices per PTU.
 *
 * Hourly billing charges deployed PTUs by the hour, prorated by the minute
 * for a partial hour (PTU-2604, docs/models.md), so a run of h hours costs
 * ptu x h x the hourly price exactly, with h fractional.
 *
 * Reservations are bought for a whole term (one month or one year) and paid
 * whether used or not.  A run is shorter than the term, so its cost is the
 * run's share of the term: ptu x price per term x hours / hours of the term,
 * with 730 hours a month and 8760 a year (RS_COST_HOURS_PER_*).  That is the
 * cost of the run's hours for a deployment kept under a reservation all term
 * long, which is what comparing topologies needs; a run longer than the term
 * is charged in proportion too (renewed terms at the same price).  Unused
 * reserved PTUs and excess PTUs billed hourly above a reservation are not
 * modelled: the reservation is assumed to cover the deployment exactly.
 *
 * Invariants: every figure is >= 0 when the prices are; total_usd =
 * ptu_usd + tokens_usd, for a line and for the run.
 */
#include "ratesim/cost.h"

#include <assert.h>
#include <string.h>

/* Tokens per priced unit: token prices are per 1M tokens. */
#define COST_TOKENS_PER_PRICE_UNIT 1e6

/* The prices of one kind, picked from a model row. */
typedef struct kind_prices {
	bool provisioned;
	double in_per_1m, out_per_1m;         /* standard family */
	double ptu_hour, ptu_month, ptu_year; /* provisioned family */
} kind_prices;

static kind_prices prices_of(const rs_model *m, rs_kind k)
{
	kind_prices p = {0};
	switch (k) {
	case RS_KIND_GLOBAL_STANDARD:
		p.in_per_1m = m->price_input_per_1m;
		p.out_per_1m = m->price_output_per_1m;
		break;
	case RS_KIND_DATA_ZONE_STANDARD:
		p.in_per_1m = m->price_input_per_1m_data_zone;
		p.out_per_1m = m->price_output_per_1m_data_zone;
		break;
	case RS_KIND_STANDARD:
		p.in_per_1m = m->price_input_per_1m_regional;
		p.out_per_1m = m->price_output_per_1m_regional;
		break;
	case RS_KIND_GLOBAL_PROVISIONED:
		p.provisioned = true;
		p.ptu_hour = m->price_ptu_hour_global;
		p.ptu_month = m->price_ptu_month_global;
		p.ptu_year = m->price_ptu_year_global;
		break;
	case RS_KIND_DATA_ZONE_PROVISIONED:
		p.provisioned = true;
		p.ptu_hour = m->price_ptu_hour_data_zone;
		p.ptu_month = m->price_ptu_month_data_zone;
		p.ptu_year = m->price_ptu_year_data_zone;
		break;
	case RS_KIND_PROVISIONED:
		p.provisioned = true;
		p.ptu_hour = m->price_ptu_hour_regional;
		p.ptu_month = m->price_ptu_month_regional;
		p.ptu_year = m->price_ptu_year_regional;
		break;
	case RS_KIND_COUNT:
		assert(!"not a kind");
		break;
	}
	return p;
}

/* USD of `ptu` PTUs over `hours` under billing b. */
static double ptu_cost(const kind_prices *p, rs_ptu_billing b, double ptu, double hours)
{
	switch (b) {
	case RS_PTU_HOURLY:
		return ptu * hours * p->ptu_hour;
	case RS_PTU_MONTHLY:
		return ptu * p->ptu_month * hours / RS_COST_HOURS_PER_MONTH;
	case RS_PTU_YEARLY:
		return ptu * p->ptu_year * hours / RS_COST_HOURS_PER_YEAR;
	}
	assert(!"not a billing");
	return 0.0;
}

void rs_cost_deployment(const rs_config *cfg, size_t d, double hours, uint64_t input_tokens,
                        uint64_t output_tokens, rs_cost_line *line)
{
	assert(cfg && line && d < cfg->n_deployments && hours >= 0.0);
	const rs_deployment_cfg *dep = &cfg->deployments[d];
	assert(dep->model >= 0 && (size_t)dep->model < cfg->n_models);
	kind_prices p = prices_of(&cfg->models[dep->model], dep->kind);

	*line = (rs_cost_line){
	    .deployment = dep->name,
	    .input_tokens = input_tokens,
	    .output_tokens = output_tokens,
	};
	if (p.provisioned) {
		line->ptu_hours = (double)dep->ptu * hours;
		line->ptu_usd = ptu_cost(&p, cfg->pricing.ptu_billing, (double)dep->ptu, hours);
	} else {
		line->tokens_usd =
		    (double)input_tokens * p.in_per_1m / COST_TOKENS_PER_PRICE_UNIT +
		    (double)output_tokens * p.out_per_1m / COST_TOKENS_PER_PRICE_UNIT;
	}
	line->total_usd = line->ptu_usd + line->tokens_usd;
}

void rs_cost_total(const rs_config *cfg, const rs_cost_line *lines, size_t n, rs_cost *total)
{
	assert(cfg && total && (lines || n == 0));
	*total = (rs_cost){
	    .price_snapshot = RS_MODELS_PRICE_SNAPSHOT,
	    .billing = cfg->pricing.ptu_billing,
	};
	for (size_t i = 0; i < n; i++) {
		total->ptu_usd += lines[i].ptu_usd;
		total->tokens_usd += lines[i].tokens_usd;
	}
	total->total_usd = total->ptu_usd + total->tokens_usd;
}

static const char *const billing_names[] = {
    [RS_PTU_HOURLY] = "hourly",
    [RS_PTU_MONTHLY] = "monthly",
    [RS_PTU_YEARLY] = "yearly",
};
#define N_BILLING (sizeof billing_names / sizeof billing_names[0])

const char *rs_cost_billing_name(rs_ptu_billing b)
{
	return (size_t)b < N_BILLING ? billing_names[b] : "?";
}

bool rs_cost_billing_parse(const char *name, rs_ptu_billing *b)
{
	for (size_t i = 0; name && i < N_BILLING; i++) {
		if (strcmp(name, billing_names[i]) == 0) {
			*b = (rs_ptu_billing)i;
			return true;
		}
	}
	return false;
}
