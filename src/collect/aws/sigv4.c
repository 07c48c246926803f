/*
 * AWS Signature Version 4. A request is reduced to its canonical form
 * (method, encoded path, sorted query, sorted lower-case headers, payload
 * hash), hashed into a string to sign, and signed with a key derived from the
 * secret by a chain of HMAC-SHA256 over the date, region, service and
 * "aws4_request". Hashing and HMAC are OpenSSL's; this file only arranges the
 * bytes. Derived keys and the secret-bearing buffers are wiped after use.
 */
#include "config.h"

#include "collect/aws/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SIGV4_MAX_TEXT (4u << 20) /* canonical request size limit */

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
	dst->access_key_id = attest_strdup(src->access_key_id);
	dst->secret_access_key = attest_strdup(src->secret_access_key);
	dst->session_token = attest_strdup(src->session_token);
	dst->expiration = src->expiration;
	if ((src->access_key_id && !dst->access_key_id) ||
	    (src->secret_access_key && !dst->secret_access_key) ||
	    (src->session_token && !dst->session_token)) {
		aws_credentials_release(dst);
		return attest_nomem(ctx);
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

static attest_rc
encode_into(struct attest_buf *b, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	attest_rc rc = ATTEST_OK;
	size_t i;

	for (i = 0; i < len && rc == ATTEST_OK; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3];

		if (unreserved(c) || (keep_slash && c == '/')) {
			rc = attest_buf_addc(b, (char)c);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		rc = attest_buf_add(b, esc, 3);
	}
	return rc;
}

char *
aws_uri_encode(const char *s, size_t len, bool keep_slash)
{
	struct attest_buf b;

	attest_buf_init(&b, SIGV4_MAX_TEXT);
	if (attest_buf_adds(&b, "") != ATTEST_OK || encode_into(&b, s, len, keep_slash) != ATTEST_OK) {
		attest_buf_release(&b);
		return NULL;
	}
	return attest_buf_take(&b);
}

/* Decodes %XX escapes of s[0..len) into a new string (a malformed escape is
 * kept literally, as servers do). *out_len gets the decoded length. */
static char *
uri_decode(const char *s, size_t len, size_t *out_len)
{
	char *d = malloc(len + 1);
	size_t i, n = 0;

	if (!d)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && attest_hex_digit(s[i + 1]) >= 0 &&
		    attest_hex_digit(s[i + 2]) >= 0) {
			d[n++] =
			    (char)(attest_hex_digit(s[i + 1]) * 16 + attest_hex_digit(s[i + 2]));
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

/* ---- URL pieces ---------------------------------------------------------- */

struct url_parts {
	const char *host;      /* host[:port] as in the url */
	size_t host_len;
	const char *path;      /* starts with '/', or empty */
	size_t path_len;
	const char *query;     /* after '?', without '#...' */
	size_t query_len;
	bool https;
};

static bool
url_split(const char *url, struct url_parts *u)
{
	const char *p = strstr(url, "://"), *h, *end;

	memset(u, 0, sizeof(*u));
	if (!p || p == url)
		return false;
	u->https = (size_t)(p - url) == 5 && strncasecmp(url, "https", 5) == 0;
	h = p + 3;
	end = h + strcspn(h, "/?#");
	if (end == h)
		return false;
	/* user:password@ is never legitimate here. */
	if (memchr(h, '@', (size_t)(end - h)))
		return false;
	u->host = h;
	u->host_len = (size_t)(end - h);
	u->path = end;
	u->path_len = strcspn(end, "?#");
	if (end[u->path_len] == '?') {
		u->query = end + u->path_len + 1;
		u->query_len = strcspn(u->query, "#");
	}
	return true;
}

/* Host header value: the port is dropped when it is the scheme's default. */
static char *
host_header(const struct url_parts *u)
{
	size_t n = u->host_len;
	const char *colon = NULL, *p;

	for (p = u->host + n; p > u->host; p--) {
		if (p[-1] == ']')
			break;
		if (p[-1] == ':') {
			colon = p - 1;
			break;
		}
	}
	if (colon) {
		size_t plen = (size_t)(u->host + n - colon - 1);

		if ((u->https && plen == 3 && memcmp(colon + 1, "443", 3) == 0) ||
		    (!u->https && plen == 2 && memcmp(colon + 1, "80", 2) == 0))
			n = (size_t)(colon - u->host);
	}
	return strndup(u->host, n);
}

/* Removes "." and ".." segments and empty segments; keeps a trailing '/'. */
static attest_rc
normalize_path(struct attest_buf *out, const char *path, size_t len)
{
	size_t *starts = NULL, *lens = NULL, n = 0, i = 0, cap = len / 2 + 2;
	bool trailing = false;
	attest_rc rc = ATTEST_ERR_NOMEM;

	starts = calloc(cap, sizeof(*starts));
	lens = calloc(cap, sizeof(*lens));
	if (!starts || !lens)
		goto out;
	while (i < len) {
		size_t j = i, seg;

		while (j < len && path[j] != '/')
			j++;
		seg = j - i;
		/* A path ending in "/", "/." or "/.." names a directory. */
		trailing = j < len;
		if (seg == 0 || (seg == 1 && path[i] == '.')) {
			trailing = true;
		} else if (seg == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (n > 0)
				n--;
			trailing = true;
		} else {
			starts[n] = i;
			lens[n] = seg;
			n++;
		}
		i = j + 1;
	}
	rc = attest_buf_addc(out, '/');
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		rc = attest_buf_add(out, path + starts[i], lens[i]);
		if (rc == ATTEST_OK && (i + 1 < n || trailing))
			rc = attest_buf_addc(out, '/');
	}
out:
	free(starts);
	free(lens);
	return rc;
}

static attest_rc
canonical_uri(struct attest_buf *b, const struct url_parts *u, const struct aws_signing *how)
{
	struct attest_buf norm;
	char *dec = NULL;
	size_t dlen;
	attest_rc rc;

	if (u->path_len == 0)
		return attest_buf_addc(b, '/');
	if (how->s3) {
		/* S3 signs the object key encoded exactly once. */
		dec = uri_decode(u->path, u->path_len, &dlen);
		if (!dec)
			return ATTEST_ERR_NOMEM;
		rc = encode_into(b, dec, dlen, true);
		free(dec);
		return rc;
	}
	if (how->no_normalize)
		return encode_into(b, u->path, u->path_len, true);
	attest_buf_init(&norm, SIGV4_MAX_TEXT);
	rc = normalize_path(&norm, u->path, u->path_len);
	if (rc == ATTEST_OK)
		rc = encode_into(b, norm.data, norm.len, true);
	attest_buf_release(&norm);
	return rc;
}

struct kv {
	char *k;
	char *v;
};

static int
kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	return c ? c : strcmp(x->v, y->v);
}

static char *
encode_component(const char *s, size_t len)
{
	size_t dlen;
	char *dec = uri_decode(s, len, &dlen), *enc;

	if (!dec)
		return NULL;
	enc = aws_uri_encode(dec, dlen, false);
	free(dec);
	return enc;
}

static attest_rc
canonical_query(struct attest_buf *b, const struct url_parts *u)
{
	struct kv *kv = NULL;
	size_t n = 0, cap = 1, i;
	attest_rc rc = ATTEST_ERR_NOMEM;
	const char *p, *end;

	if (!u->query || u->query_len == 0)
		return ATTEST_OK;
	for (i = 0; i < u->query_len; i++)
		cap += u->query[i] == '&';
	kv = calloc(cap, sizeof(*kv));
	if (!kv)
		goto out;
	p = u->query;
	end = u->query + u->query_len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);

		if (len > 0) {
			eq = memchr(p, '=', len);
			kv[n].k = encode_component(p, eq ? (size_t)(eq - p) : len);
			kv[n].v = eq ? encode_component(eq + 1, len - (size_t)(eq - p) - 1)
				     : attest_strdup("");
			n++;
			if (!kv[n - 1].k || !kv[n - 1].v)
				goto out;
		}
		p += len + 1;
	}
	qsort(kv, n, sizeof(*kv), kv_cmp);
	rc = ATTEST_OK;
	for (i = 0; i < n && rc == ATTEST_OK; i++)
		rc = attest_buf_printf(b, "%s%s=%s", i ? "&" : "", kv[i].k, kv[i].v);
out:
	for (i = 0; kv && i < n; i++) {
		free(kv[i].k);
		free(kv[i].v);
	}
	free(kv);
	return rc;
}

/* ---- headers ------------------------------------------------------------- */

struct hdr {
	char *name;   /* lower case */
	char *value;  /* trimmed, whitespace runs collapsed */
	size_t order; /* input position, for a stable sort */
};

static int
hdr_cmp(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *
lower_dup(const char *s)
{
	char *d = attest_strdup(s), *p;

	for (p = d; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static char *
trim_all(const char *s)
{
	char *d = malloc(strlen(s) + 1);
	size_t n = 0;
	bool space = false;

	if (!d)
		return NULL;
	while (is_space(*s))
		s++;
	for (; *s; s++) {
		if (is_space(*s)) {
			space = true;
			continue;
		}
		if (space && n > 0)
			d[n++] = ' ';
		space = false;
		d[n++] = *s;
	}
	d[n] = '\0';
	return d;
}

static void
hdrs_free(struct hdr *h, size_t n)
{
	size_t i;

	for (i = 0; h && i < n; i++) {
		free(h[i].name);
		if (h[i].value) {
			OPENSSL_cleanse(h[i].value, strlen(h[i].value));
			free(h[i].value);
		}
	}
	free(h);
}

static attest_rc
hdr_push(struct hdr *h, size_t *n, const char *name, const char *value)
{
	h[*n].name = lower_dup(name);
	h[*n].value = trim_all(value);
	h[*n].order = *n;
	(*n)++;
	return h[*n - 1].name && h[*n - 1].value ? ATTEST_OK : ATTEST_ERR_NOMEM;
}

static bool
has_header(const struct aws_header *headers, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(headers[i].name, name) == 0)
			return true;
	return false;
}

static const char *
header_value(const struct aws_header *headers, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(headers[i].name, name) == 0)
			return headers[i].value;
	return NULL;
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
	unsigned char k[32], k2[32], mac[32];
	size_t slen = strlen(secret);
	char *kinit = malloc(slen + 5);
	bool ok = false;

	if (!kinit)
		return false;
	memcpy(kinit, "AWS4", 4);
	memcpy(kinit + 4, secret, slen + 1);
	if (hmac(kinit, slen + 4, date, strlen(date), k) &&
	    hmac(k, 32, region, strlen(region), k2) &&
	    hmac(k2, 32, service, strlen(service), k) &&
	    hmac(k, 32, "aws4_request", 12, k2) &&
	    hmac(k2, 32, sts, strlen(sts), mac)) {
		attest_hex_encode(mac, sizeof(mac), sig);
		ok = true;
	}
	OPENSSL_cleanse(kinit, slen + 4);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(k2, sizeof(k2));
	free(kinit);
	return ok;
}

static attest_rc
out_add(struct aws_header *out, size_t *n, const char *name, const char *value)
{
	out[*n].name = attest_strdup(name);
	out[*n].value = attest_strdup(value);
	(*n)++;
	return out[*n - 1].name && out[*n - 1].value ? ATTEST_OK : ATTEST_ERR_NOMEM;
}

attest_rc
aws_sigv4_sign(attest_ctx *ctx, const char *method, const char *url,
	       const struct aws_header *headers, size_t n_headers, const void *body,
	       size_t body_len, const struct aws_credentials *cred, const struct aws_signing *how,
	       struct aws_header **out_headers, char **creq_out, char **sts_out)
{
	struct url_parts u;
	struct hdr *h = NULL;
	size_t nh = 0, i, nout = 0;
	struct attest_buf creq, sts, signed_names, auth;
	struct aws_header *out = NULL;
	char amz_date[17], date[9], payload[65], creq_hash[65], sig[65];
	char *host = NULL;
	const char *given_sha, *token;
	bool add_sha, add_token, sign_token;
	attest_rc rc = ATTEST_ERR_NOMEM;

	*out_headers = NULL;
	if (creq_out)
		*creq_out = NULL;
	if (sts_out)
		*sts_out = NULL;
	attest_buf_init(&creq, SIGV4_MAX_TEXT);
	attest_buf_init(&sts, SIGV4_MAX_TEXT);
	attest_buf_init(&signed_names, SIGV4_MAX_TEXT);
	attest_buf_init(&auth, SIGV4_MAX_TEXT);

	if (!method || !*method || !url || !how || !how->region || !*how->region ||
	    !how->service || !*how->service) {
		rc = attest_error(ctx, ATTEST_ERR_USAGE, "cannot sign a request without "
				  "method, url, region and service");
		goto out;
	}
	if (!cred || !cred->access_key_id || !*cred->access_key_id || !cred->secret_access_key ||
	    !*cred->secret_access_key) {
		rc = attest_error(ctx, ATTEST_ERR_USAGE, "cannot sign a request to '%s' "
				  "without an access key and secret", how->service);
		goto out;
	}
	if (!url_split(url, &u)) {
		rc = attest_error(ctx, ATTEST_ERR_USAGE, "cannot sign a request to malformed "
				  "url '%s'", url);
		goto out;
	}
	for (i = 0; i < n_headers; i++) {
		if (!headers[i].name || !headers[i].value) {
			rc = attest_error(ctx, ATTEST_ERR_USAGE, "header %zu to sign has no "
					  "name or value", i);
			goto out;
		}
		if (strcasecmp(headers[i].name, "authorization") == 0 ||
		    strcasecmp(headers[i].name, "x-amz-date") == 0) {
			rc = attest_error(ctx, ATTEST_ERR_USAGE, "header '%s' is added by the "
					  "signer, not by its caller", headers[i].name);
			goto out;
		}
	}

	aws_amz_date(how->when, amz_date);
	memcpy(date, amz_date, 8);
	date[8] = '\0';

	given_sha = header_value(headers, n_headers, "x-amz-content-sha256");
	add_sha = (how->s3 || how->content_sha256) && !given_sha;
	if (given_sha)
		snprintf(payload, sizeof(payload), "%s", given_sha);
	else if (how->unsigned_payload)
		snprintf(payload, sizeof(payload), "UNSIGNED-PAYLOAD");
	else
		attest_sha256_hex(body, body ? body_len : 0, payload);
	token = cred->session_token && *cred->session_token ? cred->session_token : NULL;
	add_token = token && !has_header(headers, n_headers, "x-amz-security-token");
	sign_token = add_token && !how->token_after;

	h = calloc(n_headers + 4, sizeof(*h));
	out = calloc(5, sizeof(*out));
	if (!h || !out)
		goto out;
	for (i = 0; i < n_headers; i++)
		if ((rc = hdr_push(h, &nh, headers[i].name, headers[i].value)) != ATTEST_OK)
			goto out;
	rc = ATTEST_ERR_NOMEM;
	if (!has_header(headers, n_headers, "host")) {
		host = host_header(&u);
		if (!host || hdr_push(h, &nh, "host", host) != ATTEST_OK)
			goto out;
	}
	if (hdr_push(h, &nh, "x-amz-date", amz_date) != ATTEST_OK ||
	    (sign_token && hdr_push(h, &nh, "x-amz-security-token", token) != ATTEST_OK) ||
	    (add_sha && hdr_push(h, &nh, "x-amz-content-sha256", payload) != ATTEST_OK))
		goto out;
	qsort(h, nh, sizeof(*h), hdr_cmp);

	/* The canonical request. */
	if ((rc = attest_buf_printf(&creq, "%s\n", method)) != ATTEST_OK ||
	    (rc = canonical_uri(&creq, &u, how)) != ATTEST_OK ||
	    (rc = attest_buf_addc(&creq, '\n')) != ATTEST_OK ||
	    (rc = canonical_query(&creq, &u)) != ATTEST_OK ||
	    (rc = attest_buf_addc(&creq, '\n')) != ATTEST_OK)
		goto fail;
	for (i = 0; i < nh; i++) {
		bool same_as_next = i + 1 < nh && strcmp(h[i].name, h[i + 1].name) == 0;
		bool first = i == 0 || strcmp(h[i - 1].name, h[i].name) != 0;

		if (first) {
			rc = attest_buf_printf(&creq, "%s:", h[i].name);
			if (rc == ATTEST_OK)
				rc = attest_buf_printf(&signed_names, "%s%s",
						       signed_names.len ? ";" : "", h[i].name);
		}
		if (rc == ATTEST_OK)
			rc = attest_buf_printf(&creq, "%s%s", h[i].value, same_as_next ? "," : "\n");
		if (rc != ATTEST_OK)
			goto fail;
	}
	if ((rc = attest_buf_printf(&creq, "\n%s\n%s", signed_names.data, payload)) != ATTEST_OK)
		goto fail;

	/* The string to sign and the signature. */
	attest_sha256_hex(creq.data, creq.len, creq_hash);
	if ((rc = attest_buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s",
				    amz_date, date, how->region, how->service, creq_hash)) !=
	    ATTEST_OK)
		goto fail;
	if (!compute_signature(cred->secret_access_key, date, how->region, how->service,
			       sts.data, sig)) {
		rc = attest_error(ctx, ATTEST_ERR_INTERNAL, "cannot compute the signature for "
				  "'%s': HMAC-SHA256 failed", how->service);
		goto out;
	}
	if ((rc = attest_buf_printf(&auth, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
				    "SignedHeaders=%s, Signature=%s", cred->access_key_id, date,
				    how->region, how->service, signed_names.data, sig)) != ATTEST_OK)
		goto fail;

	rc = ATTEST_ERR_NOMEM;
	if (out_add(out, &nout, "X-Amz-Date", amz_date) != ATTEST_OK ||
	    (add_token && out_add(out, &nout, "X-Amz-Security-Token", token) != ATTEST_OK) ||
	    (add_sha && out_add(out, &nout, "X-Amz-Content-Sha256", payload) != ATTEST_OK) ||
	    out_add(out, &nout, "Authorization", auth.data) != ATTEST_OK)
		goto out;
	*out_headers = out;
	out = NULL;
	if (creq_out)
		*creq_out = attest_buf_take(&creq);
	if (sts_out)
		*sts_out = attest_buf_take(&sts);
	rc = ATTEST_OK;
	goto out;
fail:
	if (rc == ATTEST_ERR_LIMIT)
		rc = attest_error(ctx, rc, "request to '%s' is too large to sign", how->service);
out:
	if (rc == ATTEST_ERR_NOMEM)
		attest_nomem(ctx);
	aws_headers_free(out);
	hdrs_free(h, nh);
	free(host);
	attest_buf_release(&creq);
	attest_buf_release(&sts);
	attest_buf_release(&signed_names);
	if (auth.data)
		OPENSSL_cleanse(auth.data, auth.len);
	attest_buf_release(&auth);
	OPENSSL_cleanse(sig, sizeof(sig));
	return rc;
}
