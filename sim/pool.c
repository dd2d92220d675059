/*
 * pool.c - fork-per-job worker pool (pool.h).
 *
 * The parent keeps at most `workers` children; waitpid(-1) reaps whichever
 * ends first, and the pid table maps it back to its job.  stdio is flushed
 * before each fork so no buffered output is written twice, and a child
 * leaves with _exit after flushing its own, so it runs no atexit handler
 * of the parent's.
 */
#include "ratesim/pool.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The exit status a child reports when it was killed (as a shell would). */
#define POOL_SIGNAL_BASE 128

size_t rs_pool_default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

/* Wait for one child; OUT: its slot in pids and its exit code. */
static rs_status reap(pid_t *pids, size_t workers, size_t *slot, int *code, rs_error *err)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return rs_fail(err, RS_ERR_IO, "waiting for a worker: %s", strerror(errno));
		}
		for (size_t s = 0; s < workers; s++) {
			if (pids[s] == pid) {
				*slot = s;
				*code = WIFEXITED(status)     ? WEXITSTATUS(status)
				        : WIFSIGNALED(status) ? POOL_SIGNAL_BASE + WTERMSIG(status)
				                              : 1;
				return RS_OK;
			}
		}
		/* not one of ours (cannot happen: the pool is the only forker) */
	}
}

rs_status rs_pool_run(size_t n, size_t workers, const bool *skip, rs_pool_fn fn, void *ctx,
                      rs_pool_done_fn done, void *done_ctx, size_t *failed, size_t *first_failed,
                      rs_error *err)
{
	*failed = 0;
	*first_failed = 0;
	if (workers < 1)
		workers = 1;
	pid_t *pids = rs_calloc(workers, sizeof *pids);
	size_t *job_of = rs_calloc(workers, sizeof *job_of);
	if (!pids || !job_of) {
		free(pids);
		free(job_of);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	size_t todo = 0;
	for (size_t i = 0; i < n; i++)
		todo += !(skip && skip[i]);
	size_t next = 0, running = 0, ended = 0;
	bool stop = false;
	rs_status st = RS_OK;
	while (st == RS_OK && (running > 0 || (!stop && next < n))) {
		while (!stop && running < workers && next < n) {
			size_t i = next++;
			if (skip && skip[i])
				continue;
			size_t s = 0;
			while (pids[s] != 0)
				s++;
			fflush(NULL);
			pid_t pid = fork();
			if (pid < 0) {
				st = rs_fail(err, RS_ERR_IO, "cannot start a worker: %s",
				             strerror(errno));
				stop = true;
				break;
			}
			if (pid == 0) {
				int rc = fn(i, ctx);
				fflush(NULL);
				_exit(rc);
			}
			pids[s] = pid;
			job_of[s] = i;
			running++;
		}
		if (running == 0)
			break;
		size_t slot = 0;
		int code = 0;
		rs_status rs = reap(pids, workers, &slot, &code, err);
		if (rs != RS_OK) {
			st = rs;
			break;
		}
		pids[slot] = 0;
		running--;
		ended++;
		if (code != 0) {
			if (*failed == 0 || job_of[slot] < *first_failed)
				*first_failed = job_of[slot];
			(*failed)++;
			stop = true;
		}
		if (done)
			done(done_ctx, ended, todo);
	}
	if (stop && st == RS_OK)
		for (size_t i = next; i < n; i++)
			*failed += !(skip && skip[i]);
	free(pids);
	free(job_of);
	return st;
}
