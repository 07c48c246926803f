/*
 * The first sections of the PDF report: the cover (organization, scope and
 * scan time), the executive summary (score and coverage bars per framework
 * and, when the history holds earlier scans of the same scope, a chart of
 * how the scores moved) and the table of every control with its status.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

static const char fw_sql[] =
	"SELECT framework, title, version, score, coverage, n_total, n_pass, n_fail, n_manual,"
	" n_not_evaluated, n_not_applicable, n_error FROM scan_frameworks WHERE scan_id = ?1"
	" ORDER BY seq";

static char *
dup_col(sqlite3_stmt *st, int col)
{
	return attest_strdup(report_text(st, col));
}

attest_rc
pdf_scan_load(attest_store *store, const char *id, struct pdf_scan *s)
{
	sqlite3_stmt *st;
	attest_rc rc;

	memset(s, 0, sizeof(*s));
	s->store = store;
	s->id = id;
	rc = report_scan_row(store,
			     "SELECT scope, started_at, finished_at, as_of, attest_version,"
			     " (SELECT group_concat(value, ', ') FROM json_each(accounts)),"
			     " (SELECT group_concat(value, ', ') FROM json_each(regions)), sources,"
			     " inventory_sha256, resource_count FROM scans WHERE scan_id = ?1",
			     id, &st);
	if (rc != ATTEST_OK)
		goto out;
	s->scope = dup_col(st, 0);
	s->started = dup_col(st, 1);
	s->finished = dup_col(st, 2);
	s->as_of = dup_col(st, 3);
	s->version = dup_col(st, 4);
	s->accounts = dup_col(st, 5);
	s->regions = dup_col(st, 6);
	s->sources = dup_col(st, 7);
	s->inventory_sha256 = dup_col(st, 8);
	s->resources = sqlite3_column_int64(st, 9);
	if (!s->scope || !s->started || !s->finished || !s->as_of || !s->version || !s->accounts ||
	    !s->regions || !s->sources || !s->inventory_sha256) {
		rc = attest_nomem(attest_store_ctx(store));
		goto out;
	}
	rc = ATTEST_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

void
pdf_scan_release(struct pdf_scan *s)
{
	free(s->scope);
	free(s->started);
	free(s->finished);
	free(s->as_of);
	free(s->version);
	free(s->accounts);
	free(s->regions);
	free(s->sources);
	free(s->inventory_sha256);
}

attest_rc
pdf_each_framework(struct pdf *p, const struct pdf_scan *s, int level, HPDF_Outline parent,
		   pdf_framework_fn fn)
{
	sqlite3_stmt *st = report_query(s->store, fw_sql, s->id);
	char title[512];
	attest_rc rc = ATTEST_OK;

	if (!st)
		return ATTEST_ERR_DB;
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		snprintf(title, sizeof(title), "%s (%s)", report_text(st, 1), report_text(st, 0));
		rc = fn(p, s, report_text(st, 0), pdf_heading(p, level, title, parent));
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- cover ----------------------------------------------------------------- */

static attest_rc
logo(struct pdf *p)
{
	HPDF_Image img;
	float w, h, k;

	if (!p->t->logo || pdf_failed(p))
		return ATTEST_OK;
	img = HPDF_LoadPngImageFromFile(p->doc, p->t->logo);
	if (!img) {
		p->err = 0; /* the message below says more than libharu's code */
		HPDF_ResetError(p->doc);
		return attest_error(p->ctx, ATTEST_ERR_INVALID,
				    "cannot use the logo '%s' of template '%s': not a PNG image",
				    p->t->logo, p->t->path);
	}
	w = (float)HPDF_Image_GetWidth(img);
	h = (float)HPDF_Image_GetHeight(img);
	k = w > 0 && h > 0 ? (160.0f / w < 60.0f / h ? 160.0f / w : 60.0f / h) : 1;
	HPDF_Page_DrawImage(p->page, img, p->margin, p->height - 50 - h * k, w * k, h * k);
	return ATTEST_OK;
}

attest_rc
pdf_cover(struct pdf *p, const struct pdf_scan *s)
{
	sqlite3_stmt *st = report_query(s->store, fw_sql, s->id);
	struct attest_buf fws;
	struct pdf_style org, title, body, small;
	attest_rc rc = ATTEST_OK;

	if (!st)
		return ATTEST_ERR_DB;
	attest_buf_init(&fws, 1 << 16);
	while (sqlite3_step(st) == SQLITE_ROW)
		attest_buf_printf(&fws, "%s%s (%s)", fws.len ? "\n" : "", report_text(st, 1),
				  report_text(st, 0));
	sqlite3_finalize(st);
	pdf_new_page(p, false);
	rc = logo(p);
	org = pdf_style(p, p->bold, 14, &p->t->muted);
	title = pdf_style(p, p->bold, 26, &p->t->primary);
	body = pdf_style(p, p->regular, 10, NULL);
	small = pdf_style(p, p->regular, 8, &p->t->muted);
	pdf_fill_rect(p, 0, p->height - 300, p->width, 6, &p->t->primary);
	p->y = p->height - 150;
	pdf_paragraph(p, &org, 0, p->t->organization ? p->t->organization : "");
	pdf_space(p, 6);
	pdf_paragraph(p, &title, 0, p->t->title);
	p->y = p->height - 325;
	pdf_field(p, 0, 110, "Frameworks", fws.data ? fws.data : "none");
	pdf_field(p, 0, 110, "Accounts", *s->accounts ? s->accounts : "none");
	pdf_field(p, 0, 110, "Regions", *s->regions ? s->regions : "none");
	pdf_field(p, 0, 110, "Scan", s->id);
	pdf_field(p, 0, 110, "Scanned at", s->finished);
	pdf_field(p, 0, 110, "Inventory as of", s->as_of);
	pdf_space(p, 14);
	if (p->t->cover_text)
		pdf_paragraph_max(p, &body, 0, p->t->cover_text, 14);
	if (p->t->disclaimer) {
		p->y = p->y > 200 ? 200 : p->y - 10;
		pdf_paragraph_max(p, &small, 0, p->t->disclaimer, 12);
	}
	attest_buf_release(&fws);
	return rc;
}

/* ---- executive summary ------------------------------------------------------ */

static void
bar(struct pdf *p, float x, float y, float w, double value, bool has,
    const struct pdf_rgb *color)
{
	struct pdf_rgb back = {0.90f, 0.91f, 0.92f};

	pdf_fill_rect(p, x, y, w, 9, &back);
	if (has && value > 0)
		pdf_fill_rect(p, x, y, w * (float)(value > 100 ? 100 : value) / 100.0f, 9, color);
}

static const struct pdf_rgb *
score_color(const struct pdf *p, double score)
{
	return score >= 80 ? &p->t->pass : score >= 50 ? &p->t->warning : &p->t->fail;
}

static void
framework_block(struct pdf *p, sqlite3_stmt *st)
{
	struct pdf_style name = pdf_style(p, p->bold, 11, &p->t->primary);
	struct pdf_style lab = pdf_style(p, p->regular, 9, NULL);
	struct pdf_style val = pdf_style(p, p->bold, 9, NULL);
	struct pdf_style muted = pdf_style(p, p->regular, 8.5f, &p->t->muted);
	bool has = sqlite3_column_type(st, 3) != SQLITE_NULL;
	double score = sqlite3_column_double(st, 3), cov = sqlite3_column_double(st, 4);
	float x = p->margin + 70, w = p->width - 2 * p->margin - 150;
	char text[256];

	pdf_need(p, 80);
	snprintf(text, sizeof(text), "%s (%s)", report_text(st, 1), report_text(st, 0));
	pdf_paragraph(p, &name, 0, text);
	pdf_space(p, 3);
	pdf_text_at(p, &lab, p->margin, p->y - 9, "Score", 5);
	bar(p, x, p->y - 9, w, score, has, score_color(p, score));
	if (has)
		snprintf(text, sizeof(text), "%.1f %%", score);
	else
		snprintf(text, sizeof(text), "not scored");
	pdf_text_at(p, &val, x + w + 8, p->y - 9, text, strlen(text));
	p->y -= 15;
	pdf_text_at(p, &lab, p->margin, p->y - 9, "Coverage", 8);
	bar(p, x, p->y - 9, w, cov, true, &p->t->accent);
	snprintf(text, sizeof(text), "%.1f %%", cov);
	pdf_text_at(p, &val, x + w + 8, p->y - 9, text, strlen(text));
	p->y -= 16;
	snprintf(text, sizeof(text),
		 "%d controls: %d pass, %d fail, %d manual, %d not evaluated, %d not applicable, "
		 "%d error",
		 sqlite3_column_int(st, 5), sqlite3_column_int(st, 6), sqlite3_column_int(st, 7),
		 sqlite3_column_int(st, 8), sqlite3_column_int(st, 9), sqlite3_column_int(st, 10),
		 sqlite3_column_int(st, 11));
	pdf_paragraph(p, &muted, 0, text);
	pdf_space(p, 12);
}

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
	snprintf(t->dates[t->n_scans], 11, "%.10s", scan->started_at ? scan->started_at : "");
	t->n_scans++;
}

struct trend_series {
	struct trend_axis *a;
	size_t k; /* the framework */
};

static void
series_point(void *data, const struct attest_trend_point *pt)
{
	struct trend_series *ser = data;
	struct trend *t = ser->a->t;
	size_t i;

	for (i = 0; i < t->n_scans; i++)
		if (strcmp(ser->a->ids[i], pt->scan_id) == 0) {
			t->score[ser->k * t->n_scans + i] = pt->score;
			t->has[ser->k * t->n_scans + i] = pt->has_score;
			return;
		}
}

/* Reads the chart through the history queries of `attest history` and
 * `attest trend`, so "the same scope" and the order of scans started in the
 * same second are theirs. */
static attest_rc
trend_load(struct pdf *p, const struct pdf_scan *s, struct trend *t)
{
	struct attest_history_filter f = {.scope = s->scope, .until = s->started};
	struct trend_axis a = {t, s->id, NULL, (size_t)p->t->trend_scans, false};
	struct trend_series ser = {&a, 0};
	sqlite3_stmt *st = NULL;
	size_t i;
	attest_rc rc;

	memset(t, 0, sizeof(*t));
	a.ids = calloc(a.max, sizeof(*a.ids));
	t->dates = calloc(a.max, sizeof(*t->dates));
	t->fw = calloc(64, sizeof(*t->fw));
	if (!a.ids || !t->dates || !t->fw) {
		rc = attest_nomem(p->ctx);
		goto out;
	}
	if ((rc = attest_store_history(s->store, &f, axis_scan, &a)) != ATTEST_OK ||
	    t->n_scans < 2)
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
	if (!(st = report_query(s->store, fw_sql, s->id))) {
		rc = ATTEST_ERR_DB;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW && t->n_fw < 64)
		snprintf(t->fw[t->n_fw++], 64, "%s", report_text(st, 0));
	t->score = calloc(t->n_fw * t->n_scans, sizeof(*t->score));
	t->has = calloc(t->n_fw * t->n_scans, sizeof(*t->has));
	if (!t->score || !t->has) {
		rc = attest_nomem(p->ctx);
		goto out;
	}
	for (ser.k = 0; ser.k < t->n_fw && rc == ATTEST_OK; ser.k++)
		rc = attest_store_trend(s->store, t->fw[ser.k], &f, series_point, &ser);
out:
	sqlite3_finalize(st);
	free(a.ids);
	return rc;
}

static void
trend_chart(struct pdf *p, const struct trend *t)
{
	const struct pdf_rgb *palette[] = {&p->t->primary, &p->t->accent, &p->t->warning,
					   &p->t->pass, &p->t->fail, &p->t->neutral};
	struct pdf_style lab = pdf_style(p, p->regular, 7.5f, &p->t->muted);
	float x0 = p->margin + 28, w = p->width - 2 * p->margin - 52, h = 170, y0, x, y, px = 0,
	      py = 0;
	size_t i, k, step = t->n_scans > 8 ? (t->n_scans + 7) / 8 : 1;
	char num[16];
	bool prev;

	pdf_need(p, h + 50 + 12 * (float)t->n_fw);
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
		y = y0 - 26 - 12 * (float)k;
		pdf_fill_rect(p, x0, y, 14, 3, c);
		pdf_text_at(p, &lab, x0 + 20, y - 2, t->fw[k], strlen(t->fw[k]));
	}
	p->y = y0 - 30 - 12 * (float)t->n_fw;
}

attest_rc
pdf_summary(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	sqlite3_stmt *st;
	struct trend t;
	char text[512];
	long long gaps, accounts;
	attest_rc rc;

	pdf_heading(p, 0, "Executive summary", NULL);
	snprintf(text, sizeof(text),
		 "Scan %s judged %lld resources (accounts %s; regions %s) as of %s. The score is "
		 "the share of passing controls among those judged pass or fail; the coverage is "
		 "the share of all controls whose status attest could determine.",
		 s->id, s->resources, *s->accounts ? s->accounts : "none",
		 *s->regions ? s->regions : "none", s->as_of);
	pdf_paragraph(p, &body, 0, text);
	if ((gaps = report_gap_count(s->store, s->id, false)) < 0 ||
	    (accounts = report_gap_count(s->store, s->id, true)) < 0)
		return ATTEST_ERR_DB;
	if (gaps > accounts) {
		snprintf(text, sizeof(text),
			 "The inventory is incomplete: %lld call%s of the collection failed (see "
			 "\"Collection gaps\"). The checks that needed the missing data are not "
			 "evaluated, which lowers the coverage; the scores rest only on what was "
			 "collected.",
			 gaps - accounts, gaps - accounts == 1 ? "" : "s");
		pdf_space(p, 4);
		pdf_paragraph(p, &body, 0, text);
	}
	if (accounts > 0) {
		pdf_space(p, 4);
		pdf_paragraph(p, &body, 0, report_gap_accounts_text(accounts, text, sizeof(text)));
	}
	pdf_space(p, 12);
	if (!(st = report_query(s->store, fw_sql, s->id)))
		return ATTEST_ERR_DB;
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p))
		framework_block(p, st);
	sqlite3_finalize(st);
	if ((rc = trend_load(p, s, &t)) != ATTEST_OK) {
		trend_free(&t);
		return rc;
	}
	if (t.n_scans >= 2) {
		pdf_need(p, 290 + 12 * (float)t.n_fw); /* the heading stays with its chart */
		pdf_heading(p, 1, "Score trend", p->outline);
		snprintf(text, sizeof(text),
			 "Scores of the last %zu scans of the same scope (%s), oldest on the left.",
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

/* ---- controls --------------------------------------------------------------- */

static attest_rc
control_table(struct pdf *p, const struct pdf_scan *s, const char *fw, HPDF_Outline o)
{
	struct pdf_table t = {.n = 5, .heads = {"Control", "Title", "Level", "Status", "Failing"}, .size = 8.5f};
	sqlite3_stmt *st = report_query(
		s->store,
		"SELECT c.control_id, c.title, coalesce(c.level, ''), c.status,"
		" (SELECT sum(k.n_fail) FROM scan_control_checks m JOIN scan_checks k"
		"   ON k.scan_id = m.scan_id AND k.check_id = m.check_id WHERE m.scan_id = c.scan_id"
		"   AND m.framework = c.framework AND m.control_id = c.control_id)"
		" FROM scan_controls c WHERE c.scan_id = ?1 AND c.framework = ?2 ORDER BY c.seq",
		s->id);
	const char *cells[5];
	const struct pdf_rgb *colors[5] = {NULL};
	char status[48], failing[32];

	(void)o;
	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_STATIC);
	pdf_table_begin(p, &t);
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		cells[0] = report_text(st, 0);
		cells[1] = report_text(st, 1);
		cells[2] = report_text(st, 2);
		cells[3] = pdf_status_label(report_text(st, 3), status, sizeof(status));
		colors[3] = pdf_status_color(p, report_text(st, 3));
		if (sqlite3_column_int64(st, 4) > 0)
			snprintf(failing, sizeof(failing), "%lld", sqlite3_column_int64(st, 4));
		else
			failing[0] = '\0';
		cells[4] = failing;
		pdf_table_row(p, &t, cells, colors, 0);
	}
	pdf_table_end(p, &t);
	sqlite3_finalize(st);
	return ATTEST_OK;
}

attest_rc
pdf_controls(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	HPDF_Outline top = pdf_heading(p, 0, "Controls", NULL);

	pdf_paragraph(p, &body, 0,
		      "Every control of each framework with its status. \"Failing\" counts the "
		      "resources that failed the control's checks.");
	return pdf_each_framework(p, s, 1, top, control_table);
}
