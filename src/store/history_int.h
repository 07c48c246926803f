/*
 * Inside the store: helpers shared by the history queries (history.c,
 * trend.c, diff.c, transfer.c, maintain.c).
 */
#ifndef ATTEST_STORE_HISTORY_INT_H
#define ATTEST_STORE_HISTORY_INT_H

#include "store_int.h"

/* The order of scans on the history's timeline, for an ORDER BY on scans
 * aliased t: by the date of the configuration judged (as_of), then by start
 * time, then by the order stored (rowid), so two scans of one inventory
 * started in the same second keep the order they were saved in. */
#define HISTORY_ORDER(t, dir) t ".as_of " dir ", " t ".started_at " dir ", " t ".rowid " dir
/* The same as a row value, for "before"/"after" comparisons. */
#define HISTORY_KEY(t) "(" t ".as_of, " t ".started_at, " t ".rowid)"

/* Turns a user's date or time into a bound for as_of: "2026-01-02"
 * becomes the start of that day (upper = false) or its last second (upper =
 * true); a full ISO 8601 UTC time is normalized. ATTEST_ERR_USAGE with a
 * message naming what (e.g. "--since") when in is neither. */
attest_rc history_time_bound(attest_ctx *ctx, const char *what, const char *in, bool upper,
			     char out[21]);
/* Prepares sql or sets an error naming the store; NULL on failure. */
sqlite3_stmt *history_prepare(attest_store *store, const char *sql);
/* Sets "cannot read '<db>': <sqlite message>" and returns ATTEST_ERR_DB. */
attest_rc history_db_error(attest_store *store);
/* Reads a nullable number: *has false (and *v 0) when the column is NULL. */
void history_column_number(sqlite3_stmt *st, int col, bool *has, double *v);
/* Binds text, or NULL when s is NULL. */
void history_bind(sqlite3_stmt *st, int i, const char *s);

#endif
