/*
 * Reading check definition files (frameworks/checks/<provider>/<service>.xml,
 * schema frameworks/checks.xsd) into struct check. The schema guarantees the
 * shape; this file adds what a schema cannot say: ids unique across files of
 * one directory, and a readable copy of the references for reports.
 */
#include "config.h"

#include "library_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void
lib_check_free(struct check *c)
{
	size_t i;

	if (!c)
		return;
	free(c->id);
	free(c->title);
	free(c->service);
	free(c->severity);
	free(c->resource_type);
	for (i = 0; i < c->n_requires; i++)
		free(c->requires[i]);
	free(c->requires);
	free(c->rationale);
	free(c->steps);
	free(c->cli);
	free(c->terraform);
	free(c->refs);
	free(c->query);
	free(c->file);
	free(c);
}

static char *
child_text(xmlNodePtr node, const char *name)
{
	return core_xml_text(core_xml_child(node, name));
}

static attest_rc
parse_check(attest_library *lib, xmlNodePtr node, const char *path, struct check **out)
{
	struct check *c;
	xmlNodePtr n, rem;
	json_t *refs = NULL, *ref;
	char **grown, *exposure;
	attest_rc rc = ATTEST_ERR_NOMEM;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return core_nomem(lib->ctx);
	c->line = (int)xmlGetLineNo(node);
	c->gen = lib->gen;
	rem = core_xml_child(node, "remediation");
	c->id = core_xml_attr(node, "id");
	exposure = core_xml_attr(node, "exposure");
	c->exposure = exposure && (strcmp(exposure, "true") == 0 || strcmp(exposure, "1") == 0);
	free(exposure);
	c->title = child_text(node, "title");
	c->service = child_text(node, "service");
	c->severity = child_text(node, "severity");
	c->resource_type = child_text(node, "resource-type");
	c->rationale = child_text(node, "rationale");
	c->steps = child_text(rem, "steps");
	c->cli = child_text(rem, "cli");
	c->terraform = child_text(rem, "terraform");
	c->query = child_text(node, "query");
	c->query_line = (int)xmlGetLineNo(core_xml_child(node, "query"));
	c->file = strdup(path);
	if (!c->id || !c->title || !c->service || !c->severity || !c->resource_type ||
	    !c->rationale || !c->steps || !c->cli || !c->terraform || !c->query || !c->file)
		goto out;
	for (n = core_xml_child(node, "requires"); n; n = core_xml_next(n->next, "requires")) {
		grown = realloc(c->requires, (c->n_requires + 1) * sizeof(*grown));
		if (!grown)
			goto out;
		c->requires = grown;
		if (!(c->requires[c->n_requires] = core_xml_text(n)))
			goto out;
		c->n_requires++;
	}
	refs = json_array();
	if (!refs)
		goto out;
	for (n = core_xml_child(node, "reference"); n; n = core_xml_next(n->next, "reference")) {
		char *href = core_xml_attr(n, "href"), *title = core_xml_text(n);

		ref = json_pack("{s:s?, s:s?}", "href", href, "title", title);
		free(href);
		free(title);
		if (!ref || json_array_append_new(refs, ref) != 0)
			goto out;
	}
	if (!(c->refs = json_dumps(refs, JSON_COMPACT)))
		goto out;
	*out = c;
	c = NULL;
	rc = ATTEST_OK;
out:
	json_decref(refs);
	lib_check_free(c);
	return rc == ATTEST_OK ? rc : core_nomem(lib->ctx);
}

/* Adds c, replacing a check of the same id from an earlier directory. */
static attest_rc
add_check(attest_library *lib, struct check *c)
{
	struct check **grown;
	size_t i;

	for (i = 0; i < lib->n_checks; i++) {
		if (strcmp(lib->checks[i]->id, c->id) != 0)
			continue;
		if (lib->checks[i]->gen == c->gen) {
			attest_rc rc = core_error(
				lib->ctx, ATTEST_ERR_INVALID,
				"invalid '%s' at line %d: check '%s' is already defined in '%s' at "
				"line %d",
				c->file, c->line, c->id, lib->checks[i]->file,
				lib->checks[i]->line);
			lib_check_free(c);
			return rc;
		}
		lib_check_free(lib->checks[i]);
		lib->checks[i] = c;
		return ATTEST_OK;
	}
	grown = realloc(lib->checks, (lib->n_checks + 1) * sizeof(*grown));
	if (!grown) {
		lib_check_free(c);
		return core_nomem(lib->ctx);
	}
	lib->checks = grown;
	lib->checks[lib->n_checks++] = c;
	return ATTEST_OK;
}

attest_rc
lib_parse_checks(attest_library *lib, const char *path)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr node;
	struct check *c;
	attest_rc rc;

	if ((rc = core_xml_load(lib->ctx, path, lib->check_schema, &doc)) != ATTEST_OK)
		return rc;
	for (node = core_xml_child(xmlDocGetRootElement(doc), "check"); node;
	     node = core_xml_next(node->next, "check")) {
		if ((rc = parse_check(lib, node, path, &c)) != ATTEST_OK ||
		    (rc = add_check(lib, c)) != ATTEST_OK)
			break;
	}
	xmlFreeDoc(doc);
	return rc;
}
