/*
 * refusal.h - who refused an attempt (issue 9 section 3, issue 10 section 3).
 *
 * A 429 can come from four parties: the service (a deployment's meter), the
 * gateway in front of it (a router's per-consumer quota), the router having
 * no backend it may use, or the client itself (its own rate limiter, queue
 * or breaker).  Every figure that counts 429s splits them by this value, and
 * the request log names it in its `decided_by` column.  The names below are
 * the spelling used in every output (one source of truth).
 */
#ifndef RATESIM_REFUSAL_H
#define RATESIM_REFUSAL_H

typedef enum rs_refuser {
	RS_BY_NONE,    /* admitted, or not decided yet */
	RS_BY_SERVICE, /* a deployment's meter (TPM, RPM, PTU utilisation) or outage */
	RS_BY_GATEWAY, /* a router's per-consumer quota */
	RS_BY_ROUTER,  /* the router had no backend it could use */
	RS_BY_CLIENT,  /* the client's own controls */
	RS_BY_COUNT
} rs_refuser;

static inline const char *rs_refuser_name(rs_refuser r)
{
	static const char *const names[RS_BY_COUNT] = {"none", "service", "gateway", "router",
	                                               "client"};
	return r < RS_BY_COUNT ? names[r] : "none";
}

#endif
