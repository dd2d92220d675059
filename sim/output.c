/*
 * output.c - summary.json, timeseries.csv, requests.csv and engine.json.
 *
 * Numbers in CSV rows are printed with fixed formats ("%.6g" for rates and
 * percentiles, integers as integers) so the files are byte-identical for the
 * same run; an absent or non-finite value (no sample, not a deployment, an
 * overflow) is an empty field.  Bucket and attempt times are printed exactly
 * from integer microseconds.  Names are quoted per RFC 4180 when they hold a
 * comma, a quote, CR or LF.  Summary numbers are rounded to a stated
 * precision before cJSON prints them; a non-finite one is null; counts and
 * the seed are printed as exact integers (raw JSON), never through a double.
 *
 * Every file is written into the run's staging folder (fsx.h) under its
 * final name; rs_output_commit moves them into the output folder with
 * summary.json last, so a folder holding summary.json holds one complete run.
 * A write failure records "FILE: cannot write: REASON" naming the output
 * file (rs_output_failure), since the world only sees a status.
 */
#include "ratesim/output.h"

#include "ratesim/numfmt.h"

#include "ratesim/textio.h"

#include "ratesim/alerts.h"
#include "ratesim/calculator.h"
#include "ratesim/batch.h"
#include "ratesim/compute.h"
#include "ratesim/cost.h"
#include "ratesim/fsx.h"
#include "ratesim/jsonout.h"
#include "ratesim/outages.h"
#include "ratesim/reqlog.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_MAX_LEN  4096
#define MS_DECIMALS   1e3 /* latencies in summary.json: to the microsecond */
#define RATE_DECIMALS 1e6 /* rates and throughputs: 6 decimals */
/* Room for a time in seconds from microseconds: sign, int64 digits, point, six decimals. */
#define TIME_US_MAX (1 + RS_FMT_U64_MAX + 1 + 6)

/* Streamed files, then latency_cdf.csv (all four renamed into place
 * together at the end), then the JSON files written whole. */
enum { F_TIMESERIES, F_MINUTES, F_REQUESTS, F_CDF, F_SUMMARY, F_ENGINE, F_ALERTS, F_COUNT };
static const char *const file_names[F_COUNT] = {
    "timeseries.csv", "utilisation.csv", "requests.csv", "latency_cdf.csv",
    "summary.json",   "engine.json",     "alerts.csv"};

/* Every name a run may write into its folder: what a commit removes when
 * this run did not write it (an earlier run's requests.csv or charts), and
 * what signal cleanup unlinks in the staging folder.  The chart names are
 * those of chart.h (rs_chart_render), with the temporaries gnuplot draws. */
#define CHART_FILES(c) c ".png", c ".svg", c ".gp", c ".dat", c ".png.tmp", c ".svg.tmp"
static const char *const run_names[] = {"timeseries.csv",
                                        "utilisation.csv",
                                        "requests.csv",
                                        "latency_cdf.csv",
                                        "summary.json",
                                        "engine.json",
                                        "scenario.json",
                                        "alerts.csv",
                                        CHART_FILES("throughput"),
                                        CHART_FILES("rate_429"),
                                        CHART_FILES("errors"),
                                        CHART_FILES("latency"),
                                        CHART_FILES("utilisation"),
                                        CHART_FILES("latency_cdf"),
                                        CHART_FILES("outcomes"),
                                        NULL};

struct rs_output {
	char dir[PATH_MAX_LEN];
	rs_stage *stage;
	FILE *ts, *min, *req;
	FILE *alerts_f;       /* alerts.csv, with alerts */
	rs_alerts *alerts;    /* the scenario's alert rules, or NULL (alerts.h) */
	const rs_config *cfg; /* borrowed, with alerts */
	bool log_requests;
	rs_reqlog_csv *req_rows; /* requests.csv's writer (reqlog.h), with req */
	bool committed;
	char failure[RS_ERROR_MAX]; /* the first write failure, or "" */
};

/* The file as it is written (in the staging folder). */
static void path_of(const rs_output *o, int f, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", rs_stage_path(o->stage), file_names[f]);
}

/* Record the first write failure of file f, naming its final path. */
static rs_status write_failed(rs_output *o, int f, int errnum)
{
	if (!o->failure[0] && snprintf(o->failure, sizeof o->failure, "%s/%s: cannot write: %s",
	                               o->dir, file_names[f], strerror(errnum ? errnum : EIO)) < 0)
		snprintf(o->failure, sizeof o->failure, "%s: cannot write", file_names[f]);
	return RS_ERR_IO;
}

static FILE *open_tmp(rs_output *o, int f, rs_error *err)
{
	char path[PATH_MAX_LEN + 32];
	path_of(o, f, path, sizeof path);
	FILE *fp = fopen(path, "w");
	if (!fp)
		rs_fail(err, RS_ERR_IO, "%s/%s: cannot write: %s", o->dir, file_names[f],
		        strerror(errno));
	return fp;
}

static const char ts_header[] =
    "t_s,scope,name,offered,attempts,ok,throttled,errors,failed,retries,spilled,"
    "prompt_tokens,output_tokens,tokens_per_min,requests_per_min,rate_429,"
    "latency_p50_ms,latency_p95_ms,latency_p99_ms,ttft_p50_ms,ttft_p95_ms,ttft_p99_ms,"
    "tpm_limit,rpm_limit,tpm_occupancy,rpm_occupancy,utilisation,"
    "peak_utilisation,level,charged_tokens,actual_tokens,corrections,clipped,"
    "succeeded,succeeded_retried,succeeded_spilled,timeouts,offered_tokens_per_min,"
    "refused_service,refused_gateway,refused_router,"
    "rejected_locally,retries_denied,abandoned_running,retry_budget_tokens,"
    "throttle_probability,queue_length,failed_latency_p50_ms,failed_latency_p95_ms,"
    "failed_latency_p99_ms,hedges_sent,hedges_won\n";

static const char min_header[] = "minute,t_s,deployment,utilization_v2,utilisation_end\n";

rs_status rs_output_open(const char *dir, bool log_requests, rs_output **out, rs_error *err)
{
	*out = NULL;
	rs_output *o = rs_calloc(1, sizeof *o);
	if (!o)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	snprintf(o->dir, sizeof o->dir, "%s", dir);
	rs_status st = rs_stage_open(dir, run_names, &o->stage, err);
	if (st != RS_OK) {
		free(o);
		return st;
	}
	o->log_requests = log_requests;
	o->ts = open_tmp(o, F_TIMESERIES, err);
	if (o->ts)
		o->min = open_tmp(o, F_MINUTES, err);
	if (o->min && log_requests)
		o->req = open_tmp(o, F_REQUESTS, err);
	if (!o->ts || !o->min || (log_requests && !o->req)) {
		rs_output_free(o);
		return RS_ERR_IO;
	}
	if (o->req && !(o->req_rows = rs_reqlog_csv_new(o->req))) {
		rs_output_free(o);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	fputs(ts_header, o->ts);
	fputs(min_header, o->min);
	*out = o;
	return RS_OK;
}

/* A row of CSV built in memory and written whole. */
typedef struct line {
	FILE *f;
	size_t len;
	char buf[1024];
} line;

/* Room for one more field of at most RS_FMT_G6_MAX + 1 bytes. */
static void line_room(line *l)
{
	if (l->len + RS_FMT_G6_MAX + 2 > sizeof l->buf) {
		fwrite(l->buf, 1, l->len, l->f);
		l->len = 0;
	}
}

static void line_str(line *l, const char *s)
{
	size_t n = strlen(s);
	if (l->len + n + 1 > sizeof l->buf) {
		fwrite(l->buf, 1, l->len, l->f);
		l->len = 0;
		fputs(s, l->f);
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/* ",%" PRIu64 */
static void line_u64(line *l, uint64_t v)
{
	line_room(l);
	l->buf[l->len++] = ',';
	l->len += rs_fmt_u64(l->buf + l->len, v);
}

/* put_g's field: ",%.6g", or "," when v is NaN or infinite. */
static void line_g(line *l, double v)
{
	line_room(l);
	l->buf[l->len++] = ',';
	if (isfinite(v))
		l->len += rs_fmt_g6(l->buf + l->len, v);
}

/* A name as rs_text_put_csv writes it. */
static void line_csv(line *l, const char *s)
{
	if (strpbrk(s, ",\"\r\n")) {
		fwrite(l->buf, 1, l->len, l->f);
		l->len = 0;
		rs_text_put_csv(l->f, s);
	} else {
		line_str(l, s);
	}
}

static void line_end(line *l)
{
	line_room(l);
	l->buf[l->len++] = '\n';
	fwrite(l->buf, 1, l->len, l->f);
	l->len = 0;
}

/* A CSV number field: empty when NaN or infinite. */
static void put_g(FILE *f, double v)
{
	char buf[RS_FMT_G6_MAX + 1];
	size_t n = 0;
	buf[n++] = ',';
	if (isfinite(v))
		n += rs_fmt_g6(buf + n, v);
	fwrite(buf, 1, n, f);
}

/* Microseconds as exact decimal seconds, without trailing zeros: "12",
 * "0.5", "-1.000001".  OUT: buf (at least TIME_US_MAX bytes, no NUL);
 * returns the length. */
static size_t fmt_time_us(char *buf, rs_time us)
{
	char *end = rs_fmt_seconds_at(buf, us); /* six decimals, then the zeros go */
	while (end[-1] == '0')
		end--;
	if (end[-1] == '.')
		end--;
	return (size_t)(end - buf);
}

static void put_time_us(FILE *f, rs_time us)
{
	char buf[TIME_US_MAX];
	size_t n = fmt_time_us(buf, us);
	fwrite(buf, 1, n, f);
}

/* A row time in seconds (a double computed from integer microseconds by
 * rs_time_to_s) back to its microseconds: exact below 2^51 us (71 years). */
static rs_time row_time_us(double t_s)
{
	double us = t_s * (double)RS_US_PER_S;
	return isfinite(us) && fabs(us) < (double)INT64_MAX / 2 ? rs_round_i64(us) : 0;
}

/* The columns of issue 10 part 3, after offered_tokens_per_min: the
 * client's decisions (counts: total and client rows) and gauges. */
static void ts_client_columns(line *l, const rs_ts_row *r)
{
	if (r->kind == RS_SCOPE_DEPLOYMENT) {
		line_str(l, ",,");
	} else {
		line_u64(l, r->c->rejected_locally);
		line_u64(l, r->c->retries_denied);
	}
	line_g(l, r->abandoned_running);
	line_g(l, r->budget_tokens);
	line_g(l, r->throttle_p);
	line_g(l, r->queue_len);
	line_g(l, r->failed_latency_p50_ms);
	line_g(l, r->failed_latency_p95_ms);
	line_g(l, r->failed_latency_p99_ms);
}

/* One row of timeseries.csv, built in memory (line) and written whole: the
 * bytes fprintf would write (integers exactly; numfmt.h). */
static rs_status ts_row(void *ctx, const rs_ts_row *r)
{
	rs_output *o = ctx;
	const rs_counts *c = r->c;
	double per_min = r->length_s > 0 ? 60.0 / r->length_s : 0;
	FILE *f = o->ts;
	line l_ = {.f = f}, *l = &l_;
	l->len = fmt_time_us(l->buf, row_time_us(r->t_s));
	line_str(l, ",");
	line_str(l, rs_scope_kind_name(r->kind));
	line_str(l, ",");
	line_csv(l, r->name);
	const uint64_t counts[] = {c->offered,       c->attempts,     c->ok,      c->throttled,
	                           c->errors,        c->failed,       c->retries, c->spilled,
	                           c->prompt_tokens, c->output_tokens};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		line_u64(l, counts[i]);
	line_g(l, (double)(c->prompt_tokens + c->output_tokens) * per_min);
	line_g(l, (double)c->served * per_min);
	line_g(l, c->attempts ? (double)c->throttled / (double)c->attempts : 0.0);
	line_g(l, r->latency_p50_ms);
	line_g(l, r->latency_p95_ms);
	line_g(l, r->latency_p99_ms);
	line_g(l, r->ttft_p50_ms);
	line_g(l, r->ttft_p95_ms);
	line_g(l, r->ttft_p99_ms);
	line_g(l, r->tpm_limit);
	line_g(l, r->rpm_limit);
	line_g(l, r->meter.tpm_occupancy);
	line_g(l, r->meter.rpm_occupancy);
	line_g(l, r->meter.utilisation);
	line_g(l, r->peak_utilisation);
	line_g(l, r->kind == RS_SCOPE_DEPLOYMENT && !isnan(r->peak_utilisation) ? r->meter.level
	                                                                        : NAN);
	line_g(l, r->charged);
	line_g(l, r->actual);
	line_g(l, r->corrections);
	line_g(l, r->clipped);
	line_u64(l, c->succeeded);
	line_u64(l, c->succeeded_retried);
	line_u64(l, c->succeeded_spilled);
	/* timeouts are the client's, offered tokens the deployment's (metrics.c) */
	if (r->kind == RS_SCOPE_DEPLOYMENT)
		line_str(l, ",");
	else
		line_u64(l, c->timeouts);
	line_g(l, r->kind == RS_SCOPE_DEPLOYMENT
	              ? (double)(c->offered_prompt_tokens + c->offered_output_tokens) * per_min
	              : NAN);
	/* who refused (refusal.h): they add up to throttled; the client's own
	 * refusals are the rejected_locally column (one column per fact) */
	for (int by = RS_BY_SERVICE; by < RS_BY_CLIENT; by++)
		line_u64(l, c->refused_by[by]);
	ts_client_columns(l, r);
	/* hedges are the client's (hedge.c) */
	if (r->kind == RS_SCOPE_DEPLOYMENT) {
		line_str(l, ",,");
	} else {
		line_u64(l, c->hedges_sent);
		line_u64(l, c->hedges_won);
	}
	line_end(l);
	if (ferror(f))
		return write_failed(o, F_TIMESERIES, errno);
	return o->alerts ? rs_alerts_on_row(o->alerts, r) : RS_OK;
}

static rs_status minute_row(void *ctx, const rs_minute_row *r)
{
	rs_output *o = ctx;
	int64_t t_s = r->minute <= INT64_MAX / 60 ? r->minute * 60 : INT64_MAX;
	fprintf(o->min, "%" PRId64 ",%" PRId64 ",", r->minute, t_s);
	rs_text_put_csv(o->min, r->name);
	put_g(o->min, r->utilization_v2);
	put_g(o->min, r->utilisation_end);
	if (fputc('\n', o->min) == EOF || ferror(o->min))
		return write_failed(o, F_MINUTES, errno);
	return o->alerts ? rs_alerts_on_minute(o->alerts, r) : RS_OK;
}

static const char alerts_header[] =
    "time_s,deployment,rule,metric,aggregation,threshold,event,value\n";

/* One row of alerts.csv (docs/outputs.md). */
static rs_status alert_row(void *ctx, const rs_alert_event *e)
{
	rs_output *o = ctx;
	const rs_alert_cfg *r = &o->cfg->alerts[e->rule];
	FILE *f = o->alerts_f;
	put_time_us(f, e->time);
	fputc(',', f);
	rs_text_put_csv(f, o->cfg->deployments[e->deployment].name);
	fprintf(f, ",%zu,%s,%s", e->rule, rs_alert_metric_name(r->metric),
	        rs_alert_aggregation_name(r->aggregation));
	put_g(f, r->thresholds[e->threshold]);
	fprintf(f, ",%s", e->fired ? "fired" : "resolved");
	put_g(f, e->value);
	if (fputc('\n', f) == EOF || ferror(f))
		return write_failed(o, F_ALERTS, errno);
	return RS_OK;
}

rs_status rs_output_alerts(rs_output *o, const rs_config *cfg, rs_error *err)
{
	o->cfg = cfg;
	rs_status st = rs_alerts_new(cfg, alert_row, o, &o->alerts, err);
	if (st != RS_OK || !o->alerts)
		return st;
	if (!(o->alerts_f = open_tmp(o, F_ALERTS, err)))
		return RS_ERR_IO;
	fputs(alerts_header, o->alerts_f);
	return RS_OK;
}

static rs_status req_row(void *ctx, const rs_attempt_record *a)
{
	rs_output *o = ctx;
	if (rs_reqlog_csv_put(o->req_rows, a) != 0)
		return write_failed(o, F_REQUESTS, errno);
	return RS_OK;
}

void rs_output_hooks(rs_output *o, rs_world_hooks *hooks)
{
	hooks->row = ts_row;
	hooks->minute_row = minute_row;
	hooks->attempt = o->log_requests ? req_row : NULL;
	hooks->ctx = o;
}

/* An exact integer.  Below 10^15 a cJSON number (printed exactly with
 * cJSON's 15 significant digits, and a number to in-memory readers of
 * rs_output_summary); from there raw JSON text, since cJSON would print a
 * rounded double (2^53 as 9.00719925474099e+15). */
#define EXACT_PRINT_MAX 1e15
static void add_u64(cJSON *obj, const char *key, uint64_t v)
{
	if ((double)v < EXACT_PRINT_MAX) {
		cJSON_AddNumberToObject(obj, key, (double)v);
		return;
	}
	char buf[RS_FMT_U64_MAX];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	cJSON_AddRawToObject(obj, key, buf);
}

static void add_i64(cJSON *obj, const char *key, int64_t v)
{
	if (fabs((double)v) < EXACT_PRINT_MAX) {
		cJSON_AddNumberToObject(obj, key, (double)v);
		return;
	}
	char buf[RS_FMT_U64_MAX];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	cJSON_AddRawToObject(obj, key, buf);
}

/* The figures every scope shares: requests, attempts, rate_429, latency,
 * ttft and throughput. */
static void add_scope_figures(cJSON *obj, const rs_metrics *m, size_t i, double minutes,
                              bool with_offered)
{
	const rs_counts *c = rs_metrics_run_counts(m, i);
	cJSON *req = cJSON_AddObjectToObject(obj, "requests");
	if (with_offered)
		add_u64(req, "offered", c->offered);
	add_u64(req, "succeeded", c->succeeded);
	add_u64(req, "succeeded_after_429", c->succeeded_retried);
	add_u64(req, "succeeded_spilled", c->succeeded_spilled);
	if (with_offered) {
		add_u64(req, "failed", c->failed);
		add_u64(req, "in_flight_end", c->offered - c->succeeded - c->failed);
	}
	cJSON *att = cJSON_AddObjectToObject(obj, "attempts");
	add_u64(att, "total", c->attempts);
	add_u64(att, "ok", c->ok);
	add_u64(att, "throttled", c->throttled);
	add_u64(att, "error", c->errors);
	add_u64(att, "retries", c->retries);
	add_u64(att, "spilled", c->spilled);
	add_u64(att, "router_retries", c->router_retries);
	add_u64(att, "timeouts", c->timeouts);
	add_u64(att, "rejected_locally", c->rejected_locally);
	add_u64(att, "retries_denied", c->retries_denied);
	add_u64(att, "hedges_sent", c->hedges_sent);
	add_u64(att, "hedges_won", c->hedges_won);
	/* who refused (refusal.h): service + gateway + router = throttled,
	 * client = rejected_locally */
	cJSON *by = cJSON_AddObjectToObject(att, "refused_by");
	for (int k = RS_BY_SERVICE; k < RS_BY_COUNT; k++)
		add_u64(by, rs_refuser_name((rs_refuser)k), c->refused_by[k]);
	rs_json_num(obj, "rate_429", c->attempts ? (double)c->throttled / (double)c->attempts : 0.0,
	            RATE_DECIMALS);
	cJSON *lat = cJSON_AddObjectToObject(obj, "latency_ms");
	rs_json_num(lat, "p50", rs_metrics_latency_quantile(m, i, 0.50), MS_DECIMALS);
	rs_json_num(lat, "p95", rs_metrics_latency_quantile(m, i, 0.95), MS_DECIMALS);
	rs_json_num(lat, "p99", rs_metrics_latency_quantile(m, i, 0.99), MS_DECIMALS);
	rs_json_num(lat, "max", rs_metrics_latency_max(m, i), MS_DECIMALS);
	rs_json_num(lat, "mean", rs_metrics_latency_mean(m, i), MS_DECIMALS);
	cJSON *tt = cJSON_AddObjectToObject(obj, "ttft_ms");
	rs_json_num(tt, "p50", rs_metrics_ttft_quantile(m, i, 0.50), MS_DECIMALS);
	rs_json_num(tt, "p95", rs_metrics_ttft_quantile(m, i, 0.95), MS_DECIMALS);
	rs_json_num(tt, "p99", rs_metrics_ttft_quantile(m, i, 0.99), MS_DECIMALS);
	if (with_offered) { /* requests fail at clients: not a deployment figure */
		cJSON *fl = cJSON_AddObjectToObject(obj, "failed_latency_ms");
		rs_json_num(fl, "p50", rs_metrics_failed_quantile(m, i, 0.50), MS_DECIMALS);
		rs_json_num(fl, "p95", rs_metrics_failed_quantile(m, i, 0.95), MS_DECIMALS);
		rs_json_num(fl, "p99", rs_metrics_failed_quantile(m, i, 0.99), MS_DECIMALS);
		rs_json_num(fl, "max", rs_metrics_failed_max(m, i), MS_DECIMALS);
		rs_json_num(fl, "mean", rs_metrics_failed_mean(m, i), MS_DECIMALS);
	}
	cJSON *th = cJSON_AddObjectToObject(obj, "throughput");
	rs_json_num(th, "tokens_per_min",
	            minutes > 0 ? (double)(c->prompt_tokens + c->output_tokens) / minutes : 0,
	            RATE_DECIMALS);
	rs_json_num(th, "requests_per_min", minutes > 0 ? (double)c->served / minutes : 0,
	            RATE_DECIMALS);
	add_u64(th, "prompt_tokens", c->prompt_tokens);
	add_u64(th, "output_tokens", c->output_tokens);
}

/* The provisioned figures of deployment d (MODEL.md section 5; issue 3):
 * utilisation, Utilization V2, what the meter was charged, and the sizing
 * formula's answer for the load the deployment's clients sent it:
 *   normalised TPM = input TPM x (1 - cache rate) + output_ratio x output TPM
 *   PTU needed     = normalised TPM / input_tpm_per_ptu, up to the increment. */
static void add_ptu_figures(cJSON *o, const rs_config *cfg, const rs_metrics *m, size_t d,
                            double minutes)
{
	const rs_deployment_cfg *dc = &cfg->deployments[d];
	const rs_model *md = &cfg->models[dc->model];
	const rs_counts *c = rs_metrics_run_counts(m, 1 + d);
	rs_ptu_run pr;
	rs_metrics_ptu_run(m, d, &pr);
	cJSON *p = cJSON_AddObjectToObject(o, "provisioned");
	add_i64(p, "ptu", (int64_t)dc->ptu);
	rs_json_num(p, "capacity_tokens_per_min", (double)dc->ptu * md->input_tpm_per_ptu,
	            RATE_DECIMALS);
	cJSON *u = cJSON_AddObjectToObject(p, "utilisation");
	rs_json_num(u, "mean", pr.utilisation_mean, RATE_DECIMALS);
	rs_json_num(u, "max", pr.utilisation_peak, RATE_DECIMALS);
	rs_json_num(u, "max_overshoot",
	            isnan(pr.utilisation_peak) ? NAN : fmax(0.0, pr.utilisation_peak - 1.0),
	            RATE_DECIMALS);
	cJSON *v2 = cJSON_AddObjectToObject(p, "utilization_v2");
	rs_json_num(v2, "mean", pr.v2_mean, RATE_DECIMALS);
	rs_json_num(v2, "max", pr.v2_max, RATE_DECIMALS);
	add_u64(p, "refused", c->throttled);
	add_u64(p, "spilled", c->spilled_out);
	cJSON *ch = cJSON_AddObjectToObject(p, "meter_tokens");
	rs_json_num(ch, "charged_at_admission", pr.charged, 1);
	rs_json_num(ch, "actual", pr.actual, 1);
	rs_json_num(ch, "corrections", pr.corrections, 1);
	rs_json_num(ch, "clipped", pr.clipped, 1);

	double in_tpm = minutes > 0 ? (double)c->offered_prompt_tokens / minutes : 0;
	double out_tpm = minutes > 0 ? (double)c->offered_output_tokens / minutes : 0;
	double cache = c->offered_prompt_tokens
	                   ? (double)c->offered_cached_tokens / (double)c->offered_prompt_tokens
	                   : 0;
	double norm = in_tpm * (1 - cache) + md->output_ratio * out_tpm;
	cJSON *sz = cJSON_AddObjectToObject(p, "sizing");
	rs_json_num(sz, "input_tpm", in_tpm, RATE_DECIMALS);
	rs_json_num(sz, "cache_rate", cache, RATE_DECIMALS);
	rs_json_num(sz, "output_tpm", out_tpm, RATE_DECIMALS);
	rs_json_num(sz, "output_ratio", md->output_ratio, RATE_DECIMALS);
	rs_json_num(sz, "normalized_tpm", norm, RATE_DECIMALS);
	rs_json_num(sz, "ptu_needed", rs_calculator_ptu(norm, md, dc->kind), 1);
	rs_json_num(sz, "peak_minute_normalized_tpm", pr.peak_minute_normalised_tpm, RATE_DECIMALS);
	rs_json_num(sz, "ptu_needed_peak_minute",
	            isnan(pr.peak_minute_normalised_tpm)
	                ? NAN
	                : rs_calculator_ptu(pr.peak_minute_normalised_tpm, md, dc->kind),
	            1);
	/* beside it, what the capacity calculator says of the workloads given
	 * as such (calculator.h) */
	rs_calculator calc;
	if (rs_calculator_of(cfg, d, &calc)) {
		cJSON *cz = cJSON_AddObjectToObject(p, "calculator");
		add_i64(cz, "workloads", (int64_t)calc.workloads);
		rs_json_num(cz, "requests_per_min", calc.rpm, RATE_DECIMALS);
		rs_json_num(cz, "input_tpm", calc.input_tpm, RATE_DECIMALS);
		rs_json_num(cz, "output_tpm", calc.output_tpm, RATE_DECIMALS);
		rs_json_num(cz, "normalized_tpm", calc.normalized_tpm, RATE_DECIMALS);
		rs_json_num(cz, "ptu_needed", calc.ptu_needed, 1);
	}
}

/* "cost": PTU-hours and pay-as-you-go tokens over `hours` (the run after
 * warm-up, or a window), per deployment and in all (cost.h; prices: the
 * model table's snapshot). */
static void add_cost(cJSON *root, const rs_config *cfg, const rs_metrics *m, double hours)
{
	rs_cost_line *lines = rs_calloc(cfg->n_deployments, sizeof *lines);
	if (!lines)
		return;
	cJSON *cost = cJSON_AddObjectToObject(root, "cost");
	cJSON *deps = cJSON_CreateArray();
	for (size_t d = 0; d < cfg->n_deployments; d++) {
		const rs_counts *c = rs_metrics_run_counts(m, 1 + d);
		rs_cost_deployment(cfg, d, hours, c->prompt_tokens, c->output_tokens, &lines[d]);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(deps, o);
		cJSON_AddStringToObject(o, "name", cfg->deployments[d].name);
		cJSON_AddStringToObject(o, "kind", rs_kind_name(cfg->deployments[d].kind));
		rs_json_num(o, "ptu_hours", lines[d].ptu_hours, RATE_DECIMALS);
		rs_json_num(o, "ptu_usd", lines[d].ptu_usd, RATE_DECIMALS);
		add_u64(o, "input_tokens", lines[d].input_tokens);
		add_u64(o, "output_tokens", lines[d].output_tokens);
		rs_json_num(o, "tokens_usd", lines[d].tokens_usd, RATE_DECIMALS);
		rs_json_num(o, "total_usd", lines[d].total_usd, RATE_DECIMALS);
	}
	rs_cost total;
	rs_cost_total(cfg, lines, cfg->n_deployments, &total);
	free(lines);
	cJSON_AddStringToObject(cost, "currency", "USD");
	cJSON_AddStringToObject(cost, "price_snapshot", total.price_snapshot);
	cJSON_AddStringToObject(cost, "ptu_billing", rs_cost_billing_name(total.billing));
	rs_json_num(cost, "hours", hours, RATE_DECIMALS);
	rs_json_num(cost, "ptu_usd", total.ptu_usd, RATE_DECIMALS);
	rs_json_num(cost, "tokens_usd", total.tokens_usd, RATE_DECIMALS);
	rs_json_num(cost, "total_usd", total.total_usd, RATE_DECIMALS);
	cJSON_AddItemToObject(cost, "deployments", deps);
}

/* "windows" (issue 11, only when the scenario has some): each window's
 * figures under the run's names, from the metrics' view of the window
 * (metrics.h): the total's, each deployment's and the cost over the
 * window's length. */
static void add_windows(cJSON *root, const rs_config *cfg, const rs_metrics *m)
{
	if (cfg->n_windows == 0)
		return;
	cJSON *all = cJSON_AddObjectToObject(root, "windows");
	for (size_t w = 0; all && w < cfg->n_windows; w++) {
		const rs_window_cfg *wc = &cfg->windows[w];
		const rs_metrics *v = rs_metrics_window(m, w);
		double seconds = wc->end_s - wc->start_s;
		cJSON *o = cJSON_AddObjectToObject(all, wc->name);
		rs_json_num(o, "start_s", wc->start_s, 0);
		rs_json_num(o, "end_s", wc->end_s, 0);
		add_scope_figures(o, v, 0, seconds / 60.0, true);
		cJSON *deps = cJSON_AddArrayToObject(o, "deployments");
		for (size_t d = 0; d < cfg->n_deployments; d++) {
			cJSON *od = cJSON_CreateObject();
			cJSON_AddItemToArray(deps, od);
			cJSON_AddStringToObject(od, "name", cfg->deployments[d].name);
			add_scope_figures(od, v, 1 + d, seconds / 60.0, false);
		}
		add_cost(o, cfg, v, seconds / 3600.0);
	}
}

cJSON *rs_output_summary(const rs_config *cfg, const rs_metrics *m)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
	double minutes = (cfg->duration_s - cfg->warmup_s) / 60.0;
	cJSON_AddStringToObject(root, "scenario", cfg->name);
	add_u64(root, "seed", cfg->seed);
	cJSON_AddStringToObject(root, "ratesim_version", RATESIM_VERSION);
	cJSON_AddStringToObject(root, "source", cfg->source ? cfg->source : "");
	cJSON *ov = cJSON_AddArrayToObject(root, "overrides");
	for (size_t i = 0; ov && i < cfg->n_overrides; i++)
		cJSON_AddItemToArray(ov, cJSON_CreateString(cfg->overrides[i]));
	if (cfg->replication > 0)
		add_u64(root, "replication", (uint64_t)cfg->replication);
	rs_json_num(root, "duration_s", cfg->duration_s, 0);
	rs_json_num(root, "warmup_s", cfg->warmup_s, 0);
	rs_json_num(root, "bucket_s", cfg->bucket_s, 0);
	add_scope_figures(root, m, 0, minutes, true);

	cJSON *deps = cJSON_AddArrayToObject(root, "deployments");
	for (size_t d = 0; d < cfg->n_deployments; d++) {
		const rs_deployment_cfg *dc = &cfg->deployments[d];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(deps, o);
		cJSON_AddStringToObject(o, "name", dc->name);
		cJSON_AddStringToObject(o, "kind", rs_kind_name(dc->kind));
		cJSON_AddStringToObject(o, "model", cfg->models[dc->model].name);
		cJSON_AddStringToObject(o, "region", dc->region);
		add_scope_figures(o, m, 1 + d, minutes, false);
		if (rs_kind_is_provisioned(dc->kind))
			add_ptu_figures(o, cfg, m, d, minutes);
	}
	rs_outages_summary(cfg, deps); /* issue 9: measured availability, with outages */
	add_cost(root, cfg, m, (cfg->duration_s - cfg->warmup_s) / 3600.0);
	rs_compute_summary(cfg, rs_metrics_compute(m), root); /* issue 9: application tiers */
	rs_batch_summary(cfg, rs_metrics_batch(m), root);     /* issue 9: global batch */
	cJSON *routers = cJSON_AddArrayToObject(root, "routers");
	for (size_t k = 0; k < cfg->n_routers; k++) {
		rs_router_figures f;
		rs_metrics_router(m, k, &f);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(routers, o);
		cJSON_AddStringToObject(o, "name", cfg->routers[k].name);
		add_u64(o, "picks", f.picks);
		add_u64(o, "cooldowns", f.cooldowns);
		add_u64(o, "breaker_trips", f.breaker_trips);
		add_u64(o, "all_down", f.all_down);
	}
	cJSON *clients = cJSON_AddArrayToObject(root, "clients");
	for (size_t c = 0; c < cfg->n_clients; c++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(clients, o);
		cJSON_AddStringToObject(o, "name", cfg->clients[c].name);
		cJSON_AddStringToObject(o, "target", cfg->clients[c].target);
		add_scope_figures(o, m, 1 + cfg->n_deployments + c, minutes, true);
		rs_job_figures_json(rs_metrics_job(m, c), o); /* issue 9: jobs, pipelines */
	}
	add_windows(root, cfg, m);
	return root;
}

rs_status rs_output_write_file(const char *dir, const char *name, const char *text, rs_error *err)
{
	return rs_fsx_write_file(dir, name, text, strlen(text), err);
}

static rs_status write_json(const char *dir, const char *name, cJSON *doc, rs_error *err)
{
	char *text = cJSON_Print(doc);
	if (!text)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory formatting %s", name);
	size_t n = strlen(text);
	char *withnl = realloc(text, n + 2);
	if (!withnl) {
		free(text);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory formatting %s", name);
	}
	withnl[n] = '\n';
	withnl[n + 1] = '\0';
	rs_status st = rs_fsx_write_file(dir, name, withnl, n + 1, err);
	free(withnl);
	return st;
}

static rs_status close_stream(rs_output *o, FILE **fp, int f, rs_error *err)
{
	if (!*fp)
		return RS_OK;
	int errnum = 0;
	if (ferror(*fp))
		errnum = EIO;
	if (fflush(*fp) != 0 && !errnum)
		errnum = errno;
	if (fclose(*fp) != 0 && !errnum)
		errnum = errno;
	*fp = NULL;
	if (errnum || o->failure[0]) {
		write_failed(o, f, errnum);
		return rs_fail(err, RS_ERR_IO, "%s", o->failure);
	}
	return RS_OK;
}

typedef struct cdf_writer {
	FILE *f;
} cdf_writer;

static void cdf_point(void *ctx, double ms, double fraction)
{
	cdf_writer *w = ctx;
	if (isfinite(ms) && isfinite(fraction))
		fprintf(w->f, "%.6g,%.6g\n", ms, fraction);
}

/* latency_cdf.csv: the run's request latency distribution (after warm-up)
 * as (upper edge of a histogram bin, share of requests at or below it). */
static rs_status write_cdf(rs_output *o, const rs_metrics *m, rs_error *err)
{
	cdf_writer w = {.f = open_tmp(o, F_CDF, err)};
	if (!w.f)
		return RS_ERR_IO;
	fputs("latency_ms,fraction\n", w.f);
	rs_metrics_latency_cdf(m, 0, cdf_point, &w);
	return close_stream(o, &w.f, F_CDF, err);
}

const char *rs_output_failure(const rs_output *o)
{
	return o->failure;
}

const char *rs_output_staging(const rs_output *o)
{
	return rs_stage_path(o->stage);
}

rs_status rs_output_finish(rs_output *o, const rs_config *cfg, const rs_metrics *m,
                           const rs_engine_stats *es, rs_error *err)
{
	const char *stage = rs_stage_path(o->stage);
	rs_status st = close_stream(o, &o->ts, F_TIMESERIES, err);
	if (st == RS_OK)
		st = close_stream(o, &o->min, F_MINUTES, err);
	if (st == RS_OK && o->req && rs_reqlog_csv_flush(o->req_rows) != 0) {
		write_failed(o, F_REQUESTS, errno);
		st = rs_fail(err, RS_ERR_IO, "%s", o->failure);
	}
	if (st == RS_OK)
		st = close_stream(o, &o->req, F_REQUESTS, err);
	if (st == RS_OK)
		st = close_stream(o, &o->alerts_f, F_ALERTS, err);
	if (st == RS_OK)
		st = write_cdf(o, m, err);
	if (st == RS_OK && cfg->effective_json)
		st = rs_fsx_write_file(stage, "scenario.json", cfg->effective_json,
		                       strlen(cfg->effective_json), err);
	if (st != RS_OK)
		return st;
	cJSON *summary = rs_output_summary(cfg, m);
	if (!summary || !rs_alerts_summary(o->alerts, m, summary)) {
		cJSON_Delete(summary);
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building summary.json");
	}
	st = write_json(stage, file_names[F_SUMMARY], summary, err);
	cJSON_Delete(summary);
	if (st != RS_OK)
		return st;

	cJSON *eng = cJSON_CreateObject();
	if (!eng)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory building engine.json");
	add_u64(eng, "events", es->events);
	add_u64(eng, "queue_events", es->queue_events);
	add_u64(eng, "requests", es->requests);
	rs_json_num(eng, "wall_s", es->wall_s, RATE_DECIMALS);
	rs_json_num(eng, "events_per_s", es->wall_s > 0 ? (double)es->events / es->wall_s : 0, 1);
	rs_json_num(eng, "requests_per_s", es->wall_s > 0 ? (double)es->requests / es->wall_s : 0,
	            1);
	add_i64(eng, "peak_rss_kb", es->peak_rss_kb);
	st = write_json(stage, file_names[F_ENGINE], eng, err);
	cJSON_Delete(eng);
	return st;
}

rs_status rs_output_promote(rs_output *o, rs_error *err)
{
	rs_status st = rs_stage_commit(o->stage, file_names[F_SUMMARY], err);
	if (st == RS_OK)
		o->committed = true;
	return st;
}

rs_status rs_output_commit(rs_output *o, const rs_config *cfg, const rs_metrics *m,
                           const rs_engine_stats *es, rs_error *err)
{
	rs_status st = rs_output_finish(o, cfg, m, es, err);
	return st == RS_OK ? rs_output_promote(o, err) : st;
}

void rs_output_free(rs_output *o)
{
	if (!o)
		return;
	if (o->ts)
		fclose(o->ts);
	if (o->req)
		fclose(o->req);
	if (o->min)
		fclose(o->min);
	if (o->alerts_f)
		fclose(o->alerts_f);
	rs_reqlog_csv_free(o->req_rows);
	rs_alerts_free(o->alerts);
	rs_stage_free(o->stage); /* removes the staging folder unless committed */
	free(o);
}
