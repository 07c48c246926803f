/*
 * Unit tests for the history database (src/store): opening refuses what is
 * not attest's and leaves it untouched, the schema is created once, a scan
 * is saved whole or not at all, and scan references resolve. Scans are made
 * the real way: the sample estate evaluated against the bundled library.
 */
#include "config.h"

#include "harness.h"
#include "testutil.h"
#include "inventory/inventory_int.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static attest_ctx *ctx;
static attest_library *lib;
static attest_inventory *inv; /* evaluated sample estate */
static char dir[4096];

static const char *
path_of(const char *name)
{
	static char p[4][4200];
	static int turn;
	char *s = p[turn++ % 4];

	snprintf(s, sizeof(p[0]), "%s/%s", dir, name);
	return s;
}

static const char *const tables[] = {"scans",         "scan_frameworks",
				     "scan_controls", "scan_control_checks",
				     "scan_checks",   "findings"};

/* Row counts of every history table, into n[6]. */
static void
counts(attest_store *s, long long n[6])
{
	char sql[128];
	size_t i;

	for (i = 0; i < 6; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
		n[i] = tu_q_int(store_db(s), sql);
	}
}

static attest_store *
open_ok(const char *path)
{
	attest_store *s = NULL;

	if (attest_store_open(ctx, path, &s) != ATTEST_OK)
		fprintf(stderr, "\n  open: %s\n", attest_ctx_errmsg(ctx));
	CU_ASSERT_PTR_NOT_NULL(s);
	return s;
}

/* ---- opening ----------------------------------------------------------- */

static void
test_open_creates_schema(void)
{
	attest_store *s = open_ok(path_of("new.db"));

	if (!s)
		return;
	CU_ASSERT_EQUAL(tu_q_int(store_db(s), "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	CU_ASSERT_EQUAL(tu_q_int(store_db(s), "PRAGMA application_id"), STORE_APPLICATION_ID);
	CU_ASSERT_EQUAL(tu_q_int(store_db(s),
				 "SELECT count(*) FROM sqlite_schema"
				 " WHERE type = 'table' AND name IN ('scans', 'scan_frameworks',"
				 " 'scan_controls', 'scan_control_checks', 'scan_checks',"
				 " 'findings')"),
			6);
	CU_ASSERT_EQUAL(tu_q_int(store_db(s), "PRAGMA foreign_keys"), 1);
	attest_store_close(s);
	attest_store_close(NULL);
}

static void
test_reopen_idempotent(void)
{
	attest_store *s = open_ok(path_of("again.db"));
	long long objects;

	if (!s)
		return;
	objects = tu_q_int(store_db(s), "SELECT count(*) FROM sqlite_schema");
	attest_store_close(s);
	s = open_ok(path_of("again.db"));
	if (!s)
		return;
	CU_ASSERT_EQUAL(tu_q_int(store_db(s), "SELECT count(*) FROM sqlite_schema"), objects);
	CU_ASSERT_EQUAL(tu_q_int(store_db(s), "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	attest_store_close(s);
}

static void
test_not_sqlite_untouched(void)
{
	static const char text[] = "this is my thesis, not a database\n"
				   "please do not write here\n";
	const char *path = path_of("thesis.txt");
	attest_store *s = (attest_store *)1;
	FILE *fp = fopen(path, "wb");
	size_t n;
	char *after;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fwrite(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	CU_ASSERT_NOT_EQUAL(attest_store_open(ctx, path, &s), ATTEST_OK);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT(tu_errmsg_has(ctx, path));
	after = tu_slurp(path, &n);
	CU_ASSERT_EQUAL(n, sizeof(text) - 1);
	CU_ASSERT(after && memcmp(after, text, sizeof(text) - 1) == 0);
	free(after);
	CU_ASSERT(access(path_of("thesis.txt-wal"), F_OK) != 0);
	CU_ASSERT(access(path_of("thesis.txt-journal"), F_OK) != 0);
}

/* Creates an SQLite file with sql run in it. */
static void
make_db(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	CU_ASSERT_EQUAL(sqlite3_open(path, &db), SQLITE_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_refused_databases(void)
{
	static const struct {
		const char *name, *sql, *what;
	} cases[] = {
		{"other.db", "CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES ('mine');",
		 "not an attest history database"},
		{"other-app.db", "PRAGMA application_id = 42; CREATE TABLE scans(x);",
		 "not an attest history database"},
		{"newer.db",
		 "PRAGMA application_id = 1635021684; PRAGMA user_version = 99;"
		 " CREATE TABLE scans(x);",
		 "written by a newer attest (schema version 99"},
	};
	attest_store *s;
	char *before, *after;
	size_t i, n1, n2;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = path_of(cases[i].name);

		make_db(path, cases[i].sql);
		before = tu_slurp(path, &n1);
		s = (attest_store *)1;
		CU_ASSERT_EQUAL(attest_store_open(ctx, path, &s), ATTEST_ERR_DB);
		CU_ASSERT_PTR_NULL(s);
		CU_ASSERT(tu_errmsg_has(ctx, cases[i].what));
		CU_ASSERT(tu_errmsg_has(ctx, path));
		after = tu_slurp(path, &n2);
		CU_ASSERT(before && after && n1 == n2 && memcmp(before, after, n1) == 0);
		free(before);
		free(after);
	}
}

static void
test_empty_file_is_new(void)
{
	const char *path = path_of("empty.db");
	FILE *fp = fopen(path, "wb");
	attest_store *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fclose(fp);
	s = open_ok(path);
	if (s)
		CU_ASSERT_EQUAL(tu_q_int(store_db(s), "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	attest_store_close(s);
}

static void
test_default_path(void)
{
	char buf[4096], want[4200];
	const char *old_db = getenv("ATTEST_DB");

	snprintf(want, sizeof(want), "%s/env/history.db", dir);
	setenv("ATTEST_DB", want, 1);
	CU_ASSERT_EQUAL(attest_store_default_path(ctx, buf, sizeof(buf)), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(buf, want);
	CU_ASSERT_EQUAL(access(path_of("env"), F_OK), 0); /* the directory was made */
	CU_ASSERT_EQUAL(attest_store_default_path(ctx, buf, 8), ATTEST_ERR_LIMIT);
	unsetenv("ATTEST_DB");
	snprintf(want, sizeof(want), "%s/xdg", dir);
	setenv("XDG_DATA_HOME", want, 1);
	CU_ASSERT_EQUAL(attest_store_default_path(ctx, buf, sizeof(buf)), ATTEST_OK);
	snprintf(want, sizeof(want), "%s/xdg/attest/history.db", dir);
	CU_ASSERT_STRING_EQUAL(buf, want);
	unsetenv("XDG_DATA_HOME");
	if (old_db)
		setenv("ATTEST_DB", old_db, 1);
}

/* ---- saving ------------------------------------------------------------- */

static void
test_save_consistent(void)
{
	attest_store *s = open_ok(path_of("save.db"));
	sqlite3 *idb = inventory_db(inv);
	char id[ATTEST_SCAN_ID_MAX];
	long long n[6];
	sqlite3 *db;

	if (!s)
		return;
	db = store_db(s);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1767323045, 1767323050, id), ATTEST_OK);
	CU_ASSERT_NSTRING_EQUAL(id, "20260102T030405Z-", 17);
	CU_ASSERT_EQUAL(strlen(id), 25);
	counts(s, n);
	CU_ASSERT_EQUAL(n[0], 1);
	CU_ASSERT_EQUAL(n[1], tu_q_int(idb, "SELECT count(*) FROM fw"));
	CU_ASSERT_EQUAL(n[2], tu_q_int(idb, "SELECT count(*) FROM ctl"));
	CU_ASSERT_EQUAL(n[3], tu_q_int(idb, "SELECT count(*) FROM ctl_checks"));
	CU_ASSERT_EQUAL(n[4], tu_q_int(idb, "SELECT count(*) FROM chk"));
	CU_ASSERT_EQUAL(n[5], tu_q_int(idb, "SELECT count(*) FROM res"));
	CU_ASSERT(n[5] > 0);
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT resource_count FROM scans"),
			attest_inventory_count(inv));
	CU_ASSERT_EQUAL(tu_q_int(db,
				 "SELECT count(*) FROM scans WHERE started_at = "
				 "'2026-01-02T03:04:05Z' AND finished_at = '2026-01-02T03:04:10Z'"),
			1);
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM findings WHERE status = 'fail'"),
			tu_q_int(idb, "SELECT count(*) FROM res WHERE status = 'fail'"));
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT sum(n_fail) FROM scan_checks"),
			tu_q_int(idb, "SELECT sum(n_fail) FROM chk"));
	CU_ASSERT_EQUAL(tu_q_int(db, "SELECT count(*) FROM findings WHERE resource_id IS NULL"), 0);
	CU_ASSERT_EQUAL(tu_q_int(db,
				 "SELECT count(*) FROM scans WHERE length(inventory_sha256) = 64"
				 " AND json_array_length(sources) = 1 AND scope LIKE 'aws:%'"),
			1);
	/* The inventory is detached: a second save works. */
	CU_ASSERT_EQUAL(attest_store_save(s, inv, 1767323100, 1767323101, id), ATTEST_OK);
	counts(s, n);
	CU_ASSERT_EQUAL(n[0], 2);
	CU_ASSERT_EQUAL(n[5], 2 * tu_q_int(idb, "SELECT count(*) FROM res"));
	attest_store_close(s);
}

static void
test_save_failure_leaves_nothing(void)
{
	attest_store *s = open_ok(path_of("fail.db"));
	char id[ATTEST_SCAN_ID_MAX];
	long long before[6], after[6];
	size_t i;

	if (!s)
		return;
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1767323045, 1767323050, id), ATTEST_OK);
	counts(s, before);
	/* Another hand breaks the last step of the copy. */
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(store_db(s),
					   "CREATE TRIGGER no_findings BEFORE INSERT ON findings"
					   " BEGIN SELECT RAISE(ABORT, 'findings are full'); END;",
					   NULL, NULL, NULL),
			      SQLITE_OK);
	CU_ASSERT_EQUAL(attest_store_save(s, inv, 1767323200, 1767323201, id), ATTEST_ERR_DB);
	CU_ASSERT(tu_errmsg_has(ctx, "cannot save the scan in"));
	CU_ASSERT(tu_errmsg_has(ctx, "findings are full"));
	counts(s, after);
	for (i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(after[i], before[i]);
	/* Nothing is left attached or open: after dropping the trigger it works. */
	CU_ASSERT_EQUAL(sqlite3_exec(store_db(s), "DROP TRIGGER no_findings", NULL, NULL, NULL),
			SQLITE_OK);
	CU_ASSERT_EQUAL(attest_store_save(s, inv, 1767323300, 1767323301, id), ATTEST_OK);
	counts(s, after);
	CU_ASSERT_EQUAL(after[0], before[0] + 1);
	attest_store_close(s);
}

static void
test_save_unevaluated(void)
{
	attest_store *s = open_ok(path_of("uneval.db"));
	attest_inventory *raw = NULL;
	char id[ATTEST_SCAN_ID_MAX];
	long long n[6];
	size_t i;

	if (!s)
		return;
	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &raw), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_finish(raw), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_store_save(s, raw, 1767323045, 1767323050, id), ATTEST_ERR_DB);
	counts(s, n);
	for (i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(n[i], 0);
	attest_inventory_free(raw);
	attest_store_close(s);
}

/* ---- resolving ---------------------------------------------------------- */

static void
test_resolve(void)
{
	attest_store *s = open_ok(path_of("resolve.db"));
	char a[ATTEST_SCAN_ID_MAX], b[ATTEST_SCAN_ID_MAX], got[ATTEST_SCAN_ID_MAX];
	char prefix[ATTEST_SCAN_ID_MAX];

	if (!s)
		return;
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1767323045, 1767323050, a), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1767409445, 1767409450, b), ATTEST_OK);
	/* full id */
	CU_ASSERT_EQUAL(attest_store_resolve(s, a, got), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(got, a);
	/* a unique prefix (the two scans are a day apart) */
	snprintf(prefix, sizeof(prefix), "%.8s", b);
	CU_ASSERT_EQUAL(attest_store_resolve(s, prefix, got), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(got, b);
	/* an ambiguous prefix */
	CU_ASSERT_EQUAL(attest_store_resolve(s, "2026", got), ATTEST_ERR_NOTFOUND);
	CU_ASSERT(tu_errmsg_has(ctx, "'2026' is ambiguous"));
	/* latest */
	CU_ASSERT_EQUAL(attest_store_resolve(s, "latest", got), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(got, b);
	/* unknown, and things that look like patterns */
	CU_ASSERT_EQUAL(attest_store_resolve(s, "1999", got), ATTEST_ERR_NOTFOUND);
	CU_ASSERT(tu_errmsg_has(ctx, "no scan '1999'"));
	CU_ASSERT_EQUAL(attest_store_resolve(s, "%", got), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_EQUAL(attest_store_resolve(s, "' OR 1=1 --", got), ATTEST_ERR_NOTFOUND);
	/* an empty reference names no scan */
	CU_ASSERT_EQUAL(attest_store_resolve(s, "", got), ATTEST_ERR_NOTFOUND);
	attest_store_close(s);
}

static void
test_resolve_empty_history(void)
{
	attest_store *s = open_ok(path_of("none.db"));
	char got[ATTEST_SCAN_ID_MAX];

	if (!s)
		return;
	CU_ASSERT_EQUAL(attest_store_resolve(s, "latest", got), ATTEST_ERR_NOTFOUND);
	CU_ASSERT(tu_errmsg_has(ctx, "no scan 'latest'"));
	/* With one scan, an empty reference must still name nothing. */
	CU_ASSERT_EQUAL_FATAL(attest_store_save(s, inv, 1767323045, 1767323050, got), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_store_resolve(s, "", got), ATTEST_ERR_NOTFOUND);
	attest_store_close(s);
}

/* ---- fixture --------------------------------------------------------------- */

static int
suite_init(void)
{
	if (tu_tmpdir(dir, sizeof(dir), "store") != 0)
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

/* ---- redaction (issue 10, defect 8) -------------------------------------------- */

/* store_redact() on in must remove secret and keep keep (when not NULL). */
static void
redacted(const char *in, const char *secret, const char *keep)
{
	char *out = NULL;

	CU_ASSERT_EQUAL_FATAL(store_redact(in, &out), ATTEST_OK);
	if (!out || strstr(out, secret) || (keep && !strstr(out, keep)))
		fprintf(stderr, "\n  in:  %.300s\n  out: %.300s\n", in, out ? out : "(unchanged)");
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NULL(strstr(out, secret));
	if (keep)
		CU_ASSERT_PTR_NOT_NULL(strstr(out, keep));
	free(out);
}

/* The AWS documentation's own example session token. */
#define AWS_DOC_TOKEN                                                                              \
	"AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmx" \
	"fpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0K" \
	"PkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZb" \
	"qBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

static void
test_redact_regressions(void)
{
	/* an assignment beside an ARN is still one */
	redacted("arn:aws:secretsmanager:us-east-1:1:secret:db password=hunter22x", "hunter22x",
		 "secret:db");
	redacted("{\"m\": \"token FwoGZXIvYXdzEJr0123456789abcdefghijklmnopqrstuvwx end\"}",
		 "EJr0123456789abcdef", "end");
	redacted("{\"SessionToken_example\": 1, \"note\": \"" AWS_DOC_TOKEN "\"}",
		 "EXAMPLEtc764bNrC9SAPBSM22wDOk4x4", "note");
	redacted("the token FQoDYXdzEJrSOMEtokenBODY0123456789 expired", "EJrSOMEtokenBODY",
		 "expired");
	redacted(
		"{\"Name\": \"db\", \"SecretString\": \"{\\\"password\\\":\\\"x\\\"}x-plain-secret\"}",
		"x-plain-secret", "db");
	redacted(
		"{\"key\": \"-----BEGIN PGP PRIVATE KEY BLOCK-----\\n\\nlQOYBGSECRETBODYxyz\\n=abcd\\n"
		"-----END PGP PRIVATE KEY BLOCK-----\\n\", \"k\": \"v\"}",
		"lQOYBGSECRETBODYxyz", "\"k\"");
	redacted("{\"url\": \"redis://:Pw0rdInUrl42@cache.internal:6379/0\"}", "Pw0rdInUrl42",
		 "cache.internal");
	redacted("{\"keys\": {\"AKIAQWERTYUIOPASDFGH\": {\"user\": \"alice\"}}}",
		 "AKIAQWERTYUIOPASDFGH", "alice");
}

static void
rand_chars(unsigned *seed, char *out, size_t n, const char *set)
{
	size_t k = strlen(set);

	while (n--)
		*out++ = set[(size_t)rand_r(seed) % k];
	*out = '\0';
}

static void
b64_encode(const unsigned char *in, size_t n, char *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*out++ = t[in[i] >> 2];
		*out++ = t[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		*out++ = t[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		*out++ = t[in[i + 2] & 63];
	}
	*out = '\0';
}

/* Generated variants beyond the listed ones: STS tokens of every version
 * byte and the names AWS uses, secret-named keys with value suffixes, private
 * key blocks of several labels, URL userinfo forms, credential-shaped object
 * keys; each in several contexts. Ordinary values stay as they are. */
static void
test_redact_class(void)
{
	static const char *const names[] = {"er/aws", "origin", "aws", "origin_ec"};
	static const char *const keys[] = {"SecretString",    "SecretBinary",        "PasswordData",
					   "TokenValue",      "client_secret_value", "ApiKeyText",
					   "private-key-pem", "MasterUserPassword",  "AuthToken"};
	static const char *const labels[] = {"RSA PRIVATE KEY",       "EC PRIVATE KEY",
					     "PRIVATE KEY",           "OPENSSH PRIVATE KEY",
					     "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK",
					     "DSA PRIVATE KEY"};
	static const char *const urls[][2] = {
		{"redis://:", "@h:6379"},        {"rediss://default:", "@h"},
		{"postgres://u:", "@db:5432/x"}, {"mongodb+srv://u:", "@c.net/x"},
		{"amqp://u:", "@mq/"},           {"https://u:", "@git.example.com/r.git"}};
	static const char *const contexts[][2] = {{"", ""},
						  {"{\"m\": \"x ", " y\"}"},
						  {"[\"", "\"]"},
						  {"{\"a\": {\"b\": [1, \"", "\"]}}"}};
	unsigned seed = 10;
	unsigned char raw[400];
	char secret[800], text[1200], needle[64], body[40];
	size_t v, n, c, k, variants = 0;

	for (v = 0; v < 64; v++) { /* version bytes 0..63 over the names */
		const char *name = names[v % 4];

		raw[0] = (unsigned char)(v * 4 + (v & 3));
		raw[1] = 0x0a;
		raw[2] = (unsigned char)strlen(name);
		memcpy(raw + 3, name, strlen(name));
		for (n = 3 + strlen(name); n < 3 + strlen(name) + 150 + v * 3; n++)
			raw[n] = (unsigned char)rand_r(&seed);
		n -= n % 3;
		b64_encode(raw, n, secret);
		snprintf(needle, sizeof(needle), "%.24s", secret + 24);
		for (c = 0; c < 4; c++, variants++) {
			snprintf(text, sizeof(text), "%s%s%s", contexts[c][0], secret,
				 contexts[c][1]);
			redacted(text, needle, NULL);
		}
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++, variants++) {
		rand_chars(&seed, body, 20, "abcdefghijklmnopqrstuvwxyz0123456789");
		snprintf(text, sizeof(text), "{\"Other\": \"kept\", \"%s\": \"%s\"}", keys[k],
			 body);
		redacted(text, body, "kept");
	}
	for (k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
		for (c = 0; c < 2; c++, variants++) {
			rand_chars(&seed, body, 32,
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
			if (c)
				snprintf(
					text, sizeof(text),
					"{\"k\": \"-----BEGIN %s-----\\nMIIB%s\\n-----END %s-----\\n\","
					" \"z\": 1}",
					labels[k], body, labels[k]);
			else
				snprintf(text, sizeof(text),
					 "key: -----BEGIN %s-----\nMIIB%s\n(cut, no end line)",
					 labels[k], body);
			redacted(text, body, NULL);
		}
	for (k = 0; k < sizeof(urls) / sizeof(urls[0]); k++)
		for (c = 0; c < 3; c++, variants++) {
			rand_chars(
				&seed, body, 16,
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
			if (c == 2)
				body[5] = '@'; /* an unencoded '@' in the password */
			snprintf(secret, sizeof(secret), "%s%s%s", urls[k][0], body, urls[k][1]);
			snprintf(text, sizeof(text), "%s%s%s", contexts[c][0], secret,
				 contexts[c][1]);
			redacted(text, c == 2 ? body + 6 : body, NULL);
		}
	for (k = 0; k < 20; k++, variants++) {
		rand_chars(&seed, body, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
		snprintf(secret, sizeof(secret), "%s%s", k % 2 ? "ASIA" : "AKIA", body);
		if (k % 4 < 2)
			snprintf(text, sizeof(text), "{\"%s\": {\"u\": 1}}", secret);
		else
			snprintf(text, sizeof(text), "{\"x\": {\"%s\": 2, \"y\": 3}}", secret);
		redacted(text, body, NULL);
	}
	/* what is not a secret stays */
	{
		static const char *const plain[] = {
			"{\"SecretArn\": \"arn:aws:kms:us-east-1:111122223333:key/db\"}",
			"{\"PasswordLastUsed\": \"2026-01-01T00:00:00Z\", \"KeyId\": \"1234abcd\"}",
			"{\"url\": \"https://example.com/a@b\", \"u\": \"https://user@host/\"}",
			"{\"Description\": \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\"}",
			/* an ARN whose resource type is a secret names it, holds none */
			"arn:aws:secretsmanager:us-east-1:345678901234:secret:prod-db-AbCdEf",
			"{\"id\": \"arn:aws:secretsmanager:eu-west-1:1:secret:api-token-x1\"}",
		};
		char *out;

		for (k = 0; k < sizeof(plain) / sizeof(plain[0]); k++, variants++) {
			out = NULL;
			CU_ASSERT_EQUAL(store_redact(plain[k], &out), ATTEST_OK);
			if (out)
				fprintf(stderr, "\n  changed: %s\n  -> %s\n", plain[k], out);
			CU_ASSERT_PTR_NULL(out);
			free(out);
		}
	}
	printf("[%zu redaction variants] ", variants);
}

/* Long runs of what a pattern's start could be (a 70,000-character id,
 * "eyJeyJ...", "xoxa-xoxa-...") with a secret after them: each is scanned
 * in time linear in its length (a quadratic scan of these 1 MB texts would
 * run for hours, not pass slowly), and the secret is still found. */
static void
test_redact_long_runs(void)
{
	static const char *const units[] = {"x", "eyJ", "xoxa-", "a+", "AKIA", "Ao", "ghp_",
					    "bearer ", "s://", "password", "/a:", "AoDYXdz",
					    /* and many matches */
					    "password=x ", "AKIAABCDEFGHIJKLMNOP ",
					    "bearer abcdef ", "eyJabcd.efgh.ij ", "r://:pw@h "};
	const size_t size = 1 << 20;
	char *text = malloc(size + 64), *out;
	size_t k, n, u;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
		u = strlen(units[k]);
		for (n = 0; n + u < size; n += u)
			memcpy(text + n, units[k], u);
		strcpy(text + n, " password=hunter2pw");
		out = NULL;
		CU_ASSERT_EQUAL(store_redact(text, &out), ATTEST_OK);
		CU_ASSERT_PTR_NOT_NULL(out);
		if (out)
			CU_ASSERT_PTR_NULL(strstr(out, "hunter2pw"));
		free(out);
	}
	free(text);
}

/* --keep-inputs reads its inputs before the scan's transaction (issue 10
 * #19): the copy is made while another connection holds the write lock
 * (with a busy timeout too short to wait for it), and what is stored is
 * what was read then, whatever happens to the file afterwards. */
static void
test_keep_inputs_outside_lock(void)
{
	char src[4096], input[4200], out[4200], sha[65] = "";
	attest_inventory *in = NULL;
	attest_store *s = NULL;
	struct store_kept *kept = NULL;
	sqlite3 *w = NULL;
	sqlite3_stmt *st = NULL;
	char *orig, *back;
	size_t n_orig, n_back;
	long long bytes = 0;
	FILE *fp;

	snprintf(src, sizeof(src), "%s/samples/estate.json", attest_datadir());
	snprintf(input, sizeof(input), "%s", path_of("keep-input.json"));
	snprintf(out, sizeof(out), "%s", path_of("keep-output.json"));
	orig = tu_slurp(src, &n_orig);
	CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
	fp = fopen(input, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fwrite(orig, 1, n_orig, fp), n_orig);
	fclose(fp);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &in), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_load(in, input), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_inventory_finish(in), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_store_open(ctx, path_of("keep.db"), &s), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_open(path_of("keep.db"), &w), SQLITE_OK);
	CU_ASSERT_EQUAL_FATAL(sqlite3_exec(w, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_busy_timeout(store_db(s), 50);
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(store_db(s), "ATTACH ?1 AS inv", -1, &st, NULL),
			      SQLITE_OK);
	sqlite3_bind_text(st, 1, attest_inventory_path(in), -1, SQLITE_STATIC);
	CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);

	CU_ASSERT_EQUAL(store_inputs_copy(s, &kept), ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kept);
	/* the file changes after the copy; the lock is released */
	fp = fopen(input, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs("{\"changed\": true}", fp);
	fclose(fp);
	CU_ASSERT_EQUAL(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(w);

	CU_ASSERT_EQUAL(sqlite3_exec(store_db(s), "PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE",
				     NULL, NULL, NULL),
			SQLITE_OK);
	CU_ASSERT_EQUAL(store_inputs_insert(s, "20260101T000000Z-00000000", kept), ATTEST_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	store_inputs_free(kept);
	CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(store_db(s),
						 "SELECT sha256 FROM scan_inputs WHERE kept", -1,
						 &st, NULL),
			      SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(sha, sizeof(sha), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	CU_ASSERT_EQUAL_FATAL(strlen(sha), 64);
	fp = fopen(out, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(store_input_write(s, sha, fp, &bytes), ATTEST_OK);
	fclose(fp);
	CU_ASSERT_EQUAL(bytes, (long long)n_orig);
	back = tu_slurp(out, &n_back);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT(n_back == n_orig && memcmp(back, orig, n_orig) == 0);
	free(back);
	free(orig);
	sqlite3_exec(store_db(s), "DETACH inv", NULL, NULL, NULL);
	attest_store_close(s);
	attest_inventory_free(in);
}

static CU_TestInfo tests[] = {
	{"open creates the schema", test_open_creates_schema},
	{"reopening is idempotent", test_reopen_idempotent},
	{"a non-SQLite file is refused untouched", test_not_sqlite_untouched},
	{"foreign and newer databases are refused untouched", test_refused_databases},
	{"an empty file is a new database", test_empty_file_is_new},
	{"default path", test_default_path},
	{"save copies the evaluation", test_save_consistent},
	{"a failed save leaves nothing", test_save_failure_leaves_nothing},
	{"saving an unevaluated inventory fails cleanly", test_save_unevaluated},
	{"resolve", test_resolve},
	{"resolve in an empty history", test_resolve_empty_history},
	{"redaction of the reported secrets (defect 8)", test_redact_regressions},
	{"redaction: generated class variants", test_redact_class},
	{"redaction: long runs are scanned in linear time", test_redact_long_runs},
	{"kept inputs are read before the write lock (defect 19)", test_keep_inputs_outside_lock},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"store", suite_init, suite_clean, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
