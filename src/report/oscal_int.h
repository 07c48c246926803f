/*
 * Inside the OSCAL renderer: the document being written and the pieces its
 * files share. oscal.c writes the document, oscal_meta.c its metadata (roles
 * and parties), oscal.c the reviewed controls and one finding per assessed control;
 * oscal_assets.c the result's local definitions (an inventory item per
 * judged resource, the tool as an assessment asset, a task per check that
 * failed or was excepted); oscal_obs.c the observations (check results,
 * attestations, collection gaps); oscal_risk.c the risks (failing checks,
 * exceptions in force).
 * Every UUID is a version 5 UUID of the scan id, a kind and an item
 * (report_uuid), so the same scan always gives the same document and every
 * reference can be computed where it is written.
 */
#ifndef ATTEST_OSCAL_INT_H
#define ATTEST_OSCAL_INT_H

#include "xmlout.h"

#define OSCAL_VERSION "1.0.6" /* the version the document claims */
#define OSCAL_NS "http://csrc.nist.gov/ns/oscal/1.0"
#define OSCAL_ATTEST_NS "urn:attest:oscal"

/* UUID kinds (report_uuid) for what is referenced across the document. */
#define OSCAL_RESOURCE "resource"           /* item: oscal_resource_key() */
#define OSCAL_PARTY "party"                 /* item: the person's name as written */
#define OSCAL_TOOL "tool"                   /* the attest component; item "" */
#define OSCAL_ORG "organization"            /* the party assessed; item "" */
#define OSCAL_TOOL_PARTY "tool-party"       /* attest as a party; item "" */
#define OSCAL_TASK "task"                   /* item: check id */
#define OSCAL_RISK "risk"                   /* item: check id */
#define OSCAL_EXC_RISK "exception-risk"     /* item: exception id */
#define OSCAL_OBS "observation"             /* item: finding id */
#define OSCAL_CHECK_OBS "check-observation" /* item: check id */
#define OSCAL_ATT_OBS "attestation"         /* item: "framework\ncontrol" */
#define OSCAL_PLATFORM "platform"           /* the assessment platform; item "" */

/* Where an audit package keeps the evidence of one check, relative to the
 * package's reports/ folder where the OSCAL file is (doc/audit-package.md). */
#define OSCAL_EVIDENCE_HREF "../evidence/checks/%s.ndjson"

struct oscal {
	struct report_xml x;
	const char *scan_id;
	char as_of[40];
	char version[64];    /* attest's version that ran the scan */
	struct core_buf tok; /* control tokens */
	struct core_buf val; /* prop values, folded text */
	struct core_buf key; /* resource keys and other scratch */
};

/* Each returns 0, or -1 after marking the writer failed. */
/* <prop name ns value/>, the value's white space folded; an empty value is
 * left out. */
int oscal_prop(struct oscal *o, const char *name, const char *value);
/* name="UUID of (scan, kind, item)". */
int oscal_uuid_attr(struct oscal *o, const char *name, const char *kind, const char *item);
/* <name><p>text</p></name>, white space folded. */
int oscal_para(struct oscal *o, const char *name, const char *text);
/* <origin><actor type="tool" actor-uuid="the attest component"/></origin> */
int oscal_origin_tool(struct oscal *o);
/* <subject subject-uuid type="inventory-item"> naming the resource of a row
 * whose columns type, account, region, id, arn, name start at col. */
int oscal_subject(struct oscal *o, sqlite3_stmt *st, int col);

/* The key of a resource in the UUID of its inventory item: type, account,
 * region and id on lines, in o->key; NULL after marking the writer failed. */
const char *oscal_resource_key(struct oscal *o, const char *type, const char *account,
			       const char *region, const char *id);
/* The token of a framework's control (report_control_token) in o->tok. */
const char *oscal_token(struct oscal *o, const char *framework, const char *control);

/* Runs row() over every row of sql, ?1 bound to the scan id; what names
 * the read in messages. A row() of -2 left a store error on the context. */
attest_rc oscal_each_row(struct oscal *o, const char *sql,
			 int (*row)(struct oscal *o, sqlite3_stmt *st), const char *what);

/* <metadata> of the document from the scan's row (oscal_meta.c): scan_id,
 * started_at, finished_at, as_of, attest_version... as oscal.c selects them. */
attest_rc oscal_write_metadata(struct oscal *o, sqlite3_stmt *scan);
/* <local-definitions> of the result (oscal_assets.c). */
attest_rc oscal_write_local_definitions(struct oscal *o);
/* Every <observation> (oscal_obs.c), then every <risk> (oscal_risk.c). */
attest_rc oscal_write_observations(struct oscal *o);
attest_rc oscal_write_risks(struct oscal *o);

#endif
