/*
 * How a service file calls an AWS API: the request is built for its
 * protocol (query form, JSON 1.1 with X-Amz-Target, REST, S3 bucket), sent
 * to the endpoint resolved for the service and region (AWS_ENDPOINT_URL and
 * friends honoured, cached per service and region), signed with SigV4 before
 * every attempt, and its answer handed to the op's callback. A failed call
 * is recorded in the collection log with its service, region, operation,
 * error code and message, and the resource types it fed are marked failed.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <stdlib.h>
#include <string.h>

struct ep_cache {
	struct ep_cache *next;
	char service[32];
	char region[40];
	struct aws_endpoint ep;
};

void
aws_scrub_secrets(const struct aws_credentials *cred, char *msg, size_t size)
{
	const char *secrets[3] = {cred->secret_access_key, cred->session_token,
				  cred->access_key_id};
	size_t i;

	for (i = 0; i < 3; i++)
		if (secrets[i] && *secrets[i] && strstr(msg, secrets[i])) {
			snprintf(msg, size, "(message withheld)");
			return;
		}
}

void
aws_attempt(struct aws_collector *c, aws_typeset types)
{
	c->attempted |= types;
}

void
aws_fatal(struct aws_collector *c, attest_rc rc)
{
	if (c->fatal == ATTEST_OK)
		c->fatal = rc;
}

void
aws_log_failure(struct aws_collector *c, const char *account, const char *service,
		const char *region, const char *operation, aws_typeset types, const char *code,
		const char *msg)
{
	char m[512];
	json_t *e, *names;
	size_t i;

	snprintf(m, sizeof(m), "%s", msg ? msg : "");
	aws_scrub_secrets(&c->cred, m, sizeof(m));
	c->failed |= types;
	names = json_array();
	for (i = 0; names && i < T_COUNT; i++)
		if ((types & TB(i)) &&
		    json_array_append_new(names, json_string(aws_type_names[i]))) {
			json_decref(names);
			names = NULL;
		}
	e = names ? json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "account",
			      account ? account : "", "service", service, "region",
			      region && *region ? region : "global", "operation", operation,
			      "error_code", code ? code : "Unknown", "message", m, "types", names)
		  : NULL;
	if (!e || json_array_append_new(c->log, e) != 0) {
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	core_log(c->ctx, ATTEST_LOG_DEBUG, "%s %s in %s of account %s failed: %s: %s", service,
		 operation, region && *region ? region : "global", account ? account : "?",
		 code ? code : "", m);
}

void
aws_fail(struct aws_op *op, const char *code, const char *msg)
{
	aws_log_failure(op->c, op->c->account, op->service, op->region, op->operation, op->types,
			code, msg);
}

void
aws_fail_reply(struct aws_op *op, const struct aws_reply *r)
{
	aws_fail(op, r->error_code, r->error_message);
}

xmlDocPtr
aws_reply_xml(struct aws_op *op, const struct aws_reply *r)
{
	xmlDocPtr doc = NULL;

	if (core_xml_load_memory(op->c->ctx, op->operation, r->body, r->body_len, NULL, &doc) !=
	    ATTEST_OK) {
		aws_fail(op, "MalformedResponse", attest_ctx_errmsg(op->c->ctx));
		return NULL;
	}
	return doc;
}

json_t *
aws_reply_json(struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = NULL;

	if (aws_json_parse(op->c->ctx, op->operation, r->body, r->body_len, &v) != ATTEST_OK) {
		aws_fail(op, "MalformedResponse", attest_ctx_errmsg(op->c->ctx));
		return NULL;
	}
	aws_json_fix_times(v);
	return v;
}

static const struct aws_endpoint *
endpoint(struct aws_collector *c, const char *service, const char *region)
{
	struct ep_cache *e;

	for (e = c->eps; e; e = e->next)
		if (strcmp(e->service, service) == 0 &&
		    strcmp(e->region, region ? region : "") == 0)
			return &e->ep;
	e = calloc(1, sizeof(*e));
	if (!e) {
		aws_fatal(c, core_nomem(c->ctx));
		return NULL;
	}
	snprintf(e->service, sizeof(e->service), "%s", service);
	snprintf(e->region, sizeof(e->region), "%s", region ? region : "");
	if (aws_endpoint_resolve(c->ctx, service, region && *region ? region : c->home_region,
				 c->profile, &e->ep) != ATTEST_OK) {
		free(e);
		return NULL;
	}
	/* S3 Control lives on <account>.s3-control.<region> and signs as s3. */
	if (strcmp(service, "s3-control") == 0) {
		snprintf(e->ep.signing_name, sizeof(e->ep.signing_name), "s3");
		if (!e->ep.overridden) {
			char *url = NULL;
			struct core_buf b;

			core_buf_init(&b, 1024);
			if (core_buf_printf(&b, "https://%s.s3-control.%s.amazonaws.com",
					    c->account, e->ep.signing_region) == ATTEST_OK)
				url = core_buf_take(&b);
			core_buf_release(&b);
			if (!url) {
				aws_endpoint_release(&e->ep);
				free(e);
				aws_fatal(c, core_nomem(c->ctx));
				return NULL;
			}
			free(e->ep.url);
			e->ep.url = url;
		}
	}
	e->next = c->eps;
	c->eps = e;
	return &e->ep;
}

void
aws_collector_release_endpoints(struct aws_collector *c)
{
	struct ep_cache *e, *n;

	for (e = c->eps; e; e = n) {
		n = e->next;
		aws_endpoint_release(&e->ep);
		free(e);
	}
	c->eps = NULL;
}

static void
on_done(struct aws_engine *eng, const struct aws_reply *r, void *data)
{
	struct aws_op *op = data;
	struct aws_collector *c = op->c;

	(void)eng;
	op->fn(op, r); /* may submit more calls for c */
	free(op);
	if (--c->inflight == 0 && c->idle)
		c->idle(c);
}

static attest_rc
submit(const struct aws_op *tmpl, const struct aws_endpoint *ep, const char *method,
       const char *url, const struct aws_header *h, size_t nh, const char *body, bool s3)
{
	struct aws_collector *c = tmpl->c;
	struct aws_call call = {0};
	struct aws_op *op;
	attest_rc rc;

	op = malloc(sizeof(*op));
	if (!op) {
		aws_fatal(c, core_nomem(c->ctx));
		return ATTEST_ERR_NOMEM;
	}
	*op = *tmpl;
	call.service = ep->signing_name;
	call.region = ep->signing_region;
	call.method = method;
	call.url = url;
	call.headers = h;
	call.n_headers = nh;
	call.body = body;
	call.body_len = body ? strlen(body) : 0;
	call.s3 = s3;
	call.delay_ms = tmpl->delay_ms;
	call.sign_data = c; /* signed with this collector's (account's) credentials */
	rc = aws_engine_submit(c->eng, &call, on_done, op);
	if (rc != ATTEST_OK) {
		free(op);
		aws_fatal(c, rc);
		return rc;
	}
	c->inflight++;
	return ATTEST_OK;
}

/* When the endpoint cannot be resolved, the call fails like any other. */
static const struct aws_endpoint *
endpoint_or_fail(const struct aws_op *tmpl)
{
	const struct aws_endpoint *ep = endpoint(tmpl->c, tmpl->service, tmpl->region);
	struct aws_op op = *tmpl;

	if (!ep && tmpl->c->fatal == ATTEST_OK)
		aws_fail(&op, "EndpointError", attest_ctx_errmsg(tmpl->c->ctx));
	return ep;
}

attest_rc
aws_param(struct core_buf *b, const char *name, const char *value)
{
	attest_rc rc = core_buf_printf(b, "&%s=", name);

	return rc != ATTEST_OK ? rc : aws_buf_encode(b, value, false);
}

attest_rc
aws_call_query(const struct aws_op *tmpl, const char *version, const char *params)
{
	static const struct aws_header h[] = {
		{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
	const struct aws_endpoint *ep = endpoint_or_fail(tmpl);
	struct core_buf body, url;
	struct aws_op op = *tmpl;
	attest_rc rc;

	if (!ep)
		return ATTEST_ERR_INVALID;
	op.version = version;
	tmpl = &op;
	core_buf_init(&body, 1 << 20);
	core_buf_init(&url, 8192);
	rc = core_buf_printf(&body, "Action=%s&Version=%s%s", tmpl->operation, version,
			     params ? params : "");
	if (rc == ATTEST_OK)
		rc = core_buf_printf(&url, "%s/", ep->url);
	if (rc == ATTEST_OK)
		rc = submit(tmpl, ep, "POST", url.data, h, 1, body.data, false);
	else
		aws_fatal(tmpl->c, core_nomem(tmpl->c->ctx));
	core_buf_release(&body);
	core_buf_release(&url);
	return rc;
}

attest_rc
aws_call_json(const struct aws_op *tmpl, const char *target, const char *json_version,
	      const char *body)
{
	const struct aws_endpoint *ep = endpoint_or_fail(tmpl);
	struct aws_header h[2];
	char ctype[64];
	struct core_buf url;
	attest_rc rc;

	if (!ep)
		return ATTEST_ERR_INVALID;
	snprintf(ctype, sizeof(ctype), "application/x-amz-json-%s", json_version);
	h[0] = (struct aws_header){"Content-Type", ctype};
	h[1] = (struct aws_header){"X-Amz-Target", target};
	core_buf_init(&url, 8192);
	rc = core_buf_printf(&url, "%s/", ep->url);
	if (rc == ATTEST_OK)
		rc = submit(tmpl, ep, "POST", url.data, h, 2, body ? body : "{}", false);
	else
		aws_fatal(tmpl->c, core_nomem(tmpl->c->ctx));
	core_buf_release(&url);
	return rc;
}

attest_rc
aws_call_rest(const struct aws_op *tmpl, const char *method, const char *path_query,
	      const char *const *headers)
{
	const struct aws_endpoint *ep = endpoint_or_fail(tmpl);
	struct aws_header h[8];
	size_t n = 0;
	struct core_buf url;
	attest_rc rc;

	if (!ep)
		return ATTEST_ERR_INVALID;
	for (; headers && headers[0] && n < 8; headers += 2)
		h[n++] = (struct aws_header){headers[0], headers[1]};
	core_buf_init(&url, 8192);
	rc = core_buf_printf(&url, "%s%s", ep->url, path_query);
	if (rc == ATTEST_OK)
		rc = submit(tmpl, ep, method, url.data, h, n, NULL,
			    strcmp(tmpl->service, "s3") == 0 ||
				    strcmp(tmpl->service, "s3-control") == 0);
	else
		aws_fatal(tmpl->c, core_nomem(tmpl->c->ctx));
	core_buf_release(&url);
	return rc;
}

attest_rc
aws_call_rest_json(const struct aws_op *tmpl, const char *method, const char *path_query,
		   json_t *body)
{
	static const struct aws_header h[] = {{"Content-Type", "application/json"}};
	const struct aws_endpoint *ep = endpoint_or_fail(tmpl);
	char *text = body ? json_dumps(body, JSON_COMPACT) : strdup("{}");
	struct core_buf url;
	attest_rc rc;

	json_decref(body);
	if (!ep) {
		free(text);
		return ATTEST_ERR_INVALID;
	}
	core_buf_init(&url, 8192);
	if (!text || core_buf_printf(&url, "%s%s", ep->url, path_query) != ATTEST_OK) {
		aws_fatal(tmpl->c, core_nomem(tmpl->c->ctx));
		rc = ATTEST_ERR_NOMEM;
	} else {
		rc = submit(tmpl, ep, method, url.data, h, 1, text, false);
	}
	core_buf_release(&url);
	free(text);
	return rc;
}

attest_rc
aws_call_s3_bucket(const struct aws_op *tmpl, const char *bucket, const char *query)
{
	const struct aws_endpoint *ep = endpoint_or_fail(tmpl);
	struct aws_op op = *tmpl;
	char *url = NULL;
	attest_rc rc;

	if (!ep)
		return ATTEST_ERR_INVALID;
	if (aws_s3_bucket_url(tmpl->c->ctx, ep, bucket, query, &url) != ATTEST_OK) {
		aws_fail(&op, "EndpointError", attest_ctx_errmsg(tmpl->c->ctx));
		return ATTEST_ERR_INVALID;
	}
	rc = submit(tmpl, ep, "GET", url, NULL, 0, NULL, true);
	free(url);
	return rc;
}

json_t *
aws_tags_object(const json_t *list)
{
	json_t *o, *t, *k, *v;
	size_t i;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return NULL;
	o = json_object();
	if (!o)
		return NULL;
	json_array_foreach(list, i, t)
	{
		k = json_object_get(t, "Key");
		if (!k)
			k = json_object_get(t, "key");
		v = json_object_get(t, "Value");
		if (!v)
			v = json_object_get(t, "value");
		if (json_is_string(k))
			json_object_set_new(o, json_string_value(k),
					    json_is_string(v) ? json_incref((json_t *)v)
							      : json_string(""));
	}
	return o;
}

attest_rc
aws_call_json_obj(const struct aws_op *tmpl, const char *target, json_t *body)
{
	return aws_call_json_obj_v(tmpl, target, "1.1", body);
}

attest_rc
aws_call_json_obj_v(const struct aws_op *tmpl, const char *target, const char *json_version,
		    json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	attest_rc rc;

	json_decref(body);
	if (!text) {
		aws_fatal(tmpl->c, core_nomem(tmpl->c->ctx));
		return ATTEST_ERR_NOMEM;
	}
	rc = aws_call_json(tmpl, target, json_version, text);
	free(text);
	return rc;
}
