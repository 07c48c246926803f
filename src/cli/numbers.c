/*
 * Numbers given on the command line, parsed strictly: plain decimal digits
 * (and, for percentages, one decimal point), nothing before or after, inside
 * the stated range. strtod alone would take "nan", "inf", "0x1p6" and
 * leading blanks, and a gate such as --fail-under nan would never close.
 */
#include "config.h"

#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int
cli_parse_long(const char *arg, long min, long max, long *out)
{
	const char *p;
	char *end;
	long n;

	if (!arg || !*arg)
		return -1;
	for (p = arg; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

int
cli_parse_percent(const char *arg, double *out)
{
	const char *p;
	int digits = 0, dots = 0;
	char *end;
	double v;

	if (!arg || !*arg)
		return -1;
	for (p = arg; *p; p++) {
		if (*p == '.' && !dots++)
			continue;
		if (*p < '0' || *p > '9')
			return -1;
		digits++;
	}
	if (!digits || digits > 20)
		return -1;
	v = strtod(arg, &end);
	if (*end || !(v >= 0.0 && v <= 100.0))
		return -1;
	*out = v;
	return 0;
}

int
cli_parse_duration(const char *arg, long min, long max, long *out)
{
	static const struct {
		char unit;
		long seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char digits[32];
	size_t len, i;
	long n, mult = 1;

	if (!arg || !*arg || (len = strlen(arg)) >= sizeof(digits))
		return -1;
	memcpy(digits, arg, len + 1);
	for (i = 0; i < sizeof(units) / sizeof(*units); i++)
		if (digits[len - 1] == units[i].unit) {
			mult = units[i].seconds;
			digits[--len] = '\0';
			break;
		}
	if (cli_parse_long(digits, 0, LONG_MAX / mult, &n) != 0 || n * mult < min || n * mult > max)
		return -1;
	*out = n * mult;
	return 0;
}
