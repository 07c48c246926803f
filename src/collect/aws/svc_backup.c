/*
 * AWS Backup, in each region (REST-JSON): the vaults (ListBackupVaults,
 * NextToken), each with its access policy (GetBackupVaultAccessPolicy,
 * parsed into an object; null on ResourceNotFoundException), and the plans
 * (ListBackupPlans), each read whole (GetBackupPlan) with its selections:
 * ListBackupSelections (every page), then GetBackupSelection for each one in
 * turn, so that Selections keeps the order AWS lists them in.
 */
#include "config.h"

#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

/* ---- vaults ---- */

static const struct aws_followup vault_calls[] = {
	{.operation = "GetBackupVaultAccessPolicy",
	 .method = "GET",
	 .path = "/backup-vaults/{BackupVaultName}/access-policy",
	 .into = AWS_INTO_POLICY,
	 .from = "Policy",
	 .key = "AccessPolicy",
	 .absent = "ResourceNotFoundException"},
	{NULL},
};

static const struct aws_followups vault = {
	.type = T_BACKUP_VAULT,
	.service = "backup",
	.proto = AWS_FU_REST,
	.calls = vault_calls,
};

static void
each_vault(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *name = json_string_value(json_object_get(item, "BackupVaultName"));
	struct aws_asm *it;

	(void)data;
	if (!name)
		return;
	it = aws_asm_new(c, vault.type, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, name, json_string_value(json_object_get(item, "BackupVaultArn")), name);
	aws_asm_supp(it, NULL, NULL);
	aws_asm_follow(it, &vault, item);
}

static const struct aws_jlist vaults = {"backup",
					"ListBackupVaults",
					NULL,
					NULL,
					NULL,
					"/backup-vaults/?maxResults=1000",
					"BackupVaultList",
					"nextToken",
					"NextToken",
					TB(T_BACKUP_VAULT),
					each_vault,
					NULL};

/* ---- plans ---- */

/* While the selections are read, their ids wait in the supplementary
 * object under this key (removed before the plan is written). */
#define IDS_KEY "attest:selection-ids"

static attest_rc
plan_path(struct core_buf *b, const char *plan, const char *rest, const char *sel,
	  const char *query)
{
	core_buf_reset(b);
	if (core_buf_adds(b, "/backup/plans/") || aws_buf_encode(b, plan, false) ||
	    core_buf_adds(b, rest) || (sel && aws_buf_encode(b, sel, false)) ||
	    (query && core_buf_adds(b, query)))
		return ATTEST_ERR_NOMEM;
	return ATTEST_OK;
}

static void selection_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r);

/* Reads the next selection whose id waits, or finishes the list. */
static void
next_selection(struct aws_asm *it)
{
	json_t *ids = json_object_get(it->supp, IDS_KEY);
	json_t *sels = json_object_get(it->supp, "Selections");
	struct core_buf b;

	if (json_array_size(sels) >= json_array_size(ids)) {
		json_object_del(it->supp, IDS_KEY);
		return;
	}
	core_buf_init(&b, 1024);
	if (plan_path(&b, it->id, "/selections/",
		      json_string_value(json_array_get(ids, json_array_size(sels))), NULL)) {
		aws_asm_nomem(it);
	} else {
		aws_asm_rest(it, "backup", "GetBackupSelection", "GET", b.data, NULL,
			     selection_done);
	}
	core_buf_release(&b);
}

static void
selection_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = NULL, *s, *sels = json_object_get(it->supp, "Selections");

	if (!r->ok && r->error_code && strcmp(r->error_code, "ResourceNotFoundException") == 0) {
		/* A selection deleted since it was listed: the plan stands
		 * without it. */
		json_array_remove(json_object_get(it->supp, IDS_KEY), json_array_size(sels));
		next_selection(it);
	} else if ((v = aws_asm_reply_json(it, op, r, NULL, NULL)) != NULL) {
		s = json_object_get(v, "BackupSelection");
		if (!json_is_object(s))
			aws_asm_fail(it, op, "MalformedResponse",
				     "no BackupSelection in the answer");
		else if (json_array_append(json_object_get(it->supp, "Selections"), s) != 0)
			aws_asm_fail(it, op, "MalformedResponse", "no selection list");
		else
			next_selection(it);
		json_decref(v);
	}
}

static void
selections_page(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = NULL, *e;
	json_t *ids = json_object_get(it->supp, IDS_KEY);
	const char *token;
	struct core_buf b;
	size_t i;

	if (aws_asm_gone(it, op, r, "ResourceNotFoundException") ||
	    !(v = aws_asm_reply_json(it, op, r, NULL, NULL)))
		goto out;
	json_array_foreach(json_object_get(v, "BackupSelectionsList"), i,
			   e) if (!json_is_string(json_object_get(e, "SelectionId")) ||
				  json_array_append(ids, json_object_get(e, "SelectionId")) != 0)
	{
		aws_asm_fail(it, op, "MalformedResponse", "a selection without SelectionId");
		goto out;
	}
	token = json_string_value(json_object_get(v, "NextToken"));
	core_buf_init(&b, 1024);
	if (token && *token) {
		if (plan_path(&b, it->id, "/selections/", NULL, "?maxResults=1000&nextToken=") ||
		    aws_buf_encode(&b, token, false)) {
			aws_asm_nomem(it);
		} else {
			aws_asm_rest(it, "backup", "ListBackupSelections", "GET", b.data, NULL,
				     selections_page);
		}
	} else {
		next_selection(it);
	}
	core_buf_release(&b);
out:
	json_decref(v);
}

static void
plan_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v;

	/* A plan deleted since it was listed. */
	if (aws_asm_gone(it, op, r, "ResourceNotFoundException"))
		return;
	if ((v = aws_asm_reply_json(it, op, r, NULL, NULL)) != NULL) {
		if (!json_is_object(json_object_get(v, "BackupPlan"))) {
			aws_asm_fail(it, op, "MalformedResponse", "no BackupPlan in the answer");
			json_decref(v);
		} else {
			json_decref(it->conf);
			it->conf = v;
		}
	}
}

/* The plan whole, and the first page of its selections (selections_page
 * asks for the next pages, then each selection in turn). */
static const struct aws_followup plan_calls[] = {
	{.operation = "GetBackupPlan",
	 .method = "GET",
	 .path = "/backup/plans/{BackupPlanId}/",
	 .fn = plan_done},
	{.operation = "ListBackupSelections",
	 .method = "GET",
	 .path = "/backup/plans/{BackupPlanId}/selections/?maxResults=1000",
	 .fn = selections_page},
	{NULL},
};

static const struct aws_followups plan_table = {
	.type = T_BACKUP_PLAN,
	.service = "backup",
	.proto = AWS_FU_REST,
	.calls = plan_calls,
};

static void
each_plan(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "BackupPlanId"));
	struct aws_asm *it;

	(void)data;
	if (!id)
		return;
	it = aws_asm_new(c, plan_table.type, region, NULL);
	if (!it)
		return;
	aws_asm_ids(it, id, json_string_value(json_object_get(item, "BackupPlanArn")),
		    json_string_value(json_object_get(item, "BackupPlanName")));
	aws_asm_supp(it, NULL, NULL);
	aws_asm_supp(it, "Selections", json_array());
	aws_asm_supp(it, IDS_KEY, json_array());
	aws_asm_follow(it, &plan_table, item);
}

static const struct aws_jlist plans = {"backup",
				       "ListBackupPlans",
				       NULL,
				       NULL,
				       NULL,
				       "/backup/plans/?maxResults=1000",
				       "BackupPlansList",
				       "nextToken",
				       "NextToken",
				       TB(T_BACKUP_PLAN),
				       each_plan,
				       NULL};

void
svc_backup_start(struct aws_collector *c, const char *region)
{
	aws_json_list(c, &vaults, region, NULL);
	aws_json_list(c, &plans, region, NULL);
}
