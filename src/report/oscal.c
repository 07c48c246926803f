/*
 * NIST OSCAL assessment results (XML, namespace
 * http://csrc.nist.gov/ns/oscal/1.0, valid against the OSCAL 1.0.6 and 1.2.1
 * schemas) of one stored scan: the controls reviewed, one observation per
 * check result (one per judged resource, or one for a check that judged
 * nothing) carrying the evidence, one observation per call of the collection
 * that failed (a gap: what was not examined and why), and one finding per
 * control whose target is satisfied or not-satisfied and which points at the
 * observations of its checks. Every UUID is derived from the scan id and the item it names
 * (report_uuid), so rendering the same scan twice gives the same document.
 * OSCAL ids are tokens, so control ids such as "164.312(a)(2)(iv)" are
 * encoded (oscal_token); the original is kept in a prop.
 */
#include "config.h"

#include "xmlout.h"

#include <string.h>

#define OSCAL_NS "http://csrc.nist.gov/ns/oscal/1.0"
#define ATTEST_NS "urn:attest:oscal"
#define OSCAL_VERSION "1.0.6"

static const char scan_sql[] =
	"SELECT scan_id, started_at, finished_at, as_of, attest_version, accounts, regions,"
	" inventory_sha256, resource_count FROM scans WHERE scan_id = ?1";

static const char fw_sql[] =
	"SELECT framework, version, title, score, coverage FROM scan_frameworks"
	" WHERE scan_id = ?1 ORDER BY seq, framework";

static const char ctl_sql[] =
	"SELECT c.framework, c.control_id, c.title, c.status FROM scan_controls c"
	" JOIN scan_frameworks f ON f.scan_id = c.scan_id AND f.framework = c.framework"
	" WHERE c.scan_id = ?1 ORDER BY f.seq, c.framework, c.seq, c.control_id";

/* One row per check result: every finding, then every check without one. */
static const char obs_sql[] =
	"SELECT c.check_id, c.title, c.severity, f.finding_id, f.status, f.reason,"
	" f.resource_type, f.resource_id, f.arn, f.region, f.account, f.evidence, c.status,"
	" c.reason FROM scan_checks c LEFT JOIN findings f ON f.scan_id = c.scan_id"
	"   AND f.check_id = c.check_id"
	" WHERE c.scan_id = ?1 ORDER BY c.check_id, f.finding_id";

/* The observations behind one control: 'f' + finding id, or 'c' + check id. */
static const char rel_sql[] =
	"SELECT 'f', f.finding_id FROM scan_control_checks m JOIN findings f"
	"   ON f.scan_id = m.scan_id AND f.check_id = m.check_id"
	" WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3"
	" UNION SELECT 'c', m.check_id FROM scan_control_checks m"
	" WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3 AND NOT EXISTS"
	"   (SELECT 1 FROM findings f WHERE f.scan_id = m.scan_id AND f.check_id = m.check_id)"
	" ORDER BY 1, 2";

struct oscal {
	struct report_xml x;
	const char *scan_id;
	char as_of[32];
	struct attest_buf tok; /* control tokens */
	struct attest_buf val; /* normalized prop values */
};

/* Appends s to b: letters, digits, '.' and '-' as they are, every other byte
 * (and '_', the escape itself) as _HH. A leading non-letter is escaped too,
 * so the result starts as a token must. */
static attest_rc
token_part(struct attest_buf *b, const char *s, bool first)
{
	const unsigned char *p;
	attest_rc rc = ATTEST_OK;

	for (p = (const unsigned char *)s; *p && rc == ATTEST_OK; p++) {
		bool alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
		bool plain = alpha || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-';

		if (plain && (alpha || !first || p != (const unsigned char *)s))
			rc = attest_buf_addc(b, (char)*p);
		else
			rc = attest_buf_printf(b, "_%02X", *p);
	}
	return rc;
}

/* The OSCAL id of a framework's control: "<framework>__<control>", each part
 * encoded by token_part, so distinct controls never share a token and the
 * original can be recovered. cis-aws-3.0 2.1.4 -> cis-aws-3.0__2.1.4;
 * hipaa 164.312(a)(2)(iv) -> hipaa__164.312_28a_29_282_29_28iv_29. */
static const char *
oscal_token(struct oscal *o, const char *framework, const char *control)
{
	attest_buf_reset(&o->tok);
	if (token_part(&o->tok, framework, true) != ATTEST_OK ||
	    attest_buf_adds(&o->tok, "__") != ATTEST_OK ||
	    token_part(&o->tok, control, false) != ATTEST_OK) {
		o->x.failed = true;
		return NULL;
	}
	return o->tok.data;
}

/* <prop name ns value/>: OSCAL strings are one line without surrounding
 * space, so whitespace runs become one space; an empty value is left out. */
static int
prop(struct oscal *o, const char *name, const char *value)
{
	const char *p;
	bool space = false;

	attest_buf_reset(&o->val);
	for (p = value ? value : ""; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = o->val.len > 0;
			continue;
		}
		if ((space && attest_buf_addc(&o->val, ' ') != ATTEST_OK) ||
		    attest_buf_addc(&o->val, *p) != ATTEST_OK) {
			o->x.failed = true;
			return -1;
		}
		space = false;
	}
	if (o->val.len == 0)
		return 0;
	if (report_xml_start(&o->x, "prop") < 0 || report_xml_attr(&o->x, "name", name) < 0 ||
	    report_xml_attr(&o->x, "ns", ATTEST_NS) < 0 ||
	    report_xml_attr(&o->x, "value", o->val.data) < 0)
		return -1;
	return report_xml_end(&o->x);
}

static int
uuid_attr(struct oscal *o, const char *name, const char *kind, const char *item)
{
	char uuid[37];

	if (!report_uuid(o->scan_id, kind, item, uuid)) {
		o->x.failed = true;
		return -1;
	}
	return report_xml_attr(&o->x, name, uuid);
}

/* Markup: <name><p>text</p></name>. */
static int
para(struct oscal *o, const char *name, const char *text)
{
	if (report_xml_start(&o->x, name) < 0 || report_xml_elem(&o->x, "p", text) < 0)
		return -1;
	return report_xml_end(&o->x);
}

static int
join_list(struct attest_buf *b, sqlite3_stmt *st, int col)
{
	json_t *arr = report_json_col(st, col), *v;
	size_t i;
	int r = 0;

	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			continue;
		if ((i && attest_buf_adds(b, ", ") != ATTEST_OK) ||
		    attest_buf_adds(b, json_string_value(v)) != ATTEST_OK)
			r = -1;
	}
	json_decref(arr);
	return r;
}

static attest_rc
write_metadata(struct oscal *o, sqlite3_stmt *st)
{
	struct attest_buf d;
	int r = -1;

	attest_buf_init(&d, 1 << 20);
	TRY(report_xml_start(&o->x, "metadata"));
	if (attest_buf_printf(&d, "attest assessment results: scan %s", report_text(st, 0)))
		goto out;
	TRY(report_xml_elem(&o->x, "title", d.data));
	TRY(report_xml_elem(&o->x, "last-modified", report_text(st, 2)));
	TRY(report_xml_elem(&o->x, "version", report_text(st, 0)));
	TRY(report_xml_elem(&o->x, "oscal-version", OSCAL_VERSION));
	TRY(prop(o, "scan-id", report_text(st, 0)));
	TRY(prop(o, "attest-version", report_text(st, 4)));
	TRY(prop(o, "inventory-sha256", report_text(st, 7)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_start(&o->x, "import-ap"));
	attest_buf_reset(&d);
	{
		char uuid[37];

		if (!report_uuid(o->scan_id, "assessment-plan", "", uuid) ||
		    attest_buf_printf(&d, "#%s", uuid) != ATTEST_OK)
			goto out;
	}
	TRY(report_xml_attr(&o->x, "href", d.data));
	TRY(report_xml_end(&o->x));
	r = 0;
out:
	attest_buf_release(&d);
	if (r < 0)
		o->x.failed = true;
	return r < 0 ? ATTEST_ERR_IO : ATTEST_OK;
}

static attest_rc
write_reviewed(struct oscal *o)
{
	sqlite3_stmt *fw = report_query(o->x.store, fw_sql, o->scan_id), *cs = NULL;
	attest_rc rc = ATTEST_ERR_DB;
	bool have_ctl, any = false;
	int src;

	if (!fw || !(cs = report_query(o->x.store, ctl_sql, o->scan_id)))
		goto out;
	have_ctl = sqlite3_step(cs) == SQLITE_ROW;
	TRY(report_xml_start(&o->x, "reviewed-controls"));
	while ((src = sqlite3_step(fw)) == SQLITE_ROW) {
		const char *id = report_text(fw, 0);

		if (!have_ctl || strcmp(report_text(cs, 0), id) != 0)
			continue; /* a framework without controls selects nothing */
		any = true;
		TRY(report_xml_start(&o->x, "control-selection"));
		TRY(para(o, "description", report_text(fw, 2)));
		TRY(prop(o, "framework", id));
		TRY(prop(o, "framework-version", report_text(fw, 1)));
		if (sqlite3_column_type(fw, 3) != SQLITE_NULL)
			TRY(prop(o, "score", report_text(fw, 3)));
		if (sqlite3_column_type(fw, 4) != SQLITE_NULL)
			TRY(prop(o, "coverage", report_text(fw, 4)));
		while (have_ctl && strcmp(report_text(cs, 0), id) == 0) {
			const char *tok = oscal_token(o, id, report_text(cs, 1));

			if (!tok)
				goto out;
			TRY(report_xml_start(&o->x, "include-control"));
			TRY(report_xml_attr(&o->x, "control-id", tok));
			TRY(report_xml_end(&o->x));
			have_ctl = sqlite3_step(cs) == SQLITE_ROW;
		}
		TRY(report_xml_end(&o->x));
	}
	if (src != SQLITE_DONE)
		goto out;
	if (!any) {
		/* The schema needs one selection; an empty scan reviewed nothing. */
		TRY(report_xml_start(&o->x, "control-selection"));
		TRY(para(o, "description", "No framework control was reviewed in this scan."));
		TRY(report_xml_start(&o->x, "include-all"));
		TRY(report_xml_end(&o->x));
		TRY(report_xml_end(&o->x));
	}
	TRY(report_xml_end(&o->x));
	rc = ATTEST_OK;
out:
	rc = report_xml_result(&o->x, rc, "cannot read the controls of the scan");
	sqlite3_finalize(fw);
	sqlite3_finalize(cs);
	return rc;
}

static int
write_subject(struct oscal *o, sqlite3_stmt *st)
{
	struct attest_buf key;
	int r = -1;

	attest_buf_init(&key, 64u << 20);
	if (attest_buf_printf(&key, "%s\n%s\n%s\n%s", report_text(st, 6), report_text(st, 10),
			      report_text(st, 9), report_text(st, 7)) != ATTEST_OK) {
		o->x.failed = true;
		goto out;
	}
	TRY(report_xml_start(&o->x, "subject"));
	TRY(uuid_attr(o, "subject-uuid", "resource", key.data));
	TRY(report_xml_attr(&o->x, "type", "inventory-item"));
	attest_buf_reset(&key);
	if (attest_buf_printf(&key, "%s %s", report_text(st, 6), report_text(st, 7))) {
		o->x.failed = true;
		goto out;
	}
	TRY(report_xml_elem(&o->x, "title", key.data));
	TRY(prop(o, "resource-type", report_text(st, 6)));
	TRY(prop(o, "resource-id", report_text(st, 7)));
	TRY(prop(o, "arn", report_text(st, 8)));
	TRY(prop(o, "region", report_text(st, 9)));
	TRY(prop(o, "account", report_text(st, 10)));
	r = report_xml_end(&o->x);
out:
	attest_buf_release(&key);
	return r;
}

static int
write_observation(struct oscal *o, sqlite3_stmt *st)
{
	bool judged = sqlite3_column_type(st, 3) != SQLITE_NULL;
	const char *status = report_text(st, judged ? 4 : 12);

	TRY(report_xml_start(&o->x, "observation"));
	if (judged)
		TRY(uuid_attr(o, "uuid", "observation", report_text(st, 3)));
	else
		TRY(uuid_attr(o, "uuid", "check-observation", report_text(st, 0)));
	TRY(report_xml_elem(&o->x, "title", report_text(st, 1)));
	if (judged)
		TRY(para(o, "description", report_text(st, 5)));
	else
		TRY(para(o, "description",
			 *report_text(st, 13) ? report_text(st, 13)
					      : "the check judged no resource in this scan"));
	TRY(prop(o, "check", report_text(st, 0)));
	TRY(prop(o, "status", status));
	TRY(prop(o, "severity", report_text(st, 2)));
	TRY(report_xml_elem(&o->x, "method", "TEST"));
	if (strcmp(status, "fail") == 0)
		TRY(report_xml_elem(&o->x, "type", "finding"));
	if (judged) {
		TRY(write_subject(o, st));
		if (sqlite3_column_type(st, 11) != SQLITE_NULL) {
			TRY(report_xml_start(&o->x, "relevant-evidence"));
			TRY(report_xml_start(&o->x, "description"));
			TRY(report_xml_elem(&o->x, "p",
					    "The configuration values observed, as JSON:"));
			TRY(report_xml_elem(&o->x, "pre", report_text(st, 11)));
			TRY(report_xml_end(&o->x));
			TRY(report_xml_end(&o->x));
		}
	}
	TRY(report_xml_elem(&o->x, "collected", o->as_of));
	return report_xml_end(&o->x);
out:
	return -1;
}

/* A call of the collection that failed, as an observation of the gap: what
 * was not examined and why, with the resource types it withheld. */
static int
write_gap(struct oscal *o, sqlite3_stmt *st)
{
	json_t *types = NULL, *v;
	char call[256];
	size_t i;
	int r = -1;

	TRY(report_xml_start(&o->x, "observation"));
	TRY(uuid_attr(o, "uuid", "collection-gap", report_text(st, 0)));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "Collection gap: %s",
			     report_gap_call(st, call, sizeof(call))));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_start(&o->x, "description"));
	TRY(report_xml_start(&o->x, "p"));
	TRY(report_xml_textf(&o->x, "The call failed with %s, so the configuration it would have "
				    "read was not collected; the checks that need it are not "
				    "evaluated.",
			     report_text(st, 5)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	TRY(prop(o, "collection-gap", "true"));
	TRY(prop(o, "service", report_text(st, 3)));
	TRY(prop(o, "operation", report_text(st, 4)));
	TRY(prop(o, "region", report_text(st, 2)));
	TRY(prop(o, "account", report_text(st, 1)));
	TRY(prop(o, "error-code", report_text(st, 5)));
	types = report_json_col(st, 7);
	json_array_foreach(types, i, v)
		if (json_is_string(v))
			TRY(prop(o, "withheld-type", json_string_value(v)));
	TRY(report_xml_elem(&o->x, "method", "TEST"));
	if (*report_text(st, 6)) {
		TRY(report_xml_start(&o->x, "relevant-evidence"));
		TRY(report_xml_start(&o->x, "description"));
		TRY(report_xml_elem(&o->x, "p", "The error message of the failed call:"));
		TRY(report_xml_elem(&o->x, "pre", report_text(st, 6)));
		TRY(report_xml_end(&o->x));
		TRY(report_xml_end(&o->x));
	}
	TRY(report_xml_elem(&o->x, "collected", o->as_of));
	r = report_xml_end(&o->x);
out:
	json_decref(types);
	return r;
}

/* Runs row() over every row of sql; what names the read in messages. */
static attest_rc
each_row(struct oscal *o, const char *sql, int (*row)(struct oscal *o, sqlite3_stmt *st),
	 const char *what)
{
	sqlite3_stmt *st = report_query(o->x.store, sql, o->scan_id);
	attest_rc rc = ATTEST_ERR_DB;
	int src;

	if (!st)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		TRY(row(o, st));
	if (src == SQLITE_DONE)
		rc = ATTEST_OK;
out:
	rc = report_xml_result(&o->x, rc, what);
	sqlite3_finalize(st);
	return rc;
}

static attest_rc
write_observations(struct oscal *o)
{
	attest_rc rc = each_row(o, obs_sql, write_observation, "cannot read the findings of the scan");

	return rc != ATTEST_OK ? rc
			       : each_row(o, REPORT_GAPS_SQL, write_gap,
					  "cannot read the collection gaps of the scan");
}

/* Our control status as an OSCAL objective status and the reason given. */
static void
map_status(const char *status, const char **state, const char **reason, const char **remark)
{
	static const struct {
		const char *status, *state, *reason, *remark;
	} map[] = {
		{"pass", "satisfied", "pass", NULL},
		{"attested", "satisfied", "pass", "satisfied by a person's attestation in force"},
		{"not_applicable", "satisfied", "other",
		 "not applicable: the checks found no resource to judge"},
		{"fail", "not-satisfied", "fail", NULL},
		{"excepted", "not-satisfied", "other",
		 "failures covered by exceptions in force (accepted risk)"},
		{"error", "not-satisfied", "other", "a check could not be evaluated (error)"},
		{"not_evaluated", "not-satisfied", "other",
		 "not evaluated: the resource types its checks read were not collected"},
		{"manual", "not-satisfied", "other",
		 "manual control awaiting a person's attestation"},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(status, map[i].status) == 0) {
			*state = map[i].state;
			*reason = map[i].reason;
			*remark = map[i].remark;
			return;
		}
	*state = "not-satisfied";
	*reason = "other";
	*remark = "status not known to this version of the OSCAL renderer";
}

static int
write_finding(struct oscal *o, sqlite3_stmt *cs, sqlite3_stmt *rel)
{
	const char *fw = report_text(cs, 0), *ctl = report_text(cs, 1), *status = report_text(cs, 3);
	const char *state, *reason, *remark, *tok;
	struct attest_buf b;
	int src, r = -1;

	attest_buf_init(&b, 64u << 20);
	map_status(status, &state, &reason, &remark);
	if (attest_buf_printf(&b, "%s\n%s", fw, ctl) != ATTEST_OK)
		goto nomem;
	TRY(report_xml_start(&o->x, "finding"));
	TRY(uuid_attr(o, "uuid", "finding", b.data));
	attest_buf_reset(&b);
	if (attest_buf_printf(&b, "%s %s: %s", fw, ctl, report_text(cs, 2)) != ATTEST_OK)
		goto nomem;
	TRY(report_xml_elem(&o->x, "title", b.data));
	attest_buf_reset(&b);
	if (attest_buf_printf(&b, "Control %s of %s is %s.", ctl, fw, status) != ATTEST_OK)
		goto nomem;
	TRY(para(o, "description", b.data));
	TRY(prop(o, "framework", fw));
	TRY(prop(o, "control-id", ctl));
	TRY(prop(o, "status", status));
	if (!(tok = oscal_token(o, fw, ctl)))
		goto out;
	TRY(report_xml_start(&o->x, "target"));
	TRY(report_xml_attr(&o->x, "type", "objective-id"));
	TRY(report_xml_attr(&o->x, "target-id", tok));
	TRY(report_xml_start(&o->x, "status"));
	TRY(report_xml_attr(&o->x, "state", state));
	TRY(report_xml_attr(&o->x, "reason", reason));
	if (remark)
		TRY(para(o, "remarks", remark));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	sqlite3_reset(rel);
	sqlite3_bind_text(rel, 2, fw, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(rel, 3, ctl, -1, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(rel)) == SQLITE_ROW) {
		bool finding = report_text(rel, 0)[0] == 'f';

		TRY(report_xml_start(&o->x, "related-observation"));
		TRY(uuid_attr(o, "observation-uuid", finding ? "observation" : "check-observation",
			      report_text(rel, 1)));
		TRY(report_xml_end(&o->x));
	}
	if (src != SQLITE_DONE) {
		report_db_error(o->x.store, "cannot read the findings of the scan");
		return -2;
	}
	r = report_xml_end(&o->x);
	goto out;
nomem:
	o->x.failed = true;
out:
	attest_buf_release(&b);
	return r;
}

static attest_rc
write_findings(struct oscal *o)
{
	sqlite3_stmt *cs = report_query(o->x.store, ctl_sql, o->scan_id);
	sqlite3_stmt *rel = report_query(o->x.store, rel_sql, o->scan_id);
	attest_rc rc = ATTEST_ERR_DB;
	int src, r;

	if (!cs || !rel)
		goto out;
	while ((src = sqlite3_step(cs)) == SQLITE_ROW)
		if ((r = write_finding(o, cs, rel)) < 0) {
			if (r == -2)
				goto done;
			goto out;
		}
	if (src == SQLITE_DONE)
		rc = ATTEST_OK;
out:
	rc = report_xml_result(&o->x, rc, "cannot read the controls of the scan");
done:
	sqlite3_finalize(cs);
	sqlite3_finalize(rel);
	return o->x.failed ? ATTEST_ERR_IO : rc;
}

static attest_rc
write_result(struct oscal *o, sqlite3_stmt *scan)
{
	struct attest_buf d;
	attest_rc rc = ATTEST_ERR_IO;

	attest_buf_init(&d, 1 << 20);
	TRY(report_xml_start(&o->x, "result"));
	TRY(uuid_attr(o, "uuid", "result", ""));
	if (attest_buf_printf(&d, "attest scan %s", o->scan_id) != ATTEST_OK)
		goto out;
	TRY(report_xml_elem(&o->x, "title", d.data));
	attest_buf_reset(&d);
	if (attest_buf_printf(&d, "Automated assessment of %lld resources (inventory as of %s;"
				  " accounts: ",
			      (long long)sqlite3_column_int64(scan, 8), o->as_of) != ATTEST_OK ||
	    join_list(&d, scan, 5) < 0 || attest_buf_adds(&d, "; regions: ") != ATTEST_OK ||
	    join_list(&d, scan, 6) < 0 || attest_buf_adds(&d, ").") != ATTEST_OK)
		goto out;
	TRY(para(o, "description", d.data));
	TRY(report_xml_elem(&o->x, "start", report_text(scan, 1)));
	TRY(report_xml_elem(&o->x, "end", report_text(scan, 2)));
	if ((rc = write_reviewed(o)) != ATTEST_OK || (rc = write_observations(o)) != ATTEST_OK ||
	    (rc = write_findings(o)) != ATTEST_OK)
		goto out;
	rc = report_xml_end(&o->x) < 0 ? ATTEST_ERR_IO : ATTEST_OK;
out:
	attest_buf_release(&d);
	if (rc == ATTEST_ERR_IO)
		o->x.failed = true;
	return rc;
}

/* import-ap must name an assessment plan; attest has none to point at, so
 * the reference is to a back-matter resource that says what was planned. */
static int
write_back_matter(struct oscal *o)
{
	TRY(report_xml_start(&o->x, "back-matter"));
	TRY(report_xml_start(&o->x, "resource"));
	TRY(uuid_attr(o, "uuid", "assessment-plan", ""));
	TRY(report_xml_elem(&o->x, "title", "Assessment plan (implicit)"));
	TRY(para(o, "description",
		 "attest has no separate assessment plan document: the plan is the set of "
		 "frameworks and checks listed in the reviewed controls and observations of "
		 "this result, run against the inventory identified by its SHA-256."));
	TRY(report_xml_end(&o->x));
	return report_xml_end(&o->x);
out:
	return -1;
}

attest_rc
attest_report_oscal(attest_store *store, const char *scan_id, FILE *out)
{
	struct oscal o;
	sqlite3_stmt *scan = NULL;
	attest_rc rc;

	memset(&o, 0, sizeof(o));
	o.scan_id = scan_id;
	attest_buf_init(&o.tok, 1u << 20);
	attest_buf_init(&o.val, 64u << 20);
	if ((rc = report_scan_row(store, scan_sql, scan_id, &scan)) != ATTEST_OK)
		goto done;
	snprintf(o.as_of, sizeof(o.as_of), "%s", report_text(scan, 3));
	if ((rc = report_xml_open(&o.x, store, out, "the OSCAL report")) != ATTEST_OK)
		goto done;
	rc = ATTEST_ERR_IO;
	TRY(report_xml_start_ns(&o.x, "assessment-results", OSCAL_NS));
	TRY(uuid_attr(&o, "uuid", "assessment-results", ""));
	if ((rc = write_metadata(&o, scan)) != ATTEST_OK || (rc = write_result(&o, scan)) != ATTEST_OK)
		goto out;
	rc = ATTEST_ERR_IO;
	TRY(write_back_matter(&o));
	TRY(report_xml_end(&o.x));
	rc = ATTEST_OK;
out:
	rc = report_xml_close(&o.x, rc);
done:
	sqlite3_finalize(scan);
	attest_buf_release(&o.tok);
	attest_buf_release(&o.val);
	return rc;
}
