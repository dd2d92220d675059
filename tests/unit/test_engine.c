/*
 * test_engine.c - the event engine: total order by (time, sequence), the
 * step function, the run loop's end, a heap stress against a sort, and the
 * chained events kept apart in the same order.
 */
#include "harness.h"
#include "ratesim/engine.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>

typedef struct ev_log {
	rs_time t[64];
	uint64_t b[64];
	int n;
} ev_log;

static void record(void *ctx, rs_engine *eng, const rs_event *ev)
{
	ev_log *l = ctx;
	l->t[l->n] = rs_engine_now(eng);
	l->b[l->n] = ev->b;
	l->n++;
}

static void test_order_by_time_then_sequence(void)
{
	rs_engine *e = rs_engine_new();
	ev_log l = {0};
	rs_engine_on(e, 0, record, &l);
	rs_engine_at(e, 30, 0, 0, 1);
	rs_engine_at(e, 10, 0, 0, 2);
	rs_engine_at(e, 30, 0, 0, 3); /* same time as b=1: runs after it */
	rs_engine_at(e, 20, 0, 0, 4);
	rs_engine_at(e, 10, 0, 0, 5);
	CHECK(rs_engine_run(e, 100) == RS_OK);
	uint64_t want[] = {2, 5, 4, 1, 3};
	rs_time want_t[] = {10, 10, 20, 30, 30};
	CHECK_I64(l.n, 5);
	for (int i = 0; i < 5; i++) {
		CHECK_I64(l.b[i], want[i]);
		CHECK_I64(l.t[i], want_t[i]);
	}
	CHECK_I64(rs_engine_now(e), 100);
	rs_engine_free(e);
}

static void test_step_and_until(void)
{
	rs_engine *e = rs_engine_new();
	ev_log l = {0};
	rs_engine_on(e, 3, record, &l);
	rs_engine_at(e, 5, 3, 0, 1);
	rs_engine_at(e, 50, 3, 0, 2);
	bool ran;
	rs_engine_step(e, 10, &ran);
	CHECK(ran);
	CHECK_I64(rs_engine_now(e), 5);
	rs_engine_step(e, 10, &ran);
	CHECK(!ran); /* next event at 50 is after `until` */
	CHECK_I64(rs_engine_pending(e), 1);
	CHECK_I64(rs_engine_next_time(e), 50);
	rs_engine_step(e, 50, &ran);
	CHECK(ran);
	CHECK_I64(rs_engine_events_run(e), 2);
	CHECK_I64(rs_engine_next_time(e), INT64_MAX);
	rs_engine_free(e);
}

typedef struct stress {
	rs_time last_t;
	uint64_t last_seq_at_t;
	bool ok;
	int n;
	gsl_rng *r;
} stress;

static void stress_fn(void *ctx, rs_engine *eng, const rs_event *ev)
{
	stress *s = ctx;
	if (ev->time < s->last_t ||
	    (ev->time == s->last_t && ev->seq <= s->last_seq_at_t && s->n > 0))
		s->ok = false;
	s->last_t = ev->time;
	s->last_seq_at_t = ev->seq;
	s->n++;
	/* each event schedules up to two more, a few with the same time */
	if (s->n < 150000) {
		rs_engine_at(eng, ev->time + (rs_time)gsl_rng_uniform_int(s->r, 4), 0, 0, 0);
		if (gsl_rng_uniform(s->r) < 0.5)
			rs_engine_at(eng, ev->time + (rs_time)gsl_rng_uniform_int(s->r, 1000), 0, 0,
			             0);
	}
}

static void test_heap_stress_total_order(void)
{
	rs_engine *e = rs_engine_new();
	stress s = {.ok = true, .r = gsl_rng_alloc(gsl_rng_mt19937)};
	rs_engine_on(e, 0, stress_fn, &s);
	for (int i = 0; i < 2000; i++)
		rs_engine_at(e, (rs_time)gsl_rng_uniform_int(s.r, 100), 0, 0, 0);
	CHECK(rs_engine_run(e, INT64_MAX / 2) == RS_OK);
	CHECK(s.ok);
	CHECK(s.n >= 150000);
	CHECK_I64(rs_engine_pending(e), 0);
	gsl_rng_free(s.r);
	rs_engine_free(e);
}

static void fail_at_second(void *ctx, rs_engine *eng, const rs_event *ev)
{
	record(ctx, eng, ev);
	if (((ev_log *)ctx)->n == 2)
		rs_engine_fail(eng, RS_ERR_NOMEM);
}

/* rs_engine_run_before: runs in order the events strictly before the bound,
 * no more than asked, and stops after a handler's failure. */
static void test_run_before(void)
{
	rs_engine *e = rs_engine_new();
	ev_log l = {0};
	rs_engine_on(e, 0, record, &l);
	for (uint64_t i = 0; i < 6; i++)
		rs_engine_at(e, (rs_time)(10 * (i % 3)), 0, 0, i); /* 0,10,20,0,10,20 */
	CHECK_I64(rs_engine_run_before(e, 10, UINT64_MAX), 2);     /* the two at 0 */
	CHECK_I64(rs_engine_now(e), 0);
	CHECK_I64(rs_engine_run_before(e, 100, 1), 1); /* one only, at 10 */
	CHECK_I64(rs_engine_now(e), 10);
	CHECK_I64(rs_engine_run_before(e, 20, UINT64_MAX), 1); /* the other at 10 */
	CHECK_I64(rs_engine_run_before(e, 20, UINT64_MAX), 0);
	CHECK_I64(rs_engine_run_before(e, 21, UINT64_MAX), 2);
	uint64_t want[] = {0, 3, 1, 4, 2, 5};
	CHECK_I64(l.n, 6);
	for (int i = 0; i < 6; i++)
		CHECK_I64(l.b[i], want[i]);
	CHECK_I64(rs_engine_events_run(e), 6);
	rs_engine_free(e);

	e = rs_engine_new();
	ev_log f = {0};
	rs_engine_on(e, 0, fail_at_second, &f);
	for (uint64_t i = 0; i < 5; i++)
		rs_engine_at(e, (rs_time)i, 0, 0, i);
	CHECK_I64(rs_engine_run_before(e, 100, UINT64_MAX), 2);
	CHECK(rs_engine_status(e) == RS_ERR_NOMEM);
	CHECK_I64(rs_engine_pending(e), 3);
	rs_engine_free(e);
}

/* A randomised drive of the queue (wide_fn, chain_fn): the events seen,
 * whether they came in (time, sequence) order, and how many were pushed. */
typedef struct drive {
	rs_time last_t;
	uint64_t last_seq;
	bool ok;
	int n, pushed;
	gsl_rng *r;
} drive;

/* Note ev as seen: it must come at the engine's time, after the last. */
static void seen(drive *d, const rs_engine *eng, const rs_event *ev)
{
	if (ev->time != rs_engine_now(eng) || ev->time < d->last_t ||
	    (ev->time == d->last_t && ev->seq <= d->last_seq && d->n > 0))
		d->ok = false;
	d->last_t = ev->time;
	d->last_seq = ev->seq;
	d->n++;
}

/* After the drive: every event pushed came, in order, and none is left.
 * Frees the engine and the stream. */
static void check_drained(drive *d, rs_engine *e)
{
	CHECK(d->ok);
	CHECK_I64(d->n, d->pushed);
	CHECK_I64(rs_engine_pending(e), 0);
	CHECK_I64(rs_engine_next_time(e), INT64_MAX);
	gsl_rng_free(d->r);
	rs_engine_free(e);
}

/* A delay from 0 us to hours: the same instant, the same calendar slot,
 * the next slots, beyond the calendar's horizon (the overflow heap), and
 * far beyond, so the calendar jumps over long empty stretches. */
static rs_time wide_delay(gsl_rng *r)
{
	static const rs_time scale[] = {1, 100, 20000, 2000000, 90000000, 4000000000};
	rs_time s = scale[gsl_rng_uniform_int(r, sizeof scale / sizeof scale[0])];
	return (rs_time)gsl_rng_uniform_int(r, (unsigned long)s);
}

static void wide_fn(void *ctx, rs_engine *eng, const rs_event *ev)
{
	drive *w = ctx;
	seen(w, eng, ev);
	int more = w->pushed < 200000 ? (int)gsl_rng_uniform_int(w->r, 3) : 0;
	for (int i = 0; i < more; i++, w->pushed++)
		if (rs_engine_at(eng, ev->time + wide_delay(w->r), 0, 0, 0) != RS_OK)
			w->ok = false;
}

/* Run e's events to the end, with next_time, step and run_before mixed:
 * a thousand rounds of one step and a batch of at most 7 events within
 * 5 ms, then the rest. */
static void drive_mixed(rs_engine *e)
{
	for (int i = 0; i < 1000; i++) {
		bool ran;
		rs_time next = rs_engine_next_time(e);
		rs_engine_step(e, next, &ran);
		CHECK(ran);
		rs_engine_run_before(e, rs_engine_now(e) + 5000, 7);
	}
	CHECK(rs_engine_run(e, INT64_MAX / 2) == RS_OK);
}

/* Events spread from microseconds to hours come out in (time, sequence)
 * order, every one of them, with next_time, step and run_before mixed. */
static void test_wide_spread_total_order(void)
{
	rs_engine *e = rs_engine_new();
	drive w = {.ok = true, .r = gsl_rng_alloc(gsl_rng_mt19937)};
	rs_engine_on(e, 0, wide_fn, &w);
	for (; w.pushed < 3000; w.pushed++)
		rs_engine_at(e, wide_delay(w.r), 0, 0, 0);
	drive_mixed(e);
	check_drained(&w, e);
}

/* Chained events (rs_engine_at_chained) keep the order of their key with
 * the others': ties at the same time run in the order they were pushed,
 * whichever way each was pushed. */
static void test_chained_ties(void)
{
	rs_engine *e = rs_engine_new();
	ev_log l = {0};
	rs_engine_on(e, 0, record, &l);
	rs_engine_at(e, 10, 0, 0, 1);
	rs_engine_at_chained(e, 10, 0, 0, 2);
	rs_engine_at(e, 10, 0, 0, 3);
	rs_engine_at_chained(e, 5, 0, 0, 4);
	rs_engine_at_chained(e, 10, 0, 0, 5);
	rs_engine_at(e, 20000, 0, 0, 6); /* a later calendar slot */
	rs_engine_at_chained(e, 20000, 0, 0, 7);
	CHECK_I64(rs_engine_pending(e), 7);
	CHECK_I64(rs_engine_next_time(e), 5);
	CHECK(rs_engine_run(e, 30000) == RS_OK);
	uint64_t want[] = {4, 1, 2, 3, 5, 6, 7};
	CHECK_I64(l.n, 7);
	for (int i = 0; i < 7; i++)
		CHECK_I64(l.b[i], want[i]);
	CHECK_I64(rs_engine_pending(e), 0);
	CHECK_I64(rs_engine_next_time(e), INT64_MAX);
	rs_engine_free(e);
}

/* Each chain (a = its index) schedules its next event, at the same time
 * now and then, and a third of the events schedule another, unchained. */
static void chain_fn(void *ctx, rs_engine *eng, const rs_event *ev)
{
	drive *c = ctx;
	seen(c, eng, ev);
	if (c->pushed >= 200000)
		return;
	if (gsl_rng_uniform(c->r) < 1.0 / 3) {
		c->pushed++;
		if (rs_engine_at(eng, ev->time + wide_delay(c->r), 1, 0, 0) != RS_OK)
			c->ok = false;
	}
	if (ev->type == 0) {
		c->pushed++;
		rs_time gap =
		    gsl_rng_uniform(c->r) < 0.1 ? 0 : (rs_time)gsl_rng_uniform_int(c->r, 20000);
		if (rs_engine_at_chained(eng, ev->time + gap, 0, ev->a, 0) != RS_OK)
			c->ok = false;
	}
}

/* Chained and calendar events mixed come out in (time, sequence) order,
 * with fewer chains than kept apart and with more (the rest go to the
 * calendar). */
static void test_chained_total_order(void)
{
	for (uint32_t n_chains = 3; n_chains <= 40; n_chains += 37) {
		rs_engine *e = rs_engine_new();
		drive c = {.ok = true, .r = gsl_rng_alloc(gsl_rng_mt19937)};
		rs_engine_on(e, 0, chain_fn, &c);
		rs_engine_on(e, 1, chain_fn, &c);
		for (uint32_t k = 0; k < n_chains; k++, c.pushed++)
			rs_engine_at_chained(e, (rs_time)gsl_rng_uniform_int(c.r, 1000), 0, k, 0);
		drive_mixed(e);
		check_drained(&c, e);
	}
}

int main(void)
{
	RUN(test_order_by_time_then_sequence);
	RUN(test_step_and_until);
	RUN(test_heap_stress_total_order);
	RUN(test_run_before);
	RUN(test_wide_spread_total_order);
	RUN(test_chained_ties);
	RUN(test_chained_total_order);
	return th_done();
}
