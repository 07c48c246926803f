/*
 * AWS Config import, per-type fixes: what re-casing keys cannot do. Most of
 * it is for S3 buckets. Config keeps a bucket's settings in
 * supplementaryConfiguration under names and shapes of its own (BucketPolicy
 * {policyText}, BucketVersioningConfiguration {status, isMfaDeleteEnabled},
 * BucketLoggingConfiguration {destinationBucketName}, AccessControlList as
 * the JSON text of the Java SDK's AccessControlList). This file rewrites each
 * into what GetBucketPolicy, GetBucketVersioning, GetBucketLogging,
 * GetBucketAcl, GetPublicAccessBlock and GetBucketEncryption return, which
 * is what the S3 checks read. A setting absent from the item stays absent.
 * The other fixes (KMS, EFS, CloudWatch Logs, Access Analyzer, IAM managed
 * policy ids) add the API's name for a value Config records under another.
 */
#include "config.h"

#include "awsconfig.h"

#include <stdlib.h>
#include <string.h>

static attest_rc
nomem_if(attest_ctx *ctx, int failed)
{
	return failed ? core_nomem(ctx) : ATTEST_OK;
}

/* BucketPolicy {"policyText": "<JSON>" | null} -> the policy object or null. */
static attest_rc
s3_policy(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	const json_t *text;
	size_t mark;
	attest_rc rc;

	*out = NULL;
	if (json_is_null(in)) {
		*out = json_null();
		return ATTEST_OK;
	}
	if (!json_is_object(in))
		return awsconfig_fail(cv, "must be an object");
	text = json_object_get(in, "policyText");
	if (!text)
		text = json_object_get(in, "PolicyText");
	if (!text) /* already a policy document */
		return nomem_if(cv->ctx, !(*out = json_deep_copy(in)));
	if ((rc = awsconfig_path_key(cv, "policyText", &mark)) != ATTEST_OK)
		return rc;
	rc = awsconfig_policy_doc(cv, text, out);
	if (rc == ATTEST_OK && !json_is_object(*out) && !json_is_null(*out)) {
		json_decref(*out);
		*out = NULL;
		rc = awsconfig_fail(cv, "must be a JSON object or null");
	}
	awsconfig_path_pop(cv, mark);
	return rc;
}

/* {status, isMfaDeleteEnabled} -> {Status (absent for "Off"), MFADelete}. */
static attest_rc
s3_versioning(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	const json_t *status, *mfa;
	json_t *o;

	*out = NULL;
	if (!json_is_object(in))
		return nomem_if(cv->ctx, !(*out = json_deep_copy(in)));
	status = json_object_get(in, "status");
	mfa = json_object_get(in, "isMfaDeleteEnabled");
	if (!status && !mfa) /* already the API's shape */
		return nomem_if(cv->ctx, !(*out = json_deep_copy(in)));
	if ((status && !json_is_string(status) && !json_is_null(status)) ||
	    (mfa && !json_is_boolean(mfa) && !json_is_null(mfa)))
		return awsconfig_fail(cv,
				      "must be {\"status\": string, \"isMfaDeleteEnabled\": bool}");
	if (!(o = json_object()))
		return core_nomem(cv->ctx);
	if (json_is_string(status) && strcmp(json_string_value(status), "Off") != 0 &&
	    json_object_set_new(o, "Status", json_deep_copy(status)) != 0)
		goto nomem;
	if (json_is_boolean(mfa) &&
	    json_object_set_new(o, "MFADelete",
				json_string(json_is_true(mfa) ? "Enabled" : "Disabled")) != 0)
		goto nomem;
	*out = o;
	return ATTEST_OK;
nomem:
	json_decref(o);
	return core_nomem(cv->ctx);
}

/* {destinationBucketName, logFilePrefix} -> {LoggingEnabled: {TargetBucket,
 * TargetPrefix}}, or {} when logging is off. */
static attest_rc
s3_logging(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	const json_t *bucket, *prefix;

	*out = NULL;
	if (!json_is_object(in) || json_object_get(in, "LoggingEnabled") ||
	    !json_object_get(in, "destinationBucketName"))
		return nomem_if(cv->ctx, !(*out = json_deep_copy(in)));
	bucket = json_object_get(in, "destinationBucketName");
	prefix = json_object_get(in, "logFilePrefix");
	if (json_is_null(bucket))
		return nomem_if(cv->ctx, !(*out = json_object()));
	if (!json_is_string(bucket) || (prefix && !json_is_string(prefix) && !json_is_null(prefix)))
		return awsconfig_fail(
			cv, "'destinationBucketName' and 'logFilePrefix' must be strings");
	*out = json_pack("{s{ssso}}", "LoggingEnabled", "TargetBucket", json_string_value(bucket),
			 "TargetPrefix",
			 json_is_string(prefix) ? json_deep_copy(prefix) : json_string(""));
	return nomem_if(cv->ctx, !*out);
}

static const char *const group_uri[][2] = {
	{"AllUsers", "http://acs.amazonaws.com/groups/global/AllUsers"},
	{"AuthenticatedUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
	{"LogDelivery", "http://acs.amazonaws.com/groups/s3/LogDelivery"},
};

static const char *const permission_names[][2] = {
	{"FullControl", "FULL_CONTROL"}, {"Read", "READ"},          {"Write", "WRITE"},
	{"ReadAcp", "READ_ACP"},         {"WriteAcp", "WRITE_ACP"},
};

/* A Config grantee (a group name string, {id, displayName}, {identifier,
 * typeIdentifier} or {emailAddress}) -> the API's Grantee. */
static json_t *
s3_grantee(const json_t *g)
{
	const char *id, *kind;
	size_t i;

	if (json_is_string(g)) {
		const char *s = json_string_value(g);

		for (i = 0; i < sizeof(group_uri) / sizeof(group_uri[0]); i++)
			if (!strcmp(s, group_uri[i][0]))
				return json_pack("{ssss}", "Type", "Group", "URI", group_uri[i][1]);
		if (!strncmp(s, "http://", 7) || !strncmp(s, "https://", 8))
			return json_pack("{ssss}", "Type", "Group", "URI", s);
		return json_pack("{ssss}", "Type", "CanonicalUser", "ID", s);
	}
	if (!json_is_object(g))
		return NULL;
	if ((id = json_string_value(json_object_get(g, "id"))))
		return json_pack("{sssssO?}", "Type", "CanonicalUser", "ID", id, "DisplayName",
				 json_object_get(g, "displayName"));
	if ((id = json_string_value(json_object_get(g, "emailAddress"))))
		return json_pack("{ssss}", "Type", "AmazonCustomerByEmail", "EmailAddress", id);
	id = json_string_value(json_object_get(g, "identifier"));
	kind = json_string_value(json_object_get(g, "typeIdentifier"));
	if (id && kind && !strcmp(kind, "uri"))
		return s3_grantee(json_object_get(g, "identifier"));
	if (id && kind && !strcmp(kind, "emailAddress"))
		return json_pack("{ssss}", "Type", "AmazonCustomerByEmail", "EmailAddress", id);
	if (id)
		return json_pack("{ssss}", "Type", "CanonicalUser", "ID", id);
	return NULL;
}

static const char *
s3_permission(const char *p)
{
	size_t i;

	for (i = 0; i < sizeof(permission_names) / sizeof(permission_names[0]); i++)
		if (!strcmp(p, permission_names[i][0]))
			return permission_names[i][1];
	return p;
}

/* AccessControlList {grantList: [{grantee, permission}], owner: {displayName,
 * id}} -> BucketAcl {Owner: {DisplayName, ID}, Grants: [{Grantee, Permission}]}. */
static attest_rc
s3_acl(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	const json_t *grants, *owner, *el, *perm;
	json_t *acl, *list, *grantee, *o;
	size_t i;

	*out = NULL;
	if (json_is_object(in) && (json_object_get(in, "Grants") || json_object_get(in, "Owner")))
		return nomem_if(cv->ctx, !(*out = json_deep_copy(in)));
	if (!json_is_object(in))
		return awsconfig_fail(cv, "must be an object or its JSON text");
	grants = json_object_get(in, "grantList");
	if (!grants || json_is_null(grants))
		grants = json_object_get(in, "grantSet");
	owner = json_object_get(in, "owner");
	if ((grants && !json_is_null(grants) && !json_is_array(grants)) ||
	    (owner && !json_is_null(owner) && !json_is_object(owner)))
		return awsconfig_fail(cv, "must have a 'grantList' list and an 'owner' object");
	if (!(acl = json_object()) || !(list = json_array())) {
		json_decref(acl);
		return core_nomem(cv->ctx);
	}
	if (json_object_set_new(acl, "Grants", list) != 0)
		goto nomem;
	if (json_is_object(owner)) {
		o = json_pack("{sO?sO?}", "DisplayName", json_object_get(owner, "displayName"),
			      "ID", json_object_get(owner, "id"));
		if (!o || json_object_set_new(acl, "Owner", o) != 0)
			goto nomem;
	}
	json_array_foreach(grants, i, el)
	{
		perm = json_object_get(el, "permission");
		grantee = s3_grantee(json_object_get(el, "grantee"));
		if (!grantee || !json_is_string(perm)) {
			json_decref(grantee);
			json_decref(acl);
			return awsconfig_fail(cv, "grant %zu must have a grantee and a permission",
					      i);
		}
		o = json_pack("{soss}", "Grantee", grantee, "Permission",
			      s3_permission(json_string_value(perm)));
		if (!o || json_array_append_new(list, o) != 0)
			goto nomem;
	}
	*out = acl;
	return ATTEST_OK;
nomem:
	json_decref(acl);
	return core_nomem(cv->ctx);
}

/* Replaces supp[from] by conv(supp[from]) under the name to. */
static attest_rc
rewrite(struct awsconfig_conv *cv, json_t *supp, const char *from, const char *to,
	attest_rc (*conv)(struct awsconfig_conv *, const json_t *, json_t **))
{
	const json_t *v = json_object_get(supp, from);
	json_t *nv;
	size_t mark;
	attest_rc rc;

	if (!v)
		return ATTEST_OK;
	if ((rc = awsconfig_path_key(cv, from, &mark)) != ATTEST_OK)
		return rc;
	rc = conv(cv, v, &nv);
	awsconfig_path_pop(cv, mark);
	if (rc != ATTEST_OK)
		return rc;
	if (strcmp(from, to) != 0)
		json_object_del(supp, from);
	if (!nv) /* nothing to keep (an ACL of null) */
		return ATTEST_OK;
	return nomem_if(cv->ctx, json_object_set_new(supp, to, nv) != 0);
}

/* PublicAccessBlockConfiguration and ServerSideEncryptionConfiguration: the
 * API's names are the capitalized ones, with SSEAlgorithm / KMSMasterKeyID
 * from the key table. */
static attest_rc
s3_recase(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	return awsconfig_norm(cv, in, NULL, NULL, out);
}

static attest_rc
s3_acl_or_null(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	*out = NULL;
	if (json_is_null(in))
		return ATTEST_OK;
	return s3_acl(cv, in, out);
}

static attest_rc
s3_supplementary(struct awsconfig_conv *cv, json_t *supp)
{
	attest_rc rc;

	if (!supp)
		return ATTEST_OK;
	if ((rc = rewrite(cv, supp, "BucketPolicy", "BucketPolicy", s3_policy)) != ATTEST_OK ||
	    (rc = rewrite(cv, supp, "PublicAccessBlockConfiguration",
			  "PublicAccessBlockConfiguration", s3_recase)) != ATTEST_OK ||
	    (rc = rewrite(cv, supp, "ServerSideEncryptionConfiguration",
			  "ServerSideEncryptionConfiguration", s3_recase)) != ATTEST_OK ||
	    (rc = rewrite(cv, supp, "BucketVersioningConfiguration",
			  "BucketVersioningConfiguration", s3_versioning)) != ATTEST_OK ||
	    (rc = rewrite(cv, supp, "BucketLoggingConfiguration", "BucketLoggingConfiguration",
			  s3_logging)) != ATTEST_OK)
		return rc;
	return rewrite(cv, supp, "AccessControlList", "BucketAcl", s3_acl_or_null);
}

/* Sets obj[to] = a copy of obj[from] when to is absent and from is present. */
static attest_rc
alias(attest_ctx *ctx, json_t *obj, const char *from, const char *to)
{
	json_t *v;

	if (!json_is_object(obj) || json_object_get(obj, to) || !(v = json_object_get(obj, from)))
		return ATTEST_OK;
	if (json_object_set_new(obj, to, json_deep_copy(v)) != 0)
		return core_nomem(ctx);
	return ATTEST_OK;
}

attest_rc
awsconfig_fix_type(struct awsconfig_conv *cv, json_t *res, json_t *conf, json_t *supp)
{
	attest_ctx *ctx = cv->ctx;
	const char *t = cv->type;
	attest_rc rc = ATTEST_OK;
	const char *k;
	json_t *v, *lower;

	if (!strcmp(t, "AWS::S3::Bucket"))
		return s3_supplementary(cv, supp);
	if (!strcmp(t, "AWS::KMS::Key")) {
		/* GetKeyRotationStatus' KeyRotationEnabled is Config's KeyRotationStatus. */
		if ((rc = alias(ctx, conf, "CustomerMasterKeySpec", "KeySpec")) != ATTEST_OK)
			return rc;
		v = json_object_get(supp, "KeyRotationStatus");
		if (json_is_string(v) && !json_object_get(supp, "KeyRotationEnabled") &&
		    json_object_set_new(supp, "KeyRotationEnabled",
					json_boolean(!strcmp(json_string_value(v), "true"))) != 0)
			return core_nomem(ctx);
		rc = alias(ctx, supp, "KeyRotationStatus", "KeyRotationEnabled");
	} else if (!strcmp(t, "AWS::EFS::FileSystem")) {
		rc = alias(ctx, conf, "Arn", "FileSystemArn");
	} else if (!strcmp(t, "AWS::AccessAnalyzer::Analyzer")) {
		if ((rc = alias(ctx, conf, "Arn", "arn")) == ATTEST_OK &&
		    (rc = alias(ctx, conf, "AnalyzerName", "name")) == ATTEST_OK)
			rc = alias(ctx, conf, "Type", "type");
	} else if (!strcmp(t, "AWS::Logs::LogGroup") && json_is_object(conf)) {
		/* Config records the CloudFormation shape (LogGroupName, RetentionInDays,
		 * KmsKeyId, Arn); CloudWatch Logs' API is camelCase. */
		if (!(lower = json_object()))
			return core_nomem(ctx);
		json_object_foreach(conf, k, v)
		{
			char *lk = core_strdup(k);

			if (!lk) {
				json_decref(lower);
				return core_nomem(ctx);
			}
			if (lk[0] >= 'A' && lk[0] <= 'Z')
				lk[0] = (char)(lk[0] - 'A' + 'a');
			if (!json_object_get(conf, lk) && json_object_set(lower, lk, v) != 0)
				rc = core_nomem(ctx);
			free(lk);
			if (rc != ATTEST_OK)
				break;
		}
		if (rc == ATTEST_OK && json_object_update(conf, lower) != 0)
			rc = core_nomem(ctx);
		json_decref(lower);
	}
	/* The native id of a managed policy is its ARN (Config's is the policy id). */
	v = json_object_get(res, "arn");
	if (rc == ATTEST_OK && !strcmp(t, "AWS::IAM::Policy") && v &&
	    json_object_set_new(res, "id", json_deep_copy(v)) != 0)
		rc = core_nomem(ctx);
	return rc;
}
