/*
 * Exceptions and attestations: the human decisions a scan applies on top of
 * the checks (doc/exceptions-and-attestations.md).
 *
 * An exception accepts the failure of one check on the resources it matches
 * until it expires: matching `fail` rows become `excepted` (never `pass`),
 * and the exception records that it was used. An attestation records that a
 * person verified a manual control; until it expires the control counts as
 * satisfied (`attested`). Both files are XML validated against a schema in
 * frameworks/; an entry naming a check or control that does not exist is an
 * error with file and line, since a typo would otherwise silently leave a
 * finding unexcepted or a control unattested. Lapsed entries do not apply and
 * the scan warns about each.
 */
#include "config.h"

#include "engine_int.h"

#include <stdlib.h>
#include <string.h>

static attest_rc
load_doc(attest_library *lib, const char *path, const char *xsd, xmlDocPtr *doc)
{
	char schema_path[4096];
	xmlSchemaPtr schema = NULL;
	attest_rc rc;

	snprintf(schema_path, sizeof(schema_path), "%s/frameworks/%s", attest_datadir(), xsd);
	if ((rc = attest_xml_schema_load(lib->ctx, schema_path, &schema)) != ATTEST_OK)
		return rc;
	rc = attest_xml_load(lib->ctx, path, schema, doc);
	xmlSchemaFree(schema);
	return rc;
}

static bool
control_exists(const attest_library *lib, const char *fw_id, const char *control,
	       bool *manual)
{
	const struct framework *fw = lib_find_framework(lib, fw_id);
	size_t i;

	for (i = 0; fw && i < fw->n_controls; i++)
		if (strcmp(fw->controls[i].id, control) == 0) {
			*manual = fw->controls[i].manual;
			return true;
		}
	return false;
}

/* Binds the text of child `name` of node (NULL when absent) at index i. */
static attest_rc
bind_child(sqlite3_stmt *st, int i, xmlNodePtr node, const char *name)
{
	char *text = attest_xml_text(attest_xml_child(node, name));

	if (!text && attest_xml_child(node, name))
		return ATTEST_ERR_NOMEM;
	sqlite3_bind_text(st, i, text, -1, free);
	return ATTEST_OK;
}

static attest_rc
add_exception(attest_library *lib, sqlite3 *db, sqlite3_stmt *st, xmlNodePtr node,
	      const char *path, const char *today)
{
	xmlNodePtr match = attest_xml_child(node, "match"), tag = attest_xml_child(match, "tag");
	char *id = attest_xml_attr(node, "id");
	char *check = attest_xml_text(attest_xml_child(node, "check"));
	char *expires = attest_xml_text(attest_xml_child(node, "expires"));
	char *key = tag ? attest_xml_attr(tag, "key") : NULL;
	int line = (int)xmlGetLineNo(node);
	attest_rc rc = ATTEST_ERR_NOMEM;

	if (!id || !check || !expires || (tag && !key))
		goto out;
	if (!lib_find_check(lib, check)) {
		rc = attest_error(lib->ctx, ATTEST_ERR_INVALID,
				  "invalid '%s' at line %d: exception '%s' names unknown check '%s'",
				  path, line, id, check);
		goto out;
	}
	if (!attest_xml_child(match, NULL)) {
		rc = attest_error(lib->ctx, ATTEST_ERR_INVALID,
				  "invalid '%s' at line %d: exception '%s' matches every resource; "
				  "name a resource-id, arn, account, region or tag",
				  path, line, id);
		goto out;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, check, -1, SQLITE_STATIC);
	if (bind_child(st, 3, match, "resource-id") || bind_child(st, 4, match, "arn") ||
	    bind_child(st, 5, match, "account") || bind_child(st, 6, match, "region") ||
	    bind_child(st, 8, match, "tag") || bind_child(st, 9, node, "justification") ||
	    bind_child(st, 10, node, "approver") || bind_child(st, 11, node, "approved"))
		goto out;
	sqlite3_bind_text(st, 7, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, expires, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, strncmp(expires, today, 10) >= 0);
	sqlite3_bind_text(st, 14, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = attest_error(lib->ctx, ATTEST_ERR_INVALID, "invalid '%s' at line %d: %s", path,
				  line, sqlite3_errcode(db) == SQLITE_CONSTRAINT
						? "exception id used twice"
						: sqlite3_errmsg(db));
		goto out;
	}
	if (strncmp(expires, today, 10) < 0)
		attest_log(lib->ctx, ATTEST_LOG_WARN,
			   "exception '%s' ('%s' line %d) expired on %s and no longer applies", id,
			   path, line, expires);
	rc = ATTEST_OK;
out:
	free(id);
	free(check);
	free(expires);
	free(key);
	return rc == ATTEST_ERR_NOMEM ? attest_nomem(lib->ctx) : rc;
}

static attest_rc
add_attestation(attest_library *lib, sqlite3 *db, sqlite3_stmt *st, xmlNodePtr node,
		const char *path, const char *today)
{
	char *fw = attest_xml_attr(node, "framework"), *control = attest_xml_attr(node, "control");
	char *expires = attest_xml_text(attest_xml_child(node, "expires"));
	xmlNodePtr ev = attest_xml_child(node, "evidence");
	char *href = ev ? attest_xml_attr(ev, "href") : NULL;
	int line = (int)xmlGetLineNo(node);
	bool manual = false;
	attest_rc rc = ATTEST_ERR_NOMEM;

	if (!fw || !control || !expires)
		goto out;
	if (!lib_find_framework(lib, fw) || !control_exists(lib, fw, control, &manual)) {
		rc = attest_error(lib->ctx, ATTEST_ERR_INVALID,
				  "invalid '%s' at line %d: no control '%s' in framework '%s'", path,
				  line, control, fw);
		goto out;
	}
	if (!manual) {
		rc = attest_error(lib->ctx, ATTEST_ERR_INVALID,
				  "invalid '%s' at line %d: control '%s' of '%s' is automated; only "
				  "manual controls are attested",
				  path, line, control, fw);
		goto out;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, fw, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, control, -1, SQLITE_STATIC);
	if (bind_child(st, 3, node, "attested-by") || bind_child(st, 4, node, "date") ||
	    bind_child(st, 5, node, "statement") || bind_child(st, 6, node, "evidence"))
		goto out;
	sqlite3_bind_text(st, 7, href, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, expires, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, strncmp(expires, today, 10) >= 0);
	sqlite3_bind_text(st, 10, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = attest_error(lib->ctx, ATTEST_ERR_INVALID, "invalid '%s' at line %d: %s", path,
				  line, sqlite3_errcode(db) == SQLITE_CONSTRAINT
						? "this control is attested twice"
						: sqlite3_errmsg(db));
		goto out;
	}
	if (strncmp(expires, today, 10) < 0)
		attest_log(lib->ctx, ATTEST_LOG_WARN,
			   "attestation of %s control '%s' ('%s' line %d) expired on %s and no "
			   "longer applies",
			   fw, control, path, line, expires);
	rc = ATTEST_OK;
out:
	free(fw);
	free(control);
	free(expires);
	free(href);
	return rc == ATTEST_ERR_NOMEM ? attest_nomem(lib->ctx) : rc;
}

attest_rc
policy_load(attest_library *lib, sqlite3 *db, const struct attest_eval_opts *o, time_t now)
{
	static const char exc_sql[] =
		"INSERT INTO exc(exception_id, check_id, resource_id, arn, account, region,"
		" tag_key, tag_value, justification, approver, approved, expires, active, source)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	static const char att_sql[] =
		"INSERT INTO att(framework, control_id, attested_by, attested_on, statement,"
		" evidence, evidence_href, expires, active, source) VALUES (?,?,?,?,?,?,?,?,?,?)";
	xmlDocPtr doc = NULL;
	xmlNodePtr n;
	sqlite3_stmt *st = NULL;
	char today[21];
	size_t i;
	attest_rc rc = ATTEST_OK;

	/* Expiry is judged against the scan's reference time, as dates are; an
	 * xs:date may carry a zone suffix, so only its YYYY-MM-DD is compared. */
	attest_time_iso(now, today);
	today[10] = '\0';
	for (i = 0; i < o->n_exception_files && rc == ATTEST_OK; i++) {
		if ((rc = load_doc(lib, o->exception_files[i], "exceptions.xsd", &doc)) != ATTEST_OK)
			break;
		if (sqlite3_prepare_v2(db, exc_sql, -1, &st, NULL) != SQLITE_OK)
			rc = attest_error(lib->ctx, ATTEST_ERR_DB, "exceptions: %s", sqlite3_errmsg(db));
		for (n = attest_xml_child(xmlDocGetRootElement(doc), "exception"); n && !rc;
		     n = attest_xml_next(n->next, "exception"))
			rc = add_exception(lib, db, st, n, o->exception_files[i], today);
		sqlite3_finalize(st);
		st = NULL;
		xmlFreeDoc(doc);
		doc = NULL;
	}
	for (i = 0; i < o->n_attestation_files && rc == ATTEST_OK; i++) {
		if ((rc = load_doc(lib, o->attestation_files[i], "attestations.xsd", &doc)) !=
		    ATTEST_OK)
			break;
		if (sqlite3_prepare_v2(db, att_sql, -1, &st, NULL) != SQLITE_OK)
			rc = attest_error(lib->ctx, ATTEST_ERR_DB, "attestations: %s",
					  sqlite3_errmsg(db));
		for (n = attest_xml_child(xmlDocGetRootElement(doc), "attestation"); n && !rc;
		     n = attest_xml_next(n->next, "attestation"))
			rc = add_attestation(lib, db, st, n, o->attestation_files[i], today);
		sqlite3_finalize(st);
		st = NULL;
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return rc;
}

/* Every pattern is a glob (* and ?), matched case-sensitively; a tag matches
 * when the resource has the key and its value matches the pattern. */
static const char apply_sql[] =
	"UPDATE res SET status = 'excepted', exception_id = ("
	"  SELECT e.exception_id FROM exc e JOIN resources r ON r.rid = res.rid"
	"  WHERE e.active AND e.check_id = res.check_id"
	"  AND (e.resource_id IS NULL OR r.id GLOB e.resource_id)"
	"  AND (e.arn IS NULL OR ifnull(r.arn, '') GLOB e.arn)"
	"  AND (e.account IS NULL OR ifnull(r.account, '') GLOB e.account)"
	"  AND (e.region IS NULL OR ifnull(r.region, '') GLOB e.region)"
	"  AND (e.tag_key IS NULL OR EXISTS (SELECT 1 FROM json_each(r.tags) t"
	"       WHERE t.key = e.tag_key AND t.value GLOB ifnull(e.tag_value, '*')))"
	"  ORDER BY e.exception_id LIMIT 1)"
	" WHERE status = 'fail' AND check_id IN (SELECT check_id FROM exc WHERE active);"
	"UPDATE res SET status = 'fail' WHERE status = 'excepted' AND exception_id IS NULL;"
	"UPDATE exc SET matched = (SELECT count(*) FROM res WHERE res.exception_id ="
	"  exc.exception_id);"
	/* Move the failures now excepted out of the check counts and statuses. */
	"UPDATE chk SET n_excepted = (SELECT count(*) FROM res WHERE res.check_id = chk.check_id"
	"  AND res.status = 'excepted'),"
	" n_fail = (SELECT count(*) FROM res WHERE res.check_id = chk.check_id"
	"  AND res.status = 'fail')"
	" WHERE check_id IN (SELECT check_id FROM exc WHERE active);"
	"UPDATE chk SET status = CASE WHEN n_error > 0 THEN 'error' ELSE 'excepted' END"
	"  WHERE status = 'fail' AND n_fail = 0 AND n_excepted > 0;";

attest_rc
policy_apply(attest_ctx *ctx, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_exec(db, apply_sql, NULL, NULL, NULL) != SQLITE_OK)
		return attest_error(ctx, ATTEST_ERR_DB, "applying exceptions: %s",
				    sqlite3_errmsg(db));
	/* An exception that matched nothing is likely stale or mistyped. */
	if (sqlite3_prepare_v2(db,
			       "SELECT exception_id, source FROM exc WHERE active AND matched = 0"
			       " ORDER BY exception_id",
			       -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			attest_log(ctx, ATTEST_LOG_WARN,
				   "exception '%s' ('%s') matched no failing finding",
				   (const char *)sqlite3_column_text(st, 0),
				   (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return ATTEST_OK;
}
