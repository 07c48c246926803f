/*
 * Credentials of an EC2 instance's role from the instance metadata service,
 * the last link of the chain. IMDSv2 first: a PUT for a session token, then
 * the role name and its credentials fetched with that token. Where the token
 * call is refused as unknown (an IMDSv1-only service answers 403, 404 or
 * 405) the reads go without a token, unless AWS_EC2_METADATA_V1_DISABLED.
 * Timeouts are short (1 s by default, AWS_METADATA_SERVICE_TIMEOUT): off EC2
 * the address does not answer, and the chain must fail fast.
 */
#include "config.h"

#include "collect/aws/credentials_int.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_PATH "/latest/meta-data/iam/security-credentials/"

static bool
env_true(const char *name)
{
	const char *v = getenv(name);

	return v && strcasecmp(v, "true") == 0;
}

static long
timeout_ms(void)
{
	const char *v = getenv("AWS_METADATA_SERVICE_TIMEOUT");
	char *end;
	long s;

	if (!v || !*v)
		return 1000;
	errno = 0;
	s = strtol(v, &end, 10);
	if (errno || *end || s <= 0 || s > 60)
		return 1000;
	return s * 1000;
}

static attest_rc
imds_get(attest_ctx *ctx, const struct aws_transport *t, const char *base, const char *path,
	 const char *token, struct aws_http_response *resp)
{
	struct aws_header h[1] = {{"X-aws-ec2-metadata-token", token}};
	struct aws_http_request req = {0};
	struct core_buf url;
	attest_rc rc;

	core_buf_init(&url, 4096);
	if (core_buf_printf(&url, "%s%s", base, path) != ATTEST_OK)
		return core_nomem(ctx);
	req.method = "GET";
	req.url = url.data;
	req.headers = h;
	req.n_headers = token ? 1 : 0;
	req.timeout_ms = timeout_ms();
	req.no_proxy = true;
	rc = aws_transport_call(ctx, t, &req, resp);
	core_buf_release(&url);
	return rc;
}

/* A role name goes into a URL path: refuse anything but IAM's characters. */
static bool
role_name_ok(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || strchr("+=,.@_-", *s)))
			return false;
	return n > 0 && n <= 128;
}

static attest_rc
parse_credentials(attest_ctx *ctx, const char *body, size_t len, struct aws_credentials *out)
{
	json_error_t err;
	json_t *root = json_loadb(body, len, 0, &err);
	const char *code, *id, *secret, *token, *exp;
	attest_rc rc = ATTEST_ERR_PARSE;

	if (!root || !json_is_object(root)) {
		rc = core_error(ctx, rc, "instance metadata credentials are not a JSON object");
		goto out;
	}
	code = json_string_value(json_object_get(root, "Code"));
	id = json_string_value(json_object_get(root, "AccessKeyId"));
	secret = json_string_value(json_object_get(root, "SecretAccessKey"));
	token = json_string_value(json_object_get(root, "Token"));
	exp = json_string_value(json_object_get(root, "Expiration"));
	if (code && strcmp(code, "Success") != 0) {
		rc = core_error(ctx, ATTEST_ERR_IO,
				"instance metadata credentials: Code "
				"'%.40s'",
				code);
		goto out;
	}
	if (!id || !*id || !secret || !*secret) {
		rc = core_error(ctx, rc,
				"instance metadata credentials lack AccessKeyId or "
				"SecretAccessKey");
		goto out;
	}
	out->access_key_id = core_strdup(id);
	out->secret_access_key = core_strdup(secret);
	out->session_token = token && *token ? core_strdup(token) : NULL;
	if (!out->access_key_id || !out->secret_access_key ||
	    (token && *token && !out->session_token)) {
		rc = core_nomem(ctx);
		goto out;
	}
	if (exp && !core_time_parse(exp, &out->expiration)) {
		rc = core_error(ctx, ATTEST_ERR_PARSE,
				"instance metadata credentials: "
				"Expiration '%.40s' is not a timestamp",
				exp);
		goto out;
	}
	rc = ATTEST_OK;
out:
	if (rc != ATTEST_OK)
		aws_credentials_release(out);
	/* jansson keeps its own copies of the secret strings; they go with the
	 * tree (jansson does not wipe them). */
	json_decref(root);
	return rc;
}

/* A call to the service that did not complete: the chain goes on. */
static attest_rc
unreachable(attest_ctx *ctx)
{
	core_error_prefix(ctx, "instance metadata service");
	return ATTEST_ERR_NOTFOUND;
}

/* The service's base url (AWS_EC2_METADATA_SERVICE_ENDPOINT or the
 * link-local default) without trailing '/', into *out (free()). */
static attest_rc
imds_base(attest_ctx *ctx, char **out)
{
	const char *base = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	size_t n;

	*out = NULL;
	if (env_true("AWS_EC2_METADATA_DISABLED"))
		return core_error(ctx, ATTEST_ERR_NOTFOUND,
				  "the instance metadata service is "
				  "disabled (AWS_EC2_METADATA_DISABLED)");
	if (!base || !*base)
		base = IMDS_DEFAULT;
	if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "AWS_EC2_METADATA_SERVICE_ENDPOINT "
				  "'%s' is not an http:// url",
				  base);
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	if (!(*out = strndup(base, n)))
		return core_nomem(ctx);
	return ATTEST_OK;
}

/* The IMDSv2 session token into *token (free()), or NULL when the service
 * only speaks IMDSv1 and that is allowed. */
static attest_rc
imds_token(attest_ctx *ctx, const struct aws_transport *t, const char *b, char **token)
{
	struct aws_header ttl[1] = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
	struct aws_http_request req = {0};
	struct aws_http_response resp = {0};
	struct core_buf url;
	attest_rc rc = ATTEST_OK;

	*token = NULL;
	core_buf_init(&url, 4096);
	if (core_buf_printf(&url, "%s/latest/api/token", b) != ATTEST_OK) {
		rc = core_nomem(ctx);
		goto out;
	}
	req.method = "PUT";
	req.url = url.data;
	req.headers = ttl;
	req.n_headers = 1;
	req.timeout_ms = timeout_ms();
	req.no_proxy = true;
	if (aws_transport_call(ctx, t, &req, &resp) != ATTEST_OK) {
		rc = unreachable(ctx);
		goto out;
	}
	if (resp.status == 200 && resp.body_len > 0 && resp.body_len < 1024) {
		*token = resp.body;
		resp.body = NULL;
		(*token)[strcspn(*token, "\r\n")] = '\0';
	} else if (!((resp.status == 403 || resp.status == 404 || resp.status == 405) &&
		     !env_true("AWS_EC2_METADATA_V1_DISABLED"))) {
		rc = core_error(ctx, ATTEST_ERR_NOTFOUND,
				"instance metadata service: token "
				"request answered HTTP %ld",
				resp.status);
	}
out:
	aws_http_response_release(&resp);
	core_buf_release(&url);
	return rc;
}

/* The name of the role attached to the instance into *role (free()). */
static attest_rc
imds_role(attest_ctx *ctx, const struct aws_transport *t, const char *b, const char *token,
	  char **role)
{
	struct aws_http_response resp = {0};
	attest_rc rc;
	char *nl;

	*role = NULL;
	if (imds_get(ctx, t, b, IMDS_PATH, token, &resp) != ATTEST_OK)
		return unreachable(ctx);
	if (resp.status != 200 || !resp.body) {
		rc = core_error(ctx, ATTEST_ERR_NOTFOUND,
				"instance metadata service: no IAM "
				"role attached to this instance (HTTP %ld)",
				resp.status);
		aws_http_response_release(&resp);
		return rc;
	}
	*role = resp.body;
	resp.body = NULL;
	if ((nl = strpbrk(*role, "\r\n")))
		*nl = '\0';
	aws_http_response_release(&resp);
	if (!role_name_ok(*role))
		return core_error(ctx, ATTEST_ERR_PARSE,
				  "instance metadata service: role name "
				  "is not a valid IAM role name");
	return ATTEST_OK;
}

/* The credentials of role. */
static attest_rc
imds_role_credentials(attest_ctx *ctx, const struct aws_transport *t, const char *b,
		      const char *token, const char *role, struct aws_credentials *out)
{
	struct aws_http_response resp = {0};
	struct core_buf url;
	attest_rc rc;

	core_buf_init(&url, 4096);
	if (core_buf_printf(&url, "%s%s", IMDS_PATH, role) != ATTEST_OK)
		rc = core_nomem(ctx);
	else if (imds_get(ctx, t, b, url.data, token, &resp) != ATTEST_OK)
		rc = unreachable(ctx);
	else if (resp.status != 200 || !resp.body)
		rc = core_error(ctx, ATTEST_ERR_NOTFOUND,
				"instance metadata service: "
				"credentials of role '%s' answered HTTP %ld",
				role, resp.status);
	else
		rc = parse_credentials(ctx, resp.body, resp.body_len, out);
	aws_http_response_release(&resp);
	core_buf_release(&url);
	return rc;
}

attest_rc
aws_imds_credentials(attest_ctx *ctx, const struct aws_transport *t, struct aws_credentials *out)
{
	char *b = NULL, *token = NULL, *role = NULL;
	attest_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = imds_base(ctx, &b)) == ATTEST_OK &&
	    (rc = imds_token(ctx, t, b, &token)) == ATTEST_OK &&
	    (rc = imds_role(ctx, t, b, token, &role)) == ATTEST_OK)
		rc = imds_role_credentials(ctx, t, b, token, role, out);
	if (token) {
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	free(role);
	free(b);
	return rc;
}
