/*
 * hedge.h - hedged requests: the side room of the attempt flow (private to
 * sim/; the model is in hedge.c's design note).  attempt.c calls these
 * hooks and owns the two events (EV_HEDGE, EV_HEDGE_DONE); hedge.c calls
 * nothing of attempt.c.  Every hook does nothing for a client that does
 * not hedge, and w->hedge is NULL when no client does.
 */
#ifndef RATESIM_HEDGE_H
#define RATESIM_HEDGE_H

#include "inflight.h"

/* A completion whose slot carries this bit is the hedge's, not the
 * primary's (the service's done callback, EV_HEDGE_DONE).  Pool slots stay
 * below it: the pool would need 2^31 requests in flight. */
#define HEDGE_SLOT_BIT (UINT32_C(1) << 31)

/* Build w->hedge when a client of w->cfg hedges (else leave it NULL).
 * Returns false when out of memory. */
bool hedge_build(rs_world *w);
void hedge_free(rs_world *w); /* frees w->hedge; NULL does nothing */

/* Request `slot`'s current attempt was admitted at now (its timing drawn,
 * its gen given): when its client hedges, set the hedge's timer. */
void hedge_arm(rs_world *w, uint32_t slot, rs_time now);

/* EV_HEDGE(a=gen, b=slot) is due: true when attempt `gen` is still the one
 * the client waits for; OUT: *target, where the hedge goes. */
bool hedge_due(const rs_world *w, uint32_t slot, uint32_t gen, rs_target *target);

/* The hedge was presented and answered as `o`.  Counts it (metrics.h). */
void hedge_sent(rs_world *w, uint32_t slot, const outcome *o, rs_time now);

/* The hedge was admitted as `o` with timing `tm` (mreq: the request's meter
 * view, borrowed): it runs on the service and is live; its request-log row
 * (o->log_ticket) stays open until it wins (it becomes the request's row)
 * or is abandoned. */
void hedge_start(rs_world *w, uint32_t slot, const outcome *o, const rs_timing *tm,
                 const rs_meter_req *mreq, rs_time now);

/* Whether hedge `gen` of request `slot` is live (EV_HEDGE_DONE's check). */
bool hedge_live(const rs_world *w, uint32_t slot, uint32_t gen);

/* An attempt the client waits for completed at now: when slot carries
 * HEDGE_SLOT_BIT the hedge won, so the primary is abandoned and the hedge's
 * attempt becomes the request's current one; otherwise a live hedge is
 * abandoned.  Either way the loser goes on on the service and is corrected
 * on its meter (mreq: the request's meter view).  Returns the plain slot. */
uint32_t hedge_settle(rs_world *w, uint32_t slot, rs_time now, const rs_meter_req *mreq);

/* The primary timed out: a live hedge of request `slot` is abandoned too. */
void hedge_abandon(rs_world *w, uint32_t slot, const rs_meter_req *mreq, rs_time now);

#endif
