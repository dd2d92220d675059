/*
 * test_reactions.c - the client's reactions (issue 10 part 1) in whole
 * runs, on hand-worked sequences: hedged requests (sim/hedge.c), the
 * remaining-quota pause (quota_watch.h) and network jitter (netjitter.h).
 *
 * The runs use a "flat" model: no latency variation, no time to first
 * token, 100 tokens per second, so an attempt of 100 output tokens takes
 * exactly its round trip + 1000 ms.  Every attempt the service saw is read
 * from the world's request-log hook, the counts from the metrics.
 */
#include "harness.h"
#include "ratesim/metrics.h"
#include "ratesim/scenario.h"
#include "ratesim/world.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECS     4096
#define NAME_MAX_LEN 16

/* ---- running a scenario text, with the attempts it logs ---------------- */

typedef struct rec {
	double t_s;
	uint64_t id;
	char client[NAME_MAX_LEN], dep[NAME_MAX_LEN];
	int status;
	double dur_ms;
	int64_t prompt;
} rec;

typedef struct run {
	rs_config *cfg;
	rs_world *w;
	rec *r;
	size_t n;
} run;

static rs_status on_attempt(void *ctx, const rs_attempt_record *a)
{
	run *x = ctx;
	if (x->n == MAX_RECS)
		return RS_OK;
	rec *r = &x->r[x->n++];
	r->t_s = rs_time_to_s(a->time);
	r->id = a->request_id;
	snprintf(r->client, sizeof r->client, "%s", a->client);
	snprintf(r->dep, sizeof r->dep, "%s", a->deployment);
	r->status = a->status;
	r->dur_ms = rs_time_to_ms(a->duration);
	r->prompt = a->prompt_tokens;
	return RS_OK;
}

static rs_status on_row(void *ctx, const rs_ts_row *row)
{
	(void)ctx;
	(void)row;
	return RS_OK;
}

/* Run `text` with overrides to its end; false (after a failure) when it
 * does not load or run.  Free with run_free. */
static bool run_text(const char *text, const char *const *sets, size_t n, run *x)
{
	*x = (run){.r = calloc(MAX_RECS, sizeof(rec))};
	rs_error err = {0};
	rs_status st = rs_scenario_parse("reactions.json", text, NULL, sets, n, &x->cfg, &err);
	rs_world_hooks hooks = {.row = on_row, .attempt = on_attempt, .ctx = x};
	if (st == RS_OK)
		st = rs_world_new(x->cfg, &hooks, &x->w, &err);
	if (st == RS_OK)
		st = rs_world_run(x->w, &err);
	if (st != RS_OK)
		TH_FAIL("%s", err.msg);
	return st == RS_OK;
}

static void run_free(run *x)
{
	rs_world_free(x->w);
	rs_config_free(x->cfg);
	free(x->r);
}

/* Run counts of scope i: 0 total, 1..D deployments, then the clients. */
static const rs_counts *counts(const run *x, size_t i)
{
	return rs_metrics_run_counts(rs_world_metrics(x->w), i);
}

/* ---- hedged requests ----------------------------------------------------- */

/* "slow" is provisioned, 3 s away: an attempt takes L = 4000 ms; "fast" is
 * standard, next door: 1000 ms.  One request every 10 s (at 0, 10, 20),
 * 100 prompt and 100 output tokens, max_tokens 200 (so each completion on
 * PTU has a known actual cost: 100 + 3 x 100 = 400 normalised tokens). */
static const char hedge_text[] =
    "{\"name\":\"hedge-test\",\"seed\":1,\"duration_s\":30,\"bucket_s\":10,"
    "\"models\":{\"flat\":{\"base\":\"gpt-4o\",\"sigma\":0,\"load_sigma\":0,\"ttft_base_ms\":0,"
    "\"ttft_per_1k_prompt_ms\":0,\"tokens_per_s\":100,\"rtt_ms\":0,\"ptu_tokens_per_s\":100,"
    "\"ptu_sigma\":0}},"
    "\"deployments\":["
    "{\"name\":\"slow\",\"region\":\"eastus\",\"model\":\"flat\",\"kind\":\"provisioned\","
    "\"ptu\":50,\"rtt_ms\":3000},"
    "{\"name\":\"fast\",\"region\":\"eastus\",\"model\":\"flat\",\"tpm\":50000}],"
    "\"clients\":[{\"name\":\"c\",\"target\":\"slow\","
    "\"arrival\":{\"process\":\"constant\",\"rate_rps\":0.1},"
    "\"prompt_tokens\":100,\"output_tokens\":100,"
    "\"max_tokens\":{\"policy\":\"fixed\",\"value\":200}}]}";

#define L_SLOW_MS    4000.0
#define L_FAST_MS    1000.0
#define PTU_ACTUAL   400.0 /* 100 prompt + output_ratio 3 x 100 output */
#define N_REQUESTS   3
#define SCOPE_SLOW   1
#define SCOPE_CLIENT 3

static double ptu_actual(const run *x)
{
	rs_ptu_run p;
	rs_metrics_ptu_run(rs_world_metrics(x->w), 0, &p);
	return p.actual;
}

/* Hedging off: one attempt per request, latency L. */
static void test_no_hedge_is_one_attempt(void)
{
	run x;
	if (run_text(hedge_text, NULL, 0, &x)) {
		CHECK_I64((int64_t)x.n, N_REQUESTS);
		CHECK_I64((int64_t)counts(&x, 0)->hedges_sent, 0);
		CHECK_NEAR(ptu_actual(&x), N_REQUESTS * PTU_ACTUAL, 1e-9);
	}
	run_free(&x);
}

/* Fixed latency L > delay h, the hedge to the same target: the hedge is
 * sent at t + h exactly; the primary answers first at t + L and wins; the
 * hedge is abandoned and still completes on the service (at t + h + L,
 * inside the run), so the PTU meter sees both completions. */
static void test_hedge_sent_at_its_delay_and_the_loser_still_completes(void)
{
	const char *sets[] = {"clients[0].hedge={\"delay_ms\":1000}"};
	run x;
	if (run_text(hedge_text, sets, 1, &x)) {
		CHECK_I64((int64_t)x.n, 2 * N_REQUESTS);
		for (size_t i = 0; i + 1 < x.n; i += 2) {
			double t = 10.0 * (double)(i / 2);
			CHECK_NEAR(x.r[i].t_s, t, 1e-9);           /* the primary */
			CHECK_NEAR(x.r[i + 1].t_s, t + 1.0, 1e-9); /* the hedge, at h */
			CHECK(x.r[i + 1].id == x.r[i].id);
			CHECK_STR(x.r[i + 1].dep, "slow");
		}
		const rs_counts *c = counts(&x, SCOPE_CLIENT);
		CHECK_I64((int64_t)c->hedges_sent, N_REQUESTS);
		CHECK_I64((int64_t)c->hedges_won, 0);
		CHECK_I64((int64_t)c->attempts, 2 * N_REQUESTS); /* a hedge is an attempt... */
		CHECK_I64((int64_t)c->retries, 0);               /* ...not a retry */
		CHECK_I64((int64_t)c->succeeded, N_REQUESTS);
		const rs_metrics *m = rs_world_metrics(x.w);
		CHECK_NEAR(rs_metrics_latency_quantile(m, SCOPE_CLIENT, 1.0), L_SLOW_MS, 1e-6);
		CHECK_NEAR(ptu_actual(&x), 2 * N_REQUESTS * PTU_ACTUAL, 1e-9);
	}
	run_free(&x);
}

/* The hedge to a faster target wins: latency h + L_fast; the primary is
 * abandoned and still completes on the PTU deployment (its meter sees it). */
static void test_hedge_to_a_faster_target_wins(void)
{
	const char *sets[] = {"clients[0].hedge={\"delay_ms\":1000,\"target\":\"fast\"}"};
	run x;
	if (run_text(hedge_text, sets, 1, &x)) {
		const rs_counts *c = counts(&x, SCOPE_CLIENT);
		CHECK_I64((int64_t)c->hedges_sent, N_REQUESTS);
		CHECK_I64((int64_t)c->hedges_won, N_REQUESTS);
		CHECK_I64((int64_t)c->succeeded, N_REQUESTS);
		const rs_metrics *m = rs_world_metrics(x.w);
		CHECK_NEAR(rs_metrics_latency_quantile(m, SCOPE_CLIENT, 1.0), 1000.0 + L_FAST_MS,
		           1e-6);
		CHECK_NEAR(rs_metrics_latency_quantile(m, SCOPE_CLIENT, 0.0), 1000.0 + L_FAST_MS,
		           1e-6);
		/* served by "fast", yet "slow" completed every primary */
		CHECK_I64((int64_t)counts(&x, 2)->served, N_REQUESTS);
		CHECK_I64((int64_t)counts(&x, SCOPE_SLOW)->served, 0);
		CHECK_NEAR(ptu_actual(&x), N_REQUESTS * PTU_ACTUAL, 1e-9);
		CHECK_I64((int64_t)counts(&x, 0)->hedges_won, N_REQUESTS);
	}
	run_free(&x);
}

/* The same two cases on shared deployments (the service model on, far
 * below its knee, so the times are the unloaded ones): the loser is an
 * abandoned job that still completes and is corrected. */
static void test_hedge_on_shared_deployments(void)
{
	const char *same[] = {"deployments[0].service=\"processor_sharing\"",
	                      "deployments[1].service=\"processor_sharing\"",
	                      "clients[0].hedge={\"delay_ms\":1000}"};
	const char *fast[] = {"deployments[0].service=\"processor_sharing\"",
	                      "deployments[1].service=\"processor_sharing\"",
	                      "clients[0].hedge={\"delay_ms\":1000,\"target\":\"fast\"}"};
	run x;
	if (run_text(hedge_text, same, 3, &x)) {
		CHECK_I64((int64_t)counts(&x, SCOPE_CLIENT)->hedges_sent, N_REQUESTS);
		CHECK_I64((int64_t)counts(&x, SCOPE_CLIENT)->hedges_won, 0);
		CHECK_NEAR(rs_metrics_latency_quantile(rs_world_metrics(x.w), SCOPE_CLIENT, 1.0),
		           L_SLOW_MS, 1e-6);
		CHECK_NEAR(ptu_actual(&x), 2 * N_REQUESTS * PTU_ACTUAL, 1e-9);
	}
	run_free(&x);
	if (run_text(hedge_text, fast, 3, &x)) {
		CHECK_I64((int64_t)counts(&x, SCOPE_CLIENT)->hedges_won, N_REQUESTS);
		CHECK_NEAR(rs_metrics_latency_quantile(rs_world_metrics(x.w), SCOPE_CLIENT, 1.0),
		           1000.0 + L_FAST_MS, 1e-6);
		CHECK_NEAR(ptu_actual(&x), N_REQUESTS * PTU_ACTUAL, 1e-9);
	}
	run_free(&x);
}

/* Percentile delay: until min_samples (2) successes, the fallback (500 ms);
 * then the observed p50 of attempt latency.  The winners are the hedges on
 * "fast", whose own attempt latency is 1000 ms, so from the third request
 * on the hedge goes at exactly t + 1000 ms. */
static void test_percentile_delay_is_the_observed_percentile(void)
{
	const char *sets[] = {
	    "duration_s=40",
	    "clients[0].hedge={\"delay_percentile\":50,\"min_samples\":2,\"fallback_ms\":500,"
	    "\"target\":\"fast\"}"};
	run x;
	if (run_text(hedge_text, sets, 2, &x)) {
		CHECK_I64((int64_t)x.n, 8);
		const double want[] = {0.5, 10.5, 21.0, 31.0};
		for (size_t i = 0; i < 4 && 2 * i + 1 < x.n; i++) {
			CHECK_STR(x.r[2 * i + 1].dep, "fast");
			CHECK_NEAR(x.r[2 * i + 1].t_s, want[i], 1e-9);
		}
		CHECK_I64((int64_t)counts(&x, SCOPE_CLIENT)->hedges_won, 4);
	}
	run_free(&x);
}

/* A delay at or beyond the attempt's own latency sends no hedge (a tie goes
 * to the answer), nor does one at or past the attempt timeout. */
static void test_no_hedge_after_the_answer_or_the_timeout(void)
{
	const char *tie[] = {"clients[0].hedge={\"delay_ms\":4000}"};
	const char *late[] = {"clients[0].hedge={\"delay_ms\":1000}",
	                      "clients[0].retry={\"policy\":\"none\",\"attempt_timeout_s\":1}"};
	run x;
	if (run_text(hedge_text, tie, 1, &x))
		CHECK_I64((int64_t)counts(&x, 0)->hedges_sent, 0);
	run_free(&x);
	if (run_text(hedge_text, late, 2, &x)) {
		CHECK_I64((int64_t)counts(&x, 0)->hedges_sent, 0);
		CHECK_I64((int64_t)counts(&x, 0)->timeouts, N_REQUESTS);
	}
	run_free(&x);
}

/* The attempt timeout bounds the pair: with a timeout of 3 s the hedge (sent
 * at 1 s, due at 5 s) is abandoned with the primary at 3 s; both still
 * complete on the PTU deployment. */
static void test_timeout_abandons_the_hedge_too(void)
{
	const char *sets[] = {"clients[0].hedge={\"delay_ms\":1000}",
	                      "clients[0].retry={\"policy\":\"none\",\"attempt_timeout_s\":3}"};
	run x;
	if (run_text(hedge_text, sets, 2, &x)) {
		const rs_counts *c = counts(&x, SCOPE_CLIENT);
		CHECK_I64((int64_t)c->hedges_sent, N_REQUESTS);
		CHECK_I64((int64_t)c->hedges_won, 0);
		CHECK_I64((int64_t)c->succeeded, 0);
		CHECK_I64((int64_t)c->failed, N_REQUESTS);
		CHECK_NEAR(ptu_actual(&x), 2 * N_REQUESTS * PTU_ACTUAL, 1e-9);
	}
	run_free(&x);
}

/* scenarios/hedging.json: hedges won <= sent, per client and in total (the
 * sum of the clients'); requests and attempts conserved. */
static void test_hedges_are_conserved(void)
{
	char *text = th_slurp("scenarios/hedging.json");
	run x;
	if (!text) {
		TH_FAIL("cannot read scenarios/hedging.json");
		return;
	}
	if (run_text(text, NULL, 0, &x)) {
		const rs_metrics *m = rs_world_metrics(x.w);
		size_t n = rs_metrics_n_scopes(m), d = x.cfg->n_deployments;
		uint64_t sent = 0, won = 0;
		for (size_t i = 1 + d; i < n; i++) {
			const rs_counts *c = counts(&x, i);
			CHECK(c->hedges_won <= c->hedges_sent);
			CHECK(c->offered >= c->succeeded + c->failed);
			sent += c->hedges_sent;
			won += c->hedges_won;
		}
		const rs_counts *t = counts(&x, 0);
		CHECK(t->hedges_sent > 0 && t->hedges_won > 0);
		CHECK_I64((int64_t)t->hedges_sent, (int64_t)sent);
		CHECK_I64((int64_t)t->hedges_won, (int64_t)won);
		CHECK_I64((int64_t)t->attempts, (int64_t)(t->ok + t->throttled + t->errors));
	}
	run_free(&x);
	free(text);
}

/* ---- the remaining-quota pause ------------------------------------------- */

/* A standard deployment with RPM 60 (rpm_per_1k_tpm 1 at 60K TPM): 10
 * requests per sliding 10 s window.  One request a second, 100 ms each.
 * After admission k in the window the deployment reports 10 - k remaining
 * requests; with min_requests 7 the client pauses on 6 (k = 4), not on 7:
 *   t = 0, 1, 2 (remaining 9, 8, 7: no pause), 3 (remaining 6, answered at
 *   3.1: pause to 5.1); the requests of 4 and 5 go at 5.1 (remaining 5, 4;
 *   answered at 5.2: pause to 7.2); those of 6 and 7 at 7.2 (3, 2; pause to
 *   9.3); those of 8 and 9 at 9.3 (1, 0). */
static const char quota_text[] =
    "{\"name\":\"quota-test\",\"seed\":1,\"duration_s\":10.5,\"bucket_s\":10.5,"
    "\"models\":{\"flat\":{\"base\":\"gpt-4o\",\"sigma\":0,\"load_sigma\":0,\"ttft_base_ms\":0,"
    "\"ttft_per_1k_prompt_ms\":0,\"tokens_per_s\":100,\"rtt_ms\":0,\"rpm_per_1k_tpm\":1}},"
    "\"deployments\":[{\"name\":\"d\",\"region\":\"eastus\",\"model\":\"flat\",\"tpm\":60000}],"
    "\"clients\":[{\"name\":\"c\",\"target\":\"d\","
    "\"arrival\":{\"process\":\"constant\",\"rate_rps\":1},"
    "\"prompt_tokens\":10,\"output_tokens\":10,\"max_tokens\":{\"policy\":\"fixed\","
    "\"value\":10}}]}";

static void test_quota_pause_hand_worked(void)
{
	const char *sets[] = {"clients[0].remaining_quota={\"min_requests\":7,\"pause_ms\":2000}"};
	const double want[] = {0, 1, 2, 3, 5.1, 5.1, 7.2, 7.2, 9.3, 9.3};
	run x;
	if (run_text(quota_text, sets, 1, &x)) {
		CHECK_I64((int64_t)x.n, 10);
		for (size_t i = 0; i < x.n && i < 10; i++) {
			CHECK_NEAR(x.r[i].t_s, want[i], 1e-9);
			CHECK_I64(x.r[i].status, 200);
		}
	}
	run_free(&x);
}

/* Without the watch every request goes on its second.  With min_requests 1
 * the client pauses only on 0 remaining: the 10th admission (t = 9,
 * answered at 9.1, pause_ms 1000 by default) holds the 11th request to 10.1. */
static void test_quota_pause_off_and_on_zero(void)
{
	const char *sets[] = {"clients[0].remaining_quota={\"min_requests\":1}"};
	run x;
	for (int k = 0; k < 2; k++) {
		if (run_text(quota_text, sets, (size_t)k, &x)) {
			CHECK_I64((int64_t)x.n, 11);
			for (size_t i = 0; i < x.n; i++)
				CHECK_NEAR(x.r[i].t_s, k && i == 10 ? 10.1 : (double)i, 1e-9);
		}
		run_free(&x);
	}
}

/* Tokens: 60K TPM, each request charges 10 + 10 = 20, so after admission k
 * the deployment reports 60000 - 20 k remaining tokens; min_tokens 59941
 * pauses from k = 3 (59940 < 59941) on: the 3rd answer (2.1) pauses the
 * client to 4.1, and the request of 3 waits until then. */
static void test_quota_pause_on_tokens(void)
{
	const char *sets[] = {
	    "clients[0].remaining_quota={\"min_tokens\":59941,\"pause_ms\":2000}"};
	run x;
	if (run_text(quota_text, sets, 1, &x)) {
		CHECK(x.n >= 4);
		if (x.n >= 4) {
			CHECK_NEAR(x.r[2].t_s, 2.0, 1e-9);
			CHECK_NEAR(x.r[3].t_s, 4.1, 1e-9); /* the request of 3 waited */
		}
	}
	run_free(&x);
}

/* ---- network jitter ------------------------------------------------------ */

/* Two identical clients on two identical deployments, one request a second
 * each, with no retry jitter: in lock-step. */
static const char twin_text[] =
    "{\"name\":\"twins\",\"seed\":3,\"duration_s\":100,\"bucket_s\":10,"
    "\"models\":{\"flat\":{\"base\":\"gpt-4o\",\"sigma\":0,\"load_sigma\":0,\"ttft_base_ms\":0,"
    "\"ttft_per_1k_prompt_ms\":0,\"tokens_per_s\":100,\"rtt_ms\":20}},"
    "\"deployments\":[{\"name\":\"da\",\"region\":\"eastus\",\"model\":\"flat\",\"tpm\":50000},"
    "{\"name\":\"db\",\"region\":\"eastus\",\"model\":\"flat\",\"tpm\":50000}],"
    "\"clients\":["
    "{\"name\":\"a\",\"target\":\"da\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":1},"
    "\"prompt_tokens\":{\"dist\":\"uniform\",\"min\":10,\"max\":500},\"output_tokens\":100},"
    "{\"name\":\"b\",\"target\":\"db\",\"arrival\":{\"process\":\"constant\",\"rate_rps\":1},"
    "\"prompt_tokens\":{\"dist\":\"uniform\",\"min\":10,\"max\":500},\"output_tokens\":100}]}";

#define JITTER_MAX_MS 50.0

/* Mean |duration of a's i-th attempt - duration of b's i-th attempt|. */
static double twin_spread(const run *x)
{
	double da[MAX_RECS], db[MAX_RECS], sum = 0;
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < x->n; i++) {
		if (!strcmp(x->r[i].client, "a"))
			da[na++] = x->r[i].dur_ms;
		else
			db[nb++] = x->r[i].dur_ms;
	}
	size_t n = na < nb ? na : nb;
	for (size_t i = 0; i < n; i++)
		sum += fabs(da[i] - db[i]);
	return n ? sum / (double)n : NAN;
}

/* Zero variance (fixed 0, or uniform [0, 0] which draws from its own
 * stream) is the run without jitter, attempt for attempt. */
static void test_zero_jitter_is_no_jitter(void)
{
	const char *fixed[] = {"clients[0].network_jitter_ms=0", "clients[1].network_jitter_ms=0"};
	const char *zero[] = {
	    "clients[0].network_jitter_ms={\"dist\":\"uniform\",\"min\":0,\"max\":0}",
	    "clients[1].network_jitter_ms={\"dist\":\"uniform\",\"min\":0,\"max\":0}"};
	run base, x;
	if (!run_text(twin_text, NULL, 0, &base)) {
		run_free(&base);
		return;
	}
	CHECK_NEAR(twin_spread(&base), 0, 0); /* in lock-step */
	for (int k = 0; k < 2; k++) {
		if (run_text(twin_text, k ? zero : fixed, 2, &x)) {
			CHECK_I64((int64_t)x.n, (int64_t)base.n);
			CHECK(x.n == base.n && !memcmp(x.r, base.r, x.n * sizeof *x.r));
			CHECK(!memcmp(counts(&x, 0), counts(&base, 0), sizeof(rs_counts)));
		}
		run_free(&x);
	}
	run_free(&base);
}

/* Uniform [0, 50] ms on both: the twins fall out of lock-step; the mean
 * |difference| of two independent U(0, 50) is 50/3 = 16.7 ms (100 pairs:
 * within 10..25).  Each draw adds to the round trip: every duration is
 * within [L, L + 50]. */
static void test_jitter_breaks_lock_step(void)
{
	const char *sets[] = {
	    "clients[0].network_jitter_ms={\"dist\":\"uniform\",\"min\":0,\"max\":50}",
	    "clients[1].network_jitter_ms={\"dist\":\"uniform\",\"min\":0,\"max\":50}"};
	run base, x;
	bool ok = run_text(twin_text, NULL, 0, &base);
	if (ok && run_text(twin_text, sets, 2, &x)) {
		double s = twin_spread(&x);
		CHECK(s > 10.0 && s < 25.0);
		for (size_t i = 0; i < x.n && i < base.n; i++) {
			CHECK(x.r[i].dur_ms >= base.r[i].dur_ms - 1e-3);
			CHECK(x.r[i].dur_ms <= base.r[i].dur_ms + JITTER_MAX_MS + 1e-3);
		}
		run_free(&x);
	}
	run_free(&base);
}

/* The draws use their own stream: jitter on b moves none of a's numbers,
 * nor b's own arrivals and token sizes; only b's durations change. */
static void test_jitter_has_its_own_stream(void)
{
	const char *sets[] = {"clients[1].network_jitter_ms={\"dist\":\"lognormal\",\"median\":20,"
	                      "\"sigma\":1}"};
	run base, x;
	bool ok = run_text(twin_text, NULL, 0, &base);
	if (ok && run_text(twin_text, sets, 1, &x)) {
		CHECK_I64((int64_t)x.n, (int64_t)base.n);
		size_t moved = 0;
		for (size_t i = 0; i < x.n && i < base.n; i++) {
			CHECK_NEAR(x.r[i].t_s, base.r[i].t_s, 0);
			CHECK_I64(x.r[i].prompt, base.r[i].prompt);
			if (!strcmp(x.r[i].client, "a"))
				CHECK_NEAR(x.r[i].dur_ms, base.r[i].dur_ms, 0);
			else
				moved += x.r[i].dur_ms != base.r[i].dur_ms;
		}
		CHECK(moved > 0);
		run_free(&x);
	}
	run_free(&base);
}

/* Hedges the service refuses: on the 10-requests-per-10-s deployment, one
 * request a second of 100 ms with a hedge after 50 ms sends 20 attempts
 * per 10 s, so half are refused.  Every 429, hedge or not, is counted by
 * who refused it (service + gateway + router = throttled), a refused hedge
 * leaves its request to the primary, and nothing is won; the hedges' cost
 * shows: they take the window's room and primaries are refused too. */
static void test_refused_hedges_are_counted(void)
{
	const char *sets[] = {"duration_s=60", "clients[0].hedge={\"delay_ms\":50}"};
	run x;
	if (run_text(quota_text, sets, 2, &x)) {
		const rs_counts *t = counts(&x, 0);
		CHECK(t->hedges_sent > 0 && t->throttled > 0);
		CHECK_I64((int64_t)t->hedges_won, 0);
		CHECK_I64((int64_t)t->throttled,
		          (int64_t)(t->refused_by[RS_BY_SERVICE] + t->refused_by[RS_BY_GATEWAY] +
		                    t->refused_by[RS_BY_ROUTER]));
		CHECK_I64((int64_t)t->attempts, (int64_t)(t->ok + t->throttled + t->errors));
		CHECK_I64((int64_t)t->attempts, (int64_t)(t->offered + t->hedges_sent));
		/* the hedges take the window's room: primaries are refused too */
		CHECK(t->failed > 0);
		CHECK(t->offered >= t->succeeded + t->failed);
	}
	run_free(&x);
}

int main(void)
{
	RUN(test_no_hedge_is_one_attempt);
	RUN(test_hedge_sent_at_its_delay_and_the_loser_still_completes);
	RUN(test_hedge_to_a_faster_target_wins);
	RUN(test_hedge_on_shared_deployments);
	RUN(test_percentile_delay_is_the_observed_percentile);
	RUN(test_no_hedge_after_the_answer_or_the_timeout);
	RUN(test_timeout_abandons_the_hedge_too);
	RUN(test_hedges_are_conserved);
	RUN(test_refused_hedges_are_counted);
	RUN(test_quota_pause_hand_worked);
	RUN(test_quota_pause_off_and_on_zero);
	RUN(test_quota_pause_on_tokens);
	RUN(test_zero_jitter_is_no_jitter);
	RUN(test_jitter_breaks_lock_step);
	RUN(test_jitter_has_its_own_stream);
	return th_done();
}
