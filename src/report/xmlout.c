/*
 * The plumbing of the XML renderers. Documents are written through libxml2's
 * xmlTextWriter straight into the output stream, so memory stays flat however
 * many findings a scan holds. Inventory values are arbitrary: a bucket tag may
 * hold a control character or broken UTF-8 that XML 1.0 cannot represent even
 * escaped, so every string passes through report_xml_clean() first.
 */
#include "config.h"

#include "xmlout.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* Largest single text value written (a 2 MB tag survives; more is refused). */
#define XML_TEXT_MAX (64u * 1024 * 1024)

attest_rc
report_xml_open(struct report_xml *x, attest_store *store, FILE *out, const char *what)
{
	xmlOutputBufferPtr buf;

	memset(x, 0, sizeof(*x));
	x->store = store;
	x->what = what;
	core_buf_init(&x->text, XML_TEXT_MAX);
	buf = xmlOutputBufferCreateFile(out, NULL);
	if (!buf)
		return core_nomem(store_ctx(store));
	x->w = xmlNewTextWriter(buf);
	if (!x->w) {
		xmlOutputBufferClose(buf);
		return core_nomem(store_ctx(store));
	}
	if (xmlTextWriterSetIndent(x->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(x->w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
		x->failed = true;
	return ATTEST_OK;
}

attest_rc
report_xml_close(struct report_xml *x, attest_rc rc)
{
	attest_ctx *ctx = store_ctx(x->store);

	if (x->w) {
		if (rc == ATTEST_OK && !x->failed && xmlTextWriterEndDocument(x->w) < 0)
			x->failed = true;
		if (xmlTextWriterFlush(x->w) < 0)
			x->failed = true;
		xmlFreeTextWriter(x->w);
		x->w = NULL;
	}
	core_buf_release(&x->text);
	/* A failed write outranks a follow-on error; a specific one stays. */
	if (x->failed && (rc == ATTEST_OK || rc == ATTEST_ERR_IO))
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot write %s", x->what);
	return rc;
}

static int
check(struct report_xml *x, int r)
{
	if (r < 0)
		x->failed = true;
	return r < 0 ? -1 : 0;
}

/* Length of the valid UTF-8 sequence at s that XML 1.0 allows, 0 if none. */
static size_t
xml_char_len(const unsigned char *s)
{
	unsigned c = s[0], cp;
	size_t n, i;

	if (c < 0x80)
		return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0; /* overlong or out of range */
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return n;
}

const char *
report_xml_clean(struct core_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p && (n = xml_char_len(p)) > 0)
		p += n;
	if (!*p)
		return s; /* the common case: nothing to replace */
	core_buf_reset(b);
	if (core_buf_add(b, s, (size_t)(p - (const unsigned char *)s)) != ATTEST_OK)
		return NULL;
	while (*p) {
		n = xml_char_len(p);
		if (n) {
			if (core_buf_add(b, p, n) != ATTEST_OK)
				return NULL;
			p += n;
		} else {
			if (core_buf_adds(b, "\xEF\xBF\xBD") != ATTEST_OK)
				return NULL;
			p++;
		}
	}
	return b->data ? b->data : "";
}

static const xmlChar *
clean(struct report_xml *x, const char *s)
{
	const char *c = report_xml_clean(&x->text, s ? s : "");

	if (!c)
		x->failed = true;
	return BAD_CAST c;
}

int
report_xml_start(struct report_xml *x, const char *name)
{
	return check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

int
report_xml_start_ns(struct report_xml *x, const char *name, const char *ns)
{
	return check(x, xmlTextWriterStartElementNS(x->w, NULL, BAD_CAST name, BAD_CAST ns));
}

int
report_xml_end(struct report_xml *x)
{
	return check(x, xmlTextWriterEndElement(x->w));
}

int
report_xml_attr(struct report_xml *x, const char *name, const char *value)
{
	const xmlChar *v = clean(x, value);

	return v ? check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, v)) : -1;
}

/* Formats a value into small or, when longer (a long id), into *big, which
 * the caller frees; NULL, with the writer marked failed, without memory. */
static const char *format_value(struct report_xml *x, char small[256], char **big, const char *fmt,
				va_list ap) ATTEST_PRINTF(4, 0);

static const char *
format_value(struct report_xml *x, char small[256], char **big, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	*big = NULL;
	va_copy(copy, ap);
	n = vsnprintf(small, 256, fmt, ap);
	if (n >= 256 && (*big = malloc((size_t)n + 1)))
		vsnprintf(*big, (size_t)n + 1, fmt, copy);
	va_end(copy);
	if (n < 0 || (n >= 256 && !*big)) {
		x->failed = true;
		return NULL;
	}
	return *big ? *big : small;
}

int
report_xml_attrf(struct report_xml *x, const char *name, const char *fmt, ...)
{
	char small[256], *big;
	const char *v;
	va_list ap;
	int r;

	va_start(ap, fmt);
	v = format_value(x, small, &big, fmt, ap);
	va_end(ap);
	r = v ? report_xml_attr(x, name, v) : -1;
	free(big);
	return r;
}

attest_rc
report_xml_result(struct report_xml *x, attest_rc rc, const char *what)
{
	if (rc != ATTEST_OK && !x->failed)
		report_db_error(x->store, what);
	return x->failed ? ATTEST_ERR_IO : rc;
}

attest_rc
report_xml_each_row(struct report_xml *x, sqlite3_stmt *st,
		    int (*row)(void *data, sqlite3_stmt *st), void *data, const char *what)
{
	attest_rc rc = ATTEST_ERR_DB;
	int src, r = 0;

	if (!st)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = row(data, st)) < 0)
			break;
	if (r == 0 && src == SQLITE_DONE)
		rc = ATTEST_OK;
	if (r == -2 && !x->failed)
		rc = ATTEST_ERR_DB;
	else
		rc = report_xml_result(x, rc, what);
	sqlite3_finalize(st);
	return x->failed ? ATTEST_ERR_IO : rc;
}

int
report_xml_int_attrs(struct report_xml *x, sqlite3_stmt *st, int col, const char *const names[],
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (report_xml_attrf(x, names[i], "%d", sqlite3_column_int(st, col + (int)i)) < 0)
			return -1;
	return 0;
}

/* Text content escaped by hand: libxml2's writer also escapes quotes in
 * text, which nearly doubles the size of JSON evidence for nothing. */
int
report_xml_text(struct report_xml *x, const char *text)
{
	const char *v = (const char *)clean(x, text), *p, *run;
	const char *esc;

	if (!v)
		return -1;
	for (p = run = v;; p++) {
		switch (*p) {
		case '&':
			esc = "&amp;";
			break;
		case '<':
			esc = "&lt;";
			break;
		case '>':
			esc = "&gt;";
			break;
		case '\r':
			esc = "&#13;";
			break;
		case '\0':
			esc = "";
			break;
		default:
			continue;
		}
		if (p > run &&
		    check(x, xmlTextWriterWriteRawLen(x->w, BAD_CAST run, (int)(p - run))) < 0)
			return -1;
		if (!*p)
			return 0;
		if (check(x, xmlTextWriterWriteRaw(x->w, BAD_CAST esc)) < 0)
			return -1;
		run = p + 1;
	}
}

int
report_xml_textf(struct report_xml *x, const char *fmt, ...)
{
	char small[256], *big;
	const char *v;
	va_list ap;
	int r;

	va_start(ap, fmt);
	v = format_value(x, small, &big, fmt, ap);
	va_end(ap);
	r = v ? report_xml_text(x, v) : -1;
	free(big);
	return r;
}

int
report_xml_elem(struct report_xml *x, const char *name, const char *text)
{
	if (!text)
		return 0;
	if (report_xml_start(x, name) < 0 || report_xml_text(x, text) < 0)
		return -1;
	return report_xml_end(x);
}

int
report_xml_references(struct report_xml *x, const json_t *refs)
{
	const json_t *ref, *href, *title;
	size_t i;

	json_array_foreach(refs, i, ref)
	{
		href = json_object_get(ref, "href");
		title = json_object_get(ref, "title");
		if (!json_is_string(href))
			continue;
		if (report_xml_start(x, "reference") < 0 ||
		    report_xml_attr(x, "href", json_string_value(href)) < 0 ||
		    (json_is_string(title) && report_xml_text(x, json_string_value(title)) < 0) ||
		    report_xml_end(x) < 0)
			return -1;
	}
	return 0;
}

/* Appends s to b, encoded as report_control_token says. */
static attest_rc
token_part(struct core_buf *b, const char *s, bool first)
{
	const unsigned char *p;
	attest_rc rc = ATTEST_OK;

	for (p = (const unsigned char *)s; *p && rc == ATTEST_OK; p++) {
		bool alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
		bool plain = alpha || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-';

		if (plain && (alpha || !first || p != (const unsigned char *)s))
			rc = core_buf_addc(b, (char)*p);
		else
			rc = core_buf_printf(b, "_%02X", *p);
	}
	return rc;
}

const char *
report_control_token(struct core_buf *b, const char *framework, const char *control)
{
	core_buf_reset(b);
	if (token_part(b, framework, true) != ATTEST_OK || core_buf_adds(b, "__") != ATTEST_OK ||
	    token_part(b, control, false) != ATTEST_OK)
		return NULL;
	return b->data;
}

const char *
report_xml_datetime(const char *date, char out[40])
{
	if (strlen(date) == 10)
		snprintf(out, 40, "%sT00:00:00Z", date);
	else
		snprintf(out, 40, "%s", date);
	return out;
}

/* attest's UUID namespace: itself a v5 UUID of "urn:attest" in the URL
 * namespace, fixed here so that it never changes between releases. */
static const unsigned char attest_ns[16] = {0x3c, 0x1a, 0x7e, 0x52, 0x9b, 0x04, 0x5d, 0x2f,
					    0x8e, 0x61, 0x0a, 0xd4, 0x57, 0xc3, 0x2b, 0x90};

bool
report_uuid(const char *scan_id, const char *kind, const char *item, char out[37])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	char hex[33];
	bool ok = false;

	if (c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(c, attest_ns, sizeof(attest_ns)) == 1 &&
	    EVP_DigestUpdate(c, scan_id, strlen(scan_id)) == 1 &&
	    EVP_DigestUpdate(c, "\n", 1) == 1 && EVP_DigestUpdate(c, kind, strlen(kind)) == 1 &&
	    EVP_DigestUpdate(c, "\n", 1) == 1 && EVP_DigestUpdate(c, item, strlen(item)) == 1 &&
	    EVP_DigestFinal_ex(c, md, &len) == 1 && len >= 16)
		ok = true;
	EVP_MD_CTX_free(c);
	if (!ok)
		return false;
	md[6] = (unsigned char)((md[6] & 0x0F) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3F) | 0x80);
	core_hex_encode(md, 16, hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	return true;
}
