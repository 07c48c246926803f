/*
 * What a scan records so that diff can say why a finding changed
 * (doc/history.md): SQL functions, registered on the history database,
 * that digest a judged resource's configuration and a check's definition,
 * and tell whether a check's query reads the scan's reference date. They
 * run once per judged resource and per check while a scan is saved.
 *
 * A configuration digest is the SHA-256 of a canonical form: the resource's
 * arn, name, tags, configuration and supplementary configuration as compact
 * JSON with sorted keys, so the same configuration written with its keys
 * in another order digests the same. The capture time attest adds to AWS
 * Config items is left out: it says when the configuration was recorded,
 * not what it is.
 */
#include "config.h"

#include "store_int.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
hex_sha256(sqlite3_context *sc, const void *data, size_t len)
{
	char hex[65];

	if (!core_sha256_hex(data, len, hex)) {
		sqlite3_result_error(sc, "cannot compute a SHA-256 digest", -1);
		return;
	}
	sqlite3_result_text(sc, hex, 64, SQLITE_TRANSIENT);
}

/* sha256_hex(text): the lowercase hex SHA-256 of its UTF-8 text; NULL for
 * NULL. */
static void
fn_sha256(sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	const unsigned char *t = sqlite3_value_text(argv[0]);

	(void)argc;
	if (!t) {
		sqlite3_result_null(sc);
		return;
	}
	hex_sha256(sc, t, (size_t)sqlite3_value_bytes(argv[0]));
}

/* A JSON column as a value: its parse, the text as a string when it is not
 * JSON, null for NULL. New reference, NULL when out of memory. */
static json_t *
column_json(sqlite3_value *v)
{
	const char *t = (const char *)sqlite3_value_text(v);
	json_t *j;

	if (!t)
		return json_null();
	j = json_loads(t, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	return j ? j : json_string(t);
}

/* config_sha256(arn, name, tags, config, supp): the digest of the canonical
 * form described at the top of this file. */
static void
fn_config_sha256(sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	static const char *const keys[] = {"arn", "name", "tags", "configuration",
					   "supplementaryConfiguration"};
	json_t *o = json_object(), *v;
	char *text = NULL;
	int i;

	if (!o)
		goto nomem;
	for (i = 0; i < argc && i < 5; i++) {
		if (!(v = column_json(argv[i])) || json_object_set_new(o, keys[i], v) != 0)
			goto nomem;
	}
	json_object_del(json_object_get(o, "supplementaryConfiguration"),
			"ConfigurationItemCaptureTime");
	if (!(text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)))
		goto nomem;
	hex_sha256(sc, text, strlen(text));
	free(text);
	json_decref(o);
	return;
nomem:
	json_decref(o);
	sqlite3_result_error_nomem(sc);
}

/* query_dated(query): 1 when the query reads the scan's reference date,
 * through days_since(), days_until() or the scan table, so that its result
 * can change with the inventory's date alone; 0 otherwise. Identifiers are
 * matched outside string literals and comments. */
static void
fn_query_dated(sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	static const char *const dated[] = {"days_since", "days_until", "scan"};
	const char *p = (const char *)sqlite3_value_text(argv[0]), *start;
	size_t i, n;

	(void)argc;
	if (!p) {
		sqlite3_result_null(sc);
		return;
	}
	while (*p) {
		if (*p == '\'' || *p == '"') { /* a literal or quoted name: skip it */
			char q = *p++;

			while (*p && *p != q)
				p++;
			if (*p)
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			start = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			n = (size_t)(p - start);
			for (i = 0; i < sizeof(dated) / sizeof(dated[0]); i++)
				if (strlen(dated[i]) == n && strncasecmp(start, dated[i], n) == 0) {
					sqlite3_result_int(sc, 1);
					return;
				}
		} else {
			p++;
		}
	}
	sqlite3_result_int(sc, 0);
}

int
store_digest_register(sqlite3 *db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc;

	rc = sqlite3_create_function(db, "sha256_hex", 1, flags, NULL, fn_sha256, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "config_sha256", 5, flags, NULL, fn_config_sha256,
					     NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "query_dated", 1, flags, NULL, fn_query_dated,
					     NULL, NULL);
	return rc;
}
