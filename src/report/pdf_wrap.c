/*
 * Text measuring and wrapping for the PDF layout engine (pdf_layout.c):
 * widths in a font (measured in pieces libharu accepts), text made fit for
 * drawing (valid UTF-8, no control characters, over-long words cut with a
 * marker) and lines broken at spaces, or inside a word too long for a line
 * (such as an ARN).
 */
#include "config.h"

#include "pdf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float
pdf_text_width(struct pdf *p, HPDF_Font f, float size, const char *s, size_t n)
{
	HPDF_TextWidth tw;
	float width = 0;
	size_t k;

	while (!p->err && n > 0) {
		k = n;
		if (k > PDF_PIECE) {
			k = PDF_PIECE;
			while (k > 0 && (s[k] & 0xc0) == 0x80)
				k--;
		}
		tw = HPDF_Font_TextWidth(f, (const HPDF_BYTE *)s, (HPDF_UINT)k);
		width += (float)tw.width * size / 1000.0f;
		s += k;
		n -= k;
	}
	return width;
}

/* Length of the UTF-8 sequence at s, or 0 if it is not a valid one. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	n = s[0] >= 0xf0 && s[0] <= 0xf4  ? 4
	    : s[0] >= 0xe0                ? 3
	    : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
					  : 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static bool
word_end(unsigned char c)
{
	return c == '\0' || c == ' ' || c == '\n' || c == '\t';
}

char *
pdf_cut_words(const char *text)
{
	struct core_buf b;
	const unsigned char *s = (const unsigned char *)text, *w;
	char marker[64];
	size_t chars;

	core_buf_init(&b, (size_t)1 << 26);
	core_buf_add(&b, "", 0);
	while (*s) {
		for (w = s; !word_end(*w); w++)
			;
		if ((size_t)(w - s) <= PDF_MAX_WORD) {
			core_buf_add(&b, s, (size_t)(w - s) + (*w ? 1 : 0));
			s = *w ? w + 1 : w;
			continue;
		}
		w = s + PDF_MAX_WORD;
		while (w > s && (*w & 0xc0) == 0x80) /* cut at a character boundary */
			w--;
		core_buf_add(&b, s, (size_t)(w - s));
		for (chars = 0; !word_end(*w); w++)
			if ((*w & 0xc0) != 0x80)
				chars++;
		snprintf(marker, sizeof(marker), "\u2026 [%zu more characters cut]", chars);
		core_buf_adds(&b, marker);
		s = w;
	}
	return core_buf_take(&b);
}

/* A copy fit for drawing: valid UTF-8 (bad bytes become '?'), tabs as two
 * spaces, other control characters as spaces, '\n' kept, words longer than
 * PDF_MAX_WORD cut with a marker. */
static char *
clean_text(const char *text)
{
	struct core_buf b;
	char *cut = pdf_cut_words(text);
	const unsigned char *s = (const unsigned char *)cut;
	size_t n;

	if (!cut)
		return NULL;
	core_buf_init(&b, (size_t)1 << 26);
	core_buf_add(&b, "", 0);
	while (*s) {
		n = utf8_len(s);
		if (n == 0) {
			core_buf_addc(&b, '?');
			n = 1;
		} else if (*s == '\t') {
			core_buf_adds(&b, "  ");
		} else if (*s == '\r') {
			;
		} else if (*s < 0x20 && *s != '\n') {
			core_buf_addc(&b, ' ');
		} else {
			core_buf_add(&b, s, n);
		}
		s += n;
	}
	free(cut);
	return core_buf_take(&b);
}

/* Bytes of the longest prefix of s[0..n) that fits in width (at least one
 * character, so that wrapping always advances). */
static size_t
fit_chars(struct pdf *p, HPDF_Font f, float size, const char *s, size_t n, float width)
{
	size_t i = 0, c;
	float w = 0;

	while (i < n) {
		c = utf8_len((const unsigned char *)s + i);
		if (c == 0)
			c = 1;
		w += pdf_text_width(p, f, size, s + i, c);
		if (w > width && i > 0)
			break;
		i += c;
	}
	return i;
}

/* True when [s, e) holds nothing but spaces and newlines. */
static bool
blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != ' ' && *s != '\n')
			return false;
	return true;
}

size_t
pdf_wrap(struct pdf *p, HPDF_Font f, float size, const char *text, float width, size_t max_lines,
	 pdf_line_fn fn, void *data)
{
	char *clean = clean_text(text ? text : "");
	const char *s, *end, *ls, *q, *we, *brk;
	size_t lines = 0, len;
	bool first;

	if (!clean) {
		p->err = HPDF_FAILD_TO_ALLOC_MEM;
		return 0;
	}
	for (s = clean;; s = end + 1) {
		end = strchr(s, '\n');
		if (!end)
			end = s + strlen(s);
		ls = s;
		first = true;
		do {
			if (!first) /* indentation counts only on a paragraph's first line */
				while (ls < end && *ls == ' ')
					ls++;
			first = false;
			/* Take whole words while they fit. */
			brk = NULL;
			for (q = ls; q < end; q = we) {
				we = q;
				while (we < end && *we == ' ')
					we++;
				while (we < end && *we != ' ')
					we++;
				if (pdf_text_width(p, f, size, ls, (size_t)(we - ls)) > width)
					break;
				brk = we;
			}
			if (brk)
				len = (size_t)(brk - ls);
			else /* a word longer than the line: cut it */
				len = fit_chars(p, f, size, ls, (size_t)(end - ls), width);
			lines++;
			if (max_lines && lines == max_lines) {
				if (fn)
					fn(data, ls, len,
					   !blank(ls + len, ls + len + strlen(ls + len)));
				goto out;
			}
			if (fn)
				fn(data, ls, len, false);
			ls += len;
		} while (!blank(ls, end));
		if (!*end)
			break;
	}
out:
	free(clean);
	return lines;
}
