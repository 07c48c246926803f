/*
 * The findings of a stored scan as OCSF Compliance Finding events, one JSON
 * object per line (doc/ocsf.md): one event per finding, in the order of the
 * other reports, then one per check that judged no resource because its
 * data was not collected (not_evaluated) or its query failed (error), so
 * that missing data reaches the SIEM as a warning instead of silence. Each
 * row becomes a struct report_ocsf_finding rendered by ocsf_event.c and is
 * written at once: memory does not grow with the number of findings.
 */
#include "config.h"

#include "ocsf.h"
#include "report_int.h"

#include <string.h>

static const char scan_sql[] = "SELECT finished_at, as_of, attest_version, scope, accounts"
			       " FROM scans WHERE scan_id = ?1";

static const char fw_sql[] = "SELECT framework, title FROM scan_frameworks WHERE scan_id = ?1"
			     " ORDER BY seq";

/* The controls of the check of row alias x (findings f or scan_checks c). */
#define CONTROLS_OF(x)                                                                             \
	"(SELECT json_group_array(json_object('framework', m.framework, 'control', m.control_id))" \
	"   FROM scan_control_checks m WHERE m.scan_id = " x ".scan_id"                            \
	"   AND m.check_id = " x ".check_id)"

static const char finding_sql[] =
	"SELECT f.check_id, c.title, c.rationale, c.service, c.severity, f.status,"
	" f.resource_type, f.resource_id, f.arn, f.name, f.region, f.account, f.reason,"
	" f.evidence, c.remediation, c.refs, " CONTROLS_OF(
		"f") ", f.exception_id,"
		     " e.justification, e.approver, e.approved, e.expires, f.exposed, f.finding_id"
		     " FROM findings f JOIN scan_checks c ON c.scan_id = f.scan_id AND c.check_id = f.check_id"
		     " LEFT JOIN scan_exceptions e ON e.scan_id = f.scan_id AND e.exception_id = f.exception_id"
		     " WHERE f.scan_id = ?1" REPORT_FINDING_ORDER;

/* Checks without a finding whose status says their data is missing: the
 * same columns as finding_sql, the resource ones NULL. */
static const char check_sql[] =
	"SELECT c.check_id, c.title, c.rationale, c.service, c.severity, c.status, NULL, NULL,"
	" NULL, NULL, NULL, NULL, c.reason, NULL, c.remediation, c.refs, " CONTROLS_OF(
		"c") ","
		     " NULL, NULL, NULL, NULL, NULL, 0, NULL"
		     " FROM scan_checks c WHERE c.scan_id = ?1 AND c.status IN ('not_evaluated', 'error')"
		     " AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.scan_id = c.scan_id"
		     "   AND f.check_id = c.check_id)"
		     " ORDER BY c.check_id";

/* What every event of the scan shares. */
struct ocsf_scan {
	attest_store *store;
	const char *id;
	char *as_of, *version, *scope, *account; /* account: the scan's only one */
	time_t finished;
	json_t *standards; /* framework id -> title */
	struct core_buf uid, fold;
};

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static attest_rc
scan_open(struct ocsf_scan *s)
{
	attest_ctx *ctx = store_ctx(s->store);
	sqlite3_stmt *st = NULL;
	json_t *accounts;
	attest_rc rc = report_scan_row(s->store, scan_sql, s->id, &st);
	int src;

	if (rc != ATTEST_OK)
		goto out;
	rc = ATTEST_ERR_NOMEM;
	if (!core_time_parse(col(st, 0), &s->finished)) {
		rc = core_error(ctx, ATTEST_ERR_INVALID, "scan '%s' has no valid finish time '%s'",
				s->id, report_text(st, 0));
		goto out;
	}
	accounts = report_json_col(st, 4);
	if (json_array_size(accounts) == 1 && json_is_string(json_array_get(accounts, 0)))
		s->account = core_strdup(json_string_value(json_array_get(accounts, 0)));
	json_decref(accounts);
	if (!(s->as_of = core_strdup(report_text(st, 1))) ||
	    !(s->version = core_strdup(report_text(st, 2))) ||
	    !(s->scope = core_strdup(report_text(st, 3))) || !(s->standards = json_object()))
		goto nomem;
	sqlite3_finalize(st);
	if (!(st = report_query(s->store, fw_sql, s->id)))
		return ATTEST_ERR_DB;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if (json_object_set_new(s->standards, report_text(st, 0),
					json_string(report_text(st, 1))))
			goto nomem;
	rc = src == SQLITE_DONE ? ATTEST_OK
				: report_db_error(s->store, "cannot read the frameworks");
	goto out;
nomem:
	rc = core_nomem(ctx);
out:
	sqlite3_finalize(st);
	return rc;
}

static void
scan_close(struct ocsf_scan *s)
{
	free(s->as_of);
	free(s->version);
	free(s->scope);
	free(s->account);
	json_decref(s->standards);
	core_buf_release(&s->uid);
	core_buf_release(&s->fold);
}

/* One row of finding_sql or check_sql as its event. */
static attest_rc
write_row(struct ocsf_scan *s, sqlite3_stmt *st, FILE *out)
{
	attest_ctx *ctx = store_ctx(s->store);
	json_t *evidence = report_json_col(st, 13), *remediation = report_json_col(st, 14);
	json_t *refs = report_json_col(st, 15), *controls = report_json_col(st, 16);
	struct report_ocsf_finding f = {
		.check_id = report_text(st, 0),
		.title = col(st, 1),
		.rationale = col(st, 2),
		.service = col(st, 3),
		.severity = col(st, 4),
		.status = col(st, 5),
		.resource_type = col(st, 6),
		.resource_id = col(st, 7),
		.arn = col(st, 8),
		.name = col(st, 9),
		.region = col(st, 10),
		.account = col(st, 7) ? col(st, 11) : s->account,
		.reason = col(st, 12),
		.evidence = evidence,
		.remediation = remediation,
		.references = refs,
		.controls = controls,
		.standards = s->standards,
		.exception_id = col(st, 17),
		.exception_approver = col(st, 19),
		.exception_approved = col(st, 20),
		.exception_expires = col(st, 21),
		.exposed = sqlite3_column_int(st, 22) != 0,
		.scope = s->scope,
		.scan_id = s->id,
		.attest_version = s->version,
		.as_of = s->as_of,
		.time = s->finished,
		.activity = REPORT_OCSF_CREATE,
	};
	attest_rc rc = ATTEST_ERR_NOMEM;

	/* metadata.uid: the finding's row, or the check, in this scan */
	core_buf_reset(&s->uid);
	if (!evidence || !remediation || !refs || !controls ||
	    (col(st, 23) ? core_buf_printf(&s->uid, "%s:%s", s->id, col(st, 23))
			 : core_buf_printf(&s->uid, "%s:%s", s->id, f.check_id)) != ATTEST_OK)
		goto out;
	f.event_uid = s->uid.data;
	if (col(st, 18) && !(f.exception_justification = report_fold_space(&s->fold, col(st, 18))))
		goto out;
	rc = report_ocsf_write(ctx, &f, out);
out:
	if (rc == ATTEST_ERR_NOMEM && !*attest_ctx_errmsg(ctx))
		core_nomem(ctx);
	json_decref(evidence);
	json_decref(remediation);
	json_decref(refs);
	json_decref(controls);
	return rc;
}

static attest_rc
write_rows(struct ocsf_scan *s, const char *sql, FILE *out)
{
	sqlite3_stmt *st = report_query(s->store, sql, s->id);
	attest_rc rc = ATTEST_OK;
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	while (rc == ATTEST_OK && (src = sqlite3_step(st)) == SQLITE_ROW)
		rc = write_row(s, st, out);
	if (rc == ATTEST_OK && src != SQLITE_DONE)
		rc = report_db_error(s->store, "cannot read the findings of the scan");
	sqlite3_finalize(st);
	return rc;
}

attest_rc
attest_report_ocsf(attest_store *store, const char *scan_id, FILE *out)
{
	struct ocsf_scan s = {.store = store, .id = scan_id};
	attest_rc rc;

	core_buf_init(&s.uid, 64u << 10);
	core_buf_init(&s.fold, 64u << 20);
	if ((rc = scan_open(&s)) == ATTEST_OK &&
	    (rc = write_rows(&s, finding_sql, out)) == ATTEST_OK)
		rc = write_rows(&s, check_sql, out);
	if (rc == ATTEST_OK && ferror(out))
		rc = core_error(store_ctx(store), ATTEST_ERR_IO, "cannot write the OCSF events");
	scan_close(&s);
	return rc;
}
