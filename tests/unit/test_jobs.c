/*
 * test_jobs.c - finite jobs, at_once herds, deadline pipelines and the
 * time-of-day latency (issue 9; job.h, latency_daily.h), in whole runs
 * with known answers.
 *
 * tests/scenarios/job-fixed.json and pipeline-fixed.json make every
 * admitted attempt take exactly L = 1.1 s (no variation) of which the
 * round trip is 0.1 s, and a 429 reach the client in 0.105 s:
 *   - a job of N requests with concurrency c and no 429 ends ceil(N / c) L
 *     after its start, for several (N, c); nobody waits for a retry; a job
 *     of a trace's rows sends each row once, in order, with its sizes;
 *   - an at_once herd sends exactly N first attempts at start_s (from
 *     requests.csv); behind the client's own cap of c attempts it takes the
 *     rounds of a job, and the waits in the client's queue count;
 *   - the pipeline (1 call, then 5 calls 2 at once) succeeds in 4 L = 4.4 s;
 *     it fails exactly when its deadline is at or before that (the deadline
 *     comes first on a tie); a deadline at 3.3 s cuts it before its sixth
 *     call, one at 3.4 s after (that call runs on to success); a second
 *     call refused (RPM of 1 per second, no retry) fails it by a final 429
 *     at 1.1 + 0.105 s;
 *   - a job of such pipelines, c at a time, ends after ceil(N / c) x 4.4 s;
 *   - latency_daily: the service-side 1.0 s of L is multiplied at the
 *     scheduled hours (by_hour, cosine at its peak and its trough), the
 *     round trip is not: makespans are ceil(N / c) (0.1 + m) s;
 *   - bad input for every new key: the exact message and path.
 * Every run also keeps the conservation of requests.
 */
#include "run_helpers.h"

#include "ratesim/latency_daily.h"

#define JOB  "tests/scenarios/job-fixed.json"
#define PIPE "tests/scenarios/pipeline-fixed.json"

#define L_S       1.1   /* an admitted attempt, s */
#define RTT_S     0.1   /* of which the round trip */
#define REFUSAL_S 0.105 /* a 429: round trip + throttle_ms */
#define US        1e-6  /* summary.json times are to the microsecond */

/* Run `path` with the sets; OUT: its summary (caller deletes), or NULL. */
static cJSON *run_summary(const char *path, const char *const *sets, size_t n)
{
	char *dir = run_into(path, sets, n);
	if (!dir)
		return NULL;
	cJSON *s = summary_of(dir);
	if (s)
		check_conservation(s, path);
	rm_dir(dir);
	return s;
}

static const cJSON *client0(const cJSON *s, const char *obj)
{
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "clients"), 0);
	return cJSON_GetObjectItemCaseSensitive(c, obj);
}

static double field(const cJSON *s, const char *obj, const char *a, const char *b)
{
	return num(client0(s, obj), a, b);
}

/* makespan of a job of n requests, c at a time, from 2 s. */
static void job_case(int n, int c, double want_s)
{
	char sn[64], sc[64];
	snprintf(sn, sizeof sn, "clients[0].arrival.requests=%d", n);
	snprintf(sc, sizeof sc, "clients[0].arrival.concurrency=%d", c);
	const char *sets[] = {sn, sc};
	cJSON *s = run_summary(JOB, sets, 2);
	if (!s)
		return;
	const cJSON *job = client0(s, "job");
	CHECK_NEAR(num(job, "makespan_s", NULL), want_s, US);
	CHECK_I64(num(job, "succeeded", NULL), n);
	CHECK_I64(num(job, "failed", NULL), 0);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(job, "done")));
	CHECK_NEAR(num(job, "retry_wait_s", "max"), 0, 0);
	CHECK_I64(field(s, "requests", "offered", NULL), n);
	cJSON_Delete(s);
}

static void test_job_makespan_closed_form(void)
{
	const int cases[][2] = {{10, 3}, {1, 5}, {7, 7}, {100, 7}, {12, 1}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = cases[i][0], c = cases[i][1];
		job_case(n, c, ceil((double)n / c) * L_S);
	}
}

/* A job that outlives the run says so: not done, no makespan. */
static void test_job_unfinished(void)
{
	const char *sets[] = {"clients[0].arrival.requests=1000"};
	cJSON *s = run_summary(JOB, sets, 1);
	if (!s)
		return;
	const cJSON *job = client0(s, "job");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(job, "done")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(job, "makespan_s")));
	/* 98 s from 2 s: 89 rounds of 3 ended (89 x 1.1 = 97.9), 3 out */
	CHECK_I64(num(job, "succeeded", NULL), 89 * 3);
	CHECK_I64(num(job, "started", NULL), 90 * 3);
	CHECK_I64(num(job, "unfinished", NULL), 1000 - 89 * 3);
	cJSON_Delete(s);
}

/* A job of a trace's rows (tests/scenarios/job-rows.csv: 5 rows of 5, 10,
 * 15, 20 and 25 output tokens, so 1.1, 1.6, 2.1, 2.6 and 3.1 s), 2 at a
 * time, each row once and in order: rows 0 and 1 at 0, row 2 at 1.1 (ends
 * 3.2), row 3 at 1.6 (ends 4.2), row 4 at 3.2 (ends 6.3). */
static void test_job_of_trace_rows(void)
{
	const char *sets[] = {("clients[0].arrival={\"process\":\"job\",\"concurrency\":2,"
	                       "\"file\":\"tests/scenarios/job-rows.csv\"}"),
	                      "clients[0].prompt_tokens={\"dist\":\"trace\"}",
	                      "clients[0].output_tokens={\"dist\":\"trace\"}",
	                      "clients[0].max_tokens={\"policy\":\"absent\"}"};
	cJSON *s = run_summary(JOB, sets, 4);
	if (!s)
		return;
	const cJSON *job = client0(s, "job");
	CHECK_I64(num(job, "requests", NULL), 5);
	CHECK_I64(num(job, "succeeded", NULL), 5);
	CHECK_NEAR(num(job, "makespan_s", NULL), 6.3, US);
	CHECK_I64(field(s, "throughput", "output_tokens", NULL), 5 + 10 + 15 + 20 + 25);
	cJSON_Delete(s);
}

/* Retries: RPM 1 per second refuses all but one of each instant's three; an
 * exponential policy without jitter waits 0.5, 1, 2 s.  Whatever happens,
 * each request holds its place: succeeded + failed = requests. */
static void test_job_with_retries(void)
{
	const char *sets[] = {"deployments[0].tpm=10000", "deployments[0].rpm_window_s=1",
	                      ("clients[0].retry={\"policy\":\"exponential\",\"jitter\":\"none\","
	                       "\"retry_after\":\"ignore\",\"max_retries\":3}")};
	cJSON *s = run_summary(JOB, sets, 3);
	if (!s)
		return;
	const cJSON *job = client0(s, "job");
	CHECK_I64(num(job, "succeeded", NULL) + num(job, "failed", NULL), 10);
	CHECK_I64(num(job, "failed", NULL), field(s, "requests", "failed", NULL));
	CHECK(num(job, "retry_wait_s", "max") > 0);
	/* the first request went through at once; a later one waited >= 0.5 s */
	CHECK(num(job, "retry_wait_s", "max") >= 0.5 + REFUSAL_S - US);
	CHECK(num(job, "makespan_s", NULL) > ceil(10.0 / 3) * L_S);
	cJSON_Delete(s);
}

/* at_once: exactly N first attempts, all at start_s. */
static void test_at_once_sends_n_at_one_instant(void)
{
	const char *sets[] = {"clients[0].arrival={\"process\":\"at_once\",\"requests\":25,"
	                      "\"start_s\":7.5}"};
	char *dir = run_into_log(JOB, sets, 1, true);
	if (!dir)
		return;
	char path[600];
	snprintf(path, sizeof path, "%s/requests.csv", dir);
	FILE *f = fopen(path, "r");
	char line[1024], header[1024];
	int firsts = 0, at_start = 0;
	if (f && fgets(header, sizeof header, f)) {
		int ct = csv_col(header, "time_s"), ca = csv_col(header, "attempt");
		while (fgets(line, sizeof line, f)) {
			if (csv_num(line, ca) != 1)
				continue;
			firsts++;
			at_start += csv_num(line, ct) == 7.5;
		}
	} else {
		TH_FAIL("cannot read %s", path);
	}
	if (f)
		fclose(f);
	CHECK_I64(firsts, 25);
	CHECK_I64(at_start, 25);
	cJSON *s = summary_of(dir);
	/* RPM 100 per 10 s admits all 25; each takes L from 7.5 s */
	CHECK_NEAR(num(client0(s, "job"), "makespan_s", NULL), L_S, US);
	CHECK_I64(field(s, "job", "started", NULL), 25);
	cJSON_Delete(s);
	rm_dir(dir);
}

/* A herd of 10 behind the client's own cap of 3 attempts (throttle.h):
 * the same rounds as a job of concurrency 3; the last three waited in the
 * client's queue for 3 rounds, which their wait before the last attempt
 * includes. */
static void test_at_once_behind_client_cap(void)
{
	const char *sets[] = {
	    "clients[0].arrival={\"process\":\"at_once\",\"requests\":10,\"start_s\":2}",
	    "clients[0].concurrency={\"max_in_flight\":3}"};
	cJSON *s = run_summary(JOB, sets, 2);
	if (!s)
		return;
	const cJSON *job = client0(s, "job");
	CHECK_NEAR(num(job, "makespan_s", NULL), 4 * L_S, US);
	CHECK_NEAR(num(job, "retry_wait_s", "max"), 3 * L_S, US);
	CHECK_NEAR(num(job, "retry_wait_s", "p50"), L_S, 0.01 * L_S); /* 1% histogram bins */
	CHECK_NEAR(num(job, "retry_wait_s", "mean"), (3 * 1 + 3 * 2 + 3) * L_S / 10, 0.01 * L_S);
	cJSON_Delete(s);
}

/* The pipeline with deadline d: OUT: its figures' object (in *s). */
static const cJSON *pipeline_with(const char *deadline, cJSON **s)
{
	char set[64];
	snprintf(set, sizeof set, "clients[0].pipeline.deadline_s=%s", deadline);
	const char *sets[] = {set};
	*s = run_summary(PIPE, sets, 1);
	return *s ? client0(*s, "pipeline") : NULL;
}

static void test_pipeline_deadline_hand_worked(void)
{
	cJSON *s;
	const cJSON *p = pipeline_with("4.5", &s); /* ends at 4.4: in time */
	if (p) {
		CHECK_I64(num(p, "succeeded", NULL), 1);
		CHECK_I64(num(p, "failed_deadline", NULL), 0);
		CHECK_NEAR(num(p, "latency_s", "max"), 4 * L_S, US);
		CHECK_NEAR(num(p, "success_rate", NULL), 1, 0);
	}
	cJSON_Delete(s);
	p = pipeline_with("4.4", &s); /* the last call ends on the deadline: late */
	if (p) {
		CHECK_I64(num(p, "succeeded", NULL), 0);
		CHECK_I64(num(p, "failed_deadline", NULL), 1);
		CHECK_NEAR(num(client0(s, "job"), "makespan_s", NULL), 4.4, US);
	}
	cJSON_Delete(s);
	p = pipeline_with("3.3", &s); /* fails before its sixth call starts */
	if (p) {
		CHECK_I64(num(p, "failed_deadline", NULL), 1);
		CHECK_I64(field(s, "requests", "offered", NULL), 5);
	}
	cJSON_Delete(s);
	p = pipeline_with("3.4", &s); /* the sixth call started at 3.3 runs on */
	if (p) {
		CHECK_I64(num(p, "failed_deadline", NULL), 1);
		CHECK_I64(field(s, "requests", "offered", NULL), 6);
		CHECK_I64(field(s, "requests", "succeeded", NULL), 6);
	}
	cJSON_Delete(s);
}

/* The second call is refused (RPM 60 over 1 s windows: one call a second)
 * and not retried: the pipeline fails by a final 429 when its answer
 * arrives; the third call never starts, the first two succeed. */
static void test_pipeline_fails_on_final_429(void)
{
	const char *sets[] = {"deployments[0].tpm=10000"};
	cJSON *s = run_summary(PIPE, sets, 1);
	if (!s)
		return;
	const cJSON *p = client0(s, "pipeline");
	CHECK_I64(num(p, "failed_429", NULL), 1);
	CHECK_I64(num(p, "failed_deadline", NULL), 0);
	CHECK_I64(num(p, "succeeded", NULL), 0);
	CHECK_NEAR(num(client0(s, "job"), "makespan_s", NULL), L_S + REFUSAL_S, US);
	CHECK_I64(field(s, "requests", "offered", NULL), 3);
	CHECK_I64(field(s, "requests", "failed", NULL), 1);
	const cJSON *h0 =
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "by_hour_of_day"), 0);
	CHECK_I64(num(h0, "started", NULL), 1);
	CHECK_I64(num(h0, "failed", NULL), 1);
	cJSON_Delete(s);
}

/* A job of pipelines: 3 documents one at a time, each the 4.4 s pipeline;
 * then 5 two at a time: ceil(5 / 2) rounds. */
static void test_job_of_pipelines(void)
{
	const char *one[] = {"clients[0].arrival={\"process\":\"job\",\"requests\":3,"
	                     "\"concurrency\":1}"};
	cJSON *s = run_summary(PIPE, one, 1);
	if (s) {
		CHECK_NEAR(num(client0(s, "job"), "makespan_s", NULL), 3 * 4 * L_S, US);
		CHECK_I64(num(client0(s, "pipeline"), "succeeded", NULL), 3);
		CHECK_I64(field(s, "requests", "offered", NULL), 3 * 6);
	}
	cJSON_Delete(s);
	const char *two[] = {"clients[0].arrival={\"process\":\"job\",\"requests\":5,"
	                     "\"concurrency\":2}"};
	s = run_summary(PIPE, two, 1);
	if (s) {
		CHECK_NEAR(num(client0(s, "job"), "makespan_s", NULL), 3 * 4 * L_S, US);
		CHECK_I64(num(client0(s, "job"), "succeeded", NULL), 5);
	}
	cJSON_Delete(s);
}

/* A job of 10, 3 at a time from `start` under latency_daily `ld`. */
static double makespan_at(const char *start, const char *ld)
{
	char s1[64], s2[512];
	snprintf(s1, sizeof s1, "clients[0].arrival.start_s=%s", start);
	snprintf(s2, sizeof s2, "deployments[0].latency_daily=%s", ld);
	const char *sets[] = {"duration_s=90000", "bucket_s=3600", s1, s2};
	cJSON *s = run_summary(JOB, sets, 4);
	double m = s ? num(client0(s, "job"), "makespan_s", NULL) : NAN;
	cJSON_Delete(s);
	return m;
}

#define BY_HOUR_9 "{\"by_hour\":[1,1,1,1,1,1,1,1,1,2.5,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}"
#define COSINE    "{\"amplitude\":1.5,\"peak_at_s\":32400}"

static void test_latency_daily_at_scheduled_hours(void)
{
	double rounds = ceil(10.0 / 3);
	CHECK_NEAR(makespan_at("32400", BY_HOUR_9), rounds * (RTT_S + 2.5), US); /* 09:00 */
	CHECK_NEAR(makespan_at("28800", BY_HOUR_9), rounds * L_S, US);           /* 08:00 */
	CHECK_NEAR(makespan_at("39600", BY_HOUR_9), rounds * L_S, US);           /* 11:00 */
	CHECK_NEAR(makespan_at("32400", COSINE), rounds * (RTT_S + 2.5), US);    /* peak */
	CHECK_NEAR(makespan_at("75600", COSINE), rounds * L_S, US);              /* trough */
	/* the hour of each attempt's admission: from 08:59:57.8, two rounds at
	 * 08:xx (1.1 s each) and two at 09:00:00 and later (2.6 s each) */
	CHECK_NEAR(makespan_at("32397.8", BY_HOUR_9), 2 * L_S + 2 * (RTT_S + 2.5), US);
}

static void test_latency_daily_factor(void)
{
	rs_latency_daily_cfg c = {.mode = RS_LATENCY_DAILY_BY_HOUR};
	for (int h = 0; h < RS_HOURS_PER_DAY; h++)
		c.by_hour[h] = h + 1;
	rs_time hour = 3600 * RS_US_PER_S, day = 24 * hour;
	CHECK_NEAR(rs_latency_daily_factor(&c, 9 * hour), 10, 0);
	CHECK_NEAR(rs_latency_daily_factor(&c, 9 * hour - 1), 9, 0);
	CHECK_NEAR(rs_latency_daily_factor(&c, day + 9 * hour), 10, 0); /* the day repeats */
	CHECK_NEAR(rs_latency_daily_factor(&c, day - 1), 24, 0);
	rs_latency_daily_cfg off = {.mode = RS_LATENCY_DAILY_OFF};
	CHECK_NEAR(rs_latency_daily_factor(&off, 9 * hour), 1, 0);
	rs_latency_daily_cfg cos = {
	    .mode = RS_LATENCY_DAILY_COSINE, .amplitude = 2, .peak_at_s = 0};
	CHECK_NEAR(rs_latency_daily_factor(&cos, 0), 3, 1e-12);
	CHECK_NEAR(rs_latency_daily_factor(&cos, 6 * hour), 2, 1e-12);
	CHECK_NEAR(rs_latency_daily_factor(&cos, 12 * hour), 1, 1e-12);
	rs_latency_params p = {.rtt_ms = 100,
	                       .ttft_base_ms = 500,
	                       .ttft_per_1k_prompt_ms = 20,
	                       .tokens_per_s = 10,
	                       .throttle_ms = 5};
	rs_latency_daily_apply(&c, 9 * hour, &p);
	CHECK_NEAR(p.rtt_ms, 100, 0);
	CHECK_NEAR(p.throttle_ms, 5, 0);
	CHECK_NEAR(p.ttft_base_ms, 5000, 1e-9);
	CHECK_NEAR(p.ttft_per_1k_prompt_ms, 200, 1e-9);
	CHECK_NEAR(p.tokens_per_s, 1, 1e-12);
}

/* ---- bad input ------------------------------------------------------------ */

static void load_fails(const char *path, const char *set, const char *want)
{
	const char *sets[] = {set};
	rs_config *cfg = NULL;
	rs_error err = {0};
	rs_status st = rs_scenario_load(path, sets, 1, &cfg, &err);
	CHECK_I64(st, RS_ERR_INVALID);
	CHECK_STR(err.msg, want);
	rs_config_free(cfg);
}

static void test_bad_input(void)
{
	load_fails(JOB, "clients[0].arrival.requests=0",
	           JOB ": .clients[0].arrival.requests: must be >= 1 (got 0)");
	load_fails(JOB, "clients[0].arrival.requests=2.5",
	           JOB ": .clients[0].arrival.requests: must be a whole number (got 2.5)");
	load_fails(JOB, "clients[0].arrival.requests=2000000000",
	           JOB
	           ": .clients[0].arrival.requests: must be at most 1000000000 (got 2000000000)");
	load_fails(JOB, "clients[0].arrival.concurrency=0",
	           JOB ": .clients[0].arrival.concurrency: must be >= 1 (got 0)");
	load_fails(JOB, "clients[0].arrival.start_s=-1",
	           JOB ": .clients[0].arrival.start_s: must be >= 0 (got -1)");
	load_fails(JOB, "clients[0].arrival={\"process\":\"job\",\"requests\":5}",
	           JOB ": .clients[0].arrival.concurrency: required key is missing");
	load_fails(JOB, "clients[0].arrival={\"process\":\"job\",\"concurrency\":2}",
	           JOB ": .clients[0].arrival: a job takes \"requests\" or \"file\" (one request a "
	               "row)");
	load_fails(JOB,
	           "clients[0].arrival={\"process\":\"job\",\"concurrency\":2,\"requests\":3,"
	           "\"file\":\"tests/scenarios/job-rows.csv\"}",
	           JOB ": .clients[0].arrival: a job takes \"requests\" or \"file\" (one request a "
	               "row), not both");
	load_fails(PIPE,
	           "clients[0].arrival={\"process\":\"job\",\"concurrency\":2,"
	           "\"file\":\"tests/scenarios/job-rows.csv\"}",
	           PIPE
	           ": .clients[0].pipeline: not with this client's arrival: a trace row is one "
	           "request, and a pipeline makes several calls");
	load_fails(JOB,
	           "clients[0].arrival={\"process\":\"at_once\",\"requests\":5,\"concurrency\":2}",
	           JOB ": .clients[0].arrival.concurrency: not used when process is \"at_once\"; "
	               "only a job caps how many of its requests are out at once");
	load_fails(JOB, "clients[0].arrival={\"process\":\"at_once\",\"requests\":2000000}",
	           JOB ": .clients[0].arrival.requests: must be <= 1000000 for an at_once "
	               "arrival, whose requests are all in memory at once (got 2000000)");
	load_fails(JOB,
	           "clients[0].arrival={\"process\":\"poisson\",\"rate_rps\":1,\"requests\":5}",
	           JOB ": .clients[0].arrival.requests: not used when process is \"poisson\"; "
	               "only job and at_once arrivals send a fixed number of requests");
	load_fails(PIPE, "clients[0].pipeline.steps=[]",
	           PIPE ": .clients[0].pipeline.steps: needs at least one step");
	load_fails(PIPE, "clients[0].pipeline.steps[1].parallelism=6",
	           PIPE
	           ": .clients[0].pipeline.steps[1].parallelism: must be <= calls (5) (got 6)");
	load_fails(PIPE, "clients[0].pipeline.steps[1].calls=0",
	           PIPE ": .clients[0].pipeline.steps[1].calls: must be >= 1 (got 0)");
	load_fails(PIPE, "clients[0].pipeline.steps[0].call=2",
	           PIPE
	           ": .clients[0].pipeline.steps[0].call: unknown key; did you mean \"calls\"?");
	load_fails(PIPE, "clients[0].pipeline.deadline_s=-3",
	           PIPE ": .clients[0].pipeline.deadline_s: must be >= 0 (got -3)");
	load_fails(PIPE, "clients[0].pipeline.steps=3",
	           PIPE ": .clients[0].pipeline.steps: must be an array (got number 3)");
	load_fails(PIPE, "clients[0].pipeline={\"deadline_s\":5}",
	           PIPE ": .clients[0].pipeline.steps: required key is missing");
	load_fails(PIPE, "clients[0].arrival={\"process\":\"closed\",\"users\":2}",
	           PIPE ": .clients[0].pipeline: not with this client's arrival: closed-loop "
	                "users send their next request when a request ends, not a pipeline; "
	                "use a job arrival");
	load_fails(JOB, "deployments[0].latency_daily={\"by_hour\":[1,2]}",
	           JOB ": .deployments[0].latency_daily.by_hour: must hold 24 multipliers, one "
	               "per hour (got 2)");
	load_fails(JOB,
	           "deployments[0].latency_daily={\"by_hour\":[1,1,1,1,1,1,1,1,1,0,1,1,1,1,1,"
	           "1,1,1,1,1,1,1,1,1]}",
	           JOB ": .deployments[0].latency_daily.by_hour[9]: must be > 0 (got 0)");
	load_fails(JOB, "deployments[0].latency_daily={}",
	           JOB ": .deployments[0].latency_daily: needs \"by_hour\" or \"amplitude\"");
	load_fails(JOB, "deployments[0].latency_daily={\"amplitude\":1,\"by_hour\":[1]}",
	           JOB ": .deployments[0].latency_daily: needs \"by_hour\" or \"amplitude\", not "
	               "both");
	load_fails(JOB, "deployments[0].latency_daily={\"amplitude\":101}",
	           JOB ": .deployments[0].latency_daily.amplitude: must be at most 100 (got 101)");
	load_fails(JOB, "deployments[0].latency_daily={\"amplitude\":1,\"peak_at_s\":90000}",
	           JOB
	           ": .deployments[0].latency_daily.peak_at_s: must be at most 86400 (got 90000)");
	load_fails(JOB, "deployments[0].latency_daily=2",
	           JOB ": .deployments[0].latency_daily: must be an object (got number 2)");
}

int main(void)
{
	RUN(test_job_makespan_closed_form);
	RUN(test_job_unfinished);
	RUN(test_job_of_trace_rows);
	RUN(test_job_with_retries);
	RUN(test_at_once_sends_n_at_one_instant);
	RUN(test_at_once_behind_client_cap);
	RUN(test_pipeline_deadline_hand_worked);
	RUN(test_pipeline_fails_on_final_429);
	RUN(test_job_of_pipelines);
	RUN(test_latency_daily_at_scheduled_hours);
	RUN(test_latency_daily_factor);
	RUN(test_bad_input);
	return th_done();
}
