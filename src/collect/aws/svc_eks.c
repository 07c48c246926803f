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

static void
each_cluster(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(item);
	char seg[256], path[300];
	struct aws_asm *a;

	(void)data;
	if (!name || !aws_shape_segment(seg, sizeof(seg), name) ||
	    !(a = aws_asm_new(c, T_EKS_CLUSTER, region, json_object())))
		return;
	aws_asm_ids(a, name, NULL, name);
	snprintf(path, sizeof(path), "/clusters/%s", seg);
	aws_asm_rest(a, "eks", "DescribeCluster", "GET", path, NULL, cluster_done);
	aws_asm_done(a);
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
