/*
 * CloudTrail, in each region: DescribeTrails with shadow trails (a
 * multi-region trail is listed in every region, and an organization trail
 * is listed in its member accounts only as a shadow trail). Each trail is
 * written once, in its home region, which also answers its status
 * (GetTrailStatus), event selectors (GetEventSelectors: basic or advanced)
 * and tags (ListTags): a trail whose home region is collected is taken from
 * that region's listing; one homed elsewhere from the first region that
 * lists it, its follow-up calls still sent to its home region. A failed
 * follow-up call withholds the trail type (collection log), so its checks
 * are not evaluated rather than judged without a status. A trail that
 * delivers to a CloudWatch Logs group this collection does not read
 * (another account's, or a region not collected) logs a gap on the metric
 * filters, whose alarm-chain checks cannot be judged without them. A trail
 * is an assembly (asm.h), written when its three follow-up calls have
 * answered.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define CT_TARGET "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."

static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL);

	if (!v)
		return;
	a->tags = aws_tags_object(json_object_get(
		json_array_get(json_object_get(v, "ResourceTagList"), 0), "TagsList"));
	json_decref(v);
}

/* A gap on the metric filters when the trail's log group is outside what
 * this collection reads: its account, its collected regions. */
static void
log_group_gap(struct aws_op *op, const char *arn, json_t *trail)
{
	struct aws_collector *c = op->c;
	const char *lg = json_string_value(json_object_get(trail, "CloudWatchLogsLogGroupArn"));
	char region[40] = "", account[20] = "", msg[512];

	/* arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME */
	if (!lg || sscanf(lg, "arn:%*[^:]:logs:%39[^:]:%19[^:]:", region, account) != 2)
		return;
	if (c->account && strcmp(account, c->account) == 0 && aws_region_collected(c, region))
		return;
	if (aws_seen(c, lg))
		return;
	snprintf(msg, sizeof(msg),
		 "trail '%s' delivers to log group '%s', in an account or region this collection "
		 "does not read: its metric filters are unknown",
		 arn, lg);
	aws_log_failure(c, c->account, "logs", region, "DescribeMetricFilters", TB(T_LOGS_MF),
			"NotCollected", msg);
}

static const char *const selector_keys[] = {"EventSelectors", "AdvancedEventSelectors", NULL};

static const struct aws_followup trail_calls[] = {
	{.operation = "GetTrailStatus",
	 .request = "{\"Name\": \"{TrailARN}\"}",
	 .into = AWS_INTO_SUPP,
	 .key = "TrailStatus"},
	{.operation = "GetEventSelectors",
	 .request = "{\"TrailName\": \"{TrailARN}\"}",
	 .into = AWS_INTO_COPY,
	 .keys = selector_keys},
	/* tags are labels; their absence judges nothing */
	{.operation = "ListTags",
	 .request = "{\"ResourceIdList\": [\"{TrailARN}\"]}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followups trail = {
	.type = T_CT_TRAIL,
	.service = "cloudtrail",
	.proto = AWS_FU_JSON,
	.target = CT_TARGET,
	.calls = trail_calls,
};

/* Sends the three follow-up calls of trail e (ARN arn) to its home region. */
static void
trail_start(struct aws_collector *c, json_t *e, const char *arn, const char *home)
{
	const char *name = json_string_value(json_object_get(e, "Name"));
	struct aws_asm *a = aws_asm_new(c, trail.type, home, json_incref(e));

	if (!a)
		return;
	aws_asm_ids(a, name, arn, name);
	aws_asm_supp(a, NULL, NULL);
	aws_asm_follow(a, &trail, e);
}

static void
trails_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_collector *c = op->c;
	json_t *res, *e;
	size_t i;
	char msg[256];

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(res = aws_reply_json(op, r)))
		return;
	json_array_foreach(json_object_get(res, "trailList"), i, e)
	{
		const char *home = json_string_value(json_object_get(e, "HomeRegion"));
		const char *arn = json_string_value(json_object_get(e, "TrailARN"));

		if (!arn)
			continue;
		if (!home || !*home)
			home = op->region;
		/* A shadow: its home region's listing has it, or the first one. */
		if (strcmp(home, op->region) != 0 &&
		    (aws_region_collected(c, home) || aws_seen(c, arn)))
			continue;
		if (!aws_region_valid(home)) {
			snprintf(msg, sizeof(msg),
				 "trail '%.120s' has the home region '%.40s', "
				 "which is not a region name",
				 arn, home);
			aws_fail(op, "MalformedResponse", msg);
			continue;
		}
		log_group_gap(op, arn, e);
		trail_start(c, e, arn, home);
	}
	json_decref(res);
}

void
svc_cloudtrail_start(struct aws_collector *c, const char *region)
{
	struct aws_op op = {
		c, "cloudtrail", "DescribeTrails", "", TB(T_CT_TRAIL), trails_done, NULL, 0, NULL};

	aws_attempt(c, TB(T_CT_TRAIL));
	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_json_obj(&op, CT_TARGET "DescribeTrails",
			  json_pack("{s:b}", "includeShadowTrails", 1));
}
