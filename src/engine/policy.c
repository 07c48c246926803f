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

	if ((rc = core_datadir_path(lib->ctx, schema_path, sizeof(schema_path), xsd)) !=
		    ATTEST_OK ||
	    (rc = core_xml_schema_load(lib->ctx, schema_path, &schema)) != ATTEST_OK)
		return rc;
	rc = core_xml_load(lib->ctx, path, schema, doc);
	xmlSchemaFree(schema);
	return rc;
}

static bool
control_exists(const attest_library *lib, const char *fw_id, const char *control, bool *manual)
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
	char *text = core_xml_text(core_xml_child(node, name));

	if (!text && core_xml_child(node, name))
		return ATTEST_ERR_NOMEM;
	sqlite3_bind_text(st, i, text, -1, free);
	return ATTEST_OK;
}

/* Reads the date in child `name` of node (what names the entry, for
 * messages): *end gets the first instant after it (xs_date_end), *text its
 * text without surrounding space, owned by the caller. An absent optional
 * child leaves *text NULL; a malformed date is an error naming the file,
 * line and element. */
static attest_rc
child_date(attest_library *lib, xmlNodePtr node, const char *name, const char *path,
	   const char *what, long long *end, char **text)
{
	xmlNodePtr child = core_xml_child(node, name);
	struct xs_date d;
	char *raw;
	size_t a, b;

	*text = NULL;
	if (!child)
		return ATTEST_OK;
	if (!(raw = core_xml_text(child)))
		return core_nomem(lib->ctx);
	if (!xs_date_parse(raw, &d)) {
		attest_rc rc = core_error(lib->ctx, ATTEST_ERR_INVALID,
					  "invalid '%s' at line %d: <%s> of %s is not a date "
					  "(YYYY-MM-DD, optionally with a zone): '%.60s'",
					  path, (int)xmlGetLineNo(child), name, what, raw);
		free(raw);
		return rc;
	}
	for (a = 0; raw[a] == ' ' || raw[a] == '\t' || raw[a] == '\n' || raw[a] == '\r'; a++)
		;
	for (b = strlen(raw); b > a && (raw[b - 1] == ' ' || raw[b - 1] == '\t' ||
					raw[b - 1] == '\n' || raw[b - 1] == '\r');
	     b--)
		;
	memmove(raw, raw + a, b - a);
	raw[b - a] = '\0';
	*end = xs_date_end(&d);
	*text = raw;
	return ATTEST_OK;
}

/* Values every estate has in a match field, for telling whether a pattern
 * restricts anything: a pattern that matches all of them would match every
 * resource (`*`, `?*`, `arn:*`, `*-*-?`). */
static const char *const id_probes[] = {
	"a",
	"Z",
	"0",
	"-",
	"_x",
	"i-0123456789abcdef0",
	"sg-1",
	"vpc-0a1b",
	"my.bucket-name",
	"arn:aws:iam::111122223333:role/r",
	"/aws/lambda/f",
	"x y",
	"\xc3\xa9t\xc3\xa9",
};
static const char *const arn_probes[] = {
	"arn:aws:s3:::b",
	"arn:aws:ec2:us-east-1:111122223333:instance/i-1",
	"arn:aws:iam::111122223333:role/r",
	"arn:aws-cn:ec2:cn-north-1:111122223333:vpc/vpc-1",
	"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k",
	"arn:aws:rds:eu-west-1:0:db:d",
};
static const char *const account_probes[] = {
	"000000000000", "111122223333", "123456789012", "210987654321", "999999999999",
};
static const char *const region_probes[] = {
	"us-east-1",    "eu-central-2",   "ap-northeast-3", "sa-east-1",
	"me-south-1",   "af-south-1",     "ca-west-1",      "il-central-1",
	"mx-central-1", "cn-northwest-1", "us-gov-east-1",  "us-isob-east-1",
};

/* True when pattern holds no literal character: only `*`, `?` and
 * bracket classes, which name no resource however they are combined. */
static bool
only_wildcards(const char *p)
{
	const char *close;

	for (; *p; p++) {
		if (*p == '*' || *p == '?')
			continue;
		if (*p != '[' || !(close = strchr(p + 2, ']')))
			return false;
		p = close;
	}
	return true;
}

/* True when the glob matches any value of its field. */
static bool
unrestricted(const char *pattern, const char *const *probes, size_t n)
{
	size_t i;

	if (only_wildcards(pattern))
		return true;
	for (i = 0; i < n; i++)
		if (sqlite3_strglob(pattern, probes[i]) != 0)
			return false;
	return true;
}

/* Whether the exception's match covers every resource, and the first
 * pattern that does (NULL for an empty match). */
static bool
matches_everything(xmlNodePtr match, const char **field, char **pattern)
{
	static const struct {
		const char *name;
		const char *const *probes;
		size_t n;
	} fields[] = {
		{"resource-id", id_probes, sizeof(id_probes) / sizeof(*id_probes)},
		{"arn", arn_probes, sizeof(arn_probes) / sizeof(*arn_probes)},
		{"account", account_probes, sizeof(account_probes) / sizeof(*account_probes)},
		{"region", region_probes, sizeof(region_probes) / sizeof(*region_probes)},
	};
	bool every = true;
	char *text;
	size_t i;

	*field = NULL;
	*pattern = NULL;
	if (core_xml_child(match, "tag"))
		return false; /* a tag key is always literal */
	for (i = 0; i < sizeof(fields) / sizeof(*fields) && every; i++) {
		if (!core_xml_child(match, fields[i].name))
			continue;
		text = core_xml_text(core_xml_child(match, fields[i].name));
		every = text && unrestricted(text, fields[i].probes, fields[i].n);
		if (every && !*pattern) {
			*field = fields[i].name;
			*pattern = text;
		} else {
			free(text);
		}
	}
	if (!every) {
		free(*pattern);
		*pattern = NULL;
	}
	return every;
}

/* An exception must say which resources it covers. One whose match covers
 * every resource switches the check off, so it needs scope="all" (and is
 * then logged, and recorded with its scope for every report); scope="all"
 * on an exception that names particular resources would be a false label. */
static attest_rc
check_scope(attest_library *lib, xmlNodePtr node, const char *path, const char *id,
	    const char *check, bool *all)
{
	char *scope = core_xml_attr(node, "scope"), *pattern = NULL;
	const char *field;
	int line = (int)xmlGetLineNo(node);
	bool every = matches_everything(core_xml_child(node, "match"), &field, &pattern);
	attest_rc rc = ATTEST_OK;

	*all = scope && strcmp(scope, "all") == 0;
	if (every && !*all && !pattern)
		rc = core_error(lib->ctx, ATTEST_ERR_INVALID,
				"invalid '%s' at line %d: exception '%s' matches every resource; "
				"name a resource-id, arn, account, region or tag, or say "
				"scope=\"all\" to except every failure of check '%s'",
				path, line, id, check);
	else if (every && !*all)
		rc = core_error(
			lib->ctx, ATTEST_ERR_INVALID,
			"invalid '%s' at line %d: exception '%s' matches every resource "
			"(<%s> '%.60s' matches any %s); name the resources it covers, or say "
			"scope=\"all\" to except every failure of check '%s'",
			path, line, id, field, pattern, field, check);
	else if (!every && *all)
		rc = core_error(
			lib->ctx, ATTEST_ERR_INVALID,
			"invalid '%s' at line %d: exception '%s' says scope=\"all\" but its "
			"match names particular resources; drop scope=\"all\" or the match",
			path, line, id);
	free(scope);
	free(pattern);
	return rc;
}

static attest_rc
add_exception(attest_library *lib, sqlite3 *db, sqlite3_stmt *st, xmlNodePtr node, const char *path,
	      long long now)
{
	xmlNodePtr match = core_xml_child(node, "match"), tag = core_xml_child(match, "tag");
	char *id = core_xml_attr(node, "id");
	char *check = core_xml_text(core_xml_child(node, "check"));
	char *key = tag ? core_xml_attr(tag, "key") : NULL;
	char *expires = NULL, *approved = NULL, what[128];
	int line = (int)xmlGetLineNo(node);
	long long end = 0, approved_end;
	bool all = false;
	attest_rc rc = ATTEST_ERR_NOMEM;

	if (!id || !check || (tag && !key))
		goto out;
	snprintf(what, sizeof(what), "exception '%s'", id);
	if ((rc = child_date(lib, node, "expires", path, what, &end, &expires)) != ATTEST_OK ||
	    (rc = child_date(lib, node, "approved", path, what, &approved_end, &approved)) !=
		    ATTEST_OK)
		goto out;
	rc = ATTEST_ERR_NOMEM;
	if (!expires)
		goto out;
	if (!lib_find_check(lib, check)) {
		rc = core_error(lib->ctx, ATTEST_ERR_INVALID,
				"invalid '%s' at line %d: exception '%s' names unknown check '%s'",
				path, line, id, check);
		goto out;
	}
	if ((rc = check_scope(lib, node, path, id, check, &all)) != ATTEST_OK)
		goto out;
	rc = ATTEST_ERR_NOMEM;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, check, -1, SQLITE_STATIC);
	if (bind_child(st, 3, match, "resource-id") || bind_child(st, 4, match, "arn") ||
	    bind_child(st, 5, match, "account") || bind_child(st, 6, match, "region") ||
	    bind_child(st, 8, match, "tag") || bind_child(st, 9, node, "justification") ||
	    bind_child(st, 10, node, "approver"))
		goto out;
	sqlite3_bind_text(st, 7, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, approved, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, expires, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, now < end);
	sqlite3_bind_text(st, 14, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, all ? "all" : NULL, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = core_error(lib->ctx, ATTEST_ERR_INVALID, "invalid '%s' at line %d: %s", path,
				line,
				sqlite3_errcode(db) == SQLITE_CONSTRAINT ? "exception id used twice"
									 : sqlite3_errmsg(db));
		goto out;
	}
	if (now >= end)
		core_log(lib->ctx, ATTEST_LOG_WARN,
			 "exception '%s' ('%s' line %d) expired on %s and no longer applies", id,
			 path, line, expires);
	else if (all)
		core_log(lib->ctx, ATTEST_LOG_WARN,
			 "exception '%s' ('%s' line %d) excepts every failure of check '%s' "
			 "(scope=\"all\") until %s",
			 id, path, line, check, expires);
	rc = ATTEST_OK;
out:
	free(id);
	free(check);
	free(expires);
	free(approved);
	free(key);
	return rc == ATTEST_ERR_NOMEM ? core_nomem(lib->ctx) : rc;
}

static attest_rc
add_attestation(attest_library *lib, sqlite3 *db, sqlite3_stmt *st, xmlNodePtr node,
		const char *path, long long now)
{
	char *fw = core_xml_attr(node, "framework"), *control = core_xml_attr(node, "control");
	char *expires = NULL, *date = NULL, what[256];
	xmlNodePtr ev = core_xml_child(node, "evidence");
	char *href = ev ? core_xml_attr(ev, "href") : NULL;
	int line = (int)xmlGetLineNo(node);
	long long end = 0, date_end;
	bool manual = false;
	attest_rc rc = ATTEST_ERR_NOMEM;

	if (!fw || !control)
		goto out;
	snprintf(what, sizeof(what), "the attestation of %.60s control '%.60s'", fw, control);
	if ((rc = child_date(lib, node, "expires", path, what, &end, &expires)) != ATTEST_OK ||
	    (rc = child_date(lib, node, "date", path, what, &date_end, &date)) != ATTEST_OK)
		goto out;
	rc = ATTEST_ERR_NOMEM;
	if (!expires || !date)
		goto out;
	if (!lib_find_framework(lib, fw) || !control_exists(lib, fw, control, &manual)) {
		rc = core_error(lib->ctx, ATTEST_ERR_INVALID,
				"invalid '%s' at line %d: no control '%s' in framework '%s'", path,
				line, control, fw);
		goto out;
	}
	if (!manual) {
		rc = core_error(lib->ctx, ATTEST_ERR_INVALID,
				"invalid '%s' at line %d: control '%s' of '%s' is automated; only "
				"manual controls are attested",
				path, line, control, fw);
		goto out;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_text(st, 1, fw, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, control, -1, SQLITE_STATIC);
	if (bind_child(st, 3, node, "attested-by") || bind_child(st, 5, node, "statement") ||
	    bind_child(st, 6, node, "evidence"))
		goto out;
	sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, href, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, expires, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, now < end);
	sqlite3_bind_text(st, 10, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = core_error(
			lib->ctx, ATTEST_ERR_INVALID, "invalid '%s' at line %d: %s", path, line,
			sqlite3_errcode(db) == SQLITE_CONSTRAINT ? "this control is attested twice"
								 : sqlite3_errmsg(db));
		goto out;
	}
	if (now >= end)
		core_log(lib->ctx, ATTEST_LOG_WARN,
			 "attestation of %s control '%s' ('%s' line %d) expired on %s and no "
			 "longer applies",
			 fw, control, path, line, expires);
	rc = ATTEST_OK;
out:
	free(fw);
	free(control);
	free(expires);
	free(date);
	free(href);
	return rc == ATTEST_ERR_NOMEM ? core_nomem(lib->ctx) : rc;
}

attest_rc
policy_load(attest_library *lib, sqlite3 *db, const struct attest_eval_opts *o, time_t now)
{
	static const char exc_sql[] =
		"INSERT INTO exc(exception_id, check_id, resource_id, arn, account, region,"
		" tag_key, tag_value, justification, approver, approved, expires, active, source,"
		" scope) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	static const char att_sql[] =
		"INSERT INTO att(framework, control_id, attested_by, attested_on, statement,"
		" evidence, evidence_href, expires, active, source) VALUES (?,?,?,?,?,?,?,?,?,?)";
	xmlDocPtr doc = NULL;
	xmlNodePtr n;
	sqlite3_stmt *st = NULL;
	size_t i;
	attest_rc rc = ATTEST_OK;

	/* Expiry is judged against the scan's reference time, as dates are: an
	 * entry is in force until the end of its expiry date (in the date's
	 * zone, UTC without one). */
	for (i = 0; i < o->n_exception_files && rc == ATTEST_OK; i++) {
		if ((rc = load_doc(lib, o->exception_files[i], "frameworks/exceptions.xsd",
				   &doc)) != ATTEST_OK)
			break;
		if (sqlite3_prepare_v2(db, exc_sql, -1, &st, NULL) != SQLITE_OK)
			rc = core_db_error(lib->ctx, db, "exceptions");
		for (n = core_xml_child(xmlDocGetRootElement(doc), "exception"); n && !rc;
		     n = core_xml_next(n->next, "exception"))
			rc = add_exception(lib, db, st, n, o->exception_files[i], (long long)now);
		sqlite3_finalize(st);
		st = NULL;
		xmlFreeDoc(doc);
		doc = NULL;
	}
	for (i = 0; i < o->n_attestation_files && rc == ATTEST_OK; i++) {
		if ((rc = load_doc(lib, o->attestation_files[i], "frameworks/attestations.xsd",
				   &doc)) != ATTEST_OK)
			break;
		if (sqlite3_prepare_v2(db, att_sql, -1, &st, NULL) != SQLITE_OK)
			rc = core_db_error(lib->ctx, db, "attestations");
		for (n = core_xml_child(xmlDocGetRootElement(doc), "attestation"); n && !rc;
		     n = core_xml_next(n->next, "attestation"))
			rc = add_attestation(lib, db, st, n, o->attestation_files[i],
					     (long long)now);
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
		return core_db_error(ctx, db, "applying exceptions");
	/* An exception that matched nothing is likely stale or mistyped. */
	if (sqlite3_prepare_v2(db,
			       "SELECT exception_id, source FROM exc WHERE active AND matched = 0"
			       " ORDER BY exception_id",
			       -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			core_log(ctx, ATTEST_LOG_WARN,
				 "exception '%s' ('%s') matched no failing finding",
				 (const char *)sqlite3_column_text(st, 0),
				 (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return ATTEST_OK;
}
