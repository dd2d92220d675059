/*
 * images.h - the prompt tokens of the images in a request (issue 9).
 *
 * A vision request is charged for each image as prompt tokens, by the rule
 * Azure OpenAI documents for GPT-4 Turbo with Vision and GPT-4o (seed 001,
 * "画像トークン"; the same rule as OpenAI's vision guide, "Calculating
 * costs", platform.openai.com/docs/guides/vision):
 *   low detail   85 tokens, whatever the size;
 *   high detail  the image is scaled down to fit within 2048 x 2048 (keeping
 *                its aspect ratio), then scaled down so that its shortest
 *                side is 768 pixels (only when it is longer: the guide's rule
 *                says "scaled such that the shortest side ... is 768px long",
 *                but its worked examples "scale the image down", and the seed
 *                says "スケールダウン"; ratesim never enlarges), then
 *                cut into 512-pixel squares (a partial square counts whole):
 *                170 tokens a square, plus 85.
 * Each scaling step rounds the sides to whole pixels (llround), as a
 * resized image has whole pixels.  Known answers: 1024 x 1024 high = 765,
 * 2048 x 4096 high = 1,105, any low = 85.
 *
 * The tokens count as prompt tokens everywhere a prompt does: the standard
 * meter's estimate, the PTU charge and the outputs' prompt tokens (the
 * client adds them to the prompt it draws).  Cost: O(1) per image.
 */
#ifndef RATESIM_IMAGES_H
#define RATESIM_IMAGES_H

#include <gsl/gsl_rng.h>

#include "ratesim/config.h"
#include "ratesim/trace.h"

/* The rule's figures (seed 001; OpenAI vision guide). */
#define RS_IMAGE_LOW_TOKENS  85   /* a low-detail image, whatever its size */
#define RS_IMAGE_BASE_TOKENS 85   /* a high-detail image, before its tiles */
#define RS_IMAGE_TILE_TOKENS 170  /* each 512-pixel tile of a high-detail image */
#define RS_IMAGE_TILE_PX     512  /* a tile's side */
#define RS_IMAGE_FIT_PX      2048 /* first, fit within a square of this side */
#define RS_IMAGE_SHORT_PX    768  /* then, at most this on the shortest side */

/* The most tokens one image can cost: 2048 x 768 after scaling is 4 x 2
 * tiles, 170 x 8 + 85 = 1,445. */
#define RS_IMAGE_MAX_TOKENS 1445

/* The most images one request carries in a scenario, and the widest side a
 * scenario may give: bounds that keep a request's image tokens (at most
 * 1,445 each) within RS_MAX_TOKENS, and a side within the range where the
 * arithmetic is exact.  Not service limits. */
#define RS_MAX_IMAGES   1000
#define RS_MAX_IMAGE_PX 1000000.0

/*
 * The tokens of one image of width x height pixels (both >= 1) at this
 * detail, by the rule above.  Cannot fail.
 */
int64_t rs_images_tokens(int64_t width, int64_t height, rs_image_detail detail);

/*
 * Draw the images of one request and return their tokens: a count from
 * im->count (cut at RS_MAX_IMAGES; counts: the file of an empirical count,
 * borrowed, else NULL), and at high detail a width and a height
 * for each image from im->width and im->height (raised to 1 pixel).  0 when
 * im->on is false (rng may then be NULL).  rng: the client's image stream,
 * borrowed; only this function draws from it, so that images change no other
 * draw of the run.
 */
int64_t rs_images_draw(const rs_images_cfg *im, const rs_trace *counts, gsl_rng *rng);

#endif
