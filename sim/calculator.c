/*
 * calculator.c - the capacity calculator's figures for a provisioned
 * deployment (calculator.h says the formula and its source).
 *
 * Pure arithmetic on the config: no state, no randomness.  Cost:
 * O(clients) per deployment.
 */
#include "ratesim/calculator.h"

#include <math.h>
#include <string.h>

double rs_calculator_ptu(double normalised_tpm, const rs_model *md, rs_kind kind)
{
	bool regional = kind == RS_KIND_PROVISIONED;
	double min = regional ? md->ptu_min_regional : md->ptu_min_global;
	double inc = regional ? md->ptu_inc_regional : md->ptu_inc_global;
	double raw = ceil(normalised_tpm / md->input_tpm_per_ptu);
	if (raw <= min)
		return min;
	return inc > 0 ? min + ceil((raw - min) / inc) * inc : raw;
}

bool rs_calculator_of(const rs_config *cfg, size_t d, rs_calculator *out)
{
	memset(out, 0, sizeof *out);
	const rs_deployment_cfg *dc = &cfg->deployments[d];
	const rs_model *md = &cfg->models[dc->model];
	for (size_t i = 0; i < cfg->n_clients; i++) {
		const rs_client_cfg *cl = &cfg->clients[i];
		if (!cl->workload.on || cl->target_index != (int)d)
			continue;
		out->workloads++;
		out->rpm += cl->workload.rpm;
		out->input_tpm += cl->workload.rpm * (double)cl->workload.prompt_tokens;
		out->output_tpm += cl->workload.rpm * (double)cl->workload.generated_tokens;
	}
	if (out->workloads == 0)
		return false;
	out->normalized_tpm = out->input_tpm + md->output_ratio * out->output_tpm;
	out->ptu_needed = rs_calculator_ptu(out->normalized_tpm, md, dc->kind);
	return true;
}
