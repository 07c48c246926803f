/*
 * AWS Config, in each region: one AWS::Config::RecorderStatus record built
 * from DescribeConfigurationRecorders and DescribeConfigurationRecorderStatus
 * (both lists empty when the region has no recorder).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

static void
done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	const char *key = strcmp(op->operation, "DescribeConfigurationRecorders") == 0
				  ? "ConfigurationRecorders"
				  : "ConfigurationRecordersStatus";
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *l;

	if (!v)
		return;
	l = json_object_get(v, key);
	json_object_set_new(a->conf, key, json_is_array(l) ? json_incref(l) : json_array());
	json_decref(v);
}

static const struct aws_followup recorder_calls[] = {
	{.operation = "DescribeConfigurationRecorders", .fn = done},
	{.operation = "DescribeConfigurationRecorderStatus", .fn = done},
	{NULL},
};

static const struct aws_followups recorder = {
	.type = T_CONFIG_REC,
	.service = "config",
	.proto = AWS_FU_JSON,
	.target = "StarlingDoveService.",
	.calls = recorder_calls,
};

void
svc_config_start(struct aws_collector *c, const char *region)
{
	struct aws_asm *a;

	aws_attempt(c, TB(recorder.type));
	/* Keys in the documented order, whichever answer comes first. */
	a = aws_asm_new(c, recorder.type, region,
			json_pack("{s:[], s:[]}", "ConfigurationRecorders",
				  "ConfigurationRecordersStatus"));
	if (!a)
		return;
	aws_asm_ids(a, region, NULL, NULL);
	if (!a->conf || !a->id)
		aws_asm_nomem(a);
	aws_asm_follow(a, &recorder, NULL);
}
