/*
 * The files a command reads and writes, checked together before anything is
 * written (paths.c): no output over the history database, an input or
 * another output, at most one output on standard output, and every output's
 * directory writable.
 */
#ifndef ATTEST_CLI_PATHS_H
#define ATTEST_CLI_PATHS_H

#include "cli.h"

#define CLI_PATHS_MAX 160
#define CLI_PATH_MAX 4096

enum cli_path_role { CLI_PATH_DB, CLI_PATH_INPUT, CLI_PATH_OUTPUT };

/* Zero-initialise; paths are lent and must outlive the check. */
struct cli_paths {
	struct {
		const char *path;
		enum cli_path_role role;
		const char *what; /* for messages: "the JSON report", "the input" */
	} items[CLI_PATHS_MAX];
	size_t n;
	char journal[3][CLI_PATH_MAX]; /* the database's -wal, -shm, -journal */
	char db[CLI_PATH_MAX];         /* the history database, resolved */
};

/* Adds a path (NULL is ignored); a database brings its journal files.
 * Returns an exit status, the error printed. */
int cli_paths_add(struct cli_paths *p, const char *path, enum cli_path_role role, const char *what);
/* Adds the history database db, or the default one when db is NULL (see
 * attest_store_default_path), with its journal files. */
int cli_paths_add_history(attest_ctx *ctx, struct cli_paths *p, const char *db);
/* Checks every output against every other path; EXIT_USAGE for an output
 * that is another of the paths or a second '-', EXIT_ERROR for an output
 * that cannot be written. The error is printed, naming cmd and both files. */
int cli_paths_check(const char *cmd, const struct cli_paths *p);

#endif
