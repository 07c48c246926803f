/*
 * S3 GetObject with a size cap: AWS Config sends a configuration item too
 * large for an event as a pointer to an object in S3, which attest watch
 * reads here. The object is requested in the client's region (virtual-
 * hosted or path style as the endpoint says); when S3 answers that the
 * bucket lives in another region (AuthorizationHeaderMalformed or
 * PermanentRedirect naming it in <Region>), the request goes once more to
 * that region. An object larger than the cap is refused, not truncated.
 */
#include "config.h"

#include "collect/aws/client_int.h"

#include <stdlib.h>
#include <string.h>

/* The region S3's error answer names (<Region>eu-west-1</Region>) into
 * out; false when it names none. */
static bool
answer_region(const struct aws_client_reply *r, char *out, size_t size)
{
	const char *p, *e;

	if (strcmp(r->code, "AuthorizationHeaderMalformed") != 0 &&
	    strcmp(r->code, "PermanentRedirect") != 0)
		return false;
	if (!(p = strstr(r->body, "<Region>")) || !(e = strstr(p += 8, "</Region>")) ||
	    (size_t)(e - p) >= size)
		return false;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return aws_region_valid(out);
}

/* Error answers are read whatever the object's cap. */
#define MIN_BODY 65536

/* One GetObject of bucket/key (path: "/<encoded key>") in region; an
 * object over max_bytes fails as ResponseTooLarge. */
static attest_rc
get_in(struct aws_client *cl, const char *bucket, const char *path, const char *thing,
       const char *region, size_t max_bytes, struct aws_client_reply *r)
{
	struct aws_endpoint ep = {0};
	struct aws_call call = {0};
	char *url = NULL, msg[64];
	attest_rc rc;

	memset(r, 0, sizeof(*r));
	if ((rc = aws_client_endpoint(cl, "s3", region, &ep)) != ATTEST_OK)
		return rc;
	if ((rc = aws_s3_bucket_url(cl->ctx, &ep, bucket, path, &url)) == ATTEST_OK) {
		call.service = ep.signing_name;
		call.region = ep.signing_region;
		call.method = "GET";
		call.url = url;
		call.s3 = true;
		rc = aws_client_send(cl, "S3 GetObject", thing, &call, 0,
				     max_bytes > MIN_BODY ? max_bytes : MIN_BODY, r);
	}
	if ((rc == ATTEST_OK && r->len > max_bytes) ||
	    (rc == ATTEST_ERR_IO && strcmp(r->code, "ResponseTooLarge") == 0)) {
		snprintf(msg, sizeof(msg), "the object is larger than %zu bytes", max_bytes);
		rc = aws_client_fail(cl, "S3 GetObject", thing, "ResponseTooLarge", msg);
	}
	aws_endpoint_release(&ep);
	free(url);
	return rc;
}

attest_rc
aws_s3_get_object(struct aws_client *cl, const char *bucket, const char *key, size_t max_bytes,
		  struct core_buf *out)
{
	struct aws_client_reply r = {0};
	char *enc = NULL, *path = NULL, thing[1200], region[40];
	attest_rc rc;

	snprintf(thing, sizeof(thing), "s3://%s/%s", bucket, key);
	if (!*bucket || !*key || max_bytes == 0)
		return core_error(cl->ctx, ATTEST_ERR_USAGE,
				  "S3 GetObject needs a bucket, a key and a size cap ('%s')",
				  thing);
	if (!(enc = aws_uri_encode(key, strlen(key), true)) || !(path = malloc(strlen(enc) + 2))) {
		rc = core_nomem(cl->ctx);
		goto out;
	}
	snprintf(path, strlen(enc) + 2, "/%s", enc);
	rc = get_in(cl, bucket, path, thing, cl->c.home_region, max_bytes, &r);
	if (rc == ATTEST_ERR_IO && r.body && answer_region(&r, region, sizeof(region)) &&
	    strcmp(region, cl->c.home_region) != 0) {
		aws_client_reply_release(&r);
		core_log(cl->ctx, ATTEST_LOG_DEBUG, "S3 GetObject of '%s': the bucket is in %s",
			 thing, region);
		rc = get_in(cl, bucket, path, thing, region, max_bytes, &r);
	}
	if (rc == ATTEST_OK && core_buf_add(out, r.body, r.len) != ATTEST_OK)
		rc = core_error(cl->ctx, ATTEST_ERR_LIMIT,
				"S3 GetObject of '%s': %zu bytes do not fit", thing, r.len);
out:
	aws_client_reply_release(&r);
	free(enc);
	free(path);
	return rc;
}
