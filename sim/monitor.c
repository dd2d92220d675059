/*
 * monitor.c - the table of Azure Monitor metric names (see monitor.h).
 *
 * The names are the display names of the metrics of an Azure OpenAI
 * resource in Azure Monitor (the service's monitoring data reference for
 * Microsoft.CognitiveServices/accounts); each row says which of ratesim's
 * figures reads as that metric.  How they differ (time grain, client's or
 * service's view) is docs/outputs.md's to say.  Cost: none to speak of.
 */
#include "ratesim/monitor.h"

static const rs_monitor_metric metrics[] = {
    {"azm_requests", "Azure OpenAI Requests", "attempts, split by status code"},
    {"azm_prompt_tokens", "Processed Prompt Tokens", "prompt tokens of served attempts"},
    {"azm_completion_tokens", "Generated Completion Tokens",
     "completion tokens of served attempts"},
    {"azm_inference_tokens", "Processed Inference Tokens",
     "prompt plus completion tokens of served attempts"},
    {"azm_utilization_v2", "Provisioned-managed Utilization V2",
     "a provisioned deployment's per-minute utilisation"},
    {"azm_time_to_response", "Time to Response", "time to first token (TTFT)"},
    {"azm_time_to_last_byte", "Time to Last Byte", "end-to-end latency"},
};

const rs_monitor_metric *rs_monitor_metrics(size_t *n)
{
	*n = sizeof metrics / sizeof metrics[0];
	return metrics;
}

void rs_monitor_put_gnuplot(FILE *f)
{
	fputs("# Azure Monitor's names of the metrics (monitor.c)\n", f);
	for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
		fprintf(f, "%s = \"%s\"\n", metrics[i].var, metrics[i].name);
}
