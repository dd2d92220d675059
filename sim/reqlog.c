/*
 * reqlog.c - the request log's reorder buffer and sampling (see reqlog.h).
 *
 * The held rows are a ring of slots in ticket order: slot k holds ticket
 * base + k.  Tickets count up from 1 (0 means "no row").  Closing marks the
 * slot; the ring's head leaves while it is closed.  A full ring doubles
 * (unwrapped into a new array); it never shrinks, so its size is the
 * run's peak of held rows.
 *
 * Invariants: n <= cap, cap a power of two; base + n = the next ticket.
 */
#include "ratesim/reqlog.h"

#include <stdlib.h>

/* Slots of the first ring; a power of two. */
#define REQLOG_INITIAL_CAP 256

typedef struct held {
	rs_attempt_record rec;
	bool closed;
} held;

struct rs_reqlog {
	rs_reqlog_put_fn put;
	void *ctx;
	uint64_t threshold; /* sampled when hash(id) < threshold; UINT64_MAX: all */
	held *ring;
	size_t cap, head, n, peak;
	uint64_t base; /* the ticket of the head slot */
	rs_status status;
};

rs_reqlog *rs_reqlog_new(rs_reqlog_put_fn put, void *ctx, double sample)
{
	rs_reqlog *l = rs_calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->ring = rs_calloc(REQLOG_INITIAL_CAP, sizeof *l->ring);
	if (!l->ring) {
		free(l);
		return NULL;
	}
	l->put = put;
	l->ctx = ctx;
	l->cap = REQLOG_INITIAL_CAP;
	l->base = 1;
	/* 2^64 * sample, as an integer: sample 1 (or more) keeps everything */
	l->threshold = !(sample < 1.0) ? UINT64_MAX
	               : sample > 0.0  ? (uint64_t)(sample * 18446744073709551616.0)
	                               : 0;
	return l;
}

void rs_reqlog_free(rs_reqlog *l)
{
	if (!l)
		return;
	free(l->ring);
	free(l);
}

bool rs_reqlog_parse_sample(const char *text, double *rate)
{
	char *end = NULL;
	double p = strtod(text, &end);
	if (end == text || *end || !(p > 0 && p <= 1))
		return false;
	*rate = p;
	return true;
}

/* splitmix64's finaliser (Steele, Lea, Flood 2014): a well-mixed hash of
 * consecutive ids. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

bool rs_reqlog_sampled(const rs_reqlog *l, uint64_t id)
{
	return l->threshold == UINT64_MAX || mix(id) < l->threshold;
}

static held *slot_of(const rs_reqlog *l, size_t k)
{
	return &l->ring[(l->head + k) & (l->cap - 1)];
}

static bool grow(rs_reqlog *l)
{
	if (l->cap > SIZE_MAX / 2 / sizeof *l->ring)
		return false;
	held *ring = rs_realloc_array(NULL, l->cap * 2, sizeof *ring);
	if (!ring)
		return false;
	for (size_t k = 0; k < l->n; k++)
		ring[k] = *slot_of(l, k);
	free(l->ring);
	l->ring = ring;
	l->cap *= 2;
	l->head = 0;
	return true;
}

rs_attempt_record *rs_reqlog_open_row(rs_reqlog *l, uint64_t request_id, uint64_t *ticket)
{
	*ticket = 0;
	if (!rs_reqlog_sampled(l, request_id))
		return NULL;
	if (l->n == l->cap && !grow(l)) {
		if (l->status == RS_OK)
			l->status = RS_ERR_NOMEM;
		return NULL;
	}
	held *h = slot_of(l, l->n);
	h->closed = false;
	l->n++;
	if (l->n > l->peak)
		l->peak = l->n;
	*ticket = l->base + l->n - 1;
	return &h->rec;
}

rs_attempt_record *rs_reqlog_row(rs_reqlog *l, uint64_t ticket)
{
	if (ticket == 0 || ticket < l->base || ticket - l->base >= l->n)
		return NULL;
	return &slot_of(l, (size_t)(ticket - l->base))->rec;
}

/* Write the head row and drop it. */
static rs_status pop(rs_reqlog *l)
{
	rs_status st = l->put(l->ctx, &slot_of(l, 0)->rec);
	l->head = (l->head + 1) & (l->cap - 1);
	l->n--;
	l->base++;
	if (st != RS_OK && l->status == RS_OK)
		l->status = st;
	return st;
}

rs_status rs_reqlog_close(rs_reqlog *l, uint64_t ticket)
{
	if (ticket == 0 || ticket < l->base || ticket - l->base >= l->n)
		return l->status;
	slot_of(l, (size_t)(ticket - l->base))->closed = true;
	while (l->n > 0 && slot_of(l, 0)->closed)
		pop(l);
	return l->status;
}

rs_status rs_reqlog_flush(rs_reqlog *l)
{
	while (l->n > 0)
		pop(l);
	return l->status;
}

size_t rs_reqlog_held(const rs_reqlog *l)
{
	return l->n;
}

size_t rs_reqlog_peak(const rs_reqlog *l)
{
	return l->peak;
}
