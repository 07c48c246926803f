/*
 * Registration of the check engine's SQL functions. The functions themselves
 * live in sqlfn_net.c (CIDR and ports), sqlfn_iam.c (IAM policy analysis),
 * sqlfn_misc.c (url_decode, dates, version_cmp) and sqlfn_json.c
 * (json_as_array, pattern_has_terms); this file only puts them all on a
 * connection, so the engine has a single entry point.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sqlfn.h"

int
attest_sqlfn_register(sqlite3 *db, time_t now)
{
	int rc;

	if (db == NULL)
		return SQLITE_MISUSE;
	rc = attest_sqlfn_register_net(db);
	if (rc == SQLITE_OK)
		rc = attest_sqlfn_register_iam(db);
	if (rc == SQLITE_OK)
		rc = attest_sqlfn_register_misc(db, now);
	if (rc == SQLITE_OK)
		rc = attest_sqlfn_register_json(db);
	return rc;
}
