/*
 * Unit tests for the alerts of attest watch (src/monitor/alert*.c,
 * src/store/outbox.c): rules files valid and invalid (errors name the file,
 * line and element), rules from flags, one alert per transition, the
 * payload's fields and no secret in it, grouping, the rate limit, retries
 * with backoff against a loopback webhook receiver that fails first, and
 * email over SMTP with STARTTLS (and implicit TLS) against a loopback SMTP
 * server whose certificate libcurl verifies through the CA file option; a
 * server that refuses STARTTLS gets nothing. The receivers are Python's
 * standard library (tests/alerts/servers.py), started and stopped here.
 */
#include "config.h"

#include "harness.h"
#include "testutil.h"
#include "monitor/alert.h"
#include "store/outbox.h"
#include "store/store_int.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static attest_ctx *ctx;
static attest_library *lib;
static char dir[4096];
static char logbuf[1 << 16];

static void
keep_log(void *data, attest_log_level level, const char *msg)
{
	(void)data;
	(void)level;
	if (strlen(logbuf) + strlen(msg) + 2 < sizeof(logbuf)) {
		strcat(logbuf, msg);
		strcat(logbuf, "\n");
	}
}

static int
setup(void)
{
	if (tu_library_load(&ctx, &lib, true) != 0 || tu_tmpdir(dir, sizeof(dir), "alert") != 0)
		return 1;
	attest_ctx_set_log(ctx, keep_log, NULL);
	return 0;
}

static int
teardown(void)
{
	tu_library_free(ctx, lib);
	tu_rmtree(dir);
	return 0;
}

static const char *
path_of(const char *name)
{
	static char p[4][4200];
	static int turn;
	char *s = p[turn++ % 4];

	snprintf(s, sizeof(p[0]), "%s/%s", dir, name);
	return s;
}

static const char *
write_file(const char *name, const char *text)
{
	const char *path = path_of(name);
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/* ---- the loopback receivers ---- */

struct receiver {
	pid_t pid;
	int port;
	char dir[4200];
};

/* Starts tests/alerts/servers.py with args (NULL-terminated) in a fresh
 * folder sub of dir; 0 with the port, or -1. */
static int
receiver_start(struct receiver *r, const char *sub, const char *const *args)
{
	char script[4200], portfile[4300], *argv[24];
	FILE *f;
	size_t i, n = 0;
	int tries;

	snprintf(r->dir, sizeof(r->dir), "%s/%s", dir, sub);
	snprintf(script, sizeof(script), "%s/tests/alerts/servers.py", ATTEST_SRCDIR);
	snprintf(portfile, sizeof(portfile), "%s/port", r->dir);
	tu_rmtree(r->dir);
	if (mkdir(r->dir, 0700) != 0)
		return -1;
	argv[n++] = (char *)"python3";
	argv[n++] = script;
	argv[n++] = (char *)args[0];
	argv[n++] = r->dir;
	for (i = 1; args[i] && n < 22; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	if ((r->pid = fork()) < 0)
		return -1;
	if (r->pid == 0) {
		execvp("python3", argv);
		_exit(127);
	}
	r->port = 0;
	for (tries = 0; tries < 200 && !r->port; tries++) {
		if ((f = fopen(portfile, "r")) != NULL) {
			if (fscanf(f, "%d", &r->port) != 1)
				r->port = 0;
			fclose(f);
		}
		if (!r->port)
			usleep(50000);
	}
	if (!r->port)
		fprintf(stderr, "\n  receiver %s did not start\n", args[0]);
	return r->port ? 0 : -1;
}

static void
receiver_stop(struct receiver *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGTERM);
		waitpid(r->pid, NULL, 0);
		r->pid = 0;
	}
}

/* Files of r's folder whose names start with prefix. */
static int
received(const struct receiver *r, const char *prefix)
{
	DIR *d = opendir(r->dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		     strstr(e->d_name, ".tmp") == NULL;
	if (d)
		closedir(d);
	return n;
}

/* The JSON file name of r's folder (a new reference, NULL when absent). */
static json_t *
received_json(const struct receiver *r, const char *name)
{
	char p[4400];

	snprintf(p, sizeof(p), "%s/%s", r->dir, name);
	return json_load_file(p, 0, NULL);
}

/* Whether the record rec of a receiver says its payload validates against
 * doc/alert-payload.schema.json (the receivers check with --schema). */
static bool
schema_ok(json_t *rec)
{
	json_t *errors = json_object_get(rec, "schema_errors");
	char *text;

	if (json_is_array(errors) && json_array_size(errors) == 0)
		return true;
	text = json_dumps(errors, 0);
	fprintf(stderr, "\n  payload breaks the schema: %s\n", text ? text : "(no record)");
	free(text);
	return false;
}

static const char *
schema_path(void)
{
	static char p[4200];

	snprintf(p, sizeof(p), "%s/doc/alert-payload.schema.json", ATTEST_SRCDIR);
	return p;
}

/* A self-signed certificate for 127.0.0.1 made by the openssl command. */
static int
make_cert(void)
{
	char cmd[16384];

	if (access(path_of("cert.pem"), R_OK) == 0)
		return 0;
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
		 " -addext subjectAltName=IP:127.0.0.1,DNS:localhost"
		 " -keyout '%s/key.pem' -out '%s/cert.pem' >/dev/null 2>&1",
		 dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- rules files ---- */

#define RULES_HEAD "<?xml version=\"1.0\"?>\n<alert-rules xmlns=\"urn:attest:alert-rules:1\">\n"

static const char valid_rules[] = RULES_HEAD
	"  <delivery group-window=\"10\" rate-per-minute=\"3\" retry-base=\"10\" retry-cap=\"25\""
	" timeout=\"5\"/>\n"
	"  <channels>\n"
	"    <webhook name=\"ops\"><url>https://hooks.example.com/services/T/B/x</url>\n"
	"      <header name=\"Authorization\" env=\"OPS_TOKEN\" prefix=\"Bearer \"/></webhook>\n"
	"    <webhook name=\"slack\"><url-env>SLACK_URL</url-env></webhook>\n"
	"    <email name=\"sec\"><smtp-url>smtp://mail.example.com:587</smtp-url>\n"
	"      <from>attest@example.com</from><to>sec@example.com</to><to>ops@example.com</to>\n"
	"      <user-env>SMTP_USER</user-env><password-env>SMTP_PASSWORD</password-env></email>\n"
	"    <sns name=\"pager\"><topic-arn>arn:aws:sns:us-east-1:111122223333:pager</topic-arn></sns>\n"
	"  </channels>\n"
	"  <rules>\n"
	"    <newly-failing name=\"high\" severity=\"high\" channels=\"ops sec\"/>\n"
	"    <internet-exposed name=\"exposed\" channels=\"pager ops\"/>\n"
	"    <score-drop name=\"drop\" points=\"5\" measure=\"posture\" channels=\"slack\">\n"
	"      <framework>cis-aws-3.0</framework></score-drop>\n"
	"    <exception-lapsed name=\"lapsed\" channels=\"sec\"/>\n"
	"    <collection-failed name=\"collect\" channels=\"ops\"/>\n"
	"  </rules>\n"
	"</alert-rules>\n";

static void
test_rules_valid(void)
{
	struct alert_rules *r = NULL;

	CU_ASSERT_EQUAL_FATAL(alert_rules_load(ctx, write_file("ok.xml", valid_rules), &r),
			      ATTEST_OK);
	CU_ASSERT_EQUAL(alert_rules_count(r), 5);
	CU_ASSERT_EQUAL(alert_rules_channel_count(r), 4);
	CU_ASSERT_EQUAL(alert_rules_delivery(r)->rate_per_minute, 3);
	CU_ASSERT_EQUAL(alert_rules_delivery(r)->retry_cap_s, 25);
	CU_ASSERT_EQUAL(alert_rules_delivery(r)->max_alerts, 100); /* the default */
	alert_rules_free(r);
}

/* A rules file with one channel and one rule, differing from a valid one
 * by the given parts. */
static const char *
one_rule(const char *name, const char *channel, const char *rule)
{
	static char text[4096];

	snprintf(text, sizeof(text),
		 RULES_HEAD "  <channels>\n    %s\n  </channels>\n  <rules>\n    %s\n  </rules>\n"
			    "</alert-rules>\n",
		 channel, rule);
	return write_file(name, text);
}

#define HOOK "<webhook name=\"ops\"><url>https://h.example.com/x</url></webhook>"
#define RULE "<newly-failing name=\"r\" channels=\"ops\"/>"

static void
test_rules_invalid(void)
{
	static const struct {
		const char *channel, *rule, *needles[3];
		attest_rc rc;
	} cases[] = {
		/* a rule naming a channel that does not exist */
		{HOOK,
		 "<newly-failing name=\"r\" channels=\"ops nope\"/>",
		 {"at line 7", "<newly-failing name='r'>", "no channel is called 'nope'"},
		 ATTEST_ERR_INVALID},
		/* a password in the SMTP URL */
		{"<email name=\"m\"><smtp-url>smtp://u:hunter2@mail.example.com:25</smtp-url>"
		 "<from>a@b.c</from><to>d@e.f</to></email>",
		 "<newly-failing name=\"r\" channels=\"m\"/>",
		 {"at line 4", "<email name='m'>", "a user or password in the URL"},
		 ATTEST_ERR_INVALID},
		/* plain http to another machine */
		{"<webhook name=\"ops\"><url>http://hooks.example.com/x</url></webhook>",
		 RULE,
		 {"at line 4", "<webhook name='ops'>", "plain http"},
		 ATTEST_ERR_INVALID},
		/* a schema violation: a password element does not exist */
		{"<email name=\"m\"><smtp-url>smtp://mail.example.com:25</smtp-url><from>a@b.c</from>"
		 "<to>d@e.f</to><password>hunter2</password></email>",
		 "<newly-failing name=\"r\" channels=\"m\"/>",
		 {"at line 4", "password", "not expected"},
		 ATTEST_ERR_INVALID},
		/* a severity that does not exist */
		{HOOK,
		 "<newly-failing name=\"r\" severity=\"severe\" channels=\"ops\"/>",
		 {"at line 7", "severity", "severe"},
		 ATTEST_ERR_INVALID},
		/* two channels of one name */
		{HOOK HOOK, RULE, {"at line 4", "ops", "uniqueChannelName"}, ATTEST_ERR_INVALID},
		/* user without password */
		{"<email name=\"m\"><smtp-url>smtps://mail.example.com</smtp-url><from>a@b.c</from>"
		 "<to>d@e.f</to><user-env>U</user-env></email>",
		 "<newly-failing name=\"r\" channels=\"m\"/>",
		 {"at line 4", "<email name='m'>", "go together"},
		 ATTEST_ERR_INVALID},
		/* not well-formed */
		{HOOK,
		 "<newly-failing name=\"r\" channels=\"ops\">",
		 {"cannot parse", "at line", "bad.xml"},
		 ATTEST_ERR_PARSE},
	};
	struct alert_rules *r;
	const char *path;
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = NULL;
		path = one_rule("bad.xml", cases[i].channel, cases[i].rule);
		CU_ASSERT_EQUAL(alert_rules_load(ctx, path, &r), cases[i].rc);
		CU_ASSERT_PTR_NULL(r);
		CU_ASSERT(tu_errmsg_has(ctx, path));
		for (k = 0; k < 3; k++)
			if (!tu_errmsg_has(ctx, cases[i].needles[k])) {
				fprintf(stderr, "  (case %zu)\n", i);
				CU_FAIL("error message lacks what it must name");
			}
	}
	/* a DOCTYPE (the door to entities) is refused, whatever it declares */
	path = write_file("dtd.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x \"y\">]>\n"
				     "<alert-rules xmlns=\"urn:attest:alert-rules:1\"/>\n");
	CU_ASSERT_EQUAL(alert_rules_load(ctx, path, &r), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "DOCTYPE is not allowed"));
	CU_ASSERT_EQUAL(alert_rules_load(ctx, path_of("missing.xml"), &r), ATTEST_ERR_IO);
	/* a framework or check that is not installed: a typo, named */
	path = one_rule("typo.xml", HOOK,
			"<newly-failing name=\"r\" channels=\"ops\">"
			"<framework>cis-aws-3.0</framework>\n"
			"<check>ec2-sg-no-ipv4-world-ingress-admin-port</check></newly-failing>");
	CU_ASSERT_EQUAL_FATAL(alert_rules_load(ctx, path, &r), ATTEST_OK);
	CU_ASSERT_EQUAL(alert_rules_check(r, lib), ATTEST_ERR_INVALID);
	CU_ASSERT(tu_errmsg_has(ctx, "typo.xml' at line 7: <newly-failing name='r'>: no check "
				     "'ec2-sg-no-ipv4-world-ingress-admin-port' is installed"));
	alert_rules_free(r);
}

/* The example of doc/alerts.md is a valid rules file naming installed
 * frameworks. */
static void
test_rules_doc_example(void)
{
	char doc[4200], *text, *start, *end;
	struct alert_rules *r = NULL;

	snprintf(doc, sizeof(doc), "%s/doc/alerts.md", ATTEST_SRCDIR);
	text = tu_slurp(doc, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	start = strstr(text, "```xml\n<alert-rules");
	end = start ? strstr(start + 7, "```") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	*end = '\0';
	CU_ASSERT_EQUAL(alert_rules_load(ctx, write_file("doc.xml", start + 7), &r), ATTEST_OK);
	if (r) {
		CU_ASSERT_EQUAL(alert_rules_check(r, lib), ATTEST_OK);
		CU_ASSERT_EQUAL(alert_rules_count(r), 6);
		CU_ASSERT_EQUAL(alert_rules_channel_count(r), 4);
	}
	alert_rules_free(r);
	free(text);
}

static void
test_rules_flags(void)
{
	const char *hooks[] = {"https://hooks.example.com/a", "http://127.0.0.1:9/b"};
	const char *bad_hook[] = {"http://hooks.example.com/a"};
	const char *lookalike[] = {"http://127.0.0.1.example.com/a"};
	const char *creds[] = {"https://user:pw@hooks.example.com/a"};
	const char *mail[] = {"sec@example.com"};
	struct alert_flags f = {.severity = "critical",
				.webhooks = hooks,
				.n_webhooks = 2,
				.has_score_drop = true,
				.score_drop = 3};
	struct alert_rules *r = NULL;

	CU_ASSERT_EQUAL_FATAL(alert_rules_new(ctx, &r), ATTEST_OK);
	CU_ASSERT_EQUAL(alert_rules_add_flags(r, &f), ATTEST_OK);
	CU_ASSERT_EQUAL(alert_rules_channel_count(r), 2);
	CU_ASSERT_EQUAL(alert_rules_count(r), 5); /* failing, exposed, lapsed, collection, drop */
	f.severity = "severe";
	CU_ASSERT_EQUAL(alert_rules_add_flags(r, &f), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "--alert-severity"));
	f = (struct alert_flags){.webhooks = bad_hook, .n_webhooks = 1};
	CU_ASSERT_EQUAL(alert_rules_add_flags(r, &f), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "plain http"));
	f.webhooks = lookalike;
	CU_ASSERT_EQUAL(alert_rules_add_flags(r, &f), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "plain http"));
	f.webhooks = creds;
	CU_ASSERT_EQUAL(alert_rules_add_flags(r, &f), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "a user or password"));
	unsetenv("ATTEST_SMTP_URL");
	f = (struct alert_flags){.emails = mail, .n_emails = 1};
	CU_ASSERT_EQUAL(alert_rules_add_flags(r, &f), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "ATTEST_SMTP_URL"));
	setenv("ATTEST_SMTP_URL", "smtp://mail.example.com:587", 1);
	setenv("ATTEST_SMTP_FROM", "attest@example.com\r\nBcc: x@example.com", 1);
	CU_ASSERT_EQUAL(alert_rules_add_flags(r, &f), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "ATTEST_SMTP_FROM"));
	setenv("ATTEST_SMTP_FROM", "attest@example.com", 1);
	CU_ASSERT_EQUAL(alert_rules_add_flags(r, &f), ATTEST_OK);
	CU_ASSERT_EQUAL(alert_rules_channel_count(r), 3);
	alert_rules_free(r);
}

/* ---- evaluation ---- */

static const struct attest_watch_event event = {
	.key = "ev-1",
	.source = "aws.ec2",
	.name = "AuthorizeSecurityGroupIngress",
	.actor = "arn:aws:iam::111122223333:user/alice",
	.account = "111122223333",
	.region = "eu-west-1",
	.event_time = 1767225600, /* 2026-01-01T00:00:00Z */
};

#define SECRET_KEY "AKIAIOSFODNN7EXAMPLE"

static const struct attest_delta deltas[] = {
	/* 0: newly failing, high, internet exposure */
	{"ec2-sg-no-ipv4-world-ingress-admin-ports", "high", "AWS::EC2::SecurityGroup", "sg-1",
	 "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1", "eu-west-1", "111122223333",
	 "pass", "fail", "port 22 open to 0.0.0.0/0 (key " SECRET_KEY ")",
	 "{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}"},
	/* 1: stays failing: no alert */
	{"ec2-sg-no-ipv4-world-ingress-admin-ports", "high", "AWS::EC2::SecurityGroup", "sg-2",
	 NULL, "eu-west-1", "111122223333", "fail", "fail", "still open", NULL},
	/* 2: fixed: no alert */
	{"ec2-sg-no-ipv4-world-ingress-admin-ports", "high", "AWS::EC2::SecurityGroup", "sg-3",
	 NULL, "eu-west-1", "111122223333", "fail", "pass", "closed", NULL},
	/* 3: newly failing but low: below the rule's severity */
	{"s3-bucket-versioning-enabled", "low", "AWS::S3::Bucket", "b-1", NULL, "eu-west-1",
	 "111122223333", "pass", "fail", "versioning off", NULL},
	/* 4: a new resource failing at once, critical, not mapped by cis-aws-3.0 */
	{"s3-bucket-versioning-enabled", "critical", "AWS::S3::Bucket", "b-2", NULL, "eu-west-1",
	 "111122223333", NULL, "fail", "versioning off", NULL},
};

static json_t *
evaluate(struct alert_rules *r, const struct alert_input *in)
{
	json_t *out = NULL;

	if (alert_evaluate(r, in, &out) != ATTEST_OK)
		fprintf(stderr, "\n  evaluate: %s\n", attest_ctx_errmsg(ctx));
	return out;
}

/* The payload of channel in evaluate's output, borrowed (NULL if none). */
static json_t *
payload_of(json_t *out, const char *channel)
{
	size_t i;
	json_t *it;

	json_array_foreach(out, i, it) if (strcmp(json_string_value(json_object_get(it, "channel")),
						  channel) == 0) return json_object_get(it,
											"payload");
	return NULL;
}

static const char *
str_at(json_t *o, const char *path)
{
	char key[128], *dot;

	snprintf(key, sizeof(key), "%s", path);
	while ((dot = strchr(key, '.')) != NULL) {
		*dot = '\0';
		o = json_object_get(o, key);
		memmove(key, dot + 1, strlen(dot + 1) + 1);
	}
	return json_string_value(json_object_get(o, key));
}

static void
test_evaluate_transitions(void)
{
	struct alert_rules *r = NULL;
	struct alert_input in = {.event = &event, .deltas = deltas, .n_deltas = 5, .lib = lib};
	json_t *out, *ops, *pager, *a;
	char *text;

	CU_ASSERT_EQUAL_FATAL(alert_rules_load(ctx, write_file("ok.xml", valid_rules), &r),
			      ATTEST_OK);
	logbuf[0] = '\0';
	out = evaluate(r, &in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	/* ops: "high" (sg-1, b-2) and "exposed" (sg-1 again: one alert per
	 * transition, named by the first rule); sec: "high" alone; pager:
	 * "exposed"; slack: no score change */
	ops = payload_of(out, "ops");
	pager = payload_of(out, "pager");
	CU_ASSERT_EQUAL(json_array_size(out), 3);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(ops, "alerts")), 2);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(payload_of(out, "sec"), "alerts")), 2);
	CU_ASSERT_EQUAL(json_array_size(json_object_get(pager, "alerts")), 1);
	CU_ASSERT_PTR_NULL(payload_of(out, "slack"));
	a = json_array_get(json_object_get(ops, "alerts"), 0);
	CU_ASSERT_STRING_EQUAL(str_at(a, "rule"), "high");
	CU_ASSERT_STRING_EQUAL(str_at(a, "check"), "ec2-sg-no-ipv4-world-ingress-admin-ports");
	CU_ASSERT_STRING_EQUAL(str_at(a, "severity"), "high");
	CU_ASSERT_STRING_EQUAL(str_at(a, "status"), "fail");
	CU_ASSERT_STRING_EQUAL(str_at(a, "resource.id"), "sg-1");
	CU_ASSERT_STRING_EQUAL(str_at(a, "resource.arn"),
			       "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1");
	CU_ASSERT_STRING_EQUAL(str_at(a, "resource.account"), "111122223333");
	CU_ASSERT_STRING_EQUAL(str_at(a, "resource.region"), "eu-west-1");
	CU_ASSERT_STRING_EQUAL(str_at(a, "cause.event_key"), "ev-1");
	CU_ASSERT_STRING_EQUAL(str_at(a, "cause.source"), "aws.ec2");
	CU_ASSERT_STRING_EQUAL(str_at(a, "cause.name"), "AuthorizeSecurityGroupIngress");
	CU_ASSERT_STRING_EQUAL(str_at(a, "cause.actor"), "arn:aws:iam::111122223333:user/alice");
	CU_ASSERT_STRING_EQUAL(str_at(a, "cause.time"), "2026-01-01T00:00:00Z");
	CU_ASSERT_PTR_NOT_NULL(strstr(str_at(a, "reason"), "port 22 open"));
	CU_ASSERT_STRING_EQUAL(str_at(json_array_get(json_object_get(pager, "alerts"), 0), "rule"),
			       "exposed");
	CU_ASSERT_STRING_EQUAL(
		str_at(json_array_get(json_object_get(ops, "alerts"), 1), "resource.id"), "b-2");
	CU_ASSERT_PTR_NOT_NULL(strstr(str_at(ops, "text"), "ec2-sg-no-ipv4-world-ingress-admin"));
	CU_ASSERT_PTR_NOT_NULL(strstr(str_at(ops, "text"), "2 alerts"));
	/* no secret, no evidence */
	text = json_dumps(out, 0);
	CU_ASSERT_PTR_NULL(strstr(text, SECRET_KEY));
	CU_ASSERT_PTR_NULL(strstr(text, "wJalrXUtnFEMI"));
	CU_ASSERT_PTR_NULL(strstr(text, "evidence"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "[REDACTED]"));
	free(text);
	/* every alert is logged, secrets redacted there too */
	CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "alert: channel 'pager', rule 'exposed'"));
	CU_ASSERT_PTR_NULL(strstr(logbuf, SECRET_KEY));
	json_decref(out);
	/* the same finding still failing at the next evaluation: nothing */
	in.deltas = &deltas[1];
	in.n_deltas = 2;
	out = evaluate(r, &in);
	CU_ASSERT_EQUAL(json_array_size(out), 0);
	json_decref(out);
	alert_rules_free(r);
}

static void
test_evaluate_scope(void)
{
	struct alert_rules *r = NULL;
	struct alert_input in = {.event = &event, .deltas = deltas, .n_deltas = 5};
	json_t *out;

	r = NULL;
	CU_ASSERT_EQUAL_FATAL(
		alert_rules_load(ctx,
				 one_rule("scope.xml", HOOK,
					  "<newly-failing name=\"cis\" severity=\"low\" "
					  "channels=\"ops\"><framework>cis-aws-3.0</framework>"
					  "</newly-failing>"),
				 &r),
		ATTEST_OK);
	/* framework membership needs the library */
	CU_ASSERT_EQUAL(alert_evaluate(r, &in, &out), ATTEST_ERR_USAGE);
	CU_ASSERT(tu_errmsg_has(ctx, "'cis' needs the installed checks"));
	in.lib = lib;
	out = evaluate(r, &in);
	/* only sg-1: the S3 check is not mapped by cis-aws-3.0 */
	CU_ASSERT_EQUAL(json_array_size(json_object_get(payload_of(out, "ops"), "alerts")), 1);
	json_decref(out);
	alert_rules_free(r);
}

static void
test_evaluate_other_kinds(void)
{
	struct alert_rules *r = NULL;
	const struct alert_score scores[] = {
		{"cis-aws-3.0", true, 80, 70, true, 90.0, 83.5}, /* posture -6.5 */
		{"cis-aws-3.0", true, 80, 60, true, 90.0, 86.0}, /* posture -4: not more than 5 */
		{"soc2", true, 80, 10, true, 90.0, 10.0},        /* not the rule's framework */
	};
	const struct alert_exception exc[] = {
		{"EX-1", "s3-bucket-versioning-enabled", "2026-01-01", 1500},
		{"EX-2", "s3-bucket-versioning-enabled", "2026-02-01", 2500},
		{"EX-3", "s3-bucket-versioning-enabled", "2025-01-01", 900},
	};
	const char *errors[] = {"ec2 DescribeSecurityGroups: AccessDenied for password=hunter2x"};
	struct alert_input in = {.scores = scores,
				 .n_scores = 3,
				 .exceptions = exc,
				 .n_exceptions = 3,
				 .previous = 1000,
				 .now = 2000,
				 .collection_errors = errors,
				 .n_collection_errors = 1,
				 .lib = lib};
	json_t *out, *p;
	char *text;

	CU_ASSERT_EQUAL_FATAL(alert_rules_load(ctx, write_file("ok.xml", valid_rules), &r),
			      ATTEST_OK);
	out = evaluate(r, &in);
	p = json_object_get(payload_of(out, "slack"), "alerts");
	CU_ASSERT_EQUAL(json_array_size(p), 1);
	CU_ASSERT_STRING_EQUAL(str_at(json_array_get(p, 0), "framework"), "cis-aws-3.0");
	CU_ASSERT_DOUBLE_EQUAL(json_real_value(json_object_get(
				       json_object_get(json_array_get(p, 0), "posture"), "after")),
			       83.5, 1e-9);
	CU_ASSERT(json_is_null(json_object_get(json_array_get(p, 0), "cause")));
	p = json_object_get(payload_of(out, "sec"), "alerts");
	CU_ASSERT_EQUAL(json_array_size(p), 1);
	CU_ASSERT_STRING_EQUAL(str_at(json_array_get(p, 0), "exception.id"), "EX-1");
	CU_ASSERT_STRING_EQUAL(str_at(json_array_get(p, 0), "status"), "lapsed");
	p = json_object_get(payload_of(out, "ops"), "alerts");
	CU_ASSERT_EQUAL(json_array_size(p), 1);
	CU_ASSERT_STRING_EQUAL(str_at(json_array_get(p, 0), "kind"), "collection-failed");
	text = json_dumps(out, 0);
	CU_ASSERT_PTR_NULL(strstr(text, "hunter2x"));
	free(text);
	json_decref(out);
	/* the first evaluation reports no lapse: it has no "since" */
	in.previous = 0;
	in.n_scores = in.n_collection_errors = 0;
	out = evaluate(r, &in);
	CU_ASSERT_EQUAL(json_array_size(out), 0);
	json_decref(out);
	alert_rules_free(r);
}

/* ---- outbox and delivery ---- */

static attest_store *
store_new(const char *name)
{
	attest_store *s = NULL;

	unlink(path_of(name));
	if (attest_store_open(ctx, path_of(name), &s) != ATTEST_OK)
		fprintf(stderr, "\n  open: %s\n", attest_ctx_errmsg(ctx));
	return s;
}

static struct alert_rules *
webhook_rules(int port, const char *delivery, bool token)
{
	char text[2048];
	struct alert_rules *r = NULL;

	snprintf(
		text, sizeof(text),
		RULES_HEAD "  <delivery %s/>\n  <channels>\n"
			   "    <webhook name=\"hook\"><url>http://127.0.0.1:%d/services/T0/B0/"
			   "s3cr3tpath</url>%s</webhook>\n"
			   "  </channels>\n  <rules>\n"
			   "    <newly-failing name=\"all\" severity=\"informational\" "
			   "channels=\"hook\"/>\n  </rules>\n</alert-rules>\n",
		delivery, port,
		token ? "<header name=\"Authorization\" env=\"TEST_HOOK_TOKEN\" prefix=\"Bearer \"/>"
		      : "");
	if (alert_rules_load(ctx, write_file("hook.xml", text), &r) != ATTEST_OK)
		fprintf(stderr, "\n  rules: %s\n", attest_ctx_errmsg(ctx));
	return r;
}

/* Enqueues the alerts of delta i for every channel of r at t. */
static void
enqueue(struct alert_rules *r, attest_store *s, size_t i, time_t t)
{
	struct alert_input in = {.event = &event, .deltas = &deltas[i], .n_deltas = 1, .lib = lib};
	json_t *out = evaluate(r, &in);

	CU_ASSERT_EQUAL(json_array_size(out), 1);
	CU_ASSERT_EQUAL(alert_enqueue(s, out, t), ATTEST_OK);
	json_decref(out);
}

static long long
q_int(attest_store *s, const char *sql)
{
	return tu_q_int(store_db(s), sql);
}

static void
test_deliver_group_and_rate(void)
{
	const char *args[] = {"webhook", "--fail", "0", "--schema", schema_path(), NULL};
	struct receiver rc = {0};
	struct alert_rules *r;
	struct alert_stats st;
	attest_store *s = store_new("group.db");
	json_t *req;
	time_t t = 1767225600;
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(receiver_start(&rc, "group", args), 0);
	r = webhook_rules(rc.port, "group-window=\"10\" rate-per-minute=\"2\"", false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* grouping: rows at t, t+2 and t+9 travel together, t+15 alone */
	enqueue(r, s, 0, t);
	enqueue(r, s, 3, t + 2);
	enqueue(r, s, 4, t + 9);
	enqueue(r, s, 0, t + 15);
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 20, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 2);
	CU_ASSERT_EQUAL(st.alerts_sent, 4);
	CU_ASSERT_EQUAL(st.pending, 0);
	CU_ASSERT_EQUAL(received(&rc, "req-"), 2);
	req = received_json(&rc, "req-1.json");
	if (req) {
		json_t *body = json_loads(str_at(req, "body"), 0, NULL);

		CU_ASSERT_EQUAL(json_array_size(json_object_get(body, "alerts")), 3);
		CU_ASSERT_PTR_NOT_NULL(strstr(str_at(body, "text"), "3 alerts"));
		CU_ASSERT_STRING_EQUAL(str_at(req, "headers.Content-Type"), "application/json");
		CU_ASSERT(schema_ok(req));
		json_decref(body);
	}
	json_decref(req);
	CU_ASSERT_EQUAL(q_int(s, "SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL"),
			0);
	/* the rate limit: 2 messages a minute; 5 rows 20 s apart, each its own
	 * message: 2 now, the rest wait (never dropped) */
	for (i = 0; i < 5; i++)
		enqueue(r, s, 0, t + 100 + 20 * i);
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 200, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 2);
	CU_ASSERT_EQUAL(st.alerts_deferred, 3);
	CU_ASSERT_EQUAL(st.pending, 3);
	CU_ASSERT(strstr(logbuf, "reached its rate limit") != NULL);
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 230, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 0);
	CU_ASSERT_EQUAL(st.pending, 3);
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 260, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 2);
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 320, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 1);
	CU_ASSERT_EQUAL(st.pending, 0);
	CU_ASSERT_EQUAL(received(&rc, "req-"), 7);
	/* nothing was retried: no attempt failed */
	CU_ASSERT_EQUAL(q_int(s, "SELECT sum(attempts) FROM alert_outbox"), 0);
	receiver_stop(&rc);
	alert_rules_free(r);
	attest_store_close(s);
}

static void
test_deliver_retry_backoff(void)
{
	const char *args[] = {"webhook", "--fail",   "3",           "--status",
			      "503",     "--schema", schema_path(), NULL};
	struct receiver rc = {0};
	struct alert_rules *r;
	struct alert_stats st;
	attest_store *s = store_new("retry.db");
	json_t *req;
	time_t t = 1767225600;
	char *all;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(receiver_start(&rc, "retry", args), 0);
	setenv("TEST_HOOK_TOKEN", "tok-very-s3cret", 1);
	r = webhook_rules(rc.port, "retry-base=\"10\" retry-cap=\"25\"", true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	enqueue(r, s, 0, t);
	/* attempt 1 fails: next in 10 s */
	CU_ASSERT_EQUAL(alert_deliver(r, s, t, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_failed, 1);
	CU_ASSERT_EQUAL(st.pending, 1);
	CU_ASSERT_EQUAL(q_int(s, "SELECT attempts FROM alert_outbox"), 1);
	CU_ASSERT_STRING_EQUAL(tu_q_text(store_db(s), "SELECT next_attempt_at FROM alert_outbox"),
			       "2026-01-01T00:00:10Z");
	CU_ASSERT_STRING_EQUAL(tu_q_text(store_db(s), "SELECT last_error FROM alert_outbox"),
			       "the webhook answered HTTP 503");
	/* not due yet: nothing is sent */
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 9, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_failed + st.messages_sent, 0);
	CU_ASSERT_EQUAL(received(&rc, "req-"), 1);
	/* attempt 2 fails: the wait doubles to 20 s */
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 10, &st), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(tu_q_text(store_db(s), "SELECT next_attempt_at FROM alert_outbox"),
			       "2026-01-01T00:00:30Z");
	/* attempt 3 fails: 40 s capped at 25 */
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 30, &st), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(tu_q_text(store_db(s), "SELECT next_attempt_at FROM alert_outbox"),
			       "2026-01-01T00:00:55Z");
	CU_ASSERT_EQUAL(q_int(s, "SELECT attempts FROM alert_outbox"), 3);
	/* attempt 4: the receiver is back */
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 55, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 1);
	CU_ASSERT_EQUAL(st.pending, 0);
	CU_ASSERT_STRING_EQUAL(tu_q_text(store_db(s), "SELECT delivered_at FROM alert_outbox"),
			       "2026-01-01T00:00:55Z");
	CU_ASSERT_EQUAL(received(&rc, "req-"), 4);
	req = received_json(&rc, "req-4.json");
	CU_ASSERT_PTR_NOT_NULL(req);
	if (req) {
		CU_ASSERT_STRING_EQUAL(str_at(req, "headers.Authorization"),
				       "Bearer tok-very-s3cret");
		CU_ASSERT_STRING_EQUAL(str_at(req, "path"), "/services/T0/B0/s3cr3tpath");
		CU_ASSERT_PTR_NULL(strstr(str_at(req, "body"), "tok-very-s3cret"));
		CU_ASSERT_PTR_NULL(strstr(str_at(req, "body"), SECRET_KEY));
		CU_ASSERT_PTR_NOT_NULL(strstr(str_at(req, "body"), "\"resource\""));
		CU_ASSERT(schema_ok(req));
	}
	json_decref(req);
	/* neither the token nor the URL in the outbox or the log */
	all = core_strdup(tu_q_text(store_db(s), "SELECT group_concat(payload || coalesce("
						 "last_error, ''), ' ') FROM alert_outbox"));
	CU_ASSERT_PTR_NULL(strstr(all, "tok-very-s3cret"));
	CU_ASSERT_PTR_NULL(strstr(all, "s3cr3tpath"));
	CU_ASSERT_PTR_NULL(strstr(logbuf, "tok-very-s3cret"));
	CU_ASSERT_PTR_NULL(strstr(logbuf, "s3cr3tpath"));
	free(all);
	receiver_stop(&rc);
	/* the receiver gone: a connection error, kept for later, URL scrubbed */
	enqueue(r, s, 0, t + 60);
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 60, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.pending, 1);
	CU_ASSERT_PTR_NULL(strstr(tu_q_text(store_db(s), "SELECT last_error FROM alert_outbox"
							 " WHERE delivered_at IS NULL"),
				  "s3cr3tpath"));
	/* a token variable unset: failed, kept, and the message names it */
	unsetenv("TEST_HOOK_TOKEN");
	CU_ASSERT_EQUAL(alert_deliver(r, s, t + 600, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.pending, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tu_q_text(store_db(s), "SELECT last_error FROM alert_outbox"
							     " WHERE delivered_at IS NULL"),
				      "'TEST_HOOK_TOKEN'"));
	alert_rules_free(r);
	attest_store_close(s);
}

static void
test_deliver_unknown_channel(void)
{
	struct alert_rules *r = webhook_rules(9, "retry-base=\"10\"", false);
	struct alert_stats st;
	attest_store *s = store_new("unknown.db");

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_outbox_add(s, 100, "gone", "{\"alerts\": []}", NULL), ATTEST_OK);
	CU_ASSERT_EQUAL(store_outbox_add(s, 100, "hook", "not json", NULL), ATTEST_OK);
	CU_ASSERT_EQUAL(alert_deliver(r, s, 100, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.pending, 2);
	CU_ASSERT_EQUAL(q_int(s, "SELECT count(*) FROM alert_outbox WHERE attempts = 1"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(tu_q_text(store_db(s), "SELECT last_error FROM alert_outbox"
							     " WHERE channel = 'gone'"),
				      "no channel is called 'gone'"));
	alert_rules_free(r);
	attest_store_close(s);
}

/* A channel's backlog beyond what one call reads does not hold another
 * channel's alerts back; a long reason is cut; a URL from the environment
 * is checked like one in the file. */
static void
test_deliver_backlog(void)
{
	const char *args[] = {"webhook", "--fail", "0", NULL};
	const char one[] = "{\"alerts\": [{\"rule\": \"r\", \"kind\": \"collection-failed\","
			   " \"check\": null, \"severity\": null, \"status\": \"error\","
			   " \"resource\": null, \"reason\": \"x\", \"cause\": null}]}";
	char text[2048], big[5000];
	struct attest_delta d = deltas[0];
	struct alert_input in = {.deltas = &d, .n_deltas = 1, .lib = lib};
	struct receiver rc = {0};
	struct alert_rules *r = NULL;
	struct alert_stats st;
	attest_store *s = store_new("backlog.db");
	json_t *out, *req;
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(receiver_start(&rc, "backlog", args), 0);
	snprintf(text, sizeof(text),
		 RULES_HEAD "  <delivery rate-per-minute=\"1\" max-alerts=\"5\"/>\n  <channels>\n"
			    "    <webhook name=\"a\"><url>http://127.0.0.1:%d/a</url></webhook>\n"
			    "    <webhook name=\"b\"><url>http://127.0.0.1:%d/b</url></webhook>\n"
			    "    <webhook name=\"c\"><url-env>TEST_HOOK_URL</url-env></webhook>\n"
			    "  </channels>\n  <rules>\n"
			    "    <collection-failed name=\"r\" channels=\"a\"/>\n"
			    "    <newly-failing name=\"f\" channels=\"b\"/>\n  </rules>\n"
			    "</alert-rules>\n",
		 rc.port, rc.port);
	CU_ASSERT_EQUAL_FATAL(alert_rules_load(ctx, write_file("backlog.xml", text), &r),
			      ATTEST_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 1100; i++)
		CU_ASSERT_EQUAL(store_outbox_add(s, 1000, "a", one, NULL), ATTEST_OK);
	CU_ASSERT_EQUAL(sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	d.reason = big;
	out = evaluate(r, &in);
	CU_ASSERT(strlen(str_at(json_array_get(json_object_get(payload_of(out, "b"), "alerts"), 0),
				"reason")) <= 1024);
	CU_ASSERT_EQUAL(alert_enqueue(s, out, 1001), ATTEST_OK);
	json_decref(out);
	/* 12 alerts for one channel: payloads of max-alerts (5) */
	{
		struct attest_delta many[12];
		char ids[12][16];

		for (i = 0; i < 12; i++) {
			many[i] = deltas[0];
			snprintf(ids[i], sizeof(ids[i]), "sg-m%d", i);
			many[i].resource_id = ids[i];
		}
		in.deltas = many;
		in.n_deltas = 12;
		out = evaluate(r, &in);
		CU_ASSERT_EQUAL(json_array_size(out), 3);
		CU_ASSERT_EQUAL(
			json_array_size(json_object_get(
				json_object_get(json_array_get(out, 2), "payload"), "alerts")),
			2);
		CU_ASSERT_STRING_EQUAL(
			str_at(json_array_get(
				       json_object_get(
					       json_object_get(json_array_get(out, 1), "payload"),
					       "alerts"),
				       0),
			       "resource.id"),
			"sg-m5");
		json_decref(out);
	}
	CU_ASSERT_EQUAL(alert_deliver(r, s, 1010, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 2); /* one of a's (its rate), b's */
	CU_ASSERT_EQUAL(st.alerts_sent, 6);
	CU_ASSERT_EQUAL(st.pending, 1095);
	req = received_json(&rc, "req-2.json");
	CU_ASSERT_STRING_EQUAL(str_at(req, "path"), "/b");
	json_decref(req);
	/* a URL from the environment: plain http elsewhere is refused */
	setenv("TEST_HOOK_URL", "http://hooks.example.com/x", 1);
	CU_ASSERT_EQUAL(store_outbox_add(s, 1000, "c", one, NULL), ATTEST_OK);
	CU_ASSERT_EQUAL(alert_deliver(r, s, 1100, &st), ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(tu_q_text(store_db(s), "SELECT last_error FROM alert_outbox"
							     " WHERE channel = 'c'"),
				      "the URL in 'TEST_HOOK_URL' is refused: plain http"));
	receiver_stop(&rc);
	alert_rules_free(r);
	attest_store_close(s);
}

/* Every kind of alert over HTTPS (certificate verified through the CA
 * file), each payload valid against doc/alert-payload.schema.json. */
static void
test_deliver_https_all_kinds(void)
{
	char cert[4200], key[4200], text[4096];
	const char *args[] = {"webhook", "--tls",    cert,          key, "--fail",
			      "0",       "--schema", schema_path(), NULL};
	const struct alert_score score = {"cis-aws-3.0", true, 80, 60, true, 90, 70};
	const struct alert_exception exc = {"EX-1", "s3-bucket-versioning-enabled", "2026-01-01",
					    1500};
	const char *errors[] = {"iam ListUsers: AccessDenied"};
	struct alert_input in = {.event = &event,
				 .deltas = deltas,
				 .n_deltas = 5,
				 .scores = &score,
				 .n_scores = 1,
				 .exceptions = &exc,
				 .n_exceptions = 1,
				 .previous = 1000,
				 .now = 2000,
				 .collection_errors = errors,
				 .n_collection_errors = 1,
				 .lib = lib};
	struct receiver rc = {0};
	struct alert_rules *r = NULL;
	struct alert_stats st;
	attest_store *s = store_new("https.db");
	json_t *out, *req, *body;
	int kinds = 0;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(make_cert(), 0);
	snprintf(cert, sizeof(cert), "%s", path_of("cert.pem"));
	snprintf(key, sizeof(key), "%s", path_of("key.pem"));
	CU_ASSERT_EQUAL_FATAL(receiver_start(&rc, "https", args), 0);
	snprintf(text, sizeof(text),
		 RULES_HEAD "  <channels>\n"
			    "    <webhook name=\"hook\"><url>https://127.0.0.1:%d/h</url>"
			    "<ca-file>%s</ca-file></webhook>\n  </channels>\n  <rules>\n"
			    "    <newly-failing name=\"f\" severity=\"low\" channels=\"hook\"/>\n"
			    "    <internet-exposed name=\"x\" channels=\"hook\"/>\n"
			    "    <score-drop name=\"d\" points=\"1\" channels=\"hook\"/>\n"
			    "    <exception-lapsed name=\"l\" channels=\"hook\"/>\n"
			    "    <collection-failed name=\"c\" channels=\"hook\"/>\n"
			    "  </rules>\n</alert-rules>\n",
		 rc.port, cert);
	CU_ASSERT_EQUAL_FATAL(alert_rules_load(ctx, write_file("https.xml", text), &r), ATTEST_OK);
	out = evaluate(r, &in);
	CU_ASSERT_EQUAL(alert_enqueue(s, out, 2000), ATTEST_OK);
	json_decref(out);
	CU_ASSERT_EQUAL(alert_deliver(r, s, 2000, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 1);
	CU_ASSERT_EQUAL(st.pending, 0);
	req = received_json(&rc, "req-1.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	CU_ASSERT(schema_ok(req));
	body = json_loads(str_at(req, "body"), 0, NULL);
	/* 3 newly failing (sg-1, b-1, b-2), a drop, a lapse, a collection error */
	CU_ASSERT_EQUAL(json_array_size(json_object_get(body, "alerts")), 6);
	for (i = 0; i < json_array_size(json_object_get(body, "alerts")); i++) {
		const char *kind =
			str_at(json_array_get(json_object_get(body, "alerts"), i), "kind");

		kinds |= strcmp(kind, "score-drop") == 0          ? 1
			 : strcmp(kind, "exception-lapsed") == 0  ? 2
			 : strcmp(kind, "collection-failed") == 0 ? 4
								  : 0;
	}
	CU_ASSERT_EQUAL(kinds, 7);
	json_decref(body);
	json_decref(req);
	receiver_stop(&rc);
	alert_rules_free(r);
	attest_store_close(s);
}

/* SNS Publish through collect's signed client, to a loopback endpoint
 * (AWS_ENDPOINT_URL_SNS) that fails once: retried by the outbox, then
 * published, signed for the topic's region and service. */
static void
test_deliver_sns(void)
{
	const char *args[] = {"webhook", "--sns",    "--fail",      "1", "--status",
			      "500",     "--schema", schema_path(), NULL};
	struct receiver rc = {0};
	struct alert_rules *r = NULL;
	struct alert_stats st;
	attest_store *s = store_new("sns.db");
	char url[64];
	json_t *req;
	const char *auth;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(receiver_start(&rc, "sns", args), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", rc.port);
	setenv("AWS_ENDPOINT_URL_SNS", url, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDALERTTEST0000001", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "alertTestSecretKey/0123456789abcdefghijk", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_CONFIG_FILE", path_of("no-aws-config"), 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path_of("no-aws-credentials"), 1);
	CU_ASSERT_EQUAL_FATAL(
		alert_rules_load(ctx,
				 one_rule("sns.xml",
					  "<sns name=\"topic\"><topic-arn>arn:aws:sns:eu-west-1:"
					  "111122223333:alerts</topic-arn></sns>",
					  "<newly-failing name=\"r\" channels=\"topic\"/>"),
				 &r),
		ATTEST_OK);
	enqueue(r, s, 0, 1000);
	CU_ASSERT_EQUAL(alert_deliver(r, s, 1000, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_failed, 1);
	CU_ASSERT_EQUAL(st.pending, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tu_q_text(store_db(s), "SELECT last_error FROM alert_outbox"),
				      "InternalError"));
	CU_ASSERT_EQUAL(alert_deliver(r, s, 1030, &st), ATTEST_OK);
	CU_ASSERT_EQUAL(st.messages_sent, 1);
	CU_ASSERT_EQUAL(st.pending, 0);
	CU_ASSERT_EQUAL(received(&rc, "req-"), 2);
	req = received_json(&rc, "req-2.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	CU_ASSERT_STRING_EQUAL(str_at(req, "form.Action"), "Publish");
	CU_ASSERT_STRING_EQUAL(str_at(req, "form.TopicArn"),
			       "arn:aws:sns:eu-west-1:111122223333:alerts");
	CU_ASSERT_STRING_EQUAL(str_at(req, "form.Subject"), "attest: 1 alert");
	CU_ASSERT(schema_ok(req));
	auth = str_at(req, "headers.Authorization");
	CU_ASSERT_PTR_NOT_NULL_FATAL(auth);
	CU_ASSERT_PTR_NOT_NULL(strstr(auth, "AWS4-HMAC-SHA256 Credential=AKIDALERTTEST0000001/"));
	CU_ASSERT_PTR_NOT_NULL(strstr(auth, "/eu-west-1/sns/aws4_request"));
	CU_ASSERT_PTR_NULL(strstr(str_at(req, "body"), "alertTestSecretKey"));
	CU_ASSERT_PTR_NULL(strstr(logbuf, "alertTestSecretKey"));
	json_decref(req);
	receiver_stop(&rc);
	unsetenv("AWS_ENDPOINT_URL_SNS");
	alert_rules_free(r);
	attest_store_close(s);
}

/* ---- email ---- */

static struct alert_rules *
smtp_rules(const char *scheme, int port, bool ca)
{
	char text[4096];
	struct alert_rules *r = NULL;

	snprintf(text, sizeof(text),
		 RULES_HEAD "  <delivery timeout=\"10\" retry-base=\"10\"/>\n  <channels>\n"
			    "    <email name=\"mail\"><smtp-url>%s://127.0.0.1:%d</smtp-url>"
			    "<from>attest@example.com</from><to>sec@example.com</to>"
			    "<to>ops@example.com</to><user-env>TEST_SMTP_USER</user-env>"
			    "<password-env>TEST_SMTP_PASSWORD</password-env>%s%s%s</email>\n"
			    "  </channels>\n  <rules>\n"
			    "    <newly-failing name=\"all\" severity=\"informational\" "
			    "channels=\"mail\"/>\n  </rules>\n</alert-rules>\n",
		 scheme, port, ca ? "<ca-file>" : "", ca ? path_of("cert.pem") : "",
		 ca ? "</ca-file>" : "");
	if (alert_rules_load(ctx, write_file("mail.xml", text), &r) != ATTEST_OK)
		fprintf(stderr, "\n  rules: %s\n", attest_ctx_errmsg(ctx));
	return r;
}

/* How mail_once runs the SMTP server and the channel. */
struct mail_case {
	const char *mode;     /* starttls, nostarttls, smtps */
	const char *scheme;   /* of the channel's URL */
	bool ca;              /* the channel trusts the test certificate */
	const char *auth;     /* mechanisms the server offers */
	const char *password; /* what attest is given (the server wants pw-x9!) */
};

/* Delivers one alert by mail as mc says; the stats. */
static struct alert_stats
mail_once(struct receiver *rc, const struct mail_case *mc, const char *db)
{
	char cert[4200], key[4200];
	const char *args[] = {"smtp",   "--mode",   mc->mode,      "--cert",     cert,     "--key",
			      key,      "--user",   "alert-bot",   "--password", "pw-x9!", "--auth",
			      mc->auth, "--schema", schema_path(), NULL};
	struct alert_stats st = {0};
	struct alert_rules *r;
	attest_store *s;

	snprintf(cert, sizeof(cert), "%s", path_of("cert.pem"));
	snprintf(key, sizeof(key), "%s", path_of("key.pem"));
	if (receiver_start(rc, mc->mode, args) != 0) {
		CU_FAIL("no SMTP server");
		return st;
	}
	setenv("TEST_SMTP_USER", "alert-bot", 1);
	setenv("TEST_SMTP_PASSWORD", mc->password, 1);
	r = smtp_rules(mc->scheme, rc->port, mc->ca);
	s = store_new(db);
	if (r && s) {
		enqueue(r, s, 0, 1000);
		CU_ASSERT_EQUAL(alert_deliver(r, s, 1000, &st), ATTEST_OK);
		CU_ASSERT_PTR_NULL(strstr(tu_q_text(store_db(s), "SELECT coalesce(last_error, '')"
								 " FROM alert_outbox"),
					  mc->password));
		CU_ASSERT_PTR_NULL(strstr(logbuf, mc->password));
	}
	alert_rules_free(r);
	attest_store_close(s);
	receiver_stop(rc);
	return st;
}

/* The SMTP session log of rc, NUL-terminated (free it). */
static char *
session_of(const struct receiver *rc)
{
	char p[4400];

	snprintf(p, sizeof(p), "%s/session.log", rc->dir);
	return tu_slurp(p, NULL);
}

static void
test_smtp_starttls(void)
{
	struct receiver rc = {0};
	struct alert_stats st;
	json_t *msg, *att;
	char *session;

	CU_ASSERT_EQUAL_FATAL(make_cert(), 0);
	st = mail_once(&rc, &(struct mail_case){"starttls", "smtp", true, "PLAIN LOGIN", "pw-x9!"},
		       "mail1.db");
	CU_ASSERT_EQUAL(st.messages_sent, 1);
	CU_ASSERT_EQUAL(st.pending, 0);
	msg = received_json(&rc, "msg-1.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT(json_is_true(json_object_get(msg, "tls")));
	CU_ASSERT_STRING_EQUAL(str_at(msg, "user"), "alert-bot");
	CU_ASSERT_STRING_EQUAL(str_at(msg, "from"), "<attest@example.com>");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(msg, "rcpt")), 2);
	CU_ASSERT_STRING_EQUAL(str_at(msg, "subject"), "attest: 1 alert");
	CU_ASSERT_PTR_NOT_NULL(strstr(str_at(msg, "text"), "ec2-sg-no-ipv4-world-ingress"));
	att = json_loads(str_at(msg, "attachment") ? str_at(msg, "attachment") : "", 0, NULL);
	CU_ASSERT_STRING_EQUAL(
		str_at(json_array_get(json_object_get(att, "alerts"), 0), "resource.id"), "sg-1");
	CU_ASSERT_PTR_NULL(strstr(str_at(msg, "raw"), "pw-x9!"));
	CU_ASSERT(schema_ok(msg));
	session = session_of(&rc);
	CU_ASSERT_PTR_NOT_NULL(session ? strstr(session, "[tls] AUTH PLAIN") : NULL);
	CU_ASSERT_PTR_NULL(session ? strstr(session, "[clear] MAIL") : "no session");
	free(session);
	json_decref(att);
	json_decref(msg);
	/* implicit TLS */
	st = mail_once(&rc, &(struct mail_case){"smtps", "smtps", true, "PLAIN LOGIN", "pw-x9!"},
		       "mail2.db");
	CU_ASSERT_EQUAL(st.messages_sent, 1);
	CU_ASSERT_EQUAL(received(&rc, "msg-"), 1);
	/* a server that offers LOGIN only */
	st = mail_once(&rc, &(struct mail_case){"starttls", "smtp", true, "LOGIN", "pw-x9!"},
		       "mail5.db");
	CU_ASSERT_EQUAL(st.messages_sent, 1);
	session = session_of(&rc);
	CU_ASSERT_PTR_NOT_NULL(session ? strstr(session, "[tls] AUTH LOGIN") : NULL);
	free(session);
	/* a wrong password: refused, kept for a retry, the password nowhere */
	st = mail_once(&rc, &(struct mail_case){"starttls", "smtp", true, "PLAIN", "wrong-pw-7"},
		       "mail6.db");
	CU_ASSERT_EQUAL(st.messages_sent, 0);
	CU_ASSERT_EQUAL(st.pending, 1);
	CU_ASSERT_EQUAL(received(&rc, "msg-"), 0);
}

static void
test_smtp_refused(void)
{
	struct receiver rc = {0};
	struct alert_stats st;
	char *session;

	CU_ASSERT_EQUAL_FATAL(make_cert(), 0);
	/* the server offers no STARTTLS: nothing goes in clear */
	st = mail_once(&rc, &(struct mail_case){"nostarttls", "smtp", true, "PLAIN", "pw-x9!"},
		       "mail3.db");
	CU_ASSERT_EQUAL(st.messages_sent, 0);
	CU_ASSERT_EQUAL(st.messages_failed, 1);
	CU_ASSERT_EQUAL(st.pending, 1);
	CU_ASSERT_EQUAL(received(&rc, "msg-"), 0);
	session = session_of(&rc);
	CU_ASSERT_PTR_NOT_NULL(session);
	CU_ASSERT_PTR_NULL(session ? strstr(session, "MAIL") : NULL);
	CU_ASSERT_PTR_NULL(session ? strstr(session, "AUTH") : NULL);
	free(session);
	/* the certificate is not trusted without the CA file: no delivery */
	st = mail_once(&rc, &(struct mail_case){"starttls", "smtp", false, "PLAIN", "pw-x9!"},
		       "mail4.db");
	CU_ASSERT_EQUAL(st.messages_sent, 0);
	CU_ASSERT_EQUAL(st.pending, 1);
	CU_ASSERT_EQUAL(received(&rc, "msg-"), 0);
}

static CU_TestInfo rules_tests[] = {
	{"a valid rules file loads", test_rules_valid},
	{"invalid rules files name the file, line and element", test_rules_invalid},
	{"rules from the command-line flags", test_rules_flags},
	{"the example of doc/alerts.md", test_rules_doc_example},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo eval_tests[] = {
	{"one alert per transition; payload fields; no secret", test_evaluate_transitions},
	{"rules limited to a framework", test_evaluate_scope},
	{"score drop, exception lapse, collection failure", test_evaluate_other_kinds},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo deliver_tests[] = {
	{"grouping within the window and the rate limit", test_deliver_group_and_rate},
	{"retries with backoff until the webhook accepts", test_deliver_retry_backoff},
	{"rows of an unknown channel or payload are kept", test_deliver_unknown_channel},
	{"every kind of alert over HTTPS, valid against the schema", test_deliver_https_all_kinds},
	{"SNS Publish, signed, retried by the outbox", test_deliver_sns},
	{"a backlog holds no other channel back; long reasons cut", test_deliver_backlog},
	{"email over STARTTLS and implicit TLS", test_smtp_starttls},
	{"no STARTTLS or an untrusted certificate: nothing sent", test_smtp_refused},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"alert rules", setup, teardown, NULL, NULL, rules_tests},
	{"alert evaluation", setup, teardown, NULL, NULL, eval_tests},
	{"alert delivery", setup, teardown, NULL, NULL, deliver_tests},
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return attest_test_main(suites);
}
