/*
 * NIST OSCAL assessment results (XML, namespace
 * http://csrc.nist.gov/ns/oscal/1.0, valid against the OSCAL 1.0.6 and 1.2.1
 * schemas) of one stored scan. The metadata names the roles and parties: the
 * organization assessed, attest as the party that prepared the results, and
 * every person who approved an exception or attested a control
 * (oscal_meta.c). The result
 * defines what it refers to (oscal_assets.c), reviews each framework's
 * controls in two selections, those assessed and those not assessed (manual
 * controls awaiting an attestation, controls whose checks could not run),
 * holds the observations and risks (oscal_obs.c, oscal_risk.c), and one
 * finding per assessed control whose target is satisfied or not-satisfied,
 * pointing at the observations of its checks and at its risks. A control
 * not assessed gets no finding: OSCAL has no "not assessed" state, and
 * not-satisfied would claim a judgement nobody made. OSCAL ids are tokens,
 * so control ids such as "164.312(a)(2)(iv)" are encoded
 * (report_control_token); the original is kept in a prop.
 */
#include "config.h"

#include "oscal_int.h"

#include <string.h>

/* Control statuses that are no judgement of the control (doc/report-formats.md). */
#define NOT_ASSESSED "('manual', 'not_evaluated', 'error')"

static const char scan_sql[] =
	"SELECT scan_id, started_at, finished_at, as_of, attest_version, accounts, regions,"
	" inventory_sha256, resource_count FROM scans WHERE scan_id = ?1";

/* 0 id, 1 version, 2 title, 3 score, 4 coverage, 5 passing, 6 scored,
 * 7 posture, 8 posture controls. */
static const char fw_sql[] =
	"SELECT f.framework, f.version, f.title, f.score, f.coverage, s.controls_passing,"
	" s.controls_scored, s.posture, s.posture_controls FROM scan_frameworks f"
	" JOIN scan_framework_scores s ON s.scan_id = f.scan_id AND s.framework = f.framework"
	" WHERE f.scan_id = ?1 ORDER BY f.seq, f.framework";

/* The controls of a framework (?2), assessed (?3 = 0) or not (?3 = 1). */
static const char sel_sql[] =
	"SELECT control_id, status FROM scan_controls WHERE scan_id = ?1 AND framework = ?2"
	" AND (status IN " NOT_ASSESSED ") = ?3 ORDER BY seq, control_id";

static const char ctl_sql[] =
	"SELECT c.framework, c.control_id, c.title, c.status FROM scan_controls c"
	" JOIN scan_frameworks f ON f.scan_id = c.scan_id AND f.framework = c.framework"
	" WHERE c.scan_id = ?1 AND c.status NOT IN " NOT_ASSESSED
	" ORDER BY f.seq, c.framework, c.seq, c.control_id";

/* What a control's finding points at: observations of its checks ('f' a
 * finding, 'c' a check without one, 'a' its attestation) and risks ('r' a
 * failing check, 'e' an exception in force). */
static const char rel_sql[] =
	"SELECT t, k FROM ("
	"SELECT 'f' AS t, f.finding_id AS k FROM scan_control_checks m JOIN findings f"
	"   ON f.scan_id = m.scan_id AND f.check_id = m.check_id"
	" WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3"
	" UNION SELECT 'c', m.check_id FROM scan_control_checks m"
	" WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3 AND NOT EXISTS"
	"   (SELECT 1 FROM findings f WHERE f.scan_id = m.scan_id AND f.check_id = m.check_id)"
	" UNION SELECT 'a', framework || char(10) || control_id FROM scan_attestations"
	" WHERE scan_id = ?1 AND framework = ?2 AND control_id = ?3"
	" UNION SELECT 'r', m.check_id FROM scan_control_checks m JOIN scan_checks c"
	"   ON c.scan_id = m.scan_id AND c.check_id = m.check_id"
	" WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3 AND c.n_fail > 0"
	" UNION SELECT 'e', e.exception_id FROM scan_control_checks m JOIN scan_checks c"
	"   ON c.scan_id = m.scan_id AND c.check_id = m.check_id AND c.n_excepted > 0"
	"   JOIN findings f ON f.scan_id = m.scan_id AND f.check_id = m.check_id"
	"   AND f.status = 'excepted' JOIN scan_exceptions e"
	"   ON e.scan_id = f.scan_id AND e.exception_id = f.exception_id AND e.active"
	" WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3)"
	/* the schema wants the observations before the risks */
	" ORDER BY t IN ('e', 'r'), t, k";

/* ---- helpers shared with oscal_assets.c, oscal_obs.c, oscal_risk.c ------- */

int
oscal_prop(struct oscal *o, const char *name, const char *value)
{
	const char *v = report_fold_space(&o->val, value ? value : "");

	if (!v) {
		o->x.failed = true;
		return -1;
	}
	if (!*v)
		return 0;
	if (report_xml_start(&o->x, "prop") < 0 || report_xml_attr(&o->x, "name", name) < 0 ||
	    report_xml_attr(&o->x, "ns", OSCAL_ATTEST_NS) < 0 ||
	    report_xml_attr(&o->x, "value", v) < 0)
		return -1;
	return report_xml_end(&o->x);
}

int
oscal_uuid_attr(struct oscal *o, const char *name, const char *kind, const char *item)
{
	char uuid[37];

	if (!report_uuid(o->scan_id, kind, item, uuid)) {
		o->x.failed = true;
		return -1;
	}
	return report_xml_attr(&o->x, name, uuid);
}

int
oscal_para(struct oscal *o, const char *name, const char *text)
{
	const char *v = report_fold_space(&o->val, text);

	if (!v) {
		o->x.failed = true;
		return -1;
	}
	if (report_xml_start(&o->x, name) < 0 || report_xml_elem(&o->x, "p", v) < 0)
		return -1;
	return report_xml_end(&o->x);
}

int
oscal_origin_tool(struct oscal *o)
{
	TRY(report_xml_start(&o->x, "origin"));
	TRY(report_xml_start(&o->x, "actor"));
	TRY(report_xml_attr(&o->x, "type", "tool"));
	TRY(oscal_uuid_attr(o, "actor-uuid", OSCAL_TOOL, ""));
	TRY(report_xml_end(&o->x));
	return report_xml_end(&o->x);
out:
	return -1;
}

const char *
oscal_resource_key(struct oscal *o, const char *type, const char *account, const char *region,
		   const char *id)
{
	core_buf_reset(&o->key);
	if (core_buf_printf(&o->key, "%s\n%s\n%s\n%s", type, account, region, id) != ATTEST_OK) {
		o->x.failed = true;
		return NULL;
	}
	return o->key.data;
}

const char *
oscal_token(struct oscal *o, const char *framework, const char *control)
{
	const char *t = report_control_token(&o->tok, framework, control);

	if (!t)
		o->x.failed = true;
	return t;
}

int
oscal_subject(struct oscal *o, sqlite3_stmt *st, int col)
{
	const char *key = oscal_resource_key(o, report_text(st, col), report_text(st, col + 1),
					     report_text(st, col + 2), report_text(st, col + 3));

	if (!key)
		return -1;
	TRY(report_xml_start(&o->x, "subject"));
	TRY(oscal_uuid_attr(o, "subject-uuid", OSCAL_RESOURCE, key));
	TRY(report_xml_attr(&o->x, "type", "inventory-item"));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "%s %s", report_text(st, col), report_text(st, col + 3)));
	TRY(report_xml_end(&o->x));
	TRY(oscal_prop(o, "resource-type", report_text(st, col)));
	TRY(oscal_prop(o, "resource-id", report_text(st, col + 3)));
	TRY(oscal_prop(o, "name", report_text(st, col + 5)));
	TRY(oscal_prop(o, "arn", report_text(st, col + 4)));
	TRY(oscal_prop(o, "region", report_text(st, col + 2)));
	TRY(oscal_prop(o, "account", report_text(st, col + 1)));
	return report_xml_end(&o->x);
out:
	return -1;
}

struct each {
	struct oscal *o;
	int (*row)(struct oscal *o, sqlite3_stmt *st);
};

static int
each(void *data, sqlite3_stmt *st)
{
	struct each *e = data;

	return e->row(e->o, st);
}

attest_rc
oscal_each_row(struct oscal *o, const char *sql, int (*row)(struct oscal *o, sqlite3_stmt *st),
	       const char *what)
{
	struct each e = {o, row};

	return report_xml_each_row(&o->x, report_query(o->x.store, sql, o->scan_id), each, &e,
				   what);
}

/* ---- reviewed controls -------------------------------------------------------- */

static const char *
not_assessed_reason(const char *status)
{
	if (strcmp(status, "manual") == 0)
		return "manual control awaiting a person's attestation";
	if (strcmp(status, "not_evaluated") == 0)
		return "not evaluated: the resource types its checks read were not collected";
	return "a check could not be evaluated (error)";
}

/* One control-selection of framework fw: its assessed controls, or those not
 * assessed. 1 when written, 0 when there are none, < 0 on failure. */
static int
write_selection(struct oscal *o, sqlite3_stmt *fw, sqlite3_stmt *sel, bool not_assessed)
{
	const char *id = report_text(fw, 0), *tok;
	char text[160];
	bool any = false;
	int src;

	sqlite3_reset(sel);
	sqlite3_bind_text(sel, 2, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(sel, 3, not_assessed);
	while ((src = sqlite3_step(sel)) == SQLITE_ROW) {
		if (!any) {
			TRY(report_xml_start(&o->x, "control-selection"));
			if (not_assessed) {
				TRY(report_xml_start(&o->x, "description"));
				TRY(report_xml_start(&o->x, "p"));
				TRY(report_xml_textf(&o->x,
						     "%s: controls not assessed by this "
						     "result (no finding): manual controls "
						     "awaiting a person's attestation, and "
						     "controls whose checks could not run "
						     "(not evaluated, error).",
						     report_text(fw, 2)));
				TRY(report_xml_end(&o->x));
				TRY(report_xml_end(&o->x));
			} else {
				TRY(oscal_para(o, "description", report_text(fw, 2)));
			}
			TRY(oscal_prop(o, "framework", id));
			TRY(oscal_prop(o, "framework-version", report_text(fw, 1)));
			TRY(oscal_prop(o, "assessment-status",
				       not_assessed ? "not-assessed" : "assessed"));
			if (!not_assessed && sqlite3_column_type(fw, 3) != SQLITE_NULL) {
				TRY(oscal_prop(o, "score", report_text(fw, 3)));
				snprintf(text, sizeof(text), "%d of %d controls (%.1f %%)",
					 sqlite3_column_int(fw, 5), sqlite3_column_int(fw, 6),
					 sqlite3_column_double(fw, 3));
				TRY(oscal_prop(o, "controls-passing", text));
			}
			if (!not_assessed && sqlite3_column_type(fw, 7) != SQLITE_NULL)
				TRY(oscal_prop(o, "posture", report_text(fw, 7)));
			if (!not_assessed && sqlite3_column_type(fw, 4) != SQLITE_NULL)
				TRY(oscal_prop(o, "coverage", report_text(fw, 4)));
			any = true;
		}
		if (!(tok = oscal_token(o, id, report_text(sel, 0))))
			goto out;
		TRY(report_xml_start(&o->x, "include-control"));
		TRY(report_xml_attr(&o->x, "control-id", tok));
		TRY(report_xml_end(&o->x));
	}
	if (src != SQLITE_DONE)
		return -2;
	if (any && not_assessed) {
		/* Each control by its own id, since it has no finding to carry it. */
		TRY(report_xml_start(&o->x, "remarks"));
		TRY(report_xml_start(&o->x, "ul"));
		sqlite3_reset(sel);
		while ((src = sqlite3_step(sel)) == SQLITE_ROW) {
			TRY(report_xml_start(&o->x, "li"));
			TRY(report_xml_textf(&o->x, "%s: %s", report_text(sel, 0),
					     not_assessed_reason(report_text(sel, 1))));
			TRY(report_xml_end(&o->x));
		}
		if (src != SQLITE_DONE)
			return -2;
		TRY(report_xml_end(&o->x));
		TRY(report_xml_end(&o->x));
	}
	if (any && !not_assessed) {
		TRY(report_xml_start(&o->x, "remarks"));
		TRY(report_xml_elem(&o->x, "p", REPORT_FORMULA_SCORE));
		TRY(report_xml_elem(&o->x, "p", REPORT_FORMULA_POSTURE));
		TRY(report_xml_elem(&o->x, "p", REPORT_FORMULA_COVERAGE));
		TRY(report_xml_end(&o->x));
	}
	if (any && report_xml_end(&o->x) < 0)
		return -1;
	return any ? 1 : 0;
out:
	return -1;
}

static attest_rc
write_reviewed(struct oscal *o)
{
	sqlite3_stmt *fw = report_query(o->x.store, fw_sql, o->scan_id), *sel = NULL;
	attest_rc rc = ATTEST_ERR_DB;
	int src, a, b, any = 0;

	if (!fw || !(sel = report_query(o->x.store, sel_sql, o->scan_id)))
		goto out;
	TRY(report_xml_start(&o->x, "reviewed-controls"));
	while ((src = sqlite3_step(fw)) == SQLITE_ROW) {
		if ((a = write_selection(o, fw, sel, false)) < 0 ||
		    (b = write_selection(o, fw, sel, true)) < 0)
			goto out;
		any += a + b;
	}
	if (src != SQLITE_DONE)
		goto out;
	if (!any) {
		/* The schema needs one selection; an empty scan reviewed nothing. */
		TRY(report_xml_start(&o->x, "control-selection"));
		TRY(oscal_para(o, "description",
			       "No framework control was reviewed in this scan."));
		TRY(report_xml_start(&o->x, "include-all"));
		TRY(report_xml_end(&o->x));
		TRY(report_xml_end(&o->x));
	}
	TRY(report_xml_end(&o->x));
	rc = ATTEST_OK;
out:
	rc = report_xml_result(&o->x, rc, "cannot read the controls of the scan");
	sqlite3_finalize(fw);
	sqlite3_finalize(sel);
	return rc;
}

/* ---- findings ----------------------------------------------------------------- */

/* An assessed control's status as an OSCAL objective status and the reason given. */
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

/* The related observations and associated risks of a control's finding,
 * one row of rel_sql each. */
static int
write_relations(struct oscal *o, sqlite3_stmt *rel, const char *fw, const char *ctl)
{
	static const struct {
		char tag;
		const char *elem, *attr, *kind;
	} rels[] = {
		{'a', "related-observation", "observation-uuid", OSCAL_ATT_OBS},
		{'c', "related-observation", "observation-uuid", OSCAL_CHECK_OBS},
		{'f', "related-observation", "observation-uuid", OSCAL_OBS},
		{'e', "associated-risk", "risk-uuid", OSCAL_EXC_RISK},
		{'r', "associated-risk", "risk-uuid", OSCAL_RISK},
	};
	size_t i;
	int src;

	sqlite3_reset(rel);
	sqlite3_bind_text(rel, 2, fw, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(rel, 3, ctl, -1, SQLITE_TRANSIENT);
	while ((src = sqlite3_step(rel)) == SQLITE_ROW) {
		for (i = 0; i < sizeof(rels) / sizeof(rels[0]); i++)
			if (report_text(rel, 0)[0] == rels[i].tag)
				break;
		if (i == sizeof(rels) / sizeof(rels[0]))
			continue;
		TRY(report_xml_start(&o->x, rels[i].elem));
		TRY(oscal_uuid_attr(o, rels[i].attr, rels[i].kind, report_text(rel, 1)));
		TRY(report_xml_end(&o->x));
	}
	return src == SQLITE_DONE ? 0 : -2;
out:
	return -1;
}

static int
write_finding(struct oscal *o, sqlite3_stmt *cs, sqlite3_stmt *rel)
{
	const char *fw = report_text(cs, 0), *ctl = report_text(cs, 1),
		   *status = report_text(cs, 3);
	const char *state, *reason, *remark, *tok;
	char item[512];
	int r;

	map_status(status, &state, &reason, &remark);
	snprintf(item, sizeof(item), "%s\n%s", fw, ctl);
	TRY(report_xml_start(&o->x, "finding"));
	TRY(oscal_uuid_attr(o, "uuid", "finding", item));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "%s %s: %s", fw, ctl, report_text(cs, 2)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_start(&o->x, "description"));
	TRY(report_xml_start(&o->x, "p"));
	TRY(report_xml_textf(&o->x, "Control %s of %s is %s.", ctl, fw, status));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	TRY(oscal_prop(o, "framework", fw));
	TRY(oscal_prop(o, "control-id", ctl));
	TRY(oscal_prop(o, "status", status));
	TRY(oscal_origin_tool(o));
	if (!(tok = oscal_token(o, fw, ctl)))
		goto out;
	TRY(report_xml_start(&o->x, "target"));
	TRY(report_xml_attr(&o->x, "type", "objective-id"));
	TRY(report_xml_attr(&o->x, "target-id", tok));
	TRY(report_xml_start(&o->x, "status"));
	TRY(report_xml_attr(&o->x, "state", state));
	TRY(report_xml_attr(&o->x, "reason", reason));
	if (remark)
		TRY(oscal_para(o, "remarks", remark));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	if ((r = write_relations(o, rel, fw, ctl)) < 0)
		return r;
	return report_xml_end(&o->x);
out:
	return -1;
}

static attest_rc
write_findings(struct oscal *o)
{
	sqlite3_stmt *cs = report_query(o->x.store, ctl_sql, o->scan_id);
	sqlite3_stmt *rel = report_query(o->x.store, rel_sql, o->scan_id);
	attest_rc rc = ATTEST_ERR_DB;
	int src;

	if (!cs || !rel)
		goto out;
	while ((src = sqlite3_step(cs)) == SQLITE_ROW)
		if (write_finding(o, cs, rel) < 0)
			goto out;
	if (src == SQLITE_DONE)
		rc = ATTEST_OK;
out:
	rc = report_xml_result(&o->x, rc, "cannot read the controls of the scan");
	sqlite3_finalize(cs);
	sqlite3_finalize(rel);
	return rc;
}

/* ---- the document --------------------------------------------------------------- */

static int
join_list(struct core_buf *b, sqlite3_stmt *st, int col)
{
	json_t *arr = report_json_col(st, col), *v;
	size_t i;
	int r = 0;

	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v))
			continue;
		if ((i && core_buf_adds(b, ", ") != ATTEST_OK) ||
		    core_buf_adds(b, json_string_value(v)) != ATTEST_OK)
			r = -1;
	}
	json_decref(arr);
	return r;
}

static attest_rc
write_result(struct oscal *o, sqlite3_stmt *scan)
{
	struct core_buf d;
	attest_rc rc = ATTEST_ERR_IO;

	core_buf_init(&d, 1 << 20);
	TRY(report_xml_start(&o->x, "result"));
	TRY(oscal_uuid_attr(o, "uuid", "result", ""));
	if (core_buf_printf(&d, "attest scan %s", o->scan_id) != ATTEST_OK)
		goto out;
	TRY(report_xml_elem(&o->x, "title", d.data));
	core_buf_reset(&d);
	if (core_buf_printf(&d,
			    "Automated assessment of %lld resources (inventory as of %s;"
			    " accounts: ",
			    (long long)sqlite3_column_int64(scan, 8), o->as_of) != ATTEST_OK ||
	    join_list(&d, scan, 5) < 0 || core_buf_adds(&d, "; regions: ") != ATTEST_OK ||
	    join_list(&d, scan, 6) < 0 || core_buf_adds(&d, ").") != ATTEST_OK)
		goto out;
	TRY(oscal_para(o, "description", d.data));
	TRY(report_xml_elem(&o->x, "start", report_text(scan, 1)));
	TRY(report_xml_elem(&o->x, "end", report_text(scan, 2)));
	if ((rc = oscal_write_local_definitions(o)) != ATTEST_OK ||
	    (rc = write_reviewed(o)) != ATTEST_OK ||
	    (rc = oscal_write_observations(o)) != ATTEST_OK ||
	    (rc = oscal_write_risks(o)) != ATTEST_OK || (rc = write_findings(o)) != ATTEST_OK)
		goto out;
	rc = report_xml_end(&o->x) < 0 ? ATTEST_ERR_IO : ATTEST_OK;
out:
	core_buf_release(&d);
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
	TRY(oscal_uuid_attr(o, "uuid", "assessment-plan", ""));
	TRY(report_xml_elem(&o->x, "title", "Assessment plan (implicit)"));
	TRY(oscal_para(o, "description",
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
	core_buf_init(&o.tok, 1u << 20);
	core_buf_init(&o.val, 64u << 20);
	core_buf_init(&o.key, 64u << 20);
	if ((rc = report_scan_row(store, scan_sql, scan_id, &scan)) != ATTEST_OK)
		goto done;
	snprintf(o.as_of, sizeof(o.as_of), "%s", report_text(scan, 3));
	snprintf(o.version, sizeof(o.version), "%s", report_text(scan, 4));
	if ((rc = report_xml_open(&o.x, store, out, "the OSCAL report")) != ATTEST_OK)
		goto done;
	rc = ATTEST_ERR_IO;
	TRY(report_xml_start_ns(&o.x, "assessment-results", OSCAL_NS));
	TRY(oscal_uuid_attr(&o, "uuid", "assessment-results", ""));
	if ((rc = oscal_write_metadata(&o, scan)) != ATTEST_OK ||
	    (rc = write_result(&o, scan)) != ATTEST_OK)
		goto out;
	rc = ATTEST_ERR_IO;
	TRY(write_back_matter(&o));
	TRY(report_xml_end(&o.x));
	rc = ATTEST_OK;
out:
	rc = report_xml_close(&o.x, rc);
done:
	sqlite3_finalize(scan);
	core_buf_release(&o.tok);
	core_buf_release(&o.val);
	core_buf_release(&o.key);
	return rc;
}
