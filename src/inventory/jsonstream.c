/*
 * Streaming JSON splitter; see jsonstream.h. The scanner is a small state
 * machine over bytes: outside strings it tracks bracket nesting, inside
 * strings it skips escapes. Scalars (numbers, true, false, null) run until a
 * delimiter. It deliberately accepts some malformed text (a bad number, a
 * bad escape): jansson rejects that when the value is parsed, with a
 * position that is mapped back to the file.
 *
 * Input compressed with gzip (AWS Config delivers its snapshots to S3 as
 * .json.gz) is recognised by its magic bytes and inflated on the fly with
 * zlib, one chunk at a time, so it streams like plain text; concatenated
 * gzip members are read in turn. Positions in messages are those of the
 * decompressed text (what zcat shows); the digest and the byte count are
 * those of the file as it is on disk.
 *
 * Deflate can expand about 1000 times, so a small file can stand for
 * gigabytes of text that would be read (and hashed, and scanned) for minutes
 * before any other limit is reached. Past GZ_FREE bytes of text, a file may
 * expand at most GZ_RATIO times its compressed size read so far; beyond that
 * reading stops with an error naming the limit (doc/inventory.md, "Limits").
 * Real JSON inventories compress 5 to 30 times.
 */
#include "config.h"

#include "jsonstream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK 65536
#define MAX_DEPTH 256
#define GZ_RATIO 200
#define GZ_FREE (64ull << 20)

struct jstream {
	attest_ctx *ctx;
	FILE *fp;
	bool own_fp;
	char *name;
	unsigned char chunk[CHUNK];
	size_t pos, len;
	bool eof, ioerr;
	unsigned long line, col;   /* position of the next byte; columns count
				    * characters, like jansson's */
	unsigned long vline, vcol; /* where the last value starts */
	size_t vcost;              /* parsing cost of the last value read */
	unsigned long long bytes;
	unsigned long long inflated; /* bytes of text out of gzip */
	struct core_sha256 md;
	struct core_buf value;
	/* gzip: the file's bytes go through z into chunk */
	int gz; /* -1 not known yet, 0 plain, 1 gzip */
	bool z_live, raw_eof;
	z_stream z;
	unsigned char *raw; /* CHUNK bytes of compressed input */
	char zerr[160];     /* why decompression failed, "" if it did not */
};

attest_rc
jstream_open(attest_ctx *ctx, const char *path, FILE *fp, struct jstream **out)
{
	struct jstream *js;

	*out = NULL;
	js = calloc(1, sizeof(*js));
	if (!js)
		return core_nomem(ctx);
	js->ctx = ctx;
	js->line = 1;
	js->col = 1;
	js->gz = -1;
	core_buf_init(&js->value, 1);
	js->name = core_strdup(path);
	if (!js->name || !core_sha256_init(&js->md)) {
		jstream_free(js);
		return core_nomem(ctx);
	}
	if (fp) {
		js->fp = fp;
	} else if (strcmp(path, "-") == 0) {
		js->fp = stdin;
	} else {
		js->fp = fopen(path, "rb");
		if (!js->fp) {
			core_error(ctx, ATTEST_ERR_IO, "cannot open '%s': %s", path,
				   strerror(errno));
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
	if (js->z_live)
		inflateEnd(&js->z);
	free(js->raw);
	core_sha256_release(&js->md);
	core_buf_release(&js->value);
	free(js->name);
	free(js);
}

/* Reads up to n bytes of the file itself, digesting them. */
static size_t
read_file(struct jstream *js, unsigned char *buf, size_t n)
{
	size_t got = fread(buf, 1, n, js->fp);

	if (got == 0 && ferror(js->fp))
		js->ioerr = true;
	js->bytes += got;
	core_sha256_add(&js->md, buf, got);
	return got;
}

static bool
gz_fail(struct jstream *js, const char *why)
{
	snprintf(js->zerr, sizeof(js->zerr), "%s", why && *why ? why : "corrupt data");
	js->eof = true;
	return false;
}

/* Starts inflating: the first bytes read (in chunk) become compressed input. */
static bool
gz_start(struct jstream *js)
{
	js->raw = malloc(CHUNK);
	if (!js->raw)
		return gz_fail(js, "out of memory");
	memcpy(js->raw, js->chunk, js->len);
	memset(&js->z, 0, sizeof(js->z));
	if (inflateInit2(&js->z, 16 + MAX_WBITS) != Z_OK) /* 16: gzip wrapper */
		return gz_fail(js, "cannot start zlib");
	js->z_live = true;
	js->z.next_in = js->raw;
	js->z.avail_in = (uInt)js->len;
	js->len = 0;
	js->gz = 1;
	return true;
}

/* Inflates the next chunk; false at the end of the last member or on error. */
static bool
gz_fill(struct jstream *js)
{
	int zrc;

	for (;;) {
		if (js->z.avail_in == 0 && !js->raw_eof) {
			js->z.next_in = js->raw;
			js->z.avail_in = (uInt)read_file(js, js->raw, CHUNK);
			js->raw_eof = js->z.avail_in == 0;
			if (js->ioerr) {
				js->eof = true;
				return false;
			}
		}
		js->z.next_out = js->chunk;
		js->z.avail_out = CHUNK;
		zrc = inflate(&js->z, Z_NO_FLUSH);
		js->len = CHUNK - js->z.avail_out;
		js->inflated += js->len;
		if (js->inflated > GZ_FREE && js->inflated > GZ_RATIO * js->bytes) {
			char why[160];

			snprintf(why, sizeof(why),
				 "expansion limit: %llu bytes of text from %llu compressed bytes, "
				 "more than %d times",
				 js->inflated, js->bytes, GZ_RATIO);
			js->len = 0;
			return gz_fail(js, why);
		}
		if (zrc == Z_STREAM_END) {
			/* Another member may follow (as `cat a.gz b.gz` makes). */
			if (js->z.avail_in == 0 && !js->raw_eof) {
				js->z.next_in = js->raw;
				js->z.avail_in = (uInt)read_file(js, js->raw, CHUNK);
				js->raw_eof = js->z.avail_in == 0;
			}
			if (js->z.avail_in == 0) {
				js->eof = js->len == 0;
				return js->len > 0;
			}
			if (inflateReset(&js->z) != Z_OK)
				return gz_fail(js, js->z.msg);
		} else if (zrc == Z_BUF_ERROR && js->len == 0) {
			/* No progress: the input ended inside a member. */
			if (js->raw_eof && js->z.avail_in == 0)
				return gz_fail(js, "the gzip data is truncated");
			if (js->z.avail_in > 0)
				return gz_fail(js, js->z.msg);
		} else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			return gz_fail(js, js->z.msg);
		}
		if (js->len > 0)
			return true;
	}
}

static bool
fill(struct jstream *js)
{
	size_t n;

	if (js->pos < js->len)
		return true;
	if (js->eof)
		return false;
	js->pos = 0;
	if (js->gz == 1)
		return gz_fill(js);
	js->len = read_file(js, js->chunk, CHUNK);
	if (js->gz < 0) {
		/* A pipe may hand out one byte: the magic number needs two. */
		while (js->len == 1 && (n = read_file(js, js->chunk + 1, CHUNK - 1)) > 0)
			js->len += n;
		js->gz = 0;
		if (js->len >= 2 && js->chunk[0] == 0x1f && js->chunk[1] == 0x8b)
			return gz_start(js) && gz_fill(js);
	}
	if (js->len == 0) {
		js->eof = true;
		return false;
	}
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
fail_at(struct jstream *js, attest_rc rc, unsigned long line, unsigned long col, const char *what)
{
	if (js->ioerr)
		return core_error(js->ctx, ATTEST_ERR_IO, "cannot read '%s': %s", js->name,
				  strerror(errno));
	if (js->zerr[0])
		return core_error(js->ctx, ATTEST_ERR_PARSE,
				  "cannot decompress '%s' (gzip) after line %lu, column %lu: %s",
				  js->name, line, col, js->zerr);
	return core_error(js->ctx, rc, "cannot parse '%s'%s at line %lu, column %lu: %s", js->name,
			  js->gz == 1 ? " (its decompressed text)" : "", line, col, what);
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
	attest_rc rc = core_buf_addc(&js->value, (char)c);

	if (rc == ATTEST_ERR_LIMIT)
		return core_error(js->ctx, rc,
				  "cannot load '%s': the value starting at line %lu, column %lu "
				  "is larger than %zu bytes",
				  js->name, js->vline, js->vcol, js->value.max);
	if (rc != ATTEST_OK)
		return core_nomem(js->ctx);
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

	core_buf_reset(&js->value);
	js->value.max = max;
	js->vcost = 1;
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
		line = js->line;          /* of c, for messages about it */
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
		case ',':
			js->vcost++; /* one more member or element */
			break;
		case '{':
		case '[':
			/* jansson's objects are hash tables, arrays start
			 * with room for 8 elements */
			js->vcost += c == '{' ? 4 : 2;
			if (depth == MAX_DEPTH)
				return fail_at(js, ATTEST_ERR_LIMIT, line, col,
					       "nesting deeper than 256 levels");
			stack[depth++] = (char)(c == '{' ? '}' : ']');
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != c)
				return fail_at(js, ATTEST_ERR_PARSE, line, col,
					       "unbalanced bracket");
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
	return fail_at(js, ATTEST_ERR_PARSE, line, col, err.text);
}

size_t
jstream_value_len(const struct jstream *js)
{
	return js->value.len;
}

size_t
jstream_value_cost(const struct jstream *js)
{
	return js->vcost;
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
	/* Digest the rest of the input too, so the hash names the whole file. */
	while (fill(js))
		js->pos = js->len;
	core_sha256_end(&js->md, out);
}

attest_rc
jstream_check_end(struct jstream *js)
{
	if (js->ioerr || js->zerr[0])
		return fail_at(js, ATTEST_ERR_PARSE, js->line, js->col, "");
	return ATTEST_OK;
}

unsigned long long
jstream_bytes(const struct jstream *js)
{
	return js->bytes;
}
