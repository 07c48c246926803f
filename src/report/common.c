/*
 * Shared plumbing of the renderers: running a query against one stored scan
 * and reading its columns.
 */
#include "config.h"

#include "report_int.h"

sqlite3_stmt *
report_query(attest_store *store, const char *sql, const char *scan_id)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(attest_store_db(store), sql, -1, &st, NULL) != SQLITE_OK) {
		report_db_error(store, "cannot read the scan");
		return NULL;
	}
	sqlite3_bind_text(st, 1, scan_id, -1, SQLITE_TRANSIENT);
	return st;
}

attest_rc
report_scan_row(attest_store *store, const char *sql, const char *scan_id, sqlite3_stmt **out)
{
	int src;

	if (!(*out = report_query(store, sql, scan_id)))
		return ATTEST_ERR_DB;
	src = sqlite3_step(*out);
	if (src == SQLITE_ROW)
		return ATTEST_OK;
	if (src == SQLITE_DONE)
		return attest_error(attest_store_ctx(store), ATTEST_ERR_NOTFOUND, "no scan '%s'",
				    scan_id);
	return report_db_error(store, "cannot read the scan");
}

const char *
report_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

json_t *
report_json_col(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	json_t *v;

	if (!t)
		return json_null();
	v = json_loads(t, JSON_DECODE_ANY, NULL);
	return v ? v : json_string(t);
}

attest_rc
report_db_error(attest_store *store, const char *what)
{
	return attest_error(attest_store_ctx(store), ATTEST_ERR_DB, "%s: %s", what,
			    sqlite3_errmsg(attest_store_db(store)));
}
