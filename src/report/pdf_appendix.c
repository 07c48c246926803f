/*
 * The appendix of the PDF report: the scan's metadata and inputs (with the
 * inventory's SHA-256), the scoring formulas, and a SHA-256 digest of the
 * evidence behind every control, so that a reader holding the history
 * database (or the JSON result) can confirm the report matches the scan.
 */
#include "config.h"

#include "pdf_int.h"

#include <string.h>

static void
metadata(struct pdf *p, const struct pdf_scan *s, HPDF_Outline top)
{
	json_t *sources = json_loads(s->sources, 0, NULL), *src;
	char n[32], label[32];
	size_t i;

	pdf_heading(p, 1, "Scan metadata", top);
	pdf_field(p, 0, 120, "Scan", s->id);
	pdf_field(p, 0, 120, "Started", s->started);
	pdf_field(p, 0, 120, "Finished", s->finished);
	pdf_field(p, 0, 120, "Inventory as of", s->as_of);
	pdf_field(p, 0, 120, "attest version", s->version);
	pdf_field(p, 0, 120, "Scope", s->scope);
	pdf_field(p, 0, 120, "Accounts", *s->accounts ? s->accounts : "none");
	pdf_field(p, 0, 120, "Regions", *s->regions ? s->regions : "none");
	snprintf(n, sizeof(n), "%lld", s->resources);
	pdf_field(p, 0, 120, "Resources", n);
	pdf_field(p, 0, 120, "Inventory SHA-256", s->inventory_sha256);
	json_array_foreach(sources, i, src)
	{
		const char *keys[] = {"path", "format", "source", "collected_at", "sha256"};
		size_t k;

		pdf_space(p, 4);
		snprintf(label, sizeof(label), "Input %zu", i + 1);
		pdf_field(p, 0, 120, label, "");
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *v = json_string_value(json_object_get(src, keys[k]));

			if (v)
				pdf_field(p, 10, 110, keys[k], v);
		}
		if (json_is_integer(json_object_get(src, "resources"))) {
			snprintf(n, sizeof(n), "%lld",
				 (long long)json_integer_value(json_object_get(src, "resources")));
			pdf_field(p, 10, 110, "resources", n);
		}
	}
	json_decref(sources);
}

/* The formulas exactly as doc/scoring.md states them (tests/cli/pdf.sh
 * compares the two), computed by the views scan_framework_scores and
 * scan_control_scores that every report reads. */
static const char formula_score[] =
	"controls_passing = pass + attested\n"
	"controls_scored  = pass + attested + fail\n"
	"score            = round(100 \u00d7 controls_passing / controls_scored, 1)   null when "
	"controls_scored is 0";
static const char formula_posture[] =
	"pass_share(control) = 100 \u00d7 pass / (pass + fail)\n"
	"    over the (check, resource) results of the control's checks: one result per row a "
	"check\n"
	"    returned; excepted results count in neither part; null when there is no pass or "
	"fail\n"
	"    result, and for manual controls (people assess them, not checks)\n"
	"\n"
	"weight(control)     = the highest severity among the control's checks:\n"
	"                      critical 4, high 3, medium 2, low 1, informational 1\n"
	"\n"
	"posture             = round(\u03a3 weight \u00d7 pass_share / \u03a3 weight, 1)\n"
	"    over the controls whose pass_share is not null; null when there is none";
static const char formula_coverage[] =
	"coverage = round(100 \u00d7 (pass + fail + not_applicable + excepted + attested) / all "
	"controls, 1)";

static void
formula(struct pdf *p, const char *name, const char *text, const char *note)
{
	struct pdf_style bold = pdf_style(p, p->bold, 9, NULL);
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);
	struct pdf_style code = pdf_style(p, p->mono, 7.5f, &p->t->primary);

	pdf_space(p, 6);
	pdf_need(p, 60);
	pdf_paragraph(p, &bold, 0, name);
	pdf_space(p, 2);
	pdf_paragraph(p, &code, 8, text);
	pdf_space(p, 2);
	pdf_paragraph(p, &body, 0, note);
}

static void
scoring(struct pdf *p, HPDF_Outline top)
{
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);

	pdf_heading(p, 1, "Scoring", top);
	pdf_paragraph(p, &body, 0,
		      "A check fails when any resource fails it; it errs when none fails and some "
		      "could not be judged; it passes when at least one resource passes and none "
		      "fails or errs; otherwise it is not applicable. A check whose resource type "
		      "was not collected is not evaluated; failures an exception in force matches "
		      "are excepted. An automated control takes the worst status of its checks in "
		      "the order fail, error, not evaluated, excepted, pass, not applicable; a "
		      "manual control stays manual until attested. Over a framework's controls "
		      "(doc/scoring.md):");
	formula(p, "Controls fully passing (score)", formula_score,
		"Attested manual controls count as passing; excepted, unattested manual, not "
		"evaluated, not applicable and error controls count in neither part.");
	formula(p, "Posture", formula_posture,
		"Excepted results are accepted risks: neither passes nor failures. The shares are "
		"used unrounded; the controls table prints each rounded to 0.1.");
	formula(p, "Coverage", formula_coverage,
		"The share of all controls, manual ones included, whose status attest determined: "
		"what both figures speak for. Missing data never passes.");
}

/* One digest per control over the findings of its checks. */
static attest_rc
digests(struct pdf *p, const struct pdf_scan *s, const char *fw, HPDF_Outline o)
{
	struct pdf_table t = {
		.n = 3, .heads = {"Control", "Findings", "Evidence SHA-256"}, .size = 7};
	sqlite3_stmt *st = report_query(
		s->store,
		"SELECT c.control_id, f.check_id, f.status, f.resource_id, f.evidence"
		" FROM scan_controls c"
		" LEFT JOIN scan_control_checks m ON m.scan_id = c.scan_id"
		"   AND m.framework = c.framework AND m.control_id = c.control_id"
		" LEFT JOIN findings f ON f.scan_id = m.scan_id AND f.check_id = m.check_id"
		" WHERE c.scan_id = ?1 AND c.framework = ?2 AND EXISTS (SELECT 1 FROM"
		"   scan_control_checks x WHERE x.scan_id = c.scan_id AND x.framework = c.framework"
		"   AND x.control_id = c.control_id)"
		" ORDER BY c.seq, f.check_id, f.account, f.region, f.resource_type, f.resource_id,"
		"   f.finding_id",
		s->id);
	struct core_sha256 md = {0};
	unsigned int i;
	char ctl[128] = "", count[32], hex[65];
	const char *cells[3] = {ctl, count, hex};
	long long n = 0;
	bool open = false;
	int src;
	attest_rc rc = ATTEST_OK;

	(void)o;
	if (!st || !core_sha256_init(&md)) {
		sqlite3_finalize(st);
		return st ? core_nomem(p->ctx) : ATTEST_ERR_DB;
	}
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_STATIC);
	pdf_table_begin(p, &t);
	for (;;) {
		src = sqlite3_step(st);
		if (open && (src != SQLITE_ROW || strcmp(ctl, report_text(st, 0)) != 0)) {
			core_sha256_end(&md, hex);
			snprintf(count, sizeof(count), "%lld", n);
			pdf_table_row(p, &t, cells, NULL, -1);
			open = false;
		}
		if (src != SQLITE_ROW || pdf_failed(p))
			break;
		if (!open) {
			snprintf(ctl, sizeof(ctl), "%s", report_text(st, 0));
			n = 0;
			open = true;
		}
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		for (i = 1; i <= 4; i++) {
			const char *v = report_text(st, (int)i);

			core_sha256_add(&md, v, strlen(v));
			core_sha256_add(&md, i < 4 ? "\t" : "\n", 1);
		}
		n++;
	}
	pdf_table_end(p, &t);
	if (src != SQLITE_DONE && src != SQLITE_ROW)
		rc = report_db_error(s->store, "cannot read findings");
	sqlite3_finalize(st);
	core_sha256_release(&md);
	return rc;
}

attest_rc
pdf_appendix(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);
	HPDF_Outline top = pdf_heading(p, 0, "Appendix", NULL), o;

	metadata(p, s, top);
	scoring(p, top);
	o = pdf_heading(p, 1, "Evidence digests", top);
	pdf_paragraph(
		p, &body, 0,
		"For each control, the SHA-256 of its evidence: over every finding of the "
		"control's checks (all statuses), ordered by check, account, region, resource "
		"type and resource id, one line each of check id, status, resource id and the "
		"evidence JSON as stored in the history database, separated by tabs and ended "
		"by a newline. A control whose checks found nothing has the digest of "
		"nothing; a control no check covers (manual) has no evidence and is not "
		"listed.");
	return pdf_each_framework(p, s, 2, o, digests);
}
