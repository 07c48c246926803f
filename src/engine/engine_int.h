/*
 * engine owns catalogs, checks and their views, SQL functions, evaluation,
 * limits, exceptions and attestations; it may call inventory and core.
 *
 * Inside the engine: the steps of attest_evaluate() that live in their own
 * files. Both work on the inventory database inside the evaluation's
 * transaction.
 */
#ifndef ATTEST_ENGINE_INT_H
#define ATTEST_ENGINE_INT_H

#include "library_int.h"
#include "core/db.h"

#include <sqlite3.h>

/* Creates the result tables, registers the SQL functions and creates the
 * shared views on db; the first step of every evaluation. */
attest_rc engine_prepare(attest_ctx *ctx, sqlite3 *db, time_t now);
/* Creates the shared views of frameworks/views.sql (src/engine/views.c) in
 * db's main schema; an error names the file and line of a bad statement. */
attest_rc engine_views_create(attest_ctx *ctx, sqlite3 *db);
/* Then creates the views of the views.sql of each of lib's user
 * directories, in load order; an error names the file and line, also when a
 * view takes the name of one created before. */
attest_rc engine_views_add_user(attest_ctx *ctx, sqlite3 *db, const attest_library *lib);
/* Records in chk_query what check_id is judged by: query, then the SQL of
 * every shared view it reads (directly or through another view). */
attest_rc engine_record_definition(attest_ctx *ctx, sqlite3 *db, const char *check_id,
				   const char *query);
/* The authorizer a check query is compiled under: reading the inventory
 * and calling functions, nothing else (src/engine/runcheck.c). */
int check_authorize(void *data, int action, const char *a, const char *b, const char *dbname,
		    const char *trigger);
/* What one check's query may use (src/engine/limits.c). */
struct eval_limits {
	double seconds;  /* wall-clock time of the query */
	long long rows;  /* rows it returns */
	long long bytes; /* bytes of status, reason and evidence it returns */
};

/* The limits set on lib, else from the environment, else the defaults; a
 * malformed environment value is an error naming the variable. */
attest_rc eval_limits_resolve(attest_ctx *ctx, const attest_library *lib, struct eval_limits *out);
/* Runs one check within lim and records its results and its overall
 * status. A check that breaks a limit, or returns a column of the wrong
 * type, is recorded as `error` saying so; only a database failure of the
 * engine itself is returned as an error. */
attest_rc eval_check(attest_ctx *ctx, sqlite3 *db, const struct check *c,
		     const struct eval_limits *lim);
/* Fails (naming the file and line) when the check's query does not compile. */
attest_rc check_compiles(attest_ctx *ctx, sqlite3 *db, const struct check *c);
/* Loads the exception and attestation files of opts into the exc and att
 * tables, validating every check and control they name; now is the scan's
 * reference time, which decides what has expired. */
attest_rc policy_load(attest_library *lib, sqlite3 *db, const struct attest_eval_opts *opts,
		      time_t now);
/* Turns failures matched by active exceptions into `excepted`. */
attest_rc policy_apply(attest_ctx *ctx, sqlite3 *db);
/* An xs:date as exceptions and attestations write it: [-]YYYY-MM-DD with a
 * year of four or more digits, then an optional zone (Z or +hh:mm / -hh:mm),
 * surrounded by optional XML whitespace. */
struct xs_date {
	long long year;
	int month, day;
	int zone_minutes; /* east of UTC; 0 without a zone */
};

/* Parses text; false when it is not a valid date (day past the month's end,
 * year 0000, leading zeros in a 5+ digit year, more than 9 year digits). */
bool xs_date_parse(const char *text, struct xs_date *out);
/* The first second after the date has ended, in its zone (UTC without one),
 * as seconds since the epoch: something that expires on this date is in
 * force while the reference time is before it. */
long long xs_date_end(const struct xs_date *d);

/* Rolls check results up to controls and scores each framework. */
attest_rc score_frameworks(attest_ctx *ctx, sqlite3 *db);

#endif
