/*
 * test_monitor.c - one source of truth for Azure Monitor's metric names
 * (monitor.h): the charts' table in sim/monitor.c, docs/outputs.md's table
 * "The same figures on an Azure Monitor dashboard" and the chart templates
 * say the same thing.
 *
 *   - every metric the docs' table names (its second column, up to the
 *     first comma; "none" rows aside) is in the C table, and every metric
 *     of the C table is named there;
 *   - every gnuplot variable azm_* a run chart template reads is one the
 *     table defines, and the ones it defines are read by some template
 *     (an undefined one would be a gnuplot error, an unread one a name
 *     the charts never show);
 *   - the variables written into a script are `VAR = "NAME"` lines.
 * The tests run from the top of the source tree (tests/run.sh).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ratesim/monitor.h"

#define OUTPUTS_MD    "docs/outputs.md"
#define TABLE_HEADING "### The same figures on an Azure Monitor dashboard"
#define NAME_MAX_LEN  128
#define TEMPLATES                                                                                  \
	"plots/throughput.gp", "plots/rate_429.gp", "plots/errors.gp", "plots/latency.gp",         \
	    "plots/utilisation.gp"

static long metric_index(const char *name)
{
	size_t n;
	const rs_monitor_metric *m = rs_monitor_metrics(&n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return (long)i;
	return -1;
}

/* The second cell of a table row "| a | b | c |", up to its first comma,
 * trimmed.  False when line is not such a row. */
static bool second_cell(const char *line, char *out, size_t len)
{
	if (line[0] != '|')
		return false;
	const char *b = strchr(line + 1, '|');
	if (!b)
		return false;
	b++;
	while (*b == ' ')
		b++;
	size_t n = strcspn(b, ",|");
	while (n > 0 && b[n - 1] == ' ')
		n--;
	snprintf(out, len, "%.*s", (int)n, b);
	return true;
}

static void test_docs_table_is_the_c_table(void)
{
	char *md = th_slurp(OUTPUTS_MD);
	CHECK(md != NULL);
	if (!md)
		return;
	const char *t = strstr(md, TABLE_HEADING);
	CHECK(t != NULL);
	size_t n;
	rs_monitor_metrics(&n);
	bool *named = calloc(n, sizeof *named);
	size_t rows = 0;
	/* the table: from its header row to the first line that is not a row */
	const char *line = t ? strstr(t, "\n|") : NULL;
	for (line = line ? line + 1 : NULL; line && *line == '|';) {
		char cell[NAME_MAX_LEN];
		const char *eol = strchr(line, '\n');
		char row[1024];
		snprintf(row, sizeof row, "%.*s", (int)(eol ? eol - line : (long)strlen(line)),
		         line);
		if (rows++ >= 2 && second_cell(row, cell, sizeof cell) &&
		    strncmp(cell, "none", 4)) {
			long i = metric_index(cell);
			if (i < 0)
				TH_FAIL("%s names \"%s\", which sim/monitor.c does not have",
				        OUTPUTS_MD, cell);
			else
				named[i] = true;
		}
		line = eol ? eol + 1 : NULL;
	}
	CHECK(rows > 2);
	const rs_monitor_metric *m = rs_monitor_metrics(&n);
	for (size_t i = 0; i < n; i++)
		if (!named[i])
			TH_FAIL("sim/monitor.c has \"%s\", which %s's table does not name",
			        m[i].name, OUTPUTS_MD);
	free(named);
	free(md);
}

static void test_templates_read_the_table(void)
{
	static const char *const templates[] = {TEMPLATES};
	size_t n;
	const rs_monitor_metric *m = rs_monitor_metrics(&n);
	bool *used = calloc(n, sizeof *used);
	for (size_t k = 0; k < sizeof templates / sizeof *templates; k++) {
		char *text = th_slurp(templates[k]);
		CHECK(text != NULL);
		for (const char *p = text; p && (p = strstr(p, "azm_")); p++) {
			if (p > text && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '(')
				continue;
			size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
			if (len == 4 || p[len] == '*')
				continue; /* the header's "azm_*" */
			long found = -1;
			for (size_t i = 0; i < n; i++)
				if (strlen(m[i].var) == len && !strncmp(m[i].var, p, len))
					found = (long)i;
			if (found < 0)
				TH_FAIL("%s reads %.*s, which sim/monitor.c does not define",
				        templates[k], (int)len, p);
			else
				used[found] = true;
		}
		free(text);
	}
	/* the charts show the request, token and utilisation metrics; the two
	 * prompt / completion token splits are in the docs' table only */
	static const char *const shown[] = {"Azure OpenAI Requests", "Processed Inference Tokens",
	                                    "Provisioned-managed Utilization V2",
	                                    "Time to Response", "Time to Last Byte"};
	for (size_t s = 0; s < sizeof shown / sizeof *shown; s++) {
		long i = metric_index(shown[s]);
		CHECK(i >= 0);
		if (i >= 0 && !used[i])
			TH_FAIL("no chart template reads %s (%s)", m[i].var, m[i].name);
	}
	free(used);
}

static void test_gnuplot_lines(void)
{
	char buf[4096] = "";
	FILE *f = fmemopen(buf, sizeof buf, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	rs_monitor_put_gnuplot(f);
	fclose(f);
	CHECK(strstr(buf, "\nazm_requests = \"Azure OpenAI Requests\"\n") != NULL);
	CHECK(strstr(buf, "\nazm_utilization_v2 = \"Provisioned-managed Utilization V2\"\n") !=
	      NULL);
	size_t n, lines = 0;
	rs_monitor_metrics(&n);
	for (const char *p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK_I64((long long)lines, (long long)n + 1); /* and the comment line */
}

int main(void)
{
	RUN(test_docs_table_is_the_c_table);
	RUN(test_templates_read_the_table);
	RUN(test_gnuplot_lines);
	return th_done();
}
