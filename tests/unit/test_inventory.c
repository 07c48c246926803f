/*
 * Unit tests for the streaming inventory loader (src/inventory/load.c,
 * jsonstream.c, native.c, inventory.c). Inputs are held in memory and read
 * through fmemopen() + attest_inventory_load_fp(), so each case is the exact
 * text in front of the reader; results are inspected in the inventory's
 * database (inventory_db()).
 *
 * Error cases give the expected position as a marker: the first occurrence
 * of the marker in the input is where the message must point (line and
 * column, columns counted in characters from 1), or the end of the input
 * when there is no marker. This keeps the tables free of hand-counted
 * columns.
 */
#include "config.h"

#include "engine/engine_int.h"
#include "harness.h"
#include "testutil.h"
#include "inventory/inventory_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define HDR                                                                                        \
	"{\"attest_inventory\": 1, \"provider\": \"aws\", \"collected_types\": [\"AWS::S3::Bucket\"]"
#define RES(id) "{\"type\": \"AWS::S3::Bucket\", \"id\": \"" id "\"}"
#define GAP                                                                                        \
	"{\"service\": \"kms\", \"region\": \"eu-west-1\", \"operation\": \"ListKeys\","           \
	" \"error_code\": \"AccessDenied\", \"message\": \"no\", \"types\": [\"AWS::KMS::Key\"]}"

static attest_ctx *ctx;

/* ---- helpers ------------------------------------------------------------- */

static attest_rc
load_into(attest_inventory *inv, const char *text, const char *name)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	attest_rc rc;

	if (!fp)
		return ATTEST_ERR_IO;
	rc = attest_inventory_load_fp(inv, fp, name);
	fclose(fp);
	return rc;
}

/* Loads text as "t.json" into a new inventory; *rc gets the result. */
static attest_inventory *
load(const char *text, attest_rc *rc)
{
	attest_inventory *inv = NULL;

	*rc = attest_inventory_new(ctx, &inv);
	if (*rc == ATTEST_OK)
		*rc = load_into(inv, text, "t.json");
	return inv;
}

/* Loads and finishes; fails the test on error. */
static attest_inventory *
load_ok(const char *text)
{
	attest_rc rc;
	attest_inventory *inv = load(text, &rc);

	if (rc == ATTEST_OK)
		rc = attest_inventory_finish(inv);
	if (rc != ATTEST_OK)
		fprintf(stderr, "\n  unexpected failure: %s\n", attest_ctx_errmsg(ctx));
	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	return inv;
}

static long long
q_int(attest_inventory *inv, const char *sql)
{
	return tu_q_int(inventory_db(inv), sql);
}

static const char *
q_text(attest_inventory *inv, const char *sql)
{
	return tu_q_text(inventory_db(inv), sql);
}

/* Line and column (in characters) of text + off. */
static void
position(const char *text, size_t off, unsigned long *line, unsigned long *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

struct bad_case {
	const char *name;
	const char *text;
	attest_rc rc;
	const char *marker; /* where the message must point; NULL: end of input */
	const char *what;   /* a part of the message */
	size_t skip;        /* bytes from the start of the marker */
};

static void
run_bad(const struct bad_case *cases, size_t n)
{
	char where[128];
	unsigned long line, col;
	attest_inventory *inv;
	const char *msg, *m;
	attest_rc rc;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct bad_case *c = &cases[i];

		inv = load(c->text, &rc);
		msg = attest_ctx_errmsg(ctx);
		m = c->marker ? strstr(c->text, c->marker) : c->text + strlen(c->text);
		if (m && c->marker)
			m += c->skip;
		if (!m) {
			fprintf(stderr, "\n  %s: marker not in the text\n", c->name);
			CU_FAIL("bad test case");
			attest_inventory_free(inv);
			continue;
		}
		position(c->text, (size_t)(m - c->text), &line, &col);
		snprintf(where, sizeof(where), "'t.json' at line %lu, column %lu:", line, col);
		if (rc != c->rc || !strstr(msg, where) || !strstr(msg, c->what))
			fprintf(stderr,
				"\n  %s: rc %d (want %d), message \"%s\", want \"%s\" and \"%s\"\n",
				c->name, rc, c->rc, msg, where, c->what);
		CU_ASSERT_EQUAL(rc, c->rc);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, where));
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, c->what));
		attest_inventory_free(inv);
	}
}

/* ---- formats --------------------------------------------------------------- */

static void
test_native_json(void)
{
	attest_inventory *inv = load_ok(
		HDR
		", \"source\": \"unit\", \"collected_at\": \"2026-11-20T10:00:00Z\","
		" \"accounts\": [{\"id\": \"111122223333\", \"name\": \"prod\"}],"
		" \"regions\": [\"us-east-1\"], \"resources\": ["
		"{\"type\": \"AWS::S3::Bucket\", \"id\": \"b1\", \"arn\": \"arn:aws:s3:::b1\","
		" \"name\": \"b1\", \"region\": \"us-east-1\", \"account\": \"111122223333\","
		" \"configuration\": {\"Name\": \"b1\"}, \"supplementaryConfiguration\": {\"X\": 1}},\n"
		"{\"type\": \"AWS::S3::Bucket\", \"id\": \"b2\", \"region\": \"eu-west-1\","
		" \"account\": \"111122223333\", \"configuration\": null}]}\n");

	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM resources WHERE type = 'AWS::S3::Bucket'"),
			2);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT format FROM sources"), "attest-json");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT source FROM sources"), "unit");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT path FROM sources"), "t.json");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT resources FROM sources"), 2);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT length(sha256) FROM sources"), 64);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT config FROM resources WHERE id = 'b1'"),
			       "{\"Name\":\"b1\"}");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT supp FROM resources WHERE id = 'b1'"),
			       "{\"X\":1}");
	CU_ASSERT_STRING_EQUAL(
		q_text(inv, "SELECT arn || '|' || name FROM resources WHERE id = 'b1'"),
		"arn:aws:s3:::b1|b1");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT config FROM resources WHERE id = 'b2'"), "null");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT supp || tags FROM resources WHERE id = 'b2'"),
			       "{}{}");
	/* The line each record starts on is kept for messages. */
	CU_ASSERT_EQUAL(q_int(inv, "SELECT line FROM resources WHERE id = 'b2'"), 2);
	/* regions: from the header and from the resources */
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM regions"), 2);
	attest_inventory_free(inv);
}

static void
test_digest_and_bytes(void)
{
	static const char text[] =
		"{\"attest_inventory\":1,\"provider\":\"aws\",\"collected_types\":[]}";
	attest_inventory *inv = load_ok(text);

	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT sha256 FROM sources"),
			       "18be246d89435919f3b2aa5dba4c295ddb249fd950fa65941985d71e17cd1c7c");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT bytes FROM sources"), (long long)strlen(text));
	attest_inventory_free(inv);
}

static void
test_ndjson(void)
{
	attest_inventory *inv = load_ok(HDR "}\n" RES("a") "\n\n" RES("b") "\n   \n" RES("c"));

	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM resources WHERE type = 'AWS::S3::Bucket'"),
			3);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT format FROM sources"), "attest-ndjson");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT line FROM resources WHERE id = 'c'"), 6);
	attest_inventory_free(inv);
}

static void
test_ndjson_header_only(void)
{
	attest_inventory *inv = load_ok(HDR "}\n");

	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM resources"), 0);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT format FROM sources"), "attest-ndjson");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collected WHERE type = 'AWS::S3::Bucket'"),
			1);
	CU_ASSERT_EQUAL(attest_inventory_count(inv), 0);
	attest_inventory_free(inv);
}

static void
test_awsconfig(void)
{
	static const char *const texts[] = {
		"{\"fileVersion\": \"1.0\", \"configurationItems\": [{"
		"\"configurationItemStatus\": \"OK\", \"resourceType\": \"AWS::S3::Bucket\","
		" \"resourceId\": \"logs\", \"ARN\": \"arn:aws:s3:::logs\", \"awsRegion\": \"us-east-1\","
		" \"awsAccountId\": \"111122223333\", \"configuration\": {\"name\": \"logs\"}}]}",
		"{\"baseConfigurationItems\": [{\"version\": \"1.3\", \"accountId\": \"111122223333\","
		" \"configurationItemStatus\": \"OK\", \"resourceType\": \"AWS::S3::Bucket\","
		" \"resourceId\": \"logs\", \"arn\": \"arn:aws:s3:::logs\", \"awsRegion\": \"us-east-1\","
		" \"configuration\": \"{\\\"name\\\": \\\"logs\\\"}\"}]}",
	};
	attest_inventory *inv;
	size_t i;

	for (i = 0; i < 2; i++) {
		inv = load_ok(texts[i]);
		CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT format FROM sources"), "aws-config");
		CU_ASSERT_STRING_EQUAL(
			q_text(inv, "SELECT id || '|' || account || '|' || region FROM resources"
				    " WHERE type = 'AWS::S3::Bucket'"),
			"logs|111122223333|us-east-1");
		CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collected"
					   " WHERE type = 'AWS::S3::Bucket'"),
				1);
		attest_inventory_free(inv);
	}
}

static void
test_key_order(void)
{
	attest_inventory *inv = load_ok("{\"resources\": [" RES(
		"a") "], \"provider\": \"aws\","
		     " \"collected_types\": [\"AWS::EC2::VPC\"], \"attest_inventory\": 1}");

	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT format FROM sources"), "attest-json");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collected"
				   " WHERE type IN ('AWS::EC2::VPC', 'AWS::S3::Bucket')"),
			2);
	attest_inventory_free(inv);
}

/* ---- header validation ------------------------------------------------------ */

static void
test_header_invalid(void)
{
	static const struct {
		const char *text, *what;
	} cases[] = {
		{"{\"provider\": \"aws\", \"collected_types\": []}", "not an attest inventory"},
		{"{}", "not an attest inventory"},
		{"{\"attest_inventory\": 2, \"provider\": \"aws\", \"collected_types\": []}",
		 "'attest_inventory' must be 1"},
		{"{\"attest_inventory\": \"1\", \"provider\": \"aws\", \"collected_types\": []}",
		 "'attest_inventory' must be 1"},
		{"{\"attest_inventory\": 1, \"provider\": \"gcp\", \"collected_types\": []}",
		 "'provider' must be \"aws\""},
		{"{\"attest_inventory\": 1, \"collected_types\": []}", "'provider'"},
		{"{\"attest_inventory\": 1, \"provider\": \"aws\"}",
		 "'collected_types' is missing"},
		{"{\"attest_inventory\": 1, \"provider\": \"aws\", \"collected_types\": \"AWS::S3::Bucket\"}",
		 "'collected_types' is missing or not a list"},
		{"{\"attest_inventory\": 1, \"provider\": \"aws\", \"collected_types\": [\"S3\"]}",
		 "'collected_types' holds an entry"},
		{HDR ", \"accounts\": \"111122223333\"}", "'accounts' must be a list"},
		{HDR ", \"accounts\": [{\"name\": \"x\"}]}", "'accounts' entries"},
		{HDR ", \"regions\": [1]}", "'regions' entries must be strings"},
		{HDR ", \"collected_at\": 1700000000}", "'collected_at' must be a string"},
		{HDR ", \"collected_at\": \"last tuesday\"}", "'collected_at' is not an ISO 8601"},
		{HDR ", \"source\": {}}", "'source' must be a string"},
		{HDR ", \"resources\": {\"type\": \"AWS::S3::Bucket\", \"id\": \"a\"}}",
		 "'resources' must be a list"},
		{HDR ", \"resources\": null}", "'resources' must be a list"},
		{HDR ", \"collection_log\": {}}", "'collection_log' must be a list"},
		{HDR ", \"collection_log\": [\"denied\"]}",
		 "'collection_log[0]' must be an object"},
		{HDR ", \"collection_log\": [" GAP ", {\"service\": \"kms\"}]}",
		 "'collection_log[1].region' is missing"},
		{HDR ", \"collection_log\": [" GAP ", " GAP ", " GAP ", {\"service\": \"kms\","
		     " \"region\": \"eu-west-1\", \"operation\": \"ListKeys\", \"error_code\": 403,"
		     " \"message\": \"\"}]}",
		 "'collection_log[3].error_code' must be a string"},
		{HDR ", \"collection_log\": [{\"service\": \"kms\", \"region\": \"eu-west-1\","
		     " \"operation\": \"\", \"error_code\": \"X\", \"message\": \"\"}]}",
		 "'collection_log[0]' needs a non-empty"},
		{HDR
		 ", \"collection_log\": [{\"account\": 111122223333, \"service\": \"kms\","
		 " \"region\": \"eu-west-1\", \"operation\": \"ListKeys\", \"error_code\": \"X\","
		 " \"message\": \"\"}]}",
		 "'collection_log[0].account' must be a string"},
		{HDR ", \"collection_log\": [{\"service\": \"kms\", \"region\": \"eu-west-1\","
		     " \"operation\": \"ListKeys\", \"error_code\": \"X\", \"message\": \"\","
		     " \"types\": \"AWS::KMS::Key\"}]}",
		 "'collection_log[0].types' must be a list"},
		{HDR ", \"collection_log\": [{\"service\": \"kms\", \"region\": \"eu-west-1\","
		     " \"operation\": \"ListKeys\", \"error_code\": \"X\", \"message\": \"\","
		     " \"types\": [\"KMS keys\"]}]}",
		 "'collection_log[0].types' holds an entry that is not a resource type"},
	};
	attest_inventory *inv;
	const char *msg;
	attest_rc rc;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		inv = load(cases[i].text, &rc);
		msg = attest_ctx_errmsg(ctx);
		if (rc != ATTEST_ERR_INVALID || !strstr(msg, cases[i].what) ||
		    strncmp(msg, "cannot load 't.json'", 20) != 0)
			fprintf(stderr, "\n  case %zu: rc %d, \"%s\", want \"%s\"\n", i, rc, msg,
				cases[i].what);
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, cases[i].what));
		CU_ASSERT_NSTRING_EQUAL(msg, "cannot load 't.json'", 20);
		attest_inventory_free(inv);
	}
}

/* ---- errors with positions -------------------------------------------------- */

static void
test_parse_errors(void)
{
	static const struct bad_case cases[] = {
		{"truncated inside a list", HDR ", \"resources\": [" RES("a"), ATTEST_ERR_PARSE,
		 NULL, "end of input", 0},
		{"truncated inside a string", HDR ", \"resources\": [{\"type\": \"AWS::S3::Bu",
		 ATTEST_ERR_PARSE, NULL, "unterminated string", 0},
		{"truncated inside a record",
		 HDR ", \"resources\": [{\"type\": \"AWS::S3::Bucket\",\n", ATTEST_ERR_PARSE, NULL,
		 "end of input", 0},
		{"truncated header", "{\"attest_inventory\": 1, \"provid", ATTEST_ERR_PARSE, NULL,
		 "unterminated string", 0},
		{"trailing comma in a record",
		 HDR ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\",}]}",
		 ATTEST_ERR_PARSE, ",}", "expected", 1},
		{"trailing comma in a record, later line",
		 HDR ",\n\"resources\": [{\"type\": \"AWS::S3::Bucket\",\n  \"id\": \"a\",\n  }]}",
		 ATTEST_ERR_PARSE, "}]}", "expected", 0},
		{"trailing comma in the list", HDR ", \"resources\": [" RES("a") ",]}",
		 ATTEST_ERR_PARSE, ",]}", "a value expected", 1},
		{"trailing comma at the top", HDR ", \"resources\": [],}", ATTEST_ERR_PARSE, ",}",
		 "a quoted key expected", 1},
		{"invalid UTF-8",
		 HDR ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\xff\"}]}",
		 ATTEST_ERR_PARSE, "\xff", "decode byte 0xff", 0},
		{"invalid UTF-8 after multi-byte characters",
		 HDR
		 ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"\xc3\xa9\xc3\xa9\xc3\"}]}",
		 ATTEST_ERR_PARSE, "\xc3\"", "decode byte 0xc3", 0},
		{"invalid token after multi-byte characters",
		 HDR ", \"name\": \"\xc3\xa9t\xc3\xa9\", \"x\": [1, 2 3]}", ATTEST_ERR_PARSE, "3]",
		 "expected", 0},
		{"error found by the splitter after multi-byte characters",
		 HDR ", \"name\": \"\xc3\xa9t\xc3\xa9\" \"x\": 1}", ATTEST_ERR_PARSE, "\"x\"",
		 "',' expected", 0},
		{"content after the document", HDR ", \"resources\": []}\n  {\"x\": 1}",
		 ATTEST_ERR_PARSE, "{\"x\"", "after the end of the document", 0},
		{"garbage after the document", HDR ", \"resources\": []} x", ATTEST_ERR_PARSE, " x",
		 "after the end of the document", 1},
		{"unbalanced bracket", HDR ", \"source\": [1, 2}}", ATTEST_ERR_PARSE, "}}",
		 "unbalanced bracket", 0},
		{"not an object", "[1, 2]", ATTEST_ERR_PARSE, "[", "must start with a JSON object",
		 0},
		{"empty input", "", ATTEST_ERR_PARSE, NULL, "must start with a JSON object", 0},
		{"NDJSON garbage line", HDR "}\n" RES("a") "\n" RES("b") "\nnot json\n",
		 ATTEST_ERR_PARSE, "not json", "invalid token", 0},
	};

	run_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_invalid_records(void)
{
	static const struct bad_case cases[] = {
		{"id a number",
		 HDR
		 ", \"resources\": [" RES("a") ",\n {\"type\": \"AWS::S3::Bucket\", \"id\": 7}]}",
		 ATTEST_ERR_INVALID, "{\"type\": \"AWS::S3::Bucket\", \"id\": 7",
		 "resource 2: 'id' must be a string, not a number", 0},
		{"type a list", HDR ", \"resources\": [{\"type\": [], \"id\": \"a\"}]}",
		 ATTEST_ERR_INVALID, "{\"type\": []", "'type' must be a string, not an array", 0},
		{"type missing", HDR ", \"resources\": [{\"id\": \"a\"}]}", ATTEST_ERR_INVALID,
		 "{\"id\"", "'type' is missing", 0},
		{"bad type name", HDR ", \"resources\": [{\"type\": \"S3Bucket\", \"id\": \"a\"}]}",
		 ATTEST_ERR_INVALID, "{\"type\"", "not of the form", 0},
		{"empty id",
		 HDR ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"\"}]}",
		 ATTEST_ERR_INVALID, "{\"type\"", "'id' is missing or empty", 0},
		{"record not an object", HDR ", \"resources\": [\n\n  42]}", ATTEST_ERR_INVALID,
		 "42", "must be an object, not a number", 0},
		{"tags a string",
		 HDR
		 ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\", \"tags\": \"env\"}]}",
		 ATTEST_ERR_INVALID, "{\"type\"", "'tags' must be an object or a list", 0},
		{"tag value a number",
		 HDR
		 ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\", \"tags\": {\"env\": 1}}]}",
		 ATTEST_ERR_INVALID, "{\"type\"", "tag 'env' must have a string value", 0},
		{"tags list without Key",
		 HDR
		 ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\", \"tags\": [{\"Value\": \"x\"}]}]}",
		 ATTEST_ERR_INVALID, "{\"type\"", "each tag needs a string Key", 0},
		{"supplementaryConfiguration a list",
		 HDR ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\","
		     " \"supplementaryConfiguration\": []}]}",
		 ATTEST_ERR_INVALID, "{\"type\"", "'supplementaryConfiguration' must be an object",
		 0},
		{"region a number",
		 HDR
		 ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\", \"region\": 1}]}",
		 ATTEST_ERR_INVALID, "{\"type\"", "'region' must be a string", 0},
		{"duplicate resource",
		 HDR ",\n\"resources\": [" RES("a") ",\n  " RES("b") ",\n  " RES("a") "]}",
		 ATTEST_ERR_INVALID, "  " RES("a") "]", "duplicate resource 'AWS::S3::Bucket' 'a'",
		 2},
		{"duplicate key in a record",
		 HDR
		 ", \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\", \"id\": \"b\"}]}",
		 ATTEST_ERR_PARSE, "\"id\": \"b\"}", "duplicate object key", 0},
		{"NDJSON duplicate", HDR "}\n" RES("a") "\n" RES("a") "\n", ATTEST_ERR_INVALID,
		 RES("a") "\n" RES("a"), "duplicate resource", sizeof(RES("a"))},
	};

	run_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static char *
nested(const char *before, int depth, const char *after)
{
	size_t n = strlen(before) + 2 * (size_t)depth + strlen(after) + 1;
	char *s = malloc(n), *p;
	int i;

	if (!s)
		return NULL;
	p = s + sprintf(s, "%s", before);
	for (i = 0; i < depth; i++)
		*p++ = '[';
	for (i = 0; i < depth; i++)
		*p++ = ']';
	strcpy(p, after);
	return s;
}

static void
test_nesting_limit(void)
{
	char *ok = nested(HDR ", \"source\": \"x\", \"extra\": ", 256, "}");
	char *deep = nested(HDR ",\n \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\","
				" \"configuration\": ",
			    300, "}]}");
	attest_inventory *inv;
	unsigned long line, col;
	char where[96];
	const char *start;
	attest_rc rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(deep);
	/* 256 levels are fine. */
	inv = load(ok, &rc);
	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	attest_inventory_free(inv);
	/* The record's object is level 1, so the 256th bracket of its
	 * configuration is level 257: the message points at it. */
	inv = load(deep, &rc);
	start = strchr(strstr(deep, "\"configuration\""), '[');
	position(deep, (size_t)(start - deep) + 255, &line, &col);
	snprintf(where, sizeof(where), "'t.json' at line %lu, column %lu:", line, col);
	if (!strstr(attest_ctx_errmsg(ctx), where))
		fprintf(stderr, "\n  nesting: \"%s\", want \"%s\"\n", attest_ctx_errmsg(ctx),
			where);
	CU_ASSERT_EQUAL(rc, ATTEST_ERR_LIMIT);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), where));
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "nesting deeper than 256 levels"));
	attest_inventory_free(inv);
	free(ok);
	free(deep);
}

static void
test_value_limit(void)
{
	size_t n = 5000;
	char *text = malloc(n + 128);
	attest_inventory *inv;
	unsigned long line, col;
	char where[128];
	attest_rc rc;
	size_t off;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	off = (size_t)sprintf(text, "%s,\n  \"", HDR) - 1; /* the opening quote */
	memset(text + off + 1, 'k', n);
	strcpy(text + off + 1 + n, "\": 1}");
	inv = load(text, &rc);
	position(text, off, &line, &col);
	snprintf(where, sizeof(where),
		 "'t.json': the value starting at line %lu, column %lu is larger than 4096 bytes",
		 line, col);
	if (!strstr(attest_ctx_errmsg(ctx), where))
		fprintf(stderr, "\n  value limit: \"%s\", want \"%s\"\n", attest_ctx_errmsg(ctx),
			where);
	CU_ASSERT_EQUAL(rc, ATTEST_ERR_LIMIT);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), where));
	attest_inventory_free(inv);
	free(text);
}

/* Positions stay right across the reader's 64 KiB chunks. */
static void
test_chunk_boundaries(void)
{
	struct core_buf b;
	attest_inventory *inv;
	char where[64];
	attest_rc rc;
	int i;

	core_buf_init(&b, 1u << 24);
	CU_ASSERT_EQUAL_FATAL(core_buf_adds(&b, HDR ", \"resources\": [\n"), ATTEST_OK);
	for (i = 0; i < 3000; i++)
		CU_ASSERT_EQUAL_FATAL(
			core_buf_printf(&b,
					"{\"type\": \"AWS::S3::Bucket\", \"id\": \"bucket-%05d\","
					" \"tags\": {\"pad\": \"%040d\"}},\n",
					i, i),
			ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(core_buf_adds(&b, "  {\"type\": \"AWS::S3::Bucket\", \"id\": 1}]}"),
			      ATTEST_OK);
	CU_ASSERT(b.len > 3 * 65536);
	inv = load(b.data, &rc);
	snprintf(where, sizeof(where), "at line %d, column 3: resource 3001:", 3002);
	CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
	if (!strstr(attest_ctx_errmsg(ctx), where))
		fprintf(stderr, "\n  chunks: \"%s\", want \"%s\"\n", attest_ctx_errmsg(ctx), where);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), where));
	attest_inventory_free(inv);
	/* The same file without the bad record loads in full. */
	strcpy(strstr(b.data, ",\n  {\"type\": \"AWS::S3::Bucket\", \"id\": 1}]}"), "]}");
	b.len = strlen(b.data);
	inv = load_ok(b.data);
	CU_ASSERT_EQUAL(attest_inventory_count(inv), 3000);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT line FROM resources WHERE id = 'bucket-02999'"), 3001);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT bytes FROM sources"), (long long)b.len);
	attest_inventory_free(inv);
	core_buf_release(&b);
}

/* ---- what loading produces ---------------------------------------------- */

static void
test_tags(void)
{
	attest_inventory *inv = load_ok(
		HDR
		", \"resources\": ["
		"{\"type\": \"AWS::S3::Bucket\", \"id\": \"l\", \"tags\": [{\"Key\": \"env\", \"Value\": \"prod\"},"
		" {\"key\": \"team\", \"value\": \"sec\"}, {\"Key\": \"empty\", \"Value\": null},"
		" {\"Key\": \"novalue\"}]},"
		"{\"type\": \"AWS::S3::Bucket\", \"id\": \"m\", \"tags\": {\"env\": \"dev\"}},"
		"{\"type\": \"AWS::S3::Bucket\", \"id\": \"n\", \"tags\": null},"
		"{\"type\": \"AWS::S3::Bucket\", \"id\": \"o\", \"tags\": []}]}");

	CU_ASSERT_STRING_EQUAL(
		q_text(inv, "SELECT tags FROM resources WHERE id = 'l'"),
		"{\"env\":\"prod\",\"team\":\"sec\",\"empty\":\"\",\"novalue\":\"\"}");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT tags FROM resources WHERE id = 'm'"),
			       "{\"env\":\"dev\"}");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT tags FROM resources WHERE id = 'n'"), "{}");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT tags FROM resources WHERE id = 'o'"), "{}");
	attest_inventory_free(inv);
}

static void
test_accounts(void)
{
	attest_inventory *inv = load_ok(
		HDR
		", \"accounts\": [{\"id\": \"111122223333\", \"name\": \"prod\"}, \"444455556666\"],"
		" \"resources\": [{\"type\": \"AWS::S3::Bucket\", \"id\": \"a\", \"account\": \"777788889999\","
		" \"region\": \"us-east-1\"}]}");

	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM accounts"), 3);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM resources WHERE type = 'AWS::::Account'"),
			3);
	CU_ASSERT_STRING_EQUAL(
		q_text(inv, "SELECT arn || '|' || name || '|' || region || '|' || account || '|'"
			    " || json_extract(config, '$.AccountAlias') FROM resources"
			    " WHERE type = 'AWS::::Account' AND id = '111122223333'"),
		"arn:aws:::111122223333|prod|global|111122223333|prod");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collected WHERE type = 'AWS::::Account'"),
			1);
	CU_ASSERT_EQUAL(attest_inventory_count(inv), 4);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM regions WHERE name = 'global'"), 0);
	attest_inventory_free(inv);
}

static void
test_collected_types(void)
{
	attest_inventory *inv = load_ok(
		"{\"attest_inventory\": 1, \"provider\": \"aws\","
		" \"collected_types\": [\"AWS::EC2::VPC\", \"AWS::IAM::User\"],"
		" \"resources\": [" RES("a") ", {\"type\": \"AWS::KMS::Key\", \"id\": \"k\"}]}");

	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collected"), 4);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collected WHERE type = 'AWS::IAM::User'"),
			1);
	/* No accounts: no account records, and the account type is not collected. */
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collected WHERE type = 'AWS::::Account'"),
			0);
	attest_inventory_free(inv);
}

static void
test_as_of(void)
{
	attest_inventory *inv = NULL;
	time_t before = time(NULL);

	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &inv), ATTEST_OK);
	CU_ASSERT_EQUAL(
		load_into(inv, HDR ", \"collected_at\": \"2026-11-20T10:00:00Z\"}", "a.json"),
		ATTEST_OK);
	CU_ASSERT_EQUAL(
		load_into(inv, HDR ", \"collected_at\": \"2026-11-21T10:00:00.5Z\"}", "b.json"),
		ATTEST_OK);
	CU_ASSERT_EQUAL(
		load_into(inv, HDR ", \"collected_at\": \"2026-11-19T10:00:00Z\"}", "c.json"),
		ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_finish(inv), ATTEST_OK);
	/* The latest of the sources. */
	CU_ASSERT_EQUAL(attest_inventory_as_of(inv), 1795255200);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT now FROM scan"), "2026-11-21T10:00:00Z");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM sources"), 3);
	attest_inventory_free(inv);
	/* No collected_at: the time loading started. */
	inv = load_ok(HDR "}");
	CU_ASSERT(attest_inventory_as_of(inv) >= before &&
		  attest_inventory_as_of(inv) <= time(NULL));
	attest_inventory_free(inv);
}

static void
test_count_and_finish(void)
{
	attest_inventory *inv;
	attest_rc rc;

	inv = load(HDR ", \"accounts\": [\"111122223333\"], \"resources\": [" RES("a") ", " RES(
			   "b") "]}",
		   &rc);
	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_count(inv), 2);
	CU_ASSERT_EQUAL(attest_inventory_finish(inv), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_count(inv), 3);          /* with the account record */
	CU_ASSERT_EQUAL(attest_inventory_finish(inv), ATTEST_OK); /* a second call is harmless */
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM scan"), 1);
	/* Loading after finish is a usage error. */
	CU_ASSERT_EQUAL(load_into(inv, HDR "}", "late.json"), ATTEST_ERR_USAGE);
	attest_inventory_free(inv);
}

static void
test_two_files_duplicate(void)
{
	attest_inventory *inv = NULL;

	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &inv), ATTEST_OK);
	CU_ASSERT_EQUAL(load_into(inv, HDR ", \"resources\": [" RES("a") "]}", "one.json"),
			ATTEST_OK);
	CU_ASSERT_EQUAL(load_into(inv, HDR "}\n" RES("a") "\n", "two.ndjson"), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx),
				      "cannot load 'two.ndjson' at line 2, column 1: duplicate"));
	attest_inventory_free(inv);
}

static void
test_missing_file(void)
{
	attest_inventory *inv = NULL;

	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &inv), ATTEST_OK);
	CU_ASSERT_EQUAL(attest_inventory_load(inv, "/nonexistent/inv.json"), ATTEST_ERR_IO);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(attest_ctx_errmsg(ctx), "cannot open '/nonexistent/inv.json'"));
	attest_inventory_free(inv);
}

static void
test_temp_file_removed(void)
{
	attest_inventory *inv = NULL;
	char path[4096];

	CU_ASSERT_EQUAL_FATAL(attest_inventory_new(ctx, &inv), ATTEST_OK);
	snprintf(path, sizeof(path), "%s", attest_inventory_path(inv));
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	attest_inventory_free(inv);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	attest_inventory_free(NULL);
}

/* ---- header and format checks (issue 10, defect 22) ---------------------------- */

static void
test_header_regressions(void)
{
	static const struct bad_case cases[] = {
		{"unknown version and provider beside a Config list",
		 "{\"attest_inventory\":7,\"provider\":\"gcp\",\"configurationItems\":[]}",
		 ATTEST_ERR_INVALID, "\"attest_inventory\"",
		 "header key 'attest_inventory' of an attest inventory in an AWS Config file", 0},
		{"duplicate top-level key", HDR ",\n \"provider\": \"gcp\", \"resources\": []}",
		 ATTEST_ERR_PARSE, "\"provider\": \"gcp\"",
		 "duplicate key 'provider' (first at line 1", 0},
		{"duplicate key in an NDJSON header",
		 HDR ", \"collected_types\": []}\n" RES("a") "\n", ATTEST_ERR_PARSE,
		 "\"collected_types\": []", "duplicate key 'collected_types'", 0},
		{"duplicate key inside a header value",
		 HDR ", \"accounts\": [{\"id\": \"1\", \"id\": \"2\"}], \"resources\": []}",
		 ATTEST_ERR_PARSE, "\"id\": \"2\"", "duplicate object key", 0},
		{"duplicate record list",
		 HDR ", \"resources\": [],\n \"resources\": [" RES("a") "]}", ATTEST_ERR_PARSE,
		 "\"resources\": [{", "duplicate key 'resources'", 0},
		{"native and Config lists", HDR ", \"resources\": [], \"configurationItems\": []}",
		 ATTEST_ERR_INVALID, "\"configurationItems\"", "mixes an AWS Config list", 0},
		{"Config list then native header key",
		 "{\"configurationItems\": [],\n \"source\": \"x\"}", ATTEST_ERR_INVALID,
		 "\"source\"", "header key 'source' of an attest inventory", 0},
		{"version 7 with its position",
		 "{\"provider\": \"aws\", \"attest_inventory\": 7, \"collected_types\": []}",
		 ATTEST_ERR_INVALID, "\"attest_inventory\"", "'attest_inventory' must be 1", 0},
		{"provider gcp with its position",
		 "{\"attest_inventory\": 1,\n  \"provider\": \"gcp\", \"collected_types\": []}",
		 ATTEST_ERR_INVALID, "\"provider\"", "'provider' must be \"aws\"", 0},
	};

	run_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Variants beyond the listed ones: every header key duplicated, every header
 * key in a Config file, and versions and providers that are not 1 / "aws". */
static void
test_header_class(void)
{
	static const char *const keys[][2] = {
		{"attest_inventory", "1"}, {"provider", "\"aws\""},
		{"collected_types", "[]"}, {"accounts", "[]"},
		{"regions", "[]"},         {"collected_at", "\"2026-01-01T00:00:00Z\""},
		{"source", "\"x\""},       {"collection_log", "[]"},
		{"resources", "[]"},       {"extra", "{}"},
	};
	static const char *const versions[] = {"0",    "2",    "7",   "-1", "\"1\"",      "1.0",
					       "true", "null", "[1]", "{}", "99999999999"};
	static const char *const providers[] = {"\"gcp\"", "\"AWS\"", "\"azure\"", "\"\"",
						"1",       "null",    "[\"aws\"]", "\"aws \""};
	char text[512], want[128];
	attest_inventory *inv;
	attest_rc rc;
	size_t i, variants = 0;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		/* the key twice, with the header complete in between */
		snprintf(text, sizeof(text),
			 "{\"%s\": %s, \"attest_inventory\": 1, \"provider\": \"aws\","
			 " \"collected_types\": [], \"resources\": [], \"%s\": %s}",
			 keys[i][0], keys[i][1], keys[i][0], keys[i][1]);
		if (strcmp(keys[i][0], "attest_inventory") == 0 ||
		    strcmp(keys[i][0], "provider") == 0 ||
		    strcmp(keys[i][0], "collected_types") == 0 ||
		    strcmp(keys[i][0], "resources") == 0)
			snprintf(
				text, sizeof(text),
				"{\"attest_inventory\": 1, \"provider\": \"aws\", \"collected_types\":"
				" [], \"resources\": [], \"%s\": %s}",
				keys[i][0], keys[i][1]);
		snprintf(want, sizeof(want), "duplicate key '%s'", keys[i][0]);
		inv = load(text, &rc);
		if (rc != ATTEST_ERR_PARSE || !strstr(attest_ctx_errmsg(ctx), want))
			fprintf(stderr, "\n  %s: %s\n", text, attest_ctx_errmsg(ctx));
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_PARSE);
		CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), want));
		attest_inventory_free(inv);
		variants++;
		if (strcmp(keys[i][0], "extra") == 0 || strcmp(keys[i][0], "resources") == 0)
			continue;
		/* the key in a Config file, before and after the list */
		snprintf(text, sizeof(text), "{\"%s\": %s, \"configurationItems\": []}", keys[i][0],
			 keys[i][1]);
		inv = load(text, &rc);
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "at line 1, column 2:"));
		attest_inventory_free(inv);
		snprintf(text, sizeof(text), "{\"baseConfigurationItems\": [], \"%s\": %s}",
			 keys[i][0], keys[i][1]);
		inv = load(text, &rc);
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "in an AWS Config file"));
		attest_inventory_free(inv);
		variants += 2;
	}
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++, variants++) {
		snprintf(
			text, sizeof(text),
			"{\"attest_inventory\": %s, \"provider\": \"aws\", \"collected_types\": []}",
			versions[i]);
		inv = load(text, &rc);
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(attest_ctx_errmsg(ctx),
			       "at line 1, column 2: header key 'attest_inventory'"));
		attest_inventory_free(inv);
	}
	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++, variants++) {
		snprintf(text, sizeof(text),
			 "{\"attest_inventory\": 1, \"provider\": %s, \"collected_types\": []}",
			 providers[i]);
		inv = load(text, &rc);
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(attest_ctx_errmsg(ctx), "column 25: header key 'provider'"));
		attest_inventory_free(inv);
	}
	printf("[%zu header variants] ", variants);
}

/* ---- limits (defect 18) ------------------------------------------------------------ */

/* HDR's values: 1 + "aws" + ["AWS::S3::Bucket"] = 25 bytes, cost 5. */
#define HDR_BYTES 25
#define HDR_COST 5

static char *
header_with(const char *key, char fill, size_t n, const char *open, const char *sep,
	    const char *close)
{
	size_t len = strlen(HDR) + strlen(key) + n * (1 + strlen(sep)) + 64;
	char *s = malloc(len), *p;
	size_t i;

	if (!s)
		return NULL;
	p = s + sprintf(s, "%s, \"%s\": %s", HDR, key, open);
	for (i = 0; i < n; i++) {
		if (i && *sep)
			p += sprintf(p, "%s", sep);
		*p++ = fill;
	}
	sprintf(p, "%s}", close);
	return s;
}

static attest_rc
load_free(const char *text)
{
	attest_rc rc;

	attest_inventory_free(load(text, &rc));
	return rc;
}

static void
test_limits(void)
{
	char text[64 * 40 + 256], *big;
	size_t i, n;

	/* 64 top-level keys pass, 65 do not */
	n = (size_t)sprintf(text, "%s", HDR);
	for (i = 3; i < 64; i++)
		n += (size_t)sprintf(text + n, ", \"k%zu\": 0", i);
	sprintf(text + n, "}");
	CU_ASSERT_EQUAL(load_free(text), ATTEST_OK);
	sprintf(text + n, ", \"k64\": 0}");
	CU_ASSERT_EQUAL(load_free(text), ATTEST_ERR_LIMIT);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "more than 64 top-level keys"));

	/* header text: 16 MiB in all */
	n = (16u << 20) - HDR_BYTES - 2;
	big = header_with("x", 'a', n, "\"", "", "\"");
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	CU_ASSERT_EQUAL(load_free(big), ATTEST_OK);
	free(big);
	big = header_with("x", 'a', n + 1, "\"", "", "\"");
	CU_ASSERT_EQUAL(load_free(big), ATTEST_ERR_LIMIT);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(attest_ctx_errmsg(ctx), "the header values together exceed 16777216 bytes"));
	free(big);

	/* parsing cost: a list of n numbers costs n + 2 */
	n = 1000000 - HDR_COST - 2;
	big = header_with("x", '0', n, "[", ",", "]");
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	CU_ASSERT_EQUAL(load_free(big), ATTEST_OK);
	free(big);
	big = header_with("x", '0', n + 1, "[", ",", "]");
	CU_ASSERT_EQUAL(load_free(big), ATTEST_ERR_LIMIT);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "more than 1000000 JSON values"));
	free(big);
	/* a list of n empty objects costs 5n + 2: 199998 pass, 199999 do not */
	for (n = 199998; n <= 199999; n++) {
		size_t k = n;

		big = malloc(strlen(HDR) + n * 3 + 64);
		CU_ASSERT_PTR_NOT_NULL_FATAL(big);
		i = (size_t)sprintf(big, "%s, \"x\": [", HDR);
		while (k--)
			i += (size_t)sprintf(big + i, "{}%s", k ? "," : "");
		sprintf(big + i, "]}");
		CU_ASSERT_EQUAL(load_free(big), n == 199998 ? ATTEST_OK : ATTEST_ERR_LIMIT);
		free(big);
	}
}

/* gzip of text, in memory. */
static unsigned char *
gzip_text(const char *head, size_t fill, const char *tail, size_t *outlen)
{
	z_stream z;
	size_t cap = 1u << 22;
	unsigned char *out = malloc(cap), *pad = calloc(1, 1u << 20);
	size_t left = fill;

	memset(&z, 0, sizeof(z));
	if (!out || !pad || deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		free(pad);
		return NULL;
	}
	memset(pad, ' ', 1u << 20);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	z.next_in = (unsigned char *)head;
	z.avail_in = (uInt)strlen(head);
	deflate(&z, Z_NO_FLUSH);
	while (left > 0) {
		size_t n = left < (1u << 20) ? left : (1u << 20);

		z.next_in = pad;
		z.avail_in = (uInt)n;
		deflate(&z, Z_NO_FLUSH);
		left -= n;
	}
	z.next_in = (unsigned char *)tail;
	z.avail_in = (uInt)strlen(tail);
	deflate(&z, Z_FINISH);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	free(pad);
	return out;
}

static attest_rc
load_bytes(const unsigned char *data, size_t n)
{
	attest_inventory *inv = NULL;
	FILE *fp = fmemopen((void *)data, n, "r");
	attest_rc rc = attest_inventory_new(ctx, &inv);

	if (rc == ATTEST_OK)
		rc = attest_inventory_load_fp(inv, fp, "t.json.gz");
	fclose(fp);
	attest_inventory_free(inv);
	return rc;
}

static void
test_gzip_expansion(void)
{
	size_t n;
	unsigned char *gz;

	/* 200 MB of blanks compress to some 200 KB: stopped at the limit */
	gz = gzip_text(HDR ", \"resources\": [", 200u << 20, "]}", &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gz);
	CU_ASSERT_EQUAL(load_bytes(gz, n), ATTEST_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "cannot decompress 't.json.gz' (gzip)"
							      " after line 1, column"));
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "more than 200 times"));
	free(gz);
	/* 60 MB expand more than 200 times but stay under the free 64 MiB */
	gz = gzip_text(HDR ", \"resources\": [", 60u << 20, "]}", &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(gz);
	CU_ASSERT_EQUAL(load_bytes(gz, n), ATTEST_OK);
	free(gz);
}

/* ---- AWS Config history answers (defect 16) ----------------------------------------- */

/* One item of bucket b1, captured at t (written verbatim), status st, with
 * a configuration naming which item it is. */
static int
cfg_item(char *out, size_t n, const char *t, const char *st, int which)
{
	char conf[32] = "null";

	if (!strstr(st, "Deleted") && !strstr(st, "NotRecorded"))
		snprintf(conf, sizeof(conf), "{\"n\": %d}", which);
	return snprintf(
		out, n,
		"{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b1\","
		" \"awsRegion\": \"us-east-1\", \"awsAccountId\": \"111122223333\","
		" \"configurationItemCaptureTime\": %s, \"configurationItemStatus\": \"%s\","
		" \"configuration\": %s}",
		t, st, conf);
}

static void
test_config_history(void)
{
	char a[512], b[512], text[1200];
	attest_inventory *inv;
	attest_rc rc;

	/* the documented two-item answer, newest first */
	cfg_item(a, sizeof(a), "\"2026-03-02T10:00:00.000Z\"", "OK", 1);
	cfg_item(b, sizeof(b), "\"2026-03-01T10:00:00.000Z\"", "OK", 0);
	snprintf(text, sizeof(text), "{\"configurationItems\": [%s, %s], \"nextToken\": \"x\"}", a,
		 b);
	inv = load_ok(text);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM resources WHERE type = 'AWS::S3::Bucket'"),
			1);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT config ->> 'N' FROM resources WHERE id = 'b1'"), 1);
	attest_inventory_free(inv);
	/* newest says deleted: the resource is not judged on its old configuration */
	cfg_item(a, sizeof(a), "1772445600", "ResourceDeleted", 1);
	cfg_item(b, sizeof(b), "1772359200", "OK", 0);
	snprintf(text, sizeof(text), "{\"configurationItems\": [%s, %s]}", b, a);
	inv = load_ok(text);
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM resources WHERE type = 'AWS::S3::Bucket'"),
			0);
	attest_inventory_free(inv);
	/* two items that cannot be ordered */
	cfg_item(a, sizeof(a), "\"2026-03-01T10:00:00Z\"", "OK", 1);
	cfg_item(b, sizeof(b), "\"2026-03-01T10:00:00+00:00\"", "OK", 0);
	snprintf(text, sizeof(text), "{\"configurationItems\": [%s,\n %s]}", a, b);
	inv = load(text, &rc);
	CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx),
				      "at line 2, column 2: duplicate resource"
				      " 'AWS::S3::Bucket' 'b1'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "same configurationItemCaptureTime"));
	attest_inventory_free(inv);
}

/* Every order of three items of one resource, the newest in each status and
 * with each way of writing times: the resource is there iff the newest item
 * is not a deletion, and then with the newest configuration. */
static void
test_config_history_class(void)
{
	static const char *const statuses[] = {"OK", "ResourceDiscovered", "ResourceDeleted",
					       "ResourceNotRecorded", "ResourceDeletedNotRecorded"};
	static const char *const times[][3] = {
		{"1772359200", "1772359200.5", "1772445600"},
		{"\"2026-03-01T10:00:00Z\"", "\"2026-03-01T10:00:00.500Z\"",
		 "\"2026-03-02T10:00:00Z\""},
		{"\"2026-03-01T10:00:00+00:00\"", "\"2026-03-01T10:00:01+00:00\"",
		 "\"2026-03-02T10:00:00.000000+00:00\""},
		{"1772359200", "\"2026-03-01T10:00:00.500Z\"", "1772445600"},
	};
	static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
					 {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	char items[3][512], text[2048];
	attest_inventory *inv;
	size_t s, t, o, variants = 0;
	bool gone;

	for (s = 0; s < 5; s++)
		for (t = 0; t < 4; t++)
			for (o = 0; o < 6; o++, variants++) {
				cfg_item(items[0], sizeof(items[0]), times[t][0], "OK", 0);
				cfg_item(items[1], sizeof(items[1]), times[t][1], "OK", 1);
				cfg_item(items[2], sizeof(items[2]), times[t][2], statuses[s], 2);
				snprintf(text, sizeof(text),
					 "{\"configurationItems\": [%s, %s, %s]}",
					 items[orders[o][0]], items[orders[o][1]],
					 items[orders[o][2]]);
				gone = strstr(statuses[s], "Deleted") ||
				       strstr(statuses[s], "NotRecorded");
				inv = load_ok(text);
				CU_ASSERT_EQUAL(
					q_int(inv,
					      "SELECT count(*) FROM resources WHERE id = 'b1'"),
					gone ? 0 : 1);
				if (!gone)
					CU_ASSERT_EQUAL(q_int(inv,
							      "SELECT config ->> 'N' FROM resources"
							      " WHERE id = 'b1'"),
							2);
				CU_ASSERT_EQUAL(attest_inventory_count(inv),
						q_int(inv, "SELECT count(*) FROM resources"));
				attest_inventory_free(inv);
			}
	printf("[%zu history variants] ", variants);
}

/* ---- security group shapes (defect 15) --------------------------------------------- */

#define SG_HDR                                                                                     \
	"{\"attest_inventory\": 1, \"provider\": \"aws\", \"collected_types\":"                    \
	" [\"AWS::EC2::SecurityGroup\", \"AWS::EC2::NetworkAcl\"], \"resources\": [\n"
#define SG(perm)                                                                                   \
	"{\"type\": \"AWS::EC2::SecurityGroup\", \"id\": \"sg-1\", \"configuration\":"             \
	" {\"GroupId\": \"sg-1\", \"IpPermissions\": [" perm "]}}"
#define SSH(ranges) "{\"IpProtocol\": \"tcp\", \"FromPort\": 22, \"ToPort\": 22, " ranges "}"

/* Rules written in a way the checks cannot read, each with the key the
 * message must name. The first two are the defect as reported. */
static const struct {
	const char *perm, *key;
} bad_rules[] = {
	{SSH("\"IpRanges\": [\"0.0.0.0/0\"]"),
	 "IpPermissions[0].IpRanges[0]' must be an object, not a string"},
	{SSH("\"IpRanges\": [{\"cidrIp\": \"0.0.0.0/0\"}]"),
	 "IpRanges[0].cidrIp' is spelled 'CidrIp'"},
	{SSH("\"IpRanges\": [{\"CIDRIP\": \"0.0.0.0/0\"}]"),
	 "IpRanges[0].CIDRIP' is spelled 'CidrIp'"},
	{SSH("\"IpRanges\": [{\"Cidr\": \"0.0.0.0/0\"}]"),
	 "IpRanges[0].Cidr' is not part of this shape"},
	{SSH("\"IpRanges\": [{\"Description\": \"x\"}]"), "IpRanges[0].CidrIp' is missing"},
	{SSH("\"IpRanges\": [{\"CidrIp\": [\"0.0.0.0/0\"]}]"),
	 "IpRanges[0].CidrIp' must be a string, not an array"},
	{SSH("\"IpRanges\": \"0.0.0.0/0\""),
	 "IpPermissions[0].IpRanges' must be a list of objects, not a string"},
	{SSH("\"IpRanges\": [[{\"CidrIp\": \"0.0.0.0/0\"}]]"),
	 "IpRanges[0]' must be an object, not an array"},
	{SSH("\"ipRanges\": [{\"CidrIp\": \"0.0.0.0/0\"}]"),
	 "IpPermissions[0].ipRanges' is spelled 'IpRanges'"},
	{SSH("\"Ipv4Ranges\": [{\"CidrIp\": \"0.0.0.0/0\"}]"),
	 "IpPermissions[0].Ipv4Ranges' is not part"},
	{SSH("\"Ipv6Ranges\": [\"::/0\"]"), "Ipv6Ranges[0]' must be an object, not a string"},
	{SSH("\"Ipv6Ranges\": [{\"cidrIpv6\": \"::/0\"}]"),
	 "Ipv6Ranges[0].cidrIpv6' is spelled 'CidrIpv6'"},
	{SSH("\"Ipv6Ranges\": [{\"CidrIp\": \"::/0\"}]"), "Ipv6Ranges[0].CidrIp' is not part"},
	{SSH("\"PrefixListIds\": [\"pl-1\"]"), "PrefixListIds[0]' must be an object"},
	{SSH("\"UserIdGroupPairs\": [\"sg-2\"]"), "UserIdGroupPairs[0]' must be an object"},
	{SSH("\"iPprotocol\": \"tcp\""), "IpPermissions[0].iPprotocol' is spelled 'IpProtocol'"},
	{"\"tcp 22 0.0.0.0/0\"", "IpPermissions[0]' must be an object, not a string"},
	{"{\"IpProtocol\": \"-1\", \"IpRanges\": [{\"CidrIp\": 0}]}",
	 "CidrIp' must be a string, not a number"},
};

static void
test_sg_shapes(void)
{
	char text[1024], want[160];
	attest_inventory *inv;
	attest_rc rc;
	size_t i, variants = 0;

	for (i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++, variants++) {
		snprintf(text, sizeof(text), SG_HDR SG("%s") "]}", bad_rules[i].perm);
		snprintf(want, sizeof(want), "%s", bad_rules[i].key);
		inv = load(text, &rc);
		if (rc != ATTEST_ERR_INVALID || !strstr(attest_ctx_errmsg(ctx), want))
			fprintf(stderr, "\n  rule %zu: %s\n  want %s\n", i, attest_ctx_errmsg(ctx),
				want);
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx),
					      "at line 2, column 1: resource 1:"
					      " key 'configuration.IpPermissions[0]"));
		CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), want));
		attest_inventory_free(inv);
		/* the same rule as egress, and as the second rule of the group */
		snprintf(
			text, sizeof(text),
			SG_HDR
			"{\"type\": \"AWS::EC2::SecurityGroup\", \"id\": \"sg-1\", \"configuration\":"
			" {\"IpPermissionsEgress\": [" SSH("\"IpRanges\": []") ", %s]}}]}",
			bad_rules[i].perm);
		inv = load(text, &rc);
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(attest_ctx_errmsg(ctx), "'configuration.IpPermissionsEgress[1]"));
		attest_inventory_free(inv);
		variants++;
	}
	/* network ACL entries: the same class */
	inv = load(SG_HDR
		   "{\"type\": \"AWS::EC2::NetworkAcl\", \"id\": \"acl-1\", \"configuration\":"
		   " {\"Entries\": [{\"RuleNumber\": 100, \"Protocol\": \"-1\", \"RuleAction\":"
		   " \"allow\", \"cidrBlock\": \"0.0.0.0/0\"}]}}]}",
		   &rc);
	CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(attest_ctx_errmsg(ctx),
		       "'configuration.Entries[0].cidrBlock' is spelled 'CidrBlock'"));
	attest_inventory_free(inv);
	inv = load(SG_HDR
		   "{\"type\": \"AWS::EC2::NetworkAcl\", \"id\": \"acl-1\", \"configuration\":"
		   " {\"Entries\": [\"allow all\"]}}]}",
		   &rc);
	CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
	attest_inventory_free(inv);
	variants += 2;
	/* well-formed groups still load: a single range object, an unreadable
	 * protocol and a rule list that is not a list are the checks' to judge */
	inv = load_ok(SG_HDR SG(SSH(
		"\"IpRanges\": {\"CidrIp\": \"0.0.0.0/0\"}")) ",\n"
							      "{\"type\": \"AWS::EC2::SecurityGroup\", \"id\": \"sg-2\", \"configuration\":"
							      " {\"IpPermissions\": \"not collected\"}}]}");
	CU_ASSERT_EQUAL(attest_inventory_count(inv), 2);
	attest_inventory_free(inv);
	printf("[%zu shape variants] ", variants);
}

/* Behind the loader, the checks themselves: a group whose stored rules are
 * unreadable (as if written there by another path) is never a pass in any
 * world-ingress check. */
static void
test_sg_checks_fail_closed(void)
{
	static const char *const checks[] = {
		"ec2-sg-no-ipv4-world-ingress-admin-ports",
		"ec2-sg-no-ipv6-world-ingress-admin-ports",
		"ec2-sg-no-world-ingress-database-ports",
		"ec2-sg-no-world-ingress-remote-admin-ports",
		"ec2-sg-no-world-ingress-cleartext-legacy-ports",
		"ec2-sg-no-world-ingress-all-ports",
	};
	struct eval_limits lim;
	attest_library *lib = NULL;
	attest_inventory *inv;
	sqlite3_stmt *st;
	char conf[512];
	size_t i, k, variants = 0;

	CU_ASSERT_EQUAL_FATAL(attest_library_new(ctx, &lib), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_library_load_bundled(lib), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(attest_library_resolve(lib), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(eval_limits_resolve(ctx, lib, &lim), ATTEST_OK);
	for (i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++) {
		inv = load_ok(SG_HDR SG(SSH("\"IpRanges\": []")) "]}");
		snprintf(conf, sizeof(conf), "{\"GroupId\": \"sg-1\", \"IpPermissions\": [%s]}",
			 bad_rules[i].perm);
		st = NULL;
		sqlite3_prepare_v2(inventory_db(inv), "UPDATE resources SET config = ?", -1, &st,
				   NULL);
		sqlite3_bind_text(st, 1, conf, -1, SQLITE_STATIC);
		CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
		CU_ASSERT_EQUAL_FATAL(
			engine_prepare(ctx, inventory_db(inv), attest_inventory_as_of(inv)),
			ATTEST_OK);
		for (k = 0; k < sizeof(checks) / sizeof(checks[0]); k++, variants++) {
			const struct check *chk = lib_find_check(lib, checks[k]);

			CU_ASSERT_PTR_NOT_NULL_FATAL(chk);
			CU_ASSERT_EQUAL(eval_check(ctx, inventory_db(inv), chk, &lim), ATTEST_OK);
			if (q_int(inv, "SELECT count(*) FROM res WHERE status = 'pass'") != 0)
				fprintf(stderr, "\n  %s passes rule %zu: %s\n", checks[k], i,
					q_text(inv, "SELECT reason FROM res"));
			CU_ASSERT_EQUAL(
				q_int(inv, "SELECT count(*) FROM res WHERE status = 'pass'"), 0);
			/* res keeps every check's rows: one more per check */
			CU_ASSERT_EQUAL(
				q_int(inv,
				      "SELECT count(*) FROM res WHERE status IN ('error', 'fail')"),
				(long long)k + 1);
		}
		attest_inventory_free(inv);
	}
	attest_library_free(lib);
	printf("[%zu check variants] ", variants);
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
	attest_ctx_free(ctx);
	return 0;
}

static CU_TestInfo format_tests[] = {
	{"native JSON", test_native_json},
	{"digest and size", test_digest_and_bytes},
	{"NDJSON with blank lines", test_ndjson},
	{"NDJSON header only", test_ndjson_header_only},
	{"AWS Config snapshot and API answer", test_awsconfig},
	{"resources before collected_types", test_key_order},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo error_tests[] = {
	{"header validation", test_header_invalid},
	{"parse errors with positions", test_parse_errors},
	{"invalid records with positions", test_invalid_records},
	{"nesting limit", test_nesting_limit},
	{"value size limit", test_value_limit},
	{"positions across chunks", test_chunk_boundaries},
	{"duplicate across two files", test_two_files_duplicate},
	{"missing file", test_missing_file},
	{"header checks (defect 22)", test_header_regressions},
	{"header checks: class", test_header_class},
	{"limits at and past each bound (defect 18)", test_limits},
	{"gzip expansion limit (defect 18)", test_gzip_expansion},
	{"Config history answers (defect 16)", test_config_history},
	{"Config history answers: class", test_config_history_class},
	{"security group shapes (defect 15)", test_sg_shapes},
	{"security group checks fail closed (defect 15)", test_sg_checks_fail_closed},
	CU_TEST_INFO_NULL,
};

/* The collection log is kept in order with its source; account and types
 * may be absent (older collectors), and NDJSON headers carry it too. */
static void
test_collection_log(void)
{
	attest_inventory *inv = load_ok(
		HDR
		", \"collection_log\": [" GAP ", {\"account\": \"444455556666\", \"service\":"
		" \"sts\", \"region\": \"global\", \"operation\": \"AssumeRole\", \"error_code\":"
		" \"AccessDenied\", \"message\": \"denied\", \"types\": []}],"
		" \"resources\": [" RES("a") "]}");

	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collection_log"), 2);
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT service || ' ' || operation || ' ' || region"
					   " || ' ' || ifnull(account, '-') || ' ' || types"
					   " FROM collection_log ORDER BY seq LIMIT 1"),
			       "kms ListKeys eu-west-1 - [\"AWS::KMS::Key\"]");
	CU_ASSERT_STRING_EQUAL(q_text(inv, "SELECT account || ' ' || types FROM collection_log"
					   " WHERE seq = 2"),
			       "444455556666 []");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(DISTINCT sid) FROM collection_log"), 1);
	attest_inventory_free(inv);

	inv = load_ok(HDR ", \"collection_log\": [" GAP "]}\n" RES("a") "\n");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collection_log"), 1);
	attest_inventory_free(inv);

	inv = load_ok(HDR ", \"resources\": []}");
	CU_ASSERT_EQUAL(q_int(inv, "SELECT count(*) FROM collection_log"), 0);
	attest_inventory_free(inv);
}

static CU_TestInfo result_tests[] = {
	{"collection log", test_collection_log},
	{"tags list to map", test_tags},
	{"account records", test_accounts},
	{"collected types", test_collected_types},
	{"as_of from collected_at", test_as_of},
	{"count and finish", test_count_and_finish},
	{"temporary file removed", test_temp_file_removed},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"inventory: formats", suite_init, suite_clean, NULL, NULL, format_tests},
		{"inventory: errors", suite_init, suite_clean, NULL, NULL, error_tests},
		{"inventory: results", suite_init, suite_clean, NULL, NULL, result_tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
