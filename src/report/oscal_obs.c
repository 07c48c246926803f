/*
 * The observations of the OSCAL result. One per check result: per judged
 * resource (its subject the resource's inventory item, its evidence the
 * configuration values observed, linked to the check's evidence file of an
 * audit package), or one for a check that judged nothing, saying why. One
 * per attestation of a manual control, its origin the person who attested
 * (a party of the metadata), collected on the attestation's date and
 * expiring with it. One per call of the collection that failed (a gap: what
 * was not examined and why). The tool is the origin of every observation it
 * made.
 */
#include "config.h"

#include "oscal_int.h"

#include <string.h>

/* One row per check result: every finding, then every check without one.
 * 0 check, 1 title, 2 severity, 3 finding id, 4 status, 5 reason, 6 type,
 * 7 account, 8 region, 9 id, 10 arn, 11 name, 12 evidence, 13 check status,
 * 14 check reason, 15 exception id. */
static const char obs_sql[] =
	"SELECT c.check_id, c.title, c.severity, f.finding_id, f.status, f.reason,"
	" f.resource_type, f.account, f.region, f.resource_id, f.arn, f.name, f.evidence,"
	" c.status, c.reason, f.exception_id"
	" FROM scan_checks c LEFT JOIN findings f ON f.scan_id = c.scan_id"
	"   AND f.check_id = c.check_id"
	" WHERE c.scan_id = ?1 ORDER BY c.check_id, f.finding_id";

/* A check id an audit package names its evidence file by unchanged. */
static bool
href_safe(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int
link(struct oscal *o, const char *href, const char *media_type)
{
	TRY(report_xml_start(&o->x, "link"));
	TRY(report_xml_attr(&o->x, "href", href));
	TRY(report_xml_attr(&o->x, "rel", "evidence"));
	if (media_type)
		TRY(report_xml_attr(&o->x, "media-type", media_type));
	return report_xml_end(&o->x);
out:
	return -1;
}

static int
write_observation(struct oscal *o, sqlite3_stmt *st)
{
	bool judged = sqlite3_column_type(st, 3) != SQLITE_NULL;
	const char *status = report_text(st, judged ? 4 : 13);
	char href[512];

	TRY(report_xml_start(&o->x, "observation"));
	if (judged)
		TRY(oscal_uuid_attr(o, "uuid", OSCAL_OBS, report_text(st, 3)));
	else
		TRY(oscal_uuid_attr(o, "uuid", OSCAL_CHECK_OBS, report_text(st, 0)));
	TRY(report_xml_elem(&o->x, "title", report_text(st, 1)));
	if (judged)
		TRY(oscal_para(o, "description", report_text(st, 5)));
	else
		TRY(oscal_para(o, "description",
			       *report_text(st, 14) ? report_text(st, 14)
						    : "the check judged no resource in this scan"));
	TRY(oscal_prop(o, "check", report_text(st, 0)));
	TRY(oscal_prop(o, "status", status));
	TRY(oscal_prop(o, "severity", report_text(st, 2)));
	if (judged)
		TRY(oscal_prop(o, "exception-id", report_text(st, 15)));
	if (judged && href_safe(report_text(st, 0)) &&
	    (size_t)snprintf(href, sizeof(href), OSCAL_EVIDENCE_HREF, report_text(st, 0)) <
		    sizeof(href))
		TRY(link(o, href, "application/x-ndjson"));
	TRY(report_xml_elem(&o->x, "method", "TEST"));
	if (strcmp(status, "fail") == 0)
		TRY(report_xml_elem(&o->x, "type", "finding"));
	TRY(oscal_origin_tool(o));
	if (judged) {
		TRY(oscal_subject(o, st, 6));
		if (sqlite3_column_type(st, 12) != SQLITE_NULL) {
			TRY(report_xml_start(&o->x, "relevant-evidence"));
			TRY(report_xml_start(&o->x, "description"));
			TRY(report_xml_elem(&o->x, "p",
					    "The configuration values observed, as JSON:"));
			TRY(report_xml_elem(&o->x, "pre", report_text(st, 12)));
			TRY(report_xml_end(&o->x));
			TRY(report_xml_end(&o->x));
		}
	}
	TRY(report_xml_elem(&o->x, "collected", o->as_of));
	return report_xml_end(&o->x);
out:
	return -1;
}

/* An attestation: a person examined a manual control and says it holds. */
static int
write_attestation(struct oscal *o, sqlite3_stmt *st)
{
	bool active = sqlite3_column_int(st, 9) != 0;
	char item[512], when[40];

	snprintf(item, sizeof(item), "%s\n%s", report_text(st, 0), report_text(st, 1));
	TRY(report_xml_start(&o->x, "observation"));
	TRY(oscal_uuid_attr(o, "uuid", OSCAL_ATT_OBS, item));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "Attestation of %s %s: %s", report_text(st, 0),
			     report_text(st, 1), report_text(st, 2)));
	TRY(report_xml_end(&o->x));
	TRY(oscal_para(o, "description", report_text(st, 5)));
	TRY(oscal_prop(o, "framework", report_text(st, 0)));
	TRY(oscal_prop(o, "control-id", report_text(st, 1)));
	TRY(oscal_prop(o, "attested-by", report_text(st, 3)));
	TRY(oscal_prop(o, "attested-on", report_text(st, 4)));
	TRY(oscal_prop(o, "expires", report_text(st, 8)));
	TRY(oscal_prop(o, "in-force", active ? "true" : "false"));
	if (*report_text(st, 7))
		TRY(link(o, report_text(st, 7), NULL));
	TRY(report_xml_elem(&o->x, "method", "EXAMINE"));
	TRY(report_xml_start(&o->x, "origin"));
	TRY(report_xml_start(&o->x, "actor"));
	TRY(report_xml_attr(&o->x, "type", "party"));
	TRY(oscal_uuid_attr(o, "actor-uuid", OSCAL_PARTY, report_text(st, 3)));
	TRY(report_xml_attr(&o->x, "role-id", "attester"));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	if (*report_text(st, 6) || *report_text(st, 7)) {
		TRY(report_xml_start(&o->x, "relevant-evidence"));
		if (*report_text(st, 7))
			TRY(report_xml_attr(&o->x, "href", report_text(st, 7)));
		TRY(oscal_para(o, "description",
			       *report_text(st, 6) ? report_text(st, 6)
						   : "The evidence the attestation names."));
		TRY(report_xml_end(&o->x));
	}
	TRY(report_xml_elem(&o->x, "collected", report_xml_datetime(report_text(st, 4), when)));
	TRY(report_xml_elem(&o->x, "expires", report_xml_datetime(report_text(st, 8), when)));
	if (!active)
		TRY(oscal_para(o, "remarks",
			       "The attestation has lapsed: the control is manual "
			       "again and awaits a new attestation."));
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
	TRY(oscal_uuid_attr(o, "uuid", "collection-gap", report_text(st, 0)));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "Collection gap: %s", report_gap_call(st, call, sizeof(call))));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_start(&o->x, "description"));
	TRY(report_xml_start(&o->x, "p"));
	TRY(report_xml_textf(&o->x,
			     "The call failed with %s, so the configuration it would have "
			     "read was not collected; the checks that need it are not "
			     "evaluated.",
			     report_text(st, 5)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	TRY(oscal_prop(o, "collection-gap", "true"));
	TRY(oscal_prop(o, "service", report_text(st, 3)));
	TRY(oscal_prop(o, "operation", report_text(st, 4)));
	TRY(oscal_prop(o, "region", report_text(st, 2)));
	TRY(oscal_prop(o, "account", report_text(st, 1)));
	TRY(oscal_prop(o, "error-code", report_text(st, 5)));
	types = report_json_col(st, 7);
	json_array_foreach(types, i, v) if (json_is_string(v))
		TRY(oscal_prop(o, "withheld-type", json_string_value(v)));
	TRY(report_xml_elem(&o->x, "method", "TEST"));
	TRY(oscal_origin_tool(o));
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

attest_rc
oscal_write_observations(struct oscal *o)
{
	attest_rc rc;

	if ((rc = oscal_each_row(o, obs_sql, write_observation,
				 "cannot read the findings of the scan")) != ATTEST_OK ||
	    (rc = oscal_each_row(o, REPORT_ATTESTED_SQL, write_attestation,
				 "cannot read the attestations of the scan")) != ATTEST_OK)
		return rc;
	return oscal_each_row(o, REPORT_GAPS_SQL, write_gap,
			      "cannot read the collection gaps of the scan");
}
