/*
 * Incremental evaluation: after a change set (src/inventory/change.c), only
 * the checks that read a changed resource type run again, and only the
 * findings they give on what changed are replaced.
 *
 * A check whose own type changed, and none of the types it joins, runs on
 * the changed resources alone (the others of their types are set aside
 * meanwhile), and only its rows for them are replaced: the others cannot
 * have moved, nothing they are judged on changed. A check that joins a
 * changed type, or names its own type among those it requires (it compares
 * resources of its type with each other), is run again whole, since any of
 * its resources may depend on what changed. Exceptions,
 * exposure and scores are then brought up to date, and every finding whose
 * status moved is reported: old status NULL for a new finding, new status
 * NULL for a finding whose resource is gone.
 */
#include "config.h"

#include "engine_int.h"
#include "inventory/inventory_int.h"

#include <string.h>

static const char setup_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS old_res(check_id TEXT, rid INTEGER, status TEXT,"
	"  reason TEXT, evidence TEXT);"
	"CREATE INDEX IF NOT EXISTS temp.old_res_key ON old_res(check_id, rid);"
	"CREATE TEMP TABLE IF NOT EXISTS new_res(check_id TEXT, rid INTEGER, status TEXT,"
	"  reason TEXT, evidence TEXT);"
	"CREATE INDEX IF NOT EXISTS temp.new_res_key ON new_res(check_id, rid);"
	"CREATE TEMP TABLE IF NOT EXISTS touched(rid INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE IF NOT EXISTS exposed_rids(rid INTEGER PRIMARY KEY);"
	"CREATE TEMP TABLE IF NOT EXISTS rerun(check_id TEXT PRIMARY KEY, whole INTEGER);"
	/* A whole evaluation reads res by check; a re-evaluation also by
	 * resource: indexed once, at the first re-evaluation. */
	"CREATE INDEX IF NOT EXISTS res_check_rid ON res(check_id, rid);"
	"CREATE INDEX IF NOT EXISTS res_rid ON res(rid);"
	"DELETE FROM temp.old_res; DELETE FROM temp.rerun; DELETE FROM eval_only;";

static bool
type_changed(sqlite3_stmt *q, const char *type)
{
	bool yes;

	sqlite3_reset(q);
	sqlite3_bind_text(q, 1, type, -1, SQLITE_STATIC);
	yes = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	return yes;
}

/* Fills temp.rerun with the evaluated checks that read a changed type. */
static attest_rc
plan(attest_ctx *ctx, sqlite3 *db, const attest_library *lib, size_t *n)
{
	sqlite3_stmt *chk = NULL, *q = NULL, *ins = NULL;
	const struct check *c;
	bool own, joined;
	size_t i;
	attest_rc rc;

	*n = 0;
	if ((rc = core_db_prepare(ctx, db, "SELECT check_id FROM chk ORDER BY check_id", &chk)) !=
		    ATTEST_OK ||
	    (rc = core_db_prepare(ctx, db, "SELECT 1 FROM temp.changed WHERE type = ? LIMIT 1",
				  &q)) != ATTEST_OK ||
	    (rc = core_db_prepare(ctx, db, "INSERT INTO temp.rerun VALUES (?, ?)", &ins)) !=
		    ATTEST_OK)
		goto out;
	while (rc == ATTEST_OK && sqlite3_step(chk) == SQLITE_ROW) {
		c = lib_find_check(lib, (const char *)sqlite3_column_text(chk, 0));
		if (!c) {
			rc = core_error(ctx, ATTEST_ERR_INVALID, "check '%s' is not loaded",
					(const char *)sqlite3_column_text(chk, 0));
			break;
		}
		own = type_changed(q, c->resource_type);
		joined = false;
		for (i = 0; i < c->n_requires && !joined; i++)
			joined = strcmp(c->requires[i], c -> resource_type) != 0 &&
				 type_changed(q, c->requires[i]);
		if (!own && !joined)
			continue;
		sqlite3_bind_text(ins, 1, c->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 2, joined);
		rc = core_db_run(ctx, ins);
		(*n)++;
	}
out:
	sqlite3_finalize(chk);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return rc;
}

/* Moves a check's rows that are about to be replaced into temp.old_res and
 * forgets the check's summary, so eval_check() can record it again. */
static const char forget_sql[] =
	"INSERT INTO temp.old_res SELECT check_id, rid, status, reason, evidence FROM res"
	"  WHERE check_id = ?1 AND (SELECT whole FROM temp.rerun WHERE check_id = ?1);"
	"INSERT INTO temp.old_res SELECT r.check_id, r.rid, r.status, r.reason, r.evidence"
	"  FROM temp.changed g JOIN res r ON r.check_id = ?1 AND r.rid = g.rid"
	"  WHERE NOT (SELECT whole FROM temp.rerun WHERE check_id = ?1);"
	"DELETE FROM res WHERE check_id = ?1 AND (SELECT whole FROM temp.rerun"
	"  WHERE check_id = ?1);"
	"DELETE FROM res WHERE rowid IN (SELECT r.rowid FROM temp.changed g"
	"  JOIN res r ON r.check_id = ?1 AND r.rid = g.rid);"
	"DELETE FROM chk WHERE check_id = ?1;"
	"DELETE FROM chk_counts WHERE check_id = ?1;"
	"DELETE FROM eval_only;"
	"INSERT INTO eval_only SELECT rid FROM temp.changed"
	"  WHERE NOT (SELECT whole FROM temp.rerun WHERE check_id = ?1);";

/* Runs the checks of temp.rerun whose whole flag is `whole`. */
static attest_rc
run_some(attest_ctx *ctx, sqlite3 *db, const attest_library *lib, const struct eval_limits *lim,
	 bool whole)
{
	sqlite3_stmt *st = NULL, *forget = NULL;
	const struct check *c;
	const char *tail, *sql;
	attest_rc rc;

	if ((rc = core_db_prepare(
		     ctx, db, "SELECT check_id FROM temp.rerun WHERE whole = ? ORDER BY check_id",
		     &st)) != ATTEST_OK)
		return rc;
	sqlite3_bind_int(st, 1, whole);
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW) {
		c = lib_find_check(lib, (const char *)sqlite3_column_text(st, 0));
		for (sql = forget_sql; rc == ATTEST_OK && *sql; sql = tail) {
			if (sqlite3_prepare_v2(db, sql, -1, &forget, &tail) != SQLITE_OK) {
				rc = core_db_error(ctx, db, "re-evaluation of '%s'", c->id);
				break;
			}
			if (!forget)
				break;
			sqlite3_bind_text(forget, 1, c->id, -1, SQLITE_STATIC);
			rc = core_db_run(ctx, forget);
			sqlite3_finalize(forget);
			forget = NULL;
		}
		if (rc == ATTEST_OK)
			rc = eval_check(ctx, db, c, lim);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "DELETE FROM eval_only", NULL, NULL, NULL);
	return rc;
}

/* While the checks run only for the changed resources of their type, the
 * other resources of the changed types are set aside (in the change set's
 * transaction), so that a check's query, and the shared views it reads,
 * judge the changed resources alone: their cost follows the change, not
 * the estate. They are put back, with their rids, before anything else
 * reads the inventory. */
static const char hide_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS hidden AS SELECT * FROM main.resources WHERE 0;"
	"DELETE FROM temp.hidden;"
	"INSERT INTO temp.hidden SELECT * FROM main.resources"
	"  WHERE type IN (SELECT DISTINCT type FROM temp.changed)"
	"  AND rid NOT IN (SELECT rid FROM temp.changed);"
	"DELETE FROM main.resources WHERE rid IN (SELECT rid FROM temp.hidden);";
static const char unhide_sql[] = "INSERT INTO main.resources SELECT * FROM temp.hidden;"
				 "DELETE FROM temp.hidden;";

static attest_rc
rerun(attest_ctx *ctx, sqlite3 *db, const attest_library *lib, const struct eval_limits *lim)
{
	attest_rc rc;

	if ((rc = run_some(ctx, db, lib, lim, true)) != ATTEST_OK)
		return rc;
	if (sqlite3_exec(db, hide_sql, NULL, NULL, NULL) != SQLITE_OK)
		return core_db_error(ctx, db, "re-evaluation: cannot set resources aside");
	rc = run_some(ctx, db, lib, lim, false);
	if (sqlite3_exec(db, unhide_sql, NULL, NULL, NULL) != SQLITE_OK && rc == ATTEST_OK)
		rc = core_db_error(ctx, db, "re-evaluation: cannot put resources back");
	return rc;
}

/* Exposure of every resource whose findings were re-evaluated: the rids
 * touched, and those of them that fail a check marked exposure, gathered
 * first so that each statement reads res through an index. */
static const char exposure_sql[] =
	"DELETE FROM temp.touched; DELETE FROM temp.exposed_rids;"
	"INSERT OR IGNORE INTO temp.touched SELECT rid FROM temp.old_res WHERE rid IS NOT NULL;"
	"INSERT OR IGNORE INTO temp.touched SELECT r.rid FROM temp.rerun x"
	"  JOIN res r ON r.check_id = x.check_id WHERE r.rid IS NOT NULL;"
	"INSERT OR IGNORE INTO temp.exposed_rids SELECT r.rid FROM chk c"
	"  JOIN res r ON r.check_id = c.check_id AND r.status IN ('fail', 'excepted')"
	"  WHERE c.exposure AND r.rid IN (SELECT rid FROM temp.touched);"
	"UPDATE res SET exposed = NOT exposed WHERE rid IN (SELECT rid FROM temp.touched)"
	"  AND exposed IS NOT (rid IN (SELECT rid FROM temp.exposed_rids));";

/* The findings whose status moved: old rows against the new rows of the
 * re-run checks (for the changed resources, or all of a check run whole),
 * both keyed by (check, rid). */
static const char new_rows_sql[] =
	"DELETE FROM temp.new_res;"
	"INSERT INTO temp.new_res SELECT r.check_id, r.rid, r.status, r.reason, r.evidence"
	"  FROM temp.rerun x JOIN res r ON r.check_id = x.check_id WHERE x.whole;"
	"INSERT INTO temp.new_res SELECT r.check_id, r.rid, r.status, r.reason, r.evidence"
	"  FROM temp.rerun x JOIN temp.changed g"
	"  JOIN res r ON r.check_id = x.check_id AND r.rid = g.rid WHERE NOT x.whole;";

static const char moved_sql[] =
	"WITH pairs AS (SELECT n.check_id, n.rid, o.status AS old, n.status AS new, n.reason,"
	"      n.evidence FROM temp.new_res n LEFT JOIN temp.old_res o"
	"      ON o.check_id = n.check_id AND o.rid IS n.rid"
	"    UNION ALL SELECT o.check_id, o.rid, o.status, NULL, o.reason, o.evidence"
	"      FROM temp.old_res o WHERE NOT EXISTS (SELECT 1 FROM temp.new_res n"
	"      WHERE n.check_id = o.check_id AND n.rid IS o.rid))"
	" SELECT p.check_id, c.severity, coalesce(r.type, g.type), coalesce(r.id, g.id),"
	"   coalesce(r.arn, g.arn), coalesce(r.region, g.region), coalesce(r.account, g.account),"
	"   p.old, p.new, p.reason, p.evidence"
	" FROM pairs p JOIN chk c ON c.check_id = p.check_id"
	" LEFT JOIN main.resources r ON r.rid = p.rid"
	" LEFT JOIN temp.changed g ON g.rid = p.rid"
	" WHERE p.old IS NOT p.new"
	" ORDER BY p.check_id, coalesce(r.id, g.id);";

static attest_rc
report(attest_ctx *ctx, sqlite3 *db, attest_delta_fn fn, void *data, size_t *n)
{
	struct attest_delta d;
	sqlite3_stmt *st = NULL;
	attest_rc rc;
	int src;

	*n = 0;
	if (sqlite3_exec(db, new_rows_sql, NULL, NULL, NULL) != SQLITE_OK)
		return core_db_error(ctx, db, "re-evaluation: comparing findings");
	if ((rc = core_db_prepare(ctx, db, moved_sql, &st)) != ATTEST_OK)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char **f[] = {&d.check_id,   &d.severity, &d.resource_type, &d.resource_id,
				    &d.arn,        &d.region,   &d.account,       &d.old_status,
				    &d.new_status, &d.reason,   &d.evidence};
		size_t i;

		for (i = 0; i < sizeof(f) / sizeof(*f); i++)
			*f[i] = (const char *)sqlite3_column_text(st, (int)i);
		(*n)++;
		if (fn && (rc = fn(data, &d)) != ATTEST_OK)
			break;
	}
	if (rc == ATTEST_OK && src != SQLITE_DONE)
		rc = core_db_error(ctx, db, "re-evaluation: comparing findings");
	sqlite3_finalize(st);
	return rc;
}

attest_rc
attest_evaluate_changes(attest_inventory *inv, attest_library *lib, attest_delta_fn fn, void *data,
			struct attest_change_stats *stats)
{
	attest_ctx *ctx = inventory_ctx(inv);
	sqlite3 *db = inventory_db(inv);
	struct eval_limits lim;
	attest_rc rc;

	memset(stats, 0, sizeof(*stats));
	if (!inv_changing(inv))
		return core_error(
			ctx, ATTEST_ERR_INVALID,
			"re-evaluation needs an open change set (attest_inventory_begin)");
	if ((rc = eval_limits_resolve(ctx, lib, &lim)) != ATTEST_OK)
		return rc;
	if (sqlite3_exec(db, setup_sql, NULL, NULL, NULL) != SQLITE_OK)
		return core_db_error(ctx, db, "re-evaluation: cannot prepare");
	core_db_int64(db, "SELECT count(*) FROM temp.changed", &stats->resources);
	if ((rc = plan(ctx, db, lib, &stats->checks)) != ATTEST_OK ||
	    (rc = rerun(ctx, db, lib, &lim)) != ATTEST_OK ||
	    (rc = policy_apply(ctx, db)) != ATTEST_OK)
		return rc;
	if (sqlite3_exec(db, exposure_sql, NULL, NULL, NULL) != SQLITE_OK)
		return core_db_error(ctx, db, "re-evaluation: cannot rank findings");
	if ((rc = score_frameworks(ctx, db)) != ATTEST_OK)
		return rc;
	return report(ctx, db, fn, data, &stats->moved);
}
