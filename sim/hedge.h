/*
 * hedge.h - hedged requests, the world's side room (private to sim/; the
 * model is in hedge.c's design note).  attempt.c calls these few hooks;
 * every one does nothing for a client that does not hedge.
 */
#ifndef RATESIM_HEDGE_H
#define RATESIM_HEDGE_H

#include "world_internal.h"

/* A completion whose slot carries this bit is the hedge's, not the
 * primary's (the service's done callback and EV_HEDGE_DONE).  Pool slots
 * stay below it: the pool would need 2^31 requests in flight. */
#define HEDGE_SLOT_BIT (UINT32_C(1) << 31)

/* Build the room (w->hedge; left NULL when no client hedges) and register
 * EV_HEDGE and EV_HEDGE_DONE.  Errors: RS_ERR_NOMEM. */
rs_status hedge_wire(rs_world *w, rs_error *err);
void hedge_free(rs_world *w); /* frees w->hedge; NULL does nothing */

/* Request `slot`'s current attempt was admitted at now (its timing drawn,
 * its gen given): when its client hedges, schedule the hedge's timer. */
void hedge_arm(rs_world *w, uint32_t slot, rs_time now);

/* An attempt the client waits for completed at now: when slot carries
 * HEDGE_SLOT_BIT the hedge won, so the primary is abandoned and the hedge's
 * attempt becomes the request's current one; otherwise a live hedge is
 * abandoned.  Either way the loser goes on on the service and is corrected
 * on its meter.  Returns the plain slot. */
uint32_t hedge_settle(rs_world *w, uint32_t slot, rs_time now);

/* The primary timed out: a live hedge of request `slot` is abandoned too. */
void hedge_abandon(rs_world *w, uint32_t slot);

#endif
