/*
 * The first sections of the PDF report and what the sections share: the
 * scan being rendered (pdf_scan_load, with the frameworks the report
 * covers), the cover (organization, scope, scan and inventory dates) and the
 * executive summary (per framework: controls fully passing, posture and
 * coverage as bars, and a count line that adds up; the trend follows, from
 * pdf_trend.c).
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

static const char fw_sql[] =
	"SELECT f.framework, f.title, f.version, f.score, f.coverage, f.n_total, f.n_pass,"
	" f.n_fail, f.n_manual, f.n_not_evaluated, f.n_not_applicable, f.n_error, f.n_attested,"
	" f.n_excepted, s.controls_passing, s.controls_scored, s.posture, s.posture_controls"
	" FROM scan_frameworks f JOIN scan_framework_scores s ON s.scan_id = f.scan_id AND"
	" s.framework = f.framework WHERE f.scan_id = ?1 AND " PDF_FW_IN(
		"f.framework") " ORDER BY f.seq";

static char *
dup_col(sqlite3_stmt *st, int col)
{
	return core_strdup(report_text(st, col));
}

sqlite3_stmt *
pdf_query(const struct pdf_scan *s, const char *sql)
{
	sqlite3_stmt *st = report_query(s->store, sql, s->id);

	if (st && sqlite3_bind_parameter_index(st, "?9") > 0)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, "?9"), s->frameworks, -1,
				  SQLITE_STATIC);
	return st;
}

bool
pdf_covers(const struct pdf_scan *s, const char *framework)
{
	json_t *a, *v;
	size_t i;
	bool found = false;

	if (!s->frameworks)
		return true;
	a = json_loads(s->frameworks, 0, NULL);
	json_array_foreach(a, i, v) found = found || strcmp(json_string_value(v), framework) == 0;
	json_decref(a);
	return found;
}

/* Every framework asked for must be in the scan. */
static attest_rc
check_frameworks(attest_store *store, const struct pdf_scan *s)
{
	attest_ctx *ctx = store_ctx(store);
	sqlite3_stmt *st;
	attest_rc rc = ATTEST_OK;

	if (!s->frameworks)
		return ATTEST_OK;
	st = pdf_query(s, "SELECT j.value FROM json_each(?9) j WHERE NOT EXISTS (SELECT 1 FROM"
			  " scan_frameworks f WHERE f.scan_id = ?1 AND f.framework = j.value)");
	if (!st)
		return ATTEST_ERR_DB;
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = core_error(ctx, ATTEST_ERR_NOTFOUND, "scan '%s' has no framework '%s'", s->id,
				report_text(st, 0));
	sqlite3_finalize(st);
	return rc;
}

attest_rc
pdf_scan_load(attest_store *store, const char *id, struct pdf_scan *s)
{
	sqlite3_stmt *st;
	attest_rc rc;

	memset(s, 0, sizeof(*s));
	s->store = store;
	s->id = id;
	s->frameworks = report_frameworks(store_ctx(store));
	/* Accounts with the name their account resource carries, if any. */
	rc = report_scan_row(
		store,
		"SELECT scope, started_at, finished_at, as_of, attest_version,"
		" (SELECT group_concat(value, ', ') FROM json_each(accounts)),"
		" (SELECT group_concat(value, ', ') FROM json_each(regions)), sources,"
		" inventory_sha256, resource_count,"
		" (SELECT group_concat(a.value || coalesce(' (' || (SELECT f.name FROM"
		"   findings f WHERE f.scan_id = scans.scan_id AND f.resource_type ="
		"   'AWS::::Account' AND f.resource_id = a.value AND f.name IS NOT NULL"
		"   AND f.name <> '' LIMIT 1) || ')', ''), ', ') FROM json_each(accounts) a)"
		" FROM scans WHERE scan_id = ?1",
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
	s->account_names = dup_col(st, 10);
	if (!s->scope || !s->started || !s->finished || !s->as_of || !s->version || !s->accounts ||
	    !s->regions || !s->sources || !s->inventory_sha256 || !s->account_names) {
		rc = core_nomem(store_ctx(store));
		goto out;
	}
	rc = check_frameworks(store, s);
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
	free(s->account_names);
}

attest_rc
pdf_each_framework(struct pdf *p, const struct pdf_scan *s, int level, HPDF_Outline parent,
		   pdf_framework_fn fn)
{
	sqlite3_stmt *st = pdf_query(s, fw_sql);
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
		return core_error(p->ctx, ATTEST_ERR_INVALID,
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
	sqlite3_stmt *st = pdf_query(s, fw_sql);
	struct core_buf fws;
	struct pdf_style org, title, body, small;
	attest_rc rc = ATTEST_OK;

	if (!st)
		return ATTEST_ERR_DB;
	core_buf_init(&fws, 1 << 16);
	while (sqlite3_step(st) == SQLITE_ROW)
		core_buf_printf(&fws, "%s%s (%s)", fws.len ? "\n" : "", report_text(st, 1),
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
	pdf_paragraph(p, &org, 0, p->organization);
	pdf_space(p, 6);
	pdf_paragraph(p, &title, 0, p->t->title);
	p->y = p->height - 325;
	pdf_field(p, 0, 110, "Frameworks", fws.data ? fws.data : "none");
	pdf_field(p, 0, 110, "Accounts", *s->account_names ? s->account_names : "none");
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
	core_buf_release(&fws);
	return rc;
}

/* ---- executive summary ------------------------------------------------------ */

static void
bar(struct pdf *p, float x, float y, float w, double value, bool has, const struct pdf_rgb *color)
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

/* "62 controls: 1 pass, 2 attested, ..." from the controls' own statuses,
 * so that the parts are what the control table shows and add up to the
 * framework's total. */
static attest_rc
count_line(struct pdf *p, const struct pdf_scan *s, const char *fw, int total, struct core_buf *b)
{
	static const char *const order[] = {"pass",   "attested",      "fail",           "excepted",
					    "manual", "not_evaluated", "not_applicable", "error"};
	sqlite3_stmt *st = pdf_query(
		s,
		"SELECT status, count(*) FROM scan_controls WHERE scan_id = ?1 AND framework = ?2"
		" GROUP BY status");
	int n[sizeof(order) / sizeof(order[0])] = {0}, other = 0;
	char label[48];
	size_t i;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (strcmp(report_text(st, 0), order[i]) == 0)
				break;
		if (i < sizeof(order) / sizeof(order[0]))
			n[i] += sqlite3_column_int(st, 1);
		else
			other += sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	core_buf_printf(b, "%d controls:", total);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (n[i] > 0 || i == 0 || i == 2 || i == 4)
			core_buf_printf(b, "%s %d %s", i ? "," : "", n[i],
					pdf_status_label(order[i], label, sizeof(label)));
	if (other)
		core_buf_printf(b, ", %d other", other);
	return ATTEST_OK;
}

static void
bar_line(struct pdf *p, const char *label, double value, bool has, const struct pdf_rgb *color,
	 const char *text)
{
	struct pdf_style lab = pdf_style(p, p->regular, 9, NULL);
	struct pdf_style val = pdf_style(p, p->bold, 9, NULL);
	float x = p->margin + 110, w = p->width - 2 * p->margin - 300;

	pdf_need(p, 15);
	pdf_text_at(p, &lab, p->margin, p->y - 9, label, strlen(label));
	bar(p, x, p->y - 9, w, value, has, color);
	pdf_text_at(p, &val, x + w + 8, p->y - 9, text, strlen(text));
	p->y -= 15;
}

static attest_rc
framework_block(struct pdf *p, const struct pdf_scan *s, sqlite3_stmt *st)
{
	struct pdf_style name = pdf_style(p, p->bold, 11, &p->t->primary);
	struct pdf_style muted = pdf_style(p, p->regular, 8.5f, &p->t->muted);
	bool has = sqlite3_column_type(st, 3) != SQLITE_NULL;
	double score = sqlite3_column_double(st, 3), cov = sqlite3_column_double(st, 4);
	int passing = sqlite3_column_int(st, 14), scored = sqlite3_column_int(st, 15);
	bool has_posture = sqlite3_column_type(st, 16) != SQLITE_NULL;
	double posture = sqlite3_column_double(st, 16);
	struct core_buf line;
	char text[256];
	attest_rc rc;

	pdf_need(p, 80);
	snprintf(text, sizeof(text), "%s (%s)", report_text(st, 1), report_text(st, 0));
	pdf_paragraph(p, &name, 0, text);
	pdf_space(p, 3);
	if (has)
		snprintf(text, sizeof(text), "%d of %d controls (%.1f %%)", passing, scored, score);
	else
		snprintf(text, sizeof(text), "not scored (no control passed or failed)");
	bar_line(p, "Controls fully passing", score, has, score_color(p, score), text);
	if (has_posture)
		snprintf(text, sizeof(text), "%.1f %% over %d controls", posture,
			 sqlite3_column_int(st, 17));
	else
		snprintf(text, sizeof(text), "none (no control has a pass or fail result)");
	bar_line(p, "Posture", posture, has_posture, score_color(p, posture), text);
	snprintf(text, sizeof(text), "%.1f %%", cov);
	bar_line(p, "Coverage", cov, true, &p->t->accent, text);
	core_buf_init(&line, 4096);
	rc = count_line(p, s, report_text(st, 0), sqlite3_column_int(st, 5), &line);
	if (rc == ATTEST_OK)
		pdf_paragraph(p, &muted, 0, line.data ? line.data : "");
	core_buf_release(&line);
	pdf_space(p, 8);
	return rc;
}

attest_rc
pdf_summary(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	sqlite3_stmt *st;
	char text[2048];
	long long gaps, accounts;
	attest_rc rc = ATTEST_OK;

	pdf_heading(p, 0, "Executive summary", NULL);
	snprintf(text, sizeof(text),
		 "Scan %s judged %lld resources (accounts %s; regions %s) as the inventory stood "
		 "on %s. \"Controls fully passing\" counts the controls all of whose checks passed "
		 "on every resource (or that a person attested), among the controls judged pass "
		 "or fail. \"Posture\" is the mean share of passing resources per control, "
		 "weighted by the control's highest check severity, so it moves when some of a "
		 "control's resources are fixed. The coverage is the share of all controls whose "
		 "status attest could determine; both figures speak only for it. The appendix "
		 "gives the formulas.",
		 s->id, s->resources, *s->account_names ? s->account_names : "none",
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
	if (!(st = pdf_query(s, fw_sql)))
		return ATTEST_ERR_DB;
	while (rc == ATTEST_OK && sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p))
		rc = framework_block(p, s, st);
	sqlite3_finalize(st);
	if (rc != ATTEST_OK)
		return rc;
	return pdf_trend(p, s);
}
