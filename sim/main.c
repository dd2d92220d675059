/*
 * main.c - the ratesim command line: parse argv, load the scenario, call
 * the library, report.  The only file that prints, reads the wall clock or
 * decides exit codes:
 *   0  success
 *   1  a bad scenario or trace, an unreadable or unwritable file, a failed
 *      tool or run
 *   2  command-line misuse
 *
 * Options follow GNU conventions: `--name VALUE` or `--name=VALUE`, `-x
 * VALUE` or `-xVALUE`, `--` ends the options, and an option that does not
 * apply to the command is an error (one table, `options`, says which
 * command takes which option).  The decision commands (run -r, compare,
 * sweep, size, collect) build a plan and hand it to decide.h; a pool
 * worker runs its job by calling cli_main on the job's argv, exactly the
 * line a jobs file holds.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "ratesim/chart.h"
#include "ratesim/compare.h"
#include "ratesim/collect.h"
#include "ratesim/decide.h"
#include "ratesim/fsx.h"
#include "ratesim/output.h"
#include "ratesim/report.h"
#include "ratesim/reqlog.h"
#include "ratesim/run.h"
#include "ratesim/scenario.h"
#include "ratesim/size.h"
#include "ratesim/sweep.h"
#include "ratesim/world.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define EXIT_BAD_INPUT   1
#define EXIT_USAGE       2
#define MAX_SETS         256
#define MAX_FILES        64         /* scenarios of one comparison */
#define MAX_AXES         8          /* sweep axes on the command line */
#define MAX_TARGETS      16         /* size targets */
#define PROGRESS_EVENTS  (1u << 18) /* how often the run loop reports progress */
#define PROGRESS_AFTER_S 1.0        /* progress appears only on runs longer than this */
#define PROGRESS_EVERY_S 0.25       /* and is redrawn at most this often */
#define DEFAULT_RESULTS  "results"
#define DEFAULT_COMPARE  "results/compare"
#define SET_MAX          96 /* bytes of a generated --set ("seed=...") */
#ifndef RS_DOCDIR           /* where `make install` puts the docs (Makefile) */
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
    "  --force                replace the results of another plan in DIR\n"
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

enum { CMD_RUN, CMD_VALIDATE, CMD_PLOT, CMD_COMPARE, CMD_SWEEP, CMD_SIZE, CMD_COLLECT, CMD_N };
static const char *const cmd_names[CMD_N] = {"run",   "validate", "plot",   "compare",
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
    [O_LOG_SAMPLE] = {"log-sample", 0, true, CMD(RUN), "a share in (0, 1]"},
};

typedef struct cli {
	int command; /* CMD_*, -1 before it is known */
	const char *files[MAX_FILES];
	size_t n_files;
	const char *out_dir;
	const char *sets[MAX_SETS];
	size_t n_sets;
	char seed_set[SET_MAX], rep_set[SET_MAX], mem_set[SET_MAX], out_set[SET_MAX];
	const char *seed_text;
	bool log_requests, no_charts, quiet, force, json;
	double log_sample;              /* --log-sample, or 0: every request */
	size_t reps, jobs, replication; /* 0: not given */
	const char *emit;
	const char *axes[MAX_AXES];
	size_t n_axes;
	const char *param;
	const char *targets[MAX_TARGETS];
	size_t n_targets;
	const char *min, *max, *step;
	unsigned given; /* bit per option seen, to check they apply */
	char program[PATH_MAX];
} cli;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
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
		return usage_error("%s needs a whole number from %zu to %zu (got %s)", as, lo, hi,
		                   v);
	*out = (size_t)x;
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
			return usage_error("--seed needs a whole number >= 0 (got %s)", v);
		if (!seed_fits(v))
			return usage_error(
			    "--seed must be at most 9007199254740992 (2^53, exact in "
			    "JSON), got %s",
			    v);
		c->seed_text = v;
		snprintf(c->seed_set, sizeof c->seed_set, "seed=%s", v);
		break;
	case O_SET:
		if (c->n_sets + 2 >= MAX_SETS) /* room for --seed and --replication */
			return usage_error("too many --set options (at most %d)", MAX_SETS - 2);
		c->sets[c->n_sets++] = v;
		break;
	case O_LOG:
		c->log_requests = true;
		break;
	case O_LOG_SAMPLE:
		c->log_requests = true;
		if (!rs_reqlog_parse_sample(v, &c->log_sample))
			return usage_error("--log-sample needs a share in (0, 1] (got %s)", v);
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
			return usage_error("too many --axis options (at most %d)", MAX_AXES);
		c->axes[c->n_axes++] = v;
		break;
	case O_PARAM:
		c->param = v;
		break;
	case O_TARGET:
		if (c->n_targets == MAX_TARGETS)
			return usage_error("too many --target options (at most %d)", MAX_TARGETS);
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
	case O_MAX_MEMORY:
	case O_MAX_OUTPUT: {
		/* the scenario's "limits", set like any other value (and so carried
		 * into every job line) */
		char *end;
		double mb = strtod(v, &end);
		if (end == v || *end || !(mb >= 1))
			return usage_error("%s needs a number of MB >= 1 (got %s)", as, v);
		char *buf = id == O_MAX_MEMORY ? c->mem_set : c->out_set;
		snprintf(buf, SET_MAX, "limits.%s=%s",
		         id == O_MAX_MEMORY ? "max_memory_mb" : "max_output_mb", v);
		if (c->n_sets + 2 >= MAX_SETS)
			return usage_error("too many --set options (at most %d)", MAX_SETS - 2);
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
			if (!strcmp(a, cmd_names[k]))
				c->command = k;
		if (c->command < 0)
			return usage_error(
			    "unknown command %s (expected run, validate, plot, compare, "
			    "sweep, size or collect)",
			    a);
		return -1;
	}
	bool many = c->command == CMD_COMPARE || c->command == CMD_VALIDATE;
	if (c->n_files >= 1 && !many)
		return usage_error("unexpected argument %s", a);
	if (c->n_files == MAX_FILES)
		return usage_error("too many scenario files (at most %d)", MAX_FILES);
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
			return usage_error("unknown option %s", as);
		if (eq) {
			if (!options[id].takes_value)
				return usage_error("%s takes no value", as);
			inline_value = eq + 1;
		}
	} else {
		id = find_short(a[1]);
		snprintf(as, sizeof as, "-%c", a[1]);
		if (id < 0)
			return usage_error("unknown option %s", a);
		if (a[2]) {
			if (!options[id].takes_value)
				return usage_error("unknown option %s", a);
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
			return usage_error("%s needs %s", as, options[id].value_help);
		}
	}
	return take_option(c, id, as, v);
}

static int parse_args(int argc, char **argv, cli *c)
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
		return usage_error(
		    "a command is required (run, validate, plot, compare, sweep, size "
		    "or collect)");
	for (int id = 0; id < O_N; id++)
		if ((c->given >> id & 1) && !(options[id].commands & (1u << c->command)))
			return usage_error("--%s does not apply to %s", options[id].name,
			                   cmd_names[c->command]);
	if (c->command == CMD_COMPARE && c->n_files < 1)
		return usage_error("compare needs scenario files (or one with \"variants\")");
	if (c->n_files == 0)
		return usage_error("%s needs a %s", cmd_names[c->command],
		                   c->command == CMD_PLOT || c->command == CMD_COLLECT ? "folder"
		                                                                       : "file");
	if (c->command == CMD_SIZE && (!c->param || c->n_targets == 0))
		return usage_error("size needs --param PATH and at least one --target");
	if (c->log_sample > 0 && (c->reps || c->emit))
		return usage_error("--log-sample is for a single run, not with -r or --emit-jobs");
	if (c->replication && (c->reps || c->emit))
		return usage_error("--replication is for a single run, not with -r or --emit-jobs");
	if (c->seed_set[0])
		c->sets[c->n_sets++] = c->seed_set; /* after the --sets: --seed wins */
	if (c->replication) {
		snprintf(c->rep_set, sizeof c->rep_set, "provenance.replication=%zu",
		         c->replication);
		c->sets[c->n_sets++] = c->rep_set;
	}
	return -1;
}

/* ---- reporting ------------------------------------------------------------------ */

static int exit_code(rs_status st)
{
	return st == RS_ERR_USAGE ? EXIT_USAGE : EXIT_BAD_INPUT;
}

static int report(const rs_error *err)
{
	fprintf(stderr, "ratesim: %s\n", err->msg);
	if (err->status == RS_ERR_USAGE)
		fprintf(stderr, "try 'ratesim --help'\n");
	return exit_code(err->status);
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct progress {
	double start, last;
	bool shown;
} progress;

/* Clear a progress line from the terminal. */
static void progress_clear(progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r%*s\r", 79, "");
	p->shown = false;
}

static void on_progress(void *ctx, rs_time now, rs_time end, uint64_t events)
{
	progress *p = ctx;
	double t = wall_now();
	double elapsed = t - p->start;
	if (elapsed < PROGRESS_AFTER_S || t - p->last < PROGRESS_EVERY_S)
		return;
	p->last = t;
	double done = end > 0 ? (double)now / (double)end : 1;
	double eta = done > 0 ? elapsed * (1 - done) / done : 0;
	fprintf(
	    stderr, "\rratesim: simulated %.0f of %.0f s (%3.0f%%), %.2fM events/s, ETA %.0f s ",
	    rs_time_to_s(now), rs_time_to_s(end), 100 * done, (double)events / elapsed / 1e6, eta);
	p->shown = true;
}

/* The pool's progress: runs ended of n, with an estimate of the rest. */
static void on_runs(void *ctx, size_t done, size_t n)
{
	progress *p = ctx;
	double elapsed = wall_now() - p->start;
	double eta = done > 0 ? elapsed * (double)(n - done) / (double)done : 0;
	fprintf(stderr, "\rratesim: %zu of %zu runs done, %.0f s, ETA %.0f s ", done, n, elapsed,
	        eta);
	p->shown = true;
}

static void default_dir(const char *name, const char *base, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/", base);
	for (const char *s = name; *s && (size_t)n + 1 < len; s++) {
		char ch = *s;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
		buf[n++] = ok ? ch : '_';
	}
	buf[n] = '\0';
	if (!strcmp(buf + strlen(base) + 1, ".") || !strcmp(buf + strlen(base) + 1, ".."))
		snprintf(buf, len, "%s/scenario", base); /* a name must not leave the folder */
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A line of chart progress, rewritten in place on a terminal. */
static void on_chart_progress(void *ctx, const char *line)
{
	progress *p = ctx;
	fprintf(stderr, "\rratesim: %s ", line);
	p->shown = true;
}

/* How `run` runs: the command line's options, the wall clock, and a
 * progress line on a terminal. */
static rs_run_opts run_opts(const cli *c, const char *dir, progress *prog)
{
	rs_run_opts o = {
	    .dir = dir,
	    .log_requests = c->log_requests,
	    .log_sample = c->log_sample,
	    .charts = !c->no_charts,
	    .wall_clock = wall_now,
	    .peak_rss_kb = peak_rss_kb,
	};
	if (!c->quiet && isatty(STDERR_FILENO)) {
		o.progress = on_progress;
		o.progress_every = PROGRESS_EVENTS;
		o.progress_ctx = prog;
		o.chart_progress = on_chart_progress;
	}
	return o;
}

/* --json: DIR/summary.json on stdout. */
static int print_summary(const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/summary.json", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "ratesim: %s: cannot open: %s\n", path, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	char buf[BUFSIZ];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return fflush(stdout) == 0 ? 0 : EXIT_BAD_INPUT;
}

/* Whether the run in dir has its charts (a gnuplot warning leaves them;
 * a missing gnuplot or --no-charts does not). */
static bool charts_drawn(const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/throughput.png", dir);
	return access(path, F_OK) == 0;
}

static int cmd_run(const cli *c, const rs_config *cfg)
{
	rs_error err = {0};
	char dirbuf[1024];
	const char *dir = c->out_dir;
	if (!dir) {
		default_dir(cfg->name, DEFAULT_RESULTS, dirbuf, sizeof dirbuf);
		dir = dirbuf;
	}
	progress prog = {.start = wall_now()};
	rs_run_opts o = run_opts(c, dir, &prog);
	rs_run_result res;
	rs_status st = rs_run(cfg, &o, &res, &err);
	progress_clear(&prog);
	if (st != RS_OK)
		return report(&err);
	if (res.chart_warning[0])
		fprintf(stderr, "ratesim: %s\n", res.chart_warning);
	if (c->json)
		return print_summary(dir);
	if (!c->quiet) {
		const rs_counts *t = &res.total;
		const rs_engine_stats *es = &res.engine;
		double wall = es->wall_s;
		char split[RS_REFUSAL_TEXT_MAX];
		rs_metrics_refusal_text(t, split, sizeof split);
		/* the result, on stdout; the run's own figures on stderr */
		printf("%s: %llu requests offered, %llu succeeded, %llu failed, %llu still in "
		       "flight at "
		       "the end; 429 rate %.2f%% of attempts%s\n",
		       cfg->name, (unsigned long long)t->offered, (unsigned long long)t->succeeded,
		       (unsigned long long)t->failed,
		       (unsigned long long)(t->offered - t->succeeded - t->failed),
		       t->attempts ? 100.0 * (double)t->throttled / (double)t->attempts : 0.0,
		       split);
		fflush(stdout);
		fprintf(stderr,
		        "ratesim: engine: %llu events in %.3f s (%.2fM events/s, %.2fM "
		        "requests/s), peak RSS %.1f MB\n",
		        (unsigned long long)es->events, wall,
		        wall > 0 ? (double)es->events / wall / 1e6 : 0,
		        wall > 0 ? (double)es->requests / wall / 1e6 : 0,
		        (double)es->peak_rss_kb / 1024.0);
		fprintf(stderr, "ratesim: results in %s/ (summary.json, timeseries.csv%s%s)\n", dir,
		        c->log_requests ? ", requests.csv" : "",
		        charts_drawn(dir) ? ", charts as .png and .svg" : "");
	}
	return 0;
}

/* The chart title of a finished run: "NAME (seed N)" from its summary.json,
 * as the run wrote it; the folder's name when there is no readable summary
 * (rs_chart_render then reports what is wrong with it). */
static void title_of_run(const char *dir, char *title, size_t len)
{
	rs_report_figures f;
	if (rs_report_read_figures(dir, &f, NULL) == RS_OK)
		snprintf(title, len, "%s (seed %llu)", f.scenario, (unsigned long long)f.seed);
	else
		snprintf(title, len, "%s", dir);
}

static int cmd_collect(const cli *c);

static int cmd_plot(const cli *c)
{
	/* the folder of a decision: its charts are drawn by collect */
	char plan[PATH_MAX];
	snprintf(plan, sizeof plan, "%s/%s", c->files[0], RS_PLAN_FILE);
	if (access(plan, F_OK) == 0)
		return cmd_collect(c);
	rs_error err = {0};
	char warning[512] = "";
	char title[512];
	title_of_run(c->files[0], title, sizeof title);
	progress prog = {0};
	rs_chart_opts co = {.title = title, .gnuplot = NULL, .required = true};
	if (!c->quiet && isatty(STDERR_FILENO)) {
		co.progress = on_chart_progress;
		co.progress_ctx = &prog;
	}
	rs_status st = rs_chart_render(c->files[0], &co, warning, sizeof warning, &err);
	progress_clear(&prog);
	if (st != RS_OK)
		return report(&err);
	if (warning[0])
		fprintf(stderr, "ratesim: %s\n", warning);
	if (!c->quiet)
		fprintf(stderr, "ratesim: charts written in %s/\n", c->files[0]);
	return 0;
}

/* What the loader noticed but accepted (a model off its regions). */
static void print_warnings(const rs_config *cfg)
{
	for (size_t i = 0; i < cfg->n_warnings; i++)
		fprintf(stderr, "ratesim: warning: %s\n", cfg->warnings[i]);
}

static int cmd_validate(const cli *c)
{
	int rc = 0;
	for (size_t i = 0; i < c->n_files; i++) {
		rs_error err = {0};
		rs_config *cfg = NULL;
		rs_status st = rs_scenario_load(c->files[i], c->sets, c->n_sets, &cfg, &err);
		if (st == RS_OK)
			print_warnings(cfg);
		/* Building the world reads the trace files, so a missing or
		 * malformed trace is reported here, not first by `run`. */
		rs_world *w = NULL;
		if (st == RS_OK)
			st = rs_world_new(cfg, NULL, &w, &err);
		rs_world_free(w);
		if (st != RS_OK) {
			int code = report(&err);
			rc = rc > code ? rc : code;
		} else if (!c->quiet) {
			printf("%s: valid (%zu deployments, %zu clients, %.0f s)\n", c->files[i],
			       cfg->n_deployments, cfg->n_clients, cfg->duration_s);
		}
		rs_config_free(cfg);
	}
	return rc;
}

/* ---- the decision commands -------------------------------------------------------- */

static int cli_main(int argc, char **argv);

/* A pool worker runs its job as the command line would. */
static int run_job(int argc, char **argv)
{
	return cli_main(argc, argv);
}

static rs_decide_opts decide_opts(const cli *c, progress *prog)
{
	rs_decide_opts o = {
	    .workers = c->jobs,
	    .emit_jobs = c->emit,
	    .program = c->program,
	    .run_argv = run_job,
	    .charts = !c->no_charts,
	};
	if (!c->quiet && isatty(STDERR_FILENO)) {
		o.progress = on_runs;
		o.progress_ctx = prog;
	}
	return o;
}

/* The shared tail of every decision: run or emit, then collect and print. */
static int execute_and_collect(const cli *c, const rs_plan *p)
{
	rs_error err = {0};
	progress prog = {.start = wall_now()};
	rs_decide_opts o = decide_opts(c, &prog);
	bool emitted = false;
	rs_status st = rs_decide_execute(p, &o, c->force, &emitted, &err);
	progress_clear(&prog);
	if (st != RS_OK)
		return report(&err);
	if (emitted) {
		if (!c->quiet)
			fprintf(stderr,
			        "ratesim: %zu jobs written to %s and %s/%s; run them, e.g.\n"
			        "  parallel --jobs N < %s        (GNU parallel)\n"
			        "  sbatch %s/%s                  (Slurm)\n"
			        "then: ratesim collect %s\n",
			        rs_plan_runs(p), c->emit, p->dir, RS_PLAN_SBATCH, c->emit, p->dir,
			        RS_PLAN_SBATCH, p->dir);
		return 0;
	}
	rs_decide_result res = {0};
	st = rs_collect(p->dir, &o, &res, &err);
	if (st != RS_OK)
		return report(&err);
	if (res.warning[0])
		fprintf(stderr, "ratesim: %s\n", res.warning);
	if (c->json) {
		rs_decide_result_free(&res);
		return print_summary(p->dir);
	}
	if (!c->quiet && res.text)
		fputs(res.text, stdout);
	rs_decide_result_free(&res);
	return 0;
}

/* run -r N (or run --emit-jobs): one group, N replications. */
static int cmd_replicate(const cli *c, const rs_config *cfg)
{
	rs_error err = {0};
	char dirbuf[1024];
	const char *dir = c->out_dir;
	if (!dir) {
		default_dir(cfg->name, DEFAULT_RESULTS, dirbuf, sizeof dirbuf);
		dir = dirbuf;
	}
	rs_plan p = {.kind = "replicate",
	             .dir = (char *)dir,
	             .base_seed = cfg->seed,
	             .replications = c->reps ? c->reps : 1,
	             .log_requests = c->log_requests,
	             .run_charts = !c->no_charts};
	/* the plan's runs get their own seeds: the --seed is the base */
	size_t n_sets = c->n_sets - (c->seed_set[0] ? 1 : 0);
	rs_status st = rs_plan_add_group(&p, "", c->files[0], c->sets, n_sets, &err);
	int rc = st == RS_OK ? execute_and_collect(c, &p) : report(&err);
	p.kind = NULL;
	p.dir = NULL;
	rs_plan_free(&p);
	return rc;
}

static int cmd_compare(const cli *c)
{
	rs_error err = {0};
	rs_plan p = {0};
	rs_compare_setup s = {
	    .files = c->files,
	    .n_files = c->n_files,
	    .sets = c->sets,
	    .n_sets = c->n_sets - (c->seed_set[0] ? 1 : 0),
	    .seed_text = c->seed_text,
	    .dir = c->out_dir ? c->out_dir : DEFAULT_COMPARE,
	    .replications = c->reps,
	    .log_requests = c->log_requests,
	};
	rs_status st = rs_compare_plan(&s, &p, &err);
	int rc = st == RS_OK ? execute_and_collect(c, &p) : report(&err);
	rs_plan_free(&p);
	return rc;
}

static int cmd_sweep(const cli *c)
{
	rs_error err = {0};
	rs_plan p = {0};
	rs_sweep_setup s = {
	    .file = c->files[0],
	    .sets = c->sets,
	    .n_sets = c->n_sets - (c->seed_set[0] ? 1 : 0),
	    .seed_text = c->seed_text,
	    .dir = c->out_dir,
	    .axes = c->axes,
	    .n_axes = c->n_axes,
	    .replications = c->reps,
	    .log_requests = c->log_requests,
	};
	rs_status st = rs_sweep_plan(&s, &p, &err);
	int rc = st == RS_OK ? execute_and_collect(c, &p) : report(&err);
	rs_plan_free(&p);
	return rc;
}

static int cmd_size(const cli *c)
{
	rs_error err = {0};
	progress prog = {.start = wall_now()};
	rs_decide_opts o = decide_opts(c, &prog);
	rs_size_setup s = {
	    .file = c->files[0],
	    .sets = c->sets,
	    .n_sets = c->n_sets - (c->seed_set[0] ? 1 : 0),
	    .seed_text = c->seed_text,
	    .dir = c->out_dir,
	    .param = c->param,
	    .targets = c->targets,
	    .n_targets = c->n_targets,
	    .min = c->min,
	    .max = c->max,
	    .step = c->step,
	    .replications = c->reps,
	    .force = c->force,
	};
	rs_decide_result res = {0};
	bool emitted = false;
	rs_status st = rs_size_search(&s, &o, &emitted, &res, &err);
	progress_clear(&prog);
	if (st != RS_OK) {
		rs_decide_result_free(&res);
		return report(&err);
	}
	if (res.warning[0])
		fprintf(stderr, "ratesim: %s\n", res.warning);
	if (!c->quiet && res.text)
		fputs(res.text, emitted ? stderr : stdout);
	rs_decide_result_free(&res);
	return 0;
}

static int cmd_collect(const cli *c)
{
	rs_error err = {0};
	progress prog = {0};
	rs_decide_opts o = decide_opts(c, &prog);
	rs_decide_result res = {0};
	rs_status st = rs_collect(c->files[0], &o, &res, &err);
	if (st != RS_OK)
		return report(&err);
	if (res.warning[0])
		fprintf(stderr, "ratesim: %s\n", res.warning);
	if (c->json) {
		rs_decide_result_free(&res);
		return print_summary(c->files[0]);
	}
	if (!c->quiet && res.text)
		fputs(res.text, stdout);
	rs_decide_result_free(&res);
	return 0;
}

/* The ratesim executable, for job lines: this process's own file. */
static void find_program(cli *c, const char *argv0)
{
	if (!realpath("/proc/self/exe", c->program))
		snprintf(c->program, sizeof c->program, "%s", argv0);
}

static int cli_main(int argc, char **argv)
{
	cli c = {0};
	int rc = parse_args(argc, argv, &c);
	if (rc >= 0)
		return rc;
	find_program(&c, argv[0]);
	switch (c.command) {
	case CMD_PLOT:
		return cmd_plot(&c);
	case CMD_VALIDATE:
		return cmd_validate(&c);
	case CMD_COMPARE:
		return cmd_compare(&c);
	case CMD_SWEEP:
		return cmd_sweep(&c);
	case CMD_SIZE:
		return cmd_size(&c);
	case CMD_COLLECT:
		return cmd_collect(&c);
	default:
		break;
	}
	rs_error err = {0};
	rs_config *cfg = NULL;
	rs_status st = rs_scenario_load(c.files[0], c.sets, c.n_sets, &cfg, &err);
	if (st != RS_OK)
		return report(&err);
	if (!c.quiet)
		print_warnings(cfg);
	rc = c.reps || c.emit ? cmd_replicate(&c, cfg) : cmd_run(&c, cfg);
	rs_config_free(cfg);
	return rc;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	rs_fsx_catch_signals("ratesim"); /* SIGINT/SIGTERM: remove staging, exit 130/143 */
	return cli_main(argc, argv);
}
