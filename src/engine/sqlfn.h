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
 * Only sqlfn_register() is for the rest of the engine. The other
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
int sqlfn_register(sqlite3 *db, time_t now);

/* --- internal: shared between the sqlfn_*.c files ---------------------- */

/* Flags every function is registered with. */
#define ATTEST_SQLFN_FLAGS (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

/* SQLite >= 3.45 wants functions that set a subtype to say so. */
#ifdef SQLITE_RESULT_SUBTYPE
#define SQLFN_SUBTYPE SQLITE_RESULT_SUBTYPE
#else
#define SQLFN_SUBTYPE 0
#endif

typedef void sqlfn_impl(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/*
 * One registered SQL function: its name and number of arguments as a query
 * calls it, flags added to ATTEST_SQLFN_FLAGS, and the C function. clock is
 * 0 for a function of its arguments only; +1 or -1 for one that measures
 * from the scan's reference time (its user data is a struct sqlfn_clock
 * with that sign). A function taking optional arguments has one entry per
 * number of arguments. doc/check-authoring.md lists the same functions, and
 * test_sqlfn fails when the two disagree.
 */
struct sqlfn_def {
	const char *name;
	int nargs;
	int flags;
	sqlfn_impl *fn;
	int clock;
};

/* The user data of days_since (sign +1) and days_until (sign -1). */
struct sqlfn_clock {
	time_t now;
	int sign;
};

/* Every function sqlfn_register() registers, in that order. */
extern const struct sqlfn_def sqlfn_table[];
extern const size_t sqlfn_table_len;

/* sqlfn_net.c: CIDR and ports */
sqlfn_impl sqlfn_cidr_contains, sqlfn_cidr_is_world, sqlfn_cidr_is_public, sqlfn_port_in_rule,
	sqlfn_ports_overlap;
/* sqlfn_iam.c: IAM policy documents */
sqlfn_impl sqlfn_iam_is_admin, sqlfn_iam_allows, sqlfn_iam_public,
	sqlfn_iam_denies_insecure_transport;
/* sqlfn_misc.c: url_decode, days_since/days_until, version_cmp */
sqlfn_impl sqlfn_url_decode_fn, sqlfn_days, sqlfn_version_cmp;
/* sqlfn_json.c: json_as_array, pattern_has_terms */
sqlfn_impl sqlfn_json_as_array, sqlfn_pattern_has_terms;

/* Results of sqlfn_url_decode(). */
enum {
	ATTEST_SQLFN_OK = 0,
	ATTEST_SQLFN_EINVAL = 1, /* bad escape, NUL byte or bad UTF-8 */
	ATTEST_SQLFN_ENOMEM = 2,
};

/*
 * Percent-decodes in[0..len) with form semantics ('+' is a space). On
 * success *out is a NUL-terminated buffer from sqlite3_malloc64() (free with
 * sqlite3_free) holding valid UTF-8 without NUL bytes, and *outlen its length.
 */
int sqlfn_url_decode(const char *in, size_t len, char **out, size_t *outlen);

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF). */
int sqlfn_utf8_valid(const unsigned char *s, size_t len);

/*
 * 1 if the CIDR s[0..len) is open to the world as cidr_is_world() means it
 * (prefix 0, or a public range of /8 or wider for IPv4, /32 for IPv6), 0 if
 * not, -1 if it does not parse.
 */
int sqlfn_cidr_world(const char *s, size_t len);

struct json_t;

/*
 * json_loadb() for the functions: returns the parsed document, or NULL with
 * *nomem set to 1 when jansson ran out of memory rather than met bad input
 * (as far as jansson lets that be told apart), else 0.
 */
struct json_t *sqlfn_json_load(const char *s, size_t len, int *nomem);

#endif
