/*
 * Endpoints of the AWS services attest collects from. The default host of a
 * regional service is <prefix>.<region>.<partition domain>; the handful of
 * global services (IAM, Organizations, STS without a region) live on one host
 * and are signed for the partition's home region. Users and tests redirect
 * any service with the SDK-wide settings: AWS_ENDPOINT_URL_<SERVICE_ID>,
 * AWS_ENDPOINT_URL, a "services" section of the config file, or a profile's
 * endpoint_url; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns them all off.
 */
#include "config.h"

#include "collect/aws/credentials.h"
#include "collect/aws/credentials_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct service {
	const char *prefix;  /* endpoint prefix, as attest names the service */
	const char *env_id;  /* SDK service id, upper case, '_' for spaces */
	const char *signing; /* SigV4 signing name */
	bool global;         /* one endpoint for the whole partition */
};

/* The services the collector reads, plus a few it is likely to read next.
 * env_id follows each SDK's "serviceId" (AWS_ENDPOINT_URL_<env_id>). */
static const struct service services[] = {
	{"iam", "IAM", "iam", true},
	{"sts", "STS", "sts", false},
	{"ec2", "EC2", "ec2", false},
	{"s3", "S3", "s3", false},
	{"cloudtrail", "CLOUDTRAIL", "cloudtrail", false},
	{"kms", "KMS", "kms", false},
	{"config", "CONFIG_SERVICE", "config", false},
	{"logs", "CLOUDWATCH_LOGS", "logs", false},
	{"monitoring", "CLOUDWATCH", "monitoring", false},
	{"sns", "SNS", "sns", false},
	{"sqs", "SQS", "sqs", false},
	{"rds", "RDS", "rds", false},
	{"elasticfilesystem", "EFS", "elasticfilesystem", false},
	{"securityhub", "SECURITYHUB", "securityhub", false},
	{"access-analyzer", "ACCESSANALYZER", "access-analyzer", false},
	{"organizations", "ORGANIZATIONS", "organizations", true},
	{"secretsmanager", "SECRETS_MANAGER", "secretsmanager", false},
	{"guardduty", "GUARDDUTY", "guardduty", false},
	{"lambda", "LAMBDA", "lambda", false},
	{"dynamodb", "DYNAMODB", "dynamodb", false},
	{"elasticloadbalancing", "ELASTIC_LOAD_BALANCING_V2", "elasticloadbalancing", false},
	{"acm", "ACM", "acm", false},
	{"macie2", "MACIE2", "macie2", false},
	{"ssm", "SSM", "ssm", false},
	{"account", "ACCOUNT", "account", false},
	{"cloudfront", "CLOUDFRONT", "cloudfront", true},
	{"apigateway", "API_GATEWAY", "apigateway", false},
	{"ecs", "ECS", "ecs", false},
	{"eks", "EKS", "eks", false},
	{"wafv2", "WAFV2", "wafv2", false},
	{"sagemaker", "SAGEMAKER", "sagemaker", false},
	{"bedrock", "BEDROCK", "bedrock", false},
	{"bedrock-agent", "BEDROCK_AGENT", "bedrock", false},
	/* data stores (DynamoDB, SQS, Secrets Manager, ACM: above) */
	{"redshift", "REDSHIFT", "redshift", false},
	{"elasticache", "ELASTICACHE", "elasticache", false},
	{"es", "OPENSEARCH", "es", false},
	{"backup", "BACKUP", "backup", false},
	{"api.ecr", "ECR", "ecr", false},
};

static const struct service *
service_find(const char *prefix)
{
	size_t i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (strcmp(services[i].prefix, prefix) == 0)
			return &services[i];
	return NULL;
}

const char *
aws_service_env_id(const char *service)
{
	const struct service *s = service ? service_find(service) : NULL;

	return s ? s->env_id : NULL;
}

/* The partition's DNS suffix and home region of a region name. */
static void
partition_of(const char *region, const char **domain, const char **home)
{
	*domain = "amazonaws.com";
	*home = "us-east-1";
	if (!region)
		return;
	if (strncmp(region, "cn-", 3) == 0) {
		*domain = "amazonaws.com.cn";
		*home = "cn-north-1";
	} else if (strncmp(region, "us-gov-", 7) == 0) {
		*home = "us-gov-west-1";
	}
}

static bool
env_true(const char *name)
{
	const char *v = getenv(name);

	return v && strcasecmp(v, "true") == 0;
}

/* A region name goes into a host name: only [a-z0-9-] is acceptable. */
static bool
region_valid(const char *r)
{
	if (!r || !*r || strlen(r) > 64)
		return false;
	for (; *r; r++)
		if (!islower((unsigned char)*r) && !isdigit((unsigned char)*r) && *r != '-')
			return false;
	return true;
}

/* Checks an override URL and copies it without a trailing '/'. */
static attest_rc
override_url(attest_ctx *ctx, const char *url, const char *from, char **out)
{
	size_t n = strlen(url);

	while (n > 0 && (url[n - 1] == '/' || url[n - 1] == ' '))
		n--;
	while (*url == ' ' && n > 0) {
		url++;
		n--;
	}
	if (!(n > 7 && strncasecmp(url, "http://", 7) == 0) &&
	    !(n > 8 && strncasecmp(url, "https://", 8) == 0))
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "endpoint '%.*s' from %s is not an "
				  "http:// or https:// url",
				  (int)n, url, from);
	if (memchr(url, '?', n) || memchr(url, '#', n) || memchr(url, '@', n))
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "endpoint '%.*s' from %s must not "
				  "carry credentials, a query or a fragment",
				  (int)n, url, from);
	*out = strndup(url, n);
	return *out ? ATTEST_OK : core_nomem(ctx);
}

/* The configured override for svc, if any: *url stays NULL when none. */
static attest_rc
find_override(attest_ctx *ctx, const struct service *svc, const char *profile, char **url)
{
	struct aws_files *files = NULL;
	char env[96], key[96], *p;
	const char *v, *services_name, *env_id;
	attest_rc rc;

	*url = NULL;
	if (env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
		return ATTEST_OK;
	env_id = svc ? svc->env_id : NULL;
	if (env_id) {
		snprintf(env, sizeof(env), "AWS_ENDPOINT_URL_%s", env_id);
		if ((v = getenv(env)) && *v)
			return override_url(ctx, v, env, url);
	}
	if ((v = getenv("AWS_ENDPOINT_URL")) && *v)
		return override_url(ctx, v, "AWS_ENDPOINT_URL", url);

	rc = aws_files_load(ctx, &files);
	if (rc != ATTEST_OK)
		return rc;
	profile = aws_profile_name(profile);
	if (env_id && (services_name = aws_profile_get(files, profile, "services"))) {
		/* [services NAME] with "<service id lower case> =" and an
		 * indented "endpoint_url = ..." under it. */
		snprintf(key, sizeof(key), "%s.endpoint_url", env_id);
		for (p = key; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		v = aws_config_get(files, "services", services_name, key);
		if (v && *v) {
			snprintf(env, sizeof(env), "the services section '%s'", services_name);
			rc = override_url(ctx, v, env, url);
			goto out;
		}
	}
	v = aws_profile_get(files, profile, "endpoint_url");
	if (v && *v) {
		snprintf(env, sizeof(env), "profile '%s'", profile);
		rc = override_url(ctx, v, env, url);
	}
out:
	aws_files_free(files);
	return rc;
}

void
aws_endpoint_release(struct aws_endpoint *ep)
{
	if (!ep)
		return;
	free(ep->url);
	free(ep->signing_region);
	memset(ep, 0, sizeof(*ep));
}

attest_rc
aws_endpoint_resolve(attest_ctx *ctx, const char *service, const char *region, const char *profile,
		     struct aws_endpoint *out)
{
	const struct service *svc;
	const char *domain, *home, *sign_region;
	struct core_buf b;
	char *ov = NULL;
	attest_rc rc;

	memset(out, 0, sizeof(*out));
	core_buf_init(&b, 1024);
	if (!service || !*service || strlen(service) >= sizeof(out->signing_name))
		return core_error(ctx, ATTEST_ERR_USAGE, "no valid service named for an endpoint");
	svc = service_find(service);
	if (region && !region_valid(region))
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "region '%s' is not a valid AWS "
				  "region name",
				  region);
	partition_of(region, &domain, &home);
	if (!region && !(svc && (svc->global || strcmp(svc->prefix, "sts") == 0)))
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "service '%s' needs a region; set "
				  "AWS_REGION or a profile region",
				  service);

	rc = find_override(ctx, svc, profile, &ov);
	if (rc != ATTEST_OK)
		goto out;
	sign_region = region;
	if (svc && svc->global)
		sign_region = home;
	if (!sign_region)
		sign_region = home; /* global STS */
	if (ov) {
		out->url = ov;
		ov = NULL;
		out->overridden = true;
		/* Emulators and gateways take the bucket in the path. */
		out->s3_path_style = true;
	} else if (svc && strcmp(svc->prefix, "iam") == 0) {
		if (region && strncmp(region, "us-gov-", 7) == 0)
			rc = core_buf_adds(&b, "https://iam.us-gov.amazonaws.com");
		else if (region && strncmp(region, "cn-", 3) == 0)
			rc = core_buf_printf(&b, "https://iam.%s.%s", home, domain);
		else
			rc = core_buf_adds(&b, "https://iam.amazonaws.com");
	} else if (svc && strcmp(svc->prefix, "cloudfront") == 0) {
		rc = core_buf_printf(&b, "https://cloudfront.%s", domain);
	} else if (svc && strcmp(svc->prefix, "sagemaker") == 0 && region) {
		rc = core_buf_printf(&b, "https://api.sagemaker.%s.%s", region, domain);
	} else if (svc && strcmp(svc->prefix, "organizations") == 0) {
		rc = core_buf_printf(&b, "https://organizations.%s.%s", home, domain);
	} else if (!region) {
		rc = core_buf_adds(&b, "https://sts.amazonaws.com");
	} else {
		rc = core_buf_printf(&b, "https://%s.%s.%s", service, region, domain);
	}
	if (rc != ATTEST_OK)
		goto nomem;
	if (!out->url)
		out->url = core_buf_take(&b);
	out->signing_region = core_strdup(sign_region);
	/* A service outside the table signs with its endpoint prefix, which
	 * is right for most of AWS. */
	snprintf(out->signing_name, sizeof(out->signing_name), "%s", svc ? svc->signing : service);
	if (!out->url || !out->signing_region)
		goto nomem;
	rc = ATTEST_OK;
	goto out;
nomem:
	rc = core_nomem(ctx);
out:
	if (rc != ATTEST_OK)
		aws_endpoint_release(out);
	core_buf_release(&b);
	free(ov);
	return rc;
}

attest_rc
aws_endpoint_for(attest_ctx *ctx, const char *service, const char *region, const char *profile,
		 char **url_out)
{
	struct aws_endpoint ep;
	attest_rc rc;

	*url_out = NULL;
	rc = aws_endpoint_resolve(ctx, service, region, profile, &ep);
	if (rc != ATTEST_OK)
		return rc;
	*url_out = ep.url;
	ep.url = NULL;
	aws_endpoint_release(&ep);
	return ATTEST_OK;
}

/* Bucket names that can be a host label under TLS: 3-63 of [a-z0-9-], no
 * dots (a dot breaks the *.s3 wildcard certificate). */
static bool
dns_bucket(const char *b)
{
	size_t n = strlen(b), i;

	if (n < 3 || n > 63 || b[0] == '-' || b[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)b[i]) && !isdigit((unsigned char)b[i]) && b[i] != '-')
			return false;
	return true;
}

attest_rc
aws_s3_bucket_url(attest_ctx *ctx, const struct aws_endpoint *ep, const char *bucket,
		  const char *key_query, char **url_out)
{
	struct core_buf b;
	const char *host;
	char *enc = NULL;
	attest_rc rc;

	*url_out = NULL;
	if (!key_query)
		key_query = "";
	core_buf_init(&b, 8192);
	if (!bucket || !*bucket)
		return core_error(ctx, ATTEST_ERR_USAGE, "no bucket named for an s3 request");
	if (!ep->s3_path_style && dns_bucket(bucket) && (host = strstr(ep->url, "://"))) {
		host += 3;
		rc = core_buf_printf(&b, "%.*s%s.%s%s", (int)(host - ep->url), ep->url, bucket,
				     host, key_query);
	} else {
		enc = aws_uri_encode(bucket, strlen(bucket), false);
		if (!enc)
			return core_nomem(ctx);
		rc = core_buf_printf(&b, "%s/%s%s", ep->url, enc, key_query);
	}
	free(enc);
	if (rc != ATTEST_OK) {
		core_buf_release(&b);
		return rc == ATTEST_ERR_LIMIT
			       ? core_error(ctx, rc, "s3 url for bucket '%s' is too long", bucket)
			       : core_nomem(ctx);
	}
	*url_out = core_buf_take(&b);
	return ATTEST_OK;
}
