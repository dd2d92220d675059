/*
 * meter_std.c - the standard-family admission meter: TPM and RPM windows.
 *
 * Rules (MODEL.md section 4):
 * - Each attempt is charged an estimate, ceil(prompt * prompt_estimate_factor)
 *   + max_tokens * best_of, with max_tokens_default when the request has no
 *   max_tokens.  Cached prompt tokens are not discounted: section 4 names no
 *   discount for the standard family (section 5 does, for provisioned).
 * - Admission needs both: tokens in the TPM window + estimate <= TPM, and
 *   requests in each RPM window + 1 <= that window's limit, where a window
 *   of W seconds allows max(1, floor(rpm_per_1k_tpm * TPM / 1000 * W / 60)).
 *   This is why a burst gets 429s before the minute's quota is spent.  The
 *   RPM windows are rpm_window_s alone, or every length of rpm_windows_s
 *   at once (MODEL.md section 13: a 5-per-second burst at 50K TPM was
 *   refused at its 6th request while the 10-second counter showed room;
 *   [1, 10] reproduces it).  An admitted attempt adds its estimate to the
 *   TPM window and 1 to every RPM window at `now`.
 * - Sliding window of length W (60 s for TPM, rpm_window_s for RPM): an
 *   amount added at time t is in the window at time now iff t > now - W, so
 *   at exactly t + W it has left.  Fixed window: a counter for the window of
 *   index floor(now / W) of simulated time since the run's start, reset when
 *   the index changes (the documented "per minute" wording).
 * - count_refused: when true a refused attempt is also added to both windows
 *   (its estimate and one request) at `now`: "failed requests still count",
 *   which makes retry storms self-sustaining.
 * - A 429's retry_after_ms is the time until this same request would be
 *   admitted if nothing else arrived, rounded up to whole milliseconds
 *   (rs_time_ceil_ms), so a retry at exactly that time is admitted.  It is
 *   computed on the windows as they stand after the answer, so with
 *   count_refused the refused attempt's own charge is part of the wait (a
 *   retry at the announced time then does get in).  Per window: 0 when the
 *   request fits; sliding, the time at which the oldest entries whose expiry
 *   frees enough room have left; fixed, the next window boundary.  With
 *   several windows, the largest of the waits (windows only empty as time
 *   passes, so all fit from then on).  decision.limit names the window of
 *   that largest wait (ties: TPM, then the RPM windows shortest first).
 * - An estimate above the whole deployed TPM can never be admitted.  It gets
 *   a 429 with the service's answer, oversize_retry_after_ms (86,400 s by
 *   default: MODEL.md section 13, the "Please retry after 86400 seconds" of
 *   several public reports), limit TPM.  With oversize_retry_after_ms 0, or
 *   an estimate above the effective TPM of a temporary adjustment but not
 *   the deployed one, the retry-after is the time until the TPM window is
 *   empty (0 when it already is, which can only happen with count_refused
 *   false): the most a waiting client could hope for.
 * - remaining_tokens / remaining_requests are the limits minus the window
 *   contents after the decision, clamped at 0; remaining_requests is the
 *   longest RPM window's (the observed x-ratelimit-remaining-requests is the
 *   10-second bucket's, MODEL.md section 13).  utilisation is the largest
 *   occupancy (contents / limit; a limit of 0 counts as full).
 * - complete() does nothing: the window keeps the estimate, the standard
 *   family does not correct at completion.
 * - set_scale(s): the effective TPM becomes round(TPM * s), the RPM limits
 *   are derived from it; 1.0 restores the deployed limits.  The windows' contents
 *   are kept.  This is the service's temporary rate-limit adjustment.
 *
 * Invariants: a window's contents are `added - expired`, two running sums of
 * int64 tokens (or requests); no floating point touches the bookkeeping.
 * Overflow: estimates and limits saturate at STD_AMOUNT_MAX and `added` at
 * INT64_MAX (sat_add), comparisons are written so that they cannot
 * overflow; a saturated window errs on the side of refusing.
 * The sliding windows share one ring of slots, one slot per counted attempt
 * (admitted, or refused with count_refused) in time order: (time, the TPM
 * window's `added` just after it).  Each sliding window holds the ring's
 * newest n slots; the longest one (the TPM window when it slides) decides
 * what the ring keeps.  Every slot is one request of every RPM window, so an
 * RPM window's requests are its n and its wait is read off slot need - 1;
 * a TPM window's tokens are the difference of two slots' sums.  A slot that
 * adds no tokens (an estimate of 0) is still one, for the RPM windows: the
 * TPM window's wait-until-empty reads the time of the newest slot with
 * tokens (last_tokens_t) instead of the newest slot.  Expiry is lazy, at each
 * call, and no event is ever scheduled.  Calls come with non-decreasing
 * `now`.  (The windows had a ring each, with the attempts of one instant in
 * one slot; one shared ring pushes one slot per attempt instead of one per
 * window, issue 13.)
 *
 * Cost: admit is amortised O(1) (each slot is pushed once and expired once
 * per window) plus, on a 429, O(1) per RPM window and O(log n) for the TPM
 * window's binary search over the slots' sums, where n is the number of
 * attempts counted in the last minute; times the number of RPM windows (at
 * most RS_STD_RPM_WINDOWS_MAX).  Memory is 16 bytes per such attempt; the
 * first ring has room for a minute at the deployed limits (ring_first_cap),
 * it doubles when full and never shrinks, so no call allocates except a
 * doubling.  meter.h gives admit no way to report running out of memory: if
 * a doubling fails the attempt's tokens are merged into the newest slot,
 * moved to `now`, and its request is counted in the RPM windows without a
 * slot, so that it never leaves them: the counts stay exact and the meter
 * errs on the side of refusing (the amounts leave later than they should,
 * or never).
 */
#include "ratesim/meter_std.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The TPM window is one minute long (tokens per minute). */
#define STD_TPM_WINDOW_US RS_US_PER_MIN
/* rpm_per_1k_tpm is requests per minute per this many TPM. */
#define STD_TPM_PER_RPM_UNIT 1000.0
/* Seconds per minute, to turn RPM into requests per rpm_window_s. */
#define STD_S_PER_MIN ((double)(RS_US_PER_MIN / RS_US_PER_S))
/* The fewest and the most slots of the first ring; powers of two.  Its
 * size is that of a minute at the deployed limits (ring_first_cap), within
 * these: 16 slots are 256 bytes, 2^16 are 1 MB. */
#define STD_RING_INITIAL_CAP 16
#define STD_RING_PRESIZE_MAX (UINT32_C(1) << 16)
/* Integers up to 2^53 convert to double and back exactly. */
#define STD_EXACT_INT_MAX (INT64_C(1) << 53)
/* Relative floating-point noise ignored when rounding a product of a count
 * and a factor to an integer (100 * 1.1 = 110.00000000000001 must give 110). */
#define STD_ROUND_EPS 1e-9
/* The largest token or request amount the meter computes with: 2^61, so
 * that a prompt and a completion at it still add up inside int64.  An
 * estimate, a limit or a count from extreme scenario figures saturates here
 * instead of overflowing int64 (the loader bounds the figures; this is
 * defence in depth), so an absurd estimate is refused rather than wrapping
 * negative and admitted. */
#define STD_AMOUNT_MAX (INT64_C(1) << 61)

typedef struct std_slot {
	rs_time t;      /* the attempt's time */
	int64_t tokens; /* the TPM window's `added` just after its estimate */
} std_slot;

/* The sliding windows' slots, oldest to newest, capacity a power of two.
 * Positions are 32-bit: a ring that cannot double merges instead (see the
 * note), so it holds fewer than 2^32 slots. */
typedef struct std_ring {
	std_slot *slot;
	uint32_t cap;
	uint32_t tail; /* where the next slot goes */
	uint32_t n;    /* slots held: the longest sliding window's n */
} std_ring;

/* One window, sliding or fixed.  Contents = added - expired.  40 bytes. */
typedef struct std_window {
	int64_t added;   /* every amount ever added */
	int64_t expired; /* every amount that has left the window */
	rs_time len;
	uint32_t n; /* sliding: the ring's newest n slots are in the window */
	rs_window_kind kind;
	/* fixed: the index of the current window */
	int64_t index;
} std_window;

/* The fields every admission reads come first, together (issue 13: a
 * deployment's meter is cold by its next admission, each line a miss);
 * the meter is allocated on a cache line's boundary, so that the usual
 * admission's fields (up to rpm[0]'s kind) are three lines, not four. */
typedef struct std_meter {
	rs_meter base; /* first: the meter.h header */
	rs_time last_now;
	int64_t tpm_limit; /* effective, after set_scale */
	/* p's figures that every admission reads, copied here beside the rest */
	double prompt_estimate_factor;
	int64_t max_tokens_default;
	bool count_refused;
	int n_rpm;             /* RPM windows, shortest first */
	bool usual;            /* sliding windows, one RPM window, factor 1 (see "the shape") */
	std_ring ring;         /* the sliding windows' slots; none when all are fixed */
	rs_time last_tokens_t; /* the newest slot with tokens (see the note) */
	int64_t rpm_limit[RS_STD_RPM_WINDOWS_MAX]; /* effective, after set_scale */
	std_window tpm;
	std_window rpm[RS_STD_RPM_WINDOWS_MAX];
	int rpm_len_s[RS_STD_RPM_WINDOWS_MAX]; /* their lengths */
	rs_std_params p;
} std_meter;

/* A cache line, the alignment of a meter (see above). */
#define STD_METER_ALIGN 64
_Static_assert(offsetof(std_meter, rpm[0]) + offsetof(std_window, kind) <= 3 * STD_METER_ALIGN,
               "the usual admission's fields fit three cache lines");

/* x rounded to the nearest integer when within noise of it, else ceil or
 * floor.  Used for the estimate (up) and the RPM limit (down). */
static int64_t round_noise(double x, bool up)
{
	if (!(x < (double)STD_AMOUNT_MAX)) /* also +inf and NaN */
		return x != x ? 0 : STD_AMOUNT_MAX;
	if (!(x > -(double)STD_AMOUNT_MAX))
		return -STD_AMOUNT_MAX;
	double r = round(x);
	if (fabs(x - r) <= STD_ROUND_EPS * fmax(1.0, fabs(x)))
		return (int64_t)r;
	return (int64_t)(up ? ceil(x) : floor(x));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t rpm_limit_for(const rs_std_params *p, int64_t tpm, int window_s)
{
	double x = p->rpm_per_1k_tpm * (double)tpm * (double)window_s /
	           (STD_TPM_PER_RPM_UNIT * STD_S_PER_MIN);
	int64_t limit = round_noise(x, false);
	return limit < 1 ? 1 : limit;
}

/* The estimate of rs_meter_std_estimate, with p's two figures, inlined
 * into every admission.  factor_1: prompt_estimate_factor is 1 (the usual
 * admission passes a constant, see "the shape"). */
static inline int64_t estimate(bool factor_1, double prompt_estimate_factor,
                               int64_t max_tokens_default, const rs_meter_req *req)
{
	assert(req->prompt_tokens >= 0 && req->best_of >= 1);
	/* A factor of 1 (the default) gives the prompt itself: what round_noise
	 * returns for an integer that converts to double exactly, without the
	 * two library calls of every admission. */
	int64_t prompt =
	    factor_1 && req->prompt_tokens <= STD_EXACT_INT_MAX
	        ? req->prompt_tokens
	        : round_noise((double)req->prompt_tokens * prompt_estimate_factor, true);
	int64_t max_tokens = req->max_tokens < 0 ? max_tokens_default : req->max_tokens;
	if (max_tokens > STD_AMOUNT_MAX)
		max_tokens = STD_AMOUNT_MAX;
	/* best_of 1 (nearly every request) needs no overflow test, whose
	 * 64-bit division costs tens of cycles */
	int64_t completion = max_tokens;
	if (req->best_of > 1)
		completion = max_tokens > STD_AMOUNT_MAX / req->best_of
		                 ? STD_AMOUNT_MAX
		                 : max_tokens * (int64_t)req->best_of;
	int64_t est = prompt + completion; /* each <= 2^61: no overflow */
	return est < STD_AMOUNT_MAX ? est : STD_AMOUNT_MAX;
}

int64_t rs_meter_std_estimate(const rs_std_params *p, const rs_meter_req *req)
{
	return estimate(p->prompt_estimate_factor == 1.0, p->prompt_estimate_factor,
	                p->max_tokens_default, req);
}

/* a + b for b >= 0, saturating at INT64_MAX (the compiler's overflow flag:
 * an add and a conditional move, where the test before the sum took five
 * more instructions at every admission). */
static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t sum;
	return __builtin_add_overflow(a, b, &sum) ? INT64_MAX : sum;
}

int64_t rs_meter_std_rpm_limit(const rs_std_params *p)
{
	return rpm_limit_for(p, p->tpm,
	                     p->n_rpm_windows > 0 ? p->rpm_windows_s[0] : p->rpm_window_s);
}

int64_t rs_meter_std_rpm_limit_for(const rs_std_params *p, int window_s)
{
	assert(window_s >= 1);
	return rpm_limit_for(p, p->tpm, window_s);
}

/* ---- windows ----------------------------------------------------------- */

static void win_init(std_window *w, rs_window_kind kind, rs_time len)
{
	memset(w, 0, sizeof *w);
	w->kind = kind;
	w->len = len;
}

static inline int64_t win_total(const std_window *w)
{
	return w->added - w->expired;
}

/* Slot k (0: the oldest) of a window holding the ring's newest n slots. */
static inline const std_slot *ring_at(const std_ring *r, uint32_t n, uint32_t k)
{
	return &r->slot[(r->tail - n + k) & (r->cap - 1)];
}

/* Drop what has left the window by `now`.  sliding: the window is known to
 * be sliding (see "the shape" below); tokens: it is the TPM window (its
 * contents are the slots' sums), else an RPM window (one request a slot). */
static inline void win_advance(std_window *w, const std_ring *r, rs_time now, bool sliding,
                               bool tokens)
{
	if (!sliding && w->kind == RS_WINDOW_FIXED) {
		int64_t index = floor_div(now, w->len);
		if (index != w->index) {
			w->index = index;
			w->expired = w->added;
		}
		return;
	}
	/* In locals: the stores to the window could alias the ring's slots for
	 * the compiler, which then reloaded every field at each step. */
	const std_slot *slot = r->slot;
	uint32_t mask = r->cap - 1, n = w->n;
	uint32_t k = r->tail - n;    /* the oldest, before the mask */
	rs_time gone = now - w->len; /* a slot at or before this has left */
	if (n == 0 || slot[k & mask].t > gone)
		return;
	do {
		k++;
		n--;
	} while (n > 0 && slot[k & mask].t <= gone);
	w->expired = tokens ? slot[(k - 1) & mask].tokens : w->expired + (w->n - n);
	w->n = n;
}

/* Double a full ring, unwrapping it.  Returns false when out of memory. */
static bool ring_grow(std_ring *r)
{
	if (r->cap > UINT32_MAX / 2)
		return false;
	std_slot *slot = rs_realloc_array(NULL, r->cap * 2, sizeof *slot);
	if (!slot)
		return false;
	for (uint32_t k = 0; k < r->n; k++)
		slot[k] = *ring_at(r, r->n, k);
	free(r->slot);
	r->slot = slot;
	r->cap *= 2;
	r->tail = r->n;
	return true;
}

/* The TPM window's wait (see refusal): from `now` until `amount` more
 * tokens fit under the limit, if nothing else arrives; 0 when they fit now.
 * An amount above the limit never fits: the time until the window is
 * empty. */
static rs_time tpm_wait(const std_meter *s, rs_time now, int64_t amount)
{
	const std_window *w = &s->tpm;
	int64_t limit = s->tpm_limit;
	/* what must leave first; total and limit are >= 0, amount <= 2^61 */
	int64_t need = sat_add(win_total(w) - limit, amount);
	if (need <= 0)
		return 0;
	if (w->kind == RS_WINDOW_FIXED) {
		if (amount > limit && win_total(w) == 0)
			return 0;
		return (w->index + 1) * w->len - now;
	}
	/* the newest slot with tokens, when it is still in the window */
	bool held = s->last_tokens_t > now - w->len;
	if (amount > limit)
		return held ? s->last_tokens_t + w->len - now : 0;
	/* The first slot whose expiry has freed `need`: tokens - expired >=
	 * need.  A slot without tokens has the sum of the one before it, so
	 * the first such slot has tokens: the answer is a time of the ring's
	 * slots with tokens. */
	const std_ring *r = &s->ring;
	uint32_t lo = 0, hi = w->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ring_at(r, w->n, mid)->tokens - w->expired >= need)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo == w->n) /* only after `added` saturated: wait for the newest */
		return held ? s->last_tokens_t + w->len - now : w->len;
	return ring_at(r, w->n, lo)->t + w->len - now;
}

/* RPM window k's wait: from `now` until one more request fits, if nothing
 * else arrives; 0 when it fits now. */
static rs_time rpm_wait(const std_meter *s, int k, rs_time now)
{
	const std_window *w = &s->rpm[k];
	int64_t limit = s->rpm_limit[k];
	assert(limit >= 1); /* rpm_limit_for: one request always fits an empty window */
	int64_t need = sat_add(win_total(w) - limit, 1); /* what must leave first */
	if (need <= 0)
		return 0;
	if (w->kind == RS_WINDOW_FIXED)
		return (w->index + 1) * w->len - now;
	/* Each slot is one request: the need-th oldest frees `need`.  Requests
	 * counted without a slot (out of memory, see the note) never leave:
	 * then the newest's expiry is the best answer there is. */
	const std_ring *r = &s->ring;
	if (need <= (int64_t)w->n)
		return ring_at(r, w->n, (uint32_t)(need - 1))->t + w->len - now;
	return w->n > 0 ? ring_at(r, w->n, w->n - 1)->t + w->len - now : w->len;
}

/* ---- the meter ----------------------------------------------------------- */

static double occupancy(int64_t contents, int64_t limit)
{
	return limit > 0 ? (double)contents / (double)limit : 1.0;
}

/* fmax of two occupancies, without the library call: an occupancy is
 * never NaN and never -0 (contents >= 0 over a limit > 0, or 1), so the
 * plain comparison picks the same value. */
static inline double occ_max(double a, double b)
{
	return a < b ? b : a;
}

/* ---- the shape of the windows ------------------------------------------ *
 * The admission and its helpers take the meter's shape as arguments: n_rpm
 * (its s->n_rpm), `sliding` (true: every window is known to be sliding;
 * false: each window's kind is read) and `factor_1` (the prompt estimate's
 * factor is 1).  std_admit passes constants for the usual shape (s->usual:
 * sliding windows, one RPM window, a factor of 1), so that the compiler
 * folds the tests on the shape away (issue 13: 1.4% of the instructions of
 * bench-1h); any other meter passes its own. */

static inline void advance(std_meter *s, rs_time now, int n_rpm, bool sliding)
{
	assert(now >= s->last_now);
	s->last_now = now;
	win_advance(&s->tpm, &s->ring, now, sliding, true);
	for (int k = 0; k < n_rpm; k++)
		win_advance(&s->rpm[k], &s->ring, now, sliding, false);
	/* the ring keeps the longest sliding window's slots: the TPM window's
	 * (a minute, the longest there is) when it slides */
	s->ring.n = sliding || s->tpm.kind == RS_WINDOW_SLIDING ? s->tpm.n : s->rpm[n_rpm - 1].n;
}

/* Count an attempt at `now` (the windows have been advanced to `now`): its
 * estimate in the TPM window and one request in every RPM window; in the
 * ring, one slot. */
static inline void count(std_meter *s, rs_time now, int64_t est, int n_rpm, bool sliding)
{
	s->tpm.added = sat_add(s->tpm.added, est);
	if (est > 0)
		s->last_tokens_t = now;
	for (int k = 0; k < n_rpm; k++)
		s->rpm[k].added = sat_add(s->rpm[k].added, 1);
	std_ring *r = &s->ring;
	if (!sliding && !r->slot) /* every window is fixed */
		return;
	if (r->n == r->cap && !ring_grow(r)) {
		/* out of memory: merge (see the note) */
		r->slot[(r->tail - 1) & (r->cap - 1)] =
		    (std_slot){.t = now, .tokens = s->tpm.added};
		s->last_tokens_t = now;
		return;
	}
	r->slot[r->tail] = (std_slot){.t = now, .tokens = s->tpm.added};
	r->tail = (r->tail + 1) & (r->cap - 1);
	r->n++;
	if (sliding || s->tpm.kind == RS_WINDOW_SLIDING)
		s->tpm.n++;
	for (int k = 0; k < n_rpm; k++)
		if (sliding || s->rpm[k].kind == RS_WINDOW_SLIDING)
			s->rpm[k].n++;
}

/* One more request fits every RPM window. */
static inline bool rpm_fits(const std_meter *s, int n_rpm)
{
	for (int k = 0; k < n_rpm; k++) {
		if (1 > s->rpm_limit[k] - win_total(&s->rpm[k])) /* limits >= 1: no overflow */
			return false;
	}
	return true;
}

/* The longest RPM window's remaining requests (the service's header). */
static inline int64_t rpm_remaining(const std_meter *s, int n_rpm)
{
	const std_window *w = &s->rpm[n_rpm - 1];
	int64_t limit = s->rpm_limit[n_rpm - 1], requests = win_total(w);
	return requests < limit ? limit - requests : 0;
}

/* The largest occupancy of the RPM windows. */
static inline double rpm_occupancy(const std_meter *s, int n_rpm)
{
	double occ = occupancy(win_total(&s->rpm[0]), s->rpm_limit[0]);
	for (int k = 1; k < n_rpm; k++)
		occ = occ_max(occ, occupancy(win_total(&s->rpm[k]), s->rpm_limit[k]));
	return occ;
}

/* A refused attempt's retry-after and the limit it names (see the note):
 * the largest wait over the windows; ties keep the first (TPM, then the
 * RPM windows shortest first). */
static void refusal(const std_meter *s, rs_time now, int64_t est, rs_decision *out)
{
	out->limit = RS_LIMIT_TPM;
	out->limit_window_s = 0;
	if (est > s->p.tpm && est > s->tpm_limit && s->p.oversize_retry_after_ms > 0) {
		out->retry_after_ms = s->p.oversize_retry_after_ms;
		return;
	}
	rs_time longest = tpm_wait(s, now, est);
	for (int k = 0; k < s->n_rpm; k++) {
		rs_time wr = rpm_wait(s, k, now);
		if (wr > longest) {
			longest = wr;
			out->limit = RS_LIMIT_RPM;
			out->limit_window_s = s->rpm_len_s[k];
		}
	}
	out->retry_after_ms = rs_time_ceil_ms(longest);
}

/* The admission, for a meter of this shape (see above); always inlined, so
 * that each call is compiled for its own shape. */
__attribute__((always_inline)) static inline void admit(std_meter *s, rs_time now,
                                                        const rs_meter_req *req, rs_decision *out,
                                                        int n_rpm, bool sliding, bool factor_1)
{
	int64_t est = estimate(factor_1, s->prompt_estimate_factor, s->max_tokens_default, req);
	advance(s, now, n_rpm, sliding);
	bool fits = est <= s->tpm_limit - win_total(&s->tpm) && /* limits >= 0: no overflow */
	            rpm_fits(s, n_rpm);
	if (fits || s->count_refused)
		count(s, now, est, n_rpm, sliding);
	out->admitted = fits;
	out->charged = fits ? (double)est : 0.0;
	out->retry_after_ms = 0;
	out->limit = RS_LIMIT_NONE;
	out->limit_window_s = 0;
	if (!fits)
		refusal(s, now, est, out);
	int64_t tokens = win_total(&s->tpm);
	out->remaining_tokens = tokens < s->tpm_limit ? s->tpm_limit - tokens : 0;
	out->remaining_requests = rpm_remaining(s, n_rpm);
	out->utilisation = occ_max(occupancy(tokens, s->tpm_limit), rpm_occupancy(s, n_rpm));
}

static void std_admit(rs_meter *m, rs_time now, const rs_meter_req *req, rs_decision *out)
{
	std_meter *s = (std_meter *)m;
	if (s->usual)
		admit(s, now, req, out, 1, true, true);
	else
		admit(s, now, req, out, s->n_rpm, false, s->prompt_estimate_factor == 1.0);
}

static void std_sample(rs_meter *m, rs_time now, rs_meter_state *out)
{
	std_meter *s = (std_meter *)m;
	advance(s, now, s->n_rpm, false);
	int64_t tokens = win_total(&s->tpm);
	out->tpm_occupancy = occupancy(tokens, s->tpm_limit);
	out->rpm_occupancy = rpm_occupancy(s, s->n_rpm);
	out->utilisation = occ_max(out->tpm_occupancy, out->rpm_occupancy);
	out->level = (double)tokens;
}

static void std_set_scale(rs_meter *m, rs_time now, double scale)
{
	std_meter *s = (std_meter *)m;
	assert(isfinite(scale) && scale >= 0.0);
	advance(s, now, s->n_rpm, false);
	double tpm = (double)s->p.tpm * scale;
	s->tpm_limit = tpm < (double)STD_AMOUNT_MAX ? llround(tpm) : STD_AMOUNT_MAX;
	for (int k = 0; k < s->n_rpm; k++)
		s->rpm_limit[k] = rpm_limit_for(&s->p, s->tpm_limit, s->rpm_len_s[k]);
}

static void std_free(rs_meter *m)
{
	std_meter *s = (std_meter *)m;
	if (!s)
		return;
	free(s->ring.slot);
	free(s);
}

static const rs_meter_ops std_ops = {
    .name = "standard",
    .admit = std_admit,
    .complete = NULL, /* the window keeps the estimate: nothing to correct (see the note) */
    .sample = std_sample,
    .set_scale = std_set_scale,
    .free = std_free,
};

/* The ring's first capacity: room for what the RPM windows admit over the
 * ring's span (the longest sliding window) at the deployed limits, where a
 * window of W s admits at most its limit in any W s, so that a deployment
 * near its limits does not double its ring again and again on the way
 * there (issue 13: on bench-1h 120 s the doublings cost 0.8M instructions
 * and 112K D1 misses, 4% of all, copying into fresh memory).  Only an
 * estimate: with count_refused or a raised scale the ring still doubles.
 * The slots are written before they are read, so that the pages of an
 * unused part are not touched. */
static uint32_t ring_first_cap(const std_meter *s)
{
	rs_time span = s->tpm.kind == RS_WINDOW_SLIDING ? s->tpm.len : s->rpm[s->n_rpm - 1].len;
	int64_t most = INT64_MAX;
	for (int k = 0; k < s->n_rpm; k++) {
		int64_t windows = (span + s->rpm[k].len - 1) / s->rpm[k].len;
		int64_t admits =
		    s->rpm_limit[k] > INT64_MAX / windows ? INT64_MAX : s->rpm_limit[k] * windows;
		most = admits < most ? admits : most;
	}
	uint32_t cap = STD_RING_INITIAL_CAP;
	while (cap < STD_RING_PRESIZE_MAX && cap <= most)
		cap *= 2;
	return cap;
}

rs_meter *rs_meter_std_new(const rs_std_params *p)
{
	assert(p->tpm >= 0 && p->rpm_per_1k_tpm >= 0.0);
	assert(p->rpm_window_s >= 1 && p->rpm_window_s <= RS_US_PER_MIN / RS_US_PER_S);
	assert(p->n_rpm_windows >= 0 && p->n_rpm_windows <= RS_STD_RPM_WINDOWS_MAX);
	for (int k = 0; k < p->n_rpm_windows; k++)
		assert(p->rpm_windows_s[k] >= 1 &&
		       p->rpm_windows_s[k] <= RS_US_PER_MIN / RS_US_PER_S &&
		       (k == 0 || p->rpm_windows_s[k] > p->rpm_windows_s[k - 1]));
	assert(p->oversize_retry_after_ms >= 0);
	assert(p->prompt_estimate_factor >= 0.0 && p->max_tokens_default >= 0);
	assert(p->tpm_window == RS_WINDOW_SLIDING || p->tpm_window == RS_WINDOW_FIXED);
	assert(p->rpm_window == RS_WINDOW_SLIDING || p->rpm_window == RS_WINDOW_FIXED);
	size_t size = (sizeof(std_meter) + STD_METER_ALIGN - 1) / STD_METER_ALIGN * STD_METER_ALIGN;
	std_meter *s = aligned_alloc(STD_METER_ALIGN, size); /* a multiple of it */
	if (!s)
		return NULL;
	memset(s, 0, size);
	s->base.ops = &std_ops;
	s->p = *p;
	s->tpm_limit = p->tpm;
	s->prompt_estimate_factor = p->prompt_estimate_factor;
	s->max_tokens_default = p->max_tokens_default;
	s->count_refused = p->count_refused;
	s->n_rpm = p->n_rpm_windows > 0 ? p->n_rpm_windows : 1;
	s->usual = s->n_rpm == 1 && p->tpm_window == RS_WINDOW_SLIDING &&
	           p->rpm_window == RS_WINDOW_SLIDING && p->prompt_estimate_factor == 1.0;
	s->last_now = INT64_MIN;
	s->last_tokens_t = INT64_MIN; /* no slot with tokens yet */
	win_init(&s->tpm, p->tpm_window, STD_TPM_WINDOW_US);
	for (int k = 0; k < s->n_rpm; k++) {
		s->rpm_len_s[k] = p->n_rpm_windows > 0 ? p->rpm_windows_s[k] : p->rpm_window_s;
		s->rpm_limit[k] = rpm_limit_for(p, p->tpm, s->rpm_len_s[k]);
		win_init(&s->rpm[k], p->rpm_window, s->rpm_len_s[k] * RS_US_PER_S);
	}
	if (p->tpm_window == RS_WINDOW_SLIDING || p->rpm_window == RS_WINDOW_SLIDING) {
		s->ring.cap = ring_first_cap(s);
		s->ring.slot = rs_realloc_array(NULL, s->ring.cap, sizeof *s->ring.slot);
		if (!s->ring.slot) {
			std_free(&s->base);
			return NULL;
		}
	}
	return &s->base;
}
