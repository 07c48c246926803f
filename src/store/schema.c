/*
 * The history database schema and its migrations. The version lives in
 * PRAGMA user_version; each migration moves it up by one inside the caller's
 * transaction, so a database is always at exactly one known version. A new
 * schema version appends a migration here and never edits an old one.
 */
#include "config.h"

#include "store_int.h"

static const char *const migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE scans("
	"  scan_id TEXT PRIMARY KEY,"
	"  started_at TEXT NOT NULL, finished_at TEXT NOT NULL, as_of TEXT NOT NULL,"
	"  attest_version TEXT NOT NULL,"
	"  scope TEXT NOT NULL," /* provider:sorted accounts, for comparisons */
	"  accounts TEXT NOT NULL, regions TEXT NOT NULL," /* JSON arrays */
	"  sources TEXT NOT NULL,"                         /* JSON array of the inputs read */
	"  inventory_sha256 TEXT NOT NULL, resource_count INTEGER NOT NULL);"
	"CREATE INDEX scans_scope_time ON scans(scope, started_at);"
	"CREATE INDEX scans_time ON scans(started_at);"
	"CREATE TABLE scan_frameworks("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, framework TEXT NOT NULL,"
	"  seq INTEGER, version TEXT, title TEXT, publisher TEXT, score REAL, coverage REAL,"
	"  n_total INTEGER, n_pass INTEGER, n_fail INTEGER, n_manual INTEGER,"
	"  n_not_evaluated INTEGER, n_not_applicable INTEGER, n_error INTEGER,"
	"  PRIMARY KEY(scan_id, framework)) WITHOUT ROWID;"
	"CREATE INDEX scan_frameworks_fw ON scan_frameworks(framework, scan_id);"
	"CREATE TABLE scan_controls("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, framework TEXT NOT NULL,"
	"  control_id TEXT NOT NULL, seq INTEGER, section TEXT, title TEXT, description TEXT,"
	"  level TEXT, assessment TEXT, status TEXT NOT NULL,"
	"  PRIMARY KEY(scan_id, framework, control_id)) WITHOUT ROWID;"
	"CREATE TABLE scan_control_checks("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, framework TEXT NOT NULL,"
	"  control_id TEXT NOT NULL, check_id TEXT NOT NULL);"
	"CREATE INDEX scan_control_checks_scan ON scan_control_checks(scan_id, framework,"
	"  control_id);"
	"CREATE INDEX scan_control_checks_check ON scan_control_checks(scan_id, check_id);"
	"CREATE TABLE scan_checks("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, check_id TEXT NOT NULL,"
	"  title TEXT, service TEXT, severity TEXT, resource_type TEXT, requires TEXT,"
	"  rationale TEXT, remediation TEXT, refs TEXT, status TEXT NOT NULL, reason TEXT,"
	"  n_pass INTEGER, n_fail INTEGER, n_error INTEGER, n_not_applicable INTEGER,"
	"  PRIMARY KEY(scan_id, check_id)) WITHOUT ROWID;"
	"CREATE TABLE findings("
	"  finding_id INTEGER PRIMARY KEY,"
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, check_id TEXT NOT NULL,"
	"  status TEXT NOT NULL, resource_type TEXT, resource_id TEXT, arn TEXT, name TEXT,"
	"  region TEXT, account TEXT, reason TEXT, evidence TEXT);"
	"CREATE INDEX findings_scan_check ON findings(scan_id, check_id, status);",
	/* 1 -> 2: exceptions and attestations applied by a scan, excepted findings,
	 * attested controls, and the exposure used to rank findings by risk. */
	"ALTER TABLE findings ADD COLUMN exception_id TEXT;"
	"ALTER TABLE findings ADD COLUMN exposed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scan_frameworks ADD COLUMN n_excepted INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scan_frameworks ADD COLUMN n_attested INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scan_checks ADD COLUMN n_excepted INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE scan_exceptions("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, exception_id TEXT NOT NULL,"
	"  check_id TEXT NOT NULL, match TEXT NOT NULL, justification TEXT NOT NULL,"
	"  approver TEXT NOT NULL, approved TEXT, expires TEXT NOT NULL, active INTEGER NOT NULL,"
	"  matched INTEGER NOT NULL DEFAULT 0, source TEXT,"
	"  PRIMARY KEY(scan_id, exception_id)) WITHOUT ROWID;"
	"CREATE TABLE scan_attestations("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, framework TEXT NOT NULL,"
	"  control_id TEXT NOT NULL, attested_by TEXT NOT NULL, attested_on TEXT NOT NULL,"
	"  statement TEXT NOT NULL, evidence TEXT, evidence_href TEXT, expires TEXT NOT NULL,"
	"  active INTEGER NOT NULL, source TEXT,"
	"  PRIMARY KEY(scan_id, framework, control_id)) WITHOUT ROWID;",
	/* 2 -> 3: diff looks findings up by check and resource across two scans. */
	"CREATE INDEX findings_scan_resource ON findings(scan_id, check_id, resource_id);",
	/* 3 -> 4: copies of the files a scan read, kept on request (scan
	 * --keep-inputs) for audit packages (src/store/inputs.c). Content is
	 * stored once per SHA-256, in independently deflated chunks; a trigger
	 * drops it when the last scan that kept it is deleted. */
	"CREATE TABLE input_blobs(sha256 TEXT PRIMARY KEY, bytes INTEGER NOT NULL);"
	"CREATE TABLE input_chunks("
	"  sha256 TEXT NOT NULL REFERENCES input_blobs ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL, data BLOB NOT NULL, UNIQUE(sha256, seq));"
	"CREATE TABLE scan_inputs("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, seq INTEGER NOT NULL,"
	"  path TEXT NOT NULL, sha256 TEXT, kept INTEGER NOT NULL, note TEXT,"
	"  PRIMARY KEY(scan_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX scan_inputs_sha256 ON scan_inputs(sha256);"
	"CREATE TRIGGER scan_inputs_release AFTER DELETE ON scan_inputs WHEN OLD.kept BEGIN"
	"  DELETE FROM input_blobs WHERE sha256 = OLD.sha256 AND NOT EXISTS"
	"    (SELECT 1 FROM scan_inputs WHERE sha256 = OLD.sha256 AND kept);"
	"END;",
	/* 4 -> 5: the collection gaps of a scan: the calls of a live collection
	 * that failed, as its inventory's collection_log listed them, with the
	 * resource types each withheld (a JSON array). Messages are redacted. */
	"CREATE TABLE scan_gaps("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE, seq INTEGER NOT NULL,"
	"  account TEXT, region TEXT NOT NULL, service TEXT NOT NULL, operation TEXT NOT NULL,"
	"  error_code TEXT NOT NULL, message TEXT NOT NULL, types TEXT NOT NULL DEFAULT '[]',"
	"  PRIMARY KEY(scan_id, seq)) WITHOUT ROWID;",
	/* 5 -> 6: the two scores of doc/scoring.md, computed in one place for
	 * every scan stored, old ones included. A control's pass share is over
	 * the (check, resource) results of its checks, excepted results in
	 * neither part; manual controls have none (people assess them). A
	 * framework's posture is the mean of its controls' pass shares weighted
	 * by each control's highest check severity. */
	"CREATE VIEW scan_control_scores AS"
	" SELECT scan_id, framework, control_id,"
	"  CASE weight WHEN 4 THEN 'critical' WHEN 3 THEN 'high' WHEN 2 THEN 'medium'"
	"    WHEN 1 THEN low_or_info END AS severity, weight, n_pass, n_fail, n_excepted,"
	"  CASE WHEN n_pass + n_fail > 0 THEN 100.0 * n_pass / (n_pass + n_fail) END AS pass_share"
	" FROM (SELECT ctl.scan_id, ctl.framework, ctl.control_id,"
	"  (SELECT max(CASE c.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3"
	"    WHEN 'medium' THEN 2 ELSE 1 END) FROM scan_control_checks m JOIN scan_checks c"
	"    ON c.scan_id = m.scan_id AND c.check_id = m.check_id WHERE m.scan_id = ctl.scan_id"
	"    AND m.framework = ctl.framework AND m.control_id = ctl.control_id) AS weight,"
	"  (SELECT CASE WHEN max(c.severity = 'low') THEN 'low' ELSE 'informational' END"
	"    FROM scan_control_checks m JOIN scan_checks c"
	"    ON c.scan_id = m.scan_id AND c.check_id = m.check_id WHERE m.scan_id = ctl.scan_id"
	"    AND m.framework = ctl.framework AND m.control_id = ctl.control_id) AS low_or_info,"
	"  CASE WHEN ctl.assessment = 'manual' THEN 0 ELSE (SELECT coalesce(sum(c.n_pass), 0)"
	"    FROM scan_control_checks m JOIN scan_checks c"
	"    ON c.scan_id = m.scan_id AND c.check_id = m.check_id WHERE m.scan_id = ctl.scan_id"
	"    AND m.framework = ctl.framework AND m.control_id = ctl.control_id) END AS n_pass,"
	"  CASE WHEN ctl.assessment = 'manual' THEN 0 ELSE (SELECT coalesce(sum(c.n_fail), 0)"
	"    FROM scan_control_checks m JOIN scan_checks c"
	"    ON c.scan_id = m.scan_id AND c.check_id = m.check_id WHERE m.scan_id = ctl.scan_id"
	"    AND m.framework = ctl.framework AND m.control_id = ctl.control_id) END AS n_fail,"
	"  CASE WHEN ctl.assessment = 'manual' THEN 0 ELSE (SELECT coalesce(sum(c.n_excepted), 0)"
	"    FROM scan_control_checks m JOIN scan_checks c"
	"    ON c.scan_id = m.scan_id AND c.check_id = m.check_id WHERE m.scan_id = ctl.scan_id"
	"    AND m.framework = ctl.framework AND m.control_id = ctl.control_id) END AS n_excepted"
	"  FROM scan_controls ctl);"
	"CREATE VIEW scan_framework_scores AS"
	" SELECT f.scan_id, f.framework,"
	"  f.n_pass + f.n_attested AS controls_passing,"
	"  f.n_pass + f.n_attested + f.n_fail AS controls_scored,"
	"  f.score, f.coverage,"
	"  (SELECT round(sum(s.weight * s.pass_share) / sum(s.weight), 1)"
	"    FROM scan_control_scores s WHERE s.scan_id = f.scan_id"
	"    AND s.framework = f.framework AND s.pass_share IS NOT NULL) AS posture,"
	"  (SELECT count(*) FROM scan_control_scores s WHERE s.scan_id = f.scan_id"
	"    AND s.framework = f.framework AND s.pass_share IS NOT NULL) AS posture_controls"
	" FROM scan_frameworks f;",
	/* 6 -> 7: what diff needs to say why a finding changed (doc/history.md):
	 * a digest of each judged resource's configuration and of each check's
	 * definition (resource type, required types, query), whether the query
	 * reads the reference date, and a mark on the scans that recorded them
	 * (older scans have none: their causes are unknown). The timeline index
	 * serves "the previous scan of the same scope" by as_of. */
	"ALTER TABLE scans ADD COLUMN digests INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE scan_checks ADD COLUMN definition_sha256 TEXT;"
	"ALTER TABLE scan_checks ADD COLUMN dated INTEGER;"
	"CREATE TABLE scan_resources("
	"  scan_id TEXT NOT NULL REFERENCES scans ON DELETE CASCADE,"
	"  resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, account TEXT, region TEXT,"
	"  config_sha256 TEXT NOT NULL);"
	"CREATE INDEX scan_resources_key ON scan_resources(scan_id, resource_id, resource_type);"
	"CREATE INDEX scans_scope_as_of ON scans(scope, as_of, started_at);",
	/* 7 -> 8: what attest watch records between full scans (doc/history.md,
	 * "Changes"): each change event applied once (its key is unique, so a
	 * message delivered twice stores nothing the second time), the findings
	 * whose status it changed (deltas: a NULL old status is a new finding, a
	 * NULL new one a resource gone), the messages that could not be used,
	 * and the alerts waiting for delivery. Channels are names from the alert
	 * rules, never endpoints or secrets. */
	"CREATE TABLE watch_events("
	"  event_key TEXT PRIMARY KEY, message_id TEXT, base_scan_id TEXT,"
	"  source TEXT NOT NULL, name TEXT NOT NULL, actor TEXT,"
	"  actor_type TEXT, source_ip TEXT, user_agent TEXT,"
	"  event_time TEXT NOT NULL, received_at TEXT NOT NULL,"
	"  account TEXT, region TEXT, resources INTEGER NOT NULL);"
	"CREATE TABLE deltas("
	"  delta_id INTEGER PRIMARY KEY, event_key TEXT NOT NULL REFERENCES watch_events,"
	"  at TEXT NOT NULL, check_id TEXT NOT NULL, severity TEXT, resource_type TEXT,"
	"  resource_id TEXT, arn TEXT, region TEXT, account TEXT,"
	"  old_status TEXT, new_status TEXT, reason TEXT, evidence TEXT);"
	"CREATE INDEX deltas_at ON deltas(at);"
	"CREATE INDEX deltas_check_resource ON deltas(check_id, resource_id);"
	"CREATE INDEX deltas_event ON deltas(event_key);"
	"CREATE INDEX watch_events_base ON watch_events(base_scan_id);"
	"CREATE TABLE watch_dead_letters("
	"  message_id TEXT, received_at TEXT, reason TEXT, body_sha256 TEXT);"
	"CREATE TABLE alert_outbox("
	"  alert_id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, channel TEXT NOT NULL,"
	"  payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at TEXT NOT NULL, delivered_at TEXT, last_error TEXT);"
	"CREATE INDEX alert_outbox_due ON alert_outbox(delivered_at, next_attempt_at);",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

attest_rc
store_migrate(attest_ctx *ctx, sqlite3 *db, int from)
{
	return store_migrate_to(ctx, db, from, STORE_SCHEMA_VERSION);
}

attest_rc
store_migrate_to(attest_ctx *ctx, sqlite3 *db, int from, int to)
{
	char pragma[64];
	int v;

	if (from < 0 || to > STORE_SCHEMA_VERSION)
		return core_error(ctx, ATTEST_ERR_USAGE, "no schema version %d", to);
	for (v = from; v < to; v++) {
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK)
			return core_error(ctx, ATTEST_ERR_DB,
					  "cannot migrate the history database to version %d: %s",
					  v + 1, sqlite3_errmsg(db));
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK)
			return core_error(ctx, ATTEST_ERR_DB, "cannot migrate: %s",
					  sqlite3_errmsg(db));
	}
	return ATTEST_OK;
}
