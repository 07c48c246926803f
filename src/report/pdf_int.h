/*
 * Inside the PDF renderer: the report template and options (template.c),
 * the layout engine over libharu (pdf_layout.c: pages, wrapped text,
 * outline, running header and footer; pdf_table.c: tables sized to their
 * content; pdf_toc.c: the printed contents; pdf_font.c: fonts that text
 * extractors read), the fix commands (pdf_command.c) and the sections that
 * read a stored scan and lay it out (pdf_sections.c, pdf_frame.c,
 * pdf_trend.c, pdf_changes.c, pdf_gaps.c, pdf_controls.c, pdf_findings.c,
 * pdf_records.c, pdf_appendix.c). pdf.c ties them together. libharu never longjmps here: its
 * error handler records the first error on the document, every drawing call
 * after that is skipped, and pdf_failed() turns it into an attest error.
 */
#ifndef ATTEST_PDF_INT_H
#define ATTEST_PDF_INT_H

#include "report_int.h"
#include "template.h"

#include <hpdf.h>

/* ---- layout --------------------------------------------------------------- */

struct pdf {
	attest_ctx *ctx;
	const struct report_template *t;
	HPDF_Doc doc;
	HPDF_Encoder utf8;
	HPDF_Font regular, bold, mono;
	HPDF_STATUS err, err_detail; /* first libharu error, 0 if none */
	HPDF_Page page;              /* the current page, NULL before the first */
	HPDF_Page *pages;
	size_t n_pages, cap_pages;
	bool cover;                               /* the first page is a cover: no footer */
	float width, height, margin, top, bottom; /* page geometry (points) */
	float y;                                  /* the top of the free space on the page */
	char running[160];                        /* running header: the current section */
	char footer[160];                         /* left part of the footer */
	HPDF_Outline outline;                     /* the current section's outline entry */
	const char *organization;                 /* as the report names it */
	/* The printed table of contents (pdf_toc.c): headings of levels 0 and
	 * 1 as they are laid out, and the page before which it goes. */
	struct pdf_toc_entry *toc;
	size_t n_toc, cap_toc, toc_at;
	bool toc_wanted;
};

attest_rc pdf_open(struct pdf *p, attest_ctx *ctx, const struct report_template *t);
/* Embeds a TrueType font for UTF-8 text, with a /ToUnicode map text
 * extractors read (pdf_font.c); NULL with the error on the context. */
HPDF_Font pdf_load_font(struct pdf *p, const char *path);
void pdf_close(struct pdf *p);
/* Turns a recorded libharu error into an attest error (rc ATTEST_OK when
 * there was none). */
attest_rc pdf_status(struct pdf *p);
bool pdf_failed(const struct pdf *p);
/* Draws the footers ("page N of M") and streams the document to out. */
attest_rc pdf_save(struct pdf *p, FILE *out);

/* A fresh page; header says whether it carries the running header. */
void pdf_new_page(struct pdf *p, bool header);
/* Draws the running header on the current page. */
void pdf_page_header(struct pdf *p);
/* Records a heading for the table of contents (pdf_toc.c). */
void pdf_toc_add(struct pdf *p, int level, const char *text);
/* Draws the table of contents on pages inserted where pdf_contents() was
 * called; before the footers. */
void pdf_toc_draw(struct pdf *p);
void pdf_toc_free(struct pdf *p);
/* Makes sure h points are free below the cursor, starting a page if not. */
void pdf_need(struct pdf *p, float h);
/* A section heading (level 0: starts a page, sets the running header) or a
 * sub-heading (1, 2). Adds an outline entry under parent (NULL: top level;
 * PDF_NO_OUTLINE: none) and returns it. */
#define PDF_NO_OUTLINE ((HPDF_Outline)(uintptr_t)1)
HPDF_Outline pdf_heading(struct pdf *p, int level, const char *text, HPDF_Outline parent);

/* Text styles: font, size and colour of a run of text. */
struct pdf_style {
	HPDF_Font font;
	float size;
	struct pdf_rgb color;
};
struct pdf_style pdf_style(const struct pdf *p, HPDF_Font font, float size,
			   const struct pdf_rgb *color);
/* libharu refuses to measure or draw more than HPDF_LIMIT_MAX_STRING_LEN
 * bytes at once (error 0x105B): longer text is measured in pieces cut at a
 * character boundary, and never drawn whole (no page is that wide). */
#define PDF_PIECE 32768

float pdf_text_width(struct pdf *p, HPDF_Font f, float size, const char *s, size_t n);
/* A word (text between blanks) longer than this many bytes is cut by
 * everything the PDF draws: a 70,000-character resource id would otherwise
 * fill pages. The JSON, XML, CSV and the audit package keep the whole text. */
#define PDF_MAX_WORD 1000
/* A copy of text whose longer words are cut with a visible marker
 * ("… [N more characters cut]"); NULL when out of memory. */
char *pdf_cut_words(const char *text);
/* Wraps text (UTF-8; '\n' breaks lines) into lines of at most width points.
 * fn gets each line; at most max_lines lines when max_lines > 0, the last
 * of them then flagged as cut. Returns the number of lines the whole text
 * needs (capped or not). */
typedef void (*pdf_line_fn)(void *data, const char *line, size_t len, bool cut);
size_t pdf_wrap(struct pdf *p, HPDF_Font f, float size, const char *text, float width,
		size_t max_lines, pdf_line_fn fn, void *data);
/* Draws one line of text at x, baseline y. */
void pdf_text_at(struct pdf *p, const struct pdf_style *s, float x, float y, const char *text,
		 size_t n);
/* A wrapped paragraph at indent from the left margin, breaking pages. */
void pdf_paragraph(struct pdf *p, const struct pdf_style *s, float indent, const char *text);
/* Same, at most max_lines lines (the last ends in an ellipsis if cut). */
void pdf_paragraph_max(struct pdf *p, const struct pdf_style *s, float indent, const char *text,
		       size_t max_lines);
/* A "label  value" line: the label bold in a column of label_w points. */
void pdf_field(struct pdf *p, float indent, float label_w, const char *label, const char *value);
void pdf_space(struct pdf *p, float h);
void pdf_fill_rect(struct pdf *p, float x, float y, float w, float h, const struct pdf_rgb *c);
void pdf_stroke_line(struct pdf *p, float x0, float y0, float x1, float y1, float width,
		     const struct pdf_rgb *c);

/* Draws text wrapped into width points at x, from the cursor down,
 * breaking pages; at most max_lines lines when max_lines > 0. */
void pdf_text_block(struct pdf *p, const struct pdf_style *s, float x, float width,
		    const char *text, size_t max_lines);

#define PDF_LINE_GAP 1.3f /* line height as a multiple of the font size */

/* A table (pdf_table.c). Its columns are sized to their content: each at
 * least as wide as the longest word it holds (so an id such as
 * "164.308(a)(3)(ii)(C)" or an ARN stays on one line whenever the words
 * fit the page at all), the rest of the width shared by the columns whose
 * text wraps. Rows are kept until the table ends or PDF_TABLE_BUFFER rows
 * are held, then measured and drawn; later rows of a longer table take the
 * same widths. Rows taller than the space left go to a new page, where the
 * heading row is drawn again; a cell taller than a page is cut with an
 * ellipsis. Call pdf_table_end() to draw what is held and free it. */
#define PDF_TABLE_MAX_COLS 8
#define PDF_TABLE_BUFFER 2000
struct pdf_table_row;
struct pdf_table {
	size_t n;
	const char *heads[PDF_TABLE_MAX_COLS];
	float size; /* font size of the cells (default 8.5) */
	/* the rest is the table's own */
	size_t rows; /* rows drawn so far, for zebra striping */
	float w[PDF_TABLE_MAX_COLS];
	bool sized;
	struct pdf_table_row *held;
	size_t n_held, cap_held;
};
void pdf_table_begin(struct pdf *p, struct pdf_table *t);
/* colors[i] may be NULL (the text colour); bold_col is a column drawn bold,
 * or -1. The cells are copied. */
void pdf_table_row(struct pdf *p, struct pdf_table *t, const char *const cells[],
		   const struct pdf_rgb *const colors[], int bold_col);
/* A row followed by notes drawn across the whole table, under its cells
 * (a command, evidence): each its own font (mono or regular), size, colour
 * and line limit (0: none; a cut line ends in an ellipsis). */
#define PDF_TABLE_MAX_NOTES 4
struct pdf_table_note {
	const char *text;
	bool mono;
	float size;
	const struct pdf_rgb *color;
	size_t max_lines;
};
void pdf_table_row_notes(struct pdf *p, struct pdf_table *t, const char *const cells[],
			 const struct pdf_rgb *const colors[], int bold_col,
			 const struct pdf_table_note *notes, size_t n_notes);
void pdf_table_end(struct pdf *p, struct pdf_table *t);
/* Frees the rows held without drawing them (also after pdf_table_end). */
void pdf_table_discard(struct pdf_table *t);

/* The colour of a status (pass, fail, manual, ...). */
const struct pdf_rgb *pdf_status_color(const struct pdf *p, const char *status);
/* "not_evaluated" -> "not evaluated", into buf. */
const char *pdf_status_label(const char *status, char *buf, size_t size);

/* ---- sections ------------------------------------------------------------- */

/* What the sections share about the scan being rendered. */
struct pdf_scan {
	attest_store *store;
	const char *id;
	const char *frameworks; /* JSON array of the frameworks rendered, NULL: all */
	char *scope, *started, *finished, *as_of, *version, *accounts, *regions, *sources,
		*inventory_sha256;
	char *account_names; /* "210987654321 (prod), ..." where names are known */
	long long resources;
};

/* The SQL condition "col is a framework the report covers"; queries made
 * by pdf_query() bind the list as ?9. */
#define PDF_FW_IN(col) "(?9 IS NULL OR " col " IN (SELECT value FROM json_each(?9)))"
/* A common table "fc" of the failing checks the report covers, numbered n =
 * 1, 2, ... most severe first (the "C1" of the findings section). */
#define PDF_FAILING_CHECKS                                                                                           \
	"fc AS (SELECT k.check_id, row_number() OVER (ORDER BY " REPORT_SEVERITY_RANK(                               \
		"k.severity") ", k.check_id) AS n FROM scan_checks k"                                                \
			      " WHERE k.scan_id = ?1 AND k.n_fail > 0 AND EXISTS (SELECT 1 FROM scan_control_checks" \
			      " m WHERE m.scan_id = k.scan_id AND m.check_id = k.check_id AND " PDF_FW_IN(           \
				      "m.framework") "))"
/* report_query() with ?9 bound to the frameworks covered when the SQL uses it. */
sqlite3_stmt *pdf_query(const struct pdf_scan *s, const char *sql);
/* Does the report cover the framework? */
bool pdf_covers(const struct pdf_scan *s, const char *framework);

attest_rc pdf_scan_load(attest_store *store, const char *id, struct pdf_scan *s);
void pdf_scan_release(struct pdf_scan *s);

/* Runs fn for each framework of the scan, in catalog order, under a heading
 * "Title (id)" of the given level and outline parent; fn gets the heading's
 * outline entry. Stops at the first error. */
typedef attest_rc (*pdf_framework_fn)(struct pdf *p, const struct pdf_scan *s, const char *fw,
				      HPDF_Outline o);
attest_rc pdf_each_framework(struct pdf *p, const struct pdf_scan *s, int level,
			     HPDF_Outline parent, pdf_framework_fn fn);

attest_rc pdf_cover(struct pdf *p, const struct pdf_scan *s);
/* The printed table of contents: its place is kept here and its pages are
 * drawn when the document is complete (pdf_toc.c). */
attest_rc pdf_contents(struct pdf *p, const struct pdf_scan *s);
/* The audit frame: scope, methodology, limitations (pdf_frame.c). */
attest_rc pdf_frame(struct pdf *p, const struct pdf_scan *s);
attest_rc pdf_signoff(struct pdf *p, const struct pdf_scan *s);
attest_rc pdf_summary(struct pdf *p, const struct pdf_scan *s);
/* The end of the summary: the score trend (pdf_trend.c). */
attest_rc pdf_trend(struct pdf *p, const struct pdf_scan *s);
/* Follows the summary: what changed since the previous scan of the scope. */
attest_rc pdf_changes(struct pdf *p, const struct pdf_scan *s);
/* Follows the changes: the calls of the collection that failed, if any. */
attest_rc pdf_gaps(struct pdf *p, const struct pdf_scan *s);
attest_rc pdf_controls(struct pdf *p, const struct pdf_scan *s);
attest_rc pdf_findings(struct pdf *p, const struct pdf_scan *s);
attest_rc pdf_manual(struct pdf *p, const struct pdf_scan *s);
attest_rc pdf_exceptions(struct pdf *p, const struct pdf_scan *s);
attest_rc pdf_appendix(struct pdf *p, const struct pdf_scan *s);

/* The identity of a finding's resource. */
struct pdf_resource {
	const char *type, *id, *arn, *name, *region, *account;
	const char *context; /* the finding's reason and evidence: related ids */
};
/* A check's CLI fix with the finding's own identifiers in place of the
 * example ones (pdf_command.c says which); NULL when out of memory. */
char *pdf_command_for(const char *cli, const struct pdf_resource *r);
/* A command wrapped into lines of at most cols characters that still paste
 * into a shell as the same command; NULL when out of memory. */
char *pdf_command_wrap(const char *cmd, size_t cols);

#endif
