/*
 * The audit package of a stored scan (doc/audit-package.md): README.txt for
 * an auditor opening it cold, every report format, the evidence stored once
 * per check and referred to from each framework's controls, index.csv of
 * every finding with its digest, the exception and attestation registers,
 * the inventory files the scan read, and the signed manifest and checksums
 * (package_stage.c).
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static attest_rc
write_reports(struct pkg *p, const struct attest_package_opts *o, json_t *list)
{
	char rel[512];
	FILE *fp;
	size_t i;
	attest_rc rc;

	if ((rc = pkg_make_dir(p, "reports")) != ATTEST_OK)
		return rc;
	for (i = 0; i < o->n_reports; i++) {
		snprintf(rel, sizeof(rel), "reports/%s", o->reports[i].file);
		if ((rc = pkg_open(p, rel, &fp)) != ATTEST_OK)
			return rc;
		rc = o->reports[i].render(p->store, p->id, fp);
		if (rc != ATTEST_OK) {
			fclose(fp);
			core_error_prefix(p->ctx,
					  "cannot write the %s report: ", o->reports[i].name);
			return rc;
		}
		if ((rc = pkg_close(p, fp, rel)) != ATTEST_OK)
			return rc;
		if (json_array_append_new(list, json_pack("{s:s, s:s}", "format",
							  o->reports[i].name, "file", rel)) != 0)
			return core_nomem(p->ctx);
	}
	return ATTEST_OK;
}

/* evidence/collection-gaps.json: the calls of the collection that failed,
 * which is why some checks are not evaluated (an empty list when none did). */
static attest_rc
write_gaps(struct pkg *p)
{
	static const char rel[] = "evidence/collection-gaps.json";
	json_t *scan = json_string(p->id);
	FILE *fp = NULL;
	attest_rc rc;

	if (!scan)
		return core_nomem(p->ctx);
	if ((rc = pkg_make_dir(p, "evidence")) != ATTEST_OK ||
	    (rc = pkg_open(p, rel, &fp)) != ATTEST_OK)
		goto out;
	fputs("{\"scan\": ", fp);
	json_dumpf(scan, fp, JSON_ENCODE_ANY | REPORT_JSON_REALS);
	fputs(",\n\"collection_gaps\": ", fp);
	if ((rc = report_gaps_json(p->store, p->id, fp, "")) != ATTEST_OK)
		goto out;
	fputs("}\n", fp);
	rc = pkg_close(p, fp, rel);
	fp = NULL;
out:
	if (fp)
		fclose(fp);
	json_decref(scan);
	return rc;
}

static json_t *
scan_header(struct pkg *p, json_t **sources)
{
	sqlite3_stmt *st =
		report_query(p->store,
			     "SELECT started_at, finished_at, as_of, attest_version, scope,"
			     " inventory_sha256, resource_count, sources FROM scans"
			     " WHERE scan_id = ?1",
			     p->id);
	json_t *scan = NULL;

	*sources = NULL;
	if (!st)
		return NULL;
	if (sqlite3_step(st) != SQLITE_ROW) {
		core_error(p->ctx, ATTEST_ERR_NOTFOUND, "no scan '%s' in '%s'", p->id,
			   store_path(p->store));
	} else {
		scan = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", p->id,
				 "started_at", report_text(st, 0), "finished_at",
				 report_text(st, 1), "as_of", report_text(st, 2), "attest_version",
				 report_text(st, 3), "scope", report_text(st, 4),
				 "inventory_sha256", report_text(st, 5), "resources",
				 (json_int_t)sqlite3_column_int64(st, 6));
		*sources = report_json_col(st, 7);
		if (!scan || !json_is_array(*sources)) {
			json_decref(scan);
			json_decref(*sources);
			scan = *sources = NULL;
			core_error(p->ctx, ATTEST_ERR_INVALID,
				   "scan '%s' has no readable list of sources", p->id);
		}
	}
	sqlite3_finalize(st);
	return scan;
}

static const char *const folders[] = {
	"reports/",
	"the scan in every format of 'attest report': report.pdf for people; report.json "
	"(doc/result-format.md), report.xml, oscal.xml (NIST OSCAL assessment results), "
	"xccdf.xml, junit.xml, report.csv and ocsf.ndjson (OCSF Compliance Finding events) for "
	"tools",
	"evidence/checks/CHECK.ndjson",
	"the evidence, stored once: one file per check, one line per finding (every status): "
	"the resource (type, id, ARN, name, region, account), the status, the reason, the "
	"configuration values judged and the exception that applied, if any",
	"evidence/controls/FRAMEWORK/CONTROL.json",
	"one file per control of each framework: the control, its status, the attestation in "
	"force (if any) and its checks with their counts, each referring to its evidence file "
	"by name and SHA-256 (findings are not copied per framework). Ids become file names by "
	"keeping letters, digits, '-', '_' and '.' and writing other bytes as %XX; a name that "
	"would pass 100 bytes is cut, marked '...' and ended by 12 hex digits of the id's "
	"SHA-256 (the file holds the whole id)",
	"evidence/collection-gaps.json",
	"the calls of the collection that failed, which is why some checks are not evaluated",
	"index.csv",
	"one row per (framework, control, finding): framework, control, check, resource type, "
	"resource id, account, region, status, exception, then the finding's digest, its "
	"evidence file and line (see Evidence digests)",
	"registers/exceptions.csv",
	"the exceptions the scan applied: check, what they match, justification, approver, "
	"approval and expiry dates, state ('in force' or 'lapsed on DATE'), lapsed (yes/no), "
	"how many findings each excepted",
	"registers/attestations.csv",
	"the attestations of manual controls: framework, control, who attested and when, "
	"expiry, state, lapsed (yes/no), statement and evidence",
	"inventory/",
	"the inventory files the scan read (N-NAME, byte for byte; N-redacted-NAME with "
	"credentials redacted when packaged with --redact-inventory); see manifest.json "
	"\"inventory\" for each source",
	PKG_CERTIFICATE,
	"the signing key's X.509 certificate (only when packaged with --cert)",
	NULL,
	NULL,
};

/* README.txt of a single-scan package. */
static attest_rc
write_readme(struct pkg *p, json_t *scan, const struct pkg_evidence_info *ev,
	     const struct attest_package_info *info, bool cert)
{
	struct pkg_readme r = {0};
	struct core_buf about, notes;
	attest_rc rc;

	core_buf_init(&about, 1u << 16);
	core_buf_init(&notes, 1u << 16);
	core_buf_printf(&about,
			"The audit package of attest scan %s of scope %s: the configuration as "
			"of %s (scanned %s), %lld resources, judged against every framework of "
			"the scan. %zu controls, %zu findings in %zu evidence files, %zu rows in "
			"index.csv; %zu exceptions (%zu lapsed) and %zu attestations (%zu lapsed) "
			"in the registers.",
			p->id, json_string_value(json_object_get(scan, "scope")),
			json_string_value(json_object_get(scan, "as_of")),
			json_string_value(json_object_get(scan, "started_at")),
			(long long)json_integer_value(json_object_get(scan, "resources")),
			ev->controls, ev->findings, ev->checks, ev->rows, ev->exceptions,
			ev->exceptions_lapsed, ev->attestations, ev->attestations_lapsed);
	if (info->inputs_unredacted)
		core_buf_printf(&notes,
				"CONFIDENTIAL: inventory/ holds %zu inventory file%s exactly as "
				"read, unredacted: it may carry secrets (Lambda environment "
				"variables, EC2 user data, tags). Evidence and reasons have "
				"credential-like values redacted; the inventory does not.\n",
				info->inputs_unredacted, info->inputs_unredacted == 1 ? "" : "s");
	else if (info->inputs_included)
		core_buf_printf(&notes,
				"The inventory files in inventory/ had credential-like values "
				"replaced by [REDACTED] when packaged: their SHA-256 differs from "
				"the one the scan recorded (manifest.json \"inventory\"). Account "
				"ids and names are kept: every report names them.\n");
	if (info->inputs_included < info->inputs)
		core_buf_printf(
			&notes, "The package lacks %zu of the scan's %zu inventory files (%s).\n",
			info->inputs - info->inputs_included, info->inputs, info->missing_reason);
	if (!about.data || (notes.len && !notes.data)) {
		rc = core_nomem(p->ctx);
		goto out;
	}
	r.title = "attest audit package";
	r.about = about.data;
	r.folders = folders;
	r.cert = cert;
	r.notes = notes.len ? notes.data : NULL;
	r.evidence_digests = true;
	if (ev->example_file[0]) {
		r.example_file = ev->example_file;
		r.example_line = ev->example_line;
		r.example_sha256 = ev->example_sha256;
	}
	rc = pkg_write_readme(p, &r);
out:
	core_buf_release(&about);
	core_buf_release(&notes);
	return rc;
}

attest_rc
attest_package_write(attest_store *store, const char *scan_id, const struct attest_package_opts *o,
		     const char *out_path, struct attest_package_info *info)
{
	struct pkg p = {.ctx = store_ctx(store), .store = store, .id = scan_id};
	struct pkg_evidence_info ev;
	json_t *m = NULL, *scan = NULL, *sources = NULL, *reports = json_array();
	json_t *inv = json_object();
	char when[21];
	time_t now = time(NULL);
	attest_rc rc;

	memset(info, 0, sizeof(*info));
	if (!reports || !inv) {
		rc = core_nomem(p.ctx);
		goto out;
	}
	/* The key first (a bad key must cost nothing), then the scan. */
	if ((rc = pkg_begin(&p, o->key_path, out_path)) != ATTEST_OK)
		goto out;
	if (!(scan = scan_header(&p, &sources))) {
		rc = ATTEST_ERR_NOTFOUND;
		goto out;
	}
	if ((rc = write_reports(&p, o, reports)) != ATTEST_OK ||
	    (rc = pkg_write_evidence(&p, &ev)) != ATTEST_OK || (rc = write_gaps(&p)) != ATTEST_OK ||
	    (rc = pkg_write_inventory(&p, o, sources, inv, info)) != ATTEST_OK)
		goto out;
	if (o->cert_path && (rc = pkg_copy_certificate(&p, o->cert_path)) != ATTEST_OK)
		goto out;
	if ((rc = write_readme(&p, scan, &ev, info, o->cert_path != NULL)) != ATTEST_OK)
		goto out;
	core_time_iso(now, when);
	snprintf(info->algorithm, sizeof(info->algorithm), "%s", p.algorithm);
	m = json_pack("{s:s, s:s, s:s, s:s, s:O, s:o, s:s, s:O, s:{s:s, s:I, s:I, s:I, s:s},"
		      " s:{s:s, s:I, s:I, s:s, s:I, s:I}, s:O}",
		      "format", PKG_FORMAT, "kind", "scan", "attest_version", attest_version(),
		      "created_at", when, "scan", scan, "signature",
		      pkg_signature_json(&p, o->cert_path != NULL), "readme", PKG_README, "reports",
		      reports, "evidence", "directory", "evidence/", "checks",
		      (json_int_t)ev.checks, "controls", (json_int_t)ev.controls, "findings",
		      (json_int_t)ev.findings, "index", PKG_INDEX, "registers", "exceptions",
		      "registers/exceptions.csv", "exceptions_count", (json_int_t)ev.exceptions,
		      "exceptions_lapsed", (json_int_t)ev.exceptions_lapsed, "attestations",
		      "registers/attestations.csv", "attestations_count",
		      (json_int_t)ev.attestations, "attestations_lapsed",
		      (json_int_t)ev.attestations_lapsed, "inventory", inv);
	if (!m) {
		rc = core_nomem(p.ctx);
		goto out;
	}
	info->files = p.n_files;
	rc = pkg_seal(&p, m, out_path, now);
out:
	pkg_end(&p);
	json_decref(m);
	json_decref(scan);
	json_decref(sources);
	json_decref(reports);
	json_decref(inv);
	return rc;
}
