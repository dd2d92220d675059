/*
 * test_replay.c - requests.csv is a full record (issue 10 part 3): from the
 * log alone, an independent replay rebuilds every meter decision and every
 * estimate, and the rows add up to summary.json's counts.
 *
 * The replay re-implements the rules of MODEL.md from the text, not from
 * sim/meter_*.c: section 4 (standard family: estimate = ceil(prompt x
 * prompt_estimate_factor) + max_tokens x best_of; a sliding or fixed TPM
 * window of 60 s and an RPM window of rpm_window_s holding
 * max(1, floor(RPM x window / 60)) requests; retry-after = time until the
 * request fits) and section 5 (provisioned: a level L draining at C / 60
 * per second, refuse while L > C, retry-after = (L - C) / (C / 60), charge
 * (prompt - cached) + output_ratio x max_tokens at admission and correct by
 * the actual cost at completion, never below 0).  Its inputs are the
 * scenario's figures (loaded with the project's loader: the figures, not the
 * meters) and the log's rows, in file order, which is the order of the
 * decisions (reqlog.h).  A provisioned completion happens at time_s +
 * duration_ms of its admitted row (the deployments here take a fixed time
 * per attempt).
 *
 * Two shipped scenarios: retry-policies (five standard deployments; also
 * replayed with 1-second fixed RPM windows and count_refused, so RPM and
 * refused-attempt charging are exercised) and ptu-spillover (provisioned
 * deployments with spillover to standard ones).  Conservation: rows by
 * status, end and decider equal summary.json's attempt and request counts.
 */
#include "run_helpers.h"

#include "ratesim/scenario.h"

#include <ctype.h>

#define MAX_COLS     64
#define LINE_MAX_LEN 4096
#define US_PER_S     1000000LL
#define US_PER_MIN   60000000LL
/* A provisioned decision whose level is this close to C (relative) is too
 * close to call for an independent float computation: not judged. */
#define PTU_BORDER 1e-9

/* A divergence of the replay from the log: a failure, except in the test
 * that tampers with a log on purpose (which counts them instead). */
static bool rp_quiet;
#define RP_FAIL(...)                                                                               \
	do {                                                                                       \
		if (!rp_quiet)                                                                     \
			TH_FAIL(__VA_ARGS__);                                                      \
	} while (0)

/* ---- reading requests.csv ------------------------------------------------ */

typedef struct row {
	int64_t t_us, answered_us, dur_us;
	uint64_t id;
	int attempt, status, best_of, spilled;
	char client[64], deployment[64], decided_by[16], limit[16], end[20], gave_up[24];
	int64_t prompt, completion, cached, max_tokens, retry_after, rem_req, rem_tok;
	double estimate, queued_ms;
} row;

/* Split an RFC 4180 line in place; returns the number of fields. */
static int split_csv(char *line, char **f)
{
	int n = 0;
	char *p = line, *w;
	for (;;) {
		f[n++] = w = p;
		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '"' && p[1] == '"')
					*w++ = '"', p++;
				else if (*p == '"') {
					p++;
					break;
				} else if (!*p)
					break;
				else
					*w++ = *p;
			}
		}
		while (*p && *p != ',' && *p != '\n')
			*w++ = *p++;
		char c = *p;
		*w = '\0';
		if (c != ',' || n == MAX_COLS)
			return n;
		p++;
	}
}

/* "12.345678" (seconds, or ms with three decimals) as integer microseconds
 * of the unit: exact, no float.  decimals: digits after the point in the
 * unit of one microsecond (6 for s, 3 for ms).  Empty: -1. */
static int64_t exact_us(const char *s, int decimals)
{
	if (!*s)
		return -1;
	int64_t whole = 0, frac = 0;
	int nd = 0;
	const char *p = s;
	while (isdigit((unsigned char)*p))
		whole = whole * 10 + (*p++ - '0');
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p) && nd < decimals; p++, nd++)
			frac = frac * 10 + (*p - '0');
	for (; nd < decimals; nd++)
		frac *= 10;
	int64_t scale = 1;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	return whole * scale + frac;
}

static int64_t i64_or(const char *s, int64_t none)
{
	return *s ? strtoll(s, NULL, 10) : none;
}

enum {
	C_TIME,
	C_ID,
	C_ATTEMPT,
	C_CLIENT,
	C_DEP,
	C_STATUS,
	C_DUR,
	C_PROMPT,
	C_COMPL,
	C_RA,
	C_SPILLED,
	C_ANSWERED,
	C_DECIDED,
	C_LIMIT,
	C_END,
	C_EST,
	C_MAXTOK,
	C_BESTOF,
	C_CACHED,
	C_REMREQ,
	C_REMTOK,
	C_GAVEUP,
	C_QUEUED,
	C_N
};
static const char *const col_names[C_N] = {"time_s",
                                           "request_id",
                                           "attempt",
                                           "client",
                                           "deployment",
                                           "status",
                                           "duration_ms",
                                           "prompt_tokens",
                                           "completion_tokens",
                                           "retry_after_ms",
                                           "spilled",
                                           "answered_s",
                                           "decided_by",
                                           "limit",
                                           "end",
                                           "estimate",
                                           "max_tokens",
                                           "best_of",
                                           "cached_tokens",
                                           "remaining_requests",
                                           "remaining_tokens",
                                           "gave_up",
                                           "queued_ms"};

/* Every row of DIR/requests.csv, columns found by their header names. */
static row *read_log(const char *dir, size_t *n_out)
{
	char path[512], line[LINE_MAX_LEN], *f[MAX_COLS];
	snprintf(path, sizeof path, "%s/requests.csv", dir);
	FILE *fp = fopen(path, "r");
	*n_out = 0;
	if (!fp || !fgets(line, sizeof line, fp)) {
		TH_FAIL("cannot read %s", path);
		if (fp)
			fclose(fp);
		return NULL;
	}
	int idx[C_N], nf = split_csv(line, f);
	for (int c = 0; c < C_N; c++) {
		idx[c] = -1;
		for (int k = 0; k < nf; k++)
			if (!strcmp(f[k], col_names[c]))
				idx[c] = k;
		if (idx[c] < 0) {
			TH_FAIL("requests.csv has no column %s", col_names[c]);
			fclose(fp);
			return NULL;
		}
	}
	size_t cap = 1024, n = 0;
	row *rows = malloc(cap * sizeof *rows);
	while (rows && fgets(line, sizeof line, fp)) {
		if (split_csv(line, f) != nf) {
			TH_FAIL("row %zu: not %d fields", n + 2, nf);
			break;
		}
		if (n == cap) {
			row *more = realloc(rows, (cap *= 2) * sizeof *rows);
			if (!more)
				break;
			rows = more;
		}
		row *r = &rows[n++];
		memset(r, 0, sizeof *r);
		r->t_us = exact_us(f[idx[C_TIME]], 6);
		r->answered_us = exact_us(f[idx[C_ANSWERED]], 6);
		r->dur_us = exact_us(f[idx[C_DUR]], 3);
		r->id = strtoull(f[idx[C_ID]], NULL, 10);
		r->attempt = atoi(f[idx[C_ATTEMPT]]);
		r->status = atoi(f[idx[C_STATUS]]);
		r->best_of = atoi(f[idx[C_BESTOF]]);
		r->spilled = atoi(f[idx[C_SPILLED]]);
		snprintf(r->client, sizeof r->client, "%s", f[idx[C_CLIENT]]);
		snprintf(r->deployment, sizeof r->deployment, "%s", f[idx[C_DEP]]);
		snprintf(r->decided_by, sizeof r->decided_by, "%s", f[idx[C_DECIDED]]);
		snprintf(r->limit, sizeof r->limit, "%s", f[idx[C_LIMIT]]);
		snprintf(r->end, sizeof r->end, "%s", f[idx[C_END]]);
		snprintf(r->gave_up, sizeof r->gave_up, "%s", f[idx[C_GAVEUP]]);
		r->prompt = i64_or(f[idx[C_PROMPT]], -1);
		r->completion = i64_or(f[idx[C_COMPL]], -1);
		r->cached = i64_or(f[idx[C_CACHED]], -1);
		r->max_tokens = i64_or(f[idx[C_MAXTOK]], -1);
		r->retry_after = i64_or(f[idx[C_RA]], -1);
		r->rem_req = i64_or(f[idx[C_REMREQ]], -1);
		r->rem_tok = i64_or(f[idx[C_REMTOK]], -1);
		r->estimate = *f[idx[C_EST]] ? strtod(f[idx[C_EST]], NULL) : NAN;
		r->queued_ms = *f[idx[C_QUEUED]] ? strtod(f[idx[C_QUEUED]], NULL) : NAN;
	}
	fclose(fp);
	*n_out = n;
	return rows;
}

/* ---- the standard meter, from MODEL.md section 4 ---------------------------- */

typedef struct stamp {
	int64_t t, amount;
} stamp;

/* A window: sliding (a list of admissions) or fixed (a counter per window
 * index). */
typedef struct window {
	bool fixed;
	int64_t len_us, total, index;
	stamp *s;
	size_t head, n, cap;
} window;

static void win_expire(window *w, int64_t now)
{
	if (w->fixed) {
		int64_t index = now / w->len_us; /* times are >= 0 */
		if (index != w->index)
			w->index = index, w->total = 0;
		return;
	}
	/* an amount added at t is in the window at now iff t > now - len */
	while (w->head < w->n && w->s[w->head].t <= now - w->len_us)
		w->total -= w->s[w->head++].amount;
}

static void win_put(window *w, int64_t now, int64_t amount)
{
	w->total += amount;
	if (w->fixed)
		return;
	if (w->n == w->cap)
		w->s = realloc(w->s, (w->cap = w->cap ? 2 * w->cap : 1024) * sizeof *w->s);
	w->s[w->n++] = (stamp){now, amount};
}

/* Microseconds until `amount` more fits under `limit` with no new traffic. */
static int64_t win_wait(const window *w, int64_t now, int64_t amount, int64_t limit)
{
	int64_t need = w->total + amount - limit;
	if (need <= 0)
		return 0;
	if (w->fixed)
		return amount > limit && w->total == 0 ? 0 : (w->index + 1) * w->len_us - now;
	if (amount > limit) /* never fits: until the window is empty */
		return w->n > w->head ? w->s[w->n - 1].t + w->len_us - now : 0;
	int64_t freed = 0;
	for (size_t k = w->head; k < w->n; k++) {
		freed += w->s[k].amount;
		if (freed >= need)
			return w->s[k].t + w->len_us - now;
	}
	return w->s[w->n - 1].t + w->len_us - now;
}

typedef struct std_replay {
	int64_t tpm, rpm;
	int rpm_window_s;
	bool count_refused;
	double factor;
	int64_t max_tokens_default;
	window tw, rw;
} std_replay;

/* The estimate of section 4; a factor of 1 gives the prompt itself. */
static int64_t std_estimate(const std_replay *s, const row *r)
{
	double p = (double)r->prompt * s->factor;
	int64_t prompt = (int64_t)ceil(p - 1e-9 * fmax(1.0, p));
	int64_t mt = r->max_tokens >= 0 ? r->max_tokens : s->max_tokens_default;
	return prompt + mt * r->best_of;
}

/* OUT: the replay's decision of row r; returns the number of mismatches. */
static int std_decide(std_replay *s, const row *r)
{
	int64_t est = std_estimate(s, r);
	win_expire(&s->tw, r->t_us);
	win_expire(&s->rw, r->t_us);
	bool fits = s->tw.total + est <= s->tpm && s->rw.total + 1 <= s->rpm;
	if (fits || s->count_refused) {
		win_put(&s->tw, r->t_us, est);
		win_put(&s->rw, r->t_us, 1);
	}
	int bad = 0;
	if (fabs(r->estimate - (double)est) > 0) {
		RP_FAIL("request %" PRIu64 " attempt %d: estimate %.10g, replay %" PRId64, r->id,
		        r->attempt, r->estimate, est);
		bad++;
	}
	if ((r->status == 200) != fits) {
		RP_FAIL("request %" PRIu64 " attempt %d at %" PRId64
		        " us on %s: status %d, replay %s",
		        r->id, r->attempt, r->t_us, r->deployment, r->status,
		        fits ? "admits" : "refuses");
		return bad + 1;
	}
	int64_t rem_tok = s->tpm - s->tw.total, rem_req = s->rpm - s->rw.total;
	if (r->rem_tok != (rem_tok > 0 ? rem_tok : 0) ||
	    r->rem_req != (rem_req > 0 ? rem_req : 0)) {
		RP_FAIL("request %" PRIu64 ": remaining %" PRId64 "/%" PRId64 ", replay %" PRId64
		        "/%" PRId64,
		        r->id, r->rem_tok, r->rem_req, rem_tok, rem_req);
		bad++;
	}
	if (fits)
		return bad;
	int64_t wt = win_wait(&s->tw, r->t_us, est, s->tpm);
	int64_t wr = win_wait(&s->rw, r->t_us, 1, s->rpm);
	int64_t wait = wt > wr ? wt : wr;
	int64_t ms = (wait + 999) / 1000;
	char limit[16];
	if (wr > wt)
		snprintf(limit, sizeof limit, "rpm_%ds", s->rpm_window_s);
	else
		snprintf(limit, sizeof limit, "tpm");
	if (r->retry_after != ms || strcmp(r->limit, limit) != 0) {
		RP_FAIL("request %" PRIu64 " at %" PRId64 " us: retry-after %" PRId64
		        " ms %s, replay %" PRId64 " ms %s",
		        r->id, r->t_us, r->retry_after, r->limit, ms, limit);
		bad++;
	}
	return bad;
}

/* ---- the provisioned meter, from MODEL.md section 5 -------------------------- */

typedef struct pending {
	int64_t done_us;
	double actual_minus_charged;
} pending;

typedef struct ptu_replay {
	double cap, ratio;
	int64_t max_tokens_default;
	double level;
	int64_t anchor;
	pending *p;
	size_t n, cap_p;
	size_t borderline;
} ptu_replay;

static double ptu_level(const ptu_replay *s, int64_t t)
{
	double l = s->level - s->cap * (double)(t - s->anchor) / (double)US_PER_MIN;
	return l > 0 ? l : 0;
}

/* Apply every completion due at or before t, in time order. */
static void ptu_complete_until(ptu_replay *s, int64_t t)
{
	for (;;) {
		size_t best = s->n;
		for (size_t k = 0; k < s->n; k++)
			if (s->p[k].done_us <= t &&
			    (best == s->n || s->p[k].done_us < s->p[best].done_us))
				best = k;
		if (best == s->n)
			return;
		int64_t at = s->p[best].done_us;
		double next = ptu_level(s, at) + s->p[best].actual_minus_charged;
		s->level = next > 0 ? next : 0;
		s->anchor = at;
		s->p[best] = s->p[--s->n];
	}
}

static int ptu_decide(ptu_replay *s, const row *r)
{
	ptu_complete_until(s, r->t_us);
	double l = ptu_level(s, r->t_us);
	double mt = r->max_tokens >= 0 ? (double)r->max_tokens : (double)s->max_tokens_default;
	double est = (double)(r->prompt - r->cached) + s->ratio * mt;
	int bad = 0;
	if (fabs(r->estimate - est) > 1e-9 * fmax(1.0, est)) {
		RP_FAIL("request %" PRIu64 ": PTU estimate %.10g, replay %.10g", r->id, r->estimate,
		        est);
		bad++;
	}
	if (fabs(l / s->cap - 1) < PTU_BORDER) {
		s->borderline++; /* too close to call: follow the log */
	} else if ((r->status == 200) != (l <= s->cap)) {
		RP_FAIL("request %" PRIu64 " at %" PRId64 " us: status %d, replay U = %.9g", r->id,
		        r->t_us, r->status, l / s->cap);
		return bad + 1;
	}
	if (r->status != 200) {
		double ms = (l - s->cap) / s->cap * 60000.0;
		if (fabs((double)r->retry_after - ms) > 1.0 || strcmp(r->limit, "ptu") != 0) {
			RP_FAIL("request %" PRIu64 ": retry-after %" PRId64
			        " ms %s, replay %.3f ms",
			        r->id, r->retry_after, r->limit, ms);
			bad++;
		}
		return bad;
	}
	s->level = l + est;
	s->anchor = r->t_us;
	double actual = (double)(r->prompt - r->cached) + s->ratio * (double)r->completion;
	if (s->n == s->cap_p)
		s->p = realloc(s->p, (s->cap_p = s->cap_p ? 2 * s->cap_p : 256) * sizeof *s->p);
	s->p[s->n++] = (pending){r->t_us + r->dur_us, actual - est};
	return bad;
}

/* ---- the replay of one run ----------------------------------------------- */

typedef struct replay_counts {
	size_t std_decisions, std_refused, ptu_decisions, ptu_refused, bad, borderline;
} replay_counts;

static void replay(const rs_config *cfg, const row *rows, size_t n, replay_counts *out)
{
	size_t nd = cfg->n_deployments;
	std_replay *sr = calloc(nd, sizeof *sr);
	ptu_replay *pr = calloc(nd, sizeof *pr);
	for (size_t d = 0; d < nd; d++) {
		const rs_deployment_cfg *dc = &cfg->deployments[d];
		const rs_model *m = &cfg->models[dc->model];
		sr[d] = (std_replay){
		    .tpm = dc->tpm,
		    .rpm_window_s = dc->rpm_window_s,
		    .count_refused = dc->count_refused,
		    .factor = dc->prompt_estimate_factor,
		    .max_tokens_default = m->max_tokens_default,
		    .tw = {.fixed = dc->tpm_window == RS_WINDOW_FIXED, .len_us = US_PER_MIN},
		    .rw = {.fixed = dc->rpm_window == RS_WINDOW_FIXED,
		           .len_us = dc->rpm_window_s * US_PER_S}};
		/* floor(RPM x window / 60), at least 1; RPM = rpm_per_1k x TPM / 1000 */
		double rpm = m->rpm_per_1k_tpm * (double)dc->tpm / 1000.0 * dc->rpm_window_s / 60.0;
		sr[d].rpm = (int64_t)floor(rpm + 1e-9 * fmax(1.0, rpm));
		if (sr[d].rpm < 1)
			sr[d].rpm = 1;
		pr[d] = (ptu_replay){.cap = (double)dc->ptu * m->input_tpm_per_ptu,
		                     .ratio = m->output_ratio,
		                     .max_tokens_default = m->max_tokens_default};
	}
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		const row *r = &rows[i];
		if (!r->deployment[0] || !strcmp(r->limit, "outage"))
			continue; /* no meter decided */
		size_t d = 0;
		while (d < nd && strcmp(cfg->deployments[d].name, r->deployment) != 0)
			d++;
		if (d == nd) {
			RP_FAIL("row %zu: unknown deployment %s", i + 2, r->deployment);
			out->bad++;
			continue;
		}
		if (rs_kind_is_provisioned(cfg->deployments[d].kind)) {
			out->ptu_decisions++;
			out->ptu_refused += r->status != 200;
			out->bad += (size_t)ptu_decide(&pr[d], r);
		} else {
			out->std_decisions++;
			out->std_refused += r->status != 200;
			out->bad += (size_t)std_decide(&sr[d], r);
		}
		if (out->bad > 10) /* the rest would repeat the first divergence */
			break;
	}
	for (size_t d = 0; d < nd; d++) {
		out->borderline += pr[d].borderline;
		free(sr[d].tw.s);
		free(sr[d].rw.s);
		free(pr[d].p);
	}
	free(sr);
	free(pr);
}

/* ---- conservation: the rows add up to summary.json ------------------------ */

static double sum_num(const cJSON *j, const char *a, const char *b)
{
	return num(j, a, b);
}

static void conservation(const char *dir, const rs_config *cfg, const row *rows, size_t n)
{
	int64_t warm = (int64_t)llround(cfg->warmup_s * US_PER_S);
	uint64_t max_id = 0;
	for (size_t i = 0; i < n; i++)
		max_id = rows[i].id > max_id ? rows[i].id : max_id;
	int64_t *arrived = malloc((max_id + 1) * sizeof *arrived);
	for (uint64_t k = 0; k <= max_id; k++)
		arrived[k] = -1;
	/* a request arrived when its first attempt was first asked for */
	for (size_t i = 0; i < n; i++)
		if (rows[i].attempt == 1 && arrived[rows[i].id] < 0)
			arrived[rows[i].id] =
			    rows[i].t_us - (int64_t)llround(rows[i].queued_ms * 1000);
	uint64_t total = 0, ok = 0, thr = 0, err = 0, spilled = 0, retries = 0, timeouts = 0,
	         local = 0, succeeded = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		const row *r = &rows[i];
		if (!strcmp(r->end, "passed_on"))
			continue; /* a deployment's view, not the client's attempt */
		if (!strcmp(r->decided_by, "client")) {
			local += r->t_us >= warm;
		} else if (r->t_us >= warm) {
			total++;
			ok += r->status == 200;
			thr += r->status == 429;
			err += r->status == 503;
			spilled += r->spilled && r->status == 200;
			retries += r->attempt > 1;
		}
		timeouts += !strcmp(r->end, "abandoned") && r->answered_us >= warm;
		bool counted = arrived[r->id] >= warm;
		succeeded += counted && r->status == 200 && !strcmp(r->end, "answered");
		failed += counted && r->gave_up[0];
	}
	free(arrived);
	cJSON *s = summary_of(dir);
	CHECK_I64(total, sum_num(s, "attempts", "total"));
	CHECK_I64(ok, sum_num(s, "attempts", "ok"));
	CHECK_I64(thr, sum_num(s, "attempts", "throttled"));
	CHECK_I64(err, sum_num(s, "attempts", "error"));
	CHECK_I64(spilled, sum_num(s, "attempts", "spilled"));
	CHECK_I64(retries, sum_num(s, "attempts", "retries"));
	CHECK_I64(timeouts, sum_num(s, "attempts", "timeouts"));
	CHECK_I64(local, sum_num(s, "attempts", "rejected_locally"));
	CHECK_I64(succeeded, sum_num(s, "requests", "succeeded"));
	CHECK_I64(failed, sum_num(s, "requests", "failed"));
	CHECK(total > 0 && ok > 0);
	cJSON_Delete(s);
}

/* Run `path` with `sets`, replay its log, check the conservation law. */
static void replay_scenario(const char *path, const char *const *sets, size_t n_sets,
                            replay_counts *rc)
{
	memset(rc, 0, sizeof *rc);
	rs_config *cfg = NULL;
	rs_error e = {0};
	if (rs_scenario_load(path, sets, n_sets, &cfg, &e) != RS_OK) {
		TH_FAIL("%s: %s", path, e.msg);
		return;
	}
	char *dir = run_into_log(path, sets, n_sets, true);
	size_t n = 0;
	row *rows = dir ? read_log(dir, &n) : NULL;
	if (rows) {
		replay(cfg, rows, n, rc);
		CHECK_I64(rc->bad, 0);
		conservation(dir, cfg, rows, n);
	}
	printf("  %s: %zu standard decisions (%zu refused), %zu provisioned (%zu refused), "
	       "%zu too close to call\n",
	       path, rc->std_decisions, rc->std_refused, rc->ptu_decisions, rc->ptu_refused,
	       rc->borderline);
	free(rows);
	if (dir) {
		th_rmtree(dir);
		free(dir);
	}
	rs_config_free(cfg);
}

static void test_replay_standard(void)
{
	replay_counts rc;
	replay_scenario("scenarios/retry-policies.json", NULL, 0, &rc);
	CHECK(rc.std_decisions > 10000 && rc.std_refused > 1000);
}

/* The same load on 1-second fixed RPM windows, counting refused attempts:
 * refusals by RPM as well as TPM. */
static void test_replay_standard_rpm(void)
{
	const char *sets[] = {"deployments[0].rpm_window_s=1", "deployments[0].rpm_window=fixed",
	                      "deployments[0].count_refused=true",
	                      "deployments[1].tpm_window=fixed", "deployments[2].rpm_window_s=1"};
	replay_counts rc;
	replay_scenario("scenarios/retry-policies.json", sets, sizeof sets / sizeof *sets, &rc);
	CHECK(rc.std_refused > 1000);
}

static void test_replay_ptu(void)
{
	replay_counts rc;
	replay_scenario("scenarios/ptu-spillover.json", NULL, 0, &rc);
	CHECK(rc.ptu_decisions > 10000 && rc.ptu_refused > 1000);
	CHECK(rc.std_decisions > 1000); /* the spillover deployments' */
	CHECK(rc.borderline * 1000 < rc.ptu_decisions);
}

/* Routers in front of deployments: rows of backends a router went past. */
static void test_replay_routers(void)
{
	replay_counts rc;
	replay_scenario("scenarios/seed-prod-staging.json", NULL, 0, &rc);
	CHECK(rc.std_decisions > 10000 && rc.std_refused > 100);
}

/* The client's own controls (local rejections) and timeouts on a service
 * that slows under load (abandoned attempts): the rows still add up. */
static void test_replay_controls_and_timeouts(void)
{
	replay_counts rc;
	replay_scenario("scenarios/client-controls.json", NULL, 0, &rc);
	CHECK(rc.std_decisions > 1000);
	replay_scenario("scenarios/metastable-timeouts.json", NULL, 0, &rc);
	CHECK(rc.std_decisions > 1000);
}

/* The replay is not a tautology: a log with one decision, estimate or
 * retry-after changed no longer replays. */
static void test_replay_detects_tampering(void)
{
	rs_config *cfg = NULL;
	rs_error e = {0};
	const char *path = "scenarios/retry-policies.json";
	CHECK(rs_scenario_load(path, NULL, 0, &cfg, &e) == RS_OK);
	char *dir = cfg ? run_into_log(path, NULL, 0, true) : NULL;
	size_t n = 0;
	row *rows = dir ? read_log(dir, &n) : NULL;
	replay_counts rc;
	size_t refused = 0, admitted = 0;
	for (size_t i = 0; rows && i < n && (!refused || !admitted); i++) {
		if (!refused && rows[i].status == 429 && rows[i].deployment[0])
			refused = i + 1;
		if (!admitted && rows[i].status == 200 && i > n / 2)
			admitted = i + 1;
	}
	CHECK(refused && admitted);
	rp_quiet = true;
	if (refused && admitted) {
		row *r = &rows[refused - 1], keep = *r;
		r->status = 200; /* a 429 turned into an admission */
		replay(cfg, rows, n, &rc);
		CHECK(rc.bad > 0);
		*r = keep;
		r->retry_after += 1; /* a retry-after one ms off */
		replay(cfg, rows, n, &rc);
		CHECK(rc.bad > 0);
		*r = keep;
		rows[admitted - 1].estimate += 1; /* an estimate one token off */
		replay(cfg, rows, n, &rc);
		CHECK(rc.bad > 0);
		rows[admitted - 1].estimate -= 1;
		replay(cfg, rows, n, &rc); /* and the log as written replays */
		CHECK_I64(rc.bad, 0);
	}
	rp_quiet = false;
	free(rows);
	if (dir) {
		th_rmtree(dir);
		free(dir);
	}
	rs_config_free(cfg);
}

int main(void)
{
	RUN(test_replay_standard);
	RUN(test_replay_standard_rpm);
	RUN(test_replay_ptu);
	RUN(test_replay_routers);
	RUN(test_replay_controls_and_timeouts);
	RUN(test_replay_detects_tampering);
	return th_done();
}
