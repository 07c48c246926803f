/*
 * Unit tests of the AWS client (src/collect/aws/client.h) against the
 * loopback AWS test server (tests/aws-server/server.py, started by the
 * suite, every request's SigV4 signature verified): SQS long polling,
 * visibility timeouts and redelivery with a new receipt, stale receipts
 * refused, visibility changes, redrive to a dead-letter queue, the queue's
 * backlog; SNS Publish signed for the topic's region and recorded; S3
 * GetObject and its size cap; throttling retried; AccessDenied and other
 * refusals turned into errors naming the operation and the code; secrets
 * absent from every error and log line. The test drives the server's
 * control endpoint (queues, messages, objects, what was published)
 * through aws_server.h.
 */
#include "config.h"

#include "collect/aws/client.h"
#include "aws_server.h"
#include "harness.h"
#include "testutil.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define KEY TU_AWS_KEY
#define SECRET TU_AWS_SECRET
#define TOKEN "session-token-that-must-never-be-shown-0123456789"
#define ACCOUNT TU_AWS_ACCOUNT

static struct tu_aws_server srv;
static attest_ctx *ctx;
static struct aws_client *cl;
static struct core_buf logbuf; /* every log line of the client */

/* ---- the server's scenario, the client's log ---- */

static const char scenario[] =
	"{\"faults\": ["
	"{\"service\": \"sqs\", \"operation\": \"ChangeMessageVisibility\", \"kind\": "
	"\"throttle\", \"times\": 2},"
	"{\"service\": \"sqs\", \"operation\": \"GetQueueAttributes\", \"region\": \"ap-south-1\", "
	"\"kind\": \"deny\", \"times\": 100},"
	"{\"service\": \"sns\", \"operation\": \"Publish\", \"region\": \"ap-south-1\", \"kind\": "
	"\"deny\", \"times\": 100},"
	"{\"service\": \"sns\", \"operation\": \"Publish\", \"region\": \"sa-east-1\", \"kind\": "
	"\"echo\", \"times\": 100}],"
	"\"s3_objects\": {\"config-bucket/AWSLogs/item.json\": \"{\\\"configurationItem\\\": 1}\"}}";

static void
on_log(void *data, attest_log_level level, const char *msg)
{
	(void)data;
	(void)level;
	core_buf_adds(&logbuf, msg);
	core_buf_adds(&logbuf, "\n");
}

static int
suite_init(void)
{
	if (tu_aws_server_start(&srv, scenario) != 0)
		return 1;
	core_buf_init(&logbuf, 1 << 22);
	if (!(ctx = attest_ctx_new()))
		return 1;
	attest_ctx_set_log(ctx, on_log, NULL);
	return aws_client_new(ctx, NULL, &cl) == ATTEST_OK ? 0 : 1;
}

static int
suite_clean(void)
{
	aws_client_free(cl);
	attest_ctx_free(ctx);
	core_buf_release(&logbuf);
	tu_aws_server_stop(&srv);
	return 0;
}

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* ---- SQS ---- */

struct later {
	const char *queue, *text;
	unsigned delay_ms;
};

static void *
send_later(void *data)
{
	struct later *l = data;

	usleep(l->delay_ms * 1000);
	tu_aws_send_message(&srv, l->queue, l->text);
	return NULL;
}

static void
test_long_poll(void)
{
	char url[256];
	struct aws_sqs_message *m = NULL;
	struct later l = {"poll", "{\"detail-type\": \"AWS API Call via CloudTrail\"}", 1000};
	pthread_t t;
	size_t n = 9;
	double t0;

	CU_ASSERT_FATAL(tu_aws_make_queue(&srv, "poll", NULL, url, sizeof(url)));
	/* An empty queue: the wait is spent, nothing comes. */
	t0 = now();
	CU_ASSERT_EQUAL(aws_sqs_receive(cl, url, 10, 2, 30, &m, &n), ATTEST_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT(m == NULL);
	CU_ASSERT(now() - t0 >= 1.8);
	/* A message sent during the poll ends it early. */
	CU_ASSERT_FATAL(pthread_create(&t, NULL, send_later, &l) == 0);
	t0 = now();
	CU_ASSERT_EQUAL(aws_sqs_receive(cl, url, 10, 15, 30, &m, &n), ATTEST_OK);
	pthread_join(t, NULL);
	printf("# client: a long poll returned %.3f s after the message was sent\n",
	       now() - t0 - l.delay_ms / 1000.0);
	CU_ASSERT(now() - t0 < 10.0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(m[0].body, l.text);
	CU_ASSERT_EQUAL(m[0].body_len, strlen(l.text));
	CU_ASSERT_EQUAL(m[0].receive_count, 1);
	CU_ASSERT(m[0].sent_at > time(NULL) - 60 && m[0].sent_at <= time(NULL));
	CU_ASSERT(strlen(m[0].id) > 10 && strlen(m[0].receipt) > 10);
	CU_ASSERT_EQUAL(aws_sqs_delete(cl, url, m[0].receipt), ATTEST_OK);
	aws_sqs_messages_free(m, n);
}

/* 100 messages drained ten at a time, each deleted: every one received
 * exactly once; the time per message goes to the log. */
static void
test_drain(void)
{
	char url[256], text[32];
	struct aws_sqs_message *m = NULL;
	struct aws_sqs_queue_lag lag;
	bool seen[100] = {false};
	size_t n, i, got = 0, dup = 0;
	double t0;
	int k;

	CU_ASSERT_FATAL(tu_aws_make_queue(&srv, "drain", NULL, url, sizeof(url)));
	for (k = 0; k < 100; k++) {
		snprintf(text, sizeof(text), "%d", k);
		CU_ASSERT_FATAL(tu_aws_send_message(&srv, "drain", text));
	}
	t0 = now();
	do {
		CU_ASSERT_EQUAL_FATAL(aws_sqs_receive(cl, url, 10, 0, 60, &m, &n), ATTEST_OK);
		for (i = 0; i < n; i++) {
			k = (int)strtol(m[i].body, NULL, 10) % 100;
			dup += seen[k];
			seen[k] = true;
			got++;
			CU_ASSERT_EQUAL(aws_sqs_delete(cl, url, m[i].receipt), ATTEST_OK);
		}
		aws_sqs_messages_free(m, n);
	} while (n > 0);
	printf("# client: 100 messages received (10 a call) and deleted in %.2f s\n", now() - t0);
	CU_ASSERT_EQUAL(got, 100);
	CU_ASSERT_EQUAL(dup, 0);
	CU_ASSERT_EQUAL(aws_sqs_queue_lag(cl, url, &lag), ATTEST_OK);
	CU_ASSERT_EQUAL(lag.visible + lag.in_flight, 0);
}

static void
test_visibility_and_receipts(void)
{
	char url[256], first[512];
	struct aws_sqs_message *m = NULL;
	struct aws_sqs_queue_lag lag;
	size_t n;

	CU_ASSERT_FATAL(tu_aws_make_queue(&srv, "vis", NULL, url, sizeof(url)));
	CU_ASSERT_FATAL(tu_aws_send_message(&srv, "vis", "one"));
	/* Invisible for 3 s: room for the next calls on a loaded machine. */
	CU_ASSERT_EQUAL_FATAL(aws_sqs_receive(cl, url, 1, 0, 3, &m, &n), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	snprintf(first, sizeof(first), "%s", m[0].receipt);
	aws_sqs_messages_free(m, n);
	/* Invisible while in flight. */
	CU_ASSERT_EQUAL(aws_sqs_queue_lag(cl, url, &lag), ATTEST_OK);
	CU_ASSERT_EQUAL(lag.visible, 0);
	CU_ASSERT_EQUAL(lag.in_flight, 1);
	CU_ASSERT_EQUAL(aws_sqs_receive(cl, url, 1, 0, 30, &m, &n), ATTEST_OK);
	CU_ASSERT_EQUAL(n, 0);
	/* The timeout lapses: delivered again, with a new receipt. */
	usleep(3200 * 1000);
	CU_ASSERT_EQUAL_FATAL(aws_sqs_receive(cl, url, 1, 0, 30, &m, &n), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(m[0].body, "one");
	CU_ASSERT_EQUAL(m[0].receive_count, 2);
	CU_ASSERT(strcmp(m[0].receipt, first) != 0);
	/* The first receipt is stale now. */
	CU_ASSERT_EQUAL(aws_sqs_delete(cl, url, first), ATTEST_ERR_IO);
	CU_ASSERT_STRING_EQUAL(aws_client_error_code(cl), "ReceiptHandleIsInvalid");
	CU_ASSERT(tu_errmsg_has(ctx, "SQS DeleteMessage of '"));
	CU_ASSERT(tu_errmsg_has(ctx, "/vis' failed: ReceiptHandleIsInvalid: "));
	/* Throttled twice (the scenario), then made visible at once. */
	CU_ASSERT_EQUAL(aws_sqs_change_visibility(cl, url, m[0].receipt, 0), ATTEST_OK);
	aws_sqs_messages_free(m, n);
	CU_ASSERT_EQUAL_FATAL(aws_sqs_receive(cl, url, 1, 0, 30, &m, &n), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(m[0].receive_count, 3);
	CU_ASSERT_EQUAL(aws_sqs_delete(cl, url, m[0].receipt), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(aws_client_error_code(cl), "");
	/* Deleting again with the same receipt is accepted, as SQS does. */
	CU_ASSERT_EQUAL(aws_sqs_delete(cl, url, m[0].receipt), ATTEST_OK);
	aws_sqs_messages_free(m, n);
	CU_ASSERT_EQUAL(aws_sqs_queue_lag(cl, url, &lag), ATTEST_OK);
	CU_ASSERT_EQUAL(lag.visible + lag.in_flight, 0);
	/* A receipt never given. */
	CU_ASSERT_EQUAL(aws_sqs_change_visibility(cl, url, "rh-forged", 5), ATTEST_ERR_IO);
	CU_ASSERT_STRING_EQUAL(aws_client_error_code(cl), "ReceiptHandleIsInvalid");
}

static void
test_redrive(void)
{
	char url[256], dlq[256], attrs[512];
	struct aws_sqs_message *m = NULL;
	size_t n;
	int i;

	CU_ASSERT_FATAL(tu_aws_make_queue(&srv, "events-dlq", NULL, dlq, sizeof(dlq)));
	snprintf(
		attrs, sizeof(attrs),
		"{\"RedrivePolicy\": \"{\\\"deadLetterTargetArn\\\": "
		"\\\"arn:aws:sqs:us-east-1:%s:events-dlq\\\", \\\"maxReceiveCount\\\": \\\"3\\\"}\"}",
		ACCOUNT);
	CU_ASSERT_FATAL(tu_aws_make_queue(&srv, "events", attrs, url, sizeof(url)));
	CU_ASSERT_FATAL(tu_aws_send_message(&srv, "events", "poison"));
	for (i = 1; i <= 3; i++) {
		CU_ASSERT_EQUAL_FATAL(aws_sqs_receive(cl, url, 1, 0, 0, &m, &n), ATTEST_OK);
		CU_ASSERT_EQUAL_FATAL(n, 1);
		CU_ASSERT_EQUAL(m[0].receive_count, i);
		aws_sqs_messages_free(m, n);
	}
	/* The fourth receive moves it to the dead-letter queue instead. */
	CU_ASSERT_EQUAL(aws_sqs_receive(cl, url, 1, 1, 0, &m, &n), ATTEST_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL_FATAL(aws_sqs_receive(cl, dlq, 1, 0, 30, &m, &n), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(m[0].body, "poison");
	aws_sqs_messages_free(m, n);
}

static void
test_sqs_errors(void)
{
	struct aws_sqs_message *m = NULL;
	struct aws_sqs_queue_lag lag;
	char url[256];
	size_t n;

	/* A queue that does not exist. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s/nosuch", srv.port, ACCOUNT);
	CU_ASSERT_EQUAL(aws_sqs_receive(cl, url, 1, 0, 30, &m, &n), ATTEST_ERR_IO);
	CU_ASSERT(tu_errmsg_has(ctx, "SQS ReceiveMessage of '"));
	CU_ASSERT(tu_errmsg_has(ctx, "NonExistentQueue"));
	/* Not a queue URL, and out-of-range arguments: nothing sent. */
	CU_ASSERT_EQUAL(aws_sqs_delete(cl, "sqs-queue", "r"), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "'sqs-queue' is not an SQS queue URL"));
	CU_ASSERT_EQUAL(aws_sqs_receive(cl, url, 11, 0, 30, &m, &n), ATTEST_ERR_USAGE);
	CU_ASSERT_EQUAL(aws_sqs_receive(cl, url, 1, 21, 30, &m, &n), ATTEST_ERR_USAGE);
	/* AccessDenied (the scenario denies GetQueueAttributes signed for
	 * ap-south-1, which an AWS queue URL names). */
	CU_ASSERT_EQUAL(aws_sqs_queue_lag(
				cl, "https://sqs.ap-south-1.amazonaws.com/210987654321/vis", &lag),
			ATTEST_ERR_IO);
	CU_ASSERT_STRING_EQUAL(aws_client_error_code(cl), "AccessDenied");
	CU_ASSERT(tu_errmsg_has(ctx,
				"SQS GetQueueAttributes of "
				"'https://sqs.ap-south-1.amazonaws.com/210987654321/vis' failed: "
				"AccessDenied: not authorized"));
}

/* Without AWS_ENDPOINT_URL a queue URL that is not an AWS host is its own
 * endpoint, signed for the configured region. */
static void
test_queue_url_endpoint(void)
{
	char url[256], saved[64];
	struct aws_client *own = NULL;
	struct aws_sqs_message *m = NULL;
	size_t n = 0;

	CU_ASSERT_FATAL(tu_aws_make_queue(&srv, "direct", NULL, url, sizeof(url)));
	CU_ASSERT_FATAL(tu_aws_send_message(&srv, "direct", "via the queue URL"));
	snprintf(saved, sizeof(saved), "%s", getenv("AWS_ENDPOINT_URL"));
	unsetenv("AWS_ENDPOINT_URL");
	CU_ASSERT_EQUAL_FATAL(aws_client_new(ctx, NULL, &own), ATTEST_OK);
	CU_ASSERT_EQUAL(aws_sqs_receive(own, url, 1, 0, 30, &m, &n), ATTEST_OK);
	CU_ASSERT_EQUAL(n, 1);
	if (n)
		CU_ASSERT_STRING_EQUAL(m[0].body, "via the queue URL");
	aws_sqs_messages_free(m, n);
	aws_client_free(own);
	setenv("AWS_ENDPOINT_URL", saved, 1);
}

/* ---- SNS ---- */

static void
test_sns_publish(void)
{
	const char *topic = "arn:aws:sns:eu-west-1:210987654321:attest-alerts";
	const char *text = "{\"alerts\": [{\"check\": \"ec2-sg-ssh\"}], \"text\": \"a & b = c;\n"
			   "\xc3\xa9t\xc3\xa9 +%20\"}";
	char id[128], *got, *file;
	json_t *all, *last;

	CU_ASSERT_EQUAL_FATAL(aws_sns_publish(cl, topic, "attest: 1 new failure", text, id),
			      ATTEST_OK);
	CU_ASSERT(strlen(id) > 10);
	got = tu_aws_control(&srv, "published", NULL);
	all = got ? json_loads(got, 0, NULL) : NULL;
	last = json_array_get(all, json_array_size(all) - 1);
	CU_ASSERT_FATAL(last != NULL);
	/* Signed for the topic's region (the server refuses another), the
	 * message intact. */
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(last, "region")), "eu-west-1");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(last, "TopicArn")), topic);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(last, "Message")), text);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(last, "Subject")),
			       "attest: 1 new failure");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(last, "MessageId")), id);
	file = tu_slurp(srv.published, NULL);
	CU_ASSERT(file && strstr(file, id));
	free(file);
	free(got);
	json_decref(all);
	/* Refusals. */
	CU_ASSERT_EQUAL(aws_sns_publish(cl, "arn:aws:sns:ap-south-1:210987654321:t", NULL, "x", id),
			ATTEST_ERR_IO);
	CU_ASSERT(tu_errmsg_has(
		ctx,
		"SNS Publish of 'arn:aws:sns:ap-south-1:210987654321:t' failed: AccessDenied"));
	CU_ASSERT_EQUAL(aws_sns_publish(cl, "attest-alerts", NULL, "x", id), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "'attest-alerts' is not an SNS topic ARN"));
	CU_ASSERT_EQUAL(aws_sns_publish(cl, topic, "two\nlines", "x", id), ATTEST_ERR_INVALID);
}

/* ---- S3 ---- */

static void
test_s3_get_object(void)
{
	struct core_buf b;
	char *a;

	core_buf_init(&b, 1 << 20);
	CU_ASSERT_EQUAL(aws_s3_get_object(cl, "config-bucket", "AWSLogs/item.json", 1000, &b),
			ATTEST_OK);
	CU_ASSERT_EQUAL(b.len, strlen("{\"configurationItem\": 1}"));
	CU_ASSERT(b.data && strcmp(b.data, "{\"configurationItem\": 1}") == 0);
	/* An object put while the server runs, with a key needing encoding. */
	a = tu_aws_control(&srv, "object",
			   "{\"bucket\": \"config-bucket\", \"key\": \"AWSLogs/a b+c.json\", "
			   "\"body\": \"0123456789abcdefghij\"}");
	CU_ASSERT(a != NULL);
	free(a);
	core_buf_reset(&b);
	CU_ASSERT_EQUAL(aws_s3_get_object(cl, "config-bucket", "AWSLogs/a b+c.json", 20, &b),
			ATTEST_OK);
	CU_ASSERT_EQUAL(b.len, 20);
	/* Over the cap: refused, nothing kept. */
	core_buf_reset(&b);
	CU_ASSERT_EQUAL(aws_s3_get_object(cl, "config-bucket", "AWSLogs/a b+c.json", 19, &b),
			ATTEST_ERR_IO);
	CU_ASSERT_STRING_EQUAL(aws_client_error_code(cl), "ResponseTooLarge");
	CU_ASSERT(tu_errmsg_has(ctx,
				"S3 GetObject of 's3://config-bucket/AWSLogs/a b+c.json' "
				"failed: ResponseTooLarge: the object is larger than 19 bytes"));
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(aws_s3_get_object(cl, "config-bucket", "AWSLogs/none.json", 100, &b),
			ATTEST_ERR_IO);
	CU_ASSERT_STRING_EQUAL(aws_client_error_code(cl), "NoSuchKey");
	/* A bucket in another region: S3 names it, the request goes there. */
	a = tu_aws_control(&srv, "object",
			   "{\"bucket\": \"central-config\", \"key\": \"item.json\", "
			   "\"body\": \"far away\", \"region\": \"eu-central-1\"}");
	CU_ASSERT(a != NULL);
	free(a);
	core_buf_reset(&b);
	CU_ASSERT_EQUAL(aws_s3_get_object(cl, "central-config", "item.json", 100, &b), ATTEST_OK);
	CU_ASSERT(b.data && strcmp(b.data, "far away") == 0);
	core_buf_release(&b);
}

/* ---- secrets ---- */

static void
test_secrets_absent(void)
{
	struct aws_client *tok = NULL;
	char id[128];

	/* Temporary credentials the server does not know: refused. */
	setenv("AWS_SESSION_TOKEN", TOKEN, 1);
	setenv("AWS_ACCESS_KEY_ID", "ASIAUNKNOWNKEY000001", 1);
	CU_ASSERT_EQUAL_FATAL(aws_client_new(ctx, NULL, &tok), ATTEST_OK);
	CU_ASSERT_EQUAL(aws_sns_publish(tok, "arn:aws:sns:eu-west-1:210987654321:t", NULL, "x", id),
			ATTEST_ERR_IO);
	CU_ASSERT_STRING_EQUAL(aws_client_error_code(tok), "InvalidClientTokenId");
	CU_ASSERT(strstr(attest_ctx_errmsg(ctx), TOKEN) == NULL);
	/* An answer quoting the token (the scenario's echo fault): withheld. */
	aws_client_free(tok);
	setenv("AWS_ACCESS_KEY_ID", KEY, 1);
	CU_ASSERT_EQUAL_FATAL(aws_client_new(ctx, NULL, &tok), ATTEST_OK);
	CU_ASSERT_EQUAL(aws_sns_publish(tok, "arn:aws:sns:sa-east-1:210987654321:t", NULL, "x", id),
			ATTEST_ERR_IO);
	CU_ASSERT(tu_errmsg_has(ctx,
				"SNS Publish of 'arn:aws:sns:sa-east-1:210987654321:t' failed: "
				"UnrecognizedClientException: (message withheld)"));
	CU_ASSERT(strstr(attest_ctx_errmsg(ctx), TOKEN) == NULL);
	aws_client_free(tok);
	unsetenv("AWS_SESSION_TOKEN");
	/* Nothing the client logged (retries included) holds a secret. */
	CU_ASSERT(logbuf.len > 0);
	CU_ASSERT(!logbuf.data ||
		  (strstr(logbuf.data, SECRET) == NULL && strstr(logbuf.data, TOKEN) == NULL &&
		   strstr(logbuf.data, "Signature=") == NULL));
}

/* With a role to assume, calls are signed with the role's temporary
 * credentials (the server answers them as the role's account). */
static void
test_role_arn(void)
{
	struct aws_client_opts o = {0};
	struct aws_client *role = NULL;
	char id[128], *got;
	json_t *all, *last;

	o.role_arn = "arn:aws:iam::345678901234:role/attest-audit";
	CU_ASSERT_EQUAL_FATAL(aws_client_new(ctx, &o, &role), ATTEST_OK);
	CU_ASSERT_EQUAL(aws_sns_publish(role, "arn:aws:sns:eu-west-1:345678901234:t", NULL,
					"from the role", id),
			ATTEST_OK);
	aws_client_free(role);
	got = tu_aws_control(&srv, "published", NULL);
	all = got ? json_loads(got, 0, NULL) : NULL;
	last = json_array_get(all, json_array_size(all) - 1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(last, "Message")) ?: "",
			       "from the role");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(last, "account")) ?: "",
			       "345678901234");
	free(got);
	json_decref(all);
	/* A role that cannot be assumed: no client. */
	o.role_arn = "arn:aws:iam::345678901234:role/not-this-one";
	CU_ASSERT_EQUAL(aws_client_new(ctx, &o, &role), ATTEST_ERR_IO);
	CU_ASSERT(role == NULL);
	CU_ASSERT(tu_errmsg_has(ctx, "AccessDenied"));
}

static CU_TestInfo sqs_tests[] = {
	{"long polling: the wait, and a message ending it", test_long_poll},
	{"visibility timeout, new receipts, stale ones refused", test_visibility_and_receipts},
	{"redrive to the dead-letter queue after maxReceiveCount", test_redrive},
	{"a queue drained: every message received once", test_drain},
	{"unknown queue, bad arguments, AccessDenied", test_sqs_errors},
	{"a non-AWS queue URL is its own endpoint", test_queue_url_endpoint},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo other_tests[] = {
	{"SNS Publish signed for the topic's region and recorded", test_sns_publish},
	{"S3 GetObject and its size cap", test_s3_get_object},
	{"a role assumed on top of the credentials", test_role_arn},
	{"credentials absent from errors and logs", test_secrets_absent},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"sqs", suite_init, NULL, NULL, NULL, sqs_tests},
		{"sns, s3, secrets", NULL, suite_clean, NULL, NULL, other_tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
