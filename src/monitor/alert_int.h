/*
 * Inside the alerts of monitor (alert.h): the layout of rules and channels,
 * shared by the rules reader, the evaluation, the payload builder, the
 * delivery loop and the channels. Every string is owned by the struct that
 * holds it.
 */
#ifndef ATTEST_MONITOR_ALERT_INT_H
#define ATTEST_MONITOR_ALERT_INT_H

#include "core/core_int.h"
#include "monitor/alert.h"

enum alert_kind {
	ALERT_NEWLY_FAILING,
	ALERT_INTERNET_EXPOSED,
	ALERT_SCORE_DROP,
	ALERT_EXCEPTION_LAPSED,
	ALERT_COLLECTION_FAILED
};

enum alert_channel_type { ALERT_WEBHOOK, ALERT_EMAIL, ALERT_SNS };

struct alert_channel {
	char *name;
	enum alert_channel_type type;
	/* webhook: the URL, or the environment variable holding it; an extra
	 * header whose value (after prefix) comes from a variable */
	char *url, *url_env, *header, *header_env, *header_prefix;
	/* email: smtp://host:port (STARTTLS required) or smtps://host:port */
	char *smtp_url, *from, *user_env, *password_env;
	char **to;
	size_t n_to;
	char *ca_file; /* webhook and email: trust this CA bundle instead */
	char *topic_arn;
	/* the rate limit: when the last rate_per_minute messages went out,
	 * a ring of n_sent slots (0: free) */
	time_t *sent;
	size_t n_sent, sent_next;
};

struct alert_rule {
	char *name;
	enum alert_kind kind;
	int severity; /* newly-failing: the lowest rank that alerts */
	char **frameworks, **checks;
	size_t n_frameworks, n_checks;
	double points;       /* score-drop: more than this many points */
	bool score, posture; /* score-drop: which figures */
	size_t *channels;    /* indexes into rules->channels */
	size_t n_channels;
	int line; /* of its element in the rules file; 0: from flags */
};

struct aws_client;

struct alert_rules {
	attest_ctx *ctx;
	struct aws_client *aws; /* SNS channels' client, made at the first Publish */
	struct alert_channel *channels;
	size_t n_channels;
	struct alert_rule *rules;
	size_t n_rules;
	struct alert_delivery delivery;
	int flag_sets; /* alert_rules_add_flags calls, for unique rule names */
	char *path;    /* the rules file, NULL when there is none */
};

/* The rank of a severity (informational 0 ... critical 4), -1 if unknown. */
int alert_severity_rank(const char *severity);
const char *alert_kind_name(enum alert_kind kind);
/* The channel called name, or NULL. */
struct alert_channel *alert_channel_find(struct alert_rules *rules, const char *name);
/* Appends a zeroed channel / rule (owned by rules); NULL when out of memory. */
struct alert_channel *alert_channel_add(struct alert_rules *rules);
struct alert_rule *alert_rule_add(struct alert_rules *rules);
/* Checks a URL of a channel: scheme among the allowed ones, a host, no
 * user or password in it (credentials come from the environment). http://
 * is allowed for a loopback host only. false with why (a static text). */
bool alert_url_ok(const char *url, const char *const *schemes, const char **why);

/* ---- payloads (alert_payload.c) ---- */

/* Sets payload's "text" from its "alerts" array: one line per alert, at
 * most 20, untrusted values terminal-escaped. */
attest_rc alert_payload_text(json_t *payload);
/* The payload of one message out of the payloads of outbox rows (each
 * with an "alerts" array): their alerts concatenated, text recomputed.
 * NULL when out of memory. */
json_t *alert_payload_merge(json_t *const *payloads, size_t n);
/* One log line per alert of payload, "<what>: channel '<c>', ..." */
void alert_payload_log(attest_ctx *ctx, attest_log_level level, const char *what,
		       const char *channel, const json_t *payload);

/* ---- channels: each sends one message; ATTEST_OK when accepted, else a
 * failure whose message (in err, with no URL or credential in it) is kept
 * as the outbox rows' last error ---- */

attest_rc alert_webhook_send(const struct alert_rules *rules, const struct alert_channel *ch,
			     const char *body, char *err, size_t errsz);
attest_rc alert_smtp_send(const struct alert_rules *rules, const struct alert_channel *ch,
			  const json_t *payload, time_t now, char *err, size_t errsz);
attest_rc alert_sns_send(struct alert_rules *rules, const struct alert_channel *ch,
			 const json_t *payload, char *err, size_t errsz);
/* Frees the SNS client of rules (made by alert_sns_send). */
void alert_sns_release(struct alert_rules *rules);
/* Replaces every occurrence of each of the n secrets (NULL or "" skipped)
 * in msg with [REDACTED]; msg stays NUL-terminated within size. */
void alert_scrub(char *msg, size_t size, const char *const *secrets, size_t n);

#endif
