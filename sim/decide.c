/*
 * decide.c - the pipe shared by every decision: check the folder, write
 * plan.json, run or emit the jobs, and collect (decide.h).
 *
 * A folder belongs to one plan: plan.json says which.  Running a plan into
 * a folder that holds another plan's results (another kind, seed,
 * replication count, or a group of the same name with other sets) is
 * refused unless --force, which forgets every earlier run; the same plan
 * again, or a plan that only adds groups (a size search's next round),
 * reuses every run folder that is already complete.  A folder that holds a
 * single run's results (summary.json without plan.json) is refused too.
 * --force first removes what the earlier plan or run wrote (its group and
 * replication folders, and the files ratesim writes at the top), so old
 * charts never sit beside new data.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "ratesim/decide.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "ratesim/aggregate.h"
#include "ratesim/output.h"
#include "ratesim/world.h"
#include "ratesim/pool.h"
#include "ratesim/textio.h"

#define DECIDE_DIR_MODE 0777
#define DECIDE_FTW_FDS  16 /* folders nftw keeps open at once */

/* mkdir -p. */
static rs_status make_dirs(const char *dir, rs_error *err)
{
	size_t n = strlen(dir);
	char *d = malloc(n + 1);
	if (!d)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	memcpy(d, dir, n + 1);
	rs_status st = RS_OK;
	for (char *s = d + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char keep = *s;
		*s = '\0';
		if (mkdir(d, DECIDE_DIR_MODE) != 0 && errno != EEXIST)
			st = rs_fail(err, RS_ERR_IO, "%s: cannot create folder: %s", d,
			             strerror(errno));
		*s = keep;
		if (st != RS_OK || keep == '\0')
			break;
	}
	free(d);
	return st;
}

/* Whether plan `old` (read from the folder) and p can share run folders. */
static bool same_plan(const rs_plan *old, const rs_plan *p, char *why, size_t len)
{
	if (strcmp(old->kind, p->kind))
		snprintf(why, len, "a %s, not a %s", old->kind, p->kind);
	else if (old->base_seed != p->base_seed)
		snprintf(why, len, "base seed %" PRIu64 ", not %" PRIu64, old->base_seed,
		         p->base_seed);
	else if (old->replications != p->replications)
		snprintf(why, len, "%zu replications, not %zu", old->replications, p->replications);
	else if (old->log_requests != p->log_requests)
		snprintf(why, len, "runs %s --log-requests",
		         old->log_requests ? "with" : "without");
	else
		why[0] = '\0';
	for (size_t a = 0; a < old->n_groups && !why[0]; a++) {
		for (size_t b = 0; b < p->n_groups; b++) {
			const rs_plan_group *x = &old->groups[a], *y = &p->groups[b];
			if (strcmp(x->label, y->label))
				continue;
			bool same = !strcmp(x->file, y->file) && x->n_sets == y->n_sets;
			for (size_t s = 0; same && s < x->n_sets; s++)
				same = !strcmp(x->sets[s], y->sets[s]);
			if (!same)
				snprintf(why, len, "group \"%s\" with another scenario or --set",
				         x->label);
		}
	}
	return !why[0];
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* rm -rf dir/name. */
static rs_status remove_tree(const char *dir, const char *name, rs_error *err)
{
	char *path = rs_text_join(dir, name);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	rs_status st = RS_OK;
	struct stat sb;
	if (lstat(path, &sb) == 0 &&
	    nftw(path, remove_entry, DECIDE_FTW_FDS, FTW_DEPTH | FTW_PHYS) != 0)
		st = rs_fail(err, RS_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
	free(path);
	return st;
}

/* Whether a top-level file name is one ratesim writes there. */
static bool ratesim_file(const char *name)
{
	static const char *const ext[] = {".json", ".csv", ".png",  ".svg",   ".gp",
	                                  ".dat",  ".md",  ".html", ".sbatch"};
	const char *dot = strrchr(name, '.');
	if (!strncmp(name, "slurm-", 6) && dot && !strcmp(dot, ".out"))
		return true;
	for (size_t i = 0; dot && i < sizeof ext / sizeof *ext; i++)
		if (!strcmp(dot, ext[i]))
			return true;
	return false;
}

/* --force: remove what an earlier plan (old, may be NULL) or run wrote. */
static rs_status clear_folder(const char *dir, const rs_plan *old, rs_error *err)
{
	rs_status st = RS_OK;
	for (size_t g = 0; old && g < old->n_groups && st == RS_OK; g++) {
		if (old->groups[g].label[0]) {
			st = remove_tree(dir, old->groups[g].label, err);
			continue;
		}
		for (size_t k = 1; k <= old->replications && st == RS_OK; k++) {
			char rep[32];
			snprintf(rep, sizeof rep, "rep-%zu", k);
			st = remove_tree(dir, rep, err);
		}
	}
	DIR *d = st == RS_OK ? opendir(dir) : NULL;
	for (struct dirent *e; d && st == RS_OK && (e = readdir(d));) {
		struct stat sb;
		char *path = rs_text_join(dir, e->d_name);
		if (path && lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    ratesim_file(e->d_name) && unlink(path) != 0)
			st =
			    rs_fail(err, RS_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
		free(path);
	}
	if (d)
		closedir(d);
	return st;
}

rs_status rs_decide_clear(const char *dir, rs_error *err)
{
	rs_plan old;
	rs_error ignore;
	if (rs_plan_read(dir, &old, &ignore) != RS_OK)
		return clear_folder(dir, NULL, err);
	rs_status st = clear_folder(dir, &old, err);
	rs_plan_free(&old);
	return st;
}

/* Refuse a folder of another plan unless force.  OUT: *reuse, whether
 * complete run folders may be reused. */
static rs_status check_folder(const rs_plan *p, bool force, bool *reuse, rs_error *err)
{
	*reuse = true;
	rs_plan old;
	rs_error ignore;
	char *path = rs_text_join(p->dir, RS_PLAN_FILE);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	free(path);
	if (!exists) {
		char *summary = rs_text_join(p->dir, "summary.json");
		bool single = summary && stat(summary, &sb) == 0;
		free(summary);
		if (!single)
			return RS_OK;
		if (force)
			return clear_folder(p->dir, NULL, err);
		return rs_fail(
		    err, RS_ERR_IO,
		    "%s: holds the results of a single run; use --force to replace them, "
		    "or another -o",
		    p->dir);
	}
	if (rs_plan_read(p->dir, &old, &ignore) != RS_OK) {
		if (force) {
			*reuse = false;
			return clear_folder(p->dir, NULL, err);
		}
		return rs_fail(err, RS_ERR_IO,
		               "%s: holds an unreadable plan.json; use --force to "
		               "replace its results, or another -o",
		               p->dir);
	}
	char why[256];
	bool same = same_plan(&old, p, why, sizeof why);
	rs_status st = RS_OK;
	if (!same && force) {
		*reuse = false;
		st = clear_folder(p->dir, &old, err);
	}
	rs_plan_free(&old);
	if (same || force)
		return st;
	return rs_fail(err, RS_ERR_IO,
	               "%s: holds the results of another plan (%s); use --force to replace them, "
	               "or another -o",
	               p->dir, why);
}

bool *rs_decide_done(const rs_plan *p)
{
	size_t n = rs_plan_runs(p);
	bool *done = rs_calloc(n ? n : 1, sizeof *done);
	for (size_t i = 0; done && i < n; i++)
		done[i] = rs_agg_run_complete(p, i);
	return done;
}

typedef struct job_ctx {
	const rs_plan *p;
	const rs_decide_opts *o;
} job_ctx;

/* In a pool worker: run i as its command line says. */
static int run_one(size_t i, void *ctx)
{
	job_ctx *j = ctx;
	char **argv;
	int argc;
	rs_error err = {0};
	if (rs_plan_job_argv(j->p, i, j->o->program, &argv, &argc, &err) != RS_OK) {
		fprintf(stderr, "ratesim: %s\n", err.msg);
		return 1;
	}
	int rc = j->o->run_argv(argc, argv);
	rs_plan_argv_free(argv);
	return rc;
}

rs_status rs_decide_execute(const rs_plan *p, const rs_decide_opts *o, bool force, bool *emitted,
                            rs_error *err)
{
	*emitted = false;
	bool reuse;
	rs_status st = make_dirs(p->dir, err);
	if (st == RS_OK)
		st = check_folder(p, force, &reuse, err);
	if (st == RS_OK)
		st = rs_plan_write(p, err);
	if (st != RS_OK)
		return st;
	size_t n = rs_plan_runs(p);
	bool *skip = reuse ? rs_decide_done(p) : rs_calloc(n ? n : 1, sizeof *skip);
	if (!skip)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	if (o->emit_jobs) {
		size_t lines;
		st = rs_plan_emit(p, o->program, o->emit_jobs, skip, &lines, err);
		*emitted = st == RS_OK;
		free(skip);
		return st;
	}
	job_ctx ctx = {p, o};
	size_t failed = 0, first = 0;
	size_t workers = o->workers ? o->workers : rs_pool_default_workers();
	st = rs_pool_run(n, workers, skip, run_one, &ctx, o->progress, o->progress_ctx, &failed,
	                 &first, err);
	free(skip);
	if (st == RS_OK && failed) {
		char *dir = rs_plan_run_dir(p, first);
		st = rs_fail(err, RS_ERR_INVALID,
		             "%s: %zu of %zu runs failed or were not started, the first in %s (its "
		             "message is above); fix the cause and run the same command again: "
		             "complete runs are kept",
		             p->dir, failed, n, dir ? dir : "?");
		free(dir);
	}
	return st;
}

rs_status rs_decide_check_figures(const rs_config *cfg, const char *const *figures, size_t n,
                                  const char *what, rs_error *err)
{
	rs_world *w = NULL;
	rs_status st = rs_world_new(cfg, NULL, &w, err);
	if (st != RS_OK)
		return st;
	cJSON *doc = rs_output_summary(cfg, rs_world_metrics(w));
	rs_fig_table t = {0};
	st = doc ? rs_agg_figure_names(doc, &t.names, &t.n_figs, err)
	         : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; st == RS_OK && i < n; i++) {
		const char *near = NULL;
		if (rs_fig_find(&t, figures[i], &near) >= 0)
			continue;
		if (near)
			st = rs_fail(err, RS_ERR_USAGE,
			             "%s: unknown figure \"%s\"; did you mean \"%s\"? "
			             "(figures are the numbers of summary.json, "
			             "docs/outputs.md)",
			             what, figures[i], near);
		else
			st = rs_fail(err, RS_ERR_USAGE, "%s: unknown figure \"%s\"", what,
			             figures[i]);
	}
	rs_fig_table_free(&t);
	cJSON_Delete(doc);
	rs_world_free(w);
	return st;
}

/* ---- collect ------------------------------------------------------------------ */

/* "0.4982 +- 0.0041" for a figure of group g (text in buf). */
static void fig_text(const rs_fig_table *t, const rs_plan *p, size_t g, const char *name,
                     double scale, const char *unit, int decimals, char *buf, size_t len)
{
	long f = rs_fig_find(t, name, NULL);
	rs_stats s = {0, NAN, NAN, NAN, NAN, NAN};
	if (f >= 0)
		rs_fig_group_stats(t, p, g, (size_t)f, &s);
	if (!isfinite(s.mean))
		snprintf(buf, len, "n/a");
	else if (isfinite(s.ci95))
		snprintf(buf, len, "%.*f%s +- %.*f%s", decimals, s.mean * scale, unit, decimals,
		         s.ci95 * scale, unit);
	else
		snprintf(buf, len, "%.*f%s", decimals, s.mean * scale, unit);
}

void rs_decide_line(const rs_fig_table *t, const rs_plan *p, size_t g, const char *name,
                    rs_text_buf *b)
{
	char rate[64], failed[64], p99[64], tpm[64];
	fig_text(t, p, g, "rate_429", 100, "%", 2, rate, sizeof rate);
	fig_text(t, p, g, "requests.failed", 1, "", 1, failed, sizeof failed);
	fig_text(t, p, g, "latency_ms.p99", 1e-3, " s", 2, p99, sizeof p99);
	fig_text(t, p, g, "throughput.tokens_per_min", 1, "", 0, tpm, sizeof tpm);
	rs_text_printf(b, "%s: 429 rate %s, final failures %s, p99 latency %s, tokens/min %s\n",
	               name, rate, failed, p99, tpm);
}

void rs_decide_result_free(rs_decide_result *res)
{
	free(res->text);
	res->text = NULL;
}
