/*
 * chart_refusal.h - the 429 chart's split by who refused (issue 9 part 3;
 * refusal.h): sim/ internal, used by chart.c's rate_429 chart.
 *
 * Each point of rate_429.dat gains three columns after the deployments':
 * the share of attempts refused by the service, by the gateway and by the
 * router (%; their sum is the 429 rate of the point when it is one bucket).
 * The template draws them only when more than one party refused in the run
 * (split_n > 1), so that a run where only the service refuses draws the
 * chart it always drew.  For a run written before the split (no such
 * columns in timeseries.csv) the .dat has no such columns either.
 */
#ifndef RATESIM_CHART_REFUSAL_H
#define RATESIM_CHART_REFUSAL_H

#include <stdbool.h>
#include <stdio.h>

#include "chart_csv.h"

typedef struct chart_refusals {
	bool present;  /* timeseries.csv has the columns: else nothing is written */
	unsigned seen; /* bit k - 1: refuser k (RS_BY_SERVICE..RS_BY_ROUTER) refused */
} chart_refusals;

/* The .dat head's line for the three columns, the first being `first`. */
void chart_refusals_head(const chart_refusals *s, FILE *f, size_t first);
/* Write the three columns of the point v (TS_* values, TS_ATTEMPTS the
 * attempts) and note who refused.  Returns the largest share written. */
double chart_refusals_row(chart_refusals *s, FILE *f, const double *v);
/* The template's facts: split_n (the parties that refused, or 0 when at
 * most one did), split_col[k] the .dat column of the k-th, split_name[k]
 * its legend; first_col: the column of the service's share. */
void chart_refusals_facts(const chart_refusals *s, FILE *f, size_t first_col);

#endif
