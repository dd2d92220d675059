/*
 * metrics_due.c - successes known ahead (metrics.h, rs_metrics_on_success_due;
 * issue 13): a world that knows at admission when an attempt will complete,
 * and has nothing else to do then, gives the success at once instead of
 * scheduling a completion event.  It waits here until its time, and is then
 * added exactly as the completion event would have added it.  So this room
 * also holds the metrics' clock (rs_metrics_advance): moving to a time
 * settles the successes due in each bucket before metrics_bucket.c closes
 * it, and closes the minutes and buckets in time order.
 *
 * Invariants:
 *   - a due success is added before the bucket that holds its time closes
 *     (rs_metrics_advance settles the bucket first), and only once that
 *     bucket is the open one: it counts in the bucket of its time;
 *   - successes are added in the order their completion events would have
 *     run: by time, and at equal times in the order they were given (the
 *     engine's sequence).  Only the run's latency and TTFT sums depend on
 *     the order (doubles added one by one, metrics_state.h), but they do;
 *   - a run gives all its successes one way or the other: one added at
 *     once (rs_metrics_on_success) while some are due would break that
 *     order (asserted in metrics.c);
 *   - every waiting success is due at or after due_floor, the time of the
 *     last settle: the caller gives a success when its attempt is
 *     admitted, during an event, and settles only up to the next event.
 *
 * Layout: the waiting successes in the order given (due[0, n_due)).  A
 * settle orders those due before its time in due_order (indices into
 * due): a counting sort by time in slots of 2^shift us, half as many slots
 * as the array has room (at a bucket's close, when it holds the bucket's
 * successes and those due after it, about one success a slot: a fourth
 * as many ran 0.1% more instructions on bench-1h, as many 0.2% more),
 * which is stable, then an insertion pass that orders each slot by the
 * exact time and keeps the order given at equal times.  Each is then
 * added: the common case straight into its scopes (add_sample, as the
 * batch of metrics_flush_samples would), the others (warm-up, windows, a
 * scope taking its samples directly) through rs_metrics_on_success.  The
 * rest are kept, in their order.
 *
 * Cost per success: a record written at admission; at its settle, three
 * passes over it, the insertion pass's compares (more only where
 * successes crowd into one slot) and its add; one pass and a copy at each
 * settle it waits through.  A settle also clears and sums a count per
 * slot.  When the array is full, what is due before `now` is settled, and
 * it doubles when that frees less than half.  On bench-1h (120 s, 115 K
 * successes): the settles 10.4 M instructions of their own (28.7 M with
 * the successes' adds, which the batch's flush made before) and the
 * records 3.8 M, where the completion events cost about 36 M.
 */
#include "metrics_state.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Room for this many due successes at first: a few seconds of a busy run
 * (a power of two, so that half of it is a whole number of slots). */
#define DUE_INITIAL 4096

/* Twice the room for due successes, and their settle's scratch; false
 * when out of memory. */
static bool due_grow(rs_metrics *m)
{
	size_t cap = m->due_cap ? m->due_cap * 2 : DUE_INITIAL;
	due_sample *due = rs_realloc_array(m->due, cap, sizeof *due);
	if (!due)
		return false;
	m->due = due;
	uint32_t *order = rs_realloc_array(m->due_order, cap, sizeof *order);
	if (!order)
		return false;
	m->due_order = order;
	uint32_t *count = rs_realloc_array(m->due_count, cap / 2 + 1, sizeof *count);
	if (!count)
		return false;
	m->due_count = count;
	m->due_cap = cap;
	return true;
}

bool rs_metrics_on_success_due(rs_metrics *m, rs_time now, rs_time done, rs_time arrived,
                               size_t client, size_t deployment, double latency_ms, double ttft_ms,
                               int64_t prompt_tokens, int64_t output_tokens, bool retried,
                               bool spilled)
{
	/* (the scopes could not be allocated past the client's and the
	 * deployment's room, as in rs_metrics_on_success's batch) */
	assert(done >= m->due_floor); /* else its slot in a settle's sort would wrap */
	if (m->n_due == m->due_cap) {
		/* full: add what is due before now (its events would have run),
		 * and grow when that frees less than half */
		metrics_settle(m, now);
		if (m->n_due >= m->due_cap / 2 && !due_grow(m))
			return false;
	}
	m->due[m->n_due++] = (due_sample){
	    .done = done,
	    .arrived = arrived,
	    .latency_ms = latency_ms,
	    .ttft_ms = ttft_ms,
	    .prompt_tokens = prompt_tokens,
	    .output_tokens = output_tokens,
	    .client = (uint32_t)client,
	    .dep_flags = (uint32_t)deployment << 2 | (uint32_t)(retried && !spilled) << 1 |
	                 (uint32_t)spilled,
	};
	return true;
}

/* The slot of a success due at `done` in a settle's counting sort: its
 * time's (in slots of 2^shift us from floor) when it is due before
 * `before`, else the end slot, `slots`.  Chosen by a mask, not a branch:
 * which side of `before` a success is on is as good as random, and the
 * branch (which GCC kept for a ?:) was mispredicted (issue 13). */
static inline size_t slot_of(rs_time done, rs_time floor, rs_time before, unsigned shift,
                             size_t slots)
{
	uint64_t due_before = (uint64_t)0 - (uint64_t)(done < before); /* all ones or 0 */
	return (size_t)((((uint64_t)(done - floor) >> shift) & due_before) |
	                ((uint64_t)slots & ~due_before));
}

/* Order the successes due before `before` in m->due_order (indices into
 * m->due), by time and in the order given at equal times.  Returns how
 * many there are. */
static size_t order_due(rs_metrics *m, rs_time before)
{
	rs_time floor = m->due_floor;
	uint64_t span = (uint64_t)(before - floor);
	size_t slots = m->due_cap / 2; /* due_count has one more: the end */
	unsigned shift = 0;
	while ((span >> shift) >= slots)
		shift++;
	uint32_t *count = m->due_count;
	memset(count, 0, (slots + 1) * sizeof *count);
	/* A success due at or after `before` counts in the end slot (`slots`,
	 * slot_of).  The end slot comes last, and the order is stable: those
	 * due later end up in order[n, n_due), in the order given, where
	 * keep_later finds them. */
	const due_sample *due = m->due;
	size_t n_due = m->n_due;
	for (size_t i = 0; i < n_due; i++)
		count[slot_of(due[i].done, floor, before, shift, slots)]++;
	size_t n = n_due - count[slots];
	if (n == 0)
		return 0;
	uint32_t sum = 0; /* each slot's first place in due_order */
	for (size_t s = 0; s <= slots; s++) {
		uint32_t c = count[s];
		count[s] = sum;
		sum += c;
	}
	uint32_t *order = m->due_order;
	for (size_t i = 0; i < n_due; i++)
		order[count[slot_of(due[i].done, floor, before, shift, slots)]++] = (uint32_t)i;
	/* within a slot, by the exact time; a later time moves past no equal */
	for (size_t i = 1; i < n; i++) {
		uint32_t x = order[i];
		rs_time t = due[x].done;
		if (due[order[i - 1]].done <= t)
			continue;
		size_t j = i;
		for (; j > 0 && due[order[j - 1]].done > t; j--)
			order[j] = order[j - 1];
		order[j] = x;
	}
	return n;
}

/* Keep the successes due at or after the settle's time, in their order:
 * those order_due placed in order[n, n_due) (it returned n). */
static void keep_later(rs_metrics *m, size_t n)
{
	if (n == 0)
		return; /* order_due placed none: all are kept, where they are */
	size_t kept = 0;
	for (size_t k = n; k < m->n_due; k++)
		m->due[kept++] = m->due[m->due_order[k]]; /* kept <= due_order[k] */
	m->n_due = kept;
}

void metrics_settle(rs_metrics *m, rs_time before)
{
	if (m->n_due == 0 || before <= m->due_floor) {
		m->due_floor = before > m->due_floor ? before : m->due_floor;
		return;
	}
	size_t n = order_due(m, before);
	m->due_floor = before;
	/* the batch first: its successes came before these (in a run that
	 * gives them ahead it is empty, but the order is the point) */
	metrics_flush_samples(m);
	m->settling = true; /* rs_metrics_on_success: these are in order */
	/* rs_metrics_on_success's batch case (and so no scope taking its
	 * samples directly, which only a success of another case brings) is
	 * added now rather than copied into the batch; the others take its way */
	bool batch_case = m->n_windows == 0 && m->n_direct == 0;
	for (size_t i = 0; i < n; i++) {
		const due_sample *s = &m->due[m->due_order[i]];
		if (batch_case && s->arrived >= m->warmup) {
			add_sample(m, s->client, s->dep_flags, (uint64_t)s->prompt_tokens,
			           (uint64_t)s->output_tokens, s->latency_ms, s->ttft_ms);
			continue;
		}
		rs_metrics_on_success(m, s->done, s->arrived, s->client, s->dep_flags >> 2,
		                      s->latency_ms, s->ttft_ms, s->prompt_tokens, s->output_tokens,
		                      (s->dep_flags >> 1) & 1, s->dep_flags & 1);
		batch_case = m->n_windows == 0 && m->n_direct == 0;
	}
	m->settling = false;
	keep_later(m, n);
}

void rs_metrics_settle(rs_metrics *m, rs_time before)
{
	metrics_settle(m, before);
}

rs_time rs_metrics_due_last(const rs_metrics *m)
{
	rs_time last = INT64_MIN;
	for (size_t i = 0; i < m->n_due; i++)
		last = m->due[i].done > last ? m->due[i].done : last;
	return last;
}

/* ---- the clock: successes due, then the closes ---------------------- */

rs_time rs_metrics_next_due(const rs_metrics *m)
{
	if (m->bucket_start >= m->end)
		return INT64_MAX;
	rs_time minute_end = (m->minute + 1) * RS_US_PER_MIN;
	return minute_end < m->bucket_end ? minute_end : m->bucket_end;
}

rs_status rs_metrics_advance(rs_metrics *m, rs_time now)
{
	/* Close minutes and buckets in time order (a minute first when both end
	 * together): both sample the meters, which only move forward in time. */
	for (;;) {
		rs_time minute_end = (m->minute + 1) * RS_US_PER_MIN;
		bool minute_due = minute_end <= now && minute_end <= m->end;
		bool bucket_due = now >= m->bucket_end && m->bucket_start < m->end;
		rs_status st;
		if (minute_due && (!bucket_due || minute_end <= m->bucket_end))
			st = metrics_close_minute(m);
		else if (bucket_due) {
			metrics_settle(m, m->bucket_end); /* its successes known ahead */
			st = metrics_close_bucket(m);
		} else
			return RS_OK;
		if (st != RS_OK)
			return st;
	}
}
