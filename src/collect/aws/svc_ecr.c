/*
 * ECR, in each region (JSON 1.1): the registry's scanning configuration
 * (GetRegistryScanningConfiguration) first, then the repositories
 * (DescribeRepositories, nextToken), each with its repository policy
 * (GetRepositoryPolicy, parsed into an object; null when none), its tags
 * (ListTagsForResource) and the registry's scanning configuration, which
 * applies to every repository of the region.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define ECR "AmazonEC2ContainerRegistry_V20150921."

static void
tags_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(it, op, r, NULL, NULL);

	if (v)
		aws_asm_tags(it, json_object_get(v, "tags"));
	json_decref(v);
}

static void
policy_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *p;

	if (!r->ok && r->error_code &&
	    strcmp(r->error_code, "RepositoryPolicyNotFoundException") == 0) {
		aws_asm_supp(it, "RepositoryPolicy", json_null());
		return;
	}
	if ((v = aws_asm_reply_json(it, op, r, NULL, NULL)) != NULL) {
		p = aws_policy_parse(json_string_value(json_object_get(v, "policyText")));
		if (p)
			aws_asm_supp(it, "RepositoryPolicy", p);
		else
			aws_asm_fail(it, op, "MalformedResponse", "policyText is not a policy");
		json_decref(v);
	}
}

static void
each_repo(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *scan = data;
	const char *name = json_string_value(json_object_get(item, "repositoryName"));
	const char *arn = json_string_value(json_object_get(item, "repositoryArn"));
	const char *registry = json_string_value(json_object_get(item, "registryId"));
	json_t *body;
	struct aws_asm *it;

	if (!name)
		return;
	it = aws_asm_new(c, T_ECR_REPO, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, name, arn, name);
	aws_asm_supp(it, NULL, NULL);
	aws_asm_supp(it, "RegistryScanningConfiguration", json_incref(scan));
	body = json_pack("{s:s}", "repositoryName", name);
	if (body && registry)
		json_object_set_new(body, "registryId", json_string(registry));
	aws_asm_json(it, "api.ecr", "GetRepositoryPolicy", ECR "GetRepositoryPolicy", "1.1", body,
		     policy_done);
	if (arn) {
		aws_asm_label(it);
		aws_asm_json(it, "api.ecr", "ListTagsForResource", ECR "ListTagsForResource", "1.1",
			     json_pack("{s:s}", "resourceArn", arn), tags_done);
	}
	aws_asm_done(it);
}

static void
repos_end(struct aws_collector *c, const char *region, bool ok, void *data)
{
	(void)c;
	(void)region;
	(void)ok;
	json_decref(data);
}

static const struct aws_jlist repos = {"api.ecr",
				       "DescribeRepositories",
				       ECR "DescribeRepositories",
				       "1.1",
				       "{\"maxResults\": 1000}",
				       NULL,
				       "repositories",
				       "nextToken",
				       "nextToken",
				       TB(T_ECR_REPO),
				       each_repo,
				       repos_end};

static void
scanning_done(struct aws_op *op, const struct aws_reply *r)
{
	json_t *v, *scan;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(v = aws_reply_json(op, r)))
		return;
	scan = json_object_get(v, "scanningConfiguration");
	if (!json_is_object(scan))
		aws_fail(op, "MalformedResponse", "no scanningConfiguration in the answer");
	else
		aws_json_list(op->c, &repos, op->region, json_incref(scan));
	json_decref(v);
}

void
svc_ecr_start(struct aws_collector *c, const char *region)
{
	struct aws_op op = {c,
			    "api.ecr",
			    "GetRegistryScanningConfiguration",
			    "",
			    TB(T_ECR_REPO),
			    scanning_done,
			    NULL,
			    0,
			    NULL};

	snprintf(op.region, sizeof(op.region), "%s", region);
	aws_attempt(c, TB(T_ECR_REPO));
	aws_call_json(&op, ECR "GetRegistryScanningConfiguration", "1.1", "{}");
}
