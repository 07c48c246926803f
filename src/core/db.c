/*
 * SQLite helpers; see db.h. Error texts name the statement that failed, so
 * that "cannot prepare 'INSERT INTO res(...' : no such table" says where to
 * look without a debugger.
 */
#include "config.h"

#include "core/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SQL_SHOWN 80

attest_rc
core_db_error(attest_ctx *ctx, sqlite3 *db, const char *fmt, ...)
{
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return core_error(ctx, ATTEST_ERR_DB, "%s: %s", what, sqlite3_errmsg(db));
}

/* "cannot <verb> '<sql cut to SQL_SHOWN characters>': <message>" */
static attest_rc
sql_error(attest_ctx *ctx, sqlite3 *db, const char *verb, const char *sql)
{
	size_t n = strlen(sql);

	return core_db_error(ctx, db, "cannot %s '%.*s%s'", verb,
			     (int)(n > SQL_SHOWN ? SQL_SHOWN : n), sql, n > SQL_SHOWN ? "..." : "");
}

attest_rc
core_db_prepare(attest_ctx *ctx, sqlite3 *db, const char *sql, sqlite3_stmt **out)
{
	*out = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, out, NULL) == SQLITE_OK && *out)
		return ATTEST_OK;
	if (*out) {
		sqlite3_finalize(*out);
		*out = NULL;
	}
	return sql_error(ctx, db, "prepare", sql);
}

attest_rc
core_db_run(attest_ctx *ctx, sqlite3_stmt *st)
{
	int src = sqlite3_step(st);
	attest_rc rc = ATTEST_OK;

	if (src != SQLITE_DONE)
		rc = sql_error(ctx, sqlite3_db_handle(st), "run", sqlite3_sql(st));
	sqlite3_reset(st);
	return rc;
}

attest_rc
core_db_exec(attest_ctx *ctx, sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return ATTEST_OK;
	return sql_error(ctx, db, "run", sql);
}

int
core_db_int64(sqlite3 *db, const char *sql, long long *out)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (src == SQLITE_OK && st) {
		src = sqlite3_step(st);
		if (src == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			src = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return src;
}
