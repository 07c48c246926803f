/*
 * Per-check limits on check queries. Checks are user-supplied SQL: a
 * recursive CTE can run forever and a cross join can return more rows than
 * any disk holds. Each check's query runs within a time, row and byte budget
 * (runcheck.c enforces them); this file decides the budget: what the caller
 * set on the library, else the environment, else generous defaults that no
 * bundled check comes near. Environment values are parsed strictly (plain
 * decimal digits, within range), since a typo must not lift a limit.
 */
#include "config.h"

#include "engine_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SECONDS 300.0
#define DEFAULT_ROWS 10000000LL
#define DEFAULT_BYTES (1LL << 30)
#define MAX_SECONDS 86400.0
#define MAX_COUNT (1LL << 50)

void
attest_library_set_check_limits(attest_library *lib, double seconds, long long rows,
				long long bytes)
{
	lib->limit_seconds = isfinite(seconds) && seconds > 0 ? seconds : 0;
	lib->limit_rows = rows > 0 ? rows : 0;
	lib->limit_bytes = bytes > 0 ? bytes : 0;
}

/* "12", "0.5", "1.25": digits with at most one '.', nothing else (no sign,
 * exponent, hex, inf or nan, no space). */
static bool
plain_decimal(const char *s, bool fraction)
{
	bool digit = false, dot = false;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && fraction && !dot)
			dot = true;
		else
			return false;
	}
	return digit;
}

static attest_rc
env_number(attest_ctx *ctx, const char *name, bool fraction, double max, double *out)
{
	const char *v = getenv(name);
	char *end;
	double d;

	if (!v || !*v)
		return ATTEST_OK;
	errno = 0;
	d = strtod(v, &end);
	if (!plain_decimal(v, fraction) || *end || errno || !isfinite(d) ||
	    d < (fraction ? 0.001 : 1) || d > max)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "%s must be a %s from %s to %.0f, not '%.40s'", name,
				  fraction ? "number of seconds" : "whole number",
				  fraction ? "0.001" : "1", max, v);
	*out = fraction ? d : floor(d);
	return ATTEST_OK;
}

attest_rc
eval_limits_resolve(attest_ctx *ctx, const attest_library *lib, struct eval_limits *out)
{
	double seconds = DEFAULT_SECONDS, rows = (double)DEFAULT_ROWS,
	       bytes = (double)DEFAULT_BYTES;
	attest_rc rc;

	if ((rc = env_number(ctx, "ATTEST_CHECK_TIME_LIMIT", true, MAX_SECONDS, &seconds)) ||
	    (rc = env_number(ctx, "ATTEST_CHECK_ROW_LIMIT", false, (double)MAX_COUNT, &rows)) ||
	    (rc = env_number(ctx, "ATTEST_CHECK_BYTE_LIMIT", false, (double)MAX_COUNT, &bytes)))
		return rc;
	out->seconds = lib->limit_seconds > 0 ? fmin(lib->limit_seconds, MAX_SECONDS) : seconds;
	out->rows = lib->limit_rows > 0 ? lib->limit_rows : (long long)rows;
	out->bytes = lib->limit_bytes > 0 ? lib->limit_bytes : (long long)bytes;
	return ATTEST_OK;
}
