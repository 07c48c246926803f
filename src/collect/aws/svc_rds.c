/*
 * RDS, in each region: DB instances (DescribeDBInstances, query protocol,
 * Marker pagination), with their TagList as the resource's tags.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

static void
each_db(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "DBInstanceIdentifier"));

	(void)data;
	if (id)
		aws_emit(c, T_RDS_DB, id, json_string_value(json_object_get(item, "DBInstanceArn")), id,
			 region, aws_tags_object(json_object_get(item, "TagList")), json_incref(item),
			 NULL);
}

static const struct aws_qlist dbs = {
	"rds", "2014-10-31", "DescribeDBInstances", "&MaxRecords=100", "DBInstances", "Marker",
	"Marker", AWS_XML_QUERY, TB(T_RDS_DB), each_db, NULL};

void
svc_rds_start(struct aws_collector *c, const char *region)
{
	aws_query_list(c, &dbs, region, NULL);
}
