/*
 * The native XML report (namespace urn:attest:report:1, schema
 * doc/report.xsd): the same content as the JSON result, for tools that
 * prefer XML. The scan, its frameworks with their controls, and the checks
 * are small; findings, which can number millions, and the collection gaps
 * are streamed one row at a time. A finding names its check, and the check
 * carries the rationale and remediation once, rather than repeating them in
 * every finding; the schema's key references guarantee that every named
 * check is present.
 */
#include "config.h"

#include "xmlout.h"

#include <string.h>

#define NS "urn:attest:report:1"

static const char scan_sql[] =
	"SELECT scan_id, started_at, finished_at, as_of, attest_version, scope, accounts,"
	" regions, sources, inventory_sha256, resource_count FROM scans WHERE scan_id = ?1";

/* Counts come from the stored controls, so every status is counted even where
 * the framework row has no column for it. */
static const char fw_sql[] =
	"SELECT f.framework, f.version, f.title, f.publisher, f.score, f.coverage, count(c.status),"
	" total(c.status = 'pass'), total(c.status = 'fail'), total(c.status = 'manual'),"
	" total(c.status = 'not_evaluated'), total(c.status = 'not_applicable'),"
	" total(c.status = 'error'), total(c.status = 'excepted'), total(c.status = 'attested'),"
	" sc.controls_passing, sc.controls_scored, sc.posture, sc.posture_controls"
	" FROM scan_frameworks f JOIN scan_framework_scores sc ON sc.scan_id = f.scan_id"
	"   AND sc.framework = f.framework"
	" LEFT JOIN scan_controls c ON c.scan_id = f.scan_id AND c.framework = f.framework"
	" WHERE f.scan_id = ?1 GROUP BY f.framework ORDER BY f.seq, f.framework";

static const char ctl_sql[] =
	"SELECT c.framework, c.control_id, c.title, c.section, c.level, c.assessment, c.status,"
	" c.description, (SELECT json_group_array(check_id) FROM (SELECT check_id"
	"   FROM scan_control_checks m WHERE m.scan_id = c.scan_id"
	"   AND m.framework = c.framework AND m.control_id = c.control_id ORDER BY check_id)),"
	" s.severity, s.pass_share, s.n_pass, s.n_fail, s.n_excepted"
	" FROM scan_controls c JOIN scan_frameworks f ON f.scan_id = c.scan_id"
	"   AND f.framework = c.framework"
	" JOIN scan_control_scores s ON s.scan_id = c.scan_id AND s.framework = c.framework"
	"   AND s.control_id = c.control_id"
	" WHERE c.scan_id = ?1 ORDER BY f.seq, c.framework, c.seq, c.control_id";

static const char chk_sql[] =
	"SELECT check_id, title, service, severity, resource_type, status, reason, n_pass,"
	" n_fail, n_error, n_not_applicable, rationale, remediation, refs FROM scan_checks"
	" WHERE scan_id = ?1 ORDER BY check_id";

static const char finding_sql[] =
	"SELECT f.check_id, f.status, c.severity, f.resource_type, f.resource_id, f.arn, f.name,"
	" f.region, f.account, f.reason, f.evidence,"
	" (SELECT json_group_array(json_array(m.framework, m.control_id)) FROM (SELECT"
	"   framework, control_id FROM scan_control_checks m WHERE m.scan_id = f.scan_id"
	"   AND m.check_id = f.check_id ORDER BY framework, control_id) m), f.exception_id"
	" FROM findings f JOIN scan_checks c ON c.scan_id = f.scan_id AND c.check_id = f.check_id"
	" WHERE f.scan_id = ?1" REPORT_FINDING_ORDER;

static const char exc_sql[] =
	"SELECT exception_id, check_id, match, justification, approver, approved, expires,"
	" active, matched FROM scan_exceptions WHERE scan_id = ?1 ORDER BY exception_id";

static const char att_sql[] =
	"SELECT framework, control_id, attested_by, attested_on, statement, evidence,"
	" evidence_href, expires, active FROM scan_attestations WHERE scan_id = ?1"
	" ORDER BY framework, control_id";

static const char *const fw_counts[] = {"total",  "pass",          "fail",
					"manual", "not-evaluated", "not-applicable",
					"error",  "excepted",      "attested"};
static const char *const chk_counts[] = {"pass", "fail", "error", "not-applicable"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Writes the attribute only when the column is not NULL. */
static int
opt_attr(struct report_xml *x, const char *name, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	return report_xml_attr(x, name, report_text(st, col));
}

static int
opt_elem(struct report_xml *x, const char *name, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL || !*report_text(st, col))
		return 0;
	return report_xml_elem(x, name, report_text(st, col));
}

/* A JSON array of strings from a column, one element each, inside list
 * (none when list is NULL). */
static int
string_list(struct report_xml *x, const char *list, const char *name, sqlite3_stmt *st, int col)
{
	json_t *arr = report_json_col(st, col), *v;
	size_t i;
	int r = list ? report_xml_start(x, list) : 0;

	json_array_foreach(arr, i, v)
	{
		if (r < 0)
			break;
		if (json_is_string(v))
			r = report_xml_elem(x, name, json_string_value(v));
	}
	json_decref(arr);
	return r < 0 || !list ? r : report_xml_end(x);
}

/* The inputs read, with their digests; the source's own description as text. */
static int
write_sources(struct report_xml *x, sqlite3_stmt *st, int col)
{
	static const char *const attrs[][2] = {
		{"path", "path"},     {"format", "format"}, {"collected_at", "collected-at"},
		{"sha256", "sha256"}, {"bytes", "bytes"},   {"resources", "resources"},
	};
	json_t *arr = report_json_col(st, col), *src, *v;
	size_t i, k;
	int r = -1;

	if (report_xml_start(x, "sources") < 0)
		goto out;
	json_array_foreach(arr, i, src)
	{
		if (report_xml_start(x, "source") < 0)
			goto out;
		for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++) {
			v = json_object_get(src, attrs[k][0]);
			if (json_is_string(v) &&
			    report_xml_attr(x, attrs[k][1], json_string_value(v)) < 0)
				goto out;
			if (json_is_integer(v) &&
			    report_xml_attrf(x, attrs[k][1], "%" JSON_INTEGER_FORMAT,
					     json_integer_value(v)) < 0)
				goto out;
		}
		v = json_object_get(src, "source");
		if (json_is_string(v) && report_xml_text(x, json_string_value(v)) < 0)
			goto out;
		if (report_xml_end(x) < 0)
			goto out;
	}
	r = report_xml_end(x);
out:
	json_decref(arr);
	return r;
}

static attest_rc
write_scan(struct report_xml *x, const char *id)
{
	sqlite3_stmt *st;
	attest_rc rc = report_scan_row(x->store, scan_sql, id, &st);

	if (rc != ATTEST_OK)
		goto out;
	TRY(report_xml_start(x, "scan"));
	TRY(report_xml_attr(x, "id", report_text(st, 0)));
	TRY(report_xml_attr(x, "started-at", report_text(st, 1)));
	TRY(report_xml_attr(x, "finished-at", report_text(st, 2)));
	TRY(report_xml_attr(x, "as-of", report_text(st, 3)));
	TRY(report_xml_attr(x, "attest-version", report_text(st, 4)));
	TRY(report_xml_attrf(x, "resource-count", "%lld", (long long)sqlite3_column_int64(st, 10)));
	TRY(report_xml_elem(x, "scope", report_text(st, 5)));
	TRY(report_xml_elem(x, "inventory-sha256", report_text(st, 9)));
	TRY(string_list(x, "accounts", "account", st, 6));
	TRY(string_list(x, "regions", "region", st, 7));
	TRY(write_sources(x, st, 8));
	TRY(report_xml_end(x));
out:
	sqlite3_finalize(st);
	return rc;
}

static int
write_control(struct report_xml *x, sqlite3_stmt *cs)
{
	TRY(report_xml_start(x, "control"));
	TRY(report_xml_attr(x, "id", report_text(cs, 1)));
	TRY(report_xml_attr(x, "status", report_text(cs, 6)));
	TRY(opt_attr(x, "level", cs, 4));
	TRY(opt_attr(x, "assessment", cs, 5));
	TRY(opt_attr(x, "severity", cs, 9));
	if (sqlite3_column_type(cs, 10) != SQLITE_NULL)
		TRY(report_xml_attrf(x, "pass-share", "%.1f", sqlite3_column_double(cs, 10)));
	TRY(report_xml_attrf(x, "results-pass", "%d", sqlite3_column_int(cs, 11)));
	TRY(report_xml_attrf(x, "results-fail", "%d", sqlite3_column_int(cs, 12)));
	TRY(report_xml_attrf(x, "results-excepted", "%d", sqlite3_column_int(cs, 13)));
	TRY(report_xml_elem(x, "title", report_text(cs, 2)));
	TRY(opt_elem(x, "section", cs, 3));
	TRY(opt_elem(x, "description", cs, 7));
	TRY(string_list(x, NULL, "check", cs, 8));
	return report_xml_end(x);
out:
	return -1;
}

static attest_rc
write_frameworks(struct report_xml *x, const char *id)
{
	sqlite3_stmt *st = report_query(x->store, fw_sql, id), *cs = NULL;
	attest_rc rc = ATTEST_ERR_DB;
	bool have_ctl;
	int src;

	if (!st || !(cs = report_query(x->store, ctl_sql, id)))
		goto out;
	have_ctl = sqlite3_step(cs) == SQLITE_ROW;
	TRY(report_xml_start(x, "frameworks"));
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		TRY(report_xml_start(x, "framework"));
		TRY(report_xml_attr(x, "id", report_text(st, 0)));
		TRY(report_xml_attr(x, "version", report_text(st, 1)));
		TRY(report_xml_attrf(x, "controls-passing", "%d", sqlite3_column_int(st, 15)));
		TRY(report_xml_attrf(x, "controls-scored", "%d", sqlite3_column_int(st, 16)));
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			TRY(report_xml_attrf(x, "score", "%.1f", sqlite3_column_double(st, 4)));
		if (sqlite3_column_type(st, 17) != SQLITE_NULL)
			TRY(report_xml_attrf(x, "posture", "%.1f", sqlite3_column_double(st, 17)));
		TRY(report_xml_attrf(x, "posture-controls", "%d", sqlite3_column_int(st, 18)));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			TRY(report_xml_attrf(x, "coverage", "%.1f", sqlite3_column_double(st, 5)));
		TRY(report_xml_elem(x, "title", report_text(st, 2)));
		TRY(opt_elem(x, "publisher", st, 3));
		TRY(report_xml_start(x, "counts"));
		TRY(report_xml_int_attrs(x, st, 6, fw_counts, N_OF(fw_counts)));
		TRY(report_xml_end(x));
		TRY(report_xml_start(x, "controls"));
		/* Controls come in the same framework order as the frameworks. */
		while (have_ctl && strcmp(report_text(cs, 0), report_text(st, 0)) == 0) {
			TRY(write_control(x, cs));
			have_ctl = sqlite3_step(cs) == SQLITE_ROW;
		}
		TRY(report_xml_end(x));
		TRY(report_xml_end(x));
	}
	if (src != SQLITE_DONE)
		goto out;
	TRY(report_xml_end(x));
	rc = ATTEST_OK;
out:
	rc = report_xml_result(x, rc, "cannot read the frameworks of the scan");
	sqlite3_finalize(st);
	sqlite3_finalize(cs);
	return rc;
}

/* The remediation object ({steps, cli, terraform, ...}) as elements. */
static int
write_remediation(struct report_xml *x, sqlite3_stmt *st, int col)
{
	static const char *const keys[] = {"steps", "cli", "terraform"};
	json_t *rem = report_json_col(st, col), *v;
	const char *key;
	size_t i;
	int r = -1;

	if (!json_is_object(rem) || json_object_size(rem) == 0) {
		r = 0;
		goto out;
	}
	if (report_xml_start(x, "remediation") < 0)
		goto out;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_is_string(v = json_object_get(rem, keys[i])) &&
		    report_xml_elem(x, keys[i], json_string_value(v)) < 0)
			goto out;
	/* Anything else a check author added, kept by name. */
	json_object_foreach(rem, key, v)
	{
		if (strcmp(key, "steps") && strcmp(key, "cli") && strcmp(key, "terraform") &&
		    json_is_string(v)) {
			if (report_xml_start(x, "other") < 0 ||
			    report_xml_attr(x, "name", key) < 0 ||
			    report_xml_text(x, json_string_value(v)) < 0 || report_xml_end(x) < 0)
				goto out;
		}
	}
	r = report_xml_end(x);
out:
	json_decref(rem);
	return r;
}

static int
write_check(struct report_xml *x, sqlite3_stmt *st)
{
	json_t *refs = NULL;
	int r = -1;

	TRY(report_xml_start(x, "check"));
	TRY(report_xml_attr(x, "id", report_text(st, 0)));
	TRY(report_xml_attr(x, "status", report_text(st, 5)));
	TRY(report_xml_attr(x, "severity", report_text(st, 3)));
	TRY(report_xml_attr(x, "service", report_text(st, 2)));
	TRY(report_xml_attr(x, "resource-type", report_text(st, 4)));
	TRY(report_xml_elem(x, "title", report_text(st, 1)));
	TRY(opt_elem(x, "reason", st, 6));
	TRY(report_xml_start(x, "counts"));
	TRY(report_xml_int_attrs(x, st, 7, chk_counts, N_OF(chk_counts)));
	TRY(report_xml_end(x));
	TRY(opt_elem(x, "rationale", st, 11));
	TRY(write_remediation(x, st, 12));
	refs = report_json_col(st, 13);
	TRY(report_xml_references(x, refs));
	r = report_xml_end(x);
out:
	json_decref(refs);
	return r;
}

static int
write_finding(struct report_xml *x, sqlite3_stmt *st)
{
	json_t *ctls = NULL, *pair;
	size_t i;
	int r = -1;

	TRY(report_xml_start(x, "finding"));
	TRY(report_xml_attr(x, "check", report_text(st, 0)));
	TRY(report_xml_attr(x, "status", report_text(st, 1)));
	TRY(report_xml_attr(x, "severity", report_text(st, 2)));
	TRY(opt_attr(x, "exception", st, 12));
	TRY(report_xml_start(x, "resource"));
	TRY(report_xml_attr(x, "type", report_text(st, 3)));
	TRY(report_xml_attr(x, "id", report_text(st, 4)));
	TRY(opt_attr(x, "arn", st, 5));
	TRY(opt_attr(x, "name", st, 6));
	TRY(opt_attr(x, "region", st, 7));
	TRY(opt_attr(x, "account", st, 8));
	TRY(report_xml_end(x));
	ctls = report_json_col(st, 11);
	json_array_foreach(ctls, i, pair)
	{
		TRY(report_xml_start(x, "control"));
		TRY(report_xml_attr(x, "framework", json_string_value(json_array_get(pair, 0))));
		TRY(report_xml_attr(x, "id", json_string_value(json_array_get(pair, 1))));
		TRY(report_xml_end(x));
	}
	TRY(report_xml_elem(x, "reason", report_text(st, 9)));
	if (sqlite3_column_type(st, 10) != SQLITE_NULL) {
		TRY(report_xml_start(x, "evidence"));
		TRY(report_xml_attr(x, "media-type", "application/json"));
		TRY(report_xml_text(x, report_text(st, 10)));
		TRY(report_xml_end(x));
	}
	r = report_xml_end(x);
out:
	json_decref(ctls);
	return r;
}

/* One failed call of the collection, with the resource types it withheld. */
static int
write_gap(struct report_xml *x, sqlite3_stmt *st)
{
	TRY(report_xml_start(x, "gap"));
	TRY(opt_attr(x, "account", st, 1));
	TRY(report_xml_attr(x, "region", report_text(st, 2)));
	TRY(report_xml_attr(x, "service", report_text(st, 3)));
	TRY(report_xml_attr(x, "operation", report_text(st, 4)));
	TRY(report_xml_attr(x, "error-code", report_text(st, 5)));
	TRY(report_xml_elem(x, "message", report_text(st, 6)));
	TRY(string_list(x, NULL, "withheld-type", st, 7));
	return report_xml_end(x);
out:
	return -1;
}

/* Text a person wrote in an indented XML file, white space folded. */
static int
folded_text(struct report_xml *x, const char *text)
{
	struct core_buf b;
	const char *t;
	int r;

	core_buf_init(&b, 64u << 20);
	t = report_fold_space(&b, text);
	if (!t)
		x->failed = true;
	r = t ? report_xml_text(x, t) : -1;
	core_buf_release(&b);
	return r;
}

static int
folded_elem(struct report_xml *x, const char *name, const char *text)
{
	if (report_xml_start(x, name) < 0 || folded_text(x, text) < 0)
		return -1;
	return report_xml_end(x);
}

static int
write_exception(struct report_xml *x, sqlite3_stmt *st)
{
	TRY(report_xml_start(x, "exception"));
	TRY(report_xml_attr(x, "id", report_text(st, 0)));
	TRY(report_xml_attr(x, "check", report_text(st, 1)));
	TRY(opt_attr(x, "approved", st, 5));
	TRY(report_xml_attr(x, "expires", report_text(st, 6)));
	TRY(report_xml_attr(x, "in-force", sqlite3_column_int(st, 7) ? "true" : "false"));
	TRY(report_xml_attr(x, "matched", report_text(st, 8)));
	TRY(report_xml_start(x, "match"));
	TRY(report_xml_attr(x, "media-type", "application/json"));
	TRY(report_xml_text(x, report_text(st, 2)));
	TRY(report_xml_end(x));
	TRY(folded_elem(x, "justification", report_text(st, 3)));
	TRY(report_xml_elem(x, "approver", report_text(st, 4)));
	return report_xml_end(x);
out:
	return -1;
}

static int
write_attestation(struct report_xml *x, sqlite3_stmt *st)
{
	TRY(report_xml_start(x, "attestation"));
	TRY(report_xml_attr(x, "framework", report_text(st, 0)));
	TRY(report_xml_attr(x, "control", report_text(st, 1)));
	TRY(report_xml_attr(x, "attested-by", report_text(st, 2)));
	TRY(report_xml_attr(x, "date", report_text(st, 3)));
	TRY(report_xml_attr(x, "expires", report_text(st, 7)));
	TRY(report_xml_attr(x, "in-force", sqlite3_column_int(st, 8) ? "true" : "false"));
	TRY(folded_elem(x, "statement", report_text(st, 4)));
	if (sqlite3_column_type(st, 5) != SQLITE_NULL ||
	    sqlite3_column_type(st, 6) != SQLITE_NULL) {
		TRY(report_xml_start(x, "evidence"));
		TRY(opt_attr(x, "href", st, 6));
		TRY(folded_text(x, report_text(st, 5)));
		TRY(report_xml_end(x));
	}
	return report_xml_end(x);
out:
	return -1;
}

/* <list> with one element per row of sql, written by row(); what is the
 * message of a failed read. */
static attest_rc
write_list(struct report_xml *x, const char *id, const char *sql, const char *list,
	   int (*row)(struct report_xml *x, sqlite3_stmt *st), const char *what)
{
	sqlite3_stmt *st = report_query(x->store, sql, id);
	attest_rc rc = ATTEST_ERR_DB;
	int src;

	if (!st)
		return rc;
	TRY(report_xml_start(x, list));
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		TRY(row(x, st));
	if (src != SQLITE_DONE)
		goto out;
	TRY(report_xml_end(x));
	rc = ATTEST_OK;
out:
	rc = report_xml_result(x, rc, what);
	sqlite3_finalize(st);
	return rc;
}

/* The formulas the scores of this report were computed with. */
static attest_rc
write_scoring(struct report_xml *x)
{
	size_t i;

	TRY(report_xml_start(x, "scoring"));
	for (i = 0; i < N_OF(report_formulas); i++) {
		TRY(report_xml_start(x, "formula"));
		TRY(report_xml_attr(x, "name", report_formulas[i].name));
		TRY(report_xml_text(x, report_formulas[i].text));
		TRY(report_xml_end(x));
	}
	TRY(report_xml_end(x));
	return ATTEST_OK;
out:
	return report_xml_result(x, ATTEST_ERR_IO, "cannot write the scoring formulas");
}

attest_rc
attest_report_xml(attest_store *store, const char *scan_id, FILE *out)
{
	struct report_xml x;
	attest_rc rc;

	if ((rc = report_xml_open(&x, store, out, "the XML report")) != ATTEST_OK)
		return rc;
	rc = ATTEST_ERR_IO;
	TRY(report_xml_start_ns(&x, "report", NS));
	TRY(report_xml_attr(&x, "format-version", "1"));
	if ((rc = write_scan(&x, scan_id)) != ATTEST_OK || (rc = write_scoring(&x)) != ATTEST_OK ||
	    (rc = write_frameworks(&x, scan_id)) != ATTEST_OK ||
	    (rc = write_list(&x, scan_id, chk_sql, "checks", write_check,
			     "cannot read the checks of the scan")) != ATTEST_OK ||
	    (rc = write_list(&x, scan_id, REPORT_GAPS_SQL, "collection-gaps", write_gap,
			     "cannot read the collection gaps of the scan")) != ATTEST_OK ||
	    (rc = write_list(&x, scan_id, exc_sql, "exceptions", write_exception,
			     "cannot read the exceptions of the scan")) != ATTEST_OK ||
	    (rc = write_list(&x, scan_id, att_sql, "attestations", write_attestation,
			     "cannot read the attestations of the scan")) != ATTEST_OK ||
	    (rc = write_list(&x, scan_id, finding_sql, "findings", write_finding,
			     "cannot read the findings of the scan")) != ATTEST_OK)
		goto out;
	rc = report_xml_end(&x) < 0 ? ATTEST_ERR_IO : ATTEST_OK;
out:
	return report_xml_close(&x, rc);
}
