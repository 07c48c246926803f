/*
 * The credential chain, as the AWS CLI walks it: an explicit profile, else
 * the environment's keys, else the profile named by AWS_PROFILE (or
 * "default") in the shared credentials and config files (files.c), else the
 * instance metadata service. A profile may name a role to assume with the
 * credentials of another profile (source_profile, followed to any depth,
 * loops refused) or of the environment or instance (credential_source).
 * Programs named by credential_process are deliberately never run: a
 * scanner that executes whatever a config file says is a risk of its own.
 */
#include "config.h"

#include "collect/aws/credentials_int.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AWS_CHAIN_MAX 16 /* source_profile hops */

/* ---- the chain ------------------------------------------------------------ */

struct chain {
	attest_ctx *ctx;
	struct aws_files *files;
	const struct aws_transport *t;
	const char *visited[AWS_CHAIN_MAX];
	size_t depth;
};

static attest_rc
set_static(attest_ctx *ctx, struct aws_credentials *out, const char *id, const char *secret,
	   const char *token)
{
	memset(out, 0, sizeof(*out));
	out->access_key_id = core_strdup(id);
	out->secret_access_key = core_strdup(secret);
	out->session_token = token && *token ? core_strdup(token) : NULL;
	if (!out->access_key_id || !out->secret_access_key ||
	    (token && *token && !out->session_token)) {
		aws_credentials_release(out);
		return core_nomem(ctx);
	}
	return ATTEST_OK;
}

/* Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * (/ AWS_SESSION_TOKEN). ATTEST_ERR_NOTFOUND, without a message, when the
 * environment has none. */
static attest_rc
from_env(attest_ctx *ctx, struct aws_credentials *out)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");

	if (!token || !*token)
		token = getenv("AWS_SECURITY_TOKEN");
	if ((!id || !*id) && (!secret || !*secret))
		return ATTEST_ERR_NOTFOUND;
	if (!id || !*id || !secret || !*secret)
		return core_error(ctx, ATTEST_ERR_INVALID, "%s is set but %s is not",
				  id && *id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
				  id && *id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	return set_static(ctx, out, id, secret, token);
}

static int
parse_duration(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > 43200)
		return -1;
	return (int)v;
}

/* Region of a profile for its STS calls: the environment's, else the
 * profile's own, else none (the global endpoint). */
static const char *
sts_region(const struct aws_files *f, const char *profile)
{
	const char *v = getenv("AWS_REGION");

	if (v && *v)
		return v;
	if ((v = getenv("AWS_DEFAULT_REGION")) && *v)
		return v;
	return aws_profile_get(f, profile, "region");
}

static attest_rc resolve_profile(struct chain *c, const char *name, struct aws_credentials *out);

static attest_rc
chain_error_loop(struct chain *c, const char *name)
{
	struct core_buf b;
	size_t i;
	attest_rc rc;

	core_buf_init(&b, 4096);
	for (i = 0; i < c->depth; i++)
		core_buf_printf(&b, "'%s' -> ", c->visited[i]);
	core_buf_printf(&b, "'%s'", name);
	rc = core_error(c->ctx, ATTEST_ERR_INVALID, "profile chain loops: %s",
			b.data ? b.data : name);
	core_buf_release(&b);
	return rc;
}

/* The role_arn branch of a profile. */
static attest_rc
assume_profile_role(struct chain *c, const char *name, const char *role_arn,
		    struct aws_credentials *out)
{
	const char *src = aws_profile_get(c->files, name, "source_profile");
	const char *csrc = aws_profile_get(c->files, name, "credential_source");
	struct aws_credentials base = {0};
	struct aws_assume_role ar = {0};
	int duration;
	attest_rc rc;

	if (src && csrc)
		return core_error(c->ctx, ATTEST_ERR_INVALID,
				  "profile '%s' sets both "
				  "source_profile and credential_source",
				  name);
	duration = parse_duration(aws_profile_get(c->files, name, "duration_seconds"));
	if (duration < 0)
		return core_error(c->ctx, ATTEST_ERR_INVALID,
				  "profile '%s': duration_seconds "
				  "must be a whole number of seconds up to 43200",
				  name);
	if (src) {
		const char *id = aws_profile_get(c->files, src, "aws_access_key_id");
		const char *secret = aws_profile_get(c->files, src, "aws_secret_access_key");

		if (strcmp(src, name) == 0) {
			/* A profile may be its own source when it also holds keys. */
			if (!id || !secret)
				return chain_error_loop(c, name);
			rc = set_static(c->ctx, &base, id, secret,
					aws_profile_get(c->files, src, "aws_session_token"));
		} else {
			rc = resolve_profile(c, src, &base);
		}
	} else if (csrc) {
		if (strcmp(csrc, "Environment") == 0) {
			rc = from_env(c->ctx, &base);
			if (rc == ATTEST_ERR_NOTFOUND)
				rc = core_error(c->ctx, rc,
						"profile '%s' takes its credentials "
						"from the environment, but AWS_ACCESS_KEY_ID is "
						"not set",
						name);
		} else if (strcmp(csrc, "Ec2InstanceMetadata") == 0) {
			rc = aws_imds_credentials(c->ctx, c->t, &base);
		} else {
			return core_error(c->ctx, ATTEST_ERR_INVALID,
					  "profile '%s': "
					  "credential_source '%s' is not supported (use "
					  "Environment or Ec2InstanceMetadata)",
					  name, csrc);
		}
	} else {
		return core_error(c->ctx, ATTEST_ERR_INVALID,
				  "profile '%s' has role_arn but "
				  "neither source_profile nor credential_source",
				  name);
	}
	if (rc != ATTEST_OK)
		return rc;
	ar.role_arn = role_arn;
	ar.external_id = aws_profile_get(c->files, name, "external_id");
	ar.session_name = aws_profile_get(c->files, name, "role_session_name");
	ar.duration_seconds = duration;
	rc = aws_sts_assume_role(c->ctx, c->t, sts_region(c->files, name), name, &base, &ar, out);
	if (rc != ATTEST_OK)
		core_error_prefix(c->ctx, "profile '%s'", name);
	aws_credentials_release(&base);
	return rc;
}

static attest_rc
resolve_profile(struct chain *c, const char *name, struct aws_credentials *out)
{
	const char *role, *id, *secret;
	size_t i;
	attest_rc rc;

	for (i = 0; i < c->depth; i++)
		if (strcmp(c->visited[i], name) == 0)
			return chain_error_loop(c, name);
	if (c->depth >= AWS_CHAIN_MAX)
		return core_error(c->ctx, ATTEST_ERR_LIMIT,
				  "profile chain from '%s' is longer "
				  "than %d profiles",
				  c->visited[0], AWS_CHAIN_MAX);
	if (!aws_profile_exists(c->files, name))
		return core_error(c->ctx, ATTEST_ERR_NOTFOUND,
				  "profile '%s' not found in '%s' "
				  "or '%s'",
				  name, aws_files_credentials_path(c->files),
				  aws_files_config_path(c->files));
	c->visited[c->depth++] = name;

	role = aws_profile_get(c->files, name, "role_arn");
	id = aws_profile_get(c->files, name, "aws_access_key_id");
	secret = aws_profile_get(c->files, name, "aws_secret_access_key");
	if (role && *role) {
		rc = assume_profile_role(c, name, role, out);
	} else if (aws_profile_get(c->files, name, "credential_process")) {
		rc = core_error(c->ctx, ATTEST_ERR_INVALID,
				"profile '%s' uses "
				"credential_process, which attest does not support: it never "
				"runs programs named in AWS configuration; export the "
				"credentials to the environment or a profile instead",
				name);
	} else if ((id && *id) || (secret && *secret)) {
		if (!id || !*id || !secret || !*secret)
			rc = core_error(c->ctx, ATTEST_ERR_INVALID,
					"profile '%s' has %s but "
					"no %s",
					name,
					id && *id ? "aws_access_key_id" : "aws_secret_access_key",
					id && *id ? "aws_secret_access_key" : "aws_access_key_id");
		else
			rc = set_static(c->ctx, out, id, secret,
					aws_profile_get(c->files, name, "aws_session_token"));
	} else if (aws_profile_get(c->files, name, "sso_session") ||
		   aws_profile_get(c->files, name, "sso_start_url")) {
		rc = core_error(c->ctx, ATTEST_ERR_INVALID,
				"profile '%s' uses IAM Identity "
				"Center (SSO), which attest does not support; run `aws "
				"configure export-credentials --profile %s --format env` and "
				"scan with the environment",
				name, name);
	} else if (aws_profile_get(c->files, name, "web_identity_token_file")) {
		rc = core_error(c->ctx, ATTEST_ERR_INVALID,
				"profile '%s' uses "
				"web_identity_token_file, which attest does not support",
				name);
	} else {
		rc = core_error(c->ctx, ATTEST_ERR_NOTFOUND,
				"profile '%s' has no credentials "
				"(no aws_access_key_id, role_arn or credential_source)",
				name);
	}
	c->depth--;
	return rc;
}

attest_rc
aws_resolve_region(attest_ctx *ctx, const char *profile, char **region_out)
{
	struct aws_files *files = NULL;
	const char *v;
	attest_rc rc;

	*region_out = NULL;
	v = getenv("AWS_REGION");
	if (!v || !*v)
		v = getenv("AWS_DEFAULT_REGION");
	if (v && *v) {
		*region_out = core_strdup(v);
		return *region_out ? ATTEST_OK : core_nomem(ctx);
	}
	rc = aws_files_load(ctx, &files);
	if (rc != ATTEST_OK)
		return rc;
	v = aws_profile_get(files, aws_profile_name(profile), "region");
	if (v && *v && !(*region_out = core_strdup(v)))
		rc = core_nomem(ctx);
	aws_files_free(files);
	return rc;
}

attest_rc
aws_resolve_credentials(attest_ctx *ctx, const struct aws_config_opts *opts,
			struct aws_credentials *out, char **region_out)
{
	struct chain c = {0};
	struct aws_credentials base = {0};
	const char *name, *profile = opts ? opts->profile : NULL;
	bool named = false;
	attest_rc rc;

	memset(out, 0, sizeof(*out));
	if (region_out)
		*region_out = NULL;
	c.ctx = ctx;
	c.t = opts ? opts->transport : NULL;
	rc = aws_files_load(ctx, &c.files);
	if (rc != ATTEST_OK)
		return rc;
	name = aws_profile_name(profile);
	named = (profile && *profile) || strcmp(name, "default") != 0;

	if (profile && *profile) {
		rc = resolve_profile(&c, name, &base);
	} else {
		rc = from_env(ctx, &base);
		if (rc == ATTEST_ERR_NOTFOUND) {
			if (aws_profile_exists(c.files, name) || named) {
				rc = resolve_profile(&c, name, &base);
			} else {
				rc = aws_imds_credentials(ctx, c.t, &base);
				if (rc != ATTEST_OK)
					core_error_prefix(ctx,
							  "no AWS credentials found in the "
							  "environment, '%s', '%s' or the instance "
							  "metadata service",
							  aws_files_credentials_path(c.files),
							  aws_files_config_path(c.files));
			}
		}
	}
	if (rc != ATTEST_OK)
		goto out;

	if (opts && opts->role_arn && *opts->role_arn) {
		struct aws_assume_role ar = {0};

		ar.role_arn = opts->role_arn;
		ar.external_id = opts->external_id;
		ar.session_name = opts->session_name;
		ar.duration_seconds = opts->duration_seconds;
		rc = aws_sts_assume_role(ctx, c.t, sts_region(c.files, name), name, &base, &ar,
					 out);
		if (rc != ATTEST_OK)
			goto out;
		if (opts->base_out) {
			*opts->base_out = base;
			memset(&base, 0, sizeof(base));
		}
	} else {
		*out = base;
		memset(&base, 0, sizeof(base));
	}
	if (region_out)
		rc = aws_resolve_region(ctx, profile, region_out);
out:
	if (rc != ATTEST_OK) {
		aws_credentials_release(out);
		if (opts && opts->base_out)
			aws_credentials_release(opts->base_out);
	}
	aws_credentials_release(&base);
	aws_files_free(c.files);
	return rc;
}
