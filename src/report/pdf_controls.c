/*
 * The controls section of the PDF report: every control of each framework
 * with its status and, for a failing control, the failing checks it relies
 * on, by the numbers (C1, C2, ...) under which "Failing findings by check"
 * lists them with their resources. A finding is thus printed once however
 * many controls rely on its check.
 */
#include "config.h"

#include "pdf_int.h"

#include <string.h>

/* Manual controls are listed once, in their own section. */
static attest_rc
manual_note(struct pdf *p, const struct pdf_scan *s, const char *fw)
{
	struct pdf_style note = pdf_style(p, p->regular, 8, &p->t->muted);
	sqlite3_stmt *st = pdf_query(s, "SELECT count(*) FROM scan_controls WHERE scan_id = ?1 AND"
					" framework = ?2 AND status = 'manual'");
	char text[256];
	int n;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_STATIC);
	n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (n > 0) {
		snprintf(
			text, sizeof(text),
			"The framework's %d manual control%s (no check covers them, none attested) "
			"%s listed under \"Manual controls awaiting attestation\".",
			n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
		pdf_space(p, 3);
		pdf_paragraph(p, &note, 0, text);
	}
	return ATTEST_OK;
}

/* The framework's two figures and coverage, above its table. */
static attest_rc
figures(struct pdf *p, const struct pdf_scan *s, const char *fw)
{
	struct pdf_style body = pdf_style(p, p->regular, 8.5f, NULL);
	sqlite3_stmt *st = pdf_query(
		s, "SELECT controls_passing, controls_scored, score, posture, posture_controls,"
		   " coverage FROM scan_framework_scores WHERE scan_id = ?1 AND framework = ?2");
	char text[512], score[64], posture[64];

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			snprintf(score, sizeof(score), "not scored");
		else
			snprintf(score, sizeof(score), "%.1f %%", sqlite3_column_double(st, 2));
		if (sqlite3_column_type(st, 3) == SQLITE_NULL)
			snprintf(posture, sizeof(posture), "none");
		else
			snprintf(posture, sizeof(posture), "%.1f %% over %d controls",
				 sqlite3_column_double(st, 3), sqlite3_column_int(st, 4));
		snprintf(text, sizeof(text),
			 "Controls fully passing: %d of %d controls (%s). Posture: %s. Coverage: "
			 "%.1f %%.",
			 sqlite3_column_int(st, 0), sqlite3_column_int(st, 1), score, posture,
			 sqlite3_column_double(st, 5));
		pdf_paragraph(p, &body, 0, text);
		pdf_space(p, 4);
	}
	sqlite3_finalize(st);
	return ATTEST_OK;
}

static attest_rc
control_table(struct pdf *p, const struct pdf_scan *s, const char *fw, HPDF_Outline o)
{
	struct pdf_table t = {
		.n = 6,
		.heads = {"Control", "Title", "Status", "Pass share", "Failing", "Failing checks"},
		.size = 7.5f};
	sqlite3_stmt *st = pdf_query(
		s,
		"WITH " PDF_FAILING_CHECKS " SELECT c.control_id, c.title, c.status,"
		" (SELECT CASE WHEN x.pass_share IS NULL THEN '' ELSE printf('%.1f %%',"
		"   x.pass_share) || ' (' || x.n_pass || '/' || (x.n_pass + x.n_fail) || ')' END"
		"   FROM scan_control_scores x WHERE x.scan_id = c.scan_id AND x.framework ="
		"   c.framework AND x.control_id = c.control_id),"
		" (SELECT sum(k.n_fail) FROM scan_control_checks m JOIN scan_checks k"
		"   ON k.scan_id = m.scan_id AND k.check_id = m.check_id WHERE m.scan_id = c.scan_id"
		"   AND m.framework = c.framework AND m.control_id = c.control_id),"
		" (SELECT group_concat('C' || n, ', ') FROM (SELECT DISTINCT fc.n FROM"
		"   scan_control_checks m JOIN fc ON fc.check_id = m.check_id WHERE m.scan_id ="
		"   c.scan_id AND m.framework = c.framework AND m.control_id = c.control_id"
		"   ORDER BY fc.n))"
		" FROM scan_controls c WHERE c.scan_id = ?1 AND c.framework = ?2 AND c.status <>"
		" 'manual' ORDER BY c.seq");
	const char *cells[6];
	const struct pdf_rgb *colors[6] = {NULL};
	char status[48], failing[32];
	attest_rc rc;

	(void)o;
	if (!st)
		return ATTEST_ERR_DB;
	if ((rc = figures(p, s, fw)) != ATTEST_OK) {
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_STATIC);
	pdf_table_begin(p, &t);
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		cells[0] = report_text(st, 0);
		cells[1] = report_text(st, 1);
		cells[2] = pdf_status_label(report_text(st, 2), status, sizeof(status));
		colors[2] = pdf_status_color(p, report_text(st, 2));
		cells[3] = report_text(st, 3);
		if (sqlite3_column_int64(st, 4) > 0)
			snprintf(failing, sizeof(failing), "%lld", sqlite3_column_int64(st, 4));
		else
			failing[0] = '\0';
		cells[4] = failing;
		cells[5] = report_text(st, 5);
		pdf_table_row(p, &t, cells, colors, 0);
	}
	pdf_table_end(p, &t);
	sqlite3_finalize(st);
	return manual_note(p, s, fw);
}

attest_rc
pdf_controls(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	HPDF_Outline top = pdf_heading(p, 0, "Controls", NULL);

	pdf_paragraph(
		p, &body, 0,
		"Every control of each framework with its status, but the manual controls "
		"awaiting attestation, which have their own section. \"Pass share\" is the "
		"share of passing results (check, resource) among the control's pass and fail "
		"results, the part of posture a control contributes. \"Failing\" counts the "
		"failing results of the control's checks (one per check and resource); "
		"\"Failing checks\" names those checks by their number in \"Failing findings "
		"by check\", where each failing resource is listed once.");
	return pdf_each_framework(p, s, 1, top, control_table);
}
