/*
 * cli.c - the command line's grammar (cli.h): the option table, which says
 * which command takes which option and what value, GNU-style parsing of
 * argv into a `cli`, and the --help text.  Prints only --help, --version
 * and usage errors; the commands themselves are main.c's.
 *
 * Options follow GNU conventions: `--name VALUE` or `--name=VALUE`, `-x
 * VALUE` or `-xVALUE`, `--` ends the options, and an option that does not
 * apply to the command is an error.  Cost: O(argc x options).
 */
#include "cli.h"

#include "ratesim/common.h"
#include "ratesim/config.h"
#include "ratesim/plan.h"
#include "ratesim/reqlog.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef RS_DOCDIR /* where `make install` puts the docs (Makefile) */
#define RS_DOCDIR "/usr/local/share/doc/ratesim"
#endif
#ifndef RS_DATADIR
#define RS_DATADIR "/usr/local/share/ratesim"
#endif

static const char usage_text[] =
    "Usage: ratesim COMMAND [OPTIONS]\n"
    "\n"
    "Simulate how Azure OpenAI deployments rate-limit traffic (429s, latency,\n"
    "throughput) for a scenario file, deterministically, and decide with\n"
    "confidence intervals across replications.\n"
    "\n"
    "Commands:\n"
    "  run FILE        run a scenario and write its results (with -r N: N\n"
    "                  replications and their aggregate)\n"
    "  validate FILE...  check scenarios and exit (0 when all are valid)\n"
    "  plot DIR        re-render the charts of a finished run (or of a run -r,\n"
    "                  compare, sweep or size folder) from its files\n"
    "  compare FILE FILE...  (or one FILE with a \"variants\" list)\n"
    "                  run each candidate R times into DIR/<name>/rep-K/, then\n"
    "                  write side-by-side charts and DIR/report.md and\n"
    "                  DIR/report.html, ranking only what the 95% intervals\n"
    "                  of the paired differences can tell apart\n"
    "  sweep FILE      run every point of the scenario's \"sweep\" block (or of\n"
    "                  --axis options), R times each: DIR/runs.csv,\n"
    "                  DIR/points.csv, charts and DIR/report.html\n"
    "  size FILE       find the smallest value of --param that meets every\n"
    "                  --target (upper end of the 95% interval), e.g.\n"
    "                  --param 'deployments[0].ptu' --target 'rate_429<=0.01'\n"
    "  collect DIR     conclude from the run folders of a plan (after running\n"
    "                  its jobs file elsewhere); names any run missing\n"
    "\n"
    "Options of run, validate, compare, sweep and size:\n"
    "  -o, --output DIR       results folder (default: results/<scenario name>;\n"
    "                         compare: results/compare)\n"
    "  --seed N               the seed (of a plan: the base of every\n"
    "                         replication's seed)\n"
    "  --set PATH=VALUE       override any scenario value, e.g.\n"
    "                         --set clients[0].arrival.rate_rps=40 (repeatable;\n"
    "                         VALUE is JSON, or a string when it is not JSON)\n"
    "  --log-requests         also write requests.csv, one row per attempt\n"
    "  --log-sample P         run: log a share P in (0, 1] of the requests, each\n"
    "                         whole (implies --log-requests)\n"
    "  --max-memory MB, --max-output MB\n"
    "                         raise the budgets a scenario is checked against\n"
    "                         (its \"limits\"; default 4096 MB and 2048 MB)\n"
    "  --no-charts            do not run gnuplot\n"
    "  -q, --quiet            print nothing but errors\n"
    "  --json                 run, collect: print the summary.json (of a plan: the\n"
    "                         aggregate) on stdout instead of the one-line result\n"
    "  --window START:END|NAME  run, compare: also compute every summary figure\n"
    "                         over [START, END) of simulated time (1h:2h; the\n"
    "                         window \"window\" of summary.json) or over the\n"
    "                         scenario's window NAME, and show those (run: one\n"
    "                         more line; compare: the report); plot: draw only\n"
    "                         that time range\n"
    "\n"
    "Results go to stdout (one line per run or group, or --json); progress and\n"
    "diagnostics to stderr.\n"
    "\n"
    "Options of the decisions (run -r, compare, sweep, size):\n"
    "  -r, --replications N   runs per point, each with its own seed\n"
    "                         (default: run 1, compare 5, sweep the block's or 5,\n"
    "                         size 10)\n"
    "  -j, --jobs N           worker processes (default: the online CPUs)\n"
    "  --emit-jobs FILE       write one `ratesim run` command per line to FILE\n"
    "                         (for GNU parallel) and DIR/jobs.sbatch (a Slurm\n"
    "                         job array), run nothing; then `ratesim collect DIR`\n"
    "  --force                replace the results already in DIR (of a run or a\n"
    "                         plan; refused without it)\n"
    "  --axis PATH=V1,V2,...  sweep: an axis (repeatable; replaces the file's)\n"
    "  --param PATH           size: the value to size (a number; or\n"
    "                         routers[N].replicas: copies of the router's first\n"
    "                         backend)\n"
    "  --target FIGURE<=X     size: a target on a summary figure (repeatable;\n"
    "                         <=, <, >=, >), e.g. 'latency_ms.p99<=20000'\n"
    "  --min V, --max V, --step V   size: the range and step searched\n"
    "  --replication K        run: record this run as replication K (job lines)\n"
    "\n"
    "Other:\n"
    "  -h, --help             show this help\n"
    "  -V, --version          show the version\n"
    "\n"
    "More: man ratesim; the reference in " RS_DOCDIR "/ (deciding.md: the\n"
    "decisions, outputs.md: every file, charts.md: every chart), the scenario\n"
    "keys and the JSON Schema in " RS_DATADIR "/scenarios/.\n"
    "Charts need gnuplot (package gnuplot-nox): without it run and compare\n"
    "warn, plot fails.\n"
    "\n"
    "Exit status: 0 success; 1 bad scenario, trace or file, a failed tool or\n"
    "run, or targets that cannot be met; 2 command-line misuse.\n";

/* ---- commands and options ---------------------------------------------------- */

const char *const cli_cmd_names[CMD_N] = {"run",   "validate", "plot",   "compare",
                                          "sweep", "size",     "collect"};
#define CMD(x)      (1u << CMD_##x)
#define CMD_DECIDE  (CMD(RUN) | CMD(COMPARE) | CMD(SWEEP) | CMD(SIZE))
#define CMD_RUNLIKE (CMD_DECIDE | CMD(VALIDATE))
#define CMD_ALL     ((1u << CMD_N) - 1)

enum {
	O_HELP,
	O_VERSION,
	O_OUTPUT,
	O_SEED,
	O_SET,
	O_LOG,
	O_NO_CHARTS,
	O_QUIET,
	O_REPS,
	O_JOBS,
	O_EMIT,
	O_FORCE,
	O_REPLICATION,
	O_AXIS,
	O_PARAM,
	O_TARGET,
	O_MIN,
	O_MAX,
	O_STEP,
	O_JSON,
	O_MAX_MEMORY,
	O_MAX_OUTPUT,
	O_WINDOW,
	O_LOG_SAMPLE,
	O_N
};

static const struct option_row {
	const char *name; /* long name, without "--" */
	char short_name;  /* 0: none */
	bool takes_value;
	unsigned commands; /* which commands accept it */
	const char *value_help;
} options[O_N] = {
    [O_HELP] = {"help", 'h', false, CMD_ALL, NULL},
    [O_VERSION] = {"version", 'V', false, CMD_ALL, NULL},
    [O_OUTPUT] = {"output", 'o', true, CMD_DECIDE, "a folder"},
    [O_SEED] = {"seed", 0, true, CMD_RUNLIKE, "a whole number >= 0"},
    [O_SET] = {"set", 0, true, CMD_RUNLIKE, "PATH=VALUE"},
    [O_LOG] = {"log-requests", 0, false, CMD_DECIDE, NULL},
    [O_NO_CHARTS] = {"no-charts", 0, false, CMD_DECIDE | CMD(COLLECT), NULL},
    [O_QUIET] = {"quiet", 'q', false, CMD_ALL, NULL},
    [O_REPS] = {"replications", 'r', true, CMD_DECIDE, "a whole number >= 1"},
    [O_JOBS] = {"jobs", 'j', true, CMD_DECIDE, "a whole number >= 1"},
    [O_EMIT] = {"emit-jobs", 0, true, CMD_DECIDE, "a file"},
    [O_FORCE] = {"force", 0, false, CMD_DECIDE, NULL},
    [O_REPLICATION] = {"replication", 0, true, CMD(RUN), "a whole number >= 1"},
    [O_AXIS] = {"axis", 0, true, CMD(SWEEP), "PATH=V1,V2,..."},
    [O_PARAM] = {"param", 0, true, CMD(SIZE), "a JSON path"},
    [O_TARGET] = {"target", 0, true, CMD(SIZE), "FIGURE<=NUMBER"},
    [O_MIN] = {"min", 0, true, CMD(SIZE), "a number"},
    [O_MAX] = {"max", 0, true, CMD(SIZE), "a number"},
    [O_STEP] = {"step", 0, true, CMD(SIZE), "a number > 0"},
    [O_JSON] = {"json", 0, false, CMD(RUN) | CMD(COLLECT), NULL},
    [O_MAX_MEMORY] = {"max-memory", 0, true, CMD_RUNLIKE, "a number of MB"},
    [O_MAX_OUTPUT] = {"max-output", 0, true, CMD_RUNLIKE, "a number of MB"},
    [O_WINDOW] = {"window", 0, true, CMD(RUN) | CMD(PLOT) | CMD(COMPARE),
                  "START:END (seconds, or with s, m, h or d: 1h:2h) or a window's name"},
    [O_LOG_SAMPLE] = {"log-sample", 0, true, CMD(RUN), "a share in (0, 1]"},
};

int cli_usage_error(const char *fmt, ...)
{
	char raw[RS_ERROR_MAX], safe[RS_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	rs_escape_ctl(safe, sizeof safe, raw); /* an echoed value stays on one line */
	fprintf(stderr, "ratesim: %s\ntry 'ratesim --help'\n", safe);
	return EXIT_USAGE;
}

static bool is_uint(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A seed is a scenario's JSON number, exact up to 2^53: a larger --seed
 * is refused here, blamed on the option, rather than rounded. */
#define SEED_MAX UINT64_C(9007199254740992)
static bool seed_fits(const char *digits)
{
	errno = 0;
	unsigned long long v = strtoull(digits, NULL, 10);
	return errno == 0 && v <= SEED_MAX;
}

/* A whole number in [lo, hi] for option `as`.  Returns -1 when fine. */
static int count_value(const char *as, const char *v, size_t lo, size_t hi, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long x = is_uint(v) ? strtoull(v, &end, 10) : 0;
	if (!is_uint(v) || errno || x < lo || x > hi)
		return cli_usage_error("%s needs a whole number from %zu to %zu (got %s)", as, lo,
		                       hi, v);
	*out = (size_t)x;
	return -1;
}

/* One end of a --window: a number of seconds >= 0, or of minutes, hours or
 * days with the suffix m, h or d ("s" also allowed).  OUT: *out, *end (the
 * first character not read).  False when it is not one. */
static bool window_time(const char *s, const char **end, double *out)
{
	static const struct {
		char suffix;
		double seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char *e;
	if (*s < '0' || *s > '9')
		return false; /* no sign, no space, no "inf" */
	double v = strtod(s, &e);
	if (e == s || !isfinite(v))
		return false;
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (*e == units[i].suffix) {
			v *= units[i].seconds;
			e++;
			break;
		}
	*out = v;
	*end = e;
	return v <= RS_MAX_TIME_S;
}

static bool window_name_ok(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > RS_WINDOW_NAME_MAX)
		return false;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		      (*v >= '0' && *v <= '9') || *v == '_' || *v == '-'))
			return false;
	return true;
}

/* --window START:END (adds the window "window" to the scenario, as a --set
 * would) or --window NAME (a window the scenario names). */
static int take_window(cli *c, const char *v)
{
	c->win_start_s = c->win_end_s = NAN;
	const char *colon = strchr(v, ':');
	if (!colon) {
		if (!window_name_ok(v))
			return cli_usage_error(
			    "--window needs START:END (e.g. 3600:7200 or 1h:2h) "
			    "or a window's name (letters, digits, '_', '-'), got %s",
			    v);
		snprintf(c->window_name, sizeof c->window_name, "%s", v);
		c->window = c->window_name;
		return -1;
	}
	const char *e1, *e2;
	double a, b;
	if (!window_time(v, &e1, &a) || e1 != colon || !window_time(colon + 1, &e2, &b) || *e2)
		return cli_usage_error("--window needs START:END, each a number of seconds >= 0 "
		                       "(at most %.0f) or with m, h or d (e.g. 1h:2h), got %s",
		                       RS_MAX_TIME_S, v);
	if (!(b > a))
		return cli_usage_error("--window %s: END must be after START", v);
	c->win_start_s = a;
	c->win_end_s = b;
	snprintf(c->window_name, sizeof c->window_name, "%s", CLI_WINDOW_NAME);
	c->window = c->window_name;
	snprintf(c->win_set, sizeof c->win_set, "windows.%s={\"start_s\":%.17g,\"end_s\":%.17g}",
	         CLI_WINDOW_NAME, a, b);
	return -1;
}

/* Record option id with value v (NULL for a flag); returns -1 to go on. */
static int take_option(cli *c, int id, const char *as, const char *v)
{
	c->given |= 1u << id;
	switch (id) {
	case O_HELP:
		fputs(usage_text, stdout);
		return 0;
	case O_VERSION:
		printf("ratesim %s\n", RATESIM_VERSION);
		return 0;
	case O_OUTPUT:
		c->out_dir = v;
		break;
	case O_SEED:
		if (!is_uint(v))
			return cli_usage_error("--seed needs a whole number >= 0 (got %s)", v);
		if (!seed_fits(v))
			return cli_usage_error(
			    "--seed must be at most 9007199254740992 (2^53, exact in "
			    "JSON), got %s",
			    v);
		c->seed_text = v;
		snprintf(c->seed_set, sizeof c->seed_set, "seed=%s", v);
		break;
	case O_SET:
		if (c->n_sets + 2 >= MAX_SETS) /* room for --seed and --replication */
			return cli_usage_error("too many --set options (at most %d)", MAX_SETS - 2);
		c->sets[c->n_sets++] = v;
		break;
	case O_LOG:
		c->log_requests = true;
		break;
	case O_LOG_SAMPLE:
		c->log_requests = true;
		if (!rs_reqlog_parse_sample(v, &c->log_sample))
			return cli_usage_error("--log-sample needs a share in (0, 1] (got %s)", v);
		break;
	case O_NO_CHARTS:
		c->no_charts = true;
		break;
	case O_QUIET:
		c->quiet = true;
		break;
	case O_FORCE:
		c->force = true;
		break;
	case O_REPS:
		return count_value(as, v, 1, RS_PLAN_MAX_REP, &c->reps);
	case O_JOBS:
		return count_value(as, v, 1, 4096, &c->jobs);
	case O_REPLICATION:
		return count_value(as, v, 1, RS_PLAN_MAX_REP, &c->replication);
	case O_EMIT:
		c->emit = v;
		break;
	case O_AXIS:
		if (c->n_axes == MAX_AXES)
			return cli_usage_error("too many --axis options (at most %d)", MAX_AXES);
		c->axes[c->n_axes++] = v;
		break;
	case O_PARAM:
		c->param = v;
		break;
	case O_TARGET:
		if (c->n_targets == MAX_TARGETS)
			return cli_usage_error("too many --target options (at most %d)",
			                       MAX_TARGETS);
		c->targets[c->n_targets++] = v;
		break;
	case O_MIN:
		c->min = v;
		break;
	case O_MAX:
		c->max = v;
		break;
	case O_STEP:
		c->step = v;
		break;
	case O_JSON:
		c->json = true;
		break;
	case O_WINDOW:
		return take_window(c, v);
	case O_MAX_MEMORY:
	case O_MAX_OUTPUT: {
		/* the scenario's "limits", set like any other value (and so carried
		 * into every job line) */
		char *end;
		double mb = strtod(v, &end);
		if (end == v || *end || !(mb >= 1))
			return cli_usage_error("%s needs a number of MB >= 1 (got %s)", as, v);
		char *buf = id == O_MAX_MEMORY ? c->mem_set : c->out_set;
		snprintf(buf, SET_MAX, "limits.%s=%s",
		         id == O_MAX_MEMORY ? "max_memory_mb" : "max_output_mb", v);
		if (c->n_sets + 2 >= MAX_SETS)
			return cli_usage_error("too many --set options (at most %d)", MAX_SETS - 2);
		c->sets[c->n_sets++] = buf;
		break;
	}
	}
	return -1;
}

static int find_long(const char *name, size_t len)
{
	for (int i = 0; i < O_N; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return i;
	return -1;
}

static int find_short(char ch)
{
	for (int i = 0; i < O_N; i++)
		if (options[i].short_name && options[i].short_name == ch)
			return i;
	return -1;
}

static int positional(cli *c, const char *a)
{
	if (c->command < 0) {
		for (int k = 0; k < CMD_N; k++)
			if (!strcmp(a, cli_cmd_names[k]))
				c->command = k;
		if (c->command < 0)
			return cli_usage_error(
			    "unknown command %s (expected run, validate, plot, compare, "
			    "sweep, size or collect)",
			    a);
		return -1;
	}
	bool many = c->command == CMD_COMPARE || c->command == CMD_VALIDATE;
	if (c->n_files >= 1 && !many)
		return cli_usage_error("unexpected argument %s", a);
	if (c->n_files == MAX_FILES)
		return cli_usage_error("too many scenario files (at most %d)", MAX_FILES);
	c->files[c->n_files++] = a;
	return -1;
}

/* One option argument at argv[*i]; returns -1 to go on, else an exit code. */
static int parse_option(cli *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	int id;
	const char *inline_value = NULL;
	char as[64];
	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		id = find_long(a + 2, len);
		snprintf(as, sizeof as, "--%.*s", (int)(len < 40 ? len : 40), a + 2);
		if (id < 0)
			return cli_usage_error("unknown option %s", as);
		if (eq) {
			if (!options[id].takes_value)
				return cli_usage_error("%s takes no value", as);
			inline_value = eq + 1;
		}
	} else {
		id = find_short(a[1]);
		snprintf(as, sizeof as, "-%c", a[1]);
		if (id < 0)
			return cli_usage_error("unknown option %s", a);
		if (a[2]) {
			if (!options[id].takes_value)
				return cli_usage_error("unknown option %s", a);
			inline_value = a + 2;
		}
	}
	const char *v = NULL;
	if (options[id].takes_value) {
		if (inline_value) {
			v = inline_value;
		} else if (*i + 1 < argc) {
			v = argv[++*i];
		} else {
			return cli_usage_error("%s needs %s", as, options[id].value_help);
		}
	}
	return take_option(c, id, as, v);
}

int cli_parse(int argc, char **argv, cli *c)
{
	c->command = -1;
	bool options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc;
		if (!options_done && !strcmp(a, "--"))
			options_done = true, rc = -1;
		else if (!options_done && a[0] == '-' && a[1] != '\0')
			rc = parse_option(c, argc, argv, &i);
		else
			rc = positional(c, a);
		if (rc >= 0)
			return rc;
	}
	if (c->command < 0)
		return cli_usage_error(
		    "a command is required (run, validate, plot, compare, sweep, size "
		    "or collect)");
	for (int id = 0; id < O_N; id++)
		if ((c->given >> id & 1) && !(options[id].commands & (1u << c->command)))
			return cli_usage_error("--%s does not apply to %s", options[id].name,
			                       cli_cmd_names[c->command]);
	if (c->command == CMD_COMPARE && c->n_files < 1)
		return cli_usage_error("compare needs scenario files (or one with \"variants\")");
	if (c->n_files == 0)
		return cli_usage_error(
		    "%s needs a %s", cli_cmd_names[c->command],
		    c->command == CMD_PLOT || c->command == CMD_COLLECT ? "folder" : "file");
	if (c->command == CMD_SIZE && (!c->param || c->n_targets == 0))
		return cli_usage_error("size needs --param PATH and at least one --target");
	if (c->log_sample > 0 && (c->reps || c->emit))
		return cli_usage_error(
		    "--log-sample is for a single run, not with -r or --emit-jobs");
	if (c->replication && (c->reps || c->emit))
		return cli_usage_error(
		    "--replication is for a single run, not with -r or --emit-jobs");
	if (c->win_set[0] && c->command != CMD_PLOT) {
		if (c->n_sets + 3 >= MAX_SETS)
			return cli_usage_error("too many --set options (at most %d)", MAX_SETS - 3);
		c->sets[c->n_sets++] = c->win_set;
	}
	if (c->seed_set[0])
		c->sets[c->n_sets++] = c->seed_set; /* after the --sets: --seed wins */
	if (c->replication) {
		snprintf(c->rep_set, sizeof c->rep_set, "provenance.replication=%zu",
		         c->replication);
		c->sets[c->n_sets++] = c->rep_set;
	}
	return -1;
}
