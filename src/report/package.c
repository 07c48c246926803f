/*
 * The audit package of a stored scan (doc/audit-package.md): every report
 * format, the evidence of each control as JSON, the inventory files the scan
 * read, and manifest.json listing every file with its SHA-256 and size,
 * signed into manifest.sig. The package is built in a private directory
 * beside the destination and renamed into place (or archived into a
 * temporary file that is renamed), so a failure leaves nothing behind.
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pkg {
	attest_ctx *ctx;
	attest_store *store;
	const char *id;
	char root[4096];
	char **files; /* relative paths of the files written */
	size_t n_files, cap_files;
	char **dirs;  /* directories created, in order */
	size_t n_dirs, cap_dirs;
};

static attest_rc
push(attest_ctx *ctx, char ***v, size_t *n, size_t *cap, const char *s)
{
	char *copy = attest_strdup(s);

	if (!copy)
		return attest_nomem(ctx);
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		char **nv = realloc(*v, c * sizeof(*nv));

		if (!nv) {
			free(copy);
			return attest_nomem(ctx);
		}
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = copy;
	return ATTEST_OK;
}

static attest_rc
full_path(struct pkg *p, const char *rel, char *out, size_t size)
{
	if ((size_t)snprintf(out, size, "%s/%s", p->root, rel) >= size)
		return attest_error(p->ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", rel);
	return ATTEST_OK;
}

static attest_rc
make_dir(struct pkg *p, const char *rel)
{
	char full[4096];
	attest_rc rc;

	if ((rc = full_path(p, rel, full, sizeof(full))) != ATTEST_OK)
		return rc;
	if (mkdir(full, 0755) != 0)
		return errno == EEXIST ? ATTEST_OK
				       : attest_error(p->ctx, ATTEST_ERR_IO, "cannot create '%s': %s",
						      full, strerror(errno));
	return push(p->ctx, &p->dirs, &p->n_dirs, &p->cap_dirs, rel);
}

/* Opens rel for writing and records it as a file of the package. */
static attest_rc
open_file(struct pkg *p, const char *rel, FILE **fp)
{
	char full[4096];
	attest_rc rc;

	*fp = NULL;
	if (!pkg_path_safe(rel))
		return attest_error(p->ctx, ATTEST_ERR_INTERNAL, "unsafe package path '%s'", rel);
	if ((rc = full_path(p, rel, full, sizeof(full))) != ATTEST_OK)
		return rc;
	if (!(*fp = fopen(full, "wbx")))
		return attest_error(p->ctx, ATTEST_ERR_IO, "cannot create '%s': %s", full,
				    strerror(errno));
	if ((rc = push(p->ctx, &p->files, &p->n_files, &p->cap_files, rel)) != ATTEST_OK) {
		fclose(*fp);
		*fp = NULL;
	}
	return rc;
}

static attest_rc
close_file(struct pkg *p, FILE *fp, const char *rel)
{
	bool bad = fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0;

	if (fclose(fp) != 0 || bad)
		return attest_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s' of the package: %s",
				    rel, strerror(errno));
	return ATTEST_OK;
}

/* A name component made of s: characters other than letters, digits, '-',
 * '_' and '.' (and a leading '.') become %XX, so that different ids never
 * share a file name and no name can climb out of its directory. */
static void
encode(const char *s, char *out, size_t size)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t o = 0;
	const unsigned char *c;

	for (c = (const unsigned char *)s; *c && o + 4 < size; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
		    (*c == '.' && c != (const unsigned char *)s)) {
			out[o++] = (char)*c;
		} else {
			out[o++] = '%';
			out[o++] = hexd[*c >> 4];
			out[o++] = hexd[*c & 15];
		}
	}
	if (o == 0 && size > 1)
		out[o++] = '_';
	out[o] = '\0';
}

static attest_rc
write_reports(struct pkg *p, const struct attest_package_opts *o, json_t *list)
{
	char rel[512];
	FILE *fp;
	size_t i;
	attest_rc rc;

	if ((rc = make_dir(p, "reports")) != ATTEST_OK)
		return rc;
	for (i = 0; i < o->n_reports; i++) {
		snprintf(rel, sizeof(rel), "reports/%s", o->reports[i].file);
		if ((rc = open_file(p, rel, &fp)) != ATTEST_OK)
			return rc;
		rc = o->reports[i].render(p->store, p->id, fp);
		if (rc != ATTEST_OK) {
			fclose(fp);
			attest_error_prefix(p->ctx, "cannot write the %s report: ",
					    o->reports[i].name);
			return rc;
		}
		if ((rc = close_file(p, fp, rel)) != ATTEST_OK)
			return rc;
		if (json_array_append_new(list, json_pack("{s:s, s:s}", "format", o->reports[i].name,
							  "file", rel)) != 0)
			return attest_nomem(p->ctx);
	}
	return ATTEST_OK;
}

static json_t *
col_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		       ? json_null()
		       : json_string(report_text(st, col));
}

/* Writes one value as "key": value, compact, then a separator. */
static bool
put(FILE *fp, const char *key, json_t *v, const char *sep)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	bool ok = s && fprintf(fp, "\"%s\": %s%s", key, s, sep) > 0;

	free(s);
	json_decref(v);
	return ok;
}

static const char checks_sql[] =
	"SELECT m.check_id, k.title, k.severity, k.status, k.reason, k.n_pass, k.n_fail,"
	"  k.n_error, k.n_not_applicable, k.n_excepted"
	"  FROM scan_control_checks m LEFT JOIN scan_checks k"
	"    ON k.scan_id = m.scan_id AND k.check_id = m.check_id"
	"  WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3 ORDER BY m.check_id";
static const char findings_sql[] =
	"SELECT f.check_id, f.status, f.resource_type, f.resource_id, f.arn, f.name, f.region,"
	"  f.account, f.reason, f.evidence, f.exception_id"
	"  FROM scan_control_checks m JOIN findings f"
	"    ON f.scan_id = m.scan_id AND f.check_id = m.check_id"
	"  WHERE m.scan_id = ?1 AND m.framework = ?2 AND m.control_id = ?3"
	"  ORDER BY m.check_id, f.finding_id";
static const char attest_sql[] =
	"SELECT attested_by, attested_on, statement, evidence, evidence_href, expires, active"
	"  FROM scan_attestations WHERE scan_id = ?1 AND framework = ?2 AND control_id = ?3";

static void
bind3(sqlite3_stmt *st, const char *id, const char *fw, const char *ctl)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, fw, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, ctl, -1, SQLITE_TRANSIENT);
}

/* The body of one control's evidence file, streamed finding by finding. */
static bool
control_body(struct pkg *p, FILE *fp, sqlite3_stmt *ctl, sqlite3_stmt *chk, sqlite3_stmt *fnd,
	     sqlite3_stmt *att)
{
	const char *fw = report_text(ctl, 0), *cid = report_text(ctl, 1);
	json_t *checks = json_array(), *a = json_null();
	bool ok, first = true;

	bind3(chk, p->id, fw, cid);
	while (checks && sqlite3_step(chk) == SQLITE_ROW)
		json_array_append_new(
			checks,
			json_pack("{s:s, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}}", "id",
				  report_text(chk, 0), "title", col_or_null(chk, 1), "severity",
				  col_or_null(chk, 2), "status", col_or_null(chk, 3), "reason",
				  col_or_null(chk, 4), "counts", "pass",
				  (json_int_t)sqlite3_column_int64(chk, 5), "fail",
				  (json_int_t)sqlite3_column_int64(chk, 6), "error",
				  (json_int_t)sqlite3_column_int64(chk, 7), "not_applicable",
				  (json_int_t)sqlite3_column_int64(chk, 8), "excepted",
				  (json_int_t)sqlite3_column_int64(chk, 9)));
	bind3(att, p->id, fw, cid);
	if (sqlite3_step(att) == SQLITE_ROW)
		a = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:b}", "attested_by",
			      report_text(att, 0), "attested_on", report_text(att, 1), "statement",
			      report_text(att, 2), "evidence", col_or_null(att, 3), "evidence_href",
			      col_or_null(att, 4), "expires", report_text(att, 5), "active",
			      sqlite3_column_int(att, 6));
	ok = fputs("{", fp) >= 0 && put(fp, "scan", json_string(p->id), ",\n") &&
	     put(fp, "framework",
		 json_pack("{s:s, s:o, s:o}", "id", fw, "title", col_or_null(ctl, 8), "version",
			   col_or_null(ctl, 9)),
		 ",\n") &&
	     put(fp, "control",
		 json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", cid, "title",
			   col_or_null(ctl, 2), "section", col_or_null(ctl, 3), "level",
			   col_or_null(ctl, 4), "assessment", col_or_null(ctl, 5), "status",
			   col_or_null(ctl, 6), "description", col_or_null(ctl, 7)),
		 ",\n") &&
	     put(fp, "attestation", a, ",\n") && put(fp, "checks", checks, ",\n") &&
	     fputs("\"findings\": [", fp) >= 0;
	bind3(fnd, p->id, fw, cid);
	while (ok && sqlite3_step(fnd) == SQLITE_ROW) {
		json_t *f = json_pack(
			"{s:s, s:s, s:{s:o, s:o, s:o, s:o, s:o, s:o}, s:o, s:o, s:o}", "check",
			report_text(fnd, 0), "status", report_text(fnd, 1), "resource", "type",
			col_or_null(fnd, 2), "id", col_or_null(fnd, 3), "arn", col_or_null(fnd, 4),
			"name", col_or_null(fnd, 5), "region", col_or_null(fnd, 6), "account",
			col_or_null(fnd, 7), "reason", col_or_null(fnd, 8), "evidence",
			report_json_col(fnd, 9), "exception", col_or_null(fnd, 10));
		char *s = f ? json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

		ok = s && fprintf(fp, "%s\n%s", first ? "" : ",", s) > 0;
		first = false;
		free(s);
		json_decref(f);
	}
	return ok && fputs("]}\n", fp) >= 0;
}

static attest_rc
write_evidence(struct pkg *p, size_t *controls)
{
	sqlite3 *db = attest_store_db(p->store);
	sqlite3_stmt *ctl, *chk = NULL, *fnd = NULL, *att = NULL;
	char fwdir[300], rel[700], enc[300];
	FILE *fp = NULL;
	attest_rc rc = ATTEST_ERR_DB;

	*controls = 0;
	ctl = report_query(p->store,
			   "SELECT c.framework, c.control_id, c.title, c.section, c.level,"
			   "  c.assessment, c.status, c.description, f.title, f.version"
			   "  FROM scan_controls c LEFT JOIN scan_frameworks f"
			   "    ON f.scan_id = c.scan_id AND f.framework = c.framework"
			   "  WHERE c.scan_id = ?1 ORDER BY f.seq, c.framework, c.seq, c.control_id",
			   p->id);
	if (!ctl)
		return ATTEST_ERR_DB;
	if (sqlite3_prepare_v2(db, checks_sql, -1, &chk, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, findings_sql, -1, &fnd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, attest_sql, -1, &att, NULL) != SQLITE_OK)
		goto out;
	if ((rc = make_dir(p, "evidence")) != ATTEST_OK)
		goto out;
	while (sqlite3_step(ctl) == SQLITE_ROW) {
		encode(report_text(ctl, 0), enc, sizeof(enc));
		snprintf(fwdir, sizeof(fwdir), "evidence/%s", enc);
		if ((rc = make_dir(p, fwdir)) != ATTEST_OK)
			goto out;
		encode(report_text(ctl, 1), enc, sizeof(enc));
		snprintf(rel, sizeof(rel), "%s/%s.json", fwdir, enc);
		if ((rc = open_file(p, rel, &fp)) != ATTEST_OK)
			goto out;
		if (!control_body(p, fp, ctl, chk, fnd, att)) {
			rc = attest_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", rel,
					  ferror(fp) ? strerror(errno) : "out of memory");
			goto out;
		}
		rc = close_file(p, fp, rel);
		fp = NULL;
		if (rc != ATTEST_OK)
			goto out;
		(*controls)++;
	}
	rc = ATTEST_OK;
out:
	if (rc == ATTEST_ERR_DB)
		report_db_error(p->store, "cannot read the scan's controls");
	if (fp)
		fclose(fp);
	sqlite3_finalize(ctl);
	sqlite3_finalize(chk);
	sqlite3_finalize(fnd);
	sqlite3_finalize(att);
	return rc;
}

/* evidence/collection-gaps.json: the calls of the collection that failed,
 * which is why some checks are not evaluated (an empty list when none did). */
static attest_rc
write_gaps(struct pkg *p)
{
	static const char rel[] = "evidence/collection-gaps.json";
	json_t *scan = json_string(p->id);
	FILE *fp = NULL;
	attest_rc rc;

	if (!scan)
		return attest_nomem(p->ctx);
	if ((rc = make_dir(p, "evidence")) != ATTEST_OK || (rc = open_file(p, rel, &fp)) != ATTEST_OK)
		goto out;
	fputs("{\"scan\": ", fp);
	json_dumpf(scan, fp, JSON_ENCODE_ANY);
	fputs(",\n\"collection_gaps\": ", fp);
	if ((rc = report_gaps_json(p->store, p->id, fp, "")) != ATTEST_OK)
		goto out;
	fputs("}\n", fp);
	rc = close_file(p, fp, rel);
	fp = NULL;
out:
	if (fp)
		fclose(fp);
	json_decref(scan);
	return rc;
}

/* Copies a user-supplied input file into the package; its digest must be sha. */
static attest_rc
copy_input(struct pkg *p, const char *src, const char *rel, const char *sha)
{
	char buf[65536], got[65], full[4096];
	long long bytes;
	FILE *in = NULL, *out = NULL;
	size_t n;
	attest_rc rc;

	if (!(in = fopen(src, "rb")))
		return attest_error(p->ctx, ATTEST_ERR_IO, "cannot read '%s': %s", src,
				    strerror(errno));
	if ((rc = open_file(p, rel, &out)) != ATTEST_OK)
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in)) {
		rc = attest_error(p->ctx, ATTEST_ERR_IO, "cannot read '%s': %s", src,
				  strerror(errno));
		goto out;
	}
	rc = close_file(p, out, rel);
	out = NULL;
	if (rc != ATTEST_OK || (rc = full_path(p, rel, full, sizeof(full))) != ATTEST_OK ||
	    (rc = pkg_file_digest(p->ctx, full, got, &bytes)) != ATTEST_OK)
		goto out;
	if (strcmp(got, sha) != 0)
		rc = attest_error(p->ctx, ATTEST_ERR_INVALID, "'%s' changed while it was copied",
				  src);
out:
	if (out)
		fclose(out);
	fclose(in);
	return rc;
}

static attest_rc
write_kept(struct pkg *p, const char *rel, const char *sha)
{
	FILE *fp;
	long long bytes;
	attest_rc rc;

	if ((rc = open_file(p, rel, &fp)) != ATTEST_OK)
		return rc;
	rc = store_input_write(p->store, sha, fp, &bytes);
	if (rc != ATTEST_OK) {
		fclose(fp);
		return rc;
	}
	return close_file(p, fp, rel);
}

/* Why a source is missing, from the scan's scan_inputs row; "" if kept. */
static attest_rc
kept_state(struct pkg *p, size_t seq, char *why, size_t size)
{
	sqlite3_stmt *st = report_query(p->store,
					"SELECT kept, note FROM scan_inputs"
					" WHERE scan_id = ?1 AND seq = ?2",
					p->id);

	if (!st)
		return ATTEST_ERR_DB;
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	if (sqlite3_step(st) != SQLITE_ROW)
		snprintf(why, size, "the scan was stored without --keep-inputs, and no copy was "
				    "given with --input");
	else if (!sqlite3_column_int(st, 0))
		snprintf(why, size, "no copy was kept when the scan was stored: %s",
			 report_text(st, 1));
	else
		why[0] = '\0';
	sqlite3_finalize(st);
	return ATTEST_OK;
}

static attest_rc
write_inventory(struct pkg *p, const struct attest_package_opts *o, json_t *sources,
		json_t *inv, struct attest_package_info *info)
{
	char (*digests)[65] = NULL, why[400], rel[300], enc[200];
	const char *path, *sha, *base;
	size_t i, j;
	long long bytes;
	json_t *src, *entry, *list = json_array();
	bool complete = true;
	attest_rc rc = ATTEST_OK;

	if (!list || json_object_set_new(inv, "sources", list) != 0)
		return attest_nomem(p->ctx);
	if (o->n_inputs && !(digests = calloc(o->n_inputs, sizeof(*digests))))
		return attest_nomem(p->ctx);
	for (i = 0; i < o->n_inputs; i++) {
		if ((rc = pkg_file_digest(p->ctx, o->inputs[i], digests[i], &bytes)) != ATTEST_OK)
			goto out;
		json_array_foreach (sources, j, src)
			if (json_is_string(json_object_get(src, "sha256")) &&
			    strcmp(json_string_value(json_object_get(src, "sha256")), digests[i]) == 0)
				break;
		if (j == json_array_size(sources)) {
			rc = attest_error(p->ctx, ATTEST_ERR_INVALID,
					  "'%s' is not an input of scan %s: its SHA-256 %s matches "
					  "none of the scan's sources",
					  o->inputs[i], p->id, digests[i]);
			goto out;
		}
	}
	json_array_foreach (sources, i, src) {
		path = json_string_value(json_object_get(src, "path"));
		sha = json_string_value(json_object_get(src, "sha256"));
		path = path ? path : "";
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		encode(strcmp(path, "-") == 0 ? "stdin" : base, enc, 100);
		snprintf(rel, sizeof(rel), "inventory/%zu-%s", i + 1, enc);
		entry = json_pack("{s:s, s:O, s:O, s:O}", "path", path, "sha256",
				  json_object_get(src, "sha256") ? json_object_get(src, "sha256")
								 : json_null(),
				  "bytes",
				  json_object_get(src, "bytes") ? json_object_get(src, "bytes")
								: json_null(),
				  "format",
				  json_object_get(src, "format") ? json_object_get(src, "format")
								 : json_null());
		if (!entry || json_array_append_new(list, entry) != 0) {
			rc = attest_nomem(p->ctx);
			goto out;
		}
		info->inputs++;
		for (j = 0; sha && j < o->n_inputs; j++)
			if (strcmp(digests[j], sha) == 0)
				break;
		if (sha && j < o->n_inputs) {
			if ((rc = make_dir(p, "inventory")) != ATTEST_OK ||
			    (rc = copy_input(p, o->inputs[j], rel, sha)) != ATTEST_OK)
				goto out;
			json_object_set_new(entry, "file", json_string(rel));
			json_object_set_new(entry, "origin", json_string("--input"));
		} else if ((rc = kept_state(p, i + 1, why, sizeof(why))) != ATTEST_OK) {
			goto out;
		} else if (!why[0] && sha) {
			if ((rc = make_dir(p, "inventory")) != ATTEST_OK ||
			    (rc = write_kept(p, rel, sha)) != ATTEST_OK)
				goto out;
			json_object_set_new(entry, "file", json_string(rel));
			json_object_set_new(entry, "origin", json_string("history database"));
		} else {
			complete = false;
			if (!info->missing_reason[0])
				snprintf(info->missing_reason, sizeof(info->missing_reason),
					 "'%s': %s", path, why);
			json_object_set_new(entry, "file", json_null());
			json_object_set_new(entry, "missing", json_string(why));
			continue;
		}
		info->inputs_included++;
	}
	if (!complete && o->require_inventory) {
		rc = attest_error(p->ctx, ATTEST_ERR_NOTFOUND,
				  "the inventory of scan %s is not available (%s); no package "
				  "written",
				  p->id, info->missing_reason);
		goto out;
	}
	json_object_set_new(inv, "complete", json_boolean(complete));
out:
	free(digests);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* manifest.json: everything written so far, then its signature. */
static attest_rc
write_manifest(struct pkg *p, json_t *m, EVP_PKEY *key)
{
	json_t *files = json_array();
	char full[4096], sha[65];
	unsigned char *sig = NULL;
	size_t i, sig_len = 0;
	long long bytes;
	char *text = NULL;
	FILE *fp = NULL;
	attest_rc rc;

	if (!files || json_object_set_new(m, "files", files) != 0)
		return attest_nomem(p->ctx);
	qsort(p->files, p->n_files, sizeof(*p->files), cmp_str);
	for (i = 0; i < p->n_files; i++) {
		if ((rc = full_path(p, p->files[i], full, sizeof(full))) != ATTEST_OK ||
		    (rc = pkg_file_digest(p->ctx, full, sha, &bytes)) != ATTEST_OK)
			return rc;
		if (json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "path", p->files[i],
							   "sha256", sha, "bytes",
							   (json_int_t)bytes)) != 0)
			return attest_nomem(p->ctx);
	}
	if (!(text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		return attest_nomem(p->ctx);
	if ((rc = pkg_sign(p->ctx, key, text, strlen(text), &sig, &sig_len)) != ATTEST_OK)
		goto out;
	if ((rc = open_file(p, PKG_MANIFEST, &fp)) != ATTEST_OK)
		goto out;
	if (fwrite(text, 1, strlen(text), fp) != strlen(text))
		errno = EIO;
	rc = close_file(p, fp, PKG_MANIFEST);
	if (rc != ATTEST_OK || (rc = open_file(p, PKG_SIGNATURE, &fp)) != ATTEST_OK)
		goto out;
	if (fwrite(sig, 1, sig_len, fp) != sig_len)
		errno = EIO;
	rc = close_file(p, fp, PKG_SIGNATURE);
out:
	free(sig);
	free(text);
	return rc;
}

static attest_rc
copy_certificate(struct pkg *p, const char *path, EVP_PKEY *key)
{
	struct attest_buf pem;
	char buf[4096];
	EVP_PKEY *ck = NULL;
	FILE *in, *out = NULL;
	size_t n;
	attest_rc rc;

	attest_buf_init(&pem, PKG_MAX_SMALL);
	if (!(in = fopen(path, "rb")))
		return attest_error(p->ctx, ATTEST_ERR_IO, "cannot read certificate '%s': %s", path,
				    strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if ((rc = attest_buf_add(&pem, buf, n)) != ATTEST_OK) {
			rc = attest_error(p->ctx, rc, "certificate '%s' is too large", path);
			goto out;
		}
	if ((rc = pkg_cert_key(p->ctx, pem.data ? pem.data : "", pem.len, path, &ck)) !=
	    ATTEST_OK)
		goto out;
	if (EVP_PKEY_eq(ck, key) != 1) {
		rc = attest_error(p->ctx, ATTEST_ERR_INVALID,
				  "certificate '%s' is not the certificate of the signing key", path);
		goto out;
	}
	if ((rc = open_file(p, PKG_CERTIFICATE, &out)) != ATTEST_OK)
		goto out;
	if (fwrite(pem.data, 1, pem.len, out) != pem.len)
		errno = EIO;
	rc = close_file(p, out, PKG_CERTIFICATE);
out:
	EVP_PKEY_free(ck);
	attest_buf_release(&pem);
	fclose(in);
	return rc;
}

static void
pkg_cleanup(struct pkg *p, bool remove_all)
{
	char full[4096];
	size_t i;

	for (i = 0; i < p->n_files; i++) {
		if (remove_all && full_path(p, p->files[i], full, sizeof(full)) == ATTEST_OK)
			unlink(full);
		free(p->files[i]);
	}
	for (i = p->n_dirs; i-- > 0;) {
		if (remove_all && full_path(p, p->dirs[i], full, sizeof(full)) == ATTEST_OK)
			rmdir(full);
		free(p->dirs[i]);
	}
	if (remove_all)
		rmdir(p->root);
	free(p->files);
	free(p->dirs);
}

static bool
is_archive(const char *path)
{
	size_t n = strlen(path);

	return (n > 7 && strcmp(path + n - 7, ".tar.gz") == 0) ||
	       (n > 4 && strcmp(path + n - 4, ".tgz") == 0);
}

/* Moves the finished package into place. */
static attest_rc
finish(struct pkg *p, const char *out_path, time_t now, bool *staged_gone)
{
	char tmp[4096];
	mode_t mask = umask(0);
	FILE *fp;
	int fd;
	attest_rc rc;

	umask(mask);
	if (!is_archive(out_path)) {
		chmod(p->root, 0777 & ~mask);
		if (rename(p->root, out_path) != 0)
			return attest_error(p->ctx, ATTEST_ERR_IO, "cannot create '%s': %s", out_path,
					    errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR
						    ? "it exists already and is not an empty "
						      "directory"
						    : strerror(errno));
		*staged_gone = true;
		return ATTEST_OK;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", out_path) >= sizeof(tmp))
		return attest_error(p->ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", out_path);
	if ((fd = mkstemp(tmp)) < 0)
		return attest_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", out_path,
				    strerror(errno));
	fchmod(fd, 0666 & ~mask);
	if (!(fp = fdopen(fd, "wb"))) {
		close(fd);
		unlink(tmp);
		return attest_nomem(p->ctx);
	}
	rc = pkg_tar_write(p->ctx, p->root, p->files, p->n_files, now, fp, out_path);
	if (rc == ATTEST_OK && (fflush(fp) != 0 || fsync(fd) != 0))
		rc = attest_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", out_path,
				  strerror(errno));
	if (fclose(fp) != 0 && rc == ATTEST_OK)
		rc = attest_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", out_path,
				  strerror(errno));
	if (rc == ATTEST_OK && rename(tmp, out_path) != 0)
		rc = attest_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", out_path,
				  strerror(errno));
	if (rc != ATTEST_OK)
		unlink(tmp);
	return rc;
}

static json_t *
scan_header(struct pkg *p, json_t **sources)
{
	sqlite3_stmt *st = report_query(p->store,
					"SELECT started_at, finished_at, as_of, attest_version, scope,"
					" inventory_sha256, resource_count, sources FROM scans"
					" WHERE scan_id = ?1",
					p->id);
	json_t *scan = NULL;

	*sources = NULL;
	if (!st)
		return NULL;
	if (sqlite3_step(st) != SQLITE_ROW) {
		attest_error(p->ctx, ATTEST_ERR_NOTFOUND, "no scan '%s' in '%s'", p->id,
			     store_path(p->store));
	} else {
		scan = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", p->id,
				 "started_at", report_text(st, 0), "finished_at", report_text(st, 1),
				 "as_of", report_text(st, 2), "attest_version", report_text(st, 3),
				 "scope", report_text(st, 4), "inventory_sha256", report_text(st, 5),
				 "resources", (json_int_t)sqlite3_column_int64(st, 6));
		*sources = report_json_col(st, 7);
		if (!scan || !json_is_array(*sources)) {
			json_decref(scan);
			json_decref(*sources);
			scan = *sources = NULL;
			attest_error(p->ctx, ATTEST_ERR_INVALID,
				     "scan '%s' has no readable list of sources", p->id);
		}
	}
	sqlite3_finalize(st);
	return scan;
}

attest_rc
attest_package_write(attest_store *store, const char *scan_id,
		     const struct attest_package_opts *o, const char *out_path,
		     struct attest_package_info *info)
{
	struct pkg p = {.ctx = attest_store_ctx(store), .store = store, .id = scan_id};
	json_t *m = NULL, *scan = NULL, *sources = NULL, *reports = json_array();
	json_t *inv = json_object(), *sig = NULL;
	EVP_PKEY *key = NULL;
	char fp[65], when[21];
	time_t now = time(NULL);
	size_t controls = 0;
	bool staged = false, staged_gone = false;
	attest_rc rc;

	memset(info, 0, sizeof(*info));
	if (!reports || !inv) {
		rc = attest_nomem(p.ctx);
		goto out;
	}
	/* The key first: a bad key must cost nothing. */
	if (!o->key_path) {
		rc = attest_error(p.ctx, ATTEST_ERR_USAGE, "a package is signed: a key is needed");
		goto out;
	}
	if ((rc = pkg_key_load(p.ctx, o->key_path, &key)) != ATTEST_OK ||
	    (rc = pkg_key_fingerprint(p.ctx, key, fp)) != ATTEST_OK)
		goto out;
	if (!(scan = scan_header(&p, &sources))) {
		rc = ATTEST_ERR_NOTFOUND;
		goto out;
	}
	if ((size_t)snprintf(p.root, sizeof(p.root), "%s.tmp-XXXXXX", out_path) >=
	    sizeof(p.root)) {
		rc = attest_error(p.ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", out_path);
		goto out;
	}
	if (!mkdtemp(p.root)) {
		rc = attest_error(p.ctx, ATTEST_ERR_IO, "cannot create a directory beside '%s': %s",
				  out_path, strerror(errno));
		goto out;
	}
	staged = true;
	if ((rc = write_reports(&p, o, reports)) != ATTEST_OK ||
	    (rc = write_evidence(&p, &controls)) != ATTEST_OK || (rc = write_gaps(&p)) != ATTEST_OK ||
	    (rc = write_inventory(&p, o, sources, inv, info)) != ATTEST_OK)
		goto out;
	if (o->cert_path && (rc = copy_certificate(&p, o->cert_path, key)) != ATTEST_OK)
		goto out;
	attest_time_iso(now, when);
	snprintf(info->algorithm, sizeof(info->algorithm), "%s", pkg_key_algorithm(key));
	sig = json_pack("{s:s, s:s, s:s, s:s, s:o}", "file", PKG_SIGNATURE, "encoding", "raw",
			"algorithm", info->algorithm, "public_key_sha256", fp, "certificate",
			o->cert_path ? json_string(PKG_CERTIFICATE) : json_null());
	m = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:{s:s, s:I}, s:O}", "format", PKG_FORMAT,
		      "attest_version", attest_version(), "created_at", when, "scan", scan,
		      "signature", sig, "reports", reports, "evidence", "directory", "evidence/",
		      "controls", (json_int_t)controls, "inventory", inv);
	if (!m) {
		rc = attest_nomem(p.ctx);
		goto out;
	}
	info->files = p.n_files;
	if ((rc = write_manifest(&p, m, key)) != ATTEST_OK ||
	    (rc = finish(&p, out_path, now, &staged_gone)) != ATTEST_OK)
		goto out;
out:
	if (staged)
		pkg_cleanup(&p, !staged_gone);
	EVP_PKEY_free(key);
	json_decref(m);
	json_decref(sig);
	json_decref(scan);
	json_decref(sources);
	json_decref(reports);
	json_decref(inv);
	return rc;
}
