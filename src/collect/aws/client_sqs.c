/*
 * SQS through the AWS JSON 1.0 protocol (X-Amz-Target AmazonSQS.<op>,
 * Content-Type application/x-amz-json-1.0): receive with long polling,
 * delete, change visibility, and the queue's backlog. The queue URL names
 * the queue's region (https://sqs.<region>.amazonaws.com/<account>/<name>)
 * and, when it is not an AWS host (a test server, an emulator), the
 * endpoint too; AWS_ENDPOINT_URL_SQS and AWS_ENDPOINT_URL come first.
 */
#include "config.h"

#include "collect/aws/client_int.h"

#include <stdlib.h>
#include <string.h>

/* A long poll's transfer may take its wait and this much more. */
#define POLL_SLACK_MS 10000

struct queue {
	struct aws_endpoint ep;
	char region[40];
};

static bool
aws_host(const char *host, size_t n)
{
	static const char *const tails[] = {".amazonaws.com", ".amazonaws.com.cn"};
	size_t i, k;

	for (i = 0; i < 2; i++) {
		k = strlen(tails[i]);
		if (n > k && strncmp(host + n - k, tails[i], k) == 0)
			return true;
	}
	return false;
}

/* The region and endpoint of queue_url: sqs.<region>.amazonaws.com and the
 * legacy <region>.queue.amazonaws.com name the region; any other host is
 * the endpoint itself, in the client's region. */
static attest_rc
queue_resolve(struct aws_client *cl, const char *url, struct queue *q)
{
	const char *h, *host_end, *path;
	size_t n;
	attest_rc rc;

	memset(q, 0, sizeof(*q));
	if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else
		h = NULL;
	path = h ? h + strcspn(h, "/?#") : NULL;
	if (!h || path == h || *path != '/' || !path[1])
		return core_error(
			cl->ctx, ATTEST_ERR_USAGE,
			"'%s' is not an SQS queue URL (https://sqs.<region>.amazonaws.com/"
			"<account>/<queue>)",
			url);
	host_end = h + strcspn(h, ":/");
	n = (size_t)(host_end - h);
	if (n > 4 && strncmp(h, "sqs.", 4) == 0 && aws_host(h, n))
		snprintf(q->region, sizeof(q->region), "%.*s", (int)strcspn(h + 4, "."), h + 4);
	else if (aws_host(h, n) && strcspn(h, ".") < n && strncmp(h, "queue.", 6) != 0)
		snprintf(q->region, sizeof(q->region), "%.*s", (int)strcspn(h, "."), h);
	if (!aws_region_valid(q->region))
		snprintf(q->region, sizeof(q->region), "%s", cl->c.home_region);
	if ((rc = aws_client_endpoint(cl, "sqs", q->region, &q->ep)) != ATTEST_OK)
		return rc;
	if (!q->ep.overridden && !aws_host(h, n)) {
		free(q->ep.url);
		if (!(q->ep.url = strndup(url, (size_t)(path - url)))) {
			aws_endpoint_release(&q->ep);
			return core_nomem(cl->ctx);
		}
	}
	return ATTEST_OK;
}

/* POSTs body (stolen) as AmazonSQS.<op> to the queue's endpoint; *out
 * (when not NULL) receives the answer's JSON object. */
static attest_rc
sqs_call(struct aws_client *cl, const char *queue_url, const char *op, json_t *body,
	 long timeout_ms, json_t **out)
{
	struct aws_client_reply r = {0};
	struct aws_header h[2];
	struct aws_call call = {0};
	struct queue q;
	char target[64], what[64], *text = NULL, *url = NULL;
	attest_rc rc;

	snprintf(target, sizeof(target), "AmazonSQS.%s", op);
	snprintf(what, sizeof(what), "SQS %s", op);
	if ((rc = queue_resolve(cl, queue_url, &q)) != ATTEST_OK) {
		json_decref(body);
		return rc;
	}
	if (!body || json_object_set_new(body, "QueueUrl", json_string(queue_url)) != 0 ||
	    !(text = json_dumps(body, JSON_COMPACT)) || !(url = malloc(strlen(q.ep.url) + 2))) {
		rc = core_nomem(cl->ctx);
		goto out;
	}
	snprintf(url, strlen(q.ep.url) + 2, "%s/", q.ep.url);
	h[0] = (struct aws_header){"Content-Type", "application/x-amz-json-1.0"};
	h[1] = (struct aws_header){"X-Amz-Target", target};
	call.service = q.ep.signing_name;
	call.region = q.ep.signing_region;
	call.method = "POST";
	call.url = url;
	call.headers = h;
	call.n_headers = 2;
	call.body = text;
	call.body_len = strlen(text);
	if ((rc = aws_client_send(cl, what, queue_url, &call, timeout_ms, 0, &r)) != ATTEST_OK)
		goto out;
	if (out && aws_json_parse(cl->ctx, what, r.body, r.len, out) != ATTEST_OK)
		rc = aws_client_fail(cl, what, queue_url, "MalformedResponse",
				     attest_ctx_errmsg(cl->ctx));
out:
	aws_client_reply_release(&r);
	aws_endpoint_release(&q.ep);
	json_decref(body);
	free(text);
	free(url);
	return rc;
}

void
aws_sqs_messages_free(struct aws_sqs_message *m, size_t n)
{
	size_t i;

	for (i = 0; m && i < n; i++) {
		free(m[i].id);
		free(m[i].receipt);
		free(m[i].body);
	}
	free(m);
}

static long
attr_long(json_t *attrs, const char *name)
{
	const char *s = json_string_value(json_object_get(attrs, name));
	char *end;
	long long v;

	if (!s)
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v < 0 ? 0 : (long)v;
}

/* One message of the answer into m; false when it lacks a member. */
static bool
take_message(json_t *j, struct aws_sqs_message *m, bool *nomem)
{
	json_t *id = json_object_get(j, "MessageId"), *rh = json_object_get(j, "ReceiptHandle");
	json_t *body = json_object_get(j, "Body"), *attrs = json_object_get(j, "Attributes");
	const char *ts;

	if (!json_is_string(id) || !json_is_string(rh) || !json_is_string(body))
		return false;
	m->id = strdup(json_string_value(id));
	m->receipt = strdup(json_string_value(rh));
	m->body_len = json_string_length(body);
	if ((m->body = malloc(m->body_len + 1)) != NULL) {
		memcpy(m->body, json_string_value(body), m->body_len);
		m->body[m->body_len] = '\0';
	}
	*nomem = !m->id || !m->receipt || !m->body;
	/* SentTimestamp is in milliseconds. */
	ts = json_string_value(json_object_get(attrs, "SentTimestamp"));
	m->sent_at = ts ? (time_t)(strtoll(ts, NULL, 10) / 1000) : 0;
	m->receive_count = attr_long(attrs, "ApproximateReceiveCount");
	return true;
}

attest_rc
aws_sqs_receive(struct aws_client *cl, const char *queue_url, int max, int wait_s, int visibility_s,
		struct aws_sqs_message **msgs, size_t *n)
{
	json_t *req, *res = NULL, *list;
	struct aws_sqs_message *m = NULL;
	size_t i, k = 0;
	bool nomem = false;
	attest_rc rc;

	*msgs = NULL;
	*n = 0;
	if (max < 1 || max > 10 || wait_s < 0 || wait_s > 20 || visibility_s < -1 ||
	    visibility_s > 43200)
		return core_error(cl->ctx, ATTEST_ERR_USAGE,
				  "SQS ReceiveMessage takes 1 to 10 messages, a wait of 0 to 20 s "
				  "and a visibility timeout of 0 to 43200 s (got %d, %d, %d)",
				  max, wait_s, visibility_s);
	req = json_pack("{s:i, s:i, s:[s,s], s:[s,s]}", "MaxNumberOfMessages", max,
			"WaitTimeSeconds", wait_s, "MessageSystemAttributeNames", "SentTimestamp",
			"ApproximateReceiveCount", "AttributeNames", "SentTimestamp",
			"ApproximateReceiveCount");
	if (req && visibility_s >= 0 &&
	    json_object_set_new(req, "VisibilityTimeout", json_integer(visibility_s)) != 0) {
		json_decref(req);
		req = NULL;
	}
	rc = sqs_call(cl, queue_url, "ReceiveMessage", req, (long)wait_s * 1000 + POLL_SLACK_MS,
		      &res);
	if (rc != ATTEST_OK)
		return rc;
	list = json_object_get(res, "Messages");
	if (list && !json_is_array(list)) {
		rc = aws_client_fail(cl, "SQS ReceiveMessage", queue_url, "MalformedResponse",
				     "Messages is not a list");
		goto out;
	}
	if (json_array_size(list) && !(m = calloc(json_array_size(list), sizeof(*m)))) {
		rc = core_nomem(cl->ctx);
		goto out;
	}
	for (i = 0; i < json_array_size(list); i++, k++)
		if (!take_message(json_array_get(list, i), &m[k], &nomem) || nomem) {
			rc = nomem ? core_nomem(cl->ctx)
				   : aws_client_fail(
					     cl, "SQS ReceiveMessage", queue_url,
					     "MalformedResponse",
					     "a message lacks MessageId, ReceiptHandle or Body");
			k++;
			goto out;
		}
	*msgs = m;
	*n = k;
	m = NULL;
out:
	aws_sqs_messages_free(m, k);
	json_decref(res);
	return rc;
}

attest_rc
aws_sqs_delete_batch(struct aws_client *cl, const char *queue_url, const char *const *receipts,
		     size_t n, bool *deleted)
{
	json_t *entries = json_array(), *out = NULL, *ok;
	char id[16];
	size_t i, j;
	attest_rc rc;

	for (i = 0; i < n; i++)
		deleted[i] = false;
	if (n == 0 || n > 10) {
		json_decref(entries);
		return n ? core_error(cl->ctx, ATTEST_ERR_USAGE,
				      "SQS DeleteMessageBatch takes 1 to 10 messages, not %zu", n)
			 : ATTEST_OK;
	}
	for (i = 0; entries && i < n; i++) {
		snprintf(id, sizeof(id), "m%zu", i);
		if (json_array_append_new(entries, json_pack("{s:s, s:s}", "Id", id,
							     "ReceiptHandle", receipts[i])) != 0) {
			json_decref(entries);
			entries = NULL;
		}
	}
	if (!entries)
		return core_nomem(cl->ctx);
	rc = sqs_call(cl, queue_url, "DeleteMessageBatch", json_pack("{s:o}", "Entries", entries),
		      0, &out);
	if (rc != ATTEST_OK)
		return rc;
	ok = json_object_get(out, "Successful");
	for (j = 0; j < json_array_size(ok); j++) {
		const char *got = json_string_value(json_object_get(json_array_get(ok, j), "Id"));

		if (got && got[0] == 'm' && (i = strtoul(got + 1, NULL, 10)) < n)
			deleted[i] = true;
	}
	json_decref(out);
	return ATTEST_OK;
}

attest_rc
aws_sqs_delete(struct aws_client *cl, const char *queue_url, const char *receipt)
{
	return sqs_call(cl, queue_url, "DeleteMessage",
			json_pack("{s:s}", "ReceiptHandle", receipt), 0, NULL);
}

attest_rc
aws_sqs_change_visibility(struct aws_client *cl, const char *queue_url, const char *receipt,
			  int seconds)
{
	if (seconds < 0 || seconds > 43200)
		return core_error(cl->ctx, ATTEST_ERR_USAGE,
				  "a visibility timeout is 0 to 43200 s (got %d)", seconds);
	return sqs_call(
		cl, queue_url, "ChangeMessageVisibility",
		json_pack("{s:s, s:i}", "ReceiptHandle", receipt, "VisibilityTimeout", seconds), 0,
		NULL);
}

attest_rc
aws_sqs_queue_lag(struct aws_client *cl, const char *queue_url, struct aws_sqs_queue_lag *out)
{
	json_t *res = NULL, *a;
	attest_rc rc;

	memset(out, 0, sizeof(*out));
	rc = sqs_call(cl, queue_url, "GetQueueAttributes",
		      json_pack("{s:[s,s,s]}", "AttributeNames", "ApproximateNumberOfMessages",
				"ApproximateNumberOfMessagesNotVisible",
				"ApproximateNumberOfMessagesDelayed"),
		      0, &res);
	if (rc != ATTEST_OK)
		return rc;
	a = json_object_get(res, "Attributes");
	if (!json_is_object(a))
		rc = aws_client_fail(cl, "SQS GetQueueAttributes", queue_url, "MalformedResponse",
				     "no Attributes in the answer");
	out->visible = attr_long(a, "ApproximateNumberOfMessages");
	out->in_flight = attr_long(a, "ApproximateNumberOfMessagesNotVisible");
	out->delayed = attr_long(a, "ApproximateNumberOfMessagesDelayed");
	json_decref(res);
	return rc;
}
