/*
 * The libcurl side of the alert channels (alert_curl.c): a configured easy
 * handle and error messages without secrets.
 */
#ifndef ATTEST_MONITOR_ALERT_CURL_H
#define ATTEST_MONITOR_ALERT_CURL_H

#include "alert_int.h"

#include <curl/curl.h>
#include <stdlib.h>

/* What scrubbing puts in place of a URL or credential. */
#define STORE_REDACTED_TEXT "[REDACTED]"

/* An easy handle for channel ch limited to protocols ("https,http",
 * "smtp,smtps"), with the rules' timeout, TLS verified (against ch's CA
 * file when it names one) and errbuf as its error buffer; NULL when libcurl
 * cannot start. The caller cleans it up. */
CURL *alert_curl_new(const struct alert_rules *rules, const struct alert_channel *ch,
		     const char *protocols, char errbuf[CURL_ERROR_SIZE]);
/* "<libcurl's message>: <errbuf>" into err, each of the n secrets scrubbed. */
void alert_curl_error(CURLcode cc, const char *errbuf, const char *const *secrets, size_t n,
		      char *err, size_t errsz);
/* The value of environment variable name; NULL (and err says which variable,
 * for what) when name is set but the variable is unset or empty; NULL
 * without a message when name is NULL. */
const char *alert_env(const char *name, char *err, size_t errsz, const char *what);

#endif
