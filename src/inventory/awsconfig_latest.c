/*
 * The newest configuration item per resource. An answer of
 * get-resource-config-history lists one resource several times, newest
 * first; a snapshot or batch-get answer lists each once. Items are read one
 * at a time (the file may be larger than memory), so the item kept for each
 * resource is tracked in a temporary table: key -> capture time, rid. A
 * newer item replaces the resource stored for an older one, an older item
 * is passed over, and when the newest says the resource was deleted or is
 * no longer recorded the resource is dropped (the deleted resource is not
 * judged on its former configuration). Two items of one resource with the
 * same capture time, or without one, cannot be ordered: that is an error, as
 * a duplicate resource is in any other file.
 */
#include "config.h"

#include "awsconfig.h"
#include "inventory_int.h"
#include "core/db.h"

#include <stdlib.h>
#include <string.h>

struct awsconfig_latest {
	attest_inventory *inv;
	attest_ctx *ctx;
	long long sid;
	sqlite3_stmt *find, *put;
};

static attest_rc
db_fail(struct awsconfig_latest *lt)
{
	return core_db_error(lt->ctx, inventory_db(lt->inv), "inventory database");
}

attest_rc
awsconfig_latest_new(attest_inventory *inv, long long sid, struct awsconfig_latest **out)
{
	struct awsconfig_latest *lt;
	sqlite3 *db = inventory_db(inv);
	attest_rc rc;

	*out = NULL;
	if (!(lt = calloc(1, sizeof(*lt))))
		return core_nomem(inventory_ctx(inv));
	lt->inv = inv;
	lt->ctx = inventory_ctx(inv);
	lt->sid = sid;
	if (sqlite3_exec(db,
			 "CREATE TEMP TABLE IF NOT EXISTS cfg_latest(k TEXT PRIMARY KEY, t REAL,"
			 " rid INTEGER, line INTEGER, col INTEGER); DELETE FROM temp.cfg_latest",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT t, rid, line, col FROM temp.cfg_latest WHERE k = ?", -1,
			       &lt->find, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT OR REPLACE INTO temp.cfg_latest(k, t, rid, line, col)"
			       " VALUES (?, ?, ?, ?, ?)",
			       -1, &lt->put, NULL) != SQLITE_OK) {
		rc = db_fail(lt);
		awsconfig_latest_free(lt);
		return rc;
	}
	*out = lt;
	return ATTEST_OK;
}

void
awsconfig_latest_free(struct awsconfig_latest *lt)
{
	if (!lt)
		return;
	sqlite3_finalize(lt->find);
	sqlite3_finalize(lt->put);
	sqlite3_exec(inventory_db(lt->inv), "DELETE FROM temp.cfg_latest", NULL, NULL, NULL);
	free(lt);
}

static const char *
str(const json_t *res, const char *key)
{
	const char *s = json_string_value(json_object_get(res, key));

	return s ? s : "";
}

/* The resource's identity as the inventory's unique index sees it. */
static char *
res_key(const json_t *res)
{
	struct core_buf b;

	core_buf_init(&b, 1u << 20);
	if (core_buf_printf(&b, "%s%c%s%c%s%c%s", str(res, "type"), 0x1f, str(res, "account"), 0x1f,
			    str(res, "region"), 0x1f, str(res, "id")) != ATTEST_OK) {
		core_buf_release(&b);
		return NULL;
	}
	return core_buf_take(&b);
}

static attest_rc
remember(struct awsconfig_latest *lt, const char *key, bool timed, double t, long long rid,
	 const struct inv_pos *pos)
{
	sqlite3_reset(lt->put);
	sqlite3_bind_text(lt->put, 1, key, -1, SQLITE_STATIC);
	if (timed)
		sqlite3_bind_double(lt->put, 2, t);
	else
		sqlite3_bind_null(lt->put, 2);
	if (rid > 0)
		sqlite3_bind_int64(lt->put, 3, rid);
	else
		sqlite3_bind_null(lt->put, 3);
	sqlite3_bind_int64(lt->put, 4, (sqlite3_int64)pos->line);
	sqlite3_bind_int64(lt->put, 5, (sqlite3_int64)pos->column);
	if (sqlite3_step(lt->put) != SQLITE_DONE)
		return db_fail(lt);
	return ATTEST_OK;
}

/* Stores res (unless gone) and returns its rid through *rid (0 if none). */
static attest_rc
store(struct awsconfig_latest *lt, const json_t *res, bool gone, const struct inv_pos *pos,
      long long *rid)
{
	attest_rc rc;

	*rid = 0;
	if (gone)
		return ATTEST_OK;
	if ((rc = inv_add_resource(lt->inv, lt->sid, res, pos)) != ATTEST_OK)
		return rc;
	*rid = sqlite3_last_insert_rowid(inventory_db(lt->inv));
	return ATTEST_OK;
}

static attest_rc
decide(struct awsconfig_latest *lt, const json_t *item, const json_t *res, bool gone,
       const struct inv_pos *pos)
{
	char *key = res_key(res);
	double t = 0, t0;
	bool timed = awsconfig_capture_time(item, &t), seen;
	long long rid = 0, rid0;
	unsigned long line0, col0;
	attest_rc rc;

	if (!key)
		return core_nomem(lt->ctx);
	sqlite3_reset(lt->find);
	sqlite3_bind_text(lt->find, 1, key, -1, SQLITE_STATIC);
	seen = sqlite3_step(lt->find) == SQLITE_ROW;
	if (!seen) {
		rc = store(lt, res, gone, pos, &rid);
		if (rc == ATTEST_OK)
			rc = remember(lt, key, timed, t, rid, pos);
		goto out;
	}
	t0 = sqlite3_column_double(lt->find, 0);
	rid0 = sqlite3_column_int64(lt->find, 1);
	line0 = (unsigned long)sqlite3_column_int64(lt->find, 2);
	col0 = (unsigned long)sqlite3_column_int64(lt->find, 3);
	if (!timed || sqlite3_column_type(lt->find, 0) == SQLITE_NULL || t == t0) {
		rc = core_error(lt->ctx, ATTEST_ERR_INVALID,
				"cannot load '%s' at line %lu, column %lu: duplicate resource '%s'"
				" '%s' (account '%s', region '%s'): the item at line %lu, column"
				" %lu describes it too, %s",
				pos->file, pos->line, pos->column, str(res, "type"), str(res, "id"),
				str(res, "account"), str(res, "region"), line0, col0,
				timed && sqlite3_column_type(lt->find, 0) != SQLITE_NULL
					? "with the same configurationItemCaptureTime"
					: "and without a configurationItemCaptureTime on both the"
					  " newest cannot be told");
		goto out;
	}
	if (t < t0) { /* an older item: the newer one stays */
		rc = ATTEST_OK;
		goto out;
	}
	sqlite3_reset(lt->find);
	if (rid0 > 0 && (rc = inv_delete_resource(lt->inv, rid0)) != ATTEST_OK)
		goto out;
	rc = store(lt, res, gone, pos, &rid);
	if (rc == ATTEST_OK)
		rc = remember(lt, key, timed, t, rid, pos);
out:
	sqlite3_reset(lt->find);
	free(key);
	return rc;
}

attest_rc
awsconfig_latest_add(struct awsconfig_latest *lt, const json_t *item, const struct inv_pos *pos)
{
	json_t *res = NULL;
	bool gone;
	attest_rc rc;

	rc = awsconfig_item_any(lt->ctx, item, &res, &gone);
	if (rc != ATTEST_OK) {
		core_error_prefix(lt->ctx, "cannot load '%s' at line %lu, column %lu", pos->file,
				  pos->line, pos->column);
		return rc;
	}
	rc = decide(lt, item, res, gone, pos);
	json_decref(res);
	return rc;
}
