/*
 * compute.c - the application tier in front of the service (the model and
 * its sources are in include/ratesim/compute.h).
 *
 * Each tier keeps an array of max_instances instance records: a record is
 * FREE, DECIDED (waiting for scale_out_delay_s), COLD (allocated, its cold
 * start running) or READY.  New instances take the lowest FREE record, so
 * the order of the records is the stable routing order (always-ready ones
 * first).  The queue is a ring of entries (pool slot, time, instance) that
 * doubles when full: the oldest `granted` entries have their slot and wait for
 * their START event (time: how long they queued), the `waiting` ones after
 * them wait for a slot (time: when they came).
 *
 * Invariant: while the queue holds a request, no READY instance has a free
 * slot (a freed slot or a new instance takes the oldest queued request at
 * once), so a request never waits beside a free slot.
 *
 * Events (payload a = the tier, b = the record, or for START the pool slot):
 * ALLOC, READY and IDLE; an IDLE event carries the record's idle generation
 * in the upper 32 bits of b, so that one made stale by a new request is
 * ignored.  START(a = the tier) sends the oldest granted request: its slot
 * was taken when it left the queue, so a request arriving at the same time
 * cannot take it, and the START events of a tier run in the order they were
 * scheduled (same time, insertion order), which is the ring's.
 *
 * Figures count requests that arrived at or after warm-up, instances'
 * hours after warm-up (each instance's life [allocated, removed or end)
 * clipped to it), and cold starts and scale-ins at or after it.
 */
#include "ratesim/compute.h"

#include "ratesim/dist.h"
#include "ratesim/hist.h"
#include "ratesim/jsonout.h"
#include "ratesim/rng.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>

#define QUEUE_FIRST_CAP 64
#define FIG_MS_DECIMALS 1e3 /* summary.json: times queued to the microsecond */
#define FIG_DECIMALS    1e6 /* shares, hours and money: 6 decimals */
#define SECONDS_PER_H   3600.0

enum { INST_FREE, INST_DECIDED, INST_COLD, INST_READY };

typedef struct inst {
	uint8_t state;
	bool always;       /* always-ready: never removed */
	int busy;          /* slots taken */
	uint32_t idle_gen; /* bumped whenever it gets a request or is removed */
	rs_time allocated; /* when its life (and its bill) began */
} inst;

typedef struct entry {
	uint32_t slot;     /* the request's pool slot */
	uint32_t instance; /* granted: its instance number (> 0) */
	rs_time t;         /* waiting: when it came; granted: how long it waited */
} entry;

typedef struct tier {
	const rs_compute_cfg *cfg;
	inst *in;      /* [max_instances] */
	int live;      /* DECIDED + COLD + READY */
	int top;       /* records [top, max_instances) have always been FREE */
	int busy;      /* slots taken in all */
	entry *q;      /* the ring */
	size_t q_head; /* the oldest granted entry (or waiting, when none is) */
	size_t granted, waiting, q_cap;
	gsl_rng *rng;     /* cold starts */
	rs_hist *queued;  /* time queued > 0 of the requests that ended, ms */
	uint64_t no_wait; /* requests that ended without queueing (time 0) */
	rs_compute_figures f;
	double queued_us, e2e_us; /* sums over the requests that ended */
	rs_time life_us;          /* instance time after warm-up of removed instances */
} tier;

struct rs_compute {
	rs_engine *eng;
	rs_compute_events ev;
	const rs_config *cfg;
	rs_time warmup, end;
	tier *tiers;
	size_t n;
	int *tier_of; /* [client]: the tier, or -1 */
	rs_compute_start_fn start;
	void *ctx;
};

void rs_compute_cfg_free(rs_compute_cfg *tiers, size_t n)
{
	for (size_t i = 0; tiers && i < n; i++) {
		free(tiers[i].name);
		free(tiers[i].clients);
	}
	free(tiers);
}

static void at(rs_compute *c, rs_time when, uint32_t type, uint32_t a, uint64_t b)
{
	rs_engine_at_within(c->eng, c->end, when, type, a, b);
}

/* The part of [from, to) after warm-up, in microseconds. */
static rs_time after_warmup(const rs_compute *c, rs_time from, rs_time to)
{
	if (from < c->warmup)
		from = c->warmup;
	return to > from ? to - from : 0;
}

/* ---- instances ------------------------------------------------------------ */

/* The READY instance a request goes to (see compute.h, "Routing"), or -1. */
static int route(const tier *t)
{
	const rs_compute_cfg *k = t->cfg;
	int best = -1;
	for (int i = 0; i < t->top; i++) {
		const inst *p = &t->in[i];
		if (p->state != INST_READY || p->busy >= k->per_instance_concurrency)
			continue;
		if (p->busy < k->target_concurrency)
			return i;
		if (best < 0 || p->busy < t->in[best].busy)
			best = i;
	}
	return best;
}

/* Instance i has no request from now: its scale-in is due after the idle
 * time, unless a request comes first. */
static void went_idle(rs_compute *c, size_t k, int i, rs_time now)
{
	inst *p = &c->tiers[k].in[i];
	if (p->always)
		return;
	rs_time due = now + rs_time_from_s(c->tiers[k].cfg->scale_in_idle_s);
	at(c, due, c->ev.idle, (uint32_t)k, (uint64_t)p->idle_gen << 32 | (uint32_t)i);
}

static void take_slot(tier *t, int i)
{
	t->in[i].busy++;
	t->in[i].idle_gen++;
	t->busy++;
}

/* Give the free slots of READY instances to the oldest queued requests. */
static void drain(rs_compute *c, size_t k, rs_time now)
{
	tier *t = &c->tiers[k];
	while (t->waiting > 0) {
		int i = route(t);
		if (i < 0)
			return;
		entry *e = &t->q[(t->q_head + t->granted) % t->q_cap];
		take_slot(t, i);
		e->instance = (uint32_t)i + 1;
		e->t = now - e->t;
		t->granted++;
		t->waiting--;
		at(c, now, c->ev.start, (uint32_t)k, 0);
	}
}

/* The instances tier t wants for its demand (compute.h, "Scale out"). */
static uint64_t wanted(const tier *t)
{
	const rs_compute_cfg *kc = t->cfg;
	uint64_t demand = (uint64_t)t->busy + t->waiting;
	uint64_t want =
	    (demand + (uint64_t)kc->target_concurrency - 1) / (uint64_t)kc->target_concurrency;
	if (want < (uint64_t)kc->always_ready)
		want = (uint64_t)kc->always_ready;
	if (demand > 0) /* an active app keeps its pre-warmed buffer on top */
		want += (uint64_t)kc->prewarmed;
	return want < (uint64_t)kc->max_instances ? want : (uint64_t)kc->max_instances;
}

/* Decide new instances while the tier has fewer than it wants. */
static void scale_out(rs_compute *c, size_t k, rs_time now)
{
	tier *t = &c->tiers[k];
	const rs_compute_cfg *kc = t->cfg;
	uint64_t want = wanted(t);
	for (int i = 0; (uint64_t)t->live < want && i < kc->max_instances; i++) {
		if (t->in[i].state != INST_FREE)
			continue;
		t->in[i].state = INST_DECIDED; /* its idle_gen goes on from its last life */
		t->live++;
		if (i >= t->top)
			t->top = i + 1;
		if (t->live > t->f.peak_instances)
			t->f.peak_instances = t->live;
		at(c, now + rs_time_from_s(kc->scale_out_delay_s), c->ev.alloc, (uint32_t)k,
		   (uint64_t)i);
	}
}

static void on_alloc(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_compute *c = ctx;
	rs_time now = rs_engine_now(eng);
	tier *t = &c->tiers[ev->a];
	inst *p = &t->in[ev->b];
	assert(p->state == INST_DECIDED);
	p->state = INST_COLD;
	p->allocated = now;
	if (now >= c->warmup)
		t->f.cold_starts++;
	int64_t ms = rs_dist_draw(&t->cfg->cold_start_ms, NULL, RS_TRACE_PROMPT, t->rng, 0);
	at(c, now + ms * RS_US_PER_MS, c->ev.ready, ev->a, ev->b);
}

static void on_ready(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_compute *c = ctx;
	rs_time now = rs_engine_now(eng);
	tier *t = &c->tiers[ev->a];
	inst *p = &t->in[ev->b];
	assert(p->state == INST_COLD);
	p->state = INST_READY;
	drain(c, ev->a, now);
	if (p->busy == 0)
		went_idle(c, ev->a, (int)ev->b, now);
}

static void on_idle(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_compute *c = ctx;
	rs_time now = rs_engine_now(eng);
	tier *t = &c->tiers[ev->a];
	uint32_t i = (uint32_t)ev->b;
	inst *p = &t->in[i];
	if (p->state != INST_READY || p->busy > 0 || p->idle_gen != (uint32_t)(ev->b >> 32))
		return; /* stale: it has had a request since */
	if ((uint64_t)t->live <= wanted(t)) {
		went_idle(c, ev->a, (int)i, now); /* still wanted: asked again later */
		return;
	}
	t->life_us += after_warmup(c, p->allocated, now);
	if (now >= c->warmup)
		t->f.scale_ins++;
	p->state = INST_FREE;
	p->idle_gen++; /* an IDLE event of this life cannot match the next one */
	t->live--;
}

static void on_start(void *ctx, rs_engine *eng, const rs_event *ev)
{
	rs_compute *c = ctx;
	tier *t = &c->tiers[ev->a];
	assert(t->granted > 0);
	entry e = t->q[t->q_head];
	t->q_head = (t->q_head + 1) % t->q_cap;
	t->granted--;
	c->start(c->ctx, rs_engine_now(eng), e.slot, e.instance, e.t);
}

/* ---- requests ------------------------------------------------------------- */

/* Append a waiting entry; false when out of memory. */
static bool enqueue(tier *t, uint32_t slot, rs_time now)
{
	size_t n = t->granted + t->waiting;
	if (n == t->q_cap) { /* the ring doubles, its entries in order from 0 */
		size_t cap = t->q_cap ? t->q_cap * 2 : QUEUE_FIRST_CAP;
		entry *q = rs_calloc(cap, sizeof *q);
		if (!q)
			return false;
		for (size_t j = 0; j < n; j++)
			q[j] = t->q[(t->q_head + j) % t->q_cap];
		free(t->q);
		t->q = q;
		t->q_head = 0;
		t->q_cap = cap;
	}
	t->q[(t->q_head + n) % t->q_cap] = (entry){.slot = slot, .t = now};
	t->waiting++;
	return true;
}

rs_compute_entry rs_compute_enter(rs_compute *c, rs_time now, uint32_t client, uint32_t slot,
                                  uint32_t *instance)
{
	*instance = 0;
	if (!c || c->tier_of[client] < 0)
		return RS_COMPUTE_RUN;
	size_t k = (size_t)c->tier_of[client];
	tier *t = &c->tiers[k];
	bool counted = now >= c->warmup;
	t->f.requests += counted;
	rs_compute_entry res = RS_COMPUTE_RUN;
	int i = route(t);
	if (i >= 0) {
		take_slot(t, i);
		*instance = (uint32_t)i + 1;
	} else if (t->cfg->queue_limit > 0 && t->waiting >= (size_t)t->cfg->queue_limit) {
		t->f.refused += counted;
		return RS_COMPUTE_REFUSED;
	} else {
		res = RS_COMPUTE_QUEUED;
		t->f.queued += counted;
		if (!enqueue(t, slot, now)) {
			rs_engine_fail(c->eng, RS_ERR_NOMEM);
			return res;
		}
	}
	scale_out(c, k, now);
	return res;
}

void rs_compute_leave(rs_compute *c, rs_time now, uint32_t client, uint32_t instance,
                      rs_time arrived, rs_time queued)
{
	if (!c || instance == 0)
		return;
	size_t k = (size_t)c->tier_of[client];
	tier *t = &c->tiers[k];
	int i = (int)instance - 1;
	assert(t->in[i].state == INST_READY && t->in[i].busy > 0);
	t->in[i].busy--;
	t->busy--;
	if (arrived >= c->warmup) {
		t->f.ended++;
		t->queued_us += (double)queued;
		t->e2e_us += (double)(now - arrived);
		if (queued > 0)
			rs_hist_add(t->queued, rs_time_to_ms(queued));
		else
			t->no_wait++;
	}
	drain(c, k, now);
	if (t->in[i].busy == 0)
		went_idle(c, k, i, now);
}

/* ---- figures -------------------------------------------------------------- */

size_t rs_compute_tiers(const rs_compute *c)
{
	return c ? c->n : 0;
}

/* The q-quantile by nearest rank of the times queued, the zeros (most
 * requests: they found a slot) counted exactly and the others from the
 * histogram; NaN when no request ended. */
static double queued_quantile(const tier *t, double q)
{
	uint64_t n = t->f.ended;
	if (n == 0)
		return NAN;
	uint64_t rank = (uint64_t)ceil(q * (double)n);
	if (rank <= t->no_wait)
		return 0;
	uint64_t pos = n - t->no_wait;
	return rs_hist_quantile(t->queued, (double)(rank - t->no_wait) / (double)pos);
}

void rs_compute_figures_get(const rs_compute *c, size_t k, rs_compute_figures *out)
{
	const tier *t = &c->tiers[k];
	*out = t->f;
	rs_time life = t->life_us;
	for (int i = 0; i < t->top; i++) {
		const inst *p = &t->in[i];
		if (p->state == INST_COLD || p->state == INST_READY)
			life += after_warmup(c, p->allocated, c->end);
	}
	out->instance_hours = (double)life / (double)RS_US_PER_S / SECONDS_PER_H;
	out->cost_usd = out->instance_hours * t->cfg->instance_cost_per_hour;
	out->queued_p50_ms = queued_quantile(t, 0.50);
	out->queued_p95_ms = queued_quantile(t, 0.95);
	out->queued_p99_ms = queued_quantile(t, 0.99);
	uint64_t pos = rs_hist_count(t->queued);
	out->queued_mean_ms =
	    t->f.ended ? rs_hist_mean(t->queued) * (double)pos / (double)t->f.ended : NAN;
	if (pos == 0 && t->f.ended > 0)
		out->queued_mean_ms = 0;
	out->queued_max_ms = pos ? rs_hist_max(t->queued) : t->f.ended ? 0 : NAN;
	out->latency_share = t->e2e_us > 0 ? t->queued_us / t->e2e_us : NAN;
}

static bool put_tier(const rs_compute_cfg *k, const rs_compute_figures *f, cJSON *o)
{
	bool ok = cJSON_AddStringToObject(o, "name", k->name);
	ok = ok && cJSON_AddNumberToObject(o, "requests", (double)f->requests);
	ok = ok && cJSON_AddNumberToObject(o, "refused", (double)f->refused);
	ok = ok && cJSON_AddNumberToObject(o, "queued", (double)f->queued);
	ok = ok && cJSON_AddNumberToObject(o, "ended", (double)f->ended);
	cJSON *q = ok ? cJSON_AddObjectToObject(o, "queued_ms") : NULL;
	ok = q != NULL;
	ok = ok && rs_json_num(q, "p50", f->queued_p50_ms, FIG_MS_DECIMALS);
	ok = ok && rs_json_num(q, "p95", f->queued_p95_ms, FIG_MS_DECIMALS);
	ok = ok && rs_json_num(q, "p99", f->queued_p99_ms, FIG_MS_DECIMALS);
	ok = ok && rs_json_num(q, "mean", f->queued_mean_ms, FIG_MS_DECIMALS);
	ok = ok && rs_json_num(q, "max", f->queued_max_ms, FIG_MS_DECIMALS);
	ok = ok && rs_json_num(o, "latency_share", f->latency_share, FIG_DECIMALS);
	ok = ok && cJSON_AddNumberToObject(o, "cold_starts", (double)f->cold_starts);
	ok = ok && cJSON_AddNumberToObject(o, "scale_ins", (double)f->scale_ins);
	ok = ok && cJSON_AddNumberToObject(o, "peak_instances", f->peak_instances);
	ok = ok && rs_json_num(o, "instance_hours", f->instance_hours, FIG_DECIMALS);
	ok = ok && rs_json_num(o, "cost_usd", f->cost_usd, FIG_DECIMALS);
	return ok;
}

bool rs_compute_summary(const rs_config *cfg, const rs_compute *c, cJSON *summary)
{
	if (!c)
		return true;
	cJSON *arr = cJSON_AddArrayToObject(summary, "compute");
	bool ok = arr != NULL;
	for (size_t k = 0; ok && k < c->n; k++) {
		rs_compute_figures f;
		rs_compute_figures_get(c, k, &f);
		cJSON *o = cJSON_CreateObject();
		ok = o && cJSON_AddItemToArray(arr, o) && put_tier(&cfg->compute[k], &f, o);
	}
	return ok;
}

/* ---- life cycle ----------------------------------------------------------- */

static rs_status tier_init(rs_compute *c, tier *t, const rs_compute_cfg *k)
{
	t->cfg = k;
	t->in = rs_calloc((size_t)k->max_instances, sizeof *t->in);
	t->rng = rs_rng_stream(c->cfg->seed, "compute.cold_start", k->name);
	t->queued = rs_hist_new();
	if (!t->in || !t->rng || !t->queued)
		return RS_ERR_NOMEM;
	for (int i = 0; i < k->always_ready; i++)
		t->in[i] = (inst){.state = INST_READY, .always = true, .allocated = 0};
	t->live = k->always_ready;
	t->top = k->always_ready;
	t->f.peak_instances = t->live;
	return RS_OK;
}

static void tier_fini(tier *t)
{
	free(t->in);
	free(t->q);
	if (t->rng)
		gsl_rng_free(t->rng);
	rs_hist_free(t->queued);
}

void rs_compute_free(rs_compute *c)
{
	if (!c)
		return;
	for (size_t k = 0; k < c->n; k++)
		tier_fini(&c->tiers[k]);
	free(c->tiers);
	free(c->tier_of);
	free(c);
}

rs_status rs_compute_new(rs_engine *eng, const rs_compute_events *ev, const rs_config *cfg,
                         rs_time end, rs_compute_start_fn start, void *ctx, rs_compute **out)
{
	*out = NULL;
	if (cfg->n_compute == 0)
		return RS_OK;
	rs_compute *c = rs_calloc(1, sizeof *c);
	if (!c)
		return RS_ERR_NOMEM;
	*c =
	    (rs_compute){.eng = eng, .ev = *ev, .cfg = cfg, .end = end, .start = start, .ctx = ctx};
	c->warmup = rs_time_from_s(cfg->warmup_s);
	c->tiers = rs_calloc(cfg->n_compute, sizeof *c->tiers);
	c->tier_of = rs_calloc(cfg->n_clients ? cfg->n_clients : 1, sizeof *c->tier_of);
	rs_status st = c->tiers && c->tier_of ? RS_OK : RS_ERR_NOMEM;
	for (size_t i = 0; c->tier_of && i < cfg->n_clients; i++)
		c->tier_of[i] = -1;
	for (size_t k = 0; st == RS_OK && k < cfg->n_compute; k++) {
		c->n++;
		st = tier_init(c, &c->tiers[k], &cfg->compute[k]);
		for (size_t j = 0; j < cfg->compute[k].n_clients; j++)
			c->tier_of[cfg->compute[k].clients[j]] = (int)k;
	}
	if (st != RS_OK) {
		rs_compute_free(c);
		return st;
	}
	rs_engine_on(eng, ev->alloc, on_alloc, c);
	rs_engine_on(eng, ev->ready, on_ready, c);
	rs_engine_on(eng, ev->idle, on_idle, c);
	rs_engine_on(eng, ev->start, on_start, c);
	*out = c;
	return RS_OK;
}
