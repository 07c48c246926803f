/*
 * Lambda, in each region (REST-JSON): functions (ListFunctions,
 * Marker/NextMarker), each with its resource policy (GetPolicy, parsed into
 * an object; none is null), its function URLs (ListFunctionUrlConfigs),
 * its asynchronous invocation settings (GetFunctionEventInvokeConfig; none
 * is null) and its tags (ListTags).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

static void
urls_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *l;

	if (!v)
		return;
	l = json_object_get(v, "FunctionUrlConfigs");
	aws_asm_supp(a, "FunctionUrlConfigs", json_is_array(l) ? json_incref(l) : json_array());
	json_decref(v);
}

static const struct aws_followup function_calls[] = {
	{.operation = "GetPolicy",
	 .method = "GET",
	 .path = "/2015-03-31/functions/{FunctionName}/policy",
	 .into = AWS_INTO_POLICY,
	 .from = "Policy",
	 .key = "Policy",
	 .absent = "ResourceNotFoundException"},
	{.operation = "ListFunctionUrlConfigs",
	 .method = "GET",
	 .path = "/2021-10-31/functions/{FunctionName}/urls",
	 .fn = urls_done},
	{.operation = "GetFunctionEventInvokeConfig",
	 .method = "GET",
	 .path = "/2019-09-25/functions/{FunctionName}/event-invoke-config",
	 .into = AWS_INTO_SUPP,
	 .key = "EventInvokeConfig",
	 .absent = "ResourceNotFoundException"},
	{.operation = "ListTags",
	 .method = "GET",
	 .path = "/2017-03-31/tags/{FunctionArn}",
	 .label = true,
	 .into = AWS_INTO_TAGS,
	 .from = "Tags"},
	{NULL},
};

static const struct aws_followups function = {
	.type = T_LAMBDA_FN,
	.service = "lambda",
	.proto = AWS_FU_REST,
	.calls = function_calls,
};

static void
each_function(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(json_object_get(item, "FunctionName"));
	const char *arn = json_string_value(json_object_get(item, "FunctionArn"));
	char seg[256], aseg[512];
	struct aws_asm *a;

	(void)data;
	if (!name || !arn || !aws_shape_segment(seg, sizeof(seg), name) ||
	    !aws_shape_segment(aseg, sizeof(aseg), arn))
		return;
	if (!(a = aws_asm_new(c, function.type, region, json_incref(item))))
		return;
	aws_asm_ids(a, name, arn, name);
	aws_asm_follow(a, &function, item);
}

static const struct aws_jlist fns = {"lambda",      "ListFunctions",
				     NULL,          NULL,
				     NULL,          "/2015-03-31/functions/?MaxItems=50",
				     "Functions",   "Marker",
				     "NextMarker",  TB(T_LAMBDA_FN),
				     each_function, NULL};

void
svc_lambda_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &fns, region, NULL);
}
