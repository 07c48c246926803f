/*
 * The report template (templates/template.xsd): the organization, titles,
 * audit frame, sign-off roles, fonts, colours and sections of the PDF, and
 * the organization every report names (template.c). Shared by the PDF and
 * OSCAL renderers.
 */
#ifndef ATTEST_REPORT_TEMPLATE_H
#define ATTEST_REPORT_TEMPLATE_H

#include "report_int.h"

enum pdf_section {
	PDF_SEC_COVER,
	PDF_SEC_CONTENTS,
	PDF_SEC_FRAME,
	PDF_SEC_SUMMARY,
	PDF_SEC_CONTROLS,
	PDF_SEC_FINDINGS,
	PDF_SEC_MANUAL,
	PDF_SEC_EXCEPTIONS,
	PDF_SEC_APPENDIX,
	PDF_SEC_SIGNOFF,
	PDF_SEC_COUNT
};

struct pdf_rgb {
	float r, g, b;
};

struct report_template {
	char *path; /* the file it came from */
	char *organization, *title, *cover_text, *disclaimer;
	char *scope, *methodology, *limitations; /* the audit frame's texts */
	char *signoff[8];                        /* roles that sign, NULL-ended */
	char *logo;                              /* PNG path, or NULL */
	char *font_regular, *font_bold, *font_mono;
	struct pdf_rgb primary, accent, text, muted, pass, fail, warning, neutral;
	enum pdf_section sections[PDF_SEC_COUNT];
	size_t n_sections;
	int evidence_lines;    /* lines of compact evidence per finding */
	int evidence_findings; /* failing findings of a check with evidence shown */
	int trend_scans;       /* scans in the trend chart, this one included */
	bool letter;           /* US Letter instead of A4 */
};

/* Loads and validates a template file; names file and line on failure. */
attest_rc report_template_load(attest_ctx *ctx, const char *path, struct report_template **out);
void report_template_free(struct report_template *t);
/* The context's template (attest_report_set_template) or, when none was set,
 * the bundled templates/default.xml, loaded into *owned (free it). */
attest_rc report_template_get(attest_ctx *ctx, const struct report_template **out,
			      struct report_template **owned);
const char *report_section_name(enum pdf_section s);
/* The organization the report names: the one set by option, else the
 * template's; *is_default tells whether it is still the placeholder. */
#define REPORT_DEFAULT_ORGANIZATION "Your organization"
const char *report_organization(attest_ctx *ctx, const struct report_template *t, bool *is_default);
/* The frameworks asked for (a JSON array of ids), or NULL for all. */
const char *report_frameworks(attest_ctx *ctx);
/* Text as XML files wrap it: each run of white space becomes one space, or
 * a paragraph break ('\n') when it holds a blank line. In place. */
void report_reflow(char *s);

#endif
