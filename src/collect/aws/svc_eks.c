/*
 * EKS, in each region (REST-JSON): clusters (ListClusters, nextToken), each
 * read with DescribeCluster; its tags are the resource's tags. EKS's
 * members are camelCase, kept as the API has them.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <string.h>

static void
cluster_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *cl;

	if (!v)
		return;
	cl = json_object_get(v, "cluster");
	if (!json_is_object(cl)) {
		aws_fail(op, "MalformedResponse", "no cluster in the answer");
		a->failed = true;
	} else {
		json_decref(a->conf);
		a->conf = json_incref(cl);
		a->tags = aws_tags_map(json_object_get(cl, "tags"));
		aws_asm_ids(a, NULL, json_string_value(json_object_get(cl, "arn")), NULL);
	}
	json_decref(v);
}

static const struct aws_followup cluster_calls[] = {
	{.operation = "DescribeCluster",
	 .method = "GET",
	 .path = "/clusters/{name}",
	 .fn = cluster_done},
	{NULL},
};

static const struct aws_followups cluster = {
	.type = T_EKS_CLUSTER,
	.service = "eks",
	.proto = AWS_FU_REST,
	.calls = cluster_calls,
};

static void
each_cluster(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(item);
	char seg[256];
	json_t *vars;
	struct aws_asm *a;

	(void)data;
	if (!name || !aws_shape_segment(seg, sizeof(seg), name) ||
	    !(a = aws_asm_new(c, cluster.type, region, json_object())))
		return;
	aws_asm_ids(a, name, NULL, name);
	if (!(vars = json_pack("{s:O}", "name", item)))
		aws_asm_nomem(a);
	aws_asm_follow(a, &cluster, vars);
	json_decref(vars);
}

static const struct aws_jlist clusters = {"eks",        "ListClusters",
					  NULL,         NULL,
					  NULL,         "/clusters?maxResults=100",
					  "clusters",   "nextToken",
					  "nextToken",  TB(T_EKS_CLUSTER),
					  each_cluster, NULL};

void
svc_eks_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &clusters, region, NULL);
}
