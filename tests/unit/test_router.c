/*
 * test_router.c - the router's decisions (sim/router.c, MODEL.md section 8):
 * each strategy, cooldown after a 429, the circuit breaker, all_down, tried[],
 * max_tries and the counters.
 *
 * Every expected pick was worked by hand from the rules in router.c's design
 * note; the working is in the comment above each block.  Random strategies
 * are checked against their expected share within 3 standard deviations of
 * a binomial count, at a fixed seed (so the run is reproducible; the bound
 * is what would make a wrong share fail).  Times are S(seconds) or MS(ms) of
 * simulated time; a "1 us before" check is written T - 1.
 */
#include "harness.h"
#include "ratesim/router.h"

#include <stdlib.h>

#define S(x)   ((rs_time)((x)*1000000.0 + 0.5)) /* seconds, may be fractional */
#define MS(x)  ((rs_time)((x)*1000.0 + 0.5))    /* milliseconds */
#define MAXB   8                                /* backends in a test router, at most */
#define SEED   42                               /* the scenario seed of every test */
#define SIGMAS 3.0                              /* tolerance of the share checks */

/* A router configuration with n equal backends (weight 1, priority 0):
 * cooldown on 429 (5 s without retry-after), no breaker, all_down FAIL,
 * max_tries n, latency_alpha 0.5.  Tests adjust fields before building. */
static rs_router_cfg make_cfg(rs_backend_cfg *bk, size_t n, rs_route_strategy s)
{
	static char *names[MAXB] = {"b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"};
	for (size_t i = 0; i < n; i++) {
		bk[i] = (rs_backend_cfg){
		    .name = names[i],
		    .target = {.is_router = false, .index = (int)i},
		    .weight = 1.0,
		    .priority = 0,
		    .rtt_ms = -1.0,
		};
	}
	rs_router_cfg c = {
	    .name = "gw",
	    .strategy = s,
	    .backends = bk,
	    .n_backends = n,
	    .cooldown_on_429 = true,
	    .cooldown_s = 5.0,
	    .breaker_failures = 0,
	    .breaker_window_s = 10.0,
	    .breaker_open_s = 30.0,
	    .all_down = RS_ALL_DOWN_FAIL,
	    .max_tries = (int)n,
	    .latency_alpha = 0.5,
	};
	return c;
}

static void throttled(rs_router *r, int b, rs_time now, int64_t retry_after_ms)
{
	rs_router_answer a = {.kind = RS_ANSWER_THROTTLED, .retry_after_ms = retry_after_ms};
	rs_router_observe(r, b, now, &a);
}

static void failed(rs_router *r, int b, rs_time now)
{
	rs_router_answer a = {.kind = RS_ANSWER_ERROR, .retry_after_ms = -1};
	rs_router_observe(r, b, now, &a);
}

static void ok_latency(rs_router *r, int b, rs_time now, double ms)
{
	rs_router_answer a = {.kind = RS_ANSWER_OK, .retry_after_ms = -1, .latency_ms = ms};
	rs_router_observe(r, b, now, &a);
}

static void with_util(rs_router *r, int b, rs_time now, int kind, double u)
{
	rs_decision d = {.admitted = kind == RS_ANSWER_OK, .retry_after_ms = 0, .utilisation = u};
	rs_router_answer a = {.kind = kind, .retry_after_ms = 0, .decision = &d, .latency_ms = 1};
	rs_router_observe(r, b, now, &a);
}

/* pick with nothing tried; soonest discarded */
static int pick(rs_router *r, rs_time now)
{
	rs_time soon;
	return rs_router_pick(r, now, NULL, &soon);
}

/* |count - n p| <= SIGMAS sqrt(n p (1 - p)) */
static bool within_sigmas(long count, long n, double p)
{
	double sd = sqrt((double)n * p * (1.0 - p));
	return fabs((double)count - (double)n * p) <= SIGMAS * sd;
}

static void test_new_free(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 3, RS_ROUTE_ROUND_ROBIN);
	rs_router *r = rs_router_new(&c, SEED);
	CHECK(r != NULL);
	CHECK_I64(rs_router_backends(r), 3);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.picks, 0);
	CHECK_I64(st.cooldowns, 0);
	CHECK_I64(st.breaker_trips, 0);
	CHECK_I64(st.all_down, 0);
	rs_router_free(r);
	rs_router_free(NULL); /* no-op */

	/* a router with no backend has nothing to pick */
	rs_router_cfg e = make_cfg(bk, 0, RS_ROUTE_RANDOM);
	r = rs_router_new(&e, SEED);
	CHECK(r != NULL);
	rs_time soon = 0;
	CHECK_I64(rs_router_pick(r, 0, NULL, &soon), -1);
	CHECK_I64(soon, INT64_MAX);
	rs_router_free(r);
}

/* 300 picks over 3 healthy backends: 0,1,2,0,1,2,... exactly 100 each. */
static void test_round_robin_even(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 3, RS_ROUTE_ROUND_ROBIN);
	rs_router *r = rs_router_new(&c, SEED);
	long count[3] = {0};
	for (int i = 0; i < 300; i++) {
		int b = pick(r, MS(i));
		CHECK_I64(b, i % 3);
		if (b >= 0 && b < 3)
			count[b]++;
	}
	CHECK_I64(count[0], 100);
	CHECK_I64(count[1], 100);
	CHECK_I64(count[2], 100);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.picks, 300);
	rs_router_free(r);
}

/* Picks 0,1,2 at 1,2,3 s (cursor back at 0).  Backend 0 answers 429 at 3 s
 * with retry-after 2000 ms: cooling until exactly 5 s.
 *   4 s: cursor 0, 0 cooling -> 1 (cursor 2)
 *   4.5 s: -> 2 (cursor 0)
 *   5 s - 1 us: 0 still cooling -> 1 (cursor 2)
 *   5 s - 1 us: -> 2 (cursor 0)
 *   5 s: 0 available again -> 0, then 1, 2 as before. */
static void test_round_robin_skips_cooling(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 3, RS_ROUTE_ROUND_ROBIN);
	rs_router *r = rs_router_new(&c, SEED);
	CHECK_I64(pick(r, S(1)), 0);
	CHECK_I64(pick(r, S(2)), 1);
	CHECK_I64(pick(r, S(3)), 2);
	throttled(r, 0, S(3), 2000);
	CHECK_I64(pick(r, S(4)), 1);
	CHECK_I64(pick(r, S(4.5)), 2);
	CHECK_I64(pick(r, S(5) - 1), 1);
	CHECK_I64(pick(r, S(5) - 1), 2);
	CHECK_I64(pick(r, S(5)), 0);
	CHECK_I64(pick(r, S(5)), 1);
	CHECK_I64(pick(r, S(5)), 2);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.cooldowns, 1);
	CHECK_I64(st.all_down, 0);
	rs_router_free(r);
}

/* Weights 1:3: backend 1's share is 3/4; over 100,000 picks the count is
 * 75,000 +- 3 x sqrt(100000 x 0.25 x 0.75) = +- 410.8. */
static void test_weighted(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 2, RS_ROUTE_WEIGHTED);
	bk[1].weight = 3.0;
	rs_router *r = rs_router_new(&c, SEED);
	const long n = 100000;
	long count[2] = {0};
	for (long i = 0; i < n; i++) {
		int b = pick(r, i);
		CHECK(b == 0 || b == 1);
		if (b == 0 || b == 1)
			count[b]++;
	}
	CHECK_I64(count[0] + count[1], n);
	CHECK(within_sigmas(count[1], n, 0.75));
	rs_router_free(r);

	/* a backend of weight 0 is never picked while another is a candidate */
	rs_router_cfg z = make_cfg(bk, 3, RS_ROUTE_WEIGHTED);
	bk[0].weight = 0.0;
	r = rs_router_new(&z, SEED);
	long seen[3] = {0};
	for (long i = 0; i < 1000; i++) {
		int b = pick(r, i);
		if (b >= 0 && b < 3)
			seen[b]++;
	}
	CHECK_I64(seen[0], 0);
	CHECK(seen[1] > 0 && seen[2] > 0);
	CHECK_I64(seen[1] + seen[2], 1000);
	rs_router_free(r);
}

/* Backend 0 (priority 0) over backend 1 (priority 1).  0 gets every pick
 * until its 429 at 10 s with retry-after 1500 ms; the world's router-level
 * retry (tried[0]) goes to 1, and so does every new attempt until exactly
 * 10 s + 1500 ms; from then on 0 again. */
static void test_priority_failover(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 2, RS_ROUTE_PRIORITY);
	bk[1].priority = 1;
	rs_router *r = rs_router_new(&c, SEED);
	int to0 = 0;
	for (int i = 0; i < 100; i++)
		to0 += pick(r, MS(i)) == 0;
	CHECK_I64(to0, 100);

	const rs_time t429 = S(10), back = t429 + MS(1500);
	CHECK_I64(pick(r, t429), 0);
	throttled(r, 0, t429, 1500);
	bool tried[2] = {true, false};
	rs_time soon = 0;
	CHECK_I64(rs_router_pick(r, t429, tried, &soon), 1);
	CHECK_I64(soon, t429);
	CHECK_I64(pick(r, t429), 1);
	CHECK_I64(pick(r, t429 + MS(700)), 1);
	CHECK_I64(pick(r, back - 1), 1);
	CHECK_I64(pick(r, back), 0);
	CHECK_I64(pick(r, back + 1), 0);

	/* with 0 tried, 1 even when 0 is healthy; with both tried, nothing */
	CHECK_I64(rs_router_pick(r, S(20), tried, &soon), 1);
	bool both[2] = {true, true};
	CHECK_I64(rs_router_pick(r, S(20), both, &soon), -1);
	CHECK_I64(soon, INT64_MAX);
	rs_router_free(r);
}

/* Backends 0 and 1 at priority 0, backend 2 at priority 1: 2 never gets a
 * pick, 0 and 1 split 20,000 picks evenly: 10,000 +- 3 x sqrt(5000) = 212. */
static void test_priority_ties(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 3, RS_ROUTE_PRIORITY);
	bk[2].priority = 1;
	rs_router *r = rs_router_new(&c, SEED);
	const long n = 20000;
	long count[3] = {0};
	for (long i = 0; i < n; i++) {
		int b = pick(r, i);
		if (b >= 0 && b < 3)
			count[b]++;
	}
	CHECK_I64(count[2], 0);
	CHECK_I64(count[0] + count[1], n);
	CHECK(within_sigmas(count[0], n, 0.5));

	/* both of the top level tried: the next level */
	bool tried[3] = {true, true, false};
	rs_time soon;
	CHECK_I64(rs_router_pick(r, S(1), tried, &soon), 2);
	rs_router_free(r);
}

/* cooldown_on_429 off, so only the reported utilisation steers:
 *   nothing heard: 0, 0, 0 -> 0 (lowest index)
 *   0 reports 0.5: 0.5, 0, 0 -> 1
 *   1 reports 0.9 (a 429), 2 reports 0.3: 0.5, 0.9, 0.3 -> 2
 *   2 reports 0.7: 0.5, 0.9, 0.7 -> 0
 *   0 answers an error without a decision: unchanged -> 0
 *   0 reports 0.7: 0.7, 0.9, 0.7 -> 0 (tie, lowest index) */
static void test_least_utilized(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 3, RS_ROUTE_LEAST_UTILIZED);
	c.cooldown_on_429 = false;
	rs_router *r = rs_router_new(&c, SEED);
	CHECK_I64(pick(r, S(1)), 0);
	with_util(r, 0, S(1), RS_ANSWER_OK, 0.5);
	CHECK_I64(pick(r, S(2)), 1);
	with_util(r, 1, S(2), RS_ANSWER_THROTTLED, 0.9);
	with_util(r, 2, S(2), RS_ANSWER_OK, 0.3);
	CHECK_I64(pick(r, S(3)), 2);
	with_util(r, 2, S(3), RS_ANSWER_OK, 0.7);
	CHECK_I64(pick(r, S(4)), 0);
	failed(r, 0, S(4));
	CHECK_I64(pick(r, S(5)), 0);
	with_util(r, 0, S(5), RS_ANSWER_OK, 0.7);
	CHECK_I64(pick(r, S(6)), 0);
	/* the least utilised one tried: the next least */
	bool tried[3] = {true, false, false};
	rs_time soon;
	CHECK_I64(rs_router_pick(r, S(6), tried, &soon), 2);
	rs_router_free(r);
}

/* alpha = 0.25; a first sample sets the average; unseen counts as 0.
 *   0 <- 100: avg 100, -, -        -> 1 (unseen)
 *   1 <- 40:  100, 40, -           -> 2 (unseen)
 *   2 <- 80:  100, 40, 80          -> 1
 *   1 <- 200: 0.25x200 + 0.75x40 = 50 + 30 = 80: 100, 80, 80 -> 1 (tie)
 *   1 <- 120: 0.25x120 + 0.75x80 = 30 + 60 = 90: 100, 90, 80 -> 2
 *   0 <- 20:  0.25x20 + 0.75x100 = 5 + 75 = 80:  80, 90, 80  -> 0 (tie)
 *   2 answers a 429 with latency 1: not a sample (it would give 2 60.25) -> 0 */
static void test_latency(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 3, RS_ROUTE_LATENCY);
	c.latency_alpha = 0.25;
	c.cooldown_on_429 = false;
	rs_router *r = rs_router_new(&c, SEED);
	CHECK_I64(pick(r, S(1)), 0);
	ok_latency(r, 0, S(1), 100);
	CHECK_I64(pick(r, S(2)), 1);
	ok_latency(r, 1, S(2), 40);
	CHECK_I64(pick(r, S(3)), 2);
	ok_latency(r, 2, S(3), 80);
	CHECK_I64(pick(r, S(4)), 1);
	ok_latency(r, 1, S(4), 200);
	CHECK_I64(pick(r, S(5)), 1);
	ok_latency(r, 1, S(5), 120);
	CHECK_I64(pick(r, S(6)), 2);
	ok_latency(r, 0, S(6), 20);
	CHECK_I64(pick(r, S(7)), 0);
	rs_router_answer a = {.kind = RS_ANSWER_THROTTLED, .retry_after_ms = 0, .latency_ms = 1};
	rs_router_observe(r, 2, S(7), &a);
	CHECK_I64(pick(r, S(8)), 0);
	rs_router_free(r);
}

/* One backend, all_down FAIL, cooldown_s 2.5.
 *   429 at 10 s without retry-after: cooling until 12.5 s.
 *   A 429 never shortens a cooldown: retry-after 5000 ms at 20 s, then
 *   1000 ms at 21 s: still until 25 s.  retry-after 0: available at once.
 *   cooldown_on_429 off: a 429 leaves the backend available. */
static void test_cooldown(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 1, RS_ROUTE_ROUND_ROBIN);
	c.cooldown_s = 2.5;
	rs_router *r = rs_router_new(&c, SEED);
	rs_time soon = 0;
	throttled(r, 0, S(10), -1);
	CHECK_I64(rs_router_pick(r, S(12.5) - 1, NULL, &soon), -1);
	CHECK_I64(soon, S(12.5));
	CHECK_I64(rs_router_pick(r, S(12.5), NULL, &soon), 0);

	throttled(r, 0, S(20), 5000);
	throttled(r, 0, S(21), 1000);
	CHECK_I64(rs_router_pick(r, S(22), NULL, &soon), -1);
	CHECK_I64(soon, S(25));
	CHECK_I64(rs_router_pick(r, S(25), NULL, &soon), 0);

	throttled(r, 0, S(30), 0);
	CHECK_I64(rs_router_pick(r, S(30), NULL, &soon), 0);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.cooldowns, 4);
	CHECK_I64(st.all_down, 2);
	CHECK_I64(st.picks, 3);
	rs_router_free(r);

	c.cooldown_on_429 = false;
	r = rs_router_new(&c, SEED);
	throttled(r, 0, S(10), 5000);
	CHECK_I64(rs_router_pick(r, S(10), NULL, &soon), 0);
	rs_router_stats_get(r, &st);
	CHECK_I64(st.cooldowns, 0);
	rs_router_free(r);
}

/* Breaker: 3 failures within 10 s trip it for 30 s.  Backend 0 has
 * priority over 1, cooldown off, so picks show the breaker alone.
 *   Errors at 0, 5, 10 s - 1 us: the oldest, 0, is > (10 s - 1 us) - 10 s,
 *   so it trips at 10 s - 1 us and stays open until 40 s - 1 us. */
static void test_breaker_trips_within_window(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 2, RS_ROUTE_PRIORITY);
	bk[1].priority = 1;
	c.cooldown_on_429 = false;
	c.breaker_failures = 3;
	c.breaker_window_s = 10.0;
	c.breaker_open_s = 30.0;
	rs_router *r = rs_router_new(&c, SEED);
	failed(r, 0, S(0));
	throttled(r, 0, S(5), 100); /* a 429 is a failure too */
	CHECK_I64(pick(r, S(10) - 2), 0);
	rs_router_answer t = {.kind = RS_ANSWER_TIMEOUT, .retry_after_ms = -1};
	rs_router_observe(r, 0, S(10) - 1, &t);
	CHECK_I64(pick(r, S(10) - 1), 1);
	CHECK_I64(pick(r, S(40) - 2), 1);
	CHECK_I64(pick(r, S(40) - 1), 0);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.breaker_trips, 1);
	CHECK_I64(st.cooldowns, 0);
	rs_router_free(r);
}

/* Same breaker, errors spread wider than the window.
 *   0, 5, 10 s: at 10 s the oldest, 0, is not > 10 - 10 = 0: no trip.
 *   14 s: the last three are 5, 10, 14 and 5 > 4: trips, open until 17 s
 *   (breaker_open_s 3 here), history cleared.
 *   15 s (while open): not counted.
 *   17 s, 18 s: two failures since closing (were 10 and 14 kept, 10, 14,
 *   17 would trip at 17; were 15 counted, 15, 17, 18 would trip at 18).
 *   19 s: 17, 18, 19: trips again, open until 22 s. */
static void test_breaker_spread_and_reset(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 2, RS_ROUTE_PRIORITY);
	bk[1].priority = 1;
	c.cooldown_on_429 = false;
	c.breaker_failures = 3;
	c.breaker_window_s = 10.0;
	c.breaker_open_s = 3.0;
	rs_router *r = rs_router_new(&c, SEED);
	failed(r, 0, S(0));
	failed(r, 0, S(5));
	failed(r, 0, S(10));
	CHECK_I64(pick(r, S(10)), 0);
	failed(r, 0, S(14));
	CHECK_I64(pick(r, S(14)), 1);
	failed(r, 0, S(15));
	CHECK_I64(pick(r, S(17) - 1), 1);
	CHECK_I64(pick(r, S(17)), 0);
	failed(r, 0, S(17));
	CHECK_I64(pick(r, S(17)), 0);
	failed(r, 0, S(18));
	CHECK_I64(pick(r, S(18)), 0);
	failed(r, 0, S(19));
	CHECK_I64(pick(r, S(19)), 1);
	CHECK_I64(pick(r, S(22) - 1), 1);
	CHECK_I64(pick(r, S(22)), 0);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.breaker_trips, 2);
	rs_router_free(r);
}

/* Cooldown and breaker together: unavailable until the later of the two.
 * One backend, breaker_failures 1 (every failure trips), open 5 s.
 *   429 at 0 with retry-after 8000 ms: cool 8 s, open 5 s -> soonest 8 s.
 *   429 at 100 s with retry-after 2000 ms: cool 102 s, open 105 s -> 105 s. */
static void test_cooldown_and_breaker(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 1, RS_ROUTE_ROUND_ROBIN);
	c.breaker_failures = 1;
	c.breaker_open_s = 5.0;
	rs_router *r = rs_router_new(&c, SEED);
	rs_time soon = 0;
	throttled(r, 0, S(0), 8000);
	CHECK_I64(rs_router_pick(r, S(6), NULL, &soon), -1);
	CHECK_I64(soon, S(8));
	CHECK_I64(rs_router_pick(r, S(8), NULL, &soon), 0);
	throttled(r, 0, S(100), 2000);
	CHECK_I64(rs_router_pick(r, S(103), NULL, &soon), -1);
	CHECK_I64(soon, S(105));
	CHECK_I64(rs_router_pick(r, S(105), NULL, &soon), 0);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.breaker_trips, 2);
	CHECK_I64(st.cooldowns, 2);
	rs_router_free(r);
}

/* Two backends, round robin: 0 answers 429 at 1 s (retry-after 3000 ms,
 * back at 4 s), 1 at 2 s (retry-after 1000 ms, back at 3 s).  At 2.5 s
 * both are down: soonest 3 s; with 1 tried, 4 s; with both tried, INT64_MAX
 * (and that is no all-down).  FAIL and WAIT answer the same; SEND picks by
 * the strategy among the untried. */
static void all_down_case(rs_all_down mode)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 2, RS_ROUTE_ROUND_ROBIN);
	c.all_down = mode;
	rs_router *r = rs_router_new(&c, SEED);
	throttled(r, 0, S(1), 3000);
	throttled(r, 1, S(2), 1000);
	rs_time soon = 0;
	bool tried1[2] = {false, true}, tried0[2] = {true, false}, both[2] = {true, true};
	int b = rs_router_pick(r, S(2.5), NULL, &soon);
	if (mode == RS_ALL_DOWN_SEND) {
		CHECK_I64(b, 0);
		CHECK_I64(soon, S(2.5));
		CHECK_I64(rs_router_pick(r, S(2.5), NULL, &soon), 1); /* the cursor moved on */
		CHECK_I64(rs_router_pick(r, S(2.5), tried1, &soon), 0);
		CHECK_I64(rs_router_pick(r, S(2.5), tried0, &soon), 1);
	} else {
		CHECK_I64(b, -1);
		CHECK_I64(soon, S(3));
		CHECK_I64(rs_router_pick(r, S(2.5), NULL, &soon), -1);
		CHECK_I64(soon, S(3));
		CHECK_I64(rs_router_pick(r, S(2.5), tried1, &soon), -1);
		CHECK_I64(soon, S(4));
		CHECK_I64(rs_router_pick(r, S(2.5), tried0, &soon), -1);
		CHECK_I64(soon, S(3));
		/* WAIT's second ask at the soonest time gets a backend */
		CHECK_I64(rs_router_pick(r, S(3), NULL, &soon), 1);
	}
	CHECK_I64(rs_router_pick(r, S(2.5), both, &soon), -1);
	CHECK_I64(soon, INT64_MAX);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.all_down, 4);
	CHECK_I64(st.picks, mode == RS_ALL_DOWN_SEND ? 4 : 1);
	rs_router_free(r);
}

static void test_all_down_fail(void)
{
	all_down_case(RS_ALL_DOWN_FAIL);
}

static void test_all_down_wait(void)
{
	all_down_case(RS_ALL_DOWN_WAIT);
}

static void test_all_down_send(void)
{
	all_down_case(RS_ALL_DOWN_SEND);
}

/* SEND with priority ignores health but keeps the order: 0 first. */
static void test_all_down_send_priority(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 2, RS_ROUTE_PRIORITY);
	bk[1].priority = 1;
	c.all_down = RS_ALL_DOWN_SEND;
	rs_router *r = rs_router_new(&c, SEED);
	throttled(r, 0, S(1), 5000);
	CHECK_I64(pick(r, S(1)), 1); /* 1 is healthy */
	throttled(r, 1, S(1), 5000);
	CHECK_I64(pick(r, S(2)), 0); /* both down: by priority */
	rs_router_free(r);
}

/* Random over 4: with 1 and 3 tried only 0 and 2 come back, each about half
 * of 1000 (500 +- 3 x sqrt(250) = 47.4).  max_tries 2: after two tried,
 * nothing, though 2 and 3 are healthy. */
static void test_tried_and_max_tries(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 4, RS_ROUTE_RANDOM);
	rs_router *r = rs_router_new(&c, SEED);
	bool tried[4] = {false, true, false, true};
	long count[4] = {0};
	rs_time soon;
	for (int i = 0; i < 1000; i++) {
		int b = rs_router_pick(r, i, tried, &soon);
		if (b >= 0 && b < 4)
			count[b]++;
	}
	CHECK_I64(count[1] + count[3], 0);
	CHECK_I64(count[0] + count[2], 1000);
	CHECK(within_sigmas(count[0], 1000, 0.5));
	rs_router_free(r);

	c.max_tries = 2;
	r = rs_router_new(&c, SEED);
	bool one[4] = {true, false, false, false}, two[4] = {true, true, false, false};
	int b = rs_router_pick(r, 0, one, &soon);
	CHECK(b >= 1 && b <= 3);
	CHECK_I64(rs_router_pick(r, 0, two, &soon), -1);
	CHECK_I64(soon, INT64_MAX);
	rs_router_stats st;
	rs_router_stats_get(r, &st);
	CHECK_I64(st.all_down, 0);
	CHECK_I64(st.picks, 1);
	CHECK_I64(rs_router_pick(r, 0, two, NULL), -1); /* soonest may be NULL */
	rs_router_free(r);
}

/* Same seed and name: the same picks; the stream is the router's own
 * (another name draws other numbers).  Random over 5 backends, 1000 picks. */
static void test_determinism(void)
{
	rs_backend_cfg bk[MAXB];
	rs_router_cfg c = make_cfg(bk, 5, RS_ROUTE_RANDOM);
	rs_router_cfg d = c;
	d.name = "another";
	rs_router *a = rs_router_new(&c, SEED), *b = rs_router_new(&c, SEED);
	rs_router *o = rs_router_new(&d, SEED);
	int same = 0, same_other = 0;
	for (int i = 0; i < 1000; i++) {
		int pa = pick(a, i), pb = pick(b, i), po = pick(o, i);
		same += pa == pb;
		same_other += pa == po;
	}
	CHECK_I64(same, 1000);
	CHECK(same_other < 1000);
	rs_router_free(a);
	rs_router_free(b);
	rs_router_free(o);
}

int main(void)
{
	RUN(test_new_free);
	RUN(test_round_robin_even);
	RUN(test_round_robin_skips_cooling);
	RUN(test_weighted);
	RUN(test_priority_failover);
	RUN(test_priority_ties);
	RUN(test_least_utilized);
	RUN(test_latency);
	RUN(test_cooldown);
	RUN(test_breaker_trips_within_window);
	RUN(test_breaker_spread_and_reset);
	RUN(test_cooldown_and_breaker);
	RUN(test_all_down_fail);
	RUN(test_all_down_wait);
	RUN(test_all_down_send);
	RUN(test_all_down_send_priority);
	RUN(test_tried_and_max_tries);
	RUN(test_determinism);
	return th_done();
}
