/*
 * retry.h - the client retry family (MODEL.md section 8): whether, when and
 * how often a client tries again.
 *
 * Pure module: no events, no I/O.  A client owns one rs_retry_state and
 * tells it what happens (attempts wanted, sent, answered); the state answers
 * two questions:
 *   rs_retry_throttle  before any attempt: reject it locally? (adaptive
 *                      client-side throttling, Google SRE book, "Handling
 *                      Overload")
 *   rs_retry_next      after a failed attempt: retry after which delay, or
 *                      why not (policy, deadline, retry budget, retry ratio)
 *
 * Delays follow Marc Brooker, "Exponential Backoff And Jitter", AWS
 * Architecture Blog, 2015, plus the SDKs' multiplicative factor
 * (openai-python).  Randomness only through the caller's gsl_rng.
 *
 * Windows (retry ratio and adaptive throttling) are rings of
 * RETRY_WINDOW_SLOTS counters each (see retry.c): every operation is O(1)
 * amortised and O(RETRY_WINDOW_SLOTS) at worst, memory is fixed per client.
 */
#ifndef RATESIM_RETRY_H
#define RATESIM_RETRY_H

#include <gsl/gsl_rng.h>

#include "ratesim/config.h"

/* Per-client state of the retry machinery: retry budget, retry-ratio window
 * and adaptive-throttling window.  One per client. */
typedef struct rs_retry_state rs_retry_state;

/* A fresh state: the budget full (budget_max tokens), both windows empty.
 * cfg is borrowed for the state's lifetime and must be the one later passed
 * to rs_retry_next.  A window whose feature is off (retry_ratio == 0,
 * adaptive_k == 0) is not allocated.  Returns NULL when out of memory.
 * Caller frees with rs_retry_state_free. */
rs_retry_state *rs_retry_state_new(const rs_retry_cfg *cfg);

/* Frees st; NULL does nothing. */
void rs_retry_state_free(rs_retry_state *st);

/* Adaptive client-side throttling (Google SRE book, "Handling Overload"):
 * before sending any attempt (first or retry) the client asks; true means
 * "reject locally without sending", drawn with probability
 *   P = max(0, (requests - K * accepts) / (requests + 1))
 * where requests and accepts are counted over the last adaptive_window_s
 * before this call: requests are the attempts the client wanted to send
 * (including locally rejected ones: every earlier call of this function),
 * accepts those the backend accepted (rs_retry_on_answer with accepted).
 * Afterwards this request is counted, whatever the outcome.  Always false,
 * counting nothing and drawing nothing, when adaptive_k == 0; draws one
 * uniform from rng exactly when P > 0.  now must not go backwards. */
bool rs_retry_throttle(rs_retry_state *st, gsl_rng *rng, rs_time now);

/* The current P of rs_retry_throttle at now, without counting a request or
 * drawing (for reports and tests); 0 when adaptive_k == 0. */
double rs_retry_throttle_p(rs_retry_state *st, rs_time now);

/* The retry budget's tokens now (for the time series). */
double rs_retry_budget_tokens(const rs_retry_state *st);

/* Record an attempt that was sent (is_retry: not the request's first).  The
 * retry-ratio window counts first attempts here; retries are counted when
 * rs_retry_next grants them, so that retries still waiting out their delay
 * hold their place.  Does nothing when retry_ratio == 0. */
void rs_retry_on_sent(rs_retry_state *st, rs_time now, bool is_retry);

/* Record the answer to a sent attempt.  accepted: admitted and served, i.e.
 * not a 429, a 5xx or a timeout.  An accepted answer counts as an accept in
 * the adaptive window and refunds budget_refund tokens to the retry budget
 * (capped at budget_max); a failed one changes nothing. */
void rs_retry_on_answer(rs_retry_state *st, rs_time now, bool accepted);

/* The reason a request is not retried, for the metrics. */
typedef enum rs_retry_stop {
	RS_RETRY_GO,          /* retry after *delay */
	RS_RETRY_STOP_POLICY, /* policy none, or max_retries reached */
	RS_RETRY_STOP_DEADLINE,
	RS_RETRY_STOP_BUDGET,
	RS_RETRY_STOP_RATIO,
	RS_RETRY_STOP_RETRY_AFTER, /* the answer asked for more than retry_after_give_up_s */
} rs_retry_stop;

#define RS_RETRY_STOP_COUNT (RS_RETRY_STOP_RETRY_AFTER + 1)

/* A short lower-case name for reports: "go", "policy", "deadline",
 * "budget", "ratio", "retry_after". */
const char *rs_retry_stop_name(rs_retry_stop s);

/* Decide what to do after a failed attempt (429, 5xx or timeout).
 *
 * cfg: the configuration st was made from.  rng: the client's retry stream.
 * now: the time of the decision.  attempts_made: attempts of this request so
 * far (>= 1); the retry to decide is retry number n = attempts_made.
 * retry_after_ms: the answer's retry-after-ms, or -1 when it has none (5xx,
 * timeout).  elapsed: time since the request's first attempt was sent.
 * prev_delay_s: IN the request's previous policy backoff in seconds (0 before
 * the first retry), OUT on RS_RETRY_GO the policy backoff just drawn (before
 * retry-after handling), for decorrelated jitter; untouched otherwise.
 *
 * Checks, in this order, the first failing one giving the result:
 *   policy    none never retries; otherwise attempts_made > max_retries stops.
 *   retry_after  retry_after_give_up_s > 0 and the answer's retry-after-ms
 *             is longer: give up rather than wait that long.
 *   deadline  deadline_s > 0 and elapsed + delay > deadline_s: the retry
 *             would start after the deadline (exactly at it is allowed).
 *   ratio     retry_ratio > 0: allowed only when
 *               retries_w + 1 <= retry_ratio * firsts_w
 *             with firsts_w the first attempts recorded by
 *             rs_retry_on_sent and retries_w the retries granted here, in
 *             the last retry_ratio_window_s.  No grace:
 *             with no first attempt in the window, no retry is allowed.
 *   budget    budget_max > 0: allowed only when at least 1 token remains.
 * Only RS_RETRY_GO changes the state: it takes one budget token.  The ratio
 * window counts the retry when the caller records it as sent.
 *
 * Returns RS_RETRY_GO with OUT: *delay (>= 0, rounded to the microsecond),
 * or the reason to stop (*delay untouched).  Draws from rng only once the
 * policy check has passed: the policy backoff's draw (full, equal,
 * decorrelated, factor jitter) and, with retry_after jitter and a
 * retry-after in the answer, one more. */
rs_retry_stop rs_retry_next(const rs_retry_cfg *cfg, rs_retry_state *st, gsl_rng *rng, rs_time now,
                            int attempts_made, int64_t retry_after_ms, rs_time elapsed,
                            double *prev_delay_s, rs_time *delay);

#endif
