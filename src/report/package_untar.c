/*
 * Reading a package archive for verify. The archive may be hostile, so it
 * is accepted only in exactly the form pkg_tar_write() gives it: one gzip
 * member (zlib checks its CRC-32 and length) with no extra field, comment or
 * byte after it; POSIX ustar headers ("ustar\0" "00") that are byte for
 * byte the header attest writes for that name, size and time, for regular
 * files only, with zero padding; then two zero blocks and only zero
 * padding up to the end of the 10240-byte record. Anything else could make
 * what `tar -xzf` extracts differ from what was verified (a GNU header
 * whose prefix GNU tar ignores, members after the end-of-archive blocks,
 * a second gzip member) or carry bytes that nothing verifies, and is
 * refused with the reason.
 *
 * Members are hashed as they stream out of zlib into a listing sorted by
 * name, as attest writes them; nothing is extracted and nothing is created
 * on disk.
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct tar_in {
	z_stream z;
	gz_header gzh;
	unsigned char gz_extra[1];
	unsigned char gz_name[1], gz_comment[1];
	FILE *in;
	unsigned char buf[65536];
	bool end; /* the gzip member is complete */
	const char *name;
	long long offset; /* bytes of the tar stream read */
	long long mtime;  /* of the first member; every member has the same */
	size_t members;
};

/* Reads up to n bytes of the tar stream; *got < n only at the end of the
 * gzip member. A corrupt or truncated gzip member is an error. */
static attest_rc
gz_read_some(attest_ctx *ctx, struct tar_in *g, void *p, size_t n, size_t *got)
{
	int zrc;

	g->z.next_out = p;
	g->z.avail_out = (uInt)n;
	while (g->z.avail_out > 0 && !g->end) {
		if (g->z.avail_in == 0) {
			g->z.avail_in = (uInt)fread(g->buf, 1, sizeof(g->buf), g->in);
			g->z.next_in = g->buf;
			if (g->z.avail_in == 0)
				return core_error(ctx, ATTEST_ERR_PARSE,
						  ferror(g->in) ? "cannot read '%s'"
								: "'%s' is truncated",
						  g->name);
		}
		zrc = inflate(&g->z, Z_NO_FLUSH);
		if (zrc == Z_STREAM_END)
			g->end = true;
		else if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return core_error(ctx, ATTEST_ERR_PARSE,
					  "'%s' is not a valid gzip file: %s", g->name,
					  g->z.msg ? g->z.msg : "corrupt data");
	}
	*got = n - g->z.avail_out;
	g->offset += (long long)*got;
	return ATTEST_OK;
}

/* Reads exactly n bytes; what names the part being read when the archive
 * ends first. */
static attest_rc
gz_read(attest_ctx *ctx, struct tar_in *g, void *p, size_t n, const char *what)
{
	size_t got;
	attest_rc rc;

	if ((rc = gz_read_some(ctx, g, p, n, &got)) != ATTEST_OK)
		return rc;
	if (got < n)
		return core_error(ctx, ATTEST_ERR_PARSE, "'%s' is truncated: the archive ends %s",
				  g->name, what);
	return ATTEST_OK;
}

static bool
all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Reads n bytes (at most a block) that must be zeros: *zero says if they
 * are. */
static attest_rc
read_zeros(attest_ctx *ctx, struct tar_in *g, size_t n, const char *what, bool *zero)
{
	unsigned char b[PKG_BLOCK];
	attest_rc rc;

	*zero = true;
	if (n && (rc = gz_read(ctx, g, b, n, what)) != ATTEST_OK)
		return rc;
	*zero = all_zero(b, n);
	return ATTEST_OK;
}

/* An unsigned octal number as ustar writes it: digits, then spaces or NULs;
 * the exact form is checked against the rebuilt header. */
static bool
parse_octal(const char *f, size_t size, long long *out)
{
	long long v = 0;
	size_t i = 0;

	if (f[0] < '0' || f[0] > '7')
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

static const char *
type_name(char t)
{
	switch (t) {
	case '\0':
		return "a pre-POSIX regular file header";
	case '1':
		return "a hard link";
	case '2':
		return "a symbolic link";
	case '3':
		return "a character device";
	case '4':
		return "a block device";
	case '5':
		return "a directory";
	case '6':
		return "a FIFO";
	case '7':
		return "a contiguous file";
	case 'x':
	case 'g':
		return "a pax extended header";
	case 'L':
	case 'K':
		return "a GNU long-name header";
	default:
		return "of an unsupported type";
	}
}

/* The name of the header field at byte offset off. */
static const char *
field_at(size_t off)
{
	static const struct {
		size_t off;
		const char *name;
	} f[] = {
		{offsetof(struct pkg_ustar, pad), "padding"},
		{offsetof(struct pkg_ustar, prefix), "prefix"},
		{offsetof(struct pkg_ustar, devminor), "devminor"},
		{offsetof(struct pkg_ustar, devmajor), "devmajor"},
		{offsetof(struct pkg_ustar, gname), "gname"},
		{offsetof(struct pkg_ustar, uname), "uname"},
		{offsetof(struct pkg_ustar, version), "version"},
		{offsetof(struct pkg_ustar, magic), "magic"},
		{offsetof(struct pkg_ustar, linkname), "linkname"},
		{offsetof(struct pkg_ustar, typeflag), "typeflag"},
		{offsetof(struct pkg_ustar, chksum), "chksum"},
		{offsetof(struct pkg_ustar, mtime), "mtime"},
		{offsetof(struct pkg_ustar, size), "size"},
		{offsetof(struct pkg_ustar, gid), "gid"},
		{offsetof(struct pkg_ustar, uid), "uid"},
		{offsetof(struct pkg_ustar, mode), "mode"},
		{0, "name"},
	};
	size_t i;

	for (i = 0; off < f[i].off; i++)
		;
	return f[i].name;
}

/* The checksum, magic and version: is the block a POSIX ustar header? */
static attest_rc
header_framing(attest_ctx *ctx, struct tar_in *g, const struct pkg_ustar *h)
{
	const unsigned char *b = (const unsigned char *)h;
	long long sum;
	unsigned computed = 0;
	size_t i;

	for (i = 0; i < PKG_BLOCK; i++)
		computed += (i >= 148 && i < 156) ? ' ' : b[i];
	if (!parse_octal(h->chksum, sizeof(h->chksum), &sum) || sum != computed)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "'%s' is not a valid ustar archive (bad header checksum after "
				  "member %zu)",
				  g->name, g->members);
	if (memcmp(h->magic, "ustar  ", 8) == 0)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': member %zu has a GNU tar header ('ustar  '), "
				  "whose prefix field GNU tar ignores; packages are POSIX ustar",
				  g->name, g->members + 1);
	if (memcmp(h->magic, "ustar", 6) != 0 || memcmp(h->version, "00", 2) != 0)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': member %zu is not a POSIX ustar header (magic "
				  "\"ustar\\0\", version \"00\")",
				  g->name, g->members + 1);
	return ATTEST_OK;
}

/* Checks the header h of the next member; fills name and *size. */
static attest_rc
header_read(attest_ctx *ctx, struct tar_in *g, const struct pkg_ustar *h, char *name,
	    size_t name_size, long long *size)
{
	struct pkg_ustar want;
	long long mtime;
	size_t nlen = strnlen(h->name, sizeof(h->name));
	size_t plen = strnlen(h->prefix, sizeof(h->prefix)), i;
	attest_rc rc;

	if ((rc = header_framing(ctx, g, h)) != ATTEST_OK)
		return rc;
	snprintf(name, name_size, "%.*s%s%.*s", (int)plen, h->prefix, plen ? "/" : "", (int)nlen,
		 h->name);
	if (h->typeflag != '0')
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': member '%s' is %s; packages hold regular files "
				  "only",
				  g->name, name, type_name(h->typeflag));
	if (!pkg_path_safe(name))
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': member '%s' has an unsafe name (absolute, '..', "
				  "'.' or empty components)",
				  g->name, name);
	if (!parse_octal(h->size, sizeof(h->size), size) || *size > PKG_MAX_MEMBER ||
	    !parse_octal(h->mtime, sizeof(h->mtime), &mtime))
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': member '%s' has an invalid or too large size or "
				  "time",
				  g->name, name);
	if (pkg_tar_header(ctx, &want, name, *size, (time_t)mtime) != ATTEST_OK)
		return ATTEST_ERR_INVALID;
	/* The checksum last: it differs whenever another field does. */
	for (i = 0; i < PKG_BLOCK; i++)
		if (((const unsigned char *)h)[(i + 156) % PKG_BLOCK] !=
		    ((const unsigned char *)&want)[(i + 156) % PKG_BLOCK])
			return core_error(ctx, ATTEST_ERR_INVALID,
					  "refusing '%s': the header of member '%s' is not as "
					  "attest writes it (its %s field differs)",
					  g->name, name, field_at((i + 156) % PKG_BLOCK));
	if (g->members == 0)
		g->mtime = mtime;
	else if (mtime != g->mtime)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': member '%s' has another time than the package's "
				  "other members",
				  g->name, name);
	return ATTEST_OK;
}

/* Hashes the member's size bytes into l, then checks its zero padding. */
static attest_rc
member_read(attest_ctx *ctx, struct tar_in *g, struct pkg_listing *l, const char *name,
	    long long size)
{
	unsigned char data[PKG_BLOCK * 16];
	struct pkg_hashing hash;
	long long left, want;
	size_t pad = size % PKG_BLOCK ? PKG_BLOCK - (size_t)(size % PKG_BLOCK) : 0;
	bool zero;
	attest_rc rc;

	if ((rc = pkg_hash_begin(ctx, l, &hash, name)) != ATTEST_OK)
		return rc;
	for (left = size; left > 0; left -= want) {
		want = left < (long long)sizeof(data) ? left : (long long)sizeof(data);
		if ((rc = gz_read(ctx, g, data, (size_t)want, "inside a member")) != ATTEST_OK ||
		    (rc = pkg_hash_update(ctx, &hash, data, (size_t)want)) != ATTEST_OK) {
			pkg_hash_abort(&hash);
			return rc;
		}
	}
	if ((rc = pkg_hash_end(ctx, l, &hash)) != ATTEST_OK ||
	    (rc = read_zeros(ctx, g, pad, "inside a member", &zero)) != ATTEST_OK)
		return rc;
	return zero ? ATTEST_OK
		    : core_error(ctx, ATTEST_ERR_INVALID,
				 "refusing '%s': the padding after member '%s' is not zero",
				 g->name, name);
}

/* After the first zero block: the second, zero padding to the end of the
 * record, the end of the gzip member and of the file. */
static attest_rc
archive_end(attest_ctx *ctx, struct tar_in *g)
{
	unsigned char data[PKG_BLOCK * 4];
	long long room = 0;
	size_t got, want;
	bool zero;
	attest_rc rc;

	if ((rc = read_zeros(ctx, g, PKG_BLOCK,
			     "after one zero block (a tar archive ends with two)", &zero)) !=
	    ATTEST_OK)
		return rc;
	if (!zero)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': a lone zero block is followed by more data "
				  "(members hidden after an end-of-archive marker)",
				  g->name);
	room = (g->offset + PKG_RECORD - 1) / PKG_RECORD * PKG_RECORD - g->offset;
	do {
		/* one byte more than the record holds shows data past its end */
		want = room + 1 < (long long)sizeof(data) ? (size_t)room + 1 : sizeof(data);
		if ((rc = gz_read_some(ctx, g, data, want, &got)) != ATTEST_OK)
			return rc;
		if (!all_zero(data, got) || (long long)got > room)
			return core_error(ctx, ATTEST_ERR_INVALID,
					  "refusing '%s': data after the end-of-archive blocks "
					  "(only zero padding to the end of the %d-byte record "
					  "may follow them)",
					  g->name, PKG_RECORD);
		room -= (long long)got;
	} while (!g->end);
	if (g->offset % PKG_BLOCK)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': the tar stream does not end on a %d-byte block",
				  g->name, PKG_BLOCK);
	return ATTEST_OK;
}

/* The gzip member ended: nothing may follow it, and its header may carry
 * no extra field or comment (bytes that nothing would verify). */
static attest_rc
gzip_end(attest_ctx *ctx, struct tar_in *g)
{
	unsigned char next[2] = {0, 0};
	size_t n = g->z.avail_in;

	if (n > 0)
		memcpy(next, g->z.next_in, n > 1 ? 2 : 1);
	else if ((n = fread(next, 1, 2, g->in)) == 0 && ferror(g->in))
		return core_error(ctx, ATTEST_ERR_IO, "cannot read '%s'", g->name);
	if (n > 0)
		return core_error(
			ctx, ATTEST_ERR_INVALID,
			n > 1 && next[0] == 0x1f && next[1] == 0x8b
				? "refusing '%s': a second gzip member follows the "
				  "archive's (a package is one gzip member)"
				: "refusing '%s': bytes follow the end of the gzip member",
			g->name);
	if (g->gzh.extra != Z_NULL || g->gzh.comment != Z_NULL)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': its gzip header carries an extra field or a "
				  "comment",
				  g->name);
	return ATTEST_OK;
}

static attest_rc
tar_open(attest_ctx *ctx, struct tar_in *g, const char *path)
{
	g->name = path;
	if (!(g->in = fopen(path, "rb")))
		return core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", path,
				  strerror(errno));
	if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
		fclose(g->in);
		g->in = NULL;
		return core_nomem(ctx);
	}
	/* Buffers make zlib note the fields; it sets them to Z_NULL when absent. */
	g->gzh.extra = g->gz_extra;
	g->gzh.extra_max = sizeof(g->gz_extra);
	g->gzh.name = g->gz_name;
	g->gzh.name_max = sizeof(g->gz_name);
	g->gzh.comment = g->gz_comment;
	g->gzh.comm_max = sizeof(g->gz_comment);
	inflateGetHeader(&g->z, &g->gzh);
	return ATTEST_OK;
}

/* attest writes the members sorted by name: l stays sorted, and a name
 * cannot appear twice (a later copy would replace the verified one when
 * extracted). */
static attest_rc
order_check(attest_ctx *ctx, struct tar_in *g, const struct pkg_listing *l, const char *name)
{
	int c = l->n ? strcmp(l->v[l->n - 1].path, name) : -1;

	if (c == 0)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': member '%s' appears more than once", g->name,
				  name);
	if (c > 0)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "refusing '%s': member '%s' is out of order (attest writes the "
				  "members sorted by name)",
				  g->name, name);
	return ATTEST_OK;
}

/* Reads every member into l, up to the first zero block. */
static attest_rc
members_read(attest_ctx *ctx, struct tar_in *g, struct pkg_listing *l)
{
	union {
		struct pkg_ustar h;
		unsigned char b[PKG_BLOCK];
	} blk;
	char name[PKG_MAX_PATH + 2];
	long long size = 0, total = 0;
	attest_rc rc;

	for (;;) {
		if ((rc = gz_read(ctx, g, blk.b, PKG_BLOCK, "without its end-of-archive blocks")) !=
		    ATTEST_OK)
			return rc;
		if (all_zero(blk.b, PKG_BLOCK))
			return ATTEST_OK;
		if ((rc = header_read(ctx, g, &blk.h, name, sizeof(name), &size)) != ATTEST_OK ||
		    (rc = order_check(ctx, g, l, name)) != ATTEST_OK)
			return rc;
		total += size;
		if (l->n >= PKG_MAX_FILES || total > PKG_MAX_TOTAL)
			return core_error(ctx, ATTEST_ERR_LIMIT,
					  "refusing '%s': more files or bytes than a package may "
					  "hold",
					  g->name);
		if ((rc = member_read(ctx, g, l, name, size)) != ATTEST_OK)
			return rc;
		g->members++;
	}
}

attest_rc
pkg_tar_list(attest_ctx *ctx, const char *path, struct pkg_listing *l)
{
	struct tar_in *g = calloc(1, sizeof(*g));
	attest_rc rc;

	if (!g)
		return core_nomem(ctx);
	if ((rc = tar_open(ctx, g, path)) != ATTEST_OK) {
		free(g);
		return rc;
	}
	if ((rc = members_read(ctx, g, l)) == ATTEST_OK && (rc = archive_end(ctx, g)) == ATTEST_OK)
		rc = gzip_end(ctx, g);
	inflateEnd(&g->z);
	fclose(g->in);
	free(g);
	return rc;
}
