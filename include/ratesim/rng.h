/*
 * rng.h - independent, named random-number streams, and their generator.
 *
 * Every independent source of randomness (a client's arrivals, its token
 * sizes, its retry jitter, a deployment's latency) gets its own gsl_rng,
 * seeded from the scenario seed, the stream's purpose and the entity's NAME
 * (not its position), so that adding, removing or reordering a client does
 * not change the numbers any other entity draws (MODEL.md section 2).
 * Seeds are mixed with SplitMix64.
 *
 * The generator is MT19937 (Matsumoto and Nishimura, ACM TOMACS 8(1),
 * 1998) with the seeding of GSL's gsl_rng_mt19937 (the 2002 reference
 * init_genrand, seed 0 meaning 4357), written here as a gsl_rng_type of
 * ratesim's own, rs_rng_mt19937: for any seed it gives the same 32-bit
 * numbers as GSL's, and its gsl_rng_uniform the same doubles (k / 2^32), so
 * every GSL function draws from it exactly what it drew from GSL's
 * (tests/unit/test_rng.c compares millions of draws).  Owning the state lets
 * the hot draws below read it directly instead of through the indirect call
 * of every gsl_rng_get (issue 13); GSL's functions (the Ziggurat Gaussian,
 * gsl_rng_uniform_int, ...) still work on these streams unchanged.
 *
 * The inline draws accept any gsl_rng: one of another type (a test's
 * gsl_rng_mt19937) goes through GSL's generic interface, with the same
 * result.  The Gaussian's inline common case uses GSL's own Ziggurat
 * tables, which rng.c reads out of GSL when the first stream is made.
 */
#ifndef RATESIM_RNG_H
#define RATESIM_RNG_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ratesim/common.h"

/* MT19937's degree of recurrence: the state is RS_MT_N 32-bit words. */
#define RS_MT_N 624
/* 2^32: a 32-bit draw divided by it is a double in [0, 1), as GSL's
 * gsl_rng_uniform for MT19937 computes it. */
#define RS_MT_TO_UNIT 4294967296.0

/* Tempering, the output function (the paper's shifts u, s, t, l and masks
 * b, c): y ^= y >> u; y ^= (y << s) & b; y ^= (y << t) & c; y ^= y >> l. */
#define RS_MT_TEMPER_U 11
#define RS_MT_TEMPER_S 7
#define RS_MT_TEMPER_B UINT32_C(0x9d2c5680)
#define RS_MT_TEMPER_T 15
#define RS_MT_TEMPER_C UINT32_C(0xefc60000)
#define RS_MT_TEMPER_L 18

/* The state of one stream: the block of words, their tempered outputs, and
 * the next output to hand out (RS_MT_N: the block is used up, regenerate
 * before the next draw).  The outputs are tempered a block at a time, in a
 * loop that vectorises, rather than one draw at a time (issue 13: some ten
 * instructions of every draw); the recurrence needs the words untempered,
 * hence the second array.  `next` shares its cache line with the first
 * outputs. */
typedef struct rs_mt_state {
	uint32_t next;
	uint32_t out[RS_MT_N]; /* out[k]: word k tempered */
	uint32_t w[RS_MT_N];   /* the recurrence's words */
} rs_mt_state;

/* ratesim's MT19937, a gsl_rng_type (rs_rng_stream allocates it). */
extern const gsl_rng_type rs_rng_mt19937;

/* Regenerate the block of RS_MT_N words (the MT19937 recurrence), temper
 * them into out[] and restart at output 0.  Used by the inline draws; every
 * RS_MT_N draws. */
void rs_mt_refill(rs_mt_state *s);

/* The seed of stream (purpose, name) of a run seeded with `seed`. */
uint64_t rs_rng_seed_of(uint64_t seed, const char *purpose, const char *name);

/* A new stream; NULL when out of memory.  Caller frees with gsl_rng_free. */
gsl_rng *rs_rng_stream(uint64_t seed, const char *purpose, const char *name);

/* The next 32-bit number of an rs_rng_mt19937 state. */
static inline uint32_t rs_mt_next(rs_mt_state *s)
{
	if (s->next >= RS_MT_N)
		rs_mt_refill(s);
	return s->out[s->next++];
}

/* r's state when r is one of ratesim's streams, else NULL.  A caller that
 * draws often from one stream may keep it and draw through the _mt
 * functions, which do not read r itself: r is an allocation of its own,
 * one more cache line at each draw (issue 13). */
static inline rs_mt_state *rs_rng_mt_state(const gsl_rng *r)
{
	return r->type == &rs_rng_mt19937 ? r->state : NULL;
}

/* gsl_rng_uniform(r), bit for bit: a double in [0, 1). */
static inline double rs_rng_uniform(const gsl_rng *r)
{
	if (r->type != &rs_rng_mt19937)
		return gsl_rng_uniform(r);
	return (double)rs_mt_next((rs_mt_state *)r->state) / RS_MT_TO_UNIT;
}

/* gsl_ran_exponential(r, mu), bit for bit: -mu log1p(-U), U uniform in
 * [0, 1) (GSL 2.x's formula; the test compares them). */
static inline double rs_rng_exponential(const gsl_rng *r, double mu)
{
	return -mu * log1p(-rs_rng_uniform(r));
}

/* The same two, s being rs_rng_mt_state(r). */
static inline double rs_rng_uniform_mt(const gsl_rng *r, rs_mt_state *s)
{
	if (!s)
		return gsl_rng_uniform(r);
	return (double)rs_mt_next(s) / RS_MT_TO_UNIT;
}

static inline double rs_rng_exponential_mt(const gsl_rng *r, rs_mt_state *s, double mu)
{
	return -mu * log1p(-rs_rng_uniform_mt(r, s));
}

/* k's fields in gsl_ran_gaussian_ziggurat (for a 32-bit generator). */
#define RS_ZIG_STEPS     128 /* steps i: bits 0-6 of k */
#define RS_ZIG_STEP_MASK 0x7fu
#define RS_ZIG_SIGN_BIT  0x80u     /* bit 7: + when set */
#define RS_ZIG_J_SHIFT   8         /* j: bits 8-31 */
#define RS_ZIG_J_MASK    0xffffffu /* 24 bits */

/* GSL's Ziggurat tables, read out of GSL by rng.c when the first stream is
 * made, then only read.  ok: the inline path is in use. */
typedef struct rs_zig_tables {
	uint32_t k[RS_ZIG_STEPS]; /* accept at once when j < k[i] (0: never) */
	double w[RS_ZIG_STEPS];   /* x = j * w[i] */
	bool ok;
} rs_zig_tables;
extern rs_zig_tables rs_zig;

/* -x when flip, else x, exactly (the sign bit flipped), without a branch. */
static inline double rs_flip_sign(double x, bool flip)
{
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	bits ^= (uint64_t)flip << 63; /* binary64's sign bit */
	memcpy(&x, &bits, sizeof x);
	return x;
}

/* rs_rng_gaussian of r, a stream of ratesim's whose state is s: the
 * Ziggurat's common case inline (rng.c explains how), the rest GSL's. */
static inline double rs_zig_gaussian(const gsl_rng *r, rs_mt_state *s, double sigma)
{
	if (rs_zig.ok) {
		uint32_t k = rs_mt_next(s);
		uint32_t i = k & RS_ZIG_STEP_MASK, j = (k >> RS_ZIG_J_SHIFT) & RS_ZIG_J_MASK;
		if (j < rs_zig.k[i]) {
			double x = j * rs_zig.w[i];
			/* GSL's sign * sigma * x, with its int sign of +-1: the
			 * product sign * sigma is +-sigma exactly, so this is it
			 * without the conversion.  The sign is a random bit, so
			 * +-sigma is made by flipping sigma's sign bit, not chosen
			 * by a branch, which was mispredicted half the time
			 * (issue 13). */
			return rs_flip_sign(sigma, !(k & RS_ZIG_SIGN_BIT)) * x;
		}
		s->next--; /* put k back: GSL's function draws it again */
	}
	return gsl_ran_gaussian_ziggurat(r, sigma);
}

/* gsl_ran_gaussian_ziggurat(r, sigma), bit for bit, with its common case
 * inline for ratesim's streams. */
static inline double rs_rng_gaussian(const gsl_rng *r, double sigma)
{
	if (r->type != &rs_rng_mt19937)
		return gsl_ran_gaussian_ziggurat(r, sigma);
	return rs_zig_gaussian(r, r->state, sigma);
}

/* The same, s being rs_rng_mt_state(r) (see there). */
static inline double rs_rng_gaussian_mt(const gsl_rng *r, rs_mt_state *s, double sigma)
{
	if (!s)
		return gsl_ran_gaussian_ziggurat(r, sigma);
	return rs_zig_gaussian(r, s, sigma);
}

/* Whether rs_rng_gaussian's inline common case is in use (true unless its
 * start-up check against GSL failed; known once a stream exists). */
bool rs_rng_gaussian_inline(void);

#endif
