/*
 * scenario.h - the scenario loader: a JSON file in, a checked rs_config out.
 *
 * The loader reads the whole file, parses it with cJSON, rejects duplicate
 * keys, applies the command line's `--set PATH=VALUE` overrides to the JSON
 * tree (overrides.h), and then walks the tree once with a table of known keys
 * per object, so that every key is checked: unknown keys (with the nearest
 * known key suggested), missing required keys, wrong types, values out of
 * range, names that do not resolve (deployments and routers share one
 * namespace), routers that reach themselves, and quota pools that are
 * over-committed.  Two things are expanded on the way, so that the config
 * holds plain values only: a retry `preset` becomes the SDK policy it names,
 * and a `daily` arrival becomes a Poisson arrival with a piecewise-linear
 * schedule.  The key reference, with every default and its source, is
 * scenarios/README.md; scenarios/schema.json says the same for editors.
 *
 * Every number has a range (scenarios/README.md, "Every key at a glance"),
 * and the estimated memory and output of a run must fit a budget
 * (rs_scenario_check_budget).  Messages are one line: control characters
 * in echoed values are escaped (\n, \t, \xHH).
 *
 * Messages name the file and, for meaning, the JSON path of the value:
 *   scenarios/x.json:12:7: invalid JSON: expected ',' or '}'
 *   scenarios/x.json: .clients[2].arrival.rate_rps: must be > 0 (got -3)
 * A path is also what `--set` takes, so a message's path can be pasted into
 * a `--set` to fix the value from the command line.
 *
 * Cost: linear in the file, except name lookups (deployment and router
 * names, quota pools), which are O(n^2) in their number: scenarios have tens
 * of them, not thousands; and a daily arrival's schedule, one point per
 * 86400 / points_per_day seconds of the run.
 */
#ifndef RATESIM_SCENARIO_H
#define RATESIM_SCENARIO_H

#include "ratesim/common.h"
#include "ratesim/config.h"
#include "ratesim/scenario_estimate.h"

/* Load, override and validate the scenario file `path`.
 *
 * overrides: n_overrides strings "PATH=VALUE" (from --set), applied in order
 * to the JSON tree before validation; borrowed.  PATH is like
 * `clients[0].arrival.rate_rps` (a leading '.' is allowed); VALUE is parsed as
 * JSON when it is valid JSON, else taken as a string.  Relative trace paths
 * written in the file are resolved against the file's folder; those given
 * by an override stay as given (relative to the current folder).
 *
 * Result: RS_OK and OUT: *out a new rs_config (caller frees with
 * rs_config_free).  Its effective_json is the effective scenario: the tree
 * after the overrides with every default the load applied written in, a
 * retry preset expanded, trace paths absolute, the model rows used, the
 * budgets, every number exact, and without "sweep" and "variants"; loading
 * it gives the same config and the same text (scenarios/README.md, "The
 * effective scenario").  On failure *out is NULL and err says why:
 *   RS_ERR_IO      the file cannot be opened or read
 *   RS_ERR_SYNTAX  the file is not JSON ("FILE:LINE:COL: invalid JSON: ...")
 *   RS_ERR_INVALID a value is wrong, missing or unknown ("FILE: .path: ...")
 *   RS_ERR_USAGE   a --set is malformed or its path does not exist
 *   RS_ERR_NOMEM   out of memory */
rs_status rs_scenario_load(const char *path, const char *const *overrides, size_t n_overrides,
                           rs_config **out, rs_error *err);

/* The same from text already in memory (NUL-terminated; borrowed).
 * display_name names the text in messages and becomes cfg->path; base_dir
 * (may be NULL: paths stay as written) resolves relative trace paths.
 * Results and errors as rs_scenario_load, without RS_ERR_IO. */
rs_status rs_scenario_parse(const char *display_name, const char *text, const char *base_dir,
                            const char *const *overrides, size_t n_overrides, rs_config **out,
                            rs_error *err);

/* Options of a load; a zero field keeps the scenario's own value. */
typedef struct rs_scenario_opts {
	double max_memory_mb; /* > 0: the memory budget (overrides "limits") */
	double max_output_mb; /* > 0: the results budget (overrides "limits") */
} rs_scenario_opts;

/* rs_scenario_load with options (opts may be NULL: none).  This is what a
 * command-line `--max-memory MB` sets: {.max_memory_mb = MB}. */
rs_status rs_scenario_load_with(const char *path, const char *const *overrides, size_t n_overrides,
                                const rs_scenario_opts *opts, rs_config **out, rs_error *err);

/* The loader's key tables as JSON text, for tests and tools that hold them
 * against scenarios/schema.json and scenarios/README.md:
 *   {"top": [row, ...], "deployment": [...], ...}
 * one array per kind of object (named as schema.json's $defs; "top" is the
 * top level), each row {"key", "type" ("number", "integer", "string",
 * "boolean" or "other" for objects, arrays and distributions), "required",
 * "groups" (0: every variant, else a bit set of the variants that use it),
 * "minimum" or "exclusiveMinimum", "maximum", "default", "enum"}, the last
 * four only when they apply.  A key may have one row per variant.
 * Result: a new string (caller frees with free()), or NULL when out of
 * memory. */
char *rs_scenario_keys_json(void);

#endif
