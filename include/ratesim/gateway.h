/*
 * gateway.h - a router's own per-consumer quotas (issue 9 part 3; MODEL.md
 * sections 8 and 12, seed 002: API Management in front of the service).
 *
 * A router may carry a list of consumer limits, each the model of one API
 * Management policy: `llm-token-limit` / `azure-openai-token-limit`
 * (tokens per minute per counter key) and `rate-limit-by-key` (calls per
 * renewal period).  A limit keeps one counter per consumer: per client, or
 * per named group of clients (a client in no group is not limited by it).
 *
 * The gateway's rules differ from the service's meter (meter_std.h):
 *   - requests are counted when the gateway admits the call;
 *   - tokens are counted from the response, when the call completes
 *     (prompt + completion tokens of its usage), so calls admitted while
 *     the counter is below the limit all go through and can take it past
 *     the limit (the APIM documentation: limits "may be exceeded
 *     temporarily" when several requests are processed at once);
 *   - with estimate_prompt_tokens the prompt is counted at admission
 *     (API Management's own tokenizer: exact here) and an attempt whose
 *     prompt would take the counter past the limit is refused; the
 *     completion tokens are still counted at the end;
 *   - without it, an attempt is refused only once the counter has reached
 *     the limit.
 * Windows are fixed minutes of simulated time, [60 m, 60 (m + 1)) s, one
 * counter per consumer and limit; a refusal is a 429 whose retry-after is
 * the time until the minute renews, in whole seconds rounded up (the
 * Retry-After header is in seconds).
 *
 * Cost: O(limits) per admission and per completion; memory O(limits x
 * consumers) per router.  No randomness.
 */
#ifndef RATESIM_GATEWAY_H
#define RATESIM_GATEWAY_H

#include "ratesim/common.h"

/* What a limit's counter key is. */
typedef enum rs_consumer_key {
	RS_CONSUMER_CLIENT, /* one counter per client */
	RS_CONSUMER_GROUP,  /* one counter per named group of clients */
} rs_consumer_key;

/* Defaults (scenarios/README.md, the consumer_limit table). */
#define RS_DEFAULT_CONSUMER_KEY    RS_CONSUMER_CLIENT
#define RS_DEFAULT_ESTIMATE_PROMPT false /* APIM's attribute has no default: the cheaper */
#define RS_GATEWAY_WINDOW_S        60    /* "per minute": the policies' unit, not a tunable */
#define RS_MAX_CONSUMER_LIMITS     64    /* limits on one router, at most */
#define RS_MAX_CONSUMER_GROUPS     1024  /* groups of one limit, at most */
#define RS_MAX_CONSUMER_PER_MINUTE 1e12  /* tokens or requests per minute, at most */

/* One consumer limit of a router (owned by the config). */
typedef struct rs_consumer_limit_cfg {
	rs_consumer_key key;
	double tokens_per_minute;   /* 0: no token limit */
	double requests_per_minute; /* 0: no request limit */
	bool estimate_prompt_tokens;
	char **group_names; /* key GROUP: the groups' names, n_groups of them */
	size_t n_groups;
	int *group_of; /* key GROUP: per client of the scenario, its group or -1 */
	size_t n_clients;
} rs_consumer_limit_cfg;

/* Release what a limit owns (not the limit itself); NULL does nothing. */
void rs_consumer_limit_fini(rs_consumer_limit_cfg *l);

typedef struct rs_gateway rs_gateway;

/* The gateway of a router with limits[0..n) (borrowed: they must outlive
 * it), for a scenario of n_clients clients.  NULL when out of memory.
 * Caller frees with rs_gateway_free. */
rs_gateway *rs_gateway_new(const rs_consumer_limit_cfg *limits, size_t n, size_t n_clients);
void rs_gateway_free(rs_gateway *g);

/* Admit or refuse an attempt of `client` with `prompt_tokens` at `now`
 * (non-decreasing across calls).  Admitted (true): every limit's counter
 * of the client counts the request (and the prompt, with
 * estimate_prompt_tokens).  Refused (false): nothing is counted; OUT
 * *retry_after_ms = the gateway's retry-after (the latest among the limits
 * that refuse). */
bool rs_gateway_admit(rs_gateway *g, rs_time now, size_t client, int64_t prompt_tokens,
                      int64_t *retry_after_ms);

/* Take back an admission made at the same `now` (the router held the
 * attempt instead of sending it: it will be presented again). */
void rs_gateway_undo(rs_gateway *g, rs_time now, size_t client, int64_t prompt_tokens);

/* An admitted attempt completed at `now`: its usage is counted in the
 * window of `now` (the prompt too, unless it was estimated at admission). */
void rs_gateway_complete(rs_gateway *g, rs_time now, size_t client, int64_t prompt_tokens,
                         int64_t output_tokens);

/* What limit i counts for `client` in the window of `now` (for tests and
 * the remaining-tokens figure); OUT zeros when the client is not limited. */
void rs_gateway_counter(const rs_gateway *g, size_t i, rs_time now, size_t client, double *tokens,
                        double *requests);

#endif
