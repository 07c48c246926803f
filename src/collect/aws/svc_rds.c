/*
 * RDS, in each region: DB instances (DescribeDBInstances, query protocol,
 * Marker pagination), with their TagList as the resource's tags, each with
 * the TLS parameters of its parameter group (DescribeDBParameters, every
 * page; kept: rds.force_ssl and require_secure_transport, the ones the
 * checks judge) as supplementary DBParameters. Then DB clusters
 * (DescribeDBClusters) with the same TLS parameters of their cluster
 * parameter group (DescribeDBClusterParameters) as DBClusterParameters, and
 * the account's own DB snapshots and DB cluster snapshots
 * (DescribeDBSnapshots, DescribeDBClusterSnapshots) with who may restore
 * them (DescribeDBSnapshotAttributes, DescribeDBClusterSnapshotAttributes).
 */
#include "config.h"

#include "collect/aws/collect_int.h"
#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define RDS_VERSION "2014-10-31"

static const char *const kept[] = {"rds.force_ssl", "require_secure_transport", NULL};

/* The TLS parameters of an instance's or a cluster's parameter group
 * (a->data: its name), every page, into supplementaryConfiguration. */
struct pgroup {
	const char *operation, *param, *key;
};
static const struct pgroup db_group = {"DescribeDBParameters", "DBParameterGroupName",
				       "DBParameters"};
static const struct pgroup cluster_group = {"DescribeDBClusterParameters",
					    "DBClusterParameterGroupName", "DBClusterParameters"};

static void params_page(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r);

static void
params_request(struct aws_asm *a, const char *marker)
{
	const struct pgroup *g = a->type == T_RDS_DB ? &db_group : &cluster_group;
	struct core_buf b;

	core_buf_init(&b, 8192);
	if (aws_param(&b, g->param, a->data) || core_buf_adds(&b, "&MaxRecords=100") ||
	    (marker && aws_param(&b, "Marker", marker)))
		aws_asm_nomem(a);
	else
		aws_asm_query(a, "rds", g->operation, RDS_VERSION, b.data, params_page);
	core_buf_release(&b);
}

static void
params_page(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	const struct pgroup *g = a->type == T_RDS_DB ? &db_group : &cluster_group;
	json_t *res = aws_asm_reply_query(a, op, r), *p;
	json_t *kept_list = json_object_get(a->supp, g->key);
	const char *marker, *name;
	size_t i, k;

	if (!res)
		return;
	json_array_foreach(json_object_get(res, "Parameters"), i, p)
	{
		name = json_string_value(json_object_get(p, "ParameterName"));
		for (k = 0; name && kept[k]; k++)
			if (strcmp(name, kept[k]) == 0 && json_array_append(kept_list, p) != 0)
				aws_asm_nomem(a);
	}
	marker = json_string_value(json_object_get(res, "Marker"));
	if (marker && *marker)
		params_request(a, marker);
	json_decref(res);
}

/* Reads the parameters of group (NULL: none named, nothing to read). */
static void
params_start(struct aws_asm *a, const char *group)
{
	if (group && !(a->data = strdup(group)))
		aws_asm_nomem(a);
	else if (group)
		params_request(a, NULL);
}

static void
each_db(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "DBInstanceIdentifier"));
	const char *group = json_string_value(
		json_object_get(json_array_get(json_object_get(item, "DBParameterGroups"), 0),
				"DBParameterGroupName"));
	struct aws_asm *a;

	(void)data;
	if (!id || !(a = aws_asm_new(c, T_RDS_DB, region, json_incref(item))))
		return;
	aws_asm_ids(a, id, json_string_value(json_object_get(item, "DBInstanceArn")), id);
	a->tags = aws_tags_object(json_object_get(item, "TagList"));
	aws_asm_supp(a, "DBParameters", json_array());
	params_start(a, group);
	aws_asm_done(a);
}

static const struct aws_qlist dbs = {
	"rds",    RDS_VERSION,   "DescribeDBInstances", "&MaxRecords=100", "DBInstances", "Marker",
	"Marker", AWS_XML_QUERY, TB(T_RDS_DB),          each_db,           NULL};

/* ---- DB clusters ---- */

static void
each_cluster(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *id = json_string_value(json_object_get(item, "DBClusterIdentifier"));
	const char *group = json_string_value(json_object_get(item, "DBClusterParameterGroup"));
	struct aws_asm *it;

	(void)data;
	if (!id)
		return;
	it = aws_asm_new(c, T_RDS_CLUSTER, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, id, json_string_value(json_object_get(item, "DBClusterArn")), id);
	aws_asm_supp(it, NULL, NULL);
	aws_asm_tags(it, json_object_get(item, "TagList"));
	aws_asm_supp(it, "DBClusterParameters", json_array());
	params_start(it, group);
	aws_asm_done(it);
}

static const struct aws_qlist clusters = {
	"rds",    RDS_VERSION,   "DescribeDBClusters", "&MaxRecords=100", "DBClusters", "Marker",
	"Marker", AWS_XML_QUERY, TB(T_RDS_CLUSTER),    each_cluster,      NULL};

/* ---- snapshots ---- */

static void
attrs_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	bool cluster = it->type == T_RDS_CLUSTERSNAP;
	const char *key = cluster ? "DBClusterSnapshotAttributes" : "DBSnapshotAttributes";
	json_t *res = aws_asm_reply_query(it, op, r), *list;

	if (res) {
		list = json_object_get(
			json_object_get(res, cluster ? "DBClusterSnapshotAttributesResult"
						     : "DBSnapshotAttributesResult"),
			key);
		if (json_is_array(list))
			aws_asm_supp(it, key, json_incref(list));
		else
			aws_asm_fail(it, op, "MalformedResponse",
				     "no attribute list in the answer");
		json_decref(res);
	}
}

/* A snapshot deleted since it was listed (automated ones expire) is gone. */
#define SNAPSHOT_GONE "DBSnapshotNotFound|DBSnapshotNotFoundFault|DBClusterSnapshotNotFoundFault"

static const struct aws_followup snapshot_calls[] = {
	{.operation = "DescribeDBSnapshotAttributes",
	 .request = "DBSnapshotIdentifier={DBSnapshotIdentifier}",
	 .fn = attrs_done},
	{NULL},
};

static const struct aws_followup cluster_snapshot_calls[] = {
	{.operation = "DescribeDBClusterSnapshotAttributes",
	 .request = "DBClusterSnapshotIdentifier={DBClusterSnapshotIdentifier}",
	 .fn = attrs_done},
	{NULL},
};

static const struct aws_followups snapshot = {
	.type = T_RDS_SNAPSHOT,
	.service = "rds",
	.proto = AWS_FU_QUERY,
	.version = RDS_VERSION,
	.gone = SNAPSHOT_GONE,
	.calls = snapshot_calls,
};

static const struct aws_followups cluster_snapshot = {
	.type = T_RDS_CLUSTERSNAP,
	.service = "rds",
	.proto = AWS_FU_QUERY,
	.version = RDS_VERSION,
	.gone = SNAPSHOT_GONE,
	.calls = cluster_snapshot_calls,
};

static void
each_snapshot(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const struct aws_followups *t = data ? &cluster_snapshot : &snapshot;
	const char *id = json_string_value(json_object_get(
		item, data ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier"));
	struct aws_asm *it;

	if (!id)
		return;
	it = aws_asm_new(c, t->type, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, id,
		    json_string_value(
			    json_object_get(item, data ? "DBClusterSnapshotArn" : "DBSnapshotArn")),
		    id);
	aws_asm_supp(it, NULL, NULL);
	aws_asm_tags(it, json_object_get(item, "TagList"));
	aws_asm_follow(it, t, item);
}

/* Own snapshots only (the default); shared and public ones belong to others. */
static const struct aws_qlist snapshots = {
	"rds",    RDS_VERSION,   "DescribeDBSnapshots", "&MaxRecords=100", "DBSnapshots", "Marker",
	"Marker", AWS_XML_QUERY, TB(T_RDS_SNAPSHOT),    each_snapshot,     NULL};
static const struct aws_qlist cluster_snapshots = {"rds",
						   RDS_VERSION,
						   "DescribeDBClusterSnapshots",
						   "&MaxRecords=100",
						   "DBClusterSnapshots",
						   "Marker",
						   "Marker",
						   AWS_XML_QUERY,
						   TB(T_RDS_CLUSTERSNAP),
						   each_snapshot,
						   NULL};

void
svc_rds_start(struct aws_collector *c, const char *region)
{
	static const char cluster_flag = 1;

	aws_query_list(c, &dbs, region, NULL);
	aws_query_list(c, &clusters, region, NULL);
	aws_query_list(c, &snapshots, region, NULL);
	aws_query_list(c, &cluster_snapshots, region, (void *)&cluster_flag);
}
