/*
 * Change events for attest watch: the SQS message body of an EventBridge
 * event (or a bare CloudTrail record, or an SNS notification wrapping
 * either) turned into the resources it touches. CloudTrail "AWS API Call via
 * CloudTrail" events are looked up in a data table (frameworks/events/aws.xml,
 * schema frameworks/events/events.xsd, format in doc/events.md) from event
 * source and name to resource types and the request/response fields holding
 * their ids; AWS Config "Configuration Item Change Notification" events
 * carry their resource (the whole item, or for an oversized item a summary
 * and the S3 object holding it).
 *
 * Ownership: struct event and its resources own every string and JSON value
 * in them (event_clear frees them); a table is the caller's
 * (event_table_free). A table keeps the context it was loaded with: the
 * errors of event_parse are left on it.
 */
#ifndef ATTEST_MONITOR_EVENT_H
#define ATTEST_MONITOR_EVENT_H

#include "monitor/monitor.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* One resource an event touches. id is the inventory's id for the type
 * (bucket name, group id, policy ARN, queue URL, the region for per-region
 * settings...); NULL when the event does not give it: then name and/or arn
 * say what is known, and with all three NULL the event says only that some
 * resource of the type changed in region/account (re-collect the type).
 * region is NULL for global types. deleted: the event deleted it.
 * config_item: the AWS Config item when the event carried it, else NULL. */
struct event_resource {
	char *type, *id, *arn, *name, *region, *account;
	bool deleted;
	json_t *config_item;
};

enum event_kind { EVENT_CLOUDTRAIL, EVENT_CONFIG, EVENT_CONFIG_OVERSIZED, EVENT_UNKNOWN };

/* key: the CloudTrail eventID, else the EventBridge id. source: the
 * EventBridge source ("aws.ec2", "aws.config"); name: the CloudTrail
 * eventName or the Config messageType. actor: userIdentity.arn, else its
 * principalId, else invokedBy; actor_issuer: the role a session was
 * issued by (userIdentity.sessionContext.sessionIssuer.arn). error_code:
 * the failed call's errorCode (then n_res is 0: it changed nothing).
 * tags_only: the table marks the call as changing only tags. */
struct event {
	char *key, *source, *name, *actor, *actor_type, *actor_issuer, *source_ip, *user_agent,
		*account, *region, *error_code;
	time_t time;
	enum event_kind kind;
	bool tags_only;
	char *s3_bucket, *s3_key; /* EVENT_CONFIG_OVERSIZED */
	struct event_resource *res;
	size_t n_res;
};

struct event_table;

/* Loads the table at path (NULL: frameworks/events/aws.xml of the data
 * directory), validated against events.xsd beside it. ATTEST_ERR_IO,
 * ATTEST_ERR_PARSE, ATTEST_ERR_INVALID (schema, a touch naming an
 * undeclared type, an event listed twice) with the place on ctx. */
attest_rc event_table_load(attest_ctx *ctx, const char *path, struct event_table **out);
void event_table_free(struct event_table *t);

/* Parses the SQS message body (len bytes, not necessarily NUL-terminated)
 * into *ev (cleared first). ATTEST_OK for every well-formed event: an event
 * the table does not know, and a failed call, have n_res 0 (kind
 * EVENT_UNKNOWN for an EventBridge event of another detail-type). Malformed
 * JSON is ATTEST_ERR_INVALID naming line and column; a member of the wrong
 * type, or a missing one, is ATTEST_ERR_INVALID naming its key. On error
 * *ev is left cleared. */
attest_rc event_parse(const struct event_table *t, const char *body, size_t len, struct event *ev);
void event_clear(struct event *ev);

/*
 * Internal to src/monitor/event*.c.
 */

enum event_idform {
	EVENT_ID_NAME,
	EVENT_ID_ARN,
	EVENT_ID_URL,
	EVENT_ID_REGION,
	EVENT_ID_ACCOUNT,
	EVENT_ID_OTHER
};

struct event_type {
	char *name;
	enum event_idform idform;
	char *arn;    /* template: {partition} {region} {account} {path} {id} */
	char *prefix; /* id prefix, for touches matched by prefix */
	bool global;
	char *unannounced; /* why CloudTrail does not announce some change */
};

enum event_match { EVENT_MATCH_TYPE, EVENT_MATCH_ARN, EVENT_MATCH_PREFIX };

struct event_touch {
	const struct event_type *type; /* EVENT_MATCH_TYPE */
	enum event_match match;
	bool deleted;
	char *cond; /* applies only when this path is present */
	char **paths;
	size_t n_paths;
};

struct event_def {
	char *source, *name; /* eventSource, eventName */
	bool tags_only;
	struct event_touch *touch;
	size_t n_touch;
};

struct event_table {
	attest_ctx *ctx;
	struct event_type *types;
	size_t n_types;
	struct event_def *defs; /* sorted by source, then name */
	size_t n_defs;
};

/* The definition of source/name, or NULL. A name CloudTrail suffixes with
 * the API version (Lambda's UpdateFunctionConfiguration20150331v2) is also
 * looked up without it. */
const struct event_def *event_table_find(const struct event_table *t, const char *source,
					 const char *name);
/* The type whose ARN template matches arn, or NULL; *id_out (may be NULL)
 * receives a new string with the template's {id} part. */
const struct event_type *event_type_by_arn(const struct event_table *t, const char *arn,
					   char **id_out);
/* The type whose prefix starts id, or NULL. */
const struct event_type *event_type_by_prefix(const struct event_table *t, const char *id);
/* Calls fn on every string found at path in v ("a.b[*].c": members, and
 * [*] for every element of an array); stops at fn's first failure. */
attest_rc event_path_each(const json_t *v, const char *path,
			  attest_rc (*fn)(const char *value, void *data), void *data);
/* Whether path leads to a value other than null in v. */
bool event_path_present(const json_t *v, const char *path);

#endif
