/*
 * Alerts of attest watch (doc/alerts.md): rules that decide which changes
 * deserve an alert, the JSON payload of an alert, and its delivery through
 * named channels (webhook, email over SMTP, Amazon SNS) from the outbox of
 * the history database (store/outbox.h), retried with backoff, grouped and
 * rate-limited per channel.
 *
 * How attest watch uses it:
 *   1. rules: alert_rules_load() for a rules file and/or alert_rules_new()
 *      then alert_rules_add_flags() for the command-line flags (both may be
 *      combined on one set; SIGHUP: load a new set, swap, free the old);
 *   2. per event: alert_evaluate() on the event's deltas, score changes and
 *      collection errors gives the alerts as {channel, payload}; the payloads
 *      go into the outbox in the same transaction as the deltas
 *      (attest_store_save_delta's alert_payloads/alert_channels, or
 *      alert_enqueue() inside the caller's transaction);
 *   3. after the commit, and then periodically: alert_deliver().
 *
 * Secrets: a payload never carries evidence (the configuration a finding
 * was judged on); reasons and error messages go through the store's
 * redaction (store_redact_text) before they enter a payload. Endpoints and
 * credentials are read from the rules and the environment at delivery time
 * and never enter the outbox, the log or an error message (a webhook URL
 * can itself be a secret: Slack's are).
 *
 * Ownership: a struct alert_rules belongs to the caller (alert_rules_free);
 * inputs are only read; *out arrays are the caller's (json_decref). The
 * rules keep the context they were made with, for errors and the log.
 */
#ifndef ATTEST_MONITOR_ALERT_H
#define ATTEST_MONITOR_ALERT_H

#include "monitor/monitor.h"

struct alert_rules;

/* Delivery settings of a rule set (rules file: <delivery .../>). */
struct alert_delivery {
	int group_window_s;  /* rows of one channel created within this many
				seconds of a message's first row go in that
				message (10) */
	int max_alerts;      /* at most this many alerts in one message (100) */
	int rate_per_minute; /* messages per channel per minute; the rest wait (10) */
	int retry_base_s;    /* first retry after this long, doubling (30) */
	int retry_cap_s;     /* never waiting longer between attempts (3600) */
	int timeout_s;       /* per attempt, connection included (20) */
};

/* What the command line of attest watch says (--alert-*). Every channel
 * the flags name receives every rule the flags make:
 *   newly-failing  at or above severity (default "high");
 *   internet-exposed, exception-lapsed, collection-failed (always);
 *   score-drop     of more than score_drop points (only when has_score_drop),
 *                  on the controls-passing score and on posture.
 * Channels are named cli-webhook-1, cli-email-1, cli-sns-1... in the order
 * given, so outbox rows survive a restart with the same flags. Email needs
 * the SMTP server from the environment: ATTEST_SMTP_URL (smtp://host:port,
 * STARTTLS required, or smtps://host:port), ATTEST_SMTP_FROM, and for
 * authentication ATTEST_SMTP_USER and ATTEST_SMTP_PASSWORD. */
struct alert_flags {
	const char *severity;
	const char *const *webhooks; /* URLs */
	size_t n_webhooks;
	const char *const *emails; /* addresses */
	size_t n_emails;
	const char *const *sns_topics; /* topic ARNs */
	size_t n_sns_topics;
	bool has_score_drop;
	double score_drop;
};

/* An empty rule set (no rule, no channel, default delivery settings). */
attest_rc alert_rules_new(attest_ctx *ctx, struct alert_rules **out);
/* Reads a rules file (doc/alert-rules.xsd, doc/alerts.md) through core's
 * safe XML loader; errors name the file, the line and the element
 * (ATTEST_ERR_PARSE, ATTEST_ERR_INVALID, ATTEST_ERR_IO). Environment
 * variables the file names are read at delivery, not here. */
attest_rc alert_rules_load(attest_ctx *ctx, const char *path, struct alert_rules **out);
/* Adds the rules and channels of the command-line flags (see struct
 * alert_flags); ATTEST_ERR_USAGE for a bad severity, URL or address, after
 * which the set may hold part of the flags' channels: discard it. */
attest_rc alert_rules_add_flags(struct alert_rules *rules, const struct alert_flags *flags);
/* Checks that every framework and check the rules name is installed in
 * lib (a typo would silently keep a rule from ever alerting); call it after
 * loading, with the library the evaluations will use. ATTEST_ERR_INVALID
 * naming the file, the line and the rule. */
attest_rc alert_rules_check(struct alert_rules *rules, const attest_library *lib);
void alert_rules_free(struct alert_rules *rules);
/* The delivery settings, lent; the caller may change them. */
struct alert_delivery *alert_rules_delivery(struct alert_rules *rules);
size_t alert_rules_count(const struct alert_rules *rules);
size_t alert_rules_channel_count(const struct alert_rules *rules);

/* A framework's figures before and after the event (doc/scoring.md). */
struct alert_score {
	const char *framework;
	bool has_score; /* controls fully passing, percent */
	double score_before, score_after;
	bool has_posture; /* severity-weighted pass share, percent */
	double posture_before, posture_after;
};

/* An exception in force for the estate: it lapses at expires_at (the first
 * instant it no longer applies; expires is its date as written). */
struct alert_exception {
	const char *id, *check_id, *expires;
	time_t expires_at;
};

/* Everything one evaluation (one event, or one full re-collection) found. */
struct alert_input {
	/* the cause; NULL for a full re-collection (cause is then null) */
	const struct attest_watch_event *event;
	/* the findings whose status changed (old_status != new_status; rows
	 * with equal statuses are ignored, so a finding that stays failing
	 * never alerts again) */
	const struct attest_delta *deltas;
	size_t n_deltas;
	const struct alert_score *scores;
	size_t n_scores;
	/* exceptions: those with previous < expires_at <= now have lapsed since
	 * the last evaluation (previous 0: the first one, none reported) */
	const struct alert_exception *exceptions;
	size_t n_exceptions;
	time_t previous, now;
	/* collection failures of this evaluation (API errors, a failed
	 * re-collection), as messages; redacted before use */
	const char *const *collection_errors;
	size_t n_collection_errors;
	/* the installed checks and frameworks: a check's exposure flag and the
	 * frameworks that map it. Required when a rule is internet-exposed or
	 * limited to frameworks (ATTEST_ERR_USAGE otherwise). */
	const attest_library *lib;
};

/* The alerts the rules give for in: *out is a new JSON array of
 * {"channel": name, "payload": body}, for each channel with alerts one
 * element per max_alerts of them; body is the webhook body of
 * doc/alerts.md ({"alerts": [...], "text": "..."}). A transition alerts
 * once per channel: the first rule (in file order, then the flags' rules)
 * that matches it and sends to that channel names it. Each alert is also
 * logged (INFO). */
attest_rc alert_evaluate(struct alert_rules *rules, const struct alert_input *in, json_t **out);
/* Puts every element of alerts (alert_evaluate's array) into the outbox of
 * store, created at now, without a transaction of its own. */
attest_rc alert_enqueue(attest_store *store, const json_t *alerts, time_t now);
/* The same elements as texts for attest_store_save_delta(): *payloads (the
 * compact JSON of each payload) and *channels, n strings each, new arrays
 * of new strings (alert_texts_free). */
attest_rc alert_texts(attest_ctx *ctx, const json_t *alerts, char ***payloads, char ***channels,
		      size_t *n);
void alert_texts_free(char **payloads, char **channels, size_t n);

/* What one alert_deliver() call did. */
struct alert_stats {
	long messages_sent;   /* messages a channel accepted */
	long alerts_sent;     /* outbox rows in them */
	long messages_failed; /* attempts that failed (retried later) */
	long alerts_failed;
	long alerts_deferred; /* due rows left for later by a rate limit */
	long long pending;    /* undelivered rows left in the outbox */
	time_t oldest_pending;
};

/* Delivers the outbox rows of store due at `now` (at most 1000 of each
 * channel per call, so memory stays bounded whatever the backlog):
 * groups rows of one channel (struct alert_delivery), sends each group as
 * one message, marks it delivered when the channel accepted it (webhook:
 * a 2xx answer; email: the SMTP server took the message; SNS: a
 * MessageId), else records the failure with the next attempt after
 * exponential backoff (rows of a channel the rules no longer define fail
 * the same way: kept, never dropped). A channel that reached its rate
 * limit leaves its other groups due for a later call. Every alert sent or
 * failed is logged. ATTEST_OK unless the store itself failed; stats (may
 * be NULL) says what happened. */
attest_rc alert_deliver(struct alert_rules *rules, attest_store *store, time_t now,
			struct alert_stats *stats);

#endif
