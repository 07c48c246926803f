/*
 * Inside the report module: helpers every renderer shares for reading a
 * stored scan.
 */
#ifndef ATTEST_REPORT_INT_H
#define ATTEST_REPORT_INT_H

#include "store/store_int.h"

#include <jansson.h>

/* Prepares sql on the store, binding ?1 to scan_id; NULL with the error set. */
sqlite3_stmt *report_query(attest_store *store, const char *sql, const char *scan_id);
/* Column as text ("" for NULL) and as a parsed JSON value (new reference;
 * the text as a JSON string if it is not JSON, null for NULL). */
const char *report_text(sqlite3_stmt *st, int col);
json_t *report_json_col(sqlite3_stmt *st, int col);
attest_rc report_db_error(attest_store *store, const char *what);

#endif
