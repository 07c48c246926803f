/*
 * CloudFront, once per account (a global service, signed for us-east-1):
 * distributions (ListDistributions, REST-XML, Marker/NextMarker), each read
 * whole with GetDistribution and tagged with ListTagsForResource. CloudFront
 * XML has its own list convention - a list is an <Items> element whose
 * children are the entries, next to a <Quantity> - so it is converted here:
 * every <Items> becomes an array (empty when absent children), leaves are
 * typed by member name.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CF_API "/2020-05-31"

static const char *const cf_ints[] = {"Quantity",
				      "HTTPPort",
				      "HTTPSPort",
				      "OriginReadTimeout",
				      "OriginKeepaliveTimeout",
				      "ConnectionAttempts",
				      "ConnectionTimeout",
				      "MinTTL",
				      "DefaultTTL",
				      "MaxTTL",
				      "ErrorCachingMinTTL",
				      "ErrorCode",
				      "InProgressInvalidationBatches",
				      "MaxItems",
				      NULL};
static const char *const cf_bools[] = {"Enabled",  "IncludeCookies", "CloudFrontDefaultCertificate",
				       "Compress", "IsIPV6Enabled",  "SmoothStreaming",
				       "Staging",  "IsTruncated",    "FieldLevelEncryptionId_",
				       NULL};

static bool
in(const char *const *set, const char *s)
{
	for (; *set; set++)
		if (strcmp(*set, s) == 0)
			return true;
	return false;
}

static json_t *
leaf(const char *name, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = t ? (const char *)t : "";
	json_t *v = NULL;
	char *end;
	long long ll;

	if (in(cf_bools, name) && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)) {
		v = json_boolean(strcmp(s, "true") == 0);
	} else if (in(cf_ints, name) && *s) {
		errno = 0;
		ll = strtoll(s, &end, 10);
		if (!*end && errno == 0)
			v = json_integer(ll);
	}
	if (!v)
		v = json_string(s);
	xmlFree(t);
	return v;
}

static bool
has_elements(xmlNodePtr n)
{
	for (n = n->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

static json_t *cf_convert(xmlNodePtr node);

static json_t *
cf_value(xmlNodePtr n)
{
	const char *name = (const char *)n->name;
	json_t *arr;
	xmlNodePtr c;

	if (strcmp(name, "Items") == 0) {
		if (!(arr = json_array()))
			return NULL;
		for (c = n->children; c; c = c->next) {
			json_t *v;

			if (c->type != XML_ELEMENT_NODE)
				continue;
			v = has_elements(c) ? cf_convert(c) : leaf((const char *)c->name, c);
			if (!v || json_array_append_new(arr, v)) {
				json_decref(arr);
				return NULL;
			}
		}
		return arr;
	}
	return has_elements(n) ? cf_convert(n) : leaf(name, n);
}

/* An element's children as an object in the API shape. */
static json_t *
cf_convert(xmlNodePtr node)
{
	json_t *o = json_object(), *v;
	xmlNodePtr c;

	if (!o)
		return NULL;
	for (c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!(v = cf_value(c)) || json_object_set_new(o, (const char *)c->name, v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* The answer's root element converted; NULL (logged, a failed) when not. */
static json_t *
cf_reply(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	xmlDocPtr doc;
	json_t *v;

	if (!r->ok) {
		aws_fail_reply(op, r);
		if (a && op->types)
			a->failed = true;
		return NULL;
	}
	if (!(doc = aws_reply_xml(op, r))) {
		if (a && op->types)
			a->failed = true;
		return NULL;
	}
	v = cf_convert(xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	if (!v) {
		aws_fatal(op->c, core_nomem(op->c->ctx));
		if (a)
			a->failed = true;
	}
	return v;
}

static void
dist_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = cf_reply(a, op, r);

	if (!v)
		return;
	json_decref(a->conf);
	a->conf = v;
	aws_asm_ids(a, NULL, json_string_value(json_object_get(v, "ARN")), NULL);
}

static void
tags_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = cf_reply(a, op, r);

	if (!v)
		return;
	json_decref(a->tags);
	a->tags = aws_tags_object(json_object_get(v, "Items"));
	/* A distribution has no name of its own: its Name tag is shown. */
	aws_asm_ids(a, NULL, NULL, json_string_value(json_object_get(a->tags, "Name")));
	json_decref(v);
}

/* Answers in REST-XML, read by dist_done and tags_done. */
static const struct aws_followup dist_calls[] = {
	{.operation = "GetDistribution",
	 .method = "GET",
	 .path = CF_API "/distribution/{Id}",
	 .fn = dist_done},
	{.operation = "ListTagsForResource",
	 .method = "GET",
	 .path = CF_API "/tagging?Resource={ARN}",
	 .label = true,
	 .fn = tags_done},
	{NULL},
};

static const struct aws_followups dist = {
	.type = T_CF_DIST,
	.service = "cloudfront",
	.proto = AWS_FU_REST,
	.calls = dist_calls,
};

static void list_page(struct aws_op *op, const struct aws_reply *r);

static void
list_request(struct aws_collector *c, const char *marker)
{
	struct aws_op op = {
		c, "cloudfront", "ListDistributions", "", TB(T_CF_DIST), list_page, NULL, 0, NULL};
	struct core_buf b;

	core_buf_init(&b, 4096);
	if (core_buf_adds(&b, CF_API "/distribution?MaxItems=100") == ATTEST_OK &&
	    (!marker || (core_buf_adds(&b, "&Marker=") == ATTEST_OK &&
			 aws_buf_encode(&b, marker, false) == ATTEST_OK)))
		aws_call_rest(&op, "GET", b.data, NULL);
	else
		aws_fatal(c, core_nomem(c->ctx));
	core_buf_release(&b);
}

static void
each_summary(struct aws_collector *c, json_t *s)
{
	const char *id = json_string_value(json_object_get(s, "Id"));
	const char *arn = json_string_value(json_object_get(s, "ARN"));
	char seg[256];
	struct aws_asm *a;

	if (!id || !aws_shape_segment(seg, sizeof(seg), id))
		return;
	if (!(a = aws_asm_new(c, dist.type, NULL, json_incref(s))))
		return;
	aws_asm_ids(a, id, arn, NULL);
	aws_asm_follow(a, &dist, s);
}

static void
list_page(struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = cf_reply(NULL, op, r), *s;
	const char *next;
	size_t i;

	if (!v)
		return;
	json_array_foreach(json_object_get(v, "Items"), i, s) each_summary(op->c, s);
	next = json_string_value(json_object_get(v, "NextMarker"));
	if (json_is_true(json_object_get(v, "IsTruncated")) && next && *next)
		list_request(op->c, next);
	json_decref(v);
}

void
svc_cloudfront_start(struct aws_collector *c)
{
	aws_attempt(c, TB(T_CF_DIST));
	list_request(c, NULL);
}
