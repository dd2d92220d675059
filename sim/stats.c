/*
 * stats.c - means and Student-t intervals across replications (stats.h).
 *
 * GSL does the arithmetic: gsl_stats_mean / gsl_stats_sd (a two-pass,
 * numerically careful sd) on the values that are numbers, and
 * gsl_cdf_tdist_Pinv for the quantile.  The values are copied once to drop
 * the NaNs (a run with no successes has no latency), which keeps GSL's
 * functions on plain arrays.
 */
#include "ratesim/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "ratesim/common.h"

double rs_stats_t95(size_t dof)
{
	return gsl_cdf_tdist_Pinv(1.0 - (1.0 - RS_STATS_LEVEL) / 2.0, (double)dof);
}

/* Statistics of the n finite values in v (already filtered). */
static void stats_dense(const double *v, size_t n, rs_stats *s)
{
	s->n = n;
	s->mean = s->stdev = s->ci95 = s->min = s->max = NAN;
	if (n == 0)
		return;
	s->mean = gsl_stats_mean(v, 1, n);
	gsl_stats_minmax(&s->min, &s->max, v, 1, n);
	if (n < 2)
		return;
	s->stdev = gsl_stats_sd_m(v, 1, n, s->mean);
	s->ci95 = rs_stats_t95(n - 1) * s->stdev / sqrt((double)n);
}

void rs_stats_of(const double *x, size_t n, rs_stats *s)
{
	double *v = rs_calloc(n ? n : 1, sizeof *v);
	size_t m = 0;
	if (!v) { /* no memory for a copy: the mean of what fits is not worth a guess */
		*s = (rs_stats){0, NAN, NAN, NAN, NAN, NAN};
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (isfinite(x[i]))
			v[m++] = x[i];
	stats_dense(v, m, s);
	free(v);
}

void rs_stats_paired(const double *a, const double *b, size_t n, rs_stats *s)
{
	double *v = rs_calloc(n ? n : 1, sizeof *v);
	size_t m = 0;
	if (!v) {
		*s = (rs_stats){0, NAN, NAN, NAN, NAN, NAN};
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (isfinite(a[i]) && isfinite(b[i]))
			v[m++] = a[i] - b[i];
	stats_dense(v, m, s);
	free(v);
}

int rs_stats_significant(const rs_stats *s)
{
	if (s->n < 2 || !isfinite(s->ci95))
		return 0;
	/* all differences equal and non-zero: no noise at all, so it is real */
	if (s->ci95 == 0)
		return s->mean != 0;
	return fabs(s->mean) > s->ci95;
}
