/*
 * The sections of the PDF report about what people decided: the manual
 * controls still awaiting an attestation, and the exceptions and
 * attestations the scan applied. Exceptions and attestations in force come
 * first, each with its text (reflowed: the XML file's line breaks and
 * indentation are not part of it) and, for an exception, the resources it
 * matched; the lapsed ones follow in their own tables, since they no longer
 * change any result but an auditor asks what expired.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- manual controls ------------------------------------------------------ */

attest_rc
pdf_manual(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	struct pdf_table t = {.n = 3, .heads = {"Framework", "Control", "Title"}, .size = 7.5f};
	sqlite3_stmt *st = pdf_query(
		s, "SELECT c.framework, c.control_id, c.title FROM scan_controls c"
		   " JOIN scan_frameworks f ON f.scan_id = c.scan_id AND f.framework = c.framework"
		   " WHERE c.scan_id = ?1 AND c.status = 'manual' AND " PDF_FW_IN(
			   "c.framework") " ORDER BY f.seq, c.seq");
	const char *cells[3];
	bool any = false;

	if (!st)
		return ATTEST_ERR_DB;
	pdf_heading(p, 0, "Manual controls awaiting attestation", NULL);
	pdf_paragraph(p, &body, 0,
		      "These controls are assessed by people, not by checks. Each stays open until "
		      "an attestation is recorded for it; none of them counts in a score.");
	pdf_space(p, 6);
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		if (!any)
			pdf_table_begin(p, &t);
		any = true;
		cells[0] = report_text(st, 0);
		cells[1] = report_text(st, 1);
		cells[2] = report_text(st, 2);
		pdf_table_row(p, &t, cells, NULL, 1);
	}
	if (any)
		pdf_table_end(p, &t);
	sqlite3_finalize(st);
	if (!any)
		pdf_paragraph(p, &body, 0, "No manual control awaits attestation.");
	return ATTEST_OK;
}

/* ---- exceptions and attestations ------------------------------------------ */

/* Draws the table, or says there is nothing when it has no row. */
static void
table_or_none(struct pdf *p, struct pdf_table *t, int rows, const char *none)
{
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);

	if (rows > 0) {
		pdf_table_end(p, t);
		return;
	}
	pdf_table_discard(t);
	pdf_paragraph(p, &body, 0, none);
}

/* A copy of XML text with its wrapping undone, or "" when out of memory. */
static char *
flat(const char *text)
{
	char *v = core_strdup(text ? text : "");

	if (v)
		report_reflow(v);
	return v;
}

/* An exception's match as "resource id sg-1, account 2109...". */
static void
match_text(const char *json, char *buf, size_t size)
{
	static const char *const keys[] = {"resource_id", "arn",     "account",
					   "region",      "tag_key", "tag_value"};
	static const char *const labels[] = {"resource id", "ARN", "account",
					     "region",      "tag", "tag value"};
	json_t *m = json_loads(json, 0, NULL);
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && o < size; i++) {
		const char *v = json_string_value(json_object_get(m, keys[i]));

		if (v)
			o += (size_t)snprintf(buf + o, size - o, "%s%s %s", o ? ", " : "",
					      labels[i], v);
	}
	if (!buf[0])
		snprintf(buf, size, "every resource");
	json_decref(m);
}

/* The resources an exception matched: the findings it turned to excepted. */
static attest_rc
matched(struct pdf *p, const struct pdf_scan *s, const char *id, float indent)
{
	struct pdf_style body = pdf_style(p, p->regular, 8, NULL);
	sqlite3_stmt *st = pdf_query(
		s, "SELECT resource_id, account, region FROM findings WHERE scan_id = ?1 AND"
		   " exception_id = ?2 ORDER BY account, region, resource_id");
	struct core_buf b;
	long long n = 0;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	core_buf_init(&b, (size_t)1 << 26);
	while (sqlite3_step(st) == SQLITE_ROW) {
		core_buf_printf(&b, "%s%s (%s, %s)", n ? "; " : "", report_text(st, 0),
				report_text(st, 1), report_text(st, 2));
		n++;
	}
	sqlite3_finalize(st);
	if (n == 0)
		pdf_paragraph(p, &body, indent, "Resources excepted: none in this scan.");
	else {
		char head[64];
		struct core_buf line;

		snprintf(head, sizeof(head), "Resources excepted (%lld): ", n);
		core_buf_init(&line, (size_t)1 << 26);
		core_buf_printf(&line, "%s%s", head, b.data ? b.data : "");
		pdf_paragraph(p, &body, indent, line.data ? line.data : head);
		core_buf_release(&line);
	}
	core_buf_release(&b);
	return ATTEST_OK;
}

static attest_rc
exceptions(struct pdf *p, const struct pdf_scan *s, HPDF_Outline top, bool active)
{
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);
	struct pdf_style head = pdf_style(p, p->bold, 8.5f, &p->t->primary);
	struct pdf_table t = {.n = 6,
			      .heads = {"Exception", "Check", "Matches", "Approver", "Approved",
					active ? "Expires" : "Expired"},
			      .size = 7.5f};
	sqlite3_stmt *st =
		pdf_query(s, "SELECT exception_id, check_id, match, justification, approver,"
			     " coalesce(approved, ''), expires, matched FROM scan_exceptions"
			     " WHERE scan_id = ?1 AND active = ?2 ORDER BY exception_id");
	char match[512];
	int n = 0;
	attest_rc rc = ATTEST_OK;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_int(st, 2, active);
	pdf_heading(p, 1, active ? "Exceptions in force" : "Lapsed exceptions", top);
	pdf_table_begin(p, &t);
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		const char *cells[6];

		match_text(report_text(st, 2), match, sizeof(match));
		cells[0] = report_text(st, 0);
		cells[1] = report_text(st, 1);
		cells[2] = match;
		cells[3] = report_text(st, 4);
		cells[4] = report_text(st, 5);
		cells[5] = report_text(st, 6);
		pdf_table_row(p, &t, cells, NULL, 0);
		n++;
	}
	table_or_none(p, &t, n,
		      active ? "No exception was in force for this scan."
			     : "No exception had lapsed by the date of this scan.");
	sqlite3_reset(st);
	/* Each one's justification and what it matched. */
	while (n > 0 && rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		char *just = flat(report_text(st, 3)), title[256];

		pdf_space(p, 6);
		pdf_need(p, 40);
		snprintf(title, sizeof(title), "%s (check %s)", report_text(st, 0),
			 report_text(st, 1));
		pdf_paragraph(p, &head, 0, title);
		pdf_paragraph(p, &body, 8, just ? just : "");
		free(just);
		if (active)
			rc = matched(p, s, report_text(st, 0), 8);
	}
	sqlite3_finalize(st);
	return rc;
}

static attest_rc
attestations(struct pdf *p, const struct pdf_scan *s, HPDF_Outline top, bool active)
{
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);
	struct pdf_style small = pdf_style(p, p->regular, 8, &p->t->muted);
	struct pdf_style head = pdf_style(p, p->bold, 8.5f, &p->t->primary);
	struct pdf_table t = {.n = 5,
			      .heads = {"Framework", "Control", "Attested by", "Date",
					active ? "Expires" : "Expired"},
			      .size = 7.5f};
	sqlite3_stmt *st = pdf_query(
		s, "SELECT framework, control_id, attested_by, attested_on, expires, statement,"
		   " evidence, evidence_href FROM scan_attestations WHERE scan_id = ?1 AND"
		   " active = ?2 AND " PDF_FW_IN("framework") " ORDER BY framework, control_id");
	int n = 0;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_int(st, 2, active);
	pdf_heading(p, 1, active ? "Attestations in force" : "Lapsed attestations", top);
	pdf_table_begin(p, &t);
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		const char *cells[5] = {report_text(st, 0), report_text(st, 1), report_text(st, 2),
					report_text(st, 3), report_text(st, 4)};

		pdf_table_row(p, &t, cells, NULL, 1);
		n++;
	}
	table_or_none(p, &t, n,
		      active ? "No attestation was in force for this scan."
			     : "No attestation had lapsed by the date of this scan.");
	sqlite3_reset(st);
	while (n > 0 && sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		char *stmt = flat(report_text(st, 5)), *ev = flat(report_text(st, 6));
		char title[256], line[1024];

		pdf_space(p, 6);
		pdf_need(p, 40);
		snprintf(title, sizeof(title), "%s %s, attested by %s on %s", report_text(st, 0),
			 report_text(st, 1), report_text(st, 2), report_text(st, 3));
		pdf_paragraph(p, &head, 0, title);
		pdf_paragraph(p, &body, 8, stmt ? stmt : "");
		if (ev && *ev) {
			snprintf(line, sizeof(line), "Evidence: %s%s%s", ev,
				 *report_text(st, 7) ? " \u2014 " : "", report_text(st, 7));
			pdf_paragraph(p, &small, 8, line);
		}
		free(stmt);
		free(ev);
	}
	sqlite3_finalize(st);
	return ATTEST_OK;
}

attest_rc
pdf_exceptions(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	HPDF_Outline top = pdf_heading(p, 0, "Exceptions and attestations", NULL);
	attest_rc rc;

	pdf_paragraph(p, &body, 0,
		      "An exception in force turns the failures it matches into \"excepted\": they "
		      "count neither as passes nor as failures. An attestation in force closes a "
		      "manual control. Lapsed ones changed nothing in this scan and are listed "
		      "apart.");
	if ((rc = exceptions(p, s, top, true)) != ATTEST_OK ||
	    (rc = exceptions(p, s, top, false)) != ATTEST_OK ||
	    (rc = attestations(p, s, top, true)) != ATTEST_OK)
		return rc;
	return attestations(p, s, top, false);
}
