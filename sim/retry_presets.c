/*
 * retry_presets.c - the retry policies of real SDKs (retry_presets.h).
 *
 * Each row is a full rs_retry_cfg: every field given, the ones the SDK has
 * no notion of at their defaults.  Sources, as read in the SDKs' code
 * (scenarios/README.md, "Presets", says what maps and what does not):
 *
 * openai-python: openai/openai-python src/openai/_constants.py
 *   (DEFAULT_MAX_RETRIES = 2, INITIAL_RETRY_DELAY = 0.5, MAX_RETRY_DELAY =
 *   8.0, DEFAULT_TIMEOUT 600 s) and src/openai/_base_client.py
 *   _calculate_retry_timeout: a retry-after(-ms) in (0, 60] is waited as
 *   sent; else min(0.5 x 2^nb_retries, 8) x (1 - 0.25 x random()).  A
 *   longer retry-after (the 86,400 s of an oversize estimate) is therefore
 *   replaced by the backoff: the request retries within seconds, meets the
 *   same answer, and fails after its 2 retries.
 * openai-python-120s: the later versions of the same file, where
 *   MAX_RETRY_AFTER_DELAY = 120 ("Honor server-directed delays up to two
 *   minutes") and _should_retry returns False when the retry-after exceeds
 *   it: a retry-after up to 120 s is waited, a longer one fails the request
 *   at once (retry_after_give_up_s 120).  Everything else as openai-python.
 * azure-core: Azure/azure-sdk-for-python sdk/core/azure-core/azure/core/
 *   pipeline/policies/_retry.py RetryPolicy: retry_total 10 but
 *   retry_status 3 (a 429 is a status retry, and is_exhausted stops at the
 *   first count below 0), backoff_factor 0.8 x 2^(n - 1) capped at
 *   backoff_max 120 s with no jitter (get_backoff_time), the first retry
 *   immediate, and Retry-After always honoured, with no cap
 *   (_sleep_for_retry): it waits the whole 86,400 s.  Its operation timeout
 *   (604,800 s, checked after the sleep) is not reached by three such waits,
 *   so it is not modelled.
 * litellm-router: BerriAI/litellm litellm/constants.py (INITIAL_RETRY_DELAY
 *   0.5, MAX_RETRY_DELAY 8.0, JITTER 0.75) and Router.__init__ in
 *   litellm/router.py (num_retries defaults to openai.DEFAULT_MAX_RETRIES,
 *   2); _calculate_retry_after waits retry-after + U(0, 0.75) when the
 *   header is in (0, 60], else min(0.5 x 2^n, 8) + U(0, 0.75) (jitter
 *   added, not multiplied, since BerriAI/litellm PR 12901): the mode
 *   cap_jitter with a 60 s cap, so that an 86,400 s answer falls back on the
 *   backoff as the source does.
 */
#include "ratesim/retry_presets.h"

#include <string.h>

typedef struct preset {
	const char *name;
	rs_retry_cfg r; /* r.preset unused */
} preset;

/* openai-python: 0.5 s doubling to 8 s times U(0.75, 1), 2 retries,
 * 600 s per attempt; retry-after honoured up to `cap`. */
#define OPENAI_PYTHON(cap, give_up)                                                                \
	{                                                                                          \
		.policy = RS_RETRY_EXPONENTIAL, .max_retries = 2,                                  \
		.delay_s = RS_DEFAULT_RETRY_DELAY_S, .base_s = 0.5, .cap_s = 8.0,                  \
		.jitter = RS_JITTER_FACTOR, .factor_min = 0.75, .factor_max = 1.0,                 \
		.retry_after = RS_RETRY_AFTER_CAP, .retry_after_cap_s = (cap),                     \
		.retry_after_jitter_s = RS_DEFAULT_RETRY_AFTER_JITTER_S,                           \
		.retry_after_give_up_s = (give_up), .attempt_timeout_s = 600.0, .deadline_s = 0,   \
		.budget_max = 0, .budget_refund = 0, .retry_ratio = 0,                             \
		.retry_ratio_window_s = RS_DEFAULT_RETRY_RATIO_WINDOW_S, .adaptive_k = 0,          \
		.adaptive_window_s = RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S                            \
	}

/* clang-format off */
static const preset presets[] = {
    {"openai-python", OPENAI_PYTHON(60.0, RS_DEFAULT_RETRY_AFTER_GIVE_UP_S)},
    {"azure-core", {
	.policy = RS_RETRY_EXPONENTIAL, .max_retries = 3, .delay_s = RS_DEFAULT_RETRY_DELAY_S,
	.base_s = 0.8, .cap_s = 120.0, .jitter = RS_JITTER_NONE,
	.factor_min = RS_DEFAULT_RETRY_FACTOR_MIN, .factor_max = RS_DEFAULT_RETRY_FACTOR_MAX,
	.retry_after = RS_RETRY_AFTER_HONOUR, .retry_after_cap_s = RS_DEFAULT_RETRY_AFTER_CAP_S,
	.retry_after_jitter_s = RS_DEFAULT_RETRY_AFTER_JITTER_S,
	.retry_after_give_up_s = RS_DEFAULT_RETRY_AFTER_GIVE_UP_S,
	.attempt_timeout_s = 0, .deadline_s = 0,
	.budget_max = 0, .budget_refund = 0,
	.retry_ratio = 0, .retry_ratio_window_s = RS_DEFAULT_RETRY_RATIO_WINDOW_S,
	.adaptive_k = 0, .adaptive_window_s = RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S}},
    {"litellm-router", {
	.policy = RS_RETRY_EXPONENTIAL, .max_retries = 2, .delay_s = RS_DEFAULT_RETRY_DELAY_S,
	.base_s = 0.5, .cap_s = 8.0, .jitter = RS_JITTER_NONE,
	.factor_min = RS_DEFAULT_RETRY_FACTOR_MIN, .factor_max = RS_DEFAULT_RETRY_FACTOR_MAX,
	.retry_after = RS_RETRY_AFTER_CAP_JITTER, .retry_after_cap_s = 60.0,
	.retry_after_jitter_s = 0.75,
	.retry_after_give_up_s = RS_DEFAULT_RETRY_AFTER_GIVE_UP_S,
	.attempt_timeout_s = 0, .deadline_s = 0,
	.budget_max = 0, .budget_refund = 0,
	.retry_ratio = 0, .retry_ratio_window_s = RS_DEFAULT_RETRY_RATIO_WINDOW_S,
	.adaptive_k = 0, .adaptive_window_s = RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S}},
    {"openai-python-120s", OPENAI_PYTHON(120.0, 120.0)},
};
/* clang-format on */

size_t rs_retry_preset_count(void)
{
	return sizeof presets / sizeof presets[0];
}

const char *rs_retry_preset_name(size_t i)
{
	return i < rs_retry_preset_count() ? presets[i].name : NULL;
}

const rs_retry_cfg *rs_retry_preset_find(const char *name)
{
	for (size_t i = 0; i < rs_retry_preset_count(); i++)
		if (strcmp(name, presets[i].name) == 0)
			return &presets[i].r;
	return NULL;
}
