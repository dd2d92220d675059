/*
 * test_retry.c - the retry family: closed-form means and exact bounds of
 * every jitter formula over 200,000 draws, doubling up to the cap, every
 * retry-after mode, max_retries, the deadline, the retry budget, a
 * hand-worked retry-ratio sequence with window expiry, the adaptive
 * throttling probability (exact and empirical within 3 sigma), and
 * determinism of the draws.
 */
#include "ratesim/retry.h"
#include "ratesim/retry_presets.h"

#include "harness.h"

#include <stdlib.h>

#define DRAWS   200000
#define S(x)    ((rs_time)((x)*1e6 + 0.5)) /* whole or simple seconds to rs_time */
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static gsl_rng *new_rng(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	return r;
}

/* A policy with no budget, ratio, throttling or deadline. */
static rs_retry_cfg fixed_cfg(double delay_s, int max_retries)
{
	rs_retry_cfg c = {.policy = RS_RETRY_FIXED, .max_retries = max_retries, .delay_s = delay_s};
	return c;
}

static rs_retry_cfg expo_cfg(double base_s, double cap_s, rs_jitter jitter)
{
	rs_retry_cfg c = {.policy = RS_RETRY_EXPONENTIAL,
	                  .max_retries = 1000,
	                  .base_s = base_s,
	                  .cap_s = cap_s,
	                  .jitter = jitter,
	                  .factor_min = 0.75,
	                  .factor_max = 1.0};
	return c;
}

/* One decision with no retry-after, at time 0, elapsed 0: the delay, or -1
 * when not GO. */
static rs_time next_delay(const rs_retry_cfg *c, rs_retry_state *st, gsl_rng *rng, int attempts,
                          double *prev)
{
	rs_time d = -7;
	rs_retry_stop s = rs_retry_next(c, st, rng, 0, attempts, -1, 0, prev, &d);
	return s == RS_RETRY_GO ? d : -1;
}

/* Draw DRAWS delays for retry number n (the previous backoff prev_s each
 * time) and check: mean within 1% of `mean_s`, min >= lo_s and max <= hi_s
 * (after rounding to the microsecond), and both bounds approached within
 * 0.1% of the range. */
static void check_draws(const rs_retry_cfg *c, int n, double prev_s, double mean_s, double lo_s,
                        double hi_s)
{
	gsl_rng *rng = new_rng(42);
	rs_retry_state *st = rs_retry_state_new(c);
	double sum = 0;
	rs_time lo = INT64_MAX, hi = INT64_MIN;
	for (int i = 0; i < DRAWS; i++) {
		double prev = prev_s;
		rs_time d = next_delay(c, st, rng, n, &prev);
		CHECK(d >= 0);
		if (d < 0)
			break;
		CHECK_NEAR(prev, rs_time_to_s(d), 0.5e-6); /* prev out = the backoff drawn */
		sum += rs_time_to_s(d);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	CHECK_NEAR(sum / DRAWS, mean_s, 0.01 * mean_s);
	CHECK(lo >= rs_time_from_s(lo_s));
	CHECK(hi <= rs_time_from_s(hi_s));
	CHECK(rs_time_to_s(lo) - lo_s < 1e-3 * (hi_s - lo_s));
	CHECK(hi_s - rs_time_to_s(hi) < 1e-3 * (hi_s - lo_s));
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

/* Retry 3 with base 0.5 and cap 8: d = 0.5 x 2^2 = 2 s. */
static void test_jitter_none(void)
{
	rs_retry_cfg c = expo_cfg(0.5, 8, RS_JITTER_NONE);
	gsl_rng *rng = new_rng(1);
	rs_retry_state *st = rs_retry_state_new(&c);
	double prev = 0;
	for (int i = 0; i < 1000; i++)
		CHECK_I64(next_delay(&c, st, rng, 3, &prev), S(2));
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

static void test_jitter_full(void)
{
	rs_retry_cfg c = expo_cfg(0.5, 8, RS_JITTER_FULL);
	check_draws(&c, 3, 0, 1.0, 0, 2); /* U(0, 2): mean d/2 */
}

static void test_jitter_equal(void)
{
	rs_retry_cfg c = expo_cfg(0.5, 8, RS_JITTER_EQUAL);
	check_draws(&c, 3, 0, 1.5, 1, 2); /* 1 + U(0, 1): mean 3d/4 */
}

static void test_jitter_factor(void)
{
	rs_retry_cfg c = expo_cfg(0.5, 8, RS_JITTER_FACTOR);
	check_draws(&c, 3, 0, 2 * 0.875, 1.5, 2); /* 2 x U(0.75, 1): mean d (min+max)/2 */
}

static void test_jitter_decorrelated(void)
{
	/* First retry: U(base, 3 base) = U(1, 3), mean 2 base. */
	rs_retry_cfg c = expo_cfg(1, 100, RS_JITTER_DECORRELATED);
	check_draws(&c, 1, 0, 2.0, 1, 3);
	/* A later retry from prev = 4: U(1, 12), mean 6.5; the retry number
	 * does not matter. */
	check_draws(&c, 5, 4, 6.5, 1, 12);
	/* Capped at 2: min(2, U(1, 3)) is U(1, 2) half the time and 2 the
	 * other half: mean 0.5 x 1.5 + 0.5 x 2 = 1.75, max exactly the cap. */
	c.cap_s = 2;
	check_draws(&c, 1, 0, 1.75, 1, 2);
}

/* The chain: each draw lies in [base, 3 x the previous one]. */
static void test_decorrelated_chain(void)
{
	rs_retry_cfg c = expo_cfg(0.1, 1000, RS_JITTER_DECORRELATED);
	gsl_rng *rng = new_rng(3);
	rs_retry_state *st = rs_retry_state_new(&c);
	double prev = 0, last = 0.1;
	for (int n = 1; n <= 20; n++) {
		rs_time d = next_delay(&c, st, rng, n, &prev);
		CHECK(d >= S(0.1) && d <= rs_time_from_s(3 * last));
		CHECK_NEAR(prev, rs_time_to_s(d), 0.5e-6);
		last = prev;
	}
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

static void test_doubling_to_cap(void)
{
	rs_retry_cfg c = expo_cfg(0.5, 8, RS_JITTER_NONE);
	gsl_rng *rng = new_rng(1);
	rs_retry_state *st = rs_retry_state_new(&c);
	const double want[] = {0.5, 1, 2, 4, 8, 8, 8};
	double prev = 0;
	for (int n = 1; n <= 7; n++)
		CHECK_I64(next_delay(&c, st, rng, n, &prev), S(want[n - 1]));
	/* 2^2000 overflows to infinity: still the cap. */
	CHECK_I64(next_delay(&c, st, rng, 999, &prev), S(8));
	/* Full jitter stays under the doubled bound: retry 2 is U(0, 1). */
	c.jitter = RS_JITTER_FULL;
	for (int i = 0; i < 1000; i++) {
		rs_time d = next_delay(&c, st, rng, 2, &prev);
		CHECK(d >= 0 && d <= S(1));
	}
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

/* The delay of one decision with the given retry-after (fixed policy, 2 s). */
static rs_time ra_delay(rs_retry_cfg *c, gsl_rng *rng, int64_t retry_after_ms)
{
	rs_retry_state *st = rs_retry_state_new(c);
	double prev = 0;
	rs_time d = -7;
	rs_retry_stop s = rs_retry_next(c, st, rng, 0, 1, retry_after_ms, 0, &prev, &d);
	CHECK_I64(s, RS_RETRY_GO);
	rs_retry_state_free(st);
	return d;
}

static void test_retry_after_modes(void)
{
	rs_retry_cfg c = fixed_cfg(2, 3);
	gsl_rng *rng = new_rng(5);

	c.retry_after = RS_RETRY_AFTER_IGNORE;
	CHECK_I64(ra_delay(&c, rng, 1500), S(2));
	CHECK_I64(ra_delay(&c, rng, -1), S(2));

	c.retry_after = RS_RETRY_AFTER_HONOUR;
	CHECK_I64(ra_delay(&c, rng, 1500), S(1.5));
	CHECK_I64(ra_delay(&c, rng, 0), 0);
	CHECK_I64(ra_delay(&c, rng, 90000), S(90));
	CHECK_I64(ra_delay(&c, rng, -1), S(2));

	c.retry_after = RS_RETRY_AFTER_CAP;
	c.retry_after_cap_s = 60;
	CHECK_I64(ra_delay(&c, rng, 1500), S(1.5));
	CHECK_I64(ra_delay(&c, rng, 60000), S(60)); /* at the cap: honoured */
	CHECK_I64(ra_delay(&c, rng, 60001), S(2));  /* beyond: the policy's delay */
	CHECK_I64(ra_delay(&c, rng, -1), S(2));

	/* 1.5 s + U(0, 1): in [1.5, 2.5), mean 2 over 200,000 draws (sigma of
	 * the mean 0.29 / 447 = 0.00065). */
	c.retry_after = RS_RETRY_AFTER_JITTER;
	c.retry_after_jitter_s = 1;
	rs_retry_state *st = rs_retry_state_new(&c);
	double sum = 0;
	rs_time lo = INT64_MAX, hi = INT64_MIN;
	for (int i = 0; i < DRAWS; i++) {
		double prev = 0;
		rs_time d = -1;
		rs_retry_next(&c, st, rng, 0, 1, 1500, 0, &prev, &d);
		sum += rs_time_to_s(d);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	CHECK_NEAR(sum / DRAWS, 2.0, 0.02);
	CHECK(lo >= S(1.5) && lo < S(1.501));
	CHECK(hi <= S(2.5) && hi > S(2.499));
	rs_retry_state_free(st);
	CHECK_I64(ra_delay(&c, rng, -1), S(2));

	/* With exponential backoff the policy's delay is the backoff. */
	rs_retry_cfg e = expo_cfg(0.5, 8, RS_JITTER_NONE);
	e.retry_after = RS_RETRY_AFTER_CAP;
	e.retry_after_cap_s = 60;
	CHECK_I64(ra_delay(&e, rng, 70000), S(0.5));
	CHECK_I64(ra_delay(&e, rng, 3000), S(3));
	gsl_rng_free(rng);
}

/* max(backoff, retry-after) and min(retry-after, cap): Azure.Core's
 * DelayStrategy and a clamp. */
static void test_retry_after_max_clamp(void)
{
	rs_retry_cfg c = fixed_cfg(2, 3);
	gsl_rng *rng = new_rng(5);
	c.retry_after = RS_RETRY_AFTER_MAX;
	CHECK_I64(ra_delay(&c, rng, 1500), S(2)); /* backoff is longer */
	CHECK_I64(ra_delay(&c, rng, 2000), S(2));
	CHECK_I64(ra_delay(&c, rng, 3500), S(3.5)); /* the service asks longer */
	CHECK_I64(ra_delay(&c, rng, -1), S(2));
	c.retry_after = RS_RETRY_AFTER_CLAMP;
	c.retry_after_cap_s = 10;
	CHECK_I64(ra_delay(&c, rng, 1500), S(1.5));
	CHECK_I64(ra_delay(&c, rng, 10000), S(10));
	CHECK_I64(ra_delay(&c, rng, 90000), S(10)); /* clamped, not replaced */
	CHECK_I64(ra_delay(&c, rng, -1), S(2));
	gsl_rng_free(rng);
}

/* Give up when the answer asks for longer than retry_after_give_up_s:
 * exactly at the threshold still waits; no retry-after never gives up;
 * the budget is not charged for a give-up. */
static void test_retry_after_give_up(void)
{
	rs_retry_cfg c = fixed_cfg(2, 3);
	c.retry_after = RS_RETRY_AFTER_HONOUR;
	c.retry_after_give_up_s = 30;
	c.budget_max = 1;
	gsl_rng *rng = new_rng(5);
	rs_retry_state *st = rs_retry_state_new(&c);
	double prev = 0;
	rs_time d = -1;
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, 30001, 0, &prev, &d), RS_RETRY_STOP_RETRY_AFTER);
	CHECK_I64(d, -1);
	CHECK_STR(rs_retry_stop_name(RS_RETRY_STOP_RETRY_AFTER), "retry_after");
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, 30000, 0, &prev, &d), RS_RETRY_GO);
	CHECK_I64(d, S(30));
	/* the one budget token went to that retry: the next is refused by the
	 * budget, so the give-up above did not take it */
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, -1, 0, &prev, &d), RS_RETRY_STOP_BUDGET);
	c.retry_after_give_up_s = 0; /* off: any wait is honoured */
	rs_retry_state_free(st);
	st = rs_retry_state_new(&c);
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, 3600000, 0, &prev, &d), RS_RETRY_GO);
	CHECK_I64(d, S(3600));
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

/*
 * cap_jitter (litellm's _calculate_retry_after): a retry-after up to the
 * cap is waited plus U(0, j); beyond the cap, and without one, the backoff
 * plus U(0, j).  Exponential 0.5 / 8, jitter none, cap 60 s, j 0.75: the
 * first retry's backoff is 0.5 s.  Over DRAWS draws each wait lies in
 * [base, base + 0.75) with mean base + 0.375 (within 1%): base 30 s for a
 * 30 s retry-after, 60 s for exactly 60 s, 0.5 s for 60.001 s, 86,400 s and
 * no retry-after at all.
 */
static void test_retry_after_cap_jitter(void)
{
	rs_retry_cfg c = expo_cfg(0.5, 8, RS_JITTER_NONE);
	c.retry_after = RS_RETRY_AFTER_CAP_JITTER;
	c.retry_after_cap_s = 60;
	c.retry_after_jitter_s = 0.75;
	static const struct {
		int64_t ra_ms;
		double base_s;
	} cases[] = {{30000, 30}, {60000, 60}, {60001, 0.5}, {86400000, 0.5}, {-1, 0.5}};
	gsl_rng *rng = new_rng(11);
	rs_retry_state *st = rs_retry_state_new(&c);
	for (size_t k = 0; k < N_OF(cases); k++) {
		double sum = 0, lo = 1e300, hi = -1;
		for (int i = 0; i < DRAWS; i++) {
			double prev = 0;
			rs_time d = -1;
			CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, cases[k].ra_ms, 0, &prev, &d),
			          RS_RETRY_GO);
			double w = (double)d / 1e6;
			sum += w;
			lo = w < lo ? w : lo;
			hi = w > hi ? w : hi;
		}
		CHECK(lo >= cases[k].base_s && hi <= cases[k].base_s + 0.75);
		CHECK(lo < cases[k].base_s + 0.001 && hi > cases[k].base_s + 0.749);
		CHECK_NEAR(sum / DRAWS, cases[k].base_s + 0.375, 0.01 * (cases[k].base_s + 0.375));
	}
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

/*
 * What each SDK preset does with the 86,400 s retry-after the service sends
 * to an estimate above the whole TPM (MODEL.md section 13), after the first
 * attempt (retry 1):
 *   openai-python: backoff 0.5 x U(0.75, 1): a wait in [0.375, 0.5] s;
 *   openai-python-120s: gives up (STOP_RETRY_AFTER); a 120 s one is waited;
 *   azure-core: waits exactly 86,400 s;
 *   litellm-router: backoff 0.5 + U(0, 0.75): a wait in [0.5, 1.25) s.
 * Every preset name is found, and no other.
 */
static void test_presets_long_retry_after(void)
{
	const int64_t day_ms = 86400000;
	gsl_rng *rng = new_rng(3);
	CHECK_I64(rs_retry_preset_count(), 4);
	CHECK(rs_retry_preset_find("boto3") == NULL);
	for (size_t i = 0; i < rs_retry_preset_count(); i++)
		CHECK(rs_retry_preset_find(rs_retry_preset_name(i)) != NULL);
	static const struct {
		const char *name;
		rs_retry_stop stop;
		double lo_s, hi_s;
	} cases[] = {
	    {"openai-python", RS_RETRY_GO, 0.375, 0.5},
	    {"openai-python-120s", RS_RETRY_STOP_RETRY_AFTER, 0, 0},
	    {"azure-core", RS_RETRY_GO, 86400, 86400},
	    {"litellm-router", RS_RETRY_GO, 0.5, 1.25},
	};
	for (size_t k = 0; k < N_OF(cases); k++) {
		const rs_retry_cfg *c = rs_retry_preset_find(cases[k].name);
		CHECK(c != NULL);
		if (!c)
			continue;
		rs_retry_state *st = rs_retry_state_new(c);
		for (int i = 0; i < 1000; i++) {
			double prev = 0;
			rs_time d = -1;
			rs_retry_stop got = rs_retry_next(c, st, rng, 0, 1, day_ms, 0, &prev, &d);
			if (got != cases[k].stop) {
				TH_FAIL("%s: stop %s, want %s", cases[k].name,
				        rs_retry_stop_name(got), rs_retry_stop_name(cases[k].stop));
				break;
			}
			if (got == RS_RETRY_GO && (d < S(cases[k].lo_s) || d > S(cases[k].hi_s))) {
				TH_FAIL("%s: waits %" PRId64 " us, want [%g, %g] s", cases[k].name,
				        d, cases[k].lo_s, cases[k].hi_s);
				break;
			}
		}
		rs_retry_state_free(st);
	}
	const rs_retry_cfg *c = rs_retry_preset_find("openai-python-120s");
	rs_retry_state *st = rs_retry_state_new(c);
	double prev = 0;
	rs_time d = -1;
	CHECK_I64(rs_retry_next(c, st, rng, 0, 1, 120000, 0, &prev, &d), RS_RETRY_GO);
	CHECK_I64(d, S(120));
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

static void test_policy_stops(void)
{
	gsl_rng *rng = new_rng(1);
	double prev = 0;
	rs_time d;

	rs_retry_cfg none = {.policy = RS_RETRY_NONE, .max_retries = 5};
	rs_retry_state *st = rs_retry_state_new(&none);
	CHECK_I64(rs_retry_next(&none, st, rng, 0, 1, 100, 0, &prev, &d), RS_RETRY_STOP_POLICY);
	rs_retry_state_free(st);

	/* max_retries 2: after attempts 1 and 2, retry; after 3, stop. */
	rs_retry_cfg c = fixed_cfg(1, 2);
	st = rs_retry_state_new(&c);
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, -1, 0, &prev, &d), RS_RETRY_GO);
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 2, -1, 0, &prev, &d), RS_RETRY_GO);
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 3, -1, 0, &prev, &d), RS_RETRY_STOP_POLICY);
	rs_retry_state_free(st);

	c.max_retries = 0;
	st = rs_retry_state_new(&c);
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, -1, 0, &prev, &d), RS_RETRY_STOP_POLICY);
	rs_retry_state_free(st);

	/* Exponential obeys max_retries too; a stop leaves *delay and *prev. */
	rs_retry_cfg e = expo_cfg(0.5, 8, RS_JITTER_NONE);
	e.max_retries = 1;
	st = rs_retry_state_new(&e);
	prev = 0;
	d = 0;
	CHECK_I64(rs_retry_next(&e, st, rng, 0, 1, -1, 0, &prev, &d), RS_RETRY_GO);
	CHECK_I64(d, S(0.5));
	d = -3;
	prev = 7;
	CHECK_I64(rs_retry_next(&e, st, rng, 0, 2, -1, 0, &prev, &d), RS_RETRY_STOP_POLICY);
	CHECK_I64(d, -3);
	CHECK_NEAR(prev, 7, 0);
	rs_retry_state_free(st);

	CHECK_STR(rs_retry_stop_name(RS_RETRY_GO), "go");
	CHECK_STR(rs_retry_stop_name(RS_RETRY_STOP_POLICY), "policy");
	CHECK_STR(rs_retry_stop_name(RS_RETRY_STOP_DEADLINE), "deadline");
	CHECK_STR(rs_retry_stop_name(RS_RETRY_STOP_BUDGET), "budget");
	CHECK_STR(rs_retry_stop_name(RS_RETRY_STOP_RATIO), "ratio");
	gsl_rng_free(rng);
}

/* Deadline 10 s, delay 2 s: a retry starting at exactly 10 s goes, one
 * starting a microsecond later does not; retry-after counts too. */
static void test_deadline(void)
{
	rs_retry_cfg c = fixed_cfg(2, 10);
	c.deadline_s = 10;
	c.retry_after = RS_RETRY_AFTER_HONOUR;
	gsl_rng *rng = new_rng(1);
	rs_retry_state *st = rs_retry_state_new(&c);
	double prev = 0;
	rs_time d;
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, -1, S(8), &prev, &d), RS_RETRY_GO);
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, -1, S(8) + 1, &prev, &d),
	          RS_RETRY_STOP_DEADLINE);
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, 9000, S(1), &prev, &d), RS_RETRY_GO);
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, 9001, S(1), &prev, &d), RS_RETRY_STOP_DEADLINE);
	/* The policy check comes first. */
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 11, -1, S(20), &prev, &d), RS_RETRY_STOP_POLICY);
	/* deadline_s 0: no deadline. */
	c.deadline_s = 0;
	CHECK_I64(rs_retry_next(&c, st, rng, 0, 1, -1, S(1e6), &prev, &d), RS_RETRY_GO);
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

static rs_retry_stop go(rs_retry_cfg *c, rs_retry_state *st, rs_time now)
{
	double prev = 0;
	rs_time d;
	return rs_retry_next(c, st, NULL, now, 1, -1, 0, &prev, &d);
}

/* Budget 3, refund 0.5: starts full, three retries empty it, one accepted
 * answer (0.5) is not enough, two are; refunds stop at the maximum. */
static void test_budget(void)
{
	rs_retry_cfg c = fixed_cfg(1, 100);
	c.budget_max = 3;
	c.budget_refund = 0.5;
	rs_retry_state *st = rs_retry_state_new(&c);
	for (int i = 0; i < 3; i++)
		CHECK_I64(go(&c, st, 0), RS_RETRY_GO);
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_BUDGET);
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_BUDGET); /* a refusal costs nothing */
	rs_retry_on_answer(st, 0, false);               /* failures refund nothing */
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_BUDGET);
	rs_retry_on_answer(st, 0, true);
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_BUDGET);
	rs_retry_on_answer(st, 0, true);
	CHECK_I64(go(&c, st, 0), RS_RETRY_GO);
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_BUDGET);
	for (int i = 0; i < 100; i++)
		rs_retry_on_answer(st, 0, true);
	for (int i = 0; i < 3; i++)
		CHECK_I64(go(&c, st, 0), RS_RETRY_GO);
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_BUDGET);
	rs_retry_state_free(st);

	/* Ten refunds of 0.1 make one whole token despite rounding. */
	c.budget_max = 1;
	c.budget_refund = 0.1;
	st = rs_retry_state_new(&c);
	CHECK_I64(go(&c, st, 0), RS_RETRY_GO);
	for (int i = 0; i < 9; i++)
		rs_retry_on_answer(st, 0, true);
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_BUDGET);
	rs_retry_on_answer(st, 0, true);
	CHECK_I64(go(&c, st, 0), RS_RETRY_GO);
	rs_retry_state_free(st);

	/* A deadline refusal does not spend a token. */
	c.budget_max = 1;
	c.deadline_s = 5;
	st = rs_retry_state_new(&c);
	double prev = 0;
	rs_time d;
	CHECK_I64(rs_retry_next(&c, st, NULL, 0, 1, -1, S(10), &prev, &d), RS_RETRY_STOP_DEADLINE);
	CHECK_I64(go(&c, st, 0), RS_RETRY_GO);
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_BUDGET);
	rs_retry_state_free(st);
}

/* Ratio 0.1 over 10 s: 100 first attempts allow 10 retries, the 11th is
 * refused; a GO alone does not count, only a retry recorded as sent. */
static void test_ratio(void)
{
	rs_retry_cfg c = fixed_cfg(1, 100);
	c.retry_ratio = 0.1;
	c.retry_ratio_window_s = 10;
	rs_retry_state *st = rs_retry_state_new(&c);
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_RATIO); /* empty window: no grace */
	for (int i = 0; i < 100; i++)
		rs_retry_on_sent(st, 0, false);
	/* each granted retry counts once; sending it does not count again */
	for (int i = 0; i < 10; i++) {
		CHECK_I64(go(&c, st, S(1)), RS_RETRY_GO);
		rs_retry_on_sent(st, S(1), true);
	}
	CHECK_I64(go(&c, st, S(1)), RS_RETRY_STOP_RATIO);
	/* Ten more first attempts allow one more retry. */
	for (int i = 0; i < 10; i++)
		rs_retry_on_sent(st, S(2), false);
	CHECK_I64(go(&c, st, S(2)), RS_RETRY_GO);
	rs_retry_on_sent(st, S(2), true);
	CHECK_I64(go(&c, st, S(2)), RS_RETRY_STOP_RATIO);
	rs_retry_state_free(st);

	/* 0.29 x 100 = 28.999999999999996 in doubles: still 29 retries. */
	c.retry_ratio = 0.29;
	st = rs_retry_state_new(&c);
	for (int i = 0; i < 100; i++)
		rs_retry_on_sent(st, 0, false);
	for (int i = 0; i < 29; i++) {
		CHECK_I64(go(&c, st, 0), RS_RETRY_GO);
		rs_retry_on_sent(st, 0, true);
	}
	CHECK_I64(go(&c, st, 0), RS_RETRY_STOP_RATIO);
	rs_retry_state_free(st);
}

/* Window expiry, 10 s window with 0.1 s slots: an event at t counts until
 * the end of its slot's tenth second.  Retries count when granted.
 *   t = 0     100 first attempts
 *   t = 5     10 first attempts, 5 retries granted, then a 6th: 6 <= 11, GO
 *   t = 9.999999  the t = 0 attempts still count: 7 <= 11, GO
 *   t = 10    they have expired: 10 firsts, 7 retries: 8 > 1, RATIO
 *   t = 15    the t = 5 events have expired; the retry of t = 9.999999
 *             still counts, with no first attempt: 2 > 0, RATIO
 *   t = 15    20 firsts: 1 + 1 <= 2, GO; then 3 > 2, RATIO.
 * Had the t = 5 retries not expired, that GO would be a RATIO. */
static void test_ratio_expiry(void)
{
	rs_retry_cfg c = fixed_cfg(1, 100);
	c.retry_ratio = 0.1;
	c.retry_ratio_window_s = 10;
	rs_retry_state *st = rs_retry_state_new(&c);
	for (int i = 0; i < 100; i++)
		rs_retry_on_sent(st, 0, false);
	for (int i = 0; i < 10; i++)
		rs_retry_on_sent(st, S(5), false);
	for (int i = 0; i < 5; i++) {
		CHECK_I64(go(&c, st, S(5)), RS_RETRY_GO);
		rs_retry_on_sent(st, S(5), true);
	}
	CHECK_I64(go(&c, st, S(5)), RS_RETRY_GO);
	CHECK_I64(go(&c, st, S(10) - 1), RS_RETRY_GO);
	CHECK_I64(go(&c, st, S(10)), RS_RETRY_STOP_RATIO);
	CHECK_I64(go(&c, st, S(15)), RS_RETRY_STOP_RATIO);
	for (int i = 0; i < 20; i++)
		rs_retry_on_sent(st, S(15), false);
	CHECK_I64(go(&c, st, S(15)), RS_RETRY_GO);
	rs_retry_on_sent(st, S(15), true);
	CHECK_I64(go(&c, st, S(15)), RS_RETRY_STOP_RATIO);
	/* A long gap (an hour) empties the window in one step. */
	CHECK_I64(go(&c, st, S(3600)), RS_RETRY_STOP_RATIO);
	rs_retry_on_sent(st, S(3600), false);
	rs_retry_on_sent(st, S(3600), false);
	CHECK_I64(go(&c, st, S(3600)), RS_RETRY_STOP_RATIO); /* 1 > 0.2 */
	for (int i = 0; i < 8; i++)
		rs_retry_on_sent(st, S(3600), false);
	CHECK_I64(go(&c, st, S(3600)), RS_RETRY_GO);
	rs_retry_state_free(st);
}

/* A state with adaptive throttling, window 120 s, fed `requests` requests
 * (through rs_retry_throttle) and `accepts` accepted answers at t = 0. */
static rs_retry_state *fed_state(const rs_retry_cfg *c, gsl_rng *rng, int requests, int accepts)
{
	rs_retry_state *st = rs_retry_state_new(c);
	for (int i = 0; i < requests; i++)
		rs_retry_throttle(st, rng, 0);
	for (int i = 0; i < accepts; i++)
		rs_retry_on_answer(st, 0, true);
	return st;
}

#define THROTTLE_TRIALS 20000

/* 1000 requests, 100 accepts, K = 2: P = (1000 - 200) / 1001 exactly, and
 * the next call rejects with that rate: over 20,000 fresh states, sigma =
 * sqrt(P (1 - P) / 20,000) = 0.0028. */
static void test_throttle_rate(void)
{
	rs_retry_cfg c = fixed_cfg(1, 3);
	c.adaptive_k = 2;
	c.adaptive_window_s = 120;
	gsl_rng *rng = new_rng(11);
	double p = 800.0 / 1001.0;

	rs_retry_state *st = fed_state(&c, rng, 1000, 100);
	CHECK_NEAR(rs_retry_throttle_p(st, S(1)), p, 1e-15);
	rs_retry_state_free(st);

	int rejected = 0;
	for (int i = 0; i < THROTTLE_TRIALS; i++) {
		st = fed_state(&c, rng, 1000, 100);
		rejected += rs_retry_throttle(st, rng, S(1));
		rs_retry_state_free(st);
	}
	double sigma = sqrt(p * (1 - p) / THROTTLE_TRIALS);
	CHECK_NEAR((double)rejected / THROTTLE_TRIALS, p, 3 * sigma);
	gsl_rng_free(rng);
}

/* P = 0 when K x accepts >= requests: 1000 requests, 600 accepts, K = 2
 * leave room for 200 more requests, none rejected; each call counts, so
 * the 201st call sees 1200 - 1200 = 0 too, and the 202nd P = 1/1202. */
static void test_throttle_zero(void)
{
	rs_retry_cfg c = fixed_cfg(1, 3);
	c.adaptive_k = 2;
	c.adaptive_window_s = 120;
	gsl_rng *rng = new_rng(12);
	rs_retry_state *st = fed_state(&c, rng, 1000, 600);
	for (int i = 0; i < 201; i++) {
		CHECK_NEAR(rs_retry_throttle_p(st, S(1)), 0, 0);
		CHECK(!rs_retry_throttle(st, rng, S(1)));
	}
	CHECK_NEAR(rs_retry_throttle_p(st, S(1)), 1.0 / 1202.0, 1e-15);
	rs_retry_state_free(st);

	/* Window expiry: 1000 requests and no accepts at t = 0 give P near 1
	 * until 120 s; from then on the window is empty and P = 0. */
	st = fed_state(&c, rng, 1000, 0);
	CHECK_NEAR(rs_retry_throttle_p(st, S(120) - 1), 1000.0 / 1001.0, 1e-15);
	CHECK_NEAR(rs_retry_throttle_p(st, S(120)), 0, 0);
	CHECK(!rs_retry_throttle(st, rng, S(120)));
	rs_retry_state_free(st);
	gsl_rng_free(rng);
}

/* K = 0: never throttles and draws nothing from the stream. */
static void test_throttle_off(void)
{
	rs_retry_cfg c = fixed_cfg(1, 3);
	c.adaptive_k = 0;
	c.adaptive_window_s = 120;
	gsl_rng *rng = new_rng(13), *ref = new_rng(13);
	rs_retry_state *st = rs_retry_state_new(&c);
	for (int i = 0; i < 10000; i++)
		CHECK(!rs_retry_throttle(st, rng, 0));
	CHECK_NEAR(rs_retry_throttle_p(st, 0), 0, 0);
	CHECK_I64(gsl_rng_get(rng), gsl_rng_get(ref));
	rs_retry_state_free(st);
	gsl_rng_free(rng);
	gsl_rng_free(ref);
	rs_retry_state_free(NULL);
}

/* Same seed, same delays; another seed, other delays (full jitter up to a
 * 30 s cap, and retry-after jitter on every third answer). */
static void test_determinism(void)
{
	rs_retry_cfg c = expo_cfg(0.5, 30, RS_JITTER_FULL);
	c.retry_after = RS_RETRY_AFTER_JITTER;
	c.retry_after_jitter_s = 2;
	gsl_rng *a = new_rng(99), *b = new_rng(99), *o = new_rng(100);
	rs_retry_state *sa = rs_retry_state_new(&c), *sb = rs_retry_state_new(&c),
	               *so = rs_retry_state_new(&c);
	double pa = 0, pb = 0, po = 0;
	int differ = 0;
	for (int n = 1; n <= 200; n++) {
		rs_time da, db, dd;
		int64_t ra = n % 3 ? -1 : 1000 * n;
		rs_retry_next(&c, sa, a, 0, n, ra, 0, &pa, &da);
		rs_retry_next(&c, sb, b, 0, n, ra, 0, &pb, &db);
		rs_retry_next(&c, so, o, 0, n, ra, 0, &po, &dd);
		CHECK_I64(da, db);
		differ += da != dd;
	}
	CHECK(differ > 190);
	rs_retry_state_free(sa);
	rs_retry_state_free(sb);
	rs_retry_state_free(so);
	gsl_rng_free(a);
	gsl_rng_free(b);
	gsl_rng_free(o);
}

int main(void)
{
	RUN(test_jitter_none);
	RUN(test_jitter_full);
	RUN(test_jitter_equal);
	RUN(test_jitter_factor);
	RUN(test_jitter_decorrelated);
	RUN(test_decorrelated_chain);
	RUN(test_doubling_to_cap);
	RUN(test_retry_after_modes);
	RUN(test_retry_after_max_clamp);
	RUN(test_retry_after_give_up);
	RUN(test_retry_after_cap_jitter);
	RUN(test_presets_long_retry_after);
	RUN(test_policy_stops);
	RUN(test_deadline);
	RUN(test_budget);
	RUN(test_ratio);
	RUN(test_ratio_expiry);
	RUN(test_throttle_rate);
	RUN(test_throttle_zero);
	RUN(test_throttle_off);
	RUN(test_determinism);
	return th_done();
}
