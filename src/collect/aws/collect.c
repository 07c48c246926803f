/*
 * attest_collect_aws(): the live AWS collector. It resolves the credentials
 * and region as the AWS CLI does, checks that they authenticate (STS
 * GetCallerIdentity, the only call whose failure is fatal), finds the
 * enabled regions (EC2 DescribeRegions, unless the caller named them),
 * starts every service's collection - global ones once, regional ones in
 * each region - and lets the HTTP engine run them concurrently. Resources
 * stream to a temporary file as they complete; at the end the native NDJSON
 * inventory is written: the header (with collected_types and the
 * collection_log) first, then the resources of every type that was
 * collected completely. A type that failed anywhere is withheld whole: the
 * loader counts any type present as collected, and a partial type would let
 * its checks pass on data that is not all there.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const aws_type_names[T_COUNT] = {
#define AWS_TYPE_NAME(e, name) [e] = name,
	AWS_TYPES(AWS_TYPE_NAME)
#undef AWS_TYPE_NAME
};

/* Error codes that mean the credentials themselves were refused. */
static const char *const auth_codes[] = {"InvalidClientTokenId",
					 "SignatureDoesNotMatch",
					 "UnrecognizedClientException",
					 "InvalidAccessKeyId",
					 "ExpiredToken",
					 "ExpiredTokenException",
					 "AuthFailure",
					 "InvalidToken",
					 "MissingAuthenticationToken",
					 "IncompleteSignature",
					 NULL};

void
aws_emit(struct aws_collector *c, enum aws_type type, const char *id, const char *arn,
	 const char *name, const char *region, json_t *tags, json_t *configuration,
	 json_t *supplementary)
{
	json_t *r = json_object();

	if (!r || json_object_set_new(r, "type", json_string(aws_type_names[type])) ||
	    json_object_set_new(r, "id", json_string(id ? id : "")) ||
	    (arn && json_object_set_new(r, "arn", json_string(arn))) ||
	    (name && json_object_set_new(r, "name", json_string(name))) ||
	    json_object_set_new(r, "region", json_string(region && *region ? region : "global")) ||
	    json_object_set_new(r, "account", json_string(c->account ? c->account : "")) ||
	    (tags && json_object_set(r, "tags", tags)) ||
	    json_object_set(r, "configuration", configuration ? configuration : json_null()) ||
	    (supplementary && json_object_set(r, "supplementaryConfiguration", supplementary))) {
		aws_fatal(c, core_nomem(c->ctx));
		goto out;
	}
	if (json_dumpf(r, c->body, JSON_COMPACT | JSON_ENSURE_ASCII) != 0 ||
	    fputc('\n', c->body) == EOF) {
		aws_fatal(c, core_error(c->ctx, ATTEST_ERR_IO,
					"cannot write collected resources to a temporary file: %s",
					strerror(errno)));
		goto out;
	}
	c->resources++;
out:
	json_decref(r);
	json_decref(tags);
	json_decref(configuration);
	json_decref(supplementary);
}

/* ---- signing ---- */

attest_rc
aws_collector_sign(void *data, const struct aws_call *call, struct curl_slist **out)
{
	struct aws_collector *c = data;
	struct aws_signing how = {0};
	struct aws_header *add = NULL, *h;
	struct curl_slist *l = NULL, *n;
	struct core_buf line;
	attest_rc rc;

	if (c->renew_with)
		aws_renew_role(c);
	how.region = call->region;
	how.service = call->service;
	how.when = time(NULL);
	how.s3 = call->s3;
	rc = aws_sigv4_sign(c->ctx,
			    &(struct aws_request){call->method, call->url, call->headers,
						  call->n_headers, call->body, call->body_len},
			    &c->cred, &how, &add);
	if (rc != ATTEST_OK)
		return rc;
	core_buf_init(&line, 1 << 16);
	for (h = add; h && h->name; h++) {
		core_buf_reset(&line);
		if (core_buf_printf(&line, "%s: %s", h->name, h->value) != ATTEST_OK ||
		    !(n = curl_slist_append(l, line.data))) {
			rc = core_nomem(c->ctx);
			break;
		}
		l = n;
	}
	/* The line held a signature or token: wipe before freeing. */
	if (line.data)
		memset(line.data, 0, line.cap);
	core_buf_release(&line);
	aws_headers_free(add);
	if (rc != ATTEST_OK) {
		curl_slist_free_all(l);
		return rc;
	}
	*out = l;
	return ATTEST_OK;
}

/* ---- the first calls: identity and regions ---- */

struct first {
	char code[128];
	char msg[512];
	bool ok;
	json_t *list; /* regions */
	char *account;
	char *arn;
};

static void
identity_done(struct aws_op *op, const struct aws_reply *r)
{
	struct first *f = op->data;
	xmlDocPtr doc;

	if (!r->ok) {
		snprintf(f->code, sizeof(f->code), "%s", r->error_code);
		snprintf(f->msg, sizeof(f->msg), "%s", r->error_message);
		return;
	}
	doc = aws_reply_xml(op, r);
	if (doc) {
		xmlNodePtr res = aws_xml_find(xmlDocGetRootElement(doc), "GetCallerIdentityResult");

		f->account = aws_xml_child_text(res, "Account");
		f->arn = aws_xml_child_text(res, "Arn");
	}
	xmlFreeDoc(doc);
	if (!f->account) {
		snprintf(f->code, sizeof(f->code), "MalformedResponse");
		snprintf(f->msg, sizeof(f->msg), "no account id in the answer");
		return;
	}
	f->ok = true;
}

static void
regions_done(struct aws_op *op, const struct aws_reply *r)
{
	struct first *f = op->data;
	xmlDocPtr doc;
	xmlNodePtr n;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	doc = aws_reply_xml(op, r);
	n = doc ? aws_xml_find(xmlDocGetRootElement(doc), "regionInfo") : NULL;
	if (n)
		f->list = aws_xml_list_to_json_op(n, "2016-11-15", "DescribeRegions", AWS_XML_EC2);
	else if (doc)
		aws_fail(op, "MalformedResponse", "no regionInfo in the answer");
	xmlFreeDoc(doc);
	f->ok = f->list != NULL;
}

bool
aws_region_valid(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return n > 0 && n < 32;
}

bool
aws_region_collected(const struct aws_collector *c, const char *r)
{
	size_t i;

	for (i = 0; r && i < c->n_regions; i++)
		if (strcmp(c->regions[i], r) == 0)
			return true;
	return false;
}

bool
aws_seen(struct aws_collector *c, const char *key)
{
	if (!c->seen && !(c->seen = json_object())) {
		aws_fatal(c, core_nomem(c->ctx));
		return true;
	}
	if (json_object_get(c->seen, key))
		return true;
	if (json_object_set_new(c->seen, key, json_true()) != 0)
		aws_fatal(c, core_nomem(c->ctx));
	return false;
}

attest_rc
aws_add_region(struct aws_collector *c, const char *r)
{
	char **n;
	size_t i;

	if (!aws_region_valid(r))
		return core_error(c->ctx, ATTEST_ERR_USAGE, "'%s' is not a region name", r);
	for (i = 0; i < c->n_regions; i++)
		if (strcmp(c->regions[i], r) == 0)
			return ATTEST_OK;
	n = realloc(c->regions, (c->n_regions + 1) * sizeof(*n));
	if (!n)
		return core_nomem(c->ctx);
	c->regions = n;
	if (!(c->regions[c->n_regions] = strdup(r)))
		return core_nomem(c->ctx);
	c->n_regions++;
	return ATTEST_OK;
}

/* Checks that the credentials authenticate; sets c->account and the
 * partition of the caller's ARN ("aws" when the answer has none). */
static attest_rc
identify(struct aws_collector *c, char *partition, size_t size)
{
	struct first f = {0};
	struct aws_op op = {c, "sts", "GetCallerIdentity", "", 0, identity_done, &f, 0, NULL};
	const char *p, *e;
	size_t i;

	snprintf(op.region, sizeof(op.region), "%s", c->home_region);
	if (aws_call_query(&op, "2011-06-15", "") != ATTEST_OK ||
	    aws_engine_run(c->eng) != ATTEST_OK) {
		free(f.arn);
		return c->fatal ? c->fatal : ATTEST_ERR_IO;
	}
	if (!f.ok) {
		free(f.arn);
		for (i = 0; auth_codes[i]; i++)
			if (strcmp(f.code, auth_codes[i]) == 0)
				return core_error(c->ctx, ATTEST_ERR_IO,
						  "AWS refused the credentials: %s: %s", f.code,
						  f.msg);
		return core_error(c->ctx, ATTEST_ERR_IO,
				  "cannot reach AWS (STS GetCallerIdentity in '%s'): %s: %s",
				  c->home_region, f.code, f.msg);
	}
	c->account = f.account;
	snprintf(partition, size, "aws");
	/* arn:<partition>:sts::<account>:... */
	if (f.arn && strncmp(f.arn, "arn:", 4) == 0 && (e = strchr(p = f.arn + 4, ':')) && e > p &&
	    (size_t)(e - p) < size && strspn(p, "abcdefghijklmnopqrstuvwxyz-") == (size_t)(e - p))
		snprintf(partition, size, "%.*s", (int)(e - p), p);
	c->caller = f.arn;
	return ATTEST_OK;
}

static attest_rc
find_regions(struct aws_collector *c, const struct attest_aws_collect_opts *o)
{
	struct first f = {0};
	struct aws_op op = {c, "ec2", "DescribeRegions", "", 0, regions_done, &f, 0, NULL};
	json_t *r;
	size_t i;
	attest_rc rc = ATTEST_OK;
	bool all = false;

	for (i = 0; i < o->n_regions; i++)
		if (strcmp(o->regions[i], "all") == 0)
			all = true;
		else if ((rc = aws_add_region(c, o->regions[i])) != ATTEST_OK)
			return rc;
	if (c->n_regions && !all)
		return ATTEST_OK;
	snprintf(op.region, sizeof(op.region), "%s", c->home_region);
	if (aws_call_query(&op, "2016-11-15", "") != ATTEST_OK ||
	    aws_engine_run(c->eng) != ATTEST_OK)
		return c->fatal ? c->fatal : ATTEST_ERR_IO;
	if (!f.ok) /* logged; the home region at least */
		return aws_add_region(c, c->home_region);
	json_array_foreach(f.list, i, r)
	{
		const char *name = json_string_value(json_object_get(r, "RegionName"));

		if (name && aws_region_valid(name) && (rc = aws_add_region(c, name)) != ATTEST_OK)
			break;
	}
	json_decref(f.list);
	return rc;
}

/* ---- progress ---- */

static void
tick(void *data)
{
	struct aws_collector *c = data;
	struct aws_engine_stats s;

	aws_engine_stats(c->eng, &s);
	core_log(c->ctx, ATTEST_LOG_INFO,
		 "collecting account %s: 1 account x %zu regions x %zu services, %lu calls, "
		 "%lu retries, %zu errors, %lu resources",
		 c->account ? c->account : "?", c->n_regions, aws_n_services, s.calls, s.retries,
		 json_array_size(c->log), c->resources);
}

/* Every service, in the order its calls start: global ones (global, or
 * regional with region NULL when also_global) once, before the regions;
 * regional ones in each region. types: every type the service writes (a
 * collection limited to some types starts only the services writing any
 * of them; tests/cli/collect_types.sh checks each type against this). */
static const struct {
	void (*global)(struct aws_collector *c);
	void (*regional)(struct aws_collector *c, const char *region);
	bool also_global;
	aws_typeset types;
} services[] = {
	{svc_iam_start, NULL, false,
	 TB(T_ACCOUNT) | TB(T_IAM_CREDREPORT) | TB(T_IAM_GROUP) | TB(T_IAM_POLICY) |
		 TB(T_IAM_PWPOLICY) | TB(T_IAM_ROLE) | TB(T_IAM_SERVERCERT) | TB(T_IAM_SUMMARY) |
		 TB(T_IAM_USER)},
	{svc_s3_start, NULL, false, TB(T_S3_ACCOUNTPAB) | TB(T_S3_BUCKET)},
	{NULL, svc_ec2_start, false,
	 TB(T_EC2_EBSDEFAULT) | TB(T_EC2_FLOWLOG) | TB(T_EC2_IMAGE) | TB(T_EC2_INSTANCE) |
		 TB(T_EC2_NACL) | TB(T_EC2_SG) | TB(T_EC2_SNAPSHOT) | TB(T_EC2_SUBNET) |
		 TB(T_EC2_TGW) | TB(T_EC2_VOLUME) | TB(T_EC2_VPC) | TB(T_EC2_VPCE)},
	{NULL, svc_cloudtrail_start, false, TB(T_CT_TRAIL)},
	{NULL, svc_kms_start, false, TB(T_KMS_KEY)},
	{NULL, svc_config_start, false, TB(T_CONFIG_REC)},
	{NULL, svc_logs_start, false, TB(T_LOGS_GROUP) | TB(T_LOGS_MF)},
	{NULL, svc_cloudwatch_start, false, TB(T_CW_ALARM)},
	{NULL, svc_sns_start, false, TB(T_SNS_TOPIC)},
	{NULL, svc_rds_start, false,
	 TB(T_RDS_CLUSTER) | TB(T_RDS_CLUSTERSNAP) | TB(T_RDS_DB) | TB(T_RDS_SNAPSHOT)},
	{NULL, svc_efs_start, false, TB(T_EFS_AP) | TB(T_EFS_FS)},
	{NULL, svc_securityhub_start, false, TB(T_SH_HUB) | TB(T_SH_STANDARD)},
	{NULL, svc_accessanalyzer_start, false, TB(T_AA_ANALYZER) | TB(T_AA_STATUS)},
	/* data stores */
	{NULL, svc_dynamodb_start, false, TB(T_DDB_TABLE)},
	{NULL, svc_redshift_start, false, TB(T_REDSHIFT_CLUSTER)},
	{NULL, svc_elasticache_start, false, TB(T_EC_CLUSTER) | TB(T_EC_REPLGROUP)},
	{NULL, svc_opensearch_start, false, TB(T_OS_DOMAIN)},
	{NULL, svc_secretsmanager_start, false, TB(T_SM_SECRET)},
	{NULL, svc_sqs_start, false, TB(T_SQS_QUEUE)},
	{NULL, svc_backup_start, false, TB(T_BACKUP_PLAN) | TB(T_BACKUP_VAULT)},
	{NULL, svc_ecr_start, false, TB(T_ECR_REPO)},
	{NULL, svc_acm_start, false, TB(T_ACM_CERT)},
	/* compute, network, edge, detection, AI */
	{svc_cloudfront_start, NULL, false, TB(T_CF_DIST)},
	{NULL, svc_elb_start, false, TB(T_ELB_LB)},
	{NULL, svc_elbv2_start, false, TB(T_ELBV2_LB) | TB(T_ELBV2_LISTENER)},
	{NULL, svc_apigateway_start, false,
	 TB(T_APIGW2_API) | TB(T_APIGW2_STAGE) | TB(T_APIGW_DOMAIN) | TB(T_APIGW_REST) |
		 TB(T_APIGW_STAGE)},
	{NULL, svc_lambda_start, false, TB(T_LAMBDA_FN)},
	{NULL, svc_ecs_start, false, TB(T_ECS_CLUSTER) | TB(T_ECS_TASKDEF)},
	{NULL, svc_eks_start, false, TB(T_EKS_CLUSTER)},
	{NULL, svc_guardduty_start, false, TB(T_GD_STATUS)},
	{NULL, svc_wafv2_start, true, TB(T_WAF_ACL)}, /* CLOUDFRONT scope once */
	{NULL, svc_sagemaker_start, false,
	 TB(T_SAGE_EPCONFIG) | TB(T_SAGE_MODEL) | TB(T_SAGE_NOTEBOOK)},
	{NULL, svc_bedrock_start, false,
	 TB(T_BR_AGENT) | TB(T_BR_CUSTOM) | TB(T_BR_GUARDRAIL) | TB(T_BR_LOGGING)},
};

const size_t aws_n_services = sizeof(services) / sizeof(services[0]);

/* True when service k is to be collected: no type filter, or it writes a
 * type of the filter. */
static bool
wanted(const struct aws_collector *c, size_t k)
{
	return !c->want || (services[k].types & c->want);
}

void
aws_collect_start(struct aws_collector *c)
{
	size_t i, k;

	for (k = 0; k < aws_n_services; k++)
		if (wanted(c, k) && (services[k].types & TB(T_ACCOUNT)))
			aws_attempt(c, TB(T_ACCOUNT));
	for (k = 0; k < aws_n_services; k++)
		if (!wanted(c, k))
			continue;
		else if (services[k].global)
			services[k].global(c);
		else if (services[k].also_global)
			services[k].regional(c, NULL);
	for (i = 0; i < c->n_regions && c->fatal == ATTEST_OK; i++)
		for (k = 0; k < aws_n_services; k++)
			if (services[k].regional && wanted(c, k))
				services[k].regional(c, c->regions[i]);
}

attest_rc
aws_want_types(struct aws_collector *c, const char *const *types, size_t n)
{
	size_t i, t;

	c->want = 0;
	for (i = 0; i < n; i++) {
		for (t = 0; t < T_COUNT && strcmp(aws_type_names[t], types[i]) != 0; t++)
			;
		if (t == T_COUNT)
			return core_error(c->ctx, ATTEST_ERR_USAGE,
					  "'%s' is not a resource type the AWS collector reads "
					  "(doc/aws-collection.md lists them)",
					  types[i]);
		c->want |= TB(t);
	}
	return ATTEST_OK;
}

/* The account the credentials reach, alone. */
static attest_rc
collect_one(struct aws_collector *c, json_t *accounts, struct attest_aws_collect_stats *st)
{
	attest_rc rc;

	if (json_array_append_new(accounts, json_pack("{s:s}", "id", c->account)) != 0)
		return core_nomem(c->ctx);
	core_log(c->ctx, ATTEST_LOG_INFO, "collecting account %s in %zu regions", c->account,
		 c->n_regions);
	aws_collect_start(c);
	if (c->fatal != ATTEST_OK)
		aws_engine_cancel(c->eng);
	rc = aws_engine_run(c->eng);
	if (rc == ATTEST_OK && c->fatal != ATTEST_OK)
		rc = c->fatal;
	st->accounts = 1;
	return rc;
}

/* The credentials and home region of c (--profile, --role-arn as the AWS
 * CLI resolves them); an assumed role is kept renewable with what assumed
 * it (role_base), under the session name session. */
attest_rc
aws_collector_credentials(struct aws_collector *c, const struct attest_aws_collect_opts *o,
			  const char *session, struct aws_credentials *role_base)
{
	struct aws_config_opts co = {0};
	attest_rc rc;

	co.profile = o->profile;
	co.role_arn = o->role_arn;
	co.external_id = o->external_id;
	co.session_name = session;
	co.base_out = role_base;
	rc = aws_resolve_credentials(c->ctx, &co, &c->cred, &c->home_region);
	if (rc != ATTEST_OK)
		return rc;
	if (o->role_arn && *o->role_arn) {
		c->renew_with = role_base;
		c->renew_role = o->role_arn;
		c->renew_external_id = o->external_id;
		c->renew_session = session;
		c->renew_issued = time(NULL);
	}
	if (!c->home_region && !(c->home_region = strdup("us-east-1")))
		return core_nomem(c->ctx);
	return ATTEST_OK;
}

/* c's HTTP engine, with --concurrency, signing with c's credentials. */
static attest_rc
collector_engine(struct aws_collector *c, const struct attest_aws_collect_opts *o)
{
	struct aws_engine_opts eo;
	attest_rc rc;

	aws_engine_opts_default(&eo);
	/* Half the total per service: one slow or throttled API never holds
	 * every slot. */
	if (o->concurrency) {
		eo.max_total = o->concurrency;
		eo.max_per_service = o->concurrency > 1 ? o->concurrency / 2 : 1;
	}
	rc = aws_engine_new(c->ctx, &eo, &c->eng);
	if (rc != ATTEST_OK)
		return rc;
	aws_engine_set_signer(c->eng, aws_collector_sign, c);
	aws_engine_set_tick(c->eng, tick, c);
	return ATTEST_OK;
}

/* The figures of the collection into st, then c's resources freed. */
static void
collector_end(struct aws_collector *c, struct attest_aws_collect_stats *st)
{
	struct aws_engine_stats es;
	size_t i;

	if (c->eng) {
		aws_engine_stats(c->eng, &es);
		st->calls = es.calls;
		st->retries = es.retries;
		st->errors = json_array_size(c->log);
	}
	st->regions = c->n_regions;
	aws_engine_free(c->eng);
	aws_collector_release_endpoints(c);
	aws_credentials_release(&c->cred);
	for (i = 0; i < c->n_regions; i++)
		free(c->regions[i]);
	free(c->regions);
	free(c->home_region);
	free(c->account);
	free(c->caller);
	json_decref(c->log);
	json_decref(c->keep);
	json_decref(c->seen);
	if (c->body)
		fclose(c->body);
}

attest_rc
attest_collect_aws(attest_ctx *ctx, const struct attest_aws_collect_opts *o, const char *out_path,
		   struct attest_aws_collect_stats *stats)
{
	struct aws_collector c = {0};
	struct attest_aws_collect_stats st = {0};
	struct aws_credentials role_base = {0};
	char session[64];
	json_t *accounts = json_array();
	char partition[32];
	attest_rc rc;

	c.ctx = ctx;
	c.profile = o->profile;
	c.poll_ms = 500;
	c.log = json_array();
	c.keep = json_array();
	c.body = tmpfile();
	if ((rc = aws_want_types(&c, o->types, o->n_types)) != ATTEST_OK)
		goto out;
	if (!c.log || !c.keep || !c.body || !accounts) {
		rc = c.body ? core_nomem(ctx)
			    : core_error(ctx, ATTEST_ERR_IO, "cannot create a temporary file: %s",
					 strerror(errno));
		goto out;
	}
	if (o->from_organization && (rc = aws_org_check(ctx, o->role_name)) != ATTEST_OK)
		goto out;
	/* --role-arn: kept with what assumed it, to be assumed again (same
	 * session name) before it expires, as an organization member's is. */
	snprintf(session, sizeof(session), "attest-%lld", (long long)time(NULL));
	if ((rc = aws_collector_credentials(&c, o, session, &role_base)) != ATTEST_OK ||
	    (rc = collector_engine(&c, o)) != ATTEST_OK ||
	    (rc = identify(&c, partition, sizeof(partition))) != ATTEST_OK ||
	    (rc = find_regions(&c, o)) != ATTEST_OK)
		goto out;
	if (o->from_organization)
		rc = aws_org_collect(&c, o, partition, accounts, &st);
	else
		rc = collect_one(&c, accounts, &st);
	if (rc != ATTEST_OK)
		goto out;
	rc = aws_write_output(&c, accounts, out_path, o->stream, &st);
out:
	collector_end(&c, &st);
	aws_credentials_release(&role_base);
	if (stats)
		*stats = st;
	json_decref(accounts);
	return rc;
}
