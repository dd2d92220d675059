/*
 * test_arrivals.c - arrival generators against closed forms: evenly spaced
 * constant arrivals, the inverse of a quadratic Lambda for ramps, step
 * schedules, the Poisson count's 3-sigma band, and trace replay with speedup,
 * loop period and end.  Runs with cwd = the repo root.
 */
#include "ratesim/arrivals.h"

#include "harness.h"

#include <stdlib.h>

/* Seconds to microseconds, rounded (x >= 0; usable in initialisers). */
#define S(x)         ((rs_time)((x) * (double)RS_US_PER_S + 0.5))
#define MAX_ARRIVALS 200000
#define CONV         "scenarios/traces/AzureLLMInferenceTrace_conv.csv"

static rs_time at_buf[MAX_ARRIVALS];
static int64_t row_buf[MAX_ARRIVALS];

/* Run a generator to its end. OUT: at_buf, row_buf.  Returns the count, or
 * -1 when the generator could not be made. */
static long run(const rs_arrival_cfg *cfg, const rs_trace *tr, rs_time end, unsigned long seed)
{
	rs_arrivals *a = NULL;
	rs_error err = {0};
	if (rs_arrivals_new(cfg, tr, end, &a, &err) != RS_OK) {
		TH_FAIL("rs_arrivals_new: %s", err.msg);
		return -1;
	}
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	long n = 0;
	rs_time at, prev = 0;
	int64_t row;
	while (rs_arrivals_next(a, rng, rs_rng_mt_state(rng), &at, &row)) {
		if (at < prev || at >= end || n == MAX_ARRIVALS) {
			TH_FAIL("arrival %ld at %lld out of order or range", n, (long long)at);
			break;
		}
		prev = at;
		at_buf[n] = at;
		row_buf[n] = row;
		n++;
	}
	/* once over, it stays over */
	CHECK(!rs_arrivals_next(a, rng, rs_rng_mt_state(rng), &at, &row));
	gsl_rng_free(rng);
	rs_arrivals_free(a);
	return n;
}

static rs_arrival_cfg sched(rs_arrival_process p, rs_rate_point *pts, size_t n)
{
	return (rs_arrival_cfg){.process = p, .schedule = pts, .n_schedule = n, .speedup = 1.0};
}

/* 10 rps for 10 s: exactly 100 arrivals at 0, 0.1, ..., 9.9 s. */
static void test_constant(void)
{
	rs_rate_point p[] = {{0, 10, false}};
	rs_arrival_cfg cfg = sched(RS_ARRIVAL_CONSTANT, p, 1);
	long n = run(&cfg, NULL, S(10), 1);
	CHECK_I64(n, 100);
	for (long k = 0; k < n; k++) {
		if (at_buf[k] != k * 100000)
			TH_FAIL("arrival %ld at %lld, want %ld", k, (long long)at_buf[k],
			        k * 100000);
		if (row_buf[k] != -1)
			TH_FAIL("arrival %ld: row %lld, want -1", k, (long long)row_buf[k]);
	}
	CHECK_I64(run(&cfg, NULL, S(10) + 1, 1), 101);
	CHECK_I64(run(&cfg, NULL, 0, 1), 0);
}

/* Rate 0 -> 20 rps linearly over 100 s: Lambda(t) = 0.1 t^2, so arrival k
 * is at sqrt(10 k) s and Lambda(100) = 1000 arrivals come before 100 s; the
 * rate then holds at 20 rps, so 10 s more give 200 more, from 100 s on. */
static void test_ramp_up(void)
{
	rs_rate_point p[] = {{0, 0, true}, {100, 20, false}};
	rs_arrival_cfg cfg = sched(RS_ARRIVAL_CONSTANT, p, 2);
	long n = run(&cfg, NULL, S(100), 1);
	CHECK_I64(n, 1000);
	long bad = 0;
	for (long k = 0; k < n; k++)
		bad += llabs(at_buf[k] - llround(sqrt(10.0 * (double)k) * 1e6)) > 1;
	CHECK_I64(bad, 0);
	CHECK_I64(at_buf[10], S(10));
	CHECK_I64(at_buf[1], 3162278); /* sqrt(10) s */
	n = run(&cfg, NULL, S(110), 1);
	CHECK_I64(n, 1200);
	CHECK_I64(at_buf[1000], S(100));
	CHECK_I64(at_buf[1001], S(100.05));
	CHECK_I64(at_buf[1199], S(109.95));
}

/* Rate 10 -> 0 over 10 s: Lambda(t) = 10 t - t^2 / 2, 50 in all, so arrival
 * k is at 10 - sqrt(100 - 2 k) s for k < 50 and then none (the last rate is 0). */
static void test_ramp_down(void)
{
	rs_rate_point p[] = {{0, 10, true}, {10, 0, false}};
	rs_arrival_cfg cfg = sched(RS_ARRIVAL_CONSTANT, p, 2);
	long n = run(&cfg, NULL, S(1000), 1);
	CHECK_I64(n, 50);
	long bad = 0;
	for (long k = 0; k < n; k++)
		bad += llabs(at_buf[k] - llround((10 - sqrt(100 - 2.0 * (double)k)) * 1e6)) > 1;
	CHECK_I64(bad, 0);
}

/* Steps 10 rps on [0, 10), 20 on [10, 20), 0 after: 100 + 200 arrivals. */
static void test_steps(void)
{
	rs_rate_point p[] = {{0, 10, false}, {10, 20, false}, {20, 0, false}};
	rs_arrival_cfg cfg = sched(RS_ARRIVAL_CONSTANT, p, 3);
	long n = run(&cfg, NULL, S(100), 1);
	CHECK_I64(n, 300);
	CHECK_I64(at_buf[99], S(9.9));
	CHECK_I64(at_buf[100], S(10));
	CHECK_I64(at_buf[101], 10050000);
	CHECK_I64(at_buf[299], 19950000);

	/* zero rate before the first point and on [5, 10): first arrival at 10 s */
	rs_rate_point q[] = {{5, 0, false}, {10, 4, false}};
	cfg = sched(RS_ARRIVAL_CONSTANT, q, 2);
	n = run(&cfg, NULL, S(12), 1);
	CHECK_I64(n, 8);
	CHECK_I64(at_buf[0], S(10));
	CHECK_I64(at_buf[7], S(11.75));

	/* two points at one time: an instant step, no arrival lost or doubled */
	rs_rate_point r[] = {{0, 2, false}, {1, 0, false}, {1, 4, false}};
	cfg = sched(RS_ARRIVAL_CONSTANT, r, 3);
	n = run(&cfg, NULL, S(2), 1);
	CHECK_I64(n, 2 + 4);
	CHECK_I64(at_buf[2], S(1));
	CHECK_I64(at_buf[5], S(1.75));
}

/* 50 rps for 1000 s: N ~ Poisson(50,000), within 3 sigma = 3 sqrt(50,000). */
static void test_poisson(void)
{
	rs_rate_point p[] = {{0, 50, false}};
	rs_arrival_cfg cfg = sched(RS_ARRIVAL_POISSON, p, 1);
	long n = run(&cfg, NULL, S(1000), 7);
	CHECK_NEAR(n, 50000, 3 * sqrt(50000.0));
	rs_time last = n > 0 ? at_buf[n - 1] : -1;
	long n2 = run(&cfg, NULL, S(1000), 7);
	CHECK_I64(n2, n);
	CHECK_I64(n2 > 0 ? at_buf[n2 - 1] : -1, last);

	/* 5 rps on [10, 20) only: ~Poisson(50), every arrival inside */
	rs_rate_point q[] = {{0, 0, false}, {10, 5, false}, {20, 0, false}};
	cfg = sched(RS_ARRIVAL_POISSON, q, 3);
	long total = 0, outside = 0;
	for (unsigned long seed = 1; seed <= 100; seed++) {
		n = run(&cfg, NULL, S(1000), seed);
		total += n;
		for (long k = 0; k < n; k++)
			outside += at_buf[k] < S(10) || at_buf[k] >= S(20);
	}
	CHECK_I64(outside, 0);
	CHECK_NEAR(total, 5000, 3 * sqrt(5000.0));
}

/* A hand-made trace: rows at 0, 1 s and 3 s; mean gap 1.5 s. */
static rs_time tr_t[] = {0, S(1), S(3)};
static int32_t tr_p[] = {10, 20, 30}, tr_o[] = {1, 2, 3};
static const rs_trace small = {.n = 3,
                               .t = tr_t,
                               .prompt = tr_p,
                               .output = tr_o,
                               .span = S(3),
                               .mean_gap = S(1.5),
                               .format = RS_TRACE_AZURE};

static void test_trace_replay(void)
{
	rs_arrival_cfg cfg = {.process = RS_ARRIVAL_TRACE, .speedup = 1.0};
	CHECK_I64(run(&cfg, &small, S(100), 1), 3);
	CHECK_I64(at_buf[2], S(3));
	CHECK_I64(row_buf[0], 0);
	CHECK_I64(row_buf[2], 2);
	/* end cuts: no arrival at or after it */
	CHECK_I64(run(&cfg, &small, S(3), 1), 2);
	CHECK_I64(run(&cfg, &small, S(3) + 1, 1), 3);

	/* speedup 2 halves the offsets, rounded to the microsecond (half away) */
	rs_time odd_t[] = {0, 3, 10, 1000001};
	const rs_trace odd = {.n = 4,
	                      .t = odd_t,
	                      .prompt = tr_p,
	                      .output = tr_o,
	                      .span = 1000001,
	                      .mean_gap = 333333};
	cfg.speedup = 2.0;
	CHECK_I64(run(&cfg, &odd, S(100), 1), 4);
	CHECK_I64(at_buf[1], 2);
	CHECK_I64(at_buf[2], 5);
	CHECK_I64(at_buf[3], 500001);

	rs_trace_cfg tc = {.path = CONV};
	rs_trace *conv = NULL;
	rs_error err = {0};
	if (rs_trace_load(&tc, &conv, &err) != RS_OK) {
		TH_FAIL("%s", err.msg);
		return;
	}
	long n = run(&cfg, conv, INT64_MAX, 1);
	CHECK_I64(n, 19366);
	long bad = 0;
	for (long i = 0; i < n; i++)
		bad += llabs(2 * at_buf[i] - conv->t[i]) > 1 || row_buf[i] != i;
	CHECK_I64(bad, 0);
	CHECK_I64(at_buf[n - 1], INT64_C(3501721937) / 2 + 1);
	rs_trace_free(conv);
}

/* Loop: period = span + mean gap = 4.5 s; laps at 0, 4.5, 9 s. */
static void test_trace_loop(void)
{
	rs_arrival_cfg cfg = {.process = RS_ARRIVAL_TRACE, .speedup = 1.0, .loop = true};
	static const rs_time want[] = {0, S(1), S(3), S(4.5), S(5.5), S(7.5), S(9)};
	static const int64_t rows[] = {0, 1, 2, 0, 1, 2, 0};
	CHECK_I64(run(&cfg, &small, S(10), 1), 7);
	for (int i = 0; i < 7; i++) {
		CHECK_I64(at_buf[i], want[i]);
		CHECK_I64(row_buf[i], rows[i]);
	}
	/* speedup 2: period 2.25 s, everything halved; 5 s itself is cut */
	cfg.speedup = 2.0;
	CHECK_I64(run(&cfg, &small, S(5), 1), 7);
	for (int i = 0; i < 7; i++)
		CHECK_I64(at_buf[i], want[i] / 2);
	/* a long run: 1000 laps exactly */
	cfg.speedup = 1.0;
	CHECK_I64(run(&cfg, &small, S(4500), 1), 3000);
	CHECK_I64(at_buf[2999], S(4500 - 1.5));
}

static void expect_invalid(const rs_arrival_cfg *cfg, const rs_trace *tr, const char *msg)
{
	rs_arrivals *a = (rs_arrivals *)cfg; /* must be reset to NULL */
	rs_error err = {0};
	CHECK_I64(rs_arrivals_new(cfg, tr, S(10), &a, &err), RS_ERR_INVALID);
	CHECK(a == NULL);
	CHECK_STR(err.msg, msg);
}

static void test_errors(void)
{
	rs_arrival_cfg cfg = {.process = RS_ARRIVAL_TRACE, .speedup = 1.0};
	expect_invalid(&cfg, NULL, "trace replay: the trace has no rows");
	rs_trace empty = {.n = 0};
	expect_invalid(&cfg, &empty, "trace replay: the trace has no rows");
	cfg.speedup = 0;
	expect_invalid(&cfg, &small, "trace replay: speedup must be > 0 (got 0)");
	rs_time same_t[] = {0, 0};
	rs_trace same = {.n = 2, .t = same_t, .prompt = tr_p, .output = tr_o, .path = "t.csv"};
	cfg.speedup = 1.0;
	cfg.loop = true;
	expect_invalid(&cfg, &same,
	               "t.csv: trace replay: cannot loop: the period (span 0 us + mean gap 0 us) / "
	               "speedup 1 rounds to 0 us");
	cfg.loop = false;
	CHECK_I64(run(&cfg, &same, S(1), 1), 2); /* without loop it is fine */

	rs_arrival_cfg c = sched(RS_ARRIVAL_POISSON, NULL, 0);
	expect_invalid(&c, NULL, "arrival schedule: needs at least one point");
	rs_rate_point p[] = {{0, 1, false}, {5, -1, false}};
	c = sched(RS_ARRIVAL_CONSTANT, p, 2);
	expect_invalid(&c, NULL, "arrival schedule: point 1: rate_rps must be >= 0 (got -1)");
	rs_rate_point q[] = {{5, 1, false}, {4, 1, false}};
	c = sched(RS_ARRIVAL_CONSTANT, q, 2);
	expect_invalid(&c, NULL, "arrival schedule: point 1: at_s goes backwards (4 after 5)");
	rs_arrivals_free(NULL);
}

int main(void)
{
	RUN(test_constant);
	RUN(test_ramp_up);
	RUN(test_ramp_down);
	RUN(test_steps);
	RUN(test_poisson);
	RUN(test_trace_replay);
	RUN(test_trace_loop);
	RUN(test_errors);
	return th_done();
}
