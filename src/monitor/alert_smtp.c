/*
 * The email channel: one message per group of alerts, sent through libcurl
 * over SMTP with TLS required: smtp:// must upgrade with STARTTLS
 * (CURLUSESSL_ALL: a server that does not offer it gets nothing, not even
 * the sender), smtps:// speaks TLS from the start. The message is MIME: the
 * text of the payload, then the payload itself attached as alerts.json,
 * both base64 so that no line is too long and no dot starts a line. The
 * user and password come from environment variables at delivery time.
 */
#include "config.h"

#include "alert_curl.h"

#include <string.h>

#define BOUNDARY "attest-alerts-b0undary-7d1f"

static attest_rc
base64(struct core_buf *b, const char *data, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)data;
	char quad[4];
	size_t i, col = 0;
	attest_rc rc = ATTEST_OK;

	for (i = 0; i < n && rc == ATTEST_OK; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		quad[0] = tab[v >> 18 & 63];
		quad[1] = tab[v >> 12 & 63];
		quad[2] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		quad[3] = i + 2 < n ? tab[v & 63] : '=';
		rc = core_buf_add(b, quad, 4);
		if (rc == ATTEST_OK && (col += 4) >= 76) {
			rc = core_buf_adds(b, "\r\n");
			col = 0;
		}
	}
	return rc == ATTEST_OK && col ? core_buf_adds(b, "\r\n") : rc;
}

/* RFC 5322 date of t, whatever the locale. */
static void
mail_date(time_t t, char out[40])
{
	static const char days[] = "SunMonTueWedThuFriSat", months[] = "JanFebMarAprMayJun"
								       "JulAugSepOctNovDec";
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 40, "%.3s, %02d %.3s %04d %02d:%02d:%02d +0000", days + 3 * tm.tm_wday,
		 tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

static attest_rc
message(struct core_buf *b, const struct alert_channel *ch, const json_t *payload, time_t now)
{
	const char *text = json_string_value(json_object_get(payload, "text"));
	size_t i, n = json_array_size(json_object_get(payload, "alerts"));
	char date[40], *json = json_dumps(payload, JSON_INDENT(2));
	attest_rc rc;

	mail_date(now, date);
	rc = core_buf_printf(b, "Date: %s\r\nFrom: <%s>\r\nTo: ", date, ch->from);
	for (i = 0; i < ch->n_to && rc == ATTEST_OK; i++)
		rc = core_buf_printf(b, "%s<%s>", i ? ", " : "", ch->to[i]);
	if (rc == ATTEST_OK)
		rc = core_buf_printf(b,
				     "\r\nSubject: attest: %zu alert%s\r\n"
				     "Message-ID: <attest-%lld-%p@attest.invalid>\r\n"
				     "MIME-Version: 1.0\r\n"
				     "Content-Type: multipart/mixed; boundary=\"" BOUNDARY "\"\r\n"
				     "\r\n--" BOUNDARY "\r\n"
				     "Content-Type: text/plain; charset=utf-8\r\n"
				     "Content-Transfer-Encoding: base64\r\n\r\n",
				     n, n == 1 ? "" : "s", (long long)now, (const void *)b);
	if (rc == ATTEST_OK)
		rc = base64(b, text ? text : "", text ? strlen(text) : 0);
	if (rc == ATTEST_OK)
		rc = core_buf_adds(b,
				   "--" BOUNDARY "\r\n"
				   "Content-Type: application/json; name=\"alerts.json\"\r\n"
				   "Content-Disposition: attachment; filename=\"alerts.json\"\r\n"
				   "Content-Transfer-Encoding: base64\r\n\r\n");
	if (rc == ATTEST_OK)
		rc = json ? base64(b, json, strlen(json)) : ATTEST_ERR_NOMEM;
	if (rc == ATTEST_OK)
		rc = core_buf_adds(b, "--" BOUNDARY "--\r\n");
	free(json);
	return rc;
}

struct reader {
	const char *data;
	size_t len, pos;
};

static size_t
feed(char *out, size_t size, size_t n, void *userdata)
{
	struct reader *r = userdata;
	size_t k = size * n < r->len - r->pos ? size * n : r->len - r->pos;

	memcpy(out, r->data + r->pos, k);
	r->pos += k;
	return k;
}

attest_rc
alert_smtp_send(const struct alert_rules *rules, const struct alert_channel *ch,
		const json_t *payload, time_t now, char *err, size_t errsz)
{
	const char *user = NULL, *password = NULL, *secrets[2];
	char errbuf[CURL_ERROR_SIZE], addr[512];
	struct core_buf msg;
	struct reader rd;
	struct curl_slist *rcpt = NULL;
	CURL *h = NULL;
	CURLcode cc;
	size_t i;
	attest_rc rc = ATTEST_ERR_IO;

	core_buf_init(&msg, 64u << 20);
	if ((ch->user_env && !(user = alert_env(ch->user_env, err, errsz, "the SMTP user"))) ||
	    (ch->password_env &&
	     !(password = alert_env(ch->password_env, err, errsz, "the SMTP password"))))
		goto out;
	secrets[0] = user;
	secrets[1] = password;
	if (message(&msg, ch, payload, now) != ATTEST_OK ||
	    !(h = alert_curl_new(rules, ch, "smtp,smtps", errbuf))) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (i = 0; i < ch->n_to; i++) {
		snprintf(addr, sizeof(addr), "<%s>", ch->to[i]);
		if (!(rcpt = curl_slist_append(rcpt, addr))) {
			snprintf(err, errsz, "out of memory");
			goto out;
		}
	}
	snprintf(addr, sizeof(addr), "<%s>", ch->from);
	rd = (struct reader){msg.data, msg.len, 0};
	curl_easy_setopt(h, CURLOPT_URL, ch->smtp_url);
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	if (user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password);
	}
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		alert_curl_error(cc, errbuf, secrets, 2, err, errsz);
		goto out;
	}
	rc = ATTEST_OK;
out:
	curl_slist_free_all(rcpt);
	if (h)
		curl_easy_cleanup(h);
	core_buf_release(&msg);
	return rc;
}
