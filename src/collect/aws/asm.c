/*
 * Assemblies (asm.h): a count of the calls still due for one resource,
 * thin wrappers that start a call for it in any protocol, and readers of
 * their answers that mark it failed or gone.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

struct aws_asm *
aws_asm_new(struct aws_collector *c, enum aws_type type, const char *region, json_t *conf)
{
	struct aws_asm *a = calloc(1, sizeof(*a));

	if (!a) {
		json_decref(conf);
		aws_fatal(c, core_nomem(c->ctx));
		return NULL;
	}
	a->c = c;
	a->type = type;
	snprintf(a->region, sizeof(a->region), "%s", region ? region : "");
	a->conf = conf;
	a->pending = 1;
	return a;
}

static void
set_str(struct aws_asm *a, char **field, const char *v)
{
	if (!v)
		return;
	free(*field);
	if (!(*field = strdup(v)))
		aws_fatal(a->c, core_nomem(a->c->ctx));
}

void
aws_asm_ids(struct aws_asm *a, const char *id, const char *arn, const char *name)
{
	set_str(a, &a->id, id);
	set_str(a, &a->arn, arn);
	set_str(a, &a->name, name);
}

void
aws_asm_nomem(struct aws_asm *a)
{
	a->failed = true;
	aws_fatal(a->c, core_nomem(a->c->ctx));
}

void
aws_asm_supp(struct aws_asm *a, const char *key, json_t *value)
{
	if (!a->supp && !(a->supp = json_object())) {
		json_decref(value);
		aws_asm_nomem(a);
		return;
	}
	if (key && json_object_set_new(a->supp, key, value ? value : json_null()) != 0)
		aws_asm_nomem(a);
}

void
aws_asm_supp_copy(struct aws_asm *a, const json_t *v, const char *const *keys)
{
	json_t *x;

	for (; *keys; keys++)
		if ((x = json_object_get(v, *keys)) != NULL)
			aws_asm_supp(a, *keys, json_incref(x));
}

void
aws_asm_tags(struct aws_asm *a, const json_t *list)
{
	json_t *t = json_is_object(list) ? json_incref((json_t *)list) : aws_tags_object(list);

	if (!t || json_object_size(t) == 0) {
		json_decref(t);
		return;
	}
	json_decref(a->tags);
	a->tags = t;
}

void
aws_asm_done(struct aws_asm *a)
{
	if (--a->pending > 0)
		return;
	if (!a->failed && !a->gone && a->id)
		aws_emit(a->c, a->type, a->id, a->arn, a->name, a->region, a->tags, a->conf,
			 a->supp);
	else {
		json_decref(a->conf);
		json_decref(a->supp);
		json_decref(a->tags);
	}
	free(a->id);
	free(a->arn);
	free(a->name);
	free(a->data);
	free(a);
}

void
aws_asm_label(struct aws_asm *a)
{
	a->label = true;
}

struct asm_call {
	struct aws_asm *a;
	aws_asm_fn fn;
	/* a table-driven call (aws_asm_follow()): its table and its row */
	const struct aws_followups *t;
	const struct aws_followup *f;
};

static void follow_answer(struct asm_call *k, struct aws_op *op, const struct aws_reply *r);

static void
asm_answer(struct aws_op *op, const struct aws_reply *r)
{
	struct asm_call *k = op->data;
	struct aws_asm *a = k->a;

	if (k->f)
		follow_answer(k, op, r);
	else
		k->fn(a, op, r);
	free(k);
	aws_asm_done(a);
}

/* The op template of a call for a; NULL (a failed) when out of memory. */
static struct asm_call *
asm_op(struct aws_asm *a, struct aws_op *op, const char *service, const char *operation,
       aws_asm_fn fn)
{
	struct asm_call *k = malloc(sizeof(*k));

	memset(op, 0, sizeof(*op));
	if (!k) {
		a->failed = true;
		aws_fatal(a->c, core_nomem(a->c->ctx));
		return NULL;
	}
	k->a = a;
	k->fn = fn;
	k->t = NULL;
	k->f = NULL;
	op->c = a->c;
	op->service = service;
	op->operation = operation;
	snprintf(op->region, sizeof(op->region), "%s", a->region);
	op->types = a->label ? 0 : TB(a->type);
	a->label = false;
	op->fn = asm_answer;
	op->data = k;
	aws_attempt(a->c, op->types);
	a->pending++;
	return k;
}

/* A call that could not be sent (logged): a label one withholds nothing. */
static void
asm_sent(struct aws_asm *a, struct asm_call *k, const struct aws_op *op, attest_rc rc)
{
	if (rc == ATTEST_OK)
		return;
	free(k);
	if (op->types)
		a->failed = true;
	a->pending--;
}

void
aws_asm_rest(struct aws_asm *a, const char *service, const char *operation, const char *method,
	     const char *path, json_t *body, aws_asm_fn fn)
{
	struct aws_op op;
	struct asm_call *k = asm_op(a, &op, service, operation, fn);

	if (!k) {
		json_decref(body);
		return;
	}
	asm_sent(a, k, &op,
		 body ? aws_call_rest_json(&op, method, path, body)
		      : aws_call_rest(&op, method, path, NULL));
}

void
aws_asm_json(struct aws_asm *a, const char *service, const char *operation, const char *target,
	     const char *json_version, json_t *body, aws_asm_fn fn)
{
	struct aws_op op;
	struct asm_call *k = asm_op(a, &op, service, operation, fn);

	if (!k) {
		json_decref(body);
		return;
	}
	asm_sent(a, k, &op,
		 aws_call_json_obj_v(&op, target, json_version ? json_version : "1.1",
				     body ? body : json_object()));
}

void
aws_asm_query(struct aws_asm *a, const char *service, const char *operation, const char *version,
	      const char *params, aws_asm_fn fn)
{
	struct aws_op op;
	struct asm_call *k = asm_op(a, &op, service, operation, fn);

	if (k)
		asm_sent(a, k, &op, aws_call_query(&op, version, params));
}

static bool
asm_error(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r, const char *absent,
	  bool *absent_out)
{
	if (absent_out)
		*absent_out = false;
	if (r->ok)
		return false;
	if (absent && aws_code_in(r->error_code, absent)) {
		if (absent_out)
			*absent_out = true;
	} else {
		aws_fail_reply(op, r);
		if (op->types)
			a->failed = true;
	}
	return true;
}

json_t *
aws_asm_reply_json(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r,
		   const char *absent, bool *absent_out)
{
	json_t *v;

	if (asm_error(a, op, r, absent, absent_out))
		return NULL;
	if (!(v = aws_reply_json(op, r)) && op->types)
		a->failed = true;
	return v;
}

/* An XML answer's <Operation>Result element (or, unless required, the
 * root) converted in style. */
static json_t *
reply_xml(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r, enum aws_xml_style style,
	  bool required)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	json_t *v = NULL;
	char name[96];

	if (!(doc = aws_reply_xml(op, r))) {
		if (op->types)
			a->failed = true;
		return NULL;
	}
	snprintf(name, sizeof(name), "%sResult", op->operation);
	root = aws_xml_find(xmlDocGetRootElement(doc), name);
	if (!root && required)
		aws_asm_fail(a, op, "MalformedResponse", "no result in the answer");
	else if (!(v = aws_xml_to_json_op(root ? root : xmlDocGetRootElement(doc), op->version,
					  op->operation, style)))
		aws_asm_nomem(a);
	xmlFreeDoc(doc);
	return v;
}

json_t *
aws_asm_reply_xml(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r,
		  enum aws_xml_style style, const char *absent, bool *absent_out)
{
	if (asm_error(a, op, r, absent, absent_out))
		return NULL;
	return reply_xml(a, op, r, style, false);
}

json_t *
aws_asm_reply_query(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	if (asm_error(a, op, r, NULL, NULL))
		return NULL;
	return reply_xml(a, op, r, AWS_XML_QUERY, true);
}

bool
aws_asm_gone(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r, const char *codes)
{
	if (r->ok || !r->error_code || !*r->error_code || !aws_code_in(r->error_code, codes))
		return false;
	core_log(a->c->ctx, ATTEST_LOG_DEBUG, "%s %s in %s: '%s' is gone (%s)", op->service,
		 op->operation, a->region[0] ? a->region : "global", a->id ? a->id : "?",
		 r->error_code);
	a->gone = true;
	return true;
}

void
aws_asm_fail(struct aws_asm *a, struct aws_op *op, const char *code, const char *msg)
{
	aws_fail(op, code, msg);
	if (op->types)
		a->failed = true;
}

/* ---- follow-up tables ---------------------------------------------------- */

/* The JSON body of f (NULL when it has none); *skip when it names a
 * missing required variable. */
static json_t *
follow_body(struct aws_asm *a, const struct aws_followup *f, const json_t *vars, bool *skip)
{
	json_t *body;

	*skip = false;
	if (!f->request)
		return NULL;
	if (!(body = json_loads(f->request, 0, NULL))) {
		aws_asm_nomem(a);
		*skip = true;
		return NULL;
	}
	if (!aws_asm_fill_json(body, vars)) {
		json_decref(body);
		*skip = true;
		return NULL;
	}
	return body;
}

/* Sends call f of t for a; it is not made when it names a missing required
 * variable, or out of memory (then a is failed). */
static void
follow_call(struct aws_asm *a, const struct aws_followups *t, const struct aws_followup *f,
	    const json_t *vars)
{
	struct aws_op op;
	struct asm_call *k;
	struct core_buf b;
	char path[4096], target[128];
	json_t *body = NULL;
	bool skip = false;
	int r = 0;

	core_buf_init(&b, 16384);
	if (t->proto == AWS_FU_QUERY) {
		core_buf_add(&b, "", 0);
		r = aws_asm_fill_query(&b, f->request, vars);
	} else if (t->proto == AWS_FU_S3) {
		r = a->id ? 0 : 1;
	} else {
		body = follow_body(a, f, vars, &skip);
		if (t->proto == AWS_FU_REST && !skip)
			r = aws_asm_fill_path(path, sizeof(path), f->path, vars);
	}
	if (r < 0)
		aws_asm_nomem(a);
	if (skip || r != 0)
		goto out;
	a->label = f->label;
	if (!(k = asm_op(a, &op, t->service, f->operation, NULL)))
		goto out;
	k->t = t;
	k->f = f;
	if (t->proto == AWS_FU_QUERY) {
		asm_sent(a, k, &op, aws_call_query(&op, t->version, b.data));
	} else if (t->proto == AWS_FU_S3) {
		asm_sent(a, k, &op, aws_call_s3_bucket(&op, a->id, f->path));
	} else if (t->proto == AWS_FU_REST) {
		asm_sent(a, k, &op,
			 body ? aws_call_rest_json(&op, f->method, path, body)
			      : aws_call_rest(&op, f->method, path, NULL));
		body = NULL;
	} else {
		snprintf(target, sizeof(target), "%s%s", t->target, f->operation);
		asm_sent(a, k, &op,
			 aws_call_json_obj_v(&op, target, t->version ? t->version : "1.1",
					     body ? body : json_object()));
		body = NULL;
	}
out:
	a->label = false;
	json_decref(body);
	core_buf_release(&b);
}

void
aws_asm_calls(struct aws_asm *a, const struct aws_followups *t, const json_t *vars)
{
	const struct aws_followup *f;

	for (f = t->calls; f->operation; f++)
		follow_call(a, t, f, vars);
}

void
aws_asm_follow(struct aws_asm *a, const struct aws_followups *t, const json_t *vars)
{
	aws_asm_calls(a, t, vars);
	aws_asm_done(a);
}

/* The id and ARN of the resource from the members of v that f names. */
static void
follow_ids(struct aws_asm *a, struct aws_op *op, const struct aws_followup *f, const json_t *v)
{
	const char *id = f->id ? json_string_value(json_object_get(v, f->id)) : NULL;
	const char *arn = f->arn ? json_string_value(json_object_get(v, f->arn)) : NULL;
	char msg[128];

	if ((f->id && !id) || (f->arn && !arn)) {
		snprintf(msg, sizeof(msg), "no %s in the answer", f->id && !id ? f->id : f->arn);
		aws_asm_fail(a, op, "MalformedResponse", msg);
		return;
	}
	aws_asm_ids(a, id, arn, f->name ? json_string_value(json_object_get(v, f->name)) : NULL);
}

/* Stores the answer v of call f where f says. */
static void
follow_store(struct aws_asm *a, struct aws_op *op, const struct aws_followup *f, json_t *v)
{
	json_t *x = f->from ? json_object_get(v, f->from) : v, *p;
	char msg[128];

	switch (f->into) {
	case AWS_INTO_CONF:
		if (!json_is_object(x)) {
			snprintf(msg, sizeof(msg),
				 f->from ? "no %s in the answer" : "%s is not an object",
				 f->from ? f->from : "the answer");
			aws_asm_fail(a, op, "MalformedResponse", msg);
			return;
		}
		if (!f->key) {
			json_decref(a->conf);
			a->conf = json_incref(x);
		} else if (!a->conf || json_object_set(a->conf, f->key, x) != 0) {
			aws_asm_nomem(a);
			return;
		}
		follow_ids(a, op, f, x);
		break;
	case AWS_INTO_SUPP:
		if (!x && !f->optional) {
			snprintf(msg, sizeof(msg), "no %s in the answer", f->from);
			aws_asm_fail(a, op, "MalformedResponse", msg);
		} else {
			aws_asm_supp(a, f->key, json_incref(x));
		}
		break;
	case AWS_INTO_POLICY:
		if (f->optional && (!json_string_value(x) || !*json_string_value(x))) {
			aws_asm_supp(a, f->key, json_null());
		} else if ((p = aws_policy_parse(json_string_value(x))) != NULL) {
			aws_asm_supp(a, f->key, p);
		} else {
			snprintf(msg, sizeof(msg), "%s is not a policy",
				 f->from ? f->from : "the answer");
			aws_asm_fail(a, op, "MalformedResponse", msg);
		}
		break;
	case AWS_INTO_COPY:
		aws_asm_supp_copy(a, x, f->keys);
		break;
	case AWS_INTO_TAGS:
		aws_asm_tags(a, x);
		break;
	case AWS_INTO_FN:
		break;
	}
}

static void
follow_answer(struct asm_call *k, struct aws_op *op, const struct aws_reply *r)
{
	const struct aws_followup *f = k->f;
	struct aws_asm *a = k->a;
	json_t *v;
	bool absent = false;

	if (k->t->gone && aws_asm_gone(a, op, r, k->t->gone))
		return;
	if (f->into == AWS_INTO_FN) {
		f->fn(a, op, r);
		return;
	}
	if (k->t->proto == AWS_FU_QUERY)
		v = asm_error(a, op, r, f->absent, &absent)
			    ? NULL
			    : reply_xml(a, op, r, AWS_XML_QUERY, true);
	else
		v = aws_asm_reply_json(a, op, r, f->absent, &absent);
	if (absent && (f->into == AWS_INTO_SUPP || f->into == AWS_INTO_POLICY))
		aws_asm_supp(a, f->key, json_null());
	if (v)
		follow_store(a, op, f, v);
	json_decref(v);
}
