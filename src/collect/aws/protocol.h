/*
 * Response parsing for the AWS wire protocols: the query / REST-XML family
 * (IAM, STS, EC2, S3, SNS, RDS, CloudWatch) read with libxml2, never
 * touching the network, never expanding entities and refusing any DOCTYPE;
 * and the JSON family (JSON 1.0/1.1 and REST-JSON: CloudTrail, KMS, Config,
 * CloudWatch Logs, EFS, Security Hub, Access Analyzer) read with jansson.
 * Both produce jansson values in the shape the AWS API documents (and the
 * checks read): PascalCase keys, lists as arrays, numbers and booleans
 * typed, timestamps as ISO 8601 strings.
 *
 * Ownership: functions returning json_t * give a new reference.
 */
#ifndef ATTEST_AWS_PROTOCOL_H
#define ATTEST_AWS_PROTOCOL_H

#include "core/core_int.h"
#include "core/xml.h"

#include <jansson.h>

/* ---- XML ---- */

/* An XML response body is parsed with core_xml_load_memory (core/xml.h):
 * no network, no entities, no DOCTYPE. */
/* The first element child named name (local name), or NULL. */
xmlNodePtr aws_xml_child(xmlNodePtr node, const char *name);
/* Depth-first search for the first element named name under node. */
xmlNodePtr aws_xml_find(xmlNodePtr node, const char *name);
/* The text of the child named name, a new string, NULL when absent. */
char *aws_xml_child_text(xmlNodePtr node, const char *name);

/* How element names map to API member names. */
enum aws_xml_style {
	AWS_XML_QUERY, /* IAM, STS, SNS, RDS, CloudWatch, S3: names kept */
	AWS_XML_EC2    /* EC2: camelCase wire names mapped to the API's members */
};

/* Converts an element's children to an object in the API shape. NULL when
 * out of memory. */
json_t *aws_xml_to_json(xmlNodePtr node, enum aws_xml_style style);
/* Converts a list element (<member>/<item>/... children) to an array. */
json_t *aws_xml_list_to_json(xmlNodePtr node, enum aws_xml_style style);

/* The same, driven by the service model of operation of the API version
 * (model.h): member names and types as the model says, empty structures {}
 * and empty lists []; elements the model does not know, and operations it
 * does not have, are converted as above. */
json_t *aws_xml_to_json_op(xmlNodePtr node, const char *version, const char *operation,
			   enum aws_xml_style style);
/* node: a list member of operation's output structure (by its wire name). */
json_t *aws_xml_list_to_json_op(xmlNodePtr node, const char *version, const char *operation,
				enum aws_xml_style style);
/* Converts node without a model; its API name goes into key. */
json_t *aws_xml_convert_unknown(xmlNodePtr node, enum aws_xml_style style, char *key,
				size_t key_size);

/* ---- JSON ---- */

/* Parses a JSON response body; the top level must be an object. */
attest_rc aws_json_parse(attest_ctx *ctx, const char *what, const char *body, size_t len,
			 json_t **out);
/* Rewrites, in place, epoch-second timestamps under the keys AWS JSON
 * protocols send as numbers into ISO 8601 strings (recursively). */
void aws_json_fix_times(json_t *v);

/* ---- errors ---- */

/* Extracts the AWS error code and message of a failed response, whatever its
 * protocol (XML <Error><Code>, JSON __type/code, the x-amzn-ErrorType
 * header). Falls back to "HTTP<status>". */
void aws_error_parse(long status, const char *errtype_header, const char *body, size_t len,
		     char *code, size_t code_size, char *msg, size_t msg_size);

/* ---- small helpers ---- */

/* Appends s percent-encoded (aws_uri_encode of sigv4.h) to b. */
attest_rc aws_buf_encode(struct core_buf *b, const char *s, bool keep_slash);
/* Decodes %XX (and '+' when plus is true) into a new string. */
char *aws_uri_decode(const char *s, bool plus);
/* Parses a policy document that may be URL-encoded JSON (IAM) or JSON. NULL
 * when it is neither. */
json_t *aws_policy_parse(const char *text);

#endif
