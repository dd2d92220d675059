/*
 * fault.c - a fault's effect on the deployments it names (see fault.h).
 */
#include "ratesim/fault.h"

#include <string.h>

void rs_fault_apply(const rs_fault_cfg *f, bool start, rs_time now, rs_deployment *deps, size_t n)
{
	for (size_t d = 0; d < n; d++) {
		rs_deployment *dep = &deps[d];
		bool hit = f->deployment ? !strcmp(f->deployment, dep->cfg->name)
		                         : !strcmp(f->region, dep->cfg->region);
		if (!hit)
			continue;
		switch (f->kind) {
		case RS_FAULT_DOWN:
			dep->down += start ? 1 : -1;
			if (start) {
				dep->down_mode = f->mode;
				dep->error_ms = f->error_ms;
			}
			break;
		case RS_FAULT_DEGRADE:
			/* kept on the deployment too: the time series reports the limit in force */
			dep->limit_scale = start ? f->scale : 1.0;
			dep->meter->ops->set_scale(dep->meter, now, dep->limit_scale);
			break;
		case RS_FAULT_LATENCY:
			dep->latency_scale = start ? f->scale : 1.0;
			break;
		}
	}
}
