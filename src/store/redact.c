/*
 * Keeping credentials out of the history database. Evidence is the
 * configuration a check was judged on, and configurations carry secrets:
 * tags named "db_password", Lambda environment variables, EC2 user data
 * scripts that export an AWS secret key, PEM private keys pasted into a
 * parameter. redact_secrets(value) is an SQL function, registered on every
 * history connection and applied while a scan's evidence and reasons are
 * copied in (store.c, transfer.c), that replaces what looks like a
 * credential with "[REDACTED]":
 *   - in JSON, the string or number under a key whose name ends like a secret
 *     (password, secret, token, api_key, private_key, credentials, ...), the
 *     "Value" of a {"Key": ..., "Value": ...} or {"name": ..., "value": ...}
 *     pair whose key is such a name (AWS tags, ECS environment lists), and
 *     base64 user data whose decoded text holds a credential;
 *   - in any text: AWS access key ids (AKIA/ASIA + 16), STS session tokens
 *     (recognised by structure: base64 whose bytes start like the token's
 *     protobuf header, whatever its version byte), PEM and PGP private key
 *     blocks (any "-----BEGIN ...PRIVATE/SECRET...-----" block), bearer
 *     tokens, JWTs, the password of a URL's userinfo (also with an empty user,
 *     redis://:pw@host) and the values of assignments such as
 *     "AWS_SECRET_ACCESS_KEY=..." or "password: ...";
 *   - object keys are text too: a key that is a credential (an access key id
 *     used as a key) is renamed "[REDACTED]" ("[REDACTED]#2", ... when
 *     several are).
 * Key names match after dropping a value-ish suffix (SecretString,
 * SecretBinary, PasswordData, TokenValue are secrets as Secret, Password and
 * Token are).
 * Most evidence holds none of the trigger words and is returned untouched
 * without being parsed, which keeps the copy of a large scan fast.
 */
#include "config.h"

#include "store_int.h"

#include <ctype.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- JSON ----------------------------------------------------------------- */

static bool
is_base64(const char *s, size_t n)
{
	size_t i;

	if (n < 8 || n % 4 != 0)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/' && s[i] != '=')
			return false;
	return true;
}

/* User data is usually base64: decode it and look inside. */
static attest_rc
user_data_secret(const char *s, bool *found)
{
	size_t n = strlen(s);
	unsigned char *dec;
	char *red = NULL;
	int len;
	attest_rc rc;

	*found = false;
	if (!is_base64(s, n) || n > STORE_REDACT_MAX)
		return ATTEST_OK;
	dec = malloc(n / 4 * 3 + 1);
	if (!dec)
		return ATTEST_ERR_NOMEM;
	len = EVP_DecodeBlock(dec, (const unsigned char *)s, (int)n);
	if (len < 0) {
		free(dec);
		return ATTEST_OK;
	}
	dec[len] = '\0';
	/* Binary payloads (gzip) cannot be read; text with a NUL is cut there. */
	rc = store_redact_text((const char *)dec, &red);
	*found = red != NULL;
	free(red);
	free(dec);
	return rc;
}

static attest_rc redact_json(json_t *v, bool secret, bool *changed);

static json_t *
pair_value(json_t *obj, json_t **key_out)
{
	static const char *const keys[] = {"Key", "key", "Name", "name", NULL};
	static const char *const vals[] = {"Value", "value", "Value", "value", NULL};
	size_t i;
	json_t *k;

	for (i = 0; keys[i]; i++) {
		k = json_object_get(obj, keys[i]);
		if (json_is_string(k) && json_object_get(obj, vals[i])) {
			*key_out = k;
			return json_object_get(obj, vals[i]);
		}
	}
	return NULL;
}

static attest_rc
redact_member(json_t *parent, const char *key, json_t *v, bool secret, bool *changed)
{
	const char *s;
	char *red = NULL;
	bool found;
	attest_rc rc;

	if (secret && (json_is_string(v) || json_is_number(v))) {
		if (json_is_string(v) &&
		    (strcmp(json_string_value(v), STORE_REDACTED) == 0 || !*json_string_value(v)))
			return ATTEST_OK;
		*changed = true;
		return json_object_set_new(parent, key, json_string(STORE_REDACTED))
			       ? ATTEST_ERR_NOMEM
			       : ATTEST_OK;
	}
	if (!json_is_string(v))
		return redact_json(v, secret, changed);
	s = json_string_value(v);
	if (store_secret_name(key) == false && strcasestr(key, "userdata") == NULL &&
	    strcasestr(key, "user_data") == NULL) {
		if ((rc = store_redact_text(s, &red)) != ATTEST_OK || !red)
			return rc;
		*changed = true;
		rc = json_object_set_new(parent, key, json_string(red)) ? ATTEST_ERR_NOMEM
									: ATTEST_OK;
		free(red);
		return rc;
	}
	/* user data: a readable script is redacted in place, base64 as a whole */
	if ((rc = user_data_secret(s, &found)) != ATTEST_OK)
		return rc;
	if (found) {
		*changed = true;
		return json_object_set_new(parent, key, json_string(STORE_REDACTED))
			       ? ATTEST_ERR_NOMEM
			       : ATTEST_OK;
	}
	if ((rc = store_redact_text(s, &red)) != ATTEST_OK || !red)
		return rc;
	*changed = true;
	rc = json_object_set_new(parent, key, json_string(red)) ? ATTEST_ERR_NOMEM : ATTEST_OK;
	free(red);
	return rc;
}

/* Renames the keys of obj that are credentials themselves. */
static attest_rc
redact_keys(json_t *obj, bool *changed)
{
	const char *key;
	json_t *m, *renamed = NULL;
	char *red, name[32];
	size_t n = 0, i;
	attest_rc rc = ATTEST_OK;

	json_object_foreach(obj, key, m)
	{
		red = NULL;
		if ((rc = store_redact_text(key, &red)) != ATTEST_OK)
			break;
		if (!red)
			continue;
		free(red);
		if (!renamed && !(renamed = json_array())) {
			rc = ATTEST_ERR_NOMEM;
			break;
		}
		if (json_array_append_new(renamed, json_string(key)) != 0) {
			rc = ATTEST_ERR_NOMEM;
			break;
		}
	}
	for (i = 0; rc == ATTEST_OK && i < json_array_size(renamed); i++) {
		key = json_string_value(json_array_get(renamed, i));
		do {
			if (n++ == 0)
				snprintf(name, sizeof(name), "%s", STORE_REDACTED);
			else
				snprintf(name, sizeof(name), STORE_REDACTED "#%zu", n);
		} while (json_object_get(obj, name));
		m = json_incref(json_object_get(obj, key));
		if (json_object_del(obj, key) != 0 || json_object_set_new(obj, name, m) != 0)
			rc = ATTEST_ERR_NOMEM;
		*changed = true;
	}
	json_decref(renamed);
	return rc;
}

static attest_rc
redact_json(json_t *v, bool secret, bool *changed)
{
	const char *key;
	json_t *m, *pk, *pv;
	size_t i;
	char *red;
	attest_rc rc;

	if (json_is_object(v)) {
		if ((rc = redact_keys(v, changed)) != ATTEST_OK)
			return rc;
		pk = NULL;
		pv = pair_value(v, &pk);
		void *iter = json_object_iter(v);

		while (iter) {
			key = json_object_iter_key(iter);
			m = json_object_iter_value(iter);
			iter = json_object_iter_next(v, iter);
			rc = redact_member(
				v, key, m,
				secret || store_secret_name(key) ||
					(m == pv && store_secret_name(json_string_value(pk))),
				changed);
			if (rc != ATTEST_OK)
				return rc;
		}
		return ATTEST_OK;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
		{
			if (json_is_string(m) || json_is_number(m)) {
				red = NULL;
				if (secret)
					red = core_strdup(STORE_REDACTED);
				else if ((rc = store_redact_text(
						  json_is_string(m) ? json_string_value(m) : "",
						  &red)) != ATTEST_OK)
					return rc;
				if (!red)
					continue;
				*changed = true;
				rc = json_array_set_new(v, i, json_string(red)) ? ATTEST_ERR_NOMEM
										: ATTEST_OK;
				free(red);
				if (rc != ATTEST_OK)
					return rc;
			} else if ((rc = redact_json(m, secret, changed)) != ATTEST_OK) {
				return rc;
			}
		}
	}
	return ATTEST_OK;
}

attest_rc
store_redact(const char *in, char **out)
{
	json_t *doc;
	bool changed = false;
	attest_rc rc;

	*out = NULL;
	if (!store_maybe_secret(in))
		return ATTEST_OK;
	if (*in == '{' || *in == '[') {
		doc = json_loads(in, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (doc) {
			rc = redact_json(doc, false, &changed);
			if (rc == ATTEST_OK && changed) {
				*out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER |
							       JSON_ENCODE_ANY);
				if (!*out)
					rc = ATTEST_ERR_NOMEM;
			}
			json_decref(doc);
			return rc;
		}
	}
	return store_redact_text(in, out);
}

static void
sql_redact(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	const char *in;
	char *out = NULL;
	attest_rc rc;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
		sqlite3_result_value(c, argv[0]);
		return;
	}
	in = (const char *)sqlite3_value_text(argv[0]);
	if (!in) {
		sqlite3_result_error_nomem(c);
		return;
	}
	rc = store_redact(in, &out);
	if (rc == ATTEST_ERR_NOMEM)
		sqlite3_result_error_nomem(c);
	else if (rc != ATTEST_OK)
		/* Never store what could not be inspected. */
		sqlite3_result_text(c, STORE_REDACTED, -1, SQLITE_STATIC);
	else if (out)
		sqlite3_result_text(c, out, -1, free);
	else
		sqlite3_result_value(c, argv[0]);
}

/* Every column that receives text from an input: resource identity and
 * evidence of findings, reasons (gap messages are copied into them), the
 * whole collection log, and the sources' paths and header text. */
static const char *const input_columns[][2] = {
	{"findings", "resource_id"},   {"findings", "arn"},
	{"findings", "name"},          {"findings", "region"},
	{"findings", "account"},       {"findings", "reason"},
	{"findings", "evidence"},      {"scan_checks", "reason"},
	{"scan_gaps", "account"},      {"scan_gaps", "region"},
	{"scan_gaps", "service"},      {"scan_gaps", "operation"},
	{"scan_gaps", "error_code"},   {"scan_gaps", "message"},
	{"scans", "sources"},          {"scan_resources", "resource_id"},
	{"scan_resources", "account"}, {"scan_resources", "region"},
};

/* What attest watch stores (watch.c): the event's identity text, the
 * deltas' findings, the reason a message was refused, alert payloads. */
static const char *const watch_columns[][2] = {
	{"watch_events", "actor"},
	{"watch_events", "actor_type"},
	{"watch_events", "source_ip"},
	{"watch_events", "user_agent"},
	{"watch_events", "account"},
	{"watch_events", "region"},
	{"deltas", "resource_id"},
	{"deltas", "arn"},
	{"deltas", "region"},
	{"deltas", "account"},
	{"deltas", "reason"},
	{"deltas", "evidence"},
	{"watch_dead_letters", "reason"},
	{"alert_outbox", "payload"},
};

bool
store_redact_column(const char *table, const char *column)
{
	size_t i;

	for (i = 0; i < sizeof(input_columns) / sizeof(input_columns[0]); i++)
		if (strcmp(input_columns[i][0], table) == 0 &&
		    strcmp(input_columns[i][1], column) == 0)
			return true;
	for (i = 0; i < sizeof(watch_columns) / sizeof(watch_columns[0]); i++)
		if (strcmp(watch_columns[i][0], table) == 0 &&
		    strcmp(watch_columns[i][1], column) == 0)
			return true;
	return false;
}

int
store_redact_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "redact_secrets", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
				       sql_redact, NULL, NULL);
}
