/*
 * fault.h - what a fault does to the deployments it names (MODEL.md
 * section 8): `down` stops a deployment serving (503 or hang), `degrade`
 * scales its meter's capacity, `latency` scales its answers' latency.
 *
 * The world schedules each fault's start and end; this module applies
 * them.  Faults nest: `down` counts the faults in force, the scales are
 * set on start and reset to 1 on end.  Cost: O(deployments) per call.
 */
#ifndef RATESIM_FAULT_H
#define RATESIM_FAULT_H

#include "ratesim/deployment.h"

/* Start (start true) or end fault f at now on every deployment of deps[n]
 * it names (one by name, or all of a region). */
void rs_fault_apply(const rs_fault_cfg *f, bool start, rs_time now, rs_deployment *deps, size_t n);

#endif
