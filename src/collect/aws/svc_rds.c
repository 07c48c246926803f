/*
 * RDS, in each region: DB instances (DescribeDBInstances, query protocol,
 * Marker pagination), with their TagList as the resource's tags, each with
 * the TLS parameters of its parameter group (DescribeDBParameters, every
 * page; kept: rds.force_ssl and require_secure_transport, the ones the
 * checks judge) as supplementary DBParameters.
 */
#include "config.h"

#include "collect/aws/collect_int.h"

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
	struct aws_op op = {c, "rds", "DescribeDBParameters", "", TB(T_RDS_DB), params_page, d, 0};
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
		res = aws_xml_to_json(aws_xml_find(xmlDocGetRootElement(doc),
						   "DescribeDBParametersResult"), AWS_XML_QUERY);
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

void
svc_rds_start(struct aws_collector *c, const char *region)
{
	aws_query_list(c, &dbs, region, NULL);
}
