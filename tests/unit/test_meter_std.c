/*
 * test_meter_std.c - known-answer tests of the standard-family meter
 * (MODEL.md section 4, sim/meter_std.c).
 *
 * Each sequence was worked on paper first; the working is in the comment
 * above its table.  Times are written in seconds (S) or milliseconds (MS) of
 * simulated time; "est" is the token estimate prompt + max_tokens * best_of
 * (factor 1.0).  A window entry is written time:amount.  A sliding entry
 * admitted at t is counted at time now iff t > now - W.
 *
 * The differential test against a brute-force reference is in
 * test_meter_std_ref.c.
 */
#include "harness.h"
#include "meter_std_fixture.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>

#define MS(x)       ((rs_time)((x)*1000.0 + 0.5))    /* milliseconds, may be fractional */
#define S(x)        ((rs_time)((x)*1000000.0 + 0.5)) /* seconds, may be fractional */
#define ISOLATE_RPM 1000.0 /* rpm_per_1k_tpm so large that the RPM window never binds */

static rs_decision ask(rs_meter *m, rs_time t, int64_t prompt, int64_t max_tokens)
{
	rs_meter_req r = {.prompt_tokens = prompt, .max_tokens = max_tokens, .best_of = 1};
	rs_decision d;
	memset(&d, 0xa5, sizeof d); /* the meter must fill every field */
	rs_meter_admit(m, t, &r, &d);
	return d;
}

/* One arrival of a hand-worked table and the answer it must get. */
typedef struct step {
	const char *name;
	rs_time t;
	int64_t prompt, max_tokens;
	bool admitted;
	int64_t retry_ms, rem_tokens, rem_requests;
} step;

static void run_steps(rs_meter *m, const step *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rs_decision d = ask(m, s[i].t, s[i].prompt, s[i].max_tokens);
		if (d.admitted != s[i].admitted)
			TH_FAIL("step %s: admitted = %d, want %d", s[i].name, d.admitted,
			        s[i].admitted);
		if (d.retry_after_ms != s[i].retry_ms)
			TH_FAIL("step %s: retry_after_ms = %" PRId64 ", want %" PRId64, s[i].name,
			        d.retry_after_ms, s[i].retry_ms);
		if (d.remaining_tokens != s[i].rem_tokens)
			TH_FAIL("step %s: remaining_tokens = %" PRId64 ", want %" PRId64, s[i].name,
			        d.remaining_tokens, s[i].rem_tokens);
		if (d.remaining_requests != s[i].rem_requests)
			TH_FAIL("step %s: remaining_requests = %" PRId64 ", want %" PRId64,
			        s[i].name, d.remaining_requests, s[i].rem_requests);
		int64_t est = s[i].prompt + s[i].max_tokens;
		if (d.charged != (s[i].admitted ? (double)est : 0.0))
			TH_FAIL("step %s: charged = %g, want %" PRId64, s[i].name, d.charged,
			        s[i].admitted ? est : 0);
	}
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/*
 * (a) Sliding TPM window.  TPM 1000; RPM isolated: 1000 per 1k TPM gives
 * RPM 1000, floor(1000 * 10 / 60) = 166 per sliding 10 s window.
 *
 *  A  t=0          est 300+100=400  window {}                 400 <= 1000: admit
 *  B  t=10         est 300+200=500  {0:400}                   900: admit
 *  C  t=20         est 150+50=200   {0:400 10:500}=900        1100 > 1000: 429.
 *     Must free 1100-1000 = 100: the oldest 0:400 does, at 0+60: wait 60-20 = 40 s.
 *  D  t=59.9995    est 200          same 900 (0 > -0.0005)    429, wait 60-59.9995 =
 *     0.0005 s = 500 us, rounded up to 1 ms.
 *  E  t=60 exactly est 200          0:400 has left (0 > 0 is false): {10:500}=500,
 *     700 <= 1000: admit.  {10:500 60:200}
 *  F  t=60         est 400+0=400    700+400 = 1100: 429, free 100: 10:500 at 70: 10 s.
 *  G  t=65.0004    est 100+800=900  1600: free 600: 10:500 (500 < 600) then 60:200
 *     (700 >= 600) at 120: wait 120-65.0004 = 54.9996 s -> 55000 ms.
 *  H  t=70         est 300+500=800  10:500 left: {60:200}, 200+800 = 1000 <= 1000:
 *     admit (equality fits).  {60:200 70:800}
 *  I  t=70         est 1+0=1        1001: free 1: 60:200 at 120: 50 s.
 *  J  t=119.999999 est 400+0=400    {60:200 70:800}=1000, 1400: free 400: 60:200 (200)
 *     then 70:800 at 130: 130-119.999999 = 10.000001 s -> 10001 ms (rounded up).
 *  K  t=120        est 400          60:200 left: {70:800}, 1200: free 200: 70:800 at
 *     130: 10 s.
 * remaining_tokens = 1000 - window after the answer.  remaining_requests =
 * 166 - admissions in the last 10 s: A 165; B 165 (A left at 10); C, D 166;
 * E 165; F 165; G 165 (E at 60 > 55.0004); H 165 (E left at 70); I 165;
 * J, K 166 (H left at 80).
 */
static void test_sliding_tpm(void)
{
	rs_std_params p =
	    params(1000, ISOLATE_RPM, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	CHECK_I64(rs_meter_std_rpm_limit(&p), 166);
	static const step steps[] = {
	    {"A", S(0), 300, 100, true, 0, 600, 165},
	    {"B", S(10), 300, 200, true, 0, 100, 165},
	    {"C", S(20), 150, 50, false, 40000, 100, 166},
	    {"D", S(59.9995), 150, 50, false, 1, 100, 166},
	    {"E", S(60), 150, 50, true, 0, 300, 165},
	    {"F", S(60), 400, 0, false, 10000, 300, 165},
	    {"G", S(65.0004), 100, 800, false, 55000, 300, 165},
	    {"H", S(70), 300, 500, true, 0, 0, 165},
	    {"I", S(70), 1, 0, false, 50000, 0, 165},
	    {"J", S(119.999999), 400, 0, false, 10001, 0, 166},
	    {"K", S(120), 400, 0, false, 10000, 200, 166},
	};
	rs_meter *m = rs_meter_std_new(&p);
	CHECK(m != NULL);
	CHECK_STR(m->ops->name, "standard");
	run_steps(m, steps, N_OF(steps));
	rs_meter_free(m);
	rs_meter_free(NULL); /* does nothing */
}

/*
 * (b) Fixed TPM window: the same arrivals (plus a reset at 120 s), the counter
 * reset at each minute.  A 429 waits for the next minute boundary.
 *
 *  A  t=0          400   minute 0: 400: admit
 *  B  t=10         500   900: admit
 *  C  t=20         200   1100: 429, next boundary 60: 40 s
 *  D  t=59.9995    200   1100: 429, 0.0005 s -> 1 ms
 *  E  t=60         200   minute 1 starts at 0: 200: admit
 *  F  t=60         400   600: admit              (sliding: 429)
 *  G  t=65.0004    900   1500: 429, boundary 120: 54.9996 s -> 55000 ms
 *  H  t=70         800   1400: 429, 50 s         (sliding: admit)
 *  I  t=70         1     601: admit              (sliding: 429)
 *  J  t=119.999999 400   1001: 429, 1 us -> 1 ms (sliding: 10001 ms)
 *  K  t=120        400   minute 2: 400: admit    (sliding: 429)
 * remaining_requests (sliding 10 s, limit 166): A 165, B 165, C 166, D 166,
 * E 165, F 164 (E and F at 60), G 164, H 166 (both left at 70), I 165,
 * J 166 (I left at 80), K 165.
 */
static void test_fixed_tpm(void)
{
	rs_std_params p = params(1000, ISOLATE_RPM, RS_WINDOW_FIXED, RS_WINDOW_SLIDING, 10, false);
	static const step steps[] = {
	    {"A", S(0), 300, 100, true, 0, 600, 165},
	    {"B", S(10), 300, 200, true, 0, 100, 165},
	    {"C", S(20), 150, 50, false, 40000, 100, 166},
	    {"D", S(59.9995), 150, 50, false, 1, 100, 166},
	    {"E", S(60), 150, 50, true, 0, 800, 165},
	    {"F", S(60), 400, 0, true, 0, 400, 164},
	    {"G", S(65.0004), 100, 800, false, 55000, 400, 164},
	    {"H", S(70), 300, 500, false, 50000, 400, 166},
	    {"I", S(70), 1, 0, true, 0, 399, 165},
	    {"J", S(119.999999), 400, 0, false, 1, 399, 166},
	    {"K", S(120), 400, 0, true, 0, 600, 165},
	};
	rs_meter *m = rs_meter_std_new(&p);
	run_steps(m, steps, N_OF(steps));
	rs_meter_free(m);
}

/*
 * (c) RPM windows, TPM isolated: TPM 60000 at 6 per 1k gives RPM 360, i.e.
 * floor(360 * 10 / 60) = 60 per 10 s window and floor(360 / 60) = 6 per 1 s
 * window.  Every request is est 1 token, so 60000 TPM never binds.
 *
 * Sliding 10 s: 60 requests at 0, 0.1, ..., 5.9 s are admitted (remaining
 * 59 - i).  The 61st, at 6.0 s, is refused, long before the minute's 360:
 * count 60, the 1st oldest (0 s) must leave, at 10 s: wait 4000 ms.  At 10 s
 * one is admitted (0 s left exactly then); a second at 10 s is refused: the
 * oldest is now 0.1 s, leaving at 10.1 s: wait 100 ms.
 */
static void test_rpm_sliding_10s(void)
{
	rs_std_params p = params(60000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	CHECK_I64(rs_meter_std_rpm_limit(&p), 60);
	rs_meter *m = rs_meter_std_new(&p);
	for (int i = 0; i < 60; i++) {
		rs_decision d = ask(m, MS(100 * i), 1, 0);
		CHECK(d.admitted);
		CHECK_I64(d.remaining_requests, 59 - i);
		CHECK_I64(d.remaining_tokens, 60000 - (i + 1));
	}
	rs_decision d = ask(m, S(6), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 4000);
	CHECK_I64(d.remaining_requests, 0);
	CHECK_I64(d.remaining_tokens, 60000 - 60); /* the minute quota is far away */
	d = ask(m, S(9.999999), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 1); /* 1 us, rounded up */
	d = ask(m, S(10), 1, 0);
	CHECK(d.admitted);
	CHECK_I64(d.remaining_requests, 0);
	d = ask(m, S(10), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 100);
	rs_meter_free(m);
}

/*
 * Fixed 10 s: the same 60 then the 61st at 6.0 s refused until the boundary
 * at 10 s: 4000 ms.  At 10 s the counter resets: 60 more are admitted at
 * once (a sliding window would admit one), so 120 get through within 10.0 s;
 * the 61st of the new window is refused until 20 s: 10000 ms.
 */
static void test_rpm_fixed_10s(void)
{
	rs_std_params p = params(60000, 6, RS_WINDOW_SLIDING, RS_WINDOW_FIXED, 10, false);
	rs_meter *m = rs_meter_std_new(&p);
	for (int i = 0; i < 60; i++)
		CHECK(ask(m, MS(100 * i), 1, 0).admitted);
	rs_decision d = ask(m, S(6), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 4000);
	for (int i = 0; i < 60; i++) {
		d = ask(m, S(10), 1, 0);
		CHECK(d.admitted);
		CHECK_I64(d.remaining_requests, 59 - i);
	}
	d = ask(m, S(10), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 10000);
	CHECK_I64(d.remaining_tokens, 60000 - 120);
	rs_meter_free(m);
}

/*
 * Sliding 1 s, limit 6: 6 at 0, 0.1, ..., 0.5 s admitted; the 7th at 0.6 s
 * is refused (7 requests in a second against 360 a minute): 0 s leaves at
 * 1 s: 400 ms.  At 1.0 s admitted (0 s has left); another at 1.0 s: the
 * oldest is 0.1 s, leaving at 1.1 s: 100 ms.  At 2.0 s the window (1, 2] is
 * empty: 6 at the same instant are admitted (six slots, one time); the 7th
 * must wait for them to leave at 3.0 s: 1000 ms.
 */
static void test_rpm_sliding_1s(void)
{
	rs_std_params p = params(60000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 1, false);
	CHECK_I64(rs_meter_std_rpm_limit(&p), 6);
	rs_meter *m = rs_meter_std_new(&p);
	for (int i = 0; i < 6; i++)
		CHECK(ask(m, MS(100 * i), 1, 0).admitted);
	rs_decision d = ask(m, MS(600), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 400);
	d = ask(m, S(1), 1, 0);
	CHECK(d.admitted);
	d = ask(m, S(1), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 100);
	for (int i = 0; i < 6; i++) {
		d = ask(m, S(2), 1, 0);
		CHECK(d.admitted);
		CHECK_I64(d.remaining_requests, 5 - i);
	}
	d = ask(m, S(2), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 1000);
	rs_meter_free(m);
}

/*
 * Fixed 1 s, limit 6: 6 at 0..0.5 s admitted; the 7th at 0.6 s waits for
 * the boundary at 1 s: 400 ms; at 1.0 s two are admitted (remaining 5, 4),
 * where the sliding window refused the second.
 */
static void test_rpm_fixed_1s(void)
{
	rs_std_params p = params(60000, 6, RS_WINDOW_SLIDING, RS_WINDOW_FIXED, 1, false);
	rs_meter *m = rs_meter_std_new(&p);
	for (int i = 0; i < 6; i++)
		CHECK(ask(m, MS(100 * i), 1, 0).admitted);
	rs_decision d = ask(m, MS(600), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 400);
	d = ask(m, S(1), 1, 0);
	CHECK(d.admitted);
	CHECK_I64(d.remaining_requests, 5);
	d = ask(m, S(1), 1, 0);
	CHECK(d.admitted);
	CHECK_I64(d.remaining_requests, 4);
	rs_meter_free(m);
}

/*
 * (d) Both limits.  TPM 1000 at 6 per 1k: RPM 6, floor(6 * 10 / 60) = 1 per
 * sliding 10 s window; TPM sliding.
 *
 *  A  t=0   est 400+500=900  admit. TPM {0:900}, RPM {0}
 *  B  t=5   est 150+50=200   TPM 1100: free 100: 0:900 at 60 -> 55 s;
 *           RPM 2 > 1: 0 leaves at 10 -> 5 s.  Both refuse: the larger, 55000.
 *  C  t=5   est 50+0=50      TPM 950 fits; RPM refuses: 5000.
 *  D  t=10  est 50           RPM: 0 left at 10: fits; TPM 950: admit.
 *           TPM {0:900 10:50}, RPM {10}
 *  E  t=12  est 100+0=100    TPM 1050: free 50: 0:900 at 60 -> 48 s;
 *           RPM: 10 leaves at 20 -> 8 s.  48000 (TPM larger).
 *  G  t=62  est 100          TPM {10:50}: 150 fits; RPM (52, 62] empty: admit.
 *           TPM {10:50 62:100}, RPM {62}
 *  H  t=64  est 400+500=900  TPM 1050: free 50: 10:50 at 70 -> 6 s;
 *           RPM: 62 leaves at 72 -> 8 s.  8000 (RPM larger).
 *  I  t=72  est 900          TPM {62:100}: 1000 fits; RPM: 62 left: admit.
 * remaining_tokens: A 100, B 100, C 100, D 50, E 50, G 850, H 850, I 0;
 * remaining_requests: 0 after every answer (one request in each window).
 */
static void test_both_limits(void)
{
	rs_std_params p = params(1000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	CHECK_I64(rs_meter_std_rpm_limit(&p), 1);
	static const step steps[] = {
	    {"A", S(0), 400, 500, true, 0, 100, 0},      {"B", S(5), 150, 50, false, 55000, 100, 0},
	    {"C", S(5), 50, 0, false, 5000, 100, 0},     {"D", S(10), 50, 0, true, 0, 50, 0},
	    {"E", S(12), 100, 0, false, 48000, 50, 0},   {"G", S(62), 100, 0, true, 0, 850, 0},
	    {"H", S(64), 400, 500, false, 8000, 850, 0}, {"I", S(72), 400, 500, true, 0, 0, 0},
	};
	rs_meter *m = rs_meter_std_new(&p);
	run_steps(m, steps, N_OF(steps));
	rs_meter_free(m);
}

/*
 * (e) count_refused.  TPM 1000 sliding, RPM isolated (limit 166).
 *
 *  A  t=0   est 500+100=600  admit: {0:600}
 *  B  t=10  est 600          1200 > 1000: 429.
 *     false: B not counted; free 200: 0:600 at 60 -> 50000 ms; remaining 400
 *            tokens, 166 requests (A left the 10 s window at 10).
 *     true:  B counted: {0:600 10:600}=1200; free 1200+600-1000 = 800:
 *            0:600 (600) then 10:600 (1200) at 70 -> 60000 ms; remaining 0, 165.
 *  C  t=60  est 600
 *     false: 0:600 left: 600 fits: admit, remaining 400.
 *     true:  {10:600}: 1200: 429, counted: {10:600 60:600}; free 800: 10:600
 *            then 60:600 at 120 -> 60000 ms; remaining 0.
 * The retry storm sustains itself: with counting, the earlier refusal keeps C
 * out at a time when, without counting, C gets in.
 */
static void test_count_refused(void)
{
	rs_std_params p =
	    params(1000, ISOLATE_RPM, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	static const step uncounted[] = {
	    {"A", S(0), 500, 100, true, 0, 400, 165},
	    {"B", S(10), 500, 100, false, 50000, 400, 166},
	    {"C", S(60), 500, 100, true, 0, 400, 165},
	};
	rs_meter *m = rs_meter_std_new(&p);
	run_steps(m, uncounted, N_OF(uncounted));
	rs_meter_free(m);

	p.count_refused = true;
	static const step counted[] = {
	    {"A", S(0), 500, 100, true, 0, 400, 165},
	    {"B", S(10), 500, 100, false, 60000, 0, 165},
	    {"C", S(60), 500, 100, false, 60000, 0, 165},
	};
	m = rs_meter_std_new(&p);
	run_steps(m, counted, N_OF(counted));
	rs_meter_free(m);

	/* With counting, a retry at exactly the announced time gets in: A, B as
	 * above (B: 60000 ms), B's retry at 10 + 60 = 70 s finds (10, 70] empty. */
	static const step retried[] = {
	    {"A", S(0), 500, 100, true, 0, 400, 165},
	    {"B", S(10), 500, 100, false, 60000, 0, 165},
	    {"B'", S(70), 500, 100, true, 0, 400, 165},
	};
	m = rs_meter_std_new(&p);
	run_steps(m, retried, N_OF(retried));
	rs_meter_free(m);
}

/*
 * (f) An estimate above the whole TPM (1000) is refused however empty the
 * window; retry-after is the time until the window is empty.
 *  f1 sliding, empty window: est 1000+500=1500 at 5 s: 429, retry 0 (the
 *     window is already empty), remaining 1000 tokens, utilisation 0.
 *  f2 sliding: A 0 s est 300 admit, B 20 s est 300 admit, X 30 s est 1001:
 *     the newest entry 20:300 leaves at 80: 50000 ms (not 30000, when A
 *     leaves, though 1001 is only 1 over: it never fits).
 *  f3 fixed: A 0 s est 300 admit, X 30 s est 1500: boundary at 60: 30000;
 *     on an empty fixed window, X at 5 s: 0 (already empty); with
 *     count_refused, X counts and the minute empties at 60: 55000.
 *  f4 sliding, count_refused: X 5 s est 1500 is counted: {5:1500}: empty at
 *     65: 60000 ms; remaining_tokens 1000 - 1500 clamps to 0; utilisation 1.5.
 */
static void test_estimate_above_tpm(void)
{
	rs_std_params p =
	    params(1000, ISOLATE_RPM, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	rs_meter *m = rs_meter_std_new(&p);
	rs_decision d = ask(m, S(5), 1000, 500);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 0);
	CHECK_I64(d.remaining_tokens, 1000);
	CHECK_NEAR(d.utilisation, 0.0, 0.0);
	rs_meter_free(m);

	static const step f2[] = {
	    {"A", S(0), 300, 0, true, 0, 700, 165},
	    {"B", S(20), 300, 0, true, 0, 400, 165},
	    {"X", S(30), 1001, 0, false, 50000, 400, 166},
	};
	m = rs_meter_std_new(&p);
	run_steps(m, f2, N_OF(f2));
	rs_meter_free(m);

	p.tpm_window = RS_WINDOW_FIXED;
	static const step f3[] = {
	    {"A", S(0), 300, 0, true, 0, 700, 165},
	    {"X", S(30), 1000, 500, false, 30000, 700, 166},
	};
	m = rs_meter_std_new(&p);
	run_steps(m, f3, N_OF(f3));
	rs_meter_free(m);
	m = rs_meter_std_new(&p);
	d = ask(m, S(5), 1000, 500);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 0);
	rs_meter_free(m);
	p.count_refused = true;
	m = rs_meter_std_new(&p);
	d = ask(m, S(5), 1000, 500);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 55000);
	CHECK_I64(d.remaining_tokens, 0);
	rs_meter_free(m);

	p.tpm_window = RS_WINDOW_SLIDING;
	p.count_refused = true;
	m = rs_meter_std_new(&p);
	d = ask(m, S(5), 1000, 500);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 60000);
	CHECK_I64(d.remaining_tokens, 0);
	CHECK_I64(d.remaining_requests, 165);
	CHECK_NEAR(d.utilisation, 1.5, 1e-12);
	rs_meter_free(m);
}

/*
 * (g) The estimate: ceil(prompt * factor) + (max_tokens or default) * best_of.
 *  prompt 100, max absent, best_of 1, default 4096: 100 + 4096 = 4196
 *  prompt 100, max 200, best_of 3: 100 + 600 = 700
 *  prompt 100, max absent, best_of 2: 100 + 8192 = 8292
 *  max_tokens 0 is present, not absent: 100
 *  factor 1.1: 100 -> 110 (100 * 1.1 is 110.00000000000001 in doubles);
 *              101 -> 111.1 -> 112
 *  factor 1.25: 10 -> 12.5 -> 13;  factor 0.5: 3 -> 1.5 -> 2, 4 -> 2
 * The meter charges the estimate: best_of 3 above is admitted with charged
 * 700 and remaining 60000 - 700 = 59300.
 */
static void test_estimate(void)
{
	rs_std_params p = params(60000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	rs_meter_req r = {.prompt_tokens = 100, .max_tokens = -1, .best_of = 1};
	CHECK_I64(rs_meter_std_estimate(&p, &r), 4196);
	r.max_tokens = 200;
	r.best_of = 3;
	CHECK_I64(rs_meter_std_estimate(&p, &r), 700);
	r.max_tokens = -1;
	r.best_of = 2;
	CHECK_I64(rs_meter_std_estimate(&p, &r), 8292);
	r.max_tokens = 0;
	r.best_of = 1;
	CHECK_I64(rs_meter_std_estimate(&p, &r), 100);

	p.prompt_estimate_factor = 1.1;
	CHECK_I64(rs_meter_std_estimate(&p, &r), 110);
	r.prompt_tokens = 101;
	CHECK_I64(rs_meter_std_estimate(&p, &r), 112);
	p.prompt_estimate_factor = 1.25;
	r.prompt_tokens = 10;
	CHECK_I64(rs_meter_std_estimate(&p, &r), 13);
	p.prompt_estimate_factor = 0.5;
	r.prompt_tokens = 3;
	CHECK_I64(rs_meter_std_estimate(&p, &r), 2);
	r.prompt_tokens = 4;
	CHECK_I64(rs_meter_std_estimate(&p, &r), 2);

	/* factor 1 (the default, taken without rounding): the prompt itself,
	 * up to 2^53 and beyond it (even values, exact in doubles) */
	p.prompt_estimate_factor = 1.0;
	r.max_tokens = 0;
	int64_t prompts[] = {0, 1, 12345, INT64_C(1) << 53, (INT64_C(1) << 53) + 2};
	for (size_t i = 0; i < sizeof prompts / sizeof prompts[0]; i++) {
		r.prompt_tokens = prompts[i];
		CHECK_I64(rs_meter_std_estimate(&p, &r), prompts[i]);
	}

	rs_meter *m = rs_meter_std_new(&p);
	rs_meter_req q = {.prompt_tokens = 100, .max_tokens = 200, .best_of = 3};
	rs_decision d;
	rs_meter_admit(m, 0, &q, &d);
	CHECK(d.admitted);
	CHECK_NEAR(d.charged, 700.0, 0.0);
	CHECK_I64(d.remaining_tokens, 59300);
	rs_meter_free(m);
}

/*
 * (h) RPM limit = max(1, floor(rpm_per_1k_tpm * TPM / 1000 * window / 60)).
 *  1000 TPM, 6/1k: RPM 6: 10 s -> 1, 1 s -> floor(0.1) = 0 -> 1
 *  100 TPM: RPM 0.6, 10 s -> 0.1 -> 1;  0 per 1k -> 0 -> 1
 *  2000 TPM: RPM 12, 10 s -> 2
 *  20000 TPM (gpt-4 of 000): RPM 120, 10 s -> 20, 1 s -> 2
 *  240000 TPM (gpt-3.5 of 000): RPM 1440, 10 s -> 240, 1 s -> 24
 *  200000 TPM at 0.3/1k: RPM 60, 10 s -> 10, 1 s -> 1 (0.3 is inexact in
 *  binary: the product must not fall to 9.999...)
 * A meter with limit 1 (1000 TPM, 1 s) admits one at 0 s, refuses the next
 * at 0 s until 1 s: 1000 ms, admits at 1 s.
 */
static void test_rpm_limit(void)
{
	rs_std_params p = params(1000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	CHECK_I64(rs_meter_std_rpm_limit(&p), 1);
	p.rpm_window_s = 1;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 1);
	p.rpm_window_s = 10;
	p.tpm = 100;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 1);
	p.tpm = 1000;
	p.rpm_per_1k_tpm = 0;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 1);
	p.rpm_per_1k_tpm = 6;
	p.tpm = 2000;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 2);
	p.tpm = 20000;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 20);
	p.rpm_window_s = 1;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 2);
	p.tpm = 240000;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 24);
	p.rpm_window_s = 10;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 240);
	p.tpm = 200000;
	p.rpm_per_1k_tpm = 0.3;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 10);
	p.rpm_window_s = 1;
	CHECK_I64(rs_meter_std_rpm_limit(&p), 1);

	p = params(1000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 1, false);
	rs_meter *m = rs_meter_std_new(&p);
	CHECK(ask(m, 0, 1, 0).admitted);
	rs_decision d = ask(m, 0, 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 1000);
	CHECK(ask(m, S(1), 1, 0).admitted);
	rs_meter_free(m);
}

/* Constant arrivals every `gap` for `dur`, each of `tokens` tokens; returns
 * the admitted fraction and checks every retry-after lies in (0, max_ms]. */
static double admitted_fraction(const rs_std_params *p, rs_time gap, rs_time dur, int64_t tokens,
                                int64_t max_ms)
{
	rs_meter *m = rs_meter_std_new(p);
	long n = 0, admitted = 0, bad_retry = 0;
	for (rs_time t = 0; t < dur; t += gap, n++) {
		rs_decision d = ask(m, t, tokens, 0);
		if (d.admitted)
			admitted++;
		else if (d.retry_after_ms <= 0 || d.retry_after_ms > max_ms)
			bad_retry++;
	}
	CHECK_I64(bad_retry, 0);
	rs_meter_free(m);
	return (double)admitted / (double)n;
}

/*
 * (i) Closed form: arrivals at exactly twice the limit for an hour get half
 * through.  RPM: TPM 100000 at 6/1k is RPM 600 = 10/s (100 per 10 s window,
 * 10 per 1 s); arrivals every 50 ms are 20/s, each 1 token (20 tokens/s is
 * far under 100000 a minute).  TPM: 60000 TPM with RPM isolated; 100-token
 * requests every 50 ms are 2000 tokens/s = 120000 a minute, twice the TPM.
 * Every window kind: admitted fraction 0.5 within 1%.
 */
static void test_twice_the_limit(void)
{
	static const rs_window_kind kinds[] = {RS_WINDOW_SLIDING, RS_WINDOW_FIXED};
	for (int k = 0; k < 2; k++) {
		for (int w = 1; w <= 10; w += 9) {
			rs_std_params p = params(100000, 6, RS_WINDOW_SLIDING, kinds[k], w, false);
			double f = admitted_fraction(&p, MS(50), S(3600), 1, w * 1000);
			CHECK_NEAR(f, 0.5, 0.005);
		}
		rs_std_params p =
		    params(60000, ISOLATE_RPM, kinds[k], RS_WINDOW_SLIDING, 10, false);
		double f = admitted_fraction(&p, MS(50), S(3600), 100, 60000);
		CHECK_NEAR(f, 0.5, 0.005);
	}
}

/*
 * (j) set_scale.  TPM 1000, RPM isolated, scale 0.5 from 0 s: limit 500.
 *  A  0 s  est 400  admit, remaining 100
 *  B  1 s  est 200  600 > 500: free 100: 0:400 at 60 -> 59000 ms, remaining 100
 *  scale 1.0 at 2 s: limit 1000 again
 *  C  2 s  est 200  600: admit, remaining 400
 *  scale 0.25 at 3 s: limit 250 below the 600 in the window: tpm occupancy 2.4
 *  D  3 s  est 1    601 > 250: free 351: 0:400 at 60 -> 57000 ms; remaining 0
 * RPM follows: 60000 TPM at 6/1k (60 per 10 s); at 0.5, 30000 TPM: RPM 180,
 * 30 per 10 s: 30 admitted at 0 s, the 31st waits for them at 10 s: 10000
 * ms; back at 1.0 it is admitted with 60 - 31 = 29 left.
 * Rounding: 1001 * 0.5 = 500.5 rounds to 501: est 1 leaves 500.
 */
static void test_set_scale(void)
{
	rs_std_params p =
	    params(1000, ISOLATE_RPM, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	rs_meter *m = rs_meter_std_new(&p);
	m->ops->set_scale(m, 0, 0.5);
	rs_decision d = ask(m, 0, 400, 0);
	CHECK(d.admitted);
	CHECK_I64(d.remaining_tokens, 100);
	d = ask(m, S(1), 200, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 59000);
	CHECK_I64(d.remaining_tokens, 100);
	m->ops->set_scale(m, S(2), 1.0);
	d = ask(m, S(2), 200, 0);
	CHECK(d.admitted);
	CHECK_I64(d.remaining_tokens, 400);
	m->ops->set_scale(m, S(3), 0.25);
	rs_meter_state st;
	m->ops->sample(m, S(3), &st);
	CHECK_NEAR(st.tpm_occupancy, 2.4, 1e-12);
	d = ask(m, S(3), 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 57000);
	CHECK_I64(d.remaining_tokens, 0);
	rs_meter_free(m);

	p = params(60000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	m = rs_meter_std_new(&p);
	m->ops->set_scale(m, 0, 0.5);
	for (int i = 0; i < 30; i++)
		CHECK(ask(m, 0, 1, 0).admitted);
	d = ask(m, 0, 1, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 10000);
	m->ops->set_scale(m, 0, 1.0);
	d = ask(m, 0, 1, 0);
	CHECK(d.admitted);
	CHECK_I64(d.remaining_requests, 29);
	rs_meter_free(m);

	p = params(1001, ISOLATE_RPM, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	m = rs_meter_std_new(&p);
	m->ops->set_scale(m, 0, 0.5);
	CHECK_I64(ask(m, 0, 1, 0).remaining_tokens, 500);
	rs_meter_free(m);
}

/*
 * (k) remaining_*, utilisation, sample() and complete().  TPM 60000 at 6/1k:
 * 60 requests per sliding 10 s window.
 *  A  0 s  est 1000+1000=2000: admit; remaining 58000 tokens, 59 requests;
 *          utilisation max(2000/60000, 1/60) = 1/30.
 *  sample at 0 s: tpm 1/30, rpm 1/60, utilisation 1/30, level 2000;
 *  complete(A) changes nothing;
 *  sample at 10 s: rpm 0 (A left the 10 s window), tpm still 1/30;
 *  sample at 60 s: everything 0.
 *  30 requests of est 1 at 61 s: remaining 59970 tokens, 30 requests;
 *  utilisation max(30/60000, 30/60) = 0.5 (the RPM side dominates).
 */
static void test_remaining_and_sample(void)
{
	rs_std_params p = params(60000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	rs_meter *m = rs_meter_std_new(&p);
	rs_decision d = ask(m, 0, 1000, 1000);
	CHECK(d.admitted);
	CHECK_I64(d.remaining_tokens, 58000);
	CHECK_I64(d.remaining_requests, 59);
	CHECK_NEAR(d.utilisation, 1.0 / 30, 1e-12);

	rs_meter_state st;
	m->ops->sample(m, 0, &st);
	CHECK_NEAR(st.tpm_occupancy, 1.0 / 30, 1e-12);
	CHECK_NEAR(st.rpm_occupancy, 1.0 / 60, 1e-12);
	CHECK_NEAR(st.utilisation, 1.0 / 30, 1e-12);
	CHECK_NEAR(st.level, 2000, 0);
	rs_meter_req r = {
	    .prompt_tokens = 1000, .max_tokens = 1000, .best_of = 1, .output_tokens = 10};
	rs_meter_complete(m, S(5), &r, d.charged);
	m->ops->sample(m, S(5), &st);
	CHECK_NEAR(st.level, 2000, 0);
	m->ops->sample(m, S(10), &st);
	CHECK_NEAR(st.rpm_occupancy, 0, 0);
	CHECK_NEAR(st.tpm_occupancy, 1.0 / 30, 1e-12);
	m->ops->sample(m, S(60), &st);
	CHECK_NEAR(st.tpm_occupancy, 0, 0);
	CHECK_NEAR(st.utilisation, 0, 0);
	CHECK_NEAR(st.level, 0, 0);

	for (int i = 0; i < 30; i++)
		d = ask(m, S(61), 1, 0);
	CHECK(d.admitted);
	CHECK_I64(d.remaining_tokens, 59970);
	CHECK_I64(d.remaining_requests, 30);
	CHECK_NEAR(d.utilisation, 0.5, 1e-12);
	rs_meter_free(m);
}

/*
 * (k) Both RPM windows at once (MODEL.md section 13, Microsoft Q&A 2025-02):
 * a fast burst at 50K TPM (gpt-4o, 6 per 1k: RPM 300) refused at its 6th
 * request while x-ratelimit-remaining-requests still said 45.
 *  Limits: 1 s window max(1, floor(300 x 1 / 60)) = 5; 10 s window
 *  floor(300 x 10 / 60) = 50.  Six requests of est 100 at 0, 100, ..., 500
 *  ms (sliding windows), TPM never binds (600 of 50000).
 *  R1..R5 admitted: the 10 s window's remaining (the header) 49, 48, 47,
 *  46, 45; tokens 49900 .. 49500.
 *  R6 at 500 ms: the 1 s window holds 5 = its limit: refused, limit RPM,
 *  window 1 s; R1 (at 0) leaves it at 1000 ms: retry-after 500 ms.  The
 *  10 s window still holds 5 of 50: remaining 45 (count_refused false).
 *  With [10] alone the same burst is admitted whole (R6 remaining 44); with
 *  [1] alone R6 is refused the same way, but remaining_requests is then the
 *  1 s window's: 0.  A retry of R6 at exactly 1000 ms is admitted (the 1 s
 *  window holds R2..R5, 4 of 5; the header says 44).
 */
static void test_both_rpm_windows(void)
{
	rs_std_params p = params(50000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 1, false);
	p.n_rpm_windows = 2;
	p.rpm_windows_s[0] = 1;
	p.rpm_windows_s[1] = 10;
	CHECK_I64(rs_meter_std_rpm_limit_for(&p, 1), 5);
	CHECK_I64(rs_meter_std_rpm_limit_for(&p, 10), 50);
	static const step burst[] = {
	    {"R1", MS(0), 50, 50, true, 0, 49900, 49},
	    {"R2", MS(100), 50, 50, true, 0, 49800, 48},
	    {"R3", MS(200), 50, 50, true, 0, 49700, 47},
	    {"R4", MS(300), 50, 50, true, 0, 49600, 46},
	    {"R5", MS(400), 50, 50, true, 0, 49500, 45},
	    {"R6", MS(500), 50, 50, false, 500, 49500, 45},
	    {"R6 retried", MS(1000), 50, 50, true, 0, 49400, 44},
	};
	rs_meter *m = rs_meter_std_new(&p);
	run_steps(m, burst, N_OF(burst));
	rs_meter_free(m);
	/* the refusal names the 1 s window */
	rs_decision d = {0};
	m = rs_meter_std_new(&p);
	for (int i = 0; i < 6; i++)
		d = ask(m, MS(100 * i), 50, 50);
	CHECK(!d.admitted);
	CHECK_I64(d.limit, RS_LIMIT_RPM);
	CHECK_I64(d.limit_window_s, 1);
	rs_meter_free(m);

	/* [10] alone: the whole burst is admitted */
	rs_std_params ten = params(50000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	m = rs_meter_std_new(&ten);
	for (int i = 0; i < 6; i++)
		d = ask(m, MS(100 * i), 50, 50);
	CHECK(d.admitted);
	CHECK_I64(d.limit, RS_LIMIT_NONE);
	CHECK_I64(d.remaining_requests, 44);
	rs_meter_free(m);

	/* [1] alone: refused the same way; the header is the 1 s window's */
	rs_std_params one = params(50000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 1, false);
	m = rs_meter_std_new(&one);
	for (int i = 0; i < 6; i++)
		d = ask(m, MS(100 * i), 50, 50);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 500);
	CHECK_I64(d.remaining_requests, 0);
	CHECK_I64(d.limit, RS_LIMIT_RPM);
	CHECK_I64(d.limit_window_s, 1);
	rs_meter_free(m);
}

/*
 * (l) Which limit refused, when several do: the one whose wait is longest.
 *  TPM 1000, 6 per 1k: RPM 6, windows [1, 10]: 1 s allows max(1, 0) = 1,
 *  10 s allows 1.  A est 600 at 0 admitted.  B est 600 at 0.5 s: TPM
 *  (600 + 600 > 1000, free at 60 s), 1 s window (free at 1 s) and 10 s
 *  window (free at 10 s) all refuse: the longest is TPM's, 59500 ms.
 *  C est 100 at 0.5 s: TPM fits (700 <= 1000); both RPM windows refuse,
 *  the 10 s one longest: 9500 ms, limit RPM window 10.  D est 100 at 2 s:
 *  the 1 s window is free, the 10 s one is not: 8000 ms, window 10.
 */
static void test_which_limit(void)
{
	rs_std_params p = params(1000, 6, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 1, false);
	p.n_rpm_windows = 2;
	p.rpm_windows_s[0] = 1;
	p.rpm_windows_s[1] = 10;
	rs_meter *m = rs_meter_std_new(&p);
	rs_decision d = ask(m, S(0), 100, 500);
	CHECK(d.admitted);
	CHECK_I64(d.limit, RS_LIMIT_NONE);
	CHECK_I64(d.limit_window_s, 0);
	d = ask(m, MS(500), 100, 500);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 59500);
	CHECK_I64(d.limit, RS_LIMIT_TPM);
	CHECK_I64(d.limit_window_s, 0);
	d = ask(m, MS(500), 100, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 9500);
	CHECK_I64(d.limit, RS_LIMIT_RPM);
	CHECK_I64(d.limit_window_s, 10);
	d = ask(m, S(2), 100, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 8000);
	CHECK_I64(d.limit, RS_LIMIT_RPM);
	CHECK_I64(d.limit_window_s, 10);
	rs_meter_free(m);
}

/*
 * (m) An estimate above the whole deployed TPM (MODEL.md section 13): the
 * service answers "retry after 86400 seconds".  TPM 1000, est 1001 at 5 s
 * on an empty window: 429, retry-after exactly 86,400,000 ms, limit TPM,
 * nothing charged.  With oversize_retry_after_ms 0 the older answer (the
 * time until the TPM window is empty: 0 here).  Under a temporary
 * adjustment to half (TPM 500) an est 600 fits the deployed 1000: not
 * oversize; it waits for the empty window (0) like any estimate above the
 * effective limit.  An est 1001 under the same adjustment is oversize.
 */
static void test_oversize_retry_after(void)
{
	rs_std_params p =
	    params(1000, ISOLATE_RPM, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, false);
	p.oversize_retry_after_ms = (int64_t)RS_DEFAULT_OVERSIZE_RETRY_AFTER_S * 1000;
	rs_meter *m = rs_meter_std_new(&p);
	rs_decision d = ask(m, S(5), 1, 1000);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 86400000);
	CHECK_I64(d.limit, RS_LIMIT_TPM);
	CHECK_NEAR(d.charged, 0, 0);
	CHECK_I64(d.remaining_tokens, 1000);
	d = ask(m, S(6), 500, 500); /* est 1000 = the TPM: fits */
	CHECK(d.admitted);
	m->ops->set_scale(m, S(7), 0.5);
	d = ask(m, S(70), 100, 500);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 0);
	d = ask(m, S(70), 1, 1000);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 86400000);
	rs_meter_free(m);

	p.oversize_retry_after_ms = 0;
	m = rs_meter_std_new(&p);
	d = ask(m, S(5), 1, 1000);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 0);
	CHECK_I64(d.limit, RS_LIMIT_TPM);
	rs_meter_free(m);
}

/*
 * The ring of slots doubles when full, also while its slots wrap around its
 * end.  TPM 1000, 60 per 1k: RPM 60, 10 per sliding 10 s window, so the
 * first ring has 64 slots (10 a window, 6 windows a minute: 60 <= 64);
 * count_refused, so that every attempt takes a slot; est 10 each.
 * Every 5 s from 0 to 120 s (25 attempts): the TPM window holds at most 12,
 * the ring wraps.  At 120.5 s a burst of 100: 112 slots, two doublings (64 ->
 * 128).  Then:
 *   120.5 s  TPM (60.5, 120.5]: 65..120 (12) + 100 = 112 -> level 1120;
 *            RPM (110.5, 120.5]: 115, 120 + 100 = 102 -> 10.2.
 *   121 s    one more (counted, refused): RPM 103, need 103 - 10 + 1 = 94:
 *            the 94th oldest (115, 120, then the burst's) is the burst's, at
 *            120.5: 9.5 s.  TPM 1130, need 1130 - 1000 + 10 = 140: the 14th
 *            oldest (12 of 65..120, then the burst's) leaves at 180.5:
 *            59.5 s, the larger: 59500 ms, limit TPM.
 *   125.2 s  TPM 70..120 (11) + 101 -> 1120; RPM 120, 100, 121 -> 10.2.
 *   130.6 s  TPM 75..120 (10) + 101 -> 1110; RPM 121 -> 0.1.
 *   180.9 s  TPM (120.9, 180.9]: 121 -> 10.   181.5 s  empty -> 0.
 */
#define GROW_EVERY_S 5
#define GROW_UNTIL_S 120
#define GROW_BURST   100

static void test_ring_growth(void)
{
	rs_std_params p = params(1000, 60, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 10, true);
	rs_meter *m = rs_meter_std_new(&p);
	if (!m) {
		TH_FAIL("out of memory");
		return;
	}
	for (int t = 0; t <= GROW_UNTIL_S; t += GROW_EVERY_S)
		ask(m, S(t), 10, 0);
	for (int k = 0; k < GROW_BURST; k++)
		ask(m, MS(120500), 10, 0);
	rs_meter_state st;
	m->ops->sample(m, MS(120500), &st);
	CHECK(st.level == 1120.0);
	CHECK(st.rpm_occupancy == 102.0 / 10.0);
	rs_decision d = ask(m, S(121), 10, 0);
	CHECK(!d.admitted);
	CHECK_I64(d.retry_after_ms, 59500);
	CHECK(d.limit == RS_LIMIT_TPM);
	CHECK_I64(d.remaining_tokens, 0);
	CHECK_I64(d.remaining_requests, 0);
	m->ops->sample(m, MS(125200), &st);
	CHECK(st.level == 1120.0);
	CHECK(st.rpm_occupancy == 102.0 / 10.0);
	m->ops->sample(m, MS(130600), &st);
	CHECK(st.level == 1110.0);
	CHECK(st.rpm_occupancy == 1.0 / 10.0);
	m->ops->sample(m, MS(180900), &st);
	CHECK(st.level == 10.0);
	m->ops->sample(m, MS(181500), &st);
	CHECK(st.level == 0.0);
	rs_meter_free(m);
}

/*
 * Issue 12: estimates from extreme figures saturate instead of wrapping.
 * best_of 2^31-1 with max_tokens 2^53 used to overflow int64 to a negative
 * estimate that a 150K TPM admitted; a prompt_estimate_factor of 1e308
 * converted an infinite double.  Both must be refused, and count_refused
 * adding such estimates again and again must not overflow the window.
 */
static void test_extreme_estimates(void)
{
	rs_std_params p =
	    params(150000, ISOLATE_RPM, RS_WINDOW_SLIDING, RS_WINDOW_SLIDING, 60, true);
	rs_meter_req big = {
	    .prompt_tokens = 10, .max_tokens = INT64_C(9007199254740992), .best_of = INT32_MAX};
	CHECK_I64(rs_meter_std_estimate(&p, &big), INT64_C(1) << 61); /* saturated */
	rs_meter *m = rs_meter_std_new(&p);
	CHECK(m != NULL);
	if (!m)
		return;
	rs_decision d;
	for (int i = 0; i < 2000; i++) { /* 2000 x 2^61 > INT64_MAX */
		rs_meter_admit(m, S(1) + i, &big, &d);
		CHECK(!d.admitted);
		CHECK(d.retry_after_ms >= 0);
	}
	CHECK(!ask(m, S(2), 10, 10).admitted); /* the window is full */
	CHECK(ask(m, S(62), 10, 10).admitted); /* and empties after a minute */
	rs_meter_free(m);

	p.prompt_estimate_factor = 1e308;
	rs_meter_req r = {.prompt_tokens = 10, .max_tokens = 10, .best_of = 1};
	CHECK_I64(rs_meter_std_estimate(&p, &r), INT64_C(1) << 61);
}

int main(void)
{
	RUN(test_sliding_tpm);
	RUN(test_extreme_estimates);
	RUN(test_fixed_tpm);
	RUN(test_rpm_sliding_10s);
	RUN(test_rpm_fixed_10s);
	RUN(test_rpm_sliding_1s);
	RUN(test_rpm_fixed_1s);
	RUN(test_both_limits);
	RUN(test_count_refused);
	RUN(test_estimate_above_tpm);
	RUN(test_estimate);
	RUN(test_rpm_limit);
	RUN(test_twice_the_limit);
	RUN(test_set_scale);
	RUN(test_remaining_and_sample);
	RUN(test_both_rpm_windows);
	RUN(test_which_limit);
	RUN(test_oversize_retry_after);
	RUN(test_ring_growth);
	return th_done();
}
