/*
 * Redshift, in each region (query protocol): provisioned clusters
 * (DescribeClusters, Marker), their Tags as the resource's tags, each with
 * every parameter of its first parameter group (DescribeClusterParameters,
 * every page) as supplementary Parameters and its audit logging state
 * (DescribeLoggingStatus) as LoggingStatus.
 */
#include "config.h"

#include "collect/aws/item.h"

#include <stdlib.h>
#include <string.h>

#define REDSHIFT_VERSION "2012-12-01"

static void params_request(struct aws_item *it, const char *marker);

static void
params_page(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_item *it = op->data;
	json_t *res = aws_item_reply_query(op, r), *p;
	json_t *all = json_object_get(it->supp, "Parameters");
	const char *marker;
	size_t i;

	if (res) {
		json_array_foreach(json_object_get(res, "Parameters"), i, p)
			if (json_array_append(all, p) != 0)
				it->failed = true;
		marker = json_string_value(json_object_get(res, "Marker"));
		if (marker && *marker)
			params_request(it, marker);
		json_decref(res);
	}
	aws_item_done(it);
}

static void
params_request(struct aws_item *it, const char *marker)
{
	struct attest_buf b;

	attest_buf_init(&b, 8192);
	if (aws_param(&b, "ParameterGroupName", it->data) ||
	    attest_buf_adds(&b, "&MaxRecords=100") || (marker && aws_param(&b, "Marker", marker))) {
		it->failed = true;
		aws_fatal(it->c, attest_nomem(it->c->ctx));
	} else {
		aws_item_query(it, TB(T_REDSHIFT_CLUSTER), "redshift", REDSHIFT_VERSION,
			       "DescribeClusterParameters", b.data, params_page);
	}
	attest_buf_release(&b);
}

static void
logging_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_item *it = op->data;
	json_t *res = aws_item_reply_query(op, r);

	if (res)
		aws_item_supp(it, "LoggingStatus", res);
	aws_item_done(it);
}

static void
each_cluster(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "ClusterIdentifier"));
	const char *group = json_string_value(json_object_get(
		json_array_get(json_object_get(item, "ClusterParameterGroups"), 0),
		"ParameterGroupName"));
	struct aws_item *it;
	struct attest_buf b;

	(void)data;
	if (!id)
		return;
	it = aws_item_new(c, T_REDSHIFT_CLUSTER, region, json_incref(item), id,
			  json_string_value(json_object_get(item, "ClusterNamespaceArn")), id, true);
	if (!it)
		return;
	aws_item_tags(it, json_object_get(item, "Tags"));
	aws_item_supp(it, "Parameters", json_array());
	if (group && !(it->data = strdup(group))) {
		it->failed = true;
		aws_fatal(c, attest_nomem(c->ctx));
	} else if (group) {
		params_request(it, NULL);
	}
	attest_buf_init(&b, 1024);
	if (aws_param(&b, "ClusterIdentifier", id)) {
		it->failed = true;
		aws_fatal(c, attest_nomem(c->ctx));
	} else {
		aws_item_query(it, TB(T_REDSHIFT_CLUSTER), "redshift", REDSHIFT_VERSION,
			       "DescribeLoggingStatus", b.data, logging_done);
	}
	attest_buf_release(&b);
	aws_item_done(it);
}

static const struct aws_qlist clusters = {
	"redshift", REDSHIFT_VERSION, "DescribeClusters", "&MaxRecords=100", "Clusters", "Marker",
	"Marker", AWS_XML_QUERY, TB(T_REDSHIFT_CLUSTER), each_cluster, NULL};

void
svc_redshift_start(struct aws_collector *c, const char *region)
{
	aws_query_list(c, &clusters, region, NULL);
}
