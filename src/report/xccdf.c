/*
 * XCCDF 1.2 of one stored scan: a Benchmark with one Rule per check (title,
 * rationale, the framework controls as idents, remediation as fixtext and a
 * shell fix) and a TestResult with one rule-result per check result: per
 * judged resource (instance naming it, messages with the reason and the
 * evidence), or one for a check that judged nothing. Valid against the
 * XCCDF 1.2 schema. XCCDF ids must read xccdf_<namespace>_<type>_<name>;
 * ours use the namespace "attest" and check ids, which are already NCNames.
 */
#include "config.h"

#include "xmlout.h"

#include <string.h>

#define XCCDF_NS "http://checklists.nist.gov/xccdf/1.2"
#define ID_PREFIX "xccdf_attest_"

static const char scan_sql[] =
	"SELECT scan_id, started_at, finished_at, as_of, attest_version, accounts,"
	" inventory_sha256 FROM scans WHERE scan_id = ?1";

static const char chk_sql[] =
	"SELECT check_id, title, severity, rationale, remediation, refs FROM scan_checks"
	" WHERE scan_id = ?1 ORDER BY check_id";

static const char ident_sql[] =
	"SELECT DISTINCT framework, control_id FROM scan_control_checks"
	" WHERE scan_id = ?1 AND check_id = ?2 ORDER BY framework, control_id";

static const char result_sql[] =
	"SELECT c.check_id, c.severity, c.status, c.reason, f.finding_id, f.status, f.reason,"
	" f.resource_type, f.resource_id, f.arn, f.region, f.account, f.evidence"
	" FROM scan_checks c LEFT JOIN findings f ON f.scan_id = c.scan_id"
	"   AND f.check_id = c.check_id"
	" WHERE c.scan_id = ?1 ORDER BY c.check_id, f.finding_id";

/* XCCDF's flat unweighted model over the rule-results: one point for each
 * pass, out of the pass, fail and error results (doc/report-formats.md). */
static const char flat_sql[] =
	"SELECT total(f.status = 'pass'), total(f.status IN ('pass', 'fail', 'error'))"
	" FROM findings f WHERE f.scan_id = ?1";

static const char score_sql[] =
	"SELECT framework, score FROM scan_frameworks WHERE scan_id = ?1 AND score IS NOT NULL"
	" ORDER BY seq, framework";

/* XCCDF severities are unknown, info, low, medium and high. */
static const char *
severity(const char *s)
{
	if (strcmp(s, "critical") == 0 || strcmp(s, "high") == 0)
		return "high";
	if (strcmp(s, "medium") == 0 || strcmp(s, "low") == 0)
		return s;
	if (strcmp(s, "informational") == 0)
		return "info";
	return "unknown";
}

static const char *
result(const char *status)
{
	static const char *const map[][2] = {
		{"pass", "pass"},
		{"fail", "fail"},
		{"error", "error"},
		{"not_applicable", "notapplicable"},
		{"not_evaluated", "notchecked"},
		/* an accepted risk stays a failure that was looked at */
		{"excepted", "informational"},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(status, map[i][0]) == 0)
			return map[i][1];
	return "unknown";
}

static int
rule_id_attr(struct report_xml *x, const char *name, const char *check)
{
	return report_xml_attrf(x, name, ID_PREFIX "rule_%s", check);
}

/* <fix system> with the remediation's script under key, if it has one. */
static int
fix(struct report_xml *x, const json_t *rem, const char *key, const char *system)
{
	const json_t *v = json_object_get(rem, key);

	if (!json_is_string(v))
		return 0;
	if (report_xml_start(x, "fix") < 0 || report_xml_attr(x, "system", system) < 0 ||
	    report_xml_text(x, json_string_value(v)) < 0)
		return -1;
	return report_xml_end(x);
}

static int
write_rule(struct report_xml *x, sqlite3_stmt *st, sqlite3_stmt *ids)
{
	json_t *rem = report_json_col(st, 4), *refs = report_json_col(st, 5), *v;
	int src, r = -1;

	TRY(report_xml_start(x, "Rule"));
	TRY(rule_id_attr(x, "id", report_text(st, 0)));
	TRY(report_xml_attr(x, "selected", "true"));
	TRY(report_xml_attr(x, "severity", severity(report_text(st, 2))));
	TRY(report_xml_elem(x, "title", report_text(st, 1)));
	if (*report_text(st, 3))
		TRY(report_xml_elem(x, "description", report_text(st, 3)));
	TRY(report_xml_references(x, refs));
	if (*report_text(st, 3))
		TRY(report_xml_elem(x, "rationale", report_text(st, 3)));
	sqlite3_reset(ids);
	sqlite3_bind_text(ids, 2, report_text(st, 0), -1, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(ids)) == SQLITE_ROW) {
		TRY(report_xml_start(x, "ident"));
		TRY(report_xml_attrf(x, "system", "urn:attest:framework:%s", report_text(ids, 0)));
		TRY(report_xml_text(x, report_text(ids, 1)));
		TRY(report_xml_end(x));
	}
	if (src != SQLITE_DONE) {
		report_db_error(x->store, "cannot read the controls of the scan");
		r = -2;
		goto out;
	}
	if (json_is_string(v = json_object_get(rem, "steps")))
		TRY(report_xml_elem(x, "fixtext", json_string_value(v)));
	TRY(fix(x, rem, "cli", "urn:xccdf:fix:script:sh"));
	TRY(fix(x, rem, "terraform", "urn:xccdf:fix:script:terraform"));
	TRY(report_xml_start(x, "check"));
	TRY(report_xml_attr(x, "system", "urn:attest:check:sql"));
	TRY(report_xml_start(x, "check-content-ref"));
	TRY(report_xml_attr(x, "href", "urn:attest:checks"));
	TRY(report_xml_attr(x, "name", report_text(st, 0)));
	TRY(report_xml_end(x));
	TRY(report_xml_end(x));
	r = report_xml_end(x);
out:
	json_decref(rem);
	json_decref(refs);
	return r;
}

static int
write_rule_result(struct report_xml *x, sqlite3_stmt *st, const char *time)
{
	bool judged = sqlite3_column_type(st, 4) != SQLITE_NULL;
	const char *status = report_text(st, judged ? 5 : 2);
	const char *reason = report_text(st, judged ? 6 : 3);

	TRY(report_xml_start(x, "rule-result"));
	TRY(rule_id_attr(x, "idref", report_text(st, 0)));
	TRY(report_xml_attr(x, "severity", severity(report_text(st, 1))));
	TRY(report_xml_attr(x, "time", time));
	TRY(report_xml_elem(x, "result", result(status)));
	if (*reason) {
		TRY(report_xml_start(x, "message"));
		TRY(report_xml_attr(x, "severity", strcmp(status, "fail") == 0    ? "warning"
						   : strcmp(status, "error") == 0 ? "error"
										  : "info"));
		TRY(report_xml_text(x, reason));
		TRY(report_xml_end(x));
	}
	if (judged && sqlite3_column_type(st, 12) != SQLITE_NULL) {
		TRY(report_xml_start(x, "message"));
		TRY(report_xml_attr(x, "severity", "info"));
		TRY(report_xml_text(x, "evidence: "));
		TRY(report_xml_text(x, report_text(st, 12)));
		TRY(report_xml_end(x));
	}
	if (judged) {
		/* The resource: ARN when it has one, else type/account/region/id. */
		TRY(report_xml_start(x, "instance"));
		TRY(report_xml_attr(x, "context", "resource"));
		if (*report_text(st, 9)) {
			TRY(report_xml_text(x, report_text(st, 9)));
		} else {
			TRY(report_xml_text(x, report_text(st, 7)));
			TRY(report_xml_text(x, " "));
			TRY(report_xml_text(x, report_text(st, 11)));
			TRY(report_xml_text(x, "/"));
			TRY(report_xml_text(x, report_text(st, 10)));
			TRY(report_xml_text(x, "/"));
			TRY(report_xml_text(x, report_text(st, 8)));
		}
		TRY(report_xml_end(x));
	}
	return report_xml_end(x);
out:
	return -1;
}

static attest_rc
write_benchmark_rules(struct report_xml *x, const char *id)
{
	sqlite3_stmt *st = report_query(x->store, chk_sql, id), *ids = NULL;
	attest_rc rc = ATTEST_ERR_DB;
	int src, r;

	if (!st || !(ids = report_query(x->store, ident_sql, id)))
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = write_rule(x, st, ids)) < 0)
			goto out;
	if (src == SQLITE_DONE)
		rc = ATTEST_OK;
out:
	if (rc != ATTEST_OK && !x->failed && !*attest_ctx_errmsg(attest_store_ctx(x->store)))
		report_db_error(x->store, "cannot read the checks of the scan");
	sqlite3_finalize(st);
	sqlite3_finalize(ids);
	return x->failed ? ATTEST_ERR_IO : rc;
}

static attest_rc
write_test_result(struct report_xml *x, const char *id, sqlite3_stmt *scan)
{
	sqlite3_stmt *st = NULL, *sc = NULL;
	json_t *accounts = report_json_col(scan, 5), *v;
	attest_rc rc = ATTEST_ERR_DB;
	size_t i;
	int src;

	TRY(report_xml_start(x, "TestResult"));
	TRY(report_xml_attrf(x, "id", ID_PREFIX "testresult_%s", id));
	TRY(report_xml_attr(x, "start-time", report_text(scan, 1)));
	TRY(report_xml_attr(x, "end-time", report_text(scan, 2)));
	TRY(report_xml_attr(x, "test-system", "attest"));
	TRY(report_xml_attr(x, "version", report_text(scan, 4)));
	TRY(report_xml_start(x, "benchmark"));
	TRY(report_xml_attr(x, "href", "#" ID_PREFIX "benchmark_checks"));
	TRY(report_xml_attr(x, "id", ID_PREFIX "benchmark_checks"));
	TRY(report_xml_end(x));
	TRY(report_xml_elem(x, "title", "attest scan"));
	TRY(report_xml_elem(x, "remark", id));
	if (json_array_size(accounts) == 0)
		TRY(report_xml_elem(x, "target", "inventory"));
	json_array_foreach(accounts, i, v) {
		if (json_is_string(v))
			TRY(report_xml_elem(x, "target", json_string_value(v)));
	}
	TRY(report_xml_start(x, "target-facts"));
	TRY(report_xml_start(x, "fact"));
	TRY(report_xml_attr(x, "name", "urn:attest:fact:inventory-sha256"));
	TRY(report_xml_attr(x, "type", "string"));
	TRY(report_xml_text(x, report_text(scan, 6)));
	TRY(report_xml_end(x));
	TRY(report_xml_end(x));
	if (!(st = report_query(x->store, result_sql, id)))
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		TRY(write_rule_result(x, st, report_text(scan, 3)));
	if (src != SQLITE_DONE || !(sc = report_query(x->store, flat_sql, id)) ||
	    sqlite3_step(sc) != SQLITE_ROW)
		goto out;
	TRY(report_xml_start(x, "score"));
	TRY(report_xml_attr(x, "system", "urn:xccdf:scoring:flat-unweighted"));
	TRY(report_xml_attrf(x, "maximum", "%.0f", sqlite3_column_double(sc, 1)));
	TRY(report_xml_textf(x, "%.0f", sqlite3_column_double(sc, 0)));
	TRY(report_xml_end(x));
	sqlite3_finalize(sc);
	if (!(sc = report_query(x->store, score_sql, id)))
		goto out;
	/* Then each framework's score, in its own system (doc/scoring.md). */
	while ((src = sqlite3_step(sc)) == SQLITE_ROW) {
		TRY(report_xml_start(x, "score"));
		TRY(report_xml_attrf(x, "system", "urn:attest:scoring:%s", report_text(sc, 0)));
		TRY(report_xml_attr(x, "maximum", "100"));
		TRY(report_xml_textf(x, "%.1f", sqlite3_column_double(sc, 1)));
		TRY(report_xml_end(x));
	}
	if (src != SQLITE_DONE)
		goto out;
	TRY(report_xml_end(x));
	rc = ATTEST_OK;
out:
	rc = report_xml_result(x, rc, "cannot read the results of the scan");
	json_decref(accounts);
	sqlite3_finalize(st);
	sqlite3_finalize(sc);
	return rc;
}

attest_rc
attest_report_xccdf(attest_store *store, const char *scan_id, FILE *out)
{
	struct report_xml x;
	sqlite3_stmt *scan;
	attest_rc rc = report_scan_row(store, scan_sql, scan_id, &scan);

	if (rc != ATTEST_OK)
		goto done;
	if ((rc = report_xml_open(&x, store, out, "the XCCDF report")) != ATTEST_OK)
		goto done;
	rc = ATTEST_ERR_IO;
	TRY(report_xml_start_ns(&x, "Benchmark", XCCDF_NS));
	TRY(report_xml_attr(&x, "id", ID_PREFIX "benchmark_checks"));
	TRY(report_xml_attr(&x, "resolved", "true"));
	TRY(report_xml_start(&x, "status"));
	TRY(report_xml_text(&x, "accepted"));
	TRY(report_xml_end(&x));
	TRY(report_xml_elem(&x, "title", "attest checks"));
	TRY(report_xml_elem(&x, "description",
			    "The checks attest evaluated in this scan, one rule each; the "
			    "framework controls each check supports are its idents."));
	TRY(report_xml_elem(&x, "version", report_text(scan, 4)));
	TRY(report_xml_start(&x, "model"));
	TRY(report_xml_attr(&x, "system", "urn:xccdf:scoring:flat-unweighted"));
	TRY(report_xml_end(&x));
	if ((rc = write_benchmark_rules(&x, scan_id)) != ATTEST_OK ||
	    (rc = write_test_result(&x, scan_id, scan)) != ATTEST_OK)
		goto out;
	rc = report_xml_end(&x) < 0 ? ATTEST_ERR_IO : ATTEST_OK;
out:
	rc = report_xml_close(&x, rc);
done:
	sqlite3_finalize(scan);
	return rc;
}
