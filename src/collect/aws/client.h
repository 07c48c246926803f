/*
 * A small synchronous AWS client for what attest watch needs besides
 * collection: SQS (the JSON 1.0 protocol, AmazonSQS.*: long-polled
 * ReceiveMessage, DeleteMessage, ChangeMessageVisibility,
 * GetQueueAttributes), SNS Publish (query protocol) and S3 GetObject with a
 * size cap (AWS Config's oversized configuration items). It runs on the
 * collector's pieces, not copies of them: the HTTP engine (retries with
 * backoff on throttling, 5xx and transient network errors, TLS always
 * verified), the SigV4 signer, endpoint resolution (AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_SQS|SNS|S3, the profile's services section) and the
 * credential chain (environment, profile, role_arn / source_profile, IMDS;
 * an assumed role renewed before it expires, expiring credentials of the
 * chain resolved again). doc/aws-client.md describes it for users.
 *
 * Errors go on the context: "<service> <operation> of '<thing>' failed:
 * <AWS error code>: <message>" (ATTEST_ERR_IO), the code also kept for
 * aws_client_error_code(). Secret keys and session tokens never appear in
 * an error or a log line.
 *
 * One call at a time per client, each waiting for its answer (a long
 * poll up to its wait); a client is used by one thread.
 *
 * Ownership: inputs are borrowed for the duration of a call; messages
 * returned by aws_sqs_receive() belong to the caller
 * (aws_sqs_messages_free()).
 */
#ifndef ATTEST_AWS_CLIENT_H
#define ATTEST_AWS_CLIENT_H

#include "core/core_int.h"

#include <stddef.h>
#include <time.h>

struct aws_client;

struct aws_client_opts {
	const char *profile;     /* NULL: AWS_PROFILE, else "default" */
	const char *role_arn;    /* assumed on top of the credentials found */
	const char *external_id; /* with role_arn */
	const char *region;      /* NULL: AWS_REGION, the profile's, else us-east-1;
				    SQS and SNS take theirs from the queue URL and
				    topic ARN when these name one */
	long timeout_ms;         /* per attempt of a call that does not wait; 0: 30 s
				    (a long poll gets its wait plus 10 s more) */
	unsigned max_attempts;   /* 0: 6 (1 = no retries) */
};

/* Resolves the credentials (a failure is ATTEST_ERR_NOTFOUND, _PARSE,
 * _INVALID or _IO as aws_resolve_credentials() says) and prepares the HTTP
 * engine. No request is sent. */
attest_rc aws_client_new(attest_ctx *ctx, const struct aws_client_opts *opts,
			 struct aws_client **out);
/* Wipes the credentials; NULL is a no-op. */
void aws_client_free(struct aws_client *cl);
/* The AWS error code of the last failed call ("ReceiptHandleIsInvalid",
 * "AccessDenied", "ResponseTooLarge", a network code...), "" after a
 * success. Lent until the next call. */
const char *aws_client_error_code(const struct aws_client *cl);

/* ---- SQS ---- */

struct aws_sqs_message {
	char *id;      /* MessageId */
	char *receipt; /* ReceiptHandle of this receive: new at every receive */
	char *body;    /* NUL-terminated */
	size_t body_len;
	time_t sent_at;     /* SentTimestamp (seconds), 0 when absent */
	long receive_count; /* ApproximateReceiveCount, 0 when absent */
};
void aws_sqs_messages_free(struct aws_sqs_message *m, size_t n);

/* Receives up to max (1..10) messages from queue_url, waiting up to wait_s
 * (0..20) seconds for the first (long polling); each received one stays
 * invisible for visibility_s seconds (0..43200; -1: the queue's default).
 * *msgs (NULL when *n is 0) receives them. */
attest_rc aws_sqs_receive(struct aws_client *cl, const char *queue_url, int max, int wait_s,
			  int visibility_s, struct aws_sqs_message **msgs, size_t *n);
/* Deletes the message received with receipt; a stale receipt fails with
 * code ReceiptHandleIsInvalid (the message was received again since). */
attest_rc aws_sqs_delete(struct aws_client *cl, const char *queue_url, const char *receipt);
/* Deletes up to 10 received messages in one call (DeleteMessageBatch):
 * deleted[i] says whether receipts[i]'s message was (a stale receipt is
 * not). An error only when the call itself failed. */
attest_rc aws_sqs_delete_batch(struct aws_client *cl, const char *queue_url,
			       const char *const *receipts, size_t n, bool *deleted);
/* Makes the received message visible again after seconds (0: now). */
attest_rc aws_sqs_change_visibility(struct aws_client *cl, const char *queue_url,
				    const char *receipt, int seconds);

/* The queue's backlog (GetQueueAttributes): messages waiting, received and
 * not yet deleted (in flight), and delayed. The age of the oldest message
 * is not a queue attribute (a CloudWatch metric): the caller has the
 * sent_at of each message it receives. */
struct aws_sqs_queue_lag {
	long visible, in_flight, delayed;
};
attest_rc aws_sqs_queue_lag(struct aws_client *cl, const char *queue_url,
			    struct aws_sqs_queue_lag *out);

/* ---- SNS ---- */

/* Publishes message (at most 256 KiB) with subject (NULL: none; at most
 * 100 characters) to topic_arn, whose region the call goes to.
 * message_id receives the MessageId SNS gives. */
attest_rc aws_sns_publish(struct aws_client *cl, const char *topic_arn, const char *subject,
			  const char *message, char message_id[128]);

/* ---- S3 ---- */

/* Appends the object bucket/key to out, which the caller initialised; an
 * object larger than max_bytes fails with code ResponseTooLarge and leaves
 * out as it was. The request goes to the client's region, then once to
 * the bucket's when S3 answers that it is another. */
attest_rc aws_s3_get_object(struct aws_client *cl, const char *bucket, const char *key,
			    size_t max_bytes, struct core_buf *out);

#endif
