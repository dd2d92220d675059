/*
 * rng.c - stream seeding and the generator (rng.h).
 *
 * Seeding: FNV-1a over the purpose and name, mixed with the scenario seed
 * through SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014), reduced to the 32 bits MT19937 takes.
 *
 * The generator: MT19937 (Matsumoto and Nishimura 1998), the 32-bit
 * recurrence x[k+N] = x[k+M] ^ twist(upper bit of x[k], lower 31 bits of
 * x[k+1]) over N = 624 words, generated a block at a time and tempered
 * (the output function) in the same loops, which vectorise, into a second
 * array, so that a draw is one load; a stream's state is 5 KB (GSL's 2.5 KB
 * tempers at each draw).  Seeded as the 2002 reference init_genrand (GSL's too), with
 * seed 0 standing for 4357 as in GSL.  Its numbers equal gsl_rng_mt19937's
 * for every seed (test_rng.c).
 *
 * The Gaussian: GSL's gsl_ran_gaussian_ziggurat (Marsaglia and Tsang's
 * Ziggurat, 128 steps, by J. Voss), whose common case rng.h inlines.  It
 * takes one 32-bit number k: bit 7 is the sign, bits 0-6 the step i, bits
 * 8-31 the position j; when j < K[i] it returns sign * sigma * (j * W[i]),
 * else it goes on with more draws (the wedges and the tail).  K and W are
 * GSL's own tables, read out of gsl_ran_gaussian_ziggurat once, at the
 * first stream, by feeding it chosen numbers through a scripted generator
 * (zig_read): W[i] is its answer to j = 1, K[i] the first j it does not
 * accept at once (a binary search: accepting, it asks for no further
 * number).  When k falls outside the common case it is put back and GSL's
 * function draws it again and does the rest, so every Gaussian is GSL's,
 * bit for bit (test_rng.c compares millions).  A self-check against GSL's
 * function at start turns the inline path off if it ever disagrees (another
 * GSL with other tables or bits).
 */
#include "ratesim/rng.h"

#include <gsl/gsl_randist.h>
#include <pthread.h>
#include <string.h>

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME  UINT64_C(0x100000001b3)

/* MT19937's middle word offset, and its twist (the matrix A's last row). */
#define MT_M        397
#define MT_MATRIX_A UINT32_C(0x9908b0df)
#define MT_UPPER    UINT32_C(0x80000000) /* the upper bit of a word */
#define MT_LOWER    UINT32_C(0x7fffffff) /* its lower 31 bits */
/* init_genrand: x[k] = MULT * (x[k-1] ^ (x[k-1] >> SHIFT)) + k, with the
 * multiplier of Knuth, TAOCP vol. 2, 3rd ed., p. 106. */
#define MT_INIT_MULT  UINT32_C(1812433253)
#define MT_INIT_SHIFT 30
/* 32-bit words in a 128-bit vector register (SSE2, any x86-64). */
#define MT_VEC_WORDS 4
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

/* The output function (tempering) of one word. */
static inline uint32_t mt_temper(uint32_t y)
{
	y ^= y >> RS_MT_TEMPER_U;
	y ^= (y << RS_MT_TEMPER_S) & RS_MT_TEMPER_B;
	y ^= (y << RS_MT_TEMPER_T) & RS_MT_TEMPER_C;
	return y ^ (y >> RS_MT_TEMPER_L);
}

void rs_mt_refill(rs_mt_state *s)
{
	uint32_t *w = s->w, *out = s->out;
	int k = 0;
	/* each new word is kept for the recurrence and tempered into out[];
	 * the first N - M = 227 words as 224 and 3: the loop of 224 vectorises
	 * (at -O2, GCC vectorises only a loop that leaves no remainder), as
	 * does the loop of the next 396 */
	for (; k < (RS_MT_N - MT_M) / MT_VEC_WORDS * MT_VEC_WORDS; k++) {
		w[k] = mt_twist(w[k], w[k + 1], w[k + MT_M]);
		out[k] = mt_temper(w[k]);
	}
	for (; k < RS_MT_N - MT_M; k++) {
		w[k] = mt_twist(w[k], w[k + 1], w[k + MT_M]);
		out[k] = mt_temper(w[k]);
	}
	for (; k < RS_MT_N - 1; k++) {
		w[k] = mt_twist(w[k], w[k + 1], w[k + MT_M - RS_MT_N]);
		out[k] = mt_temper(w[k]);
	}
	w[RS_MT_N - 1] = mt_twist(w[RS_MT_N - 1], w[0], w[MT_M - 1]);
	out[RS_MT_N - 1] = mt_temper(w[RS_MT_N - 1]);
	s->next = 0;
}

/* MT19937's seeding (init_genrand). */
static void mt_seed(rs_mt_state *s, unsigned long seed)
{
	/* GSL keeps the seed's low 32 bits */
	uint32_t x = seed ? (uint32_t)(seed & UINT32_MAX) : MT_SEED_FOR_ZERO;
	s->w[0] = x;
	for (uint32_t k = 1; k < RS_MT_N; k++) {
		x = MT_INIT_MULT * (x ^ (x >> MT_INIT_SHIFT)) + k;
		s->w[k] = x;
	}
	s->next = RS_MT_N;
}

static pthread_once_t zig_once = PTHREAD_ONCE_INIT;
static void zig_init(void);

static void mt_set(void *state, unsigned long seed)
{
	pthread_once(&zig_once, zig_init); /* before any draw of any stream */
	mt_seed(state, seed);
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

/* ---- the Ziggurat's common case ------------------------------------------ */

/* (k's fields, the tables and the common case itself are in rng.h.) */

/* One past the largest position j (2^24). */
#define ZIG_J_END (RS_ZIG_J_MASK + 1u)
/* Draws compared with GSL's at start: every step some 16 times. */
#define ZIG_CHECK_DRAWS 2048
/* The seed of that comparison (any). */
#define ZIG_CHECK_SEED 20250713ul

/* GSL's tables, read once (zig_read), then only read. */
rs_zig_tables rs_zig;

/* The scripted generator: its first number is `first`, every later one is
 * `then`; it counts the numbers asked for. */
typedef struct zig_script {
	unsigned long first, then;
	int calls;
} zig_script;

static unsigned long script_get(void *state)
{
	zig_script *z = state;
	return z->calls++ == 0 ? z->first : z->then;
}

static double script_get_double(void *state)
{
	return (double)script_get(state) / RS_MT_TO_UNIT;
}

static void script_set(void *state, unsigned long seed)
{
}

static const gsl_rng_type zig_script_type = {
    .name = "rs_zig_script",
    .max = UINT32_MAX, /* the same span as MT19937: the same branch in GSL */
    .min = 0,
    .size = sizeof(zig_script),
    .set = script_set,
    .get = script_get,
    .get_double = script_get_double,
};

/* GSL's Gaussian (sigma 1) for a first number of step i (sign +) and
 * position j; *at_once tells whether it asked for nothing more.  Later
 * numbers are step 1, position 0, which GSL accepts at once (K[1] > 0 in
 * any Ziggurat), so the call ends. */
static double zig_probe(gsl_rng *g, uint32_t i, uint32_t j, bool *at_once)
{
	zig_script *z = g->state;
	z->first = (unsigned long)j << RS_ZIG_J_SHIFT | RS_ZIG_SIGN_BIT | i;
	z->then = RS_ZIG_SIGN_BIT | 1u;
	z->calls = 0;
	double x = gsl_ran_gaussian_ziggurat(g, 1.0);
	*at_once = z->calls == 1;
	return x;
}

/* Read K and W out of GSL's function (see the note). */
static void zig_read(gsl_rng *g)
{
	for (uint32_t i = 0; i < RS_ZIG_STEPS; i++) {
		bool at_once;
		/* the first j not accepted at once: j < K[i] is accepted */
		uint32_t lo = 0, hi = ZIG_J_END;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			zig_probe(g, i, mid, &at_once);
			if (at_once)
				lo = mid + 1;
			else
				hi = mid;
		}
		rs_zig.k[i] = lo;
		/* x = 1 * W[i], returned as +1 * 1.0 * x: W[i] exactly */
		rs_zig.w[i] = lo > 1 ? zig_probe(g, i, 1, &at_once) : 0.0;
	}
}

/* The inline path against GSL's function, from one seed: equal? */
static bool zig_check(void)
{
	rs_mt_state a, b;
	gsl_rng ga = {.type = &rs_rng_mt19937, .state = &a};
	gsl_rng gb = {.type = &rs_rng_mt19937, .state = &b};
	mt_seed(&a, ZIG_CHECK_SEED); /* not gsl_rng_set: mt_set waits for this */
	mt_seed(&b, ZIG_CHECK_SEED);
	for (int n = 0; n < ZIG_CHECK_DRAWS; n++) {
		double x = rs_rng_gaussian(&ga, 1.0), y = gsl_ran_gaussian_ziggurat(&gb, 1.0);
		if (memcmp(&x, &y, sizeof x) != 0)
			return false;
	}
	return a.next == b.next && memcmp(a.w, b.w, sizeof a.w) == 0;
}

static void zig_init(void)
{
	gsl_rng *g = gsl_rng_alloc(&zig_script_type);
	if (!g)
		return; /* out of memory: GSL's function for every draw */
	zig_read(g);
	gsl_rng_free(g);
	rs_zig.ok = true;
	rs_zig.ok = zig_check();
}

bool rs_rng_gaussian_inline(void)
{
	return rs_zig.ok;
}

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
