/*
 * One SQS message of attest watch, from its body to its deletion: parse the
 * event, apply it to the kept inventory, re-evaluate what it touched, store
 * the delta and its alerts in one history transaction, commit the
 * inventory, then delete the message. The order makes a crash at any point
 * safe: before the history commit nothing was stored and the message comes
 * back; after it, the event's key is in the history and the message, when
 * it comes back, is applied to the inventory again but stores nothing.
 */
#include "config.h"

#include "collect/aws/client.h"
#include "engine/engine_int.h"
#include "engine/library_int.h"
#include "inventory/inventory_int.h"
#include "monitor/alert.h"
#include "monitor/event.h"
#include "monitor/watch.h"
#include "report/ocsf.h"

#include <stdlib.h>
#include <string.h>

/* A message received this many times without being stored is a poison
 * message: recorded as a dead letter and deleted. */
#define POISON_RECEIVES 5

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

attest_rc
monitor_keep_delta(void *data, const struct attest_delta *d)
{
	struct monitor_deltas *ds = data;
	struct attest_delta *c;

	if (ds->n == ds->cap) {
		size_t cap = ds->cap ? ds->cap * 2 : 16;
		void *p = realloc(ds->d, cap * sizeof(*ds->d));

		if (!p)
			return ATTEST_ERR_NOMEM;
		ds->d = p;
		ds->cap = cap;
	}
	c = &ds->d[ds->n++];
	c->check_id = dup_or_null(d->check_id);
	c->severity = dup_or_null(d->severity);
	c->resource_type = dup_or_null(d->resource_type);
	c->resource_id = dup_or_null(d->resource_id);
	c->arn = dup_or_null(d->arn);
	c->region = dup_or_null(d->region);
	c->account = dup_or_null(d->account);
	c->old_status = dup_or_null(d->old_status);
	c->new_status = dup_or_null(d->new_status);
	c->reason = dup_or_null(d->reason);
	c->evidence = dup_or_null(d->evidence);
	if (!c->check_id || (d->evidence && !c->evidence) || (d->reason && !c->reason))
		return ATTEST_ERR_NOMEM;
	return ATTEST_OK;
}

void
monitor_deltas_free(struct monitor_deltas *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		const char **f[] = {
			&ds->d[i].check_id,    &ds->d[i].severity,   &ds->d[i].resource_type,
			&ds->d[i].resource_id, &ds->d[i].arn,        &ds->d[i].region,
			&ds->d[i].account,     &ds->d[i].old_status, &ds->d[i].new_status,
			&ds->d[i].reason,      &ds->d[i].evidence};
		size_t j;

		for (j = 0; j < sizeof(f) / sizeof(*f); j++)
			free((char *)*f[j]);
	}
	free(ds->d);
	memset(ds, 0, sizeof(*ds));
}

/* The frameworks' scores in the kept inventory, into s[] (at most max). */
size_t
monitor_read_scores(struct monitor *m, struct alert_score *s, char names[][64], size_t max,
		    bool after)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0, i;

	if (sqlite3_prepare_v2(inventory_db(m->inv), "SELECT framework, score FROM fw ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < max) {
		const char *fw = (const char *)sqlite3_column_text(st, 0);
		bool has = sqlite3_column_type(st, 1) != SQLITE_NULL;
		double v = sqlite3_column_double(st, 1);

		if (!after) {
			snprintf(names[n], 64, "%s", fw);
			s[n].framework = names[n];
			s[n].has_score = has;
			s[n].score_before = v;
			s[n].score_after = v;
			n++;
			continue;
		}
		for (i = 0; i < max && s[i].framework; i++)
			if (strcmp(s[i].framework, fw) == 0) {
				s[i].has_score = s[i].has_score && has;
				s[i].score_after = v;
			}
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

/* The exceptions in force in the kept inventory, for the exception-lapsed
 * rule: at most max, their strings in text (lent until the next call). */
static size_t
read_exceptions(struct monitor *m, struct alert_exception *e, char text[][3][128], size_t max)
{
	sqlite3_stmt *st = NULL;
	struct xs_date d;
	size_t n = 0;
	int i;

	if (sqlite3_prepare_v2(inventory_db(m->inv),
			       "SELECT exception_id, check_id, expires FROM exc WHERE active"
			       " ORDER BY exception_id",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		if (!xs_date_parse((const char *)sqlite3_column_text(st, 2), &d))
			continue;
		for (i = 0; i < 3; i++)
			snprintf(text[n][i], sizeof(text[n][i]), "%s",
				 (const char *)sqlite3_column_text(st, i));
		e[n].id = text[n][0];
		e[n].check_id = text[n][1];
		e[n].expires = text[n][2];
		e[n].expires_at = (time_t)xs_date_end(&d);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

/* The event as the history stores it. */
void
monitor_watch_event(const struct monitor *m, const struct event *ev,
		    const struct aws_sqs_message *msg, long touched, struct attest_watch_event *w)
{
	memset(w, 0, sizeof(*w));
	w->key = ev->key;
	w->message_id = msg->id;
	w->base_scan_id = m->st->base_scan;
	w->source = ev->source;
	w->name = ev->name;
	w->actor = ev->actor;
	w->actor_type = ev->actor_type;
	w->source_ip = ev->source_ip;
	w->user_agent = ev->user_agent;
	w->account = ev->account;
	w->region = ev->region;
	w->event_time = ev->time;
	w->received_at = time(NULL);
	w->resources = touched;
}

/* Writes the OCSF event of every delta (status moved) to o->ocsf. */
void
monitor_write_ocsf(struct monitor *m, const struct event *ev, const struct monitor_deltas *ds)
{
	json_t *cause = json_pack("{s:s?, s:s?, s:s?, s:s?}", "event_key", ev->key, "source",
				  ev->source, "name", ev->name, "actor", ev->actor);
	size_t i;

	for (i = 0; i < ds->n; i++) {
		const struct attest_delta *d = &ds->d[i];
		const struct check *c = lib_find_check(m->lib, d->check_id);
		struct report_ocsf_finding f = {0};
		json_t *evidence = d->evidence ? json_loads(d->evidence, 0, NULL) : NULL;

		f.check_id = d->check_id;
		f.title = c ? c->title : NULL;
		f.rationale = c ? c->rationale : NULL;
		f.service = c ? c->service : NULL;
		f.severity = d->severity;
		f.status = d->new_status ? d->new_status : d->old_status;
		f.previous_status = d->old_status;
		f.activity = !d->old_status   ? REPORT_OCSF_CREATE
			     : !d->new_status ? REPORT_OCSF_CLOSE
					      : REPORT_OCSF_UPDATE;
		f.resource_type = d->resource_type;
		f.resource_id = d->resource_id;
		f.arn = d->arn;
		f.region = d->region;
		f.account = d->account;
		f.reason = d->reason;
		f.evidence = evidence;
		f.event_uid = ev->key;
		f.time = time(NULL);
		f.cause = cause;
		f.redact = true;
		report_ocsf_write(m->ctx, &f, m->o->ocsf);
		json_decref(evidence);
	}
	if (fflush(m->o->ocsf) != 0 || ferror(m->o->ocsf))
		core_log(m->ctx, ATTEST_LOG_WARN,
			 "cannot write the OCSF events of event %s to '%s' (the deltas are stored: "
			 "'attest history --changes' lists them)",
			 ev->key, m->o->ocsf_name ? m->o->ocsf_name : "--ocsf");
	json_decref(cause);
}

attest_rc
monitor_alerts_of(struct monitor *m, const struct attest_watch_event *w,
		  const struct monitor_deltas *ds, const struct alert_score *scores,
		  size_t n_scores, json_t **out)
{
	struct alert_input in = {0};
	struct alert_exception exc[64];
	char text[64][3][128];
	attest_rc rc;

	*out = NULL;
	if (!m->rules)
		return ATTEST_OK;
	in.exceptions = exc;
	in.n_exceptions = read_exceptions(m, exc, text, 64);
	in.previous = m->last_alerted;
	in.event = w; /* NULL: a full re-collection */
	in.deltas = ds->d;
	in.n_deltas = ds->n;
	in.scores = scores;
	in.n_scores = n_scores;
	in.now = time(NULL);
	in.lib = m->lib;
	rc = alert_evaluate(m->rules, &in, out);
	if (rc == ATTEST_OK)
		m->last_alerted = in.now;
	return rc;
}

/* Stores the event, its deltas and alerts in one history transaction. */
attest_rc
monitor_store_event(struct monitor *m, const struct attest_watch_event *w,
		    const struct monitor_deltas *ds, const json_t *alerts)
{
	const char **payloads = NULL, **channels = NULL;
	char **texts = NULL;
	size_t i, n = json_array_size(alerts);
	attest_rc rc = ATTEST_OK;

	if (n) {
		payloads = calloc(n, sizeof(*payloads));
		channels = calloc(n, sizeof(*channels));
		texts = calloc(n, sizeof(*texts));
		if (!payloads || !channels || !texts)
			rc = core_nomem(m->ctx);
	}
	for (i = 0; rc == ATTEST_OK && i < n; i++) {
		const json_t *a = json_array_get(alerts, i);

		channels[i] = json_string_value(json_object_get(a, "channel"));
		texts[i] = json_dumps(json_object_get(a, "payload"), JSON_COMPACT);
		payloads[i] = texts[i];
		if (!texts[i] || !channels[i])
			rc = core_nomem(m->ctx);
	}
	if (rc == ATTEST_OK)
		rc = attest_store_save_delta(m->store, w, ds->d, ds->n, payloads, channels, n);
	for (i = 0; texts && i < n; i++)
		free(texts[i]);
	free(texts);
	free(payloads);
	free(channels);
	if (rc == ATTEST_OK)
		m->st->alerts_queued += n;
	return rc;
}

void
monitor_dead_letter(struct monitor *m, const struct aws_sqs_message *msg, const char *reason)
{
	char sha[65] = "";

	core_sha256_hex(msg->body, msg->body_len, sha);
	if (attest_store_dead_letter(m->store, msg->id, time(NULL), reason, sha) != ATTEST_OK)
		core_log(m->ctx, ATTEST_LOG_WARN, "cannot record dead letter %s: %s", msg->id,
			 attest_ctx_errmsg(m->ctx));
	core_log(m->ctx, ATTEST_LOG_WARN, "message %s is a dead letter: %s", msg->id, reason);
	m->st->dead++;
}

/* The message is done with: deleted with the others of its receive, once
 * they are all processed (monitor_delete_done). */
void
monitor_delete_message(struct monitor *m, const struct aws_sqs_message *msg)
{
	if (m->n_done < sizeof(m->done) / sizeof(*m->done))
		m->done[m->n_done++] = msg;
	else if (aws_sqs_delete(m->client, m->o->queue_url, msg->receipt) != ATTEST_OK)
		core_log(m->ctx, ATTEST_LOG_WARN, "cannot delete message %s: %s", msg->id,
			 attest_ctx_errmsg(m->ctx));
}

void
monitor_delete_done(struct monitor *m)
{
	const char *receipts[10];
	bool deleted[10];
	size_t i;
	attest_rc rc;

	if (m->n_done == 0)
		return;
	for (i = 0; i < m->n_done; i++)
		receipts[i] = m->done[i]->receipt;
	rc = aws_sqs_delete_batch(m->client, m->o->queue_url, receipts, m->n_done, deleted);
	for (i = 0; i < m->n_done; i++)
		if (rc != ATTEST_OK || !deleted[i])
			core_log(m->ctx, ATTEST_LOG_WARN,
				 "cannot delete message %s (it will come back and be recognised "
				 "as already applied)%s%s",
				 m->done[i]->id, rc != ATTEST_OK ? ": " : "",
				 rc != ATTEST_OK ? attest_ctx_errmsg(m->ctx) : "");
	m->n_done = 0;
}
