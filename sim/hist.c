/*
 * hist.c - latency histogram on a gsl_histogram with geometric ranges.
 *
 * Layout: n = ceil(log(MAX / MIN) / log(RATIO)) bins, bin i covering
 * [MIN * RATIO^i, MIN * RATIO^(i+1)), so the ranges set with
 * gsl_histogram_set_ranges are geometric and the bin of a value is
 * floor(log(v / MIN) / log(RATIO)): one log() instead of the binary search of
 * gsl_histogram_increment.  The computed index is then checked against the
 * stored ranges and moved by one when rounding put it across an edge, so a
 * value always lies in the bin that GSL's own search would pick.
 *
 * Invariants: count == sum of the bins (kept as uint64 because the bins are
 * doubles, exact up to 2^53); min <= max and sum are exact over the samples
 * added; every histogram has the same ranges, which is what makes merge a
 * bin-by-bin addition.
 *
 * Cost: add O(1) (one log); quantile O(bins) = 1280 steps; memory
 * 2 * bins doubles, fixed.
 */
#include "ratesim/hist.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_histogram.h>

#include "ratesim/common.h"

/* q * n is computed in floating point and may land one ulp above an integer
 * (0.07 * 100 = 7.000000000000001), which ceil() would turn into the next
 * rank.  Shrinking the product by a few ulps before ceil() removes that
 * artefact while leaving every genuine fraction (far above 1e-15 relative)
 * alone. */
#define HIST_RANK_SHRINK (1.0 - 4.0 * DBL_EPSILON)

struct rs_hist {
	gsl_histogram *g;     /* owned; ranges geometric, see above */
	double inv_log_ratio; /* 1 / log(RS_HIST_RATIO) */
	uint64_t count;
	double min, max, sum;
};

static size_t hist_nbins(void)
{
	return (size_t)ceil(log(RS_HIST_MAX_MS / RS_HIST_MIN_MS) / log(RS_HIST_RATIO));
}

rs_hist *rs_hist_new(void)
{
	size_t n = hist_nbins();
	rs_hist *h = rs_calloc(1, sizeof *h);
	double *range = rs_calloc(n + 1, sizeof *range);
	if (!h || !range)
		goto fail;
	h->g = gsl_histogram_alloc(n);
	if (!h->g)
		goto fail;
	for (size_t i = 0; i <= n; i++)
		range[i] = RS_HIST_MIN_MS * pow(RS_HIST_RATIO, (double)i);
	if (gsl_histogram_set_ranges(h->g, range, n + 1) != GSL_SUCCESS)
		goto fail;
	free(range);
	h->inv_log_ratio = 1.0 / log(RS_HIST_RATIO);
	rs_hist_reset(h);
	return h;
fail:
	free(range);
	rs_hist_free(h);
	return NULL;
}

void rs_hist_free(rs_hist *h)
{
	if (!h)
		return;
	if (h->g)
		gsl_histogram_free(h->g);
	free(h);
}

/* The bin holding ms: below the first edge -> 0, at or above the last -> n-1. */
static size_t hist_bin_of(const rs_hist *h, double ms)
{
	const gsl_histogram *g = h->g;
	size_t n = g->n;
	if (!(ms > g->range[0]))
		return 0;
	if (ms >= g->range[n])
		return n - 1;
	double x = floor(log(ms / RS_HIST_MIN_MS) * h->inv_log_ratio);
	size_t i = x <= 0 ? 0 : x >= (double)(n - 1) ? n - 1 : (size_t)x;
	if (ms < g->range[i])
		i--; /* i > 0 here: ms > range[0] */
	else if (ms >= g->range[i + 1])
		i++; /* i < n - 1 here: ms < range[n] */
	return i;
}

size_t rs_hist_bin(const rs_hist *h, double ms)
{
	assert(!isnan(ms) && ms >= 0);
	return hist_bin_of(h, ms);
}

void rs_hist_add(rs_hist *h, double ms)
{
	rs_hist_add_at(h, rs_hist_bin(h, ms), ms);
}

void rs_hist_add_at(rs_hist *h, size_t bin, double ms)
{
	assert(bin < h->g->n);
	h->g->bin[bin] += 1.0;
	if (h->count == 0 || ms < h->min)
		h->min = ms;
	if (h->count == 0 || ms > h->max)
		h->max = ms;
	h->count++;
	h->sum += ms;
}

void rs_hist_reset(rs_hist *h)
{
	gsl_histogram_reset(h->g);
	h->count = 0;
	h->min = h->max = h->sum = 0;
}

void rs_hist_merge(rs_hist *dst, const rs_hist *src)
{
	assert(dst != src && dst->g->n == src->g->n);
	if (src->count == 0)
		return;
	for (size_t i = 0; i < src->g->n; i++)
		dst->g->bin[i] += src->g->bin[i];
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	if (dst->count == 0 || src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
}

uint64_t rs_hist_count(const rs_hist *h)
{
	return h->count;
}

double rs_hist_quantile(const rs_hist *h, double q)
{
	assert(q >= 0 && q <= 1);
	if (h->count == 0)
		return NAN;
	double n = (double)h->count;
	double k = ceil(q * n * HIST_RANK_SHRINK);
	if (k <= 1)
		return h->min;
	if (k >= n)
		return h->max;
	const gsl_histogram *g = h->g;
	double seen = 0;
	size_t i = 0;
	for (; i < g->n - 1; i++) {
		seen += g->bin[i];
		if (seen >= k)
			break;
	}
	double mid = sqrt(g->range[i] * g->range[i + 1]);
	return mid < h->min ? h->min : mid > h->max ? h->max : mid;
}

double rs_hist_min(const rs_hist *h)
{
	return h->count ? h->min : NAN;
}

double rs_hist_max(const rs_hist *h)
{
	return h->count ? h->max : NAN;
}

double rs_hist_mean(const rs_hist *h)
{
	return h->count ? h->sum / (double)h->count : NAN;
}

size_t rs_hist_bins(const rs_hist *h)
{
	return h->g->n;
}

void rs_hist_each(const rs_hist *h, void (*fn)(void *ctx, double lo, double hi, uint64_t n),
                  void *ctx)
{
	const gsl_histogram *g = h->g;
	for (size_t i = 0; i < g->n; i++) {
		if (g->bin[i] <= 0)
			continue;
		double lo = g->range[i] > h->min ? g->range[i] : h->min;
		double hi = g->range[i + 1] < h->max ? g->range[i + 1] : h->max;
		fn(ctx, lo, hi, (uint64_t)g->bin[i]);
	}
}
