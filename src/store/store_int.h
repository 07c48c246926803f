/*
 * store owns the history database: its schema and migrations, saving a
 * scan in one transaction, redaction, validation, queries for history, diff
 * and trend, export and import; it may call only core.
 *
 * Inside the store: the connection, for the report renderers that read a
 * stored scan, and the schema version this build writes.
 */
#ifndef ATTEST_STORE_INT_H
#define ATTEST_STORE_INT_H

#include "core/core_int.h"

#include <sqlite3.h>

#define STORE_SCHEMA_VERSION 8
#define STORE_APPLICATION_ID 0x61747374 /* "atst" */

sqlite3 *store_db(attest_store *store);
attest_ctx *store_ctx(attest_store *store);
/* Brings a database at schema version `from` up to STORE_SCHEMA_VERSION. */
attest_rc store_migrate(attest_ctx *ctx, sqlite3 *db, int from);
/* Applies migrations from -> to only (tests build databases of old versions). */
attest_rc store_migrate_to(attest_ctx *ctx, sqlite3 *db, int from, int to);
/* Registers redact_secrets(text) on db (redact.c); an SQLite result code. */
int store_redact_register(sqlite3 *db);
/* Registers sha256_hex(text), config_sha256(arn, name, tags, config, supp)
 * and query_dated(query) on db (digest.c); an SQLite result code. */
int store_digest_register(sqlite3 *db);
/* Redacts credentials in a JSON document or text: *out is a new string
 * (free() it), or NULL when nothing needed redacting. */
attest_rc store_redact(const char *in, char **out);
/* True when a key or variable name says its value is a secret. */
bool store_secret_name(const char *name);
/* What redaction puts in place of a secret, and the longest text it reads. */
#define STORE_REDACTED "[REDACTED]"
#define STORE_REDACT_MAX (16u << 20)
/* False when no rule can find a secret in s (redact_text.c). */
bool store_maybe_secret(const char *s);
/* Redacts the credentials in text; *out is NULL when it holds none. */
attest_rc store_redact_text(const char *text, char **out);
/* True when column of a history table holds text that came from an input
 * (an inventory, a collection log, an imported export) and must go through
 * redact_secrets() on its way in (redact.c keeps the list). */
bool store_redact_column(const char *table, const char *column);
/* Keeping the inputs of a scan (inputs.c), in two steps so that no file is
 * read under the write lock: store_inputs_copy() reads and compresses the
 * readable inputs listed in the attached inv.sources into a scratch file,
 * before the scan's transaction; store_inputs_insert() stores them for scan
 * id inside it. An input that cannot be read again (not a regular file,
 * standard input, unreadable) or has changed is recorded as not kept, with
 * a warning. store_inputs_free(NULL) is a no-op. */
struct store_kept;
attest_rc store_inputs_copy(attest_store *store, struct store_kept **out);
attest_rc store_inputs_insert(attest_store *store, const char *id, struct store_kept *kept);
void store_inputs_free(struct store_kept *kept);
/* Writes the kept copy of the input whose SHA-256 is sha256 to out,
 * checking its digest; ATTEST_ERR_NOTFOUND when none is kept,
 * ATTEST_ERR_INVALID when the stored copy is damaged. *bytes receives its size. */
attest_rc store_input_write(attest_store *store, const char *sha256, FILE *out, long long *bytes);
/* The same finding in two scans (SQL over findings aliases o and d): same
 * check and resource (type, id, account, region). */
#define STORE_SAME_FINDING(o, d)                                                                   \
	o ".check_id = " d ".check_id AND " o ".resource_id IS " d ".resource_id"                  \
	  " AND " o ".resource_type IS " d ".resource_type AND " o ".account IS " d ".account"     \
	  " AND " o ".region IS " d ".region"
/* Findings of framework that newly fail in `to` and that were fixed since
 * `from` (changes.c; the definitions of attest diff). */
attest_rc store_change_counts(attest_store *store, const char *from, const char *to,
			      const char *framework, long long *newly_failing, long long *fixed);
/* The SQLite URI of the file at path with query params (e.g. "mode=ro"),
 * its special characters escaped, into uri (initialized here; release it). */
attest_rc store_file_uri(const char *path, const char *params, struct core_buf *uri);
/* Checks every row of the history tables in schema (of db) against what a
 * scan writes (validate.c): calls fn with each problem, naming table, row
 * and column, at most limit per rule, and counts them in *problems.
 * export_file: schema is an export about to be imported (what the import
 * repairs is not a problem). ATTEST_OK when the checking itself worked,
 * whatever it found. */
attest_rc store_validate(attest_ctx *ctx, sqlite3 *db, const char *schema, bool export_file,
			 int limit, void (*fn)(void *data, const char *problem), void *data,
			 long long *problems);
/* The path the store was opened with. */
const char *store_path(attest_store *store);

/* The files of db export and import (transfer_file.c): attaches the
 * history at path read-only as "src"; creates an empty history database of
 * the current schema at path (URIs allowed). */
/* ATTACHes the file at uri (or plain path) to db as schema `as`: an SQLite code. */
int store_attach(sqlite3 *db, const char *uri, const char *as);
attest_rc store_attach_readonly(attest_ctx *ctx, sqlite3 *db, const char *path);
attest_rc store_create_empty(attest_ctx *ctx, const char *path, sqlite3 **out);

#endif
