/*
 * test_latency.c - the latency model (latency.h, MODEL.md section 9).
 *
 * With sigma = 0 the timing is exact and is checked to the microsecond
 * against hand-worked sums.  With sigma > 0 the service-side time is
 * multiplied by one lognormal factor: over 100,000 draws its median is 1
 * (within 1%) and the standard deviation of its log is sigma (within 2%).
 * load_sigma is added in proportion to the occupancy, clipped to [0, 1]:
 * with the same random stream, occupancies above 1 give exactly the draws
 * of occupancy 1 and negative ones those of occupancy 0.
 * rs_latency_draw_mt draws what rs_latency_draw draws, through the state of
 * one of ratesim's streams or (state NULL) through GSL's generator.
 */
#include "ratesim/latency.h"

#include "ratesim/rng.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>

#include "harness.h"

#define N_DRAWS 100000

static gsl_rng *new_rng(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (r)
		gsl_rng_set(r, seed);
	return r;
}

/* gpt-4o-like figures with no variation. */
static const rs_latency_params exact = {
    .rtt_ms = 30.0,
    .ttft_base_ms = 400.0,
    .ttft_per_1k_prompt_ms = 50.0,
    .tokens_per_s = 25.0,
    .sigma = 0.0,
    .load_sigma = 0.0,
    .throttle_ms = 5.0,
};

/* prompt 2000, output 100:
 *   ttft  = 30 + 400 + 50 x 2000 / 1000 = 530 ms = 530,000 us
 *   total = 530 + 100 / 25 s = 530 + 4,000 = 4,530 ms = 4,530,000 us */
static void test_exact_timing(void)
{
	gsl_rng *r = new_rng(1);
	rs_timing t;
	rs_latency_draw(&exact, r, 2000, 100, 0.5, &t);
	CHECK_I64(t.ttft, 530000);
	CHECK_I64(t.total, 4530000);

	/* No prompt, no output: the round trip and the base only. */
	rs_latency_draw(&exact, r, 0, 0, 0.0, &t);
	CHECK_I64(t.ttft, 430000);
	CHECK_I64(t.total, 430000);

	/* prompt 1234, output 77 at 33 tokens/s:
	 *   ttft  = 30 + 400 + 50 x 1.234 = 491.7 ms = 491,700 us
	 *   total = 491.7 + 77 / 33 s = 491.7 + 2,333.333... ms
	 *         = 2,825.0333... ms -> 2,825,033 us (nearest) */
	rs_latency_params p = exact;
	p.tokens_per_s = 33.0;
	rs_latency_draw(&p, r, 1234, 77, 0.0, &t);
	CHECK_I64(t.ttft, 491700);
	CHECK_I64(t.total, 2825033);
	gsl_rng_free(r);
}

/* load_sigma with sigma = 0 at occupancy 0 adds nothing: still exact. */
static void test_exact_when_unloaded(void)
{
	gsl_rng *r = new_rng(2);
	rs_latency_params p = exact;
	p.load_sigma = 0.4;
	rs_timing t;
	rs_latency_draw(&p, r, 2000, 100, 0.0, &t);
	CHECK_I64(t.ttft, 530000);
	CHECK_I64(t.total, 4530000);
	rs_latency_draw(&p, r, 2000, 100, -3.0, &t); /* clipped to 0 */
	CHECK_I64(t.ttft, 530000);
	CHECK_I64(t.total, 4530000);
	gsl_rng_free(r);
}

/* A refusal takes rtt + throttle_ms: 30 + 5 = 35 ms; 12.3456 + 0.0004 =
 * 12.346 ms = 12,346 us.  It does not vary with sigma or load. */
static void test_refusal(void)
{
	CHECK_I64(rs_latency_refusal(&exact), 35000);
	rs_latency_params p = exact;
	p.rtt_ms = 12.3456;
	p.throttle_ms = 0.0004;
	p.sigma = 0.5;
	p.load_sigma = 0.4;
	CHECK_I64(rs_latency_refusal(&p), 12346);
	p.rtt_ms = 0.0;
	p.throttle_ms = 0.0;
	CHECK_I64(rs_latency_refusal(&p), 0);
}

/* The factor of one draw: params with rtt 0, a 1000 ms base and nothing
 * else make ttft = 1,000,000 us x factor (to 1 us: 1e-6 relative). */
static double factor_of(const rs_latency_params *p, gsl_rng *r, double occupancy)
{
	rs_timing t;
	rs_latency_draw(p, r, 0, 0, occupancy, &t);
	return (double)t.ttft / 1e6;
}

static const rs_latency_params unit_base = {
    .rtt_ms = 0.0,
    .ttft_base_ms = 1000.0,
    .ttft_per_1k_prompt_ms = 0.0,
    .tokens_per_s = 50.0,
    .sigma = 0.3,
    .load_sigma = 0.0,
    .throttle_ms = 5.0,
};

/* Median of the factor and sd of its log over N_DRAWS draws. OUT. */
static void factor_stats(const rs_latency_params *p, double occupancy, unsigned long seed,
                         double *median, double *log_sd, double *log_mean)
{
	double *f = malloc(N_DRAWS * sizeof *f);
	double *lf = malloc(N_DRAWS * sizeof *lf);
	gsl_rng *r = new_rng(seed);
	*median = *log_sd = *log_mean = NAN;
	if (!f || !lf || !r) {
		TH_FAIL("out of memory");
		goto out;
	}
	for (int i = 0; i < N_DRAWS; i++) {
		f[i] = factor_of(p, r, occupancy);
		lf[i] = log(f[i]);
	}
	gsl_sort(f, 1, N_DRAWS);
	*median = gsl_stats_median_from_sorted_data(f, 1, N_DRAWS);
	*log_mean = gsl_stats_mean(lf, 1, N_DRAWS);
	*log_sd = gsl_stats_sd(lf, 1, N_DRAWS);
out:
	free(f);
	free(lf);
	gsl_rng_free(r);
}

/* The factor is lognormal of median 1 and log-sd sigma: over 100,000 draws
 * the median is 1 within 1% (its standard error is about 0.12%) and the
 * log-sd is sigma within 2% (standard error about 0.22%). */
static void test_lognormal_factor(void)
{
	double med, sd, mean;
	factor_stats(&unit_base, 0.0, 11, &med, &sd, &mean);
	CHECK_NEAR(med, 1.0, 0.01);
	CHECK_NEAR(sd, 0.3, 0.02 * 0.3);
	CHECK_NEAR(mean, 0.0, 0.005);

	/* The same factor scales ttft and the generation time: total / ttft
	 * is the same as without variation.  prompt 0, output 50 at 50 tok/s:
	 * ttft 1000 ms x f, total 2000 ms x f. */
	gsl_rng *r = new_rng(12);
	int bad = 0;
	for (int i = 0; i < 1000; i++) {
		rs_timing t;
		rs_latency_draw(&unit_base, r, 0, 50, 0.0, &t);
		if (fabs((double)t.total / (double)t.ttft - 2.0) > 1e-5)
			bad++;
	}
	CHECK_I64(bad, 0);
	gsl_rng_free(r);
}

/* load_sigma adds at occupancy 1: sigma 0.1 + 0.4 x 1 = 0.5. */
static void test_load_sigma(void)
{
	rs_latency_params p = unit_base;
	p.sigma = 0.1;
	p.load_sigma = 0.4;
	double med, sd, mean;
	factor_stats(&p, 1.0, 21, &med, &sd, &mean);
	CHECK_NEAR(med, 1.0, 0.01);
	CHECK_NEAR(sd, 0.5, 0.02 * 0.5);
	factor_stats(&p, 0.0, 22, &med, &sd, &mean);
	CHECK_NEAR(sd, 0.1, 0.02 * 0.1);
	factor_stats(&p, 0.5, 23, &med, &sd, &mean); /* 0.1 + 0.4 x 0.5 */
	CHECK_NEAR(sd, 0.3, 0.02 * 0.3);
}

/* With one seed, the draws at occupancies 1, 1.5 and 40 are the same (the
 * occupancy is clipped at 1), and those at 0 and -2 too (clipped at 0).
 * Draw by draw, the log of the factor scales with sigma: at occupancy 0.5
 * (sigma 0.3) it is 0.6 times that at occupancy 1 (sigma 0.5). */
static void test_occupancy_clipped(void)
{
	rs_latency_params p = unit_base;
	p.sigma = 0.1;
	p.load_sigma = 0.4;
	gsl_rng *a = new_rng(31), *b = new_rng(31), *c = new_rng(31);
	gsl_rng *d = new_rng(32), *e = new_rng(32), *h = new_rng(31);
	if (!a || !b || !c || !d || !e || !h) {
		TH_FAIL("out of memory");
		goto out;
	}
	int same_high = 0, same_low = 0, ratio_ok = 0, ratio_n = 0;
	for (int i = 0; i < 1000; i++) {
		rs_timing ta, tb, tc, td, te;
		rs_latency_draw(&p, a, 3000, 200, 1.0, &ta);
		rs_latency_draw(&p, b, 3000, 200, 1.5, &tb);
		rs_latency_draw(&p, c, 3000, 200, 40.0, &tc);
		same_high += ta.ttft == tb.ttft && ta.total == tb.total && ta.ttft == tc.ttft &&
		             ta.total == tc.total;
		rs_latency_draw(&p, d, 3000, 200, 0.0, &td);
		rs_latency_draw(&p, e, 3000, 200, -2.0, &te);
		same_low += td.ttft == te.ttft && td.total == te.total;

		double f1 = (double)ta.ttft / 1e6; /* base 1000 ms, no prompt cost */
		double fh = factor_of(&p, h, 0.5); /* same stream position as a */
		if (fabs(log(f1)) > 0.01) {
			ratio_n++;
			ratio_ok += fabs(log(fh) / log(f1) - 0.6) < 1e-3;
		}
	}
	CHECK_I64(same_high, 1000);
	CHECK_I64(same_low, 1000);
	CHECK(ratio_n > 900);
	CHECK_I64(ratio_ok, ratio_n);
out:
	gsl_rng_free(a);
	gsl_rng_free(b);
	gsl_rng_free(c);
	gsl_rng_free(d);
	gsl_rng_free(e);
	gsl_rng_free(h);
}

/* Draws per stream of test_draw_mt. */
#define MT_DRAWS 20000

/* rs_latency_draw_mt gives rs_latency_draw's timing, draw for draw, with a
 * stream of ratesim's (its state) and with GSL's own MT19937 (no state),
 * at loads that vary the sigma, including none (no draw). */
static void test_draw_mt(void)
{
	rs_latency_params p = unit_base;
	p.sigma = 0.2;
	p.load_sigma = 0.5;
	gsl_rng *a = rs_rng_stream(7, "test", "latency"), *b = rs_rng_stream(7, "test", "latency");
	gsl_rng *c = new_rng(7), *d = new_rng(7);
	if (!a || !b || !c || !d) {
		TH_FAIL("out of memory");
		goto out;
	}
	rs_mt_state *mt = rs_rng_mt_state(b);
	CHECK(mt != NULL);
	CHECK(rs_rng_mt_state(d) == NULL);
	int same = 0;
	for (int i = 0; i < MT_DRAWS; i++) {
		double occupancy = (double)(i % 7) / 5.0 - 0.2; /* -0.2 .. 1 */
		rs_latency_params q = p;
		if (i % 11 == 0) /* no variation: nothing drawn */
			q.sigma = q.load_sigma = 0.0;
		rs_timing ta, tb, tc, td;
		rs_latency_draw(&q, a, 1000 + i, 50 + i % 300, occupancy, &ta);
		rs_latency_draw_mt(&q, b, mt, 1000 + i, 50 + i % 300, occupancy, &tb);
		rs_latency_draw(&q, c, 1000 + i, 50 + i % 300, occupancy, &tc);
		rs_latency_draw_mt(&q, d, NULL, 1000 + i, 50 + i % 300, occupancy, &td);
		same += ta.ttft == tb.ttft && ta.total == tb.total && tc.ttft == td.ttft &&
		        tc.total == td.total;
	}
	CHECK_I64(same, MT_DRAWS);
out:
	gsl_rng_free(a);
	gsl_rng_free(b);
	gsl_rng_free(c);
	gsl_rng_free(d);
}

int main(void)
{
	RUN(test_exact_timing);
	RUN(test_exact_when_unloaded);
	RUN(test_refusal);
	RUN(test_lognormal_factor);
	RUN(test_load_sigma);
	RUN(test_occupancy_clipped);
	RUN(test_draw_mt);
	return th_done();
}
