/*
 * Evaluation: runs the checks behind the selected frameworks over the
 * inventory database and records one row per judged resource.
 *
 * A check whose resource types were not all collected is not run at all: it
 * is `not_evaluated`, never `pass`. A check that ran and judged nothing is
 * `not_applicable`. Check queries are user-supplied SQL, so they run under
 * an authorizer that allows reading and nothing else (no ATTACH, no PRAGMA,
 * no writes), within a per-check time, row and byte limit (runcheck.c).
 */
#include "config.h"

#include "core/evaldb.h"
#include "engine_int.h"
#include "inventory/inventory_int.h"
#include "sqlfn.h"

#include <stdlib.h>
#include <string.h>

static const char results_schema[] = EVALDB_RESULTS_SCHEMA;

static attest_rc
db_fail(attest_ctx *ctx, sqlite3 *db, const char *what)
{
	return core_db_error(ctx, db, "evaluation: %s", what);
}

attest_rc
engine_prepare(attest_ctx *ctx, sqlite3 *db, time_t now)
{
	/* eval_only: when it lists rids, a check keeps its rows for
	 * those resources only (incremental.c); empty in a whole evaluation. */
	if (sqlite3_exec(db, results_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE TABLE eval_only(rid INTEGER PRIMARY KEY)", NULL, NULL, NULL) !=
		    SQLITE_OK)
		return db_fail(ctx, db, "cannot create result tables");
	if (sqlfn_register(db, now) != SQLITE_OK)
		return db_fail(ctx, db, "cannot register functions");
	return engine_views_create(ctx, db);
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
record_library(attest_ctx *ctx, sqlite3 *db, attest_library *lib, const char *const *ids, size_t n)
{
	sqlite3_stmt *fw_st = NULL, *ctl_st = NULL, *cc_st = NULL;
	const struct framework *fw;
	const struct control *c;
	size_t i, j, k, seq = 0;
	attest_rc rc = ATTEST_OK;

	if ((rc = core_db_prepare(ctx, db,
				  "INSERT INTO fw(framework, seq, version, title, publisher)"
				  " VALUES (?,?,?,?,?)",
				  &fw_st)) != ATTEST_OK ||
	    (rc = core_db_prepare(ctx, db,
				  "INSERT INTO ctl(framework, control_id, seq, section, title,"
				  " description, level, assessment) VALUES (?,?,?,?,?,?,?,?)",
				  &ctl_st)) != ATTEST_OK ||
	    (rc = core_db_prepare(ctx, db, "INSERT INTO ctl_checks VALUES (?,?,?)", &cc_st)) !=
		    ATTEST_OK)
		goto out;
	for (i = 0; i < lib->n_frameworks && rc == ATTEST_OK; i++) {
		fw = lib->frameworks[i];
		if (!selected(fw->id, ids, n))
			continue;
		sqlite3_bind_text(fw_st, 1, fw->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(fw_st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(fw_st, 3, fw->version, -1, SQLITE_STATIC);
		sqlite3_bind_text(fw_st, 4, fw->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(fw_st, 5, fw->publisher, -1, SQLITE_STATIC);
		if ((rc = core_db_run(ctx, fw_st)) != ATTEST_OK)
			break;
		for (j = 0; j < fw->n_controls; j++) {
			c = &fw->controls[j];
			sqlite3_bind_text(ctl_st, 1, fw->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 2, c->id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ctl_st, 3, (sqlite3_int64)seq++);
			sqlite3_bind_text(ctl_st, 4, c->section, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 5, c->title, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 6, c->description, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 7, c->level, -1, SQLITE_STATIC);
			sqlite3_bind_text(ctl_st, 8, c->manual ? "manual" : "automated", -1,
					  SQLITE_STATIC);
			if ((rc = core_db_run(ctx, ctl_st)) != ATTEST_OK)
				break;
			for (k = 0; k < c->n_checks && !c->manual; k++) {
				sqlite3_bind_text(cc_st, 1, fw->id, -1, SQLITE_STATIC);
				sqlite3_bind_text(cc_st, 2, c->id, -1, SQLITE_STATIC);
				sqlite3_bind_text(cc_st, 3, c->checks[k], -1, SQLITE_STATIC);
				if ((rc = core_db_run(ctx, cc_st)) != ATTEST_OK)
					break;
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
	struct attest_eval_opts o = {ids, n, NULL, 0, NULL, 0};

	return attest_evaluate_with(inv, lib, &o);
}

/* A resource that fails a check marked exposure="true" (open to the
 * internet) is exposed; its findings rank above the same failures on
 * private resources. */
static const char exposure_sql[] =
	"UPDATE res SET exposed = 1 WHERE rid IN (SELECT r.rid FROM res r"
	"  JOIN chk c ON c.check_id = r.check_id"
	"  WHERE c.exposure AND r.status IN ('fail', 'excepted'));";

/* Types that were loaded but that no installed check reads are named once
 * each (shown with --verbose): a newer inventory, a type only some checks of
 * another directory read, or a typo in a hand-written file. */
static void
warn_unread_types(attest_ctx *ctx, sqlite3 *db, const attest_library *lib)
{
	sqlite3_stmt *known = NULL, *st = NULL;
	size_t i, j;

	if (sqlite3_exec(db, "CREATE TEMP TABLE read_types(type TEXT PRIMARY KEY) WITHOUT ROWID",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO read_types VALUES (?)", -1, &known,
			       NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < lib->n_checks; i++)
		for (j = 0; j <= lib->checks[i]->n_requires; j++) {
			sqlite3_reset(known);
			sqlite3_bind_text(known, 1,
					  j == 0 ? lib->checks[i]->resource_type
						 : lib->checks[i]->requires[j - 1],
					  -1, SQLITE_STATIC);
			sqlite3_step(known);
		}
	if (sqlite3_prepare_v2(db,
			       "SELECT type, count(*) FROM resources WHERE type <> 'AWS::::Account'"
			       " AND type NOT IN (SELECT type FROM read_types) GROUP BY type",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW)
		core_log(ctx, ATTEST_LOG_DEBUG,
			 "%d resources of type '%s' were loaded, but no installed check reads "
			 "that type",
			 sqlite3_column_int(st, 1), (const char *)sqlite3_column_text(st, 0));
out:
	sqlite3_finalize(known);
	sqlite3_finalize(st);
	sqlite3_exec(db, "DROP TABLE IF EXISTS temp.read_types", NULL, NULL, NULL);
}

attest_rc
attest_evaluate_with(attest_inventory *inv, attest_library *lib, const struct attest_eval_opts *o)
{
	const char *const *ids = o->frameworks;
	size_t n = o->n_frameworks;
	attest_ctx *ctx = inventory_ctx(inv);
	sqlite3 *db = inventory_db(inv);
	sqlite3_stmt *st = NULL;
	const struct check *c;
	struct eval_limits lim;
	size_t i, done = 0, total;
	attest_rc rc;

	if ((rc = eval_limits_resolve(ctx, lib, &lim)) != ATTEST_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (!lib_find_framework(lib, ids[i]))
			return core_error(ctx, ATTEST_ERR_NOTFOUND,
					  "unknown framework '%s' (see 'attest frameworks')",
					  ids[i]);
	if (lib->n_frameworks == 0)
		return core_error(ctx, ATTEST_ERR_NOTFOUND,
				  "no frameworks are installed (looked in '%s/frameworks')",
				  attest_datadir());
	if ((rc = engine_prepare(ctx, db, attest_inventory_as_of(inv))) != ATTEST_OK ||
	    (rc = engine_views_add_user(ctx, db, lib)) != ATTEST_OK)
		return rc;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(ctx, db, "cannot begin");
	warn_unread_types(ctx, db, lib);
	/* Every installed check must compile, mapped or not, so that a broken
	 * check file is found the first time anything is scanned. */
	for (i = 0; i < lib->n_checks; i++)
		if ((rc = check_compiles(ctx, db, lib->checks[i])) != ATTEST_OK)
			goto out;
	if ((rc = record_library(ctx, db, lib, ids, n)) != ATTEST_OK ||
	    (rc = policy_load(lib, db, o, attest_inventory_as_of(inv))) != ATTEST_OK)
		goto out;
	/* Every check mapped by a selected control, once. */
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT check_id FROM ctl_checks ORDER BY check_id", -1,
			       &st, NULL) != SQLITE_OK) {
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
			rc = core_error(ctx, ATTEST_ERR_INVALID, "check '%s' is not loaded",
					(const char *)sqlite3_column_text(st, 0));
			break;
		}
		rc = eval_check(ctx, db, c, &lim);
		if (++done % 10 == 0 || done == total)
			core_log(ctx, ATTEST_LOG_INFO, "evaluated %zu of %zu checks", done, total);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == ATTEST_OK && (rc = policy_apply(ctx, db)) == ATTEST_OK &&
	    sqlite3_exec(db, exposure_sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = db_fail(ctx, db, "cannot rank findings");
	if (rc == ATTEST_OK)
		rc = score_frameworks(ctx, db);
out:
	if (rc == ATTEST_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_fail(ctx, db, "cannot commit");
	if (rc != ATTEST_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
