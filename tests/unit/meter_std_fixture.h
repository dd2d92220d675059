/*
 * meter_std_fixture.h - what the standard meter's two test files share:
 * the meter's parameters with the usual defaults (test_meter_std.c, the
 * hand-worked sequences; test_meter_std_ref.c, the differential test).
 */
#ifndef RATESIM_TEST_METER_STD_FIXTURE_H
#define RATESIM_TEST_METER_STD_FIXTURE_H

#include "ratesim/meter_std.h"

static inline rs_std_params params(int64_t tpm, double per_1k, rs_window_kind tpm_window,
                                   rs_window_kind rpm_window, int rpm_window_s, bool count_refused)
{
	rs_std_params p = {
	    .tpm = tpm,
	    .rpm_per_1k_tpm = per_1k,
	    .tpm_window = tpm_window,
	    .rpm_window = rpm_window,
	    .rpm_window_s = rpm_window_s,
	    .count_refused = count_refused,
	    .prompt_estimate_factor = 1.0,
	    .max_tokens_default = 4096,
	};
	return p;
}

#endif
