/*
 * libFuzzer target for attest watch's change events: any SQS message body
 * (EventBridge CloudTrail and Config events, bare CloudTrail records, SNS
 * envelopes) must parse with the bundled event table or fail with an
 * error, never crash, hang or leak; a parsed event has a key, a source and
 * a name. Seeds: tests/data/events.
 */
#include "config.h"

#include "monitor/event.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static attest_ctx *ctx;
	static struct event_table *table;
	struct event ev;

	if (!table) {
		if (!(ctx = attest_ctx_new()) ||
		    event_table_load(ctx, ATTEST_SRCDIR "/frameworks/events/aws.xml", &table) !=
			    ATTEST_OK)
			abort();
	}
	if (event_parse(table, (const char *)data, size, &ev) == ATTEST_OK) {
		if (!ev.key || !ev.source || !ev.name)
			abort();
		event_clear(&ev);
	}
	return 0;
}
