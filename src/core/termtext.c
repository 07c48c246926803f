/*
 * Untrusted text made safe for a terminal. Account ids, resource ids, file
 * names, scopes and error messages come from inventories, exports and
 * packages that anyone may have written; printed raw, an escape sequence in
 * one of them can clear the screen, retitle the window or overwrite earlier
 * lines (a forged "OK" over a "FAIL"). Everything a terminal would act on is
 * shown instead as a visible escape: C0 controls and DEL as \xNN (\n, \r, \t
 * as such), C1 controls, bidirectional overrides and isolates and the line
 * and paragraph separators as \u{NNNN}, and bytes that are not UTF-8 as \xNN.
 * A backslash stays a backslash: the output is for people, not for parsing.
 */
#include "config.h"

#include "core_int.h"

#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (1 to 4), 0 if malformed;
 * *cp receives the code point. */
static size_t
utf8_char(const unsigned char *s, unsigned *cp)
{
	size_t n, i;
	unsigned c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, c &= 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, c &= 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* Code points a terminal or a bidi-aware renderer would act on. */
static bool
unsafe_cp(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9F) ||     /* C1 controls, CSI among them */
	       (cp >= 0x200E && cp <= 0x200F) || /* LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202E) || /* separators, embeddings, overrides */
	       (cp >= 0x2066 && cp <= 0x2069) || /* isolates */
	       cp == 0x061C || cp == 0xFEFF;     /* ALM, zero-width no-break space */
}

size_t
attest_term_escape(const char *text, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t len = 0, kept = 0, n;
	bool full = size == 0;
	unsigned cp;
	char esc[16];
	const char *piece;
	size_t plen;

	while (*s) {
		n = utf8_char(s, &cp);
		if (n == 0) {
			snprintf(esc, sizeof(esc), "\\x%02X", *s);
			piece = esc, plen = strlen(esc), n = 1;
		} else if (cp == '\n' || cp == '\r' || cp == '\t') {
			piece = cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : "\\t", plen = 2;
		} else if (cp < 0x20 || cp == 0x7F) {
			snprintf(esc, sizeof(esc), "\\x%02X", cp);
			piece = esc, plen = strlen(esc);
		} else if (unsafe_cp(cp)) {
			snprintf(esc, sizeof(esc), "\\u{%04X}", cp);
			piece = esc, plen = strlen(esc);
		} else {
			piece = (const char *)s, plen = n;
		}
		/* A cut falls between pieces, never inside a character or escape. */
		if (!full && kept + plen < size) {
			memcpy(out + kept, piece, plen);
			kept += plen;
		} else {
			full = true;
		}
		len += plen;
		s += n;
	}
	if (size > 0)
		out[kept] = '\0';
	return len;
}

int
attest_term_fputs(const char *text, FILE *fp)
{
	char buf[1024], *big = NULL, *p = buf;
	size_t need = attest_term_escape(text, buf, sizeof(buf));
	int r;

	if (need >= sizeof(buf)) {
		if (!(big = malloc(need + 1)))
			return EOF;
		attest_term_escape(text, big, need + 1);
		p = big;
	}
	r = fputs(p, fp);
	free(big);
	return r;
}
