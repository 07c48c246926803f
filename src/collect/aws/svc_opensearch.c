/*
 * OpenSearch Service, in each region (REST-JSON, signing name "es"): the
 * domains (ListDomainNames, not paginated), each described (DescribeDomain's
 * DomainStatus; AccessPolicies, a JSON string on the wire, parsed into an
 * object) with its tags (ListTags).
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

static void
tags_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(it, op, r, NULL, NULL);

	if (v)
		aws_asm_tags(it, json_object_get(v, "TagList"));
	json_decref(v);
}

static void
describe_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = NULL, *d, *pol;
	const char *arn, *text;
	struct core_buf b;

	if (!(v = aws_asm_reply_json(it, op, r, NULL, NULL)))
		goto out;
	d = json_object_get(v, "DomainStatus");
	arn = json_string_value(json_object_get(d, "ARN"));
	if (!json_is_object(d) || !arn) {
		aws_asm_fail(it, op, "MalformedResponse", "no DomainStatus in the answer");
		goto out;
	}
	text = json_string_value(json_object_get(d, "AccessPolicies"));
	if (text && *text) {
		if (!(pol = aws_policy_parse(text))) {
			aws_asm_fail(it, op, "MalformedResponse", "AccessPolicies is not a policy");
			goto out;
		}
		json_object_set_new(d, "AccessPolicies", pol);
	} else if (text) {
		json_object_del(d, "AccessPolicies");
	}
	json_decref(it->conf);
	it->conf = json_incref(d);
	if (!(it->arn = strdup(arn))) {
		aws_asm_nomem(it);
		goto out;
	}
	core_buf_init(&b, 1024);
	if (core_buf_adds(&b, "/2021-01-01/tags/?arn=") == ATTEST_OK &&
	    aws_buf_encode(&b, arn, false) == ATTEST_OK) {
		aws_asm_label(it);
		aws_asm_rest(it, "es", "ListTags", "GET", b.data, NULL, tags_done);
	}
	core_buf_release(&b);
out:
	json_decref(v);
}

/* The tags are asked for once the domain's ARN is known. */
static const struct aws_followup domain_calls[] = {
	{.operation = "DescribeDomain",
	 .method = "GET",
	 .path = "/2021-01-01/opensearch/domain/{DomainName}",
	 .fn = describe_done},
	{NULL},
};

static const struct aws_followups domain = {
	.type = T_OS_DOMAIN,
	.service = "es",
	.proto = AWS_FU_REST,
	/* a domain deleted since it was listed */
	.gone = "ResourceNotFoundException",
	.calls = domain_calls,
};

static void
each_domain(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(json_object_get(item, "DomainName"));
	struct aws_asm *it;

	(void)data;
	if (!name)
		return;
	it = aws_asm_new(c, domain.type, region, NULL);
	if (!it)
		return;
	aws_asm_ids(it, name, NULL, name);
	aws_asm_follow(it, &domain, item);
}

static const struct aws_jlist domains = {
	"es",        "ListDomainNames",    NULL,          NULL,
	NULL,        "/2021-01-01/domain", "DomainNames", "nextToken",
	"NextToken", TB(T_OS_DOMAIN),      each_domain,   NULL};

void
svc_opensearch_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &domains, region, NULL);
}
