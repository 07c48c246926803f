/*
 * Hex and SHA-256: the digests that name inputs, stored copies, evidence
 * files and packages, all written the way sha256sum writes them (64
 * lowercase hex digits). One place talks to OpenSSL's EVP digest API for
 * them.
 */
#include "config.h"

#include "core_int.h"

#include <openssl/evp.h>
#include <string.h>

static const char digits[] = "0123456789abcdef";

void
core_hex_encode(const void *data, size_t n, char *out)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
core_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
core_hex_decode(const char *hex, void *out, size_t n)
{
	unsigned char *p = out;
	size_t i;
	int hi, lo;

	if (!hex || strlen(hex) != 2 * n)
		return false;
	for (i = 0; i < n; i++) {
		if ((hi = core_hex_digit(hex[2 * i])) < 0 ||
		    (lo = core_hex_digit(hex[2 * i + 1])) < 0)
			return false;
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

bool
core_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	out[0] = '\0';
	if (EVP_Digest(n ? data : "", n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return false;
	core_hex_encode(md, 32, out);
	return true;
}

bool
core_sha256_init(struct core_sha256 *h)
{
	h->md = EVP_MD_CTX_new();
	if (h->md && EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) == 1)
		return true;
	core_sha256_release(h);
	return false;
}

void
core_sha256_add(struct core_sha256 *h, const void *data, size_t n)
{
	if (n)
		EVP_DigestUpdate(h->md, data, n);
}

void
core_sha256_end(struct core_sha256 *h, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	out[0] = '\0';
	if (EVP_DigestFinal_ex(h->md, md, &len) == 1 && len == 32)
		core_hex_encode(md, 32, out);
	EVP_DigestInit_ex(h->md, EVP_sha256(), NULL);
}

void
core_sha256_release(struct core_sha256 *h)
{
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}
