/*
 * gateway.c - a router's per-consumer quotas (the rules are in gateway.h).
 *
 * Each limit holds an array of counters, one per consumer (a client, or a
 * group); a counter is (minute, tokens, requests) and is reset lazily when
 * it is touched in a later minute than the one it holds.  A client maps to
 * its counter through the limit's key: itself, or its group (none: the
 * limit does not apply to it).
 *
 * Invariants: a counter's minute never goes back (time is non-decreasing);
 * an admission either counts on every limit or on none (all are checked
 * first).  Cost: O(limits) per call, no allocation after rs_gateway_new.
 */
#include "ratesim/gateway.h"

#include <math.h>
#include <stdlib.h>

typedef struct counter {
	int64_t minute; /* the window the counts belong to */
	double tokens, requests;
} counter;

typedef struct limit {
	const rs_consumer_limit_cfg *cfg;
	counter *counters; /* per client (key CLIENT) or per group (key GROUP) */
} limit;

struct rs_gateway {
	limit *limits;
	size_t n;
	size_t n_clients;
};

void rs_consumer_limit_fini(rs_consumer_limit_cfg *l)
{
	if (!l)
		return;
	for (size_t g = 0; l->group_names && g < l->n_groups; g++)
		free(l->group_names[g]);
	free(l->group_names);
	free(l->group_of);
	*l = (rs_consumer_limit_cfg){0};
}

rs_gateway *rs_gateway_new(const rs_consumer_limit_cfg *limits, size_t n, size_t n_clients)
{
	rs_gateway *g = rs_calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->limits = rs_calloc(n, sizeof *g->limits);
	g->n = n;
	g->n_clients = n_clients;
	if (!g->limits) {
		free(g);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const rs_consumer_limit_cfg *c = &limits[i];
		size_t m = c->key == RS_CONSUMER_GROUP ? c->n_groups : n_clients;
		g->limits[i].cfg = c;
		g->limits[i].counters = rs_calloc(m ? m : 1, sizeof(counter));
		if (!g->limits[i].counters) {
			rs_gateway_free(g);
			return NULL;
		}
	}
	return g;
}

void rs_gateway_free(rs_gateway *g)
{
	if (!g)
		return;
	for (size_t i = 0; g->limits && i < g->n; i++)
		free(g->limits[i].counters);
	free(g->limits);
	free(g);
}

static int64_t minute_of(rs_time now)
{
	return now / ((rs_time)RS_GATEWAY_WINDOW_S * RS_US_PER_S);
}

/* The counter of `client` under limit l, brought to the window of `now`;
 * NULL when the limit does not apply to the client. */
static counter *counter_of(const limit *l, rs_time now, size_t client)
{
	const rs_consumer_limit_cfg *c = l->cfg;
	counter *k;
	if (c->key == RS_CONSUMER_GROUP) {
		int grp = client < c->n_clients ? c->group_of[client] : -1;
		if (grp < 0)
			return NULL;
		k = &l->counters[grp];
	} else {
		k = &l->counters[client];
	}
	int64_t m = minute_of(now);
	if (k->minute != m)
		*k = (counter){.minute = m};
	return k;
}

/* Whether limit l refuses an attempt with `prompt` tokens on counter k. */
static bool refuses(const rs_consumer_limit_cfg *c, const counter *k, double prompt)
{
	if (c->requests_per_minute > 0 && k->requests >= c->requests_per_minute)
		return true;
	if (c->tokens_per_minute <= 0)
		return false;
	if (c->estimate_prompt_tokens)
		return k->tokens + prompt > c->tokens_per_minute;
	return k->tokens >= c->tokens_per_minute;
}

/* Whole seconds, rounded up, from now to the end of its minute. */
static int64_t retry_after_ms(rs_time now)
{
	rs_time end = (minute_of(now) + 1) * (rs_time)RS_GATEWAY_WINDOW_S * RS_US_PER_S;
	rs_time left = end - now;
	int64_t s = (left + RS_US_PER_S - 1) / RS_US_PER_S;
	return s * 1000;
}

bool rs_gateway_admit(rs_gateway *g, rs_time now, size_t client, int64_t prompt_tokens,
                      int64_t *retry_ms)
{
	double prompt = (double)prompt_tokens;
	bool refused = false;
	for (size_t i = 0; i < g->n && !refused; i++) {
		counter *k = counter_of(&g->limits[i], now, client);
		refused = k && refuses(g->limits[i].cfg, k, prompt);
	}
	if (refused) {
		/* every counter renews at the same minute boundary */
		*retry_ms = retry_after_ms(now);
		return false;
	}
	for (size_t i = 0; i < g->n; i++) {
		counter *k = counter_of(&g->limits[i], now, client);
		if (!k)
			continue;
		k->requests += 1;
		if (g->limits[i].cfg->estimate_prompt_tokens)
			k->tokens += prompt;
	}
	return true;
}

void rs_gateway_undo(rs_gateway *g, rs_time now, size_t client, int64_t prompt_tokens)
{
	for (size_t i = 0; i < g->n; i++) {
		counter *k = counter_of(&g->limits[i], now, client);
		if (!k)
			continue;
		k->requests = fmax(0.0, k->requests - 1);
		if (g->limits[i].cfg->estimate_prompt_tokens)
			k->tokens = fmax(0.0, k->tokens - (double)prompt_tokens);
	}
}

void rs_gateway_complete(rs_gateway *g, rs_time now, size_t client, int64_t prompt_tokens,
                         int64_t output_tokens)
{
	for (size_t i = 0; i < g->n; i++) {
		counter *k = counter_of(&g->limits[i], now, client);
		if (!k)
			continue;
		k->tokens += (double)output_tokens;
		if (!g->limits[i].cfg->estimate_prompt_tokens)
			k->tokens += (double)prompt_tokens;
	}
}

void rs_gateway_counter(const rs_gateway *g, size_t i, rs_time now, size_t client, double *tokens,
                        double *requests)
{
	*tokens = *requests = 0;
	const limit *l = &g->limits[i];
	const rs_consumer_limit_cfg *c = l->cfg;
	const counter *k;
	if (c->key == RS_CONSUMER_GROUP) {
		int grp = client < c->n_clients ? c->group_of[client] : -1;
		if (grp < 0)
			return;
		k = &l->counters[grp];
	} else {
		k = &l->counters[client];
	}
	if (k->minute != minute_of(now))
		return;
	*tokens = k->tokens;
	*requests = k->requests;
}
