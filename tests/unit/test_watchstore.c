/*
 * Unit tests for what attest watch stores in the history database
 * (src/store/watch.c, changes_read.c, and the parts of transfer.c,
 * validate.c and maintain.c that know its tables): an event with its deltas
 * and alerts lands whole or not at all, an event key is stored once,
 * credentials are redacted, a version-7 database migrates, changes list and
 * filter, a newly failing finding names its cause, and export/import, check
 * and prune carry, validate and delete the deltas with their base scan.
 * Scans come from evaluating the bundled sample estate once.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "harness.h"
#include "testutil.h"
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];
static attest_ctx *ctx;
static attest_library *lib;
static attest_inventory *inv;

/* ---- helpers -------------------------------------------------------------- */

static attest_store *
fresh_store(const char *name, char *path, size_t n)
{
	attest_store *s = NULL;

	snprintf(path, n, "%s/%s", dir, name);
	unlink(path);
	CU_ASSERT_EQUAL(attest_store_open(ctx, path, &s), ATTEST_OK);
	return s;
}

static long long
count(attest_store *s, const char *sql)
{
	return tu_q_int(store_db(s), sql);
}

static time_t
at(const char *iso)
{
	time_t t = 0;

	CU_ASSERT_TRUE(core_time_parse(iso, &t));
	return t;
}

static struct attest_watch_event
event(const char *key, const char *base, const char *received)
{
	struct attest_watch_event ev = {
		.key = key,
		.message_id = "msg-1",
		.base_scan_id = base,
		.source = "aws.ec2",
		.name = "AuthorizeSecurityGroupIngress",
		.actor = "arn:aws:iam::123456789012:user/mallory",
		.actor_type = "IAMUser",
		.account = "123456789012",
		.region = "us-east-1",
		.event_time = at(received) - 30,
		.received_at = at(received),
		.resources = 1,
	};
	return ev;
}

static const struct attest_delta plain = {
	.check_id = "ec2-sg-open-ssh",
	.severity = "high",
	.resource_type = "AWS::EC2::SecurityGroup",
	.resource_id = "sg-1",
	.region = "us-east-1",
	.account = "123456789012",
	.old_status = "pass",
	.new_status = "fail",
	.reason = "port 22 open to 0.0.0.0/0",
	.evidence = "{\"IpPermissions\": []}",
};

/* ---- writing -------------------------------------------------------------- */

static void
test_save_atomic(void)
{
	char path[4096];
	attest_store *s = fresh_store("atomic.db", path, sizeof(path));
	struct attest_watch_event ev = event("evt-1", NULL, "2026-03-01T10:00:00Z");
	struct attest_delta d[3] = {plain, plain, plain};
	const char *payloads[2] = {"{\"alerts\": []}", "{\"alerts\": []}"};
	const char *channels[2] = {"ops-webhook", NULL}; /* NOT NULL violated last */
	bool seen = true;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	d[1].resource_id = "sg-2";
	d[2].resource_id = "sg-3";
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, d, 3, payloads, channels, 2),
			ATTEST_ERR_DB);
	CU_ASSERT_TRUE(tu_errmsg_has(ctx, "nothing stored"));
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM watch_events"), 0);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas"), 0);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM alert_outbox"), 0);
	CU_ASSERT_EQUAL(attest_store_event_seen(s, "evt-1", &seen), ATTEST_OK);
	CU_ASSERT_FALSE(seen);

	/* a delta that is no change of a finding's status is refused whole */
	d[2].new_status = "broken";
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, d, 3, NULL, NULL, 0), ATTEST_ERR_USAGE);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas"), 0);
	d[2].new_status = "fail";

	/* an alert whose payload is not a JSON object is refused whole */
	channels[1] = "ops-email";
	payloads[1] = "[1, 2]";
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, d, 3, payloads, channels, 2),
			ATTEST_ERR_USAGE);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM alert_outbox"), 0);
	payloads[1] = "{\"alerts\": []}";
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, d, 3, payloads, channels, 2), ATTEST_OK);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas WHERE event_key = 'evt-1'"), 3);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM alert_outbox WHERE attempts = 0"
				 " AND delivered_at IS NULL AND next_attempt_at = created_at"),
			2);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas WHERE at = '2026-03-01T10:00:00Z'"),
			3);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM watch_events WHERE"
				 " event_time = '2026-03-01T09:59:30Z' AND resources = 1"),
			1);

	/* the same event again: seen, and refused with nothing added */
	CU_ASSERT_EQUAL(attest_store_event_seen(s, "evt-1", &seen), ATTEST_OK);
	CU_ASSERT_TRUE(seen);
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, d, 1, payloads, channels, 1),
			ATTEST_ERR_INVALID);
	CU_ASSERT_TRUE(tu_errmsg_has(ctx, "already stored"));
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas"), 3);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM alert_outbox"), 2);

	/* an event with no key is a caller's error */
	ev.key = NULL;
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, d, 1, NULL, NULL, 0), ATTEST_ERR_USAGE);
	attest_store_close(s);
}

static void
test_redaction(void)
{
	char path[4096];
	attest_store *s = fresh_store("redact.db", path, sizeof(path));
	struct attest_watch_event ev = event("evt-r", NULL, "2026-03-01T10:00:00Z");
	struct attest_delta d = plain;
	const char *payload = "{\"alerts\": [{\"reason\": \"key AKIAIOSFODNN7EXAMPLE\"}]}";
	const char *channel = "ops";

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	ev.user_agent = "aws-cli AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
	d.reason = "the user data exports AKIAIOSFODNN7EXAMPLE";
	d.evidence = "{\"Tags\": [{\"Key\": \"db_password\", \"Value\": \"hunter2hunter2\"}]}";
	CU_ASSERT_EQUAL_FATAL(attest_store_save_delta(s, &ev, &d, 1, &payload, &channel, 1),
			      ATTEST_OK);
	CU_ASSERT_EQUAL(attest_store_dead_letter(s, "m-9", at("2026-03-01T10:00:00Z"),
						 "not JSON: password=hunter2hunter2", NULL),
			ATTEST_OK);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas WHERE reason LIKE '%AKIA%'"
				 " OR evidence LIKE '%hunter2%'"),
			0);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas WHERE reason LIKE '%[REDACTED]%'"
				 " AND evidence LIKE '%[REDACTED]%'"),
			1);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM watch_events WHERE"
				 " user_agent LIKE '%wJalrXUtnFEMI%'"),
			0);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM alert_outbox WHERE payload LIKE '%AKIA%'"),
			0);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM watch_dead_letters WHERE"
				 " reason LIKE '%hunter2%'"),
			0);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM watch_dead_letters"), 1);
	/* every column written through redact_secrets() is on the list import uses */
	CU_ASSERT_TRUE(store_redact_column("deltas", "reason"));
	CU_ASSERT_TRUE(store_redact_column("deltas", "evidence"));
	CU_ASSERT_TRUE(store_redact_column("watch_events", "user_agent"));
	CU_ASSERT_FALSE(store_redact_column("deltas", "check_id"));
	attest_store_close(s);
}

static void
test_migrate_from_7(void)
{
	char path[4096], sql[96];
	attest_store *s = NULL;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/v7.db", dir);
	unlink(path);
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(store_migrate_to(ctx, db, 0, 7), ATTEST_OK);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; COMMIT", STORE_APPLICATION_ID);
	CU_ASSERT_EQUAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'deltas'"),
			0);
	sqlite3_close(db);
	CU_ASSERT_EQUAL_FATAL(attest_store_open(ctx, path, &s), ATTEST_OK);
	CU_ASSERT_EQUAL(count(s, "PRAGMA user_version"), 8);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND"
				 " name IN ('watch_events', 'deltas', 'watch_dead_letters',"
				 " 'alert_outbox')"),
			4);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM pragma_foreign_key_list('deltas')"
				 " WHERE \"table\" = 'watch_events'"),
			1);
	attest_store_close(s);
}

/* ---- reading -------------------------------------------------------------- */

struct seen_changes {
	int n;
	char keys[8][32], actor[128], first_at[32];
};

static void
on_change(void *data, const struct attest_change_info *c)
{
	struct seen_changes *k = data;

	if (k->n == 0) {
		snprintf(k->actor, sizeof(k->actor), "%s", c->actor ? c->actor : "");
		snprintf(k->first_at, sizeof(k->first_at), "%s", c->at);
	}
	if (k->n < 8)
		snprintf(k->keys[k->n], sizeof(k->keys[0]), "%s", c->event_key);
	k->n++;
}

/* Two scans of the sample, S0 then S1 (as_of a day and three days into
 * 2026), where one finding fails in S1 and passed in S0: that finding's
 * cause is the latest delta to fail between them. */
static attest_store *
two_scans(const char *name, char *path, size_t n, char s0[ATTEST_SCAN_ID_MAX],
	  char s1[ATTEST_SCAN_ID_MAX], struct attest_delta *f)
{
	attest_store *s = fresh_store(name, path, n);
	static char check[256], type[256], rid[256], account[64], region[64];
	sqlite3_stmt *st = NULL;
	char sql[512];

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1767000000, 1767000001, s0), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1767000100, 1767000101, s1), ATTEST_OK);
	snprintf(sql, sizeof(sql),
		 "UPDATE scans SET as_of = '2026-01-01T00:00:00Z' WHERE scan_id = '%s';"
		 "UPDATE scans SET as_of = '2026-01-03T00:00:00Z' WHERE scan_id = '%s'",
		 s0, s1);
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(store_db(s),
						 "SELECT check_id, resource_type, resource_id,"
						 " account, region FROM findings WHERE scan_id = ?1"
						 " AND status = 'fail' AND resource_id IS NOT NULL"
						 " AND account IS NOT NULL AND region IS NOT NULL"
						 " ORDER BY finding_id LIMIT 1",
						 -1, &st, NULL),
			      SQLITE_OK);
	sqlite3_bind_text(st, 1, s1, -1, SQLITE_STATIC);
	CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
	snprintf(check, sizeof(check), "%s", sqlite3_column_text(st, 0));
	snprintf(type, sizeof(type), "%s", sqlite3_column_text(st, 1));
	snprintf(rid, sizeof(rid), "%s", sqlite3_column_text(st, 2));
	snprintf(account, sizeof(account), "%s", sqlite3_column_text(st, 3));
	snprintf(region, sizeof(region), "%s", sqlite3_column_text(st, 4));
	sqlite3_finalize(st);
	*f = plain;
	f->check_id = check;
	f->resource_type = type;
	f->resource_id = rid;
	f->account = account;
	f->region = region;
	f->severity = NULL;
	/* it passed in S0 */
	CU_ASSERT_EQUAL_FATAL(
		sqlite3_prepare_v2(store_db(s),
				   "UPDATE findings SET status = 'pass' WHERE"
				   " scan_id = ?1 AND check_id = ?2 AND resource_id = ?3"
				   " AND region = ?4",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, s0, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, check, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, region, -1, SQLITE_STATIC);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return s;
}

/* Events around the two scans; only e-cause is the cause. */
static void
record_events(attest_store *s, const char *s0, const struct attest_delta *f)
{
	struct attest_watch_event ev;
	struct attest_delta d = *f, other = plain;

	ev = event("e-before", s0, "2025-12-31T12:00:00Z"); /* before S0 */
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, &d, 1, NULL, NULL, 0), ATTEST_OK);
	ev = event("e-early", s0, "2026-01-02T01:00:00Z");
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, &d, 1, NULL, NULL, 0), ATTEST_OK);
	ev = event("e-cause", s0, "2026-01-02T18:00:00Z");
	ev.actor = "arn:aws:iam::123456789012:user/alice";
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, &d, 1, NULL, NULL, 0), ATTEST_OK);
	/* the same resource in another region, and a fix: neither is the cause */
	ev = event("e-region", s0, "2026-01-02T19:00:00Z");
	d.region = "eu-west-9";
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, &d, 1, NULL, NULL, 0), ATTEST_OK);
	d = *f;
	d.old_status = "fail";
	d.new_status = "pass";
	ev = event("e-fixed-after", s0, "2026-01-04T00:00:00Z"); /* after S1 */
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, &d, 1, NULL, NULL, 0), ATTEST_OK);
	/* another account, no base scan */
	other.account = "999999999999";
	ev = event("e-other", NULL, "2026-01-02T20:00:00Z");
	ev.account = "999999999999";
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, &other, 1, NULL, NULL, 0), ATTEST_OK);
}

static void
test_changes_and_causes(void)
{
	char path[4096], s0[ATTEST_SCAN_ID_MAX], s1[ATTEST_SCAN_ID_MAX];
	struct attest_delta f;
	attest_store *s = two_scans("causes.db", path, sizeof(path), s0, s1, &f);
	struct attest_history_filter flt = {0};
	struct seen_changes k = {0};

	record_events(s, s0, &f);
	CU_ASSERT_EQUAL(attest_store_changes(s, NULL, on_change, &k), ATTEST_OK);
	CU_ASSERT_EQUAL(k.n, 6);
	CU_ASSERT_STRING_EQUAL(k.keys[0], "e-fixed-after"); /* newest first */
	CU_ASSERT_STRING_EQUAL(k.keys[5], "e-before");

	memset(&k, 0, sizeof(k));
	flt.since = "2026-01-02";
	flt.until = "2026-01-02T19:30:00Z";
	CU_ASSERT_EQUAL(attest_store_changes(s, &flt, on_change, &k), ATTEST_OK);
	CU_ASSERT_EQUAL(k.n, 3);
	CU_ASSERT_STRING_EQUAL(k.keys[0], "e-region");
	CU_ASSERT_STRING_EQUAL(k.keys[2], "e-early");

	memset(&k, 0, sizeof(k));
	flt = (struct attest_history_filter){.account = "999999999999"};
	CU_ASSERT_EQUAL(attest_store_changes(s, &flt, on_change, &k), ATTEST_OK);
	CU_ASSERT_EQUAL(k.n, 1);
	CU_ASSERT_STRING_EQUAL(k.keys[0], "e-other");

	memset(&k, 0, sizeof(k));
	flt = (struct attest_history_filter){.limit = 2};
	CU_ASSERT_EQUAL(attest_store_changes(s, &flt, on_change, &k), ATTEST_OK);
	CU_ASSERT_EQUAL(k.n, 2);
	flt = (struct attest_history_filter){.since = "last week"};
	CU_ASSERT_EQUAL(attest_store_changes(s, &flt, on_change, &k), ATTEST_ERR_USAGE);

	/* S1: one newly failing finding, caused by e-cause (alice) */
	memset(&k, 0, sizeof(k));
	CU_ASSERT_EQUAL(attest_store_causes(s, s1, on_change, &k), ATTEST_OK);
	CU_ASSERT_EQUAL(k.n, 1);
	CU_ASSERT_STRING_EQUAL(k.keys[0], "e-cause");
	CU_ASSERT_STRING_EQUAL(k.actor, "arn:aws:iam::123456789012:user/alice");
	/* S0 is the first of its scope: its failing findings' causes are the
	 * deltas up to its as_of (e-before only names the finding that passes) */
	memset(&k, 0, sizeof(k));
	CU_ASSERT_EQUAL(attest_store_causes(s, s0, on_change, &k), ATTEST_OK);
	CU_ASSERT_EQUAL(k.n, 0);
	attest_store_close(s);
}

/* ---- export, import, check, prune ----------------------------------------- */

static void
on_problem(void *data, const char *msg)
{
	char *first = data;

	if (!first[0])
		snprintf(first, 512, "%s", msg);
}

static void
test_transfer_check_prune(void)
{
	char path[4096], dst[4096], file[4096], s0[ATTEST_SCAN_ID_MAX], s1[ATTEST_SCAN_ID_MAX],
		got[ATTEST_SCAN_ID_MAX], first[512] = "";
	struct attest_delta f;
	attest_store *s = two_scans("xfer.db", path, sizeof(path), s0, s1, &f), *d;
	struct attest_watch_event ev = event("e-s1", s1, "2026-01-03T06:00:00Z");
	struct seen_changes k = {0};
	long long scans, problems, deleted;
	int version;

	record_events(s, s0, &f);
	CU_ASSERT_EQUAL(attest_store_save_delta(s, &ev, &plain, 1, NULL, NULL, 0), ATTEST_OK);

	/* export S0: its five events and their deltas, not e-other or e-s1 */
	snprintf(file, sizeof(file), "%s/s0.attest", dir);
	unlink(file);
	CU_ASSERT_EQUAL_FATAL(attest_store_export(s, s0, file), ATTEST_OK);
	d = fresh_store("xfer-dst.db", dst, sizeof(dst));
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL_FATAL(attest_store_import(d, file, got), ATTEST_OK);
	CU_ASSERT_EQUAL(count(d, "SELECT count(*) FROM watch_events"), 5);
	CU_ASSERT_EQUAL(count(d, "SELECT count(*) FROM deltas"), 5);
	CU_ASSERT_EQUAL(count(d, "SELECT count(*) FROM watch_events WHERE event_key"
				 " IN ('e-other', 'e-s1')"),
			0);
	CU_ASSERT_EQUAL(attest_store_changes(d, NULL, on_change, &k), ATTEST_OK);
	CU_ASSERT_EQUAL(k.n, 5);
	CU_ASSERT_STRING_EQUAL(k.actor, "arn:aws:iam::123456789012:user/mallory");
	CU_ASSERT_EQUAL(attest_store_check(d, &version, &scans, NULL, NULL, &problems), ATTEST_OK);
	CU_ASSERT_EQUAL(problems, 0);
	attest_store_close(d);

	/* an event the destination already holds: nothing imported */
	d = fresh_store("xfer-dup.db", dst, sizeof(dst));
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	ev = event("e-cause", NULL, "2026-01-02T18:00:00Z");
	CU_ASSERT_EQUAL(attest_store_save_delta(d, &ev, &plain, 1, NULL, NULL, 0), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_store_import(d, file, got), ATTEST_ERR_INVALID);
	CU_ASSERT_TRUE(tu_errmsg_has(ctx, "e-cause"));
	CU_ASSERT_EQUAL(count(d, "SELECT count(*) FROM scans"), 0);
	CU_ASSERT_EQUAL(count(d, "SELECT count(*) FROM deltas"), 1);
	attest_store_close(d);

	/* db check names a corrupted delta row and a delta without its event */
	CU_ASSERT_EQUAL(attest_store_check(s, &version, &scans, NULL, NULL, &problems), ATTEST_OK);
	CU_ASSERT_EQUAL(problems, 0);
	CU_ASSERT_EQUAL(sqlite3_exec(store_db(s),
				     "UPDATE deltas SET new_status = 'on fire'"
				     " WHERE event_key = 'e-early'",
				     NULL, NULL, NULL),
			SQLITE_OK);
	CU_ASSERT_EQUAL(attest_store_check(s, &version, &scans, on_problem, first, &problems),
			ATTEST_OK);
	CU_ASSERT_EQUAL(problems, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "table deltas"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "e-early"));
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "new_status"));
	CU_ASSERT_EQUAL(sqlite3_exec(store_db(s),
				     "UPDATE deltas SET new_status = 'fail'"
				     " WHERE event_key = 'e-early';"
				     " PRAGMA foreign_keys = OFF;"
				     " DELETE FROM watch_events WHERE event_key = 'e-other';"
				     " PRAGMA foreign_keys = ON",
				     NULL, NULL, NULL),
			SQLITE_OK);
	first[0] = '\0';
	CU_ASSERT_EQUAL(attest_store_check(s, &version, &scans, on_problem, first, &problems),
			ATTEST_OK);
	CU_ASSERT_EQUAL(problems, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(first, "refers to a row of watch_events"));
	CU_ASSERT_EQUAL(sqlite3_exec(store_db(s), "DELETE FROM deltas WHERE event_key = 'e-other'",
				     NULL, NULL, NULL),
			SQLITE_OK);

	/* prune: S0 goes with its events and their deltas, S1's stay */
	CU_ASSERT_EQUAL(attest_store_prune(s, 1, NULL, true, &deleted), ATTEST_OK);
	CU_ASSERT_EQUAL(deleted, 1);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas"), 6);
	CU_ASSERT_EQUAL(attest_store_prune(s, 1, NULL, false, &deleted), ATTEST_OK);
	CU_ASSERT_EQUAL(deleted, 1);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM watch_events"), 1);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas WHERE event_key = 'e-s1'"), 1);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM deltas"), 1);
	CU_ASSERT_EQUAL(attest_store_check(s, &version, &scans, NULL, NULL, &problems), ATTEST_OK);
	CU_ASSERT_EQUAL(problems, 0);
	attest_store_close(s);
}

/* ---- fixture --------------------------------------------------------------- */

static int
suite_init(void)
{
	if (tu_tmpdir(dir, sizeof(dir), "watchstore") != 0)
		return 1;
	return tu_sample_eval(&ctx, &lib, &inv);
}

static int
suite_clean(void)
{
	tu_sample_free(ctx, lib, inv);
	tu_rmtree(dir);
	return 0;
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"an event, its deltas and alerts land whole or not at all", test_save_atomic},
		{"credentials redacted in what watch stores", test_redaction},
		{"a version-7 database migrates", test_migrate_from_7},
		{"changes listed and filtered, causes of newly failing findings",
		 test_changes_and_causes},
		{"export/import, check and prune know the deltas", test_transfer_check_prune},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"watchstore", suite_init, suite_clean, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
