/*
 * SageMaker, in each region (JSON 1.1): notebook instances, endpoint
 * configurations and models, each listed (NextToken) and then read whole
 * with its Describe call, tagged with ListTags.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <string.h>

struct kind {
	enum aws_type type;
	const char *name_key; /* in the listing and the description */
	const char *arn_key;
	const char *describe; /* operation */
	const char *target;
};

static const struct kind kinds[] = {
	{T_SAGE_NOTEBOOK, "NotebookInstanceName", "NotebookInstanceArn", "DescribeNotebookInstance",
	 "SageMaker.DescribeNotebookInstance"},
	{T_SAGE_EPCONFIG, "EndpointConfigName", "EndpointConfigArn", "DescribeEndpointConfig",
	 "SageMaker.DescribeEndpointConfig"},
	{T_SAGE_MODEL, "ModelName", "ModelArn", "DescribeModel", "SageMaker.DescribeModel"},
};

static void
described(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL);

	if (!v)
		return;
	json_decref(a->conf);
	a->conf = v;
}

static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL);

	if (!v)
		return;
	json_decref(a->tags);
	a->tags = aws_tags_object(json_object_get(v, "Tags"));
	json_decref(v);
}

static void
each_item(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const struct kind *k = data;
	const char *name = json_string_value(json_object_get(item, k->name_key));
	const char *arn = json_string_value(json_object_get(item, k->arn_key));
	struct aws_asm *a;

	if (!name || !(a = aws_asm_new(c, k->type, region, json_incref(item))))
		return;
	aws_asm_ids(a, name, arn, name);
	aws_asm_json(a, "sagemaker", k->describe, k->target, "1.1",
		     json_pack("{s:s}", k->name_key, name), described);
	aws_asm_label(a);
	if (arn)
		aws_asm_json(a, "sagemaker", "ListTags", "SageMaker.ListTags", "1.1",
			     json_pack("{s:s, s:i}", "ResourceArn", arn, "MaxResults", 100),
			     tags_done);
	aws_asm_done(a);
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
