/*
 * Frameworks' figures across stored scans, for `attest trend` and the PDF's
 * trend chart: the strict score (controls fully passing), the posture and
 * control counts of the scan_framework_scores view (doc/scoring.md), and
 * coverage. Scans of different scopes (different sets of accounts) are not
 * comparable, so a series is one framework in one scope, on the inventory's
 * timeline (as_of); the caller narrows it with an account or an as_of range.
 * The query walks the scan_frameworks_fw index, one row per scan of the
 * framework.
 */
#include "config.h"

#include "history_int.h"

static const char trend_sql[] =
	"SELECT s.scan_id, s.started_at, s.scope, f.score, f.coverage, f.n_pass, f.n_fail,"
	" s.as_of, f.framework, v.posture, v.controls_passing, v.controls_scored"
	" FROM scan_frameworks f JOIN scans s ON s.scan_id = f.scan_id"
	" JOIN scan_framework_scores v ON v.scan_id = f.scan_id AND v.framework = f.framework"
	" WHERE (?1 IS NULL OR f.framework = ?1) AND (?2 IS NULL OR s.scope = ?2)"
	" AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(s.accounts) WHERE value = ?3))"
	" AND (?4 IS NULL OR s.as_of >= ?4) AND (?5 IS NULL OR s.as_of <= ?5)"
	" AND (?6 IS NULL OR s.scan_id = ?6)"
	" ORDER BY f.framework, s.scope, " HISTORY_ORDER("s", "ASC");

attest_rc
attest_store_trend(attest_store *store, const char *framework,
		   const struct attest_history_filter *filter,
		   void (*fn)(void *data, const struct attest_trend_point *point), void *data)
{
	static const struct attest_history_filter none;
	const struct attest_history_filter *f = filter ? filter : &none;
	attest_ctx *ctx = store_ctx(store);
	struct attest_trend_point p;
	char since[21], until[21];
	sqlite3_stmt *st;
	long long n = 0;
	attest_rc rc;
	int src;

	if (f->since && (rc = history_time_bound(ctx, "--since", f->since, false, since)))
		return rc;
	if (f->until && (rc = history_time_bound(ctx, "--until", f->until, true, until)))
		return rc;
	if (!(st = history_prepare(store, trend_sql)))
		return ATTEST_ERR_DB;
	history_bind(st, 1, framework);
	history_bind(st, 2, f->scope);
	history_bind(st, 3, f->account);
	history_bind(st, 4, f->since ? since : NULL);
	history_bind(st, 5, f->until ? until : NULL);
	history_bind(st, 6, f->scan_id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		p.scan_id = (const char *)sqlite3_column_text(st, 0);
		p.started_at = (const char *)sqlite3_column_text(st, 1);
		p.scope = (const char *)sqlite3_column_text(st, 2);
		history_column_number(st, 3, &p.has_score, &p.score);
		p.coverage = sqlite3_column_double(st, 4);
		p.n_pass = sqlite3_column_int(st, 5);
		p.n_fail = sqlite3_column_int(st, 6);
		p.as_of = (const char *)sqlite3_column_text(st, 7);
		p.framework = (const char *)sqlite3_column_text(st, 8);
		history_column_number(st, 9, &p.has_posture, &p.posture);
		p.controls_passing = sqlite3_column_int(st, 10);
		p.controls_scored = sqlite3_column_int(st, 11);
		fn(data, &p);
		n++;
	}
	rc = src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
	sqlite3_finalize(st);
	if (rc == ATTEST_OK && n == 0)
		rc = core_error(ctx, ATTEST_ERR_NOTFOUND, "no stored scan%s%s%s%s in '%s'",
				framework ? " of framework '" : "", framework ? framework : "",
				framework ? "'" : "",
				f->account || f->scope || f->since || f->until
					? " matching the filters"
					: "",
				store_path(store));
	return rc;
}

attest_rc
attest_store_change_counts(attest_store *store, const char *from, const char *to,
			   const char *framework, long long *newly_failing, long long *fixed)
{
	return store_change_counts(store, from, to, framework, newly_failing, fixed);
}
