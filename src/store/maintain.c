/*
 * Keeping a history database healthy: `attest db prune` deletes old scans
 * (their findings, controls and checks go with them through ON DELETE
 * CASCADE, the changes attest watch recorded from them explicitly, in the
 * same transaction), `attest db check` verifies SQLite's
 * integrity, the schema version, that no scan is incomplete, and every
 * row's contents and references (validate.c, as `db import` checks an
 * export).
 */
#include "config.h"

#include "history_int.h"

#include <string.h>

/* Problems named per rule by db check (the count covers them all). */
#define CHECK_LIMIT 20

/* Scans to delete: beyond the ?1 most recent of their scope, or started
 * before ?2. */
#define DOOMED                                                                                     \
	"SELECT scan_id FROM (SELECT scan_id, started_at, row_number() OVER"                       \
	"  (PARTITION BY scope ORDER BY started_at DESC, rowid DESC) AS rn FROM scans)"            \
	" WHERE (?1 > 0 AND rn > ?1) OR (?2 IS NOT NULL AND started_at < ?2)"

/* What goes with the doomed scans, before them: the change events recorded
 * from them as base scans (and events of no base scan received before ?2)
 * with their deltas; dead letters received and alerts delivered before ?2.
 * Alerts not yet delivered are never pruned. */
#define DOOMED_EVENTS                                                                              \
	"SELECT event_key FROM watch_events WHERE base_scan_id IN (" DOOMED ")"                    \
	" OR (base_scan_id IS NULL AND ?2 IS NOT NULL AND received_at < ?2)"
static const char *const prune_watch[] = {
	"DELETE FROM deltas WHERE event_key IN (" DOOMED_EVENTS ")",
	"DELETE FROM watch_events WHERE event_key IN (" DOOMED_EVENTS ")",
	"DELETE FROM watch_dead_letters WHERE ?2 IS NOT NULL AND received_at < ?2",
	"DELETE FROM alert_outbox WHERE ?2 IS NOT NULL AND delivered_at < ?2",
};

/* Runs sql with DOOMED's parameters. */
static attest_rc
prune_step(attest_store *store, const char *sql, long keep, const char *before, long long *changed)
{
	sqlite3_stmt *st = history_prepare(store, sql);
	attest_rc rc = ATTEST_OK;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_int64(st, 1, keep > 0 ? keep : 0);
	history_bind(st, 2, before);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*changed = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		*changed = sqlite3_changes64(store_db(store));
		break;
	default:
		rc = history_db_error(store);
	}
	sqlite3_finalize(st);
	return rc;
}

attest_rc
attest_store_prune(attest_store *store, long keep, const char *before, bool dry_run,
		   long long *deleted)
{
	attest_ctx *ctx = store_ctx(store);
	sqlite3 *db = store_db(store);
	char bound[21];
	long long n;
	attest_rc rc;
	size_t i;

	*deleted = 0;
	if (keep <= 0 && !before)
		return core_error(ctx, ATTEST_ERR_USAGE, "prune needs --keep N or --before DATE");
	if (before && (rc = history_time_bound(ctx, "--before", before, false, bound)))
		return rc;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return history_db_error(store);
	for (i = 0; !dry_run && i < sizeof(prune_watch) / sizeof(prune_watch[0]); i++)
		if ((rc = prune_step(store, prune_watch[i], keep, before ? bound : NULL, &n)) !=
		    ATTEST_OK)
			goto out;
	if ((rc = prune_step(store,
			     dry_run ? "SELECT count(*) FROM (" DOOMED ")"
				     : "DELETE FROM scans WHERE scan_id IN (" DOOMED ")",
			     keep, before ? bound : NULL, deleted)) != ATTEST_OK)
		goto out;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = history_db_error(store);
		goto out;
	}
	return ATTEST_OK;
out:
	*deleted = 0;
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

enum row_kind { INTEGRITY, INCOMPLETE };

/* Runs sql and hands each row, put in words, to fn. */
static attest_rc
report_rows(attest_store *store, const char *sql, enum row_kind kind,
	    void (*fn)(void *data, const char *problem), void *data, long long *problems)
{
	sqlite3_stmt *st = history_prepare(store, sql);
	const char *a, *b;
	char msg[512];
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		a = (const char *)sqlite3_column_text(st, 0);
		b = (const char *)sqlite3_column_text(st, 1);
		a = a ? a : "";
		b = b ? b : "";
		if (kind == INTEGRITY) {
			if (strcmp(a, "ok") == 0)
				continue;
			snprintf(msg, sizeof(msg), "SQLite integrity: %s", a);
		} else {
			snprintf(msg, sizeof(msg), "scan %s is incomplete: it has no %s rows", a,
				 b);
		}
		(*problems)++;
		if (fn)
			fn(data, msg);
	}
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
}

attest_rc
attest_store_check(attest_store *store, int *schema_version, long long *scans,
		   void (*fn)(void *data, const char *problem), void *data, long long *problems)
{
	sqlite3_stmt *st;
	long long found = 0;
	attest_rc rc;

	*problems = 0;
	*scans = 0;
	if (!(st = history_prepare(store, "SELECT (SELECT user_version FROM pragma_user_version),"
					  " (SELECT count(*) FROM scans)")))
		return ATTEST_ERR_DB;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return history_db_error(store);
	}
	*schema_version = sqlite3_column_int(st, 0);
	*scans = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (*schema_version != STORE_SCHEMA_VERSION) {
		(*problems)++;
		if (fn)
			fn(data, "the schema version is not the one this attest writes");
	}
	if ((rc = report_rows(store, "PRAGMA integrity_check", INTEGRITY, fn, data, problems)) ||
	    (rc = report_rows(
		     store,
		     "SELECT scan_id, CASE"
		     "  WHEN NOT EXISTS (SELECT 1 FROM scan_frameworks f"
		     "    WHERE f.scan_id = s.scan_id) THEN 'frameworks'"
		     "  WHEN NOT EXISTS (SELECT 1 FROM scan_controls c"
		     "    WHERE c.scan_id = s.scan_id) THEN 'controls'"
		     "  ELSE 'checks' END FROM scans s"
		     " WHERE NOT EXISTS (SELECT 1 FROM scan_frameworks f WHERE f.scan_id = s.scan_id)"
		     " OR NOT EXISTS (SELECT 1 FROM scan_controls c WHERE c.scan_id = s.scan_id)"
		     " OR NOT EXISTS (SELECT 1 FROM scan_checks k WHERE k.scan_id = s.scan_id)",
		     INCOMPLETE, fn, data, problems)))
		return rc;
	/* contents, as db import checks an export (validate.c) */
	if ((rc = store_validate(store_ctx(store), store_db(store), "main", false, CHECK_LIMIT, fn,
				 data, &found)) != ATTEST_OK)
		return rc;
	*problems += found;
	return ATTEST_OK;
}
