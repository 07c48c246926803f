/*
 * What attest watch writes into the history database (doc/history.md,
 * "Changes"): each change event it applied, the findings whose status that
 * event changed (deltas) and the alerts they raised, in one IMMEDIATE
 * transaction, so that a watch killed at any point has stored either all of
 * an event or none of it; and the messages it could not use. The event's
 * key is the table's primary key: storing an event twice is refused, which
 * is what lets the watch delete a queue message only after its result is
 * committed and still apply nothing twice. Text that came from the event or
 * from the inventory goes through redact_secrets() on its way in, as a
 * scan's findings do (redact.c lists the columns).
 */
#include "config.h"

#include "history_int.h"

#include <jansson.h>
#include <string.h>

static const char event_sql[] =
	"INSERT INTO watch_events(event_key, message_id, base_scan_id, source, name, actor,"
	" actor_type, source_ip, user_agent, event_time, received_at, account, region, resources)"
	" VALUES (?1, ?2, ?3, ?4, ?5, redact_secrets(?6), redact_secrets(?7), redact_secrets(?8),"
	" redact_secrets(?9), ?10, ?11, redact_secrets(?12), redact_secrets(?13), ?14)";

static const char delta_sql[] =
	"INSERT INTO deltas(event_key, at, check_id, severity, resource_type, resource_id, arn,"
	" region, account, old_status, new_status, reason, evidence)"
	" VALUES (?1, ?2, ?3, ?4, ?5, redact_secrets(?6), redact_secrets(?7), redact_secrets(?8),"
	" redact_secrets(?9), ?10, ?11, redact_secrets(?12), redact_secrets(?13))";

static const char outbox_sql[] =
	"INSERT INTO alert_outbox(created_at, channel, payload, attempts, next_attempt_at)"
	" VALUES (?1, ?2, redact_secrets(?3), 0, ?1)";

/* The statuses a finding can have (validate.c checks the same sets). */
static bool
in_set(const char *s, const char *const *set)
{
	if (!s)
		return true;
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static attest_rc
check_delta(attest_ctx *ctx, const struct attest_delta *d, size_t i)
{
	static const char *const status[] = {"pass",           "fail",     "error",
					     "not_applicable", "excepted", NULL};
	static const char *const severity[] = {"critical", "high",          "medium",
					       "low",      "informational", NULL};

	if (!d->check_id)
		return core_error(ctx, ATTEST_ERR_USAGE, "delta %zu names no check", i + 1);
	if (!in_set(d->old_status, status) || !in_set(d->new_status, status))
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "delta %zu of check '%s': '%s' to '%s' is not a change of a "
				  "finding's status",
				  i + 1, d->check_id, d->old_status ? d->old_status : "(none)",
				  d->new_status ? d->new_status : "(none)");
	if (!in_set(d->severity, severity))
		return core_error(ctx, ATTEST_ERR_USAGE, "delta %zu: no severity '%s'", i + 1,
				  d->severity);
	return ATTEST_OK;
}

/* An alert's payload is the webhook body: a JSON object (db check says so
 * too). */
static bool
payload_ok(const char *payload)
{
	json_t *v = payload ? json_loads(payload, 0, NULL) : NULL;
	bool ok = json_is_object(v);

	json_decref(v);
	return ok;
}

attest_rc
attest_store_event_seen(attest_store *store, const char *key, bool *seen)
{
	sqlite3_stmt *st =
		history_prepare(store, "SELECT 1 FROM watch_events WHERE event_key = ?1");
	int src;

	*seen = false;
	if (!st)
		return ATTEST_ERR_DB;
	history_bind(st, 1, key);
	src = sqlite3_step(st);
	*seen = src == SQLITE_ROW;
	sqlite3_finalize(st);
	return src == SQLITE_ROW || src == SQLITE_DONE ? ATTEST_OK : history_db_error(store);
}

static attest_rc
insert_event(sqlite3 *db, const struct attest_watch_event *ev)
{
	sqlite3_stmt *st = NULL;
	char t_event[21], t_received[21];
	attest_rc rc = ATTEST_ERR_DB;

	if (sqlite3_prepare_v2(db, event_sql, -1, &st, NULL) != SQLITE_OK)
		return ATTEST_ERR_DB;
	core_time_iso(ev->event_time, t_event);
	core_time_iso(ev->received_at, t_received);
	history_bind(st, 1, ev->key);
	history_bind(st, 2, ev->message_id);
	history_bind(st, 3, ev->base_scan_id);
	history_bind(st, 4, ev->source);
	history_bind(st, 5, ev->name);
	history_bind(st, 6, ev->actor);
	history_bind(st, 7, ev->actor_type);
	history_bind(st, 8, ev->source_ip);
	history_bind(st, 9, ev->user_agent);
	history_bind(st, 10, t_event);
	history_bind(st, 11, t_received);
	history_bind(st, 12, ev->account);
	history_bind(st, 13, ev->region);
	sqlite3_bind_int64(st, 14, ev->resources);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = ATTEST_OK;
	else if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = ATTEST_ERR_INVALID;
	sqlite3_finalize(st);
	return rc;
}

static attest_rc
insert_deltas(sqlite3 *db, const struct attest_watch_event *ev, const char *at,
	      const struct attest_delta *d, size_t n)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	attest_rc rc = ATTEST_OK;

	if (n == 0)
		return ATTEST_OK;
	if (sqlite3_prepare_v2(db, delta_sql, -1, &st, NULL) != SQLITE_OK)
		return ATTEST_ERR_DB;
	history_bind(st, 1, ev->key);
	history_bind(st, 2, at);
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		history_bind(st, 3, d[i].check_id);
		history_bind(st, 4, d[i].severity);
		history_bind(st, 5, d[i].resource_type);
		history_bind(st, 6, d[i].resource_id);
		history_bind(st, 7, d[i].arn);
		history_bind(st, 8, d[i].region);
		history_bind(st, 9, d[i].account);
		history_bind(st, 10, d[i].old_status);
		history_bind(st, 11, d[i].new_status);
		history_bind(st, 12, d[i].reason);
		history_bind(st, 13, d[i].evidence);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = ATTEST_ERR_DB;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static attest_rc
insert_alerts(sqlite3 *db, const char *at, const char *const *payloads, const char *const *channels,
	      size_t n)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	attest_rc rc = ATTEST_OK;

	if (n == 0)
		return ATTEST_OK;
	if (sqlite3_prepare_v2(db, outbox_sql, -1, &st, NULL) != SQLITE_OK)
		return ATTEST_ERR_DB;
	history_bind(st, 1, at);
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		history_bind(st, 2, channels[i]);
		history_bind(st, 3, payloads[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = ATTEST_ERR_DB;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

attest_rc
attest_store_save_delta(attest_store *store, const struct attest_watch_event *ev,
			const struct attest_delta *d, size_t n, const char *const *alert_payloads,
			const char *const *alert_channels, size_t n_alerts)
{
	attest_ctx *ctx = store_ctx(store);
	sqlite3 *db = store_db(store);
	char at[21], now[21];
	size_t i;
	attest_rc rc;

	if (!ev || !ev->key || !ev->source || !ev->name)
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "a change event needs a key, a source and a name");
	if ((n && !d) || (n_alerts && (!alert_payloads || !alert_channels)))
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "no deltas or alerts where some are counted");
	for (i = 0; i < n; i++)
		if ((rc = check_delta(ctx, &d[i], i)) != ATTEST_OK)
			return rc;
	for (i = 0; i < n_alerts; i++)
		if (!payload_ok(alert_payloads[i]))
			return core_error(ctx, ATTEST_ERR_USAGE,
					  "the payload of alert %zu is not a JSON object", i + 1);
	/* A delta is recorded when its event was received (and evaluated). */
	core_time_iso(ev->received_at, at);
	core_time_iso(time(NULL), now);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return core_error(ctx, ATTEST_ERR_DB, "cannot lock '%s': %s", store_path(store),
				  sqlite3_errmsg(db));
	if ((rc = insert_event(db, ev)) == ATTEST_ERR_INVALID) {
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"event '%s' is already stored in '%s': nothing stored", ev->key,
				store_path(store));
		goto out;
	}
	if (rc != ATTEST_OK || (rc = insert_deltas(db, ev, at, d, n)) != ATTEST_OK ||
	    (rc = insert_alerts(db, now, alert_payloads, alert_channels, n_alerts)) != ATTEST_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = core_error(ctx, ATTEST_ERR_DB,
				"cannot store event '%s' in '%s': %s; nothing stored", ev->key,
				store_path(store), sqlite3_errmsg(db));
		goto out;
	}
	return ATTEST_OK;
out:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

attest_rc
attest_store_dead_letter(attest_store *store, const char *message_id, time_t at, const char *reason,
			 const char *body_sha256)
{
	sqlite3_stmt *st = history_prepare(
		store,
		"INSERT INTO watch_dead_letters(message_id, received_at, reason, body_sha256)"
		" VALUES (?1, ?2, redact_secrets(?3), ?4)");
	char t[21];
	attest_rc rc;

	if (!st)
		return ATTEST_ERR_DB;
	core_time_iso(at, t);
	history_bind(st, 1, message_id);
	history_bind(st, 2, t);
	history_bind(st, 3, reason);
	history_bind(st, 4, body_sha256);
	rc = sqlite3_step(st) == SQLITE_DONE
		     ? ATTEST_OK
		     : core_error(store_ctx(store), ATTEST_ERR_DB,
				  "cannot record a dead letter in '%s': %s", store_path(store),
				  sqlite3_errmsg(store_db(store)));
	sqlite3_finalize(st);
	return rc;
}
