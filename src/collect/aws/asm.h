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
 * anything. A service states its calls as a table (struct aws_followups)
 * that aws_asm_follow() makes and reads; doc/adding-a-service.md shows a
 * service file built on it.
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
/* Calls for an assembly, one per protocol, for what a follow-up table
 * (below) cannot state: the next page of a sub-listing, a call that needs
 * an earlier answer (an ARN). fn runs with the answer, then the call counts
 * as done. body is stolen. */
void aws_asm_rest(struct aws_asm *a, const char *service, const char *operation, const char *method,
		  const char *path, json_t *body, aws_asm_fn fn);
void aws_asm_json(struct aws_asm *a, const char *service, const char *operation, const char *target,
		  const char *json_version, json_t *body, aws_asm_fn fn);
void aws_asm_query(struct aws_asm *a, const char *service, const char *operation,
		   const char *version, const char *params, aws_asm_fn fn);

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

/*
 * Follow-up calls as data. A service describes the calls that complete a
 * listed resource in one table (struct aws_followups): for each call its
 * operation, its request with the parameters taken from the listed item,
 * where its answer goes in the resource, and whether it is a label call
 * (which feeds no type) or feeds the table's type. aws_asm_follow() starts
 * every call of the table for one assembly and reads the answers.
 *
 * Parameters: in a request, "{Name}" is the member Name of the vars object
 * given to aws_asm_follow() (usually the listed item). In a JSON body it is
 * a whole string value, replaced by the member's value; in query
 * parameters ("Name=value&...") and REST paths it is text, replaced by the
 * member's string value, percent-encoded (as one path segment in a REST
 * path). "{Name?}" is optional: a JSON member or query parameter whose
 * variable is missing is left out; a call naming a missing required
 * variable is not made.
 */
enum aws_fu_proto {
	AWS_FU_JSON,  /* AWS JSON 1.0/1.1: target prefix + operation */
	AWS_FU_QUERY, /* query protocol, answer as AWS_XML_QUERY */
	AWS_FU_REST,  /* REST-JSON: method and path; request is the body */
	AWS_FU_S3,    /* GET of the bucket named by the assembly's id; path is the query */
};

/* Where an answer goes; from names the member of the answer it takes
 * (NULL: the whole answer). */
enum aws_fu_into {
	AWS_INTO_FN,     /* fn reads the raw reply (after the gone check) */
	AWS_INTO_CONF,   /* configuration[key] (key NULL: the configuration) */
	AWS_INTO_SUPP,   /* supplementaryConfiguration[key] */
	AWS_INTO_POLICY, /* supplementaryConfiguration[key], a policy text parsed */
	AWS_INTO_COPY,   /* the members named in keys, into supplementaryConfiguration */
	AWS_INTO_TAGS,   /* the tags (a list of {Key, Value} or a map) */
};

struct aws_followup {
	const char *operation;
	const char *method, *path; /* AWS_FU_REST; path: the query for AWS_FU_S3 */
	const char *request;       /* JSON body, query parameters or REST body; may be NULL */
	bool label;                /* a label call: feeds no type, its failure withholds nothing */
	enum aws_fu_into into;
	const char *from, *key;
	const char *const *keys; /* AWS_INTO_COPY */
	/* Error codes ('|'-separated) that mean "none": the key is set to
	 * null (AWS_INTO_SUPP, AWS_INTO_POLICY), nothing else is stored; a
	 * reader (AWS_INTO_FN) may read them and key from its row. */
	const char *absent;
	/* A missing member (AWS_INTO_SUPP), or a missing or empty policy text
	 * (AWS_INTO_POLICY), is stored as null instead of making the answer
	 * malformed. */
	bool optional;
	/* AWS_INTO_CONF: members of the value stored that give the resource's
	 * id and ARN (the answer is malformed without them) and its name (when
	 * there). */
	const char *id, *arn, *name;
	aws_asm_fn fn; /* AWS_INTO_FN */
};

struct aws_followups {
	enum aws_type type; /* what the non-label calls feed */
	const char *service;
	enum aws_fu_proto proto;
	const char *target;  /* AWS_FU_JSON: X-Amz-Target prefix ("AmazonSQS.") */
	const char *version; /* JSON version ("1.0"; NULL: "1.1") or query API version */
	/* Error codes meaning the resource was deleted since it was listed
	 * (aws_asm_gone()), for every call; NULL: none. */
	const char *gone;
	const struct aws_followup *calls; /* ends with a NULL operation */
};

/* Starts every call of t for a (whose type is t->type) with the parameters
 * taken from vars (borrowed), then aws_asm_done(a): the lister's hold is
 * released. */
void aws_asm_follow(struct aws_asm *a, const struct aws_followups *t, const json_t *vars);
/* The same without aws_asm_done(), for a resource whose calls come from
 * several tables (services, protocols). */
void aws_asm_calls(struct aws_asm *a, const struct aws_followups *t, const json_t *vars);
/* The templates of requests (asm_request.c), with the references of vars
 * replaced: in the JSON value v, in place (false when a required variable
 * is missing); appended to b as query parameters, percent-encoded; into out
 * as a REST path, each value one path segment. The last two return 0, 1
 * when a required variable is missing, -1 when out of memory or too long. */
bool aws_asm_fill_json(json_t *v, const json_t *vars);
int aws_asm_fill_query(struct core_buf *b, const char *tmpl, const json_t *vars);
int aws_asm_fill_path(char *out, size_t size, const char *tmpl, const json_t *vars);

#endif
