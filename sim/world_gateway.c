/*
 * world_gateway.c - the routers' own quotas in the flow of an attempt
 * (gateway.h; issue 9 part 3).  attempt.c calls these three hooks:
 *
 *   - route(): before router k picks a backend, its gateway admits or
 *     refuses the client's attempt.  A refusal is the router's whole
 *     answer: a 429 decided by the gateway (refusal.h), with the gateway's
 *     retry-after, no deployment behind it, answered at once (like the
 *     router's own fail-fast 429);
 *   - when the router holds the attempt instead of sending it, the
 *     admission is taken back (it will be presented again);
 *   - complete(): every router on the attempt's path counts its usage.
 * An attempt the client abandoned (timeout) is not counted at completion:
 * the gateway never sees its response.
 *
 * A router without consumer_limits has no gateway (NULL): nothing is
 * counted and no figure changes.  Cost: O(limits) per router hop.
 */
#include "inflight.h"

#include <stdlib.h>

rs_status world_gateways_new(rs_world *w, rs_error *err)
{
	const rs_config *cfg = w->cfg;
	w->gateways = rs_calloc(cfg->n_routers ? cfg->n_routers : 1, sizeof *w->gateways);
	if (!w->gateways)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building the gateways");
	for (size_t k = 0; k < cfg->n_routers; k++) {
		const rs_router_cfg *rc = &cfg->routers[k];
		if (rc->n_limits == 0)
			continue;
		w->gateways[k] = rs_gateway_new(rc->limits, rc->n_limits, cfg->n_clients);
		if (!w->gateways[k])
			return rs_fail(err, RS_ERR_NOMEM,
			               "out of memory building router %s's limits", rc->name);
	}
	return RS_OK;
}

void world_gateways_free(rs_world *w)
{
	for (size_t k = 0; w->gateways && k < w->cfg->n_routers; k++)
		rs_gateway_free(w->gateways[k]);
	free(w->gateways);
	w->gateways = NULL;
}

bool world_gateway_refuses(rs_world *w, const request *r, size_t k, rs_time now, outcome *out)
{
	rs_gateway *g = w->gateways[k];
	int64_t retry_ms = -1;
	if (!g || rs_gateway_admit(g, now, r->client, r->shape.prompt_tokens, &retry_ms))
		return false;
	*out = (outcome){
	    .answer = RS_ANS_THROTTLED,
	    .dep = SIZE_MAX,
	    .dec = {.retry_after_ms = retry_ms},
	    .retry_after_ms = retry_ms,
	    .backend_rtt_ms = -1,
	    .refuser = RS_BY_GATEWAY,
	};
	return true;
}

void world_gateway_held(rs_world *w, const request *r, size_t k, rs_time now)
{
	if (w->gateways[k])
		rs_gateway_undo(w->gateways[k], now, r->client, r->shape.prompt_tokens);
}

void world_gateway_completed(rs_world *w, const request *r, rs_time now)
{
	const route_path *p = &rare_of(w, r)->path; /* routed: the rare table exists */
	for (unsigned i = 0; i < r->hops; i++) {
		rs_gateway *g = w->gateways[p->router[i]];
		if (g)
			rs_gateway_complete(g, now, r->client, r->shape.prompt_tokens,
			                    r->shape.output_tokens);
	}
}
