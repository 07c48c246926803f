/*
 * Helpers of the compute, network, edge, detection and AI service files:
 * reshaping an answer into the API shape the checks read (wire names to
 * API member names, typed leaves, camelCase to PascalCase for the services
 * whose REST wire names differ from their API members), and assembling one
 * resource from several answers (a listing entry, its attributes, its
 * policy, its tags), written out once every answer is in - or not at all
 * when one of them failed, so that a partial resource never passes a check.
 */
#ifndef ATTEST_AWS_SHAPE_H
#define ATTEST_AWS_SHAPE_H

#include "collect/aws/collect_int.h"

/* How to type and name the leaves of a converted XML answer. Every table
 * is NULL-terminated (or NULL). */
struct aws_shape {
	const char *const *renames; /* pairs: wire-derived name, API name */
	const char *const *bools;   /* "true"/"false" strings become booleans */
	const char *const *ints;    /* digit strings become integers */
	const char *const *lists;   /* an empty value becomes [] */
	const char *const *strings; /* numbers turned back into strings */
};
/* Applies s to v in place, recursively. */
void aws_shape_apply(json_t *v, const struct aws_shape *s);
/* A copy of v with every object key's first letter upper-cased, except the
 * keys of the members named in maps (tags, variables: user data), whose
 * values are still converted. A new reference, NULL when out of memory. */
json_t *aws_shape_pascal(const json_t *v, const char *const *maps);
/* Removes key from obj and returns its value (a new reference) or NULL. */
json_t *aws_take(json_t *obj, const char *key);
/* A tag map ({"k": "v"}) copied, or NULL when empty or not an object. */
json_t *aws_tags_map(const json_t *m);
/* True when code is one of the '|'-separated codes of set. */
bool aws_code_in(const char *code, const char *set);

/* ---- one resource from several answers ---- */

struct aws_asm {
	struct aws_collector *c;
	enum aws_type type;
	char region[40];             /* "" for a global resource */
	json_t *conf, *supp, *tags;  /* supp and tags NULL until set */
	char *id, *arn, *name;
	int pending;
	bool failed;
	bool label;                  /* the next call is a label one */
};
typedef void (*aws_asm_fn)(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r);

/* A new assembly holding conf (stolen); NULL when out of memory (recorded).
 * It is written when aws_asm_done() has been called once more than the
 * number of calls made for it. */
struct aws_asm *aws_asm_new(struct aws_collector *c, enum aws_type type, const char *region,
			    json_t *conf);
/* Sets the identity; strings copied, NULL leaves a field as it is. */
void aws_asm_ids(struct aws_asm *a, const char *id, const char *arn, const char *name);
/* Sets supplementaryConfiguration[key] (value stolen). */
void aws_asm_supp(struct aws_asm *a, const char *key, json_t *value);
void aws_asm_done(struct aws_asm *a);

/* Makes the next call a label one (tags): its failure is logged but
 * withholds nothing, and the resource is written without what it gives. */
void aws_asm_label(struct aws_asm *a);
/* Calls for an assembly; fn runs with the answer, then the call counts as
 * done. body is stolen. */
void aws_asm_rest(struct aws_asm *a, const char *service, const char *operation,
		  const char *method, const char *path, json_t *body, aws_asm_fn fn);
void aws_asm_json(struct aws_asm *a, const char *service, const char *operation,
		  const char *target, json_t *body, aws_asm_fn fn);
void aws_asm_query(struct aws_asm *a, const char *service, const char *operation,
		   const char *version, const char *params, aws_asm_fn fn);

/* The JSON answer of a call for a; NULL when it failed (logged, a marked
 * failed) or when its error code is one of absent (then *absent is set). */
json_t *aws_asm_reply_json(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r,
			   const char *absent, bool *absent_out);
/* The same for query/XML answers: the <Operation>Result element (or the
 * root) converted in style. */
json_t *aws_asm_reply_xml(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r,
			  enum aws_xml_style style, const char *absent, bool *absent_out);

/* Percent-encodes s as one path segment into buf; false when too long. */
bool aws_shape_segment(char *buf, size_t size, const char *s);

#endif
