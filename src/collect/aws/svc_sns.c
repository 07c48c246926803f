/*
 * SNS, in each region: every topic (ListTopics) with its attributes
 * (GetTopicAttributes, kept as the API's string map), its subscriptions
 * (ListSubscriptionsByTopic, every page) and its tags. The CIS monitoring
 * checks follow an alarm to a topic with a confirmed subscription.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <stdlib.h>
#include <string.h>

#define SNS_VERSION "2010-03-31"

struct topic {
	char *arn;
	json_t *attrs, *subs, *tags;
	int pending;
	bool failed;
};

static void
topic_step(struct aws_collector *c, struct topic *t, const char *region)
{
	const char *name;

	if (--t->pending > 0)
		return;
	if (!t->failed) {
		name = strrchr(t->arn, ':');
		aws_emit(c, T_SNS_TOPIC, t->arn, t->arn, name ? name + 1 : t->arn, region, t->tags,
			 json_pack("{s:s, s:O}", "TopicArn", t->arn, "Attributes",
				   t->attrs ? t->attrs : json_object()),
			 json_pack("{s:O}", "Subscriptions", t->subs));
		t->tags = NULL;
	}
	free(t->arn);
	json_decref(t->attrs);
	json_decref(t->subs);
	json_decref(t->tags);
	free(t);
}

static json_t *
result_json(struct aws_op *op, const struct aws_reply *r)
{
	xmlDocPtr doc = aws_reply_xml(op, r);
	char name[96];
	json_t *v;

	if (!doc)
		return NULL;
	snprintf(name, sizeof(name), "%sResult", op->operation);
	v = aws_xml_to_json_op(aws_xml_find(xmlDocGetRootElement(doc), name), op->version,
			       op->operation, AWS_XML_QUERY);
	xmlFreeDoc(doc);
	return v;
}

static void
attrs_done(struct aws_op *op, const struct aws_reply *r)
{
	struct topic *t = op->data;
	json_t *v = NULL;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((v = result_json(op, r)) != NULL)
		t->attrs = json_incref(json_object_get(v, "Attributes"));
	if (!json_is_object(t->attrs)) {
		if (r->ok && v)
			aws_fail(op, "MalformedResponse", "no Attributes in the answer");
		t->failed = true;
	}
	json_decref(v);
	topic_step(op->c, t, op->region);
}

static void
tags_done(struct aws_op *op, const struct aws_reply *r)
{
	struct topic *t = op->data;
	json_t *v;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((v = result_json(op, r)) != NULL) {
		t->tags = aws_tags_object(json_object_get(v, "Tags"));
		json_decref(v);
	}
	topic_step(op->c, t, op->region);
}

static void subs_page(struct aws_op *op, const struct aws_reply *r);

static void
subs_request(struct aws_collector *c, struct topic *t, const char *region, const char *token)
{
	struct aws_op op = {c, "sns", "ListSubscriptionsByTopic", "", TB(T_SNS_TOPIC), subs_page,
			    t, 0, NULL};
	struct attest_buf b;

	snprintf(op.region, sizeof(op.region), "%s", region);
	attest_buf_init(&b, 8192);
	if (aws_param(&b, "TopicArn", t->arn) || (token && aws_param(&b, "NextToken", token)) ||
	    aws_call_query(&op, SNS_VERSION, b.data) != ATTEST_OK) {
		t->failed = true;
		topic_step(c, t, region);
	}
	attest_buf_release(&b);
}

static void
subs_page(struct aws_op *op, const struct aws_reply *r)
{
	struct topic *t = op->data;
	json_t *v;
	const char *token;

	if (!r->ok) {
		aws_fail_reply(op, r);
		t->failed = true;
	} else if ((v = result_json(op, r)) != NULL) {
		json_array_extend(t->subs, json_object_get(v, "Subscriptions"));
		token = json_string_value(json_object_get(v, "NextToken"));
		if (token && *token) {
			subs_request(op->c, t, op->region, token);
			json_decref(v);
			return;
		}
		json_decref(v);
	} else {
		t->failed = true;
	}
	topic_step(op->c, t, op->region);
}

static void
each_topic(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "TopicArn"));
	struct aws_op op = {c, "sns", "GetTopicAttributes", "", TB(T_SNS_TOPIC), attrs_done, NULL,
			    0, NULL};
	struct attest_buf b;
	struct topic *t;

	(void)data;
	if (!arn)
		return;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->arn = strdup(arn)) || !(t->subs = json_array())) {
		if (t)
			free(t->arn);
		free(t);
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	t->pending = 3;
	op.data = t;
	snprintf(op.region, sizeof(op.region), "%s", region);
	attest_buf_init(&b, 8192);
	if (aws_param(&b, "TopicArn", arn) || aws_call_query(&op, SNS_VERSION, b.data)) {
		t->failed = true;
		topic_step(c, t, region);
	}
	attest_buf_reset(&b);
	op.operation = "ListTagsForResource";
	op.fn = tags_done;
	op.types = 0;
	if (aws_param(&b, "ResourceArn", arn) || aws_call_query(&op, SNS_VERSION, b.data))
		topic_step(c, t, region);
	attest_buf_release(&b);
	subs_request(c, t, region, NULL);
}

static const struct aws_qlist topics = {
	"sns", SNS_VERSION, "ListTopics", "", "Topics", "NextToken", "NextToken", AWS_XML_QUERY,
	TB(T_SNS_TOPIC), each_topic, NULL};

void
svc_sns_start(struct aws_collector *c, const char *region)
{
	aws_query_list(c, &topics, region, NULL);
}
