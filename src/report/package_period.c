/*
 * The period package (doc/audit-package.md): for one scope, every scan
 * whose as_of (the date of the configuration it judged) falls in the
 * period, in as_of order (then started_at, then insertion): each scan's
 * OSCAL assessment results and terminal summary under scans/, and under
 * period/ the list of scans, the per-control status timeline and the time
 * to fix of the findings fixed in the period (package_timeline.c), the
 * exceptions and attestations in force on each scan date, and the cadence
 * gaps: stretches longer than the cadence without a scan, from the period's
 * start to its end (or to now, for a period not over yet). Gaps are stated
 * as limitations in the README. Signed and sealed like a single-scan
 * package, so attest verify and the README's recipe check it the same way.
 */
#include "config.h"

#include "package_int.h"
#include "store/history_int.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_CADENCE 31

struct period {
	struct pkg p;
	const struct attest_period_opts *o;
	char from[21], to[21], *scope;
	time_t from_t, to_t, end_t; /* end_t: min(to, now) */
	struct pkg_period_scan *s;
	size_t n;
	int cadence;
	json_t *gaps; /* [{from, to, days}] */
	size_t controls, fixed, exceptions, lapsed_exceptions, attestations, lapsed_attestations;
};

/* The scope of the period: the one given, or the only one its scans have. */
static attest_rc
choose_scope(struct period *pd)
{
	struct core_buf list;
	sqlite3_stmt *st;
	size_t n = 0;
	int src;
	attest_rc rc = ATTEST_OK;

	if (pd->o->scope)
		return (pd->scope = core_strdup(pd->o->scope)) ? ATTEST_OK : core_nomem(pd->p.ctx);
	st = report_query(pd->p.store,
			  "SELECT DISTINCT scope FROM scans WHERE as_of >= ?1 AND as_of <= ?2"
			  " ORDER BY scope",
			  pd->from);
	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, pd->to, -1, SQLITE_TRANSIENT);
	core_buf_init(&list, 2048);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++ && !(pd->scope = core_strdup(report_text(st, 0))))
			rc = core_nomem(pd->p.ctx);
		core_buf_printf(&list, "%s'%s'", n > 1 ? ", " : "", report_text(st, 0));
	}
	if (src != SQLITE_DONE && rc == ATTEST_OK)
		rc = report_db_error(pd->p.store, "cannot read the scans");
	else if (rc == ATTEST_OK && n == 0)
		rc = core_error(pd->p.ctx, ATTEST_ERR_NOTFOUND,
				"no scan in '%s' judged a configuration as of %s..%s",
				store_path(pd->p.store), pd->from, pd->to);
	else if (rc == ATTEST_OK && n > 1)
		rc = core_error(pd->p.ctx, ATTEST_ERR_USAGE,
				"the scans of %s..%s cover %zu scopes (%s): a period package is "
				"for one scope; choose it with --scope",
				pd->from, pd->to, n, list.data ? list.data : "");
	core_buf_release(&list);
	sqlite3_finalize(st);
	return rc;
}

/* Loads the period's scans and mirrors them into temp.pkg_period. */
static attest_rc
load_scans(struct period *pd)
{
	sqlite3 *db = store_db(pd->p.store);
	sqlite3_stmt *st, *ins = NULL;
	struct pkg_period_scan *v;
	int src;
	attest_rc rc = ATTEST_ERR_DB;

	st = report_query(pd->p.store,
			  "SELECT scan_id, as_of, started_at, resource_count FROM scans"
			  " WHERE as_of >= ?1 AND as_of <= ?2 AND scope = ?3"
			  " ORDER BY as_of, started_at, rowid",
			  pd->from);
	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_text(st, 2, pd->to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, pd->scope, -1, SQLITE_TRANSIENT);
	if (sqlite3_exec(db,
			 "DROP TABLE IF EXISTS temp.pkg_period;"
			 "CREATE TEMP TABLE pkg_period(n INTEGER PRIMARY KEY, scan_id TEXT UNIQUE)",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO temp.pkg_period VALUES (?1, ?2)", -1, &ins, NULL) !=
		    SQLITE_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(v = realloc(pd->s, (pd->n + 1) * sizeof(*v)))) {
			rc = core_nomem(pd->p.ctx);
			goto out;
		}
		pd->s = v;
		v = &pd->s[pd->n];
		memset(v, 0, sizeof(*v));
		pd->n++;
		v->id = core_strdup(report_text(st, 0));
		v->as_of = core_strdup(report_text(st, 1));
		v->started_at = core_strdup(report_text(st, 2));
		v->resources = sqlite3_column_int64(st, 3);
		if (!v->id || !v->as_of || !v->started_at) {
			rc = core_nomem(pd->p.ctx);
			goto out;
		}
		if (!core_time_parse(v->as_of, &v->t)) {
			rc = core_error(pd->p.ctx, ATTEST_ERR_INVALID,
					"scan %s has an unreadable as_of '%s'", v->id, v->as_of);
			goto out;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)(pd->n - 1));
		sqlite3_bind_text(ins, 2, v->id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto out;
	}
	if (src != SQLITE_DONE)
		goto out;
	rc = pd->n ? ATTEST_OK
		   : core_error(pd->p.ctx, ATTEST_ERR_NOTFOUND,
				"no scan of scope '%s' judged a configuration as of %s..%s",
				pd->scope, pd->from, pd->to);
out:
	if (rc == ATTEST_ERR_DB)
		report_db_error(pd->p.store, "cannot read the period's scans");
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return rc;
}

/* Records a gap when more than the cadence passed between a and b. */
static attest_rc
gap(struct period *pd, time_t a, time_t b, const char *what)
{
	char fa[21], fb[21];
	double days = difftime(b, a) / 86400.0;

	if (days <= pd->cadence)
		return ATTEST_OK;
	core_time_iso(a, fa);
	core_time_iso(b, fb);
	if (json_array_append_new(pd->gaps, json_pack("{s:s, s:s, s:f, s:s}", "from", fa, "to", fb,
						      "days", days, "between", what)) != 0)
		return core_nomem(pd->p.ctx);
	return ATTEST_OK;
}

static attest_rc
find_gaps(struct period *pd)
{
	size_t i;
	attest_rc rc;

	if (!(pd->gaps = json_array()))
		return core_nomem(pd->p.ctx);
	if ((rc = gap(pd, pd->from_t, pd->s[0].t, "the period's start and its first scan")))
		return rc;
	for (i = 0; i + 1 < pd->n; i++)
		if ((rc = gap(pd, pd->s[i].t, pd->s[i + 1].t, "two scans")))
			return rc;
	return gap(pd, pd->s[pd->n - 1].t, pd->end_t,
		   pd->end_t < pd->to_t ? "the last scan and now (the period is not over)"
					: "the last scan and the period's end");
}

/* scans/NNN-ID/oscal.xml and summary.txt of each scan. */
static attest_rc
write_scans(struct period *pd, json_t *list)
{
	char dir[300], rel[400];
	FILE *fp;
	size_t i;
	attest_rc rc;

	if ((rc = pkg_make_dir(&pd->p, "scans")) != ATTEST_OK)
		return rc;
	for (i = 0; i < pd->n; i++) {
		snprintf(dir, sizeof(dir), "scans/%03zu-%s", i + 1, pd->s[i].id);
		if ((rc = pkg_make_dir(&pd->p, dir)) != ATTEST_OK)
			return rc;
		snprintf(rel, sizeof(rel), "%s/oscal.xml", dir);
		if ((rc = pkg_open(&pd->p, rel, &fp)) != ATTEST_OK)
			return rc;
		if ((rc = attest_report_oscal(pd->p.store, pd->s[i].id, fp)) != ATTEST_OK) {
			fclose(fp);
			return rc;
		}
		if ((rc = pkg_close(&pd->p, fp, rel)) != ATTEST_OK)
			return rc;
		snprintf(rel, sizeof(rel), "%s/summary.txt", dir);
		if ((rc = pkg_open(&pd->p, rel, &fp)) != ATTEST_OK)
			return rc;
		if ((rc = attest_report_summary(pd->p.store, pd->s[i].id, fp, false)) !=
		    ATTEST_OK) {
			fclose(fp);
			return rc;
		}
		if ((rc = pkg_close(&pd->p, fp, rel)) != ATTEST_OK)
			return rc;
		if (json_array_append_new(
			    list, json_pack("{s:s, s:s, s:s, s:I, s:s}", "id", pd->s[i].id, "as_of",
					    pd->s[i].as_of, "started_at", pd->s[i].started_at,
					    "resources", (json_int_t)pd->s[i].resources,
					    "directory", dir)) != 0)
			return core_nomem(pd->p.ctx);
	}
	return ATTEST_OK;
}

/* period/scans.csv, period/cadence-gaps.csv and the registers of each scan. */
static attest_rc
write_lists(struct period *pd)
{
	static const char *const rel[] = {"period/scans.csv", "period/cadence-gaps.csv",
					  "period/exceptions.csv", "period/attestations.csv"};
	json_t *g;
	FILE *fp;
	size_t i, k;
	attest_rc rc = ATTEST_OK;

	for (k = 0; k < 4 && rc == ATTEST_OK; k++) {
		if ((rc = pkg_open(&pd->p, rel[k], &fp)) != ATTEST_OK)
			return rc;
		if (k == 0)
			fputs("seq,scan,as_of,started_at,resources,directory\n", fp);
		else if (k == 1)
			fputs("from,to,days,between\n", fp);
		else
			fprintf(fp, "scan,as_of,%.*s,in_force_on_as_of\n",
				(int)strlen(k == 2 ? PKG_EXCEPTIONS_HEADER
						   : PKG_ATTESTATIONS_HEADER) -
					1,
				k == 2 ? PKG_EXCEPTIONS_HEADER : PKG_ATTESTATIONS_HEADER);
		for (i = 0; k == 0 && i < pd->n; i++)
			fprintf(fp, "%zu,%s,%s,%s,%lld,scans/%03zu-%s/\n", i + 1, pd->s[i].id,
				pd->s[i].as_of, pd->s[i].started_at, pd->s[i].resources, i + 1,
				pd->s[i].id);
		json_array_foreach(k == 1 ? pd->gaps : NULL, i, g) fprintf(
			fp, "%s,%s,%.1f,%s\n", json_string_value(json_object_get(g, "from")),
			json_string_value(json_object_get(g, "to")),
			json_real_value(json_object_get(g, "days")),
			json_string_value(json_object_get(g, "between")));
		for (i = 0; k >= 2 && i < pd->n && rc == ATTEST_OK; i++)
			rc = k == 2 ? pkg_exception_rows(&pd->p, pd->s[i].id, pd->s[i].as_of, fp,
							 &pd->exceptions, &pd->lapsed_exceptions)
				    : pkg_attestation_rows(&pd->p, pd->s[i].id, pd->s[i].as_of, fp,
							   &pd->attestations,
							   &pd->lapsed_attestations);
		if (rc != ATTEST_OK) {
			fclose(fp);
			return rc;
		}
		rc = pkg_close(&pd->p, fp, rel[k]);
	}
	return rc;
}

static const char *const folders[] = {
	"scans/NNN-SCAN/",
	"one folder per scan of the period, in the order of the dates of the configurations "
	"they judged (as_of): oscal.xml, its NIST OSCAL assessment results, and summary.txt, "
	"its summary (scores, coverage, control counts)",
	"period/scans.csv",
	"the scans: order, scan id, as_of, when the scan ran, resources, folder",
	"period/controls.csv",
	"one row per control of each framework: its status in each scan (one column per scan, "
	"headed by its as_of and id; empty when the scan did not assess it), how many scans "
	"found it failing, its longest run of consecutive failing scans and that run's first "
	"and last as_of",
	"period/time-to-fix.csv",
	"one row per failing finding fixed in the period: check, account, region, resource, "
	"when its run of failing scans began (failing_at_period_start yes: it may have begun "
	"before), the as_of and scan that found it passing ('fixed') or gone while its check "
	"was evaluated ('removed'), and the days between. A finding that became excepted is "
	"not fixed",
	"period/exceptions.csv",
	"the exceptions of each scan: one row per scan and exception, with its state when the "
	"scan ran ('in force' or 'lapsed on DATE'), lapsed (yes/no), and in_force_on_as_of: "
	"whether it was approved by and not expired on the date of the configuration judged",
	"period/attestations.csv",
	"the attestations of manual controls of each scan, flagged the same way (attested by "
	"and not expired on the as_of date)",
	"period/cadence-gaps.csv",
	"every stretch longer than the cadence without a scan (see Warnings and limitations)",
	PKG_CERTIFICATE,
	"the signing key's X.509 certificate (only when packaged with --cert)",
	NULL,
	NULL,
};

static attest_rc
write_readme(struct period *pd)
{
	struct pkg_readme r = {0};
	struct core_buf about, notes;
	json_t *g;
	size_t i;
	attest_rc rc;

	core_buf_init(&about, 1u << 16);
	core_buf_init(&notes, 1u << 20);
	core_buf_printf(&about,
			"The period audit package of scope %s for %s..%s: the %zu scans whose "
			"configuration dates (as_of) fall in the period, from %s to %s. %zu "
			"controls in the timeline, %zu findings fixed in the period; %zu "
			"exception rows (%zu lapsed) and %zu attestation rows (%zu lapsed) over "
			"the scan dates.",
			pd->scope, pd->from, pd->to, pd->n, pd->s[0].as_of, pd->s[pd->n - 1].as_of,
			pd->controls, pd->fixed, pd->exceptions, pd->lapsed_exceptions,
			pd->attestations, pd->lapsed_attestations);
	core_buf_printf(&notes, "Cadence: a scan at least every %d days is expected. ",
			pd->cadence);
	if (!json_array_size(pd->gaps))
		core_buf_printf(&notes, "No stretch of the period went longer without one.\n");
	else
		core_buf_printf(&notes,
				"%zu stretch%s went longer without a scan; the state of the "
				"estate during %s is not evidenced by this package:\n",
				json_array_size(pd->gaps),
				json_array_size(pd->gaps) == 1 ? "" : "es",
				json_array_size(pd->gaps) == 1 ? "it" : "them");
	json_array_foreach(pd->gaps, i, g)
		core_buf_printf(&notes, "- no scan for %.1f days, from %s to %s (between %s)\n",
				json_real_value(json_object_get(g, "days")),
				json_string_value(json_object_get(g, "from")),
				json_string_value(json_object_get(g, "to")),
				json_string_value(json_object_get(g, "between")));
	if (!about.data || !notes.data) {
		rc = core_nomem(pd->p.ctx);
		goto out;
	}
	r.title = "attest period audit package";
	r.about = about.data;
	r.folders = folders;
	r.cert = pd->o->cert_path != NULL;
	r.notes = notes.data;
	rc = pkg_write_readme(&pd->p, &r);
out:
	core_buf_release(&about);
	core_buf_release(&notes);
	return rc;
}

static attest_rc
parse_period(struct period *pd, time_t now)
{
	attest_ctx *ctx = pd->p.ctx;
	attest_rc rc;

	if (!pd->o->from || !pd->o->to)
		return core_error(ctx, ATTEST_ERR_USAGE, "a period needs FROM..TO");
	if ((rc = history_time_bound(ctx, "--period", pd->o->from, false, pd->from)) ||
	    (rc = history_time_bound(ctx, "--period", pd->o->to, true, pd->to)))
		return rc;
	core_time_parse(pd->from, &pd->from_t);
	core_time_parse(pd->to, &pd->to_t);
	if (pd->from_t > pd->to_t)
		return core_error(ctx, ATTEST_ERR_USAGE, "the period %s..%s ends before it starts",
				  pd->from, pd->to);
	if (pd->o->cadence_days < 0)
		return core_error(ctx, ATTEST_ERR_USAGE, "a cadence is a number of days, not %d",
				  pd->o->cadence_days);
	pd->cadence = pd->o->cadence_days ? pd->o->cadence_days : DEFAULT_CADENCE;
	pd->end_t = pd->to_t < now ? pd->to_t : now;
	return ATTEST_OK;
}

attest_rc
attest_package_period(attest_store *store, const struct attest_period_opts *o, const char *out_path,
		      struct attest_period_info *info)
{
	struct period pd = {.p = {.ctx = store_ctx(store), .store = store}, .o = o};
	json_t *m = NULL, *scans = json_array();
	char when[21];
	time_t now = time(NULL);
	size_t i;
	attest_rc rc;

	memset(info, 0, sizeof(*info));
	if (!scans) {
		rc = core_nomem(pd.p.ctx);
		goto out;
	}
	if ((rc = parse_period(&pd, now)) != ATTEST_OK ||
	    (rc = pkg_begin(&pd.p, o->key_path, out_path)) != ATTEST_OK ||
	    (rc = choose_scope(&pd)) != ATTEST_OK || (rc = load_scans(&pd)) != ATTEST_OK ||
	    (rc = find_gaps(&pd)) != ATTEST_OK || (rc = write_scans(&pd, scans)) != ATTEST_OK ||
	    (rc = pkg_make_dir(&pd.p, "period")) != ATTEST_OK ||
	    (rc = pkg_write_timeline(&pd.p, pd.s, pd.n, &pd.controls, &pd.fixed)) != ATTEST_OK ||
	    (rc = write_lists(&pd)) != ATTEST_OK)
		goto out;
	if (o->cert_path && (rc = pkg_copy_certificate(&pd.p, o->cert_path)) != ATTEST_OK)
		goto out;
	if ((rc = write_readme(&pd)) != ATTEST_OK)
		goto out;
	core_time_iso(now, when);
	m = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:i, s:O}, s:O, s:o, s:s}", "format",
		      PKG_FORMAT, "kind", "period", "attest_version", attest_version(),
		      "created_at", when, "period", "from", pd.from, "to", pd.to, "scope", pd.scope,
		      "cadence_days", pd.cadence, "cadence_gaps", pd.gaps, "scans", scans,
		      "signature", pkg_signature_json(&pd.p, o->cert_path != NULL), "readme",
		      PKG_README);
	if (!m) {
		rc = core_nomem(pd.p.ctx);
		goto out;
	}
	info->files = pd.p.n_files;
	info->scans = pd.n;
	info->gaps = json_array_size(pd.gaps);
	info->fixed = pd.fixed;
	snprintf(info->scope, sizeof(info->scope), "%s", pd.scope);
	snprintf(info->algorithm, sizeof(info->algorithm), "%s", pd.p.algorithm);
	rc = pkg_seal(&pd.p, m, out_path, now);
out:
	sqlite3_exec(store_db(store), "DROP TABLE IF EXISTS temp.pkg_period", NULL, NULL, NULL);
	pkg_end(&pd.p);
	for (i = 0; i < pd.n; i++) {
		free(pd.s[i].id);
		free(pd.s[i].as_of);
		free(pd.s[i].started_at);
	}
	free(pd.s);
	free(pd.scope);
	json_decref(pd.gaps);
	json_decref(scans);
	json_decref(m);
	return rc;
}
