/*
 * The audit frame of the PDF report and its sign-off. The frame says whose
 * estate was assessed and what the assessment covers (accounts with their
 * names, regions, services, frameworks, the date of the inventory and of the
 * scan), how attest assessed it, and what the assessment does not show
 * (collection gaps, manual controls, what was not evaluated), in the
 * template's words where it gives them and from the scan itself always.
 * The sign-off gives each role of the template a line to sign.
 */
#include "config.h"

#include "pdf_int.h"

#include <string.h>

static const char default_method[] =
	"attest read the configuration of the estate from the inventory named in the appendix "
	"(with its SHA-256) and judged every resource against each check that applies to its "
	"type: a check is a query over the configuration whose result for each resource is "
	"pass, fail, error or not applicable, with the reason and the observed values (the "
	"evidence). A check whose resource type was not collected is not evaluated: missing "
	"data never passes. Each control of a framework takes the worst status of the checks "
	"mapped to it; a control no check covers is manual and counts only once a person "
	"attests it. An exception, approved and unexpired, marks a resource's failure as "
	"excepted (it never becomes a pass). The scores, their formulas and the digests that "
	"tie this report to the stored scan are in the appendix.";

/* A list of distinct values as "a, b, c" (at most 4000 bytes). */
static attest_rc
list_of(const struct pdf_scan *s, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st = pdf_query(s, sql);

	buf[0] = '\0';
	if (!st)
		return ATTEST_ERR_DB;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, size, "%s", report_text(st, 0));
	sqlite3_finalize(st);
	return ATTEST_OK;
}

static attest_rc
scope(struct pdf *p, const struct pdf_scan *s, HPDF_Outline top)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	char services[4000], fws[4000], n[32];
	attest_rc rc;

	pdf_heading(p, 1, "Scope", top);
	if (p->t->scope) {
		pdf_paragraph(p, &body, 0, p->t->scope);
		pdf_space(p, 6);
	}
	if ((rc = list_of(s,
			  "SELECT group_concat(service, ', ') FROM (SELECT DISTINCT k.service FROM"
			  " scan_checks k WHERE k.scan_id = ?1 AND k.status <> 'not_evaluated' AND"
			  " k.service IS NOT NULL AND EXISTS (SELECT 1 FROM scan_control_checks m"
			  " WHERE m.scan_id = k.scan_id AND m.check_id = k.check_id AND " PDF_FW_IN(
				  "m.framework") ") ORDER BY 1)",
			  services, sizeof(services))) != ATTEST_OK ||
	    (rc = list_of(
		     s,
		     "SELECT group_concat(title || ' (' || framework || ')', '; ') FROM (SELECT"
		     " title, framework FROM scan_frameworks WHERE scan_id = ?1 AND " PDF_FW_IN(
			     "framework") " ORDER BY seq)",
		     fws, sizeof(fws))) != ATTEST_OK)
		return rc;
	pdf_field(p, 0, 120, "Organization", p->organization);
	pdf_field(p, 0, 120, "Accounts", *s->account_names ? s->account_names : "none");
	pdf_field(p, 0, 120, "Regions", *s->regions ? s->regions : "none");
	pdf_field(p, 0, 120, "Services judged", *services ? services : "none");
	pdf_field(p, 0, 120, "Frameworks", *fws ? fws : "none");
	snprintf(n, sizeof(n), "%lld", s->resources);
	pdf_field(p, 0, 120, "Resources", n);
	pdf_field(p, 0, 120, "Inventory date", s->as_of);
	pdf_field(p, 0, 120, "Scan date", s->finished);
	pdf_space(p, 4);
	pdf_paragraph(p, &body, 0,
		      "The inventory date is when the configuration was read (the latest "
		      "collection time of the inputs); the findings describe the estate as it "
		      "stood then, not as it stands on the scan date.");
	return ATTEST_OK;
}

static attest_rc
limitations(struct pdf *p, const struct pdf_scan *s, HPDF_Outline top)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	long long gaps = report_gap_count(s->store, s->id, false);
	sqlite3_stmt *st;
	char text[1024];

	if (gaps < 0)
		return ATTEST_ERR_DB;
	pdf_heading(p, 1, "Limitations", top);
	if (p->t->limitations) {
		pdf_paragraph(p, &body, 0, p->t->limitations);
		pdf_space(p, 6);
	}
	pdf_paragraph(p, &body, 0,
		      "The checks judge configuration at one point in time: they do not show how "
		      "controls operated over a period, nor anything attest cannot read from the "
		      "cloud provider's configuration.");
	pdf_space(p, 4);
	if (gaps > 0)
		snprintf(text, sizeof(text),
			 "Collection gaps: %lld call%s of the collection failed; the checks that "
			 "needed what they would have read are not evaluated (see \"Collection "
			 "gaps\").",
			 gaps, gaps == 1 ? "" : "s");
	else
		snprintf(text, sizeof(text),
			 "Collection gaps: none; every call of the collection recorded in the "
			 "inventory succeeded.");
	pdf_paragraph(p, &body, 0, text);
	pdf_space(p, 4);
	st = pdf_query(s,
		       "SELECT framework, n_total, n_manual, n_attested, n_not_evaluated, n_error"
		       " FROM scan_frameworks WHERE scan_id = ?1 AND " PDF_FW_IN(
			       "framework") " ORDER BY seq");
	if (!st)
		return ATTEST_ERR_DB;
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		int total = sqlite3_column_int(st, 1), manual = sqlite3_column_int(st, 2);
		int ne = sqlite3_column_int(st, 4), err = sqlite3_column_int(st, 5);

		snprintf(text, sizeof(text),
			 "%s: %d of %d controls are manual (%d attested), %d not evaluated and %d "
			 "in error: %.1f %% of the framework was not judged by a check.",
			 report_text(st, 0), manual, total, sqlite3_column_int(st, 3), ne, err,
			 total ? 100.0 * (manual + ne + err) / total : 0.0);
		pdf_paragraph(p, &body, 8, text);
	}
	sqlite3_finalize(st);
	return ATTEST_OK;
}

attest_rc
pdf_frame(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	HPDF_Outline top = pdf_heading(p, 0, "Audit scope and method", NULL);
	attest_rc rc;

	if ((rc = scope(p, s, top)) != ATTEST_OK)
		return rc;
	pdf_heading(p, 1, "Methodology", top);
	pdf_paragraph(p, &body, 0, p->t->methodology ? p->t->methodology : default_method);
	return limitations(p, s, top);
}

attest_rc
pdf_signoff(struct pdf *p, const struct pdf_scan *s)
{
	static const char *const roles[] = {"Prepared by", "Reviewed by", "Approved by", NULL};
	const char *const *r = p->t->signoff[0] ? (const char *const *)p->t->signoff : roles;
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	struct pdf_style role = pdf_style(p, p->bold, 10, &p->t->primary);
	struct pdf_style lab = pdf_style(p, p->regular, 8, &p->t->muted);
	static const char *const fields[] = {"Name", "Signature", "Date"};
	float w = (p->width - 2 * p->margin - 40) / 3, x;
	char text[512];
	size_t i;

	pdf_heading(p, 0, "Sign-off", NULL);
	snprintf(text, sizeof(text),
		 "The signatories below confirm that this report describes scan %s of %s, whose "
		 "inventory is dated %s, and that they have reviewed its scope and limitations.",
		 s->id, p->organization, s->as_of);
	pdf_paragraph(p, &body, 0, text);
	pdf_space(p, 16);
	for (; *r && !pdf_failed(p); r++) {
		pdf_need(p, 70);
		pdf_paragraph(p, &role, 0, *r);
		pdf_space(p, 30);
		for (i = 0; i < 3; i++) {
			x = p->margin + (float)i * (w + 20);
			pdf_stroke_line(p, x, p->y, x + w, p->y, 0.6f, &p->t->text);
			pdf_text_at(p, &lab, x, p->y - 10, fields[i], strlen(fields[i]));
		}
		pdf_space(p, 30);
	}
	return ATTEST_OK;
}
