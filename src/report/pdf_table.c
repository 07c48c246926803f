/*
 * Tables of the PDF report, with columns sized to what they hold. A column
 * gets at least the width of its longest word (ids, ARNs and control
 * numbers are words: breaking "164.308(a)(3)(ii)(C)" over two lines makes
 * it a different id to a reader), and the width left over goes to the
 * columns whose text would otherwise wrap, in proportion to how much more
 * they need. Only when the longest words together are wider than the page
 * are they scaled down and broken. Rows are held (copied) until the table
 * ends or PDF_TABLE_BUFFER of them are held, so that the widths come from
 * the rows themselves; a longer table keeps the widths of its first rows.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

#define CELL_PAD 2.5f
#define SHORT_LINE 80.0f /* points: a cell this short is kept on one line */

#define NOTE_INDENT 10.0f

struct pdf_table_row {
	char *cells[PDF_TABLE_MAX_COLS];
	const struct pdf_rgb *colors[PDF_TABLE_MAX_COLS];
	int bold_col;
	struct pdf_table_note notes[PDF_TABLE_MAX_NOTES]; /* texts owned */
	size_t n_notes;
};

static float
text_w(struct pdf *p, const struct pdf_table *t, bool bold, const char *s, size_t n)
{
	return pdf_text_width(p, bold ? p->bold : p->regular, t->size, s, n);
}

/* Widest word and widest line of a cell. */
static void
measure(struct pdf *p, const struct pdf_table *t, bool bold, const char *s, float *word,
	float *line)
{
	const char *q, *e;
	float w;

	for (q = s; *q;) {
		e = q + strcspn(q, "\n");
		if ((w = text_w(p, t, bold, q, (size_t)(e - q))) > *line)
			*line = w;
		while (q < e) {
			size_t n = strcspn(q, " \n");

			if (n > (size_t)(e - q))
				n = (size_t)(e - q);
			if (n && (w = text_w(p, t, bold, q, n)) > *word)
				*word = w;
			q += n;
			while (q < e && *q == ' ')
				q++;
		}
		q = *e ? e + 1 : e;
	}
}

static void
size_columns(struct pdf *p, struct pdf_table *t)
{
	float word[PDF_TABLE_MAX_COLS] = {0}, line[PDF_TABLE_MAX_COLS] = {0};
	float avail = p->width - 2 * p->margin - 2 * CELL_PAD * (float)t->n, sum = 0, spare, want;
	float total;
	size_t i, r;
	int round;

	for (i = 0; i < t->n; i++) {
		measure(p, t, true, t->heads[i], &word[i], &line[i]);
		for (r = 0; r < t->n_held; r++)
			measure(p, t, t->held[r].bold_col == (int)i, t->held[r].cells[i], &word[i],
				&line[i]);
		word[i] += 0.5f; /* rounding in the width tables */
		line[i] += 0.5f;
		sum += word[i];
	}
	if (sum >= avail) { /* the words do not fit: share the width by them */
		for (i = 0; i < t->n; i++)
			t->w[i] = avail * word[i] / sum;
		goto done;
	}
	/* Short cells ("fail \u2192 pass", a date and time) stay on one line when
	 * that fits: a column starts at its widest line up to SHORT_LINE. */
	for (i = 0, total = 0; i < t->n; i++)
		total += line[i] < SHORT_LINE   ? line[i]
			 : word[i] > SHORT_LINE ? word[i]
						: SHORT_LINE;
	for (i = 0; i < t->n; i++)
		t->w[i] = total > avail          ? word[i]
			  : line[i] < SHORT_LINE ? line[i]
			  : word[i] > SHORT_LINE ? word[i]
						 : SHORT_LINE;
	spare = avail - (total > avail ? sum : total);
	/* Give the spare width to the columns that wrap, in proportion to what
	 * they lack, a column never past its widest line; a few rounds settle
	 * what the capped columns leave. */
	for (round = 0; round < 8 && spare > 0.5f; round++) {
		want = 0;
		for (i = 0; i < t->n; i++)
			if (line[i] > t->w[i])
				want += line[i] - t->w[i];
		if (want <= 0)
			break;
		sum = 0;
		for (i = 0; i < t->n; i++) {
			float add;

			if (line[i] <= t->w[i])
				continue;
			add = spare * (line[i] - t->w[i]) / want;
			if (t->w[i] + add > line[i])
				add = line[i] - t->w[i];
			t->w[i] += add;
			sum += add;
		}
		spare -= sum;
	}
	/* Everything fits on one line: spread what is left evenly. */
	for (i = 0; i < t->n && spare > 0; i++)
		t->w[i] += spare / (float)t->n;
done:
	for (i = 0; i < t->n; i++)
		t->w[i] += 2 * CELL_PAD;
	t->sized = true;
}

static float
col_x(const struct pdf *p, const struct pdf_table *t, size_t i)
{
	float x = p->margin;
	size_t k;

	for (k = 0; k < i; k++)
		x += t->w[k];
	return x;
}

static void
table_head(struct pdf *p, struct pdf_table *t)
{
	struct pdf_style s = pdf_style(p, p->bold, t->size, &(struct pdf_rgb){1, 1, 1});
	float lh = t->size * PDF_LINE_GAP, h, most = 1, y0, w = p->width - 2 * p->margin;
	size_t i, lines;

	for (i = 0; i < t->n; i++) {
		lines = pdf_wrap(p, p->bold, t->size, t->heads[i], t->w[i] - 2 * CELL_PAD, 0, NULL,
				 NULL);
		if ((float)lines > most)
			most = (float)lines;
	}
	h = most * lh + 2 * CELL_PAD;
	pdf_need(p, h + 3 * lh);
	pdf_fill_rect(p, p->margin, p->y - h, w, h, &p->t->primary);
	y0 = p->y;
	for (i = 0; i < t->n; i++) {
		p->y = y0 - CELL_PAD;
		pdf_text_block(p, &s, col_x(p, t, i) + CELL_PAD, t->w[i] - 2 * CELL_PAD,
			       t->heads[i], 0);
	}
	p->y = y0 - h;
}

/* The lines a cell may take: what one page holds below the heading row. */
static size_t
cell_cap(const struct pdf *p, const struct pdf_table *t)
{
	float lh = t->size * PDF_LINE_GAP;

	return (size_t)((p->top - p->bottom - 4 * lh - 4 * CELL_PAD) / lh);
}

/* The height of a row's cells and of its notes. */
static void
row_height(struct pdf *p, const struct pdf_table *t, const struct pdf_table_row *row,
	   float *cells_h, float *notes_h)
{
	float nw = p->width - 2 * p->margin - 2 * CELL_PAD - NOTE_INDENT;
	size_t i, lines, most = 1;

	for (i = 0; i < t->n; i++) {
		HPDF_Font f = (int)i == row->bold_col ? p->bold : p->regular;

		lines = pdf_wrap(p, f, t->size, row->cells[i], t->w[i] - 2 * CELL_PAD,
				 cell_cap(p, t), NULL, NULL);
		if (lines > most)
			most = lines;
	}
	*cells_h = (float)most * t->size * PDF_LINE_GAP + 2 * CELL_PAD;
	*notes_h = 0;
	for (i = 0; i < row->n_notes; i++) {
		const struct pdf_table_note *n = &row->notes[i];

		*notes_h += (float)pdf_wrap(p, n->mono ? p->mono : p->regular, n->size, n->text, nw,
					    n->max_lines, NULL, NULL) *
			    n->size * PDF_LINE_GAP;
	}
	if (row->n_notes)
		*notes_h += CELL_PAD;
}

static void
draw_row(struct pdf *p, struct pdf_table *t, const struct pdf_table_row *row)
{
	float w = p->width - 2 * p->margin, lh = t->size * PDF_LINE_GAP, h, y0, nw, nh, ch;
	size_t i, cap = cell_cap(p, t);
	struct pdf_style s;

	if (p->err)
		return;
	nw = w - 2 * CELL_PAD - NOTE_INDENT;
	row_height(p, t, row, &ch, &nh);
	h = ch + nh;
	if (p->y - h < p->bottom && p->y < p->top - 4 * lh) {
		pdf_new_page(p, true);
		table_head(p, t);
	}
	if (t->rows++ % 2 == 1) {
		struct pdf_rgb z = {0.95f, 0.96f, 0.97f};

		pdf_fill_rect(p, p->margin, p->y - h, w, h, &z);
	}
	y0 = p->y;
	for (i = 0; i < t->n; i++) {
		s = pdf_style(p, (int)i == row->bold_col ? p->bold : p->regular, t->size,
			      row->colors[i]);
		p->y = y0 - CELL_PAD;
		pdf_text_block(p, &s, col_x(p, t, i) + CELL_PAD, t->w[i] - 2 * CELL_PAD,
			       row->cells[i], cap);
	}
	p->y = y0 - ch;
	for (i = 0; i < row->n_notes; i++) {
		const struct pdf_table_note *n = &row->notes[i];

		s = pdf_style(p, n->mono ? p->mono : p->regular, n->size, n->color);
		pdf_text_block(p, &s, p->margin + CELL_PAD + NOTE_INDENT, nw, n->text,
			       n->max_lines);
	}
	if (row->n_notes)
		p->y -= CELL_PAD;
	pdf_stroke_line(p, p->margin, p->y, p->margin + w, p->y, 0.3f, &p->t->neutral);
}

static void
row_release(struct pdf_table_row *r)
{
	size_t i;

	for (i = 0; i < PDF_TABLE_MAX_COLS; i++)
		free(r->cells[i]);
	for (i = 0; i < r->n_notes; i++)
		free((char *)r->notes[i].text);
}

/* Sizes the columns if not yet done and draws the rows held. */
static void
flush(struct pdf *p, struct pdf_table *t)
{
	size_t r;

	if (!t->sized) {
		float ch = 0, nh = 0, room = p->top - p->bottom - 40;

		size_columns(p, t);
		/* Keep the heading row with the first row (as much of it as a
		 * page holds). */
		if (t->n_held > 0)
			row_height(p, t, &t->held[0], &ch, &nh);
		pdf_need(p, 2 * t->size * PDF_LINE_GAP + 2 * CELL_PAD +
				    (ch + nh < room ? ch + nh : room));
		table_head(p, t);
	}
	for (r = 0; r < t->n_held; r++) {
		draw_row(p, t, &t->held[r]);
		row_release(&t->held[r]);
	}
	t->n_held = 0;
}

void
pdf_table_begin(struct pdf *p, struct pdf_table *t)
{
	(void)p;
	if (t->size <= 0)
		t->size = 8.5f;
	if (t->n > PDF_TABLE_MAX_COLS)
		t->n = PDF_TABLE_MAX_COLS;
	t->rows = 0;
	t->sized = false;
	t->held = NULL;
	t->n_held = t->cap_held = 0;
}

void
pdf_table_row(struct pdf *p, struct pdf_table *t, const char *const cells[],
	      const struct pdf_rgb *const colors[], int bold_col)
{
	pdf_table_row_notes(p, t, cells, colors, bold_col, NULL, 0);
}

void
pdf_table_row_notes(struct pdf *p, struct pdf_table *t, const char *const cells[],
		    const struct pdf_rgb *const colors[], int bold_col,
		    const struct pdf_table_note *notes, size_t n_notes)
{
	struct pdf_table_row *r;
	size_t i;

	if (p->err)
		return;
	if (t->n_held == t->cap_held) {
		size_t cap = t->cap_held ? t->cap_held * 2 : 32;

		if (cap > PDF_TABLE_BUFFER)
			cap = PDF_TABLE_BUFFER;
		if (!(r = realloc(t->held, cap * sizeof(*r)))) {
			p->err = HPDF_FAILD_TO_ALLOC_MEM;
			return;
		}
		t->held = r;
		t->cap_held = cap;
	}
	r = &t->held[t->n_held];
	memset(r, 0, sizeof(*r));
	r->bold_col = bold_col;
	for (i = 0; i < t->n; i++) {
		r->colors[i] = colors ? colors[i] : NULL;
		if (!(r->cells[i] = core_strdup(cells[i] ? cells[i] : ""))) {
			row_release(r);
			p->err = HPDF_FAILD_TO_ALLOC_MEM;
			return;
		}
	}
	for (i = 0; i < n_notes && i < PDF_TABLE_MAX_NOTES; i++) {
		r->notes[i] = notes[i];
		if (!(r->notes[i].text = core_strdup(notes[i].text ? notes[i].text : ""))) {
			row_release(r);
			p->err = HPDF_FAILD_TO_ALLOC_MEM;
			return;
		}
		r->n_notes = i + 1;
	}
	t->n_held++;
	if (t->n_held == PDF_TABLE_BUFFER || t->sized)
		flush(p, t);
}

void
pdf_table_discard(struct pdf_table *t)
{
	size_t r;

	for (r = 0; r < t->n_held; r++)
		row_release(&t->held[r]);
	free(t->held);
	t->held = NULL;
	t->n_held = t->cap_held = 0;
}

void
pdf_table_end(struct pdf *p, struct pdf_table *t)
{
	if (!p->err && (t->n_held > 0 || !t->sized))
		flush(p, t);
	pdf_table_discard(t);
}
