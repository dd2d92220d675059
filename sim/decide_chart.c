/*
 * decide_chart.c - charts of replicated runs, sweeps and sizing searches
 * (decide_chart.h).
 *
 * Each chart is written as its .dat (numbers only, "NaN" for a gap) and a
 * .gp of the facts a template needs (names, counts, ranges), then drawn
 * with rs_gnuplot_draw; the templates are in plots/ and say what each
 * variable means.  Numbers are printed with "%.10g", so the same inputs
 * give the same bytes.
 */
#include "ratesim/decide_chart.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/gnuplot.h"
#include "ratesim/textio.h"

#define DC_BANDS_CSV   "bands.csv"
#define DC_CDF_CSV     "latency_cdf.csv"
#define DC_S_PER_MIN   60.0
#define DC_PERCENT     100.0
#define DC_MS_PER_S    1000.0
#define DC_NAME_MAX    128
#define DC_BAND_FIELDS 32
#define DC_MAX_SERIES  2

/* One band chart: which bands.csv series (by column name prefix), scaled. */
typedef struct band_chart {
	const char *name, *what, *ylabel;
	size_t n;
	const char *col[DC_MAX_SERIES], *label[DC_MAX_SERIES];
	double scale;
} band_chart;

static const band_chart band_charts[] = {
    {"rep_rate_429",
     "429 rate across replications",
     "429 rate (% of attempts)",
     1,
     {"rate_429"},
     {"429 rate"},
     DC_PERCENT},
    {"rep_throughput",
     "served tokens per minute across replications",
     "tokens per minute",
     1,
     {"tokens_per_min"},
     {"served tokens/min"},
     1},
    {"rep_latency",
     "latency of successes across replications",
     "latency (s)",
     2,
     {"latency_p50_ms", "latency_p99_ms"},
     {"p50", "p99"},
     1 / DC_MS_PER_S},
};
#define DC_N_BANDS (sizeof band_charts / sizeof *band_charts)

static FILE *open_in(const char *dir, const char *name, char **path, rs_error *err, rs_status *st)
{
	*path = rs_text_join(dir, name);
	FILE *f = *path ? fopen(*path, "r") : NULL;
	if (!*path)
		*st = rs_fail(err, RS_ERR_NOMEM, "out of memory");
	else if (!f)
		*st = rs_fail(err, RS_ERR_IO, "%s: cannot open: %s", *path, strerror(errno));
	return f;
}

/* Split a CSV line of numbers and names (no quotes in bands.csv). */
static size_t split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	for (char *s = line; n < max;) {
		fields[n++] = s;
		char *c = strchr(s, ',');
		if (!c)
			break;
		*c = '\0';
		s = c + 1;
	}
	return n;
}

static double num(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	return *s && *end == '\0' ? v : NAN;
}

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.10g", v);
	else
		fputs(" NaN", f);
}

/* A .dat row "x mean half-width" (a missing half-width drawn as none). */
static void put_err_row(FILE *f, double x, double mean, double hw)
{
	fprintf(f, "%.10g", x);
	put_num(f, mean);
	put_num(f, isfinite(hw) ? hw : 0);
	fputc('\n', f);
}

/* "name = 'value'" in a script's head. */
static void put_var(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s = ", name);
	rs_gnuplot_put_string(f, value);
	fputc('\n', f);
}

/* Whether no interval mean - hw of the n points goes below 0 (nor bound). */
static bool all_nonneg(const double *mean, const double *hw, size_t n, double bound)
{
	bool ok = !(bound < 0);
	for (size_t i = 0; i < n; i++)
		ok = ok && !(mean[i] - (isfinite(hw[i]) ? hw[i] : 0) < 0);
	return ok;
}

/* End the script gp with the templates, close it and draw DIR/NAME. */
static rs_status finish_one(const char *dir, const char *name, const char *title, rs_text_out *gp,
                            const char *tmpl, char *warning, size_t wlen, rs_error *err)
{
	rs_status st = rs_gnuplot_put_body(gp->f, tmpl, err);
	if (st == RS_OK)
		st = rs_text_close(gp, err);
	if (st != RS_OK)
		return st;
	const char *names[1] = {name};
	rs_chart_opts co = {.title = title, .gnuplot = NULL, .required = false};
	return rs_gnuplot_draw(dir, names, 1, &co, warning, wlen, err);
}

/* Open DIR/NAME.EXT for writing through textio. */
static rs_status open_out(const char *dir, const char *name, const char *ext, rs_text_out *o,
                          rs_error *err)
{
	char file[DC_NAME_MAX + 8];
	snprintf(file, sizeof file, "%s.%s", name, ext);
	char *p = rs_text_join(dir, file);
	if (!p)
		return rs_fail(err, RS_ERR_NOMEM, "out of memory");
	rs_status st = rs_text_open(o, p, err);
	free(p);
	return st;
}

static rs_status write_band(const char *gdir, const char *title, size_t n_rep, const band_chart *c,
                            rs_error *err)
{
	char *path;
	rs_status st = RS_OK;
	FILE *in = open_in(gdir, DC_BANDS_CSV, &path, err, &st);
	rs_text_out dat = {0}, gp = {0};
	if (!in)
		goto out;
	char line[4096];
	char *fields[DC_BAND_FIELDS];
	long col[DC_MAX_SERIES];
	if (!fgets(line, sizeof line, in)) {
		st = rs_fail(err, RS_ERR_SYNTAX, "%s: empty", path);
		goto out;
	}
	size_t nf = split(line, fields, DC_BAND_FIELDS);
	for (size_t s = 0; s < c->n; s++) {
		col[s] = -1;
		char want[64];
		snprintf(want, sizeof want, "%s_mean", c->col[s]);
		for (size_t i = 0; i < nf; i++)
			if (!strcmp(fields[i], want))
				col[s] = (long)i;
		if (col[s] < 0) {
			st = rs_fail(err, RS_ERR_SYNTAX, "%s: no column %s", path, want);
			goto out;
		}
	}
	if ((st = open_out(gdir, c->name, "dat", &dat, err)) != RS_OK)
		goto out;
	fprintf(dat.f, "# time_min");
	for (size_t s = 0; s < c->n; s++)
		fprintf(dat.f, " %s_mean %s_lo %s_hi", c->col[s], c->col[s], c->col[s]);
	fputc('\n', dat.f);
	double t_max = 0, y_max = 0;
	while (fgets(line, sizeof line, in)) {
		size_t n = split(line, fields, DC_BAND_FIELDS);
		double t = num(fields[0]) / DC_S_PER_MIN;
		fprintf(dat.f, "%.10g", t);
		t_max = t > t_max ? t : t_max;
		for (size_t s = 0; s < c->n; s++)
			for (long k = 0; k < 3; k++) {
				double v = (size_t)(col[s] + k) < n
				               ? num(fields[col[s] + k]) * c->scale
				               : NAN;
				put_num(dat.f, v);
				if (isfinite(v) && v > y_max)
					y_max = v;
			}
		fputc('\n', dat.f);
	}
	if ((st = rs_text_close(&dat, err)) != RS_OK)
		goto out;
	if ((st = open_out(gdir, c->name, "gp", &gp, err)) != RS_OK)
		goto out;
	rs_gnuplot_put_head(gp.f, c->name, title);
	fprintf(gp.f, "n_series = %zu\narray series_name[%zu]\n", c->n, c->n);
	for (size_t s = 0; s < c->n; s++) {
		fprintf(gp.f, "series_name[%zu] = ", s + 1);
		rs_gnuplot_put_string(gp.f, c->label[s]);
		fputc('\n', gp.f);
	}
	fprintf(gp.f, "n_rep = %zu\n", n_rep);
	put_var(gp.f, "what", c->what);
	put_var(gp.f, "ylabel", c->ylabel);
	fprintf(gp.f, "t_max = %.10g\ny_max = %.10g\n", t_max, y_max);
	st = rs_gnuplot_put_body(gp.f, "bands.gp", err);
	if (st == RS_OK)
		st = rs_text_close(&gp, err);
out:
	if (dat.f)
		rs_text_abandon(&dat);
	if (gp.f)
		rs_text_abandon(&gp);
	if (in)
		fclose(in);
	free(path);
	return st;
}

/* The pooled CDF chart: latency_cdf.{dat,gp} from the pooled CSV. */
static rs_status write_cdf(const char *gdir, const char *title, rs_error *err)
{
	char *path;
	rs_status st = RS_OK;
	FILE *in = open_in(gdir, DC_CDF_CSV, &path, err, &st);
	rs_text_out dat = {0}, gp = {0};
	if (!in)
		goto out;
	if ((st = open_out(gdir, "latency_cdf", "dat", &dat, err)) != RS_OK)
		goto out;
	fputs("# latency_s share_pct (pooled over the replications)\n", dat.f);
	char line[256];
	char *fields[4];
	size_t points = 0;
	double lo = NAN, hi = NAN;
	bool header = true;
	while (fgets(line, sizeof line, in)) {
		if (header) {
			header = false;
			continue;
		}
		if (split(line, fields, 4) < 2)
			continue;
		double x = num(fields[0]) / DC_MS_PER_S, y = num(fields[1]) * DC_PERCENT;
		if (!isfinite(x) || !isfinite(y) || x <= 0)
			continue;
		fprintf(dat.f, "%.10g %.10g\n", x, y);
		lo = points ? fmin(lo, x) : x;
		hi = points ? fmax(hi, x) : x;
		points++;
	}
	if ((st = rs_text_close(&dat, err)) != RS_OK)
		goto out;
	if ((st = open_out(gdir, "latency_cdf", "gp", &gp, err)) != RS_OK)
		goto out;
	char t[DC_NAME_MAX * 4];
	snprintf(t, sizeof t, "%s, pooled replications", title);
	rs_gnuplot_put_head(gp.f, "latency_cdf", t);
	fprintf(gp.f, "cdf_points = %zu\nlatency_min_s = %.10g\nlatency_max_s = %.10g\n", points,
	        points ? lo : 0.1, points ? hi : 10.0);
	st = rs_gnuplot_put_body(gp.f, "latency_cdf.gp", err);
	if (st == RS_OK)
		st = rs_text_close(&gp, err);
out:
	if (dat.f)
		rs_text_abandon(&dat);
	if (gp.f)
		rs_text_abandon(&gp);
	if (in)
		fclose(in);
	free(path);
	return st;
}

rs_status rs_dchart_bands(const char *gdir, const char *title, size_t n_rep, char *warning,
                          size_t wlen, rs_error *err)
{
	const char *names[DC_N_BANDS + 1];
	rs_status st = RS_OK;
	for (size_t i = 0; i < DC_N_BANDS && st == RS_OK; i++) {
		names[i] = band_charts[i].name;
		st = write_band(gdir, title, n_rep, &band_charts[i], err);
	}
	names[DC_N_BANDS] = "latency_cdf";
	if (st == RS_OK)
		st = write_cdf(gdir, title, err);
	if (st != RS_OK)
		return st;
	rs_chart_opts co = {.title = title, .gnuplot = NULL, .required = false};
	return rs_gnuplot_draw(gdir, names, DC_N_BANDS + 1, &co, warning, wlen, err);
}

/* ---- sweeps ---------------------------------------------------------------------- */

/* The chart name for a figure path: "sweep_" and the path with every
 * character other than a letter, digit or '_' as '_'. */
static void sweep_name(const char *figure, char *buf, size_t len)
{
	int n = snprintf(buf, len, "sweep_");
	for (const char *s = figure; *s && (size_t)n + 1 < len; s++) {
		char c = *s;
		bool ok =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		buf[n++] = ok ? c : '_';
	}
	buf[n] = '\0';
}

/* Index of the distinct text s among seen[0..*n) (added when new). */
static size_t distinct(const char **seen, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(seen[i], s))
			return i;
	seen[*n] = s;
	return (*n)++;
}

rs_status rs_dchart_sweep(const rs_dchart_sweep_in *in, const char **name_out, char *warning,
                          size_t wlen, rs_error *err)
{
	static char name[DC_NAME_MAX];
	sweep_name(in->figure, name, sizeof name);
	*name_out = name;
	size_t np = in->n_points;
	const char **lines = rs_calloc(np ? np : 1, sizeof *lines);
	const char **xs = rs_calloc(np ? np : 1, sizeof *xs);
	rs_text_out dat = {0}, gp = {0};
	rs_status st = lines && xs ? RS_OK : rs_fail(err, RS_ERR_NOMEM, "out of memory");
	if (st != RS_OK)
		goto out;
	size_t n_lines = 0, n_x = 0;
	bool numeric = true;
	for (size_t i = 0; i < np; i++) {
		distinct(lines, &n_lines, in->line ? in->line[i] : "");
		distinct(xs, &n_x, in->x[i]);
		numeric = numeric && isfinite(num(in->x[i]));
	}
	if ((st = open_out(in->dir, name, "dat", &dat, err)) != RS_OK)
		goto out;
	for (size_t l = 0; l < n_lines; l++) {
		fprintf(dat.f, "%s# line %zu\n# x mean ci95\n", l ? "\n\n" : "", l + 1);
		for (size_t i = 0; i < np; i++) {
			if (strcmp(in->line ? in->line[i] : "", lines[l]))
				continue;
			size_t xi = distinct(xs, &n_x, in->x[i]);
			put_err_row(dat.f, numeric ? num(in->x[i]) : (double)(xi + 1), in->mean[i],
			            in->hw[i]);
		}
	}
	if ((st = rs_text_close(&dat, err)) != RS_OK)
		goto out;
	if ((st = open_out(in->dir, name, "gp", &gp, err)) != RS_OK)
		goto out;
	rs_gnuplot_put_head(gp.f, name, in->title);
	put_var(gp.f, "figure", in->figure);
	put_var(gp.f, "xlabel", in->xlabel);
	fprintf(gp.f, "n_lines = %zu\narray line_name[%zu]\n", n_lines, n_lines);
	for (size_t l = 0; l < n_lines; l++) {
		fprintf(gp.f, "line_name[%zu] = ", l + 1);
		rs_gnuplot_put_string(gp.f, lines[l][0] ? lines[l] : "mean, 95% interval");
		fputc('\n', gp.f);
	}
	fprintf(gp.f, "categorical = %d\nn_x = %zu\narray xtic_name[%zu]\n", !numeric, n_x, n_x);
	for (size_t i = 0; i < n_x; i++) {
		fprintf(gp.f, "xtic_name[%zu] = ", i + 1);
		rs_gnuplot_put_string(gp.f, xs[i]);
		fputc('\n', gp.f);
	}
	fprintf(gp.f, "x_log = %d\nn_rep = %zu\n", in->x_log && numeric, in->n_rep);
	put_var(gp.f, "key_title", in->line_title ? in->line_title : "");
	fprintf(gp.f, "y_nonneg = %d\n", all_nonneg(in->mean, in->hw, np, 0));
	st = finish_one(in->dir, name, in->title, &gp, "sweep.gp", warning, wlen, err);
out:
	if (dat.f)
		rs_text_abandon(&dat);
	if (gp.f)
		rs_text_abandon(&gp);
	free(lines);
	free(xs);
	return st;
}

/* ---- sizing ---------------------------------------------------------------------- */

rs_status rs_dchart_size(const rs_dchart_size_in *in, char *warning, size_t wlen, rs_error *err)
{
	char name[DC_NAME_MAX];
	snprintf(name, sizeof name, "size_%zu", in->k + 1);
	rs_text_out dat = {0}, gp = {0};
	rs_status st = open_out(in->dir, name, "dat", &dat, err);
	if (st != RS_OK)
		return st;
	fputs("# value mean ci95\n", dat.f);
	for (size_t i = 0; i < in->n; i++)
		put_err_row(dat.f, in->value[i], in->mean[i], in->hw[i]);
	if ((st = rs_text_close(&dat, err)) != RS_OK)
		goto out;
	if ((st = open_out(in->dir, name, "gp", &gp, err)) != RS_OK)
		goto out;
	rs_gnuplot_put_head(gp.f, name, in->title);
	put_var(gp.f, "figure", in->figure);
	put_var(gp.f, "target", in->target);
	put_var(gp.f, "xlabel", in->xlabel);
	fprintf(gp.f, "threshold = %.10g\n", in->threshold);
	fprintf(gp.f, isfinite(in->answer) ? "answer = %.10g\n" : "answer = NaN\n", in->answer);
	fprintf(gp.f, isfinite(in->formula) ? "formula = %.10g\n" : "formula = NaN\n", in->formula);
	fprintf(gp.f, "n_rep = %zu\ny_nonneg = %d\n", in->n_rep,
	        all_nonneg(in->mean, in->hw, in->n, in->threshold));
	st = finish_one(in->dir, name, in->title, &gp, "size.gp", warning, wlen, err);
out:
	if (dat.f)
		rs_text_abandon(&dat);
	if (gp.f)
		rs_text_abandon(&gp);
	return st;
}
