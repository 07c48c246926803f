/*
 * Streaming JSON splitter; see jsonstream.h. The scanner is a small state
 * machine over bytes: outside strings it tracks bracket nesting, inside
 * strings it skips escapes. Scalars (numbers, true, false, null) run until a
 * delimiter. It deliberately accepts some malformed text (a bad number, a
 * bad escape): jansson rejects that when the value is parsed, with a
 * position that is mapped back to the file.
 */
#include "config.h"

#include "jsonstream.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 65536
#define MAX_DEPTH 256

struct jstream {
	attest_ctx *ctx;
	FILE *fp;
	bool own_fp;
	char *name;
	unsigned char chunk[CHUNK];
	size_t pos, len;
	bool eof, ioerr;
	unsigned long line, col;     /* position of the next byte; columns count
				      * characters, like jansson's */
	unsigned long vline, vcol;   /* where the last value starts */
	unsigned long long bytes;
	EVP_MD_CTX *md;
	struct attest_buf value;
};

attest_rc
jstream_open(attest_ctx *ctx, const char *path, FILE *fp, struct jstream **out)
{
	struct jstream *js;

	*out = NULL;
	js = calloc(1, sizeof(*js));
	if (!js)
		return attest_nomem(ctx);
	js->ctx = ctx;
	js->line = 1;
	js->col = 1;
	attest_buf_init(&js->value, 1);
	js->name = attest_strdup(path);
	js->md = EVP_MD_CTX_new();
	if (!js->name || !js->md || EVP_DigestInit_ex(js->md, EVP_sha256(), NULL) != 1) {
		jstream_free(js);
		return attest_nomem(ctx);
	}
	if (fp) {
		js->fp = fp;
	} else if (strcmp(path, "-") == 0) {
		js->fp = stdin;
	} else {
		js->fp = fopen(path, "rb");
		if (!js->fp) {
			attest_error(ctx, ATTEST_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
			jstream_free(js);
			return ATTEST_ERR_IO;
		}
		js->own_fp = true;
	}
	*out = js;
	return ATTEST_OK;
}

void
jstream_free(struct jstream *js)
{
	if (!js)
		return;
	if (js->own_fp)
		fclose(js->fp);
	EVP_MD_CTX_free(js->md);
	attest_buf_release(&js->value);
	free(js->name);
	free(js);
}

static bool
fill(struct jstream *js)
{
	if (js->pos < js->len)
		return true;
	if (js->eof)
		return false;
	js->len = fread(js->chunk, 1, CHUNK, js->fp);
	js->pos = 0;
	if (js->len == 0) {
		js->eof = true;
		js->ioerr = ferror(js->fp) != 0;
		return false;
	}
	js->bytes += js->len;
	EVP_DigestUpdate(js->md, js->chunk, js->len);
	return true;
}

static int
peek_raw(struct jstream *js)
{
	return fill(js) ? js->chunk[js->pos] : -1;
}

static int
next_raw(struct jstream *js)
{
	int c;

	if (!fill(js))
		return -1;
	c = js->chunk[js->pos++];
	if (c == '\n') {
		js->line++;
		js->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		js->col++; /* not a UTF-8 continuation byte */
	}
	return c;
}

static bool
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
jstream_peek(struct jstream *js)
{
	int c;

	while ((c = peek_raw(js)) != -1 && is_ws(c))
		next_raw(js);
	return c;
}

static attest_rc
fail_at(struct jstream *js, attest_rc rc, unsigned long line, unsigned long col,
	const char *what)
{
	if (js->ioerr)
		return attest_error(js->ctx, ATTEST_ERR_IO, "cannot read '%s': %s", js->name,
				    strerror(errno));
	return attest_error(js->ctx, rc, "cannot parse '%s' at line %lu, column %lu: %s", js->name,
			    line, col, what);
}

attest_rc
jstream_fail(struct jstream *js, attest_rc rc, const char *what)
{
	return fail_at(js, rc, js->line, js->col, what);
}

attest_rc
jstream_expect(struct jstream *js, char c)
{
	char what[64];
	int got = jstream_peek(js);

	if (got == c) {
		next_raw(js);
		return ATTEST_OK;
	}
	if (got == -1)
		snprintf(what, sizeof(what), "'%c' expected, found end of input", c);
	else if (got >= 0x20 && got < 0x7f)
		snprintf(what, sizeof(what), "'%c' expected, found '%c'", c, got);
	else
		snprintf(what, sizeof(what), "'%c' expected, found byte 0x%02x", c, got);
	return jstream_fail(js, ATTEST_ERR_PARSE, what);
}

static attest_rc
keep(struct jstream *js, int c)
{
	attest_rc rc = attest_buf_addc(&js->value, (char)c);

	if (rc == ATTEST_ERR_LIMIT)
		return attest_error(js->ctx, rc,
				    "cannot load '%s': the value starting at line %lu, column %lu "
				    "is larger than %zu bytes",
				    js->name, js->vline, js->vcol, js->value.max);
	if (rc != ATTEST_OK)
		return attest_nomem(js->ctx);
	return ATTEST_OK;
}

/* Copies a string token, the opening quote already kept. */
static attest_rc
scan_string(struct jstream *js)
{
	attest_rc rc;
	int c;

	for (;;) {
		c = next_raw(js);
		if (c == -1)
			return jstream_fail(js, ATTEST_ERR_PARSE, "unterminated string");
		if ((rc = keep(js, c)) != ATTEST_OK)
			return rc;
		if (c == '"')
			return ATTEST_OK;
		if (c == '\\') {
			c = next_raw(js);
			if (c == -1)
				return jstream_fail(js, ATTEST_ERR_PARSE, "unterminated string");
			if ((rc = keep(js, c)) != ATTEST_OK)
				return rc;
		}
	}
}

attest_rc
jstream_read_value(struct jstream *js, size_t max)
{
	char stack[MAX_DEPTH];
	int depth = 0;
	unsigned long line, col;
	attest_rc rc;
	int c;

	attest_buf_reset(&js->value);
	js->value.max = max;
	c = jstream_peek(js);
	js->vline = js->line;
	js->vcol = js->col;
	if (c == -1)
		return jstream_fail(js, ATTEST_ERR_PARSE, "a value expected, found end of input");
	if (c == '}' || c == ']' || c == ',' || c == ':')
		return jstream_fail(js, ATTEST_ERR_PARSE, "a value expected");
	for (;;) {
		c = peek_raw(js);
		if (c == -1) {
			if (depth == 0 && js->value.len > 0)
				return ATTEST_OK;
			return jstream_fail(js, ATTEST_ERR_PARSE, "unexpected end of input");
		}
		if (depth == 0 && js->value.len > 0 &&
		    (is_ws(c) || c == ',' || c == ']' || c == '}' || c == ':'))
			return ATTEST_OK; /* end of a scalar */
		line = js->line; /* of c, for messages about it */
		col = js->col;
		next_raw(js);
		if ((rc = keep(js, c)) != ATTEST_OK)
			return rc;
		switch (c) {
		case '"':
			if ((rc = scan_string(js)) != ATTEST_OK)
				return rc;
			if (depth == 0)
				return ATTEST_OK;
			break;
		case '{':
		case '[':
			if (depth == MAX_DEPTH)
				return fail_at(js, ATTEST_ERR_LIMIT, line, col,
					       "nesting deeper than 256 levels");
			stack[depth++] = (char)(c == '{' ? '}' : ']');
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != c)
				return fail_at(js, ATTEST_ERR_PARSE, line, col, "unbalanced bracket");
			if (--depth == 0)
				return ATTEST_OK;
			break;
		default:
			break;
		}
	}
}

/* jansson's column is that of the last character it read. For an error
 * about a token ("... near 'TOKEN'") that is the token's last character;
 * returns how many characters to step back to its first one. Problems
 * inside a string (a bad escape, a control character) keep the column of
 * the character at fault. */
static unsigned long
token_back(const json_error_t *err)
{
	const char *p = strstr(err->text, " near '"), *e;
	unsigned long n = 0;

	if (!p)
		return 0;
	p += strlen(" near '");
	e = strrchr(p, '\'');
	if (!e || e == p)
		return 0;
	if (*p == '"' && json_error_code(err) != json_error_duplicate_key &&
	    !strstr(err->text, "expected near"))
		return 0;
	for (; p < e; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n - 1;
}

attest_rc
jstream_parse(struct jstream *js, json_t **out)
{
	json_error_t err;
	unsigned long line, col, back;

	*out = json_loadb(js->value.data, js->value.len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			  &err);
	if (*out)
		return ATTEST_OK;
	col = err.column > 0 ? (unsigned long)err.column : 1;
	if (json_error_code(&err) == json_error_invalid_utf8)
		col++; /* jansson stops before the byte it cannot decode */
	else if ((back = token_back(&err)) < col)
		col -= back;
	if (err.line <= 1) {
		line = js->vline;
		col = js->vcol + col - 1;
	} else {
		line = js->vline + (unsigned long)err.line - 1;
	}
	return attest_error(js->ctx, ATTEST_ERR_PARSE, "cannot parse '%s' at line %lu, column %lu: %s",
			    js->name, line, col, err.text);
}

unsigned long
jstream_line(const struct jstream *js)
{
	return js->vline;
}

unsigned long
jstream_column(const struct jstream *js)
{
	return js->vcol;
}

const char *
jstream_name(const struct jstream *js)
{
	return js->name;
}

void
jstream_sha256(struct jstream *js, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	/* Digest the rest of the input too, so the hash names the whole file. */
	while (fill(js))
		js->pos = js->len;
	EVP_DigestFinal_ex(js->md, md, &n);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

unsigned long long
jstream_bytes(const struct jstream *js)
{
	return js->bytes;
}
