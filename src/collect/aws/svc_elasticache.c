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

/* Both kinds take their tags from ListTagsForResource (a label call). */
static const struct aws_followup tag_calls[] = {
	{.operation = "ListTagsForResource",
	 .request = "ResourceName={ARN}",
	 .label = true,
	 .into = AWS_INTO_TAGS,
	 .from = "TagList"},
	{NULL},
};

static const struct aws_followups group_tags = {
	.type = T_EC_REPLGROUP,
	.service = "elasticache",
	.proto = AWS_FU_QUERY,
	.version = EC_VERSION,
	.calls = tag_calls,
};

static const struct aws_followups cluster_tags = {
	.type = T_EC_CLUSTER,
	.service = "elasticache",
	.proto = AWS_FU_QUERY,
	.version = EC_VERSION,
	.calls = tag_calls,
};

static void
each(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const struct aws_followups *t = data ? &group_tags : &cluster_tags;
	const char *id = json_string_value(
		json_object_get(item, data ? "ReplicationGroupId" : "CacheClusterId"));
	const char *arn = json_string_value(json_object_get(item, "ARN"));
	struct aws_asm *it;

	if (!id)
		return;
	it = aws_asm_new(c, t->type, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, id, arn, id);
	aws_asm_follow(it, t, item);
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
