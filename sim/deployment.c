/*
 * deployment.c - builds a deployment's meter and latency parameters from the
 * scenario and the model table.
 */
#include "ratesim/deployment.h"

#include "ratesim/meter_ptu.h"
#include "ratesim/meter_std.h"
#include "ratesim/rng.h"

#include <string.h>

/* A quota in tokens per minute is a token rate of TPM / 60 per second. */
#define S_PER_MIN 60.0

rs_status rs_deployment_init(rs_deployment *d, const rs_config *cfg, size_t index, rs_error *err)
{
	const rs_deployment_cfg *dc = &cfg->deployments[index];
	const rs_model *m = &cfg->models[dc->model];
	memset(d, 0, sizeof *d);
	d->cfg = dc;
	d->model = m;
	d->provisioned = rs_kind_is_provisioned(dc->kind);
	d->latency = (rs_latency_params){
	    .rtt_ms = dc->rtt_ms >= 0 ? dc->rtt_ms : m->rtt_ms,
	    .ttft_base_ms = m->ttft_base_ms,
	    .ttft_per_1k_prompt_ms = m->ttft_per_1k_prompt_ms,
	    .tokens_per_s = d->provisioned ? m->ptu_tokens_per_s : m->tokens_per_s,
	    .sigma = d->provisioned ? m->ptu_sigma : m->sigma,
	    .load_sigma = d->provisioned ? 0.0 : m->load_sigma,
	    .throttle_ms = m->throttle_ms,
	};
	if (d->provisioned) {
		rs_ptu_params p = {
		    .ptu = dc->ptu,
		    .input_tpm_per_ptu = m->input_tpm_per_ptu,
		    .output_ratio = m->output_ratio,
		    .estimator = dc->estimator,
		    .estimator_value = dc->estimator_value,
		    .estimator_window = dc->estimator_window,
		    .max_tokens_default = m->max_tokens_default,
		};
		d->meter = rs_meter_ptu_new(&p);
		d->limit_tpm = (double)dc->ptu * m->input_tpm_per_ptu;
		d->limit_rpm = 0;
	} else {
		rs_std_params p = {
		    .tpm = dc->tpm,
		    .rpm_per_1k_tpm = m->rpm_per_1k_tpm,
		    .tpm_window = dc->tpm_window,
		    .rpm_window = dc->rpm_window,
		    .rpm_window_s = dc->rpm_window_s,
		    .n_rpm_windows = dc->n_rpm_windows,
		    .oversize_retry_after_ms =
		        rs_time_from_s(dc->oversize_retry_after_s) / RS_US_PER_MS,
		    .count_refused = dc->count_refused,
		    .prompt_estimate_factor = dc->prompt_estimate_factor,
		    .max_tokens_default = m->max_tokens_default,
		};
		memcpy(p.rpm_windows_s, dc->rpm_windows_s, sizeof p.rpm_windows_s);
		d->meter = rs_meter_std_new(&p);
		d->limit_tpm = (double)dc->tpm;
		d->limit_rpm = m->rpm_per_1k_tpm * (double)dc->tpm / 1000.0;
	}
	d->latency_scale = 1.0;
	d->limit_scale = 1.0;
	/* the service model's capacity (models.c, "The service model") */
	if (dc->service == RS_SERVICE_PROCESSOR_SHARING && dc->service_capacity_tps > 0)
		d->service_tps = dc->service_capacity_tps;
	else if (dc->service == RS_SERVICE_PROCESSOR_SHARING && d->provisioned)
		d->service_tps = m->ptu_service_share * d->limit_tpm / S_PER_MIN / m->output_ratio;
	else if (dc->service == RS_SERVICE_PROCESSOR_SHARING)
		d->service_tps = m->service_share * d->limit_tpm / S_PER_MIN;
	d->rng = rs_rng_stream(cfg->seed, "deployment.latency", dc->name);
	d->rng_mt = d->rng ? rs_rng_mt_state(d->rng) : NULL;
	if (!d->meter || !d->rng) {
		rs_deployment_fini(d);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building deployment %s", dc->name);
	}
	return RS_OK;
}

void rs_deployment_fini(rs_deployment *d)
{
	rs_meter_free(d->meter);
	if (d->rng)
		gsl_rng_free(d->rng);
	memset(d, 0, sizeof *d);
}
