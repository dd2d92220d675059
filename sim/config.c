/*
 * config.c - the parsed scenario's lifetime and the deployment kinds' names.
 *
 * An rs_config owns every string and array reachable from it (config.h):
 * deployments, quotas, clients (with their arrival schedule, think-time
 * distribution and retry preset name), routers and their backends, faults
 * and the network matrix; rs_config_free walks them all.  The config is built with calloc, so a
 * partly built config (the loader failed half-way) is freed the same way:
 * every pointer is either NULL or owned.  The model table's `source` strings
 * are static (models.c) and not freed.
 */
#include "ratesim/config.h"
#include "ratesim/batch.h"
#include "ratesim/compute.h"

#include <stdlib.h>
#include <string.h>

/* Indexed by rs_kind; the names are those of the scenario file and of the
 * service's deployment types. */
const char *const rs_kind_names[RS_KIND_COUNT] = {
    [RS_KIND_STANDARD] = "standard",
    [RS_KIND_GLOBAL_STANDARD] = "global_standard",
    [RS_KIND_DATA_ZONE_STANDARD] = "data_zone_standard",
    [RS_KIND_PROVISIONED] = "provisioned",
    [RS_KIND_GLOBAL_PROVISIONED] = "global_provisioned",
    [RS_KIND_DATA_ZONE_PROVISIONED] = "data_zone_provisioned",
};

/* The name of kind k as written in a scenario; "?" for a value out of range. */
const char *rs_kind_name(rs_kind k)
{
	if ((int)k < 0 || k >= RS_KIND_COUNT)
		return "?";
	return rs_kind_names[k];
}

/* True for the provisioned family (utilisation meter, MODEL.md section 5). */
bool rs_kind_is_provisioned(rs_kind k)
{
	return k == RS_KIND_PROVISIONED || k == RS_KIND_GLOBAL_PROVISIONED ||
	       k == RS_KIND_DATA_ZONE_PROVISIONED;
}

/* Parse a kind name (exact, case-sensitive).  Returns false when unknown and
 * leaves *k unchanged. OUT: *k. */
bool rs_kind_parse(const char *name, rs_kind *k)
{
	if (!name)
		return false;
	for (int i = 0; i < RS_KIND_COUNT; i++) {
		if (strcmp(name, rs_kind_names[i]) == 0) {
			*k = (rs_kind)i;
			return true;
		}
	}
	return false;
}

static void trace_cfg_fini(rs_trace_cfg *t)
{
	free(t->path);
	free(t->model_filter);
}

static void client_cfg_fini(rs_client_cfg *c)
{
	free(c->name);
	free(c->target);
	free(c->region);
	free(c->arrival.schedule);
	trace_cfg_fini(&c->arrival.trace);
	if (c->arrival.think_s) {
		trace_cfg_fini(&c->arrival.think_s->trace);
		free(c->arrival.think_s);
	}
	trace_cfg_fini(&c->prompt_tokens.trace);
	trace_cfg_fini(&c->output_tokens.trace);
	trace_cfg_fini(&c->images.count.trace);
	free(c->retry.preset);
	free(c->pipeline.steps);
}

static void router_cfg_fini(rs_router_cfg *r)
{
	free(r->name);
	for (size_t i = 0; r->backends && i < r->n_backends; i++)
		free(r->backends[i].name);
	free(r->backends);
	for (size_t i = 0; r->limits && i < r->n_limits; i++)
		rs_consumer_limit_fini(&r->limits[i]);
	free(r->limits);
}

/* Free cfg and everything it owns.  NULL does nothing. */
void rs_config_free(rs_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->effective_json);
	free(cfg->source);
	for (size_t i = 0; cfg->overrides && i < cfg->n_overrides; i++)
		free(cfg->overrides[i]);
	free(cfg->overrides);
	free(cfg->name);
	free(cfg->description);
	free(cfg->models);
	for (size_t i = 0; cfg->quotas && i < cfg->n_quotas; i++) {
		free(cfg->quotas[i].subscription);
		free(cfg->quotas[i].region);
		free(cfg->quotas[i].model);
	}
	free(cfg->quotas);
	for (size_t i = 0; cfg->deployments && i < cfg->n_deployments; i++) {
		free(cfg->deployments[i].name);
		free(cfg->deployments[i].subscription);
		free(cfg->deployments[i].region);
		free(cfg->deployments[i].spillover_to);
	}
	free(cfg->deployments);
	for (size_t i = 0; cfg->clients && i < cfg->n_clients; i++)
		client_cfg_fini(&cfg->clients[i]);
	free(cfg->clients);
	for (size_t i = 0; cfg->routers && i < cfg->n_routers; i++)
		router_cfg_fini(&cfg->routers[i]);
	free(cfg->routers);
	for (size_t i = 0; cfg->faults && i < cfg->n_faults; i++) {
		free(cfg->faults[i].deployment);
		free(cfg->faults[i].region);
	}
	free(cfg->faults);
	rs_compute_cfg_free(cfg->compute, cfg->n_compute);
	rs_batch_cfg_free(cfg->batch, cfg->n_batch);
	for (size_t i = 0; cfg->outages && i < cfg->n_outages; i++) {
		free(cfg->outages[i].deployment);
		free(cfg->outages[i].region);
	}
	free(cfg->outages);
	for (size_t i = 0; cfg->windows && i < cfg->n_windows; i++)
		free(cfg->windows[i].name);
	free(cfg->windows);
	for (size_t i = 0; cfg->alerts && i < cfg->n_alerts; i++)
		free(cfg->alerts[i].deployment);
	free(cfg->alerts);
	for (size_t i = 0; cfg->warnings && i < cfg->n_warnings; i++)
		free(cfg->warnings[i]);
	free(cfg->warnings);
	for (size_t i = 0; i < cfg->n_net; i++) {
		free(cfg->net_from ? cfg->net_from[i] : NULL);
		free(cfg->net_to ? cfg->net_to[i] : NULL);
	}
	free(cfg->net_from);
	free(cfg->net_to);
	free(cfg->net_rtt_ms);
	free(cfg);
}
