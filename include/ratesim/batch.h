/*
 * batch.h - global batch deployments (issue 9 part 4; MODEL.md section 7,
 * seed 001).
 *
 * Seed 001: "Global Batch ... processes asynchronous groups of requests with
 * a separate quota, a 24-hour target turnaround, at 50% less cost than
 * Global Standard.  Instead of sending one request at a time, a batch sends
 * many requests in one file.  Global batch requests have a separate
 * enqueued-token quota, which avoids disturbing online workloads."
 *
 * The model.  A batch deployment ("global_batch" in a scenario) receives jobs: a
 * job is a file of N requests, each with its prompt and output tokens, from
 * the deployment's job source (constant or Poisson submissions).  The
 * enqueued-token quota belongs to (subscription, model), shared by every
 * batch deployment of that pair: a job's input tokens (the sum of its
 * requests' prompt tokens) count from its submission until it ends.  A job
 * that would take the pool above its quota is refused at submission
 * (token_limit_exceeded); one that fits exactly is accepted.  An accepted
 * job's turnaround T is drawn from turnaround_s; a job with T <= target_s
 * completes at submission + T with all its requests; one with T > target_s
 * expires at submission + target_s, having completed the share target_s / T
 * of its requests (floor: the first of them in file order; the service
 * bills what it completed and cancels the rest).  Its tokens leave the pool
 * when it ends.  Batch traffic does not touch the online deployments'
 * meters (its quota is separate).
 *
 * Cost: the completed requests' tokens at price_factor (0.5, seed 001)
 * times the model's global standard prices; billed when the job ends, after
 * warm-up.  Events at one time run in the order they were scheduled: a job
 * ending at the time another is submitted frees its tokens first only when
 * it was scheduled first.
 *
 * Randomness: each deployment draws its submission times from its own
 * stream (seed, "batch.arrival", its name) and its jobs from another
 * (seed, "batch.jobs", its name); per job: the request count, the
 * turnaround, then each request's prompt and output tokens (a refused job
 * draws them too, so that the next job's draws do not depend on the quota).  A
 * scenario without batch deployments draws nothing and schedules nothing.
 *
 * Cost of the model: O(N) per job (its requests' tokens are drawn), O(jobs
 * in flight) memory.
 */
#ifndef RATESIM_BATCH_H
#define RATESIM_BATCH_H

#include "ratesim/config.h"
#include "ratesim/engine.h"

struct cJSON;

/* Bounds (the loader's): a job holds at most 100,000 requests (the
 * service's limit on a batch file), and a run submits at most this many
 * jobs per deployment. */
#define RS_MAX_BATCH_REQUESTS 100000
#define RS_MAX_BATCH_JOBS     1000000.0
#define RS_MAX_ENQUEUED       1e15

/* Defaults (scenarios/README.md, "global_batch"). */
#define RS_DEFAULT_BATCH_TARGET_S     86400.0 /* the 24-hour target turnaround (seed 001) */
#define RS_DEFAULT_BATCH_PRICE_FACTOR 0.5     /* half the global standard price (seed 001) */
#define RS_DEFAULT_BATCH_START_S      0.0     /* the first job at the start of the run */

typedef struct rs_batch_cfg {
	char *name;
	char *subscription;
	int model; /* into rs_config.models */
	int64_t enqueued_tokens;
	rs_dist_cfg turnaround_s; /* fixed, uniform or lognormal, whole seconds */
	double target_s;
	double price_factor;
	/* the job source */
	bool poisson;         /* Poisson submissions of mean gap every_s, else every every_s */
	double every_s;       /* the (mean) time between two submissions */
	double start_s;       /* the first submission (constant), or where gaps start (Poisson) */
	rs_dist_cfg requests; /* per job, >= 1 */
	rs_dist_cfg prompt_tokens; /* per request */
	rs_dist_cfg output_tokens; /* per request */
} rs_batch_cfg;

/* Free what the n deployments own, and the array.  NULL does nothing. */
void rs_batch_cfg_free(rs_batch_cfg *b, size_t n);

/* The engine event types the batch deployments schedule on. */
typedef struct rs_batch_events {
	uint32_t submit; /* a deployment's job source submits a job */
	uint32_t end;    /* a job completes or expires */
} rs_batch_events;

typedef struct rs_batch rs_batch;

/* The batch deployments of cfg (borrowed), their handlers registered on eng
 * and the first submissions scheduled.  OUT: *out, NULL when cfg has none.
 * Errors: RS_ERR_NOMEM. */
rs_status rs_batch_new(rs_engine *eng, const rs_batch_events *ev, const rs_config *cfg, rs_time end,
                       rs_batch **out);
void rs_batch_free(rs_batch *b); /* NULL does nothing */

/* The figures of deployment k over the run after warm-up: jobs submitted
 * at or after it, and jobs ending at or after it for what ended. */
typedef struct rs_batch_figures {
	uint64_t submitted, accepted, refused; /* refused: token_limit_exceeded */
	uint64_t completed, expired;           /* jobs that ended in the run */
	uint64_t requests_completed;           /* requests of ended jobs that were served */
	uint64_t input_tokens, output_tokens;  /* their tokens (billed) */
	double turnaround_p50_h, turnaround_p95_h, turnaround_p99_h, turnaround_max_h;
	double cost_usd;
	double peak_enqueued; /* the most tokens its pool held at once (whole run) */
} rs_batch_figures;

size_t rs_batch_count(const rs_batch *b); /* 0 for NULL */
void rs_batch_figures_get(const rs_batch *b, size_t k, rs_batch_figures *out);

/* Add "global_batch": [one object per deployment] to summary (docs/outputs.md); b
 * may be NULL (nothing added).  Returns false when out of memory. */
bool rs_batch_summary(const rs_config *cfg, const rs_batch *b, struct cJSON *summary);

#endif
