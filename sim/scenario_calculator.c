/*
 * scenario_calculator.c - the loader's room for a client given as the
 * service's capacity calculator describes a workload (issue 9): requests
 * per minute and the average prompt and generated tokens of a request.
 *
 *   "workload": {"rpm": 120, "prompt_tokens": 1500, "generated_tokens": 300}
 *
 * It stands for the client's arrival and sizes: Poisson arrivals at rpm /
 * 60 per second, every prompt and completion at the averages (fixed), so
 * that the run offers the calculator's load exactly in the mean and what
 * differs between the calculator's figure and the run is the arrivals'
 * randomness and the meter (calculator.h says how the figure is formed).
 * A client takes "workload" or "arrival" (with its prompt_tokens and
 * output_tokens), not both; everything else of a client (max_tokens,
 * cached_fraction, retry, ...) applies as usual.  The effective scenario
 * keeps "workload" as given, so reading it again gives the same client.
 *
 * Cost: O(1) per client.
 */
#include <cjson/cJSON.h>

#include "scenario_keys.h"

/* The calculator's rate is per minute; the arrivals' limit is per second. */
#define SC_S_PER_MIN 60.0

/* clang-format off: key tables keep one key per line */
static const sc_key workload_keys[] = {
    {"rpm", 0, true, NULL, SC_NUMBER(SC_POS, 0, RS_MAX_RATE_RPS *SC_S_PER_MIN)},
    {"prompt_tokens", 0, true, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_TOKENS)},
    {"generated_tokens", 0, true, NULL, SC_WHOLE(SC_NONNEG, RS_MAX_TOKENS)},
};
/* clang-format on */

/* The keys a workload stands for, refused beside it. */
static const char *const replaced_keys[] = {"arrival", "prompt_tokens", "output_tokens"};

static rs_status fill_client(sc *c, rs_client_cfg *cli)
{
	const rs_workload_cfg *w = &cli->workload;
	cli->arrival.process = RS_ARRIVAL_POISSON;
	cli->arrival.schedule = rs_calloc(1, sizeof *cli->arrival.schedule);
	if (!cli->arrival.schedule)
		return sc_nomem(c);
	cli->arrival.n_schedule = 1;
	cli->arrival.schedule[0].rate_rps = w->rpm / SC_S_PER_MIN;
	cli->prompt_tokens =
	    (rs_dist_cfg){.kind = RS_DIST_FIXED, .value = (double)w->prompt_tokens};
	cli->output_tokens =
	    (rs_dist_cfg){.kind = RS_DIST_FIXED, .value = (double)w->generated_tokens};
	return RS_OK;
}

rs_status sc_parse_workload(sc *c, const cJSON *cl, const char *cpath, rs_client_cfg *cli)
{
	cli->workload = (rs_workload_cfg){0};
	const cJSON *v = sc_member(cl, "workload");
	if (!v) {
		if (sc_member(cl, "arrival"))
			return RS_OK;
		char kp[SC_PATH_MAX];
		sc_child_key(kp, cpath, "arrival");
		return sc_invalid(c, kp, "required key is missing (or give a \"workload\")");
	}
	for (size_t i = 0; i < SC_N(replaced_keys); i++) {
		if (!sc_member(cl, replaced_keys[i]))
			continue;
		char kp[SC_PATH_MAX];
		sc_child_key(kp, cpath, replaced_keys[i]);
		return sc_invalid(c, kp,
		                  "not used with \"workload\", which gives the arrivals and the "
		                  "sizes; give one or the other");
	}
	char path[SC_PATH_MAX];
	sc_child_key(path, cpath, "workload");
	sc_keys ks = SC_KEYS(workload_keys);
	rs_workload_cfg *w = &cli->workload;
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, ks);
	if (st == RS_OK)
		st = sc_get_num(c, v, path, ks, "rpm", &w->rpm);
	if (st == RS_OK)
		st = sc_get_whole(c, v, path, ks, "prompt_tokens", &w->prompt_tokens);
	if (st == RS_OK)
		st = sc_get_whole(c, v, path, ks, "generated_tokens", &w->generated_tokens);
	if (st != RS_OK)
		return st;
	w->on = true;
	return fill_client(c, cli);
}

static const sc_table calculator_tables[] = {
    {"workload", SC_KEYS(workload_keys)},
};

const sc_table *sc_calculator_tables(size_t *n)
{
	*n = SC_N(calculator_tables);
	return calculator_tables;
}
