/*
 * Query-protocol answers converted by their service model (model.h): each
 * element is named by the API member it is (EC2's <reason> is
 * StateTransitionReason), typed as the model says (booleans, numbers), and
 * an empty element is what its shape is when empty ({} for a structure, []
 * for a list). An element the model does not know (a newer member, the
 * answer's requestId) is converted as protocol_query.c does without a
 * model, so nothing AWS sends is lost.
 */
#include "config.h"

#include "collect/aws/model.h"
#include "collect/aws/protocol.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
aws_model_output(const char *version, const char *operation)
{
	const struct aws_model_op *o;

	for (o = aws_model_ops; version && operation && o->version; o++)
		if (strcmp(o->version, version) == 0 && strcmp(o->operation, operation) == 0)
			return o->shape;
	return -1;
}

static bool
is_elem(xmlNodePtr n)
{
	return n && n->type == XML_ELEMENT_NODE;
}

static bool
has_elems(xmlNodePtr node)
{
	xmlNodePtr c;

	for (c = node->children; c; c = c->next)
		if (is_elem(c))
			return true;
	return false;
}

static char *
text_of(xmlNodePtr node)
{
	xmlChar *raw = xmlNodeGetContent(node);
	char *out = strdup(raw ? (const char *)raw : "");

	xmlFree(raw);
	return out;
}

/* A scalar as its model type says; text that does not parse as that type
 * stays a string (a check reading it then sees a string, never a guess). */
static json_t *
scalar(xmlNodePtr node, enum aws_model_kind kind)
{
	char *t = text_of(node), *end;
	json_t *v = NULL;
	long long ll;
	double d;

	if (!t)
		return NULL;
	if (kind == AWS_M_BOOL && (strcmp(t, "true") == 0 || strcmp(t, "false") == 0)) {
		v = json_boolean(strcmp(t, "true") == 0);
	} else if (kind == AWS_M_INT && *t) {
		errno = 0;
		ll = strtoll(t, &end, 10);
		if (!*end && errno == 0)
			v = json_integer(ll);
	} else if (kind == AWS_M_REAL && *t) {
		errno = 0;
		d = strtod(t, &end);
		if (!*end && errno == 0)
			v = json_real(d);
	}
	if (!v)
		v = json_string(t);
	free(t);
	return v;
}

static json_t *convert(xmlNodePtr node, int shape, enum aws_xml_style style);

static const struct aws_model_member *
member(const struct aws_model_shape *s, const char *wire)
{
	int i;

	for (i = 0; i < s->b; i++)
		if (strcmp(aws_model_members[s->a + i].wire, wire) == 0)
			return &aws_model_members[s->a + i];
	return NULL;
}

static xmlNodePtr
child(xmlNodePtr node, const char *name)
{
	xmlNodePtr c;

	for (c = node->children; c; c = c->next)
		if (is_elem(c) && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* One <entry> (or flattened entry) of a map into obj. */
static bool
map_entry(json_t *obj, xmlNodePtr e, const struct aws_model_shape *s, enum aws_xml_style style)
{
	xmlNodePtr k = child(e, s->item), v = child(e, s->value);
	char *key;
	json_t *val;
	bool ok;

	if (!k)
		return true; /* no key: nothing to file it under */
	if (!(key = text_of(k)))
		return false;
	val = v ? convert(v, s->b, style) : json_string("");
	ok = val && json_object_set_new(obj, key, val) == 0;
	free(key);
	return ok;
}

static json_t *
convert_struct(xmlNodePtr node, const struct aws_model_shape *s, enum aws_xml_style style)
{
	json_t *obj = json_object(), *v, *arr;
	const struct aws_model_member *m;
	const struct aws_model_shape *t;
	xmlNodePtr c;
	char key[128];

	for (c = node->children; obj && c; c = c->next) {
		if (!is_elem(c))
			continue;
		if (!(m = member(s, (const char *)c->name))) {
			v = aws_xml_convert_unknown(c, style, key, sizeof(key));
			if (!v || json_object_set_new(obj, key, v) != 0)
				goto fail;
			continue;
		}
		t = &aws_model_shapes[m->shape];
		if (t->flat && (t->kind == AWS_M_LIST || t->kind == AWS_M_MAP)) {
			/* Each element is one item (or entry) of the member. */
			if (!(arr = json_object_get(obj, m->name))) {
				arr = t->kind == AWS_M_LIST ? json_array() : json_object();
				if (!arr || json_object_set_new(obj, m->name, arr) != 0)
					goto fail;
			}
			if (t->kind == AWS_M_MAP) {
				if (!map_entry(arr, c, t, style))
					goto fail;
			} else if (!(v = convert(c, t->a, style)) ||
				   json_array_append_new(arr, v) != 0) {
				goto fail;
			}
			continue;
		}
		if (!(v = convert(c, m->shape, style)) || json_object_set_new(obj, m->name, v) != 0)
			goto fail;
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

static json_t *
convert(xmlNodePtr node, int shape, enum aws_xml_style style)
{
	const struct aws_model_shape *s = &aws_model_shapes[shape];
	json_t *out, *v;
	xmlNodePtr c;

	switch (s->kind) {
	case AWS_M_STRUCT:
		return convert_struct(node, s, style);
	case AWS_M_LIST:
		if (!(out = json_array()))
			return NULL;
		for (c = node->children; c; c = c->next)
			if (is_elem(c) && (!(v = convert(c, s->a, style)) ||
					   json_array_append_new(out, v) != 0)) {
				json_decref(out);
				return NULL;
			}
		return out;
	case AWS_M_MAP:
		if (!(out = json_object()))
			return NULL;
		for (c = node->children; c; c = c->next)
			if (is_elem(c) && !map_entry(out, c, s, style)) {
				json_decref(out);
				return NULL;
			}
		return out;
	default:
		/* Elements where the model has a scalar: not what it says. */
		if (has_elems(node)) {
			char key[128];

			return aws_xml_convert_unknown(node, style, key, sizeof(key));
		}
		return scalar(node, s->kind);
	}
}

json_t *
aws_xml_to_json_op(xmlNodePtr node, const char *version, const char *operation,
		   enum aws_xml_style style)
{
	int shape = aws_model_output(version, operation);
	json_t *v;

	if (shape < 0 || !node)
		return aws_xml_to_json(node, style);
	v = convert(node, shape, style);
	if (v && !json_is_object(v)) {
		json_decref(v);
		return json_object();
	}
	return v;
}

json_t *
aws_xml_list_to_json_op(xmlNodePtr node, const char *version, const char *operation,
			enum aws_xml_style style)
{
	int shape = aws_model_output(version, operation);
	const struct aws_model_member *m;

	if (shape < 0 || !(m = member(&aws_model_shapes[shape], (const char *)node->name)) ||
	    aws_model_shapes[m->shape].kind != AWS_M_LIST || aws_model_shapes[m->shape].flat)
		return aws_xml_list_to_json(node, style);
	return convert(node, m->shape, style);
}
