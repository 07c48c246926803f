/*
 * Secrets Manager, in each region (JSON 1.1): the secrets' metadata
 * (ListSecrets, NextToken; the same members DescribeSecret returns, never a
 * secret value), the Tags list as the resource's tags, each with its
 * resource policy (GetResourcePolicy, parsed into an object; null when the
 * secret has none).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

static void
policy_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *p;
	const char *text;

	/* A secret deleted since it was listed. */
	if (aws_asm_gone(it, op, r, "ResourceNotFoundException"))
		return;
	if ((v = aws_asm_reply_json(it, op, r, NULL, NULL)) != NULL) {
		text = json_string_value(json_object_get(v, "ResourcePolicy"));
		if (!text || !*text)
			aws_asm_supp(it, "ResourcePolicy", json_null());
		else if ((p = aws_policy_parse(text)) != NULL)
			aws_asm_supp(it, "ResourcePolicy", p);
		else
			aws_asm_fail(it, op, "MalformedResponse", "ResourcePolicy is not a policy");
		json_decref(v);
	}
}

static void
each_secret(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *arn = json_string_value(json_object_get(item, "ARN"));
	json_t *conf;
	struct aws_asm *it;

	(void)data;
	if (!arn)
		return;
	conf = json_deep_copy(item);
	if (!conf) {
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	it = aws_asm_new(c, T_SM_SECRET, region, conf);
	if (!it)
		return;
	aws_asm_ids(it, arn, arn, json_string_value(json_object_get(item, "Name")));
	aws_asm_supp(it, NULL, NULL);
	aws_asm_tags(it, json_object_get(conf, "Tags"));
	json_object_del(conf, "Tags");
	aws_asm_json(it, "secretsmanager", "GetResourcePolicy", "secretsmanager.GetResourcePolicy",
		     "1.1", json_pack("{s:s}", "SecretId", arn), policy_done);
	aws_asm_done(it);
}

static const struct aws_jlist secrets = {"secretsmanager",
					 "ListSecrets",
					 "secretsmanager.ListSecrets",
					 "1.1",
					 "{\"MaxResults\": 100}",
					 NULL,
					 "SecretList",
					 "NextToken",
					 "NextToken",
					 TB(T_SM_SECRET),
					 each_secret,
					 NULL};

void
svc_secretsmanager_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &secrets, region, NULL);
}
