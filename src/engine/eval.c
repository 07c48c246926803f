/*
 * Evaluation: runs the checks behind the selected frameworks over the
 * inventory database and records one row per judged resource.
 *
 * A check whose resource types were not all collected is not run at all: it
 * is `not_evaluated`, never `pass`. A check that ran and judged nothing is
 * `not_applicable`. Check queries are user-supplied SQL, so they run under
 * an authorizer that allows reading and the one INSERT the engine wraps
 * around them, and nothing else (no ATTACH, no PRAGMA, no writes).
 */
#include "config.h"

#include "engine_int.h"
#include "inventory/inventory_int.h"
#include "sqlfn.h"

#include <stdlib.h>
#include <string.h>

static const char results_schema[] =
	"CREATE TABLE fw(framework TEXT PRIMARY KEY, seq INTEGER, version TEXT, title TEXT,"
	"  publisher TEXT, score REAL, coverage REAL, n_total INTEGER, n_pass INTEGER,"
	"  n_fail INTEGER, n_manual INTEGER, n_not_evaluated INTEGER, n_not_applicable INTEGER,"
	"  n_error INTEGER);"
	"CREATE TABLE ctl(framework TEXT, control_id TEXT, seq INTEGER, section TEXT,"
	"  title TEXT, description TEXT, level TEXT, assessment TEXT, status TEXT,"
	"  PRIMARY KEY(framework, control_id));"
	"CREATE TABLE ctl_checks(framework TEXT, control_id TEXT, check_id TEXT);"
	"CREATE TABLE chk(check_id TEXT PRIMARY KEY, title TEXT, service TEXT, severity TEXT,"
	"  resource_type TEXT, requires TEXT, rationale TEXT, remediation TEXT, refs TEXT,"
	"  status TEXT, reason TEXT, n_pass INTEGER DEFAULT 0, n_fail INTEGER DEFAULT 0,"
	"  n_error INTEGER DEFAULT 0, n_not_applicable INTEGER DEFAULT 0);"
	"CREATE TABLE res(check_id TEXT NOT NULL, rid INTEGER, status TEXT, reason TEXT,"
	"  evidence TEXT);"
	"CREATE INDEX res_check ON res(check_id, status);"
	"CREATE TABLE chk_counts(check_id TEXT PRIMARY KEY, p INTEGER, f INTEGER, e INTEGER,"
	"  na INTEGER);";

static attest_rc
db_fail(attest_ctx *ctx, sqlite3 *db, const char *what)
{
	return attest_error(ctx, ATTEST_ERR_DB, "evaluation: %s: %s", what, sqlite3_errmsg(db));
}

attest_rc
engine_prepare(attest_ctx *ctx, sqlite3 *db, time_t now)
{
	if (sqlite3_exec(db, results_schema, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(ctx, db, "cannot create result tables");
	if (attest_sqlfn_register(db, now) != SQLITE_OK)
		return db_fail(ctx, db, "cannot register functions");
	return ATTEST_OK;
}

static bool
selected(const char *id, const char *const *ids, size_t n)
{
	size_t i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/* The checks' and controls' metadata go into the database beside the
 * results, so the store can copy a self-contained scan. */
static attest_rc
record_library(attest_ctx *ctx, sqlite3 *db, attest_library *lib, const char *const *ids,
	       size_t n)
{
	sqlite3_stmt *fw_st = NULL, *ctl_st = NULL, *cc_st = NULL;
	const struct framework *fw;
	const struct control *c;
	size_t i, j, k, seq = 0;
	attest_rc rc = ATTEST_OK;

	if (sqlite3_prepare_v2(db, "INSERT INTO fw(framework, seq, version, title, publisher)"
				   " VALUES (?,?,?,?,?)", -1, &fw_st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO ctl(framework, control_id, seq, section, title,"
				   " description, level, assessment) VALUES (?,?,?,?,?,?,?,?)",
			       -1, &ctl_st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO ctl_checks VALUES (?,?,?)", -1, &cc_st, NULL) !=
		    SQLITE_OK) {
		rc = db_fail(ctx, db, "cannot prepare");
		goto out;
	}
	for (i = 0; i < lib->n_frameworks && rc == ATTEST_OK; i++) {
		fw = lib->frameworks[i];
		if (!selected(fw->id, ids, n))
			continue;
		sqlite3_reset(fw_st);
		sqlite3_bind_text(fw_st, 1, fw->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(fw_st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(fw_st, 3, fw->version, -1, SQLITE_STATIC);
		sqlite3_bind_text(fw_st, 4, fw->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(fw_st, 5, fw->publisher, -1, SQLITE_STATIC);
		if (sqlite3_step(fw_st) != SQLITE_DONE) {
			rc = db_fail(ctx, db, "cannot record a framework");
			break;
		}
		for (j = 0; j < fw->n_controls; j++) {
			c = &fw->controls[j];
			sqlite3_reset(ctl_st);
			sqlite3_bind_text(ctl_st, 1, fw->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 2, c->id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ctl_st, 3, (sqlite3_int64)seq++);
			sqlite3_bind_text(ctl_st, 4, c->section, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 5, c->title, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 6, c->description, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 7, c->level, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 8, c->manual ? "manual" : "automated", -1,
					  SQLITE_STATIC);
			if (sqlite3_step(ctl_st) != SQLITE_DONE) {
				rc = db_fail(ctx, db, "cannot record a control");
				break;
			}
			for (k = 0; k < c->n_checks && !c->manual; k++) {
				sqlite3_reset(cc_st);
				sqlite3_bind_text(cc_st, 1, fw->id, -1, SQLITE_STATIC);
				sqlite3_bind_text(cc_st, 2, c->id, -1, SQLITE_STATIC);
				sqlite3_bind_text(cc_st, 3, c->checks[k], -1, SQLITE_STATIC);
				if (sqlite3_step(cc_st) != SQLITE_DONE) {
					rc = db_fail(ctx, db, "cannot record a mapping");
					break;
				}
			}
		}
	}
out:
	sqlite3_finalize(fw_st);
	sqlite3_finalize(ctl_st);
	sqlite3_finalize(cc_st);
	return rc;
}

attest_rc
attest_evaluate(attest_inventory *inv, attest_library *lib, const char *const *ids, size_t n)
{
	attest_ctx *ctx = attest_inventory_ctx(inv);
	sqlite3 *db = attest_inventory_db(inv);
	sqlite3_stmt *st = NULL;
	const struct check *c;
	size_t i, done = 0, total;
	attest_rc rc;

	for (i = 0; i < n; i++)
		if (!lib_find_framework(lib, ids[i]))
			return attest_error(ctx, ATTEST_ERR_NOTFOUND,
					    "unknown framework '%s' (see 'attest frameworks')",
					    ids[i]);
	if (lib->n_frameworks == 0)
		return attest_error(ctx, ATTEST_ERR_NOTFOUND,
				    "no frameworks are installed (looked in '%s/frameworks')",
				    attest_datadir());
	if ((rc = engine_prepare(ctx, db, attest_inventory_as_of(inv))) != ATTEST_OK)
		return rc;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(ctx, db, "cannot begin");
	/* Every installed check must compile, mapped or not, so that a broken
	 * check file is found the first time anything is scanned. */
	for (i = 0; i < lib->n_checks; i++)
		if ((rc = check_compiles(ctx, db, lib->checks[i])) != ATTEST_OK)
			goto out;
	if ((rc = record_library(ctx, db, lib, ids, n)) != ATTEST_OK)
		goto out;
	/* Every check mapped by a selected control, once. */
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT check_id FROM ctl_checks ORDER BY check_id",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(ctx, db, "cannot list checks");
		goto out;
	}
	total = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		total++;
	sqlite3_reset(st);
	rc = ATTEST_OK;
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW) {
		c = lib_find_check(lib, (const char *)sqlite3_column_text(st, 0));
		if (!c) {
			rc = attest_error(ctx, ATTEST_ERR_INVALID, "check '%s' is not loaded",
					  (const char *)sqlite3_column_text(st, 0));
			break;
		}
		rc = eval_check(ctx, db, c);
		if (++done % 10 == 0 || done == total)
			attest_log(ctx, ATTEST_LOG_INFO, "evaluated %zu of %zu checks", done, total);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == ATTEST_OK)
		rc = score_frameworks(ctx, db);
out:
	if (rc == ATTEST_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_fail(ctx, db, "cannot commit");
	if (rc != ATTEST_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
