/*
 * test_gateway.c - a router's own quotas (sim/gateway.c, world_gateway.c;
 * issue 9 part 3) and the split of the 429s by who refused.
 *
 * The counters are walked by hand (the working is in the comment above
 * each block): the overshoot under concurrency (limit 1000 TPM, three
 * attempts admitted at 900 because their tokens count only when they
 * complete, the fourth refused with the time to the next minute), the
 * prompt estimate, requests per minute, groups, several limits, and the
 * undo of a held attempt.  Then whole runs: a request limit worked by hand
 * end to end (the gateway's retry-after reaches the client's policy), the
 * overshoot in a run, and the conservation of the split (service + gateway
 * + router = throttled, client = rejected_locally) in every scope of every
 * shipped scenario and of noisy-neighbour's variant with limits.
 */
#include "run_helpers.h"
#include "ratesim/chart.h"
#include "ratesim/gateway.h"

#include <gsl/gsl_errno.h>

#define S(x) ((rs_time)((x)*1000000.0 + 0.5)) /* seconds of simulated time */

static rs_consumer_limit_cfg tokens_limit(double tpm, bool estimate)
{
	return (rs_consumer_limit_cfg){.key = RS_CONSUMER_CLIENT,
	                               .tokens_per_minute = tpm,
	                               .estimate_prompt_tokens = estimate};
}

/* Limit 1000 TPM, tokens counted at completion.
 *   t=0    admit A (counter 0 < 1000); A completes at 1 s: 600 + 300 = 900
 *   t=2    admit B, C, D: 900 < 1000 each time (nothing is counted yet)
 *   t=10   B, C, D complete, 100 + 100 each: 900 + 600 = 1500
 *   t=11   E refused: 1500 >= 1000; retry-after = 60 - 11 = 49 s = 49000 ms
 *   t=11.2 F refused: 48.8 s left, rounded up to 49 s
 *   t=60   a new minute: G admitted, the counter starts again at 0 */
static void test_overshoot_under_concurrency(void)
{
	rs_consumer_limit_cfg l = tokens_limit(1000, false);
	rs_gateway *g = rs_gateway_new(&l, 1, 2);
	int64_t ra = -1;
	double tok, req;
	CHECK(rs_gateway_admit(g, S(0), 0, 600, &ra));
	rs_gateway_complete(g, S(1), 0, 600, 300);
	rs_gateway_counter(g, 0, S(1), 0, &tok, &req);
	CHECK_NEAR(tok, 900, 0);
	CHECK_NEAR(req, 1, 0);
	for (int i = 0; i < 3; i++)
		CHECK(rs_gateway_admit(g, S(2), 0, 100, &ra));
	for (int i = 0; i < 3; i++)
		rs_gateway_complete(g, S(10), 0, 100, 100);
	rs_gateway_counter(g, 0, S(10), 0, &tok, &req);
	CHECK_NEAR(tok, 1500, 0); /* 50% past the limit */
	CHECK_NEAR(req, 4, 0);
	CHECK(!rs_gateway_admit(g, S(11), 0, 100, &ra));
	CHECK_I64(ra, 49000);
	CHECK(!rs_gateway_admit(g, S(11.2), 0, 100, &ra));
	CHECK_I64(ra, 49000);
	rs_gateway_counter(g, 0, S(11.2), 0, &tok, &req);
	CHECK_NEAR(req, 4, 0); /* refusals are not counted */
	/* the other client has its own counter */
	CHECK(rs_gateway_admit(g, S(12), 1, 100, &ra));
	CHECK(rs_gateway_admit(g, S(60), 0, 100, &ra));
	rs_gateway_counter(g, 0, S(60), 0, &tok, &req);
	CHECK_NEAR(tok, 0, 0);
	CHECK_NEAR(req, 1, 0);
	rs_gateway_free(g);
}

/* Limit 1000 TPM with the prompt estimated at admission:
 *   t=0  A prompt 600: 0 + 600 <= 1000, admitted, counter 600
 *   t=1  B prompt 500: 600 + 500 > 1000, refused (59 s to the minute)
 *   t=1  C prompt 400: 600 + 400 = 1000, admitted (not above), counter 1000
 *   t=5  A completes with 300 output tokens: only they are added, 1300
 *   t=59.5 D prompt 1: refused, retry-after 0.5 s rounded up to 1 s */
static void test_prompt_estimate(void)
{
	rs_consumer_limit_cfg l = tokens_limit(1000, true);
	rs_gateway *g = rs_gateway_new(&l, 1, 1);
	int64_t ra = -1;
	double tok, req;
	CHECK(rs_gateway_admit(g, S(0), 0, 600, &ra));
	CHECK(!rs_gateway_admit(g, S(1), 0, 500, &ra));
	CHECK_I64(ra, 59000);
	CHECK(rs_gateway_admit(g, S(1), 0, 400, &ra));
	rs_gateway_complete(g, S(5), 0, 600, 300);
	rs_gateway_counter(g, 0, S(5), 0, &tok, &req);
	CHECK_NEAR(tok, 1300, 0);
	CHECK_NEAR(req, 2, 0);
	CHECK(!rs_gateway_admit(g, S(59.5), 0, 1, &ra));
	CHECK_I64(ra, 1000);
	rs_gateway_free(g);
}

/* 2 requests per minute, no token limit: the third in a minute is refused
 * whatever its size; the next minute admits again.  Undo (a held attempt)
 * gives its place back. */
static void test_requests_per_minute_and_undo(void)
{
	rs_consumer_limit_cfg l = {.key = RS_CONSUMER_CLIENT, .requests_per_minute = 2};
	rs_gateway *g = rs_gateway_new(&l, 1, 1);
	int64_t ra = -1;
	CHECK(rs_gateway_admit(g, S(0), 0, 1000000, &ra));
	CHECK(rs_gateway_admit(g, S(30), 0, 1, &ra));
	CHECK(!rs_gateway_admit(g, S(30), 0, 1, &ra));
	CHECK_I64(ra, 30000);
	rs_gateway_undo(g, S(30), 0, 1);
	CHECK(rs_gateway_admit(g, S(30), 0, 1, &ra));
	CHECK(!rs_gateway_admit(g, S(45), 0, 1, &ra));
	CHECK(rs_gateway_admit(g, S(60), 0, 1, &ra));
	rs_gateway_free(g);
}

/* Groups: clients 0 and 1 share team-a's counter of 1 request per minute;
 * client 2 is in no group and is never limited.  A second limit (per
 * client, 2 requests per minute) refuses client 2's third call, and a
 * refusal by one limit counts on none. */
static void test_groups_and_several_limits(void)
{
	int group_of[3] = {0, 0, -1};
	char *names[1] = {"team-a"};
	rs_consumer_limit_cfg l[2] = {
	    {.key = RS_CONSUMER_GROUP,
	     .requests_per_minute = 1,
	     .group_names = names,
	     .n_groups = 1,
	     .group_of = group_of,
	     .n_clients = 3},
	    {.key = RS_CONSUMER_CLIENT, .requests_per_minute = 2},
	};
	rs_gateway *g = rs_gateway_new(l, 2, 3);
	int64_t ra = -1;
	double tok, req;
	CHECK(rs_gateway_admit(g, S(0), 0, 10, &ra));
	CHECK(!rs_gateway_admit(g, S(1), 1, 10, &ra)); /* the team's one call is used */
	rs_gateway_counter(g, 1, S(1), 1, &tok, &req);
	CHECK_NEAR(req, 0, 0); /* the per-client limit did not count the refusal */
	CHECK(rs_gateway_admit(g, S(2), 2, 10, &ra));
	CHECK(rs_gateway_admit(g, S(3), 2, 10, &ra));
	CHECK(!rs_gateway_admit(g, S(4), 2, 10, &ra));
	rs_gateway_counter(g, 0, S(4), 2, &tok, &req);
	CHECK_NEAR(req, 0, 0); /* not in a group: no counter */
	rs_gateway_free(g);
}

/* ---- whole runs ----------------------------------------------------------- */

/* One client at 0.1 request/s (t = 0, 10, ..., 110) through a gateway of 3
 * requests per minute; the deployment has room for all.  The policy
 * retries once, after the retry-after.
 *   minute 0: 0, 10, 20 admitted; 30, 40, 50 refused by the gateway with
 *             retry-after 30, 20, 10 s: all three retry at exactly 60 s
 *   minute 1: at 60 the retries of 30 and 40, then the arrival of 60 (it
 *             was scheduled at 50, before 50's retry) take the 3 places;
 *             50's retry is refused (its last try: it fails), and so are
 *             the arrivals at 70..110, whose retries fall at 120 (the end)
 * Hence attempts 15 (12 + 3 retries), ok 6, 429s 9, all the gateway's;
 * succeeded 6 (2 after a 429), failed 1, in flight 5. */
static const char rpm_scenario[] =
    "{\"name\": \"gateway-rpm\", \"seed\": 1, \"duration_s\": 120,"
    " \"deployments\": [{\"name\": \"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\","
    " \"tpm\": 150000}],"
    " \"routers\": [{\"name\": \"apim\", \"strategy\": \"round_robin\","
    " \"backends\": [{\"target\": \"d\"}], \"consumer_limits\": [{\"requests_per_minute\": 3}]}],"
    " \"clients\": [{\"name\": \"c\", \"target\": \"apim\","
    " \"arrival\": {\"process\": \"constant\", \"rate_rps\": 0.1},"
    " \"prompt_tokens\": 100, \"output_tokens\": 10,"
    " \"retry\": {\"policy\": \"fixed\", \"delay_s\": 1, \"max_retries\": 1,"
    " \"retry_after\": \"honour\"}}]}";

static void test_run_request_limit_by_hand(void)
{
	char *tmp = th_tmpdir("rs_gw");
	th_write_in(tmp, "s.json", rpm_scenario);
	char path[256];
	snprintf(path, sizeof path, "%s/s.json", tmp);
	char *dir = run_into(path, NULL, 0);
	cJSON *s = dir ? summary_of(dir) : NULL;
	if (s) {
		CHECK_NEAR(num(s, "attempts", "total"), 15, 0);
		CHECK_NEAR(num(s, "attempts", "ok"), 6, 0);
		CHECK_NEAR(num(s, "attempts", "throttled"), 9, 0);
		CHECK_NEAR(num(s, "attempts", "retries"), 3, 0);
		const cJSON *by = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(s, "attempts"), "refused_by");
		CHECK_NEAR(num(by, "gateway", NULL), 9, 0);
		CHECK_NEAR(num(by, "service", NULL), 0, 0);
		CHECK_NEAR(num(s, "requests", "succeeded"), 6, 0);
		CHECK_NEAR(num(s, "requests", "succeeded_after_429"), 2, 0);
		CHECK_NEAR(num(s, "requests", "failed"), 1, 0);
		CHECK_NEAR(num(s, "requests", "in_flight_end"), 5, 0);
	}
	cJSON_Delete(s);
	rm_dir(dir);
	th_rmtree(tmp);
}

/* The overshoot in a run: 1000 TPM per client, tokens from the responses,
 * one request a second of 100 + 200 tokens, each taking seconds.  Taken
 * one at a time, the gateway would admit 4 in a minute (at 0, 300, 600
 * and 900 tokens counted); since the tokens of the attempts in flight are
 * not counted yet, more get in.  Once one is refused, every later one in
 * the minute is too (the counter only grows within a minute). */
static void test_run_overshoot(void)
{
	char *tmp = th_tmpdir("rs_gw");
	const char *text =
	    "{\"name\": \"gateway-tpm\", \"seed\": 1, \"duration_s\": 60,"
	    " \"deployments\": [{\"name\": \"d\", \"region\": \"eastus\", \"model\": \"gpt-4o\","
	    " \"tpm\": 150000}],"
	    " \"routers\": [{\"name\": \"apim\", \"strategy\": \"round_robin\","
	    " \"backends\": [{\"target\": \"d\"}],"
	    " \"consumer_limits\": [{\"tokens_per_minute\": 1000}]}],"
	    " \"clients\": [{\"name\": \"c\", \"target\": \"apim\","
	    " \"arrival\": {\"process\": \"constant\", \"rate_rps\": 1},"
	    " \"prompt_tokens\": 100, \"output_tokens\": 200}]}";
	th_write_in(tmp, "s.json", text);
	char path[256];
	snprintf(path, sizeof path, "%s/s.json", tmp);
	char *dir = run_into_log(path, NULL, 0, true);
	char *log = dir ? th_slurp_in(dir, "requests.csv") : NULL;
	cJSON *s = dir ? summary_of(dir) : NULL;
	if (log && s) {
		/* requests.csv has a row per attempt (first column: time, sixth:
		 * status); the gateway's refusals are rows of their own */
		int admitted = 0, refused = 0;
		double last_ok = -1;
		for (char *p = strchr(log, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
			const char *f = p + 1;
			for (int col = 0; col < 5 && f; col++)
				f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL;
			if (f && strncmp(f, "200,", 4) == 0) {
				admitted++;
				last_ok = atof(p + 1);
			} else if (f && strncmp(f, "429,", 4) == 0 &&
			           strstr(f, ",gateway,consumer_quota,")) {
				refused++;
			}
		}
		CHECK_NEAR(refused, 60 - admitted, 0); /* each refusal logged, by the gateway */
		double ok = num(s, "attempts", "ok");
		CHECK_NEAR(admitted, ok, 0);
		printf("    %.0f admitted in the minute: %.0f tokens for a limit of 1000\n", ok,
		       ok * 300);
		CHECK(ok > 4); /* the overshoot */
		CHECK(ok * 300 > 1000);
		/* no retries: every other arrival of the minute was refused */
		CHECK_NEAR(num(s, "attempts", "throttled"), 60 - ok, 0);
		CHECK_NEAR(last_ok, ok - 1, 0); /* the first ones, at 0, 1, ..., ok - 1 s */
	}
	free(log);
	cJSON_Delete(s);
	rm_dir(dir);
	th_rmtree(tmp);
}

/* service + gateway + router = throttled and client = rejected_locally
 * in the attempts object a. */
static void check_split(const cJSON *a, const char *what)
{
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(a, "refused_by");
	if (!by) {
		TH_FAIL("%s: no refused_by", what);
		return;
	}
	double sum = num(by, "service", NULL) + num(by, "gateway", NULL) + num(by, "router", NULL);
	if (sum != num(a, "throttled", NULL))
		TH_FAIL("%s: refused_by adds up to %.0f, throttled %.0f", what, sum,
		        num(a, "throttled", NULL));
	if (num(by, "client", NULL) != num(a, "rejected_locally", NULL))
		TH_FAIL("%s: refused_by.client %.0f, rejected_locally %.0f", what,
		        num(by, "client", NULL), num(a, "rejected_locally", NULL));
}

/* The split in every scope of summary.json, and in every row of
 * timeseries.csv (its refused_* columns against throttled). */
static void check_split_run(const char *dir, const char *what)
{
	cJSON *s = summary_of(dir);
	if (!s)
		return;
	check_split(cJSON_GetObjectItemCaseSensitive(s, "attempts"), what);
	const char *lists[] = {"deployments", "clients"};
	for (size_t k = 0; k < 2; k++) {
		const cJSON *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(s, lists[k]))
		    check_split(cJSON_GetObjectItemCaseSensitive(e, "attempts"), what);
	}
	cJSON_Delete(s);
	char *ts = th_slurp_in(dir, "timeseries.csv");
	if (!ts) {
		TH_FAIL("%s: no timeseries.csv", what);
		return;
	}
	char *nl = strchr(ts, '\n');
	if (nl)
		*nl = '\0';
	int thr = csv_col(ts, "throttled"), sv = csv_col(ts, "refused_service");
	int gw = csv_col(ts, "refused_gateway"), rt = csv_col(ts, "refused_router");
	CHECK(thr >= 0 && sv >= 0 && gw >= 0 && rt >= 0);
	int bad = 0;
	for (char *line = nl ? nl + 1 : NULL; line && *line; line = strchr(line, '\n') + 1) {
		if (csv_num(line, thr) != csv_num(line, sv) + csv_num(line, gw) + csv_num(line, rt))
			bad++;
		if (!strchr(line, '\n'))
			break;
	}
	if (bad)
		TH_FAIL("%s: %d timeseries rows whose split does not add up", what, bad);
	free(ts);
}

static void test_split_conserved_in_shipped_scenarios(void)
{
	DIR *d = opendir("scenarios");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") ||
		    !strcmp(e->d_name, "schema.json"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "scenarios/%s", e->d_name);
		char *dir = run_into(path, NULL, 0);
		if (dir) {
			check_split_run(dir, path);
			n++;
		}
		rm_dir(dir);
	}
	if (d)
		closedir(d);
	printf("    %d shipped scenarios checked\n", n);
	CHECK(n >= 2);
}

/* The 429 chart of a run in dir: split_n parties drawn, and in every row
 * of rate_429.dat (1 time, 2 the 429 rate, 3 failures, 4 the one
 * deployment's rate, 5-7 the split) the split adds up to the rate. */
static void check_chart_split(const char *dir, int want_split_n)
{
	char warning[256] = "";
	rs_error err = {0};
	rs_status st = rs_chart_render(dir, NULL, warning, sizeof warning, &err);
	CHECK_I64(st, RS_OK);
	CHECK(!warning[0] || strstr(warning, "gnuplot") != NULL); /* no gnuplot warning */
	char *gp = th_slurp_in(dir, "rate_429.gp"), *dat = th_slurp_in(dir, "rate_429.dat");
	char want[32];
	snprintf(want, sizeof want, "\nsplit_n = %d\n", want_split_n);
	CHECK(gp && strstr(gp, want));
	int rows = 0, bad = 0;
	for (char *line = dat; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (*line == '#')
			continue;
		double c[7];
		if (sscanf(line, "%lf %lf %lf %lf %lf %lf %lf", &c[0], &c[1], &c[2], &c[3], &c[4],
		           &c[5], &c[6]) != 7) {
			bad++;
			continue;
		}
		rows++;
		if (fabs(c[1] - (c[4] + c[5] + c[6])) > 1e-3) /* the rate has 6 digits */
			bad++;
	}
	CHECK(rows > 0);
	CHECK_I64(bad, 0);
	free(gp);
	free(dat);
}

/* noisy-neighbour.json's variants: without limits only the service
 * refuses; with per-team limits team A (the bursty batch) is refused by
 * the gateway and team B (the steady chat) sees far fewer 429s. */
static void test_noisy_neighbour_variants(void)
{
	const char *path = "scenarios/noisy-neighbour.json";
	char *text = th_slurp(path);
	cJSON *doc = text ? cJSON_Parse(text) : NULL;
	free(text);
	const cJSON *vars = cJSON_GetObjectItemCaseSensitive(doc, "variants");
	const cJSON *with = cJSON_GetArrayItem(vars, 1);
	const cJSON *set = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(with, "set"), 0);
	if (!cJSON_IsString(set)) {
		TH_FAIL("%s: no variants[1].set[0]", path);
		cJSON_Delete(doc);
		return;
	}
	const char *sets[] = {set->valuestring};
	char *shared = run_into(path, NULL, 0);
	char *limited = run_into(path, sets, 1);
	cJSON *a = shared ? summary_of(shared) : NULL, *b = limited ? summary_of(limited) : NULL;
	if (a && b) {
		check_split_run(limited, "noisy-neighbour with limits");
		const cJSON *ca = cJSON_GetObjectItemCaseSensitive(a, "clients");
		const cJSON *cb = cJSON_GetObjectItemCaseSensitive(b, "clients");
		double gw_a = 0, gw_b = 0;
		for (int i = 0; i < 2; i++) { /* the two team-a clients */
			const cJSON *by = cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cb, i), "attempts"),
			    "refused_by");
			gw_a += num(by, "gateway", NULL);
		}
		const cJSON *team_b_shared = cJSON_GetArrayItem(ca, 2);
		const cJSON *team_b_limited = cJSON_GetArrayItem(cb, 2);
		const cJSON *by = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(team_b_limited, "attempts"), "refused_by");
		gw_b = num(by, "gateway", NULL);
		CHECK(gw_a > 0);
		CHECK_NEAR(gw_b, 0, 0);
		const cJSON *by_shared = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(a, "attempts"), "refused_by");
		CHECK_NEAR(num(by_shared, "gateway", NULL), 0, 0);
		CHECK(num(by_shared, "service", NULL) > 0);
		double thr_shared = num(team_b_shared, "attempts", "throttled");
		double thr_limited = num(team_b_limited, "attempts", "throttled");
		printf("    team B's 429s: %.0f shared, %.0f with limits\n", thr_shared,
		       thr_limited);
		CHECK(thr_limited * 4 < thr_shared);
		CHECK(num(team_b_limited, "requests", "failed") <
		      num(team_b_shared, "requests", "failed"));
		check_chart_split(shared, 0);
		check_chart_split(limited, 2);
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
	rm_dir(shared);
	rm_dir(limited);
	cJSON_Delete(doc);
}

int main(void)
{
	gsl_set_error_handler_off();
	RUN(test_overshoot_under_concurrency);
	RUN(test_prompt_estimate);
	RUN(test_requests_per_minute_and_undo);
	RUN(test_groups_and_several_limits);
	RUN(test_run_request_limit_by_hand);
	RUN(test_run_overshoot);
	RUN(test_split_conserved_in_shipped_scenarios);
	RUN(test_noisy_neighbour_variants);
	return th_done();
}
