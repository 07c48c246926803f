/*
 * Security Hub, in each region: one AWS::SecurityHub::HubStatus record from
 * DescribeHub (REST-JSON GET /accounts). A region where Security Hub is not
 * enabled answers InvalidAccessException ("not subscribed"): that is the
 * answer "Enabled": false, not a failed call. Also the enabled standards
 * (GetEnabledStandards, POST /standards/get, NextToken), one
 * AWS::SecurityHub::StandardsSubscription each; a region not subscribed has
 * none.
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
	json_object_foreach(v, k, x) json_object_set(conf, k, x);
	json_decref(v);
	aws_emit(op->c, T_SH_HUB, op->region, NULL, NULL, op->region, NULL, conf, NULL);
}

static void standards_request(struct aws_collector *c, const char *region, const char *token);

static void
standards_done(struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *s;
	const char *arn, *token;
	size_t i;

	if (!r->ok) {
		if (!r->error_code || strcmp(r->error_code, "InvalidAccessException") != 0)
			aws_fail_reply(op, r);
		return;
	}
	if (!(v = aws_reply_json(op, r)))
		return;
	json_array_foreach(
		json_object_get(v, "StandardsSubscriptions"), i,
		s) if ((arn = json_string_value(json_object_get(s, "StandardsSubscriptionArn"))))
		aws_emit(op->c, T_SH_STANDARD, arn, arn, NULL, op->region, NULL, json_incref(s),
			 NULL);
	token = json_string_value(json_object_get(v, "NextToken"));
	if (token && *token)
		standards_request(op->c, op->region, token);
	json_decref(v);
}

static void
standards_request(struct aws_collector *c, const char *region, const char *token)
{
	struct aws_op op = {c,
			    "securityhub",
			    "GetEnabledStandards",
			    "",
			    TB(T_SH_STANDARD),
			    standards_done,
			    NULL,
			    0,
			    NULL};

	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_rest_json(&op, "POST", "/standards/get",
			   token ? json_pack("{s:s, s:i}", "NextToken", token, "MaxResults", 100)
				 : json_pack("{s:i}", "MaxResults", 100));
}

void
svc_securityhub_start(struct aws_collector *c, const char *region)
{
	struct aws_op op = {c, "securityhub", "DescribeHub", "", TB(T_SH_HUB), hub_done, NULL,
			    0, NULL};

	aws_attempt(c, TB(T_SH_HUB) | TB(T_SH_STANDARD));
	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_rest(&op, "GET", "/accounts", NULL);
	standards_request(c, region, NULL);
}
