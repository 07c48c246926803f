/*
 * AWS Config import: the small edits every per-service fix makes on a
 * converted item (awsconfig_svc.c has the table of which type needs what):
 * setting, aliasing and renaming keys, decapitalizing a configuration that
 * Config records in PascalCase, re-casing supplementary keys, parsing
 * policy documents recorded as text, and setting the native id.
 */
#include "config.h"

#include "awsconfig.h"

#include <stdlib.h>
#include <string.h>

#define SVC_MAX_DEPTH 256

attest_rc
awsconfig_put(attest_ctx *ctx, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		return core_nomem(ctx);
	return ATTEST_OK;
}

/* obj[to] = copy of obj[from], when from is present and to is not. */
attest_rc
awsconfig_alias(attest_ctx *ctx, json_t *obj, const char *from, const char *to)
{
	json_t *v;

	if (!json_is_object(obj) || json_object_get(obj, to) || !(v = json_object_get(obj, from)))
		return ATTEST_OK;
	return awsconfig_put(ctx, obj, to, json_deep_copy(v));
}

/* Like awsconfig_alias() but removes from. */
attest_rc
awsconfig_rename_key(attest_ctx *ctx, json_t *obj, const char *from, const char *to)
{
	attest_rc rc = awsconfig_alias(ctx, obj, from, to);

	if (rc == ATTEST_OK && json_is_object(obj) && strcmp(from, to) != 0)
		json_object_del(obj, from);
	return rc;
}

attest_rc
awsconfig_ensure_supp(attest_ctx *ctx, json_t **supp)
{
	if (!*supp && !(*supp = json_object()))
		return core_nomem(ctx);
	return ATTEST_OK;
}

/* Maps copied verbatim when lower-casing: their keys are the user's (tags,
 * Docker labels, log driver options) or a policy document's. */
static bool
verbatim_key(const char *k)
{
	static const char *const names[] = {
		"Tags",
		"tags",
		"DockerLabels",
		"Options",
		"RepositoryPolicyText",
		"LifecyclePolicyText",
		"AccessPolicy",
		"AccessPolicies",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(k, names[i]))
			return true;
	return false;
}

/* A copy of in with the first letter of every key lower-cased (at every
 * depth). A key already in lower case wins over one re-cased onto it. */
static attest_rc
decap(struct awsconfig_conv *cv, const json_t *in, json_t **out)
{
	const char *k;
	const json_t *v;
	json_t *o, *nv;
	size_t i;
	attest_rc rc = ATTEST_OK;

	*out = NULL;
	if (cv->depth >= SVC_MAX_DEPTH)
		return awsconfig_fail(cv, "is nested too deeply");
	if (json_is_array(in)) {
		if (!(o = json_array()))
			return core_nomem(cv->ctx);
		cv->depth++;
		json_array_foreach(in, i, v)
		{
			if ((rc = decap(cv, v, &nv)) != ATTEST_OK)
				break;
			if (json_array_append_new(o, nv) != 0) {
				rc = core_nomem(cv->ctx);
				break;
			}
		}
		cv->depth--;
	} else if (json_is_object(in)) {
		if (!(o = json_object()))
			return core_nomem(cv->ctx);
		cv->depth++;
		json_object_foreach((json_t *)in, k, v)
		{
			char *lk = core_strdup(k);

			if (!lk) {
				rc = core_nomem(cv->ctx);
				break;
			}
			if (lk[0] >= 'A' && lk[0] <= 'Z')
				lk[0] = (char)(lk[0] - 'A' + 'a');
			if (verbatim_key(k))
				rc = (nv = json_deep_copy(v)) ? ATTEST_OK : core_nomem(cv->ctx);
			else
				rc = decap(cv, v, &nv);
			if (rc == ATTEST_OK) {
				if (strcmp(lk, k) != 0 && json_object_get(in, lk))
					json_decref(nv); /* the lower-case spelling is kept */
				else if (json_object_set_new(o, lk, nv) != 0)
					rc = core_nomem(cv->ctx);
			}
			free(lk);
			if (rc != ATTEST_OK)
				break;
		}
		cv->depth--;
	} else {
		*out = json_deep_copy(in);
		return *out ? ATTEST_OK : core_nomem(cv->ctx);
	}
	if (rc != ATTEST_OK) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return ATTEST_OK;
}

/* Replaces the contents of the object conf by its lower-cased copy. */
attest_rc
awsconfig_decap_conf(struct awsconfig_conv *cv, json_t *conf)
{
	json_t *lc;
	size_t mark;
	attest_rc rc;

	if ((rc = awsconfig_path_key(cv, "configuration", &mark)) != ATTEST_OK)
		return rc;
	rc = decap(cv, conf, &lc);
	awsconfig_path_pop(cv, mark);
	if (rc != ATTEST_OK)
		return rc;
	json_object_clear(conf);
	rc = json_object_update(conf, lc) == 0 ? ATTEST_OK : core_nomem(cv->ctx);
	json_decref(lc);
	return rc;
}

/* supp[name] re-cased to the API's names (first letters upper-cased), under
 * the name to. */
attest_rc
awsconfig_recase_supp(struct awsconfig_conv *cv, json_t *supp, const char *name, const char *to)
{
	json_t *v = json_object_get(supp, name), *nv;
	bool cap = cv->capitalize;
	size_t mark;
	attest_rc rc;

	if (!v || (strcmp(name, to) != 0 && json_object_get(supp, to)))
		return ATTEST_OK;
	if ((rc = awsconfig_path_key(cv, "supplementaryConfiguration", &mark)) != ATTEST_OK)
		return rc;
	if ((rc = awsconfig_path_key(cv, name, &(size_t){0})) == ATTEST_OK) {
		cv->capitalize = true;
		rc = awsconfig_norm(cv, v, NULL, NULL, &nv);
		cv->capitalize = cap;
	}
	awsconfig_path_pop(cv, mark);
	if (rc != ATTEST_OK)
		return rc;
	if (strcmp(name, to) != 0)
		json_object_del(supp, name);
	return awsconfig_put(cv->ctx, supp, to, nv);
}

/* A policy document under obj[key] (text, URL-encoded text, object or null)
 * moved to dst[to] as an object or null. where names obj in messages. */
attest_rc
awsconfig_move_policy(struct awsconfig_conv *cv, json_t *obj, const char *key, const char *where,
		      json_t *dst, const char *to)
{
	json_t *v = json_object_get(obj, key), *doc;
	size_t mark;
	attest_rc rc;

	if (!v || !dst)
		return ATTEST_OK;
	if ((rc = awsconfig_path_key(cv, where, &mark)) != ATTEST_OK)
		return rc;
	if ((rc = awsconfig_path_key(cv, key, &(size_t){0})) == ATTEST_OK)
		rc = awsconfig_policy_doc(cv, v, &doc);
	awsconfig_path_pop(cv, mark);
	if (rc != ATTEST_OK)
		return rc;
	if (obj != dst || strcmp(key, to) != 0)
		json_object_del(obj, key);
	return awsconfig_put(cv->ctx, dst, to, doc);
}

attest_rc
awsconfig_set_id(attest_ctx *ctx, json_t *res, const json_t *v)
{
	if (!json_is_string(v) || json_string_length(v) == 0)
		return ATTEST_OK;
	return awsconfig_put(ctx, res, "id", json_deep_copy(v));
}
