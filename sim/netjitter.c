/*
 * netjitter.c - per-client network delay draws (see netjitter.h).
 *
 *   fixed      value
 *   uniform    min + (max - min) x U[0, 1)         (gsl_rng_uniform)
 *   lognormal  median x exp(sigma x Z), Z ~ N(0,1) (gsl_ran_gaussian_ziggurat)
 * Real-valued, unlike dist.h's token counts: the engine keeps microseconds.
 * Lognormal is the usual shape of network delay (a floor and a right tail);
 * its median is at most RS_MAX_MS and the world's rounding to microseconds
 * keeps a tail draw finite (clamped at RS_MAX_MS).
 */
#include "ratesim/netjitter.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "ratesim/rng.h"

struct rs_netjitter {
	const rs_config *cfg; /* borrowed */
	gsl_rng **rng;        /* [n_clients]: NULL without jitter or fixed */
	size_t n;
};

bool rs_netjitter_wanted(const rs_config *cfg)
{
	for (size_t i = 0; i < cfg->n_clients; i++)
		if (cfg->clients[i].jitter)
			return true;
	return false;
}

rs_netjitter *rs_netjitter_new(const rs_config *cfg)
{
	rs_netjitter *j = rs_calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->cfg = cfg;
	j->rng = rs_calloc(cfg->n_clients ? cfg->n_clients : 1, sizeof *j->rng);
	if (!j->rng) {
		free(j);
		return NULL;
	}
	j->n = cfg->n_clients;
	for (size_t i = 0; i < j->n; i++) {
		const rs_client_cfg *cc = &cfg->clients[i];
		if (!cc->jitter || cc->network_jitter.kind == RS_DIST_FIXED)
			continue;
		j->rng[i] = rs_rng_stream(cfg->seed, "network_jitter", cc->name);
		if (!j->rng[i]) {
			rs_netjitter_free(j);
			return NULL;
		}
	}
	return j;
}

void rs_netjitter_free(rs_netjitter *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++)
		if (j->rng[i])
			gsl_rng_free(j->rng[i]);
	free(j->rng);
	free(j);
}

double rs_netjitter_draw_ms(rs_netjitter *j, size_t c)
{
	if (!j || !j->cfg->clients[c].jitter)
		return 0;
	const rs_dist_cfg *d = &j->cfg->clients[c].network_jitter;
	double ms = 0;
	switch (d->kind) {
	case RS_DIST_UNIFORM:
		ms = d->min + (d->max - d->min) * gsl_rng_uniform(j->rng[c]);
		break;
	case RS_DIST_LOGNORMAL:
		ms = d->median * exp(d->sigma * gsl_ran_gaussian_ziggurat(j->rng[c], 1.0));
		break;
	default: /* fixed: the loader takes no other kind */
		ms = d->value;
		break;
	}
	return fmin(ms, RS_MAX_MS);
}
