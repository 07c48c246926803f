/*
 * The service model of the query-protocol answers attest reads: the output
 * shapes of the operations it calls, generated from botocore's published
 * models by gen_model.py into model_gen.c. A structure lists its members
 * with their wire name (the XML element: the model's locationName, else the
 * member name) and their API name (the member name, which the JSON APIs,
 * AWS Config and the checks use); lists and maps name their element shapes;
 * scalars say whether the text is a boolean, a number, or a string.
 */
#ifndef ATTEST_AWS_MODEL_H
#define ATTEST_AWS_MODEL_H

#include <stddef.h>

enum aws_model_kind {
	AWS_M_STRUCT,
	AWS_M_LIST,
	AWS_M_MAP,
	AWS_M_BOOL,
	AWS_M_INT,
	AWS_M_REAL,
	AWS_M_TIME, /* kept as the ISO 8601 text AWS sends */
	AWS_M_STRING
};

struct aws_model_member {
	const char *wire; /* the element name */
	const char *name; /* the API member name */
	int shape;        /* index in aws_model_shapes */
};

/* structure: a = first member (aws_model_members), b = their count;
 * list: a = the element shape, item = the element name (unless flat: then
 * each element is a member of the parent named as the structure says);
 * map: a = key shape, b = value shape, item/value = the entry's key and
 * value element names. */
struct aws_model_shape {
	enum aws_model_kind kind;
	int a, b;
	const char *item, *value;
	int flat;
};

struct aws_model_op {
	const char *version; /* the API version sent (2016-11-15: EC2) */
	const char *operation;
	int shape; /* its output structure, -1: none */
};

extern const struct aws_model_member aws_model_members[];
extern const struct aws_model_shape aws_model_shapes[];
extern const struct aws_model_op aws_model_ops[]; /* ends with a NULL version */
extern const size_t aws_model_n_shapes;

/* The output shape of operation of the API version, or -1 when the model
 * does not have it. */
int aws_model_output(const char *version, const char *operation);

#endif
