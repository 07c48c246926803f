/*
 * Shared plumbing of the renderers: running a query against one stored scan
 * and reading its columns, and the scan's collection gaps, which every
 * report lists the same way.
 */
#include "config.h"

#include "report_int.h"
#include "core/db.h"

const struct report_formula report_formulas[3] = {
	{"score", REPORT_FORMULA_SCORE},
	{"posture", REPORT_FORMULA_POSTURE},
	{"coverage", REPORT_FORMULA_COVERAGE},
};

sqlite3_stmt *
report_query(attest_store *store, const char *sql, const char *scan_id)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(store_db(store), sql, -1, &st, NULL) != SQLITE_OK) {
		report_db_error(store, "cannot read the scan");
		return NULL;
	}
	sqlite3_bind_text(st, 1, scan_id, -1, SQLITE_TRANSIENT);
	return st;
}

attest_rc
report_scan_row(attest_store *store, const char *sql, const char *scan_id, sqlite3_stmt **out)
{
	int src;

	if (!(*out = report_query(store, sql, scan_id)))
		return ATTEST_ERR_DB;
	src = sqlite3_step(*out);
	if (src == SQLITE_ROW)
		return ATTEST_OK;
	if (src == SQLITE_DONE)
		return core_error(store_ctx(store), ATTEST_ERR_NOTFOUND, "no scan '%s'", scan_id);
	return report_db_error(store, "cannot read the scan");
}

const char *
report_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

json_t *
report_json_col(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	json_t *v;

	if (!t)
		return json_null();
	v = json_loads(t, JSON_DECODE_ANY, NULL);
	return v ? v : json_string(t);
}

attest_rc
report_db_error(attest_store *store, const char *what)
{
	return core_db_error(store_ctx(store), store_db(store), "%s", what);
}

long long
report_gap_count(attest_store *store, const char *scan_id, bool accounts)
{
	sqlite3_stmt *st =
		report_query(store,
			     accounts ? "SELECT count(*) FROM scan_gaps WHERE scan_id = ?1"
					"  AND service = 'sts' AND operation = 'AssumeRole'"
				      : "SELECT count(*) FROM scan_gaps WHERE scan_id = ?1",
			     scan_id);
	long long n = -1;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		report_db_error(store, "cannot read the collection gaps");
	sqlite3_finalize(st);
	return n;
}

const char *
report_gap_accounts_text(long long accounts, char *buf, size_t size)
{
	if (accounts <= 0)
		return "";
	snprintf(buf, size,
		 "%lld account%s could not be collected (the audit role could not be assumed "
		 "there): %s outside the scope of this scan, and its scores say nothing about %s.",
		 accounts, accounts == 1 ? "" : "s", accounts == 1 ? "it is" : "they are",
		 accounts == 1 ? "it" : "them");
	return buf;
}

json_t *
report_gap_json(sqlite3_stmt *st)
{
	json_t *types = report_json_col(st, 7);

	if (types && !json_is_array(types)) {
		json_decref(types);
		types = json_array();
	}
	return json_pack("{s:s?, s:s, s:s, s:s, s:s, s:s, s:o}", "account",
			 sqlite3_column_text(st, 1) ? report_text(st, 1) : NULL, "region",
			 report_text(st, 2), "service", report_text(st, 3), "operation",
			 report_text(st, 4), "error_code", report_text(st, 5), "message",
			 report_text(st, 6), "types", types);
}

const char *
report_gap_call(sqlite3_stmt *st, char *buf, size_t size)
{
	if (sqlite3_column_text(st, 1) && *report_text(st, 1))
		snprintf(buf, size, "%s %s in %s (account %s)", report_text(st, 3),
			 report_text(st, 4), report_text(st, 2), report_text(st, 1));
	else
		snprintf(buf, size, "%s %s in %s", report_text(st, 3), report_text(st, 4),
			 report_text(st, 2));
	return buf;
}

attest_rc
report_gaps_json(attest_store *store, const char *scan_id, FILE *out, const char *indent)
{
	sqlite3_stmt *st = report_query(store, REPORT_GAPS_SQL, scan_id);
	bool first = true;
	json_t *g;
	int src;

	if (!st)
		return ATTEST_ERR_DB;
	fputc('[', out);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(g = report_gap_json(st))) {
			sqlite3_finalize(st);
			return core_nomem(store_ctx(store));
		}
		fprintf(out, "%s\n%s  ", first ? "" : ",", indent);
		first = false;
		json_dumpf(g, out, JSON_COMPACT | JSON_PRESERVE_ORDER | REPORT_JSON_REALS);
		json_decref(g);
	}
	sqlite3_finalize(st);
	if (src != SQLITE_DONE)
		return report_db_error(store, "cannot read the collection gaps");
	if (first)
		fputc(']', out);
	else
		fprintf(out, "\n%s]", indent);
	return ATTEST_OK;
}

const char *
report_fold_space(struct core_buf *b, const char *s)
{
	bool space = false;

	core_buf_reset(b);
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = b->len > 0;
			continue;
		}
		if ((space && core_buf_addc(b, ' ') != ATTEST_OK) ||
		    core_buf_addc(b, *s) != ATTEST_OK)
			return NULL;
		space = false;
	}
	if (core_buf_add(b, "", 0) != ATTEST_OK)
		return NULL;
	return b->data ? b->data : "";
}
