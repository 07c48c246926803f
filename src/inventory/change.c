/*
 * Change sets: what `attest watch` does to a finished, evaluated inventory
 * when an event says resources changed. A change set is one transaction on
 * the inventory's database; resources put into it replace the stored
 * resource of the same key in place (the rid stays, so the results of
 * checks that did not change stay linked to it), dropped resources are
 * removed, and every one of them is noted in temp.changed with the key it
 * had, for the engine's incremental evaluation (src/engine/incremental.c).
 */
#include "config.h"

#include "awsconfig.h"
#include "core/db.h"
#include "inventory_int.h"

#include <stdlib.h>
#include <string.h>

static const char changed_schema[] =
	"CREATE TEMP TABLE IF NOT EXISTS changed(rid INTEGER PRIMARY KEY, type TEXT NOT NULL,"
	"  id TEXT NOT NULL, arn TEXT, name TEXT, region TEXT, account TEXT,"
	"  gone INTEGER NOT NULL DEFAULT 0);"
	"DELETE FROM temp.changed;";

attest_rc
attest_inventory_begin(attest_inventory *inv, const char *source)
{
	attest_ctx *ctx = inventory_ctx(inv);
	sqlite3 *db = inventory_db(inv);
	sqlite3_stmt *st = NULL;
	long long sid;
	attest_rc rc;

	if (inv_changing(inv))
		return core_error(ctx, ATTEST_ERR_INVALID, "a change set is already open");
	if (sqlite3_exec(db, changed_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return core_db_error(ctx, db, "inventory database: cannot open a change set");
	/* One source row per origin ("events", "re-collection"), reused. */
	if ((rc = core_db_prepare(ctx, db,
				  "SELECT sid FROM sources WHERE path = ? AND format = 'change'",
				  &st)) != ATTEST_OK)
		goto fail;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sid = sqlite3_column_int64(st, 0);
	} else {
		sqlite3_finalize(st);
		st = NULL;
		if ((rc = core_db_prepare(ctx, db,
					  "INSERT INTO sources(path, format, provider, source)"
					  " VALUES (?, 'change', 'aws', 'events')",
					  &st)) != ATTEST_OK)
			goto fail;
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
		if ((rc = core_db_run(ctx, st)) != ATTEST_OK)
			goto fail;
		sid = sqlite3_last_insert_rowid(db);
	}
	sqlite3_finalize(st);
	inv_set_changing(inv, true, sid);
	return ATTEST_OK;
fail:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

attest_rc
attest_inventory_commit(attest_inventory *inv)
{
	sqlite3 *db = inventory_db(inv);

	if (!inv_changing(inv))
		return core_error(inventory_ctx(inv), ATTEST_ERR_INVALID, "no change set is open");
	inv_set_changing(inv, false, 0);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		inv_recount(inv);
		return core_db_error(inventory_ctx(inv), db,
				     "inventory database: cannot commit a change set");
	}
	return ATTEST_OK;
}

void
attest_inventory_rollback(attest_inventory *inv)
{
	if (!inv_changing(inv))
		return;
	inv_set_changing(inv, false, 0);
	sqlite3_exec(inventory_db(inv), "ROLLBACK", NULL, NULL, NULL);
	inv_recount(inv);
}

/* Notes rid (as it is stored now, or was before it is dropped) as changed. */
static attest_rc
note(attest_inventory *inv, long long rid, bool gone)
{
	sqlite3_stmt *st = NULL;
	attest_rc rc;

	if ((rc = core_db_prepare(
		     inventory_ctx(inv), inventory_db(inv),
		     "INSERT OR REPLACE INTO temp.changed(rid, type, id, arn, name, region,"
		     " account, gone) SELECT rid, type, id, arn, name, region, account, ?2"
		     " FROM resources WHERE rid = ?1",
		     &st)) != ATTEST_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int(st, 2, gone);
	rc = core_db_run(inventory_ctx(inv), st);
	sqlite3_finalize(st);
	return rc;
}

attest_rc
inv_change_note(attest_inventory *inv, long long rid)
{
	return note(inv, rid, false);
}

/* The resource of type ?1 whose id, ARN or (non-empty) name is ?2, in
 * account ?3 and region ?4 (NULL: any); the id's match first, then the
 * ARN's: events name a resource either way. */
#define BY_KEY                                                                                     \
	" WHERE type = ?1 AND (id = ?2 OR arn = ?2 OR (name = ?2 AND name <> ''))"                 \
	" AND (?3 IS NULL OR ifnull(account, '') = ?3)"                                            \
	" AND (?4 IS NULL OR ifnull(region, '') = ?4) ORDER BY id = ?2 DESC, arn IS ?2 DESC"       \
	" LIMIT 1"

static void
bind_key(sqlite3_stmt *st, const char *type, const char *key, const char *account,
	 const char *region)
{
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, region, -1, SQLITE_STATIC);
}

/* The rid of the stored resource with this key (BY_KEY), or 0. */
static attest_rc
find(attest_inventory *inv, const char *type, const char *id, const char *account,
     const char *region, long long *rid)
{
	sqlite3_stmt *st = NULL;
	attest_rc rc;
	int src;

	*rid = 0;
	if ((rc = core_db_prepare(inventory_ctx(inv), inventory_db(inv),
				  "SELECT rid FROM resources" BY_KEY, &st)) != ATTEST_OK)
		return rc;
	bind_key(st, type, id, account, region);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*rid = sqlite3_column_int64(st, 0);
	else if (src != SQLITE_DONE)
		rc = core_db_error(inventory_ctx(inv), inventory_db(inv), "inventory database");
	sqlite3_finalize(st);
	return rc;
}

attest_rc
inv_change_update(attest_inventory *inv, long long sid, const char *const str[6],
		  const json_t *tags, const json_t *config, const json_t *supp,
		  const struct inv_pos *pos)
{
	sqlite3_stmt *st = NULL;
	long long rid;
	attest_rc rc;

	(void)pos;
	if ((rc = find(inv, str[0], str[1], str[5] ? str[5] : "", str[4] ? str[4] : "", &rid)) !=
	    ATTEST_OK)
		return rc;
	if (rid == 0)
		return core_error(inventory_ctx(inv), ATTEST_ERR_INVALID,
				  "resource '%s' '%s' conflicts with a stored one of another id",
				  str[0], str[1]);
	if ((rc = core_db_prepare(
		     inventory_ctx(inv), inventory_db(inv),
		     "UPDATE resources SET arn = ?2, name = ?3, tags = ?4, config = ?5,"
		     " supp = ?6, sid = ?7, line = NULL WHERE rid = ?1",
		     &st)) != ATTEST_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_text(st, 2, str[2], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, str[3], -1, SQLITE_STATIC);
	if (inv_bind_json(st, 4, tags, "{}") != ATTEST_OK ||
	    inv_bind_json(st, 5, config, "null") != ATTEST_OK ||
	    inv_bind_json(st, 6, supp, "{}") != ATTEST_OK)
		rc = core_nomem(inventory_ctx(inv));
	sqlite3_bind_int64(st, 7, sid);
	if (rc == ATTEST_OK)
		rc = core_db_run(inventory_ctx(inv), st);
	sqlite3_finalize(st);
	return rc == ATTEST_OK ? note(inv, rid, false) : rc;
}

static attest_rc
need_open(attest_inventory *inv)
{
	if (!inv_changing(inv))
		return core_error(inventory_ctx(inv), ATTEST_ERR_INVALID,
				  "no change set is open (attest_inventory_begin)");
	return ATTEST_OK;
}

attest_rc
attest_inventory_put(attest_inventory *inv, const json_t *resource)
{
	struct inv_pos pos = {"event", 0, 0, 0};
	attest_rc rc;

	if ((rc = need_open(inv)) != ATTEST_OK)
		return rc;
	return inv_add_resource(inv, inv_change_sid(inv), resource, &pos);
}

attest_rc
attest_inventory_drop(attest_inventory *inv, const char *type, const char *id, const char *account,
		      const char *region, bool *found)
{
	sqlite3_stmt *st = NULL;
	long long rid;
	attest_rc rc;

	*found = false;
	if ((rc = need_open(inv)) != ATTEST_OK ||
	    (rc = find(inv, type, id, account, region, &rid)) != ATTEST_OK || rid == 0)
		return rc;
	if ((rc = note(inv, rid, true)) != ATTEST_OK ||
	    (rc = core_db_prepare(inventory_ctx(inv), inventory_db(inv),
				  "DELETE FROM resources WHERE rid = ?", &st)) != ATTEST_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	rc = core_db_run(inventory_ctx(inv), st);
	sqlite3_finalize(st);
	if (rc == ATTEST_OK) {
		inv_count_add(inv, -1);
		*found = true;
	}
	return rc;
}

attest_rc
attest_inventory_put_config_item(attest_inventory *inv, const json_t *item)
{
	json_t *res = NULL;
	bool gone, found;
	attest_rc rc;

	if ((rc = need_open(inv)) != ATTEST_OK ||
	    (rc = awsconfig_item_any(inventory_ctx(inv), item, &res, &gone)) != ATTEST_OK)
		return rc;
	if (!res)
		return ATTEST_OK; /* an item that records no resource */
	if (gone)
		rc = attest_inventory_drop(inv, json_string_value(json_object_get(res, "type")),
					   json_string_value(json_object_get(res, "id")),
					   json_string_value(json_object_get(res, "account")),
					   json_string_value(json_object_get(res, "region")),
					   &found);
	else
		rc = attest_inventory_put(inv, res);
	json_decref(res);
	return rc;
}

/* True when inv already holds row (type, id, arn, name, region, account,
 * tags, config, supp of a re-collection) exactly as it is. */
static bool
unchanged(attest_inventory *inv, sqlite3_stmt *row)
{
	sqlite3_stmt *st = NULL;
	bool same = false;
	int i;

	if (sqlite3_prepare_v2(inventory_db(inv),
			       "SELECT 1 FROM resources WHERE type = ?1 AND id = ?2 AND arn IS ?3"
			       " AND name IS ?4 AND ifnull(region, '') = ifnull(?5, '')"
			       " AND ifnull(account, '') = ifnull(?6, '') AND tags = ?7"
			       " AND config IS ?8 AND supp = ?9",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	for (i = 0; i < 9; i++)
		sqlite3_bind_value(st, i + 1, sqlite3_column_value(row, i));
	same = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return same;
}

/* Copies one row of fresh's resources (a re-collection) into inv, unless
 * inv holds it unchanged. */
static attest_rc
copy_row(attest_inventory *inv, sqlite3_stmt *row)
{
	struct inv_pos pos = {"re-collection", 0, 0, 0};
	const char *str[6];
	json_t *tags, *config, *supp;
	json_error_t err;
	attest_rc rc;
	int i;

	if (unchanged(inv, row))
		return ATTEST_OK;
	for (i = 0; i < 6; i++)
		str[i] = (const char *)sqlite3_column_text(row, i);
	tags = json_loads((const char *)sqlite3_column_text(row, 6), JSON_DECODE_ANY, &err);
	config = json_loads((const char *)sqlite3_column_text(row, 7), JSON_DECODE_ANY, &err);
	supp = json_loads((const char *)sqlite3_column_text(row, 8), JSON_DECODE_ANY, &err);
	if (!tags || !config || !supp)
		rc = core_error(inventory_ctx(inv), ATTEST_ERR_INVALID,
				"re-collected resource '%s' '%s' holds invalid JSON", str[0],
				str[1]);
	else
		rc = inv_insert(inv, inv_change_sid(inv), str, tags,
				json_is_null(config) ? NULL : config, supp, &pos);
	json_decref(tags);
	json_decref(config);
	json_decref(supp);
	return rc;
}

/* Whether fresh collected type. */
static attest_rc
collected(attest_inventory *inv, attest_inventory *fresh, const char *type, bool *yes)
{
	sqlite3_stmt *st = NULL;
	attest_rc rc;

	*yes = false;
	if ((rc = core_db_prepare(inventory_ctx(inv), inventory_db(fresh),
				  "SELECT 1 FROM collected WHERE type = ?", &st)) != ATTEST_OK)
		return rc;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	*yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ATTEST_OK;
}

#define FRESH_COLUMNS "type, id, arn, name, region, account, tags, config, supp"
/* The resources of type ?1 in account ?2 and region ?3 (NULL: any). */
#define IN_SCOPE                                                                                   \
	" WHERE type = ?1 AND (?2 IS NULL OR ifnull(account, '') = ?2)"                            \
	" AND (?3 IS NULL OR ifnull(region, '') = ?3)"

attest_rc
attest_inventory_refresh(attest_inventory *inv, attest_inventory *fresh, const char *type,
			 const char *id, const char *account, const char *region,
			 enum attest_refresh *what)
{
	sqlite3_stmt *st = NULL;
	bool yes, found;
	attest_rc rc;
	int src;

	*what = ATTEST_REFRESH_NOT_COLLECTED;
	if ((rc = need_open(inv)) != ATTEST_OK ||
	    (rc = collected(inv, fresh, type, &yes)) != ATTEST_OK || !yes)
		return rc;
	if ((rc = core_db_prepare(inventory_ctx(inv), inventory_db(fresh),
				  "SELECT " FRESH_COLUMNS " FROM resources" BY_KEY, &st)) !=
	    ATTEST_OK)
		return rc;
	bind_key(st, type, id, account, region);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		rc = copy_row(inv, st);
		*what = ATTEST_REFRESH_UPDATED;
	} else if (src == SQLITE_DONE) {
		rc = attest_inventory_drop(inv, type, id, account, region, &found);
		*what = found ? ATTEST_REFRESH_DROPPED : ATTEST_REFRESH_ABSENT;
	} else {
		rc = core_db_error(inventory_ctx(inv), inventory_db(fresh),
				   "re-collection database");
	}
	sqlite3_finalize(st);
	return rc;
}

attest_rc
attest_inventory_refresh_type(attest_inventory *inv, attest_inventory *fresh, const char *type,
			      const char *account, const char *region, bool *was_collected)
{
	sqlite3_stmt *st = NULL, *in_fresh = NULL;
	struct core_buf gone;
	attest_rc rc;
	bool found;
	size_t at;
	int i;

	if ((rc = need_open(inv)) != ATTEST_OK ||
	    (rc = collected(inv, fresh, type, was_collected)) != ATTEST_OK || !*was_collected)
		return rc;
	/* Every resource of the type in scope that fresh holds ... */
	if ((rc = core_db_prepare(inventory_ctx(inv), inventory_db(fresh),
				  "SELECT " FRESH_COLUMNS " FROM resources" IN_SCOPE, &st)) !=
	    ATTEST_OK)
		return rc;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, region, -1, SQLITE_STATIC);
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW)
		rc = copy_row(inv, st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != ATTEST_OK)
		return rc;
	/* ... and none of those it no longer holds: their keys are gathered
	 * first (NUL-terminated id, account, region), then dropped. */
	core_buf_init(&gone, (size_t)1 << 30);
	if ((rc = core_db_prepare(inventory_ctx(inv), inventory_db(inv),
				  "SELECT id, ifnull(account, ''), ifnull(region, '')"
				  " FROM resources" IN_SCOPE,
				  &st)) != ATTEST_OK ||
	    (rc = core_db_prepare(inventory_ctx(inv), inventory_db(fresh),
				  "SELECT 1 FROM resources WHERE type = ?1 AND id = ?2"
				  " AND ifnull(account, '') = ?3 AND ifnull(region, '') = ?4",
				  &in_fresh)) != ATTEST_OK)
		goto out;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, region, -1, SQLITE_STATIC);
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_reset(in_fresh);
		sqlite3_bind_text(in_fresh, 1, type, -1, SQLITE_STATIC);
		for (i = 0; i < 3; i++)
			sqlite3_bind_value(in_fresh, i + 2, sqlite3_column_value(st, i));
		if (sqlite3_step(in_fresh) == SQLITE_ROW)
			continue;
		for (i = 0; i < 3 && rc == ATTEST_OK; i++)
			if (core_buf_add(&gone, (const char *)sqlite3_column_text(st, i),
					 (size_t)sqlite3_column_bytes(st, i) + 1) != ATTEST_OK)
				rc = core_nomem(inventory_ctx(inv));
	}
	sqlite3_finalize(st);
	st = NULL;
	for (at = 0; rc == ATTEST_OK && at < gone.len;) {
		const char *id = gone.data + at, *acc, *reg;

		acc = id + strlen(id) + 1;
		reg = acc + strlen(acc) + 1;
		at = (size_t)(reg + strlen(reg) + 1 - gone.data);
		rc = attest_inventory_drop(inv, type, id, acc, reg, &found);
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(in_fresh);
	core_buf_release(&gone);
	return rc;
}
