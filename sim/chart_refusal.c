/*
 * chart_refusal.c - the 429 chart's split by who refused (chart_refusal.h).
 *
 * The shares are pooled: refused / attempts of the point (a bucket, or the
 * buckets of a point on a long run), so that on one bucket they add up to
 * the point's 429 rate.  Cost: O(1) per point.
 */
#include "chart_refusal.h"

#include "chart_io.h"
#include "ratesim/refusal.h"

#include <math.h>

/* The refusers drawn, in refusal.h's order, and their timeseries.csv columns. */
static const int split_ts[] = {TS_REF_SERVICE, TS_REF_GATEWAY, TS_REF_ROUTER};
#define SPLIT_N (sizeof split_ts / sizeof split_ts[0])

void chart_refusals_head(const chart_refusals *s, FILE *f, size_t first)
{
	if (!s->present)
		return;
	fprintf(f,
	        "# columns %zu-%zu: the share of attempts refused by the service, by the "
	        "gateway\n# and by the router (%%; refused_* of " CHART_TS_CSV ")\n",
	        first, first + SPLIT_N - 1);
}

double chart_refusals_row(chart_refusals *s, FILE *f, const double *v)
{
	double top = 0;
	for (size_t k = 0; s->present && k < SPLIT_N; k++) {
		double n = v[split_ts[k]];
		double share =
		    isnan(n) || !(v[TS_ATTEMPTS] > 0) ? NAN : CHART_PERCENT * n / v[TS_ATTEMPTS];
		chart_put_num(f, share);
		top = chart_max(top, share);
		if (n > 0)
			s->seen |= 1u << k;
	}
	return top;
}

void chart_refusals_facts(const chart_refusals *s, FILE *f, size_t first_col)
{
	size_t n = 0;
	for (size_t k = 0; k < SPLIT_N; k++)
		n += (s->seen >> k) & 1u;
	if (n < 2)
		n = 0; /* one party: the "all attempts" line says it all */
	chart_put_var(f, "split_n", (double)n);
	fprintf(f, "array split_col[%zu]\n", n ? n : 1);
	chart_put_array_head(f, "split_name", n);
	size_t i = 0;
	for (size_t k = 0; n && k < SPLIT_N; k++) {
		if (!((s->seen >> k) & 1u))
			continue;
		fprintf(f, "split_col[%zu] = %zu\n", i + 1, first_col + k);
		char name[64];
		snprintf(name, sizeof name, "refused by the %s",
		         rs_refuser_name((rs_refuser)(k + 1)));
		chart_put_array_item(f, "split_name", i++, name);
	}
}
