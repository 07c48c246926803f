/*
 * Descriptions of the installed library for people and tools: the frameworks
 * with their control counts, one framework's controls, the checks (filtered)
 * and one check in full. Returned as jansson values, so that the CLI prints
 * tables or JSON from the same data.
 */
#include "config.h"

#include "library_int.h"

#include <jansson.h>
#include <string.h>

static json_t *
str_array(char *const *items, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(items[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The controls, in every loaded framework, that map check id. */
static json_t *
mappings(const attest_library *lib, const char *check)
{
	json_t *a = json_array(), *m;
	size_t i, j, k;

	for (i = 0; a && i < lib->n_frameworks; i++) {
		const struct framework *fw = lib->frameworks[i];

		for (j = 0; j < fw->n_controls; j++)
			for (k = 0; k < fw->controls[j].n_checks; k++) {
				if (strcmp(fw->controls[j].checks[k], check) != 0)
					continue;
				m = json_pack("{s:s, s:s}", "framework", fw->id, "control",
					      fw->controls[j].id);
				if (!m || json_array_append_new(a, m) != 0) {
					json_decref(a);
					return NULL;
				}
			}
	}
	return a;
}

static json_t *
framework_summary(const struct framework *fw)
{
	size_t i, manual = 0, mapped = 0;

	for (i = 0; i < fw->n_controls; i++) {
		manual += fw->controls[i].manual;
		mapped += !fw->controls[i].manual && fw->controls[i].n_checks > 0;
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}}", "id", fw->id,
			 "version", fw->version, "title", fw->title, "publisher", fw->publisher,
			 "file", fw->file, "counts", "controls", (int)fw->n_controls, "automated",
			 (int)(fw->n_controls - manual), "manual", (int)manual,
			 "controls_with_checks", (int)mapped);
}

json_t *
attest_library_frameworks_json(const attest_library *lib)
{
	json_t *a = json_array(), *f;
	size_t i;

	for (i = 0; a && i < lib->n_frameworks; i++) {
		f = framework_summary(lib->frameworks[i]);
		if (!f || json_array_append_new(a, f) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *
attest_library_framework_json(const attest_library *lib, const char *id)
{
	const struct framework *fw = lib_find_framework(lib, id);
	json_t *o, *controls, *c;
	size_t i;

	if (!fw)
		return NULL;
	o = framework_summary(fw);
	controls = json_array();
	if (!o || !controls || json_object_set_new(o, "description", json_string(fw->description)))
		goto fail;
	for (i = 0; i < fw->n_controls; i++) {
		const struct control *ct = &fw->controls[i];

		c = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:o}", "id", ct->id, "section",
			      ct->section, "title", ct->title, "description", ct->description,
			      "level", ct->level, "assessment", ct->manual ? "manual" : "automated",
			      "checks", str_array(ct->checks, ct->n_checks));
		if (!c || json_array_append_new(controls, c) != 0)
			goto fail;
	}
	if (json_object_set_new(o, "controls", controls) == 0)
		return o;
	controls = NULL;
fail:
	json_decref(o);
	json_decref(controls);
	return NULL;
}

static bool
in_framework(const attest_library *lib, const char *fw_id, const char *check)
{
	const struct framework *fw = lib_find_framework(lib, fw_id);
	size_t j, k;

	for (j = 0; fw && j < fw->n_controls; j++)
		for (k = 0; k < fw->controls[j].n_checks; k++)
			if (strcmp(fw->controls[j].checks[k], check) == 0)
				return true;
	return false;
}

json_t *
attest_library_checks_json(const attest_library *lib, const char *service, const char *severity,
			   const char *framework)
{
	json_t *a = json_array(), *c;
	size_t i;

	for (i = 0; a && i < lib->n_checks; i++) {
		const struct check *k = lib->checks[i];

		if ((service && strcmp(service, k->service) != 0) ||
		    (severity && strcmp(severity, k->severity) != 0) ||
		    (framework && !in_framework(lib, framework, k->id)))
			continue;
		c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "id", k->id, "title", k->title,
			      "service", k->service, "severity", k->severity, "resource_type",
			      k->resource_type, "exposure", k->exposure, "controls",
			      mappings(lib, k->id));
		if (!c || json_array_append_new(a, c) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *
attest_library_check_json(const attest_library *lib, const char *id)
{
	const struct check *k = lib_find_check(lib, id);

	if (!k)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:s, s:{s:s, s:s, s:s}, s:o, s:o,"
			 " s:s, s:s, s:i}",
			 "id", k->id, "title", k->title, "service", k->service, "severity",
			 k->severity, "resource_type", k->resource_type, "requires",
			 str_array(k->requires, k->n_requires), "exposure", k->exposure,
			 "rationale", k->rationale, "remediation", "steps", k->steps, "cli", k->cli,
			 "terraform", k->terraform, "references", json_loads(k->refs, 0, NULL),
			 "controls", mappings(lib, k->id), "query", k->query, "file", k->file,
			 "line", k->line);
}
