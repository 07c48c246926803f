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

static const struct aws_followup repo_calls[] = {
	{.operation = "GetRepositoryPolicy",
	 .request = "{\"repositoryName\": \"{repositoryName}\", "
		    "\"registryId\": \"{registryId?}\"}",
	 .into = AWS_INTO_POLICY,
	 .from = "policyText",
	 .key = "RepositoryPolicy",
	 .absent = "RepositoryPolicyNotFoundException"},
	{.operation = "ListTagsForResource",
	 .request = "{\"resourceArn\": \"{repositoryArn}\"}",
	 .label = true,
	 .into = AWS_INTO_TAGS,
	 .from = "tags"},
	{NULL},
};

static const struct aws_followups repo = {
	.type = T_ECR_REPO,
	.service = "api.ecr",
	.proto = AWS_FU_JSON,
	.target = ECR,
	.calls = repo_calls,
};

static void
each_repo(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *scan = data;
	const char *name = json_string_value(json_object_get(item, "repositoryName"));
	const char *arn = json_string_value(json_object_get(item, "repositoryArn"));
	struct aws_asm *it;

	if (!name)
		return;
	it = aws_asm_new(c, repo.type, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, name, arn, name);
	aws_asm_supp(it, NULL, NULL);
	aws_asm_supp(it, "RegistryScanningConfiguration", json_incref(scan));
	aws_asm_follow(it, &repo, item);
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
