/*
 * Inside the store: the connection, for the report renderers that read a
 * stored scan, and the schema version this build writes.
 */
#ifndef ATTEST_STORE_INT_H
#define ATTEST_STORE_INT_H

#include "core/core_int.h"

#include <sqlite3.h>

#define STORE_SCHEMA_VERSION 1
#define STORE_APPLICATION_ID 0x61747374 /* "atst" */

sqlite3 *attest_store_db(attest_store *store);
attest_ctx *attest_store_ctx(attest_store *store);
/* Brings a database at schema version `from` up to STORE_SCHEMA_VERSION. */
attest_rc store_migrate(attest_ctx *ctx, sqlite3 *db, int from);

#endif
