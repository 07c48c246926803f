/*
 * API Gateway, in each region (REST-JSON). REST APIs (GetRestApis,
 * position-paginated), each with its resources and their methods'
 * authorization (GetResources with embed=methods) and its stages
 * (GetStages, resources of their own, id <restApiId>/<stageName>); custom
 * domain names (GetDomainNames). HTTP and WebSocket APIs (v2: GetApis,
 * nextToken), each with its routes (GetRoutes) and stages; v2's wire names
 * are camelCase, turned into the API's PascalCase members here. Every
 * listing, including an API's resources, routes and stages, is followed
 * page by page to the end: a resource missing from a long API would let
 * its checks pass on part of it.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

/* Members of v2 answers whose keys are user data, not member names. */
static const char *const v2_maps[] = {"tags",
				      "stageVariables",
				      "routeSettings",
				      "requestParameters",
				      "requestModels",
				      "responseParameters",
				      NULL};

/* ---- v1 ---- */

/* Appends the items of a page to supplementaryConfiguration[key]. */
static void
supp_append(struct aws_asm *a, const char *key, json_t *items)
{
	json_t *l = a->supp ? json_object_get(a->supp, key) : NULL;

	if (!json_is_array(l)) {
		aws_asm_supp(a, key, json_is_array(items) ? json_incref(items) : json_array());
		return;
	}
	if (json_is_array(items) && json_array_extend(l, items) != 0)
		aws_fatal(a->c, core_nomem(a->c->ctx));
}

/* Asks for the page after token (if any) of the listing op made for a: base
 * is its path without the token, param the token's query parameter. */
static void
next_page(struct aws_asm *a, struct aws_op *op, const char *base, const char *param,
	  const json_t *token, aws_asm_fn fn)
{
	char seg[1024], path[2048];

	if (!json_is_string(token) || !*json_string_value(token))
		return;
	if (!aws_shape_segment(seg, sizeof(seg), json_string_value(token)) ||
	    snprintf(path, sizeof(path), "%s&%s=%s", base, param, seg) >= (int)sizeof(path)) {
		a->failed = true;
		aws_fail(op, "MalformedResponse", "the page token is too long");
		return;
	}
	aws_asm_rest(a, "apigateway", op->operation, "GET", path, NULL, fn);
}

#define RESOURCES_QUERY "/resources?embed=methods&limit=500"
#define ROUTES_QUERY "/routes?maxResults=500"

/* The path of an API's sub-listing, pre + api + post, without a token. */
static bool
sub_path(char *buf, size_t size, const char *pre, const char *api, const char *post)
{
	char seg[256];

	return api && aws_shape_segment(seg, sizeof(seg), api) &&
	       snprintf(buf, size, "%s%s%s", pre, seg, post) < (int)size;
}

static void
resources_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL);
	char base[512];

	if (!v)
		return;
	supp_append(a, "Resources", json_object_get(v, "item"));
	if (sub_path(base, sizeof(base), "/restapis/", a->id, RESOURCES_QUERY))
		next_page(a, op, base, "position", json_object_get(v, "position"), resources_done);
	json_decref(v);
}

static void
stages_done(struct aws_op *op, const struct aws_reply *r)
{
	char *api = op->data;
	json_t *v, *s;
	const char *name;
	char id[512];
	size_t i;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((v = aws_reply_json(op, r)) != NULL) {
		json_array_foreach(json_object_get(v, "item"), i, s)
		{
			if (!(name = json_string_value(json_object_get(s, "stageName"))))
				continue;
			snprintf(id, sizeof(id), "%s/%s", api, name);
			if (!json_object_get(s, "restApiId"))
				json_object_set_new(s, "restApiId", json_string(api));
			aws_emit(op->c, T_APIGW_STAGE, id, NULL, name, op->region,
				 aws_tags_map(json_object_get(s, "tags")), json_incref(s), NULL);
		}
		json_decref(v);
	}
	free(api);
}

/* The first page of the resources; resources_done asks for the next. */
static const struct aws_followup restapi_calls[] = {
	{.operation = "GetResources",
	 .method = "GET",
	 .path = "/restapis/{id}" RESOURCES_QUERY,
	 .fn = resources_done},
	{NULL},
};

static const struct aws_followups restapi = {
	.type = T_APIGW_REST,
	.service = "apigateway",
	.proto = AWS_FU_REST,
	.calls = restapi_calls,
};

static void
each_restapi(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "id"));
	struct aws_op op = {c,           "apigateway", "GetStages", "",  TB(T_APIGW_STAGE),
			    stages_done, NULL,         0,           NULL};
	char seg[256], path[512];
	struct aws_asm *a;

	(void)data;
	if (!id || !aws_shape_segment(seg, sizeof(seg), id))
		return;
	if (!(a = aws_asm_new(c, restapi.type, region, json_incref(item))))
		return;
	a->tags = aws_tags_map(json_object_get(item, "tags"));
	aws_asm_ids(a, id, NULL, json_string_value(json_object_get(item, "name")));
	aws_asm_follow(a, &restapi, item);
	snprintf(op.region, sizeof(op.region), "%s", region);
	if (!(op.data = strdup(id))) {
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	snprintf(path, sizeof(path), "/restapis/%s/stages", seg);
	if (aws_call_rest(&op, "GET", path, NULL) != ATTEST_OK)
		free(op.data);
}

static void
each_domain(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(json_object_get(item, "domainName"));

	(void)data;
	if (name)
		aws_emit(c, T_APIGW_DOMAIN, name, NULL, NULL, region,
			 aws_tags_map(json_object_get(item, "tags")), json_incref(item), NULL);
}

/* ---- v2 ---- */

static void
routes_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *l;
	char base[512];

	if (!v)
		return;
	l = aws_shape_pascal(json_object_get(v, "items"), v2_maps);
	supp_append(a, "Routes", l);
	json_decref(l);
	if (sub_path(base, sizeof(base), "/v2/apis/", a->id, ROUTES_QUERY))
		next_page(a, op, base, "nextToken", json_object_get(v, "nextToken"), routes_done);
	json_decref(v);
}

static void v2_stages_done(struct aws_op *op, const struct aws_reply *r);

/* Lists the stages of v2 API api (owned by the call on success) from the
 * page after token (NULL: the first page). */
static bool
v2_stages(const struct aws_op *tmpl, char *api, const char *token)
{
	struct aws_op op = *tmpl;
	char seg[1024], path[2048];
	int n;

	if (!sub_path(path, sizeof(path), "/v2/apis/", api, "/stages?maxResults=500")) {
		aws_fail(&op, "InvalidParameter", "the API id is too long for a request path");
		return false;
	}
	if (token) {
		n = aws_shape_segment(seg, sizeof(seg), token)
			    ? snprintf(path + strlen(path), sizeof(path) - strlen(path),
				       "&nextToken=%s", seg)
			    : -1;
		if (n < 0 || (size_t)n >= sizeof(path) - strlen(path)) {
			aws_fail(&op, "MalformedResponse", "the page token is too long");
			return false;
		}
	}
	op.fn = v2_stages_done;
	op.data = api;
	return aws_call_rest(&op, "GET", path, NULL) == ATTEST_OK;
}

static void
v2_stages_done(struct aws_op *op, const struct aws_reply *r)
{
	char *api = op->data;
	const char *token;
	json_t *v, *s, *p;
	const char *name;
	char id[512];
	size_t i;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((v = aws_reply_json(op, r)) != NULL) {
		json_array_foreach(json_object_get(v, "items"), i, s)
		{
			if (!(p = aws_shape_pascal(s, v2_maps))) {
				aws_fatal(op->c, core_nomem(op->c->ctx));
				break;
			}
			if (!(name = json_string_value(json_object_get(p, "StageName")))) {
				json_decref(p);
				continue;
			}
			snprintf(id, sizeof(id), "%s/%s", api, name);
			if (!json_object_get(p, "ApiId"))
				json_object_set_new(p, "ApiId", json_string(api));
			aws_emit(op->c, T_APIGW2_STAGE, id, NULL, name, op->region,
				 aws_tags_map(json_object_get(p, "Tags")), p, NULL);
		}
		token = json_string_value(json_object_get(v, "nextToken"));
		if (token && *token && v2_stages(op, api, token))
			api = NULL; /* the next page's call owns it */
		json_decref(v);
	}
	free(api);
}

/* The first page of the routes; routes_done asks for the next. */
static const struct aws_followup api_calls[] = {
	{.operation = "GetRoutes",
	 .method = "GET",
	 .path = "/v2/apis/{ApiId}" ROUTES_QUERY,
	 .fn = routes_done},
	{NULL},
};

static const struct aws_followups http_api = {
	.type = T_APIGW2_API,
	.service = "apigateway",
	.proto = AWS_FU_REST,
	.calls = api_calls,
};

static void
each_api(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *p = aws_shape_pascal(item, v2_maps);
	const char *id = json_string_value(json_object_get(p, "ApiId"));
	struct aws_op op = {
		c, "apigateway", "GetStages", "", TB(T_APIGW2_STAGE), v2_stages_done, NULL,
		0, NULL};
	char seg[256];
	struct aws_asm *a;

	(void)data;
	if (!id || !aws_shape_segment(seg, sizeof(seg), id)) {
		json_decref(p);
		return;
	}
	if (!(op.data = strdup(id))) {
		json_decref(p);
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	if (!(a = aws_asm_new(c, http_api.type, region, p))) {
		free(op.data);
		return;
	}
	a->tags = aws_tags_map(json_object_get(p, "Tags"));
	aws_asm_ids(a, id, NULL, json_string_value(json_object_get(p, "Name")));
	aws_asm_follow(a, &http_api, p);
	snprintf(op.region, sizeof(op.region), "%s", region);
	if (!v2_stages(&op, op.data, NULL))
		free(op.data);
}

static const struct aws_jlist lists[] = {
	{"apigateway", "GetRestApis", NULL, NULL, NULL, "/restapis?limit=500", "item", "position",
	 "position", TB(T_APIGW_REST) | TB(T_APIGW_STAGE), each_restapi, NULL},
	{"apigateway", "GetDomainNames", NULL, NULL, NULL, "/domainnames?limit=500", "item",
	 "position", "position", TB(T_APIGW_DOMAIN), each_domain, NULL},
	{"apigateway", "GetApis", NULL, NULL, NULL, "/v2/apis?maxResults=500", "items", "nextToken",
	 "nextToken", TB(T_APIGW2_API) | TB(T_APIGW2_STAGE), each_api, NULL},
};

void
svc_apigateway_start(struct aws_collector *c, const char *region)
{
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		aws_json_list(c, &lists[i], region, NULL);
}
