/*
 * regions.h - which regions offer which model: a dated built-in table
 * (issue 9).
 *
 * Azure OpenAI offers each model (and each version of it) in some regions
 * only, and the list changes month by month (seed 000: "毎月のように対応
 * リージョンが増えている").  A scenario that deploys a model in a region
 * that did not offer it describes a layout nobody could build; the loader
 * warns about it (an error with "strict_availability": true).  Each list of
 * the table says the model and version it is for, the date it was true
 * and its source; a model is offered in a region when any of its lists
 * names the region (a deployment names a model, not a version).  A model
 * without a list is not checked: the table says nothing about it.
 *
 * The table is about regional deployments (standard, provisioned); global
 * and data-zone deployments are served from many regions and are not
 * checked.  Cost: a linear scan of a table of a few lists.
 */
#ifndef RATESIM_REGIONS_H
#define RATESIM_REGIONS_H

#include <stdbool.h>
#include <stddef.h>

/* One dated list: the regions that offered `version` of `model`. */
typedef struct rs_region_list {
	const char *model;   /* as the model table names it (models.h) */
	const char *version; /* the version the list is for */
	const char *as_of;   /* when it was true, YYYY-MM */
	const char *source;  /* where it comes from */
	const char *const *regions;
	size_t n_regions;
} rs_region_list;

/* The table's lists, in the order of their date. OUT: *n. */
const rs_region_list *rs_regions_table(size_t *n);

/* Whether the table has a list for model. */
bool rs_regions_known(const char *model);

/* Whether some list of model names region (false for a model without a
 * list: ask rs_regions_known first). */
bool rs_regions_offers(const char *model, const char *region);

/* What the table says about model, for a message, into buf (cut at size):
 * "canadaeast, eastus, ... (0613, 2023-08, seed 000); ..." - each list's
 * regions, then its version, date and source. */
void rs_regions_describe(const char *model, char *buf, size_t size);

#endif
