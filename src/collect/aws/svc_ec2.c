/*
 * EC2, in each region: instances (through their reservations), volumes,
 * security groups, network ACLs, VPCs, flow logs, owned snapshots (with
 * who may create volumes from them), owned AMIs, VPC endpoints (policy as
 * an object), subnets and transit gateways, each listed to the last page, and the region's EBS
 * encryption-by-default setting with its default key. EC2's XML names are mapped to the API members
 * by the protocol layer; here each item becomes a resource with its ARN, its tags as an object and
 * its Name tag as the display name.
 */
#include "config.h"

#include "collect/aws/collect_int.h"
#include "collect/aws/asm.h"

#include <stdlib.h>
#include <string.h>

#define EC2_VERSION "2016-11-15"

struct kind {
	enum aws_type type;
	const char *id_key;
	const char *arn_part; /* arn:aws:ec2:<region>:<account>:<arn_part>/<id> */
	const char *name_key; /* a member giving the name when no Name tag */
};

static const struct kind kinds[] = {
	{T_EC2_INSTANCE, "InstanceId", "instance", NULL},
	{T_EC2_VOLUME, "VolumeId", "volume", NULL},
	{T_EC2_SG, "GroupId", "security-group", "GroupName"},
	{T_EC2_NACL, "NetworkAclId", "network-acl", NULL},
	{T_EC2_VPC, "VpcId", "vpc", NULL},
	{T_EC2_FLOWLOG, "FlowLogId", "vpc-flow-log", NULL},
};

static void
emit_item(struct aws_collector *c, const char *region, json_t *item, const struct kind *k)
{
	const char *id = json_string_value(json_object_get(item, k->id_key));
	json_t *tags = aws_tags_object(json_object_get(item, "Tags"));
	const char *name = json_string_value(json_object_get(tags, "Name"));
	char arn[512];

	if (!id)
		return;
	if (!name && k->name_key)
		name = json_string_value(json_object_get(item, k->name_key));
	snprintf(arn, sizeof(arn), "arn:aws:ec2:%s:%s:%s/%s", region, c->account, k->arn_part, id);
	aws_emit(c, k->type, id, arn, name, region, tags, json_incref(item), NULL);
}

static void
each_reservation(struct aws_collector *c, const char *region, json_t *res, void *data)
{
	json_t *inst;
	size_t i;

	(void)data;
	json_array_foreach(json_object_get(res, "Instances"), i, inst)
		emit_item(c, region, inst, &kinds[0]);
}

#define EACH(fn, idx)                                                                              \
	static void fn(struct aws_collector *c, const char *region, json_t *item, void *data)      \
	{                                                                                          \
		(void)data;                                                                        \
		emit_item(c, region, item, &kinds[idx]);                                           \
	}
EACH(each_volume, 1)
EACH(each_sg, 2)
EACH(each_nacl, 3)
EACH(each_vpc, 4)
EACH(each_flowlog, 5)

static const struct aws_qlist lists[] = {
	{"ec2", EC2_VERSION, "DescribeInstances", "&MaxResults=1000", "Reservations", "NextToken",
	 "NextToken", AWS_XML_EC2, TB(T_EC2_INSTANCE), each_reservation, NULL},
	{"ec2", EC2_VERSION, "DescribeVolumes", "&MaxResults=500", "Volumes", "NextToken",
	 "NextToken", AWS_XML_EC2, TB(T_EC2_VOLUME), each_volume, NULL},
	{"ec2", EC2_VERSION, "DescribeSecurityGroups", "&MaxResults=1000", "SecurityGroups",
	 "NextToken", "NextToken", AWS_XML_EC2, TB(T_EC2_SG), each_sg, NULL},
	{"ec2", EC2_VERSION, "DescribeNetworkAcls", "&MaxResults=1000", "NetworkAcls", "NextToken",
	 "NextToken", AWS_XML_EC2, TB(T_EC2_NACL), each_nacl, NULL},
	{"ec2", EC2_VERSION, "DescribeVpcs", "&MaxResults=1000", "Vpcs", "NextToken", "NextToken",
	 AWS_XML_EC2, TB(T_EC2_VPC), each_vpc, NULL},
	{"ec2", EC2_VERSION, "DescribeFlowLogs", "&MaxResults=1000", "FlowLogs", "NextToken",
	 "NextToken", AWS_XML_EC2, TB(T_EC2_FLOWLOG), each_flowlog, NULL},
};

/* ---- snapshots, images, VPC endpoints, subnets, transit gateways ---- */

static void
snap_attr(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_EC2, NULL, NULL), *p;

	if (!v)
		return;
	p = json_object_get(v, "CreateVolumePermissions");
	aws_asm_supp(a, "CreateVolumePermissions",
		     json_is_array(p) ? json_incref(p) : json_array());
	json_decref(v);
}

/* Who may create volumes from a snapshot. */
static const struct aws_followup snapshot_calls[] = {
	{.operation = "DescribeSnapshotAttribute",
	 .request = "SnapshotId={SnapshotId}&Attribute=createVolumePermission",
	 .fn = snap_attr},
	{NULL},
};

static const struct aws_followups snapshot = {
	.type = T_EC2_SNAPSHOT,
	.service = "ec2",
	.proto = AWS_FU_QUERY,
	.version = EC2_VERSION,
	.calls = snapshot_calls,
};

static void
emit_more(struct aws_collector *c, const char *region, json_t *item, enum aws_type type,
	  const char *id_key, const char *arn_part)
{
	const char *id = json_string_value(json_object_get(item, id_key));
	json_t *tags, *doc;
	struct aws_asm *a;
	char arn[512];

	if (!id)
		return;
	/* The endpoint policy is a JSON string in the API: an object here. */
	if (type == T_EC2_VPCE && json_is_string(json_object_get(item, "PolicyDocument"))) {
		doc = aws_policy_parse(json_string_value(json_object_get(item, "PolicyDocument")));
		if (doc)
			json_object_set_new(item, "PolicyDocument", doc);
	}
	tags = aws_tags_object(json_object_get(item, "Tags"));
	snprintf(arn, sizeof(arn), "arn:aws:ec2:%s:%s:%s/%s", region, c->account, arn_part, id);
	if (!(a = aws_asm_new(c, type, region, json_incref(item)))) {
		json_decref(tags);
		return;
	}
	a->tags = tags;
	aws_asm_ids(a, id, arn, json_string_value(json_object_get(tags, "Name")));
	if (type == snapshot.type)
		aws_asm_follow(a, &snapshot, item);
	else
		aws_asm_done(a);
}

#define EACH_MORE(fn, type, id_key, arn_part)                                                      \
	static void fn(struct aws_collector *c, const char *region, json_t *item, void *data)      \
	{                                                                                          \
		(void)data;                                                                        \
		emit_more(c, region, item, type, id_key, arn_part);                                \
	}
EACH_MORE(each_snapshot, T_EC2_SNAPSHOT, "SnapshotId", "snapshot")
EACH_MORE(each_image, T_EC2_IMAGE, "ImageId", "image")
EACH_MORE(each_vpce, T_EC2_VPCE, "VpcEndpointId", "vpc-endpoint")
EACH_MORE(each_subnet, T_EC2_SUBNET, "SubnetId", "subnet")
EACH_MORE(each_tgw, T_EC2_TGW, "TransitGatewayId", "transit-gateway")

static const struct aws_qlist more_lists_tbl[] = {
	{"ec2", EC2_VERSION, "DescribeSnapshots", "&Owner.1=self&MaxResults=1000", "Snapshots",
	 "NextToken", "NextToken", AWS_XML_EC2, TB(T_EC2_SNAPSHOT), each_snapshot, NULL},
	{"ec2", EC2_VERSION, "DescribeImages", "&Owner.1=self&MaxResults=1000", "Images",
	 "NextToken", "NextToken", AWS_XML_EC2, TB(T_EC2_IMAGE), each_image, NULL},
	{"ec2", EC2_VERSION, "DescribeVpcEndpoints", "&MaxResults=1000", "VpcEndpoints",
	 "NextToken", "NextToken", AWS_XML_EC2, TB(T_EC2_VPCE), each_vpce, NULL},
	{"ec2", EC2_VERSION, "DescribeSubnets", "&MaxResults=1000", "Subnets", "NextToken",
	 "NextToken", AWS_XML_EC2, TB(T_EC2_SUBNET), each_subnet, NULL},
	{"ec2", EC2_VERSION, "DescribeTransitGateways", "&MaxResults=1000", "TransitGateways",
	 "NextToken", "NextToken", AWS_XML_EC2, TB(T_EC2_TGW), each_tgw, NULL},
};

/* ---- EBS encryption by default: two calls, one record ---- */

static void
ebs_done(struct aws_asm *a, struct aws_op *op, const struct aws_reply *r)
{
	json_t *v = aws_asm_reply_xml(a, op, r, AWS_XML_EC2, NULL, NULL);

	if (!v)
		return;
	json_object_del(v, "RequestId");
	json_object_update(a->conf, v);
	json_decref(v);
}

static const struct aws_followup ebs_calls[] = {
	{.operation = "GetEbsEncryptionByDefault", .fn = ebs_done},
	{.operation = "GetEbsDefaultKmsKeyId", .fn = ebs_done},
	{NULL},
};

static const struct aws_followups ebs = {
	.type = T_EC2_EBSDEFAULT,
	.service = "ec2",
	.proto = AWS_FU_QUERY,
	.version = EC2_VERSION,
	.calls = ebs_calls,
};

void
svc_ec2_start(struct aws_collector *c, const char *region)
{
	struct aws_asm *a;
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		aws_query_list(c, &lists[i], region, NULL);
	for (i = 0; i < sizeof(more_lists_tbl) / sizeof(more_lists_tbl[0]); i++)
		aws_query_list(c, &more_lists_tbl[i], region, NULL);
	aws_attempt(c, TB(ebs.type));
	if (!(a = aws_asm_new(c, ebs.type, region, json_object())))
		return;
	aws_asm_ids(a, region, NULL, NULL);
	if (!a->conf || !a->id)
		aws_asm_nomem(a);
	aws_asm_follow(a, &ebs, NULL);
}
