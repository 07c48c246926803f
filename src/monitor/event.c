/*
 * Parsing one SQS message body into a struct event (event.h): unwrapping an
 * SNS notification, reading the EventBridge envelope, then either a
 * CloudTrail record (its identity, and the resources the event table says
 * it touches) or an AWS Config item change notification (the item, or the
 * summary and S3 location of an oversized one). Strict: every member read
 * must have its documented JSON type, and the message names the key.
 */
#include "config.h"

#include "inventory/awsconfig.h"
#include "monitor/event.h"

#include <stdlib.h>
#include <string.h>

#define CLOUDTRAIL_DETAIL "AWS API Call via CloudTrail"
#define CONFIG_DETAIL "Config Configuration Item Change"
#define CONFIG_ITEM "ConfigurationItemChangeNotification"
#define CONFIG_OVERSIZED "OversizedConfigurationItemChangeNotification"

/* What the envelope(s) around the record gave. */
struct envelope {
	const char *id, *source, *account, *region, *time;
};

struct parse {
	const struct event_table *t;
	attest_ctx *ctx;
	struct event *ev;
	const struct event_touch *touch;
	size_t found; /* resources the current touch's paths gave */
};

void
event_clear(struct event *ev)
{
	size_t i;

	for (i = 0; i < ev->n_res; i++) {
		free(ev->res[i].type);
		free(ev->res[i].id);
		free(ev->res[i].arn);
		free(ev->res[i].name);
		free(ev->res[i].region);
		free(ev->res[i].account);
		json_decref(ev->res[i].config_item);
	}
	free(ev->res);
	free(ev->key);
	free(ev->source);
	free(ev->name);
	free(ev->actor);
	free(ev->actor_type);
	free(ev->actor_issuer);
	free(ev->source_ip);
	free(ev->user_agent);
	free(ev->account);
	free(ev->region);
	free(ev->error_code);
	free(ev->s3_bucket);
	free(ev->s3_key);
	memset(ev, 0, sizeof(*ev));
}

/* The string at where.key, borrowed: NULL when absent or null; fails when
 * another type, or when absent and required. */
static attest_rc
str_at(attest_ctx *ctx, const json_t *obj, const char *where, const char *key, bool required,
       const char **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return required ? core_error(ctx, ATTEST_ERR_INVALID, "event: '%s%s%s' is missing",
					     where, *where ? "." : "", key)
				: ATTEST_OK;
	if (!json_is_string(v))
		return core_error(ctx, ATTEST_ERR_INVALID, "event: '%s%s%s' must be a string",
				  where, *where ? "." : "", key);
	*out = json_string_value(v);
	return ATTEST_OK;
}

/* The object at where.key, borrowed, the same way. */
static attest_rc
obj_at(attest_ctx *ctx, const json_t *obj, const char *where, const char *key, bool required,
       const json_t **out)
{
	const json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return required ? core_error(ctx, ATTEST_ERR_INVALID, "event: '%s%s%s' is missing",
					     where, *where ? "." : "", key)
				: ATTEST_OK;
	if (!json_is_object(v))
		return core_error(ctx, ATTEST_ERR_INVALID, "event: '%s%s%s' must be an object",
				  where, *where ? "." : "", key);
	*out = v;
	return ATTEST_OK;
}

/* Copies the string at where.key into *out (NULL stays NULL). */
static attest_rc
take_str(attest_ctx *ctx, const json_t *obj, const char *where, const char *key, char **out)
{
	const char *s;
	attest_rc rc = str_at(ctx, obj, where, key, false, &s);

	if (rc != ATTEST_OK || !s || *out)
		return rc;
	return (*out = strdup(s)) ? ATTEST_OK : core_nomem(ctx);
}

static attest_rc
set_str(attest_ctx *ctx, char **dst, const char *s)
{
	if (*dst || !s)
		return ATTEST_OK;
	return (*dst = strdup(s)) ? ATTEST_OK : core_nomem(ctx);
}

static attest_rc
set_time(attest_ctx *ctx, struct event *ev, const char *where, const char *s)
{
	if (!s || ev->time)
		return ATTEST_OK;
	if (!core_time_parse(s, &ev->time))
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "event: '%s' is not an ISO 8601 UTC time: '%.64s'", where, s);
	return ATTEST_OK;
}

static bool
same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Adds a resource unless it is there (the same type, id, arn and name); a
 * deletion wins over a change. */
static attest_rc
add_res(struct parse *p, const struct event_type *ty, const char *id, const char *arn,
	const char *name, bool deleted)
{
	struct event *ev = p->ev;
	struct event_resource *r, *grown;
	size_t i;

	for (i = 0; i < ev->n_res; i++) {
		r = &ev->res[i];
		if (!strcmp(r->type, ty->name) && same(r->id, id) && same(r->arn, arn) &&
		    same(r->name, name)) {
			r->deleted = r->deleted || deleted;
			return ATTEST_OK;
		}
	}
	if (!(grown = realloc(ev->res, (ev->n_res + 1) * sizeof(*grown))))
		return core_nomem(p->ctx);
	ev->res = grown;
	r = memset(&ev->res[ev->n_res++], 0, sizeof(*r));
	r->deleted = deleted;
	if (set_str(p->ctx, &r->type, ty->name) != ATTEST_OK ||
	    set_str(p->ctx, &r->id, id) != ATTEST_OK ||
	    set_str(p->ctx, &r->arn, arn) != ATTEST_OK ||
	    set_str(p->ctx, &r->name, name) != ATTEST_OK ||
	    (!ty->global && set_str(p->ctx, &r->region, ev->region) != ATTEST_OK) ||
	    set_str(p->ctx, &r->account, ev->account) != ATTEST_OK)
		return ATTEST_ERR_NOMEM;
	return ATTEST_OK;
}

/* The resource named by v (an ARN, a queue URL, else a name or id). */
static attest_rc
add_value(const char *v, void *data)
{
	struct parse *p = data;
	const struct event_type *ty = p->touch->type;
	const char *arn = NULL, *name = v, *id = NULL, *slash;
	char *from_arn = NULL;
	attest_rc rc;

	if (!strncmp(v, "arn:", 4)) {
		arn = v;
		ty = p->touch->match == EVENT_MATCH_PREFIX ? NULL : ty;
		if (p->touch->match == EVENT_MATCH_ARN || (ty && ty->arn)) {
			const struct event_type *m = event_type_by_arn(p->t, v, &from_arn);

			if (p->touch->match == EVENT_MATCH_ARN)
				ty = m;
			else if (m && m != ty) { /* another type's ARN: not this touch's */
				free(from_arn);
				return ATTEST_OK;
			} else if (!m) { /* not the type's form: take its last part */
				free(from_arn);
				from_arn = NULL;
			}
		}
		if (!ty)
			return ATTEST_OK; /* a type the table does not know */
		name = from_arn;
		if (!name)
			name = (slash = strrchr(v, '/'))   ? slash + 1
			       : (slash = strrchr(v, ':')) ? slash + 1
							   : v;
	} else if (p->touch->match == EVENT_MATCH_ARN) {
		return ATTEST_OK;
	} else if (p->touch->match == EVENT_MATCH_PREFIX && !(ty = event_type_by_prefix(p->t, v))) {
		return ATTEST_OK;
	} else if (ty->idform == EVENT_ID_URL && !strncmp(v, "https://", 8)) {
		id = v;
		name = (slash = strrchr(v, '/')) ? slash + 1 : v;
	}
	switch (ty->idform) {
	case EVENT_ID_NAME:
		id = name;
		break;
	case EVENT_ID_ARN:
		id = arn;
		break;
	case EVENT_ID_URL:
	case EVENT_ID_OTHER:
		break;
	case EVENT_ID_REGION:
		id = ty->global ? NULL : p->ev->region;
		break;
	case EVENT_ID_ACCOUNT:
		id = p->ev->account;
		break;
	}
	rc = add_res(p, ty, id, arn, name, p->touch->deleted);
	free(from_arn);
	p->found++;
	return rc;
}

/* A touch without ids, or whose ids the record lacks: some resource of the
 * type changed (per region or per account settings: that one). */
static attest_rc
add_type_level(struct parse *p)
{
	const struct event_type *ty = p->touch->type;
	const char *id = NULL;

	if (ty->idform == EVENT_ID_REGION && !ty->global)
		id = p->ev->region;
	else if (ty->idform == EVENT_ID_ACCOUNT)
		id = p->ev->account;
	return add_res(p, ty, id, NULL, NULL, p->touch->deleted);
}

static attest_rc
apply_def(struct parse *p, const struct event_def *d, const json_t *record)
{
	size_t i, k;
	attest_rc rc;

	p->ev->tags_only = d->tags_only;
	for (i = 0; i < d->n_touch; i++) {
		p->touch = &d->touch[i];
		p->found = 0;
		if (p->touch->cond && !event_path_present(record, p->touch->cond))
			continue;
		/* the paths are alternatives: the first that gives ids wins */
		for (k = 0; k < p->touch->n_paths && p->found == 0; k++)
			if ((rc = event_path_each(record, p->touch->paths[k], add_value, p)) !=
			    ATTEST_OK)
				return rc;
		if (p->found == 0 && p->touch->match == EVENT_MATCH_TYPE &&
		    (rc = add_type_level(p)) != ATTEST_OK)
			return rc;
	}
	return ATTEST_OK;
}

/* "ec2.amazonaws.com" -> "aws.ec2", EventBridge's name for the source. */
static attest_rc
bridge_source(attest_ctx *ctx, const char *event_source, char **out)
{
	const char *dot = strchr(event_source, '.');
	size_t n = dot ? (size_t)(dot - event_source) : strlen(event_source);

	if (!(*out = malloc(n + 5)))
		return core_nomem(ctx);
	memcpy(*out, "aws.", 4);
	memcpy(*out + 4, event_source, n);
	(*out)[n + 4] = '\0';
	return ATTEST_OK;
}

static attest_rc
parse_identity(struct parse *p, const json_t *rec, const char *where)
{
	const json_t *ui, *sc, *si;
	char at[64];
	const char *s;
	attest_rc rc;

	snprintf(at, sizeof(at), "%s%suserIdentity", where, *where ? "." : "");
	if ((rc = obj_at(p->ctx, rec, where, "userIdentity", false, &ui)) != ATTEST_OK || !ui)
		return rc;
	if ((rc = take_str(p->ctx, ui, at, "type", &p->ev->actor_type)) != ATTEST_OK ||
	    (rc = take_str(p->ctx, ui, at, "arn", &p->ev->actor)) != ATTEST_OK ||
	    (rc = take_str(p->ctx, ui, at, "principalId", &p->ev->actor)) != ATTEST_OK ||
	    (rc = take_str(p->ctx, ui, at, "invokedBy", &p->ev->actor)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, ui, at, "accountId", false, &s)) != ATTEST_OK ||
	    (rc = obj_at(p->ctx, ui, at, "sessionContext", false, &sc)) != ATTEST_OK || !sc)
		return rc;
	strncat(at, ".sessionContext", sizeof(at) - strlen(at) - 1);
	if ((rc = obj_at(p->ctx, sc, at, "sessionIssuer", false, &si)) != ATTEST_OK || !si)
		return rc;
	strncat(at, ".sessionIssuer", sizeof(at) - strlen(at) - 1);
	return take_str(p->ctx, si, at, "arn", &p->ev->actor_issuer);
}

static attest_rc
parse_cloudtrail(struct parse *p, const json_t *rec, const char *where, const struct envelope *env)
{
	struct event *ev = p->ev;
	const char *src, *name, *id, *time;
	const json_t *o;
	const struct event_def *d;
	char at[64];
	attest_rc rc;

	ev->kind = EVENT_CLOUDTRAIL;
	snprintf(at, sizeof(at), "%s%seventTime", where, *where ? "." : "");
	if ((rc = str_at(p->ctx, rec, where, "eventSource", true, &src)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, rec, where, "eventName", true, &name)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, rec, where, "eventID", !env->id, &id)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, rec, where, "eventTime", !env->time, &time)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &ev->key, id ? id : env->id)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &ev->name, name)) != ATTEST_OK ||
	    (rc = set_time(p->ctx, ev, time ? at : "time", time ? time : env->time)) != ATTEST_OK ||
	    (rc = take_str(p->ctx, rec, where, "awsRegion", &ev->region)) != ATTEST_OK ||
	    (rc = take_str(p->ctx, rec, where, "recipientAccountId", &ev->account)) != ATTEST_OK ||
	    (rc = take_str(p->ctx, rec, where, "sourceIPAddress", &ev->source_ip)) != ATTEST_OK ||
	    (rc = take_str(p->ctx, rec, where, "userAgent", &ev->user_agent)) != ATTEST_OK ||
	    (rc = take_str(p->ctx, rec, where, "errorCode", &ev->error_code)) != ATTEST_OK ||
	    (rc = obj_at(p->ctx, rec, where, "requestParameters", false, &o)) != ATTEST_OK ||
	    (rc = obj_at(p->ctx, rec, where, "responseElements", false, &o)) != ATTEST_OK ||
	    (rc = parse_identity(p, rec, where)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &ev->region, env->region)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &ev->account, env->account)) != ATTEST_OK)
		return rc;
	if (env->source)
		rc = set_str(p->ctx, &ev->source, env->source);
	else
		rc = bridge_source(p->ctx, src, &ev->source);
	/* a failed call changed nothing; an unknown one is counted, not fatal */
	if (rc != ATTEST_OK || ev->error_code || !(d = event_table_find(p->t, src, name)))
		return rc;
	return apply_def(p, d, rec);
}

/* Fills the event's resource from a Config item or item summary. */
static attest_rc
config_resource(struct parse *p, const json_t *item, bool keep_item)
{
	struct event *ev = p->ev;
	struct event_type ty = {0};
	const char *status = json_string_value(json_object_get(item, "configurationItemStatus"));
	json_t *res = NULL;
	bool gone;
	attest_rc rc;

	if ((rc = awsconfig_item_any(p->ctx, item, &res, &gone)) != ATTEST_OK) {
		core_error_prefix(p->ctx, "event");
		return rc;
	}
	ty.name = (char *)json_string_value(json_object_get(res, "type"));
	ty.global = !json_is_string(json_object_get(res, "region")) ||
		    !strcmp(json_string_value(json_object_get(res, "region")), "global");
	if ((rc = set_str(p->ctx, &ev->region,
			  json_string_value(json_object_get(res, "region")))) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &ev->account,
			  json_string_value(json_object_get(res, "account")))) != ATTEST_OK)
		goto out;
	gone = status && (!strcmp(status, "ResourceDeleted") ||
			  !strcmp(status, "ResourceDeletedNotRecorded"));
	if ((rc = add_res(p, &ty, json_string_value(json_object_get(res, "id")),
			  json_string_value(json_object_get(res, "arn")),
			  json_string_value(json_object_get(res, "name")), gone)) == ATTEST_OK &&
	    keep_item)
		ev->res[ev->n_res - 1].config_item = json_incref((json_t *)item);
out:
	json_decref(res);
	return rc;
}

static attest_rc
parse_config(struct parse *p, const json_t *n, const char *where, const struct envelope *env)
{
	struct event *ev = p->ev;
	const char *type, *time, *loc, *slash;
	const json_t *item, *s3;
	char at[96];
	attest_rc rc;

	if ((rc = str_at(p->ctx, n, where, "messageType", false, &type)) != ATTEST_OK)
		return rc;
	/* some forwarders drop messageType: the item says which form it is */
	if (!type && json_object_get(n, "configurationItem"))
		type = CONFIG_ITEM;
	else if (!type && json_object_get(n, "configurationItemSummary"))
		type = CONFIG_OVERSIZED;
	else if (!type)
		return str_at(p->ctx, n, where, "messageType", true, &type);
	if ((rc = set_str(p->ctx, &ev->name, type)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &ev->key, env->id)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &ev->source, env->source ? env->source : "aws.config")) !=
		    ATTEST_OK ||
	    (rc = str_at(p->ctx, n, where, "notificationCreationTime", false, &time)) !=
		    ATTEST_OK ||
	    (rc = set_time(p->ctx, ev, time ? "notificationCreationTime" : "time",
			   time ? time : env->time)) != ATTEST_OK)
		return rc;
	if (!ev->key)
		return core_error(p->ctx, ATTEST_ERR_INVALID, "event: the notification has no id");
	ev->kind = EVENT_UNKNOWN; /* snapshot deliveries, compliance changes... */
	if (!strcmp(type, CONFIG_ITEM)) {
		ev->kind = EVENT_CONFIG;
		if ((rc = obj_at(p->ctx, n, where, "configurationItem", true, &item)) != ATTEST_OK)
			return rc;
		rc = config_resource(p, item, true);
	} else if (!strcmp(type, CONFIG_OVERSIZED)) {
		ev->kind = EVENT_CONFIG_OVERSIZED;
		snprintf(at, sizeof(at), "%s%ss3DeliverySummary", where, *where ? "." : "");
		if ((rc = obj_at(p->ctx, n, where, "configurationItemSummary", true, &item)) !=
			    ATTEST_OK ||
		    (rc = obj_at(p->ctx, n, where, "s3DeliverySummary", true, &s3)) != ATTEST_OK ||
		    (rc = str_at(p->ctx, s3, at, "s3BucketLocation", false, &loc)) != ATTEST_OK ||
		    (rc = config_resource(p, item, false)) != ATTEST_OK || !loc)
			return rc; /* no location: Config could not deliver the item */
		if (!(slash = strchr(loc, '/')) || slash == loc || !slash[1])
			return core_error(
				p->ctx, ATTEST_ERR_INVALID,
				"event: '%s.s3BucketLocation' is not 'bucket/key': '%.64s'", at,
				loc);
		if (!(ev->s3_bucket = strndup(loc, (size_t)(slash - loc))) ||
		    !(ev->s3_key = strdup(slash + 1)))
			return core_nomem(p->ctx);
	}
	if (rc == ATTEST_OK && !ev->time)
		rc = core_error(p->ctx, ATTEST_ERR_INVALID, "event: the notification has no time");
	return rc;
}

static attest_rc parse_value(struct parse *p, const json_t *v, struct envelope *env, int depth);

static attest_rc
parse_text(struct parse *p, const char *text, size_t len, const char *what, struct envelope *env,
	   int depth)
{
	json_error_t err;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	attest_rc rc;

	if (!v)
		return core_error(p->ctx, ATTEST_ERR_INVALID,
				  "event: %s is not valid JSON at line %d, column %d: %s", what,
				  err.line, err.column, err.text);
	rc = parse_value(p, v, env, depth);
	json_decref(v);
	return rc;
}

static attest_rc
parse_bridge(struct parse *p, const json_t *v, struct envelope *env)
{
	const char *type;
	const json_t *detail;
	attest_rc rc;

	if ((rc = str_at(p->ctx, v, "", "detail-type", true, &type)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, v, "", "id", true, &env->id)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, v, "", "source", true, &env->source)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, v, "", "account", false, &env->account)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, v, "", "region", false, &env->region)) != ATTEST_OK ||
	    (rc = str_at(p->ctx, v, "", "time", false, &env->time)) != ATTEST_OK ||
	    (rc = obj_at(p->ctx, v, "", "detail", true, &detail)) != ATTEST_OK)
		return rc;
	if (!strcmp(type, CLOUDTRAIL_DETAIL))
		return parse_cloudtrail(p, detail, "detail", env);
	if (!strcmp(type, CONFIG_DETAIL))
		return parse_config(p, detail, "detail", env);
	p->ev->kind = EVENT_UNKNOWN;
	if ((rc = set_str(p->ctx, &p->ev->key, env->id)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &p->ev->source, env->source)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &p->ev->name, type)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &p->ev->account, env->account)) != ATTEST_OK ||
	    (rc = set_str(p->ctx, &p->ev->region, env->region)) != ATTEST_OK)
		return rc;
	return set_time(p->ctx, p->ev, "time", env->time);
}

static attest_rc
parse_value(struct parse *p, const json_t *v, struct envelope *env, int depth)
{
	const char *type, *msg;
	attest_rc rc;

	if (!json_is_object(v))
		return core_error(p->ctx, ATTEST_ERR_INVALID, "event: must be a JSON object");
	if (json_object_get(v, "detail-type"))
		return parse_bridge(p, v, env);
	if (json_object_get(v, "eventSource"))
		return parse_cloudtrail(p, v, "", env);
	if (json_object_get(v, "messageType"))
		return parse_config(p, v, "", env);
	if ((rc = str_at(p->ctx, v, "", "Type", false, &type)) != ATTEST_OK)
		return rc;
	if (depth == 0 && type && !strcmp(type, "Notification")) {
		/* an SNS notification: Message holds the event as text */
		if ((rc = str_at(p->ctx, v, "", "Message", true, &msg)) != ATTEST_OK ||
		    (rc = str_at(p->ctx, v, "", "MessageId", false, &env->id)) != ATTEST_OK ||
		    (rc = str_at(p->ctx, v, "", "Timestamp", false, &env->time)) != ATTEST_OK)
			return rc;
		return parse_text(p, msg, strlen(msg), "'Message'", env, depth + 1);
	}
	return core_error(
		p->ctx, ATTEST_ERR_INVALID,
		"event: neither an EventBridge event ('detail-type'), a CloudTrail record "
		"('eventSource'), a Config notification ('messageType') nor an SNS "
		"notification ('Type')");
}

attest_rc
event_parse(const struct event_table *t, const char *body, size_t len, struct event *ev)
{
	struct parse p = {.t = t, .ctx = t->ctx, .ev = ev};
	struct envelope env = {0};
	attest_rc rc;

	memset(ev, 0, sizeof(*ev));
	rc = parse_text(&p, body, len, "the message body", &env, 0);
	if (rc != ATTEST_OK)
		event_clear(ev);
	return rc;
}
