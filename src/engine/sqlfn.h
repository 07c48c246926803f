/*
 * SQL scalar functions the check engine registers on its SQLite connection.
 * Checks are SQL queries over a `resources` table whose configuration
 * columns hold JSON text; these functions cover what plain SQL does badly:
 * CIDR and port arithmetic, IAM policy analysis, URL-decoding, date
 * arithmetic against the scan's reference time, and a few JSON helpers.
 * Every function is deterministic and maps invalid input to NULL rather than
 * raising an error, so one malformed resource never aborts a whole check;
 * only out-of-memory is reported as an SQL error.
 *
 * Only attest_sqlfn_register() is for the rest of the engine. The other
 * declarations are shared between the sqlfn_*.c files.
 */
#ifndef ATTEST_ENGINE_SQLFN_H
#define ATTEST_ENGINE_SQLFN_H

#include <stddef.h>
#include <sqlite3.h>
#include <time.h>

/*
 * Registers every function below on db. now is the scan's reference time
 * used by days_since/days_until (never the wall clock, so results are
 * reproducible). Returns SQLITE_OK or an SQLite error code.
 */
int attest_sqlfn_register(sqlite3 *db, time_t now);

/* --- internal: shared between the sqlfn_*.c files ---------------------- */

/* Flags every function is registered with. */
#define ATTEST_SQLFN_FLAGS (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

/* Per-file registration, called by attest_sqlfn_register(). */
int attest_sqlfn_register_net(sqlite3 *db);
int attest_sqlfn_register_iam(sqlite3 *db);
int attest_sqlfn_register_misc(sqlite3 *db, time_t now);
int attest_sqlfn_register_json(sqlite3 *db);

/* Results of attest_sqlfn_url_decode(). */
enum {
	ATTEST_SQLFN_OK = 0,
	ATTEST_SQLFN_EINVAL = 1,	/* bad escape, NUL byte or bad UTF-8 */
	ATTEST_SQLFN_ENOMEM = 2,
};

/*
 * Percent-decodes in[0..len) with form semantics ('+' is a space). On
 * success *out is a NUL-terminated buffer from sqlite3_malloc64() (free with
 * sqlite3_free) holding valid UTF-8 without NUL bytes, and *outlen its length.
 */
int attest_sqlfn_url_decode(const char *in, size_t len, char **out,
			    size_t *outlen);

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF). */
int attest_sqlfn_utf8_valid(const unsigned char *s, size_t len);

/*
 * 1 if the CIDR s[0..len) is open to the world as cidr_is_world() means it
 * (prefix 0, or a public range of /8 or wider for IPv4, /32 for IPv6), 0 if
 * not, -1 if it does not parse.
 */
int attest_sqlfn_cidr_world(const char *s, size_t len);

struct json_t;

/*
 * json_loadb() for the functions: returns the parsed document, or NULL with
 * *nomem set to 1 when jansson ran out of memory rather than met bad input
 * (as far as jansson lets that be told apart), else 0.
 */
struct json_t *attest_sqlfn_json_load(const char *s, size_t len, int *nomem);

#endif
