/*
 * Inside the audit package: the names of its fixed files, the staging
 * directory a package is built in and sealed from (package_stage.c), the
 * parts every package shares (README, registers), the listing of a
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
#define PKG_SUMS "SHA256SUMS"         /* sha256sum --check format, every other file */
#define PKG_SUMS_SIG "SHA256SUMS.sig" /* the signature of PKG_SUMS */
#define PKG_README "README.txt"
#define PKG_INDEX "index.csv"
#define PKG_FORMAT "attest-package/2"

/* Bounds on what verify accepts (an archive is untrusted input). */
#define PKG_MAX_FILES 200000
#define PKG_MAX_PATH 255                           /* what ustar can hold */
#define PKG_MAX_MEMBER (16LL * 1024 * 1024 * 1024) /* one file */
#define PKG_MAX_TOTAL (64LL * 1024 * 1024 * 1024)  /* all files, uncompressed */
#define PKG_MAX_MANIFEST (256 * 1024 * 1024)
#define PKG_MAX_SMALL (1024 * 1024) /* signature, certificate */

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
	struct core_buf manifest, sig, cert, sums, sums_sig;
	bool has_manifest, has_sig, has_cert, has_sums, has_sums_sig;
};

void pkg_listing_init(struct pkg_listing *l);
void pkg_listing_release(struct pkg_listing *l);

/* Computing one entry while its bytes stream by. */
struct pkg_hashing {
	struct core_sha256 md;
	struct core_buf *keep; /* the fixed file being captured, or NULL */
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
		       void (*problem)(void *data, const char *file, const char *what), void *data,
		       long long *problems);
/* A POSIX ustar header block (package_tar.c). */
#define PKG_BLOCK 512
#define PKG_RECORD (20 * PKG_BLOCK) /* tar's record: the archive's size is a multiple */
struct pkg_ustar {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8];
	char typeflag, linkname[100], magic[6], version[2], uname[32], gname[32];
	char devmajor[8], devminor[8], prefix[155], pad[12];
};
/* The header attest writes for a regular file: ATTEST_ERR_LIMIT when path
 * does not fit the name and prefix fields. */
attest_rc pkg_tar_header(attest_ctx *ctx, struct pkg_ustar *h, const char *path, long long bytes,
			 time_t mtime);
/* Lists the members of a gzip-compressed ustar archive, streaming: nothing
 * is extracted (package_untar.c). Refuses (ATTEST_ERR_INVALID, or
 * ATTEST_ERR_PARSE when truncated or corrupt) anything but what
 * pkg_tar_write writes: unsafe names, links, devices, other header forms,
 * data after the end-of-archive blocks or after the gzip member. */
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

/* ---- building a package ------------------------------------------------ */

/* A package being built: files are written under root (a private directory
 * beside the destination) and recorded, so that sealing can list them and a
 * failure can remove them. */
struct pkg {
	attest_ctx *ctx;
	attest_store *store;
	const char *id; /* the scan of a single-scan package; NULL for a period */
	char root[4096];
	char **files; /* relative paths of the files written */
	size_t n_files, cap_files;
	char **dirs; /* directories created, in order */
	size_t n_dirs, cap_dirs;
	bool staged, gone;
	EVP_PKEY *key;
	char algorithm[16], key_sha256[65];
};

/* Loads the signing key (before anything costs time) and creates the
 * staging directory beside out_path. */
attest_rc pkg_begin(struct pkg *p, const char *key_path, const char *out_path);
/* Removes what was staged unless the package was moved into place; frees. */
void pkg_end(struct pkg *p);
attest_rc pkg_make_dir(struct pkg *p, const char *rel);
/* Creates rel (its directory must exist) and records it as a file of the
 * package. */
attest_rc pkg_open(struct pkg *p, const char *rel, FILE **fp);
/* Flushes, syncs and closes fp; an error names rel. */
attest_rc pkg_close(struct pkg *p, FILE *fp, const char *rel);
attest_rc pkg_full_path(struct pkg *p, const char *rel, char *out, size_t size);
/* A file-name component for an id: letters, digits, '-', '_' and '.' (not
 * leading) kept, every other byte %XX; reversible. False when s did not fit
 * in size (out then holds its start). */
bool pkg_encode(const char *s, char *out, size_t size);
/* The file-name component of an id with suffix (".json"): pkg_encode's, or
 * when longer than max (at most PKG_MAX_NAME, at least 32), its start, "..." and the first 12 hex
 * digits of the id's SHA-256, then suffix. Within max, so that
 * any member name of a package fits a ustar header; deterministic, and
 * distinct for distinct ids. */
#define PKG_MAX_NAME 100 /* a ustar name field; directories fit its prefix */
void pkg_name(const char *id, const char *suffix, size_t max, char out[PKG_MAX_NAME + 1]);
/* Copies the key's certificate into the package (it must hold the key). */
attest_rc pkg_copy_certificate(struct pkg *p, const char *path);
/* The manifest's "signature" member (new reference). */
json_t *pkg_signature_json(struct pkg *p, bool with_cert);
/* Writes manifest.json (adding "files"), manifest.sig, SHA256SUMS and
 * SHA256SUMS.sig, then moves the package to out_path (a directory, or a
 * .tar.gz/.tgz archive). */
attest_rc pkg_seal(struct pkg *p, json_t *manifest, const char *out_path, time_t now);
/* The text of SHA256SUMS for the entries of l (every entry except PKG_SUMS
 * and PKG_SUMS_SIG, which l must hold sorted by path). */
attest_rc pkg_sums_text(attest_ctx *ctx, const struct pkg_listing *l, struct core_buf *out);

/* Ends a file written from the rows of a query: when the query did not run
 * to its end (src is not SQLITE_DONE) the store's error, naming what; else
 * closes *fp. *fp is NULL after a close. */
attest_rc pkg_close_query(struct pkg *p, FILE **fp, const char *rel, int src, const char *what);

/* One CSV field of s (quoted when needed; runs of white space, newlines
 * included, become one space), then sep ("," or "\n"). */
void pkg_csv(FILE *fp, const char *s, const char *sep);

/* registers/exceptions.csv and registers/attestations.csv rows of one scan.
 * With period set, each row starts with the scan's id and as_of (the period
 * package's registers of what was in force on each scan date). */
#define PKG_EXCEPTIONS_HEADER                                                                      \
	"exception,check,match,justification,approver,approved,expires,state,lapsed,"              \
	"matched_findings,source\n"
#define PKG_ATTESTATIONS_HEADER                                                                    \
	"framework,control,attested_by,attested_on,expires,state,lapsed,statement,evidence,"       \
	"evidence_href,source\n"
attest_rc pkg_exception_rows(struct pkg *p, const char *scan_id, const char *as_of, FILE *fp,
			     size_t *n, size_t *lapsed);
attest_rc pkg_attestation_rows(struct pkg *p, const char *scan_id, const char *as_of, FILE *fp,
			       size_t *n, size_t *lapsed);

/* The package's README.txt: what it is, the folders it holds and how to
 * verify it with openssl and sha256sum. */
struct pkg_readme {
	const char *title;          /* first line */
	const char *about;          /* paragraph on what the package covers */
	const char *const *folders; /* pairs: path, what it holds; NULL-terminated;
				     * PKG_CERTIFICATE's pair is left out unless cert */
	bool cert;
	const char *notes;        /* paragraphs on limitations and warnings, or NULL */
	bool evidence_digests;    /* index.csv and evidence/checks present */
	const char *example_file; /* one evidence line as a worked example, or NULL */
	long long example_line;
	const char *example_sha256;
};
attest_rc pkg_write_readme(struct pkg *p, const struct pkg_readme *r);

/* The evidence of a scan (package_evidence.c): evidence/checks/CHECK.ndjson
 * once per check, evidence/controls/FRAMEWORK/CONTROL.json referring to
 * them, index.csv, registers/. */
struct pkg_evidence_info {
	size_t checks, controls, findings, rows;
	size_t exceptions, exceptions_lapsed, attestations, attestations_lapsed;
	char example_file[512], example_sha256[65];
	long long example_line;
};
attest_rc pkg_write_evidence(struct pkg *p, struct pkg_evidence_info *info);

/* The scans of a period package, in as_of order; temp.pkg_period(n, scan_id)
 * holds the same on the history connection while the package is written. */
struct pkg_period_scan {
	char *id, *as_of, *started_at;
	long long resources;
	time_t t; /* as_of */
};
/* period/controls.csv (each control's status in each scan, its longest
 * failing streak) and period/time-to-fix.csv (package_timeline.c). */
attest_rc pkg_write_timeline(struct pkg *p, const struct pkg_period_scan *s, size_t n,
			     size_t *controls, size_t *fixed);

/* The inventory the scan read (package_inventory.c): copied byte for byte,
 * or with credentials redacted when redact is set. Fills the manifest's
 * "inventory" object. */
attest_rc pkg_write_inventory(struct pkg *p, const struct attest_package_opts *o, json_t *sources,
			      json_t *inv, struct attest_package_info *info);

#endif
