/*
 * Reading an inventory file: detects the format from the content and streams
 * resources into the inventory one at a time.
 *
 *   native JSON   {"attest_inventory": 1, ..., "resources": [ ... ]}
 *   native NDJSON {"attest_inventory": 1, ...}\n{resource}\n{resource}...
 *   AWS Config    {"configurationItems": [ ... ]} (or baseConfigurationItems)
 *
 * The top-level object is walked member by member: list members that hold
 * records are streamed element by element; every other member is small
 * metadata, parsed whole. Key order does not matter; a key may appear only
 * once, and a file is one format: a native header beside a Config list is
 * refused rather than half read.
 *
 * What a file can make us hold is bounded (doc/inventory.md, "Limits"): at
 * most MAX_META_KEYS header keys, whose values together take at most
 * MAX_META_TOTAL bytes of text and MAX_META_COST units of parsing cost
 * (a million numbers, a fifth as many objects, a third as many arrays:
 * some 60 MB in jansson),
 * one record at most MAX_RECORD bytes, and
 * (jsonstream.c) gzip input may not expand past a fixed ratio.
 */
#include "config.h"

#include "awsconfig.h"
#include "inventory_int.h"
#include "jsonstream.h"

#include <string.h>

#define MAX_META_TOTAL (16u << 20) /* all header values together, as text */
#define MAX_META_COST 1000000u     /* their parsing cost (jsonstream.h) */
#define MAX_META_KEYS 64           /* header keys */
#define MAX_RECORD (64u << 20)     /* one resource or configuration item */
#define MAX_KEY 4096

enum format { FMT_UNKNOWN, FMT_NATIVE, FMT_NDJSON, FMT_AWSCONFIG };

struct loader {
	attest_inventory *inv;
	attest_ctx *ctx;
	struct jstream *js;
	long long sid;
	enum format fmt;
	long long index;
	json_t *where;                   /* top-level key -> [line, column] */
	size_t meta_bytes;               /* text of the header values read so far */
	size_t meta_cost;                /* and what parsing it cost (jsonstream.h) */
	struct awsconfig_latest *latest; /* newest item per resource (Config) */
	time_t captured;                 /* AWS Config: the latest configurationItemCaptureTime */
};

/* Keeps the latest capture time of the configuration items read: the
 * snapshot shows the estate as of that moment. Deleted items count too
 * (their deletion is the latest state). An unreadable time is left to the
 * converter to judge. */
static void
note_capture(struct loader *ld, const json_t *item)
{
	const json_t *v = json_object_get(item, "configurationItemCaptureTime");
	time_t t = 0;

	if (json_is_number(v) && json_number_value(v) >= 0 && json_number_value(v) < 253402300800.0)
		t = (time_t)json_number_value(v);
	else if (!json_is_string(v) || !core_time_parse(json_string_value(v), &t))
		return;
	if (t > ld->captured)
		ld->captured = t;
}

/* Keys of the native header (doc/inventory.md); none belongs in a Config file. */
static const char *const native_keys[] = {
	"attest_inventory",
	"provider",
	"collected_types",
	"accounts",
	"regions",
	"collected_at",
	"source",
	"collection_log",
	"resources",
	"collected_by",
	NULL,
};

static bool
is_native_key(const char *key)
{
	size_t i;

	for (i = 0; native_keys[i]; i++)
		if (strcmp(native_keys[i], key) == 0)
			return true;
	return false;
}

/* Line and column where top-level key was read, 0 when it was not. */
static void
key_pos(const json_t *where, const char *key, unsigned long *line, unsigned long *col)
{
	const json_t *p = json_object_get(where, key);

	*line = (unsigned long)json_integer_value(json_array_get(p, 0));
	*col = (unsigned long)json_integer_value(json_array_get(p, 1));
}

static attest_rc
add_record(struct loader *ld, json_t *rec)
{
	struct inv_pos pos = {jstream_name(ld->js), jstream_line(ld->js), jstream_column(ld->js),
			      ld->index++};
	if (ld->fmt != FMT_AWSCONFIG)
		return inv_add_resource(ld->inv, ld->sid, rec, &pos);
	note_capture(ld, rec);
	if (!ld->latest) {
		attest_rc rc = awsconfig_latest_new(ld->inv, ld->sid, &ld->latest);

		if (rc != ATTEST_OK)
			return rc;
	}
	return awsconfig_latest_add(ld->latest, rec, &pos);
}

static attest_rc
read_record(struct loader *ld)
{
	json_t *rec = NULL;
	attest_rc rc;

	if ((rc = jstream_read_value(ld->js, MAX_RECORD)) != ATTEST_OK ||
	    (rc = jstream_parse(ld->js, &rec)) != ATTEST_OK)
		return rc;
	rc = add_record(ld, rec);
	json_decref(rec);
	return rc;
}

static attest_rc
stream_list(struct loader *ld)
{
	attest_rc rc;
	int c;

	if ((rc = jstream_expect(ld->js, '[')) != ATTEST_OK)
		return rc;
	if (jstream_peek(ld->js) == ']')
		return jstream_expect(ld->js, ']');
	for (;;) {
		if ((rc = read_record(ld)) != ATTEST_OK)
			return rc;
		c = jstream_peek(ld->js);
		if (c == ']')
			return jstream_expect(ld->js, ']');
		if ((rc = jstream_expect(ld->js, ',')) != ATTEST_OK)
			return rc;
	}
}

static attest_rc
read_key(struct loader *ld, char **key)
{
	json_t *k = NULL;
	attest_rc rc;

	*key = NULL;
	if (jstream_peek(ld->js) != '"')
		return jstream_fail(ld->js, ATTEST_ERR_PARSE, "a quoted key expected");
	if ((rc = jstream_read_value(ld->js, MAX_KEY)) != ATTEST_OK ||
	    (rc = jstream_parse(ld->js, &k)) != ATTEST_OK)
		return rc;
	*key = core_strdup(json_string_value(k));
	json_decref(k);
	return *key ? ATTEST_OK : core_nomem(ld->ctx);
}

/* Records where key was read; a key seen before is an error. */
static attest_rc
note_key(struct loader *ld, const char *key)
{
	unsigned long line = jstream_line(ld->js), col = jstream_column(ld->js), l0, c0;

	key_pos(ld->where, key, &l0, &c0);
	if (l0)
		return core_error(ld->ctx, ATTEST_ERR_PARSE,
				  "cannot parse '%s' at line %lu, column %lu: duplicate key '%s'"
				  " (first at line %lu, column %lu)",
				  jstream_name(ld->js), line, col, key, l0, c0);
	if (json_object_size(ld->where) >= MAX_META_KEYS)
		return core_error(ld->ctx, ATTEST_ERR_LIMIT,
				  "cannot load '%s' at line %lu, column %lu: more than %u top-level"
				  " keys",
				  jstream_name(ld->js), line, col, MAX_META_KEYS);
	if (json_object_set_new(ld->where, key,
				json_pack("[II]", (json_int_t)line, (json_int_t)col)) != 0)
		return core_nomem(ld->ctx);
	return ATTEST_OK;
}

/* A file holds one kind of record list. */
static attest_rc
set_format(struct loader *ld, enum format fmt, const char *key)
{
	if (ld->fmt != FMT_UNKNOWN && ld->fmt != fmt)
		return core_error(ld->ctx, ATTEST_ERR_INVALID,
				  "cannot load '%s' at line %lu, column %lu: '%s' mixes an AWS "
				  "Config list with an attest 'resources' list",
				  jstream_name(ld->js), jstream_line(ld->js),
				  jstream_column(ld->js), key);
	ld->fmt = fmt;
	return ATTEST_OK;
}

/* Reads a header value, within what is left of MAX_META_TOTAL. */
static attest_rc
read_meta(struct loader *ld, const char *key, json_t *meta)
{
	size_t left = MAX_META_TOTAL - ld->meta_bytes;
	json_t *v = NULL;
	attest_rc rc;

	rc = jstream_read_value(ld->js, left);
	if (rc == ATTEST_ERR_LIMIT && left < MAX_META_TOTAL)
		return core_error(ld->ctx, rc,
				  "cannot load '%s': the header values together exceed %u bytes"
				  " (reached in key '%s' at line %lu, column %lu)",
				  jstream_name(ld->js), MAX_META_TOTAL, key, jstream_line(ld->js),
				  jstream_column(ld->js));
	if (rc != ATTEST_OK)
		return rc;
	ld->meta_cost += jstream_value_cost(ld->js);
	if (ld->meta_cost > MAX_META_COST)
		return core_error(
			ld->ctx, ATTEST_ERR_LIMIT,
			"cannot load '%s': the header values together hold more than"
			" %u JSON values (objects count 5, arrays 3; reached in key '%s' at line"
			" %lu, column %lu)",
			jstream_name(ld->js), MAX_META_COST, key, jstream_line(ld->js),
			jstream_column(ld->js));
	if ((rc = jstream_parse(ld->js, &v)) != ATTEST_OK)
		return rc;
	ld->meta_bytes += jstream_value_len(ld->js);
	if (json_object_set_new(meta, key, v) != 0)
		return core_nomem(ld->ctx);
	return ATTEST_OK;
}

/* Walks the top-level object, streaming record lists and keeping the rest. */
static attest_rc
read_top(struct loader *ld, json_t *meta)
{
	char *key = NULL;
	attest_rc rc;
	int c;

	if (jstream_peek(ld->js) != '{')
		return jstream_fail(ld->js, ATTEST_ERR_PARSE,
				    "an inventory must start with a JSON object");
	if ((rc = jstream_expect(ld->js, '{')) != ATTEST_OK)
		return rc;
	if (jstream_peek(ld->js) == '}')
		return jstream_expect(ld->js, '}');
	for (;;) {
		if ((rc = read_key(ld, &key)) != ATTEST_OK ||
		    (rc = note_key(ld, key)) != ATTEST_OK ||
		    (rc = jstream_expect(ld->js, ':')) != ATTEST_OK)
			goto out;
		c = jstream_peek(ld->js);
		if (c == '[' && strcmp(key, "resources") == 0) {
			if ((rc = set_format(ld, FMT_NATIVE, key)) == ATTEST_OK)
				rc = stream_list(ld);
		} else if (c == '[' && (strcmp(key, "configurationItems") == 0 ||
					strcmp(key, "baseConfigurationItems") == 0)) {
			if ((rc = set_format(ld, FMT_AWSCONFIG, key)) == ATTEST_OK)
				rc = stream_list(ld);
		} else {
			rc = read_meta(ld, key, meta);
		}
		if (rc != ATTEST_OK)
			goto out;
		free(key);
		key = NULL;
		c = jstream_peek(ld->js);
		if (c == '}') {
			rc = jstream_expect(ld->js, '}');
			goto out;
		}
		if ((rc = jstream_expect(ld->js, ',')) != ATTEST_OK)
			goto out;
	}
out:
	free(key);
	return rc;
}

/* An AWS Config file carries no native header key. */
static attest_rc
check_config_top(struct loader *ld, const json_t *meta)
{
	unsigned long line, col;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)meta, key, v)
	{
		if (!is_native_key(key))
			continue;
		key_pos(ld->where, key, &line, &col);
		return core_error(ld->ctx, ATTEST_ERR_INVALID,
				  "cannot load '%s' at line %lu, column %lu: header key '%s' of an"
				  " attest inventory in an AWS Config file (one file is one"
				  " format)",
				  jstream_name(ld->js), line, col, key);
	}
	return ATTEST_OK;
}

static attest_rc
load(struct loader *ld, json_t *meta)
{
	const char *name = jstream_name(ld->js);
	bool native_header;
	attest_rc rc;

	if ((rc = read_top(ld, meta)) != ATTEST_OK)
		return rc;
	native_header = json_object_get(meta, "attest_inventory") != NULL;
	if (jstream_peek(ld->js) != -1) {
		if (ld->fmt != FMT_UNKNOWN || !native_header)
			return jstream_fail(ld->js, ATTEST_ERR_PARSE,
					    "unexpected content after the end of the document");
		ld->fmt = FMT_NDJSON;
		while (jstream_peek(ld->js) != -1)
			if ((rc = read_record(ld)) != ATTEST_OK)
				return rc;
	}
	if (ld->fmt == FMT_AWSCONFIG)
		return check_config_top(ld, meta);
	if (!native_header)
		return core_error(
			ld->ctx, ATTEST_ERR_INVALID,
			"cannot load '%s': not an attest inventory (no 'attest_inventory' "
			"key) nor an AWS Config snapshot (no 'configurationItems' list)",
			name);
	if (ld->fmt == FMT_UNKNOWN)
		ld->fmt = FMT_NDJSON; /* a header alone: an NDJSON file with no resources */
	return inv_native_check_header(ld->ctx, meta, name, ld->where);
}

static const char *
format_name(enum format fmt)
{
	switch (fmt) {
	case FMT_NATIVE:
		return "attest-json";
	case FMT_NDJSON:
		return "attest-ndjson";
	case FMT_AWSCONFIG:
		return "aws-config";
	default:
		return "unknown";
	}
}

attest_rc
attest_inventory_load_fp(attest_inventory *inv, FILE *fp, const char *name)
{
	struct loader ld = {inv, inventory_ctx(inv), NULL, 0, FMT_UNKNOWN, 0, NULL, 0, 0, NULL, 0};
	json_t *meta = NULL;
	char sha[65], iso[21];
	attest_rc rc;

	if ((rc = inv_source_begin(inv, name, &ld.sid)) != ATTEST_OK)
		return rc;
	if ((rc = jstream_open(ld.ctx, name, fp, &ld.js)) != ATTEST_OK)
		return rc;
	meta = json_object();
	ld.where = json_object();
	if (!meta || !ld.where) {
		rc = core_nomem(ld.ctx);
		goto out;
	}
	if ((rc = load(&ld, meta)) != ATTEST_OK)
		goto out;
	jstream_sha256(ld.js, sha);
	if ((rc = jstream_check_end(ld.js)) != ATTEST_OK)
		goto out;
	if (ld.fmt == FMT_AWSCONFIG) {
		/* A snapshot has no header: its collection time is that of its
		 * latest configuration item. */
		json_decref(meta);
		core_time_iso(ld.captured, iso);
		meta = ld.captured ? json_pack("{s:s, s:s}", "provider", "aws", "collected_at", iso)
				   : json_pack("{s:s}", "provider", "aws");
		if (!meta) {
			rc = core_nomem(ld.ctx);
			goto out;
		}
	}
	rc = inv_source_end(inv, ld.sid, format_name(ld.fmt), meta, sha, jstream_bytes(ld.js));
	if (rc != ATTEST_OK)
		core_error_prefix(ld.ctx, "cannot load '%s'", name);
out:
	awsconfig_latest_free(ld.latest);
	json_decref(ld.where);
	json_decref(meta);
	jstream_free(ld.js);
	return rc;
}

attest_rc
attest_inventory_load(attest_inventory *inv, const char *path)
{
	return attest_inventory_load_fp(inv, NULL, path);
}
