/*
 * One resource assembled from several API calls - the one way every service
 * file builds a resource that takes more than one answer (a listing entry,
 * then its attributes, policy, tags...). An assembly holds the
 * configuration, the supplementary object and the tags while its calls are
 * in flight, and counts them; the last answer writes the resource, unless
 * one of its calls failed for good (the failure is then in the collection
 * log and the type withheld anyway, so a partial resource never passes a
 * check) or the resource was deleted since it was listed (gone: a change in
 * the account, not a gap). Label calls (tags) may fail without withholding
 * anything. doc/adding-a-service.md shows a service file built on it.
 *
 * Ownership: an assembly owns its strings, JSON values and data; values
 * passed in are stolen unless said otherwise.
 */
#ifndef ATTEST_AWS_ASM_H
#define ATTEST_AWS_ASM_H

#include "collect/aws/collect_int.h"
#include "collect/aws/shape.h"

struct aws_asm {
	struct aws_collector *c;
	enum aws_type type;
	char region[40];            /* "" for a global resource */
	json_t *conf, *supp, *tags; /* each NULL until set */
	char *id, *arn, *name;
	int pending;
	bool failed;
	bool gone;  /* deleted since it was listed: not written */
	bool label; /* the next call is a label one */
	void *data; /* the service's own state, freed with free() */
};
/* Called with each answer; the call counts as done when it returns. */
typedef void (*aws_asm_fn)(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r);

/* A new assembly holding conf (stolen; NULL: set by a later answer); NULL
 * when out of memory (recorded). It is written when aws_asm_done() has
 * been called once more than the number of calls made for it: call it once
 * every call is started. */
struct aws_asm *aws_asm_new(struct aws_collector *c, enum aws_type type, const char *region,
			    json_t *conf);
/* Sets the identity; strings copied, NULL leaves a field as it is. */
void aws_asm_ids(struct aws_asm *a, const char *id, const char *arn, const char *name);
/* Sets supplementaryConfiguration[key] (value stolen; NULL stores null).
 * aws_asm_supp(a, NULL, NULL) only makes it an empty object. */
void aws_asm_supp(struct aws_asm *a, const char *key, json_t *value);
/* Copies into supplementaryConfiguration the members of v named in keys
 * (NULL-terminated) that v has. */
void aws_asm_supp_copy(struct aws_asm *a, const json_t *v, const char *const *keys);
/* Tags: AWS's [{"Key","Value"}] list (or a map), borrowed; an empty one
 * leaves the tags as they are. */
void aws_asm_tags(struct aws_asm *a, const json_t *list);
void aws_asm_done(struct aws_asm *a);

/* Makes the next call a label one (tags): its failure is logged but
 * withholds nothing, and the resource is written without what it gives. */
void aws_asm_label(struct aws_asm *a);
/* Calls for an assembly, one per protocol; fn runs with the answer, then
 * the call counts as done. body is stolen. */
void aws_asm_rest(struct aws_asm *a, const char *service, const char *operation, const char *method,
		  const char *path, json_t *body, aws_asm_fn fn);
void aws_asm_json(struct aws_asm *a, const char *service, const char *operation, const char *target,
		  const char *json_version, json_t *body, aws_asm_fn fn);
void aws_asm_query(struct aws_asm *a, const char *service, const char *operation,
		   const char *version, const char *params, aws_asm_fn fn);
/* An S3 call on bucket (GET of its URL with query, in a's region). */
void aws_asm_s3(struct aws_asm *a, const char *operation, const char *bucket, const char *query,
		aws_asm_fn fn);

/* The JSON answer of a call for a; NULL when it failed (logged, a marked
 * failed) or when its error code is one of absent (then *absent is set). */
json_t *aws_asm_reply_json(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r,
			   const char *absent, bool *absent_out);
/* The same for XML answers: the <Operation>Result element (or the root,
 * for REST-XML) converted in style. */
json_t *aws_asm_reply_xml(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r,
			  enum aws_xml_style style, const char *absent, bool *absent_out);
/* A query-protocol answer: its <Operation>Result element, which must be
 * there, converted as AWS_XML_QUERY. */
json_t *aws_asm_reply_query(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r);
/* True (and a gone, a debug line logged) when the call failed with one of
 * the '|'-separated codes that mean the resource was deleted since it was
 * listed. */
bool aws_asm_gone(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r,
		  const char *codes);
/* Logs a failure of op (a malformed answer) and marks a failed unless op
 * is a label call. */
void aws_asm_fail(struct aws_asm *a, struct aws_op *op, const char *code, const char *msg);
/* Records out of memory: a failed, collection stops at the end. */
void aws_asm_nomem(struct aws_asm *a);

#endif
