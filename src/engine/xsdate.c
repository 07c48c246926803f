/*
 * Dates of exceptions and attestations (xs:date). Expiry used to be judged
 * by comparing the first ten characters with today's date as strings, so a
 * year of 10000 sorted before 2026 and counted as expired, and a date
 * written with surrounding whitespace (which the schema allows) compared
 * wrong. Dates are parsed into numbers instead and compared as instants.
 */
#include "config.h"

#include "engine_int.h"

#include <string.h>

static bool
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* n decimal digits at *p, advancing it; -1 when they are not all digits. */
static long long
digits(const char **p, int n)
{
	long long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static bool
leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long long y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

bool
xs_date_parse(const char *text, struct xs_date *out)
{
	const char *p = text, *y0;
	bool negative = false;
	long long v;
	int ylen = 0, sign;

	memset(out, 0, sizeof(*out));
	while (xml_space(*p))
		p++;
	if (*p == '-') {
		negative = true;
		p++;
	}
	for (y0 = p; *p >= '0' && *p <= '9'; p++)
		ylen++;
	/* Four digits at least; a longer year has no leading zero; nine at
	 * most keeps every computation well inside 64 bits. */
	if (ylen < 4 || ylen > 9 || (ylen > 4 && *y0 == '0'))
		return false;
	p = y0;
	out->year = digits(&p, ylen);
	if (out->year == 0)
		return false;
	/* XML Schema 1.0 has no year 0: -0001 is the year before 0001. */
	if (negative)
		out->year = 1 - out->year;
	if (*p++ != '-' || (v = digits(&p, 2)) < 1 || v > 12)
		return false;
	out->month = (int)v;
	if (*p++ != '-' || (v = digits(&p, 2)) < 1 || v > month_days(out->year, out->month))
		return false;
	out->day = (int)v;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		long long hh, mm;

		sign = *p++ == '-' ? -1 : 1;
		hh = digits(&p, 2);
		if (hh < 0 || *p++ != ':' || (mm = digits(&p, 2)) < 0 || mm > 59 || hh > 14 ||
		    (hh == 14 && mm != 0))
			return false;
		out->zone_minutes = sign * (int)(hh * 60 + mm);
	}
	while (xml_space(*p))
		p++;
	return *p == '\0';
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil), for any year in range. */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long long
xs_date_end(const struct xs_date *d)
{
	return (days_from_civil(d->year, d->month, d->day) + 1) * 86400LL -
	       (long long)d->zone_minutes * 60;
}
