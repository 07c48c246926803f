/*
 * What a history database may contain: every column of every table checked
 * against what a scan writes there (types, well-formed JSON of the expected
 * shape, RFC 3339 UTC times within a sane range, ids, statuses within their
 * sets, digests, references between tables). SQLite's integrity check only
 * says the file is sound; a crafted export can be sound and still poison a
 * history (a malformed accounts array breaks every `history --account`, a
 * start time in the year 9999 is `latest` forever). `attest db import`
 * refuses an export with any problem, importing nothing, and `attest db
 * check` reports them, through this one validator.
 *
 * The rules are data: a condition in SQL over one row of one table, true
 * when the value is wrong. A rule whose table or column the database lacks
 * (an export of an older schema) is skipped.
 */
#include "config.h"

#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* Conditions true when column c holds a good value; every rule below is
 * NOT (good). CASE guards the JSON functions, which raise an error on
 * malformed JSON instead of returning false. */
#define TEXT(c, max) "(typeof(" c ") = 'text' AND length(" c ") BETWEEN 1 AND " #max ")"
#define OPT_TEXT(c, max) "(" c " IS NULL OR " TEXT(c, max) ")"
#define TIME(c)                                                                                    \
	"(typeof(" c ") = 'text' AND " c " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T"      \
	"[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"                                                       \
	" AND strftime('%Y-%m-%dT%H:%M:%SZ', julianday(" c ")) IS " c /* 02-30 is not a day */     \
	" AND " c " >= '2000-01-01T00:00:00Z'"                                                     \
	" AND " c " <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+1 day'))"
#define DATE(c)                                                                                    \
	"(typeof(" c ") = 'text' AND length(" c ") <= 40 AND " c                                   \
	" GLOB '*[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*')"
#define HEX64(c) "(typeof(" c ") = 'text' AND length(" c ") = 64 AND " c " NOT GLOB '*[^0-9a-f]*')"
#define COUNT(c) "(" c " IS NULL OR (typeof(" c ") = 'integer' AND " c " >= 0))"
#define SEQ(c) "(typeof(" c ") = 'integer' AND " c " >= 0)"
#define BOOL(c) "(typeof(" c ") = 'integer' AND " c " IN (0, 1))"
#define PERCENT(c)                                                                                 \
	"(" c " IS NULL OR (typeof(" c ") IN ('integer', 'real') AND " c " BETWEEN 0 AND 100))"
#define IN_SET(c, set) "(typeof(" c ") = 'text' AND " c " IN (" set "))"
#define JSON_IS(c, type)                                                                           \
	"(typeof(" c ") = 'text' AND CASE WHEN json_valid(" c ") THEN json_type(" c ") = '" type   \
	"' ELSE 0 END)"
#define JSON_TEXTS(c)                                                                              \
	"(" JSON_IS(c, "array") " AND CASE WHEN json_valid(" c ") THEN NOT EXISTS (SELECT 1"       \
				" FROM json_each(" c ") WHERE type <> 'text') ELSE 0 END)"
#define SCAN_ID(c)                                                                                 \
	"(typeof(" c ") = 'text' AND " c " GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T"        \
	"[0-9][0-9][0-9][0-9][0-9][0-9]Z-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"         \
	"[0-9a-f][0-9a-f]')"

#define CONTROL_STATUS                                                                             \
	"'pass', 'fail', 'error', 'not_evaluated', 'not_applicable', 'excepted', 'manual',"        \
	" 'attested'"
#define CHECK_STATUS "'pass', 'fail', 'error', 'not_evaluated', 'not_applicable', 'excepted'"
#define FINDING_STATUS "'pass', 'fail', 'error', 'not_applicable', 'excepted'"
#define SEVERITY "'critical', 'high', 'medium', 'low', 'informational'"

#define NEW_STATUS IN_SET("t.new_status", FINDING_STATUS)

/* @ stands for the schema ("main"."table" is written @table). */
struct rule {
	const char *table, *column;
	const char *good; /* SQL over the row, aliased t */
	const char *what; /* what the value must be */
};

/* How a row is named in messages, per table. */
struct table_key {
	const char *table, *label;
};

static const struct table_key keys[] = {
	{"scans", "'scan_id ' || quote(t.scan_id)"},
	{"scan_frameworks",
	 "'scan_id ' || quote(t.scan_id) || ', framework ' || quote(t.framework)"},
	{"scan_controls", "'scan_id ' || quote(t.scan_id) || ', control ' || quote(t.framework)"
			  " || '/' || quote(t.control_id)"},
	{"scan_control_checks", "'scan_id ' || quote(t.scan_id) || ', control ' ||"
				" quote(t.framework) || '/' || quote(t.control_id) || ', check ' ||"
				" quote(t.check_id)"},
	{"scan_checks", "'scan_id ' || quote(t.scan_id) || ', check ' || quote(t.check_id)"},
	{"findings", "'scan_id ' || quote(t.scan_id) || ', finding ' || quote(t.finding_id)"},
	{"scan_exceptions", "'scan_id ' || quote(t.scan_id) || ', exception ' ||"
			    " quote(t.exception_id)"},
	{"scan_attestations", "'scan_id ' || quote(t.scan_id) || ', control ' ||"
			      " quote(t.framework) || '/' || quote(t.control_id)"},
	{"scan_inputs", "'scan_id ' || quote(t.scan_id) || ', input ' || quote(t.seq)"},
	{"input_blobs", "'sha256 ' || quote(t.sha256)"},
	{"input_chunks", "'sha256 ' || quote(t.sha256) || ', chunk ' || quote(t.seq)"},
	{"scan_gaps", "'scan_id ' || quote(t.scan_id) || ', gap ' || quote(t.seq)"},
	{"scan_resources", "'scan_id ' || quote(t.scan_id) || ', resource ' ||"
			   " quote(t.resource_type) || '/' || quote(substr(t.resource_id, 1, 64))"},
	{"watch_events", "'event ' || quote(substr(t.event_key, 1, 64))"},
	{"deltas",
	 "'delta ' || quote(t.delta_id) || ', event ' || quote(substr(t.event_key, 1, 64))"},
	{"watch_dead_letters", "'message ' || quote(substr(t.message_id, 1, 64))"},
	{"alert_outbox", "'alert ' || quote(t.alert_id)"},
};

static const struct rule rules[] = {
	{"scans", "scan_id", SCAN_ID("t.scan_id"), "a scan id (YYYYMMDDTHHMMSSZ-8 hex digits)"},
	{"scans", "started_at", TIME("t.started_at"), "an RFC 3339 UTC time from 2000 to now"},
	{"scans", "finished_at", TIME("t.finished_at") " AND t.finished_at >= t.started_at",
	 "an RFC 3339 UTC time from started_at to now"},
	{"scans", "as_of", TIME("t.as_of"), "an RFC 3339 UTC time from 2000 to now"},
	{"scans", "attest_version", TEXT("t.attest_version", 64), "a version"},
	{"scans", "accounts", JSON_TEXTS("t.accounts"), "a JSON array of account ids"},
	{"scans", "regions", JSON_TEXTS("t.regions"), "a JSON array of region names"},
	{"scans", "scope",
	 "typeof(t.scope) = 'text' AND t.scope = 'aws:' || CASE WHEN " JSON_TEXTS(
		 "t.accounts") " THEN (SELECT ifnull(group_concat(value, ','), '') FROM json_each(t.accounts)) END",
	 "'aws:' and the scan's accounts, comma-separated"},
	{"scans", "sources",
	 JSON_IS("t.sources",
		 "array") " AND CASE WHEN json_valid(t.sources) THEN NOT EXISTS"
			  " (SELECT 1 FROM json_each(t.sources) s WHERE s.type <> 'object' OR"
			  " json_type(s.value, '$.path') IS NOT 'text' OR (json_type(s.value, '$.sha256') IS NOT"
			  " NULL AND NOT " HEX64(
				  "json_extract(s.value, '$.sha256')") ")) ELSE 0 END",
	 "a JSON array of source objects with a path and a SHA-256"},
	{"scans", "inventory_sha256", HEX64("t.inventory_sha256"), "a SHA-256 in hex"},
	{"scans", "resource_count", SEQ("t.resource_count"), "a count"},
	{"scans", "digests", BOOL("t.digests"), "0 or 1"},

	{"scan_frameworks", "framework", TEXT("t.framework", 256), "a framework id"},
	{"scan_frameworks", "seq", COUNT("t.seq"), "a position"},
	{"scan_frameworks", "score", PERCENT("t.score"), "a percentage"},
	{"scan_frameworks", "coverage", PERCENT("t.coverage"), "a percentage"},
	{"scan_frameworks", "n_total", COUNT("t.n_total"), "a count"},
	{"scan_frameworks", "n_pass", COUNT("t.n_pass"), "a count"},
	{"scan_frameworks", "n_fail", COUNT("t.n_fail"), "a count"},
	{"scan_frameworks", "n_manual", COUNT("t.n_manual"), "a count"},
	{"scan_frameworks", "n_not_evaluated", COUNT("t.n_not_evaluated"), "a count"},
	{"scan_frameworks", "n_not_applicable", COUNT("t.n_not_applicable"), "a count"},
	{"scan_frameworks", "n_error", COUNT("t.n_error"), "a count"},
	{"scan_frameworks", "n_excepted", COUNT("t.n_excepted"), "a count"},
	{"scan_frameworks", "n_attested", COUNT("t.n_attested"), "a count"},

	{"scan_controls", "framework",
	 "EXISTS (SELECT 1 FROM @scan_frameworks f WHERE f.scan_id = t.scan_id"
	 " AND f.framework = t.framework)",
	 "a framework of the scan"},
	{"scan_controls", "control_id", TEXT("t.control_id", 256), "a control id"},
	{"scan_controls", "seq", COUNT("t.seq"), "a position"},
	{"scan_controls", "assessment",
	 "t.assessment IS NULL OR " IN_SET("t.assessment", "'automated', 'manual'"),
	 "automated or manual"},
	{"scan_controls", "status", IN_SET("t.status", CONTROL_STATUS),
	 "a control status (" CONTROL_STATUS ")"},

	{"scan_control_checks", "control_id",
	 "EXISTS (SELECT 1 FROM @scan_controls c WHERE c.scan_id = t.scan_id"
	 " AND c.framework = t.framework AND c.control_id = t.control_id)",
	 "a control of the scan"},
	{"scan_control_checks", "check_id",
	 "EXISTS (SELECT 1 FROM @scan_checks c WHERE c.scan_id = t.scan_id"
	 " AND c.check_id = t.check_id)",
	 "a check of the scan"},

	{"scan_checks", "check_id", TEXT("t.check_id", 256), "a check id"},
	{"scan_checks", "severity", "t.severity IS NULL OR " IN_SET("t.severity", SEVERITY),
	 "a severity (" SEVERITY ")"},
	{"scan_checks", "requires", "t.requires IS NULL OR " JSON_TEXTS("t.requires"),
	 "a JSON array of resource types"},
	{"scan_checks", "refs", "t.refs IS NULL OR " JSON_IS("t.refs", "array"),
	 "a JSON array of references"},
	{"scan_checks", "status", IN_SET("t.status", CHECK_STATUS),
	 "a check status (" CHECK_STATUS ")"},
	{"scan_checks", "n_pass", COUNT("t.n_pass"), "a count"},
	{"scan_checks", "n_fail", COUNT("t.n_fail"), "a count"},
	{"scan_checks", "n_error", COUNT("t.n_error"), "a count"},
	{"scan_checks", "n_not_applicable", COUNT("t.n_not_applicable"), "a count"},
	{"scan_checks", "n_excepted", COUNT("t.n_excepted"), "a count"},
	{"scan_checks", "definition_sha256",
	 "t.definition_sha256 IS NULL OR " HEX64("t.definition_sha256"), "a SHA-256 in hex"},
	{"scan_checks", "dated", "t.dated IS NULL OR " BOOL("t.dated"), "0 or 1"},

	{"findings", "check_id",
	 "EXISTS (SELECT 1 FROM @scan_checks c WHERE c.scan_id = t.scan_id"
	 " AND c.check_id = t.check_id)",
	 "a check of the scan"},
	{"findings", "status", IN_SET("t.status", FINDING_STATUS),
	 "a finding status (" FINDING_STATUS ")"},
	{"findings", "resource_type", OPT_TEXT("t.resource_type", 256), "a resource type"},
	{"findings", "evidence", "t.evidence IS NULL OR " JSON_IS("t.evidence", "object"),
	 "a JSON object"},
	{"findings", "exception_id",
	 "t.exception_id IS NULL OR EXISTS (SELECT 1 FROM @scan_exceptions e"
	 " WHERE e.scan_id = t.scan_id AND e.exception_id = t.exception_id)",
	 "an exception of the scan"},
	{"findings", "exposed", BOOL("t.exposed"), "0 or 1"},

	{"scan_exceptions", "exception_id", TEXT("t.exception_id", 256), "an exception id"},
	{"scan_exceptions", "check_id", TEXT("t.check_id", 256), "a check id"},
	{"scan_exceptions", "match", JSON_IS("t.match", "object"), "a JSON object"},
	{"scan_exceptions", "approved", "t.approved IS NULL OR " DATE("t.approved"), "a date"},
	{"scan_exceptions", "expires", DATE("t.expires"), "a date"},
	{"scan_exceptions", "active", BOOL("t.active"), "0 or 1"},
	{"scan_exceptions", "matched", SEQ("t.matched"), "a count"},

	{"scan_attestations", "framework",
	 "EXISTS (SELECT 1 FROM @scan_frameworks f WHERE f.scan_id = t.scan_id"
	 " AND f.framework = t.framework)",
	 "a framework of the scan"},
	{"scan_attestations", "attested_on", DATE("t.attested_on"), "a date"},
	{"scan_attestations", "expires", DATE("t.expires"), "a date"},
	{"scan_attestations", "active", BOOL("t.active"), "0 or 1"},

	{"scan_inputs", "seq", "typeof(t.seq) = 'integer' AND t.seq >= 1", "a position from 1"},
	{"scan_inputs", "path", "typeof(t.path) = 'text'", "a path"},
	{"scan_inputs", "kept", BOOL("t.kept"), "0 or 1"},
	{"scan_inputs", "sha256",
	 "CASE WHEN t.kept IS 1 THEN " HEX64("t.sha256") " ELSE t.sha256 IS NULL OR " HEX64(
		 "t.sha256") " END",
	 "a SHA-256 in hex (required when the input is kept)"},
	{"input_blobs", "sha256", HEX64("t.sha256"), "a SHA-256 in hex"},
	{"input_blobs", "bytes", SEQ("t.bytes"), "a size"},
	{"input_chunks", "seq", SEQ("t.seq"), "a position"},
	{"input_chunks", "data", "typeof(t.data) = 'blob'", "a blob"},

	{"scan_gaps", "seq", "typeof(t.seq) = 'integer' AND t.seq >= 1", "a position from 1"},
	{"scan_gaps", "region", TEXT("t.region", 256), "a region"},
	{"scan_gaps", "service", TEXT("t.service", 256), "a service"},
	{"scan_gaps", "operation", TEXT("t.operation", 256), "an operation"},
	{"scan_gaps", "types", JSON_TEXTS("t.types"), "a JSON array of resource types"},

	{"scan_resources", "resource_type", TEXT("t.resource_type", 256), "a resource type"},
	{"scan_resources", "resource_id", "typeof(t.resource_id) = 'text'", "a resource id"},
	{"scan_resources", "config_sha256", HEX64("t.config_sha256"), "a SHA-256 in hex"},

	/* attest watch (watch.c); a delta's event is a declared reference */
	{"watch_events", "event_key", TEXT("t.event_key", 256), "an event key"},
	{"watch_events", "message_id", OPT_TEXT("t.message_id", 256), "a message id"},
	{"watch_events", "base_scan_id",
	 "t.base_scan_id IS NULL OR EXISTS (SELECT 1 FROM @scans s"
	 " WHERE s.scan_id = t.base_scan_id)",
	 "a stored scan"},
	{"watch_events", "source", TEXT("t.source", 256), "an event source"},
	{"watch_events", "name", TEXT("t.name", 256), "an event name"},
	{"watch_events", "event_time", TIME("t.event_time"),
	 "an RFC 3339 UTC time from 2000 to now"},
	{"watch_events", "received_at", TIME("t.received_at"),
	 "an RFC 3339 UTC time from 2000 to now"},
	{"watch_events", "resources", SEQ("t.resources"), "a count"},
	{"deltas", "at", TIME("t.at"), "an RFC 3339 UTC time from 2000 to now"},
	{"deltas", "check_id", TEXT("t.check_id", 256), "a check id"},
	{"deltas", "severity", "t.severity IS NULL OR " IN_SET("t.severity", SEVERITY),
	 "a severity (" SEVERITY ")"},
	{"deltas", "resource_type", OPT_TEXT("t.resource_type", 256), "a resource type"},
	{"deltas", "old_status", "t.old_status IS NULL OR " IN_SET("t.old_status", FINDING_STATUS),
	 "a finding status (" FINDING_STATUS ")"},
	{"deltas", "new_status",
	 "t.new_status IS NOT t.old_status AND (t.new_status IS NULL OR " NEW_STATUS ")",
	 "a finding status (" FINDING_STATUS ") other than old_status"},
	{"deltas", "evidence", "t.evidence IS NULL OR " JSON_IS("t.evidence", "object"),
	 "a JSON object"},
	{"watch_dead_letters", "received_at", TIME("t.received_at"),
	 "an RFC 3339 UTC time from 2000 to now"},
	{"watch_dead_letters", "body_sha256", "t.body_sha256 IS NULL OR " HEX64("t.body_sha256"),
	 "a SHA-256 in hex"},
	{"alert_outbox", "created_at", TIME("t.created_at"),
	 "an RFC 3339 UTC time from 2000 to now"},
	{"alert_outbox", "channel", TEXT("t.channel", 256), "a channel name"},
	{"alert_outbox", "payload", JSON_IS("t.payload", "object"), "a JSON object"},
	{"alert_outbox", "attempts", SEQ("t.attempts"), "a count"},
	/* retries back off into the future */
	{"alert_outbox", "next_attempt_at",
	 "typeof(t.next_attempt_at) = 'text' AND strftime('%Y-%m-%dT%H:%M:%SZ',"
	 " julianday(t.next_attempt_at)) IS t.next_attempt_at",
	 "an RFC 3339 UTC time"},
	{"alert_outbox", "delivered_at", "t.delivered_at IS NULL OR " TIME("t.delivered_at"),
	 "an RFC 3339 UTC time from 2000 to now"},
};

/* Not checked in an export being imported: an export of an attest older
 * than this file carried no copies of the inputs, and the import records
 * such inputs as not kept (transfer.c). */
static const struct rule history_rules[] = {
	{"scan_inputs", "kept",
	 "t.kept IS NOT 1 OR EXISTS (SELECT 1 FROM @input_blobs b WHERE b.sha256 = t.sha256)",
	 "1 without a kept copy of the input"},
};

static bool
has_column(sqlite3 *db, const char *schema, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1, ?2) WHERE name = ?3", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, schema, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, column, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

static const char *
key_of(const char *table)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].table, table) == 0)
			return keys[i].label;
	return "'row ' || t.rowid";
}

/* Appends sql with every @ replaced by the quoted schema and a dot. */
static attest_rc
add_sql(struct core_buf *b, const char *sql, const char *schema)
{
	attest_rc rc = ATTEST_OK;

	for (; rc == ATTEST_OK && *sql; sql++)
		rc = *sql == '@' ? core_buf_printf(b, "\"%s\".", schema) : core_buf_addc(b, *sql);
	return rc;
}

struct sink {
	void (*fn)(void *data, const char *problem);
	void *data;
	long long *problems;
};

static void
say(struct sink *k, const char *msg)
{
	(*k->problems)++;
	if (k->fn)
		k->fn(k->data, msg);
}

/* Rows of r->table that break r, at most limit of them. */
static attest_rc
run_rule(attest_ctx *ctx, sqlite3 *db, const char *schema, const struct rule *r, int limit,
	 struct sink *k)
{
	struct core_buf raw, sql;
	sqlite3_stmt *st = NULL;
	char msg[768];
	const char *label, *value;
	attest_rc rc = ATTEST_OK;
	int src;

	if (!has_column(db, schema, r->table, r->column))
		return ATTEST_OK; /* an older schema */
	core_buf_init(&raw, 1u << 16);
	core_buf_init(&sql, 1u << 16);
	if (core_buf_printf(&raw,
			    "SELECT %s, CASE typeof(t.\"%s\") WHEN 'blob' THEN 'a blob'"
			    " WHEN 'null' THEN 'NULL' ELSE quote(substr(t.\"%s\", 1, 48))"
			    " END FROM @\"%s\" t WHERE NOT coalesce((%s), 0) LIMIT %d",
			    key_of(r->table), r->column, r->column, r->table, r->good, limit) ||
	    add_sql(&sql, raw.data, schema)) {
		rc = core_nomem(ctx);
		goto out;
	}
	if (sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK) {
		rc = core_error(ctx, ATTEST_ERR_DB, "cannot check table %s, column %s: %s",
				r->table, r->column, sqlite3_errmsg(db));
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		label = (const char *)sqlite3_column_text(st, 0);
		value = (const char *)sqlite3_column_text(st, 1);
		snprintf(msg, sizeof(msg), "table %s, row (%s), column %s: not %s (it holds %s)",
			 r->table, label ? label : "?", r->column, r->what, value ? value : "?");
		say(k, msg);
	}
	if (src != SQLITE_DONE)
		rc = core_error(ctx, ATTEST_ERR_DB, "cannot check table %s, column %s: %s",
				r->table, r->column, sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	core_buf_release(&raw);
	core_buf_release(&sql);
	return rc;
}

/* The references SQLite declares (every row's scan, a chunk's blob). */
static attest_rc
foreign_keys(attest_ctx *ctx, sqlite3 *db, const char *schema, struct sink *k)
{
	sqlite3_stmt *st = NULL;
	char msg[512], *sql;
	int src;

	/* the statement form: the table-valued one ignores main's schema name */
	if (!(sql = sqlite3_mprintf("PRAGMA \"%w\".foreign_key_check", schema)))
		return core_nomem(ctx);
	src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (src != SQLITE_OK)
		return core_error(ctx, ATTEST_ERR_DB, "cannot check foreign keys: %s",
				  sqlite3_errmsg(db));
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(msg, sizeof(msg),
			 "table %s, row %s: refers to a row of %s that does not exist",
			 sqlite3_column_text(st, 0),
			 sqlite3_column_type(st, 1) == SQLITE_NULL
				 ? "(without rowid)"
				 : (const char *)sqlite3_column_text(st, 1),
			 sqlite3_column_text(st, 2));
		say(k, msg);
	}
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? ATTEST_OK
				  : core_error(ctx, ATTEST_ERR_DB, "cannot check foreign keys: %s",
					       sqlite3_errmsg(db));
}

attest_rc
store_validate(attest_ctx *ctx, sqlite3 *db, const char *schema, bool export_file, int limit,
	       void (*fn)(void *data, const char *problem), void *data, long long *problems)
{
	struct sink k = {fn, data, problems};
	attest_rc rc;
	size_t i;

	*problems = 0;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if ((rc = run_rule(ctx, db, schema, &rules[i], limit, &k)) != ATTEST_OK)
			return rc;
	for (i = 0; !export_file && i < sizeof(history_rules) / sizeof(history_rules[0]); i++)
		if ((rc = run_rule(ctx, db, schema, &history_rules[i], limit, &k)) != ATTEST_OK)
			return rc;
	/* last: a value that breaks a rule is named by its rule first */
	return foreign_keys(ctx, db, schema, &k);
}
