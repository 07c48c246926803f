/*
 * Where the live collector's credentials, region and endpoints come from,
 * resolved the way the AWS CLI does: environment variables, the shared
 * credentials and config files with their profiles and source_profile /
 * role_arn chains, STS AssumeRole, and the EC2 instance metadata service
 * (IMDSv2). doc/aws-credentials.md describes the order for users.
 *
 * Ownership: every char ** out-parameter receives a new string the caller
 * frees with free(); every struct filled in by a function here is released
 * with its _release function (which accepts a zeroed struct). Inputs are
 * borrowed for the duration of the call. Secret keys and session tokens are
 * never put in an error message or a log line.
 */
#ifndef ATTEST_AWS_CREDENTIALS_H
#define ATTEST_AWS_CREDENTIALS_H

#include "collect/aws/sigv4.h"

/* ---- the small HTTP transport used for STS and IMDS ---------------------- */

struct aws_http_request {
	const char *method; /* "GET", "PUT", "POST" */
	const char *url;
	const struct aws_header *headers;
	size_t n_headers;
	const void *body;
	size_t body_len;
	long timeout_ms; /* whole request; 0 = default (10 s) */
	bool no_proxy;   /* bypass proxies (IMDS is link-local) */
};

struct aws_http_response {
	long status; /* HTTP status, 0 when none */
	char *body;  /* NUL-terminated, free() */
	size_t body_len;
};

/* Performs one request. Returns ATTEST_OK when an HTTP answer (any status)
 * arrived, an error with a message on ctx when none did. */
typedef attest_rc (*aws_http_fn)(attest_ctx *ctx, void *userdata,
				 const struct aws_http_request *req,
				 struct aws_http_response *resp);

struct aws_transport {
	aws_http_fn fn;
	void *userdata;
};

/* The built-in transport: libcurl's easy interface, TLS verified, bounded
 * timeouts and response size (1 MiB), proxies from the environment unless
 * req->no_proxy. userdata is unused. */
attest_rc aws_http_curl(attest_ctx *ctx, void *userdata, const struct aws_http_request *req,
			struct aws_http_response *resp);
void aws_http_response_release(struct aws_http_response *resp);

/* ---- credentials --------------------------------------------------------- */

struct aws_config_opts {
	const char *profile;      /* --profile; NULL: AWS_PROFILE, else "default" */
	const char *role_arn;     /* --role-arn: assumed on top of the base credentials */
	const char *external_id;  /* with role_arn */
	const char *session_name; /* with role_arn; NULL: "attest-<time>" */
	int duration_seconds;     /* with role_arn; 0: 3600 */
	/* Additions: */
	const struct aws_transport *transport; /* NULL: aws_http_curl */
	/* With role_arn: receives the credentials the role was assumed with,
	 * so that the caller can assume it again before its session expires
	 * (release with aws_credentials_release()); NULL: they are released. */
	struct aws_credentials *base_out;
};

/*
 * Resolves credentials: an explicit profile first (opts->profile), else the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN),
 * else the profile named by AWS_PROFILE or "default" in the shared files
 * (following role_arn/source_profile/credential_source chains through STS),
 * else IMDSv2 (unless AWS_EC2_METADATA_DISABLED=true). Then, when
 * opts->role_arn is set, that role is assumed with what was found.
 * *out receives the credentials (aws_credentials_release()). region_out, when
 * non-NULL, receives the region (aws_resolve_region()), or NULL when none is
 * configured. Errors: ATTEST_ERR_NOTFOUND (no credentials anywhere, or a
 * named profile missing), ATTEST_ERR_PARSE (a bad file, with its name and
 * line), ATTEST_ERR_INVALID (a cycle, an unsupported setting such as
 * credential_process), ATTEST_ERR_IO (STS or IMDS unreachable or refusing).
 */
attest_rc aws_resolve_credentials(attest_ctx *ctx, const struct aws_config_opts *opts,
				  struct aws_credentials *out, char **region_out);

/* The region: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's
 * "region" (profile NULL means AWS_PROFILE or "default"). *region_out is NULL
 * (and ATTEST_OK returned) when none is configured. */
attest_rc aws_resolve_region(attest_ctx *ctx, const char *profile, char **region_out);

/* The profile name in effect: profile if non-NULL, else AWS_PROFILE, else
 * AWS_DEFAULT_PROFILE, else "default". Borrowed, not to be freed. */
const char *aws_profile_name(const char *profile);

/* ---- endpoints ----------------------------------------------------------- */

struct aws_endpoint {
	char *url;             /* scheme://host[:port][/base], no trailing '/' */
	char *signing_region;  /* region to sign with (us-east-1 for global services) */
	char signing_name[32]; /* SigV4 service name */
	bool overridden;       /* from AWS_ENDPOINT_URL* or the config file */
	bool s3_path_style;    /* S3 buckets go in the path, not the host name */
};

/*
 * Resolves the endpoint of service (the endpoint prefix: "iam", "sts", "ec2",
 * "s3", "cloudtrail", "kms", "config", "logs", "monitoring", "sns", "rds",
 * "elasticfilesystem", "securityhub", "access-analyzer", "organizations", and
 * a few more) in region. Overrides, first found wins:
 * AWS_ENDPOINT_URL_<SERVICE_ID> (e.g. AWS_ENDPOINT_URL_CLOUDWATCH_LOGS),
 * AWS_ENDPOINT_URL, the profile's services section, the profile's
 * endpoint_url; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. Else the
 * AWS default: https://<prefix>.<region>.amazonaws.com, with the global
 * services (iam, organizations, sts without a region) on their global host
 * and signed for us-east-1. region may be NULL only for global services.
 * Release with aws_endpoint_release().
 */
attest_rc aws_endpoint_resolve(attest_ctx *ctx, const char *service, const char *region,
			       const char *profile, struct aws_endpoint *out);
void aws_endpoint_release(struct aws_endpoint *ep);
/* Just the URL of aws_endpoint_resolve() (free()). */
attest_rc aws_endpoint_for(attest_ctx *ctx, const char *service, const char *region,
			   const char *profile, char **url_out);
/* The URL of an S3 bucket request: virtual-hosted
 * (https://bucket.s3.region.amazonaws.com/key) unless the endpoint is path
 * style or the bucket name is not a valid DNS label without dots; key_query
 * ("" or "/key?query", already encoded) is appended. *url_out: free(). */
attest_rc aws_s3_bucket_url(attest_ctx *ctx, const struct aws_endpoint *ep, const char *bucket,
			    const char *key_query, char **url_out);
/* The SDK service id of an endpoint prefix in its environment-variable form
 * ("logs" -> "CLOUDWATCH_LOGS"), NULL when unknown. Static. */
const char *aws_service_env_id(const char *service);

/* ---- STS ----------------------------------------------------------------- */

struct aws_assume_role {
	const char *role_arn;
	const char *session_name; /* NULL: "attest-<unix time>" */
	const char *external_id;  /* NULL: none */
	int duration_seconds;     /* 0: 3600 */
};

/* Calls STS AssumeRole with cred in region (NULL: the global endpoint),
 * endpoint resolved for profile. *out gets the temporary credentials with
 * their expiration. t NULL: aws_http_curl. */
attest_rc aws_sts_assume_role(attest_ctx *ctx, const struct aws_transport *t, const char *region,
			      const char *profile, const struct aws_credentials *cred,
			      const struct aws_assume_role *req, struct aws_credentials *out);

struct aws_caller_identity {
	char *account;
	char *arn;
	char *user_id;
};

attest_rc aws_sts_get_caller_identity(attest_ctx *ctx, const struct aws_transport *t,
				      const char *region, const char *profile,
				      const struct aws_credentials *cred,
				      struct aws_caller_identity *out);
void aws_caller_identity_release(struct aws_caller_identity *id);

/* ---- IMDS ---------------------------------------------------------------- */

/* Fetches the instance role's credentials from the instance metadata
 * service: PUT /latest/api/token, then GET the role name and its
 * credentials with the token. Endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT,
 * else http://169.254.169.254. ATTEST_ERR_NOTFOUND when disabled
 * (AWS_EC2_METADATA_DISABLED=true) or unreachable. */
attest_rc aws_imds_credentials(attest_ctx *ctx, const struct aws_transport *t,
			       struct aws_credentials *out);

#endif
