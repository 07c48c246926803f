/*
 * Reading what attest watch recorded (doc/history.md, "Changes"): the
 * deltas with the event that caused each, newest first, for `attest history
 * --changes`; and, for a stored scan, the event behind each finding that
 * newly fails in it, for `attest show`, the PDF's changes section and the
 * JSON result. A finding's cause is the latest delta to "fail" of the same
 * check and resource (type, id, account, region) recorded after the
 * previous scan of the scope (its as_of) and up to this scan's as_of: the
 * change that made it fail between the two snapshots. A finding that fails
 * with no such delta (no watch ran, or the change came unannounced and a
 * full scan found it) has no cause here; diff's causes still apply.
 */
#include "config.h"

#include "history_int.h"

/* The columns each_change() reads, the severity between the two parts. */
#define CHANGE_HEAD                                                                                \
	"d.delta_id, d.at, e.event_key, e.source, e.name, e.actor, e.actor_type,"                  \
	" e.event_time, e.base_scan_id, d.check_id, "
#define CHANGE_TAIL                                                                                \
	", d.resource_type, d.resource_id, d.arn, d.region, d.account, d.old_status,"              \
	" d.new_status, d.reason"
#define DELTA_OF_FINDING STORE_SAME_FINDING("x", "f")
#define FAILED_BEFORE STORE_SAME_FINDING("o", "f")
#define SEVERITY "coalesce(d.severity, c.severity)"

static const char changes_sql[] = "SELECT " CHANGE_HEAD "d.severity" CHANGE_TAIL
				  " FROM deltas d JOIN watch_events e ON e.event_key = d.event_key"
				  " WHERE (?1 IS NULL OR coalesce(d.account, e.account) = ?1)"
				  " AND (?2 IS NULL OR d.at >= ?2) AND (?3 IS NULL OR d.at <= ?3)"
				  " ORDER BY d.at DESC, d.delta_id DESC LIMIT ?4";

/* ?1 the scan, ?2 the previous scan of its scope (NULL: none). The
 * severity is the delta's, else the check's in the scan. */
static const char causes_sql[] =
	"SELECT " CHANGE_HEAD SEVERITY CHANGE_TAIL
	" FROM findings f JOIN scans s ON s.scan_id = f.scan_id"
	" JOIN deltas d ON d.delta_id = (SELECT x.delta_id FROM deltas x"
	"   WHERE " DELTA_OF_FINDING " AND x.new_status = 'fail' AND x.at <= s.as_of"
	"   AND (?2 IS NULL OR x.at > (SELECT as_of FROM scans WHERE scan_id = ?2))"
	"   ORDER BY x.at DESC, x.delta_id DESC LIMIT 1)"
	" JOIN watch_events e ON e.event_key = d.event_key"
	" LEFT JOIN scan_checks c ON c.scan_id = f.scan_id AND c.check_id = f.check_id"
	" WHERE f.scan_id = ?1 AND f.status = 'fail'"
	" AND NOT EXISTS (SELECT 1 FROM findings o WHERE o.scan_id = ?2"
	"   AND " FAILED_BEFORE " AND o.status = 'fail')"
	" ORDER BY CASE " SEVERITY " WHEN 'critical' THEN 0 WHEN 'high' THEN 1"
	"   WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,"
	" f.check_id, f.resource_id, f.finding_id";

static const char *
text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* Runs st and hands each row to fn. */
static attest_rc
each_change(attest_store *store, sqlite3_stmt *st,
	    void (*fn)(void *data, const struct attest_change_info *change), void *data)
{
	struct attest_change_info c;
	int src;

	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		c.delta_id = sqlite3_column_int64(st, 0);
		c.at = text(st, 1);
		c.event_key = text(st, 2);
		c.event_source = text(st, 3);
		c.event_name = text(st, 4);
		c.actor = text(st, 5);
		c.actor_type = text(st, 6);
		c.event_time = text(st, 7);
		c.base_scan_id = text(st, 8);
		c.check_id = text(st, 9);
		c.severity = text(st, 10);
		c.resource_type = text(st, 11);
		c.resource_id = text(st, 12);
		c.arn = text(st, 13);
		c.region = text(st, 14);
		c.account = text(st, 15);
		c.old_status = text(st, 16);
		c.new_status = text(st, 17);
		c.reason = text(st, 18);
		fn(data, &c);
	}
	return src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
}

attest_rc
attest_store_changes(attest_store *store, const struct attest_history_filter *filter,
		     void (*fn)(void *data, const struct attest_change_info *change), void *data)
{
	static const struct attest_history_filter none;
	const struct attest_history_filter *f = filter ? filter : &none;
	attest_ctx *ctx = store_ctx(store);
	char since[21], until[21];
	sqlite3_stmt *st;
	attest_rc rc;

	if (f->since && (rc = history_time_bound(ctx, "--since", f->since, false, since)))
		return rc;
	if (f->until && (rc = history_time_bound(ctx, "--until", f->until, true, until)))
		return rc;
	if (!(st = history_prepare(store, changes_sql)))
		return ATTEST_ERR_DB;
	history_bind(st, 1, f->account);
	history_bind(st, 2, f->since ? since : NULL);
	history_bind(st, 3, f->until ? until : NULL);
	sqlite3_bind_int64(st, 4, f->limit > 0 ? f->limit : -1);
	rc = each_change(store, st, fn, data);
	sqlite3_finalize(st);
	return rc;
}

attest_rc
attest_store_causes(attest_store *store, const char *scan_id,
		    void (*fn)(void *data, const struct attest_change_info *cause), void *data)
{
	char prev[ATTEST_SCAN_ID_MAX];
	sqlite3_stmt *st;
	attest_rc rc;
	int src;

	/* Most histories hold no deltas: then no finding has a cause to find. */
	if (!(st = history_prepare(store, "SELECT 1 FROM deltas LIMIT 1")))
		return ATTEST_ERR_DB;
	src = sqlite3_step(st);
	sqlite3_finalize(st);
	if (src == SQLITE_DONE)
		return ATTEST_OK;
	if (src != SQLITE_ROW)
		return history_db_error(store);
	rc = attest_store_previous(store, scan_id, prev);
	if (rc != ATTEST_OK && rc != ATTEST_ERR_NOTFOUND)
		return rc;
	if (!(st = history_prepare(store, causes_sql)))
		return ATTEST_ERR_DB;
	history_bind(st, 1, scan_id);
	history_bind(st, 2, rc == ATTEST_OK ? prev : NULL);
	rc = each_change(store, st, fn, data);
	sqlite3_finalize(st);
	return rc;
}
