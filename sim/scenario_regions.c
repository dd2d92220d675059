/*
 * scenario_regions.c - the loader's check of where each model is deployed
 * (issue 9, seed 000): a regional deployment (standard or provisioned) of
 * a model in a region that the dated table of regions.h says does not
 * offer it gets a warning, collected in cfg->warnings for the command line
 * to print; the run is the same with or without it.  With the top-level
 * "strict_availability": true it is an error instead, naming the JSON
 * path, the model, the region and the regions that offer it.  A model the
 * table has no list for is not checked.  Cost: one table scan per
 * deployment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/regions.h"
#include "scenario_keys.h"

/* Kept as "FILE: PATH: text" in cfg->warnings. */
static rs_status warn(sc *c, const char *path, const char *text)
{
	size_t len = strlen(c->file) + strlen(path) + strlen(text) + 5;
	char *w = malloc(len);
	char **v = realloc(c->cfg->warnings, (c->cfg->n_warnings + 1) * sizeof *v);
	if (v)
		c->cfg->warnings = v;
	if (!w || !v) {
		free(w);
		return sc_nomem(c);
	}
	snprintf(w, len, "%s: %s: %s", c->file, path, text);
	v[c->cfg->n_warnings++] = w;
	return RS_OK;
}

static bool regional(rs_kind k)
{
	return k == RS_KIND_STANDARD || k == RS_KIND_PROVISIONED;
}

rs_status sc_check_regions(sc *c)
{
	const rs_config *cfg = c->cfg;
	for (size_t i = 0; i < cfg->n_deployments; i++) {
		const rs_deployment_cfg *d = &cfg->deployments[i];
		const char *model = cfg->models[d->model].name;
		if (!regional(d->kind) || !rs_regions_known(model) ||
		    rs_regions_offers(model, d->region))
			continue;
		char dep[SC_PATH_MAX], path[SC_PATH_MAX], where[SC_LIST_MAX], text[RS_ERROR_MAX];
		sc_child_index(dep, ".deployments", i);
		sc_child_key(path, dep, "region");
		rs_regions_describe(model, where, sizeof where);
		snprintf(text, sizeof text, "%s is not offered in %s (offered in: %s)", model,
		         d->region, where);
		if (cfg->strict_availability)
			return sc_invalid(c, path, "%s; strict_availability is true", text);
		rs_status st = warn(c, path, text);
		if (st != RS_OK)
			return st;
	}
	return RS_OK;
}
