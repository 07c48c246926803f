/*
 * Unit tests for the OCSF event of one finding (src/report/ocsf.h), the
 * function attest watch writes its events with: the class and type ids for
 * each activity, the status and severity mapping of doc/ocsf.md, the
 * fields a watch event adds (previous status, cause), redaction of values
 * that did not come from the history database, and a finding without a
 * check refused. tests/cli/ocsf.sh checks whole scans.
 */
#include "config.h"

#include "harness.h"
#include "report/ocsf.h"

#include <stdlib.h>
#include <string.h>

static json_t *controls, *evidence, *remediation, *standards, *cause;

/* A failing finding with every field set, as a watch delta gives it. */
static struct report_ocsf_finding
finding(void)
{
	return (struct report_ocsf_finding){
		.check_id = "ec2-sg-no-ipv4-world-ingress-admin-ports",
		.title = "Security groups do not open admin ports to the world",
		.rationale = "why it matters",
		.service = "ec2",
		.severity = "high",
		.status = "fail",
		.resource_type = "AWS::EC2::SecurityGroup",
		.resource_id = "sg-0123456789abcdef0",
		.arn = "arn:aws-us-gov:ec2:us-gov-west-1:111122223333:security-group/"
		       "sg-0123456789abcdef0",
		.region = "us-gov-west-1",
		.account = "111122223333",
		.reason = "port 22 open to 0.0.0.0/0",
		.evidence = evidence,
		.remediation = remediation,
		.controls = controls,
		.standards = standards,
		.time = 1796676621,
	};
}

static const char *
str(const json_t *ev, const char *path)
{
	return json_string_value(json_object_get(ev, path));
}

static json_int_t
num(const json_t *ev, const char *key)
{
	return json_integer_value(json_object_get(ev, key));
}

static void
test_fail_event(void)
{
	struct report_ocsf_finding f = finding();
	json_t *ev = report_ocsf_event(&f), *comp, *res, *reqs;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(num(ev, "class_uid"), 2003);
	CU_ASSERT_EQUAL(num(ev, "category_uid"), 2);
	CU_ASSERT_EQUAL(num(ev, "activity_id"), 1);
	CU_ASSERT_EQUAL(num(ev, "type_uid"), 200301);
	CU_ASSERT_EQUAL(num(ev, "severity_id"), 4);
	CU_ASSERT_STRING_EQUAL(str(ev, "severity"), "High");
	CU_ASSERT_EQUAL(num(ev, "status_id"), 1);
	CU_ASSERT_EQUAL(num(ev, "time"), 1796676621000LL);
	CU_ASSERT_STRING_EQUAL(str(ev, "time_dt"), "2026-12-07T20:50:21Z");
	CU_ASSERT_STRING_EQUAL(str(json_object_get(ev, "metadata"), "version"), "1.6.0");
	comp = json_object_get(ev, "compliance");
	CU_ASSERT_EQUAL(num(comp, "status_id"), 3);
	CU_ASSERT_STRING_EQUAL(str(comp, "control"), f.check_id);
	reqs = json_object_get(comp, "requirements");
	CU_ASSERT_EQUAL(json_array_size(reqs), 2);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_array_get(reqs, 0)), "cis-aws-3.0/5.2");
	/* the two controls are of one framework: one standard, by title */
	CU_ASSERT_EQUAL(json_array_size(json_object_get(comp, "standards")), 1);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_array_get(json_object_get(comp, "standards"), 0)),
		"CIS AWS Foundations Benchmark v3.0.0");
	res = json_array_get(json_object_get(ev, "resources"), 0);
	CU_ASSERT_STRING_EQUAL(str(res, "uid"), f.resource_id);
	CU_ASSERT_STRING_EQUAL(str(res, "uid_alt"), f.arn);
	CU_ASSERT_STRING_EQUAL(str(res, "cloud_partition"), "aws-us-gov");
	CU_ASSERT_STRING_EQUAL(str(json_object_get(ev, "cloud"), "provider"), "AWS");
	CU_ASSERT_STRING_EQUAL(str(json_object_get(ev, "remediation"), "desc"), "1. close it");
	/* no exception: no status_detail, no comment, nothing of one unmapped */
	CU_ASSERT_PTR_NULL(json_object_get(ev, "status_detail"));
	CU_ASSERT_PTR_NULL(json_object_get(ev, "comment"));
	CU_ASSERT_PTR_NULL(json_object_get(json_object_get(ev, "unmapped"), "exception"));
	json_decref(ev);
}

/* Each status of doc/ocsf.md's table: status_id, compliance status_id,
 * severity_id of a high check. */
static void
test_status_mapping(void)
{
	static const struct {
		const char *status;
		int status_id, compliance_id, severity_id;
	} want[] = {
		{"pass", 4, 1, 1},           {"fail", 1, 3, 4},
		{"excepted", 3, 3, 4},       {"error", 1, 2, 4},
		{"not_evaluated", 1, 2, 4},  {"not_applicable", 99, 99, 1},
		{"no-such-status", 0, 0, 4},
	};
	struct report_ocsf_finding f = finding();
	json_t *ev;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		f.status = want[i].status;
		ev = report_ocsf_event(&f);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		CU_ASSERT_EQUAL(num(ev, "status_id"), want[i].status_id);
		CU_ASSERT_EQUAL(num(json_object_get(ev, "compliance"), "status_id"),
				want[i].compliance_id);
		CU_ASSERT_EQUAL(num(ev, "severity_id"), want[i].severity_id);
		CU_ASSERT_STRING_EQUAL(str(ev, "status_code"), want[i].status);
		json_decref(ev);
	}
	f.status = "fail";
	f.severity = "severe";
	ev = report_ocsf_event(&f);
	CU_ASSERT_EQUAL(num(ev, "severity_id"), 0);
	CU_ASSERT_STRING_EQUAL(str(ev, "severity"), "Unknown");
	json_decref(ev);
}

static void
test_excepted(void)
{
	struct report_ocsf_finding f = finding();
	json_t *ev;

	f.status = "excepted";
	f.exception_id = "EX-1";
	f.exception_justification = "accepted risk";
	f.exception_approver = "CISO";
	f.exception_expires = "2027-01-31";
	ev = report_ocsf_event(&f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_STRING_EQUAL(str(ev, "status"), "Suppressed");
	CU_ASSERT_STRING_EQUAL(str(ev, "status_detail"),
			       "excepted by EX-1, approved by CISO, expires 2027-01-31");
	CU_ASSERT_STRING_EQUAL(str(ev, "comment"), "accepted risk");
	CU_ASSERT_STRING_EQUAL(
		str(json_object_get(json_object_get(ev, "unmapped"), "exception"), "id"), "EX-1");
	json_decref(ev);
}

/* What attest watch writes: Update and Close, the status before, the cause. */
static void
test_watch_activities(void)
{
	struct report_ocsf_finding f = finding();
	json_t *ev, *un;

	f.activity = REPORT_OCSF_UPDATE;
	f.previous_status = "pass";
	f.cause = cause;
	ev = report_ocsf_event(&f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	CU_ASSERT_EQUAL(num(ev, "type_uid"), 200302);
	CU_ASSERT_STRING_EQUAL(str(ev, "activity_name"), "Update");
	CU_ASSERT_STRING_EQUAL(str(ev, "type_name"), "Compliance Finding: Update");
	un = json_object_get(ev, "unmapped");
	CU_ASSERT_STRING_EQUAL(str(un, "previous_status"), "pass");
	CU_ASSERT(json_equal(json_object_get(un, "cause"), cause));
	json_decref(ev);
	f.activity = REPORT_OCSF_CLOSE;
	ev = report_ocsf_event(&f);
	CU_ASSERT_EQUAL(num(ev, "type_uid"), 200303);
	json_decref(ev);
	/* the same finding has the same finding_info.uid whatever the activity */
	f.activity = REPORT_OCSF_CREATE;
	ev = report_ocsf_event(&f);
	CU_ASSERT_STRING_EQUAL(str(json_object_get(ev, "finding_info"), "uid"),
			       "attest:ec2-sg-no-ipv4-world-ingress-admin-ports:111122223333:"
			       "us-gov-west-1:AWS::EC2::SecurityGroup:sg-0123456789abcdef0");
	json_decref(ev);
}

/* Values that did not come through the history database are redacted when
 * asked; values that did are written as given. */
static void
test_redact(void)
{
	struct report_ocsf_finding f = finding();
	json_t *ev;
	char *text;

	f.reason = "key AKIAQSECRETEXAMPLE12 is active";
	f.redact = true;
	ev = report_ocsf_event(&f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
	text = json_dumps(ev, JSON_COMPACT);
	CU_ASSERT_PTR_NULL(strstr(text, "Tag-Pa55word-XYZZY"));
	CU_ASSERT_PTR_NULL(strstr(text, "AKIAQSECRETEXAMPLE12"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"db_password\":\"[REDACTED]\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"port\":22"));
	free(text);
	json_decref(ev);
	f.redact = false;
	ev = report_ocsf_event(&f);
	text = json_dumps(ev, JSON_COMPACT);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Tag-Pa55word-XYZZY"));
	free(text);
	json_decref(ev);
}

static void
test_write_line(void)
{
	struct report_ocsf_finding f = finding();
	attest_ctx *ctx = attest_ctx_new();
	char *text = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&text, &n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_EQUAL(report_ocsf_write(ctx, &f, fp), ATTEST_OK);
	f.check_id = NULL;
	CU_ASSERT_EQUAL(report_ocsf_write(ctx, &f, fp), ATTEST_ERR_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "check"));
	fclose(fp);
	/* one line, ended by a newline, nothing written for the refused one */
	CU_ASSERT(n > 0 && text[n - 1] == '\n');
	CU_ASSERT_PTR_EQUAL(strchr(text, '\n'), text + n - 1);
	free(text);
	attest_ctx_free(ctx);
}

static int
suite_init(void)
{
	controls = json_pack("[{s:s, s:s}, {s:s, s:s}]", "framework", "cis-aws-3.0", "control",
			     "5.2", "framework", "cis-aws-3.0", "control", "5.3");
	evidence = json_pack("{s:i, s:{s:s}}", "port", 22, "tags", "db_password",
			     "Tag-Pa55word-XYZZY");
	remediation = json_pack("{s:s, s:s}", "steps", "1. close it", "cli", "aws ec2 revoke");
	standards = json_pack("{s:s}", "cis-aws-3.0", "CIS AWS Foundations Benchmark v3.0.0");
	cause = json_pack("{s:s, s:s}", "event_key", "e-1", "name",
			  "AuthorizeSecurityGroupIngress");
	return controls && evidence && remediation && standards && cause ? 0 : 1;
}

static int
suite_clean(void)
{
	json_decref(controls);
	json_decref(evidence);
	json_decref(remediation);
	json_decref(standards);
	json_decref(cause);
	return 0;
}

static CU_TestInfo tests[] = {
	{"a failing finding", test_fail_event},
	{"status and severity mapping", test_status_mapping},
	{"an excepted finding", test_excepted},
	{"watch activities", test_watch_activities},
	{"redaction of values from outside the store", test_redact},
	{"one line per event", test_write_line},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"ocsf", suite_init, suite_clean, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
