/*
 * Scoring (doc/scoring.md). A control's status rolls up the statuses of the
 * checks mapped to it, worst first:
 *   manual          the control is assessed by people, not by checks;
 *   attested        ... and a person's attestation of it is in force
 *   fail            some mapped check failed on some resource
 *   error           some check could not be evaluated because it broke
 *   not_evaluated   some check's resource types were not collected
 *   excepted        the only failures are covered by exceptions in force
 *   pass            every check passed on every resource it judged
 *   not_applicable  no mapped check found anything to judge
 * Missing evidence outranks a pass: a control is only `pass` when every
 * check behind it was evaluated.
 * A framework's score is 100 * (pass + attested) / (pass + attested + fail)
 * over its controls: an excepted control is an accepted risk, counted apart
 * and neither as a pass nor as a failure. Its coverage is the share of all
 * its controls (manual ones included) whose status was determined: pass,
 * fail, not_applicable, excepted or attested.
 */
#include "config.h"

#include "engine_int.h"

static const char score_sql[] =
	"UPDATE ctl SET status = CASE WHEN assessment = 'manual' THEN"
	"  CASE WHEN EXISTS (SELECT 1 FROM att a WHERE a.framework = ctl.framework"
	"    AND a.control_id = ctl.control_id AND a.active) THEN 'attested' ELSE 'manual' END"
	" ELSE ("
	"  SELECT CASE WHEN count(*) = 0 THEN 'not_evaluated'"
	"    WHEN sum(c.status = 'fail') > 0 THEN 'fail'"
	"    WHEN sum(c.status = 'error') > 0 THEN 'error'"
	"    WHEN sum(c.status = 'not_evaluated') > 0 THEN 'not_evaluated'"
	"    WHEN sum(c.status = 'excepted') > 0 THEN 'excepted'"
	"    WHEN sum(c.status = 'pass') > 0 THEN 'pass'"
	"    ELSE 'not_applicable' END"
	"  FROM ctl_checks m JOIN chk c ON c.check_id = m.check_id"
	"  WHERE m.framework = ctl.framework AND m.control_id = ctl.control_id) END;"
	"UPDATE fw SET (n_total, n_pass, n_fail, n_manual, n_not_evaluated, n_not_applicable,"
	"    n_error, n_excepted, n_attested) = (SELECT count(*), sum(status = 'pass'),"
	"    sum(status = 'fail'), sum(status = 'manual'), sum(status = 'not_evaluated'),"
	"    sum(status = 'not_applicable'), sum(status = 'error'), sum(status = 'excepted'),"
	"    sum(status = 'attested')"
	"  FROM ctl WHERE ctl.framework = fw.framework);"
	"UPDATE fw SET"
	"  score = CASE WHEN n_pass + n_attested + n_fail > 0"
	"    THEN round(100.0 * (n_pass + n_attested) / (n_pass + n_attested + n_fail), 1) END,"
	"  coverage = CASE WHEN n_total > 0"
	"    THEN round(100.0 * (n_pass + n_fail + n_not_applicable + n_excepted + n_attested)"
	"      / n_total, 1) END;";

attest_rc
score_frameworks(attest_ctx *ctx, sqlite3 *db)
{
	if (sqlite3_exec(db, score_sql, NULL, NULL, NULL) != SQLITE_OK)
		return core_db_error(ctx, db, "scoring");
	return ATTEST_OK;
}
