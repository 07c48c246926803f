/*
 * The archive form of a package: POSIX ustar (IEEE Std 1003.1-1988, as
 * extended in 2001), gzip-compressed with zlib as one gzip member. Only what
 * a package needs is written: regular files with mode 0644, owner 0, the
 * package's time, names split into prefix and name fields when longer than
 * 100 bytes; then two zero blocks and zero padding to the end of a
 * 10240-byte record, as tar(1) writes. Reading (package_untar.c) accepts
 * exactly this form.
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

_Static_assert(sizeof(struct pkg_ustar) == PKG_BLOCK, "a ustar header is one block");

/* ---- writing ------------------------------------------------------------- */

struct gz_out {
	z_stream z;
	FILE *out;
	unsigned char buf[65536];
	const char *name;
};

static attest_rc
gz_put(attest_ctx *ctx, struct gz_out *g, const void *p, size_t n, int flush)
{
	int zrc;

	g->z.next_in = (Bytef *)(uintptr_t)p;
	g->z.avail_in = (uInt)n;
	do {
		g->z.next_out = g->buf;
		g->z.avail_out = sizeof(g->buf);
		zrc = deflate(&g->z, flush);
		if (zrc == Z_STREAM_ERROR)
			return core_error(ctx, ATTEST_ERR_INTERNAL, "cannot compress '%s'",
					  g->name);
		n = sizeof(g->buf) - g->z.avail_out;
		if (n && fwrite(g->buf, 1, n, g->out) != n)
			return core_error(ctx, ATTEST_ERR_IO, "cannot write '%s': %s", g->name,
					  strerror(errno));
	} while (g->z.avail_out == 0 || (flush == Z_FINISH && zrc != Z_STREAM_END));
	return ATTEST_OK;
}

static void
octal(char *field, size_t size, unsigned long long v)
{
	snprintf(field, size, "%0*llo", (int)size - 1, v);
}

attest_rc
pkg_tar_header(attest_ctx *ctx, struct pkg_ustar *h, const char *path, long long bytes,
	       time_t mtime)
{
	size_t len = strlen(path), cut;
	unsigned sum = 0;
	const unsigned char *p = (const unsigned char *)h;
	size_t i;

	memset(h, 0, sizeof(*h));
	if (len <= sizeof(h->name)) {
		memcpy(h->name, path, len);
	} else {
		/* Split at a '/' so that the prefix fits in 155 bytes, the rest in 100. */
		for (cut = len - 1; cut > 0; cut--)
			if (path[cut] == '/' && cut <= sizeof(h->prefix) &&
			    len - cut - 1 <= sizeof(h->name) && len - cut - 1 > 0)
				break;
		if (cut == 0)
			return core_error(ctx, ATTEST_ERR_LIMIT,
					  "'%s' is too long a name for a ustar archive", path);
		memcpy(h->prefix, path, cut);
		memcpy(h->name, path + cut + 1, len - cut - 1);
	}
	octal(h->mode, sizeof(h->mode), 0644);
	octal(h->uid, sizeof(h->uid), 0);
	octal(h->gid, sizeof(h->gid), 0);
	octal(h->size, sizeof(h->size), (unsigned long long)bytes);
	octal(h->mtime, sizeof(h->mtime), (unsigned long long)(mtime > 0 ? mtime : 0));
	h->typeflag = '0';
	memcpy(h->magic, "ustar", 6);
	memcpy(h->version, "00", 2);
	memset(h->chksum, ' ', sizeof(h->chksum));
	for (i = 0; i < PKG_BLOCK; i++)
		sum += p[i];
	snprintf(h->chksum, sizeof(h->chksum), "%06o", sum);
	return ATTEST_OK;
}

attest_rc
pkg_tar_write(attest_ctx *ctx, const char *dir, char *const *paths, size_t n, time_t mtime,
	      FILE *out, const char *name)
{
	struct gz_out *g = calloc(1, sizeof(*g));
	static const unsigned char zero[PKG_RECORD];
	unsigned char buf[65536];
	struct pkg_ustar h;
	char full[4096];
	FILE *fp = NULL;
	long long bytes, done, offset = 0;
	size_t i, got;
	attest_rc rc;

	if (!g)
		return core_nomem(ctx);
	g->out = out;
	g->name = name;
	if (deflateInit2(&g->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g);
		return core_nomem(ctx);
	}
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", dir, paths[i]) >= sizeof(full)) {
			rc = core_error(ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", paths[i]);
			goto out;
		}
		if (!(fp = fopen(full, "rb"))) {
			rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", full,
					strerror(errno));
			goto out;
		}
		if (fseeko(fp, 0, SEEK_END) != 0 || (bytes = ftello(fp)) < 0 ||
		    fseeko(fp, 0, SEEK_SET) != 0) {
			rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", full,
					strerror(errno));
			goto out;
		}
		if ((rc = pkg_tar_header(ctx, &h, paths[i], bytes, mtime)) != ATTEST_OK ||
		    (rc = gz_put(ctx, g, &h, sizeof(h), Z_NO_FLUSH)) != ATTEST_OK)
			goto out;
		for (done = 0; (got = fread(buf, 1, sizeof(buf), fp)) > 0; done += (long long)got)
			if ((rc = gz_put(ctx, g, buf, got, Z_NO_FLUSH)) != ATTEST_OK)
				goto out;
		if (ferror(fp) || done != bytes) {
			rc = core_error(ctx, ATTEST_ERR_IO, "'%s' changed while it was archived",
					full);
			goto out;
		}
		fclose(fp);
		fp = NULL;
		if (bytes % PKG_BLOCK &&
		    (rc = gz_put(ctx, g, zero, PKG_BLOCK - (size_t)(bytes % PKG_BLOCK),
				 Z_NO_FLUSH)) != ATTEST_OK)
			goto out;
		offset += PKG_BLOCK + (bytes + PKG_BLOCK - 1) / PKG_BLOCK * PKG_BLOCK;
	}
	/* Two zero blocks end the archive; zeros fill the last record. */
	offset += 2 * PKG_BLOCK;
	rc = gz_put(ctx, g, zero,
		    2 * PKG_BLOCK + (size_t)((PKG_RECORD - offset % PKG_RECORD) % PKG_RECORD),
		    Z_FINISH);
out:
	if (fp)
		fclose(fp);
	deflateEnd(&g->z);
	free(g);
	return rc;
}
