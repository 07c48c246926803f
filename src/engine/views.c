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
 * A user's frameworks directory may hold a views.sql too (the library notes
 * it when it loads the directory). Its views are created after the bundled
 * ones, under the same rules, in the order the directories were loaded; they
 * may read the bundled views and those of earlier directories, and may not
 * take the name of a view already created (a bundled check never reads a
 * user's view).
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

/* What creating the views of one file needs to know: which view each name
 * belongs to, and what the statement being prepared creates. */
struct view_files {
	json_t *owner;     /* lowercase view name -> the file that created it */
	json_t *created;   /* names of the views the current file created */
	const char *clash; /* the file that already defines the name refused */
	char *naming;      /* the view the statement being prepared creates */
};

static char *
lower_dup(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* Creating a view in main writes its row of sqlite_master; nothing else
 * is allowed (no TEMP objects, no other schema), and no view may take the
 * name of a view an earlier file created (SQLite names are case-blind). */
static int
authorize_view(void *data, int action, const char *a, const char *b, const char *dbname,
	       const char *trigger)
{
	struct view_files *vf = data;
	char *key;
	json_t *had;

	(void)b, (void)trigger;
	switch (action) {
	case SQLITE_CREATE_VIEW:
		if (!a || !dbname || strcmp(dbname, "main") != 0 || !(key = lower_dup(a)))
			return SQLITE_DENY;
		had = json_object_get(vf->owner, key);
		free(key);
		free(vf->naming);
		vf->naming = strdup(a);
		if (had)
			vf->clash = json_string_value(had);
		return vf->naming && !had ? SQLITE_OK : SQLITE_DENY;
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

/* Notes that path created the view the last statement named. */
static attest_rc
note_created(attest_ctx *ctx, struct view_files *vf, const char *path)
{
	char *key;
	int bad;

	if (!vf->naming)
		return ATTEST_OK;
	if (!(key = lower_dup(vf->naming)))
		return core_nomem(ctx);
	bad = json_object_set_new(vf->owner, key, json_string(path)) != 0 ||
	      json_array_append_new(vf->created, json_string(vf->naming)) != 0;
	free(key);
	return bad ? core_nomem(ctx) : ATTEST_OK;
}

/* Runs every statement of sql under authorize_view. */
static attest_rc
create_views(attest_ctx *ctx, sqlite3 *db, const char *path, const char *sql, struct view_files *vf)
{
	const char *at = sql, *tail;
	sqlite3_stmt *st;
	bool prepared;
	attest_rc rc = ATTEST_OK;

	sqlite3_set_authorizer(db, authorize_view, vf);
	while (rc == ATTEST_OK && *at) {
		st = NULL;
		vf->clash = NULL;
		free(vf->naming);
		vf->naming = NULL;
		while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r')
			at++;
		prepared = sqlite3_prepare_v2(db, at, -1, &st, &tail) == SQLITE_OK;
		if (!prepared && vf->clash)
			rc = core_error(ctx, ATTEST_ERR_INVALID,
					"invalid '%s' at line %d: view '%s' is already defined in "
					"'%s' (a views.sql may add views, not replace them)",
					path, line_of(sql, at), vf->naming, vf->clash);
		else if (!prepared || (st && sqlite3_step(st) != SQLITE_DONE))
			rc = core_error(ctx, ATTEST_ERR_INVALID,
					"invalid '%s' at line %d: %s (it may only CREATE VIEW)",
					path, line_of(sql, at), sqlite3_errmsg(db));
		else if (st)
			rc = note_created(ctx, vf, path);
		sqlite3_finalize(st);
		if (!st)
			break;
		at = tail;
	}
	sqlite3_set_authorizer(db, NULL, NULL);
	free(vf->naming);
	vf->naming = NULL;
	return rc;
}

/* Every view path created must compile as a check query would. */
static attest_rc
views_compile(attest_ctx *ctx, sqlite3 *db, const char *path, json_t *created)
{
	sqlite3_stmt *list = NULL, *st;
	char *names = NULL, *sql;
	attest_rc rc = ATTEST_OK;

	if (!(names = json_dumps(created, JSON_COMPACT)))
		return core_nomem(ctx);
	if (sqlite3_prepare_v2(db,
			       "SELECT name FROM main.sqlite_master WHERE type = 'view'"
			       " AND name IN (SELECT value FROM json_each(?1)) ORDER BY name",
			       -1, &list, NULL) != SQLITE_OK) {
		free(names);
		return core_error(ctx, ATTEST_ERR_DB, "evaluation: %s", sqlite3_errmsg(db));
	}
	sqlite3_bind_text(list, 1, names, -1, SQLITE_STATIC);
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
	free(names);
	return rc;
}

/* Creates the views of the file at path, then compiles them. */
static attest_rc
views_from(attest_ctx *ctx, sqlite3 *db, const char *path, struct view_files *vf)
{
	struct core_buf sql;
	attest_rc rc;

	json_array_clear(vf->created);
	core_buf_init(&sql, VIEWS_MAX_BYTES);
	rc = read_views(ctx, path, &sql);
	if (rc == ATTEST_OK)
		rc = create_views(ctx, db, path, sql.data ? sql.data : "", vf);
	if (rc == ATTEST_OK)
		rc = views_compile(ctx, db, path, vf->created);
	core_buf_release(&sql);
	return rc;
}

static attest_rc
bundled_path(attest_ctx *ctx, char *path, size_t size)
{
	if ((size_t)snprintf(path, size, "%s/frameworks/views.sql", attest_datadir()) >= size)
		return core_error(ctx, ATTEST_ERR_IO, "data directory path too long: '%s'",
				  attest_datadir());
	return ATTEST_OK;
}

attest_rc
engine_views_create(attest_ctx *ctx, sqlite3 *db)
{
	struct view_files vf = {json_object(), json_array(), NULL, NULL};
	char path[4096];
	attest_rc rc;

	if (!vf.owner || !vf.created)
		rc = core_nomem(ctx);
	else if ((rc = bundled_path(ctx, path, sizeof(path))) == ATTEST_OK)
		rc = views_from(ctx, db, path, &vf);
	json_decref(vf.owner);
	json_decref(vf.created);
	return rc;
}

attest_rc
engine_views_add_user(attest_ctx *ctx, sqlite3 *db, const attest_library *lib)
{
	struct view_files vf = {json_object(), json_array(), NULL, NULL};
	sqlite3_stmt *st = NULL;
	char path[4096], *key;
	size_t i;
	attest_rc rc = ATTEST_OK;

	if (!vf.owner || !vf.created) {
		rc = core_nomem(ctx);
		goto out;
	}
	if (lib->n_views == 0 || (rc = bundled_path(ctx, path, sizeof(path))) != ATTEST_OK ||
	    (rc = core_db_prepare(ctx, db,
				  "SELECT name FROM main.sqlite_master WHERE type = 'view'",
				  &st)) != ATTEST_OK)
		goto out;
	/* Every view there now is a bundled one. */
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW) {
		if (!(key = lower_dup((const char *)sqlite3_column_text(st, 0))) ||
		    json_object_set_new(vf.owner, key, json_string(path)) != 0)
			rc = core_nomem(ctx);
		free(key);
	}
	for (i = 0; rc == ATTEST_OK && i < lib->n_views; i++)
		rc = views_from(ctx, db, lib->views[i], &vf);
out:
	sqlite3_finalize(st);
	json_decref(vf.owner);
	json_decref(vf.created);
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
