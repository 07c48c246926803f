/*
 * WAFv2 web ACLs (JSON 1.1): the REGIONAL ones in each region, the
 * CLOUDFRONT ones once per account through us-east-1, where AWS keeps them
 * (and where they are recorded). ListWebACLs (NextMarker), then each ACL
 * whole with GetWebACL, its logging configuration (GetLoggingConfiguration;
 * none is null) and its tags (ListTagsForResource).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <string.h>

#define WAF_TARGET "AWSWAF_20190729."

static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL);

	if (!v)
		return;
	json_decref(a->tags);
	a->tags = aws_tags_object(
		json_object_get(json_object_get(v, "TagInfoForResource"), "TagList"));
	json_decref(v);
}

static const struct aws_followup acl_calls[] = {
	{.operation = "GetWebACL",
	 .request = "{\"Name\": \"{Name}\", \"Scope\": \"{Scope}\", \"Id\": \"{Id}\"}",
	 .into = AWS_INTO_CONF,
	 .from = "WebACL"},
	{.operation = "GetLoggingConfiguration",
	 .request = "{\"ResourceArn\": \"{ARN}\"}",
	 .into = AWS_INTO_SUPP,
	 .from = "LoggingConfiguration",
	 .key = "LoggingConfiguration",
	 .optional = true,
	 .absent = "WAFNonexistentItemException"},
	{.operation = "ListTagsForResource",
	 .request = "{\"ResourceARN\": \"{ARN}\"}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followups acl = {
	.type = T_WAF_ACL,
	.service = "wafv2",
	.proto = AWS_FU_JSON,
	.target = WAF_TARGET,
	.calls = acl_calls,
};

static void
each_acl(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *scope = data;
	const char *name = json_string_value(json_object_get(item, "Name"));
	const char *id = json_string_value(json_object_get(item, "Id"));
	const char *arn = json_string_value(json_object_get(item, "ARN"));
	json_t *vars;
	struct aws_asm *a;

	if (!name || !id || !arn || !(a = aws_asm_new(c, acl.type, region, json_incref(item))))
		return;
	aws_asm_ids(a, arn, arn, name);
	if (!(vars = json_pack("{s:s, s:s, s:s, s:s}", "Name", name, "Scope", scope, "Id", id,
			       "ARN", arn)))
		aws_asm_nomem(a);
	aws_asm_follow(a, &acl, vars);
	json_decref(vars);
}

static const struct aws_jlist regional = {"wafv2",
					  "ListWebACLs",
					  WAF_TARGET "ListWebACLs",
					  "1.1",
					  "{\"Scope\":\"REGIONAL\",\"Limit\":100}",
					  NULL,
					  "WebACLs",
					  "NextMarker",
					  "NextMarker",
					  TB(T_WAF_ACL),
					  each_acl,
					  NULL};
static const struct aws_jlist cloudfront = {"wafv2",
					    "ListWebACLs",
					    WAF_TARGET "ListWebACLs",
					    "1.1",
					    "{\"Scope\":\"CLOUDFRONT\",\"Limit\":100}",
					    NULL,
					    "WebACLs",
					    "NextMarker",
					    "NextMarker",
					    TB(T_WAF_ACL),
					    each_acl,
					    NULL};

void
svc_wafv2_start(struct aws_collector *c, const char *region)
{
	static char regional_scope[] = "REGIONAL", cloudfront_scope[] = "CLOUDFRONT";

	if (region)
		aws_json_list(c, &regional, region, regional_scope);
	else
		aws_json_list(c, &cloudfront, "us-east-1", cloudfront_scope);
}
