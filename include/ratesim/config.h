/*
 * config.h - the parsed scenario: plain, immutable configuration.
 *
 * The scenario loader (scenario.c) turns a JSON file into an rs_config and
 * checks every value; the world (world.c) builds simulation state from it.
 * Nothing here is simulation state, and a run never re-reads JSON, which is
 * what keeps `--set`, `validate` and `compare` simple.
 *
 * Every default lives in exactly one place: the model table (models.c) for
 * per-model figures, and the RS_DEFAULT_* macros below for scenario-wide
 * ones; scenarios/README.md documents each with its source.
 *
 * Ownership: an rs_config owns every string and array reachable from it;
 * rs_config_free releases them all.
 */
#ifndef RATESIM_CONFIG_H
#define RATESIM_CONFIG_H

#include "ratesim/common.h"
#include "ratesim/gateway.h"
#include "ratesim/models.h"

/* Scenario-wide defaults (scenarios/README.md lists them). */
#define RS_DEFAULT_SEED         1
#define RS_DEFAULT_WARMUP_S     0.0
#define RS_DEFAULT_BUCKET_S     10.0
#define RS_DEFAULT_SUBSCRIPTION "default"
#define RS_DEFAULT_RPM_WINDOW_S 10
/* MODEL.md section 13: "Please retry after 86400 seconds" for an estimate
 * above the whole TPM (several public reports; docs/model.md cites them). */
#define RS_DEFAULT_OVERSIZE_RETRY_AFTER_S 86400.0
/* The most RPM windows a deployment enforces at once (rpm_windows_s). */
#define RS_MAX_RPM_WINDOWS                4
#define RS_DEFAULT_PROMPT_ESTIMATE_FACTOR 1.0
#define RS_DEFAULT_BEST_OF                1
#define RS_DEFAULT_TRACE_SPEEDUP          1.0
#define RS_DEFAULT_STRICT_SIZES           true
#define RS_DEFAULT_RETRY_MAX_RETRIES      3   /* a retry policy's attempts after the first */
#define RS_DEFAULT_RETRY_DELAY_S          1.0 /* its wait when retry-after is absent or ignored */
#define RS_DEFAULT_CACHED_FRACTION        0.0 /* no prompt caching unless asked */

/* Issue 9: images in requests, and the check of a model's regions. */
#define RS_DEFAULT_IMAGE_COUNT         1             /* "images" given: one image per request */
#define RS_DEFAULT_IMAGE_DETAIL        RS_IMAGE_HIGH /* the costlier: "auto" is undocumented */
#define RS_DEFAULT_STRICT_AVAILABILITY false         /* a model off its regions: a warning */

/* Issue 9: metric alert rules (alerts.h); off unless a scenario has "alerts".
 * Azure Monitor's metric alert: a new rule's lookback window of 5 minutes,
 * evaluated every minute, on the platform metrics' 1-minute grain; a stateful
 * alert resolves after 3 evaluations without the condition; seed 000 alerts
 * at 80% and 90% of the quota. */
#define RS_DEFAULT_ALERT_DEPLOYMENT    "*" /* every deployment the metric applies to */
#define RS_DEFAULT_ALERT_THRESHOLDS    "[0.8,0.9]"
#define RS_DEFAULT_ALERT_AGGREGATION   RS_ALERT_AVERAGE
#define RS_DEFAULT_ALERT_GRAIN_S       60.0
#define RS_DEFAULT_ALERT_WINDOW_S      300.0
#define RS_DEFAULT_ALERT_FREQUENCY_S   60.0
#define RS_DEFAULT_ALERT_RESOLVE_AFTER 3

/* Defaults of the retry family, routers, faults, arrivals and pricing;
 * scenarios/README.md gives the reason and source of each. */

/* retry (MODEL.md section 8) */
#define RS_DEFAULT_RETRY_BASE_S            0.5 /* exponential: first wait; openai-python's */
#define RS_DEFAULT_RETRY_CAP_S             8.0 /* exponential: longest wait; openai-python's */
#define RS_DEFAULT_RETRY_JITTER            RS_JITTER_FULL /* AWS blog: the cheapest that spreads */
#define RS_DEFAULT_RETRY_FACTOR_MIN        0.75           /* openai-python: 1 - 0.25 x U(0, 1) */
#define RS_DEFAULT_RETRY_FACTOR_MAX        1.0
#define RS_DEFAULT_RETRY_AFTER             RS_RETRY_AFTER_HONOUR /* the service says when */
#define RS_DEFAULT_RETRY_AFTER_CAP_S       60.0                  /* openai-python honours <= 60 s */
#define RS_DEFAULT_RETRY_AFTER_JITTER_S    1.0
#define RS_DEFAULT_RETRY_ATTEMPT_TIMEOUT_S 0.0 /* 0: never */
#define RS_DEFAULT_RETRY_DEADLINE_S        0.0 /* 0: never */
#define RS_DEFAULT_RETRY_BUDGET_MAX        0.0 /* 0: no retry budget */
#define RS_DEFAULT_RETRY_BUDGET_REFUND     0.1 /* 1 retry per 10 successes */
#define RS_DEFAULT_RETRY_RATIO             0.0 /* 0: no ratio limit */
#define RS_DEFAULT_RETRY_RATIO_WINDOW_S    60.0
#define RS_DEFAULT_RETRY_ADAPTIVE_K        0.0   /* 0: no adaptive throttling */
#define RS_DEFAULT_RETRY_ADAPTIVE_WINDOW_S 120.0 /* SRE book: "two minutes" */
#define RS_DEFAULT_RETRY_AFTER_GIVE_UP_S   0.0   /* 0: never give up on a long retry-after */

/* client-side controls (throttle.h); each is off unless its object is given */
#define RS_DEFAULT_LIMIT_MODE      RS_LIMIT_FIXED
#define RS_DEFAULT_LIMIT_BURST     1.0           /* one attempt at a time: a pure pacer */
#define RS_DEFAULT_LIMIT_ON_EMPTY  RS_LIMIT_WAIT /* botocore's TokenBucket blocks */
#define RS_DEFAULT_QUEUE_TIMEOUT_S 0.0           /* 0: a queued request waits forever */
#define RS_DEFAULT_BREAKER_OPEN_S  30.0          /* Polly's and resilience4j's durationOfBreak */
#define RS_DEFAULT_BREAKER_PROBES  1             /* Polly: one trial call when half-open */

/* the client's reactions (hedge.c, quota_watch.h, netjitter.h); off unless given */
#define RS_DEFAULT_HEDGE_MIN_SAMPLES 20     /* fewest whose nearest-rank p95 is not the max */
#define RS_DEFAULT_HEDGE_MAX         1      /* one secondary request (Dean and Barroso 2013) */
#define RS_DEFAULT_QUOTA_PAUSE_MS    1000.0 /* the standard meter's 1 s RPM window */
#define RS_MAX_HEDGES                100    /* hedges per request: as many as retries */

/* clients */
#define RS_DEFAULT_CLIENT_PRIORITY      0
#define RS_DEFAULT_THINK_S              1.0     /* closed loop: think time, a fixed 1 s */
#define RS_DEFAULT_DAILY_AMPLITUDE      0.5     /* peak 1.5x, trough 0.5x the mean */
#define RS_DEFAULT_DAILY_PEAK_AT_S      43200.0 /* noon */
#define RS_DEFAULT_DAILY_POINTS_PER_DAY 96      /* every 15 minutes */

/* jobs, pipelines and time-of-day latency (issue 9, job.h, latency_daily.h) */
#define RS_DEFAULT_JOB_START_S             0.0 /* a job or a herd starts with the run */
#define RS_DEFAULT_PIPELINE_CALLS          1   /* a step is one call unless it fans out */
#define RS_DEFAULT_PIPELINE_DEADLINE_S     0.0 /* 0: no deadline */
#define RS_DEFAULT_LATENCY_DAILY_PEAK_AT_S RS_DEFAULT_DAILY_PEAK_AT_S /* with the arrivals' */

/* routers */
#define RS_DEFAULT_BACKEND_WEIGHT          1.0
#define RS_DEFAULT_BACKEND_PRIORITY        0
#define RS_DEFAULT_ROUTER_COOLDOWN_ON_429  true
#define RS_DEFAULT_ROUTER_COOLDOWN_S       10.0 /* the standard meter's RPM window */
#define RS_DEFAULT_ROUTER_BREAKER_FAILURES 0    /* 0: no circuit breaker */
#define RS_DEFAULT_ROUTER_BREAKER_WINDOW_S 10.0
#define RS_DEFAULT_ROUTER_BREAKER_OPEN_S   30.0
#define RS_DEFAULT_ROUTER_ALL_DOWN         RS_ALL_DOWN_FAIL
#define RS_DEFAULT_ROUTER_LATENCY_ALPHA    0.2

/* the service model (service.h): off, today's latency model alone */
#define RS_DEFAULT_SERVICE RS_SERVICE_OFF

/* faults */
#define RS_DEFAULT_FAULT_DOWN_MODE RS_DOWN_ERROR
#define RS_DEFAULT_FAULT_ERROR_MS  50.0

/* pricing */
#define RS_DEFAULT_PTU_BILLING      RS_PTU_HOURLY /* pay for what the run holds */
#define RS_DEFAULT_COUNT_REFUSED    false         /* MODEL.md section 4 */
#define RS_DEFAULT_ESTIMATOR_WINDOW 100

/* Limits (issue 12): the valid range of every number of a scenario.  The
 * loader's key rows hold each key's range; these are the shared bounds they
 * are built from, and scenarios/README.md ("Every key at a glance") lists
 * every key's.  They keep a run finite and its arithmetic exact: */

/* Times and durations (any *_s) are at most 400 days, so that every derived
 * microsecond value (at most 3.5e13) fits int64 with a margin of 10^5 for
 * the sums and factors a run makes of them. */
#define RS_MAX_TIME_S 34560000.0
/* A time that becomes a loop step (bucket_s, on/off periods) is at least
 * 1 ms: a smaller one would round to a few microseconds per step and walk
 * a long run a microsecond at a time. */
#define RS_MIN_STEP_S 0.001
/* Schedule points are at least 1 microsecond apart (the clock's tick). */
#define RS_MIN_TICK_S 0.000001
/* Latencies and round trips (any *_ms): at most an hour. */
#define RS_MAX_MS 3600000.0
/* Rates: at most a million requests per second. */
#define RS_MAX_RATE_RPS 1000000.0
/* Token counts of one request (sizes, max_tokens, estimates): ten million,
 * well above any model's context; with best_of <= 128 and factors <= 100
 * an estimate stays below 2^53. */
#define RS_MAX_TOKENS  10000000.0
#define RS_MAX_BEST_OF 128
/* Quota and deployment sizes. */
#define RS_MAX_TPM 1000000000000.0
#define RS_MAX_PTU 1000000.0
/* Multiplicative factors and ratios (prompt_estimate_factor, output_ratio,
 * max_tokens factor, jitter factors, latency fault scale, adaptive_k). */
#define RS_MAX_FACTOR 100.0
/* The smallest positive share, ratio or weight that still means something
 * (below it a rate or a capacity is 0 in all but name). */
#define RS_MIN_SHARE 0.000001
/* A degrade fault keeps at least 0.1% of the capacity: below it a PTU
 * deployment's level would take longer than any run to drain. */
#define RS_MIN_DEGRADE_SCALE 0.001
/* Generation speeds (tokens per second) and PTU input throughput. */
#define RS_MIN_TOKENS_PER_S 0.01
#define RS_MAX_TOKENS_PER_S 1000000.0
#define RS_MIN_TPM_PER_PTU  1.0
#define RS_MAX_TPM_PER_PTU  1000000000.0
#define RS_MAX_RPM_PER_1K   1000000.0
/* Lognormal sigmas: exp(5 x 8) is already 2e17 times the median. */
#define RS_MAX_SIGMA 5.0
/* Counts that size memory: retries per request, the circuit breaker's ring
 * of failures, the running-mean estimator's window, closed-loop users,
 * a daily schedule's points per day (one a second). */
#define RS_MAX_RETRIES          100
#define RS_MAX_BREAKER_FAILURES 10000
#define RS_MAX_ESTIMATOR_WINDOW 1000000
#define RS_MAX_USERS            1000000
#define RS_MAX_POINTS_PER_DAY   86400
/* Jobs and pipelines (issue 9): a job's requests (its figures take fixed
 * memory, so only the run's length bounds it), the requests of an at_once
 * herd (all in memory at once, like closed-loop users), a pipeline's steps
 * and calls per step. */
#define RS_MAX_JOB_REQUESTS   1000000000
#define RS_MAX_AT_ONCE        RS_MAX_USERS
#define RS_MAX_PIPELINE_STEPS 1000
#define RS_MAX_PIPELINE_CALLS 100000
/* Retry budgets (tokens), prices (USD per unit) and trace speed-ups. */
#define RS_MAX_BUDGET  1000000000.0
#define RS_MAX_PRICE   1000000.0
#define RS_MIN_SPEEDUP 0.000001
#define RS_MAX_SPEEDUP 1000000.0
/* Windows of figures (issue 11): each keeps a counter set and two latency
 * histograms (about 20 KB) for the total and for each deployment. */
#define RS_MAX_WINDOWS     16
#define RS_WINDOW_NAME_MAX 64 /* bytes of a window's name */
/* Labels (priorities) and other small whole numbers. */
#define RS_MAX_PRIORITY 1000000

/* Resource budgets: a scenario whose estimated memory or output
 * (rs_scenario_estimate) exceeds them is refused, naming the value
 * responsible; "limits" in the scenario, or the caller
 * (rs_scenario_load_with), raises them. */
#define RS_DEFAULT_MAX_MEMORY_MB 4096.0
#define RS_DEFAULT_MAX_OUTPUT_MB 2048.0
#define RS_MAX_BUDGET_MB         1048576.0 /* 1 TiB: the largest budget a scenario may ask */

/* ---- deployments ------------------------------------------------------ */

typedef enum rs_kind {
	RS_KIND_STANDARD,
	RS_KIND_GLOBAL_STANDARD,
	RS_KIND_DATA_ZONE_STANDARD,
	RS_KIND_PROVISIONED,
	RS_KIND_GLOBAL_PROVISIONED,
	RS_KIND_DATA_ZONE_PROVISIONED,
	RS_KIND_COUNT
} rs_kind;

const char *rs_kind_name(rs_kind k);
/* The kinds' names as scenarios write them, indexed by rs_kind. */
extern const char *const rs_kind_names[RS_KIND_COUNT];
bool rs_kind_is_provisioned(rs_kind k);
/* Parse a kind name; returns false when unknown. OUT: *k. */
bool rs_kind_parse(const char *name, rs_kind *k);

/* How a provisioned deployment estimates max_tokens when the request has
 * none (MODEL.md section 5). */
typedef enum rs_estimator {
	RS_ESTIMATOR_MODEL_DEFAULT, /* the model's max_tokens_default */
	RS_ESTIMATOR_FIXED,         /* a fixed value */
	RS_ESTIMATOR_RUNNING_MEAN,  /* mean of the last N actual completions */
} rs_estimator;

typedef enum rs_window_kind { RS_WINDOW_SLIDING, RS_WINDOW_FIXED } rs_window_kind;

/* How a deployment serves the attempts it admitted (service.h). */
typedef enum rs_service_kind {
	RS_SERVICE_OFF,               /* a fixed time per attempt, whatever the load */
	RS_SERVICE_PROCESSOR_SHARING, /* a generation capacity shared by the attempts */
} rs_service_kind;

/* A quota pool: (subscription, region, model, kind) -> TPM, or for the
 * provisioned family (subscription, region, kind) -> PTU, model-independent
 * (MODEL.md section 3). */
typedef struct rs_quota_cfg {
	char *subscription;
	char *region;
	char *model; /* NULL for provisioned pools */
	rs_kind kind;
	int64_t tpm; /* standard family */
	int64_t ptu; /* provisioned family */
} rs_quota_cfg;

/* A deployment's latency by the time of day (issue 9, seed 004;
 * latency_daily.h): off, a multiplier per hour of the day, or a raised
 * cosine 1 + amplitude (1 + cos(2 pi (t - peak_at_s) / 1 day)) / 2. */
typedef enum rs_latency_daily_mode {
	RS_LATENCY_DAILY_OFF,
	RS_LATENCY_DAILY_BY_HOUR,
	RS_LATENCY_DAILY_COSINE,
} rs_latency_daily_mode;

#define RS_HOURS_PER_DAY 24

typedef struct rs_latency_daily_cfg {
	rs_latency_daily_mode mode;
	double by_hour[RS_HOURS_PER_DAY]; /* BY_HOUR: hour h of each day, from the run's start */
	double amplitude, peak_at_s;      /* COSINE */
} rs_latency_daily_cfg;

typedef struct rs_deployment_cfg {
	char *name;
	char *subscription;
	char *region;
	int model; /* index into rs_config.models */
	rs_kind kind;

	/* standard family (MODEL.md section 4) */
	int64_t tpm;
	rs_window_kind tpm_window;
	rs_window_kind rpm_window;
	int rpm_window_s; /* 1 or 10; with rpm_windows_s, its shortest */
	/* rpm_windows_s: several windows enforced at once (1..60 s, increasing);
	 * 0 windows: rpm_window_s alone */
	int n_rpm_windows;
	int rpm_windows_s[RS_MAX_RPM_WINDOWS];
	double oversize_retry_after_s; /* the 429's wait for an estimate above the TPM */
	bool count_refused;
	double prompt_estimate_factor;

	/* provisioned family (MODEL.md section 5) */
	int64_t ptu;
	rs_estimator estimator; /* max_tokens estimate when a request has none */
	double estimator_value; /* RS_ESTIMATOR_FIXED: the value */
	int estimator_window;   /* RS_ESTIMATOR_RUNNING_MEAN: completions averaged */
	char *spillover_to;     /* a standard-family deployment in the same region, or NULL */
	int spillover_index;    /* resolved index, or -1 */

	/* latency overrides: < 0 means "the model's value" */
	double rtt_ms;

	/* the service model (service.h): off unless a scenario turns it on */
	rs_service_kind service;
	double service_capacity_tps;        /* output tokens per second; < 0: the model's */
	rs_latency_daily_cfg latency_daily; /* issue 9: time-of-day latency (latency_daily.h) */
} rs_deployment_cfg;

/* ---- clients ------------------------------------------------------------ */

typedef enum rs_arrival_process {
	RS_ARRIVAL_CONSTANT, /* evenly spaced at the (scheduled) rate */
	RS_ARRIVAL_POISSON,  /* exponential gaps at the (scheduled) rate */
	RS_ARRIVAL_TRACE,    /* replay of a trace file */
	RS_ARRIVAL_ONOFF,    /* Poisson at rate_on / rate_off, periods Exp(on_s) / Exp(off_s) */
	RS_ARRIVAL_CLOSED,   /* `users` users: send, wait for the outcome, think, repeat */
	RS_ARRIVAL_JOB,      /* issue 9: `requests` units, `concurrency` at a time, from start_s */
	RS_ARRIVAL_AT_ONCE,  /* issue 9: `requests` requests at the one instant start_s */
} rs_arrival_process;

/* One point of a piecewise rate schedule: from at_s on, the rate is rate_rps
 * and either holds until the next point (ramp false) or moves linearly to the
 * next point's rate (ramp true).  The last point holds to the end. */
typedef struct rs_rate_point {
	double at_s;
	double rate_rps;
	bool ramp;
} rs_rate_point;

typedef enum rs_trace_format {
	RS_TRACE_AUTO,     /* told from the header line (CSV) or first line (JSONL) */
	RS_TRACE_AZURE,    /* TIMESTAMP,ContextTokens,GeneratedTokens */
	RS_TRACE_BURSTGPT, /* BurstGPT_1 or BurstGPT_3 layout, told by header */
	RS_TRACE_MOONCAKE, /* JSON Lines: timestamp ms, input_length, output_length */
} rs_trace_format;

typedef enum rs_zero_rows { RS_ZERO_ROWS_SKIP, RS_ZERO_ROWS_KEEP } rs_zero_rows;

typedef struct rs_trace_cfg {
	char *path; /* resolved against the scenario file's folder */
	rs_trace_format format;
	rs_zero_rows zero_rows; /* BurstGPT failed rows (Response tokens = 0) */
	char *model_filter;     /* BurstGPT "Model" column to keep, NULL for all */
} rs_trace_cfg;

typedef struct rs_arrival_cfg {
	rs_arrival_process process;
	rs_rate_point *schedule; /* >= 1 point; a plain rate_rps is one point */
	size_t n_schedule;
	rs_trace_cfg trace; /* RS_ARRIVAL_TRACE */
	double speedup;     /* trace time is divided by this */
	bool loop;          /* replay the trace again when it ends */
	/* on/off bursts */
	double rate_on, rate_off, on_s, off_s;
	/* closed loop */
	int users;
	struct rs_dist_cfg *think_s; /* think time in seconds (owned) */
	/* job and at_once (issue 9, job.h): how many, how many at a time (job), from when */
	int64_t requests;
	int concurrency;
	double start_s;
} rs_arrival_cfg;

typedef enum rs_dist_kind {
	RS_DIST_FIXED,
	RS_DIST_UNIFORM,   /* integers in [min, max] */
	RS_DIST_LOGNORMAL, /* median, sigma */
	RS_DIST_EMPIRICAL, /* rows of a trace, drawn at random */
	RS_DIST_TRACE,     /* the replayed trace row's own value */
} rs_dist_kind;

struct rs_dist_cfg;
typedef struct rs_dist_cfg {
	rs_dist_kind kind;
	double value;         /* fixed */
	double min, max;      /* uniform */
	double median, sigma; /* lognormal */
	rs_trace_cfg trace;   /* empirical */
} rs_dist_cfg;

typedef enum rs_max_tokens_policy {
	RS_MAXTOK_ABSENT, /* not sent: the service estimates */
	RS_MAXTOK_FIXED,  /* a fixed value; the output is truncated to it */
	RS_MAXTOK_FACTOR, /* ceil(actual output x factor) */
} rs_max_tokens_policy;

typedef struct rs_max_tokens_cfg {
	rs_max_tokens_policy policy;
	int64_t value;
	double factor;
} rs_max_tokens_cfg;

typedef enum rs_retry_policy {
	RS_RETRY_NONE,
	RS_RETRY_FIXED,       /* wait delay_s between attempts */
	RS_RETRY_EXPONENTIAL, /* base_s x 2^(n-1), capped at cap_s, with jitter */
} rs_retry_policy;

/* Jitter of exponential backoff (AWS Architecture Blog, "Exponential
 * Backoff And Jitter", 2015), and the SDKs' multiplicative factor. */
typedef enum rs_jitter {
	RS_JITTER_NONE,         /* d = min(cap, base x 2^(n-1)) */
	RS_JITTER_FULL,         /* U(0, d) */
	RS_JITTER_EQUAL,        /* d/2 + U(0, d/2) */
	RS_JITTER_DECORRELATED, /* min(cap, U(base, 3 x previous)) */
	RS_JITTER_FACTOR,       /* d x U(factor_min, factor_max) (openai-python) */
} rs_jitter;

/* What a client does with an answer's retry-after-ms. */
typedef enum rs_retry_after_mode {
	RS_RETRY_AFTER_IGNORE, /* use the policy's own delay */
	RS_RETRY_AFTER_HONOUR, /* wait exactly retry-after-ms */
	RS_RETRY_AFTER_CAP,    /* honour it when <= retry_after_cap_s, else the policy's delay */
	RS_RETRY_AFTER_JITTER, /* retry-after-ms + U(0, retry_after_jitter_s) */
	RS_RETRY_AFTER_MAX,    /* max(policy delay, retry-after-ms) (Azure.Core DelayStrategy) */
	RS_RETRY_AFTER_CLAMP,  /* min(retry-after-ms, retry_after_cap_s) */
	/* (retry-after-ms when <= retry_after_cap_s, else the policy's delay)
	 * + U(0, retry_after_jitter_s), also without a retry-after (litellm) */
	RS_RETRY_AFTER_CAP_JITTER,
} rs_retry_after_mode;

/* A client's retry policy (MODEL.md section 8).  Budgets and adaptive
 * throttling apply on top of any policy; 0 turns each off. */
typedef struct rs_retry_cfg {
	char *preset; /* the preset it was expanded from, or NULL */
	rs_retry_policy policy;
	int max_retries;      /* attempts after the first (max_attempts - 1) */
	double delay_s;       /* fixed: the wait */
	double base_s, cap_s; /* exponential */
	rs_jitter jitter;
	double factor_min, factor_max; /* RS_JITTER_FACTOR */
	rs_retry_after_mode retry_after;
	double retry_after_cap_s;    /* RS_RETRY_AFTER_CAP */
	double retry_after_jitter_s; /* RS_RETRY_AFTER_JITTER */
	/* Give up (no retry) when an answer asks for a wait longer than this;
	 * 0 = never. */
	double retry_after_give_up_s;
	double attempt_timeout_s; /* give up on one attempt after this; 0 = never */
	double deadline_s;        /* give up on the request after this; 0 = never */
	/* Retry budget: a token bucket of retries (each costs 1, each success
	 * refunds budget_refund), holding at most budget_max; 0 = off. */
	double budget_max, budget_refund;
	/* At most this share of the client's attempts in the last
	 * retry_ratio_window_s may be retries; 0 = off. */
	double retry_ratio, retry_ratio_window_s;
	/* Adaptive client-side throttling (Google SRE book, "Handling
	 * Overload"): reject locally with P = max(0, (requests - K accepts) /
	 * (requests + 1)) over the last adaptive_window_s; K = 0 turns it off. */
	double adaptive_k, adaptive_window_s;
} rs_retry_cfg;

/* ---- routers (gateways) --------------------------------------------- */

/* What a client or a router sends to: a deployment or a router. */
typedef struct rs_target {
	bool is_router;
	int index; /* into rs_config.deployments or rs_config.routers */
} rs_target;

typedef enum rs_route_strategy {
	RS_ROUTE_ROUND_ROBIN,
	RS_ROUTE_WEIGHTED,       /* random by weight */
	RS_ROUTE_PRIORITY,       /* lowest priority number among healthy, random among ties */
	RS_ROUTE_LEAST_UTILIZED, /* from the remaining tokens/requests of the latest answers */
	RS_ROUTE_LATENCY,        /* lowest moving-average latency */
	RS_ROUTE_RANDOM,
} rs_route_strategy;

/* What a router does when every backend is cooling down or broken. */
typedef enum rs_all_down {
	RS_ALL_DOWN_FAIL, /* answer 429 at once, retry-after = the soonest recovery */
	RS_ALL_DOWN_WAIT, /* hold the attempt until the soonest backend recovers */
	RS_ALL_DOWN_SEND, /* send anyway, to the strategy's choice among all */
} rs_all_down;

typedef struct rs_backend_cfg {
	char *name;       /* a deployment's or a router's name */
	rs_target target; /* resolved */
	double weight;    /* weighted */
	int priority;     /* priority: lower first */
	double rtt_ms;    /* router to backend round trip; < 0: the deployment's */
} rs_backend_cfg;

typedef struct rs_router_cfg {
	char *name;
	rs_route_strategy strategy;
	rs_backend_cfg *backends;
	size_t n_backends;
	bool cooldown_on_429;    /* a 429 marks the backend unavailable for retry-after */
	double cooldown_s;       /* ... or this long when the answer has none */
	int breaker_failures;    /* circuit breaker: trips after N failures ... */
	double breaker_window_s; /* ... within this window ... */
	double breaker_open_s;   /* ... and stays open this long; 0 failures = off */
	rs_all_down all_down;
	int max_tries;                 /* backends tried per attempt (router retries + 1) */
	double latency_alpha;          /* weight of the newest sample in the latency average */
	rs_consumer_limit_cfg *limits; /* the gateway's own quotas (gateway.h); none: off */
	size_t n_limits;
} rs_router_cfg;

/* ---- faults ------------------------------------------------------------ */

typedef enum rs_fault_kind {
	RS_FAULT_DOWN,    /* the deployment (or region) does not serve */
	RS_FAULT_DEGRADE, /* its limit is scaled by `scale` (temporary adjustment) */
	RS_FAULT_LATENCY, /* its latency is multiplied by `scale` */
} rs_fault_kind;

typedef enum rs_down_mode {
	RS_DOWN_ERROR, /* answer 503 after error_ms */
	RS_DOWN_HANG,  /* never answer: the client's timeout decides */
} rs_down_mode;

typedef struct rs_fault_cfg {
	rs_fault_kind kind;
	char *deployment; /* one deployment, or NULL with region */
	char *region;     /* every deployment of a region, or NULL */
	double start_s, end_s;
	rs_down_mode mode;
	double error_ms;
	double scale;
} rs_fault_cfg;

/* A random outage process (issue 9, seed 002: "99.9%" SLA): a deployment or
 * every deployment of a region alternates up and down, up ~ exponential of
 * mean MTTR x A / (1 - A), down ~ the repair distribution (outages.h). */
typedef struct rs_outage_cfg {
	char *deployment;        /* one deployment, or NULL with region */
	char *region;            /* every deployment of a region at once, or NULL */
	double availability;     /* A, in (0, 1]; 1: never down */
	bool repair_exponential; /* repair_s was a number: exponential of that mean */
	double repair_mean_s;    /* repair_exponential: the mean time to repair */
	rs_dist_cfg repair;      /* else: fixed, uniform or lognormal, in seconds */
	rs_down_mode mode;       /* as a "down" fault's */
	double error_ms;
} rs_outage_cfg;

/* A metric alert rule (issue 9; alerts.h): a deployment's metric as a share
 * of its limit, aggregated over a window, evaluated at a frequency, against
 * each threshold. */
typedef enum rs_alert_metric {
	RS_ALERT_TOKENS,      /* processed tokens per minute / the TPM limit in force */
	RS_ALERT_REQUESTS,    /* requests per minute / the RPM limit in force */
	RS_ALERT_UTILIZATION, /* provisioned: Utilization V2 (a share of 100%) */
} rs_alert_metric;

typedef enum rs_alert_aggregation { RS_ALERT_AVERAGE, RS_ALERT_MAXIMUM } rs_alert_aggregation;

/* Their names in scenarios and outputs ("tokens", "average"). */
const char *rs_alert_metric_name(rs_alert_metric m);
const char *rs_alert_aggregation_name(rs_alert_aggregation a);

/* At most this many thresholds per rule, each at most this share of the
 * limit, and at most this many metric points in a window (a day of
 * minutes); Azure's lookback window and frequency are at most 1 day and
 * 1 hour. */
#define RS_MAX_ALERT_THRESHOLDS    8
#define RS_MAX_ALERT_THRESHOLD     10.0
#define RS_MAX_ALERT_WINDOW_POINTS 1440
#define RS_MAX_ALERT_WINDOW_S      86400.0
#define RS_MAX_ALERT_FREQUENCY_S   3600.0
#define RS_MAX_ALERT_RESOLVE_AFTER 1000

typedef struct rs_alert_cfg {
	char *deployment; /* one deployment, or NULL: every one the metric applies to ("*") */
	rs_alert_metric metric;
	double thresholds[RS_MAX_ALERT_THRESHOLDS]; /* increasing shares of the limit */
	size_t n_thresholds;
	rs_alert_aggregation aggregation;
	double grain_s, window_s, frequency_s;
	int resolve_after; /* clean evaluations in a row that resolve a fired alert */
} rs_alert_cfg;

/* ---- cost ---------------------------------------------------------------- */

typedef enum rs_ptu_billing {
	RS_PTU_HOURLY,  /* PTU-hours x the model's hourly price */
	RS_PTU_MONTHLY, /* a monthly reservation, prorated to the run */
	RS_PTU_YEARLY,  /* a yearly reservation, prorated to the run */
} rs_ptu_billing;

typedef struct rs_pricing_cfg {
	rs_ptu_billing ptu_billing;
} rs_pricing_cfg;

/* Client-side controls (throttle.h): a token bucket on attempts, a
 * concurrency cap with a FIFO queue, and a circuit breaker.  Zeroed = all
 * off. */
typedef enum rs_limit_mode {
	RS_LIMIT_OFF,
	RS_LIMIT_FIXED,    /* rate_rps, burst */
	RS_LIMIT_ADAPTIVE, /* botocore's adaptive mode: CUBIC rate on throttling */
} rs_limit_mode;

/* What an attempt the bucket has no token for does. */
typedef enum rs_limit_empty {
	RS_LIMIT_WAIT,   /* wait until a token is there (botocore acquire(block=True)) */
	RS_LIMIT_REJECT, /* fail locally at once (acquire(block=False)) */
} rs_limit_empty;

typedef struct rs_control_cfg {
	rs_limit_mode limit;
	double limit_rate_rps, limit_burst; /* RS_LIMIT_FIXED */
	rs_limit_empty limit_on_empty;
	int max_in_flight;      /* 0 = no cap */
	double queue_timeout_s; /* a queued request fails locally after this; 0 = never */
	int breaker_failures;   /* consecutive failures that open the breaker; 0 = off */
	double breaker_open_s;  /* how long it stays open before half-open */
	int breaker_probes;     /* attempts let through when half-open */
	/* Wait or spill (Microsoft's client policy for provisioned deployments):
	 * on a 429 whose wait would end past spill_max_wait_s from the
	 * request's arrival, the request goes to spill_ref at once. */
	bool spill;
	rs_target spill_ref;
	double spill_max_wait_s;
} rs_control_cfg;

/* Hedged requests (hedge.c, MODEL.md section 8): after a delay without an
 * answer, a second attempt of the same request; the first answer wins. */
typedef enum rs_hedge_mode {
	RS_HEDGE_OFF,
	RS_HEDGE_FIXED,      /* after delay_ms */
	RS_HEDGE_PERCENTILE, /* after the observed percentile of attempt latency */
} rs_hedge_mode;

typedef struct rs_hedge_cfg {
	rs_hedge_mode mode;
	double delay_ms;      /* RS_HEDGE_FIXED */
	double percentile;    /* RS_HEDGE_PERCENTILE: in (0, 100) */
	int min_samples;      /* successes seen before the percentile is used */
	double fallback_ms;   /* the delay until then */
	bool same_target;     /* the hedge goes where the attempt went */
	rs_target target_ref; /* else here */
	int max_per_request;
} rs_hedge_cfg;

/* The remaining-quota pause (quota_watch.h): a 200 whose
 * x-ratelimit-remaining-requests / -tokens is under a threshold stops the
 * client sending for pause_ms. */
typedef struct rs_quota_watch_cfg {
	bool on;
	double min_requests, min_tokens; /* 0: that value is not watched */
	double pause_ms;
} rs_quota_watch_cfg;

/* Images in a request (issue 9, seed 001): how many, their size, the
 * detail asked for; their tokens (images.h) count as prompt tokens. */
typedef enum rs_image_detail { RS_IMAGE_LOW, RS_IMAGE_HIGH } rs_image_detail;

typedef struct rs_images_cfg {
	bool on;            /* the client's request shape has "images" */
	rs_dist_cfg count;  /* images per request */
	rs_dist_cfg width;  /* pixels, per image */
	rs_dist_cfg height; /* pixels, per image */
	rs_image_detail detail;
} rs_images_cfg;

/* A pipeline (issue 9, seed 004; job.h): each arrival of the client is
 * one pipeline of steps run in order; step k makes `calls` calls, at most
 * `parallelism` at once; the pipeline fails at deadline_s after its start
 * or at the first call that fails for good. */
typedef struct rs_pipeline_step {
	int calls;
	int parallelism;
} rs_pipeline_step;

typedef struct rs_pipeline_cfg {
	bool on;
	rs_pipeline_step *steps; /* owned */
	size_t n_steps;
	double deadline_s; /* 0: none */
} rs_pipeline_cfg;

/* A client described as the service's capacity calculator takes a workload
 * (calculator.h): requests per minute and the average prompt and generated
 * tokens.  It drives Poisson arrivals at rpm / 60 per second with fixed
 * sizes at the averages, and its calculator figure is reported beside the
 * run's. */
typedef struct rs_workload_cfg {
	bool on; /* the client was given as a "workload" */
	double rpm;
	int64_t prompt_tokens;
	int64_t generated_tokens;
} rs_workload_cfg;

typedef struct rs_client_cfg {
	char *name;
	char *target;         /* a deployment's or a router's name */
	rs_target target_ref; /* resolved */
	int target_index;     /* = target_ref.index when it is a deployment, else -1 */
	char *region;         /* where the client runs (network matrix), or NULL */
	int priority;         /* a label for reports; lower = more important */
	rs_arrival_cfg arrival;
	rs_dist_cfg prompt_tokens;
	rs_dist_cfg output_tokens;
	rs_max_tokens_cfg max_tokens;
	int best_of;
	double cached_fraction;   /* issue 3: share of prompt tokens served from cache */
	rs_images_cfg images;     /* issue 9: images in each request */
	rs_workload_cfg workload; /* issue 9: the capacity calculator's inputs, when given */
	rs_retry_cfg retry;
	rs_control_cfg control;
	double rtt_ms;            /* network round trip to its target; < 0: deployment's */
	rs_pipeline_cfg pipeline; /* issue 9: each arrival is a pipeline of calls */
	rs_hedge_cfg hedge;
	rs_quota_watch_cfg quota_watch;
	bool jitter;                /* network_jitter_ms is given (netjitter.h) */
	rs_dist_cfg network_jitter; /* ms added to each attempt's round trip */
} rs_client_cfg;

/* A window of simulated time [start_s, end_s) over which every summary
 * figure is also computed (issue 11; scenario_windows.c). */
typedef struct rs_window_cfg {
	char *name; /* [A-Za-z0-9_-]+, unique */
	double start_s, end_s;
} rs_window_cfg;

/* ---- the scenario -------------------------------------------------------- */

typedef struct rs_config {
	char *path; /* the scenario file as given */
	/* The effective scenario as JSON text: the file after the --set
	 * overrides, so that loading this text again gives the same run
	 * (written as scenario.json beside every run's results). */
	char *effective_json;
	/* Provenance (the scenario's top-level "provenance" object, which the
	 * loader writes into the effective scenario): the file the scenario was
	 * first loaded from, every --set applied since, in order, and the
	 * replication this run is of a replicated run (0: none). */
	char *source;
	char **overrides;
	size_t n_overrides;
	uint64_t replication;
	char *name;
	char *description;
	uint64_t seed;
	double duration_s;
	double warmup_s;
	double bucket_s;
	bool strict_sizes; /* reject PTU sizes off the model's minimum/increment */
	/* a model in a region that does not offer it: an error, not a warning */
	bool strict_availability;
	/* What the loader noticed but accepted ("FILE: PATH: text"), for the
	 * command line to print; they change nothing in a run (issue 9). */
	char **warnings;
	size_t n_warnings;

	rs_model *models; /* built-in table with the scenario's overrides */
	size_t n_models;

	rs_quota_cfg *quotas;
	size_t n_quotas;
	rs_deployment_cfg *deployments;
	size_t n_deployments;
	rs_client_cfg *clients;
	size_t n_clients;
	rs_router_cfg *routers;
	size_t n_routers;
	rs_fault_cfg *faults;
	size_t n_faults;
	rs_outage_cfg *outages; /* issue 9: random outages */
	size_t n_outages;
	rs_window_cfg *windows; /* issue 11: figures over windows of time */
	size_t n_windows;
	struct rs_compute_cfg *compute; /* issue 9: application tiers (compute.h) */
	size_t n_compute;
	struct rs_batch_cfg *batch; /* issue 9: global batch deployments (batch.h) */
	size_t n_batch;
	rs_alert_cfg *alerts; /* issue 9: metric alert rules */
	size_t n_alerts;
	/* network round trips: rtt_ms[client region][deployment region] */
	char **net_from, **net_to;
	double *net_rtt_ms;
	size_t n_net;
	rs_pricing_cfg pricing;
	/* resource budgets (scenario "limits"; RS_DEFAULT_MAX_*_MB when absent) */
	double max_memory_mb;
	double max_output_mb;
} rs_config;

void rs_config_free(rs_config *cfg); /* NULL does nothing; frees cfg too */

#endif
