/*
 * The files one command reads and writes, checked before anything is
 * written. An output may not be the history database (or its -wal, -shm or
 * -journal file), an input, or another output: files are compared by device
 * and inode, so another name, a symbolic link or a hard link to the same file
 * is seen through; a file that does not exist yet is compared by its
 * directory's device and inode and its name. At most one output is standard
 * output, and every output's directory must exist and be writable.
 */
#include "config.h"

#include "paths.h"
#include "core/core_int.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where a path leads: the file itself when it exists, else its directory
 * and name. */
struct identity {
	bool exists, dir_exists;
	dev_t dev;
	ino_t ino;
	char name[256];
};

static void
identify(const char *path, struct identity *id)
{
	char copy[CLI_PATH_MAX], *base;
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (stat(path, &st) == 0) {
		id->exists = id->dir_exists = true;
		id->dev = st.st_dev;
		id->ino = st.st_ino;
		return;
	}
	/* A path too long to copy stays unidentified: it matches no other. */
	if (core_path_copy(NULL, copy, sizeof(copy), path) != ATTEST_OK)
		return;
	base = basename(copy);
	if (core_path_copy(NULL, id->name, sizeof(id->name), base) != ATTEST_OK ||
	    core_path_copy(NULL, copy, sizeof(copy), path) != ATTEST_OK)
		return;
	if (stat(dirname(copy), &st) == 0) {
		id->dir_exists = true;
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	}
}

static bool
same_file(const struct identity *a, const struct identity *b)
{
	if (a->exists != b->exists || !a->dir_exists || !b->dir_exists)
		return false;
	return a->dev == b->dev && a->ino == b->ino && strcmp(a->name, b->name) == 0;
}

static int
add(struct cli_paths *p, const char *path, enum cli_path_role role, const char *what)
{
	if (p->n == CLI_PATHS_MAX)
		return cli_fail(EXIT_USAGE, "too many files for one command");
	p->items[p->n].path = path;
	p->items[p->n].role = role;
	p->items[p->n].what = what;
	p->n++;
	return EXIT_OK;
}

int
cli_paths_add(struct cli_paths *p, const char *path, enum cli_path_role role, const char *what)
{
	static const char *const journals[] = {"-wal", "-shm", "-journal"};
	size_t i;

	if (!path)
		return EXIT_OK;
	if (role != CLI_PATH_DB)
		return add(p, path, role, what);
	if (strlen(path) + 9 > CLI_PATH_MAX)
		return cli_fail(EXIT_USAGE, "history database path too long: '%s'", path);
	if (add(p, path, role, what) != EXIT_OK)
		return EXIT_USAGE;
	/* The journal files belong to the database: writing over one loses it
	 * as surely as writing over the database. */
	for (i = 0; i < sizeof(journals) / sizeof(journals[0]); i++) {
		snprintf(p->journal[i], sizeof(p->journal[i]), "%s%s", path, journals[i]);
		if (add(p, p->journal[i], role, "a journal file of the history database") !=
		    EXIT_OK)
			return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
cli_paths_add_history(attest_ctx *ctx, struct cli_paths *p, const char *db)
{
	if ((db ? core_path_copy(ctx, p->db, sizeof(p->db), db)
		: attest_store_default_path(ctx, p->db, sizeof(p->db))) != ATTEST_OK)
		return cli_lib_fail(ctx);
	return cli_paths_add(p, p->db, CLI_PATH_DB, "the history database");
}

/* The output's directory exists and can take a new file. */
static int
writable(const char *cmd, const char *path, const char *what)
{
	char copy[CLI_PATH_MAX];
	struct stat st;
	const char *dir;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return cli_fail(EXIT_ERROR, "%s: cannot write %s '%s': it is a directory", cmd,
				what, path);
	if (core_path_copy(NULL, copy, sizeof(copy), path) != ATTEST_OK)
		return cli_fail(EXIT_ERROR, "%s: cannot write %s: path too long: '%s'", cmd, what,
				path);
	dir = dirname(copy);
	if (stat(dir, &st) != 0)
		return cli_fail(EXIT_ERROR, "%s: cannot write %s '%s': directory '%s': %s", cmd,
				what, path, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cli_fail(EXIT_ERROR, "%s: cannot write %s '%s': '%s' is not a directory",
				cmd, what, path, dir);
	if (access(dir, W_OK | X_OK) != 0)
		return cli_fail(EXIT_ERROR, "%s: cannot write %s '%s': directory '%s': %s", cmd,
				what, path, dir, strerror(errno));
	return EXIT_OK;
}

int
cli_paths_check(const char *cmd, const struct cli_paths *p)
{
	struct identity *ids;
	const char *stdout_by = NULL;
	size_t i, j;
	int status = EXIT_OK;

	if (!(ids = calloc(p->n ? p->n : 1, sizeof(*ids))))
		return cli_fail(EXIT_ERROR, "out of memory");
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->items[i].path, "-") == 0) {
			if (p->items[i].role != CLI_PATH_OUTPUT)
				continue;
			if (stdout_by) {
				status = cli_fail(
					EXIT_USAGE,
					"%s: %s and %s would both go to standard output ('-'); "
					"write one of them to a file",
					cmd, stdout_by, p->items[i].what);
				goto out;
			}
			stdout_by = p->items[i].what;
			continue;
		}
		if (strlen(p->items[i].path) >= CLI_PATH_MAX) {
			status = cli_fail(EXIT_USAGE, "%s: path too long: '%.80s...'", cmd,
					  p->items[i].path);
			goto out;
		}
		identify(p->items[i].path, &ids[i]);
	}
	for (i = 0; i < p->n; i++) {
		if (p->items[i].role != CLI_PATH_OUTPUT || strcmp(p->items[i].path, "-") == 0)
			continue;
		for (j = 0; j < p->n; j++) {
			if (j == i || strcmp(p->items[j].path, "-") == 0 ||
			    !same_file(&ids[i], &ids[j]))
				continue;
			status = cli_fail(EXIT_USAGE,
					  "%s: %s '%s' is the same file as %s '%s': refusing to "
					  "write over it",
					  cmd, p->items[i].what, p->items[i].path, p->items[j].what,
					  p->items[j].path);
			goto out;
		}
		if ((status = writable(cmd, p->items[i].path, p->items[i].what)) != EXIT_OK)
			goto out;
	}
out:
	free(ids);
	return status;
}
