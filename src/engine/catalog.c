/*
 * Reading framework catalogs (frameworks/<id>.xml, schema
 * frameworks/framework.xsd) into struct framework: the controls in document
 * order, each with the title of the section it sits in and the ids of the
 * checks behind it. Check ids are resolved later, by attest_library_resolve(),
 * because a user catalog may map onto checks of another directory.
 */
#include "config.h"

#include "library_int.h"

#include <stdlib.h>
#include <string.h>

static void
control_release(struct control *c)
{
	size_t i;

	free(c->id);
	free(c->title);
	free(c->description);
	free(c->note);
	free(c->section);
	free(c->level);
	for (i = 0; i < c->n_checks; i++)
		free(c->checks[i]);
	free(c->checks);
}

void
lib_framework_free(struct framework *fw)
{
	size_t i;

	if (!fw)
		return;
	for (i = 0; i < fw->n_controls; i++)
		control_release(&fw->controls[i]);
	free(fw->controls);
	free(fw->id);
	free(fw->version);
	free(fw->title);
	free(fw->publisher);
	free(fw->description);
	free(fw->file);
	free(fw);
}

static attest_rc
parse_control(struct framework *fw, xmlNodePtr node, const char *section)
{
	struct control *grown, *c;
	xmlNodePtr n;
	char *assessment, **refs;

	grown = realloc(fw->controls, (fw->n_controls + 1) * sizeof(*grown));
	if (!grown)
		return ATTEST_ERR_NOMEM;
	fw->controls = grown;
	c = &fw->controls[fw->n_controls++];
	memset(c, 0, sizeof(*c));
	c->line = (int)xmlGetLineNo(node);
	c->id = core_xml_attr(node, "id");
	c->level = core_xml_attr(node, "level");
	assessment = core_xml_attr(node, "assessment");
	c->manual = assessment && strcmp(assessment, "manual") == 0;
	free(assessment);
	c->title = core_xml_text(core_xml_child(node, "title"));
	c->description = core_xml_text(core_xml_child(node, "description"));
	c->note = core_xml_text(core_xml_child(node, "note"));
	c->section = strdup(section);
	if (!c->id || !c->title || !c->section)
		return ATTEST_ERR_NOMEM;
	for (n = core_xml_child(node, "check"); n; n = core_xml_next(n->next, "check")) {
		refs = realloc(c->checks, (c->n_checks + 1) * sizeof(*refs));
		if (!refs)
			return ATTEST_ERR_NOMEM;
		c->checks = refs;
		if (!(c->checks[c->n_checks] = core_xml_attr(n, "ref")))
			return ATTEST_ERR_NOMEM;
		c->n_checks++;
	}
	return ATTEST_OK;
}

static attest_rc
parse_section(struct framework *fw, xmlNodePtr sec)
{
	char *id = core_xml_attr(sec, "id");
	char *title = core_xml_text(core_xml_child(sec, "title"));
	char label[1024];
	xmlNodePtr n;
	attest_rc rc = ATTEST_OK;

	if (!id || !title) {
		rc = ATTEST_ERR_NOMEM;
		goto out;
	}
	snprintf(label, sizeof(label), "%s %s", id, title);
	for (n = core_xml_next(sec->children, NULL); n && rc == ATTEST_OK;
	     n = core_xml_next(n->next, NULL)) {
		if (xmlStrcmp(n->name, (const xmlChar *)"section") == 0)
			rc = parse_section(fw, n);
		else if (xmlStrcmp(n->name, (const xmlChar *)"control") == 0)
			rc = parse_control(fw, n, label);
	}
out:
	free(id);
	free(title);
	return rc;
}

static attest_rc
add_framework(attest_library *lib, struct framework *fw)
{
	struct framework **grown;
	size_t i;

	for (i = 0; i < lib->n_frameworks; i++) {
		if (strcmp(lib->frameworks[i]->id, fw->id) != 0)
			continue;
		if (lib->frameworks[i]->gen == fw->gen) {
			attest_rc rc = core_error(lib->ctx, ATTEST_ERR_INVALID,
						  "invalid '%s': framework '%s' is already "
						  "defined in '%s'",
						  fw->file, fw->id, lib->frameworks[i]->file);
			lib_framework_free(fw);
			return rc;
		}
		lib_framework_free(lib->frameworks[i]);
		lib->frameworks[i] = fw;
		return ATTEST_OK;
	}
	grown = realloc(lib->frameworks, (lib->n_frameworks + 1) * sizeof(*grown));
	if (!grown) {
		lib_framework_free(fw);
		return core_nomem(lib->ctx);
	}
	lib->frameworks = grown;
	lib->frameworks[lib->n_frameworks++] = fw;
	return ATTEST_OK;
}

attest_rc
lib_parse_catalog(attest_library *lib, const char *path)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	struct framework *fw;
	attest_rc rc;

	if ((rc = core_xml_load(lib->ctx, path, lib->framework_schema, &doc)) != ATTEST_OK)
		return rc;
	root = xmlDocGetRootElement(doc);
	fw = calloc(1, sizeof(*fw));
	if (!fw) {
		xmlFreeDoc(doc);
		return core_nomem(lib->ctx);
	}
	fw->gen = lib->gen;
	fw->id = core_xml_attr(root, "id");
	fw->version = core_xml_attr(root, "version");
	fw->title = core_xml_text(core_xml_child(root, "title"));
	fw->publisher = core_xml_text(core_xml_child(root, "publisher"));
	fw->description = core_xml_text(core_xml_child(root, "description"));
	fw->file = strdup(path);
	rc = fw->id && fw->version && fw->title && fw->publisher && fw->description && fw->file
		     ? ATTEST_OK
		     : ATTEST_ERR_NOMEM;
	for (n = core_xml_child(root, "section"); n && rc == ATTEST_OK;
	     n = core_xml_next(n->next, "section"))
		rc = parse_section(fw, n);
	xmlFreeDoc(doc);
	if (rc != ATTEST_OK) {
		lib_framework_free(fw);
		return core_nomem(lib->ctx);
	}
	return add_framework(lib, fw);
}
