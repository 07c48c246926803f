/*
 * Paginated listings (aws_query_list(), aws_json_list() of collect_int.h):
 * every page of a listing, each item handed to the table's function, the
 * page token sent back until the last page. A token that comes back
 * unchanged stops the listing as a malformed answer instead of looping; a
 * failed page is logged and its types withheld.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <stdlib.h>
#include <string.h>

/* True when token is the one the previous page gave (a service or proxy
 * that keeps answering the same page would loop forever): logged as a
 * malformed answer. Otherwise remembers it. */
static bool
token_repeats(struct aws_op *op, char **last, const char *token)
{
	char *copy;

	if (*last && strcmp(*last, token) == 0) {
		aws_fail(op, "MalformedResponse", "the same page token came back twice");
		return true;
	}
	if (!(copy = strdup(token))) {
		aws_fatal(op->c, core_nomem(op->c->ctx));
		return true;
	}
	free(*last);
	*last = copy;
	return false;
}

struct qlist_state {
	const struct aws_qlist *ql;
	void *data;
	char *last; /* the previous page token */
};

static void
qlist_free(struct qlist_state *st)
{
	free(st->last);
	free(st);
}

static void qlist_page(struct aws_op *op, const struct aws_reply *r);

static void
qlist_request(struct aws_collector *c, struct qlist_state *st, const char *region,
	      const char *token)
{
	const struct aws_qlist *ql = st->ql;
	struct aws_op op = {c, ql->service, ql->operation, "", ql->types, qlist_page, st, 0, NULL};
	struct core_buf b;

	snprintf(op.region, sizeof(op.region), "%s", region);
	core_buf_init(&b, 1 << 16);
	if (core_buf_adds(&b, ql->params ? ql->params : "") ||
	    (token && aws_param(&b, ql->token_in, token)) ||
	    aws_call_query(&op, ql->version, b.data) != ATTEST_OK) {
		if (ql->end)
			ql->end(c, region, false, st->data);
		qlist_free(st);
	}
	core_buf_release(&b);
}

static void
qlist_page(struct aws_op *op, const struct aws_reply *r)
{
	struct qlist_state *st = op->data;
	const struct aws_qlist *ql = st->ql;
	struct aws_collector *c = op->c;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	json_t *res = NULL, *e, *item;
	const char *token;
	char name[96];
	size_t i;

	if (!r->ok) {
		aws_fail_reply(op, r);
		goto fail;
	}
	if (!(doc = aws_reply_xml(op, r)))
		goto fail;
	snprintf(name, sizeof(name), "%sResult", ql->operation);
	root = aws_xml_find(xmlDocGetRootElement(doc), name);
	res = aws_xml_to_json_op(root ? root : xmlDocGetRootElement(doc), ql->version,
				 ql->operation, ql->style);
	xmlFreeDoc(doc);
	if (!res) {
		aws_fatal(c, core_nomem(c->ctx));
		goto fail;
	}
	e = json_object_get(res, ql->list);
	if (e && !json_is_array(e)) {
		aws_fail(op, "MalformedResponse", "the answer's list is not a list");
		goto fail;
	}
	json_array_foreach(e, i, item) ql->each(c, op->region, item, st->data);
	token = json_string_value(json_object_get(res, ql->token_out));
	if (token && *token && token_repeats(op, &st->last, token))
		goto fail;
	if (token && *token) {
		qlist_request(c, st, op->region, token);
		json_decref(res);
		return;
	}
	json_decref(res);
	if (ql->end)
		ql->end(c, op->region, true, st->data);
	qlist_free(st);
	return;
fail:
	json_decref(res);
	if (ql->end)
		ql->end(c, op->region, false, st->data);
	qlist_free(st);
}

void
aws_query_list(struct aws_collector *c, const struct aws_qlist *ql, const char *region, void *data)
{
	struct qlist_state *st = calloc(1, sizeof(*st));

	if (!st) {
		aws_fatal(c, core_nomem(c->ctx));
		if (ql->end)
			ql->end(c, region, false, data);
		return;
	}
	st->ql = ql;
	st->data = data;
	aws_attempt(c, ql->types);
	qlist_request(c, st, region, NULL);
}

/* ---- paginated JSON listings ---- */

struct jlist_state {
	const struct aws_jlist *jl;
	void *data;
	char *last;
};

static void
jlist_free(struct jlist_state *st)
{
	free(st->last);
	free(st);
}

static void jlist_page(struct aws_op *op, const struct aws_reply *r);

static void
jlist_request(struct aws_collector *c, struct jlist_state *st, const char *region,
	      const char *token)
{
	const struct aws_jlist *jl = st->jl;
	struct aws_op op = {c, jl->service, jl->operation, "", jl->types, jlist_page, st, 0, NULL};
	struct core_buf b;
	json_t *body;
	char *text = NULL;
	attest_rc rc = ATTEST_ERR_NOMEM;

	snprintf(op.region, sizeof(op.region), "%s", region);
	if (jl->rest_path) {
		core_buf_init(&b, 1 << 16);
		if (!core_buf_adds(&b, jl->rest_path) &&
		    (!token ||
		     (!core_buf_printf(&b, "%s%s=", strchr(jl->rest_path, '?') ? "&" : "?",
				       jl->token_in) &&
		      !aws_buf_encode(&b, token, false))))
			rc = aws_call_rest(&op, "GET", b.data, NULL);
		core_buf_release(&b);
	} else {
		body = json_loads(jl->body ? jl->body : "{}", 0, NULL);
		if (body &&
		    (!token || !json_object_set_new(body, jl->token_in, json_string(token))))
			text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		if (text)
			rc = aws_call_json(&op, jl->target,
					   jl->json_version ? jl->json_version : "1.1", text);
		else
			aws_fatal(c, core_nomem(c->ctx));
		free(text);
	}
	if (rc != ATTEST_OK) {
		if (jl->end)
			jl->end(c, region, false, st->data);
		jlist_free(st);
	}
}

static void
jlist_page(struct aws_op *op, const struct aws_reply *r)
{
	struct jlist_state *st = op->data;
	const struct aws_jlist *jl = st->jl;
	json_t *res = NULL, *list, *item;
	const char *token;
	size_t i;

	if (!r->ok) {
		aws_fail_reply(op, r);
		goto fail;
	}
	if (!(res = aws_reply_json(op, r)))
		goto fail;
	list = json_object_get(res, jl->list);
	if (list && !json_is_array(list)) {
		aws_fail(op, "MalformedResponse", "the answer's list is not a list");
		goto fail;
	}
	json_array_foreach(list, i, item) jl->each(op->c, op->region, item, st->data);
	token = json_string_value(json_object_get(res, jl->token_out));
	if (token && *token && token_repeats(op, &st->last, token))
		goto fail;
	if (token && *token) {
		jlist_request(op->c, st, op->region, token);
		json_decref(res);
		return;
	}
	json_decref(res);
	if (jl->end)
		jl->end(op->c, op->region, true, st->data);
	jlist_free(st);
	return;
fail:
	json_decref(res);
	if (jl->end)
		jl->end(op->c, op->region, false, st->data);
	jlist_free(st);
}

void
aws_json_list(struct aws_collector *c, const struct aws_jlist *jl, const char *region, void *data)
{
	struct jlist_state *st = calloc(1, sizeof(*st));

	if (!st) {
		aws_fatal(c, core_nomem(c->ctx));
		if (jl->end)
			jl->end(c, region, false, data);
		return;
	}
	st->jl = jl;
	st->data = data;
	aws_attempt(c, jl->types);
	jlist_request(c, st, region, NULL);
}
