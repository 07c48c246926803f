/*
 * The aws_item helpers of item.h: a reference count of calls in flight for
 * one resource, and thin wrappers that start a call about it in any of the
 * four protocols and read its answer.
 */
#include "config.h"

#include "collect/aws/item.h"

#include <stdlib.h>
#include <string.h>

struct aws_item *
aws_item_new(struct aws_collector *c, enum aws_type type, const char *region, json_t *conf,
	     const char *id, const char *arn, const char *name, bool with_supp)
{
	struct aws_item *it = calloc(1, sizeof(*it));

	if (!it || (id && !(it->id = strdup(id))) || (arn && !(it->arn = strdup(arn))) ||
	    (name && !(it->name = strdup(name))) || (with_supp && !(it->supp = json_object()))) {
		if (it) {
			free(it->id);
			free(it->arn);
			free(it->name);
			free(it);
		}
		json_decref(conf);
		aws_fatal(c, attest_nomem(c->ctx));
		return NULL;
	}
	it->c = c;
	it->type = type;
	snprintf(it->region, sizeof(it->region), "%s", region ? region : "");
	it->conf = conf;
	it->pending = 1;
	return it;
}

void
aws_item_done(struct aws_item *it)
{
	if (--it->pending > 0)
		return;
	if (!it->failed && !it->gone)
		aws_emit(it->c, it->type, it->id, it->arn, it->name, it->region, it->tags, it->conf,
			 it->supp);
	else {
		json_decref(it->tags);
		json_decref(it->conf);
		json_decref(it->supp);
	}
	free(it->id);
	free(it->arn);
	free(it->name);
	free(it->data);
	free(it);
}

void
aws_item_supp(struct aws_item *it, const char *key, json_t *v)
{
	if (!v || !it->supp || json_object_set_new(it->supp, key, v) != 0) {
		it->failed = true;
		aws_fatal(it->c, attest_nomem(it->c->ctx));
	}
}

static void
op_init(struct aws_op *op, struct aws_item *it, aws_typeset types, const char *service,
	const char *operation, aws_op_fn fn)
{
	memset(op, 0, sizeof(*op));
	op->c = it->c;
	op->service = service;
	op->operation = operation;
	snprintf(op->region, sizeof(op->region), "%s", it->region);
	op->types = types;
	op->fn = fn;
	op->data = it;
	aws_attempt(it->c, types);
	it->pending++;
}

/* A call that could not start: the reason is logged (or fatal). */
static void
not_started(struct aws_item *it, aws_typeset types)
{
	if (types)
		it->failed = true;
	it->pending--;
}

void
aws_item_query(struct aws_item *it, aws_typeset types, const char *service, const char *version,
	       const char *operation, const char *params, aws_op_fn fn)
{
	struct aws_op op;

	op_init(&op, it, types, service, operation, fn);
	if (aws_call_query(&op, version, params) != ATTEST_OK)
		not_started(it, types);
}

void
aws_item_json(struct aws_item *it, aws_typeset types, const char *service, const char *operation,
	      const char *target, const char *json_version, json_t *body, aws_op_fn fn)
{
	struct aws_op op;
	char *text;

	op_init(&op, it, types, service, operation, fn);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text) {
		aws_fatal(it->c, attest_nomem(it->c->ctx));
		not_started(it, types);
		return;
	}
	if (aws_call_json(&op, target, json_version, text) != ATTEST_OK)
		not_started(it, types);
	free(text);
}

void
aws_item_rest(struct aws_item *it, aws_typeset types, const char *service, const char *operation,
	      const char *path_query, aws_op_fn fn)
{
	struct aws_op op;

	op_init(&op, it, types, service, operation, fn);
	if (aws_call_rest(&op, "GET", path_query, NULL) != ATTEST_OK)
		not_started(it, types);
}

bool
aws_item_vanished(struct aws_op *op, const struct aws_reply *r, const char *codes)
{
	struct aws_item *it = op->data;
	size_t n;
	const char *p, *e;

	if (r->ok || !r->error_code || !*r->error_code)
		return false;
	n = strlen(r->error_code);
	for (p = codes; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '|');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) == n && strncmp(p, r->error_code, n) == 0) {
			attest_log(it->c->ctx, ATTEST_LOG_DEBUG, "%s %s in %s: '%s' is gone (%s)",
				   op->service, op->operation, it->region[0] ? it->region : "global",
				   it->id ? it->id : "?", r->error_code);
			it->gone = true;
			return true;
		}
	}
	return false;
}

void
aws_item_fail(struct aws_op *op, const char *code, const char *msg)
{
	struct aws_item *it = op->data;

	aws_fail(op, code, msg);
	if (op->types)
		it->failed = true;
}

json_t *
aws_item_reply_json(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_item *it = op->data;
	json_t *v;

	if (!r->ok) {
		aws_item_fail(op, r->error_code, r->error_message);
		return NULL;
	}
	v = aws_reply_json(op, r);
	if (!v && op->types)
		it->failed = true;
	return v;
}

json_t *
aws_item_reply_query(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_item *it = op->data;
	xmlDocPtr doc;
	xmlNodePtr n;
	json_t *v = NULL;
	char name[96];

	if (!r->ok) {
		aws_item_fail(op, r->error_code, r->error_message);
		return NULL;
	}
	if (!(doc = aws_reply_xml(op, r))) {
		if (op->types)
			it->failed = true;
		return NULL;
	}
	snprintf(name, sizeof(name), "%sResult", op->operation);
	n = aws_xml_find(xmlDocGetRootElement(doc), name);
	if (!n)
		aws_item_fail(op, "MalformedResponse", "no result in the answer");
	else if (!(v = aws_xml_to_json_op(n, op->version, op->operation, AWS_XML_QUERY))) {
		it->failed = true;
		aws_fatal(it->c, attest_nomem(it->c->ctx));
	}
	xmlFreeDoc(doc);
	return v;
}

void
aws_item_tags(struct aws_item *it, const json_t *list)
{
	json_t *t = json_is_object(list) ? json_incref((json_t *)list) : aws_tags_object(list);

	if (!t || json_object_size(t) == 0) {
		json_decref(t);
		return;
	}
	json_decref(it->tags);
	it->tags = t;
}

attest_rc
aws_path_segment(struct attest_buf *b, const char *s)
{
	return aws_buf_encode(b, s, false);
}
