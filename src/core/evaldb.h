/*
 * The evaluation database: the scan database the inventory module creates
 * (its tables are listed in inventory/inventory_int.h), the engine adds its
 * results to, and the store copies a finished scan out of (ATTACHed as
 * "inv"). The result tables are declared here, once, for both sides: the
 * engine creates them from EVALDB_RESULTS_SCHEMA and the store copies them
 * through the column lists below, which the history keeps under the same
 * names. A column added to a result table goes into its list here, and
 * then into the history's schema (src/store/schema.c) and nowhere else.
 */
#ifndef ATTEST_CORE_EVALDB_H
#define ATTEST_CORE_EVALDB_H

/* The result tables (schema 1 of the evaluation; the database is
 * temporary, so it has no migrations). */
#define EVALDB_FW "fw"                 /* one row per framework evaluated */
#define EVALDB_CTL "ctl"               /* one row per control */
#define EVALDB_CTL_CHECKS "ctl_checks" /* the checks of each control */
#define EVALDB_CHK "chk"               /* one row per check run */
#define EVALDB_RES "res"               /* one row per (check, judged resource) */
#define EVALDB_EXC "exc"               /* exceptions read */
#define EVALDB_ATT "att"               /* attestations read */
#define EVALDB_CHK_COUNTS "chk_counts" /* the engine's own tallies */
#define EVALDB_CHK_QUERY "chk_query"   /* each check's query as run */

#define EVALDB_RESULTS_SCHEMA                                                                      \
	"CREATE TABLE " EVALDB_FW "(framework TEXT PRIMARY KEY, seq INTEGER, version TEXT,"        \
	"  title TEXT, publisher TEXT, score REAL, coverage REAL, n_total INTEGER,"                \
	"  n_pass INTEGER, n_fail INTEGER, n_manual INTEGER, n_not_evaluated INTEGER,"             \
	"  n_not_applicable INTEGER, n_error INTEGER, n_excepted INTEGER DEFAULT 0,"               \
	"  n_attested INTEGER DEFAULT 0);"                                                         \
	"CREATE TABLE " EVALDB_CTL "(framework TEXT, control_id TEXT, seq INTEGER,"                \
	"  section TEXT, title TEXT, description TEXT, level TEXT, assessment TEXT,"               \
	"  status TEXT, PRIMARY KEY(framework, control_id));"                                      \
	"CREATE TABLE " EVALDB_CTL_CHECKS "(framework TEXT, control_id TEXT, check_id TEXT);"      \
	"CREATE TABLE " EVALDB_CHK "(check_id TEXT PRIMARY KEY, title TEXT, service TEXT,"         \
	"  severity TEXT, resource_type TEXT, requires TEXT, rationale TEXT,"                      \
	"  remediation TEXT, refs TEXT, exposure INTEGER NOT NULL DEFAULT 0,"                      \
	"  status TEXT, reason TEXT, n_pass INTEGER DEFAULT 0, n_fail INTEGER DEFAULT 0,"          \
	"  n_error INTEGER DEFAULT 0, n_not_applicable INTEGER DEFAULT 0,"                         \
	"  n_excepted INTEGER DEFAULT 0);"                                                         \
	"CREATE TABLE " EVALDB_RES "(check_id TEXT NOT NULL, rid INTEGER, status TEXT,"            \
	"  reason TEXT, evidence TEXT, exception_id TEXT, exposed INTEGER NOT NULL DEFAULT 0);"    \
	"CREATE TABLE " EVALDB_EXC "(exception_id TEXT PRIMARY KEY, check_id TEXT NOT NULL,"       \
	"  resource_id TEXT, arn TEXT, account TEXT, region TEXT, tag_key TEXT,"                   \
	"  tag_value TEXT, justification TEXT NOT NULL, approver TEXT NOT NULL,"                   \
	"  approved TEXT, expires TEXT NOT NULL, active INTEGER NOT NULL,"                         \
	"  matched INTEGER NOT NULL DEFAULT 0, source TEXT, scope TEXT);"                          \
	"CREATE TABLE " EVALDB_ATT "(framework TEXT NOT NULL, control_id TEXT NOT NULL,"           \
	"  attested_by TEXT NOT NULL, attested_on TEXT NOT NULL, statement TEXT NOT NULL,"         \
	"  evidence TEXT, evidence_href TEXT, expires TEXT NOT NULL, active INTEGER NOT NULL,"     \
	"  source TEXT, PRIMARY KEY(framework, control_id));"                                      \
	"CREATE INDEX res_check ON " EVALDB_RES "(check_id, status);"                              \
	"CREATE TABLE " EVALDB_CHK_COUNTS "(check_id TEXT PRIMARY KEY, p INTEGER, f INTEGER,"      \
	"  e INTEGER, na INTEGER);"                                                                \
	"CREATE TABLE " EVALDB_CHK_QUERY "(check_id TEXT PRIMARY KEY, query TEXT NOT NULL);"

/* The columns the store copies as they are, under the same names in the
 * history (scan_frameworks, scan_controls, scan_control_checks,
 * scan_checks, scan_exceptions, scan_attestations). Columns it transforms
 * (a check's reason is redacted, an exception's match fields become one
 * JSON object, res is joined with the resources) are named in store.c. */
#define EVALDB_FW_COPIED                                                                           \
	"framework, seq, version, title, publisher, score, coverage, n_total, n_pass, n_fail,"     \
	" n_manual, n_not_evaluated, n_not_applicable, n_error, n_excepted, n_attested"
#define EVALDB_CTL_COPIED                                                                          \
	"framework, control_id, seq, section, title, description, level, assessment, status"
#define EVALDB_CTL_CHECKS_COPIED "framework, control_id, check_id"
#define EVALDB_CHK_COPIED                                                                          \
	"check_id, title, service, severity, resource_type, requires, rationale, remediation,"     \
	" refs, status, n_pass, n_fail, n_error, n_not_applicable, n_excepted"
#define EVALDB_EXC_COPIED                                                                          \
	"exception_id, check_id, justification, approver, approved, expires, active, matched,"     \
	" source"
#define EVALDB_ATT_COPIED                                                                          \
	"framework, control_id, attested_by, attested_on, statement, evidence, evidence_href,"     \
	" expires, active, source"

#endif
