/*
 * Tests of the AWS Config importer (src/inventory/awsconfig*.c): both naming
 * styles of a configuration item, key re-casing and its per-type fixes, IAM
 * policy decoding, the S3 supplementary settings, skipped items, and error
 * messages for malformed items. Fixtures are real-looking items in
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
	rc = attest_awsconfig_item(ctx, item, &res);
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
	rc = attest_awsconfig_item(ctx, item, out);
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
	    str(r, "configuration.GroupPolicyList[1].PolicyDocument.Statement[0].Effect"), "Deny");
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
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    attest_ctx_errmsg(ctx), "configuration item 'AWS::IAM::Policy' 'p1': "
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
	    str(sc, "ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault."
	            "SSEAlgorithm"),
	    "aws:kms");
	CU_ASSERT_STRING_EQUAL(
	    str(sc, "ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault."
	            "KMSMasterKeyID"),
	    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
	CU_ASSERT_TRUE(
	    json_is_true(at(sc, "ServerSideEncryptionConfiguration.Rules[0].BucketKeyEnabled")));
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
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    attest_ctx_errmsg(ctx), "'supplementaryConfiguration.BucketPolicy' is not valid JSON"));
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
	CU_ASSERT_EQUAL(attest_awsconfig_item(ctx, item, &r), ATTEST_ERR_INVALID);
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
