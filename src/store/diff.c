/*
 * What changed between two stored scans: framework scores, controls whose
 * status or score moved, and findings newly failing, fixed, newly excepted
 * and still failing. A finding is the same in both scans when its check and
 * resource (type, id, account, region) are; the lookups of one scan's
 * findings from the other's go through the findings_scan_resource index, so
 * a diff of two 10k-finding scans stays interactive however many scans the
 * database holds.
 */
#include "config.h"

#include "history_int.h"

#include <string.h>

#define SAME_FINDING                                                                           \
	"o.check_id = d.check_id AND o.resource_id IS d.resource_id"                            \
	" AND o.resource_type IS d.resource_type AND o.account IS d.account"                    \
	" AND o.region IS d.region"

/* d: the driving scan's finding (?1 is its scan), o: the other scan (?2). */
#define FINDING_SQL(driver_status, exists, other_status)                                       \
	"SELECT d.check_id, c.title, c.severity, d.resource_type, d.resource_id, d.arn,"        \
	" d.account, d.region, d.reason, d.status,"                                             \
	" (SELECT o.status FROM findings o WHERE o.scan_id = ?2 AND " SAME_FINDING              \
	"   ORDER BY CASE o.status WHEN 'fail' THEN 0 WHEN 'excepted' THEN 1 ELSE 2 END"       \
	"   LIMIT 1)"                                                                           \
	" FROM findings d LEFT JOIN scan_checks c ON c.scan_id = d.scan_id"                     \
	"   AND c.check_id = d.check_id"                                                        \
	" WHERE d.scan_id = ?1 AND d.status = '" driver_status "' AND " exists                  \
	"   (SELECT 1 FROM findings o WHERE o.scan_id = ?2 AND " SAME_FINDING                   \
	"   AND o.status IN (" other_status "))"                                                \
	" ORDER BY CASE c.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1"                   \
	"   WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, d.check_id, d.account,"          \
	"   d.region, d.resource_id"

static const struct {
	enum attest_change change;
	bool driver_is_to; /* the driving scan is `to` (else `from`) */
	const char *sql;
} finding_queries[] = {
	{ATTEST_CHANGE_NEWLY_FAILING, true, FINDING_SQL("fail", "NOT EXISTS", "'fail'")},
	{ATTEST_CHANGE_FIXED, false, FINDING_SQL("fail", "NOT EXISTS", "'fail', 'excepted'")},
	{ATTEST_CHANGE_NEWLY_EXCEPTED, true,
	 FINDING_SQL("excepted", "NOT EXISTS", "'excepted'")},
	{ATTEST_CHANGE_STILL_FAILING, true, FINDING_SQL("fail", "EXISTS", "'fail'")},
};

static const char framework_sql[] =
	"SELECT framework, max(title), max(scan_id = ?1), max(scan_id = ?2),"
	" max(CASE WHEN scan_id = ?1 THEN score END), max(CASE WHEN scan_id = ?2 THEN score END),"
	" max(CASE WHEN scan_id = ?1 THEN coverage END),"
	" max(CASE WHEN scan_id = ?2 THEN coverage END)"
	" FROM scan_frameworks WHERE scan_id IN (?1, ?2)"
	" GROUP BY framework ORDER BY min(seq), framework";

/* The score of control c in scan ?N: passing share of its checks' rows. */
#define CONTROL_SCORE(scan)                                                                    \
	"(SELECT CASE WHEN sum(k.n_pass) + sum(k.n_fail) > 0"                                  \
	"   THEN round(100.0 * sum(k.n_pass) / (sum(k.n_pass) + sum(k.n_fail)), 1) END"       \
	"  FROM scan_control_checks m JOIN scan_checks k ON k.scan_id = m.scan_id"              \
	"   AND k.check_id = m.check_id"                                                        \
	"  WHERE m.scan_id = " scan " AND m.framework = c.framework"                            \
	"   AND m.control_id = c.control_id)"

/* Controls of the frameworks both scans evaluated, in either scan; the
 * caller keeps those whose status or score moved. */
static const char control_sql[] =
	"SELECT c.framework, c.control_id, coalesce(t.title, f.title), f.status, t.status,"
	" " CONTROL_SCORE("?1") ", " CONTROL_SCORE("?2")
	" FROM (SELECT framework, control_id FROM scan_controls WHERE scan_id = ?1"
	"   UNION SELECT framework, control_id FROM scan_controls WHERE scan_id = ?2) c"
	" LEFT JOIN scan_controls f ON f.scan_id = ?1 AND f.framework = c.framework"
	"   AND f.control_id = c.control_id"
	" LEFT JOIN scan_controls t ON t.scan_id = ?2 AND t.framework = c.framework"
	"   AND t.control_id = c.control_id"
	" WHERE c.framework IN (SELECT framework FROM scan_frameworks WHERE scan_id = ?1"
	"   INTERSECT SELECT framework FROM scan_frameworks WHERE scan_id = ?2)"
	" ORDER BY c.framework, coalesce(t.seq, f.seq), c.control_id";

static const char *
text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static attest_rc
frameworks(attest_store *store, const char *from, const char *to,
	   const struct attest_diff_sink *sink)
{
	struct attest_diff_framework fw;
	sqlite3_stmt *st = history_prepare(store, framework_sql);
	attest_rc rc;
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	history_bind(st, 1, from);
	history_bind(st, 2, to);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		fw.framework = text(st, 0);
		fw.title = text(st, 1);
		fw.in_from = sqlite3_column_int(st, 2);
		fw.in_to = sqlite3_column_int(st, 3);
		fw.has_from_score = sqlite3_column_type(st, 4) != SQLITE_NULL;
		fw.has_to_score = sqlite3_column_type(st, 5) != SQLITE_NULL;
		fw.from_score = sqlite3_column_double(st, 4);
		fw.to_score = sqlite3_column_double(st, 5);
		fw.from_coverage = sqlite3_column_double(st, 6);
		fw.to_coverage = sqlite3_column_double(st, 7);
		if (sink->framework)
			sink->framework(sink->data, &fw);
	}
	rc = src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
	sqlite3_finalize(st);
	return rc;
}

static bool
same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static attest_rc
controls(attest_store *store, const char *from, const char *to,
	 const struct attest_diff_sink *sink)
{
	struct attest_diff_control c;
	sqlite3_stmt *st = history_prepare(store, control_sql);
	attest_rc rc;
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	history_bind(st, 1, from);
	history_bind(st, 2, to);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		c.framework = text(st, 0);
		c.control = text(st, 1);
		c.title = text(st, 2);
		c.from_status = text(st, 3);
		c.to_status = text(st, 4);
		c.has_from_score = sqlite3_column_type(st, 5) != SQLITE_NULL;
		c.has_to_score = sqlite3_column_type(st, 6) != SQLITE_NULL;
		c.from_score = sqlite3_column_double(st, 5);
		c.to_score = sqlite3_column_double(st, 6);
		if (same_text(c.from_status, c.to_status) && c.has_from_score == c.has_to_score &&
		    (!c.has_from_score || c.from_score == c.to_score))
			continue;
		if (sink->control)
			sink->control(sink->data, &c);
	}
	rc = src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
	sqlite3_finalize(st);
	return rc;
}

static attest_rc
findings(attest_store *store, const char *from, const char *to,
	 const struct attest_diff_sink *sink)
{
	struct attest_diff_finding f;
	sqlite3_stmt *st;
	size_t i;
	int src;
	bool to_drives;

	for (i = 0; i < sizeof(finding_queries) / sizeof(finding_queries[0]); i++) {
		if (!(st = history_prepare(store, finding_queries[i].sql)))
			return ATTEST_ERR_DB;
		to_drives = finding_queries[i].driver_is_to;
		history_bind(st, 1, to_drives ? to : from);
		history_bind(st, 2, to_drives ? from : to);
		f.change = finding_queries[i].change;
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			f.check = text(st, 0);
			f.title = text(st, 1);
			f.severity = text(st, 2);
			f.resource_type = text(st, 3);
			f.resource_id = text(st, 4);
			f.arn = text(st, 5);
			f.account = text(st, 6);
			f.region = text(st, 7);
			f.reason = text(st, 8);
			f.to_status = to_drives ? text(st, 9) : text(st, 10);
			f.from_status = to_drives ? text(st, 10) : text(st, 9);
			if (sink->finding)
				sink->finding(sink->data, &f);
		}
		sqlite3_finalize(st);
		if (src != SQLITE_DONE)
			return history_db_error(store);
	}
	return ATTEST_OK;
}

static attest_rc
exists(attest_store *store, const char *id)
{
	sqlite3_stmt *st = history_prepare(store, "SELECT 1 FROM scans WHERE scan_id = ?1");
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	history_bind(st, 1, id);
	src = sqlite3_step(st);
	sqlite3_finalize(st);
	if (src == SQLITE_ROW)
		return ATTEST_OK;
	if (src == SQLITE_DONE)
		return attest_error(attest_store_ctx(store), ATTEST_ERR_NOTFOUND,
				    "no scan '%s' in '%s'", id, store_path(store));
	return history_db_error(store);
}

attest_rc
attest_store_diff(attest_store *store, const char *from, const char *to,
		  const struct attest_diff_sink *sink)
{
	sqlite3 *db = attest_store_db(store);
	attest_rc rc;

	/* One read transaction: both scans are seen as of the same moment even
	 * while another process prunes or imports. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return history_db_error(store);
	if ((rc = exists(store, from)) == ATTEST_OK && (rc = exists(store, to)) == ATTEST_OK &&
	    (rc = frameworks(store, from, to, sink)) == ATTEST_OK &&
	    (rc = controls(store, from, to, sink)) == ATTEST_OK)
		rc = findings(store, from, to, sink);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
