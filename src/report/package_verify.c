/*
 * attest verify: checks a package, a directory or a .tar.gz, against its
 * manifest. Every file's SHA-256 and size are computed afresh and compared
 * with the manifest; files the manifest does not list, files it lists that
 * are gone and files whose content differs are each reported. The signature
 * over the manifest's exact bytes is checked with the public key the caller
 * names or, failing that, the key of the package's own certificate (which
 * proves the package is intact, not who made it). A directory is walked
 * without following symbolic links; an archive is read as a stream, never
 * extracted.
 */
#include "config.h"

#include "package_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sink {
	void (*fn)(void *data, const char *file, const char *what);
	void *data;
	long long count;
};

static void problem(struct sink *s, const char *file, const char *fmt, ...) ATTEST_PRINTF(3, 4);

static void
problem(struct sink *s, const char *file, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->count++;
	if (s->fn)
		s->fn(s->data, file, msg);
}

static attest_rc
walk(attest_ctx *ctx, const char *root, const char *rel, int depth, struct pkg_listing *l,
     struct sink *s)
{
	char full[4096], child[4096];
	unsigned char buf[65536];
	struct pkg_hashing h;
	struct dirent *d;
	struct stat st;
	DIR *dir;
	ssize_t n;
	int fd;
	attest_rc rc = ATTEST_OK;

	snprintf(full, sizeof(full), "%s%s%s", root, *rel ? "/" : "", rel);
	if (depth > 32)
		return core_error(ctx, ATTEST_ERR_LIMIT, "'%s' is nested too deeply", full);
	if (!(dir = opendir(full)))
		return core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", full,
				  strerror(errno));
	while (rc == ATTEST_OK && (errno = 0, d = readdir(dir))) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "",
				     d->d_name) >= sizeof(child) ||
		    (size_t)snprintf(full, sizeof(full), "%s/%s", root, child) >= sizeof(full)) {
			problem(s, d->d_name, "unexpected file: its name is too long");
			continue;
		}
		if (lstat(full, &st) != 0) {
			rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", full,
					strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = walk(ctx, root, child, depth + 1, l, s);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			problem(s, child, "added: not in the manifest, and not a regular file (%s)",
				S_ISLNK(st.st_mode) ? "a symbolic link" : "a special file");
			continue;
		}
		if (l->n >= PKG_MAX_FILES) {
			rc = core_error(ctx, ATTEST_ERR_LIMIT, "'%s' holds too many files", root);
			break;
		}
		if ((fd = open(full, O_RDONLY | O_NOFOLLOW)) < 0) {
			rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", full,
					strerror(errno));
			break;
		}
		if ((rc = pkg_hash_begin(ctx, l, &h, child)) != ATTEST_OK) {
			close(fd);
			break;
		}
		while (rc == ATTEST_OK && (n = read(fd, buf, sizeof(buf))) > 0)
			rc = pkg_hash_update(ctx, &h, buf, (size_t)n);
		if (rc == ATTEST_OK && n < 0)
			rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", full,
					strerror(errno));
		close(fd);
		if (rc == ATTEST_OK)
			rc = pkg_hash_end(ctx, l, &h);
		else
			pkg_hash_abort(&h);
	}
	closedir(dir);
	return rc;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct pkg_entry *)a)->path, ((const struct pkg_entry *)b)->path);
}

static const struct pkg_entry *
find(const struct pkg_listing *l, const char *path)
{
	struct pkg_entry key = {.path = (char *)(uintptr_t)path};

	return bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_entry);
}

/* The files a package holds besides those its manifest lists. */
static bool
is_fixed(const char *path)
{
	return strcmp(path, PKG_MANIFEST) == 0 || strcmp(path, PKG_SIGNATURE) == 0 ||
	       strcmp(path, PKG_SUMS) == 0 || strcmp(path, PKG_SUMS_SIG) == 0;
}

/* Compares the files found with the manifest's list. */
static void
compare(json_t *files, struct pkg_listing *l, struct sink *s, struct attest_verify_info *info)
{
	unsigned char *seen = calloc(l->n ? l->n : 1, 1);
	const struct pkg_entry *e;
	const char *path, *sha;
	json_t *f;
	size_t i;

	json_array_foreach(files, i, f)
	{
		path = json_string_value(json_object_get(f, "path"));
		sha = json_string_value(json_object_get(f, "sha256"));
		if (!path || !sha || !json_is_integer(json_object_get(f, "bytes")) ||
		    !pkg_path_safe(path)) {
			problem(s, PKG_MANIFEST, "entry %zu of \"files\" is malformed", i + 1);
			continue;
		}
		info->files++;
		if (is_fixed(path)) {
			problem(s, path,
				"listed in the manifest, which cannot list itself, the "
				"checksums or their signatures");
			continue;
		}
		if (!(e = find(l, path))) {
			problem(s, path, "missing: listed in the manifest but not in the package");
			continue;
		}
		if (seen)
			seen[e - l->v] = 1;
		if (strcmp(e->sha256, sha) != 0 ||
		    e->bytes != (long long)json_integer_value(json_object_get(f, "bytes")))
			problem(s, path,
				"changed: SHA-256 %s (%lld bytes), the manifest says %s "
				"(%lld bytes)",
				e->sha256, e->bytes, sha,
				(long long)json_integer_value(json_object_get(f, "bytes")));
	}
	for (i = 0; seen && i < l->n; i++)
		if (!seen[i] && !is_fixed(l->v[i].path))
			problem(s, l->v[i].path, "added: in the package but not in the manifest");
	if (!seen)
		problem(s, NULL, "out of memory while comparing files");
	free(seen);
}

/* SHA256SUMS must be exactly what attest package writes for the files found
 * (every file but itself and its signature, sorted, "SHA-256  path"), and
 * SHA256SUMS.sig its signature by the same key. */
static attest_rc
check_sums(attest_ctx *ctx, struct pkg_listing *l, EVP_PKEY *key, const char *pubkey_path,
	   struct sink *s)
{
	struct core_buf want;
	attest_rc rc = ATTEST_OK;

	if (!l->has_sums) {
		problem(s, PKG_SUMS, "missing: the package has no checksums list");
		return ATTEST_OK;
	}
	core_buf_init(&want, PKG_MAX_MANIFEST);
	if ((rc = pkg_sums_text(ctx, l, &want)) != ATTEST_OK)
		goto out;
	if (want.len != l->sums.len || (want.len && memcmp(want.data, l->sums.data, want.len) != 0))
		problem(s, PKG_SUMS,
			"does not list the package's files as they are (every file but "
			"%s and its signature, with its SHA-256)",
			PKG_SUMS);
	if (!l->has_sums_sig)
		problem(s, PKG_SUMS_SIG, "missing: the checksums are not signed");
	else if (!pkg_signature_valid(key, l->sums.data ? l->sums.data : "", l->sums.len,
				      l->sums_sig.data ? l->sums_sig.data : "", l->sums_sig.len))
		problem(s, PKG_SUMS_SIG, "bad signature: it does not match %s under %s", PKG_SUMS,
			pubkey_path ? pubkey_path : "the certificate's key");
out:
	core_buf_release(&want);
	return rc;
}

/* Checks the signatures; sets info->signature_valid. */
static attest_rc
check_signature(attest_ctx *ctx, struct pkg_listing *l, json_t *m, const char *pubkey_path,
		struct sink *s, struct attest_verify_info *info)
{
	json_t *sig = json_object_get(m, "signature");
	const char *want_fp = json_string_value(json_object_get(sig, "public_key_sha256"));
	const char *alg = json_string_value(json_object_get(sig, "algorithm"));
	EVP_PKEY *key = NULL, *ck = NULL;
	char fp[65];
	attest_rc rc = ATTEST_OK;

	snprintf(info->algorithm, sizeof(info->algorithm), "%s", alg ? alg : "");
	if (l->has_cert && pkg_cert_key(ctx, l->cert.data ? l->cert.data : "", l->cert.len,
					PKG_CERTIFICATE, &ck) != ATTEST_OK)
		problem(s, PKG_CERTIFICATE, "%s", attest_ctx_errmsg(ctx));
	if (pubkey_path) {
		if ((rc = pkg_pubkey_load(ctx, pubkey_path, &key)) != ATTEST_OK)
			goto out;
		if (ck && EVP_PKEY_eq(ck, key) != 1)
			problem(s, PKG_CERTIFICATE, "its public key is not the key in '%s'",
				pubkey_path);
	} else if (ck) {
		key = ck;
		ck = NULL;
		info->key_from_package = true;
	} else {
		problem(s, PKG_SIGNATURE,
			"no key to check the signature with: the package has "
			"no certificate; give --pubkey");
		goto out;
	}
	if (!l->has_sig) {
		problem(s, PKG_SIGNATURE, "missing: the package is not signed");
		goto out;
	}
	if (!alg || !pkg_key_algorithm(key) || strcmp(alg, pkg_key_algorithm(key)) != 0)
		problem(s, PKG_SIGNATURE,
			"the manifest says it was signed with %s, but the key is %s",
			alg ? alg : "(nothing)", pkg_key_algorithm(key));
	if (pkg_key_fingerprint(ctx, key, fp) == ATTEST_OK && want_fp && strcmp(fp, want_fp) != 0)
		problem(s, PKG_SIGNATURE, "the manifest names signing key %s, not this key (%s)",
			want_fp, fp);
	if (!pkg_signature_valid(key, l->manifest.data ? l->manifest.data : "", l->manifest.len,
				 l->sig.data ? l->sig.data : "", l->sig.len))
		problem(s, PKG_SIGNATURE, "bad signature: it does not match %s under %s",
			PKG_MANIFEST, pubkey_path ? pubkey_path : "the certificate's key");
	else
		info->signature_valid = true;
	rc = check_sums(ctx, l, key, pubkey_path, s);
out:
	EVP_PKEY_free(key);
	EVP_PKEY_free(ck);
	return rc;
}

attest_rc
attest_package_verify(attest_ctx *ctx, const char *package, const char *pubkey_path,
		      void (*fn)(void *data, const char *file, const char *what), void *data,
		      struct attest_verify_info *info, long long *problems)
{
	struct sink s = {fn, data, 0};
	struct pkg_listing l;
	struct stat st;
	json_error_t jerr;
	json_t *m = NULL, *files;
	const char *id, *from, *to;
	attest_rc rc;

	memset(info, 0, sizeof(*info));
	*problems = 0;
	pkg_listing_init(&l);
	if (stat(package, &st) != 0) {
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", package,
				strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		if ((rc = walk(ctx, package, "", 0, &l, &s)) != ATTEST_OK)
			goto out;
		qsort(l.v, l.n, sizeof(*l.v), cmp_entry);
	} else if ((rc = pkg_tar_list(ctx, package, &l)) != ATTEST_OK) {
		goto out;
	}
	if (!l.has_manifest) {
		problem(&s, PKG_MANIFEST,
			"missing: '%s' is not an attest package, or its manifest "
			"was removed",
			package);
		rc = ATTEST_OK;
		goto out;
	}
	m = json_loadb(l.manifest.data ? l.manifest.data : "", l.manifest.len, 0, &jerr);
	if (!m || !json_is_object(m) || !json_is_string(json_object_get(m, "format")) ||
	    strcmp(json_string_value(json_object_get(m, "format")), PKG_FORMAT) != 0 ||
	    !json_is_array(files = json_object_get(m, "files"))) {
		if (!m)
			problem(&s, PKG_MANIFEST, "not valid JSON: line %d, column %d: %s",
				jerr.line, jerr.column, jerr.text);
		else
			problem(&s, PKG_MANIFEST, "not an %s manifest", PKG_FORMAT);
		/* The signature still says whether the manifest is the signed one. */
		json_decref(m);
		m = json_object();
		files = NULL;
	}
	id = json_string_value(json_object_get(json_object_get(m, "scan"), "id"));
	snprintf(info->scan_id, sizeof(info->scan_id), "%s", id ? id : "");
	from = json_string_value(json_object_get(json_object_get(m, "period"), "from"));
	to = json_string_value(json_object_get(json_object_get(m, "period"), "to"));
	if (from && to)
		snprintf(info->period, sizeof(info->period), "%s..%s", from, to);
	info->inventory_complete =
		json_is_true(json_object_get(json_object_get(m, "inventory"), "complete"));
	if (files)
		compare(files, &l, &s, info);
	rc = check_signature(ctx, &l, m, pubkey_path, &s, info);
out:
	*problems = s.count;
	json_decref(m);
	pkg_listing_release(&l);
	return rc;
}
