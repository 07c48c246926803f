/*
 * CSV of the findings of one stored scan (RFC 4180: comma-separated, CRLF
 * line ends, a header row, fields with a comma, quote or line break quoted
 * with inner quotes doubled), one row per finding, streamed. Resource ids
 * and reasons come from the inventory, which anyone able to name a bucket
 * controls; a spreadsheet would run a cell starting with = + - @ (or a tab
 * or carriage return) as a formula, so such a cell is prefixed with a single
 * quote ("'=cmd"), as OWASP recommends. doc/report-formats.md says so.
 */
#include "config.h"

#include "report_int.h"

#include <string.h>

static const char finding_sql[] =
	"SELECT f.scan_id, f.check_id, f.status, c.severity, f.resource_type, f.resource_id,"
	" f.arn, f.region, f.account,"
	" (SELECT group_concat(framework || ':' || control_id, ';') FROM (SELECT framework,"
	"   control_id FROM scan_control_checks m WHERE m.scan_id = f.scan_id"
	"   AND m.check_id = f.check_id ORDER BY framework, control_id)),"
	" f.reason, f.evidence"
	" FROM findings f JOIN scan_checks c ON c.scan_id = f.scan_id AND c.check_id = f.check_id"
	" WHERE f.scan_id = ?1" REPORT_FINDING_ORDER;

static const char header[] = "scan,check,status,severity,resource_type,resource_id,arn,region,"
			     "account,controls,reason,evidence\r\n";

#define N_COLS 12

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
	attest_ctx *ctx = attest_store_ctx(store);
	sqlite3_stmt *st;
	attest_rc rc = report_scan_row(store, "SELECT 1 FROM scans WHERE scan_id = ?1", scan_id, &st);
	int src, i;

	sqlite3_finalize(st);
	if (rc != ATTEST_OK)
		return rc;
	if (!(st = report_query(store, finding_sql, scan_id)))
		return ATTEST_ERR_DB;
	fputs(header, out);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < N_COLS; i++) {
			if (i)
				fputc(',', out);
			put_field(out, report_text(st, i));
		}
		fputs("\r\n", out);
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return report_db_error(store, "cannot read the findings of the scan");
	if (ferror(out))
		return attest_error(ctx, ATTEST_ERR_IO, "cannot write the CSV report");
	return ATTEST_OK;
}
