/*
 * XCCDF 1.2 TestResults of one stored scan: one rule-result per check result
 * (per judged resource, or one for a check that judged nothing), an
 * <override> on each excepted finding naming the approver, attested
 * controls' rule-results naming who attested, and the target facts and
 * scores (XCCDF's flat score and attest's two figures per framework).
 */
#include "config.h"

#include "xccdf_int.h"

#include <string.h>

static const char result_sql[] =
	"SELECT c.check_id, c.severity, c.status, c.reason, f.finding_id, f.status, f.reason,"
	" f.resource_type, f.resource_id, f.arn, f.region, f.account, f.evidence, f.name,"
	" e.exception_id, e.approver, e.approved, e.expires, e.justification"
	" FROM scan_checks c LEFT JOIN findings f ON f.scan_id = c.scan_id"
	"   AND f.check_id = c.check_id"
	" LEFT JOIN scan_exceptions e ON e.scan_id = f.scan_id AND e.exception_id = f.exception_id"
	" WHERE c.scan_id = ?1 AND (f.exception_id IS NULL) = ?2 ORDER BY c.check_id, f.finding_id";
/* 0 framework, 1 score, 2 coverage, 3 controls passing, 4 controls scored,
 * 5 posture, 6 controls in the posture. */
static const char score_sql[] =
	"SELECT f.framework, f.score, f.coverage, s.controls_passing, s.controls_scored,"
	" s.posture, s.posture_controls FROM scan_frameworks f JOIN scan_framework_scores s"
	"  ON s.scan_id = f.scan_id AND s.framework = f.framework"
	" WHERE f.scan_id = ?1 ORDER BY f.seq, f.framework";

/* <override> of an excepted finding: XCCDF's record of a person changing a
 * result, here the approver of the exception turning fail into informational. */
static int
write_override(struct xccdf *c, sqlite3_stmt *st)
{
	struct report_xml *x = &c->x;
	char when[40];

	TRY(report_xml_start(x, "override"));
	TRY(report_xml_attr(
		x, "time",
		report_xml_datetime(sqlite3_column_text(st, 16) ? report_text(st, 16) : c->time,
				    when)));
	TRY(report_xml_attr(x, "authority", report_text(st, 15)));
	TRY(report_xml_elem(x, "old-result", "fail"));
	TRY(report_xml_elem(x, "new-result", "informational"));
	TRY(report_xml_start(x, "remark"));
	TRY(report_xml_textf(x, "exception %s, expires %s: ", report_text(st, 14),
			     report_text(st, 17)));
	TRY(xccdf_fold(c, report_text(st, 18)));
	TRY(report_xml_end(x));
	return report_xml_end(x);
out:
	return -1;
}

static int
write_rule_result(struct xccdf *c, sqlite3_stmt *st)
{
	struct report_xml *x = &c->x;
	bool judged = sqlite3_column_type(st, 4) != SQLITE_NULL;
	const char *status = report_text(st, judged ? 5 : 2);
	const char *reason = report_text(st, judged ? 6 : 3), *res = xccdf_result(status);

	xccdf_flat_count(c, res);
	TRY(report_xml_start(x, "rule-result"));
	TRY(report_xml_attrf(x, "idref", ID_PREFIX "rule_%s", report_text(st, 0)));
	TRY(report_xml_attr(x, "severity", xccdf_severity(report_text(st, 1))));
	TRY(report_xml_attr(x, "time", c->time));
	TRY(report_xml_elem(x, "result", res));
	if (judged && sqlite3_column_type(st, 14) != SQLITE_NULL)
		TRY(write_override(c, st));
	if (*reason)
		TRY(xccdf_message(x,
				  strcmp(status, "fail") == 0    ? "warning"
				  : strcmp(status, "error") == 0 ? "error"
								 : "info",
				  NULL, reason));
	if (judged && sqlite3_column_type(st, 12) != SQLITE_NULL)
		TRY(xccdf_message(x, "info", "evidence: ", report_text(st, 12)));
	if (judged) {
		/* The resource: ARN when it has one, else type/account/region/id. */
		TRY(report_xml_start(x, "instance"));
		TRY(report_xml_attr(x, "context", "resource"));
		if (*report_text(st, 9)) {
			TRY(report_xml_text(x, report_text(st, 9)));
		} else {
			TRY(report_xml_textf(x, "%s %s/%s/%s", report_text(st, 7),
					     report_text(st, 11), report_text(st, 10),
					     report_text(st, 8)));
		}
		TRY(report_xml_end(x));
		TRY(report_xml_start(x, "instance"));
		TRY(report_xml_attr(x, "context", "resource-name"));
		TRY(report_xml_attr(x, "parentContext", "resource"));
		TRY(report_xml_text(x, *report_text(st, 13) ? report_text(st, 13)
							    : report_text(st, 8)));
		TRY(report_xml_end(x));
	}
	TRY(xccdf_check_ref(x, "urn:attest:check:sql", "urn:attest:checks", report_text(st, 0)));
	return report_xml_end(x);
out:
	return -1;
}

/* The rule-result of an attested control: pass while the attestation is in
 * force, notchecked once it lapsed (the control is manual again). */
static int
write_attested_result(struct xccdf *c, sqlite3_stmt *st)
{
	struct report_xml *x = &c->x;
	bool active = sqlite3_column_int(st, 9) != 0;
	const char *id = xccdf_control_rule_id(c, report_text(st, 0), report_text(st, 1));

	if (!id)
		return -1;
	xccdf_flat_count(c, active ? "pass" : "notchecked");
	TRY(report_xml_start(x, "rule-result"));
	TRY(report_xml_attrf(x, "idref", ID_PREFIX "rule_control_%s", id));
	TRY(report_xml_attr(x, "time", c->time));
	TRY(report_xml_elem(x, "result", active ? "pass" : "notchecked"));
	TRY(report_xml_start(x, "message"));
	TRY(report_xml_attr(x, "severity", "info"));
	TRY(report_xml_textf(x, "attested by %s on %s, %s %s: ", report_text(st, 3),
			     report_text(st, 4), active ? "in force until" : "lapsed on",
			     report_text(st, 8)));
	TRY(xccdf_fold(c, report_text(st, 5)));
	TRY(report_xml_end(x));
	if (*report_text(st, 6) || *report_text(st, 7))
		TRY(xccdf_message(x, "info", "evidence: ",
				  *report_text(st, 7) ? report_text(st, 7) : report_text(st, 6)));
	TRY(xccdf_check_ref(x, "urn:attest:attestation", "urn:attest:attestations", id));
	return report_xml_end(x);
out:
	return -1;
}

static int
fact(struct report_xml *x, const char *name, const char *type, const char *value)
{
	TRY(report_xml_start(x, "fact"));
	TRY(report_xml_attrf(x, "name", "urn:attest:fact:%s", name));
	TRY(report_xml_attr(x, "type", type));
	TRY(report_xml_text(x, value));
	return report_xml_end(x);
out:
	return -1;
}

/* Each framework's figures as facts (doc/scoring.md); a figure that could
 * not be computed (nothing judged) is left out. */
static int
framework_facts(struct xccdf *c, sqlite3_stmt *sc)
{
	struct report_xml *x = &c->x;
	char name[300], value[96];
	const char *fw;
	int src;

	sqlite3_reset(sc);
	while ((src = sqlite3_step(sc)) == SQLITE_ROW) {
		fw = report_text(sc, 0);
		snprintf(name, sizeof(name), "%s:controls-passing", fw);
		if (sqlite3_column_type(sc, 1) != SQLITE_NULL)
			snprintf(value, sizeof(value), "%d of %d controls (%.1f %%)",
				 sqlite3_column_int(sc, 3), sqlite3_column_int(sc, 4),
				 sqlite3_column_double(sc, 1));
		else
			snprintf(value, sizeof(value), "not scored: no control passed or failed");
		TRY(fact(x, name, "string", value));
		if (sqlite3_column_type(sc, 5) != SQLITE_NULL) {
			snprintf(name, sizeof(name), "%s:posture", fw);
			snprintf(value, sizeof(value), "%.1f", sqlite3_column_double(sc, 5));
			TRY(fact(x, name, "number", value));
		}
		snprintf(name, sizeof(name), "%s:posture-controls", fw);
		snprintf(value, sizeof(value), "%d", sqlite3_column_int(sc, 6));
		TRY(fact(x, name, "number", value));
		if (sqlite3_column_type(sc, 2) != SQLITE_NULL) {
			snprintf(name, sizeof(name), "%s:coverage", fw);
			snprintf(value, sizeof(value), "%.1f", sqlite3_column_double(sc, 2));
			TRY(fact(x, name, "number", value));
		}
	}
	return src == SQLITE_DONE ? 0 : -2;
out:
	return -1;
}

static int
score(struct report_xml *x, const char *fw, const char *suffix, double value)
{
	TRY(report_xml_start(x, "score"));
	TRY(report_xml_attrf(x, "system", "urn:attest:scoring:%s%s", fw, suffix));
	TRY(report_xml_attr(x, "maximum", "100"));
	TRY(report_xml_textf(x, "%.1f", value));
	return report_xml_end(x);
out:
	return -1;
}

/* Each framework's controls-passing share and posture, in systems of their
 * own; an unscored figure has no score element. */
static int
framework_scores(struct xccdf *c, sqlite3_stmt *sc)
{
	int src;

	sqlite3_reset(sc);
	while ((src = sqlite3_step(sc)) == SQLITE_ROW) {
		if (sqlite3_column_type(sc, 1) != SQLITE_NULL &&
		    score(&c->x, report_text(sc, 0), "", sqlite3_column_double(sc, 1)) < 0)
			return -1;
		if (sqlite3_column_type(sc, 5) != SQLITE_NULL &&
		    score(&c->x, report_text(sc, 0), ":posture", sqlite3_column_double(sc, 5)) < 0)
			return -1;
	}
	return src == SQLITE_DONE ? 0 : -2;
}

static attest_rc
write_test_result(struct xccdf *c, sqlite3_stmt *scan)
{
	struct report_xml *x = &c->x;
	sqlite3_stmt *sc = NULL;
	json_t *accounts = report_json_col(scan, 5), *v;
	attest_rc rc = ATTEST_ERR_DB;
	size_t i;

	c->flat_pass = c->flat_max = 0;
	TRY(report_xml_start(x, "TestResult"));
	TRY(report_xml_attrf(x, "id", ID_PREFIX "testresult_%s%s", c->scan_id,
			     c->excepted ? "_exceptions" : ""));
	TRY(report_xml_attr(x, "start-time", report_text(scan, 1)));
	TRY(report_xml_attr(x, "end-time", report_text(scan, 2)));
	TRY(report_xml_attr(x, "test-system", "attest"));
	TRY(report_xml_attr(x, "version", report_text(scan, 4)));
	TRY(report_xml_start(x, "benchmark"));
	TRY(report_xml_attr(x, "href", "#" ID_PREFIX "benchmark_checks"));
	TRY(report_xml_attr(x, "id", ID_PREFIX "benchmark_checks"));
	TRY(report_xml_end(x));
	TRY(report_xml_start(x, "title"));
	TRY(report_xml_textf(x,
			     c->excepted ? "attest scan %s: findings under exceptions in force"
					 : "attest scan %s",
			     c->scan_id));
	TRY(report_xml_end(x));
	/* Who read the configuration: the identity the collection ran as. */
	TRY(report_xml_start(x, "identity"));
	TRY(report_xml_attr(x, "authenticated", *report_text(scan, 7) ? "true" : "false"));
	TRY(report_xml_attr(x, "privileged", "false"));
	TRY(report_xml_text(
		x, *report_text(scan, 7)
			   ? report_text(scan, 7)
			   : "not recorded: the inventory does not name who collected it"));
	TRY(report_xml_end(x));
	if (json_array_size(accounts) == 0)
		TRY(report_xml_elem(x, "target", "inventory"));
	json_array_foreach(accounts, i, v)
	{
		if (json_is_string(v))
			TRY(report_xml_elem(x, "target", json_string_value(v)));
	}
	if (!(sc = report_query(x->store, score_sql, c->scan_id)))
		goto out;
	TRY(report_xml_start(x, "target-facts"));
	TRY(fact(x, "scan-id", "string", c->scan_id));
	TRY(fact(x, "inventory-sha256", "string", report_text(scan, 6)));
	TRY(fact(x, "as-of", "string", c->time));
	if (!c->excepted && framework_facts(c, sc) < 0)
		goto out;
	TRY(report_xml_end(x));
	if ((rc = xccdf_each_row(c, result_sql, write_rule_result,
				 "cannot read the results of the scan")) != ATTEST_OK ||
	    (!c->excepted &&
	     (rc = xccdf_each_row(c, REPORT_ATTESTED_SQL, write_attested_result,
				  "cannot read the attestations of the scan")) != ATTEST_OK))
		goto done;
	rc = ATTEST_ERR_DB;
	TRY(report_xml_start(x, "score"));
	TRY(report_xml_attr(x, "system", "urn:xccdf:scoring:flat-unweighted"));
	TRY(report_xml_attrf(x, "maximum", "%lld", c->flat_max));
	TRY(report_xml_textf(x, "%lld", c->flat_pass));
	TRY(report_xml_end(x));
	if (!c->excepted && framework_scores(c, sc) < 0)
		goto out;
	TRY(report_xml_end(x));
	rc = ATTEST_OK;
out:
	rc = report_xml_result(x, rc, "cannot read the results of the scan");
done:
	json_decref(accounts);
	sqlite3_finalize(sc);
	return rc;
}

/* Both TestResults; the second only when some finding is excepted. */
attest_rc
xccdf_write_test_results(struct xccdf *c, sqlite3_stmt *scan)
{
	sqlite3_stmt *st;
	attest_rc rc;
	bool any;

	c->excepted = false;
	if ((rc = write_test_result(c, scan)) != ATTEST_OK)
		return rc;
	if (!(st = report_query(c->x.store,
				"SELECT EXISTS (SELECT 1 FROM findings WHERE scan_id = ?1"
				"  AND exception_id IS NOT NULL)",
				c->scan_id)))
		return ATTEST_ERR_DB;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = report_db_error(c->x.store, "cannot read the findings of the scan");
		sqlite3_finalize(st);
		return rc;
	}
	any = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	if (!any)
		return ATTEST_OK;
	c->excepted = true;
	return write_test_result(c, scan);
}
