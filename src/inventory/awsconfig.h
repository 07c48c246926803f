/*
 * AWS Config import: turns one configuration item, as found in a snapshot file
 * delivered to S3 or in an answer of get-resource-config-history /
 * batch-get-resource-config, into one native attest resource whose
 * configuration has the shape of the AWS API, so that checks give the same
 * verdict on a Config snapshot as on a live collection. The rules are in
 * doc/awsconfig-import.md.
 */
#ifndef ATTEST_AWSCONFIG_H
#define ATTEST_AWSCONFIG_H

#include "core/core_int.h"

#include <jansson.h>

/* Converts a configuration item to a native resource. On success *out is a
 * new reference (caller json_decref's it), or NULL when the item is to be
 * skipped (configurationItemStatus ResourceDeleted, ResourceNotRecorded,
 * ResourceDeletedNotRecorded) — ATTEST_OK in both cases. On bad input returns
 * ATTEST_ERR_INVALID with a message naming the key and what is wrong, e.g.
 * "configuration item: 'resourceType' must be a string" or
 * "configuration item 'AWS::IAM::Policy' 'p1': 'configuration' is not valid
 * JSON: <jansson text>" (the caller prefixes file and line). Never crashes on
 * any JSON input. */
attest_rc awsconfig_item(attest_ctx *ctx, const json_t *item, json_t **out);
/* Like awsconfig_item(), but an item of a deleted or unrecorded resource
 * gives its envelope (type, id, arn, name, region, account; no
 * configuration) with *gone set, instead of nothing. Also used by
 * src/monitor for the items of AWS Config change events. */
attest_rc awsconfig_item_any(attest_ctx *ctx, const json_t *item, json_t **out, bool *gone);

/*
 * Internal to src/inventory; not for other modules.
 */

/* The item's configurationItemCaptureTime as epoch seconds: the raw API's
 * number, or ISO 8601 UTC text (Z, +00:00 or no zone; fraction allowed).
 * False when absent or unreadable. */
bool awsconfig_capture_time(const json_t *item, double *out);

/* State of one item's conversion. path is the dotted path of the value being
 * converted ("configuration.userPolicyList[0].policyDocument"), for messages. */
struct awsconfig_conv {
	attest_ctx *ctx;
	const char *type;
	const char *id;
	bool capitalize; /* upper-case the first letter of configuration keys */
	int depth;
	struct core_buf path;
};

/* Sets "configuration item '<type>' '<id>': '<path>' <message>" and returns
 * ATTEST_ERR_INVALID. */
attest_rc awsconfig_fail(struct awsconfig_conv *cv, const char *fmt, ...) ATTEST_PRINTF(2, 3);
/* Appends ".key" (or "key" at the start) / "[i]" to the path; *mark receives
 * the length to give back to awsconfig_path_pop(). */
attest_rc awsconfig_path_key(struct awsconfig_conv *cv, const char *key, size_t *mark);
attest_rc awsconfig_path_index(struct awsconfig_conv *cv, size_t i, size_t *mark);
void awsconfig_path_pop(struct awsconfig_conv *cv, size_t mark);

/* Converts the value in found under key (whose enclosing object sits under
 * parent; either may be NULL) to API naming: keys capitalized when
 * cv->capitalize, the per-type fixes applied, policy documents decoded, tag
 * maps and policy documents copied verbatim. */
attest_rc awsconfig_norm(struct awsconfig_conv *cv, const json_t *in, const char *parent,
			 const char *key, json_t **out);
/* A policy document: an object (copied), null, or a JSON text, plain or
 * URL-encoded (parsed); anything else fails naming the current path. */
attest_rc awsconfig_policy_doc(struct awsconfig_conv *cv, const json_t *in, json_t **out);
/* Parses text of n bytes as any JSON value; fails "is not valid JSON: ...". */
attest_rc awsconfig_parse(struct awsconfig_conv *cv, const char *text, size_t n, json_t **out);

/* Per-type fixes after normalization (awsconfig_s3.c): edits the resource,
 * its configuration and its supplementaryConfiguration (either may be NULL)
 * in place; S3 settings take the shapes of the S3 API. */
attest_rc awsconfig_fix_type(struct awsconfig_conv *cv, json_t *res, json_t *conf, json_t *supp);

/* Per-service fixes (awsconfig_svc.c), after awsconfig_fix_type(): key
 * casing of the services Config records in CloudFormation's PascalCase while
 * the API is camelCase (ECS, EKS, ECR) and the reverse, flat attribute maps
 * wrapped as the API returns them (SQS, SNS), supplementary settings in the
 * API's shape, policy documents parsed, and the native id. item is the
 * configuration item (for the ARN and relationships); conf the converted
 * configuration (may be NULL or null); *supp may be NULL and is created when
 * a value moves into it. */
attest_rc awsconfig_fix_service(struct awsconfig_conv *cv, const json_t *item, json_t *res,
				json_t *conf, json_t **supp);

/* The edits the per-service fixes are made of (awsconfig_edit.c). Each
 * returns ATTEST_OK or, out of memory or on a bad embedded document, an
 * error left on the context naming the item and the key. */
/* Sets key to v (taking the reference; NULL v is out of memory). */
attest_rc awsconfig_put(attest_ctx *ctx, json_t *obj, const char *key, json_t *v);
/* Copies from to to when to is absent. */
attest_rc awsconfig_alias(attest_ctx *ctx, json_t *obj, const char *from, const char *to);
/* Moves from to to when from is present and to absent. */
attest_rc awsconfig_rename_key(attest_ctx *ctx, json_t *obj, const char *from, const char *to);
/* Creates *supp (an empty object) when it is NULL. */
attest_rc awsconfig_ensure_supp(attest_ctx *ctx, json_t **supp);
/* Lower-cases the first letter of every key of conf, at every depth, but
 * the keys that are data (tags, maps keyed by names). */
attest_rc awsconfig_decap_conf(struct awsconfig_conv *cv, json_t *conf);
/* Moves supp[name] to supp[to], its keys re-cased to the API's names (first
 * letters upper-cased). */
attest_rc awsconfig_recase_supp(struct awsconfig_conv *cv, json_t *supp, const char *name,
				const char *to);
/* Moves the policy document under obj[key] (text, URL-encoded text, object
 * or null) to dst[to] as an object or null; where names obj in messages. */
attest_rc awsconfig_move_policy(struct awsconfig_conv *cv, json_t *obj, const char *key,
				const char *where, json_t *dst, const char *to);
/* Sets the resource's native id from v when v is a non-empty string. */
attest_rc awsconfig_set_id(attest_ctx *ctx, json_t *res, const json_t *v);

/* One service's shape in Config reshaped into its API's
 * (awsconfig_reshape.c); each returns ATTEST_OK or an error left on the
 * context. */
/* API Gateway stage (v2: HTTP/WebSocket API, PascalCase): the API id from
 * the configuration or the ARN, the native id "<api>/<stage>". */
attest_rc awsconfig_apigw_stage(struct awsconfig_conv *cv, const json_t *item, json_t *res,
				json_t *conf, bool v2);
/* CloudFront distribution: the id, {Quantity, Items} lists, Logging.Enabled. */
attest_rc awsconfig_cloudfront(attest_ctx *ctx, json_t *res, json_t *conf);
/* SQS, SNS: the flat attribute map (but key keep) under "Attributes". */
attest_rc awsconfig_wrap_attributes(attest_ctx *ctx, json_t *conf, const char *keep);
/* OpenSearch: VPCOptions.VPCId from the item's relationships. */
attest_rc awsconfig_opensearch_vpc(attest_ctx *ctx, const json_t *item, json_t *conf);
/* EKS: logging.clusterLogging in the API's shape. */
attest_rc awsconfig_eks_logging(attest_ctx *ctx, json_t *conf);
/* ECS task definition: id "<family>:<revision>" and the revision. */
attest_rc awsconfig_ecs_task(attest_ctx *ctx, json_t *res, json_t *conf);
/* Backup vault (lock, access policy into *supp) or plan (rules). */
attest_rc awsconfig_backup(struct awsconfig_conv *cv, json_t *conf, json_t **supp, bool plan);

#endif
