/*
 * main.c - the ratesim command line: parse argv, load the scenario, call
 * the library, report.  The only file that prints, reads the wall clock or
 * decides exit codes:
 *   0  success
 *   1  a bad scenario or trace, an unreadable or unwritable file, a failed tool
 *   2  command-line misuse
 */
#include "ratesim/chart.h"
#include "ratesim/output.h"
#include "ratesim/run.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

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
#define PROGRESS_EVENTS  (1u << 18) /* how often the run loop reports progress */
#define PROGRESS_AFTER_S 1.0        /* progress appears only on runs longer than this */
#define PROGRESS_EVERY_S 0.25       /* and is redrawn at most this often */
#define DEFAULT_RESULTS  "results"

static const char usage_text[] =
    "Usage: ratesim COMMAND [OPTIONS]\n"
    "\n"
    "Simulate how Azure OpenAI deployments rate-limit traffic (429s, latency,\n"
    "throughput) for a scenario file, deterministically.\n"
    "\n"
    "Commands:\n"
    "  run FILE        run a scenario and write its results\n"
    "  validate FILE   check a scenario and exit (0 when valid)\n"
    "  plot DIR        re-render the charts of a finished run from its CSV files\n"
    "\n"
    "Options of run and validate:\n"
    "  -o, --output DIR       results folder (default: results/<scenario name>)\n"
    "  --seed N               override the scenario's seed\n"
    "  --set PATH=VALUE       override any scenario value, e.g.\n"
    "                         --set clients[0].arrival.rate_rps=40 (repeatable;\n"
    "                         VALUE is JSON, or a string when it is not JSON)\n"
    "  --log-requests         also write requests.csv, one row per attempt\n"
    "  --no-charts            do not run gnuplot\n"
    "  -q, --quiet            print nothing but errors\n"
    "\n"
    "Other:\n"
    "  -h, --help             show this help\n"
    "  -V, --version          show the version\n"
    "\n"
    "Outputs (run): summary.json, timeseries.csv, engine.json, throughput.png\n"
    "(+ .gp/.dat), requests.csv with --log-requests.  See docs/outputs.md.\n"
    "\n"
    "Exit status: 0 success; 1 bad scenario, trace or file, or a failed tool;\n"
    "2 command-line misuse.\n";

typedef struct cli {
	const char *command;
	const char *file;
	const char *out_dir;
	const char *sets[MAX_SETS];
	size_t n_sets;
	char seed_set[64];
	bool log_requests, no_charts, quiet;
} cli;

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "ratesim: ");
	fprintf(stderr, fmt, arg);
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

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, cli *c)
{
	if (argc < 2)
		return usage_error("%s", "a command is required (run, validate or plot)");
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
		} else if (!c->file) {
			c->file = a;
		} else {
			return usage_error("unexpected argument %s", a);
		}
	}
	if (!c->command)
		return usage_error("%s", "a command is required (run, validate or plot)");
	if (strcmp(c->command, "run") && strcmp(c->command, "validate") &&
	    strcmp(c->command, "plot"))
		return usage_error("unknown command %s (expected run, validate or plot)",
		                   c->command);
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
		o.progress_ctx = &prog;
	}
	rs_run_result res;
	rs_status st = rs_run(cfg, &o, &res, &err);
	if (prog.shown)
		fprintf(stderr, "\r%*s\r", 79, "");
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
		        c->no_charts || res.chart_warning[0] ? "" : ", throughput.png");
	}
	return 0;
}

/* The chart title of a finished run: "NAME (seed N)" from its summary.json,
 * as the run wrote it; the folder's name when there is no summary. */
static void title_of_run(const char *dir, char *title, size_t len)
{
	char path[1100];
	snprintf(title, len, "%s", dir);
	snprintf(path, sizeof path, "%s/summary.json", dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The name and seed come first; a truncated read still parses them. */
	char name[256];
	unsigned long long seed;
	const char *p = strstr(buf, "\"scenario\":");
	const char *q = strstr(buf, "\"seed\":");
	if (p && q && sscanf(p, "\"scenario\": \"%255[^\"]\"", name) == 1 &&
	    sscanf(q, "\"seed\": %llu", &seed) == 1)
		snprintf(title, len, "%s (seed %llu)", name, seed);
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
	cli c = {0};
	int rc = parse_args(argc, argv, &c);
	if (rc >= 0)
		return rc;
	if (!strcmp(c.command, "plot"))
		return cmd_plot(&c);

	rs_error err = {0};
	rs_config *cfg = NULL;
	rs_status st = rs_scenario_load(c.file, c.sets, c.n_sets, &cfg, &err);
	if (st != RS_OK)
		return report(&err);
	if (!strcmp(c.command, "validate")) {
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
