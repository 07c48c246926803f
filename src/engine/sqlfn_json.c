/*
 * JSON helper SQL functions for checks. json_as_array turns IAM-style
 * fields that are "a value or an array of values" (Statement, Action,
 * Resource) into an array json_each can always iterate. pattern_has_terms
 * tests CloudWatch Logs metric-filter patterns for required terms, since
 * the same filter is written with varying spacing, braces and quotes by
 * different tools and a plain string comparison would miss most of them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, when built without config.h */
#endif

#include "sqlfn.h"

#include <ctype.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON subtype SQLite's own JSON functions use ('J'). */
#define JSON_SUBTYPE 74

/* ---- shared JSON loading ---------------------------------------------- */

json_t *
sqlfn_json_load(const char *s, size_t len, int *nomem)
{
	json_error_t err;
	json_t *j;

	/*
	 * jansson sets an error code and message for every kind of bad
	 * input, but several of its allocation failures return NULL with
	 * the error left as initialised: empty text. (Some others surface
	 * as syntax errors; those we cannot tell apart.)
	 */
	memset(&err, 0, sizeof(err));
	j = json_loadb(s, len, 0, &err);
	*nomem = j == NULL &&
		 (err.text[0] == '\0' || json_error_code(&err) == json_error_out_of_memory);
	return j;
}

/* ---- json_as_array ---------------------------------------------------- */

/*
 * Returns "[" + JSON string literal of s + "]" from sqlite3_malloc, or NULL
 * when out of memory. s must be valid UTF-8, which JSON passes through.
 */
static char *
json_quote_array(const char *s, size_t n, size_t *outlen)
{
	static const char hex[] = "0123456789abcdef";
	char *buf, *o;
	size_t i;

	/* Worst case every byte becomes \u00XX. */
	buf = sqlite3_malloc64((sqlite3_uint64)n * 6 + 5);
	if (buf == NULL)
		return NULL;
	o = buf;
	*o++ = '[';
	*o++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (c < 0x20) {
			*o++ = '\\';
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	*o++ = ']';
	*o = '\0';
	*outlen = (size_t)(o - buf);
	return buf;
}

/*
 * Whether s[0..n) is one JSON value (RFC 8259 grammar; UTF-8 is checked
 * separately). Written here rather than asking jansson, because jansson
 * reports some allocation failures as syntax errors, and mistaking a
 * document for a plain string would be a wrong answer, not just a NULL.
 * Iterative, with a nesting limit, so hostile input cannot exhaust the
 * stack; deeper documents count as not JSON.
 */
static size_t
skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Scans the string starting at s[i] == '"'; returns the index after it. */
static int
scan_string(const char *s, size_t n, size_t *i)
{
	size_t k, j = *i + 1;

	while (j < n && s[j] != '"') {
		if ((unsigned char)s[j] < 0x20)
			return 0;
		if (s[j] == '\\') {
			if (++j >= n)
				return 0;
			if (s[j] == 'u') {
				for (k = 1; k <= 4; k++)
					if (j + k >= n || !isxdigit((unsigned char)s[j + k]))
						return 0;
				j += 4;
			} else if (strchr("\"\\/bfnrt", s[j]) == NULL || s[j] == '\0') {
				return 0;
			}
		}
		j++;
	}
	if (j >= n)
		return 0;
	*i = j + 1;
	return 1;
}

static size_t
scan_digits(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

static int
scan_number(const char *s, size_t n, size_t *i)
{
	size_t j = *i, k;

	if (j < n && s[j] == '-')
		j++;
	if (j < n && s[j] == '0')
		j++;
	else if ((k = scan_digits(s, n, j)) > j)
		j = k;
	else
		return 0;
	if (j < n && s[j] == '.') {
		if ((k = scan_digits(s, n, j + 1)) == j + 1)
			return 0;
		j = k;
	}
	if (j < n && (s[j] == 'e' || s[j] == 'E')) {
		j++;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if ((k = scan_digits(s, n, j)) == j)
			return 0;
		j = k;
	}
	*i = j;
	return 1;
}

static int
scan_literal(const char *s, size_t n, size_t *i)
{
	static const char *const lits[] = {"true", "false", "null"};
	size_t k, len;

	for (k = 0; k < 3; k++) {
		len = strlen(lits[k]);
		if (n - *i >= len && memcmp(s + *i, lits[k], len) == 0) {
			*i += len;
			return 1;
		}
	}
	return 0;
}

static int
json_text_valid(const char *s, size_t n)
{
	enum { MAX_DEPTH = 512 };
	char stack[MAX_DEPTH]; /* open containers: '[' or '{' */
	size_t i = 0, depth = 0;
	int ok;

value:
	i = skip_ws(s, n, i);
	if (i >= n)
		return 0;
	if (s[i] == '[' || s[i] == '{') {
		if (depth == MAX_DEPTH)
			return 0;
		stack[depth++] = s[i++];
		i = skip_ws(s, n, i);
		if (i < n && s[i] == (stack[depth - 1] == '[' ? ']' : '}')) {
			depth--;
			i++;
			goto after;
		}
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	}
	if (s[i] == '"')
		ok = scan_string(s, n, &i);
	else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9'))
		ok = scan_number(s, n, &i);
	else
		ok = scan_literal(s, n, &i);
	if (!ok)
		return 0;
after:
	i = skip_ws(s, n, i);
	if (depth == 0)
		return i == n;
	if (i < n && s[i] == ',') {
		i++;
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	}
	if (i < n && s[i] == (stack[depth - 1] == '[' ? ']' : '}')) {
		depth--;
		i++;
		goto after;
	}
	return 0;
key:
	i = skip_ws(s, n, i);
	if (i >= n || s[i] != '"' || !scan_string(s, n, &i))
		return 0;
	i = skip_ws(s, n, i);
	if (i >= n || s[i] != ':')
		return 0;
	i++;
	goto value;
}

static void
result_json(sqlite3_context *ctx, const char *s, size_t n, void (*destroy)(void *))
{
	sqlite3_result_text64(ctx, s, n, destroy, SQLITE_UTF8);
	sqlite3_result_subtype(ctx, JSON_SUBTYPE);
}

/*
 * printf and strtod follow LC_NUMERIC; if the program ever sets a locale
 * with a decimal comma, the number must still come out as JSON.
 */
static void
c_decimal_point(char *num)
{
	const char *dp = localeconv()->decimal_point;
	size_t dplen = strlen(dp);
	char *q;

	if (dplen == 0 || strcmp(dp, ".") == 0 || (q = strstr(num, dp)) == NULL)
		return;
	*q = '.';
	memmove(q + 1, q + dplen, strlen(q + dplen) + 1);
}

void
sqlfn_json_as_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[64];
	const char *s;
	size_t n, i;

	(void)argc;
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_NULL:
		result_json(ctx, "[]", 2, SQLITE_STATIC);
		return;
	case SQLITE_INTEGER:
		snprintf(buf, sizeof(buf), "[%lld]", (long long)sqlite3_value_int64(argv[0]));
		result_json(ctx, buf, strlen(buf), SQLITE_TRANSIENT);
		return;
	case SQLITE_FLOAT: {
		double d = sqlite3_value_double(argv[0]);
		char num[40];
		int prec;

		if (!isfinite(d))
			return; /* JSON has no Inf or NaN */
		/* Shortest precision that reads back as the same double. */
		for (prec = 15; prec <= 17; prec++) {
			snprintf(num, sizeof(num), "%.*g", prec, d);
			if (strtod(num, NULL) == d)
				break;
		}
		c_decimal_point(num);
		/* Keep it a JSON real, as SQLite's json() would ("1.0"). */
		snprintf(buf, sizeof(buf), "[%s%s]", num, strpbrk(num, ".eE") == NULL ? ".0" : "");
		result_json(ctx, buf, strlen(buf), SQLITE_TRANSIENT);
		return;
	}
	case SQLITE_TEXT:
		break;
	default:
		return; /* BLOB */
	}

	s = (const char *)sqlite3_value_text(argv[0]);
	if (s == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	n = (size_t)sqlite3_value_bytes(argv[0]);
	for (i = 0; i < n && isspace((unsigned char)s[i]); i++)
		;
	if (i < n && (s[i] == '[' || s[i] == '{') && json_text_valid(s, n) &&
	    sqlfn_utf8_valid((const unsigned char *)s, n)) {
		char *out;

		if (s[i] == '[') {
			result_json(ctx, s, n, SQLITE_TRANSIENT);
			return;
		}
		out = sqlite3_malloc64(n + 3);
		if (out == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		out[0] = '[';
		memcpy(out + 1, s, n);
		out[n + 1] = ']';
		out[n + 2] = '\0';
		result_json(ctx, out, n + 2, sqlite3_free);
		return;
	}
	/* Anything else, even text that merely looks like JSON: a string. */
	if (!sqlfn_utf8_valid((const unsigned char *)s, n))
		return;
	{
		size_t outlen;
		char *out = json_quote_array(s, n, &outlen);

		if (out == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		result_json(ctx, out, outlen, sqlite3_free);
	}
}

/* ---- pattern_has_terms ------------------------------------------------ */

/*
 * Copies s without whitespace and with single quotes turned into double
 * quotes into a new sqlite3_malloc buffer; with strip_braces also drops one
 * pair of braces around the whole. NULL when out of memory.
 */
static char *
pattern_normalise(const char *s, size_t n, int strip_braces, size_t *outlen)
{
	char *buf = sqlite3_malloc64(n + 1);
	size_t i, o = 0;

	if (buf == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		buf[o++] = s[i] == '\'' ? '"' : s[i];
	}
	if (strip_braces && o >= 2 && buf[0] == '{' && buf[o - 1] == '}') {
		memmove(buf, buf + 1, o - 2);
		o -= 2;
	}
	buf[o] = '\0';
	*outlen = o;
	return buf;
}

void
sqlfn_pattern_has_terms(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *pat, *terms;
	char *npat = NULL;
	size_t npatlen, i;
	json_t *arr, *t;
	int found = 1, nomem;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
	    sqlite3_value_type(argv[1]) != SQLITE_TEXT)
		return;
	pat = (const char *)sqlite3_value_text(argv[0]);
	terms = (const char *)sqlite3_value_text(argv[1]);
	if (pat == NULL || terms == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	arr = sqlfn_json_load(terms, (size_t)sqlite3_value_bytes(argv[1]), &nomem);
	if (arr == NULL) {
		if (nomem)
			sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!json_is_array(arr))
		goto out;
	json_array_foreach(arr, i, t)
	{
		if (!json_is_string(t))
			goto out;
	}
	npat = pattern_normalise(pat, (size_t)sqlite3_value_bytes(argv[0]), 1, &npatlen);
	if (npat == NULL)
		goto nomem;
	json_array_foreach(arr, i, t)
	{
		size_t ntermlen;
		char *nterm = pattern_normalise(json_string_value(t), json_string_length(t), 0,
						&ntermlen);

		if (nterm == NULL)
			goto nomem;
		if (ntermlen > 0 && memmem(npat, npatlen, nterm, ntermlen) == NULL)
			found = 0;
		sqlite3_free(nterm);
		if (!found)
			break;
	}
	sqlite3_result_int(ctx, found);
	goto out;
nomem:
	sqlite3_result_error_nomem(ctx);
out:
	sqlite3_free(npat);
	json_decref(arr);
}
