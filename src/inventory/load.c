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
 * metadata, parsed whole (bounded). Key order does not matter.
 */
#include "config.h"

#include "awsconfig.h"
#include "inventory_int.h"
#include "jsonstream.h"

#include <string.h>

#define MAX_META (16u << 20)     /* one metadata value */
#define MAX_RECORD (64u << 20)   /* one resource or configuration item */
#define MAX_KEY 4096

enum format { FMT_UNKNOWN, FMT_NATIVE, FMT_NDJSON, FMT_AWSCONFIG };

struct loader {
	attest_inventory *inv;
	attest_ctx *ctx;
	struct jstream *js;
	long long sid;
	enum format fmt;
	long long index;
	time_t captured; /* AWS Config: the latest configurationItemCaptureTime */
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

	if (json_is_number(v) && json_number_value(v) >= 0 &&
	    json_number_value(v) < 253402300800.0)
		t = (time_t)json_number_value(v);
	else if (!json_is_string(v) || !attest_time_parse(json_string_value(v), &t))
		return;
	if (t > ld->captured)
		ld->captured = t;
}

static attest_rc
add_record(struct loader *ld, json_t *rec)
{
	struct inv_pos pos = {jstream_name(ld->js), jstream_line(ld->js), jstream_column(ld->js),
			      ld->index++};
	json_t *res = NULL;
	attest_rc rc;

	if (ld->fmt != FMT_AWSCONFIG)
		return inv_add_resource(ld->inv, ld->sid, rec, &pos);
	note_capture(ld, rec);
	rc = attest_awsconfig_item(ld->ctx, rec, &res);
	if (rc != ATTEST_OK) {
		attest_error_prefix(ld->ctx, "cannot load '%s' at line %lu, column %lu", pos.file,
				    pos.line, pos.column);
		return rc;
	}
	if (!res)
		return ATTEST_OK; /* a deleted or unrecorded item */
	rc = inv_add_resource(ld->inv, ld->sid, res, &pos);
	json_decref(res);
	return rc;
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
	*key = attest_strdup(json_string_value(k));
	json_decref(k);
	return *key ? ATTEST_OK : attest_nomem(ld->ctx);
}

/* Walks the top-level object, streaming record lists and keeping the rest. */
static attest_rc
read_top(struct loader *ld, json_t *meta)
{
	char *key = NULL;
	json_t *v = NULL;
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
		    (rc = jstream_expect(ld->js, ':')) != ATTEST_OK)
			goto out;
		c = jstream_peek(ld->js);
		if (c == '[' && strcmp(key, "resources") == 0) {
			ld->fmt = FMT_NATIVE;
			rc = stream_list(ld);
		} else if (c == '[' && (strcmp(key, "configurationItems") == 0 ||
					strcmp(key, "baseConfigurationItems") == 0)) {
			ld->fmt = FMT_AWSCONFIG;
			rc = stream_list(ld);
		} else if ((rc = jstream_read_value(ld->js, MAX_META)) == ATTEST_OK &&
			   (rc = jstream_parse(ld->js, &v)) == ATTEST_OK) {
			if (json_object_set_new(meta, key, v) != 0)
				rc = attest_nomem(ld->ctx);
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
		return ATTEST_OK;
	if (!native_header)
		return attest_error(ld->ctx, ATTEST_ERR_INVALID,
				    "cannot load '%s': not an attest inventory (no 'attest_inventory' "
				    "key) nor an AWS Config snapshot (no 'configurationItems' list)",
				    name);
	if (ld->fmt == FMT_UNKNOWN)
		ld->fmt = FMT_NDJSON; /* a header alone: an NDJSON file with no resources */
	return inv_native_check_header(ld->ctx, meta, name);
}

static const char *
format_name(enum format fmt)
{
	switch (fmt) {
	case FMT_NATIVE: return "attest-json";
	case FMT_NDJSON: return "attest-ndjson";
	case FMT_AWSCONFIG: return "aws-config";
	default: return "unknown";
	}
}

attest_rc
attest_inventory_load_fp(attest_inventory *inv, FILE *fp, const char *name)
{
	struct loader ld = {inv, attest_inventory_ctx(inv), NULL, 0, FMT_UNKNOWN, 0, 0};
	json_t *meta = NULL;
	char sha[65], iso[21];
	attest_rc rc;

	if ((rc = inv_source_begin(inv, name, &ld.sid)) != ATTEST_OK)
		return rc;
	if ((rc = jstream_open(ld.ctx, name, fp, &ld.js)) != ATTEST_OK)
		return rc;
	meta = json_object();
	if (!meta) {
		rc = attest_nomem(ld.ctx);
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
		attest_time_iso(ld.captured, iso);
		meta = ld.captured ? json_pack("{s:s, s:s}", "provider", "aws", "collected_at", iso)
				   : json_pack("{s:s}", "provider", "aws");
		if (!meta) {
			rc = attest_nomem(ld.ctx);
			goto out;
		}
	}
	rc = inv_source_end(inv, ld.sid, format_name(ld.fmt), meta, sha, jstream_bytes(ld.js));
	if (rc != ATTEST_OK)
		attest_error_prefix(ld.ctx, "cannot load '%s'", name);
out:
	json_decref(meta);
	jstream_free(ld.js);
	return rc;
}

attest_rc
attest_inventory_load(attest_inventory *inv, const char *path)
{
	return attest_inventory_load_fp(inv, NULL, path);
}
