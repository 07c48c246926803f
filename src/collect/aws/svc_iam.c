/*
 * IAM, collected once per account (a global service): users, groups, roles
 * and managed policies from GetAccountAuthorizationDetails (every page),
 * each policy's attachments from ListEntitiesForPolicy, the account summary
 * with its virtual MFA devices, the password policy (null when the account
 * has none), server certificates, the account alias, and the credential
 * report, which AWS builds asynchronously: GenerateCredentialReport is
 * polled with a growing wait until it says COMPLETE, then the CSV from
 * GetCredentialReport becomes one record per row. IAM sends policy
 * documents URL-encoded; they are decoded into objects here.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define IAM_VERSION "2010-05-08"
#define POLL_MAX 12

static struct aws_op
iam_op(struct aws_collector *c, const char *operation, aws_typeset types, aws_op_fn fn, void *data)
{
	struct aws_op op = {c, "iam", operation, "", types, fn, data, 0, NULL};

	return op;
}

/* The result element of a query answer: <XResponse><XResult>. */
static xmlNodePtr
result(xmlDocPtr doc, const char *operation)
{
	char name[96];

	snprintf(name, sizeof(name), "%sResult", operation);
	return aws_xml_find(xmlDocGetRootElement(doc), name);
}

static void
decode_doc(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key), *d;

	if (!json_is_string(v))
		return;
	d = aws_policy_parse(json_string_value(v));
	if (d)
		json_object_set_new(obj, key, d);
}

static void
decode_docs(json_t *list, const char *key)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) decode_doc(e, key);
}

/* ---- ListEntitiesForPolicy: one policy waits for its attachments ---- */

static void policy_page(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r);

static void
policy_request(struct aws_asm *a, const char *marker)
{
	struct core_buf b;

	core_buf_init(&b, 8192);
	if (aws_param(&b, "PolicyArn", a->arn) || (marker && aws_param(&b, "Marker", marker)))
		aws_asm_nomem(a);
	else
		aws_asm_query(a, "iam", "ListEntitiesForPolicy", IAM_VERSION, b.data, policy_page);
	core_buf_release(&b);
}

/* The names (key) of the entities of list into supplementary member. */
static void
names(struct aws_asm *a, const json_t *list, const char *member, const char *key)
{
	json_t *dst = json_object_get(a->supp, member), *e;
	size_t i;

	json_array_foreach(list, i, e)
	{
		const char *n = json_string_value(json_object_get(e, key));

		if (n && json_array_append_new(dst, json_string(n)) != 0)
			aws_asm_nomem(a);
	}
}

static void
policy_page(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *res = aws_asm_reply_query(a, op, r), *trunc;
	const char *marker;

	if (!res)
		return;
	names(a, json_object_get(res, "PolicyUsers"), "PolicyUsers", "UserName");
	names(a, json_object_get(res, "PolicyGroups"), "PolicyGroups", "GroupName");
	names(a, json_object_get(res, "PolicyRoles"), "PolicyRoles", "RoleName");
	trunc = json_object_get(res, "IsTruncated");
	marker = json_string_value(json_object_get(res, "Marker"));
	if ((json_is_true(trunc) ||
	     (json_is_string(trunc) && strcmp(json_string_value(trunc), "true") == 0)) &&
	    marker && *marker)
		policy_request(a, marker);
	json_decref(res);
}

/* A policy, written once its attachments are read. */
static void
policy_start(struct aws_collector *c, json_t *e, const char *arn)
{
	struct aws_asm *a = aws_asm_new(c, T_IAM_POLICY, NULL, json_incref(e));

	if (!a)
		return;
	aws_asm_ids(a, arn, arn, json_string_value(json_object_get(e, "PolicyName")));
	aws_asm_supp(a, "PolicyUsers", json_array());
	aws_asm_supp(a, "PolicyGroups", json_array());
	aws_asm_supp(a, "PolicyRoles", json_array());
	policy_request(a, NULL);
	aws_asm_done(a);
}

/* ---- GetAccountAuthorizationDetails ---- */

static void gaad_page(struct aws_op *op, const struct aws_reply *r);

static void
gaad_request(struct aws_collector *c, const char *marker)
{
	struct aws_op op =
		iam_op(c, "GetAccountAuthorizationDetails",
		       TB(T_IAM_USER) | TB(T_IAM_GROUP) | TB(T_IAM_ROLE) | TB(T_IAM_POLICY),
		       gaad_page, NULL);
	struct core_buf b;

	core_buf_init(&b, 8192);
	if (core_buf_adds(&b, "&Filter.member.1=User&Filter.member.2=Role&Filter.member.3=Group"
			      "&Filter.member.4=LocalManagedPolicy"
			      "&Filter.member.5=AWSManagedPolicy&MaxItems=1000") ||
	    (marker && aws_param(&b, "Marker", marker)) ||
	    aws_call_query(&op, IAM_VERSION, b.data) != ATTEST_OK)
		aws_fatal(c, ATTEST_ERR_NOMEM);
	core_buf_release(&b);
}

static void
emit_named(struct aws_collector *c, enum aws_type t, json_t *e, const char *name_key)
{
	const char *name = json_string_value(json_object_get(e, name_key));
	const char *arn = json_string_value(json_object_get(e, "Arn"));

	aws_emit(c, t, name, arn, name, NULL, aws_tags_object(json_object_get(e, "Tags")),
		 json_incref(e), NULL);
}

static void
gaad_page(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_collector *c = op->c;
	xmlDocPtr doc;
	json_t *res = NULL, *e, *ip, *role;
	size_t i, k;
	const char *arn, *marker;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return;
	res = aws_xml_to_json_op(result(doc, "GetAccountAuthorizationDetails"), IAM_VERSION,
				 "GetAccountAuthorizationDetails", AWS_XML_QUERY);
	xmlFreeDoc(doc);
	if (!res) {
		aws_fatal(c, core_nomem(c->ctx));
		return;
	}
	json_array_foreach(json_object_get(res, "UserDetailList"), i, e)
	{
		decode_docs(json_object_get(e, "UserPolicyList"), "PolicyDocument");
		emit_named(c, T_IAM_USER, e, "UserName");
	}
	json_array_foreach(json_object_get(res, "GroupDetailList"), i, e)
	{
		decode_docs(json_object_get(e, "GroupPolicyList"), "PolicyDocument");
		emit_named(c, T_IAM_GROUP, e, "GroupName");
	}
	json_array_foreach(json_object_get(res, "RoleDetailList"), i, e)
	{
		decode_doc(e, "AssumeRolePolicyDocument");
		decode_docs(json_object_get(e, "RolePolicyList"), "PolicyDocument");
		json_array_foreach(json_object_get(e, "InstanceProfileList"), k, ip)
			decode_docs(json_object_get(ip, "Roles"), "AssumeRolePolicyDocument");
		(void)role;
		emit_named(c, T_IAM_ROLE, e, "RoleName");
	}
	json_array_foreach(json_object_get(res, "Policies"), i, e)
	{
		arn = json_string_value(json_object_get(e, "Arn"));
		/* AWS-managed policies nobody uses are the same in every account. */
		if (!arn || (strncmp(arn, "arn:aws:iam::aws:policy/", 24) == 0 &&
			     json_integer_value(json_object_get(e, "AttachmentCount")) == 0))
			continue;
		decode_docs(json_object_get(e, "PolicyVersionList"), "Document");
		policy_start(c, e, arn);
	}
	if (json_is_true(json_object_get(res, "IsTruncated")) &&
	    (marker = json_string_value(json_object_get(res, "Marker"))) != NULL)
		gaad_request(c, marker);
	json_decref(res);
}

/* ---- account summary + virtual MFA devices ---- */

/* The virtual MFA devices are a listing of their own (mfa_request). */
static const struct aws_followup summary_calls[] = {
	{.operation = "GetAccountSummary",
	 .into = AWS_INTO_CONF,
	 .from = "SummaryMap",
	 .key = "SummaryMap"},
	{NULL},
};

static const struct aws_followups summary = {
	.type = T_IAM_SUMMARY,
	.service = "iam",
	.proto = AWS_FU_QUERY,
	.version = IAM_VERSION,
	.calls = summary_calls,
};

static void mfa_page(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r);

static void
mfa_request(struct aws_asm *a, const char *marker)
{
	struct core_buf b;

	core_buf_init(&b, 8192);
	if (marker && aws_param(&b, "Marker", marker))
		aws_asm_nomem(a);
	else
		aws_asm_query(a, "iam", "ListVirtualMFADevices", IAM_VERSION, b.data ? b.data : "",
			      mfa_page);
	core_buf_release(&b);
}

static void
mfa_page(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *res = aws_asm_reply_query(a, op, r);
	const char *marker;

	if (!res)
		return;
	json_array_extend(json_object_get(a->supp, "VirtualMFADevices"),
			  json_object_get(res, "VirtualMFADevices"));
	if (json_is_true(json_object_get(res, "IsTruncated")) &&
	    (marker = json_string_value(json_object_get(res, "Marker"))) != NULL)
		mfa_request(a, marker);
	json_decref(res);
}

static void
summary_start(struct aws_collector *c)
{
	struct aws_asm *a = aws_asm_new(c, summary.type, NULL, json_object());

	if (!a)
		return;
	aws_asm_ids(a, c->account, NULL, NULL);
	aws_asm_supp(a, "VirtualMFADevices", json_array());
	if (!a->conf)
		aws_asm_nomem(a);
	aws_asm_calls(a, &summary, NULL);
	mfa_request(a, NULL);
	aws_asm_done(a);
}

/* ---- password policy, server certificates, alias ---- */

static void
pwpolicy_done(struct aws_op *op, const struct aws_reply *r)
{
	xmlDocPtr doc;
	json_t *res;

	if (!r->ok) {
		if (r->error_code && strcmp(r->error_code, "NoSuchEntity") == 0)
			aws_emit(op->c, T_IAM_PWPOLICY, op->c->account, NULL, NULL, NULL, NULL,
				 NULL, NULL);
		else
			aws_fail_reply(op, r);
		return;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return;
	res = aws_xml_to_json_op(result(doc, "GetAccountPasswordPolicy"), IAM_VERSION,
				 "GetAccountPasswordPolicy", AWS_XML_QUERY);
	xmlFreeDoc(doc);
	if (!json_is_object(json_object_get(res, "PasswordPolicy")))
		aws_fail(op, "MalformedResponse", "no PasswordPolicy in the answer");
	else
		aws_emit(op->c, T_IAM_PWPOLICY, op->c->account, NULL, NULL, NULL, NULL,
			 json_incref(json_object_get(res, "PasswordPolicy")), NULL);
	json_decref(res);
}

static void certs_page(struct aws_op *op, const struct aws_reply *r);

static void
certs_request(struct aws_collector *c, const char *marker)
{
	struct aws_op op =
		iam_op(c, "ListServerCertificates", TB(T_IAM_SERVERCERT), certs_page, NULL);
	struct core_buf b;

	core_buf_init(&b, 8192);
	if ((marker && aws_param(&b, "Marker", marker)) ||
	    aws_call_query(&op, IAM_VERSION, b.data ? b.data : "") != ATTEST_OK)
		aws_fatal(c, ATTEST_ERR_NOMEM);
	core_buf_release(&b);
}

static void
certs_page(struct aws_op *op, const struct aws_reply *r)
{
	xmlDocPtr doc;
	json_t *res, *e;
	size_t i;
	const char *marker;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return;
	res = aws_xml_to_json_op(result(doc, "ListServerCertificates"), IAM_VERSION,
				 "ListServerCertificates", AWS_XML_QUERY);
	xmlFreeDoc(doc);
	json_array_foreach(json_object_get(res, "ServerCertificateMetadataList"), i, e)
		emit_named(op->c, T_IAM_SERVERCERT, e, "ServerCertificateName");
	if (json_is_true(json_object_get(res, "IsTruncated")) &&
	    (marker = json_string_value(json_object_get(res, "Marker"))) != NULL)
		certs_request(op->c, marker);
	json_decref(res);
}

static void
alias_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_collector *c = op->c;
	xmlDocPtr doc = NULL;
	json_t *res = NULL, *conf;
	const char *alias = NULL;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((doc = aws_reply_xml(op, r)) != NULL) {
		res = aws_xml_to_json_op(result(doc, "ListAccountAliases"), IAM_VERSION,
					 "ListAccountAliases", AWS_XML_QUERY);
		alias = json_string_value(
			json_array_get(json_object_get(res, "AccountAliases"), 0));
	}
	/* The account record is written even without its alias: the alias is
	 * a label, not something a check judges. */
	conf = json_pack("{s:s}", "AccountId", c->account);
	if (conf && alias)
		json_object_set_new(conf, "AccountAlias", json_string(alias));
	aws_emit(c, T_ACCOUNT, c->account, NULL, alias, NULL, NULL, conf, NULL);
	json_decref(res);
	xmlFreeDoc(doc);
}

/* ---- credential report ---- */

static void report_generate(struct aws_collector *c, int round);

static void
report_parse(struct aws_op *op, const char *csv)
{
	json_t *header = json_array(), *row = NULL;
	const char *p = csv;
	struct core_buf cell;
	bool first = true, quoted;
	size_t col;

	core_buf_init(&cell, 1 << 16);
	while (header && *p) {
		row = json_object();
		if (!row)
			break;
		for (col = 0;; col++) {
			core_buf_reset(&cell);
			quoted = *p == '"';
			if (quoted)
				p++;
			while (*p) {
				if (quoted && *p == '"' && p[1] == '"') {
					core_buf_addc(&cell, '"');
					p += 2;
				} else if (quoted && *p == '"') {
					quoted = false;
					p++;
				} else if (!quoted && (*p == ',' || *p == '\n' || *p == '\r')) {
					break;
				} else if (core_buf_addc(&cell, *p++) != ATTEST_OK) {
					break;
				}
			}
			if (first)
				json_array_append_new(header,
						      json_string(cell.data ? cell.data : ""));
			else if (col < json_array_size(header))
				json_object_set_new(row,
						    json_string_value(json_array_get(header, col)),
						    json_string(cell.data ? cell.data : ""));
			if (*p != ',')
				break;
			p++;
		}
		while (*p == '\r' || *p == '\n')
			p++;
		if (!first && json_object_size(row)) {
			const char *user = json_string_value(json_object_get(row, "user"));
			const char *arn = json_string_value(json_object_get(row, "arn"));

			if (user)
				aws_emit(op->c, T_IAM_CREDREPORT, user, arn, user, NULL, NULL,
					 json_incref(row), NULL);
		}
		first = false;
		json_decref(row);
		row = NULL;
	}
	if (!json_array_size(header) || !json_array_get(header, 0) ||
	    strcmp(json_string_value(json_array_get(header, 0)), "user") != 0)
		aws_fail(op, "MalformedResponse", "the credential report is not the expected CSV");
	json_decref(row);
	json_decref(header);
	core_buf_release(&cell);
}

static void
report_get_done(struct aws_op *op, const struct aws_reply *r)
{
	xmlDocPtr doc;
	char *b64, *q, *w;
	unsigned char *csv;
	int n;
	size_t len;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return;
	b64 = aws_xml_child_text(result(doc, "GetCredentialReport"), "Content");
	xmlFreeDoc(doc);
	if (!b64) {
		aws_fail(op, "MalformedResponse", "no Content in the answer");
		return;
	}
	for (q = w = b64; *q; q++) /* strip whitespace before decoding */
		if (*q != '\n' && *q != '\r' && *q != ' ' && *q != '\t')
			*w++ = *q;
	*w = '\0';
	len = strlen(b64);
	csv = malloc(len / 4 * 3 + 4);
	if (!csv) {
		free(b64);
		aws_fatal(op->c, ATTEST_ERR_NOMEM);
		return;
	}
	n = len % 4 == 0 ? EVP_DecodeBlock(csv, (unsigned char *)b64, (int)len) : -1;
	if (n < 0) {
		aws_fail(op, "MalformedResponse", "the credential report is not base64");
	} else {
		while (len && b64[len - 1] == '=') { /* DecodeBlock counts padding */
			len--;
			n--;
		}
		csv[n < 0 ? 0 : n] = '\0';
		report_parse(op, (const char *)csv);
	}
	free(csv);
	free(b64);
}

static void
report_generate_done(struct aws_op *op, const struct aws_reply *r)
{
	struct aws_op get =
		iam_op(op->c, "GetCredentialReport", TB(T_IAM_CREDREPORT), report_get_done, NULL);
	int round = (int)(intptr_t)op->data;
	xmlDocPtr doc;
	char *state;

	if (!r->ok) {
		aws_fail_reply(op, r);
		return;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return;
	state = aws_xml_child_text(result(doc, "GenerateCredentialReport"), "State");
	xmlFreeDoc(doc);
	if (state && strcmp(state, "COMPLETE") == 0) {
		if (aws_call_query(&get, IAM_VERSION, "") != ATTEST_OK)
			aws_fatal(op->c, ATTEST_ERR_NOMEM);
	} else if (round + 1 >= POLL_MAX) {
		aws_fail(op, "ReportNotReady", "the credential report was still not complete");
	} else {
		report_generate(op->c, round + 1);
	}
	free(state);
}

static void
report_generate(struct aws_collector *c, int round)
{
	struct aws_op op = iam_op(c, "GenerateCredentialReport", TB(T_IAM_CREDREPORT),
				  report_generate_done, (void *)(intptr_t)round);
	long wait = 0;
	int i;

	/* 0, then base, 2 base, 4 base ... capped at 8 s: AWS usually needs a
	 * few seconds to build the report. */
	if (round > 0)
		for (wait = c->poll_ms, i = 1; i < round && wait < 8000; i++)
			wait *= 2;
	op.delay_ms = wait > 8000 ? 8000 : wait;
	if (aws_call_query(&op, IAM_VERSION, "") != ATTEST_OK)
		aws_fatal(c, ATTEST_ERR_NOMEM);
}

void
svc_iam_start(struct aws_collector *c)
{
	struct aws_op op;

	aws_attempt(c, TB(T_IAM_USER) | TB(T_IAM_GROUP) | TB(T_IAM_ROLE) | TB(T_IAM_POLICY) |
			       TB(T_IAM_SERVERCERT) | TB(T_IAM_SUMMARY) | TB(T_IAM_PWPOLICY) |
			       TB(T_IAM_CREDREPORT));
	gaad_request(c, NULL);
	summary_start(c);
	op = iam_op(c, "GetAccountPasswordPolicy", TB(T_IAM_PWPOLICY), pwpolicy_done, NULL);
	aws_call_query(&op, IAM_VERSION, "");
	certs_request(c, NULL);
	op = iam_op(c, "ListAccountAliases", 0, alias_done, NULL);
	aws_call_query(&op, IAM_VERSION, "");
	report_generate(c, 0);
}
