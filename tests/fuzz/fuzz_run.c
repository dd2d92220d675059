/*
 * fuzz_run.c - libFuzzer harness of a whole short run: a fuzzed scenario
 * (input format in fuzz_common.h) that loads is run for at most
 * FUZZ_RUN_EVENTS events, with its duration capped by overrides appended
 * after the input's own, through the world's step function with the real
 * output hooks (a per-process folder under /tmp); a run that ends within
 * the cap is committed like `ratesim run --no-charts`.  Looks for crashes,
 * assertion failures, UB and leaks anywhere in the runtime and outputs.
 */
#include "fuzz_common.h"
#include "ratesim/config.h"
#include "ratesim/output.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

#include <stdio.h>
#include <unistd.h>

#define FUZZ_RUN_EVENTS 20000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Overrides that keep a run short whatever the input says. */
static const char *const caps[] = {"duration_s=30", "warmup_s=0", "bucket_s=5"};
#define N_CAPS (sizeof caps / sizeof caps[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input in;
	if (!fuzz_split(data, size, &in))
		return 0;
	const char *sets[FUZZ_MAX_SETS + N_CAPS];
	size_t n = 0;
	for (size_t i = 0; i < in.n_sets; i++)
		sets[n++] = in.sets[i];
	for (size_t i = 0; i < N_CAPS; i++)
		sets[n++] = caps[i];
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st = rs_scenario_parse("fuzz.json", in.text, NULL, sets, n, &cfg, &err);
	fuzz_check_error(st, &err);
	rs_output *out = NULL;
	if (st == RS_OK) {
		char dir[64];
		snprintf(dir, sizeof dir, "/tmp/ratesim-fuzz-run-%ld", (long)getpid());
		st = rs_output_open(dir, true, &out, &err);
		fuzz_check_error(st, &err);
	}
	if (st == RS_OK) {
		rs_world_hooks hooks = {0};
		rs_output_hooks(out, &hooks);
		rs_world *w = NULL;
		st = rs_world_new(cfg, &hooks, &w, &err);
		fuzz_check_error(st, &err);
		bool ran = st == RS_OK;
		int k = 0;
		for (; ran && k < FUZZ_RUN_EVENTS; k++) {
			st = rs_world_step(w, &ran, &err);
			fuzz_check_error(st, &err);
			ran = ran && st == RS_OK;
		}
		if (st == RS_OK && k < FUZZ_RUN_EVENTS) {
			rs_engine_stats es = {0};
			st = rs_world_run(w, &err); /* closes the last bucket */
			if (st == RS_OK)
				st = rs_output_commit(out, cfg, rs_world_metrics(w), &es, &err);
			fuzz_check_error(st, &err);
		}
		rs_world_free(w);
	}
	rs_output_free(out);
	rs_config_free(cfg);
	free(in.text);
	return 0;
}
