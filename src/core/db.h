/*
 * SQLite helpers every database-facing module shares: the error text (what
 * failed, then SQLite's own message) recorded on the context, preparing a
 * statement with an error that names it, running a statement that returns
 * no rows, and reading one number.
 *
 * All of them record their error on ctx (which may be NULL) and return
 * ATTEST_ERR_DB; none of them takes ownership of the database handle.
 */
#ifndef ATTEST_CORE_DB_H
#define ATTEST_CORE_DB_H

#include "core/core_int.h"

#include <sqlite3.h>

/* Records "<what>: <sqlite3_errmsg(db)>" on ctx, what formatted from fmt,
 * and returns ATTEST_ERR_DB. */
attest_rc core_db_error(attest_ctx *ctx, sqlite3 *db, const char *fmt, ...) ATTEST_PRINTF(3, 4);
/* Prepares the statement sql into *out (the caller finalizes it). On
 * failure *out is NULL and ctx says "cannot prepare '<sql>': <message>",
 * the statement cut to its first 80 characters. */
attest_rc core_db_prepare(attest_ctx *ctx, sqlite3 *db, const char *sql, sqlite3_stmt **out);
/* Steps st to its end and resets it (its bindings stay) for the next use;
 * "cannot run '<sql>': <message>" when it fails or returns a row. */
attest_rc core_db_run(attest_ctx *ctx, sqlite3_stmt *st);
/* Runs the statements in sql (no rows expected); "cannot run '<sql>':
 * <message>" on failure. */
attest_rc core_db_exec(attest_ctx *ctx, sqlite3 *db, const char *sql);
/* The first column of the first row sql returns, as an integer: an SQLite
 * result code (SQLITE_OK when *out was set; SQLITE_DONE when there was no
 * row), no message, for callers that decide what a failure means. */
int core_db_int64(sqlite3 *db, const char *sql, long long *out);

#endif
