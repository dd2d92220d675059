/*
 * metrics.h - observers of what happened: counters and latency histograms
 * per scope (the total, each deployment, each client), per time bucket and
 * over the whole run.
 *
 * Metrics observe, they do not decide: the simulation calls the rs_metrics_on_*
 * hooks and never reads a metric back, so a run behaves the same whatever
 * is reported.  Memory does not grow with the run: a bucket's rows are
 * handed to a sink (the time-series writer) when the bucket closes, and the
 * histograms have a fixed size (hist.h).
 *
 * Warm-up (MODEL.md section 10): the run figures count requests that arrived
 * at or after warmup_s (their outcomes whenever they happen), attempts made
 * at or after it, and tokens served by completions at or after it.  So
 * offered = succeeded + failed + in_flight_end holds exactly for the run
 * figures.  Buckets count every event in them, warm-up included, by the
 * time it happened.
 */
#ifndef RATESIM_METRICS_H
#define RATESIM_METRICS_H

#include "ratesim/common.h"
#include "ratesim/config.h"
#include "ratesim/job.h"
#include "ratesim/meter.h"
#include "ratesim/refusal.h"

typedef struct rs_counts {
	/* The counts of every attempt and success first (two cache lines in
	 * the metrics' scopes, metrics_state.h), the rarer after; readers use
	 * the names only. */
	uint64_t attempts;          /* attempts sent (first tries and retries) */
	uint64_t ok;                /* attempts admitted and served */
	uint64_t throttled;         /* attempts answered 429 */
	uint64_t errors;            /* attempts answered with another error (5xx) */
	uint64_t retries;           /* attempts that were not a request's first */
	uint64_t spilled;           /* attempts served by a spillover deployment */
	uint64_t succeeded;         /* requests that ended in success */
	uint64_t served;            /* attempts that completed successfully (throughput) */
	uint64_t prompt_tokens;     /* prompt tokens of served attempts */
	uint64_t output_tokens;     /* completion tokens of served attempts */
	uint64_t succeeded_retried; /* succeeded after a 429, not through spillover */
	uint64_t succeeded_spilled; /* succeeded through a spillover deployment */
	uint64_t offered;           /* requests that arrived */
	/* deployment: the load its clients sent it (first attempts), for sizing */
	uint64_t offered_prompt_tokens, offered_cached_tokens, offered_output_tokens;
	uint64_t failed;           /* requests that ended in failure (gave up) */
	uint64_t spilled_out;      /* deployment: refusals passed on and served by its spillover */
	uint64_t router_retries;   /* extra backends a router tried within one client attempt */
	uint64_t timeouts;         /* attempts the client stopped waiting for */
	uint64_t rejected_locally; /* attempts refused before sending (throttling, controls) */
	uint64_t retries_denied;   /* retries refused by the budget, the ratio or the deadline */
	uint64_t hedges_sent;      /* hedged attempts sent (client and total; hedge.c) */
	uint64_t hedges_won;       /* ... that completed first and answered the request */
	/* Refusals by who refused (refusal.h; issue 9 part 3), indexed by
	 * rs_refuser: throttled = service + gateway + router in every scope,
	 * and refused_by[RS_BY_CLIENT] = rejected_locally (refused before
	 * sending: not an attempt, not in the 429 rate); [RS_BY_NONE] is 0. */
	uint64_t refused_by[RS_BY_COUNT];
} rs_counts;

typedef enum rs_scope_kind { RS_SCOPE_TOTAL, RS_SCOPE_DEPLOYMENT, RS_SCOPE_CLIENT } rs_scope_kind;

const char *rs_scope_kind_name(rs_scope_kind k);

/* One row of the time series: a bucket of one scope. Percentiles are NaN
 * where there was no sample; meter figures are NaN outside deployments. */
typedef struct rs_ts_row {
	double t_s;      /* bucket start */
	double length_s; /* bucket length (the last one may be shorter) */
	rs_scope_kind kind;
	const char *name;
	const rs_counts *c;
	double latency_p50_ms, latency_p95_ms, latency_p99_ms;
	double ttft_p50_ms, ttft_p95_ms, ttft_p99_ms;
	double tpm_limit, rpm_limit;
	rs_meter_state meter;
	/* provisioned deployments only, else NaN: the highest U in the bucket,
	 * and what the meter was charged in it (normalised tokens) */
	double peak_utilisation;
	double charged, actual, corrections, clipped;
	/* issue 10: time to give up of the requests failing in the bucket
	 * (total and client rows; NaN without a sample) */
	double failed_latency_p50_ms, failed_latency_p95_ms, failed_latency_p99_ms;
	/* at the bucket's end: deployment rows (total: their sum), attempts the
	 * clients abandoned that the service still runs; client rows, the retry
	 * budget's tokens and adaptive throttling's probability (NaN when the
	 * client has none), and its own queue (total: the sum); else NaN */
	double abandoned_running, budget_tokens, throttle_p, queue_len;
} rs_ts_row;

/* What the time series reads of a deployment at a bucket's end.  The
 * provisioned figures are running totals (NaN for standard deployments). */
typedef struct rs_dep_sample {
	rs_meter_state meter;
	double peak_utilisation; /* highest U since the previous sample */
	double charged, actual, corrections, clipped;
	double limit_scale;       /* a degrade fault's factor on the limits in force (1: none) */
	double abandoned_running; /* attempts the clients abandoned that it still runs */
} rs_dep_sample;

/* What the time series reads of a client at a bucket's end (issue 10
 * part 3): NaN where the client has no such control. */
typedef struct rs_client_sample {
	double budget_tokens; /* the retry budget's tokens left */
	double throttle_p;    /* adaptive client-side throttling's probability now */
	double queue_len;     /* requests in its own queue (concurrency cap) */
} rs_client_sample;

/* One minute of one provisioned deployment: the service's per-minute
 * "Provisioned-Managed Utilization V2" (MODEL.md section 5). */
typedef struct rs_minute_row {
	int64_t minute; /* index: the minute [60 m, 60 (m + 1)) s */
	const char *name;
	double utilization_v2;
	double utilisation_end; /* U at the minute's end */
} rs_minute_row;

typedef struct rs_metrics_sink {
	/* Called once per scope when a bucket closes, total first. */
	rs_status (*row)(void *ctx, const rs_ts_row *row);
	/* Sample deployment d at `now`.  take_peak: a bucket's end, when the
	 * peak since the previous bucket is read and restarted. */
	void (*sample)(void *ctx, size_t d, rs_time now, bool take_peak, rs_dep_sample *out);
	/* Sample client c at a bucket's end (optional). */
	void (*client_sample)(void *ctx, size_t c, rs_time now, rs_client_sample *out);
	/* Utilization V2 of provisioned deployment d for a minute that ended. */
	double (*minute_v2)(void *ctx, size_t d, int64_t minute);
	/* A closed minute row (optional). */
	rs_status (*minute_row)(void *ctx, const rs_minute_row *row);
	void *ctx;
} rs_metrics_sink;

typedef struct rs_metrics rs_metrics;

typedef struct rs_metrics_setup {
	size_t n_deployments, n_clients, n_routers;
	const char *const *deployment_names; /* borrowed for the metrics' lifetime */
	const char *const *client_names;
	const double *tpm_limits, *rpm_limits; /* per deployment, borrowed */
	const bool *provisioned;               /* per deployment, borrowed */
	const double *output_ratios;           /* per deployment (provisioned sizing), borrowed */
	rs_time warmup, end, bucket;
	rs_metrics_sink sink;
	/* windows of figures [start_s, end_s) (issue 11), borrowed for the
	 * call only; n_windows 0: none */
	const rs_window_cfg *windows;
	size_t n_windows;
} rs_metrics_setup;

/* NULL when out of memory. */
rs_metrics *rs_metrics_new(const rs_metrics_setup *s);
void rs_metrics_free(rs_metrics *m);

/* Close every bucket that ends at or before `now` (call before handling an
 * event at `now`; and with the run's end to flush).  Returns the sink's error. */
rs_status rs_metrics_advance(rs_metrics *m, rs_time now);
/* The time at which rs_metrics_advance next has anything to close: callers
 * may skip it for events before then. */
rs_time rs_metrics_next_due(const rs_metrics *m);

/* Hooks.  arrived: the request's arrival time (decides warm-up counting). */
void rs_metrics_on_offered(rs_metrics *m, rs_time now, size_t client);
/* tokens: the request's prompt, cached and output tokens (a first attempt
 * adds them to the deployment's offered load). */
typedef struct rs_tokens {
	int64_t prompt, cached, output;
} rs_tokens;
void rs_metrics_on_attempt(rs_metrics *m, rs_time now, size_t client, size_t deployment,
                           bool admitted, bool is_retry, bool spilled, const rs_tokens *tokens);
/* An attempt as one deployment saw it, when the client's attempt was
 * passed on (spillover): counted in that deployment's scope only. */
void rs_metrics_on_backend_attempt(rs_metrics *m, rs_time now, size_t deployment, bool admitted,
                                   bool passed_on, bool is_retry, const rs_tokens *tokens);

/* How a deployment (or the way to it) answered an attempt. */
typedef enum rs_answer {
	RS_ANS_OK,        /* admitted */
	RS_ANS_THROTTLED, /* 429 */
	RS_ANS_ERROR,     /* 5xx (a fault) */
	RS_ANS_HANG,      /* no answer (a hanging fault): the client's timeout decides */
} rs_answer;

/* The general form of rs_metrics_on_attempt: the client's attempt (total,
 * client and the answering deployment's scopes), with its answer and the
 * number of extra backends a router tried for it.  deployment may be
 * SIZE_MAX when no deployment answered (a router with every backend down). */
void rs_metrics_on_attempt_answer(rs_metrics *m, rs_time now, size_t client, size_t deployment,
                                  rs_answer answer, bool is_retry, bool spilled,
                                  unsigned router_retries, const rs_tokens *tokens);
/* The same, saying who refused a THROTTLED answer (refusal.h).  The form
 * above takes the refuser from the deployment: the service when there is
 * one, else the router (a fail-fast 429 with no backend). */
void rs_metrics_on_attempt_answer_by(rs_metrics *m, rs_time now, size_t client, size_t deployment,
                                     rs_answer answer, rs_refuser by, bool is_retry, bool spilled,
                                     unsigned router_retries, const rs_tokens *tokens);
/* A deployment that saw the attempt but did not give the client its
 * answer (a router went on to another backend, or spillover). */
void rs_metrics_on_deployment_answer(rs_metrics *m, rs_time now, size_t deployment,
                                     rs_answer answer, bool passed_on, bool is_retry,
                                     const rs_tokens *tokens);
/* The client stopped waiting for an attempt / refused one locally / was
 * denied a retry by its budget, ratio or deadline. */
void rs_metrics_on_timeout(rs_metrics *m, rs_time now, size_t client);
void rs_metrics_on_rejected_locally(rs_metrics *m, rs_time now, size_t client);
void rs_metrics_on_retry_denied(rs_metrics *m, rs_time now, size_t client);
/* A hedge (hedge.c) was sent and answered: an attempt of its client and
 * of the deployment that answered (SIZE_MAX: none), not a retry, with no
 * offered load (a 429 counted by who refused it, as
 * rs_metrics_on_attempt_answer_by does); and a hedge sent.  Then, when it completes first, a hedge
 * won (a hedge is won at most once: won <= sent). */
void rs_metrics_on_hedge(rs_metrics *m, rs_time now, size_t client, size_t deployment,
                         rs_answer answer, rs_refuser by, unsigned router_retries);
void rs_metrics_on_hedge_won(rs_metrics *m, rs_time now, size_t client);
void rs_metrics_on_success(rs_metrics *m, rs_time now, rs_time arrived, size_t client,
                           size_t deployment, double latency_ms, double ttft_ms,
                           int64_t prompt_tokens, int64_t output_tokens, bool retried,
                           bool spilled);
void rs_metrics_on_failed(rs_metrics *m, rs_time now, rs_time arrived, size_t client);

/* A success known when its attempt is admitted at `now` (issue 13): the
 * attempt will complete at `done` (>= now, before the run's end) and
 * nothing else happens then, so the caller schedules no event for it.  It
 * is added by rs_metrics_on_success at `done`'s turn: before the bucket
 * holding `done` closes (rs_metrics_advance), in the order of the times,
 * and at equal times in the order given, which is the order completion
 * events would have run in.  A run gives every success this way or every
 * one at once (rs_metrics_on_success), never both.  False when out of
 * memory. */
bool rs_metrics_on_success_due(rs_metrics *m, rs_time now, rs_time done, rs_time arrived,
                               size_t client, size_t deployment, double latency_ms, double ttft_ms,
                               int64_t prompt_tokens, int64_t output_tokens, bool retried,
                               bool spilled);
/* Add the successes known ahead that are due before `before` (>= the
 * time of the last event run): for a reader between events, which then
 * sees what the completion events would have added. */
void rs_metrics_settle(rs_metrics *m, rs_time before);
/* The latest time of a success known ahead not yet added (INT64_MIN:
 * none), for a caller that must close the buckets before it first. */
rs_time rs_metrics_due_last(const rs_metrics *m);

/* The split of c's refusals for a one-line summary: " (service 100,
 * gateway 20)", the parties that refused in refusal.h's order; "" when at
 * most one party refused (OUT: buf, cut to size). */
#define RS_REFUSAL_TEXT_MAX 160
void rs_metrics_refusal_text(const rs_counts *c, char *buf, size_t size);

/* Run figures of scope i: 0 is the total, 1..D the deployments, then the
 * clients.  OUT: counts and the requests' latency/TTFT quantiles (q in (0,1]).
 * The counts are the figures as of the call (valid until the next call for
 * the same scope): read them again after more events. */
size_t rs_metrics_n_scopes(const rs_metrics *m);
const rs_counts *rs_metrics_run_counts(const rs_metrics *m, size_t scope);
double rs_metrics_latency_quantile(const rs_metrics *m, size_t scope, double q);
/* The time of scope i's first attempt answered 429 at or after warm-up, or
 * -1 when there was none (the total and a client: answers clients got; a
 * deployment: its own refusals, passed on to its spillover or not). */
rs_time rs_metrics_first_throttled(const rs_metrics *m, size_t scope);
double rs_metrics_latency_max(const rs_metrics *m, size_t scope);
double rs_metrics_latency_mean(const rs_metrics *m, size_t scope);
double rs_metrics_ttft_quantile(const rs_metrics *m, size_t scope, double q);
/* Time to give up of the failed requests (arrival to the client's last
 * decision) of scope i (the total and clients; NaN elsewhere or without a
 * sample): quantile, max and mean, ms. */
double rs_metrics_failed_quantile(const rs_metrics *m, size_t scope, double q);
double rs_metrics_failed_max(const rs_metrics *m, size_t scope);
double rs_metrics_failed_mean(const rs_metrics *m, size_t scope);

/* Windows (issue 11): the figures of window w as a view, an rs_metrics
 * (borrowed, valid while m is) whose run figures are the window's: scope 0
 * the total, 1..D the deployments (no clients: rs_metrics_n_scopes says
 * 1 + D).  Requests count by arrival in the window (their outcomes
 * whenever they happen), attempts by when they were made, tokens by when
 * they were served; warm-up does not apply.  Only counts, latency and
 * TTFT: the view has no provisioned meter figures (rs_metrics_ptu_run)
 * and no router figures. */
size_t rs_metrics_n_windows(const rs_metrics *m);
const rs_metrics *rs_metrics_window(const rs_metrics *m, size_t w);

/* Provisioned deployment d over the run after warm-up: bucket-end
 * utilisation mean, highest U seen, per-minute V2 mean and max, the
 * busiest minute's offered normalised load (tokens per minute), and the
 * meter's tokens (charged at admission, actual, corrections, clipped)
 * from the end of the warm-up to the end of the run. */
typedef struct rs_ptu_run {
	double utilisation_mean, utilisation_peak;
	double v2_mean, v2_max;
	double peak_minute_normalised_tpm;
	double charged, actual, corrections, clipped;
} rs_ptu_run;
void rs_metrics_ptu_run(const rs_metrics *m, size_t d, rs_ptu_run *out);

/* What a router did over the run (handed over by the world at the end). */
typedef struct rs_router_figures {
	uint64_t picks, cooldowns, breaker_trips, all_down;
} rs_router_figures;
void rs_metrics_set_router(rs_metrics *m, size_t k, const rs_router_figures *f);
/* OUT: router k's figures (zeros before rs_metrics_set_router). */
void rs_metrics_router(const rs_metrics *m, size_t k, rs_router_figures *out);
/* The compute tiers of the run (compute.h; issue 9), for the summary:
 * borrowed, owned by the world like the metrics; NULL: none. */
struct rs_compute;
void rs_metrics_set_compute(rs_metrics *m, const struct rs_compute *c);
const struct rs_compute *rs_metrics_compute(const rs_metrics *m);
/* The same for the global batch deployments (batch.h). */
struct rs_batch;
void rs_metrics_set_batch(rs_metrics *m, const struct rs_batch *b);
const struct rs_batch *rs_metrics_batch(const rs_metrics *m);

/* A job's or a pipeline client's figures (issue 9, job.h), handed over by
 * the world at the end; false when out of memory.  rs_metrics_job: NULL for
 * a client that has none. */
bool rs_metrics_set_job(rs_metrics *m, size_t client, const rs_job_figures *f);
const rs_job_figures *rs_metrics_job(const rs_metrics *m, size_t client);

/* The latency histogram of the whole run (scope 0), for the CDF chart:
 * calls fn(ctx, upper_edge_ms, cumulative_fraction) for each non-empty bin. */
void rs_metrics_latency_cdf(const rs_metrics *m, size_t scope,
                            void (*fn)(void *ctx, double ms, double fraction), void *ctx);

#endif
