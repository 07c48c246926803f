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

#include "collect/aws/collect_int.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define IAM_VERSION "2010-05-08"
#define POLL_MAX 12

static struct aws_op
iam_op(struct aws_collector *c, const char *operation, aws_typeset types, aws_op_fn fn,
       void *data)
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

	json_array_foreach(list, i, e)
		decode_doc(e, key);
}

/* ---- ListEntitiesForPolicy: one policy waits for its attachments ---- */

struct policy {
	json_t *conf;
	json_t *users, *groups, *roles;
};

static void policy_page(struct aws_op *op, const struct aws_reply *r);

static void
policy_request(struct aws_collector *c, struct policy *p, const char *marker)
{
	struct aws_op op = iam_op(c, "ListEntitiesForPolicy", TB(T_IAM_POLICY), policy_page, p);
	struct attest_buf b;

	attest_buf_init(&b, 8192);
	if (aws_param(&b, "PolicyArn", json_string_value(json_object_get(p->conf, "Arn"))) ||
	    (marker && aws_param(&b, "Marker", marker)) ||
	    aws_call_query(&op, IAM_VERSION, b.data) != ATTEST_OK) {
		aws_fatal(c, ATTEST_ERR_NOMEM);
		json_decref(p->conf);
		json_decref(p->users);
		json_decref(p->groups);
		json_decref(p->roles);
		free(p);
	}
	attest_buf_release(&b);
}

static void
names(json_t *dst, xmlNodePtr list, const char *key)
{
	json_t *a = list ? aws_xml_list_to_json_op(list, IAM_VERSION, "ListEntitiesForPolicy",
						 AWS_XML_QUERY)
			 : NULL,
	       *e;
	size_t i;

	json_array_foreach(a, i, e) {
		const char *n = json_string_value(json_object_get(e, key));

		if (n)
			json_array_append_new(dst, json_string(n));
	}
	json_decref(a);
}

static void
policy_page(struct aws_op *op, const struct aws_reply *r)
{
	struct policy *p = op->data;
	xmlDocPtr doc = NULL;
	xmlNodePtr res;
	char *trunc = NULL, *marker = NULL;
	const char *arn, *name;

	if (!r->ok) {
		aws_fail_reply(op, r);
		goto drop;
	}
	if (!(doc = aws_reply_xml(op, r)))
		goto drop;
	res = result(doc, "ListEntitiesForPolicy");
	names(p->users, aws_xml_child(res, "PolicyUsers"), "UserName");
	names(p->groups, aws_xml_child(res, "PolicyGroups"), "GroupName");
	names(p->roles, aws_xml_child(res, "PolicyRoles"), "RoleName");
	trunc = aws_xml_child_text(res, "IsTruncated");
	marker = aws_xml_child_text(res, "Marker");
	xmlFreeDoc(doc);
	if (trunc && strcmp(trunc, "true") == 0 && marker && *marker) {
		policy_request(op->c, p, marker);
		free(trunc);
		free(marker);
		return;
	}
	free(trunc);
	free(marker);
	arn = json_string_value(json_object_get(p->conf, "Arn"));
	name = json_string_value(json_object_get(p->conf, "PolicyName"));
	aws_emit(op->c, T_IAM_POLICY, arn, arn, name, NULL, NULL, p->conf,
		 json_pack("{s:o, s:o, s:o}", "PolicyUsers", p->users, "PolicyGroups", p->groups,
			   "PolicyRoles", p->roles));
	free(p);
	return;
drop:
	json_decref(p->conf);
	json_decref(p->users);
	json_decref(p->groups);
	json_decref(p->roles);
	free(p);
}

/* ---- GetAccountAuthorizationDetails ---- */

static void gaad_page(struct aws_op *op, const struct aws_reply *r);

static void
gaad_request(struct aws_collector *c, const char *marker)
{
	struct aws_op op = iam_op(c, "GetAccountAuthorizationDetails",
				  TB(T_IAM_USER) | TB(T_IAM_GROUP) | TB(T_IAM_ROLE) | TB(T_IAM_POLICY),
				  gaad_page, NULL);
	struct attest_buf b;

	attest_buf_init(&b, 8192);
	if (attest_buf_adds(&b, "&Filter.member.1=User&Filter.member.2=Role&Filter.member.3=Group"
				"&Filter.member.4=LocalManagedPolicy"
				"&Filter.member.5=AWSManagedPolicy&MaxItems=1000") ||
	    (marker && aws_param(&b, "Marker", marker)) ||
	    aws_call_query(&op, IAM_VERSION, b.data) != ATTEST_OK)
		aws_fatal(c, ATTEST_ERR_NOMEM);
	attest_buf_release(&b);
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
	res = aws_xml_to_json_op(result(doc, "GetAccountAuthorizationDetails"), IAM_VERSION, "GetAccountAuthorizationDetails", AWS_XML_QUERY);
	xmlFreeDoc(doc);
	if (!res) {
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	json_array_foreach(json_object_get(res, "UserDetailList"), i, e) {
		decode_docs(json_object_get(e, "UserPolicyList"), "PolicyDocument");
		emit_named(c, T_IAM_USER, e, "UserName");
	}
	json_array_foreach(json_object_get(res, "GroupDetailList"), i, e) {
		decode_docs(json_object_get(e, "GroupPolicyList"), "PolicyDocument");
		emit_named(c, T_IAM_GROUP, e, "GroupName");
	}
	json_array_foreach(json_object_get(res, "RoleDetailList"), i, e) {
		decode_doc(e, "AssumeRolePolicyDocument");
		decode_docs(json_object_get(e, "RolePolicyList"), "PolicyDocument");
		json_array_foreach(json_object_get(e, "InstanceProfileList"), k, ip)
			decode_docs(json_object_get(ip, "Roles"), "AssumeRolePolicyDocument");
		(void)role;
		emit_named(c, T_IAM_ROLE, e, "RoleName");
	}
	json_array_foreach(json_object_get(res, "Policies"), i, e) {
		struct policy *p;

		arn = json_string_value(json_object_get(e, "Arn"));
		/* AWS-managed policies nobody uses are the same in every account. */
		if (!arn || (strncmp(arn, "arn:aws:iam::aws:policy/", 24) == 0 &&
			     json_integer_value(json_object_get(e, "AttachmentCount")) == 0))
			continue;
		decode_docs(json_object_get(e, "PolicyVersionList"), "Document");
		p = calloc(1, sizeof(*p));
		if (!p || !(p->users = json_array()) || !(p->groups = json_array()) ||
		    !(p->roles = json_array())) {
			if (p) {
				json_decref(p->users);
				json_decref(p->groups);
			}
			free(p);
			aws_fatal(c, attest_nomem(c->ctx));
			break;
		}
		p->conf = json_incref(e);
		policy_request(c, p, NULL);
	}
	if (json_is_true(json_object_get(res, "IsTruncated")) &&
	    (marker = json_string_value(json_object_get(res, "Marker"))) != NULL)
		gaad_request(c, marker);
	json_decref(res);
}

/* ---- account summary + virtual MFA devices ---- */

struct summary {
	json_t *map;
	json_t *mfa;
	int pending;
	bool failed;
};

static void
summary_step(struct aws_collector *c, struct summary *s)
{
	if (--s->pending > 0)
		return;
	if (!s->failed)
		aws_emit(c, T_IAM_SUMMARY, c->account, NULL, NULL, NULL, NULL,
			 json_pack("{s:O}", "SummaryMap", s->map),
			 json_pack("{s:O}", "VirtualMFADevices", s->mfa));
	json_decref(s->map);
	json_decref(s->mfa);
	free(s);
}

static void
summary_done(struct aws_op *op, const struct aws_reply *r)
{
	struct summary *s = op->data;
	xmlDocPtr doc = NULL;
	json_t *res;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((doc = aws_reply_xml(op, r)) != NULL) {
		res = aws_xml_to_json_op(result(doc, "GetAccountSummary"), IAM_VERSION, "GetAccountSummary", AWS_XML_QUERY);
		s->map = json_incref(json_object_get(res, "SummaryMap"));
		json_decref(res);
		if (!json_is_object(s->map))
			aws_fail(op, "MalformedResponse", "no SummaryMap in the answer");
	}
	if (!json_is_object(s->map))
		s->failed = true;
	xmlFreeDoc(doc);
	summary_step(op->c, s);
}

static void mfa_page(struct aws_op *op, const struct aws_reply *r);

static void
mfa_request(struct aws_collector *c, struct summary *s, const char *marker)
{
	struct aws_op op = iam_op(c, "ListVirtualMFADevices", TB(T_IAM_SUMMARY), mfa_page, s);
	struct attest_buf b;

	attest_buf_init(&b, 8192);
	if ((marker && aws_param(&b, "Marker", marker)) ||
	    aws_call_query(&op, IAM_VERSION, b.data ? b.data : "") != ATTEST_OK) {
		s->failed = true;
		summary_step(c, s);
	}
	attest_buf_release(&b);
}

static void
mfa_page(struct aws_op *op, const struct aws_reply *r)
{
	struct summary *s = op->data;
	xmlDocPtr doc;
	json_t *res;
	const char *marker;

	if (!r->ok || !(doc = r->ok ? aws_reply_xml(op, r) : NULL)) {
		if (!r->ok)
			aws_fail_reply(op, r);
		s->failed = true;
		summary_step(op->c, s);
		return;
	}
	res = aws_xml_to_json_op(result(doc, "ListVirtualMFADevices"), IAM_VERSION, "ListVirtualMFADevices", AWS_XML_QUERY);
	xmlFreeDoc(doc);
	json_array_extend(s->mfa, json_object_get(res, "VirtualMFADevices"));
	if (json_is_true(json_object_get(res, "IsTruncated")) &&
	    (marker = json_string_value(json_object_get(res, "Marker"))) != NULL) {
		mfa_request(op->c, s, marker);
		json_decref(res);
		return;
	}
	json_decref(res);
	summary_step(op->c, s);
}

/* ---- password policy, server certificates, alias ---- */

static void
pwpolicy_done(struct aws_op *op, const struct aws_reply *r)
{
	xmlDocPtr doc;
	json_t *res;

	if (!r->ok) {
		if (r->error_code && strcmp(r->error_code, "NoSuchEntity") == 0)
			aws_emit(op->c, T_IAM_PWPOLICY, op->c->account, NULL, NULL, NULL, NULL, NULL,
				 NULL);
		else
			aws_fail_reply(op, r);
		return;
	}
	if (!(doc = aws_reply_xml(op, r)))
		return;
	res = aws_xml_to_json_op(result(doc, "GetAccountPasswordPolicy"), IAM_VERSION, "GetAccountPasswordPolicy", AWS_XML_QUERY);
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
	struct aws_op op = iam_op(c, "ListServerCertificates", TB(T_IAM_SERVERCERT), certs_page,
				  NULL);
	struct attest_buf b;

	attest_buf_init(&b, 8192);
	if ((marker && aws_param(&b, "Marker", marker)) ||
	    aws_call_query(&op, IAM_VERSION, b.data ? b.data : "") != ATTEST_OK)
		aws_fatal(c, ATTEST_ERR_NOMEM);
	attest_buf_release(&b);
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
	res = aws_xml_to_json_op(result(doc, "ListServerCertificates"), IAM_VERSION, "ListServerCertificates", AWS_XML_QUERY);
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
		res = aws_xml_to_json_op(result(doc, "ListAccountAliases"), IAM_VERSION, "ListAccountAliases", AWS_XML_QUERY);
		alias = json_string_value(json_array_get(json_object_get(res, "AccountAliases"), 0));
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
	struct attest_buf cell;
	bool first = true, quoted;
	size_t col;

	attest_buf_init(&cell, 1 << 16);
	while (header && *p) {
		row = json_object();
		if (!row)
			break;
		for (col = 0;; col++) {
			attest_buf_reset(&cell);
			quoted = *p == '"';
			if (quoted)
				p++;
			while (*p) {
				if (quoted && *p == '"' && p[1] == '"') {
					attest_buf_addc(&cell, '"');
					p += 2;
				} else if (quoted && *p == '"') {
					quoted = false;
					p++;
				} else if (!quoted && (*p == ',' || *p == '\n' || *p == '\r')) {
					break;
				} else if (attest_buf_addc(&cell, *p++) != ATTEST_OK) {
					break;
				}
			}
			if (first)
				json_array_append_new(header, json_string(cell.data ? cell.data : ""));
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
	attest_buf_release(&cell);
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
	struct aws_op get = iam_op(op->c, "GetCredentialReport", TB(T_IAM_CREDREPORT),
				   report_get_done, NULL);
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
	struct summary *s;
	struct aws_op op;

	aws_attempt(c, TB(T_IAM_USER) | TB(T_IAM_GROUP) | TB(T_IAM_ROLE) | TB(T_IAM_POLICY) |
			       TB(T_IAM_SERVERCERT) | TB(T_IAM_SUMMARY) | TB(T_IAM_PWPOLICY) |
			       TB(T_IAM_CREDREPORT));
	gaad_request(c, NULL);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->mfa = json_array())) {
		free(s);
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	s->pending = 2;
	op = iam_op(c, "GetAccountSummary", TB(T_IAM_SUMMARY), summary_done, s);
	if (aws_call_query(&op, IAM_VERSION, "") != ATTEST_OK) {
		s->failed = true;
		summary_step(c, s);
	}
	mfa_request(c, s, NULL);
	op = iam_op(c, "GetAccountPasswordPolicy", TB(T_IAM_PWPOLICY), pwpolicy_done, NULL);
	aws_call_query(&op, IAM_VERSION, "");
	certs_request(c, NULL);
	op = iam_op(c, "ListAccountAliases", 0, alias_done, NULL);
	aws_call_query(&op, IAM_VERSION, "");
	report_generate(c, 0);
}
