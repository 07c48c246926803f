/*
 * Unit tests for the SigV4 signer (src/collect/aws/sigv4.c). Every case of
 * both layouts of the AWS test suite in tests/data/sigv4/ (Apache-2.0, see
 * its NOTICE and README) becomes
 * one CUnit test: aws-c-auth-v4 (context.json + request.txt against the
 * header-signing canonical request, string to sign, signature and signed
 * request) and botocore-aws4_testsuite (.req against .creq, .sts, .authz).
 * The query-signing (presigned URL) files of aws-c-auth-v4 are not checked:
 * attest never presigns. Then the project's own cases: the published S3
 * examples, UNSIGNED-PAYLOAD, S3's single encoding and unnormalized paths,
 * session tokens signed and unsigned, ports in Host, and refusals whose
 * messages must not carry the secret. The suite ships with the sources:
 * when a layout is missing or holds fewer cases than shipped, the program
 * fails (exit 99) instead of skipping, so the vectors run everywhere
 * (sanitizer builds, distcheck).
 */
#include "config.h"

#include "collect/aws/sigv4_int.h"
#include "harness.h"
#include "testutil.h"

#include <dirent.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUITE_DIR ATTEST_SRCDIR "/tests/data/sigv4"
/* Header-signing cases shipped in tests/data/sigv4, per layout. */
#define CRT_CASES 38
#define BOTOCORE_CASES 34
#define MAX_CASES 256

static const char example_id[] = "AKIDEXAMPLE";
static const char example_secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/* ---- helpers ------------------------------------------------------------ */

/* Expected texts are compared without trailing newlines. */
static void
chomp(char *s)
{
	size_t n = s ? strlen(s) : 0;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static char *
slurp_chomped(const char *dir, const char *name)
{
	char path[1024], *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	s = tu_slurp(path, NULL);
	chomp(s);
	return s;
}

/* Signs one request: through aws_sigv4_sign_traced() when the canonical
 * request or the string to sign is wanted, else through aws_sigv4_sign(). */
static attest_rc
sign(attest_ctx *ctx, const char *method, const char *url, const struct aws_header *h, size_t n,
     const void *body, size_t body_len, const struct aws_credentials *cred,
     const struct aws_signing *how, struct aws_header **out, char **creq, char **sts)
{
	struct aws_request req = {method, url, h, n, body, body_len};
	struct aws_sigv4_trace t;
	attest_rc rc;

	if (!creq && !sts)
		return aws_sigv4_sign(ctx, &req, cred, how, out);
	rc = aws_sigv4_sign_traced(ctx, &req, cred, how, out, &t);
	if (creq)
		*creq = t.creq;
	else
		free(t.creq);
	if (sts)
		*sts = t.sts;
	else
		free(t.sts);
	return rc;
}

struct request {
	char method[16];
	char *path;
	struct aws_header h[32];
	char *hv[32]; /* owned values */
	char *hn[32]; /* owned names */
	size_t n;
	const char *host;
	const char *body;
	size_t body_len;
};

static void
request_free(struct request *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->hn[i]);
		free(r->hv[i]);
	}
	free(r->path);
}

/* Parses an HTTP/1.1 request as the suites write it: the path may contain
 * spaces; a header line starting with white space continues the previous
 * value; the body follows the first empty line. text is modified. */
static bool
request_parse(char *text, struct request *r)
{
	char *line = text, *next, *sp, *last;
	size_t i;

	memset(r, 0, sizeof(*r));
	next = strchr(line, '\n');
	if (next)
		*next++ = '\0';
	chomp(line);
	sp = strchr(line, ' ');
	last = strrchr(line, ' ');
	if (!sp || sp == last || (size_t)(sp - line) >= sizeof(r->method))
		return false;
	memcpy(r->method, line, (size_t)(sp - line));
	r->path = strndup(sp + 1, (size_t)(last - sp - 1));
	while ((line = next)) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '\r' || line[0] == '\0') {
			r->body = next ? next : "";
			r->body_len = strlen(r->body);
			break;
		}
		chomp(line);
		if ((line[0] == ' ' || line[0] == '\t') && r->n > 0) {
			size_t a = strlen(r->hv[r->n - 1]), b = strlen(line);
			char *v = realloc(r->hv[r->n - 1], a + b + 2);

			if (!v)
				return false;
			v[a] = '\n';
			memcpy(v + a + 1, line, b + 1);
			r->hv[r->n - 1] = v;
			continue;
		}
		sp = strchr(line, ':');
		if (!sp || r->n >= 32)
			return false;
		r->hn[r->n] = strndup(line, (size_t)(sp - line));
		r->hv[r->n] = strdup(sp + 1);
		r->n++;
	}
	for (i = 0; i < r->n; i++) {
		r->h[i].name = r->hn[i];
		r->h[i].value = r->hv[i];
		if (strcasecmp(r->hn[i], "host") == 0)
			r->host = r->hv[i];
	}
	return r->path && r->host;
}

static const char *
find_header(const struct aws_header *h, const char *name)
{
	for (; h && h->name; h++)
		if (strcasecmp(h->name, name) == 0)
			return h->value;
	return NULL;
}

/* Removes a header from the parsed request; returns its value (owned). */
static char *
take_header(struct request *r, const char *name)
{
	size_t i;
	char *v;

	for (i = 0; i < r->n; i++) {
		if (strcasecmp(r->hn[i], name) != 0)
			continue;
		v = r->hv[i];
		free(r->hn[i]);
		memmove(&r->hn[i], &r->hn[i + 1], (r->n - i - 1) * sizeof(r->hn[0]));
		memmove(&r->hv[i], &r->hv[i + 1], (r->n - i - 1) * sizeof(r->hv[0]));
		memmove(&r->h[i], &r->h[i + 1], (r->n - i - 1) * sizeof(r->h[0]));
		r->n--;
		return v;
	}
	return NULL;
}

static bool
signature_of(const char *authz, char out[65])
{
	const char *p = authz ? strstr(authz, "Signature=") : NULL;

	if (!p || strlen(p + 10) < 64)
		return false;
	memcpy(out, p + 10, 64);
	out[64] = '\0';
	return true;
}

/* ---- aws-c-auth-v4 -------------------------------------------------------- */

static char *case_names[2][MAX_CASES];
static size_t n_cases[2];
static CU_TestInfo case_tests[2][MAX_CASES + 1];

static const char *
current_case(void)
{
	CU_pTest t = CU_get_current_test();

	return t ? t->pName : "";
}

static void
run_crt_case(void)
{
	char dir[1024], file[1200], *txt = NULL, *creq_exp = NULL, *sts_exp = NULL;
	char *sig_exp = NULL;
	char *signed_req = NULL, *url = NULL, *creq = NULL, *sts = NULL, sig[65];
	struct request r = {0};
	struct aws_credentials cred = {0};
	struct aws_signing how = {0};
	struct aws_header *out = NULL;
	json_t *ctxj = NULL, *c;
	attest_ctx *ctx = attest_ctx_new();
	const char *ts, *authz, *line;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/aws-c-auth-v4/%s", SUITE_DIR, current_case());
	snprintf(file, sizeof(file), "%s/context.json", dir);
	ctxj = json_load_file(file, 0, NULL);
	snprintf(file, sizeof(file), "%s/request.txt", dir);
	txt = tu_slurp(file, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctxj);
	CU_ASSERT_PTR_NOT_NULL_FATAL(txt);
	CU_ASSERT_FATAL(request_parse(txt, &r));

	c = json_object_get(ctxj, "credentials");
	cred.access_key_id = (char *)json_string_value(json_object_get(c, "access_key_id"));
	cred.secret_access_key = (char *)json_string_value(json_object_get(c, "secret_access_key"));
	cred.session_token = (char *)json_string_value(json_object_get(c, "token"));
	how.region = json_string_value(json_object_get(ctxj, "region"));
	how.service = json_string_value(json_object_get(ctxj, "service"));
	ts = json_string_value(json_object_get(ctxj, "timestamp"));
	CU_ASSERT_FATAL(core_time_parse(ts, &how.when));
	how.no_normalize = !json_is_true(json_object_get(ctxj, "normalize"));
	how.content_sha256 = json_is_true(json_object_get(ctxj, "sign_body"));
	how.token_after = json_is_true(json_object_get(ctxj, "omit_session_token"));

	n = strlen(r.host) + strlen(r.path) + 16;
	url = malloc(n);
	snprintf(url, n, "https://%s%s", r.host, r.path);
	CU_ASSERT_EQUAL_FATAL(sign(ctx, r.method, url, r.h, r.n, r.body, r.body_len, &cred, &how,
				   &out, &creq, &sts),
			      ATTEST_OK);

	creq_exp = slurp_chomped(dir, "header-canonical-request.txt");
	sts_exp = slurp_chomped(dir, "header-string-to-sign.txt");
	sig_exp = slurp_chomped(dir, "header-signature.txt");
	signed_req = slurp_chomped(dir, "header-signed-request.txt");
	CU_ASSERT_PTR_NOT_NULL_FATAL(creq_exp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sts_exp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sig_exp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(signed_req);
	CU_ASSERT_STRING_EQUAL(creq, creq_exp);
	CU_ASSERT_STRING_EQUAL(sts, sts_exp);
	authz = find_header(out, "Authorization");
	CU_ASSERT_FATAL(signature_of(authz, sig));
	CU_ASSERT_STRING_EQUAL(sig, sig_exp);
	/* The whole Authorization line of the signed request, and every
	 * header the signer added, appear in the expected signed request. */
	line = strstr(signed_req, "Authorization:");
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	CU_ASSERT_EQUAL(strncmp(line + 14, authz, strlen(authz)), 0);
	for (n = 0; out[n].name; n++) {
		char want[4096];

		snprintf(want, sizeof(want), "%s:%s", out[n].name, out[n].value);
		CU_ASSERT_PTR_NOT_NULL(strcasestr(signed_req, want));
	}
	if (cred.session_token)
		CU_ASSERT_STRING_EQUAL(find_header(out, "X-Amz-Security-Token"),
				       cred.session_token);
	if (strcmp(creq, creq_exp) != 0 || strcmp(sig, sig_exp) != 0)
		fprintf(stderr, "\n--- %s: got\n%s\n--- expected\n%s\n", current_case(), creq,
			creq_exp);

	aws_headers_free(out);
	free(creq);
	free(sts);
	free(creq_exp);
	free(sts_exp);
	free(sig_exp);
	free(signed_req);
	free(url);
	request_free(&r);
	free(txt);
	json_decref(ctxj);
	attest_ctx_free(ctx);
}

/* ---- botocore-aws4_testsuite ------------------------------------------------ */

/* Cases are folders holding <folder>.req, possibly nested one level
 * (normalize-path/, post-sts-token/); the test name is the relative path. */
static void
run_botocore_case(void)
{
	const char *rel = current_case(), *base = strrchr(rel, '/');
	char dir[1024], file[1200], *txt, *creq_exp, *sts_exp, *authz_exp, *date, *url;
	char *creq = NULL, *sts = NULL;
	struct request r = {0};
	struct aws_credentials cred = {0};
	struct aws_signing how = {0};
	struct aws_header *out = NULL;
	attest_ctx *ctx = attest_ctx_new();
	size_t n;

	base = base ? base + 1 : rel;
	snprintf(dir, sizeof(dir), "%s/botocore-aws4_testsuite/%s", SUITE_DIR, rel);
	snprintf(file, sizeof(file), "%s/%s.req", dir, base);
	txt = tu_slurp(file, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(txt);
	CU_ASSERT_FATAL(request_parse(txt, &r));
	snprintf(file, sizeof(file), "%s.creq", base);
	creq_exp = slurp_chomped(dir, file);
	snprintf(file, sizeof(file), "%s.sts", base);
	sts_exp = slurp_chomped(dir, file);
	snprintf(file, sizeof(file), "%s.authz", base);
	authz_exp = slurp_chomped(dir, file);
	CU_ASSERT_PTR_NOT_NULL_FATAL(creq_exp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sts_exp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(authz_exp);

	/* The suite's fixed inputs: the example keys, us-east-1/service, and
	 * the X-Amz-Date of the request as the signing time. */
	cred.access_key_id = (char *)example_id;
	cred.secret_access_key = (char *)example_secret;
	if (strcmp(base, "get-vanilla-with-session-token") == 0)
		cred.session_token =
			(char *)"6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
	how.region = "us-east-1";
	how.service = "service";
	date = take_header(&r, "X-Amz-Date");
	CU_ASSERT_PTR_NOT_NULL_FATAL(date);
	CU_ASSERT_STRING_EQUAL(date, "20150830T123600Z");
	CU_ASSERT_FATAL(core_time_parse("2015-08-30T12:36:00Z", &how.when));

	n = strlen(r.host) + strlen(r.path) + 16;
	url = malloc(n);
	snprintf(url, n, "https://%s%s", r.host, r.path);
	CU_ASSERT_EQUAL_FATAL(sign(ctx, r.method, url, r.h, r.n, r.body, r.body_len, &cred, &how,
				   &out, &creq, &sts),
			      ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(creq, creq_exp);
	CU_ASSERT_STRING_EQUAL(sts, sts_exp);
	CU_ASSERT_STRING_EQUAL(find_header(out, "Authorization"), authz_exp);
	CU_ASSERT_STRING_EQUAL(find_header(out, "X-Amz-Date"), "20150830T123600Z");
	if (strcmp(creq, creq_exp) != 0)
		fprintf(stderr, "\n--- %s: got\n%s\n--- expected\n%s\n", rel, creq, creq_exp);

	aws_headers_free(out);
	free(creq);
	free(sts);
	free(creq_exp);
	free(sts_exp);
	free(authz_exp);
	free(date);
	free(url);
	request_free(&r);
	free(txt);
	attest_ctx_free(ctx);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Adds the case folders under root/rel (rel "" at the top). */
static void
collect_cases(int layout, const char *root, const char *rel)
{
	char path[1024], file[1400];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	if (!(d = opendir(path)))
		return;
	while ((de = readdir(d)) && n_cases[layout] < MAX_CASES) {
		char sub[1024];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		if (!is_dir(file))
			continue;
		if (layout == 0) {
			snprintf(file, sizeof(file), "%s/%s/request.txt", path, de->d_name);
		} else {
			snprintf(file, sizeof(file), "%s/%s/%s.req", path, de->d_name, de->d_name);
		}
		if (access(file, R_OK) == 0)
			case_names[layout][n_cases[layout]++] = strdup(sub);
		else if (layout == 1 && !*rel)
			collect_cases(layout, root, sub);
	}
	closedir(d);
}

/* ---- the project's own cases -------------------------------------------------- */

/* Recomputes the signature from a string to sign with a separate HMAC
 * chain, so the own cases check the key derivation end to end. */
static void
expected_signature(const char *secret, const char *date, const char *region, const char *service,
		   const char *sts, char out[65])
{
	unsigned char k[32], m[32];
	char key[128];
	unsigned int n;
	int i;

	snprintf(key, sizeof(key), "AWS4%s", secret);
	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)date, strlen(date), k, &n);
	HMAC(EVP_sha256(), k, 32, (const unsigned char *)region, strlen(region), m, &n);
	HMAC(EVP_sha256(), m, 32, (const unsigned char *)service, strlen(service), k, &n);
	HMAC(EVP_sha256(), k, 32, (const unsigned char *)"aws4_request", 12, m, &n);
	HMAC(EVP_sha256(), m, 32, (const unsigned char *)sts, strlen(sts), k, &n);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", k[i]);
}

static const char s3_id[] = "AKIAIOSFODNN7EXAMPLE";
static const char s3_secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

static struct aws_signing
s3_how(void)
{
	struct aws_signing how = {0};

	how.region = "us-east-1";
	how.service = "s3";
	how.s3 = true;
	core_time_parse("2013-05-24T00:00:00Z", &how.when);
	return how;
}

/* The worked examples of the S3 SigV4 documentation ("Signature
 * Calculations for the Authorization Header"). */
static void
check_s3_example(const char *method, const char *url, const struct aws_header *h, size_t n,
		 const char *body, const char *want_creq_path, const char *want_sig)
{
	struct aws_credentials cred = {(char *)s3_id, (char *)s3_secret, NULL, 0};
	struct aws_signing how = s3_how();
	struct aws_header *out = NULL;
	attest_ctx *ctx = attest_ctx_new();
	char *creq = NULL, *sts = NULL, sig[65];

	CU_ASSERT_EQUAL_FATAL(sign(ctx, method, url, h, n, body, body ? strlen(body) : 0, &cred,
				   &how, &out, &creq, &sts),
			      ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(creq, want_creq_path));
	CU_ASSERT_FATAL(signature_of(find_header(out, "Authorization"), sig));
	CU_ASSERT_STRING_EQUAL(sig, want_sig);
	aws_headers_free(out);
	free(creq);
	free(sts);
	attest_ctx_free(ctx);
}

static void
test_s3_get_object(void)
{
	struct aws_header h[] = {{"Range", "bytes=0-9"}};

	check_s3_example("GET", "https://examplebucket.s3.amazonaws.com/test.txt", h, 1, NULL,
			 "GET\n/test.txt\n\n",
			 "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

static void
test_s3_put_object(void)
{
	struct aws_header h[] = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
				 {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};

	/* "$" travels encoded and is signed encoded once: %24, not %2524. */
	check_s3_example("PUT", "https://examplebucket.s3.amazonaws.com/test%24file.text", h, 2,
			 "Welcome to Amazon S3.", "PUT\n/test%24file.text\n\n",
			 "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

static void
test_s3_get_lifecycle(void)
{
	check_s3_example("GET", "https://examplebucket.s3.amazonaws.com/?lifecycle", NULL, 0, NULL,
			 "GET\n/\nlifecycle=\n",
			 "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

static void
test_s3_list_objects(void)
{
	check_s3_example("GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", NULL,
			 0, NULL, "GET\n/\nmax-keys=2&prefix=J\n",
			 "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

static void
test_s3_unsigned_payload(void)
{
	struct aws_credentials cred = {(char *)s3_id, (char *)s3_secret, NULL, 0};
	struct aws_signing how = s3_how();
	struct aws_header *out = NULL;
	attest_ctx *ctx = attest_ctx_new();
	char *creq = NULL, *sts = NULL, sig[65], want[65];
	const char *tail;

	how.unsigned_payload = true;
	CU_ASSERT_EQUAL_FATAL(sign(ctx, "PUT", "https://b.s3.amazonaws.com/k", NULL, 0, "payload",
				   7, &cred, &how, &out, &creq, &sts),
			      ATTEST_OK);
	tail = strrchr(creq, '\n');
	CU_ASSERT_STRING_EQUAL(tail, "\nUNSIGNED-PAYLOAD");
	CU_ASSERT_PTR_NOT_NULL(strstr(creq, "x-amz-content-sha256:UNSIGNED-PAYLOAD\n"));
	CU_ASSERT_STRING_EQUAL(find_header(out, "X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
	CU_ASSERT(signature_of(find_header(out, "Authorization"), sig));
	expected_signature(s3_secret, "20130524", "us-east-1", "s3", sts, want);
	CU_ASSERT_STRING_EQUAL(sig, want);
	aws_headers_free(out);
	free(creq);
	free(sts);
	attest_ctx_free(ctx);
}

static void
test_s3_payload_hash(void)
{
	struct aws_credentials cred = {(char *)s3_id, (char *)s3_secret, NULL, 0};
	struct aws_signing how = s3_how();
	struct aws_header *out = NULL;
	attest_ctx *ctx = attest_ctx_new();
	char *creq = NULL, hash[65];

	core_sha256_hex("abc", 3, hash);
	CU_ASSERT_STRING_EQUAL(hash,
			       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CU_ASSERT_EQUAL_FATAL(sign(ctx, "PUT", "https://b.s3.amazonaws.com/k", NULL, 0, "abc", 3,
				   &cred, &how, &out, &creq, NULL),
			      ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(find_header(out, "X-Amz-Content-Sha256"), hash);
	CU_ASSERT_STRING_EQUAL(strrchr(creq, '\n') + 1, hash);
	aws_headers_free(out);
	free(creq);
	attest_ctx_free(ctx);
}

/* Creq path line of url signed with how. */
static char *
creq_path(const char *url, const struct aws_signing *how)
{
	struct aws_credentials cred = {(char *)example_id, (char *)example_secret, NULL, 0};
	struct aws_header *out = NULL;
	attest_ctx *ctx = attest_ctx_new();
	char *creq = NULL, *p = NULL, *nl;

	if (sign(ctx, "GET", url, NULL, 0, NULL, 0, &cred, how, &out, &creq, NULL) == ATTEST_OK) {
		nl = strchr(creq, '\n');
		p = strndup(nl + 1, strcspn(nl + 1, "\n"));
	}
	aws_headers_free(out);
	free(creq);
	attest_ctx_free(ctx);
	return p;
}

static void
test_s3_path_rules(void)
{
	struct aws_signing s3 = s3_how(), other = s3_how();
	char *p;

	other.s3 = false;
	other.service = "service";
	/* S3: the key as sent, neither normalized nor encoded twice. */
	p = creq_path("https://b.s3.amazonaws.com/my-object//example//photo.user", &s3);
	CU_ASSERT_STRING_EQUAL(p, "/my-object//example//photo.user");
	free(p);
	p = creq_path("https://b.s3.amazonaws.com/a/./b/../c", &s3);
	CU_ASSERT_STRING_EQUAL(p, "/a/./b/../c");
	free(p);
	p = creq_path("https://b.s3.amazonaws.com/my%20key%2Bplus", &s3);
	CU_ASSERT_STRING_EQUAL(p, "/my%20key%2Bplus");
	free(p);
	/* Other services: normalized, and the wire encoding encoded again. */
	p = creq_path("https://h.amazonaws.com/my-object//example//photo.user", &other);
	CU_ASSERT_STRING_EQUAL(p, "/my-object/example/photo.user");
	free(p);
	p = creq_path("https://h.amazonaws.com/my%20key", &other);
	CU_ASSERT_STRING_EQUAL(p, "/my%2520key");
	free(p);
	p = creq_path("https://h.amazonaws.com", &other);
	CU_ASSERT_STRING_EQUAL(p, "/");
	free(p);
}

static void
test_session_token(void)
{
	struct aws_credentials cred = {(char *)example_id, (char *)example_secret,
				       (char *)"FQoGZXIvYXdzEXAMPLETOKEN+/=", 0};
	struct aws_signing how = {0};
	struct aws_header *out = NULL;
	attest_ctx *ctx = attest_ctx_new();
	char *creq = NULL, *sts = NULL, sig[65], want[65];

	how.region = "eu-west-1";
	how.service = "iam";
	how.when = 1700000000;
	CU_ASSERT_EQUAL_FATAL(sign(ctx, "POST", "https://iam.amazonaws.com/", NULL, 0,
				   "Action=ListUsers&Version=2010-05-08", 35, &cred, &how, &out,
				   &creq, &sts),
			      ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(find_header(out, "X-Amz-Security-Token"), cred.session_token);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(creq, "\nx-amz-security-token:FQoGZXIvYXdzEXAMPLETOKEN+/=\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(creq, "\nhost;x-amz-date;x-amz-security-token\n"));
	CU_ASSERT_PTR_NULL(find_header(out, "X-Amz-Content-Sha256"));
	CU_ASSERT_STRING_EQUAL(find_header(out, "X-Amz-Date"), "20231114T221320Z");
	CU_ASSERT(signature_of(find_header(out, "Authorization"), sig));
	expected_signature(example_secret, "20231114", "eu-west-1", "iam", sts, want);
	CU_ASSERT_STRING_EQUAL(sig, want);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(find_header(out, "Authorization"),
		       "Credential=AKIDEXAMPLE/20231114/eu-west-1/iam/aws4_request, "));
	aws_headers_free(out);
	free(creq);
	free(sts);

	/* Added after signing: sent, but not signed. */
	how.token_after = true;
	CU_ASSERT_EQUAL_FATAL(sign(ctx, "GET", "https://iam.amazonaws.com/", NULL, 0, NULL, 0,
				   &cred, &how, &out, &creq, NULL),
			      ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(find_header(out, "X-Amz-Security-Token"), cred.session_token);
	CU_ASSERT_PTR_NULL(strstr(creq, "x-amz-security-token"));
	aws_headers_free(out);
	free(creq);
	attest_ctx_free(ctx);
}

static void
test_host_port(void)
{
	struct aws_credentials cred = {(char *)example_id, (char *)example_secret, NULL, 0};
	struct aws_signing how = {0};
	struct aws_header *out = NULL;
	attest_ctx *ctx = attest_ctx_new();
	char *creq = NULL;

	how.region = "us-east-1";
	how.service = "sts";
	CU_ASSERT_EQUAL(sign(ctx, "GET", "http://127.0.0.1:8080/x?b=2&a=1", NULL, 0, NULL, 0, &cred,
			     &how, &out, &creq, NULL),
			ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(creq, "\nhost:127.0.0.1:8080\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(creq, "\na=1&b=2\n"));
	aws_headers_free(out);
	free(creq);
	CU_ASSERT_EQUAL(sign(ctx, "GET", "https://sts.amazonaws.com:443/", NULL, 0, NULL, 0, &cred,
			     &how, &out, &creq, NULL),
			ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(creq, "\nhost:sts.amazonaws.com\n"));
	aws_headers_free(out);
	free(creq);
	CU_ASSERT_EQUAL(sign(ctx, "GET", "http://[::1]:9000/", NULL, 0, NULL, 0, &cred, &how, &out,
			     &creq, NULL),
			ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(creq, "\nhost:[::1]:9000\n"));
	aws_headers_free(out);
	free(creq);
	attest_ctx_free(ctx);
}

static void
test_refusals(void)
{
	struct aws_credentials cred = {(char *)example_id, (char *)example_secret, NULL, 0};
	struct aws_credentials nosecret = {(char *)example_id, NULL, NULL, 0};
	struct aws_header auth[] = {{"Authorization", "x"}};
	struct aws_signing how = {0};
	struct aws_header *out = (struct aws_header *)1;
	attest_ctx *ctx = attest_ctx_new();

	how.region = "us-east-1";
	how.service = "ec2";
	CU_ASSERT_EQUAL(
		sign(ctx, "GET", "not a url", NULL, 0, NULL, 0, &cred, &how, &out, NULL, NULL),
		ATTEST_ERR_USAGE);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_PTR_NULL(strstr(attest_ctx_errmsg(ctx), example_secret));
	CU_ASSERT_EQUAL(sign(ctx, "GET", "https://ec2.amazonaws.com/", auth, 1, NULL, 0, &cred,
			     &how, &out, NULL, NULL),
			ATTEST_ERR_USAGE);
	CU_ASSERT_EQUAL(sign(ctx, "GET", "https://ec2.amazonaws.com/", NULL, 0, NULL, 0, &nosecret,
			     &how, &out, NULL, NULL),
			ATTEST_ERR_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "'ec2'"));
	how.region = NULL;
	CU_ASSERT_EQUAL(sign(ctx, "GET", "https://ec2.amazonaws.com/", NULL, 0, NULL, 0, &cred,
			     &how, &out, NULL, NULL),
			ATTEST_ERR_USAGE);
	attest_ctx_free(ctx);
}

static void
test_uri_encode(void)
{
	char *s = aws_uri_encode("a b/c~d+e=\xe1\x88\xb4", 13, true), *t;

	CU_ASSERT_STRING_EQUAL(s, "a%20b/c~d%2Be%3D%E1%88%B4");
	t = aws_uri_encode("a/b", 3, false);
	CU_ASSERT_STRING_EQUAL(t, "a%2Fb");
	free(s);
	free(t);
}

static void
test_credentials_release(void)
{
	struct aws_credentials c = {0}, d;
	attest_ctx *ctx = attest_ctx_new();

	c.access_key_id = strdup("AKID");
	c.secret_access_key = strdup("secret");
	c.session_token = strdup("token");
	c.expiration = 5;
	CU_ASSERT_EQUAL(aws_credentials_copy(ctx, &d, &c), ATTEST_OK);
	aws_credentials_release(&c);
	CU_ASSERT_PTR_NULL(c.secret_access_key);
	CU_ASSERT_EQUAL(c.expiration, 0);
	aws_credentials_release(&c); /* twice: fine */
	aws_credentials_release(NULL);
	CU_ASSERT_STRING_EQUAL(d.secret_access_key, "secret");
	CU_ASSERT_EQUAL(d.expiration, 5);
	aws_credentials_release(&d);
	attest_ctx_free(ctx);
}

static CU_TestInfo own_tests[] = {
	{"s3 documentation: GET object with Range", test_s3_get_object},
	{"s3 documentation: PUT object, $ in the key", test_s3_put_object},
	{"s3 documentation: GET bucket lifecycle", test_s3_get_lifecycle},
	{"s3 documentation: list objects", test_s3_list_objects},
	{"s3 UNSIGNED-PAYLOAD", test_s3_unsigned_payload},
	{"s3 payload hash header", test_s3_payload_hash},
	{"s3 path: no normalization, single encoding", test_s3_path_rules},
	{"session token signed, and added after signing", test_session_token},
	{"host header ports and query order", test_host_port},
	{"refusals keep the secret out of messages", test_refusals},
	{"uri encoding", test_uri_encode},
	{"credentials copy and release", test_credentials_release},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[4];
	const char *roots[2] = {SUITE_DIR "/aws-c-auth-v4", SUITE_DIR "/botocore-aws4_testsuite"};
	CU_TestFunc fns[2] = {run_crt_case, run_botocore_case};
	int layout, rc;
	const size_t shipped[2] = {CRT_CASES, BOTOCORE_CASES};
	size_t i;

	for (layout = 0; layout < 2; layout++) {
		collect_cases(layout, roots[layout], "");
		if (n_cases[layout] != shipped[layout]) {
			fprintf(stderr, "SigV4 test suite '%s': %zu cases found, %zu shipped\n",
				roots[layout], n_cases[layout], shipped[layout]);
			rc = 99;
			goto out;
		}
		qsort(case_names[layout], n_cases[layout], sizeof(char *), name_cmp);
		for (i = 0; i < n_cases[layout]; i++) {
			case_tests[layout][i].pName = case_names[layout][i];
			case_tests[layout][i].pTestFunc = fns[layout];
		}
		case_tests[layout][n_cases[layout]].pName = NULL;
		case_tests[layout][n_cases[layout]].pTestFunc = NULL;
	}
	printf("# %zu aws-c-auth-v4 cases, %zu botocore cases (header signing); the "
	       "aws-c-auth-v4 query-signing files are not checked: attest never presigns URLs\n",
	       n_cases[0], n_cases[1]);
	memset(suites, 0, sizeof(suites));
	suites[0].pName = "aws-c-auth-v4";
	suites[0].pTests = case_tests[0];
	suites[1].pName = "botocore-aws4_testsuite";
	suites[1].pTests = case_tests[1];
	suites[2].pName = "sigv4 own cases";
	suites[2].pTests = own_tests;
	rc = attest_test_main(suites);
out:
	for (layout = 0; layout < 2; layout++)
		for (i = 0; i < n_cases[layout]; i++)
			free(case_names[layout][i]);
	return rc;
}
