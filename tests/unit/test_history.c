/*
 * Unit tests for the history queries of the store (src/store/history.c,
 * trend.c, diff.c, transfer.c, maintain.c, redact.c): credential redaction
 * case by case, forward migration from every earlier schema version, diff
 * classification on scans edited to a known difference, trend, prune,
 * check, and export/import round trips. Scans come from evaluating the
 * bundled sample estate once.
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

/* ---- redaction ------------------------------------------------------------ */

struct redact_case {
	const char *in;
	const char *gone; /* must not be in the output; NULL: output must be unchanged */
	const char *kept; /* must still be there */
	int line;
};

#define RC(in, gone, kept)                                                                         \
	{                                                                                          \
		in, gone, kept, __LINE__                                                           \
	}

static const struct redact_case redact_cases[] = {
	RC("{\"Tags\":[{\"Key\":\"db_password\",\"Value\":\"hunter2\"}]}", "hunter2",
	   "db_password"),
	RC("{\"tags\":{\"Api_Key\":\"k-1234567\",\"team\":\"payments\"}}", "k-1234567", "payments"),
	RC("{\"Environment\":{\"Variables\":{\"GITHUB_TOKEN\":\"ghp_abcdef0123456789\"}}}",
	   "ghp_abcdef0123456789", "GITHUB_TOKEN"),
	RC("{\"environment\":[{\"name\":\"DB_PASSWORD\",\"value\":\"pa55word!\"},"
	   "{\"name\":\"MODE\",\"value\":\"prod\"}]}",
	   "pa55word!", "prod"),
	RC("{\"note\":\"rotated AKIAIOSFODNN7EXAMPLE last week\"}", "AKIAIOSFODNN7EXAMPLE",
	   "last week"),
	RC("{\"k\":[\"ASIAY34FZKBOKMUTVV7A\"]}", "ASIAY34FZKBOKMUTVV7A", "REDACTED"),
	RC("{\"m\":\"invalid (token FQoGZXIvYXdzEJr//////////wEaDOPtest) x\"}", "wEaDOPtest",
	   "invalid"),
	RC("{\"m\":\"tok IQoJb3JpZ2luX2VjEPz//////////wEaCXVzLWVhc3QtMSJH end\"}", "X2VjEPz",
	   "end"),
	RC("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
	   "wJalrXUtnFEMI", "AWS_SECRET_ACCESS_KEY"),
	RC("{\"cfg\":\"password: s3cr3t-value\"}", "s3cr3t-value", "password"),
	RC("{\"pem\":\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAx\\n"
	   "-----END RSA PRIVATE KEY-----\\n\"}",
	   "MIIEowIBAAKCAQEAx", "REDACTED"),
	RC("{\"pem\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkq (cut)\"}", "MIIEvQIBADANBgkq",
	   "REDACTED"),
	RC("{\"h\":\"Authorization: Bearer abcdef1234567890\"}", "abcdef1234567890", "Bearer"),
	RC("{\"j\":\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlc2ln\"}",
	   "eyJzdWIiOiIxMjM0In0", "REDACTED"),
	RC("{\"url\":\"postgres://admin:Tr0ub4dor@db.internal:5432/app\"}", "Tr0ub4dor",
	   "db.internal"),
	/* base64 of "#!/bin/bash\nexport DB_PASSWORD=topsecret\n" */
	RC("{\"UserData\":\"IyEvYmluL2Jhc2gKZXhwb3J0IERCX1BBU1NXT1JEPXRvcHNlY3JldAo=\"}",
	   "IyEvYmluL2Jhc2gK", "UserData"),
	RC("{\"userData\":\"#!/bin/sh\\nMYSQL_PASSWORD=plain-text-pw ./run\"}", "plain-text-pw",
	   "./run"),
	RC("{\"secret\":123456}", "123456", "REDACTED"),
	/* evidence that must stay as it is */
	RC("{\"password_enabled\":\"true\",\"MinimumPasswordLength\":14,\"HttpTokens\":"
	   "\"required\",\"KmsKeyId\":\"arn:aws:kms:us-east-1:111122223333:key/abc\"}",
	   NULL, NULL),
	RC("{\"AccountAccessKeysPresent\":1,\"user\":\"alice\",\"access_key_1_active\":\"true\"}",
	   NULL, NULL),
	RC("the root account has no hardware MFA", NULL, NULL),
	RC("{\"sha\":\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"}", NULL, NULL),
};

static void
test_redact_cases(void)
{
	size_t i;
	char *out;

	for (i = 0; i < sizeof(redact_cases) / sizeof(redact_cases[0]); i++) {
		const struct redact_case *c = &redact_cases[i];

		out = NULL;
		CU_ASSERT_EQUAL_FATAL(store_redact(c->in, &out), ATTEST_OK);
		if (!c->gone) {
			if (out)
				fprintf(stderr, "line %d: changed to %s\n", c->line, out);
			CU_ASSERT_PTR_NULL(out);
		} else {
			if (!out || strstr(out, c->gone) || !strstr(out, c->kept) ||
			    !strstr(out, "[REDACTED]"))
				fprintf(stderr, "line %d: got %s\n", c->line,
					out ? out : "(unchanged)");
			CU_ASSERT_PTR_NOT_NULL_FATAL(out);
			CU_ASSERT_PTR_NULL(strstr(out, c->gone));
			CU_ASSERT_PTR_NOT_NULL(strstr(out, c->kept));
			CU_ASSERT_PTR_NOT_NULL(strstr(out, "[REDACTED]"));
		}
		free(out);
	}
}

static void
test_redact_sql(void)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	CU_ASSERT_EQUAL_FATAL(sqlite3_open(":memory:", &db), SQLITE_OK);
	CU_ASSERT_EQUAL(store_redact_register(db), SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(
		sqlite3_prepare_v2(db,
				   "SELECT redact_secrets('{\"token\":\"abc\"}'),"
				   " redact_secrets(NULL), redact_secrets(42),"
				   " json_valid(redact_secrets('{\"token\":\"abc\"}'))",
				   -1, &st, NULL),
		SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
	CU_ASSERT_STRING_EQUAL(sqlite3_column_text(st, 0), "{\"token\":\"[REDACTED]\"}");
	CU_ASSERT_EQUAL(sqlite3_column_type(st, 1), SQLITE_NULL);
	CU_ASSERT_EQUAL(sqlite3_column_int(st, 2), 42);
	CU_ASSERT_EQUAL(sqlite3_column_int(st, 3), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_secret_names(void)
{
	CU_ASSERT_TRUE(store_secret_name("DB_PASSWORD"));
	CU_ASSERT_TRUE(store_secret_name("aws-secret-access-key"));
	CU_ASSERT_TRUE(store_secret_name("privateKey"));
	CU_ASSERT_TRUE(store_secret_name("X-Api-Key"));
	CU_ASSERT_FALSE(store_secret_name("password_enabled"));
	CU_ASSERT_FALSE(store_secret_name("HttpTokens"));
	CU_ASSERT_FALSE(store_secret_name("KmsKeyId"));
}

/* ---- digests (digest.c) ---------------------------------------------------- */

static const char *
sql_text(sqlite3 *db, const char *sql, char *buf, size_t n)
{
	sqlite3_stmt *st = NULL;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, n, "%s", sqlite3_column_text(st, 0));
	else
		snprintf(buf, n, "(%s)", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return buf;
}

static void
test_digests(void)
{
	static const struct {
		const char *query;
		int dated;
	} queries[] = {
		{"SELECT rid, CASE WHEN days_since(x) > 90 THEN 'fail' END FROM resources", 1},
		{"SELECT DAYS_UNTIL (config ->> 'NotAfter') FROM resources", 1},
		{"SELECT (SELECT now FROM scan) AS t", 1},
		{"SELECT 'days_since(x)' AS reason, scan_id, rescan FROM resources", 0},
		{"SELECT 1 -- days_since\n FROM resources /* scan */", 0},
		{"SELECT \"days_until\" FROM resources", 0},
	};
	char a[128], b[128], c[128], sql[512];
	sqlite3 *db;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(sqlite3_open(":memory:", &db), SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(store_digest_register(db), SQLITE_OK);
	/* sha256("abc") */
	CU_ASSERT_STRING_EQUAL(sql_text(db, "SELECT sha256_hex('abc')", a, sizeof(a)),
			       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* Key order does not matter; values and the identity fields do; the
	 * capture time AWS Config items carry does not. */
	sql_text(db,
		 "SELECT config_sha256('arn:x', 'n', '{\"a\":1,\"b\":2}',"
		 " '{\"K\":{\"y\":[1,2],\"x\":true}}', '{}')",
		 a, sizeof(a));
	sql_text(db,
		 "SELECT config_sha256('arn:x', 'n', '{\"b\":2,\"a\":1}',"
		 " '{\"K\":{\"x\":true,\"y\":[1,2]}}',"
		 " '{\"ConfigurationItemCaptureTime\":\"2026-01-01T00:00:00Z\"}')",
		 b, sizeof(b));
	CU_ASSERT_EQUAL(strlen(a), 64);
	CU_ASSERT_STRING_EQUAL(a, b);
	sql_text(db,
		 "SELECT config_sha256('arn:x', 'n', '{\"a\":1,\"b\":2}',"
		 " '{\"K\":{\"y\":[2,1],\"x\":true}}', '{}')",
		 c, sizeof(c));
	CU_ASSERT_STRING_NOT_EQUAL(a, c);
	sql_text(db,
		 "SELECT config_sha256('arn:x', 'renamed', '{\"a\":1,\"b\":2}',"
		 " '{\"K\":{\"y\":[1,2],\"x\":true}}', '{}')",
		 c, sizeof(c));
	CU_ASSERT_STRING_NOT_EQUAL(a, c);
	CU_ASSERT_STRING_EQUAL(sql_text(db,
					"SELECT config_sha256(NULL, NULL, NULL, NULL, NULL)"
					" IS NOT NULL",
					c, sizeof(c)),
			       "1");
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		sqlite3_stmt *st = NULL;

		snprintf(sql, sizeof(sql), "SELECT query_dated(?1)");
		CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, queries[i].query, -1, SQLITE_STATIC);
		CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
		if (sqlite3_column_int(st, 0) != queries[i].dated)
			fprintf(stderr, "query_dated(%s) = %d\n", queries[i].query,
				sqlite3_column_int(st, 0));
		CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), queries[i].dated);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

/* ---- helpers -------------------------------------------------------------- */

static void
path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
	unlink(buf);
}

static attest_store *
fresh_store(const char *name, char *path, size_t n)
{
	attest_store *s = NULL;

	path_in(path, n, name);
	CU_ASSERT_EQUAL(attest_store_open(ctx, path, &s), ATTEST_OK);
	return s;
}

static long long
count(attest_store *s, const char *sql, const char *id)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) == SQLITE_OK) {
		if (id)
			sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

static char *
render_json(attest_store *s, const char *id)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(attest_report_json(s, id, fp), ATTEST_OK);
	fclose(fp);
	return buf;
}

/* ---- migration ------------------------------------------------------------ */

/* Copies every row of scan `id` from schema cur into the main database, on
 * the columns main's (older) tables have. */
static void
copy_rows(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st;
	char cols[2048] = "", sql[4096];
	size_t len = 0;

	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db,
						 "SELECT group_concat(name, ',') FROM"
						 " pragma_table_info(?1, 'main')"
						 " WHERE name <> 'finding_id'",
						 -1, &st, NULL),
			      SQLITE_OK);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		len = (size_t)snprintf(cols, sizeof(cols), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	CU_ASSERT_FATAL(len > 0 && len < sizeof(cols));
	snprintf(sql, sizeof(sql), "INSERT INTO main.%s(%s) SELECT %s FROM cur.%s", table, cols,
		 cols, table);
	CU_ASSERT_EQUAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static void
test_migrate_from_every_version(void)
{
	static const char *const tables[] = {"scans",
					     "scan_frameworks",
					     "scan_controls",
					     "scan_control_checks",
					     "scan_checks",
					     "findings",
					     NULL};
	char cur[4096], old[4096], name[64], id[ATTEST_SCAN_ID_MAX], sql[4200];
	attest_store *s = fresh_store("current.db", cur, sizeof(cur)), *o = NULL;
	long long findings;
	char *want, *got;
	sqlite3 *db;
	int v, i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1700000000, 1700000005, id), ATTEST_OK);
	findings = count(s, "SELECT count(*) FROM findings WHERE scan_id = ?1", id);
	CU_ASSERT_TRUE(findings > 0);
	want = render_json(s, id);
	attest_store_close(s);

	for (v = 1; v < STORE_SCHEMA_VERSION; v++) {
		snprintf(name, sizeof(name), "v%d.db", v);
		path_in(old, sizeof(old), name);
		CU_ASSERT_EQUAL_FATAL(sqlite3_open(old, &db), SQLITE_OK);
		CU_ASSERT_EQUAL(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
		CU_ASSERT_EQUAL(store_migrate_to(ctx, db, 0, v), ATTEST_OK);
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; COMMIT; ATTACH '%s' AS cur",
			 STORE_APPLICATION_ID, cur);
		CU_ASSERT_EQUAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		for (i = 0; tables[i]; i++)
			copy_rows(db, tables[i]);
		sqlite3_close(db);

		CU_ASSERT_EQUAL_FATAL(attest_store_open(ctx, old, &o), ATTEST_OK);
		CU_ASSERT_EQUAL(count(o, "PRAGMA user_version", NULL), STORE_SCHEMA_VERSION);
		CU_ASSERT_EQUAL(count(o, "SELECT count(*) FROM findings WHERE scan_id = ?1", id),
				findings);
		CU_ASSERT_EQUAL(count(o,
				      "SELECT count(*) FROM sqlite_schema WHERE name ="
				      " 'findings_scan_resource'",
				      NULL),
				1);
		/* version 5: collection gaps, none for a scan stored before them,
		 * and deleted with their scan */
		CU_ASSERT_EQUAL(count(o, "SELECT count(*) FROM scan_gaps WHERE scan_id = ?1", id),
				0);
		CU_ASSERT_EQUAL(count(o,
				      "SELECT count(*) FROM pragma_foreign_key_list('scan_gaps')"
				      " WHERE \"table\" = 'scans' AND on_delete = 'CASCADE'",
				      NULL),
				1);
		/* version 7: a scan stored before it has no digests, so diff
		 * says its causes are unknown */
		CU_ASSERT_EQUAL(count(o, "SELECT digests FROM scans WHERE scan_id = ?1", id),
				v < 7 ? 0 : 1);
		CU_ASSERT_EQUAL(
			count(o, "SELECT count(*) FROM scan_resources WHERE scan_id = ?1", id), 0);
		/* version 8: attest watch's tables, empty */
		CU_ASSERT_EQUAL(count(o, "SELECT count(*) FROM deltas", NULL), 0);
		CU_ASSERT_EQUAL(count(o, "SELECT count(*) FROM alert_outbox", NULL), 0);
		got = render_json(o, id);
		CU_ASSERT_PTR_NOT_NULL(strstr(got, "\"collection_gaps\": []"));
		/* Same scan, same report, apart from what later versions add. */
		CU_ASSERT_PTR_NOT_NULL(strstr(got, id));
		CU_ASSERT_EQUAL(strlen(got) > strlen(want) / 2, 1);
		free(got);
		attest_store_close(o);
		o = NULL;
	}
	free(want);
}

/* ---- diff, trend, previous ----------------------------------------------- */

struct tally {
	long long change[4], controls, frameworks;
	bool saw_fixed_pass;
};

static void
t_fw(void *d, const struct attest_diff_framework *f)
{
	((struct tally *)d)->frameworks++;
	CU_ASSERT_TRUE(f->in_from && f->in_to);
}

static void
t_ctl(void *d, const struct attest_diff_control *c)
{
	((struct tally *)d)->controls++;
}

static void
t_finding(void *d, const struct attest_diff_finding *f)
{
	struct tally *t = d;

	t->change[f->change]++;
	if (f->change == ATTEST_CHANGE_FIXED && f->to_status && !strcmp(f->to_status, "pass"))
		t->saw_fixed_pass = true;
}

static void
t_point(void *d, const struct attest_trend_point *p)
{
	(*(int *)d)++;
	CU_ASSERT_PTR_NOT_NULL(p->scan_id);
}

static void
test_diff_trend_prune(void)
{
	char path[4096], a[ATTEST_SCAN_ID_MAX], b[ATTEST_SCAN_ID_MAX], prev[ATTEST_SCAN_ID_MAX];
	attest_store *s = fresh_store("diff.db", path, sizeof(path));
	struct tally t;
	struct attest_diff_sink sink = {t_fw, t_ctl, t_finding, &t};
	struct attest_history_filter nobody = {.account = "000000000000"};
	long long fails, deleted;
	sqlite3 *db;
	int points = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(&t, 0, sizeof(t));
	db = store_db(s);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1700000000, 1700000001, a), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1700000100, 1700000101, b), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_store_previous(s, a, prev), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_EQUAL(attest_store_previous(s, b, prev), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(prev, a);

	fails = count(s, "SELECT count(*) FROM findings WHERE scan_id = ?1 AND status = 'fail'", b);
	CU_ASSERT_TRUE_FATAL(fails > 3);
	CU_ASSERT_EQUAL(attest_store_diff(s, a, b, &sink), ATTEST_OK);
	CU_ASSERT_EQUAL(t.change[ATTEST_CHANGE_STILL_FAILING], fails);
	CU_ASSERT_EQUAL(t.change[ATTEST_CHANGE_NEWLY_FAILING], 0);
	CU_ASSERT_EQUAL(t.change[ATTEST_CHANGE_FIXED], 0);
	CU_ASSERT_EQUAL(t.controls, 0);
	CU_ASSERT_TRUE(t.frameworks > 0);

	/* In b: one failure fixed, one excepted, one pass turned to fail. */
	CU_ASSERT_EQUAL(
		sqlite3_exec(
			db,
			"UPDATE findings SET status = 'pass' WHERE finding_id ="
			" (SELECT min(finding_id) FROM findings WHERE scan_id ="
			"  (SELECT max(scan_id) FROM scans) AND status = 'fail');"
			"UPDATE findings SET status = 'excepted' WHERE finding_id ="
			" (SELECT max(finding_id) FROM findings WHERE scan_id ="
			"  (SELECT max(scan_id) FROM scans) AND status = 'fail');"
			"UPDATE findings SET status = 'fail' WHERE finding_id ="
			" (SELECT min(finding_id) FROM findings WHERE scan_id ="
			"  (SELECT max(scan_id) FROM scans) AND status = 'pass'"
			"  AND finding_id > (SELECT min(finding_id) FROM findings));"
			"UPDATE scan_controls SET status = 'pass' WHERE"
			" (scan_id = (SELECT max(scan_id) FROM scans) AND control_id ="
			"  (SELECT min(control_id) FROM scan_controls WHERE status = 'fail'));",
			NULL, NULL, NULL),
		SQLITE_OK);
	memset(&t, 0, sizeof(t));
	CU_ASSERT_EQUAL(attest_store_diff(s, a, b, &sink), ATTEST_OK);
	CU_ASSERT_EQUAL(t.change[ATTEST_CHANGE_FIXED], 1);
	CU_ASSERT_TRUE(t.saw_fixed_pass);
	CU_ASSERT_EQUAL(t.change[ATTEST_CHANGE_NEWLY_EXCEPTED], 1);
	CU_ASSERT_EQUAL(t.change[ATTEST_CHANGE_NEWLY_FAILING], 1);
	CU_ASSERT_EQUAL(t.change[ATTEST_CHANGE_STILL_FAILING], fails - 2);
	CU_ASSERT_TRUE(t.controls >= 1);
	CU_ASSERT_EQUAL(attest_store_diff(s, a, "no-such-scan", &sink), ATTEST_ERR_NOTFOUND);

	CU_ASSERT_EQUAL(attest_store_trend(s, "cis-aws-3.0", NULL, t_point, &points), ATTEST_OK);
	CU_ASSERT_EQUAL(points, 2);
	CU_ASSERT_EQUAL(attest_store_trend(s, "cis-aws-3.0", &nobody, t_point, &points),
			ATTEST_ERR_NOTFOUND);
	CU_ASSERT_EQUAL(attest_store_trend(s, "no-such-framework", NULL, t_point, &points),
			ATTEST_ERR_NOTFOUND);

	CU_ASSERT_EQUAL(attest_store_prune(s, 1, NULL, true, &deleted), ATTEST_OK);
	CU_ASSERT_EQUAL(deleted, 1);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM scans", NULL), 2);
	CU_ASSERT_EQUAL(attest_store_prune(s, 0, "not a date", false, &deleted), ATTEST_ERR_USAGE);
	CU_ASSERT_EQUAL(attest_store_prune(s, 1, NULL, false, &deleted), ATTEST_OK);
	CU_ASSERT_EQUAL(deleted, 1);
	CU_ASSERT_EQUAL(count(s, "SELECT count(*) FROM findings WHERE scan_id = ?1", a), 0);
	CU_ASSERT_TRUE(count(s, "SELECT count(*) FROM findings WHERE scan_id = ?1", b) > 0);
	attest_store_close(s);
}

/* ---- the timeline: as_of, start time, order stored ----------------------- */

#define N_SAME 6

struct listed {
	char ids[N_SAME + 2][ATTEST_SCAN_ID_MAX];
	char as_of[N_SAME + 2][24];
	int n;
};

static void
t_list(void *d, const struct attest_scan_info *scan)
{
	struct listed *l = d;

	if (l->n < N_SAME + 2) {
		snprintf(l->ids[l->n], ATTEST_SCAN_ID_MAX, "%s", scan->id);
		snprintf(l->as_of[l->n], sizeof(l->as_of[0]), "%s", scan->as_of);
	}
	l->n++;
}

static void
t_trend_order(void *d, const struct attest_trend_point *p)
{
	struct listed *l = d;

	if (l->n < N_SAME + 2)
		snprintf(l->ids[l->n], ATTEST_SCAN_ID_MAX, "%s", p->scan_id);
	l->n++;
}

/* Scans of one inventory started in the same second: "latest", "previous"
 * and the listing follow the order they were stored in, whatever their
 * random id suffixes say. */
static void
test_same_second(void)
{
	char path[4096], ids[N_SAME][ATTEST_SCAN_ID_MAX], got[ATTEST_SCAN_ID_MAX];
	attest_store *s = fresh_store("second.db", path, sizeof(path));
	struct listed l = {0};
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (i = 0; i < N_SAME; i++)
		CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1700000000, 1700000000, ids[i]),
				      ATTEST_OK);
	CU_ASSERT_EQUAL(attest_store_resolve(s, "latest", got), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(got, ids[N_SAME - 1]);
	for (i = 1; i < N_SAME; i++) {
		CU_ASSERT_EQUAL(attest_store_previous(s, ids[i], got), ATTEST_OK);
		CU_ASSERT_STRING_EQUAL(got, ids[i - 1]);
	}
	CU_ASSERT_EQUAL(attest_store_previous(s, ids[0], got), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_EQUAL(attest_store_history(s, NULL, t_list, &l), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(l.n, N_SAME);
	for (i = 0; i < N_SAME; i++)
		CU_ASSERT_STRING_EQUAL(l.ids[i], ids[N_SAME - 1 - i]);
	attest_store_close(s);
}

/* A scan of an older inventory stored after a newer one sits before it:
 * history, previous, latest, trend and --since/--until follow as_of. */
static void
test_as_of_order(void)
{
	char path[4096], older[ATTEST_SCAN_ID_MAX], newer[ATTEST_SCAN_ID_MAX],
		got[ATTEST_SCAN_ID_MAX];
	attest_store *s = fresh_store("asof.db", path, sizeof(path));
	struct attest_history_filter f = {0};
	struct listed l = {0};
	sqlite3_stmt *st = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1700000000, 1700000001, newer), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1700000004, 1700000005, older), ATTEST_OK);
	/* The scan stored first judged a configuration 92 days younger. */
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(store_db(s),
						 "UPDATE scans SET as_of = CASE scan_id"
						 " WHEN ?1 THEN '2026-11-20T10:00:00Z'"
						 " ELSE '2026-08-20T10:00:00Z' END",
						 -1, &st, NULL),
			      SQLITE_OK);
	sqlite3_bind_text(st, 1, newer, -1, SQLITE_STATIC);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);

	CU_ASSERT_EQUAL(attest_store_resolve(s, "latest", got), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(got, newer);
	CU_ASSERT_EQUAL(attest_store_previous(s, newer, got), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(got, older);
	CU_ASSERT_EQUAL(attest_store_previous(s, older, got), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_EQUAL(attest_store_history(s, NULL, t_list, &l), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(l.n, 2);
	CU_ASSERT_STRING_EQUAL(l.ids[0], newer);
	CU_ASSERT_STRING_EQUAL(l.as_of[0], "2026-11-20T10:00:00Z");
	CU_ASSERT_STRING_EQUAL(l.ids[1], older);
	l.n = 0;
	CU_ASSERT_EQUAL(attest_store_trend(s, "cis-aws-3.0", NULL, t_trend_order, &l), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(l.n, 2);
	CU_ASSERT_STRING_EQUAL(l.ids[0], older);
	CU_ASSERT_STRING_EQUAL(l.ids[1], newer);
	/* Every framework: one series of two points per framework evaluated. */
	l.n = 0;
	CU_ASSERT_EQUAL(attest_store_trend(s, NULL, NULL, t_trend_order, &l), ATTEST_OK);
	CU_ASSERT_EQUAL(l.n, 2 * count(s, "SELECT count(*) FROM scan_frameworks WHERE scan_id = ?1",
				       newer));
	CU_ASSERT_TRUE(l.n >= 4);
	/* --since/--until bound as_of, not the start time (both 2023). */
	f.since = "2026-11-20";
	l.n = 0;
	CU_ASSERT_EQUAL(attest_store_history(s, &f, t_list, &l), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_STRING_EQUAL(l.ids[0], newer);
	f.since = NULL;
	f.until = "2026-08-20";
	l.n = 0;
	CU_ASSERT_EQUAL(attest_store_history(s, &f, t_list, &l), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_STRING_EQUAL(l.ids[0], older);
	f.until = "2026-08-20T09:59:59Z";
	l.n = 0;
	CU_ASSERT_EQUAL(attest_store_history(s, &f, t_list, &l), ATTEST_OK);
	CU_ASSERT_EQUAL(l.n, 0);
	attest_store_close(s);
}

/* ---- export, import, check ------------------------------------------------ */

static void
on_problem(void *d, const char *msg)
{
	(*(int *)d)++;
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "incomplete"));
}

static void
test_transfer_and_check(void)
{
	char src[4096], dst[4096], file[4096], junk[4096], id[ATTEST_SCAN_ID_MAX],
		got[ATTEST_SCAN_ID_MAX];
	attest_store *s = fresh_store("src.db", src, sizeof(src)), *d;
	char *a, *b;
	long long scans, problems;
	int version, seen = 0;
	FILE *fp;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1700000000, 1700000001, id), ATTEST_OK);
	path_in(file, sizeof(file), "scan.attest");
	CU_ASSERT_EQUAL(attest_store_export(s, id, file), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_store_export(s, "nope", file), ATTEST_ERR_NOTFOUND);
	d = fresh_store("dst.db", dst, sizeof(dst));
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(attest_store_import(d, file, got), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(got, id);
	a = render_json(s, id);
	b = render_json(d, id);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	CU_ASSERT_EQUAL(attest_store_import(d, file, got), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "already"));
	CU_ASSERT_EQUAL(count(d, "SELECT count(*) FROM scans", NULL), 1);

	path_in(junk, sizeof(junk), "junk.attest");
	fp = fopen(junk, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs("this is not a database at all, but long enough to look like a file header\n", fp);
	fclose(fp);
	CU_ASSERT_EQUAL(attest_store_import(d, junk, got), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "junk.attest"));
	/* a whole history database is not an export */
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1700000100, 1700000101, got), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_store_import(d, src, got), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "2 scans"));

	CU_ASSERT_EQUAL(attest_store_check(d, &version, &scans, on_problem, &seen, &problems),
			ATTEST_OK);
	CU_ASSERT_EQUAL(version, STORE_SCHEMA_VERSION);
	CU_ASSERT_EQUAL(scans, 1);
	CU_ASSERT_EQUAL(problems, 0);
	/* a scan without controls (and so without their check lists: a list of
	 * a missing control is a problem of its own, see test_store) */
	CU_ASSERT_EQUAL(sqlite3_exec(store_db(d),
				     "DELETE FROM scan_control_checks; DELETE FROM scan_controls",
				     NULL, NULL, NULL),
			SQLITE_OK);
	CU_ASSERT_EQUAL(attest_store_check(d, &version, &scans, on_problem, &seen, &problems),
			ATTEST_OK);
	CU_ASSERT_EQUAL(problems, 1);
	CU_ASSERT_EQUAL(seen, 1);
	attest_store_close(d);
	attest_store_close(s);
}

/* ---- fixture --------------------------------------------------------------- */

static int
suite_init(void)
{
	if (tu_tmpdir(dir, sizeof(dir), "history") != 0)
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
	CU_TestInfo redact[] = {
		{"redaction of credential shapes", test_redact_cases},
		{"redact_secrets() in SQL", test_redact_sql},
		{"secret key names", test_secret_names},
		{"configuration and check digests", test_digests},
		CU_TEST_INFO_NULL,
	};
	CU_TestInfo history[] = {
		{"forward migration from every earlier version", test_migrate_from_every_version},
		{"diff, trend, previous and prune", test_diff_trend_prune},
		{"scans started in the same second", test_same_second},
		{"scans ordered by the inventory's date", test_as_of_order},
		{"export, import and check", test_transfer_and_check},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"redact", NULL, NULL, NULL, NULL, redact},
		{"history", suite_init, suite_clean, NULL, NULL, history},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
