/*
 * Safe XML loading; see xmlsafe.h. libxml2 is told not to touch the network
 * (XML_PARSE_NONET) and not to substitute entities; documents carrying a
 * DOCTYPE are refused outright, since nothing attest reads needs one and a
 * DTD is the door to entity tricks. Errors are collected from libxml2's
 * structured error callbacks rather than letting it print to stderr.
 */
#include "config.h"

#include "xmlsafe.h"

#include <libxml/parser.h>
#include <string.h>

struct first_error {
	char msg[1024];
	int line;
	bool set;
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

attest_rc
attest_xml_schema_load(attest_ctx *ctx, const char *path, xmlSchemaPtr *out)
{
	struct first_error fe = {{0}, 0, false};
	xmlSchemaParserCtxtPtr pctx;

	*out = NULL;
	pctx = xmlSchemaNewParserCtxt(path);
	if (!pctx)
		return attest_nomem(ctx);
	xmlSchemaSetParserStructuredErrors(pctx, keep_first, &fe);
	*out = xmlSchemaParse(pctx);
	xmlSchemaFreeParserCtxt(pctx);
	if (!*out)
		return attest_error(ctx, ATTEST_ERR_INVALID, "cannot load schema '%s' at line %d: %s",
				    path, fe.line, fe.set ? fe.msg : "unreadable");
	return ATTEST_OK;
}

attest_rc
attest_xml_load(attest_ctx *ctx, const char *path, xmlSchemaPtr schema, xmlDocPtr *out)
{
	struct first_error fe = {{0}, 0, false};
	xmlParserCtxtPtr pctx;
	xmlSchemaValidCtxtPtr vctx = NULL;
	xmlDocPtr doc;
	xmlErrorPtr err;
	attest_rc rc = ATTEST_ERR_INVALID;

	*out = NULL;
	pctx = xmlNewParserCtxt();
	if (!pctx)
		return attest_nomem(ctx);
	doc = xmlCtxtReadFile(pctx, path, NULL,
			      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				      XML_PARSE_NOCDATA);
	if (!doc) {
		err = xmlCtxtGetLastError(pctx);
		if (err && err->domain == XML_FROM_IO)
			rc = attest_error(ctx, ATTEST_ERR_IO, "cannot read '%s'", path);
		else {
			keep_first(&fe, err);
			rc = attest_error(ctx, ATTEST_ERR_PARSE, "cannot parse '%s' at line %d: %s",
					  path, fe.line, fe.set ? fe.msg : "not well-formed");
		}
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		rc = attest_error(ctx, ATTEST_ERR_INVALID,
				  "cannot load '%s': a DOCTYPE is not allowed here", path);
		goto out;
	}
	if (schema) {
		vctx = xmlSchemaNewValidCtxt(schema);
		if (!vctx) {
			rc = attest_nomem(ctx);
			goto out;
		}
		xmlSchemaSetValidStructuredErrors(vctx, keep_first, &fe);
		if (xmlSchemaValidateDoc(vctx, doc) != 0) {
			rc = attest_error(ctx, ATTEST_ERR_INVALID, "invalid '%s' at line %d: %s",
					  path, fe.line, fe.set ? fe.msg : "does not match its schema");
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

xmlNodePtr
attest_xml_next(xmlNodePtr node, const char *name)
{
	for (; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    (!name || xmlStrcmp(node->name, (const xmlChar *)name) == 0))
			return node;
	return NULL;
}

xmlNodePtr
attest_xml_child(xmlNodePtr node, const char *name)
{
	return node ? attest_xml_next(node->children, name) : NULL;
}

char *
attest_xml_text(xmlNodePtr node)
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
attest_xml_attr(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *out;

	if (!v)
		return NULL;
	out = strdup((const char *)v);
	xmlFree(v);
	return out;
}
