/*
 * One receive of attest watch (up to 10 messages), from the bodies to their
 * deletion. The events a receive brings are applied to the kept inventory
 * in one change set and re-evaluated once; each finding that moved is
 * given to the event that caused it (the last event naming its resource,
 * else the last one touching a type its check reads), and each event is
 * stored with its deltas and alerts in its own history transaction. The
 * inventory is committed after the history, and the messages are deleted
 * after both: a crash at any point loses nothing (a message comes back)
 * and stores nothing twice (its event's key is then in the history).
 */
#include "config.h"

#include "collect/aws/client.h"
#include "engine/library_int.h"
#include "monitor/alert.h"
#include "monitor/event.h"
#include "monitor/watch.h"

#include <stdlib.h>
#include <string.h>

/* A message received this many times without being stored is a poison
 * message: recorded as a dead letter and deleted. */
#define POISON_RECEIVES 5

struct item {
	const struct aws_sqs_message *msg;
	struct event ev;
	bool seen, failed;
	long touched;
	struct monitor_deltas ds;
};

/* Parses msg into it; false when the message was dealt with already (a
 * dead letter, an event the table ignores). */
static bool
take(struct monitor *m, const struct aws_sqs_message *msg, struct item *it, attest_rc *rc)
{
	memset(it, 0, sizeof(*it));
	it->msg = msg;
	m->st->received++;
	if (msg->sent_at)
		m->st->lag_s = (long)(time(NULL) - msg->sent_at);
	*rc = event_parse(m->o->events, msg->body, msg->body_len, &it->ev);
	if (*rc == ATTEST_ERR_NOMEM)
		return false;
	if (*rc != ATTEST_OK) {
		monitor_dead_letter(m, msg, attest_ctx_errmsg(m->ctx));
		monitor_delete_message(m, msg);
		*rc = ATTEST_OK;
		return false;
	}
	if (it->ev.n_res == 0) {
		m->st->ignored++;
		core_log(m->ctx, ATTEST_LOG_DEBUG, "ignored event %s: %s %s%s",
			 it->ev.key ? it->ev.key : msg->id, it->ev.source ? it->ev.source : "?",
			 it->ev.name ? it->ev.name : "?",
			 it->ev.error_code ? " (a failed call)" : "");
		event_clear(&it->ev);
		monitor_delete_message(m, msg);
		return false;
	}
	*rc = attest_store_event_seen(m->store, it->ev.key, &it->seen);
	if (*rc != ATTEST_OK)
		event_clear(&it->ev);
	return *rc == ATTEST_OK;
}

/* An event that could not be applied (a failed S3 read or re-collection)
 * comes back after its visibility timeout, until it is a poison message. */
static void
not_applied(struct monitor *m, struct item *it)
{
	it->failed = true;
	if (it->msg->receive_count >= POISON_RECEIVES) {
		monitor_dead_letter(m, it->msg, attest_ctx_errmsg(m->ctx));
		monitor_delete_message(m, it->msg);
		return;
	}
	core_log(m->ctx, ATTEST_LOG_WARN, "event %s not applied yet (try %ld): %s", it->ev.key,
		 it->msg->receive_count, attest_ctx_errmsg(m->ctx));
	monitor_collection_failed(m, attest_ctx_errmsg(m->ctx));
}

static bool
names(const struct event *ev, const struct attest_delta *d)
{
	size_t i;

	for (i = 0; i < ev->n_res; i++) {
		const struct event_resource *r = &ev->res[i];

		if (d->resource_type && strcmp(r->type, d->resource_type) == 0 &&
		    ((r->id && d->resource_id && strcmp(r->id, d->resource_id) == 0) ||
		     (r->arn && d->arn && strcmp(r->arn, d->arn) == 0) || (!r->id && !r->arn)))
			return true;
	}
	return false;
}

static bool
reads(const struct event *ev, const struct check *c)
{
	size_t i, j;

	for (i = 0; c && i < ev->n_res; i++) {
		if (strcmp(ev->res[i].type, c->resource_type) == 0)
			return true;
		for (j = 0; j < c->n_requires; j++)
			if (strcmp(ev->res[i].type, c->requires[j]) == 0)
				return true;
	}
	return false;
}

/* The event a delta is given to: the last one (new events before those
 * already stored) naming its resource, else touching a type its check
 * reads, else the last one applied. */
static struct item *
owner(struct monitor *m, struct item *items, size_t n, const struct attest_delta *d)
{
	const struct check *c = lib_find_check(m->lib, d->check_id);
	struct item *fallback = NULL;
	size_t pass, i;

	for (pass = 0; pass < 4; pass++)
		for (i = n; i-- > 0;) {
			struct item *it = &items[i];

			if (it->failed || it->seen != (pass % 2 == 1))
				continue;
			if (!fallback)
				fallback = it;
			if (pass < 2 ? names(&it->ev, d) : reads(&it->ev, c))
				return it;
		}
	return fallback;
}

/* Applies every item, re-evaluates once, gives each delta its event. */
static attest_rc
apply_all(struct monitor *m, struct item *items, size_t n, struct attest_change_stats *cs)
{
	struct monitor_deltas all = {0};
	struct item *it;
	size_t i;
	attest_rc rc = ATTEST_OK;

	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		rc = monitor_apply(m, &items[i].ev, &items[i].touched);
		if (rc != ATTEST_OK && rc != ATTEST_ERR_DB && rc != ATTEST_ERR_NOMEM) {
			not_applied(m, &items[i]);
			rc = ATTEST_OK;
		}
	}
	if (rc == ATTEST_OK)
		rc = attest_evaluate_changes(m->inv, m->lib, monitor_keep_delta, &all, cs);
	for (i = 0; rc == ATTEST_OK && i < all.n; i++)
		if ((it = owner(m, items, n, &all.d[i])))
			rc = monitor_keep_delta(&it->ds, &all.d[i]);
	monitor_deltas_free(&all);
	return rc;
}

/* Stores each new event with its deltas and alerts; the scores' moves go
 * with the last one. */
static attest_rc
store_all(struct monitor *m, struct item *items, size_t n, const struct alert_score *scores,
	  size_t n_scores)
{
	struct attest_watch_event w;
	json_t *alerts;
	size_t i, last = n;
	attest_rc rc = ATTEST_OK;

	for (i = 0; i < n; i++)
		if (!items[i].failed && !items[i].seen)
			last = i;
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		if (items[i].failed || items[i].seen)
			continue;
		alerts = NULL;
		monitor_watch_event(m, &items[i].ev, items[i].msg, items[i].touched, &w);
		if ((rc = monitor_alerts_of(m, &w, &items[i].ds, i == last ? scores : NULL,
					    i == last ? n_scores : 0, &alerts)) == ATTEST_OK)
			rc = monitor_store_event(m, &w, &items[i].ds, alerts);
		json_decref(alerts);
	}
	return rc;
}

static void
report(struct monitor *m, struct item *items, size_t n, const struct attest_change_stats *cs)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct item *it = &items[i];

		if (it->failed)
			continue;
		if (it->seen) {
			m->st->duplicates++;
		} else {
			m->st->applied++;
			m->st->deltas += it->ds.n;
			if (m->o->ocsf && it->ds.n)
				monitor_write_ocsf(m, &it->ev, &it->ds);
		}
		core_log(m->ctx, ATTEST_LOG_INFO,
			 "event %s (%s %s by %s): %ld resources, %zu findings changed%s",
			 it->ev.key, it->ev.source, it->ev.name,
			 it->ev.actor ? it->ev.actor : "unknown", it->touched, it->ds.n,
			 it->seen ? " (already stored: not stored again)" : "");
		monitor_delete_message(m, it->msg);
	}
	core_log(m->ctx, ATTEST_LOG_DEBUG, "%zu events re-evaluated together: %zu checks re-run", n,
		 cs->checks);
}

attest_rc
monitor_process_batch(struct monitor *m, const struct aws_sqs_message *msgs, size_t n)
{
	struct alert_score scores[64] = {{0}};
	char fw_names[64][64];
	struct attest_change_stats cs = {0};
	struct item *items = calloc(n ? n : 1, sizeof(*items));
	size_t i, k = 0, n_scores;
	attest_rc rc = ATTEST_OK;

	if (!items)
		return core_nomem(m->ctx);
	for (i = 0; i < n && rc == ATTEST_OK; i++)
		if (take(m, &msgs[i], &items[k], &rc))
			k++;
	if (rc != ATTEST_OK || k == 0)
		goto out;
	if ((rc = attest_inventory_begin(m->inv, "events")) != ATTEST_OK)
		goto out;
	n_scores = monitor_read_scores(m, scores, fw_names, 64, false);
	if ((rc = apply_all(m, items, k, &cs)) != ATTEST_OK) {
		attest_inventory_rollback(m->inv);
		goto out;
	}
	monitor_read_scores(m, scores, fw_names, 64, true);
	/* The history first: a crash after it leaves events whose key is
	 * stored and an inventory without them, which the next start replaces
	 * (state.c collects anew when events follow the latest scan). */
	if ((rc = store_all(m, items, k, scores, n_scores)) != ATTEST_OK) {
		attest_inventory_rollback(m->inv);
		goto out;
	}
	if ((rc = attest_inventory_commit(m->inv)) != ATTEST_OK)
		goto out;
	report(m, items, k, &cs);
out:
	for (i = 0; i < k; i++) {
		event_clear(&items[i].ev);
		monitor_deltas_free(&items[i].ds);
	}
	free(items);
	return rc;
}
