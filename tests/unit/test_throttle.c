/*
 * test_throttle.c - a client's own controls (throttle.h), hand-worked:
 * the fixed token bucket (burst, then one token per 1/rate; wait or
 * reject), the adaptive bucket's botocore arithmetic on a short sequence,
 * the concurrency cap's FIFO queue and its timeout, and the breaker's
 * closed / open / half-open state machine.
 */
#include "ratesim/throttle.h"

#include "harness.h"

#define S(x) ((rs_time)((x)*1e6 + 0.5)) /* seconds to rs_time */

static rs_gate gate(rs_throttle *t, double at_s, uint32_t slot, rs_time *until)
{
	return rs_throttle_gate(t, S(at_s), slot, slot, until);
}

static void test_off(void)
{
	rs_control_cfg cfg = {0};
	CHECK(!rs_throttle_wanted(&cfg));
	cfg.max_in_flight = 1;
	CHECK(rs_throttle_wanted(&cfg));
	rs_throttle_free(NULL);
}

/* rate 2/s, burst 3: three at once, then one every 0.5 s. */
static void test_fixed_bucket(void)
{
	rs_control_cfg cfg = {.limit = RS_LIMIT_FIXED, .limit_rate_rps = 2, .limit_burst = 3};
	rs_throttle *t = rs_throttle_new(&cfg);
	rs_time until = -1;
	uint32_t s;
	uint64_t id;
	for (uint32_t i = 0; i < 3; i++) {
		CHECK_I64(gate(t, 0, i, &until), RS_GATE_GO);
		CHECK(!rs_throttle_done(t, S(0), RS_RESULT_OK, &s, &id));
	}
	CHECK_I64(gate(t, 0, 3, &until), RS_GATE_WAIT);
	CHECK_I64(until, S(0.5));
	CHECK_I64(gate(t, 0.25, 3, &until), RS_GATE_WAIT);
	CHECK_I64(until, S(0.5));
	CHECK_I64(gate(t, 0.5, 3, &until), RS_GATE_GO);
	CHECK_I64(gate(t, 0.5, 4, &until), RS_GATE_WAIT);
	CHECK_I64(until, S(1.0));
	/* a long pause fills the bucket to its burst, no more */
	CHECK_I64(gate(t, 100, 5, &until), RS_GATE_GO);
	CHECK_I64(gate(t, 100, 6, &until), RS_GATE_GO);
	CHECK_I64(gate(t, 100, 7, &until), RS_GATE_GO);
	CHECK_I64(gate(t, 100, 8, &until), RS_GATE_WAIT);
	rs_throttle_stats st;
	rs_throttle_stats_get(t, &st);
	CHECK_I64(st.waits, 4);
	CHECK_I64(st.in_flight, 4);
	rs_throttle_free(t);

	cfg.limit_on_empty = RS_LIMIT_REJECT;
	t = rs_throttle_new(&cfg);
	for (uint32_t i = 0; i < 3; i++)
		CHECK_I64(gate(t, 0, i, &until), RS_GATE_GO);
	CHECK_I64(gate(t, 0.1, 3, &until), RS_GATE_REJECT);
	CHECK_I64(gate(t, 0.5, 4, &until), RS_GATE_GO);
	rs_throttle_stats_get(t, &st);
	CHECK_I64(st.rejected_bucket, 1);
	rs_throttle_free(t);
}

/* botocore's adaptive mode, worked by hand (see throttle.c):
 *   t=0.6 ok:  half second 0.5 begins: measured = 0.8 x (1 / 0.5) = 1.6;
 *              rate = 0.4 x 0.6^3 = 0.0864 -> fill max(0.0864, 0.5) = 0.5;
 *              tokens 0.6 (filled at 1/s since 0), capacity 1
 *   t=1.2 429: measured = 0.8 x 2 + 0.2 x 1.6 = 1.92; w_max = 1.92,
 *              k = cbrt(1.92 x 0.3 / 0.4) = cbrt(1.44), rate = 1.344;
 *              in force from now; tokens 0.6 + 0.6 x 0.5 = 0.9
 *   gate at 1.2: wait (1 - 0.9) / 1.344 s = 74405 us (rounded up)
 *   t=2.2 ok:  measured = 0.8 x 1 + 0.2 x 1.92 = 1.184;
 *              rate = 0.4 (1 - cbrt(1.44))^3 + 1.92, under 2 x 1.184 */
static void test_adaptive(void)
{
	rs_control_cfg cfg = {.limit = RS_LIMIT_ADAPTIVE, .limit_on_empty = RS_LIMIT_WAIT};
	rs_throttle *t = rs_throttle_new(&cfg);
	rs_time until = -1;
	uint32_t s;
	uint64_t id;
	rs_throttle_stats st;
	/* not in force before the first throttle: any number goes */
	for (uint32_t i = 0; i < 4; i++)
		CHECK_I64(gate(t, 0, i, &until), RS_GATE_GO);
	rs_throttle_done(t, S(0.6), RS_RESULT_OK, &s, &id);
	rs_throttle_stats_get(t, &st);
	CHECK(!st.enforcing);
	CHECK_NEAR(st.rate_rps, 0.5, 1e-12);
	rs_throttle_done(t, S(1.2), RS_RESULT_THROTTLED, &s, &id);
	rs_throttle_stats_get(t, &st);
	CHECK(st.enforcing);
	CHECK_NEAR(st.rate_rps, 1.344, 1e-12);
	CHECK_I64(gate(t, 1.2, 9, &until), RS_GATE_WAIT);
	CHECK_I64(until, S(1.2) + 74405);
	rs_throttle_done(t, S(2.2), RS_RESULT_OK, &s, &id);
	rs_throttle_stats_get(t, &st);
	double x = 1 - cbrt(1.44);
	CHECK_NEAR(st.rate_rps, 0.4 * x * x * x + 1.92, 1e-12);
	/* a 5xx is not a throttle: the rate grows on the cubic, no cut */
	rs_throttle_done(t, S(3.2), RS_RESULT_FAILED, &s, &id);
	rs_throttle_stats_get(t, &st);
	CHECK(st.rate_rps > 1.92);
	rs_throttle_free(t);
}

/* max 2 in flight, queue timeout 5 s: FIFO, and a timed-out request
 * leaves the queue while one already sent is not touched. */
static void test_concurrency(void)
{
	rs_control_cfg cfg = {.max_in_flight = 2, .queue_timeout_s = 5};
	rs_throttle *t = rs_throttle_new(&cfg);
	rs_time until = -1;
	uint32_t s = 99;
	uint64_t id = 99;
	CHECK_I64(gate(t, 0, 0, &until), RS_GATE_GO);
	CHECK_I64(gate(t, 0, 1, &until), RS_GATE_GO);
	CHECK_I64(gate(t, 0, 2, &until), RS_GATE_QUEUE);
	CHECK_I64(until, S(5));
	CHECK_I64(gate(t, 1, 3, &until), RS_GATE_QUEUE);
	CHECK_I64(gate(t, 1, 4, &until), RS_GATE_QUEUE);
	CHECK(rs_throttle_done(t, S(2), RS_RESULT_OK, &s, &id));
	CHECK_I64(s, 2);
	CHECK_I64(id, 2);
	CHECK(!rs_throttle_expire(t, 2, 2)); /* it left the queue at 2 s */
	CHECK(rs_throttle_expire(t, 4, 4));  /* out of order still works */
	CHECK(!rs_throttle_expire(t, 4, 4));
	CHECK(rs_throttle_done(t, S(6), RS_RESULT_FAILED, &s, &id));
	CHECK_I64(s, 3);
	CHECK(!rs_throttle_done(t, S(7), RS_RESULT_OK, &s, &id));
	rs_throttle_stats st;
	rs_throttle_stats_get(t, &st);
	CHECK_I64(st.in_flight, 1);
	CHECK_I64(st.peak_in_flight, 2);
	CHECK_I64(st.peak_queue, 3);
	CHECK_I64(st.expired, 1);
	CHECK_I64(st.queued, 3);
	rs_throttle_free(t);
}

/* failures 3, open 10 s, one probe:
 *   fail, fail, ok (count reset), fail, fail, fail at 3 s -> open to 13 s
 *   5 s refused; 13 s half-open: one probe goes, the next is refused
 *   14 s the probe fails -> open to 24 s
 *   24 s probe goes, 25 s it succeeds -> closed; everything goes again */
static void test_breaker(void)
{
	rs_control_cfg cfg = {.breaker_failures = 3, .breaker_open_s = 10, .breaker_probes = 1};
	rs_throttle *t = rs_throttle_new(&cfg);
	rs_time until;
	uint32_t s;
	uint64_t id;
	rs_throttle_stats st;
	rs_result seq[] = {RS_RESULT_FAILED, RS_RESULT_THROTTLED, RS_RESULT_OK,
	                   RS_RESULT_FAILED, RS_RESULT_FAILED,    RS_RESULT_THROTTLED};
	for (int i = 0; i < 6; i++) {
		CHECK_I64(gate(t, i * 0.5, (uint32_t)i, &until), RS_GATE_GO);
		rs_throttle_done(t, i < 5 ? S(i * 0.5) : S(3), seq[i], &s, &id);
		rs_throttle_stats_get(t, &st);
		CHECK_I64(st.breaker, i < 5 ? RS_BREAKER_CLOSED : RS_BREAKER_OPEN);
	}
	CHECK_I64(gate(t, 5, 10, &until), RS_GATE_REJECT);
	CHECK_I64(gate(t, 12.999999, 11, &until), RS_GATE_REJECT);
	CHECK_I64(gate(t, 13, 12, &until), RS_GATE_GO);
	rs_throttle_stats_get(t, &st);
	CHECK_I64(st.breaker, RS_BREAKER_HALF_OPEN);
	CHECK_I64(gate(t, 13, 13, &until), RS_GATE_REJECT);
	rs_throttle_done(t, S(14), RS_RESULT_FAILED, &s, &id);
	rs_throttle_stats_get(t, &st);
	CHECK_I64(st.breaker, RS_BREAKER_OPEN);
	CHECK_I64(gate(t, 23, 14, &until), RS_GATE_REJECT);
	CHECK_I64(gate(t, 24, 15, &until), RS_GATE_GO);
	rs_throttle_done(t, S(25), RS_RESULT_OK, &s, &id);
	rs_throttle_stats_get(t, &st);
	CHECK_I64(st.breaker, RS_BREAKER_CLOSED);
	CHECK_I64(st.breaker_trips, 2);
	CHECK_I64(st.rejected_breaker, 4);
	CHECK_I64(gate(t, 25, 16, &until), RS_GATE_GO);
	CHECK_I64(gate(t, 25, 17, &until), RS_GATE_GO);
	rs_throttle_free(t);
}

/* A half-open probe that is never answered is given back: refused right
 * after the gate (RS_RESULT_NONE), or timed out in the queue. */
static void test_probe_given_back(void)
{
	rs_control_cfg cfg = {.breaker_failures = 1,
	                      .breaker_open_s = 10,
	                      .breaker_probes = 1,
	                      .max_in_flight = 1,
	                      .queue_timeout_s = 1};
	rs_throttle *t = rs_throttle_new(&cfg);
	rs_time until;
	uint32_t s;
	uint64_t id;
	rs_throttle_stats st;
	CHECK_I64(gate(t, 0, 0, &until), RS_GATE_GO);
	rs_throttle_done(t, S(0), RS_RESULT_FAILED, &s, &id); /* open to 10 s */
	CHECK_I64(gate(t, 10, 1, &until), RS_GATE_GO);        /* the probe */
	rs_throttle_done(t, S(10), RS_RESULT_NONE, &s, &id);  /* refused after all */
	CHECK_I64(gate(t, 10, 2, &until), RS_GATE_GO);        /* so another may go */
	rs_throttle_stats_get(t, &st);
	CHECK_I64(st.breaker, RS_BREAKER_HALF_OPEN);
	rs_throttle_done(t, S(11), RS_RESULT_FAILED, &s, &id); /* open to 21 s */
	CHECK_I64(gate(t, 21, 3, &until), RS_GATE_GO);         /* half-open again: a probe */
	rs_throttle_done(t, S(21), RS_RESULT_NONE, &s, &id);
	CHECK_I64(gate(t, 21, 4, &until), RS_GATE_GO); /* probe again */
	rs_throttle_free(t);

	cfg.breaker_probes = 2;
	t = rs_throttle_new(&cfg);
	CHECK_I64(gate(t, 0, 0, &until), RS_GATE_GO);
	rs_throttle_done(t, S(0), RS_RESULT_FAILED, &s, &id); /* open to 10 s */
	CHECK_I64(gate(t, 10, 1, &until), RS_GATE_GO);        /* probe 1, in flight */
	CHECK_I64(gate(t, 10, 2, &until), RS_GATE_QUEUE);     /* probe 2, queued */
	CHECK_I64(gate(t, 10, 3, &until), RS_GATE_REJECT);    /* no probe left */
	CHECK(rs_throttle_expire(t, 2, 2));                   /* probe 2 given back */
	CHECK_I64(gate(t, 11, 4, &until), RS_GATE_QUEUE);
	rs_throttle_free(t);
}

int main(void)
{
	RUN(test_off);
	RUN(test_fixed_bucket);
	RUN(test_adaptive);
	RUN(test_concurrency);
	RUN(test_breaker);
	RUN(test_probe_given_back);
	return th_done();
}
