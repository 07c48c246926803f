/*
 * CloudWatch Logs, in each region: log groups (DescribeLogGroups) and
 * metric filters (DescribeMetricFilters), every page. CloudWatch Logs is
 * camelCase and keeps creationTime as epoch milliseconds, as the API does.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <string.h>

static void
each_group(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(json_object_get(item, "logGroupName"));

	(void)data;
	if (name)
		aws_emit(c, T_LOGS_GROUP, name, json_string_value(json_object_get(item, "arn")),
			 name, region, NULL, json_incref(item), NULL);
}

static void
each_filter(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *group = json_string_value(json_object_get(item, "logGroupName"));
	const char *name = json_string_value(json_object_get(item, "filterName"));
	char id[2048];

	(void)data;
	if (!group || !name)
		return;
	snprintf(id, sizeof(id), "%s/%s", group, name);
	aws_emit(c, T_LOGS_MF, id, NULL, name, region, NULL, json_incref(item), NULL);
}

static const struct aws_jlist lists[] = {
	{"logs", "DescribeLogGroups", "Logs_20140328.DescribeLogGroups", "1.1", "{\"limit\": 50}",
	 NULL, "logGroups", "nextToken", "nextToken", TB(T_LOGS_GROUP), each_group, NULL},
	{"logs", "DescribeMetricFilters", "Logs_20140328.DescribeMetricFilters", "1.1",
	 "{\"limit\": 50}", NULL, "metricFilters", "nextToken", "nextToken", TB(T_LOGS_MF),
	 each_filter, NULL},
};

void
svc_logs_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &lists[0], region, NULL);
	aws_json_list(c, &lists[1], region, NULL);
}
