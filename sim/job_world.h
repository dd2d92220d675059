/*
 * job_world.h - the world's hooks into jobs and pipelines (sim/job.c;
 * what they mean is in include/ratesim/job.h).  Private to sim/.
 *
 * world.c builds the state (jobs_new, NULL when no client has a job, an
 * at_once arrival or a pipeline, so the other hooks cost one test),
 * registers the two pipeline events (jobs_wire), schedules a job's first
 * units (jobs_start) and hands the figures to the metrics at the end
 * (jobs_report); attempt.c asks at each arrival whether it starts a
 * pipeline (jobs_arrival), whether a pipeline's call still starts
 * (jobs_call_starts) and tells when a request ended (jobs_ended).  Calls
 * go one way: job.c never calls attempt.c; it asks for a pipeline's call
 * with an event (EV_PIPE_CALL) that attempt.c handles.
 */
#ifndef RATESIM_JOB_WORLD_H
#define RATESIM_JOB_WORLD_H

#include "inflight.h"

typedef struct rs_jobs rs_jobs;

/* OUT: w->jobs (NULL when no client needs it).  Errors: RS_ERR_NOMEM. */
rs_status jobs_new(rs_world *w, rs_error *err);
void jobs_free(rs_jobs *j); /* NULL does nothing */
void jobs_wire(rs_world *w);

/* Client i is a job: its first units are scheduled; returns false for
 * other clients (nothing done). */
bool jobs_start(rs_world *w, size_t i);

/* An arrival of `client` at now: when the client runs pipelines, one
 * starts (its first calls are sent) and true is returned; else false. */
bool jobs_arrival(rs_world *w, uint32_t client, rs_time now);

/* A PIPE_CALL of pipeline `pipe` - 1 is due: true when the call is to be
 * sent; false when the pipeline ended meanwhile (the call is dropped). */
bool jobs_call_starts(rs_world *w, uint32_t pipe);

/* Request `slot` ended now, in success (ok) or for good in failure. */
void jobs_ended(rs_world *w, uint32_t slot, rs_time now, bool ok);

/* Hand every client's figures to the metrics (rs_metrics_set_job). */
void jobs_report(rs_world *w);

#endif
