/*
 * Evaluating alert rules (alert_evaluate in alert.h): the changes of one
 * event become alerts, one per transition and channel. Only a status that
 * changed alerts, so a finding that stays failing is reported once, when it
 * began to fail. Evidence never enters an alert; reasons and error
 * messages are redacted by the store's rules before they do.
 */
#include "config.h"

#include "alert_int.h"
#include "engine/library_int.h"
#include "store/outbox.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of a reason kept in an alert. */
#define REASON_MAX 1024

/* A JSON string for untrusted text: NULL gives null; text that is not
 * UTF-8 is kept in its escaped form (attest_term_escape). */
static json_t *
jstr(const char *s)
{
	json_t *v;
	char buf[1024];

	if (!s)
		return json_null();
	if ((v = json_string(s)) != NULL)
		return v;
	attest_term_escape(s, buf, sizeof(buf));
	return json_string(buf);
}

/* The redacted form of text as a JSON string, cut to REASON_MAX bytes (at
 * a character's start) so that a message of max_alerts alerts stays
 * within what every channel accepts (SNS: 256 KiB). */
static json_t *
jredacted(const char *text)
{
	char *clean = NULL, *s;
	size_t n;
	json_t *v;

	if (text && store_redact(text, &clean) != ATTEST_OK)
		return json_string(STORE_REDACTED); /* when in doubt, say nothing */
	s = clean ? clean : (char *)text;
	if (s && (n = strlen(s)) > REASON_MAX) {
		if (!clean && !(s = clean = core_strdup(text)))
			return NULL;
		for (n = REASON_MAX - 3; n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; n--)
			;
		memcpy(s + n, "...", 4);
	}
	v = jstr(s);
	free(clean);
	return v;
}

static bool
same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool
in_list(char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* Whether framework fw maps check. */
static bool
framework_maps(const attest_library *lib, const char *fw_id, const char *check)
{
	const struct framework *fw = lib_find_framework(lib, fw_id);
	size_t i, j;

	for (i = 0; fw && i < fw->n_controls; i++)
		for (j = 0; j < fw->controls[i].n_checks; j++)
			if (strcmp(fw->controls[i].checks[j], check) == 0)
				return true;
	return false;
}

/* Whether rule r, limited to frameworks and/or checks, covers check. */
static bool
in_scope(const struct alert_rule *r, const attest_library *lib, const char *check)
{
	size_t i;

	if (r->n_frameworks == 0 && r->n_checks == 0)
		return true;
	if (in_list(r->checks, r->n_checks, check))
		return true;
	for (i = 0; lib && check && i < r->n_frameworks; i++)
		if (framework_maps(lib, r->frameworks[i], check))
			return true;
	return false;
}

static bool
delta_matches(const struct alert_rule *r, const struct alert_input *in,
	      const struct attest_delta *d)
{
	const struct check *c;

	if (!same(d->new_status, "fail") || same(d->old_status, "fail"))
		return false;
	if (!in_scope(r, in->lib, d->check_id))
		return false;
	if (r->kind == ALERT_NEWLY_FAILING)
		return alert_severity_rank(d->severity) >= r->severity;
	return r->kind == ALERT_INTERNET_EXPOSED && in->lib && d->check_id &&
	       (c = lib_find_check(in->lib, d->check_id)) != NULL && c->exposure;
}

static json_t *
cause(const struct attest_watch_event *ev)
{
	char t[21];

	if (!ev)
		return json_null();
	core_time_iso(ev->event_time, t);
	return json_pack("{s:o, s:o, s:o, s:o, s:s}", "event_key", jstr(ev->key), "source",
			 jstr(ev->source), "name", jstr(ev->name), "actor", jstr(ev->actor), "time",
			 t);
}

/* A new alert with the fields every kind has; NULL when out of memory. */
static json_t *
alert_new(const struct alert_rule *r, const struct alert_input *in, const char *check,
	  const char *severity, const char *status, const char *reason)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:n, s:o, s:o}", "rule", r->name, "kind",
			 alert_kind_name(r->kind), "check", jstr(check), "severity", jstr(severity),
			 "status", jstr(status), "resource", "reason", jredacted(reason), "cause",
			 cause(in->event));
}

static json_t *
delta_alert(const struct alert_rule *r, const struct alert_input *in, const struct attest_delta *d)
{
	json_t *a = alert_new(r, in, d->check_id, d->severity, d->new_status, d->reason);

	if (a && (json_object_set_new(a, "previous_status", jstr(d->old_status)) ||
		  json_object_set_new(a, "resource",
				      json_pack("{s:o, s:o, s:o, s:o, s:o}", "type",
						jstr(d->resource_type), "id", jstr(d->resource_id),
						"arn", jstr(d->arn), "account", jstr(d->account),
						"region", jstr(d->region))))) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *
figures(bool has, double before, double after)
{
	return has ? json_pack("{s:f, s:f}", "before", before, "after", after) : json_null();
}

/* The score-drop alert of s under r, or NULL (*nomem says why). */
static json_t *
score_alert(const struct alert_rule *r, const struct alert_input *in, const struct alert_score *s,
	    bool *nomem)
{
	bool score = r->score && s->has_score && s->score_before - s->score_after > r->points;
	bool posture =
		r->posture && s->has_posture && s->posture_before - s->posture_after > r->points;
	char reason[512];
	json_t *a;

	*nomem = false;
	if (!(score || posture) ||
	    (r->n_frameworks && !in_list(r->frameworks, r->n_frameworks, s->framework)))
		return NULL;
	if (posture)
		snprintf(reason, sizeof(reason),
			 "posture of %s fell from %.1f to %.1f (%.1f points)", s->framework,
			 s->posture_before, s->posture_after, s->posture_after - s->posture_before);
	else
		snprintf(reason, sizeof(reason),
			 "controls passing in %s fell from %.1f%% to %.1f%% (%.1f points)",
			 s->framework, s->score_before, s->score_after,
			 s->score_after - s->score_before);
	a = alert_new(r, in, NULL, NULL, "dropped", reason);
	if (!a || json_object_set_new(a, "framework", jstr(s->framework)) ||
	    json_object_set_new(a, "score", figures(score, s->score_before, s->score_after)) ||
	    json_object_set_new(a, "posture",
				figures(posture, s->posture_before, s->posture_after))) {
		json_decref(a);
		*nomem = true;
		return NULL;
	}
	return a;
}

static json_t *
lapse_alert(const struct alert_rule *r, const struct alert_input *in,
	    const struct alert_exception *e)
{
	const struct check *c =
		in->lib && e->check_id ? lib_find_check(in->lib, e->check_id) : NULL;
	char reason[512];
	json_t *a;

	snprintf(reason, sizeof(reason),
		 "exception '%s' of check '%s' expired (%s): its findings count as failing again",
		 e->id ? e->id : "?", e->check_id ? e->check_id : "?",
		 e->expires ? e->expires : "?");
	a = alert_new(r, in, e->check_id, c ? c->severity : NULL, "lapsed", reason);
	if (a && json_object_set_new(
			 a, "exception",
			 json_pack("{s:o, s:o}", "id", jstr(e->id), "expires", jstr(e->expires)))) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The alert of rule r for item i of the input's part of kind r->kind, or
 * NULL when r does not alert it (*nomem set when that is for lack of
 * memory). */
static json_t *
match(const struct alert_rule *r, const struct alert_input *in, enum alert_kind part, size_t i,
      bool *nomem)
{
	const struct alert_exception *e;
	json_t *a = NULL;

	*nomem = false;
	switch (part) {
	case ALERT_NEWLY_FAILING: /* the deltas, for both finding rules */
		if ((r->kind == ALERT_NEWLY_FAILING || r->kind == ALERT_INTERNET_EXPOSED) &&
		    delta_matches(r, in, &in->deltas[i]))
			a = delta_alert(r, in, &in->deltas[i]);
		else
			return NULL;
		break;
	case ALERT_SCORE_DROP:
		return r->kind == part ? score_alert(r, in, &in->scores[i], nomem) : NULL;
	case ALERT_EXCEPTION_LAPSED:
		e = &in->exceptions[i];
		if (r->kind != part || in->previous <= 0 || e->expires_at <= in->previous ||
		    e->expires_at > in->now)
			return NULL;
		a = lapse_alert(r, in, e);
		break;
	case ALERT_COLLECTION_FAILED:
		if (r->kind != part)
			return NULL;
		a = alert_new(r, in, NULL, NULL, "error", in->collection_errors[i]);
		break;
	case ALERT_INTERNET_EXPOSED:
		return NULL;
	}
	*nomem = !a;
	return a;
}

/* A new array of the elements [from, from + n) of a (fewer at its end). */
static json_t *
slice(const json_t *a, size_t from, size_t n)
{
	json_t *out = json_array();
	size_t k;

	for (k = from; out && k < from + n && k < json_array_size(a); k++)
		if (json_array_append(out, json_array_get(a, k))) {
			json_decref(out);
			return NULL;
		}
	return out;
}

static bool
rule_sends_to(const struct alert_rule *r, size_t channel)
{
	size_t i;

	for (i = 0; i < r->n_channels; i++)
		if (r->channels[i] == channel)
			return true;
	return false;
}

attest_rc
alert_rules_check(struct alert_rules *rules, const attest_library *lib)
{
	const struct alert_rule *r = NULL;
	const char *missing = NULL, *what = NULL;
	size_t i, k;

	for (i = 0; i < rules->n_rules && !missing; i++) {
		r = &rules->rules[i];
		for (k = 0; k < r->n_frameworks && !missing; k++)
			if (!lib_find_framework(lib, r->frameworks[k])) {
				missing = r->frameworks[k];
				what = "framework";
			}
		for (k = 0; k < r->n_checks && !missing; k++)
			if (!lib_find_check(lib, r->checks[k])) {
				missing = r->checks[k];
				what = "check";
			}
	}
	if (!missing)
		return ATTEST_OK;
	return core_error(rules->ctx, ATTEST_ERR_INVALID,
			  "invalid '%s' at line %d: <%s name='%s'>: no %s '%s' is installed",
			  rules->path ? rules->path : "(command line)", r->line,
			  alert_kind_name(r->kind), r->name, what, missing);
}

static attest_rc
check_input(struct alert_rules *rules, const struct alert_input *in)
{
	size_t i;

	for (i = 0; i < rules->n_rules && !in->lib; i++)
		if (rules->rules[i].kind == ALERT_INTERNET_EXPOSED ||
		    rules->rules[i].n_frameworks > 0)
			return core_error(rules->ctx, ATTEST_ERR_USAGE,
					  "alert rule '%s' needs the installed checks",
					  rules->rules[i].name);
	return ATTEST_OK;
}

attest_rc
alert_evaluate(struct alert_rules *rules, const struct alert_input *in, json_t **out)
{
	static const enum alert_kind parts[] = {ALERT_NEWLY_FAILING, ALERT_SCORE_DROP,
						ALERT_EXCEPTION_LAPSED, ALERT_COLLECTION_FAILED};
	json_t **lists = NULL, *a, *payload;
	size_t c, p, i, k, n;
	size_t max = (size_t)(rules->delivery.max_alerts > 0 ? rules->delivery.max_alerts : 1);
	bool nomem = false;
	attest_rc rc;

	*out = NULL;
	if ((rc = check_input(rules, in)) != ATTEST_OK)
		return rc;
	if (!(*out = json_array()) ||
	    (rules->n_channels && !(lists = calloc(rules->n_channels, sizeof(json_t *)))))
		goto nomem;
	for (p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
		n = parts[p] == ALERT_NEWLY_FAILING      ? in->n_deltas
		    : parts[p] == ALERT_SCORE_DROP       ? in->n_scores
		    : parts[p] == ALERT_EXCEPTION_LAPSED ? in->n_exceptions
							 : in->n_collection_errors;
		for (i = 0; i < n; i++)
			for (c = 0; c < rules->n_channels; c++)
				for (k = 0; k < rules->n_rules; k++) {
					if (!rule_sends_to(&rules->rules[k], c))
						continue;
					a = match(&rules->rules[k], in, parts[p], i, &nomem);
					if (nomem)
						goto nomem;
					if (!a)
						continue;
					if ((!lists[c] && !(lists[c] = json_array())) ||
					    json_array_append_new(lists[c], a))
						goto nomem;
					break; /* one alert per transition and channel */
				}
	}
	for (c = 0; c < rules->n_channels; c++)
		for (i = 0; i < json_array_size(lists[c]); i += max) {
			/* payloads of at most max alerts: a message never outgrows
			 * what its channel accepts */
			json_t *part = slice(lists[c], i, max);

			payload = part ? json_pack("{s:o}", "alerts", part) : NULL;
			if (!payload || alert_payload_text(payload) ||
			    json_array_append_new(*out, json_pack("{s:s, s:o}", "channel",
								  rules->channels[c].name,
								  "payload", payload)))
				goto nomem;
			alert_payload_log(rules->ctx, ATTEST_LOG_INFO, "alert",
					  rules->channels[c].name, payload);
		}
	rc = ATTEST_OK;
	goto out;
nomem:
	json_decref(*out);
	*out = NULL;
	rc = core_nomem(rules->ctx);
out:
	for (c = 0; lists && c < rules->n_channels; c++)
		json_decref(lists[c]);
	free(lists);
	return rc;
}

attest_rc
alert_texts(attest_ctx *ctx, const json_t *alerts, char ***payloads, char ***channels, size_t *n)
{
	size_t i, count = json_array_size(alerts);
	json_t *item;

	*n = 0;
	*payloads = calloc(count + 1, sizeof(char *));
	*channels = calloc(count + 1, sizeof(char *));
	if (!*payloads || !*channels)
		goto nomem;
	json_array_foreach(alerts, i, item)
	{
		(*payloads)[i] = json_dumps(json_object_get(item, "payload"), JSON_COMPACT);
		(*channels)[i] = core_strdup(json_string_value(json_object_get(item, "channel")));
		if (!(*payloads)[i] || !(*channels)[i])
			goto nomem;
		*n = i + 1;
	}
	return ATTEST_OK;
nomem:
	alert_texts_free(*payloads, *channels, count);
	*payloads = *channels = NULL;
	*n = 0;
	return core_nomem(ctx);
}

void
alert_texts_free(char **payloads, char **channels, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(payloads ? payloads[i] : NULL);
		free(channels ? channels[i] : NULL);
	}
	free(payloads);
	free(channels);
}

attest_rc
alert_enqueue(attest_store *store, const json_t *alerts, time_t now)
{
	char **payloads, **channels;
	size_t i, n;
	attest_rc rc;

	if ((rc = alert_texts(store_ctx(store), alerts, &payloads, &channels, &n)) != ATTEST_OK)
		return rc;
	for (i = 0; i < n && rc == ATTEST_OK; i++)
		rc = store_outbox_add(store, now, channels[i], payloads[i], NULL);
	alert_texts_free(payloads, channels, n);
	return rc;
}
