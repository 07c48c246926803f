/*
 * Inside the audit package: the names of its fixed files, the listing of a
 * package's files with their digests (from a directory or an archive), the
 * ustar/gzip writer and reader, and signing with OpenSSL.
 */
#ifndef ATTEST_PACKAGE_INT_H
#define ATTEST_PACKAGE_INT_H

#include "report_int.h"

#include <openssl/evp.h>

#define PKG_MANIFEST "manifest.json"
#define PKG_SIGNATURE "manifest.sig"
#define PKG_CERTIFICATE "certificate.pem"
#define PKG_FORMAT "attest-package/1"

/* Bounds on what verify accepts (an archive is untrusted input). */
#define PKG_MAX_FILES 200000
#define PKG_MAX_PATH 255                       /* what ustar can hold */
#define PKG_MAX_MEMBER (16LL * 1024 * 1024 * 1024) /* one file */
#define PKG_MAX_TOTAL (64LL * 1024 * 1024 * 1024)  /* all files, uncompressed */
#define PKG_MAX_MANIFEST (256 * 1024 * 1024)
#define PKG_MAX_SMALL (1024 * 1024)             /* signature, certificate */

/* One file of a package as found on disk or in an archive. */
struct pkg_entry {
	char *path;
	char sha256[65];
	long long bytes;
};

struct pkg_listing {
	struct pkg_entry *v;
	size_t n, cap;
	/* contents of the fixed files, when present */
	struct attest_buf manifest, sig, cert;
	bool has_manifest, has_sig, has_cert;
};

void pkg_listing_init(struct pkg_listing *l);
void pkg_listing_release(struct pkg_listing *l);

/* Computing one entry while its bytes stream by. */
struct pkg_hashing {
	EVP_MD_CTX *md;
	struct attest_buf *keep; /* the fixed file being captured, or NULL */
	long long bytes;
	char *path;
};
attest_rc pkg_hash_begin(attest_ctx *ctx, struct pkg_listing *l, struct pkg_hashing *h,
			 const char *path);
attest_rc pkg_hash_update(attest_ctx *ctx, struct pkg_hashing *h, const void *p, size_t n);
/* Adds the entry to l (taking h's path); releases h either way. */
attest_rc pkg_hash_end(attest_ctx *ctx, struct pkg_listing *l, struct pkg_hashing *h);
void pkg_hash_abort(struct pkg_hashing *h);

/* A relative path that is safe to create and to compare: components of
 * printable characters, none empty, "." or "..", at most PKG_MAX_PATH bytes. */
bool pkg_path_safe(const char *path);
/* SHA-256 of a file, as hex, and its size. */
attest_rc pkg_file_digest(attest_ctx *ctx, const char *path, char out[65], long long *bytes);

/* Lists the regular files under dir (relative paths). Symbolic links and
 * special files are reported through problem, never followed. */
attest_rc pkg_dir_list(attest_ctx *ctx, const char *dir, struct pkg_listing *l,
		       void (*problem)(void *data, const char *file, const char *what),
		       void *data, long long *problems);
/* Lists the members of a gzip-compressed ustar archive, streaming: nothing
 * is extracted. Refuses unsafe or malformed archives (ATTEST_ERR_INVALID). */
attest_rc pkg_tar_list(attest_ctx *ctx, const char *path, struct pkg_listing *l);
/* Writes the files paths[] (relative to dir, in that order) as a
 * gzip-compressed ustar archive to out. */
attest_rc pkg_tar_write(attest_ctx *ctx, const char *dir, char *const *paths, size_t n,
			time_t mtime, FILE *out, const char *name);

/* Loads a PEM private key: Ed25519, or RSA of at least 2048 bits. */
attest_rc pkg_key_load(attest_ctx *ctx, const char *path, EVP_PKEY **out);
/* Loads a public key from a PEM public key or certificate file. */
attest_rc pkg_pubkey_load(attest_ctx *ctx, const char *path, EVP_PKEY **out);
/* The public key of a PEM certificate held in memory. */
attest_rc pkg_cert_key(attest_ctx *ctx, const char *pem, size_t len, const char *name,
		       EVP_PKEY **out);
/* "ed25519" or "rsa-sha256"; NULL for other keys. */
const char *pkg_key_algorithm(EVP_PKEY *key);
/* SHA-256 of the key's DER SubjectPublicKeyInfo, as hex. */
attest_rc pkg_key_fingerprint(attest_ctx *ctx, EVP_PKEY *key, char out[65]);
/* Signs data (Ed25519: pure EdDSA; RSA: PKCS#1 v1.5 over SHA-256). *sig
 * is malloc()ed. */
attest_rc pkg_sign(attest_ctx *ctx, EVP_PKEY *key, const void *data, size_t len,
		   unsigned char **sig, size_t *sig_len);
/* True when sig is a valid signature of data by key. */
bool pkg_signature_valid(EVP_PKEY *key, const void *data, size_t len, const void *sig,
			 size_t sig_len);

#endif
