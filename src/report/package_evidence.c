/*
 * The evidence of a single-scan package, stored once: every finding of a
 * check is one line of evidence/checks/CHECK.ndjson (a JSON object naming
 * the resource, its account and region, the status, reason, evidence and
 * exception), and each control of each framework has a small
 * evidence/controls/FRAMEWORK/CONTROL.json that refers to the evidence files
 * of its checks by name and SHA-256 instead of copying their findings.
 * index.csv has one row per (framework, control, finding) with the SHA-256
 * of the finding's line, so that any finding can be checked with sed and
 * sha256sum. registers/ holds the exceptions and attestations the scan
 * applied, lapsed ones flagged.
 *
 * Line numbers and digests are kept in two TEMP tables of the history
 * connection while the package is written, so that memory stays bounded
 * however many findings the scan has.
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char temp_sql[] =
	"DROP TABLE IF EXISTS temp.pkg_lines; DROP TABLE IF EXISTS temp.pkg_files;"
	"CREATE TEMP TABLE pkg_lines(finding_id INTEGER PRIMARY KEY, line INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL);"
	"CREATE TEMP TABLE pkg_files(check_id TEXT PRIMARY KEY, file TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL, lines INTEGER NOT NULL);";

static const char findings_sql[] =
	"SELECT f.finding_id, f.check_id, f.status, f.resource_type, f.resource_id, f.arn,"
	"  f.name, f.region, f.account, f.reason, f.evidence, f.exception_id"
	"  FROM findings f WHERE f.scan_id = ?1"
	"  ORDER BY f.check_id, f.account, f.region, f.resource_type, f.resource_id,"
	"    f.finding_id";

static json_t *
col_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? json_null()
							   : json_string(report_text(st, col));
}

/* One evidence file being written: the file's digest and its line count. */
struct check_file {
	char *check, rel[PKG_MAX_NAME + 20];
	FILE *fp;
	struct core_sha256 md;
	long long lines;
};

static attest_rc
check_file_close(struct pkg *p, struct check_file *cf, sqlite3_stmt *ins)
{
	char sha[65];
	attest_rc rc;

	rc = pkg_close(p, cf->fp, cf->rel);
	cf->fp = NULL;
	if (rc != ATTEST_OK)
		return rc;
	core_sha256_end(&cf->md, sha);
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, cf->check, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 2, cf->rel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 3, sha, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 4, cf->lines);
	return sqlite3_step(ins) == SQLITE_DONE ? ATTEST_OK : ATTEST_ERR_DB;
}

static json_t *
finding_line(sqlite3_stmt *st)
{
	return json_pack("{s:s, s:s, s:{s:o, s:o, s:o, s:o, s:o, s:o}, s:o, s:o, s:o}", "check",
			 report_text(st, 1), "status", report_text(st, 2), "resource", "type",
			 col_or_null(st, 3), "id", col_or_null(st, 4), "arn", col_or_null(st, 5),
			 "name", col_or_null(st, 6), "region", col_or_null(st, 7), "account",
			 col_or_null(st, 8), "reason", col_or_null(st, 9), "evidence",
			 report_json_col(st, 10), "exception", col_or_null(st, 11));
}

/* evidence/checks/CHECK.ndjson for every check with findings. */
static attest_rc
write_checks(struct pkg *p, struct pkg_evidence_info *info)
{
	sqlite3 *db = store_db(p->store);
	sqlite3_stmt *st, *ins_line = NULL, *ins_file = NULL;
	struct check_file cf = {0};
	struct core_sha256 one = {0};
	char enc[PKG_MAX_NAME + 1], sha[65], *line = NULL;
	attest_rc rc = ATTEST_ERR_DB;
	int src;

	if (!(st = report_query(p->store, findings_sql, p->id)))
		return ATTEST_ERR_DB;
	if (sqlite3_prepare_v2(db, "INSERT INTO temp.pkg_lines VALUES (?1, ?2, ?3)", -1, &ins_line,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO temp.pkg_files VALUES (?1, ?2, ?3, ?4)", -1,
			       &ins_file, NULL) != SQLITE_OK)
		goto out;
	if (!core_sha256_init(&cf.md) || !core_sha256_init(&one)) {
		rc = core_nomem(p->ctx);
		goto out;
	}
	if ((rc = pkg_make_dir(p, "evidence/checks")) != ATTEST_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *f;

		if (cf.fp && strcmp(cf.check, report_text(st, 1)) != 0 &&
		    (rc = check_file_close(p, &cf, ins_file)) != ATTEST_OK)
			goto out;
		if (!cf.fp) {
			free(cf.check);
			if (!(cf.check = core_strdup(report_text(st, 1)))) {
				rc = core_nomem(p->ctx);
				goto out;
			}
			pkg_name(cf.check, ".ndjson", PKG_MAX_NAME, enc);
			snprintf(cf.rel, sizeof(cf.rel), "evidence/checks/%s", enc);
			if ((rc = pkg_open(p, cf.rel, &cf.fp)) != ATTEST_OK)
				goto out;
			cf.lines = 0;
			info->checks++;
		}
		f = finding_line(st);
		line = f ? json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER | REPORT_JSON_REALS)
			 : NULL;
		json_decref(f);
		if (!line || fprintf(cf.fp, "%s\n", line) < 0) {
			rc = line ? core_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s",
					       cf.rel, strerror(errno))
				  : core_nomem(p->ctx);
			goto out;
		}
		core_sha256_add(&cf.md, line, strlen(line));
		core_sha256_add(&cf.md, "\n", 1);
		/* the line's digest includes its newline, as sed -n Np prints it */
		core_sha256_add(&one, line, strlen(line));
		core_sha256_add(&one, "\n", 1);
		core_sha256_end(&one, sha);
		free(line);
		line = NULL;
		cf.lines++;
		info->findings++;
		sqlite3_reset(ins_line);
		sqlite3_bind_int64(ins_line, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_int64(ins_line, 2, cf.lines);
		sqlite3_bind_text(ins_line, 3, sha, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins_line) != SQLITE_DONE) {
			rc = ATTEST_ERR_DB;
			goto out;
		}
	}
	if (src != SQLITE_DONE) {
		rc = ATTEST_ERR_DB;
		goto out;
	}
	rc = cf.fp ? check_file_close(p, &cf, ins_file) : ATTEST_OK;
out:
	if (rc == ATTEST_ERR_DB)
		report_db_error(p->store, "cannot read the scan's findings");
	if (cf.fp)
		fclose(cf.fp);
	free(line);
	free(cf.check);
	core_sha256_release(&cf.md);
	core_sha256_release(&one);
	sqlite3_finalize(st);
	sqlite3_finalize(ins_line);
	sqlite3_finalize(ins_file);
	return rc;
}

static const char controls_sql[] =
	"SELECT c.framework, c.control_id, c.title, c.section, c.level, c.assessment, c.status,"
	"  c.description, f.title, f.version"
	"  FROM scan_controls c LEFT JOIN scan_frameworks f"
	"    ON f.scan_id = c.scan_id AND f.framework = c.framework"
	"  WHERE c.scan_id = ?1 ORDER BY f.seq, c.framework, c.seq, c.control_id";
static const char checks_sql[] =
	"SELECT m.check_id, k.title, k.severity, k.status, k.reason, k.n_pass, k.n_fail,"
	"  k.n_error, k.n_not_applicable, k.n_excepted, e.file, e.sha256, e.lines"
	"  FROM scan_control_checks m LEFT JOIN scan_checks k"
	"    ON k.scan_id = m.scan_id AND k.check_id = m.check_id"
	"  LEFT JOIN temp.pkg_files e ON e.check_id = m.check_id"
	"  WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3 ORDER BY m.check_id";
static const char attest_sql[] =
	"SELECT attested_by, attested_on, statement, evidence, evidence_href, expires, active"
	"  FROM scan_attestations WHERE scan_id = ?1 AND framework = ?2 AND control_id = ?3";

static void
bind3(sqlite3_stmt *st, const char *id, const char *fw, const char *ctl)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, ctl, -1, SQLITE_TRANSIENT);
}

static json_t *
control_json(struct pkg *p, sqlite3_stmt *ctl, sqlite3_stmt *chk, sqlite3_stmt *att)
{
	const char *fw = report_text(ctl, 0), *cid = report_text(ctl, 1);
	json_t *checks = json_array(), *a = json_null(), *ev;

	bind3(chk, p->id, fw, cid);
	while (checks && sqlite3_step(chk) == SQLITE_ROW) {
		ev = sqlite3_column_type(chk, 10) == SQLITE_NULL
			     ? json_null()
			     : json_pack("{s:s, s:s, s:I}", "file", report_text(chk, 10), "sha256",
					 report_text(chk, 11), "findings",
					 (json_int_t)sqlite3_column_int64(chk, 12));
		json_array_append_new(
			checks,
			json_pack("{s:s, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o}",
				  "id", report_text(chk, 0), "title", col_or_null(chk, 1),
				  "severity", col_or_null(chk, 2), "status", col_or_null(chk, 3),
				  "reason", col_or_null(chk, 4), "counts", "pass",
				  (json_int_t)sqlite3_column_int64(chk, 5), "fail",
				  (json_int_t)sqlite3_column_int64(chk, 6), "error",
				  (json_int_t)sqlite3_column_int64(chk, 7), "not_applicable",
				  (json_int_t)sqlite3_column_int64(chk, 8), "excepted",
				  (json_int_t)sqlite3_column_int64(chk, 9), "evidence", ev));
	}
	bind3(att, p->id, fw, cid);
	if (sqlite3_step(att) == SQLITE_ROW)
		a = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:b}", "attested_by",
			      report_text(att, 0), "attested_on", report_text(att, 1), "statement",
			      report_text(att, 2), "evidence", col_or_null(att, 3), "evidence_href",
			      col_or_null(att, 4), "expires", report_text(att, 5), "active",
			      sqlite3_column_int(att, 6));
	return json_pack("{s:s, s:{s:s, s:o, s:o}, s:{s:s, s:o, s:o, s:o, s:o, s:o, s:o}, s:o, "
			 "s:o}",
			 "scan", p->id, "framework", "id", fw, "title", col_or_null(ctl, 8),
			 "version", col_or_null(ctl, 9), "control", "id", cid, "title",
			 col_or_null(ctl, 2), "section", col_or_null(ctl, 3), "level",
			 col_or_null(ctl, 4), "assessment", col_or_null(ctl, 5), "status",
			 col_or_null(ctl, 6), "description", col_or_null(ctl, 7), "attestation", a,
			 "checks", checks);
}

/* evidence/controls/FRAMEWORK/CONTROL.json */
static attest_rc
write_controls(struct pkg *p, struct pkg_evidence_info *info)
{
	sqlite3 *db = store_db(p->store);
	sqlite3_stmt *ctl, *chk = NULL, *att = NULL;
	char fwdir[PKG_MAX_NAME + 20], rel[2 * PKG_MAX_NAME + 20], enc[PKG_MAX_NAME + 1];
	json_t *c;
	FILE *fp;
	attest_rc rc = ATTEST_ERR_DB;

	if (!(ctl = report_query(p->store, controls_sql, p->id)))
		return ATTEST_ERR_DB;
	if (sqlite3_prepare_v2(db, checks_sql, -1, &chk, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, attest_sql, -1, &att, NULL) != SQLITE_OK)
		goto out;
	if ((rc = pkg_make_dir(p, "evidence/controls")) != ATTEST_OK)
		goto out;
	while (sqlite3_step(ctl) == SQLITE_ROW) {
		pkg_name(report_text(ctl, 0), "", PKG_MAX_NAME, enc);
		snprintf(fwdir, sizeof(fwdir), "evidence/controls/%s", enc);
		if ((rc = pkg_make_dir(p, fwdir)) != ATTEST_OK)
			goto out;
		pkg_name(report_text(ctl, 1), ".json", PKG_MAX_NAME, enc);
		snprintf(rel, sizeof(rel), "%s/%s", fwdir, enc);
		if (!(c = control_json(p, ctl, chk, att))) {
			rc = core_nomem(p->ctx);
			goto out;
		}
		if ((rc = pkg_open(p, rel, &fp)) == ATTEST_OK) {
			json_dumpf(c, fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER | REPORT_JSON_REALS);
			fputc('\n', fp);
			rc = pkg_close(p, fp, rel);
		}
		json_decref(c);
		if (rc != ATTEST_OK)
			goto out;
		info->controls++;
	}
	rc = ATTEST_OK;
out:
	if (rc == ATTEST_ERR_DB)
		report_db_error(p->store, "cannot read the scan's controls");
	sqlite3_finalize(ctl);
	sqlite3_finalize(chk);
	sqlite3_finalize(att);
	return rc;
}

/* index.csv: the last three columns (digest, file, line) never hold a comma,
 * so that a shell recipe can read them from the end of each row. */
static attest_rc
write_index(struct pkg *p, struct pkg_evidence_info *info)
{
	static const char sql[] =
		"SELECT c.framework, c.control_id, m.check_id, f.resource_type, f.resource_id,"
		"  f.account, f.region, f.status, f.exception_id, l.sha256, e.file, l.line"
		"  FROM scan_controls c LEFT JOIN scan_frameworks fw"
		"    ON fw.scan_id = c.scan_id AND fw.framework = c.framework"
		"  JOIN scan_control_checks m ON m.scan_id = c.scan_id"
		"    AND m.framework = c.framework AND m.control_id = c.control_id"
		"  JOIN findings f ON f.scan_id = m.scan_id AND f.check_id = m.check_id"
		"  JOIN temp.pkg_lines l ON l.finding_id = f.finding_id"
		"  JOIN temp.pkg_files e ON e.check_id = f.check_id"
		"  WHERE c.scan_id = ?1"
		"  ORDER BY fw.seq, c.framework, c.seq, c.control_id, m.check_id, l.line";
	sqlite3_stmt *st = report_query(p->store, sql, p->id);
	FILE *fp = NULL;
	bool example_fail = false;
	int i, src;
	attest_rc rc;

	if (!st)
		return ATTEST_ERR_DB;
	if ((rc = pkg_open(p, PKG_INDEX, &fp)) != ATTEST_OK)
		goto out;
	fputs("framework,control,check,resource_type,resource,account,region,status,exception,"
	      "digest,file,line\n",
	      fp);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 11; i++)
			pkg_csv(fp, report_text(st, i), ",");
		fprintf(fp, "%lld\n", (long long)sqlite3_column_int64(st, 11));
		if (!info->example_file[0] ||
		    (!example_fail && strcmp(report_text(st, 7), "fail") == 0)) {
			/* the README's worked example: the first failing finding */
			example_fail = strcmp(report_text(st, 7), "fail") == 0;
			snprintf(info->example_file, sizeof(info->example_file), "%s",
				 report_text(st, 10));
			info->example_line = sqlite3_column_int64(st, 11);
			snprintf(info->example_sha256, sizeof(info->example_sha256), "%s",
				 report_text(st, 9));
		}
		info->rows++;
	}
	rc = pkg_close_query(p, &fp, PKG_INDEX, src, "cannot read the scan's findings");
out:
	if (fp)
		fclose(fp);
	sqlite3_finalize(st);
	return rc;
}

/* "key=value; ..." of an exception's match object, nulls left out. */
static void
match_text(const char *json, char *out, size_t size)
{
	json_t *m = json_loads(json, 0, NULL), *v;
	const char *k;
	size_t o = 0;

	out[0] = '\0';
	if (!json_is_object(m)) {
		snprintf(out, size, "%s", json);
		json_decref(m);
		return;
	}
	json_object_foreach(m, k, v)
	{
		if (json_is_null(v) || o >= size)
			continue;
		o += (size_t)snprintf(out + o, size - o, "%s%s=%s", o ? "; " : "", k,
				      json_is_string(v) ? json_string_value(v) : "?");
	}
	json_decref(m);
}

/* The scan and as_of columns of a period package's register rows. */
static void
scan_columns(FILE *fp, const char *scan_id, const char *as_of)
{
	if (as_of) {
		pkg_csv(fp, scan_id, ",");
		pkg_csv(fp, as_of, ",");
	}
}

/* The last column of a period package's register row: whether the entry
 * was in force on the day of the configuration judged (as_of), whatever the
 * day the scan ran: granted on or before that day (when the date is known)
 * and expiring on or after it, as the engine judges expiry. */
static void
as_of_column(FILE *fp, const char *as_of, const char *granted, const char *expires)
{
	if (!as_of)
		return;
	fputs((!*granted || strncmp(granted, as_of, 10) <= 0) && strncmp(expires, as_of, 10) >= 0
		      ? ",yes"
		      : ",no",
	      fp);
}

attest_rc
pkg_exception_rows(struct pkg *p, const char *scan_id, const char *as_of, FILE *fp, size_t *n,
		   size_t *lapsed)
{
	sqlite3_stmt *st = report_query(
		p->store,
		"SELECT exception_id, check_id, match, justification, approver, approved, expires,"
		"  active, matched, source FROM scan_exceptions WHERE scan_id = ?1"
		"  ORDER BY exception_id",
		scan_id);
	char match[1024], state[64];
	int i, src;

	if (!st)
		return ATTEST_ERR_DB;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		bool active = sqlite3_column_int(st, 7) != 0;

		scan_columns(fp, scan_id, as_of);
		match_text(report_text(st, 2), match, sizeof(match));
		for (i = 0; i < 7; i++)
			pkg_csv(fp, i == 2 ? match : report_text(st, i), ",");
		snprintf(state, sizeof(state), active ? "in force" : "lapsed on %s",
			 report_text(st, 6));
		pkg_csv(fp, state, ",");
		pkg_csv(fp, active ? "no" : "yes", ",");
		fprintf(fp, "%lld,", (long long)sqlite3_column_int64(st, 8));
		pkg_csv(fp, report_text(st, 9), "");
		as_of_column(fp, as_of, report_text(st, 5), report_text(st, 6));
		fputc('\n', fp);
		(*n)++;
		*lapsed += !active;
	}
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? ATTEST_OK
				  : report_db_error(p->store, "cannot read the scan's exceptions");
}

attest_rc
pkg_attestation_rows(struct pkg *p, const char *scan_id, const char *as_of, FILE *fp, size_t *n,
		     size_t *lapsed)
{
	sqlite3_stmt *st = report_query(
		p->store,
		"SELECT a.framework, a.control_id, a.attested_by, a.attested_on, a.expires, a.active,"
		"  a.statement, a.evidence, a.evidence_href, a.source"
		"  FROM scan_attestations a LEFT JOIN scan_controls c ON c.scan_id = a.scan_id"
		"    AND c.framework = a.framework AND c.control_id = a.control_id"
		"  LEFT JOIN scan_frameworks f ON f.scan_id = a.scan_id AND f.framework = a.framework"
		"  WHERE a.scan_id = ?1 ORDER BY f.seq, a.framework, c.seq, a.control_id",
		scan_id);
	char state[64];
	int i, src;

	if (!st)
		return ATTEST_ERR_DB;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		bool active = sqlite3_column_int(st, 5) != 0;

		scan_columns(fp, scan_id, as_of);
		for (i = 0; i < 5; i++)
			pkg_csv(fp, report_text(st, i), ",");
		snprintf(state, sizeof(state), active ? "in force" : "lapsed on %s",
			 report_text(st, 4));
		pkg_csv(fp, state, ",");
		pkg_csv(fp, active ? "no" : "yes", ",");
		for (i = 6; i < 10; i++)
			pkg_csv(fp, report_text(st, i), i < 9 ? "," : "");
		as_of_column(fp, as_of, report_text(st, 3), report_text(st, 4));
		fputc('\n', fp);
		(*n)++;
		*lapsed += !active;
	}
	sqlite3_finalize(st);
	return src == SQLITE_DONE
		       ? ATTEST_OK
		       : report_db_error(p->store, "cannot read the scan's attestations");
}

static attest_rc
write_registers(struct pkg *p, struct pkg_evidence_info *info)
{
	static const char exc[] = "registers/exceptions.csv", att[] = "registers/attestations.csv";
	FILE *fp;
	attest_rc rc;

	if ((rc = pkg_make_dir(p, "registers")) != ATTEST_OK ||
	    (rc = pkg_open(p, exc, &fp)) != ATTEST_OK)
		return rc;
	fputs(PKG_EXCEPTIONS_HEADER, fp);
	rc = pkg_exception_rows(p, p->id, NULL, fp, &info->exceptions, &info->exceptions_lapsed);
	if (rc != ATTEST_OK) {
		fclose(fp);
		return rc;
	}
	if ((rc = pkg_close(p, fp, exc)) != ATTEST_OK || (rc = pkg_open(p, att, &fp)) != ATTEST_OK)
		return rc;
	fputs(PKG_ATTESTATIONS_HEADER, fp);
	rc = pkg_attestation_rows(p, p->id, NULL, fp, &info->attestations,
				  &info->attestations_lapsed);
	if (rc != ATTEST_OK) {
		fclose(fp);
		return rc;
	}
	return pkg_close(p, fp, att);
}

attest_rc
pkg_write_evidence(struct pkg *p, struct pkg_evidence_info *info)
{
	sqlite3 *db = store_db(p->store);
	attest_rc rc;

	memset(info, 0, sizeof(*info));
	if (sqlite3_exec(db, temp_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "SAVEPOINT pkg_evidence", NULL, NULL, NULL) != SQLITE_OK)
		return report_db_error(p->store, "cannot prepare the package's evidence");
	if ((rc = pkg_make_dir(p, "evidence")) == ATTEST_OK &&
	    (rc = write_checks(p, info)) == ATTEST_OK &&
	    (rc = write_controls(p, info)) == ATTEST_OK && (rc = write_index(p, info)) == ATTEST_OK)
		rc = write_registers(p, info);
	sqlite3_exec(db, "RELEASE pkg_evidence", NULL, NULL, NULL);
	sqlite3_exec(db, "DROP TABLE IF EXISTS temp.pkg_lines; DROP TABLE IF EXISTS temp.pkg_files",
		     NULL, NULL, NULL);
	return rc;
}
