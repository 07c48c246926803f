/*
 * Test helper for tests/cli/changes.sh: stores one change event with one
 * delta through attest_store_save_delta(), the call attest watch makes, so
 * that the history commands can be tested before (and apart from) the
 * watch itself. "-" stands for NULL.
 *
 *   watch_fixture DB KEY BASE_SCAN RECEIVED_AT ACTOR CHECK TYPE ID ACCOUNT
 *                 REGION OLD NEW REASON
 *
 * Exit status 0 when stored, 1 with the library's message otherwise.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "attest.h"
#include "core/core_int.h"

#include <stdio.h>
#include <string.h>

static const char *
arg(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

int
main(int argc, char **argv)
{
	attest_ctx *ctx;
	attest_store *store = NULL;
	struct attest_watch_event ev = {0};
	struct attest_delta d = {0};
	time_t received;
	int status = 1;

	if (argc != 14) {
		fprintf(stderr, "usage: watch_fixture DB KEY BASE_SCAN RECEIVED_AT ACTOR CHECK"
				" TYPE ID ACCOUNT REGION OLD NEW REASON\n");
		return 2;
	}
	if (!core_time_parse(argv[4], &received)) {
		fprintf(stderr, "watch_fixture: '%s' is not a UTC time\n", argv[4]);
		return 2;
	}
	ev.key = argv[2];
	ev.message_id = "fixture";
	ev.base_scan_id = arg(argv[3]);
	ev.source = "aws.ec2";
	ev.name = "AuthorizeSecurityGroupIngress";
	ev.actor = arg(argv[5]);
	ev.actor_type = "IAMUser";
	ev.account = arg(argv[9]);
	ev.region = arg(argv[10]);
	ev.event_time = received - 20;
	ev.received_at = received;
	ev.resources = 1;
	d.check_id = argv[6];
	d.resource_type = arg(argv[7]);
	d.resource_id = arg(argv[8]);
	d.account = arg(argv[9]);
	d.region = arg(argv[10]);
	d.old_status = arg(argv[11]);
	d.new_status = arg(argv[12]);
	d.reason = arg(argv[13]);
	if (!(ctx = attest_ctx_new()))
		return 1;
	if (attest_store_open(ctx, argv[1], &store) == ATTEST_OK &&
	    attest_store_save_delta(store, &ev, &d, 1, NULL, NULL, 0) == ATTEST_OK)
		status = 0;
	else
		fprintf(stderr, "watch_fixture: %s\n", attest_ctx_errmsg(ctx));
	attest_store_close(store);
	attest_ctx_free(ctx);
	return status;
}
