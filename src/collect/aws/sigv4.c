/*
 * AWS Signature Version 4. A request is reduced to its canonical form
 * (method, encoded path, sorted query, sorted lower-case headers, payload
 * hash), hashed into a string to sign, and signed with a key derived from the
 * secret by a chain of HMAC-SHA256 over the date, region, service and
 * "aws4_request". Hashing and HMAC are OpenSSL's; this file only arranges the
 * bytes (the canonical request is sigv4_canon.c's). Derived keys and the
 * secret-bearing buffers are wiped after use.
 */
#include "config.h"

#include "collect/aws/sigv4_int.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
aws_credentials_release(struct aws_credentials *c)
{
	if (!c)
		return;
	if (c->access_key_id) {
		OPENSSL_cleanse(c->access_key_id, strlen(c->access_key_id));
		free(c->access_key_id);
	}
	if (c->secret_access_key) {
		OPENSSL_cleanse(c->secret_access_key, strlen(c->secret_access_key));
		free(c->secret_access_key);
	}
	if (c->session_token) {
		OPENSSL_cleanse(c->session_token, strlen(c->session_token));
		free(c->session_token);
	}
	memset(c, 0, sizeof(*c));
}

attest_rc
aws_credentials_copy(attest_ctx *ctx, struct aws_credentials *dst,
		     const struct aws_credentials *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->access_key_id = core_strdup(src->access_key_id);
	dst->secret_access_key = core_strdup(src->secret_access_key);
	dst->session_token = core_strdup(src->session_token);
	dst->expiration = src->expiration;
	if ((src->access_key_id && !dst->access_key_id) ||
	    (src->secret_access_key && !dst->secret_access_key) ||
	    (src->session_token && !dst->session_token)) {
		aws_credentials_release(dst);
		return core_nomem(ctx);
	}
	return ATTEST_OK;
}

void
aws_headers_free(struct aws_header *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; h[i].name; i++) {
		free((char *)h[i].name);
		if (h[i].value) {
			OPENSSL_cleanse((char *)h[i].value, strlen(h[i].value));
			free((char *)h[i].value);
		}
	}
	free(h);
}

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

attest_rc
sigv4_encode_into(struct core_buf *b, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	attest_rc rc = ATTEST_OK;
	size_t i;

	for (i = 0; i < len && rc == ATTEST_OK; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3];

		if (unreserved(c) || (keep_slash && c == '/')) {
			rc = core_buf_addc(b, (char)c);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		rc = core_buf_add(b, esc, 3);
	}
	return rc;
}

char *
aws_uri_encode(const char *s, size_t len, bool keep_slash)
{
	struct core_buf b;

	core_buf_init(&b, SIGV4_MAX_TEXT);
	if (core_buf_adds(&b, "") != ATTEST_OK ||
	    sigv4_encode_into(&b, s, len, keep_slash) != ATTEST_OK) {
		core_buf_release(&b);
		return NULL;
	}
	return core_buf_take(&b);
}

/* Decodes %XX escapes of s[0..len) into a new string (a malformed escape is
 * kept literally, as servers do). *out_len gets the decoded length. */
char *
sigv4_uri_decode(const char *s, size_t len, size_t *out_len)
{
	char *d = malloc(len + 1);
	size_t i, n = 0;

	if (!d)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && core_hex_digit(s[i + 1]) >= 0 &&
		    core_hex_digit(s[i + 2]) >= 0) {
			d[n++] = (char)(core_hex_digit(s[i + 1]) * 16 + core_hex_digit(s[i + 2]));
			i += 2;
		} else {
			d[n++] = s[i];
		}
	}
	d[n] = '\0';
	*out_len = n;
	return d;
}

void
aws_amz_date(time_t t, char out[17])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 0)
		out[0] = '\0';
}

/* ---- signing ------------------------------------------------------------- */

static bool
hmac(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char out[32])
{
	unsigned int n = 0;

	return HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &n) != NULL && n == 32;
}

/* Signature = hex(HMAC(kSigning, sts)), kSigning derived from the secret. */
static bool
compute_signature(const char *secret, const char *date, const char *region, const char *service,
		  const char *sts, char sig[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char k[32], k2[32], mac[32];
	size_t slen = strlen(secret);
	char *kinit = malloc(slen + 5);
	bool ok = false;
	int i;

	if (!kinit)
		return false;
	memcpy(kinit, "AWS4", 4);
	memcpy(kinit + 4, secret, slen + 1);
	if (hmac(kinit, slen + 4, date, strlen(date), k) &&
	    hmac(k, 32, region, strlen(region), k2) && hmac(k2, 32, service, strlen(service), k) &&
	    hmac(k, 32, "aws4_request", 12, k2) && hmac(k2, 32, sts, strlen(sts), mac)) {
		for (i = 0; i < 32; i++) {
			sig[2 * i] = hex[mac[i] >> 4];
			sig[2 * i + 1] = hex[mac[i] & 15];
		}
		sig[64] = '\0';
		ok = true;
	}
	OPENSSL_cleanse(kinit, slen + 4);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(k2, sizeof(k2));
	free(kinit);
	return ok;
}

/* What the signer adds to a request, decided before any text is built. */
struct sign_plan {
	char amz_date[17], date[9], payload[65];
	const char *token; /* the session token, NULL for none */
	bool add_sha, add_token, sign_token;
	struct aws_header add[4]; /* the headers signed besides the caller's */
};

static attest_rc
check_request(attest_ctx *ctx, const struct aws_request *req, const struct aws_credentials *cred,
	      const struct aws_signing *how, struct url_parts *u)
{
	size_t i;

	if (!req->method || !*req->method || !req->url || !how || !how->region || !*how->region ||
	    !how->service || !*how->service)
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "cannot sign a request without "
				  "method, url, region and service");
	if (!cred || !cred->access_key_id || !*cred->access_key_id || !cred->secret_access_key ||
	    !*cred->secret_access_key)
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "cannot sign a request to '%s' "
				  "without an access key and secret",
				  how->service);
	if (!sigv4_url_split(req->url, u))
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "cannot sign a request to malformed "
				  "url '%s'",
				  req->url);
	for (i = 0; i < req->n_headers; i++) {
		const struct aws_header *hd = &req->headers[i];

		if (!hd->name || !hd->value)
			return core_error(ctx, ATTEST_ERR_USAGE,
					  "header %zu to sign has no "
					  "name or value",
					  i);
		if (strcasecmp(hd->name, "authorization") == 0 ||
		    strcasecmp(hd->name, "x-amz-date") == 0)
			return core_error(ctx, ATTEST_ERR_USAGE,
					  "header '%s' is added by the "
					  "signer, not by its caller",
					  hd->name);
	}
	return ATTEST_OK;
}

static void
plan_sign(struct sign_plan *p, const struct aws_request *req, const struct aws_credentials *cred,
	  const struct aws_signing *how)
{
	const char *given_sha =
		sigv4_header_value(req->headers, req->n_headers, "x-amz-content-sha256");
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	aws_amz_date(how->when, p->amz_date);
	memcpy(p->date, p->amz_date, 8);
	p->add_sha = (how->s3 || how->content_sha256) && !given_sha;
	if (given_sha)
		snprintf(p->payload, sizeof(p->payload), "%s", given_sha);
	else if (how->unsigned_payload)
		snprintf(p->payload, sizeof(p->payload), "UNSIGNED-PAYLOAD");
	else
		core_sha256_hex(req->body, req->body ? req->body_len : 0, p->payload);
	p->token = cred->session_token && *cred->session_token ? cred->session_token : NULL;
	p->add_token = p->token &&
		       !sigv4_header_value(req->headers, req->n_headers, "x-amz-security-token");
	p->sign_token = p->add_token && !how->token_after;
	p->add[n++] = (struct aws_header){"x-amz-date", p->amz_date};
	if (p->sign_token)
		p->add[n++] = (struct aws_header){"x-amz-security-token", p->token};
	if (p->add_sha)
		p->add[n++] = (struct aws_header){"x-amz-content-sha256", p->payload};
}

static attest_rc
out_add(struct aws_header *out, size_t *n, const char *name, const char *value)
{
	out[*n].name = core_strdup(name);
	out[*n].value = core_strdup(value);
	(*n)++;
	return out[*n - 1].name && out[*n - 1].value ? ATTEST_OK : ATTEST_ERR_NOMEM;
}

/* The headers handed back: X-Amz-Date, the token, the payload hash and
 * Authorization; NULL when out of memory. */
static struct aws_header *
added_headers(const struct sign_plan *p, const char *auth)
{
	struct aws_header *out = calloc(5, sizeof(*out));
	size_t n = 0;

	if (out &&
	    (out_add(out, &n, "X-Amz-Date", p->amz_date) != ATTEST_OK ||
	     (p->add_token && out_add(out, &n, "X-Amz-Security-Token", p->token) != ATTEST_OK) ||
	     (p->add_sha && out_add(out, &n, "X-Amz-Content-Sha256", p->payload) != ATTEST_OK) ||
	     out_add(out, &n, "Authorization", auth) != ATTEST_OK)) {
		aws_headers_free(out);
		out = NULL;
	}
	return out;
}

/* The string to sign of the canonical request creq. */
static attest_rc
string_to_sign(struct core_buf *sts, const struct sign_plan *p, const struct aws_signing *how,
	       const struct core_buf *creq)
{
	char creq_hash[65];

	core_sha256_hex(creq->data, creq->len, creq_hash);
	return core_buf_printf(sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", p->amz_date,
			       p->date, how->region, how->service, creq_hash);
}

/* The signature of sts and the Authorization header carrying it. */
static attest_rc
authorization(attest_ctx *ctx, struct core_buf *auth, const struct sign_plan *p,
	      const struct aws_credentials *cred, const struct aws_signing *how,
	      const char *signed_names, const char *sts)
{
	char sig[65];
	attest_rc rc;

	if (!compute_signature(cred->secret_access_key, p->date, how->region, how->service, sts,
			       sig))
		return core_error(ctx, ATTEST_ERR_INTERNAL,
				  "cannot compute the signature for "
				  "'%s': HMAC-SHA256 failed",
				  how->service);
	rc = core_buf_printf(auth,
			     "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
			     "SignedHeaders=%s, Signature=%s",
			     cred->access_key_id, p->date, how->region, how->service, signed_names,
			     sig);
	OPENSSL_cleanse(sig, sizeof(sig));
	return rc;
}

attest_rc
aws_sigv4_sign_traced(attest_ctx *ctx, const struct aws_request *req,
		      const struct aws_credentials *cred, const struct aws_signing *how,
		      struct aws_header **out_headers, struct aws_sigv4_trace *trace)
{
	struct url_parts u;
	struct sign_plan p;
	struct core_buf creq, sts, names, auth;
	attest_rc rc;

	*out_headers = NULL;
	if (trace)
		trace->creq = trace->sts = NULL;
	core_buf_init(&creq, SIGV4_MAX_TEXT);
	core_buf_init(&sts, SIGV4_MAX_TEXT);
	core_buf_init(&names, SIGV4_MAX_TEXT);
	core_buf_init(&auth, SIGV4_MAX_TEXT);
	if ((rc = check_request(ctx, req, cred, how, &u)) != ATTEST_OK)
		goto out;
	plan_sign(&p, req, cred, how);
	if ((rc = sigv4_canonical_request(&creq, &names, req, &u, how, p.add, p.payload)) !=
		    ATTEST_OK ||
	    (rc = string_to_sign(&sts, &p, how, &creq)) != ATTEST_OK ||
	    (rc = authorization(ctx, &auth, &p, cred, how, names.data, sts.data)) != ATTEST_OK)
		goto out;
	if (!(*out_headers = added_headers(&p, auth.data))) {
		rc = ATTEST_ERR_NOMEM;
		goto out;
	}
	if (trace) {
		trace->creq = core_buf_take(&creq);
		trace->sts = core_buf_take(&sts);
	}
out:
	if (rc == ATTEST_ERR_LIMIT)
		rc = core_error(ctx, rc, "request to '%s' is too large to sign", how->service);
	else if (rc == ATTEST_ERR_NOMEM)
		core_nomem(ctx);
	core_buf_release(&creq);
	core_buf_release(&sts);
	core_buf_release(&names);
	if (auth.data)
		OPENSSL_cleanse(auth.data, auth.len);
	core_buf_release(&auth);
	return rc;
}

attest_rc
aws_sigv4_sign(attest_ctx *ctx, const struct aws_request *req, const struct aws_credentials *cred,
	       const struct aws_signing *how, struct aws_header **out_headers)
{
	return aws_sigv4_sign_traced(ctx, req, cred, how, out_headers, NULL);
}
