/*
 * test_topology.c - routers, the retry family, closed-loop clients and
 * faults in whole runs (ratesim issue 4), each against an independent
 * truth: exact counts, closed forms (Little's law, K x accepts), and the
 * attempt log read back to check what the router may and may not do.
 */
#include "run_helpers.h"

#include <gsl/gsl_errno.h>

static const cJSON *array_item_named(const cJSON *s, const char *array, const char *name)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(s, array))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
			return it;
	}
	return NULL;
}

static cJSON *run_summary(const char *path, const char *const *sets, size_t n, char **dir_out)
{
	char *dir = run_into_log(path, sets, n, dir_out != NULL);
	cJSON *s = dir ? summary_of(dir) : NULL;
	if (s)
		check_conservation(s, path);
	if (dir_out)
		*dir_out = dir;
	else
		rm_dir(dir);
	return s;
}

static void test_amplification_is_exact(void)
{
	/* Every attempt is refused (the estimate alone exceeds the TPM), the
	 * client makes 1 + 4 attempts per request, and arrivals stop at 300 s
	 * so every request ends before 600 s: attempts = offered x 5 exactly. */
	cJSON *s = run_summary("tests/scenarios/refuse-all.json", NULL, 0, NULL);
	if (s) {
		double offered = num(s, "requests", "offered");
		CHECK(offered > 500);
		CHECK_I64(num(s, "attempts", "total"), offered * 5);
		CHECK_I64(num(s, "requests", "failed"), offered);
	}
	cJSON_Delete(s);
}

static void test_retry_ratio_bounds_attempts(void)
{
	/* With at most 10% of attempts in the window being retries, attempts
	 * stay within 1.1 x offered plus one window's rounding. */
	const char *sets[] = {"clients[0].retry.retry_ratio=0.1"};
	cJSON *s = run_summary("tests/scenarios/refuse-all.json", sets, 1, NULL);
	if (s) {
		double offered = num(s, "requests", "offered"),
		       attempts = num(s, "attempts", "total");
		printf("    offered %.0f, attempts %.0f (bound %.1f + 2)\n", offered, attempts,
		       1.1 * offered);
		CHECK(attempts <= 1.1 * offered + 2);
		CHECK(num(s, "attempts", "retries_denied") > 0);
	}
	cJSON_Delete(s);
}

static void test_adaptive_throttling_approaches_k_accepts(void)
{
	/* Demand about 8x capacity, K = 2: the attempts that reach the
	 * deployment approach K x the accepted ones (Google SRE book). */
	const char *sets[] = {"clients[0].retry.adaptive_k=2"};
	cJSON *s = run_summary("tests/scenarios/overload.json", sets, 1, NULL);
	if (s) {
		const cJSON *d =
		    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "deployments"), 0);
		double reached = num(d, "attempts", "total"), ok = num(d, "attempts", "ok");
		printf("    reached %.0f, accepted %.0f, ratio %.4f (K = 2)\n", reached, ok,
		       reached / ok);
		CHECK_NEAR(reached / ok, 2.0, 0.05);
		CHECK(num(s, "attempts", "rejected_locally") > 0);
	}
	cJSON_Delete(s);
}

static void test_round_robin_splits_evenly(void)
{
	/* 3 equal backends, constant arrivals, no 429: offered / 3 +- 1 each. */
	cJSON *s = run_summary("tests/scenarios/routers.json", NULL, 0, NULL);
	if (s) {
		double offered = num(s, "requests", "offered");
		const char *names[] = {"a", "b", "c"};
		for (int i = 0; i < 3; i++) {
			const cJSON *d = array_item_named(s, "deployments", names[i]);
			CHECK(d && fabs(num(d, "attempts", "total") - offered / 3) <= 1);
		}
		CHECK_NEAR(num(s, "rate_429", NULL), 0, 0);
	}
	cJSON_Delete(s);
}

typedef struct log_row {
	double t;
	char dep[16];
	int status;
	double retry_after_ms;
} log_row;

/* requests.csv rows (time_s, ..., deployment, status, ..., retry_after_ms). */
static log_row *read_log(const char *dir, size_t *n)
{
	char path[512], line[512];
	snprintf(path, sizeof path, "%s/requests.csv", dir);
	FILE *f = fopen(path, "r");
	size_t cap = 4096;
	log_row *rows = malloc(cap * sizeof *rows);
	*n = 0;
	if (!f || !rows || !fgets(line, sizeof line, f)) {
		if (f)
			fclose(f);
		return rows;
	}
	while (fgets(line, sizeof line, f)) {
		if (*n == cap) {
			cap *= 2;
			rows = realloc(rows, cap * sizeof *rows);
		}
		log_row *r = &rows[*n];
		char client[64];
		unsigned long long id;
		int attempt;
		if (sscanf(line, "%lf,%llu,%d,%63[^,],%15[^,],%d", &r->t, &id, &attempt, client,
		           r->dep, &r->status) != 6)
			continue;
		r->retry_after_ms = csv_num(line, 9);
		(*n)++;
	}
	fclose(f);
	return rows;
}

static void test_priority_uses_second_only_while_first_refuses(void)
{
	/* Priority routing at twice the first backend's RPM: the second
	 * backend is sent an attempt only at the instant the first refuses or
	 * while the first cools down, and no attempt reaches the first before
	 * its retry-after-ms has passed. */
	const char *sets[] = {"routers[0].strategy=\"priority\"", "clients[0].arrival.rate_rps=30",
	                      "duration_s=300"};
	char *dir = NULL;
	cJSON *s = run_summary("tests/scenarios/routers.json", sets, 3, &dir);
	size_t n = 0;
	log_row *rows = dir ? read_log(dir, &n) : NULL;
	double cool_until = -1, last_429 = -1;
	int early = 0, b_outside = 0, b_rows = 0, a_429 = 0;
	for (size_t i = 0; i < n; i++) {
		log_row *r = &rows[i];
		if (!strcmp(r->dep, "a")) {
			if (r->t < cool_until - 1e-9)
				early++;
			if (r->status == 429) {
				a_429++;
				last_429 = r->t;
				cool_until = r->t + r->retry_after_ms / 1000.0;
			}
		} else if (!strcmp(r->dep, "b")) {
			b_rows++;
			if (!(r->t == last_429 || r->t < cool_until))
				b_outside++;
		}
	}
	printf("    %zu attempts logged: a refused %d, b saw %d\n", n, a_429, b_rows);
	CHECK(n > 1000 && a_429 > 0 && b_rows > 0);
	CHECK_I64(early, 0);
	CHECK_I64(b_outside, 0);
	free(rows);
	cJSON_Delete(s);
	rm_dir(dir);
}

static void test_closed_loop_follows_littles_law(void)
{
	/* X = N / (R + Z): 20 users, think 3 s, R the mean latency. */
	cJSON *s = run_summary("tests/scenarios/closed-loop.json", NULL, 0, NULL);
	if (s) {
		double r_s = num(s, "latency_ms", "mean") / 1000.0;
		double x = num(s, "throughput", "requests_per_min") / 60.0;
		double want = 20.0 / (r_s + 3.0);
		printf("    throughput %.4f/s, Little's law %.4f/s\n", x, want);
		CHECK_NEAR(x / want, 1.0, 0.02);
		CHECK_NEAR(num(s, "rate_429", NULL), 0, 0);
	}
	cJSON_Delete(s);
}

static void test_region_outage_moves_traffic(void)
{
	/* eastus answers 503 from 600 s to 1200 s; the breaker (3 failures in
	 * 10 s, open 30 s) lets at most 3 attempts a period reach it, the router
	 * retries them elsewhere, and no request fails. */
	cJSON *s = run_summary("tests/scenarios/outage.json", NULL, 0, NULL);
	if (s) {
		const cJSON *east = array_item_named(s, "deployments", "eastus");
		double errors = num(east, "attempts", "error");
		double periods = 600.0 / 30.0 + 1;
		printf("    errors at eastus %.0f (at most %.0f), router retries %.0f\n", errors,
		       3 * periods, num(s, "attempts", "router_retries"));
		CHECK(errors > 0 && errors <= 3 * periods);
		CHECK_I64(num(s, "attempts", "router_retries"), errors);
		CHECK_I64(num(s, "requests", "failed"), 0);
	}
	cJSON_Delete(s);
}

static void test_timeouts_still_correct_the_meter(void)
{
	/* A per-attempt timeout shorter than every answer on a PTU deployment:
	 * every attempt is abandoned, yet each completes on the service and is
	 * corrected, so the meter's actual tokens match what was charged. */
	const char *sets[] = {"clients[2].retry.attempt_timeout_s=0.5", "duration_s=1200"};
	cJSON *s = run_summary("scenarios/ptu-max-tokens.json", sets, 2, NULL);
	if (s) {
		const cJSON *c = array_item_named(s, "clients", "app-absent");
		const cJSON *d = array_item_named(s, "deployments", "ptu-absent");
		const cJSON *mt = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(d, "provisioned"), "meter_tokens");
		CHECK(num(c, "attempts", "timeouts") > 0);
		CHECK_I64(num(c, "requests", "succeeded"), 0);
		CHECK(num(mt, "actual", NULL) > 0);
		CHECK(num(mt, "corrections", NULL) < 0);
	}
	cJSON_Delete(s);
}

int main(void)
{
	gsl_set_error_handler_off();
	RUN(test_amplification_is_exact);
	RUN(test_retry_ratio_bounds_attempts);
	RUN(test_adaptive_throttling_approaches_k_accepts);
	RUN(test_round_robin_splits_evenly);
	RUN(test_priority_uses_second_only_while_first_refuses);
	RUN(test_closed_loop_follows_littles_law);
	RUN(test_region_outage_moves_traffic);
	RUN(test_timeouts_still_correct_the_meter);
	return th_done();
}
