/*
 * The PDF audit report of a stored scan: the sections the template lists,
 * in its order, laid out by pdf_layout.c and filled by pdf_sections.c,
 * pdf_findings.c and pdf_appendix.c. The document's dates are the scan's,
 * not the rendering's, so the same scan and template give the same bytes.
 * libharu builds the document in memory; it is streamed to the caller's
 * FILE in chunks once complete, so a failure writes nothing.
 */
#include "config.h"

#include "pdf_int.h"

#include <string.h>

typedef attest_rc (*section_fn)(struct pdf *p, const struct pdf_scan *s);

static const section_fn sections[PDF_SEC_COUNT] = {
	[PDF_SEC_COVER] = pdf_cover,       [PDF_SEC_CONTENTS] = pdf_contents,
	[PDF_SEC_FRAME] = pdf_frame,       [PDF_SEC_SUMMARY] = pdf_summary,
	[PDF_SEC_CONTROLS] = pdf_controls, [PDF_SEC_FINDINGS] = pdf_findings,
	[PDF_SEC_MANUAL] = pdf_manual,     [PDF_SEC_EXCEPTIONS] = pdf_exceptions,
	[PDF_SEC_APPENDIX] = pdf_appendix, [PDF_SEC_SIGNOFF] = pdf_signoff,
};

static void
info(struct pdf *p, const struct pdf_scan *s)
{
	char creator[64];
	struct tm tm;
	time_t t;

	HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, p->t->title);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_AUTHOR, p->organization);
	snprintf(creator, sizeof(creator), "attest %s", attest_version());
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, creator);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_SUBJECT, s->id);
	if (core_time_parse(s->finished, &t) && gmtime_r(&t, &tm)) {
		HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			       tm.tm_sec,         'Z',           0,          0};

		HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, d);
	}
}

attest_rc
attest_report_pdf(attest_store *store, const char *scan_id, FILE *out)
{
	attest_ctx *ctx = store_ctx(store);
	const struct report_template *t;
	struct report_template *owned = NULL;
	struct pdf_scan s;
	struct pdf p;
	size_t i;
	bool placeholder;
	attest_rc rc;

	memset(&p, 0, sizeof(p));
	if ((rc = pdf_scan_load(store, scan_id, &s)) != ATTEST_OK)
		goto out;
	if ((rc = report_template_get(ctx, &t, &owned)) != ATTEST_OK ||
	    (rc = pdf_open(&p, ctx, t)) != ATTEST_OK)
		goto out;
	p.organization = report_organization(ctx, t, &placeholder);
	if (placeholder)
		core_log(ctx, ATTEST_LOG_WARN,
			 "the PDF report names the organization '%s', the template's placeholder: "
			 "set <organization> in a template or give --organization",
			 p.organization);
	info(&p, &s);
	snprintf(p.footer, sizeof(p.footer), "attest scan %s", s.id);
	for (i = 0; i < t->n_sections; i++) {
		rc = sections[t->sections[i]](&p, &s);
		if (rc == ATTEST_OK)
			rc = pdf_status(&p);
		if (rc != ATTEST_OK) {
			core_error_prefix(ctx, "cannot render the %s section of the PDF report",
					  report_section_name(t->sections[i]));
			goto out;
		}
		/* The changes belong with the summary: a template that asks for
		 * the summary gets them right after it. */
		if (t->sections[i] == PDF_SEC_SUMMARY && ((rc = pdf_changes(&p, &s)) != ATTEST_OK ||
							  (rc = pdf_status(&p)) != ATTEST_OK)) {
			core_error_prefix(ctx,
					  "cannot render the changes section of the PDF report");
			goto out;
		}
		/* So do the collection gaps, which qualify every score. */
		if (t->sections[i] == PDF_SEC_SUMMARY &&
		    ((rc = pdf_gaps(&p, &s)) != ATTEST_OK || (rc = pdf_status(&p)) != ATTEST_OK)) {
			core_error_prefix(ctx,
					  "cannot render the collection gaps of the PDF report");
			goto out;
		}
	}
	rc = pdf_save(&p, out);
out:
	pdf_close(&p);
	pdf_scan_release(&s);
	report_template_free(owned);
	return rc;
}
