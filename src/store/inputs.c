/*
 * Copies of the input files a scan read, kept in the history database so
 * that an audit package made later can include the very inventory the scan
 * judged. A file is read again when the scan is saved, streamed in chunks of
 * CHUNK bytes, each deflated on its own (memory stays bounded whatever the
 * file's size), and its SHA-256 is compared with the digest recorded while
 * loading: a file that changed in between is not kept. Content is stored
 * once per SHA-256 (input_blobs/input_chunks); scan_inputs says, per scan
 * and source, whether a copy is kept and, when not, why.
 */
#include "config.h"

#include "store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK (1024 * 1024)

static bool
blob_exists(sqlite3 *db, const char *sha)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM input_blobs WHERE sha256 = ?1", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* Stores the file at fp under sha (the digest the loader recorded). Sets
 * *note when the content is not what was scanned; ATTEST_ERR_* otherwise. */
static attest_rc
copy_file(attest_store *s, FILE *fp, const char *path, const char *sha, char *note,
	  size_t note_size)
{
	sqlite3 *db = attest_store_db(s);
	sqlite3_stmt *blob = NULL, *chunk = NULL;
	unsigned char *in = NULL, *z = NULL;
	uLongf zlen;
	struct attest_sha256 mdc = {0};
	long long total = 0, seq = 0;
	size_t n;
	char got[65];
	attest_rc rc = ATTEST_ERR_NOMEM;

	in = malloc(CHUNK);
	z = malloc(compressBound(CHUNK));
	if (!in || !z || !attest_sha256_init(&mdc)) {
		rc = attest_nomem(attest_store_ctx(s));
		goto out;
	}
	rc = ATTEST_ERR_DB;
	if (sqlite3_prepare_v2(db, "INSERT INTO input_blobs(sha256, bytes) VALUES (?1, 0)", -1,
			       &blob, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO input_chunks(sha256, seq, data) VALUES (?1, ?2, ?3)",
			       -1, &chunk, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(blob, 1, sha, -1, SQLITE_STATIC);
	if (sqlite3_step(blob) != SQLITE_DONE)
		goto out;
	while ((n = fread(in, 1, CHUNK, fp)) > 0) {
		attest_sha256_add(&mdc, in, n);
		zlen = compressBound(CHUNK);
		if (compress2(z, &zlen, in, n, 6) != Z_OK) {
			rc = attest_error(attest_store_ctx(s), ATTEST_ERR_INTERNAL,
					  "cannot compress '%s'", path);
			goto out;
		}
		sqlite3_reset(chunk);
		sqlite3_bind_text(chunk, 1, sha, -1, SQLITE_STATIC);
		sqlite3_bind_int64(chunk, 2, seq++);
		sqlite3_bind_blob(chunk, 3, z, (int)zlen, SQLITE_STATIC);
		if (sqlite3_step(chunk) != SQLITE_DONE)
			goto out;
		total += (long long)n;
	}
	if (ferror(fp)) {
		rc = attest_error(attest_store_ctx(s), ATTEST_ERR_IO, "cannot read '%s': %s", path,
				  strerror(errno));
		goto out;
	}
	attest_sha256_end(&mdc, got);
	if (strcmp(got, sha) != 0) {
		/* Not what was scanned: drop the rows written for it. */
		snprintf(note, note_size, "changed after the scan read it (SHA-256 now %s)", got);
		sqlite3_finalize(blob);
		blob = NULL;
		if (sqlite3_prepare_v2(db, "DELETE FROM input_blobs WHERE sha256 = ?1", -1, &blob,
				       NULL) != SQLITE_OK)
			goto out;
		sqlite3_bind_text(blob, 1, sha, -1, SQLITE_STATIC);
		if (sqlite3_step(blob) != SQLITE_DONE)
			goto out;
		rc = ATTEST_OK;
		goto out;
	}
	sqlite3_finalize(blob);
	blob = NULL;
	if (sqlite3_prepare_v2(db, "UPDATE input_blobs SET bytes = ?2 WHERE sha256 = ?1", -1,
			       &blob, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(blob, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(blob, 2, total);
	if (sqlite3_step(blob) != SQLITE_DONE)
		goto out;
	rc = ATTEST_OK;
out:
	if (rc == ATTEST_ERR_DB)
		rc = attest_error(attest_store_ctx(s), ATTEST_ERR_DB,
				  "cannot keep a copy of '%s' in '%s': %s", path, store_path(s),
				  sqlite3_errmsg(db));
	sqlite3_finalize(blob);
	sqlite3_finalize(chunk);
	attest_sha256_release(&mdc);
	free(z);
	free(in);
	return rc;
}

static attest_rc
record(attest_store *s, const char *id, long long seq, const char *path, const char *sha,
       bool kept, const char *note)
{
	sqlite3 *db = attest_store_db(s);
	sqlite3_stmt *st = NULL;
	attest_rc rc = ATTEST_OK;

	if (sqlite3_prepare_v2(db,
			       "INSERT INTO scan_inputs(scan_id, seq, path, sha256, kept, note)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = ATTEST_ERR_DB;
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, kept);
	if (note && *note)
		sqlite3_bind_text(st, 6, note, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = ATTEST_ERR_DB;
out:
	if (rc != ATTEST_OK)
		rc = attest_error(attest_store_ctx(s), rc, "cannot record the inputs of the scan: %s",
				  sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

attest_rc
store_keep_inputs(attest_store *s, const char *id)
{
	sqlite3 *db = attest_store_db(s);
	sqlite3_stmt *st = NULL;
	char note[256];
	long long seq = 0;
	attest_rc rc = ATTEST_OK;

	if (sqlite3_prepare_v2(db, "SELECT path, sha256 FROM inv.sources ORDER BY sid", -1, &st,
			       NULL) != SQLITE_OK)
		return attest_error(attest_store_ctx(s), ATTEST_ERR_DB,
				    "cannot read the inventory's sources: %s", sqlite3_errmsg(db));
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		const char *sha = (const char *)sqlite3_column_text(st, 1);
		FILE *fp = NULL;

		seq++;
		note[0] = '\0';
		if (!path)
			path = "";
		if (!sha || strlen(sha) != 64)
			snprintf(note, sizeof(note), "its SHA-256 was not recorded");
		else if (blob_exists(db, sha))
			; /* already kept by an earlier scan: same content */
		else if (strcmp(path, "-") == 0)
			snprintf(note, sizeof(note), "it was read from standard input");
		else if (!(fp = fopen(path, "rb")))
			snprintf(note, sizeof(note), "it cannot be read again: %s", strerror(errno));
		else
			rc = copy_file(s, fp, path, sha, note, sizeof(note));
		if (fp)
			fclose(fp);
		if (rc != ATTEST_OK)
			break;
		if (note[0])
			attest_log(attest_store_ctx(s), ATTEST_LOG_WARN,
				   "no copy of input '%s' is kept: %s", path, note);
		rc = record(s, id, seq, path, note[0] ? NULL : sha, note[0] == '\0', note);
	}
	sqlite3_finalize(st);
	return rc;
}

attest_rc
store_input_write(attest_store *s, const char *sha, FILE *out, long long *bytes)
{
	sqlite3 *db = attest_store_db(s);
	sqlite3_stmt *st = NULL;
	unsigned char *buf = NULL;
	struct attest_sha256 mdc = {0};
	long long total = 0, expect = -1;
	uLongf n;
	char got[65];
	attest_rc rc = ATTEST_ERR_NOMEM;

	*bytes = 0;
	buf = malloc(CHUNK);
	if (!buf || !attest_sha256_init(&mdc)) {
		rc = attest_nomem(attest_store_ctx(s));
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT bytes FROM input_blobs WHERE sha256 = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		goto db_fail;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		expect = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (expect < 0) {
		rc = attest_error(attest_store_ctx(s), ATTEST_ERR_NOTFOUND,
				  "no copy of input %s is kept in '%s'", sha, store_path(s));
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT data FROM input_chunks WHERE sha256 = ?1 ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		goto db_fail;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n = CHUNK;
		if (uncompress(buf, &n, sqlite3_column_blob(st, 0),
			       (uLong)sqlite3_column_bytes(st, 0)) != Z_OK) {
			rc = attest_error(attest_store_ctx(s), ATTEST_ERR_INVALID,
					  "the kept copy of input %s in '%s' is damaged", sha,
					  store_path(s));
			goto out;
		}
		attest_sha256_add(&mdc, buf, n);
		if (fwrite(buf, 1, n, out) != n) {
			rc = attest_error(attest_store_ctx(s), ATTEST_ERR_IO,
					  "cannot write input %s: %s", sha, strerror(errno));
			goto out;
		}
		total += (long long)n;
	}
	attest_sha256_end(&mdc, got);
	if (strcmp(got, sha) != 0 || total != expect) {
		rc = attest_error(attest_store_ctx(s), ATTEST_ERR_INVALID,
				  "the kept copy of input %s in '%s' is damaged (its SHA-256 is %s)",
				  sha, store_path(s), got);
		goto out;
	}
	*bytes = total;
	rc = ATTEST_OK;
	goto out;
db_fail:
	rc = attest_error(attest_store_ctx(s), ATTEST_ERR_DB, "cannot read input %s: %s", sha,
			  sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	attest_sha256_release(&mdc);
	free(buf);
	return rc;
}
