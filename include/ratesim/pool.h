/*
 * pool.h - the built-in worker pool: run n jobs in child processes, at most
 * `workers` at a time, on one machine.
 *
 * Each job runs in a fork()ed child that calls fn(i, ctx) and exits with
 * its return value, so a job has its own memory and a crash stays in it.
 * Jobs start in index order; they may finish in any order, which is why
 * nothing a job computes is read back from memory: the decision layer
 * reads the jobs' folders afterwards (plan.h), in plan order, so results
 * do not depend on the number of workers or on timing.
 *
 * After the first failed job no new job starts (the ones running are
 * waited for): a bad scenario fails every run alike, and the user wants
 * the message, not N copies of it.
 */
#ifndef RATESIM_POOL_H
#define RATESIM_POOL_H

#include <stddef.h>

#include "ratesim/common.h"

/* What a job does in its child; returns the child's exit code (0: ok). */
typedef int (*rs_pool_fn)(size_t i, void *ctx);

/* Progress: called in the parent after each job ends (may be NULL). */
typedef void (*rs_pool_done_fn)(void *ctx, size_t done, size_t n);

/* The number of online processors (at least 1): the default of -j. */
size_t rs_pool_default_workers(void);

/* Run jobs 0..n-1.  skip (may be NULL): jobs with skip[i] true are not run
 * (already done).  OUT: *failed (the number of jobs that failed or were
 * not started because of an earlier failure) and *first_failed (the index
 * of the first failure, when *failed > 0).
 * Errors: RS_ERR_IO when fork or wait fails (the message says why). */
rs_status rs_pool_run(size_t n, size_t workers, const bool *skip, rs_pool_fn fn, void *ctx,
                      rs_pool_done_fn done, void *done_ctx, size_t *failed, size_t *first_failed,
                      rs_error *err);

#endif
