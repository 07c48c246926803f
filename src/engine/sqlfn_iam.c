/*
 * IAM policy analysis SQL functions: iam_policy_is_admin, iam_policy_allows,
 * iam_policy_public and iam_policy_denies_insecure_transport. Policy
 * documents are irregular JSON (Statement, Action, Resource and Principal
 * may each be a single value or an array; AWS Config stores the whole
 * document URL-encoded), which makes them painful to query with json_each
 * alone. These functions look at each statement on its own; they do not
 * evaluate the policy as IAM would (no Deny subtraction, no Condition
 * evaluation, no policy variables), they answer narrower questions that
 * checks ask. Documents that cannot be decoded or parsed give NULL.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlfn.h"

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
static json_t *
load_policy(sqlite3_context *ctx, sqlite3_value *v)
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
		switch (attest_sqlfn_url_decode(s + i, n - i, &decoded, &n)) {
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
	root = attest_sqlfn_json_load(s, n, &nomem);
	sqlite3_free(decoded);
	if (root == NULL) {
		/* An undetected allocation failure gives NULL: not wrong. */
		if (nomem)
			sqlite3_result_error_nomem(ctx);
		return NULL;
	}
	st = json_object_get(root, "Statement");
	if (!json_is_object(root) || (st != NULL && !json_is_null(st) &&
				      !json_is_object(st) && !json_is_array(st))) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* Number of statements: Statement may be one object or an array. */
static size_t
stmt_count(json_t *root)
{
	json_t *st = json_object_get(root, "Statement");

	if (json_is_array(st))
		return json_array_size(st);
	return json_is_object(st) ? 1 : 0;
}

/* Statement i, or NULL if that element is not an object (skipped). */
static json_t *
stmt_at(json_t *root, size_t i)
{
	json_t *st = json_object_get(root, "Statement");

	if (json_is_array(st))
		st = json_array_get(st, i);
	return json_is_object(st) ? st : NULL;
}

static int
effect_is(json_t *stmt, const char *effect)
{
	json_t *e = json_object_get(stmt, "Effect");

	return json_is_string(e) && strcmp(json_string_value(e), effect) == 0;
}

/* Number of values in a field that is a string or an array of strings. */
static size_t
vals_count(json_t *v)
{
	if (json_is_array(v))
		return json_array_size(v);
	return v != NULL ? 1 : 0;
}

/* Value i of such a field, or NULL if it is not a string. */
static const char *
vals_at(json_t *v, size_t i)
{
	if (json_is_array(v))
		v = json_array_get(v, i);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* 1 if one of the values of v equals a (or b, if not NULL), ignoring case. */
static int
vals_contain(json_t *v, const char *a, const char *b)
{
	size_t i, n = vals_count(v);

	for (i = 0; i < n; i++) {
		const char *s = vals_at(v, i);

		if (s != NULL && (strcasecmp(s, a) == 0 ||
				  (b != NULL && strcasecmp(s, b) == 0)))
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
 * rather than exponential on patterns like "a*a*a*a*b".
 */
static int
wild_match(const char *p, const char *s, int nocase)
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
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* 1 if some pattern among the values of v matches s. */
static int
vals_match(json_t *v, const char *s, int nocase)
{
	size_t i, n = vals_count(v);

	for (i = 0; i < n; i++) {
		const char *pat = vals_at(v, i);

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
stmt_covers(json_t *stmt, const char *field, const char *notfield,
	    const char *s, int nocase)
{
	json_t *v = json_object_get(stmt, field);

	if (v != NULL)
		return vals_match(v, s, nocase);
	v = json_object_get(stmt, notfield);
	if (v != NULL)
		return !vals_match(v, s, nocase);
	return 0;
}

/* Principal "*", {"AWS": "*"} or {"AWS": [..., "*"]}: anyone at all. */
static int
principal_is_everyone(json_t *p)
{
	if (json_is_string(p))
		return strcmp(json_string_value(p), "*") == 0;
	if (json_is_object(p))
		return vals_contain(json_object_get(p, "AWS"), "*", NULL);
	return 0;
}

static void
fn_is_admin(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	json_t *root, *st, *notaction;
	size_t i, n;
	int admin = 0;

	(void)argc;
	if ((root = load_policy(ctx, argv[0])) == NULL)
		return;
	n = stmt_count(root);
	for (i = 0; i < n && !admin; i++) {
		if ((st = stmt_at(root, i)) == NULL || !effect_is(st, "Allow") ||
		    !vals_contain(json_object_get(st, "Resource"), "*", NULL))
			continue;
		/* NotAction grants everything but the listed actions. */
		notaction = json_object_get(st, "NotAction");
		admin = vals_contain(json_object_get(st, "Action"), "*", "*:*") ||
			(notaction != NULL && !vals_contain(notaction, "*", "*:*"));
	}
	json_decref(root);
	sqlite3_result_int(ctx, admin);
}

/*
 * Only Allow statements are considered: a Deny elsewhere in the document
 * (or in another policy, or an SCP) is not subtracted, and Conditions are
 * ignored. The answer is "is this granted by some Allow statement".
 */
static void
fn_allows(sqlite3_context *ctx, int argc, sqlite3_value **argv)
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
	if ((root = load_policy(ctx, argv[0])) == NULL)
		return;
	n = stmt_count(root);
	for (i = 0; i < n && !allowed; i++) {
		if ((st = stmt_at(root, i)) == NULL || !effect_is(st, "Allow"))
			continue;
		/* Action names are case-insensitive in IAM, ARNs are not. */
		allowed = stmt_covers(st, "Action", "NotAction", action, 1) &&
			  stmt_covers(st, "Resource", "NotResource", resource, 0);
	}
	json_decref(root);
	sqlite3_result_int(ctx, allowed);
}

/*
 * Any Condition restricts (aws:SourceVpc, aws:PrincipalOrgID, ...); we do
 * not try to judge how much. An empty or null Condition restricts nothing.
 */
static int
has_condition(json_t *stmt)
{
	json_t *c = json_object_get(stmt, "Condition");

	return c != NULL && !json_is_null(c) &&
	       !(json_is_object(c) && json_object_size(c) == 0);
}

static void
fn_public(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	json_t *root, *st;
	size_t i, n;
	int public = 0;

	(void)argc;
	if ((root = load_policy(ctx, argv[0])) == NULL)
		return;
	n = stmt_count(root);
	for (i = 0; i < n && !public; i++) {
		if ((st = stmt_at(root, i)) == NULL || !effect_is(st, "Allow") ||
		    has_condition(st))
			continue;
		/* Allow with NotPrincipal grants everybody but a few. */
		public = principal_is_everyone(json_object_get(st, "Principal")) ||
			 json_object_get(st, "NotPrincipal") != NULL;
	}
	json_decref(root);
	sqlite3_result_int(ctx, public);
}

/* A condition value meaning false: false, "false", or an array with one. */
static int
cond_value_false(json_t *v)
{
	size_t i;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (cond_value_false(json_array_get(v, i)))
				return 1;
		return 0;
	}
	return json_is_false(v) ||
	       (json_is_string(v) && strcasecmp(json_string_value(v), "false") == 0);
}

/*
 * A NumericLessThan bound on s3:TlsVersion that denies TLS below 1.2 (or a
 * stricter bound): the value may be a number, a numeric string or an array.
 */
static int
cond_value_tls_bound(json_t *v)
{
	const char *s, *frac, *rest;
	char *end;
	long major;
	size_t i;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (cond_value_tls_bound(json_array_get(v, i)))
				return 1;
		return 0;
	}
	if (json_is_number(v))
		return json_number_value(v) >= 1.2;
	if (!json_is_string(v))
		return 0;
	/*
	 * A decimal parsed by hand (strtod would follow the locale): the
	 * bound is at least 1.2 if the integer part exceeds 1, or is 1 and
	 * the first fraction digit is 2 or more.
	 */
	s = json_string_value(v);
	if (!isdigit((unsigned char)*s))
		return 0;
	major = strtol(s, &end, 10);
	frac = NULL;
	if (*end == '.') {
		frac = end + 1;
		if (!isdigit((unsigned char)*frac))
			return 0;
		for (rest = frac; isdigit((unsigned char)*rest); rest++)
			;
	} else {
		rest = end;
	}
	if (*rest != '\0')
		return 0;
	return major > 1 || (major == 1 && frac != NULL && *frac >= '2');
}

/* Looks up key (case-insensitively, as IAM does) in a condition operator. */
static json_t *
cond_key(json_t *op, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(op))
		return NULL;
	json_object_foreach(op, k, v) {
		if (strcasecmp(k, key) == 0)
			return v;
	}
	return NULL;
}

/*
 * Bool/BoolIfExists aws:SecureTransport false, or NumericLessThan
 * (IfExists) s3:TlsVersion 1.2. Other operators alongside are not
 * examined, so a deny narrowed by an extra condition still counts.
 */
static int
cond_enforces_tls(json_t *cond)
{
	const char *op;
	json_t *v;

	if (!json_is_object(cond))
		return 0;
	json_object_foreach(cond, op, v) {
		if ((strcasecmp(op, "Bool") == 0 ||
		     strcasecmp(op, "BoolIfExists") == 0) &&
		    cond_value_false(cond_key(v, "aws:SecureTransport")))
			return 1;
		if ((strcasecmp(op, "NumericLessThan") == 0 ||
		     strcasecmp(op, "NumericLessThanIfExists") == 0) &&
		    cond_value_tls_bound(cond_key(v, "s3:TlsVersion")))
			return 1;
	}
	return 0;
}

static void
fn_denies_insecure_transport(sqlite3_context *ctx, int argc,
			     sqlite3_value **argv)
{
	json_t *root, *st;
	size_t i, n;
	int denies = 0;

	(void)argc;
	if ((root = load_policy(ctx, argv[0])) == NULL)
		return;
	n = stmt_count(root);
	for (i = 0; i < n && !denies; i++) {
		if ((st = stmt_at(root, i)) == NULL || !effect_is(st, "Deny"))
			continue;
		denies = principal_is_everyone(json_object_get(st, "Principal")) &&
			 vals_contain(json_object_get(st, "Action"), "s3:*", "*") &&
			 cond_enforces_tls(json_object_get(st, "Condition"));
	}
	json_decref(root);
	sqlite3_result_int(ctx, denies);
}

int
attest_sqlfn_register_iam(sqlite3 *db)
{
	static const struct {
		const char *name;
		int argc;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{ "iam_policy_is_admin", 1, fn_is_admin },
		{ "iam_policy_allows", 3, fn_allows },
		{ "iam_policy_public", 1, fn_public },
		{ "iam_policy_denies_insecure_transport", 1,
		  fn_denies_insecure_transport },
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		rc = sqlite3_create_function(db, fns[i].name, fns[i].argc,
					     ATTEST_SQLFN_FLAGS, NULL, fns[i].fn,
					     NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}
