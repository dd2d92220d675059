/*
 * regions.c - the dated table of the regions that offer each model (the
 * rules are in include/ratesim/regions.h).
 *
 * Every list carries its model, version, date and source.  Adding a later
 * list is adding a row: the loader's check takes the union of a model's
 * lists, so an older list never hides a region a newer one adds.  Sources:
 *   seed 000: Studist, "Azure OpenAI Serviceのクォータ制限" (ゆるSRE勉強会
 *     #1, 2023), slides 13 and 14: "GPT-3.5(0613)を利用できるリージョン"
 *     and "GPT-4(0613)を利用できるリージョン", both "※2023/08現在".
 *   seed 002: the May-2023 summary of Azure OpenAI's ChatGPT at GA (slide
 *     22, "発表時点(2023/5時点)"): "米国東部、米国中南部、西ヨーロッパ、
 *     フランス中部の4つのリージョンが利用可能" (gpt-35-turbo 0301).
 * Region names are Azure's programmatic names (カナダ東部 = canadaeast,
 * 米国東部 = eastus, 米国東部2 = eastus2, フランス中部 = francecentral,
 * 東日本 = japaneast, 英国南部 = uksouth, 米国中北部 = northcentralus,
 * 米国中南部 = southcentralus, 西ヨーロッパ = westeurope).
 */
#include "ratesim/regions.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const gpt35_0301_2023_05[] = {"eastus", "southcentralus", "westeurope",
                                                 "francecentral"};
static const char *const gpt35_0613_2023_08[] = {
    "canadaeast", "eastus", "eastus2", "francecentral", "japaneast", "uksouth", "northcentralus"};
static const char *const gpt4_0613_2023_08[] = {"canadaeast",    "eastus",    "eastus2",
                                                "francecentral", "japaneast", "uksouth"};

#define SEED_000 "seed 000" /* Studist, ゆるSRE勉強会 #1, slides 13-14 */
#define SEED_002 "seed 002" /* Azure OpenAI at GA, slide 22 */

static const rs_region_list table[] = {
    {"gpt-35-turbo", "0301", "2023-05", SEED_002, gpt35_0301_2023_05, N(gpt35_0301_2023_05)},
    {"gpt-35-turbo", "0613", "2023-08", SEED_000, gpt35_0613_2023_08, N(gpt35_0613_2023_08)},
    {"gpt-4", "0613", "2023-08", SEED_000, gpt4_0613_2023_08, N(gpt4_0613_2023_08)},
};

const rs_region_list *rs_regions_table(size_t *n)
{
	*n = N(table);
	return table;
}

bool rs_regions_known(const char *model)
{
	for (size_t i = 0; i < N(table); i++) {
		if (strcmp(table[i].model, model) == 0)
			return true;
	}
	return false;
}

bool rs_regions_offers(const char *model, const char *region)
{
	for (size_t i = 0; i < N(table); i++) {
		if (strcmp(table[i].model, model) != 0)
			continue;
		for (size_t r = 0; r < table[i].n_regions; r++) {
			if (strcmp(table[i].regions[r], region) == 0)
				return true;
		}
	}
	return false;
}

/* Append s to buf, cut at size. */
static void add(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);
	if (len + 1 < size)
		snprintf(buf + len, size - len, "%s", s);
}

void rs_regions_describe(const char *model, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	bool first = true;
	for (size_t i = 0; i < N(table); i++) {
		const rs_region_list *l = &table[i];
		if (strcmp(l->model, model) != 0)
			continue;
		if (!first)
			add(buf, size, "; ");
		first = false;
		for (size_t r = 0; r < l->n_regions; r++) {
			if (r)
				add(buf, size, ", ");
			add(buf, size, l->regions[r]);
		}
		char tail[160];
		snprintf(tail, sizeof tail, " (%s, as of %s, %s)", l->version, l->as_of, l->source);
		add(buf, size, tail);
	}
}
