/*
 * Key normalization for AWS Config import. AWS Config records most of the
 * older resource types with the API's PascalCase names turned into camelCase
 * (groupId for GroupId, dBInstanceIdentifier for DBInstanceIdentifier); this
 * file walks a configuration and upper-cases the first letter of every key,
 * except inside tag maps and policy documents, with a small table of keys
 * whose capitalized form is not the API name. It also decodes the
 * URL-encoded IAM policy documents Config stores, and rebuilds the EC2
 * security group IpRanges list from Config's ipv4Ranges / ipRanges.
 */
#include "config.h"

#include "awsconfig.h"

#include <stdlib.h>
#include <string.h>

#define AWSCONFIG_MAX_DEPTH 256

/* A key whose capitalized name is not the API's. type is an exact type, or
 * a prefix when it ends in "::"; parent is the key of the enclosing object
 * (the array's key for array elements), NULL for any. */
struct key_fix {
	const char *type;
	const char *parent;
	const char *key;
	const char *api;
};

static const struct key_fix key_fixes[] = {
	{"AWS::S3::Bucket", "owner", "id", "ID"},
	{"AWS::S3::Bucket", NULL, "sseAlgorithm", "SSEAlgorithm"},
	{"AWS::S3::Bucket", NULL, "kmsMasterKeyID", "KMSMasterKeyID"},
	{"AWS::KMS::Key", NULL, "awsaccountId", "AWSAccountId"},
	{"AWS::Lambda::Function", NULL, "kmsKeyArn", "KMSKeyArn"},
	{"AWS::Lambda::Function", NULL, "kmskeyArn", "KMSKeyArn"},
	{"AWS::DynamoDB::Table", NULL, "ssedescription", "SSEDescription"},
	{"AWS::DynamoDB::Table", NULL, "sseDescription", "SSEDescription"},
	{"AWS::DynamoDB::Table", NULL, "ssetype", "SSEType"},
	{"AWS::DynamoDB::Table", NULL, "sseType", "SSEType"},
	{"AWS::DynamoDB::Table", NULL, "kmsmasterKeyArn", "KMSMasterKeyArn"},
	{"AWS::DynamoDB::Table", NULL, "kmsMasterKeyArn", "KMSMasterKeyArn"},
	{"AWS::DynamoDB::Table", NULL, "kmsmasterKeyId", "KMSMasterKeyId"},
	{"AWS::DynamoDB::Table", NULL, "sseSpecification", "SSESpecification"},
	{"AWS::ElasticLoadBalancing::LoadBalancer", NULL, "dnsname", "DNSName"},
	{"AWS::ElasticLoadBalancing::LoadBalancer", NULL, "sslcertificateId", "SSLCertificateId"},
	{"AWS::ElasticLoadBalancing::LoadBalancer", NULL, "vpcid", "VPCId"},
	{"AWS::ElasticLoadBalancing::LoadBalancer", NULL, "lbcookieStickinessPolicies",
	 "LBCookieStickinessPolicies"},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer", NULL, "dnsname", "DNSName"},
	{"AWS::ElastiCache::", NULL, "arn", "ARN"},
	{"AWS::CloudFront::Distribution", NULL, "arn", "ARN"},
	{"AWS::CloudFront::Distribution", NULL, "acmCertificateArn", "ACMCertificateArn"},
	{"AWS::CloudFront::Distribution", NULL, "AcmCertificateArn", "ACMCertificateArn"},
	{"AWS::CloudFront::Distribution", NULL, "sslSupportMethod", "SSLSupportMethod"},
	{"AWS::CloudFront::Distribution", NULL, "SslSupportMethod", "SSLSupportMethod"},
	{"AWS::CloudFront::Distribution", NULL, "iamCertificateId", "IAMCertificateId"},
	{"AWS::CloudFront::Distribution", NULL, "isIPV6Enabled", "IsIPV6Enabled"},
	{"AWS::CloudFront::Distribution", NULL, "webACLId", "WebACLId"},
	{"AWS::CloudFront::Distribution", NULL, "lambdaFunctionARN", "LambdaFunctionARN"},
	{"AWS::CloudFront::Distribution", NULL, "OriginSSLProtocols", "OriginSslProtocols"},
	{"AWS::WAFv2::WebACL", NULL, "arn", "ARN"},
	{"AWS::WAFv2::WebACL", NULL, "ipsetReferenceStatement", "IPSetReferenceStatement"},
	{"AWS::WAFv2::WebACL", NULL, "ipSetReferenceStatement", "IPSetReferenceStatement"},
	{"AWS::CloudWatch::Alarm", NULL, "okactions", "OKActions"},
	{"AWS::CloudWatch::Alarm", NULL, "okActions", "OKActions"},
};

static bool
type_matches(const char *pattern, const char *type)
{
	size_t n = strlen(pattern);

	if (n >= 2 && pattern[n - 1] == ':' && pattern[n - 2] == ':')
		return strncmp(pattern, type, n) == 0;
	return strcmp(pattern, type) == 0;
}

/* Equal ignoring the case of the first letter only. */
static bool
key_is(const char *key, const char *camel)
{
	if (!key || !key[0])
		return false;
	if (key[0] != camel[0] && key[0] != (camel[0] - 'a' + 'A'))
		return false;
	return strcmp(key + 1, camel + 1) == 0;
}

static const char *
fixed_key(const struct awsconfig_conv *cv, const char *parent, const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(key_fixes) / sizeof(key_fixes[0]); i++) {
		const struct key_fix *f = &key_fixes[i];

		if (!type_matches(f->type, cv->type) || strcmp(f->key, key) != 0)
			continue;
		if (f->parent && !(parent && key_is(parent, f->parent)))
			continue;
		return f->api;
	}
	return NULL;
}

/* Keys whose value is a policy document (never re-cased). For IAM types the
 * value is decoded when it is a string; elsewhere it is copied as it is. */
static bool
is_policy_key(const char *parent, const char *key)
{
	static const char *const names[] = {
		"policyDocument", "assumeRolePolicyDocument", "keyPolicy", "policyText", "policy",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (key_is(key, names[i]))
			return true;
	return key_is(key, "document") && parent && key_is(parent, "policyVersionList");
}

static bool
is_tags_key(const char *key)
{
	return key && key_is(key, "tags");
}

/* Maps whose keys are the user's, not the API's: Lambda environment
 * variables (Environment.Variables). */
static bool
is_user_map(const char *parent, const char *key)
{
	return parent && key_is(parent, "environment") && key_is(key, "variables");
}

/* Form decoding: '+' is a space, %XX a byte. */
static attest_rc
url_decode(attest_ctx *ctx, const char *s, size_t n, struct core_buf *b, bool *ok)
{
	static const char hex[] = "0123456789abcdef0123456789ABCDEF";
	size_t i;
	attest_rc rc = ATTEST_OK;

	*ok = true;
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		if (s[i] == '+') {
			rc = core_buf_addc(b, ' ');
		} else if (s[i] == '%') {
			const char *h, *l;

			if (n - i < 3) {
				*ok = false;
				return ATTEST_OK;
			}
			h = s[i + 1] ? strchr(hex, s[i + 1]) : NULL;
			l = s[i + 2] ? strchr(hex, s[i + 2]) : NULL;
			/* hex holds each digit twice: the offset modulo 16 is its value. */
			if (!h || !l) {
				*ok = false;
				return ATTEST_OK;
			}
			rc = core_buf_addc(b, (char)((((h - hex) & 15) << 4) | ((l - hex) & 15)));
			i += 2;
		} else {
			rc = core_buf_addc(b, s[i]);
		}
	}
	if (rc == ATTEST_ERR_NOMEM)
		return core_nomem(ctx);
	if (rc != ATTEST_OK)
		return core_error(ctx, rc, "policy document too large");
	return ATTEST_OK;
}

attest_rc
awsconfig_parse(struct awsconfig_conv *cv, const char *text, size_t n, json_t **out)
{
	json_error_t err;

	*out = json_loadb(text, n, JSON_DECODE_ANY, &err);
	if (!*out)
		return awsconfig_fail(cv, "is not valid JSON: %s", err.text);
	return ATTEST_OK;
}

attest_rc
awsconfig_policy_doc(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	const char *s;
	size_t n, i;
	struct core_buf b;
	json_error_t err;
	bool ok;
	attest_rc rc;

	*out = NULL;
	if (json_is_null(in) || json_is_object(in)) {
		*out = json_deep_copy(in);
		return *out ? ATTEST_OK : core_nomem(cv->ctx);
	}
	if (!json_is_string(in))
		return awsconfig_fail(cv,
				      "must be a policy document (an object or an encoded string)");
	s = json_string_value(in);
	n = json_string_length(in);
	for (i = 0; i < n && strchr(" \t\r\n", s[i]); i++)
		;
	if (i < n && s[i] == '{') {
		/* Plain JSON text: parsed as it is. */
		*out = json_loadb(s, n, 0, &err);
		if (*out)
			return ATTEST_OK;
	}
	core_buf_init(&b, n + 1);
	rc = url_decode(cv->ctx, s, n, &b, &ok);
	if (rc != ATTEST_OK) {
		core_buf_release(&b);
		return rc;
	}
	if (!ok) {
		core_buf_release(&b);
		return awsconfig_fail(cv,
				      "is not a valid URL-encoded policy document: bad %% escape");
	}
	*out = json_loadb(b.data ? b.data : "", b.len, 0, &err);
	core_buf_release(&b);
	if (!*out)
		return awsconfig_fail(cv, "is not a valid policy document: %s", err.text);
	return ATTEST_OK;
}

static char *
capitalized(const char *key)
{
	char *k = core_strdup(key);

	if (k && k[0] >= 'a' && k[0] <= 'z')
		k[0] = (char)(k[0] - 'a' + 'A');
	return k;
}

/* Sets out[key] = v (stealing v). A key renamed by capitalization does not
 * replace a key the item already spelled that way. */
static attest_rc
set_key(struct awsconfig_conv *cv, json_t *obj, const char *key, bool renamed, json_t *v)
{
	if (renamed && json_object_get(obj, key)) {
		json_decref(v);
		return ATTEST_OK;
	}
	if (json_object_set_new(obj, key, v) != 0)
		return core_nomem(cv->ctx);
	return ATTEST_OK;
}

/* EC2 security group permission: IpRanges [{CidrIp}] from ipv4Ranges, or
 * from the flat ipRanges list of strings when ipv4Ranges is absent. */
static attest_rc
sg_ip_ranges(struct awsconfig_conv *cv, const json_t *perm, const char *parent, json_t *out)
{
	const json_t *v4 = json_object_get(perm, "ipv4Ranges");
	const json_t *flat = json_object_get(perm, "ipRanges");
	const json_t *src = v4 && !json_is_null(v4) ? v4 : flat;
	const char *srckey = src == v4 ? "ipv4Ranges" : "ipRanges";
	json_t *list, *e;
	size_t i, mark, m2;
	const json_t *el;
	attest_rc rc;

	if (!src || json_is_null(src) || json_object_get(out, "IpRanges"))
		return ATTEST_OK;
	if ((rc = awsconfig_path_key(cv, srckey, &mark)) != ATTEST_OK)
		return rc;
	if (!json_is_array(src)) {
		rc = awsconfig_fail(cv, "must be a list");
		goto done;
	}
	if (!(list = json_array())) {
		rc = core_nomem(cv->ctx);
		goto done;
	}
	json_array_foreach(src, i, el)
	{
		if ((rc = awsconfig_path_index(cv, i, &m2)) != ATTEST_OK)
			break;
		if (json_is_string(el))
			e = json_pack("{so}", "CidrIp", json_deep_copy(el));
		else if (json_is_object(el))
			rc = awsconfig_norm(cv, el, parent, "IpRanges", &e);
		else
			rc = awsconfig_fail(cv, "must be a CIDR string or an object"), e = NULL;
		awsconfig_path_pop(cv, m2);
		if (rc != ATTEST_OK)
			break;
		if (!e || json_array_append_new(list, e) != 0) {
			rc = core_nomem(cv->ctx);
			break;
		}
	}
	if (rc == ATTEST_OK)
		rc = set_key(cv, out, "IpRanges", false, list);
	else
		json_decref(list);
done:
	awsconfig_path_pop(cv, mark);
	return rc;
}

static attest_rc
norm_object(struct awsconfig_conv *cv, const json_t *in, const char *key, json_t **out)
{
	bool sg = strcmp(cv->type, "AWS::EC2::SecurityGroup") == 0;
	const char *k;
	const json_t *v;
	json_t *obj, *nv;
	attest_rc rc = ATTEST_OK;

	if (!(obj = json_object()))
		return core_nomem(cv->ctx);
	json_object_foreach((json_t *)in, k, v)
	{
		const char *api = NULL;
		char *cap = NULL;
		size_t mark;

		if (sg && cv->capitalize && (!strcmp(k, "ipv4Ranges") || !strcmp(k, "ipRanges")))
			continue;
		if (cv->capitalize && !(api = fixed_key(cv, key, k))) {
			if (!(cap = capitalized(k))) {
				rc = core_nomem(cv->ctx);
				break;
			}
			api = cap;
		}
		if ((rc = awsconfig_path_key(cv, k, &mark)) == ATTEST_OK) {
			if (is_policy_key(key, k) && strncmp(cv->type, "AWS::IAM::", 10) == 0)
				rc = awsconfig_policy_doc(cv, v, &nv);
			else if (is_policy_key(key, k) ||
				 ((is_tags_key(k) || is_user_map(key, k)) && json_is_object(v)))
				rc = (nv = json_deep_copy(v)) ? ATTEST_OK : core_nomem(cv->ctx);
			else
				rc = awsconfig_norm(cv, v, key, k, &nv);
			awsconfig_path_pop(cv, mark);
		}
		if (rc == ATTEST_OK)
			rc = set_key(cv, obj, api ? api : k, api && strcmp(api, k) != 0, nv);
		free(cap);
		if (rc != ATTEST_OK)
			break;
	}
	if (rc == ATTEST_OK && sg && cv->capitalize)
		rc = sg_ip_ranges(cv, in, key, obj);
	if (rc != ATTEST_OK) {
		json_decref(obj);
		return rc;
	}
	*out = obj;
	return ATTEST_OK;
}

attest_rc
awsconfig_norm(struct awsconfig_conv *cv, const json_t *in, const char *parent, const char *key,
	       json_t **out)
{
	json_t *arr, *nv;
	const json_t *el;
	size_t i, mark;
	attest_rc rc = ATTEST_OK;

	*out = NULL;
	if (cv->depth >= AWSCONFIG_MAX_DEPTH)
		return awsconfig_fail(cv, "is nested too deeply");
	if (json_is_object(in)) {
		cv->depth++;
		rc = norm_object(cv, in, key, out);
		cv->depth--;
		return rc;
	}
	if (!json_is_array(in)) {
		*out = json_deep_copy(in);
		return *out ? ATTEST_OK : core_nomem(cv->ctx);
	}
	if (!(arr = json_array()))
		return core_nomem(cv->ctx);
	cv->depth++;
	json_array_foreach(in, i, el)
	{
		if ((rc = awsconfig_path_index(cv, i, &mark)) != ATTEST_OK)
			break;
		rc = awsconfig_norm(cv, el, parent, key, &nv);
		awsconfig_path_pop(cv, mark);
		if (rc != ATTEST_OK)
			break;
		if (json_array_append_new(arr, nv) != 0) {
			rc = core_nomem(cv->ctx);
			break;
		}
	}
	cv->depth--;
	if (rc != ATTEST_OK) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return ATTEST_OK;
}
