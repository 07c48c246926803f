/*
 * Unit tests for the renderers of a stored scan (src/report): the JSON
 * result parses and carries the documented keys, findings come worst
 * first, and the terminal summary has colour only when asked. The scan is
 * the sample estate evaluated against the bundled library and saved to a
 * temporary history database.
 */
#include "config.h"

#include "harness.h"
#include "testutil.h"
#include "inventory/inventory_int.h"
#include "report/package_int.h"
#include "report/xmlout.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static attest_ctx *ctx;
static attest_library *lib;
static attest_inventory *inv;
static attest_store *store;
static char dir[4096], scan_id[ATTEST_SCAN_ID_MAX];

/* Runs a renderer into memory; returns the text (free it). */
static char *
render_json(attest_rc *rc)
{
	char *text = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&text, &n);

	*rc = attest_report_json(store, scan_id, fp);
	fclose(fp);
	return text;
}

static char *
render_summary(bool color, attest_rc *rc)
{
	char *text = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&text, &n);

	*rc = attest_report_summary(store, scan_id, fp, color);
	fclose(fp);
	return text;
}

static json_t *
result(void)
{
	json_error_t err;
	attest_rc rc;
	char *text = render_json(&rc);
	json_t *root;

	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		fprintf(stderr, "\n  not JSON: line %d: %s\n", err.line, err.text);
	free(text);
	return root;
}

static void
test_json_parses(void)
{
	json_t *root = result();

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(root, "format")), "attest-result");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(root, "format_version")), 1);
	CU_ASSERT(json_is_object(json_object_get(root, "scan")));
	CU_ASSERT(json_is_array(json_object_get(root, "frameworks")));
	CU_ASSERT(json_is_array(json_object_get(root, "checks")));
	CU_ASSERT(json_is_array(json_object_get(root, "findings")));
	CU_ASSERT(json_is_array(json_object_get(root, "exceptions")));
	CU_ASSERT(json_is_array(json_object_get(root, "attestations")));
	CU_ASSERT(json_is_string(json_object_get(json_object_get(root, "scoring"), "posture")));
	/* an inventory without a collection log: no gaps */
	CU_ASSERT(json_is_array(json_object_get(root, "collection_gaps")));
	CU_ASSERT_EQUAL(json_array_size(json_object_get(root, "collection_gaps")), 0);
	CU_ASSERT_EQUAL(json_object_size(root), 10);
	json_decref(root);
}

static void
test_json_keys(void)
{
	static const char *const scan_keys[] = {"id",
						"started_at",
						"finished_at",
						"as_of",
						"attest_version",
						"scope",
						"accounts",
						"regions",
						"sources",
						"inventory_sha256",
						"resource_count"};
	static const char *const fw_keys[] = {"id",    "version",  "title",  "publisher",
					      "score", "coverage", "counts", "controls"};
	static const char *const ctl_keys[] = {"id",         "title",  "section",
					       "assessment", "status", "checks"};
	static const char *const chk_keys[] = {
		"id",     "title",  "service",   "severity",    "resource_type",
		"status", "counts", "rationale", "remediation", "references"};
	static const char *const finding_keys[] = {"check",    "status", "severity", "resource",
						   "controls", "reason", "evidence", "remediation"};
	json_t *root = result(), *scan, *fw, *ctl, *chk, *f;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	scan = json_object_get(root, "scan");
	for (i = 0; i < sizeof(scan_keys) / sizeof(scan_keys[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(json_object_get(scan, scan_keys[i]));
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(scan, "id")), scan_id);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(scan, "started_at")),
			       "2026-01-02T03:04:05Z");
	CU_ASSERT(json_is_array(json_object_get(scan, "accounts")));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(scan, "resource_count")),
			attest_inventory_count(inv));
	fw = json_array_get(json_object_get(root, "frameworks"), 0);
	for (i = 0; i < sizeof(fw_keys) / sizeof(fw_keys[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(json_object_get(fw, fw_keys[i]));
	CU_ASSERT(json_is_number(json_object_get(fw, "score")));
	CU_ASSERT(json_integer_value(json_object_get(json_object_get(fw, "counts"), "total")) ==
		  (json_int_t)json_array_size(json_object_get(fw, "controls")));
	ctl = json_array_get(json_object_get(fw, "controls"), 0);
	for (i = 0; i < sizeof(ctl_keys) / sizeof(ctl_keys[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(json_object_get(ctl, ctl_keys[i]));
	chk = json_array_get(json_object_get(root, "checks"), 0);
	for (i = 0; i < sizeof(chk_keys) / sizeof(chk_keys[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(json_object_get(chk, chk_keys[i]));
	CU_ASSERT(json_is_object(json_object_get(chk, "remediation")));
	CU_ASSERT(json_is_array(json_object_get(chk, "references")));
	f = json_array_get(json_object_get(root, "findings"), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (i = 0; i < sizeof(finding_keys) / sizeof(finding_keys[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(json_object_get(f, finding_keys[i]));
	CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(f, "resource"), "type"));
	CU_ASSERT_PTR_NOT_NULL(json_object_get(json_object_get(f, "resource"), "id"));
	CU_ASSERT(json_is_object(json_object_get(f, "evidence")));
	CU_ASSERT(json_array_size(json_object_get(f, "controls")) > 0);
	json_decref(root);
}

static int
status_rank(const char *s)
{
	return !strcmp(s, "fail") ? 0 : !strcmp(s, "error") ? 1 : !strcmp(s, "pass") ? 2 : 3;
}

static int
severity_rank(const char *s)
{
	static const char *const names[] = {"critical", "high", "medium", "low"};
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return 4;
}

static void
test_findings_order(void)
{
	json_t *root = result(), *findings, *f;
	int prev_status = -1, prev_sev = -1, st, sev;
	size_t i, fails = 0, in_order = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	findings = json_object_get(root, "findings");
	json_array_foreach(findings, i, f)
	{
		st = status_rank(json_string_value(json_object_get(f, "status")));
		sev = severity_rank(json_string_value(json_object_get(f, "severity")));
		if (st == 0)
			fails++;
		if (st > prev_status || (st == prev_status && sev >= prev_sev))
			in_order++;
		else
			fprintf(stderr, "\n  finding %zu out of order\n", i);
		prev_status = st;
		prev_sev = st == prev_status ? sev : -1;
	}
	CU_ASSERT(fails > 0);
	CU_ASSERT_EQUAL(in_order, json_array_size(findings));
	/* failures first */
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(json_array_get(findings, 0), "status")), "fail");
	json_decref(root);
}

static void
test_json_unknown_scan(void)
{
	char *text = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&text, &n);

	CU_ASSERT_EQUAL(attest_report_json(store, "19990101T000000Z-00000000", fp),
			ATTEST_ERR_NOTFOUND);
	fclose(fp);
	CU_ASSERT_EQUAL(n, 0); /* nothing half-written */
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "19990101T000000Z-00000000"));
	free(text);
}

static void
test_summary_plain(void)
{
	attest_rc rc;
	char *text = render_summary(false, &rc);

	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NULL(strchr(text, '\033'));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, scan_id));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "cis-aws-3.0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "controls fully passing"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "worst failing controls"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "(first scan of this scope)"));
	free(text);
}

static void
test_summary_color(void)
{
	attest_rc rc;
	char *text = render_summary(true, &rc);

	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\033[0m"));
	free(text);
}

static void
test_summary_unknown_scan(void)
{
	char *text = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&text, &n);

	CU_ASSERT_EQUAL(attest_report_summary(store, "19990101T000000Z-00000000", fp, false),
			ATTEST_ERR_NOTFOUND);
	fclose(fp);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "19990101T000000Z-00000000"));
	free(text);
}

struct seen {
	int n;
	char fw[64];
	bool has;
	double score;
};

static void
score_fn(void *data, const char *framework, bool has_score, double score)
{
	struct seen *s = data;

	if (s->n++ == 0) {
		snprintf(s->fw, sizeof(s->fw), "%s", framework);
		s->has = has_score;
		s->score = score;
	}
}

static void
test_scores(void)
{
	struct seen s = {0, "", false, 0};
	json_t *root = result(), *fw;

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_EQUAL(attest_report_scores(store, scan_id, score_fn, &s), ATTEST_OK);
	fw = json_array_get(json_object_get(root, "frameworks"), 0);
	CU_ASSERT_EQUAL((size_t)s.n, json_array_size(json_object_get(root, "frameworks")));
	CU_ASSERT_STRING_EQUAL(s.fw, json_string_value(json_object_get(fw, "id")));
	CU_ASSERT_TRUE(s.has);
	CU_ASSERT_DOUBLE_EQUAL(s.score, json_number_value(json_object_get(fw, "score")), 0.001);
	json_decref(root);
}

static int
suite_init(void)
{
	char db[4200];

	if (tu_tmpdir(dir, sizeof(dir), "report") != 0 || tu_sample_eval(&ctx, &lib, &inv) != 0)
		return 1;
	snprintf(db, sizeof(db), "%s/history.db", dir);
	if (attest_store_open(ctx, db, &store) != ATTEST_OK ||
	    attest_store_save(store, inv, 1767323045, 1767323050, scan_id) != ATTEST_OK) {
		fprintf(stderr, "cannot make a scan: %s\n", attest_ctx_errmsg(ctx));
		return 1;
	}
	return 0;
}

static int
suite_clean(void)
{
	attest_store_close(store);
	tu_sample_free(ctx, lib, inv);
	tu_rmtree(dir);
	return 0;
}

/* Control ids become OSCAL tokens and XCCDF NCNames, reversibly. */
static void
test_control_token(void)
{
	struct core_buf b;

	core_buf_init(&b, 1024);
	CU_ASSERT_STRING_EQUAL(report_control_token(&b, "cis-aws-3.0", "2.1.4"),
			       "cis-aws-3.0__2.1.4");
	CU_ASSERT_STRING_EQUAL(report_control_token(&b, "hipaa", "164.312(a)(2)(iv)"),
			       "hipaa__164.312_28a_29_282_29_28iv_29");
	/* '_' is the escape, so it is escaped itself: a_b and a, b differ */
	CU_ASSERT_STRING_EQUAL(report_control_token(&b, "a_b", "c"), "a_5Fb__c");
	CU_ASSERT_STRING_EQUAL(report_control_token(&b, "9fw", "x y"), "_39fw__x_20y");
	core_buf_release(&b);
	core_buf_init(&b, 8); /* too small: NULL, no partial token */
	CU_ASSERT_PTR_NULL(report_control_token(&b, "framework", "control"));
	core_buf_release(&b);
}

static void
test_fold_space(void)
{
	struct core_buf b;
	char when[40];

	core_buf_init(&b, 1024);
	CU_ASSERT_STRING_EQUAL(
		report_fold_space(&b, "\n  Legacy SFTP drop\n      for two\tpartners. \n"),
		"Legacy SFTP drop for two partners.");
	CU_ASSERT_STRING_EQUAL(report_fold_space(&b, ""), "");
	CU_ASSERT_STRING_EQUAL(report_fold_space(&b, " \n\t "), "");
	core_buf_release(&b);
	CU_ASSERT_STRING_EQUAL(report_xml_datetime("2026-09-15", when), "2026-09-15T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(report_xml_datetime("2026-09-15T10:11:12Z", when),
			       "2026-09-15T10:11:12Z");
}

/* Every real of the JSON result prints with at most 15 significant digits:
 * a figure reads as written (6.3), not as its binary value. */
static void
test_json_reals(void)
{
	attest_rc rc;
	char *text = render_json(&rc), *p;
	size_t digits;

	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	for (p = text; *p; p++) {
		if (*p != '.' || p == text || p[-1] < '0' || p[-1] > '9')
			continue;
		for (digits = 0; p[1 + digits] >= '0' && p[1 + digits] <= '9'; digits++)
			;
		CU_ASSERT(digits <= 15);
	}
	CU_ASSERT_PTR_NULL(strstr(text, "99999999"));
	free(text);
}

/* Package member names of long ids (issue 10 #23): within a ustar name
 * field, a visible cut and a digest, distinct, deterministic; the whole
 * path fits a ustar header. */
static void
test_package_names(void)
{
	static const size_t lens[] = {1, 95, 99, 100, 101, 300, 70000};
	char a[PKG_MAX_NAME + 1], b[PKG_MAX_NAME + 1], path[3 * PKG_MAX_NAME];
	struct pkg_ustar h;
	char *id = malloc(70001), *id2 = malloc(70001);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id2);
	pkg_name("164.312(a)(1)", ".json", PKG_MAX_NAME, a);
	CU_ASSERT_STRING_EQUAL(a, "164.312%28a%29%281%29.json");
	for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		memset(id, 'k', lens[i]);
		id[lens[i]] = '\0';
		memcpy(id2, id, lens[i] + 1);
		id2[lens[i] - 1] = 'j'; /* same start, another id */
		pkg_name(id, ".json", PKG_MAX_NAME, a);
		pkg_name(id2, ".json", PKG_MAX_NAME, b);
		CU_ASSERT(strlen(a) <= PKG_MAX_NAME);
		CU_ASSERT_STRING_NOT_EQUAL(a, b);
		CU_ASSERT((strstr(a, "...") != NULL) == (lens[i] + 5 > PKG_MAX_NAME));
		pkg_name(id, ".json", PKG_MAX_NAME, b);
		CU_ASSERT_STRING_EQUAL(a, b);
		snprintf(path, sizeof(path), "evidence/controls/%s/%s", a, a);
		CU_ASSERT(pkg_path_safe(path));
		CU_ASSERT_EQUAL(pkg_tar_header(ctx, &h, path, 1, 0), ATTEST_OK);
	}
	/* a cut never splits a %XX escape */
	memset(id, '(', 300);
	id[300] = '\0';
	for (i = 0; i < 3; i++) {
		pkg_name(id + i, "", PKG_MAX_NAME - 20, a);
		CU_ASSERT(strlen(a) <= PKG_MAX_NAME - 20);
		CU_ASSERT_EQUAL((strstr(a, "...") - a) % 3, 0);
	}
	free(id);
	free(id2);
}

static CU_TestInfo tests[] = {
	{"JSON result parses", test_json_parses},
	{"JSON result keys", test_json_keys},
	{"findings ordered by risk", test_findings_order},
	{"JSON of an unknown scan", test_json_unknown_scan},
	{"summary without colour", test_summary_plain},
	{"summary with colour", test_summary_color},
	{"summary of an unknown scan", test_summary_unknown_scan},
	{"scores", test_scores},
	{"control tokens", test_control_token},
	{"folded text and dates", test_fold_space},
	{"JSON reals as written", test_json_reals},
	{"package names of long ids", test_package_names},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"report", suite_init, suite_clean, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
