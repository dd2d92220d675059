/*
 * models.c - the built-in model table, every figure with its public source.
 *
 * One static, read-only row per model.  The scenario loader copies the table
 * and applies the scenario's "models" object on the copy, so nothing here is
 * ever written at run time (MODEL.md section 3).  docs/models.md restates
 * every figure with its source and lists the assumptions.
 *
 * Sources, cited per row in .source and per field where it helps:
 *   seed 000   seeds/000 beside MODEL.md (2023-08 talk): default regional
 *              quotas and 6 RPM per 1000 TPM.
 *   seed 001   seeds/001: standard latency varies more under heavy use.
 *   seed 003   Japanese copy of "What is provisioned throughput" (2024-25):
 *              gpt-4o / gpt-4o-mini PTU figures, output ratio 3.
 *   QL-2411    Azure OpenAI "quotas and limits", ms.date 2024-11-11.
 *   QL-2507    the same page, ms.date 2025-07-11 (o-series RPM/TPM units).
 *   QM-2410    the regional quota matrix include (quota.md), 2024-10-04.
 *   TIER1-2602 quota tier 1 include (quota-tier/tier-1.md), 2026-02-18.
 *   PTU-2508   "Understanding costs associated with PTU", ms.date 2025-08-14.
 *   PTU-2604   "PTU costs and billing", ms.date 2026-04-07.
 *   MOD-2506   "Azure OpenAI in Azure AI Foundry Models", ms.date 2025-06-25;
 *              older models.md versions for gpt-4 / gpt-4-32k (0613).
 *   PRICE      public list prices, global standard, per 1M tokens (the
 *              Azure list, which matches OpenAI's for these models).
 *   PRU-2411   "Azure OpenAI provisioned December 2024 update", ms.date
 *              2024-11-25: hourly prices differ by provisioned kind, and
 *              each kind has its own, non-interchangeable reservation.
 *   CALC-2602  a public PTU calculator citing the Azure pricing page
 *              (ricmmartins/azureptucalc, src/officialPTUPricing.js, "Feb
 *              2026"): per-kind hourly and reservation prices per PTU.
 *   CALC-2508  the same project's src/corrected_pricing_data.json
 *              (2025-08-20): data zone and regional standard token prices
 *              are 1.1 x the global standard ones.
 *   PACKT-25   "Azure OpenAI Essentials" (Packt, 2025), chapter 12:
 *              regional PTU $2/hour, $260 monthly, $221/month yearly.
 *   RDR-2606   Redress Compliance, "Azure OpenAI Service Commitment", June
 *              2026: global PTU $1/hour, $260 a month, yearly $221/month.
 * All prices are one snapshot, RS_MODELS_PRICE_SNAPSHOT (models.h).
 * The short names are defined in docs/models.md.  Every figure that no public
 * source gives is marked "assumption", on the field or on the shared macro.
 *
 * Invariants (tests/unit/test_models.c checks them): names are unique and
 * non-empty; quota, RPM ratio, max_tokens, latency and prices are > 0;
 * data zone and regional prices are >= global ones;
 * output_ratio >= 1; a provisioned kind is offered iff its minimum is > 0, and
 * then the minimum is a multiple of the increment and input_tpm_per_ptu > 0.
 *
 * Cost: rs_models_find is a linear scan, O(rows); the table has a few rows.
 */
#include "ratesim/models.h"

#include <string.h>

/*
 * Latency figures that no public source gives per model (MODEL.md section 9).
 * Shared by every row so that each assumption is stated once.
 */

/* Assumption: a client in the same geography as the region; scenarios set
 * the real round trip per deployment (rs_deployment_cfg.rtt_ms). */
#define RS_MODELS_RTT_MS 30.0

/* Assumption: lognormal sigma of standard latency at low load.  Standard
 * deployments vary more than provisioned ones (seed 001; QL-2411 "usage
 * tiers": high sustained usage sees more latency variability). */
#define RS_MODELS_SIGMA_STANDARD 0.3

/* Assumption: extra sigma reached at 100% window occupancy, so that heavy,
 * consistent users see larger variation (seed 001, MODEL.md section 9). */
#define RS_MODELS_LOAD_SIGMA 0.4

/* Assumption: provisioned deployments hold their speed target (seed 003,
 * "minimal latency variance"); a small sigma keeps percentiles distinct. */
#define RS_MODELS_PTU_SIGMA 0.05

/* Assumption: a 429 is a fast-fail answer (seed 003) of a few ms plus rtt. */
#define RS_MODELS_THROTTLE_MS 5.0

/*
 * The service model (service.h; docs/model.md, "A service that slows under
 * load"), used only by a deployment whose scenario sets "service".
 */

/* Assumption: a standard deployment's share of the shared generation
 * capacity is a quarter of its quota's token rate as output tokens per
 * second (TPM / 60 x 0.25).  With the common 3:1 prompt-to-output mix a
 * deployment running at its quota then sits at the knee: it slows only at
 * heavy, consistent use (seed 001; MODEL.md section 13).  No public source
 * gives the figure; a scenario sets service_capacity_tps to study one. */
#define RS_MODELS_SERVICE_SHARE 0.25

/* Derived, not assumed: a provisioned deployment holds its speed target at
 * or below 100% utilisation (MODEL.md section 13) and shares a capacity
 * only above it; that capacity is the output rate its meter admits at 100%,
 * PTU x input_tpm_per_ptu / 60 / output_ratio (seed 003). */
#define RS_MODELS_PTU_SERVICE_SHARE 1.0

/*
 * Provisioned prices, USD per PTU.  PTUs are model-independent (quota and
 * reservations are bought per kind, not per model: PRU-2411, PTU-2604), so
 * every row carries the same figures; each can be overridden per model in
 * the scenario's "models" object.  Hourly billing is per PTU-hour, prorated
 * by the minute (PTU-2604); reservations are per PTU per month (a 1-month
 * term) and per PTU per year (a 1-year term).
 */

/* Hourly: global $1 (CALC-2602, RDR-2606), data zone $1.10 (CALC-2602),
 * regional $2 (CALC-2602, PACKT-25). */
#define RS_MODELS_PTU_HOUR_GLOBAL    1.00
#define RS_MODELS_PTU_HOUR_DATA_ZONE 1.10
#define RS_MODELS_PTU_HOUR_REGIONAL  2.00

/* Monthly reservation: global $260 (CALC-2602, RDR-2606, PACKT-25; 730 h at
 * $1 less the "about 64%" term discount a FinOps vendor quotes); data zone
 * and regional $286 (CALC-2602 only; PACKT-25, written before the December
 * 2024 per-kind prices, gives $260 for regional). */
#define RS_MODELS_PTU_MONTH_GLOBAL    260.0
#define RS_MODELS_PTU_MONTH_DATA_ZONE 286.0
#define RS_MODELS_PTU_MONTH_REGIONAL  286.0

/* Yearly reservation: global $2,652 = $221 a month (CALC-2602, RDR-2606,
 * PACKT-25); data zone and regional $2,916 = $243 a month (CALC-2602 only;
 * PACKT-25 gives $221 a month for regional). */
#define RS_MODELS_PTU_YEAR_GLOBAL    2652.0
#define RS_MODELS_PTU_YEAR_DATA_ZONE 2916.0
#define RS_MODELS_PTU_YEAR_REGIONAL  2916.0

/* The nine provisioned prices of a row. */
#define RS_MODELS_PTU_PRICES                                                                       \
	.price_ptu_hour_global = RS_MODELS_PTU_HOUR_GLOBAL,                                        \
	.price_ptu_hour_data_zone = RS_MODELS_PTU_HOUR_DATA_ZONE,                                  \
	.price_ptu_hour_regional = RS_MODELS_PTU_HOUR_REGIONAL,                                    \
	.price_ptu_month_global = RS_MODELS_PTU_MONTH_GLOBAL,                                      \
	.price_ptu_month_data_zone = RS_MODELS_PTU_MONTH_DATA_ZONE,                                \
	.price_ptu_month_regional = RS_MODELS_PTU_MONTH_REGIONAL,                                  \
	.price_ptu_year_global = RS_MODELS_PTU_YEAR_GLOBAL,                                        \
	.price_ptu_year_data_zone = RS_MODELS_PTU_YEAR_DATA_ZONE,                                  \
	.price_ptu_year_regional = RS_MODELS_PTU_YEAR_REGIONAL

/*
 * Standard token prices by kind.  .price_input_per_1m / .price_output_per_1m
 * are the global standard list prices (PRICE).  Data zone and regional
 * standard cost 1.1 x global for the models sold on all three kinds
 * (CALC-2508 for each of them; the finout.io "Azure OpenAI pricing" list of
 * 2026 also gives o4-mini regional $1.21 / $4.84 against $1.10 / $4.40
 * global); the rows write the products out.  The three older models
 * predate per-kind prices: their one (regional standard) list price is used
 * for every kind (assumption).
 */

/* The 6 RPM per 1000 TPM of the older chat models (seed 000; QL-2411 and
 * QL-2507: "Older chat models: 1 unit = 6 RPM and 1,000 TPM"). */
#define RS_MODELS_RPM_PER_1K_CHAT 6.0

/* Global and data zone provisioned minimum and increment, the same for every
 * model that offers them (seed 003, PTU-2508, PTU-2604). */
#define RS_MODELS_PTU_MIN_GLOBAL 15
#define RS_MODELS_PTU_INC_GLOBAL 5

static const rs_model builtin[] = {
    {
        .name = "gpt-35-turbo",
        .quota_tpm_default = 240000,                 /* seed 000; QM-2410 eastus */
        .rpm_per_1k_tpm = RS_MODELS_RPM_PER_1K_CHAT, /* 240K -> 1,440 RPM */
        .max_tokens_default = 4096,                  /* MOD-2506: 0125/1106 output */
        .rtt_ms = RS_MODELS_RTT_MS,
        .ttft_base_ms = 300.0,         /* assumption */
        .ttft_per_1k_prompt_ms = 30.0, /* assumption */
        .tokens_per_s = 50.0,          /* assumption */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        /* Not offered as provisioned here: no hourly per-PTU figures. */
        .input_tpm_per_ptu = 0.0,
        .output_ratio = 3.0, /* assumption: price ratio */
        .ptu_min_global = 0,
        .ptu_inc_global = 0,
        .ptu_min_regional = 0,
        .ptu_inc_regional = 0,
        .ptu_tokens_per_s = 50.0, /* assumption: = tokens_per_s */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 0.50, /* PRICE: 0125 */
        .price_output_per_1m = 1.50,
        .price_input_per_1m_data_zone = 0.50, /* assumption: one price, every kind */
        .price_output_per_1m_data_zone = 1.50,
        .price_input_per_1m_regional = 0.50,
        .price_output_per_1m_regional = 1.50,
        RS_MODELS_PTU_PRICES,
        .source = "seed 000; QM-2410; MOD-2506; prices " RS_MODELS_PRICE_SNAPSHOT,
    },
    {
        .name = "gpt-4",
        .quota_tpm_default = 20000,                  /* seed 000; QM-2410 francecentral */
        .rpm_per_1k_tpm = RS_MODELS_RPM_PER_1K_CHAT, /* 20K -> 120 RPM */
        .max_tokens_default = 8192,                  /* MOD: 0613 max request */
        .rtt_ms = RS_MODELS_RTT_MS,
        .ttft_base_ms = 600.0,          /* assumption */
        .ttft_per_1k_prompt_ms = 100.0, /* assumption */
        .tokens_per_s = 20.0,           /* assumption */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        .input_tpm_per_ptu = 0.0, /* not offered as provisioned */
        .output_ratio = 2.0,      /* assumption: price ratio */
        .ptu_min_global = 0,
        .ptu_inc_global = 0,
        .ptu_min_regional = 0,
        .ptu_inc_regional = 0,
        .ptu_tokens_per_s = 20.0, /* assumption: = tokens_per_s */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 30.0, /* PRICE: 8K context */
        .price_output_per_1m = 60.0,
        .price_input_per_1m_data_zone = 30.0, /* assumption: one price, every kind */
        .price_output_per_1m_data_zone = 60.0,
        .price_input_per_1m_regional = 30.0,
        .price_output_per_1m_regional = 60.0,
        RS_MODELS_PTU_PRICES,
        .source = "seed 000; QM-2410; MOD (0613); prices " RS_MODELS_PRICE_SNAPSHOT,
    },
    {
        .name = "gpt-4-32k",
        .quota_tpm_default = 60000,                  /* seed 000; QM-2410 francecentral */
        .rpm_per_1k_tpm = RS_MODELS_RPM_PER_1K_CHAT, /* 60K -> 360 RPM */
        .max_tokens_default = 32768,                 /* MOD: 0613 max request */
        .rtt_ms = RS_MODELS_RTT_MS,
        .ttft_base_ms = 600.0,          /* assumption */
        .ttft_per_1k_prompt_ms = 100.0, /* assumption */
        .tokens_per_s = 20.0,           /* assumption */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        .input_tpm_per_ptu = 0.0, /* not offered as provisioned */
        .output_ratio = 2.0,      /* assumption: price ratio */
        .ptu_min_global = 0,
        .ptu_inc_global = 0,
        .ptu_min_regional = 0,
        .ptu_inc_regional = 0,
        .ptu_tokens_per_s = 20.0, /* assumption: = tokens_per_s */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 60.0, /* PRICE */
        .price_output_per_1m = 120.0,
        .price_input_per_1m_data_zone = 60.0, /* assumption: one price, every kind */
        .price_output_per_1m_data_zone = 120.0,
        .price_input_per_1m_regional = 60.0,
        .price_output_per_1m_regional = 120.0,
        RS_MODELS_PTU_PRICES,
        .source = "seed 000; QM-2410; MOD (0613); prices " RS_MODELS_PRICE_SNAPSHOT,
    },
    {
        .name = "gpt-4o",
        .quota_tpm_default = 150000,                 /* QL-2411 regional standard default */
        .rpm_per_1k_tpm = RS_MODELS_RPM_PER_1K_CHAT, /* QL-2411: 150K -> 900 RPM */
        .max_tokens_default = 4096,                  /* QL-2411: "defaults to 4096" */
        .rtt_ms = RS_MODELS_RTT_MS,
        .ttft_base_ms = 400.0,         /* assumption */
        .ttft_per_1k_prompt_ms = 50.0, /* assumption */
        .tokens_per_s = 25.0,          /* assumption: = PTU target */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        .input_tpm_per_ptu = 2500.0, /* seed 003; PTU-2604 */
        /* seed 003 and the 2024-25 docs: 3; PTU-2604 lists 4.  Override
         * with the scenario's "output_ratio". */
        .output_ratio = 3.0,
        .ptu_min_global = RS_MODELS_PTU_MIN_GLOBAL, /* seed 003 */
        .ptu_inc_global = RS_MODELS_PTU_INC_GLOBAL,
        .ptu_min_regional = 50, /* seed 003 */
        .ptu_inc_regional = 50,
        .ptu_tokens_per_s = 25.0, /* seed 003 latency target */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 2.50, /* PRICE: global, 2024-08-06 */
        .price_output_per_1m = 10.00,
        .price_input_per_1m_data_zone = 2.75, /* 1.1 x global (CALC-2508) */
        .price_output_per_1m_data_zone = 11.00,
        .price_input_per_1m_regional = 2.75,
        .price_output_per_1m_regional = 11.00,
        RS_MODELS_PTU_PRICES,
        .source = "seed 003; QL-2411; PTU-2604; prices " RS_MODELS_PRICE_SNAPSHOT,
    },
    {
        .name = "gpt-4o-mini",
        .quota_tpm_default = 450000,                 /* QL-2411 regional standard default */
        .rpm_per_1k_tpm = RS_MODELS_RPM_PER_1K_CHAT, /* QL-2411: 450K -> 2.7K RPM */
        .max_tokens_default = 16384,                 /* MOD-2506 max output */
        .rtt_ms = RS_MODELS_RTT_MS,
        .ttft_base_ms = 300.0,         /* assumption */
        .ttft_per_1k_prompt_ms = 25.0, /* assumption */
        .tokens_per_s = 33.0,          /* assumption: = PTU target */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        .input_tpm_per_ptu = 37000.0,               /* seed 003; PTU-2604 */
        .output_ratio = 3.0,                        /* seed 003; PTU-2604 says 4 */
        .ptu_min_global = RS_MODELS_PTU_MIN_GLOBAL, /* seed 003 */
        .ptu_inc_global = RS_MODELS_PTU_INC_GLOBAL,
        .ptu_min_regional = 25, /* seed 003 */
        .ptu_inc_regional = 25,
        .ptu_tokens_per_s = 33.0, /* seed 003 latency target */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 0.15, /* PRICE: global */
        .price_output_per_1m = 0.60,
        .price_input_per_1m_data_zone = 0.165, /* 1.1 x global (CALC-2508) */
        .price_output_per_1m_data_zone = 0.66,
        .price_input_per_1m_regional = 0.165,
        .price_output_per_1m_regional = 0.66,
        RS_MODELS_PTU_PRICES,
        .source = "seed 003; QL-2411; MOD-2506; PTU-2604; prices " RS_MODELS_PRICE_SNAPSHOT,
    },
    {
        .name = "gpt-4.1",
        /* No regional standard default is published: the global standard
         * default (QL-2507, TIER1-2602: 1M TPM, 1K RPM). */
        .quota_tpm_default = 1000000,
        .rpm_per_1k_tpm = 1.0,       /* 1M TPM -> 1K RPM */
        .max_tokens_default = 32768, /* MOD-2506 max output */
        .rtt_ms = RS_MODELS_RTT_MS,
        .ttft_base_ms = 400.0,         /* assumption */
        .ttft_per_1k_prompt_ms = 50.0, /* assumption */
        .tokens_per_s = 80.0,          /* assumption: = PTU target */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        .input_tpm_per_ptu = 3000.0, /* PTU-2508; PTU-2604 */
        .output_ratio = 4.0,         /* PTU-2508; PTU-2604 */
        .ptu_min_global = RS_MODELS_PTU_MIN_GLOBAL,
        .ptu_inc_global = RS_MODELS_PTU_INC_GLOBAL,
        .ptu_min_regional = 50, /* PTU-2508; PTU-2604 */
        .ptu_inc_regional = 50,
        .ptu_tokens_per_s = 80.0, /* PTU-2604: 99% > 80 TPS */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 2.00, /* PRICE: global */
        .price_output_per_1m = 8.00,
        .price_input_per_1m_data_zone = 2.20, /* 1.1 x global (CALC-2508) */
        .price_output_per_1m_data_zone = 8.80,
        .price_input_per_1m_regional = 2.20,
        .price_output_per_1m_regional = 8.80,
        RS_MODELS_PTU_PRICES,
        .source = "QL-2507; TIER1-2602; MOD-2506; PTU-2508; PTU-2604; "
                  "prices " RS_MODELS_PRICE_SNAPSHOT,
    },
    {
        .name = "gpt-4.1-mini",
        .quota_tpm_default = 6000000, /* TIER1-2602 regional Standard */
        .rpm_per_1k_tpm = 1.0,        /* TIER1-2602: 6M TPM -> 6K RPM */
        .max_tokens_default = 32768,  /* MOD-2506 max output */
        .rtt_ms = RS_MODELS_RTT_MS,
        .ttft_base_ms = 300.0,         /* assumption */
        .ttft_per_1k_prompt_ms = 25.0, /* assumption */
        .tokens_per_s = 90.0,          /* assumption: = PTU target */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        .input_tpm_per_ptu = 14900.0, /* PTU-2508; PTU-2604 */
        .output_ratio = 4.0,          /* PTU-2604 */
        .ptu_min_global = RS_MODELS_PTU_MIN_GLOBAL,
        .ptu_inc_global = RS_MODELS_PTU_INC_GLOBAL,
        .ptu_min_regional = 25, /* PTU-2508; PTU-2604 */
        .ptu_inc_regional = 25,
        .ptu_tokens_per_s = 90.0, /* PTU-2604: 99% > 90 TPS */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 0.40, /* PRICE: global */
        .price_output_per_1m = 1.60,
        .price_input_per_1m_data_zone = 0.44, /* 1.1 x global (CALC-2508) */
        .price_output_per_1m_data_zone = 1.76,
        .price_input_per_1m_regional = 0.44,
        .price_output_per_1m_regional = 1.76,
        RS_MODELS_PTU_PRICES,
        .source = "TIER1-2602; MOD-2506; PTU-2508; PTU-2604; "
                  "prices " RS_MODELS_PRICE_SNAPSHOT,
    },
    {
        .name = "o3-mini",
        /* No regional standard: the global standard default (QL-2507,
         * TIER1-2602: 5M TPM, 500 RPM). */
        .quota_tpm_default = 5000000,
        .rpm_per_1k_tpm = 0.1,        /* QL-2507: 1 RPM per 10,000 TPM */
        .max_tokens_default = 100000, /* MOD-2506 max output */
        .rtt_ms = RS_MODELS_RTT_MS,
        /* Assumption: reasoning tokens are counted as output tokens, so
         * their time falls in generation; the base covers the rest. */
        .ttft_base_ms = 800.0,
        .ttft_per_1k_prompt_ms = 50.0, /* assumption */
        .tokens_per_s = 66.0,          /* assumption: = PTU target */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        .input_tpm_per_ptu = 2500.0, /* PTU-2508; PTU-2604 */
        .output_ratio = 4.0,         /* PTU-2604 price ratio */
        .ptu_min_global = RS_MODELS_PTU_MIN_GLOBAL,
        .ptu_inc_global = RS_MODELS_PTU_INC_GLOBAL,
        .ptu_min_regional = 25, /* PTU-2508; PTU-2604 */
        .ptu_inc_regional = 25,
        .ptu_tokens_per_s = 66.0, /* PTU-2604 (PTU-2508 said 90) */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 1.10, /* PRICE: global */
        .price_output_per_1m = 4.40,
        .price_input_per_1m_data_zone = 1.21, /* 1.1 x global (CALC-2508) */
        .price_output_per_1m_data_zone = 4.84,
        .price_input_per_1m_regional = 1.21,
        .price_output_per_1m_regional = 4.84,
        RS_MODELS_PTU_PRICES,
        .source = "QL-2507; TIER1-2602; MOD-2506; PTU-2508; PTU-2604; "
                  "prices " RS_MODELS_PRICE_SNAPSHOT,
    },
    {
        .name = "gpt-5",
        /* No regional standard: the global standard tier 1 default
         * (TIER1-2602: 1M TPM, 10K RPM). */
        .quota_tpm_default = 1000000,
        .rpm_per_1k_tpm = 10.0,       /* TIER1-2602: 1M -> 10K RPM */
        .max_tokens_default = 128000, /* max output (gpt-5 2025-08-07) */
        .rtt_ms = RS_MODELS_RTT_MS,
        .ttft_base_ms = 800.0,         /* assumption, as o3-mini */
        .ttft_per_1k_prompt_ms = 50.0, /* assumption */
        .tokens_per_s = 50.0,          /* assumption: = PTU target */
        .sigma = RS_MODELS_SIGMA_STANDARD,
        .load_sigma = RS_MODELS_LOAD_SIGMA,
        .throttle_ms = RS_MODELS_THROTTLE_MS,
        .service_share = RS_MODELS_SERVICE_SHARE,
        .input_tpm_per_ptu = 4750.0, /* PTU-2508; PTU-2604 */
        .output_ratio = 8.0,         /* PTU-2508; PTU-2604 */
        .ptu_min_global = RS_MODELS_PTU_MIN_GLOBAL,
        .ptu_inc_global = RS_MODELS_PTU_INC_GLOBAL,
        .ptu_min_regional = 50, /* PTU-2508; PTU-2604 */
        .ptu_inc_regional = 50,
        .ptu_tokens_per_s = 50.0, /* PTU-2604: 99% > 50 TPS */
        .ptu_sigma = RS_MODELS_PTU_SIGMA,
        .ptu_service_share = RS_MODELS_PTU_SERVICE_SHARE,
        .price_input_per_1m = 1.25, /* PRICE: global */
        .price_output_per_1m = 10.00,
        .price_input_per_1m_data_zone = 1.375, /* 1.1 x global (CALC-2508) */
        .price_output_per_1m_data_zone = 11.00,
        .price_input_per_1m_regional = 1.375,
        .price_output_per_1m_regional = 11.00,
        RS_MODELS_PTU_PRICES,
        .source = "TIER1-2602; PTU-2508; PTU-2604; prices " RS_MODELS_PRICE_SNAPSHOT,
    },
};

/*
 * The built-in table.  The rows live in static storage and are read-only:
 * the caller must not modify or free them (copy first, as the loader does).
 * OUT: *n, the number of rows (n may be NULL).  Never fails.
 */
const rs_model *rs_models_builtin(size_t *n)
{
	if (n)
		*n = sizeof builtin / sizeof builtin[0];
	return builtin;
}

/*
 * Index of the first row of models[0..n) whose name equals `name` (exact,
 * case-sensitive), or -1 when there is none, or when models or name is NULL.
 * Both arrays are borrowed.  n must fit in an int (tables are small).
 */
int rs_models_find(const rs_model *models, size_t n, const char *name)
{
	if (!models || !name)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(models[i].name, name, RS_MODEL_NAME_MAX) == 0)
			return (int)i;
	}
	return -1;
}
