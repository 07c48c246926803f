/*
 * What a period package says about the scans it holds, computed from the
 * history database: period/controls.csv, the status of every control in
 * each scan of the period (in as_of order) with its longest failing streak,
 * and period/time-to-fix.csv, one row per failing finding fixed in the
 * period: a finding (check, account, region, resource type, resource id)
 * that failed in one scan and, in a later scan, passed ("fixed") or was no
 * longer there while its check was evaluated ("removed"). A finding that
 * turns excepted, errors or is not evaluated stays open: that is not a fix.
 * Its failure began at the first scan of the run of failing scans; when
 * that is the period's first scan it may have begun earlier, and the row
 * says so.
 */
#include "config.h"

#include "package_int.h"

#include <stdlib.h>
#include <string.h>

static const char controls_sql[] =
	"WITH k AS (SELECT c.framework, c.control_id, min(c.seq) AS seq, max(c.title) AS title"
	"    FROM scan_controls c JOIN temp.pkg_period ps ON ps.scan_id = c.scan_id"
	"    GROUP BY c.framework, c.control_id)"
	" SELECT k.framework, k.control_id, k.title, ps.n, c.status"
	"  FROM k JOIN scan_controls c ON c.framework = k.framework"
	"    AND c.control_id = k.control_id"
	"  JOIN temp.pkg_period ps ON ps.scan_id = c.scan_id"
	"  ORDER BY k.framework, k.seq, k.control_id, ps.n";

/* One control's row: statuses per scan, then the streak columns. */
static void
control_row(FILE *fp, const char *fw, const char *ctl, const char *title, char **status,
	    const struct pkg_period_scan *s, size_t n)
{
	size_t i, run = 0, best = 0, best_end = 0, failing = 0;

	pkg_csv(fp, fw, ",");
	pkg_csv(fp, ctl, ",");
	pkg_csv(fp, title, ",");
	for (i = 0; i < n; i++) {
		pkg_csv(fp, status[i] ? status[i] : "", ",");
		if (status[i] && strcmp(status[i], "fail") == 0) {
			failing++;
			if (++run > best) {
				best = run;
				best_end = i;
			}
		} else {
			run = 0;
		}
	}
	fprintf(fp, "%zu,%zu,", failing, best);
	if (best)
		fprintf(fp, "%s,%s\n", s[best_end + 1 - best].as_of, s[best_end].as_of);
	else
		fputs(",\n", fp);
}

static attest_rc
write_controls(struct pkg *p, const struct pkg_period_scan *s, size_t n, size_t *controls)
{
	static const char rel[] = "period/controls.csv";
	sqlite3_stmt *st = report_query(p->store, controls_sql, NULL);
	char **status = calloc(n ? n : 1, sizeof(*status));
	char fw[256] = "", ctl[256] = "", *title = NULL;
	FILE *fp = NULL;
	size_t i, k;
	bool open = false;
	int src;
	attest_rc rc = ATTEST_ERR_DB;

	if (!st || !status) {
		rc = st ? core_nomem(p->ctx) : ATTEST_ERR_DB;
		goto out;
	}
	if ((rc = pkg_open(p, rel, &fp)) != ATTEST_OK)
		goto out;
	fputs("framework,control,title,", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s %s,", s[i].as_of, s[i].id);
	fputs("failing_scans,longest_failing_streak,streak_from,streak_to\n", fp);
	for (;;) {
		src = sqlite3_step(st);
		if (open && (src != SQLITE_ROW || strcmp(fw, report_text(st, 0)) != 0 ||
			     strcmp(ctl, report_text(st, 1)) != 0)) {
			control_row(fp, fw, ctl, title ? title : "", status, s, n);
			(*controls)++;
			for (i = 0; i < n; i++) {
				free(status[i]);
				status[i] = NULL;
			}
			free(title);
			title = NULL;
			open = false;
		}
		if (src != SQLITE_ROW)
			break;
		if (!open) {
			snprintf(fw, sizeof(fw), "%s", report_text(st, 0));
			snprintf(ctl, sizeof(ctl), "%s", report_text(st, 1));
			title = core_strdup(report_text(st, 2));
			open = true;
		}
		k = (size_t)sqlite3_column_int64(st, 3);
		if (k < n && !status[k] && !(status[k] = core_strdup(report_text(st, 4)))) {
			rc = core_nomem(p->ctx);
			goto out;
		}
	}
	rc = pkg_close_query(p, &fp, rel, src, "cannot read the period's controls");
out:
	if (fp)
		fclose(fp);
	for (i = 0; status && i < n; i++)
		free(status[i]);
	free(status);
	free(title);
	sqlite3_finalize(st);
	return rc;
}

static const char findings_sql[] =
	"SELECT f.check_id, f.account, f.region, f.resource_type, f.resource_id, ps.n,"
	"  max(f.status = 'fail'), max(f.status = 'pass')"
	"  FROM findings f JOIN temp.pkg_period ps ON ps.scan_id = f.scan_id"
	"  GROUP BY f.check_id, f.account, f.region, f.resource_type, f.resource_id, ps.n"
	"  ORDER BY f.check_id, f.account, f.region, f.resource_type, f.resource_id, ps.n";

/* A finding's key: columns 0-4 of findings_sql, NULLs as "". */
struct key {
	char v[5][512];
};

static bool
same_key(const struct key *k, sqlite3_stmt *st)
{
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(k->v[i], report_text(st, i)) != 0)
			return false;
	return true;
}

/* 1 fail, 2 pass, 0 anything else, -1 absent. */
struct walk {
	signed char *state;
	size_t n;
};

/* Whether check was evaluated in scan k (then a resource that is gone was
 * removed, not merely unseen). */
static bool
evaluated(sqlite3_stmt *chk, const char *scan_id, const char *check)
{
	bool yes;

	sqlite3_reset(chk);
	sqlite3_bind_text(chk, 1, scan_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(chk, 2, check, -1, SQLITE_TRANSIENT);
	yes = sqlite3_step(chk) == SQLITE_ROW;
	return yes;
}

static void
fixes(FILE *fp, const struct key *k, const struct walk *w, const struct pkg_period_scan *s,
      sqlite3_stmt *chk, size_t *fixed)
{
	size_t i, since = 0;
	bool open = false;
	const char *how;
	int c;

	for (i = 0; i < w->n; i++) {
		if (w->state[i] == 1) {
			if (!open)
				since = i;
			open = true;
			continue;
		}
		if (!open)
			continue;
		if (w->state[i] == 2)
			how = "fixed";
		else if (w->state[i] == -1 && evaluated(chk, s[i].id, k->v[0]))
			how = "removed";
		else
			continue;
		for (c = 0; c < 5; c++)
			pkg_csv(fp, k->v[c], ",");
		pkg_csv(fp, s[since].as_of, ",");
		fputs(since == 0 ? "yes," : "no,", fp);
		pkg_csv(fp, s[i].as_of, ",");
		pkg_csv(fp, s[i].id, ",");
		fprintf(fp, "%.1f,%s\n", difftime(s[i].t, s[since].t) / 86400.0, how);
		(*fixed)++;
		open = false;
	}
}

static attest_rc
write_fixes(struct pkg *p, const struct pkg_period_scan *s, size_t n, size_t *fixed)
{
	static const char rel[] = "period/time-to-fix.csv";
	sqlite3_stmt *st = report_query(p->store, findings_sql, NULL), *chk = NULL;
	struct walk w = {calloc(n ? n : 1, 1), n};
	struct key *k = calloc(1, sizeof(*k));
	FILE *fp = NULL;
	size_t i;
	bool open = false;
	int src, c;
	attest_rc rc = ATTEST_ERR_DB;

	if (!st || !w.state || !k) {
		rc = st ? core_nomem(p->ctx) : ATTEST_ERR_DB;
		goto out;
	}
	if (sqlite3_prepare_v2(store_db(p->store),
			       "SELECT 1 FROM scan_checks WHERE scan_id = ?1 AND check_id = ?2"
			       " AND status NOT IN ('not_evaluated', 'error')",
			       -1, &chk, NULL) != SQLITE_OK) {
		rc = report_db_error(p->store, "cannot read the period's checks");
		goto out;
	}
	if ((rc = pkg_open(p, rel, &fp)) != ATTEST_OK)
		goto out;
	fputs("check,account,region,resource_type,resource,failing_since,"
	      "failing_at_period_start,fixed_on,fixed_in_scan,days_to_fix,resolution\n",
	      fp);
	for (;;) {
		src = sqlite3_step(st);
		if (open && (src != SQLITE_ROW || !same_key(k, st))) {
			fixes(fp, k, &w, s, chk, fixed);
			open = false;
		}
		if (src != SQLITE_ROW)
			break;
		if (!open) {
			for (c = 0; c < 5; c++)
				snprintf(k->v[c], sizeof(k->v[c]), "%s", report_text(st, c));
			for (i = 0; i < n; i++)
				w.state[i] = -1;
			open = true;
		}
		i = (size_t)sqlite3_column_int64(st, 5);
		if (i < n)
			w.state[i] = sqlite3_column_int(st, 6)   ? 1
				     : sqlite3_column_int(st, 7) ? 2
								 : 0;
	}
	rc = pkg_close_query(p, &fp, rel, src, "cannot read the period's findings");
out:
	if (fp)
		fclose(fp);
	free(w.state);
	free(k);
	sqlite3_finalize(st);
	sqlite3_finalize(chk);
	return rc;
}

attest_rc
pkg_write_timeline(struct pkg *p, const struct pkg_period_scan *s, size_t n, size_t *controls,
		   size_t *fixed)
{
	attest_rc rc;

	*controls = *fixed = 0;
	if ((rc = write_controls(p, s, n, controls)) != ATTEST_OK)
		return rc;
	return write_fixes(p, s, n, fixed);
}
