/*
 * Inside the IAM policy SQL functions: reading a policy document statement by
 * statement (sqlfn_iam.c), shared with the TLS analysis (sqlfn_iam_tls.c).
 */
#ifndef ATTEST_SQLFN_IAM_H
#define ATTEST_SQLFN_IAM_H

#include "sqlfn.h"

#include <jansson.h>

/*
 * Parses argument v as a policy document, URL-decoding it first when it
 * looks encoded (a JSON document never starts with '%'). Returns the root
 * object, or NULL after setting the result: NULL for bad input, an error
 * when out of memory.
 */
json_t *iam_load_policy(sqlite3_context *ctx, sqlite3_value *v);
/* Number of statements: Statement may be one object or an array. */
size_t iam_stmt_count(json_t *root);
/* Statement i, or NULL if that element is not an object (skipped). */
json_t *iam_stmt_at(json_t *root, size_t i);
int iam_effect_is(json_t *stmt, const char *effect);
/* Number of values in a field that is a string or an array of strings. */
size_t iam_vals_count(json_t *v);
/* Value i of such a field, or NULL if it is not a string. */
const char *iam_vals_at(json_t *v, size_t i);
/* 1 if one of the values of v equals a (or b, if not NULL), ignoring case. */
int iam_vals_contain(json_t *v, const char *a, const char *b);
/* 1 if some pattern among the values of v matches s. */
int iam_vals_match(json_t *v, const char *s, int nocase);
/*
 * IAM wildcard match: '*' any run of characters, '?' any one character.
 * Iterative with single-star backtracking, so worst case is O(|pat|*|str|)
 * rather than exponential on patterns like "a*a*a*a*b". With prefix set,
 * 1 if p matches some string that begins with s.
 */
int iam_wild_scan(const char *p, const char *s, int nocase, int prefix);
/*
 * Principal "*", an "AWS" entry (alone or in an array) that is "*" or an
 * ARN with a wildcard account, or {"CanonicalUser": "*"}: anyone at all.
 */
int iam_principal_is_everyone(json_t *p);

#endif
