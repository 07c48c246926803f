/*
 * Numbers given on the command line, parsed strictly: plain decimal digits
 * (and, for percentages, one decimal point), nothing before or after, inside
 * the stated range. strtod alone would take "nan", "inf", "0x1p6" and
 * leading blanks, and a gate such as --fail-under nan would never close.
 */
#include "config.h"

#include "cli.h"

#include <errno.h>
#include <stdlib.h>

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
