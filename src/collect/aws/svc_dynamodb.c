/*
 * DynamoDB, in each region (JSON 1.0): the tables (ListTables, following
 * LastEvaluatedTableName), each described (DescribeTable's Table as the
 * configuration), with its point-in-time recovery state
 * (DescribeContinuousBackups, supplementary ContinuousBackupsDescription)
 * and its tags (ListTagsOfResource, every page).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define DDB "DynamoDB_20120810."
/* A table deleted since it was listed. */
#define GONE "ResourceNotFoundException|TableNotFoundException"

static void tags_request(struct aws_asm *it, const char *token);

static void
tags_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(it, op, r, NULL, NULL), *t, *all;
	const char *token;
	size_t i;

	if (v) {
		all = it->tags ? it->tags : json_object();
		it->tags = all;
		json_array_foreach(json_object_get(v, "Tags"), i,
				   t) if (all && json_is_string(json_object_get(t, "Key")))
			json_object_set_new(all, json_string_value(json_object_get(t, "Key")),
					    json_is_string(json_object_get(t, "Value"))
						    ? json_incref(json_object_get(t, "Value"))
						    : json_string(""));
		token = json_string_value(json_object_get(v, "NextToken"));
		if (token && *token)
			tags_request(it, token);
		else if (all && json_object_size(all) == 0) {
			json_decref(all);
			it->tags = NULL;
		}
		json_decref(v);
	}
}

static void
tags_request(struct aws_asm *it, const char *token)
{
	json_t *body = json_pack("{s:s}", "ResourceArn", it->arn);

	if (body && token)
		json_object_set_new(body, "NextToken", json_string(token));
	aws_asm_label(it);
	aws_asm_json(it, "dynamodb", "ListTagsOfResource", DDB "ListTagsOfResource", "1.0", body,
		     tags_done);
}

static void
describe_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *t;
	const char *arn;

	if ((v = aws_asm_reply_json(it, op, r, NULL, NULL)) != NULL) {
		t = json_object_get(v, "Table");
		arn = json_string_value(json_object_get(t, "TableArn"));
		if (!json_is_object(t) || !arn) {
			aws_asm_fail(it, op, "MalformedResponse", "no Table in the answer");
		} else if (!(it->arn = strdup(arn))) {
			aws_asm_nomem(it);
		} else {
			json_decref(it->conf);
			it->conf = json_incref(t);
			tags_request(it, NULL);
		}
		json_decref(v);
	}
}

static const struct aws_followup table_calls[] = {
	/* the tags are asked for once the table's ARN is known */
	{.operation = "DescribeTable",
	 .request = "{\"TableName\": \"{TableName}\"}",
	 .fn = describe_done},
	{.operation = "DescribeContinuousBackups",
	 .request = "{\"TableName\": \"{TableName}\"}",
	 .into = AWS_INTO_SUPP,
	 .from = "ContinuousBackupsDescription",
	 .key = "ContinuousBackupsDescription"},
	{NULL},
};

static const struct aws_followups table = {
	.type = T_DDB_TABLE,
	.service = "dynamodb",
	.proto = AWS_FU_JSON,
	.target = DDB,
	.version = "1.0",
	.gone = GONE,
	.calls = table_calls,
};

static void
each_table(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(item);
	json_t *vars;
	struct aws_asm *it;

	(void)data;
	if (!name)
		return;
	it = aws_asm_new(c, table.type, region, NULL);
	if (!it)
		return;
	aws_asm_ids(it, name, NULL, name);
	aws_asm_supp(it, NULL, NULL);
	if (!(vars = json_pack("{s:O}", "TableName", item)))
		aws_asm_nomem(it);
	aws_asm_follow(it, &table, vars);
	json_decref(vars);
}

static const struct aws_jlist tables = {"dynamodb",
					"ListTables",
					DDB "ListTables",
					"1.0",
					"{\"Limit\": 100}",
					NULL,
					"TableNames",
					"ExclusiveStartTableName",
					"LastEvaluatedTableName",
					TB(T_DDB_TABLE),
					each_table,
					NULL};

void
svc_dynamodb_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &tables, region, NULL);
}
