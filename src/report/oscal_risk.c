/*
 * The risks of the OSCAL result. One per failing check: its failing
 * resources are the subjects of the check's assessment task in the risk's
 * origin, its remediation is a recommended response, its failing findings
 * are the related observations, and an exception of the check that lapsed
 * is an entry of its log. One per exception in force: an accepted risk
 * (status deviation-approved) whose origin is the approver, logged from the
 * approval to the expiry, related to the findings it excepted.
 */
#include "config.h"

#include "oscal_int.h"

#include <string.h>

/* 0 check, 1 title, 2 severity, 3 rationale, 4 remediation, 5 failures. */
static const char risk_sql[] =
	"SELECT check_id, title, severity, rationale, remediation, n_fail FROM scan_checks"
	" WHERE scan_id = ?1 AND n_fail > 0 ORDER BY check_id";

/* The findings behind a risk: those of a check (?2) with a status (?3), or
 * those an exception (?2) excepted (?3 'excepted'). 0 finding id, then type,
 * account, region, id, arn, name. The first reads the check's index. */
static const char members_sql[] =
	"SELECT finding_id, resource_type, account, region, resource_id, arn, name FROM findings"
	" WHERE scan_id = ?1 AND check_id = ?2 AND status = ?3 ORDER BY finding_id";
static const char excepted_sql[] =
	"SELECT f.finding_id, f.resource_type, f.account, f.region, f.resource_id, f.arn, f.name"
	" FROM scan_exceptions e JOIN findings f ON f.scan_id = e.scan_id"
	"   AND f.check_id = e.check_id AND f.status = ?3 AND f.exception_id = e.exception_id"
	" WHERE e.scan_id = ?1 AND e.exception_id = ?2 ORDER BY f.finding_id";

/* 0 id, 1 check, 2 check title, 3 justification, 4 approver, 5 approved,
 * 6 expires, 7 matched, 8 active. ?2: a check (its lapsed exceptions) or
 * NULL (every exception in force). */
static const char exc_sql[] =
	"SELECT e.exception_id, e.check_id, c.title, e.justification, e.approver, e.approved,"
	" e.expires, e.matched, e.active FROM scan_exceptions e LEFT JOIN scan_checks c"
	"   ON c.scan_id = e.scan_id AND c.check_id = e.check_id"
	" WHERE e.scan_id = ?1 AND (?2 IS NULL AND e.active OR e.check_id = ?2 AND NOT e.active)"
	" ORDER BY e.exception_id";

struct risks {
	struct oscal *o;
	sqlite3_stmt *failing, *excepted, *exc;
	sqlite3_stmt *members; /* the one bind_members chose */
};

/* The failing findings of a check, or (check NULL) those exception key excepted. */
static void
bind_members(struct risks *r, const char *check, const char *key)
{
	r->members = check ? r->failing : r->excepted;
	sqlite3_reset(r->members);
	sqlite3_bind_text(r->members, 2, check ? check : key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(r->members, 3, check ? key : "excepted", -1, SQLITE_STATIC);
}

/* <origin>: the actors, then the check's task with the members as subjects. */
static int
write_origin(struct risks *r, const char *check, const char *key, const char *approver)
{
	struct oscal *o = r->o;
	const char *rk;
	bool first = true;
	int src;

	TRY(report_xml_start(&o->x, "origin"));
	TRY(report_xml_start(&o->x, "actor"));
	TRY(report_xml_attr(&o->x, "type", "tool"));
	TRY(oscal_uuid_attr(o, "actor-uuid", OSCAL_TOOL, ""));
	TRY(report_xml_end(&o->x));
	if (approver) {
		TRY(report_xml_start(&o->x, "actor"));
		TRY(report_xml_attr(&o->x, "type", "party"));
		TRY(oscal_uuid_attr(o, "actor-uuid", OSCAL_PARTY, approver));
		TRY(report_xml_attr(&o->x, "role-id", "approver"));
		TRY(report_xml_end(&o->x));
	}
	bind_members(r, approver ? NULL : check, key);
	while ((src = sqlite3_step(r->members)) == SQLITE_ROW) {
		if (first) {
			TRY(report_xml_start(&o->x, "related-task"));
			TRY(oscal_uuid_attr(o, "task-uuid", OSCAL_TASK, check));
			TRY(report_xml_start(&o->x, "subject"));
			TRY(report_xml_attr(&o->x, "type", "inventory-item"));
			first = false;
		}
		if (!(rk = oscal_resource_key(
			      o, report_text(r->members, 1), report_text(r->members, 2),
			      report_text(r->members, 3), report_text(r->members, 4))))
			goto out;
		TRY(report_xml_start(&o->x, "include-subject"));
		TRY(oscal_uuid_attr(o, "subject-uuid", OSCAL_RESOURCE, rk));
		TRY(report_xml_attr(&o->x, "type", "inventory-item"));
		TRY(report_xml_end(&o->x));
	}
	if (src != SQLITE_DONE)
		return -2;
	if (!first) {
		TRY(report_xml_end(&o->x));
		TRY(report_xml_end(&o->x));
	}
	return report_xml_end(&o->x);
out:
	return -1;
}

static int
related_observations(struct risks *r, const char *check, const char *key)
{
	int src;

	bind_members(r, check, key);
	while ((src = sqlite3_step(r->members)) == SQLITE_ROW) {
		TRY(report_xml_start(&r->o->x, "related-observation"));
		TRY(oscal_uuid_attr(r->o, "observation-uuid", OSCAL_OBS,
				    report_text(r->members, 0)));
		TRY(report_xml_end(&r->o->x));
	}
	return src == SQLITE_DONE ? 0 : -2;
out:
	return -1;
}

/* The recommended response: the check's remediation steps and fixes. */
static int
write_response(struct risks *r, sqlite3_stmt *st)
{
	struct oscal *o = r->o;
	json_t *rem = report_json_col(st, 4);
	const json_t *v;
	int res = -1;

	TRY(report_xml_start(&o->x, "response"));
	TRY(oscal_uuid_attr(o, "uuid", "response", report_text(st, 0)));
	TRY(report_xml_attr(&o->x, "lifecycle", "recommendation"));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "Remediate: %s", report_text(st, 1)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_start(&o->x, "description"));
	v = json_object_get(rem, "steps");
	TRY(report_xml_elem(&o->x, "p",
			    json_is_string(v) ? json_string_value(v)
					      : "The check records no remediation steps."));
	if (json_is_string(v = json_object_get(rem, "cli"))) {
		TRY(report_xml_elem(&o->x, "p", "With the AWS CLI:"));
		TRY(report_xml_elem(&o->x, "pre", json_string_value(v)));
	}
	if (json_is_string(v = json_object_get(rem, "terraform"))) {
		TRY(report_xml_elem(&o->x, "p", "With Terraform:"));
		TRY(report_xml_elem(&o->x, "pre", json_string_value(v)));
	}
	TRY(report_xml_end(&o->x));
	TRY(oscal_origin_tool(o));
	res = report_xml_end(&o->x);
out:
	json_decref(rem);
	return res;
}

/* A risk-log entry for an exception: its approval and validity. */
static int
log_entry(struct risks *r, sqlite3_stmt *e, bool lapsed)
{
	struct oscal *o = r->o;
	char start[40], end[40];

	TRY(report_xml_start(&o->x, "entry"));
	TRY(oscal_uuid_attr(o, "uuid", "exception-log", report_text(e, 0)));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, lapsed ? "Exception %s lapsed" : "Exception %s approved",
			     report_text(e, 0)));
	TRY(report_xml_end(&o->x));
	TRY(oscal_para(o, "description", report_text(e, 3)));
	TRY(report_xml_elem(
		&o->x, "start",
		report_xml_datetime(*report_text(e, 5) ? report_text(e, 5) : o->as_of, start)));
	TRY(report_xml_elem(&o->x, "end", report_xml_datetime(report_text(e, 6), end)));
	TRY(oscal_prop(o, "exception-id", report_text(e, 0)));
	TRY(report_xml_start(&o->x, "logged-by"));
	TRY(oscal_uuid_attr(o, "party-uuid", OSCAL_PARTY, report_text(e, 4)));
	TRY(report_xml_attr(&o->x, "role-id", "approver"));
	TRY(report_xml_end(&o->x));
	if (!lapsed)
		TRY(report_xml_elem(&o->x, "status-change", "deviation-approved"));
	else
		TRY(oscal_para(o, "remarks",
			       "The exception lapsed on its expiry date: the "
			       "findings it matched count as failures again."));
	return report_xml_end(&o->x);
out:
	return -1;
}

static int
write_check_risk(struct risks *r, sqlite3_stmt *st)
{
	struct oscal *o = r->o;
	const char *check = report_text(st, 0);
	bool any = false;
	int src, res;

	TRY(report_xml_start(&o->x, "risk"));
	TRY(oscal_uuid_attr(o, "uuid", OSCAL_RISK, check));
	TRY(report_xml_elem(&o->x, "title", report_text(st, 1)));
	TRY(oscal_para(o, "description",
		       *report_text(st, 3) ? report_text(st, 3) : report_text(st, 1)));
	TRY(report_xml_start(&o->x, "statement"));
	TRY(report_xml_start(&o->x, "p"));
	TRY(report_xml_textf(&o->x,
			     "%d resource%s fail%s the check %s (severity %s); each failure "
			     "is an observation related to this risk.",
			     sqlite3_column_int(st, 5), sqlite3_column_int(st, 5) == 1 ? "" : "s",
			     sqlite3_column_int(st, 5) == 1 ? "s" : "", check, report_text(st, 2)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	TRY(oscal_prop(o, "kind", "failing-check"));
	TRY(oscal_prop(o, "check", check));
	TRY(oscal_prop(o, "severity", report_text(st, 2)));
	TRY(oscal_prop(o, "failing-resources", report_text(st, 5)));
	TRY(report_xml_elem(&o->x, "status", "open"));
	if ((res = write_origin(r, check, "fail", NULL)) < 0)
		return res;
	TRY(write_response(r, st));
	sqlite3_reset(r->exc);
	sqlite3_bind_text(r->exc, 2, check, -1, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(r->exc)) == SQLITE_ROW) {
		if (!any)
			TRY(report_xml_start(&o->x, "risk-log"));
		any = true;
		TRY(log_entry(r, r->exc, true));
	}
	if (src != SQLITE_DONE)
		return -2;
	if (any)
		TRY(report_xml_end(&o->x));
	if ((res = related_observations(r, check, "fail")) < 0)
		return res;
	return report_xml_end(&o->x);
out:
	return -1;
}

static int
write_exception_risk(struct risks *r, sqlite3_stmt *e)
{
	struct oscal *o = r->o;
	const char *id = report_text(e, 0);
	int res;

	TRY(report_xml_start(&o->x, "risk"));
	TRY(oscal_uuid_attr(o, "uuid", OSCAL_EXC_RISK, id));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "Accepted risk %s: %s", id,
			     *report_text(e, 2) ? report_text(e, 2) : report_text(e, 1)));
	TRY(report_xml_end(&o->x));
	TRY(oscal_para(o, "description", report_text(e, 3)));
	TRY(report_xml_start(&o->x, "statement"));
	TRY(report_xml_start(&o->x, "p"));
	TRY(report_xml_textf(&o->x,
			     "Exception %s, approved by %s and in force until %s, turns the "
			     "failures of check %s it matches into excepted findings, never "
			     "into passes; it matched %d in this scan.",
			     id, report_text(e, 4), report_text(e, 6), report_text(e, 1),
			     sqlite3_column_int(e, 7)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	TRY(oscal_prop(o, "kind", "exception"));
	TRY(oscal_prop(o, "exception-id", id));
	TRY(oscal_prop(o, "check", report_text(e, 1)));
	TRY(oscal_prop(o, "approver", report_text(e, 4)));
	TRY(oscal_prop(o, "approved", report_text(e, 5)));
	TRY(oscal_prop(o, "expires", report_text(e, 6)));
	TRY(oscal_prop(o, "matched", report_text(e, 7)));
	TRY(report_xml_elem(&o->x, "status", "deviation-approved"));
	if ((res = write_origin(r, report_text(e, 1), id, report_text(e, 4))) < 0)
		return res;
	TRY(report_xml_start(&o->x, "risk-log"));
	TRY(log_entry(r, e, false));
	TRY(report_xml_end(&o->x));
	if ((res = related_observations(r, NULL, id)) < 0)
		return res;
	return report_xml_end(&o->x);
out:
	return -1;
}

attest_rc
oscal_write_risks(struct oscal *o)
{
	struct risks r = {o, NULL, NULL, NULL, NULL};
	sqlite3_stmt *st = NULL;
	attest_rc rc = ATTEST_ERR_DB;
	int src, res = 0;

	if (!(r.failing = report_query(o->x.store, members_sql, o->scan_id)) ||
	    !(r.excepted = report_query(o->x.store, excepted_sql, o->scan_id)) ||
	    !(r.exc = report_query(o->x.store, exc_sql, o->scan_id)) ||
	    !(st = report_query(o->x.store, risk_sql, o->scan_id)))
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if ((res = write_check_risk(&r, st)) < 0)
			goto out;
	if (src != SQLITE_DONE)
		goto out;
	sqlite3_reset(r.exc);
	sqlite3_bind_null(r.exc, 2);
	while ((src = sqlite3_step(r.exc)) == SQLITE_ROW) {
		if ((res = write_exception_risk(&r, r.exc)) < 0)
			goto out;
	}
	if (src == SQLITE_DONE)
		rc = ATTEST_OK;
out:
	rc = report_xml_result(&o->x, rc, "cannot read the risks of the scan");
	sqlite3_finalize(st);
	sqlite3_finalize(r.failing);
	sqlite3_finalize(r.excepted);
	sqlite3_finalize(r.exc);
	return rc;
}
