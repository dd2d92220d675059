/*
 * calculator.h - what the service's capacity calculator says a provisioned
 * deployment needs, from the workloads described to it (issue 9; MODEL.md
 * section 5), so that "what the calculator says" stands beside "what the
 * simulation shows" in summary.json and the comparison report.
 *
 * The calculator takes, per workload, requests per minute and the average
 * prompt and generated tokens of a request, and sizes with the documented
 * formula (Microsoft Learn, "Provisioned throughput: understanding the
 * capacity calculator"; the same as the sizing of the run's measured load
 * in summary.json):
 *   input TPM  = sum of rpm x prompt_tokens
 *   output TPM = sum of rpm x generated_tokens
 *   normalised TPM = input TPM + output_ratio x output TPM
 *   PTU = normalised TPM / input_tpm_per_ptu, rounded up, then up to the
 *         model's minimum and in its increments for the deployment's kind.
 * The workloads of a deployment are its clients given as a "workload" that
 * send to it directly (through a router, where they go is the router's
 * choice, not a plan).  A client's cached_fraction is not in the
 * calculator's inputs: its figure assumes no cache.
 */
#ifndef RATESIM_CALCULATOR_H
#define RATESIM_CALCULATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "ratesim/config.h"

typedef struct rs_calculator {
	size_t workloads;      /* clients given as a workload that send to the deployment */
	double rpm;            /* their requests per minute, summed */
	double input_tpm;      /* prompt tokens per minute */
	double output_tpm;     /* generated tokens per minute */
	double normalized_tpm; /* input_tpm + output_ratio x output_tpm */
	double ptu_needed;     /* rs_calculator_ptu of normalized_tpm */
} rs_calculator;

/* The calculator's figures for deployment d (provisioned) of cfg.  Returns
 * false, leaving *out zeroed, when no client is given as a workload that
 * sends to d directly. OUT: *out. */
bool rs_calculator_of(const rs_config *cfg, size_t d, rs_calculator *out);

/* The PTU a normalised TPM needs on a deployment of model md and kind:
 * ceil(normalised_tpm / input_tpm_per_ptu), at least the model's minimum
 * for the kind, above it in whole increments (MODEL.md section 5). */
double rs_calculator_ptu(double normalised_tpm, const rs_model *md, rs_kind kind);

#endif
