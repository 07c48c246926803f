/*
 * The "Changes since the previous scan" section of the PDF report, after
 * the executive summary: what moved between the scan being rendered and the
 * previous scan of the same scope in the history database (doc/history.md).
 * It reads everything through attest_store_previous() and attest_store_diff(),
 * the queries behind `attest diff`, so the report and the command agree. The
 * framework and control rows are drawn as the diff delivers them; findings
 * are counted by change, and only the first few of each listed kind (newly
 * failing, fixed, newly excepted: most severe first, as the diff orders them)
 * are kept, so the section stays short however large the scans are.
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
};

struct changes {
	struct pdf *p;
	struct pdf_table fw, ctl;
	bool fw_open, ctl_open, nomem;
	long long count[N_CHANGES];
	long long n_controls;
	struct change_row rows[N_CHANGES][LIST_MAX];
};

static const char *
or_absent(const char *status, char *buf, size_t size)
{
	return status ? pdf_status_label(status, buf, size) : "absent";
}

static void
score_text(char *buf, size_t size, bool in, bool has, double score)
{
	if (!in)
		snprintf(buf, size, "not evaluated");
	else if (!has)
		snprintf(buf, size, "not scored");
	else
		snprintf(buf, size, "%.1f %%", score);
}

static void
on_framework(void *data, const struct attest_diff_framework *fw)
{
	struct changes *c = data;
	struct pdf *p = c->p;
	char name[160], from[32], to[32], delta[32];
	const char *cells[4] = {name, from, to, delta};
	const struct pdf_rgb *colors[4] = {NULL, NULL, NULL, NULL};
	double d = fw->to_score - fw->from_score;

	if (!c->fw_open) {
		pdf_table_begin(p, &c->fw);
		c->fw_open = true;
	}
	snprintf(name, sizeof(name), "%s (%s)", fw->title ? fw->title : "", fw->framework);
	score_text(from, sizeof(from), fw->in_from, fw->has_from_score, fw->from_score);
	score_text(to, sizeof(to), fw->in_to, fw->has_to_score, fw->to_score);
	if (fw->has_from_score && fw->has_to_score) {
		snprintf(delta, sizeof(delta), "%+.1f", d);
		colors[3] = d > 0.05 ? &p->t->pass : d < -0.05 ? &p->t->fail : NULL;
	} else {
		snprintf(delta, sizeof(delta), "n/a");
	}
	pdf_table_row(p, &c->fw, cells, colors, 3);
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
	if (++c->n_controls > CONTROLS_MAX)
		return;
	if (c->fw_open) {
		pdf_table_end(p, &c->fw);
		c->fw_open = false;
	}
	if (!c->ctl_open) {
		pdf_heading(p, 1, "Controls whose status changed", p->outline);
		pdf_table_begin(p, &c->ctl);
		c->ctl_open = true;
	}
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
	struct attest_buf b;
	char *s;

	attest_buf_init(&b, 1 << 16);
	if (attest_buf_printf(&b, "%s\n%s (%s, %s)", f->resource_id ? f->resource_id : "",
			      f->resource_type ? f->resource_type : "",
			      f->account ? f->account : "-", f->region ? f->region : "-") !=
	    ATTEST_OK) {
		attest_buf_release(&b);
		return NULL;
	}
	s = attest_strdup(b.data);
	attest_buf_release(&b);
	return s;
}

static void
on_finding(void *data, const struct attest_diff_finding *f)
{
	struct changes *c = data;
	struct change_row *r;
	char from[48], to[48], move[112];
	long long n;

	if ((unsigned)f->change >= N_CHANGES)
		return;
	n = c->count[f->change]++;
	if (f->change == ATTEST_CHANGE_STILL_FAILING || n >= LIST_MAX)
		return;
	r = &c->rows[f->change][n];
	snprintf(move, sizeof(move), "%s \u2192 %s", or_absent(f->from_status, from, sizeof(from)),
		 or_absent(f->to_status, to, sizeof(to)));
	r->severity = attest_strdup(f->severity ? f->severity : "");
	r->check = attest_strdup(f->check ? f->check : "");
	r->resource = join_resource(f);
	r->move = attest_strdup(move);
	r->reason = attest_strdup(f->reason ? f->reason : "");
	if (!r->severity || !r->check || !r->resource || !r->move || !r->reason)
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
		}
}

/* The listed findings of one kind of change, and how many more there are. */
static void
finding_list(struct pdf *p, const struct changes *c, HPDF_Outline parent, enum attest_change k,
	     const char *title, const char *none)
{
	struct pdf_style body = pdf_style(p, p->regular, 9, NULL);
	struct pdf_style note = pdf_style(p, p->regular, 8.5f, &p->t->muted);
	struct pdf_table t = {.n = 5, .heads = {"Severity", "Check", "Resource", "Status", "Reason"}, .size = 7.5f};
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
	struct attest_diff_sink sink = {on_framework, on_control, on_finding, NULL};
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
		return attest_nomem(p->ctx);
	c->p = p;
	c->fw = (struct pdf_table){.n = 4, .heads = {"Framework", "Previous scan", "This scan", "Change"}, .size = 8.5f};
	c->ctl = (struct pdf_table){.n = 5, .heads = {"Framework", "Control", "Title", "Before", "Now"}, .size = 8};
	sink.data = c;
	snprintf(text, sizeof(text),
		 "What moved since scan %s, the previous scan of the same scope (%s). Score "
		 "changes are in percentage points. A finding is the same in both scans when its "
		 "check and resource are; \"absent\" means the scan has no row for it (the "
		 "resource is gone or its check was not evaluated).",
		 prev, s->scope);
	pdf_paragraph(p, &body, 0, text);
	pdf_space(p, 8);
	pdf_heading(p, 1, "Scores", p->outline);
	if ((rc = attest_store_diff(s->store, prev, s->id, &sink)) != ATTEST_OK)
		goto out;
	if (c->fw_open)
		pdf_table_end(p, &c->fw);
	if (c->ctl_open)
		pdf_table_end(p, &c->ctl);
	c->fw_open = c->ctl_open = false;
	if (c->nomem) {
		rc = attest_nomem(p->ctx);
		goto out;
	}
	if (c->n_controls == 0) {
		pdf_heading(p, 1, "Controls whose status changed", p->outline);
		pdf_paragraph(p, &body, 0, "No control changed status.");
	} else if (c->n_controls > CONTROLS_MAX) {
		snprintf(text, sizeof(text), "\u2026 and %lld more controls changed status.",
			 c->n_controls - CONTROLS_MAX);
		pdf_paragraph(p, &body, 0, text);
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
	if (c->fw_open)
		pdf_table_end(p, &c->fw);
	if (c->ctl_open)
		pdf_table_end(p, &c->ctl);
	changes_release(c);
	free(c);
	return rc;
}
