/*
 * scenario_images.c - the loader's room for a client's "images" (issue 9,
 * seed 001): how many images each request carries, their width and height
 * in pixels, and the detail asked for.
 *
 *   "images": {"count": 2, "width": 1024, "height": {"dist": "uniform",
 *              "min": 512, "max": 2048}, "detail": "high"}
 *
 * count, width and height take the distribution syntax of prompt_tokens
 * (a number is fixed; uniform, lognormal), in their own units and ranges;
 * a count may also be "empirical": the first size column (the prompt's) of
 * a random row of a file in a trace format, a file of counts.  "trace" (the
 * replayed row's value) is refused: no trace format has an image column.  width and height are
 * required at high detail and refused at low detail, where the size costs nothing (images.h). Cost:
 * O(1) per client.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "ratesim/images.h"
#include "scenario_keys.h"

static const char *const detail_names[] = {
    [RS_IMAGE_LOW] = "low",
    [RS_IMAGE_HIGH] = "high",
};

#define G_HIGH      SC_BIT(RS_IMAGE_HIGH)
#define G_EMPIRICAL SC_BIT(RS_DIST_EMPIRICAL)

/* clang-format off: key tables keep one key per line */
static const sc_key images_keys[] = {
    {"count", 0, false, NULL, SC_DIST},
    {"width", G_HIGH, true, "only a \"high\" detail image is charged by its size", SC_DIST},
    {"height", G_HIGH, true, "only a \"high\" detail image is charged by its size", SC_DIST},
    {"detail", 0, false, NULL, SC_ENUM_OR(detail_names, RS_DEFAULT_IMAGE_DETAIL)},
};

/* Images per request. */
static const sc_key count_keys[] = {
    SC_DIST_ROWS(SC_NONNEG, SC_POS, RS_MAX_IMAGES),
    {"file", G_EMPIRICAL, true, NULL, SC_STRING},
    {"format", G_EMPIRICAL, false, NULL, SC_ENUM_OR(sc_format_names, RS_TRACE_AUTO)},
    {"zero_rows", G_EMPIRICAL, false, NULL, SC_ENUM_OR(sc_zero_rows_names, RS_ZERO_ROWS_SKIP)},
    {"model", G_EMPIRICAL, false, NULL, SC_STRING},
};

/* An image's side in pixels: at least one. */
static const sc_key pixels_keys[] = {
    SC_DIST_ROWS(SC_GE1, SC_GE1, RS_MAX_IMAGE_PX),
};
/* clang-format on */

/* The kinds a side may be drawn from; a count may also come from a file of
 * counts (empirical: the first size column of a random row). */
#define SIDE_KINDS  (SC_BIT(RS_DIST_FIXED) | SC_BIT(RS_DIST_UNIFORM) | SC_BIT(RS_DIST_LOGNORMAL))
#define COUNT_KINDS (SIDE_KINDS | G_EMPIRICAL)

/* obj.key (present) as a distribution of the rows ks, of the kinds `kinds`. */
static rs_status get_dist(sc *c, const cJSON *obj, const char *path, const char *key, sc_keys ks,
                          unsigned kinds, rs_dist_cfg *d)
{
	char kp[SC_PATH_MAX];
	sc_child_key(kp, path, key);
	return sc_dist_value(c, sc_member(obj, key), kp, ks, kinds, false, d);
}

rs_status sc_parse_images(sc *c, const cJSON *cl, const char *cpath, rs_images_cfg *im)
{
	im->count = (rs_dist_cfg){.kind = RS_DIST_FIXED, .value = RS_DEFAULT_IMAGE_COUNT};
	im->detail = RS_DEFAULT_IMAGE_DETAIL;
	const cJSON *v = sc_member(cl, "images");
	if (!v)
		return RS_OK;
	char path[SC_PATH_MAX];
	sc_child_key(path, cpath, "images");
	sc_keys ks = SC_KEYS(images_keys);
	int detail = RS_DEFAULT_IMAGE_DETAIL;
	rs_status st = sc_expect_object(c, v, path);
	if (st == RS_OK)
		st = sc_keys_known(c, v, path, ks);
	if (st == RS_OK)
		st = sc_get_enum(c, v, path, ks, "detail", &detail);
	if (st == RS_OK)
		st =
		    sc_keys_variant(c, v, path, ks, SC_BIT(detail), "detail", detail_names[detail]);
	if (st != RS_OK)
		return st;
	im->on = true;
	im->detail = (rs_image_detail)detail;
	if (sc_member(v, "count"))
		st = get_dist(c, v, path, "count", SC_KEYS(count_keys), COUNT_KINDS, &im->count);
	if (st == RS_OK && im->detail == RS_IMAGE_HIGH)
		st = get_dist(c, v, path, "width", SC_KEYS(pixels_keys), SIDE_KINDS, &im->width);
	if (st == RS_OK && im->detail == RS_IMAGE_HIGH)
		st = get_dist(c, v, path, "height", SC_KEYS(pixels_keys), SIDE_KINDS, &im->height);
	return st;
}

static const sc_table images_tables[] = {
    {"images", SC_KEYS(images_keys)},
    {"image_count", SC_KEYS(count_keys)},
    {"pixels", SC_KEYS(pixels_keys)},
};

const sc_table *sc_images_tables(size_t *n)
{
	*n = SC_N(images_tables);
	return images_tables;
}
