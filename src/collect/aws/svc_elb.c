/*
 * Classic Elastic Load Balancing, in each region: load balancers
 * (DescribeLoadBalancers, Marker/NextMarker), each with its attributes
 * (DescribeLoadBalancerAttributes), its policies with their attributes
 * (DescribeLoadBalancerPolicies: the SSL negotiation settings the checks
 * read) and its tags (DescribeTags). Query protocol, version 2012-06-01.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define ELB_VERSION "2012-06-01"

static void
attrs_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_QUERY, NULL, NULL);

	if (!v)
		return;
	aws_asm_supp(a, "LoadBalancerAttributes", aws_take(v, "LoadBalancerAttributes"));
	json_decref(v);
}

static void
policies_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_QUERY, NULL, NULL), *p;

	if (!v)
		return;
	p = aws_take(v, "PolicyDescriptions");
	aws_asm_supp(a, "PolicyDescriptions", json_is_array(p) ? p : json_array());
	if (!json_is_array(p))
		json_decref(p);
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

static const struct aws_followup lb_calls[] = {
	{.operation = "DescribeLoadBalancerAttributes",
	 .request = "LoadBalancerName={LoadBalancerName}",
	 .fn = attrs_done},
	{.operation = "DescribeLoadBalancerPolicies",
	 .request = "LoadBalancerName={LoadBalancerName}",
	 .fn = policies_done},
	{.operation = "DescribeTags",
	 .request = "LoadBalancerNames.member.1={LoadBalancerName}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followups lb = {
	.type = T_ELB_LB,
	.service = "elasticloadbalancing",
	.proto = AWS_FU_QUERY,
	.version = ELB_VERSION,
	.calls = lb_calls,
};

static void
each_lb(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(json_object_get(item, "LoadBalancerName"));
	struct aws_asm *a;
	char arn[512];

	(void)data;
	if (!name)
		return;
	if (!(a = aws_asm_new(c, lb.type, region, json_incref(item))))
		return;
	snprintf(arn, sizeof(arn), "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s", region,
		 c->account, name);
	aws_asm_ids(a, name, arn, name);
	aws_asm_follow(a, &lb, item);
}

static const struct aws_qlist lbs = {"elasticloadbalancing",
				     ELB_VERSION,
				     "DescribeLoadBalancers",
				     "&PageSize=400",
				     "LoadBalancerDescriptions",
				     "Marker",
				     "NextMarker",
				     AWS_XML_QUERY,
				     TB(T_ELB_LB),
				     each_lb,
				     NULL};

void
svc_elb_start(struct aws_collector *c, const char *region)
{
	aws_query_list(c, &lbs, region, NULL);
}
