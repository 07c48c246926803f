/*
 * Shared between the credential, endpoint, STS and IMDS code of the AWS
 * collector (not for the collectors themselves): the parsed shared
 * credentials and config files, and the small helpers around the transport.
 */
#ifndef ATTEST_AWS_CREDENTIALS_INT_H
#define ATTEST_AWS_CREDENTIALS_INT_H

#include "collect/aws/credentials.h"

struct aws_files;

/* Reads the shared credentials file ($AWS_SHARED_CREDENTIALS_FILE or
 * ~/.aws/credentials) and config file ($AWS_CONFIG_FILE or ~/.aws/config).
 * A missing file counts as empty; an unreadable or malformed one is an error
 * naming the file and line (never its content). */
attest_rc aws_files_load(attest_ctx *ctx, struct aws_files **out);
void aws_files_free(struct aws_files *f);
const char *aws_files_credentials_path(const struct aws_files *f);
const char *aws_files_config_path(const struct aws_files *f);
/* Whether either file has a section for the profile. */
bool aws_profile_exists(const struct aws_files *f, const char *profile);
/* A profile setting: the credentials file's [profile] first, then the config
 * file's [profile NAME] (or [default]). Lent; NULL when absent. */
const char *aws_profile_get(const struct aws_files *f, const char *profile, const char *key);
/* A setting of the config file's [kind name] section (e.g. "services");
 * nested keys are "parent.child". Lent; NULL when absent. */
const char *aws_config_get(const struct aws_files *f, const char *kind, const char *name,
			   const char *key);

/* The transport to use: t's function, else aws_http_curl. */
attest_rc aws_transport_call(attest_ctx *ctx, const struct aws_transport *t,
			     const struct aws_http_request *req, struct aws_http_response *resp);

#endif
