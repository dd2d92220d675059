/*
 * retry_presets.h - the retry policies of real SDKs, by name (MODEL.md
 * section 8): what a client's "retry": {"preset": NAME} expands to.
 *
 * Each preset is a full rs_retry_cfg read from its SDK's code (the sources
 * are in retry_presets.c); fields the SDK has no notion of hold their
 * defaults.  How each reacts to a long retry-after (MODEL.md section 13:
 * the service answers 86,400 s to an estimate above the whole TPM) follows
 * its source too, which is why several presets differ exactly there.
 */
#ifndef RATESIM_RETRY_PRESETS_H
#define RATESIM_RETRY_PRESETS_H

#include <stddef.h>

#include "ratesim/config.h"

/* How many presets there are. */
size_t rs_retry_preset_count(void);

/* The name of preset i (i < rs_retry_preset_count()); static storage. */
const char *rs_retry_preset_name(size_t i);

/* The preset `name`, or NULL when there is none (borrowed, static; its
 * .preset is NULL: the caller records the name it asked for). */
const rs_retry_cfg *rs_retry_preset_find(const char *name);

#endif
