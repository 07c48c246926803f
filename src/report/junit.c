/*
 * JUnit XML of one stored scan, for CI pipelines: one testsuite per
 * framework and one testcase per control. A failing control carries a
 * <failure> listing its failing resources (the first LIST_MAX, then how many
 * more), a control whose checks broke an <error>, and a control that could
 * not be judged automatically (manual, not evaluated, not applicable, or
 * excepted) is <skipped> with the reason. Passing and attested controls are
 * plain passes. Jenkins splits a classname at its last '.' into package and
 * class, so the framework id's dots become '_' (cis-aws-3.0 -> cis-aws-3_0);
 * the suites' time is the duration of the scan, which judges every framework
 * in one pass.
 */
#include "config.h"

#include "xmlout.h"

#include <string.h>

#define LIST_MAX 100

static const char fw_sql[] =
	"SELECT f.framework, f.title, f.score, f.coverage, count(c.status),"
	" total(c.status = 'fail'), total(c.status = 'error'),"
	" total(c.status IN ('manual', 'not_evaluated', 'not_applicable', 'excepted')),"
	" (SELECT finished_at FROM scans s WHERE s.scan_id = f.scan_id),"
	" (SELECT max(0, (julianday(finished_at) - julianday(started_at)) * 86400.0) FROM scans s"
	"   WHERE s.scan_id = f.scan_id)"
	" FROM scan_frameworks f LEFT JOIN scan_controls c ON c.scan_id = f.scan_id"
	"   AND c.framework = f.framework"
	" WHERE f.scan_id = ?1 GROUP BY f.framework ORDER BY f.seq, f.framework";

static const char ctl_sql[] = "SELECT control_id, title, status FROM scan_controls"
			      " WHERE scan_id = ?1 AND framework = ?2 ORDER BY seq, control_id";

/* The findings of one status behind a control, worst first, with their total. */
static const char list_sql[] =
	"SELECT f.check_id, f.resource_type, f.resource_id, f.account, f.region, f.reason,"
	" count(*) OVER () FROM scan_control_checks m JOIN findings f"
	"   ON f.scan_id = m.scan_id AND f.check_id = m.check_id"
	" WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3 AND f.status = ?4"
	" ORDER BY f.check_id, f.account, f.region, f.resource_id, f.finding_id"
	" LIMIT "
	"100";

_Static_assert(LIST_MAX == 100, "keep list_sql's LIMIT in step");

/* Who accepted the risks of an excepted control, and who attested a control. */
static const char policy_sql[] =
	"SELECT (SELECT group_concat(t, '; ') FROM (SELECT DISTINCT e.exception_id || ' approved by '"
	"   || e.approver || ', expires ' || e.expires AS t"
	"   FROM scan_control_checks m JOIN findings f ON f.scan_id = m.scan_id"
	"     AND f.check_id = m.check_id JOIN scan_exceptions e ON e.scan_id = f.scan_id"
	"     AND e.exception_id = f.exception_id"
	"   WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3 ORDER BY 1)),"
	" (SELECT 'attested by ' || attested_by || ' on ' || attested_on || ', expires ' || expires"
	"   || ': ' || statement FROM scan_attestations a WHERE a.scan_id = ?1"
	"   AND a.framework = ?2 AND a.control_id = ?3 AND a.active)";

static const char *const suite_counts[] = {"tests", "failures", "errors", "skipped"};

static const char *
skip_reason(const char *status)
{
	if (strcmp(status, "manual") == 0)
		return "manual control: awaiting a person's attestation";
	if (strcmp(status, "not_evaluated") == 0)
		return "not evaluated: the resource types its checks read were not collected";
	if (strcmp(status, "not_applicable") == 0)
		return "not applicable: its checks found no resource to judge";
	if (strcmp(status, "excepted") == 0)
		return "excepted: its failures are covered by exceptions in force";
	return NULL;
}

/* <failure|error message type>one line per resource</failure|error> */
static int
write_problem(struct report_xml *x, sqlite3_stmt *list, const char *elem, const char *status,
	      const char *fw, const char *ctl)
{
	struct core_buf b;
	long long total = 0, shown = 0;
	int src, r = -1;

	core_buf_init(&b, 64u << 20);
	sqlite3_reset(list);
	sqlite3_bind_text(list, 2, fw, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(list, 3, ctl, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(list, 4, status, -1, SQLITE_STATIC);
	while ((src = sqlite3_step(list)) == SQLITE_ROW) {
		total = sqlite3_column_int64(list, 6);
		shown++;
		if (core_buf_printf(&b, "%s: %s %s (account %s, region %s): %s\n",
				    report_text(list, 0), report_text(list, 1),
				    report_text(list, 2), report_text(list, 3),
				    report_text(list, 4), report_text(list, 5)) != ATTEST_OK)
			goto nomem;
	}
	if (src != SQLITE_DONE) {
		report_db_error(x->store, "cannot read the findings of the scan");
		r = -2;
		goto out;
	}
	if (total > shown &&
	    core_buf_printf(&b, "... and %lld more (see the full report)\n", total - shown))
		goto nomem;
	TRY(report_xml_start(x, elem));
	if (strcmp(status, "fail") == 0)
		TRY(report_xml_attrf(x, "message", "%lld failing resource%s", total,
				     total == 1 ? "" : "s"));
	else
		TRY(report_xml_attrf(x, "message", "%lld resource%s could not be evaluated", total,
				     total == 1 ? "" : "s"));
	TRY(report_xml_attr(x, "type", status));
	TRY(report_xml_text(x, b.data ? b.data : ""));
	r = report_xml_end(x);
	goto out;
nomem:
	x->failed = true;
out:
	core_buf_release(&b);
	return r;
}

/* <property name value/>; a NULL column's value is "none". */
static int
property(struct report_xml *x, const char *name, sqlite3_stmt *st, int col)
{
	if (report_xml_start(x, "property") < 0 || report_xml_attr(x, "name", name) < 0 ||
	    report_xml_attr(x, "value",
			    sqlite3_column_type(st, col) == SQLITE_NULL ? "none"
									: report_text(st, col)) < 0)
		return -1;
	return report_xml_end(x);
}

/* The framework id as a classname Jenkins does not split: '.' -> '_'. */
static const char *
class_name(const char *fw, char *buf, size_t size)
{
	size_t i;

	snprintf(buf, size, "%s", fw);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '.')
			buf[i] = '_';
	return buf;
}

/* The exceptions or the attestation behind a control's status, into b
 * (with white space folded); "" when there is none. */
static const char *
policy_text(struct report_xml *x, sqlite3_stmt *pol, const char *fw, const char *ctl, bool excepted,
	    struct core_buf *b)
{
	const char *t = NULL;

	sqlite3_reset(pol);
	sqlite3_bind_text(pol, 2, fw, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(pol, 3, ctl, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(pol) == SQLITE_ROW)
		t = report_fold_space(b, report_text(pol, excepted ? 0 : 1));
	else
		report_db_error(x->store,
				"cannot read the exceptions and attestations of the scan");
	return t;
}

static int
write_case(struct report_xml *x, sqlite3_stmt *cs, sqlite3_stmt *list, sqlite3_stmt *pol,
	   const char *fw)
{
	const char *ctl = report_text(cs, 0), *status = report_text(cs, 2), *why, *t;
	struct core_buf b;
	char cls[256];
	int r;

	TRY(report_xml_start(x, "testcase"));
	TRY(report_xml_attr(x, "classname", class_name(fw, cls, sizeof(cls))));
	TRY(report_xml_attrf(x, "name", "%.60s %.180s", ctl, report_text(cs, 1)));
	if (strcmp(status, "fail") == 0 || strcmp(status, "error") == 0) {
		if ((r = write_problem(x, list, strcmp(status, "fail") == 0 ? "failure" : "error",
				       status, fw, ctl)) < 0)
			return r;
	} else if ((why = skip_reason(status))) {
		TRY(report_xml_start(x, "skipped"));
		TRY(report_xml_attr(x, "message", why));
		if (strcmp(status, "excepted") == 0) {
			core_buf_init(&b, 1u << 20);
			t = policy_text(x, pol, fw, ctl, true, &b);
			r = t ? report_xml_textf(x, "exceptions in force: %s", t) : -2;
			core_buf_release(&b);
			if (r < 0)
				return r;
		}
		TRY(report_xml_end(x));
	} else if (strcmp(status, "attested") == 0) {
		core_buf_init(&b, 1u << 20);
		t = policy_text(x, pol, fw, ctl, false, &b);
		r = t ? report_xml_elem(x, "system-out", t) : -2;
		core_buf_release(&b);
		if (r < 0)
			return r;
	}
	return report_xml_end(x);
out:
	return -1;
}

attest_rc
attest_report_junit(attest_store *store, const char *scan_id, FILE *out)
{
	sqlite3_stmt *fw = report_query(store, fw_sql, scan_id), *cs = NULL, *list = NULL;
	sqlite3_stmt *scan = NULL, *pol = NULL;
	struct report_xml x;
	long long tests = 0, fails = 0, errors = 0, skipped = 0;
	double duration = 0;
	attest_rc rc = ATTEST_ERR_DB;
	int src, r;
	bool open = false;

	if (!fw || !(cs = report_query(store, ctl_sql, scan_id)) ||
	    !(list = report_query(store, list_sql, scan_id)) ||
	    !(pol = report_query(store, policy_sql, scan_id)))
		goto done;
	if ((rc = report_scan_row(store, "SELECT 1 FROM scans WHERE scan_id = ?1", scan_id,
				  &scan)) != ATTEST_OK)
		goto done;
	rc = ATTEST_ERR_DB;
	/* The totals go on <testsuites>, before any suite: one pass to add up. */
	while ((src = sqlite3_step(fw)) == SQLITE_ROW) {
		duration = sqlite3_column_double(fw, 9);
		tests += sqlite3_column_int64(fw, 4);
		fails += sqlite3_column_int64(fw, 5);
		errors += sqlite3_column_int64(fw, 6);
		skipped += sqlite3_column_int64(fw, 7);
	}
	if (src != SQLITE_DONE)
		goto done;
	sqlite3_reset(fw);
	if ((rc = report_xml_open(&x, store, out, "the JUnit report")) != ATTEST_OK)
		goto done;
	open = true;
	rc = ATTEST_ERR_IO;
	TRY(report_xml_start(&x, "testsuites"));
	TRY(report_xml_attrf(&x, "name", "attest scan %s", scan_id));
	TRY(report_xml_attrf(&x, "tests", "%lld", tests));
	TRY(report_xml_attrf(&x, "failures", "%lld", fails));
	TRY(report_xml_attrf(&x, "errors", "%lld", errors));
	TRY(report_xml_attrf(&x, "skipped", "%lld", skipped));
	TRY(report_xml_attrf(&x, "time", "%.0f", duration));
	while ((src = sqlite3_step(fw)) == SQLITE_ROW) {
		const char *id = report_text(fw, 0);

		TRY(report_xml_start(&x, "testsuite"));
		TRY(report_xml_attr(&x, "name", id));
		TRY(report_xml_int_attrs(&x, fw, 4, suite_counts, 4));
		TRY(report_xml_attr(&x, "timestamp", report_text(fw, 8)));
		TRY(report_xml_attrf(&x, "time", "%.0f", sqlite3_column_double(fw, 9)));
		TRY(report_xml_start(&x, "properties"));
		TRY(property(&x, "title", fw, 1));
		TRY(property(&x, "score", fw, 2));
		TRY(property(&x, "coverage", fw, 3));
		TRY(report_xml_end(&x));
		sqlite3_reset(cs);
		sqlite3_bind_text(cs, 2, id, -1, SQLITE_TRANSIENT);
		while ((src = sqlite3_step(cs)) == SQLITE_ROW)
			if ((r = write_case(&x, cs, list, pol, id)) < 0) {
				if (r == -2)
					rc = ATTEST_ERR_DB;
				goto out;
			}
		if (src != SQLITE_DONE) {
			rc = report_db_error(store, "cannot read the controls of the scan");
			goto out;
		}
		TRY(report_xml_end(&x));
	}
	if (src != SQLITE_DONE) {
		rc = report_db_error(store, "cannot read the frameworks of the scan");
		goto out;
	}
	TRY(report_xml_end(&x));
	rc = ATTEST_OK;
out:
	rc = report_xml_close(&x, rc);
done:
	if (rc == ATTEST_ERR_DB && !open && !*attest_ctx_errmsg(store_ctx(store)))
		report_db_error(store, "cannot read the scan");
	sqlite3_finalize(scan);
	sqlite3_finalize(fw);
	sqlite3_finalize(cs);
	sqlite3_finalize(list);
	sqlite3_finalize(pol);
	return rc;
}
