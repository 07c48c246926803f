/*
 * AWS Signature Version 4 for the live collector: the canonical request, the
 * string to sign and the HMAC-SHA256 key derivation, all through OpenSSL.
 * The signer is a pure function of its inputs (no clock, no environment), so
 * the official test vectors and the test server can recompute a signature.
 *
 * Ownership: everything passed in is borrowed for the duration of the call;
 * everything handed back (*out_headers, strings from aws_uri_encode)
 * belongs to the caller. struct aws_credentials owns its
 * strings; release it with aws_credentials_release(), which wipes them.
 */
#ifndef ATTEST_AWS_SIGV4_H
#define ATTEST_AWS_SIGV4_H

#include "core/core_int.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct aws_credentials {
	char *access_key_id;
	char *secret_access_key;
	char *session_token; /* NULL for long-term keys */
	time_t expiration;   /* 0 = none */
};

/* Wipes the secrets (OPENSSL_cleanse) and frees the strings; leaves *c zeroed
 * so it can be released again or reused. NULL is a no-op. */
void aws_credentials_release(struct aws_credentials *c);
/* Deep copy of src into dst (dst is overwritten, not released first). */
attest_rc aws_credentials_copy(attest_ctx *ctx, struct aws_credentials *dst,
			       const struct aws_credentials *src);

struct aws_header {
	const char *name;
	const char *value;
};

struct aws_signing {
	const char *region;    /* signing region, e.g. "us-east-1" */
	const char *service;   /* signing name, e.g. "iam", "monitoring", "s3" */
	time_t when;           /* request time (UTC seconds) */
	bool s3;               /* S3 rules: path used as sent (no normalization,
				  no second encoding) and x-amz-content-sha256 */
	bool unsigned_payload; /* payload hash "UNSIGNED-PAYLOAD" (S3 only) */
	/* Additions beyond the basic interface, used by the test vectors and
	 * for completeness; zero values give the usual AWS behaviour. */
	bool no_normalize;   /* keep "." / ".." / "//" in the path */
	bool content_sha256; /* add x-amz-content-sha256 even when not s3 */
	bool token_after;    /* add X-Amz-Security-Token without signing it */
};

/* One HTTP request to sign; everything is borrowed.
 *
 * url: the full URL, scheme://host[:port]/path?query, with the path
 * percent-encoded as it goes on the wire. For services other than S3 the
 * path is normalized (dot segments, repeated slashes) and encoded once more,
 * as SigV4 requires; for S3 it is decoded and re-encoded once, so a path
 * encoded with aws_uri_encode(..., true) signs as itself. Query parameters
 * are decoded and re-encoded canonically, then sorted.
 *
 * headers: the request headers to sign (any case, duplicates allowed; their
 * values are trimmed and inner whitespace runs collapsed). Host is taken
 * from the url and added when absent (the port is kept only when it is not
 * the scheme's default). Do not pass Authorization or X-Amz-Date.
 *
 * body/body_len: the payload (NULL/0 for none); hashed with SHA-256 unless
 * how->unsigned_payload.
 */
struct aws_request {
	const char *method;
	const char *url;
	const struct aws_header *headers;
	size_t n_headers;
	const void *body;
	size_t body_len;
};

/*
 * Signs req with cred as how says. On success *out_headers is a newly
 * allocated array, terminated by an entry whose name is NULL, of headers to
 * ADD to the request: X-Amz-Date, X-Amz-Security-Token (when cred has a
 * session token), X-Amz-Content-Sha256 (S3), Authorization. Free with
 * aws_headers_free().
 */
attest_rc aws_sigv4_sign(attest_ctx *ctx, const struct aws_request *req,
			 const struct aws_credentials *cred, const struct aws_signing *how,
			 struct aws_header **out_headers);

/* Frees an array returned by aws_sigv4_sign (wiping the values). NULL is a
 * no-op. */
void aws_headers_free(struct aws_header *h);

/* Percent-encodes len bytes of s the SigV4 way: A-Z a-z 0-9 - _ . ~ kept,
 * '/' kept when keep_slash, everything else %XX (upper case). Returns a new
 * string (free()), or NULL when out of memory. */
char *aws_uri_encode(const char *s, size_t len, bool keep_slash);

/* Formats t as the SigV4 timestamp 20150830T123600Z (17 bytes). */
void aws_amz_date(time_t t, char out[17]);

#endif
