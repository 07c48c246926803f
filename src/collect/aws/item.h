/*
 * One resource being assembled from several API calls: the data-store
 * service files list resources, then ask a few more calls about each one
 * (parameters, attributes, policies, tags) concurrently. An aws_item holds
 * the configuration, the supplementary object and the tags while those
 * calls are in flight and writes the resource when the last one answers,
 * unless one of them failed (the call is then in the collection log and the
 * type is withheld anyway). Tag calls are labels: their failure is logged
 * but does not withhold the resource.
 */
#ifndef ATTEST_AWS_ITEM_H
#define ATTEST_AWS_ITEM_H

#include "collect/aws/collect_int.h"

struct aws_item {
	struct aws_collector *c;
	enum aws_type type;
	char region[40];
	json_t *conf;  /* configuration */
	json_t *supp;  /* supplementaryConfiguration, NULL for none */
	json_t *tags;  /* object, NULL for none */
	char *id, *arn, *name;
	int pending;
	bool failed;
	bool gone;     /* deleted between the listing and a later call */
	void *data;    /* the service's own state, freed with free() */
};

/* A new item for conf (stolen); supp starts as an empty object when
 * with_supp. Strings are copied (NULL allowed). NULL when out of memory
 * (recorded as fatal). The item holds one reference: release it with
 * aws_item_done() once every call is started. */
struct aws_item *aws_item_new(struct aws_collector *c, enum aws_type type, const char *region,
			      json_t *conf, const char *id, const char *arn, const char *name,
			      bool with_supp);
/* Drops one reference; the last writes the resource (unless failed) and
 * frees the item. */
void aws_item_done(struct aws_item *it);
/* Sets supplementaryConfiguration[key] = v (stolen). */
void aws_item_supp(struct aws_item *it, const char *key, json_t *v);

/* Calls fn(op) about the item (op->data is the item); fn must end with
 * aws_item_done(). types 0 makes a label call (tags). The body of a JSON
 * call is stolen. */
void aws_item_query(struct aws_item *it, aws_typeset types, const char *service,
		    const char *version, const char *operation, const char *params, aws_op_fn fn);
void aws_item_json(struct aws_item *it, aws_typeset types, const char *service,
		   const char *operation, const char *target, const char *json_version,
		   json_t *body, aws_op_fn fn);
void aws_item_rest(struct aws_item *it, aws_typeset types, const char *service,
		   const char *operation, const char *path_query, aws_op_fn fn);

/* The parsed answer of a successful call, or NULL after logging the
 * failure (the item is marked failed unless the call was a label one). */
json_t *aws_item_reply_json(struct aws_op *op, const struct aws_reply *r);
/* The same for the query protocol: the <Operation>Result element as an
 * object. */
json_t *aws_item_reply_query(struct aws_op *op, const struct aws_reply *r);
/* True (and the item dropped, nothing logged) when the call failed with
 * one of the '|'-separated codes that mean the resource was deleted since
 * it was listed: that is a change in the account, not a gap. */
bool aws_item_vanished(struct aws_op *op, const struct aws_reply *r, const char *codes);
/* Marks the item failed with a logged reason. */
void aws_item_fail(struct aws_op *op, const char *code, const char *msg);

/* Tags: [{"Key","Value"}] (or a map) into the item's tags. */
void aws_item_tags(struct aws_item *it, const json_t *list);
/* Appends a path segment percent-encoded ('/' too) to b. */
attest_rc aws_path_segment(struct attest_buf *b, const char *s);

#endif
