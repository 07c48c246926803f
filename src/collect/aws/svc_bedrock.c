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

/* Replaces a->conf with the answer (or its member key). */
static void
got(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r, const char *key)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *x;

	if (!v)
		return;
	x = key ? json_object_get(v, key) : v;
	if (!json_is_object(x)) {
		aws_fail(op, "MalformedResponse", "no description in the answer");
		a->failed = true;
	} else {
		json_decref(a->conf);
		a->conf = json_incref(x);
	}
	json_decref(v);
}

static void
model_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	got(a, op, r, NULL);
}

static void
agent_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	got(a, op, r, "agent");
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

static void
tag_call(struct aws_asm *a, const char *arn)
{
	aws_asm_label(a);
	aws_asm_rest(a, "bedrock", "ListTagsForResource", "POST", "/listTagsForResource",
		     json_pack("{s:s}", "resourceARN", arn), tags_done);
}

static void
each_model(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "modelArn"));
	char seg[600], path[700];
	struct aws_asm *a;

	(void)data;
	if (!arn || !aws_shape_segment(seg, sizeof(seg), arn) ||
	    !(a = aws_asm_new(c, T_BR_CUSTOM, region, json_incref(item))))
		return;
	aws_asm_ids(a, arn, arn, json_string_value(json_object_get(item, "modelName")));
	snprintf(path, sizeof(path), "/custom-models/%s", seg);
	aws_asm_rest(a, "bedrock", "GetCustomModel", "GET", path, NULL, model_done);
	tag_call(a, arn);
	aws_asm_done(a);
}

static void
each_guardrail(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "id"));
	const char *arn = json_string_value(json_object_get(item, "arn"));
	char seg[200], path[300];
	struct aws_asm *a;

	(void)data;
	if (!id || !arn || !aws_shape_segment(seg, sizeof(seg), id) ||
	    !(a = aws_asm_new(c, T_BR_GUARDRAIL, region, json_incref(item))))
		return;
	aws_asm_ids(a, id, arn, json_string_value(json_object_get(item, "name")));
	snprintf(path, sizeof(path), "/guardrails/%s", seg);
	aws_asm_rest(a, "bedrock", "GetGuardrail", "GET", path, NULL, model_done);
	tag_call(a, arn);
	aws_asm_done(a);
}

static void
each_agent(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "agentId"));
	char seg[200], aseg[600], path[700], arn[512];
	struct aws_asm *a;

	(void)data;
	if (!id || !aws_shape_segment(seg, sizeof(seg), id) ||
	    !(a = aws_asm_new(c, T_BR_AGENT, region, json_incref(item))))
		return;
	snprintf(arn, sizeof(arn), "arn:aws:bedrock:%s:%s:agent/%s", region, c->account, id);
	aws_asm_ids(a, id, arn, json_string_value(json_object_get(item, "agentName")));
	snprintf(path, sizeof(path), "/agents/%s/", seg);
	aws_asm_rest(a, "bedrock-agent", "GetAgent", "GET", path, NULL, agent_done);
	if (aws_shape_segment(aseg, sizeof(aseg), arn)) {
		snprintf(path, sizeof(path), "/tags/%s", aseg);
		aws_asm_label(a);
		aws_asm_rest(a, "bedrock-agent", "ListTagsForResource", "GET", path, NULL,
			     tags_done);
	}
	aws_asm_done(a);
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
