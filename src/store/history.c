/*
 * Listing stored scans: `attest history` with its filters by account,
 * framework, scope and time, and the "previous scan of the same scope" that
 * diff and the summary compare against. Scans sit on the timeline of the
 * configuration they judged: ordered by as_of (the inventory's date), then
 * by start time, then by insertion (rowid), so an old inventory scanned
 * today comes before a newer one scanned yesterday, and two scans started
 * in the same second keep the order they were stored in. --since/--until
 * bound as_of.
 */
#include "config.h"

#include "history_int.h"

#include <string.h>

static const char history_sql[] =
	"SELECT s.scan_id, s.started_at, s.finished_at, s.scope, s.accounts, s.regions,"
	" s.sources, s.resource_count,"
	" (SELECT json_group_array(json_object('id', f.framework, 'title', f.title,"
	"    'score', f.score, 'controls_passing', v.controls_passing,"
	"    'controls_scored', v.controls_scored, 'coverage', f.coverage))"
	"  FROM (SELECT * FROM scan_frameworks f WHERE f.scan_id = s.scan_id ORDER BY f.seq) f"
	"  JOIN scan_framework_scores v ON v.scan_id = f.scan_id AND v.framework = f.framework),"
	" s.as_of"
	" FROM scans s"
	" WHERE (?1 IS NULL OR s.scan_id = ?1) AND (?2 IS NULL OR s.scope = ?2)"
	" AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(s.accounts) WHERE value = ?3))"
	" AND (?4 IS NULL OR EXISTS (SELECT 1 FROM scan_frameworks f"
	"   WHERE f.scan_id = s.scan_id AND f.framework = ?4))"
	" AND (?5 IS NULL OR s.as_of >= ?5) AND (?6 IS NULL OR s.as_of <= ?6)"
	" ORDER BY " HISTORY_ORDER("s", "DESC") " LIMIT ?7";

sqlite3_stmt *
history_prepare(attest_store *store, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(store_db(store), sql, -1, &st, NULL) != SQLITE_OK) {
		history_db_error(store);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

attest_rc
history_db_error(attest_store *store)
{
	return core_error(store_ctx(store), ATTEST_ERR_DB, "cannot read '%s': %s",
			  store_path(store), sqlite3_errmsg(store_db(store)));
}

void
history_bind(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void
history_column_number(sqlite3_stmt *st, int col, bool *has, double *v)
{
	*has = sqlite3_column_type(st, col) != SQLITE_NULL;
	*v = sqlite3_column_double(st, col);
}

attest_rc
history_time_bound(attest_ctx *ctx, const char *what, const char *in, bool upper, char out[21])
{
	char full[32];
	time_t t;

	if (strlen(in) == 10 && in[4] == '-' && in[7] == '-') {
		snprintf(full, sizeof(full), "%sT%s", in, upper ? "23:59:59Z" : "00:00:00Z");
		in = full;
	}
	if (!core_time_parse(in, &t))
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "%s needs a date (2026-01-31) or UTC time "
				  "(2026-01-31T12:00:00Z), not '%s'",
				  what, in == full ? full : in);
	core_time_iso(t, out);
	return ATTEST_OK;
}

attest_rc
attest_store_history(attest_store *store, const struct attest_history_filter *filter,
		     void (*fn)(void *data, const struct attest_scan_info *scan), void *data)
{
	static const struct attest_history_filter none;
	const struct attest_history_filter *f = filter ? filter : &none;
	attest_ctx *ctx = store_ctx(store);
	struct attest_scan_info info;
	char since[21], until[21];
	sqlite3_stmt *st = NULL;
	attest_rc rc;
	int src;

	if (f->since && (rc = history_time_bound(ctx, "--since", f->since, false, since)))
		return rc;
	if (f->until && (rc = history_time_bound(ctx, "--until", f->until, true, until)))
		return rc;
	if (!(st = history_prepare(store, history_sql)))
		return ATTEST_ERR_DB;
	history_bind(st, 1, f->scan_id);
	history_bind(st, 2, f->scope);
	history_bind(st, 3, f->account);
	history_bind(st, 4, f->framework);
	history_bind(st, 5, f->since ? since : NULL);
	history_bind(st, 6, f->until ? until : NULL);
	sqlite3_bind_int64(st, 7, f->limit > 0 ? f->limit : -1);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		info.id = (const char *)sqlite3_column_text(st, 0);
		info.started_at = (const char *)sqlite3_column_text(st, 1);
		info.finished_at = (const char *)sqlite3_column_text(st, 2);
		info.scope = (const char *)sqlite3_column_text(st, 3);
		info.accounts = (const char *)sqlite3_column_text(st, 4);
		info.regions = (const char *)sqlite3_column_text(st, 5);
		info.sources = (const char *)sqlite3_column_text(st, 6);
		info.resources = sqlite3_column_int64(st, 7);
		info.frameworks = (const char *)sqlite3_column_text(st, 8);
		info.as_of = (const char *)sqlite3_column_text(st, 9);
		fn(data, &info);
	}
	rc = src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
	sqlite3_finalize(st);
	return rc;
}

attest_rc
attest_store_previous(attest_store *store, const char *scan_id, char prev[ATTEST_SCAN_ID_MAX])
{
	sqlite3_stmt *st = history_prepare(
		store, "SELECT p.scan_id FROM scans s JOIN scans p ON p.scope = s.scope"
		       " AND " HISTORY_KEY("p") " < " HISTORY_KEY(
			       "s") " WHERE s.scan_id = ?1"
				    " ORDER BY " HISTORY_ORDER("p", "DESC") " LIMIT 1");
	attest_rc rc;
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	history_bind(st, 1, scan_id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		snprintf(prev, ATTEST_SCAN_ID_MAX, "%s", sqlite3_column_text(st, 0));
		rc = ATTEST_OK;
	} else if (src == SQLITE_DONE) {
		rc = core_error(store_ctx(store), ATTEST_ERR_NOTFOUND,
				"scan '%s' is the first of its scope in '%s': nothing to compare "
				"it with",
				scan_id, store_path(store));
	} else {
		rc = history_db_error(store);
	}
	sqlite3_finalize(st);
	return rc;
}
