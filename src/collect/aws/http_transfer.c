/*
 * One attempt of a job of the HTTP engine (http.c): the request's headers
 * (with the signer's, added afresh before every attempt), the libcurl easy
 * handle with its safe settings (TLS verified, http(s) only, no redirects),
 * the answer's body bounded, and its x-amzn-ErrorType header kept.
 */
#include "config.h"

#include "collect/aws/http_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct job *j = data;
	size_t n = size * nmemb;

	if (core_buf_add(&j->resp, ptr, n) != ATTEST_OK) {
		j->too_big = true;
		return 0; /* makes libcurl abort the transfer */
	}
	return n;
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct job *j = data;
	size_t n = size * nmemb, k = sizeof("x-amzn-ErrorType:") - 1, len;
	const char *v;

	if (n > k && strncasecmp(ptr, "x-amzn-ErrorType:", k) == 0) {
		v = ptr + k;
		len = n - k;
		while (len && (*v == ' ' || *v == '\t')) {
			v++;
			len--;
		}
		while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
			len--;
		if (len >= sizeof(j->errtype))
			len = sizeof(j->errtype) - 1;
		memcpy(j->errtype, v, len);
		j->errtype[len] = '\0';
	}
	return n;
}

static attest_rc
add_header(struct curl_slist **l, const char *name, const char *value)
{
	struct core_buf b;
	struct curl_slist *n;

	core_buf_init(&b, 65536);
	/* "Name;" sends a header with an empty value; "Name:" would drop it. */
	if (core_buf_printf(&b, *value ? "%s: %s" : "%s;", name, value) != ATTEST_OK) {
		core_buf_release(&b);
		return ATTEST_ERR_NOMEM;
	}
	n = curl_slist_append(*l, b.data);
	core_buf_release(&b);
	if (!n)
		return ATTEST_ERR_NOMEM;
	*l = n;
	return ATTEST_OK;
}

attest_rc
http_start(struct aws_engine *h, struct job *j)
{
	struct curl_slist *extra = NULL, *s;
	CURL *e;
	size_t i;
	attest_rc rc;

	core_buf_reset(&j->resp);
	j->errtype[0] = '\0';
	j->too_big = false;
	for (i = 0; i < j->call.n_headers; i++)
		if (add_header(&j->sent, j->hdrs[i].name, j->hdrs[i].value) != ATTEST_OK)
			return core_nomem(h->ctx);
	/* Without this libcurl adds "Expect: 100-continue" to larger POSTs,
	 * costing a round trip for nothing. */
	if (!(s = curl_slist_append(j->sent, "Expect:")))
		return core_nomem(h->ctx);
	j->sent = s;
	if (h->sign) {
		rc = h->sign(j->call.sign_data ? j->call.sign_data : h->sign_data, &j->call,
			     &extra);
		if (rc != ATTEST_OK)
			return rc;
		for (s = extra; s; s = s->next)
			if (!curl_slist_append(j->sent, s->data)) {
				curl_slist_free_all(extra);
				return core_nomem(h->ctx);
			}
		curl_slist_free_all(extra);
	}
	e = curl_easy_init();
	if (!e)
		return core_nomem(h->ctx);
	j->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, j->call.url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, j);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->sent);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, j->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* TLS verification is never turned off; only http(s) is spoken. */
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "attest/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (strcmp(j->call.method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, j->call.method);
		if (j->call.body_len || strcmp(j->call.method, "POST") == 0) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)j->call.body_len);
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->body ? (char *)j->body : "");
		}
	}
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		return core_error(h->ctx, ATTEST_ERR_INTERNAL, "cannot start a request to '%s'",
				  j->call.url);
	j->next_active = h->active_list;
	h->active_list = j;
	j->attempts++;
	h->stats.calls++;
	if (j->attempts > 1)
		h->stats.retries++;
	h->active++;
	h->svc[j->svc].active++;
	return ATTEST_OK;
}
