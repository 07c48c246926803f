/*
 * Loading the project's XML (catalogs, check definitions, templates) safely:
 * no network, no DTD, no entity expansion, and validation against an XSD,
 * with the first problem reported as "file:line: message".
 */
#ifndef ATTEST_XMLSAFE_H
#define ATTEST_XMLSAFE_H

#include "core/core_int.h"

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

/* Parses and compiles the schema at path. */
attest_rc attest_xml_schema_load(attest_ctx *ctx, const char *path, xmlSchemaPtr *out);
/* Parses path and validates it against schema (if non-NULL). */
attest_rc attest_xml_load(attest_ctx *ctx, const char *path, xmlSchemaPtr schema, xmlDocPtr *out);
/* Element children of node with the given local name, in order. */
xmlNodePtr attest_xml_child(xmlNodePtr node, const char *name);
xmlNodePtr attest_xml_next(xmlNodePtr node, const char *name);
/* Text content (trimmed), a new string, or NULL when absent/no memory. */
char *attest_xml_text(xmlNodePtr node);
/* Attribute value, a new string, or NULL. */
char *attest_xml_attr(xmlNodePtr node, const char *name);

#endif
