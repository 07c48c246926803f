/*
 * GuardDuty, in each region (REST-JSON): one AWS::GuardDuty::DetectorStatus
 * record. ListDetectors gives the region's detector (there is at most one
 * per account and region); GetDetector its status, publishing frequency and
 * protection features; GetFindingsStatistics the count of unarchived
 * findings by severity. A region without a detector is {"DetectorId": null}.
 * GuardDuty's wire names are camelCase; the record has the API's PascalCase
 * members.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <string.h>

static const char *const gd_maps[] = {"tags", "countBySeverity", NULL};

static void
detector_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *p;

	if (!v)
		return;
	json_object_del(v, "tags");
	if ((p = aws_shape_pascal(v, gd_maps)) != NULL)
		json_object_update(a->conf, p);
	else
		aws_fatal(op->c, core_nomem(op->c->ctx));
	json_decref(p);
	json_decref(v);
}

static void
stats_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *p;

	if (!v)
		return;
	p = aws_shape_pascal(json_object_get(v, "findingStatistics"), gd_maps);
	if (json_is_object(p))
		json_object_set(a->conf, "FindingStatistics", p);
	else
		json_object_set_new(a->conf, "FindingStatistics",
				    json_pack("{s:{}}", "CountBySeverity"));
	json_decref(p);
	json_decref(v);
}

/* Both calls need the detector: none is made when the region has none. */
static const struct aws_followup detector_calls[] = {
	{.operation = "GetDetector",
	 .method = "GET",
	 .path = "/detector/{DetectorId}",
	 .fn = detector_done},
	{.operation = "GetFindingsStatistics",
	 .method = "POST",
	 .path = "/detector/{DetectorId}/findings/statistics",
	 .request = "{\"findingStatisticTypes\": [\"COUNT_BY_SEVERITY\"], \"findingCriteria\": "
		    "{\"criterion\": {\"service.archived\": {\"eq\": [\"false\"]}}}}",
	 .fn = stats_done},
	{NULL},
};

static const struct aws_followups detector = {
	.type = T_GD_STATUS,
	.service = "guardduty",
	.proto = AWS_FU_REST,
	.calls = detector_calls,
};

static void
list_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_collector *c = op->c;
	const char *id;
	json_t *v;
	struct aws_asm *a;
	char seg[128];

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(v = aws_reply_json(op, r)))
		return;
	id = json_string_value(json_array_get(json_object_get(v, "detectorIds"), 0));
	a = aws_asm_new(c, detector.type, op->region,
			id ? json_pack("{s:s}", "DetectorId", id)
			   : json_pack("{s:n}", "DetectorId"));
	if (!a) {
		json_decref(v);
		return;
	}
	aws_asm_ids(a, op->region, NULL, NULL);
	if (id && !aws_shape_segment(seg, sizeof(seg), id)) {
		a->failed = true;
		aws_fail(op, "MalformedResponse", "the detector id is not valid");
		aws_asm_done(a);
	} else {
		aws_asm_follow(a, &detector, a->conf);
	}
	json_decref(v);
}

void
svc_guardduty_start(struct aws_collector *c, const char *region)
{
	struct aws_op op = {c, "guardduty", "ListDetectors", "", TB(T_GD_STATUS), list_done, NULL,
			    0, NULL};

	aws_attempt(c, TB(T_GD_STATUS));
	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_rest(&op, "GET", "/detector?maxResults=50", NULL);
}
