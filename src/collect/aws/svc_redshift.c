/*
 * Redshift, in each region (query protocol): provisioned clusters
 * (DescribeClusters, Marker), their Tags as the resource's tags, each with
 * every parameter of its first parameter group (DescribeClusterParameters,
 * every page) as supplementary Parameters and its audit logging state
 * (DescribeLoggingStatus) as LoggingStatus.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define REDSHIFT_VERSION "2012-12-01"

static void params_request(struct aws_asm *it, const char *marker);

static void
params_page(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *res = aws_asm_reply_query(it, op, r), *p;
	json_t *all = json_object_get(it->supp, "Parameters");
	const char *marker;
	size_t i;

	if (res) {
		json_array_foreach(json_object_get(res, "Parameters"), i,
				   p) if (json_array_append(all, p) != 0) it->failed = true;
		marker = json_string_value(json_object_get(res, "Marker"));
		if (marker && *marker)
			params_request(it, marker);
		json_decref(res);
	}
}

static void
params_request(struct aws_asm *it, const char *marker)
{
	struct core_buf b;

	core_buf_init(&b, 8192);
	if (aws_param(&b, "ParameterGroupName", it->data) || core_buf_adds(&b, "&MaxRecords=100") ||
	    (marker && aws_param(&b, "Marker", marker))) {
		aws_asm_nomem(it);
	} else {
		aws_asm_query(it, "redshift", "DescribeClusterParameters", REDSHIFT_VERSION, b.data,
			      params_page);
	}
	core_buf_release(&b);
}

/* The parameters are a listing of their own (params_request). */
static const struct aws_followup cluster_calls[] = {
	{.operation = "DescribeLoggingStatus",
	 .request = "ClusterIdentifier={ClusterIdentifier}",
	 .into = AWS_INTO_SUPP,
	 .key = "LoggingStatus"},
	{NULL},
};

static const struct aws_followups cluster = {
	.type = T_REDSHIFT_CLUSTER,
	.service = "redshift",
	.proto = AWS_FU_QUERY,
	.version = REDSHIFT_VERSION,
	.calls = cluster_calls,
};

static void
each_cluster(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "ClusterIdentifier"));
	const char *group = json_string_value(
		json_object_get(json_array_get(json_object_get(item, "ClusterParameterGroups"), 0),
				"ParameterGroupName"));
	struct aws_asm *it;

	(void)data;
	if (!id)
		return;
	it = aws_asm_new(c, cluster.type, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, id, json_string_value(json_object_get(item, "ClusterNamespaceArn")), id);
	aws_asm_supp(it, NULL, NULL);
	aws_asm_tags(it, json_object_get(item, "Tags"));
	aws_asm_supp(it, "Parameters", json_array());
	if (group && !(it->data = strdup(group))) {
		aws_asm_nomem(it);
	} else if (group) {
		params_request(it, NULL);
	}
	aws_asm_follow(it, &cluster, item);
}

static const struct aws_qlist clusters = {
	"redshift", REDSHIFT_VERSION, "DescribeClusters", "&MaxRecords=100",      "Clusters",
	"Marker",   "Marker",         AWS_XML_QUERY,      TB(T_REDSHIFT_CLUSTER), each_cluster,
	NULL};

void
svc_redshift_start(struct aws_collector *c, const char *region)
{
	aws_query_list(c, &clusters, region, NULL);
}
