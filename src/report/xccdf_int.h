/*
 * Inside the XCCDF renderer: the document being written and the helpers its
 * two files share. xccdf.c writes the Benchmark (its rules) and the
 * document; xccdf_result.c the TestResults (rule-results, overrides of
 * excepted findings, attested controls, target facts and scores).
 */
#ifndef ATTEST_XCCDF_INT_H
#define ATTEST_XCCDF_INT_H

#include "xmlout.h"

#define XCCDF_NS "http://checklists.nist.gov/xccdf/1.2"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define ID_PREFIX "xccdf_attest_"
/* The checks read an AWS estate's configuration. */
#define PLATFORM_CPE "cpe:2.3:a:amazon:amazon_web_services:-:*:*:*:*:*:*:*"

struct xccdf {
	struct report_xml x;
	const char *scan_id;
	const char *time; /* the inventory's reference time, for every rule-result */
	struct core_buf tok, fold;
	long long flat_pass, flat_max; /* XCCDF's flat model over what was written */
	bool excepted;                 /* writing the TestResult of the excepted findings */
};

/* XCCDF's severity (unknown, info, low, medium, high) of an attest one. */
const char *xccdf_severity(const char *s);
/* XCCDF's rule-result of an attest status. */
const char *xccdf_result(const char *status);
/* Counts a rule-result in XCCDF's flat model (pass, fail, error and unknown
 * are scored). */
void xccdf_flat_count(struct xccdf *c, const char *res);
/* The id of an attested control's Rule; NULL after marking the writer failed. */
const char *xccdf_control_rule_id(struct xccdf *c, const char *fw, const char *ctl);
/* Writes text a person wrote, its white space folded; 0 or -1. */
int xccdf_fold(struct xccdf *c, const char *text);
/* <check system><check-content-ref href name/></check>; 0 or -1. */
int xccdf_check_ref(struct report_xml *x, const char *system, const char *href, const char *name);
/* <message severity>prefix text</message>; 0 or -1. */
int xccdf_message(struct report_xml *x, const char *sev, const char *prefix, const char *text);
/* Runs row() over every row of sql (?1 the scan id, ?2 when the query has
 * it whether the TestResult is of the excepted findings). */
attest_rc xccdf_each_row(struct xccdf *c, const char *sql,
			 int (*row)(struct xccdf *c, sqlite3_stmt *st), const char *what);
/* The TestResults of the scan (xccdf_result.c): the findings, then the
 * excepted findings in their own. */
attest_rc xccdf_write_test_results(struct xccdf *c, sqlite3_stmt *scan);

#endif
