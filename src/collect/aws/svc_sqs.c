/*
 * SQS, in each region (AWS JSON 1.0 protocol): the queues (ListQueues,
 * NextToken), each with all its attributes (GetQueueAttributes "All";
 * Policy stays the JSON string the API returns) and its tags
 * (ListQueueTags).
 */
#include "config.h"

#include "collect/aws/item.h"

#include <stdlib.h>
#include <string.h>

#define GONE "AWS.SimpleQueueService.NonExistentQueue|QueueDoesNotExist"

static void
tags_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_item *it = op->data;
	json_t *v = NULL;

	/* A queue deleted since it was listed (see attrs_done). */
	if (!aws_item_vanished(op, r, GONE))
		v = aws_item_reply_json(op, r);
	if (v)
		aws_item_tags(it, json_object_get(v, "Tags"));
	json_decref(v);
	aws_item_done(it);
}

static void
attrs_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_item *it = op->data;
	json_t *v, *a;
	const char *arn;

	/* A queue deleted since it was listed. */
	if (aws_item_vanished(op, r, GONE)) {
		aws_item_done(it);
		return;
	}
	if ((v = aws_item_reply_json(op, r)) != NULL) {
		a = json_object_get(v, "Attributes");
		arn = json_string_value(json_object_get(a, "QueueArn"));
		if (!json_is_object(a) || !arn)
			aws_item_fail(op, "MalformedResponse", "no QueueArn in the answer");
		else if (json_object_set(it->conf, "Attributes", a) != 0 || !(it->arn = strdup(arn))) {
			it->failed = true;
			aws_fatal(it->c, attest_nomem(it->c->ctx));
		}
		json_decref(v);
	}
	aws_item_done(it);
}

static void
each_queue(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *url = json_string_value(item);
	const char *name = url ? strrchr(url, '/') : NULL;
	struct aws_item *it;

	(void)data;
	if (!name || !name[1])
		return;
	it = aws_item_new(c, T_SQS_QUEUE, region, json_pack("{s:s}", "QueueUrl", url), url, NULL,
			  name + 1, false);
	if (!it)
		return;
	if (!it->conf) {
		it->failed = true;
		aws_fatal(c, attest_nomem(c->ctx));
	}
	aws_item_json(it, TB(T_SQS_QUEUE), "sqs", "GetQueueAttributes",
		      "AmazonSQS.GetQueueAttributes", "1.0",
		      json_pack("{s:s, s:[s]}", "QueueUrl", url, "AttributeNames", "All"), attrs_done);
	aws_item_json(it, 0, "sqs", "ListQueueTags", "AmazonSQS.ListQueueTags", "1.0",
		      json_pack("{s:s}", "QueueUrl", url), tags_done);
	aws_item_done(it);
}

static const struct aws_jlist queues = {
	"sqs", "ListQueues", "AmazonSQS.ListQueues", "1.0", "{\"MaxResults\": 1000}", NULL,
	"QueueUrls", "NextToken", "NextToken", TB(T_SQS_QUEUE), each_queue, NULL};

void
svc_sqs_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &queues, region, NULL);
}
