/*
 * CSV of the findings of one stored scan (RFC 4180: comma-separated, CRLF
 * line ends, a header row, fields with a comma, quote or line break quoted
 * with inner quotes doubled), one row per finding and control it bears on,
 * with the inventory's date and the exception that covers it, streamed. Resource ids
 * and reasons come from the inventory, which anyone able to name a bucket
 * controls; a spreadsheet would run a cell starting with = + - @ (or a tab
 * or carriage return) as a formula, so such a cell is prefixed with a single
 * quote ("'=cmd"), as OWASP recommends. doc/report-formats.md says so.
 */
#include "config.h"

#include "report_int.h"

#include <string.h>

/* One row per (finding, control): the controls of the finding's check, one a
 * row, so that a spreadsheet pivots on them; a finding whose check supports
 * no control of the scanned frameworks has one row with both empty. */
static const char finding_sql[] =
	"SELECT f.scan_id, s.as_of, f.check_id, c.title, f.status, c.severity, f.resource_type,"
	" f.resource_id, f.name, f.arn, f.region, f.account, m.framework, m.control_id,"
	" f.exception_id, e.justification, e.approver, e.expires, f.reason, f.evidence"
	" FROM findings f JOIN scan_checks c ON c.scan_id = f.scan_id AND c.check_id = f.check_id"
	" JOIN scans s ON s.scan_id = f.scan_id"
	" LEFT JOIN scan_control_checks m ON m.scan_id = f.scan_id AND m.check_id = f.check_id"
	" LEFT JOIN scan_exceptions e ON e.scan_id = f.scan_id AND e.exception_id = f.exception_id"
	" WHERE f.scan_id = ?1" REPORT_FINDING_ORDER ", m.framework, m.control_id";

static const char header[] = "scan,as_of,check,check_title,status,severity,resource_type,"
			     "resource_id,resource_name,arn,region,account,framework,control,"
			     "exception,exception_justification,exception_approver,"
			     "exception_expires,reason,evidence\r\n";

#define N_COLS 20
#define COL_JUSTIFICATION 15 /* written by a person in an indented XML file */

static void
put_field(FILE *out, const char *s)
{
	bool formula = strchr("=+-@\t\r", s[0]) && s[0];
	const char *p;

	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

attest_rc
attest_report_csv(attest_store *store, const char *scan_id, FILE *out)
{
	attest_ctx *ctx = store_ctx(store);
	struct core_buf fold;
	const char *cell;
	sqlite3_stmt *st;
	attest_rc rc =
		report_scan_row(store, "SELECT 1 FROM scans WHERE scan_id = ?1", scan_id, &st);
	int src, i;

	sqlite3_finalize(st);
	if (rc != ATTEST_OK)
		return rc;
	if (!(st = report_query(store, finding_sql, scan_id)))
		return ATTEST_ERR_DB;
	core_buf_init(&fold, 64u << 20);
	fputs(header, out);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < N_COLS; i++) {
			if (i)
				fputc(',', out);
			cell = report_text(st, i);
			if (i == COL_JUSTIFICATION && !(cell = report_fold_space(&fold, cell))) {
				src = SQLITE_NOMEM;
				break;
			}
			put_field(out, cell);
		}
		if (i < N_COLS)
			break;
		fputs("\r\n", out);
	}
	core_buf_release(&fold);
	sqlite3_finalize(st);
	if (src == SQLITE_NOMEM)
		return core_nomem(ctx);
	if (src != SQLITE_DONE)
		return report_db_error(store, "cannot read the findings of the scan");
	if (ferror(out))
		return core_error(ctx, ATTEST_ERR_IO, "cannot write the CSV report");
	return ATTEST_OK;
}
