/*
 * Multi-account collection from an AWS Organization. With the caller's
 * credentials (the management account or a delegated administrator),
 * Organizations ListAccounts is read to the last page; failing that is an
 * error, as there would be nothing honest to collect. In each ACTIVE account
 * the named role is assumed (STS AssumeRole through the shared engine), and
 * as soon as an account's temporary credentials arrive its collection
 * starts, in the account's own enabled regions unless --regions names them:
 * one collector per account, all sharing the one engine (so the overall and
 * per-service bounds hold across accounts), the resource file and the
 * collection log, each request signed with its own account's credentials,
 * renewed before they expire. A few accounts run at once; when one has no
 * call left in flight the next one starts. An account whose role cannot be
 * assumed is one entry of the collection log (sts AssumeRole), not an
 * error: the others are collected.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

#include <openssl/crypto.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_TARGET "AWSOrganizationsV20161128.ListAccounts"

struct org;

struct member {
	struct aws_collector c; /* the account's own; engine, body, log, regions borrowed */
	struct org *org;
	char id[13];
	char *name;
	char *role_arn; /* the role assumed, kept to renew it */
	bool collected;
};

struct org {
	struct aws_collector *caller;
	const struct attest_aws_collect_opts *o;
	const char *partition;
	struct member *m;
	size_t n, cap;
	bool list_failed;
	char code[128], msg[512]; /* why ListAccounts failed */
	size_t assumed, denied;
	char session[64];
	bool member_regions; /* each account's own enabled regions (no --regions) */
	char *last_token;    /* of the previous ListAccounts page */
	size_t next;         /* the next account to start */
};

/* Accounts collected at once: enough to keep the engine's slots busy, few
 * enough that a large organization's queued calls (and its accounts'
 * credentials, which start to age when assumed) do not pile up. */
#define ACCOUNTS_IN_FLIGHT 8

static void assume(struct org *g, struct member *m);

/* Starts the next account, if any: called as each account finishes. */
static void
start_next(struct org *g)
{
	if (g->next < g->n && !g->caller->fatal)
		assume(g, &g->m[g->next++]);
}

/* An account's collection has no call left in flight: it is done. */
static void
member_idle(struct aws_collector *c)
{
	struct member *m = (struct member *)(void *)((char *)c - offsetof(struct member, c));

	c->idle = NULL;
	start_next(m->org);
}

/* ---- ListAccounts ---- */

static void list_page(struct aws_op *op, const struct aws_reply *r);

static void
list_fail(struct org *g, const char *code, const char *msg)
{
	g->list_failed = true;
	snprintf(g->code, sizeof(g->code), "%s", code ? code : "Unknown");
	snprintf(g->msg, sizeof(g->msg), "%s", msg ? msg : "");
}

static void
list_request(struct org *g, const char *token)
{
	struct aws_op op = {g->caller, "organizations", "ListAccounts", "", 0, list_page, g, 0,
			    NULL};
	json_t *body = json_object();

	if (!body || (token && json_object_set_new(body, "NextToken", json_string(token)))) {
		json_decref(body);
		aws_fatal(g->caller, core_nomem(g->caller->ctx));
		return;
	}
	if (aws_call_json_obj(&op, LIST_TARGET, body) != ATTEST_OK && !g->caller->fatal)
		list_fail(g, "EndpointError", attest_ctx_errmsg(g->caller->ctx));
}

static bool
account_id(const char *s)
{
	return s && strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* Adds an ACTIVE account (Status, or the newer State when Status is gone). */
static bool
add_account(struct org *g, json_t *a)
{
	const char *id = json_string_value(json_object_get(a, "Id"));
	const char *name = json_string_value(json_object_get(a, "Name"));
	const char *status = json_string_value(json_object_get(a, "Status"));
	struct member *m;
	size_t i;

	if (!status)
		status = json_string_value(json_object_get(a, "State"));
	if (!account_id(id)) {
		list_fail(g, "MalformedResponse", "an account Id is not 12 digits");
		return false;
	}
	if (!status || strcmp(status, "ACTIVE") != 0) {
		core_log(g->caller->ctx, ATTEST_LOG_INFO, "account %s is %s: not collected", id,
			 status ? status : "of unknown status");
		return true;
	}
	for (i = 0; i < g->n; i++)
		if (strcmp(g->m[i].id, id) == 0)
			return true;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;

		m = realloc(g->m, cap * sizeof(*m));
		if (!m)
			goto nomem;
		g->m = m;
		g->cap = cap;
	}
	m = &g->m[g->n];
	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "%s", id);
	if (!(m->name = strdup(name ? name : "")))
		goto nomem;
	g->n++;
	return true;
nomem:
	aws_fatal(g->caller, core_nomem(g->caller->ctx));
	return false;
}

static void
list_page(struct aws_op *op, const struct aws_reply *r)
{
	struct org *g = op->data;
	json_t *v = NULL, *list, *a;
	const char *token;
	size_t i;

	if (!r->ok) {
		list_fail(g, r->error_code, r->error_message);
		return;
	}
	if (aws_json_parse(op->c->ctx, op->operation, r->body, r->body_len, &v) != ATTEST_OK) {
		list_fail(g, "MalformedResponse", attest_ctx_errmsg(op->c->ctx));
		return;
	}
	list = json_object_get(v, "Accounts");
	if (!json_is_array(list)) {
		list_fail(g, "MalformedResponse", "the answer has no Accounts list");
		goto out;
	}
	json_array_foreach(list, i, a) if (!add_account(g, a)) goto out;
	token = json_string_value(json_object_get(v, "NextToken"));
	if (token && *token) {
		if (g->last_token && strcmp(g->last_token, token) == 0) {
			list_fail(g, "MalformedResponse", "the same page token came back twice");
			goto out;
		}
		free(g->last_token);
		if (!(g->last_token = strdup(token))) {
			aws_fatal(g->caller, core_nomem(g->caller->ctx));
			goto out;
		}
		list_request(g, token);
	}
out:
	json_decref(v);
}

static attest_rc
list_accounts(struct org *g)
{
	struct aws_collector *c = g->caller;
	attest_rc rc;

	list_request(g, NULL);
	rc = aws_engine_run(c->eng);
	if (rc == ATTEST_OK && c->fatal)
		rc = c->fatal;
	if (rc != ATTEST_OK)
		return rc;
	if (g->list_failed)
		return core_error(
			c->ctx, ATTEST_ERR_IO,
			"cannot list the accounts of the organization (Organizations "
			"ListAccounts): %s: %s; the credentials must be those of the "
			"organization's management account or of a delegated administrator",
			g->code, g->msg);
	if (g->n == 0)
		return core_error(c->ctx, ATTEST_ERR_IO,
				  "the organization has no ACTIVE account to collect");
	return ATTEST_OK;
}

/* ---- AssumeRole in each account, then its collection ---- */

/* An account not collected: one log entry, no type withheld. */
static void
not_collected(struct member *m, const char *code, const char *msg)
{
	struct org *g = m->org;

	aws_log_failure(g->caller, m->id, "sts", NULL, "AssumeRole", 0, code, msg);
	g->denied++;
	m->c.idle = NULL;
	core_log(g->caller->ctx, ATTEST_LOG_INFO, "account %s (%s) not collected: %s", m->id,
		 m->name, code ? code : "");
	start_next(g);
}

/* Adds every region of from to c's own list. */
static attest_rc
copy_regions(struct aws_collector *c, const struct aws_collector *from)
{
	size_t i;
	attest_rc rc = ATTEST_OK;

	for (i = 0; i < from->n_regions && rc == ATTEST_OK; i++)
		rc = aws_add_region(c, from->regions[i]);
	return rc;
}

/* The member account's enabled regions (opt-in regions are enabled per
 * account), then its collection. A failed DescribeRegions is logged and
 * the caller's regions are used. */
static void
regions_known(struct aws_op *op, const struct aws_reply *r)
{
	struct member *m = op->data;
	xmlDocPtr doc = NULL;
	xmlNodePtr n = NULL;
	json_t *list = NULL, *e;
	size_t i;

	if (!r->ok)
		aws_fail_reply(op, r);
	else if ((doc = aws_reply_xml(op, r)) != NULL &&
		 !(n = aws_xml_find(xmlDocGetRootElement(doc), "regionInfo")))
		aws_fail(op, "MalformedResponse", "no regionInfo in the answer");
	if (n &&
	    (list = aws_xml_list_to_json_op(n, op->version, op->operation, AWS_XML_EC2)) != NULL)
		json_array_foreach(list, i, e)
		{
			const char *name = json_string_value(json_object_get(e, "RegionName"));

			/* A name that is not one is skipped, as for the caller. */
			if (name && aws_add_region(&m->c, name) == ATTEST_ERR_NOMEM)
				aws_fatal(&m->c, ATTEST_ERR_NOMEM);
		}
	json_decref(list);
	if (doc)
		xmlFreeDoc(doc);
	if (m->c.n_regions == 0 && copy_regions(&m->c, m->org->caller) != ATTEST_OK)
		aws_fatal(&m->c, core_nomem(m->c.ctx));
	aws_collect_start(&m->c);
	if (m->c.fatal)
		aws_engine_cancel(m->c.eng);
}

static void
assumed(struct aws_op *op, const struct aws_reply *r)
{
	struct member *m = op->data;
	struct org *g = m->org;
	struct aws_credentials *cr = &m->c.cred;
	xmlDocPtr doc = NULL;
	xmlNodePtr creds;
	char *expiration;

	if (!r->ok) {
		not_collected(m, r->error_code, r->error_message);
		return;
	}
	if (core_xml_load_memory(op->c->ctx, op->operation, r->body, r->body_len, NULL, &doc) !=
	    ATTEST_OK) {
		not_collected(m, "MalformedResponse", attest_ctx_errmsg(op->c->ctx));
		goto out;
	}
	creds = aws_xml_find(xmlDocGetRootElement(doc), "Credentials");
	cr->access_key_id = aws_xml_child_text(creds, "AccessKeyId");
	cr->secret_access_key = aws_xml_child_text(creds, "SecretAccessKey");
	cr->session_token = aws_xml_child_text(creds, "SessionToken");
	if (!cr->access_key_id || !*cr->access_key_id || !cr->secret_access_key ||
	    !*cr->secret_access_key || !cr->session_token || !*cr->session_token) {
		aws_credentials_release(cr);
		not_collected(m, "MalformedResponse",
			      "the answer lacks AccessKeyId, SecretAccessKey or SessionToken");
		goto out;
	}
	/* Renewed before it expires: a large organization outlasts an hour. */
	expiration = aws_xml_child_text(creds, "Expiration");
	if (!core_time_parse(expiration, &cr->expiration))
		cr->expiration = 0; /* none given: used as it is until the end */
	free(expiration);
	m->c.renew_with = &g->caller->cred;
	m->c.renew_via = g->caller;
	m->c.renew_role = m->role_arn;
	m->c.renew_external_id = g->o->external_id;
	m->c.renew_session = g->session;
	m->c.renew_issued = time(NULL);
	m->collected = true;
	g->assumed++;
	core_log(g->caller->ctx, ATTEST_LOG_INFO, "collecting account %s (%s)", m->id, m->name);
	if (g->member_regions) {
		struct aws_op rop = {&m->c, "ec2", "DescribeRegions", "", 0, regions_known, m,
				     0,     NULL};

		snprintf(rop.region, sizeof(rop.region), "%s", m->c.home_region);
		if (aws_call_query(&rop, "2016-11-15", "") == ATTEST_OK) {
			if (m->c.inflight == 0)
				member_idle(&m->c);
			goto out;
		}
		/* not sent (logged): the caller's regions */
		if (copy_regions(&m->c, g->caller) != ATTEST_OK) {
			aws_fatal(&m->c, core_nomem(m->c.ctx));
			goto out;
		}
	}
	aws_collect_start(&m->c);
	if (m->c.fatal)
		aws_engine_cancel(m->c.eng);
	if (m->c.inflight == 0)
		member_idle(&m->c);
out:
	if (doc)
		xmlFreeDoc(doc);
	/* The answer held the account's secret key and token: the buffer is
	 * the engine's, lent for this call, and not read again after it. */
	OPENSSL_cleanse((void *)r->body, r->body_len);
}

static void
assume(struct org *g, struct member *m)
{
	struct aws_collector *c = g->caller;
	struct aws_op op = {c, "sts", "AssumeRole", "", 0, assumed, m, 0, NULL};
	struct core_buf arn, params;

	/* The account's collector: its own credentials, endpoints and kept
	 * values; everything else is the caller's. */
	m->org = g;
	m->c.ctx = c->ctx;
	m->c.eng = c->eng;
	m->c.profile = c->profile;
	m->c.home_region = c->home_region;
	m->c.body = c->body;
	m->c.log = c->log;
	m->c.poll_ms = c->poll_ms;
	m->c.want = c->want;
	m->c.account = strdup(m->id);
	m->c.keep = json_array();
	m->c.idle = member_idle;
	core_buf_init(&arn, 4096);
	core_buf_init(&params, 8192);
	if (!m->c.account || !m->c.keep ||
	    (!g->member_regions && copy_regions(&m->c, c) != ATTEST_OK) ||
	    core_buf_printf(&arn, "arn:%s:iam::%s:role/%s", g->partition, m->id, g->o->role_name) !=
		    ATTEST_OK ||
	    !(m->role_arn = strdup(arn.data)) || aws_param(&params, "RoleArn", arn.data) ||
	    aws_param(&params, "RoleSessionName", g->session) ||
	    aws_param(&params, "DurationSeconds", "3600") ||
	    (g->o->external_id && *g->o->external_id &&
	     aws_param(&params, "ExternalId", g->o->external_id))) {
		aws_fatal(c, core_nomem(c->ctx));
		goto out;
	}
	/* The caller's credentials sign; the regional STS endpoint answers. */
	snprintf(op.region, sizeof(op.region), "%s", c->home_region);
	if (aws_call_query(&op, "2011-06-15", params.data) != ATTEST_OK && !c->fatal)
		not_collected(m, "EndpointError", attest_ctx_errmsg(c->ctx));
out:
	core_buf_release(&arn);
	core_buf_release(&params);
}

void
aws_renew_role(struct aws_collector *c)
{
	struct aws_assume_role req = {0};
	struct aws_credentials fresh = {0};
	time_t now = time(NULL), margin;

	if (c->renew_via && c->renew_via->renew_with)
		aws_renew_role(c->renew_via);
	if (!c->cred.expiration || now < c->renew_retry)
		return;
	margin = (c->cred.expiration - c->renew_issued) / 4;
	if (margin > 300)
		margin = 300;
	if (c->cred.expiration - now > margin)
		return;
	req.role_arn = c->renew_role;
	req.session_name = c->renew_session;
	req.external_id =
		c->renew_external_id && *c->renew_external_id ? c->renew_external_id : NULL;
	req.duration_seconds = 3600;
	if (aws_sts_assume_role(c->ctx, NULL, c->home_region, c->profile, c->renew_with, &req,
				&fresh) != ATTEST_OK) {
		c->renew_retry = now + 30;
		core_log(c->ctx, ATTEST_LOG_INFO,
			 "account %s: cannot renew the role's credentials (retried in 30 s): %s",
			 c->account, attest_ctx_errmsg(c->ctx));
		return;
	}
	aws_credentials_release(&c->cred);
	c->cred = fresh;
	c->renew_issued = now;
	core_log(c->ctx, ATTEST_LOG_DEBUG, "account %s: the role's credentials were renewed",
		 c->account);
}

/* "account: code: message" of the first AssumeRole entry of the log. */
static const char *
first_denial(json_t *log, char *line, size_t size)
{
	json_t *e;
	size_t i;

	json_array_foreach(log, i,
			   e) if (strcmp(json_string_value(json_object_get(e, "operation")) ?: "",
					 "AssumeRole") == 0)
	{
		snprintf(line, size, "%s: %s: %s",
			 json_string_value(json_object_get(e, "account")) ?: "",
			 json_string_value(json_object_get(e, "error_code")) ?: "",
			 json_string_value(json_object_get(e, "message")) ?: "");
		return line;
	}
	return "none";
}

/* ---- progress ---- */

static void
tick(void *data)
{
	struct org *g = data;
	struct aws_engine_stats s;
	unsigned long resources = 0;
	size_t i;

	for (i = 0; i < g->n; i++)
		resources += g->m[i].c.resources;
	aws_engine_stats(g->caller->eng, &s);
	core_log(g->caller->ctx, ATTEST_LOG_INFO,
		 "collecting the organization: %zu accounts (%zu not collected) x %zu regions x "
		 "%zu services, %lu calls, %lu retries, %zu errors, %lu resources",
		 g->assumed, g->denied, g->caller->n_regions, aws_n_services, s.calls, s.retries,
		 json_array_size(g->caller->log), resources);
}

/* ---- the whole ---- */

/* An IAM role name, with an optional path: [\w+=,.@-/], not an ARN. */
attest_rc
aws_org_check(attest_ctx *ctx, const char *name)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				 "_+=,.@-/";
	size_t n = name ? strlen(name) : 0;

	if (name && strncmp(name, "arn:", 4) == 0)
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "role name '%.80s' is an ARN: give the role's name, which is "
				  "assumed in every account",
				  name);
	if (!name)
		return core_error(ctx, ATTEST_ERR_USAGE,
				  "collecting an organization needs the role name to assume");
	if (n == 0 || n > 512 || strspn(name, ok) != n || name[0] == '/' || name[n - 1] == '/')
		return core_error(ctx, ATTEST_ERR_USAGE, "'%.80s' is not an IAM role name", name);
	return ATTEST_OK;
}

attest_rc
aws_org_collect(struct aws_collector *caller, const struct attest_aws_collect_opts *o,
		const char *partition, json_t *accounts, struct attest_aws_collect_stats *st)
{
	struct org g = {0};
	char why[400];
	size_t i, j, in_flight;
	attest_rc rc;

	g.caller = caller;
	g.o = o;
	g.partition = partition;
	g.member_regions = o->n_regions == 0;
	for (i = 0; i < o->n_regions; i++)
		if (strcmp(o->regions[i], "all") == 0)
			g.member_regions = true;
	snprintf(g.session, sizeof(g.session), "attest-%lld", (long long)time(NULL));
	if ((rc = aws_org_check(caller->ctx, o->role_name)) != ATTEST_OK ||
	    (rc = list_accounts(&g)) != ATTEST_OK)
		goto out;
	core_log(caller->ctx, ATTEST_LOG_INFO,
		 "collecting %zu accounts of the organization in %zu regions", g.n,
		 caller->n_regions);
	aws_engine_set_tick(caller->eng, tick, &g);
	in_flight = o->accounts_in_flight ? o->accounts_in_flight : ACCOUNTS_IN_FLIGHT;
	for (i = 0; i < in_flight; i++)
		start_next(&g);
	if (caller->fatal)
		aws_engine_cancel(caller->eng);
	rc = aws_engine_run(caller->eng);
	aws_engine_set_tick(caller->eng, NULL, NULL);
	if (rc == ATTEST_OK && caller->fatal)
		rc = caller->fatal;
	/* Types failed in any account are withheld for the whole inventory. */
	for (i = 0; i < g.n; i++) {
		struct member *m = &g.m[i];

		if (rc == ATTEST_OK && m->c.fatal)
			rc = m->c.fatal;
		/* The header names every region collected in any account. */
		for (j = 0; j < m->c.n_regions && rc == ATTEST_OK; j++)
			rc = aws_add_region(caller, m->c.regions[j]);
		caller->attempted |= m->c.attempted;
		caller->failed |= m->c.failed;
		caller->resources += m->c.resources;
		if (rc == ATTEST_OK && m->collected &&
		    json_array_append_new(
			    accounts, json_pack("{s:s, s:s}", "id", m->id, "name", m->name)) != 0)
			rc = core_nomem(caller->ctx);
	}
	st->accounts = g.assumed;
	st->accounts_failed = g.denied;
	/* Some accounts missing is a gap; all of them is a failure. */
	if (rc == ATTEST_OK && g.assumed == 0)
		rc = core_error(caller->ctx, ATTEST_ERR_IO,
				"no account of the organization could be collected: role '%s' "
				"could not be assumed in any of its %zu accounts (first: %s)",
				o->role_name, g.n, first_denial(caller->log, why, sizeof(why)));
out:
	for (i = 0; i < g.n; i++) {
		struct member *m = &g.m[i];

		aws_collector_release_endpoints(&m->c);
		aws_credentials_release(&m->c.cred);
		free(m->c.account);
		json_decref(m->c.keep);
		json_decref(m->c.seen);
		free(m->name);
		free(m->role_arn);
		for (j = 0; j < m->c.n_regions; j++)
			free(m->c.regions[j]);
		free(m->c.regions);
	}
	free(g.m);
	free(g.last_token);
	return rc;
}
