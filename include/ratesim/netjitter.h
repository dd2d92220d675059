/*
 * netjitter.h - random network delay on a client's path (issue 10 part 1):
 * each attempt's round trip gains a delay drawn from the client's
 * network_jitter_ms distribution (fixed, uniform or lognormal, in
 * milliseconds, real-valued), so that clients with the same schedule and
 * no retry jitter do not stay in lock-step unless the scenario says so.
 *
 * Each client with jitter draws from its own stream ("network_jitter", its
 * name: rng.h), so turning jitter on draws nothing from any other stream
 * and moves no other number of the run.  A fixed value draws nothing; a
 * fixed 0 is exactly the run without jitter.
 *
 * The delay applies to the whole path the client sees (client to the
 * deployment that answers, through any routers): one draw per attempt,
 * added to the round trip of its latency, its refusal and its error answer.
 *
 * Cost: O(1) per draw; memory one gsl_rng per client with jitter.
 */
#ifndef RATESIM_NETJITTER_H
#define RATESIM_NETJITTER_H

#include <stdbool.h>
#include <stddef.h>

#include "ratesim/config.h"

typedef struct rs_netjitter rs_netjitter;

/* Whether any client of cfg has network_jitter_ms. */
bool rs_netjitter_wanted(const rs_config *cfg);

/* The jitter of every client of cfg (borrowed for its lifetime), streams
 * seeded from cfg->seed.  NULL when out of memory.  Caller frees with
 * rs_netjitter_free. */
rs_netjitter *rs_netjitter_new(const rs_config *cfg);
void rs_netjitter_free(rs_netjitter *j); /* NULL does nothing */

/* The network delay of client c's next attempt, ms (>= 0; 0 without
 * jitter).  j may be NULL (no client has jitter): 0. */
double rs_netjitter_draw_ms(rs_netjitter *j, size_t c);

#endif
