/*
 * What makes a package checkable: SHA-256 digests of its files, and the
 * signature over the exact bytes of its manifest, made and checked through
 * OpenSSL's EVP_DigestSign/EVP_DigestVerify one-shot calls (Ed25519 signs
 * the message itself; RSA uses PKCS#1 v1.5 over SHA-256, which
 * `openssl dgst -sha256 -verify` checks too). Keys are read from PEM files;
 * an encrypted private key is refused rather than prompted for, because the
 * library never talks to a terminal.
 */
#include "config.h"

#include "package_int.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

void
pkg_listing_init(struct pkg_listing *l)
{
	memset(l, 0, sizeof(*l));
	core_buf_init(&l->manifest, PKG_MAX_MANIFEST);
	core_buf_init(&l->sig, PKG_MAX_SMALL);
	core_buf_init(&l->cert, PKG_MAX_SMALL);
	core_buf_init(&l->sums, PKG_MAX_MANIFEST);
	core_buf_init(&l->sums_sig, PKG_MAX_SMALL);
}

void
pkg_listing_release(struct pkg_listing *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	core_buf_release(&l->manifest);
	core_buf_release(&l->sig);
	core_buf_release(&l->cert);
	core_buf_release(&l->sums);
	core_buf_release(&l->sums_sig);
	memset(l, 0, sizeof(*l));
}

bool
pkg_path_safe(const char *path)
{
	const char *p = path, *start;
	size_t len;

	if (!*path || strlen(path) > PKG_MAX_PATH)
		return false;
	while (*p) {
		start = p;
		while (*p && *p != '/') {
			if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
				return false;
			p++;
		}
		len = (size_t)(p - start);
		if (len == 0 || (len == 1 && start[0] == '.') ||
		    (len == 2 && start[0] == '.' && start[1] == '.'))
			return false;
		if (*p == '/')
			p++;
		if (!*p && p[-1] == '/')
			return false;
	}
	return true;
}

attest_rc
pkg_hash_begin(attest_ctx *ctx, struct pkg_listing *l, struct pkg_hashing *h, const char *path)
{
	memset(h, 0, sizeof(*h));
	h->path = core_strdup(path);
	if (!h->path || !core_sha256_init(&h->md)) {
		pkg_hash_abort(h);
		return core_nomem(ctx);
	}
	if (strcmp(path, PKG_MANIFEST) == 0)
		h->keep = &l->manifest;
	else if (strcmp(path, PKG_SIGNATURE) == 0)
		h->keep = &l->sig;
	else if (strcmp(path, PKG_CERTIFICATE) == 0)
		h->keep = &l->cert;
	else if (strcmp(path, PKG_SUMS) == 0)
		h->keep = &l->sums;
	else if (strcmp(path, PKG_SUMS_SIG) == 0)
		h->keep = &l->sums_sig;
	return ATTEST_OK;
}

attest_rc
pkg_hash_update(attest_ctx *ctx, struct pkg_hashing *h, const void *p, size_t n)
{
	attest_rc rc;

	core_sha256_add(&h->md, p, n);
	h->bytes += (long long)n;
	if (h->keep && (rc = core_buf_add(h->keep, p, n)) != ATTEST_OK)
		return rc == ATTEST_ERR_LIMIT
			       ? core_error(ctx, rc, "'%s' is larger than attest accepts", h->path)
			       : core_nomem(ctx);
	return ATTEST_OK;
}

void
pkg_hash_abort(struct pkg_hashing *h)
{
	core_sha256_release(&h->md);
	free(h->path);
	memset(h, 0, sizeof(*h));
}

attest_rc
pkg_hash_end(attest_ctx *ctx, struct pkg_listing *l, struct pkg_hashing *h)
{
	struct pkg_entry *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct pkg_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			pkg_hash_abort(h);
			return core_nomem(ctx);
		}
		l->v = v;
		l->cap = cap;
	}
	if (h->keep == &l->manifest)
		l->has_manifest = true;
	else if (h->keep == &l->sig)
		l->has_sig = true;
	else if (h->keep == &l->cert)
		l->has_cert = true;
	else if (h->keep == &l->sums)
		l->has_sums = true;
	else if (h->keep == &l->sums_sig)
		l->has_sums_sig = true;
	e = &l->v[l->n++];
	core_sha256_end(&h->md, e->sha256);
	e->bytes = h->bytes;
	e->path = h->path;
	h->path = NULL;
	pkg_hash_abort(h);
	return ATTEST_OK;
}

attest_rc
pkg_file_digest(attest_ctx *ctx, const char *path, char out[65], long long *bytes)
{
	unsigned char buf[65536];
	struct core_sha256 mdc = {0};
	FILE *fp = NULL;
	size_t got;
	attest_rc rc = ATTEST_ERR_IO;

	*bytes = 0;
	if (!(fp = fopen(path, "rb"))) {
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!core_sha256_init(&mdc)) {
		rc = core_nomem(ctx);
		goto out;
	}
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0) {
		core_sha256_add(&mdc, buf, got);
		*bytes += (long long)got;
	}
	if (ferror(fp)) {
		rc = core_error(ctx, ATTEST_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	core_sha256_end(&mdc, out);
	rc = ATTEST_OK;
out:
	core_sha256_release(&mdc);
	if (fp)
		fclose(fp);
	return rc;
}

/* The passphrase callback: refuse, so that OpenSSL never prompts. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

static const char *
ossl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	return r ? r : "not a PEM key";
}

const char *
pkg_key_algorithm(EVP_PKEY *key)
{
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_ED25519:
		return "ed25519";
	case EVP_PKEY_RSA:
		return "rsa-sha256";
	default:
		return NULL;
	}
}

static attest_rc
check_kind(attest_ctx *ctx, EVP_PKEY *key, const char *path)
{
	if (!pkg_key_algorithm(key))
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "key '%s' is neither Ed25519 nor RSA (it is %s)", path,
				  OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) < 2048)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "RSA key '%s' has %d bits; at least 2048 are needed", path,
				  EVP_PKEY_get_bits(key));
	return ATTEST_OK;
}

attest_rc
pkg_key_load(attest_ctx *ctx, const char *path, EVP_PKEY **out)
{
	BIO *bio;
	attest_rc rc;

	*out = NULL;
	if (!(bio = BIO_new_file(path, "r")))
		return core_error(ctx, ATTEST_ERR_IO, "cannot read key '%s': %s", path,
				  strerror(errno));
	ERR_clear_error();
	*out = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!*out) {
		rc = core_error(ctx, ATTEST_ERR_INVALID,
				"cannot use '%s' as a private key: %s (a PEM Ed25519 or RSA key, "
				"not encrypted, is needed)",
				path, ossl_reason());
		ERR_clear_error();
		return rc;
	}
	if ((rc = check_kind(ctx, *out, path)) != ATTEST_OK) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	return rc;
}

attest_rc
pkg_pubkey_load(attest_ctx *ctx, const char *path, EVP_PKEY **out)
{
	BIO *bio;
	X509 *cert;
	attest_rc rc;

	*out = NULL;
	if (!(bio = BIO_new_file(path, "r")))
		return core_error(ctx, ATTEST_ERR_IO, "cannot read public key '%s': %s", path,
				  strerror(errno));
	ERR_clear_error();
	*out = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
	if (!*out) {
		/* A certificate names its key as well. */
		BIO_reset(bio);
		ERR_clear_error();
		cert = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
		if (cert) {
			*out = X509_get_pubkey(cert);
			X509_free(cert);
		}
	}
	BIO_free(bio);
	if (!*out) {
		ERR_clear_error();
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "'%s' holds no PEM public key or certificate", path);
	}
	if ((rc = check_kind(ctx, *out, path)) != ATTEST_OK) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	return rc;
}

attest_rc
pkg_cert_key(attest_ctx *ctx, const char *pem, size_t len, const char *name, EVP_PKEY **out)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509 *cert = NULL;

	*out = NULL;
	if (!bio)
		return core_nomem(ctx);
	cert = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (!cert)
		return core_error(ctx, ATTEST_ERR_INVALID, "'%s' is not a PEM X.509 certificate",
				  name);
	*out = X509_get_pubkey(cert);
	X509_free(cert);
	if (!*out)
		return core_error(ctx, ATTEST_ERR_INVALID,
				  "the public key of certificate '%s' cannot be read", name);
	return ATTEST_OK;
}

attest_rc
pkg_key_fingerprint(attest_ctx *ctx, EVP_PKEY *key, char out[65])
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(key, &der);
	bool ok;

	if (len <= 0)
		return core_error(ctx, ATTEST_ERR_INTERNAL, "cannot encode a public key");
	ok = core_sha256_hex(der, (size_t)len, out);
	OPENSSL_free(der);
	return ok ? ATTEST_OK : core_nomem(ctx);
}

static const EVP_MD *
key_md(EVP_PKEY *key)
{
	/* Ed25519 hashes internally and takes no digest. */
	return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
}

attest_rc
pkg_sign(attest_ctx *ctx, EVP_PKEY *key, const void *data, size_t len, unsigned char **sig,
	 size_t *sig_len)
{
	EVP_MD_CTX *mdc = EVP_MD_CTX_new();
	attest_rc rc = ATTEST_ERR_INTERNAL;

	*sig = NULL;
	*sig_len = 0;
	if (!mdc)
		return core_nomem(ctx);
	if (EVP_DigestSignInit(mdc, NULL, key_md(key), NULL, key) != 1 ||
	    EVP_DigestSign(mdc, NULL, sig_len, data, len) != 1)
		goto out;
	if (!(*sig = malloc(*sig_len))) {
		rc = core_nomem(ctx);
		goto out;
	}
	if (EVP_DigestSign(mdc, *sig, sig_len, data, len) != 1)
		goto out;
	rc = ATTEST_OK;
out:
	if (rc == ATTEST_ERR_INTERNAL) {
		core_error(ctx, rc, "cannot sign the manifest: %s", ossl_reason());
		free(*sig);
		*sig = NULL;
	}
	ERR_clear_error();
	EVP_MD_CTX_free(mdc);
	return rc;
}

bool
pkg_signature_valid(EVP_PKEY *key, const void *data, size_t len, const void *sig, size_t sig_len)
{
	EVP_MD_CTX *mdc = EVP_MD_CTX_new();
	bool ok = false;

	if (mdc && EVP_DigestVerifyInit(mdc, NULL, key_md(key), NULL, key) == 1)
		ok = EVP_DigestVerify(mdc, sig, sig_len, data, len) == 1;
	EVP_MD_CTX_free(mdc);
	ERR_clear_error();
	return ok;
}
