/*
 * OSCAL assessment results: the document's <metadata>. Its roles and
 * parties are the organization assessed (from the report template), attest
 * as the party that prepared the results, and every person who approved an
 * exception or attested a control, each a responsible party of its role.
 */
#include "config.h"

#include "oscal_int.h"
#include "template.h"

#include <string.h>

/* The people named by exceptions (approvers) and attestations (attesters). */
static const char people_sql[] =
	"SELECT approver, 'approver' FROM scan_exceptions WHERE scan_id = ?1"
	" UNION SELECT attested_by, 'attester' FROM scan_attestations WHERE scan_id = ?1"
	" ORDER BY 2, 1";

/* ---- metadata --------------------------------------------------------------- */

static int
role(struct oscal *o, const char *id, const char *title, const char *description)
{
	TRY(report_xml_start(&o->x, "role"));
	TRY(report_xml_attr(&o->x, "id", id));
	TRY(report_xml_elem(&o->x, "title", title));
	TRY(oscal_para(o, "description", description));
	return report_xml_end(&o->x);
out:
	return -1;
}

static int
party(struct oscal *o, const char *kind, const char *item, const char *type, const char *name,
      const char *remarks)
{
	TRY(report_xml_start(&o->x, "party"));
	TRY(oscal_uuid_attr(o, "uuid", kind, item));
	TRY(report_xml_attr(&o->x, "type", type));
	TRY(report_xml_elem(&o->x, "name", name));
	if (remarks)
		TRY(oscal_para(o, "remarks", remarks));
	return report_xml_end(&o->x);
out:
	return -1;
}

/* <responsible-party role-id> with one party-uuid, or every person of the
 * role in people (rows of people_sql); nothing when there is none. */
static int
responsible(struct oscal *o, const char *role_id, const char *kind, sqlite3_stmt *people)
{
	char uuid[37];
	bool open = false;
	int src;

	if (!people) {
		TRY(report_xml_start(&o->x, "responsible-party"));
		TRY(report_xml_attr(&o->x, "role-id", role_id));
		if (!report_uuid(o->scan_id, kind, "", uuid))
			goto fail;
		TRY(report_xml_elem(&o->x, "party-uuid", uuid));
		return report_xml_end(&o->x);
	}
	sqlite3_reset(people);
	while ((src = sqlite3_step(people)) == SQLITE_ROW) {
		if (strcmp(report_text(people, 1), role_id) != 0)
			continue;
		if (!open) {
			TRY(report_xml_start(&o->x, "responsible-party"));
			TRY(report_xml_attr(&o->x, "role-id", role_id));
			open = true;
		}
		if (!report_uuid(o->scan_id, kind, report_text(people, 0), uuid))
			goto fail;
		TRY(report_xml_elem(&o->x, "party-uuid", uuid));
	}
	if (src != SQLITE_DONE)
		return -2;
	return open ? report_xml_end(&o->x) : 0;
fail:
	o->x.failed = true;
out:
	return -1;
}

/* The organization assessed: the one named by option, else the report
 * template's (templates/); empty while it is the template's placeholder. */
static attest_rc
organization(struct oscal *o, struct core_buf *out)
{
	attest_ctx *ctx = store_ctx(o->x.store);
	struct report_template *owned = NULL;
	const struct report_template *t;
	const char *name;
	bool is_default;
	attest_rc rc = report_template_get(ctx, &t, &owned);

	if (rc == ATTEST_OK) {
		name = report_organization(ctx, t, &is_default);
		rc = core_buf_adds(out, is_default ? "" : name);
	}
	report_template_free(owned);
	return rc;
}

attest_rc
oscal_write_metadata(struct oscal *o, sqlite3_stmt *st)
{
	sqlite3_stmt *people = report_query(o->x.store, people_sql, o->scan_id);
	struct core_buf d;
	attest_rc rc;
	int src, r = -1;

	core_buf_init(&d, 1 << 20);
	if (!people)
		return ATTEST_ERR_DB;
	if ((rc = organization(o, &d)) != ATTEST_OK)
		goto done;
	TRY(report_xml_start(&o->x, "metadata"));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "attest assessment results: scan %s", report_text(st, 0)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_elem(&o->x, "last-modified", report_text(st, 2)));
	TRY(report_xml_elem(&o->x, "version", report_text(st, 0)));
	TRY(report_xml_elem(&o->x, "oscal-version", OSCAL_VERSION));
	TRY(oscal_prop(o, "scan-id", report_text(st, 0)));
	TRY(oscal_prop(o, "attest-version", report_text(st, 4)));
	TRY(oscal_prop(o, "inventory-sha256", report_text(st, 7)));
	TRY(role(o, "system-owner", "System owner",
		 "The organization whose cloud estate was assessed."));
	TRY(role(o, "prepared-by", "Prepared by",
		 "The automated assessment tool that judged the estate and wrote these results."));
	TRY(role(o, "approver", "Exception approver",
		 "A person who accepted a risk by approving an exception."));
	TRY(role(o, "attester", "Attester",
		 "A person who verified a manual control and attested to it."));
	TRY(party(o, OSCAL_ORG, "", "organization", *d.data ? d.data : "not named", NULL));
	TRY(party(o, OSCAL_TOOL_PARTY, "", "organization", "attest",
		  "attest is software: the automated assessment tool, recorded as the origin "
		  "(actor type tool) of every observation it made."));
	sqlite3_reset(people);
	while ((src = sqlite3_step(people)) == SQLITE_ROW) {
		/* A person both approver and attester is one party. */
		if (strcmp(report_text(people, 1), "attester") == 0) {
			sqlite3_stmt *dup = report_query(
				o->x.store,
				"SELECT 1 FROM scan_exceptions WHERE scan_id = ?1 AND approver = ?2",
				o->scan_id);

			if (!dup)
				goto done;
			sqlite3_bind_text(dup, 2, report_text(people, 0), -1, SQLITE_TRANSIENT);
			src = sqlite3_step(dup);
			sqlite3_finalize(dup);
			if (src == SQLITE_ROW)
				continue;
		}
		TRY(party(o, OSCAL_PARTY, report_text(people, 0), "person", report_text(people, 0),
			  NULL));
	}
	TRY(responsible(o, "system-owner", OSCAL_ORG, NULL));
	TRY(responsible(o, "prepared-by", OSCAL_TOOL_PARTY, NULL));
	if (responsible(o, "approver", OSCAL_PARTY, people) < 0 ||
	    responsible(o, "attester", OSCAL_PARTY, people) < 0)
		goto out;
	TRY(report_xml_end(&o->x));
	TRY(report_xml_start(&o->x, "import-ap"));
	{
		char uuid[37], href[40];

		if (!report_uuid(o->scan_id, "assessment-plan", "", uuid))
			goto out;
		snprintf(href, sizeof(href), "#%s", uuid);
		TRY(report_xml_attr(&o->x, "href", href));
	}
	TRY(report_xml_end(&o->x));
	r = 0;
out:
	rc = report_xml_result(&o->x, r < 0 ? ATTEST_ERR_DB : ATTEST_OK,
			       "cannot read the exceptions and attestations of the scan");
done:
	sqlite3_finalize(people);
	core_buf_release(&d);
	return rc;
}
