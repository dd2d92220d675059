/*
 * reqlog_csv.c - one row of requests.csv (see reqlog.h and docs/outputs.md
 * for the columns).
 *
 * The request log is the one output whose size follows the attempts (about
 * 120 bytes a row), so a row is formatted by hand into a local buffer and
 * written with one fwrite: integers and exact decimals of the integer
 * microseconds (times with six decimals, durations in ms with three)
 * without printf, which cost most of a logged run's time; the utilisation
 * with numfmt.h's exact "%.6g".  Only an estimate that is not a whole
 * number goes through snprintf.  The text is the same as "%.6f" / "%.3f" of the same values.
 * Names (client, deployment, router) are quoted per RFC 4180 when they
 * hold a comma, a quote, CR or LF (textio.h).
 */
#include "ratesim/reqlog.h"

#include "ratesim/numfmt.h"
#include "ratesim/refusal.h"
#include "ratesim/textio.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Room for the numeric fields of one row between two names; a field that
 * would not fit flushes the buffer first. */
#define ROW_BUF 512
/* The longest number a field may hold: int64 with sign and decimal point,
 * or a %.10g double. */
#define FIELD_MAX 32
_Static_assert(FIELD_MAX >= RS_FMT_G6_MAX && FIELD_MAX >= RS_FMT_U64_MAX + 1,
               "a field holds any number numfmt.h writes, and a sign");
/* Whole numbers up to this are printed as integers by %.10g too. */
#define G10_INT_MAX 1e10

typedef struct rowbuf {
	FILE *f;
	size_t n;
	char b[ROW_BUF];
} rowbuf;

static void rb_flush(rowbuf *r)
{
	if (r->n)
		fwrite(r->b, 1, r->n, r->f);
	r->n = 0;
}

static char *rb_room(rowbuf *r)
{
	if (r->n + FIELD_MAX > sizeof r->b)
		rb_flush(r);
	return r->b + r->n;
}

static void rb_ch(rowbuf *r, char c)
{
	*rb_room(r) = c;
	r->n++;
}

static void rb_str(rowbuf *r, const char *s)
{
	size_t len = strlen(s);
	if (r->n + len + FIELD_MAX > sizeof r->b) {
		rb_flush(r);
		fputs(s, r->f);
		return;
	}
	memcpy(r->b + r->n, s, len);
	r->n += len;
}

/* A name: as it is, or quoted (textio's CSV quoting) when it must be. */
static void rb_name(rowbuf *r, const char *s)
{
	if (!s)
		return;
	if (strpbrk(s, ",\"\r\n")) {
		rb_flush(r);
		rs_text_put_csv(r->f, s);
		return;
	}
	rb_str(r, s);
}

static void rb_u64(rowbuf *r, uint64_t v)
{
	r->n += rs_fmt_u64(rb_room(r), v);
}

static void rb_i64(rowbuf *r, int64_t v)
{
	if (v < 0) {
		rb_ch(r, '-');
		rb_u64(r, (uint64_t)0 - (uint64_t)v);
	} else {
		rb_u64(r, (uint64_t)v);
	}
}

/* v / scale with exactly the decimals of scale, a power of ten ("%.3f" of
 * v / 1000 for 1000).  Inlined at each call, where scale is a constant:
 * a division by a constant is a multiplication. */
__attribute__((always_inline)) static inline void rb_fixed(rowbuf *r, int64_t v, uint64_t scale)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (v < 0)
		rb_ch(r, '-');
	rb_u64(r, mag / scale);
	/* the decimals with their leading zeros: scale + frac is a 1 and
	 * them, and the 1's place takes the point */
	char *p = rb_room(r);
	size_t k = rs_fmt_u64(p, scale + mag % scale);
	p[0] = '.';
	r->n += k;
}

/* ",VALUE" of a double as "%.10g", or "," when not finite. */
static void rb_g10(rowbuf *r, double v)
{
	rb_ch(r, ',');
	if (!isfinite(v))
		return;
	if (v == floor(v) && fabs(v) < G10_INT_MAX) { /* a whole number: its digits */
		rb_i64(r, (int64_t)v);
		return;
	}
	int k = snprintf(rb_room(r), FIELD_MAX, "%.10g", v);
	if (k > 0 && k < FIELD_MAX)
		r->n += (size_t)k;
}

/* ",VALUE" of a double as "%.6g" (numfmt.h), or "," when not finite. */
static void rb_g6(rowbuf *r, double v)
{
	rb_ch(r, ',');
	if (isfinite(v))
		r->n += rs_fmt_g6(rb_room(r), v);
}

/* ",VALUE" of a count, or "," when negative (none). */
static void rb_opt_i64(rowbuf *r, int64_t v)
{
	rb_ch(r, ',');
	if (v >= 0)
		rb_i64(r, v);
}

/* ",VALUE" of microseconds as ms with three decimals, or "," when < 0. */
static void rb_opt_ms(rowbuf *r, rs_time us)
{
	rb_ch(r, ',');
	if (us >= 0)
		rb_fixed(r, us, RS_US_PER_MS);
}

static const char *const end_names[RS_END_COUNT] = {"answered", "abandoned", "rejected_locally",
                                                    "passed_on", "in_flight"};

const char *rs_reqlog_csv_header(void)
{
	return "time_s,request_id,attempt,client,deployment,status,duration_ms,prompt_tokens,"
	       "completion_tokens,retry_after_ms,spilled,answered_s,router,decided_by,limit,end,"
	       "estimate,max_tokens,best_of,cached_tokens,remaining_requests,remaining_tokens,"
	       "utilisation,backoff_ms,gave_up,queued_ms\n";
}

/* The first eleven columns, as before issue 10. */
static void first_columns(rowbuf *r, const rs_attempt_record *a)
{
	rb_fixed(r, a->time, RS_US_PER_S);
	rb_ch(r, ',');
	rb_u64(r, a->request_id);
	rb_ch(r, ',');
	rb_i64(r, a->attempt);
	rb_ch(r, ',');
	rb_name(r, a->client);
	rb_ch(r, ',');
	rb_name(r, a->deployment);
	rb_ch(r, ',');
	rb_i64(r, a->status);
	rb_opt_ms(r, a->duration);
	rb_ch(r, ',');
	rb_i64(r, a->prompt_tokens);
	rb_ch(r, ',');
	rb_i64(r, a->completion_tokens);
	rb_opt_i64(r, a->retry_after_ms);
	rb_str(r, a->spilled ? ",1" : ",0");
}

/* The full record (issue 10 part 3), from answered_s on. */
static void record_columns(rowbuf *r, const rs_attempt_record *a)
{
	rb_ch(r, ',');
	if (a->answered >= 0)
		rb_fixed(r, a->answered, RS_US_PER_S);
	rb_ch(r, ',');
	rb_name(r, a->router);
	rb_ch(r, ',');
	if (a->decided_by != RS_BY_NONE)
		rb_str(r, rs_refuser_name((rs_refuser)a->decided_by));
	rb_ch(r, ',');
	rb_str(r, a->limit);
	rb_ch(r, ',');
	if (a->end < RS_END_COUNT)
		rb_str(r, end_names[a->end]);
	rb_g10(r, a->estimate);
	rb_opt_i64(r, a->max_tokens);
	rb_ch(r, ',');
	rb_i64(r, a->best_of);
	rb_ch(r, ',');
	rb_i64(r, a->cached_tokens);
	rb_opt_i64(r, a->remaining_requests);
	rb_opt_i64(r, a->remaining_tokens);
	rb_g6(r, a->utilisation);
	rb_opt_ms(r, a->backoff);
	rb_ch(r, ',');
	if (a->gave_up)
		rb_str(r, a->gave_up);
	rb_opt_ms(r, a->queued);
	rb_ch(r, '\n');
}

int rs_reqlog_csv_row(FILE *f, const rs_attempt_record *a)
{
	rowbuf r = {.f = f};
	first_columns(&r, a);
	record_columns(&r, a);
	rb_flush(&r);
	return ferror(f) ? -1 : 0;
}
