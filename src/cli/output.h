/*
 * Shared by the commands that load the framework library or write report
 * files.
 */
#ifndef ATTEST_CLI_OUTPUT_H
#define ATTEST_CLI_OUTPUT_H

#include "cli.h"
#include "paths.h"

/* Loads the bundled frameworks, then ATTEST_FRAMEWORKS_PATH, then dirs. */
int cli_load_library(attest_ctx *ctx, const char *const *dirs, size_t n, attest_library **out);

typedef attest_rc (*cli_renderer)(attest_store *store, const char *scan_id, FILE *out);
/* Renders into path ("-" is stdout) through a temporary file renamed into
 * place, so a failure never leaves a half-written report. */
int cli_write_output(attest_ctx *ctx, const char *path, attest_store *store, const char *id,
		     cli_renderer render);

/* The report formats a command can write, one option each (--json FILE, ...).
 * A new renderer is one line in FORMATS (output.c), which makes both its
 * entry in cli_formats[] and its option in cli_format_options[]. */
struct cli_format {
	const char *option; /* long option name, also the format's name */
	const char *help;   /* one line for the usage text */
	cli_renderer render;
	const char *what; /* the output in messages: "--json output" */
};

extern const struct cli_format cli_formats[];
#define CLI_MAX_FORMATS 16

/* The options of the formats, for the option groups of scan and report:
 * --json FILE, ...; the id of each is CLI_OPT_FORMAT + its index. */
extern const struct cli_option cli_format_options[];
/* If id is one of cli_format_options, sets its path to arg and returns
 * true. */
bool cli_formats_option(const char *paths[CLI_MAX_FORMATS], int id, const char *arg);
/* Writes each format whose path is set; stops at the first failure. */
int cli_write_formats(attest_ctx *ctx, const char *const paths[CLI_MAX_FORMATS],
		      attest_store *store, const char *id);
/* Adds each format whose path is set to p, as an output. */
int cli_formats_add_paths(struct cli_paths *p, const char *const paths[CLI_MAX_FORMATS]);
/* Checks the outputs against the history database db (NULL: the default
 * one), input (NULL: none) and each other (paths.h); an exit status, the
 * error printed. */
int cli_check_report_paths(attest_ctx *ctx, const char *cmd, const char *db, const char *input,
			   const char *const outputs[CLI_MAX_FORMATS]);
/* True if some format goes to standard output. */
bool cli_formats_use_stdout(const char *const paths[CLI_MAX_FORMATS]);

#endif
