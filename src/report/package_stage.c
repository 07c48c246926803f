/*
 * Building any audit package: a private staging directory beside the
 * destination where the files are written and recorded, the signing key
 * loaded first (a bad key costs nothing), and sealing: manifest.json
 * listing every file with its SHA-256, its signature manifest.sig, the same
 * digests in sha256sum's format (SHA256SUMS, covering the manifest too) and
 * its signature SHA256SUMS.sig, so that an auditor can check the package
 * with openssl and sha256sum alone. The staged directory is renamed into
 * place, or archived into a temporary file that is renamed; a failure
 * removes what was built.
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static attest_rc
push(attest_ctx *ctx, char ***v, size_t *n, size_t *cap, const char *s)
{
	char *copy = core_strdup(s);

	if (!copy)
		return core_nomem(ctx);
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		char **nv = realloc(*v, c * sizeof(*nv));

		if (!nv) {
			free(copy);
			return core_nomem(ctx);
		}
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = copy;
	return ATTEST_OK;
}

attest_rc
pkg_full_path(struct pkg *p, const char *rel, char *out, size_t size)
{
	if ((size_t)snprintf(out, size, "%s/%s", p->root, rel) >= size)
		return core_error(p->ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", rel);
	return ATTEST_OK;
}

attest_rc
pkg_make_dir(struct pkg *p, const char *rel)
{
	char full[4096];
	attest_rc rc;

	if ((rc = pkg_full_path(p, rel, full, sizeof(full))) != ATTEST_OK)
		return rc;
	if (mkdir(full, 0755) != 0)
		return errno == EEXIST ? ATTEST_OK
				       : core_error(p->ctx, ATTEST_ERR_IO, "cannot create '%s': %s",
						    full, strerror(errno));
	return push(p->ctx, &p->dirs, &p->n_dirs, &p->cap_dirs, rel);
}

attest_rc
pkg_open(struct pkg *p, const char *rel, FILE **fp)
{
	char full[4096];
	attest_rc rc;

	*fp = NULL;
	if (!pkg_path_safe(rel))
		return core_error(p->ctx, ATTEST_ERR_INTERNAL, "unsafe package path '%s'", rel);
	if ((rc = pkg_full_path(p, rel, full, sizeof(full))) != ATTEST_OK)
		return rc;
	if (!(*fp = fopen(full, "wbx")))
		return core_error(p->ctx, ATTEST_ERR_IO, "cannot create '%s': %s", full,
				  strerror(errno));
	if ((rc = push(p->ctx, &p->files, &p->n_files, &p->cap_files, rel)) != ATTEST_OK) {
		fclose(*fp);
		*fp = NULL;
	}
	return rc;
}

attest_rc
pkg_close(struct pkg *p, FILE *fp, const char *rel)
{
	bool bad = fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0;

	if (fclose(fp) != 0 || bad)
		return core_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s' of the package: %s",
				  rel, strerror(errno));
	return ATTEST_OK;
}

bool
pkg_encode(const char *s, char *out, size_t size)
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
	return *c == '\0';
}

void
pkg_name(const char *id, const char *suffix, size_t max, char out[PKG_MAX_NAME + 1])
{
	char enc[PKG_MAX_NAME + 1];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	size_t room = (max < PKG_MAX_NAME ? max : PKG_MAX_NAME) - strlen(suffix), keep;

	if (pkg_encode(id, enc, sizeof(enc)) && strlen(enc) <= room) {
		snprintf(out, PKG_MAX_NAME + 1, "%s%s", enc, suffix);
		return;
	}
	/* The start of the id, a visible cut, and a digest of the whole id so
	 * that two ids with the same start still name two files. */
	keep = room - 15;
	if (keep >= 2 && enc[keep - 2] == '%')
		keep -= 2;
	else if (keep >= 1 && enc[keep - 1] == '%')
		keep -= 1;
	EVP_Digest(id, strlen(id), md, &n, EVP_sha256(), NULL);
	snprintf(out, PKG_MAX_NAME + 1, "%.*s...%02x%02x%02x%02x%02x%02x%s", (int)keep, enc, md[0],
		 md[1], md[2], md[3], md[4], md[5], suffix);
}

attest_rc
pkg_close_query(struct pkg *p, FILE **fp, const char *rel, int src, const char *what)
{
	attest_rc rc;

	if (src != SQLITE_DONE)
		return report_db_error(p->store, what);
	rc = pkg_close(p, *fp, rel);
	*fp = NULL;
	return rc;
}

void
pkg_csv(FILE *fp, const char *s, const char *sep)
{
	bool quote = false, space = false;
	const char *c;

	for (c = s; *c && !quote; c++)
		quote = *c == ',' || *c == '"' || *c == '\n' || *c == '\r';
	if (quote)
		fputc('"', fp);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = true;
			continue;
		}
		if (space)
			fputc(' ', fp);
		space = false;
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	if (quote)
		fputc('"', fp);
	fputs(sep, fp);
}

attest_rc
pkg_begin(struct pkg *p, const char *key_path, const char *out_path)
{
	attest_rc rc;

	if (!key_path)
		return core_error(p->ctx, ATTEST_ERR_USAGE, "a package is signed: a key is needed");
	if ((rc = pkg_key_load(p->ctx, key_path, &p->key)) != ATTEST_OK ||
	    (rc = pkg_key_fingerprint(p->ctx, p->key, p->key_sha256)) != ATTEST_OK)
		return rc;
	snprintf(p->algorithm, sizeof(p->algorithm), "%s", pkg_key_algorithm(p->key));
	if ((size_t)snprintf(p->root, sizeof(p->root), "%s.tmp-XXXXXX", out_path) >=
	    sizeof(p->root))
		return core_error(p->ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", out_path);
	if (!mkdtemp(p->root))
		return core_error(p->ctx, ATTEST_ERR_IO,
				  "cannot create a directory beside '%s': %s", out_path,
				  strerror(errno));
	attest_tmp_register_dir(p->root);
	p->staged = true;
	return ATTEST_OK;
}

void
pkg_end(struct pkg *p)
{
	char full[4096];
	bool remove_all = p->staged && !p->gone;
	size_t i;

	for (i = 0; i < p->n_files; i++) {
		if (remove_all && pkg_full_path(p, p->files[i], full, sizeof(full)) == ATTEST_OK)
			unlink(full);
		free(p->files[i]);
	}
	for (i = p->n_dirs; i-- > 0;) {
		if (remove_all && pkg_full_path(p, p->dirs[i], full, sizeof(full)) == ATTEST_OK)
			rmdir(full);
		free(p->dirs[i]);
	}
	if (remove_all)
		rmdir(p->root);
	if (p->staged)
		attest_tmp_unregister(p->root);
	free(p->files);
	free(p->dirs);
	EVP_PKEY_free(p->key);
	p->files = p->dirs = NULL;
	p->n_files = p->n_dirs = 0;
	p->key = NULL;
}

attest_rc
pkg_copy_certificate(struct pkg *p, const char *path)
{
	struct core_buf pem;
	char buf[4096];
	EVP_PKEY *ck = NULL;
	FILE *in, *out = NULL;
	size_t n;
	attest_rc rc;

	core_buf_init(&pem, PKG_MAX_SMALL);
	if (!(in = fopen(path, "rb")))
		return core_error(p->ctx, ATTEST_ERR_IO, "cannot read certificate '%s': %s", path,
				  strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if ((rc = core_buf_add(&pem, buf, n)) != ATTEST_OK) {
			rc = core_error(p->ctx, rc, "certificate '%s' is too large", path);
			goto out;
		}
	if ((rc = pkg_cert_key(p->ctx, pem.data ? pem.data : "", pem.len, path, &ck)) != ATTEST_OK)
		goto out;
	if (EVP_PKEY_eq(ck, p->key) != 1) {
		rc = core_error(p->ctx, ATTEST_ERR_INVALID,
				"certificate '%s' is not the certificate of the signing key", path);
		goto out;
	}
	if ((rc = pkg_open(p, PKG_CERTIFICATE, &out)) != ATTEST_OK)
		goto out;
	if (fwrite(pem.data, 1, pem.len, out) != pem.len)
		errno = EIO;
	rc = pkg_close(p, out, PKG_CERTIFICATE);
out:
	EVP_PKEY_free(ck);
	core_buf_release(&pem);
	fclose(in);
	return rc;
}

json_t *
pkg_signature_json(struct pkg *p, bool with_cert)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:{s:s, s:s}}", "file", PKG_SIGNATURE,
			 "encoding", "raw", "algorithm", p->algorithm, "public_key_sha256",
			 p->key_sha256, "certificate",
			 with_cert ? json_string(PKG_CERTIFICATE) : json_null(), "checksums",
			 "file", PKG_SUMS, "signature", PKG_SUMS_SIG);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct pkg_entry *)a)->path, ((const struct pkg_entry *)b)->path);
}

attest_rc
pkg_sums_text(attest_ctx *ctx, const struct pkg_listing *l, struct core_buf *out)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].path, PKG_SUMS) != 0 &&
		    strcmp(l->v[i].path, PKG_SUMS_SIG) != 0 &&
		    core_buf_printf(out, "%s  %s\n", l->v[i].sha256, l->v[i].path) != ATTEST_OK)
			return core_nomem(ctx);
	return ATTEST_OK;
}

/* Writes data to rel and its signature to sig_rel. */
static attest_rc
write_signed(struct pkg *p, const char *rel, const char *sig_rel, const char *data, size_t len)
{
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	FILE *fp;
	attest_rc rc;

	if ((rc = pkg_sign(p->ctx, p->key, data, len, &sig, &sig_len)) != ATTEST_OK)
		return rc;
	if ((rc = pkg_open(p, rel, &fp)) != ATTEST_OK)
		goto out;
	if (fwrite(data, 1, len, fp) != len)
		errno = EIO;
	if ((rc = pkg_close(p, fp, rel)) != ATTEST_OK ||
	    (rc = pkg_open(p, sig_rel, &fp)) != ATTEST_OK)
		goto out;
	if (fwrite(sig, 1, sig_len, fp) != sig_len)
		errno = EIO;
	rc = pkg_close(p, fp, sig_rel);
out:
	free(sig);
	return rc;
}

/* Adds rel, a file of the package, with its digest to l. */
static attest_rc
add_entry(struct pkg *p, struct pkg_listing *l, const char *rel)
{
	char full[4096];
	struct pkg_entry *e;
	attest_rc rc;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct pkg_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return core_nomem(p->ctx);
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n];
	if ((rc = pkg_full_path(p, rel, full, sizeof(full))) != ATTEST_OK ||
	    (rc = pkg_file_digest(p->ctx, full, e->sha256, &e->bytes)) != ATTEST_OK)
		return rc;
	if (!(e->path = core_strdup(rel)))
		return core_nomem(p->ctx);
	l->n++;
	return ATTEST_OK;
}

/* The digests of the files written from the first'th on, added to l, which
 * is then sorted by path. */
static attest_rc
list_files(struct pkg *p, struct pkg_listing *l, size_t first)
{
	size_t i;
	attest_rc rc;

	for (i = first; i < p->n_files; i++)
		if ((rc = add_entry(p, l, p->files[i])) != ATTEST_OK)
			return rc;
	qsort(l->v, l->n, sizeof(*l->v), cmp_entry);
	return ATTEST_OK;
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
finish(struct pkg *p, const char *out_path, time_t now)
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
			return core_error(p->ctx, ATTEST_ERR_IO, "cannot create '%s': %s", out_path,
					  errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR
						  ? "it exists already and is not an empty "
						    "directory"
						  : strerror(errno));
		attest_tmp_unregister(p->root);
		p->gone = true;
		return ATTEST_OK;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", out_path) >= sizeof(tmp))
		return core_error(p->ctx, ATTEST_ERR_LIMIT, "path too long: '%s'", out_path);
	if ((fd = mkstemp(tmp)) < 0)
		return core_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", out_path,
				  strerror(errno));
	attest_tmp_register(tmp);
	fchmod(fd, 0666 & ~mask);
	if (!(fp = fdopen(fd, "wb"))) {
		close(fd);
		attest_tmp_unregister(tmp);
		unlink(tmp);
		return core_nomem(p->ctx);
	}
	qsort(p->files, p->n_files, sizeof(*p->files), cmp_str);
	rc = pkg_tar_write(p->ctx, p->root, p->files, p->n_files, now, fp, out_path);
	if (rc == ATTEST_OK && (fflush(fp) != 0 || fsync(fd) != 0))
		rc = core_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", out_path,
				strerror(errno));
	if (fclose(fp) != 0 && rc == ATTEST_OK)
		rc = core_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", out_path,
				strerror(errno));
	if (rc == ATTEST_OK && rename(tmp, out_path) != 0)
		rc = core_error(p->ctx, ATTEST_ERR_IO, "cannot write '%s': %s", out_path,
				strerror(errno));
	attest_tmp_unregister(tmp);
	if (rc != ATTEST_OK)
		unlink(tmp);
	return rc;
}

attest_rc
pkg_seal(struct pkg *p, json_t *m, const char *out_path, time_t now)
{
	struct pkg_listing l;
	struct core_buf sums;
	json_t *files = json_array();
	char *text = NULL;
	size_t i, first;
	attest_rc rc;

	pkg_listing_init(&l);
	core_buf_init(&sums, PKG_MAX_MANIFEST);
	if (!files || json_object_set_new(m, "files", files) != 0) {
		rc = core_nomem(p->ctx);
		goto out;
	}
	if ((rc = list_files(p, &l, 0)) != ATTEST_OK)
		goto out;
	first = p->n_files;
	for (i = 0; i < l.n; i++)
		if (json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "path", l.v[i].path,
							   "sha256", l.v[i].sha256, "bytes",
							   (json_int_t)l.v[i].bytes)) != 0) {
			rc = core_nomem(p->ctx);
			goto out;
		}
	if (!(text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER | REPORT_JSON_REALS))) {
		rc = core_nomem(p->ctx);
		goto out;
	}
	if ((rc = write_signed(p, PKG_MANIFEST, PKG_SIGNATURE, text, strlen(text))) != ATTEST_OK)
		goto out;
	/* SHA256SUMS covers the manifest and its signature as well. */
	if ((rc = list_files(p, &l, first)) != ATTEST_OK ||
	    (rc = pkg_sums_text(p->ctx, &l, &sums)) != ATTEST_OK ||
	    (rc = write_signed(p, PKG_SUMS, PKG_SUMS_SIG, sums.data ? sums.data : "", sums.len)) !=
		    ATTEST_OK)
		goto out;
	rc = finish(p, out_path, now);
out:
	free(text);
	core_buf_release(&sums);
	pkg_listing_release(&l);
	return rc;
}
