/*
 * stats.h - the statistics of the decision layer: a figure's mean and 95%
 * confidence interval across replications, and the paired difference of
 * two candidates.
 *
 * Every interval is Student's t: ci95 = t(0.975, n - 1) x s / sqrt(n),
 * with s the sample standard deviation (n - 1 in the denominator) and the
 * quantile from GSL (gsl_cdf_tdist_Pinv).  Replications are independent by
 * construction (their seeds, plan.h), so this is the textbook interval; it
 * is half-width, not the whole width.  With n < 2 there is no interval:
 * stdev and ci95 are NaN, which outputs write as null.
 *
 * A paired difference (candidate a minus candidate b, replication by
 * replication) uses the same formula on the n differences: replication k
 * of every candidate draws the same arrivals and sizes (common random
 * numbers, plan.h), so the differences cancel most of the workload's noise
 * and the interval is far narrower than the two candidates' own.
 *
 * Cost: O(n) per figure.
 */
#ifndef RATESIM_STATS_H
#define RATESIM_STATS_H

#include <stddef.h>

/* The confidence level of every interval ratesim reports. */
#define RS_STATS_LEVEL 0.95

typedef struct rs_stats {
	size_t n; /* values that were numbers (null values are left out) */
	double mean, stdev, ci95, min, max; /* NaN when n is too small */
} rs_stats;

/* The statistics of the n values x[] (NaN entries are skipped).  OUT: *s. */
void rs_stats_of(const double *x, size_t n, rs_stats *s);

/* The statistics of a[i] - b[i] for the i where both are numbers. OUT: *s. */
void rs_stats_paired(const double *a, const double *b, size_t n, rs_stats *s);

/* Student's t quantile for a two-sided 95% interval with dof degrees of
 * freedom (dof >= 1). */
double rs_stats_t95(size_t dof);

/* True when the interval mean +- ci95 excludes zero (n >= 2). */
int rs_stats_significant(const rs_stats *s);

#endif
