/*
 * IAM policy analysis SQL functions: iam_policy_is_admin, iam_policy_allows,
 * iam_policy_public here, iam_policy_denies_insecure_transport in
 * sqlfn_iam_tls.c. Policy documents are irregular JSON (Statement, Action,
 * Resource and Principal may each be a single value or an array; AWS Config
 * stores the whole document URL-encoded), which makes them painful to query
 * with json_each alone. These functions look at each statement on its own;
 * they do not evaluate the policy as IAM would (no Deny subtraction, no
 * policy variables, and of Conditions only the tests that limit who may call
 * or require TLS are recognised), they answer narrower questions that checks
 * ask. Documents that cannot be decoded or parsed give NULL.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlfn_iam.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Parses argument v as a policy document, URL-decoding it first when it
 * looks encoded (a JSON document never starts with '%'). Returns the root
 * object, or NULL after setting the result: NULL for bad input, an error
 * when out of memory.
 */
json_t *
iam_load_policy(sqlite3_context *ctx, sqlite3_value *v)
{
	const char *s;
	char *decoded = NULL;
	size_t n, i;
	json_t *root, *st;
	int nomem;

	if (sqlite3_value_type(v) != SQLITE_TEXT)
		return NULL;
	s = (const char *)sqlite3_value_text(v);
	if (s == NULL) {
		sqlite3_result_error_nomem(ctx);
		return NULL;
	}
	n = (size_t)sqlite3_value_bytes(v);
	for (i = 0; i < n && isspace((unsigned char)s[i]); i++)
		;
	if (i < n && s[i] == '%') {
		switch (sqlfn_url_decode(s + i, n - i, &decoded, &n)) {
		case ATTEST_SQLFN_OK:
			s = decoded;
			break;
		case ATTEST_SQLFN_ENOMEM:
			sqlite3_result_error_nomem(ctx);
			return NULL;
		default:
			return NULL;
		}
	}
	root = sqlfn_json_load(s, n, &nomem);
	sqlite3_free(decoded);
	if (root == NULL) {
		/* An undetected allocation failure gives NULL: not wrong. */
		if (nomem)
			sqlite3_result_error_nomem(ctx);
		return NULL;
	}
	st = json_object_get(root, "Statement");
	if (!json_is_object(root) ||
	    (st != NULL && !json_is_null(st) && !json_is_object(st) && !json_is_array(st))) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* Number of statements: Statement may be one object or an array. */
size_t
iam_stmt_count(json_t *root)
{
	json_t *st = json_object_get(root, "Statement");

	if (json_is_array(st))
		return json_array_size(st);
	return json_is_object(st) ? 1 : 0;
}

/* Statement i, or NULL if that element is not an object (skipped). */
json_t *
iam_stmt_at(json_t *root, size_t i)
{
	json_t *st = json_object_get(root, "Statement");

	if (json_is_array(st))
		st = json_array_get(st, i);
	return json_is_object(st) ? st : NULL;
}

int
iam_effect_is(json_t *stmt, const char *effect)
{
	json_t *e = json_object_get(stmt, "Effect");

	return json_is_string(e) && strcmp(json_string_value(e), effect) == 0;
}

/* Number of values in a field that is a string or an array of strings. */
size_t
iam_vals_count(json_t *v)
{
	if (json_is_array(v))
		return json_array_size(v);
	return v != NULL ? 1 : 0;
}

/* Value i of such a field, or NULL if it is not a string. */
const char *
iam_vals_at(json_t *v, size_t i)
{
	if (json_is_array(v))
		v = json_array_get(v, i);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* 1 if one of the values of v equals a (or b, if not NULL), ignoring case. */
int
iam_vals_contain(json_t *v, const char *a, const char *b)
{
	size_t i, n = iam_vals_count(v);

	for (i = 0; i < n; i++) {
		const char *s = iam_vals_at(v, i);

		if (s != NULL && (strcasecmp(s, a) == 0 || (b != NULL && strcasecmp(s, b) == 0)))
			return 1;
	}
	return 0;
}

static int
char_eq(char a, char b, int nocase)
{
	if (nocase)
		return tolower((unsigned char)a) == tolower((unsigned char)b);
	return a == b;
}

/*
 * IAM wildcard match: '*' any run of characters, '?' any one character.
 * Iterative with single-star backtracking, so worst case is O(|pat|*|str|)
 * rather than exponential on patterns like "a*a*a*a*b". With prefix set,
 * 1 if p matches some string that begins with s.
 */
int
iam_wild_scan(const char *p, const char *s, int nocase, int prefix)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p != '\0' && (*p == '?' || char_eq(*p, *s, nocase))) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	if (prefix)
		return 1;
	while (*p == '*')
		p++;
	return *p == '\0';
}

static int
wild_match(const char *p, const char *s, int nocase)
{
	return iam_wild_scan(p, s, nocase, 0);
}

/* 1 if some pattern among the values of v matches s. */
int
iam_vals_match(json_t *v, const char *s, int nocase)
{
	size_t i, n = iam_vals_count(v);

	for (i = 0; i < n; i++) {
		const char *pat = iam_vals_at(v, i);

		if (pat != NULL && wild_match(pat, s, nocase))
			return 1;
	}
	return 0;
}

/*
 * Whether stmt covers s through field (Action/Resource) or its negation
 * (NotAction/NotResource). A statement with neither covers nothing.
 */
static int
stmt_covers(json_t *stmt, const char *field, const char *notfield, const char *s, int nocase)
{
	json_t *v = json_object_get(stmt, field);

	if (v != NULL)
		return iam_vals_match(v, s, nocase);
	v = json_object_get(stmt, notfield);
	if (v != NULL)
		return !iam_vals_match(v, s, nocase);
	return 0;
}

/*
 * An "AWS" principal value standing for anybody: "*", or an account id or
 * ARN whose account field holds a wildcard (arn:aws:iam::*:root).
 */
static int
aws_principal_wild(const char *s)
{
	const char *p = s, *end;
	int field;

	if (strncmp(s, "arn:", 4) != 0)
		return strpbrk(s, "*?") != NULL;
	/* arn:partition:service:region:account:resource */
	for (field = 0; field < 4; field++) {
		if ((p = strchr(p, ':')) == NULL)
			return 0;
		p++;
	}
	end = strchr(p, ':');
	while (*p != '\0' && p != end) {
		if (*p == '*' || *p == '?')
			return 1;
		p++;
	}
	return 0;
}

/*
 * Principal "*", an "AWS" entry (alone or in an array) that is "*" or an
 * ARN with a wildcard account, or {"CanonicalUser": "*"}: anyone at all.
 */
int
iam_principal_is_everyone(json_t *p)
{
	json_t *aws;
	size_t i, n;

	if (json_is_string(p))
		return strcmp(json_string_value(p), "*") == 0;
	if (!json_is_object(p))
		return 0;
	aws = json_object_get(p, "AWS");
	n = iam_vals_count(aws);
	for (i = 0; i < n; i++) {
		const char *s = iam_vals_at(aws, i);

		if (s != NULL && aws_principal_wild(s))
			return 1;
	}
	return iam_vals_contain(json_object_get(p, "CanonicalUser"), "*", NULL);
}

void
sqlfn_iam_is_admin(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	json_t *root, *st, *notaction;
	size_t i, n;
	int admin = 0;

	(void)argc;
	if ((root = iam_load_policy(ctx, argv[0])) == NULL)
		return;
	n = iam_stmt_count(root);
	for (i = 0; i < n && !admin; i++) {
		if ((st = iam_stmt_at(root, i)) == NULL || !iam_effect_is(st, "Allow") ||
		    !iam_vals_contain(json_object_get(st, "Resource"), "*", NULL))
			continue;
		/* NotAction grants everything but the listed actions. */
		notaction = json_object_get(st, "NotAction");
		admin = iam_vals_contain(json_object_get(st, "Action"), "*", "*:*") ||
			(notaction != NULL && !iam_vals_contain(notaction, "*", "*:*"));
	}
	json_decref(root);
	sqlite3_result_int(ctx, admin);
}

/*
 * Only Allow statements are considered: a Deny elsewhere in the document
 * (or in another policy, or an SCP) is not subtracted, and Conditions are
 * ignored. The answer is "is this granted by some Allow statement".
 */
void
sqlfn_iam_allows(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *action, *resource;
	json_t *root, *st;
	size_t i, n;
	int allowed = 0;

	(void)argc;
	if (sqlite3_value_type(argv[1]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[2]) == SQLITE_NULL)
		return;
	action = (const char *)sqlite3_value_text(argv[1]);
	resource = (const char *)sqlite3_value_text(argv[2]);
	if (action == NULL || resource == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if ((root = iam_load_policy(ctx, argv[0])) == NULL)
		return;
	n = iam_stmt_count(root);
	for (i = 0; i < n && !allowed; i++) {
		if ((st = iam_stmt_at(root, i)) == NULL || !iam_effect_is(st, "Allow"))
			continue;
		/* Action names are case-insensitive in IAM, ARNs are not. */
		allowed = stmt_covers(st, "Action", "NotAction", action, 1) &&
			  stmt_covers(st, "Resource", "NotResource", resource, 0);
	}
	json_decref(root);
	sqlite3_result_int(ctx, allowed);
}

/*
 * Condition keys that narrow who may call (network origin, organization,
 * account, calling service's resource or owner, principal ARN). A
 * condition on anything else (aws:SecureTransport, s3:prefix, dates, ...)
 * leaves the statement open to every caller that meets it.
 */
static const char *const caller_keys[] = {
	"aws:SourceIp",          "aws:SourceVpc",        "aws:SourceVpce",    "aws:PrincipalOrgID",
	"aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:SourceAccount", "aws:SourceArn",
	"aws:SourceOwner",       "aws:PrincipalArn",     "kms:CallerAccount",
};

/*
 * Positive operators only: the IfExists forms pass when the key is absent
 * (anonymous callers have no PrincipalOrgID), the Not forms admit everybody
 * else, and ForAllValues passes on an empty set. ForAnyValue is positive.
 */
static int
caller_operator(const char *op, const char *key)
{
	static const char *const ops[] = {
		"StringEquals",
		"StringLike",
		"ArnEquals",
		"ArnLike",
	};
	size_t i;

	if (strncasecmp(op, "ForAnyValue:", 12) == 0)
		op += 12;
	/* Addresses are compared with IpAddress, everything else as text. */
	if (strcasecmp(key, "aws:SourceIp") == 0)
		return strcasecmp(op, "IpAddress") == 0;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcasecmp(op, ops[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * 1 if the values v of a caller key name fixed callers: a non-empty list
 * of strings, none of them "*" (or all wildcards) or a policy variable.
 * aws:SourceIp ranges must all be narrower than the world (see
 * sqlfn_cidr_world(): AWS calls /8 and wider public, so do we), and
 * aws:PrincipalArn must name principals without wildcards.
 */
static int
caller_values_fixed(json_t *v, const char *key)
{
	size_t i, n = iam_vals_count(v);

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		const char *s = iam_vals_at(v, i);

		if (s == NULL || s[strspn(s, "*?")] == '\0' || strstr(s, "${") != NULL)
			return 0;
		if (strcasecmp(key, "aws:SourceIp") == 0 && sqlfn_cidr_world(s, strlen(s)) != 0)
			return 0;
		if (strcasecmp(key, "aws:PrincipalArn") == 0 && strpbrk(s, "*?") != NULL)
			return 0;
	}
	return 1;
}

/*
 * 1 if the statement's Condition limits who can call: some positive
 * operator tests a caller key against fixed values. Conditions are ANDed,
 * so one such test is enough, whatever else is there.
 */
static int
restricts_caller(json_t *stmt)
{
	json_t *cond = json_object_get(stmt, "Condition"), *block, *v;
	const char *op, *key;
	size_t i;

	if (!json_is_object(cond))
		return 0;
	json_object_foreach(cond, op, block)
	{
		if (!json_is_object(block))
			continue;
		json_object_foreach(block, key, v)
		{
			for (i = 0; i < sizeof(caller_keys) / sizeof(caller_keys[0]); i++) {
				if (strcasecmp(key, caller_keys[i]) == 0 &&
				    caller_operator(op, key) && caller_values_fixed(v, key))
					return 1;
			}
		}
	}
	return 0;
}

void
sqlfn_iam_public(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	json_t *root, *st;
	size_t i, n;
	int public = 0;

	(void)argc;
	if ((root = iam_load_policy(ctx, argv[0])) == NULL)
		return;
	n = iam_stmt_count(root);
	for (i = 0; i < n && !public; i++) {
		if ((st = iam_stmt_at(root, i)) == NULL || !iam_effect_is(st, "Allow") ||
		    restricts_caller(st))
			continue;
		/* Allow with NotPrincipal grants everybody but a few. */
		public = iam_principal_is_everyone(json_object_get(st, "Principal")) ||
			 json_object_get(st, "NotPrincipal") != NULL;
	}
	json_decref(root);
	sqlite3_result_int(ctx, public);
}
