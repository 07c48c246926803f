/*
 * SQS, in each region (AWS JSON 1.0 protocol): the queues (ListQueues,
 * NextToken), each with all its attributes (GetQueueAttributes "All";
 * Policy stays the JSON string the API returns) and its tags
 * (ListQueueTags). The worked example of doc/adding-a-service.md.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <string.h>

static const struct aws_followup queue_calls[] = {
	{.operation = "GetQueueAttributes",
	 .request = "{\"QueueUrl\": \"{QueueUrl}\", \"AttributeNames\": [\"All\"]}",
	 .into = AWS_INTO_CONF,
	 .from = "Attributes",
	 .key = "Attributes",
	 .arn = "QueueArn"},
	{.operation = "ListQueueTags",
	 .request = "{\"QueueUrl\": \"{QueueUrl}\"}",
	 .label = true,
	 .into = AWS_INTO_TAGS,
	 .from = "Tags"},
	{NULL},
};

static const struct aws_followups queue = {
	.type = T_SQS_QUEUE,
	.service = "sqs",
	.proto = AWS_FU_JSON,
	.target = "AmazonSQS.",
	.version = "1.0",
	.gone = "AWS.SimpleQueueService.NonExistentQueue|QueueDoesNotExist",
	.calls = queue_calls,
};

static void
each_queue(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *url = json_string_value(item);
	const char *name = url ? strrchr(url, '/') : NULL;
	struct aws_asm *it;

	(void)data;
	if (!name || !name[1])
		return;
	it = aws_asm_new(c, queue.type, region, json_pack("{s:s}", "QueueUrl", url));
	if (!it)
		return;
	aws_asm_ids(it, url, NULL, name + 1);
	if (!it->conf)
		aws_asm_nomem(it);
	aws_asm_follow(it, &queue, it->conf);
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
