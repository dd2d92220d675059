/*
 * metrics_state.h - the state of the metrics (metrics.h), shared by its
 * four rooms: metrics.c (set-up and the hooks every event calls),
 * metrics_bucket.c (closing buckets and minutes: the time-series rows, the
 * provisioned figures, folding the run figures), metrics_read.c (the run
 * figures as readers see them) and metrics_due.c (successes known ahead,
 * waiting for their time).  Private to them: nothing else includes it.
 * Calls go one way, metrics_due.c -> metrics.c -> metrics_bucket.c:
 * metrics.c and metrics_read.c call metrics_bucket.c (metrics_flush_samples),
 * never the reverse; metrics_due.c holds the clock (rs_metrics_advance): it
 * settles the successes due in a bucket, through metrics.c's hook or
 * add_sample (below), and then has metrics_bucket.c close the bucket.
 *
 * Scope layout: [0] total, [1, 1+D) deployments, [1+D, 1+D+C) clients.  Each
 * hook touches at most three scopes (total, the client, the deployment).
 * Per hook O(1); per bucket close O(scopes x (the counts + the bins its
 * samples span, at most the histogram's)); per minute close O(deployments).
 *
 * What an event touches (issue 13: the per-request cost).  An event counts
 * in the bucket of its client and of its deployment only:
 *   - the total is its clients' sum (every hook that counts in the total
 *     counts the same in the event's client): its bucket's counts and
 *     histograms are summed from the clients' when the bucket closes
 *     (total_bucket), its run figures when they are read, its first 429 is
 *     its clients' first; only the run's sums (latency, TTFT, time to give
 *     up) are its own, added sample by sample in their order, since a mean
 *     summed in another order could differ in the last bit;
 *   - the run figures are folded from the bucket when it closes
 *     (fold_bucket): the counts less those of events before the warm-up
 *     (`pre`, counted beside the bucket's for such an event only), and the
 *     histograms merged (bins, count, min and max are exact under merging;
 *     the run's sums are the scope's, kept sample by sample).  A sample
 *     that stays out of the run (a request that arrived in the warm-up)
 *     switches its scope's bucket to direct (go_direct): the bucket's run
 *     samples so far are merged into the run's histograms at once, the
 *     rest are added as they come, and the close merges nothing;
 *   - readers (rs_metrics_run_counts, the quantiles) see the run so far
 *     plus the open bucket, at any time.
 * A success that counts in the run as it is waits, with its counts and
 * sums, in a batch of SAMPLES_MAX (metrics_flush_samples), added while the
 * histograms it goes to are in the cache; the batch is added before
 * anything reads or merges a bucket.  Without windows and warm-up, a
 * success costs a record, an attempt the two scopes' counts.  A success
 * known ahead (rs_metrics_on_success_due) waits in metrics_due.c until its
 * bucket closes, and is then added in the order of its time, as its
 * completion event would have added it.
 *
 * Provisioned figures: at each bucket close the deployment is sampled
 * (level, U, the peak since the last sample, running charge totals, which
 * are differenced into the bucket's charges); at each minute close the
 * meter's Utilization V2 of the minute that ended is read, and the minute's
 * offered normalised load is compared with the busiest so far.
 *
 * Windows (issue 11): window w keeps, for the total and each deployment, a
 * scope of its own whose run figures count by the window's [start, end)
 * instead of the warm-up, with the same rules (requests by their arrival,
 * attempts when made, tokens when served), event by event (not folded).
 * rs_metrics_window returns a view, an rs_metrics whose scopes are the
 * window's, so that every reader of run figures reads a window's
 * unchanged.  Cost: O(windows) per hook (one test without windows), three
 * histograms per window and scope (latency, TTFT, failed requests' time to
 * give up; the total's only for the last).
 */
#ifndef RATESIM_METRICS_STATE_H
#define RATESIM_METRICS_STATE_H

#include "ratesim/metrics.h"

#include "ratesim/hist.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ptu_track {
	/* previous running totals, to difference into bucket charges */
	double charged, actual, corrections, clipped;
	/* the running totals when the warm-up ended (at the end of the last
	 * bucket that started before it), so that the run figures exclude it */
	double warm_charged, warm_actual, warm_corrections, warm_clipped;
	/* run figures after warm-up */
	double util_sum;
	uint64_t util_n;
	double util_peak;
	double v2_sum, v2_max;
	uint64_t v2_n;
	double minute_load; /* normalised offered tokens in the current minute */
	double minute_load_max;
} ptu_track;

/* A scope.  The hot part first: what every event touches, the bucket's
 * counts, its histograms and the run's per-sample sums; the run figures
 * are folded from the bucket's when it closes (see the note above). */
typedef struct scope {
	/* line 0: the run's per-sample sums and the bucket's histograms */
	_Alignas(64) double lat_sum;
	double ttft_sum, fail_sum; /* the run's samples, summed in their order */
	rs_hist *lat_bucket, *ttft_bucket, *fail_bucket;
	bool direct; /* this bucket: run samples go to the run histograms as they come */
	/* lines 1 and 2: the counts every attempt and success touch (metrics.h) */
	_Alignas(64) rs_counts bucket;
	rs_counts pre;   /* counted in the bucket and not in the run (warm-up) */
	rs_counts run;   /* folded at each bucket close (a window's: counted as they come) */
	rs_counts shown; /* what rs_metrics_run_counts shows (run + the open bucket) */
	rs_hist *lat_run, *ttft_run, *fail_run;
	rs_scope_kind kind;
	const char *name;
	double tpm_limit, rpm_limit;
	bool provisioned;
	double output_ratio;
	ptu_track ptu;
	rs_dep_sample dep_smp;    /* deployments: the latest bucket-end sample */
	rs_client_sample cli_smp; /* clients: the same */
	rs_time first_throttled;  /* the first 429 at or after warm-up; INT64_MAX: none */
} scope;

/* A success on its way into its client's and deployment's bucket counts
 * and histograms and the run's sums (metrics_flush_samples): added in batches,
 * while those are in the cache, rather than one at a time between the
 * other rooms' work (issue 13: the histograms' adds missed the cache
 * nearly every time).  Only a success that counts in the run as it is,
 * and only while no scope takes its run's samples directly. */
typedef struct sample {
	double latency_ms, ttft_ms;
	uint32_t prompt_tokens, output_tokens;
	uint32_t client;
	uint32_t dep_flags; /* deployment << 2 | retried (not spilled) << 1 | spilled */
} sample;
#define SAMPLES_MAX 1024 /* 32 KB */

/* A success known ahead, waiting for its time (metrics_due.c): what
 * rs_metrics_on_success will be given then (dep_flags as in sample). */
typedef struct due_sample {
	rs_time done, arrived;
	double latency_ms, ttft_ms;
	int64_t prompt_tokens, output_tokens;
	uint32_t client, dep_flags;
} due_sample;

struct rs_metrics {
	rs_time warmup, end, bucket;
	rs_time bucket_start, bucket_end;
	int64_t minute; /* the minute in progress */
	size_t n_deployments, n_clients, n_scopes;
	rs_metrics_sink sink;
	scope *scopes;
	scope *client_scopes; /* scopes + 1 + n_deployments: the clients' (client_scope) */
	rs_router_figures *routers;
	size_t n_routers;
	/* windows: n_windows x (1 + n_deployments) scopes, and a view of each */
	size_t n_windows;
	rs_time *win_start, *win_end;
	scope *win;
	struct rs_metrics *views;
	bool view;       /* a window's view: its scopes count their run figures as they come */
	sample *samples; /* SAMPLES_MAX, n_samples of them waiting */
	size_t n_samples;
	size_t n_direct; /* scopes that take their run's samples directly (go_direct) */
	/* successes known ahead (metrics_due.c): n_due waiting, in the order
	 * given, all due at or after due_floor; room for due_cap (a power of
	 * two), and for as many in due_order and due_cap + 1 in due_count (a
	 * settle's scratch) */
	due_sample *due;
	uint32_t *due_order, *due_count;
	size_t n_due, due_cap;
	rs_time due_floor;
	bool settling;                    /* metrics_settle is adding them, in order */
	const struct rs_compute *compute; /* borrowed: the world's (issue 9) */
	const struct rs_batch *batch;     /* borrowed: the world's (issue 9) */
	rs_job_figures *jobs; /* per client, NULL until the world hands them (issue 9) */
};

/* ---- helpers ---- */
static inline rs_time min_time(rs_time a, rs_time b)
{
	return a < b ? a : b;
}

static inline scope *dep_scope(rs_metrics *m, size_t d)
{
	return &m->scopes[1 + d];
}

static inline scope *client_scope(rs_metrics *m, size_t c)
{
	return &m->client_scopes[c];
}

#define COUNT_WORDS (sizeof(rs_counts) / sizeof(uint64_t))
_Static_assert(sizeof(rs_counts) % sizeof(uint64_t) == 0, "rs_counts: uint64_t counts only");

/* to += a (- b, when b is given), word by word. */
static inline void counts_add(rs_counts *to, const rs_counts *a, const rs_counts *b)
{
	uint64_t *t = (uint64_t *)to;
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;
	for (size_t k = 0; k < COUNT_WORDS; k++)
		t[k] += x[k] - (y ? y[k] : 0);
}

/* A success's counts in c. */
static inline void count_success(rs_counts *c, uint64_t retried, uint64_t spilled,
                                 int64_t prompt_tokens, int64_t output_tokens)
{
	c->succeeded++;
	c->succeeded_spilled += spilled;
	c->succeeded_retried += retried;
	c->served++;
	c->prompt_tokens += (uint64_t)prompt_tokens;
	c->output_tokens += (uint64_t)output_tokens;
}

/* A success's sample in its client's and deployment's bucket counts and
 * histograms and in the run's sums (dep_flags as in sample): what
 * metrics_flush_samples does for each of its batch, and metrics_settle
 * for a success known ahead. */
__attribute__((always_inline)) static inline void
add_sample(rs_metrics *m, uint32_t client, uint32_t dep_flags, uint64_t prompt_tokens,
           uint64_t output_tokens, double latency_ms, double ttft_ms)
{
	scope *t = &m->scopes[0];
	scope *cl = client_scope(m, client), *dp = dep_scope(m, dep_flags >> 2);
	uint64_t retried = (dep_flags >> 1) & 1, spilled = dep_flags & 1;
	count_success(&cl->bucket, retried, spilled, (int64_t)prompt_tokens,
	              (int64_t)output_tokens);
	count_success(&dp->bucket, retried, spilled, (int64_t)prompt_tokens,
	              (int64_t)output_tokens);
	/* the run's sums, in the order the successes came */
	t->lat_sum += latency_ms;
	t->ttft_sum += ttft_ms;
	cl->lat_sum += latency_ms;
	cl->ttft_sum += ttft_ms;
	dp->lat_sum += latency_ms;
	dp->ttft_sum += ttft_ms;
	/* one histogram a call: with a count of 1 the compiler drops the loop,
	 * which it kept for 2 (issue 13) */
	size_t lat_bin = rs_hist_add_all(&cl->lat_bucket, 1, latency_ms);
	rs_hist_add_each(&dp->lat_bucket, 1, lat_bin, latency_ms);
	size_t ttft_bin = rs_hist_add_all(&cl->ttft_bucket, 1, ttft_ms);
	rs_hist_add_each(&dp->ttft_bucket, 1, ttft_bin, ttft_ms);
}

/* Add the waiting samples to their bucket histograms and counts
 * (metrics_bucket.c); before anything reads or merges a bucket. */
void metrics_flush_samples(rs_metrics *m);

/* Add the successes known ahead that are due before `before`, in the order
 * of their time (metrics_due.c); before their bucket closes. */
void metrics_settle(rs_metrics *m, rs_time before);

/* Close the open bucket (its rows through the sink, the run figures folded)
 * and the open minute of the provisioned deployments (metrics_bucket.c);
 * rs_metrics_advance calls them in time order. */
rs_status metrics_close_bucket(rs_metrics *m);
rs_status metrics_close_minute(rs_metrics *m);

#endif
