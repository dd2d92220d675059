/*
 * test_decide.c - the decision layer against independent truth.
 *
 * - Seeds: rs_plan_seed against splitmix64 values computed outside ratesim
 *   (Python, from the published algorithm), distinct and below 10^15.
 * - Statistics: rs_stats_of against a hand-worked sample (mean, sample
 *   stdev, t(0.975, 4) = 2.776445 from tables).
 * - Coverage: 200 independent replicated runs (10 replications each) of a
 *   Poisson load whose offered count has a known mean (rate x duration):
 *   the 95% interval contains it in 95% +- 3% of them.
 * - Common random numbers: replication k of two scenarios that differ only
 *   in their deployment draws the same arrivals and request sizes (from
 *   requests.csv), and another seed draws others.
 * - Plans: job argv, jobs file quoting, plan.json round trip.
 */
#include "ratesim/aggregate.h"
#include "ratesim/plan.h"
#include "ratesim/scenario.h"
#include "ratesim/stats.h"
#include "ratesim/world.h"

#include <inttypes.h>

#include "harness.h"
#include "run_helpers.h"

#define COVERAGE_RUNS 200
#define COVERAGE_REPS 10
#define POISSON_RATE  25.0
#define POISSON_T     40.0

static void test_seeds(void)
{
	CHECK(rs_plan_seed(42, 1) == UINT64_C(798128018490698));
	CHECK(rs_plan_seed(42, 2) == UINT64_C(92213399105094));
	CHECK(rs_plan_seed(0, 1) == UINT64_C(472533636442495));
	for (size_t k = 1; k <= 1000; k++) {
		uint64_t s = rs_plan_seed(7, k);
		CHECK(s < UINT64_C(1000000000000000));
		for (size_t j = 1; j < k && j + 50 > k; j++)
			CHECK(rs_plan_seed(7, j) != s);
		/* neighbouring bases do not share seeds shifted by one */
		CHECK(rs_plan_seed(8, k) != rs_plan_seed(7, k + 1));
	}
}

static void test_stats(void)
{
	double x[] = {2, 4, 4, 5, NAN, 10};
	rs_stats s;
	rs_stats_of(x, 6, &s);
	CHECK_I64(s.n, 5);
	CHECK_NEAR(s.mean, 5.0, 1e-12);
	CHECK_NEAR(s.stdev, sqrt(9.0), 1e-12); /* sum of squares 36 over 4 */
	CHECK_NEAR(s.ci95, 2.776445 * 3.0 / sqrt(5.0), 1e-5);
	CHECK(s.min == 2 && s.max == 10);
	double one[] = {3};
	rs_stats_of(one, 1, &s);
	CHECK(s.n == 1 && s.mean == 3 && isnan(s.ci95));
	double a[] = {1, 2, 3}, b[] = {1, 2, 3};
	rs_stats_paired(a, b, 3, &s);
	CHECK(s.mean == 0 && s.ci95 == 0 && !rs_stats_significant(&s));
	double c[] = {2, 3, 4};
	rs_stats_paired(c, a, 3, &s);
	CHECK(s.mean == 1 && s.ci95 == 0 && rs_stats_significant(&s));
}

/* The offered count of the Poisson scenario, shortened, with `seed`. */
static double poisson_count(uint64_t seed)
{
	char set_seed[64], set_t[64], set_rate[64];
	snprintf(set_seed, sizeof set_seed, "seed=%" PRIu64, seed);
	snprintf(set_t, sizeof set_t, "duration_s=%g", POISSON_T);
	snprintf(set_rate, sizeof set_rate, "clients[0].arrival.rate_rps=%g", POISSON_RATE);
	const char *sets[] = {set_seed, set_t, set_rate};
	rs_config *cfg = NULL;
	rs_world *w = NULL;
	rs_error err = {0};
	double n = NAN;
	if (rs_scenario_load("tests/scenarios/poisson.json", sets, 3, &cfg, &err) == RS_OK &&
	    rs_world_new(cfg, NULL, &w, &err) == RS_OK && rs_world_run(w, &err) == RS_OK)
		n = (double)rs_metrics_run_counts(rs_world_metrics(w), 0)->offered;
	else
		TH_FAIL("%s", err.msg);
	rs_world_free(w);
	rs_config_free(cfg);
	return n;
}

static void test_coverage(void)
{
	const double truth = POISSON_RATE * POISSON_T;
	size_t covered = 0;
	for (size_t r = 0; r < COVERAGE_RUNS; r++) {
		double x[COVERAGE_REPS];
		for (size_t k = 0; k < COVERAGE_REPS; k++)
			x[k] = poisson_count(rs_plan_seed(r, k + 1));
		rs_stats s;
		rs_stats_of(x, COVERAGE_REPS, &s);
		covered += fabs(s.mean - truth) <= s.ci95;
	}
	double share = (double)covered / COVERAGE_RUNS;
	printf("  coverage: %zu of %d intervals contain %g (%.1f%%)\n", covered, COVERAGE_RUNS,
	       truth, 100 * share);
	CHECK(share >= 0.92 && share <= 0.98);
}

/* requests.csv rows of first attempts: "request_id time prompt".  (The
 * completion column says 0 for a refused attempt, so it is left out.) */
static char *first_attempts(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/requests.csv", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, len = 0;
	char *out = malloc(cap), line[1024];
	out[0] = '\0';
	while (fgets(line, sizeof line, f)) {
		char *fld[12];
		size_t n = 0;
		for (char *s = line; n < 12;) {
			fld[n++] = s;
			char *c = strchr(s, ',');
			if (!c)
				break;
			*c = '\0';
			s = c + 1;
		}
		if (n < 9 || strcmp(fld[2], "1"))
			continue;
		int w = snprintf(out + len, cap - len, "%s %s %s\n", fld[1], fld[0], fld[7]);
		if (w > 0 && (size_t)w < cap - len)
			len += (size_t)w;
	}
	fclose(f);
	return out;
}

static void test_common_random_numbers(void)
{
	char seed[64];
	snprintf(seed, sizeof seed, "seed=%" PRIu64, rs_plan_seed(42, 3));
	const char *big[] = {seed, "duration_s=300"};
	const char *small[] = {seed, "duration_s=300", "deployments[0].tpm=30000"};
	const char *other[] = {"seed=5", "duration_s=300"};
	char *a = run_into_log("scenarios/quickstart.json", big, 2, true);
	char *b = run_into_log("scenarios/quickstart.json", small, 3, true);
	char *c = run_into_log("scenarios/quickstart.json", other, 2, true);
	char *fa = a ? first_attempts(a) : NULL, *fb = b ? first_attempts(b) : NULL;
	char *fc = c ? first_attempts(c) : NULL;
	CHECK(fa && fb && fc && strlen(fa) > 1000);
	/* the same arrivals and sizes: the paired candidates met the same load */
	CHECK(fa && fb && !strcmp(fa, fb));
	CHECK(fa && fc && strcmp(fa, fc) != 0);
	/* but the candidates did differ: the small deployment refused more */
	char *sa = a ? th_slurp_in(a, "summary.json") : NULL;
	char *sb = b ? th_slurp_in(b, "summary.json") : NULL;
	CHECK(sa && sb && strcmp(sa, sb) != 0);
	free(sa);
	free(sb);
	free(fa);
	free(fb);
	free(fc);
	const char *dirs[] = {a, b, c};
	for (int i = 0; i < 3; i++) {
		if (dirs[i])
			th_rmtree(dirs[i]);
		free((char *)dirs[i]);
	}
}

static void test_plan_files(void)
{
	char *dir = th_tmpdir("rs_plan");
	rs_plan p = {.kind = strdup("sweep"),
	             .dir = strdup(dir),
	             .base_seed = 42,
	             .replications = 2,
	             .log_requests = true};
	rs_error err = {0};
	const char *sets[] = {"name=it's \"odd\"", "seed=1"};
	CHECK_I64(rs_plan_add_group(&p, "p001", "a b.json", sets, 2, &err), RS_OK);
	CHECK_I64(rs_plan_runs(&p), 2);
	char **argv;
	int argc;
	CHECK_I64(rs_plan_job_argv(&p, 1, "/bin/ratesim", &argv, &argc, &err), RS_OK);
	CHECK_I64(argc, 16);
	CHECK_STR(argv[4], "92213399105094");
	CHECK_STR(argv[6], "2");
	char want_dir[256];
	snprintf(want_dir, sizeof want_dir, "%s/p001/rep-2", dir);
	CHECK_STR(argv[argc - 1], want_dir);
	rs_plan_argv_free(argv);
	char jobs[256];
	snprintf(jobs, sizeof jobs, "%s/jobs.txt", dir);
	size_t n;
	CHECK_I64(rs_plan_emit(&p, "/bin/ratesim", jobs, NULL, &n, &err), RS_OK);
	CHECK_I64(n, 2);
	char *text = th_slurp(jobs);
	char want[1024];
	snprintf(want, sizeof want,
	         "/bin/ratesim run 'a b.json' --seed 798128018490698 --replication 1 --set "
	         "'name=it'\\''s \"odd\"' --set seed=1 --quiet --no-charts --log-requests -o "
	         "%s/p001/rep-1\n",
	         dir);
	CHECK(text && !strncmp(text, want, strlen(want)));
	free(text);
	char *sb = th_slurp_in(dir, "jobs.sbatch");
	CHECK(sb && strstr(sb, "#SBATCH --array=1-2\n"));
	free(sb);
	CHECK_I64(rs_plan_write(&p, &err), RS_OK);
	rs_plan q;
	CHECK_I64(rs_plan_read(dir, &q, &err), RS_OK);
	CHECK(q.base_seed == 42 && q.replications == 2 && q.log_requests && !q.run_charts);
	CHECK(q.n_groups == 1 && !strcmp(q.groups[0].sets[0], sets[0]));
	rs_plan_free(&q);
	rs_plan_free(&p);
	CHECK_I64(rs_plan_read("/nonexistent", &q, &err), RS_ERR_IO);
	CHECK(strstr(err.msg, "/nonexistent: not a ratesim results folder"));
	th_rmtree(dir);
}

int main(void)
{
	RUN(test_seeds);
	RUN(test_stats);
	RUN(test_plan_files);
	RUN(test_common_random_numbers);
	RUN(test_coverage);
	return th_done();
}
