/*
 * AWS Config import, per-service fixes for the types added after the first
 * checks (SQS, SNS, Secrets Manager, ECS, EKS, ECR, Backup, API Gateway,
 * CloudFront, OpenSearch, load balancers, WAFv2, Lambda, DynamoDB, Redshift,
 * RDS snapshots, ...). Config records some of them in CloudFormation's
 * PascalCase while the service's API (and so resource-types.md) is camelCase
 * (ECS, EKS, ECR): their keys get their first letter lower-cased. SQS and SNS
 * are recorded as a flat attribute map that the API returns under
 * "Attributes". Supplementary settings (load balancer attributes and
 * policies, snapshot attributes, logging status, continuous backups) are
 * re-cased to the API's names, resource policies recorded as text are parsed,
 * and the native id is set where Config's resourceId is another identifier.
 * service_fixes[] (at the end) says which type needs what; the edits
 * themselves are in awsconfig_edit.c. What Config does not record stays absent, so the checks that
 * need it report an error rather than a verdict (doc/awsconfig-import.md lists it).
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
static attest_rc
apigw_stage(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, bool v2)
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
static attest_rc
cloudfront(attest_ctx *ctx, json_t *res, json_t *conf)
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
static attest_rc
wrap_attributes(attest_ctx *ctx, json_t *conf, const char *keep)
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
static attest_rc
opensearch_vpc(attest_ctx *ctx, const json_t *item, json_t *conf)
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
static attest_rc
eks_logging(attest_ctx *ctx, json_t *conf)
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
static attest_rc
ecs_task(attest_ctx *ctx, json_t *res, json_t *conf)
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
static attest_rc
backup(struct awsconfig_conv *cv, json_t *conf, json_t **supp, bool plan)
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

/* ---- the table ------------------------------------------------------------ */

/* One type's fix of its configuration (after the names were decapitalized
 * where the row says so), run before its id is taken. */
typedef attest_rc (*conf_fix)(struct awsconfig_conv *cv, const json_t *item, json_t *res,
			      json_t *conf, json_t **supp);

static attest_rc
fix_sqs(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, json_t **supp)
{
	(void)item, (void)res, (void)supp;
	return wrap_attributes(cv->ctx, conf, "QueueUrl");
}

static attest_rc
fix_sns(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, json_t **supp)
{
	attest_rc rc = awsconfig_set_id(cv->ctx, res, json_object_get(conf, "TopicArn"));

	(void)item, (void)supp;
	return rc == ATTEST_OK ? wrap_attributes(cv->ctx, conf, NULL) : rc;
}

static attest_rc
fix_secret(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, json_t **supp)
{
	(void)item, (void)res, (void)supp;
	return awsconfig_rename_key(cv->ctx, conf, "KMSKeyId", "KmsKeyId");
}

static attest_rc
fix_opensearch(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
	       json_t **supp)
{
	attest_rc rc = awsconfig_alias(cv->ctx, conf, "Arn", "ARN");

	(void)res, (void)supp;
	return rc == ATTEST_OK ? opensearch_vpc(cv->ctx, item, conf) : rc;
}

static attest_rc
fix_efs_access_point(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		     json_t **supp)
{
	(void)item, (void)res, (void)supp;
	return awsconfig_alias(cv->ctx, conf, "Arn", "AccessPointArn");
}

static attest_rc
fix_cloudfront(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
	       json_t **supp)
{
	(void)item, (void)supp;
	return cloudfront(cv->ctx, res, conf);
}

static attest_rc
fix_apigw_stage(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		json_t **supp)
{
	(void)supp;
	return apigw_stage(cv, item, res, conf, false);
}

static attest_rc
fix_apigwv2_stage(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		  json_t **supp)
{
	(void)supp;
	return apigw_stage(cv, item, res, conf, true);
}

static attest_rc
fix_backup_plan(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		json_t **supp)
{
	(void)item, (void)res;
	return backup(cv, conf, supp, true);
}

static attest_rc
fix_backup_other(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		 json_t **supp)
{
	(void)item, (void)res;
	return backup(cv, conf, supp, false);
}

static attest_rc
fix_vpc_endpoint(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		 json_t **supp)
{
	(void)item, (void)res, (void)supp;
	if (!json_is_string(json_object_get(conf, "PolicyDocument")))
		return ATTEST_OK;
	return awsconfig_move_policy(cv, conf, "PolicyDocument", "configuration", conf,
				     "PolicyDocument");
}

/* WAF's DefaultAction is itself a JSON document in a string. */
static attest_rc
fix_waf(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, json_t **supp)
{
	json_t *s = json_object_get(conf, "DefaultAction"), *parsed, *norm;
	size_t mark;
	attest_rc rc = ATTEST_OK;

	(void)item, (void)supp;
	if (json_is_string(s) &&
	    (rc = awsconfig_path_key(cv, "configuration.DefaultAction", &mark)) == ATTEST_OK) {
		rc = awsconfig_parse(cv, json_string_value(s), json_string_length(s), &parsed);
		if (rc == ATTEST_OK) {
			rc = awsconfig_norm(cv, parsed, NULL, NULL, &norm);
			json_decref(parsed);
			if (rc == ATTEST_OK)
				rc = awsconfig_put(cv->ctx, conf, "DefaultAction", norm);
		}
		awsconfig_path_pop(cv, mark);
	}
	return rc == ATTEST_OK ? awsconfig_set_id(cv->ctx, res, json_object_get(res, "arn")) : rc;
}

/* The types Config records in PascalCase while the API is camelCase: their
 * rows decapitalize the configuration first (an item already in camelCase
 * is left as it is). */
static attest_rc
fix_ecs_task(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
	     json_t **supp)
{
	(void)cv, (void)item, (void)supp;
	return ecs_task(cv->ctx, res, conf);
}

static attest_rc
fix_ecs_cluster(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		json_t **supp)
{
	attest_rc rc = awsconfig_rename_key(cv->ctx, conf, "arn", "clusterArn");

	(void)item, (void)res, (void)supp;
	if (rc == ATTEST_OK && json_object_get(conf, "clusterSettings"))
		rc = awsconfig_rename_key(cv->ctx, conf, "clusterSettings", "settings");
	return rc;
}

static attest_rc
fix_eks(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, json_t **supp)
{
	attest_rc rc = awsconfig_alias(cv->ctx, conf, "clusterStatus", "status");

	(void)item, (void)res, (void)supp;
	return rc == ATTEST_OK ? eks_logging(cv->ctx, conf) : rc;
}

static attest_rc
fix_ecr(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, json_t **supp)
{
	attest_rc rc = awsconfig_rename_key(cv->ctx, conf, "arn", "repositoryArn");

	(void)item, (void)res;
	if (rc != ATTEST_OK || !json_object_get(conf, "repositoryPolicyText"))
		return rc;
	if ((rc = awsconfig_ensure_supp(cv->ctx, supp)) == ATTEST_OK &&
	    !json_object_get(*supp, "RepositoryPolicy"))
		rc = awsconfig_move_policy(cv, conf, "repositoryPolicyText", "configuration", *supp,
					   "RepositoryPolicy");
	return rc;
}

/* A supplementary configuration key recased to the API's name. */
struct supp_key {
	const char *from, *to;
};

/* What converting one resource type needs beyond the generic conversion. */
struct service_fix {
	const char *type;        /* exact, or a prefix when it ends with '*' */
	bool decap;              /* configuration recorded in PascalCase, API camelCase */
	conf_fix fix;            /* the type's own fix of its configuration, or NULL */
	const char *id_key;      /* the configuration key holding the native id, or NULL */
	struct supp_key supp[2]; /* supplementary keys recased, in order */
	bool supp_policy;        /* supplementary "Policy" is a policy document in a string */
};

static const struct service_fix service_fixes[] = {
	{"AWS::SNS::Topic", false, fix_sns, "TopicArn", {{0}}, false},
	{"AWS::SQS::Queue", false, fix_sqs, "QueueUrl", {{0}}, false},
	{"AWS::SecretsManager::Secret", false, fix_secret, "ARN", {{0}}, false},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer",
	 false,
	 NULL,
	 "LoadBalancerArn",
	 {{"LoadBalancerAttributes", "LoadBalancerAttributes"}},
	 false},
	{"AWS::ElasticLoadBalancingV2::Listener", false, NULL, "ListenerArn", {{0}}, false},
	{"AWS::ElasticLoadBalancing::LoadBalancer",
	 false,
	 NULL,
	 "LoadBalancerName",
	 {{"LoadBalancerAttributes", "LoadBalancerAttributes"},
	  {"LoadBalancerPolicies", "PolicyDescriptions"}},
	 false},
	{"AWS::ACM::Certificate", false, NULL, "CertificateArn", {{0}}, false},
	{"AWS::WAFv2::WebACL",
	 false,
	 fix_waf,
	 "ARN",
	 {{"LoggingConfiguration", "LoggingConfiguration"}},
	 false},
	{"AWS::RDS::DBCluster", false, NULL, "DBClusterIdentifier", {{0}}, false},
	{"AWS::RDS::DBSnapshot",
	 false,
	 NULL,
	 "DBSnapshotIdentifier",
	 {{"DBSnapshotAttributes", "DBSnapshotAttributes"}},
	 false},
	{"AWS::RDS::DBClusterSnapshot",
	 false,
	 NULL,
	 "DBClusterSnapshotIdentifier",
	 {{"DBClusterSnapshotAttributes", "DBClusterSnapshotAttributes"}},
	 false},
	{"AWS::OpenSearch::Domain", false, fix_opensearch, "DomainName", {{0}}, false},
	{"AWS::ElastiCache::ReplicationGroup", false, NULL, "ReplicationGroupId", {{0}}, false},
	{"AWS::ElastiCache::CacheCluster", false, NULL, "CacheClusterId", {{0}}, false},
	{"AWS::Redshift::Cluster",
	 false,
	 NULL,
	 "ClusterIdentifier",
	 {{"LoggingStatus", "LoggingStatus"}},
	 false},
	{"AWS::ECR::Repository", true, fix_ecr, "repositoryName", {{0}}, false},
	{"AWS::ECS::Cluster", true, fix_ecs_cluster, "clusterName", {{0}}, false},
	{"AWS::ECS::TaskDefinition", true, fix_ecs_task, NULL, {{0}}, false},
	{"AWS::EKS::Cluster", true, fix_eks, "name", {{0}}, false},
	{"AWS::Backup::BackupVault", false, fix_backup_other, "BackupVaultName", {{0}}, false},
	{"AWS::Backup::BackupPlan", false, fix_backup_plan, "BackupPlanId", {{0}}, false},
	{"AWS::Backup::Backup*", false, fix_backup_other, NULL, {{0}}, false},
	{"AWS::EFS::AccessPoint", false, fix_efs_access_point, "AccessPointId", {{0}}, false},
	{"AWS::ApiGateway::RestApi", false, NULL, "id", {{0}}, false},
	{"AWS::ApiGateway::DomainName", false, NULL, "domainName", {{0}}, false},
	{"AWS::ApiGateway::Stage", false, fix_apigw_stage, NULL, {{0}}, false},
	{"AWS::ApiGatewayV2::Api", false, NULL, "ApiId", {{0}}, false},
	{"AWS::ApiGatewayV2::Stage", false, fix_apigwv2_stage, NULL, {{0}}, false},
	{"AWS::CloudFront::Distribution", false, fix_cloudfront, NULL, {{0}}, false},
	{"AWS::Lambda::Function", false, NULL, "FunctionName", {{0}}, true},
	{"AWS::DynamoDB::Table",
	 false,
	 NULL,
	 "TableName",
	 {{"ContinuousBackupsDescription", "ContinuousBackupsDescription"}},
	 false},
	{"AWS::SageMaker::NotebookInstance", false, NULL, "NotebookInstanceName", {{0}}, false},
	{"AWS::SageMaker::EndpointConfig", false, NULL, "EndpointConfigName", {{0}}, false},
	{"AWS::SageMaker::Model", false, NULL, "ModelName", {{0}}, false},
	{"AWS::EC2::VPCEndpoint", false, fix_vpc_endpoint, "VpcEndpointId", {{0}}, false},
	{"AWS::EC2::Subnet", false, NULL, "SubnetId", {{0}}, false},
	{"AWS::EC2::TransitGateway", false, NULL, "TransitGatewayId", {{0}}, false},
};

/* The row for type: an exact match, else the first prefix row. */
static const struct service_fix *
service_fix_for(const char *type)
{
	const struct service_fix *prefix = NULL;
	size_t i, n;

	for (i = 0; i < sizeof(service_fixes) / sizeof(service_fixes[0]); i++) {
		const struct service_fix *f = &service_fixes[i];

		n = strlen(f->type);
		if (f->type[n - 1] != '*' && strcmp(type, f->type) == 0)
			return f;
		if (!prefix && f->type[n - 1] == '*' && strncmp(type, f->type, n - 1) == 0)
			prefix = f;
	}
	return prefix;
}

attest_rc
awsconfig_fix_service(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		      json_t **supp)
{
	const struct service_fix *f = service_fix_for(cv->type);
	attest_rc rc = ATTEST_OK;
	size_t i;

	if (!f)
		return ATTEST_OK;
	if (json_is_object(conf)) {
		if (f->decap && (rc = awsconfig_decap_conf(cv, conf)) != ATTEST_OK)
			return rc;
		if (f->fix && (rc = f->fix(cv, item, res, conf, supp)) != ATTEST_OK)
			return rc;
		if (f->id_key &&
		    (rc = awsconfig_set_id(cv->ctx, res, json_object_get(conf, f->id_key))) !=
			    ATTEST_OK)
			return rc;
	}
	if (!*supp)
		return ATTEST_OK;
	for (i = 0; i < 2 && f->supp[i].from; i++)
		if ((rc = awsconfig_recase_supp(cv, *supp, f->supp[i].from, f->supp[i].to)) !=
		    ATTEST_OK)
			return rc;
	if (f->supp_policy && json_is_string(json_object_get(*supp, "Policy")))
		rc = awsconfig_move_policy(cv, *supp, "Policy", "supplementaryConfiguration", *supp,
					   "Policy");
	return rc;
}
