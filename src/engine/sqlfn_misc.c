/*
 * Miscellaneous SQL functions for checks: url_decode (AWS Config stores IAM
 * policies form-encoded; the decoder is shared with sqlfn_iam.c),
 * days_since/days_until (age of keys, certificates and passwords relative
 * to the scan's reference time, never the wall clock, so a rerun over the
 * same snapshot gives the same findings) and version_cmp (engine
 * end-of-support checks). Invalid input yields NULL, never an error.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlfn.h"
#include "core/core_int.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

/* ---- url_decode ------------------------------------------------------- */

int
sqlfn_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned char lo = 0x80, hi = 0xbf;
		size_t need, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0; /* overlong */
			else if (c == 0xed)
				hi = 0x9f; /* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90; /* overlong */
			else if (c == 0xf4)
				hi = 0x8f; /* > U+10FFFF */
		} else {
			return 0;
		}
		if (len - i <= need)
			return 0;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k <= need; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += need + 1;
	}
	return 1;
}

int
sqlfn_url_decode(const char *in, size_t len, char **out, size_t *outlen)
{
	char *buf;
	size_t i, n = 0;

	buf = sqlite3_malloc64(len + 1);
	if (buf == NULL)
		return ATTEST_SQLFN_ENOMEM;
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int h, l;

			if (len - i < 3)
				goto invalid;
			h = core_hex_digit(in[i + 1]);
			l = core_hex_digit(in[i + 2]);
			if (h < 0 || l < 0)
				goto invalid;
			c = (char)(h << 4 | l);
			i += 2;
		}
		/* SQL text cannot usefully carry NUL bytes. */
		if (c == '\0')
			goto invalid;
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (!sqlfn_utf8_valid((const unsigned char *)buf, n))
		goto invalid;
	*out = buf;
	*outlen = n;
	return ATTEST_SQLFN_OK;
invalid:
	sqlite3_free(buf);
	return ATTEST_SQLFN_EINVAL;
}

void
sqlfn_url_decode_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s;
	char *out;
	size_t outlen;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	s = (const char *)sqlite3_value_text(argv[0]);
	if (s == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	switch (sqlfn_url_decode(s, (size_t)sqlite3_value_bytes(argv[0]), &out, &outlen)) {
	case ATTEST_SQLFN_OK:
		sqlite3_result_text64(ctx, out, outlen, sqlite3_free, SQLITE_UTF8);
		break;
	case ATTEST_SQLFN_ENOMEM:
		sqlite3_result_error_nomem(ctx);
		break;
	default:
		break; /* NULL */
	}
}

/* ---- days_since / days_until ------------------------------------------ */

/* Reads exactly n digits at *p. Returns -1 if they are not there. */
static int
digits(const char **p, const char *end, int n)
{
	int v = 0;

	if (end - *p < n)
		return -1;
	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

/*
 * Parses the ISO 8601 forms AWS APIs emit: a date, or a date and time
 * ("T" or space separated) with optional seconds, optional fraction and an
 * optional zone ("Z", "+hh:mm", "+hhmm", "+hh"). A time without a zone is
 * taken as UTC, which is what AWS means by it. Returns 0 and sets *epoch
 * (seconds since 1970, UTC) or returns -1.
 */
static int
parse_iso8601(const char *p, const char *end, double *epoch)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	double frac = 0;

	if ((y = digits(&p, end, 4)) < 0 || p == end || *p++ != '-' ||
	    (mo = digits(&p, end, 2)) < 0 || p == end || *p++ != '-' ||
	    (d = digits(&p, end, 2)) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (p < end) {
		if (*p != 'T' && *p != 't' && *p != ' ')
			return -1;
		p++;
		if ((h = digits(&p, end, 2)) < 0 || p == end || *p++ != ':' ||
		    (mi = digits(&p, end, 2)) < 0)
			return -1;
		if (p < end && *p == ':') {
			p++;
			if ((sec = digits(&p, end, 2)) < 0)
				return -1;
			if (p < end && (*p == '.' || *p == ',')) {
				double scale = 0.1;

				if (++p == end || !isdigit((unsigned char)*p))
					return -1;
				for (; p < end && isdigit((unsigned char)*p); p++) {
					frac += (*p - '0') * scale;
					scale /= 10;
				}
			}
		}
		/* 60 is a leap second; timegm() carries it into the minute. */
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (p < end && (*p == 'Z' || *p == 'z')) {
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;

			if ((oh = digits(&p, end, 2)) < 0)
				return -1;
			/* "+hh:mm", "+hhmm" or just "+hh" */
			if (p < end) {
				if (*p == ':')
					p++;
				if ((om = digits(&p, end, 2)) < 0)
					return -1;
			}
			if (oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		}
		if (p != end)
			return -1;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	/* The local wall time minus its offset from UTC is the UTC instant. */
	*epoch = (double)timegm(&tm) - off + frac;
	return 0;
}

void
sqlfn_days(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct sqlfn_clock *da = sqlite3_user_data(ctx);
	double t, days;

	(void)argc;
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_INTEGER:
		t = (double)sqlite3_value_int64(argv[0]);
		break;
	case SQLITE_FLOAT:
		t = sqlite3_value_double(argv[0]);
		if (!isfinite(t))
			return;
		break;
	case SQLITE_TEXT: {
		const char *s = (const char *)sqlite3_value_text(argv[0]);
		const char *end;

		if (s == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		end = s + sqlite3_value_bytes(argv[0]);
		while (s < end && isspace((unsigned char)*s))
			s++;
		while (end > s && isspace((unsigned char)end[-1]))
			end--;
		/* "N/A", "no_information", "" ... simply fail to parse. */
		if (parse_iso8601(s, end, &t) != 0)
			return;
		break;
	}
	default:
		return;
	}
	days = ((double)da->now - t) / 86400.0 * da->sign;
	sqlite3_result_double(ctx, days == 0 ? 0.0 : days); /* no -0.0 */
}

/* ---- version_cmp ------------------------------------------------------ */

static int
bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

static size_t
span_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	return i;
}

/* Compares digit strings by value, without overflow for any length. */
static int
number_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	while (an > 1 && *a == '0')
		a++, an--;
	while (bn > 1 && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	return bytes_cmp(a, an, b, bn);
}

/*
 * One dotted part: a leading number compares numerically, whatever
 * follows it ("22-rds", "mysql_aurora") as text.
 */
static int
part_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t ad = span_digits(a, an), bd = span_digits(b, bn);
	int c;

	if (ad > 0 && bd > 0) {
		c = number_cmp(a, ad, b, bd);
		if (c != 0)
			return c;
		return bytes_cmp(a + ad, an - ad, b + bd, bn - bd);
	}
	return bytes_cmp(a, an, b, bn);
}

/* 1 if the remaining parts of s[0..n) are all numeric zeros ("0.00"). */
static int
rest_is_zero(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '0' && s[i] != '.')
			return 0;
	return 1;
}

void
sqlfn_version_cmp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *a, *b, *ae, *be;
	int c = 0;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	a = (const char *)sqlite3_value_text(argv[0]);
	b = (const char *)sqlite3_value_text(argv[1]);
	if (a == NULL || b == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	ae = a + strlen(a);
	be = b + strlen(b);
	while (a < ae && isspace((unsigned char)*a))
		a++;
	while (ae > a && isspace((unsigned char)ae[-1]))
		ae--;
	while (b < be && isspace((unsigned char)*b))
		b++;
	while (be > b && isspace((unsigned char)be[-1]))
		be--;
	if (a == ae || b == be)
		return;

	while (c == 0 && a < ae && b < be) {
		const char *ad = memchr(a, '.', (size_t)(ae - a));
		const char *bd = memchr(b, '.', (size_t)(be - b));
		size_t an = ad ? (size_t)(ad - a) : (size_t)(ae - a);
		size_t bn = bd ? (size_t)(bd - b) : (size_t)(be - b);

		c = part_cmp(a, an, b, bn);
		a = ad ? ad + 1 : ae;
		b = bd ? bd + 1 : be;
	}
	/* "15" == "15.0", but "15.4" > "15" and "1.0.rc1" > "1.0". */
	if (c == 0 && a < ae && !rest_is_zero(a, (size_t)(ae - a)))
		c = 1;
	else if (c == 0 && b < be && !rest_is_zero(b, (size_t)(be - b)))
		c = -1;
	sqlite3_result_int(ctx, c);
}
