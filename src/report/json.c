/*
 * The JSON result (doc/result-format.md). Written as a stream: the scan and
 * framework sections are small and built with jansson; findings, which can
 * number millions, and collection gaps are dumped one object at a time so
 * memory stays flat.
 * Findings are ordered by risk: failures first, then severity, then check
 * and resource.
 */
#include "config.h"

#include "report_int.h"

#include <stdlib.h>
#include <string.h>

static const char scan_sql[] =
	"SELECT scan_id, started_at, finished_at, as_of, attest_version, scope, accounts,"
	" regions, sources, inventory_sha256, resource_count FROM scans WHERE scan_id = ?1";

static const char fw_sql[] =
	"SELECT f.framework, version, title, publisher, f.score, f.coverage, n_total, n_pass,"
	" n_fail, n_manual, n_not_evaluated, n_not_applicable, n_error, n_excepted, n_attested,"
	" s.controls_passing, s.controls_scored, s.posture, s.posture_controls"
	" FROM scan_frameworks f JOIN scan_framework_scores s"
	"  ON s.scan_id = f.scan_id AND s.framework = f.framework"
	" WHERE f.scan_id = ?1 ORDER BY seq";

static const char ctl_sql[] =
	"SELECT c.framework, c.control_id, c.title, c.section, c.level, c.assessment, c.status,"
	" (SELECT json_group_array(check_id) FROM scan_control_checks m"
	"   WHERE m.scan_id = c.scan_id AND m.framework = c.framework"
	"   AND m.control_id = c.control_id),"
	" s.severity, round(s.pass_share, 1), s.n_pass, s.n_fail, s.n_excepted"
	" FROM scan_controls c JOIN scan_control_scores s ON s.scan_id = c.scan_id"
	"  AND s.framework = c.framework AND s.control_id = c.control_id"
	" WHERE c.scan_id = ?1 ORDER BY c.framework, c.seq";

static const char chk_sql[] =
	"SELECT check_id, title, service, severity, resource_type, status, reason, n_pass,"
	" n_fail, n_error, n_not_applicable, rationale, remediation, refs, n_excepted"
	" FROM scan_checks"
	" WHERE scan_id = ?1 ORDER BY check_id";

/* Severity rank used for ordering everywhere: lower is worse. */
#define SEVERITY_RANK(col)                                                                         \
	"CASE " col " WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2"              \
	" WHEN 'low' THEN 3 ELSE 4 END"

static const char finding_sql[] =
	"SELECT f.check_id, f.status, c.severity, f.resource_type, f.resource_id, f.arn, f.name,"
	" f.region, f.account, f.reason, f.evidence, c.remediation,"
	" (SELECT json_group_array(json_object('framework', m.framework, 'control', m.control_id))"
	"   FROM scan_control_checks m WHERE m.scan_id = f.scan_id AND m.check_id = f.check_id),"
	" f.exception_id, f.exposed"
	" FROM findings f JOIN scan_checks c ON c.scan_id = f.scan_id AND c.check_id = f.check_id"
	" WHERE f.scan_id = ?1"
	" ORDER BY CASE f.status WHEN 'fail' THEN 0 WHEN 'error' THEN 1 WHEN 'excepted' THEN 2"
	"   WHEN 'pass' THEN 3 ELSE 4 END, " SEVERITY_RANK(
		"c.severity") ", f.exposed DESC,"
			      "   f.check_id, f.account, f.region, f.resource_id";

static const char exc_sql[] =
	"SELECT exception_id, check_id, match, justification, approver, approved, expires,"
	" active, matched, source FROM scan_exceptions WHERE scan_id = ?1 ORDER BY exception_id";

static const char att_sql[] =
	"SELECT framework, control_id, attested_by, attested_on, statement, evidence,"
	" evidence_href, expires, active, source FROM scan_attestations WHERE scan_id = ?1"
	" ORDER BY framework, control_id";

static json_t *
real_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		       ? json_null()
		       : json_real(sqlite3_column_double(st, col));
}

static json_t *
scan_object(attest_store *store, const char *id)
{
	sqlite3_stmt *st = report_query(store, scan_sql, id);
	json_t *o = NULL;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:I}", "id",
			      report_text(st, 0), "started_at", report_text(st, 1), "finished_at",
			      report_text(st, 2), "as_of", report_text(st, 3), "attest_version",
			      report_text(st, 4), "scope", report_text(st, 5), "accounts",
			      report_json_col(st, 6), "regions", report_json_col(st, 7), "sources",
			      report_json_col(st, 8), "inventory_sha256", report_text(st, 9),
			      "resource_count", (json_int_t)sqlite3_column_int64(st, 10));
	sqlite3_finalize(st);
	return o;
}

static json_t *
frameworks_array(attest_store *store, const char *id)
{
	sqlite3_stmt *st = report_query(store, fw_sql, id), *cs = NULL;
	json_t *arr = json_array(), *fw, *ctl;

	if (!st || !arr)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		fw = json_pack(
			"{s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:i, s:o, s:{s:i, s:i, s:i,"
			" s:i, s:i, s:i, s:i, s:i, s:i}, s:[]}",
			"id", report_text(st, 0), "version", report_text(st, 1), "title",
			report_text(st, 2), "publisher", report_text(st, 3), "controls_passing",
			sqlite3_column_int(st, 15), "controls_scored", sqlite3_column_int(st, 16),
			"score", real_or_null(st, 4), "posture", real_or_null(st, 17),
			"posture_controls", sqlite3_column_int(st, 18), "coverage",
			real_or_null(st, 5), "counts", "total", sqlite3_column_int(st, 6), "pass",
			sqlite3_column_int(st, 7), "fail", sqlite3_column_int(st, 8), "manual",
			sqlite3_column_int(st, 9), "not_evaluated", sqlite3_column_int(st, 10),
			"not_applicable", sqlite3_column_int(st, 11), "error",
			sqlite3_column_int(st, 12), "excepted", sqlite3_column_int(st, 13),
			"attested", sqlite3_column_int(st, 14), "controls");
		if (!fw || json_array_append_new(arr, fw) != 0)
			goto fail;
	}
	cs = report_query(store, ctl_sql, id);
	if (!cs)
		goto fail;
	while (sqlite3_step(cs) == SQLITE_ROW) {
		size_t i;

		json_array_foreach(arr, i, fw)
		{
			if (strcmp(json_string_value(json_object_get(fw, "id")),
				   report_text(cs, 0)))
				continue;
			ctl = json_pack(
				"{s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:o, s:{s:i, s:i, s:i},"
				" s:o}",
				"id", report_text(cs, 1), "title", report_text(cs, 2), "section",
				report_text(cs, 3), "level",
				sqlite3_column_text(cs, 4) ? report_text(cs, 4) : NULL,
				"assessment", report_text(cs, 5), "status", report_text(cs, 6),
				"severity", sqlite3_column_text(cs, 8) ? report_text(cs, 8) : NULL,
				"pass_share", real_or_null(cs, 9), "results", "pass",
				sqlite3_column_int(cs, 10), "fail", sqlite3_column_int(cs, 11),
				"excepted", sqlite3_column_int(cs, 12), "checks",
				report_json_col(cs, 7));
			if (!ctl || json_array_append_new(json_object_get(fw, "controls"), ctl))
				goto fail;
			break;
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(cs);
	return arr;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(cs);
	json_decref(arr);
	return NULL;
}

static json_t *
checks_array(attest_store *store, const char *id)
{
	sqlite3_stmt *st = report_query(store, chk_sql, id);
	json_t *arr = json_array(), *c;

	if (!st || !arr)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		c = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:{s:i, s:i, s:i, s:i, s:i}, s:s,"
			" s:o, s:o}",
			"id", report_text(st, 0), "title", report_text(st, 1), "service",
			report_text(st, 2), "severity", report_text(st, 3), "resource_type",
			report_text(st, 4), "status", report_text(st, 5), "reason",
			sqlite3_column_text(st, 6) ? report_text(st, 6) : NULL, "counts", "pass",
			sqlite3_column_int(st, 7), "fail", sqlite3_column_int(st, 8), "error",
			sqlite3_column_int(st, 9), "not_applicable", sqlite3_column_int(st, 10),
			"excepted", sqlite3_column_int(st, 14), "rationale", report_text(st, 11),
			"remediation", report_json_col(st, 12), "references",
			report_json_col(st, 13));
		if (!c || json_array_append_new(arr, c) != 0)
			goto fail;
	}
	sqlite3_finalize(st);
	return arr;
fail:
	sqlite3_finalize(st);
	json_decref(arr);
	return NULL;
}

/* Text a person wrote in an indented XML file, white space folded; NULL
 * for NULL, and on overflow (json_pack then fails: out of memory). */
static json_t *
folded(sqlite3_stmt *st, int col, struct core_buf *b)
{
	const char *t;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	t = report_fold_space(b, report_text(st, col));
	return t ? json_string(t) : NULL;
}

/* The exceptions and attestations the scan was given, in force or lapsed. */
static json_t *
policy_array(attest_store *store, const char *id, bool exceptions)
{
	sqlite3_stmt *st = report_query(store, exceptions ? exc_sql : att_sql, id);
	json_t *arr = json_array(), *e;
	struct core_buf b1, b2;

	core_buf_init(&b1, 64u << 20);
	core_buf_init(&b2, 64u << 20);
	if (!st || !arr)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (exceptions)
			e = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s?, s:s, s:b, s:i, s:s?}", "id",
				      report_text(st, 0), "check", report_text(st, 1), "match",
				      report_json_col(st, 2), "justification", folded(st, 3, &b1),
				      "approver", report_text(st, 4), "approved",
				      sqlite3_column_text(st, 5) ? report_text(st, 5) : NULL,
				      "expires", report_text(st, 6), "in_force",
				      sqlite3_column_int(st, 7) != 0, "matched",
				      sqlite3_column_int(st, 8), "source",
				      sqlite3_column_text(st, 9) ? report_text(st, 9) : NULL);
		else
			e = json_pack(
				"{s:s, s:s, s:s, s:s, s:o, s:o, s:s?, s:s, s:b, s:s?}", "framework",
				report_text(st, 0), "control", report_text(st, 1), "attested_by",
				report_text(st, 2), "date", report_text(st, 3), "statement",
				folded(st, 4, &b1), "evidence", folded(st, 5, &b2), "evidence_href",
				sqlite3_column_text(st, 6) ? report_text(st, 6) : NULL, "expires",
				report_text(st, 7), "in_force", sqlite3_column_int(st, 8) != 0,
				"source", sqlite3_column_text(st, 9) ? report_text(st, 9) : NULL);
		if (!e || json_array_append_new(arr, e) != 0)
			goto fail;
	}
	sqlite3_finalize(st);
	core_buf_release(&b1);
	core_buf_release(&b2);
	return arr;
fail:
	sqlite3_finalize(st);
	core_buf_release(&b1);
	core_buf_release(&b2);
	json_decref(arr);
	return NULL;
}

/* The cause attest watch recorded for a newly failing finding (row of
 * finding_sql), from causes (report_causes); NULL when none. */
static json_t *
cause_of(json_t *causes, sqlite3_stmt *st)
{
	char *key;
	json_t *c;

	if (json_object_size(causes) == 0 || strcmp(report_text(st, 1), "fail") != 0)
		return NULL;
	key = report_finding_key(
		report_text(st, 0), report_text(st, 3), (const char *)sqlite3_column_text(st, 4),
		(const char *)sqlite3_column_text(st, 8), (const char *)sqlite3_column_text(st, 7));
	c = key ? json_object_get(causes, key) : NULL;
	free(key);
	return c;
}

static attest_rc
write_findings(attest_store *store, const char *id, FILE *out)
{
	sqlite3_stmt *st = NULL;
	json_t *f, *causes = NULL, *cause;
	bool first = true;
	attest_rc rc;
	int src;

	if ((rc = report_causes(store, id, &causes)) != ATTEST_OK)
		return rc;
	if (!(st = report_query(store, finding_sql, id))) {
		json_decref(causes);
		return ATTEST_ERR_DB;
	}
	fputs("  \"findings\": [", out);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		f = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s?, s:s?, s:s?, s:s?}, s:o, s:s,"
			      " s:o, s:o, s:b, s:s?}",
			      "check", report_text(st, 0), "status", report_text(st, 1), "severity",
			      report_text(st, 2), "resource", "type", report_text(st, 3), "id",
			      report_text(st, 4), "arn",
			      sqlite3_column_text(st, 5) ? report_text(st, 5) : NULL, "name",
			      sqlite3_column_text(st, 6) ? report_text(st, 6) : NULL, "region",
			      sqlite3_column_text(st, 7) ? report_text(st, 7) : NULL, "account",
			      sqlite3_column_text(st, 8) ? report_text(st, 8) : NULL, "controls",
			      report_json_col(st, 12), "reason", report_text(st, 9), "evidence",
			      report_json_col(st, 10), "remediation", report_json_col(st, 11),
			      "exposed", sqlite3_column_int(st, 14) != 0, "exception",
			      sqlite3_column_text(st, 13) ? report_text(st, 13) : NULL);
		if (f && (cause = cause_of(causes, st)))
			json_object_set(f, "cause", cause);
		if (!f) {
			sqlite3_finalize(st);
			json_decref(causes);
			return core_nomem(store_ctx(store));
		}
		fputs(first ? "\n    " : ",\n    ", out);
		first = false;
		json_dumpf(f, out, JSON_COMPACT | REPORT_JSON_REALS);
		json_decref(f);
	}
	sqlite3_finalize(st);
	json_decref(causes);
	if (src != SQLITE_DONE)
		return report_db_error(store, "cannot read findings");
	fputs(first ? "]\n" : "\n  ]\n", out);
	return ATTEST_OK;
}

/* Writes "  "key": value" with value indented as a member of the top object. */
static void
put_member(FILE *out, const char *key, const json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY | REPORT_JSON_REALS);
	const char *p;

	fprintf(out, "  \"%s\": ", key);
	for (p = text; p && *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fputs("  ", out);
	}
	fputs(",\n", out);
	free(text);
}

attest_rc
attest_report_json(attest_store *store, const char *id, FILE *out)
{
	attest_ctx *ctx = store_ctx(store);
	json_t *scan = NULL, *fws = NULL, *checks = NULL, *exc = NULL, *att = NULL;
	json_t *scoring = NULL;
	size_t i;
	attest_rc rc = ATTEST_ERR_DB;

	if (!(scan = scan_object(store, id))) {
		rc = core_error(ctx, ATTEST_ERR_NOTFOUND, "no scan '%s'", id);
		goto out;
	}
	if (!(fws = frameworks_array(store, id)) || !(checks = checks_array(store, id)) ||
	    !(exc = policy_array(store, id, true)) || !(att = policy_array(store, id, false)) ||
	    !(scoring = json_object()))
		goto out;
	for (i = 0; i < sizeof(report_formulas) / sizeof(report_formulas[0]); i++)
		if (json_object_set_new(scoring, report_formulas[i].name,
					json_string(report_formulas[i].text)))
			goto out;
	fputs("{\n  \"format\": \"attest-result\",\n  \"format_version\": 1,\n", out);
	put_member(out, "scan", scan);
	put_member(out, "scoring", scoring);
	put_member(out, "frameworks", fws);
	put_member(out, "checks", checks);
	put_member(out, "exceptions", exc);
	put_member(out, "attestations", att);
	fputs("  \"collection_gaps\": ", out);
	if ((rc = report_gaps_json(store, id, out, "  ")) != ATTEST_OK)
		goto out;
	fputs(",\n", out);
	if ((rc = write_findings(store, id, out)) != ATTEST_OK)
		goto out;
	fputs("}\n", out);
	rc = ferror(out) ? core_error(ctx, ATTEST_ERR_IO, "cannot write the JSON result")
			 : ATTEST_OK;
out:
	if (rc == ATTEST_ERR_DB && !*attest_ctx_errmsg(ctx))
		report_db_error(store, "cannot read the scan");
	json_decref(scan);
	json_decref(fws);
	json_decref(checks);
	json_decref(exc);
	json_decref(att);
	json_decref(scoring);
	return rc;
}
