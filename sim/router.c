/*
 * router.c - a gateway's backend choice, cooldowns and circuit breakers
 * (MODEL.md section 8: round robin, weighted, priority with failover on 429,
 * least utilised, lowest latency; a backend that answered 429 marked
 * unavailable for its retry-after).
 *
 * Rules:
 * - Candidates of a pick are the backends not in tried[] that are
 *   available: now >= cool_until and now >= open_until, so when a cooldown
 *   and an open breaker overlap the backend waits for the later of the two.
 *   When no untried backend is available, all_down decides: FAIL and WAIT
 *   return -1 with the earliest time an untried backend becomes available;
 *   SEND makes every untried backend a candidate, health ignored.
 * - max_tries is enforced here as well as by the world: once max_tries
 *   backends are marked in tried[] a pick returns -1 with INT64_MAX, like
 *   when every backend was tried.
 * - Strategies over the candidates:
 *   round_robin: a cursor over the backend list; the first candidate at or
 *   after the cursor (wrapping) is picked and the cursor moves just past
 *   it, so unavailable backends are skipped without losing their turn for
 *   good.  weighted: random with probability weight / sum of candidates'
 *   weights; when every candidate's weight is 0, uniform.  priority: the
 *   lowest priority number among candidates, uniform among ties (a 429 puts
 *   the backend in cooldown or in tried[], so the next level takes over).
 *   least_utilized: the lowest utilisation of the backend's latest answer
 *   that carried a decision (0 until one does); ties -> lowest index.
 *   latency: the lowest moving average of OK latencies, newest sample
 *   weighted latency_alpha; a backend's first sample sets the average;
 *   a backend with no sample counts as 0 (so it is tried first); ties ->
 *   lowest index.  random: uniform.
 * - Cooldown (cooldown_on_429): a 429 answered at `now` makes the backend
 *   unavailable until now + retry_after_ms, or now + cooldown_s when the
 *   answer has no retry-after.  A cooldown never shortens an earlier, longer
 *   one (an older attempt's 429 may arrive after a newer one's).
 * - Circuit breaker (breaker_failures N > 0): THROTTLED, ERROR and TIMEOUT
 *   are failures; OK answers do not clear them.  The failure that makes N
 *   failures at times t > now - breaker_window_s (the same half-open window
 *   as the sliding meters, MODEL.md section 4) trips the breaker: the
 *   backend is unavailable until now + breaker_open_s and its failure
 *   history is cleared.  There is no half-open state: at open_until the
 *   breaker is simply closed and counts afresh.  Failures answered while the
 *   breaker is open (attempts sent before it tripped, or sent by SEND) are
 *   not counted: they would be cleared at closing anyway.
 *
 * Randomness: only the router's own stream rs_rng_stream(seed, "router",
 * name), drawn only by weighted, random and tied priority picks (one draw
 * per pick; none when a single candidate remains), so the same seed and the
 * same calls give the same picks.
 *
 * Cost: a pick is O(n) in the number of backends, an observe O(1).  Memory
 * is one record per backend plus a ring of breaker_failures times each; no
 * call allocates after rs_router_new.
 */
#include "ratesim/router.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

#include "ratesim/rng.h"

#define ROUTER_STREAM "router" /* purpose of the router's random stream (rng.h) */

typedef struct backend {
	rs_time cool_until;  /* unavailable before this: cooldown after a 429 */
	rs_time open_until;  /* unavailable before this: breaker open */
	rs_time *fail;       /* ring of the latest breaker_failures failure times */
	int n_fail;          /* failures in the ring */
	int fail_head;       /* index of the oldest */
	double utilisation;  /* of the latest answer with a decision; 0 before */
	double latency_ewma; /* ms; meaningful when has_latency */
	bool has_latency;
} backend;

struct rs_router {
	const rs_router_cfg *cfg; /* borrowed */
	gsl_rng *rng;             /* owned */
	backend *be;              /* n records */
	rs_time *fail_store;      /* n * breaker_failures times, carved into the rings */
	bool *cand;               /* scratch of a pick: candidate flags */
	size_t n;
	size_t cursor; /* round robin: the next backend to consider */
	rs_router_stats stats;
};

int rs_router_depth(const rs_config *cfg, size_t k)
{
	int deepest = 0;
	const rs_router_cfg *rc = &cfg->routers[k];
	for (size_t b = 0; b < rc->n_backends; b++) {
		if (!rc->backends[b].target.is_router)
			continue;
		int d = rs_router_depth(cfg, (size_t)rc->backends[b].target.index);
		deepest = d > deepest ? d : deepest;
	}
	return deepest + 1;
}

rs_router *rs_router_new(const rs_router_cfg *cfg, uint64_t seed)
{
	assert(cfg);
	rs_router *r = rs_calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->cfg = cfg;
	r->n = cfg->n_backends;
	r->rng = rs_rng_stream(seed, ROUTER_STREAM, cfg->name ? cfg->name : "");
	r->be = rs_calloc(r->n, sizeof *r->be);
	r->cand = rs_calloc(r->n, sizeof *r->cand);
	size_t ring = cfg->breaker_failures > 0 ? (size_t)cfg->breaker_failures : 0;
	if (ring && r->n <= SIZE_MAX / ring)
		r->fail_store = rs_calloc(r->n * ring, sizeof *r->fail_store);
	if (!r->rng || !r->be || !r->cand || (ring && !r->fail_store)) {
		rs_router_free(r);
		return NULL;
	}
	for (size_t i = 0; i < r->n; i++)
		r->be[i].fail = ring ? r->fail_store + i * ring : NULL;
	return r;
}

void rs_router_free(rs_router *r)
{
	if (!r)
		return;
	if (r->rng)
		gsl_rng_free(r->rng);
	free(r->be);
	free(r->fail_store);
	free(r->cand);
	free(r);
}

size_t rs_router_backends(const rs_router *r)
{
	return r->n;
}

void rs_router_stats_get(const rs_router *r, rs_router_stats *out)
{
	*out = r->stats;
}

/* The earliest time backend b may be picked again. */
static rs_time available_at(const backend *b)
{
	return b->cool_until > b->open_until ? b->cool_until : b->open_until;
}

/* now + d, saturating at INT64_MAX. */
static rs_time time_add(rs_time now, rs_time d)
{
	return d > INT64_MAX - now ? INT64_MAX : now + d;
}

/* The k-th (0-based) candidate in index order. */
static int nth_candidate(const rs_router *r, size_t k)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->cand[i] && k-- == 0)
			return (int)i;
	assert(!"fewer candidates than counted");
	return -1;
}

/* A candidate drawn uniformly; k = the number of candidates (>= 1). */
static int pick_uniform(rs_router *r, size_t k)
{
	size_t j = k > 1 ? (size_t)gsl_rng_uniform_int(r->rng, (unsigned long)k) : 0;
	return nth_candidate(r, j);
}

static int pick_round_robin(rs_router *r)
{
	for (size_t i = 0; i < r->n; i++) {
		size_t j = (r->cursor + i) % r->n;
		if (r->cand[j]) {
			r->cursor = (j + 1) % r->n;
			return (int)j;
		}
	}
	assert(!"no candidate");
	return -1;
}

static int pick_weighted(rs_router *r, size_t k)
{
	const rs_backend_cfg *bc = r->cfg->backends;
	double total = 0.0;
	int last = -1;
	for (size_t i = 0; i < r->n; i++) {
		if (r->cand[i] && bc[i].weight > 0.0) {
			total += bc[i].weight;
			last = (int)i;
		}
	}
	if (last < 0)
		return pick_uniform(r, k);
	double u = gsl_rng_uniform(r->rng) * total; /* [0, total) */
	double acc = 0.0;
	for (size_t i = 0; i < r->n; i++) {
		if (!r->cand[i] || bc[i].weight <= 0.0)
			continue;
		acc += bc[i].weight;
		if (u < acc)
			return (int)i;
	}
	return last; /* u rounded up to total */
}

static int pick_priority(rs_router *r)
{
	const rs_backend_cfg *bc = r->cfg->backends;
	int best = 0;
	bool any = false;
	for (size_t i = 0; i < r->n; i++) {
		if (r->cand[i] && (!any || bc[i].priority < best)) {
			best = bc[i].priority;
			any = true;
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->cand[i] && bc[i].priority != best)
			r->cand[i] = false;
		k += r->cand[i];
	}
	return pick_uniform(r, k);
}

/* The candidate with the lowest key; ties -> lowest index. */
static int pick_lowest(rs_router *r, bool by_latency)
{
	int best = -1;
	double best_key = 0.0;
	for (size_t i = 0; i < r->n; i++) {
		if (!r->cand[i])
			continue;
		const backend *b = &r->be[i];
		double key = by_latency ? (b->has_latency ? b->latency_ewma : 0.0) : b->utilisation;
		if (best < 0 || key < best_key) {
			best = (int)i;
			best_key = key;
		}
	}
	return best;
}

/* Apply the strategy to the k >= 1 candidates flagged in r->cand. */
static int choose(rs_router *r, size_t k)
{
	switch (r->cfg->strategy) {
	case RS_ROUTE_ROUND_ROBIN:
		return pick_round_robin(r);
	case RS_ROUTE_WEIGHTED:
		return pick_weighted(r, k);
	case RS_ROUTE_PRIORITY:
		return pick_priority(r);
	case RS_ROUTE_LEAST_UTILIZED:
		return pick_lowest(r, false);
	case RS_ROUTE_LATENCY:
		return pick_lowest(r, true);
	case RS_ROUTE_RANDOM:
		return pick_uniform(r, k);
	}
	assert(!"unknown strategy");
	return -1;
}

int rs_router_pick(rs_router *r, rs_time now, const bool *tried, rs_time *soonest)
{
	size_t n_tried = 0, n_untried = 0, n_avail = 0;
	rs_time soon = INT64_MAX;
	for (size_t i = 0; i < r->n; i++) {
		if (tried && tried[i]) {
			n_tried++;
			r->cand[i] = false;
			continue;
		}
		n_untried++;
		rs_time at = available_at(&r->be[i]);
		r->cand[i] = now >= at;
		if (r->cand[i])
			n_avail++;
		else if (at < soon)
			soon = at;
	}
	int max_tries = r->cfg->max_tries;
	if (n_untried == 0 || (max_tries > 0 && n_tried >= (size_t)max_tries)) {
		if (soonest)
			*soonest = INT64_MAX;
		return -1;
	}
	if (n_avail == 0) {
		r->stats.all_down++;
		if (r->cfg->all_down != RS_ALL_DOWN_SEND) {
			if (soonest)
				*soonest = soon;
			return -1;
		}
		for (size_t i = 0; i < r->n; i++)
			r->cand[i] = !(tried && tried[i]);
		n_avail = n_untried;
	}
	int b = choose(r, n_avail);
	r->stats.picks++;
	if (soonest)
		*soonest = now;
	return b;
}

/* Count a failure of b at `now`; trip its breaker at the N-th within the window. */
static void note_failure(rs_router *r, backend *b, rs_time now)
{
	const rs_router_cfg *c = r->cfg;
	int cap = c->breaker_failures;
	if (cap <= 0 || now < b->open_until)
		return;
	if (b->n_fail < cap) {
		b->fail[(b->fail_head + b->n_fail) % cap] = now;
		b->n_fail++;
	} else {
		b->fail[b->fail_head] = now; /* overwrite the oldest */
		b->fail_head = (b->fail_head + 1) % cap;
	}
	if (b->n_fail == cap && b->fail[b->fail_head] > now - rs_time_from_s(c->breaker_window_s)) {
		b->open_until = time_add(now, rs_time_from_s(c->breaker_open_s));
		b->n_fail = 0;
		b->fail_head = 0;
		r->stats.breaker_trips++;
	}
}

void rs_router_observe(rs_router *r, int b, rs_time now, const rs_router_answer *a)
{
	assert(b >= 0 && (size_t)b < r->n);
	const rs_router_cfg *c = r->cfg;
	backend *be = &r->be[b];

	if (a->decision)
		be->utilisation = a->decision->utilisation;

	switch (a->kind) {
	case RS_ANSWER_OK:
		if (!be->has_latency) {
			be->latency_ewma = a->latency_ms;
			be->has_latency = true;
		} else {
			be->latency_ewma = c->latency_alpha * a->latency_ms +
			                   (1.0 - c->latency_alpha) * be->latency_ewma;
		}
		break;
	case RS_ANSWER_THROTTLED:
		if (c->cooldown_on_429) {
			rs_time d;
			if (a->retry_after_ms < 0)
				d = rs_time_from_s(c->cooldown_s);
			else if (a->retry_after_ms > INT64_MAX / RS_US_PER_MS)
				d = INT64_MAX;
			else
				d = a->retry_after_ms * RS_US_PER_MS;
			rs_time until = time_add(now, d);
			if (until > be->cool_until)
				be->cool_until = until;
			r->stats.cooldowns++;
		}
		note_failure(r, be, now);
		break;
	case RS_ANSWER_ERROR:
	case RS_ANSWER_TIMEOUT:
		note_failure(r, be, now);
		break;
	}
}
