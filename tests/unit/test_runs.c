/*
 * test_runs.c - whole runs through the library, checked against independent
 * truth: closed forms, conservation, determinism and the real trace's size.
 *
 * Each run writes its outputs into a fresh temporary folder exactly as
 * `ratesim run` does, and the checks read summary.json back.
 */
#include "run_helpers.h"

#include <gsl/gsl_errno.h>

static void test_twice_rpm_refuses_half(void)
{
	/* RPM = 6 per 1000 TPM x 100,000 = 600, i.e. 100 per 10 s window;
	 * arrivals at 20/s = 200 per window: exactly half are refused. */
	char *dir = run_into("tests/scenarios/twice-rpm.json", NULL, 0);
	cJSON *s = dir ? summary_of(dir) : NULL;
	if (s) {
		CHECK_NEAR(num(s, "rate_429", NULL), 0.5, 0.005);
		CHECK_I64(num(s, "requests", "offered"), 72000);
		check_conservation(s, "twice-rpm");
	}
	cJSON_Delete(s);
	rm_dir(dir);
	/* the same with a 1 s fixed RPM window: 10 per second of 20 */
	const char *sets[] = {"deployments[0].rpm_window_s=1",
	                      "deployments[0].rpm_window=\"fixed\""};
	dir = run_into("tests/scenarios/twice-rpm.json", sets, 2);
	s = dir ? summary_of(dir) : NULL;
	if (s)
		CHECK_NEAR(num(s, "rate_429", NULL), 0.5, 0.005);
	cJSON_Delete(s);
	rm_dir(dir);
}

static void test_poisson_count_within_3_sigma(void)
{
	/* mean = 25/s x 2000 s = 50,000; sigma = sqrt(50,000) = 223.6 */
	for (int seed = 1; seed <= 3; seed++) {
		char set[32];
		snprintf(set, sizeof set, "seed=%d", seed);
		const char *sets[] = {set};
		char *dir = run_into("tests/scenarios/poisson.json", sets, 1);
		cJSON *s = dir ? summary_of(dir) : NULL;
		if (s) {
			CHECK_NEAR(num(s, "requests", "offered"), 50000, 3 * 223.61);
			CHECK_NEAR(num(s, "rate_429", NULL), 0, 0);
			check_conservation(s, "poisson");
		}
		cJSON_Delete(s);
		rm_dir(dir);
	}
}

static void test_determinism(void)
{
	const char *q = "scenarios/quickstart.json";
	char *a = run_into(q, NULL, 0);
	char *b = run_into(q, NULL, 0);
	const char *other[] = {"seed=43"};
	char *c = run_into(q, other, 1);
	if (a && b && c) {
		CHECK(same_file(a, b, "summary.json"));
		CHECK(same_file(a, b, "timeseries.csv"));
		CHECK(!same_file(a, c, "summary.json"));
		CHECK(!same_file(a, c, "timeseries.csv"));
	}
	rm_dir(a);
	rm_dir(b);
	rm_dir(c);
}

static void test_every_shipped_scenario_conserves(void)
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
		cJSON *s = dir ? summary_of(dir) : NULL;
		if (s) {
			check_conservation(s, path);
			n++;
		}
		cJSON_Delete(s);
		rm_dir(dir);
	}
	if (d)
		closedir(d);
	printf("    %d shipped scenarios checked\n", n);
	CHECK(n >= 2);
}

static void test_trace_replay_offers_every_row(void)
{
	/* AzureLLMInferenceTrace_conv.csv has 19,366 rows (traces/ATTRIBUTION.md) */
	char *dir = run_into("scenarios/trace-azure-conv.json", NULL, 0);
	cJSON *s = dir ? summary_of(dir) : NULL;
	if (s) {
		CHECK_I64(num(s, "requests", "offered"), 19366);
		check_conservation(s, "trace-azure-conv");
	}
	cJSON_Delete(s);
	rm_dir(dir);
}

static void test_spillover_takes_only_the_overflow(void)
{
	/* Every attempt the standard deployment sees is one the PTU refused in
	 * the same bucket (spillover is immediate), none while the PTU admits,
	 * and the client never sees a 429 the standard deployment could take. */
	const char *sets[] = {"duration_s=43200"};
	char *dir = run_into("scenarios/ptu-spillover.json", sets, 1);
	if (!dir)
		return;
	char path[512];
	snprintf(path, sizeof path, "%s/timeseries.csv", dir);
	FILE *f = fopen(path, "r");
	char line[4096], header[4096];
	CHECK(f && fgets(header, sizeof header, f));
	int c_att = csv_col(header, "attempts"), c_thr = csv_col(header, "throttled");
	int c_spill = csv_col(header, "spilled");
	double ptu_refused = 0, paygo_seen = 0;
	int buckets_with_spill = 0, mismatches = 0;
	double ptu_thr_bucket = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (strstr(line, ",deployment,ptu-gpt-4o,")) {
			ptu_thr_bucket = csv_num(line, c_thr);
			ptu_refused += ptu_thr_bucket;
		} else if (strstr(line, ",deployment,paygo-gpt-4o,")) {
			double att = csv_num(line, c_att);
			paygo_seen += att;
			if (att != ptu_thr_bucket || csv_num(line, c_spill) != att)
				mismatches++;
			buckets_with_spill += att > 0;
		}
	}
	if (f)
		fclose(f);
	CHECK_I64(mismatches, 0);
	CHECK(buckets_with_spill > 0);
	CHECK(paygo_seen > 0 && paygo_seen == ptu_refused);
	cJSON *s = summary_of(dir);
	if (s) {
		check_conservation(s, "ptu-spillover");
		CHECK_NEAR(num(s, "attempts", "spilled"), paygo_seen, 0);
	}
	cJSON_Delete(s);
	rm_dir(dir);
}

static double client_rate_429(const cJSON *s, const char *name)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(s, "clients"))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(c, "name");
		if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
			return num(c, "rate_429", NULL);
	}
	return NAN;
}

static void test_max_tokens_estimate_costs_429s(void)
{
	/* Same capacity, same load: the larger the estimate charged at
	 * admission, the more bursts meet a 429 (seed 003). */
	char *dir = run_into("scenarios/ptu-max-tokens.json", NULL, 0);
	cJSON *s = dir ? summary_of(dir) : NULL;
	if (s) {
		double exact = client_rate_429(s, "app-exact");
		double inflated = client_rate_429(s, "app-inflated-4x");
		double absent = client_rate_429(s, "app-absent");
		printf("    rate_429: exact %.4f, inflated 4x %.4f, absent %.4f\n", exact, inflated,
		       absent);
		CHECK(exact < inflated && inflated < absent);
		check_conservation(s, "ptu-max-tokens");
	}
	cJSON_Delete(s);
	rm_dir(dir);
}

int main(void)
{
	gsl_set_error_handler_off();
	RUN(test_twice_rpm_refuses_half);
	RUN(test_poisson_count_within_3_sigma);
	RUN(test_determinism);
	RUN(test_every_shipped_scenario_conserves);
	RUN(test_trace_replay_offers_every_row);
	RUN(test_spillover_takes_only_the_overflow);
	RUN(test_max_tokens_estimate_costs_429s);
	return th_done();
}
