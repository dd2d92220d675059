/*
 * jsonout.c - a figure into an output JSON object (see jsonout.h).
 *
 * Cost: constant per figure.
 */
#include "ratesim/jsonout.h"

#include <math.h>

bool rs_json_num(cJSON *o, const char *key, double v, double scale)
{
	double r = isfinite(v) && scale > 0 ? round(v * scale) / scale : v;
	if (!isfinite(r))
		r = isfinite(v) ? v : NAN; /* v * scale overflowed: v unrounded */
	if (!isfinite(r))
		return cJSON_AddNullToObject(o, key) != NULL;
	return cJSON_AddNumberToObject(o, key, r) != NULL;
}
