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
policy_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	bool none;
	json_t *v = aws_asm_reply_json(a, op, r, "ResourceNotFoundException", &none), *p;

	if (none) {
		aws_asm_supp(a, "Policy", json_null());
		return;
	}
	if (!v)
		return;
	if ((p = aws_policy_parse(json_string_value(json_object_get(v, "Policy")))) != NULL) {
		aws_asm_supp(a, "Policy", p);
	} else {
		aws_fail(op, "MalformedResponse", "no policy document in the answer");
		a->failed = true;
	}
	json_decref(v);
}

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

static void
invoke_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	bool none;
	json_t *v = aws_asm_reply_json(a, op, r, "ResourceNotFoundException", &none);

	if (v || none)
		aws_asm_supp(a, "EventInvokeConfig", v);
}

static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL);

	if (!v)
		return;
	json_decref(a->tags);
	a->tags = aws_tags_map(json_object_get(v, "Tags"));
	json_decref(v);
}

static void
each_function(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(json_object_get(item, "FunctionName"));
	const char *arn = json_string_value(json_object_get(item, "FunctionArn"));
	char seg[256], aseg[512], path[700];
	struct aws_asm *a;

	(void)data;
	if (!name || !arn || !aws_shape_segment(seg, sizeof(seg), name) ||
	    !aws_shape_segment(aseg, sizeof(aseg), arn))
		return;
	if (!(a = aws_asm_new(c, T_LAMBDA_FN, region, json_incref(item))))
		return;
	aws_asm_ids(a, name, arn, name);
	snprintf(path, sizeof(path), "/2015-03-31/functions/%s/policy", seg);
	aws_asm_rest(a, "lambda", "GetPolicy", "GET", path, NULL, policy_done);
	snprintf(path, sizeof(path), "/2021-10-31/functions/%s/urls", seg);
	aws_asm_rest(a, "lambda", "ListFunctionUrlConfigs", "GET", path, NULL, urls_done);
	snprintf(path, sizeof(path), "/2019-09-25/functions/%s/event-invoke-config", seg);
	aws_asm_rest(a, "lambda", "GetFunctionEventInvokeConfig", "GET", path, NULL, invoke_done);
	snprintf(path, sizeof(path), "/2017-03-31/tags/%s", aseg);
	aws_asm_label(a);
	aws_asm_rest(a, "lambda", "ListTags", "GET", path, NULL, tags_done);
	aws_asm_done(a);
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
