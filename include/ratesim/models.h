/*
 * models.h - the built-in model table: every per-model figure of the
 * simulation in one place, each with its public source (models.c).
 *
 * A scenario's "models" object overrides any field of any row, or adds a new
 * model by name; the loader copies the table first, so the built-in rows are
 * never modified.
 */
#ifndef RATESIM_MODELS_H
#define RATESIM_MODELS_H

#include "ratesim/common.h"

#define RS_MODEL_NAME_MAX 48

typedef struct rs_model {
	char name[RS_MODEL_NAME_MAX];

	/* Standard family (MODEL.md section 4). */
	int64_t quota_tpm_default;  /* TPM of a standard pool the scenario does not declare */
	double rpm_per_1k_tpm;      /* RPM granted per 1000 TPM */
	int64_t max_tokens_default; /* the estimate used when max_tokens is absent */

	/* Latency (MODEL.md section 9). */
	double rtt_ms;                /* network round trip, client to region */
	double ttft_base_ms;          /* time to first token for an empty prompt */
	double ttft_per_1k_prompt_ms; /* added per 1000 prompt tokens */
	double tokens_per_s;          /* standard-family generation speed */
	double sigma;                 /* lognormal variation of standard latency */
	double load_sigma;            /* extra sigma at 100% window occupancy */
	double throttle_ms;           /* how fast a 429 is answered (plus rtt) */

	/* Provisioned family (MODEL.md section 5). */
	double input_tpm_per_ptu;
	double output_ratio; /* one output token counts as N input tokens */
	int ptu_min_global;  /* global and data zone minimum */
	int ptu_inc_global;  /* global and data zone increment */
	int ptu_min_regional;
	int ptu_inc_regional;
	double ptu_tokens_per_s; /* the generation-speed target on PTU */
	double ptu_sigma;        /* PTU holds its target: small variation */

	/* Prices, a dated public snapshot (models.c says which). */
	double price_input_per_1m;  /* USD per 1M input tokens, standard */
	double price_output_per_1m; /* USD per 1M output tokens, standard */
	double price_ptu_hour;      /* USD per PTU-hour, hourly provisioned */

	const char *source; /* where the figures come from */
} rs_model;

/* The built-in table (static storage; read-only). OUT: *n rows. */
const rs_model *rs_models_builtin(size_t *n);

/* Index of the model called `name` in `models`, or -1. */
int rs_models_find(const rs_model *models, size_t n, const char *name);

#endif
