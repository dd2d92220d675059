/*
 * throttle.c - a client's own controls: token bucket (fixed or adaptive),
 * concurrency cap with a FIFO queue, circuit breaker (see throttle.h).
 *
 * Fixed bucket: tokens refill at rate_rps up to burst, the bucket starts
 * full, an attempt takes one token.  Over any interval of length T the
 * attempts let out are then at most rate_rps x T + burst.
 *
 * Adaptive bucket: the AWS SDK's "adaptive" retry mode, after botocore
 * (boto/botocore, botocore/retries/adaptive.py, throttling.py, bucket.py):
 *   - the limiter is not in force until the first throttling answer
 *     (ClientRateLimiter._enabled); the bucket starts with max_rate 1 and
 *     no token, filling from time 0 (register_retry_handler);
 *   - every answer is counted by a RateClocker: answers per half second
 *     (TIME_BUCKET_RANGE 0.5), smoothed as measured = 0.8 x current + 0.2 x
 *     measured (smoothing 0.8), updated when a later half second begins;
 *   - a throttling answer: rate = measured (min(measured, fill rate) once in
 *     force); CUBIC (CubicCalculator): w_max = rate, k = cbrt(w_max (1 -
 *     beta) / C), last_fail = now, new rate = rate x beta, beta 0.7, C 0.4;
 *   - any other answer: new rate = C (t - last_fail - k)^3 + w_max;
 *   - then max_rate = min(new rate, 2 x measured) (_MAX_RATE_ADJUST_SCALE),
 *     which sets fill rate = max(max_rate, 0.5) (TokenBucket._MIN_RATE),
 *     capacity = max(max_rate, 1), tokens cut to the capacity.
 * register_retry_handler was read in the public source; the other constants
 * are the published ones, as recalled from the same files (not re-read
 * line by line here).  Here a 429 is a throttling answer; 5xx and timeouts
 * are answers that are not (botocore's ThrottlingErrorDetector looks at
 * error codes such as ThrottlingException, never at 5xx).
 *
 * On an empty bucket, `wait` answers WAIT with the time the next token is
 * due (botocore's acquire sleeps (1 - tokens) / fill rate and looks again:
 * so does the world, which asks again then; waiters are not ordered, and n
 * waiters cost n gate calls per token); `reject` refuses at once
 * (acquire(block=False) raising CapacityNotAvailableError).
 *
 * Concurrency: in_flight counts the attempts let out and not yet done; at
 * max_in_flight a request queues, FIFO.  Every queued request has the same
 * timeout, so timeouts fall due in queue order and the one due is the head
 * (rs_throttle_expire checks the head first, then searches: O(1) in
 * practice).  The queue is a ring that doubles when full.
 *
 * Breaker: the consecutive-failure breaker of Polly's CircuitBreaker and of
 * Nygard, "Release It!" (2007): `failures` failed answers (429, 5xx,
 * timeout) in a row open it; open, every attempt is refused locally for
 * open_s; then half-open lets half_open_probes attempts out; the first
 * answer while half-open closes it (success) or opens it again (failure).
 * Answers while open (attempts sent before it opened) change nothing.  A
 * probe that will never be answered (refused by adaptive throttling right
 * after the gate, or timed out in the queue) is given back.
 */
#include "ratesim/throttle.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

/* botocore retries/throttling.py CubicCalculator */
#define CUBIC_BETA  0.7 /* _BETA: the rate kept after a throttle */
#define CUBIC_SCALE 0.4 /* _SCALE_CONSTANT: C of the cubic */
/* botocore retries/adaptive.py */
#define CLOCK_SMOOTHING    0.8 /* RateClocker._DEFAULT_SMOOTHING */
#define CLOCK_BUCKET_S     0.5 /* RateClocker._TIME_BUCKET_RANGE */
#define MAX_RATE_ADJUST    2.0 /* ClientRateLimiter._MAX_RATE_ADJUST_SCALE */
#define ADAPTIVE_START_RPS 1.0 /* register_retry_handler: TokenBucket(max_rate=1) */
/* botocore retries/bucket.py TokenBucket._MIN_RATE */
#define ADAPTIVE_MIN_RPS 0.5
/* Floating-point slack when comparing token counts with 1. */
#define TOKEN_SLACK   1e-9
#define QUEUE_INITIAL 64

typedef struct queued {
	uint32_t slot;
	bool probe; /* it took a half-open probe when it queued */
	uint64_t id;
} queued;

struct rs_throttle {
	const rs_control_cfg *cfg;
	/* bucket */
	bool enforcing;
	double tokens, fill_rps, capacity;
	rs_time last_fill;
	/* adaptive: CUBIC and the rate clock (times in seconds, as botocore) */
	double w_max, k, last_fail_s;
	double measured, last_bucket_s;
	uint64_t count;
	/* concurrency */
	queued *q;
	size_t q_head, q_len, q_cap;
	/* breaker */
	int fails, probes_used;
	rs_time open_until;
	const char *reject_cause; /* of the last RS_GATE_REJECT (the request log) */
	rs_throttle_stats st;
};

bool rs_throttle_wanted(const rs_control_cfg *cfg)
{
	return cfg->limit != RS_LIMIT_OFF || cfg->max_in_flight > 0 || cfg->breaker_failures > 0;
}

rs_throttle *rs_throttle_new(const rs_control_cfg *cfg)
{
	rs_throttle *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->cfg = cfg;
	if (cfg->limit == RS_LIMIT_FIXED) {
		t->enforcing = true;
		t->fill_rps = cfg->limit_rate_rps;
		t->capacity = cfg->limit_burst;
		t->tokens = cfg->limit_burst;
	} else if (cfg->limit == RS_LIMIT_ADAPTIVE) {
		t->fill_rps = fmax(ADAPTIVE_START_RPS, ADAPTIVE_MIN_RPS);
		t->capacity = fmax(ADAPTIVE_START_RPS, 1);
		t->k = cbrt(t->w_max * (1 - CUBIC_BETA) / CUBIC_SCALE);
	}
	t->st.breaker = RS_BREAKER_CLOSED;
	return t;
}

void rs_throttle_free(rs_throttle *t)
{
	if (!t)
		return;
	free(t->q);
	free(t);
}

static void refill(rs_throttle *t, rs_time now)
{
	assert(now >= t->last_fill);
	t->tokens = fmin(t->capacity, t->tokens + rs_time_to_s(now - t->last_fill) * t->fill_rps);
	t->last_fill = now;
}

/* botocore TokenBucket.max_rate setter. */
static void set_max_rate(rs_throttle *t, rs_time now, double rate)
{
	refill(t, now);
	t->fill_rps = fmax(rate, ADAPTIVE_MIN_RPS);
	t->capacity = rate >= 1 ? rate : 1;
	t->tokens = fmin(t->tokens, t->capacity);
}

/* botocore ClientRateLimiter.on_receiving_response. */
static void adapt(rs_throttle *t, rs_time now, bool throttled)
{
	double s = rs_time_to_s(now);
	double bucket = floor(s / CLOCK_BUCKET_S) * CLOCK_BUCKET_S;
	t->count++;
	if (bucket > t->last_bucket_s) {
		double current = (double)t->count / (bucket - t->last_bucket_s);
		t->measured = current * CLOCK_SMOOTHING + t->measured * (1 - CLOCK_SMOOTHING);
		t->count = 0;
		t->last_bucket_s = bucket;
	}
	double rate;
	if (!throttled) {
		double x = s - t->last_fail_s - t->k;
		rate = CUBIC_SCALE * x * x * x + t->w_max;
	} else {
		double use = t->enforcing ? fmin(t->measured, t->fill_rps) : t->measured;
		t->w_max = use;
		t->k = cbrt(use * (1 - CUBIC_BETA) / CUBIC_SCALE);
		t->last_fail_s = s;
		rate = use * CUBIC_BETA;
		t->enforcing = true;
	}
	set_max_rate(t, now, fmin(rate, MAX_RATE_ADJUST * t->measured));
}

/* Breaker: may an attempt go at now?  Moves open to half-open when due. */
static bool breaker_allows(rs_throttle *t, rs_time now)
{
	switch (t->st.breaker) {
	case RS_BREAKER_CLOSED:
		return true;
	case RS_BREAKER_OPEN:
		if (now < t->open_until)
			return false;
		t->st.breaker = RS_BREAKER_HALF_OPEN;
		t->probes_used = 0;
		/* fall through */
	case RS_BREAKER_HALF_OPEN:
		return t->probes_used < t->cfg->breaker_probes;
	}
	return true;
}

static void breaker_open(rs_throttle *t, rs_time now)
{
	t->st.breaker = RS_BREAKER_OPEN;
	t->open_until = now + rs_time_from_s(t->cfg->breaker_open_s);
	t->fails = 0;
	t->st.breaker_trips++;
}

static void breaker_learn(rs_throttle *t, rs_time now, bool ok)
{
	switch (t->st.breaker) {
	case RS_BREAKER_CLOSED:
		t->fails = ok ? 0 : t->fails + 1;
		if (t->fails >= t->cfg->breaker_failures)
			breaker_open(t, now);
		break;
	case RS_BREAKER_HALF_OPEN:
		if (ok) {
			t->st.breaker = RS_BREAKER_CLOSED;
			t->fails = 0;
		} else {
			breaker_open(t, now);
		}
		break;
	case RS_BREAKER_OPEN:
		break;
	}
}

static bool queue_push(rs_throttle *t, uint32_t slot, uint64_t id, bool probe)
{
	if (t->q_len == t->q_cap) {
		size_t n = t->q_cap ? t->q_cap * 2 : QUEUE_INITIAL;
		queued *q = rs_realloc_array(NULL, n, sizeof *q);
		if (!q)
			return false;
		for (size_t i = 0; i < t->q_len; i++)
			q[i] = t->q[(t->q_head + i) % t->q_cap];
		free(t->q);
		t->q = q;
		t->q_cap = n;
		t->q_head = 0;
	}
	t->q[(t->q_head + t->q_len) % t->q_cap] = (queued){.slot = slot, .probe = probe, .id = id};
	t->q_len++;
	if (t->q_len > t->st.peak_queue)
		t->st.peak_queue = t->q_len;
	return true;
}

/* A half-open probe that will never be answered (refused later, or timed
 * out in the queue) is given back, or the breaker would stay half-open
 * with no probe left. */
static void give_back_probe(rs_throttle *t, bool probe)
{
	if (probe && t->st.breaker == RS_BREAKER_HALF_OPEN && t->probes_used > 0)
		t->probes_used--;
}

static void count_out(rs_throttle *t)
{
	t->st.in_flight++;
	if (t->st.in_flight > t->st.peak_in_flight)
		t->st.peak_in_flight = t->st.in_flight;
}

rs_gate rs_throttle_gate(rs_throttle *t, rs_time now, uint32_t slot, uint64_t id, rs_time *until)
{
	const rs_control_cfg *cfg = t->cfg;
	if (cfg->breaker_failures > 0 && !breaker_allows(t, now)) {
		t->st.rejected_breaker++;
		t->reject_cause = "breaker";
		return RS_GATE_REJECT;
	}
	if (t->enforcing) {
		refill(t, now);
		if (t->tokens + TOKEN_SLACK < 1) {
			if (cfg->limit_on_empty == RS_LIMIT_REJECT) {
				t->st.rejected_bucket++;
				t->reject_cause = "rate_limit";
				return RS_GATE_REJECT;
			}
			/* a rate near 0 puts the next token past any run: never */
			double wait = ceil((1 - t->tokens) / t->fill_rps * RS_US_PER_S);
			*until = wait >= (double)(INT64_MAX - now)
			             ? INT64_MAX
			             : now + (wait > 0 ? (rs_time)wait : 1);
			t->st.waits++;
			return RS_GATE_WAIT;
		}
		t->tokens = fmax(0, t->tokens - 1);
	}
	bool probe = t->st.breaker == RS_BREAKER_HALF_OPEN;
	if (probe)
		t->probes_used++;
	if (cfg->max_in_flight > 0 && t->st.in_flight >= cfg->max_in_flight) {
		if (!queue_push(t, slot, id, probe)) {
			give_back_probe(t, probe);
			t->reject_cause = "queue_full";
			return RS_GATE_REJECT; /* out of memory: refused, never lost */
		}
		t->st.queued++;
		*until = cfg->queue_timeout_s > 0 ? now + rs_time_from_s(cfg->queue_timeout_s) : 0;
		return RS_GATE_QUEUE;
	}
	count_out(t);
	return RS_GATE_GO;
}

bool rs_throttle_done(rs_throttle *t, rs_time now, rs_result res, uint32_t *slot, uint64_t *id)
{
	assert(t->st.in_flight > 0);
	t->st.in_flight--;
	if (res == RS_RESULT_NONE)
		give_back_probe(t, true); /* refused right after the gate let it out */
	else {
		if (t->cfg->breaker_failures > 0)
			breaker_learn(t, now, res == RS_RESULT_OK);
		if (t->cfg->limit == RS_LIMIT_ADAPTIVE)
			adapt(t, now, res == RS_RESULT_THROTTLED);
	}
	if (t->q_len == 0 || t->st.in_flight >= t->cfg->max_in_flight)
		return false;
	queued head = t->q[t->q_head];
	t->q_head = (t->q_head + 1) % t->q_cap;
	t->q_len--;
	count_out(t);
	*slot = head.slot;
	*id = head.id;
	return true;
}

bool rs_throttle_expire(rs_throttle *t, uint32_t slot, uint64_t id)
{
	for (size_t i = 0; i < t->q_len; i++) {
		size_t at = (t->q_head + i) % t->q_cap;
		if (t->q[at].slot != slot || t->q[at].id != id)
			continue;
		give_back_probe(t, t->q[at].probe);
		/* close the gap: later entries move up one place */
		for (size_t j = i; j + 1 < t->q_len; j++)
			t->q[(t->q_head + j) % t->q_cap] = t->q[(t->q_head + j + 1) % t->q_cap];
		t->q_len--;
		t->st.expired++;
		return true;
	}
	return false;
}

void rs_throttle_stats_get(const rs_throttle *t, rs_throttle_stats *out)
{
	*out = t->st;
	out->queue_len = t->q_len;
	out->rate_rps = t->fill_rps;
	out->enforcing = t->enforcing;
}

const char *rs_throttle_reject_cause(const rs_throttle *t)
{
	return t->reject_cause ? t->reject_cause : "";
}
