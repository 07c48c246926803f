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
/* Loads the exception and attestation files of opts into the exc and att
 * tables, validating every check and control they name; now is the scan's
 * reference time, which decides what has expired. */
attest_rc policy_load(attest_library *lib, sqlite3 *db, const struct attest_eval_opts *opts,
		      time_t now);
/* Turns failures matched by active exceptions into `excepted`. */
attest_rc policy_apply(attest_ctx *ctx, sqlite3 *db);
/* Rolls check results up to controls and scores each framework. */
attest_rc score_frameworks(attest_ctx *ctx, sqlite3 *db);

#endif
