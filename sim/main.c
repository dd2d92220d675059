/*
 * main.c - the ratesim command line: parse argv, load the scenario, call
 * the library, report.  The only file that prints, reads the wall clock or
 * decides exit codes:
 *   0  success
 *   1  a bad scenario or trace, an unreadable or unwritable file, a failed
 *      tool or run
 *   2  command-line misuse
 *
 * The grammar of the command line (the option table, parsing, --help) is
 * cli.c's; this file holds the commands.  The decision commands (run -r, compare,
 * sweep, size, collect) build a plan and hand it to decide.h; a pool
 * worker runs its job by calling cli_main on the job's argv, exactly the
 * line a jobs file holds.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include "ratesim/chart.h"
#include "ratesim/compare.h"
#include "ratesim/figures.h"
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
#include <math.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_EVENTS  (1u << 18) /* how often the run loop reports progress */
#define PROGRESS_AFTER_S 1.0        /* progress appears only on runs longer than this */
#define PROGRESS_EVERY_S 0.25       /* and is redrawn at most this often */
#define DEFAULT_RESULTS  "results"
#define DEFAULT_COMPARE  "results/compare"

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

/* --window NAME names a window of the scenario (START:END added one):
 * checked before anything runs. */
static int check_window(const cli *c, const rs_config *cfg)
{
	if (!c->window)
		return -1;
	char names[512] = "";
	for (size_t w = 0; w < cfg->n_windows; w++) {
		if (!strcmp(cfg->windows[w].name, c->window))
			return -1;
		size_t used = strlen(names);
		snprintf(names + used, sizeof names - used, "%s%s", w ? ", " : "",
		         cfg->windows[w].name);
	}
	return cli_usage_error("--window %s: %s has no window \"%s\" (%s%s)", c->window, cfg->path,
	                       c->window,
	                       cfg->n_windows ? "its windows: " : "it has no \"windows\"", names);
}

/* "NAME [START, END) s: ..." after the run's line: the window's figures
 * from summary.json, as the run's line says them. */
static int print_window_line(const cli *c, const char *dir, const char *scenario)
{
	rs_report_figures f;
	rs_error err = {0};
	if (rs_report_read_window(dir, c->window, &f, &err) != RS_OK)
		return report(&err);
	printf("%s: window %s [%g, %g) s: %llu requests offered, %llu succeeded, %llu failed, "
	       "%llu still in flight at the end; 429 rate %.2f%% of attempts\n",
	       scenario, c->window, f.window_start_s, f.window_end_s, (unsigned long long)f.offered,
	       (unsigned long long)f.succeeded, (unsigned long long)f.failed,
	       (unsigned long long)f.in_flight_end, 100.0 * f.rate_429);
	return 0;
}

/* -o onto a folder that holds results: refused unless --force (issue 11),
 * so that a run never silently replaces another.  A job line (--replication)
 * writes where its plan, which checked the folder, sends it. */
static int check_out_dir(const cli *c, const char *dir)
{
	if (c->replication)
		return -1;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, RS_PLAN_FILE);
	bool plan = access(path, F_OK) == 0;
	snprintf(path, sizeof path, "%s/summary.json", dir);
	bool run = access(path, F_OK) == 0;
	if (!plan && !run)
		return -1;
	if (!c->force) {
		fprintf(stderr,
		        "ratesim: %s: holds the results of %s; use --force to replace them, or "
		        "another -o\n",
		        dir, plan ? "a plan (run -r, compare, sweep or size)" : "an earlier run");
		return EXIT_BAD_INPUT;
	}
	rs_error err = {0};
	/* a plan's folders go first; a run's files are replaced when this run
	 * commits (fsx.h), so that a failed run leaves them whole */
	if (plan && rs_decide_clear(dir, &err) != RS_OK)
		return report(&err);
	return -1;
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
	int rc = check_out_dir(c, dir);
	if (rc >= 0)
		return rc;
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
		if (c->window && print_window_line(c, dir, cfg->name) != 0)
			return EXIT_BAD_INPUT;
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

/* plot --window: START:END as given, or NAME's span from summary.json
 * (then the outcomes chart shows its figures); the span joins the title.
 * Returns -1 to go on, else an exit code. */
static int plot_window(const cli *c, rs_chart_opts *co, char *title, size_t len)
{
	co->from_s = c->win_start_s;
	co->to_s = c->win_end_s;
	if (isnan(c->win_start_s)) {
		rs_report_figures f;
		rs_error err = {0};
		if (rs_report_read_window(c->files[0], c->window, &f, &err) != RS_OK)
			return report(&err);
		co->from_s = f.window_start_s;
		co->to_s = f.window_end_s;
		co->window = c->window;
	}
	size_t used = strlen(title);
	snprintf(title + used, len - used, ", %s%s[%g, %g) s", co->window ? co->window : "",
	         co->window ? " " : "", co->from_s, co->to_s);
	return -1;
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
	if (c->window) {
		int rc = plot_window(c, &co, title, sizeof title);
		if (rc >= 0)
			return rc;
	}
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
	    .window = c->window,
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
	    .window = c->window,
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
	int rc = cli_parse(argc, argv, &c);
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
	if ((rc = check_window(&c, cfg)) >= 0) {
		rs_config_free(cfg);
		return rc;
	}
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
