/*
 * The local definitions of the OSCAL result: what its references resolve
 * to. One inventory item per resource a check judged (every observation's
 * and every risk's subject names one), attest itself as an assessment asset
 * (the tool component every origin names, on a platform that uses it), and
 * one assessment task per check that failed or was excepted (the task a
 * risk's origin relates its subjects to).
 */
#include "config.h"

#include "oscal_int.h"

/* 0 type, 1 account, 2 region, 3 id, 4 arn, 5 name: each judged resource once. */
static const char items_sql[] =
	"SELECT resource_type, account, region, resource_id, max(arn), max(name) FROM findings"
	" WHERE scan_id = ?1 GROUP BY resource_type, account, region, resource_id"
	" ORDER BY resource_type, account, region, resource_id";

static const char tasks_sql[] =
	"SELECT check_id, title, severity FROM scan_checks"
	" WHERE scan_id = ?1 AND (n_fail > 0 OR n_excepted > 0) ORDER BY check_id";

static int
write_item(struct oscal *o, sqlite3_stmt *st)
{
	const char *key = oscal_resource_key(o, report_text(st, 0), report_text(st, 1),
					     report_text(st, 2), report_text(st, 3));

	if (!key)
		return -1;
	TRY(report_xml_start(&o->x, "inventory-item"));
	TRY(oscal_uuid_attr(o, "uuid", OSCAL_RESOURCE, key));
	TRY(report_xml_start(&o->x, "description"));
	TRY(report_xml_start(&o->x, "p"));
	TRY(report_xml_textf(&o->x, "%s %s", report_text(st, 0), report_text(st, 3)));
	if (*report_text(st, 1))
		TRY(report_xml_textf(&o->x, " in account %s", report_text(st, 1)));
	if (*report_text(st, 2))
		TRY(report_xml_textf(&o->x, ", region %s", report_text(st, 2)));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	/* asset-id is OSCAL's own name for an asset's identifier. */
	TRY(report_xml_start(&o->x, "prop"));
	TRY(report_xml_attr(&o->x, "name", "asset-id"));
	TRY(report_xml_attr(&o->x, "value",
			    *report_text(st, 4) ? report_text(st, 4) : report_text(st, 3)));
	TRY(report_xml_end(&o->x));
	TRY(oscal_prop(o, "resource-type", report_text(st, 0)));
	TRY(oscal_prop(o, "resource-id", report_text(st, 3)));
	TRY(oscal_prop(o, "name", report_text(st, 5)));
	TRY(oscal_prop(o, "arn", report_text(st, 4)));
	TRY(oscal_prop(o, "region", report_text(st, 2)));
	TRY(oscal_prop(o, "account", report_text(st, 1)));
	return report_xml_end(&o->x);
out:
	return -1;
}

static int
write_task(struct oscal *o, sqlite3_stmt *st)
{
	TRY(report_xml_start(&o->x, "assessment-task"));
	TRY(oscal_uuid_attr(o, "uuid", OSCAL_TASK, report_text(st, 0)));
	TRY(report_xml_attr(&o->x, "type", "action"));
	TRY(report_xml_elem(&o->x, "title", report_text(st, 1)));
	TRY(oscal_para(o, "description",
		       "Evaluate the check's query over every resource of its "
		       "type in the inventory."));
	TRY(oscal_prop(o, "check", report_text(st, 0)));
	TRY(oscal_prop(o, "severity", report_text(st, 2)));
	return report_xml_end(&o->x);
out:
	return -1;
}

static int
write_assets(struct oscal *o)
{
	TRY(report_xml_start(&o->x, "assessment-assets"));
	TRY(report_xml_start(&o->x, "component"));
	TRY(oscal_uuid_attr(o, "uuid", OSCAL_TOOL, ""));
	TRY(report_xml_attr(&o->x, "type", "software"));
	TRY(report_xml_elem(&o->x, "title", "attest"));
	TRY(report_xml_start(&o->x, "description"));
	TRY(report_xml_start(&o->x, "p"));
	TRY(report_xml_textf(&o->x,
			     "attest %s: automated assessment of a cloud estate's "
			     "configuration. It evaluated each check's query over the "
			     "inventory and mapped the results to the framework controls.",
			     o->version));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	TRY(oscal_prop(o, "version", o->version));
	TRY(report_xml_start(&o->x, "status"));
	TRY(report_xml_attr(&o->x, "state", "operational"));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_start(&o->x, "assessment-platform"));
	TRY(oscal_uuid_attr(o, "uuid", OSCAL_PLATFORM, ""));
	TRY(report_xml_start(&o->x, "title"));
	TRY(report_xml_textf(&o->x, "attest %s", o->version));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_start(&o->x, "uses-component"));
	TRY(oscal_uuid_attr(o, "component-uuid", OSCAL_TOOL, ""));
	TRY(report_xml_end(&o->x));
	TRY(report_xml_end(&o->x));
	return report_xml_end(&o->x);
out:
	return -1;
}

attest_rc
oscal_write_local_definitions(struct oscal *o)
{
	attest_rc rc;

	if (report_xml_start(&o->x, "local-definitions") < 0)
		return ATTEST_ERR_IO;
	if ((rc = oscal_each_row(o, items_sql, write_item,
				 "cannot read the resources of the scan")) != ATTEST_OK)
		return rc;
	if (write_assets(o) < 0)
		return ATTEST_ERR_IO;
	if ((rc = oscal_each_row(o, tasks_sql, write_task, "cannot read the checks of the scan")) !=
	    ATTEST_OK)
		return rc;
	return report_xml_end(&o->x) < 0 ? ATTEST_ERR_IO : ATTEST_OK;
}
