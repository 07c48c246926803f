/*
 * The loop of attest watch: receive change events from SQS (long polling)
 * and process them one at a time, deliver the alert outbox, re-collect the
 * whole estate every interval (drift no event announced), store a full
 * scan every snapshot_every, and report a status line. SIGTERM (o->stop)
 * lets the message in hand finish; messages received but not started are
 * made visible again at once.
 */
#include "config.h"

#include "collect/aws/client.h"
#include "core/db.h"
#include "inventory/inventory_int.h"
#include "monitor/alert.h"
#include "monitor/watch.h"

#include <stdlib.h>
#include <string.h>

void
monitor_collection_failed(struct monitor *m, const char *message)
{
	struct alert_input in = {0};
	json_t *alerts = NULL;

	if (!m->rules)
		return;
	in.collection_errors = &message;
	in.n_collection_errors = 1;
	in.now = time(NULL);
	in.lib = m->lib;
	if (alert_evaluate(m->rules, &in, &alerts) != ATTEST_OK ||
	    alert_enqueue(m->store, alerts, in.now) != ATTEST_OK)
		core_log(m->ctx, ATTEST_LOG_WARN, "cannot queue the collection-failed alert: %s",
			 attest_ctx_errmsg(m->ctx));
	else
		m->st->alerts_queued += json_array_size(alerts);
	json_decref(alerts);
}

/* Every type the re-collection collected replaces the kept one. */
static attest_rc
refresh_all(struct monitor *m, attest_inventory *fresh)
{
	sqlite3_stmt *st = NULL;
	bool was;
	attest_rc rc;

	if ((rc = core_db_prepare(m->ctx, inventory_db(fresh),
				  "SELECT type FROM collected ORDER BY type", &st)) != ATTEST_OK)
		return rc;
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW)
		rc = attest_inventory_refresh_type(
			m->inv, fresh, (const char *)sqlite3_column_text(st, 0), NULL, NULL, &was);
	sqlite3_finalize(st);
	return rc;
}

/* A full re-collection, applied as one change set: what moved is alerted
 * (with no event as its cause), and the result stored as a full scan, so
 * history, diff and trend show the drift. */
static attest_rc
drift(struct monitor *m)
{
	attest_inventory *fresh = NULL;
	struct attest_change_stats cs;
	struct monitor_deltas dd = {0};
	json_t *alerts = NULL;
	time_t started = time(NULL);
	attest_rc rc;

	core_log(m->ctx, ATTEST_LOG_INFO, "full re-collection (--interval)");
	if ((rc = monitor_collect(m, NULL, 0, NULL, &fresh)) != ATTEST_OK) {
		monitor_collection_failed(m, attest_ctx_errmsg(m->ctx));
		m->last_full = started; /* try again at the next interval */
		return ATTEST_OK;
	}
	if ((rc = attest_inventory_begin(m->inv, "re-collection")) != ATTEST_OK)
		goto out;
	if ((rc = refresh_all(m, fresh)) != ATTEST_OK ||
	    (rc = attest_evaluate_changes(m->inv, m->lib, monitor_keep_delta, &dd, &cs)) !=
		    ATTEST_OK ||
	    (rc = monitor_alerts_of(m, NULL, &dd, NULL, 0, &alerts)) != ATTEST_OK) {
		attest_inventory_rollback(m->inv);
		goto out;
	}
	if ((rc = attest_inventory_commit(m->inv)) != ATTEST_OK ||
	    (rc = monitor_snapshot(m)) != ATTEST_OK)
		goto out;
	if (alerts && alert_enqueue(m->store, alerts, time(NULL)) != ATTEST_OK)
		core_log(m->ctx, ATTEST_LOG_WARN,
			 "cannot queue the alerts of the re-collection: %s",
			 attest_ctx_errmsg(m->ctx));
	else
		m->st->alerts_queued += json_array_size(alerts);
	m->st->drifts++;
	m->last_full = started;
	core_log(m->ctx, ATTEST_LOG_INFO,
		 "full re-collection: %lld resources changed, %zu findings moved", cs.resources,
		 dd.n);
out:
	monitor_deltas_free(&dd);
	json_decref(alerts);
	attest_inventory_free(fresh);
	return rc;
}

static void
deliver(struct monitor *m)
{
	struct alert_stats as = {0};

	if (!m->rules)
		return;
	if (alert_deliver(m->rules, m->store, time(NULL), &as) != ATTEST_OK) {
		core_log(m->ctx, ATTEST_LOG_WARN, "alert delivery: %s", attest_ctx_errmsg(m->ctx));
		return;
	}
	m->st->alerts_sent += (unsigned long)as.alerts_sent;
	m->st->alerts_pending = (unsigned long)as.pending;
}

static void
status(struct monitor *m, time_t *last)
{
	struct aws_sqs_queue_lag lag;
	long every = m->o->status_every > 0 ? m->o->status_every : 60;

	if (!m->o->on_status || time(NULL) - *last < every)
		return;
	*last = time(NULL);
	m->st->queue_visible = m->st->queue_in_flight = -1;
	if (aws_sqs_queue_lag(m->client, m->o->queue_url, &lag) == ATTEST_OK) {
		m->st->queue_visible = lag.visible;
		m->st->queue_in_flight = lag.in_flight;
	}
	m->o->on_status(m->o->data, m->st);
}

/* Exceptions that lapsed since the rules last ran, when no event ran them. */
static void
lapsed_exceptions(struct monitor *m)
{
	struct monitor_deltas none = {0};
	json_t *alerts = NULL;

	if (!m->rules)
		return;
	if (monitor_alerts_of(m, NULL, &none, NULL, 0, &alerts) != ATTEST_OK ||
	    (json_array_size(alerts) && alert_enqueue(m->store, alerts, time(NULL)) != ATTEST_OK))
		core_log(m->ctx, ATTEST_LOG_WARN, "cannot queue the lapsed exceptions' alerts: %s",
			 attest_ctx_errmsg(m->ctx));
	else
		m->st->alerts_queued += json_array_size(alerts);
	json_decref(alerts);
}

/* Periodic work between receives: reload, drift, snapshot, delivery. */
static attest_rc
housekeeping(struct monitor *m)
{
	time_t now = time(NULL);
	attest_rc rc = ATTEST_OK;

	if (m->o->reload && *m->o->reload && m->o->on_reload) {
		*m->o->reload = 0;
		if (m->o->on_reload(m->o->data, &m->rules) != ATTEST_OK)
			core_log(m->ctx, ATTEST_LOG_WARN, "rules not reloaded: %s",
				 attest_ctx_errmsg(m->ctx));
	}
	if (m->o->interval > 0 && now - m->last_full >= m->o->interval)
		rc = drift(m);
	else if (now - m->last_snapshot >= m->o->snapshot_every)
		rc = monitor_snapshot(m);
	lapsed_exceptions(m);
	deliver(m);
	return rc;
}

static attest_rc
receive_round(struct monitor *m, bool *empty)
{
	struct aws_sqs_message *msgs = NULL;
	size_t n = 0, i;
	attest_rc rc;

	*empty = false;
	rc = aws_sqs_receive(m->client, m->o->queue_url, 10, m->o->wait_s, m->o->visibility_s,
			     &msgs, &n);
	if (rc != ATTEST_OK) {
		core_log(m->ctx, ATTEST_LOG_WARN, "receiving from the queue: %s",
			 attest_ctx_errmsg(m->ctx));
		monitor_collection_failed(m, attest_ctx_errmsg(m->ctx));
		return ATTEST_OK; /* retried with the next round */
	}
	*empty = n == 0;
	if (n && !(m->o->stop && *m->o->stop)) {
		if (n > 1)
			monitor_prefetch(m, msgs, n);
		rc = monitor_process_batch(m, msgs, n);
		monitor_prefetch_clear(m);
		/* What was stored (or is a dead letter) goes; a message left
		 * because of a fatal error comes back after its timeout. */
		monitor_delete_done(m);
		deliver(m);
	} else {
		/* Stopping: received, not started, back to the queue at once. */
		for (i = 0; i < n; i++)
			aws_sqs_change_visibility(m->client, m->o->queue_url, msgs[i].receipt, 0);
	}
	aws_sqs_messages_free(msgs, n);
	return rc;
}

attest_rc
monitor_run(attest_ctx *ctx, attest_library *lib, attest_store *store, const struct monitor_opts *o,
	    struct monitor_status *st)
{
	struct aws_client_opts co = {0};
	struct monitor m = {0};
	time_t last_status = time(NULL);
	bool empty = false;
	attest_rc rc;

	memset(st, 0, sizeof(*st));
	m.ctx = ctx;
	m.lib = lib;
	m.store = store;
	m.o = o;
	m.st = st;
	m.rules = o->rules;
	co.profile = o->profile;
	co.role_arn = o->role_arn;
	co.external_id = o->external_id;
	if ((rc = aws_client_new(ctx, &co, &m.client)) != ATTEST_OK)
		return rc;
	if ((rc = monitor_state_init(&m)) != ATTEST_OK)
		goto out;
	deliver(&m);
	while (!(o->stop && *o->stop)) {
		if ((rc = housekeeping(&m)) != ATTEST_OK ||
		    (rc = receive_round(&m, &empty)) != ATTEST_OK)
			break;
		status(&m, &last_status);
		if (empty && o->once)
			break;
	}
	if (rc == ATTEST_OK)
		deliver(&m);
	if (o->on_status)
		o->on_status(o->data, st);
out:
	attest_inventory_free(m.inv);
	aws_client_free(m.client);
	return rc;
}
