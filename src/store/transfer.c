/*
 * Moving one scan between history databases. An export is itself an attest
 * history database (same schema, rollback journal, one file) holding exactly
 * one scan, so it carries everything reports read and can be opened with
 * --db as it is. Tables are discovered rather than listed: every table with
 * a scan_id column is copied, on the columns both databases have, so an
 * export from an older schema version imports into a newer one; the copies
 * of the inputs the scan kept (--keep-inputs) and the change events attest
 * watch recorded from it as its base scan, with their deltas, travel with
 * it (alerts waiting for delivery and dead letters stay). Both
 * directions run in one transaction; an export is written to a temporary
 * file renamed into place through a connection of its own, with the history
 * attached read-only (so a read-only history can be exported); an import is
 * validated row by row first (validate.c) and either lands whole or not at
 * all. Imported evidence, reasons and gap messages go through
 * redact_secrets() again: the file may not come from this attest.
 */
#include "config.h"

#include "history_int.h"
#include "core/db.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SQL_MAX (1u << 16)
#define PROBLEM_MAX 768

/* One copy: both schemas live on db; errors name path. */
struct xfer {
	attest_ctx *ctx;
	sqlite3 *db;
	const char *from, *to; /* schema names: fixed identifiers of this file */
	const char *path;
	const char *id;
	bool redact;
};

static attest_rc
xfer_error(struct xfer *x)
{
	return core_error(x->ctx, ATTEST_ERR_DB, "cannot copy scan '%s' with '%s': %s", x->id,
			  x->path, sqlite3_errmsg(x->db));
}

static attest_rc
add_ident(struct core_buf *b, const char *name)
{
	attest_rc rc = core_buf_addc(b, '"');

	for (; rc == ATTEST_OK && *name; name++)
		rc = *name == '"' ? core_buf_adds(b, "\"\"") : core_buf_addc(b, *name);
	return rc == ATTEST_OK ? core_buf_addc(b, '"') : rc;
}

static bool
has_rowid(sqlite3 *db, const char *schema, const char *table)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;

	if (sqlite3_prepare_v2(db,
			       "SELECT NOT wr FROM pragma_table_list WHERE schema = ?1"
			       " AND name = ?2 AND type = 'table'",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return yes;
}

/* Builds INSERT INTO to.T(cols) SELECT cols FROM from.T WHERE `where`
 * (SQL over the source's row, ?1 the scan id) over the columns both
 * schemas have, leaving out an INTEGER PRIMARY KEY (the destination numbers
 * its own rows). */
static attest_rc
copy_rows(struct xfer *x, const char *table, const char *where)
{
	sqlite3_stmt *cols = NULL, *ins = NULL;
	struct core_buf names, values, sql;
	const char *name;
	attest_rc rc = ATTEST_ERR_NOMEM;
	bool any = false, wrap;

	core_buf_init(&names, SQL_MAX);
	core_buf_init(&values, SQL_MAX);
	core_buf_init(&sql, SQL_MAX);
	if (sqlite3_prepare_v2(
		    x->db,
		    "SELECT d.name FROM pragma_table_info(?1, ?3) d"
		    " WHERE d.name IN (SELECT name FROM pragma_table_info(?1, ?2))"
		    " AND NOT (d.pk = 1 AND upper(d.type) = 'INTEGER'"
		    "   AND (SELECT count(*) FROM pragma_table_info(?1, ?3) WHERE pk > 0) = 1)"
		    " ORDER BY d.cid",
		    -1, &cols, NULL) != SQLITE_OK) {
		rc = xfer_error(x);
		goto out;
	}
	sqlite3_bind_text(cols, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(cols, 2, x->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(cols, 3, x->to, -1, SQLITE_STATIC);
	while (sqlite3_step(cols) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(cols, 0);
		wrap = x->redact && store_redact_column(table, name);
		if ((any && (core_buf_addc(&names, ',') || core_buf_addc(&values, ','))) ||
		    add_ident(&names, name) ||
		    (wrap && core_buf_adds(&values, "redact_secrets(")) ||
		    add_ident(&values, name) || (wrap && core_buf_addc(&values, ')')))
			goto out;
		any = true;
	}
	if (!any) {
		rc = ATTEST_OK;
		goto out;
	}
	if (core_buf_adds(&sql, "INSERT INTO ") || add_ident(&sql, x->to) ||
	    core_buf_addc(&sql, '.') || add_ident(&sql, table) ||
	    core_buf_printf(&sql, "(%s) SELECT %s FROM ", names.data, values.data) ||
	    add_ident(&sql, x->from) || core_buf_addc(&sql, '.') || add_ident(&sql, table) ||
	    core_buf_printf(&sql, " WHERE %s", where))
		goto out;
	/* Rows keep their order (reports list a control's checks in it). */
	if (has_rowid(x->db, x->from, table) && core_buf_adds(&sql, " ORDER BY rowid"))
		goto out;
	if (sqlite3_prepare_v2(x->db, sql.data, -1, &ins, NULL) != SQLITE_OK) {
		rc = xfer_error(x);
		goto out;
	}
	sqlite3_bind_text(ins, 1, x->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(ins) == SQLITE_DONE ? ATTEST_OK : xfer_error(x);
out:
	if (rc == ATTEST_ERR_NOMEM)
		core_nomem(x->ctx);
	sqlite3_finalize(cols);
	sqlite3_finalize(ins);
	core_buf_release(&names);
	core_buf_release(&values);
	core_buf_release(&sql);
	return rc;
}

static attest_rc
copy_table(struct xfer *x, const char *table)
{
	return copy_rows(x, table, "scan_id = ?1");
}

/* Runs one statement of this file, formatted by sqlite3_vmprintf (schema
 * names go in through %w), with ?1 bound to the scan id. */
static attest_rc
exec_xfer(struct xfer *x, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	char *sql;
	va_list ap;
	attest_rc rc;

	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (!sql)
		return core_nomem(x->ctx);
	if (sqlite3_prepare_v2(x->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = xfer_error(x);
	} else {
		sqlite3_bind_text(st, 1, x->id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? ATTEST_OK : xfer_error(x);
	}
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return rc;
}

static bool
has_table(sqlite3 *db, const char *schema, const char *table)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;

	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM pragma_table_list WHERE schema = ?1"
			       " AND name = ?2",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, schema, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

/* The kept copies of the scan's inputs (stored once per SHA-256, so not
 * found by scan_id): those the destination lacks are copied; a source kept
 * on one side whose copy did not come along is recorded as not kept, so a
 * package says why instead of failing. */
static attest_rc
copy_inputs(struct xfer *x)
{
	attest_rc rc = ATTEST_OK;

	if (has_table(x->db, x->from, "input_blobs") &&
	    ((rc = exec_xfer(x,
			     "INSERT INTO \"%w\".input_blobs(sha256, bytes)"
			     " SELECT b.sha256, b.bytes FROM \"%w\".input_blobs b"
			     " WHERE b.sha256 IN (SELECT sha256 FROM \"%w\".scan_inputs"
			     "   WHERE scan_id = ?1 AND kept)"
			     " AND b.sha256 NOT IN (SELECT sha256 FROM \"%w\".input_blobs)"
			     " ORDER BY b.sha256",
			     x->to, x->from, x->from, x->to)) != ATTEST_OK ||
	     /* a blob the destination had before keeps its own chunks */
	     (rc = exec_xfer(x,
			     "INSERT INTO \"%w\".input_chunks(sha256, seq, data)"
			     " SELECT c.sha256, c.seq, c.data FROM \"%w\".input_chunks c"
			     " WHERE c.sha256 IN (SELECT sha256 FROM \"%w\".scan_inputs"
			     "   WHERE scan_id = ?1 AND kept)"
			     " AND NOT EXISTS (SELECT 1 FROM \"%w\".input_chunks t"
			     "   WHERE t.sha256 = c.sha256) ORDER BY c.sha256, c.seq",
			     x->to, x->from, x->from, x->to)) != ATTEST_OK))
		return rc;
	return exec_xfer(x,
			 "UPDATE \"%w\".scan_inputs SET kept = 0, note = 'no copy of it came"
			 " with the scan when it was moved between history databases'"
			 " WHERE scan_id = ?1 AND kept AND sha256 NOT IN"
			 " (SELECT sha256 FROM \"%w\".input_blobs)",
			 x->to, x->to);
}

/* What attest watch recorded from the scan as its base (watch_events.
 * base_scan_id) travels with it: those events, then their deltas. An event
 * the destination already holds (event keys are unique) is refused rather
 * than merged: the import lands whole or not at all. */
static attest_rc
copy_watch(struct xfer *x)
{
	sqlite3_stmt *st = NULL;
	char *where, *dup;
	attest_rc rc;

	if (!has_table(x->db, x->from, "watch_events"))
		return ATTEST_OK; /* an export of an older schema */
	if (!(dup = sqlite3_mprintf("SELECT e.event_key FROM \"%w\".watch_events e"
				    " WHERE e.base_scan_id = ?1 AND e.event_key IN"
				    " (SELECT event_key FROM \"%w\".watch_events) LIMIT 1",
				    x->from, x->to)))
		return core_nomem(x->ctx);
	if (sqlite3_prepare_v2(x->db, dup, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(dup);
		return xfer_error(x);
	}
	sqlite3_free(dup);
	sqlite3_bind_text(st, 1, x->id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = core_error(x->ctx, ATTEST_ERR_INVALID,
				"change event '%s' of scan '%s' is already stored: nothing copied",
				sqlite3_column_text(st, 0), x->id);
	else
		rc = copy_rows(x, "watch_events", "base_scan_id = ?1");
	sqlite3_finalize(st);
	if (rc != ATTEST_OK)
		return rc;
	if (!(where = sqlite3_mprintf("event_key IN (SELECT event_key FROM \"%w\".watch_events"
				      " WHERE base_scan_id = ?1)",
				      x->from)))
		return core_nomem(x->ctx);
	rc = copy_rows(x, "deltas", where);
	sqlite3_free(where);
	return rc;
}

/* Copies scan id and every row hanging off it from schema `from` to `to`,
 * scans first so the foreign keys hold, then the inputs it kept and the
 * changes recorded from it. */
static attest_rc
copy_scan(struct xfer *x)
{
	sqlite3_stmt *st = NULL;
	attest_rc rc;
	int src;

	if ((rc = copy_table(x, "scans")) != ATTEST_OK)
		return rc;
	if (sqlite3_prepare_v2(x->db,
			       "SELECT t.name FROM sqlite_schema t WHERE t.type = 'table'"
			       " AND t.name <> 'scans' AND t.name NOT LIKE 'sqlite%'"
			       " AND EXISTS (SELECT 1 FROM pragma_table_info(t.name)"
			       "   WHERE name = 'scan_id') ORDER BY t.name",
			       -1, &st, NULL) != SQLITE_OK)
		return xfer_error(x);
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = copy_table(x, (const char *)sqlite3_column_text(st, 0))) != ATTEST_OK)
			break;
	if (rc == ATTEST_OK && src != SQLITE_DONE)
		rc = xfer_error(x);
	sqlite3_finalize(st);
	if (rc == ATTEST_OK)
		rc = copy_inputs(x);
	return rc == ATTEST_OK ? copy_watch(x) : rc;
}

attest_rc
attest_store_export(attest_store *store, const char *scan_id, const char *path)
{
	attest_ctx *ctx = store_ctx(store);
	struct xfer x = {ctx, NULL, "src", "main", path, scan_id, false};
	char *tmp = NULL, *journal = NULL;
	bool tx = false, found = false;
	attest_rc rc;
	size_t n;

	sqlite3_stmt *st = history_prepare(store, "SELECT 1 FROM scans WHERE scan_id = ?1");

	if (!st)
		return ATTEST_ERR_DB;
	history_bind(st, 1, scan_id);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found)
		return core_error(ctx, ATTEST_ERR_NOTFOUND, "no scan '%s' in '%s'", scan_id,
				  store_path(store));
	n = strlen(path) + sizeof(".tmp-XXXXXXXX");
	if (!(tmp = malloc(n)) || !(journal = malloc(n + sizeof("-journal")))) {
		free(tmp);
		return core_nomem(ctx);
	}
	/* An interrupted export leaves neither the file nor its journal. */
	if ((rc = core_tmp_create(ctx, path, tmp, n)) != ATTEST_OK) {
		free(tmp);
		free(journal);
		return rc;
	}
	snprintf(journal, n + sizeof("-journal"), "%s-journal", tmp);
	attest_tmp_register(journal);
	/* The export is written through a connection of its own, the history
	 * only read: it may be on read-only storage. */
	if ((rc = store_create_empty(ctx, tmp, &x.db)) != ATTEST_OK ||
	    (rc = store_attach_readonly(ctx, x.db, store_path(store))) != ATTEST_OK)
		goto out;
	if (sqlite3_exec(x.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = xfer_error(&x);
		goto out;
	}
	tx = true;
	if ((rc = copy_scan(&x)) != ATTEST_OK)
		goto out;
	if (sqlite3_exec(x.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot write '%s': %s", path,
				sqlite3_errmsg(x.db));
		goto out;
	}
	tx = false;
	sqlite3_exec(x.db, "DETACH src", NULL, NULL, NULL);
	if (sqlite3_close(x.db) != SQLITE_OK) {
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot write '%s'", path);
		goto out;
	}
	x.db = NULL;
	if (rename(tmp, path) != 0)
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
out:
	if (tx)
		sqlite3_exec(x.db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(x.db);
	if (rc != ATTEST_OK)
		unlink(tmp);
	attest_tmp_unregister(tmp);
	attest_tmp_unregister(journal);
	free(journal);
	free(tmp);
	return rc;
}

static void
first_problem(void *data, const char *problem)
{
	char *first = data;

	if (!first[0])
		snprintf(first, PROBLEM_MAX, "%s", problem);
}

/* Everything that can be said about the file before touching the store:
 * is it an attest export holding one complete scan of a schema we read? */
static attest_rc
validate_export(attest_ctx *ctx, const char *path, char id[ATTEST_SCAN_ID_MAX])
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long app = 0, version = 0, scans = 0, n = 0;
	const char *what = NULL;
	char first[PROBLEM_MAX] = "", more[48] = "";
	attest_rc rc = ATTEST_ERR_INVALID;

	if (access(path, R_OK) != 0)
		return core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", path,
				  strerror(errno));
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    core_db_int64(db, "SELECT count(*) FROM sqlite_schema", &n) != SQLITE_OK) {
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"'%s' is not an attest export (not an SQLite database: %s)", path,
				db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (core_db_int64(db, "PRAGMA application_id", &app) != SQLITE_OK ||
	    core_db_int64(db, "PRAGMA user_version", &version) != SQLITE_OK ||
	    app != STORE_APPLICATION_ID || version < 1) {
		what = "an SQLite database, but not an attest export";
		goto bad;
	}
	if (version > STORE_SCHEMA_VERSION) {
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"'%s' was exported by a newer attest (schema version %lld; this "
				"attest reads up to %d): upgrade attest",
				path, version, STORE_SCHEMA_VERSION);
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		what = "damaged (SQLite integrity check failed)";
		goto bad;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (core_db_int64(db, "SELECT count(*) FROM scans", &scans) != SQLITE_OK) {
		what = "not an attest export (no scans table)";
		goto bad;
	}
	if (scans != 1) {
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"'%s' holds %lld scans; an export holds exactly one (use "
				"'attest db export' to make one)",
				path, scans);
		goto out;
	}
	if (core_db_int64(db,
			  "SELECT (SELECT count(*) FROM scan_frameworks) > 0 AND"
			  " (SELECT count(*) FROM scan_controls) > 0 AND"
			  " (SELECT count(*) FROM scan_checks) > 0 AND"
			  " (SELECT count(*) FROM scan_frameworks f JOIN scans s USING (scan_id))"
			  "   = (SELECT count(*) FROM scan_frameworks)",
			  &n) != SQLITE_OK ||
	    !n) {
		what = "incomplete: its scan lacks frameworks, controls or checks";
		goto bad;
	}
	if (sqlite3_prepare_v2(db, "SELECT scan_id FROM scans", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_text(st, 0) ||
	    (size_t)sqlite3_column_bytes(st, 0) >= ATTEST_SCAN_ID_MAX) {
		what = "not an attest export (bad scan id)";
		goto bad;
	}
	snprintf(id, ATTEST_SCAN_ID_MAX, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	/* every row as a scan would write it (validate.c) */
	if ((rc = store_validate(ctx, db, "main", true, 1, first_problem, first, &n)) != ATTEST_OK)
		goto out;
	if (n > 0) {
		if (n > 1)
			snprintf(more, sizeof(more), " (and %lld more)", n - 1);
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"'%s' is not a valid attest export: %s%s; nothing imported", path,
				first, more);
		goto out;
	}
	rc = ATTEST_OK;
	goto out;
bad:
	rc = core_error(ctx, ATTEST_ERR_INVALID, "'%s' is %s", path, what);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

attest_rc
attest_store_import(attest_store *store, const char *path, char id[ATTEST_SCAN_ID_MAX])
{
	attest_ctx *ctx = store_ctx(store);
	sqlite3 *db = store_db(store);
	struct xfer x = {ctx, db, "xfer", "main", path, id, true};
	sqlite3_stmt *st = NULL;
	bool tx = false, dup;
	attest_rc rc;

	if ((rc = validate_export(ctx, path, id)) != ATTEST_OK)
		return rc;
	if (store_attach(db, path, "xfer") != SQLITE_OK)
		return core_error(ctx, ATTEST_ERR_DB, "cannot open '%s': %s", path,
				  sqlite3_errmsg(db));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = history_db_error(store);
		goto out;
	}
	tx = true;
	if (!(st = history_prepare(store, "SELECT 1 FROM main.scans WHERE scan_id = ?1"))) {
		rc = ATTEST_ERR_DB;
		goto out;
	}
	history_bind(st, 1, id);
	dup = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (dup) {
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"scan '%s' from '%s' is already in '%s': nothing imported", id,
				path, store_path(store));
		goto out;
	}
	if ((rc = copy_scan(&x)) != ATTEST_OK)
		goto out;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = history_db_error(store);
		goto out;
	}
	tx = false;
out:
	if (tx)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(db, "DETACH xfer", NULL, NULL, NULL);
	return rc;
}
