/*
 * Tests of the AWS Config importer (src/inventory/awsconfig*.c): both naming
 * styles of a configuration item, key re-casing and its per-type fixes, IAM
 * policy decoding, the S3 supplementary settings, skipped items, and error
 * messages for malformed items, and the per-service shapes of the newer
 * types (awsconfig_svc.c). Fixtures are real-looking items in
 * tests/data/awsconfig/ (snapshot-*.json in the snapshot file style,
 * api-*.json in the config API style).
 */
#include "config.h"

#include "inventory/awsconfig.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>

static attest_ctx *ctx;

static int
suite_init(void)
{
	ctx = attest_ctx_new();
	return ctx ? 0 : 1;
}

static int
suite_clean(void)
{
	attest_ctx_free(ctx);
	return 0;
}

static json_t *
fixture(const char *name)
{
	char path[1024];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/tests/data/awsconfig/%s", ATTEST_SRCDIR, name);
	j = json_load_file(path, 0, &err);
	if (!j)
		fprintf(stderr, "cannot load %s: %s\n", path, err.text);
	return j;
}

/* Converts a fixture; NULL (with a failed assertion) on error. */
static json_t *
convert_fixture(const char *name)
{
	json_t *item = fixture(name), *res = NULL;
	attest_rc rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(item);
	rc = awsconfig_item(ctx, item, &res);
	if (rc != ATTEST_OK)
		fprintf(stderr, "%s: %s\n", name, attest_ctx_errmsg(ctx));
	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	json_decref(item);
	return res;
}

/* Looks up a path like "configuration.IpPermissions[0].IpRanges[0].CidrIp". */
static const json_t *
at(const json_t *j, const char *path)
{
	char key[256];
	const char *p = path;

	while (j && *p) {
		size_t n = strcspn(p, ".[");

		if (n) {
			if (n >= sizeof(key))
				return NULL;
			memcpy(key, p, n);
			key[n] = '\0';
			j = json_object_get(j, key);
			p += n;
		} else if (*p == '[') {
			char *end;
			unsigned long i = strtoul(p + 1, &end, 10);

			if (*end != ']')
				return NULL;
			j = json_array_get(j, i);
			p = end + 1;
		} else {
			p++;
		}
	}
	return j;
}

static const char *
str(const json_t *j, const char *path)
{
	const char *s = json_string_value(at(j, path));

	return s ? s : "<none>";
}

/* Converts JSON text; returns the rc, *out the resource. */
static attest_rc
convert_text(const char *text, json_t **out)
{
	json_error_t err;
	json_t *item = json_loads(text, JSON_DECODE_ANY, &err);
	attest_rc rc;

	*out = NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(item);
	rc = awsconfig_item(ctx, item, out);
	json_decref(item);
	return rc;
}

static void
test_envelope_snapshot(void)
{
	json_t *r = convert_fixture("snapshot-sg.json");

	CU_ASSERT_STRING_EQUAL(str(r, "type"), "AWS::EC2::SecurityGroup");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "sg-0a1b2c3d4e5f60718");
	CU_ASSERT_STRING_EQUAL(
		str(r, "arn"),
		"arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f60718");
	CU_ASSERT_STRING_EQUAL(str(r, "name"), "web-public");
	CU_ASSERT_STRING_EQUAL(str(r, "region"), "us-east-1");
	CU_ASSERT_STRING_EQUAL(str(r, "account"), "111122223333");
	CU_ASSERT_STRING_EQUAL(str(r, "tags.env"), "prod");
	CU_ASSERT_STRING_EQUAL(str(r, "supplementaryConfiguration.ConfigurationItemCaptureTime"),
			       "2026-11-19T08:12:44.107Z");
	/* Everything else in the item is dropped. */
	CU_ASSERT_PTR_NULL(json_object_get(r, "relationships"));
	CU_ASSERT_PTR_NULL(json_object_get(r, "configurationStateId"));
	CU_ASSERT_EQUAL(json_object_size(r), 9);
	json_decref(r);
}

static void
test_envelope_api(void)
{
	json_t *r = convert_fixture("api-iam-user.json");

	CU_ASSERT_STRING_EQUAL(str(r, "arn"), "arn:aws:iam::111122223333:user/alice");
	CU_ASSERT_STRING_EQUAL(str(r, "account"), "111122223333");
	CU_ASSERT_STRING_EQUAL(str(r, "region"), "global");
	/* The native id of a user is its name, not Config's AIDA... id. */
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "alice");
	/* tags list [{Key, Value}] -> map */
	CU_ASSERT_STRING_EQUAL(str(r, "tags.team"), "platform");
	/* configuration was JSON text; epoch capture time becomes ISO 8601. */
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.UserName"), "alice");
	CU_ASSERT_STRING_EQUAL(str(r, "supplementaryConfiguration.ConfigurationItemCaptureTime"),
			       "2025-11-19T08:13:20Z");
	json_decref(r);
}

static void
test_sg_ip_ranges(void)
{
	json_t *r = convert_fixture("snapshot-sg.json");
	const json_t *p0 = at(r, "configuration.IpPermissions[0]");

	CU_ASSERT_STRING_EQUAL(str(r, "configuration.GroupId"), "sg-0a1b2c3d4e5f60718");
	CU_ASSERT_STRING_EQUAL(str(p0, "IpProtocol"), "tcp");
	CU_ASSERT_EQUAL(json_integer_value(at(p0, "FromPort")), 22);
	CU_ASSERT_EQUAL(json_integer_value(at(p0, "ToPort")), 22);
	CU_ASSERT_STRING_EQUAL(str(p0, "IpRanges[0].CidrIp"), "0.0.0.0/0");
	CU_ASSERT_STRING_EQUAL(str(p0, "IpRanges[0].Description"), "ssh from anywhere");
	CU_ASSERT_EQUAL(json_array_size(at(p0, "IpRanges")), 1);
	CU_ASSERT_PTR_NULL(at(p0, "ipv4Ranges"));
	CU_ASSERT_PTR_NULL(at(p0, "Ipv4Ranges"));
	CU_ASSERT_PTR_NULL(at(p0, "ipRanges"));
	CU_ASSERT_STRING_EQUAL(str(p0, "Ipv6Ranges[0].CidrIpv6"), "::/0");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.IpPermissions[1].UserIdGroupPairs[0].GroupId"),
			       "sg-0a1b2c3d4e5f60718");
	CU_ASSERT_EQUAL(json_array_size(at(r, "configuration.IpPermissions[1].IpRanges")), 0);
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.IpPermissionsEgress[0].PrefixListIds[0].PrefixListId"),
		"pl-63a5400a");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Tags[1].Key"), "Name");
	json_decref(r);
}

static void
test_sg_flat_ip_ranges(void)
{
	json_t *r = convert_fixture("snapshot-sg.json");
	const json_t *p2 = at(r, "configuration.IpPermissions[2]");

	/* Only the flat list of strings: IpRanges is built from it. */
	CU_ASSERT_EQUAL(json_array_size(at(p2, "IpRanges")), 2);
	CU_ASSERT_STRING_EQUAL(str(p2, "IpRanges[0].CidrIp"), "10.0.0.0/8");
	CU_ASSERT_STRING_EQUAL(str(p2, "IpRanges[1].CidrIp"), "192.168.0.0/16");
	json_decref(r);
}

static void
test_nacl_entries(void)
{
	json_t *r = convert_fixture("snapshot-nacl.json");
	const json_t *e0 = at(r, "configuration.Entries[0]");

	CU_ASSERT_STRING_EQUAL(str(r, "configuration.NetworkAclId"), "acl-0123abcd");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.IsDefault")));
	CU_ASSERT_EQUAL(json_integer_value(at(e0, "PortRange.From")), 3389);
	CU_ASSERT_EQUAL(json_integer_value(at(e0, "PortRange.To")), 3389);
	CU_ASSERT_STRING_EQUAL(str(e0, "Protocol"), "6");
	CU_ASSERT_STRING_EQUAL(str(e0, "RuleAction"), "allow");
	CU_ASSERT_TRUE(json_is_false(at(e0, "Egress")));
	CU_ASSERT_STRING_EQUAL(str(e0, "CidrBlock"), "0.0.0.0/0");
	CU_ASSERT_EQUAL(json_integer_value(at(e0, "RuleNumber")), 100);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Entries[1].Ipv6CidrBlock"), "::/0");
	CU_ASSERT_EQUAL(json_integer_value(at(r, "configuration.Entries[2].IcmpTypeCode.Code")),
			-1);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Associations[0].SubnetId"), "subnet-1");
	json_decref(r);
}

static void
test_iam_user_policies(void)
{
	json_t *r = convert_fixture("api-iam-user.json");

	CU_ASSERT_STRING_EQUAL(str(r, "configuration.UserPolicyList[0].PolicyName"),
			       "inline-admin");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.UserPolicyList[0].PolicyDocument.Version"),
			       "2012-10-17");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.UserPolicyList[0].PolicyDocument.Statement[0].Action"), "*");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.AttachedManagedPolicies[0].PolicyArn"),
			       "arn:aws:iam::aws:policy/ReadOnlyAccess");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.GroupList[0]"), "developers");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Arn"), "arn:aws:iam::111122223333:user/alice");
	CU_ASSERT_TRUE(json_is_null(at(r, "configuration.PermissionsBoundary")));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Tags[0].Key"), "team");
	json_decref(r);
}

static void
test_iam_role_trust_policy(void)
{
	json_t *r = convert_fixture("snapshot-iam-role.json");
	const json_t *st = at(r, "configuration.AssumeRolePolicyDocument.Statement[0]");

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "app-ec2");
	CU_ASSERT_STRING_EQUAL(str(st, "Principal.Service"), "ec2.amazonaws.com");
	/* Inside a policy document nothing is re-cased. */
	CU_ASSERT_STRING_EQUAL(str(st, "Condition.StringEquals.aws:SourceAccount"), "111122223333");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.InstanceProfileList[0].Roles[0].AssumeRolePolicyDocument."
		       "Statement[0].Action"),
		"sts:AssumeRole");
	/* '+' is a space in form encoding. */
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.RolePolicyList[0].PolicyDocument.Statement[0].Sid"),
		"Read only S3");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.RoleLastUsed.Region"), "us-east-1");
	json_decref(r);
}

static void
test_iam_policy_versions(void)
{
	json_t *r = convert_fixture("api-iam-policy.json");

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "arn:aws:iam::111122223333:policy/admin-all");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.DefaultVersionId"), "v2");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.PolicyVersionList[0].IsDefaultVersion")));
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.PolicyVersionList[0].Document.Statement[0].Effect"), "Allow");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.PolicyVersionList[1].Document.Statement[0].Action[0]"),
		"s3:GetObject");
	CU_ASSERT_EQUAL(json_integer_value(at(r, "configuration.AttachmentCount")), 1);
	json_decref(r);
}

static void
test_policy_document_forms(void)
{
	json_t *r;

	/* An object stays; plain JSON text is parsed; %XX escapes decode. */
	CU_ASSERT_EQUAL(
		convert_text(
			"{\"resourceType\":\"AWS::IAM::Group\",\"resourceId\":\"AGPA1\","
			"\"resourceName\":\"ops\",\"configuration\":{\"groupName\":\"ops\","
			"\"groupPolicyList\":[{\"policyName\":\"a\",\"policyDocument\":"
			"{\"Version\":\"2012-10-17\",\"Statement\":[]}},{\"policyName\":\"b\","
			"\"policyDocument\":\"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Deny\\\"}]}\"},"
			"{\"policyName\":\"c\",\"policyDocument\":"
			"\"%7B%22Statement%22%3A%5B%7B%22Resource%22%3A%22a%2Bb%25%22%7D%5D%7D\"}]}}",
			&r),
		ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "ops");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.GroupPolicyList[0].PolicyDocument.Version"),
			       "2012-10-17");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.GroupPolicyList[1].PolicyDocument.Statement[0].Effect"),
		"Deny");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.GroupPolicyList[2].PolicyDocument.Statement[0].Resource"),
		"a+b%");
	json_decref(r);
}

static void
test_policy_document_invalid(void)
{
	json_t *r;

	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::IAM::Policy\",\"resourceId\":\"p1\","
				     "\"configuration\":{\"policyVersionList\":[{\"document\":"
				     "\"%7B%22Statement%22%3A\",\"versionId\":\"v1\"}]}}",
				     &r),
			ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(attest_ctx_errmsg(ctx),
		       "configuration item 'AWS::IAM::Policy' 'p1': "
		       "'configuration.policyVersionList[0].document' is not a valid "
		       "policy document"));
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::IAM::Role\",\"resourceId\":\"r1\","
				     "\"configuration\":{\"assumeRolePolicyDocument\":\"%7G\"}}",
				     &r),
			ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(attest_ctx_errmsg(ctx), "'configuration.assumeRolePolicyDocument'"));
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::IAM::Role\",\"resourceId\":\"r1\","
				     "\"configuration\":{\"assumeRolePolicyDocument\":42}}",
				     &r),
			ATTEST_ERR_INVALID);
}

static void
test_s3_snapshot(void)
{
	json_t *r = convert_fixture("snapshot-s3.json");
	const json_t *sc = at(r, "supplementaryConfiguration");

	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Name"), "acme-prod-logs");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.CreationDate"), "2024-03-01T09:00:00.000Z");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Owner.ID"),
			       "4df55416215956920d9d056aa8b99803a294ea221222bb668b55a8c6bca81094");
	CU_ASSERT_STRING_EQUAL(str(sc, "BucketPolicy.Statement[0].Effect"), "Deny");
	CU_ASSERT_STRING_EQUAL(
		str(sc, "BucketPolicy.Statement[0].Condition.Bool.aws:SecureTransport"), "false");
	CU_ASSERT_TRUE(json_is_true(at(sc, "PublicAccessBlockConfiguration.BlockPublicAcls")));
	CU_ASSERT_TRUE(
		json_is_true(at(sc, "PublicAccessBlockConfiguration.RestrictPublicBuckets")));
	CU_ASSERT_STRING_EQUAL(
		str(sc,
		    "ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault."
		    "SSEAlgorithm"),
		"aws:kms");
	CU_ASSERT_STRING_EQUAL(
		str(sc,
		    "ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault."
		    "KMSMasterKeyID"),
		"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
	CU_ASSERT_TRUE(json_is_true(
		at(sc, "ServerSideEncryptionConfiguration.Rules[0].BucketKeyEnabled")));
	CU_ASSERT_STRING_EQUAL(str(sc, "BucketVersioningConfiguration.Status"), "Enabled");
	CU_ASSERT_STRING_EQUAL(str(sc, "BucketVersioningConfiguration.MFADelete"), "Disabled");
	CU_ASSERT_STRING_EQUAL(str(sc, "BucketLoggingConfiguration.LoggingEnabled.TargetBucket"),
			       "acme-access-logs");
	CU_ASSERT_STRING_EQUAL(str(sc, "BucketLoggingConfiguration.LoggingEnabled.TargetPrefix"),
			       "prod-logs/");
	json_decref(r);
}

static void
test_s3_acl(void)
{
	json_t *r = convert_fixture("snapshot-s3.json");
	const json_t *acl = at(r, "supplementaryConfiguration.BucketAcl");

	CU_ASSERT_PTR_NULL(at(r, "supplementaryConfiguration.AccessControlList"));
	CU_ASSERT_STRING_EQUAL(str(acl, "Owner.ID"),
			       "4df55416215956920d9d056aa8b99803a294ea221222bb668b55a8c6bca81094");
	CU_ASSERT_EQUAL(json_array_size(at(acl, "Grants")), 3);
	CU_ASSERT_STRING_EQUAL(str(acl, "Grants[0].Grantee.Type"), "CanonicalUser");
	CU_ASSERT_STRING_EQUAL(str(acl, "Grants[0].Permission"), "FULL_CONTROL");
	CU_ASSERT_STRING_EQUAL(str(acl, "Grants[1].Grantee.Type"), "Group");
	CU_ASSERT_STRING_EQUAL(str(acl, "Grants[1].Grantee.URI"),
			       "http://acs.amazonaws.com/groups/global/AllUsers");
	CU_ASSERT_STRING_EQUAL(str(acl, "Grants[1].Permission"), "READ");
	CU_ASSERT_STRING_EQUAL(str(acl, "Grants[2].Grantee.URI"),
			       "http://acs.amazonaws.com/groups/s3/LogDelivery");
	json_decref(r);
}

static void
test_s3_api_strings(void)
{
	json_t *r = convert_fixture("api-s3.json");
	const json_t *sc = at(r, "supplementaryConfiguration");

	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Name"), "acme-public-site");
	CU_ASSERT_STRING_EQUAL(str(r, "tags.env"), "dev");
	/* policyText null: no bucket policy. */
	CU_ASSERT_PTR_NOT_NULL(at(sc, "BucketPolicy"));
	CU_ASSERT_TRUE(json_is_null(at(sc, "BucketPolicy")));
	/* status Off: versioning never enabled, {}. */
	CU_ASSERT_TRUE(json_is_object(at(sc, "BucketVersioningConfiguration")));
	CU_ASSERT_EQUAL(json_object_size(at(sc, "BucketVersioningConfiguration")), 0);
	/* no destination bucket: logging off, {}. */
	CU_ASSERT_EQUAL(json_object_size(at(sc, "BucketLoggingConfiguration")), 0);
	CU_ASSERT_TRUE(json_is_object(at(sc, "BucketLoggingConfiguration")));
	CU_ASSERT_STRING_EQUAL(str(sc, "BucketAcl.Grants[1].Grantee.URI"),
			       "http://acs.amazonaws.com/groups/global/AuthenticatedUsers");
	CU_ASSERT_STRING_EQUAL(str(sc, "BucketAcl.Grants[1].Permission"), "READ_ACP");
	/* Not collected by Config here: stays absent. */
	CU_ASSERT_PTR_NULL(at(sc, "PublicAccessBlockConfiguration"));
	CU_ASSERT_PTR_NULL(at(sc, "ServerSideEncryptionConfiguration"));
	CU_ASSERT_STRING_EQUAL(str(sc, "ConfigurationItemCaptureTime"), "2025-11-19T08:30:00Z");
	json_decref(r);
}

static void
test_rds_trail_kms(void)
{
	json_t *r = convert_fixture("snapshot-rds.json");

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "orders-prod");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.DBInstanceIdentifier"), "orders-prod");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.DBInstanceArn"),
			       "arn:aws:rds:eu-west-1:111122223333:db:orders-prod");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.MultiAZ")));
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.StorageEncrypted")));
	CU_ASSERT_TRUE(json_is_false(at(r, "configuration.PubliclyAccessible")));
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.DBSubnetGroup.Subnets[0].SubnetAvailabilityZone.Name"),
		"eu-west-1a");
	json_decref(r);

	r = convert_fixture("snapshot-trail.json");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.IsMultiRegionTrail")));
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.LogFileValidationEnabled")));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.TrailARN"),
			       "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.S3BucketName"), "acme-cloudtrail");
	json_decref(r);

	r = convert_fixture("snapshot-kms.json");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.KeyManager"), "CUSTOMER");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.AWSAccountId"), "111122223333");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.KeySpec"), "SYMMETRIC_DEFAULT");
	CU_ASSERT_TRUE(json_is_true(at(r, "supplementaryConfiguration.KeyRotationEnabled")));
	json_decref(r);
}

static void
test_camelcase_services(void)
{
	json_t *r = convert_fixture("snapshot-logs.json");

	/* CloudWatch Logs' API is camelCase: Config's CloudFormation names map back. */
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.logGroupName"), "app");
	CU_ASSERT_EQUAL(json_integer_value(at(r, "configuration.retentionInDays")), 30);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.arn"),
			       "arn:aws:logs:us-east-1:111122223333:log-group:app:*");
	json_decref(r);

	CU_ASSERT_EQUAL(
		convert_text("{\"resourceType\":\"AWS::AccessAnalyzer::Analyzer\","
			     "\"resourceId\":\"arn:aws:access-analyzer:us-east-1:1:analyzer/a\","
			     "\"configuration\":{\"AnalyzerName\":\"a\",\"Type\":\"ACCOUNT\","
			     "\"Arn\":\"arn:aws:access-analyzer:us-east-1:1:analyzer/a\"}}",
			     &r),
		ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.name"), "a");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.type"), "ACCOUNT");
	json_decref(r);

	/* A type outside the list keeps its keys as they are. */
	CU_ASSERT_EQUAL(
		convert_text(
			"{\"resourceType\":\"AWS::EKS::Cluster\",\"resourceId\":\"c\","
			"\"configuration\":{\"resourcesVpcConfig\":{\"endpointPublicAccess\":true}}}",
			&r),
		ATTEST_OK);
	CU_ASSERT_TRUE(
		json_is_true(at(r, "configuration.resourcesVpcConfig.endpointPublicAccess")));
	json_decref(r);
}

static void
test_tag_forms(void)
{
	json_t *r;

	CU_ASSERT_EQUAL(
		convert_text(
			"{\"resourceType\":\"AWS::EC2::Volume\",\"resourceId\":\"vol-1\","
			"\"tags\":[{\"key\":\"a\",\"value\":\"1\"},{\"Key\":\"b\",\"Value\":\"2\"}],"
			"\"configuration\":{\"volumeId\":\"vol-1\",\"encrypted\":false,"
			"\"tags\":{\"lower-case key\":\"v\"}}}",
			&r),
		ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "tags.a"), "1");
	CU_ASSERT_STRING_EQUAL(str(r, "tags.b"), "2");
	/* A tag map inside the configuration keeps the user's keys. */
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Tags.lower-case key"), "v");
	CU_ASSERT_TRUE(json_is_false(at(r, "configuration.Encrypted")));
	json_decref(r);

	CU_ASSERT_EQUAL(
		convert_text("{\"resourceType\":\"AWS::EC2::Volume\",\"resourceId\":\"vol-1\","
			     "\"tags\":\"env=prod\"}",
			     &r),
		ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "'tags' must be"));
	CU_ASSERT_EQUAL(
		convert_text("{\"resourceType\":\"AWS::EC2::Volume\",\"resourceId\":\"vol-1\","
			     "\"tags\":[{\"value\":\"x\"}]}",
			     &r),
		ATTEST_ERR_INVALID);
}

static void
test_skipped_items(void)
{
	static const char *const statuses[] = {"ResourceDeleted", "ResourceNotRecorded",
					       "ResourceDeletedNotRecorded"};
	char text[256];
	json_t *r;
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text),
			 "{\"resourceType\":\"AWS::EC2::Instance\",\"resourceId\":\"i-1\","
			 "\"configurationItemStatus\":\"%s\",\"configuration\":null}",
			 statuses[i]);
		r = (json_t *)1;
		CU_ASSERT_EQUAL(convert_text(text, &r), ATTEST_OK);
		CU_ASSERT_PTR_NULL(r);
	}
	/* Other statuses are kept; a null configuration stays null. */
	CU_ASSERT_EQUAL(
		convert_text("{\"resourceType\":\"AWS::EC2::Instance\",\"resourceId\":\"i-1\","
			     "\"configurationItemStatus\":\"ResourceDiscovered\","
			     "\"configuration\":null}",
			     &r),
		ATTEST_OK);
	CU_ASSERT_TRUE(json_is_null(at(r, "configuration")));
	json_decref(r);
}

static void
test_required_keys(void)
{
	json_t *r;

	CU_ASSERT_EQUAL(convert_text("{\"resourceId\":\"x\"}", &r), ATTEST_ERR_INVALID);
	CU_ASSERT_STRING_EQUAL(attest_ctx_errmsg(ctx),
			       "configuration item: 'resourceType' must be a string");
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":7,\"resourceId\":\"x\"}", &r),
			ATTEST_ERR_INVALID);
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::EC2::VPC\"}", &r),
			ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "'resourceId' must be a string"));
	CU_ASSERT_EQUAL(convert_text("[1,2]", &r), ATTEST_ERR_INVALID);
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::EC2::VPC\",\"resourceId\":\"v\","
				     "\"awsRegion\":5}",
				     &r),
			ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(attest_ctx_errmsg(ctx), "'awsRegion' must be a string or null"));
	/* Optional keys may be null. */
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::EC2::VPC\",\"resourceId\":\"v\","
				     "\"awsRegion\":null,\"ARN\":null,\"tags\":null}",
				     &r),
			ATTEST_OK);
	CU_ASSERT_PTR_NULL(json_object_get(r, "region"));
	json_decref(r);
}

static void
test_configuration_not_json(void)
{
	json_t *r;

	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::IAM::Policy\",\"resourceId\":\"p1\","
				     "\"configuration\":\"{\\\"policyName\\\":\"}",
				     &r),
			ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(attest_ctx_errmsg(ctx),
		       "configuration item 'AWS::IAM::Policy' 'p1': 'configuration' is "
		       "not valid JSON: "));
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\","
				     "\"configuration\":[1]}",
				     &r),
			ATTEST_ERR_INVALID);
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\","
				     "\"supplementaryConfiguration\":{\"BucketPolicy\":\"{oops\"}}",
				     &r),
			ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(attest_ctx_errmsg(ctx),
		       "'supplementaryConfiguration.BucketPolicy' is not valid JSON"));
	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\","
				     "\"supplementaryConfiguration\":{\"BucketPolicy\":"
				     "{\"policyText\":\"[1]\"}}}",
				     &r),
			ATTEST_ERR_INVALID);
}

static void
test_deep_nesting(void)
{
	enum { DEPTH = 1000 };
	json_t *item, *v, *r = NULL;
	int i;

	v = json_string("leaf");
	for (i = 0; i < DEPTH && v; i++) {
		json_t *o = json_object();

		if (o && json_object_set_new(o, "nested", v) != 0) {
			json_decref(o);
			o = NULL;
		}
		v = o;
	}
	item = json_object();
	CU_ASSERT_PTR_NOT_NULL_FATAL(item);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	json_object_set_new(item, "resourceType", json_string("AWS::EC2::Instance"));
	json_object_set_new(item, "resourceId", json_string("i-1"));
	json_object_set_new(item, "configuration", v);
	CU_ASSERT_EQUAL(awsconfig_item(ctx, item, &r), ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "nested too deeply"));
	json_decref(item);
}

/* Wrong types in every place: an answer, never a crash. */
static void
test_hostile_items(void)
{
	static const char *const items[] = {
		"null",
		"\"x\"",
		"{}",
		"{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\",\"configuration\":\"null\","
		"\"supplementaryConfiguration\":{\"BucketPolicy\":7,\"AccessControlList\":\"[]\","
		"\"BucketVersioningConfiguration\":{\"status\":3},\"BucketLoggingConfiguration\":"
		"{\"destinationBucketName\":1}}}",
		"{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\","
		"\"supplementaryConfiguration\":"
		"{\"AccessControlList\":{\"grantList\":[{\"grantee\":[],\"permission\":\"Read\"}]}}}",
		"{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\","
		"\"supplementaryConfiguration\":"
		"{\"AccessControlList\":{\"grantList\":7,\"owner\":[]}}}",
		"{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\","
		"\"supplementaryConfiguration\":"
		"{\"AccessControlList\":null,\"BucketPolicy\":{\"policyText\":\"%\"}}}",
		"{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\","
		"\"supplementaryConfiguration\":[]}",
		"{\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg\",\"configuration\":"
		"{\"ipPermissions\":[{\"ipv4Ranges\":7},{\"ipRanges\":[1,null]},{\"ipRanges\":{}}]}}",
		"{\"resourceType\":\"AWS::IAM::User\",\"resourceId\":\"u\",\"resourceName\":[],"
		"\"configuration\":{\"userPolicyList\":[{\"policyDocument\":\"%7\"}]}}",
		"{\"resourceType\":\"AWS::KMS::Key\",\"resourceId\":\"k\",\"configuration\":[],"
		"\"supplementaryConfiguration\":{\"KeyRotationStatus\":{}}}",
		"{\"resourceType\":\"AWS::Logs::LogGroup\",\"resourceId\":\"l\",\"configuration\":"
		"{\"A\":1,\"a\":2,\"\":3}}",
		"{\"resourceType\":\"AWS::EC2::VPC\",\"resourceId\":\"v\","
		"\"configurationItemCaptureTime\":"
		"-5,\"configurationItemStatus\":9,\"configuration\":{\"\":{\"\":[]},\"cidrBlock\":"
		"\"x\","
		"\"CidrBlock\":\"y\"}}",
	};
	size_t i;
	json_t *r;
	attest_rc rc;

	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		rc = convert_text(items[i], &r);
		CU_ASSERT(rc == ATTEST_OK || rc == ATTEST_ERR_INVALID);
		CU_ASSERT(rc == ATTEST_OK || r == NULL);
		CU_ASSERT(rc != ATTEST_ERR_INVALID || attest_ctx_errmsg(ctx)[0] != '\0');
		json_decref(r);
	}
}

/* A key already spelled the API's way wins over a re-cased one. */
static void
test_key_collision(void)
{
	json_t *r;

	CU_ASSERT_EQUAL(convert_text("{\"resourceType\":\"AWS::EC2::VPC\",\"resourceId\":\"v\","
				     "\"configuration\":{\"cidrBlock\":\"a\",\"CidrBlock\":\"b\","
				     "\"isDefault\":true}}",
				     &r),
			ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.CidrBlock"), "b");
	CU_ASSERT_EQUAL(json_object_size(at(r, "configuration")), 2);
	json_decref(r);
}

static void
test_lambda(void)
{
	json_t *r = convert_fixture("snapshot-lambda.json");

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "order-export");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Runtime"), "python3.12");
	/* Config's kmskeyArn is the API's KMSKeyArn. */
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.KMSKeyArn"),
			       "arn:aws:kms:us-east-1:111122223333:key/"
			       "1234abcd-12ab-34cd-56ef-1234567890ab");
	CU_ASSERT_PTR_NULL(at(r, "configuration.KmskeyArn"));
	/* Variable names are the user's: never re-cased. */
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Environment.Variables.dbPassword"), "hunter2");
	CU_ASSERT_PTR_NULL(at(r, "configuration.Environment.Variables.DbPassword"));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.VpcConfig.SubnetIds[0]"), "subnet-0a1b2c3d");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.TracingConfig.Mode"), "PassThrough");
	/* The resource policy text becomes an object. */
	CU_ASSERT_STRING_EQUAL(str(r, "supplementaryConfiguration.Policy.Statement[0].Principal"),
			       "*");
	CU_ASSERT_PTR_NULL(at(r, "supplementaryConfiguration.FunctionUrlConfigs"));
	json_decref(r);
}

static void
test_sqs_sns_secret(void)
{
	json_t *r = convert_fixture("api-sqs.json");
	const char *url = "https://sqs.us-east-1.amazonaws.com/111122223333/orders";

	CU_ASSERT_STRING_EQUAL(str(r, "id"), url);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.QueueUrl"), url);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Attributes.QueueArn"),
			       "arn:aws:sqs:us-east-1:111122223333:orders");
	/* Attribute values are the API's strings. */
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Attributes.SqsManagedSseEnabled"), "false");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Attributes.DelaySeconds"), "0");
	CU_ASSERT_TRUE(json_is_string(at(r, "configuration.Attributes.Policy")));
	CU_ASSERT_PTR_NULL(at(r, "configuration.QueueArn"));
	CU_ASSERT_PTR_NULL(at(r, "configuration.Attributes.QueueUrl"));
	json_decref(r);

	r = convert_fixture("snapshot-sns.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "arn:aws:sns:us-east-1:111122223333:alerts");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Attributes.KmsMasterKeyId"), "alias/aws/sns");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Attributes.TopicArn"),
			       "arn:aws:sns:us-east-1:111122223333:alerts");
	CU_ASSERT_EQUAL(json_object_size(at(r, "configuration")), 1);
	json_decref(r);

	r = convert_fixture("snapshot-secret.json");
	CU_ASSERT_STRING_EQUAL(
		str(r, "id"),
		"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.KmsKeyId"),
			       "arn:aws:kms:us-east-1:111122223333:key/"
			       "1234abcd-12ab-34cd-56ef-1234567890ab");
	CU_ASSERT_PTR_NULL(at(r, "configuration.KMSKeyId"));
	CU_ASSERT_EQUAL(
		json_integer_value(at(r, "configuration.RotationRules.AutomaticallyAfterDays")),
		30);
	/* Not recorded by Config: stays absent. */
	CU_ASSERT_PTR_NULL(at(r, "configuration.LastRotatedDate"));
	CU_ASSERT_PTR_NULL(at(r, "supplementaryConfiguration.ResourcePolicy"));
	json_decref(r);
}

static void
test_dynamodb(void)
{
	json_t *r = convert_fixture("snapshot-dynamodb.json");

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "orders");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.SSEDescription.SSEType"), "KMS");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.SSEDescription.Status"), "ENABLED");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.SSEDescription.KMSMasterKeyArn"),
			       "arn:aws:kms:us-east-1:111122223333:key/"
			       "1234abcd-12ab-34cd-56ef-1234567890ab");
	CU_ASSERT_PTR_NULL(at(r, "configuration.Ssedescription"));
	CU_ASSERT_TRUE(json_is_false(at(r, "configuration.DeletionProtectionEnabled")));
	CU_ASSERT_STRING_EQUAL(str(r, "supplementaryConfiguration.ContinuousBackupsDescription."
				      "PointInTimeRecoveryDescription.PointInTimeRecoveryStatus"),
			       "ENABLED");
	json_decref(r);
}

static void
test_load_balancers(void)
{
	json_t *r = convert_fixture("api-elbv2.json");

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "arn:aws:elasticloadbalancing:us-east-1:111122223333:"
					     "loadbalancer/app/web/50dc6c495c0c9188");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Type"), "application");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.DNSName"),
			       "web-1.us-east-1.elb.amazonaws.com");
	/* The attributes were JSON text in the API-style item. */
	CU_ASSERT_STRING_EQUAL(str(r, "supplementaryConfiguration.LoadBalancerAttributes[2].Key"),
			       "deletion_protection.enabled");
	CU_ASSERT_STRING_EQUAL(str(r, "supplementaryConfiguration.LoadBalancerAttributes[2].Value"),
			       "false");
	json_decref(r);

	r = convert_fixture("snapshot-elbv2-listener.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "arn:aws:elasticloadbalancing:us-east-1:111122223333:"
					     "listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2");
	CU_ASSERT_EQUAL(json_integer_value(at(r, "configuration.Port")), 80);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.DefaultActions[0].RedirectConfig.Protocol"),
			       "HTTPS");
	json_decref(r);

	r = convert_fixture("snapshot-elb.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "legacy");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.ListenerDescriptions[0].Listener.Protocol"),
			       "HTTPS");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.ListenerDescriptions[0].Listener.SSLCertificateId"),
		"arn:aws:acm:us-east-1:111122223333:certificate/abcd");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.VPCId"), "vpc-0a1b2c3d");
	CU_ASSERT_STRING_EQUAL(str(r, "supplementaryConfiguration.PolicyDescriptions[0]."
				      "PolicyAttributeDescriptions[0].AttributeName"),
			       "Protocol-TLSv1");
	CU_ASSERT_PTR_NULL(at(r, "supplementaryConfiguration.LoadBalancerPolicies"));
	CU_ASSERT_TRUE(json_is_false(
		at(r, "supplementaryConfiguration.LoadBalancerAttributes.AccessLog.Enabled")));
	json_decref(r);
}

static void
test_cloudfront(void)
{
	json_t *r = convert_fixture("snapshot-cloudfront.json"), *item;
	const char *dc = "configuration.DistributionConfig";
	char p[256];

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "E2QWRUHEXAMPLE");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.ARN"),
			       "arn:aws:cloudfront::111122223333:distribution/E2QWRUHEXAMPLE");
	snprintf(p, sizeof(p), "%s.ViewerCertificate.ACMCertificateArn", dc);
	CU_ASSERT_STRING_EQUAL(str(r, p), "arn:aws:acm:us-east-1:111122223333:certificate/abcd");
	snprintf(p, sizeof(p), "%s.ViewerCertificate.SSLSupportMethod", dc);
	CU_ASSERT_STRING_EQUAL(str(r, p), "sni-only");
	snprintf(p, sizeof(p), "%s.Origins.Items[1].CustomOriginConfig.OriginSslProtocols.Items[0]",
		 dc);
	CU_ASSERT_STRING_EQUAL(str(r, p), "TLSv1.2");
	snprintf(p, sizeof(p), "%s.WebACLId", dc);
	CU_ASSERT_STRING_EQUAL(str(r, p), "");
	snprintf(p, sizeof(p), "%s.DefaultCacheBehavior.ViewerProtocolPolicy", dc);
	CU_ASSERT_STRING_EQUAL(str(r, p), "allow-all");
	json_decref(r);

	/* The CloudFormation shape: plain lists and no Logging.Enabled. */
	item = fixture("snapshot-cloudfront.json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(item);
	json_object_set_new(item, "configuration",
			    json_pack("{ss s{s[{ss ss s{ss s[s]}}] s[{ss ss}] s{ss ss}}}", "Id",
				      "E1", "DistributionConfig", "Origins", "Id", "api",
				      "DomainName", "api.example.com", "CustomOriginConfig",
				      "OriginProtocolPolicy", "https-only", "OriginSSLProtocols",
				      "TLSv1.2", "CacheBehaviors", "PathPattern", "/x/*",
				      "ViewerProtocolPolicy", "https-only", "Logging", "Bucket",
				      "logs.s3.amazonaws.com", "Prefix", "cf/"));
	CU_ASSERT_EQUAL_FATAL(awsconfig_item(ctx, item, &r), ATTEST_OK);
	CU_ASSERT_EQUAL(
		json_integer_value(at(r, "configuration.DistributionConfig.Origins.Quantity")), 1);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.DistributionConfig.Origins.Items[0]."
				      "CustomOriginConfig.OriginSslProtocols.Items[0]"),
			       "TLSv1.2");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.DistributionConfig.CacheBehaviors.Items[0].PathPattern"),
		"/x/*");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.DistributionConfig.Logging.Enabled")));
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "E1");
	json_decref(r);
	json_decref(item);
}

static void
test_ecs_eks_ecr(void)
{
	json_t *r = convert_fixture("snapshot-ecs-taskdef.json");
	attest_rc rc;

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "web:7");
	CU_ASSERT_EQUAL(json_integer_value(at(r, "configuration.revision")), 7);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.status"), "ACTIVE");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.networkMode"), "awsvpc");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.containerDefinitions[0].privileged")));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.containerDefinitions[0].environment[0].name"),
			       "MODE");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.containerDefinitions[0].logConfiguration.logDriver"),
		"awslogs");
	/* Maps of the user's keep their keys. */
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.containerDefinitions[0].dockerLabels.Team"),
			       "web");
	CU_ASSERT_PTR_NULL(at(r, "configuration.ContainerDefinitions"));
	json_decref(r);

	r = convert_fixture("snapshot-ecs-cluster.json");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.clusterName"), "prod");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.clusterArn"),
			       "arn:aws:ecs:us-east-1:111122223333:cluster/prod");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.settings[0].name"), "containerInsights");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.settings[0].value"), "enabled");
	json_decref(r);

	r = convert_fixture("snapshot-eks.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "platform");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.version"), "1.31");
	CU_ASSERT_TRUE(
		json_is_true(at(r, "configuration.resourcesVpcConfig.endpointPublicAccess")));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.resourcesVpcConfig.publicAccessCidrs[0]"),
			       "0.0.0.0/0");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.encryptionConfig[0].resources[0]"), "secrets");
	CU_ASSERT_PTR_NOT_NULL(at(r, "configuration.encryptionConfig[0].provider.keyArn"));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.logging.clusterLogging[0].types[1]"), "audit");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.logging.clusterLogging[0].enabled")));
	json_decref(r);

	r = convert_fixture("snapshot-ecr.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "web");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.imageTagMutability"), "MUTABLE");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.imageScanningConfiguration.scanOnPush")));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.encryptionConfiguration.encryptionType"),
			       "KMS");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.repositoryArn"),
			       "arn:aws:ecr:us-east-1:111122223333:repository/web");
	CU_ASSERT_STRING_EQUAL(
		str(r, "supplementaryConfiguration.RepositoryPolicy.Statement[0].Sid"), "pull");
	CU_ASSERT_PTR_NULL(at(r, "configuration.repositoryPolicyText"));
	json_decref(r);

	/* An item already in the API's camelCase is unchanged. */
	rc = convert_text("{\"resourceType\": \"AWS::ECS::Cluster\", \"resourceId\": \"c\","
			  " \"configuration\": {\"clusterName\": \"c\", \"settings\":"
			  " [{\"name\": \"containerInsights\", \"value\": \"disabled\"}]}}",
			  &r);
	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.settings[0].value"), "disabled");
	json_decref(r);

	/* A repository policy that is not a policy names the key. */
	rc = convert_text("{\"resourceType\": \"AWS::ECR::Repository\", \"resourceId\": \"r\","
			  " \"configuration\": {\"RepositoryPolicyText\": \"{not json\"}}",
			  &r);
	CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "repositoryPolicyText"));
	CU_ASSERT_PTR_NULL(r);
}

static void
test_apigateway(void)
{
	json_t *r = convert_fixture("snapshot-apigw-stage.json");
	attest_rc rc;

	/* The REST API id comes from the ARN. */
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "a1b2c3d4e5/prod");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.restApiId"), "a1b2c3d4e5");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.methodSettings.*/*.loggingLevel"), "ERROR");
	CU_ASSERT_TRUE(json_is_false(at(r, "configuration.tracingEnabled")));
	json_decref(r);

	rc = convert_text(
		"{\"resourceType\": \"AWS::ApiGatewayV2::Stage\", \"resourceId\": \"x\","
		" \"arn\": \"arn:aws:apigateway:us-east-1::/apis/q1w2e3/stages/$default\","
		" \"configuration\": \"{\\\"StageName\\\": \\\"$default\\\","
		" \\\"AccessLogSettings\\\": {\\\"DestinationArn\\\": \\\"arn:l\\\"}}\"}",
		&r);
	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "q1w2e3/$default");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.ApiId"), "q1w2e3");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.AccessLogSettings.DestinationArn"), "arn:l");
	json_decref(r);

	/* Without an API id anywhere the id stays Config's. */
	rc = convert_text("{\"resourceType\": \"AWS::ApiGateway::Stage\", \"resourceId\": \"s1\","
			  " \"configuration\": {\"stageName\": \"prod\"}}",
			  &r);
	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "s1");
	json_decref(r);
}

static void
test_opensearch_redshift_rds(void)
{
	json_t *r = convert_fixture("snapshot-opensearch.json");

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "search");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.ARN"),
			       "arn:aws:es:us-east-1:111122223333:domain/search");
	/* VPCId from the item's relationship to its VPC. */
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.VPCOptions.VPCId"), "vpc-0a1b2c3d");
	CU_ASSERT_PTR_NULL(at(r, "configuration.AccessPolicies"));
	json_decref(r);

	r = convert_fixture("snapshot-redshift.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "analytics");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.PubliclyAccessible")));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.ClusterParameterGroups[0].ParameterGroupName"),
			       "analytics-params");
	CU_ASSERT_TRUE(
		json_is_true(at(r, "supplementaryConfiguration.LoggingStatus.LoggingEnabled")));
	CU_ASSERT_STRING_EQUAL(str(r, "supplementaryConfiguration.LoggingStatus.BucketName"),
			       "redshift-logs");
	CU_ASSERT_PTR_NULL(at(r, "supplementaryConfiguration.Parameters"));
	json_decref(r);

	r = convert_fixture("snapshot-rds-snapshot.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "manual-db1");
	CU_ASSERT_TRUE(json_is_false(at(r, "configuration.Encrypted")));
	CU_ASSERT_STRING_EQUAL(
		str(r, "supplementaryConfiguration.DBSnapshotAttributes[0].AttributeValues[0]"),
		"all");
	json_decref(r);

	r = convert_fixture("snapshot-elasticache.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "sessions");
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.ARN"),
		"arn:aws:elasticache:us-east-1:111122223333:replicationgroup:sessions");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.AtRestEncryptionEnabled")));
	CU_ASSERT_EQUAL(json_array_size(at(r, "configuration.UserGroupIds")), 0);
	json_decref(r);
}

static void
test_backup_waf_sagemaker(void)
{
	json_t *r = convert_fixture("snapshot-backup-vault.json");
	attest_rc rc;

	CU_ASSERT_STRING_EQUAL(str(r, "id"), "vault1");
	CU_ASSERT_TRUE(json_is_true(at(r, "configuration.Locked")));
	CU_ASSERT_EQUAL(json_integer_value(at(r, "configuration.MinRetentionDays")), 7);
	CU_ASSERT_STRING_EQUAL(
		str(r, "supplementaryConfiguration.AccessPolicy.Statement[0].Effect"), "Deny");
	CU_ASSERT_PTR_NULL(at(r, "configuration.AccessPolicy"));
	json_decref(r);

	/* Without LockConfiguration, Locked is not guessed. */
	rc = convert_text("{\"resourceType\": \"AWS::Backup::BackupVault\", \"resourceId\": \"v\","
			  " \"configuration\": {\"BackupVaultName\": \"v2\"}}",
			  &r);
	CU_ASSERT_EQUAL(rc, ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "v2");
	CU_ASSERT_PTR_NULL(at(r, "configuration.Locked"));
	json_decref(r);

	rc = convert_text("{\"resourceType\": \"AWS::Backup::BackupPlan\", \"resourceId\": \"p1\","
			  " \"configuration\": {\"BackupPlanId\": \"p1\", \"BackupPlan\":"
			  " {\"BackupPlanName\": \"daily\", \"BackupPlanRule\": [{\"RuleName\":"
			  " \"d\", \"TargetBackupVault\": \"vault1\", \"Lifecycle\":"
			  " {\"DeleteAfterDays\": 35}}]}}}",
			  &r);
	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.BackupPlan.Rules[0].TargetBackupVaultName"),
			       "vault1");
	CU_ASSERT_EQUAL(json_integer_value(at(
				r, "configuration.BackupPlan.Rules[0].Lifecycle.DeleteAfterDays")),
			35);
	json_decref(r);

	r = convert_fixture("snapshot-wafv2.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"),
			       "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/edge/a1b2");
	CU_ASSERT_PTR_NOT_NULL(at(r, "configuration.DefaultAction.Allow"));
	CU_ASSERT_EQUAL(json_array_size(at(r, "configuration.Rules")), 0);
	CU_ASSERT_PTR_NOT_NULL(
		at(r, "supplementaryConfiguration.LoggingConfiguration.LogDestinationConfigs[0]"));
	json_decref(r);

	/* defaultAction recorded as JSON text. */
	rc = convert_text(
		"{\"resourceType\": \"AWS::WAFv2::WebACL\", \"resourceId\": \"w\","
		" \"configuration\": {\"defaultAction\": \"{\\\"block\\\": {}}\","
		" \"rules\": [{\"name\": \"r\", \"statement\": {\"ipsetReferenceStatement\":"
		" {\"arn\": \"a\"}}}]}}",
		&r);
	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	CU_ASSERT_PTR_NOT_NULL(at(r, "configuration.DefaultAction.Block"));
	CU_ASSERT_STRING_EQUAL(
		str(r, "configuration.Rules[0].Statement.IPSetReferenceStatement.ARN"), "a");
	json_decref(r);

	r = convert_fixture("snapshot-sagemaker.json");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "lab");
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.DirectInternetAccess"), "Enabled");
	json_decref(r);
}

static void
test_small_service_fixes(void)
{
	json_t *r;
	attest_rc rc;

	rc = convert_text(
		"{\"resourceType\": \"AWS::EFS::AccessPoint\", \"resourceId\": \"fsap-1\","
		" \"configuration\": {\"AccessPointId\": \"fsap-1\", \"Arn\": \"arn:ap\","
		" \"RootDirectory\": {\"Path\": \"/data\"}}}",
		&r);
	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.AccessPointArn"), "arn:ap");
	json_decref(r);

	/* A VPC endpoint's policy text becomes an object. */
	rc = convert_text(
		"{\"resourceType\": \"AWS::EC2::VPCEndpoint\", \"resourceId\": \"vpce-1\","
		" \"configuration\": {\"vpcEndpointId\": \"vpce-1\", \"policyDocument\":"
		" \"{\\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\"}]}\"}}",
		&r);
	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.PolicyDocument.Statement[0].Effect"), "Allow");
	CU_ASSERT_STRING_EQUAL(str(r, "id"), "vpce-1");
	json_decref(r);

	/* SQS: a null attribute is left out, an item with Attributes is kept. */
	rc = convert_text("{\"resourceType\": \"AWS::SQS::Queue\", \"resourceId\": \"u\","
			  " \"configuration\": {\"QueueUrl\": \"u\", \"KmsMasterKeyId\": null,"
			  " \"FifoQueue\": true}}",
			  &r);
	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	CU_ASSERT_PTR_NULL(at(r, "configuration.Attributes.KmsMasterKeyId"));
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Attributes.FifoQueue"), "true");
	json_decref(r);
	rc = convert_text("{\"resourceType\": \"AWS::SQS::Queue\", \"resourceId\": \"u\","
			  " \"configuration\": {\"QueueUrl\": \"u\", \"Attributes\":"
			  " {\"KmsMasterKeyId\": \"k\"}}}",
			  &r);
	CU_ASSERT_EQUAL_FATAL(rc, ATTEST_OK);
	CU_ASSERT_STRING_EQUAL(str(r, "configuration.Attributes.KmsMasterKeyId"), "k");
	json_decref(r);

	/* A Lambda Policy that does not decode is an error naming it. */
	rc = convert_text("{\"resourceType\": \"AWS::Lambda::Function\", \"resourceId\": \"f\","
			  " \"configuration\": {}, \"supplementaryConfiguration\":"
			  " {\"Policy\": \"%7B%zz\"}}",
			  &r);
	CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "supplementaryConfiguration.Policy"));
	CU_ASSERT_PTR_NULL(r);

	/* Deeply nested PascalCase configuration: refused, not a crash. */
	{
		struct core_buf b;
		int i;

		core_buf_init(&b, 1 << 20);
		core_buf_add(&b,
			     "{\"resourceType\": \"AWS::EKS::Cluster\", \"resourceId\": \"e\","
			     " \"configuration\": ",
			     strlen("{\"resourceType\": \"AWS::EKS::Cluster\", \"resourceId\": "
				    "\"e\", \"configuration\": "));
		for (i = 0; i < 600; i++)
			core_buf_add(&b, "{\"A\": ", 6);
		core_buf_add(&b, "1", 1);
		for (i = 0; i < 600; i++)
			core_buf_addc(&b, '}');
		core_buf_addc(&b, '}');
		rc = convert_text(b.data, &r);
		CU_ASSERT_EQUAL(rc, ATTEST_ERR_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(attest_ctx_errmsg(ctx), "nested too deeply"));
		core_buf_release(&b);
	}
}

static CU_TestInfo tests[] = {
	{"envelope, snapshot style", test_envelope_snapshot},
	{"envelope, API style", test_envelope_api},
	{"security group ipv4Ranges -> IpRanges", test_sg_ip_ranges},
	{"security group flat ipRanges", test_sg_flat_ip_ranges},
	{"network ACL entries", test_nacl_entries},
	{"IAM user inline policies", test_iam_user_policies},
	{"IAM role trust policy", test_iam_role_trust_policy},
	{"IAM managed policy versions", test_iam_policy_versions},
	{"policy document forms", test_policy_document_forms},
	{"policy document invalid", test_policy_document_invalid},
	{"S3 snapshot supplementary", test_s3_snapshot},
	{"S3 ACL", test_s3_acl},
	{"S3 API-style strings", test_s3_api_strings},
	{"RDS, CloudTrail, KMS", test_rds_trail_kms},
	{"camelCase services", test_camelcase_services},
	{"tag forms", test_tag_forms},
	{"skipped items", test_skipped_items},
	{"required keys", test_required_keys},
	{"configuration not JSON", test_configuration_not_json},
	{"deep nesting", test_deep_nesting},
	{"hostile items", test_hostile_items},
	{"key collision", test_key_collision},
	{"Lambda", test_lambda},
	{"SQS, SNS, Secrets Manager", test_sqs_sns_secret},
	{"DynamoDB", test_dynamodb},
	{"load balancers", test_load_balancers},
	{"CloudFront", test_cloudfront},
	{"ECS, EKS, ECR", test_ecs_eks_ecr},
	{"API Gateway stages", test_apigateway},
	{"OpenSearch, Redshift, RDS snapshot, ElastiCache", test_opensearch_redshift_rds},
	{"Backup, WAFv2, SageMaker", test_backup_waf_sagemaker},
	{"small per-service fixes", test_small_service_fixes},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"awsconfig", suite_init, suite_clean, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return attest_test_main(suites);
}
