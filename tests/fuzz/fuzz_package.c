/*
 * libFuzzer target for verify's archive reader (src/report/package_untar.c).
 * The input is written to a file and listed: the reader must end in a
 * listing or an error, never a crash, hang or leak. When it accepts, the
 * input must be what attest package writes, which is checked here on its
 * own with zlib: one gzip member and nothing after it, a tar stream of
 * whole 10240-byte records ending in zero blocks.
 *
 * A custom mutator works on the tar inside the gzip member (inflate,
 * LLVMFuzzerMutate, deflate), so that mutations reach the ustar headers and
 * the end-of-archive blocks instead of dying in the gzip checksum; one time
 * in four it mutates the raw bytes (the gzip framing, trailing data).
 * Seeds: tests/data/package.
 */
#include "config.h"

#include "report/package_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define MAX_TAR (1u << 20)

static char path[4096];
static unsigned char tar[MAX_TAR];

static void
remove_file(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/fuzz-package-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		abort();
	close(fd);
	atexit(remove_file);
	return 0;
}

/* Inflates the one gzip member of data into out; its length, or -1 when
 * data is not exactly one valid gzip member that fits in max. */
static long
gunzip(const uint8_t *data, size_t size, unsigned char *out, size_t max)
{
	z_stream z;
	long n = -1;
	int zrc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = (uInt)max;
	zrc = inflate(&z, Z_FINISH);
	if (zrc == Z_STREAM_END && z.avail_in == 0)
		n = (long)(max - z.avail_out);
	inflateEnd(&z);
	return n;
}

static size_t
gzip(const unsigned char *in, size_t n, uint8_t *out, size_t max)
{
	z_stream z;
	size_t len = 0;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)max;
	if (deflate(&z, Z_FINISH) == Z_STREAM_END)
		len = max - z.avail_out;
	deflateEnd(&z);
	return len;
}

/* What verify accepted must be what attest writes: one gzip member with
 * nothing after it, whole tar blocks, the last two zero. (Padding to a whole
 * 10240-byte record is not required: packages written before the writer
 * padded still verify.) */
static void
check_accepted(const uint8_t *data, size_t size)
{
	unsigned char chunk[65536];
	long long total = 0, last_nonzero = -1;
	z_stream z;
	size_t i, got;
	int zrc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return;
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = inflate(&z, Z_NO_FLUSH);
		got = sizeof(chunk) - z.avail_out;
		for (i = 0; i < got; i++)
			if (chunk[i])
				last_nonzero = total + (long long)i;
		total += (long long)got;
	} while (zrc == Z_OK);
	inflateEnd(&z);
	if (zrc != Z_STREAM_END || z.avail_in != 0 || total % PKG_BLOCK != 0 ||
	    last_nonzero >= total - 2 * PKG_BLOCK)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	attest_ctx *ctx = attest_ctx_new();
	struct pkg_listing l;
	FILE *fp;
	size_t i;

	if (!ctx)
		return 0;
	if (!(fp = fopen(path, "wb")) || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	pkg_listing_init(&l);
	if (pkg_tar_list(ctx, path, &l) == ATTEST_OK) {
		check_accepted(data, size);
		for (i = 0; i < l.n; i++)
			if ((i && strcmp(l.v[i - 1].path, l.v[i].path) >= 0) ||
			    !pkg_path_safe(l.v[i].path))
				abort();
	}
	pkg_listing_release(&l);
	attest_ctx_free(ctx);
	return 0;
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	long n;
	size_t out;

	if (seed % 4 == 0 || (n = gunzip(data, size, tar, sizeof(tar) / 2)) < 0)
		return LLVMFuzzerMutate(data, size, max_size);
	n = (long)LLVMFuzzerMutate(tar, (size_t)n, sizeof(tar) / 2);
	out = gzip(tar, (size_t)n, data, max_size);
	return out ? out : LLVMFuzzerMutate(data, size, max_size);
}
