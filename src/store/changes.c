/*
 * How many findings of one framework newly fail and how many were fixed
 * between two stored scans: the counts every report prints beside a score
 * change, so that a score that moved is never read without the findings
 * that moved it. The definitions are those of attest diff (doc/history.md):
 * newly failing fails in `to` and did not fail in `from`; fixed failed in
 * `from` and neither fails nor is excepted in `to`.
 */
#include "config.h"

#include "store_int.h"

/* ?1 the driving scan, ?2 the other one, ?3 the framework. */
#define CHANGE_COUNT_SQL(other_status)                                                             \
	"SELECT count(*) FROM findings d WHERE d.scan_id = ?1 AND d.status = 'fail'"               \
	" AND d.check_id IN (SELECT check_id FROM scan_control_checks WHERE scan_id = ?1"          \
	"   AND framework = ?3)"                                                                   \
	" AND NOT EXISTS (SELECT 1 FROM findings o WHERE o.scan_id = ?2"                           \
	"   AND " STORE_SAME_FINDING("o", "d") " AND o.status IN (" other_status "))"

static attest_rc
count(attest_store *store, const char *sql, const char *driver, const char *other,
      const char *framework, long long *n)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *st = NULL;
	attest_rc rc = ATTEST_ERR_DB;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, driver, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, other, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, framework, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*n = sqlite3_column_int64(st, 0);
	rc = ATTEST_OK;
out:
	if (rc != ATTEST_OK)
		core_error(store_ctx(store), ATTEST_ERR_DB,
			   "cannot compare the findings of two scans: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

attest_rc
store_change_counts(attest_store *store, const char *from, const char *to, const char *framework,
		    long long *newly_failing, long long *fixed)
{
	attest_rc rc;

	rc = count(store, CHANGE_COUNT_SQL("'fail'"), to, from, framework, newly_failing);
	if (rc == ATTEST_OK)
		rc = count(store, CHANGE_COUNT_SQL("'fail', 'excepted'"), from, to, framework,
			   fixed);
	return rc;
}
