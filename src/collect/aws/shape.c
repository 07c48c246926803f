/*
 * Reshaping answers into the API shapes of doc/resource-types.md (see
 * shape.h).
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
		json_array_foreach(v, i, x) aws_shape_apply(x, s);
		return;
	}
	if (!json_is_object(v))
		return;
	for (r = s->renames; r && r[0]; r += 2)
		if ((x = json_object_get(v, r[0])) != NULL) {
			json_object_set(v, r[1], x);
			json_object_del(v, r[0]);
		}
	json_object_foreach_safe(v, tmp, k, x)
	{
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
		json_array_foreach(v, i, x) if (!(n = aws_shape_pascal(x, maps)) ||
						json_array_append_new(out, n))
		{
			json_decref(out);
			return NULL;
		}
		return out;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	if (!(out = json_object()))
		return NULL;
	json_object_foreach((json_t *)v, k, x)
	{
		snprintf(key, sizeof(key), "%s", k);
		if (key[0] >= 'a' && key[0] <= 'z')
			key[0] = (char)(key[0] - 'a' + 'A');
		if (in(maps, k) && json_is_object(x)) {
			const char *mk;

			n = json_object();
			json_object_foreach(x, mk, m) if (n && (!(y = aws_shape_pascal(m, maps)) ||
								json_object_set_new(n, mk, y)))
			{
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
	struct core_buf b;
	bool ok;

	core_buf_init(&b, size);
	ok = s && aws_buf_encode(&b, s, false) == ATTEST_OK && b.len < size;
	if (ok)
		memcpy(buf, b.data, b.len + 1);
	core_buf_release(&b);
	return ok;
}
