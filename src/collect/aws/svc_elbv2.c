/*
 * Elastic Load Balancing v2 (application, network and gateway load
 * balancers), in each region: load balancers (DescribeLoadBalancers,
 * Marker/NextMarker), each with its attributes, its tags and - for
 * application load balancers - the WAFv2 web ACL protecting it
 * (wafv2 GetWebACLForResource; null when none, always null for the other
 * kinds, which WAF cannot protect); and every load balancer's listeners
 * (DescribeListeners, paginated per load balancer) as resources of their
 * own. Query protocol, version 2015-12-01.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define ELBV2_VERSION "2015-12-01"

static void
attrs_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_QUERY, NULL, NULL), *l;

	if (!v)
		return;
	l = aws_take(v, "Attributes");
	aws_asm_supp(a, "LoadBalancerAttributes", json_is_array(l) ? l : json_array());
	if (!json_is_array(l))
		json_decref(l);
	json_decref(v);
}

static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_QUERY, NULL, NULL);

	if (!v)
		return;
	json_decref(a->tags);
	a->tags = aws_tags_object(
		json_object_get(json_array_get(json_object_get(v, "TagDescriptions"), 0), "Tags"));
	json_decref(v);
}

static void
waf_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	bool none;
	json_t *v = aws_asm_reply_json(a, op, r, "WAFNonexistentItemException", &none);
	const char *arn = json_string_value(json_object_get(json_object_get(v, "WebACL"), "ARN"));

	if (v || none)
		aws_asm_supp(a, "WebACLArn", arn ? json_string(arn) : json_null());
	json_decref(v);
}

static const struct aws_followup lb_calls[] = {
	{.operation = "DescribeLoadBalancerAttributes",
	 .request = "LoadBalancerArn={LoadBalancerArn}",
	 .fn = attrs_done},
	{.operation = "DescribeTags",
	 .request = "ResourceArns.member.1={LoadBalancerArn}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followups lb = {
	.type = T_ELBV2_LB,
	.service = "elasticloadbalancing",
	.proto = AWS_FU_QUERY,
	.version = ELBV2_VERSION,
	.calls = lb_calls,
};

/* An application load balancer's web ACL, from WAFv2. */
static const struct aws_followup waf_calls[] = {
	{.operation = "GetWebACLForResource",
	 .request = "{\"ResourceArn\": \"{LoadBalancerArn}\"}",
	 .fn = waf_done},
	{NULL},
};

static const struct aws_followups waf = {
	.type = T_ELBV2_LB,
	.service = "wafv2",
	.proto = AWS_FU_JSON,
	.target = "AWSWAF_20190729.",
	.calls = waf_calls,
};

/* ---- listeners, per load balancer ---- */

struct listeners {
	struct aws_qlist ql;
	char params[1024];
};

static void
each_listener(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "ListenerArn"));

	(void)data;
	if (!arn)
		return;
	aws_emit(c, T_ELBV2_LISTENER, arn, arn, NULL, region, NULL, json_incref(item), NULL);
}

static void
listeners_end(struct aws_collector *c, const char *region, bool ok, void *data)
{
	(void)c;
	(void)region;
	(void)ok;
	free(data);
}

static void
start_listeners(struct aws_collector *c, const char *region, const char *lb_arn)
{
	struct listeners *l = calloc(1, sizeof(*l));
	struct core_buf p;

	if (!l) {
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	core_buf_init(&p, sizeof(l->params));
	if (aws_param(&p, "LoadBalancerArn", lb_arn) != ATTEST_OK || p.len >= sizeof(l->params)) {
		core_buf_release(&p);
		free(l);
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	memcpy(l->params, p.data, p.len + 1);
	core_buf_release(&p);
	l->ql = (struct aws_qlist){"elasticloadbalancing",
				   ELBV2_VERSION,
				   "DescribeListeners",
				   l->params,
				   "Listeners",
				   "Marker",
				   "NextMarker",
				   AWS_XML_QUERY,
				   TB(T_ELBV2_LISTENER),
				   each_listener,
				   listeners_end};
	aws_query_list(c, &l->ql, region, l);
}

static void
each_lb(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "LoadBalancerArn"));
	const char *type = json_string_value(json_object_get(item, "Type"));
	struct aws_asm *a;

	(void)data;
	if (!arn)
		return;
	if (!(a = aws_asm_new(c, lb.type, region, json_incref(item))))
		return;
	aws_asm_ids(a, arn, arn, json_string_value(json_object_get(item, "LoadBalancerName")));
	aws_asm_calls(a, &lb, item);
	if (type && strcmp(type, "application") == 0)
		aws_asm_calls(a, &waf, item);
	else
		aws_asm_supp(a, "WebACLArn", json_null());
	aws_asm_done(a);
	start_listeners(c, region, arn);
}

static const struct aws_qlist lbs = {"elasticloadbalancing",
				     ELBV2_VERSION,
				     "DescribeLoadBalancers",
				     "&PageSize=400",
				     "LoadBalancers",
				     "Marker",
				     "NextMarker",
				     AWS_XML_QUERY,
				     TB(T_ELBV2_LB) | TB(T_ELBV2_LISTENER),
				     each_lb,
				     NULL};

void
svc_elbv2_start(struct aws_collector *c, const char *region)
{
	/* Listeners are found through their load balancers: both fail together. */
	aws_attempt(c, TB(T_ELBV2_LISTENER));
	aws_query_list(c, &lbs, region, NULL);
}
