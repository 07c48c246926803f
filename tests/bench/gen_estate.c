/*
 * Writes a deterministic synthetic AWS estate in attest's NDJSON format, for
 * benchmarks: N resources spread over the types the checks read, with a
 * realistic share of misconfigurations. Same N, same bytes.
 * usage: gen_estate N > estate.ndjson
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x2545F4914F6CDD1DULL;

static unsigned
rnd(unsigned n)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (unsigned)(state % n);
}

static const char *const regions[] = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"};
static const char *const accounts[] = {"100000000001", "100000000002", "100000000003"};

static void
resource(long i)
{
	const char *region = regions[rnd(4)], *account = accounts[rnd(3)];
	unsigned kind = (unsigned)(i % 8);

	switch (kind) {
	case 0:
		printf("{\"type\":\"AWS::S3::Bucket\",\"id\":\"bucket-%ld\",\"arn\":\"arn:aws:s3:::bucket-%ld\","
		       "\"region\":\"%s\",\"account\":\"%s\",\"tags\":{\"env\":\"prod\",\"team\":\"t%u\"},"
		       "\"configuration\":{\"Name\":\"bucket-%ld\",\"CreationDate\":\"2024-01-0%uT00:00:00Z\"},"
		       "\"supplementaryConfiguration\":{\"BucketPolicy\":%s,"
		       "\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,"
		       "\"BlockPublicPolicy\":%s,\"RestrictPublicBuckets\":true},"
		       "\"ServerSideEncryptionConfiguration\":{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":"
		       "{\"SSEAlgorithm\":\"aws:kms\"}}]},\"BucketVersioningConfiguration\":{\"Status\":\"Enabled\","
		       "\"MFADelete\":\"%s\"},\"BucketLoggingConfiguration\":{}}}\n",
		       i, i, region, account, rnd(40), i, 1 + rnd(9),
		       rnd(3) ? "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
				"\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"
			      : "null",
		       rnd(5) ? "true" : "false", rnd(4) ? "Disabled" : "Enabled");
		break;
	case 1:
	case 2:
		printf("{\"type\":\"AWS::EC2::SecurityGroup\",\"id\":\"sg-%08lx\",\"region\":\"%s\",\"account\":\"%s\","
		       "\"configuration\":{\"GroupId\":\"sg-%08lx\",\"GroupName\":\"%s\",\"VpcId\":\"vpc-%04x\","
		       "\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":%u,\"ToPort\":%u,"
		       "\"IpRanges\":[{\"CidrIp\":\"%s\"}],\"Ipv6Ranges\":[]},{\"IpProtocol\":\"tcp\",\"FromPort\":443,"
		       "\"ToPort\":443,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}],\"Ipv6Ranges\":[]}],"
		       "\"IpPermissionsEgress\":[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]}}\n",
		       i, region, account, i, rnd(10) ? "app" : "default", rnd(500),
		       rnd(2) ? 22 : 8080, rnd(2) ? 25 : 8080, rnd(6) ? "10.0.0.0/8" : "0.0.0.0/0");
		break;
	case 3:
		printf("{\"type\":\"AWS::EC2::Instance\",\"id\":\"i-%012lx\",\"region\":\"%s\",\"account\":\"%s\","
		       "\"configuration\":{\"InstanceId\":\"i-%012lx\",\"State\":{\"Name\":\"running\"},"
		       "\"MetadataOptions\":{\"HttpTokens\":\"%s\",\"HttpEndpoint\":\"enabled\"},"
		       "\"SecurityGroups\":[{\"GroupId\":\"sg-%08x\"}],\"ImageId\":\"ami-%06x\"}}\n",
		       i, region, account, i, rnd(3) ? "required" : "optional", rnd(1000),
		       rnd(100));
		break;
	case 4:
		printf("{\"type\":\"AWS::EC2::Volume\",\"id\":\"vol-%012lx\",\"region\":\"%s\",\"account\":\"%s\","
		       "\"configuration\":{\"VolumeId\":\"vol-%012lx\",\"Encrypted\":%s,\"Size\":%u,"
		       "\"State\":\"in-use\"}}\n",
		       i, region, account, i, rnd(4) ? "true" : "false", 8 + rnd(500));
		break;
	case 5:
		printf("{\"type\":\"AWS::RDS::DBInstance\",\"id\":\"db-%ld\",\"region\":\"%s\",\"account\":\"%s\","
		       "\"configuration\":{\"DBInstanceIdentifier\":\"db-%ld\",\"Engine\":\"postgres\","
		       "\"EngineVersion\":\"15.%u\",\"StorageEncrypted\":%s,\"PubliclyAccessible\":%s,"
		       "\"AutoMinorVersionUpgrade\":%s}}\n",
		       i, region, account, i, rnd(8), rnd(5) ? "true" : "false",
		       rnd(10) ? "false" : "true", rnd(3) ? "true" : "false");
		break;
	case 6:
		printf("{\"type\":\"AWS::IAM::CredentialReportEntry\",\"id\":\"user-%ld\",\"region\":\"global\","
		       "\"account\":\"%s\",\"arn\":\"arn:aws:iam::%s:user/user-%ld\",\"configuration\":{"
		       "\"user\":\"user-%ld\",\"password_enabled\":\"%s\",\"mfa_active\":\"%s\","
		       "\"password_last_used\":\"2026-0%u-01T00:00:00+00:00\",\"access_key_1_active\":\"true\","
		       "\"access_key_1_last_rotated\":\"2026-0%u-01T00:00:00+00:00\","
		       "\"access_key_1_last_used_date\":\"2026-0%u-15T00:00:00+00:00\","
		       "\"access_key_2_active\":\"false\"}}\n",
		       i, account, account, i, i, rnd(2) ? "true" : "false",
		       rnd(4) ? "true" : "false", 1 + rnd(9), 1 + rnd(9), 1 + rnd(9));
		break;
	default:
		printf("{\"type\":\"AWS::EC2::NetworkAcl\",\"id\":\"acl-%08lx\",\"region\":\"%s\",\"account\":\"%s\","
		       "\"configuration\":{\"NetworkAclId\":\"acl-%08lx\",\"IsDefault\":false,\"Entries\":["
		       "{\"RuleNumber\":100,\"Protocol\":\"%s\",\"RuleAction\":\"allow\",\"Egress\":false,"
		       "\"CidrBlock\":\"0.0.0.0/0\",\"PortRange\":{\"From\":443,\"To\":443}},"
		       "{\"RuleNumber\":32767,\"Protocol\":\"-1\",\"RuleAction\":\"deny\",\"Egress\":false,"
		       "\"CidrBlock\":\"0.0.0.0/0\"}]}}\n",
		       i, region, account, i, rnd(5) ? "6" : "-1");
		break;
	}
}

int
main(int argc, char **argv)
{
	long n, i;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: gen_estate N\n");
		return 2;
	}
	printf("{\"attest_inventory\":1,\"provider\":\"aws\",\"source\":\"attest bench generator\","
	       "\"collected_at\":\"2026-11-20T00:00:00Z\",\"accounts\":[\"100000000001\","
	       "\"100000000002\",\"100000000003\"],\"regions\":[\"us-east-1\",\"us-west-2\","
	       "\"eu-west-1\",\"eu-central-1\"],\"collected_types\":[\"AWS::S3::Bucket\","
	       "\"AWS::EC2::SecurityGroup\",\"AWS::EC2::Instance\",\"AWS::EC2::Volume\","
	       "\"AWS::RDS::DBInstance\",\"AWS::IAM::CredentialReportEntry\",\"AWS::EC2::NetworkAcl\"]}\n");
	for (i = 0; i < n; i++)
		resource(i);
	return ferror(stdout) ? 1 : 0;
}
