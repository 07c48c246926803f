/*
 * The AWS client's base (client.h): its credentials, resolved as the
 * collector resolves them and kept in an embedded struct aws_collector so
 * that the collector's signer (and its role renewal) signs every attempt;
 * its HTTP engine, on which one request at a time is sent and waited for;
 * endpoints; and errors that name the operation, the AWS error code and
 * message, with any secret cut out.
 */
#include "config.h"

#include "collect/aws/client_int.h"

#include <stdlib.h>
#include <string.h>

/* Credentials of the chain that expire (IMDS, a profile's role) are
 * resolved again this long before their expiry; an assumed --role-arn is
 * renewed by the collector's signer itself. */
#define REFRESH_MARGIN_S 300

static void
refresh(struct aws_client *cl)
{
	struct aws_collector *c = &cl->c;
	struct aws_config_opts co = {0};
	struct aws_credentials fresh = {0};
	time_t now = time(NULL);

	if (c->renew_with || !c->cred.expiration || now < c->renew_retry ||
	    c->cred.expiration - now > REFRESH_MARGIN_S)
		return;
	co.profile = c->profile;
	if (aws_resolve_credentials(cl->ctx, &co, &fresh, NULL) != ATTEST_OK) {
		c->renew_retry = now + 30;
		core_log(cl->ctx, ATTEST_LOG_INFO,
			 "cannot renew the AWS credentials (retried in 30 s): %s",
			 attest_ctx_errmsg(cl->ctx));
		return;
	}
	aws_credentials_release(&c->cred);
	c->cred = fresh;
	core_log(cl->ctx, ATTEST_LOG_DEBUG, "the AWS credentials were renewed");
}

static attest_rc
client_sign(void *data, const struct aws_call *call, struct curl_slist **out)
{
	struct aws_client *cl = data;

	refresh(cl);
	return aws_collector_sign(&cl->c, call, out);
}

/* The account of arn:partition:iam::<account>:role/name, else the ARN:
 * what the collector's role renewal names in its log lines. */
static char *
role_account(const char *arn)
{
	const char *p = arn;
	int i;

	for (i = 0; i < 4 && p; i++)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	if (p && strchr(p, ':'))
		return strndup(p, (size_t)(strchr(p, ':') - p));
	return strdup(arn);
}

attest_rc
aws_client_new(attest_ctx *ctx, const struct aws_client_opts *opts, struct aws_client **out)
{
	static const struct aws_client_opts none = {0};
	struct attest_aws_collect_opts co = {0};
	struct aws_engine_opts eo;
	struct aws_client *cl;
	attest_rc rc;

	*out = NULL;
	if (!opts)
		opts = &none;
	if (opts->region && !aws_region_valid(opts->region))
		return core_error(ctx, ATTEST_ERR_USAGE, "'%s' is not a region name", opts->region);
	if (!(cl = calloc(1, sizeof(*cl))))
		return core_nomem(ctx);
	cl->ctx = ctx;
	cl->c.ctx = ctx;
	/* The strings are copied: the role's renewal reads them for as long
	 * as the client lives. */
	cl->o.timeout_ms = opts->timeout_ms;
	cl->o.max_attempts = opts->max_attempts;
	if ((opts->profile && !(cl->o.profile = strdup(opts->profile))) ||
	    (opts->role_arn && !(cl->o.role_arn = strdup(opts->role_arn))) ||
	    (opts->external_id && !(cl->o.external_id = strdup(opts->external_id))) ||
	    (opts->role_arn && !(cl->c.account = role_account(opts->role_arn)))) {
		rc = core_nomem(ctx);
		goto fail;
	}
	cl->c.profile = cl->o.profile;
	co.profile = cl->o.profile;
	co.role_arn = cl->o.role_arn;
	co.external_id = cl->o.external_id;
	snprintf(cl->session, sizeof(cl->session), "attest-watch-%lld", (long long)time(NULL));
	if ((rc = aws_collector_credentials(&cl->c, &co, cl->session, &cl->role_base)) != ATTEST_OK)
		goto fail;
	if (opts->region) {
		free(cl->c.home_region);
		if (!(cl->c.home_region = strdup(opts->region))) {
			rc = core_nomem(ctx);
			goto fail;
		}
	}
	aws_engine_opts_default(&eo);
	eo.max_total = 4;
	eo.max_per_service = 4;
	eo.max_body = 16u << 20; /* ten SQS messages of 1 MiB, and room */
	if (opts->timeout_ms > 0)
		eo.timeout_ms = opts->timeout_ms;
	if (opts->max_attempts > 0)
		eo.max_attempts = opts->max_attempts;
	if ((rc = aws_engine_new(ctx, &eo, &cl->eng)) != ATTEST_OK)
		goto fail;
	aws_engine_set_signer(cl->eng, client_sign, cl);
	*out = cl;
	return ATTEST_OK;
fail:
	aws_client_free(cl);
	return rc;
}

void
aws_client_free(struct aws_client *cl)
{
	if (!cl)
		return;
	aws_engine_free(cl->eng);
	aws_credentials_release(&cl->c.cred);
	aws_credentials_release(&cl->role_base);
	free(cl->c.home_region);
	free(cl->c.account);
	free((char *)cl->o.profile);
	free((char *)cl->o.role_arn);
	free((char *)cl->o.external_id);
	free(cl);
}

const char *
aws_client_error_code(const struct aws_client *cl)
{
	return cl->code;
}

attest_rc
aws_client_fail(struct aws_client *cl, const char *what, const char *thing, const char *code,
		const char *msg)
{
	char m[768];

	snprintf(cl->code, sizeof(cl->code), "%s", code && *code ? code : "Unknown");
	snprintf(m, sizeof(m), "%s", msg ? msg : "");
	aws_scrub_secrets(&cl->c.cred, m, sizeof(m));
	aws_scrub_secrets(&cl->role_base, m, sizeof(m));
	return core_error(cl->ctx, ATTEST_ERR_IO, "%s of '%s' failed: %s: %s", what, thing,
			  cl->code, m);
}

attest_rc
aws_client_endpoint(struct aws_client *cl, const char *service, const char *region,
		    struct aws_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	return aws_endpoint_resolve(cl->ctx, service, region ? region : cl->c.home_region,
				    cl->c.profile, ep);
}

void
aws_client_reply_release(struct aws_client_reply *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static void
on_reply(struct aws_engine *eng, const struct aws_reply *res, void *data)
{
	struct aws_client_reply *r = data;

	(void)eng;
	r->status = res->status;
	r->ok = res->ok;
	snprintf(r->code, sizeof(r->code), "%s", res->error_code ? res->error_code : "");
	snprintf(r->msg, sizeof(r->msg), "%s", res->error_message ? res->error_message : "");
	if ((r->body = malloc(res->body_len + 1)) != NULL) {
		memcpy(r->body, res->body, res->body_len);
		r->body[res->body_len] = '\0';
		r->len = res->body_len;
	}
}

attest_rc
aws_client_send(struct aws_client *cl, const char *what, const char *thing,
		const struct aws_call *call, long timeout_ms, size_t max_body,
		struct aws_client_reply *r)
{
	attest_rc rc;

	memset(r, 0, sizeof(*r));
	cl->code[0] = '\0';
	if ((rc = aws_engine_submit_limited(cl->eng, call, timeout_ms, max_body, on_reply, r)) !=
		    ATTEST_OK ||
	    (rc = aws_engine_run(cl->eng)) != ATTEST_OK)
		return rc;
	if (!r->body)
		return core_nomem(cl->ctx);
	if (!r->ok)
		return aws_client_fail(cl, what, thing, r->code, r->msg);
	return ATTEST_OK;
}

void
aws_client_arn_region(const char *arn, char *out, size_t size)
{
	const char *p = arn;
	size_t n;
	int i;

	out[0] = '\0';
	if (strncmp(arn, "arn:", 4) != 0)
		return;
	for (i = 0; i < 3 && p; i++)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	if (!p || !strchr(p, ':'))
		return;
	n = (size_t)(strchr(p, ':') - p);
	if (n > 0 && n < size) {
		memcpy(out, p, n);
		out[n] = '\0';
		if (!aws_region_valid(out))
			out[0] = '\0';
	}
}
