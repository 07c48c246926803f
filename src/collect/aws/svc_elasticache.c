/*
 * ElastiCache, in each region (query protocol): replication groups
 * (DescribeReplicationGroups) and cache clusters (DescribeCacheClusters),
 * following Marker, each with its tags (ListTagsForResource on its ARN).
 */
#include "config.h"

#include "collect/aws/item.h"

#include <stdlib.h>
#include <string.h>

#define EC_VERSION "2015-02-02"

static void
tags_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_item *it = op->data;
	json_t *res = aws_item_reply_query(op, r);

	if (res)
		aws_item_tags(it, json_object_get(res, "TagList"));
	json_decref(res);
	aws_item_done(it);
}

static void
each(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	bool group = data != NULL;
	const char *id = json_string_value(
		json_object_get(item, group ? "ReplicationGroupId" : "CacheClusterId"));
	const char *arn = json_string_value(json_object_get(item, "ARN"));
	struct aws_item *it;
	struct attest_buf b;

	if (!id)
		return;
	it = aws_item_new(c, group ? T_EC_REPLGROUP : T_EC_CLUSTER, region, json_incref(item), id,
			  arn, id, false);
	if (!it)
		return;
	attest_buf_init(&b, 1024);
	if (arn && aws_param(&b, "ResourceName", arn) == ATTEST_OK)
		aws_item_query(it, 0, "elasticache", EC_VERSION, "ListTagsForResource", b.data,
			       tags_done);
	attest_buf_release(&b);
	aws_item_done(it);
}

static const struct aws_qlist groups = {
	"elasticache", EC_VERSION, "DescribeReplicationGroups", "&MaxRecords=100",
	"ReplicationGroups", "Marker", "Marker", AWS_XML_QUERY, TB(T_EC_REPLGROUP), each, NULL};
static const struct aws_qlist clusters = {
	"elasticache", EC_VERSION, "DescribeCacheClusters", "&MaxRecords=100", "CacheClusters",
	"Marker", "Marker", AWS_XML_QUERY, TB(T_EC_CLUSTER), each, NULL};

void
svc_elasticache_start(struct aws_collector *c, const char *region)
{
	static const char group_flag = 1;

	aws_query_list(c, &groups, region, (void *)&group_flag);
	aws_query_list(c, &clusters, region, NULL);
}
