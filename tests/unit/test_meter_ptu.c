/*
 * test_meter_ptu.c - known-answer tests of the provisioned utilisation meter
 * (MODEL.md section 5, sim/meter_ptu.c).
 *
 * The sequences are worked on paper in the comments, with round figures
 * chosen so that every level is exact in binary floating point: the checks
 * compare with EXACT (a tolerance far below any figure that matters), not
 * with a loose percentage.  The load tests drive the meter with a small
 * in-test event loop (fixed-rate arrivals, completions after a fixed
 * latency, in time order) and check closed forms: the bucket serves C per
 * minute, U stays under 1 + one estimate / C, Little's law for concurrency.
 */
#include "ratesim/meter_ptu.h"

#include "harness.h"

#include <stdlib.h>

/* Tolerance for figures the hand-working says are exact. */
#define EXACT 1e-9

#define T_MS(ms) ((rs_time)(ms)*RS_US_PER_MS)
#define T_S(s)   ((rs_time)(s)*RS_US_PER_S)

/* The small deployment of the hand-worked sequences: 15 PTU of gpt-4o
 * (seed 003: 2,500 input TPM per PTU, output counts 3x):
 * C = 37,500 per minute = 625 per second = 0.625 per ms. */
#define K_PTU         15
#define K_TPM_PER_PTU 2500.0
#define K_RATIO       3.0
#define K_C           37500.0

static rs_ptu_params params(rs_estimator est, double value, int window, int64_t def)
{
	rs_ptu_params p = {
	    .ptu = K_PTU,
	    .input_tpm_per_ptu = K_TPM_PER_PTU,
	    .output_ratio = K_RATIO,
	    .estimator = est,
	    .estimator_value = value,
	    .estimator_window = window,
	    .max_tokens_default = def,
	};
	return p;
}

static rs_meter_req rq(int64_t prompt, int64_t cached, int64_t max_tokens, int64_t output)
{
	rs_meter_req r = {
	    .prompt_tokens = prompt,
	    .cached_tokens = cached,
	    .max_tokens = max_tokens,
	    .best_of = 1,
	    .output_tokens = output,
	};
	return r;
}

static double level_at(rs_meter *m, rs_time now)
{
	rs_meter_state s;

	m->ops->sample(m, now, &s);
	return s.level;
}

/* Present `r` at `now`; OUT: *d. */
static void arrive(rs_meter *m, rs_time now, rs_meter_req r, rs_decision *d)
{
	rs_meter_admit(m, now, &r, d);
}

/* Check an admission: the charge, the level after, remaining_tokens. */
#define CHECK_ADMIT(d, want_charge, want_level, want_remaining)                                    \
	do {                                                                                       \
		CHECK((d).admitted);                                                               \
		CHECK_I64((d).limit, RS_LIMIT_NONE);                                               \
		CHECK_I64((d).retry_after_ms, 0);                                                  \
		CHECK_I64((d).remaining_requests, -1);                                             \
		CHECK_NEAR((d).charged, (want_charge), EXACT);                                     \
		CHECK_NEAR((d).utilisation, (want_level) / K_C, EXACT);                            \
		CHECK_I64((d).remaining_tokens, (want_remaining));                                 \
	} while (0)

/* Check a 429: the retry-after, utilisation at the refusal, nothing charged. */
#define CHECK_429(d, want_level, want_retry_ms)                                                    \
	do {                                                                                       \
		CHECK(!(d).admitted);                                                              \
		CHECK_I64((d).limit, RS_LIMIT_PTU);                                                \
		CHECK_I64((d).limit_window_s, 0);                                                  \
		CHECK_I64((d).retry_after_ms, (want_retry_ms));                                    \
		CHECK_I64((d).remaining_requests, -1);                                             \
		CHECK_I64((d).remaining_tokens, 0);                                                \
		CHECK_NEAR((d).charged, 0.0, 0.0);                                                 \
		CHECK_NEAR((d).utilisation, (want_level) / K_C, EXACT);                            \
	} while (0)

/*
 * 1. The hand-worked sequence.  C = 37,500/min, drain 625/s = 0.625/ms,
 * output_ratio 3, estimator fixed at 1,000 tokens (for requests without
 * max_tokens).  est = (prompt - cached) + 3 * max_tokens_estimate.
 *
 *  t (s)   event                           working                          L after
 *  0       A arrives p10000 c0 max4000     L=0, U<=1: admit, est 10000+12000 22000
 *                                          remaining 37500-22000 = 15500
 *  1       B arrives p6000 c2000 max -     L=22000-625=21375: admit,
 *                                          est 4000+3*1000 = 7000            28375
 *                                          remaining 9125
 *  2       Cq arrives p3000 c0 max3000     L=28375-625=27750 <= C: admit,
 *                                          est 3000+9000 = 12000             39750
 *                                          U = 1.06 (overshoot allowed), remaining 0
 *  3       D arrives p1000 max100          L=39750-625=39125 > C: 429,
 *                                          retry (39125-37500)/0.625 = 2600 ms  39125
 *  4       B completes, output 2000        L=39750-2*625=38500; actual
 *                                          4000+6000=10000, +3000            41500
 *  5.6     D again (3 s + 2600 ms)         L=41500-1.6*625=40500 > C: 429 (B's
 *                                          correction moved it), retry 3000/0.625
 *                                          = 4800 ms                         40500
 *  6       A completes, output 1000        L=40500-0.4*625=40250; actual
 *                                          10000+3000=13000, -9000           31250
 *  7       E arrives p2000 c500 max1000    L=31250-625=30625: admit, est
 *                                          1500+3000 = 4500, remaining 2375  35125
 *  7.5     F arrives p4000 c4000 max800    L=35125-312.5=34812.5: admit, est
 *                                          0+2400 (100% cached), rem 287     37212.5
 *  7.6     G arrives p500 max100           L=37212.5-62.5=37150: admit,
 *                                          est 800, U = 1.012                37950
 *  7.7003  H arrives p100 max10            L=37950-100.3ms*0.625=37887.3125 > C:
 *                                          429, 387.3125/0.625 = 619.7 -> 620 ms
 *  8.3193  H at 619 ms                     L=37950-719.3*0.625=37500.4375 > C:
 *                                          429, 0.4375/0.625 = 0.7 -> 1 ms
 *  8.3203  H at exactly 620 ms             L=37950-720.3*0.625=37499.8125: admit,
 *                                          est 130                           37629.8125
 *  10      Cq completes, output 3000       L=37629.8125-1679.7*0.625=36580;
 *                                          actual 12000 = est: +0            36580
 *  68      E completes, output 200         L=36580-58*625=330; actual
 *                                          1500+600=2100, -2400: clipped to
 *                                          -330, clipped 2070                0
 *  69      F completes, output 800         actual 2400 = est, +0             0
 *  70      G completes, output 50          actual 650, -150, all clipped     0
 *  71      H completes, output 10          actual 130 = est, +0              0
 *  72      J arrives p1000 max -           est 1000+3000 = 4000              4000
 *
 * Totals: estimates 22000+7000+12000+4500+2400+800+130+4000 = 52830;
 * actual 10000+13000+12000+2100+2400+650+130 = 40280; corrections applied
 * +3000-9000-330 = -6330; clipped 2070+150 = 2220 (check: actual - estimate
 * of the completed = 40280-48830 = -8550 = -6330-2220); 7 corrections;
 * 4 refusals; highest level 41500 (after B's correction).
 * Utilization V2: minute 0 = (48830 + 3000 - 9000 + 0) / 37500
 * = 42830 / 37500; minute 1 (so far) = (-330 + 4000) / 37500 = 3670 / 37500.
 */
static void test_hand_worked_sequence(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_FIXED, 1000.0, 0, 4096);
	rs_meter *m = rs_meter_ptu_new(&p);
	rs_meter_req A = rq(10000, 0, 4000, 1000), B = rq(6000, 2000, -1, 2000);
	rs_meter_req Cq = rq(3000, 0, 3000, 3000), D = rq(1000, 0, 100, 100);
	rs_meter_req E = rq(2000, 500, 1000, 200), F = rq(4000, 4000, 800, 800);
	rs_meter_req G = rq(500, 0, 100, 50), H = rq(100, 0, 10, 10), J = rq(1000, 0, -1, 0);
	rs_decision d;
	rs_ptu_stats st;

	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_STR(m->ops->name, "provisioned");
	CHECK(rs_meter_ptu_is(m));

	arrive(m, T_MS(0), A, &d);
	CHECK_ADMIT(d, 22000.0, 22000.0, 15500);
	arrive(m, T_MS(1000), B, &d);
	CHECK_ADMIT(d, 7000.0, 28375.0, 9125);
	arrive(m, T_MS(2000), Cq, &d);
	CHECK_ADMIT(d, 12000.0, 39750.0, 0);
	CHECK_NEAR(d.utilisation, 1.06, EXACT);
	arrive(m, T_MS(3000), D, &d);
	CHECK_429(d, 39125.0, 2600);
	CHECK_NEAR(level_at(m, T_MS(3000)), 39125.0, EXACT);

	rs_meter_complete(m, T_MS(4000), &B, 7000.0);
	CHECK_NEAR(level_at(m, T_MS(4000)), 41500.0, EXACT);
	arrive(m, T_MS(5600), D, &d);
	CHECK_429(d, 40500.0, 4800);
	rs_meter_complete(m, T_MS(6000), &A, 22000.0);
	CHECK_NEAR(level_at(m, T_MS(6000)), 31250.0, EXACT);

	arrive(m, T_MS(7000), E, &d);
	CHECK_ADMIT(d, 4500.0, 35125.0, 2375);
	arrive(m, T_MS(7500), F, &d);
	CHECK_ADMIT(d, 2400.0, 37212.5, 287);
	arrive(m, T_MS(7600), G, &d);
	CHECK_ADMIT(d, 800.0, 37950.0, 0);
	arrive(m, 7700300, H, &d);
	CHECK_429(d, 37887.3125, 620);
	arrive(m, 7700300 + T_MS(619), H, &d);
	CHECK_429(d, 37500.4375, 1);
	arrive(m, 7700300 + T_MS(620), H, &d);
	CHECK_ADMIT(d, 130.0, 37629.8125, 0);

	rs_meter_complete(m, T_MS(10000), &Cq, 12000.0);
	CHECK_NEAR(level_at(m, T_MS(10000)), 36580.0, EXACT);
	CHECK_NEAR(level_at(m, T_MS(68000)), 330.0, EXACT);
	rs_meter_complete(m, T_MS(68000), &E, 4500.0);
	CHECK_NEAR(level_at(m, T_MS(68000)), 0.0, 0.0);
	rs_meter_ptu_stats(m, &st);
	CHECK_NEAR(st.clipped, 2070.0, EXACT);
	rs_meter_complete(m, T_MS(69000), &F, 2400.0);
	rs_meter_complete(m, T_MS(70000), &G, 800.0);
	rs_meter_complete(m, T_MS(71000), &H, 130.0);
	CHECK_NEAR(level_at(m, T_MS(71000)), 0.0, 0.0);
	arrive(m, T_MS(72000), J, &d);
	CHECK_ADMIT(d, 4000.0, 4000.0, 33500);

	rs_meter_ptu_stats(m, &st);
	CHECK_NEAR(st.capacity_per_min, K_C, 0.0);
	CHECK_NEAR(st.level_max, 41500.0, EXACT);
	CHECK_NEAR(st.admitted_estimate, 52830.0, EXACT);
	CHECK_NEAR(st.actual, 40280.0, EXACT);
	CHECK_NEAR(st.corrections, -6330.0, EXACT);
	CHECK_I64(st.n_corrections, 7);
	CHECK_NEAR(st.clipped, 2220.0, EXACT);
	CHECK_I64(st.refused, 4);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 0), 42830.0 / K_C, EXACT);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 1), 3670.0 / K_C, EXACT);
	rs_meter_free(m);
}

/*
 * A tiny event loop for the load tests: arrivals every `interval` from t=0
 * until `end`, each with prompt K_LOAD_PROMPT and output K_LOAD_OUTPUT,
 * max_tokens = max_factor * output; an admitted attempt completes `latency`
 * later (FIFO, as the latency is fixed); a completion at the same time as
 * an arrival runs first.  Refused arrivals are dropped (no retry).
 * Measured: the number in flight just before the first completion (the
 * first minute of saturation); over [warm, end) the normalised tokens served
 * by completions and the time-weighted mean and the highest number in
 * flight; the highest U seen.
 */
#define K_LOAD_PROMPT  500
#define K_LOAD_OUTPUT  500
#define K_LOAD_COST    2000.0 /* 500 + 3 * 500 */
#define K_LOAD_LATENCY T_S(60)
#define K_LOAD_WARM    T_S(600)
#define K_LOAD_END     T_S(3 * 3600)
/* Twice capacity: 2 * 37500 / 2000 = 37.5 arrivals per minute, one per 1.6 s. */
#define K_LOAD_INTERVAL T_MS(1600)
#define K_LOAD_QUEUE    4096 /* far above any in-flight count C allows */

typedef struct load_result {
	int inflight_onset; /* in flight just before the first completion */
	double served_per_min;
	double inflight_mean;
	int inflight_max;
	double u_max;
	double largest_estimate;
	double clipped;
	uint64_t admitted;
} load_result;

typedef struct inflight {
	rs_time done;
	double charged;
} inflight;

static void run_load(int64_t max_factor, load_result *r)
{
	rs_ptu_params p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 4096);
	rs_meter *m = rs_meter_ptu_new(&p);
	rs_meter_req req = rq(K_LOAD_PROMPT, 0, max_factor * K_LOAD_OUTPUT, K_LOAD_OUTPUT);
	inflight *q = calloc(K_LOAD_QUEUE, sizeof *q);
	size_t head = 0, n = 0;
	rs_time next_arrival = 0, last = K_LOAD_WARM;
	double served = 0.0, area = 0.0;
	rs_ptu_stats st;

	memset(r, 0, sizeof *r);
	if (!m || !q) {
		CHECK(m && q);
		free(q);
		rs_meter_free(m);
		return;
	}
	for (;;) {
		rs_time t;
		rs_meter_state s;
		bool is_completion;

		if (n && (q[head].done <= next_arrival || next_arrival >= K_LOAD_END))
			is_completion = true;
		else if (next_arrival < K_LOAD_END)
			is_completion = false;
		else
			break;
		t = is_completion ? q[head].done : next_arrival;
		if (t >= K_LOAD_END)
			break;
		if (t > K_LOAD_WARM) {
			area += (double)n * (double)(t - last);
			last = t;
		}
		if (is_completion) {
			if (!r->inflight_onset)
				r->inflight_onset = (int)n;
			rs_meter_complete(m, t, &req, q[head].charged);
			if (t >= K_LOAD_WARM)
				served += K_LOAD_COST;
			head = (head + 1) % K_LOAD_QUEUE;
			n--;
		} else {
			rs_decision d;

			rs_meter_admit(m, t, &req, &d);
			if (d.admitted) {
				CHECK(n < K_LOAD_QUEUE);
				q[(head + n) % K_LOAD_QUEUE] =
				    (inflight){t + K_LOAD_LATENCY, d.charged};
				n++;
				r->admitted++;
				if (d.charged > r->largest_estimate)
					r->largest_estimate = d.charged;
				if (t >= K_LOAD_WARM && (int)n > r->inflight_max)
					r->inflight_max = (int)n;
			}
			if (d.utilisation > r->u_max)
				r->u_max = d.utilisation;
			next_arrival += K_LOAD_INTERVAL;
		}
		m->ops->sample(m, t, &s);
		if (s.utilisation > r->u_max)
			r->u_max = s.utilisation;
	}
	area += (double)n * (double)(K_LOAD_END - last);
	r->served_per_min = served / ((double)(K_LOAD_END - K_LOAD_WARM) / (double)RS_US_PER_MIN);
	r->inflight_mean = area / (double)(K_LOAD_END - K_LOAD_WARM);
	rs_meter_ptu_stats(m, &st);
	r->clipped = st.clipped;
	free(q);
	rs_meter_free(m);
}

/*
 * 2. Saturation with exact max_tokens (estimate 500 + 3*500 = 2000 = actual)
 * at twice capacity: the bucket serves C per minute in the long run (the
 * level stays within [0, C + one estimate], so over 170 minutes the error
 * is below (C + 2000) / (170 C) < 1%), U never exceeds 1 + 2000 / C, and no
 * correction is ever needed or clipped.  Little's law: admitted rate
 * C / 2000 = 18.75 per minute times the 1-minute latency = 18.75 in flight.
 */
static void test_saturation_exact(void)
{
	load_result r;

	run_load(1, &r);
	CHECK_NEAR(r.served_per_min, K_C, 0.01 * K_C);
	CHECK_NEAR(r.largest_estimate, K_LOAD_COST, EXACT);
	CHECK(r.u_max <= 1.0 + r.largest_estimate / K_C + EXACT);
	CHECK(r.u_max > 1.0); /* it does overshoot: the documented bursts */
	CHECK_NEAR(r.clipped, 0.0, 0.0);
	CHECK_NEAR(r.inflight_mean, 18.75, 0.02 * 18.75);
}

/*
 * 4. Over-reservation: the same load with max_tokens = 4 x the real output
 * (estimate 500 + 3*2000 = 6500 for an actual 2000, an excess of 4500).
 *
 * Where it lowers concurrency: at the onset of saturation, before the first
 * completions hand the excess back.  Arrivals every 1.6 s, drain 1000 per
 * interval; L just before arrival k (t = 1.6k s), while all are admitted:
 *   exact: 2000k - 1000k = 1000k <= 37500 up to k = 37: arrivals 0..37
 *          are all admitted before the first completion at 60 s: 38 in flight.
 *   4x:    6500k - 1000k = 5500k <= 37500 up to k = 6 (L 39500 after it);
 *          k=7 38500: 429; k=8 37500 = C exactly: admitted (U <= 1), 44000;
 *          then each admission needs 6500 drained, 6.5 intervals, so the
 *          next are k=15 (L 37000 -> 43500), k=21 (37500 -> 44000), k=28
 *          (37000), k=34 (37500): 7 + 5 = 12 in flight at 60 s.
 *
 * Where it does not: under sustained overload the corrections return the
 * excess 60 s later, so the admission rate obeys 6500 x(t) = 625/s +
 * 4500 x(t - 60 s), whose fixed point is 625 / 2000 per s, the same as with
 * exact max_tokens; it converges by a factor 4500/6500 per minute (0.025
 * left after the 10-minute warm-up).  Little's law then gives the same
 * 18.75 in flight, and no correction is clipped (L stays near C >> 4500).
 * That is what MODEL.md section 5 specifies (the correction is applied at
 * completion); the documented "lower concurrency" is a burst effect.
 */
static void test_over_reservation(void)
{
	load_result exact, over;

	run_load(1, &exact);
	run_load(4, &over);
	printf("  in flight, first minute of saturation: max_tokens = actual %d, "
	       "4 x actual %d\n",
	       exact.inflight_onset, over.inflight_onset);
	printf("  in flight, steady saturation (mean / max): max_tokens = actual %.2f / %d, "
	       "4 x actual %.2f / %d\n",
	       exact.inflight_mean, exact.inflight_max, over.inflight_mean, over.inflight_max);
	printf("  served per minute: exact %.0f, 4x %.0f (C = %.0f); clipped: %.0f, %.0f\n",
	       exact.served_per_min, over.served_per_min, K_C, exact.clipped, over.clipped);
	CHECK_I64(exact.inflight_onset, 38);
	CHECK_I64(over.inflight_onset, 12);
	CHECK_NEAR(over.largest_estimate, 6500.0, EXACT);
	CHECK(over.u_max <= 1.0 + over.largest_estimate / K_C + EXACT);
	CHECK_NEAR(over.inflight_mean, 18.75, 0.02 * 18.75);
	CHECK_NEAR(over.served_per_min, K_C, 0.01 * K_C);
	CHECK_NEAR(over.clipped, 0.0, 0.0);
}

/*
 * 3. A refused request re-presented after exactly retry_after_ms (and no
 * other traffic) is admitted, and one ms earlier it is still refused: the
 * retry-after is the smallest whole ms that works.  Swept over 500 awkward
 * cases on a deployment whose drain (gpt-4o-mini: 7 PTU x 37,000 = 259,000
 * per minute = 4316.67 per s) is not a round number per ms.
 */
static void test_retry_after_is_exact(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 0);
	int i, bad_admit = 0, bad_early = 0;

	p.ptu = 7;
	p.input_tpm_per_ptu = 37000.0;
	for (i = 1; i <= 500; i++) {
		rs_meter *m = rs_meter_ptu_new(&p);
		rs_decision d;
		rs_time t1 = 1000 + 7919 * (rs_time)i;
		double c = 259000.0, l, want;

		CHECK(m != NULL);
		if (!m)
			return;
		arrive(m, 0, rq(258999, 0, 0, 0), &d);
		CHECK(d.admitted);
		arrive(m, 1, rq(1000 + 37 * i, 0, 0, 0), &d);
		CHECK(d.admitted);
		arrive(m, t1, rq(10, 0, 0, 0), &d);
		l = level_at(m, t1);
		CHECK(!d.admitted);
		/* the closed form, which the answer may only beat by float noise */
		want = ceil((l - c) / (c / 60000.0));
		CHECK(fabs((double)d.retry_after_ms - want) <= 1.0);
		if (d.retry_after_ms > 1) {
			rs_decision e;

			arrive(m, t1 + T_MS(d.retry_after_ms - 1), rq(10, 0, 0, 0), &e);
			bad_early += e.admitted;
		}
		arrive(m, t1 + T_MS(d.retry_after_ms), rq(10, 0, 0, 0), &d);
		bad_admit += !d.admitted;
		rs_meter_free(m);
	}
	CHECK_I64(bad_admit, 0);
	CHECK_I64(bad_early, 0);
}

/*
 * 3b. Exact to the ms (issue 10 section 4: an exact 317 was reported as
 * 318).  C = 259,000 per minute; L = 259,000 + 259 j at t = 0 needs exactly
 * 60 j ms to drain to C, so at t1 = m1 ms the answer is 60 j - m1 ms, an
 * integer in exact arithmetic that float noise in L must not push up.
 */
static void test_retry_after_whole_ms(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 0);
	int wrong = 0, bad_admit = 0, bad_early = 0;

	p.ptu = 7;
	p.input_tpm_per_ptu = 37000.0;
	for (int j = 1; j <= 40; j++) {
		for (int64_t m1 = 1; m1 < 60 * j; m1 += 7) {
			rs_meter *m = rs_meter_ptu_new(&p);
			rs_decision d, e;

			CHECK(m != NULL);
			if (!m)
				return;
			arrive(m, 0, rq(259000, 0, 0, 0), &d);
			arrive(m, 0, rq(259 * j, 0, 0, 0), &d);
			arrive(m, T_MS(m1), rq(10, 0, 0, 0), &d);
			wrong += d.admitted || d.retry_after_ms != 60 * j - m1;
			if (!d.admitted && d.retry_after_ms > 1) {
				arrive(m, T_MS(m1 + d.retry_after_ms - 1), rq(10, 0, 0, 0), &e);
				bad_early += e.admitted;
			}
			arrive(m, T_MS(m1 + d.retry_after_ms), rq(10, 0, 0, 0), &e);
			bad_admit += !e.admitted;
			rs_meter_free(m);
		}
	}
	CHECK_I64(wrong, 0);
	CHECK_I64(bad_admit, 0);
	CHECK_I64(bad_early, 0);

	/* Sequences where float noise put L(now + exact ms) a hair above C and
	 * the former search answered one ms too many (found by comparing with
	 * exact rational arithmetic): C = 3 PTU x 37,000 = 111,000 per minute,
	 * three admissions (ms, tokens), then a refusal whose exact drain time
	 * is a whole number of ms. */
	static const struct {
		int64_t at_ms[3], tokens[3], now_ms, want_ms;
	} seqs[] = {
	    {{1478, 4401, 6516}, {46065, 52943, 45477}, 12949, 6629},
	    {{296, 1090, 2949}, {43581, 48705, 48943}, 3325, 13311},
	    {{401, 2703, 2762}, {51268, 39523, 32382}, 3530, 3451},
	};
	p.ptu = 3;
	for (size_t k = 0; k < sizeof seqs / sizeof seqs[0]; k++) {
		rs_meter *m = rs_meter_ptu_new(&p);
		rs_decision d;

		CHECK(m != NULL);
		if (!m)
			return;
		for (int i = 0; i < 3; i++) {
			arrive(m, T_MS(seqs[k].at_ms[i]), rq(seqs[k].tokens[i], 0, 0, 0), &d);
			CHECK(d.admitted);
		}
		arrive(m, T_MS(seqs[k].now_ms), rq(10, 0, 0, 0), &d);
		CHECK(!d.admitted);
		CHECK_I64(d.retry_after_ms, seqs[k].want_ms);
		arrive(m, T_MS(seqs[k].now_ms + d.retry_after_ms), rq(10, 0, 0, 0), &d);
		CHECK(d.admitted);
		rs_meter_free(m);
	}
}

/*
 * A level that can never drain within a run (an output ratio of 1e308, a
 * capacity of 1e-300 per minute) still answers at once, in closed form,
 * with the capped retry-after, and the capacity never underflows to 0.
 */
static void test_retry_after_absurd(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 0);
	rs_decision d;

	p.output_ratio = 1e308;
	rs_meter *m = rs_meter_ptu_new(&p);
	CHECK(m != NULL);
	if (!m)
		return;
	arrive(m, 0, rq(10, 0, 1000, 0), &d); /* L = inf */
	arrive(m, 1, rq(10, 0, 0, 0), &d);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, RS_PTU_RETRY_AFTER_MAX_MS);
	rs_meter_free(m);

	p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 0);
	p.input_tpm_per_ptu = 1e-320;
	m = rs_meter_ptu_new(&p);
	CHECK(m != NULL);
	if (!m)
		return;
	arrive(m, 0, rq(10, 0, 0, 0), &d);
	arrive(m, 1, rq(10, 0, 0, 0), &d);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, RS_PTU_RETRY_AFTER_MAX_MS);
	m->ops->set_scale(m, 2, 1e-320);
	arrive(m, 3, rq(10, 0, 0, 0), &d);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, RS_PTU_RETRY_AFTER_MAX_MS);
	rs_meter_free(m);
}

/*
 * set_scale: the temporary adjustment halves C to 18,750 (0.3125 per ms).
 * L = 20000 at t=0 -> U = 20000/18750 > 1: 429 with retry
 * 1250 / 0.3125 = 4000 ms; at 3999 ms L = 18750.3125: 429 with 1 ms; at
 * 4000 ms L = 18750 exactly, U = 1: admitted (U <= 1 admits).  Back to
 * 1.0 at 10 s: L = 18750+100 - 6000*0.3125 = 16975, drains at 625/s again.
 */
static void test_scale_and_exactly_full(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 0);
	rs_meter *m = rs_meter_ptu_new(&p);
	rs_decision d;
	rs_ptu_stats st;

	CHECK(m != NULL);
	if (!m)
		return;
	arrive(m, 0, rq(20000, 0, 0, 0), &d);
	CHECK(d.admitted);
	m->ops->set_scale(m, 0, 0.5);
	arrive(m, 0, rq(100, 0, 0, 0), &d);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 4000);
	CHECK_NEAR(d.utilisation, 20000.0 / 18750.0, EXACT);
	arrive(m, T_MS(3999), rq(100, 0, 0, 0), &d);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 1);
	arrive(m, T_MS(4000), rq(100, 0, 0, 0), &d);
	CHECK(d.admitted);
	CHECK_NEAR(d.utilisation, 18850.0 / 18750.0, EXACT);
	m->ops->set_scale(m, T_S(10), 1.0);
	CHECK_NEAR(level_at(m, T_S(10)), 16975.0, EXACT);
	CHECK_NEAR(level_at(m, T_S(11)), 16350.0, EXACT);
	rs_meter_ptu_stats(m, &st);
	CHECK_NEAR(st.capacity_per_min, K_C, 0.0);
	CHECK_I64(st.refused, 2);
	rs_meter_free(m);
}

/* sample(): level and U, no standard occupancy, and no side effect on L. */
static void test_sample(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 0);
	rs_meter *m = rs_meter_ptu_new(&p);
	rs_meter_state s;
	rs_decision d;

	CHECK(m != NULL);
	if (!m)
		return;
	arrive(m, 0, rq(30000, 0, 0, 0), &d);
	m->ops->sample(m, T_S(8), &s);
	CHECK_NEAR(s.level, 25000.0, EXACT); /* 30000 - 8 * 625 */
	CHECK_NEAR(s.utilisation, 25000.0 / K_C, EXACT);
	CHECK_NEAR(s.tpm_occupancy, 0.0, 0.0);
	CHECK_NEAR(s.rpm_occupancy, 0.0, 0.0);
	m->ops->sample(m, T_S(60), &s);
	CHECK_NEAR(s.level, 0.0, 0.0); /* empty after 48 s, never negative */
	rs_meter_free(m);
}

/*
 * 5. Estimators and the cached discount, through rs_meter_ptu_estimate and
 * the charge of a real admission.
 *   model_default 4096: p1000 c0 max - -> 1000 + 3*4096 = 13288
 *   fixed 750.5:                       -> 1000 + 2251.5 = 3251.5
 *   explicit max_tokens wins (0 too):  p1000 max 0 -> 1000
 *   cached: p1000 c400 max 10 -> 600 + 30 = 630; c1000 (100%) -> 30
 *   running_mean, window 3, default 4096:
 *     no completion yet            -> 4096
 *     outputs 100                  -> 100
 *             100, 200             -> 150
 *             100, 200, 600        -> 300
 *             200, 600, 900 (100 drops out) -> 1700/3
 *   every completion feeds the mean, with or without max_tokens.
 */
static void test_estimators(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 4096);
	rs_meter_req no_max = rq(1000, 0, -1, 0);
	rs_meter *m = rs_meter_ptu_new(&p);
	rs_decision d;
	const int64_t outs[] = {100, 200, 600, 900};
	const double want[] = {100.0, 150.0, 300.0, 1700.0 / 3.0};
	size_t i;

	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_NEAR(rs_meter_ptu_estimate(m, &no_max), 13288.0, EXACT);
	arrive(m, 0, no_max, &d);
	CHECK_NEAR(d.charged, 13288.0, EXACT);
	CHECK_NEAR(rs_meter_ptu_estimate(m, &(rs_meter_req){1000, 0, 0, 1, 0}), 1000.0, EXACT);
	CHECK_NEAR(rs_meter_ptu_estimate(m, &(rs_meter_req){1000, 400, 10, 1, 0}), 630.0, EXACT);
	CHECK_NEAR(rs_meter_ptu_estimate(m, &(rs_meter_req){1000, 1000, 10, 1, 0}), 30.0, EXACT);
	/* best_of is not part of the provisioned formula */
	CHECK_NEAR(rs_meter_ptu_estimate(m, &(rs_meter_req){1000, 0, 10, 4, 0}), 1030.0, EXACT);
	rs_meter_free(m);

	p = params(RS_ESTIMATOR_FIXED, 750.5, 0, 4096);
	m = rs_meter_ptu_new(&p);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_NEAR(rs_meter_ptu_estimate(m, &no_max), 3251.5, EXACT);
	rs_meter_free(m);

	p = params(RS_ESTIMATOR_RUNNING_MEAN, 0.0, 3, 4096);
	m = rs_meter_ptu_new(&p);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_NEAR(rs_meter_ptu_estimate(m, &no_max), 1000.0 + 3.0 * 4096.0, EXACT);
	for (i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		/* alternate requests with and without max_tokens */
		rs_meter_req r = rq(1000, 0, i % 2 ? 5000 : -1, outs[i]);

		arrive(m, T_S(i), r, &d);
		CHECK(d.admitted);
		rs_meter_complete(m, T_S(i) + T_MS(500), &r, d.charged);
		CHECK_NEAR(rs_meter_ptu_estimate(m, &no_max), 1000.0 + 3.0 * want[i], 1e-9);
	}
	arrive(m, T_S(10), no_max, &d);
	CHECK_NEAR(d.charged, 1000.0 + 1700.0, 1e-9);
	rs_meter_free(m);
}

/*
 * 6. Utilization V2 for hand-worked minutes (C = 37,500, 625/s).
 *  minute 0: 10 s  A p2000 max6000 admitted, est 2000+18000 = 20000, L 20000
 *            20 s  B p9000 c3000 max1000, est 6000+3000 = 9000,
 *                  L 20000-6250+9000 = 22750
 *            30 s  A completes, output 5000: actual 17000, -3000,
 *                  L 22750-6250-3000 = 13500
 *            => (20000 + 9000 - 3000) / 37500 = 26000/37500
 *  minute 1: 65 s  B completes, output 1000: actual 9000, +0; L 0 (drained)
 *            70 s  Cm p1000 max2000, est 7000, L 7000
 *            100 s Cm completes, output 200: actual 1600, -5400 but L = 0:
 *                  all clipped, 0 applied
 *            110 s Dm p37500 max0, est 37500
 *            => (7000 + 0 + 37500) / 37500 = 44500/37500 (a minute over 100%)
 *  minute 2: 170 s Em p0 max10000, est 30000
 *            => 30000/37500
 *  minute 3: 185 s Em completes, output 0: actual 0, -30000; L =
 *                  30000-15*625 = 20625, so -20625 applied, 9375 clipped
 *            => -20625/37500 (only a downward correction: negative)
 *  minutes 4, 5: nothing => 0
 *  minute 6: 400 s Fm p100 max0, est 100 => 100/37500
 * Read at each boundary like the metrics will, and also once the next
 * minute has begun (the previous minute is still kept).
 */
static void test_utilisation_v2(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_MODEL_DEFAULT, 0.0, 0, 0);
	rs_meter *m = rs_meter_ptu_new(&p);
	rs_meter_req A = rq(2000, 0, 6000, 5000), B = rq(9000, 3000, 1000, 1000);
	rs_meter_req Cm = rq(1000, 0, 2000, 200), Dm = rq(37500, 0, 0, 0);
	rs_meter_req Em = rq(0, 0, 10000, 0), Fm = rq(100, 0, 0, 0);
	rs_decision da, db, dc, dd, de, df;
	rs_ptu_stats st;

	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_I64(rs_meter_ptu_minute_of(T_S(59) + 999999), 0);
	CHECK_I64(rs_meter_ptu_minute_of(T_S(60)), 1);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 0), 0.0, 0.0);

	arrive(m, T_S(10), A, &da);
	arrive(m, T_S(20), B, &db);
	CHECK(da.admitted && db.admitted);
	rs_meter_complete(m, T_S(30), &A, da.charged);
	CHECK_NEAR(level_at(m, T_S(30)), 13500.0, EXACT);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 0), 26000.0 / K_C, EXACT);

	rs_meter_complete(m, T_S(65), &B, db.charged);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 0), 26000.0 / K_C, EXACT);
	arrive(m, T_S(70), Cm, &dc);
	rs_meter_complete(m, T_S(100), &Cm, dc.charged);
	arrive(m, T_S(110), Dm, &dd);
	CHECK(dc.admitted && dd.admitted);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 1), 44500.0 / K_C, EXACT);

	arrive(m, T_S(170), Em, &de);
	CHECK(de.admitted);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 1), 44500.0 / K_C, EXACT);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 2), 30000.0 / K_C, EXACT);

	rs_meter_complete(m, T_S(185), &Em, de.charged);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 2), 30000.0 / K_C, EXACT);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 3), -20625.0 / K_C, EXACT);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 4), 0.0, 0.0);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 5), 0.0, 0.0);

	arrive(m, T_S(400), Fm, &df);
	CHECK(df.admitted);
	/* minute 5 is the previous minute now: empty, not minute 3's figure */
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 5), 0.0, 0.0);
	CHECK_NEAR(rs_meter_ptu_minute_utilisation(m, 6), 100.0 / K_C, EXACT);

	rs_meter_ptu_stats(m, &st);
	CHECK_NEAR(st.clipped, 5400.0 + 9375.0, EXACT);
	CHECK_NEAR(st.corrections, -3000.0 - 20625.0, EXACT);
	rs_meter_free(m);
}

/* Lifecycle: free(NULL) is a no-op; the running-mean ring is freed. */
static void test_lifecycle(void)
{
	rs_ptu_params p = params(RS_ESTIMATOR_RUNNING_MEAN, 0.0, 1000, 4096);
	rs_meter *m = rs_meter_ptu_new(&p);

	CHECK(m != NULL);
	rs_meter_free(m);
	rs_meter_free(NULL);
}

int main(void)
{
	RUN(test_hand_worked_sequence);
	RUN(test_retry_after_is_exact);
	RUN(test_retry_after_whole_ms);
	RUN(test_retry_after_absurd);
	RUN(test_scale_and_exactly_full);
	RUN(test_saturation_exact);
	RUN(test_over_reservation);
	RUN(test_sample);
	RUN(test_estimators);
	RUN(test_utilisation_v2);
	RUN(test_lifecycle);
	return th_done();
}
