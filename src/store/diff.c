/*
 * What changed between two stored scans: framework scores (with posture and
 * the findings newly failing and fixed beside them), controls whose status
 * or score moved, and findings newly failing, fixed, newly excepted and
 * still failing, each changed one with its cause. A finding is the same in
 * both scans when its check and resource (type, id, account, region) are;
 * the lookups of one scan's findings and resources from the other's go
 * through the findings_scan_resource and scan_resources_key indexes, so a
 * diff of two 10k-finding scans stays interactive however many scans the
 * database holds. Causes are inferred from the digests each scan recorded
 * (schema 7, digest.c); a scan stored before them gives "unknown".
 */
#include "config.h"

#include "history_int.h"

#include <string.h>

/* The resource of finding d in scan `scan` (SQL over scan_resources r). */
#define SAME_RESOURCE(scan)                                                                        \
	"r.scan_id = " scan " AND r.resource_id = d.resource_id"                                   \
	" AND r.resource_type IS d.resource_type AND r.account IS d.account"                       \
	" AND r.region IS d.region"

/* What cause_of() weighs of finding d: its row and the other scan's (o),
 * the resource's configuration digest in each scan, the check in each. */
#define CAUSE_COLUMNS                                                                                              \
	" o.status, d.exception_id, o.exception_id,"                                                               \
	" (SELECT r.config_sha256 FROM scan_resources r WHERE " SAME_RESOURCE(                                     \
		"?1") "),"                                                                                         \
		      " (SELECT r.config_sha256 FROM scan_resources r WHERE " SAME_RESOURCE(                       \
			      "?2") "),"                                                                           \
				    " c.definition_sha256, k.definition_sha256, k.check_id IS NOT NULL, k.status," \
				    " c.dated, EXISTS (SELECT 1 FROM json_each(c.requires) WHERE value IS NOT"     \
				    "   c.resource_type)"
#define CAUSE_JOINS                                                                                   \
	" LEFT JOIN scan_checks k ON k.scan_id = ?2 AND k.check_id = d.check_id"                      \
	" LEFT JOIN findings o ON o.finding_id = (SELECT o.finding_id FROM findings o"                \
	"   WHERE o.scan_id = ?2 AND " STORE_SAME_FINDING(                                            \
		"o",                                                                                  \
		"d") "   ORDER BY CASE o.status WHEN 'fail' THEN 0 WHEN 'excepted' THEN 1 ELSE 2 END" \
		     "   LIMIT 1)"
/* Still failing findings changed nothing: their status in the other scan
 * is fail, and there is no cause to weigh. */
#define NO_CAUSE_COLUMNS " 'fail', NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL, 0, 0"

/* d: the driving scan's finding (?1 is its scan), o: the same finding in
 * the other scan (?2), the most telling row when there are several. */
#define FINDING_SQL(driver_status, exists, other_status, columns, joins)                            \
	"SELECT d.check_id, c.title, c.severity, d.resource_type, d.resource_id, d.arn,"            \
	" d.account, d.region, d.reason, d.status," columns                                         \
	" FROM findings d LEFT JOIN scan_checks c ON c.scan_id = d.scan_id"                         \
	"   AND c.check_id = d.check_id" joins                                                      \
	" WHERE d.scan_id = ?1 AND d.status = '" driver_status "' AND " exists                      \
	"   (SELECT 1 FROM findings o WHERE o.scan_id = ?2 AND " STORE_SAME_FINDING(                \
		"o",                                                                                \
		"d") "   AND o.status IN (" other_status "))"                                       \
		     " ORDER BY CASE c.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1"          \
		     "   WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, d.check_id, d.account," \
		     "   d.region, d.resource_id"

static const struct {
	enum attest_change change;
	bool driver_is_to; /* the driving scan is `to` (else `from`) */
	const char *sql;
} finding_queries[] = {
	{ATTEST_CHANGE_NEWLY_FAILING, true,
	 FINDING_SQL("fail", "NOT EXISTS", "'fail'", CAUSE_COLUMNS, CAUSE_JOINS)},
	{ATTEST_CHANGE_FIXED, false,
	 FINDING_SQL("fail", "NOT EXISTS", "'fail', 'excepted'", CAUSE_COLUMNS, CAUSE_JOINS)},
	{ATTEST_CHANGE_NEWLY_EXCEPTED, true,
	 FINDING_SQL("excepted", "NOT EXISTS", "'excepted'", CAUSE_COLUMNS, CAUSE_JOINS)},
	{ATTEST_CHANGE_STILL_FAILING, true,
	 FINDING_SQL("fail", "EXISTS", "'fail'", NO_CAUSE_COLUMNS, "")},
};

/* What the two scans are: whether each recorded digests, and their dates. */
struct pair {
	bool digests[2]; /* [0] from, [1] to */
	char as_of[2][32];
};

/* Both scans' figures of each framework either evaluated, the posture and
 * control counts as the scan_framework_scores view computes them. */
#define FW_FIGURE(scan, col) "max(CASE WHEN f.scan_id = " scan " THEN " col " END)"
static const char framework_sql[] =
	"SELECT f.framework, max(f.title), max(f.scan_id = ?1), max(f.scan_id = ?2),"
	" " FW_FIGURE("?1", "f.score") ", " FW_FIGURE(
		"?2",
		"f.score") ","
			   " " FW_FIGURE("?1", "f.coverage") ", " FW_FIGURE(
				   "?2",
				   "f.coverage") ","
						 " " FW_FIGURE("?1", "v.posture") ", " FW_FIGURE(
							 "?2",
							 "v.posture") ","
								      " " FW_FIGURE("?1", "v.controls_passing") ", " FW_FIGURE(
									      "?1",
									      "v.controls_scored") ","
												   " " FW_FIGURE("?2", "v.controls_passing") ", " FW_FIGURE(
													   "?2",
													   "v.controls_scored") " FROM scan_frameworks f JOIN scan_framework_scores v ON v.scan_id = f.scan_id"
																"   AND v.framework = f.framework"
																" WHERE f.scan_id IN (?1, ?2)"
																" GROUP BY f.framework ORDER BY min(f.seq), f.framework";

/* The score of control c in scan ?N: passing share of its checks' rows. */
#define CONTROL_SCORE(scan)                                                                        \
	"(SELECT CASE WHEN sum(k.n_pass) + sum(k.n_fail) > 0"                                      \
	"   THEN round(100.0 * sum(k.n_pass) / (sum(k.n_pass) + sum(k.n_fail)), 1) END"            \
	"  FROM scan_control_checks m JOIN scan_checks k ON k.scan_id = m.scan_id"                 \
	"   AND k.check_id = m.check_id"                                                           \
	"  WHERE m.scan_id = " scan " AND m.framework = c.framework"                               \
	"   AND m.control_id = c.control_id)"

/* Controls of the frameworks both scans evaluated, in either scan; the
 * caller keeps those whose status or score moved. */
static const char control_sql[] =
	"SELECT c.framework, c.control_id, coalesce(t.title, f.title), f.status, t.status,"
	" " CONTROL_SCORE("?1") ", " CONTROL_SCORE(
		"?2") " FROM (SELECT framework, control_id FROM scan_controls WHERE scan_id = ?1"
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
	rc = ATTEST_OK;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		fw.framework = text(st, 0);
		fw.title = text(st, 1);
		fw.in_from = sqlite3_column_int(st, 2);
		fw.in_to = sqlite3_column_int(st, 3);
		history_column_number(st, 4, &fw.has_from_score, &fw.from_score);
		history_column_number(st, 5, &fw.has_to_score, &fw.to_score);
		fw.from_coverage = sqlite3_column_double(st, 6);
		fw.to_coverage = sqlite3_column_double(st, 7);
		history_column_number(st, 8, &fw.has_from_posture, &fw.from_posture);
		history_column_number(st, 9, &fw.has_to_posture, &fw.to_posture);
		fw.from_passing = sqlite3_column_int(st, 10);
		fw.from_scored = sqlite3_column_int(st, 11);
		fw.to_passing = sqlite3_column_int(st, 12);
		fw.to_scored = sqlite3_column_int(st, 13);
		fw.newly_failing = fw.fixed = 0;
		if (fw.in_from && fw.in_to &&
		    (rc = store_change_counts(store, from, to, fw.framework, &fw.newly_failing,
					      &fw.fixed)) != ATTEST_OK)
			break;
		if (sink->framework)
			sink->framework(sink->data, &fw);
	}
	if (rc == ATTEST_OK && src != SQLITE_DONE)
		rc = history_db_error(store);
	sqlite3_finalize(st);
	return rc;
}

static bool
same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static attest_rc
controls(attest_store *store, const char *from, const char *to, const struct attest_diff_sink *sink)
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
		history_column_number(st, 5, &c.has_from_score, &c.from_score);
		history_column_number(st, 6, &c.has_to_score, &c.to_score);
		if (same_text(c.from_status, c.to_status) && c.has_from_score == c.has_to_score &&
		    (!c.has_from_score || c.from_score == c.to_score))
			continue;
		c.cause = !same_text(c.from_status, c.to_status) &&
					  ((c.from_status && !strcmp(c.from_status, "attested")) ||
					   (c.to_status && !strcmp(c.to_status, "attested")))
				  ? ATTEST_CAUSE_ATTESTATION
				  : ATTEST_CAUSE_NONE;
		if (sink->control)
			sink->control(sink->data, &c);
	}
	rc = src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
	sqlite3_finalize(st);
	return rc;
}

static const char *const cause_names[ATTEST_CAUSE_COUNT] = {
	NULL,          "unknown", "configuration", "time",  "exception",
	"attestation", "added",   "removed",       "check",
};

const char *
attest_cause_name(enum attest_cause cause)
{
	return (unsigned)cause < ATTEST_CAUSE_COUNT ? cause_names[cause] : NULL;
}

static bool
in_fail_or_excepted(const char *status)
{
	return status && (!strcmp(status, "fail") || !strcmp(status, "excepted"));
}

/* One changed finding as both scans recorded it, oriented from -> to. */
struct evidence {
	const char *status[2], *exception[2], *config[2], *definition[2];
	bool check_in[2], dated, reads_others;
	const char *check_status[2];
};

/* Why a finding changed, by elimination over what the scans recorded, in
 * the order doc/history.md gives: the resource came or went, the check's
 * definition changed, an exception began or ended, the resource's
 * configuration changed, the date crossed a threshold of a dated check,
 * another resource the check reads changed. */
static enum attest_cause
cause_of(const struct pair *pr, const struct evidence *e, const char **detail)
{
	*detail = NULL;
	if (!pr->digests[0] || !pr->digests[1]) {
		*detail = "a scan stored before attest recorded configuration digests";
		return ATTEST_CAUSE_UNKNOWN;
	}
	if (!e->check_in[0] || !e->check_in[1]) {
		*detail = e->check_in[0] ? "the check is not in the later scan"
					 : "the check is new in the later scan";
		return ATTEST_CAUSE_CHECK;
	}
	if (!e->config[0] != !e->config[1]) {
		/* Judged in one scan only: a resource type left uncollected is not
		 * a resource added or removed. */
		const char *st = e->check_status[e->config[0] ? 1 : 0];

		if (st && !strcmp(st, "not_evaluated")) {
			*detail = "its check was not evaluated in one scan (a resource type was "
				  "not collected)";
			return ATTEST_CAUSE_UNKNOWN;
		}
		return e->config[0] ? ATTEST_CAUSE_REMOVED : ATTEST_CAUSE_ADDED;
	}
	if (!e->config[0])
		return ATTEST_CAUSE_UNKNOWN;
	if (!e->definition[0] || !e->definition[1])
		return ATTEST_CAUSE_UNKNOWN;
	if (strcmp(e->definition[0], e->definition[1]) != 0)
		return ATTEST_CAUSE_CHECK;
	if (in_fail_or_excepted(e->status[0]) && in_fail_or_excepted(e->status[1]) &&
	    (strcmp(e->status[0], e->status[1]) != 0 ||
	     !((!e->exception[0] && !e->exception[1]) ||
	       (e->exception[0] && e->exception[1] && !strcmp(e->exception[0], e->exception[1])))))
		return ATTEST_CAUSE_EXCEPTION;
	if (strcmp(e->config[0], e->config[1]) != 0)
		return ATTEST_CAUSE_CONFIGURATION;
	if (e->dated && strcmp(pr->as_of[0], pr->as_of[1]) != 0)
		return ATTEST_CAUSE_TIME;
	if (e->reads_others) {
		*detail = "the resource is as it was; the check also reads other resources, "
			  "and one of them changed";
		return ATTEST_CAUSE_CONFIGURATION;
	}
	*detail = "the resource, the check and the exceptions are as they were";
	return ATTEST_CAUSE_UNKNOWN;
}

static attest_rc
findings(attest_store *store, const char *from, const char *to, const struct pair *pr,
	 const struct attest_diff_sink *sink)
{
	struct attest_diff_finding f;
	struct evidence e;
	sqlite3_stmt *st;
	size_t i;
	int src, d, o;
	bool to_drives;

	for (i = 0; i < sizeof(finding_queries) / sizeof(finding_queries[0]); i++) {
		if (!(st = history_prepare(store, finding_queries[i].sql)))
			return ATTEST_ERR_DB;
		to_drives = finding_queries[i].driver_is_to;
		/* d, o: the index (0 from, 1 to) of the driving and the other scan */
		d = to_drives ? 1 : 0;
		o = 1 - d;
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
			e.status[d] = text(st, 9);
			e.status[o] = text(st, 10);
			e.exception[d] = text(st, 11);
			e.exception[o] = text(st, 12);
			e.config[d] = text(st, 13);
			e.config[o] = text(st, 14);
			e.definition[d] = text(st, 15);
			e.definition[o] = text(st, 16);
			e.check_in[d] = true;
			e.check_in[o] = sqlite3_column_int(st, 17);
			e.check_status[d] = NULL; /* it judged the resource */
			e.check_status[o] = text(st, 18);
			e.dated = sqlite3_column_int(st, 19);
			e.reads_others = sqlite3_column_int(st, 20);
			f.from_status = e.status[0];
			f.to_status = e.status[1];
			f.cause = f.change == ATTEST_CHANGE_STILL_FAILING
					  ? ATTEST_CAUSE_NONE
					  : cause_of(pr, &e, &f.cause_detail);
			if (f.cause == ATTEST_CAUSE_NONE)
				f.cause_detail = NULL;
			if (sink->finding)
				sink->finding(sink->data, &f);
		}
		sqlite3_finalize(st);
		if (src != SQLITE_DONE)
			return history_db_error(store);
	}
	return ATTEST_OK;
}

/* Checks that scan id exists and reads what cause_of() needs of it. */
static attest_rc
scan_side(attest_store *store, const char *id, struct pair *pr, int side)
{
	sqlite3_stmt *st = history_prepare(store, "SELECT digests, as_of FROM scans"
						  " WHERE scan_id = ?1");
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	history_bind(st, 1, id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		pr->digests[side] = sqlite3_column_int(st, 0);
		snprintf(pr->as_of[side], sizeof(pr->as_of[side]), "%s",
			 sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1)
						    : "");
	}
	sqlite3_finalize(st);
	if (src == SQLITE_ROW)
		return ATTEST_OK;
	if (src == SQLITE_DONE)
		return core_error(store_ctx(store), ATTEST_ERR_NOTFOUND, "no scan '%s' in '%s'", id,
				  store_path(store));
	return history_db_error(store);
}

attest_rc
attest_store_diff(attest_store *store, const char *from, const char *to,
		  const struct attest_diff_sink *sink)
{
	sqlite3 *db = store_db(store);
	struct pair pr;
	attest_rc rc;

	/* One read transaction: both scans are seen as of the same moment even
	 * while another process prunes or imports. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return history_db_error(store);
	if ((rc = scan_side(store, from, &pr, 0)) == ATTEST_OK &&
	    (rc = scan_side(store, to, &pr, 1)) == ATTEST_OK &&
	    (rc = frameworks(store, from, to, sink)) == ATTEST_OK &&
	    (rc = controls(store, from, to, sink)) == ATTEST_OK)
		rc = findings(store, from, to, &pr, sink);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
