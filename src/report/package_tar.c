/*
 * The archive form of a package: POSIX ustar (IEEE Std 1003.1-1988, as
 * extended in 2001), gzip-compressed with zlib. Only what a package needs is
 * written: regular files with mode 0644, owner 0, the package's time, names
 * split into prefix and name fields when longer than 100 bytes.
 *
 * Reading is for verify, on archives that may be hostile. Members are
 * hashed as they stream out of zlib; nothing is extracted and nothing is
 * created on disk. Only regular files and directories are accepted; links,
 * devices, FIFOs and pax/GNU extension headers are refused, as are absolute
 * names, "." or ".." components, duplicate names, bad header checksums and
 * sizes beyond the PKG_MAX_* bounds.
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BLOCK 512

struct ustar {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8];
	char typeflag, linkname[100], magic[6], version[2], uname[32], gname[32];
	char devmajor[8], devminor[8], prefix[155], pad[12];
};
_Static_assert(sizeof(struct ustar) == BLOCK, "a ustar header is one block");

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
			return attest_error(ctx, ATTEST_ERR_INTERNAL, "cannot compress '%s'",
					    g->name);
		n = sizeof(g->buf) - g->z.avail_out;
		if (n && fwrite(g->buf, 1, n, g->out) != n)
			return attest_error(ctx, ATTEST_ERR_IO, "cannot write '%s': %s", g->name,
					    strerror(errno));
	} while (g->z.avail_out == 0 || (flush == Z_FINISH && zrc != Z_STREAM_END));
	return ATTEST_OK;
}

static void
octal(char *field, size_t size, unsigned long long v)
{
	snprintf(field, size, "%0*llo", (int)size - 1, v);
}

static attest_rc
header(attest_ctx *ctx, struct ustar *h, const char *path, long long bytes, time_t mtime)
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
			return attest_error(ctx, ATTEST_ERR_LIMIT,
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
	for (i = 0; i < BLOCK; i++)
		sum += p[i];
	snprintf(h->chksum, sizeof(h->chksum), "%06o", sum);
	return ATTEST_OK;
}

attest_rc
pkg_tar_write(attest_ctx *ctx, const char *dir, char *const *paths, size_t n, time_t mtime,
	      FILE *out, const char *name)
{
	struct gz_out *g = calloc(1, sizeof(*g));
	static const unsigned char zero[2 * BLOCK];
	unsigned char buf[65536];
	struct ustar h;
	char full[4096];
	FILE *fp = NULL;
	long long bytes, done;
	size_t i, got;
	attest_rc rc;

	if (!g)
		return attest_nomem(ctx);
	g->out = out;
	g->name = name;
	if (deflateInit2(&g->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g);
		return attest_nomem(ctx);
	}
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", dir, paths[i]) >= sizeof(full)) {
			rc = attest_error(ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", paths[i]);
			goto out;
		}
		if (!(fp = fopen(full, "rb"))) {
			rc = attest_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", full,
					  strerror(errno));
			goto out;
		}
		if (fseeko(fp, 0, SEEK_END) != 0 || (bytes = ftello(fp)) < 0 ||
		    fseeko(fp, 0, SEEK_SET) != 0) {
			rc = attest_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", full,
					  strerror(errno));
			goto out;
		}
		if ((rc = header(ctx, &h, paths[i], bytes, mtime)) != ATTEST_OK ||
		    (rc = gz_put(ctx, g, &h, sizeof(h), Z_NO_FLUSH)) != ATTEST_OK)
			goto out;
		for (done = 0; (got = fread(buf, 1, sizeof(buf), fp)) > 0; done += (long long)got)
			if ((rc = gz_put(ctx, g, buf, got, Z_NO_FLUSH)) != ATTEST_OK)
				goto out;
		if (ferror(fp) || done != bytes) {
			rc = attest_error(ctx, ATTEST_ERR_IO, "'%s' changed while it was archived",
					  full);
			goto out;
		}
		fclose(fp);
		fp = NULL;
		if (bytes % BLOCK &&
		    (rc = gz_put(ctx, g, zero, BLOCK - (size_t)(bytes % BLOCK), Z_NO_FLUSH)) !=
			    ATTEST_OK)
			goto out;
	}
	rc = gz_put(ctx, g, zero, sizeof(zero), Z_FINISH);
out:
	if (fp)
		fclose(fp);
	deflateEnd(&g->z);
	free(g);
	return rc;
}

/* ---- reading ------------------------------------------------------------- */

struct gz_in {
	z_stream z;
	FILE *in;
	unsigned char buf[65536];
	bool end; /* the gzip stream is complete */
	const char *name;
};

/* Reads exactly n bytes; ATTEST_ERR_PARSE on a truncated or corrupt stream. */
static attest_rc
gz_read(attest_ctx *ctx, struct gz_in *g, void *p, size_t n)
{
	int zrc;

	g->z.next_out = p;
	g->z.avail_out = (uInt)n;
	while (g->z.avail_out > 0) {
		if (g->end)
			return attest_error(ctx, ATTEST_ERR_PARSE,
					    "'%s' is truncated: the archive ends inside a member",
					    g->name);
		if (g->z.avail_in == 0) {
			g->z.avail_in = (uInt)fread(g->buf, 1, sizeof(g->buf), g->in);
			g->z.next_in = g->buf;
			if (g->z.avail_in == 0)
				return attest_error(ctx, ATTEST_ERR_PARSE,
						    ferror(g->in) ? "cannot read '%s'"
								  : "'%s' is truncated",
						    g->name);
		}
		zrc = inflate(&g->z, Z_NO_FLUSH);
		if (zrc == Z_STREAM_END)
			g->end = true;
		else if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return attest_error(ctx, ATTEST_ERR_PARSE,
					    "'%s' is not a valid gzip file: %s", g->name,
					    g->z.msg ? g->z.msg : "corrupt data");
	}
	return ATTEST_OK;
}

static bool
parse_octal(const char *f, size_t size, long long *out)
{
	long long v = 0;
	size_t i = 0;

	while (i < size && f[i] == ' ')
		i++;
	if (i == size || f[i] < '0' || f[i] > '7')
		return false;
	for (; i < size && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (PKG_MAX_TOTAL >> 3))
			return false;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < size; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*out = v;
	return true;
}

static bool
all_zero(const unsigned char *p)
{
	size_t i;

	for (i = 0; i < BLOCK; i++)
		if (p[i])
			return false;
	return true;
}

static const char *
type_name(char t)
{
	switch (t) {
	case '1': return "a hard link";
	case '2': return "a symbolic link";
	case '3': return "a character device";
	case '4': return "a block device";
	case '6': return "a FIFO";
	case 'x': case 'g': return "a pax extended header";
	case 'L': case 'K': return "a GNU long-name header";
	default: return "of an unsupported type";
	}
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct pkg_entry *)a)->path, ((const struct pkg_entry *)b)->path);
}

attest_rc
pkg_tar_list(attest_ctx *ctx, const char *path, struct pkg_listing *l)
{
	struct gz_in *g = calloc(1, sizeof(*g));
	union { struct ustar h; unsigned char b[BLOCK]; } blk;
	unsigned char data[BLOCK * 16];
	struct pkg_hashing hash = {0};
	char name[PKG_MAX_PATH + 2];
	long long size, sum, total = 0, left, want;
	unsigned computed;
	size_t i, nlen, plen;
	bool hashing = false;
	attest_rc rc = ATTEST_ERR_INVALID;

	if (!g)
		return attest_nomem(ctx);
	g->name = path;
	if (!(g->in = fopen(path, "rb"))) {
		free(g);
		return attest_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", path,
				    strerror(errno));
	}
	if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
		rc = attest_nomem(ctx);
		goto out;
	}
	for (;;) {
		if ((rc = gz_read(ctx, g, blk.b, BLOCK)) != ATTEST_OK)
			goto out;
		if (all_zero(blk.b))
			break; /* end of archive */
		rc = ATTEST_ERR_INVALID;
		for (computed = 0, i = 0; i < BLOCK; i++)
			computed += (i >= 148 && i < 156) ? ' ' : blk.b[i];
		if (!parse_octal(blk.h.chksum, sizeof(blk.h.chksum), &sum) || sum != computed) {
			attest_error(ctx, rc, "'%s' is not a valid ustar archive (bad header checksum "
				     "after member %zu)", path, l->n);
			goto out;
		}
		if (memcmp(blk.h.magic, "ustar", 5) != 0) {
			attest_error(ctx, rc, "'%s' is not a ustar archive", path);
			goto out;
		}
		nlen = strnlen(blk.h.name, sizeof(blk.h.name));
		plen = strnlen(blk.h.prefix, sizeof(blk.h.prefix));
		snprintf(name, sizeof(name), "%.*s%s%.*s", (int)plen, blk.h.prefix, plen ? "/" : "",
			 (int)nlen, blk.h.name);
		if (!parse_octal(blk.h.size, sizeof(blk.h.size), &size) || size > PKG_MAX_MEMBER) {
			attest_error(ctx, rc, "member '%s' of '%s' has an invalid or too large size",
				     name, path);
			goto out;
		}
		if (blk.h.typeflag == '5') {
			/* A directory: its name must be safe too; it carries no data. */
			if (name[0] && name[strlen(name) - 1] == '/')
				name[strlen(name) - 1] = '\0';
			if (!pkg_path_safe(name) || size != 0) {
				attest_error(ctx, rc, "refusing '%s': unsafe directory member '%s'",
					     path, name);
				goto out;
			}
			continue;
		}
		if (blk.h.typeflag != '0' && blk.h.typeflag != '\0') {
			attest_error(ctx, rc, "refusing '%s': member '%s' is %s; packages hold "
				     "regular files only", path, name, type_name(blk.h.typeflag));
			goto out;
		}
		if (!pkg_path_safe(name)) {
			attest_error(ctx, rc, "refusing '%s': member '%s' has an unsafe name "
				     "(absolute, '..', '.' or empty components)", path, name);
			goto out;
		}
		total += size;
		if (l->n >= PKG_MAX_FILES || total > PKG_MAX_TOTAL) {
			attest_error(ctx, ATTEST_ERR_LIMIT,
				     "refusing '%s': more files or bytes than a package may hold", path);
			rc = ATTEST_ERR_LIMIT;
			goto out;
		}
		if ((rc = pkg_hash_begin(ctx, l, &hash, name)) != ATTEST_OK)
			goto out;
		hashing = true;
		for (left = size; left > 0; left -= want) {
			want = left < (long long)sizeof(data) ? left : (long long)sizeof(data);
			if ((rc = gz_read(ctx, g, data, (size_t)want)) != ATTEST_OK ||
			    (rc = pkg_hash_update(ctx, &hash, data, (size_t)want)) != ATTEST_OK)
				goto out;
		}
		if (size % BLOCK &&
		    (rc = gz_read(ctx, g, data, BLOCK - (size_t)(size % BLOCK))) != ATTEST_OK)
			goto out;
		hashing = false;
		if ((rc = pkg_hash_end(ctx, l, &hash)) != ATTEST_OK)
			goto out;
	}
	qsort(l->v, l->n, sizeof(*l->v), cmp_path);
	for (i = 1; i < l->n; i++)
		if (strcmp(l->v[i - 1].path, l->v[i].path) == 0) {
			rc = attest_error(ctx, ATTEST_ERR_INVALID,
					  "refusing '%s': member '%s' appears more than once", path,
					  l->v[i].path);
			goto out;
		}
	rc = ATTEST_OK;
out:
	if (hashing)
		pkg_hash_abort(&hash);
	inflateEnd(&g->z);
	fclose(g->in);
	free(g);
	return rc;
}
