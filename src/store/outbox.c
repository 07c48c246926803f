/*
 * The alert outbox (outbox.h): the rows attest watch's delivery reads and
 * marks. An alert leaves the outbox only by being delivered; a failed
 * attempt moves its next attempt later and keeps the error, so nothing is
 * ever dropped and `attest db check` style queries can show what waits.
 */
#include "config.h"

#include "history_int.h"
#include "outbox.h"

attest_rc
store_outbox_add(attest_store *store, time_t now, const char *channel, const char *payload,
		 long long *id)
{
	sqlite3_stmt *st;
	char at[21];
	attest_rc rc;

	if (!channel || !*channel || !payload)
		return core_error(store_ctx(store), ATTEST_ERR_USAGE,
				  "an outbox row needs a channel and a payload");
	if (!(st = history_prepare(store, "INSERT INTO alert_outbox(created_at, channel, payload,"
					  " next_attempt_at) VALUES (?1, ?2, ?3, ?1)")))
		return ATTEST_ERR_DB;
	core_time_iso(now, at);
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, payload, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE) {
		if (id)
			*id = sqlite3_last_insert_rowid(store_db(store));
		rc = ATTEST_OK;
	} else
		rc = history_db_error(store);
	sqlite3_finalize(st);
	return rc;
}

static time_t
column_time(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	time_t t = 0;

	if (s && !core_time_parse(s, &t))
		t = 0;
	return t;
}

attest_rc
store_outbox_due_channels(attest_store *store, time_t now,
			  void (*fn)(void *data, const char *channel), void *data)
{
	sqlite3_stmt *st;
	char at[21];
	int src;

	if (!(st = history_prepare(store, "SELECT DISTINCT channel FROM alert_outbox"
					  " WHERE delivered_at IS NULL AND next_attempt_at <= ?1"
					  " ORDER BY channel")))
		return ATTEST_ERR_DB;
	core_time_iso(now, at);
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		fn(data, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
}

attest_rc
store_outbox_due(attest_store *store, const char *channel, time_t now, size_t max,
		 void (*fn)(void *data, const struct store_outbox_row *row), void *data)
{
	struct store_outbox_row row;
	sqlite3_stmt *st;
	char at[21];
	int src;

	if (!(st = history_prepare(store,
				   "SELECT alert_id, created_at, next_attempt_at, channel,"
				   " payload, last_error, attempts FROM alert_outbox"
				   " WHERE delivered_at IS NULL AND next_attempt_at <= ?1"
				   " AND channel = ?3 ORDER BY created_at, alert_id LIMIT ?2")))
		return ATTEST_ERR_DB;
	core_time_iso(now, at);
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	sqlite3_bind_text(st, 3, channel, -1, SQLITE_STATIC);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		row.id = sqlite3_column_int64(st, 0);
		row.created_at = column_time(st, 1);
		row.next_attempt_at = column_time(st, 2);
		row.channel = (const char *)sqlite3_column_text(st, 3);
		row.payload = (const char *)sqlite3_column_text(st, 4);
		row.last_error = (const char *)sqlite3_column_text(st, 5);
		row.attempts = (long)sqlite3_column_int64(st, 6);
		fn(data, &row);
	}
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
}

/* Runs st (its other parameters bound) once per id, bound as ?1, all or
 * nothing (a savepoint nests inside the caller's transaction, if any). */
static attest_rc
each_id(attest_store *store, sqlite3_stmt *st, const long long *ids, size_t n)
{
	sqlite3 *db = store_db(store);
	attest_rc rc = ATTEST_OK;
	size_t i;

	if (sqlite3_exec(db, "SAVEPOINT outbox", NULL, NULL, NULL) != SQLITE_OK)
		return history_db_error(store);
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = history_db_error(store);
		sqlite3_reset(st);
	}
	if (rc != ATTEST_OK)
		sqlite3_exec(db, "ROLLBACK TO outbox", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE outbox", NULL, NULL, NULL);
	return rc;
}

attest_rc
store_outbox_delivered(attest_store *store, const long long *ids, size_t n, time_t at)
{
	sqlite3_stmt *st;
	char when[21];
	attest_rc rc;

	if (!(st = history_prepare(store, "UPDATE alert_outbox SET delivered_at = ?2"
					  " WHERE alert_id = ?1 AND delivered_at IS NULL")))
		return ATTEST_ERR_DB;
	core_time_iso(at, when);
	sqlite3_bind_text(st, 2, when, -1, SQLITE_TRANSIENT);
	rc = each_id(store, st, ids, n);
	sqlite3_finalize(st);
	return rc;
}

attest_rc
store_outbox_failed(attest_store *store, const long long *ids, size_t n, time_t next_at,
		    const char *error)
{
	sqlite3_stmt *st;
	char when[21];
	attest_rc rc;

	if (!(st = history_prepare(store, "UPDATE alert_outbox SET attempts = attempts + 1,"
					  " next_attempt_at = ?2, last_error = redact_secrets(?3)"
					  " WHERE alert_id = ?1 AND delivered_at IS NULL")))
		return ATTEST_ERR_DB;
	core_time_iso(next_at, when);
	sqlite3_bind_text(st, 2, when, -1, SQLITE_TRANSIENT);
	history_bind(st, 3, error ? error : "unknown error");
	rc = each_id(store, st, ids, n);
	sqlite3_finalize(st);
	return rc;
}

attest_rc
store_outbox_pending(attest_store *store, long long *pending, time_t *oldest)
{
	sqlite3_stmt *st;
	attest_rc rc;

	*pending = 0;
	*oldest = 0;
	if (!(st = history_prepare(store, "SELECT count(*), min(created_at) FROM alert_outbox"
					  " WHERE delivered_at IS NULL")))
		return ATTEST_ERR_DB;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*pending = sqlite3_column_int64(st, 0);
		*oldest = column_time(st, 1);
		rc = ATTEST_OK;
	} else
		rc = history_db_error(store);
	sqlite3_finalize(st);
	return rc;
}
