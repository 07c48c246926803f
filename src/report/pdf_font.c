/*
 * The fonts of the PDF report: TrueType files embedded through libharu's
 * UTF-8 encoder, with a /ToUnicode CMap that text extractors can read.
 * libharu draws UTF-8 text with a Type0 font whose CIDs are the Unicode code
 * points (its CIDToGIDMap takes each to the glyph), but the /ToUnicode
 * stream it attaches is a copy of its encoding CMap (a cidrange, the wrong
 * kind of CMap): poppler warns about it and MuPDF extracts no text. Each
 * font's stream is therefore rewritten, before the document is saved, as a
 * bfrange CMap mapping every two-byte code to the same code point, which is
 * exactly what the encoder does.
 */
#include "config.h"

#include "pdf_int.h"

#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <string.h>

/* A range must not cross a change of the first byte, so the Basic
 * Multilingual Plane is written as one range per first byte, at most 100
 * ranges a block (the limit of the CMap format); surrogates are left out:
 * they are no characters. */
static HPDF_STATUS
write_cmap(HPDF_Stream s)
{
	char line[64];
	unsigned hi, n = 0, total = 0;
	HPDF_STATUS rc;

	for (hi = 0; hi < 256; hi++)
		total += hi < 0xd8 || hi > 0xdf;
	rc = HPDF_Stream_WriteStr(
		s, "/CIDInit /ProcSet findresource begin\n"
		   "12 dict begin\n"
		   "begincmap\n"
		   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		   "/CMapName /Adobe-Identity-UCS def\n"
		   "/CMapType 2 def\n"
		   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (hi = 0; hi < 256 && rc == HPDF_OK; hi++) {
		if (hi >= 0xd8 && hi <= 0xdf)
			continue;
		if (n % 100 == 0) {
			snprintf(line, sizeof(line), "%u beginbfrange\n",
				 total - n < 100 ? total - n : 100);
			rc = HPDF_Stream_WriteStr(s, line);
		}
		snprintf(line, sizeof(line), "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
		if (rc == HPDF_OK)
			rc = HPDF_Stream_WriteStr(s, line);
		if (rc == HPDF_OK && (++n % 100 == 0 || n == total))
			rc = HPDF_Stream_WriteStr(s, "endbfrange\n");
	}
	if (rc == HPDF_OK)
		rc = HPDF_Stream_WriteStr(s, "endcmap\n"
					     "CMapName currentdict /CMap defineresource pop\n"
					     "end\nend\n");
	return rc;
}

/* Replaces the body of the font's /ToUnicode stream and drops the keys of
 * an encoding CMap from its dictionary. */
static bool
fix_to_unicode(HPDF_Font font)
{
	static const char *const keys[] = {"CIDSystemInfo", "CMapName", "WMode", "Type", "UseCMap"};
	HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	size_t i;

	if (!cmap || !cmap->stream)
		return false;
	HPDF_MemStream_FreeData(cmap->stream);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		(void)HPDF_Dict_RemoveElement(cmap, keys[i]); /* absent keys are fine */
	return write_cmap(cmap->stream) == HPDF_OK;
}

HPDF_Font
pdf_load_font(struct pdf *p, const char *path)
{
	const char *name = HPDF_LoadTTFontFromFile(p->doc, path, HPDF_TRUE);
	HPDF_Font f = name ? HPDF_GetFont(p->doc, name, "UTF-8") : NULL;

	if (!f) {
		core_error(p->ctx, ATTEST_ERR_INVALID, "cannot use the font '%s' in the PDF report",
			   path);
		return NULL;
	}
	if (!fix_to_unicode(f)) {
		core_error(p->ctx, ATTEST_ERR_INTERNAL,
			   "cannot write the text map of the font '%s' in the PDF report", path);
		return NULL;
	}
	return f;
}
