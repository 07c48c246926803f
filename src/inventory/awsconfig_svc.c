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
 * What Config does not record stays absent, so the checks that need it
 * report an error rather than a verdict (doc/awsconfig-import.md lists it).
 */
#include "config.h"

#include "awsconfig.h"

#include <stdlib.h>
#include <string.h>

#define SVC_MAX_DEPTH 256

static attest_rc
put(attest_ctx *ctx, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		return attest_nomem(ctx);
	return ATTEST_OK;
}

/* obj[to] = copy of obj[from], when from is present and to is not. */
static attest_rc
alias(attest_ctx *ctx, json_t *obj, const char *from, const char *to)
{
	json_t *v;

	if (!json_is_object(obj) || json_object_get(obj, to) || !(v = json_object_get(obj, from)))
		return ATTEST_OK;
	return put(ctx, obj, to, json_deep_copy(v));
}

/* Like alias() but removes from. */
static attest_rc
rename_key(attest_ctx *ctx, json_t *obj, const char *from, const char *to)
{
	attest_rc rc = alias(ctx, obj, from, to);

	if (rc == ATTEST_OK && json_is_object(obj) && strcmp(from, to) != 0)
		json_object_del(obj, from);
	return rc;
}

static attest_rc
ensure_supp(attest_ctx *ctx, json_t **supp)
{
	if (!*supp && !(*supp = json_object()))
		return attest_nomem(ctx);
	return ATTEST_OK;
}

/* Maps copied verbatim when lower-casing: their keys are the user's (tags,
 * Docker labels, log driver options) or a policy document's. */
static bool
verbatim_key(const char *k)
{
	static const char *const names[] = {
	    "Tags",
	    "tags",
	    "DockerLabels",
	    "Options",
	    "RepositoryPolicyText",
	    "LifecyclePolicyText",
	    "AccessPolicy",
	    "AccessPolicies",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(k, names[i]))
			return true;
	return false;
}

/* A copy of in with the first letter of every key lower-cased (at every
 * depth). A key already in lower case wins over one re-cased onto it. */
static attest_rc
decap(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	const char *k;
	const json_t *v;
	json_t *o, *nv;
	size_t i;
	attest_rc rc = ATTEST_OK;

	*out = NULL;
	if (cv->depth >= SVC_MAX_DEPTH)
		return awsconfig_fail(cv, "is nested too deeply");
	if (json_is_array(in)) {
		if (!(o = json_array()))
			return attest_nomem(cv->ctx);
		cv->depth++;
		json_array_foreach(in, i, v)
		{
			if ((rc = decap(cv, v, &nv)) != ATTEST_OK)
				break;
			if (json_array_append_new(o, nv) != 0) {
				rc = attest_nomem(cv->ctx);
				break;
			}
		}
		cv->depth--;
	} else if (json_is_object(in)) {
		if (!(o = json_object()))
			return attest_nomem(cv->ctx);
		cv->depth++;
		json_object_foreach((json_t *)in, k, v)
		{
			char *lk = attest_strdup(k);

			if (!lk) {
				rc = attest_nomem(cv->ctx);
				break;
			}
			if (lk[0] >= 'A' && lk[0] <= 'Z')
				lk[0] = (char)(lk[0] - 'A' + 'a');
			if (verbatim_key(k))
				rc = (nv = json_deep_copy(v)) ? ATTEST_OK : attest_nomem(cv->ctx);
			else
				rc = decap(cv, v, &nv);
			if (rc == ATTEST_OK) {
				if (strcmp(lk, k) != 0 && json_object_get(in, lk))
					json_decref(nv); /* the lower-case spelling is kept */
				else if (json_object_set_new(o, lk, nv) != 0)
					rc = attest_nomem(cv->ctx);
			}
			free(lk);
			if (rc != ATTEST_OK)
				break;
		}
		cv->depth--;
	} else {
		*out = json_deep_copy(in);
		return *out ? ATTEST_OK : attest_nomem(cv->ctx);
	}
	if (rc != ATTEST_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return ATTEST_OK;
}

/* Replaces the contents of the object conf by its lower-cased copy. */
static attest_rc
decap_conf(struct awsconfig_conv *cv, json_t *conf)
{
	json_t *lc;
	size_t mark;
	attest_rc rc;

	if ((rc = awsconfig_path_key(cv, "configuration", &mark)) != ATTEST_OK)
		return rc;
	rc = decap(cv, conf, &lc);
	awsconfig_path_pop(cv, mark);
	if (rc != ATTEST_OK)
		return rc;
	json_object_clear(conf);
	rc = json_object_update(conf, lc) == 0 ? ATTEST_OK : attest_nomem(cv->ctx);
	json_decref(lc);
	return rc;
}

/* supp[name] re-cased to the API's names (first letters upper-cased), under
 * the name to. */
static attest_rc
recase_supp(struct awsconfig_conv *cv, json_t *supp, const char *name, const char *to)
{
	json_t *v = json_object_get(supp, name), *nv;
	bool cap = cv->capitalize;
	size_t mark;
	attest_rc rc;

	if (!v || (strcmp(name, to) != 0 && json_object_get(supp, to)))
		return ATTEST_OK;
	if ((rc = awsconfig_path_key(cv, "supplementaryConfiguration", &mark)) != ATTEST_OK)
		return rc;
	if ((rc = awsconfig_path_key(cv, name, &(size_t){0})) == ATTEST_OK) {
		cv->capitalize = true;
		rc = awsconfig_norm(cv, v, NULL, NULL, &nv);
		cv->capitalize = cap;
	}
	awsconfig_path_pop(cv, mark);
	if (rc != ATTEST_OK)
		return rc;
	if (strcmp(name, to) != 0)
		json_object_del(supp, name);
	return put(cv->ctx, supp, to, nv);
}

/* A policy document under obj[key] (text, URL-encoded text, object or null)
 * moved to dst[to] as an object or null. where names obj in messages. */
static attest_rc
move_policy(struct awsconfig_conv *cv, json_t *obj, const char *key, const char *where, json_t *dst,
            const char *to)
{
	json_t *v = json_object_get(obj, key), *doc;
	size_t mark;
	attest_rc rc;

	if (!v || !dst)
		return ATTEST_OK;
	if ((rc = awsconfig_path_key(cv, where, &mark)) != ATTEST_OK)
		return rc;
	if ((rc = awsconfig_path_key(cv, key, &(size_t){0})) == ATTEST_OK)
		rc = awsconfig_policy_doc(cv, v, &doc);
	awsconfig_path_pop(cv, mark);
	if (rc != ATTEST_OK)
		return rc;
	if (obj != dst || strcmp(key, to) != 0)
		json_object_del(obj, key);
	return put(cv->ctx, dst, to, doc);
}

static attest_rc
set_id(attest_ctx *ctx, json_t *res, const json_t *v)
{
	if (!json_is_string(v) || json_string_length(v) == 0)
		return ATTEST_OK;
	return put(ctx, res, "id", json_deep_copy(v));
}

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
	struct attest_buf buf;
	attest_rc rc;

	if (!a || !b || !*a || !*b)
		return ATTEST_OK;
	attest_buf_init(&buf, 4096);
	if ((rc = attest_buf_add(&buf, a, strlen(a))) == ATTEST_OK &&
	    (rc = attest_buf_addc(&buf, '/')) == ATTEST_OK)
		rc = attest_buf_add(&buf, b, strlen(b));
	if (rc == ATTEST_OK)
		rc = put(cv->ctx, res, "id", json_string(buf.data));
	else if (rc == ATTEST_ERR_NOMEM)
		rc = attest_nomem(cv->ctx);
	else
		rc = attest_error(
		    cv->ctx, ATTEST_ERR_INVALID,
		    "configuration item '%s' '%s': the stage's API id and name are too long",
		    cv->type, cv->id);
	attest_buf_release(&buf);
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
		rc = put(ctx, conf, idkey, json_string(from_arn));
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
	return put(ctx, obj, key,
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

	if ((rc = set_id(ctx, res, json_object_get(conf, "Id"))) != ATTEST_OK ||
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

		rc = put(ctx, log, "Enabled", json_boolean(b && *b));
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
		return attest_nomem(ctx);
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
			return attest_nomem(ctx);
		}
		json_object_del(conf, k);
	}
	return put(ctx, conf, "Attributes", attrs);
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
			return put(ctx, vpc, "VPCId", json_deep_copy(id));
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
		return attest_nomem(ctx);
	json_array_foreach(json_object_get(cl, "enabledTypes"), i, el)
	{
		json_t *t = json_object_get(el, "type");

		if (json_is_string(t) && json_array_append(types, t) != 0) {
			json_decref(types);
			return attest_nomem(ctx);
		}
	}
	return put(ctx, json_object_get(conf, "logging"), "clusterLogging",
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
	if ((rc = put(ctx, res, "id", json_string(p))) != ATTEST_OK)
		return rc;
	colon = strrchr(p, ':');
	if (colon && !json_object_get(conf, "revision")) {
		rev = strtol(colon + 1, &end, 10);
		if (*end == '\0' && end != colon + 1 && rev > 0)
			return put(ctx, conf, "revision", json_integer(rev));
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
		    alias(ctx, r, "TargetBackupVault", "TargetBackupVaultName");
		return rc == ATTEST_OK ? put(ctx, bp, "Rules", json_incref(rules)) : rc;
	}
	lock = json_object_get(conf, "LockConfiguration");
	if (json_is_object(lock) && !json_object_get(conf, "Locked")) {
		static const char *const days[] = {"MinRetentionDays", "MaxRetentionDays"};

		if ((rc = put(ctx, conf, "Locked", json_true())) != ATTEST_OK)
			return rc;
		for (i = 0; i < 2 && rc == ATTEST_OK; i++)
			if (json_object_get(lock, days[i]) && !json_object_get(conf, days[i]))
				rc = put(ctx, conf, days[i],
				         json_deep_copy(json_object_get(lock, days[i])));
		if (rc != ATTEST_OK)
			return rc;
	}
	if (json_object_get(conf, "AccessPolicy") && (rc = ensure_supp(ctx, supp)) == ATTEST_OK &&
	    !json_object_get(*supp, "AccessPolicy"))
		rc = move_policy(cv, conf, "AccessPolicy", "configuration", *supp, "AccessPolicy");
	return rc;
}

/* The configuration key whose value is the native id, per type. */
static const char *const id_keys[][2] = {
    {"AWS::SNS::Topic", "TopicArn"},
    {"AWS::SQS::Queue", "QueueUrl"},
    {"AWS::SecretsManager::Secret", "ARN"},
    {"AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerArn"},
    {"AWS::ElasticLoadBalancingV2::Listener", "ListenerArn"},
    {"AWS::ElasticLoadBalancing::LoadBalancer", "LoadBalancerName"},
    {"AWS::ACM::Certificate", "CertificateArn"},
    {"AWS::WAFv2::WebACL", "ARN"},
    {"AWS::RDS::DBCluster", "DBClusterIdentifier"},
    {"AWS::RDS::DBSnapshot", "DBSnapshotIdentifier"},
    {"AWS::RDS::DBClusterSnapshot", "DBClusterSnapshotIdentifier"},
    {"AWS::OpenSearch::Domain", "DomainName"},
    {"AWS::ElastiCache::ReplicationGroup", "ReplicationGroupId"},
    {"AWS::ElastiCache::CacheCluster", "CacheClusterId"},
    {"AWS::Redshift::Cluster", "ClusterIdentifier"},
    {"AWS::ECR::Repository", "repositoryName"},
    {"AWS::ECS::Cluster", "clusterName"},
    {"AWS::EKS::Cluster", "name"},
    {"AWS::Backup::BackupVault", "BackupVaultName"},
    {"AWS::Backup::BackupPlan", "BackupPlanId"},
    {"AWS::EFS::AccessPoint", "AccessPointId"},
    {"AWS::ApiGateway::RestApi", "id"},
    {"AWS::ApiGateway::DomainName", "domainName"},
    {"AWS::ApiGatewayV2::Api", "ApiId"},
    {"AWS::Lambda::Function", "FunctionName"},
    {"AWS::DynamoDB::Table", "TableName"},
    {"AWS::SageMaker::NotebookInstance", "NotebookInstanceName"},
    {"AWS::SageMaker::EndpointConfig", "EndpointConfigName"},
    {"AWS::SageMaker::Model", "ModelName"},
    {"AWS::EC2::VPCEndpoint", "VpcEndpointId"},
    {"AWS::EC2::Subnet", "SubnetId"},
    {"AWS::EC2::TransitGateway", "TransitGatewayId"},
};

/* Types whose configuration Config records in PascalCase while the API is
 * camelCase. */
static bool
lowercased_type(const char *t)
{
	return !strcmp(t, "AWS::ECS::TaskDefinition") || !strcmp(t, "AWS::ECS::Cluster") ||
	       !strcmp(t, "AWS::EKS::Cluster") || !strcmp(t, "AWS::ECR::Repository");
}

/* Moves the keys to the API's names for the lower-cased types. */
static attest_rc
camel_services(struct awsconfig_conv *cv, json_t *res, json_t *conf, json_t **supp)
{
	attest_ctx *ctx = cv->ctx;
	const char *t = cv->type;
	attest_rc rc = ATTEST_OK;

	/* An item already in the API's camelCase is left as it is by decap(). */
	if (!lowercased_type(t))
		return ATTEST_OK;
	if ((rc = decap_conf(cv, conf)) != ATTEST_OK)
		return rc;
	if (!strcmp(t, "AWS::ECS::TaskDefinition"))
		return ecs_task(ctx, res, conf);
	if (!strcmp(t, "AWS::ECS::Cluster")) {
		json_t *set = json_object_get(conf, "clusterSettings");

		if ((rc = rename_key(ctx, conf, "arn", "clusterArn")) == ATTEST_OK && set)
			rc = rename_key(ctx, conf, "clusterSettings", "settings");
		return rc;
	}
	if (!strcmp(t, "AWS::EKS::Cluster")) {
		if ((rc = alias(ctx, conf, "clusterStatus", "status")) == ATTEST_OK)
			rc = eks_logging(ctx, conf);
		return rc;
	}
	/* ECR */
	if ((rc = rename_key(ctx, conf, "arn", "repositoryArn")) != ATTEST_OK)
		return rc;
	if (json_object_get(conf, "repositoryPolicyText") &&
	    (rc = ensure_supp(ctx, supp)) == ATTEST_OK &&
	    !json_object_get(*supp, "RepositoryPolicy"))
		rc = move_policy(cv, conf, "repositoryPolicyText", "configuration", *supp,
		                 "RepositoryPolicy");
	return rc;
}

attest_rc
awsconfig_fix_service(struct awsconfig_conv *cv, const json_t *item, json_t *res, json_t *conf,
                      json_t **supp)
{
	attest_ctx *ctx = cv->ctx;
	const char *t = cv->type;
	json_t *s;
	size_t i;
	attest_rc rc = ATTEST_OK;

	if (json_is_object(conf)) {
		if ((rc = camel_services(cv, res, conf, supp)) != ATTEST_OK)
			return rc;
		if (!strcmp(t, "AWS::SQS::Queue"))
			rc = wrap_attributes(ctx, conf, "QueueUrl");
		else if (!strcmp(t, "AWS::SNS::Topic") &&
		         (rc = set_id(ctx, res, json_object_get(conf, "TopicArn"))) == ATTEST_OK)
			rc = wrap_attributes(ctx, conf, NULL);
		if (rc == ATTEST_OK && !strcmp(t, "AWS::SecretsManager::Secret"))
			rc = rename_key(ctx, conf, "KMSKeyId", "KmsKeyId");
		if (rc == ATTEST_OK && !strcmp(t, "AWS::OpenSearch::Domain") &&
		    (rc = alias(ctx, conf, "Arn", "ARN")) == ATTEST_OK)
			rc = opensearch_vpc(ctx, item, conf);
		if (rc == ATTEST_OK && !strcmp(t, "AWS::EFS::AccessPoint"))
			rc = alias(ctx, conf, "Arn", "AccessPointArn");
		if (rc == ATTEST_OK && !strcmp(t, "AWS::CloudFront::Distribution"))
			rc = cloudfront(ctx, res, conf);
		if (rc == ATTEST_OK && !strcmp(t, "AWS::ApiGateway::Stage"))
			rc = apigw_stage(cv, item, res, conf, false);
		if (rc == ATTEST_OK && !strcmp(t, "AWS::ApiGatewayV2::Stage"))
			rc = apigw_stage(cv, item, res, conf, true);
		if (rc == ATTEST_OK && !strncmp(t, "AWS::Backup::Backup", 19))
			rc = backup(cv, conf, supp, !strcmp(t, "AWS::Backup::BackupPlan"));
		if (rc == ATTEST_OK && !strcmp(t, "AWS::EC2::VPCEndpoint") &&
		    json_is_string(json_object_get(conf, "PolicyDocument")))
			rc = move_policy(cv, conf, "PolicyDocument", "configuration", conf,
			                 "PolicyDocument");
		if (rc == ATTEST_OK && !strcmp(t, "AWS::WAFv2::WebACL") &&
		    json_is_string(s = json_object_get(conf, "DefaultAction"))) {
			json_t *parsed, *norm;
			size_t mark;

			if ((rc = awsconfig_path_key(cv, "configuration.DefaultAction", &mark)) ==
			    ATTEST_OK) {
				rc = awsconfig_parse(cv, json_string_value(s),
				                     json_string_length(s), &parsed);
				if (rc == ATTEST_OK) {
					rc = awsconfig_norm(cv, parsed, NULL, NULL, &norm);
					json_decref(parsed);
					if (rc == ATTEST_OK)
						rc = put(ctx, conf, "DefaultAction", norm);
				}
				awsconfig_path_pop(cv, mark);
			}
		}
		if (rc == ATTEST_OK && !strcmp(t, "AWS::WAFv2::WebACL"))
			rc = set_id(ctx, res, json_object_get(res, "arn"));
		for (i = 0; rc == ATTEST_OK && i < sizeof(id_keys) / sizeof(id_keys[0]); i++)
			if (!strcmp(t, id_keys[i][0]))
				rc = set_id(ctx, res, json_object_get(conf, id_keys[i][1]));
		if (rc != ATTEST_OK)
			return rc;
	}
	if (!*supp)
		return ATTEST_OK;
	if (!strcmp(t, "AWS::DynamoDB::Table"))
		return recase_supp(cv, *supp, "ContinuousBackupsDescription",
		                   "ContinuousBackupsDescription");
	if (!strcmp(t, "AWS::ElasticLoadBalancingV2::LoadBalancer"))
		return recase_supp(cv, *supp, "LoadBalancerAttributes", "LoadBalancerAttributes");
	if (!strcmp(t, "AWS::ElasticLoadBalancing::LoadBalancer")) {
		if ((rc = recase_supp(cv, *supp, "LoadBalancerAttributes",
		                      "LoadBalancerAttributes")) != ATTEST_OK)
			return rc;
		return recase_supp(cv, *supp, "LoadBalancerPolicies", "PolicyDescriptions");
	}
	if (!strcmp(t, "AWS::Redshift::Cluster"))
		return recase_supp(cv, *supp, "LoggingStatus", "LoggingStatus");
	if (!strcmp(t, "AWS::RDS::DBSnapshot"))
		return recase_supp(cv, *supp, "DBSnapshotAttributes", "DBSnapshotAttributes");
	if (!strcmp(t, "AWS::RDS::DBClusterSnapshot"))
		return recase_supp(cv, *supp, "DBClusterSnapshotAttributes",
		                   "DBClusterSnapshotAttributes");
	if (!strcmp(t, "AWS::WAFv2::WebACL"))
		return recase_supp(cv, *supp, "LoggingConfiguration", "LoggingConfiguration");
	if (!strcmp(t, "AWS::Lambda::Function") && json_is_string(json_object_get(*supp, "Policy")))
		return move_policy(cv, *supp, "Policy", "supplementaryConfiguration", *supp,
		                   "Policy");
	return ATTEST_OK;
}
