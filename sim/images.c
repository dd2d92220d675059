/*
 * images.c - the prompt tokens of a request's images (rules and sources in
 * include/ratesim/images.h; MODEL.md section 8).
 *
 * The scaling works on whole pixels: each step scales both sides by the
 * same factor and rounds them to the nearest pixel, so that a side that
 * lands on a tile boundary (768 x 1536) is not pushed into one more tile by
 * the last bit of a double.
 */
#include "ratesim/images.h"

#include "ratesim/dist.h"

#include <assert.h>
#include <math.h>

/* Scale w x h by s (< 1), to whole pixels, never below 1. */
static void scale_by(double s, int64_t *w, int64_t *h)
{
	*w = llround((double)*w * s);
	*h = llround((double)*h * s);
	if (*w < 1)
		*w = 1;
	if (*h < 1)
		*h = 1;
}

/* Tiles of `side` pixels needed to cover n pixels. */
static int64_t tiles(int64_t n, int64_t side)
{
	return (n + side - 1) / side;
}

int64_t rs_images_tokens(int64_t width, int64_t height, rs_image_detail detail)
{
	assert(width >= 1 && height >= 1);
	if (detail == RS_IMAGE_LOW)
		return RS_IMAGE_LOW_TOKENS;
	int64_t w = width, h = height;
	int64_t longest = w > h ? w : h;
	if (longest > RS_IMAGE_FIT_PX)
		scale_by((double)RS_IMAGE_FIT_PX / (double)longest, &w, &h);
	int64_t shortest = w < h ? w : h;
	if (shortest > RS_IMAGE_SHORT_PX)
		scale_by((double)RS_IMAGE_SHORT_PX / (double)shortest, &w, &h);
	int64_t n = tiles(w, RS_IMAGE_TILE_PX) * tiles(h, RS_IMAGE_TILE_PX);
	return RS_IMAGE_TILE_TOKENS * n + RS_IMAGE_BASE_TOKENS;
}

int64_t rs_images_draw(const rs_images_cfg *im, const rs_trace *counts, gsl_rng *rng)
{
	if (!im->on)
		return 0;
	int64_t n = rs_dist_draw(&im->count, counts, RS_TRACE_PROMPT, rng, 0);
	if (n > RS_MAX_IMAGES)
		n = RS_MAX_IMAGES;
	if (im->detail == RS_IMAGE_LOW)
		return n * RS_IMAGE_LOW_TOKENS;
	int64_t total = 0;
	for (int64_t i = 0; i < n; i++) {
		int64_t w = rs_dist_draw(&im->width, NULL, RS_TRACE_PROMPT, rng, 0);
		int64_t h = rs_dist_draw(&im->height, NULL, RS_TRACE_PROMPT, rng, 0);
		total += rs_images_tokens(w < 1 ? 1 : w, h < 1 ? 1 : h, im->detail);
	}
	return total;
}
