/*
 * Setup helpers shared by the CUnit test programs: private temporary
 * folders, whole files, first-row queries, the error-message check, the
 * bundled check library and the evaluated sample estate. Helpers that can
 * fail say so on stderr (the test then fails on its own assertion); nothing
 * here asserts. Text returned from a static buffer is valid until the next
 * call of the same helper.
 */
#ifndef ATTEST_TEST_TESTUTIL_H
#define ATTEST_TEST_TESTUTIL_H

#include "attest.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* Makes a fresh folder $TMPDIR/attest-<tag>-XXXXXX (TMPDIR unset or empty:
 * /tmp) into dir; 0, or -1 with dir "". */
int tu_tmpdir(char *dir, size_t size, const char *tag);
/* Removes dir and everything under it; "" or NULL does nothing. */
void tu_rmtree(const char *dir);
/* The whole content of path, NUL-terminated (free it), *n its size when n
 * is not NULL; NULL when it cannot be read. */
char *tu_slurp(const char *path, size_t *n);
/* Whether the context's last error contains needle (printed when not). */
bool tu_errmsg_has(attest_ctx *ctx, const char *needle);
/* The first column of the first row of sql as an integer (-1 when the
 * query fails or has no row, said on stderr), or as text ("(none)" for no
 * row or NULL; a query that does not compile is said on stderr). */
long long tu_q_int(sqlite3 *db, const char *sql);
const char *tu_q_text(sqlite3 *db, const char *sql);
/* A new context with the bundled check library loaded, and resolved when
 * resolve is true; 0, or 1 (said on stderr). Free with tu_library_free. */
int tu_library_load(attest_ctx **ctx, attest_library **lib, bool resolve);
void tu_library_free(attest_ctx *ctx, attest_library *lib);
/* tu_library_load (resolved), then samples/estate.json of the data
 * directory loaded into *inv and evaluated; 0, or 1 (said on stderr). */
int tu_sample_eval(attest_ctx **ctx, attest_library **lib, attest_inventory **inv);
void tu_sample_free(attest_ctx *ctx, attest_library *lib, attest_inventory *inv);

#endif
