/*
 * retry.c - the client retry family: backoff delays, retry-after handling,
 * retry budget, retry ratio and adaptive client-side throttling.
 *
 * Delays (Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture
 * Blog, 2015), with n the retry number and d = min(cap_s, base_s 2^(n-1)):
 *   fixed          delay_s
 *   none           d
 *   full           U(0, d)
 *   equal          d/2 + U(0, d/2)
 *   decorrelated   min(cap_s, U(base_s, 3 prev)), prev = base_s for the
 *                  first retry (the article's `sleep = min(cap,
 *                  random_between(base, sleep * 3))` from sleep = base)
 *   factor         d U(factor_min, factor_max) (openai-python's
 *                  `1 - 0.25 * random()`)
 * then the answer's retry-after-ms, when it has one, per rs_retry_after_mode
 * (cap: honour up to retry_after_cap_s, else fall back on the policy delay,
 * as openai-python does beyond its 60 s; max: the longer of the two, as
 * Azure.Core's DelayStrategy.GetNextDelay takes the larger of the server's
 * delay and its own; clamp: retry-after-ms but never more than
 * retry_after_cap_s; cap_jitter: cap's choice plus U(0,
 * retry_after_jitter_s), with or without a retry-after, as litellm's
 * _calculate_retry_after).  When retry_after_give_up_s > 0 and an answer asks
 * for longer than that, the request gives up instead of waiting (OkHttp's
 * RetryAndFollowUpInterceptor retries a 503 only when Retry-After is 0, a
 * give-up threshold of 0; not checked against the source here).  U(a, b) is a + (b - a) u with u
 * from gsl_rng_uniform, in [0, 1).  The policy backoff is always drawn once
 * the policy allows a retry, even when retry-after replaces it, so that the
 * draws a decision takes depend on the configuration only.
 *
 * Windows: a sliding window of W seconds is a ring of n <= RETRY_WINDOW_SLOTS
 * slots of slot_us = ceil(W / RETRY_WINDOW_SLOTS) microseconds, each holding
 * two counters, plus their running sums.  An event at time t lands in slot
 * floor(t / slot_us) and counts until that slot falls out of the ring, i.e.
 * for between W - slot_us and W (W rounded up to whole slots): the window's
 * edge moves in steps of 1% of W.  Moving to a later slot clears the slots
 * passed over (subtracting them from the sums): O(slots passed), at most n,
 * so O(1) amortised and O(RETRY_WINDOW_SLOTS) worst case whatever the
 * window's length (milliseconds to days), with fixed memory.
 *
 * Invariants: sum[c] == sum over the ring of slots[].c[c]; every slot in the
 * ring belongs to one of the n slot indices head - n + 1 .. head; budget
 * tokens stay in [0, budget_max].
 */
#include "ratesim/retry.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Slots per sliding window: the window's resolution is 1/100 of its length
 * (1.2 s for the SRE book's 2-minute throttling window, 0.1 s for a 10 s
 * retry-ratio window), which keeps memory fixed and updates O(1). */
#define RETRY_WINDOW_SLOTS 100

/* Slack for comparing sums of doubles with whole counts: 0.29 x 100 is
 * 28.999999999999996 and ten refunds of 0.1 make 0.9999999999999999, both
 * meant as whole numbers.  Far below any real fraction of one attempt. */
#define RETRY_COUNT_SLACK 1e-9

/* The two counters of a window. */
enum { WIN_A, WIN_B, WIN_COUNTERS };
/* Ratio window: WIN_A first attempts, WIN_B retries.
 * Adaptive window: WIN_A requests, WIN_B accepts. */

typedef struct win_slot {
	uint64_t c[WIN_COUNTERS];
} win_slot;

typedef struct window {
	rs_time slot_us; /* width of a slot, >= 1 */
	int64_t n;       /* slots in the ring, 1..RETRY_WINDOW_SLOTS */
	int64_t head;    /* index floor(t / slot_us) of the newest slot */
	win_slot *slots; /* owned; slot k lives at slots[k % n] */
	uint64_t sum[WIN_COUNTERS];
} window;

struct rs_retry_state {
	const rs_retry_cfg *cfg; /* borrowed */
	double tokens;           /* retry budget, in [0, budget_max] */
	window *ratio;           /* owned; NULL when retry_ratio == 0 */
	window *adaptive;        /* owned; NULL when adaptive_k == 0 */
};

/* ---- windows ------------------------------------------------------------ */

static void win_free(window *w)
{
	if (!w)
		return;
	free(w->slots);
	free(w);
}

/* A window of window_s seconds; window_s <= 0 counts only events in the same
 * microsecond.  NULL when out of memory. */
static window *win_new(double window_s)
{
	rs_time span = rs_time_from_s(window_s);
	if (span < 1)
		span = 1;
	window *w = rs_calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->slot_us = (span + RETRY_WINDOW_SLOTS - 1) / RETRY_WINDOW_SLOTS;
	w->n = (span + w->slot_us - 1) / w->slot_us;
	w->head = 0;
	w->slots = rs_calloc((size_t)w->n, sizeof *w->slots);
	if (!w->slots) {
		win_free(w);
		return NULL;
	}
	return w;
}

static void win_clear_slot(window *w, int64_t k)
{
	win_slot *s = &w->slots[k % w->n];
	for (int c = 0; c < WIN_COUNTERS; c++) {
		w->sum[c] -= s->c[c];
		s->c[c] = 0;
	}
}

/* Move the window's newest slot up to now's, dropping what falls out. */
static void win_advance(window *w, rs_time now)
{
	assert(now >= 0);
	int64_t k = now / w->slot_us;
	if (k <= w->head)
		return;
	if (k - w->head >= w->n) {
		memset(w->slots, 0, (size_t)w->n * sizeof *w->slots);
		memset(w->sum, 0, sizeof w->sum);
	} else {
		for (int64_t i = w->head + 1; i <= k; i++)
			win_clear_slot(w, i);
	}
	w->head = k;
}

/* Count one event of counter c at time t.  Times should not go backwards;
 * an earlier t still inside the window is counted in its own slot, one
 * already outside it is dropped. */
static void win_add(window *w, rs_time t, int c)
{
	win_advance(w, t);
	int64_t k = t / w->slot_us;
	if (w->head - k >= w->n)
		return;
	w->slots[k % w->n].c[c]++;
	w->sum[c]++;
}

/* ---- state -------------------------------------------------------------- */

rs_retry_state *rs_retry_state_new(const rs_retry_cfg *cfg)
{
	rs_retry_state *st = rs_calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->cfg = cfg;
	st->tokens = cfg->budget_max > 0 ? cfg->budget_max : 0;
	if (cfg->retry_ratio > 0) {
		st->ratio = win_new(cfg->retry_ratio_window_s);
		if (!st->ratio)
			goto fail;
	}
	if (cfg->adaptive_k > 0) {
		st->adaptive = win_new(cfg->adaptive_window_s);
		if (!st->adaptive)
			goto fail;
	}
	return st;
fail:
	rs_retry_state_free(st);
	return NULL;
}

void rs_retry_state_free(rs_retry_state *st)
{
	if (!st)
		return;
	win_free(st->ratio);
	win_free(st->adaptive);
	free(st);
}

/* ---- adaptive throttling ------------------------------------------------ */

double rs_retry_throttle_p(rs_retry_state *st, rs_time now)
{
	if (!st->adaptive)
		return 0;
	win_advance(st->adaptive, now);
	double requests = (double)st->adaptive->sum[WIN_A];
	double accepts = (double)st->adaptive->sum[WIN_B];
	double p = (requests - st->cfg->adaptive_k * accepts) / (requests + 1);
	return p > 0 ? p : 0;
}

double rs_retry_budget_tokens(const rs_retry_state *st)
{
	return st->tokens;
}

bool rs_retry_throttle(rs_retry_state *st, gsl_rng *rng, rs_time now)
{
	if (!st->adaptive)
		return false;
	double p = rs_retry_throttle_p(st, now);
	bool reject = p > 0 && gsl_rng_uniform(rng) < p;
	win_add(st->adaptive, now, WIN_A);
	return reject;
}

void rs_retry_on_sent(rs_retry_state *st, rs_time now, bool is_retry)
{
	/* Retries are counted when granted (rs_retry_next), so that retries
	 * waiting out their delay already hold their place in the ratio. */
	if (st->ratio && !is_retry)
		win_add(st->ratio, now, WIN_A);
}

void rs_retry_on_answer(rs_retry_state *st, rs_time now, bool accepted)
{
	if (!accepted)
		return;
	if (st->adaptive)
		win_add(st->adaptive, now, WIN_B);
	if (st->cfg->budget_max > 0)
		st->tokens = fmin(st->cfg->budget_max, st->tokens + st->cfg->budget_refund);
}

/* ---- decisions ---------------------------------------------------------- */

const char *rs_retry_stop_name(rs_retry_stop s)
{
	switch (s) {
	case RS_RETRY_GO:
		return "go";
	case RS_RETRY_STOP_POLICY:
		return "policy";
	case RS_RETRY_STOP_DEADLINE:
		return "deadline";
	case RS_RETRY_STOP_BUDGET:
		return "budget";
	case RS_RETRY_STOP_RATIO:
		return "ratio";
	case RS_RETRY_STOP_RETRY_AFTER:
		return "retry_after";
	}
	return "?";
}

/* U(a, b): a + (b - a) u, u in [0, 1). */
static double uniform(gsl_rng *rng, double a, double b)
{
	return a + (b - a) * gsl_rng_uniform(rng);
}

/* The policy's backoff in seconds before retry number n (>= 1); prev: the
 * request's previous policy backoff, 0 before the first retry. */
static double policy_delay_s(const rs_retry_cfg *cfg, gsl_rng *rng, int n, double prev)
{
	if (cfg->policy == RS_RETRY_FIXED)
		return cfg->delay_s;
	assert(cfg->policy == RS_RETRY_EXPONENTIAL);
	/* ldexp overflows to +inf for a large n, which fmin turns into cap. */
	double d = fmin(cfg->cap_s, ldexp(cfg->base_s, n - 1));
	switch (cfg->jitter) {
	case RS_JITTER_NONE:
		return d;
	case RS_JITTER_FULL:
		return uniform(rng, 0, d);
	case RS_JITTER_EQUAL:
		return d / 2 + uniform(rng, 0, d / 2);
	case RS_JITTER_DECORRELATED:
		if (prev <= 0)
			prev = cfg->base_s;
		return fmin(cfg->cap_s, uniform(rng, cfg->base_s, 3 * prev));
	case RS_JITTER_FACTOR:
		return d * uniform(rng, cfg->factor_min, cfg->factor_max);
	}
	assert(!"unknown jitter");
	return d;
}

static rs_time nonneg_us(double seconds)
{
	rs_time t = rs_time_from_s(seconds);
	return t > 0 ? t : 0;
}

/* The delay actually waited: the policy's backoff or the answer's
 * retry-after-ms (-1: none), per cfg->retry_after. */
static rs_time wait_us(const rs_retry_cfg *cfg, gsl_rng *rng, double backoff_s,
                       int64_t retry_after_ms)
{
	rs_time backoff = nonneg_us(backoff_s);
	if (cfg->retry_after == RS_RETRY_AFTER_CAP_JITTER) {
		rs_time cap = rs_time_from_s(cfg->retry_after_cap_s);
		rs_time ra = retry_after_ms * RS_US_PER_MS;
		rs_time base = retry_after_ms >= 0 && ra <= cap ? ra : backoff;
		return base + nonneg_us(uniform(rng, 0, cfg->retry_after_jitter_s));
	}
	if (retry_after_ms < 0)
		return backoff;
	rs_time ra = retry_after_ms * RS_US_PER_MS;
	switch (cfg->retry_after) {
	case RS_RETRY_AFTER_IGNORE:
		return backoff;
	case RS_RETRY_AFTER_HONOUR:
		return ra;
	case RS_RETRY_AFTER_CAP:
		return ra <= rs_time_from_s(cfg->retry_after_cap_s) ? ra : backoff;
	case RS_RETRY_AFTER_JITTER:
		return ra + nonneg_us(uniform(rng, 0, cfg->retry_after_jitter_s));
	case RS_RETRY_AFTER_MAX:
		return ra > backoff ? ra : backoff;
	case RS_RETRY_AFTER_CLAMP: {
		rs_time cap = rs_time_from_s(cfg->retry_after_cap_s);
		return ra < cap ? ra : cap;
	}
	case RS_RETRY_AFTER_CAP_JITTER:
		break; /* handled above */
	}
	assert(!"unknown retry_after mode");
	return backoff;
}

rs_retry_stop rs_retry_next(const rs_retry_cfg *cfg, rs_retry_state *st, gsl_rng *rng, rs_time now,
                            int attempts_made, int64_t retry_after_ms, rs_time elapsed,
                            double *prev_delay_s, rs_time *delay)
{
	assert(st && st->cfg == cfg);
	assert(attempts_made >= 1);
	if (cfg->policy == RS_RETRY_NONE || attempts_made > cfg->max_retries)
		return RS_RETRY_STOP_POLICY;

	double backoff_s = policy_delay_s(cfg, rng, attempts_made, *prev_delay_s);
	rs_time wait = wait_us(cfg, rng, backoff_s, retry_after_ms);

	if (cfg->retry_after_give_up_s > 0 && retry_after_ms >= 0 &&
	    retry_after_ms * RS_US_PER_MS > rs_time_from_s(cfg->retry_after_give_up_s))
		return RS_RETRY_STOP_RETRY_AFTER;
	if (cfg->deadline_s > 0 && elapsed + wait > rs_time_from_s(cfg->deadline_s))
		return RS_RETRY_STOP_DEADLINE;
	if (st->ratio) {
		win_advance(st->ratio, now);
		double firsts = (double)st->ratio->sum[WIN_A];
		double retries = (double)st->ratio->sum[WIN_B];
		if (retries + 1 > cfg->retry_ratio * firsts + RETRY_COUNT_SLACK)
			return RS_RETRY_STOP_RATIO;
	}
	if (cfg->budget_max > 0) {
		if (st->tokens + RETRY_COUNT_SLACK < 1)
			return RS_RETRY_STOP_BUDGET;
		st->tokens = fmax(0, st->tokens - 1);
	}
	if (st->ratio)
		win_add(st->ratio, now, WIN_B);
	*prev_delay_s = backoff_s;
	*delay = wait;
	return RS_RETRY_GO;
}
