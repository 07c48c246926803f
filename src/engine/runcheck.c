/*
 * Running one check: decide whether it can be evaluated at all (were its
 * resource types collected?), run its query under the authorizer, sanitize
 * what the query returned (unknown statuses, rows about the wrong resource
 * type and malformed evidence become `error` rows, never silent passes), and
 * summarize the check.
 */
#include "config.h"

#include "engine_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Check queries may read and call functions; the engine's INSERT into res is
 * the only write. */
static int
authorize(void *data, int action, const char *a, const char *b, const char *dbname,
	  const char *trigger)
{
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
		/* Table-valued pragmas (pragma_database_list names files) arrive
		 * as reads of "pragma_*". */
		return a && strncasecmp(a, "pragma_", 7) == 0 ? SQLITE_DENY : SQLITE_OK;
	case SQLITE_FUNCTION:
		return b && (strcasecmp(b, "load_extension") == 0 ||
			     strcasecmp(b, "fts3_tokenizer") == 0)
			       ? SQLITE_DENY
			       : SQLITE_OK;
	case SQLITE_INSERT:
		return a && strcmp(a, "res") == 0 ? SQLITE_OK : SQLITE_DENY;
	case SQLITE_UPDATE:
		/* SQLite asks this when it sets up an eponymous virtual table such
		 * as json_each; a SELECT cannot express a real UPDATE. */
		return a && strcmp(a, "sqlite_master") == 0 ? SQLITE_OK : SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

/* Runs each statement of sql with ?1 bound to the check id and ?2 (where a
 * statement uses it) to the check's resource type. */
static attest_rc
run_script(attest_ctx *ctx, sqlite3 *db, const char *sql, const struct check *c)
{
	sqlite3_stmt *st;
	const char *tail;
	attest_rc rc = ATTEST_OK;

	while (rc == ATTEST_OK && *sql) {
		st = NULL;
		if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK)
			return attest_error(ctx, ATTEST_ERR_DB, "evaluation of '%s': %s", c->id,
					    sqlite3_errmsg(db));
		if (!st)
			break;
		sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_text(st, 2, c->resource_type, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = attest_error(ctx, ATTEST_ERR_DB, "evaluation of '%s': %s", c->id,
					  sqlite3_errmsg(db));
		sqlite3_finalize(st);
		sql = tail;
	}
	return rc;
}

/* The query as the check file wrote it, so that the store can tell a
 * check whose definition changed between two scans (doc/history.md). */
static attest_rc
record_query(attest_ctx *ctx, sqlite3 *db, const struct check *c)
{
	sqlite3_stmt *st = NULL;
	attest_rc rc = ATTEST_OK;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO chk_query(check_id, query) VALUES (?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = attest_error(ctx, ATTEST_ERR_DB, "evaluation: %s", sqlite3_errmsg(db));
	} else {
		sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->query, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = attest_error(ctx, ATTEST_ERR_DB, "evaluation: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}

static attest_rc
record_check(attest_ctx *ctx, sqlite3 *db, const struct check *c, const char *status,
	     const char *reason)
{
	sqlite3_stmt *st = NULL;
	json_t *req = json_array(), *rem = NULL;
	char *req_s = NULL, *rem_s = NULL;
	size_t i;
	attest_rc rc = ATTEST_ERR_NOMEM;

	if (!req)
		goto out;
	for (i = 0; i < c->n_requires; i++)
		if (json_array_append_new(req, json_string(c->requires[i])) != 0)
			goto out;
	rem = json_pack("{s:s, s:s, s:s}", "steps", c->steps, "cli", c->cli, "terraform",
			c->terraform);
	if (!rem || !(req_s = json_dumps(req, JSON_COMPACT)) ||
	    !(rem_s = json_dumps(rem, JSON_COMPACT)))
		goto out;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO chk(check_id, title, service, severity, resource_type,"
			       " requires, rationale, remediation, refs, status, reason, exposure)"
			       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = attest_error(ctx, ATTEST_ERR_DB, "evaluation: %s", sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->resource_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, req_s, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->rationale, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, rem_s, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, c->refs, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, c->exposure);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? ATTEST_OK
		     : attest_error(ctx, ATTEST_ERR_DB, "evaluation: %s", sqlite3_errmsg(db));
	if (rc == ATTEST_OK)
		rc = record_query(ctx, db, c);
out:
	sqlite3_finalize(st);
	json_decref(req);
	json_decref(rem);
	free(req_s);
	free(rem_s);
	return rc == ATTEST_ERR_NOMEM ? attest_nomem(ctx) : rc;
}

/* The first of the check's types that was not collected, or NULL. A type
 * that a failed call of any input's collection log fed counts as not
 * collected even when another input collected it: its resources are not
 * all there (the collector's own rule, applied across inputs). */
static const char *
missing_type(sqlite3 *db, const struct check *c)
{
	sqlite3_stmt *st = NULL;
	const char *missing = NULL;
	size_t i;

	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM collected WHERE type = ?1 AND NOT EXISTS (SELECT 1"
			       "  FROM collection_log g, json_each(g.types) t WHERE t.value = ?1)",
			       -1, &st, NULL) != SQLITE_OK)
		return c->resource_type;
	for (i = 0; i <= c->n_requires && !missing; i++) {
		const char *t = i == 0 ? c->resource_type : c->requires[i - 1];

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			missing = t;
	}
	sqlite3_finalize(st);
	return missing;
}

/* Why type was not collected, from the collection log: the first failed call
 * that fed it, and how many others did. Every part is cut to a bounded
 * length (counted in characters, so UTF-8 stays whole). */
static const char gap_reason_sql[] =
	"WITH fed AS (SELECT g.* FROM collection_log g"
	"  WHERE EXISTS (SELECT 1 FROM json_each(g.types) WHERE value = ?1))"
	"SELECT 'resource type ' || ?1 || ' was not collected: ' || substr(service, 1, 40)"
	"  || ' ' || substr(operation, 1, 60) || ' in ' || substr(region, 1, 30)"
	"  || ifnull(' (account ' || substr(nullif(account, ''), 1, 20) || ')', '')"
	"  || ' failed: ' || substr(error_code, 1, 60)"
	"  || CASE WHEN message = '' THEN ''"
	"    WHEN length(message) > 200 THEN ': ' || rtrim(substr(message, 1, 199),"
	"      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=') || '\u2026'"
	"    ELSE ': ' || message END"
	"  || CASE (SELECT count(*) FROM fed) WHEN 1 THEN ''"
	"    WHEN 2 THEN ' (and 1 more failed call)'"
	"    ELSE ' (and ' || ((SELECT count(*) FROM fed) - 1) || ' more failed calls)' END"
	" FROM fed ORDER BY seq LIMIT 1";

/* The reason a check whose type was not collected is not evaluated. */
static void
missing_reason(sqlite3 *db, const char *type, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;

	snprintf(out, size, "resource type %s was not collected", type);
	if (sqlite3_prepare_v2(db, gap_reason_sql, -1, &st, NULL) != SQLITE_OK)
		return; /* an inventory database without a log: the plain reason */
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static const char sanitize_sql[] =
	"UPDATE res SET status = 'error', reason = 'check returned an unknown status '"
	"  || quote(status) WHERE check_id = ?1"
	"  AND (status IS NULL OR status NOT IN ('pass', 'fail', 'error', 'not_applicable'));"
	"UPDATE res SET status = 'error', reason = 'check judged a row that is not a ' || ?2"
	"  WHERE check_id = ?1 AND NOT EXISTS (SELECT 1 FROM resources r"
	"    WHERE r.rid = res.rid AND r.type = ?2);"
	"UPDATE res SET reason = coalesce(reason, 'the check gave no reason'),"
	"  evidence = CASE WHEN evidence IS NULL THEN '{}'"
	"    WHEN json_valid(evidence) AND json_type(evidence) = 'object' THEN json(evidence)"
	"    WHEN json_valid(evidence) THEN json_object('value', json(evidence))"
	"    ELSE json_object('value', evidence) END WHERE check_id = ?1;"
	"INSERT INTO chk_counts SELECT ?1, sum(status = 'pass'), sum(status = 'fail'),"
	"  sum(status = 'error'), sum(status = 'not_applicable') FROM res WHERE check_id = ?1;";

/* Prepares the check's query wrapped in the engine's INSERT, under the
 * authorizer. A query that does not compile is an error in the check file. */
static attest_rc
compile_check(attest_ctx *ctx, sqlite3 *db, const struct check *c, sqlite3_stmt **out)
{
	struct attest_buf sql;
	const char *tail = NULL;
	attest_rc rc = ATTEST_OK;
	int src;

	*out = NULL;
	attest_buf_init(&sql, 1u << 20);
	if (attest_buf_printf(&sql,
			      "INSERT INTO res(check_id, rid, status, reason, evidence)"
			      " SELECT ?1, q.rid, q.status, q.reason, q.evidence FROM (%s\n) AS q",
			      c->query) != ATTEST_OK) {
		attest_buf_release(&sql);
		return attest_error(ctx, ATTEST_ERR_LIMIT, "check '%s': query too long", c->id);
	}
	sqlite3_set_authorizer(db, authorize, NULL);
	src = sqlite3_prepare_v2(db, sql.data, -1, out, &tail);
	sqlite3_set_authorizer(db, NULL, NULL);
	if (src != SQLITE_OK || (tail && *tail)) {
		rc = attest_error(ctx, ATTEST_ERR_INVALID,
				  "invalid '%s' at line %d: the query of check '%s' does not compile "
				  "(it must be one SELECT returning rid, status, reason, evidence): %s",
				  c->file, c->query_line, c->id,
				  src != SQLITE_OK ? sqlite3_errmsg(db) : "more than one statement");
		sqlite3_finalize(*out);
		*out = NULL;
	}
	attest_buf_release(&sql);
	return rc;
}

attest_rc
check_compiles(attest_ctx *ctx, sqlite3 *db, const struct check *c)
{
	sqlite3_stmt *st = NULL;
	attest_rc rc = compile_check(ctx, db, c, &st);

	sqlite3_finalize(st);
	return rc;
}

attest_rc
eval_check(attest_ctx *ctx, sqlite3 *db, const struct check *c)
{
	sqlite3_stmt *st = NULL;
	const char *missing;
	char reason[2048];
	attest_rc rc;
	int src;

	missing = missing_type(db, c);
	if (missing) {
		missing_reason(db, missing, reason, sizeof(reason));
		return record_check(ctx, db, c, "not_evaluated", reason);
	}
	if ((rc = compile_check(ctx, db, c, &st)) != ATTEST_OK)
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	src = sqlite3_step(st);
	if (src != SQLITE_DONE) {
		snprintf(reason, sizeof(reason), "the check's query failed: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		run_script(ctx, db, "DELETE FROM res WHERE check_id = ?1", c);
		return record_check(ctx, db, c, "error", reason);
	}
	sqlite3_finalize(st);
	if ((rc = run_script(ctx, db, sanitize_sql, c)) != ATTEST_OK)
		return rc;
	if ((rc = record_check(ctx, db, c, "pending", NULL)) != ATTEST_OK)
		return rc;
	return run_script(ctx, db,
			  "UPDATE chk SET (n_pass, n_fail, n_error, n_not_applicable) ="
			  " (SELECT ifnull(p, 0), ifnull(f, 0), ifnull(e, 0), ifnull(na, 0)"
			  "  FROM chk_counts WHERE check_id = ?1),"
			  " status = (SELECT CASE WHEN f > 0 THEN 'fail' WHEN e > 0 THEN 'error'"
			  "  WHEN p > 0 THEN 'pass' ELSE 'not_applicable' END"
			  "  FROM chk_counts WHERE check_id = ?1)"
			  " WHERE check_id = ?1",
			  c);
}
