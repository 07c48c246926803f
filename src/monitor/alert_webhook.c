/*
 * The webhook channel: one HTTPS POST of the JSON payload (doc/alerts.md),
 * which Slack and Teams incoming webhooks show through its "text". A 2xx
 * answer is delivery; anything else, or no answer within the timeout, is a
 * failure retried later. The URL may itself be a secret, and a header may
 * carry a token: neither appears in an error message.
 */
#include "config.h"

#include "alert_curl.h"

#include <string.h>

/* Answers are not needed: read and dropped. */
static size_t
discard(char *data, size_t size, size_t n, void *userdata)
{
	(void)data;
	(void)userdata;
	return size * n;
}

attest_rc
alert_webhook_send(const struct alert_rules *rules, const struct alert_channel *ch,
		   const char *body, char *err, size_t errsz)
{
	static const char *const schemes[] = {"https", "http", NULL};
	const char *url = ch->url, *token = NULL, *secrets[2], *why;
	char errbuf[CURL_ERROR_SIZE];
	struct core_buf hdr;
	struct curl_slist *headers = NULL;
	CURL *h = NULL;
	CURLcode cc;
	long status = 0;
	attest_rc rc = ATTEST_ERR_IO;

	core_buf_init(&hdr, 16384);
	if (!url && !(url = alert_env(ch->url_env, err, errsz, "the webhook's URL")))
		goto out;
	if (url != ch->url && !alert_url_ok(url, schemes, &why)) {
		snprintf(err, errsz, "the URL in '%s' is refused: %s", ch->url_env, why);
		goto out;
	}
	if (ch->header && !(token = alert_env(ch->header_env, err, errsz, "the webhook's header")))
		goto out;
	secrets[0] = url;
	secrets[1] = token;
	if (token && (strpbrk(token, "\r\n") ||
		      core_buf_printf(&hdr, "%s: %s%s", ch->header, ch->header_prefix, token))) {
		snprintf(err, errsz, "the value of '%s' cannot be a header", ch->header_env);
		goto out;
	}
	if (!(h = alert_curl_new(rules, ch, "https,http", errbuf)) ||
	    !(headers = curl_slist_append(NULL, "Content-Type: application/json")) ||
	    !curl_slist_append(headers, "User-Agent: attest/" PACKAGE_VERSION) ||
	    (token && !curl_slist_append(headers, hdr.data))) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		alert_curl_error(cc, errbuf, secrets, 2, err, errsz);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(err, errsz, "the webhook answered HTTP %ld", status);
		goto out;
	}
	rc = ATTEST_OK;
out:
	curl_slist_free_all(headers);
	if (h)
		curl_easy_cleanup(h);
	if (hdr.data)
		memset(hdr.data, 0, hdr.len); /* a token */
	core_buf_release(&hdr);
	return rc;
}
