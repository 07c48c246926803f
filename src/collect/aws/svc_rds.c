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

struct db {
	json_t *conf, *params;
	char *group;
	bool failed;
};

static void
db_emit(struct aws_collector *c, struct db *d, const char *region)
{
	const char *id = json_string_value(json_object_get(d->conf, "DBInstanceIdentifier"));

	if (!d->failed)
		aws_emit(c, T_RDS_DB, id, json_string_value(json_object_get(d->conf, "DBInstanceArn")),
			 id, region, aws_tags_object(json_object_get(d->conf, "TagList")),
			 json_incref(d->conf), json_pack("{s:O}", "DBParameters", d->params));
	json_decref(d->conf);
	json_decref(d->params);
	free(d->group);
	free(d);
}

static void params_page(struct aws_op *op, const struct aws_reply *r);

static void
params_request(struct aws_collector *c, struct db *d, const char *region, const char *marker)
{
	struct aws_op op = {c, "rds", "DescribeDBParameters", "", TB(T_RDS_DB), params_page, d, 0, NULL};
	struct attest_buf b;

	snprintf(op.region, sizeof(op.region), "%s", region);
	attest_buf_init(&b, 8192);
	if (aws_param(&b, "DBParameterGroupName", d->group) ||
	    attest_buf_adds(&b, "&MaxRecords=100") || (marker && aws_param(&b, "Marker", marker)) ||
	    aws_call_query(&op, RDS_VERSION, b.data) != ATTEST_OK) {
		d->failed = true;
		db_emit(c, d, region);
	}
	attest_buf_release(&b);
}

static void
params_page(struct aws_op *op, const struct aws_reply *r)
{
	struct db *d = op->data;
	xmlDocPtr doc;
	json_t *res = NULL, *p;
	const char *marker, *name;
	size_t i, k;

	if (!r->ok) {
		aws_fail_reply(op, r);
		d->failed = true;
	} else if ((doc = aws_reply_xml(op, r)) != NULL) {
		res = aws_xml_to_json_op(aws_xml_find(xmlDocGetRootElement(doc),
						      "DescribeDBParametersResult"),
					 op->version, op->operation, AWS_XML_QUERY);
		xmlFreeDoc(doc);
		json_array_foreach(json_object_get(res, "Parameters"), i, p) {
			name = json_string_value(json_object_get(p, "ParameterName"));
			for (k = 0; name && kept[k]; k++)
				if (strcmp(name, kept[k]) == 0)
					json_array_append(d->params, p);
		}
		marker = json_string_value(json_object_get(res, "Marker"));
		if (marker && *marker) {
			params_request(op->c, d, op->region, marker);
			json_decref(res);
			return;
		}
		json_decref(res);
	} else {
		d->failed = true;
	}
	db_emit(op->c, d, op->region);
}

static void
each_db(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	const char *group = json_string_value(json_object_get(
		json_array_get(json_object_get(item, "DBParameterGroups"), 0), "DBParameterGroupName"));
	struct db *d;

	(void)data;
	if (!json_is_string(json_object_get(item, "DBInstanceIdentifier")))
		return;
	d = calloc(1, sizeof(*d));
	if (!d || !(d->params = json_array())) {
		free(d);
		aws_fatal(c, attest_nomem(c->ctx));
		return;
	}
	d->conf = json_incref(item);
	if (!group) { /* no parameter group named: nothing to read */
		db_emit(c, d, region);
		return;
	}
	if (!(d->group = strdup(group))) {
		d->failed = true;
		aws_fatal(c, attest_nomem(c->ctx));
		db_emit(c, d, region);
		return;
	}
	params_request(c, d, region, NULL);
}

static const struct aws_qlist dbs = {
	"rds", RDS_VERSION, "DescribeDBInstances", "&MaxRecords=100", "DBInstances", "Marker",
	"Marker", AWS_XML_QUERY, TB(T_RDS_DB), each_db, NULL};

/* ---- DB clusters ---- */

static void cparams_page(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r);

static void
cparams_request(struct aws_asm *it, const char *marker)
{
	struct attest_buf b;

	attest_buf_init(&b, 8192);
	if (aws_param(&b, "DBClusterParameterGroupName", it->data) ||
	    attest_buf_adds(&b, "&MaxRecords=100") || (marker && aws_param(&b, "Marker", marker))) {
		aws_asm_nomem(it);
	} else {
		aws_asm_query(it, "rds", "DescribeDBClusterParameters", RDS_VERSION, b.data,
		              cparams_page);
	}
	attest_buf_release(&b);
}

static void
cparams_page(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	json_t *res = aws_asm_reply_query(it, op, r), *p;
	json_t *kept_list = json_object_get(it->supp, "DBClusterParameters");
	const char *marker, *name;
	size_t i, k;

	if (res) {
		json_array_foreach(json_object_get(res, "Parameters"), i, p) {
			name = json_string_value(json_object_get(p, "ParameterName"));
			for (k = 0; name && kept[k]; k++)
				if (strcmp(name, kept[k]) == 0 && json_array_append(kept_list, p) != 0)
					it->failed = true;
		}
		marker = json_string_value(json_object_get(res, "Marker"));
		if (marker && *marker)
			cparams_request(it, marker);
		json_decref(res);
	}
}

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
	if (group && !(it->data = strdup(group))) {
		aws_asm_nomem(it);
	} else if (group) {
		cparams_request(it, NULL);
	}
	aws_asm_done(it);
}

static const struct aws_qlist clusters = {
	"rds", RDS_VERSION, "DescribeDBClusters", "&MaxRecords=100", "DBClusters", "Marker",
	"Marker", AWS_XML_QUERY, TB(T_RDS_CLUSTER), each_cluster, NULL};

/* ---- snapshots ---- */

static void
attrs_done(struct aws_asm *it, struct aws_op *op, const struct aws_reply *r)
{
	bool cluster = it->type == T_RDS_CLUSTERSNAP;
	const char *key = cluster ? "DBClusterSnapshotAttributes" : "DBSnapshotAttributes";
	json_t *res = NULL, *list;

	/* A snapshot deleted since it was listed (automated ones expire). */
	if (!aws_asm_gone(it, op, r,
	                  "DBSnapshotNotFound|DBSnapshotNotFoundFault|"
	                  "DBClusterSnapshotNotFoundFault"))
		res = aws_asm_reply_query(it, op, r);
	if (res) {
		list = json_object_get(json_object_get(res, cluster ? "DBClusterSnapshotAttributesResult"
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

static void
each_snapshot(struct aws_collector *c, const char *region, json_t *item, void *data)
{
	bool cluster = data != NULL;
	const char *idkey = cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier";
	const char *id = json_string_value(json_object_get(item, idkey));
	enum aws_type t = cluster ? T_RDS_CLUSTERSNAP : T_RDS_SNAPSHOT;
	struct aws_asm *it;
	struct attest_buf b;

	if (!id)
		return;
	it = aws_asm_new(c, t, region, json_incref(item));
	if (!it)
		return;
	aws_asm_ids(it, id,
	            json_string_value(
	                json_object_get(item, cluster ? "DBClusterSnapshotArn" : "DBSnapshotArn")),
	            id);
	aws_asm_supp(it, NULL, NULL);
	aws_asm_tags(it, json_object_get(item, "TagList"));
	attest_buf_init(&b, 1024);
	if (aws_param(&b, idkey, id)) {
		aws_asm_nomem(it);
	} else {
		aws_asm_query(it, "rds",
		              cluster ? "DescribeDBClusterSnapshotAttributes"
		                      : "DescribeDBSnapshotAttributes",
		              RDS_VERSION, b.data, attrs_done);
	}
	attest_buf_release(&b);
	aws_asm_done(it);
}

/* Own snapshots only (the default); shared and public ones belong to others. */
static const struct aws_qlist snapshots = {
	"rds", RDS_VERSION, "DescribeDBSnapshots", "&MaxRecords=100", "DBSnapshots", "Marker",
	"Marker", AWS_XML_QUERY, TB(T_RDS_SNAPSHOT), each_snapshot, NULL};
static const struct aws_qlist cluster_snapshots = {
	"rds", RDS_VERSION, "DescribeDBClusterSnapshots", "&MaxRecords=100", "DBClusterSnapshots",
	"Marker", "Marker", AWS_XML_QUERY, TB(T_RDS_CLUSTERSNAP), each_snapshot, NULL};

void
svc_rds_start(struct aws_collector *c, const char *region)
{
	static const char cluster_flag = 1;

	aws_query_list(c, &dbs, region, NULL);
	aws_query_list(c, &clusters, region, NULL);
	aws_query_list(c, &snapshots, region, NULL);
	aws_query_list(c, &cluster_snapshots, region, (void *)&cluster_flag);
}
