/*
 * SNS, in each region: every topic (ListTopics) with its attributes
 * (GetTopicAttributes, kept as the API's string map), its subscriptions
 * (ListSubscriptionsByTopic, every page) and its tags. The CIS monitoring
 * checks follow an alarm to a topic with a confirmed subscription. A
 * topic is an assembly (asm.h) of those answers.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define SNS_VERSION "2010-03-31"

static void
attrs_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_QUERY, NULL, NULL), *attrs;

	if (!v)
		return;
	attrs = json_object_get(v, "Attributes");
	if (!json_is_object(attrs))
		aws_asm_fail(a, op, "MalformedResponse", "no Attributes in the answer");
	else if (json_object_set(a->conf, "Attributes", attrs) != 0)
		aws_asm_nomem(a);
	json_decref(v);
}

static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_QUERY, NULL, NULL);

	if (v)
		a->tags = aws_tags_object(json_object_get(v, "Tags"));
	json_decref(v);
}

static void subs_page(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r);

static void
subs_request(struct aws_asm *a, const char *token)
{
	struct core_buf b;

	core_buf_init(&b, 8192);
	if (aws_param(&b, "TopicArn", a->arn) || (token && aws_param(&b, "NextToken", token)))
		aws_asm_nomem(a);
	else
		aws_asm_query(a, "sns", "ListSubscriptionsByTopic", SNS_VERSION, b.data, subs_page);
	core_buf_release(&b);
}

static void
subs_page(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_QUERY, NULL, NULL);
	const char *token;

	if (!v)
		return;
	json_array_extend(json_object_get(a->supp, "Subscriptions"),
			  json_object_get(v, "Subscriptions"));
	token = json_string_value(json_object_get(v, "NextToken"));
	if (token && *token)
		subs_request(a, token);
	json_decref(v);
}

/* The subscriptions are a listing of their own (subs_request). */
static const struct aws_followup topic_calls[] = {
	{.operation = "GetTopicAttributes", .request = "TopicArn={TopicArn}", .fn = attrs_done},
	{.operation = "ListTagsForResource",
	 .request = "ResourceArn={TopicArn}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followups topic = {
	.type = T_SNS_TOPIC,
	.service = "sns",
	.proto = AWS_FU_QUERY,
	.version = SNS_VERSION,
	.calls = topic_calls,
};

static void
each_topic(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "TopicArn"));
	const char *name = arn ? strrchr(arn, ':') : NULL;
	struct aws_asm *a;

	(void)data;
	if (!arn || !(a = aws_asm_new(c, topic.type, region, json_pack("{s:s}", "TopicArn", arn))))
		return;
	aws_asm_ids(a, arn, arn, name ? name + 1 : arn);
	aws_asm_supp(a, "Subscriptions", json_array());
	if (!a->conf || !a->arn)
		aws_asm_nomem(a);
	aws_asm_calls(a, &topic, item);
	subs_request(a, NULL);
	aws_asm_done(a);
}

static const struct aws_qlist topics = {"sns",           SNS_VERSION, "ListTopics", "",
					"Topics",        "NextToken", "NextToken",  AWS_XML_QUERY,
					TB(T_SNS_TOPIC), each_topic,  NULL};

void
svc_sns_start(struct aws_collector *c, const char *region)
{
	aws_query_list(c, &topics, region, NULL);
}
