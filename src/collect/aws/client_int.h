/*
 * Shared by the AWS client's files: client.c (credentials, endpoints, one
 * synchronous signed request, errors), client_sqs.c (the SQS JSON
 * protocol), client_sns.c (SNS Publish) and client_s3.c (S3 GetObject).
 */
#ifndef ATTEST_AWS_CLIENT_INT_H
#define ATTEST_AWS_CLIENT_INT_H

#include "collect/aws/client.h"
#include "collect/aws/collect_int.h"

struct aws_client {
	attest_ctx *ctx;
	/* The credentials, profile, home region and role renewal, kept as
	 * the collector keeps them so that its signer signs for us. */
	struct aws_collector c;
	struct aws_credentials role_base;
	char session[64];
	struct aws_client_opts o; /* the options (strings borrowed) */
	struct aws_engine *eng;
	char code[128]; /* the last failure's AWS error code */
};

/* The answer of one request, owned (aws_client_reply_release()). */
struct aws_client_reply {
	long status;
	char *body; /* NUL-terminated, never NULL after a request */
	size_t len;
	bool ok;
	char code[128];
	char msg[512];
};
void aws_client_reply_release(struct aws_client_reply *r);

/* The endpoint of service in region (AWS_ENDPOINT_URL* honoured). Errors
 * name service and region. */
attest_rc aws_client_endpoint(struct aws_client *cl, const char *service, const char *region,
			      struct aws_endpoint *ep);

/* Sends call (retried as the engine does, each attempt limited to
 * timeout_ms and answers to max_body bytes; 0: the engine's) and waits for
 * its answer into *r (filled either way: release it). A failed answer is
 * the error "<what> of '<thing>' failed: <code>: <message>"
 * (ATTEST_ERR_IO, cl->code set). */
attest_rc aws_client_send(struct aws_client *cl, const char *what, const char *thing,
			  const struct aws_call *call, long timeout_ms, size_t max_body,
			  struct aws_client_reply *r);

/* Sets the error "<what> of '<thing>' failed: <code>: <msg>" with any
 * secret cut out, and cl->code; returns ATTEST_ERR_IO. */
attest_rc aws_client_fail(struct aws_client *cl, const char *what, const char *thing,
			  const char *code, const char *msg);

/* The region of an ARN (arn:partition:service:region:...), copied into
 * out; "" when it has none or is not one. */
void aws_client_arn_region(const char *arn, char *out, size_t size);

#endif
