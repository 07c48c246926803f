/*
 * The shared views checks build on. They are defined once, as data, in
 * frameworks/views.sql of the data directory, and created in the evaluation
 * database (its main schema, beside the inventory they read; the temporary
 * schema stays empty) before any check runs, so that bundled and user checks
 * read them like tables and every fix to a shared piece of logic is made in
 * one place.
 *
 * The file is trusted like the bundled checks, but it is held to the same
 * rules as a check: it runs under an authorizer that allows CREATE VIEW
 * and nothing else (no writes to the inventory, no ATTACH, no PRAGMA), and
 * every view must then compile as a check query would, under the check
 * authorizer, so a view can only read what a check may read. A check reading
 * a view is one statement: the view's work counts against that check's time,
 * row and byte limits.
 *
 * What a check is judged by is its query and the views it reads: the
 * definition recorded for history's "definition changed" (doc/history.md)
 * is the query followed by the SQL of those views.
 */
#include "config.h"

#include "engine_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Far above the bundled file (a few kB); a bound, not a format rule. */
#define VIEWS_MAX_BYTES (1 << 20)

/* Creating a view in main writes its row of sqlite_master; nothing else
 * is allowed (no TEMP objects, no other schema). */
static int
authorize_view(void *data, int action, const char *a, const char *b, const char *dbname,
	       const char *trigger)
{
	(void)data, (void)b, (void)trigger;
	switch (action) {
	case SQLITE_CREATE_VIEW:
		return dbname && strcmp(dbname, "main") == 0 ? SQLITE_OK : SQLITE_DENY;
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_READ:
		return a && dbname && strcmp(dbname, "main") == 0 &&
				       strcasecmp(a, "sqlite_master") == 0
			       ? SQLITE_OK
			       : SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

static attest_rc
read_views(attest_ctx *ctx, const char *path, struct core_buf *out)
{
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(path, "r");
	attest_rc rc = ATTEST_OK;

	if (!fp)
		return core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", path,
				  strerror(errno));
	while (rc == ATTEST_OK && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		rc = core_buf_add(out, chunk, n);
		if (rc == ATTEST_ERR_LIMIT)
			rc = core_error(ctx, rc, "cannot read '%s': larger than %d bytes", path,
					VIEWS_MAX_BYTES);
		else if (rc != ATTEST_OK)
			rc = core_nomem(ctx);
	}
	if (rc == ATTEST_OK && ferror(fp))
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s'", path);
	if (rc == ATTEST_OK && out->len > 0 && memchr(out->data, '\0', out->len))
		rc = core_error(ctx, ATTEST_ERR_INVALID, "invalid '%s': it holds a NUL byte", path);
	fclose(fp);
	return rc;
}

static int
line_of(const char *text, const char *at)
{
	int line = 1;

	for (; text < at; text++)
		line += *text == '\n';
	return line;
}

/* Runs every statement of sql under authorize_view. */
static attest_rc
create_views(attest_ctx *ctx, sqlite3 *db, const char *path, const char *sql)
{
	const char *at = sql, *tail;
	sqlite3_stmt *st;
	attest_rc rc = ATTEST_OK;

	sqlite3_set_authorizer(db, authorize_view, NULL);
	while (rc == ATTEST_OK && *at) {
		st = NULL;
		while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r')
			at++;
		if (sqlite3_prepare_v2(db, at, -1, &st, &tail) != SQLITE_OK ||
		    (st && sqlite3_step(st) != SQLITE_DONE))
			rc = core_error(ctx, ATTEST_ERR_INVALID,
					"invalid '%s' at line %d: %s (it may only CREATE VIEW)",
					path, line_of(sql, at), sqlite3_errmsg(db));
		sqlite3_finalize(st);
		if (!st)
			break;
		at = tail;
	}
	sqlite3_set_authorizer(db, NULL, NULL);
	return rc;
}

/* Every view must compile as a check query would. */
static attest_rc
views_compile(attest_ctx *ctx, sqlite3 *db, const char *path)
{
	sqlite3_stmt *list = NULL, *st;
	char *sql;
	attest_rc rc = ATTEST_OK;

	if (sqlite3_prepare_v2(db,
			       "SELECT name FROM main.sqlite_master WHERE type = 'view'"
			       " ORDER BY name",
			       -1, &list, NULL) != SQLITE_OK)
		return core_error(ctx, ATTEST_ERR_DB, "evaluation: %s", sqlite3_errmsg(db));
	while (rc == ATTEST_OK && sqlite3_step(list) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(list, 0);

		if (!(sql = sqlite3_mprintf("SELECT * FROM main.\"%w\"", name))) {
			rc = core_nomem(ctx);
			break;
		}
		st = NULL;
		sqlite3_set_authorizer(db, check_authorize, NULL);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			rc = core_error(ctx, ATTEST_ERR_INVALID,
					"invalid '%s': view '%s' does not compile as a check "
					"query: %s",
					path, name, sqlite3_errmsg(db));
		sqlite3_set_authorizer(db, NULL, NULL);
		sqlite3_finalize(st);
		sqlite3_free(sql);
	}
	sqlite3_finalize(list);
	return rc;
}

attest_rc
engine_views_create(attest_ctx *ctx, sqlite3 *db)
{
	struct core_buf sql;
	char path[4096];
	attest_rc rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/frameworks/views.sql", attest_datadir()) >=
	    sizeof(path))
		return core_error(ctx, ATTEST_ERR_IO, "data directory path too long: '%s'",
				  attest_datadir());
	core_buf_init(&sql, VIEWS_MAX_BYTES);
	rc = read_views(ctx, path, &sql);
	if (rc == ATTEST_OK)
		rc = create_views(ctx, db, path, sql.data ? sql.data : "");
	if (rc == ATTEST_OK)
		rc = views_compile(ctx, db, path);
	core_buf_release(&sql);
	return rc;
}

/* Notes in the JSON array data the name of every shared view the statement
 * being compiled reads, itself or through another view, and otherwise
 * decides as check_authorize does. */
static int
authorize_noting_views(void *data, int action, const char *a, const char *b, const char *dbname,
		       const char *trigger)
{
	json_t *names = data, *v;
	const char *seen[2] = {dbname && strcmp(dbname, "main") == 0 ? a : NULL, trigger};
	size_t i, j;
	bool known;

	for (j = 0; action == SQLITE_READ && j < 2; j++) {
		if (!seen[j])
			continue;
		known = false;
		json_array_foreach(names, i, v) known |= strcmp(json_string_value(v), seen[j]) == 0;
		if (!known && json_array_append_new(names, json_string(seen[j])) != 0)
			return SQLITE_DENY; /* out of memory: the caller reports it */
	}
	return check_authorize(NULL, action, a, b, dbname, trigger);
}

attest_rc
engine_record_definition(attest_ctx *ctx, sqlite3 *db, const char *check_id, const char *query)
{
	json_t *names = json_array();
	sqlite3_stmt *st = NULL;
	char *list = NULL;
	attest_rc rc = ATTEST_OK;

	if (!names)
		return core_nomem(ctx);
	/* The check compiled before it got here; compiling it again only lists
	 * the views it reads. */
	sqlite3_set_authorizer(db, authorize_noting_views, names);
	if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK)
		json_array_clear(names);
	sqlite3_set_authorizer(db, NULL, NULL);
	sqlite3_finalize(st);
	st = NULL;
	if (!(list = json_dumps(names, JSON_COMPACT))) {
		rc = core_nomem(ctx);
		goto out;
	}
	if (sqlite3_prepare_v2(
		    db,
		    "INSERT OR REPLACE INTO chk_query(check_id, query) SELECT ?1, ?2 || ifnull("
		    "(SELECT char(10) || '-- shared views (frameworks/views.sql):'"
		    "   || group_concat(char(10) || sql || ';', '')"
		    " FROM (SELECT sql FROM main.sqlite_master WHERE type = 'view'"
		    "   AND name IN (SELECT value FROM json_each(?3)) ORDER BY name)), '')",
		    -1, &st, NULL) != SQLITE_OK) {
		rc = core_error(ctx, ATTEST_ERR_DB, "evaluation: %s", sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_text(st, 1, check_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, query, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, list, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = core_error(ctx, ATTEST_ERR_DB, "evaluation: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	free(list);
	json_decref(names);
	return rc;
}
