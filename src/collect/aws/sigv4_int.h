/*
 * Shared by the signer's two files (sigv4.c signs, sigv4_canon.c lays out
 * the canonical request) and by the signer's unit test, which compares the
 * canonical request and the string to sign with the published test
 * vectors (aws_sigv4_sign_traced()). Nothing else includes it.
 */
#ifndef ATTEST_AWS_SIGV4_INT_H
#define ATTEST_AWS_SIGV4_INT_H

#include "collect/aws/sigv4.h"

#define SIGV4_MAX_TEXT (4u << 20) /* canonical request size limit */

struct url_parts {
	const char *host; /* host[:port] as in the url */
	size_t host_len;
	const char *path; /* starts with '/', or empty */
	size_t path_len;
	const char *query; /* after '?', without '#...' */
	size_t query_len;
	bool https;
};

/* Splits url into u (pointers into url); false when it is malformed or
 * carries user:password@. */
bool sigv4_url_split(const char *url, struct url_parts *u);
/* The Host header value of u (a new string): the port is dropped when it
 * is the scheme's default. NULL when out of memory. */
char *sigv4_host_header(const struct url_parts *u);
/* The value of the header named name (any case) among n, or NULL. */
const char *sigv4_header_value(const struct aws_header *headers, size_t n, const char *name);
/* aws_uri_encode() into a buffer. */
attest_rc sigv4_encode_into(struct core_buf *b, const char *s, size_t len, bool keep_slash);
/* Decodes %XX in len bytes of s into a new string of *out_len bytes. */
char *sigv4_uri_decode(const char *s, size_t len, size_t *out_len);

/* Writes the canonical request of req (split as u) into creq and the
 * signed header names into names: the caller's headers, Host unless given,
 * and add (terminated by a NULL name: X-Amz-Date and the others the signer
 * signs), with payload as the payload hash. */
attest_rc sigv4_canonical_request(struct core_buf *creq, struct core_buf *names,
				  const struct aws_request *req, const struct url_parts *u,
				  const struct aws_signing *how, const struct aws_header *add,
				  const char *payload);

/* What the signer computed on the way, for the test vectors. */
struct aws_sigv4_trace {
	char *creq; /* the canonical request (free()) */
	char *sts;  /* the string to sign (free()) */
};
/* aws_sigv4_sign(), also handing back the canonical request and the string
 * to sign in *trace (NULL members on failure). */
attest_rc aws_sigv4_sign_traced(attest_ctx *ctx, const struct aws_request *req,
				const struct aws_credentials *cred, const struct aws_signing *how,
				struct aws_header **out_headers, struct aws_sigv4_trace *trace);

#endif
