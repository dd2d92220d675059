/*
 * attempt_log.h - the request log's view of an attempt (private to sim/;
 * issue 10 part 3).  attempt.c calls these thin hooks where a party decides
 * and where the client is done with an attempt; every one does nothing when
 * the run writes no request log (w->reqlog NULL) or the request is not in
 * the sample (ticket 0).  reqlog.h keeps the rows in order of decision.
 */
#ifndef RATESIM_ATTEMPT_LOG_H
#define RATESIM_ATTEMPT_LOG_H

#include "inflight.h"

#include "ratesim/refusal.h"
#include "ratesim/retry.h"

/* A deployment's decision on an attempt: opens its row (the service's side:
 * status, who and which limit refused, the estimate, what remains).
 * Returns the row's ticket, 0 when none. */
uint64_t alog_decision(rs_world *w, rs_time now, const request *r, size_t d,
                       const rs_meter_req *mreq, const outcome *o);

/* Close a deployment's row that is not the client's answer: a router or
 * the spillover went past it.  duration: the refusal's time. */
void alog_passed_on(rs_world *w, uint64_t ticket, rs_time duration, bool spilled);

/* A refusal no deployment made (a router with no backend it may use, the
 * client's own controls): opens the row of r's current attempt with
 * limit `why` (see docs/outputs.md for the names). */
void alog_refusal(rs_world *w, rs_time now, request *r, rs_refuser by, const char *why,
                  int64_t retry_after_ms);

/* The row of the answer the client waits for (ticket from alog_decision)
 * becomes r's current attempt's row: the service's time and spillover. */
void alog_attempt(rs_world *w, request *r, uint64_t ticket, rs_time duration, bool spilled);

/* The client stopped waiting for r's current attempt (its timeout). */
void alog_abandoned(rs_world *w, request *r);

/* The client is done with r's current attempt at `now`: close its row with
 * the backoff it drew before the next one (delay >= 0; -1: none) or the
 * reason it gave up (NULL: it did not). */
void alog_end(rs_world *w, request *r, rs_time now, rs_time delay, const char *gave_up);

/* r's current attempt will not end before the run does (it hangs with no
 * timeout): write its row now, still open. */
void alog_never(rs_world *w, request *r);

/* A row that is not r's current attempt (a hedge, hedge.h): set its
 * service time and spillover, leaving it open; then close it with `end`
 * at `now` (when the client had its answer or let it go). */
void alog_side(rs_world *w, uint64_t ticket, rs_time duration, bool spilled);
void alog_close(rs_world *w, uint64_t ticket, rs_time now, rs_attempt_end end);

/* Why a request gave up, for the log: "retries_exhausted", "policy"
 * (policy none), "deadline", "budget", "ratio", "retry_after". */
const char *alog_give_up_name(const rs_retry_cfg *cfg, rs_retry_stop stop);

#endif
