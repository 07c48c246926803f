/*
 * The printed table of contents. Page numbers are known only once the
 * document is laid out, so the "contents" section only marks its place (the
 * page before which it goes); the headings of levels 0 and 1 are recorded
 * as they are drawn, and when the document is complete the contents pages
 * are inserted at the mark, drawn with each heading's page number (counted
 * with the contents pages themselves) and a link to it, before the footers
 * number every page.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

#define TOC_SIZE 9.5f

struct pdf_toc_entry {
	char *text;
	int level;
	size_t page; /* index into p->pages before the contents are inserted */
	float y;
};

attest_rc
pdf_contents(struct pdf *p, const struct pdf_scan *s)
{
	(void)s;
	p->toc_wanted = true;
	p->toc_at = p->n_pages;
	return ATTEST_OK;
}

void
pdf_toc_add(struct pdf *p, int level, const char *text)
{
	struct pdf_toc_entry *e;

	if (!p->toc_wanted || p->err || p->n_pages == 0)
		return;
	if (p->n_toc == p->cap_toc) {
		size_t cap = p->cap_toc ? p->cap_toc * 2 : 64;

		if (!(e = realloc(p->toc, cap * sizeof(*e)))) {
			p->err = HPDF_FAILD_TO_ALLOC_MEM;
			return;
		}
		p->toc = e;
		p->cap_toc = cap;
	}
	e = &p->toc[p->n_toc];
	if (!(e->text = core_strdup(text))) {
		p->err = HPDF_FAILD_TO_ALLOC_MEM;
		return;
	}
	e->level = level;
	e->page = p->n_pages - 1;
	e->y = p->y;
	p->n_toc++;
}

void
pdf_toc_free(struct pdf *p)
{
	size_t i;

	for (i = 0; i < p->n_toc; i++)
		free(p->toc[i].text);
	free(p->toc);
	p->toc = NULL;
	p->n_toc = p->cap_toc = 0;
}

/* Makes room for n pages at p->toc_at, in the document and in p->pages. */
static bool
insert_pages(struct pdf *p, size_t n)
{
	HPDF_Page *grown, pg;
	size_t k;

	if (p->n_pages + n > p->cap_pages) {
		if (!(grown = realloc(p->pages, (p->n_pages + n) * sizeof(*grown)))) {
			p->err = HPDF_FAILD_TO_ALLOC_MEM;
			return false;
		}
		p->pages = grown;
		p->cap_pages = p->n_pages + n;
	}
	for (k = 0; k < n; k++) {
		pg = p->toc_at < p->n_pages ? HPDF_InsertPage(p->doc, p->pages[p->toc_at + k])
					    : HPDF_AddPage(p->doc);
		if (!pg)
			return false;
		HPDF_Page_SetWidth(pg, p->width);
		HPDF_Page_SetHeight(pg, p->height);
		memmove(p->pages + p->toc_at + k + 1, p->pages + p->toc_at + k,
			(p->n_pages - p->toc_at - k) * sizeof(*p->pages));
		p->pages[p->toc_at + k] = pg;
		p->n_pages++;
	}
	return true;
}

void
pdf_toc_draw(struct pdf *p)
{
	struct pdf_style head = pdf_style(p, p->bold, 18, &p->t->primary);
	struct pdf_style s0 = pdf_style(p, p->bold, TOC_SIZE, NULL);
	struct pdf_style s1 = pdf_style(p, p->regular, TOC_SIZE, NULL);
	float lh = TOC_SIZE * 1.6f, first = p->top - 40, per_first, per_page, right, x, w;
	size_t n_pages, i, page, k, num;
	char n[32];

	if (!p->toc_wanted || p->err)
		return;
	per_first = (first - p->bottom) / lh;
	per_page = (p->top - p->bottom) / lh;
	n_pages = 1;
	if ((float)p->n_toc > per_first)
		n_pages += (size_t)(((float)p->n_toc - per_first) / per_page) + 1;
	if (!insert_pages(p, n_pages))
		return;
	snprintf(p->running, sizeof(p->running), "Contents");
	right = p->width - p->margin;
	page = p->toc_at;
	p->page = p->pages[page];
	pdf_page_header(p);
	p->y = p->top;
	pdf_text_at(p, &head, p->margin, p->y - 18, "Contents", 8);
	pdf_stroke_line(p, p->margin, p->y - 26, right, p->y - 26, 1.2f, &p->t->primary);
	p->y = first;
	for (i = 0; i < p->n_toc && !p->err; i++) {
		const struct pdf_toc_entry *e = &p->toc[i];
		const struct pdf_style *st = e->level == 0 ? &s0 : &s1;
		HPDF_Destination d;
		HPDF_Rect r;

		if (p->y - lh < p->bottom && page + 1 < p->toc_at + n_pages) {
			p->page = p->pages[++page];
			pdf_page_header(p);
			p->y = p->top;
		}
		k = e->page >= p->toc_at ? e->page + n_pages : e->page;
		num = k + 1;
		snprintf(n, sizeof(n), "%zu", num);
		x = p->margin + (e->level == 0 ? 0 : 16);
		w = pdf_text_width(p, st->font, st->size, n, strlen(n));
		pdf_text_at(p, st, x, p->y - TOC_SIZE, e->text, strlen(e->text));
		pdf_text_at(p, st, right - w, p->y - TOC_SIZE, n, strlen(n));
		d = HPDF_Page_CreateDestination(p->pages[k]);
		if (d) {
			HPDF_Destination_SetFitH(d, e->y + 4);
			r = (HPDF_Rect){x, p->y - lh + 2, right, p->y + 2};
			HPDF_Annotation a = HPDF_Page_CreateLinkAnnot(p->page, r, d);

			if (a)
				HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
		}
		p->y -= lh;
	}
}
