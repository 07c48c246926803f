/*
 * The files of db export and import: the export written to a temporary
 * file beside its destination, created empty at the current schema, and a
 * history attached read-only the way attest_store_open_readonly opens one
 * (transfer.c moves the rows).
 */
#include "config.h"
#include "history_int.h"
#include "core/db.h"
#include <stdlib.h>
#include <string.h>

/* ATTACHes the file at uri (or plain path) to db as schema `as`. */
int
store_attach(sqlite3 *db, const char *uri, const char *as)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf("ATTACH ?1 AS \"%w\"", as);
	int src = SQLITE_NOMEM;

	if (sql && (src = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
		src = sqlite3_step(st);
		src = src == SQLITE_DONE ? SQLITE_OK : src;
	}
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return src;
}

/* Attaches the history at path read-only as "src", as
 * attest_store_open_readonly opens it: read-only, or immutable when its
 * directory cannot hold the shared-memory file of WAL mode. */
attest_rc
store_attach_readonly(attest_ctx *ctx, sqlite3 *db, const char *path)
{
	static const char *const modes[] = {"mode=ro", "immutable=1"};
	struct core_buf uri;
	size_t i;
	int src = SQLITE_CANTOPEN;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (store_file_uri(path, modes[i], &uri) != ATTEST_OK)
			return core_nomem(ctx);
		src = store_attach(db, uri.data, "src");
		core_buf_release(&uri);
		if (src == SQLITE_OK && (src = sqlite3_exec(db,
							    "SELECT count(*) FROM"
							    " src.sqlite_schema",
							    NULL, NULL, NULL)) == SQLITE_OK)
			return ATTEST_OK;
		sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
	}
	return core_error(ctx, ATTEST_ERR_DB, "cannot read '%s': %s", path, sqlite3_errmsg(db));
}

/* Creates an empty history database of the current schema at path and
 * returns the connection to it (URIs allowed, for attach_readonly). */
attest_rc
store_create_empty(attest_ctx *ctx, const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	char sql[64];
	attest_rc rc = ATTEST_ERR_DB;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		goto out;
	sqlite3_extended_result_codes(db, 1);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if ((rc = store_migrate(ctx, db, 0)) != ATTEST_OK)
		goto out;
	rc = ATTEST_ERR_DB;
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = ATTEST_OK;
out:
	if (rc == ATTEST_ERR_DB)
		core_error(ctx, rc, "cannot create '%s': %s", path,
			   db ? sqlite3_errmsg(db) : "out of memory");
	if (rc != ATTEST_OK)
		sqlite3_close(db);
	else
		*out = db;
	return rc;
}
