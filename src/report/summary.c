/*
 * The terminal summary: per framework its score, coverage and control
 * counts, how the score moved since the previous scan of the same scope,
 * and the worst failing controls, most severe first; before them, the calls
 * of the collection that failed, if any. Colour is the caller's
 * decision (a terminal, and NO_COLOR unset).
 */
#include "config.h"

#include "report_int.h"

#include <string.h>

#define WORST_CONTROLS 5
#define SUMMARY_GAPS 5 /* failed collection calls listed */

struct style {
	const char *bold, *red, *green, *yellow, *dim, *reset;
};

static const struct style plain = {"", "", "", "", "", ""};
static const struct style ansi = {"\033[1m",  "\033[31m", "\033[32m",
				  "\033[33m", "\033[2m",  "\033[0m"};

/* The previous scan of the same scope that evaluated framework f, on the
 * inventory's timeline (as_of, then start time, then the order stored). */
#define PREVIOUS_SCAN                                                                              \
	"(SELECT ps.scan_id FROM scan_frameworks p JOIN scans ps ON ps.scan_id = p.scan_id"        \
	"  WHERE p.framework = f.framework AND ps.scope = s.scope"                                 \
	"  AND (ps.as_of, ps.started_at, ps.rowid) < (s.as_of, s.started_at, s.rowid)"             \
	"  ORDER BY ps.as_of DESC, ps.started_at DESC, ps.rowid DESC LIMIT 1)"

static const char fw_sql[] =
	"SELECT f.framework, f.title, f.version, f.score, f.coverage, f.n_total, f.n_pass,"
	" f.n_fail, f.n_manual, f.n_not_evaluated, f.n_not_applicable, f.n_error,"
	" f.n_excepted, f.n_attested, sc.controls_passing, sc.controls_scored, sc.posture,"
	" prev.scan_id, prev.score, prev.posture"
	" FROM scan_frameworks f JOIN scans s ON s.scan_id = f.scan_id"
	" JOIN scan_framework_scores sc ON sc.scan_id = f.scan_id AND sc.framework = f.framework"
	" LEFT JOIN scan_framework_scores prev ON prev.scan_id = " PREVIOUS_SCAN
	"  AND prev.framework = f.framework"
	" WHERE f.scan_id = ?1 ORDER BY f.seq";

static const char worst_sql[] =
	"SELECT c.control_id, c.title,"
	" min(CASE k.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2"
	"   WHEN 'low' THEN 3 ELSE 4 END) AS rank,"
	" sum(k.n_fail)"
	" FROM scan_controls c"
	" JOIN scan_control_checks m ON m.scan_id = c.scan_id AND m.framework = c.framework"
	"   AND m.control_id = c.control_id"
	" JOIN scan_checks k ON k.scan_id = c.scan_id AND k.check_id = m.check_id"
	"   AND k.status = 'fail'"
	" WHERE c.scan_id = ?1 AND c.framework = ?2 AND c.status = 'fail'"
	" GROUP BY c.control_id ORDER BY rank, sum(k.n_fail) DESC, c.seq LIMIT ?3";

/* Text from the inventory or a catalog, escaped for the terminal
 * (attest_term_escape) into one of a few rotating buffers, so that one
 * fprintf can take several; a cut ends in an ellipsis. */
#define SAFE_SLOTS 6
struct safe {
	char buf[SAFE_SLOTS][512];
	int next;
};

static const char *
safe(struct safe *sf, const char *text)
{
	char *b = sf->buf[sf->next++ % SAFE_SLOTS];

	if (attest_term_escape(text, b, sizeof(sf->buf[0]) - 4) >= sizeof(sf->buf[0]) - 4)
		strcat(b, "\u2026");
	return b;
}

static const char *const severity_names[] = {"critical", "high", "medium", "low", "info"};

static void
bar(FILE *out, const struct style *s, double score, bool has)
{
	int i, full = has ? (int)(score / 5.0 + 0.5) : 0;

	fputs(has ? (score >= 80 ? s->green : score >= 50 ? s->yellow : s->red) : s->dim, out);
	for (i = 0; i < 20; i++)
		fputs(i < full ? "\u2588" : "\u2591", out);
	fputs(s->reset, out);
}

static attest_rc
worst_controls(attest_store *store, const char *id, const char *fw, FILE *out,
	       const struct style *s)
{
	sqlite3_stmt *st = report_query(store, worst_sql, id);
	struct safe sf = {0};
	int rank;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, WORST_CONTROLS);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rank = sqlite3_column_int(st, 2);
		if (rank < 0 || rank > 4)
			rank = 4;
		fprintf(out, "    %s%-9s%s %-8s %s (%d failing)\n", rank <= 1 ? s->red : s->yellow,
			severity_names[rank], s->reset, safe(&sf, report_text(st, 0)),
			safe(&sf, report_text(st, 1)), sqlite3_column_int(st, 3));
	}
	sqlite3_finalize(st);
	return ATTEST_OK;
}

/* Writes the scan's header; ATTEST_ERR_NOTFOUND when there is no such scan. */
static attest_rc
header(attest_store *store, const char *id, FILE *out, const struct style *s)
{
	attest_rc rc = ATTEST_ERR_DB;
	struct safe sf = {0};

	sqlite3_stmt *st =
		report_query(store,
			     "SELECT scan_id, as_of, resource_count,"
			     " (SELECT group_concat(value, ', ') FROM json_each(accounts)),"
			     " (SELECT group_concat(value, ', ') FROM json_each(regions)),"
			     " (SELECT group_concat(json_extract(value, '$.path'), ', ')"
			     "   FROM json_each(sources)) FROM scans WHERE scan_id = ?1",
			     id);

	if (!st)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		fprintf(out, "%sattest scan %s%s\n", s->bold, safe(&sf, report_text(st, 0)),
			s->reset);
		fprintf(out, "  inventory  %s (%lld resources, as of %s)\n",
			safe(&sf, report_text(st, 5)), (long long)sqlite3_column_int64(st, 2),
			safe(&sf, report_text(st, 1)));
		fprintf(out, "  accounts   %s\n  regions    %s\n\n", safe(&sf, report_text(st, 3)),
			safe(&sf, report_text(st, 4)));
		rc = ATTEST_OK;
	} else {
		rc = core_error(store_ctx(store), ATTEST_ERR_NOTFOUND, "no scan '%s'", id);
	}
	sqlite3_finalize(st);
	return rc;
}

/* One line when collection calls failed, then the first few of them. */
static attest_rc
gaps(attest_store *store, const char *id, FILE *out, const struct style *s)
{
	long long n = report_gap_count(store, id, false), shown = 0;
	long long acc = report_gap_count(store, id, true);
	sqlite3_stmt *st;
	char call[256], text[256];
	struct safe sf = {0};

	if (n <= 0 || acc < 0)
		return n < 0 || acc < 0 ? ATTEST_ERR_DB : ATTEST_OK;
	if (n > acc)
		fprintf(out,
			"%s%lld collection gap%s (calls that failed): the checks that needed them "
			"are not evaluated%s\n",
			s->yellow, n - acc, n - acc == 1 ? "" : "s", s->reset);
	if (acc > 0)
		fprintf(out, "%s%s%s\n", s->yellow,
			report_gap_accounts_text(acc, text, sizeof(text)), s->reset);
	if (!(st = report_query(store, REPORT_GAPS_SQL " LIMIT ?2", id)))
		return ATTEST_ERR_DB;
	sqlite3_bind_int(st, 2, SUMMARY_GAPS);
	while (sqlite3_step(st) == SQLITE_ROW) {
		shown++;
		fprintf(out, "  %s: %s\n", safe(&sf, report_gap_call(st, call, sizeof(call))),
			safe(&sf, report_text(st, 5)));
	}
	sqlite3_finalize(st);
	if (n > shown)
		fprintf(out, "  %s\u2026 and %lld more (attest show --json lists them all)%s\n",
			s->dim, n - shown, s->reset);
	fputc('\n', out);
	return ATTEST_OK;
}

/* "EX-1 (expired 2025-11-01), EX-2 (...)" of the lapsed rows of sql, into b. */
static attest_rc
lapsed_list(attest_store *store, const char *id, const char *sql, struct core_buf *b, long long *n)
{
	sqlite3_stmt *st = report_query(store, sql, id);
	int src;

	*n = 0;
	if (!st)
		return ATTEST_ERR_DB;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		if (core_buf_printf(b, "%s%s (expired %s)", (*n)++ ? ", " : "", report_text(st, 0),
				    report_text(st, 1)) != ATTEST_OK) {
			sqlite3_finalize(st);
			return core_nomem(store_ctx(store));
		}
	sqlite3_finalize(st);
	return src == SQLITE_DONE ? ATTEST_OK : report_db_error(store, "cannot read the scan");
}

/* The human decisions the scan applied: findings excepted and exceptions
 * lapsed, controls attested and attestations lapsed; nothing without any. */
static attest_rc
policy(attest_store *store, const char *id, FILE *out, const struct style *s)
{
	sqlite3_stmt *st = report_query(
		store,
		"SELECT (SELECT count(*) FROM scan_exceptions WHERE scan_id = ?1),"
		" (SELECT count(*) FROM findings WHERE scan_id = ?1 AND status = 'excepted'),"
		" (SELECT count(*) FROM scan_exceptions WHERE scan_id = ?1 AND active),"
		" (SELECT count(*) FROM scan_attestations WHERE scan_id = ?1),"
		" (SELECT count(*) FROM scan_attestations WHERE scan_id = ?1 AND active)",
		id);
	struct core_buf b;
	long long n_exc, excepted, in_force, n_att, attested, lapsed;
	attest_rc rc;

	if (!st)
		return ATTEST_ERR_DB;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return report_db_error(store, "cannot read the scan");
	}
	n_exc = sqlite3_column_int64(st, 0);
	excepted = sqlite3_column_int64(st, 1);
	in_force = sqlite3_column_int64(st, 2);
	n_att = sqlite3_column_int64(st, 3);
	attested = sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	core_buf_init(&b, 1u << 20);
	if (n_exc > 0) {
		rc = lapsed_list(store, id,
				 "SELECT exception_id, expires FROM scan_exceptions"
				 " WHERE scan_id = ?1 AND NOT active ORDER BY exception_id",
				 &b, &lapsed);
		if (rc != ATTEST_OK)
			goto out;
		fprintf(out, "  exceptions    %lld finding%s excepted (%lld exception%s in force)",
			excepted, excepted == 1 ? "" : "s", in_force, in_force == 1 ? "" : "s");
		if (lapsed) {
			/* ids from the exceptions file, escaped for the terminal */
			fprintf(out, "; %s%lld exception%s lapsed: ", s->yellow, lapsed,
				lapsed == 1 ? "" : "s");
			attest_term_fputs(b.data, out);
			fputs(s->reset, out);
		}
		fputc('\n', out);
	}
	if (n_att > 0) {
		core_buf_reset(&b);
		rc = lapsed_list(
			store, id,
			"SELECT framework || ' ' || control_id, expires FROM scan_attestations"
			" WHERE scan_id = ?1 AND NOT active ORDER BY framework, control_id",
			&b, &lapsed);
		if (rc != ATTEST_OK)
			goto out;
		fprintf(out, "  attestations  %lld control%s attested", attested,
			attested == 1 ? "" : "s");
		if (lapsed) {
			fprintf(out, "; %s%lld attestation%s lapsed: ", s->yellow, lapsed,
				lapsed == 1 ? "" : "s");
			attest_term_fputs(b.data, out);
			fputs(s->reset, out);
		}
		fputc('\n', out);
	}
	if (n_exc > 0 || n_att > 0)
		fputc('\n', out);
	rc = ATTEST_OK;
out:
	core_buf_release(&b);
	return rc;
}

/* "+1.2" or "n/a" for the change of a figure that may be unscored. */
static const char *
delta(sqlite3_stmt *st, int now, int before, char *buf, size_t size)
{
	if (sqlite3_column_type(st, now) == SQLITE_NULL ||
	    sqlite3_column_type(st, before) == SQLITE_NULL)
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%+.1f",
			 sqlite3_column_double(st, now) - sqlite3_column_double(st, before));
	return buf;
}

/* How the figures moved since the previous scan of the scope, with the
 * findings that moved them. */
static attest_rc
since_previous(attest_store *store, const char *id, sqlite3_stmt *st, FILE *out,
	       const struct style *s)
{
	long long newly = 0, fixed = 0;
	char d1[16], d2[16];
	struct safe sf = {0};
	attest_rc rc;

	if (sqlite3_column_type(st, 17) == SQLITE_NULL) {
		fputs("  (first scan of this scope)\n", out);
		return ATTEST_OK;
	}
	rc = store_change_counts(store, report_text(st, 17), id, report_text(st, 0), &newly,
				 &fixed);
	if (rc != ATTEST_OK)
		return rc;
	fprintf(out,
		"  since %s: posture %s, fully passing %s; %s%lld newly failing%s, %s%lld fixed%s\n",
		safe(&sf, report_text(st, 17)), delta(st, 16, 19, d1, sizeof(d1)),
		delta(st, 3, 18, d2, sizeof(d2)), newly ? s->red : "", newly, newly ? s->reset : "",
		fixed ? s->green : "", fixed, fixed ? s->reset : "");
	return ATTEST_OK;
}

attest_rc
attest_report_summary(attest_store *store, const char *id, FILE *out, bool color)
{
	const struct style *s = color ? &ansi : &plain;
	struct safe sf = {0};
	sqlite3_stmt *st;
	attest_rc rc = ATTEST_OK;

	if ((rc = header(store, id, out, s)) != ATTEST_OK ||
	    (rc = gaps(store, id, out, s)) != ATTEST_OK ||
	    (rc = policy(store, id, out, s)) != ATTEST_OK)
		return rc;
	st = report_query(store, fw_sql, id);
	if (!st)
		return ATTEST_ERR_DB;
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW) {
		bool has_posture = sqlite3_column_type(st, 16) != SQLITE_NULL;

		/* Titles often carry the version already ("... v3.0.0"). */
		fprintf(out, "%s%s%s  %s", s->bold, safe(&sf, report_text(st, 0)), s->reset,
			safe(&sf, report_text(st, 1)));
		if (!strstr(report_text(st, 1), report_text(st, 2)))
			fprintf(out, " (version %s)", safe(&sf, report_text(st, 2)));
		fputs("\n  ", out);
		bar(out, s, sqlite3_column_double(st, 16), has_posture);
		if (has_posture)
			fprintf(out, " posture %5.1f%%", sqlite3_column_double(st, 16));
		else
			fputs(" posture   n/a ", out);
		fprintf(out, "   controls fully passing %d of %d", sqlite3_column_int(st, 14),
			sqlite3_column_int(st, 15));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			fprintf(out, " (%.1f%%)", sqlite3_column_double(st, 3));
		fprintf(out, "   coverage %.1f%% of %d controls\n", sqlite3_column_double(st, 4),
			sqlite3_column_int(st, 5));
		if ((rc = since_previous(store, id, st, out, s)) != ATTEST_OK)
			break;
		fprintf(out,
			"  %s%d pass%s  %s%d fail%s  %d excepted  %d manual  %d attested  "
			"%d not evaluated  %d not applicable  %d error  = %d controls\n",
			s->green, sqlite3_column_int(st, 6), s->reset, s->red,
			sqlite3_column_int(st, 7), s->reset, sqlite3_column_int(st, 12),
			sqlite3_column_int(st, 8), sqlite3_column_int(st, 13),
			sqlite3_column_int(st, 9), sqlite3_column_int(st, 10),
			sqlite3_column_int(st, 11), sqlite3_column_int(st, 5));
		if (sqlite3_column_int(st, 7) > 0) {
			fputs("  worst failing controls:\n", out);
			rc = worst_controls(store, id, report_text(st, 0), out, s);
		}
		fputc('\n', out);
	}
	sqlite3_finalize(st);
	if (rc == ATTEST_OK)
		fprintf(out,
			"%sposture: severity-weighted mean of each control's pass share over its "
			"(check, resource) results; controls fully passing: (pass + attested) / "
			"(pass + attested + fail) controls; excepted results and controls count "
			"in neither (doc/scoring.md)%s\n",
			s->dim, s->reset);
	return rc;
}

attest_rc
attest_report_scores(attest_store *store, const char *id,
		     void (*fn)(void *data, const char *framework, bool has_score, double score),
		     void *data)
{
	sqlite3_stmt *st = report_query(
		store,
		"SELECT framework, score FROM scan_frameworks WHERE scan_id = ?1 ORDER BY seq", id);

	if (!st)
		return ATTEST_ERR_DB;
	while (sqlite3_step(st) == SQLITE_ROW)
		fn(data, report_text(st, 0), sqlite3_column_type(st, 1) != SQLITE_NULL,
		   sqlite3_column_double(st, 1));
	sqlite3_finalize(st);
	return ATTEST_OK;
}
