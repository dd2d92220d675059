/*
 * inflight.h - the state of a running world, shared by its rooms (private
 * to sim/): the request pool's record, the outcome of presenting an
 * attempt, the world itself and the event types.
 *
 * Layout (issue 13): what every request touches is kept in as few cache
 * lines as the run can: a request's own fields in two lines (request), the
 * fields of features most runs leave off apart (request_rare, a side table
 * that exists only when one is on), and what the flow reads of its client
 * and its deployment in compact copies made once (client_hot, dep_hot), a
 * feature that is off costing one predictable branch.
 *
 * world.c builds the world, runs the event loop and closes the metrics;
 * attempt.c is the flow of an attempt (routing, admission, completion,
 * retries) and owns every event handler, which it registers in world_wire;
 * job.c, hedge.c, attempt_log.c and world_gateway.c are rooms attempt.c
 * calls into.  They all read this state; none of them includes another's
 * header to reach it, so calls run one way: world.c -> attempt.c -> the rest.
 */
#ifndef RATESIM_INFLIGHT_H
#define RATESIM_INFLIGHT_H

#include "ratesim/world.h"

#include "ratesim/client.h"
#include "ratesim/deployment.h"
#include "ratesim/engine.h"
#include "ratesim/fault.h"
#include "ratesim/gateway.h"
#include "ratesim/netjitter.h"
#include "ratesim/quota_watch.h"
#include "ratesim/refusal.h"
#include "ratesim/reqlog.h"
#include "ratesim/router.h"
#include "ratesim/service.h"

enum { EV_ARRIVAL, EV_DISPATCH, EV_DONE, EV_ANSWER, EV_TIMEOUT, EV_RETRY, EV_ORPHAN, EV_FAULT };
enum { EV_GEN_ENTER = EV_FAULT + 1, EV_GEN_NEXT }; /* service.c: processor sharing */
enum { EV_SEND = EV_GEN_NEXT + 1, EV_QUEUED };     /* the client's own controls (throttle.h) */
/* compute.h: the application tier in front of the clients (issue 9) */
enum { EV_TIER_ALLOC = EV_QUEUED + 1, EV_TIER_READY, EV_TIER_IDLE, EV_TIER_START };
/* batch.h: global batch deployments (issue 9) */
enum { EV_BATCH_SUBMIT = EV_TIER_START + 1, EV_BATCH_END };
/* pipelines (issue 9): job.c's deadline and next calls; attempt.c starts a call */
enum { EV_PIPE_DEADLINE = EV_BATCH_END + 1, EV_PIPE_NEXT, EV_PIPE_CALL };
enum { EV_HEDGE = EV_PIPE_CALL + 1, EV_HEDGE_DONE }; /* hedge.c: hedged requests */

#define NO_SLOT      UINT32_MAX
#define POOL_INITIAL 1024
/* A cache line: the request pool is aligned to it (see request). */
#define REQUEST_ALIGN 64
/* Routers in front of routers: how deep the chain may be.  Deeper layouts
 * are refused when the world is built. */
#define ROUTE_DEPTH 8

typedef struct route_path {
	uint8_t n;
	uint16_t router[ROUTE_DEPTH];
	uint16_t backend[ROUTE_DEPTH];
} route_path;

/* A request in flight: the fields every request touches, in two cache
 * lines (the pool is aligned to them, see slot_new in attempt.c), so that
 * its arrival, admission and completion - a second or more apart, when the
 * record has long left the cache - each fetch two lines and no more.  The
 * fields only a feature uses are in request_rare. */
typedef struct request {
	_Alignas(REQUEST_ALIGN) uint64_t id;
	rs_time arrived;  /* first attempt: latency is measured from here */
	rs_time sent;     /* when the current attempt was sent */
	rs_timing timing; /* of the current attempt, when admitted */
	double charged;   /* what the meter charged at admission */
	uint32_t client;
	uint32_t gen; /* attempt generation: a stale TIMEOUT is ignored */
	uint32_t job; /* the attempt on a shared deployment (service.h) */
	int32_t attempts;
	int64_t retry_after_ms;
	double prev_delay_s; /* the previous backoff delay (decorrelated jitter) */
	uint32_t next_free;
	uint8_t hops;    /* routers that chose its deployment: request_rare's path.n */
	bool spilled;    /* the current attempt was admitted by spillover */
	bool redirected; /* wait_or_spill sent it to the client's spill target */
	/* Last, the field written before it is read, which request_new leaves
	 * as it is (every field before it starts at zero): */
	rs_shape shape; /* drawn when the request arrives */
} request;
_Static_assert(sizeof(request) == 2 * REQUEST_ALIGN, "a request fills two cache lines");

/* A new request's fields before its shape: all zero but id, arrived and
 * client.  Field by field rather than a memset: GCC makes the memset of
 * these 88 bytes a `rep stos`, whose start-up costs more than the stores
 * (issue 13).  A field added above must be added here: */
_Static_assert(offsetof(request, shape) == 88, "request_start: a field added to reset");
static inline void request_start(request *r, uint64_t id, rs_time now, uint32_t client)
{
	r->id = id;
	r->arrived = now;
	r->sent = 0;
	r->timing = (rs_timing){0, 0};
	r->charged = 0;
	r->client = client;
	r->gen = 0;
	r->job = 0;
	r->attempts = 0;
	r->retry_after_ms = 0;
	r->prev_delay_s = 0;
	r->next_free = 0;
	r->hops = 0;
	r->spilled = false;
	r->redirected = false;
}

/* The rest of a request: the fields of the features most runs leave off
 * (the request log, pipelines, application tiers, the quota watch, routers,
 * hedges), in w->rare at the request's pool slot.  The table exists only
 * when the scenario has one of them (w->rare != NULL); each field is written
 * and read only when its feature is on, so a run without them never
 * touches it.  request_new resets it (all zero but `wanted` and `pipe`). */
typedef struct request_rare {
	uint64_t log_ticket; /* the request log's row of the current attempt (reqlog.h), or 0 */
	rs_time wanted;      /* when the current attempt was first asked for (client queue) */
	/* the current attempt's admission: the remaining quota the deployment
	 * reported (quota_watch.h; < 0: not reported) */
	int64_t seen_requests, seen_tokens;
	/* compute.h: how long it waited in its client's tier's queue, and its
	 * instance there (0: none) */
	rs_time tier_queued;
	uint32_t tier_inst;
	uint32_t pipe;       /* job.c: the pipeline it is a call of, + 1; 0: none */
	uint32_t deployment; /* where the current attempt was admitted (hedge.c) */
	route_path path;     /* the routers that chose its deployment (set at dispatch) */
} request_rare;

/* What the flow of an attempt reads of a client for every request, copied
 * from its configuration and its rs_client when the world is built: there
 * the fields lie far apart, a cache line each, and the run reads them every
 * few events.  Here they fill one line (the table is aligned to it). */
typedef struct client_hot {
	_Alignas(REQUEST_ALIGN) rs_retry_state *retry; /* borrowed from its rs_client */
	gsl_rng *rng_retry;                            /* borrowed */
	rs_throttle *ctl;                              /* borrowed: its own controls, or NULL */
	rs_target target, spill_target; /* where its attempts go; after wait_or_spill's spill */
	rs_time timeout;                /* the attempt timeout; 0: none */
	int32_t best_of;
	bool closed;  /* closed-loop users: a request's end brings the next arrival */
	bool chained; /* open loop: an arrival brings the next (not closed, not a job) */
	bool own_rtt; /* its own round trip (rtt_ms), which w->rtt holds */
	bool spill;   /* wait_or_spill */
	/* its retry policy keeps a state between attempts (a budget, a retry
	 * ratio or adaptive throttling); without one, rs_retry_throttle,
	 * rs_retry_on_sent and rs_retry_on_answer do nothing and are not called */
	bool retry_state;
} client_hot;

_Static_assert(sizeof(client_hot) == REQUEST_ALIGN, "a client's hot fields fill a cache line");

/* The same for a deployment: what presenting an attempt reads. */
typedef struct dep_hot {
	int spill;     /* its spillover deployment, or < 0 */
	bool shared;   /* its service model is on (rs_service_shared) */
	bool daily;    /* its latency has a daily pattern (latency_daily.h) */
	bool corrects; /* its meter corrects at completion (rs_meter_corrects) */
} dep_hot;

/* The outcome of presenting an attempt to a deployment or a router. */
typedef struct outcome {
	rs_answer answer;
	size_t dep;             /* the deployment whose answer it is, or SIZE_MAX */
	rs_decision dec;        /* OK and THROTTLED: the decision */
	int64_t retry_after_ms; /* THROTTLED */
	bool spilled;
	unsigned extra_tries;  /* backends tried beyond the first */
	rs_time hold_until;    /* > 0: a router holds the attempt until then */
	double backend_rtt_ms; /* the last router hop's round trip, or -1 */
	route_path path;
	rs_refuser refuser;  /* THROTTLED: who refused (refusal.h) */
	uint64_t log_ticket; /* the request log's row of this answer, or 0 */
} outcome;

struct rs_world {
	const rs_config *cfg;
	rs_engine *eng;
	rs_deployment *deps;
	size_t n_deps;
	rs_client *clients;
	size_t n_clients;
	client_hot *client_hot; /* [n_clients], aligned to REQUEST_ALIGN */
	dep_hot *dep_hot;       /* [n_deps] */
	rs_router **routers;
	rs_gateway **gateways; /* per router: its own quotas, or NULL (world_gateway.c) */
	bool **router_tried;   /* per router: scratch "tried" flags of one routing */
	size_t n_routers;
	rs_metrics *metrics;
	rs_world_hooks hooks;
	rs_reqlog *reqlog;    /* the request log, or NULL when not wanted */
	rs_fault_cfg *faults; /* owned: cfg's faults and the outages' (outages.h) */
	size_t n_faults;
	request *pool;      /* aligned to REQUEST_ALIGN */
	request_rare *rare; /* [pool_cap], or NULL when no feature needs it (request_rare) */
	bool wants_rare;    /* build: some feature needs w->rare */
	uint32_t pool_len, pool_cap, free_head;
	rs_service *svc; /* admitted attempts until they complete */
	/* issue 9: the application tiers (compute.h) and the global batch
	 * deployments (batch.h), each NULL when the scenario has none */
	struct rs_compute *compute;
	struct rs_batch *batch;
	struct rs_jobs *jobs;     /* job.c: jobs and pipelines (issue 9), NULL when none */
	struct hedge_room *hedge; /* hedge.c: NULL when no client hedges */
	rs_quota_watch *quota;    /* NULL when no client watches its remaining quota */
	rs_netjitter *jitter;     /* NULL when no client has network jitter */
	/* every admitted attempt that completes ends its request with nothing
	 * but a success to count and its slot to free: its success is given
	 * to the metrics at admission and no DONE event is scheduled (issue
	 * 13; completes_ahead in world.c says when) */
	bool complete_ahead;
	/* completions given ahead whose events would have run (before the
	 * end): with the queue's own, the events the model simulated */
	uint64_t completed_ahead;
	/* [client * n_deps + dep]: network round trip, ms: the client's own
	 * when it has one (client_hot.own_rtt), else the network's */
	double *rtt;
	uint64_t next_id;
	uint32_t gen_seq; /* the last attempt generation given (0: none) */
	rs_time end;
	rs_time metrics_due; /* before this, no bucket or minute is due */
	rs_status status;    /* first failure of a hook or an allocation */
	/* names and limits handed to the metrics (borrowed strings) */
	const char **dep_names, **client_names;
	double *tpm_limits, *rpm_limits;
	bool *provisioned;
	double *output_ratios;
};

/* r's rare fields (w->rare must exist: see request_rare). */
static inline request_rare *rare_of(const rs_world *w, const request *r)
{
	return &w->rare[r - w->pool];
}

static inline void fail(rs_world *w, rs_status st)
{
	if (w->status == RS_OK)
		w->status = st;
	rs_engine_fail(w->eng, st);
}

/* An event at `at`, unless at or after the end (nothing after the end is
 * observed); chained: an open-loop client's next arrival
 * (rs_engine_at_chained).  Out of memory fails the run. */
static inline void schedule_as(rs_world *w, bool chained, rs_time at, uint32_t type, uint32_t a,
                               uint64_t b)
{
	if (at >= w->end)
		return;
	rs_status st = chained ? rs_engine_at_chained(w->eng, at, type, a, b)
	                       : rs_engine_at(w->eng, at, type, a, b);
	if (st != RS_OK)
		fail(w, st);
}

static inline void schedule(rs_world *w, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	schedule_as(w, false, at, type, a, b);
}

static inline void schedule_chained(rs_world *w, rs_time at, uint32_t type, uint32_t a, uint64_t b)
{
	schedule_as(w, true, at, type, a, b);
}

/* world_gateway.c: the routers' own quotas (gateway.h) around an attempt.
 * new/free: one gateway per router with consumer_limits.  refuses: router
 * k's gateway refuses request r at `now` (OUT: out, a 429 by the gateway)
 * or admits and counts it.  held: take back router k's admission of r (the
 * router held the attempt).  completed: r completed; every router on its
 * path counts its tokens. */
rs_status world_gateways_new(rs_world *w, rs_error *err);
void world_gateways_free(rs_world *w);
bool world_gateway_refuses(rs_world *w, const request *r, size_t k, rs_time now, outcome *out);
void world_gateway_held(rs_world *w, const request *r, size_t k, rs_time now);
void world_gateway_completed(rs_world *w, const request *r, rs_time now);

/* attempt.c: register every event handler and build the service model
 * (the processor-sharing state of the deployments). */
rs_status world_wire(rs_world *w, rs_error *err);

#endif
