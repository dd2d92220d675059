/*
 * hist.c - latency histogram with geometric bins and O(1) binning.
 *
 * Layout: n = ceil(log(MAX / MIN) / log(RATIO)) bins, bin i covering
 * [edge[i], edge[i+1]) with edge[i] = MIN * RATIO^i (computed with pow, once).
 * The edges are the ones a gsl_histogram with these ranges would hold, and a
 * value's bin is the one gsl_histogram_find would give (below the first
 * edge: bin 0; at or above the last: bin n - 1), which test_hist.c checks.
 *
 * Binning without log() or a search (the idea behind HDR histograms): the
 * bin of a double is read from its exponent and top INDEX_BITS mantissa
 * bits.  Those bits cut [edge[0], edge[n]) into sub-ranges
 * [2^e (1 + k / 2^INDEX_BITS), 2^e (1 + (k + 1) / 2^INDEX_BITS)) whose
 * upper-to-lower ratio is at most 1 + 2^-INDEX_BITS < RATIO, so a sub-range
 * meets at most two bins.  A table gives the bin of each sub-range's lower
 * end; the value then moves up past every edge at or below it (at most one),
 * a comparison with the stored edges, so the answer is exact, not rounded.
 * Edges and table are the same for every histogram: built once
 * (pthread_once) and shared, read-only.
 *
 * Storage: one uint64 count per bin (exact), kept beside the struct.  Bins
 * are monotone in the value, so the bins that may be non-zero are exactly
 * those from the bin of min to the bin of max: reset, merge, quantile and
 * each visit only that range, so a bucket's histogram costs what its
 * samples span (a few hundred bins for latencies), not 1280 bins, and an
 * add keeps no more than the count, sum, min and max.  An empty histogram
 * holds min = +inf and max = -inf, so an add needs no test for the first
 * sample.
 *
 * Invariants: count == sum of the bins; every bin outside
 * [bin(min), bin(max)] is 0; min <= max and sum are exact over the samples
 * added (sum in the order they were added); every histogram has the same
 * edges, which is what makes merge a bin-by-bin addition.
 *
 * Cost: add O(1) (binning: two loads, a compare; then an increment and two
 * compares); quantile O(bins spanned); memory 8 bytes per bin per histogram
 * plus the shared edges (8 bytes per bin) and table (2 bytes per
 * sub-range, about 4.7 KB).
 */
#include "ratesim/hist.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ratesim/common.h"

/* q * n is computed in floating point and may land one ulp above an integer
 * (0.07 * 100 = 7.000000000000001), which ceil() would turn into the next
 * rank.  Shrinking the product by a few ulps before ceil() removes that
 * artefact while leaving every genuine fraction (far above 1e-15 relative)
 * alone. */
#define HIST_RANK_SHRINK (1.0 - 4.0 * DBL_EPSILON)

/* Mantissa bits that index the table: sub-ranges of ratio 1 + 1/64 < RATIO. */
#define INDEX_BITS 6
/* IEEE 754 binary64: explicit mantissa bits and the exponent field's mask. */
#define MANT_BITS 52
#define EXP_MASK  0x7ffu

/* A bound well above the bins the default layout needs (1280), so the
 * layout is checked when it is built rather than trusted. */
#define HIST_MAX_BINS 65535u

static struct {
	size_t n;         /* bins */
	double *edge;     /* n + 1 edges */
	uint16_t *table;  /* bin of each sub-range's lower end */
	unsigned exp_lo;  /* biased exponent of edge[0] */
	size_t table_len; /* sub-ranges from 2^exp(edge[0]) to past edge[n] */
	bool ok;          /* built (false only when out of memory) */
} layout;
static pthread_once_t layout_once = PTHREAD_ONCE_INIT;

struct rs_hist {
	uint64_t count;
	double min, max, sum; /* min +inf and max -inf when empty */
	uint64_t bin[];       /* layout.n counts */
};

static uint64_t bits_of(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	return b;
}

/* The sub-range of a positive normal double, relative to the table's start. */
static size_t subrange_of(double x)
{
	uint64_t b = bits_of(x);
	unsigned e = (unsigned)(b >> MANT_BITS) & EXP_MASK;
	size_t k = (size_t)(b >> (MANT_BITS - INDEX_BITS)) & ((1u << INDEX_BITS) - 1);
	return ((size_t)(e - layout.exp_lo) << INDEX_BITS) | k;
}

static void layout_build(void)
{
	size_t n = (size_t)ceil(log(RS_HIST_MAX_MS / RS_HIST_MIN_MS) / log(RS_HIST_RATIO));
	assert(n >= 1 && n <= HIST_MAX_BINS);
	double *edge = rs_calloc(n + 1, sizeof *edge);
	if (!edge)
		return;
	for (size_t i = 0; i <= n; i++)
		edge[i] = RS_HIST_MIN_MS * pow(RS_HIST_RATIO, (double)i);
	unsigned exp_lo = (unsigned)(bits_of(edge[0]) >> MANT_BITS) & EXP_MASK;
	unsigned exp_hi = (unsigned)(bits_of(edge[n]) >> MANT_BITS) & EXP_MASK;
	size_t len = (size_t)(exp_hi - exp_lo + 1) << INDEX_BITS;
	uint16_t *table = rs_calloc(len, sizeof *table);
	if (!table) {
		free(edge);
		return;
	}
	/* Sub-range s starts at 2^(exp_lo + s / 2^B) (1 + (s mod 2^B) / 2^B);
	 * its bin is the last i < n with edge[i] <= that start (0 below edge[0]). */
	size_t i = 0;
	for (size_t s = 0; s < len; s++) {
		unsigned e = exp_lo + (unsigned)(s >> INDEX_BITS);
		uint64_t b = ((uint64_t)e << MANT_BITS) |
		             ((uint64_t)(s & ((1u << INDEX_BITS) - 1)) << (MANT_BITS - INDEX_BITS));
		double start;
		memcpy(&start, &b, sizeof start);
		while (i + 1 < n && edge[i + 1] <= start)
			i++;
		table[s] = (uint16_t)i;
	}
	/* bin_of's one step: a value of sub-range s is in a bin from table[s]
	 * to table[s + 1] (the last: to n - 1), so at most one past table[s] */
	for (size_t s = 1; s < len; s++)
		assert((unsigned)table[s] <= (unsigned)table[s - 1] + 1);
	assert((size_t)table[len - 1] + 2 >= n);
	layout.n = n;
	layout.edge = edge;
	layout.table = table;
	layout.exp_lo = exp_lo;
	layout.table_len = len;
	layout.ok = true;
}

rs_hist *rs_hist_new(void)
{
	pthread_once(&layout_once, layout_build);
	if (!layout.ok)
		return NULL;
	rs_hist *h = rs_calloc(1, sizeof *h + layout.n * sizeof h->bin[0]);
	if (!h)
		return NULL;
	rs_hist_reset(h);
	return h;
}

void rs_hist_free(rs_hist *h)
{
	free(h);
}

/* rs_hist_bin's answer (inlined where a sample is added). */
static inline size_t bin_of(double ms)
{
	assert(ms >= 0); /* false for NaN too */
	const double *edge = layout.edge;
	size_t n = layout.n;
	if (!(ms > edge[0]))
		return 0;
	if (ms >= edge[n])
		return n - 1;
	size_t i = layout.table[subrange_of(ms)];
	/* at most one edge to pass (see the note), so a step of 0 or 1 without
	 * a branch: whether a value passes is as good as random, and the loop's
	 * mispredicted exit was a sixth of a settle's wall time (issue 13).
	 * i + 1 < n, since ms < edge[n].  That one step is enough is asserted
	 * once, in layout_build; test_hist holds bins against
	 * gsl_histogram_find's. */
	i += ms >= edge[i + 1];
	return i;
}

size_t rs_hist_bin(const rs_hist *h, double ms)
{
	(void)h;
	return bin_of(ms);
}

void rs_hist_add(rs_hist *h, double ms)
{
	rs_hist_add_at(h, rs_hist_bin(h, ms), ms);
}

static inline void add_one(rs_hist *h, size_t bin, double ms)
{
	h->bin[bin]++;
	h->min = ms < h->min ? ms : h->min;
	h->max = ms > h->max ? ms : h->max;
	h->count++;
	h->sum += ms;
}

void rs_hist_add_at(rs_hist *h, size_t bin, double ms)
{
	assert(bin < layout.n && bin == rs_hist_bin(h, ms));
	add_one(h, bin, ms);
}

void rs_hist_add_each(rs_hist *const *hs, size_t n, size_t bin, double ms)
{
	assert(bin < layout.n); /* == rs_hist_bin(ms): asserted only in rs_hist_add_at (hot) */
	for (size_t i = 0; i < n; i++)
		add_one(hs[i], bin, ms);
}

size_t rs_hist_add_all(rs_hist *const *hs, size_t n, double ms)
{
	size_t bin = bin_of(ms);
	for (size_t i = 0; i < n; i++)
		add_one(hs[i], bin, ms);
	return bin;
}

/* The first and the last bin that may be non-zero (h not empty). */
static size_t first_bin(const rs_hist *h)
{
	return rs_hist_bin(h, h->min);
}

static size_t last_bin(const rs_hist *h)
{
	return rs_hist_bin(h, h->max);
}

void rs_hist_reset(rs_hist *h)
{
	if (h->count) {
		size_t lo = first_bin(h);
		memset(&h->bin[lo], 0, (last_bin(h) - lo + 1) * sizeof h->bin[0]);
	}
	h->count = 0;
	h->min = INFINITY;
	h->max = -INFINITY;
	h->sum = 0;
}

void rs_hist_merge(rs_hist *dst, const rs_hist *src)
{
	assert(dst != src);
	if (src->count == 0)
		return;
	for (size_t i = first_bin(src), hi = last_bin(src); i <= hi; i++)
		dst->bin[i] += src->bin[i];
	dst->min = src->min < dst->min ? src->min : dst->min;
	dst->max = src->max > dst->max ? src->max : dst->max;
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
	/* The bins below bin(min) are empty: starting there finds the same bin. */
	uint64_t seen = 0;
	size_t i = first_bin(h), hi = last_bin(h);
	for (; i < hi; i++) {
		seen += h->bin[i];
		if ((double)seen >= k)
			break;
	}
	const double *edge = layout.edge;
	double mid = sqrt(edge[i] * edge[i + 1]);
	return mid < h->min ? h->min : mid > h->max ? h->max : mid;
}

void rs_hist_quantiles(const rs_hist *h, const double *q, size_t nq, double *out)
{
	if (h->count == 0) {
		for (size_t j = 0; j < nq; j++)
			out[j] = NAN;
		return;
	}
	/* rs_hist_quantile's walk, resumed: with q ascending, the bin of each
	 * rank is at or after the previous one's.  seen: the bins before i. */
	double n = (double)h->count;
	const double *edge = layout.edge;
	uint64_t seen = 0;
	size_t i = first_bin(h), hi = last_bin(h);
	for (size_t j = 0; j < nq; j++) {
		assert(q[j] >= 0 && q[j] <= 1 && (j == 0 || q[j] >= q[j - 1]));
		double k = ceil(q[j] * n * HIST_RANK_SHRINK);
		if (k <= 1) {
			out[j] = h->min;
			continue;
		}
		if (k >= n) {
			out[j] = h->max;
			continue;
		}
		for (; i < hi; i++) {
			if ((double)(seen + h->bin[i]) >= k)
				break;
			seen += h->bin[i];
		}
		double mid = sqrt(edge[i] * edge[i + 1]);
		out[j] = mid < h->min ? h->min : mid > h->max ? h->max : mid;
	}
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
	(void)h;
	return layout.n;
}

void rs_hist_each(const rs_hist *h, void (*fn)(void *ctx, double lo, double hi, uint64_t n),
                  void *ctx)
{
	if (h->count == 0)
		return;
	const double *edge = layout.edge;
	for (size_t i = first_bin(h), last = last_bin(h); i <= last; i++) {
		if (h->bin[i] == 0)
			continue;
		double lo = edge[i] > h->min ? edge[i] : h->min;
		double hi = edge[i + 1] < h->max ? edge[i + 1] : h->max;
		fn(ctx, lo, hi, h->bin[i]);
	}
}
