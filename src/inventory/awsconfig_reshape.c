/*
 * AWS Config import: the shapes Config records for some services reshaped
 * into their API's (awsconfig_svc.c has the table of which type needs
 * which): API Gateway stage ids, CloudFront's {Quantity, Items} lists and
 * logging flag, the SQS and SNS attribute maps, OpenSearch's VPC id, EKS
 * logging, ECS task definition ids, Backup vaults and plans.
 */
#include "config.h"

#include "awsconfig.h"

#include <stdlib.h>
#include <string.h>

/* The text after "marker" in s up to the next '/', or NULL. */
static char *
arn_part(const char *s, const char *marker)
{
	const char *p = s ? strstr(s, marker) : NULL;
	size_t n;
	char *r;

	if (!p)
		return NULL;
	p += strlen(marker);
	n = strcspn(p, "/");
	if (n == 0 || !(r = malloc(n + 1)))
		return NULL;
	memcpy(r, p, n);
	r[n] = '\0';
	return r;
}

/* Native id "<a>/<b>" from two configuration strings. */
static attest_rc
set_pair_id(struct awsconfig_conv *cv, json_t *res, const char *a, const char *b)
{
	struct core_buf buf;
	attest_rc rc;

	if (!a || !b || !*a || !*b)
		return ATTEST_OK;
	core_buf_init(&buf, 4096);
	if ((rc = core_buf_add(&buf, a, strlen(a))) == ATTEST_OK &&
	    (rc = core_buf_addc(&buf, '/')) == ATTEST_OK)
		rc = core_buf_add(&buf, b, strlen(b));
	if (rc == ATTEST_OK)
		rc = awsconfig_put(cv->ctx, res, "id", json_string(buf.data));
	else if (rc == ATTEST_ERR_NOMEM)
		rc = core_nomem(cv->ctx);
	else
		rc = core_error(
			cv->ctx, ATTEST_ERR_INVALID,
			"configuration item '%s' '%s': the stage's API id and name are too long",
			cv->type, cv->id);
	core_buf_release(&buf);
	return rc;
}

/* Stage of a REST API (camelCase) or of an HTTP/WebSocket API (PascalCase):
 * the API id comes from the configuration or from the ARN
 * (arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>). */
attest_rc
awsconfig_apigw_stage(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		      bool v2)
{
	attest_ctx *ctx = cv->ctx;
	const char *idkey = v2 ? "ApiId" : "restApiId";
	const char *arn = json_string_value(json_object_get(item, "ARN"));
	const char *api, *stage;
	char *from_arn = NULL;
	attest_rc rc = ATTEST_OK;

	if (!arn)
		arn = json_string_value(json_object_get(item, "arn"));
	api = json_string_value(json_object_get(conf, idkey));
	if (!api && (from_arn = arn_part(arn, v2 ? "/apis/" : "/restapis/"))) {
		api = from_arn;
		rc = awsconfig_put(ctx, conf, idkey, json_string(from_arn));
	}
	stage = json_string_value(json_object_get(conf, v2 ? "StageName" : "stageName"));
	if (rc == ATTEST_OK)
		rc = set_pair_id(cv, res, api, stage);
	free(from_arn);
	return rc;
}

/* Wraps a list under obj[key] as CloudFront's {Quantity, Items}. */
static attest_rc
cf_items(attest_ctx *ctx, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_array(v))
		return ATTEST_OK;
	return awsconfig_put(
		ctx, obj, key,
		json_pack("{sIsO}", "Quantity", (json_int_t)json_array_size(v), "Items", v));
}

/* CloudFront: Config's Java-SDK shape re-cases to the API's; the
 * CloudFormation shape has plain lists where the API has {Quantity, Items}
 * and no Logging.Enabled. */
attest_rc
awsconfig_cloudfront(attest_ctx *ctx, json_t *res, json_t *conf)
{
	static const char *const lists[] = {"Origins", "CacheBehaviors", "Aliases",
					    "CustomErrorResponses", "OriginGroups"};
	json_t *dc = json_object_get(conf, "DistributionConfig"), *o, *coc, *log;
	size_t i;
	attest_rc rc = ATTEST_OK;

	if ((rc = awsconfig_set_id(ctx, res, json_object_get(conf, "Id"))) != ATTEST_OK ||
	    !json_is_object(dc))
		return rc;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]) && rc == ATTEST_OK; i++)
		rc = cf_items(ctx, dc, lists[i]);
	json_array_foreach(json_object_get(json_object_get(dc, "Origins"), "Items"), i, o)
	{
		coc = json_object_get(o, "CustomOriginConfig");
		if (rc == ATTEST_OK && json_is_object(coc))
			rc = cf_items(ctx, coc, "OriginSslProtocols");
	}
	log = json_object_get(dc, "Logging");
	if (rc == ATTEST_OK && json_is_object(log) && !json_object_get(log, "Enabled")) {
		const char *b = json_string_value(json_object_get(log, "Bucket"));

		rc = awsconfig_put(ctx, log, "Enabled", json_boolean(b && *b));
	}
	return rc;
}

/* SQS and SNS: Config's flat attribute map goes under "Attributes", with the
 * values as the strings GetQueueAttributes / GetTopicAttributes return. */
attest_rc
awsconfig_wrap_attributes(attest_ctx *ctx, json_t *conf, const char *keep)
{
	json_t *attrs, *v, *s;
	const char *k;
	void *tmp;
	char num[64];

	if (json_object_get(conf, "Attributes"))
		return ATTEST_OK;
	if (!(attrs = json_object()))
		return core_nomem(ctx);
	json_object_foreach_safe(conf, tmp, k, v)
	{
		if (keep && !strcmp(k, keep))
			continue;
		if (json_is_null(v)) { /* absent in the API's answer */
			json_object_del(conf, k);
			continue;
		}
		if (json_is_boolean(v))
			s = json_string(json_is_true(v) ? "true" : "false");
		else if (json_is_integer(v) && snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
							json_integer_value(v)) > 0)
			s = json_string(num);
		else
			s = json_incref(v);
		if (!s || json_object_set_new(attrs, k, s) != 0) {
			json_decref(attrs);
			return core_nomem(ctx);
		}
		json_object_del(conf, k);
	}
	return awsconfig_put(ctx, conf, "Attributes", attrs);
}

/* OpenSearch: Config records VPCOptions without VPCId; the item's
 * relationship to its AWS::EC2::VPC gives it. */
attest_rc
awsconfig_opensearch_vpc(attest_ctx *ctx, const json_t *item, json_t *conf)
{
	json_t *vpc = json_object_get(conf, "VPCOptions");
	const json_t *rel;
	size_t i;

	if (!json_is_object(vpc) || json_object_get(vpc, "VPCId") ||
	    json_array_size(json_object_get(vpc, "SubnetIds")) == 0)
		return ATTEST_OK;
	json_array_foreach(json_object_get(item, "relationships"), i, rel)
	{
		const char *t = json_string_value(json_object_get(rel, "resourceType"));
		const json_t *id = json_object_get(rel, "resourceId");

		if (t && !strcmp(t, "AWS::EC2::VPC") && json_is_string(id))
			return awsconfig_put(ctx, vpc, "VPCId", json_deep_copy(id));
	}
	return ATTEST_OK;
}

/* EKS' CloudFormation shape Logging.ClusterLogging.EnabledTypes [{Type}]
 * (lower-cased by now) -> the API's logging.clusterLogging [{types, enabled}]. */
attest_rc
awsconfig_eks_logging(attest_ctx *ctx, json_t *conf)
{
	json_t *cl = json_object_get(json_object_get(conf, "logging"), "clusterLogging");
	json_t *types, *el;
	size_t i;

	if (!json_is_object(cl))
		return ATTEST_OK;
	if (!(types = json_array()))
		return core_nomem(ctx);
	json_array_foreach(json_object_get(cl, "enabledTypes"), i, el)
	{
		json_t *t = json_object_get(el, "type");

		if (json_is_string(t) && json_array_append(types, t) != 0) {
			json_decref(types);
			return core_nomem(ctx);
		}
	}
	return awsconfig_put(ctx, json_object_get(conf, "logging"), "clusterLogging",
			     json_pack("[{sosb}]", "types", types, "enabled", 1));
}

/* ECS task definition: id "<family>:<revision>" from the ARN's last part. */
attest_rc
awsconfig_ecs_task(attest_ctx *ctx, json_t *res, json_t *conf)
{
	const char *arn = json_string_value(json_object_get(conf, "taskDefinitionArn"));
	const char *p = arn ? strstr(arn, ":task-definition/") : NULL;
	const char *colon;
	char *end;
	long rev;
	attest_rc rc;

	if (!p)
		return ATTEST_OK;
	p += strlen(":task-definition/");
	if ((rc = awsconfig_put(ctx, res, "id", json_string(p))) != ATTEST_OK)
		return rc;
	colon = strrchr(p, ':');
	if (colon && !json_object_get(conf, "revision")) {
		rev = strtol(colon + 1, &end, 10);
		if (*end == '\0' && end != colon + 1 && rev > 0)
			return awsconfig_put(ctx, conf, "revision", json_integer(rev));
	}
	return ATTEST_OK;
}

/* Backup: the CloudFormation shapes of vaults (LockConfiguration,
 * AccessPolicy) and plans (BackupPlan.BackupPlanRule). */
attest_rc
awsconfig_backup(struct awsconfig_conv *cv, json_t *conf, json_t **supp, bool plan)
{
	attest_ctx *ctx = cv->ctx;
	json_t *lock, *bp, *rules, *r;
	size_t i;
	attest_rc rc = ATTEST_OK;

	if (plan) {
		bp = json_object_get(conf, "BackupPlan");
		rules = json_object_get(bp, "BackupPlanRule");
		if (!json_is_array(rules) || json_object_get(bp, "Rules"))
			return ATTEST_OK;
		json_array_foreach(rules, i, r) if (rc == ATTEST_OK) rc =
			awsconfig_alias(ctx, r, "TargetBackupVault", "TargetBackupVaultName");
		return rc == ATTEST_OK ? awsconfig_put(ctx, bp, "Rules", json_incref(rules)) : rc;
	}
	lock = json_object_get(conf, "LockConfiguration");
	if (json_is_object(lock) && !json_object_get(conf, "Locked")) {
		static const char *const days[] = {"MinRetentionDays", "MaxRetentionDays"};

		if ((rc = awsconfig_put(ctx, conf, "Locked", json_true())) != ATTEST_OK)
			return rc;
		for (i = 0; i < 2 && rc == ATTEST_OK; i++)
			if (json_object_get(lock, days[i]) && !json_object_get(conf, days[i]))
				rc = awsconfig_put(ctx, conf, days[i],
						   json_deep_copy(json_object_get(lock, days[i])));
		if (rc != ATTEST_OK)
			return rc;
	}
	if (json_object_get(conf, "AccessPolicy") &&
	    (rc = awsconfig_ensure_supp(ctx, supp)) == ATTEST_OK &&
	    !json_object_get(*supp, "AccessPolicy"))
		rc = awsconfig_move_policy(cv, conf, "AccessPolicy", "configuration", *supp,
					   "AccessPolicy");
	return rc;
}
