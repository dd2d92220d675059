/*
 * jsonout.h - a figure into an output JSON object (summary.json and the
 * rooms that add their own sections to it: compute tiers, global batch,
 * jobs and pipelines).
 *
 * One rule for every figure: rounded to 1/scale (scale 0: as it is), and
 * null when there is no value (NaN: no sample) or it is infinite, which
 * JSON cannot hold.  When v * scale overflows, v is written unrounded.
 */
#ifndef RATESIM_JSONOUT_H
#define RATESIM_JSONOUT_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/* o.key = v as above.  False when out of memory. */
bool rs_json_num(cJSON *o, const char *key, double v, double scale);

#endif
