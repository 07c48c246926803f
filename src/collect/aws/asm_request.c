/*
 * The requests of follow-up calls (asm.h's tables) made from their
 * templates: "{Name}" references replaced by the members of the listed
 * item, in JSON bodies, query parameters and REST paths.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <string.h>

/* The variable a template names at s ("{Name}" or "{Name?}", s at '{'):
 * its name into name, *optional set, the length of the reference; 0 when
 * s does not start a reference. */
static size_t
var_ref(const char *s, char *name, size_t size, bool *optional)
{
	size_t n = strcspn(s + 1, "{}?");

	if (s[0] != '{' || n == 0 || n >= size)
		return 0;
	memcpy(name, s + 1, n);
	name[n] = '\0';
	*optional = s[1 + n] == '?';
	if (s[1 + n + *optional] != '}')
		return 0;
	return n + 2 + *optional;
}

/* Replaces the references of a JSON template value in place; false when a
 * required variable is missing. */
bool
aws_asm_fill_json(json_t *v, const json_t *vars)
{
	char name[64];
	const char *s, *k;
	json_t *x;
	void *tmp;
	size_t i, n;
	bool opt;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			x = json_array_get(v, i);
			s = json_string_value(x);
			if (s && (n = var_ref(s, name, sizeof(name), &opt)) && !s[n]) {
				if (json_object_get(vars, name))
					json_array_set(v, i, json_object_get(vars, name));
				else if (!opt)
					return false;
				else
					json_array_remove(v, i--);
			} else if (!aws_asm_fill_json(x, vars)) {
				return false;
			}
		}
		return true;
	}
	json_object_foreach_safe(v, tmp, k, x)
	{
		s = json_string_value(x);
		if (s && (n = var_ref(s, name, sizeof(name), &opt)) && !s[n]) {
			if (json_object_get(vars, name))
				json_object_set(v, k, json_object_get(vars, name));
			else if (!opt)
				return false;
			else
				json_object_del(v, k);
		} else if (!aws_asm_fill_json(x, vars)) {
			return false;
		}
	}
	return true;
}

/* Query parameters "Name=value&..." with their references replaced, each
 * appended percent-encoded; 1 when a required variable is missing, -1
 * when out of memory or too long. */
int
aws_asm_fill_query(struct core_buf *b, const char *tmpl, const json_t *vars)
{
	char pair[256], name[64], *eq;
	const char *s = tmpl, *value;
	size_t n;
	bool opt;

	while (s && *s) {
		n = strcspn(s, "&");
		if (n >= sizeof(pair))
			return -1;
		memcpy(pair, s, n);
		pair[n] = '\0';
		s = s[n] ? s + n + 1 : s + n;
		if (!(eq = strchr(pair, '=')))
			return -1;
		*eq++ = '\0';
		value = eq;
		n = var_ref(eq, name, sizeof(name), &opt);
		if (n && n == strlen(eq)) {
			value = json_string_value(json_object_get(vars, name));
			if (!value && opt)
				continue;
			if (!value)
				return 1;
		}
		if (aws_param(b, pair, value) != ATTEST_OK)
			return -1;
	}
	return 0;
}

/* A REST path with its references replaced, each encoded as one path
 * segment; 1 when a required variable is missing, -1 when too long. */
int
aws_asm_fill_path(char *out, size_t size, const char *tmpl, const json_t *vars)
{
	char name[64], seg[2048];
	const char *value;
	size_t n, len = 0, r;
	bool opt;

	for (; *tmpl; tmpl += n) {
		if ((r = var_ref(tmpl, name, sizeof(name), &opt)) != 0) {
			if (!(value = json_string_value(json_object_get(vars, name))))
				return 1;
			if (!aws_shape_segment(seg, sizeof(seg), value))
				return -1;
			n = r;
		} else {
			n = 1 + strcspn(tmpl + 1, "{");
			if (n >= sizeof(seg))
				return -1;
			memcpy(seg, tmpl, n);
			seg[n] = '\0';
		}
		if (len + strlen(seg) >= size)
			return -1;
		memcpy(out + len, seg, strlen(seg) + 1);
		len += strlen(seg);
	}
	out[len] = '\0';
	return 0;
}
