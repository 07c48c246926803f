/*
 * Alert rule sets (alert.h): their lifecycle, the rules and channels the
 * command-line flags of attest watch make, and the checks every channel's
 * URL passes wherever it comes from. Reading a rules file is
 * alert_rules_file.c.
 */
#include "config.h"

#include "alert_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const severities[] = {"informational", "low", "medium", "high", "critical"};

int
alert_severity_rank(const char *severity)
{
	size_t i;

	for (i = 0; severity && i < sizeof(severities) / sizeof(severities[0]); i++)
		if (strcmp(severity, severities[i]) == 0)
			return (int)i;
	return -1;
}

const char *
alert_kind_name(enum alert_kind kind)
{
	switch (kind) {
	case ALERT_NEWLY_FAILING:
		return "newly-failing";
	case ALERT_INTERNET_EXPOSED:
		return "internet-exposed";
	case ALERT_SCORE_DROP:
		return "score-drop";
	case ALERT_EXCEPTION_LAPSED:
		return "exception-lapsed";
	case ALERT_COLLECTION_FAILED:
		return "collection-failed";
	}
	return "unknown";
}

attest_rc
alert_rules_new(attest_ctx *ctx, struct alert_rules **out)
{
	struct alert_rules *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return core_nomem(ctx);
	r->ctx = ctx;
	r->delivery = (struct alert_delivery){.group_window_s = 10,
					      .max_alerts = 100,
					      .rate_per_minute = 10,
					      .retry_base_s = 30,
					      .retry_cap_s = 3600,
					      .timeout_s = 20};
	*out = r;
	return ATTEST_OK;
}

static void
free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
alert_rules_free(struct alert_rules *rules)
{
	size_t i;

	if (!rules)
		return;
	alert_sns_release(rules);
	for (i = 0; i < rules->n_channels; i++) {
		struct alert_channel *c = &rules->channels[i];

		free(c->name);
		free(c->url);
		free(c->url_env);
		free(c->header);
		free(c->header_env);
		free(c->header_prefix);
		free(c->smtp_url);
		free(c->from);
		free(c->user_env);
		free(c->password_env);
		free_list(c->to, c->n_to);
		free(c->ca_file);
		free(c->topic_arn);
		free(c->sent);
	}
	for (i = 0; i < rules->n_rules; i++) {
		struct alert_rule *r = &rules->rules[i];

		free(r->name);
		free_list(r->frameworks, r->n_frameworks);
		free_list(r->checks, r->n_checks);
		free(r->channels);
	}
	free(rules->channels);
	free(rules->rules);
	free(rules->path);
	free(rules);
}

struct alert_delivery *
alert_rules_delivery(struct alert_rules *rules)
{
	return &rules->delivery;
}

size_t
alert_rules_count(const struct alert_rules *rules)
{
	return rules->n_rules;
}

size_t
alert_rules_channel_count(const struct alert_rules *rules)
{
	return rules->n_channels;
}

struct alert_channel *
alert_channel_find(struct alert_rules *rules, const char *name)
{
	size_t i;

	for (i = 0; name && i < rules->n_channels; i++)
		if (strcmp(rules->channels[i].name, name) == 0)
			return &rules->channels[i];
	return NULL;
}

struct alert_channel *
alert_channel_add(struct alert_rules *rules)
{
	struct alert_channel *grown;

	grown = realloc(rules->channels, (rules->n_channels + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	rules->channels = grown;
	memset(&grown[rules->n_channels], 0, sizeof(*grown));
	return &grown[rules->n_channels++];
}

struct alert_rule *
alert_rule_add(struct alert_rules *rules)
{
	struct alert_rule *grown;

	grown = realloc(rules->rules, (rules->n_rules + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	rules->rules = grown;
	memset(&grown[rules->n_rules], 0, sizeof(*grown));
	return &grown[rules->n_rules++];
}

/* True for the host part of an authority that is this machine: localhost,
 * an IPv4 literal in 127.0.0.0/8 (not a name that starts like one), [::1]. */
static bool
loopback_host(const char *host, size_t n)
{
	size_t i;

	if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
		return true;
	if (n == 5 && strncmp(host, "[::1]", 5) == 0)
		return true;
	if (n < 7 || strncmp(host, "127.", 4) != 0)
		return false;
	for (i = 4; i < n; i++)
		if (!strchr("0123456789.", host[i]))
			return false;
	return true;
}

bool
alert_url_ok(const char *url, const char *const *schemes, const char **why)
{
	const char *auth = NULL, *end, *port;
	size_t i, n;
	bool http = false, known = false;

	for (i = 0; schemes[i]; i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(url, schemes[i], n) == 0 && strncmp(url + n, "://", 3) == 0) {
			known = true;
			http = strcasecmp(schemes[i], "http") == 0;
			auth = url + n + 3;
			break;
		}
	}
	if (!known) {
		*why = "unsupported scheme";
		return false;
	}
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth))) {
		*why = "a user or password in the URL (name environment variables instead)";
		return false;
	}
	/* the host ends at the port's colon, or after an IPv6 literal's ] */
	port = memchr(auth, auth[0] == '[' ? ']' : ':', (size_t)(end - auth));
	if (!port)
		port = end;
	else if (auth[0] == '[')
		port++;
	if (port == auth || strcspn(url, " \t\r\n") != strlen(url)) {
		*why = "no host, or white space in the URL";
		return false;
	}
	if (http && !loopback_host(auth, (size_t)(port - auth))) {
		*why = "plain http is allowed only to this machine (use https)";
		return false;
	}
	return true;
}

static const char *const webhook_schemes[] = {"https", "http", NULL};

/* An address as the rules file's schema allows one: one @, no space,
 * control character or character that ends an address in a header. */
static bool
address_ok(const char *a)
{
	const char *at = strchr(a, '@');
	size_t i;

	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return false;
	for (i = 0; a[i]; i++)
		if ((unsigned char)a[i] <= ' ' || a[i] == 0x7f || strchr("<>,;\"", a[i]))
			return false;
	return true;
}

/* Adds a channel named "cli-<kind>-<i>" of type t; NULL when out of memory. */
static struct alert_channel *
flag_channel(struct alert_rules *rules, enum alert_channel_type t, const char *kind, size_t i)
{
	struct alert_channel *c = alert_channel_add(rules);
	char name[64];

	if (!c)
		return NULL;
	c->type = t;
	snprintf(name, sizeof(name), "cli-%s-%zu", kind, i + 1);
	return (c->name = core_strdup(name)) ? c : NULL;
}

static attest_rc
flag_channels(struct alert_rules *rules, const struct alert_flags *f)
{
	attest_ctx *ctx = rules->ctx;
	struct alert_channel *c;
	const char *why, *smtp = getenv("ATTEST_SMTP_URL"), *from = getenv("ATTEST_SMTP_FROM");
	const char *user = getenv("ATTEST_SMTP_USER");
	static const char *const smtp_schemes[] = {"smtp", "smtps", NULL};
	size_t i;

	for (i = 0; i < f->n_webhooks; i++) {
		if (!alert_url_ok(f->webhooks[i], webhook_schemes, &why))
			return core_error(ctx, ATTEST_ERR_USAGE, "--alert-webhook #%zu: %s", i + 1,
					  why);
		if (!(c = flag_channel(rules, ALERT_WEBHOOK, "webhook", i)) ||
		    !(c->url = core_strdup(f->webhooks[i])))
			return core_nomem(ctx);
	}
	if (f->n_emails > 0 && (!smtp || !*smtp || !from || !address_ok(from)))
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "--alert-email needs ATTEST_SMTP_URL and ATTEST_SMTP_FROM (an "
				  "address) set");
	if (f->n_emails > 0 && !alert_url_ok(smtp, smtp_schemes, &why))
		return core_error(ctx, ATTEST_ERR_USAGE, "ATTEST_SMTP_URL: %s", why);
	for (i = 0; i < f->n_emails; i++) {
		if (!address_ok(f->emails[i]))
			return core_error(ctx, ATTEST_ERR_USAGE,
					  "--alert-email: not an address: '%.80s'", f->emails[i]);
		if (!(c = flag_channel(rules, ALERT_EMAIL, "email", i)) ||
		    !(c->smtp_url = core_strdup(smtp)) || !(c->from = core_strdup(from)) ||
		    !(c->to = calloc(1, sizeof(char *))) || !(c->to[0] = core_strdup(f->emails[i])))
			return core_nomem(ctx);
		c->n_to = 1;
		if (user && *user &&
		    (!(c->user_env = core_strdup("ATTEST_SMTP_USER")) ||
		     !(c->password_env = core_strdup("ATTEST_SMTP_PASSWORD"))))
			return core_nomem(ctx);
	}
	for (i = 0; i < f->n_sns_topics; i++) {
		if (strncmp(f->sns_topics[i], "arn:aws", 7) != 0 ||
		    !strstr(f->sns_topics[i], ":sns:"))
			return core_error(ctx, ATTEST_ERR_USAGE,
					  "--alert-sns: not an SNS topic ARN: '%.120s'",
					  f->sns_topics[i]);
		if (!(c = flag_channel(rules, ALERT_SNS, "sns", i)) ||
		    !(c->topic_arn = core_strdup(f->sns_topics[i])))
			return core_nomem(ctx);
	}
	return ATTEST_OK;
}

/* A rule of kind sending to the channels first..n_channels-1. */
static attest_rc
flag_rule(struct alert_rules *rules, enum alert_kind kind, size_t first)
{
	struct alert_rule *r = alert_rule_add(rules);
	char name[64];
	size_t i;

	if (!r)
		return core_nomem(rules->ctx);
	r->kind = kind;
	r->score = r->posture = true;
	if (rules->flag_sets > 1)
		snprintf(name, sizeof(name), "cli-%s-%d", alert_kind_name(kind), rules->flag_sets);
	else
		snprintf(name, sizeof(name), "cli-%s", alert_kind_name(kind));
	if (!(r->name = core_strdup(name)) ||
	    !(r->channels = calloc(rules->n_channels - first, sizeof(size_t))))
		return core_nomem(rules->ctx);
	for (i = first; i < rules->n_channels; i++)
		r->channels[r->n_channels++] = i;
	return ATTEST_OK;
}

attest_rc
alert_rules_add_flags(struct alert_rules *rules, const struct alert_flags *f)
{
	size_t first = rules->n_channels;
	int severity = alert_severity_rank(f->severity ? f->severity : "high");
	attest_rc rc;

	if (severity < 0)
		return core_error(rules->ctx, ATTEST_ERR_USAGE,
				  "--alert-severity: '%.40s' is not informational, low, medium, "
				  "high or critical",
				  f->severity);
	if (f->has_score_drop && !(f->score_drop >= 0 && f->score_drop <= 100))
		return core_error(rules->ctx, ATTEST_ERR_USAGE,
				  "--alert-score-drop: points from 0 to 100");
	if ((rc = flag_channels(rules, f)) != ATTEST_OK)
		return rc;
	if (rules->n_channels == first)
		return ATTEST_OK; /* no channel, no rule */
	rules->flag_sets++;
	if ((rc = flag_rule(rules, ALERT_NEWLY_FAILING, first)) != ATTEST_OK)
		return rc;
	rules->rules[rules->n_rules - 1].severity = severity;
	if ((rc = flag_rule(rules, ALERT_INTERNET_EXPOSED, first)) ||
	    (rc = flag_rule(rules, ALERT_EXCEPTION_LAPSED, first)) ||
	    (rc = flag_rule(rules, ALERT_COLLECTION_FAILED, first)))
		return rc;
	if (f->has_score_drop) {
		if ((rc = flag_rule(rules, ALERT_SCORE_DROP, first)) != ATTEST_OK)
			return rc;
		rules->rules[rules->n_rules - 1].points = f->score_drop;
	}
	return ATTEST_OK;
}
