/*
 * Unit tests for src/monitor's change events: each form of SQS message body
 * (EventBridge CloudTrail event, bare CloudTrail record, SNS notification,
 * Config item change, oversized Config item) parses to the right resources
 * and actor with the bundled table (frameworks/events/aws.xml); failed
 * calls and unknown events touch nothing; malformed bodies fail naming the
 * place; tables the loader must refuse are refused. Fixtures:
 * tests/data/events/.
 */
#include "config.h"

#include "harness.h"
#include "monitor/event.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static attest_ctx *ctx;
static struct event_table *table;
static char dir[4096];

static int
suite_init(void)
{
	ctx = attest_ctx_new();
	if (!ctx || tu_tmpdir(dir, sizeof(dir), "event") != 0)
		return 1;
	if (event_table_load(ctx, NULL, &table) != ATTEST_OK) {
		fprintf(stderr, "event table: %s\n", attest_ctx_errmsg(ctx));
		return 1;
	}
	return 0;
}

static int
suite_clean(void)
{
	event_table_free(table);
	attest_ctx_free(ctx);
	tu_rmtree(dir);
	return 0;
}

/* Parses fixture name into ev; the return code of event_parse. */
static attest_rc
parse_fixture(const char *name, struct event *ev)
{
	char path[4200];
	size_t n;
	char *body;
	attest_rc rc;

	snprintf(path, sizeof(path), "%s/tests/data/events/%s", ATTEST_SRCDIR, name);
	body = tu_slurp(path, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(body);
	rc = event_parse(table, body, n, ev);
	free(body);
	return rc;
}

/* The same with the member key of the fixture's detail removed. */
static attest_rc
parse_fixture_without(const char *name, const char *key, struct event *ev)
{
	char path[4200], *text;
	json_t *doc;
	attest_rc rc;

	snprintf(path, sizeof(path), "%s/tests/data/events/%s", ATTEST_SRCDIR, name);
	doc = json_load_file(path, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	json_object_del(json_object_get(doc, "detail"), key);
	text = json_dumps(doc, 0);
	json_decref(doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	rc = event_parse(table, text, strlen(text), ev);
	free(text);
	return rc;
}

static bool
eq(const char *got, const char *want)
{
	if (got == want || (got && want && !strcmp(got, want)))
		return true;
	fprintf(stderr, "\n  got '%s', expected '%s'\n", got ? got : "(null)",
		want ? want : "(null)");
	return false;
}

/* The resource of type and id (id NULL: the one of type without an id). */
static const struct event_resource *
find(const struct event *ev, const char *type, const char *id)
{
	size_t i;

	for (i = 0; i < ev->n_res; i++)
		if (!strcmp(ev->res[i].type, type) &&
		    (id ? ev->res[i].id && !strcmp(ev->res[i].id, id) : !ev->res[i].id))
			return &ev->res[i];
	fprintf(stderr, "\n  no resource %s '%s' among %zu\n", type, id ? id : "(null)", ev->n_res);
	return NULL;
}

static void
test_cloudtrail_eventbridge(void)
{
	struct event ev;
	const struct event_resource *r;

	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_authorize_sg.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.kind, EVENT_CLOUDTRAIL);
	CU_ASSERT(eq(ev.key, "0f6a2c1e-1111-4222-8333-444455556666"));
	CU_ASSERT(eq(ev.source, "aws.ec2"));
	CU_ASSERT(eq(ev.name, "AuthorizeSecurityGroupIngress"));
	CU_ASSERT(eq(ev.actor, "arn:aws:sts::111122223333:assumed-role/Admin/alice"));
	CU_ASSERT(eq(ev.actor_type, "AssumedRole"));
	CU_ASSERT(eq(ev.actor_issuer, "arn:aws:iam::111122223333:role/Admin"));
	CU_ASSERT(eq(ev.source_ip, "203.0.113.7"));
	CU_ASSERT(eq(ev.user_agent, "aws-cli/2.15.0 Python/3.11"));
	CU_ASSERT(eq(ev.account, "111122223333"));
	CU_ASSERT(eq(ev.region, "eu-west-1"));
	CU_ASSERT_PTR_NULL(ev.error_code);
	CU_ASSERT_EQUAL(ev.time, 1796669027); /* 2026-12-07T18:43:47Z */
	CU_ASSERT_FALSE(ev.tags_only);
	CU_ASSERT_EQUAL(ev.n_res, 1);
	r = find(&ev, "AWS::EC2::SecurityGroup", "sg-0123456789abcdef0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(eq(r->region, "eu-west-1"));
	CU_ASSERT(eq(r->account, "111122223333"));
	CU_ASSERT_FALSE(r->deleted);
	CU_ASSERT_PTR_NULL(r->config_item);
	event_clear(&ev);
	CU_ASSERT_EQUAL(ev.n_res, 0);
	CU_ASSERT_PTR_NULL(ev.key);
}

static void
test_failed_and_unknown(void)
{
	struct event ev;

	/* a failed call changed nothing */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_failed.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.kind, EVENT_CLOUDTRAIL);
	CU_ASSERT(eq(ev.error_code, "Client.UnauthorizedOperation"));
	CU_ASSERT(eq(ev.name, "AuthorizeSecurityGroupIngress"));
	CU_ASSERT_EQUAL(ev.n_res, 0);
	event_clear(&ev);
	/* a read, and a source the table does not know: counted, not fatal */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_unknown_name.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.kind, EVENT_CLOUDTRAIL);
	CU_ASSERT(eq(ev.name, "DescribeInstances"));
	CU_ASSERT_EQUAL(ev.n_res, 0);
	event_clear(&ev);
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_unknown_source.json", &ev), ATTEST_OK);
	CU_ASSERT(eq(ev.source, "aws.example"));
	CU_ASSERT_EQUAL(ev.n_res, 0);
	event_clear(&ev);
	/* another EventBridge detail-type */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("eb_other_detail_type.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.kind, EVENT_UNKNOWN);
	CU_ASSERT(eq(ev.key, "7bf73129-1428-4cd3-a780-95db273d1602"));
	CU_ASSERT(eq(ev.name, "EC2 Instance State-change Notification"));
	CU_ASSERT_EQUAL(ev.n_res, 0);
	event_clear(&ev);
}

static void
test_record_and_sns(void)
{
	struct event ev;
	const struct event_resource *r;

	/* a bare CloudTrail record: IAM DeleteUser, global resources */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_record_delete_user.json", &ev), ATTEST_OK);
	CU_ASSERT(eq(ev.key, "e-delete-user-1"));
	CU_ASSERT(eq(ev.source, "aws.iam"));
	CU_ASSERT(eq(ev.actor, "arn:aws:iam::111122223333:user/bob"));
	CU_ASSERT(eq(ev.actor_type, "IAMUser"));
	CU_ASSERT_EQUAL(ev.n_res, 3);
	r = find(&ev, "AWS::IAM::User", "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->deleted);
	CU_ASSERT_PTR_NULL(r->region);
	r = find(&ev, "AWS::IAM::CredentialReportEntry", "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->deleted);
	r = find(&ev, "AWS::IAM::AccountSummary", "111122223333");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_FALSE(r->deleted);
	event_clear(&ev);
	/* an SNS notification around EventBridge: EC2 tags, typed by prefix */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("sns_create_tags.json", &ev), ATTEST_OK);
	CU_ASSERT(eq(ev.key, "e-create-tags-1"));
	CU_ASSERT(eq(ev.actor, "autoscaling.amazonaws.com"));
	CU_ASSERT(ev.tags_only);
	CU_ASSERT_EQUAL(ev.n_res, 2); /* eni-: no type in the table */
	CU_ASSERT_PTR_NOT_NULL(find(&ev, "AWS::EC2::SecurityGroup", "sg-0123456789abcdef0"));
	CU_ASSERT_PTR_NOT_NULL(find(&ev, "AWS::EC2::Instance", "i-0aaaabbbbccccdddd"));
	event_clear(&ev);
}

static void
test_id_forms(void)
{
	struct event ev;
	const struct event_resource *r;

	/* Lambda's versioned eventName; an ARN given for a name-keyed type */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_lambda_suffix.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.n_res, 1);
	r = find(&ev, "AWS::Lambda::Function", "orders");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(eq(r->arn, "arn:aws:lambda:eu-west-1:111122223333:function:orders"));
	event_clear(&ev);
	/* ids in a response array; a touch without ids: the type as a whole */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_run_instances.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.n_res, 3);
	CU_ASSERT_PTR_NOT_NULL(find(&ev, "AWS::EC2::Instance", "i-0000000000000001a"));
	CU_ASSERT_PTR_NOT_NULL(find(&ev, "AWS::EC2::Instance", "i-0000000000000002b"));
	r = find(&ev, "AWS::EC2::Volume", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NULL(r->name);
	CU_ASSERT(eq(r->region, "eu-west-1"));
	event_clear(&ev);
	/* queues are named by URL */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_sqs_create_queue.json", &ev), ATTEST_OK);
	r = find(&ev, "AWS::SQS::Queue", "https://sqs.eu-west-1.amazonaws.com/111122223333/orders");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(eq(r->name, "orders"));
	event_clear(&ev);
	/* a KMS key given by ARN, scheduled for deletion */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_kms_schedule_deletion.json", &ev), ATTEST_OK);
	r = find(&ev, "AWS::KMS::Key", "1234abcd-12ab-34cd-56ef-1234567890ab");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->deleted);
	event_clear(&ev);
	/* the type found from the ARN (an RDS cluster, not an instance) */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_rds_tags_arn.json", &ev), ATTEST_OK);
	CU_ASSERT(ev.tags_only);
	CU_ASSERT_EQUAL(ev.n_res, 1);
	CU_ASSERT_PTR_NOT_NULL(find(&ev, "AWS::RDS::DBCluster", "orders-db"));
	event_clear(&ev);
	/* ELBv2 tags: load balancer and listener by ARN (with {path}); a
	 * target group is no type of the table */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("ct_elbv2_tags_arns.json", &ev), ATTEST_OK);
	CU_ASSERT(ev.tags_only);
	CU_ASSERT_EQUAL(ev.n_res, 2);
	r = find(&ev, "AWS::ElasticLoadBalancingV2::LoadBalancer",
		 "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/"
		 "50dc6c495c0c9188");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(eq(r->name, "50dc6c495c0c9188"));
	CU_ASSERT_PTR_NOT_NULL(find(&ev, "AWS::ElasticLoadBalancingV2::Listener",
				    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/"
				    "app/web/50dc6c495c0c9188/f2f7dc8efc522ab2"));
	event_clear(&ev);
}

static void
test_config(void)
{
	struct event ev;
	const struct event_resource *r;

	CU_ASSERT_EQUAL_FATAL(parse_fixture("config_item.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.kind, EVENT_CONFIG);
	CU_ASSERT(eq(ev.key, "c1f9a2b0-2222-4333-8444-555566667777"));
	CU_ASSERT(eq(ev.source, "aws.config"));
	CU_ASSERT(eq(ev.name, "ConfigurationItemChangeNotification"));
	CU_ASSERT_PTR_NULL(ev.actor);
	CU_ASSERT_EQUAL(ev.time, 1796669051); /* notificationCreationTime */
	CU_ASSERT_EQUAL_FATAL(ev.n_res, 1);
	r = find(&ev, "AWS::EC2::SecurityGroup", "sg-0123456789abcdef0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(eq(r->arn,
		     "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0"));
	CU_ASSERT(eq(r->region, "eu-west-1"));
	CU_ASSERT(eq(r->account, "111122223333"));
	CU_ASSERT_FALSE(r->deleted);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->config_item);
	CU_ASSERT(eq(json_string_value(json_object_get(r->config_item, "resourceName")), "web"));
	CU_ASSERT_PTR_NOT_NULL(json_object_get(r->config_item, "configuration"));
	event_clear(&ev);

	/* a deleted IAM user: the inventory names it, not by Config's id */
	CU_ASSERT_EQUAL_FATAL(parse_fixture("config_deleted.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL_FATAL(ev.n_res, 1);
	r = find(&ev, "AWS::IAM::User", "alice");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->deleted);
	CU_ASSERT_PTR_NULL(r->region);
	event_clear(&ev);

	/* a forwarder that dropped messageType: the item says the form */
	CU_ASSERT_EQUAL_FATAL(parse_fixture_without("config_item.json", "messageType", &ev),
			      ATTEST_OK);
	CU_ASSERT_EQUAL(ev.kind, EVENT_CONFIG);
	CU_ASSERT(eq(ev.name, "ConfigurationItemChangeNotification"));
	CU_ASSERT_EQUAL(ev.n_res, 1);
	event_clear(&ev);

	CU_ASSERT_EQUAL_FATAL(parse_fixture("config_oversized.json", &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.kind, EVENT_CONFIG_OVERSIZED);
	CU_ASSERT(eq(ev.name, "OversizedConfigurationItemChangeNotification"));
	CU_ASSERT(eq(ev.s3_bucket, "config-bucket-111122223333"));
	CU_ASSERT(ev.s3_key && !strncmp(ev.s3_key, "AWSLogs/111122223333/Config/", 28));
	CU_ASSERT_EQUAL_FATAL(ev.n_res, 1);
	r = find(&ev, "AWS::EC2::SecurityGroup", "sg-0123456789abcdef0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NULL(r->config_item);
	event_clear(&ev);
}

static void
expect_error(const char *fixture, const char *message)
{
	struct event ev;

	CU_ASSERT_EQUAL(parse_fixture(fixture, &ev), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, message));
	CU_ASSERT_EQUAL(ev.n_res, 0);
	CU_ASSERT_PTR_NULL(ev.key);
}

static void
test_malformed(void)
{
	struct event ev;

	expect_error("bad_truncated.json", "the message body is not valid JSON at line 2");
	expect_error("bad_truncated.json", "column");
	expect_error("bad_event_name_type.json", "'detail.eventName' must be a string");
	expect_error("bad_no_detail.json", "'detail' is missing");
	expect_error("bad_issuer_type.json",
		     "'detail.userIdentity.sessionContext.sessionIssuer.arn' must be a string");
	expect_error("bad_event_time.json", "'detail.eventTime' is not an ISO 8601 UTC time");
	expect_error("bad_sns_message.json", "'Message' is not valid JSON at line 2, column");
	expect_error("bad_oversized_location.json", "is not 'bucket/key'");
	CU_ASSERT_EQUAL(event_parse(table, "[1]", 3, &ev), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "must be a JSON object"));
	CU_ASSERT_EQUAL(event_parse(table, "{\"a\":1}", 7, &ev), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "neither an EventBridge event"));
	/* duplicate keys are refused: which one would be meant? */
	CU_ASSERT_EQUAL(event_parse(table, "{\"a\":1,\"a\":2}", 13, &ev), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "line 1, column"));
}

/* Every proper prefix of a well-formed body is malformed JSON: each must
 * fail cleanly (no crash, no leak under valgrind, the event left empty). */
static void
test_truncated_everywhere(void)
{
	static const char *const fixtures[] = {"ct_authorize_sg.json", "sns_create_tags.json",
					       "config_oversized.json"};
	char path[4200], *body;
	struct event ev;
	size_t f, n, len, bad;

	for (f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		snprintf(path, sizeof(path), "%s/tests/data/events/%s", ATTEST_SRCDIR, fixtures[f]);
		body = tu_slurp(path, &n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(body);
		while (n > 0 && (body[n - 1] == '\n' || body[n - 1] == ' '))
			n--;
		bad = 0;
		for (len = 0; len < n; len++) {
			if (event_parse(table, body, len, &ev) != ATTEST_ERR_INVALID ||
			    ev.n_res != 0 || ev.key != NULL)
				bad++;
		}
		CU_ASSERT_EQUAL(bad, 0);
		CU_ASSERT_EQUAL(event_parse(table, body, n, &ev), ATTEST_OK);
		CU_ASSERT(ev.n_res > 0);
		event_clear(&ev);
		free(body);
	}
}

/* Sets value at path in obj, creating objects on the way (or reusing
 * those there) and a one-element array for each "[*]". */
static void
set_path(json_t *obj, const char *path, json_t *value)
{
	char key[256];
	const char *dot = strchr(path, '.'), *end = dot ? dot : path + strlen(path);
	bool all = end - path >= 3 && !strncmp(end - 3, "[*]", 3);
	size_t n = (size_t)(end - path) - (all ? 3 : 0);
	json_t *next;

	snprintf(key, sizeof(key), "%.*s", (int)n, path);
	if (!dot && !all) {
		json_object_set_new(obj, key, value);
		return;
	}
	if (!dot) { /* key[*]: an array of the value */
		json_object_set_new(obj, key, json_pack("[o]", value));
		return;
	}
	next = json_object_get(obj, key);
	if (all)
		next = json_array_get(next, 0);
	if (!json_is_object(next)) {
		next = json_object();
		json_object_set_new(obj, key, all ? json_pack("[o]", next) : next);
	}
	set_path(next, dot + 1, value);
}

/* The ARN template t filled in for id "x" (empty IAM-style paths). */
static void
fill_template(const char *t, const char *id, char *out, size_t size)
{
	static const char *const from[] = {"{partition}", "{region}", "{account}", "{path}",
					   "{id}"};
	const char *to[] = {"aws", "us-east-1", "111122223333", "", id};
	size_t o = 0, k;

	while (*t && o + 1 < size) {
		for (k = 0; k < 5; k++)
			if (!strncmp(t, from[k], strlen(from[k])))
				break;
		if (k < 5) {
			o += (size_t)snprintf(out + o, size - o, "%s", to[k]);
			t += strlen(from[k]);
		} else {
			out[o++] = *t++;
		}
	}
	out[o < size ? o : size - 1] = '\0';
}

/* Every touch of the bundled table, given an id at its first path (an ARN
 * from the type's template, a queue URL, or the id itself), yields a
 * resource of its type with that name, deleted when the touch deletes. */
static void
test_table_self_consistent(void)
{
	char idpart[64], value[512], *text;
	size_t i, k, r, checked = 0, bad = 0;
	struct event ev;

	for (i = 0; i < table->n_defs; i++) {
		const struct event_def *d = &table->defs[i];

		for (k = 0; k < d->n_touch; k++) {
			const struct event_touch *to = &d->touch[k];
			const struct event_type *ty = to->type;
			json_t *rec;
			bool found = false;

			if (to->match != EVENT_MATCH_TYPE || to->n_paths == 0)
				continue;
			snprintf(idpart, sizeof(idpart), "%sx1", ty->prefix ? ty->prefix : "");
			if (ty->idform == EVENT_ID_URL)
				snprintf(value, sizeof(value),
					 "https://sqs.us-east-1.amazonaws.com/111122223333/%s",
					 idpart);
			else if (ty->arn)
				fill_template(ty->arn, idpart, value, sizeof(value));
			else
				snprintf(value, sizeof(value), "%s", idpart);
			rec = json_pack("{ssssssssssss}", "eventSource", d->source, "eventName",
					d->name, "eventID", "k", "eventTime",
					"2026-01-01T00:00:00Z", "awsRegion", "us-east-1",
					"recipientAccountId", "111122223333");
			CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
			if (to->cond)
				set_path(rec, to->cond, json_string("present"));
			set_path(rec, to->paths[0], json_string(value));
			text = json_dumps(rec, 0);
			json_decref(rec);
			CU_ASSERT_PTR_NOT_NULL_FATAL(text);
			checked++;
			if (event_parse(table, text, strlen(text), &ev) != ATTEST_OK) {
				fprintf(stderr, "\n  %s %s: %s", d->source, d->name,
					attest_ctx_errmsg(ctx));
				bad++;
				free(text);
				continue;
			}
			for (r = 0; r < ev.n_res; r++)
				if (!strcmp(ev.res[r].type, ty->name) && ev.res[r].name &&
				    !strcmp(ev.res[r].name, idpart) &&
				    ev.res[r].deleted == to->deleted)
					found = true;
			if (!found) {
				fprintf(stderr, "\n  %s %s: no %s named '%s' from %s = %s",
					d->source, d->name, ty->name, idpart, to->paths[0], value);
				bad++;
			}
			event_clear(&ev);
			free(text);
		}
	}
	fprintf(stderr, "\n  %zu touches checked, %zu wrong ", checked, bad);
	CU_ASSERT(checked > 400);
	CU_ASSERT_EQUAL(bad, 0);
}

/* Writes a table of one source around events into dir/name, with the
 * bundled schema beside it. */
static void
write_table(const char *name, const char *types, const char *events, char path[4200])
{
	char cmd[9000];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "cp '%s/frameworks/events/events.xsd' '%s/'", ATTEST_SRCDIR,
		 dir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(path, 4200, "%s/%s", dir, name);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fprintf(fp,
		"<events xmlns=\"urn:attest:events:1\">%s"
		"<source name=\"ec2.amazonaws.com\" service=\"ec2\">%s</source></events>\n",
		types, events);
	fclose(fp);
}

static void
test_table_load(void)
{
	const char *sg = "<type name=\"AWS::EC2::SecurityGroup\" id=\"name\" prefix=\"sg-\"/>";
	const char *body = "{\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":"
			   "\"DeleteSecurityGroup\",\"eventID\":\"k\",\"eventTime\":"
			   "\"2026-01-01T00:00:00Z\",\"awsRegion\":\"us-east-1\","
			   "\"requestParameters\":{\"groupName\":\"web\"}}";
	struct event_table *t = NULL;
	struct event ev;
	char path[4200];

	write_table("ok.xml", sg,
		    "<event name=\"DeleteSecurityGroup\"><touch type=\"AWS::EC2::SecurityGroup\" "
		    "change=\"delete\"><id path=\"requestParameters.groupId\"/></touch></event>",
		    path);
	CU_ASSERT_EQUAL_FATAL(event_table_load(ctx, path, &t), ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(event_table_find(t, "ec2.amazonaws.com", "DeleteSecurityGroup"));
	CU_ASSERT_PTR_NULL(event_table_find(t, "ec2.amazonaws.com", "CreateSecurityGroup"));
	/* the id the record lacks: the type as a whole */
	CU_ASSERT_EQUAL(event_parse(t, body, strlen(body), &ev), ATTEST_OK);
	CU_ASSERT_EQUAL(ev.n_res, 1);
	CU_ASSERT(ev.n_res == 1 && !ev.res[0].id && ev.res[0].deleted);
	event_clear(&ev);
	event_table_free(t);

	/* a touch naming an undeclared type: the schema's keyref */
	write_table(
		"undeclared.xml", sg,
		"<event name=\"X\"><touch type=\"AWS::EC2::Volume\" change=\"modify\"/></event>",
		path);
	CU_ASSERT_EQUAL(event_table_load(ctx, path, &t), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NULL(t);
	/* neither type nor match */
	write_table("neither.xml", sg, "<event name=\"X\"><touch change=\"modify\"/></event>",
		    path);
	CU_ASSERT_EQUAL(event_table_load(ctx, path, &t), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "needs either 'type' or 'match'"));
	/* a match without ids */
	write_table("match.xml", sg,
		    "<event name=\"X\"><touch match=\"arn\" change=\"modify\"/></event>", path);
	CU_ASSERT_EQUAL(event_table_load(ctx, path, &t), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "a touch by arn needs ids"));
	/* an event listed twice */
	write_table("twice.xml", sg,
		    "<event name=\"X\"><touch type=\"AWS::EC2::SecurityGroup\" change=\"modify\"/>"
		    "</event><event name=\"X\"><touch type=\"AWS::EC2::SecurityGroup\" "
		    "change=\"modify\"/></event>",
		    path);
	CU_ASSERT_EQUAL(event_table_load(ctx, path, &t), ATTEST_ERR_INVALID);
	/* a bad path */
	write_table("path.xml", sg,
		    "<event name=\"X\"><touch type=\"AWS::EC2::SecurityGroup\" change=\"modify\">"
		    "<id path=\"requestParameters..groupId\"/></touch></event>",
		    path);
	CU_ASSERT_EQUAL(event_table_load(ctx, path, &t), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "path.xml"));
}

static CU_TestInfo tests[] = {
	{"CloudTrail event through EventBridge", test_cloudtrail_eventbridge},
	{"failed calls and unknown events touch nothing", test_failed_and_unknown},
	{"bare CloudTrail record, SNS notification", test_record_and_sns},
	{"ids by ARN, URL, prefix, array, type", test_id_forms},
	{"Config item, deleted item, oversized item", test_config},
	{"malformed bodies name the place", test_malformed},
	{"every truncation of a body fails cleanly", test_truncated_everywhere},
	{"tables the loader refuses", test_table_load},
	{"every touch of the bundled table finds its id", test_table_self_consistent},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"event", suite_init, suite_clean, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
