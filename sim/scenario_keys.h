/*
 * scenario_keys.h - what the rooms of the scenario loader share: the key
 * tables and their machinery (scenario_keys.c), and the few entry points
 * of each room that scenario.c calls.
 *
 * The loader (scenario.h) is split by object kind: scenario.c keeps the
 * entry points and the top level; scenario_keys.c the key-table machinery
 * (messages, paths, suggestions, typed getters); scenario_topology.c the
 * models, quotas, deployments and routers; scenario_workload.c the clients
 * (arrivals, distributions, max_tokens, retry and its presets, traces);
 * scenario_faults.c the faults, network and pricing; scenario_images.c a
 * client's images; scenario_json.c the
 * syntax-error locator and the duplicate-key check.  This header is private
 * to those files (it lives in sim/, not include/), and includes no other
 * loader file, so the rooms depend on it and on nothing of each other but
 * the few name lookups declared below.
 *
 * Conventions: every function takes the load context `sc`; a failure
 * returns its status with the message already in c->err ("FILE: PATH:
 * text"); paths are built in buffers of SC_PATH_MAX bytes.
 */
#ifndef RATESIM_SCENARIO_KEYS_H
#define RATESIM_SCENARIO_KEYS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ratesim/common.h"
#include "ratesim/config.h"

/* ---- implementation constants ------------------------------------------ */

/* A daily arrival's period, and the fewest points per day that still show a
 * peak and a trough (two points would sample the cosine at both extremes
 * only when the peak falls on one of them). */
#define SC_DAY_S            86400.0
#define SC_DAILY_MIN_POINTS 4
/* A schedule longer than this is refused (a daily arrival over years at a
 * point a minute): it would cost memory for no visible difference. */
#define SC_SCHEDULE_MAX_POINTS 1000000

/* The two RPM evaluation windows of the standard meter (MODEL.md section 4). */
#define SC_RPM_WINDOW_SHORT_S 1
#define SC_RPM_WINDOW_LONG_S  10

/* Longest JSON path kept for a message. */
#define SC_PATH_MAX 512
/* Room for a list of names inside a message (the message is cut at RS_ERROR_MAX). */
#define SC_LIST_MAX 768
/* The largest whole number a JSON number (an IEEE double) holds exactly: 2^53. */
#define SC_MAX_WHOLE 9007199254740992.0
/* Keys longer than this are not compared for a suggestion. */
#define SC_SUGGEST_MAX_LEN 64
/* A wrong string value is quoted in a message up to this many bytes. */
#define SC_SHOW_STRING_MAX 40
#define SC_STR_(x)         #x
#define SC_STR(x)          SC_STR_(x)

#define SC_N(a)   (sizeof(a) / sizeof((a)[0]))
#define SC_BIT(e) (1u << (unsigned)(e))

/* ---- the load context -------------------------------------------------- */

/* The variants recorded by sc_keys_variant, most recent last: enough for
 * the objects open at once in the walk (a client, its arrival, a dist...). */
#define SC_VARIANTS_MAX 16

typedef struct sc {
	const char *file;     /* display name, for messages */
	const char *base_dir; /* folder of relative trace paths, or NULL */
	rs_error *err;
	rs_config *cfg; /* being built */
	/* The effective scenario: the getters write every default they apply
	 * into the tree (which the loader owns: the walk's const is a promise
	 * about meaning, not about storage), so that the tree printed at the
	 * end says every value the run uses.  A row of a variant is written
	 * only into an object whose variant is known to use it. */
	const cJSON *var_obj[SC_VARIANTS_MAX];
	unsigned var_group[SC_VARIANTS_MAX];
	size_t n_var;
	bool oom; /* writing the tree ran out of memory */
} sc;

/* ---- messages (scenario_keys.c) ---------------------------------------- */

/* "FILE: PATH: message" (RS_ERR_INVALID); path NULL or "" gives "FILE: message". */
rs_status sc_invalid(sc *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
rs_status sc_nomem(sc *c);
/* The shortest text that reads back as v ("-3", "2.5", "0.1"). */
void sc_fmt_num(char *buf, size_t size, double v);
/* What a value is, for "(got ...)": `string "ten"`, `number 5`, ... */
void sc_describe(char *buf, size_t size, const cJSON *v);
/* "must be WANT (got ...)". */
rs_status sc_wrong_type(sc *c, const char *path, const char *want, const cJSON *v);
/* Append sep and item (item alone to an empty buffer), cut at the end. */
void sc_list_add_sep(char *buf, size_t size, const char *sep, const char *item);
/* Append ", item" (or "item" to an empty list). */
void sc_list_add(char *buf, size_t size, const char *item);
/* A client named by the string v at path (after the clients are read).
 * OUT: *index.  Errors: not a string; no client of that name (the message
 * lists the names there are). */
rs_status sc_client_name(sc *c, const cJSON *v, const char *path, int *index);
/* out (SC_PATH_MAX bytes) = parent.key / parent[i]. */
void sc_child_key(char *out, const char *parent, const char *key);
void sc_child_index(char *out, const char *parent, size_t i);
/* A copy of s (caller frees), or NULL when out of memory. */
char *sc_strdup(const char *s);
/* Rewrite err->msg on one line: control characters become \n, \r, \t or
 * \xHH (cut at RS_ERROR_MAX), so that a value holding a newline cannot
 * split a message. */
void sc_escape_message(rs_error *err);
/* The candidate nearest to word when near enough to be a typo, else NULL. */
const char *sc_nearest(const char *word, const char *const *cands, size_t n);

typedef enum sc_rule {
	SC_ANY,    /* any finite number */
	SC_POS,    /* > 0 */
	SC_NONNEG, /* >= 0 */
	SC_GE1,    /* >= 1 */
	SC_UNIT,   /* 0..1 */
	SC_SHARE,  /* > 0 and <= 1: a factor that may shrink but not vanish */
} sc_rule;

/* ---- key tables (scenario_keys.c) -------------------------------------- */

/* The key every object accepts and ignores, so that authors can annotate. */
#define SC_COMMENT_KEY "comment"

/* What a key holds.  The getters check it; the key dump (rs_scenario_keys_json)
 * says it; scenarios/schema.json and scenarios/README.md say the same. */
typedef enum sc_type {
	SC_T_OTHER,  /* anything (ignored, as "$schema") */
	SC_T_OBJECT, /* an object: checked by its own code */
	SC_T_ARRAY,  /* an array: checked by its own code */
	SC_T_DIST,   /* a distribution: a number or an object with "dist" */
	SC_T_STRING, /* a string */
	SC_T_ENUM,   /* one of a list of strings */
	SC_T_BOOL,   /* true or false */
	SC_T_NUMBER, /* a finite number */
	SC_T_WHOLE,  /* a whole number */
} sc_type;

/* One key of one kind of object: the ONE place that says its name, its
 * type, its default and its valid range.  The getters take all of these
 * from the row, so that a default or a range cannot be written twice. */
typedef struct sc_key {
	const char *name;
	unsigned groups;  /* the variants (bit set) that use this key; 0: every variant */
	bool required;    /* required whenever its variant is in use */
	const char *hint; /* said when the key is used by the wrong variant, or NULL */
	sc_type type;
	/* numbers: rule is the lower bound (and the upper one for SC_UNIT and
	 * SC_SHARE); min > 0 raises it (>= min); max is the upper bound (<= max). */
	sc_rule rule;
	double min, max;
	/* the default: has_dflt says whether there is one (absent keys without
	 * one mean "not set", e.g. "the model's value"); dflt holds a number,
	 * a whole number, a bool (0 or 1) or an enum index; dflt_str a string,
	 * or for an object the JSON text it stands for. */
	bool has_dflt;
	double dflt;
	const char *dflt_str;
	bool empty_ok; /* strings: "" is allowed */
	/* enums: the names, indexed by value (NULL entries are not offered) */
	const char *const *names;
	size_t n_names;
} sc_key;

/* Row builders: {"key", groups, required, hint, SC_NUMBER(SC_POS, 0, 1e6), SC_DEFAULT(10)} */
#define SC_NUMBER(r, lo, hi) .type = SC_T_NUMBER, .rule = (r), .min = (lo), .max = (hi)
#define SC_WHOLE(r, hi)      .type = SC_T_WHOLE, .rule = (r), .max = (hi)
#define SC_DEFAULT(d)        .has_dflt = true, .dflt = (d)
#define SC_OTHER             .type = SC_T_OTHER
#define SC_OBJECT            .type = SC_T_OBJECT
/* an object whose absence means the JSON text d */
#define SC_OBJECT_OR(d) .type = SC_T_OBJECT, .has_dflt = true, .dflt_str = (d)
#define SC_ARRAY        .type = SC_T_ARRAY
/* an array whose absence means the JSON text d */
#define SC_ARRAY_OR(d)      .type = SC_T_ARRAY, .has_dflt = true, .dflt_str = (d)
#define SC_DIST             .type = SC_T_DIST
#define SC_STRING           .type = SC_T_STRING
#define SC_STRING_OR(s)     .type = SC_T_STRING, .has_dflt = true, .dflt_str = (s)
#define SC_BOOLEAN(d)       .type = SC_T_BOOL, .has_dflt = true, .dflt = (d)
#define SC_ENUM(list)       .type = SC_T_ENUM, .names = (list), .n_names = SC_N(list)
#define SC_ENUM_OR(list, d) SC_ENUM(list), .has_dflt = true, .dflt = (d)

/* A table of rows whose first member is an sc_key (stride: the row size). */
typedef struct sc_keys {
	const void *rows;
	size_t n;
	size_t stride;
} sc_keys;

#define SC_KEYS(t) ((sc_keys){(t), sizeof(t) / sizeof((t)[0]), sizeof((t)[0])})

const sc_key *sc_key_at(sc_keys ks, size_t i);
const sc_key *sc_key_find(sc_keys ks, const char *name);
/* obj.key, or NULL (borrowed). */
const cJSON *sc_member(const cJSON *obj, const char *key);
/* Every key of obj is in the table (or is a string "comment"), and every
 * key required by all variants is there. */
rs_status sc_keys_known(sc *c, const cJSON *obj, const char *path, sc_keys ks);
/* Once the variant (bit `group`, the value dvalue of key dkey) is known: no
 * key of another variant is present, and every key it requires is. */
rs_status sc_keys_variant(sc *c, const cJSON *obj, const char *path, sc_keys ks, unsigned group,
                          const char *dkey, const char *dvalue);

/* ---- typed values (scenario_keys.c) ------------------------------------ */

/* Write key = v into obj (the effective scenario), replacing a member of
 * that name; v is taken over (deleted on failure).  Numbers should come
 * from sc_exact_number.  Returns false (and sets c->oom) when out of
 * memory. */
bool sc_write(sc *c, const cJSON *obj, const char *key, cJSON *v);
/* A number item that prints as the shortest text reading back as v. */
cJSON *sc_exact_number(double v);
/* obj.key, or when absent and the row has a default object, that default
 * written into obj (so that its own defaults get written as it is read).
 * NULL when absent without a default. */
const cJSON *sc_member_or_default(sc *c, const cJSON *obj, sc_keys ks, const char *key);
/* Every number of the tree as its shortest exact text (cJSON would print
 * some with 15 digits only), for the effective scenario's text. */
bool sc_exact_numbers(cJSON *node);

/* Whether the number v is a value the row k accepts. */
bool sc_in_range(const sc_key *k, double v);

/* Each getter reads obj.key (path: obj's path), checks it against its row
 * of the table ks (type, range) and writes OUT: *out, or the row's default
 * when the key is absent; an absent key without a default leaves *out as
 * the caller set it (numbers: a "not set" value such as -1).  The
 * *_or variants take the default from the caller instead, for the few keys
 * whose default depends on other values (a preset's, the backend count):
 * the row then documents the usual default. */
rs_status sc_num_value(sc *c, const cJSON *v, const char *path, const sc_key *k, double *out);
rs_status sc_get_num(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                     double *out);
rs_status sc_get_num_or(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                        double dflt, double *out);
rs_status sc_get_whole(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                       int64_t *out);
rs_status sc_get_int(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                     int *out);
rs_status sc_get_int_or(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                        int dflt, int *out);
rs_status sc_get_bool(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                      bool *out);
/* A string borrowed from the tree; NULL when absent (the row's default is
 * not applied: see sc_get_owned). */
rs_status sc_get_str(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                     const char **out);
/* A new string, or a copy of the row's default; NULL when both are absent. */
rs_status sc_get_owned(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                       char **out);
/* One of the row's names; OUT: the index. */
rs_status sc_get_enum(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                      int *out);
/* The same among names[0..n) (NULL entries skipped), with a default from
 * the caller: for lists known only at run time or narrowed by context. */
rs_status sc_get_enum_in(sc *c, const cJSON *obj, const char *path, sc_keys ks, const char *key,
                         const char *const *names, size_t n, int dflt, int *out);
/* "not used when DKEY is DVALUE" when obj has key and `used` is false. */
rs_status sc_key_unused(sc *c, const cJSON *obj, const char *path, const char *key, bool used,
                        const char *dkey, const char *dvalue);
/* "must be >= OTHER (V) (got X)" and its mirror "must be <= OTHER (V)". */
rs_status sc_below(sc *c, const char *path, const char *key, const char *other, double lo,
                   double got);
rs_status sc_above(sc *c, const char *path, const char *key, const char *other, double hi,
                   double got);
rs_status sc_expect_object(sc *c, const cJSON *v, const char *path);
/* obj.key as an array, empty or not; OUT: *arr (NULL when absent), *n. */
rs_status sc_get_array_any(sc *c, const cJSON *obj, const char *path, const char *key,
                           const cJSON **arr, size_t *n);
/* obj.key as a non-empty array (when present). */
rs_status sc_get_array(sc *c, const cJSON *obj, const char *path, const char *key, const char *what,
                       const cJSON **arr, size_t *n);

/* A named key table, for the key dump: name is the object kind, as in
 * scenarios/schema.json's $defs ("top" is the top level). */
typedef struct sc_table {
	const char *name;
	sc_keys keys;
} sc_table;

/* Add each table to out as "NAME": [row, ...] (the format of
 * rs_scenario_keys_json). Returns false when out of memory. */
bool sc_tables_json(cJSON *out, const sc_table *tables, size_t n);

/* ---- the rooms --------------------------------------------------------- */

/* scenario_topology.c: cfg->models, quotas, deployments, routers. */
rs_status sc_parse_models(sc *c, const cJSON *root);
rs_status sc_parse_quotas(sc *c, const cJSON *root);
rs_status sc_parse_deployments(sc *c, const cJSON *root);
rs_status sc_parse_routers(sc *c, const cJSON *root);
/* The index of the deployment `name` among the first n, or -1. */
int sc_deployment_find(const rs_config *cfg, size_t n, const char *name);
rs_status sc_no_deployment(sc *c, const char *path, const char *name);
/* A deployment's or a router's name (the first n_routers routers). OUT: *ref. */
bool sc_target_find(const rs_config *cfg, size_t n_routers, const char *name, rs_target *ref);
rs_status sc_no_target(sc *c, const char *path, const char *name);
/* The room's key tables, for the key dump. OUT: *n. */
const sc_table *sc_topology_tables(size_t *n);
/* scenario_deployment.c: a standard-family deployment's limits (tpm, the
 * TPM and RPM windows, count_refused, prompt_estimate_factor,
 * oversize_retry_after_s), by the rows of ks (d: the deployment object). */
rs_status sc_parse_std_limits(sc *c, const cJSON *d, const char *path, sc_keys ks,
                              rs_deployment_cfg *dep);
/* Write every field of each model a deployment or a quota uses into
 * root.models (the effective scenario), so that a replay does not depend on
 * the built-in table of the program that replays it. */
void sc_write_models(sc *c, const cJSON *root);

/* scenario_workload.c: cfg->clients. */
rs_status sc_parse_clients(sc *c, const cJSON *root);
const sc_table *sc_workload_tables(size_t *n);

/* scenario_dist.c: distributions and trace-file references.
 * Every relative "file" string under node joined with c->base_dir, before
 * the --set overrides: a trace path written in the file is relative to the
 * file's folder, one given with --set to the current folder.  Returns false
 * when out of memory. */
bool sc_resolve_file_paths(sc *c, cJSON *node);
/* file, format, zero_rows and model at path: a trace file's keys (of an
 * arrival or an empirical distribution), checked against ks.  OUT: *t. */
rs_status sc_parse_trace(sc *c, const cJSON *obj, const char *path, sc_keys ks, rs_trace_cfg *t);
/* The distribution kinds', trace formats' and zero-row rules' names,
 * indexed by rs_dist_kind, rs_trace_format and rs_zero_rows. */
extern const char *const sc_dist_names[RS_DIST_TRACE + 1];
/* The rows of a distribution's keys (sc_dist_value) whose values lie in
 * [lo, max] (lo: SC_NONNEG, SC_POS or SC_GE1), a lognormal's median in
 * [lo_median, max]; sigma in [0, RS_MAX_SIGMA].  A table adds its own rows
 * after them (an empirical distribution's file, for one). */
/* clang-format off */
#define SC_DIST_ROWS(lo, lo_median, max)                                                    \
	{"dist", 0, true, NULL, SC_ENUM(sc_dist_names)},                                    \
	{"value", SC_BIT(RS_DIST_FIXED), true, NULL, SC_NUMBER(lo, 0, max)},                \
	{"min", SC_BIT(RS_DIST_UNIFORM), true, NULL, SC_NUMBER(lo, 0, max)},                \
	{"max", SC_BIT(RS_DIST_UNIFORM), true, NULL, SC_NUMBER(lo, 0, max)},                \
	{"median", SC_BIT(RS_DIST_LOGNORMAL), true, NULL, SC_NUMBER(lo_median, 0, max)},    \
	{"sigma", SC_BIT(RS_DIST_LOGNORMAL), true, NULL, SC_NUMBER(SC_NONNEG, 0, RS_MAX_SIGMA)}
/* clang-format on */
extern const char *const sc_format_names[RS_TRACE_MOONCAKE + 1];
extern const char *const sc_zero_rows_names[RS_ZERO_ROWS_KEEP + 1];
/* A distribution at path: a plain number (fixed) or an object with "dist"
 * among the kinds of the bit set `kinds`, checked against the rows ks
 * ("trace" also needs trace_arrival).  OUT: *d. */
rs_status sc_dist_value(sc *c, const cJSON *v, const char *path, sc_keys ks, unsigned kinds,
                        bool trace_arrival, rs_dist_cfg *d);

/* scenario_regions.c: each regional deployment's model against the table
 * of the regions that offer it (regions.h): a warning in cfg->warnings,
 * or with strict_availability an error (issue 9). */
rs_status sc_check_regions(sc *c);

/* scenario_images.c: a client's "images" (issue 9). OUT: *im. */
rs_status sc_parse_images(sc *c, const cJSON *cl, const char *cpath, rs_images_cfg *im);
const sc_table *sc_images_tables(size_t *n);

/* scenario_jobs.c (issue 9): the arrival keys of jobs and herds, rows of
 * scenario_workload.c's arrival table (so one "arrival" table holds every
 * arrival key); the arrival of a job or an at_once herd (process: its
 * rs_arrival_process, ks: the arrival table), OUT: *a; and a client's
 * "pipeline" (its arrival already parsed), OUT: *p. */
/* clang-format off */
#define SC_JOB_ARRIVAL_KEYS \
    {"requests", SC_BIT(RS_ARRIVAL_AT_ONCE), true, \
     "only job and at_once arrivals send a fixed number of requests", \
     SC_WHOLE(SC_GE1, RS_MAX_JOB_REQUESTS)}, \
    {"requests", SC_BIT(RS_ARRIVAL_JOB), false, \
     "only job and at_once arrivals send a fixed number of requests", \
     SC_WHOLE(SC_GE1, RS_MAX_JOB_REQUESTS)}, \
    {"concurrency", SC_BIT(RS_ARRIVAL_JOB), true, \
     "only a job caps how many of its requests are out at once", \
     SC_WHOLE(SC_GE1, RS_MAX_USERS)}, \
    {"start_s", SC_BIT(RS_ARRIVAL_JOB) | SC_BIT(RS_ARRIVAL_AT_ONCE), false, \
     "only job and at_once arrivals start at one time", \
     SC_NUMBER(SC_NONNEG, 0, RS_MAX_TIME_S), SC_DEFAULT(RS_DEFAULT_JOB_START_S)}, \
    {"file", SC_BIT(RS_ARRIVAL_JOB), false, "only a trace arrival or a job reads a file", \
     SC_STRING}, \
    {"format", SC_BIT(RS_ARRIVAL_JOB), false, "only a trace arrival or a job reads a file", \
     SC_ENUM_OR(sc_format_names, RS_TRACE_AUTO)}, \
    {"zero_rows", SC_BIT(RS_ARRIVAL_JOB), false, "only a trace arrival or a job reads a file", \
     SC_ENUM_OR(sc_zero_rows_names, RS_ZERO_ROWS_SKIP)}, \
    {"model", SC_BIT(RS_ARRIVAL_JOB), false, "only a trace arrival or a job reads a file", \
     SC_STRING}
/* clang-format on */
rs_status sc_parse_job_arrival(sc *c, const cJSON *arr, const char *path, sc_keys ks, int process,
                               rs_arrival_cfg *a);
rs_status sc_parse_pipeline(sc *c, const cJSON *cl, const char *cpath, const rs_arrival_cfg *a,
                            rs_pipeline_cfg *p);
const sc_table *sc_jobs_tables(size_t *n);

/* scenario_latency.c (issue 9): a deployment's "latency_daily" (d: the
 * deployment object, dpath its path). OUT: *out. */
rs_status sc_parse_latency_daily(sc *c, const cJSON *d, const char *dpath,
                                 rs_latency_daily_cfg *out);
const sc_table *sc_latency_tables(size_t *n);

/* scenario_calculator.c: a client's "workload" (the capacity calculator's
 * inputs), which stands for its arrival and sizes; without it, "arrival"
 * is required (cl: the client object, cpath its path). */
rs_status sc_parse_workload(sc *c, const cJSON *cl, const char *cpath, rs_client_cfg *cli);
const sc_table *sc_calculator_tables(size_t *n);

/* scenario_control.c: a client's rate_limit, concurrency, breaker and
 * wait_or_spill objects (cl: the client object, cpath its path, own its
 * resolved target), each absent = off. */
rs_status sc_parse_control(sc *c, const cJSON *cl, const char *cpath, const rs_target *own,
                           rs_control_cfg *out);
const sc_table *sc_control_tables(size_t *n);

/* scenario_reactions.c: a client's hedge, remaining_quota and
 * network_jitter_ms (cl: the client object, cpath its path), each absent =
 * off.  OUT: cli->hedge, cli->quota_watch, cli->jitter, cli->network_jitter. */
rs_status sc_parse_reactions(sc *c, const cJSON *cl, const char *cpath, rs_client_cfg *cli);
const sc_table *sc_reaction_tables(size_t *n);

/* scenario_windows.c: cfg->windows, the "windows" object (issue 11). */
rs_status sc_parse_windows(sc *c, const cJSON *root);
const sc_table *sc_windows_tables(size_t *n);
/* scenario_gateway.c: each router's "consumer_limits" (gateway.h, issue 9),
 * after the clients, whose names the groups use. */
rs_status sc_parse_gateways(sc *c, const cJSON *root);
const sc_table *sc_gateway_tables(size_t *n);
/* scenario_compute.c: cfg->compute, the application tiers (issue 9), after
 * the clients. */
rs_status sc_parse_compute(sc *c, const cJSON *root);
const sc_table *sc_compute_tables(size_t *n);

/* scenario_batch.c: cfg->batch, global batch deployments (issue 9). */
rs_status sc_parse_batch(sc *c, const cJSON *root);
const sc_table *sc_batch_tables(size_t *n);

/* scenario_alerts.c: "alerts", metric alert rules (issue 9), after the
 * deployments and bucket_s. */
rs_status sc_parse_alerts(sc *c, const cJSON *root);
const sc_table *sc_alerts_tables(size_t *n);

/* scenario_faults.c: cfg->faults, the network matrix, pricing. */
rs_status sc_parse_faults(sc *c, const cJSON *root);
/* "outages": random outage processes (issue 9), after the faults. */
rs_status sc_parse_outages(sc *c, const cJSON *root);
rs_status sc_parse_network(sc *c, const cJSON *root);
rs_status sc_parse_pricing(sc *c, const cJSON *root);
const sc_table *sc_faults_tables(size_t *n);

/* scenario_json.c: duplicate keys anywhere under node (path: a buffer of
 * SC_PATH_MAX bytes holding node's path, restored on return); and the
 * syntax-error locator: the offset to report for cJSON's error offset
 * `bad`, OUT: *what, and the "FILE:LINE:COL: invalid JSON: WHAT" error. */
rs_status sc_check_duplicates(sc *c, const cJSON *node, char *path);
size_t sc_json_locate(const char *text, size_t bad, const char **what);
rs_status sc_syntax_error(sc *c, const char *text, size_t at, const char *what);

#endif
