/*
 * Tests of the bundled framework catalogs as a whole. The library is loaded
 * the way `attest scan` loads it (attest_library_load_bundled, then
 * attest_library_resolve) and inspected through the engine's internal
 * structures: every catalog file is loaded and validates against the schema,
 * every automated control maps existing checks, every bundled check serves at
 * least one automated control of some catalog, control ids are unique per
 * catalog and sections are well formed. The PCI DSS catalog gets a few
 * structural checks of its own (its numbering follows the standard's).
 */
#include "config.h"

#include "engine/engine_int.h"
#include "engine/library_int.h"
#include "harness.h"
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static attest_ctx *ctx;
static attest_library *lib;

static int
library_init(void)
{
	return tu_library_load(&ctx, &lib, false);
}

static void
library_release(void)
{
	tu_library_free(ctx, lib);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Resolving the loaded library succeeds: every reference of every control
 * names a loaded check and no automated control is empty. */
static void
test_library_resolves(void)
{
	attest_rc rc = attest_library_resolve(lib);

	if (rc != ATTEST_OK)
		fprintf(stderr, "\n  %s\n", attest_ctx_errmsg(ctx));
	CU_ASSERT_EQUAL(rc, ATTEST_OK);
}

/* Every catalog file of the bundled directory became a framework, and the
 * frameworks the project promises are among them. */
static void
test_every_catalog_file_loads(void)
{
	static const char *const expected[] = {"cis-aws-3.0", "cis-aws-7.0", "pci-dss-4.0", "hipaa",
					       "soc2"};
	char dir[4096];
	struct dirent *e;
	size_t files = 0, i;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/frameworks", attest_datadir());
	d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		files += n > 4 && strcmp(e->d_name + n - 4, ".xml") == 0;
	}
	closedir(d);
	CU_ASSERT_EQUAL(lib->n_frameworks, files);
	for (i = 0; i < sizeof(expected) / sizeof(*expected); i++) {
		if (!lib_find_framework(lib, expected[i]))
			fprintf(stderr, "\n  catalog '%s' is not bundled\n", expected[i]);
		CU_ASSERT_PTR_NOT_NULL(lib_find_framework(lib, expected[i]));
	}
}

/* Each catalog, read again on its own, is valid against framework.xsd. */
static void
test_every_catalog_validates(void)
{
	size_t i;

	for (i = 0; i < lib->n_frameworks; i++) {
		xmlDocPtr doc = NULL;
		attest_rc rc =
			core_xml_load(ctx, lib->frameworks[i]->file, lib->framework_schema, &doc);

		if (rc != ATTEST_OK)
			fprintf(stderr, "\n  %s\n", attest_ctx_errmsg(ctx));
		CU_ASSERT_EQUAL(rc, ATTEST_OK);
		CU_ASSERT(lib->frameworks[i]->n_controls > 0);
		xmlFreeDoc(doc);
	}
}

/* Automated controls map at least one check, and every reference (manual
 * controls' included) names a loaded check. */
static void
test_automated_controls_map_existing_checks(void)
{
	size_t i, j, k;

	for (i = 0; i < lib->n_frameworks; i++) {
		const struct framework *fw = lib->frameworks[i];

		for (j = 0; j < fw->n_controls; j++) {
			const struct control *c = &fw->controls[j];

			if (!c->manual && c->n_checks == 0)
				fprintf(stderr, "\n  %s %s: automated, no check\n", fw->id, c->id);
			CU_ASSERT(c->manual || c->n_checks > 0);
			for (k = 0; k < c->n_checks; k++) {
				if (!lib_find_check(lib, c->checks[k]))
					fprintf(stderr, "\n  %s %s: unknown check '%s'\n", fw->id,
						c->id, c->checks[k]);
				CU_ASSERT_PTR_NOT_NULL(lib_find_check(lib, c->checks[k]));
			}
		}
	}
}

/* Every bundled check is mapped by an automated control of at least one
 * catalog; a check only manual controls name never affects a result. */
static void
test_every_check_is_mapped(void)
{
	size_t i, j, k, n, unmapped = 0;

	for (n = 0; n < lib->n_checks; n++) {
		const char *id = lib->checks[n]->id;
		bool found = false;

		for (i = 0; i < lib->n_frameworks && !found; i++)
			for (j = 0; j < lib->frameworks[i]->n_controls && !found; j++) {
				const struct control *c = &lib->frameworks[i]->controls[j];

				for (k = 0; k < c->n_checks && !found && !c->manual; k++)
					found = strcmp(c->checks[k], id) == 0;
			}
		if (!found) {
			fprintf(stderr, "%s  check not mapped by any catalog: %s\n",
				unmapped ? "" : "\n", id);
			unmapped++;
		}
	}
	CU_ASSERT_EQUAL(unmapped, 0);
}

/* Control ids are unique within a catalog, and every control has a title
 * and knows its section. */
static void
test_control_ids_unique(void)
{
	size_t i, j;

	for (i = 0; i < lib->n_frameworks; i++) {
		const struct framework *fw = lib->frameworks[i];
		char **ids = calloc(fw->n_controls, sizeof(*ids));

		CU_ASSERT_PTR_NOT_NULL_FATAL(ids);
		for (j = 0; j < fw->n_controls; j++) {
			ids[j] = fw->controls[j].id;
			CU_ASSERT(fw->controls[j].title && *fw->controls[j].title);
			CU_ASSERT(fw->controls[j].section && *fw->controls[j].section);
		}
		qsort(ids, fw->n_controls, sizeof(*ids), cmp_str);
		for (j = 1; j < fw->n_controls; j++) {
			if (strcmp(ids[j - 1], ids[j]) == 0)
				fprintf(stderr, "\n  %s: control '%s' twice\n", fw->id, ids[j]);
			CU_ASSERT(strcmp(ids[j - 1], ids[j]) != 0);
		}
		free(ids);
	}
}

struct walk {
	const struct framework *fw;
	char **sections; /* ids seen so far in this catalog */
	size_t n_sections, cap, controls;
	int problems;
};

static void
problem(struct walk *w, const char *what, const char *id)
{
	fprintf(stderr, "\n  %s: %s '%s'\n", w->fw->id, what, id ? id : "(none)");
	w->problems++;
}

/* Walks one <section>; returns how many controls its subtree holds. */
static size_t
walk_section(struct walk *w, xmlNodePtr sec, const char *parent)
{
	char *id = core_xml_attr(sec, "id");
	char *title = core_xml_text(core_xml_child(sec, "title"));
	char label[1024];
	size_t i, n = 0;
	xmlNodePtr c;

	if (!id || !*id || !title || !*title) {
		problem(w, "section without id or title", id);
		goto out;
	}
	if (parent && strcmp(parent, id) == 0)
		problem(w, "section has its parent's id", id);
	for (i = 0; i < w->n_sections; i++)
		if (strcmp(w->sections[i], id) == 0)
			problem(w, "section id used twice", id);
	if (w->n_sections == w->cap) {
		char **grown = realloc(w->sections, (w->cap * 2 + 8) * sizeof(*grown));

		if (!grown) {
			problem(w, "out of memory at section", id);
			goto out;
		}
		w->sections = grown;
		w->cap = w->cap * 2 + 8;
	}
	w->sections[w->n_sections++] = strdup(id);
	snprintf(label, sizeof(label), "%s %s", id, title);
	for (c = core_xml_next(sec->children, NULL); c; c = core_xml_next(c->next, NULL)) {
		if (xmlStrcmp(c->name, (const xmlChar *)"section") == 0) {
			n += walk_section(w, c, id);
		} else if (xmlStrcmp(c->name, (const xmlChar *)"control") == 0) {
			/* Controls are stored in document order: the library's
			 * record of this one must name this section. */
			char *cid = core_xml_attr(c, "id");
			const struct control *ct = w->controls < w->fw->n_controls
							   ? &w->fw->controls[w->controls]
							   : NULL;

			if (!ct || !cid || strcmp(ct->id, cid) != 0)
				problem(w, "control out of step with the library", cid);
			else if (strcmp(ct->section, label) != 0)
				problem(w, "control reports the wrong section", cid);
			free(cid);
			w->controls++;
			n++;
		}
	}
	if (n == 0)
		problem(w, "section holds no control", id);
out:
	free(id);
	free(title);
	return n;
}

/* Sections have unique ids and titles, hold at least one control, and the
 * section each control reports is the innermost one around it. */
static void
test_sections_well_formed(void)
{
	size_t i, j;

	for (i = 0; i < lib->n_frameworks; i++) {
		struct walk w = {.fw = lib->frameworks[i]};
		xmlDocPtr doc = NULL;
		xmlNodePtr s;

		CU_ASSERT_EQUAL_FATAL(core_xml_load(ctx, w.fw->file, NULL, &doc), ATTEST_OK);
		for (s = core_xml_child(xmlDocGetRootElement(doc), "section"); s;
		     s = core_xml_next(s->next, "section"))
			walk_section(&w, s, NULL);
		if (w.controls != w.fw->n_controls)
			problem(&w, "control count differs from the library's", w.fw->file);
		CU_ASSERT_EQUAL(w.problems, 0);
		for (j = 0; j < w.n_sections; j++)
			free(w.sections[j]);
		free(w.sections);
		xmlFreeDoc(doc);
	}
}

/* PCI DSS 4.0 follows the standard's numbering: the twelve principal
 * requirements and the appendices are the top sections, every control sits
 * in the section its number names, manual controls say what evidence to
 * look at, and some requirements of every depth are present. */
static void
test_pci_dss_structure(void)
{
	static const char *const sample[] = {"1.2.1",  "1.4.4",   "3.5.1",  "3.5.1.2",   "4.2.1",
					     "6.3.3",  "8.3.6",   "8.4.2",  "9.5.1.2.1", "10.2.1.1",
					     "11.6.1", "12.10.7", "A1.1.2", "A2.1.1",    "A3.5.1"};
	const struct framework *fw = lib_find_framework(lib, "pci-dss-4.0");
	size_t i, j, automated = 0;
	bool found;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fw);
	CU_ASSERT_STRING_EQUAL(fw->version, "4.0");
	CU_ASSERT_STRING_EQUAL(fw->publisher, "PCI Security Standards Council");
	for (i = 0; i < fw->n_controls; i++) {
		const struct control *c = &fw->controls[i];
		size_t n = strcspn(c->section, " ");

		/* "10.2.1.1" sits in section "10.2"; "A1.1.2" in "A1.1". */
		if (strncmp(c->id, c->section, n) != 0 || c->id[n] != '.' ||
		    strchr(c->section, '.') == NULL)
			fprintf(stderr, "\n  pci-dss-4.0: control %s in section '%s'\n", c->id,
				c->section);
		CU_ASSERT(strncmp(c->id, c->section, n) == 0 && c->id[n] == '.');
		CU_ASSERT_PTR_NOT_NULL(strchr(c->section, '.'));
		if (c->manual)
			CU_ASSERT(c->note && *c->note);
		automated += !c->manual;
	}
	for (i = 0; i < sizeof(sample) / sizeof(*sample); i++) {
		for (j = 0, found = false; j < fw->n_controls && !found; j++)
			found = strcmp(fw->controls[j].id, sample[i]) == 0;
		if (!found)
			fprintf(stderr, "\n  pci-dss-4.0: requirement %s missing\n", sample[i]);
		CU_ASSERT(found);
	}
	/* The whole standard: over 250 defined requirements, a minority of
	 * which configuration can evidence. */
	CU_ASSERT(fw->n_controls > 250);
	CU_ASSERT(automated > 50 && automated < fw->n_controls / 2);
}

static CU_TestInfo catalog_tests[] = {
	{"the bundled library resolves", test_library_resolves},
	{"every catalog file loads", test_every_catalog_file_loads},
	{"every catalog validates against the schema", test_every_catalog_validates},
	{"automated controls map existing checks", test_automated_controls_map_existing_checks},
	{"every check is mapped by a catalog", test_every_check_is_mapped},
	{"control ids are unique per catalog", test_control_ids_unique},
	{"sections are well formed", test_sections_well_formed},
	{"pci-dss-4.0 follows the standard's numbering", test_pci_dss_structure},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"catalogs", NULL, NULL, NULL, NULL, catalog_tests},
		CU_SUITE_INFO_NULL,
	};
	int status;

	if (library_init() != 0)
		return 99;
	status = attest_test_main(suites);
	library_release();
	return status;
}
