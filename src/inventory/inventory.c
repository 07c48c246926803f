/*
 * The inventory: a temporary SQLite database holding every loaded resource.
 * It lives in a file (not in memory) so that a million-resource estate costs
 * disk, not RAM; SQLite's page cache is capped. Loading runs in one open
 * transaction for speed; attest_inventory_finish() commits it.
 */
#include "config.h"

#include "inventory_int.h"
#include "core/db.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct attest_inventory {
	attest_ctx *ctx;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *ins;
	sqlite3_stmt *ins_collected;
	char *last_type; /* cache: type last marked collected */
	long long count;
	time_t started;
	time_t as_of;
	bool finished;
	bool changing;        /* a change set is open (change.c) */
	long long change_sid; /* ... and the source its records get */
};

static const char schema[] =
	"PRAGMA journal_mode=OFF;"
	"PRAGMA synchronous=OFF;"
	"PRAGMA cache_size=-65536;"
	"PRAGMA temp_store=FILE;"
	"CREATE TABLE sources(sid INTEGER PRIMARY KEY, path TEXT NOT NULL, format TEXT,"
	"  provider TEXT, source TEXT, collected_at TEXT, sha256 TEXT, bytes INTEGER,"
	"  resources INTEGER NOT NULL DEFAULT 0, collected_by TEXT);"
	"CREATE TABLE resources(rid INTEGER PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL,"
	"  arn TEXT, name TEXT, region TEXT, account TEXT, tags TEXT NOT NULL DEFAULT '{}',"
	"  config TEXT, supp TEXT NOT NULL DEFAULT '{}', sid INTEGER NOT NULL, line INTEGER);"
	"CREATE UNIQUE INDEX resources_key ON resources(type, ifnull(account, ''),"
	"  ifnull(region, ''), id);"
	"CREATE TABLE collected(type TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE accounts(id TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;"
	"CREATE TABLE regions(name TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE scan(now TEXT NOT NULL);"
	"CREATE TABLE collection_log(seq INTEGER PRIMARY KEY, sid INTEGER NOT NULL,"
	"  account TEXT, region TEXT NOT NULL, service TEXT NOT NULL, operation TEXT NOT NULL,"
	"  error_code TEXT NOT NULL, message TEXT NOT NULL, types TEXT NOT NULL DEFAULT '[]');"
	"BEGIN;";

static attest_rc
db_error(attest_inventory *inv, const char *what)
{
	return core_db_error(inv->ctx, inv->db, "inventory database: %s", what);
}

attest_rc
attest_inventory_new(attest_ctx *ctx, attest_inventory **out)
{
	attest_inventory *inv;
	char path[4096];
	attest_rc rc = ATTEST_ERR_DB;
	int fd;

	*out = NULL;
	inv = calloc(1, sizeof(*inv));
	if (!inv)
		return core_nomem(ctx);
	inv->ctx = ctx;
	inv->started = time(NULL);
	if ((rc = core_path_join(ctx, path, sizeof(path), core_tmpdir(),
				 "attest-inventory-XXXXXX")) != ATTEST_OK)
		goto out;
	fd = mkstemp(path);
	if (fd < 0) {
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot create a temporary file in '%s': %s",
				core_tmpdir(), strerror(errno));
		goto out;
	}
	close(fd);
	attest_tmp_register(path);
	inv->path = core_strdup(path);
	if (!inv->path) {
		attest_tmp_unregister(path);
		unlink(path);
		rc = core_nomem(ctx);
		goto out;
	}
	if (sqlite3_open_v2(path, &inv->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = db_error(inv, "cannot open");
		goto out;
	}
	if (sqlite3_exec(inv->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_error(inv, "cannot create");
		goto out;
	}
	if (sqlite3_prepare_v2(inv->db,
			       "INSERT INTO resources(type, id, arn, name, region, account, tags,"
			       " config, supp, sid, line) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &inv->ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(inv->db, "INSERT OR IGNORE INTO collected(type) VALUES (?)", -1,
			       &inv->ins_collected, NULL) != SQLITE_OK) {
		rc = db_error(inv, "cannot prepare");
		goto out;
	}
	*out = inv;
	inv = NULL;
	rc = ATTEST_OK;
out:
	attest_inventory_free(inv);
	return rc;
}

void
attest_inventory_free(attest_inventory *inv)
{
	if (!inv)
		return;
	sqlite3_finalize(inv->ins);
	sqlite3_finalize(inv->ins_collected);
	sqlite3_close(inv->db);
	if (inv->path) {
		attest_tmp_unregister(inv->path);
		unlink(inv->path);
	}
	free(inv->path);
	free(inv->last_type);
	free(inv);
}

sqlite3 *
inventory_db(attest_inventory *inv)
{
	return inv->db;
}

const char *
attest_inventory_path(const attest_inventory *inv)
{
	return inv->path;
}

attest_ctx *
inventory_ctx(attest_inventory *inv)
{
	return inv->ctx;
}

long long
attest_inventory_count(const attest_inventory *inv)
{
	return inv->count;
}

time_t
attest_inventory_as_of(const attest_inventory *inv)
{
	return inv->as_of ? inv->as_of : inv->started;
}

attest_rc
inv_add_collected(attest_inventory *inv, const char *type)
{
	if (inv->last_type && strcmp(inv->last_type, type) == 0)
		return ATTEST_OK;
	sqlite3_reset(inv->ins_collected);
	sqlite3_bind_text(inv->ins_collected, 1, type, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(inv->ins_collected) != SQLITE_DONE)
		return db_error(inv, "cannot record a collected type");
	free(inv->last_type);
	inv->last_type = core_strdup(type);
	return inv->last_type ? ATTEST_OK : core_nomem(inv->ctx);
}

attest_rc
inv_source_begin(attest_inventory *inv, const char *path, long long *sid)
{
	sqlite3_stmt *st = NULL;
	attest_rc rc = ATTEST_OK;

	if (inv->finished)
		return core_error(inv->ctx, ATTEST_ERR_USAGE, "inventory already finished");
	if (sqlite3_prepare_v2(inv->db, "INSERT INTO sources(path) VALUES (?)", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(inv, "cannot record a source");
	else
		*sid = sqlite3_last_insert_rowid(inv->db);
	sqlite3_finalize(st);
	return rc;
}

static const char *
meta_str(const json_t *meta, const char *key)
{
	return json_string_value(json_object_get(meta, key));
}

static attest_rc
add_scope(attest_inventory *inv, const json_t *meta)
{
	const json_t *v;
	size_t i;
	sqlite3_stmt *acc = NULL, *reg = NULL, *col = NULL;
	attest_rc rc = ATTEST_ERR_DB;

	if (sqlite3_prepare_v2(inv->db, "INSERT OR IGNORE INTO accounts(id, name) VALUES (?, ?)",
			       -1, &acc, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(inv->db, "INSERT OR IGNORE INTO regions(name) VALUES (?)", -1, &reg,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(inv->db, "INSERT OR IGNORE INTO collected(type) VALUES (?)", -1,
			       &col, NULL) != SQLITE_OK)
		goto dberr;
	json_array_foreach(json_object_get(meta, "accounts"), i, v)
	{
		const char *id = json_is_object(v) ? meta_str(v, "id") : json_string_value(v);

		sqlite3_reset(acc);
		sqlite3_bind_text(acc, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(acc, 2, json_is_object(v) ? meta_str(v, "name") : NULL, -1,
				  SQLITE_TRANSIENT);
		if (sqlite3_step(acc) != SQLITE_DONE)
			goto dberr;
	}
	json_array_foreach(json_object_get(meta, "regions"), i, v)
	{
		sqlite3_reset(reg);
		sqlite3_bind_text(reg, 1, json_string_value(v), -1, SQLITE_TRANSIENT);
		if (sqlite3_step(reg) != SQLITE_DONE)
			goto dberr;
	}
	json_array_foreach(json_object_get(meta, "collected_types"), i, v)
	{
		sqlite3_reset(col);
		sqlite3_bind_text(col, 1, json_string_value(v), -1, SQLITE_TRANSIENT);
		if (sqlite3_step(col) != SQLITE_DONE)
			goto dberr;
	}
	rc = ATTEST_OK;
	goto out;
dberr:
	rc = db_error(inv, "cannot record the scope");
out:
	sqlite3_finalize(acc);
	sqlite3_finalize(reg);
	sqlite3_finalize(col);
	return rc;
}

/* The source's failed calls (validated by inv_native_check_header), in the
 * order it logged them. */
static attest_rc
add_log(attest_inventory *inv, long long sid, const json_t *log)
{
	const json_t *e, *types;
	sqlite3_stmt *st = NULL;
	attest_rc rc = ATTEST_OK;
	size_t i;

	if (json_array_size(log) == 0)
		return ATTEST_OK;
	if (sqlite3_prepare_v2(
		    inv->db,
		    "INSERT INTO collection_log(sid, account, region, service, operation,"
		    " error_code, message, types) VALUES (?,?,?,?,?,?,?,?)",
		    -1, &st, NULL) != SQLITE_OK)
		return db_error(inv, "cannot record the collection log");
	json_array_foreach(log, i, e)
	{
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_text(st, 2, meta_str(e, "account"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, meta_str(e, "region"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, meta_str(e, "service"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, meta_str(e, "operation"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, meta_str(e, "error_code"), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, meta_str(e, "message"), -1, SQLITE_STATIC);
		types = json_object_get(e, "types");
		if (inv_bind_json(st, 8, json_is_array(types) ? types : NULL, "[]") != ATTEST_OK) {
			rc = core_nomem(inv->ctx);
			break;
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_error(inv, "cannot record the collection log");
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

attest_rc
inv_source_end(attest_inventory *inv, long long sid, const char *format, const json_t *meta,
	       const char *sha256, unsigned long long bytes)
{
	sqlite3_stmt *st = NULL;
	const char *collected_at = meta ? meta_str(meta, "collected_at") : NULL;
	attest_rc rc;
	time_t t;

	if (collected_at) {
		if (!core_time_parse(collected_at, &t))
			return core_error(inv->ctx, ATTEST_ERR_INVALID,
					  "'collected_at' is not an ISO 8601 UTC time: '%s'",
					  collected_at);
		/* A date ahead of this machine's clock (beyond a day of clock
		 * skew) would make the scan the latest of its scope forever. */
		if (t > time(NULL) + 86400)
			return core_error(inv->ctx, ATTEST_ERR_INVALID,
					  "'collected_at' is in the future: '%s'", collected_at);
		if (t > inv->as_of)
			inv->as_of = t;
	}
	if (meta &&
	    ((rc = add_scope(inv, meta)) != ATTEST_OK ||
	     (rc = add_log(inv, sid, json_object_get(meta, "collection_log"))) != ATTEST_OK))
		return rc;
	if (sqlite3_prepare_v2(inv->db,
			       "UPDATE sources SET format = ?2, provider = ?3, source = ?4,"
			       " collected_at = ?5, sha256 = ?6, bytes = ?7, collected_by = ?8,"
			       " resources = (SELECT count(*) FROM resources WHERE sid = ?1)"
			       " WHERE sid = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(inv, "cannot record a source");
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_text(st, 2, format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, meta ? meta_str(meta, "provider") : "aws", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, meta ? meta_str(meta, "source") : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, collected_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)bytes);
	/* who collected it (attest collect: the caller's ARN), for the reports */
	sqlite3_bind_text(st, 8, meta ? meta_str(meta, "collected_by") : NULL, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? ATTEST_OK : db_error(inv, "cannot record a source");
	sqlite3_finalize(st);
	return rc;
}

attest_rc
inv_bind_json(sqlite3_stmt *st, int col, const json_t *v, const char *dflt)
{
	char *text;

	if (!v) {
		sqlite3_bind_text(st, col, dflt, -1, SQLITE_STATIC);
		return ATTEST_OK;
	}
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return ATTEST_ERR_NOMEM;
	sqlite3_bind_text(st, col, text, -1, free);
	return ATTEST_OK;
}

/* Inserts a validated resource; the values come from native.c. */
attest_rc
inv_insert(attest_inventory *inv, long long sid, const char *const str[6], const json_t *tags,
	   const json_t *config, const json_t *supp, const struct inv_pos *pos)
{
	sqlite3_stmt *st = inv->ins;
	int i, src;
	attest_rc rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (i = 0; i < 6; i++)
		sqlite3_bind_text(st, i + 1, str[i], -1, SQLITE_STATIC);
	if (inv_bind_json(st, 7, tags, "{}") != ATTEST_OK ||
	    inv_bind_json(st, 8, config, "null") != ATTEST_OK ||
	    inv_bind_json(st, 9, supp, "{}") != ATTEST_OK)
		return core_nomem(inv->ctx);
	sqlite3_bind_int64(st, 10, sid);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)pos->line);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (src == SQLITE_CONSTRAINT && inv->changing)
		return inv_change_update(inv, sid, str, tags, config, supp, pos);
	if (src == SQLITE_CONSTRAINT)
		return core_error(inv->ctx, ATTEST_ERR_INVALID,
				  "cannot load '%s' at line %lu, column %lu: duplicate resource "
				  "'%s' '%s' (account '%s', region '%s')",
				  pos->file, pos->line, pos->column, str[0], str[1],
				  str[5] ? str[5] : "", str[4] ? str[4] : "");
	if (src != SQLITE_DONE)
		return db_error(inv, "cannot store a resource");
	inv->count++;
	if (inv->changing &&
	    (rc = inv_change_note(inv, sqlite3_last_insert_rowid(inv->db))) != ATTEST_OK)
		return rc;
	rc = inv_add_collected(inv, str[0]);
	return rc;
}

bool
inv_changing(const attest_inventory *inv)
{
	return inv->changing;
}

void
inv_set_changing(attest_inventory *inv, bool on, long long sid)
{
	inv->changing = on;
	inv->change_sid = sid;
}

long long
inv_change_sid(const attest_inventory *inv)
{
	return inv->change_sid;
}

void
inv_recount(attest_inventory *inv)
{
	core_db_int64(inv->db, "SELECT count(*) FROM resources", &inv->count);
}

void
inv_count_add(attest_inventory *inv, long long delta)
{
	inv->count += delta;
}

attest_rc
inv_delete_resource(attest_inventory *inv, long long rid)
{
	sqlite3_stmt *st = NULL;
	attest_rc rc = ATTEST_OK;

	if (sqlite3_prepare_v2(inv->db, "DELETE FROM resources WHERE rid = ?", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, rid) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(inv, "cannot replace a resource");
	else if (sqlite3_changes(inv->db) > 0)
		inv->count--;
	sqlite3_finalize(st);
	return rc;
}

static const char finish_sql[] =
	/* Resources name accounts the metadata may not list. */
	"INSERT OR IGNORE INTO accounts(id)"
	"  SELECT DISTINCT account FROM resources WHERE account IS NOT NULL AND account <> '';"
	/* One AWS::::Account record per account, for account-level checks. */
	"INSERT OR IGNORE INTO resources(type, id, arn, name, region, account, config, sid)"
	"  SELECT 'AWS::::Account', a.id, 'arn:aws:::' || a.id, a.name, 'global', a.id,"
	"         json_object('AccountId', a.id, 'AccountAlias', a.name),"
	"         (SELECT min(sid) FROM sources)"
	"  FROM accounts a;"
	"INSERT OR IGNORE INTO collected(type) SELECT 'AWS::::Account' FROM accounts LIMIT 1;"
	"INSERT OR IGNORE INTO regions(name)"
	"  SELECT DISTINCT region FROM resources WHERE region IS NOT NULL AND region <> 'global';"
	"CREATE INDEX resources_account ON resources(account, type);";

attest_rc
attest_inventory_finish(attest_inventory *inv)
{
	sqlite3_stmt *st = NULL;
	char now[21];
	attest_rc rc = ATTEST_OK;

	if (inv->finished)
		return ATTEST_OK;
	core_time_iso(attest_inventory_as_of(inv), now);
	if (sqlite3_exec(inv->db, finish_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(inv->db, "INSERT INTO scan(now) VALUES (?)", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE ||
	    sqlite3_exec(inv->db, "COMMIT; ANALYZE;", NULL, NULL, NULL) != SQLITE_OK)
		rc = db_error(inv, "cannot complete");
	sqlite3_finalize(st);
	if (rc == ATTEST_OK) {
		inv->count = 0;
		inv->finished = true;
		/* Count what evaluation will see, synthesized accounts included. */
		core_db_int64(inv->db, "SELECT count(*) FROM resources", &inv->count);
	}
	return rc;
}
