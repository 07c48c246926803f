/*
 * The failing findings of the PDF report, once each, grouped by check: the
 * checks that fail (numbered C1, C2, ... most severe first, the numbers the
 * control tables refer to), each with the controls that rely on it, its
 * remediation, a compact table of every failing resource (name and id,
 * account, region, reason) and, per resource, the fix command made with the
 * resource's own identifiers and the evidence it was judged on. No finding
 * is left out. What is bounded is said where it is bounded: evidence longer
 * than the template's evidence-lines is cut with a note naming the file that
 * holds it whole and its digest; a check with more failing findings than the
 * template's evidence-findings lists every finding in its table but leaves
 * their evidence and commands to the audit package's evidence file, which
 * the note names.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

static const char checks_sql[] =
	"WITH " PDF_FAILING_CHECKS
	" SELECT fc.n, k.check_id, k.severity, k.title, k.remediation, k.n_pass, k.n_fail,"
	" k.n_error, k.n_not_applicable, k.n_excepted, k.resource_type,"
	" count(*) OVER (PARTITION BY " REPORT_SEVERITY_RANK(
		"k.severity") ")"
			      " FROM fc JOIN scan_checks k ON k.scan_id = ?1 AND k.check_id = fc.check_id ORDER BY fc.n";

static const char findings_sql[] =
	"SELECT resource_type, resource_id, arn, name, region, account, reason, evidence,"
	" coalesce(reason, '') || ' ' || coalesce(evidence, '') FROM findings WHERE scan_id = ?1 AND check_id = ?2 AND status = 'fail'"
	" ORDER BY account, region, resource_id, finding_id";

static const struct pdf_rgb *
severity_color(const struct pdf *p, const char *sev)
{
	if (strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0)
		return &p->t->fail;
	if (strcmp(sev, "medium") == 0)
		return &p->t->warning;
	return &p->t->muted;
}

/* "cis-aws-3.0 5.2, 5.3; pci-dss-4.0 1.3.1" */
static attest_rc
controls_of(struct pdf *p, const struct pdf_scan *s, const char *check, struct core_buf *b)
{
	sqlite3_stmt *st = pdf_query(
		s,
		"SELECT m.framework, group_concat(m.control_id, ', ') FROM (SELECT m.framework,"
		" m.control_id FROM scan_control_checks m JOIN scan_controls c ON c.scan_id ="
		" m.scan_id AND c.framework = m.framework AND c.control_id = m.control_id"
		" JOIN scan_frameworks f ON f.scan_id = m.scan_id AND f.framework = m.framework"
		" WHERE m.scan_id = ?1 AND m.check_id = ?2 AND " PDF_FW_IN(
			"m.framework") " ORDER BY f.seq, c.seq) m GROUP BY m.framework ORDER BY min(rowid)");

	size_t start = b->len;

	(void)p;
	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, check, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		core_buf_printf(b, "%s%s %s", b->len > start ? "; " : "", report_text(st, 0),
				report_text(st, 1));
	sqlite3_finalize(st);
	return ATTEST_OK;
}

static struct pdf_resource
resource_of(sqlite3_stmt *st)
{
	return (struct pdf_resource){report_text(st, 0), report_text(st, 1), report_text(st, 2),
				     report_text(st, 3), report_text(st, 4), report_text(st, 5),
				     report_text(st, 8)};
}

static size_t
mono_cols(struct pdf *p, float size, float width)
{
	float cw = pdf_text_width(p, p->mono, size, "M", 1);

	return cw > 0 ? (size_t)(width / cw) : 80;
}

/* The width of the notes under a table row (pdf_table.c indents them). */
#define NOTE_WIDTH(p) ((p)->width - 2 * (p)->margin - 16)
#define CODE_SIZE 6.5f

/* The command, wrapped for a shell, in the monospaced font. */
static void
command(struct pdf *p, const char *cmd, float indent)
{
	struct pdf_style code = pdf_style(p, p->mono, CODE_SIZE, &p->t->primary);
	char *w = pdf_command_wrap(cmd, mono_cols(p, CODE_SIZE, p->width - 2 * p->margin - indent));

	if (!w) {
		p->err = HPDF_FAILD_TO_ALLOC_MEM;
		return;
	}
	pdf_paragraph(p, &code, indent, w);
	free(w);
}

/* The one command that serves every failing resource of the check, or
 * NULL (*out) when the commands differ. */
static attest_rc
shared_command(struct pdf *p, sqlite3_stmt *st, const char *cli, char **out)
{
	char *cmd;
	int src;

	*out = NULL;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct pdf_resource r = resource_of(st);

		if (!(cmd = pdf_command_for(cli, &r))) {
			free(*out);
			*out = NULL;
			return core_nomem(p->ctx);
		}
		if (!*out) {
			*out = cmd;
		} else if (strcmp(*out, cmd) != 0) {
			free(cmd);
			free(*out);
			*out = NULL;
			break;
		} else {
			free(cmd);
		}
	}
	sqlite3_reset(st);
	return ATTEST_OK;
}

/* The notes under a resource's row: its fix command (when the commands
 * differ), its evidence in compact JSON and, when that is cut, a note that
 * says so and names where it is whole. Texts are allocated into keep. */
static size_t
resource_notes(struct pdf *p, const char *check, const char *cli, sqlite3_stmt *st,
	       struct pdf_table_note *notes, char *keep[3])
{
	size_t n = 0, lines, max = (size_t)p->t->evidence_lines;
	struct pdf_resource r = resource_of(st);
	const char *raw = report_text(st, 7);
	json_t *v = json_loads(raw, JSON_DECODE_ANY, NULL);
	char hex[65], *cmd;

	keep[0] = keep[1] = keep[2] = NULL;
	if (cli && (cmd = pdf_command_for(cli, &r))) {
		keep[0] = pdf_command_wrap(cmd, mono_cols(p, CODE_SIZE, NOTE_WIDTH(p)));
		free(cmd);
		notes[n++] = (struct pdf_table_note){keep[0], true, CODE_SIZE, &p->t->primary, 0};
	}
	keep[1] = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : core_strdup(raw);
	json_decref(v);
	notes[n++] = (struct pdf_table_note){keep[1], true, CODE_SIZE, &p->t->muted, max};
	lines = pdf_wrap(p, p->mono, CODE_SIZE, keep[1] ? keep[1] : "", NOTE_WIDTH(p), 0, NULL,
			 NULL);
	if (lines > max) {
		struct core_buf b;

		core_sha256_hex(raw, strlen(raw), hex);
		core_buf_init(&b, 4096);
		core_buf_printf(
			&b,
			"evidence cut after %zu of %zu lines: the whole evidence (SHA-256 %s) "
			"is in the audit package's evidence file for check %s, whose digest "
			"the package's manifest.json lists, and in the JSON report",
			max, lines, hex, check);
		keep[2] = core_buf_take(&b);
		notes[n++] = (struct pdf_table_note){keep[2], false, CODE_SIZE, &p->t->muted, 0};
	}
	return n;
}

/* The table of every failing resource of the check, each row with its
 * command and evidence under it. */
static attest_rc
resource_table(struct pdf *p, const struct pdf_scan *s, const char *check, const char *cli)
{
	struct pdf_style body = pdf_style(p, p->regular, 8, NULL);
	struct pdf_table t = {
		.n = 4, .heads = {"Resource", "Account", "Region", "Reason"}, .size = 7.5f};
	sqlite3_stmt *st = pdf_query(s, findings_sql);
	struct pdf_table_note notes[3];
	char res[1024], *shared = NULL, *keep[3];
	const char *cells[4];
	size_t n, k;
	int src;
	attest_rc rc = ATTEST_OK;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, check, -1, SQLITE_STATIC);
	if (cli && (rc = shared_command(p, st, cli, &shared)) != ATTEST_OK)
		goto out;
	if (shared) {
		pdf_paragraph(p, &body, 0, "Fix (one command for every resource below):");
		command(p, shared, 10);
		pdf_space(p, 3);
	}
	pdf_table_begin(p, &t);
	while ((src = sqlite3_step(st)) == SQLITE_ROW && !pdf_failed(p)) {
		const char *name = report_text(st, 3), *id = report_text(st, 1);

		if (*name && strcmp(name, id) != 0)
			snprintf(res, sizeof(res), "%s\n%s", name, id);
		else
			snprintf(res, sizeof(res), "%s", id);
		cells[0] = res;
		cells[1] = report_text(st, 5);
		cells[2] = report_text(st, 4);
		cells[3] = report_text(st, 6);
		n = resource_notes(p, check, shared ? NULL : cli, st, notes, keep);
		pdf_table_row_notes(p, &t, cells, NULL, -1, notes, n);
		for (k = 0; k < 3; k++)
			free(keep[k]);
	}
	pdf_table_end(p, &t);
	if (src != SQLITE_DONE && src != SQLITE_ROW)
		rc = report_db_error(s->store, "cannot read findings");
out:
	free(shared);
	sqlite3_finalize(st);
	return rc;
}

/* Every failing resource of a large check, compactly: its ids grouped by
 * account and region. */
static attest_rc
resource_list(struct pdf *p, const struct pdf_scan *s, const char *check)
{
	struct pdf_style head = pdf_style(p, p->bold, 7.5f, NULL);
	struct pdf_style ids = pdf_style(p, p->regular, 6.5f, NULL);
	sqlite3_stmt *st = pdf_query(
		s,
		"SELECT account, region, count(*), group_concat(resource_id, ', ') FROM (SELECT"
		" account, region, resource_id FROM findings WHERE scan_id = ?1 AND check_id = ?2"
		" AND status = 'fail' ORDER BY account, region, resource_id, finding_id)"
		" GROUP BY account, region ORDER BY account, region");
	char text[256];
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, check, -1, SQLITE_STATIC);
	while ((src = sqlite3_step(st)) == SQLITE_ROW && !pdf_failed(p)) {
		snprintf(text, sizeof(text), "Account %s, region %s: %lld resource%s",
			 *report_text(st, 0) ? report_text(st, 0) : "not known",
			 *report_text(st, 1) ? report_text(st, 1) : "none",
			 sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 2) == 1 ? "" : "s");
		pdf_need(p, 24);
		pdf_paragraph(p, &head, 0, text);
		pdf_paragraph(p, &ids, 8, report_text(st, 3));
		pdf_space(p, 3);
	}
	sqlite3_finalize(st);
	return src == SQLITE_DONE || src == SQLITE_ROW
		       ? ATTEST_OK
		       : report_db_error(s->store, "cannot read findings");
}

static attest_rc
check_block(struct pdf *p, const struct pdf_scan *s, sqlite3_stmt *st, HPDF_Outline parent)
{
	struct pdf_style meta = pdf_style(p, p->regular, 7.5f, &p->t->muted);
	struct pdf_style body = pdf_style(p, p->regular, 7.5f, NULL);
	const char *check = report_text(st, 1), *sev = report_text(st, 2);
	long long n_fail = sqlite3_column_int64(st, 6);
	json_t *rem = report_json_col(st, 4);
	const char *steps = json_string_value(json_object_get(rem, "steps"));
	const char *cli = json_string_value(json_object_get(rem, "cli"));
	struct core_buf ctl;
	char text[1024];
	attest_rc rc = ATTEST_OK;

	if (json_is_string(rem))
		steps = json_string_value(rem);
	snprintf(text, sizeof(text), "C%lld  %s", sqlite3_column_int64(st, 0), check);
	pdf_heading(p, 2, text, parent);
	{
		struct pdf_style title = pdf_style(p, p->bold, 8, severity_color(p, sev));

		snprintf(text, sizeof(text), "%s \u2014 %s", sev, report_text(st, 3));
		pdf_paragraph(p, &title, 0, text);
	}
	core_buf_init(&ctl, 1 << 20);
	core_buf_printf(&ctl,
			"%s: %lld resource%s fail; %lld pass, %lld excepted, %lld in error, %lld "
			"not applicable. Controls that rely on it: ",
			report_text(st, 10), n_fail, n_fail == 1 ? "" : "s",
			sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 9),
			sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8));
	rc = controls_of(p, s, check, &ctl);
	if (rc == ATTEST_OK)
		pdf_paragraph(p, &meta, 0, ctl.data ? ctl.data : "");
	core_buf_release(&ctl);
	if (rc == ATTEST_OK && steps) {
		struct core_buf b;

		core_buf_init(&b, 1 << 20);
		core_buf_printf(&b, "Remediation. %s", steps);
		pdf_space(p, 2);
		pdf_paragraph(p, &body, 0, b.data ? b.data : steps);
		core_buf_release(&b);
	}
	pdf_space(p, 3);
	if (rc == ATTEST_OK && n_fail <= p->t->evidence_findings) {
		rc = resource_table(p, s, check, cli);
	} else if (rc == ATTEST_OK) {
		snprintf(text, sizeof(text),
			 "%lld resources fail this check, more than the %d per check whose "
			 "reasons, evidence and commands this report prints. Every one is listed "
			 "below by account and region; their reasons and evidence are in the audit "
			 "package's evidence file for check %s, whose SHA-256 the package's "
			 "manifest.json lists, and in the JSON report (attest report %s --json "
			 "FILE).",
			 n_fail, p->t->evidence_findings, check, s->id);
		pdf_paragraph(p, &body, 0, text);
		if (cli) {
			char *generic = pdf_command_for(cli, &(struct pdf_resource){.type = ""});

			pdf_paragraph(
				p, &body, 0,
				"The fix, with <placeholders> for each resource's identifiers:");
			if (generic)
				command(p, generic, 10);
			free(generic);
		}
		pdf_space(p, 3);
		rc = resource_list(p, s, check);
	}
	json_decref(rem);
	pdf_space(p, 6);
	return rc;
}

attest_rc
pdf_findings(struct pdf *p, const struct pdf_scan *s)
{
	static const char *const groups[] = {"Critical", "High", "Medium", "Low", "Informational"};
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	HPDF_Outline top = pdf_heading(p, 0, "Failing findings by check", NULL), group = NULL;
	sqlite3_stmt *st = pdf_query(s, checks_sql);
	char text[256], last[32] = "";
	int n = 0, r;
	attest_rc rc = ATTEST_OK;

	if (!st)
		return ATTEST_ERR_DB;
	pdf_paragraph(p, &body, 0,
		      "Every failing finding, once, under the check that found it. Checks are "
		      "numbered C1, C2, ... most severe first; the control tables refer to them by "
		      "these numbers. Each check lists the controls that rely on it, its "
		      "remediation, every failing resource, and per resource the fix command with "
		      "the resource's own identifiers and the evidence (the configuration "
		      "observed).");
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		const char *sev = report_text(st, 2);

		if (strcmp(last, sev) != 0) {
			snprintf(last, sizeof(last), "%s", sev);
			r = strcmp(sev, "critical") == 0 ? 0
			    : strcmp(sev, "high") == 0   ? 1
			    : strcmp(sev, "medium") == 0 ? 2
			    : strcmp(sev, "low") == 0    ? 3
							 : 4;
			snprintf(text, sizeof(text), "%s severity: %d failing check%s", groups[r],
				 sqlite3_column_int(st, 11),
				 sqlite3_column_int(st, 11) == 1 ? "" : "s");
			group = pdf_heading(p, 1, text, top);
		}
		n++;
		rc = check_block(p, s, st, group);
	}
	sqlite3_finalize(st);
	if (rc == ATTEST_OK && n == 0)
		pdf_paragraph(p, &body, 0, "No check fails.");
	return rc;
}
