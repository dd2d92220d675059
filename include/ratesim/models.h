/*
 * models.h - the built-in model table: every per-model figure of the
 * simulation in one place, each with its public source (models.c).
 *
 * A scenario's "models" object overrides any field of any row, or adds a new
 * model by name; the loader copies the table first, so the built-in rows are
 * never modified.  Prices are a dated snapshot (RS_MODELS_PRICE_SNAPSHOT):
 * a scenario that needs today's prices sets them.
 */
#ifndef RATESIM_MODELS_H
#define RATESIM_MODELS_H

#include "ratesim/common.h"

#define RS_MODEL_NAME_MAX 48

/* When the built-in prices were published: the date of the newest public
 * copy they were read from (docs/models.md, "Prices").  One date for the
 * whole price set; a run prints it beside its cost (summary.json). */
#define RS_MODELS_PRICE_SNAPSHOT "2026-06"

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
	/* The service model (service.h), when a deployment turns it on: the
	 * generation capacity of a standard-family deployment, as a share of
	 * its quota's token rate (TPM / 60 tokens per second) generated as
	 * output tokens. */
	double service_share;

	/* Provisioned family (MODEL.md section 5). */
	double input_tpm_per_ptu;
	double output_ratio; /* one output token counts as N input tokens */
	int ptu_min_global;  /* global and data zone minimum */
	int ptu_inc_global;  /* global and data zone increment */
	int ptu_min_regional;
	int ptu_inc_regional;
	double ptu_tokens_per_s; /* the generation-speed target on PTU */
	double ptu_sigma;        /* PTU holds its target: small variation */
	/* The service model on a provisioned deployment: its generation
	 * capacity, as a share of the output-token rate its meter admits at
	 * 100% utilisation (PTU x input_tpm_per_ptu / 60 / output_ratio). */
	double ptu_service_share;

	/* Prices in USD, all from one dated public snapshot
	 * (RS_MODELS_PRICE_SNAPSHOT; models.c gives each figure's source).
	 * Standard family: per 1M tokens, by kind. */
	double price_input_per_1m;           /* global standard, input */
	double price_output_per_1m;          /* global standard, output */
	double price_input_per_1m_data_zone; /* data zone standard */
	double price_output_per_1m_data_zone;
	double price_input_per_1m_regional; /* (regional) standard */
	double price_output_per_1m_regional;
	/* Provisioned family: per PTU, by kind; hourly billing per PTU-hour,
	 * reservations per PTU per month and per PTU per year of the term. */
	double price_ptu_hour_global;
	double price_ptu_hour_data_zone;
	double price_ptu_hour_regional;
	double price_ptu_month_global;
	double price_ptu_month_data_zone;
	double price_ptu_month_regional;
	double price_ptu_year_global;
	double price_ptu_year_data_zone;
	double price_ptu_year_regional;

	const char *source; /* where the figures come from */
} rs_model;

/* The built-in table (static storage; read-only). OUT: *n rows. */
const rs_model *rs_models_builtin(size_t *n);

/* Index of the model called `name` in `models`, or -1. */
int rs_models_find(const rs_model *models, size_t n, const char *name);

#endif
