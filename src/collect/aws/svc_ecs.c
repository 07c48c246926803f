/*
 * ECS, in each region (JSON 1.1): task definitions, active and inactive
 * (ListTaskDefinitions per status, then DescribeTaskDefinition with their
 * tags; id <family>:<revision>), and clusters (ListClusters, then
 * DescribeClusters in batches of a page, with settings and tags). ECS's
 * members are camelCase, kept as the API has them.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define ECS_TARGET "AmazonEC2ContainerServiceV20141113."

static void
taskdef_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *td;
	const char *fam;
	char id[512];

	if (!v)
		return;
	td = json_object_get(v, "taskDefinition");
	fam = json_string_value(json_object_get(td, "family"));
	if (!fam) {
		aws_fail(op, "MalformedResponse", "no task definition in the answer");
		a->failed = true;
		json_decref(v);
		return;
	}
	snprintf(id, sizeof(id), "%s:%lld", fam,
		 (long long)json_integer_value(json_object_get(td, "revision")));
	json_decref(a->conf);
	a->conf = json_incref(td);
	aws_asm_ids(a, id, json_string_value(json_object_get(td, "taskDefinitionArn")), fam);
	a->tags = aws_tags_object(json_object_get(v, "tags"));
	json_decref(v);
}

static const struct aws_followup taskdef_calls[] = {
	{.operation = "DescribeTaskDefinition",
	 .request = "{\"taskDefinition\": \"{taskDefinition}\", \"include\": [\"TAGS\"]}",
	 .fn = taskdef_done},
	{NULL},
};

static const struct aws_followups taskdef = {
	.type = T_ECS_TASKDEF,
	.service = "ecs",
	.proto = AWS_FU_JSON,
	.target = ECS_TARGET,
	.calls = taskdef_calls,
};

static void
each_taskdef(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *vars;
	struct aws_asm *a;

	(void)data;
	if (!json_is_string(item) || !(a = aws_asm_new(c, taskdef.type, region, json_object())))
		return;
	if (!(vars = json_pack("{s:O}", "taskDefinition", item)))
		aws_asm_nomem(a);
	aws_asm_follow(a, &taskdef, vars);
	json_decref(vars);
}

static void
clusters_done(struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *cl;
	const char *name;
	size_t i;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(v = aws_reply_json(op, r)))
		return;
	if (json_array_size(json_object_get(v, "failures")) > 0)
		aws_fail(op, "DescribeFailure", "some clusters could not be described");
	json_array_foreach(json_object_get(v, "clusters"), i, cl)
	{
		if (!(name = json_string_value(json_object_get(cl, "clusterName"))))
			continue;
		aws_emit(op->c, T_ECS_CLUSTER, name,
			 json_string_value(json_object_get(cl, "clusterArn")), name, op->region,
			 aws_tags_object(json_object_get(cl, "tags")), json_incref(cl), NULL);
	}
	json_decref(v);
}

/* One DescribeClusters per page of ListClusters (at most 100 names). */
static void
each_cluster_page(struct aws_collector *c, const char *region, json_t *batch)
{
	struct aws_op op = {
		c, "ecs", "DescribeClusters", "", TB(T_ECS_CLUSTER), clusters_done, NULL, 0, NULL};

	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_json_obj(
		&op, ECS_TARGET "DescribeClusters",
		json_pack("{s:O, s:[s, s]}", "clusters", batch, "include", "SETTINGS", "TAGS"));
}

struct batch {
	json_t *arns;
};

static void
each_cluster(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	struct batch *b = data;

	json_array_append(b->arns, item);
	if (json_array_size(b->arns) >= 100) {
		each_cluster_page(c, region, b->arns);
		json_array_clear(b->arns);
	}
}

static void
clusters_end(struct aws_collector *c, const char *region, bool ok, void *data)
{
	struct batch *b = data;

	if (ok && json_array_size(b->arns) > 0)
		each_cluster_page(c, region, b->arns);
	json_decref(b->arns);
	free(b);
}

static const struct aws_jlist lists[] = {
	{"ecs", "ListTaskDefinitions", ECS_TARGET "ListTaskDefinitions", "1.1",
	 "{\"status\":\"ACTIVE\"}", NULL, "taskDefinitionArns", "nextToken", "nextToken",
	 TB(T_ECS_TASKDEF), each_taskdef, NULL},
	{"ecs", "ListTaskDefinitions", ECS_TARGET "ListTaskDefinitions", "1.1",
	 "{\"status\":\"INACTIVE\"}", NULL, "taskDefinitionArns", "nextToken", "nextToken",
	 TB(T_ECS_TASKDEF), each_taskdef, NULL},
};
static const struct aws_jlist clusters = {"ecs",
					  "ListClusters",
					  ECS_TARGET "ListClusters",
					  "1.1",
					  NULL,
					  NULL,
					  "clusterArns",
					  "nextToken",
					  "nextToken",
					  TB(T_ECS_CLUSTER),
					  each_cluster,
					  clusters_end};

void
svc_ecs_start(struct aws_collector *c, const char *region)
{
	struct batch *b = calloc(1, sizeof(*b));

	aws_json_list(c, &lists[0], region, NULL);
	aws_json_list(c, &lists[1], region, NULL);
	if (!b || !(b->arns = json_array())) {
		free(b);
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	aws_json_list(c, &clusters, region, b);
}
