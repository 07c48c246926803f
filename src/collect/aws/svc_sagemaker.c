/*
 * SageMaker, in each region (JSON 1.1): notebook instances, endpoint
 * configurations and models, each listed (NextToken) and then read whole
 * with its Describe call, tagged with ListTags.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <string.h>

/* Each kind is described whole, then tagged (a label call). */
static const struct aws_followup notebook_calls[] = {
	{.operation = "DescribeNotebookInstance",
	 .request = "{\"NotebookInstanceName\": \"{NotebookInstanceName}\"}",
	 .into = AWS_INTO_CONF},
	{.operation = "ListTags",
	 .request = "{\"ResourceArn\": \"{NotebookInstanceArn}\", \"MaxResults\": 100}",
	 .label = true,
	 .into = AWS_INTO_TAGS,
	 .from = "Tags"},
	{NULL},
};

static const struct aws_followup epconfig_calls[] = {
	{.operation = "DescribeEndpointConfig",
	 .request = "{\"EndpointConfigName\": \"{EndpointConfigName}\"}",
	 .into = AWS_INTO_CONF},
	{.operation = "ListTags",
	 .request = "{\"ResourceArn\": \"{EndpointConfigArn}\", \"MaxResults\": 100}",
	 .label = true,
	 .into = AWS_INTO_TAGS,
	 .from = "Tags"},
	{NULL},
};

static const struct aws_followup model_calls[] = {
	{.operation = "DescribeModel",
	 .request = "{\"ModelName\": \"{ModelName}\"}",
	 .into = AWS_INTO_CONF},
	{.operation = "ListTags",
	 .request = "{\"ResourceArn\": \"{ModelArn}\", \"MaxResults\": 100}",
	 .label = true,
	 .into = AWS_INTO_TAGS,
	 .from = "Tags"},
	{NULL},
};

struct kind {
	const char *name_key; /* in the listing and the description */
	const char *arn_key;
	struct aws_followups calls;
};

static const struct kind kinds[] = {
	{"NotebookInstanceName",
	 "NotebookInstanceArn",
	 {.type = T_SAGE_NOTEBOOK,
	  .service = "sagemaker",
	  .proto = AWS_FU_JSON,
	  .target = "SageMaker.",
	  .calls = notebook_calls}},
	{"EndpointConfigName",
	 "EndpointConfigArn",
	 {.type = T_SAGE_EPCONFIG,
	  .service = "sagemaker",
	  .proto = AWS_FU_JSON,
	  .target = "SageMaker.",
	  .calls = epconfig_calls}},
	{"ModelName",
	 "ModelArn",
	 {.type = T_SAGE_MODEL,
	  .service = "sagemaker",
	  .proto = AWS_FU_JSON,
	  .target = "SageMaker.",
	  .calls = model_calls}},
};

static void
each_item(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const struct kind *k = data;
	const char *name = json_string_value(json_object_get(item, k->name_key));
	const char *arn = json_string_value(json_object_get(item, k->arn_key));
	struct aws_asm *a;

	if (!name || !(a = aws_asm_new(c, k->calls.type, region, json_incref(item))))
		return;
	aws_asm_ids(a, name, arn, name);
	aws_asm_follow(a, &k->calls, item);
}

static const struct aws_jlist lists[] = {
	{"sagemaker", "ListNotebookInstances", "SageMaker.ListNotebookInstances", "1.1",
	 "{\"MaxResults\":100}", NULL, "NotebookInstances", "NextToken", "NextToken",
	 TB(T_SAGE_NOTEBOOK), each_item, NULL},
	{"sagemaker", "ListEndpointConfigs", "SageMaker.ListEndpointConfigs", "1.1",
	 "{\"MaxResults\":100}", NULL, "EndpointConfigs", "NextToken", "NextToken",
	 TB(T_SAGE_EPCONFIG), each_item, NULL},
	{"sagemaker", "ListModels", "SageMaker.ListModels", "1.1", "{\"MaxResults\":100}", NULL,
	 "Models", "NextToken", "NextToken", TB(T_SAGE_MODEL), each_item, NULL},
};

void
svc_sagemaker_start(struct aws_collector *c, const char *region)
{
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		aws_json_list(c, &lists[i], region, (void *)&kinds[i]);
}
