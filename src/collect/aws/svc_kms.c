/*
 * KMS, in each region: the aliases first (ListAliases, so that a key can be
 * named by its alias), then every key (ListKeys) with its metadata
 * (DescribeKey), rotation status and period (GetKeyRotationStatus), default
 * key policy (GetKeyPolicy, parsed into an object) and tags
 * (ListResourceTags); its aliases are kept as supplementary "Aliases". Keys for which AWS does not
 * support rotation (asymmetric, HMAC, imported, pending deletion) carry no
 * KeyRotationEnabled; that answer is not a failure.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define KMS "TrentService."

/* KMS tags are [{"TagKey", "TagValue"}]. */
static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *e, *o;
	size_t i;

	if (!v)
		return;
	o = json_object();
	json_array_foreach(json_object_get(v, "Tags"), i,
			   e) if (o && json_is_string(json_object_get(e, "TagKey")))
		json_object_set(o, json_string_value(json_object_get(e, "TagKey")),
				json_object_get(e, "TagValue"));
	if (o && json_object_size(o))
		a->tags = o;
	else
		json_decref(o);
	json_decref(v);
}

static const char *const rotation_keys[] = {"KeyRotationEnabled", "RotationPeriodInDays", NULL};

static const struct aws_followup key_calls[] = {
	{.operation = "DescribeKey",
	 .request = "{\"KeyId\": \"{KeyId}\"}",
	 .into = AWS_INTO_CONF,
	 .from = "KeyMetadata",
	 .id = "KeyId",
	 .arn = "Arn"},
	/* keys for which AWS does not support rotation answer with an error */
	{.operation = "GetKeyRotationStatus",
	 .request = "{\"KeyId\": \"{KeyId}\"}",
	 .into = AWS_INTO_COPY,
	 .keys = rotation_keys,
	 .absent = "UnsupportedOperationException|KMSInvalidStateException"},
	{.operation = "GetKeyPolicy",
	 .request = "{\"KeyId\": \"{KeyId}\", \"PolicyName\": \"default\"}",
	 .into = AWS_INTO_POLICY,
	 .from = "Policy",
	 .key = "KeyPolicy"},
	/* tags are labels: missing ones judge nothing */
	{.operation = "ListResourceTags",
	 .request = "{\"KeyId\": \"{KeyId}\"}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followups key_table = {
	.type = T_KMS_KEY,
	.service = "kms",
	.proto = AWS_FU_JSON,
	.target = KMS,
	.calls = key_calls,
};

static void
each_key(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *aliases = json_object_get(data, json_string_value(json_object_get(item, "KeyId")));
	const char *id = json_string_value(json_object_get(item, "KeyId"));
	struct aws_asm *a;

	if (!id || !(a = aws_asm_new(c, key_table.type, region, NULL)))
		return;
	aws_asm_ids(a, NULL, NULL, json_string_value(json_array_get(aliases, 0)));
	aws_asm_supp(a, NULL, NULL);
	if (aliases)
		aws_asm_supp(a, "Aliases", json_incref(aliases));
	aws_asm_follow(a, &key_table, item);
}

static void
each_alias(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *aliases = data;
	const char *key = json_string_value(json_object_get(item, "TargetKeyId"));
	json_t *name = json_object_get(item, "AliasName");
	json_t *list;

	(void)c;
	(void)region;
	if (!key || !json_is_string(name))
		return;
	list = json_object_get(aliases, key);
	if (!list) {
		list = json_array();
		if (!list || json_object_set_new(aliases, key, list) != 0)
			return;
	}
	json_array_append(list, name);
}

static const struct aws_jlist keys_list = {
	"kms",    "ListKeys", KMS "ListKeys", "1.1",        "{\"Limit\": 1000}",
	NULL,     "Keys",     "Marker",       "NextMarker", TB(T_KMS_KEY),
	each_key, NULL};

/* The aliases are only names: when they cannot be read, keys are still
 * collected, unnamed. The alias map lives as long as the collector. */
static void
aliases_end(struct aws_collector *c, const char *region, bool ok, void *data)
{
	(void)ok;
	aws_json_list(c, &keys_list, region, data);
}

static const struct aws_jlist aliases_list = {
	"kms",     "ListAliases", KMS "ListAliases", "1.1", "{\"Limit\": 100}", NULL,
	"Aliases", "Marker",      "NextMarker",      0,     each_alias,         aliases_end};

void
svc_kms_start(struct aws_collector *c, const char *region)
{
	json_t *aliases = json_object();

	if (!aliases || json_array_append_new(c->keep, aliases) != 0) {
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	aws_attempt(c, TB(T_KMS_KEY));
	aws_json_list(c, &aliases_list, region, aliases);
}
