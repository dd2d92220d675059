/*
 * hist.h - latency histogram: percentiles in fixed memory.
 *
 * An HDR-style log histogram with geometric bin ranges over
 * [RS_HIST_MIN_MS, RS_HIST_MAX_MS], the ranges a gsl_histogram would hold.
 * Adding a sample costs a table look-up on its floating-point exponent and
 * top mantissa bits and an increment, no log() and no search; the memory
 * (about 10 KB) does not grow with the number of samples.  A quantile is reported as the geometric
 * midpoint of the bin that holds the nearest-rank sample, clamped to the exact [min, max], so its
 * relative error is at most sqrt(RS_HIST_RATIO) - 1 < 1% for samples inside the covered range.
 * Count, min, max and sum are kept exactly.
 *
 * Samples below RS_HIST_MIN_MS count in the first bin and samples above
 * RS_HIST_MAX_MS in the last: their quantiles are only bounded by the exact
 * min / max (the clamp), not by the 1% guarantee.
 */
#ifndef RATESIM_HIST_H
#define RATESIM_HIST_H

#include <stddef.h>
#include <stdint.h>

/* Covered range in milliseconds: 1 microsecond (the engine's time step,
 * common.h) up to 1e8 ms (about 28 hours, longer than any simulated run). */
#define RS_HIST_MIN_MS 1e-3
#define RS_HIST_MAX_MS 1e8

/* Ratio of a bin's upper to its lower edge.  Reporting the geometric
 * midpoint a*sqrt(r) of a bin [a, a*r) is off by at most sqrt(r) - 1 =
 * 0.995% of any value in the bin, which meets the 1% accuracy target; 1280
 * bins cover the 11 decades of the range. */
#define RS_HIST_RATIO 1.02

typedef struct rs_hist rs_hist;

/* A new, empty histogram.  Result: caller frees with rs_hist_free, or NULL
 * when memory runs out (nothing is leaked). */
rs_hist *rs_hist_new(void);

/* Free h and everything it owns.  rs_hist_free(NULL) does nothing. */
void rs_hist_free(rs_hist *h);

/* Record one sample of `ms` milliseconds.  ms must be >= 0 and not NaN (a
 * caller bug: asserted).  +infinity counts in the last bin. */
void rs_hist_add(rs_hist *h, double ms);
/* Every rs_hist has the same bins: find a value's bin once with
 * rs_hist_bin (the bin gsl_histogram_find gives for these ranges; below the
 * first edge the first bin, at or above the last the last) and add it to
 * several histograms with rs_hist_add_at, or with rs_hist_add_each to the n
 * histograms hs[0..n) in one call.  `bin` must be rs_hist_bin(ms): the
 * histogram finds its non-empty bins from its min and max. */
size_t rs_hist_bin(const rs_hist *h, double ms);
void rs_hist_add_at(rs_hist *h, size_t bin, double ms);
void rs_hist_add_each(rs_hist *const *hs, size_t n, size_t bin, double ms);
/* rs_hist_add to each of hs[0..n) with the bin found once; returns the bin
 * (rs_hist_bin(ms)), for more histograms with rs_hist_add_each. */
size_t rs_hist_add_all(rs_hist *const *hs, size_t n, double ms);

/* Forget every sample; the histogram is as new. */
void rs_hist_reset(rs_hist *h);

/* Add every sample of src into dst, as if each had been added to dst.
 * src is borrowed and unchanged; dst may not be src. */
void rs_hist_merge(rs_hist *dst, const rs_hist *src);

/* Number of samples added (exact). */
uint64_t rs_hist_count(const rs_hist *h);

/* The q-quantile by nearest rank: the sample of rank ceil(q * n) in sorted
 * order (1-based), q in [0, 1] (asserted); q = 0 gives the min and q = 1 the
 * max, both exact.  Other ranks are the bin's geometric midpoint clamped to
 * [min, max] (see the note above).  NaN when the histogram is empty. */
double rs_hist_quantile(const rs_hist *h, double q);

/* rs_hist_quantile of each of q[0..nq), ascending, into out[0..nq), in one
 * walk over the bins. */
void rs_hist_quantiles(const rs_hist *h, const double *q, size_t nq, double *out);

/* Exact smallest sample, largest sample and mean; NaN when empty. */
double rs_hist_min(const rs_hist *h);
double rs_hist_max(const rs_hist *h);
double rs_hist_mean(const rs_hist *h);

/* Number of bins: fixed at creation, the same for every histogram, and
 * independent of the number of samples. */
size_t rs_hist_bins(const rs_hist *h);

/* Call fn(ctx, lower_ms, upper_ms, count) for each non-empty bin, in
 * increasing order (the edges are clamped to the exact min and max). */
void rs_hist_each(const rs_hist *h, void (*fn)(void *ctx, double lo, double hi, uint64_t n),
                  void *ctx);

#endif
