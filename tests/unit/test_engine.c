/*
 * Unit tests for the engine: loading a library of checks and catalogs
 * (src/engine/library.c, checks.c, catalog.c, xmlsafe.c) and evaluating it
 * (eval.c, runcheck.c, score.c). Each test writes its own small library
 * into a temporary directory, laid out like the bundled one (DIR/NAME.xml
 * catalogs, DIR/checks/.../NAME.xml checks), validated against the bundled
 * schemas. Evaluation runs against an inventory loaded from memory.
 */
#include "config.h"

#include "engine/engine_int.h"
#include "harness.h"

/* The tables below hold format strings as test data. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "inventory/inventory_int.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static attest_ctx *ctx;
static char tmp[4096];

/* ---- fixtures ---------------------------------------------------------- */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A fresh temporary directory per test. */
static const char *
fresh_dir(void)
{
	const char *base = getenv("TMPDIR");

	if (*tmp)
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(tmp, sizeof(tmp), "%s/attest-engine-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmp)) {
		*tmp = '\0';
		return NULL;
	}
	return tmp;
}

/* Writes DIR/rel (creating DIR/checks when needed); returns the path. */
static const char *
put(const char *dir, const char *rel, const char *fmt, ...)
{
	static char path[4096];
	va_list ap;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/checks", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "w");
	if (!fp)
		return NULL;
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fclose(fp);
	return path;
}

#define CHECKS_OPEN "<?xml version=\"1.0\"?>\n<checks xmlns=\"urn:attest:checks:1\">\n"
#define CHECKS_CLOSE "</checks>\n"

/* One <check>; extra goes after <resource-type> (e.g. <requires>). The query
 * is the last element, on a line of its own. */
static char *
check_xml(const char *id, const char *severity, const char *type, const char *extra,
	  const char *query)
{
	static char out[4][8192];
	static int turn;
	char *s = out[turn++ % 4];

	snprintf(s, sizeof(out[0]),
		 "  <check id=\"%s\">\n"
		 "    <title>Title of %s</title>\n"
		 "    <service>s3</service>\n"
		 "    <severity>%s</severity>\n"
		 "    <resource-type>%s</resource-type>\n"
		 "%s"
		 "    <rationale>Because.</rationale>\n"
		 "    <remediation><steps>Fix it.</steps><cli>aws fix</cli>"
		 "<terraform>fixed = true</terraform></remediation>\n"
		 "    <reference href=\"https://example.com/%s\">Docs</reference>\n"
		 "    <query><![CDATA[%s]]></query>\n"
		 "  </check>\n",
		 id, id, severity, type, extra, id, query);
	return s;
}

#define PASS_ALL "SELECT rid, 'pass' AS status, 'ok' AS reason, NULL AS evidence FROM resources WHERE type = 'AWS::S3::Bucket'"

static const char *
simple_checks(const char *dir, const char *file, const char *id, const char *title_query)
{
	return put(dir, file, CHECKS_OPEN "%s" CHECKS_CLOSE,
		   check_xml(id, "high", "AWS::S3::Bucket", "", title_query));
}

/* A catalog; the arguments after id are <control> elements, NULL-ended. */
static const char *
catalog(const char *dir, const char *file, const char *id, ...)
{
	static char body[16384];
	const char *c;
	size_t n = 0;
	va_list ap;

	body[0] = '\0';
	va_start(ap, id);
	while ((c = va_arg(ap, const char *)) && n < sizeof(body))
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s", c);
	va_end(ap);
	return put(dir, file,
		   "<?xml version=\"1.0\"?>\n"
		   "<framework xmlns=\"urn:attest:framework:1\" id=\"%s\" version=\"1.0\">\n"
		   "  <title>Test %s</title>\n"
		   "  <publisher>Unit</publisher>\n"
		   "  <description>For tests.</description>\n"
		   "  <section id=\"1\">\n"
		   "    <title>All</title>\n"
		   "%s"
		   "  </section>\n"
		   "</framework>\n",
		   id, id, body);
}

static char *
control(const char *id, const char *refs)
{
	static char out[16][1024];
	static int turn;
	char *s = out[turn++ % 16], *p;
	char copy[512], *tok, *save = NULL;
	size_t n;

	n = (size_t)snprintf(s, sizeof(out[0]),
			     "    <control id=\"%s\" assessment=\"%s\">\n      <title>Control %s</title>\n",
			     id, refs ? "automated" : "manual", id);
	p = s + n;
	if (refs) {
		snprintf(copy, sizeof(copy), "%s", refs);
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			p += sprintf(p, "      <check ref=\"%s\"/>\n", tok);
	}
	strcpy(p, "    </control>\n");
	return s;
}

static attest_library *
new_lib(void)
{
	attest_library *lib = NULL;

	CU_ASSERT_EQUAL(attest_library_new(ctx, &lib), ATTEST_OK);
	return lib;
}

/* Loads dir; returns the result, the message checked by the caller. */
static attest_rc
load_dir(attest_library *lib, const char *dir)
{
	attest_rc rc = attest_library_load_dir(lib, dir);

	if (rc == ATTEST_OK)
		rc = attest_library_resolve(lib);
	return rc;
}

static bool
has(const char *needle)
{
	if (strstr(attest_ctx_errmsg(ctx), needle))
		return true;
	fprintf(stderr, "\n  message \"%s\" lacks \"%s\"\n", attest_ctx_errmsg(ctx), needle);
	return false;
}

/* ---- loading ------------------------------------------------------------ */

static void
test_load_good(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();

	put(dir, "checks/a.xml", CHECKS_OPEN "%s%s" CHECKS_CLOSE,
	    check_xml("chk-one", "high", "AWS::S3::Bucket", "", PASS_ALL),
	    check_xml("chk-two", "low", "AWS::S3::Bucket",
		      "    <requires>AWS::EC2::VPC</requires>\n", PASS_ALL));
	mkdir(put(dir, "checks/sub", "") ? tmp : tmp, 0700); /* a stray file named sub */
	catalog(dir, "fw.xml", "fw-test", control("1.1", "chk-one chk-two"), NULL);
	put(dir, "README.txt", "not xml, ignored");
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_library_check_count(lib), 2);
	CU_ASSERT_EQUAL(attest_library_framework_count(lib), 1);
	CU_ASSERT_STRING_EQUAL(attest_library_framework_id(lib, 0), "fw-test");
	CU_ASSERT_PTR_NULL(attest_library_framework_id(lib, 1));
	CU_ASSERT_EQUAL(lib_find_check(lib, "chk-two")->n_requires, 1);
	CU_ASSERT_STRING_EQUAL(lib_find_check(lib, "chk-two")->requires[0], "AWS::EC2::VPC");
	CU_ASSERT_STRING_EQUAL(lib_find_check(lib, "chk-one")->refs,
			       "[{\"href\":\"https://example.com/chk-one\",\"title\":\"Docs\"}]");
	CU_ASSERT_EQUAL(lib_find_check(lib, "chk-one")->line, 3);
	attest_library_free(lib);
	attest_library_free(NULL);
}

static void
test_load_nested_checks_dir(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	char sub[4200];

	snprintf(sub, sizeof(sub), "%s/checks/aws", dir);
	mkdir(put(dir, "x.txt", "") ? sub : sub, 0700);
	simple_checks(dir, "checks/aws/s3.xml", "chk-deep", PASS_ALL);
	catalog(dir, "fw.xml", "fw-test", control("1", "chk-deep"), NULL);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(lib_find_check(lib, "chk-deep"));
	attest_library_free(lib);
}

static void
test_not_well_formed(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	char path[4200];

	put(dir, "checks/broken.xml", CHECKS_OPEN "  <check id=\"abc\">\n    <title>x</titel>\n"
					CHECKS_CLOSE);
	snprintf(path, sizeof(path), "cannot parse '%s/checks/broken.xml' at line 4:", dir);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_PARSE);
	CU_ASSERT(has(path));
	attest_library_free(lib);
}

static void
test_schema_invalid(void)
{
	static const struct {
		const char *body;
		int line;
		const char *what;
	} cases[] = {
		/* no <title> */
		{"  <check id=\"abc\">\n    <service>s3</service>\n", 4, "service"},
		/* a severity the schema does not know */
		{"  <check id=\"abc\">\n    <title>t</title>\n    <service>s3</service>\n"
		 "    <severity>urgent</severity>\n", 6, "urgent"},
		/* a bad id */
		{"  <check id=\"A\">\n    <title>t</title>\n", 3, "id"},
	};
	attest_library *lib;
	const char *dir;
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dir = fresh_dir();
		lib = new_lib();
		put(dir, "checks/bad.xml", CHECKS_OPEN "%s  </check>\n" CHECKS_CLOSE, cases[i].body);
		snprintf(path, sizeof(path), "invalid '%s/checks/bad.xml' at line %d:", dir,
			 cases[i].line);
		CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
		CU_ASSERT(has(path));
		CU_ASSERT(has(cases[i].what));
		attest_library_free(lib);
	}
}

static void
test_catalog_invalid(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	char path[4200];

	simple_checks(dir, "checks/a.xml", "chk-one", PASS_ALL);
	put(dir, "fw.xml",
	    "<?xml version=\"1.0\"?>\n<framework xmlns=\"urn:attest:framework:1\" id=\"fw\""
	    " version=\"1\">\n  <title>t</title>\n  <publisher>p</publisher>\n"
	    "  <description>d</description>\n  <section id=\"1\"><title>s</title>\n"
	    "    <control id=\"1.1\" assessment=\"sometimes\"><title>c</title></control>\n"
	    "  </section>\n</framework>\n");
	snprintf(path, sizeof(path), "invalid '%s/fw.xml' at line 7:", dir);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
	CU_ASSERT(has(path));
	attest_library_free(lib);
}

/* A DOCTYPE is refused before any entity is looked at: an entity bomb does
 * not expand and an external entity is never read. */
static void
test_doctype_refused(void)
{
	static const char *const doctypes[] = {
		"<!DOCTYPE checks [\n"
		"  <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		"  <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		"  <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		"  <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		"  <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		"  <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		"  <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		"  <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
		"]>\n",
		"<!DOCTYPE checks [\n  <!ENTITY xxe SYSTEM \"file://%s/secret.txt\">\n]>\n",
		"<!DOCTYPE checks SYSTEM \"file://%s/secret.dtd\">\n",
	};
	static const char *const uses[] = {"&h;", "&xxe;", "Because."};
	attest_library *lib;
	const char *dir;
	char path[4200], doctype[2048];
	clock_t t0;
	size_t i;

	for (i = 0; i < 3; i++) {
		dir = fresh_dir();
		lib = new_lib();
		put(dir, "secret.txt", "TOP-SECRET-CONTENT");
		put(dir, "secret.dtd", "<!ENTITY leak SYSTEM \"file://%s/secret.txt\">", dir);
		snprintf(doctype, sizeof(doctype), doctypes[i], dir);
		put(dir, "checks/evil.xml",
		    "<?xml version=\"1.0\"?>\n%s<checks xmlns=\"urn:attest:checks:1\">\n"
		    "  <check id=\"evil\">\n    <title>%s</title>\n  </check>\n</checks>\n",
		    doctype, uses[i]);
		snprintf(path, sizeof(path), "'%s/checks/evil.xml'", dir);
		t0 = clock();
		CU_ASSERT_NOT_EQUAL(load_dir(lib, dir), ATTEST_OK);
		CU_ASSERT((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
		CU_ASSERT(has(path));
		CU_ASSERT(has("DOCTYPE"));
		CU_ASSERT(has("at line 2"));
		CU_ASSERT_PTR_NULL(strstr(attest_ctx_errmsg(ctx), "TOP-SECRET"));
		attest_library_free(lib);
	}
}

static void
test_duplicate_check_in_dir(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	char want[8500];

	simple_checks(dir, "checks/a.xml", "chk-dup", PASS_ALL);
	simple_checks(dir, "checks/b.xml", "chk-dup", PASS_ALL);
	catalog(dir, "fw.xml", "fw-test", control("1", "chk-dup"), NULL);
	snprintf(want, sizeof(want),
		 "invalid '%s/checks/b.xml' at line 3: check 'chk-dup' is already defined in "
		 "'%s/checks/a.xml' at line 3",
		 dir, dir);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
	CU_ASSERT(has(want));
	attest_library_free(lib);
}

static void
test_duplicate_framework_in_dir(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();

	simple_checks(dir, "checks/a.xml", "chk-one", PASS_ALL);
	catalog(dir, "a.xml", "fw-test", control("1", "chk-one"), NULL);
	catalog(dir, "b.xml", "fw-test", control("1", "chk-one"), NULL);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
	CU_ASSERT(has("/b.xml"));
	CU_ASSERT(has("framework 'fw-test' is already defined"));
	attest_library_free(lib);
}

static void
test_later_dir_overrides(void)
{
	attest_library *lib = new_lib();
	char first[4096];
	const char *second;

	snprintf(first, sizeof(first), "%s", fresh_dir());
	*tmp = '\0'; /* keep the first directory while making the second */
	simple_checks(first, "checks/a.xml", "chk-one", PASS_ALL);
	catalog(first, "fw.xml", "fw-test", control("1", "chk-one"), NULL);
	second = fresh_dir();
	put(second, "checks/mine.xml", CHECKS_OPEN "%s" CHECKS_CLOSE,
	    check_xml("chk-one", "critical", "AWS::S3::Bucket", "", PASS_ALL));
	catalog(second, "fw2.xml", "fw-test", control("9", "chk-one"), NULL);
	CU_ASSERT_EQUAL(attest_library_load_dir(lib, first), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_library_load_dir(lib, second), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_library_resolve(lib), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_library_check_count(lib), 1);
	CU_ASSERT_EQUAL(attest_library_framework_count(lib), 1);
	CU_ASSERT_STRING_EQUAL(lib_find_check(lib, "chk-one")->severity, "critical");
	CU_ASSERT_STRING_EQUAL(lib_find_framework(lib, "fw-test")->controls[0].id, "9");
	attest_library_free(lib);
	nftw(first, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
test_unknown_check_ref(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	char want[4300];

	simple_checks(dir, "checks/a.xml", "chk-one", PASS_ALL);
	catalog(dir, "fw.xml", "fw-test", control("1.1", "chk-one"), control("1.2", "chk-nope"), NULL);
	snprintf(want, sizeof(want),
		 "invalid '%s/fw.xml' at line 12: control '1.2' maps unknown check 'chk-nope'", dir);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
	CU_ASSERT(has(want));
	attest_library_free(lib);
}

static void
test_automated_without_checks(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	char want[4300];

	simple_checks(dir, "checks/a.xml", "chk-one", PASS_ALL);
	catalog(dir, "fw.xml", "fw-test",
		"    <control id=\"2.1\" assessment=\"automated\"><title>t</title></control>\n", NULL);
	snprintf(want, sizeof(want),
		 "invalid '%s/fw.xml' at line 8: control '2.1' is automated but maps no check", dir);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
	CU_ASSERT(has(want));
	attest_library_free(lib);
}

static void
test_missing_dir(void)
{
	attest_library *lib = new_lib();

	CU_ASSERT_EQUAL(attest_library_load_dir(lib, "/nonexistent/attest"), ATTEST_ERR_IO);
	CU_ASSERT(has("'/nonexistent/attest'"));
	attest_library_free(lib);
}

/* ---- evaluation --------------------------------------------------------- */

static const char inventory_text[] =
	"{\"attest_inventory\": 1, \"provider\": \"aws\", \"accounts\": [\"111122223333\"],"
	" \"collected_types\": [\"AWS::S3::Bucket\", \"AWS::KMS::Key\"], \"resources\": ["
	"{\"type\": \"AWS::S3::Bucket\", \"id\": \"b1\", \"account\": \"111122223333\"},"
	"{\"type\": \"AWS::S3::Bucket\", \"id\": \"b2\", \"account\": \"111122223333\"},"
	"{\"type\": \"AWS::S3::Bucket\", \"id\": \"b3\", \"account\": \"111122223333\"}]}";

static attest_inventory *
inventory(void)
{
	attest_inventory *inv = NULL;
	FILE *fp = fmemopen((void *)inventory_text, strlen(inventory_text), "r");

	if (attest_inventory_new(ctx, &inv) != ATTEST_OK ||
	    attest_inventory_load_fp(inv, fp, "inv.json") != ATTEST_OK ||
	    attest_inventory_finish(inv) != ATTEST_OK) {
		fprintf(stderr, "\n  inventory: %s\n", attest_ctx_errmsg(ctx));
		CU_FAIL("cannot load the inventory");
	}
	fclose(fp);
	return inv;
}

static const char *
q_text(attest_inventory *inv, const char *fmt, ...)
{
	static char out[2048];
	char sql[1024];
	sqlite3_stmt *st = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	snprintf(out, sizeof(out), "(none)");
	if (sqlite3_prepare_v2(attest_inventory_db(inv), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, sizeof(out), "%s", sqlite3_column_text(st, 0));
	else if (!st)
		fprintf(stderr, "\n  %s: %s\n", sql, sqlite3_errmsg(attest_inventory_db(inv)));
	sqlite3_finalize(st);
	return out;
}

#define Q_BUCKETS "FROM resources WHERE type = 'AWS::S3::Bucket'"

/* The checks of the roll-up library. */
static void
write_eval_library(const char *dir)
{
	put(dir, "checks/a.xml", CHECKS_OPEN "%s%s%s%s" CHECKS_CLOSE,
	    check_xml("c-pass", "low", "AWS::S3::Bucket", "", PASS_ALL),
	    check_xml("c-fail", "high", "AWS::S3::Bucket", "",
		      "SELECT rid, CASE id WHEN 'b1' THEN 'fail' ELSE 'pass' END AS status,"
		      " 'bucket ' || id AS reason, json_object('id', id) AS evidence " Q_BUCKETS),
	    check_xml("c-noteval", "medium", "AWS::EC2::VPC", "",
		      "SELECT rid, 'pass' AS status, 'x' AS reason, NULL AS evidence FROM resources"
		      " WHERE type = 'AWS::EC2::VPC'"),
	    check_xml("c-requires", "medium", "AWS::S3::Bucket",
		      "    <requires>AWS::CloudTrail::Trail</requires>\n", PASS_ALL));
	put(dir, "checks/b.xml", CHECKS_OPEN "%s%s%s%s" CHECKS_CLOSE,
	    check_xml("c-na", "low", "AWS::KMS::Key", "",
		      "SELECT rid, 'fail' AS status, 'x' AS reason, NULL AS evidence FROM resources"
		      " WHERE type = 'AWS::KMS::Key'"),
	    check_xml("c-status", "low", "AWS::S3::Bucket", "",
		      "SELECT rid, CASE id WHEN 'b2' THEN 'maybe' WHEN 'b3' THEN NULL ELSE 'pass' END"
		      " AS status, NULL AS reason, 'not json' AS evidence " Q_BUCKETS),
	    check_xml("c-othertype", "low", "AWS::S3::Bucket", "",
		      "SELECT rid, 'pass' AS status, 'r' AS reason, NULL AS evidence FROM resources"),
	    check_xml("c-runtime", "critical", "AWS::S3::Bucket", "",
		      "SELECT rid, json_extract('{broken', '$.x') AS status, 'r' AS reason,"
		      " NULL AS evidence " Q_BUCKETS));
	catalog(dir, "fw.xml", "fw-roll",
		/* fail > error > not_evaluated > pass > not_applicable */
		control("r-fail", "c-pass c-fail c-runtime c-noteval c-na"),
		control("r-error", "c-pass c-runtime c-noteval c-na"),
		control("r-noteval", "c-na c-pass c-noteval"),
		control("r-pass", "c-pass c-na"),
		control("r-pass2", "c-pass"),
		control("r-na", "c-na"),
		control("r-manual", NULL),
		control("r-status", "c-status"),
		control("r-other", "c-othertype"),
		control("r-requires", "c-requires"), NULL);
}

static void
test_evaluate(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	attest_inventory *inv;

	write_eval_library(dir);
	CU_ASSERT_EQUAL_FATAL(load_dir(lib, dir), ATTEST_OK);
	inv = inventory();
	CU_ASSERT_EQUAL_FATAL(attest_evaluate(inv, lib, NULL, 0), ATTEST_OK);

	/* check statuses */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status FROM chk WHERE check_id = 'c-pass'"), "pass");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || n_pass || n_fail FROM chk"
					   " WHERE check_id = 'c-fail'"), "fail21");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || ': ' || reason FROM chk"
					   " WHERE check_id = 'c-noteval'"),
			       "not_evaluated: resource type AWS::EC2::VPC was not collected");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || ': ' || reason FROM chk"
					   " WHERE check_id = 'c-requires'"),
			       "not_evaluated: resource type AWS::CloudTrail::Trail was not collected");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status FROM chk WHERE check_id = 'c-na'"),
			       "not_applicable");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status FROM chk WHERE check_id = 'c-runtime'"),
			       "error");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT count(*) FROM res WHERE check_id = 'c-runtime'"),
			       "0");
	/* unknown statuses become error rows naming the status */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || n_pass || n_error FROM chk"
					   " WHERE check_id = 'c-status'"), "error12");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT res.status || ': ' || res.reason FROM res"
					   " JOIN resources r USING (rid) WHERE check_id = 'c-status'"
					   " AND r.id = 'b2'"),
			       "error: check returned an unknown status 'maybe'");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT res.status || ': ' || res.reason FROM res"
					   " JOIN resources r USING (rid) WHERE check_id = 'c-status'"
					   " AND r.id = 'b3'"),
			       "error: check returned an unknown status NULL");
	/* defaults: a reason and JSON evidence */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT res.reason || ' ' || res.evidence FROM res"
					   " JOIN resources r USING (rid) WHERE check_id = 'c-status'"
					   " AND r.id = 'b1'"),
			       "the check gave no reason {\"value\":\"not json\"}");
	/* a row about a resource of another type (the account record) */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || n_pass || n_error FROM chk"
					   " WHERE check_id = 'c-othertype'"), "error31");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT res.reason FROM res JOIN resources r USING (rid)"
					   " WHERE check_id = 'c-othertype' AND r.type = 'AWS::::Account'"),
			       "check judged a row that is not a AWS::S3::Bucket");

	/* control roll-up */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT group_concat(control_id || '=' || status, ' ')"
					   " FROM (SELECT * FROM ctl ORDER BY seq)"),
			       "r-fail=fail r-error=error r-noteval=not_evaluated r-pass=pass "
			       "r-pass2=pass r-na=not_applicable r-manual=manual r-status=error "
			       "r-other=error r-requires=not_evaluated");
	/* score = 100 * pass / (pass + fail); coverage = (pass + fail + na) / total */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT printf('%%d %%d %%d %%d %%d %%d %%d %%.1f %%.1f',"
					   " n_total, n_pass, n_fail, n_manual, n_not_evaluated,"
					   " n_not_applicable, n_error, score, coverage) FROM fw"),
			       "10 2 1 1 2 1 3 66.7 40.0");
	attest_inventory_free(inv);
	attest_library_free(lib);
}

static void
test_evaluate_selected(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	attest_inventory *inv;
	const char *ids[] = {"fw-b"};
	const char *bad[] = {"fw-nope"};

	simple_checks(dir, "checks/a.xml", "chk-one", PASS_ALL);
	simple_checks(dir, "checks/b.xml", "chk-two", PASS_ALL);
	catalog(dir, "a.xml", "fw-a", control("1", "chk-one"), NULL);
	catalog(dir, "b.xml", "fw-b", control("1", "chk-two"), NULL);
	CU_ASSERT_EQUAL_FATAL(load_dir(lib, dir), ATTEST_OK);
	inv = inventory();
	CU_ASSERT_EQUAL(attest_evaluate(inv, lib, bad, 1), ATTEST_ERR_NOTFOUND);
	CU_ASSERT(has("unknown framework 'fw-nope'"));
	CU_ASSERT_EQUAL(attest_evaluate(inv, lib, ids, 1), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT group_concat(framework) FROM fw"), "fw-b");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT group_concat(check_id) FROM chk"), "chk-two");
	/* all pass: score 100, coverage 100 */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT score || ' ' || coverage FROM fw"), "100.0 100.0");
	attest_inventory_free(inv);
	attest_library_free(lib);
}

/* Evaluates a one-check library whose query is q; returns the result. */
static attest_rc
eval_one(const char *q, char *path, size_t size)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	attest_inventory *inv;
	attest_rc rc;

	snprintf(path, size, "%s", simple_checks(dir, "checks/q.xml", "chk-q", q));
	catalog(dir, "fw.xml", "fw-test", control("1", "chk-q"), NULL);
	CU_ASSERT_EQUAL_FATAL(load_dir(lib, dir), ATTEST_OK);
	inv = inventory();
	rc = attest_evaluate(inv, lib, NULL, 0);
	/* Nothing of a failed evaluation is left behind. */
	if (rc != ATTEST_OK)
		CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT count(*) FROM chk"), "0");
	attest_inventory_free(inv);
	attest_library_free(lib);
	return rc;
}

static void
test_query_does_not_compile(void)
{
	char path[4200], want[4400];

	CU_ASSERT_EQUAL(eval_one("SELEC rid FROM resources", path, sizeof(path)),
			ATTEST_ERR_INVALID);
	snprintf(want, sizeof(want), "invalid '%s' at line 11: the query of check 'chk-q' does not compile",
		 path);
	CU_ASSERT(has(want));
	CU_ASSERT(has("syntax error"));
	/* Two statements: the second would run outside the engine's INSERT. */
	CU_ASSERT_EQUAL(eval_one(PASS_ALL ") AS q; DELETE FROM resources; SELECT (1", path,
				 sizeof(path)),
			ATTEST_ERR_INVALID);
	CU_ASSERT(has("does not compile"));
}

/* Queries may only read: whatever SQLite lets a SELECT embed that reaches
 * outside the data is refused when the query is compiled. */
static void
test_authorizer(void)
{
	static const struct {
		const char *query, *why;
	} cases[] = {
		{"SELECT r.rid, 'pass' AS status, p.name AS reason, NULL AS evidence"
		 " FROM resources r, pragma_table_info('resources') p WHERE r.type = 'AWS::S3::Bucket'",
		 "access to pragma_table_info.name is prohibited"},
		{"SELECT rid, 'pass' AS status, 'r' AS reason, NULL AS evidence " Q_BUCKETS
		 " AND EXISTS (SELECT 1 FROM pragma_database_list)",
		 "not authorized"},
		{"SELECT rid, 'pass' AS status, load_extension('%s/nothing.so') AS reason,"
		 " NULL AS evidence " Q_BUCKETS,
		 "not authorized"},
		{"SELECT rid, 'pass' AS status, 'r' AS reason, NULL AS evidence " Q_BUCKETS
		 "; ATTACH '%s/x.db' AS x",
		 "more than one statement"},
	};
	char path[4200], q[8192], keep[4096], x[4200];
	size_t i;

	snprintf(keep, sizeof(keep), "%s", fresh_dir());
	*tmp = '\0'; /* keep it across eval_one() */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(q, sizeof(q), cases[i].query, keep);
		if (eval_one(q, path, sizeof(path)) != ATTEST_ERR_INVALID) {
			fprintf(stderr, "\n  query %zu was not refused\n", i);
			CU_FAIL("query not refused");
		} else {
			CU_ASSERT(has("does not compile"));
			CU_ASSERT(has(cases[i].why));
		}
	}
	snprintf(x, sizeof(x), "%s/x.db", keep);
	CU_ASSERT(access(x, F_OK) != 0);
	nftw(keep, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
test_no_frameworks(void)
{
	attest_library *lib = new_lib();
	attest_inventory *inv = inventory();

	CU_ASSERT_EQUAL(attest_evaluate(inv, lib, NULL, 0), ATTEST_ERR_NOTFOUND);
	CU_ASSERT(has("no frameworks"));
	attest_inventory_free(inv);
	attest_library_free(lib);
}

static void
test_bundled(void)
{
	attest_library *lib = new_lib();

	CU_ASSERT_EQUAL(attest_library_load_bundled(lib), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_library_resolve(lib), ATTEST_OK);
	CU_ASSERT(attest_library_check_count(lib) > 10);
	CU_ASSERT(attest_library_framework_count(lib) >= 1);
	attest_library_free(lib);
}

static int
suite_init(void)
{
	ctx = attest_ctx_new();
	return ctx ? 0 : 1;
}

static int
suite_clean(void)
{
	if (*tmp)
		nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	*tmp = '\0';
	attest_ctx_free(ctx);
	return 0;
}

static CU_TestInfo load_tests[] = {
	{"a good directory", test_load_good},
	{"checks in subdirectories", test_load_nested_checks_dir},
	{"not well-formed XML", test_not_well_formed},
	{"check against the schema", test_schema_invalid},
	{"catalog against the schema", test_catalog_invalid},
	{"DOCTYPE refused, no entity expansion", test_doctype_refused},
	{"duplicate check in one directory", test_duplicate_check_in_dir},
	{"duplicate framework in one directory", test_duplicate_framework_in_dir},
	{"a later directory overrides", test_later_dir_overrides},
	{"unknown check reference", test_unknown_check_ref},
	{"automated control without checks", test_automated_without_checks},
	{"missing directory", test_missing_dir},
	{"the bundled library", test_bundled},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo eval_tests[] = {
	{"statuses, roll-up and score", test_evaluate},
	{"selected frameworks", test_evaluate_selected},
	{"a query that does not compile", test_query_does_not_compile},
	{"the authorizer", test_authorizer},
	{"no frameworks", test_no_frameworks},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"engine: library", suite_init, suite_clean, NULL, NULL, load_tests},
		{"engine: evaluation", suite_init, suite_clean, NULL, NULL, eval_tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
