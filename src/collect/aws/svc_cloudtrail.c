/*
 * CloudTrail, in each region: the trails whose home region it is
 * (DescribeTrails without shadow trails, so each trail is one record), each
 * with its status (GetTrailStatus), event selectors (GetEventSelectors:
 * basic or advanced) and tags (ListTags). A trail is written when its three
 * follow-up calls have answered.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <stdlib.h>
#include <string.h>

#define CT_TARGET "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."

struct trail {
	json_t *conf, *supp, *tags;
	int pending;
};

static void
trail_step(struct aws_collector *c, struct trail *t, const char *region)
{
	const char *name, *arn;

	if (--t->pending > 0)
		return;
	name = json_string_value(json_object_get(t->conf, "Name"));
	arn = json_string_value(json_object_get(t->conf, "TrailARN"));
	aws_emit(c, T_CT_TRAIL, name, arn, name, region, t->tags, t->conf, t->supp);
	free(t);
}

static void
status_done(struct aws_op *op, const struct aws_reply *r)
{
	struct trail *t = op->data;
	json_t *v;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((v = aws_reply_json(op, r)) != NULL)
		json_object_set_new(t->supp, "TrailStatus", v);
	trail_step(op->c, t, op->region);
}

static void
selectors_done(struct aws_op *op, const struct aws_reply *r)
{
	struct trail *t = op->data;
	json_t *v, *x;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((v = aws_reply_json(op, r)) != NULL) {
		if ((x = json_object_get(v, "EventSelectors")) != NULL)
			json_object_set(t->supp, "EventSelectors", x);
		if ((x = json_object_get(v, "AdvancedEventSelectors")) != NULL)
			json_object_set(t->supp, "AdvancedEventSelectors", x);
		json_decref(v);
	}
	trail_step(op->c, t, op->region);
}

static void
tags_done(struct aws_op *op, const struct aws_reply *r)
{
	struct trail *t = op->data;
	json_t *v;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((v = aws_reply_json(op, r)) != NULL) {
		t->tags = aws_tags_object(
			json_object_get(json_array_get(json_object_get(v, "ResourceTagList"), 0),
					"TagsList"));
		json_decref(v);
	}
	trail_step(op->c, t, op->region);
}

static void
trails_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_collector *c = op->c;
	json_t *res, *e;
	size_t i;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(res = aws_reply_json(op, r)))
		return;
	json_array_foreach(json_object_get(res, "trailList"), i, e) {
		const char *home = json_string_value(json_object_get(e, "HomeRegion"));
		const char *arn = json_string_value(json_object_get(e, "TrailARN"));
		struct aws_op f = *op;
		struct trail *t;

		if (!arn || (home && strcmp(home, op->region) != 0))
			continue;
		t = calloc(1, sizeof(*t));
		if (!t || !(t->supp = json_object())) {
			free(t);
			aws_fatal(c, attest_nomem(c->ctx));
			break;
		}
		t->conf = json_incref(e);
		t->pending = 3;
		f.data = t;
		f.operation = "GetTrailStatus";
		f.fn = status_done;
		if (aws_call_json_obj(&f, CT_TARGET "GetTrailStatus", json_pack("{s:s}", "Name", arn)))
			trail_step(c, t, op->region);
		f.operation = "GetEventSelectors";
		f.fn = selectors_done;
		if (aws_call_json_obj(&f, CT_TARGET "GetEventSelectors",
				      json_pack("{s:s}", "TrailName", arn)))
			trail_step(c, t, op->region);
		f.operation = "ListTags";
		f.fn = tags_done;
		f.types = 0; /* tags are labels; their absence judges nothing */
		if (aws_call_json_obj(&f, CT_TARGET "ListTags",
				      json_pack("{s:[s]}", "ResourceIdList", arn)))
			trail_step(c, t, op->region);
	}
	json_decref(res);
}

void
svc_cloudtrail_start(struct aws_collector *c, const char *region)
{
	struct aws_op op = {c, "cloudtrail", "DescribeTrails", "", TB(T_CT_TRAIL), trails_done,
			    NULL, 0};

	aws_attempt(c, TB(T_CT_TRAIL));
	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_call_json_obj(&op, CT_TARGET "DescribeTrails",
			  json_pack("{s:b}", "includeShadowTrails", 0));
}
