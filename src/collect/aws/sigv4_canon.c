/*
 * The canonical request of SigV4 (the part of the signer that only arranges
 * bytes, no key involved): the url split into host, path and query, the
 * path normalized and encoded, the query decoded, re-encoded and sorted,
 * the headers lower-cased, trimmed and sorted, and the whole laid out as
 * the specification says. sigv4.c hashes and signs it.
 */
#include "config.h"

#include "collect/aws/sigv4_int.h"

#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- URL pieces ---------------------------------------------------------- */

bool
sigv4_url_split(const char *url, struct url_parts *u)
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
char *
sigv4_host_header(const struct url_parts *u)
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
normalize_path(struct core_buf *out, const char *path, size_t len)
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
	rc = core_buf_addc(out, '/');
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		rc = core_buf_add(out, path + starts[i], lens[i]);
		if (rc == ATTEST_OK && (i + 1 < n || trailing))
			rc = core_buf_addc(out, '/');
	}
out:
	free(starts);
	free(lens);
	return rc;
}

static attest_rc
canonical_uri(struct core_buf *b, const struct url_parts *u, const struct aws_signing *how)
{
	struct core_buf norm;
	char *dec = NULL;
	size_t dlen;
	attest_rc rc;

	if (u->path_len == 0)
		return core_buf_addc(b, '/');
	if (how->s3) {
		/* S3 signs the object key encoded exactly once. */
		dec = sigv4_uri_decode(u->path, u->path_len, &dlen);
		if (!dec)
			return ATTEST_ERR_NOMEM;
		rc = sigv4_encode_into(b, dec, dlen, true);
		free(dec);
		return rc;
	}
	if (how->no_normalize)
		return sigv4_encode_into(b, u->path, u->path_len, true);
	core_buf_init(&norm, SIGV4_MAX_TEXT);
	rc = normalize_path(&norm, u->path, u->path_len);
	if (rc == ATTEST_OK)
		rc = sigv4_encode_into(b, norm.data, norm.len, true);
	core_buf_release(&norm);
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
	char *dec = sigv4_uri_decode(s, len, &dlen), *enc;

	if (!dec)
		return NULL;
	enc = aws_uri_encode(dec, dlen, false);
	free(dec);
	return enc;
}

static attest_rc
canonical_query(struct core_buf *b, const struct url_parts *u)
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
				     : core_strdup("");
			n++;
			if (!kv[n - 1].k || !kv[n - 1].v)
				goto out;
		}
		p += len + 1;
	}
	qsort(kv, n, sizeof(*kv), kv_cmp);
	rc = ATTEST_OK;
	for (i = 0; i < n && rc == ATTEST_OK; i++)
		rc = core_buf_printf(b, "%s%s=%s", i ? "&" : "", kv[i].k, kv[i].v);
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
	char *d = core_strdup(s), *p;

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

const char *
sigv4_header_value(const struct aws_header *headers, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(headers[i].name, name) == 0)
			return headers[i].value;
	return NULL;
}

/* Writes the sorted canonical headers of h (n entries) into creq and their
 * names into names. */
static attest_rc
canonical_headers(struct core_buf *creq, struct core_buf *names, struct hdr *h, size_t n)
{
	attest_rc rc = ATTEST_OK;
	size_t i;

	qsort(h, n, sizeof(*h), hdr_cmp);
	for (i = 0; i < n && rc == ATTEST_OK; i++) {
		bool same_as_next = i + 1 < n && strcmp(h[i].name, h[i + 1].name) == 0;
		bool first = i == 0 || strcmp(h[i - 1].name, h[i].name) != 0;

		if (first) {
			rc = core_buf_printf(creq, "%s:", h[i].name);
			if (rc == ATTEST_OK)
				rc = core_buf_printf(names, "%s%s", names->len ? ";" : "",
						     h[i].name);
		}
		if (rc == ATTEST_OK)
			rc = core_buf_printf(creq, "%s%s", h[i].value, same_as_next ? "," : "\n");
	}
	return rc;
}

/* The headers signed: the caller's, then Host (unless given) and the
 * signer's own (s->add). */
static attest_rc
signed_headers(struct hdr *h, size_t *nh, const struct aws_request *req, const struct url_parts *u,
	       const struct aws_header *add)
{
	char *host = NULL;
	attest_rc rc = ATTEST_OK;
	size_t i;

	for (i = 0; i < req->n_headers && rc == ATTEST_OK; i++)
		rc = hdr_push(h, nh, req->headers[i].name, req->headers[i].value);
	if (rc == ATTEST_OK && !sigv4_header_value(req->headers, req->n_headers, "host")) {
		host = sigv4_host_header(u);
		rc = host ? hdr_push(h, nh, "host", host) : ATTEST_ERR_NOMEM;
	}
	for (; add && add->name && rc == ATTEST_OK; add++)
		rc = hdr_push(h, nh, add->name, add->value);
	free(host);
	return rc;
}

attest_rc
sigv4_canonical_request(struct core_buf *creq, struct core_buf *names,
			const struct aws_request *req, const struct url_parts *u,
			const struct aws_signing *how, const struct aws_header *add,
			const char *payload)
{
	struct hdr *h;
	size_t nh = 0, n_add = 0;
	attest_rc rc;

	while (add && add[n_add].name)
		n_add++;
	if (!(h = calloc(req->n_headers + n_add + 1, sizeof(*h))))
		return ATTEST_ERR_NOMEM;
	if ((rc = signed_headers(h, &nh, req, u, add)) != ATTEST_OK ||
	    (rc = core_buf_printf(creq, "%s\n", req->method)) != ATTEST_OK ||
	    (rc = canonical_uri(creq, u, how)) != ATTEST_OK ||
	    (rc = core_buf_addc(creq, '\n')) != ATTEST_OK ||
	    (rc = canonical_query(creq, u)) != ATTEST_OK ||
	    (rc = core_buf_addc(creq, '\n')) != ATTEST_OK ||
	    (rc = canonical_headers(creq, names, h, nh)) != ATTEST_OK)
		goto out;
	rc = core_buf_printf(creq, "\n%s\n%s", names->data, payload);
out:
	hdrs_free(h, nh);
	return rc;
}
