/*
 * compute.h - the application tier in front of the service (issue 9,
 * MODEL.md section 12; seeds 004 and 002): Functions, Container Apps or App
 * Service instances that run the code that calls Azure OpenAI.
 *
 * A tier ("compute" in a scenario) serves the requests of the clients it
 * names.  A request first takes a slot on one of the tier's instances; it
 * holds the slot for its whole end-to-end time, retries included (a
 * Function invocation makes the calls and their retries), and gives it back
 * when it ends, in success or failure.  The model:
 *
 *   Instances.  Each has per_instance_concurrency slots (Functions' host.json
 *   http.maxConcurrentRequests).  always_ready of them are ready from time 0
 *   and never removed (the Premium plan's always-ready instances, paid for
 *   all the time).  Others come and go with the load.
 *
 *   Routing.  A request goes to the first ready instance (in a stable order:
 *   the always-ready ones, then by slot) whose busy slots are below
 *   target_concurrency; failing that, to the ready instance with the fewest
 *   busy slots below per_instance_concurrency (the first of a tie); failing
 *   that it waits in the tier's FIFO queue.  Filling to the target first
 *   lets surplus instances fall idle, so that they can be scaled in.
 *
 *   Scale out (the scale controller; target-based scaling): evaluated when a
 *   request arrives at the tier.  The demand D is the busy slots plus the
 *   queued requests; the wanted instance count is max(always_ready, ceil(D /
 *   target_concurrency)), plus prewarmed when D > 0 (the Premium plan's
 *   pre-warmed buffer: instances started ahead of the demand, so that the
 *   next requests find them ready), at most max_instances.  While the tier has fewer
 *   instances (ready, starting or decided) than wanted, one more is decided:
 *   after scale_out_delay_s it is allocated and its cold start begins, drawn
 *   from cold_start_ms (seed 004: "often over 3 s, tens of seconds at
 *   times" on a Consumption plan); when the cold start is over it is ready
 *   and takes queued requests, oldest first.
 *
 *   Scale in: an instance that is not always-ready and has had no request
 *   for scale_in_idle_s is removed, unless the tier would then have fewer
 *   instances than it wants (a pre-warmed buffer while the app is active);
 *   such an instance is asked again after another scale_in_idle_s.
 *
 *   Queue.  A request that finds the queue holding queue_limit requests (0:
 *   no limit) is refused at once: Functions answers 429 "Too Busy" when
 *   http.maxOutstandingRequests is reached.  The request fails (a final
 *   failure; the client's retry policy is the invocation's, towards the
 *   service, so it does not apply).
 *
 *   Cost: instance_cost_per_hour for every hour an instance lives, from its
 *   allocation (its cold start is billed) to its removal or the end of the
 *   run; after warm-up, like the rest of the cost.  A Consumption plan's
 *   per-execution billing is not modelled.
 *
 * Latency: a request's end-to-end latency runs from its arrival at the tier,
 * so that time queued in the tier is part of what users feel (and of the
 * client's deadline_s).
 *
 * Determinism: each tier draws its cold starts from its own stream, seeded
 * from (seed, "compute.cold_start", the tier's name); a scenario without
 * tiers schedules no event and draws nothing, so its run is unchanged.
 *
 * Cost of the model: O(max_instances) per routing, O(1) per event.
 */
#ifndef RATESIM_COMPUTE_H
#define RATESIM_COMPUTE_H

#include "ratesim/config.h"
#include "ratesim/engine.h"

struct cJSON;

/* Bounds of a tier (the loader's limits: memory and routing cost). */
#define RS_MAX_INSTANCES     100000
#define RS_MAX_INSTANCE_SLOT 1000000 /* per_instance_concurrency, target_concurrency */
#define RS_MAX_QUEUE_LIMIT   100000000
#define RS_MAX_COLD_START_MS RS_MAX_MS

/* Defaults (scenarios/README.md, "compute", gives the source of each). */
#define RS_DEFAULT_COMPUTE_CONCURRENCY   100    /* host.json maxConcurrentRequests, Consumption */
#define RS_DEFAULT_COMPUTE_QUEUE_LIMIT   0      /* 0: the queue has no limit */
#define RS_DEFAULT_COMPUTE_MAX_INSTANCES 200    /* Consumption plan, Windows: 200 instances */
#define RS_DEFAULT_COMPUTE_ALWAYS_READY  0      /* Consumption: scales from zero */
#define RS_DEFAULT_COMPUTE_PREWARMED     0      /* Consumption has none (Premium: 1) */
#define RS_DEFAULT_COMPUTE_SCALE_OUT_S   0.0    /* decided and allocated at once */
#define RS_DEFAULT_COMPUTE_SCALE_IN_S    1200.0 /* idle 20 minutes: deallocated */
#define RS_DEFAULT_COMPUTE_COST_PER_HOUR 0.0    /* no price unless one is given */
/* The cold start when the scenario gives none (seed 004): lognormal of
 * median 4 s and sigma 0.9, so that 62% take over 3 s and 3.7% over 20 s. */
#define RS_DEFAULT_COMPUTE_COLD_START "{\"dist\":\"lognormal\",\"median\":4000,\"sigma\":0.9}"

/* A tier as the scenario gives it (owned by rs_config). */
typedef struct rs_compute_cfg {
	char *name;
	int *clients; /* the indices of the clients it serves (owned) */
	size_t n_clients;
	int per_instance_concurrency;
	int target_concurrency;
	int queue_limit; /* 0: none */
	int max_instances;
	int always_ready;
	int prewarmed; /* the buffer kept on top while the app is active */
	double scale_out_delay_s;
	double scale_in_idle_s;
	rs_dist_cfg cold_start_ms; /* fixed, uniform or lognormal; whole ms */
	double instance_cost_per_hour;
} rs_compute_cfg;

/* Free what the n tiers own, and the array.  NULL does nothing. */
void rs_compute_cfg_free(rs_compute_cfg *tiers, size_t n);

/* What a request arriving at its client's tier does. */
typedef enum rs_compute_entry {
	RS_COMPUTE_RUN,     /* it runs now (also: its client has no tier) */
	RS_COMPUTE_QUEUED,  /* it waits; the start callback says when it runs */
	RS_COMPUTE_REFUSED, /* the queue is full: it fails */
} rs_compute_entry;

/* A queued request got a slot on `instance` (> 0) after waiting `queued`
 * microseconds: the world sends it.  `slot` is what rs_compute_enter had. */
typedef void (*rs_compute_start_fn)(void *ctx, rs_time now, uint32_t slot, uint32_t instance,
                                    rs_time queued);

/* The engine event types the tiers schedule on (the world owns them). */
typedef struct rs_compute_events {
	uint32_t alloc; /* a decided instance is allocated: its cold start begins */
	uint32_t ready; /* its cold start is over */
	uint32_t idle;  /* an idle instance's scale-in time is due */
	uint32_t start; /* a queued request that got a slot is sent */
} rs_compute_events;

typedef struct rs_compute rs_compute;

/*
 * The tiers of cfg (borrowed: it must outlive them), with their handlers
 * registered on eng for the event types ev.  start(ctx, ...) is called for
 * each queued request that gets its slot.  end: the run's end.  OUT: *out,
 * NULL when cfg has no tier (every call below then does nothing, and
 * rs_compute_enter answers RUN).  Errors: RS_ERR_NOMEM.
 */
rs_status rs_compute_new(rs_engine *eng, const rs_compute_events *ev, const rs_config *cfg,
                         rs_time end, rs_compute_start_fn start, void *ctx, rs_compute **out);
void rs_compute_free(rs_compute *c); /* NULL does nothing */

/*
 * A request (pool slot `slot`) of client `client`, which arrived at `now`,
 * enters its client's tier.  RUN: OUT: *instance is the instance's number
 * (> 0), or 0 when the client has no tier; QUEUED: the start callback will
 * give it; REFUSED: it does not run (counted).  Errors go to the engine
 * (rs_engine_fail: out of memory growing the queue) with QUEUED returned.
 */
rs_compute_entry rs_compute_enter(rs_compute *c, rs_time now, uint32_t client, uint32_t slot,
                                  uint32_t *instance);

/*
 * A request of `client` that ran on `instance` (0: none, nothing to do)
 * ended at `now` (success or final failure); it arrived at `arrived` and
 * waited `queued` in the queue.  Its slot is given back; the oldest queued
 * request may take it.
 */
void rs_compute_leave(rs_compute *c, rs_time now, uint32_t client, uint32_t instance,
                      rs_time arrived, rs_time queued);

/* The figures of tier k over the run after warm-up (end: the run's end). */
typedef struct rs_compute_figures {
	uint64_t requests;    /* arrived at the tier */
	uint64_t refused;     /* refused: the queue was full */
	uint64_t queued;      /* waited in the queue before their slot */
	uint64_t ended;       /* ran and ended (the queue figures are over these) */
	uint64_t cold_starts; /* instances allocated (their cold start began) */
	uint64_t scale_ins;   /* instances removed after idling */
	int peak_instances;   /* the most instances at once (starting included) */
	double queued_p50_ms, queued_p95_ms, queued_p99_ms, queued_mean_ms, queued_max_ms;
	double latency_share; /* time queued / end-to-end time, summed over `ended` */
	double instance_hours;
	double cost_usd;
} rs_compute_figures;

size_t rs_compute_tiers(const rs_compute *c); /* 0 for NULL */
void rs_compute_figures_get(const rs_compute *c, size_t k, rs_compute_figures *out);

/* Add "compute": [one object per tier] to summary (docs/outputs.md); c may
 * be NULL (nothing is added).  Returns false when out of memory. */
bool rs_compute_summary(const rs_config *cfg, const rs_compute *c, struct cJSON *summary);

#endif
