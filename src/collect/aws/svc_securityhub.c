/*
 * Security Hub, in each region: one AWS::SecurityHub::HubStatus record from
 * DescribeHub (REST-JSON GET /accounts). A region where Security Hub is not
 * enabled answers InvalidAccessException ("not subscribed"): that is the
 * answer "Enabled": false, not a failed call.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <string.h>

static void
hub_done(struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *conf;
	const char *k;
	json_t *x;

	if (!r->ok) {
		if (r->error_code && strcmp(r->error_code, "InvalidAccessException") == 0)
			aws_emit(op->c, T_SH_HUB, op->region, NULL, NULL, op->region, NULL,
				 json_pack("{s:b}", "Enabled", 0), NULL);
		else
			aws_fail_reply(op, r);
		return;
	}
	if (!(v = aws_reply_json(op, r)))
		return;
	conf = json_pack("{s:b}", "Enabled", 1);
	json_object_foreach(v, k, x)
		json_object_set(conf, k, x);
	json_decref(v);
	aws_emit(op->c, T_SH_HUB, op->region, NULL, NULL, op->region, NULL, conf, NULL);
}

void
svc_securityhub_start(struct aws_collector *c, const char *region)
{
	struct aws_op op = {c, "securityhub", "DescribeHub", "", TB(T_SH_HUB), hub_done, NULL, 0};

	aws_attempt(c, TB(T_SH_HUB));
	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_rest(&op, "GET", "/accounts", NULL);
}
