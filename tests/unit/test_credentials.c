/*
 * Unit tests for the AWS credential chain, regions and endpoints
 * (src/collect/aws/credentials.c, endpoint.c, sts.c, imds.c). Shared files
 * are written to a temporary folder and named with AWS_SHARED_CREDENTIALS_FILE
 * and AWS_CONFIG_FILE; STS and the instance metadata service are played by a
 * small HTTP server on a loopback port, run in a thread of this program. The
 * server checks every STS request's SigV4 signature by recomputing it with
 * the secret it knows for the access key, and answers SignatureDoesNotMatch
 * when it differs, so a wrongly signed call fails the test. Error messages
 * are checked never to contain a secret.
 */
#include "config.h"

#include "collect/aws/credentials.h"
#include "harness.h"
#include "loopback.h"
#include "testutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char base_id[] = "AKIDBASEEXAMPLE";
static const char base_secret[] = "baseSecretMustNotLeak/0123456789abcdefgh";

/* ---- the loopback server ---------------------------------------------------- */

#define MAX_ISSUED 16

struct server {
	struct loopback lb;
	pthread_mutex_t lock;
	/* behaviour */
	bool imds_v1_only; /* token PUT answers 405 */
	/* what it saw */
	int requests;
	int bad_signatures;
	int good_signatures;
	char log[4096]; /* "METHOD path\n" per request */
	char last_body[4096];
	char last_token_hdr[256];
	/* secrets it knows: the base key and every key it issued */
	char ids[MAX_ISSUED][64];
	char secrets[MAX_ISSUED][64];
	int n_keys;
	int issued;
};

static struct server srv;
static char tmpdir[256];

static const char *
secret_for(const char *id)
{
	int i;

	for (i = 0; i < srv.n_keys; i++)
		if (strcmp(srv.ids[i], id) == 0)
			return srv.secrets[i];
	return NULL;
}

/* Recomputes the request's signature with our own signer and the secret
 * the server knows for its access key. */
static bool
signature_ok(const struct loopback_req *r, char *signing_service, size_t svc_size)
{
	const char *authz = loopback_header(r, "Authorization"),
		   *date = loopback_header(r, "X-Amz-Date");
	char id[64], scope_date[16], region[32], service[32], signed_list[512], url[1200];
	struct aws_header hs[64], *out = NULL;
	struct aws_credentials cred = {0};
	struct aws_signing how = {0};
	struct tm tm = {0};
	attest_ctx *ctx;
	char *tok, *save = NULL;
	size_t n = 0;
	bool ok = false;
	int i;

	if (!authz || !date ||
	    sscanf(authz,
		   "AWS4-HMAC-SHA256 Credential=%63[^/]/%15[^/]/%31[^/]/%31[^/]/"
		   "aws4_request, SignedHeaders=%511[^,]",
		   id, scope_date, region, service, signed_list) != 5)
		return false;
	snprintf(signing_service, svc_size, "%s", service);
	if (!strptime(date, "%Y%m%dT%H%M%SZ", &tm))
		return false;
	how.when = timegm(&tm);
	how.region = region;
	how.service = service;
	cred.access_key_id = id;
	cred.secret_access_key = (char *)secret_for(id);
	if (!cred.secret_access_key)
		return false;
	for (tok = strtok_r(signed_list, ";", &save); tok && n < 64;
	     tok = strtok_r(NULL, ";", &save)) {
		if (strcmp(tok, "x-amz-date") == 0)
			continue;
		for (i = 0; i < r->nh; i++)
			if (strcasecmp(r->hname[i], tok) == 0) {
				hs[n].name = r->hname[i];
				hs[n].value = r->hval[i];
				n++;
			}
	}
	snprintf(url, sizeof(url), "http://%s%s", loopback_header(r, "Host"), r->path);
	ctx = attest_ctx_new();
	if (aws_sigv4_sign(ctx, &(struct aws_request){r->method, url, hs, n, r->body, r->body_len},
			   &cred, &how, &out) == ATTEST_OK) {
		for (i = 0; out[i].name; i++)
			if (strcmp(out[i].name, "Authorization") == 0)
				ok = strcmp(out[i].value, authz) == 0;
	}
	aws_headers_free(out);
	attest_ctx_free(ctx);
	return ok;
}

static void
handle_sts(int c, const struct loopback_req *r)
{
	char svc[32] = "", body[4096];
	int k;

	if (!signature_ok(r, svc, sizeof(svc)) || strcmp(svc, "sts") != 0) {
		pthread_mutex_lock(&srv.lock);
		srv.bad_signatures++;
		pthread_mutex_unlock(&srv.lock);
		loopback_reply(
			c, 403, "text/xml",
			"<ErrorResponse><Error><Type>Sender</Type><Code>"
			"SignatureDoesNotMatch</Code><Message>The request signature we calculated "
			"does not match</Message></Error></ErrorResponse>");
		return;
	}
	pthread_mutex_lock(&srv.lock);
	srv.good_signatures++;
	pthread_mutex_unlock(&srv.lock);
	if (strstr(r->body, "Action=GetCallerIdentity")) {
		loopback_reply(
			c, 200, "text/xml",
			"<GetCallerIdentityResponse xmlns=\"https://sts."
			"amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::"
			"123456789012:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId><Account>"
			"123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>");
		return;
	}
	if (!strstr(r->body, "Action=AssumeRole")) {
		loopback_reply(c, 400, "text/xml",
			       "<ErrorResponse><Error><Code>InvalidAction</Code>"
			       "</Error></ErrorResponse>");
		return;
	}
	if (strstr(r->body, "denied")) {
		loopback_reply(
			c, 403, "text/xml",
			"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/"
			"2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
			"User is not authorized to perform: sts:AssumeRole</Message></Error>"
			"<RequestId>x</RequestId></ErrorResponse>");
		return;
	}
	if (strstr(r->body, "doctype")) {
		loopback_reply(
			c, 200, "text/xml",
			"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e "
			"\"boom\">]><AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>"
			"&e;</AccessKeyId></Credentials></AssumeRoleResult></AssumeRoleResponse>");
		return;
	}
	pthread_mutex_lock(&srv.lock);
	k = ++srv.issued;
	if (srv.n_keys < MAX_ISSUED) {
		snprintf(srv.ids[srv.n_keys], 64, "ASIAISSUED%d", k);
		snprintf(srv.secrets[srv.n_keys], 64, "issuedSecret%d/xyz", k);
		srv.n_keys++;
	}
	pthread_mutex_unlock(&srv.lock);
	snprintf(body, sizeof(body),
		 "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
		 "  <AssumeRoleResult>\n    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:"
		 "assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>\n"
		 "    <Credentials>\n      <AccessKeyId>ASIAISSUED%d</AccessKeyId>\n"
		 "      <SecretAccessKey>issuedSecret%d/xyz</SecretAccessKey>\n"
		 "      <SessionToken>issuedToken%d+/=</SessionToken>\n"
		 "      <Expiration>2031-01-02T03:04:05Z</Expiration>\n    </Credentials>\n"
		 "  </AssumeRoleResult>\n  <ResponseMetadata><RequestId>1</RequestId>"
		 "</ResponseMetadata>\n</AssumeRoleResponse>\n",
		 k, k, k);
	loopback_reply(c, 200, "text/xml", body);
}

static void
handle_imds(int c, const struct loopback_req *r)
{
	const char *tok = loopback_header(r, "X-aws-ec2-metadata-token");

	pthread_mutex_lock(&srv.lock);
	snprintf(srv.last_token_hdr, sizeof(srv.last_token_hdr), "%s", tok ? tok : "");
	pthread_mutex_unlock(&srv.lock);
	if (strcmp(r->method, "PUT") == 0 && strcmp(r->path, "/latest/api/token") == 0) {
		if (srv.imds_v1_only)
			loopback_reply(c, 405, "text/plain", "");
		else if (!loopback_header(r, "X-aws-ec2-metadata-token-ttl-seconds"))
			loopback_reply(c, 400, "text/plain", "missing ttl");
		else
			loopback_reply(c, 200, "text/plain", "IMDSTOKEN-abc");
		return;
	}
	if (!srv.imds_v1_only && (!tok || strcmp(tok, "IMDSTOKEN-abc") != 0)) {
		loopback_reply(c, 401, "text/plain", "");
		return;
	}
	if (strcmp(r->path, "/latest/meta-data/iam/security-credentials/") == 0)
		loopback_reply(c, 200, "text/plain", "instance-role\n");
	else if (strcmp(r->path, "/latest/meta-data/iam/security-credentials/instance-role") == 0)
		loopback_reply(
			c, 200, "application/json",
			"{\"Code\":\"Success\",\"LastUpdated\":"
			"\"2030-01-01T00:00:00Z\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAIMDS\","
			"\"SecretAccessKey\":\"imdsSecret\",\"Token\":\"imdsToken\",\"Expiration\":"
			"\"2030-01-01T06:00:00Z\"}");
	else
		loopback_reply(c, 404, "text/plain", "");
}

/* One request per connection: logged, then answered as STS or IMDS. */
static void
handle_conn(int c, void *arg)
{
	struct loopback_req *r = malloc(sizeof(*r));

	(void)arg;
	if (r && loopback_read(c, r)) {
		size_t len;

		pthread_mutex_lock(&srv.lock);
		srv.requests++;
		len = strlen(srv.log);
		snprintf(srv.log + len, sizeof(srv.log) - len, "%s %s\n", r->method, r->path);
		snprintf(srv.last_body, sizeof(srv.last_body), "%s", r->body);
		pthread_mutex_unlock(&srv.lock);
		if (strncmp(r->path, "/latest/", 8) == 0)
			handle_imds(c, r);
		else
			handle_sts(c, r);
	}
	free(r);
}

static void
server_reset(void)
{
	pthread_mutex_lock(&srv.lock);
	srv.imds_v1_only = false;
	srv.requests = srv.bad_signatures = srv.good_signatures = 0;
	srv.log[0] = srv.last_body[0] = srv.last_token_hdr[0] = '\0';
	snprintf(srv.ids[0], 64, "%s", base_id);
	snprintf(srv.secrets[0], 64, "%s", base_secret);
	srv.n_keys = 1;
	pthread_mutex_unlock(&srv.lock);
}

/* ---- fixtures ------------------------------------------------------------------ */

static const char *aws_vars[] = {"AWS_ACCESS_KEY_ID",
				 "AWS_SECRET_ACCESS_KEY",
				 "AWS_SESSION_TOKEN",
				 "AWS_SECURITY_TOKEN",
				 "AWS_PROFILE",
				 "AWS_DEFAULT_PROFILE",
				 "AWS_REGION",
				 "AWS_DEFAULT_REGION",
				 "AWS_SHARED_CREDENTIALS_FILE",
				 "AWS_CONFIG_FILE",
				 "AWS_ENDPOINT_URL",
				 "AWS_ENDPOINT_URL_STS",
				 "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
				 "AWS_ENDPOINT_URL_S3",
				 "AWS_ENDPOINT_URL_IAM",
				 "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
				 "AWS_EC2_METADATA_DISABLED",
				 "AWS_EC2_METADATA_SERVICE_ENDPOINT",
				 "AWS_EC2_METADATA_V1_DISABLED",
				 "AWS_METADATA_SERVICE_TIMEOUT",
				 NULL};

static void
write_file(const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* A clean environment: no AWS variable but the two files (empty), STS and
 * IMDS on the loopback server. */
static void
env_reset(const char *credentials, const char *config)
{
	char path[512], url[64];
	int i;

	for (i = 0; aws_vars[i]; i++)
		unsetenv(aws_vars[i]);
	write_file("credentials", credentials ? credentials : "");
	write_file("config", config ? config : "");
	snprintf(path, sizeof(path), "%s/credentials", tmpdir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	setenv("AWS_CONFIG_FILE", path, 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", srv.lb.port);
	setenv("AWS_ENDPOINT_URL_STS", url, 1);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);
	setenv("HOME", tmpdir, 1);
	server_reset();
}

static bool
no_secret_in(const char *msg)
{
	return !strstr(msg, base_secret) && !strstr(msg, "issuedSecret") &&
	       !strstr(msg, "imdsSecret") && !strstr(msg, "fileSecret");
}

/* ---- credentials ------------------------------------------------------------------ */

static void
test_env(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_credentials c;
	char *region = NULL;

	env_reset("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = fileSecret\n",
		  NULL);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envSecret", 1);
	setenv("AWS_SESSION_TOKEN", "envToken", 1);
	setenv("AWS_DEFAULT_REGION", "eu-west-3", 1);
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, NULL, &c, &region), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "AKIDENV");
	CU_ASSERT_STRING_EQUAL(c.secret_access_key, "envSecret");
	CU_ASSERT_STRING_EQUAL(c.session_token, "envToken");
	CU_ASSERT_EQUAL(c.expiration, 0);
	CU_ASSERT_STRING_EQUAL(region, "eu-west-3");
	aws_credentials_release(&c);
	free(region);
	setenv("AWS_REGION", "ap-south-1", 1); /* AWS_REGION wins */
	CU_ASSERT_EQUAL(aws_resolve_region(ctx, NULL, &region), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(region, "ap-south-1");
	free(region);

	/* Half a key pair is an error that names the missing variable. */
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_SECRET_ACCESS_KEY", base_secret, 1);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "AWS_ACCESS_KEY_ID"));
	CU_ASSERT(no_secret_in(attest_ctx_errmsg(ctx)));
	CU_ASSERT_PTR_NULL(c.secret_access_key);
	attest_ctx_free(ctx);
}

static void
test_profiles(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_config_opts o = {0};
	struct aws_credentials c;
	char *region = NULL;

	env_reset("# comment\n[default]\naws_access_key_id = AKIDDEFAULT\n"
		  "aws_secret_access_key = fileSecretDefault\n\n"
		  "[dev]\n  AWS_ACCESS_KEY_ID=AKIDDEV\naws_secret_access_key=fileSecretDev\n"
		  "aws_session_token = devToken\n",
		  "[default]\nregion = us-west-2\n"
		  "[profile   dev]\nregion = eu-central-1\n"
		  "[profile cfgonly]\naws_access_key_id = AKIDCFG\n"
		  "aws_secret_access_key = fileSecretCfg\nregion = sa-east-1\n"
		  "[cfgonly]\naws_access_key_id = NOT-A-PROFILE\n");
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, NULL, &c, &region), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "AKIDDEFAULT");
	CU_ASSERT_PTR_NULL(c.session_token);
	CU_ASSERT_STRING_EQUAL(region, "us-west-2");
	aws_credentials_release(&c);
	free(region);

	setenv("AWS_PROFILE", "dev", 1);
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, NULL, &c, &region), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "AKIDDEV");
	CU_ASSERT_STRING_EQUAL(c.session_token, "devToken");
	CU_ASSERT_STRING_EQUAL(region, "eu-central-1");
	aws_credentials_release(&c);
	free(region);

	/* An explicit profile beats AWS_PROFILE and the environment's keys;
	 * in the config file only "[profile NAME]" names a profile. */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envSecret", 1);
	o.profile = "cfgonly";
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, &o, &c, &region), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "AKIDCFG");
	CU_ASSERT_STRING_EQUAL(region, "sa-east-1");
	aws_credentials_release(&c);
	free(region);
	attest_ctx_free(ctx);
}

static void
test_missing_profile(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_config_opts o = {0};
	struct aws_credentials c;

	env_reset("[default]\naws_access_key_id = A\naws_secret_access_key = fileSecret\n", NULL);
	o.profile = "nosuch";
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "profile 'nosuch' not found"));
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), tmpdir));
	/* Named through AWS_PROFILE: the same, no fallback to IMDS. */
	setenv("AWS_PROFILE", "ghost", 1);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "'ghost'"));
	CU_ASSERT_EQUAL(srv.requests, 0);
	attest_ctx_free(ctx);
}

static void
test_bad_file(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_credentials c;

	/* A line without '=' that holds a secret: the message names the file
	 * and line only. */
	env_reset("[default]\naws_access_key_id = AKID\nfileSecretOnABadLine\n", NULL);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "/credentials' at line 3"));
	CU_ASSERT(no_secret_in(attest_ctx_errmsg(ctx)));
	env_reset(NULL, "aws_secret_access_key = fileSecretBeforeSection\n");
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_PARSE);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "/config' at line 1"));
	CU_ASSERT(no_secret_in(attest_ctx_errmsg(ctx)));
	env_reset("[default\naws_secret_access_key = fileSecret\n", NULL);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_PARSE);
	CU_ASSERT(no_secret_in(attest_ctx_errmsg(ctx)));
	/* Half a pair in a profile. */
	env_reset("[default]\naws_secret_access_key = fileSecretAlone\n", NULL);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "no aws_access_key_id"));
	CU_ASSERT(no_secret_in(attest_ctx_errmsg(ctx)));
	attest_ctx_free(ctx);
}

static void
test_file_overrides(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_credentials c;
	char path[512];

	/* Without the variables: ~/.aws/credentials. */
	env_reset(NULL, NULL);
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_CONFIG_FILE");
	snprintf(path, sizeof(path), "%s/.aws", tmpdir);
	mkdir(path, 0700);
	write_file(".aws/credentials", "[default]\naws_access_key_id = AKIDHOME\n"
				       "aws_secret_access_key = fileSecretHome\n");
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "AKIDHOME");
	aws_credentials_release(&c);
	/* With them, the named files and not the home ones; "~/" expands. */
	write_file("other", "[default]\naws_access_key_id = AKIDOTHER\n"
			    "aws_secret_access_key = fileSecretOther\n");
	setenv("AWS_SHARED_CREDENTIALS_FILE", "~/other", 1);
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "AKIDOTHER");
	aws_credentials_release(&c);
	write_file("conf2", "[profile x]\nregion = me-south-1\n");
	snprintf(path, sizeof(path), "%s/conf2", tmpdir);
	setenv("AWS_CONFIG_FILE", path, 1);
	setenv("AWS_PROFILE", "x", 1);
	{
		char *region = NULL;

		CU_ASSERT_EQUAL(aws_resolve_region(ctx, NULL, &region), ATTEST_OK);
		CU_ASSERT_STRING_EQUAL(region, "me-south-1");
		free(region);
	}
	attest_ctx_free(ctx);
}

static void
test_credential_process_refused(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_credentials c;
	char marker[600];

	snprintf(marker, sizeof(marker), "[profile p]\ncredential_process = /bin/touch %s/ran\n",
		 tmpdir);
	env_reset(NULL, marker);
	setenv("AWS_PROFILE", "p", 1);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "credential_process"));
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "not support"));
	snprintf(marker, sizeof(marker), "%s/ran", tmpdir);
	CU_ASSERT_NOT_EQUAL(access(marker, F_OK), 0);
	attest_ctx_free(ctx);
}

static void
test_role_chain(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_credentials c;
	char creds[512];

	snprintf(creds, sizeof(creds),
		 "[base]\naws_access_key_id = %s\n"
		 "aws_secret_access_key = %s\n",
		 base_id, base_secret);
	env_reset(creds, "[profile prod]\nrole_arn = arn:aws:iam::111111111111:role/Prod\n"
			 "source_profile = base\nexternal_id = ext-123\nduration_seconds = 1800\n"
			 "role_session_name = nightly-audit\nregion = eu-west-1\n"
			 "[profile audit]\nrole_arn = arn:aws:iam::222222222222:role/Audit\n"
			 "source_profile = prod\n");
	setenv("AWS_PROFILE", "prod", 1);
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "ASIAISSUED1");
	CU_ASSERT_STRING_EQUAL(c.secret_access_key, "issuedSecret1/xyz");
	CU_ASSERT_STRING_EQUAL(c.session_token, "issuedToken1+/=");
	CU_ASSERT_EQUAL(c.expiration, 1925089445); /* 2031-01-02T03:04:05Z */
	CU_ASSERT_EQUAL(srv.good_signatures, 1);
	CU_ASSERT_EQUAL(srv.bad_signatures, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(srv.last_body, "RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111"
						     "%3Arole%2FProd"));
	CU_ASSERT_PTR_NOT_NULL(strstr(srv.last_body, "&ExternalId=ext-123"));
	CU_ASSERT_PTR_NOT_NULL(strstr(srv.last_body, "&DurationSeconds=1800"));
	CU_ASSERT_PTR_NOT_NULL(strstr(srv.last_body, "&RoleSessionName=nightly-audit"));
	aws_credentials_release(&c);

	/* Two hops: audit <- prod <- base; the second call is signed with the
	 * first role's temporary credentials and session token. */
	server_reset();
	setenv("AWS_PROFILE", "audit", 1);
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_OK);
	CU_ASSERT_EQUAL(srv.good_signatures, 2);
	CU_ASSERT_EQUAL(srv.bad_signatures, 0);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "ASIAISSUED3"); /* prod got 2 */
	CU_ASSERT_PTR_NOT_NULL(strstr(srv.last_body, "role%2FAudit"));
	CU_ASSERT_PTR_NULL(strstr(srv.last_body, "ExternalId"));
	aws_credentials_release(&c);
	attest_ctx_free(ctx);
}

static void
test_role_cycle(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_credentials c;
	struct aws_config_opts o = {0};

	env_reset("[self]\naws_access_key_id = AKIDSELF\naws_secret_access_key = fileSecretSelf\n",
		  "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
		  "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = c\n"
		  "[profile c]\nrole_arn = arn:aws:iam::1:role/C\nsource_profile = a\n"
		  "[profile self]\nrole_arn = arn:aws:iam::1:role/S\nsource_profile = self\n"
		  "[profile loner]\nrole_arn = arn:aws:iam::1:role/L\nsource_profile = loner\n"
		  "[profile dangling]\nrole_arn = arn:aws:iam::1:role/D\nsource_profile = gone\n");
	o.profile = "a";
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx),
			       "profile chain loops: 'a' -> 'b' -> 'c' -> 'a'");
	CU_ASSERT_EQUAL(srv.requests, 0);
	/* A profile may be its own source when it holds keys... */
	o.profile = "self";
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_IO);
	CU_ASSERT_EQUAL(srv.requests, 1); /* signed with AKIDSELF, unknown to the server */
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "SignatureDoesNotMatch"));
	CU_ASSERT(no_secret_in(attest_ctx_errmsg(ctx)));
	/* ...not without. */
	o.profile = "loner";
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "loops"));
	o.profile = "dangling";
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "profile 'gone' not found"));
	attest_ctx_free(ctx);
}

static void
test_assume_role_option(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_config_opts o = {0};
	struct aws_credentials c;
	struct aws_caller_identity id;

	env_reset(NULL, NULL);
	setenv("AWS_ACCESS_KEY_ID", base_id, 1);
	setenv("AWS_SECRET_ACCESS_KEY", base_secret, 1);
	setenv("AWS_REGION", "us-east-2", 1);
	o.role_arn = "arn:aws:iam::333333333333:role/Scanner";
	o.external_id = "x y&z";
	o.session_name = "attest-test";
	o.duration_seconds = 900;
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_OK);
	CU_ASSERT_EQUAL(srv.good_signatures, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(srv.last_body, "&ExternalId=x%20y%26z"));
	CU_ASSERT_PTR_NOT_NULL(strstr(srv.last_body, "&DurationSeconds=900"));
	CU_ASSERT_PTR_NOT_NULL(strstr(srv.last_body, "&RoleSessionName=attest-test"));

	/* GetCallerIdentity with the temporary credentials. */
	CU_ASSERT_EQUAL_FATAL(aws_sts_get_caller_identity(ctx, NULL, "us-east-2", NULL, &c, &id),
			      ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(id.account, "123456789012");
	CU_ASSERT_STRING_EQUAL(id.arn, "arn:aws:iam::123456789012:user/auditor");
	CU_ASSERT_STRING_EQUAL(id.user_id, "AIDAEXAMPLE");
	CU_ASSERT_EQUAL(srv.good_signatures, 2);
	aws_caller_identity_release(&id);
	aws_credentials_release(&c);

	/* base_out: the credentials that assumed the role are kept, to assume
	 * it again before it expires (issue 10, item 17); without a role it
	 * stays empty, and a failed assumption leaves it empty. */
	{
		struct aws_credentials base = {0};

		o.base_out = &base;
		CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_OK);
		CU_ASSERT_STRING_EQUAL(base.access_key_id, base_id);
		CU_ASSERT_STRING_EQUAL(base.secret_access_key, base_secret);
		CU_ASSERT(c.expiration > 0);
		CU_ASSERT(strcmp(c.access_key_id, base_id) != 0);
		aws_credentials_release(&c);
		aws_credentials_release(&base);
		o.role_arn = NULL;
		CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_OK);
		CU_ASSERT_PTR_NULL(base.access_key_id);
		aws_credentials_release(&c);
		o.role_arn = "arn:aws:iam::333333333333:role/denied";
		CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_IO);
		CU_ASSERT_PTR_NULL(base.access_key_id);
		o.role_arn = "arn:aws:iam::333333333333:role/Scanner";
		o.base_out = NULL;
	}

	/* Refusals: bad duration, not an ARN, AccessDenied, a DTD. */
	o.duration_seconds = 60;
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_INVALID);
	o.duration_seconds = 0;
	o.role_arn = "Scanner";
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_INVALID);
	o.role_arn = "arn:aws:iam::333333333333:role/denied";
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_IO);
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx),
			       "sts AssumeRole of 'arn:aws:iam::"
			       "333333333333:role/denied' failed: HTTP 403 AccessDenied: User is "
			       "not authorized to perform: sts:AssumeRole");
	CU_ASSERT(no_secret_in(attest_ctx_errmsg(ctx)));
	CU_ASSERT_PTR_NULL(c.access_key_id);
	o.role_arn = "arn:aws:iam::333333333333:role/doctype";
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, &o, &c, NULL), ATTEST_ERR_PARSE);
	CU_ASSERT_PTR_NULL(c.access_key_id);
	CU_ASSERT_EQUAL(srv.bad_signatures, 0);
	attest_ctx_free(ctx);
}

static void
test_imds(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_credentials c;

	env_reset(NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(c.access_key_id, "ASIAIMDS");
	CU_ASSERT_STRING_EQUAL(c.secret_access_key, "imdsSecret");
	CU_ASSERT_STRING_EQUAL(c.session_token, "imdsToken");
	CU_ASSERT_EQUAL(c.expiration, 1893477600); /* 2030-01-01T06:00:00Z */
	CU_ASSERT_STRING_EQUAL(srv.log,
			       "PUT /latest/api/token\n"
			       "GET /latest/meta-data/iam/security-credentials/\n"
			       "GET /latest/meta-data/iam/security-credentials/instance-role\n");
	CU_ASSERT_STRING_EQUAL(srv.last_token_hdr, "IMDSTOKEN-abc");
	aws_credentials_release(&c);

	/* An IMDSv1-only service: reads without a token... */
	server_reset();
	srv.imds_v1_only = true;
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(srv.last_token_hdr, "");
	aws_credentials_release(&c);
	/* ...unless v1 is disabled. */
	server_reset();
	srv.imds_v1_only = true;
	setenv("AWS_EC2_METADATA_V1_DISABLED", "true", 1);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "no AWS credentials found"));

	/* Disabled: no request at all. */
	env_reset(NULL, NULL);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "AWS_EC2_METADATA_DISABLED"));
	CU_ASSERT_EQUAL(srv.requests, 0);

	/* Nothing listening: fails fast with a message. */
	env_reset(NULL, NULL);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1", 1);
	CU_ASSERT_EQUAL(aws_resolve_credentials(ctx, NULL, &c, NULL), ATTEST_ERR_NOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "127.0.0.1:1"));
	attest_ctx_free(ctx);
}

/* A transport that answers without any network, to check the hook. */
static attest_rc
fake_transport(attest_ctx *ctx, void *userdata, const struct aws_http_request *req,
	       struct aws_http_response *resp)
{
	int *calls = userdata;
	static const char answer[] = "<GetCallerIdentityResponse><GetCallerIdentityResult>"
				     "<Arn>arn:aws:iam::999999999999:root</Arn><Account>"
				     "999999999999</Account></GetCallerIdentityResult>"
				     "</GetCallerIdentityResponse>";

	(void)ctx;
	(*calls)++;
	CU_ASSERT_STRING_EQUAL(req->method, "POST");
	CU_ASSERT_STRING_EQUAL(req->url, "https://sts.ca-central-1.amazonaws.com/");
	resp->status = 200;
	resp->body = strdup(answer);
	resp->body_len = strlen(answer);
	return ATTEST_OK;
}

static void
test_transport_hook(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_credentials c = {(char *)base_id, (char *)base_secret, NULL, 0};
	struct aws_caller_identity id;
	int calls = 0;
	struct aws_transport t = {fake_transport, &calls};

	env_reset(NULL, NULL);
	unsetenv("AWS_ENDPOINT_URL_STS");
	CU_ASSERT_EQUAL_FATAL(aws_sts_get_caller_identity(ctx, &t, "ca-central-1", NULL, &c, &id),
			      ATTEST_OK);
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_STRING_EQUAL(id.account, "999999999999");
	aws_caller_identity_release(&id);
	attest_ctx_free(ctx);
}

/* ---- endpoints -------------------------------------------------------------------- */

static void
check_endpoint(const char *service, const char *region, const char *url, const char *sign_region,
	       const char *sign_name)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_endpoint ep;

	CU_ASSERT_EQUAL_FATAL(aws_endpoint_resolve(ctx, service, region, NULL, &ep), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(ep.url, url);
	CU_ASSERT_STRING_EQUAL(ep.signing_region, sign_region);
	CU_ASSERT_STRING_EQUAL(ep.signing_name, sign_name);
	if (strcmp(ep.url, url) != 0)
		fprintf(stderr, "%s/%s: %s\n", service, region ? region : "-", ep.url);
	aws_endpoint_release(&ep);
	attest_ctx_free(ctx);
}

static void
test_endpoint_defaults(void)
{
	env_reset(NULL, NULL);
	unsetenv("AWS_ENDPOINT_URL_STS");
	check_endpoint("iam", "eu-west-1", "https://iam.amazonaws.com", "us-east-1", "iam");
	check_endpoint("iam", NULL, "https://iam.amazonaws.com", "us-east-1", "iam");
	check_endpoint("iam", "cn-north-1", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1",
		       "iam");
	check_endpoint("iam", "us-gov-east-1", "https://iam.us-gov.amazonaws.com", "us-gov-west-1",
		       "iam");
	check_endpoint("sts", "eu-west-1", "https://sts.eu-west-1.amazonaws.com", "eu-west-1",
		       "sts");
	check_endpoint("sts", NULL, "https://sts.amazonaws.com", "us-east-1", "sts");
	check_endpoint("organizations", "ap-southeast-2",
		       "https://organizations.us-east-1.amazonaws.com", "us-east-1",
		       "organizations");
	check_endpoint("ec2", "eu-north-1", "https://ec2.eu-north-1.amazonaws.com", "eu-north-1",
		       "ec2");
	check_endpoint("s3", "us-west-2", "https://s3.us-west-2.amazonaws.com", "us-west-2", "s3");
	check_endpoint("monitoring", "us-east-1", "https://monitoring.us-east-1.amazonaws.com",
		       "us-east-1", "monitoring");
	check_endpoint("logs", "cn-northwest-1", "https://logs.cn-northwest-1.amazonaws.com.cn",
		       "cn-northwest-1", "logs");
	check_endpoint("elasticfilesystem", "eu-west-2",
		       "https://elasticfilesystem.eu-west-2.amazonaws.com", "eu-west-2",
		       "elasticfilesystem");
	check_endpoint("access-analyzer", "eu-west-2",
		       "https://access-analyzer.eu-west-2.amazonaws.com", "eu-west-2",
		       "access-analyzer");
	check_endpoint("securityhub", "eu-west-2", "https://securityhub.eu-west-2.amazonaws.com",
		       "eu-west-2", "securityhub");
	check_endpoint("cloudtrail", "eu-west-2", "https://cloudtrail.eu-west-2.amazonaws.com",
		       "eu-west-2", "cloudtrail");
	check_endpoint("kms", "eu-west-2", "https://kms.eu-west-2.amazonaws.com", "eu-west-2",
		       "kms");
	check_endpoint("config", "eu-west-2", "https://config.eu-west-2.amazonaws.com", "eu-west-2",
		       "config");
	check_endpoint("sns", "eu-west-2", "https://sns.eu-west-2.amazonaws.com", "eu-west-2",
		       "sns");
	check_endpoint("rds", "eu-west-2", "https://rds.eu-west-2.amazonaws.com", "eu-west-2",
		       "rds");
	CU_ASSERT_STRING_EQUAL(aws_service_env_id("logs"), "CLOUDWATCH_LOGS");
	CU_ASSERT_STRING_EQUAL(aws_service_env_id("secretsmanager"), "SECRETS_MANAGER");
	CU_ASSERT_STRING_EQUAL(aws_service_env_id("config"), "CONFIG_SERVICE");
	CU_ASSERT_PTR_NULL(aws_service_env_id("nosuch"));
}

static void
test_endpoint_overrides(void)
{
	attest_ctx *ctx = attest_ctx_new();
	char *url = NULL;

	env_reset(NULL, "[default]\nendpoint_url = http://127.0.0.1:4000/\n"
			"[profile svc]\nservices = local\nendpoint_url = http://10.0.0.1:1\n"
			"[services local]\ncloudwatch logs =\n  endpoint_url = http://x\n"
			"cloudwatch_logs =\n  endpoint_url = http://127.0.0.1:4001\n"
			"config_service =\n  endpoint_url = http://127.0.0.1:4002\n");
	/* The per-service variable beats the global one, which beats files. */
	setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:5000/", 1);
	setenv("AWS_ENDPOINT_URL", "https://gateway.example:8443", 1);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "logs", "eu-west-1", NULL, &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:5000");
	free(url);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "kms", "eu-west-1", NULL, &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "https://gateway.example:8443");
	free(url);
	/* The profile's services section, then its endpoint_url. */
	unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");
	unsetenv("AWS_ENDPOINT_URL");
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "logs", "eu-west-1", "svc", &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:4001");
	free(url);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "config", "eu-west-1", "svc", &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:4002");
	free(url);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "ec2", "eu-west-1", "svc", &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "http://10.0.0.1:1");
	free(url);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "ec2", "eu-west-1", NULL, &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:4000");
	free(url);
	/* All of them off. */
	setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:1", 1);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "ec2", "eu-west-1", NULL, &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "https://ec2.eu-west-1.amazonaws.com");
	free(url);
	unsetenv("AWS_ENDPOINT_URL_EC2");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	/* Bad values are refused with the variable named. */
	setenv("AWS_ENDPOINT_URL_S3", "ftp://files", 1);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "s3", "eu-west-1", NULL, &url), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "AWS_ENDPOINT_URL_S3"));
	setenv("AWS_ENDPOINT_URL_S3", "http://user:pw@host", 1);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "s3", "eu-west-1", NULL, &url), ATTEST_ERR_INVALID);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "ec2", "eu-west-1.evil.com/x", NULL, &url),
			ATTEST_ERR_INVALID);
	CU_ASSERT_EQUAL(aws_endpoint_for(ctx, "ec2", NULL, NULL, &url), ATTEST_ERR_USAGE);
	CU_ASSERT_PTR_NULL(url);
	attest_ctx_free(ctx);
}

static void
test_s3_urls(void)
{
	attest_ctx *ctx = attest_ctx_new();
	struct aws_endpoint ep;
	char *url = NULL;

	env_reset(NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(aws_endpoint_resolve(ctx, "s3", "eu-west-1", NULL, &ep), ATTEST_OK);
	CU_ASSERT_FALSE(ep.s3_path_style);
	CU_ASSERT_EQUAL(aws_s3_bucket_url(ctx, &ep, "my-bucket", "/?policy", &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "https://my-bucket.s3.eu-west-1.amazonaws.com/?policy");
	free(url);
	/* Dots would break the wildcard certificate: path style. */
	CU_ASSERT_EQUAL(aws_s3_bucket_url(ctx, &ep, "logs.example.com", "", &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "https://s3.eu-west-1.amazonaws.com/logs.example.com");
	free(url);
	aws_endpoint_release(&ep);
	/* An override (an emulator) is always path style. */
	setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4568", 1);
	CU_ASSERT_EQUAL_FATAL(aws_endpoint_resolve(ctx, "s3", "eu-west-1", NULL, &ep), ATTEST_OK);
	CU_ASSERT(ep.s3_path_style);
	CU_ASSERT(ep.overridden);
	CU_ASSERT_EQUAL(aws_s3_bucket_url(ctx, &ep, "my-bucket", "/?location", &url), ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:4568/my-bucket/?location");
	free(url);
	aws_endpoint_release(&ep);
	attest_ctx_free(ctx);
}

static int
suite_init(void)
{
	if (tu_tmpdir(tmpdir, sizeof(tmpdir), "credtest") != 0)
		return -1;
	pthread_mutex_init(&srv.lock, NULL);
	return loopback_start(&srv.lb, false, handle_conn, NULL);
}

static int
suite_clean(void)
{
	loopback_stop(&srv.lb);
	tu_rmtree(tmpdir);
	return 0;
}

static CU_TestInfo cred_tests[] = {
	{"environment variables and region", test_env},
	{"profiles in both files", test_profiles},
	{"missing profile named in the error", test_missing_profile},
	{"malformed files: file and line, no secret", test_bad_file},
	{"AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE", test_file_overrides},
	{"credential_process is refused, never run", test_credential_process_refused},
	{"source_profile role chains through STS", test_role_chain},
	{"profile cycles and dangling sources", test_role_cycle},
	{"--role-arn: AssumeRole, GetCallerIdentity, refusals", test_assume_role_option},
	{"instance metadata service (IMDSv2, v1 fallback, disabled)", test_imds},
	{"transport hook", test_transport_hook},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo endpoint_tests[] = {
	{"default endpoints and global services", test_endpoint_defaults},
	{"AWS_ENDPOINT_URL* and config file overrides", test_endpoint_overrides},
	{"s3 virtual-hosted and path-style urls", test_s3_urls},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"aws credentials", suite_init, NULL, NULL, NULL, cred_tests},
		{"aws endpoints", NULL, suite_clean, NULL, NULL, endpoint_tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
