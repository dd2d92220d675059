/*
 * reqlog_csv.c - requests.csv: its header and its rows (see reqlog.h, and
 * docs/outputs.md for the columns).
 *
 * The request log is the one output whose size follows the attempts (about
 * 120 bytes a row, hundreds of MB on a long run), so its writer is built
 * for speed (issue 10 part 6: a logged run at most 3x a plain one):
 *   - rows are formatted straight into the writer's own buffer, which goes
 *     to the file in blocks of ROWS_BUF_BYTES (the FILE is unbuffered, so
 *     the bytes are copied once, into the kernel);
 *   - the room a row may need is checked once per row, not per field: a
 *     bound of every field but the names (ROW_FIELDS_MAX) plus the names'
 *     own, so each field is written with a bare cursor;
 *   - a name (client, deployment, router, who decided, why it gave up) is a
 *     string the configuration or a table owns, the same pointer row after
 *     row: its length and whether it needs quotes are remembered per
 *     pointer (NAME_MEMO slots, direct-mapped), not measured per row;
 *   - numbers without printf: integers and exact decimals of the integer
 *     microseconds (times with six decimals, durations in ms with three)
 *     through numfmt.h's cursor forms, the utilisation with its exact
 *     "%.6g".  Only an estimate that is not a whole number goes through
 *     snprintf ("%.10g").
 * The text is the same as printf's "%.6f" / "%.3f" / "%" PRId64 of the same
 * values.  Names are quoted per RFC 4180 when they hold a comma, a quote,
 * CR or LF (textio.h's rule).
 *
 * Invariants: n <= cap; after a failed write the writer keeps failing
 * (the first errno is kept), and the run reports the file it could not
 * write.
 */
#include "ratesim/reqlog.h"

#include "ratesim/numfmt.h"
#include "ratesim/refusal.h"
#include "ratesim/textio.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The block the rows go to the file in: large enough that the write calls
 * cost nothing next to the copying, small enough to stay in the cache. */
#define ROWS_BUF_BYTES (256u * 1024u)
/* The longest number or short word a field may hold: int64 with sign and
 * decimal point, a %.10g or %.6g double, a limit or an end name. */
#define FIELD_MAX 32
/* The columns (the header's), each at most FIELD_MAX bytes and a separator,
 * names aside: the most a row takes beyond its names. */
#define ROW_COLUMNS    26
#define ROW_FIELDS_MAX (ROW_COLUMNS * (FIELD_MAX + 1))
/* Names remembered, 2^NAME_MEMO_BITS: more than the names a run has in
 * its rows (clients, deployments, routers and a few words), or they share
 * slots (still right, only slower). */
#define NAME_MEMO_BITS 8
#define NAME_MEMO      (1u << NAME_MEMO_BITS)
/* Whole numbers up to this are printed as integers by %.10g too. */
#define G10_INT_MAX 1e10

_Static_assert(FIELD_MAX >= RS_FMT_G6_MAX && FIELD_MAX >= RS_FMT_U64_MAX + 1,
               "a field holds any number numfmt.h writes, and a sign");
_Static_assert(RS_ATTEMPT_LIMIT_LEN <= FIELD_MAX, "a limit's name fits a field");

typedef struct name_memo {
	const char *s; /* NULL: empty slot */
	size_t len;    /* strlen(s) */
	bool quote;    /* it must be quoted */
} name_memo;

struct rs_reqlog_csv {
	FILE *f;
	char *buf;
	size_t cap, n;
	int err; /* the first failed write's errno, or 0 */
	name_memo memo[NAME_MEMO];
};

static const char header[] =
    "time_s,request_id,attempt,client,deployment,status,duration_ms,prompt_tokens,"
    "completion_tokens,retry_after_ms,spilled,answered_s,router,decided_by,limit,end,"
    "estimate,max_tokens,best_of,cached_tokens,remaining_requests,remaining_tokens,"
    "utilisation,backoff_ms,gave_up,queued_ms\n";

static const char *const end_names[RS_END_COUNT] = {"answered", "abandoned", "rejected_locally",
                                                    "passed_on", "in_flight"};

rs_reqlog_csv *rs_reqlog_csv_new(FILE *f)
{
	rs_reqlog_csv *w = rs_calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->buf = malloc(ROWS_BUF_BYTES);
	if (!w->buf) {
		free(w);
		return NULL;
	}
	w->f = f;
	w->cap = ROWS_BUF_BYTES;
	setvbuf(f, NULL, _IONBF, 0); /* the writer buffers: one copy, not two */
	memcpy(w->buf, header, sizeof header - 1);
	w->n = sizeof header - 1;
	return w;
}

void rs_reqlog_csv_free(rs_reqlog_csv *w)
{
	if (!w)
		return;
	free(w->buf);
	free(w);
}

int rs_reqlog_csv_flush(rs_reqlog_csv *w)
{
	if (w->n && !w->err && fwrite(w->buf, 1, w->n, w->f) != w->n)
		w->err = errno ? errno : EIO;
	w->n = 0;
	if (w->err) {
		errno = w->err;
		return -1;
	}
	return 0;
}

/* Name s (NULL: none, an empty name) into *out, from its memo: a copy,
 * since the next name may take the memo's slot. */
static inline void name_of(rs_reqlog_csv *w, const char *s, name_memo *out)
{
	if (!s) {
		*out = (name_memo){.s = "", .len = 0, .quote = false};
		return;
	}
	/* Fibonacci hashing of the address: its top bits pick the slot, so
	 * strings packed side by side (literals) spread over the slots */
	uint64_t h = (uint64_t)(uintptr_t)s * UINT64_C(0x9e3779b97f4a7c15);
	name_memo *m = &w->memo[h >> (64 - NAME_MEMO_BITS)];
	if (m->s != s) {
		m->s = s;
		m->len = strlen(s);
		m->quote = rs_text_csv_needs_quotes(s);
	}
	out->s = s;
	out->len = m->len;
	out->quote = m->quote;
}

/* The room name m takes in a row (0 for none). */
static size_t name_room(const name_memo *m)
{
	return m->quote ? RS_TEXT_CSV_QUOTED_MAX(m->len) : m->len;
}

/* Name m (none: nothing), as it is or quoted; its room was counted. */
static char *put_name(char *p, const name_memo *m)
{
	if (m->quote)
		return p + rs_text_csv_quote(p, m->s);
	memcpy(p, m->s, m->len);
	return p + m->len;
}

static char *put_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return rs_fmt_u64_at(p, (uint64_t)0 - (uint64_t)v);
	}
	return rs_fmt_u64_at(p, (uint64_t)v);
}

/* Microseconds as ms with three decimals ("%.3f" of us / 1000). */
static char *put_ms(char *p, rs_time us)
{
	uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	if (us < 0)
		*p++ = '-';
	p = rs_fmt_u64_at(p, mag / (uint64_t)RS_US_PER_MS);
	*p++ = '.';
	return rs_fmt_frac3_at(p, (uint32_t)(mag % (uint64_t)RS_US_PER_MS));
}

/* ",VALUE" of a double as "%.10g", or "," when not finite. */
static char *put_g10(char *p, double v)
{
	*p++ = ',';
	if (!isfinite(v))
		return p;
	if (v == floor(v) && fabs(v) < G10_INT_MAX) /* a whole number: its digits */
		return put_i64(p, (int64_t)v);
	int k = snprintf(p, FIELD_MAX, "%.10g", v);
	return k > 0 && k < FIELD_MAX ? p + k : p;
}

/* ",VALUE" of a double as "%.6g", or "," when not finite. */
static char *put_g6(char *p, double v)
{
	*p++ = ',';
	return isfinite(v) ? p + rs_fmt_g6(p, v) : p;
}

/* ",VALUE" of a count, or "," when negative (none). */
static char *put_opt_i64(char *p, int64_t v)
{
	*p++ = ',';
	return v >= 0 ? put_i64(p, v) : p;
}

/* ",VALUE" of microseconds as ms, or "," when negative (none). */
static char *put_opt_ms(char *p, rs_time us)
{
	*p++ = ',';
	return us >= 0 ? put_ms(p, us) : p;
}

/* A short word (a limit, an end): at most FIELD_MAX bytes. */
static char *put_word(char *p, const char *s)
{
	size_t len = strnlen(s, FIELD_MAX);
	memcpy(p, s, len);
	return p + len;
}

/* The names of a row, remembered. */
enum { NAME_CLIENT, NAME_DEPLOYMENT, NAME_ROUTER, NAME_DECIDER, NAME_GAVE_UP, NAME_COUNT };
typedef name_memo row_names[NAME_COUNT];

/* The row of a at p, which has room for it. */
static char *put_row(char *p, const rs_attempt_record *a, const row_names names)
{
	/* the first eleven columns, as before issue 10 */
	p = rs_fmt_seconds_at(p, a->time);
	*p++ = ',';
	p = rs_fmt_u64_at(p, a->request_id);
	*p++ = ',';
	p = put_i64(p, a->attempt);
	*p++ = ',';
	p = put_name(p, &names[NAME_CLIENT]);
	*p++ = ',';
	p = put_name(p, &names[NAME_DEPLOYMENT]);
	*p++ = ',';
	p = put_i64(p, a->status);
	p = put_opt_ms(p, a->duration);
	*p++ = ',';
	p = put_i64(p, a->prompt_tokens);
	*p++ = ',';
	p = put_i64(p, a->completion_tokens);
	p = put_opt_i64(p, a->retry_after_ms);
	memcpy(p, a->spilled ? ",1" : ",0", 2);
	p += 2;
	/* the full record (issue 10 part 3), from answered_s on */
	*p++ = ',';
	if (a->answered >= 0)
		p = rs_fmt_seconds_at(p, a->answered);
	*p++ = ',';
	p = put_name(p, &names[NAME_ROUTER]);
	*p++ = ',';
	p = put_name(p, &names[NAME_DECIDER]);
	*p++ = ',';
	p = put_word(p, a->limit);
	*p++ = ',';
	if (a->end < RS_END_COUNT)
		p = put_word(p, end_names[a->end]);
	p = put_g10(p, a->estimate);
	p = put_opt_i64(p, a->max_tokens);
	*p++ = ',';
	p = put_i64(p, a->best_of);
	*p++ = ',';
	p = put_i64(p, a->cached_tokens);
	p = put_opt_i64(p, a->remaining_requests);
	p = put_opt_i64(p, a->remaining_tokens);
	p = put_g6(p, a->utilisation);
	p = put_opt_ms(p, a->backoff);
	*p++ = ',';
	p = put_name(p, &names[NAME_GAVE_UP]);
	p = put_opt_ms(p, a->queued);
	*p++ = '\n';
	return p;
}

int rs_reqlog_csv_put(rs_reqlog_csv *w, const rs_attempt_record *a)
{
	row_names names;
	name_of(w, a->client, &names[NAME_CLIENT]);
	name_of(w, a->deployment, &names[NAME_DEPLOYMENT]);
	name_of(w, a->router, &names[NAME_ROUTER]);
	name_of(w, a->decided_by != RS_BY_NONE ? rs_refuser_name((rs_refuser)a->decided_by) : NULL,
	        &names[NAME_DECIDER]);
	name_of(w, a->gave_up, &names[NAME_GAVE_UP]);
	size_t room = ROW_FIELDS_MAX;
	for (int k = 0; k < NAME_COUNT; k++)
		room += name_room(&names[k]);
	if (w->cap - w->n < room) {
		if (rs_reqlog_csv_flush(w) != 0)
			return -1;
		if (room > w->cap) { /* names longer than a block: a larger one */
			char *buf = realloc(w->buf, room);
			if (!buf) {
				errno = ENOMEM;
				return -1;
			}
			w->buf = buf;
			w->cap = room;
		}
	}
	char *end = put_row(w->buf + w->n, a, names);
	w->n = (size_t)(end - w->buf);
	if (w->err) {
		errno = w->err;
		return -1;
	}
	return 0;
}
