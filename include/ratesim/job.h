/*
 * job.h - finite jobs and deadline pipelines (issue 9, seed 004): what a
 * run reports of them.  The run side is private to the world (sim/job.c,
 * sim/job_world.h); the model is in docs/model.md ("Jobs and pipelines").
 *
 * A job client (arrival "job") starts `requests` units at start_s, at most
 * `concurrency` at a time: a unit starts when another ends, as a batch
 * script does with a semaphore around each call (the SDK's retries happen
 * inside the call, so a unit holds its place through its retries); with a
 * trace file, its units are the rows, each once and in order.  An
 * at_once client starts all of its `requests` at start_s.  A unit is one
 * request, or one pipeline when the client has one.  Their figures: units
 * started, succeeded, failed, the makespan (start_s to the end of the last
 * unit, when every unit ended in the run) and, per request, the time it
 * waited before its last attempt was sent (its retry waits and the failed
 * attempts' own time, plus any time in the client's queue).
 *
 * A pipeline client runs one pipeline per unit or arrival: its steps in
 * order, step k's calls at most `parallelism` at once; the next step starts
 * when every call of the step succeeded.  It fails at its deadline (a call
 * still out at deadline_s after the start: the deadline comes first when
 * both fall on the same microsecond) or when one call fails for good
 * (after its retries; counted as failed_429 when its last answer was a
 * 429, else failed_other).  A failed pipeline starts no new call; the calls
 * it has out run on to their own end, retries included, as the code of a
 * custom skill does after the indexer stopped waiting for it.
 *
 * Figures are over the whole run (warm-up included), in fixed memory
 * (hist.h: percentiles within 1%).
 */
#ifndef RATESIM_JOB_H
#define RATESIM_JOB_H

#include "ratesim/common.h"
#include "ratesim/config.h"

struct cJSON;

typedef struct rs_job_figures {
	/* a job or at_once client */
	bool job;
	uint64_t units, started, succeeded, failed;             /* units: the arrival's requests */
	bool done;                                              /* every unit ended in the run */
	double makespan_s;                                      /* NaN unless done */
	double wait_mean_s, wait_p50_s, wait_p99_s, wait_max_s; /* NaN without requests */
	/* a pipeline client */
	bool pipeline;
	uint64_t pipelines, pipe_succeeded, pipe_failed_deadline, pipe_failed_429,
	    pipe_failed_other;
	double pipe_p50_s, pipe_p90_s, pipe_p99_s, pipe_max_s; /* succeeded ones; NaN: none */
	/* by the hour of the day of their start (the run starts at midnight) */
	uint64_t hour_started[RS_HOURS_PER_DAY], hour_failed[RS_HOURS_PER_DAY];
} rs_job_figures;

/* Add "job" and/or "pipeline" objects to a client's summary object o
 * (docs/outputs.md).  Returns false when out of memory. */
bool rs_job_figures_json(const rs_job_figures *f, struct cJSON *o);

#endif
