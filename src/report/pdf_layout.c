/*
 * The layout engine of the PDF report, over libharu: a document with
 * embedded TrueType fonts (UTF-8 text), a cursor that flows down the page
 * and starts a new one when the next block does not fit, paragraphs of text
 * wrapped to a width (the wrapping itself is pdf_wrap.c), tables
 * whose heading row is repeated on every page they run onto, a running
 * header, "page N of M" footers drawn once the page count is known, and the
 * outline (bookmarks). Errors: the libharu handler records the first error
 * and every later drawing call returns at once, so a failure surfaces once,
 * through pdf_status(), instead of through a longjmp.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void HPDF_STDCALL
on_error(HPDF_STATUS err, HPDF_STATUS detail, void *data)
{
	struct pdf *p = data;

	if (err != HPDF_STREAM_EOF && !p->err) {
		p->err = err;
		p->err_detail = detail;
	}
}

bool
pdf_failed(const struct pdf *p)
{
	return p->err != 0;
}

attest_rc
pdf_status(struct pdf *p)
{
	if (!p->err)
		return ATTEST_OK;
	if (p->err == HPDF_FAILD_TO_ALLOC_MEM)
		return core_nomem(p->ctx);
	return core_error(p->ctx, ATTEST_ERR_INTERNAL,
			  "cannot lay out the PDF report: libharu error 0x%04X (detail %u)",
			  (unsigned)p->err, (unsigned)p->err_detail);
}

attest_rc
pdf_open(struct pdf *p, attest_ctx *ctx, const struct report_template *t)
{
	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	p->t = t;
	p->doc = HPDF_New(on_error, p);
	if (!p->doc)
		return core_nomem(ctx);
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(p->doc);
	HPDF_SetCurrentEncoder(p->doc, "UTF-8");
	p->utf8 = HPDF_GetEncoder(p->doc, "UTF-8");
	if (!(p->regular = pdf_load_font(p, t->font_regular)) ||
	    !(p->bold = pdf_load_font(p, t->font_bold)) ||
	    !(p->mono = pdf_load_font(p, t->font_mono))) {
		p->err = 0; /* the message names the font */
		return ATTEST_ERR_INVALID;
	}
	HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE);
	p->width = t->letter ? 612.0f : 595.28f;
	p->height = t->letter ? 792.0f : 841.89f;
	p->margin = 50.0f;
	p->top = p->height - 56.0f;
	p->bottom = 48.0f;
	return pdf_status(p);
}

void
pdf_close(struct pdf *p)
{
	if (p->doc)
		HPDF_Free(p->doc);
	free(p->pages);
	pdf_toc_free(p);
	p->doc = NULL;
	p->pages = NULL;
}

struct pdf_style
pdf_style(const struct pdf *p, HPDF_Font font, float size, const struct pdf_rgb *color)
{
	return (struct pdf_style){font ? font : p->regular, size, color ? *color : p->t->text};
}

static void
set_fill(struct pdf *p, const struct pdf_rgb *c)
{
	HPDF_Page_SetRGBFill(p->page, c->r, c->g, c->b);
}

void
pdf_fill_rect(struct pdf *p, float x, float y, float w, float h, const struct pdf_rgb *c)
{
	if (p->err || !p->page)
		return;
	set_fill(p, c);
	HPDF_Page_Rectangle(p->page, x, y, w, h);
	HPDF_Page_Fill(p->page);
}

void
pdf_stroke_line(struct pdf *p, float x0, float y0, float x1, float y1, float width,
		const struct pdf_rgb *c)
{
	if (p->err || !p->page)
		return;
	HPDF_Page_SetRGBStroke(p->page, c->r, c->g, c->b);
	HPDF_Page_SetLineWidth(p->page, width);
	HPDF_Page_MoveTo(p->page, x0, y0);
	HPDF_Page_LineTo(p->page, x1, y1);
	HPDF_Page_Stroke(p->page);
}

void
pdf_text_at(struct pdf *p, const struct pdf_style *s, float x, float y, const char *text, size_t n)
{
	char small[512], *buf = small;

	if (p->err || !p->page || n == 0)
		return;
	if (n > PDF_PIECE) { /* far wider than any page: draw what can show */
		n = PDF_PIECE;
		while (n > 0 && (text[n] & 0xc0) == 0x80)
			n--;
	}
	if (n >= sizeof(small) && !(buf = malloc(n + 1))) {
		p->err = HPDF_FAILD_TO_ALLOC_MEM;
		return;
	}
	memcpy(buf, text, n);
	buf[n] = '\0';
	set_fill(p, &s->color);
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, s->font, s->size);
	HPDF_Page_TextOut(p->page, x, y, buf);
	HPDF_Page_EndText(p->page);
	if (buf != small)
		free(buf);
}

void
pdf_new_page(struct pdf *p, bool header)
{
	HPDF_Page *grown;

	if (p->err)
		return;
	if (p->n_pages == p->cap_pages) {
		size_t cap = p->cap_pages ? p->cap_pages * 2 : 64;

		if (!(grown = realloc(p->pages, cap * sizeof(*grown)))) {
			p->err = HPDF_FAILD_TO_ALLOC_MEM;
			return;
		}
		p->pages = grown;
		p->cap_pages = cap;
	}
	p->page = HPDF_AddPage(p->doc);
	if (!p->page)
		return;
	HPDF_Page_SetWidth(p->page, p->width);
	HPDF_Page_SetHeight(p->page, p->height);
	p->pages[p->n_pages++] = p->page;
	p->y = p->top;
	if (p->n_pages == 1 && !header)
		p->cover = true;
	if (header)
		pdf_page_header(p);
}

void
pdf_page_header(struct pdf *p)
{
	struct pdf_style s = pdf_style(p, p->regular, 8, &p->t->muted);
	const char *org = p->organization ? p->organization : "";

	pdf_text_at(p, &s, p->margin, p->height - 34, org, strlen(org));
	pdf_text_at(p, &s,
		    p->width - p->margin -
			    pdf_text_width(p, p->regular, 8, p->running, strlen(p->running)),
		    p->height - 34, p->running, strlen(p->running));
	pdf_stroke_line(p, p->margin, p->height - 40, p->width - p->margin, p->height - 40, 0.5f,
			&p->t->accent);
}

void
pdf_need(struct pdf *p, float h)
{
	if (!p->page || p->y - h < p->bottom)
		pdf_new_page(p, true);
}

void
pdf_space(struct pdf *p, float h)
{
	p->y -= h;
	if (p->y < p->bottom)
		p->y = p->bottom;
}

struct para {
	struct pdf *p;
	const struct pdf_style *s;
	float x, width;
};

static void
draw_line(void *data, const char *line, size_t len, bool cut)
{
	struct para *a = data;
	struct pdf *p = a->p;
	float lh = a->s->size * PDF_LINE_GAP, ell;

	pdf_need(p, lh);
	if (cut) { /* shorten the line until the ellipsis fits after it */
		ell = pdf_text_width(p, a->s->font, a->s->size, "\u2026", 3);
		while (len > 0 &&
		       pdf_text_width(p, a->s->font, a->s->size, line, len) + ell > a->width) {
			len--;
			while (len > 0 && (line[len] & 0xc0) == 0x80)
				len--;
		}
	}
	pdf_text_at(p, a->s, a->x, p->y - a->s->size, line, len);
	if (cut)
		pdf_text_at(p, a->s, a->x + pdf_text_width(p, a->s->font, a->s->size, line, len),
			    p->y - a->s->size, "\u2026", 3);
	p->y -= lh;
}

void
pdf_paragraph_max(struct pdf *p, const struct pdf_style *s, float indent, const char *text,
		  size_t max_lines)
{
	struct para a = {p, s, p->margin + indent, p->width - 2 * p->margin - indent};

	if (p->err)
		return;
	pdf_wrap(p, s->font, s->size, text, a.width, max_lines, draw_line, &a);
}

void
pdf_text_block(struct pdf *p, const struct pdf_style *s, float x, float width, const char *text,
	       size_t max_lines)
{
	struct para a = {p, s, x, width};

	if (p->err)
		return;
	pdf_wrap(p, s->font, s->size, text, width, max_lines, draw_line, &a);
}

void
pdf_paragraph(struct pdf *p, const struct pdf_style *s, float indent, const char *text)
{
	pdf_paragraph_max(p, s, indent, text, 0);
}

void
pdf_field(struct pdf *p, float indent, float label_w, const char *label, const char *value)
{
	struct pdf_style ls = pdf_style(p, p->bold, 9, NULL),
			 vs = pdf_style(p, p->regular, 9, NULL);
	struct para a = {p, &vs, p->margin + indent + label_w,
			 p->width - 2 * p->margin - indent - label_w};

	if (p->err)
		return;
	pdf_need(p, 9 * PDF_LINE_GAP);
	pdf_text_at(p, &ls, p->margin + indent, p->y - 9, label, strlen(label));
	pdf_wrap(p, vs.font, vs.size, value, a.width, 0, draw_line, &a);
}

HPDF_Outline
pdf_heading(struct pdf *p, int level, const char *text, HPDF_Outline parent)
{
	static const float sizes[] = {18, 13, 10};
	struct pdf_style s;
	HPDF_Outline o = NULL;
	HPDF_Destination d;
	float size = sizes[level < 0 ? 0 : level > 2 ? 2 : level];

	if (p->err)
		return NULL;
	if (level == 0) {
		snprintf(p->running, sizeof(p->running), "%s", text);
		pdf_new_page(p, true);
	} else {
		pdf_space(p, level == 1 ? 10 : 6);
		pdf_need(p, size * PDF_LINE_GAP + 60); /* keep a heading with what follows */
	}
	if (level <= 1 && parent != PDF_NO_OUTLINE)
		pdf_toc_add(p, level, text);
	if (parent != PDF_NO_OUTLINE && p->page) {
		o = HPDF_CreateOutline(p->doc, parent, text, p->utf8);
		d = o ? HPDF_Page_CreateDestination(p->page) : NULL;
		if (d) {
			HPDF_Destination_SetFitH(d, p->y + 4);
			HPDF_Outline_SetDestination(o, d);
			HPDF_Outline_SetOpened(o, level == 0 ? HPDF_TRUE : HPDF_FALSE);
		}
	}
	s = pdf_style(p, p->bold, size, level == 2 ? &p->t->text : &p->t->primary);
	pdf_paragraph(p, &s, 0, text);
	if (level == 0) {
		p->outline = o;
		pdf_stroke_line(p, p->margin, p->y - 2, p->width - p->margin, p->y - 2, 1.2f,
				&p->t->primary);
	}
	pdf_space(p, level == 0 ? 12 : 4);
	return o;
}

/* ---- status colours and finishing ---------------------------------------- */

const struct pdf_rgb *
pdf_status_color(const struct pdf *p, const char *status)
{
	if (strcmp(status, "pass") == 0 || strcmp(status, "attested") == 0)
		return &p->t->pass;
	if (strcmp(status, "fail") == 0)
		return &p->t->fail;
	if (strcmp(status, "error") == 0 || strcmp(status, "not_evaluated") == 0 ||
	    strcmp(status, "excepted") == 0)
		return &p->t->warning;
	if (strcmp(status, "manual") == 0)
		return &p->t->accent;
	return &p->t->neutral;
}

const char *
pdf_status_label(const char *status, char *buf, size_t size)
{
	size_t i;

	snprintf(buf, size, "%s", status);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '_')
			buf[i] = ' ';
	return buf;
}

static void
footers(struct pdf *p)
{
	struct pdf_style s = pdf_style(p, p->regular, 8, &p->t->muted);
	char num[64];
	size_t i;
	float w;

	for (i = 0; i < p->n_pages && !p->err; i++) {
		p->page = p->pages[i];
		if (i == 0 && p->cover)
			continue;
		snprintf(num, sizeof(num), "page %zu of %zu", i + 1, p->n_pages);
		w = pdf_text_width(p, p->regular, 8, num, strlen(num));
		pdf_stroke_line(p, p->margin, 38, p->width - p->margin, 38, 0.5f, &p->t->accent);
		pdf_text_at(p, &s, p->margin, 27, p->footer, strlen(p->footer));
		pdf_text_at(p, &s, p->width - p->margin - w, 27, num, strlen(num));
	}
}

attest_rc
pdf_save(struct pdf *p, FILE *out)
{
	HPDF_BYTE buf[65536];
	HPDF_UINT32 n;
	HPDF_STATUS st;

	if (!p->page)
		pdf_new_page(p, true); /* a template with no sections still makes a PDF */
	pdf_toc_draw(p);
	footers(p);
	if (p->err)
		return pdf_status(p);
	if (HPDF_SaveToStream(p->doc) != HPDF_OK)
		return pdf_status(p);
	HPDF_ResetStream(p->doc);
	for (;;) {
		n = sizeof(buf);
		st = HPDF_ReadFromStream(p->doc, buf, &n);
		if (n > 0 && fwrite(buf, 1, n, out) != n)
			return core_error(p->ctx, ATTEST_ERR_IO, "cannot write the PDF report");
		if (st == HPDF_STREAM_EOF)
			break;
		if (st != HPDF_OK) {
			p->err = p->err ? p->err : st;
			return pdf_status(p);
		}
	}
	return ferror(out) ? core_error(p->ctx, ATTEST_ERR_IO, "cannot write the PDF report")
			   : ATTEST_OK;
}
