/*
 * The posture trend of the executive summary: the posture of the last scans of
 * the same scope (the template's trend-scans, this one included), read
 * through the history queries of `attest history` and `attest trend`, drawn
 * as one line per framework.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

static const char fw_sql[] =
	"SELECT framework FROM scan_frameworks WHERE scan_id = ?1 AND " PDF_FW_IN(
		"framework") " ORDER BY seq";

/* The trend: scores of the last scans of the same scope, this one included. */
struct trend {
	size_t n_scans, n_fw;
	char (*dates)[11];
	char (*fw)[64];
	double *score; /* [fw * n_scans + scan], NAN-free: has[] says */
	bool *has;
};

static void
trend_free(struct trend *t)
{
	free(t->dates);
	free(t->fw);
	free(t->score);
	free(t->has);
}

/* The chart's scans: this one and those before it in its scope, newest first
 * as attest_store_history lists them (start time, then the order stored). */
struct trend_axis {
	struct trend *t;
	const char *id;
	char (*ids)[ATTEST_SCAN_ID_MAX];
	size_t max;
	bool seen; /* this scan was reached: the rest are older */
};

static void
axis_scan(void *data, const struct attest_scan_info *scan)
{
	struct trend_axis *a = data;
	struct trend *t = a->t;

	if (!a->seen && strcmp(scan->id, a->id) != 0)
		return; /* a later scan of the scope */
	a->seen = true;
	if (t->n_scans >= a->max)
		return;
	snprintf(a->ids[t->n_scans], ATTEST_SCAN_ID_MAX, "%s", scan->id);
	/* dated by the configuration each judged, the order of the axis */
	snprintf(t->dates[t->n_scans], 11, "%.10s", scan->as_of ? scan->as_of : "");
	t->n_scans++;
}

/* Each scan's posture and inventory date, from the view every report
 * reads (the same figure the summary shows). */
static attest_rc
load_points(const struct pdf_scan *s, struct trend_axis *a)
{
	struct trend *t = a->t;
	sqlite3_stmt *st = report_query(
		s->store,
		"SELECT (SELECT substr(as_of, 1, 10) FROM scans WHERE scan_id = ?1), (SELECT posture"
		" FROM scan_framework_scores WHERE scan_id = ?1 AND framework = ?2)",
		s->id);
	size_t i, k;

	if (!st)
		return ATTEST_ERR_DB;
	for (i = 0; i < t->n_scans; i++)
		for (k = 0; k < t->n_fw; k++) {
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, a->ids[i], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, t->fw[k], -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW)
				continue;
			snprintf(t->dates[i], 11, "%s", report_text(st, 0));
			t->has[k * t->n_scans + i] = sqlite3_column_type(st, 1) != SQLITE_NULL;
			t->score[k * t->n_scans + i] = sqlite3_column_double(st, 1);
		}
	sqlite3_finalize(st);
	return ATTEST_OK;
}

/* Reads the chart through the history queries of `attest history` and
 * `attest trend`, so "the same scope" and the order of scans started in the
 * same second are theirs. */
static attest_rc
trend_load(struct pdf *p, const struct pdf_scan *s, struct trend *t)
{
	struct attest_history_filter f = {.scope = s->scope, .until = s->as_of};
	struct trend_axis a = {t, s->id, NULL, (size_t)p->t->trend_scans, false};
	sqlite3_stmt *st = NULL;
	size_t i;
	attest_rc rc;

	memset(t, 0, sizeof(*t));
	a.ids = calloc(a.max, sizeof(*a.ids));
	t->dates = calloc(a.max, sizeof(*t->dates));
	t->fw = calloc(64, sizeof(*t->fw));
	if (!a.ids || !t->dates || !t->fw) {
		rc = core_nomem(p->ctx);
		goto out;
	}
	if ((rc = attest_store_history(s->store, &f, axis_scan, &a)) != ATTEST_OK || t->n_scans < 2)
		goto out;
	for (i = 0; i < t->n_scans / 2; i++) { /* oldest first */
		char tmp[ATTEST_SCAN_ID_MAX], d[11];

		memcpy(tmp, a.ids[i], sizeof(tmp));
		memcpy(a.ids[i], a.ids[t->n_scans - 1 - i], sizeof(tmp));
		memcpy(a.ids[t->n_scans - 1 - i], tmp, sizeof(tmp));
		memcpy(d, t->dates[i], sizeof(d));
		memcpy(t->dates[i], t->dates[t->n_scans - 1 - i], sizeof(d));
		memcpy(t->dates[t->n_scans - 1 - i], d, sizeof(d));
	}
	if (!(st = pdf_query(s, fw_sql))) {
		rc = ATTEST_ERR_DB;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW && t->n_fw < 64)
		snprintf(t->fw[t->n_fw++], 64, "%s", report_text(st, 0));
	t->score = calloc(t->n_fw * t->n_scans, sizeof(*t->score));
	t->has = calloc(t->n_fw * t->n_scans, sizeof(*t->has));
	if (!t->score || !t->has) {
		rc = core_nomem(p->ctx);
		goto out;
	}
	rc = load_points(s, &a);
out:
	sqlite3_finalize(st);
	free(a.ids);
	return rc;
}

static void
trend_chart(struct pdf *p, const struct trend *t)
{
	const struct pdf_rgb *palette[] = {&p->t->primary, &p->t->accent, &p->t->warning,
					   &p->t->pass,    &p->t->fail,   &p->t->neutral};
	struct pdf_style lab = pdf_style(p, p->regular, 7.5f, &p->t->muted);
	float x0 = p->margin + 28, w = p->width - 2 * p->margin - 52, h = 100, y0, x, y, px = 0,
	      py = 0;
	size_t i, k, step = t->n_scans > 8 ? (t->n_scans + 7) / 8 : 1;
	char num[16];
	bool prev;

	pdf_need(p, h + 50);
	y0 = p->y - h - 6;
	for (i = 0; i <= 4; i++) {
		y = y0 + h * (float)i / 4;
		pdf_stroke_line(p, x0, y, x0 + w, y, 0.3f, &p->t->neutral);
		snprintf(num, sizeof(num), "%zu", i * 25);
		pdf_text_at(p, &lab, p->margin, y - 2.5f, num, strlen(num));
	}
	for (i = 0; i < t->n_scans; i += step) {
		x = x0 + w * (float)i / (float)(t->n_scans - 1);
		pdf_text_at(p, &lab, x - 18, y0 - 12, t->dates[i], strlen(t->dates[i]));
	}
	for (k = 0; k < t->n_fw; k++) {
		const struct pdf_rgb *c = palette[k % 6];

		prev = false;
		for (i = 0; i < t->n_scans; i++) {
			if (!t->has[k * t->n_scans + i]) {
				prev = false; /* a gap where the framework was not scored */
				continue;
			}
			x = x0 + w * (float)i / (float)(t->n_scans - 1);
			y = y0 + h * (float)t->score[k * t->n_scans + i] / 100.0f;
			if (prev)
				pdf_stroke_line(p, px, py, x, y, 1.6f, c);
			pdf_fill_rect(p, x - 2, y - 2, 4, 4, c);
			px = x;
			py = y;
			prev = true;
		}
		/* The legend: one row, a swatch and the id per framework. */
		y = y0 - 26;
		x = x0 + (float)k * (w / (float)(t->n_fw ? t->n_fw : 1));
		pdf_fill_rect(p, x, y, 14, 3, c);
		pdf_text_at(p, &lab, x + 18, y - 2, t->fw[k], strlen(t->fw[k]));
	}
	p->y = y0 - 36;
}

attest_rc
pdf_trend(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	struct trend t;
	char text[512];
	attest_rc rc;

	if ((rc = trend_load(p, s, &t)) != ATTEST_OK) {
		trend_free(&t);
		return rc;
	}
	if (t.n_scans >= 2) {
		pdf_need(p, 240); /* the heading stays with its chart */
		pdf_heading(p, 1, "Posture trend", p->outline);
		snprintf(
			text, sizeof(text),
			"Posture of the last %zu scans of the same scope (%s), oldest on the left, "
			"each at the date of its inventory. \"Changes since the previous scan\" gives "
			"the findings that moved the last step.",
			t.n_scans, s->scope);
		pdf_paragraph(p, &body, 0, text);
		trend_chart(p, &t);
	} else {
		pdf_paragraph(p, &body, 0,
			      "This is the first scan of its scope in the history database: there "
			      "is no trend to show yet.");
	}
	trend_free(&t);
	return ATTEST_OK;
}
