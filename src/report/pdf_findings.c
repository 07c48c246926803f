/*
 * The sections of the PDF report about what needs action: the failing
 * findings grouped by control (most severe first; each with its resource,
 * the reason, the evidence it rests on and, once per check, the
 * remediation), the manual controls still awaiting a person's attestation,
 * and the exceptions and attestations in force for the scan. However many
 * findings a scan holds, a control shows at most the template's
 * findings-per-control and says how many more there are; evidence is
 * pretty-printed and cut after the template's evidence-lines.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

/* Failing controls of a framework, worst first. */
static const char failing_sql[] =
	"SELECT c.control_id, c.title, min(" REPORT_SEVERITY_RANK("k.severity") ") AS r, sum(k.n_fail),"
	" count(*)"
	" FROM scan_controls c"
	" JOIN scan_control_checks m ON m.scan_id = c.scan_id AND m.framework = c.framework"
	"   AND m.control_id = c.control_id"
	" JOIN scan_checks k ON k.scan_id = c.scan_id AND k.check_id = m.check_id"
	"   AND k.n_fail > 0"
	" WHERE c.scan_id = ?1 AND c.framework = ?2 AND c.status = 'fail'"
	" GROUP BY c.control_id ORDER BY r, sum(k.n_fail) DESC, min(c.seq)";

static const char finding_sql[] =
	"SELECT f.check_id, k.severity, k.title, k.remediation, f.resource_type, f.resource_id,"
	" f.arn, f.name, f.region, f.account, f.reason, f.evidence"
	" FROM scan_control_checks m"
	" JOIN scan_checks k ON k.scan_id = m.scan_id AND k.check_id = m.check_id"
	" JOIN findings f ON f.scan_id = m.scan_id AND f.check_id = m.check_id"
	"   AND f.status = 'fail'"
	" WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3"
	" ORDER BY " REPORT_SEVERITY_RANK("k.severity") ", f.check_id, f.account, f.region,"
	"   f.resource_id LIMIT ?4";

static const struct pdf_rgb *
severity_color(const struct pdf *p, const char *sev)
{
	if (strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0)
		return &p->t->fail;
	if (strcmp(sev, "medium") == 0)
		return &p->t->warning;
	return &p->t->muted;
}

/* The remediation of a check, once per control: its steps and CLI fix. */
static void
check_block(struct pdf *p, sqlite3_stmt *st)
{
	struct pdf_style head = pdf_style(p, p->bold, 9.5f, severity_color(p, report_text(st, 1)));
	struct pdf_style body = pdf_style(p, p->regular, 8.5f, NULL);
	struct pdf_style code = pdf_style(p, p->mono, 7.5f, &p->t->primary);
	json_t *rem = report_json_col(st, 3);
	const char *steps = json_string_value(json_object_get(rem, "steps"));
	const char *cli = json_string_value(json_object_get(rem, "cli"));
	char text[512];

	if (json_is_string(rem))
		steps = json_string_value(rem);
	pdf_space(p, 4);
	pdf_need(p, 50);
	snprintf(text, sizeof(text), "%s  %s \u2014 %s", report_text(st, 1), report_text(st, 0),
		 report_text(st, 2));
	pdf_paragraph(p, &head, 0, text);
	if (steps) {
		pdf_paragraph_max(p, &body, 10, "Remediation:", 1);
		pdf_paragraph_max(p, &body, 10, steps, 10);
	}
	if (cli) {
		pdf_space(p, 2);
		pdf_paragraph_max(p, &code, 10, cli, 6);
	}
	pdf_space(p, 4);
	json_decref(rem);
}

/* The evidence of a finding, pretty-printed and bounded. */
static void
evidence(struct pdf *p, const char *raw)
{
	struct pdf_style code = pdf_style(p, p->mono, 7, &p->t->text);
	struct pdf_style small = pdf_style(p, p->regular, 6.5f, &p->t->muted);
	size_t max = (size_t)p->t->evidence_lines, cut = max * 160;
	json_t *v = json_loads(raw, JSON_DECODE_ANY, NULL);
	char *pretty = v ? json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY) : NULL;
	const char *text = pretty ? pretty : raw;
	char hex[65], line[96];
	size_t n = strlen(text);

	pdf_sha256_hex(raw, strlen(raw), hex);
	if (n > cut) { /* enough for max lines; wrapping the rest is wasted work */
		while (cut > 0 && (text[cut] & 0xc0) == 0x80)
			cut--;
		if (pretty)
			pretty[cut] = '\0';
	}
	pdf_paragraph_max(p, &code, 22, text, max);
	snprintf(line, sizeof(line), "evidence SHA-256 %s", hex);
	pdf_paragraph_max(p, &small, 22, line, 1);
	free(pretty);
	json_decref(v);
}

static void
finding(struct pdf *p, sqlite3_stmt *st)
{
	struct pdf_style res = pdf_style(p, p->bold, 8.5f, NULL);
	struct pdf_style meta = pdf_style(p, p->regular, 7.5f, &p->t->muted);
	struct pdf_style body = pdf_style(p, p->regular, 8.5f, NULL);
	char text[1024];

	pdf_need(p, 60);
	snprintf(text, sizeof(text), "\u2022 %s %s%s%s%s", report_text(st, 4), report_text(st, 5),
		 sqlite3_column_text(st, 7) ? " (" : "", report_text(st, 7),
		 sqlite3_column_text(st, 7) ? ")" : "");
	pdf_paragraph_max(p, &res, 12, text, 3);
	snprintf(text, sizeof(text), "account %s \u00b7 region %s%s%s",
		 *report_text(st, 9) ? report_text(st, 9) : "\u2014",
		 *report_text(st, 8) ? report_text(st, 8) : "\u2014",
		 sqlite3_column_text(st, 6) ? " \u00b7 " : "", report_text(st, 6));
	pdf_paragraph_max(p, &meta, 22, text, 3);
	pdf_paragraph_max(p, &body, 22, report_text(st, 10), 6);
	evidence(p, report_text(st, 11));
	pdf_space(p, 5);
}

static attest_rc
control_findings(struct pdf *p, const struct pdf_scan *s, const char *fw, const char *ctl,
		 long long total)
{
	struct pdf_style note = pdf_style(p, p->regular, 8.5f, &p->t->muted);
	sqlite3_stmt *st = report_query(s->store, finding_sql, s->id);
	char last[256] = "", text[512];
	long long shown = 0;
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ctl, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, p->t->findings_per_control);
	while ((src = sqlite3_step(st)) == SQLITE_ROW && !pdf_failed(p)) {
		if (strcmp(last, report_text(st, 0)) != 0) {
			snprintf(last, sizeof(last), "%s", report_text(st, 0));
			check_block(p, st);
		}
		finding(p, st);
		shown++;
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE && src != SQLITE_ROW)
		return report_db_error(s->store, "cannot read findings");
	if (total > shown) {
		snprintf(text, sizeof(text),
			 "\u2026 and %lld more failing findings of control %s not shown here "
			 "(the report shows at most %d per control; the JSON result lists all of "
			 "them: attest report %s --json FILE).",
			 total - shown, ctl, p->t->findings_per_control, s->id);
		pdf_paragraph(p, &note, 12, text);
	}
	return ATTEST_OK;
}

static attest_rc
framework_findings(struct pdf *p, const struct pdf_scan *s, const char *fw, HPDF_Outline parent)
{
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);
	struct pdf_style tag = pdf_style(p, p->regular, 8.5f, &p->t->muted);
	sqlite3_stmt *st = report_query(s->store, failing_sql, s->id);
	static const char *const ranks[] = {"critical", "high", "medium", "low", "info"};
	char title[512], text[256];
	int n = 0, r;
	attest_rc rc = ATTEST_OK;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_STATIC);
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		n++;
		r = sqlite3_column_int(st, 2);
		snprintf(title, sizeof(title), "%s  %s", report_text(st, 0), report_text(st, 1));
		pdf_heading(p, 2, title, parent);
		snprintf(text, sizeof(text), "%lld failing findings from %d checks; worst severity %s",
			 sqlite3_column_int64(st, 3), sqlite3_column_int(st, 4),
			 ranks[r >= 0 && r <= 4 ? r : 4]);
		pdf_paragraph(p, &tag, 0, text);
		rc = control_findings(p, s, fw, report_text(st, 0), sqlite3_column_int64(st, 3));
	}
	sqlite3_finalize(st);
	if (rc == ATTEST_OK && n == 0)
		pdf_paragraph(p, &body, 0, "No control of this framework has failing findings.");
	return rc;
}

attest_rc
pdf_findings(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	HPDF_Outline top = pdf_heading(p, 0, "Failing findings", NULL);
	char text[512];

	snprintf(text, sizeof(text),
		 "The failing findings of each failing control, most severe first. Each names the "
		 "resource, the reason and the observed configuration (evidence, with its SHA-256); "
		 "each check's remediation comes before its findings. At most %d findings are shown "
		 "per control.",
		 p->t->findings_per_control);
	pdf_paragraph(p, &body, 0, text);
	return pdf_each_framework(p, s, 1, top, framework_findings);
}

/* ---- manual controls ------------------------------------------------------ */

attest_rc
pdf_manual(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	struct pdf_table t = {.n = 3, .heads = {"Framework", "Control", "Title"}, .size = 8.5f};
	sqlite3_stmt *st = report_query(
		s->store,
		"SELECT c.framework, c.control_id, c.title FROM scan_controls c"
		" JOIN scan_frameworks f ON f.scan_id = c.scan_id AND f.framework = c.framework"
		" WHERE c.scan_id = ?1 AND c.status = 'manual' ORDER BY f.seq, c.seq",
		s->id);
	const char *cells[3];
	bool any = false;

	if (!st)
		return ATTEST_ERR_DB;
	pdf_heading(p, 0, "Manual controls awaiting attestation", NULL);
	pdf_paragraph(p, &body, 0,
		      "These controls are assessed by people, not by checks. Each stays open until "
		      "an attestation is recorded for it; none of them counts in a score.");
	pdf_space(p, 6);
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		if (!any)
			pdf_table_begin(p, &t);
		any = true;
		cells[0] = report_text(st, 0);
		cells[1] = report_text(st, 1);
		cells[2] = report_text(st, 2);
		pdf_table_row(p, &t, cells, NULL, 1);
	}
	if (any)
		pdf_table_end(p, &t);
	sqlite3_finalize(st);
	if (!any)
		pdf_paragraph(p, &body, 0, "No manual control awaits attestation.");
	return ATTEST_OK;
}

/* ---- exceptions and attestations ------------------------------------------ */

static bool
table_exists(attest_store *store, const char *name)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(attest_store_db(store),
			       "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return found;
}

/* The rows of a per-scan table as label/value blocks, whatever its columns:
 * the history schema may add columns, and each shows as it comes. Rows
 * whose "active" column is 0 have lapsed and are left out. */
static attest_rc
record_rows(struct pdf *p, const struct pdf_scan *s, const char *table, const char *what)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	struct pdf_style head = pdf_style(p, p->bold, 9.5f, &p->t->primary);
	sqlite3_stmt *st = NULL;
	char sql[128], label[64], none[128];
	int i, n, active = -1, shown = 0;
	size_t k;

	if (table_exists(s->store, table)) {
		snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE scan_id = ?1", table);
		if (!(st = report_query(s->store, sql, s->id)))
			return ATTEST_ERR_DB;
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++)
			if (strcmp(sqlite3_column_name(st, i), "active") == 0)
				active = i;
		while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
			if (active >= 0 && sqlite3_column_int(st, active) == 0)
				continue;
			shown++;
			pdf_need(p, 60);
			snprintf(sql, sizeof(sql), "%s %d", what, shown);
			pdf_paragraph(p, &head, 0, sql);
			for (i = 0; i < n; i++) {
				const char *name = sqlite3_column_name(st, i);

				if (i == active || strcmp(name, "scan_id") == 0 ||
				    sqlite3_column_type(st, i) == SQLITE_NULL)
					continue;
				snprintf(label, sizeof(label), "%s", name);
				for (k = 0; label[k]; k++)
					if (label[k] == '_')
						label[k] = ' ';
				pdf_field(p, 8, 110, label, report_text(st, i));
			}
			pdf_space(p, 6);
		}
		sqlite3_finalize(st);
	}
	if (shown == 0) {
		snprintf(none, sizeof(none), "No %ss in force are recorded for this scan.", what);
		pdf_paragraph(p, &body, 0, none);
	}
	return ATTEST_OK;
}

attest_rc
pdf_exceptions(struct pdf *p, const struct pdf_scan *s)
{
	HPDF_Outline top = pdf_heading(p, 0, "Exceptions and attestations", NULL);
	attest_rc rc;

	pdf_heading(p, 1, "Exceptions", top);
	if ((rc = record_rows(p, s, "scan_exceptions", "exception")) != ATTEST_OK)
		return rc;
	pdf_heading(p, 1, "Attestations", top);
	return record_rows(p, s, "scan_attestations", "attestation");
}
