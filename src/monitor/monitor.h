/*
 * monitor owns watching an estate between scans: change events from SQS,
 * the table from events to the resources they touch, incremental
 * re-evaluation on the kept inventory, deltas into the store, alert rules
 * and their channels; it may call collect, inventory, engine, store, report
 * and core.
 */
#ifndef ATTEST_MONITOR_H
#define ATTEST_MONITOR_H

#include "attest.h"

#endif
