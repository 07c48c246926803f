/*
 * Unit tests of the live collector's HTTP engine and response parsers. The
 * engine runs against a scripted HTTP server on a loopback socket in a
 * thread of this program (no signing): throttling and 5xx answers retried,
 * persistent ones reported once, oversized and truncated bodies, timeouts,
 * and the bound on requests in flight. The parsers get recorded-shape XML
 * and JSON answers: types, lists, EC2 names, maps, error codes of every
 * protocol, DOCTYPE refusal. The requests of follow-up tables are built
 * from their templates.
 */
#include "config.h"

#include "collect/aws/asm.h"
#include "collect/aws/http.h"
#include "collect/aws/protocol.h"
#include "harness.h"
#include "loopback.h"

#include <stdio.h>

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the scripted server ---- */

struct script {
	const char *const *answers; /* raw HTTP answers, in order; the last repeats */
	size_t n;
	size_t next;
	unsigned delay_ms; /* before answering */
	int in_flight, max_in_flight;
	pthread_mutex_t lock;
	struct loopback lb;
};

/* Writes an answer "head\r\n\r\nbody", adding Content-Length unless the
 * head sets one (the truncation case lies about it on purpose). */
static bool
send_answer(int c, const char *a)
{
	const char *body = strstr(a, "\r\n\r\n");
	char head[4096];
	size_t hl;

	if (!body || strstr(a, "Content-Length"))
		return write(c, a, strlen(a)) >= 0;
	hl = (size_t)(body - a);
	snprintf(head, sizeof(head), "%.*s\r\nContent-Length: %zu\r\n\r\n", (int)hl, a,
		 strlen(body + 4));
	return write(c, head, strlen(head)) >= 0 && write(c, body + 4, strlen(body + 4)) >= 0;
}

/* Answers the requests of one kept-alive connection in script order. */
static void
serve_one(int c, void *arg)
{
	struct script *s = arg;
	struct loopback_req *r = malloc(sizeof(*r));
	const char *a;

	while (r && loopback_read(c, r)) {
		pthread_mutex_lock(&s->lock);
		a = s->answers[s->next < s->n ? s->next : s->n - 1];
		s->next++;
		if (++s->in_flight > s->max_in_flight)
			s->max_in_flight = s->in_flight;
		pthread_mutex_unlock(&s->lock);
		if (s->delay_ms)
			usleep(s->delay_ms * 1000);
		pthread_mutex_lock(&s->lock);
		s->in_flight--;
		pthread_mutex_unlock(&s->lock);
		if (!send_answer(c, a) || strstr(a, "Connection: close"))
			break;
	}
	free(r);
}

static void
start(struct script *s)
{
	CU_ASSERT_FATAL(loopback_start(&s->lb, true, serve_one, s) == 0);
}

#define OK_XML "HTTP/1.1 200 OK\r\n\r\n<ok>1</ok>\n"
#define THROTTLE                                                                                   \
	"HTTP/1.1 400 Bad Request\r\n\r\n<ErrorResponse><Error><Code>"                             \
	"Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"
#define DENIED                                                                                     \
	"HTTP/1.1 403 Forbidden\r\nx-amzn-ErrorType: "                                             \
	"AccessDeniedException:http://internal\r\n\r\n{\"message\": \"no\"}"

struct outcome {
	int calls;
	char code[64];
	unsigned attempts;
	bool ok;
	char body[64];
};

static void
done(struct aws_engine *h, const struct aws_reply *r, void *data)
{
	struct outcome *o = data;

	(void)h;
	o->calls++;
	o->ok = r->ok;
	o->attempts = r->attempts;
	snprintf(o->code, sizeof(o->code), "%s", r->error_code ? r->error_code : "");
	snprintf(o->body, sizeof(o->body), "%s", r->body);
}

static void
run_one(struct script *s, struct aws_engine_opts *eo, struct outcome *o)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_engine *h = NULL;
	char url[64];
	struct aws_call call = {"iam",      "us-east-1", "POST", url, NULL, 0,
				"Action=X", 8,           false,  0,   NULL};

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s->lb.port);
	CU_ASSERT_FATAL(aws_engine_new(ctx, eo, &h) == ATTEST_OK);
	CU_ASSERT(aws_engine_submit(h, &call, done, o) == ATTEST_OK);
	CU_ASSERT(aws_engine_run(h) == ATTEST_OK);
	aws_engine_free(h);
	attest_ctx_free(ctx);
}

static void
fast_opts(struct aws_engine_opts *eo)
{
	aws_engine_opts_default(eo);
	eo->backoff_base_ms = 5;
	eo->backoff_cap_ms = 20;
	eo->max_attempts = 4;
	eo->timeout_ms = 2000;
}

static void
test_retry_throttling(void)
{
	static const char *const a[] = {THROTTLE, THROTTLE, OK_XML};
	struct script s = {a, 3, 0, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER, .lb = {.fd = -1}};
	struct aws_engine_opts eo;
	struct outcome o = {0};

	start(&s);
	fast_opts(&eo);
	run_one(&s, &eo, &o);
	CU_ASSERT_EQUAL(o.calls, 1);
	CU_ASSERT(o.ok);
	CU_ASSERT_EQUAL(o.attempts, 3);
	CU_ASSERT_STRING_EQUAL(o.body, "<ok>1</ok>\n");
	loopback_stop(&s.lb);
}

static void
test_persistent_throttling(void)
{
	static const char *const a[] = {THROTTLE};
	struct script s = {a, 1, 0, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER, .lb = {.fd = -1}};
	struct aws_engine_opts eo;
	struct outcome o = {0};

	start(&s);
	fast_opts(&eo);
	run_one(&s, &eo, &o);
	CU_ASSERT_EQUAL(o.calls, 1);
	CU_ASSERT(!o.ok);
	CU_ASSERT_EQUAL(o.attempts, 4);
	CU_ASSERT_STRING_EQUAL(o.code, "Throttling");
	loopback_stop(&s.lb);
}

static void
test_denied_not_retried(void)
{
	static const char *const a[] = {DENIED, OK_XML};
	struct script s = {a, 2, 0, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER, .lb = {.fd = -1}};
	struct aws_engine_opts eo;
	struct outcome o = {0};

	start(&s);
	fast_opts(&eo);
	run_one(&s, &eo, &o);
	CU_ASSERT(!o.ok);
	CU_ASSERT_EQUAL(o.attempts, 1);
	CU_ASSERT_STRING_EQUAL(o.code, "AccessDeniedException");
	loopback_stop(&s.lb);
}

static void
test_5xx_and_truncated_retried(void)
{
	static const char *const a[] = {
		"HTTP/1.1 503 Service Unavailable\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n<ok>", OK_XML};
	struct script s = {a, 3, 0, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER, .lb = {.fd = -1}};
	struct aws_engine_opts eo;
	struct outcome o = {0};

	start(&s);
	fast_opts(&eo);
	run_one(&s, &eo, &o);
	CU_ASSERT(o.ok);
	CU_ASSERT_EQUAL(o.attempts, 3);
	loopback_stop(&s.lb);
}

static void
test_body_limit(void)
{
	static const char *const a[] = {"HTTP/1.1 200 OK\r\n\r\n"
					"0123456789012345678901234567890123456789"};
	struct script s = {a, 1, 0, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER, .lb = {.fd = -1}};
	struct aws_engine_opts eo;
	struct outcome o = {0};

	start(&s);
	fast_opts(&eo);
	eo.max_body = 16;
	run_one(&s, &eo, &o);
	CU_ASSERT(!o.ok);
	CU_ASSERT_EQUAL(o.attempts, 1);
	CU_ASSERT_STRING_EQUAL(o.code, "ResponseTooLarge");
	loopback_stop(&s.lb);
}

static void
test_timeout(void)
{
	static const char *const a[] = {OK_XML};
	struct script s = {a, 1, 0, 400, 0, 0, PTHREAD_MUTEX_INITIALIZER, .lb = {.fd = -1}};
	struct aws_engine_opts eo;
	struct outcome o = {0};

	start(&s);
	fast_opts(&eo);
	eo.timeout_ms = 100;
	eo.max_attempts = 2;
	run_one(&s, &eo, &o);
	CU_ASSERT(!o.ok);
	CU_ASSERT_EQUAL(o.attempts, 2);
	CU_ASSERT_STRING_EQUAL(o.code, "RequestTimeout");
	loopback_stop(&s.lb);
}

static void
test_concurrency_bound(void)
{
	static const char *const a[] = {OK_XML};
	struct script s = {a, 1, 0, 50, 0, 0, PTHREAD_MUTEX_INITIALIZER, .lb = {.fd = -1}};
	struct aws_engine_opts eo;
	struct outcome o[20];
	attest_ctx *ctx = attest_ctx_new();
	struct aws_engine *h = NULL;
	char url[64];
	struct aws_call call = {"ec2", "us-east-1", "GET", url, NULL, 0, NULL, 0, false, 0, NULL};
	int i, total = 0;

	memset(o, 0, sizeof(o));
	start(&s);
	fast_opts(&eo);
	eo.max_total = 8;
	eo.max_per_service = 3;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s.lb.port);
	CU_ASSERT_FATAL(aws_engine_new(ctx, &eo, &h) == ATTEST_OK);
	for (i = 0; i < 20; i++)
		aws_engine_submit(h, &call, done, &o[i]);
	CU_ASSERT(aws_engine_run(h) == ATTEST_OK);
	for (i = 0; i < 20; i++)
		total += o[i].calls == 1 && o[i].ok;
	CU_ASSERT_EQUAL(total, 20);
	CU_ASSERT(s.max_in_flight <= 3);
	CU_ASSERT(s.max_in_flight >= 2);
	aws_engine_free(h);
	attest_ctx_free(ctx);
	loopback_stop(&s.lb);
}

static void
test_unreachable(void)
{
	struct aws_engine_opts eo;
	struct outcome o = {0};
	struct script s = {
		NULL, 0, 0, 0, 0, 0, PTHREAD_MUTEX_INITIALIZER, .lb = {.fd = -1, .port = 1}};

	fast_opts(&eo);
	run_one(&s, &eo, &o); /* port 1: nothing listens */
	CU_ASSERT(!o.ok);
	CU_ASSERT_EQUAL(o.attempts, 4);
	CU_ASSERT_STRING_EQUAL(o.code, "ConnectionRefused");
}

/* ---- parsers ---- */

static json_t *
xml_json(const char *text, enum aws_xml_style style, const char *under)
{
	attest_ctx *ctx = attest_ctx_new();
	xmlDocPtr doc = NULL;
	json_t *v = NULL;

	if (core_xml_load_memory(ctx, "t", text, strlen(text), NULL, &doc) == ATTEST_OK)
		v = aws_xml_to_json(under ? aws_xml_find(xmlDocGetRootElement(doc), under)
					  : xmlDocGetRootElement(doc),
				    style);
	xmlFreeDoc(doc);
	attest_ctx_free(ctx);
	return v;
}

static void
test_xml_query_types(void)
{
	json_t *v = xml_json(
		"<R><GetAccountPasswordPolicyResult><PasswordPolicy><MinimumPasswordLength>14"
		"</MinimumPasswordLength><RequireSymbols>true</RequireSymbols><MaxPasswordAge>"
		"x</MaxPasswordAge></PasswordPolicy><AttachedManagedPolicies/><GroupList><member>"
		"Admins</member></GroupList><SummaryMap><entry><key>Users</key><value>13</value>"
		"</entry></SummaryMap><Attributes><entry><key>Owner</key><value>1234</value>"
		"</entry></Attributes></GetAccountPasswordPolicyResult></R>",
		AWS_XML_QUERY, "GetAccountPasswordPolicyResult");
	char *s = json_dumps(v, JSON_COMPACT);

	CU_ASSERT_STRING_EQUAL(
		s, "{\"PasswordPolicy\":{\"MinimumPasswordLength\":14,"
		   "\"RequireSymbols\":true,\"MaxPasswordAge\":\"x\"},"
		   "\"AttachedManagedPolicies\":[],\"GroupList\":[\"Admins\"],"
		   "\"SummaryMap\":{\"Users\":13},\"Attributes\":{\"Owner\":\"1234\"}}");
	free(s);
	json_decref(v);
}

static void
test_xml_ec2_names(void)
{
	const char *text =
		"<DescribeInstancesResponse><reservationSet><item><groupSet/><instancesSet><item>"
		"<instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name>"
		"</instanceState><groupSet><item><groupId>sg-1</groupId></item></groupSet>"
		"<ipAddress>1.2.3.4</ipAddress><tagSet/></item></instancesSet></item></reservationSet>"
		"</DescribeInstancesResponse>";
	attest_ctx *ctx = attest_ctx_new();
	xmlDocPtr doc = NULL;
	json_t *v;
	char *s;

	CU_ASSERT_FATAL(core_xml_load_memory(ctx, "t", text, strlen(text), NULL, &doc) ==
			ATTEST_OK);
	v = aws_xml_to_json_op(xmlDocGetRootElement(doc), "2016-11-15", "DescribeInstances",
			       AWS_XML_EC2);
	s = json_dumps(v, JSON_COMPACT);
	CU_ASSERT_STRING_EQUAL(s,
			       "{\"Reservations\":[{\"Groups\":[],\"Instances\":[{\"InstanceId\":"
			       "\"i-1\",\"State\":{\"Code\":16,\"Name\":\"running\"},"
			       "\"SecurityGroups\":[{\"GroupId\":\"sg-1\"}],\"PublicIpAddress\":"
			       "\"1.2.3.4\",\"Tags\":[]}]}]}");
	free(s);
	json_decref(v);
	/* Without a model (an operation it does not have), a wire name gets an
	 * upper-case first letter. */
	v = aws_xml_to_json_op(xmlDocGetRootElement(doc), "2016-11-15", "DescribeNothing",
			       AWS_XML_EC2);
	CU_ASSERT(json_is_array(json_object_get(v, "ReservationSet")));
	json_decref(v);
	xmlFreeDoc(doc);
	attest_ctx_free(ctx);
}

/* Issue 10, item 14: an EC2 answer as AWS sends it (the documented
 * DescribeInstances example's shape), converted by the service model. */
static void
test_xml_ec2_model(void)
{
	const char *text =
		"<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
		"<requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet><item>"
		"<reservationId>r-1234567890abcdef0</reservationId><ownerId>123456789012</ownerId>"
		"<groupSet/><instancesSet><item><instanceId>i-1234567890abcdef0</instanceId>"
		"<instanceState><code>80</code><name>stopped</name></instanceState>"
		"<reason>User initiated (2026-11-01 10:21:00 GMT)</reason><amiLaunchIndex>0"
		"</amiLaunchIndex><ebsOptimized>false</ebsOptimized><hibernationOptions/>"
		"<networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId>"
		"<sourceDestCheck>true</sourceDestCheck><privateIpAddressesSet><item>"
		"<privateIpAddress>10.0.0.12</privateIpAddress><primary>true</primary></item><item>"
		"<privateIpAddress>10.0.0.13</privateIpAddress><primary>false</primary></item>"
		"</privateIpAddressesSet><attachment><deviceIndex>0</deviceIndex>"
		"<deleteOnTermination>true</deleteOnTermination></attachment></item>"
		"</networkInterfaceSet><metadataOptions><httpPutResponseHopLimit>1"
		"</httpPutResponseHopLimit><httpTokens>required</httpTokens></metadataOptions>"
		"<tagSet/><newMemberNotInTheModel>kept</newMemberNotInTheModel></item>"
		"</instancesSet></item></reservationSet></DescribeInstancesResponse>";
	attest_ctx *ctx = attest_ctx_new();
	xmlDocPtr doc = NULL;
	json_t *v = NULL, *i, *ni,
	       *reason = json_string("User initiated (2026-11-01 10:21:00 GMT)");

	CU_ASSERT_FATAL(core_xml_load_memory(ctx, "t", text, strlen(text), NULL, &doc) ==
			ATTEST_OK);
	v = aws_xml_to_json_op(xmlDocGetRootElement(doc), "2016-11-15", "DescribeInstances",
			       AWS_XML_EC2);
	i = json_array_get(
		json_object_get(json_array_get(json_object_get(v, "Reservations"), 0), "Instances"),
		0);
	CU_ASSERT_FATAL(json_is_object(i));
	CU_ASSERT(json_equal(json_object_get(i, "StateTransitionReason"), reason) == 1);
	CU_ASSERT(json_object_get(i, "Reason") == NULL);
	CU_ASSERT(json_is_object(json_object_get(i, "HibernationOptions")));
	CU_ASSERT_EQUAL(json_object_size(json_object_get(i, "HibernationOptions")), 0);
	CU_ASSERT(json_is_false(json_object_get(i, "EbsOptimized")));
	CU_ASSERT(json_is_integer(json_object_get(i, "AmiLaunchIndex")));
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(json_object_get(i, "State"), "Code")),
			80);
	ni = json_array_get(json_object_get(i, "NetworkInterfaces"), 0);
	CU_ASSERT(json_is_true(json_object_get(
		json_array_get(json_object_get(ni, "PrivateIpAddresses"), 0), "Primary")));
	CU_ASSERT(json_is_false(json_object_get(
		json_array_get(json_object_get(ni, "PrivateIpAddresses"), 1), "Primary")));
	CU_ASSERT(json_is_true(json_object_get(ni, "SourceDestCheck")));
	CU_ASSERT(json_is_true(
		json_object_get(json_object_get(ni, "Attachment"), "DeleteOnTermination")));
	CU_ASSERT(json_is_integer(
		json_object_get(json_object_get(i, "MetadataOptions"), "HttpPutResponseHopLimit")));
	CU_ASSERT(json_is_array(json_object_get(i, "Tags")));
	CU_ASSERT(json_is_array(
		json_object_get(json_array_get(json_object_get(v, "Reservations"), 0), "Groups")));
	/* What the model does not know is kept, named as without a model. */
	CU_ASSERT(json_is_string(json_object_get(i, "NewMemberNotInTheModel")));
	CU_ASSERT(json_is_string(json_object_get(v, "RequestId")));
	json_decref(reason);
	json_decref(v);
	xmlFreeDoc(doc);
	attest_ctx_free(ctx);
}

/* The first path where got and want differ, into buf; false when equal. */
static bool
json_diff(const json_t *got, const json_t *want, char *buf, size_t size)
{
	const char *k;
	json_t *w;
	size_t i, n = strlen(buf);

	if (json_typeof(got) != json_typeof(want) &&
	    !(json_is_boolean(got) && json_is_boolean(want))) {
		snprintf(buf + n, size - n, ": type %d, want %d", json_typeof(got),
			 json_typeof(want));
		return true;
	}
	if (json_is_object(want)) {
		json_object_foreach((json_t *)want, k, w)
		{
			snprintf(buf + n, size - n, ".%s", k);
			if (!json_object_get(got, k)) {
				snprintf(buf + strlen(buf), size - strlen(buf), ": missing");
				return true;
			}
			if (json_diff(json_object_get(got, k), w, buf, size))
				return true;
		}
		buf[n] = '\0';
		if (json_object_size(got) != json_object_size(want)) {
			snprintf(buf + n, size - n, ": %zu members, want %zu",
				 json_object_size(got), json_object_size(want));
			return true;
		}
		return false;
	}
	if (json_is_array(want)) {
		if (json_array_size(got) != json_array_size(want)) {
			snprintf(buf + n, size - n, ": %zu items", json_array_size(got));
			return true;
		}
		json_array_foreach((json_t *)want, i, w)
		{
			snprintf(buf + n, size - n, "[%zu]", i);
			if (json_diff(json_array_get(got, i), w, buf, size))
				return true;
		}
		buf[n] = '\0';
		return false;
	}
	if (!json_equal((json_t *)got, (json_t *)want)) {
		snprintf(buf + n, size - n, ": value differs");
		return true;
	}
	return false;
}

/* Every query-protocol operation attest calls, answered as its botocore
 * model says (tests/data/aws-collect/model_cases.json, written by
 * src/collect/aws/gen_model.py: every member set; every top-level structure
 * and list empty; small structures and lists empty at every depth) converts
 * to the names and types the model gives. */
static void
test_xml_model_cases(void)
{
	char path[4096], where[1024], name[160];
	json_t *all, *c;
	json_error_t err;
	attest_ctx *ctx = attest_ctx_new();
	size_t i, bad = 0;

	snprintf(path, sizeof(path), "%s/tests/data/aws-collect/model_cases.json", ATTEST_SRCDIR);
	all = json_load_file(path, 0, &err);
	CU_ASSERT_FATAL(all != NULL);
	CU_ASSERT(json_array_size(json_object_get(all, "cases")) >= 150);
	json_array_foreach(json_object_get(all, "cases"), i, c)
	{
		const char *xml = json_string_value(json_object_get(c, "xml"));
		const char *version = json_string_value(json_object_get(c, "version"));
		const char *op = json_string_value(json_object_get(c, "operation"));
		xmlDocPtr doc = NULL;
		xmlNodePtr root;
		json_t *v;

		if (core_xml_load_memory(ctx, op, xml, strlen(xml), NULL, &doc) != ATTEST_OK) {
			fprintf(stderr, "%s: %s\n", op, attest_ctx_errmsg(ctx));
			bad++;
			continue;
		}
		snprintf(name, sizeof(name), "%sResult", op);
		root = aws_xml_find(xmlDocGetRootElement(doc), name);
		v = aws_xml_to_json_op(root ? root : xmlDocGetRootElement(doc), version, op,
				       strcmp(version, "2016-11-15") == 0 ? AWS_XML_EC2
									  : AWS_XML_QUERY);
		snprintf(where, sizeof(where), "%s %s (empty: %s)", version, op,
			 json_string_value(json_object_get(c, "empty")));
		if (!v || json_diff(v, json_object_get(c, "json"), where, sizeof(where))) {
			fprintf(stderr, "model case %s\n", where);
			bad++;
		}
		json_decref(v);
		xmlFreeDoc(doc);
	}
	CU_ASSERT_EQUAL(bad, 0);
	json_decref(all);
	attest_ctx_free(ctx);
}

static void
test_xml_refused(void)
{
	attest_ctx *ctx = attest_ctx_new();
	xmlDocPtr doc = NULL;
	const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>";
	const char *bad = "<a><b></a>";

	CU_ASSERT(core_xml_load_memory(ctx, "DescribeThings", bomb, strlen(bomb), NULL, &doc) ==
		  ATTEST_ERR_INVALID);
	CU_ASSERT(strstr(attest_ctx_errmsg(ctx), "DOCTYPE") != NULL);
	CU_ASSERT(doc == NULL);
	CU_ASSERT(core_xml_load_memory(ctx, "DescribeThings", bad, strlen(bad), NULL, &doc) ==
		  ATTEST_ERR_PARSE);
	CU_ASSERT(strstr(attest_ctx_errmsg(ctx), "'DescribeThings' at line 1") != NULL);
	attest_ctx_free(ctx);
}

static void
check_error(long status, const char *hdr, const char *body, const char *code)
{
	char c[128], m[256];

	aws_error_parse(status, hdr, body, strlen(body), c, sizeof(c), m, sizeof(m));
	CU_ASSERT_STRING_EQUAL(c, code);
}

static void
test_error_codes(void)
{
	check_error(400, NULL,
		    "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>",
		    "Throttling");
	check_error(503, NULL,
		    "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
		    "</Error></Errors></Response>",
		    "RequestLimitExceeded");
	check_error(404, NULL, "<Error><Code>NoSuchBucketPolicy</Code></Error>",
		    "NoSuchBucketPolicy");
	check_error(400, NULL, "{\"__type\":\"com.amazon.coral#ThrottlingException\"}",
		    "ThrottlingException");
	check_error(403, "AccessDeniedException:http://x", "{\"message\":\"no\"}",
		    "AccessDeniedException");
	check_error(403, NULL, "", "AccessDenied");
	check_error(501, NULL, "garbage", "NotImplemented");
	CU_ASSERT(aws_engine_is_throttle("SlowDown"));
	CU_ASSERT(!aws_engine_is_throttle("AccessDenied"));
}

static void
test_json_times_and_policies(void)
{
	json_t *v = json_loads("{\"CreationDate\":1700000000.5,\"creationTime\":1700000000000,"
			       "\"L\":[{\"lastStartTime\":-5}]}",
			       0, NULL);
	json_t *p;
	char *s;

	aws_json_fix_times(v);
	s = json_dumps(v, JSON_COMPACT);
	CU_ASSERT_STRING_EQUAL(s, "{\"CreationDate\":\"2023-11-14T22:13:20Z\","
				  "\"creationTime\":1700000000000,\"L\":[{\"lastStartTime\":-5}]}");
	free(s);
	json_decref(v);
	p = aws_policy_parse("%7B%22Version%22%3A%222012-10-17%22%7D");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(p, "Version")), "2012-10-17");
	json_decref(p);
	p = aws_policy_parse("{\"Version\":\"x\"}");
	CU_ASSERT(json_is_object(p));
	json_decref(p);
	CU_ASSERT(aws_policy_parse("%7Bnot") == NULL);
}

/* The request templates of follow-up tables (asm_request.c). */
static void
test_followup_requests(void)
{
	json_t *vars = json_pack("{s:s, s:s, s:i}", "Name", "a b/c", "Arn",
				 "arn:aws:x:us-east-1:1:thing/a b", "N", 7);
	json_t *v;
	struct core_buf b;
	char path[64], *s;

	/* JSON: whole string values replaced, optional ones dropped when missing */
	v = json_loads("{\"N\": \"{Name}\", \"L\": [\"{Arn}\", \"{Gone?}\", \"x\"], "
		       "\"O\": \"{Gone?}\", \"K\": \"{N}\", \"T\": \"a{Name}\"}",
		       0, NULL);
	CU_ASSERT(aws_asm_fill_json(v, vars));
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	CU_ASSERT_STRING_EQUAL(s, "{\"K\":7,\"L\":[\"arn:aws:x:us-east-1:1:thing/a b\",\"x\"],"
				  "\"N\":\"a b/c\",\"T\":\"a{Name}\"}");
	free(s);
	json_decref(v);
	/* a missing required variable: the call is not made */
	v = json_loads("{\"N\": {\"deep\": \"{Gone}\"}}", 0, NULL);
	CU_ASSERT(!aws_asm_fill_json(v, vars));
	json_decref(v);
	/* query parameters, percent-encoded; literals kept */
	core_buf_init(&b, 4096);
	core_buf_add(&b, "", 0);
	CU_ASSERT_EQUAL(aws_asm_fill_query(&b, "A={Name}&B=lit&C={Gone?}", vars), 0);
	CU_ASSERT_STRING_EQUAL(b.data, "&A=a%20b%2Fc&B=lit");
	CU_ASSERT_EQUAL(aws_asm_fill_query(&b, "A={Gone}", vars), 1);
	core_buf_release(&b);
	/* REST paths: each value one segment */
	CU_ASSERT_EQUAL(aws_asm_fill_path(path, sizeof(path), "/x/{Name}/y?z=1", vars), 0);
	CU_ASSERT_STRING_EQUAL(path, "/x/a%20b%2Fc/y?z=1");
	CU_ASSERT_EQUAL(aws_asm_fill_path(path, sizeof(path), "/x/{Gone}", vars), 1);
	CU_ASSERT_EQUAL(aws_asm_fill_path(path, 8, "/x/{Arn}", vars), -1);
	json_decref(vars);
}

static CU_TestInfo engine_tests[] = {
	{"throttling answers are retried", test_retry_throttling},
	{"persistent throttling fails once after max attempts", test_persistent_throttling},
	{"AccessDenied is not retried", test_denied_not_retried},
	{"5xx and truncated answers are retried", test_5xx_and_truncated_retried},
	{"oversized bodies are refused", test_body_limit},
	{"slow answers time out and are retried", test_timeout},
	{"requests in flight per service are bounded", test_concurrency_bound},
	{"unreachable endpoint", test_unreachable},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo parser_tests[] = {
	{"query XML: types, lists, maps", test_xml_query_types},
	{"EC2 XML: wire names to API members", test_xml_ec2_names},
	{"EC2 XML by the model: reason, Primary, empty structures", test_xml_ec2_model},
	{"every query operation answered as its model says", test_xml_model_cases},
	{"DOCTYPE and malformed XML refused", test_xml_refused},
	{"error codes of every protocol", test_error_codes},
	{"JSON timestamps and policy documents", test_json_times_and_policies},
	{"requests of follow-up tables from their templates", test_followup_requests},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"aws engine", NULL, NULL, NULL, NULL, engine_tests},
		{"aws parsers", NULL, NULL, NULL, NULL, parser_tests},
		CU_SUITE_INFO_NULL,
	};

	/* The scripted server writes to clients that gave up (timeouts). */
	signal(SIGPIPE, SIG_IGN);
	return attest_test_main(suites);
}
