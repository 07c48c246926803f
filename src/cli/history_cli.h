/*
 * Shared by the commands that read the history database (history, show,
 * diff, trend, db): opening it without creating one by accident, and the
 * filter options they have in common.
 */
#ifndef ATTEST_CLI_HISTORY_H
#define ATTEST_CLI_HISTORY_H

#include "cli.h"

#include <jansson.h>

/* Opens the database at db, else the default one. With must_exist, for
 * commands that only read, it is opened read-only and a missing file is an
 * error ("no history database ... run attest scan"); without, it is opened
 * for writing, created and upgraded as needed. Prints the error; returns an
 * exit status. */
int cli_history_open(attest_ctx *ctx, const char *db, bool must_exist, attest_store **out);
/* Opens an existing database at db, else the default one, for writing
 * (upgrading its schema if needed). Prints the error; returns an exit status. */
int cli_history_open_write(attest_ctx *ctx, const char *db, attest_store **out);
/* Parses a text column of JSON for output; the text as a string if it is
 * not JSON, null for NULL. New reference. */
json_t *cli_json_text(const char *text);
/* Writes a JSON value to stdout, indented, with a final newline. */
int cli_print_json(json_t *v);
/* Text from an inventory or a catalog (ids, names, scopes, file names) as a
 * terminal may show it: escaped by attest_term_escape into buf (size at
 * least 8), a cut marked with "..."; returns buf. NULL gives "". */
const char *cli_term(char *buf, size_t size, const char *text);
#define CLI_TERM_MAX 256 /* a buffer for one cli_term() field */
/* The scan filters 'history' and 'trend' share (--account, --scope, --since,
 * --until), one option table (cmd_history.c). */
extern const struct cli_option cli_history_filter_options[];
/* Applies the filter option whose id is c to f; false when c is none of
 * them. */
bool cli_history_filter_set(struct attest_history_filter *f, int c, const char *arg);
/* attest watch's changes (history_changes.c): `history --changes` listing
 * the deltas f selects (as JSON with json), and the causes of a scan's
 * newly failing findings that `show` prints; each returns an exit status. */
int cli_history_changes(attest_ctx *ctx, attest_store *store, const struct attest_history_filter *f,
			bool json);
int cli_print_causes(attest_ctx *ctx, attest_store *store, const char *scan_id);
/* One delta with its event as JSON (new reference, NULL when out of memory). */
json_t *cli_change_json(const struct attest_change_info *c);
/* Parses a positive count for option opt ("--limit"); -1 on error (printed). */
long cli_count(const char *cmd, const char *opt, const char *arg);

#endif
