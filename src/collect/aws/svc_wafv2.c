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
acl_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *acl;

	if (!v)
		return;
	acl = json_object_get(v, "WebACL");
	if (json_is_object(acl)) {
		json_decref(a->conf);
		a->conf = json_incref(acl);
	} else {
		aws_fail(op, "MalformedResponse", "no web ACL in the answer");
		a->failed = true;
	}
	json_decref(v);
}

static void
logging_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	bool none;
	json_t *v = aws_asm_reply_json(a, op, r, "WAFNonexistentItemException", &none);

	if (v || none)
		aws_asm_supp(a, "LoggingConfiguration",
			     v ? json_incref(json_object_get(v, "LoggingConfiguration")) : NULL);
	json_decref(v);
}

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

static void
each_acl(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *scope = data;
	const char *name = json_string_value(json_object_get(item, "Name"));
	const char *id = json_string_value(json_object_get(item, "Id"));
	const char *arn = json_string_value(json_object_get(item, "ARN"));
	struct aws_asm *a;

	if (!name || !id || !arn || !(a = aws_asm_new(c, T_WAF_ACL, region, json_incref(item))))
		return;
	aws_asm_ids(a, arn, arn, name);
	aws_asm_json(a, "wafv2", "GetWebACL", WAF_TARGET "GetWebACL", "1.1",
		     json_pack("{s:s, s:s, s:s}", "Name", name, "Scope", scope, "Id", id),
		     acl_done);
	aws_asm_json(a, "wafv2", "GetLoggingConfiguration", WAF_TARGET "GetLoggingConfiguration",
		     "1.1", json_pack("{s:s}", "ResourceArn", arn), logging_done);
	aws_asm_label(a);
	aws_asm_json(a, "wafv2", "ListTagsForResource", WAF_TARGET "ListTagsForResource", "1.1",
		     json_pack("{s:s}", "ResourceARN", arn), tags_done);
	aws_asm_done(a);
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
