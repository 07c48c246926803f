/*
 * report owns every rendering of a stored scan (summary, JSON, XML, OSCAL,
 * XCCDF, JUnit, CSV, OCSF, PDF), audit packages and their verification; it reads
 * only the store and may call store and core.
 *
 * Inside the report module: helpers every renderer shares for reading a
 * stored scan.
 */
#ifndef ATTEST_REPORT_INT_H
#define ATTEST_REPORT_INT_H

#include "store/store_int.h"

#include <jansson.h>

/* Orders by severity, worst first; col names the severity column. */
#define REPORT_SEVERITY_RANK(col)                                                                  \
	"CASE " col " WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2"              \
	" WHEN 'low' THEN 3 ELSE 4 END"
/* The order findings are listed in (f: findings, c: their scan_checks row):
 * failures, then errors, then passes and the rest, each worst first. */
#define REPORT_FINDING_ORDER                                                                       \
	" ORDER BY CASE f.status WHEN 'fail' THEN 0 WHEN 'error' THEN 1 WHEN 'pass' THEN 2"        \
	"   ELSE 3 END, " REPORT_SEVERITY_RANK(                                                    \
		"c.severity") ", f.check_id, f.account,"                                           \
			      "   f.region, f.resource_id, f.finding_id"

/* The formulas of doc/scoring.md, in the words every report prints them:
 * what the code computes (src/engine/score.c, the views of
 * src/store/schema.c), attested and excepted controls included. */
#define REPORT_FORMULA_SCORE                                                                       \
	"controls fully passing (score) = 100 x (pass + attested) / (pass + attested + fail),"     \
	" over controls; excepted, manual, not evaluated, not applicable and error controls"       \
	" count in neither part"
#define REPORT_FORMULA_POSTURE                                                                     \
	"posture = sum(weight x pass_share) / sum(weight), over the automated controls with at"    \
	" least one pass or fail result; pass_share = 100 x pass / (pass + fail) over the"         \
	" (check, resource) results of the control's checks, excepted results in neither part;"    \
	" weight = the control's highest check severity: critical 4, high 3, medium 2, low and"    \
	" informational 1"
#define REPORT_FORMULA_COVERAGE                                                                    \
	"coverage = 100 x (pass + fail + not applicable + excepted + attested) / all controls,"    \
	" manual ones included"
/* Name and text of each formula, for renderers that list them. */
struct report_formula {
	const char *name, *text;
};
extern const struct report_formula report_formulas[3];

/* jansson prints reals with 17 significant digits, which shows the binary
 * value (6.2999999999999998); 15 is the most a double keeps exactly, so a
 * figure prints as written (6.3). Every JSON attest writes uses it. */
#define REPORT_JSON_REALS JSON_REAL_PRECISION(15)

/* Prepares sql on the store, binding ?1 to scan_id; NULL with the error set. */
sqlite3_stmt *report_query(attest_store *store, const char *sql, const char *scan_id);
/* Prepares sql (with ?1 the scan id, returning one row per scan) and steps to
 * that row: *out is the statement on its row (finalize it, also on failure).
 * ATTEST_ERR_NOTFOUND when the store holds no such scan. */
attest_rc report_scan_row(attest_store *store, const char *sql, const char *scan_id,
			  sqlite3_stmt **out);
/* Column as text ("" for NULL) and as a parsed JSON value (new reference;
 * the text as a JSON string if it is not JSON, null for NULL). */
const char *report_text(sqlite3_stmt *st, int col);
json_t *report_json_col(sqlite3_stmt *st, int col);
attest_rc report_db_error(attest_store *store, const char *what);

/* The scan's collection gaps (calls of a live collection that failed), in
 * the order they were logged. Columns: 0 seq, 1 account (NULL when not
 * known), 2 region, 3 service, 4 operation, 5 error_code, 6 message,
 * 7 types (JSON array of the resource types the call withheld). */
#define REPORT_GAPS_SQL                                                                            \
	"SELECT seq, account, region, service, operation, error_code, message, types"              \
	" FROM scan_gaps WHERE scan_id = ?1 ORDER BY seq"
/* How many collection gaps the scan has; -1 with the error set when the
 * store cannot be read. */
/* The scan's collection gaps; with accounts, only the accounts that could
 * not be collected at all (their role could not be assumed). */
long long report_gap_count(attest_store *store, const char *scan_id, bool accounts);
/* The sentence on the accounts not collected, for the summaries; "" when
 * there are none. */
const char *report_gap_accounts_text(long long accounts, char *buf, size_t size);
/* A row of REPORT_GAPS_SQL as {"account", "region", "service", "operation",
 * "error_code", "message", "types"}: a new reference, NULL without memory. */
json_t *report_gap_json(sqlite3_stmt *st);
/* "service operation in region (account A)" of a row of REPORT_GAPS_SQL,
 * into buf (cut to size). */
const char *report_gap_call(sqlite3_stmt *st, char *buf, size_t size);
/* Writes the gaps as a JSON array streamed one object per line, each line
 * after the first prefixed by indent; "[]" when there are none. */
attest_rc report_gaps_json(attest_store *store, const char *scan_id, FILE *out, const char *indent);

/* A finding's identity as one new string (free() it; NULL when out of
 * memory): check and resource type, id, account and region, as attest diff
 * matches findings; NULL parts are empty. */
char *report_finding_key(const char *check, const char *type, const char *id, const char *account,
			 const char *region);
/* The causes attest watch recorded for the findings newly failing in
 * scan_id (attest_store_causes), as a new object mapping each finding's
 * report_finding_key to {"event_key", "source", "name", "actor", "time"}. */
attest_rc report_causes(attest_store *store, const char *scan_id, json_t **out);
/* s with every run of white space folded to one space and none at either
 * end (text a person wrote in an indented XML file, such as a justification),
 * into b (reset first); NULL when b overflows. */
const char *report_fold_space(struct core_buf *b, const char *s);

#endif
