/*
 * S3 GetObject with a size cap: AWS Config sends a configuration item too
 * large for an event as a pointer to an object in S3, which attest watch
 * reads here. The object is requested in the client's region (virtual-
 * hosted or path style as the endpoint says) and refused, not truncated,
 * when larger than the cap.
 */
#include "config.h"

#include "collect/aws/client_int.h"

#include <stdlib.h>
#include <string.h>

attest_rc
aws_s3_get_object(struct aws_client *cl, const char *bucket, const char *key, size_t max_bytes,
		  struct core_buf *out)
{
	struct aws_client_reply r = {0};
	struct aws_endpoint ep = {0};
	struct aws_call call = {0};
	char *enc = NULL, *path = NULL, *url = NULL, thing[1200];
	attest_rc rc;

	snprintf(thing, sizeof(thing), "s3://%s/%s", bucket, key);
	if (!*bucket || !*key || max_bytes == 0)
		return core_error(cl->ctx, ATTEST_ERR_USAGE,
				  "S3 GetObject needs a bucket, a key and a size cap ('%s')",
				  thing);
	if ((rc = aws_client_endpoint(cl, "s3", NULL, &ep)) != ATTEST_OK)
		return rc;
	if (!(enc = aws_uri_encode(key, strlen(key), true)) || !(path = malloc(strlen(enc) + 2))) {
		rc = core_nomem(cl->ctx);
		goto out;
	}
	snprintf(path, strlen(enc) + 2, "/%s", enc);
	if ((rc = aws_s3_bucket_url(cl->ctx, &ep, bucket, path, &url)) != ATTEST_OK)
		goto out;
	call.service = ep.signing_name;
	call.region = ep.signing_region;
	call.method = "GET";
	call.url = url;
	call.s3 = true;
	if ((rc = aws_client_send(cl, "S3 GetObject", thing, &call, 0, max_bytes, &r)) != ATTEST_OK)
		goto out;
	if (core_buf_add(out, r.body, r.len) != ATTEST_OK)
		rc = core_error(cl->ctx, ATTEST_ERR_LIMIT,
				"S3 GetObject of '%s': %zu bytes do not fit", thing, r.len);
out:
	aws_client_reply_release(&r);
	aws_endpoint_release(&ep);
	free(enc);
	free(path);
	free(url);
	return rc;
}
