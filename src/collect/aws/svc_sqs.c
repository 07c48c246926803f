/*
 * SQS, in each region (AWS JSON 1.0 protocol): the queues (ListQueues,
 * NextToken), each with all its attributes (GetQueueAttributes "All";
 * Policy stays the JSON string the API returns) and its tags
 * (ListQueueTags). The worked example of doc/adding-a-service.md.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define GONE "AWS.SimpleQueueService.NonExistentQueue|QueueDoesNotExist"

static void
tags_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = NULL;

	/* A queue deleted since it was listed (see attrs_done). */
	if (!aws_asm_gone(it, op, r, GONE))
		v = aws_asm_reply_json(it, op, r, NULL, NULL);
	if (v)
		aws_asm_tags(it, json_object_get(v, "Tags"));
	json_decref(v);
}

static void
attrs_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *a;
	const char *arn;

	/* A queue deleted since it was listed. */
	if (aws_asm_gone(it, op, r, GONE))
		return;
	if ((v = aws_asm_reply_json(it, op, r, NULL, NULL)) != NULL) {
		a = json_object_get(v, "Attributes");
		arn = json_string_value(json_object_get(a, "QueueArn"));
		if (!json_is_object(a) || !arn)
			aws_asm_fail(it, op, "MalformedResponse", "no QueueArn in the answer");
		else if (json_object_set(it->conf, "Attributes", a) != 0 ||
			 !(it->arn = strdup(arn))) {
			aws_asm_nomem(it);
		}
		json_decref(v);
	}
}

static void
each_queue(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *url = json_string_value(item);
	const char *name = url ? strrchr(url, '/') : NULL;
	struct aws_asm *it;

	(void)data;
	if (!name || !name[1])
		return;
	it = aws_asm_new(c, T_SQS_QUEUE, region, json_pack("{s:s}", "QueueUrl", url));
	if (!it)
		return;
	aws_asm_ids(it, url, NULL, name + 1);
	if (!it->conf)
		aws_asm_nomem(it);
	aws_asm_json(it, "sqs", "GetQueueAttributes", "AmazonSQS.GetQueueAttributes", "1.0",
		     json_pack("{s:s, s:[s]}", "QueueUrl", url, "AttributeNames", "All"),
		     attrs_done);
	aws_asm_label(it);
	aws_asm_json(it, "sqs", "ListQueueTags", "AmazonSQS.ListQueueTags", "1.0",
		     json_pack("{s:s}", "QueueUrl", url), tags_done);
	aws_asm_done(it);
}

static const struct aws_jlist queues = {"sqs",
					"ListQueues",
					"AmazonSQS.ListQueues",
					"1.0",
					"{\"MaxResults\": 1000}",
					NULL,
					"QueueUrls",
					"NextToken",
					"NextToken",
					TB(T_SQS_QUEUE),
					each_queue,
					NULL};

void
svc_sqs_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &queues, region, NULL);
}
