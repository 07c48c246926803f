/*
 * Inside the engine: the steps of attest_evaluate() that live in their own
 * files. Both work on the inventory database inside the evaluation's
 * transaction.
 */
#ifndef ATTEST_ENGINE_INT_H
#define ATTEST_ENGINE_INT_H

#include "library_int.h"

#include <sqlite3.h>

/* Creates the result tables and registers the SQL functions on db; the
 * first step of every evaluation. */
attest_rc engine_prepare(attest_ctx *ctx, sqlite3 *db, time_t now);
/* Runs one check and records its results and its overall status. */
attest_rc eval_check(attest_ctx *ctx, sqlite3 *db, const struct check *c);
/* Fails (naming the file and line) when the check's query does not compile. */
attest_rc check_compiles(attest_ctx *ctx, sqlite3 *db, const struct check *c);
/* Rolls check results up to controls and scores each framework. */
attest_rc score_frameworks(attest_ctx *ctx, sqlite3 *db);

#endif
