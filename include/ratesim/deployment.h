/*
 * deployment.h - one deployment: its meter, its latency model and its
 * random stream.  The kind decides the meter (MODEL.md sections 4 and 5);
 * nothing else in the simulation branches on the kind.
 */
#ifndef RATESIM_DEPLOYMENT_H
#define RATESIM_DEPLOYMENT_H

#include <gsl/gsl_rng.h>

#include "ratesim/config.h"
#include "ratesim/latency.h"
#include "ratesim/meter.h"

typedef struct rs_deployment {
	const rs_deployment_cfg *cfg; /* borrowed from the rs_config */
	const rs_model *model;        /* borrowed */
	rs_meter *meter;              /* owned */
	gsl_rng *rng;                 /* latency stream, owned */
	struct rs_mt_state *rng_mt;   /* rs_rng_mt_state(rng), for rs_latency_draw_mt; or NULL */
	rs_latency_params latency;
	bool provisioned;
	double limit_tpm; /* TPM, or C (normalised tokens per minute) for PTU */
	double limit_rpm; /* RPM; 0 for PTU (it counts no requests) */
	/* faults in force (MODEL.md section 8) */
	int down; /* active "down" faults; > 0: it does not serve */
	rs_down_mode down_mode;
	double error_ms;      /* how fast a down deployment answers 503 */
	double latency_scale; /* 1 = normal */
	double limit_scale;   /* a degrade fault's factor on the limits; 1 = normal */
	/* the service model (service.h): generation capacity in output tokens
	 * per second shared by the attempts in generation; 0: off */
	double service_tps;
} rs_deployment;

/* Build deployment `index` of cfg in caller storage.  On failure nothing is
 * left allocated.  Errors: RS_ERR_NOMEM. */
rs_status rs_deployment_init(rs_deployment *d, const rs_config *cfg, size_t index, rs_error *err);
void rs_deployment_fini(rs_deployment *d);

#endif
