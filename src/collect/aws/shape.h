/*
 * Helpers of the compute, network, edge, detection and AI service files:
 * reshaping an answer into the API shape the checks read (wire names to
 * API member names, typed leaves, camelCase to PascalCase for the services
 * whose REST wire names differ from their API members). Assembling one
 * resource from several answers is asm.h's.
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

/* Percent-encodes s as one path segment into buf; false when too long. */
bool aws_shape_segment(char *buf, size_t size, const char *s);

#endif
