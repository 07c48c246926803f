/*
 * The inventory in a single-scan package: for each source of the scan, the
 * file given with --input whose SHA-256 is the source's, or the copy kept
 * in the history database (scan --keep-inputs), or a record of why it is
 * missing. By default the file is copied byte for byte, so that its SHA-256
 * is the one the scan recorded, secrets included. With redaction, every
 * resource goes through the history database's credential redaction
 * (store_redact) and the package holds inventory/N-redacted-NAME instead:
 * NDJSON (and any file whose lines are whole JSON values) line by line, a
 * pretty-printed JSON document read whole and redacted member by member,
 * element by element of its arrays. gzip-compressed inputs are inflated.
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_DOCUMENT (4LL * 1024 * 1024 * 1024) /* a pretty-printed JSON document */

/* Copies src into the package as rel; its digest must be sha. */
static attest_rc
copy_input(struct pkg *p, const char *src, const char *rel, const char *sha)
{
	char buf[65536], got[65], full[4096];
	long long bytes;
	FILE *in = NULL, *out = NULL;
	size_t n;
	attest_rc rc;

	if (!(in = fopen(src, "rb")))
		return core_error(p->ctx, ATTEST_ERR_IO, "cannot read '%s': %s", src,
				  strerror(errno));
	if ((rc = pkg_open(p, rel, &out)) != ATTEST_OK)
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in)) {
		rc = core_error(p->ctx, ATTEST_ERR_IO, "cannot read '%s': %s", src,
				strerror(errno));
		goto out;
	}
	rc = pkg_close(p, out, rel);
	out = NULL;
	if (rc != ATTEST_OK || (rc = pkg_full_path(p, rel, full, sizeof(full))) != ATTEST_OK ||
	    (rc = pkg_file_digest(p->ctx, full, got, &bytes)) != ATTEST_OK)
		goto out;
	if (strcmp(got, sha) != 0)
		rc = core_error(p->ctx, ATTEST_ERR_INVALID, "'%s' changed while it was copied",
				src);
out:
	if (out)
		fclose(out);
	fclose(in);
	return rc;
}

/* Writes the copy of sha kept in the history database to rel. */
static attest_rc
write_kept(struct pkg *p, const char *rel, const char *sha)
{
	FILE *fp;
	long long bytes;
	attest_rc rc;

	if ((rc = pkg_open(p, rel, &fp)) != ATTEST_OK)
		return rc;
	rc = store_input_write(p->store, sha, fp, &bytes);
	if (rc != ATTEST_OK) {
		fclose(fp);
		return rc;
	}
	return pkg_close(p, fp, rel);
}

/* Reads one line (without its newline) into b; false at the end. */
static bool
read_line(gzFile in, struct core_buf *b, bool *too_long)
{
	char chunk[65536];
	size_t n;

	core_buf_reset(b);
	*too_long = false;
	while (gzgets(in, chunk, sizeof(chunk))) {
		n = strlen(chunk);
		if (core_buf_add(b, chunk, n) != ATTEST_OK) {
			*too_long = true;
			return false;
		}
		if (n && chunk[n - 1] == '\n') {
			b->data[--b->len] = '\0';
			return true;
		}
	}
	return b->len > 0;
}

static attest_rc
put_redacted(struct pkg *p, FILE *out, const char *text, const char *sep)
{
	char *red = NULL;

	if (store_redact(text, &red) != ATTEST_OK)
		return core_nomem(p->ctx);
	fputs(red ? red : text, out);
	fputs(sep, out);
	free(red);
	return ATTEST_OK;
}

/* Redacts a JSON value in place, element by element of an array. */
static attest_rc
redact_value(struct pkg *p, json_t *v, json_t **out)
{
	char *text, *red = NULL;
	json_t *e, *n;
	size_t i;
	attest_rc rc;

	*out = NULL;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
		{
			if ((rc = redact_value(p, e, &n)) != ATTEST_OK)
				return rc;
			if (n && json_array_set_new(v, i, n) != 0)
				return core_nomem(p->ctx);
		}
		return ATTEST_OK;
	}
	if (!(text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER)))
		return core_nomem(p->ctx);
	rc = store_redact(text, &red);
	free(text);
	if (rc != ATTEST_OK)
		return core_nomem(p->ctx);
	if (red && !(*out = json_loads(red, JSON_DECODE_ANY, NULL))) {
		free(red);
		return core_error(p->ctx, ATTEST_ERR_INTERNAL, "redaction broke a JSON value");
	}
	free(red);
	return ATTEST_OK;
}

/* A document that is not one JSON value per line: read whole. */
static attest_rc
redact_document(struct pkg *p, gzFile in, const char *src, FILE *out)
{
	struct core_buf all;
	char chunk[65536];
	json_error_t jerr;
	json_t *doc = NULL, *v, *n;
	const char *k;
	int got;
	attest_rc rc = ATTEST_OK;

	core_buf_init(&all, (size_t)MAX_DOCUMENT);
	gzrewind(in);
	while (rc == ATTEST_OK && (got = gzread(in, chunk, sizeof(chunk))) > 0)
		rc = core_buf_add(&all, chunk, (size_t)got);
	if (rc != ATTEST_OK) {
		rc = core_error(p->ctx, rc, "cannot redact '%s': it is too large", src);
		goto out;
	}
	if (!(doc = json_loadb(all.data ? all.data : "", all.len, 0, &jerr))) {
		rc = core_error(p->ctx, ATTEST_ERR_INVALID,
				"cannot redact '%s': not JSON at line %d, column %d: %s", src,
				jerr.line, jerr.column, jerr.text);
		goto out;
	}
	core_buf_release(&all);
	if (json_is_object(doc)) {
		json_object_foreach(doc, k, v)
		{
			if ((rc = redact_value(p, v, &n)) != ATTEST_OK)
				goto out;
			if (n)
				json_object_set_new(doc, k, n);
		}
	} else if ((rc = redact_value(p, doc, &n)) != ATTEST_OK) {
		goto out;
	} else if (n) {
		json_decref(doc);
		doc = n;
	}
	if (json_dumpf(doc, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) != 0)
		rc = core_error(p->ctx, ATTEST_ERR_IO, "cannot write the redacted '%s'", src);
	fputc('\n', out);
out:
	json_decref(doc);
	core_buf_release(&all);
	return rc;
}

/* Writes src (plain or gzip) with credentials redacted to rel. */
static attest_rc
redact_input(struct pkg *p, const char *src, const char *rel)
{
	struct core_buf line;
	gzFile in = gzopen(src, "rb");
	json_t *probe;
	FILE *out = NULL;
	bool too_long = false, first = true;
	attest_rc rc = ATTEST_OK;

	if (!in)
		return core_error(p->ctx, ATTEST_ERR_IO, "cannot read '%s': %s", src,
				  strerror(errno));
	core_buf_init(&line, 256u << 20);
	if ((rc = pkg_open(p, rel, &out)) != ATTEST_OK)
		goto out;
	while (rc == ATTEST_OK && read_line(in, &line, &too_long)) {
		if (first) {
			/* one JSON value a line (NDJSON), or a document over many lines */
			probe = json_loads(line.data, JSON_DECODE_ANY, NULL);
			json_decref(probe);
			first = false;
			if (!probe && line.len) {
				rc = redact_document(p, in, src, out);
				break;
			}
		}
		rc = put_redacted(p, out, line.data ? line.data : "", "\n");
	}
	if (rc == ATTEST_OK && too_long)
		rc = core_error(p->ctx, ATTEST_ERR_LIMIT, "cannot redact '%s': a line is too long",
				src);
	if (rc == ATTEST_OK) {
		rc = pkg_close(p, out, rel);
		out = NULL;
	}
out:
	if (out)
		fclose(out);
	gzclose(in);
	core_buf_release(&line);
	return rc;
}

/* Why a source is missing, from the scan's scan_inputs row; "" if kept. */
static attest_rc
kept_state(struct pkg *p, size_t seq, char *why, size_t size)
{
	sqlite3_stmt *st = report_query(p->store,
					"SELECT kept, note FROM scan_inputs"
					" WHERE scan_id = ?1 AND seq = ?2",
					p->id);

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	if (sqlite3_step(st) != SQLITE_ROW)
		snprintf(why, size,
			 "the scan was stored without --keep-inputs, and no copy was "
			 "given with --input");
	else if (!sqlite3_column_int(st, 0))
		snprintf(why, size, "no copy was kept when the scan was stored: %s",
			 report_text(st, 1));
	else
		why[0] = '\0';
	sqlite3_finalize(st);
	return ATTEST_OK;
}

/* The package file of source i: inventory/N-NAME, or N-redacted-NAME
 * without a .gz ending. */
static void
source_file(const char *path, size_t i, bool redact, char *rel, size_t size)
{
	char enc[PKG_MAX_NAME + 1];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n;

	/* room for the "N-redacted-" before it in a ustar name field */
	pkg_name(strcmp(path, "-") == 0 ? "stdin" : base, "", PKG_MAX_NAME - 20, enc);
	n = strlen(enc);
	if (redact && n > 3 && strcmp(enc + n - 3, ".gz") == 0)
		enc[n - 3] = '\0';
	snprintf(rel, size, "inventory/%zu-%s%s", i + 1, redact ? "redacted-" : "", enc);
}

/* Includes one source, from src (a file) or from the kept copy of sha. */
static attest_rc
include(struct pkg *p, const char *src, const char *sha, const char *rel, bool redact)
{
	char tmp[4096];
	FILE *fp;
	long long bytes;
	attest_rc rc;

	if ((rc = pkg_make_dir(p, "inventory")) != ATTEST_OK)
		return rc;
	if (!redact)
		return src ? copy_input(p, src, rel, sha) : write_kept(p, rel, sha);
	if (src)
		return redact_input(p, src, rel);
	/* the kept copy goes through a scratch file that is not part of the package */
	if ((rc = pkg_full_path(p, ".kept-input", tmp, sizeof(tmp))) != ATTEST_OK)
		return rc;
	if (!(fp = fopen(tmp, "wbx")))
		return core_error(p->ctx, ATTEST_ERR_IO, "cannot create '%s': %s", tmp,
				  strerror(errno));
	rc = store_input_write(p->store, sha, fp, &bytes);
	if (fclose(fp) != 0 && rc == ATTEST_OK)
		rc = core_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", tmp,
				strerror(errno));
	if (rc == ATTEST_OK)
		rc = redact_input(p, tmp, rel);
	unlink(tmp);
	return rc;
}

static json_t *
member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return v ? v : json_null();
}

attest_rc
pkg_write_inventory(struct pkg *p, const struct attest_package_opts *o, json_t *sources,
		    json_t *inv, struct attest_package_info *info)
{
	char(*digests)[65] = NULL, why[400], rel[300];
	const char *path, *sha;
	size_t i, j;
	long long bytes;
	json_t *src, *entry, *list = json_array();
	bool complete = true;
	attest_rc rc = ATTEST_OK;

	if (!list || json_object_set_new(inv, "sources", list) != 0)
		return core_nomem(p->ctx);
	if (o->n_inputs && !(digests = calloc(o->n_inputs, sizeof(*digests))))
		return core_nomem(p->ctx);
	for (i = 0; i < o->n_inputs; i++) {
		if ((rc = pkg_file_digest(p->ctx, o->inputs[i], digests[i], &bytes)) != ATTEST_OK)
			goto out;
		json_array_foreach(
			sources, j,
			src) if (json_is_string(json_object_get(src, "sha256")) &&
				 strcmp(json_string_value(json_object_get(src, "sha256")),
					digests[i]) == 0) break;
		if (j == json_array_size(sources)) {
			rc = core_error(p->ctx, ATTEST_ERR_INVALID,
					"'%s' is not an input of scan %s: its SHA-256 %s matches "
					"none of the scan's sources",
					o->inputs[i], p->id, digests[i]);
			goto out;
		}
	}
	json_array_foreach(sources, i, src)
	{
		path = json_string_value(json_object_get(src, "path"));
		sha = json_string_value(json_object_get(src, "sha256"));
		path = path ? path : "";
		source_file(path, i, o->redact_inventory, rel, sizeof(rel));
		entry = json_pack("{s:s, s:O, s:O, s:O}", "path", path, "sha256",
				  member(src, "sha256"), "bytes", member(src, "bytes"), "format",
				  member(src, "format"));
		if (!entry || json_array_append_new(list, entry) != 0) {
			rc = core_nomem(p->ctx);
			goto out;
		}
		info->inputs++;
		for (j = 0; sha && j < o->n_inputs; j++)
			if (strcmp(digests[j], sha) == 0)
				break;
		if (sha && j < o->n_inputs) {
			if ((rc = include(p, o->inputs[j], sha, rel, o->redact_inventory)) !=
			    ATTEST_OK)
				goto out;
			json_object_set_new(entry, "origin", json_string("--input"));
		} else if ((rc = kept_state(p, i + 1, why, sizeof(why))) != ATTEST_OK) {
			goto out;
		} else if (!why[0] && sha) {
			if ((rc = include(p, NULL, sha, rel, o->redact_inventory)) != ATTEST_OK)
				goto out;
			json_object_set_new(entry, "origin", json_string("history database"));
		} else {
			complete = false;
			if (!info->missing_reason[0])
				snprintf(info->missing_reason, sizeof(info->missing_reason),
					 "'%s': %s", path, why);
			json_object_set_new(entry, "file", json_null());
			json_object_set_new(entry, "missing", json_string(why));
			continue;
		}
		json_object_set_new(entry, "file", json_string(rel));
		json_object_set_new(entry, "redacted", json_boolean(o->redact_inventory));
		info->inputs_included++;
		info->inputs_unredacted += !o->redact_inventory;
	}
	if (!complete && o->require_inventory) {
		rc = core_error(p->ctx, ATTEST_ERR_NOTFOUND,
				"the inventory of scan %s is not available (%s); no package "
				"written",
				p->id, info->missing_reason);
		goto out;
	}
	json_object_set_new(inv, "complete", json_boolean(complete));
	json_object_set_new(inv, "redacted", json_boolean(o->redact_inventory));
out:
	free(digests);
	return rc;
}
