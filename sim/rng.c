/*
 * rng.c - stream seeding and the generator (rng.h).
 *
 * Seeding: FNV-1a over the purpose and name, mixed with the scenario seed
 * through SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014), reduced to the 32 bits MT19937 takes.
 *
 * The generator: MT19937 (Matsumoto and Nishimura 1998), the 32-bit
 * recurrence x[k+N] = x[k+M] ^ twist(upper bit of x[k], lower 31 bits of
 * x[k+1]) over N = 624 words, generated a block at a time, and tempered at
 * each draw; seeded as the 2002 reference init_genrand (GSL's too), with
 * seed 0 standing for 4357 as in GSL.  Its numbers equal gsl_rng_mt19937's
 * for every seed (test_rng.c).
 */
#include "ratesim/rng.h"

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME  UINT64_C(0x100000001b3)

/* MT19937's middle word offset, and its twist (the matrix A's last row). */
#define MT_M        397
#define MT_MATRIX_A UINT32_C(0x9908b0df)
#define MT_UPPER    UINT32_C(0x80000000) /* the upper bit of a word */
#define MT_LOWER    UINT32_C(0x7fffffff) /* its lower 31 bits */
/* init_genrand's multiplier (Knuth, TAOCP vol. 2, 3rd ed., p. 106). */
#define MT_INIT_MULT UINT32_C(1812433253)
/* The seed GSL uses for 0 (gsl_rng_set with 0 selects it). */
#define MT_SEED_FOR_ZERO 4357

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

/* ---- the generator ----------------------------------------------------- */

/* One step of the recurrence: the new word from x[k] (hi), x[k+1] (lo) and
 * x[k+M] (mid). */
static inline uint32_t mt_twist(uint32_t hi, uint32_t lo, uint32_t mid)
{
	uint32_t y = (hi & MT_UPPER) | (lo & MT_LOWER);
	return mid ^ (y >> 1) ^ (-(y & 1u) & MT_MATRIX_A);
}

void rs_mt_refill(rs_mt_state *s)
{
	uint32_t *w = s->w;
	int k = 0;
	for (; k < RS_MT_N - MT_M; k++)
		w[k] = mt_twist(w[k], w[k + 1], w[k + MT_M]);
	for (; k < RS_MT_N - 1; k++)
		w[k] = mt_twist(w[k], w[k + 1], w[k + MT_M - RS_MT_N]);
	w[RS_MT_N - 1] = mt_twist(w[RS_MT_N - 1], w[0], w[MT_M - 1]);
	s->next = 0;
}

static void mt_set(void *state, unsigned long seed)
{
	rs_mt_state *s = state;
	uint32_t x = seed ? (uint32_t)(seed & 0xffffffffu) : MT_SEED_FOR_ZERO;
	s->w[0] = x;
	for (uint32_t k = 1; k < RS_MT_N; k++) {
		x = MT_INIT_MULT * (x ^ (x >> 30)) + k;
		s->w[k] = x;
	}
	s->next = RS_MT_N;
}

static unsigned long mt_get(void *state)
{
	return rs_mt_next(state);
}

static double mt_get_double(void *state)
{
	return (double)rs_mt_next(state) / RS_MT_TO_UNIT;
}

const gsl_rng_type rs_rng_mt19937 = {
    .name = "rs_mt19937",
    .max = UINT32_MAX,
    .min = 0,
    .size = sizeof(rs_mt_state),
    .set = mt_set,
    .get = mt_get,
    .get_double = mt_get_double,
};

/* ---- streams ----------------------------------------------------------- */

uint64_t rs_rng_seed_of(uint64_t seed, const char *purpose, const char *name)
{
	uint64_t h = fnv1a(FNV_OFFSET, purpose);
	h = fnv1a(h ^ 0x1f, name); /* separator: ("ab","c") differs from ("a","bc") */
	return splitmix64(splitmix64(seed) ^ h);
}

gsl_rng *rs_rng_stream(uint64_t seed, const char *purpose, const char *name)
{
	gsl_rng *r = gsl_rng_alloc(&rs_rng_mt19937);
	if (!r)
		return NULL;
	uint64_t s = rs_rng_seed_of(seed, purpose, name);
	unsigned long s32 = (unsigned long)((s ^ (s >> 32)) & 0xffffffffu);
	gsl_rng_set(r, s32 ? s32 : 1); /* 0 selects GSL's default seed: avoid it */
	return r;
}
