/*
 * Alert payloads (doc/alerts.md): the human text beside the alerts array
 * (what Slack and Teams incoming webhooks display, and the body of an
 * email), merging the payloads of several outbox rows into one message, and
 * the log line of each alert. The values in a payload come from inventories
 * and events, so the text shows them terminal-escaped and cut short.
 */
#include "config.h"

#include "alert_int.h"

#include <stdlib.h>
#include <string.h>

/* Lines of text before "... and N more". */
#define TEXT_LINES 20
/* Bytes of one value shown in the text or the log. */
#define VALUE_MAX 160

/* The string member key of o (or "-"), escaped into buf. */
static const char *
val(const json_t *o, const char *key, char buf[VALUE_MAX])
{
	const char *s = json_string_value(json_object_get(o, key));

	attest_term_escape(s ? s : "-", buf, VALUE_MAX);
	return buf;
}

static attest_rc
line(struct core_buf *b, const json_t *a)
{
	const json_t *res = json_object_get(a, "resource"), *cause = json_object_get(a, "cause");
	const char *kind = json_string_value(json_object_get(a, "kind"));
	char v[6][VALUE_MAX];

	if (!kind)
		kind = "";
	if (strcmp(kind, "newly-failing") == 0 || strcmp(kind, "internet-exposed") == 0) {
		if (core_buf_printf(
			    b, "- [%s] %s%s fails on %s (%s %s): %s", val(a, "severity", v[0]),
			    kind[0] == 'i' ? "internet-exposed: " : "", val(a, "check", v[1]),
			    val(res, "id", v[2]), val(res, "account", v[3]),
			    val(res, "region", v[4]), val(a, "reason", v[5])))
			return ATTEST_ERR_NOMEM;
		if (json_is_object(cause) &&
		    core_buf_printf(b, " (after %s by %s)", val(cause, "name", v[0]),
				    val(cause, "actor", v[1])))
			return ATTEST_ERR_NOMEM;
	} else if (core_buf_printf(b, "- [%s] %s", kind, val(a, "reason", v[0])))
		return ATTEST_ERR_NOMEM;
	return core_buf_addc(b, '\n');
}

attest_rc
alert_payload_text(json_t *payload)
{
	const json_t *alerts = json_object_get(payload, "alerts");
	struct core_buf b;
	size_t i, n = json_array_size(alerts);
	attest_rc rc;

	core_buf_init(&b, 1u << 20);
	rc = core_buf_printf(&b, "attest: %zu alert%s\n", n, n == 1 ? "" : "s");
	for (i = 0; i < n && i < TEXT_LINES && rc == ATTEST_OK; i++)
		rc = line(&b, json_array_get(alerts, i));
	if (rc == ATTEST_OK && n > TEXT_LINES)
		rc = core_buf_printf(&b, "... and %zu more\n", n - TEXT_LINES);
	if (rc == ATTEST_OK && json_object_set_new(payload, "text", json_string(b.data)))
		rc = ATTEST_ERR_NOMEM;
	core_buf_release(&b);
	return rc;
}

json_t *
alert_payload_merge(json_t *const *payloads, size_t n)
{
	json_t *all = json_array(), *out;
	size_t i;

	for (i = 0; all && i < n; i++)
		if (json_array_extend(all, json_object_get(payloads[i], "alerts"))) {
			json_decref(all);
			return NULL;
		}
	out = all ? json_pack("{s:o}", "alerts", all) : NULL;
	if (out && alert_payload_text(out) != ATTEST_OK) {
		json_decref(out);
		return NULL;
	}
	return out;
}

void
alert_payload_log(attest_ctx *ctx, attest_log_level level, const char *what, const char *channel,
		  const json_t *payload)
{
	const json_t *a, *res;
	char v[6][VALUE_MAX];
	size_t i;

	json_array_foreach(json_object_get(payload, "alerts"), i, a)
	{
		res = json_object_get(a, "resource");
		core_log(
			ctx, level,
			"%s: channel '%s', rule '%s' (%s), check '%s', resource '%s', status %s: %s",
			what, channel, val(a, "rule", v[0]), val(a, "kind", v[1]),
			val(a, "check", v[2]), val(res, "id", v[3]), val(a, "status", v[4]),
			val(a, "reason", v[5]));
	}
}
