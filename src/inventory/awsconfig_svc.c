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
 * themselves are in awsconfig_edit.c, the reshaping of one service's shape
 * in awsconfig_reshape.c. What Config does not record stays absent, so the
 * checks that need it report an error rather than a verdict
 * (doc/awsconfig-import.md lists it).
 */
#include "config.h"

#include "awsconfig.h"

#include <stdlib.h>
#include <string.h>

/* ---- the table ------------------------------------------------------------ */

/* One type's fix of its configuration (after the names were decapitalized
 * where the row says so), run before its id is taken. */
typedef attest_rc (*conf_fix)(struct awsconfig_conv *cv, const json_t *item, json_t *res,
			      json_t *conf, json_t **supp);

static attest_rc
fix_sqs(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, json_t **supp)
{
	(void)item, (void)res, (void)supp;
	return awsconfig_wrap_attributes(cv->ctx, conf, "QueueUrl");
}

static attest_rc
fix_sns(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf, json_t **supp)
{
	attest_rc rc = awsconfig_set_id(cv->ctx, res, json_object_get(conf, "TopicArn"));

	(void)item, (void)supp;
	return rc == ATTEST_OK ? awsconfig_wrap_attributes(cv->ctx, conf, NULL) : rc;
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
	return rc == ATTEST_OK ? awsconfig_opensearch_vpc(cv->ctx, item, conf) : rc;
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
	return awsconfig_cloudfront(cv->ctx, res, conf);
}

static attest_rc
fix_apigw_stage(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		json_t **supp)
{
	(void)supp;
	return awsconfig_apigw_stage(cv, item, res, conf, false);
}

static attest_rc
fix_apigwv2_stage(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		  json_t **supp)
{
	(void)supp;
	return awsconfig_apigw_stage(cv, item, res, conf, true);
}

static attest_rc
fix_backup_plan(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		json_t **supp)
{
	(void)item, (void)res;
	return awsconfig_backup(cv, conf, supp, true);
}

static attest_rc
fix_backup_other(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
		 json_t **supp)
{
	(void)item, (void)res;
	return awsconfig_backup(cv, conf, supp, false);
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
	return awsconfig_ecs_task(cv->ctx, res, conf);
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
	return rc == ATTEST_OK ? awsconfig_eks_logging(cv->ctx, conf) : rc;
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
