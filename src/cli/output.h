/*
 * Shared by the commands that load the framework library or write report
 * files.
 */
#ifndef ATTEST_CLI_OUTPUT_H
#define ATTEST_CLI_OUTPUT_H

#include "cli.h"

/* Loads the bundled frameworks, then ATTEST_FRAMEWORKS_PATH, then dirs. */
int cli_load_library(attest_ctx *ctx, const char *const *dirs, size_t n, attest_library **out);

typedef attest_rc (*cli_renderer)(attest_store *store, const char *scan_id, FILE *out);
/* Renders into path ("-" is stdout) through a temporary file renamed into
 * place, so a failure never leaves a half-written report. */
int cli_write_output(attest_ctx *ctx, const char *path, attest_store *store, const char *id,
		     cli_renderer render);

#endif
