/*
 * AWS Config, in each region: one AWS::Config::RecorderStatus record built
 * from DescribeConfigurationRecorders and DescribeConfigurationRecorderStatus
 * (both lists empty when the region has no recorder).
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <stdlib.h>
#include <string.h>

struct recorder {
	json_t *conf;
	int pending;
	bool failed;
};

static void
done(struct aws_op *op, const struct aws_reply *r)
{
	struct recorder *rec = op->data;
	const char *key = strcmp(op->operation, "DescribeConfigurationRecorders") == 0
				  ? "ConfigurationRecorders"
				  : "ConfigurationRecordersStatus";
	json_t *v, *l;

	if (!r->ok) {
		aws_fail_reply(op, r);
		rec->failed = true;
	} else if ((v = aws_reply_json(op, r)) != NULL) {
		l = json_object_get(v, key);
		json_object_set_new(rec->conf, key, json_is_array(l) ? json_incref(l) : json_array());
		json_decref(v);
	} else {
		rec->failed = true;
	}
	if (--rec->pending > 0)
		return;
	if (!rec->failed)
		aws_emit(op->c, T_CONFIG_REC, op->region, NULL, NULL, op->region, NULL,
			 json_incref(rec->conf), NULL);
	json_decref(rec->conf);
	free(rec);
}

void
svc_config_start(struct aws_collector *c, const char *region)
{
	struct aws_op op = {c, "config", "DescribeConfigurationRecorders", "", TB(T_CONFIG_REC),
			    done, NULL, 0, NULL};
	struct recorder *rec = calloc(1, sizeof(*rec));
	json_t *order;

	aws_attempt(c, TB(T_CONFIG_REC));
	/* Keys in the documented order, whichever answer comes first. */
	order = json_pack("{s:[], s:[]}", "ConfigurationRecorders", "ConfigurationRecordersStatus");
	if (!rec || !order) {
		free(rec);
		json_decref(order);
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	rec->conf = order;
	rec->pending = 2;
	op.data = rec;
	snprintf(op.region, sizeof(op.region), "%s", region);
	if (aws_call_json_obj(&op, "StarlingDoveService.DescribeConfigurationRecorders",
			      json_object())) {
		rec->failed = true;
		rec->pending--;
	}
	op.operation = "DescribeConfigurationRecorderStatus";
	if (aws_call_json_obj(&op, "StarlingDoveService.DescribeConfigurationRecorderStatus",
			      json_object()) &&
	    --rec->pending == 0) {
		json_decref(rec->conf);
		free(rec);
	}
}
