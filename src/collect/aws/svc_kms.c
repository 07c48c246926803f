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

#include "collect/aws/collect_int.h"

#include <stdlib.h>
#include <string.h>

#define KMS "TrentService."

struct key {
	json_t *meta, *supp, *tags;
	const char *alias; /* borrowed from the region's aliases (kept by c->keep) */
	int pending;
	bool failed;
};

static void
key_step(struct aws_collector *c, struct key *k, const char *region)
{
	const char *id, *arn;

	if (--k->pending > 0)
		return;
	if (!k->failed && k->meta) {
		id = json_string_value(json_object_get(k->meta, "KeyId"));
		arn = json_string_value(json_object_get(k->meta, "Arn"));
		aws_emit(c, T_KMS_KEY, id, arn, k->alias, region, k->tags, json_incref(k->meta),
			 json_incref(k->supp));
		k->tags = NULL;
	}
	json_decref(k->tags);
	json_decref(k->meta);
	json_decref(k->supp);
	free(k);
}

static void
describe_done(struct aws_op *op, const struct aws_reply *r)
{
	struct key *k = op->data;
	json_t *v;

	if (!r->ok) {
		aws_fail_reply(op, r);
		k->failed = true;
	} else if ((v = aws_reply_json(op, r)) != NULL) {
		k->meta = json_incref(json_object_get(v, "KeyMetadata"));
		json_decref(v);
	}
	if (!json_is_object(k->meta))
		k->failed = true;
	key_step(op->c, k, op->region);
}

static void
rotation_done(struct aws_op *op, const struct aws_reply *r)
{
	struct key *k = op->data;
	json_t *v;

	if (!r->ok) {
		if (!r->error_code || (strcmp(r->error_code, "UnsupportedOperationException") != 0 &&
				       strcmp(r->error_code, "KMSInvalidStateException") != 0)) {
			aws_fail_reply(op, r);
			k->failed = true;
		}
	} else if ((v = aws_reply_json(op, r)) != NULL) {
		json_object_set(k->supp, "KeyRotationEnabled",
				json_object_get(v, "KeyRotationEnabled"));
		if (json_object_get(v, "RotationPeriodInDays"))
			json_object_set(k->supp, "RotationPeriodInDays",
					json_object_get(v, "RotationPeriodInDays"));
		json_decref(v);
	}
	key_step(op->c, k, op->region);
}

static void
policy_done(struct aws_op *op, const struct aws_reply *r)
{
	struct key *k = op->data;
	json_t *v, *p;

	if (!r->ok) {
		aws_fail_reply(op, r);
		k->failed = true;
	} else if ((v = aws_reply_json(op, r)) != NULL) {
		p = aws_policy_parse(json_string_value(json_object_get(v, "Policy")));
		if (p)
			json_object_set_new(k->supp, "KeyPolicy", p);
		else
			aws_fail(op, "MalformedResponse", "the key policy is not JSON");
		json_decref(v);
	}
	key_step(op->c, k, op->region);
}

static void
tags_done(struct aws_op *op, const struct aws_reply *r)
{
	struct key *k = op->data;
	json_t *v, *t, *e, *o;
	size_t i;

	if (!r->ok) {
		aws_fail_reply(op, r);
	} else if ((v = aws_reply_json(op, r)) != NULL) {
		t = json_object_get(v, "Tags");
		o = json_object();
		json_array_foreach(t, i, e)
			if (o && json_is_string(json_object_get(e, "TagKey")))
				json_object_set(o, json_string_value(json_object_get(e, "TagKey")),
						json_object_get(e, "TagValue"));
		if (o && json_object_size(o))
			k->tags = o;
		else
			json_decref(o);
		json_decref(v);
	}
	key_step(op->c, k, op->region);
}

static void
each_key(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *aliases = data;
	const char *id = json_string_value(json_object_get(item, "KeyId"));
	struct aws_op op = {c, "kms", "DescribeKey", "", TB(T_KMS_KEY), describe_done, NULL, 0, NULL};
	struct key *k;

	if (!id)
		return;
	k = calloc(1, sizeof(*k));
	if (!k || !(k->supp = json_object())) {
		free(k);
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	k->alias = json_string_value(json_array_get(json_object_get(aliases, id), 0));
	if (json_object_get(aliases, id))
		json_object_set(k->supp, "Aliases", json_object_get(aliases, id));
	k->pending = 4;
	op.data = k;
	snprintf(op.region, sizeof(op.region), "%s", region);
	if (aws_call_json_obj(&op, KMS "DescribeKey", json_pack("{s:s}", "KeyId", id)))
		key_step(c, k, region);
	op.operation = "GetKeyRotationStatus";
	op.fn = rotation_done;
	if (aws_call_json_obj(&op, KMS "GetKeyRotationStatus", json_pack("{s:s}", "KeyId", id)))
		key_step(c, k, region);
	op.operation = "GetKeyPolicy";
	op.fn = policy_done;
	if (aws_call_json_obj(&op, KMS "GetKeyPolicy",
			      json_pack("{s:s, s:s}", "KeyId", id, "PolicyName", "default")))
		key_step(c, k, region);
	op.operation = "ListResourceTags";
	op.fn = tags_done;
	op.types = 0; /* tags are labels: missing ones judge nothing */
	if (aws_call_json_obj(&op, KMS "ListResourceTags", json_pack("{s:s}", "KeyId", id)))
		key_step(c, k, region);
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
	"kms", "ListKeys", KMS "ListKeys", "1.1", "{\"Limit\": 1000}", NULL, "Keys", "Marker",
	"NextMarker", TB(T_KMS_KEY), each_key, NULL};

/* The aliases are only names: when they cannot be read, keys are still
 * collected, unnamed. The alias map lives as long as the collector. */
static void
aliases_end(struct aws_collector *c, const char *region, bool ok, void *data)
{
	(void)ok;
	aws_json_list(c, &keys_list, region, data);
}

static const struct aws_jlist aliases_list = {
	"kms", "ListAliases", KMS "ListAliases", "1.1", "{\"Limit\": 100}", NULL, "Aliases",
	"Marker", "NextMarker", 0, each_alias, aliases_end};

void
svc_kms_start(struct aws_collector *c, const char *region)
{
	json_t *aliases = json_object();

	if (!aliases || json_array_append_new(c->keep, aliases) != 0) {
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	aws_attempt(c, TB(T_KMS_KEY));
	aws_json_list(c, &aliases_list, region, aliases);
}
