/*
 * iam_policy_denies_insecure_transport: whether a resource policy denies
 * every request that does not use TLS (aws:SecureTransport false, or a TLS
 * version below a bound) for all of the resource's actions and objects.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlfn_iam.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A condition value meaning false: false, "false", or an array with one. */
static int
cond_value_false(json_t *v)
{
	size_t i;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (cond_value_false(json_array_get(v, i)))
				return 1;
		return 0;
	}
	return json_is_false(v) ||
	       (json_is_string(v) && strcasecmp(json_string_value(v), "false") == 0);
}

/*
 * A NumericLessThan bound on s3:TlsVersion that denies TLS below 1.2 (or a
 * stricter bound): the value may be a number, a numeric string or an array.
 */
static int
cond_value_tls_bound(json_t *v)
{
	const char *s, *frac, *rest;
	char *end;
	long major;
	size_t i;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (cond_value_tls_bound(json_array_get(v, i)))
				return 1;
		return 0;
	}
	if (json_is_number(v))
		return json_number_value(v) >= 1.2;
	if (!json_is_string(v))
		return 0;
	/*
	 * A decimal parsed by hand (strtod would follow the locale): the
	 * bound is at least 1.2 if the integer part exceeds 1, or is 1 and
	 * the first fraction digit is 2 or more.
	 */
	s = json_string_value(v);
	if (!isdigit((unsigned char)*s))
		return 0;
	major = strtol(s, &end, 10);
	frac = NULL;
	if (*end == '.') {
		frac = end + 1;
		if (!isdigit((unsigned char)*frac))
			return 0;
		for (rest = frac; isdigit((unsigned char)*rest); rest++)
			;
	} else {
		rest = end;
	}
	if (*rest != '\0')
		return 0;
	return major > 1 || (major == 1 && frac != NULL && *frac >= '2');
}

/* 1 if op applied to key with value v denies plain HTTP or TLS below 1.2. */
static int
cond_test_enforces_tls(const char *op, const char *key, json_t *v)
{
	if (strcasecmp(op, "Bool") == 0 || strcasecmp(op, "BoolIfExists") == 0)
		return strcasecmp(key, "aws:SecureTransport") == 0 && cond_value_false(v);
	if (strcasecmp(op, "NumericLessThan") == 0 ||
	    strcasecmp(op, "NumericLessThanIfExists") == 0)
		return strcasecmp(key, "s3:TlsVersion") == 0 && cond_value_tls_bound(v);
	return 0;
}

/*
 * The Condition is one test, and it is Bool/BoolIfExists aws:SecureTransport
 * false or NumericLessThan(IfExists) s3:TlsVersion 1.2 or above. Tests are
 * ANDed, so any other key or operator beside it (aws:SourceVpce, even a
 * second TLS test) narrows the deny to some insecure requests only.
 */
static int
cond_only_tls(json_t *cond)
{
	const char *op, *key;
	json_t *block, *v;
	size_t tests = 0;

	if (!json_is_object(cond))
		return 0;
	json_object_foreach(cond, op, block)
	{
		if (!json_is_object(block))
			return 0;
		json_object_foreach(block, key, v)
		{
			if (++tests > 1 || !cond_test_enforces_tls(op, key, v))
				return 0;
		}
	}
	return tests == 1;
}

/*
 * Whether stmt covers the resource arn and, for a bucket, every object in
 * it (objects is arn + "/" + "*" and dir arn + "/", both NULL for other
 * resources). A Resource pattern must match arn and the literal objects
 * string (b/ then *, b*, * do; b/logs/ then * does not); no NotResource
 * pattern may match arn or any name that begins with dir.
 */
static int
stmt_covers_all(json_t *stmt, const char *arn, const char *objects, const char *dir)
{
	json_t *v = json_object_get(stmt, "Resource");
	size_t i, n;

	if (v != NULL)
		return iam_vals_match(v, arn, 0) &&
		       (objects == NULL || iam_vals_match(v, objects, 0));
	if ((v = json_object_get(stmt, "NotResource")) == NULL || iam_vals_match(v, arn, 0))
		return 0;
	if (dir == NULL)
		return 1;
	n = iam_vals_count(v);
	for (i = 0; i < n; i++) {
		const char *pat = iam_vals_at(v, i);

		if (pat != NULL && iam_wild_scan(pat, dir, 0, 1))
			return 0;
	}
	return 1;
}

/*
 * Splits arn ("arn:partition:service:region:account:resource") into its
 * service (*svc, *svclen); sets *bucket when it names an S3 bucket rather
 * than an object. Returns 0, or -1 when arn is not of that form.
 */
static int
arn_service(const char *arn, const char **svc, size_t *svclen, int *bucket)
{
	const char *s, *end;

	if (strncmp(arn, "arn:", 4) != 0 || (s = strchr(arn + 4, ':')) == NULL ||
	    (end = strchr(++s, ':')) == NULL || end == s)
		return -1;
	*svc = s;
	*svclen = (size_t)(end - s);
	*bucket = *svclen == 2 && strncmp(s, "s3", 2) == 0 && strncmp(end, ":::", 3) == 0 &&
		  end[3] != '\0' && strchr(end, '/') == NULL;
	return 0;
}

/*
 * iam_policy_denies_insecure_transport(doc [, arn]): a Deny for everybody
 * on all actions of the service, conditioned on TLS alone. With arn (the
 * resource the policy is attached to) the statement must also cover it: an
 * SQS queue or SNS topic ARN as it is, an S3 bucket ARN together with the
 * ARN of all its objects (arn + "/" + "*"), so a deny on a prefix does not
 * count; "*" covers any. The service in the ARN gives the action wildcard
 * ("sqs:*"). Without arn the action is "s3:*" and Resource is not examined.
 * A third argument names one more action whose denial counts (SNS documents
 * its TLS deny on "SNS:Publish" alone).
 */
void
sqlfn_iam_denies_insecure_transport(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *arn = NULL, *svc, *extra = NULL;
	char *action = NULL, *objects = NULL, *dir = NULL;
	json_t *root = NULL, *st;
	size_t i, n, svclen;
	int denies = 0, bucket;

	if (argc > 1) {
		if (sqlite3_value_type(argv[1]) != SQLITE_TEXT)
			return;
		if ((arn = (const char *)sqlite3_value_text(argv[1])) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		if (arn_service(arn, &svc, &svclen, &bucket) != 0)
			return;
		if (argc > 2 && sqlite3_value_type(argv[2]) == SQLITE_TEXT)
			extra = (const char *)sqlite3_value_text(argv[2]);
		action = sqlite3_mprintf("%.*s:*", (int)svclen, svc);
		if (bucket) {
			objects = sqlite3_mprintf("%s/*", arn);
			dir = sqlite3_mprintf("%s/", arn);
		}
		if (action == NULL || (bucket && (objects == NULL || dir == NULL))) {
			sqlite3_result_error_nomem(ctx);
			goto out;
		}
	}
	if ((root = iam_load_policy(ctx, argv[0])) == NULL)
		goto out;
	n = iam_stmt_count(root);
	for (i = 0; i < n && !denies; i++) {
		if ((st = iam_stmt_at(root, i)) == NULL || !iam_effect_is(st, "Deny"))
			continue;
		denies = iam_principal_is_everyone(json_object_get(st, "Principal")) &&
			 (iam_vals_contain(json_object_get(st, "Action"),
					   action != NULL ? action : "s3:*", "*") ||
			  (extra != NULL &&
			   iam_vals_contain(json_object_get(st, "Action"), extra, NULL))) &&
			 cond_only_tls(json_object_get(st, "Condition")) &&
			 (arn == NULL || stmt_covers_all(st, arn, objects, dir));
	}
	sqlite3_result_int(ctx, denies);
out:
	json_decref(root);
	sqlite3_free(action);
	sqlite3_free(objects);
	sqlite3_free(dir);
}
