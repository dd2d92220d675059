/*
 * fuzz_scenario.c - libFuzzer harness of the scenario loader
 * (rs_scenario_parse with --set overrides; input format in fuzz_common.h).
 */
#include "fuzz_common.h"
#include "ratesim/config.h"
#include "ratesim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	if (!fuzz_split(data, size, &in))
		return 0;
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st =
	    rs_scenario_parse("fuzz.json", in.text, NULL, in.sets, in.n_sets, &cfg, &err);
	fuzz_check_error(st, &err);
	if ((st == RS_OK) != (cfg != NULL))
		__builtin_trap();
	rs_config_free(cfg);
	free(in.text);
	return 0;
}
