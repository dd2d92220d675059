/*
 * cost.h - what a run costs: PTU-hours and pay-as-you-go tokens in USD
 * (MODEL.md section 10; ratesim issue 3).
 *
 * A pure computation over the configuration and a run's counts: no state, no
 * I/O.  Provisioned deployments pay for their deployed PTUs whatever they
 * serve; standard-family deployments pay for the tokens they serve.  Spilled
 * requests are served, and so billed, by the standard deployment they spill
 * to, at its price.  Prices come from the scenario's model table (the
 * built-in snapshot RS_MODELS_PRICE_SNAPSHOT unless the scenario overrides
 * them), chosen by the deployment's kind; cfg->pricing.ptu_billing picks
 * hourly billing or a monthly / yearly reservation (sim/cost.c documents the
 * proration).  Cost: O(1) per deployment.
 */
#ifndef RATESIM_COST_H
#define RATESIM_COST_H

#include "ratesim/config.h"

/* Hours of a month and of a year, as Azure prices count them (a month is
 * 8760 / 12 = 730 hours): a reservation is prorated over these. */
#define RS_COST_HOURS_PER_MONTH 730.0
#define RS_COST_HOURS_PER_YEAR  8760.0

/* The cost of one deployment over a run. */
typedef struct rs_cost_line {
	const char *deployment;               /* its name, borrowed from the configuration */
	double ptu_hours;                     /* deployed PTUs x hours (0 for standard) */
	double ptu_usd;                       /* what those PTU-hours cost under the billing */
	uint64_t input_tokens, output_tokens; /* served (as given) */
	double tokens_usd;                    /* what the tokens cost (0 for provisioned) */
	double total_usd;                     /* ptu_usd + tokens_usd */
} rs_cost_line;

/* The cost of a whole run: the sum of its lines. */
typedef struct rs_cost {
	const char *price_snapshot; /* RS_MODELS_PRICE_SNAPSHOT (static storage) */
	rs_ptu_billing billing;     /* how PTUs were billed */
	double ptu_usd, tokens_usd, total_usd;
} rs_cost;

/*
 * Cost of deployment d of cfg over a run of `hours` (the duration after
 * warm-up) in which it served input_tokens prompt tokens and output_tokens
 * completion tokens.
 *   Provisioned kinds: ptu_hours = ptu x hours, and ptu_usd =
 *   - hourly billing: ptu_hours x the kind's price per PTU-hour;
 *   - monthly reservation: ptu x the kind's monthly price x hours / 730;
 *   - yearly reservation: ptu x the kind's yearly price x hours / 8760;
 *   their tokens cost nothing (tokens_usd = 0).
 *   Standard kinds: tokens_usd = input x price_in / 1e6 + output x price_out
 *   / 1e6 at the kind's token prices; ptu_hours = ptu_usd = 0.
 * cfg is borrowed; d < cfg->n_deployments, the deployment's model index
 * valid and hours >= 0 (asserted: caller bugs).  Never fails.
 * OUT: *line (its deployment name points into cfg).
 */
void rs_cost_deployment(const rs_config *cfg, size_t d, double hours, uint64_t input_tokens,
                        uint64_t output_tokens, rs_cost_line *line);

/*
 * The run's cost: the sums of lines[0..n) (n may be 0), cfg's billing and
 * the price snapshot.  cfg and lines are borrowed.  OUT: *total.
 */
void rs_cost_total(const rs_config *cfg, const rs_cost_line *lines, size_t n, rs_cost *total);

/* "hourly", "monthly" or "yearly": the billing's name as written in a
 * scenario and in summary.json (static storage). */
const char *rs_cost_billing_name(rs_ptu_billing b);

/* Parse a billing name (exact, as rs_cost_billing_name writes it); returns
 * false when unknown, leaving *b unchanged.  OUT: *b. */
bool rs_cost_billing_parse(const char *name, rs_ptu_billing *b);

#endif
