/*
 * Delivering the alert outbox (alert_deliver in alert.h). Due rows are read
 * channel by channel, by creation time (at most DELIVER_MAX_ROWS of each per
 * call); rows of one channel created within the group window of a
 * message's first row travel together, up to max_alerts rows. A channel sends at most
 * rate_per_minute messages in any 60 seconds (counted in memory, per rule set): the rest stay due
 * and go on a later call. A failed message leaves its rows in the outbox with one more attempt and
 * the next one after exponential backoff (base, doubling, up to the cap); nothing is dropped,
 * whatever the error.
 */
#include "config.h"

#include "alert_int.h"
#include "store/outbox.h"

#include <stdlib.h>
#include <string.h>

/* Rows read per call: memory stays bounded whatever the outbox holds. */
#define DELIVER_MAX_ROWS 1000

struct due {
	long long id;
	time_t created;
	long attempts;
	char *channel;
	json_t *payload; /* NULL when the stored text is not an alert payload */
};

struct due_list {
	struct due *rows;
	size_t n;
	bool nomem;
};

static void
collect(void *data, const struct store_outbox_row *row)
{
	struct due_list *l = data;
	struct due *d;
	json_t *doc;

	if (l->nomem)
		return;
	d = &l->rows[l->n];
	d->id = row->id;
	d->created = row->created_at;
	d->attempts = row->attempts;
	doc = json_loads(row->payload, 0, NULL);
	if (doc && !json_is_array(json_object_get(doc, "alerts"))) {
		json_decref(doc);
		doc = NULL;
	}
	d->payload = doc;
	if (!(d->channel = core_strdup(row->channel))) {
		json_decref(doc);
		l->nomem = true;
		return;
	}
	l->n++;
}

/* The wait before the next attempt of rows that failed `attempts` times. */
static time_t
backoff(const struct alert_delivery *d, long attempts)
{
	long wait = d->retry_base_s > 0 ? d->retry_base_s : 1;
	long i;

	for (i = 1; i < attempts && wait < d->retry_cap_s; i++)
		wait *= 2;
	return wait > d->retry_cap_s ? d->retry_cap_s : wait;
}

/* Whether ch may send a message at now; the ring of send times follows
 * the rate setting when it changes. */
static bool
rate_allows(struct alert_rules *rules, struct alert_channel *ch, time_t now, bool *nomem)
{
	size_t want =
		(size_t)(rules->delivery.rate_per_minute > 0 ? rules->delivery.rate_per_minute : 1);
	time_t oldest;

	if (ch->n_sent != want) {
		free(ch->sent);
		ch->sent_next = 0;
		ch->n_sent = 0;
		if (!(ch->sent = calloc(want, sizeof(time_t)))) {
			*nomem = true;
			return false;
		}
		ch->n_sent = want;
	}
	oldest = ch->sent[ch->sent_next];
	return oldest == 0 || now - oldest >= 60;
}

static void
rate_record(struct alert_channel *ch, time_t now)
{
	ch->sent[ch->sent_next] = now;
	ch->sent_next = (ch->sent_next + 1) % ch->n_sent;
}

/* Sends one message of ch; ATTEST_OK when the channel accepted it. */
static attest_rc
send_message(struct alert_rules *rules, const struct alert_channel *ch, const json_t *payload,
	     time_t now, char *err, size_t errsz)
{
	char *body;
	attest_rc rc;

	switch (ch->type) {
	case ALERT_WEBHOOK:
		if (!(body = json_dumps(payload, JSON_COMPACT))) {
			snprintf(err, errsz, "out of memory");
			return ATTEST_ERR_NOMEM;
		}
		rc = alert_webhook_send(rules, ch, body, err, errsz);
		free(body);
		return rc;
	case ALERT_EMAIL:
		return alert_smtp_send(rules, ch, payload, now, err, errsz);
	case ALERT_SNS:
		return alert_sns_send(rules, ch, payload, err, errsz);
	}
	snprintf(err, errsz, "a channel of an unknown type");
	return ATTEST_ERR_INTERNAL;
}

/* Marks rows [i, j) failed at now with err; logs it. */
static attest_rc
failed(struct alert_rules *rules, attest_store *store, struct due *rows, size_t i, size_t j,
       time_t now, const char *err, struct alert_stats *st)
{
	long long ids[DELIVER_MAX_ROWS];
	long attempts = 0;
	char at[21];
	size_t k;

	for (k = i; k < j; k++) {
		ids[k - i] = rows[k].id;
		if (rows[k].attempts > attempts)
			attempts = rows[k].attempts;
	}
	attempts++;
	core_time_iso(now + backoff(&rules->delivery, attempts), at);
	core_log(
		rules->ctx, ATTEST_LOG_WARN,
		"alerts not delivered: channel '%s', %zu outbox row%s, attempt %ld, next at %s: %s",
		rows[i].channel, j - i, j - i == 1 ? "" : "s", attempts, at, err);
	st->messages_failed++;
	st->alerts_failed += (long)(j - i);
	return store_outbox_failed(store, ids, j - i, now + backoff(&rules->delivery, attempts),
				   err);
}

/* Sends rows [i, j) of one channel as one message and records the outcome. */
static attest_rc
deliver_group(struct alert_rules *rules, attest_store *store, struct alert_channel *ch,
	      struct due *rows, size_t i, size_t j, time_t now, struct alert_stats *st)
{
	json_t *docs[DELIVER_MAX_ROWS], *merged;
	long long ids[DELIVER_MAX_ROWS];
	char err[512] = "";
	size_t k;
	attest_rc rc;

	for (k = i; k < j; k++) {
		docs[k - i] = rows[k].payload;
		ids[k - i] = rows[k].id;
	}
	if (!(merged = alert_payload_merge(docs, j - i)))
		return core_nomem(rules->ctx);
	rate_record(ch, now);
	if (send_message(rules, ch, merged, now, err, sizeof(err)) != ATTEST_OK) {
		json_decref(merged);
		return failed(rules, store, rows, i, j, now, err, st);
	}
	alert_payload_log(rules->ctx, ATTEST_LOG_INFO, "alert delivered", ch->name, merged);
	json_decref(merged);
	st->messages_sent++;
	st->alerts_sent += (long)(j - i);
	if ((rc = store_outbox_delivered(store, ids, j - i, now)) != ATTEST_OK)
		core_error_prefix(rules->ctx,
				  "channel '%s' accepted alerts the outbox cannot mark "
				  "delivered (they will be sent again)",
				  ch->name);
	return rc;
}

/* Delivers the rows [s, e) of one channel (all due rows read for it). */
static attest_rc
deliver_channel(struct alert_rules *rules, attest_store *store, struct due *rows, size_t s,
		size_t e, time_t now, struct alert_stats *st)
{
	struct alert_channel *ch = alert_channel_find(rules, rows[s].channel);
	size_t i = s, j,
	       max = (size_t)(rules->delivery.max_alerts > 0 ? rules->delivery.max_alerts : 1);
	bool nomem = false;
	size_t alerts;
	char err[256];
	attest_rc rc = ATTEST_OK;

	if (!ch) {
		snprintf(err, sizeof(err), "no channel is called '%s' in the alert rules",
			 rows[s].channel);
		return failed(rules, store, rows, s, e, now, err, st);
	}
	while (i < e && rc == ATTEST_OK) {
		if (!rows[i].payload) { /* alone, so that it holds no other row back */
			rc = failed(rules, store, rows, i, i + 1, now,
				    "the stored payload is not an alert document", st);
			i++;
			continue;
		}
		/* alerts counted, not rows: a row may hold several */
		alerts = json_array_size(json_object_get(rows[i].payload, "alerts"));
		for (j = i + 1;
		     j < e && rows[j].payload &&
		     rows[j].created - rows[i].created < rules->delivery.group_window_s &&
		     alerts + json_array_size(json_object_get(rows[j].payload, "alerts")) <= max;
		     j++)
			alerts += json_array_size(json_object_get(rows[j].payload, "alerts"));
		if (!rate_allows(rules, ch, now, &nomem)) {
			if (nomem)
				return core_nomem(rules->ctx);
			st->alerts_deferred += (long)(e - i);
			core_log(rules->ctx, ATTEST_LOG_INFO,
				 "channel '%s' reached its rate limit (%d messages a minute): "
				 "%zu outbox row%s wait",
				 ch->name, rules->delivery.rate_per_minute, e - i,
				 e - i == 1 ? "" : "s");
			break;
		}
		rc = deliver_group(rules, store, ch, rows, i, j, now, st);
		i = j;
	}
	return rc;
}

struct names {
	char **v;
	size_t n, cap;
	bool nomem;
};

static void
add_name(void *data, const char *channel)
{
	struct names *ns = data;
	char **grown;

	if (ns->nomem)
		return;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 8;
		if (!(grown = realloc(ns->v, ns->cap * sizeof(char *)))) {
			ns->nomem = true;
			return;
		}
		ns->v = grown;
	}
	if (!(ns->v[ns->n] = core_strdup(channel)))
		ns->nomem = true;
	else
		ns->n++;
}

static void
clear_rows(struct due_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->rows[i].channel);
		json_decref(l->rows[i].payload);
	}
	l->n = 0;
}

attest_rc
alert_deliver(struct alert_rules *rules, attest_store *store, time_t now, struct alert_stats *stats)
{
	struct alert_stats local;
	struct due_list l = {NULL, 0, false};
	struct names ns = {NULL, 0, 0, false};
	size_t c;
	attest_rc rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (!(l.rows = calloc(DELIVER_MAX_ROWS, sizeof(*l.rows))))
		return core_nomem(rules->ctx);
	/* channel by channel, so that one channel's backlog never hides
	 * another's rows */
	rc = store_outbox_due_channels(store, now, add_name, &ns);
	if (rc == ATTEST_OK && ns.nomem)
		rc = core_nomem(rules->ctx);
	for (c = 0; rc == ATTEST_OK && c < ns.n; c++) {
		rc = store_outbox_due(store, ns.v[c], now, DELIVER_MAX_ROWS, collect, &l);
		if (rc == ATTEST_OK && l.nomem)
			rc = core_nomem(rules->ctx);
		if (rc == ATTEST_OK && l.n > 0)
			rc = deliver_channel(rules, store, l.rows, 0, l.n, now, stats);
		clear_rows(&l);
	}
	if (rc == ATTEST_OK)
		rc = store_outbox_pending(store, &stats->pending, &stats->oldest_pending);
	for (c = 0; c < ns.n; c++)
		free(ns.v[c]);
	free(ns.v);
	free(l.rows);
	return rc;
}
