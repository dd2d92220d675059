/*
 * test_meter_std_ref.c - a differential test of the standard-family meter
 * (MODEL.md section 4, sim/meter_std.c): pseudo-random traffic (fixed
 * seeds) through the meter, every answer compared with a brute-force
 * reference that recounts the windows from the full history and finds
 * retry-after by trying every instant at which a window's contents change.
 * The hand-worked sequences are in test_meter_std.c.
 */
#include "harness.h"
#include "meter_std_fixture.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

/* ---- differential test against a brute-force reference ----------------- */

typedef struct ref_ent {
	rs_time t;
	int64_t amount;
} ref_ent;

/* Every amount ever added, recounted from scratch at each question. */
typedef struct ref_win {
	rs_window_kind kind;
	rs_time len;
	ref_ent *e;
	size_t n, cap, start; /* entries before `start` can never count again */
} ref_win;

static bool ref_counts(const ref_win *w, rs_time entry, rs_time at)
{
	if (w->kind == RS_WINDOW_SLIDING)
		return entry > at - w->len && entry <= at;
	return entry / w->len == at / w->len;
}

static int64_t ref_total(const ref_win *w, rs_time at)
{
	int64_t sum = 0;
	for (size_t k = w->start; k < w->n; k++)
		if (ref_counts(w, w->e[k].t, at))
			sum += w->e[k].amount;
	return sum;
}

static void ref_add(ref_win *w, rs_time t, int64_t amount)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->e = realloc(w->e, w->cap * sizeof *w->e);
	}
	w->e[w->n++] = (ref_ent){t, amount};
}

static void ref_trim(ref_win *w, rs_time now)
{
	while (w->start < w->n && w->e[w->start].t <= now - RS_US_PER_MIN)
		w->start++;
}

static int cmp_time(const void *a, const void *b)
{
	rs_time x = *(const rs_time *)a, y = *(const rs_time *)b;
	return (x > y) - (x < y);
}

/* Every future instant at which a window's contents can change, sorted. */
static size_t ref_candidates(const ref_win *const *w, int nw, rs_time now, rs_time **buf,
                             size_t *cap)
{
	size_t n = 0;
	size_t need = 1;
	for (int i = 0; i < nw; i++)
		need += 1 + w[i]->n - w[i]->start;
	if (need > *cap) {
		*cap = 2 * need;
		*buf = realloc(*buf, *cap * sizeof **buf);
	}
	(*buf)[n++] = now;
	for (int i = 0; i < nw; i++) {
		if (w[i]->kind == RS_WINDOW_FIXED) {
			(*buf)[n++] = (now / w[i]->len + 1) * w[i]->len;
			continue;
		}
		for (size_t k = w[i]->start; k < w[i]->n; k++)
			if (w[i]->e[k].t + w[i]->len > now)
				(*buf)[n++] = w[i]->e[k].t + w[i]->len;
	}
	qsort(*buf, n, sizeof **buf, cmp_time);
	return n;
}

typedef struct diff_cfg {
	rs_window_kind tpm_window, rpm_window;
	int rpm_window_s; /* one window; 0: the two windows [1, 10] at once */
	bool count_refused;
	bool factor_1; /* prompt_estimate_factor 1 (the usual shape's), else 1.3 */
} diff_cfg;

#define DIFF_ARRIVALS    1500
#define DIFF_TPM         50000 /* with 6 per 1k: RPM 300, 50 per 10 s, 5 per 1 s */
#define DIFF_DEFAULT_MAX 300
#define DIFF_MAX_WINDOWS 3 /* TPM and up to two RPM windows */
/* One arrival in this many asks for no tokens at all (an estimate of 0: a
 * slot of the meter's ring that holds a request but no tokens). */
#define DIFF_ZERO_EVERY 20

/* The reference's answer to one arrival (est tokens at now): the
 * retry-after (the first instant every window fits; for an estimate above
 * the TPM, the TPM window empty) and the limit of the largest single-window
 * wait, ties to the earlier window (TPM first). */
static void ref_refusal(const ref_win *const *w, int nw, const int64_t *lim, int64_t est,
                        rs_time now, rs_time **cand, size_t *cap, rs_time *wait, int *which)
{
	size_t nc = ref_candidates(w, nw, now, cand, cap);
	rs_time at[DIFF_MAX_WINDOWS];
	for (int i = 0; i < nw; i++) {
		at[i] = -1;
		for (size_t k = 0; k < nc && at[i] < 0; k++) {
			int64_t tot = ref_total(w[i], (*cand)[k]);
			int64_t amount = i == 0 ? est : 1;
			bool ok = amount > lim[i] ? tot == 0 : tot + amount <= lim[i];
			if (ok)
				at[i] = (*cand)[k];
		}
	}
	*which = 0;
	for (int i = 1; i < nw; i++)
		if (at[i] > at[*which])
			*which = i;
	*wait = at[*which] - now;
}

static long diff_run(const diff_cfg *c, unsigned long seed)
{
	static const double scales[] = {1.0, 0.5, 0.25, 0.01, 2.0};
	static const int pair[] = {1, 10};
	rs_std_params p =
	    params(DIFF_TPM, 6, c->tpm_window, c->rpm_window, c->rpm_window_s, c->count_refused);
	int nw = 2;
	int lens[DIFF_MAX_WINDOWS] = {0, c->rpm_window_s};
	if (c->rpm_window_s == 0) {
		p.rpm_window_s = pair[0];
		p.n_rpm_windows = 2;
		memcpy(p.rpm_windows_s, pair, sizeof pair);
		nw = 3;
		lens[1] = pair[0];
		lens[2] = pair[1];
	}
	p.prompt_estimate_factor = c->factor_1 ? 1.0 : 1.3;
	p.max_tokens_default = DIFF_DEFAULT_MAX;
	rs_meter *m = rs_meter_std_new(&p);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	ref_win win[DIFF_MAX_WINDOWS];
	const ref_win *all[DIFF_MAX_WINDOWS];
	int64_t lim[DIFF_MAX_WINDOWS];
	for (int i = 0; i < nw; i++) {
		win[i] = (ref_win){i == 0 ? c->tpm_window : c->rpm_window,
		                   i == 0 ? RS_US_PER_MIN : lens[i] * RS_US_PER_S,
		                   NULL,
		                   0,
		                   0,
		                   0};
		all[i] = &win[i];
		lim[i] = i == 0 ? DIFF_TPM : rs_meter_std_rpm_limit_for(&p, lens[i]);
	}
	rs_time *cand = NULL;
	size_t cand_cap = 0;
	long mismatches = 0, refusals = 0, too_big = 0, by_tokens = 0, by_requests = 0;
	rs_time now = 0;
	for (int i = 0; i < DIFF_ARRIVALS; i++) {
		unsigned long pick = gsl_rng_uniform_int(rng, 8);
		if (pick == 0)
			; /* same instant as the previous arrival */
		else if (pick < 5)
			now += (rs_time)gsl_rng_uniform_int(rng, 600) * RS_US_PER_MS;
		else
			now += (rs_time)gsl_rng_uniform_int(rng, 600000);
		if (gsl_rng_uniform_int(rng, 50) == 0) {
			double s = scales[gsl_rng_uniform_int(rng, 5)];
			m->ops->set_scale(m, now, s);
			rs_std_params q = p;
			q.tpm = llround(DIFF_TPM * s);
			lim[0] = q.tpm;
			for (int k = 1; k < nw; k++)
				lim[k] = rs_meter_std_rpm_limit_for(&q, lens[k]);
		}
		rs_meter_req r = {.prompt_tokens = (int64_t)gsl_rng_uniform_int(rng, 201),
		                  .max_tokens = gsl_rng_uniform_int(rng, 10) == 0
		                                    ? -1
		                                    : (int64_t)gsl_rng_uniform_int(rng, 201),
		                  .best_of = gsl_rng_uniform_int(rng, 5) == 0 ? 2 : 1};
		if (gsl_rng_uniform_int(rng, DIFF_ZERO_EVERY) == 0)
			r.prompt_tokens = r.max_tokens = 0;
		int64_t prompt_est = c->factor_1
		                         ? r.prompt_tokens
		                         : (int64_t)ceil((double)r.prompt_tokens * 13 / 10 - 1e-9);
		int64_t est =
		    prompt_est + (r.max_tokens < 0 ? DIFF_DEFAULT_MAX : r.max_tokens) * r.best_of;
		rs_decision d;
		rs_meter_admit(m, now, &r, &d);

		/* the reference */
		bool fits = true, req_fits = true;
		for (int k = 0; k < nw; k++) {
			ref_trim(&win[k], now);
			bool ok = ref_total(&win[k], now) + (k == 0 ? est : 1) <= lim[k];
			fits = fits && ok;
			if (k > 0)
				req_fits = req_fits && ok;
			else
				by_tokens += !ok;
		}
		by_requests += !req_fits;
		if (fits || c->count_refused)
			for (int k = 0; k < nw; k++)
				ref_add(&win[k], now, k == 0 ? est : 1);
		rs_time wait = 0;
		int which = -1;
		if (!fits) {
			refusals++;
			too_big += est > lim[0];
			ref_refusal(all, nw, lim, est, now, &cand, &cand_cap, &wait, &which);
		}
		int64_t tt = ref_total(&win[0], now), rr = ref_total(&win[nw - 1], now);
		int64_t rem_t = tt < lim[0] ? lim[0] - tt : 0;
		int64_t rem_r = rr < lim[nw - 1] ? lim[nw - 1] - rr : 0;
		int64_t want_ms = fits ? 0 : rs_time_ceil_ms(wait);
		rs_limit_kind want_limit = fits         ? RS_LIMIT_NONE
		                           : which == 0 ? RS_LIMIT_TPM
		                                        : RS_LIMIT_RPM;
		int want_window = which > 0 ? lens[which] : 0;
		if (d.admitted != fits || d.retry_after_ms != want_ms ||
		    d.remaining_tokens != rem_t || d.remaining_requests != rem_r ||
		    d.charged != (fits ? (double)est : 0.0) || d.limit != want_limit ||
		    d.limit_window_s != want_window) {
			if (mismatches++ < 5)
				TH_FAIL("seed %lu arrival %d at %" PRId64 " us est %" PRId64
				        ": got admitted %d retry %" PRId64 " rem %" PRId64
				        "/%" PRId64 " limit %d/%d, want %d %" PRId64 " %" PRId64
				        "/%" PRId64 " %d/%d",
				        seed, i, now, est, d.admitted, d.retry_after_ms,
				        d.remaining_tokens, d.remaining_requests, (int)d.limit,
				        d.limit_window_s, fits, want_ms, rem_t, rem_r,
				        (int)want_limit, want_window);
		}
		rs_meter_state st;
		m->ops->sample(m, now, &st);
		if (st.level != (double)tt && mismatches++ < 5)
			TH_FAIL("seed %lu arrival %d: level %g, want %" PRId64, seed, i, st.level,
			        tt);
	}
	/* the sequence must exercise refusals and admissions alike (with
	 * count_refused, refused attempts keep the windows full: up to 92% of
	 * the arrivals are refused), refusals by either window, and estimates
	 * above the (scaled) TPM */
	CHECK(refusals > DIFF_ARRIVALS / 10 && refusals < DIFF_ARRIVALS * 19 / 20);
	CHECK(by_tokens > 0 && by_requests > 0 && too_big > 0);
	for (int k = 0; k < nw; k++)
		free(win[k].e);
	free(cand);
	gsl_rng_free(rng);
	rs_meter_free(m);
	return mismatches;
}

static void test_against_reference(void)
{
	static const rs_window_kind kinds[] = {RS_WINDOW_SLIDING, RS_WINDOW_FIXED};
	unsigned long seed = 1;
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++)
			for (int w = 0; w < 3; w++)
				for (int cr = 0; cr < 2; cr++)
					for (int f1 = 0; f1 < 2; f1++) {
						/* one 1 s window, one 10 s window, both at once */
						static const int lens[] = {1, 10, 0};
						diff_cfg c = {kinds[a], kinds[b], lens[w], cr != 0,
						              f1 != 0};
						CHECK_I64(diff_run(&c, seed++), 0);
					}
}

int main(void)
{
	RUN(test_against_reference);
	return th_done();
}
