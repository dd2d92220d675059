/*
 * rng.h - independent, named random-number streams.
 *
 * Every independent source of randomness (a client's arrivals, its token
 * sizes, its retry jitter, a deployment's latency) gets its own gsl_rng,
 * seeded from the scenario seed, the stream's purpose and the entity's NAME
 * (not its position), so that adding, removing or reordering a client does
 * not change the numbers any other entity draws (MODEL.md section 2).
 * The generator is GSL's MT19937; seeds are mixed with SplitMix64.
 */
#ifndef RATESIM_RNG_H
#define RATESIM_RNG_H

#include <gsl/gsl_rng.h>

#include "ratesim/common.h"

/* The seed of stream (purpose, name) of a run seeded with `seed`. */
uint64_t rs_rng_seed_of(uint64_t seed, const char *purpose, const char *name);

/* A new stream; NULL when out of memory.  Caller frees with gsl_rng_free. */
gsl_rng *rs_rng_stream(uint64_t seed, const char *purpose, const char *name);

#endif
