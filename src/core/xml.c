/*
 * Safe XML loading; see xml.h. libxml2 is told not to touch the network
 * (XML_PARSE_NONET) and not to substitute entities; documents carrying a
 * DOCTYPE are refused outright, since nothing attest reads needs one and a
 * DTD is the door to entity tricks. Errors are collected from libxml2's
 * structured error callbacks rather than letting it print to stderr.
 */
#include "config.h"

#include "core/xml.h"

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <stdint.h>
#include <string.h>

struct first_error {
	char msg[1024];
	int line;
	bool set;
	int doctype_line; /* > 0 when the document has a DOCTYPE */
};

static void
keep_first(void *data, xmlErrorPtr err)
{
	struct first_error *fe = data;
	size_t n;

	if (fe->set || !err || err->level < XML_ERR_ERROR)
		return;
	snprintf(fe->msg, sizeof(fe->msg), "%s", err->message ? err->message : "unknown error");
	n = strlen(fe->msg);
	while (n > 0 && (fe->msg[n - 1] == '\n' || fe->msg[n - 1] == ' '))
		fe->msg[--n] = '\0';
	fe->line = err->line;
	fe->set = true;
}

/* Parser errors arrive with the parser context; _private holds ours. libxml2
 * goes on after the first well-formedness error, and the last one it reports
 * ("premature end of data") says little about where the problem is. */
static void
parse_error(void *data, xmlErrorPtr err)
{
	keep_first(((xmlParserCtxtPtr)data)->_private, err);
}

/* Called at "<!DOCTYPE name ...", before the internal subset is read: stop
 * there, so no entity is ever declared, expanded or fetched. */
static void
refuse_doctype(void *data, const xmlChar *name, const xmlChar *external_id,
	       const xmlChar *system_id)
{
	xmlParserCtxtPtr pctx = data;
	struct first_error *fe = pctx->_private;

	(void)name;
	(void)external_id;
	(void)system_id;
	fe->doctype_line = xmlSAX2GetLineNumber(pctx);
	if (fe->doctype_line <= 0)
		fe->doctype_line = 1;
	xmlStopParser(pctx);
}

attest_rc
core_xml_schema_load(attest_ctx *ctx, const char *path, xmlSchemaPtr *out)
{
	struct first_error fe = {{0}, 0, false, 0};
	xmlSchemaParserCtxtPtr pctx;

	*out = NULL;
	pctx = xmlSchemaNewParserCtxt(path);
	if (!pctx)
		return core_nomem(ctx);
	xmlSchemaSetParserStructuredErrors(pctx, keep_first, &fe);
	*out = xmlSchemaParse(pctx);
	xmlSchemaFreeParserCtxt(pctx);
	if (!*out)
		return core_error(ctx, ATTEST_ERR_INVALID, "cannot load schema '%s' at line %d: %s",
				  path, fe.line, fe.set ? fe.msg : "unreadable");
	return ATTEST_OK;
}

/* Reads the file at path, or the len bytes at data when path is NULL; name
 * names the document in messages. */
static attest_rc
load(attest_ctx *ctx, const char *name, const char *path, const char *data, size_t len,
     xmlSchemaPtr schema, xmlDocPtr *out)
{
	const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			    XML_PARSE_NOCDATA; /* no XML_PARSE_NOENT: entities stay as they are */
	struct first_error fe = {{0}, 0, false, 0};
	xmlParserCtxtPtr pctx;
	xmlSchemaValidCtxtPtr vctx = NULL;
	xmlDocPtr doc;
	xmlErrorPtr err;
	attest_rc rc = ATTEST_ERR_INVALID;

	*out = NULL;
	if (!path && len > (size_t)INT32_MAX)
		return core_error(ctx, ATTEST_ERR_LIMIT, "cannot parse '%s': too large", name);
	pctx = xmlNewParserCtxt();
	if (!pctx)
		return core_nomem(ctx);
	pctx->_private = &fe;
	pctx->sax->serror = parse_error;
	pctx->sax->internalSubset = refuse_doctype;
	if (path)
		doc = xmlCtxtReadFile(pctx, path, NULL, options);
	else
		doc = xmlCtxtReadMemory(pctx, data ? data : "", (int)len, NULL, NULL, options);
	if (fe.doctype_line > 0 || (doc && (doc->intSubset || doc->extSubset))) {
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"cannot load '%s' at line %d: a DOCTYPE is not allowed here", name,
				fe.doctype_line > 0 ? fe.doctype_line : 1);
		goto out;
	}
	if (!doc || !xmlDocGetRootElement(doc)) {
		err = xmlCtxtGetLastError(pctx);
		if (path && err && err->domain == XML_FROM_IO)
			rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s'", name);
		else {
			keep_first(&fe, err); /* when no callback saw it */
			rc = core_error(ctx, ATTEST_ERR_PARSE, "cannot parse '%s' at line %d: %s",
					name, fe.line, fe.set ? fe.msg : "not well-formed");
		}
		goto out;
	}
	if (schema) {
		fe.set = false; /* report the first validation error */
		vctx = xmlSchemaNewValidCtxt(schema);
		if (!vctx) {
			rc = core_nomem(ctx);
			goto out;
		}
		xmlSchemaSetValidStructuredErrors(vctx, keep_first, &fe);
		if (xmlSchemaValidateDoc(vctx, doc) != 0) {
			rc = core_error(ctx, ATTEST_ERR_INVALID, "invalid '%s' at line %d: %s",
					name, fe.line,
					fe.set ? fe.msg : "does not match its schema");
			goto out;
		}
	}
	*out = doc;
	doc = NULL;
	rc = ATTEST_OK;
out:
	xmlSchemaFreeValidCtxt(vctx);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pctx);
	return rc;
}

attest_rc
core_xml_load(attest_ctx *ctx, const char *path, xmlSchemaPtr schema, xmlDocPtr *out)
{
	return load(ctx, path, path, NULL, 0, schema, out);
}

attest_rc
core_xml_load_memory(attest_ctx *ctx, const char *name, const char *data, size_t len,
		     xmlSchemaPtr schema, xmlDocPtr *out)
{
	return load(ctx, name, NULL, data, len, schema, out);
}

xmlNodePtr
core_xml_next(xmlNodePtr node, const char *name)
{
	for (; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    (!name || xmlStrcmp(node->name, (const xmlChar *)name) == 0))
			return node;
	return NULL;
}

xmlNodePtr
core_xml_child(xmlNodePtr node, const char *name)
{
	return node ? core_xml_next(node->children, name) : NULL;
}

char *
core_xml_text(xmlNodePtr node)
{
	xmlChar *raw;
	const char *s, *e;
	char *out;

	if (!node)
		return NULL;
	raw = xmlNodeGetContent(node);
	if (!raw)
		return NULL;
	s = (const char *)raw;
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	out = strndup(s, (size_t)(e - s));
	xmlFree(raw);
	return out;
}

char *
core_xml_attr(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *out;

	if (!v)
		return NULL;
	out = strdup((const char *)v);
	xmlFree(v);
	return out;
}
