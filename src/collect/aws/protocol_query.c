/*
 * The query and REST-XML protocols (IAM, STS, EC2, S3, SNS, RDS,
 * CloudWatch): turning the elements of an answer, parsed safely by
 * core_xml_load_memory (core/xml.h), into JSON in the API's documented
 * shape. The query-protocol operations attest calls are converted by their
 * service model
 * (protocol_model.c, model.h); what is here converts without one: S3's
 * REST-XML answers, and elements a model does not know. XML carries no
 * types, so the members that those APIs define as numbers or booleans are
 * known by name here; lists are recognised by their member elements
 * (<member>, <item>, and the element names RDS and S3 use); an EC2 wire
 * name the model does not know gets an upper-case first letter.
 */
#include "config.h"

#include "collect/aws/protocol.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- navigation ---- */

xmlNodePtr
aws_xml_child(xmlNodePtr node, const char *name)
{
	for (node = node ? node->children : NULL; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(node->name, (const xmlChar *)name) == 0)
			return node;
	return NULL;
}

xmlNodePtr
aws_xml_find(xmlNodePtr node, const char *name)
{
	xmlNodePtr c, f;

	if (!node)
		return NULL;
	if (node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, (const xmlChar *)name) == 0)
		return node;
	for (c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (f = aws_xml_find(c, name)) != NULL)
			return f;
	return NULL;
}

static char *
node_text(xmlNodePtr node)
{
	xmlChar *raw = xmlNodeGetContent(node);
	char *out;

	if (!raw)
		return strdup("");
	out = strdup((const char *)raw);
	xmlFree(raw);
	return out;
}

char *
aws_xml_child_text(xmlNodePtr node, const char *name)
{
	xmlNodePtr c = aws_xml_child(node, name);

	return c ? node_text(c) : NULL;
}

/* ---- types and names ---- */

static bool
in(const char *const *set, const char *s)
{
	for (; *set; set++)
		if (strcmp(*set, s) == 0)
			return true;
	return false;
}

/* Members the APIs define as integers, reals and booleans. */
static const char *const int_names[] = {
	"FromPort", "ToPort", "RuleNumber", "From", "To", "Size", "Iops", "Throughput", "Code",
	"AmiLaunchIndex", "MaxAggregationInterval", "CoreCount", "ThreadsPerCore",
	"HttpPutResponseHopLimit", "DeviceIndex", "NetworkCardIndex", "MinimumPasswordLength",
	"MaxPasswordAge", "PasswordReusePrevention", "AttachmentCount",
	"PermissionsBoundaryUsageCount", "MaxSessionDuration", "AllocatedStorage",
	"BackupRetentionPeriod", "Port", "DbInstancePort", "MonitoringInterval", "PromotionTier",
	"MaxAllocatedStorage", "StorageThroughput", "EvaluationPeriods", "Period",
	"DatapointsToAlarm", "PerformanceInsightsRetentionPeriod", "Days", "Years",
	/* RDS clusters and snapshots, Redshift, ElastiCache */
	"PercentProgress", "NumberOfNodes", "AutomatedSnapshotRetentionPeriod",
	"ManualSnapshotRetentionPeriod", "SnapshotRetentionLimit", "NumCacheNodes", NULL};
static const char *const real_names[] = {"Threshold", NULL};
static const char *const bool_names[] = {
	"IsDefault", "Egress", "Encrypted", "MultiAttachEnabled", "DeleteOnTermination",
	"EbsOptimized", "EnaSupport", "SourceDestCheck", "EbsEncryptionByDefault", "Main",
	"Configured", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
	"RequireLowercaseCharacters", "AllowUsersToChangePassword", "ExpirePasswords", "HardExpiry",
	"IsAttachable", "IsDefaultVersion", "IsTruncated", "ActionsEnabled", "MultiAZ",
	"PubliclyAccessible", "StorageEncrypted", "AutoMinorVersionUpgrade", "DeletionProtection",
	"IAMDatabaseAuthenticationEnabled", "PerformanceInsightsEnabled", "CopyTagsToSnapshot",
	"CustomerOwnedIpEnabled", "DedicatedLogVolume", "MultiTenant", "Normal", "BlockPublicAcls",
	"IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets", "BucketKeyEnabled",
	"DisableApiTermination", "DisableApiStop", "EnclaveOptionsEnabled",
	"AssociatePublicIpAddress", "RequesterManaged", "IsModifiable",
	/* RDS clusters and snapshots, Redshift, ElastiCache */
	"IsClusterWriter", "AllowVersionUpgrade", "EnhancedVpcRouting", "AtRestEncryptionEnabled",
	"TransitEncryptionEnabled", "AuthTokenEnabled", "ClusterEnabled", "LoggingEnabled",
	"HttpEndpointEnabled", "CrossAccountClone", NULL};

/* Members whose value is a list, so that an empty element becomes []. */
static const char *const list_names[] = {
	"Reservations", "Instances", "SecurityGroups", "Groups", "NetworkInterfaces",
	"BlockDeviceMappings", "ProductCodes", "Tags", "IpPermissions", "IpPermissionsEgress",
	"IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs", "NetworkAcls", "Entries",
	"Associations", "Vpcs", "CidrBlockAssociationSet", "Ipv6CidrBlockAssociationSet", "Volumes",
	"Attachments", "FlowLogs", "Regions", "PrivateIpAddresses", "Ipv6Addresses",
	"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "UserPolicyList",
	"GroupList", "AttachedManagedPolicies", "GroupPolicyList", "RolePolicyList",
	"InstanceProfileList", "Roles", "PolicyVersionList", "ServerCertificateMetadataList",
	"VirtualMFADevices", "PolicyGroups", "PolicyUsers", "PolicyRoles", "AccountAliases",
	"MetricAlarms", "CompositeAlarms", "AlarmActions", "OKActions", "InsufficientDataActions",
	"Dimensions", "Metrics", "Topics", "Subscriptions", "DBInstances", "VpcSecurityGroups",
	"DBParameterGroups", "DBSecurityGroups", "OptionGroupMemberships", "StatusInfos",
	"ReadReplicaDBInstanceIdentifiers", "ReadReplicaDBClusterIdentifiers", "DomainMemberships",
	"AssociatedRoles", "TagList", "EnabledCloudwatchLogsExports", "ProcessorFeatures",
	"Parameters", "Subnets", "Buckets", "Grants", "ElasticGpuAssociations",
	"ElasticInferenceAcceleratorAssociations", "Licenses", "CertificateDetails_",
	/* RDS clusters and snapshots, Redshift, ElastiCache */
	"DBClusters", "DBClusterMembers", "AvailabilityZones", "DBSnapshots", "DBClusterSnapshots",
	"DBSnapshotAttributes", "DBClusterSnapshotAttributes", "AttributeValues",
	"DBClusterOptionGroupMemberships", "Clusters", "ClusterParameterGroups", "LogExports",
	"ClusterNodes", "IamRoles", "ReplicationGroups", "CacheClusters", "MemberClusters",
	"UserGroupIds", "NodeGroups", "NodeGroupMembers", "CacheNodes", "CacheSecurityGroups",
	/* compute, network, edge (EC2 ones by their wire-derived names) */
	"SnapshotSet", "ImagesSet", "VpcEndpointSet", "SubnetSet", "TransitGatewaySet",
	"CreateVolumePermission", "LoadBalancerDescriptions", "LoadBalancers", "Listeners",
	"PolicyDescriptions", "TagDescriptions", NULL};

/* Element names that mark list members. */
static const char *const member_names[] = {
	"member", "item", "DBInstance", "VpcSecurityGroupMembership", "DBParameterGroup",
	"DBSecurityGroup", "OptionGroupMembership", "Subnet", "DBInstanceStatusInfo",
	"ReadReplicaDBInstanceIdentifier", "ReadReplicaDBClusterIdentifier", "DomainMembership",
	"DBInstanceRole", "ProcessorFeature", "Parameter", "Bucket", "Grant", "Tag",
	/* RDS clusters and snapshots, Redshift, ElastiCache */
	"DBCluster", "DBClusterMember", "AvailabilityZone", "DBSnapshot", "DBClusterSnapshot",
	"DBSnapshotAttribute", "DBClusterSnapshotAttribute", "AttributeValue",
	"DBClusterOptionGroup", "Cluster", "ClusterParameterGroup", "ClusterNode", "ClusterIamRole",
	"VpcSecurityGroup", "ReplicationGroup", "CacheCluster", "ClusterId", "NodeGroup",
	"NodeGroupMember", "CacheNode", "CacheSecurityGroup", "DBClusterRole", NULL};

/* The API member name of a wire element name, into buf. */
/* The API member name of a wire element name, into buf: EC2's wire names
 * are the member names with a lower-case first letter unless the model says
 * otherwise (protocol_model.c converts those). */
static const char *
api_name(enum aws_xml_style style, const char *wire, char *buf, size_t size)
{
	if (style != AWS_XML_EC2)
		return wire;
	snprintf(buf, size, "%s", wire);
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	return buf;
}

static json_t *
typed_leaf(const char *name, const char *text)
{
	char *end;
	long long ll;
	double d;

	if (name && in(bool_names, name)) {
		if (strcmp(text, "true") == 0)
			return json_true();
		if (strcmp(text, "false") == 0)
			return json_false();
	} else if (name && in(int_names, name) && *text) {
		errno = 0;
		ll = strtoll(text, &end, 10);
		if (!*end && errno == 0)
			return json_integer(ll);
	} else if (name && in(real_names, name) && *text) {
		d = strtod(text, &end);
		if (!*end)
			return json_real(d);
	}
	return json_string(text);
}

static xmlNodePtr
first_elem(xmlNodePtr n)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

static xmlNodePtr
next_elem(xmlNodePtr n)
{
	for (n = n->next; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

/* A list: every element child carries the same member name. */
static bool
is_list(xmlNodePtr node)
{
	xmlNodePtr c = first_elem(node);
	const char *name;

	if (!c || !in(member_names, (const char *)c->name))
		return false;
	name = (const char *)c->name;
	for (; c; c = next_elem(c))
		if (strcmp((const char *)c->name, name) != 0)
			return false;
	return true;
}

static bool
is_map(xmlNodePtr node)
{
	xmlNodePtr c = first_elem(node);

	if (!c)
		return false;
	for (; c; c = next_elem(c))
		if (strcmp((const char *)c->name, "entry") != 0)
			return false;
	return true;
}

static json_t *convert(xmlNodePtr node, const char *name, enum aws_xml_style style);

static json_t *
convert_list(xmlNodePtr node, const char *name, enum aws_xml_style style)
{
	json_t *arr = json_array(), *v;
	xmlNodePtr c;

	if (!arr)
		return NULL;
	for (c = first_elem(node); c; c = next_elem(c)) {
		v = first_elem(c) ? convert(c, name, style) : NULL;
		if (!v) {
			char *t = node_text(c);

			v = t ? json_string(t) : NULL;
			free(t);
		}
		if (!v || json_array_append_new(arr, v) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* <entry><key>k</key><value>v</value></entry>... as an object. */
static json_t *
convert_map(xmlNodePtr node, const char *name)
{
	json_t *obj = json_object(), *v;
	xmlNodePtr c;
	char *k, *t;
	bool ints = name && strcmp(name, "SummaryMap") == 0;
	char *end;
	long long ll;

	if (!obj)
		return NULL;
	for (c = first_elem(node); c; c = next_elem(c)) {
		k = aws_xml_child_text(c, "key");
		t = aws_xml_child_text(c, "value");
		if (!k || !t) {
			free(k);
			free(t);
			continue;
		}
		v = NULL;
		if (ints) {
			ll = strtoll(t, &end, 10);
			if (*t && !*end)
				v = json_integer(ll);
		}
		if (!v)
			v = json_string(t);
		if (!v || json_object_set_new(obj, k, v) != 0) {
			free(k);
			free(t);
			json_decref(obj);
			return NULL;
		}
		free(k);
		free(t);
	}
	return obj;
}

/* Converts node, whose API member name is name (the parent's key). */
static json_t *
convert(xmlNodePtr node, const char *name, enum aws_xml_style style)
{
	json_t *obj, *v;
	xmlNodePtr c;
	const char *key;
	char buf[128];

	if (!first_elem(node)) {
		char *t;

		if (name && in(list_names, name))
			return json_array();
		t = node_text(node);
		v = t ? typed_leaf(name, t) : NULL;
		free(t);
		return v;
	}
	if (is_list(node))
		return convert_list(node, name, style);
	if (is_map(node))
		return convert_map(node, name);
	obj = json_object();
	if (!obj)
		return NULL;
	for (c = first_elem(node); c; c = next_elem(c)) {
		key = api_name(style, (const char *)c->name, buf, sizeof(buf));
		v = convert(c, key, style);
		if (!v || json_object_set_new(obj, key, v) != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

json_t *
aws_xml_to_json(xmlNodePtr node, enum aws_xml_style style)
{
	json_t *v;

	if (!first_elem(node))
		return json_object();
	v = convert(node, NULL, style);
	if (v && !json_is_object(v)) {
		json_decref(v);
		return json_object();
	}
	return v;
}

json_t *
aws_xml_list_to_json(xmlNodePtr node, enum aws_xml_style style)
{
	char buf[128];
	const char *name = api_name(style, (const char *)node->name, buf, sizeof(buf));

	if (!first_elem(node))
		return json_array();
	return convert_list(node, name, style);
}

json_t *
aws_xml_convert_unknown(xmlNodePtr node, enum aws_xml_style style, char *key, size_t key_size)
{
	char buf[128];

	snprintf(key, key_size, "%s", api_name(style, (const char *)node->name, buf, sizeof(buf)));
	return convert(node, key, style);
}
