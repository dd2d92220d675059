/*
 * figures.c - read a run's summary.json into rs_report_figures (see
 * figures.h).
 *
 * The file is read whole (it is a few KB; anything above FIGURES_FILE_MAX is
 * not a summary) and parsed by cJSON; each key is checked for its type and
 * range, and an error names the file and the key's path
 * ("DIR/summary.json: .requests.offered: expected a whole number >= 0"), or
 * the line and column of a syntax error.
 */
#include "ratesim/figures.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIGURES_SUMMARY  "summary.json"
#define FIGURES_SCENARIO "scenario.json"
/* The largest summary.json read: a summary is a few KB per deployment and
 * client, so this is far beyond any real one and stops a wrong file early. */
#define FIGURES_FILE_MAX (64L << 20)
/* The largest whole number a JSON number holds exactly (2^53). */
#define FIGURES_WHOLE_MAX 9007199254740992.0

/* The whole file at path, NUL-terminated.  OUT: *text (caller frees). */
static rs_status slurp(const char *path, char **text, rs_error *err)
{
	*text = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	rs_status st = RS_OK;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 1 >= cap) {
			if ((long)cap > FIGURES_FILE_MAX) {
				st = rs_fail(err, RS_ERR_IO,
				             "%s: larger than %ld bytes: not a summary", path,
				             FIGURES_FILE_MAX);
				break;
			}
			size_t ncap = cap ? 2 * cap : 4096;
			char *b = realloc(buf, ncap);
			if (!b) {
				st = rs_fail(err, RS_ERR_NOMEM, "out of memory reading %s", path);
				break;
			}
			buf = b;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - 1 - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (st == RS_OK && ferror(f))
		st = rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
	fclose(f);
	if (st != RS_OK) {
		free(buf);
		return st;
	}
	buf[n] = '\0';
	*text = buf;
	return RS_OK;
}

/* root.k1 or root.k1.k2 (k2 may be NULL), or NULL. */
static const cJSON *item_raw(const cJSON *root, const char *k1, const char *k2)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, k1);
	if (it && k2)
		it = cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, k2) : NULL;
	return it;
}

/* The value of a figure: in the aggregate summary of replications
 * (aggregate.h) a figure is an object, and its "mean" is read. */
static const cJSON *item_at(const cJSON *root, const char *k1, const char *k2)
{
	const cJSON *it = item_raw(root, k1, k2);
	if (cJSON_IsObject(it))
		it = cJSON_GetObjectItemCaseSensitive(it, "mean");
	return it;
}

static rs_status get_count(const char *path, const cJSON *root, const char *k1, const char *k2,
                           uint64_t *out, rs_error *err)
{
	const cJSON *it = item_at(root, k1, k2);
	/* an aggregate has a base seed, and its counts are means: rounded */
	if (!it && !k2 && !strcmp(k1, "seed"))
		it = cJSON_GetObjectItemCaseSensitive(root, "base_seed");
	double v = cJSON_IsNumber(it) ? it->valuedouble : -1;
	if (cJSON_IsObject(item_raw(root, k1, k2)) && v >= 0)
		v = floor(v + 0.5);
	if (!(v >= 0 && v <= FIGURES_WHOLE_MAX && v == floor(v)))
		return rs_fail(err, RS_ERR_SYNTAX, "%s: .%s%s%s: expected a whole number >= 0",
		               path, k1, k2 ? "." : "", k2 ? k2 : "");
	*out = (uint64_t)v;
	return RS_OK;
}

/* A number; with nullable, null reads as NaN (a percentile with no sample). */
static rs_status get_real(const char *path, const cJSON *root, const char *k1, const char *k2,
                          bool nullable, double *out, rs_error *err)
{
	const cJSON *it = item_at(root, k1, k2);
	if (nullable && cJSON_IsNull(it)) {
		*out = NAN;
		return RS_OK;
	}
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return rs_fail(err, RS_ERR_SYNTAX, "%s: .%s%s%s: expected a number%s", path, k1,
		               k2 ? "." : "", k2 ? k2 : "", nullable ? " or null" : "");
	*out = it->valuedouble;
	return RS_OK;
}

/* "path:LINE:COL" of the byte at end in text. */
static void json_where(const char *text, const char *end, long *line, long *col)
{
	*line = 1;
	*col = 1;
	for (const char *s = text; *s && s < end; s++) {
		if (*s == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* The object of window `window` in summary.json's "windows" (path: the
 * file, for messages).  OUT: *obj. */
static rs_status window_of(const char *path, const cJSON *root, const char *window,
                           const cJSON **obj, rs_error *err)
{
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(root, "windows");
	*obj = cJSON_GetObjectItemCaseSensitive(all, window);
	if (cJSON_IsObject(*obj))
		return RS_OK;
	char names[RS_ERROR_MAX / 2] = "";
	size_t used = 0;
	for (const cJSON *w = cJSON_IsObject(all) ? all->child : NULL; w; w = w->next) {
		int n = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
		                 w->string);
		if (n < 0 || (size_t)n >= sizeof names - used)
			break;
		used += (size_t)n;
	}
	return rs_fail(err, RS_ERR_USAGE,
	               "%s: the run has no window \"%s\" (%s%s); a window is simulated with "
	               "the run (--window START:END, or \"windows\" in the scenario)",
	               path, window, used ? "its windows: " : "it has no windows", names);
}

static rs_status read_figures(const char *dir, const char *window, rs_report_figures *out,
                              rs_error *err);

rs_status rs_report_read_figures(const char *dir, rs_report_figures *out, rs_error *err)
{
	return read_figures(dir, NULL, out, err);
}

rs_status rs_report_read_window(const char *dir, const char *window, rs_report_figures *out,
                                rs_error *err)
{
	return read_figures(dir, window, out, err);
}

static rs_status read_figures(const char *dir, const char *window, rs_report_figures *out,
                              rs_error *err)
{
	memset(out, 0, sizeof *out);
	size_t dl = strlen(dir);
	char *path = malloc(dl + sizeof "/" FIGURES_SUMMARY);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	snprintf(path, dl + sizeof "/" FIGURES_SUMMARY, "%s%s" FIGURES_SUMMARY, dir,
	         dl && dir[dl - 1] == '/' ? "" : "/");
	char *text;
	rs_status st = slurp(path, &text, err);
	if (st != RS_OK) {
		free(path);
		return st;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root || !cJSON_IsObject(root)) {
		long line, col;
		json_where(text, end ? end : text, &line, &col);
		st = root
		         ? rs_fail(err, RS_ERR_SYNTAX, "%s: expected a JSON object", path)
		         : rs_fail(err, RS_ERR_SYNTAX, "%s:%ld:%ld: invalid JSON", path, line, col);
		goto out;
	}
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "scenario");
	if (!cJSON_IsString(name)) {
		st = rs_fail(err, RS_ERR_SYNTAX, "%s: .scenario: expected a string", path);
		goto out;
	}
	snprintf(out->scenario, sizeof out->scenario, "%s", name->valuestring);
	st = get_count(path, root, "seed", NULL, &out->seed, err);
	const cJSON *top = root; /* the run's figures, or the window's */
	if (st == RS_OK && window)
		st = window_of(path, root, window, &top, err);
	const struct {
		const char *k1, *k2;
		uint64_t *dst;
	} counts[] = {
	    {"requests", "offered", &out->offered},
	    {"requests", "succeeded", &out->succeeded},
	    {"requests", "succeeded_after_429", &out->succeeded_after_429},
	    {"requests", "succeeded_spilled", &out->succeeded_spilled},
	    {"requests", "failed", &out->failed},
	    {"requests", "in_flight_end", &out->in_flight_end},
	    {"attempts", "total", &out->attempts},
	    {"attempts", "throttled", &out->throttled},
	};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0] && st == RS_OK; i++)
		st = get_count(path, top, counts[i].k1, counts[i].k2, counts[i].dst, err);
	const struct {
		const char *k1, *k2;
		bool nullable;
		double *dst;
	} reals[] = {
	    {"rate_429", NULL, false, &out->rate_429},
	    {"latency_ms", "p50", true, &out->latency_p50_ms},
	    {"latency_ms", "p95", true, &out->latency_p95_ms},
	    {"latency_ms", "p99", true, &out->latency_p99_ms},
	    {"throughput", "tokens_per_min", false, &out->tokens_per_min},
	    {"throughput", "requests_per_min", false, &out->requests_per_min},
	};
	for (size_t i = 0; i < sizeof reals / sizeof reals[0] && st == RS_OK; i++)
		st = get_real(path, top, reals[i].k1, reals[i].k2, reals[i].nullable, reals[i].dst,
		              err);
	const struct {
		const char *key;
		double *dst;
	} spans[] = {
	    {"duration_s", &out->duration_s}, {"warmup_s", &out->warmup_s},
	    {"bucket_s", &out->bucket_s},     {"start_s", &out->window_start_s},
	    {"end_s", &out->window_end_s},
	};
	for (size_t i = 0; i < sizeof spans / sizeof spans[0] && st == RS_OK; i++) {
		/* the window's own span, the run's others */
		const cJSON *from = i >= 3 ? top : root;
		const cJSON *it = i < 3 || window ? item_at(from, spans[i].key, NULL) : NULL;
		*spans[i].dst = NAN;
		if (it)
			st = get_real(path, from, spans[i].key, NULL, false, spans[i].dst, err);
	}
	const cJSON *cost = item_at(top, "cost", "total_usd");
	out->has_cost = cJSON_IsNumber(cost) && isfinite(cost->valuedouble);
	out->cost_usd = out->has_cost ? cost->valuedouble : NAN;
out:
	cJSON_Delete(root);
	free(text);
	free(path);
	return st;
}

/* A string member of f, or "" when it has none. */
static const char *str_or_empty(const cJSON *f, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(f, key);
	return cJSON_IsString(it) ? it->valuestring : "";
}

rs_status rs_figures_read_faults(const char *dir, rs_fault_span **spans, size_t *n, rs_error *err)
{
	*spans = NULL;
	*n = 0;
	size_t dl = strlen(dir);
	size_t plen = dl + sizeof "/" FIGURES_SCENARIO;
	char *path = malloc(plen);
	if (!path)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	snprintf(path, plen, "%s%s" FIGURES_SCENARIO, dir, dl && dir[dl - 1] == '/' ? "" : "/");
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		free(path); /* a run written before scenario.json existed */
		return RS_OK;
	}
	char *text;
	rs_status st = slurp(path, &text, err);
	if (st != RS_OK) {
		free(path);
		return st;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	const cJSON *faults = cJSON_GetObjectItemCaseSensitive(root, "faults");
	if (!root || !cJSON_IsObject(root)) {
		long line, col;
		json_where(text, end ? end : text, &line, &col);
		st = root
		         ? rs_fail(err, RS_ERR_SYNTAX, "%s: expected a JSON object", path)
		         : rs_fail(err, RS_ERR_SYNTAX, "%s:%ld:%ld: invalid JSON", path, line, col);
	} else if (faults && !cJSON_IsArray(faults)) {
		st = rs_fail(err, RS_ERR_SYNTAX, "%s: .faults: expected an array", path);
	}
	size_t count = st == RS_OK && faults ? (size_t)cJSON_GetArraySize(faults) : 0;
	if (count > 0) {
		*spans = rs_calloc(count, sizeof **spans);
		if (!*spans)
			st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < count && st == RS_OK; i++) {
		const cJSON *f = cJSON_GetArrayItem(faults, (int)i);
		rs_fault_span *s = &(*spans)[i];
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(f, "start_s");
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(f, "end_s");
		const cJSON *scale = cJSON_GetObjectItemCaseSensitive(f, "scale");
		if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b)) {
			st = rs_fail(err, RS_ERR_SYNTAX,
			             "%s: .faults[%zu]: expected numbers start_s and end_s", path,
			             i);
			break;
		}
		snprintf(s->kind, sizeof s->kind, "%s", str_or_empty(f, "kind"));
		const char *dep = str_or_empty(f, "deployment");
		snprintf(s->where, sizeof s->where, "%s", *dep ? dep : str_or_empty(f, "region"));
		s->start_s = a->valuedouble;
		s->end_s = b->valuedouble;
		s->scale = cJSON_IsNumber(scale) ? scale->valuedouble : NAN;
		(*n)++;
	}
	if (st != RS_OK) {
		free(*spans);
		*spans = NULL;
		*n = 0;
	}
	cJSON_Delete(root);
	free(text);
	free(path);
	return st;
}
