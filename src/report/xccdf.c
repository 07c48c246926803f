/*
 * XCCDF 1.2 of one stored scan: a Benchmark with one Rule per check (title,
 * rationale, the framework controls as idents, remediation as fixtext and a
 * shell fix, a check reference) and one Rule per attested manual control,
 * then a TestResult with one rule-result per check result: per judged
 * resource (instances naming it, messages with the reason and the evidence),
 * or one for a check that judged nothing; an excepted finding carries an
 * <override> with the exception's approver and justification; an attested
 * control's rule-result names the person who attested it. Valid against the
 * XCCDF 1.2 schema and free of `oscap xccdf validate` warnings. XCCDF ids
 * read xccdf_<namespace>_<type>_<name>; ours use the namespace "attest",
 * check ids (already NCNames) and control tokens (report_control_token).
 */
#include "config.h"

#include "xccdf_int.h"

#include <string.h>

static const char scan_sql[] =
	"SELECT scan_id, started_at, finished_at, as_of, attest_version, accounts,"
	" inventory_sha256, (SELECT group_concat(value ->> 'collected_by', ', ')"
	"   FROM json_each(sources) WHERE value ->> 'collected_by' IS NOT NULL)"
	" FROM scans WHERE scan_id = ?1";

static const char chk_sql[] =
	"SELECT check_id, title, severity, rationale, remediation, refs FROM scan_checks"
	" WHERE scan_id = ?1 ORDER BY check_id";

static const char scores_note[] =
	"Scores. The first score of the TestResult (system urn:xccdf:scoring:flat-unweighted) is "
	"XCCDF's own flat unweighted score, computed over the rule-results of this document: one "
	"point for each rule-result that passed, out of the rule-results that passed, failed or "
	"erred. It counts resources: a check failing on 40 buckets loses 40 points. Excepted "
	"findings (informational, with an override), not applicable and not checked results count "
	"in neither. The scores with system urn:attest:scoring:FRAMEWORK are attest's "
	"controls fully passing (doc/scoring.md), the share of the framework's judged controls "
	"whose checks all passed on every resource: it counts controls, not resources, and one "
	"failing resource fails its control. The scores with system "
	"urn:attest:scoring:FRAMEWORK:posture are attest's posture, the mean of the controls' "
	"pass shares weighted by severity: it moves with every resource fixed. Both, with the "
	"framework's coverage, are in the target facts. The formulas: " REPORT_FORMULA_SCORE
	"; " REPORT_FORMULA_POSTURE "; " REPORT_FORMULA_COVERAGE ". "
	"Findings under an exception in force are in a TestResult of their own (id ending in "
	"_exceptions), each with an override naming the approver: OpenSCAP's checker requires "
	"every rule-result of a TestResult to carry an override once one does.";

static const char ident_sql[] =
	"SELECT DISTINCT framework, control_id FROM scan_control_checks"
	" WHERE scan_id = ?1 AND check_id = ?2 ORDER BY framework, control_id";

/* XCCDF severities are unknown, info, low, medium and high. */
const char *
xccdf_severity(const char *s)
{
	if (strcmp(s, "critical") == 0 || strcmp(s, "high") == 0)
		return "high";
	if (strcmp(s, "medium") == 0 || strcmp(s, "low") == 0)
		return s;
	if (strcmp(s, "informational") == 0)
		return "info";
	return "unknown";
}

const char *
xccdf_result(const char *status)
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

/* Counts a rule-result in XCCDF's flat model: pass, fail, error and unknown
 * are scored, the other results are not. */
void
xccdf_flat_count(struct xccdf *c, const char *res)
{
	if (strcmp(res, "pass") == 0)
		c->flat_pass++;
	if (strcmp(res, "pass") == 0 || strcmp(res, "fail") == 0 || strcmp(res, "error") == 0 ||
	    strcmp(res, "unknown") == 0)
		c->flat_max++;
}

/* The id of an attested control's Rule; NULL after marking the writer failed. */
const char *
xccdf_control_rule_id(struct xccdf *c, const char *fw, const char *ctl)
{
	const char *id = report_control_token(&c->tok, fw, ctl);

	if (!id)
		c->x.failed = true;
	return id;
}

/* Text a person wrote, with its white space folded. */
int
xccdf_fold(struct xccdf *c, const char *text)
{
	const char *t = report_fold_space(&c->fold, text);

	if (!t) {
		c->x.failed = true;
		return -1;
	}
	return report_xml_text(&c->x, t);
}

/* <check system><check-content-ref href name/></check> */
int
xccdf_check_ref(struct report_xml *x, const char *system, const char *href, const char *name)
{
	TRY(report_xml_start(x, "check"));
	TRY(report_xml_attr(x, "system", system));
	TRY(report_xml_start(x, "check-content-ref"));
	TRY(report_xml_attr(x, "href", href));
	TRY(report_xml_attr(x, "name", name));
	TRY(report_xml_end(x));
	return report_xml_end(x);
out:
	return -1;
}

int
xccdf_message(struct report_xml *x, const char *sev, const char *prefix, const char *text)
{
	TRY(report_xml_start(x, "message"));
	TRY(report_xml_attr(x, "severity", sev));
	if (prefix)
		TRY(report_xml_text(x, prefix));
	TRY(report_xml_text(x, text));
	return report_xml_end(x);
out:
	return -1;
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
	TRY(report_xml_attrf(x, "id", ID_PREFIX "rule_%s", report_text(st, 0)));
	TRY(report_xml_attr(x, "selected", "true"));
	TRY(report_xml_attr(x, "severity", xccdf_severity(report_text(st, 2))));
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
	TRY(xccdf_check_ref(x, "urn:attest:check:sql", "urn:attest:checks", report_text(st, 0)));
	r = report_xml_end(x);
out:
	json_decref(rem);
	json_decref(refs);
	return r;
}

/* A manual control a person attested: a Rule checked by that attestation. */
static int
write_attested_rule(struct xccdf *c, sqlite3_stmt *st)
{
	struct report_xml *x = &c->x;
	const char *id = xccdf_control_rule_id(c, report_text(st, 0), report_text(st, 1));

	if (!id)
		return -1;
	TRY(report_xml_start(x, "Rule"));
	TRY(report_xml_attrf(x, "id", ID_PREFIX "rule_control_%s", id));
	TRY(report_xml_attr(x, "selected", "true"));
	TRY(report_xml_start(x, "title"));
	TRY(report_xml_textf(x, "%s %s: %s", report_text(st, 0), report_text(st, 1),
			     report_text(st, 2)));
	TRY(report_xml_end(x));
	TRY(report_xml_elem(x, "description",
			    "A manual control: no check judges it from configuration; a person's "
			    "attestation does (doc/exceptions-and-attestations.md)."));
	TRY(report_xml_start(x, "ident"));
	TRY(report_xml_attrf(x, "system", "urn:attest:framework:%s", report_text(st, 0)));
	TRY(report_xml_text(x, report_text(st, 1)));
	TRY(report_xml_end(x));
	TRY(xccdf_check_ref(x, "urn:attest:attestation", "urn:attest:attestations", id));
	return report_xml_end(x);
out:
	return -1;
}

/* Runs row() over every row of sql (?1 the scan id, ?2 when the query has it
 * whether the TestResult is of the excepted findings). */
struct each {
	struct xccdf *c;
	int (*row)(struct xccdf *c, sqlite3_stmt *st);
};

static int
each(void *data, sqlite3_stmt *st)
{
	struct each *e = data;

	return e->row(e->c, st);
}

attest_rc
xccdf_each_row(struct xccdf *c, const char *sql, int (*row)(struct xccdf *c, sqlite3_stmt *st),
	       const char *what)
{
	sqlite3_stmt *st = report_query(c->x.store, sql, c->scan_id);
	struct each e = {c, row};

	if (st && sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int(st, 2, !c->excepted);
	return report_xml_each_row(&c->x, st, each, &e, what);
}

static attest_rc
write_benchmark_rules(struct xccdf *c)
{
	struct report_xml *x = &c->x;
	sqlite3_stmt *st = report_query(x->store, chk_sql, c->scan_id), *ids = NULL;
	attest_rc rc = ATTEST_ERR_DB;
	int src, r;

	if (!st || !(ids = report_query(x->store, ident_sql, c->scan_id)))
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = write_rule(x, st, ids)) < 0)
			goto out;
	if (src == SQLITE_DONE)
		rc = ATTEST_OK;
out:
	if (rc != ATTEST_OK && !x->failed && !*attest_ctx_errmsg(store_ctx(x->store)))
		report_db_error(x->store, "cannot read the checks of the scan");
	sqlite3_finalize(st);
	sqlite3_finalize(ids);
	if (x->failed)
		return ATTEST_ERR_IO;
	return rc != ATTEST_OK ? rc
			       : xccdf_each_row(c, REPORT_ATTESTED_SQL, write_attested_rule,
						"cannot read the attestations of the scan");
}

static int
write_head(struct xccdf *c, sqlite3_stmt *scan)
{
	struct report_xml *x = &c->x;

	TRY(report_xml_start_ns(x, "Benchmark", XCCDF_NS));
	TRY(report_xml_attr(x, "id", ID_PREFIX "benchmark_checks"));
	TRY(report_xml_attr(x, "resolved", "true"));
	TRY(report_xml_elem(x, "status", "accepted"));
	TRY(report_xml_elem(x, "title", "attest checks"));
	TRY(report_xml_start(x, "description"));
	TRY(report_xml_text(x, "The checks attest evaluated in this scan, one rule each; the "
			       "framework controls each check supports are its idents. Manual "
			       "controls a person attested are rules of their own. "));
	TRY(report_xml_text(x, scores_note));
	TRY(report_xml_end(x));
	TRY(report_xml_start(x, "platform"));
	TRY(report_xml_attr(x, "idref", PLATFORM_CPE));
	TRY(report_xml_end(x));
	TRY(report_xml_elem(x, "version", report_text(scan, 4)));
	TRY(report_xml_start(x, "metadata"));
	TRY(xmlTextWriterStartElementNS(x->w, BAD_CAST "dc", BAD_CAST "creator", BAD_CAST DC_NS));
	TRY(report_xml_text(x, "attest"));
	TRY(report_xml_end(x));
	TRY(xmlTextWriterStartElementNS(x->w, BAD_CAST "dc", BAD_CAST "source", BAD_CAST DC_NS));
	TRY(report_xml_textf(x, "attest scan %s", c->scan_id));
	TRY(report_xml_end(x));
	TRY(report_xml_end(x));
	TRY(report_xml_start(x, "model"));
	TRY(report_xml_attr(x, "system", "urn:xccdf:scoring:flat-unweighted"));
	return report_xml_end(x);
out:
	x->failed = true;
	return -1;
}

attest_rc
attest_report_xccdf(attest_store *store, const char *scan_id, FILE *out)
{
	struct xccdf c;
	sqlite3_stmt *scan;
	attest_rc rc = report_scan_row(store, scan_sql, scan_id, &scan);

	memset(&c, 0, sizeof(c));
	core_buf_init(&c.tok, 1u << 20);
	core_buf_init(&c.fold, 64u << 20);
	if (rc != ATTEST_OK)
		goto done;
	c.scan_id = scan_id;
	c.time = report_text(scan, 3);
	if ((rc = report_xml_open(&c.x, store, out, "the XCCDF report")) != ATTEST_OK)
		goto done;
	rc = ATTEST_ERR_IO;
	if (write_head(&c, scan) < 0)
		goto out;
	if ((rc = write_benchmark_rules(&c)) != ATTEST_OK ||
	    (rc = xccdf_write_test_results(&c, scan)) != ATTEST_OK)
		goto out;
	rc = report_xml_end(&c.x) < 0 ? ATTEST_ERR_IO : ATTEST_OK;
out:
	rc = report_xml_close(&c.x, rc);
done:
	sqlite3_finalize(scan);
	core_buf_release(&c.tok);
	core_buf_release(&c.fold);
	return rc;
}
