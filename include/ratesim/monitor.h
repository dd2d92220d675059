/*
 * monitor.h - the Azure Monitor metrics that ratesim's figures stand for:
 * the display names of the metrics of an Azure OpenAI resource
 * (Microsoft.CognitiveServices/accounts, per the service's monitoring data
 * reference), so that a chart read beside a portal dashboard uses the
 * portal's words (issue 11).
 *
 * One table (monitor.c) is the source of truth: the charts take the names
 * from it (each run chart's script gets them as gnuplot variables,
 * rs_monitor_put_gnuplot), and docs/outputs.md's table "The same figures on
 * an Azure Monitor dashboard" names exactly these metrics
 * (tests/unit/test_monitor.c holds the two together).
 */
#ifndef RATESIM_MONITOR_H
#define RATESIM_MONITOR_H

#include <stddef.h>
#include <stdio.h>

typedef struct rs_monitor_metric {
	const char *var;  /* the gnuplot variable, e.g. "azm_requests" */
	const char *name; /* Azure Monitor's name, e.g. "Azure OpenAI Requests" */
	const char *what; /* what ratesim shows under it (for the reader of the table) */
} rs_monitor_metric;

/* The metrics, in the order of docs/outputs.md's table.  OUT: *n. */
const rs_monitor_metric *rs_monitor_metrics(size_t *n);

/* Write `VAR = "NAME"` for every metric, one a line, into a chart script. */
void rs_monitor_put_gnuplot(FILE *f);

#endif
