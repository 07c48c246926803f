/*
 * Validation of the native inventory format (doc/inventory.md): the header
 * keys and each resource record. Messages name the file, the line and column
 * where the record starts, its position in the list and the key at fault, so
 * that a user can find the problem in a file of a million lines.
 */
#include "config.h"

#include "inventory_int.h"

#include <stdarg.h>
#include <string.h>

const char *
inv_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* AWS::Service::Thing, with the empty middle part of AWS::::Account allowed. */
static bool
valid_type(const char *s)
{
	int parts = 0;
	size_t n = 0;

	for (;; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9')) {
			n++;
			continue;
		}
		if (n == 0 && parts != 1)
			return false;
		parts++;
		n = 0;
		if (*s == '\0')
			return parts == 3;
		if (s[0] != ':' || s[1] != ':')
			return false;
		s++;
	}
}

attest_rc
inv_bad(attest_ctx *ctx, const struct inv_pos *pos, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return core_error(ctx, ATTEST_ERR_INVALID,
			  "cannot load '%s' at line %lu, column %lu: resource %lld: %s", pos->file,
			  pos->line, pos->column, pos->index + 1, what);
}

static attest_rc
opt_string(attest_ctx *ctx, const json_t *res, const char *key, const char **out,
	   const struct inv_pos *pos)
{
	const json_t *v = json_object_get(res, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return ATTEST_OK;
	if (!json_is_string(v))
		return inv_bad(ctx, pos, "'%s' must be a string, not %s", key, inv_json_kind(v));
	*out = json_string_value(v);
	return ATTEST_OK;
}

/* Tags as an object of strings; AWS's [{"Key","Value"}] list is converted. */
static attest_rc
normalize_tags(attest_ctx *ctx, const json_t *v, json_t **out, const struct inv_pos *pos)
{
	const char *k;
	json_t *t, *item;
	size_t i;

	*out = NULL;
	if (!v || json_is_null(v))
		return ATTEST_OK;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, t) if (!json_is_string(t)) return inv_bad(
			ctx, pos, "tag '%s' must have a string value, not %s", k, inv_json_kind(t));
		*out = json_incref((json_t *)v);
		return ATTEST_OK;
	}
	if (!json_is_array(v))
		return inv_bad(ctx, pos,
			       "'tags' must be an object or a list of Key/Value pairs, not %s",
			       inv_json_kind(v));
	*out = json_object();
	if (!*out)
		return core_nomem(ctx);
	json_array_foreach(v, i, item)
	{
		const json_t *key = json_object_get(item, "Key");
		const json_t *val = json_object_get(item, "Value");

		if (!key)
			key = json_object_get(item, "key");
		if (!val)
			val = json_object_get(item, "value");
		if (!json_is_string(key) || (val && !json_is_string(val) && !json_is_null(val))) {
			json_decref(*out);
			*out = NULL;
			return inv_bad(ctx, pos,
				       "tags list: each tag needs a string Key and Value");
		}
		if (json_object_set_new(*out, json_string_value(key),
					json_string(val && json_is_string(val)
							    ? json_string_value(val)
							    : "")) != 0) {
			json_decref(*out);
			*out = NULL;
			return core_nomem(ctx);
		}
	}
	return ATTEST_OK;
}

attest_rc
inv_add_resource(attest_inventory *inv, long long sid, const json_t *res, const struct inv_pos *pos)
{
	attest_ctx *ctx = inventory_ctx(inv);
	static const char *const keys[6] = {"type", "id", "arn", "name", "region", "account"};
	const char *str[6];
	const json_t *config, *supp;
	json_t *tags = NULL;
	attest_rc rc;
	int i;

	if (!json_is_object(res))
		return inv_bad(ctx, pos, "a resource must be an object, not %s",
			       inv_json_kind(res));
	for (i = 0; i < 6; i++)
		if ((rc = opt_string(ctx, res, keys[i], &str[i], pos)) != ATTEST_OK)
			return rc;
	if (!str[0])
		return inv_bad(ctx, pos, "'type' is missing");
	if (!valid_type(str[0]))
		return inv_bad(ctx, pos,
			       "type '%s' is not of the form 'Provider::Service::Resource'",
			       str[0]);
	if (!str[1] || !*str[1])
		return inv_bad(ctx, pos, "'id' is missing or empty (type '%s')", str[0]);
	config = json_object_get(res, "configuration");
	supp = json_object_get(res, "supplementaryConfiguration");
	if (supp && !json_is_object(supp) && !json_is_null(supp))
		return inv_bad(ctx, pos, "'supplementaryConfiguration' must be an object, not %s",
			       inv_json_kind(supp));
	if (supp && json_is_null(supp))
		supp = NULL;
	if ((rc = inv_check_shape(ctx, str[0], config, pos)) != ATTEST_OK ||
	    (rc = normalize_tags(ctx, json_object_get(res, "tags"), &tags, pos)) != ATTEST_OK)
		return rc;
	rc = inv_insert(inv, sid, str, tags, config, supp, pos);
	json_decref(tags);
	return rc;
}

/* The header being checked, for messages. */
struct header {
	attest_ctx *ctx;
	const char *file;
	const json_t *where; /* top-level key -> [line, column] */
};

/* "cannot load 'FILE' at line L, column C" where key was read (its line
 * and column are unknown only for a caller that kept none). */
static attest_rc header_fail(const struct header *h, const char *key, const char *fmt, ...)
	ATTEST_PRINTF(3, 4);

static attest_rc
header_fail(const struct header *h, const char *key, const char *fmt, ...)
{
	const json_t *p = json_object_get(h->where, key);
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!p)
		return core_error(h->ctx, ATTEST_ERR_INVALID, "cannot load '%s': %s", h->file,
				  what);
	return core_error(h->ctx, ATTEST_ERR_INVALID,
			  "cannot load '%s' at line %" JSON_INTEGER_FORMAT
			  ", column %" JSON_INTEGER_FORMAT ": %s",
			  h->file, json_integer_value(json_array_get(p, 0)),
			  json_integer_value(json_array_get(p, 1)), what);
}

static attest_rc
header_bad(const struct header *h, const char *what, const char *key)
{
	return header_fail(h, key, "header key '%s' %s", key, what);
}

static attest_rc
log_bad(const struct header *h, size_t i, const char *key, const char *what)
{
	return header_fail(h, "collection_log", "header key 'collection_log[%zu]%s%s' %s", i,
			   key ? "." : "", key ? key : "", what);
}

/* The collection log: one object per call that failed for good. The text
 * fields are required strings; account and types are optional because
 * collectors older than the types list did not write them. */
static attest_rc
check_log(const struct header *h, const json_t *log)
{
	static const char *const required[] = {"service", "region", "operation", "error_code",
					       "message"};
	const json_t *entry, *v, *t;
	size_t i, k, j;

	if (!log || json_is_null(log))
		return ATTEST_OK;
	if (!json_is_array(log))
		return header_bad(h, "must be a list of failed calls", "collection_log");
	json_array_foreach(log, i, entry)
	{
		if (!json_is_object(entry))
			return log_bad(h, i, NULL, "must be an object");
		for (k = 0; k < sizeof(required) / sizeof(required[0]); k++) {
			v = json_object_get(entry, required[k]);
			if (!v)
				return log_bad(h, i, required[k], "is missing");
			if (!json_is_string(v))
				return log_bad(h, i, required[k], "must be a string");
		}
		if (!*json_string_value(json_object_get(entry, "service")) ||
		    !*json_string_value(json_object_get(entry, "operation")) ||
		    !*json_string_value(json_object_get(entry, "error_code")))
			return log_bad(h, i, NULL,
				       "needs a non-empty service, operation and error_code");
		v = json_object_get(entry, "account");
		if (v && !json_is_null(v) && !json_is_string(v))
			return log_bad(h, i, "account", "must be a string");
		v = json_object_get(entry, "types");
		if (!v || json_is_null(v))
			continue;
		if (!json_is_array(v))
			return log_bad(h, i, "types", "must be a list of resource types");
		json_array_foreach(v, j, t) if (
			!json_is_string(t) ||
			!valid_type(json_string_value(
				t))) return log_bad(h, i, "types",
						    "holds an entry that is not a resource type");
	}
	return ATTEST_OK;
}

attest_rc
inv_native_check_header(attest_ctx *ctx, const json_t *meta, const char *file, const json_t *where)
{
	const struct header hd = {ctx, file, where}, *h = &hd;
	const json_t *v, *item;
	size_t i;
	attest_rc rc;

	v = json_object_get(meta, "attest_inventory");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return header_bad(h, "must be 1 (the only format version this attest reads)",
				  "attest_inventory");
	v = json_object_get(meta, "provider");
	if (!json_is_string(v) || strcmp(json_string_value(v), "aws") != 0)
		return header_bad(h, "must be \"aws\"", "provider");
	v = json_object_get(meta, "collected_types");
	if (!json_is_array(v))
		return header_bad(h,
				  "is missing or not a list (name every resource type collected)",
				  "collected_types");
	json_array_foreach(v, i, item) if (
		!json_is_string(item) ||
		!valid_type(json_string_value(
			item))) return header_bad(h, "holds an entry that is not a resource type",
						  "collected_types");
	v = json_object_get(meta, "accounts");
	if (v && !json_is_array(v))
		return header_bad(h, "must be a list", "accounts");
	json_array_foreach(v, i, item) if (
		!json_is_string(item) &&
		!(json_is_object(item) &&
		  json_is_string(json_object_get(
			  item,
			  "id")))) return header_bad(h, "entries must be ids or {\"id\", \"name\"}",
						     "accounts");
	v = json_object_get(meta, "regions");
	if (v && !json_is_array(v))
		return header_bad(h, "must be a list", "regions");
	json_array_foreach(v, i, item) if (!json_is_string(item)) return header_bad(
		h, "entries must be strings", "regions");
	v = json_object_get(meta, "collected_at");
	if (v && !json_is_string(v))
		return header_bad(h, "must be a string", "collected_at");
	v = json_object_get(meta, "source");
	if (v && !json_is_string(v))
		return header_bad(h, "must be a string", "source");
	v = json_object_get(meta, "collected_by");
	if (v && !json_is_string(v))
		return header_bad(h, "must be a string", "collected_by");
	if ((rc = check_log(h, json_object_get(meta, "collection_log"))) != ATTEST_OK)
		return rc;
	/* A list of resources is streamed, never kept here: one that reached
	 * the metadata is not a list, and would otherwise be silently empty. */
	if (json_object_get(meta, "resources"))
		return header_bad(h, "must be a list", "resources");
	return ATTEST_OK;
}
