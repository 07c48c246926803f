/*
 * Reshaping answers into the API shapes of doc/resource-types.md, and
 * assembling a resource from several answers (see shape.h). An assembly
 * counts the calls still due for it; the last answer writes the resource,
 * unless one of them failed for good, in which case the failure is already
 * in the collection log and its type withheld.
 */
#include "config.h"

#include "collect/aws/shape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool
in(const char *const *set, const char *s)
{
	for (; set && *set; set++)
		if (strcmp(*set, s) == 0)
			return true;
	return false;
}

bool
aws_code_in(const char *code, const char *set)
{
	size_t n;
	const char *e;

	if (!code || !set)
		return false;
	n = strlen(code);
	for (; *set; set = *e ? e + 1 : e) {
		e = strchr(set, '|');
		if (!e)
			e = set + strlen(set);
		if ((size_t)(e - set) == n && strncmp(set, code, n) == 0)
			return true;
	}
	return false;
}

static json_t *
retype(const char *key, json_t *v, const struct aws_shape *s)
{
	const char *t = json_string_value(v);
	char *end, buf[64];
	long long ll;

	if (in(s->lists, key) && !json_is_array(v) &&
	    (json_is_null(v) || (t && !*t) || (json_is_object(v) && json_object_size(v) == 0)))
		return json_array();
	if (t && in(s->bools, key) && (strcmp(t, "true") == 0 || strcmp(t, "false") == 0))
		return json_boolean(strcmp(t, "true") == 0);
	if (t && *t && in(s->ints, key)) {
		errno = 0;
		ll = strtoll(t, &end, 10);
		if (!*end && errno == 0)
			return json_integer(ll);
	}
	if (json_is_integer(v) && in(s->strings, key)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return json_string(buf);
	}
	return NULL;
}

void
aws_shape_apply(json_t *v, const struct aws_shape *s)
{
	const char *k, *const *r;
	json_t *x, *n;
	void *tmp;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			aws_shape_apply(x, s);
		return;
	}
	if (!json_is_object(v))
		return;
	for (r = s->renames; r && r[0]; r += 2)
		if ((x = json_object_get(v, r[0])) != NULL) {
			json_object_set(v, r[1], x);
			json_object_del(v, r[0]);
		}
	json_object_foreach_safe(v, tmp, k, x) {
		if ((n = retype(k, x, s)) != NULL)
			json_object_set_new(v, k, n);
		else
			aws_shape_apply(x, s);
	}
}

json_t *
aws_shape_pascal(const json_t *v, const char *const *maps)
{
	const char *k;
	json_t *out, *x, *n, *m, *y;
	char key[256];
	size_t i;

	if (json_is_array(v)) {
		if (!(out = json_array()))
			return NULL;
		json_array_foreach(v, i, x)
			if (!(n = aws_shape_pascal(x, maps)) || json_array_append_new(out, n)) {
				json_decref(out);
				return NULL;
			}
		return out;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	if (!(out = json_object()))
		return NULL;
	json_object_foreach((json_t *)v, k, x) {
		snprintf(key, sizeof(key), "%s", k);
		if (key[0] >= 'a' && key[0] <= 'z')
			key[0] = (char)(key[0] - 'a' + 'A');
		if (in(maps, k) && json_is_object(x)) {
			const char *mk;

			n = json_object();
			json_object_foreach(x, mk, m)
				if (n && (!(y = aws_shape_pascal(m, maps)) || json_object_set_new(n, mk, y))) {
					json_decref(n);
					n = NULL;
				}
		} else {
			n = aws_shape_pascal(x, maps);
		}
		if (!n || json_object_set_new(out, key, n)) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

json_t *
aws_take(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return NULL;
	json_incref(v);
	json_object_del(obj, key);
	return v;
}

json_t *
aws_tags_map(const json_t *m)
{
	if (!json_is_object(m) || json_object_size(m) == 0)
		return NULL;
	return json_deep_copy(m);
}

bool
aws_shape_segment(char *buf, size_t size, const char *s)
{
	struct attest_buf b;
	bool ok;

	attest_buf_init(&b, size);
	ok = s && aws_buf_encode(&b, s, false) == ATTEST_OK && b.len < size;
	if (ok)
		memcpy(buf, b.data, b.len + 1);
	attest_buf_release(&b);
	return ok;
}

/* ---- assemblies ---- */

struct aws_asm *
aws_asm_new(struct aws_collector *c, enum aws_type type, const char *region, json_t *conf)
{
	struct aws_asm *a = calloc(1, sizeof(*a));

	if (!a || !conf) {
		free(a);
		json_decref(conf);
		aws_fatal(c, attest_nomem(c->ctx));
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
		aws_fatal(a->c, attest_nomem(a->c->ctx));
}

void
aws_asm_ids(struct aws_asm *a, const char *id, const char *arn, const char *name)
{
	set_str(a, &a->id, id);
	set_str(a, &a->arn, arn);
	set_str(a, &a->name, name);
}

void
aws_asm_supp(struct aws_asm *a, const char *key, json_t *value)
{
	if (!a->supp && !(a->supp = json_object())) {
		json_decref(value);
		aws_fatal(a->c, attest_nomem(a->c->ctx));
		return;
	}
	if (json_object_set_new(a->supp, key, value ? value : json_null()) != 0)
		aws_fatal(a->c, attest_nomem(a->c->ctx));
}

void
aws_asm_done(struct aws_asm *a)
{
	if (--a->pending > 0)
		return;
	if (!a->failed && a->id)
		aws_emit(a->c, a->type, a->id, a->arn, a->name, a->region, a->tags, a->conf, a->supp);
	else {
		json_decref(a->conf);
		json_decref(a->supp);
		json_decref(a->tags);
	}
	free(a->id);
	free(a->arn);
	free(a->name);
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
};

static void
asm_answer(struct aws_op *op, const struct aws_reply *r)
{
	struct asm_call *k = op->data;
	struct aws_asm *a = k->a;

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
		aws_fatal(a->c, attest_nomem(a->c->ctx));
		return NULL;
	}
	k->a = a;
	k->fn = fn;
	op->c = a->c;
	op->service = service;
	op->operation = operation;
	snprintf(op->region, sizeof(op->region), "%s", a->region);
	op->types = a->label ? 0 : TB(a->type);
	a->label = false;
	op->fn = asm_answer;
	op->data = k;
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
	asm_sent(a, k, &op, body ? aws_call_rest_json(&op, method, path, body)
			    : aws_call_rest(&op, method, path, NULL));
}

void
aws_asm_json(struct aws_asm *a, const char *service, const char *operation, const char *target,
	     json_t *body, aws_asm_fn fn)
{
	struct aws_op op;
	struct asm_call *k = asm_op(a, &op, service, operation, fn);

	if (!k) {
		json_decref(body);
		return;
	}
	asm_sent(a, k, &op, aws_call_json_obj(&op, target, body ? body : json_object()));
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

json_t *
aws_asm_reply_xml(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r,
		  enum aws_xml_style style, const char *absent, bool *absent_out)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	json_t *v;
	char name[96];

	if (asm_error(a, op, r, absent, absent_out))
		return NULL;
	if (!(doc = aws_reply_xml(op, r))) {
		if (op->types)
			a->failed = true;
		return NULL;
	}
	snprintf(name, sizeof(name), "%sResult", op->operation);
	root = aws_xml_find(xmlDocGetRootElement(doc), name);
	v = aws_xml_to_json_op(root ? root : xmlDocGetRootElement(doc), op->version, op->operation,
			       style);
	xmlFreeDoc(doc);
	if (!v) {
		a->failed = true;
		aws_fatal(op->c, attest_nomem(op->c->ctx));
	}
	return v;
}
