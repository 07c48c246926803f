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

static const struct aws_followup secret_calls[] = {
	{.operation = "GetResourcePolicy",
	 .request = "{\"SecretId\": \"{ARN}\"}",
	 .into = AWS_INTO_POLICY,
	 .from = "ResourcePolicy",
	 .key = "ResourcePolicy",
	 .optional = true},
	{NULL},
};

static const struct aws_followups secret = {
	.type = T_SM_SECRET,
	.service = "secretsmanager",
	.proto = AWS_FU_JSON,
	.target = "secretsmanager.",
	/* a secret deleted since it was listed */
	.gone = "ResourceNotFoundException",
	.calls = secret_calls,
};

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
	it = aws_asm_new(c, secret.type, region, conf);
	if (!it)
		return;
	aws_asm_ids(it, arn, arn, json_string_value(json_object_get(item, "Name")));
	aws_asm_supp(it, NULL, NULL);
	aws_asm_tags(it, json_object_get(conf, "Tags"));
	json_object_del(conf, "Tags");
	aws_asm_follow(it, &secret, item);
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
