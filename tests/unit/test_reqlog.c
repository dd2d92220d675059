/*
 * test_reqlog.c - the request log's reorder buffer and sampling (reqlog.h):
 * rows leave in the order they were opened, each once closed; a request is
 * sampled whole; the share kept is the rate asked for.
 */
#include "harness.h"
#include "ratesim/reqlog.h"

#define SAMPLE_IDS 100000
/* Three standard deviations of a binomial share of 0.1 over SAMPLE_IDS. */
#define SAMPLE_TOL 0.003

typedef struct sink {
	uint64_t ids[64];
	int attempts[64];
	size_t n;
	rs_status fail_with;
} sink;

static rs_status put(void *ctx, const rs_attempt_record *rec)
{
	sink *s = ctx;
	if (s->n < 64) {
		s->ids[s->n] = rec->request_id;
		s->attempts[s->n] = rec->attempt;
	}
	s->n++;
	return s->fail_with;
}

/* Open a row holding a copy of *rec; its ticket, or 0. */
static uint64_t open_copy(rs_reqlog *l, const rs_attempt_record *rec)
{
	uint64_t ticket;
	rs_attempt_record *row = rs_reqlog_open_row(l, rec->request_id, &ticket);
	if (row)
		*row = *rec;
	return ticket;
}

static rs_attempt_record rec_of(uint64_t id, int attempt)
{
	return (rs_attempt_record){.request_id = id, .attempt = attempt};
}

/* A hand-worked sequence: open 1, 2, 3; close 2 (held behind 1), close 1
 * (1 and 2 leave), fill and close 3. */
static void test_order(void)
{
	sink s = {0};
	rs_reqlog *l = rs_reqlog_new(put, &s, 1.0);
	rs_attempt_record a = rec_of(10, 1), b = rec_of(11, 1), c = rec_of(10, 2);
	uint64_t ta = open_copy(l, &a), tb = open_copy(l, &b), tc = open_copy(l, &c);
	CHECK(ta > 0 && tb == ta + 1 && tc == tb + 1);
	CHECK_I64(rs_reqlog_close(l, tb), RS_OK);
	CHECK_I64(s.n, 0);
	CHECK_I64(rs_reqlog_held(l), 3);
	CHECK_I64(rs_reqlog_close(l, ta), RS_OK);
	CHECK_I64(s.n, 2);
	CHECK_I64(s.ids[0], 10);
	CHECK_I64(s.ids[1], 11);
	rs_attempt_record *row = rs_reqlog_row(l, tc);
	CHECK(row && row->attempt == 2);
	CHECK(rs_reqlog_row(l, ta) == NULL); /* written: no longer held */
	CHECK(rs_reqlog_row(l, 0) == NULL);
	if (row)
		row->attempt = 7; /* filled in before closing */
	CHECK_I64(rs_reqlog_close(l, tc), RS_OK);
	CHECK_I64(s.n, 3);
	CHECK_I64(s.attempts[2], 7);
	CHECK_I64(rs_reqlog_held(l), 0);
	CHECK_I64(rs_reqlog_peak(l), 3);
	CHECK_I64(rs_reqlog_close(l, 0), RS_OK); /* nothing */
	rs_reqlog_free(l);
}

/* The ring grows past its first size with one row held open, keeps the
 * order, and the flush at the end writes the open row too. */
static void test_growth_and_flush(void)
{
	sink s = {0};
	rs_reqlog *l = rs_reqlog_new(put, &s, 1.0);
	rs_attempt_record first = rec_of(0, 1);
	uint64_t t0 = open_copy(l, &first);
	for (uint64_t i = 1; i < 1000; i++) {
		rs_attempt_record r = rec_of(i, 1);
		rs_reqlog_close(l, open_copy(l, &r));
	}
	CHECK_I64(s.n, 0);
	CHECK_I64(rs_reqlog_held(l), 1000);
	CHECK(rs_reqlog_row(l, t0) != NULL);
	CHECK_I64(rs_reqlog_flush(l), RS_OK);
	CHECK_I64(s.n, 1000);
	bool ordered = true;
	for (size_t i = 0; i < 64; i++)
		ordered = ordered && s.ids[i] == i;
	CHECK(ordered);
	rs_reqlog_free(l);
}

/* A failing writer's status comes back from close and flush. */
static void test_write_error(void)
{
	sink s = {.fail_with = RS_ERR_IO};
	rs_reqlog *l = rs_reqlog_new(put, &s, 1.0);
	rs_attempt_record r = rec_of(1, 1);
	CHECK_I64(rs_reqlog_close(l, open_copy(l, &r)), RS_ERR_IO);
	CHECK_I64(rs_reqlog_flush(l), RS_ERR_IO);
	rs_reqlog_free(l);
}

/* Sampling keeps a request whole (a pure function of its id), keeps the
 * share asked for (within three binomial standard deviations), and 1 keeps every one. */
static void test_sampling(void)
{
	sink s = {0};
	rs_reqlog *all = rs_reqlog_new(put, &s, 1.0), *tenth = rs_reqlog_new(put, &s, 0.1);
	size_t kept = 0;
	bool all_kept = true;
	for (uint64_t id = 0; id < SAMPLE_IDS; id++) {
		kept += rs_reqlog_sampled(tenth, id);
		all_kept = all_kept && rs_reqlog_sampled(all, id);
	}
	CHECK(all_kept);
	CHECK_NEAR((double)kept / SAMPLE_IDS, 0.1, SAMPLE_TOL);
	/* every attempt of a request: the same answer */
	uint64_t in = 0, out = 0;
	for (uint64_t id = 0; id < 1000 && (!in || !out); id++)
		*(rs_reqlog_sampled(tenth, id) ? &in : &out) = id + 1;
	CHECK(in && out);
	rs_attempt_record a1 = rec_of(in - 1, 1), a2 = rec_of(in - 1, 2), b1 = rec_of(out - 1, 1);
	uint64_t t1 = open_copy(tenth, &a1), t2 = open_copy(tenth, &a2);
	CHECK(t1 > 0 && t2 > 0);
	CHECK_I64(open_copy(tenth, &b1), 0);
	rs_reqlog_free(all);
	rs_reqlog_free(tenth);
}

int main(void)
{
	RUN(test_order);
	RUN(test_growth_and_flush);
	RUN(test_write_error);
	RUN(test_sampling);
	return th_done();
}
