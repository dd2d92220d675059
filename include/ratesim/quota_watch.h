/*
 * quota_watch.h - a client that acts on the remaining quota every answer
 * carries (issue 10 part 1): a 200 whose x-ratelimit-remaining-requests or
 * x-ratelimit-remaining-tokens is under the client's threshold stops the
 * client sending for pause_ms (config.h rs_quota_watch_cfg).
 *
 * Pure module, like throttle.h: no events, no randomness.  The world tells
 * rs_quota_watch_seen when a success reaches a client (the remaining values
 * are those the deployment reported when it admitted the attempt, read when
 * the answer arrives: the headers come with the response), and asks
 * rs_quota_watch_paused before each attempt; a paused attempt waits until
 * the pause ends and is then sent (it is not refused, nor counted as an
 * attempt until it goes).
 *
 * "Under" is strict: with min_requests T the client pauses on a reported
 * remaining value of T - 1 or less, not on T.  A value < 0 is one the
 * deployment does not report (a provisioned deployment counts no requests)
 * and never pauses.  A pause seen during a pause extends it to the later
 * end; it never shortens it.
 *
 * Cost: O(1) per call; memory O(clients).
 */
#ifndef RATESIM_QUOTA_WATCH_H
#define RATESIM_QUOTA_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ratesim/config.h"

typedef struct rs_quota_watch rs_quota_watch;

/* Whether any client of cfg watches its remaining quota. */
bool rs_quota_watch_wanted(const rs_config *cfg);

/* The watch of every client of cfg (borrowed for its lifetime), none
 * paused.  NULL when out of memory.  Caller frees with rs_quota_watch_free. */
rs_quota_watch *rs_quota_watch_new(const rs_config *cfg);
void rs_quota_watch_free(rs_quota_watch *q); /* NULL does nothing */

/* A 200 reached client c at now, reporting these remaining values.
 * Returns true when it starts (or extends) a pause. */
bool rs_quota_watch_seen(rs_quota_watch *q, size_t c, rs_time now, int64_t remaining_requests,
                         int64_t remaining_tokens);

/* Whether client c is paused at now; OUT: *until, the pause's end, when it is. */
bool rs_quota_watch_paused(const rs_quota_watch *q, size_t c, rs_time now, rs_time *until);

/* Pauses client c started or extended so far. */
uint64_t rs_quota_watch_pauses(const rs_quota_watch *q, size_t c);

#endif
