/*
 * Unit tests for the engine: loading a library of checks and catalogs
 * (src/engine/library.c, checks.c, catalog.c; src/core/xml.c) and evaluating it
 * (eval.c, runcheck.c, score.c). Each test writes its own small library
 * into a temporary directory, laid out like the bundled one (DIR/NAME.xml
 * catalogs, DIR/checks/.../NAME.xml checks), validated against the bundled
 * schemas. Evaluation runs against an inventory loaded from memory.
 */
#include "config.h"

#include "engine/engine_int.h"
#include "harness.h"
#include "testutil.h"

/* The tables below hold format strings as test data. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static attest_ctx *ctx;
static char tmp[4096];

/* ---- fixtures ---------------------------------------------------------- */

/* A fresh temporary directory per test. */
static const char *
fresh_dir(void)
{
	tu_rmtree(tmp);
	return tu_tmpdir(tmp, sizeof(tmp), "engine") == 0 ? tmp : NULL;
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

#define PASS_ALL                                                                                   \
	"SELECT rid, 'pass' AS status, 'ok' AS reason, NULL AS evidence FROM resources WHERE type = 'AWS::S3::Bucket'"

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

	n = (size_t)snprintf(
		s, sizeof(out[0]),
		"    <control id=\"%s\" assessment=\"%s\">\n      <title>Control %s</title>\n", id,
		refs ? "automated" : "manual", id);
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

	put(dir, "checks/broken.xml",
	    CHECKS_OPEN "  <check id=\"abc\">\n    <title>x</titel>\n" CHECKS_CLOSE);
	snprintf(path, sizeof(path), "cannot parse '%s/checks/broken.xml' at line 4:", dir);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_PARSE);
	CU_ASSERT(tu_errmsg_has(ctx, path));
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
		 "    <severity>urgent</severity>\n",
		 6, "urgent"},
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
		put(dir, "checks/bad.xml", CHECKS_OPEN "%s  </check>\n" CHECKS_CLOSE,
		    cases[i].body);
		snprintf(path, sizeof(path), "invalid '%s/checks/bad.xml' at line %d:", dir,
			 cases[i].line);
		CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
		CU_ASSERT(tu_errmsg_has(ctx, path));
		CU_ASSERT(tu_errmsg_has(ctx, cases[i].what));
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
	CU_ASSERT(tu_errmsg_has(ctx, path));
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
		CU_ASSERT(tu_errmsg_has(ctx, path));
		CU_ASSERT(tu_errmsg_has(ctx, "DOCTYPE"));
		CU_ASSERT(tu_errmsg_has(ctx, "at line 2"));
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
	CU_ASSERT(tu_errmsg_has(ctx, want));
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
	CU_ASSERT(tu_errmsg_has(ctx, "/b.xml"));
	CU_ASSERT(tu_errmsg_has(ctx, "framework 'fw-test' is already defined"));
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
	tu_rmtree(first);
}

static void
test_unknown_check_ref(void)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	char want[4300];

	simple_checks(dir, "checks/a.xml", "chk-one", PASS_ALL);
	catalog(dir, "fw.xml", "fw-test", control("1.1", "chk-one"), control("1.2", "chk-nope"),
		NULL);
	snprintf(want, sizeof(want),
		 "invalid '%s/fw.xml' at line 12: control '1.2' maps unknown check 'chk-nope'",
		 dir);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, want));
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
		"    <control id=\"2.1\" assessment=\"automated\"><title>t</title></control>\n",
		NULL);
	snprintf(want, sizeof(want),
		 "invalid '%s/fw.xml' at line 8: control '2.1' is automated but maps no check",
		 dir);
	CU_ASSERT_EQUAL(load_dir(lib, dir), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, want));
	attest_library_free(lib);
}

static void
test_missing_dir(void)
{
	attest_library *lib = new_lib();

	CU_ASSERT_EQUAL(attest_library_load_dir(lib, "/nonexistent/attest"), ATTEST_ERR_IO);
	CU_ASSERT(tu_errmsg_has(ctx, "'/nonexistent/attest'"));
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

/* The first column of the first row of the query fmt makes, as text. */
static const char *
q_text(attest_inventory *inv, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return tu_q_text(inventory_db(inv), sql);
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
	    check_xml(
		    "c-status", "low", "AWS::S3::Bucket", "",
		    "SELECT rid, CASE id WHEN 'b2' THEN 'maybe' WHEN 'b3' THEN NULL ELSE 'pass' END"
		    " AS status, NULL AS reason, 'not json' AS evidence " Q_BUCKETS),
	    check_xml(
		    "c-othertype", "low", "AWS::S3::Bucket", "",
		    "SELECT rid, 'pass' AS status, 'r' AS reason, NULL AS evidence FROM resources"),
	    check_xml("c-runtime", "critical", "AWS::S3::Bucket", "",
		      "SELECT rid, json_extract('{broken', '$.x') AS status, 'r' AS reason,"
		      " NULL AS evidence " Q_BUCKETS));
	catalog(dir, "fw.xml", "fw-roll",
		/* fail > error > not_evaluated > pass > not_applicable */
		control("r-fail", "c-pass c-fail c-runtime c-noteval c-na"),
		control("r-error", "c-pass c-runtime c-noteval c-na"),
		control("r-noteval", "c-na c-pass c-noteval"), control("r-pass", "c-pass c-na"),
		control("r-pass2", "c-pass"), control("r-na", "c-na"), control("r-manual", NULL),
		control("r-status", "c-status"), control("r-other", "c-othertype"),
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
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status FROM chk WHERE check_id = 'c-pass'"),
			       "pass");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || n_pass || n_fail FROM chk"
					   " WHERE check_id = 'c-fail'"),
			       "fail21");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || ': ' || reason FROM chk"
					   " WHERE check_id = 'c-noteval'"),
			       "not_evaluated: resource type AWS::EC2::VPC was not collected");
	CU_ASSERT_STRING_EQUAL(
		q_text(inv, "SELECT status || ': ' || reason FROM chk"
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
					   " WHERE check_id = 'c-status'"),
			       "error12");
	CU_ASSERT_STRING_EQUAL(q_text(inv,
				      "SELECT res.status || ': ' || res.reason FROM res"
				      " JOIN resources r USING (rid) WHERE check_id = 'c-status'"
				      " AND r.id = 'b2'"),
			       "error: check returned an unknown status 'maybe'");
	CU_ASSERT_STRING_EQUAL(q_text(inv,
				      "SELECT res.status || ': ' || res.reason FROM res"
				      " JOIN resources r USING (rid) WHERE check_id = 'c-status'"
				      " AND r.id = 'b3'"),
			       "error: check returned an unknown status NULL");
	/* defaults: a reason and JSON evidence */
	CU_ASSERT_STRING_EQUAL(q_text(inv,
				      "SELECT res.reason || ' ' || res.evidence FROM res"
				      " JOIN resources r USING (rid) WHERE check_id = 'c-status'"
				      " AND r.id = 'b1'"),
			       "the check gave no reason {\"value\":\"not json\"}");
	/* a row about a resource of another type (the account record) */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || n_pass || n_error FROM chk"
					   " WHERE check_id = 'c-othertype'"),
			       "error31");
	CU_ASSERT_STRING_EQUAL(
		q_text(inv, "SELECT res.reason FROM res JOIN resources r USING (rid)"
			    " WHERE check_id = 'c-othertype' AND r.type = 'AWS::::Account'"),
		"check judged a row that is not a AWS::S3::Bucket");

	/* control roll-up */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT group_concat(control_id || '=' || status, ' ')"
					   " FROM (SELECT * FROM ctl ORDER BY seq)"),
			       "r-fail=fail r-error=error r-noteval=not_evaluated r-pass=pass "
			       "r-pass2=pass r-na=not_applicable r-manual=manual r-status=error "
			       "r-other=error r-requires=not_evaluated");
	/* score = 100 * pass / (pass + fail); coverage = (pass + fail + na) / total */
	CU_ASSERT_STRING_EQUAL(q_text(inv,
				      "SELECT printf('%%d %%d %%d %%d %%d %%d %%d %%.1f %%.1f',"
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
	CU_ASSERT(tu_errmsg_has(ctx, "unknown framework 'fw-nope'"));
	CU_ASSERT_EQUAL(attest_evaluate(inv, lib, ids, 1), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT group_concat(framework) FROM fw"), "fw-b");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT group_concat(check_id) FROM chk"), "chk-two");
	/* all pass: score 100, coverage 100 */
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT score || ' ' || coverage FROM fw"),
			       "100.0 100.0");
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
	snprintf(want, sizeof(want),
		 "invalid '%s' at line 11: the query of check 'chk-q' does not compile", path);
	CU_ASSERT(tu_errmsg_has(ctx, want));
	CU_ASSERT(tu_errmsg_has(ctx, "syntax error"));
	/* Two statements: the second would run outside the engine's INSERT. */
	CU_ASSERT_EQUAL(
		eval_one(PASS_ALL ") AS q; DELETE FROM resources; SELECT (1", path, sizeof(path)),
		ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "does not compile"));
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
			CU_ASSERT(tu_errmsg_has(ctx, "does not compile"));
			CU_ASSERT(tu_errmsg_has(ctx, cases[i].why));
		}
	}
	snprintf(x, sizeof(x), "%s/x.db", keep);
	CU_ASSERT(access(x, F_OK) != 0);
	tu_rmtree(keep);
}

static void
test_no_frameworks(void)
{
	attest_library *lib = new_lib();
	attest_inventory *inv = inventory();

	CU_ASSERT_EQUAL(attest_evaluate(inv, lib, NULL, 0), ATTEST_ERR_NOTFOUND);
	CU_ASSERT(tu_errmsg_has(ctx, "no frameworks"));
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

/* ---- hostile check queries (issue 10: defects 3, 11, 12) ---------------- */

#define Q_BASE                                                                                     \
	"SELECT rid, CASE id WHEN 'b1' THEN 'fail' ELSE 'pass' END AS status,"                     \
	" 'r' AS reason, NULL AS evidence FROM resources WHERE type = 'AWS::S3::Bucket'"

/* A library of three checks in one framework: chk-q (buckets; the query
 * under test), chk-ok (passes every bucket) and chk-victim (KMS keys, of
 * which the inventory has none, so it is not_applicable unless someone
 * forges rows for it). Evaluates it within the given limits; returns the
 * result and keeps the inventory in *inv for inspection. */
static attest_rc
eval_hostile(const char *q, double seconds, long long rows, long long bytes, attest_inventory **inv)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	attest_rc rc;

	put(dir, "checks/h.xml", CHECKS_OPEN "%s%s%s" CHECKS_CLOSE,
	    check_xml("chk-q", "high", "AWS::S3::Bucket", "", q),
	    check_xml("chk-ok", "low", "AWS::S3::Bucket", "", PASS_ALL),
	    check_xml("chk-victim", "low", "AWS::KMS::Key", "",
		      "SELECT rid, 'fail' AS status, 'x' AS reason, NULL AS evidence"
		      " FROM resources WHERE type = 'AWS::KMS::Key'"));
	catalog(dir, "fw.xml", "fw-test", control("1", "chk-q chk-ok"), control("2", "chk-victim"),
		control("m", NULL), NULL);
	*inv = inventory();
	if ((rc = load_dir(lib, dir)) == ATTEST_OK) {
		attest_library_set_check_limits(lib, seconds, rows, bytes);
		rc = attest_evaluate(*inv, lib, NULL, 0);
	}
	attest_library_free(lib);
	return rc;
}

/* What a forging attempt must leave: the victim judged nothing, chk-q has
 * no passing row about anything but a bucket, nor more than one row per
 * bucket that is not an error, and its neighbour is untouched. */
static bool
forge_held(attest_inventory *inv)
{
	return strcmp(q_text(inv,
			     "SELECT chk.status || count(r.rowid) FROM chk"
			     " LEFT JOIN res r USING (check_id) WHERE check_id = 'chk-victim'"),
		      "not_applicable0") == 0 &&
	       strcmp(q_text(inv, "SELECT count(*) FROM res LEFT JOIN resources r USING (rid)"
				  " WHERE check_id = 'chk-q' AND status <> 'error'"
				  " AND r.type IS NOT 'AWS::S3::Bucket'"),
		      "0") == 0 &&
	       strcmp(q_text(inv,
			     "SELECT count(*) FROM (SELECT rid FROM res WHERE check_id ="
			     " 'chk-q' AND status <> 'error' GROUP BY rid HAVING count(*) > 1)"),
		      "0") == 0 &&
	       strcmp(q_text(inv, "SELECT status || n_pass FROM chk WHERE check_id = 'chk-ok'"),
		      "pass3") == 0 &&
	       strcmp(q_text(inv, "SELECT count(*) FROM res WHERE check_id NOT IN"
				  " ('chk-q', 'chk-ok', 'chk-victim')"),
		      "0") == 0;
}

/* Defect 3 as reported: a query that closes the engine's wrapper, forges
 * another check's rows and comments out the rest. */
static void
test_forge_regression(void)
{
	attest_inventory *inv = NULL;

	CU_ASSERT_EQUAL(eval_hostile(Q_BASE ") AS q UNION ALL SELECT 'chk-victim', rid, 'pass',"
					    " 'x', '{}' FROM resources /*",
				     0, 0, 0, &inv),
			ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "the query of check 'chk-q' does not compile"));
	attest_inventory_free(inv);
	/* The same rows as a legal UNION stay chk-q's own, as error rows. */
	CU_ASSERT_EQUAL(eval_hostile(Q_BASE " UNION ALL SELECT rid, 'pass', 'x', '{}'"
					    " FROM resources WHERE type <> 'AWS::S3::Bucket'",
				     0, 0, 0, &inv),
			ATTEST_OK);
	CU_ASSERT(forge_held(inv));
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || n_pass || n_fail || n_error FROM chk"
					   " WHERE check_id = 'chk-q'"),
			       "fail211");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT reason FROM res WHERE check_id = 'chk-q'"
					   " AND status = 'error'"),
			       "check judged a row that is not a AWS::S3::Bucket");
	attest_inventory_free(inv);
	/* A second row about the same bucket cannot outvote the first. */
	CU_ASSERT_EQUAL(eval_hostile(Q_BASE " UNION ALL SELECT rid, 'pass', 'x', '{}'"
					    " FROM resources WHERE id = 'b1'",
				     0, 0, 0, &inv),
			ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(
		q_text(inv, "SELECT group_concat(status || ':' || reason, ' / ')"
			    " FROM (SELECT res.* FROM res JOIN resources r USING (rid)"
			    " WHERE check_id = 'chk-q' AND r.id = 'b1' ORDER BY res.rowid)"),
		"fail:r / error:check judged this resource more than once");
	attest_inventory_free(inv);
}

/* The class: every way of closing, joining, forging and commenting out,
 * combined. Each must be refused when compiled, or run with nothing forged. */
static void
test_forge_class(void)
{
	static const char *const closers[] = {"", ")", ") AS q", ") q", ")) AS q"};
	static const char *const joins[] = {" UNION ALL ", " UNION ", " ; ", " EXCEPT "};
	static const char *const payloads[] = {
		"SELECT 'chk-victim', rid, 'pass', 'x', '{}' FROM resources",
		"SELECT rid, 'pass', 'forged', '{}' FROM resources WHERE type <> 'AWS::S3::Bucket'",
		"SELECT rid, 'pass', 'again', '{}' FROM resources WHERE type = 'AWS::S3::Bucket'",
		"INSERT INTO res(check_id, rid, status) SELECT 'chk-victim', rid, 'pass' FROM resources",
		"SELECT rid AS rid, 'pass' AS status, 'x' AS reason, '{}' AS evidence,"
		" 'chk-victim' AS check_id FROM resources",
	};
	static const char *const trailers[] = {"", " /*", " --", "; --", ";\n/* x */"};
	size_t a, b, c, d, n = 0, refused = 0, held = 0;
	attest_inventory *inv;
	char q[2048];
	attest_rc rc;

	for (a = 0; a < sizeof(closers) / sizeof(*closers); a++)
		for (b = 0; b < sizeof(joins) / sizeof(*joins); b++)
			for (c = 0; c < sizeof(payloads) / sizeof(*payloads); c++)
				for (d = 0; d < sizeof(trailers) / sizeof(*trailers); d++) {
					snprintf(q, sizeof(q), "%s%s%s%s%s", Q_BASE, closers[a],
						 joins[b], payloads[c], trailers[d]);
					inv = NULL;
					rc = eval_hostile(q, 0, 0, 0, &inv);
					n++;
					if (rc == ATTEST_ERR_INVALID &&
					    tu_errmsg_has(ctx, "does not compile"))
						refused++;
					else if (rc == ATTEST_OK && forge_held(inv))
						held++;
					else
						fprintf(stderr,
							"\n  forging variant not held: %s\n", q);
					attest_inventory_free(inv);
				}
	fprintf(stderr, "\n  forging: %zu variants, %zu refused when compiled, %zu ran and held\n",
		n, refused, held);
	CU_ASSERT_EQUAL(refused + held, n);
	CU_ASSERT(held > 0 && refused > 0);
}

/* Whatever writes, attaches, configures or reaches outside the data is
 * refused when the query is compiled, and changes nothing. */
static void
test_write_class(void)
{
	static const char *const queries[] = {
		/* second statements */
		Q_BASE "; DELETE FROM resources",
		Q_BASE "; DROP TABLE resources",
		Q_BASE "; INSERT INTO res VALUES ('chk-victim', 1, 'pass', 'x', '{}', NULL, 0)",
		Q_BASE "; UPDATE resources SET type = 'x'",
		Q_BASE "; ATTACH '%s/x.db' AS x",
		Q_BASE "; PRAGMA writable_schema = 1",
		Q_BASE "; SELECT 1",
		/* statements that are not a SELECT */
		"ATTACH '%s/x.db' AS x",
		"DETACH main",
		"PRAGMA user_version = 7",
		"PRAGMA table_info(resources)",
		"PRAGMA temp_store_directory = '%s'",
		"CREATE TEMP TABLE t AS SELECT 1",
		"CREATE TABLE t(x)",
		"CREATE TEMP TRIGGER tr AFTER INSERT ON res BEGIN DELETE FROM res; END",
		"CREATE TEMP VIEW v AS SELECT 1",
		"CREATE INDEX ix ON resources(id)",
		"CREATE VIRTUAL TABLE temp.j USING json_each('[1]')",
		"DELETE FROM resources",
		"UPDATE resources SET id = 'x'",
		"INSERT INTO res(check_id) VALUES ('chk-victim')",
		"REPLACE INTO res(check_id) VALUES ('chk-victim')",
		"DROP TABLE res",
		"ALTER TABLE resources ADD COLUMN x",
		"VACUUM INTO '%s/copy.db'",
		"VACUUM",
		"BEGIN",
		"COMMIT",
		"ROLLBACK",
		"SAVEPOINT s",
		"RELEASE s",
		"ANALYZE",
		"REINDEX",
		"WITH x AS (SELECT 1) DELETE FROM resources",
		"WITH x AS (SELECT 1) INSERT INTO res(check_id) SELECT 'chk-victim' FROM x",
		"EXPLAIN " Q_BASE,
		"EXPLAIN QUERY PLAN " Q_BASE,
		"-- nothing",
		"/* nothing */",
		";",
		/* SELECTs that reach outside the data */
		"SELECT rid, 'pass' AS status, load_extension('%s/x.so') AS reason,"
		" NULL AS evidence FROM resources",
		"SELECT rid, 'pass' AS status, fts3_tokenizer('simple') AS reason,"
		" NULL AS evidence FROM resources",
		"SELECT r.rid, 'pass' AS status, p.file AS reason, NULL AS evidence"
		" FROM resources r, pragma_database_list p",
		"SELECT r.rid, 'pass' AS status, p.compile_options AS reason, NULL AS evidence"
		" FROM resources r, pragma_compile_options p",
		"SELECT rid, 'pass' AS status, (SELECT group_concat(status) FROM res) AS reason,"
		" NULL AS evidence FROM resources",
		"SELECT rid, 'pass' AS status, (SELECT count(*) FROM chk) AS reason,"
		" NULL AS evidence FROM resources",
		"SELECT rid, 'pass' AS status, (SELECT justification FROM exc) AS reason,"
		" NULL AS evidence FROM resources",
		"SELECT rid, 'pass' AS status, (SELECT count(*) FROM sqlite_dbpage) AS reason,"
		" NULL AS evidence FROM resources",
		"SELECT rid, 'pass' AS status, writefile('%s/w', 'x') AS reason,"
		" NULL AS evidence FROM resources",
		"SELECT rid, 'pass' AS status, readfile('/etc/passwd') AS reason,"
		" NULL AS evidence FROM resources",
		/* the wrong shape */
		"SELECT rid, 'pass' AS status, 'x' AS reason FROM resources",
		"SELECT rid, 'pass' AS status, 'x' AS reason, '{}' AS evidence, 'chk-victim' AS"
		" check_id FROM resources",
		"SELECT rid, 'pass' AS status, 'x' AS reason, '{}' AS reason FROM resources",
		"SELECT 1 AS rid, 2 AS status, 3 AS reason, 4 AS evidence, 5 AS evidence",
	};
	char keep[4096], q[2048], path[4300];
	attest_inventory *inv;
	size_t i, refused = 0, n = sizeof(queries) / sizeof(*queries);

	snprintf(keep, sizeof(keep), "%s", fresh_dir());
	*tmp = '\0'; /* keep it across eval_hostile() */
	for (i = 0; i < n; i++) {
		snprintf(q, sizeof(q), queries[i], keep);
		inv = NULL;
		if (eval_hostile(q, 0, 0, 0, &inv) == ATTEST_ERR_INVALID &&
		    tu_errmsg_has(ctx, "does not compile") &&
		    strcmp(q_text(inv,
				  "SELECT count(*) || ' ' || count(DISTINCT id) FROM resources"),
			   "4 4") == 0 &&
		    strcmp(q_text(inv, "SELECT count(*) FROM chk"), "0") == 0 &&
		    strcmp(q_text(inv, "SELECT count(*) FROM temp.sqlite_master"), "0") == 0 &&
		    strcmp(q_text(inv,
				  "SELECT count(*) FROM pragma_database_list WHERE name = 'x'"),
			   "0") == 0)
			refused++;
		else
			fprintf(stderr, "\n  query not refused: %s (%s)\n", q,
				attest_ctx_errmsg(ctx));
		attest_inventory_free(inv);
	}
	fprintf(stderr, "\n  writes: %zu variants, %zu refused\n", n, refused);
	CU_ASSERT_EQUAL(refused, n);
	snprintf(path, sizeof(path), "%s/x.db", keep);
	CU_ASSERT(access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/copy.db", keep);
	CU_ASSERT(access(path, F_OK) != 0);
	snprintf(path, sizeof(path), "%s/w", keep);
	CU_ASSERT(access(path, F_OK) != 0);
	tu_rmtree(keep);
}

#define Q_FOREVER "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "

/* Defect 11 as reported: a recursive CTE that never ends, and a result
 * without bound. The check is error naming itself and the limit; the scan
 * goes on. */
static void
test_limits_regression(void)
{
	attest_inventory *inv = NULL;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(eval_hostile(Q_FOREVER "SELECT r.rid, 'pass' AS status, 'x' AS reason,"
					       " NULL AS evidence FROM resources r, n"
					       " WHERE r.type = 'AWS::S3::Bucket' AND n.i < 0",
				     0.3, 0, 0, &inv),
			ATTEST_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < 30.0);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || ': ' || reason FROM chk"
					   " WHERE check_id = 'chk-q'"),
			       "error: check 'chk-q' ran longer than its time limit of 0.3 s "
			       "(ATTEST_CHECK_TIME_LIMIT) and was stopped");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT count(*) FROM res WHERE check_id = 'chk-q'"),
			       "0");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status FROM chk WHERE check_id = 'chk-ok'"),
			       "pass");
	attest_inventory_free(inv);
	CU_ASSERT_EQUAL(eval_hostile(Q_FOREVER "SELECT (SELECT rid FROM resources WHERE type ="
					       " 'AWS::S3::Bucket') AS rid, 'pass' AS status,"
					       " 'x' AS reason, NULL AS evidence FROM n",
				     0, 1000, 0, &inv),
			ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT status || ': ' || reason FROM chk"
					   " WHERE check_id = 'chk-q'"),
			       "error: check 'chk-q' returned more than 1000 rows, its row limit "
			       "(ATTEST_CHECK_ROW_LIMIT), and was stopped");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT count(*) FROM res WHERE check_id = 'chk-q'"),
			       "0");
	attest_inventory_free(inv);
}

/* The class: other shapes of loops, floods and oversized values, each
 * stopped with the check as error and its neighbour still judged. */
static void
test_limits_class(void)
{
	/* seconds: 0.2 for the loops; the floods get a time limit they never
	 * reach, however busy the machine, so that the limit they break is
	 * the one under test */
	static const struct {
		const char *query, *why;
		double seconds;
	} cases[] = {
		{"SELECT rid, 'pass' AS status, (" Q_FOREVER "SELECT count(*) FROM n) AS reason,"
		 " NULL AS evidence FROM resources WHERE type = 'AWS::S3::Bucket'",
		 "time limit of 0.2 s", 0.2},
		{Q_FOREVER "SELECT r.rid, 'pass' AS status, 'x' AS reason, NULL AS evidence"
			   " FROM resources r, (SELECT i FROM n ORDER BY random()) s"
			   " WHERE r.type = 'AWS::S3::Bucket'",
		 "time limit of 0.2 s", 0.2},
		{Q_FOREVER
		 ", m(j) AS (SELECT 1 UNION SELECT j FROM m) SELECT r.rid, 'pass' AS status,"
		 " 'x' AS reason, NULL AS evidence FROM resources r, n, m WHERE r.rid < 0",
		 "time limit of 0.2 s", 0.2},
		{"SELECT rid, 'pass' AS status, (SELECT group_concat(i) FROM (" Q_FOREVER
		 "SELECT i FROM n)) AS reason, NULL AS evidence FROM resources",
		 "time limit of 0.2 s", 0.2},
		{"SELECT a.rid, 'pass' AS status, 'x' AS reason, NULL AS evidence"
		 " FROM resources a, resources b, resources c, resources d",
		 "more than 50 rows", 60},
		{Q_FOREVER "SELECT r.rid, 'pass' AS status, 'x' AS reason, NULL AS evidence"
			   " FROM resources r, n WHERE r.type = 'AWS::S3::Bucket'",
		 "was stopped", 2}, /* rows or time, as the planner orders the join */
		{"SELECT rid, 'pass' AS status, printf('%%.*c', 600000, 'x') AS reason,"
		 " NULL AS evidence FROM resources WHERE type = 'AWS::S3::Bucket'",
		 "more than 1000000 bytes", 60},
		{"SELECT rid, 'pass' AS status, 'x' AS reason, json_object('pad',"
		 " printf('%%.*c', 400000, 'y')) AS evidence FROM resources"
		 " WHERE type = 'AWS::S3::Bucket'",
		 "more than 1000000 bytes", 60},
		{"SELECT rid, 'pass' AS status, hex(zeroblob(100000000)) AS reason,"
		 " NULL AS evidence FROM resources",
		 "too big", 60},
		{"SELECT rid, 'pass' AS status, zeroblob(150000000) || 'x' AS reason,"
		 " NULL AS evidence FROM resources",
		 "too big", 60},
		{"SELECT rid, 'pass' AS status, 'x' AS reason, randomblob(300000000) AS evidence"
		 " FROM resources",
		 "too big", 60},
		{"SELECT rid, 'pass' AS status, replace(hex(zeroblob(40000000)), '0', '00') AS reason,"
		 " NULL AS evidence FROM resources",
		 "too big", 60},
	};
	attest_inventory *inv;
	char q[2048];
	size_t i, stopped = 0, n = sizeof(cases) / sizeof(*cases);
	const char *got;

	for (i = 0; i < n; i++) {
		snprintf(q, sizeof(q), cases[i].query, 0);
		inv = NULL;
		if (eval_hostile(q, cases[i].seconds, 50, 1000000, &inv) != ATTEST_OK) {
			fprintf(stderr, "\n  flood %zu stopped the scan: %s\n", i,
				attest_ctx_errmsg(ctx));
		} else {
			got = q_text(inv, "SELECT status || ': ' || reason FROM chk"
					  " WHERE check_id = 'chk-q'");
			if (strncmp(got, "error: ", 7) == 0 && strstr(got, cases[i].why) &&
			    strcmp(q_text(inv, "SELECT status FROM chk WHERE check_id = 'chk-ok'"),
				   "pass") == 0)
				stopped++;
			else
				fprintf(stderr, "\n  flood %zu: %s\n", i, got);
		}
		attest_inventory_free(inv);
	}
	fprintf(stderr, "\n  loops and floods: %zu variants, %zu stopped\n", n, stopped);
	CU_ASSERT_EQUAL(stopped, n);
}

/* Limits from the environment are parsed strictly; a typo never lifts one. */
static void
test_limits_env(void)
{
	/* odd entries are tried as the time limit, even ones as the row limit */
	static const char *const bad[] = {"",       "abc",   "-1",    "0",  "nan",
					  "inf",    "0x10",  "1e3",   " 5", "5 ",
					  "5s",     "86401", "1.2.3", "+3", "1125899906842625",
					  "0.0001", "0.5"};
	struct eval_limits lim;
	attest_library *lib = new_lib();
	size_t i, refused = 0, n_bad = sizeof(bad) / sizeof(*bad);

	CU_ASSERT_EQUAL(eval_limits_resolve(ctx, lib, &lim), ATTEST_OK);
	CU_ASSERT(lim.seconds == 300.0 && lim.rows == 10000000 && lim.bytes == 1LL << 30);
	setenv("ATTEST_CHECK_TIME_LIMIT", "2.5", 1);
	setenv("ATTEST_CHECK_ROW_LIMIT", "77", 1);
	setenv("ATTEST_CHECK_BYTE_LIMIT", "4096", 1);
	CU_ASSERT_EQUAL(eval_limits_resolve(ctx, lib, &lim), ATTEST_OK);
	CU_ASSERT(lim.seconds == 2.5 && lim.rows == 77 && lim.bytes == 4096);
	attest_library_set_check_limits(lib, 9, 8, 7);
	CU_ASSERT_EQUAL(eval_limits_resolve(ctx, lib, &lim), ATTEST_OK);
	CU_ASSERT(lim.seconds == 9 && lim.rows == 8 && lim.bytes == 7);
	for (i = 1; i < n_bad; i++) {
		const char *var = i % 2 ? "ATTEST_CHECK_TIME_LIMIT" : "ATTEST_CHECK_ROW_LIMIT";

		setenv(var, bad[i], 1);
		if (eval_limits_resolve(ctx, lib, &lim) == ATTEST_ERR_INVALID &&
		    strstr(attest_ctx_errmsg(ctx), var))
			refused++;
		else
			fprintf(stderr, "\n  %s='%s' was accepted\n", var, bad[i]);
		setenv("ATTEST_CHECK_TIME_LIMIT", "2.5", 1);
		setenv("ATTEST_CHECK_ROW_LIMIT", "77", 1);
	}
	CU_ASSERT_EQUAL(refused, n_bad - 1);
	unsetenv("ATTEST_CHECK_TIME_LIMIT");
	unsetenv("ATTEST_CHECK_ROW_LIMIT");
	unsetenv("ATTEST_CHECK_BYTE_LIMIT");
	attest_library_free(lib);
}

/* Defect 12 and its class: a result column of the wrong storage type makes
 * the check error, naming it and the column, instead of stopping the scan. */
static void
test_column_types(void)
{
	static const struct {
		const char *rid, *status, *reason, *evidence, *column;
	} cases[] = {
		{"rid", "'pass'", "'x'", "x'7b7d'", "evidence"}, /* the reported one */
		{"rid", "'pass'", "'x'", "zeroblob(3)", "evidence"},
		{"rid", "'pass'", "'x'", "7", "evidence"},
		{"rid", "'pass'", "'x'", "7.5", "evidence"},
		{"rid", "x'70617373'", "'x'", "NULL", "status"},
		{"rid", "1", "'x'", "NULL", "status"},
		{"rid", "0.5", "'x'", "NULL", "status"},
		{"rid", "'pass'", "x'00'", "NULL", "reason"},
		{"rid", "'pass'", "42", "NULL", "reason"},
		{"rid", "'pass'", "4.2", "NULL", "reason"},
		{"CAST(rid AS TEXT)", "'pass'", "'x'", "NULL", "rid"},
		{"rid + 0.5", "'pass'", "'x'", "NULL", "rid"},
		{"CAST(rid AS BLOB)", "'pass'", "'x'", "NULL", "rid"},
		{"rid", "'pass'", "'x'", "CASE id WHEN 'b3' THEN x'00' ELSE '{}' END", "evidence"},
	};
	attest_inventory *inv;
	char q[1024], want[256];
	size_t i, n = sizeof(cases) / sizeof(*cases), ok = 0;
	const char *got;

	for (i = 0; i < n; i++) {
		snprintf(
			q, sizeof(q),
			"SELECT %s AS rid, %s AS status, %s AS reason, %s AS evidence FROM resources"
			" WHERE type = 'AWS::S3::Bucket'",
			cases[i].rid, cases[i].status, cases[i].reason, cases[i].evidence);
		snprintf(want, sizeof(want), "error: column '%s' of the query is ",
			 cases[i].column);
		inv = NULL;
		if (eval_hostile(q, 0, 0, 0, &inv) == ATTEST_OK &&
		    strncmp(got = q_text(inv, "SELECT status || ': ' || reason FROM chk"
					      " WHERE check_id = 'chk-q'"),
			    want, strlen(want)) == 0 &&
		    strcmp(q_text(inv, "SELECT count(*) FROM res WHERE check_id = 'chk-q'"), "0") ==
			    0 &&
		    strcmp(q_text(inv, "SELECT status FROM chk WHERE check_id = 'chk-ok'"),
			   "pass") == 0)
			ok++;
		else
			fprintf(stderr, "\n  column case %zu: %s\n", i, attest_ctx_errmsg(ctx));
		attest_inventory_free(inv);
	}
	fprintf(stderr, "\n  column types: %zu variants, %zu made the check error\n", n, ok);
	CU_ASSERT_EQUAL(ok, n);
}

/* ---- exceptions and attestations (issue 10: defects 10, 25) ------------ */

/* Evaluates the hostile library (chk-q fails b1) with one exception file
 * (body: <exception> elements) and one attestation file (body:
 * <attestation> elements, of control m); returns the result and the
 * inventory. */
static attest_rc
eval_policy(const char *exceptions, const char *attestations, attest_inventory **inv)
{
	const char *dir = fresh_dir();
	attest_library *lib = new_lib();
	char exc_path[4200], att_path[4200];
	const char *exc[] = {exc_path}, *att[] = {att_path};
	struct attest_eval_opts o = {NULL, 0, exc, 1, att, 1};
	attest_rc rc;

	put(dir, "checks/h.xml", CHECKS_OPEN "%s" CHECKS_CLOSE,
	    check_xml("chk-q", "high", "AWS::S3::Bucket", "", Q_BASE));
	catalog(dir, "fw.xml", "fw-test", control("1", "chk-q"), control("m", NULL), NULL);
	CU_ASSERT_EQUAL_FATAL(load_dir(lib, dir), ATTEST_OK);
	/* written after loading: the library reads every DIR/\*.xml */
	snprintf(exc_path, sizeof(exc_path), "%s",
		 put(dir, "exc.xml",
		     "<exceptions xmlns=\"urn:attest:exceptions:1\">\n%s</exceptions>\n",
		     exceptions));
	snprintf(att_path, sizeof(att_path), "%s",
		 put(dir, "att.xml",
		     "<attestations xmlns=\"urn:attest:attestations:1\">\n%s</attestations>\n",
		     attestations));
	*inv = inventory();
	rc = attest_evaluate_with(*inv, lib, &o);
	attest_library_free(lib);
	return rc;
}

/* One exception of chk-q with the given attributes, match and expiry. */
static const char *
exception_xml(const char *attrs, const char *match, const char *expires)
{
	static char out[2048];

	snprintf(out, sizeof(out),
		 "<exception id=\"E1\"%s>\n<check>chk-q</check>\n<match>%s</match>\n"
		 "<justification>j</justification><approver>a</approver>\n"
		 "<expires>%s</expires></exception>\n",
		 attrs, match, expires);
	return out;
}

/* Defect 10 as reported, then the class: match-everything patterns in each
 * field and in combination are refused without scope="all"; patterns that
 * name resources are accepted; scope="all" is recorded with the exception. */
static void
test_exception_scope(void)
{
	static const char *const everything[] = {
		"<resource-id>*</resource-id>", /* the reported one */
		"<resource-id>*</resource-id><arn>*</arn><account>*</account><region>*</region>",
		"",
		"<resource-id>**</resource-id>",
		"<resource-id>?*</resource-id>",
		"<resource-id>*?*</resource-id>",
		"<resource-id>[a-z]*</resource-id>",
		"<resource-id>[^x]*</resource-id>",
		"<resource-id>??*</resource-id>",
		"<arn>*</arn>",
		"<arn>arn:*</arn>",
		"<arn>arn:aws*</arn>",
		"<arn>*:*</arn>",
		"<account>*</account>",
		"<account>"
		"????????????"
		"</account>",
		"<account>[0-9]*</account>",
		"<account>*[0-9]</account>",
		"<region>*</region>",
		"<region>*-*</region>",
		"<region>*-*-?</region>",
		"<region>?\?-*</region>",
		"<resource-id>*</resource-id><account>*</account>",
		"<arn>arn:*</arn><region>*-*</region>",
	};
	static const char *const named[] = {
		"<resource-id>b1</resource-id>",
		"<resource-id>b*</resource-id>",
		"<resource-id>*-prod</resource-id>",
		"<arn>arn:aws:s3:::b1</arn>",
		"<account>111122223333</account>",
		"<region>us-*</region>",
		"<resource-id>*</resource-id><account>111122223333</account>",
		"<tag key=\"env\">*</tag>",
		"<arn>arn:aws:s3:::*</arn>",
	};
	attest_inventory *inv = NULL;
	size_t i, refused = 0, accepted = 0, all_ok = 0;
	size_t n_every = sizeof(everything) / sizeof(*everything);
	size_t n_named = sizeof(named) / sizeof(*named);

	for (i = 0; i < n_every; i++) {
		inv = NULL;
		if (eval_policy(exception_xml("", everything[i], "2030-01-01"), "", &inv) ==
			    ATTEST_ERR_INVALID &&
		    tu_errmsg_has(ctx, "exception 'E1' matches every resource") &&
		    tu_errmsg_has(ctx, "scope=\"all\"") &&
		    tu_errmsg_has(ctx, "/exc.xml' at line 2"))
			refused++;
		else
			fprintf(stderr, "\n  match-all not refused: %s\n", everything[i]);
		attest_inventory_free(inv);
		inv = NULL;
		/* said explicitly, it applies and is recorded as such */
		if (eval_policy(exception_xml(" scope=\"all\"", everything[i], "2030-01-01"), "",
				&inv) == ATTEST_OK &&
		    strcmp(q_text(inv, "SELECT scope || active FROM exc"), "all1") == 0 &&
		    strcmp(q_text(inv, "SELECT CASE WHEN matched THEN (SELECT status FROM chk)"
				       " ELSE 'excepted' END FROM exc"),
			   "excepted") == 0)
			all_ok++;
		else
			fprintf(stderr, "\n  scope=\"all\" not applied: %s (%s)\n", everything[i],
				attest_ctx_errmsg(ctx));
		attest_inventory_free(inv);
	}
	for (i = 0; i < n_named; i++) {
		inv = NULL;
		if (eval_policy(exception_xml("", named[i], "2030-01-01"), "", &inv) == ATTEST_OK &&
		    strcmp(q_text(inv, "SELECT ifnull(scope, 'none') FROM exc"), "none") == 0)
			accepted++;
		else
			fprintf(stderr, "\n  narrow match refused: %s (%s)\n", named[i],
				attest_ctx_errmsg(ctx));
		attest_inventory_free(inv);
		/* and scope="all" on it would be a false label */
		inv = NULL;
		if (eval_policy(exception_xml(" scope=\"all\"", named[i], "2030-01-01"), "",
				&inv) == ATTEST_ERR_INVALID &&
		    tu_errmsg_has(ctx,
				  "says scope=\"all\" but its match names particular resources"))
			accepted++;
		attest_inventory_free(inv);
	}
	fprintf(stderr,
		"\n  exception patterns: %zu match-all variants refused %zu, applied with scope %zu;"
		" %zu narrow variants, %zu of %zu outcomes right\n",
		n_every, refused, all_ok, n_named, accepted, 2 * n_named);
	CU_ASSERT_EQUAL(refused, n_every);
	CU_ASSERT_EQUAL(all_ok, n_every);
	CU_ASSERT_EQUAL(accepted, 2 * n_named);
	/* an unknown scope is refused by the schema */
	CU_ASSERT_EQUAL(eval_policy(exception_xml(" scope=\"every\"", "", "2030-01-01"), "", &inv),
			ATTEST_ERR_INVALID);
	attest_inventory_free(inv);
}

/* xs:date as written in the files: which shapes parse, and where each ends. */
static void
test_xs_date(void)
{
	static const struct {
		const char *text;
		long long end; /* -1: refused */
	} cases[] = {
		{"1970-01-01", 86400},
		{"2026-12-07", 1796688000},
		{"10000-01-01", 253402387200LL},
		{"9999-12-31", 253402300800LL},
		{"2028-02-29", 1835481600},
		{"2000-02-29", 951868800},
		{"1970-01-01Z", 86400},
		{"1970-01-01+14:00", 86400 - 14 * 3600},
		{"1970-01-01-12:30", 86400 + 12 * 3600 + 30 * 60},
		{" \n1970-01-01\t", 86400},
		{"-0001-12-31", -62135596800LL},
		{"123456789-01-01", 3895857797472000LL},
		{"2027-02-29", -1},
		{"1900-02-29", -1},
		{"2026-13-01", -1},
		{"2026-00-10", -1},
		{"2026-04-31", -1},
		{"2026-1-01", -1},
		{"26-01-01", -1},
		{"0000-01-01", -1},
		{"01000-01-01", -1},
		{"1234567890-01-01", -1},
		{"2026-01-01+15:00", -1},
		{"2026-01-01+14:30", -1},
		{"2026-01-01+01:60", -1},
		{"2026-01-01T00:00:00", -1},
		{"2026-01-01 x", -1},
		{"+2026-01-01", -1},
		{"", -1},
		{"next year", -1},
	};
	struct xs_date d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		bool ok = xs_date_parse(cases[i].text, &d);

		if (ok != (cases[i].end != -1) || (ok && xs_date_end(&d) != cases[i].end)) {
			fprintf(stderr, "\n  date '%s': %s, end %lld\n", cases[i].text,
				ok ? "parsed" : "refused", ok ? xs_date_end(&d) : 0);
			CU_FAIL("date");
		}
	}
	fprintf(stderr, "\n  dates: %zu shapes\n", sizeof(cases) / sizeof(*cases));
}

/* Defect 25 (first half) as reported, then the class through the files:
 * expiry is compared as a date, and a date that is not one is refused with
 * the file, line and element. */
static void
test_expiry(void)
{
	static const struct {
		const char *expires;
		const char *active; /* "1", "0", or NULL: refused */
	} cases[] = {
		{"10000-01-01", "1"}, /* the reported one */
		{"9999-12-31", "1"},       {"123456789-06-30", "1"},   {"2999-01-01Z", "1"},
		{"2999-01-01-05:00", "1"}, {"2000-01-01", "0"},        {"2000-01-01+14:00", "0"},
		{"-0001-01-01", "0"},      {"1234567890-01-01", NULL},
	};
	static const char att_fmt[] =
		"<attestation framework=\"fw-test\" control=\"m\"><attested-by>a</attested-by>\n"
		"<date>2026-01-01</date><statement>s</statement><expires>%s</expires></attestation>\n";
	attest_inventory *inv;
	char att[1024];
	size_t i, n = sizeof(cases) / sizeof(*cases), right = 0;
	attest_rc rc;

	for (i = 0; i < n; i++) {
		snprintf(att, sizeof(att), att_fmt, cases[i].expires);
		inv = NULL;
		rc = eval_policy(
			exception_xml("", "<resource-id>b1</resource-id>", cases[i].expires), att,
			&inv);
		if (cases[i].active
			    ? rc == ATTEST_OK &&
				      strcmp(q_text(inv, "SELECT active FROM exc"),
					     cases[i].active) == 0 &&
				      strcmp(q_text(inv, "SELECT active FROM att"),
					     cases[i].active) == 0 &&
				      strcmp(q_text(inv, "SELECT status FROM chk"),
					     *cases[i].active == '1' ? "excepted" : "fail") == 0
			    : rc == ATTEST_ERR_INVALID &&
				      tu_errmsg_has(ctx, "/exc.xml' at line 6: <expires> of "
							 "exception 'E1' is not a date"))
			right++;
		else
			fprintf(stderr, "\n  expiry '%s' (%s)\n", cases[i].expires,
				attest_ctx_errmsg(ctx));
		attest_inventory_free(inv);
	}
	/* the attestation's own dates are read the same way */
	snprintf(att, sizeof(att), att_fmt, "1234567890-01-01");
	CU_ASSERT_EQUAL(eval_policy("", att, &inv), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(
		ctx, "/att.xml' at line 3: <expires> of the attestation of fw-test control 'm'"));
	attest_inventory_free(inv);
	fprintf(stderr, "\n  expiry: %zu variants, %zu right\n", n, right);
	CU_ASSERT_EQUAL(right, n);
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
	tu_rmtree(tmp);
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

static CU_TestInfo hostile_tests[] = {
	{"forging another check (regression)", test_forge_regression},
	{"forging: closers, joins, payloads, comments", test_forge_class},
	{"writes and reaching outside the data", test_write_class},
	{"time and row limits (regression)", test_limits_regression},
	{"loops, floods and oversized values", test_limits_class},
	{"limits from the environment", test_limits_env},
	{"result column types", test_column_types},
	{"match-everything exceptions", test_exception_scope},
	{"xs:date shapes", test_xs_date},
	{"expiry compared as dates", test_expiry},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"engine: library", suite_init, suite_clean, NULL, NULL, load_tests},
		{"engine: evaluation", suite_init, suite_clean, NULL, NULL, eval_tests},
		{"engine: hostile checks and policies", suite_init, suite_clean, NULL, NULL,
		 hostile_tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
