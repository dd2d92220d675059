/*
 * plan.c - a decision's runs: seeds, folders, job command lines, plan.json
 * and the jobs files for GNU parallel and Slurm (plan.h).
 *
 * One function, rs_plan_job_argv, says how run i is run; the built-in pool
 * executes that argv in a child process and rs_plan_emit writes the same
 * argv, shell-quoted, as a line of the jobs file, so the three executors
 * cannot disagree about what a run is.
 */
#include "ratesim/plan.h"

#include "ratesim/textio.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Seeds stay below 10^15: every JSON writer and reader (cJSON prints 15
 * significant digits) holds them exactly. */
#define PLAN_SEED_LIMIT UINT64_C(1000000000000000)
#define PLAN_REP_DIR    "rep-"
#define PLAN_NUM_MAX    32 /* bytes of a printed integer, with room */
#define PLAN_SLURM_LOG  "slurm-%A_%a.out"

/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): consecutive inputs give unrelated outputs. */
static uint64_t splitmix64(uint64_t x)
{
	x += UINT64_C(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

uint64_t rs_plan_seed(uint64_t base, size_t k)
{
	return splitmix64(splitmix64(base) + (uint64_t)k) % PLAN_SEED_LIMIT;
}

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

rs_status rs_plan_add_group(rs_plan *p, const char *label, const char *file,
                            const char *const *sets, size_t n_sets, rs_error *err)
{
	rs_plan_group *g = rs_realloc_array(p->groups, p->n_groups + 1, sizeof *g);
	if (!g)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	p->groups = g;
	g = &p->groups[p->n_groups];
	*g = (rs_plan_group){0};
	p->n_groups++;
	g->label = dupstr(label);
	g->file = dupstr(file);
	g->sets = rs_calloc(n_sets ? n_sets : 1, sizeof *g->sets);
	if (!g->label || !g->file || !g->sets)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n_sets; i++) {
		if (!(g->sets[i] = dupstr(sets[i])))
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		g->n_sets = i + 1;
	}
	return RS_OK;
}

size_t rs_plan_runs(const rs_plan *p)
{
	return p->n_groups * p->replications;
}

char *rs_plan_run_dir(const rs_plan *p, size_t i)
{
	const rs_plan_group *g = &p->groups[i / p->replications];
	size_t k = i % p->replications + 1;
	size_t n = strlen(p->dir) + strlen(g->label) + sizeof PLAN_REP_DIR + PLAN_NUM_MAX + 2;
	char *d = malloc(n);
	if (!d)
		return NULL;
	if (g->label[0])
		snprintf(d, n, "%s/%s/" PLAN_REP_DIR "%zu", p->dir, g->label, k);
	else
		snprintf(d, n, "%s/" PLAN_REP_DIR "%zu", p->dir, k);
	return d;
}

void rs_plan_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

rs_status rs_plan_job_argv(const rs_plan *p, size_t i, const char *program, char ***out, int *argc,
                           rs_error *err)
{
	const rs_plan_group *g = &p->groups[i / p->replications];
	size_t k = i % p->replications + 1;
	/* program run FILE --seed S --replication K (--set X)* --quiet
	 * --no-charts? --log-requests? -o DIR NULL: 13 + 2 per --set */
	size_t cap = 13 + 2 * g->n_sets;
	char **argv = rs_calloc(cap, sizeof *argv);
	if (!argv)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	size_t n = 0;
	char seed[PLAN_NUM_MAX], rep[PLAN_NUM_MAX];
	snprintf(seed, sizeof seed, "%" PRIu64, rs_plan_seed(p->base_seed, k));
	snprintf(rep, sizeof rep, "%zu", k);
	const char *fixed[] = {program, "run", g->file, "--seed", seed, "--replication", rep};
	bool ok = true;
	for (size_t j = 0; j < sizeof fixed / sizeof *fixed; j++)
		ok = ok && (argv[n++] = dupstr(fixed[j]));
	for (size_t j = 0; j < g->n_sets; j++) {
		ok = ok && (argv[n++] = dupstr("--set"));
		ok = ok && (argv[n++] = dupstr(g->sets[j]));
	}
	ok = ok && (argv[n++] = dupstr("--quiet"));
	if (!p->run_charts)
		ok = ok && (argv[n++] = dupstr("--no-charts"));
	if (p->log_requests)
		ok = ok && (argv[n++] = dupstr("--log-requests"));
	ok = ok && (argv[n++] = dupstr("-o"));
	ok = ok && (argv[n++] = rs_plan_run_dir(p, i));
	if (!ok) {
		rs_plan_argv_free(argv);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	*out = argv;
	*argc = (int)n;
	return RS_OK;
}

/* ---- plan.json ------------------------------------------------------------ */

static cJSON *string_array(char *const *s, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(s[i]));
	return a;
}

static char *plan_path(const char *dir, const char *name)
{
	return rs_text_join(dir, name);
}

rs_status rs_plan_write(const rs_plan *p, rs_error *err)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	char seed[PLAN_NUM_MAX];
	snprintf(seed, sizeof seed, "%" PRIu64, p->base_seed);
	cJSON_AddStringToObject(root, "ratesim_version", RATESIM_VERSION);
	cJSON_AddStringToObject(root, "kind", p->kind);
	cJSON_AddRawToObject(root, "base_seed", seed);
	cJSON_AddNumberToObject(root, "replications", (double)p->replications);
	cJSON_AddBoolToObject(root, "log_requests", p->log_requests);
	cJSON_AddBoolToObject(root, "run_charts", p->run_charts);
	cJSON *groups = cJSON_AddArrayToObject(root, "groups");
	for (size_t i = 0; groups && i < p->n_groups; i++) {
		cJSON *g = cJSON_CreateObject();
		cJSON_AddItemToArray(groups, g);
		cJSON_AddStringToObject(g, "label", p->groups[i].label);
		cJSON_AddStringToObject(g, "file", p->groups[i].file);
		cJSON_AddItemToObject(g, "sets",
		                      string_array(p->groups[i].sets, p->groups[i].n_sets));
	}
	if (p->extra_json) {
		cJSON *extra = cJSON_Parse(p->extra_json);
		if (extra)
			cJSON_AddItemToObject(root, "extra", extra);
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	char *path = plan_path(p->dir, RS_PLAN_FILE);
	rs_status st;
	if (!text || !path) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	} else {
		size_t n = strlen(text);
		char *withnl = malloc(n + 2);
		if (!withnl) {
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		} else {
			memcpy(withnl, text, n);
			memcpy(withnl + n, "\n", 2);
			st = rs_text_write(path, withnl, err);
			free(withnl);
		}
	}
	free(text);
	free(path);
	return st;
}

static rs_status bad_key(const char *path, const char *key, const char *want, rs_error *err)
{
	return rs_fail(err, RS_ERR_SYNTAX, "%s: .%s: expected %s", path, key, want);
}

static rs_status read_groups(const char *path, const cJSON *groups, rs_plan *p, rs_error *err)
{
	if (!cJSON_IsArray(groups) || cJSON_GetArraySize(groups) < 1)
		return bad_key(path, "groups", "an array of at least one group", err);
	for (const cJSON *g = groups->child; g; g = g->next) {
		const cJSON *label = cJSON_GetObjectItemCaseSensitive(g, "label");
		const cJSON *file = cJSON_GetObjectItemCaseSensitive(g, "file");
		const cJSON *sets = cJSON_GetObjectItemCaseSensitive(g, "sets");
		if (!cJSON_IsString(label) || !cJSON_IsString(file) || !cJSON_IsArray(sets))
			return bad_key(path, "groups[]", "label, file (strings) and sets (array)",
			               err);
		size_t n = (size_t)cJSON_GetArraySize(sets);
		const char **s = rs_calloc(n ? n : 1, sizeof *s);
		if (!s)
			return rs_fail(err, RS_ERR_NOMEM, "out of memory");
		size_t j = 0;
		for (const cJSON *e = sets->child; e; e = e->next) {
			if (!cJSON_IsString(e)) {
				free(s);
				return bad_key(path, "groups[].sets[]", "a string", err);
			}
			s[j++] = e->valuestring;
		}
		rs_status st =
		    rs_plan_add_group(p, label->valuestring, file->valuestring, s, n, err);
		free(s);
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}

rs_status rs_plan_read(const char *dir, rs_plan *p, rs_error *err)
{
	*p = (rs_plan){0};
	char *path = plan_path(dir, RS_PLAN_FILE);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	char *text = rs_text_read(path);
	rs_status st = RS_OK;
	cJSON *root = NULL;
	if (!text) {
		st = rs_fail(err, RS_ERR_IO,
		             "%s: not a ratesim results folder of run -r, compare, "
		             "sweep or size (cannot read %s: %s)",
		             dir, RS_PLAN_FILE, strerror(errno));
		goto out;
	}
	root = cJSON_Parse(text);
	if (!cJSON_IsObject(root)) {
		st = rs_fail(err, RS_ERR_SYNTAX, "%s: not JSON", path);
		goto out;
	}
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(root, "base_seed");
	const cJSON *reps = cJSON_GetObjectItemCaseSensitive(root, "replications");
	const cJSON *logr = cJSON_GetObjectItemCaseSensitive(root, "log_requests");
	const cJSON *charts = cJSON_GetObjectItemCaseSensitive(root, "run_charts");
	const cJSON *extra = cJSON_GetObjectItemCaseSensitive(root, "extra");
	if (!cJSON_IsString(kind)) {
		st = bad_key(path, "kind", "a string", err);
		goto out;
	}
	/* base_seed is written as a bare integer: re-read it from the text so
	 * that 64-bit seeds survive (a double holds 53 bits) */
	char *raw = seed ? cJSON_PrintUnformatted(seed) : NULL;
	char *end = NULL;
	errno = 0;
	unsigned long long bs = raw ? strtoull(raw, &end, 10) : 0;
	bool seed_ok = raw && end != raw && *end == '\0' && errno == 0 && raw[0] != '-';
	free(raw);
	if (!seed_ok) {
		st = bad_key(path, "base_seed", "a whole number >= 0", err);
		goto out;
	}
	if (!cJSON_IsNumber(reps) || reps->valuedouble < 1 || reps->valuedouble > RS_PLAN_MAX_REP ||
	    reps->valuedouble != (double)(size_t)reps->valuedouble) {
		st = bad_key(path, "replications", "a whole number >= 1", err);
		goto out;
	}
	if (!cJSON_IsBool(logr) || !cJSON_IsBool(charts)) {
		st = bad_key(path, "log_requests", "true or false (and run_charts too)", err);
		goto out;
	}
	p->base_seed = (uint64_t)bs;
	p->replications = (size_t)reps->valuedouble;
	p->log_requests = cJSON_IsTrue(logr);
	p->run_charts = cJSON_IsTrue(charts);
	if (!(p->kind = dupstr(kind->valuestring)) || !(p->dir = dupstr(dir))) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (extra && !(p->extra_json = cJSON_PrintUnformatted(extra))) {
		st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = read_groups(path, cJSON_GetObjectItemCaseSensitive(root, "groups"), p, err);
out:
	cJSON_Delete(root);
	free(text);
	free(path);
	if (st != RS_OK)
		rs_plan_free(p);
	return st;
}

/* ---- jobs files ----------------------------------------------------------- */

/* s as one word of a POSIX shell: bare when it holds only safe characters,
 * else in single quotes with each ' written as '\''. */
static void put_shell_word(FILE *f, const char *s)
{
	bool safe = *s != '\0';
	for (const char *c = s; *c && safe; c++)
		safe = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		              "_-./=:,+@%",
		              *c) != NULL;
	if (safe) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (const char *c = s; *c; c++) {
		if (*c == '\'')
			fputs("'\\''", f);
		else
			fputc(*c, f);
	}
	fputc('\'', f);
}

static rs_status close_text(FILE *f, const char *tmp, const char *path, rs_error *err)
{
	bool bad = ferror(f) != 0;
	int e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = true;
		e = errno;
	}
	if (bad) {
		unlink(tmp);
		return rs_fail(err, RS_ERR_IO, "%s: cannot write: %s", path, strerror(e));
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return rs_fail(err, RS_ERR_IO, "%s: cannot rename into place: %s", path,
		               strerror(errno));
	}
	return RS_OK;
}

static rs_status emit_jobs(const rs_plan *p, const char *program, const char *jobs_path,
                           const bool *skip, size_t *n_jobs, rs_error *err)
{
	size_t n = strlen(jobs_path) + 5;
	char *tmp = malloc(n);
	if (!tmp)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	snprintf(tmp, n, "%s.tmp", jobs_path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		rs_status st =
		    rs_fail(err, RS_ERR_IO, "%s: cannot create: %s", jobs_path, strerror(errno));
		free(tmp);
		return st;
	}
	rs_status st = RS_OK;
	*n_jobs = 0;
	for (size_t i = 0; i < rs_plan_runs(p) && st == RS_OK; i++) {
		if (skip && skip[i])
			continue;
		(*n_jobs)++;
		char **argv;
		int argc;
		st = rs_plan_job_argv(p, i, program, &argv, &argc, err);
		if (st != RS_OK)
			break;
		for (int a = 0; a < argc; a++) {
			if (a)
				fputc(' ', f);
			put_shell_word(f, argv[a]);
		}
		fputc('\n', f);
		rs_plan_argv_free(argv);
	}
	if (st != RS_OK) {
		fclose(f);
		unlink(tmp);
	} else {
		st = close_text(f, tmp, jobs_path, err);
	}
	free(tmp);
	return st;
}

static rs_status emit_sbatch(const rs_plan *p, const char *jobs_path, size_t n_jobs, rs_error *err)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return rs_fail(err, RS_ERR_IO, "cannot read the current folder: %s",
		               strerror(errno));
	char *path = plan_path(p->dir, RS_PLAN_SBATCH);
	char *tmp = path ? plan_path(p->dir, RS_PLAN_SBATCH ".tmp") : NULL;
	if (!tmp) {
		free(path);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	rs_status st = RS_OK;
	FILE *f = fopen(tmp, "w");
	if (!f) {
		st = rs_fail(err, RS_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	fputs("#!/bin/sh\n# jobs.sbatch - written by ratesim: a Slurm job array whose task N runs\n"
	      "# line N of the jobs file, from the folder the plan was made in.\n"
	      "#     sbatch ",
	      f);
	put_shell_word(f, path);
	fprintf(f, "\n# then, when every task has ended:\n#     ratesim collect ");
	put_shell_word(f, p->dir);
	fprintf(f,
	        "\n#SBATCH --job-name=ratesim\n#SBATCH --array=1-%zu\n#SBATCH --ntasks=1\n"
	        "#SBATCH --cpus-per-task=1\n#SBATCH --chdir=",
	        n_jobs);
	put_shell_word(f, cwd);
	fputs("\n#SBATCH --output=", f);
	put_shell_word(f, p->dir);
	fputs("/" PLAN_SLURM_LOG "\nline=$(sed -n \"${SLURM_ARRAY_TASK_ID}p\" ", f);
	put_shell_word(f, jobs_path);
	fputs(
	    ")\n[ -n \"$line\" ] || { echo \"no line $SLURM_ARRAY_TASK_ID in the jobs file\" >&2; "
	    "exit 1; }\nexec sh -c \"$line\"\n",
	    f);
	st = close_text(f, tmp, path, err);
out:
	free(path);
	free(tmp);
	return st;
}

rs_status rs_plan_emit(const rs_plan *p, const char *program, const char *jobs_path,
                       const bool *skip, size_t *n_jobs, rs_error *err)
{
	rs_status st = emit_jobs(p, program, jobs_path, skip, n_jobs, err);
	if (st == RS_OK)
		st = emit_sbatch(p, jobs_path, *n_jobs, err);
	return st;
}

void rs_plan_free(rs_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; p->groups && i < p->n_groups; i++) {
		free(p->groups[i].label);
		free(p->groups[i].file);
		for (size_t j = 0; p->groups[i].sets && j < p->groups[i].n_sets; j++)
			free(p->groups[i].sets[j]);
		free(p->groups[i].sets);
	}
	free(p->groups);
	free(p->kind);
	free(p->dir);
	free(p->extra_json);
	*p = (rs_plan){0};
}
