/*
 * Amazon Bedrock, in each region (REST-JSON, camelCase members kept): one
 * AWS::Bedrock::ModelInvocationLoggingStatus record
 * (GetModelInvocationLoggingConfiguration; {"loggingConfig": null} when
 * logging is not configured); custom models (ListCustomModels, then
 * GetCustomModel) and guardrails (ListGuardrails, then GetGuardrail), tagged
 * with ListTagsForResource; and, from the bedrock-agent endpoint, agents
 * (ListAgents, then GetAgent), tagged with its ListTagsForResource.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <string.h>

static void
logging_done(struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *cfg;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(v = aws_reply_json(op, r)))
		return;
	cfg = json_object_get(v, "loggingConfig");
	aws_emit(op->c, T_BR_LOGGING, op->region, NULL, NULL, op->region, NULL,
		 json_pack("{s:O}", "loggingConfig", json_is_object(cfg) ? cfg : json_null()),
		 NULL);
	json_decref(v);
}

/* Bedrock's tags are [{key, value}]; bedrock-agent's a map. */
static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *t;

	if (!v)
		return;
	t = json_object_get(v, "tags");
	json_decref(a->tags);
	a->tags = json_is_array(t) ? aws_tags_object(t) : aws_tags_map(t);
	json_decref(v);
}

static const struct aws_followup model_calls[] = {
	{.operation = "GetCustomModel",
	 .method = "GET",
	 .path = "/custom-models/{modelArn}",
	 .into = AWS_INTO_CONF},
	{.operation = "ListTagsForResource",
	 .method = "POST",
	 .path = "/listTagsForResource",
	 .request = "{\"resourceARN\": \"{modelArn}\"}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followup guardrail_calls[] = {
	{.operation = "GetGuardrail",
	 .method = "GET",
	 .path = "/guardrails/{id}",
	 .into = AWS_INTO_CONF},
	{.operation = "ListTagsForResource",
	 .method = "POST",
	 .path = "/listTagsForResource",
	 .request = "{\"resourceARN\": \"{arn}\"}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followup agent_calls[] = {
	{.operation = "GetAgent",
	 .method = "GET",
	 .path = "/agents/{agentId}/",
	 .into = AWS_INTO_CONF,
	 .from = "agent"},
	{.operation = "ListTagsForResource",
	 .method = "GET",
	 .path = "/tags/{arn}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followups model = {
	.type = T_BR_CUSTOM, .service = "bedrock", .proto = AWS_FU_REST, .calls = model_calls};
static const struct aws_followups guardrail = {.type = T_BR_GUARDRAIL,
					       .service = "bedrock",
					       .proto = AWS_FU_REST,
					       .calls = guardrail_calls};
static const struct aws_followups agent = {
	.type = T_BR_AGENT, .service = "bedrock-agent", .proto = AWS_FU_REST, .calls = agent_calls};

static void
each_model(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "modelArn"));
	char seg[600];
	struct aws_asm *a;

	(void)data;
	if (!arn || !aws_shape_segment(seg, sizeof(seg), arn) ||
	    !(a = aws_asm_new(c, model.type, region, json_incref(item))))
		return;
	aws_asm_ids(a, arn, arn, json_string_value(json_object_get(item, "modelName")));
	aws_asm_follow(a, &model, item);
}

static void
each_guardrail(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "id"));
	const char *arn = json_string_value(json_object_get(item, "arn"));
	char seg[200];
	struct aws_asm *a;

	(void)data;
	if (!id || !arn || !aws_shape_segment(seg, sizeof(seg), id) ||
	    !(a = aws_asm_new(c, guardrail.type, region, json_incref(item))))
		return;
	aws_asm_ids(a, id, arn, json_string_value(json_object_get(item, "name")));
	aws_asm_follow(a, &guardrail, item);
}

static void
each_agent(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "agentId"));
	char seg[200], arn[512];
	json_t *vars;
	struct aws_asm *a;

	(void)data;
	if (!id || !aws_shape_segment(seg, sizeof(seg), id) ||
	    !(a = aws_asm_new(c, agent.type, region, json_incref(item))))
		return;
	snprintf(arn, sizeof(arn), "arn:aws:bedrock:%s:%s:agent/%s", region, c->account, id);
	aws_asm_ids(a, id, arn, json_string_value(json_object_get(item, "agentName")));
	if (!(vars = json_pack("{s:s, s:s}", "agentId", id, "arn", arn)))
		aws_asm_nomem(a);
	aws_asm_follow(a, &agent, vars);
	json_decref(vars);
}

static const struct aws_jlist lists[] = {
	{"bedrock", "ListCustomModels", NULL, NULL, NULL, "/custom-models?maxResults=100",
	 "modelSummaries", "nextToken", "nextToken", TB(T_BR_CUSTOM), each_model, NULL},
	{"bedrock", "ListGuardrails", NULL, NULL, NULL, "/guardrails?maxResults=100", "guardrails",
	 "nextToken", "nextToken", TB(T_BR_GUARDRAIL), each_guardrail, NULL},
};

/* ListAgents is a POST with the page token in the body. */
static void agents_page(struct aws_op *op, const struct aws_reply *r);

static void
agents_request(struct aws_collector *c, const char *region, const char *token)
{
	struct aws_op op = {
		c, "bedrock-agent", "ListAgents", "", TB(T_BR_AGENT), agents_page, NULL, 0, NULL};

	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_rest_json(&op, "POST", "/agents/",
			   token ? json_pack("{s:i, s:s}", "maxResults", 100, "nextToken", token)
				 : json_pack("{s:i}", "maxResults", 100));
}

static void
agents_page(struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *item;
	const char *token;
	size_t i;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(v = aws_reply_json(op, r)))
		return;
	json_array_foreach(json_object_get(v, "agentSummaries"), i, item)
		each_agent(op->c, op->region, item, NULL);
	token = json_string_value(json_object_get(v, "nextToken"));
	if (token && *token)
		agents_request(op->c, op->region, token);
	json_decref(v);
}

void
svc_bedrock_start(struct aws_collector *c, const char *region)
{
	struct aws_op op = {c,
			    "bedrock",
			    "GetModelInvocationLoggingConfiguration",
			    "",
			    TB(T_BR_LOGGING),
			    logging_done,
			    NULL,
			    0,
			    NULL};
	size_t i;

	aws_attempt(c, TB(T_BR_LOGGING) | TB(T_BR_AGENT));
	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_rest(&op, "GET", "/logging/modelinvocations", NULL);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		aws_json_list(c, &lists[i], region, NULL);
	agents_request(c, region, NULL);
}
