/*
 * test_service.c - the service model (service.h): processor sharing of a
 * deployment's generation capacity, checked against hand-worked closed
 * forms to the microsecond; abandoned attempts keep their share and are
 * corrected on the meter; a deployment without the model is not shared.
 *
 * Each test drives rs_service on a bare engine with stand-in deployments
 * (a meter that counts its completions), so the times are exact: with
 * capacity C tokens/s, per-request speed s and n attempts of S tokens
 * entering together past the knee (C < n s), each completes at n S / C.
 */
#include "ratesim/engine.h"
#include "ratesim/service.h"

#include "harness.h"

#define EV_ORPHAN 0
#define EV_ENTER  1
#define EV_NEXT   2
#define END       (1000 * RS_US_PER_S)
#define MAX_DONE  16

/* A meter that counts completions (abandoned attempts) and shows the
 * utilisation the test sets. */
typedef struct count_meter {
	rs_meter base;
	int completed;
	rs_time last;
	double u;
} count_meter;

static void cm_complete(rs_meter *m, rs_time now, const rs_meter_req *req, double charged)
{
	count_meter *c = (count_meter *)m;
	c->completed++;
	c->last = now;
}

static void cm_sample(rs_meter *m, rs_time now, rs_meter_state *out)
{
	*out = (rs_meter_state){.utilisation = ((count_meter *)m)->u};
}

static const rs_meter_ops cm_ops = {.name = "count", .complete = cm_complete, .sample = cm_sample};

/* What the world is told: which slot completed when. */
typedef struct done_log {
	rs_time at[MAX_DONE];
	uint32_t slot[MAX_DONE];
	int n;
} done_log;

static void on_done(void *ctx, rs_time now, size_t dep, uint32_t slot)
{
	done_log *l = ctx;
	if (l->n < MAX_DONE) {
		l->at[l->n] = now;
		l->slot[l->n] = slot;
		l->n++;
	}
}

typedef struct bench {
	rs_engine *eng;
	rs_service *svc;
	rs_deployment dep[2];
	count_meter meter[2];
	done_log done;
} bench;

/* Deployment 0 shared (capacity c_tps, speed s_tps), deployment 1 not. */
static bool bench_init(bench *b, double c_tps, double s_tps)
{
	*b = (bench){0};
	for (int d = 0; d < 2; d++) {
		b->meter[d].base.ops = &cm_ops;
		b->dep[d].meter = &b->meter[d].base;
		b->dep[d].latency.tokens_per_s = s_tps;
	}
	b->dep[0].service_tps = c_tps;
	b->eng = rs_engine_new();
	rs_service_events ev = {.orphan = EV_ORPHAN, .enter = EV_ENTER, .next = EV_NEXT};
	b->svc = b->eng ? rs_service_new(b->eng, &ev, b->dep, 2, END, on_done, &b->done) : NULL;
	return b->svc != NULL;
}

static void bench_fini(bench *b)
{
	rs_service_free(b->svc);
	rs_engine_free(b->eng);
}

/* Start an attempt at `now` with no time to first token and `tokens` of
 * output at the bench's speed. */
static uint32_t start(bench *b, rs_time now, uint32_t slot, double tokens, double s_tps)
{
	rs_timing t = {.ttft = 0, .total = (rs_time)(tokens / s_tps * (double)RS_US_PER_S)};
	rs_meter_req mreq = {0};
	uint32_t job = RS_SERVICE_NO_JOB;
	CHECK(rs_service_start(b->svc, now, 0, &t, slot, &mreq, 0, &job) == RS_OK);
	return job;
}

/* Run the engine's events up to and including time `until`. */
static void run_until(bench *b, rs_time until)
{
	bool ran = true;
	while (ran && rs_engine_next_time(b->eng) <= until)
		rs_engine_step(b->eng, until + 1, &ran);
}

/* n attempts of S tokens entering together on capacity C each complete at
 * n S / C: C = 100 tokens/s, s = 50 tokens/s (knee at 2), S = 500.
 *   n = 4: 4 x 500 / 100 = 20 s (each at 25 tokens/s, not 50);
 *   n = 2: at the knee, each at full speed: 500 / 50 = 10 s;
 *   n = 1: below it, 10 s too (the latency model alone). */
static void test_equal_sizes_together(void)
{
	const int ns[] = {4, 2, 1};
	const rs_time want[] = {20 * RS_US_PER_S, 10 * RS_US_PER_S, 10 * RS_US_PER_S};
	for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
		bench b;
		if (!bench_init(&b, 100, 50)) {
			TH_FAIL("out of memory");
			return;
		}
		CHECK(rs_service_shared(b.svc, 0));
		CHECK(!rs_service_shared(b.svc, 1));
		for (int i = 0; i < ns[k]; i++)
			start(&b, 0, (uint32_t)i, 500, 50);
		run_until(&b, 0);
		CHECK_I64((int64_t)rs_service_generating(b.svc, 0), ns[k]);
		run_until(&b, END);
		CHECK_I64(b.done.n, ns[k]);
		for (int i = 0; i < b.done.n; i++) {
			CHECK_I64(b.done.at[i], want[k]);
			CHECK_I64(b.done.slot[i], i); /* ties leave in entry order */
		}
		CHECK_I64((int64_t)rs_service_generating(b.svc, 0), 0);
		bench_fini(&b);
	}
}

/* Staggered starts, C = 100 tokens/s, s = 100 (knee at 1):
 *   A (1,000 tokens) enters at 0 s and runs alone at 100 tokens/s: 200
 *   done at 2 s, when B (500 tokens) enters; both then run at 50:
 *   B completes after 500 / 50 = 10 s, at 12 s, A then has 300 left,
 *   alone again at 100: 3 s more, at 15 s (= 1,500 tokens / C). */
static void test_staggered(void)
{
	bench b;
	if (!bench_init(&b, 100, 100)) {
		TH_FAIL("out of memory");
		return;
	}
	start(&b, 0, 7, 1000, 100);
	run_until(&b, 2 * RS_US_PER_S - 1);
	start(&b, 2 * RS_US_PER_S, 8, 500, 100);
	run_until(&b, END);
	CHECK_I64(b.done.n, 2);
	CHECK_I64(b.done.slot[0], 8);
	CHECK_I64(b.done.at[0], 12 * RS_US_PER_S);
	CHECK_I64(b.done.slot[1], 7);
	CHECK_I64(b.done.at[1], 15 * RS_US_PER_S);
	bench_fini(&b);
}

/* An abandoned attempt keeps its share: the staggered case with A
 * abandoned at 5 s gives B the same 12 s; A completes at 15 s as an
 * orphan, its meter corrected, the world not told. */
static void test_abandoned_keeps_its_share(void)
{
	bench b;
	if (!bench_init(&b, 100, 100)) {
		TH_FAIL("out of memory");
		return;
	}
	uint32_t a = start(&b, 0, 7, 1000, 100);
	run_until(&b, 2 * RS_US_PER_S - 1);
	start(&b, 2 * RS_US_PER_S, 8, 500, 100);
	run_until(&b, 5 * RS_US_PER_S);
	CHECK_I64((int64_t)rs_service_abandoned(b.svc, 0, 5 * RS_US_PER_S), 0);
	rs_service_abandon(b.svc, a);
	CHECK_I64((int64_t)rs_service_abandoned(b.svc, 0, 5 * RS_US_PER_S), 1);
	run_until(&b, 15 * RS_US_PER_S - 1);
	CHECK_I64((int64_t)rs_service_abandoned(b.svc, 0, 15 * RS_US_PER_S - 1), 1);
	run_until(&b, END);
	CHECK_I64((int64_t)rs_service_abandoned(b.svc, 0, END), 0); /* it completed at 15 s */
	CHECK_I64(b.done.n, 1);
	CHECK_I64(b.done.slot[0], 8);
	CHECK_I64(b.done.at[0], 12 * RS_US_PER_S);
	CHECK_I64(b.meter[0].completed, 1);
	CHECK_I64(b.meter[0].last, 15 * RS_US_PER_S);
	bench_fini(&b);
}

/* The time to first token is not shared: two attempts of 1 s to their
 * first token and 500 tokens at s = 50 on C = 50 (knee at 1) enter
 * generation at 1 s together and complete at 1 + 2 x 500 / 50 = 21 s. */
static void test_first_token_not_shared(void)
{
	bench b;
	if (!bench_init(&b, 50, 50)) {
		TH_FAIL("out of memory");
		return;
	}
	rs_timing t = {.ttft = RS_US_PER_S, .total = 11 * RS_US_PER_S};
	rs_meter_req mreq = {0};
	uint32_t job;
	for (uint32_t i = 0; i < 2; i++)
		CHECK(rs_service_start(b.svc, 0, 0, &t, i, &mreq, 0, &job) == RS_OK);
	run_until(&b, RS_US_PER_S - 1);
	CHECK_I64((int64_t)rs_service_generating(b.svc, 0), 0);
	run_until(&b, END);
	CHECK_I64(b.done.n, 2);
	CHECK_I64(b.done.at[0], 21 * RS_US_PER_S);
	CHECK_I64(b.done.at[1], 21 * RS_US_PER_S);
	bench_fini(&b);
}

/* A provisioned deployment holds its speed target while its meter is at
 * or below 100%: four attempts of 500 tokens at s = 50 on C = 100 complete
 * at 10 s (full speed) with U = 0.9 or 1.0, at 4 x 500 / 100 = 20 s with
 * U = 1.2.  With U = 1.2 until 4 s and 0.9 from then on (read at the
 * admission of a fifth attempt at 4 s, which enters generation only at
 * 1,000 s): 4 s at 25 tokens/s = 100 tokens, the 400 left at 50: 12 s. */
static void test_ptu_holds_at_or_below_100(void)
{
	const double us[] = {0.9, 1.0, 1.2};
	const rs_time want[] = {10 * RS_US_PER_S, 10 * RS_US_PER_S, 20 * RS_US_PER_S};
	for (size_t k = 0; k <= sizeof us / sizeof us[0]; k++) {
		bench b;
		if (!bench_init(&b, 100, 50)) {
			TH_FAIL("out of memory");
			return;
		}
		b.dep[0].provisioned = true;
		rs_service_free(b.svc); /* rebuilt: the station reads the kind */
		rs_service_events ev = {.orphan = EV_ORPHAN, .enter = EV_ENTER, .next = EV_NEXT};
		b.svc = rs_service_new(b.eng, &ev, b.dep, 2, END, on_done, &b.done);
		b.meter[0].u = k < 3 ? us[k] : 1.2;
		for (uint32_t i = 0; i < 4; i++)
			start(&b, 0, i, 500, 50);
		if (k == 3) {
			run_until(&b, 4 * RS_US_PER_S - 1);
			b.meter[0].u = 0.9;
			rs_timing t = {.ttft = 996 * RS_US_PER_S, .total = 997 * RS_US_PER_S};
			rs_meter_req mreq = {0};
			uint32_t job;
			CHECK(rs_service_start(b.svc, 4 * RS_US_PER_S, 0, &t, 9, &mreq, 0, &job) ==
			      RS_OK);
		}
		run_until(&b, END);
		CHECK_I64(b.done.n, 4);
		for (int i = 0; i < b.done.n; i++)
			CHECK_I64(b.done.at[i], k < 3 ? want[k] : 12 * RS_US_PER_S);
		bench_fini(&b);
	}
}

/* A fixed-time orphan (no service model) completes at its time and is
 * corrected on its deployment's meter; it counts as abandoned and running
 * from the client's timeout (1 s) to its completion (3 s). */
static void test_orphan(void)
{
	bench b;
	if (!bench_init(&b, 100, 100)) {
		TH_FAIL("out of memory");
		return;
	}
	rs_meter_req mreq = {0};
	CHECK(rs_service_orphan(b.svc, 3 * RS_US_PER_S, 1, &mreq, 0, RS_US_PER_S) == RS_OK);
	CHECK_I64((int64_t)rs_service_abandoned(b.svc, 1, RS_US_PER_S - 1), 0);
	CHECK_I64((int64_t)rs_service_abandoned(b.svc, 1, RS_US_PER_S), 1);
	CHECK_I64((int64_t)rs_service_abandoned(b.svc, 0, RS_US_PER_S), 0); /* another deployment */
	run_until(&b, END);
	CHECK_I64((int64_t)rs_service_abandoned(b.svc, 1, END), 0);
	CHECK_I64(b.meter[1].completed, 1);
	CHECK_I64(b.meter[1].last, 3 * RS_US_PER_S);
	CHECK_I64(b.done.n, 0);
	bench_fini(&b);
}

int main(void)
{
	RUN(test_equal_sizes_together);
	RUN(test_staggered);
	RUN(test_abandoned_keeps_its_share);
	RUN(test_first_token_not_shared);
	RUN(test_ptu_holds_at_or_below_100);
	RUN(test_orphan);
	return th_done();
}
