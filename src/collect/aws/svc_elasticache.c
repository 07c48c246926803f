/*
 * ElastiCache, in each region (query protocol): replication groups
 * (DescribeReplicationGroups) and cache clusters (DescribeCacheClusters),
 * following Marker, each with its tags (ListTagsForResource on its ARN).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define EC_VERSION "2015-02-02"

static void
tags_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *res = aws_asm_reply_query(it, op, r);

	if (res)
		aws_asm_tags(it, json_object_get(res, "TagList"));
	json_decref(res);
}

static void
each(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	bool group = data != NULL;
	const char *id = json_string_value(
		json_object_get(item, group ? "ReplicationGroupId" : "CacheClusterId"));
	const char *arn = json_string_value(json_object_get(item, "ARN"));
	struct aws_asm *it;
	struct core_buf b;

	if (!id)
		return;
	it = aws_asm_new(c, group ? T_EC_REPLGROUP : T_EC_CLUSTER, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, id, arn, id);
	core_buf_init(&b, 1024);
	if (arn && aws_param(&b, "ResourceName", arn) == ATTEST_OK) {
		aws_asm_label(it);
		aws_asm_query(it, "elasticache", "ListTagsForResource", EC_VERSION, b.data,
			      tags_done);
	}
	core_buf_release(&b);
	aws_asm_done(it);
}

static const struct aws_qlist groups = {"elasticache",
					EC_VERSION,
					"DescribeReplicationGroups",
					"&MaxRecords=100",
					"ReplicationGroups",
					"Marker",
					"Marker",
					AWS_XML_QUERY,
					TB(T_EC_REPLGROUP),
					each,
					NULL};
static const struct aws_qlist clusters = {
	"elasticache", EC_VERSION, "DescribeCacheClusters", "&MaxRecords=100", "CacheClusters",
	"Marker",      "Marker",   AWS_XML_QUERY,           TB(T_EC_CLUSTER),  each,
	NULL};

void
svc_elasticache_start(struct aws_collector *c, const char *region)
{
	static const char group_flag = 1;

	aws_query_list(c, &groups, region, (void *)&group_flag);
	aws_query_list(c, &clusters, region, NULL);
}
