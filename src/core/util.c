/*
 * Small helpers without a better home: string duplication and the ISO 8601
 * UTC timestamps that every stored record and report uses.
 */
#include "config.h"

#include "core_int.h"

#include <stdlib.h>
#include <string.h>

char *
core_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void
core_time_iso(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool
core_time_parse(const char *s, time_t *out)
{
	struct tm tm, check;
	const char *end;
	time_t t;

	if (!s)
		return false;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return false;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++)
			;
	if (strcmp(end, "Z") != 0 && strcmp(end, "+00:00") != 0 && *end != '\0')
		return false;
	/* strptime takes any day 1-31 and timegm() would roll 02-30 over into
	 * March: refuse dates that do not exist. */
	check = tm;
	t = timegm(&tm); /* normalizes tm */
	if (tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon)
		return false;
	*out = t;
	return true;
}
