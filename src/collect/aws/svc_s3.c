/*
 * S3: the account's public access block (s3control, once), and every bucket
 * from ListBuckets with its location and the settings the checks read,
 * each from its own call to the bucket's region: policy, public access
 * block, default encryption, versioning, logging, ACL, ownership controls,
 * object lock and tags. A bucket is an assembly (asm.h), written when its
 * last call has answered. The "not configured" answers (NoSuchBucketPolicy,
 * ...) are data (null), not failures; anything else, including an
 * emulator's 501 NotImplemented, is a failed call that withholds the bucket
 * type.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

enum part { P_POLICY, P_PAB, P_ENC, P_VER, P_LOG, P_ACL, P_OWN, P_LOCK, P_TAGS, P_COUNT };

static void part_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r);

/* One call per part, in enum part's order: the subresource queried, the
 * supplementaryConfiguration key and the error code meaning "not
 * configured" (read by part_done). */
static const struct aws_followup bucket_calls[P_COUNT + 1] = {
	{.operation = "GetBucketPolicy",
	 .path = "?policy",
	 .key = "BucketPolicy",
	 .absent = "NoSuchBucketPolicy",
	 .fn = part_done},
	{.operation = "GetPublicAccessBlock",
	 .path = "?publicAccessBlock",
	 .key = "PublicAccessBlockConfiguration",
	 .absent = "NoSuchPublicAccessBlockConfiguration",
	 .fn = part_done},
	{.operation = "GetBucketEncryption",
	 .path = "?encryption",
	 .key = "ServerSideEncryptionConfiguration",
	 .absent = "ServerSideEncryptionConfigurationNotFoundError",
	 .fn = part_done},
	{.operation = "GetBucketVersioning",
	 .path = "?versioning",
	 .key = "BucketVersioningConfiguration",
	 .fn = part_done},
	{.operation = "GetBucketLogging",
	 .path = "?logging",
	 .key = "BucketLoggingConfiguration",
	 .fn = part_done},
	{.operation = "GetBucketAcl", .path = "?acl", .key = "BucketAcl", .fn = part_done},
	{.operation = "GetBucketOwnershipControls",
	 .path = "?ownershipControls",
	 .key = "OwnershipControls",
	 .absent = "OwnershipControlsNotFoundError",
	 .fn = part_done},
	{.operation = "GetObjectLockConfiguration",
	 .path = "?object-lock",
	 .key = "ObjectLockConfiguration",
	 .absent = "ObjectLockConfigurationNotFoundError",
	 .fn = part_done},
	{.operation = "GetBucketTagging",
	 .path = "?tagging",
	 .label = true,
	 .absent = "NoSuchTagSet",
	 .fn = part_done},
	{NULL},
};

static const struct aws_followups bucket_table = {
	.type = T_S3_BUCKET,
	.service = "s3",
	.proto = AWS_FU_S3,
	.calls = bucket_calls,
};

static json_t *
xml_bool_struct(xmlNodePtr n)
{
	return aws_xml_to_json(n, AWS_XML_QUERY);
}

/* <Grantee xsi:type="CanonicalUser"> carries its type as an attribute. */
static json_t *
acl_json(xmlNodePtr root)
{
	json_t *out = json_object(), *grants = json_array(), *g, *ge;
	xmlNodePtr list = aws_xml_child(root, "AccessControlList"), n, gn;
	xmlChar *type;

	if (!out || !grants) {
		json_decref(out);
		json_decref(grants);
		return NULL;
	}
	json_object_set_new(out, "Owner",
			    aws_xml_to_json(aws_xml_child(root, "Owner"), AWS_XML_QUERY));
	for (n = list ? list->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, (const xmlChar *)"Grant"))
			continue;
		g = aws_xml_to_json(n, AWS_XML_QUERY);
		gn = aws_xml_child(n, "Grantee");
		ge = json_object_get(g, "Grantee");
		if (gn && json_is_object(ge)) {
			type = xmlGetNsProp(
				gn, (const xmlChar *)"type",
				(const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance");
			if (type) {
				json_object_set_new(ge, "Type", json_string((const char *)type));
				xmlFree(type);
			}
		}
		if (g)
			json_array_append_new(grants, g);
	}
	json_object_set_new(out, "Grants", grants);
	return out;
}

/* Repeated (flattened) <Rule> elements become a "Rules" list. */
static json_t *
rules_json(xmlNodePtr root)
{
	json_t *rules = json_array();
	xmlNodePtr n;

	if (!rules)
		return NULL;
	for (n = root->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, (const xmlChar *)"Rule"))
			json_array_append_new(rules, aws_xml_to_json(n, AWS_XML_QUERY));
	return json_pack("{s:o}", "Rules", rules);
}

static json_t *
part_json(struct aws_op *op, enum part p, const struct aws_reply *r)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	json_t *v = NULL, *x;

	if (p == P_POLICY) {
		v = aws_policy_parse(r->body);
		if (!v)
			aws_fail(op, "MalformedResponse", "the bucket policy is not JSON");
		return v;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return NULL;
	root = xmlDocGetRootElement(doc);
	switch (p) {
	case P_ACL:
		v = acl_json(root);
		break;
	case P_ENC:
	case P_OWN:
		v = rules_json(root);
		break;
	case P_VER:
		v = xml_bool_struct(root);
		/* The XML says MfaDelete; the API member is MFADelete. */
		if (v && (x = json_object_get(v, "MfaDelete")) != NULL) {
			json_object_set(v, "MFADelete", x);
			json_object_del(v, "MfaDelete");
		}
		break;
	case P_TAGS: {
		json_t *t = aws_xml_to_json(root, AWS_XML_QUERY);

		v = aws_tags_object(json_object_get(t, "TagSet"));
		json_decref(t);
		if (!v)
			v = json_object();
		break;
	}
	default:
		v = xml_bool_struct(root);
		break;
	}
	xmlFreeDoc(doc);
	return v;
}

/* The log names the bucket: a failure is usually about one of them. */
static void
bucket_fail(struct aws_op *op, const char *bucket, const struct aws_reply *r)
{
	char msg[600];

	snprintf(msg, sizeof(msg), "bucket '%s': %s", bucket, r->error_message);
	aws_fail(op, r->error_code, msg);
}

static enum part
part_of(const char *operation)
{
	int p;

	for (p = 0; p < P_COUNT - 1; p++)
		if (strcmp(bucket_calls[p].operation, operation) == 0)
			break;
	return (enum part)p;
}

static void
part_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	enum part p = part_of(op->operation);
	json_t *v = NULL;

	if (r->ok)
		v = part_json(op, p, r);
	else if (bucket_calls[p].absent && r->error_code &&
		 strcmp(r->error_code, bucket_calls[p].absent) == 0)
		v = json_null();
	else
		bucket_fail(op, a->id, r);
	if (!v && op->types)
		a->failed = true;
	if (v && p == P_TAGS) {
		if (json_is_object(v) && json_object_size(v))
			a->tags = json_incref(v);
		json_decref(v);
	} else if (v) {
		aws_asm_supp(a, bucket_calls[p].key, v);
	}
}

/* The bucket's settings, each from its own call to the bucket's region. */
static void
bucket_start(struct aws_collector *c, const char *name, const char *created, const char *region)
{
	char arn[128 + 64];
	struct aws_asm *a;

	a = aws_asm_new(c, bucket_table.type, region,
			json_pack("{s:s, s:s, s:s}", "Name", name, "CreationDate",
				  created ? created : "", "BucketRegion", region));
	if (!a)
		return;
	snprintf(arn, sizeof(arn), "arn:aws:s3:::%s", name);
	aws_asm_ids(a, name, arn, name);
	aws_asm_supp(a, NULL, NULL);
	if (!a->conf || !a->id)
		aws_asm_nomem(a);
	aws_asm_follow(a, &bucket_table, NULL);
}

/* The bucket's name and creation date while its location is asked. */
struct bucket {
	char *name;
	char *created;
};

static void
bucket_free(struct bucket *b)
{
	free(b->name);
	free(b->created);
	free(b);
}

static void
location_done(struct aws_op *op, const struct aws_reply *r)
{
	struct bucket *b = op->data;
	xmlDocPtr doc;
	char *loc = NULL, region[40];

	if (!r->ok) {
		bucket_fail(op, b->name, r);
		bucket_free(b);
		return;
	}
	if (!(doc = aws_reply_xml(op, r))) {
		bucket_free(b);
		return;
	}
	loc = (char *)xmlNodeGetContent(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	/* No constraint means us-east-1; "EU" is the old name of eu-west-1. */
	snprintf(region, sizeof(region), "%s",
		 !loc || !*loc            ? "us-east-1"
		 : strcmp(loc, "EU") == 0 ? "eu-west-1"
					  : loc);
	xmlFree(loc);
	bucket_start(op->c, b->name, b->created, region);
	bucket_free(b);
}

static void list_page(struct aws_op *op, const struct aws_reply *r);

static void
list_request(struct aws_collector *c, const char *token)
{
	struct aws_op op = {c,    "s3", "ListBuckets", "us-east-1", TB(T_S3_BUCKET), list_page,
			    NULL, 0,    NULL};
	struct core_buf q;

	core_buf_init(&q, 8192);
	if (core_buf_adds(&q, "/") ||
	    (token &&
	     (core_buf_adds(&q, "?continuation-token=") || aws_buf_encode(&q, token, false))) ||
	    aws_call_rest(&op, "GET", q.data, NULL) != ATTEST_OK)
		aws_fatal(c, ATTEST_ERR_NOMEM);
	core_buf_release(&q);
}

static void
list_page(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_collector *c = op->c;
	xmlDocPtr doc;
	json_t *res, *e;
	size_t i;
	const char *token;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return;
	res = aws_xml_to_json(xmlDocGetRootElement(doc), AWS_XML_QUERY);
	xmlFreeDoc(doc);
	json_array_foreach(json_object_get(res, "Buckets"), i, e)
	{
		const char *name = json_string_value(json_object_get(e, "Name"));
		struct bucket *b;
		struct aws_op lo;

		if (!name || !*name)
			continue;
		b = calloc(1, sizeof(*b));
		if (!b || !(b->name = strdup(name))) {
			if (b)
				bucket_free(b);
			aws_fatal(c, core_nomem(c->ctx));
			break;
		}
		b->created = core_strdup(json_string_value(json_object_get(e, "CreationDate")));
		lo = (struct aws_op){c,
				     "s3",
				     "GetBucketLocation",
				     "us-east-1",
				     TB(T_S3_BUCKET),
				     location_done,
				     b,
				     0,
				     NULL};
		if (aws_call_s3_bucket(&lo, name, "?location") != ATTEST_OK)
			bucket_free(b);
	}
	if ((token = json_string_value(json_object_get(res, "ContinuationToken"))) && *token)
		list_request(c, token);
	json_decref(res);
}

static void
account_pab_done(struct aws_op *op, const struct aws_reply *r)
{
	xmlDocPtr doc;
	json_t *v;

	if (!r->ok) {
		if (r->error_code &&
		    strcmp(r->error_code, "NoSuchPublicAccessBlockConfiguration") == 0)
			aws_emit(op->c, T_S3_ACCOUNTPAB, op->c->account, NULL, NULL, NULL, NULL,
				 NULL, NULL);
		else
			aws_fail_reply(op, r);
		return;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return;
	v = aws_xml_to_json(xmlDocGetRootElement(doc), AWS_XML_QUERY);
	xmlFreeDoc(doc);
	aws_emit(op->c, T_S3_ACCOUNTPAB, op->c->account, NULL, NULL, NULL, NULL, v, NULL);
}

void
svc_s3_start(struct aws_collector *c)
{
	struct aws_op op = {c,
			    "s3-control",
			    "GetPublicAccessBlock",
			    "",
			    TB(T_S3_ACCOUNTPAB),
			    account_pab_done,
			    NULL,
			    0,
			    NULL};
	const char *hdr[] = {"x-amz-account-id", c->account, NULL};

	aws_attempt(c, TB(T_S3_BUCKET) | TB(T_S3_ACCOUNTPAB));
	snprintf(op.region, sizeof(op.region), "%s", c->home_region);
	aws_call_rest(&op, "GET", "/v20180820/configuration/publicAccessBlock", hdr);
	list_request(c, NULL);
}
