/*
 * main.c - the ratesim command line: parse argv, load the scenario, call
 * the library, report.  The only file that prints, reads the wall clock or
 * decides exit codes:
 *   0  success
 *   1  a bad scenario or trace, an unreadable or unwritable file, a failed tool
 *   2  command-line misuse
 */
#include "ratesim/chart.h"
#include "ratesim/compare.h"
#include "ratesim/fsx.h"
#include "ratesim/output.h"
#include "ratesim/report.h"
#include "ratesim/run.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
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
#define PROGRESS_EVENTS  (1u << 18) /* how often the run loop reports progress */
#define PROGRESS_AFTER_S 1.0        /* progress appears only on runs longer than this */
#define PROGRESS_EVERY_S 0.25       /* and is redrawn at most this often */
#define DEFAULT_RESULTS  "results"
#define DEFAULT_COMPARE  "results/compare"

static const char usage_text[] =
    "Usage: ratesim COMMAND [OPTIONS]\n"
    "\n"
    "Simulate how Azure OpenAI deployments rate-limit traffic (429s, latency,\n"
    "throughput) for a scenario file, deterministically.\n"
    "\n"
    "Commands:\n"
    "  run FILE        run a scenario and write its results\n"
    "  validate FILE   check a scenario and exit (0 when valid)\n"
    "  plot DIR        re-render the charts of a finished run from its files\n"
    "  compare FILE FILE...\n"
    "                  run each scenario into DIR/<its name>/, then draw\n"
    "                  side-by-side charts and write DIR/report.md and a\n"
    "                  self-contained DIR/report.html\n"
    "\n"
    "Options of run, validate and compare:\n"
    "  -o, --output DIR       results folder (default: results/<scenario name>;\n"
    "                         compare: results/compare)\n"
    "  --seed N               override the seed (compare: of every scenario)\n"
    "  --set PATH=VALUE       override any scenario value, e.g.\n"
    "                         --set clients[0].arrival.rate_rps=40 (repeatable;\n"
    "                         VALUE is JSON, or a string when it is not JSON;\n"
    "                         compare: applied to every scenario)\n"
    "  --log-requests         also write requests.csv, one row per attempt\n"
    "  --no-charts            do not run gnuplot\n"
    "  -q, --quiet            print nothing but errors\n"
    "\n"
    "Other:\n"
    "  -h, --help             show this help\n"
    "  -V, --version          show the version\n"
    "\n"
    "Outputs (run): summary.json, timeseries.csv, utilisation.csv,\n"
    "latency_cdf.csv, engine.json, requests.csv with --log-requests, and the\n"
    "charts throughput, rate_429, latency, utilisation (provisioned\n"
    "deployments), latency_cdf and outcomes as .png and .svg (+ .gp/.dat).\n"
    "See docs/outputs.md and docs/charts.md.  Charts need gnuplot (package\n"
    "gnuplot-nox): without it run and compare warn, plot fails.\n"
    "\n"
    "Exit status: 0 success; 1 bad scenario, trace or file, or a failed tool;\n"
    "2 command-line misuse.\n";

typedef struct cli {
	const char *command;
	const char *file;             /* the first FILE (DIR for plot) */
	const char *files[MAX_FILES]; /* compare: every FILE */
	size_t n_files;
	const char *out_dir;
	const char *sets[MAX_SETS];
	size_t n_sets;
	char seed_set[64];
	bool log_requests, no_charts, quiet;
} cli;

static int usage_error(const char *fmt, const char *arg)
{
	char safe[RS_ERROR_MAX];
	rs_escape_ctl(safe, sizeof safe, arg); /* an echoed value stays on one line */
	fprintf(stderr, "ratesim: ");
	fprintf(stderr, fmt, safe);
	fprintf(stderr, "\ntry 'ratesim --help'\n");
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

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, cli *c)
{
	if (argc < 2)
		return usage_error("%s", "a command is required (run, validate, plot or compare)");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("ratesim %s\n", RATESIM_VERSION);
			return 0;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (!next)
				return usage_error("%s needs a folder", a);
			c->out_dir = argv[++i];
		} else if (!strcmp(a, "--seed")) {
			if (!next || !is_uint(next))
				return usage_error("--seed needs a whole number >= 0 (got %s)",
				                   next ? next : "nothing");
			if (!seed_fits(next))
				return usage_error("--seed must be at most 9007199254740992 (2^53, "
				                   "exact in JSON), got %s",
				                   next);
			snprintf(c->seed_set, sizeof c->seed_set, "seed=%s", next);
			i++;
		} else if (!strcmp(a, "--set")) {
			if (!next)
				return usage_error("%s needs PATH=VALUE", a);
			if (c->n_sets == MAX_SETS)
				return usage_error("too many --set options (at most %s)", "256");
			c->sets[c->n_sets++] = argv[++i];
		} else if (!strcmp(a, "--log-requests")) {
			c->log_requests = true;
		} else if (!strcmp(a, "--no-charts")) {
			c->no_charts = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			c->quiet = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("unknown option %s", a);
		} else if (!c->command) {
			c->command = a;
		} else if (!c->file || !strcmp(c->command, "compare")) {
			if (c->n_files == MAX_FILES)
				return usage_error("too many scenario files (at most %s)", "64");
			c->files[c->n_files++] = a;
			c->file = c->files[0];
		} else {
			return usage_error("unexpected argument %s", a);
		}
	}
	if (!c->command)
		return usage_error("%s", "a command is required (run, validate, plot or compare)");
	if (strcmp(c->command, "run") && strcmp(c->command, "validate") &&
	    strcmp(c->command, "plot") && strcmp(c->command, "compare"))
		return usage_error("unknown command %s (expected run, validate, plot or compare)",
		                   c->command);
	if (!strcmp(c->command, "compare") && c->n_files < 2)
		return usage_error("%s", "compare needs at least two scenario files");
	if (!c->file)
		return usage_error("%s needs a file", c->command);
	if (c->seed_set[0]) {
		if (c->n_sets == MAX_SETS)
			return usage_error("too many --set options (at most %s)", "256");
		c->sets[c->n_sets++] = c->seed_set; /* after the --sets: --seed wins */
	}
	return -1;
}

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

static void default_dir(const rs_config *cfg, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/", DEFAULT_RESULTS);
	for (const char *s = cfg->name; *s && (size_t)n + 1 < len; s++) {
		char ch = *s;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
		buf[n++] = ok ? ch : '_';
	}
	buf[n] = '\0';
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* How `run` and every candidate of `compare` run: the command line's
 * options, the wall clock, and a progress line on a terminal. */
static rs_run_opts run_opts(const cli *c, const char *dir, progress *prog)
{
	rs_run_opts o = {
	    .dir = dir,
	    .log_requests = c->log_requests,
	    .charts = !c->no_charts,
	    .wall_clock = wall_now,
	    .peak_rss_kb = peak_rss_kb,
	};
	if (!c->quiet && isatty(STDERR_FILENO)) {
		o.progress = on_progress;
		o.progress_every = PROGRESS_EVENTS;
		o.progress_ctx = prog;
	}
	return o;
}

static int cmd_run(const cli *c, const rs_config *cfg)
{
	rs_error err = {0};
	char dirbuf[1024];
	const char *dir = c->out_dir;
	if (!dir) {
		default_dir(cfg, dirbuf, sizeof dirbuf);
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
	if (!c->quiet) {
		const rs_counts *t = &res.total;
		const rs_engine_stats *es = &res.engine;
		double wall = es->wall_s;
		fprintf(stderr,
		        "ratesim: %s: %llu requests offered, %llu succeeded, %llu failed; "
		        "429 rate %.2f%%\n",
		        cfg->name, (unsigned long long)t->offered, (unsigned long long)t->succeeded,
		        (unsigned long long)t->failed,
		        t->attempts ? 100.0 * (double)t->throttled / (double)t->attempts : 0.0);
		fprintf(stderr,
		        "ratesim: engine: %llu events in %.3f s (%.2fM events/s, %.2fM "
		        "requests/s), peak RSS %.1f MB\n",
		        (unsigned long long)es->events, wall,
		        wall > 0 ? (double)es->events / wall / 1e6 : 0,
		        wall > 0 ? (double)es->requests / wall / 1e6 : 0,
		        (double)es->peak_rss_kb / 1024.0);
		fprintf(stderr, "ratesim: results in %s/ (summary.json, timeseries.csv%s%s)\n", dir,
		        c->log_requests ? ", requests.csv" : "",
		        c->no_charts || res.chart_warning[0] ? "" : ", charts as .png and .svg");
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

/* compare: a new candidate starts; its progress starts from zero. */
static void on_candidate(void *ctx, size_t i, size_t n, const char *label)
{
	progress *p = ctx;
	progress_clear(p);
	p->start = p->last = wall_now();
}

static int cmd_compare(const cli *c)
{
	rs_error err = {0};
	rs_config *cfgs[MAX_FILES] = {0};
	rs_compare_candidate cands[MAX_FILES];
	int rc = 0;
	for (size_t i = 0; i < c->n_files && rc == 0; i++) {
		rs_status st = rs_scenario_load(c->files[i], c->sets, c->n_sets, &cfgs[i], &err);
		if (st != RS_OK)
			rc = report(&err);
	}
	if (rc != 0)
		goto out;
	const char *dir = c->out_dir ? c->out_dir : DEFAULT_COMPARE;
	progress prog = {.start = wall_now()};
	rs_compare_opts o = {.run = run_opts(c, dir, &prog)};
	if (o.run.progress)
		o.on_candidate = on_candidate;
	char warning[512];
	rs_status st = rs_compare_run((const rs_config *const *)cfgs, c->n_files, &o, cands,
	                              warning, sizeof warning, &err);
	progress_clear(&prog);
	if (st != RS_OK) {
		rc = report(&err);
		goto out;
	}
	if (warning[0])
		fprintf(stderr, "ratesim: %s\n", warning);
	if (!c->quiet) {
		for (size_t i = 0; i < c->n_files; i++) {
			const rs_counts *t = &cands[i].run.total;
			fprintf(stderr,
			        "ratesim: %s: %llu requests offered, %llu succeeded, %llu failed; "
			        "429 rate %.2f%%\n",
			        cands[i].label, (unsigned long long)t->offered,
			        (unsigned long long)t->succeeded, (unsigned long long)t->failed,
			        t->attempts ? 100.0 * (double)t->throttled / (double)t->attempts
			                    : 0.0);
		}
		fprintf(stderr, "ratesim: comparison in %s/ (report.html, report.md%s)\n", dir,
		        c->no_charts || warning[0] ? "" : ", compare_*.png and .svg");
	}
out:
	for (size_t i = 0; i < c->n_files; i++)
		rs_config_free(cfgs[i]);
	return rc;
}

static int cmd_plot(const cli *c)
{
	rs_error err = {0};
	char warning[512] = "";
	char title[512];
	title_of_run(c->file, title, sizeof title);
	rs_chart_opts co = {.title = title, .gnuplot = NULL, .required = true};
	rs_status st = rs_chart_render(c->file, &co, warning, sizeof warning, &err);
	if (st != RS_OK)
		return report(&err);
	if (!c->quiet)
		fprintf(stderr, "ratesim: charts written in %s/\n", c->file);
	return 0;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	rs_fsx_catch_signals("ratesim"); /* SIGINT/SIGTERM: remove staging, exit 130/143 */
	cli c = {0};
	int rc = parse_args(argc, argv, &c);
	if (rc >= 0)
		return rc;
	if (!strcmp(c.command, "plot"))
		return cmd_plot(&c);
	if (!strcmp(c.command, "compare"))
		return cmd_compare(&c);

	rs_error err = {0};
	rs_config *cfg = NULL;
	rs_status st = rs_scenario_load(c.file, c.sets, c.n_sets, &cfg, &err);
	if (st != RS_OK)
		return report(&err);
	if (!strcmp(c.command, "validate")) {
		/* Building the world reads the trace files, so a missing or
		 * malformed trace is reported here, not first by `run`. */
		rs_world *w = NULL;
		st = rs_world_new(cfg, NULL, &w, &err);
		rs_world_free(w);
		if (st != RS_OK) {
			rs_config_free(cfg);
			return report(&err);
		}
		if (!c.quiet)
			printf("%s: valid (%zu deployments, %zu clients, %.0f s)\n", c.file,
			       cfg->n_deployments, cfg->n_clients, cfg->duration_s);
		rs_config_free(cfg);
		return 0;
	}
	rc = cmd_run(&c, cfg);
	rs_config_free(cfg);
	return rc;
}
