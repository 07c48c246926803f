/*
 * AWS Config import, one configuration item at a time. Reads both naming
 * styles of an item (snapshot files: ARN, awsAccountId, configuration as an
 * object; the config API: arn, accountId, configuration as a JSON string),
 * maps the envelope onto a native resource (type, id, arn, name, region,
 * account, tags), normalizes the configuration to the API's key names
 * (awsconfig_norm.c), parses supplementaryConfiguration values given as JSON
 * text, and applies the few per-type fixes that make a Config item read like
 * the API answer a collector would have stored (awsconfig_s3.c for S3 and
 * the older types, awsconfig_svc.c for the newer services). Items
 * of deleted or unrecorded resources are skipped.
 */
#include "config.h"

#include "awsconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AWSCONFIG_PATH_MAX 4096

/* Types whose Config configuration is the API's shape in camelCase. An entry
 * ending in "::" is a prefix. */
static const char *const capitalized_types[] = {
	"AWS::EC2::",
	"AWS::IAM::",
	"AWS::RDS::",
	"AWS::CloudTrail::",
	"AWS::KMS::",
	"AWS::CloudWatch::Alarm",
	"AWS::ELB::",
	"AWS::ElasticLoadBalancing::",
	"AWS::ElasticLoadBalancingV2::",
	"AWS::Redshift::",
	"AWS::AutoScaling::",
	"AWS::SSM::",
	"AWS::DynamoDB::Table",
	"AWS::Lambda::Function",
	"AWS::ElasticBeanstalk::",
	"AWS::ACM::Certificate",
	"AWS::S3::Bucket",
	"AWS::ElastiCache::",
	"AWS::CloudFront::Distribution",
	"AWS::WAFv2::WebACL",
};

/* attest's own types (resource-types.md) that share those prefixes: never
 * re-cased (the credential report's keys are the CSV's). */
static const char *const own_types[] = {
	"AWS::IAM::AccountSummary",
	"AWS::IAM::AccountPasswordPolicy",
	"AWS::IAM::CredentialReportEntry",
	"AWS::EC2::EBSEncryptionByDefault",
};

/* Types whose native id is Config's resourceName (Config's resourceId is the
 * internal unique id: AIDA..., AROA..., db-...). */
static const char *const id_is_name[] = {
	"AWS::IAM::User",
	"AWS::IAM::Group",
	"AWS::IAM::Role",
	"AWS::RDS::DBInstance",
	"AWS::IAM::ServerCertificate",
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static bool
in_list(const char *const *list, size_t n, const char *type)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = strlen(list[i]);
		if (len > 2 && list[i][len - 1] == ':' ? strncmp(list[i], type, len) == 0
						       : strcmp(list[i], type) == 0)
			return true;
	}
	return false;
}

attest_rc
awsconfig_fail(struct awsconfig_conv *cv, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return core_error(cv->ctx, ATTEST_ERR_INVALID, "configuration item '%s' '%s': '%s' %s",
			  cv->type, cv->id, cv->path.data ? cv->path.data : "", msg);
}

static attest_rc
path_add(struct awsconfig_conv *cv, const char *s, size_t n, size_t *mark)
{
	attest_rc rc;

	*mark = cv->path.len;
	rc = core_buf_add(&cv->path, s, n);
	if (rc == ATTEST_ERR_NOMEM)
		return core_nomem(cv->ctx);
	if (rc != ATTEST_OK)
		return core_error(cv->ctx, ATTEST_ERR_INVALID,
				  "configuration item '%s' '%s': keys nested too deeply", cv->type,
				  cv->id);
	return ATTEST_OK;
}

attest_rc
awsconfig_path_key(struct awsconfig_conv *cv, const char *key, size_t *mark)
{
	size_t m;
	attest_rc rc;

	if (cv->path.len == 0)
		return path_add(cv, key, strlen(key), mark);
	if ((rc = path_add(cv, ".", 1, mark)) != ATTEST_OK)
		return rc;
	if ((rc = path_add(cv, key, strlen(key), &m)) != ATTEST_OK)
		awsconfig_path_pop(cv, *mark);
	return rc;
}

attest_rc
awsconfig_path_index(struct awsconfig_conv *cv, size_t i, size_t *mark)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "[%zu]", i);

	return path_add(cv, s, (size_t)n, mark);
}

void
awsconfig_path_pop(struct awsconfig_conv *cv, size_t mark)
{
	if (cv->path.data && mark <= cv->path.len) {
		cv->path.len = mark;
		cv->path.data[mark] = '\0';
	}
}

/* The first of the keys present and not null; NULL when none is. */
static const json_t *
member(const json_t *obj, const char *a, const char *b)
{
	const json_t *v = json_object_get(obj, a);

	if ((!v || json_is_null(v)) && b)
		v = json_object_get(obj, b);
	return v && !json_is_null(v) ? v : NULL;
}

/* Copies an optional string member (absent and null leave it out). */
static attest_rc
copy_string(struct awsconfig_conv *cv, const json_t *item, const char *a, const char *b,
	    json_t *res, const char *to)
{
	const json_t *v = member(item, a, b);

	if (!v)
		return ATTEST_OK;
	if (!json_is_string(v))
		return core_error(cv->ctx, ATTEST_ERR_INVALID,
				  "configuration item '%s' '%s': '%s' must be a string or null",
				  cv->type, cv->id, json_object_get(item, a) == v ? a : b);
	if (json_object_set_new(res, to, json_deep_copy(v)) != 0)
		return core_nomem(cv->ctx);
	return ATTEST_OK;
}

/* tags: a map is kept; a list of {key,value} / {Key,Value} becomes a map. */
static attest_rc
convert_tags(struct awsconfig_conv *cv, const json_t *tags, json_t **out)
{
	json_t *map;
	const json_t *el, *k, *v;
	size_t i;

	*out = NULL;
	if (json_is_object(tags)) {
		*out = json_deep_copy(tags);
		return *out ? ATTEST_OK : core_nomem(cv->ctx);
	}
	if (!json_is_array(tags))
		return awsconfig_fail(cv, "must be an object or a list of {key, value}");
	if (!(map = json_object()))
		return core_nomem(cv->ctx);
	json_array_foreach(tags, i, el)
	{
		k = member(el, "key", "Key");
		v = member(el, "value", "Value");
		if (!json_is_object(el) || !json_is_string(k) || (v && !json_is_string(v))) {
			json_decref(map);
			return awsconfig_fail(
				cv, "entry %zu must be {\"key\": string, \"value\": string}", i);
		}
		if (json_object_set_new(map, json_string_value(k),
					v ? json_deep_copy(v) : json_string("")) != 0) {
			json_decref(map);
			return core_nomem(cv->ctx);
		}
	}
	*out = map;
	return ATTEST_OK;
}

/* configuration: an object, null, or (API style) JSON text of one. */
static attest_rc
convert_configuration(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	json_t *parsed = NULL;
	attest_rc rc;

	*out = NULL;
	if (json_is_string(in)) {
		rc = awsconfig_parse(cv, json_string_value(in), json_string_length(in), &parsed);
		if (rc != ATTEST_OK)
			return rc;
		in = parsed;
	}
	if (json_is_null(in)) {
		json_decref(parsed);
		*out = json_null();
		return ATTEST_OK;
	}
	if (!json_is_object(in))
		rc = awsconfig_fail(cv, "must be an object, null or the JSON text of one");
	else
		rc = awsconfig_norm(cv, in, NULL, NULL, out);
	json_decref(parsed);
	return rc;
}

static bool
looks_like_json(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '{' || *s == '[';
}

/* supplementaryConfiguration: values that are JSON text of an object or a
 * list (API style) are parsed; everything else is kept. */
static attest_rc
convert_supplementary(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	const char *k;
	const json_t *v;
	json_t *obj, *nv;
	size_t mark;
	attest_rc rc = ATTEST_OK;

	*out = NULL;
	if (!json_is_object(in))
		return awsconfig_fail(cv, "must be an object");
	if (!(obj = json_object()))
		return core_nomem(cv->ctx);
	json_object_foreach((json_t *)in, k, v)
	{
		if ((rc = awsconfig_path_key(cv, k, &mark)) != ATTEST_OK)
			break;
		if (json_is_string(v) && looks_like_json(json_string_value(v)))
			rc = awsconfig_parse(cv, json_string_value(v), json_string_length(v), &nv);
		else
			rc = (nv = json_deep_copy(v)) ? ATTEST_OK : core_nomem(cv->ctx);
		awsconfig_path_pop(cv, mark);
		if (rc != ATTEST_OK)
			break;
		if (json_object_set_new(obj, k, nv) != 0) {
			rc = core_nomem(cv->ctx);
			break;
		}
	}
	if (rc != ATTEST_OK) {
		json_decref(obj);
		return rc;
	}
	*out = obj;
	return ATTEST_OK;
}

static bool
skipped_status(const json_t *item)
{
	const char *s = json_string_value(json_object_get(item, "configurationItemStatus"));

	return s && (!strcmp(s, "ResourceDeleted") || !strcmp(s, "ResourceNotRecorded") ||
		     !strcmp(s, "ResourceDeletedNotRecorded"));
}

/* Adds ConfigurationItemCaptureTime (ISO 8601; the raw API gives epoch
 * seconds) to supplementaryConfiguration, creating it if needed. */
static attest_rc
add_capture_time(attest_ctx *ctx, const json_t *item, json_t **supp)
{
	const json_t *t = json_object_get(item, "configurationItemCaptureTime");
	char iso[21];
	json_t *v;

	if (json_is_string(t)) {
		v = json_deep_copy(t);
	} else if (json_is_number(t) && json_number_value(t) >= 0 &&
		   json_number_value(t) < 253402300800.0) {
		core_time_iso((time_t)json_number_value(t), iso);
		v = json_string(iso);
	} else {
		return ATTEST_OK;
	}
	if (!v || (!*supp && !(*supp = json_object()))) {
		json_decref(v);
		return core_nomem(ctx);
	}
	if (json_object_set_new(*supp, "ConfigurationItemCaptureTime", v) != 0)
		return core_nomem(ctx);
	return ATTEST_OK;
}

static attest_rc
convert(struct awsconfig_conv *cv, const json_t *item, json_t *res)
{
	const json_t *v;
	json_t *conf = NULL, *supp = NULL, *tags = NULL;
	size_t mark;
	attest_rc rc;

	if ((rc = copy_string(cv, item, "ARN", "arn", res, "arn")) != ATTEST_OK ||
	    (rc = copy_string(cv, item, "resourceName", NULL, res, "name")) != ATTEST_OK ||
	    (rc = copy_string(cv, item, "awsRegion", NULL, res, "region")) != ATTEST_OK ||
	    (rc = copy_string(cv, item, "awsAccountId", "accountId", res, "account")) != ATTEST_OK)
		return rc;
	if ((v = member(item, "tags", NULL))) {
		if ((rc = awsconfig_path_key(cv, "tags", &mark)) != ATTEST_OK)
			return rc;
		rc = convert_tags(cv, v, &tags);
		awsconfig_path_pop(cv, mark);
		if (rc != ATTEST_OK)
			return rc;
		if (json_object_set_new(res, "tags", tags) != 0)
			return core_nomem(cv->ctx);
	}
	if ((v = json_object_get(item, "configuration"))) {
		if ((rc = awsconfig_path_key(cv, "configuration", &mark)) != ATTEST_OK)
			return rc;
		rc = convert_configuration(cv, v, &conf);
		awsconfig_path_pop(cv, mark);
		if (rc != ATTEST_OK)
			return rc;
		if (json_object_set_new(res, "configuration", conf) != 0)
			return core_nomem(cv->ctx);
	}
	if ((v = member(item, "supplementaryConfiguration", NULL))) {
		if ((rc = awsconfig_path_key(cv, "supplementaryConfiguration", &mark)) != ATTEST_OK)
			return rc;
		rc = convert_supplementary(cv, v, &supp);
		awsconfig_path_pop(cv, mark);
		if (rc != ATTEST_OK)
			return rc;
	}
	if ((rc = awsconfig_path_key(cv, "supplementaryConfiguration", &mark)) == ATTEST_OK) {
		rc = awsconfig_fix_type(cv, res, conf, supp);
		awsconfig_path_pop(cv, mark);
	}
	if (rc == ATTEST_OK)
		rc = awsconfig_fix_service(cv, item, res, conf, &supp);
	if (rc == ATTEST_OK)
		rc = add_capture_time(cv->ctx, item, &supp);
	if (rc == ATTEST_OK && supp &&
	    json_object_set(res, "supplementaryConfiguration", supp) != 0)
		rc = core_nomem(cv->ctx);
	json_decref(supp);
	return rc;
}

/* The resource of an item: converted whole, or (envelope_only) its type,
 * id, arn, name, region and account alone. */
static attest_rc
item_resource(attest_ctx *ctx, const json_t *item, bool envelope_only, json_t **out)
{
	struct awsconfig_conv cv;
	const json_t *type, *id, *name;
	json_t *res;
	attest_rc rc;

	*out = NULL;
	type = json_object_get(item, "resourceType");
	id = json_object_get(item, "resourceId");
	if (!json_is_string(type) || json_string_length(type) == 0)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "configuration item: 'resourceType' must be a string");
	if (!json_is_string(id) || json_string_length(id) == 0)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "configuration item '%s': 'resourceId' must be a string",
				  json_string_value(type));
	memset(&cv, 0, sizeof(cv));
	cv.ctx = ctx;
	cv.type = json_string_value(type);
	cv.id = json_string_value(id);
	cv.capitalize = in_list(capitalized_types, N_ELEMS(capitalized_types), cv.type) &&
			!in_list(own_types, N_ELEMS(own_types), cv.type);
	core_buf_init(&cv.path, AWSCONFIG_PATH_MAX);
	name = json_object_get(item, "resourceName");
	if (in_list(id_is_name, N_ELEMS(id_is_name), cv.type) && json_is_string(name) &&
	    json_string_length(name) > 0)
		id = name;
	res = json_pack("{soso}", "type", json_deep_copy(type), "id", json_deep_copy(id));
	if (!res) {
		core_buf_release(&cv.path);
		return core_nomem(ctx);
	}
	if (envelope_only) {
		if ((rc = copy_string(&cv, item, "ARN", "arn", res, "arn")) == ATTEST_OK &&
		    (rc = copy_string(&cv, item, "resourceName", NULL, res, "name")) == ATTEST_OK &&
		    (rc = copy_string(&cv, item, "awsRegion", NULL, res, "region")) == ATTEST_OK)
			rc = copy_string(&cv, item, "awsAccountId", "accountId", res, "account");
	} else {
		rc = convert(&cv, item, res);
	}
	core_buf_release(&cv.path);
	if (rc != ATTEST_OK) {
		json_decref(res);
		return rc;
	}
	*out = res;
	return ATTEST_OK;
}

attest_rc
awsconfig_item(attest_ctx *ctx, const json_t *item, json_t **out)
{
	*out = NULL;
	if (!json_is_object(item))
		return core_error(ctx, ATTEST_ERR_INVALID, "configuration item: must be an object");
	if (skipped_status(item))
		return ATTEST_OK;
	return item_resource(ctx, item, false, out);
}

attest_rc
awsconfig_item_any(attest_ctx *ctx, const json_t *item, json_t **out, bool *gone)
{
	*out = NULL;
	*gone = false;
	if (!json_is_object(item))
		return core_error(ctx, ATTEST_ERR_INVALID, "configuration item: must be an object");
	*gone = skipped_status(item);
	return item_resource(ctx, item, *gone, out);
}

bool
awsconfig_capture_time(const json_t *item, double *out)
{
	const json_t *t = json_object_get(item, "configurationItemCaptureTime");
	const char *frac;
	double scale = 0.1;
	time_t secs;

	if (json_is_number(t)) {
		*out = json_number_value(t);
		return true;
	}
	/* ISO 8601 in UTC, as snapshot files and the CLI (+00:00) write it */
	if (!json_is_string(t) || !core_time_parse(json_string_value(t), &secs))
		return false;
	*out = (double)secs;
	frac = strchr(json_string_value(t), '.');
	if (frac)
		for (frac++; *frac >= '0' && *frac <= '9'; frac++, scale /= 10)
			*out += (*frac - '0') * scale;
	return true;
}
