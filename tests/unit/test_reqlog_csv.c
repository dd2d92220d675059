/*
 * test_reqlog_csv.c - requests.csv's writer (reqlog.h) against an
 * independent one: each row as printf writes it from the documented
 * formats (docs/outputs.md: times "%.6f" s, durations "%.3f" ms, integers,
 * the estimate "%.10g", the utilisation "%.6g", empty fields for none, names
 * quoted per RFC 4180 when they hold a comma, a quote, CR or LF).
 *
 * Rows tried: random values of every field (negative, absent, large,
 * fractional estimates), names that need quotes, a name longer than the
 * writer's block (it must grow, not cut), and enough rows to cross many
 * blocks; the whole file must equal the reference byte for byte.  Also: a
 * write error is reported, not lost.
 */
#include "ratesim/refusal.h"
#include "ratesim/reqlog.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Rows of the random file: enough for several of the writer's blocks. */
#define N_ROWS 40000
/* A name longer than the writer's block (256 KB). */
#define LONG_NAME_BYTES (300 * 1024)

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* A value below n, or none (-1) one time in `none`. */
static int64_t maybe(uint64_t n, unsigned none)
{
	return next() % none == 0 ? -1 : (int64_t)(next() % n);
}

static void ref_name(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void ref_ms(FILE *f, int64_t us)
{
	fputc(',', f);
	if (us >= 0)
		fprintf(f, "%.3f", (double)us / 1000.0);
}

static void ref_count(FILE *f, int64_t v)
{
	fputc(',', f);
	if (v >= 0)
		fprintf(f, "%" PRId64, v);
}

static const char *const end_names[RS_END_COUNT] = {"answered", "abandoned", "rejected_locally",
                                                    "passed_on", "in_flight"};

/* The row as printf writes it. */
static void ref_row(FILE *f, const rs_attempt_record *a)
{
	fprintf(f, "%.6f,%" PRIu64 ",%d,", (double)a->time / 1e6, a->request_id, a->attempt);
	ref_name(f, a->client);
	fputc(',', f);
	ref_name(f, a->deployment);
	fprintf(f, ",%d", a->status);
	ref_ms(f, a->duration);
	fprintf(f, ",%" PRId64 ",%" PRId64, a->prompt_tokens, a->completion_tokens);
	ref_count(f, a->retry_after_ms);
	fprintf(f, ",%d,", a->spilled ? 1 : 0);
	if (a->answered >= 0)
		fprintf(f, "%.6f", (double)a->answered / 1e6);
	fputc(',', f);
	ref_name(f, a->router);
	fputc(',', f);
	if (a->decided_by != RS_BY_NONE)
		fputs(rs_refuser_name((rs_refuser)a->decided_by), f);
	fprintf(f, ",%s,%s,", a->limit, end_names[a->end]);
	if (isfinite(a->estimate))
		fprintf(f, "%.10g", a->estimate);
	ref_count(f, a->max_tokens);
	fprintf(f, ",%d,%" PRId64, a->best_of, a->cached_tokens);
	ref_count(f, a->remaining_requests);
	ref_count(f, a->remaining_tokens);
	fputc(',', f);
	if (isfinite(a->utilisation))
		fprintf(f, "%.6g", a->utilisation);
	ref_ms(f, a->backoff);
	fputc(',', f);
	if (a->gave_up)
		fputs(a->gave_up, f);
	ref_ms(f, a->queued);
	fputc('\n', f);
}

static const char *const clients[] = {"app0",        "team, B",
                                      "say \"hi\"",  "x",
                                      "line\nbreak", "a-very-long-client-name-of-forty-bytes-."};
static const char *const deployments[] = {NULL, "eastus-gpt-4o", "west,eu", "ptu-1"};
static const char *const limits[] = {"",    "tpm",    "rpm_10s",       "rpm_1s",
                                     "ptu", "outage", "consumer_quota"};
static const char *const reasons[] = {NULL, "retries_exhausted", "deadline", "policy"};

#define PICK(a) (a)[next() % (sizeof(a) / sizeof((a)[0]))]

static rs_attempt_record random_row(uint64_t id)
{
	rs_attempt_record a = {
	    .time = (int64_t)(next() % (86400ull * 1000000ull)),
	    .request_id = next() % 3 == 0 ? next() : id,
	    .attempt = (int)(next() % 12) + 1,
	    .client = PICK(clients),
	    .deployment = PICK(deployments),
	    .status = next() % 2   ? 200
	              : next() % 2 ? 429
	                           : 503,
	    .duration = maybe(600000000u, 5),
	    .prompt_tokens = (int64_t)(next() % 200000),
	    .completion_tokens = (int64_t)(next() % 20000),
	    .retry_after_ms = maybe(86400000u, 2),
	    .spilled = next() % 4 == 0,
	    .answered = maybe(86400ull * 1000000ull, 4),
	    .router = next() % 2 ? NULL : PICK(deployments),
	    .decided_by = (int)(next() % RS_BY_COUNT),
	    .estimate = next() % 5 == 0   ? NAN
	                : next() % 3 == 0 ? (double)(next() % 100000) / 7.0
	                                  : (double)(next() % 1000000),
	    .max_tokens = maybe(100000, 3),
	    .best_of = (int)(next() % 5) + 1,
	    .cached_tokens = (int64_t)(next() % 5000),
	    .remaining_requests = maybe(100000, 3),
	    .remaining_tokens = maybe(10000000000ull, 3),
	    .utilisation = next() % 3 == 0 ? NAN : (double)(next() % 2000000) / 1e6,
	    .end = (rs_attempt_end)(next() % RS_END_COUNT),
	    .backoff = maybe(120000000u, 2),
	    .gave_up = PICK(reasons),
	    .queued = maybe(60000000u, 6),
	};
	snprintf(a.limit, sizeof a.limit, "%s", PICK(limits));
	return a;
}

/* The whole of f's contents, NUL-terminated (freed by the caller). */
static char *slurp(FILE *f, size_t *len)
{
	fflush(f);
	long n = ftell(f);
	char *s = malloc((size_t)n + 1);
	rewind(f);
	*len = fread(s, 1, (size_t)n, f);
	s[*len] = '\0';
	return s;
}

/* The first byte where a and b differ. */
static size_t first_difference(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0;
	while (i < na && i < nb && a[i] == b[i])
		i++;
	return i;
}

static void check_rows(const rs_attempt_record *rows, size_t n)
{
	FILE *got = tmpfile(), *want = tmpfile();
	CHECK(got && want);
	rs_reqlog_csv *w = rs_reqlog_csv_new(got);
	CHECK(w != NULL);
	fputs("time_s,request_id,attempt,client,deployment,status,duration_ms,prompt_tokens,"
	      "completion_tokens,retry_after_ms,spilled,answered_s,router,decided_by,limit,end,"
	      "estimate,max_tokens,best_of,cached_tokens,remaining_requests,remaining_tokens,"
	      "utilisation,backoff_ms,gave_up,queued_ms\n",
	      want);
	for (size_t i = 0; i < n; i++) {
		CHECK_I64(rs_reqlog_csv_put(w, &rows[i]), 0);
		ref_row(want, &rows[i]);
	}
	CHECK_I64(rs_reqlog_csv_flush(w), 0);
	rs_reqlog_csv_free(w);
	size_t ng, nw;
	char *g = slurp(got, &ng), *wt = slurp(want, &nw);
	size_t at = first_difference(g, ng, wt, nw);
	if (at != ng || ng != nw)
		TH_FAIL("byte %zu differs: got \"%.60s\", want \"%.60s\"", at, g + at, wt + at);
	free(g);
	free(wt);
	fclose(got);
	fclose(want);
}

static void test_random_rows(void)
{
	rs_attempt_record *rows = malloc(N_ROWS * sizeof *rows);
	CHECK(rows != NULL);
	for (size_t i = 0; i < N_ROWS; i++)
		rows[i] = random_row(i);
	check_rows(rows, N_ROWS);
	free(rows);
}

/* A client name longer than the writer's block: written whole, quoted. */
static void test_long_name(void)
{
	char *name = malloc(LONG_NAME_BYTES + 1);
	CHECK(name != NULL);
	for (size_t i = 0; i < LONG_NAME_BYTES; i++)
		name[i] = i % 1000 == 999 ? '"' : (char)('a' + i % 26);
	name[LONG_NAME_BYTES] = '\0';
	rs_attempt_record rows[3];
	for (size_t i = 0; i < 3; i++)
		rows[i] = random_row(i);
	rows[1].client = name;
	check_rows(rows, 3);
	free(name);
}

/* A file that cannot be written: the flush says so. */
static void test_write_error(void)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f) {
		TH_SKIP("no /dev/full");
		return;
	}
	rs_reqlog_csv *w = rs_reqlog_csv_new(f);
	rs_attempt_record a = random_row(1);
	CHECK_I64(rs_reqlog_csv_put(w, &a), 0); /* buffered */
	CHECK_I64(rs_reqlog_csv_flush(w), -1);
	CHECK_I64(rs_reqlog_csv_put(w, &a), -1); /* and from then on */
	rs_reqlog_csv_free(w);
	fclose(f);
}

int main(void)
{
	RUN(test_random_rows);
	RUN(test_long_name);
	RUN(test_write_error);
	return th_done();
}
