/*
 * API Gateway, in each region (REST-JSON). REST APIs (GetRestApis,
 * position-paginated), each with its resources and their methods'
 * authorization (GetResources with embed=methods) and its stages
 * (GetStages, resources of their own, id <restApiId>/<stageName>); custom
 * domain names (GetDomainNames). HTTP and WebSocket APIs (v2: GetApis,
 * nextToken), each with its routes (GetRoutes) and stages; v2's wire names
 * are camelCase, turned into the API's PascalCase members here.
 */
#include "config.h"

#include "collect/aws/shape.h"

#include <stdlib.h>
#include <string.h>

/* Members of v2 answers whose keys are user data, not member names. */
static const char *const v2_maps[] = {"tags", "stageVariables", "routeSettings",
				      "requestParameters", "requestModels", "responseParameters",
				      NULL};

/* ---- v1 ---- */

static void
resources_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_json(a, op, r, NULL, NULL), *l;

	if (!v)
		return;
	l = json_object_get(v, "item");
	aws_asm_supp(a, "Resources", json_is_array(l) ? json_incref(l) : json_array());
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
		json_array_foreach(json_object_get(v, "item"), i, s) {
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

static void
each_restapi(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "id"));
	struct aws_op op = {c, "apigateway", "GetStages", "", TB(T_APIGW_STAGE), stages_done, NULL,
			    0};
	char seg[256], path[512];
	struct aws_asm *a;

	(void)data;
	if (!id || !aws_shape_segment(seg, sizeof(seg), id))
		return;
	if (!(a = aws_asm_new(c, T_APIGW_REST, region, json_incref(item))))
		return;
	a->tags = aws_tags_map(json_object_get(item, "tags"));
	aws_asm_ids(a, id, NULL, json_string_value(json_object_get(item, "name")));
	snprintf(path, sizeof(path), "/restapis/%s/resources?embed=methods&limit=500", seg);
	aws_asm_rest(a, "apigateway", "GetResources", "GET", path, NULL, resources_done);
	aws_asm_done(a);
	snprintf(op.region, sizeof(op.region), "%s", region);
	if (!(op.data = strdup(id))) {
		aws_fatal(c, attest_nomem(c->ctx));
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

	if (!v)
		return;
	l = aws_shape_pascal(json_object_get(v, "items"), v2_maps);
	aws_asm_supp(a, "Routes", json_is_array(l) ? l : json_array());
	if (!json_is_array(l))
		json_decref(l);
	json_decref(v);
}

static void
v2_stages_done(struct aws_op *op, const struct aws_reply *r)
{
	char *api = op->data;
	json_t *v, *s, *p;
	const char *name;
	char id[512];
	size_t i;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((v = aws_reply_json(op, r)) != NULL) {
		json_array_foreach(json_object_get(v, "items"), i, s) {
			if (!(p = aws_shape_pascal(s, v2_maps))) {
				aws_fatal(op->c, attest_nomem(op->c->ctx));
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
		json_decref(v);
	}
	free(api);
}

static void
each_api(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	json_t *p = aws_shape_pascal(item, v2_maps);
	const char *id = json_string_value(json_object_get(p, "ApiId"));
	struct aws_op op = {c, "apigateway", "GetStages", "", TB(T_APIGW2_STAGE), v2_stages_done,
			    NULL, 0};
	char seg[256], path[512];
	struct aws_asm *a;

	(void)data;
	if (!id || !aws_shape_segment(seg, sizeof(seg), id)) {
		json_decref(p);
		return;
	}
	if (!(op.data = strdup(id))) {
		json_decref(p);
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	if (!(a = aws_asm_new(c, T_APIGW2_API, region, p))) {
		free(op.data);
		return;
	}
	a->tags = aws_tags_map(json_object_get(p, "Tags"));
	aws_asm_ids(a, id, NULL, json_string_value(json_object_get(p, "Name")));
	snprintf(path, sizeof(path), "/v2/apis/%s/routes?maxResults=500", seg);
	aws_asm_rest(a, "apigateway", "GetRoutes", "GET", path, NULL, routes_done);
	aws_asm_done(a);
	snprintf(op.region, sizeof(op.region), "%s", region);
	snprintf(path, sizeof(path), "/v2/apis/%s/stages?maxResults=500", seg);
	if (aws_call_rest(&op, "GET", path, NULL) != ATTEST_OK)
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
