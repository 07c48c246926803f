/*
 * Running one check: decide whether it can be evaluated at all (were its
 * resource types collected?), compile its query on its own under the
 * authorizer, read its rows within the check's limits and store them under
 * the check's id (the query never names the check it speaks for), sanitize
 * them (unknown statuses, rows about the wrong resource type and malformed
 * evidence become `error` rows, never silent passes), and summarize the
 * check. A check that breaks a limit or returns a column of the wrong type
 * is `error` as a whole, and the scan goes on.
 */
#include "config.h"

#include "engine_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The tables of the evaluation itself: a check reading them would see the
 * results of the checks that happened to run before it. */
static const char *const engine_tables[] = {
	"res", "chk", "chk_counts", "exc", "att", "fw", "ctl", "ctl_checks", "eval_only",
};

/* Virtual tables that read the database's pages or the connection's state
 * rather than data. */
static const char *const raw_tables[] = {"sqlite_dbpage", "sqlite_stmt", "dbstat"};

static bool
listed(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (strcasecmp(name, list[i]) == 0)
			return true;
	return false;
}

/* A check query may only read the inventory and call functions without
 * side effects. Everything else is refused when the query is compiled:
 * writes of any kind, ATTACH/DETACH, PRAGMA (statements and table-valued
 * pragma_* functions), temporary tables, views, triggers and indexes,
 * transactions and savepoints, ANALYZE, and loading extensions. */
int
check_authorize(void *data, int action, const char *a, const char *b, const char *dbname,
		const char *trigger)
{
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
		/* Table-valued pragmas (pragma_database_list names files) arrive
		 * as reads of "pragma_*". */
		if (!a || strncasecmp(a, "pragma_", 7) == 0 ||
		    listed(a, engine_tables, sizeof(engine_tables) / sizeof(*engine_tables)) ||
		    listed(a, raw_tables, sizeof(raw_tables) / sizeof(*raw_tables)))
			return SQLITE_DENY;
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		return b && (strcasecmp(b, "load_extension") == 0 ||
			     strcasecmp(b, "fts3_tokenizer") == 0)
			       ? SQLITE_DENY
			       : SQLITE_OK;
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
			return core_db_error(ctx, db, "evaluation of '%s'", c->id);
		if (!st)
			break;
		sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_text(st, 2, c->resource_type, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = core_db_error(ctx, db, "evaluation of '%s'", c->id);
		sqlite3_finalize(st);
		sql = tail;
	}
	return rc;
}

/* The query as the check file wrote it, and the shared views it reads, so
 * that the store can tell a check whose definition changed between two
 * scans (doc/history.md). */
static attest_rc
record_query(attest_ctx *ctx, sqlite3 *db, const struct check *c)
{
	return engine_record_definition(ctx, db, c->id, c->query);
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
	if ((rc = core_db_prepare(
		     ctx, db,
		     "INSERT INTO chk(check_id, title, service, severity, resource_type,"
		     " requires, rationale, remediation, refs, status, reason, exposure)"
		     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		     &st)) != ATTEST_OK)
		goto out;
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
	rc = core_db_run(ctx, st);
	if (rc == ATTEST_OK)
		rc = record_query(ctx, db, c);
out:
	sqlite3_finalize(st);
	json_decref(req);
	json_decref(rem);
	free(req_s);
	free(rem_s);
	return rc == ATTEST_ERR_NOMEM ? core_nomem(ctx) : rc;
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

/* The columns a check query returns, in the order res keeps them. */
static const char *const result_columns[] = {"rid", "status", "reason", "evidence"};
#define N_RESULT_COLUMNS 4

/* What is wrong with the shape of a compiled query, or NULL: it must be one
 * read-only statement (a SELECT) returning exactly the four result columns,
 * in any order; col[i] receives the position of result_columns[i]. */
static const char *
bad_shape(sqlite3_stmt *st, int col[N_RESULT_COLUMNS], char *buf, size_t size)
{
	const char *name;
	int i, j, n = sqlite3_column_count(st);

	if (!sqlite3_stmt_readonly(st) || sqlite3_stmt_isexplain(st) || n == 0)
		return "it is not a SELECT";
	for (i = 0; i < N_RESULT_COLUMNS; i++) {
		col[i] = -1;
		for (j = 0; j < n; j++) {
			name = sqlite3_column_name(st, j);
			if (!name || strcasecmp(name, result_columns[i]) != 0)
				continue;
			if (col[i] >= 0) {
				snprintf(buf, size, "it returns two columns named '%s'",
					 result_columns[i]);
				return buf;
			}
			col[i] = j;
		}
		if (col[i] < 0) {
			snprintf(buf, size, "it returns no column named '%s'", result_columns[i]);
			return buf;
		}
	}
	if (n != N_RESULT_COLUMNS) {
		snprintf(buf, size, "it returns %d columns, not 4", n);
		return buf;
	}
	return NULL;
}

/* Compiles the check's query on its own, under the authorizer. The query is
 * never pasted into other SQL: the engine reads its rows and stores them
 * itself, under the check's id, so no comment, quote or UNION in the query
 * can reach outside it. Whatever follows the first statement must be
 * nothing but space, comments and semicolons. A query that does not compile
 * is an error in the check file. */
static attest_rc
compile_check(attest_ctx *ctx, sqlite3 *db, const struct check *c, sqlite3_stmt **out,
	      int col[N_RESULT_COLUMNS])
{
	sqlite3_stmt *next = NULL;
	const char *tail = NULL, *why = NULL;
	char buf[160];
	int src;

	*out = NULL;
	sqlite3_set_authorizer(db, check_authorize, NULL);
	src = sqlite3_prepare_v2(db, c->query, -1, out, &tail);
	if (src == SQLITE_OK && !*out)
		why = "the query is empty";
	while (src == SQLITE_OK && !why && tail && *tail) {
		if (sqlite3_prepare_v2(db, tail, -1, &next, &tail) != SQLITE_OK || next)
			why = "more than one statement";
		sqlite3_finalize(next);
		next = NULL;
	}
	sqlite3_set_authorizer(db, NULL, NULL);
	if (src == SQLITE_OK && !why)
		why = bad_shape(*out, col, buf, sizeof(buf));
	if (src == SQLITE_OK && !why)
		return ATTEST_OK;
	sqlite3_finalize(*out);
	*out = NULL;
	return core_error(ctx, ATTEST_ERR_INVALID,
			  "invalid '%s' at line %d: the query of check '%s' does not compile "
			  "(it must be one SELECT returning rid, status, reason, evidence): %s",
			  c->file, c->query_line, c->id, why ? why : sqlite3_errmsg(db));
}

attest_rc
check_compiles(attest_ctx *ctx, sqlite3 *db, const struct check *c)
{
	sqlite3_stmt *st = NULL;
	int col[N_RESULT_COLUMNS];
	attest_rc rc = compile_check(ctx, db, c, &st, col);

	sqlite3_finalize(st);
	return rc;
}

/* The longest value a check query may build (SQLITE_LIMIT_LENGTH while it
 * runs): twice the largest resource record the loader accepts, so that
 * zeroblob(1e9) or printf('%.*c', ...) fail at once instead of allocating. */
#define MAX_QUERY_VALUE (128 << 20)

/* A query's run: the deadline the progress handler enforces, only while the
 * query itself steps (interrupting the engine's own INSERT would roll back
 * the whole evaluation). */
struct run_state {
	struct timespec deadline;
	bool in_query, timed_out;
};

static int
on_progress(void *data)
{
	struct run_state *rs = data;
	struct timespec now;

	if (!rs->in_query)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > rs->deadline.tv_sec ||
	    (now.tv_sec == rs->deadline.tv_sec && now.tv_nsec >= rs->deadline.tv_nsec))
		rs->timed_out = true;
	return rs->timed_out;
}

static const char *
type_name(int type)
{
	switch (type) {
	case SQLITE_INTEGER:
		return "an integer";
	case SQLITE_FLOAT:
		return "a real number";
	case SQLITE_BLOB:
		return "a BLOB";
	case SQLITE_NULL:
		return "NULL";
	default:
		return "text";
	}
}

/* rid must be an integer (or NULL, which becomes an error row), the other
 * columns text or NULL. Says which column is not, or returns false. */
static bool
bad_types(sqlite3_stmt *st, const int col[N_RESULT_COLUMNS], char *why, size_t size)
{
	int i, t;

	for (i = 0; i < N_RESULT_COLUMNS; i++) {
		t = sqlite3_column_type(st, col[i]);
		if (t == SQLITE_NULL || t == (i == 0 ? SQLITE_INTEGER : SQLITE_TEXT))
			continue;
		snprintf(why, size, "column '%s' of the query is %s; %s must be %s (or NULL)",
			 result_columns[i], type_name(t), result_columns[i],
			 i == 0 ? "a resources.rid integer" : "text");
		return true;
	}
	return false;
}

/* Steps the compiled query within lim, storing each row under the check's
 * id. On a problem of the check, why says what it is (the caller records
 * the check as error); a failure of the engine's own INSERT is returned. */
static attest_rc
store_rows(attest_ctx *ctx, sqlite3 *db, const struct check *c, sqlite3_stmt *st,
	   const int col[N_RESULT_COLUMNS], const struct eval_limits *lim, char *why, size_t size)
{
	struct run_state rs = {{0, 0}, false, false};
	sqlite3_stmt *ins = NULL;
	long long rows = 0, bytes = 0, ns;
	attest_rc rc = ATTEST_OK;
	int src, old_length, i;

	*why = '\0';
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO res(check_id, rid, status, reason, evidence)"
			       " SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM"
			       " eval_only) OR ?2 IN (SELECT rid FROM eval_only)",
			       -1, &ins, NULL) != SQLITE_OK)
		return core_db_error(ctx, db, "evaluation of '%s'", c->id);
	sqlite3_bind_text(ins, 1, c->id, -1, SQLITE_STATIC);
	clock_gettime(CLOCK_MONOTONIC, &rs.deadline);
	ns = rs.deadline.tv_nsec +
	     (long long)((lim->seconds - (double)(long long)lim->seconds) * 1e9);
	rs.deadline.tv_sec += (time_t)lim->seconds + (time_t)(ns / 1000000000);
	rs.deadline.tv_nsec = (long)(ns % 1000000000);
	old_length = sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1);
	if (old_length > MAX_QUERY_VALUE)
		sqlite3_limit(db, SQLITE_LIMIT_LENGTH, MAX_QUERY_VALUE);
	sqlite3_progress_handler(db, 1000, on_progress, &rs);
	for (;;) {
		rs.in_query = true;
		src = sqlite3_step(st);
		rs.in_query = false;
		if (src == SQLITE_DONE)
			break;
		if (src != SQLITE_ROW) {
			if (rs.timed_out)
				snprintf(why, size,
					 "check '%s' ran longer than its time limit of %g s "
					 "(ATTEST_CHECK_TIME_LIMIT) and was stopped",
					 c->id, lim->seconds);
			else
				snprintf(why, size, "the check's query failed: %s",
					 sqlite3_errmsg(db));
			break;
		}
		if (++rows > lim->rows) {
			snprintf(why, size,
				 "check '%s' returned more than %lld rows, its row limit "
				 "(ATTEST_CHECK_ROW_LIMIT), and was stopped",
				 c->id, lim->rows);
			break;
		}
		if (bad_types(st, col, why, size))
			break;
		for (i = 1; i < N_RESULT_COLUMNS; i++)
			bytes += sqlite3_column_bytes(st, col[i]);
		if (bytes > lim->bytes) {
			snprintf(
				why, size,
				"check '%s' returned more than %lld bytes of status, reason and "
				"evidence, its byte limit (ATTEST_CHECK_BYTE_LIMIT), and was stopped",
				c->id, lim->bytes);
			break;
		}
		sqlite3_reset(ins);
		for (i = 0; i < N_RESULT_COLUMNS; i++)
			sqlite3_bind_value(ins, i + 2, sqlite3_column_value(st, col[i]));
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = core_db_error(ctx, db, "evaluation of '%s'", c->id);
			break;
		}
	}
	sqlite3_progress_handler(db, 0, NULL, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, old_length);
	sqlite3_finalize(ins);
	return rc;
}

/* The rows this run stored: all of the check's, or in an incremental
 * re-evaluation those of the resources listed in eval_only. */
#define THIS_RUN " AND (rid IN (SELECT rid FROM eval_only) OR NOT EXISTS (SELECT 1 FROM eval_only))"

static const char sanitize_sql[] =
	"UPDATE res SET status = 'error', reason = 'check returned an unknown status '"
	"  || quote(status) WHERE check_id = ?1" THIS_RUN
	"  AND (status IS NULL OR status NOT IN ('pass', 'fail', 'error', 'not_applicable'));"
	"UPDATE res SET status = 'error', reason = 'check judged a row that is not a ' || ?2"
	"  WHERE check_id = ?1" THIS_RUN " AND NOT EXISTS (SELECT 1 FROM resources r"
	"    WHERE r.rid = res.rid AND r.type = ?2);"
	"UPDATE res SET status = 'error', reason = 'check judged this resource more than once'"
	"  WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER"
	"    (PARTITION BY rid ORDER BY rowid) AS k FROM res WHERE check_id = ?1" THIS_RUN
	"    AND rid IS NOT NULL) WHERE k > 1);"
	"UPDATE res SET reason = coalesce(reason, 'the check gave no reason'),"
	"  evidence = CASE WHEN evidence IS NULL THEN '{}'"
	"    WHEN json_valid(evidence) AND json_type(evidence) = 'object' THEN json(evidence)"
	"    WHEN json_valid(evidence) THEN json_object('value', json(evidence))"
	"    ELSE json_object('value', evidence) END WHERE check_id = ?1" THIS_RUN ";"
	"INSERT INTO chk_counts SELECT ?1, sum(status = 'pass'), sum(status = 'fail'),"
	"  sum(status = 'error'), sum(status = 'not_applicable') FROM res WHERE check_id = ?1;";

attest_rc
eval_check(attest_ctx *ctx, sqlite3 *db, const struct check *c, const struct eval_limits *lim)
{
	sqlite3_stmt *st = NULL;
	const char *missing;
	char reason[2048];
	int col[N_RESULT_COLUMNS], in_transaction = !sqlite3_get_autocommit(db);
	attest_rc rc;

	missing = missing_type(db, c);
	if (missing) {
		missing_reason(db, missing, reason, sizeof(reason));
		return record_check(ctx, db, c, "not_evaluated", reason);
	}
	if ((rc = compile_check(ctx, db, c, &st, col)) != ATTEST_OK)
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	rc = store_rows(ctx, db, c, st, col, lim, reason, sizeof(reason));
	sqlite3_finalize(st);
	/* A failed statement may end the transaction (out of memory, I/O):
	 * then nothing of this evaluation can be trusted. */
	if (rc == ATTEST_OK && in_transaction && sqlite3_get_autocommit(db))
		rc = core_db_error(ctx, db,
				   "evaluation of '%s': the database rolled the evaluation back",
				   c->id);
	if (rc != ATTEST_OK)
		return rc;
	if (*reason) {
		core_log(ctx, ATTEST_LOG_WARN, "check '%s' ('%s' line %d) is error: %s", c->id,
			 c->file, c->query_line, reason);
		if ((rc = run_script(ctx, db, "DELETE FROM res WHERE check_id = ?1", c)) !=
		    ATTEST_OK)
			return rc;
		return record_check(ctx, db, c, "error", reason);
	}
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
