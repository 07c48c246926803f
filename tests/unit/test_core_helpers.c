/*
 * Unit tests for the helpers src/core gives every module: joining paths
 * (never cut short), the data and temporary directories, hex and SHA-256,
 * safe XML loading from a file and from memory (DOCTYPE refused, entities
 * never expanded, errors naming the document and line) and the SQLite
 * helpers (error texts naming the statement).
 */
#include "config.h"

#include "core/core_int.h"
#include "core/db.h"
#include "core/xml.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static attest_ctx *ctx;
static char dir[4096];

static int
setup(void)
{
	ctx = attest_ctx_new();
	if (!ctx || (size_t)snprintf(dir, sizeof(dir), "%s/attest-core-XXXXXX", core_tmpdir()) >=
			    sizeof(dir))
		return 1;
	return mkdtemp(dir) ? 0 : 1;
}

static int
teardown(void)
{
	char cmd[4200];

	attest_ctx_free(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}

static bool
has(const char *text)
{
	return strstr(attest_ctx_errmsg(ctx), text) != NULL;
}

/* Writes text to dir/name; the file's path goes into path. */
static void
put(const char *name, const char *text, char path[4200])
{
	FILE *fp;

	snprintf(path, 4200, "%s/%s", dir, name);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs(text, fp);
	fclose(fp);
}

/* ---- paths ---------------------------------------------------------------- */

static void
test_path_join(void)
{
	char out[16];

	CU_ASSERT_EQUAL(core_path_join(ctx, out, sizeof(out), "/a/b", "c.xml"), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(out, "/a/b/c.xml");
	/* exactly full: 15 characters and the NUL */
	CU_ASSERT_EQUAL(core_path_join(ctx, out, sizeof(out), "/0123456789", "abc"), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(out, "/0123456789/abc");
}

static void
test_path_join_truncation(void)
{
	char out[16];

	/* one byte too many: an error, never a shorter path naming another file */
	CU_ASSERT_EQUAL(core_path_join(ctx, out, sizeof(out), "/0123456789", "abcd"),
			ATTEST_ERR_LIMIT);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT(has("path too long: '/0123456789/abcd'"));
	CU_ASSERT_EQUAL(core_path_join(ctx, out, 1, "a", "b"), ATTEST_ERR_LIMIT);
	CU_ASSERT_STRING_EQUAL(out, "");
	/* no context: the code alone */
	CU_ASSERT_EQUAL(core_path_join(NULL, out, sizeof(out), "/0123456789", "abcd"),
			ATTEST_ERR_LIMIT);
}

static void
test_datadir(void)
{
	char *old = core_strdup(getenv("ATTEST_DATA_DIR")), out[64], big[200];

	setenv("ATTEST_DATA_DIR", "/opt/attest-data", 1);
	CU_ASSERT_STRING_EQUAL(attest_datadir(), "/opt/attest-data");
	CU_ASSERT_EQUAL(core_datadir_path(ctx, out, sizeof(out), "frameworks/checks.xsd"),
			ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(out, "/opt/attest-data/frameworks/checks.xsd");
	memset(big, 'd', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	setenv("ATTEST_DATA_DIR", big, 1);
	CU_ASSERT_EQUAL(core_datadir_path(ctx, out, sizeof(out), "templates/default.xml"),
			ATTEST_ERR_LIMIT);
	CU_ASSERT(has("path too long"));
	CU_ASSERT(has("/templates/default.xml'"));
	/* unset: the installed directory, else the source tree; either holds
	 * frameworks/ */
	unsetenv("ATTEST_DATA_DIR");
	CU_ASSERT_EQUAL(core_datadir_path(ctx, big, sizeof(big), "frameworks/checks.xsd"),
			ATTEST_OK);
	CU_ASSERT_EQUAL(access(big, R_OK), 0);
	if (old)
		setenv("ATTEST_DATA_DIR", old, 1);
	free(old);
}

static void
test_tmpdir(void)
{
	char *old = core_strdup(getenv("TMPDIR"));

	setenv("TMPDIR", "/var/tmp/x", 1);
	CU_ASSERT_STRING_EQUAL(core_tmpdir(), "/var/tmp/x");
	setenv("TMPDIR", "", 1);
	CU_ASSERT_STRING_EQUAL(core_tmpdir(), "/tmp");
	unsetenv("TMPDIR");
	CU_ASSERT_STRING_EQUAL(core_tmpdir(), "/tmp");
	if (old)
		setenv("TMPDIR", old, 1);
	free(old);
}

/* Where the library builds a path from the environment, a path that does
 * not fit is an error naming it, not a shorter path naming another file. */
static void
test_long_paths_fail(void)
{
	char *old_data = core_strdup(getenv("ATTEST_DATA_DIR"));
	char *old_tmp = core_strdup(getenv("TMPDIR"));
	char big[4200];
	attest_library *lib = NULL;
	attest_inventory *inv = NULL;

	memset(big, 'x', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	setenv("ATTEST_DATA_DIR", big, 1);
	CU_ASSERT_EQUAL_FATAL(attest_library_new(ctx, &lib), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_library_load_bundled(lib), ATTEST_ERR_LIMIT);
	CU_ASSERT(has("path too long: '/xxxx"));
	attest_library_free(lib);
	setenv("TMPDIR", big, 1);
	core_error(ctx, ATTEST_OK, "%s", ""); /* the message below is new */
	CU_ASSERT_EQUAL(attest_inventory_new(ctx, &inv), ATTEST_ERR_LIMIT);
	CU_ASSERT_PTR_NULL(inv);
	CU_ASSERT(has("path too long: '/xxxx"));
	if (old_data)
		setenv("ATTEST_DATA_DIR", old_data, 1);
	else
		unsetenv("ATTEST_DATA_DIR");
	if (old_tmp)
		setenv("TMPDIR", old_tmp, 1);
	else
		unsetenv("TMPDIR");
	free(old_data);
	free(old_tmp);
}

static CU_TestInfo path_tests[] = {
	{"join", test_path_join},
	{"join fails instead of cutting", test_path_join_truncation},
	{"data directory", test_datadir},
	{"temporary directory", test_tmpdir},
	{"long paths fail where the library builds them", test_long_paths_fail},
	CU_TEST_INFO_NULL,
};

/* ---- hex and SHA-256 -------------------------------------------------- */

static void
test_hex_encode(void)
{
	char out[9];

	core_hex_encode("\x00\x01\xab\xff", 4, out);
	CU_ASSERT_STRING_EQUAL(out, "0001abff");
	core_hex_encode("", 0, out);
	CU_ASSERT_STRING_EQUAL(out, "");
}

static void
test_hex_round_trip(void)
{
	unsigned char all[256], back[256];
	char hex[513];
	int i;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)(255 - i);
	core_hex_encode(all, sizeof(all), hex);
	CU_ASSERT_EQUAL(strlen(hex), 512);
	CU_ASSERT_NSTRING_EQUAL(hex, "fffefdfc", 8);
	CU_ASSERT_TRUE(core_hex_decode(hex, back, sizeof(back)));
	CU_ASSERT_EQUAL(memcmp(all, back, sizeof(all)), 0);
	CU_ASSERT_TRUE(core_hex_decode("ABcd", back, 2)); /* either case */
	CU_ASSERT_EQUAL(back[0], 0xab);
	CU_ASSERT_EQUAL(back[1], 0xcd);
}

static void
test_hex_decode_refused(void)
{
	unsigned char b[4];

	CU_ASSERT_FALSE(core_hex_decode("abc", b, 2));    /* odd, short */
	CU_ASSERT_FALSE(core_hex_decode("abcdef", b, 2)); /* too long */
	CU_ASSERT_FALSE(core_hex_decode("abgd", b, 2));   /* not a digit */
	CU_ASSERT_FALSE(core_hex_decode(" abc", b, 2));
	CU_ASSERT_FALSE(core_hex_decode(NULL, b, 2));
	CU_ASSERT_TRUE(core_hex_decode("", b, 0));
}

/* FIPS 180-2 vectors. */
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void
test_sha256_one_shot(void)
{
	char out[65];

	CU_ASSERT_TRUE(core_sha256_hex("abc", 3, out));
	CU_ASSERT_STRING_EQUAL(out, SHA_ABC);
	CU_ASSERT_TRUE(core_sha256_hex(NULL, 0, out));
	CU_ASSERT_STRING_EQUAL(out, SHA_EMPTY);
}

static void
test_sha256_incremental(void)
{
	struct core_sha256 h = {0};
	char chunk[1000], out[65];
	int i;

	memset(chunk, 'a', sizeof(chunk));
	CU_ASSERT_TRUE_FATAL(core_sha256_init(&h));
	for (i = 0; i < 1000; i++)
		core_sha256_add(&h, chunk, sizeof(chunk));
	core_sha256_end(&h, out);
	CU_ASSERT_STRING_EQUAL(out, SHA_MILLION_A);
	/* end starts over: the next document is digested on its own */
	core_sha256_add(&h, "a", 1);
	core_sha256_add(&h, "", 0);
	core_sha256_add(&h, "bc", 2);
	core_sha256_end(&h, out);
	CU_ASSERT_STRING_EQUAL(out, SHA_ABC);
	core_sha256_end(&h, out);
	CU_ASSERT_STRING_EQUAL(out, SHA_EMPTY);
	core_sha256_release(&h);
	core_sha256_release(&h); /* twice: a no-op */
}

static CU_TestInfo digest_tests[] = {
	{"hex encode", test_hex_encode},
	{"hex round trip", test_hex_round_trip},
	{"hex decode refuses what is not hex", test_hex_decode_refused},
	{"sha256 one shot", test_sha256_one_shot},
	{"sha256 incremental", test_sha256_incremental},
	CU_TEST_INFO_NULL,
};

/* ---- XML ------------------------------------------------------------------ */

/* A billion laughs: expanded, it would take gigabytes. */
static const char bomb[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE r [\n"
	"  <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
	"  <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	"  <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	"  <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
	"  <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	"  <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
	"  <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	"]>\n<r>&g;</r>\n";

static void
test_xml_memory(void)
{
	const char *text = "<r a=\"1\">\n  <x> one &amp; two </x>\n  <y/>\n  <x>three</x>\n</r>";
	xmlDocPtr doc = NULL;
	xmlNodePtr root, x;
	char *s;

	CU_ASSERT_EQUAL_FATAL(core_xml_load_memory(ctx, "t", text, strlen(text), NULL, &doc),
			      ATTEST_OK);
	root = xmlDocGetRootElement(doc);
	s = core_xml_attr(root, "a");
	CU_ASSERT_STRING_EQUAL(s, "1");
	free(s);
	CU_ASSERT_PTR_NULL(core_xml_attr(root, "b"));
	x = core_xml_child(root, "x");
	s = core_xml_text(x);
	CU_ASSERT_STRING_EQUAL(s, "one & two"); /* trimmed, predefined entity kept */
	free(s);
	x = core_xml_next(x->next, "x");
	s = core_xml_text(x);
	CU_ASSERT_STRING_EQUAL(s, "three");
	free(s);
	CU_ASSERT_PTR_NULL(core_xml_next(x->next, "x"));
	xmlFreeDoc(doc);
}

static void
test_xml_memory_doctype(void)
{
	char ext[8200];
	xmlDocPtr doc = NULL;
	char secret[4200];

	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "ListThings", bomb, strlen(bomb), NULL, &doc),
			ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NULL(doc);
	CU_ASSERT(has("'ListThings' at line 2"));
	CU_ASSERT(has("DOCTYPE"));
	/* an external entity is never fetched */
	put("secret.txt", "TOP-SECRET", secret);
	snprintf(ext, sizeof(ext),
		 "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY s SYSTEM \"file://%s\">]><r>&s;</r>",
		 secret);
	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "ext", ext, strlen(ext), NULL, &doc),
			ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NULL(doc);
	CU_ASSERT_PTR_NULL(strstr(attest_ctx_errmsg(ctx), "TOP-SECRET"));
}

static void
test_xml_memory_malformed(void)
{
	const char *undeclared = "<r>&nope;</r>", *bad = "<a>\n<b></a>";
	xmlDocPtr doc = NULL;

	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "bad", bad, strlen(bad), NULL, &doc),
			ATTEST_ERR_PARSE);
	CU_ASSERT(has("cannot parse 'bad' at line 2"));
	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "u", undeclared, strlen(undeclared), NULL, &doc),
			ATTEST_ERR_PARSE);
	CU_ASSERT(has("cannot parse 'u' at line 1"));
	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "empty", "", 0, NULL, &doc), ATTEST_ERR_PARSE);
	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "null", NULL, 0, NULL, &doc), ATTEST_ERR_PARSE);
	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "comment", "<!-- x -->", 10, NULL, &doc),
			ATTEST_ERR_PARSE);
	CU_ASSERT_PTR_NULL(doc);
}

static void
test_xml_file(void)
{
	char path[4200], missing[4300];
	xmlDocPtr doc = NULL;

	put("bomb.xml", bomb, path);
	CU_ASSERT_EQUAL(core_xml_load(ctx, path, NULL, &doc), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NULL(doc);
	CU_ASSERT(has("bomb.xml' at line 2: a DOCTYPE is not allowed here"));
	CU_ASSERT(has(dir));
	put("bad.xml", "<a>\n\n<b>\n</a>\n", path);
	CU_ASSERT_EQUAL(core_xml_load(ctx, path, NULL, &doc), ATTEST_ERR_PARSE);
	CU_ASSERT(has("bad.xml' at line 4"));
	snprintf(missing, sizeof(missing), "%s/missing.xml", dir);
	CU_ASSERT_EQUAL(core_xml_load(ctx, missing, NULL, &doc), ATTEST_ERR_IO);
	CU_ASSERT(has("cannot read '"));
	CU_ASSERT(has("missing.xml'"));
	put("ok.xml", "<?xml version=\"1.0\"?>\n<r><x>1</x></r>\n", path);
	CU_ASSERT_EQUAL(core_xml_load(ctx, path, NULL, &doc), ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(core_xml_child(xmlDocGetRootElement(doc), "x"));
	xmlFreeDoc(doc);
}

static void
test_xml_schema(void)
{
	const char *good = "<r><n>3</n></r>", *wrong = "<r>\n<n>three</n></r>";
	char path[4200];
	xmlSchemaPtr schema = NULL;
	xmlDocPtr doc = NULL;

	put("r.xsd",
	    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
	    "  <xs:element name=\"r\"><xs:complexType><xs:sequence>\n"
	    "    <xs:element name=\"n\" type=\"xs:int\"/>\n"
	    "  </xs:sequence></xs:complexType></xs:element>\n</xs:schema>\n",
	    path);
	CU_ASSERT_EQUAL_FATAL(core_xml_schema_load(ctx, path, &schema), ATTEST_OK);
	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "good", good, strlen(good), schema, &doc),
			ATTEST_OK);
	xmlFreeDoc(doc);
	doc = NULL;
	CU_ASSERT_EQUAL(core_xml_load_memory(ctx, "wrong", wrong, strlen(wrong), schema, &doc),
			ATTEST_ERR_INVALID);
	CU_ASSERT(has("invalid 'wrong' at line 2"));
	CU_ASSERT_PTR_NULL(doc);
	xmlSchemaFree(schema);
	put("broken.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n<oops/>",
	    path);
	CU_ASSERT_EQUAL(core_xml_schema_load(ctx, path, &schema), ATTEST_ERR_INVALID);
	CU_ASSERT(has("cannot load schema '"));
	CU_ASSERT_PTR_NULL(schema);
}

static CU_TestInfo xml_tests[] = {
	{"memory: parse and navigate", test_xml_memory},
	{"memory: DOCTYPE refused, no entity", test_xml_memory_doctype},
	{"memory: malformed", test_xml_memory_malformed},
	{"file: DOCTYPE, malformed, missing", test_xml_file},
	{"schema validation", test_xml_schema},
	CU_TEST_INFO_NULL,
};

/* ---- SQLite --------------------------------------------------------------- */

static void
test_db_prepare_run(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	CU_ASSERT_EQUAL_FATAL(sqlite3_open(":memory:", &db), SQLITE_OK);
	CU_ASSERT_EQUAL(core_db_exec(ctx, db, "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)"),
			ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(core_db_prepare(ctx, db, "INSERT INTO t VALUES (?1, ?2)", &st),
			      ATTEST_OK);
	/* run resets: the statement runs again with new bindings */
	sqlite3_bind_int(st, 1, 1);
	sqlite3_bind_text(st, 2, "one", -1, SQLITE_STATIC);
	CU_ASSERT_EQUAL(core_db_run(ctx, st), ATTEST_OK);
	sqlite3_bind_int(st, 1, 2);
	CU_ASSERT_EQUAL(core_db_run(ctx, st), ATTEST_OK);
	CU_ASSERT_EQUAL(core_db_int64(db, "SELECT count(*) FROM t", &n), SQLITE_OK);
	CU_ASSERT_EQUAL(n, 2);
	/* the same key again: the error names the statement and says why */
	CU_ASSERT_EQUAL(core_db_run(ctx, st), ATTEST_ERR_DB);
	CU_ASSERT(has("cannot run 'INSERT INTO t VALUES (?1, ?2)': UNIQUE constraint failed"));
	sqlite3_finalize(st);
	/* a statement that returns rows is not one to run */
	CU_ASSERT_EQUAL_FATAL(core_db_prepare(ctx, db, "SELECT v FROM t", &st), ATTEST_OK);
	CU_ASSERT_EQUAL(core_db_run(ctx, st), ATTEST_ERR_DB);
	CU_ASSERT(has("cannot run 'SELECT v FROM t'"));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_db_errors(void)
{
	char sql[200];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n = 7;

	CU_ASSERT_EQUAL_FATAL(sqlite3_open(":memory:", &db), SQLITE_OK);
	CU_ASSERT_EQUAL(core_db_prepare(ctx, db, "SELEC 1", &st), ATTEST_ERR_DB);
	CU_ASSERT_PTR_NULL(st);
	CU_ASSERT(has("cannot prepare 'SELEC 1': near \"SELEC\": syntax error"));
	/* a long statement is cut in the message, and says so */
	snprintf(
		sql, sizeof(sql), "SELECT %s FROM nowhere",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CU_ASSERT_EQUAL(core_db_prepare(ctx, db, sql, &st), ATTEST_ERR_DB);
	CU_ASSERT(has("aaaa...': no such table: nowhere"));
	CU_ASSERT_EQUAL(core_db_exec(ctx, db, "DROP TABLE nowhere"), ATTEST_ERR_DB);
	CU_ASSERT(has("cannot run 'DROP TABLE nowhere': no such table: nowhere"));
	CU_ASSERT_EQUAL(core_db_error(ctx, db, "inventory database: %s", "cannot open"),
			ATTEST_ERR_DB);
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx),
			       "inventory database: cannot open: no such table: nowhere");
	CU_ASSERT_EQUAL(core_db_int64(db, "SELECT 1 WHERE 0", &n), SQLITE_DONE);
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(core_db_int64(db, "SELECT x FROM nowhere", &n), SQLITE_ERROR);
	CU_ASSERT_EQUAL(n, 7);
	sqlite3_close(db);
}

static CU_TestInfo db_tests[] = {
	{"prepare, run, exec, one number", test_db_prepare_run},
	{"errors name the statement", test_db_errors},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"core: paths", setup, teardown, NULL, NULL, path_tests},
		{"core: hex and sha256", setup, teardown, NULL, NULL, digest_tests},
		{"core: xml", setup, teardown, NULL, NULL, xml_tests},
		{"core: sqlite", setup, teardown, NULL, NULL, db_tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
