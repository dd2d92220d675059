/*
 * plan.h - what a decision asks to run: groups of identical runs
 * (a scenario and its --set overrides) times replications.
 *
 * `run -r N`, `compare`, `sweep` and `size` all reduce to a plan: a list of
 * groups (the one scenario; each candidate; each sweep point; each size
 * tried), each run R times with the seeds below, each run into its own
 * folder.  The plan is written as DIR/plan.json before anything runs, so
 * that the same folders can come from the built-in worker pool, from GNU
 * parallel or from a Slurm job array (the jobs file), and `ratesim collect
 * DIR` can rebuild every result from the folders alone.  A run never knows
 * it is part of a plan: it is an ordinary `ratesim run` with --seed,
 * --replication, --set and -o (rs_plan_job_argv).
 *
 * Seeds (common random numbers): replication k (1..R) of every group runs
 * with seed rs_plan_seed(base, k), base being the --seed given or else the
 * first scenario's seed.  Every random stream of a run is seeded from
 * (seed, purpose, entity name) (rng.h), so replication k of two candidates
 * with the same clients draws the same arrivals and request sizes, and
 * their difference is paired.  Seeds are below 10^15, so that every JSON
 * reader and writer holds them exactly.
 *
 * Folders: DIR/GROUP/rep-K for a plan of several groups, DIR/rep-K for a
 * plan of one unlabelled group (run -r).
 */
#ifndef RATESIM_PLAN_H
#define RATESIM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ratesim/common.h"

#define RS_PLAN_FILE    "plan.json"
#define RS_PLAN_JOBS    "jobs.txt" /* default name of the jobs file */
#define RS_PLAN_SBATCH  "jobs.sbatch"
#define RS_PLAN_MAX_REP 100000 /* replications of one group */

typedef struct rs_plan_group {
	char *label; /* folder under DIR; "" for the single group of run -r */
	char *file;  /* the scenario file, as given on the command line */
	char **sets; /* --set assignments of this group, in order */
	size_t n_sets;
} rs_plan_group;

typedef struct rs_plan {
	char *kind;          /* "replicate", "compare", "sweep" or "size" */
	char *dir;           /* the plan's folder, as given */
	uint64_t base_seed;  /* replication k runs with rs_plan_seed(base_seed, k) */
	size_t replications; /* R >= 1 */
	bool log_requests;   /* runs also write requests.csv */
	bool run_charts;     /* each run draws its own charts */
	rs_plan_group *groups;
	size_t n_groups;
	/* What collect needs to conclude, as JSON text (kind-specific: the
	 * sweep's axes, the size search's parameter and targets); may be NULL. */
	char *extra_json;
} rs_plan;

/* Seed of replication k (1-based) from base: splitmix64(splitmix64(base)
 * + k) modulo 10^15.  Hashing the base first keeps plans of neighbouring
 * base seeds apart (base b, replication k + 1 is not base b + 1,
 * replication k). */
uint64_t rs_plan_seed(uint64_t base, size_t k);

/* Add a group (strings copied).  Errors: RS_ERR_NOMEM. */
rs_status rs_plan_add_group(rs_plan *p, const char *label, const char *file,
                            const char *const *sets, size_t n_sets, rs_error *err);

/* Number of runs: groups x replications; run i is group i / R,
 * replication i % R + 1. */
size_t rs_plan_runs(const rs_plan *p);

/* The folder of run i (a new string "DIR/GROUP/rep-K"); NULL on no memory. */
char *rs_plan_run_dir(const rs_plan *p, size_t i);

/* The argv of run i: PROGRAM run FILE --seed S --replication K [--set A]...
 * --quiet [--no-charts] [--log-requests] -o DIR.  OUT: *argv (NULL
 * terminated) and *argc; free with rs_plan_argv_free.  Errors: NOMEM. */
rs_status rs_plan_job_argv(const rs_plan *p, size_t i, const char *program, char ***argv, int *argc,
                           rs_error *err);
void rs_plan_argv_free(char **argv);

/* Write DIR/plan.json.  Errors: RS_ERR_IO naming the file, RS_ERR_NOMEM. */
rs_status rs_plan_write(const rs_plan *p, rs_error *err);

/* Read DIR/plan.json into *p (zeroed first).  Errors: RS_ERR_IO (missing:
 * "DIR: not a ratesim plan folder (no plan.json)"), RS_ERR_SYNTAX naming
 * the key, RS_ERR_NOMEM. */
rs_status rs_plan_read(const char *dir, rs_plan *p, rs_error *err);

/* Write the jobs file (one shell-quoted command per line, in plan order,
 * leaving out the runs with skip[i] true; skip may be NULL) to
 * `jobs_path`, and DIR/jobs.sbatch, a Slurm job array running line
 * $SLURM_ARRAY_TASK_ID of it from the current folder.  OUT: *n_jobs, the
 * lines written.  Errors: RS_ERR_IO, RS_ERR_NOMEM. */
rs_status rs_plan_emit(const rs_plan *p, const char *program, const char *jobs_path,
                       const bool *skip, size_t *n_jobs, rs_error *err);

void rs_plan_free(rs_plan *p); /* frees the members, not p */

#endif
