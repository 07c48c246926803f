/*
 * What the libcurl channels of alerts (webhook, SMTP) share: an easy handle
 * with the delivery timeout, TLS verification on (a channel's CA file
 * replaces the system's trust, never the verification), only the channel's
 * own protocols and no redirects (a redirect could carry a token to
 * another host), and error messages with the URL and credentials scrubbed
 * out before they are logged or kept in the outbox.
 */
#include "config.h"

#include "alert_curl.h"

#include <string.h>

void
alert_scrub(char *msg, size_t size, const char *const *secrets, size_t n)
{
	char *hit;
	size_t i, len, rlen = strlen(STORE_REDACTED_TEXT);

	for (i = 0; i < n; i++) {
		if (!secrets[i] || !*secrets[i])
			continue;
		len = strlen(secrets[i]);
		while ((hit = strstr(msg, secrets[i])) != NULL) {
			size_t tail = strlen(hit + len);

			if ((size_t)(hit - msg) + rlen + tail + 1 > size)
				tail = size - 1 - (size_t)(hit - msg) - rlen;
			memmove(hit + rlen, hit + len, tail);
			memcpy(hit, STORE_REDACTED_TEXT, rlen);
			hit[rlen + tail] = '\0';
		}
	}
}

CURL *
alert_curl_new(const struct alert_rules *rules, const struct alert_channel *ch,
	       const char *protocols, char errbuf[CURL_ERROR_SIZE])
{
	static bool ready;
	CURL *h;

	if (!ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		ready = true;
	}
	if (!(h = curl_easy_init()))
		return NULL;
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)rules->delivery.timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)rules->delivery.timeout_s);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ch->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, ch->ca_file);
	return h;
}

void
alert_curl_error(CURLcode cc, const char *errbuf, const char *const *secrets, size_t n, char *err,
		 size_t errsz)
{
	snprintf(err, errsz, "%s%s%s", curl_easy_strerror(cc), errbuf[0] ? ": " : "", errbuf);
	alert_scrub(err, errsz, secrets, n);
}

const char *
alert_env(const char *name, char *err, size_t errsz, const char *what)
{
	const char *v = name ? getenv(name) : NULL;

	if (name && (!v || !*v))
		snprintf(err, errsz, "the environment variable '%s' (%s) is not set", name, what);
	return v && *v ? v : NULL;
}
