/*
 * Loading XML safely, from a file (catalogs, check definitions, templates)
 * or from memory (the answers of the AWS query and REST-XML APIs): no
 * network, no DTD, no entity expansion (a document carrying a DOCTYPE is
 * refused), optional validation against an XSD, and the first problem
 * reported on the context as "cannot parse '<name>' at line N: message".
 *
 * Ownership: a document or schema handed out is the caller's
 * (xmlFreeDoc / xmlSchemaFree); strings returned are the caller's (free).
 */
#ifndef ATTEST_CORE_XML_H
#define ATTEST_CORE_XML_H

#include "core/core_int.h"

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

/* Parses and compiles the schema at path. */
attest_rc core_xml_schema_load(attest_ctx *ctx, const char *path, xmlSchemaPtr *out);
/* Parses the file at path and validates it against schema (if non-NULL).
 * ATTEST_ERR_IO when it cannot be read, ATTEST_ERR_PARSE when it is not
 * well-formed, ATTEST_ERR_INVALID for a DOCTYPE or a schema violation. */
attest_rc core_xml_load(attest_ctx *ctx, const char *path, xmlSchemaPtr schema, xmlDocPtr *out);
/* The same for the len bytes at data; name names the document in messages.
 * A document without a root element is not well-formed; more than
 * INT32_MAX bytes is ATTEST_ERR_LIMIT. */
attest_rc core_xml_load_memory(attest_ctx *ctx, const char *name, const char *data, size_t len,
			       xmlSchemaPtr schema, xmlDocPtr *out);
/* Element children of node with the given local name, in order. */
xmlNodePtr core_xml_child(xmlNodePtr node, const char *name);
xmlNodePtr core_xml_next(xmlNodePtr node, const char *name);
/* Text content (trimmed), a new string, or NULL when absent/no memory. */
char *core_xml_text(xmlNodePtr node);
/* Attribute value, a new string, or NULL. */
char *core_xml_attr(xmlNodePtr node, const char *name);

#endif
