/*
 * rng.c - stream seeding: FNV-1a over the purpose and name, mixed with the
 * scenario seed through SplitMix64 (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), reduced to the 32 bits that
 * gsl_rng_set uses for MT19937.
 */
#include "ratesim/rng.h"

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME  UINT64_C(0x100000001b3)

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= FNV_PRIME;
	}
	return h;
}

static uint64_t splitmix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

uint64_t rs_rng_seed_of(uint64_t seed, const char *purpose, const char *name)
{
	uint64_t h = fnv1a(FNV_OFFSET, purpose);
	h = fnv1a(h ^ 0x1f, name); /* separator: ("ab","c") differs from ("a","bc") */
	return splitmix64(splitmix64(seed) ^ h);
}

gsl_rng *rs_rng_stream(uint64_t seed, const char *purpose, const char *name)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return NULL;
	uint64_t s = rs_rng_seed_of(seed, purpose, name);
	unsigned long s32 = (unsigned long)((s ^ (s >> 32)) & 0xffffffffu);
	gsl_rng_set(r, s32 ? s32 : 1); /* 0 selects GSL's default seed: avoid it */
	return r;
}
