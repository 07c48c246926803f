/*
 * The few calls the credential chain makes before any collection starts:
 * STS AssumeRole and GetCallerIdentity (query protocol, XML answers read
 * with core_xml_load_memory: no network, no entities), over a deliberately small
 * transport: one libcurl easy handle per request, TLS verified, short
 * timeouts, a bounded answer. Tests swap the transport for their own, or
 * point AWS_ENDPOINT_URL_STS at a loopback server.
 */
#include "config.h"

#include "collect/aws/credentials_int.h"

#include "core/xml.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#define AWS_SMALL_RESPONSE_MAX (1u << 20)

/* ---- transport ------------------------------------------------------------ */

void
aws_http_response_release(struct aws_http_response *resp)
{
	if (!resp)
		return;
	if (resp->body) {
		/* Answers carry secrets (STS, IMDS). */
		OPENSSL_cleanse(resp->body, resp->body_len);
		free(resp->body);
	}
	memset(resp, 0, sizeof(*resp));
}

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct core_buf *b = data;

	if (core_buf_add(b, ptr, size * nmemb) != ATTEST_OK)
		return 0; /* over the limit: curl stops with CURLE_WRITE_ERROR */
	return size * nmemb;
}

attest_rc
aws_http_curl(attest_ctx *ctx, void *userdata, const struct aws_http_request *req,
	      struct aws_http_response *resp)
{
	struct curl_slist *hl = NULL, *tmp;
	struct core_buf body, line;
	CURL *h = NULL;
	CURLcode cc;
	long timeout = req->timeout_ms > 0 ? req->timeout_ms : 10000;
	size_t i;
	attest_rc rc = ATTEST_ERR_NOMEM;

	(void)userdata;
	memset(resp, 0, sizeof(*resp));
	core_buf_init(&body, AWS_SMALL_RESPONSE_MAX);
	core_buf_init(&line, 65536);
	h = curl_easy_init();
	if (!h)
		goto out;
	for (i = 0; i < req->n_headers; i++) {
		core_buf_reset(&line);
		if (core_buf_printf(&line, "%s: %s", req->headers[i].name, req->headers[i].value) !=
		    ATTEST_OK)
			goto out;
		tmp = curl_slist_append(hl, line.data);
		if (!tmp)
			goto out;
		hl = tmp;
	}
	/* curl adds "Expect: 100-continue" to larger POSTs; no AWS endpoint needs it. */
	if (!(tmp = curl_slist_append(hl, "Expect:")))
		goto out;
	hl = tmp;
	if (core_buf_adds(&body, "") != ATTEST_OK)
		goto out;
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout < 5000 ? timeout : 5000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "attest/" PACKAGE_VERSION);
	if (req->no_proxy)
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		if (cc == CURLE_WRITE_ERROR && body.len >= AWS_SMALL_RESPONSE_MAX - 65536)
			rc = core_error(ctx, ATTEST_ERR_LIMIT,
					"answer from '%s' is larger than "
					"%u bytes",
					req->url, AWS_SMALL_RESPONSE_MAX);
		else
			rc = core_error(ctx, ATTEST_ERR_IO, "cannot reach '%s': %s", req->url,
					curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->body_len = body.len;
	resp->body = core_buf_take(&body);
	rc = ATTEST_OK;
out:
	if (rc == ATTEST_ERR_NOMEM)
		core_nomem(ctx);
	if (body.data)
		OPENSSL_cleanse(body.data, body.len);
	core_buf_release(&body);
	if (line.data)
		OPENSSL_cleanse(line.data, line.len);
	core_buf_release(&line);
	curl_slist_free_all(hl);
	if (h)
		curl_easy_cleanup(h);
	return rc;
}

attest_rc
aws_transport_call(attest_ctx *ctx, const struct aws_transport *t,
		   const struct aws_http_request *req, struct aws_http_response *resp)
{
	if (t && t->fn)
		return t->fn(ctx, t->userdata, req, resp);
	return aws_http_curl(ctx, NULL, req, resp);
}

/* ---- XML ------------------------------------------------------------------ */

/* The first descendant element with local name `name` under node. */
static xmlNodePtr
find(xmlNodePtr node, const char *name)
{
	xmlNodePtr c, r;

	for (c = node ? node->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcmp(c->name, (const xmlChar *)name) == 0)
			return c;
		if ((r = find(c, name)))
			return r;
	}
	return NULL;
}

static char *
text_of(xmlNodePtr root, const char *name)
{
	xmlNodePtr n = find(root, name);
	xmlChar *t;
	char *s;

	if (!n || !(t = xmlNodeGetContent(n)))
		return NULL;
	s = core_strdup((const char *)t);
	xmlFree(t);
	return s;
}

/* Copies an untrusted server message for an error: printable ASCII only,
 * at most 300 bytes. */
static void
clean_copy(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size && n < 300; src++)
		dst[n++] = (*src >= 0x20 && *src < 0x7f) ? *src : ' ';
	dst[n] = '\0';
}

/* The error message of a failed call: "<Code>: <Message>" from the XML, else
 * the status. */
static attest_rc
sts_failure(attest_ctx *ctx, const char *what, const char *subject,
	    const struct aws_http_response *resp)
{
	xmlDocPtr doc = NULL;
	char *code = NULL, *msg = NULL, c[128] = "", m[320] = "";
	attest_rc rc;

	/* An answer that is not XML leaves doc NULL: the status speaks. */
	if (core_xml_load_memory(ctx, "sts", resp->body, resp->body_len, NULL, &doc) == ATTEST_OK) {
		code = text_of((xmlNodePtr)doc, "Code");
		msg = text_of((xmlNodePtr)doc, "Message");
	}
	clean_copy(c, sizeof(c), code);
	clean_copy(m, sizeof(m), msg);
	if (c[0])
		rc = core_error(ctx, ATTEST_ERR_IO, "sts %s%s%s%s failed: HTTP %ld %s%s%s", what,
				subject ? " of '" : "", subject ? subject : "", subject ? "'" : "",
				resp->status, c, m[0] ? ": " : "", m);
	else
		rc = core_error(ctx, ATTEST_ERR_IO, "sts %s%s%s%s failed: HTTP %ld", what,
				subject ? " of '" : "", subject ? subject : "", subject ? "'" : "",
				resp->status);
	free(code);
	free(msg);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

/* ---- calls ------------------------------------------------------------------ */

/* POSTs a signed query-protocol form to STS; *resp holds any 2xx answer. */
static attest_rc
sts_call(attest_ctx *ctx, const struct aws_transport *t, const char *region, const char *profile,
	 const struct aws_credentials *cred, const char *form, const char *what,
	 const char *subject, struct aws_http_response *resp)
{
	static const char ctype[] = "application/x-www-form-urlencoded; charset=utf-8";
	struct aws_endpoint ep;
	struct aws_signing how = {0};
	struct aws_header in[1] = {{"Content-Type", ctype}}, *add = NULL, *all = NULL;
	struct aws_http_request req = {0};
	char *url = NULL;
	size_t n, i;
	attest_rc rc;

	memset(resp, 0, sizeof(*resp));
	rc = aws_endpoint_resolve(ctx, "sts", region, profile, &ep);
	if (rc != ATTEST_OK)
		return rc;
	rc = ATTEST_ERR_NOMEM;
	n = strlen(ep.url) + 2;
	if (!(url = malloc(n)))
		goto nomem;
	snprintf(url, n, "%s/", ep.url);
	how.region = ep.signing_region;
	how.service = ep.signing_name;
	how.when = time(NULL);
	rc = aws_sigv4_sign(ctx, &(struct aws_request){"POST", url, in, 1, form, strlen(form)},
			    cred, &how, &add);
	if (rc != ATTEST_OK)
		goto out;
	for (n = 0; add[n].name; n++)
		;
	if (!(all = calloc(n + 1, sizeof(*all))))
		goto nomem;
	all[0] = in[0];
	for (i = 0; i < n; i++)
		all[i + 1] = add[i];
	req.method = "POST";
	req.url = url;
	req.headers = all;
	req.n_headers = n + 1;
	req.body = form;
	req.body_len = strlen(form);
	req.timeout_ms = 15000;
	rc = aws_transport_call(ctx, t, &req, resp);
	if (rc != ATTEST_OK) {
		core_error_prefix(ctx, "sts %s", what);
		goto out;
	}
	if (resp->status < 200 || resp->status > 299) {
		rc = sts_failure(ctx, what, subject, resp);
		aws_http_response_release(resp);
	}
	goto out;
nomem:
	rc = core_nomem(ctx);
out:
	free(all);
	aws_headers_free(add);
	free(url);
	aws_endpoint_release(&ep);
	return rc;
}

static attest_rc
form_add(struct core_buf *b, const char *name, const char *value)
{
	char *enc = aws_uri_encode(value, strlen(value), false);
	attest_rc rc;

	if (!enc)
		return ATTEST_ERR_NOMEM;
	rc = core_buf_printf(b, "&%s=%s", name, enc);
	free(enc);
	return rc;
}

attest_rc
aws_sts_assume_role(attest_ctx *ctx, const struct aws_transport *t, const char *region,
		    const char *profile, const struct aws_credentials *cred,
		    const struct aws_assume_role *ar, struct aws_credentials *out)
{
	struct core_buf form;
	struct aws_http_response resp = {0};
	xmlDocPtr doc = NULL;
	xmlNodePtr creds;
	char session[64], dur[16], *exp = NULL;
	int duration = ar->duration_seconds ? ar->duration_seconds : 3600;
	attest_rc rc;

	memset(out, 0, sizeof(*out));
	core_buf_init(&form, 16384);
	if (!ar->role_arn || strncmp(ar->role_arn, "arn:", 4) != 0)
		return core_error(ctx, ATTEST_ERR_INVALID, "role '%s' is not an ARN",
				  ar->role_arn ? ar->role_arn : "");
	if (duration < 900 || duration > 43200)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "session duration %d for role '%s' "
				  "is outside 900..43200 seconds",
				  duration, ar->role_arn);
	if (ar->session_name && *ar->session_name)
		snprintf(session, sizeof(session), "%s", ar->session_name);
	else
		snprintf(session, sizeof(session), "attest-%lld", (long long)time(NULL));
	snprintf(dur, sizeof(dur), "%d", duration);
	rc = core_buf_adds(&form, "Action=AssumeRole&Version=2011-06-15");
	if (rc == ATTEST_OK)
		rc = form_add(&form, "RoleArn", ar->role_arn);
	if (rc == ATTEST_OK)
		rc = form_add(&form, "RoleSessionName", session);
	if (rc == ATTEST_OK)
		rc = form_add(&form, "DurationSeconds", dur);
	if (rc == ATTEST_OK && ar->external_id && *ar->external_id)
		rc = form_add(&form, "ExternalId", ar->external_id);
	if (rc != ATTEST_OK) {
		rc = core_error(ctx, rc, "AssumeRole request for '%s' is too large", ar->role_arn);
		goto out;
	}
	rc = sts_call(ctx, t, region, profile, cred, form.data, "AssumeRole", ar->role_arn, &resp);
	if (rc != ATTEST_OK)
		goto out;
	core_xml_load_memory(ctx, "sts", resp.body, resp.body_len, NULL, &doc);
	creds = doc ? find((xmlNodePtr)doc, "Credentials") : NULL;
	if (!creds) {
		rc = core_error(ctx, ATTEST_ERR_PARSE,
				"sts AssumeRole of '%s': the answer "
				"is not an AssumeRoleResponse with Credentials",
				ar->role_arn);
		goto out;
	}
	out->access_key_id = text_of(creds, "AccessKeyId");
	out->secret_access_key = text_of(creds, "SecretAccessKey");
	out->session_token = text_of(creds, "SessionToken");
	exp = text_of(creds, "Expiration");
	if (!out->access_key_id || !*out->access_key_id || !out->secret_access_key ||
	    !*out->secret_access_key || !out->session_token || !*out->session_token) {
		rc = core_error(ctx, ATTEST_ERR_PARSE,
				"sts AssumeRole of '%s': the answer "
				"lacks AccessKeyId, SecretAccessKey or SessionToken",
				ar->role_arn);
		goto out;
	}
	if (exp && !core_time_parse(exp, &out->expiration)) {
		rc = core_error(ctx, ATTEST_ERR_PARSE,
				"sts AssumeRole of '%s': Expiration "
				"'%.40s' is not a timestamp",
				ar->role_arn, exp);
		goto out;
	}
	rc = ATTEST_OK;
out:
	if (rc != ATTEST_OK)
		aws_credentials_release(out);
	free(exp);
	if (doc)
		xmlFreeDoc(doc);
	aws_http_response_release(&resp);
	core_buf_release(&form);
	return rc;
}

void
aws_caller_identity_release(struct aws_caller_identity *id)
{
	if (!id)
		return;
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}

attest_rc
aws_sts_get_caller_identity(attest_ctx *ctx, const struct aws_transport *t, const char *region,
			    const char *profile, const struct aws_credentials *cred,
			    struct aws_caller_identity *out)
{
	struct aws_http_response resp = {0};
	xmlDocPtr doc = NULL;
	xmlNodePtr res;
	attest_rc rc;

	memset(out, 0, sizeof(*out));
	rc = sts_call(ctx, t, region, profile, cred, "Action=GetCallerIdentity&Version=2011-06-15",
		      "GetCallerIdentity", NULL, &resp);
	if (rc != ATTEST_OK)
		return rc;
	core_xml_load_memory(ctx, "sts", resp.body, resp.body_len, NULL, &doc);
	res = doc ? find((xmlNodePtr)doc, "GetCallerIdentityResult") : NULL;
	if (res) {
		out->account = text_of(res, "Account");
		out->arn = text_of(res, "Arn");
		out->user_id = text_of(res, "UserId");
	}
	if (!out->account || !*out->account || !out->arn) {
		aws_caller_identity_release(out);
		rc = core_error(ctx, ATTEST_ERR_PARSE,
				"sts GetCallerIdentity: the answer has "
				"no Account and Arn");
	}
	if (doc)
		xmlFreeDoc(doc);
	aws_http_response_release(&resp);
	return rc;
}
