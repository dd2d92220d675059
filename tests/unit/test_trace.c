/*
 * test_trace.c - the trace readers against the real traces in
 * scenarios/traces/ (figures from their SOURCES / ATTRIBUTION notes and the
 * files' first and last rows) and against small broken files written to
 * /tmp, whose exact messages are pinned.  Runs with cwd = the repo root.
 */
#include "ratesim/trace.h"

#include "harness.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONV      "scenarios/traces/AzureLLMInferenceTrace_conv.csv"
#define CODE      "scenarios/traces/AzureLLMInferenceTrace_code.csv"
#define BURST1    "scenarios/traces/BurstGPT_1-head400.csv"
#define BURST3    "scenarios/traces/BurstGPT_3-head400.csv"
#define SHARED    "../shared/traces/"
#define MOONCAKE  SHARED "conversation_trace.jsonl"
#define S(x)      ((int64_t)(x)*RS_US_PER_S)
#define AZ_HEADER "TIMESTAMP,ContextTokens,GeneratedTokens\n"
#define B1_HEADER "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"

static rs_trace *load(const char *path, rs_trace_format fmt, rs_zero_rows zr, const char *model)
{
	rs_trace_cfg cfg = {
	    .path = (char *)path, .format = fmt, .zero_rows = zr, .model_filter = (char *)model};
	rs_trace *t = NULL;
	rs_error err = {0};
	rs_status st = rs_trace_load(&cfg, &t, &err);
	if (st != RS_OK)
		TH_FAIL("loading %s: %s", path, err.msg);
	return t;
}

static bool ascending(const rs_trace *t)
{
	for (size_t i = 1; i < t->n; i++)
		if (t->t[i] < t->t[i - 1])
			return false;
	return true;
}

/* Write `text` to a new temporary file.  OUT: path (>= 64 bytes). */
static void write_temp(char *path, const char *text)
{
	strcpy(path, "/tmp/ratesim_trace_XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0) {
		TH_FAIL("mkstemp failed");
		return;
	}
	FILE *f = fdopen(fd, "wb");
	fputs(text, f);
	fclose(f);
}

/* Load `text` as a trace and check the status and message; the expected
 * message has one %s for the file's path. */
static void expect_error(const char *text, rs_trace_format fmt, const char *model,
                         rs_status want_st, const char *want_fmt)
{
	char path[64], want[RS_ERROR_MAX];
	write_temp(path, text);
	rs_trace_cfg cfg = {.path = path, .format = fmt, .model_filter = (char *)model};
	rs_trace *t = (rs_trace *)&cfg; /* must be reset to NULL */
	rs_error err = {0};
	rs_status st = rs_trace_load(&cfg, &t, &err);
	snprintf(want, sizeof want, want_fmt, path);
	CHECK_I64(st, want_st);
	CHECK(t == NULL);
	CHECK_STR(err.msg, want);
	unlink(path);
}

static rs_trace *load_text(const char *text, rs_trace_format fmt)
{
	char path[64];
	write_temp(path, text);
	rs_trace *t = load(path, fmt, RS_ZERO_ROWS_SKIP, NULL);
	unlink(path);
	return t;
}

/* 19,366 rows, 2023-11-16 18:15:46.6805900 (374, 44) to 19:14:08.4025270
 * (197, 183): span 58 min 21.7219370 s. */
static void test_azure_conv(void)
{
	rs_trace *t = load(CONV, RS_TRACE_AUTO, RS_ZERO_ROWS_SKIP, NULL);
	if (!t)
		return;
	CHECK_I64(t->n, 19366);
	CHECK_I64(t->format, RS_TRACE_AZURE);
	CHECK_I64(t->t[0], 0);
	CHECK_I64(t->prompt[0], 374);
	CHECK_I64(t->output[0], 44);
	CHECK_I64(t->t[1], 4314579); /* 18:15:50.9951690 */
	CHECK_I64(t->prompt[1], 396);
	CHECK_I64(t->span, INT64_C(3501721937));
	CHECK_I64(t->t[t->n - 1], t->span);
	CHECK_I64(t->prompt[t->n - 1], 197);
	CHECK_I64(t->output[t->n - 1], 183);
	CHECK_I64(t->mean_gap, INT64_C(3501721937) / 19365);
	CHECK_I64(t->zero_rows, 0);
	CHECK(ascending(t));
	rs_trace_free(t);
}

/* 8,819 rows, 18:17:03.9799600 (4808, 10) to 19:14:19.9280160 (549, 173). */
static void test_azure_code(void)
{
	rs_trace *t = load(CODE, RS_TRACE_AZURE, RS_ZERO_ROWS_KEEP, NULL);
	if (!t)
		return;
	CHECK_I64(t->n, 8819);
	CHECK_I64(t->prompt[0], 4808);
	CHECK_I64(t->output[0], 10);
	CHECK_I64(t->t[1], 52000); /* 18:17:04.0319600 */
	CHECK_I64(t->span, INT64_C(3435948056));
	CHECK_I64(t->prompt[t->n - 1], 549);
	CHECK_I64(t->output[t->n - 1], 173);
	CHECK(ascending(t));
	rs_trace_free(t);
}

/* Day arithmetic across a year end, a leap February, 1900 (not leap) and
 * 2000 (leap); half-up rounding of the 7th digit; CRLF and no final newline. */
static void test_azure_calendar(void)
{
	rs_trace *t = load_text("TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
	                        "2023-12-31 23:59:59.0000000,1,2\r\n"
	                        "2024-01-01 00:00:00.0000005,3,4\r\n"
	                        "\r\n"
	                        "2024-03-01 00:00:00.0000015,5,6\r\n"
	                        "2024-03-01 00:00:00.0000034,7,8\r\n"
	                        "2024-03-01 00:00:00.5,9,10\r\n"
	                        "2024-03-01 00:00:01,11,12",
	                        RS_TRACE_AUTO);
	if (t) {
		CHECK_I64(t->n, 6);
		CHECK_I64(t->t[1], S(1) + 1);
		/* 1 s + 31 days of January + 29 of February */
		CHECK_I64(t->t[2], S(1) + 60 * S(86400) + 2);
		CHECK_I64(t->t[3], S(1) + 60 * S(86400) + 3);
		CHECK_I64(t->t[4], S(1) + 60 * S(86400) + 500000);
		CHECK_I64(t->t[5], S(2) + 60 * S(86400));
		CHECK_I64(t->prompt[5], 11);
		CHECK_I64(t->output[5], 12);
		rs_trace_free(t);
	}
	t = load_text(AZ_HEADER "1900-02-28 00:00:00,1,1\n1900-03-01 00:00:00,1,1\n"
	                        "2000-02-28 00:00:00,1,1\n2000-03-01 00:00:00,1,1\n",
	              RS_TRACE_AZURE);
	if (t) {
		CHECK_I64(t->t[1], S(86400));
		/* 100 years with 24 leap days (1904 .. 1996) */
		CHECK_I64(t->t[2], (365 * 100 + 24) * S(86400));
		CHECK_I64(t->t[3], (365 * 100 + 24 + 2) * S(86400));
		CHECK_I64(t->mean_gap, t->span / 3);
		rs_trace_free(t);
	}
	t = load_text(AZ_HEADER "2023-11-16 18:15:46.6805900,374,44", RS_TRACE_AUTO);
	if (t) {
		CHECK_I64(t->n, 1);
		CHECK_I64(t->span, 0);
		CHECK_I64(t->mean_gap, RS_US_PER_S);
		rs_trace_free(t);
	}
}

/* 400 rows from t = 5 s to 37,274 s, 17 failed (Response tokens 0). */
static void test_burstgpt1(void)
{
	rs_trace *t = load(BURST1, RS_TRACE_AUTO, RS_ZERO_ROWS_SKIP, NULL);
	if (t) {
		CHECK_I64(t->format, RS_TRACE_BURSTGPT);
		CHECK_I64(t->n, 383);
		CHECK_I64(t->zero_rows, 17);
		CHECK_I64(t->t[0], 0);
		CHECK_I64(t->prompt[0], 472);
		CHECK_I64(t->output[0], 18);
		CHECK_I64(t->t[1], S(40));
		CHECK_I64(t->span, S(37269));
		size_t zeros = 0;
		for (size_t i = 0; i < t->n; i++)
			zeros += t->output[i] == 0;
		CHECK_I64(zeros, 0);
		CHECK(ascending(t));
		rs_trace_free(t);
	}
	t = load(BURST1, RS_TRACE_BURSTGPT, RS_ZERO_ROWS_KEEP, NULL);
	if (t) {
		CHECK_I64(t->n, 400);
		CHECK_I64(t->zero_rows, 17);
		/* the first failed row: "1106,ChatGPT,0,0,0,Conversation log" */
		CHECK_I64(t->t[20], S(1101));
		CHECK_I64(t->prompt[20], 0);
		CHECK_I64(t->output[20], 0);
		size_t zeros = 0;
		for (size_t i = 0; i < t->n; i++)
			zeros += t->output[i] == 0;
		CHECK_I64(zeros, 17);
		rs_trace_free(t);
	}
}

/* 80 GPT-4 rows from t = 118 s to 37,274 s, 3 of them failed. */
static void test_burstgpt1_model_filter(void)
{
	rs_trace *t = load(BURST1, RS_TRACE_AUTO, RS_ZERO_ROWS_SKIP, "GPT-4");
	if (t) {
		CHECK_I64(t->n, 80 - 3);
		CHECK_I64(t->zero_rows, 3);
		CHECK_I64(t->t[0], 0);
		CHECK_I64(t->prompt[0], 417);
		CHECK_I64(t->output[0], 276);
		CHECK_I64(t->span, S(37274 - 118));
		rs_trace_free(t);
	}
	t = load(BURST1, RS_TRACE_AUTO, RS_ZERO_ROWS_KEEP, "GPT-4");
	if (t) {
		CHECK_I64(t->n, 80);
		CHECK_I64(t->zero_rows, 3);
		rs_trace_free(t);
	}
}

/* Layout 3: 400 rows, 19,440,110.0 s (906, 446) to 19,481,563.0 s (870, 11),
 * one failed row (a ChatGPT one), 95 GPT-4 rows. */
static void test_burstgpt3(void)
{
	rs_trace *t = load(BURST3, RS_TRACE_AUTO, RS_ZERO_ROWS_KEEP, NULL);
	if (t) {
		CHECK_I64(t->format, RS_TRACE_BURSTGPT);
		CHECK_I64(t->n, 400);
		CHECK_I64(t->zero_rows, 1);
		CHECK_I64(t->prompt[0], 906);
		CHECK_I64(t->output[0], 446);
		CHECK_I64(t->t[1], S(51));
		CHECK_I64(t->span, S(41453));
		CHECK_I64(t->prompt[t->n - 1], 870);
		CHECK_I64(t->output[t->n - 1], 11);
		rs_trace_free(t);
	}
	t = load(BURST3, RS_TRACE_AUTO, RS_ZERO_ROWS_SKIP, NULL);
	if (t) {
		CHECK_I64(t->n, 399);
		CHECK_I64(t->zero_rows, 1);
		rs_trace_free(t);
	}
	t = load(BURST3, RS_TRACE_AUTO, RS_ZERO_ROWS_SKIP, "GPT-4");
	if (t) {
		CHECK_I64(t->n, 95);
		CHECK_I64(t->zero_rows, 0);
		rs_trace_free(t);
	}
}

/* Decimal seconds, half-up rounding past the microsecond, repeats allowed. */
static void test_burstgpt_seconds(void)
{
	rs_trace *t = load_text("Timestamp,Session ID,Elapsed time,Model,Request tokens,"
	                        "Response tokens,Total tokens,Log Type\n"
	                        "10.25,,1,ChatGPT,1,2,3,API log\n"
	                        "10.25,abc,1,ChatGPT,1,2,3,API log\n"
	                        "11.0000005,,1,ChatGPT,1,2,3,API log\n"
	                        "12.00000049999,,1,GPT-4,1,2,3,API log\n"
	                        "13,,1,GPT-4,1,2,3,API log\n",
	                        RS_TRACE_AUTO);
	if (!t)
		return;
	CHECK_I64(t->n, 5);
	CHECK_I64(t->t[1], 0);
	CHECK_I64(t->t[2], 750001);
	CHECK_I64(t->t[3], 1750000);
	CHECK_I64(t->t[4], 2750000);
	rs_trace_free(t);
}

/* 12,031 rows, 0 to 3,536,999 ms; first row 6758 / 500, last 20774 / 508. */
static void test_mooncake(void)
{
	if (access(MOONCAKE, R_OK) != 0) {
		TH_SKIP("%s is absent (the public traces beside the project, shared/traces)",
		        MOONCAKE);
		return;
	}
	rs_trace *t = load(MOONCAKE, RS_TRACE_AUTO, RS_ZERO_ROWS_SKIP, NULL);
	if (!t)
		return;
	CHECK_I64(t->format, RS_TRACE_MOONCAKE);
	CHECK_I64(t->n, 12031);
	CHECK_I64(t->t[t->n - 1], INT64_C(3536999) * RS_US_PER_MS);
	CHECK_I64(t->prompt[0], 6758);
	CHECK_I64(t->output[0], 500);
	CHECK_I64(t->prompt[t->n - 1], 20774);
	CHECK_I64(t->output[t->n - 1], 508);
	CHECK_I64(t->zero_rows, 0);
	CHECK(ascending(t));
	rs_trace_free(t);
}

/* The project's copies have the originals' sizes (when the originals are here). */
static void test_copies_match(void)
{
	static const char *names[] = {"AzureLLMInferenceTrace_conv.csv",
	                              "AzureLLMInferenceTrace_code.csv", "BurstGPT_1-head400.csv",
	                              "BurstGPT_3-head400.csv"};
	static const long long sizes[] = {719188, 320117, 16840, 34278};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char copy[256], orig[256];
		snprintf(copy, sizeof copy, "scenarios/traces/%s", names[i]);
		snprintf(orig, sizeof orig, SHARED "%s", names[i]);
		struct stat sc, so;
		CHECK(stat(copy, &sc) == 0);
		CHECK_I64(sc.st_size, sizes[i]);
		if (stat(orig, &so) != 0) {
			printf("  note: %s is absent; not compared\n", orig);
			continue;
		}
		CHECK_I64(sc.st_size, so.st_size);
	}
}

static void test_errors(void)
{
	expect_error(AZ_HEADER "2023-11-16 18:15:46.6805900,374\n", RS_TRACE_AUTO, NULL,
	             RS_ERR_SYNTAX,
	             "%s:2: expected 3 columns TIMESTAMP,ContextTokens,GeneratedTokens (got 2)");
	expect_error(AZ_HEADER "2023-11-16 18:15:46.6805900,374,44\n"
	                       "2023-02-29 00:00:00.0,1,1\n",
	             RS_TRACE_AUTO, NULL, RS_ERR_SYNTAX,
	             "%s:3: bad timestamp \"2023-02-29 00:00:00.0\"");
	expect_error(AZ_HEADER "2023-11-16 18:15:46.68059001,374,44\n", RS_TRACE_AUTO, NULL,
	             RS_ERR_SYNTAX, "%s:2: bad timestamp \"2023-11-16 18:15:46.68059001\"");
	expect_error(AZ_HEADER "2023-11-16 24:00:00,374,44\n", RS_TRACE_AUTO, NULL, RS_ERR_SYNTAX,
	             "%s:2: bad timestamp \"2023-11-16 24:00:00\"");
	expect_error(AZ_HEADER "2023-11-16 10:00:01,1,1\n2023-11-16 10:00:00.999999,1,1\n",
	             RS_TRACE_AUTO, NULL, RS_ERR_INVALID, "%s:3: timestamps go backwards");
	expect_error("time,prompt,output\n1,2,3\n", RS_TRACE_AUTO, NULL, RS_ERR_INVALID,
	             "%s:1: unknown trace header \"time,prompt,output\" (expected an Azure, "
	             "BurstGPT or Mooncake trace)");
	expect_error(AZ_HEADER, RS_TRACE_AUTO, NULL, RS_ERR_INVALID, "%s: no rows");
	expect_error("", RS_TRACE_AUTO, NULL, RS_ERR_INVALID, "%s: no rows");
	expect_error(AZ_HEADER "2023-11-16 10:00:01,12x,1\n", RS_TRACE_AUTO, NULL, RS_ERR_SYNTAX,
	             "%s:2: bad ContextTokens \"12x\" (expected an integer >= 0)");
	expect_error(AZ_HEADER "2023-11-16 10:00:01,1,2147483648\n", RS_TRACE_AUTO, NULL,
	             RS_ERR_SYNTAX,
	             "%s:2: bad GeneratedTokens \"2147483648\" (expected an integer >= 0)");
	expect_error(AZ_HEADER "2023-11-16 10:00:01,-3,1\n", RS_TRACE_AUTO, NULL, RS_ERR_INVALID,
	             "%s:2: ContextTokens must be >= 0 (got -3)");
	expect_error(B1_HEADER "5,ChatGPT,472,,490,Conversation log\n", RS_TRACE_AUTO, NULL,
	             RS_ERR_SYNTAX, "%s:2: bad Response tokens \"\" (expected an integer >= 0)");
	expect_error(B1_HEADER "5,ChatGPT,472,18,490,Conversation log,x\n", RS_TRACE_AUTO, NULL,
	             RS_ERR_SYNTAX,
	             "%s:2: expected 6 columns Timestamp,Model,Request tokens,Response tokens,"
	             "Total tokens,Log Type (got 7)");
	expect_error(B1_HEADER "5s,ChatGPT,472,18,490,Conversation log\n", RS_TRACE_AUTO, NULL,
	             RS_ERR_SYNTAX, "%s:2: bad timestamp \"5s\"");
	expect_error(B1_HEADER "6,ChatGPT,472,18,490,Conversation log\n"
	                       "5,GPT-4,472,18,490,Conversation log\n",
	             RS_TRACE_AUTO, "ChatGPT", RS_ERR_INVALID, "%s:3: timestamps go backwards");
	expect_error(B1_HEADER "5,ChatGPT,472,18,490,Conversation log\n", RS_TRACE_AUTO, "GPT-5",
	             RS_ERR_INVALID, "%s: no row has Model \"GPT-5\"");
	expect_error(B1_HEADER "5,ChatGPT,0,0,0,Conversation log\n", RS_TRACE_AUTO, NULL,
	             RS_ERR_INVALID,
	             "%s: every row is a failed request (Response tokens 0), and failed rows "
	             "are skipped");
	expect_error(AZ_HEADER "2023-11-16 10:00:01,1,1\n", RS_TRACE_BURSTGPT, NULL, RS_ERR_INVALID,
	             "%s:1: this is an Azure trace, but the scenario says it is a BurstGPT trace");
	expect_error(AZ_HEADER "2023-11-16 10:00:01,1,1\n", RS_TRACE_AUTO, "GPT-4", RS_ERR_INVALID,
	             "%s: a model filter (\"GPT-4\") needs a BurstGPT trace, and this is an Azure "
	             "trace");
	expect_error("{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 2}\n"
	             "{\"timestamp\": x, \"input_length\": 1}\n",
	             RS_TRACE_AUTO, NULL, RS_ERR_SYNTAX, "%s:2:15: bad JSON");
	expect_error("{\"timestamp\": 0, \"input_length\": 1}\n", RS_TRACE_MOONCAKE, NULL,
	             RS_ERR_INVALID, "%s:1: missing \"output_length\"");
	expect_error("{\"timestamp\": 0, \"input_length\": 1.5, \"output_length\": 2}\n",
	             RS_TRACE_AUTO, NULL, RS_ERR_INVALID,
	             "%s:1: \"input_length\" must be an integer from 0 to 2147483647");
	expect_error("{\"timestamp\": 5, \"input_length\": 1, \"output_length\": 2}\n"
	             "{\"timestamp\": 4, \"input_length\": 1, \"output_length\": 2}\n",
	             RS_TRACE_AUTO, NULL, RS_ERR_INVALID, "%s:2: timestamps go backwards");
	expect_error("[1, 2]\n", RS_TRACE_AUTO, NULL, RS_ERR_INVALID,
	             "%s:1: unknown trace header \"[1, 2]\" (expected an Azure, BurstGPT or "
	             "Mooncake trace)");

	rs_trace_cfg cfg = {.path = "scenarios/traces/no-such-trace.csv"};
	rs_trace *t = NULL;
	rs_error err = {0};
	CHECK_I64(rs_trace_load(&cfg, &t, &err), RS_ERR_IO);
	CHECK(t == NULL);
	CHECK_STR(err.msg, "scenarios/traces/no-such-trace.csv: cannot open: No such file or "
	                   "directory");
	/* a NULL rs_error is allowed */
	CHECK_I64(rs_trace_load(&cfg, &t, NULL), RS_ERR_IO);
	rs_trace_free(NULL);
}

/*
 * Issue 12 item 5: a line past RS_TRACE_MAX_LINE is an error naming the
 * line (it used to be read whole, or truncate the trace when memory ran
 * out), so is a read error; a blank first JSONL line is skipped; a key
 * given twice in a Mooncake row is refused.
 */
static void test_hostile_lines(void)
{
	size_t n = RS_TRACE_MAX_LINE + 64;
	char *big = malloc(n + 256);
	CHECK(big != NULL);
	if (!big)
		return;
	/* exactly the limit is fine: a JSONL row padded with spaces */
	const char *row = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 2}";
	size_t rl = strlen(row);
	memset(big, ' ', RS_TRACE_MAX_LINE);
	memcpy(big, row, rl);
	strcpy(big + RS_TRACE_MAX_LINE, "\r\n");
	rs_trace *t = load_text(big, RS_TRACE_AUTO);
	CHECK(t != NULL && t->n == 1);
	rs_trace_free(t);
	/* one byte more is refused, naming line 2 */
	strcpy(big, row);
	strcat(big, "\n");
	size_t at = strlen(big);
	memset(big + at, ' ', RS_TRACE_MAX_LINE + 1);
	strcpy(big + at + RS_TRACE_MAX_LINE + 1, "\n");
	char want[128];
	snprintf(want, sizeof want,
	         "%%s:2: line longer than %d bytes (the longest trace line read)",
	         RS_TRACE_MAX_LINE);
	expect_error(big, RS_TRACE_AUTO, NULL, RS_ERR_SYNTAX, want);
	/* a file with no line ending at all, far longer than the limit */
	memset(big, '{', n);
	big[n] = '\0';
	snprintf(want, sizeof want,
	         "%%s:1: line longer than %d bytes (the longest trace line read)",
	         RS_TRACE_MAX_LINE);
	expect_error(big, RS_TRACE_AUTO, NULL, RS_ERR_SYNTAX, want);
	free(big);

	t = load_text("\n\r\n{\"timestamp\": 7, \"input_length\": 1, \"output_length\": 2}\n",
	              RS_TRACE_AUTO);
	CHECK(t != NULL && t->n == 1 && t->format == RS_TRACE_MOONCAKE);
	rs_trace_free(t);
	expect_error("\n{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 2,"
	             " \"input_length\": 9}\n",
	             RS_TRACE_AUTO, NULL, RS_ERR_SYNTAX, "%s:2: duplicate key \"input_length\"");
	expect_error("\n\ntime,prompt\n", RS_TRACE_AUTO, NULL, RS_ERR_INVALID,
	             "%s:3: unknown trace header \"time,prompt\" (expected an Azure, BurstGPT or "
	             "Mooncake trace)");

	/* a read error (a folder opened as a file reads EISDIR) names the line */
	rs_trace_cfg cfg = {.path = "scenarios"};
	rs_error err = {0};
	CHECK_I64(rs_trace_load(&cfg, &t, &err), RS_ERR_IO);
	CHECK_STR(err.msg, "scenarios:1: cannot read: Is a directory");
}

int main(void)
{
	RUN(test_azure_conv);
	RUN(test_azure_code);
	RUN(test_azure_calendar);
	RUN(test_burstgpt1);
	RUN(test_burstgpt1_model_filter);
	RUN(test_burstgpt3);
	RUN(test_burstgpt_seconds);
	RUN(test_mooncake);
	RUN(test_copies_match);
	RUN(test_errors);
	RUN(test_hostile_lines);
	return th_done();
}
