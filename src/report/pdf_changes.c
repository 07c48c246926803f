/*
 * The "Changes since the previous scan" section of the PDF report, after
 * the executive summary: what moved between the scan being rendered and the
 * previous scan of the same scope in the history database (doc/history.md).
 * It reads everything through attest_store_previous() and attest_store_diff(),
 * the queries behind `attest diff`, so the report and the command agree.
 * Findings are counted by change and by check, so that each framework's two
 * figures and coverage, before and after (from the scan_framework_scores
 * view), are shown beside the findings of its checks that newly fail and
 * that were fixed: a figure never moves without what moved it. Only the
 * first few findings of each listed kind (newly failing, fixed, newly
 * excepted: most severe first, as the diff orders them) and of the changed
 * controls are kept, so the section stays short however large the scans are.
 * Under the reason of each listed newly failing finding goes the change
 * event attest watch recorded as its cause, with the actor who made it
 * (attest_store_causes), when there is one.
 */
#include "config.h"

#include "pdf_int.h"

#include <stdlib.h>
#include <string.h>

#define LIST_MAX 10     /* findings listed per kind of change */
#define CONTROLS_MAX 40 /* controls listed */
#define N_CHANGES 4

struct change_row {
	char *severity, *check, *resource, *move, *reason;
	char *key; /* newly failing: the finding's identity, to find its cause */
};

/* Findings counted per check and kind of change, so that each framework's
 * score change can be shown with the findings that moved it. */
struct check_count {
	char *check;
	long long n[N_CHANGES];
};

struct changes {
	struct pdf *p;
	const struct pdf_scan *s;
	struct pdf_table ctl;
	bool nomem;
	long long count[N_CHANGES];
	long long n_controls;
	struct change_row rows[N_CHANGES][LIST_MAX];
	char **covered; /* the checks of the frameworks the report covers, sorted */
	size_t n_covered;
	struct check_count *checks;
	size_t n_checks, cap_checks, last;
};

static const char *
or_absent(const char *status, char *buf, size_t size)
{
	return status ? pdf_status_label(status, buf, size) : "absent";
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The checks of the covered frameworks in either scan, to leave out
 * findings of the frameworks the report does not cover. */
static attest_rc
load_covered(struct changes *c, const char *prev)
{
	sqlite3_stmt *st =
		pdf_query(c->s, "SELECT DISTINCT check_id FROM scan_control_checks"
				" WHERE scan_id IN (?1, ?2) AND " PDF_FW_IN("framework"));
	size_t cap = 0;
	char **grown;

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, prev, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (c->n_covered == cap) {
			cap = cap ? cap * 2 : 256;
			if (!(grown = realloc(c->covered, cap * sizeof(*grown))))
				break;
			c->covered = grown;
		}
		if (!(c->covered[c->n_covered] = core_strdup(report_text(st, 0))))
			break;
		c->n_covered++;
	}
	sqlite3_finalize(st);
	qsort(c->covered, c->n_covered, sizeof(*c->covered), cmp_str);
	return ATTEST_OK;
}

static bool
covered(const struct changes *c, const char *check)
{
	return c->n_covered &&
	       bsearch(&check, c->covered, c->n_covered, sizeof(*c->covered), cmp_str) != NULL;
}

static void
count_check(struct changes *c, const char *check, enum attest_change k)
{
	struct check_count *grown;
	size_t i;

	if (c->last < c->n_checks && strcmp(c->checks[c->last].check, check) == 0) {
		c->checks[c->last].n[k]++;
		return;
	}
	for (i = 0; i < c->n_checks; i++)
		if (strcmp(c->checks[i].check, check) == 0) {
			c->checks[c->last = i].n[k]++;
			return;
		}
	if (c->n_checks == c->cap_checks) {
		size_t cap = c->cap_checks ? c->cap_checks * 2 : 64;

		if (!(grown = realloc(c->checks, cap * sizeof(*grown)))) {
			c->nomem = true;
			return;
		}
		c->checks = grown;
		c->cap_checks = cap;
	}
	memset(&c->checks[c->n_checks], 0, sizeof(c->checks[0]));
	if (!(c->checks[c->n_checks].check = core_strdup(check))) {
		c->nomem = true;
		return;
	}
	c->checks[c->last = c->n_checks++].n[k] = 1;
}

/* "1.9 % → 3.6 % (+1.7)" */
static void
move_text(char *buf, size_t size, sqlite3_stmt *st, int from, int to)
{
	bool hf = sqlite3_column_type(st, from) != SQLITE_NULL;
	bool ht = sqlite3_column_type(st, to) != SQLITE_NULL;
	double a = sqlite3_column_double(st, from), b = sqlite3_column_double(st, to);
	char fa[32] = "none", fb[32] = "none";

	if (hf)
		snprintf(fa, sizeof(fa), "%.1f %%", a);
	if (ht)
		snprintf(fb, sizeof(fb), "%.1f %%", b);
	if (hf && ht)
		snprintf(buf, size, "%s \u2192 %s (%+.1f)", fa, fb, b - a);
	else
		snprintf(buf, size, "%s \u2192 %s", fa, fb);
}

/* Per framework: both figures and the coverage in each scan, with the
 * findings of its checks that newly fail and that were fixed beside them. */
static attest_rc
score_table(struct changes *c, const char *prev)
{
	struct pdf *p = c->p;
	struct pdf_table t = {.n = 6,
			      .heads = {"Framework", "Controls fully passing", "Posture",
					"Coverage", "Newly failing", "Fixed"},
			      .size = 7.5f};
	sqlite3_stmt *st = pdf_query(
		c->s, "SELECT n.framework, o.score, n.score, o.posture, n.posture, o.coverage,"
		      " n.coverage FROM scan_framework_scores n JOIN scan_frameworks f ON"
		      " f.scan_id = n.scan_id AND f.framework = n.framework LEFT JOIN"
		      " scan_framework_scores o ON o.scan_id = ?2 AND o.framework = n.framework"
		      " WHERE n.scan_id = ?1 AND " PDF_FW_IN("n.framework") " ORDER BY f.seq");
	sqlite3_stmt *m = pdf_query(c->s, "SELECT DISTINCT check_id FROM scan_control_checks"
					  " WHERE scan_id IN (?1, ?2) AND framework = ?3");
	char score[64], posture[64], cov[64], nf[32], fx[32];
	const char *cells[6] = {NULL, score, posture, cov, nf, fx};
	size_t i;

	if (!st || !m) {
		sqlite3_finalize(st);
		sqlite3_finalize(m);
		return ATTEST_ERR_DB;
	}
	sqlite3_bind_text(st, 2, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(m, 2, prev, -1, SQLITE_STATIC);
	pdf_table_begin(p, &t);
	while (sqlite3_step(st) == SQLITE_ROW && !pdf_failed(p)) {
		long long n_new = 0, n_fixed = 0;

		sqlite3_bind_text(m, 3, report_text(st, 0), -1, SQLITE_TRANSIENT);
		while (sqlite3_step(m) == SQLITE_ROW)
			for (i = 0; i < c->n_checks; i++)
				if (strcmp(c->checks[i].check, report_text(m, 0)) == 0) {
					n_new += c->checks[i].n[ATTEST_CHANGE_NEWLY_FAILING];
					n_fixed += c->checks[i].n[ATTEST_CHANGE_FIXED];
				}
		sqlite3_reset(m);
		cells[0] = report_text(st, 0);
		move_text(score, sizeof(score), st, 1, 2);
		move_text(posture, sizeof(posture), st, 3, 4);
		move_text(cov, sizeof(cov), st, 5, 6);
		snprintf(nf, sizeof(nf), "%lld", n_new);
		snprintf(fx, sizeof(fx), "%lld", n_fixed);
		pdf_table_row(p, &t, cells, NULL, 0);
	}
	pdf_table_end(p, &t);
	sqlite3_finalize(st);
	sqlite3_finalize(m);
	return ATTEST_OK;
}

static void
on_control(void *data, const struct attest_diff_control *ctl)
{
	struct changes *c = data;
	struct pdf *p = c->p;
	char from[48], to[48];
	const char *cells[5];
	const struct pdf_rgb *colors[5] = {NULL, NULL, NULL, NULL, NULL};

	/* The diff also reports controls whose score alone moved; the section
	 * lists status changes. */
	if ((ctl->from_status && ctl->to_status && strcmp(ctl->from_status, ctl->to_status) == 0) ||
	    (!ctl->from_status && !ctl->to_status))
		return;
	if (!pdf_covers(c->s, ctl->framework) || ++c->n_controls > CONTROLS_MAX)
		return;
	cells[0] = ctl->framework;
	cells[1] = ctl->control;
	cells[2] = ctl->title ? ctl->title : "";
	cells[3] = or_absent(ctl->from_status, from, sizeof(from));
	cells[4] = or_absent(ctl->to_status, to, sizeof(to));
	colors[3] = ctl->from_status ? pdf_status_color(p, ctl->from_status) : NULL;
	colors[4] = ctl->to_status ? pdf_status_color(p, ctl->to_status) : NULL;
	pdf_table_row(p, &c->ctl, cells, colors, 1);
}

static char *
join_resource(const struct attest_diff_finding *f)
{
	struct core_buf b;
	char *s;

	core_buf_init(&b, 1 << 16);
	if (core_buf_printf(&b, "%s\n%s (%s, %s)", f->resource_id ? f->resource_id : "",
			    f->resource_type ? f->resource_type : "", f->account ? f->account : "-",
			    f->region ? f->region : "-") != ATTEST_OK) {
		core_buf_release(&b);
		return NULL;
	}
	s = core_strdup(b.data);
	core_buf_release(&b);
	return s;
}

/* The change attest watch recorded as the cause of a listed newly failing
 * finding goes under its reason (attest_store_causes). */
static void
on_cause(void *data, const struct attest_change_info *cause)
{
	struct changes *c = data;
	struct change_row *r;
	struct core_buf b;
	char *key;
	long long i, n = c->count[ATTEST_CHANGE_NEWLY_FAILING];

	if (!(key = report_finding_key(cause->check_id, cause->resource_type, cause->resource_id,
				       cause->account, cause->region))) {
		c->nomem = true;
		return;
	}
	for (i = 0; i < n && i < LIST_MAX; i++) {
		r = &c->rows[ATTEST_CHANGE_NEWLY_FAILING][i];
		if (!r->key || strcmp(r->key, key) != 0)
			continue;
		core_buf_init(&b, 1 << 16);
		if (core_buf_printf(&b, "%s\nCaused by %s %s by %s at %s (event %s)", r->reason,
				    cause->event_source, cause->event_name,
				    cause->actor ? cause->actor : "an unknown actor",
				    cause->event_time, cause->event_key) != ATTEST_OK) {
			c->nomem = true;
		} else {
			free(r->reason);
			if (!(r->reason = core_strdup(b.data)))
				c->nomem = true;
		}
		core_buf_release(&b);
	}
	free(key);
}

static void
on_finding(void *data, const struct attest_diff_finding *f)
{
	struct changes *c = data;
	struct change_row *r;
	char from[48], to[48], move[112];
	long long n;

	if ((unsigned)f->change >= N_CHANGES || !covered(c, f->check ? f->check : ""))
		return;
	count_check(c, f->check, f->change);
	n = c->count[f->change]++;
	if (f->change == ATTEST_CHANGE_STILL_FAILING || n >= LIST_MAX)
		return;
	r = &c->rows[f->change][n];
	snprintf(move, sizeof(move), "%s \u2192 %s", or_absent(f->from_status, from, sizeof(from)),
		 or_absent(f->to_status, to, sizeof(to)));
	r->severity = core_strdup(f->severity ? f->severity : "");
	r->check = core_strdup(f->check ? f->check : "");
	r->resource = join_resource(f);
	r->move = core_strdup(move);
	r->reason = core_strdup(f->reason ? f->reason : "");
	if (!r->severity || !r->check || !r->resource || !r->move || !r->reason)
		c->nomem = true;
	if (f->change == ATTEST_CHANGE_NEWLY_FAILING &&
	    !(r->key = report_finding_key(f->check, f->resource_type, f->resource_id, f->account,
					  f->region)))
		c->nomem = true;
}

static void
changes_release(struct changes *c)
{
	size_t k, i;

	for (k = 0; k < N_CHANGES; k++)
		for (i = 0; i < LIST_MAX; i++) {
			free(c->rows[k][i].severity);
			free(c->rows[k][i].check);
			free(c->rows[k][i].resource);
			free(c->rows[k][i].move);
			free(c->rows[k][i].reason);
			free(c->rows[k][i].key);
		}
	for (i = 0; i < c->n_covered; i++)
		free(c->covered[i]);
	free(c->covered);
	for (i = 0; i < c->n_checks; i++)
		free(c->checks[i].check);
	free(c->checks);
}

/* The listed findings of one kind of change, and how many more there are. */
static void
finding_list(struct pdf *p, const struct changes *c, HPDF_Outline parent, enum attest_change k,
	     const char *title, const char *none)
{
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);
	struct pdf_style note = pdf_style(p, p->regular, 8.5f, &p->t->muted);
	struct pdf_table t = {.n = 5,
			      .heads = {"Severity", "Check", "Resource", "Status", "Reason"},
			      .size = 7.5f};
	const struct pdf_rgb *colors[5] = {NULL, NULL, NULL, NULL, NULL};
	long long i, shown = c->count[k] < LIST_MAX ? c->count[k] : LIST_MAX;
	char text[160];

	pdf_heading(p, 2, title, parent);
	if (c->count[k] == 0) {
		pdf_paragraph(p, &body, 0, none);
		return;
	}
	pdf_table_begin(p, &t);
	for (i = 0; i < shown && !pdf_failed(p); i++) {
		const struct change_row *r = &c->rows[k][i];
		const char *cells[5] = {r->severity, r->check, r->resource, r->move, r->reason};

		colors[0] = strcmp(r->severity, "critical") == 0 || strcmp(r->severity, "high") == 0
				    ? &p->t->fail
				    : NULL;
		pdf_table_row(p, &t, cells, colors, 1);
	}
	pdf_table_end(p, &t);
	if (c->count[k] > shown) {
		snprintf(text, sizeof(text), "\u2026 and %lld more (attest diff lists them all).",
			 c->count[k] - shown);
		pdf_paragraph(p, &note, 0, text);
	}
}

static void
no_previous(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	char text[512];

	snprintf(text, sizeof(text),
		 "There is no previous scan of this scope (%s) in the history database: this is "
		 "the first, so there is nothing to compare it with.",
		 s->scope);
	pdf_paragraph(p, &body, 0, text);
}

attest_rc
pdf_changes(struct pdf *p, const struct pdf_scan *s)
{
	struct pdf_style body = pdf_style(p, p->regular, 9.5f, NULL);
	struct attest_diff_sink sink = {NULL, on_control, on_finding, NULL};
	struct changes *c;
	HPDF_Outline o;
	char prev[ATTEST_SCAN_ID_MAX], text[768];
	attest_rc rc;

	pdf_heading(p, 0, "Changes since the previous scan", NULL);
	rc = attest_store_previous(s->store, s->id, prev);
	if (rc == ATTEST_ERR_NOTFOUND) {
		no_previous(p, s);
		return ATTEST_OK;
	}
	if (rc != ATTEST_OK)
		return rc;
	if (!(c = calloc(1, sizeof(*c))))
		return core_nomem(p->ctx);
	c->p = p;
	c->s = s;
	c->ctl = (struct pdf_table){
		.n = 5, .heads = {"Framework", "Control", "Title", "Before", "Now"}, .size = 7.5f};
	pdf_table_begin(p, &c->ctl); /* rows are held until the table ends */
	sink.data = c;
	snprintf(
		text, sizeof(text),
		"What moved since scan %s, the previous scan of the same scope (%s). Changes of "
		"a figure are in percentage points, each beside the findings of the framework's "
		"checks that newly fail and that were fixed. A finding is the same in both scans "
		"when its check and resource are; \"absent\" means the scan has no row for it (the "
		"resource is gone or its check was not evaluated).",
		prev, s->scope);
	pdf_paragraph(p, &body, 0, text);
	pdf_space(p, 8);
	if ((rc = load_covered(c, prev)) != ATTEST_OK ||
	    (rc = attest_store_diff(s->store, prev, s->id, &sink)) != ATTEST_OK ||
	    (rc = attest_store_causes(s->store, s->id, on_cause, c)) != ATTEST_OK)
		goto out;
	if (c->nomem) {
		rc = core_nomem(p->ctx);
		goto out;
	}
	pdf_heading(p, 1, "Scores", p->outline);
	if ((rc = score_table(c, prev)) != ATTEST_OK)
		goto out;
	pdf_heading(p, 1, "Controls whose status changed", p->outline);
	if (c->n_controls == 0) {
		pdf_paragraph(p, &body, 0, "No control changed status.");
	} else {
		pdf_table_end(p, &c->ctl);
		if (c->n_controls > CONTROLS_MAX) {
			snprintf(text, sizeof(text),
				 "\u2026 and %lld more controls changed status.",
				 c->n_controls - CONTROLS_MAX);
			pdf_paragraph(p, &body, 0, text);
		}
	}
	o = pdf_heading(p, 1, "Findings", p->outline);
	snprintf(text, sizeof(text),
		 "%lld newly failing, %lld fixed, %lld still failing, %lld newly excepted.",
		 c->count[ATTEST_CHANGE_NEWLY_FAILING], c->count[ATTEST_CHANGE_FIXED],
		 c->count[ATTEST_CHANGE_STILL_FAILING], c->count[ATTEST_CHANGE_NEWLY_EXCEPTED]);
	pdf_paragraph(p, &body, 0, text);
	finding_list(p, c, o, ATTEST_CHANGE_NEWLY_FAILING, "Newly failing",
		     "No finding fails that did not fail before.");
	finding_list(p, c, o, ATTEST_CHANGE_FIXED, "Fixed", "No failing finding was fixed.");
	finding_list(p, c, o, ATTEST_CHANGE_NEWLY_EXCEPTED, "Newly excepted",
		     "No finding is newly covered by an exception.");
out:
	pdf_table_discard(&c->ctl); /* what was not drawn */
	changes_release(c);
	free(c);
	return rc;
}
