/*
 * Temporary files that must not outlive the process. The inventory database
 * holds the raw configuration of an estate (environment variables, user
 * data), and half-written reports are worse than none, so every such file is
 * registered here while it exists, and so is every directory a package is
 * staged in (removed with all it holds). attest_tmp_cleanup() removes them
 * and is async-signal-safe (unlink, and for directories openat, the
 * getdents64 system call, unlinkat and close, on fixed storage), so the
 * program can call it from SIGINT/SIGTERM/SIGHUP handlers. SIGKILL cannot
 * be caught: the files are created mode 0600 in $TMPDIR, readable only by
 * their owner.
 *
 * This is process-wide state by necessity (a signal handler has no
 * context); it is written only outside signal handlers.
 */
#include "config.h"

#include "core_int.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#define MAX_TMP 64
#define PATH_MAX_LEN 4096

#define MAX_DEPTH 16 /* a package's staging tree is 4 deep */

static char paths[MAX_TMP][PATH_MAX_LEN];
static volatile sig_atomic_t used[MAX_TMP];
static volatile sig_atomic_t is_dir[MAX_TMP];

static void
add(const char *path, int dir)
{
	size_t i, n = strlen(path);

	if (n >= PATH_MAX_LEN)
		return;
	for (i = 0; i < MAX_TMP; i++)
		if (!used[i]) {
			memcpy(paths[i], path, n + 1);
			is_dir[i] = dir;
			used[i] = 1;
			return;
		}
}

void
attest_tmp_register(const char *path)
{
	add(path, 0);
}

void
attest_tmp_register_dir(const char *path)
{
	add(path, 1);
}

#ifdef SYS_getdents64
struct dirent64_raw {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Removes name (relative to the directory parent) and, when it is a
 * directory, everything under it; true when it is gone. Only system calls:
 * opendir() and readdir() may allocate, which a signal handler must not. */
static bool
remove_tree(int parent, const char *name, int depth)
{
	char buf[2048];
	const struct dirent64_raw *d;
	long n, off;
	int fd, pass;
	bool again = true;

	if (unlinkat(parent, name, 0) == 0)
		return true;
	if (depth >= MAX_DEPTH ||
	    (fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return false;
	/* Removing entries while reading may skip some: read again while any
	 * went. */
	for (pass = 0; again && pass < 4; pass++) {
		again = false;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
			for (off = 0; off < n; off += d->reclen) {
				d = (const struct dirent64_raw *)(const void *)(buf + off);
				if (strcmp(d->name, ".") != 0 && strcmp(d->name, "..") != 0 &&
				    remove_tree(fd, d->name, depth + 1))
					again = true;
			}
	}
	close(fd);
	return unlinkat(parent, name, AT_REMOVEDIR) == 0;
}
#else
/* Without getdents64 nothing under the directory can be listed safely in a
 * signal handler: only an empty directory is removed. */
static bool
remove_tree(int parent, const char *name, int depth)
{
	(void)depth;
	return unlinkat(parent, name, 0) == 0 || unlinkat(parent, name, AT_REMOVEDIR) == 0;
}
#endif

void
attest_tmp_unregister(const char *path)
{
	size_t i;

	for (i = 0; i < MAX_TMP; i++)
		if (used[i] && strcmp(paths[i], path) == 0) {
			used[i] = 0;
			return;
		}
}

void
attest_tmp_cleanup(void)
{
	size_t i;

	for (i = 0; i < MAX_TMP; i++)
		if (used[i]) {
			if (is_dir[i])
				remove_tree(AT_FDCWD, paths[i], 0);
			else
				unlink(paths[i]);
			used[i] = 0;
		}
}

/* Creates path.tmp-<8 random hex digits>, mode 0600, registered for removal
 * on a signal before it exists (mkstemp() then registering leaves a window
 * where a signal would leave the file behind). */
attest_rc
core_tmp_create(attest_ctx *ctx, const char *path, char *tmp, size_t n)
{
	unsigned char r[4];
	int fd, tries;

	for (tries = 0; tries < 16; tries++) {
		if (RAND_bytes(r, sizeof(r)) != 1)
			return core_error(ctx, ATTEST_ERR_INTERNAL,
					  "no randomness for a file name");
		snprintf(tmp, n, "%s.tmp-%02x%02x%02x%02x", path, r[0], r[1], r[2], r[3]);
		attest_tmp_register(tmp);
		if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0) {
			close(fd);
			return ATTEST_OK;
		}
		attest_tmp_unregister(tmp);
		if (errno != EEXIST)
			break;
	}
	return core_error(ctx, ATTEST_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
}
