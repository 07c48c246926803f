/*
 * CloudWatch, in each region: the metric alarms (DescribeAlarms, query
 * protocol, every page), which the CIS monitoring checks join with the
 * metric filters and SNS subscriptions.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

static void
each_alarm(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(json_object_get(item, "AlarmName"));

	(void)data;
	if (name)
		aws_emit(c, T_CW_ALARM, name, json_string_value(json_object_get(item, "AlarmArn")),
			 name, region, NULL, json_incref(item), NULL);
}

static const struct aws_qlist alarms = {"monitoring",
					"2010-08-01",
					"DescribeAlarms",
					"&AlarmTypes.member.1=MetricAlarm&MaxRecords=100",
					"MetricAlarms",
					"NextToken",
					"NextToken",
					AWS_XML_QUERY,
					TB(T_CW_ALARM),
					each_alarm,
					NULL};

void
svc_cloudwatch_start(struct aws_collector *c, const char *region)
{
	aws_query_list(c, &alarms, region, NULL);
}
