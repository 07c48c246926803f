/*
 * Registration of the check engine's SQL functions: one table of every
 * function (name, number of arguments, flags, implementation) that
 * registration walks. The functions themselves live in sqlfn_net.c (CIDR
 * and ports), sqlfn_iam.c (IAM policy analysis), sqlfn_misc.c (url_decode,
 * dates, version_cmp) and sqlfn_json.c (json_as_array, pattern_has_terms).
 * A new function is one line here, one row in doc/check-authoring.md.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlfn.h"

const struct sqlfn_def sqlfn_table[] = {
	{"cidr_contains", 2, 0, sqlfn_cidr_contains, 0},
	{"cidr_is_world", 1, 0, sqlfn_cidr_is_world, 0},
	{"cidr_is_public", 1, 0, sqlfn_cidr_is_public, 0},
	{"port_in_rule", 5, 0, sqlfn_port_in_rule, 0},
	{"ports_overlap", 4, 0, sqlfn_ports_overlap, 0},
	{"iam_policy_is_admin", 1, 0, sqlfn_iam_is_admin, 0},
	{"iam_policy_allows", 3, 0, sqlfn_iam_allows, 0},
	{"iam_policy_public", 1, 0, sqlfn_iam_public, 0},
	{"iam_policy_denies_insecure_transport", 1, 0, sqlfn_iam_denies_insecure_transport, 0},
	{"iam_policy_denies_insecure_transport", 2, 0, sqlfn_iam_denies_insecure_transport, 0},
	{"iam_policy_denies_insecure_transport", 3, 0, sqlfn_iam_denies_insecure_transport, 0},
	{"url_decode", 1, 0, sqlfn_url_decode_fn, 0},
	{"days_since", 1, 0, sqlfn_days, 1},
	{"days_until", 1, 0, sqlfn_days, -1},
	{"version_cmp", 2, 0, sqlfn_version_cmp, 0},
	{"json_as_array", 1, SQLFN_SUBTYPE, sqlfn_json_as_array, 0},
	{"pattern_has_terms", 2, 0, sqlfn_pattern_has_terms, 0},
};

const size_t sqlfn_table_len = sizeof(sqlfn_table) / sizeof(sqlfn_table[0]);

static int
register_one(sqlite3 *db, const struct sqlfn_def *d, time_t now)
{
	struct sqlfn_clock *clock;

	if (d->clock == 0)
		return sqlite3_create_function(db, d->name, d->nargs, ATTEST_SQLFN_FLAGS | d->flags,
					       NULL, d->fn, NULL, NULL);
	if ((clock = sqlite3_malloc(sizeof(*clock))) == NULL)
		return SQLITE_NOMEM;
	clock->now = now;
	clock->sign = d->clock;
	/* On failure SQLite itself calls the destructor on clock. */
	return sqlite3_create_function_v2(db, d->name, d->nargs, ATTEST_SQLFN_FLAGS | d->flags,
					  clock, d->fn, NULL, NULL, sqlite3_free);
}

int
sqlfn_register(sqlite3 *db, time_t now)
{
	size_t i;
	int rc = SQLITE_OK;

	if (db == NULL)
		return SQLITE_MISUSE;
	for (i = 0; i < sqlfn_table_len && rc == SQLITE_OK; i++)
		rc = register_one(db, &sqlfn_table[i], now);
	return rc;
}
