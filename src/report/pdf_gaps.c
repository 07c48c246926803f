/*
 * The "Collection gaps" section of the PDF report, after the executive
 * summary: every call of the live collection that failed (the inventory's
 * collection_log), so that an auditor sees which data the assessment lacks
 * and why the checks that needed it are not evaluated. Only the first
 * GAPS_MAX calls are listed, in the order they were logged; the rest are
 * counted. A scan without gaps has no such section.
 */
#include "config.h"

#include "pdf_int.h"

#include <string.h>

#define GAPS_MAX 60 /* failed calls listed */

/* The withheld types of a gap row (a JSON array) as "A, B", or "none". */
static const char *
withheld(sqlite3_stmt *st, char *buf, size_t size)
{
	json_t *types = report_json_col(st, 7), *v;
	size_t i, len = 0;

	buf[0] = '\0';
	json_array_foreach(types, i, v)
	{
		if (!json_is_string(v) || len >= size)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
					json_string_value(v));
	}
	json_decref(types);
	return buf[0] ? buf : "none";
}

attest_rc
pdf_gaps(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	struct pdf_style note = pdf_style(p, p->regular, 8.5f, &p->t->muted);
	struct pdf_table t = {
		.n = 6,
		.heads = {"Account", "Region", "Call", "Error", "Message", "Withheld types"},
		.size = 7.5f};
	const struct pdf_rgb *colors[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
	long long n = report_gap_count(s->store, s->id, false), shown = 0;
	long long acc = report_gap_count(s->store, s->id, true);
	sqlite3_stmt *st;
	char text[512], call[200], types[512];

	if (n <= 0 || acc < 0)
		return n < 0 || acc < 0 ? ATTEST_ERR_DB : ATTEST_OK;
	pdf_heading(p, 0, "Collection gaps", NULL);
	if (n > acc) {
		snprintf(
			text, sizeof(text),
			"%lld call%s of the collection failed. The configuration those calls would "
			"have read is missing from the inventory: the resource types they fed were "
			"not collected, and every check that needs one of them is not evaluated "
			"(never passed) with the failed call as its reason. Grant the audit role the "
			"missing permissions, or enable the regions, and scan again to close the gaps.",
			n - acc, n - acc == 1 ? "" : "s");
		pdf_paragraph(p, &body, 0, text);
	}
	if (acc > 0) {
		if (n > acc)
			pdf_space(p, 4);
		pdf_paragraph(p, &body, 0, report_gap_accounts_text(acc, text, sizeof(text)));
	}
	pdf_space(p, 8);
	if (!(st = report_query(s->store, REPORT_GAPS_SQL " LIMIT ?2", s->id)))
		return ATTEST_ERR_DB;
	sqlite3_bind_int(st, 2, GAPS_MAX);
	pdf_table_begin(p, &t);
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		const char *cells[6];

		snprintf(call, sizeof(call), "%s %s", report_text(st, 3), report_text(st, 4));
		cells[0] = *report_text(st, 1) ? report_text(st, 1) : "not known";
		cells[1] = report_text(st, 2);
		cells[2] = call;
		cells[3] = report_text(st, 5);
		cells[4] = report_text(st, 6);
		cells[5] = withheld(st, types, sizeof(types));
		colors[3] = &p->t->fail;
		pdf_table_row(p, &t, cells, colors, 2);
		shown++;
	}
	pdf_table_end(p, &t);
	sqlite3_finalize(st);
	if (n > shown) {
		snprintf(text, sizeof(text),
			 "\u2026 and %lld more failed calls (the JSON and XML reports and "
			 "'attest show --json' list them all).",
			 n - shown);
		pdf_paragraph(p, &note, 0, text);
	}
	return ATTEST_OK;
}
