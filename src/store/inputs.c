/*
 * Copies of the input files a scan read, kept in the history database so
 * that an audit package made later can include the very inventory the scan
 * judged. Content is stored once per SHA-256 (input_blobs/input_chunks);
 * scan_inputs says, per scan and source, whether a copy is kept and, when
 * not, why.
 *
 * Keeping happens in two steps so that no file is read while the history's
 * write lock is held (a slow disk or a large file would stall every other
 * writer): store_inputs_copy() runs before the scan's transaction, reads
 * each regular file again in chunks of CHUNK bytes, deflates each chunk on
 * its own into one scratch file (memory stays bounded whatever the input's
 * size) and compares the SHA-256 with the digest recorded while loading (a
 * file that changed in between is not kept); store_inputs_insert() then
 * moves the compressed chunks into the database inside the transaction.
 * Only regular files are read again: a pipe or a device gives other bytes,
 * or none and blocks, on a second read.
 */
#include "config.h"

#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1024 * 1024)

/* One source of the scan: its copy sits in the scratch file at offset,
 * as n_chunks records of a 4-byte length and that many deflated bytes. */
struct kept_source {
	char *path;
	char sha[65];
	char note[256]; /* why no copy is kept; "" when one is */
	bool copied;    /* in the scratch file (false: already in the history) */
	long long bytes, n_chunks;
	off_t offset;
};

struct store_kept {
	FILE *scratch;
	struct kept_source *src;
	size_t n;
};

static bool
blob_exists(sqlite3 *db, const char *sha)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM input_blobs WHERE sha256 = ?1", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* A scratch file nobody else can see: created in $TMPDIR and unlinked at
 * once (registered for cleanup in between), so it vanishes with the
 * process however that ends. */
static attest_rc
scratch_open(attest_ctx *ctx, FILE **out)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd, n;

	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(path, sizeof(path), "%s/attest-inputs-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return core_error(ctx, ATTEST_ERR_LIMIT, "temporary directory path too long");
	if ((fd = mkstemp(path)) < 0)
		return core_error(ctx, ATTEST_ERR_IO, "cannot create a temporary file in '%s': %s",
				  dir, strerror(errno));
	attest_tmp_register(path);
	unlink(path);
	attest_tmp_unregister(path);
	if (!(*out = fdopen(fd, "w+b"))) {
		close(fd);
		return core_nomem(ctx);
	}
	return ATTEST_OK;
}

/* Reads the file at fd into the scratch file, deflated chunk by chunk, and
 * sets k->note when its content is not what the scan read. */
static attest_rc
copy_file(attest_ctx *ctx, FILE *scratch, int fd, struct kept_source *k)
{
	unsigned char *in = NULL, *z = NULL, len[4];
	uLongf zlen;
	struct core_sha256 mdc = {0};
	ssize_t n;
	size_t have;
	char got[65];
	attest_rc rc = ATTEST_ERR_NOMEM;

	in = malloc(CHUNK);
	z = malloc(compressBound(CHUNK));
	if (!in || !z || !core_sha256_init(&mdc)) {
		rc = core_nomem(ctx);
		goto out;
	}
	if (fseeko(scratch, 0, SEEK_END) != 0 || (k->offset = ftello(scratch)) < 0)
		goto io_fail;
	for (;;) {
		/* fill a whole chunk: stored chunks are CHUNK bytes but the last */
		for (have = 0; have < CHUNK; have += (size_t)n) {
			n = read(fd, in + have, CHUNK - have);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n < 0) {
				rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", k->path,
						strerror(errno));
				goto out;
			}
			if (n == 0)
				break;
		}
		if (have == 0)
			break;
		core_sha256_add(&mdc, in, have);
		zlen = compressBound(CHUNK);
		if (compress2(z, &zlen, in, have, 6) != Z_OK) {
			rc = core_error(ctx, ATTEST_ERR_INTERNAL, "cannot compress '%s'", k->path);
			goto out;
		}
		len[0] = (unsigned char)(zlen >> 24);
		len[1] = (unsigned char)(zlen >> 16);
		len[2] = (unsigned char)(zlen >> 8);
		len[3] = (unsigned char)zlen;
		if (fwrite(len, 1, 4, scratch) != 4 || fwrite(z, 1, zlen, scratch) != zlen)
			goto io_fail;
		k->n_chunks++;
		k->bytes += (long long)have;
		if (have < CHUNK)
			break;
	}
	core_sha256_end(&mdc, got);
	if (strcmp(got, k->sha) != 0)
		snprintf(k->note, sizeof(k->note),
			 "changed after the scan read it (SHA-256 now %s)", got);
	else
		k->copied = true;
	rc = ATTEST_OK;
	goto out;
io_fail:
	rc = core_error(ctx, ATTEST_ERR_IO, "cannot keep a copy of '%s' in a temporary file: %s",
			k->path, strerror(errno));
out:
	core_sha256_release(&mdc);
	free(z);
	free(in);
	return rc;
}

/* Opens path for reading again without ever blocking, and only when it is
 * a regular file; -1 with k->note set otherwise. */
static int
reopen(struct kept_source *k)
{
	struct stat sb;
	int fd = open(k->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		snprintf(k->note, sizeof(k->note), "it cannot be read again: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(k->note, sizeof(k->note),
			 "it is not a regular file (a pipe or a device cannot be read twice)");
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static attest_rc
copy_source(attest_store *s, struct store_kept *kept, const char *path, const char *sha)
{
	struct kept_source *k = &kept->src[kept->n];
	attest_rc rc = ATTEST_OK;
	int fd;

	memset(k, 0, sizeof(*k));
	if (!(k->path = core_strdup(path ? path : "")))
		return core_nomem(store_ctx(s));
	kept->n++;
	if (!sha || strlen(sha) != 64) {
		snprintf(k->note, sizeof(k->note), "its SHA-256 was not recorded");
		return ATTEST_OK;
	}
	snprintf(k->sha, sizeof(k->sha), "%s", sha);
	if (blob_exists(store_db(s), sha))
		return ATTEST_OK; /* already kept by an earlier scan: same content */
	if (strcmp(k->path, "-") == 0) {
		snprintf(k->note, sizeof(k->note), "it was read from standard input");
		return ATTEST_OK;
	}
	if ((fd = reopen(k)) < 0)
		return ATTEST_OK;
	if (!kept->scratch)
		rc = scratch_open(store_ctx(s), &kept->scratch);
	if (rc == ATTEST_OK)
		rc = copy_file(store_ctx(s), kept->scratch, fd, k);
	close(fd);
	return rc;
}

attest_rc
store_inputs_copy(attest_store *s, struct store_kept **out)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	struct store_kept *kept;
	struct kept_source *grown;
	size_t cap = 0;
	attest_rc rc = ATTEST_OK;
	int src;

	*out = NULL;
	if (!(kept = calloc(1, sizeof(*kept))))
		return core_nomem(store_ctx(s));
	if (sqlite3_prepare_v2(db, "SELECT path, sha256 FROM inv.sources ORDER BY sid", -1, &st,
			       NULL) != SQLITE_OK) {
		rc = core_error(store_ctx(s), ATTEST_ERR_DB,
				"cannot read the inventory's sources: %s", sqlite3_errmsg(db));
		goto out;
	}
	while (rc == ATTEST_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		if (kept->n == cap) {
			cap = cap ? 2 * cap : 8;
			if (!(grown = realloc(kept->src, cap * sizeof(*grown)))) {
				rc = core_nomem(store_ctx(s));
				break;
			}
			kept->src = grown;
		}
		rc = copy_source(s, kept, (const char *)sqlite3_column_text(st, 0),
				 (const char *)sqlite3_column_text(st, 1));
	}
	if (rc == ATTEST_OK && src != SQLITE_DONE)
		rc = core_error(store_ctx(s), ATTEST_ERR_DB,
				"cannot read the inventory's sources: %s", sqlite3_errmsg(db));
	if (rc == ATTEST_OK && kept->scratch && fflush(kept->scratch) != 0)
		rc = core_error(store_ctx(s), ATTEST_ERR_IO, "cannot write a temporary file: %s",
				strerror(errno));
out:
	sqlite3_finalize(st);
	if (rc != ATTEST_OK)
		store_inputs_free(kept);
	else
		*out = kept;
	return rc;
}

void
store_inputs_free(struct store_kept *kept)
{
	size_t i;

	if (!kept)
		return;
	for (i = 0; i < kept->n; i++)
		free(kept->src[i].path);
	free(kept->src);
	if (kept->scratch)
		fclose(kept->scratch);
	free(kept);
}

static attest_rc
step_done(sqlite3_stmt *st)
{
	return sqlite3_step(st) == SQLITE_DONE ? ATTEST_OK : ATTEST_ERR_DB;
}

/* Moves the copy of k from the scratch file into the database. */
static attest_rc
insert_blob(attest_store *s, FILE *scratch, const struct kept_source *k)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *blob = NULL, *chunk = NULL;
	unsigned char *z = NULL, len[4];
	unsigned long zlen;
	long long seq;
	attest_rc rc = ATTEST_ERR_DB;

	if (!(z = malloc(compressBound(CHUNK)))) {
		rc = core_nomem(store_ctx(s));
		goto out;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO input_blobs(sha256, bytes) VALUES (?1, ?2)", -1,
			       &blob, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO input_chunks(sha256, seq, data) VALUES (?1, ?2, ?3)",
			       -1, &chunk, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(blob, 1, k->sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(blob, 2, k->bytes);
	if (step_done(blob) != ATTEST_OK)
		goto out;
	if (fseeko(scratch, k->offset, SEEK_SET) != 0)
		goto io_fail;
	for (seq = 0; seq < k->n_chunks; seq++) {
		if (fread(len, 1, 4, scratch) != 4)
			goto io_fail;
		zlen = (unsigned long)len[0] << 24 | (unsigned long)len[1] << 16 |
		       (unsigned long)len[2] << 8 | len[3];
		if (zlen > compressBound(CHUNK) || fread(z, 1, zlen, scratch) != zlen)
			goto io_fail;
		sqlite3_reset(chunk);
		sqlite3_bind_text(chunk, 1, k->sha, -1, SQLITE_STATIC);
		sqlite3_bind_int64(chunk, 2, seq);
		sqlite3_bind_blob(chunk, 3, z, (int)zlen, SQLITE_STATIC);
		if (step_done(chunk) != ATTEST_OK)
			goto out;
	}
	rc = ATTEST_OK;
	goto out;
io_fail:
	rc = core_error(store_ctx(s), ATTEST_ERR_IO, "cannot read the temporary copy of '%s'",
			k->path);
out:
	if (rc == ATTEST_ERR_DB)
		rc = core_error(store_ctx(s), ATTEST_ERR_DB,
				"cannot keep a copy of '%s' in '%s': %s", k->path, store_path(s),
				sqlite3_errmsg(db));
	sqlite3_finalize(blob);
	sqlite3_finalize(chunk);
	free(z);
	return rc;
}

static attest_rc
record(attest_store *s, const char *id, long long seq, const struct kept_source *k)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	bool kept = k->note[0] == '\0';
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
	sqlite3_bind_text(st, 3, k->path, -1, SQLITE_STATIC);
	if (kept)
		sqlite3_bind_text(st, 4, k->sha, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, kept);
	if (!kept)
		sqlite3_bind_text(st, 6, k->note, -1, SQLITE_STATIC);
	rc = step_done(st);
out:
	if (rc != ATTEST_OK)
		rc = core_error(store_ctx(s), rc, "cannot record the inputs of the scan: %s",
				sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

attest_rc
store_inputs_insert(attest_store *s, const char *id, struct store_kept *kept)
{
	struct kept_source *k;
	attest_rc rc = ATTEST_OK;
	size_t i;

	for (i = 0; i < kept->n && rc == ATTEST_OK; i++) {
		k = &kept->src[i];
		if (!k->note[0] && !blob_exists(store_db(s), k->sha)) {
			if (k->copied)
				rc = insert_blob(s, kept->scratch, k);
			else /* an earlier scan's copy, pruned since we looked */
				snprintf(k->note, sizeof(k->note),
					 "its copy was deleted from the history while the scan "
					 "was saved");
		}
		if (rc != ATTEST_OK)
			break;
		if (k->note[0])
			core_log(store_ctx(s), ATTEST_LOG_WARN, "no copy of input '%s' is kept: %s",
				 k->path, k->note);
		rc = record(s, id, (long long)i + 1, k);
	}
	return rc;
}

attest_rc
store_input_write(attest_store *s, const char *sha, FILE *out, long long *bytes)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	unsigned char *buf = NULL;
	struct core_sha256 mdc = {0};
	long long total = 0, expect = -1;
	uLongf n;
	char got[65];
	attest_rc rc = ATTEST_ERR_NOMEM;

	*bytes = 0;
	buf = malloc(CHUNK);
	if (!buf || !core_sha256_init(&mdc)) {
		rc = core_nomem(store_ctx(s));
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
		rc = core_error(store_ctx(s), ATTEST_ERR_NOTFOUND,
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
			rc = core_error(store_ctx(s), ATTEST_ERR_INVALID,
					"the kept copy of input %s in '%s' is damaged", sha,
					store_path(s));
			goto out;
		}
		core_sha256_add(&mdc, buf, n);
		if (fwrite(buf, 1, n, out) != n) {
			rc = core_error(store_ctx(s), ATTEST_ERR_IO, "cannot write input %s: %s",
					sha, strerror(errno));
			goto out;
		}
		total += (long long)n;
	}
	core_sha256_end(&mdc, got);
	if (strcmp(got, sha) != 0 || total != expect) {
		rc = core_error(store_ctx(s), ATTEST_ERR_INVALID,
				"the kept copy of input %s in '%s' is damaged (its SHA-256 is %s)",
				sha, store_path(s), got);
		goto out;
	}
	*bytes = total;
	rc = ATTEST_OK;
	goto out;
db_fail:
	rc = core_error(store_ctx(s), ATTEST_ERR_DB, "cannot read input %s: %s", sha,
			sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	core_sha256_release(&mdc);
	free(buf);
	return rc;
}
